/* SPDX-License-Identifier: MIT */
/*
 * fsutil.c - whole-file reads, atomic writes (mkstemp + fsync + rename, as
 * htop's Settings_write), recursive mkdir and removal, path helpers.
 */
#include "config.h"

#include "faceaudit/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

char *
fs_read_file(const char *path, size_t max_size, size_t *len, char **cause)
{
    int fd;
    struct stat st;
    struct strbuf sb;
    char chunk[65536];
    ssize_t n;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
        cause_set(cause, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) == -1 || S_ISDIR(st.st_mode)) {
        cause_set(cause, "%s: %s", path, S_ISDIR(st.st_mode) ? "is a directory" : strerror(errno));
        close(fd);
        return NULL;
    }
    if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max_size) {
        cause_set(cause, "%s: file is %jd bytes, over the limit of %zu", path,
            (intmax_t)st.st_size, max_size);
        close(fd);
        return NULL;
    }
    strbuf_init(&sb);
    strbuf_add(&sb, "", 0);
    for (;;) {
        n = read(fd, chunk, sizeof chunk);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1) {
            cause_set(cause, "%s: read: %s", path, strerror(errno));
            strbuf_done(&sb);
            close(fd);
            return NULL;
        }
        if (n == 0)
            break;
        if (sb.len + (size_t)n > max_size) {
            cause_set(cause, "%s: file is over the limit of %zu bytes", path, max_size);
            strbuf_done(&sb);
            close(fd);
            return NULL;
        }
        strbuf_add(&sb, chunk, (size_t)n);
    }
    close(fd);
    if (len != NULL)
        *len = sb.len;
    return strbuf_detach(&sb);
}

static int
write_all(int fd, const void *data, size_t len)
{
    const char *p = data;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int
fs_atomic_open(struct fs_atomic *a, const char *path, mode_t mode, char **cause)
{
    struct stat st;
    int saved;

    a->path = xstrdup(path);
    a->tmp = NULL;
    a->err = 0;
    /*
     * A device or a FIFO (-o /dev/null, a pipe) is written in place: a file
     * renamed over it would replace the device node itself (as root, /dev/null
     * became a regular file). Nothing there can be half-written.
     */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            free(a->path);
            return cause_set(cause, "%s: is a directory", path);
        }
        if ((a->fd = open(path, O_WRONLY | O_CLOEXEC)) == -1) {
            saved = errno;
            free(a->path);
            return cause_set(cause, "%s: %s", path, strerror(saved));
        }
        return 0;
    }
    a->tmp = xasprintf("%s.tmpXXXXXX", path);
    if ((a->fd = mkstemp(a->tmp)) == -1) {
        cause_set(cause, "%s: cannot create temporary file: %s", path, strerror(errno));
        free(a->tmp);
        free(a->path);
        return -1;
    }
    if (fchmod(a->fd, mode) == -1) {
        saved = errno;
        fs_atomic_abort(a);
        return cause_set(cause, "%s: %s", path, strerror(saved));
    }
    return 0;
}

void
fs_atomic_write(struct fs_atomic *a, const void *data, size_t len)
{
    if (a->err == 0 && write_all(a->fd, data, len) == -1)
        a->err = errno;
}

void
fs_atomic_abort(struct fs_atomic *a)
{
    close(a->fd);
    if (a->tmp != NULL)
        unlink(a->tmp);
    free(a->tmp);
    free(a->path);
}

int
fs_atomic_commit(struct fs_atomic *a, char **cause)
{
    int saved = a->err;

    if (saved == 0 && a->tmp != NULL && fsync(a->fd) == -1)
        saved = errno;
    if (a->tmp == NULL) {   /* written in place: a device or a FIFO */
        if (close(a->fd) == -1 && saved == 0)
            saved = errno;
        if (saved != 0)
            cause_set(cause, "%s: %s", a->path, strerror(saved));
        free(a->path);
        return saved != 0 ? -1 : 0;
    }
    if (saved != 0) {
        cause_set(cause, "%s: %s", a->path, strerror(saved));
        fs_atomic_abort(a);
        return -1;
    }
    if (close(a->fd) == -1 || rename(a->tmp, a->path) == -1) {
        saved = errno;
        unlink(a->tmp);
        cause_set(cause, "%s: %s", a->path, strerror(saved));
        free(a->tmp);
        free(a->path);
        return -1;
    }
    free(a->tmp);
    free(a->path);
    return 0;
}

int
fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode, char **cause)
{
    struct fs_atomic a;

    if (fs_atomic_open(&a, path, mode, cause) != 0)
        return -1;
    fs_atomic_write(&a, data, len);
    return fs_atomic_commit(&a, cause);
}

int
fs_mkdir_p(const char *path, mode_t mode, char **cause)
{
    char *copy = xstrdup(path), *p;

    for (p = copy + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, mode) == -1 && errno != EEXIST) {
            cause_set(cause, "%s: %s", copy, strerror(errno));
            free(copy);
            return -1;
        }
        *p = '/';
    }
    if (mkdir(copy, mode) == -1 && errno != EEXIST) {
        cause_set(cause, "%s: %s", copy, strerror(errno));
        free(copy);
        return -1;
    }
    free(copy);
    if (!fs_is_dir(path))
        return cause_set(cause, "%s: exists and is not a directory", path);
    return 0;
}

int
fs_remove_tree(const char *path, char **cause)
{
    struct stat st;
    DIR *d;
    struct dirent *de;
    int rc = 0;

    if (lstat(path, &st) == -1)
        return errno == ENOENT ? 0 : cause_set(cause, "%s: %s", path, strerror(errno));
    if (!S_ISDIR(st.st_mode)) {
        if (unlink(path) == -1)
            return cause_set(cause, "%s: %s", path, strerror(errno));
        return 0;
    }
    if ((d = opendir(path)) == NULL)
        return cause_set(cause, "%s: %s", path, strerror(errno));
    while (rc == 0 && (de = readdir(d)) != NULL) {
        char *child;

        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        child = path_join(path, de->d_name);
        rc = fs_remove_tree(child, cause);
        free(child);
    }
    closedir(d);
    if (rc == 0 && rmdir(path) == -1)
        return cause_set(cause, "%s: %s", path, strerror(errno));
    return rc;
}

int
fs_copy_file(const char *from, const char *to, mode_t mode, char **cause)
{
    size_t len;
    char *data = fs_read_file(from, (size_t)1 << 31, &len, cause);
    int rc;

    if (data == NULL)
        return -1;
    rc = fs_write_atomic(to, data, len, mode, cause);
    free(data);
    return rc;
}

bool
fs_exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

bool
fs_is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *
path_join(const char *a, const char *b)
{
    size_t la = strlen(a);

    if (la == 0)
        return xstrdup(b);
    while (*b == '/')
        b++;
    if (a[la - 1] == '/')
        return xasprintf("%s%s", a, b);
    return xasprintf("%s/%s", a, b);
}

char *
path_data_home(void)
{
    const char *xdg = getenv("XDG_DATA_HOME"), *home;

    if (xdg != NULL && *xdg == '/')
        return path_join(xdg, "faceaudit");
    home = getenv("HOME");
    if (home == NULL || *home == '\0')
        home = "/tmp";
    return xasprintf("%s/.local/share/faceaudit", home);
}

/*
 * $(pkgdatadir) of an installed copy found from the program's own folder:
 * when bindir is $(prefix)/bin and pkgdatadir is under $(prefix), the same
 * layout one level up from the program. This finds the data of a copy
 * installed under DESTDIR or moved elsewhere as a whole. NULL if not.
 */
static char *
relocated_pkgdatadir(const char *exedir)
{
    size_t plen = strlen(FA_PREFIX);
    const char *up;

    if (strncmp(FA_BINDIR, FA_PREFIX, plen) != 0 || strcmp(FA_BINDIR + plen, "/bin") != 0 ||
        strncmp(FA_PKGDATADIR, FA_PREFIX, plen) != 0 || FA_PKGDATADIR[plen] != '/')
        return NULL;
    if ((up = strrchr(exedir, '/')) == NULL || strcmp(up, "/bin") != 0)
        return NULL;
    return xasprintf("%.*s%s", (int)(up - exedir), exedir, FA_PKGDATADIR + plen);
}

char *
path_rules_dir(void)
{
    const char *env = getenv("FACEAUDIT_RULES");
    char exe[4096], *slash, *dir, *share;
    ssize_t n;

    if (env != NULL && *env != '\0')
        return xstrdup(env);
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        if ((slash = strrchr(exe, '/')) != NULL) {
            *slash = '\0';
            dir = path_join(exe, "rules");
            if (fs_is_dir(dir))
                return dir;
            free(dir);
            if ((share = relocated_pkgdatadir(exe)) != NULL) {
                dir = path_join(share, "rules");
                free(share);
                if (fs_is_dir(dir))
                    return dir;
                free(dir);
            }
        }
    }
    return xstrdup(FA_PKGDATADIR "/rules");
}
