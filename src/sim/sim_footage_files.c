/* SPDX-License-Identifier: MIT */
/*
 * sim_footage_files.c - a recorded deployment's footage.csv and the files
 * it names, as hostile input: the list read row by row through core's CSV
 * reader within FOOTAGE_MAX_BYTES, FOOTAGE_MAX_FILES rows and
 * FOOTAGE_MAX_FIELD bytes a field; each recording confined to the replay
 * folder (no absolute path, no `..` or symbolic link leading out of it,
 * only a regular file, opened without blocking and without following a
 * last symbolic link, the open descriptor checked with fstat); and its
 * identity (size, modification time, SHA-256 of the bytes read through
 * that descriptor), which a checkpoint is compared with on resume.
 */
#include "config.h"

#include "sim_footage_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "faceaudit/csvr.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/scenario.h"
#include "faceaudit/sha256.h"
#include "faceaudit/str.h"
#include "faceaudit/video.h"
#include "faceaudit/xmalloc.h"

void
footage_recs_free(struct footage_rec *r, size_t n)
{
    size_t i;

    for (i = 0; r != NULL && i < n; i++) {
        free(r[i].file);
        free(r[i].name);
    }
    free(r);
}

/* "HH:MM[:SS]" after the date; -1 if malformed. */
static int
parse_clock(const char *s, double *secs)
{
    int h, m, sec = 0, n = 0;

    if (sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2 || n != 5)
        return -1;
    if (s[5] == ':') {
        int k = 0;

        if (sscanf(s + 6, "%2d%n", &sec, &k) != 1 || k != 2 || s[8] != '\0')
            return -1;
    } else if (s[5] != '\0')
        return -1;
    if (h > 23 || m > 59 || sec > 59 || h < 0 || m < 0 || sec < 0)
        return -1;
    *secs = h * 3600.0 + m * 60.0 + sec;
    return 0;
}

/* Whether name has a ".." component. */
static bool
has_dotdot(const char *name)
{
    const char *p = name;

    while ((p = strstr(p, "..")) != NULL) {
        if ((p == name || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
            return true;
        p += 2;
    }
    return false;
}

/* The names a refusal gives a file that is not regular. */
static const char *
kind(mode_t m)
{
    if (S_ISDIR(m))
        return "a folder";
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISSOCK(m))
        return "a socket";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "a device";
    return "not a regular file";
}

int
footage_open(const char *dir, const char *name, struct stat *st, char **cause)
{
    char *joined = NULL, *real = NULL, *root = NULL;
    struct stat ls;
    size_t n;
    int fd = -1, fl;

    if (name[0] == '/')
        return cause_set(cause, "'%s' is an absolute path: a recording must be inside the "
            "replay folder", name);
    if ((root = realpath(dir, NULL)) == NULL)
        return cause_set(cause, "%s: %s", dir, strerror(errno));
    joined = path_join(dir, name);
    if ((real = realpath(joined, NULL)) == NULL) {
        cause_set(cause, "%s: %s", joined, strerror(errno));
        goto out;
    }
    n = strlen(root);
    if (strncmp(real, root, n) != 0 ||
        (real[n] != '/' && real[n] != '\0' && !(n == 1 && root[0] == '/'))) {
        if (has_dotdot(name))
            cause_set(cause, "'%s' leads outside the replay folder", name);
        else
            cause_set(cause, "'%s' is a symbolic link leading outside the replay folder "
                "(to %s)", name, real);
        goto out;
    }
    /* refused before open: a FIFO or device would block or act on open */
    if (stat(real, &ls) == -1) {
        cause_set(cause, "%s: %s", joined, strerror(errno));
        goto out;
    }
    if (!S_ISREG(ls.st_mode)) {
        cause_set(cause, "'%s' is %s, not a regular file", name, kind(ls.st_mode));
        goto out;
    }
    /* real has no symbolic link left: one swapped in since is not followed */
    fd = open(real, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
    if (fd == -1) {
        cause_set(cause, "%s: %s", joined, strerror(errno));
        goto out;
    }
    if (fstat(fd, st) == -1 || !S_ISREG(st->st_mode) || st->st_dev != ls.st_dev ||
        st->st_ino != ls.st_ino) {
        cause_set(cause, "'%s' changed while it was opened", name);
        close(fd);
        fd = -1;
        goto out;
    }
    if ((fl = fcntl(fd, F_GETFL)) != -1)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
out:
    free(root);
    free(joined);
    free(real);
    return fd;
}

int
footage_hash_fd(int fd, const char *name, char hex[SHA256_HEX_LEN + 1], char **cause)
{
    unsigned char buf[65536], dg[SHA256_DIGEST_LEN];
    struct sha256 h;
    off_t off = 0;
    ssize_t n;

    sha256_init(&h);
    for (;;) {
        n = pread(fd, buf, sizeof buf, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return cause_set(cause, "%s: %s", name, strerror(errno));
        if (n == 0)
            break;
        sha256_update(&h, buf, (size_t)n);
        off += n;
    }
    sha256_final(&h, dg);
    sha256_to_hex(dg, hex);
    return 0;
}

/* A row's cells by column, with its line; 0 or -1 with *cause. */
static int
rec_fill(const char *path, const char *dir, const struct scenario *sc, const char *const *f,
    unsigned line,
    struct footage_rec *r, char **cause)
{
    char date[11], *why = NULL;
    const char *start = f[2];

    r->line = line;
    r->name = xstrdup(f[0]);
    snprintf(date, sizeof date, "%.10s", start);
    if (strlen(start) < 16 || start[10] != 'T' || date_parse(date, &r->date, &why) == -1 ||
        parse_clock(start + 11, &r->start) == -1) {
        cause_set(cause, "%s:%u: column 'start': '%s' is not YYYY-MM-DDTHH:MM[:SS]%s%s", path,
            line, start, why != NULL ? ": " : "", why != NULL ? why : "");
        free(why);
        return -1;
    }
    if (sc != NULL && (r->device = scenario_find(sc, SCENARIO_DEVICE, f[1])) == NULL)
        return cause_set(cause, "%s:%u: column 'device': no device '%s' in %s", path, line,
            f[1], scenario_path(sc));
    if (*f[0] == '\0')
        return cause_set(cause, "%s:%u: column 'file' is empty", path, line);
    r->file = path_join(dir, f[0]);
    return 0;
}

struct footage_rec *
footage_manifest_read(const char *dir, const struct scenario *sc, size_t *nrec, char **cause)
{
    static const char *const want[3] = { "file", "device", "start" };
    const struct csvr_opts ro = { .max_fields = FOOTAGE_MAX_COLUMNS,
        .max_field = FOOTAGE_MAX_FIELD };
    char *path = path_join(dir, "footage.csv"), *hname[FOOTAGE_MAX_COLUMNS];
    struct footage_rec *r = NULL;
    struct csvr *rd = NULL;
    struct csvr_row row;
    struct stat st;
    size_t n = 0, cap = 0, nh = 0, i, k;
    int col[3] = { -1, -1, -1 }, rc;

    if (stat(path, &st) == 0 && st.st_size > FOOTAGE_MAX_BYTES) {
        cause_set(cause, "%s: %lld bytes exceed the limit of %d bytes", path,
            (long long)st.st_size, FOOTAGE_MAX_BYTES);
        goto fail;
    }
    if ((rd = csvr_open(path, &ro, cause)) == NULL)
        goto fail;
    while ((rc = csvr_next(rd, &row, cause)) == 1) {
        const char *cell[3];

        if (row.too_long > 0) {
            cause_set(cause, "%s:%u:%zu: field %zu%s%s%s is longer than %d bytes", path,
                row.line, row.too_long, row.too_long, nh > 0 && row.too_long <= nh ?
                " (column '" : "", nh > 0 && row.too_long <= nh ? hname[row.too_long - 1] : "",
                nh > 0 && row.too_long <= nh ? "')" : "", FOOTAGE_MAX_FIELD);
            goto fail;
        }
        if (nh == 0) {
            for (i = 0; i < row.n; i++) {
                hname[i] = xstrdup(row.fields[i]);
                for (k = 0; k < 3; k++)
                    if (col[k] < 0 && strcmp(row.fields[i], want[k]) == 0)
                        col[k] = (int)i;
            }
            nh = row.n;
            if (col[0] < 0 || col[1] < 0 || col[2] < 0) {
                cause_set(cause, "%s:%u: the header needs the columns file, device and start",
                    path, row.line);
                goto fail;
            }
            continue;
        }
        if (row.n > nh) {
            cause_set(cause, "%s:%u:%zu: %zu fields, the header has %zu", path, row.line,
                nh + 1, row.n, nh);
            goto fail;
        }
        if (n == FOOTAGE_MAX_FILES) {
            cause_set(cause, "%s:%u: more than %d recordings", path, row.line,
                FOOTAGE_MAX_FILES);
            goto fail;
        }
        for (k = 0; k < 3; k++)
            cell[k] = (size_t)col[k] < row.n ? row.fields[col[k]] : "";
        if (n == cap) {
            cap = cap == 0 ? 16 : cap * 2;
            r = xreallocarray(r, cap, sizeof *r);
        }
        memset(&r[n], 0, sizeof r[n]);
        if (rec_fill(path, dir, sc, cell, row.line, &r[n++], cause) == -1)
            goto fail;
    }
    if (rc == -1)
        goto fail;
    if (nh == 0) {
        cause_set(cause, "%s:1: the header needs the columns file, device and start", path);
        goto fail;
    }
    if (n == 0) {
        cause_set(cause, "%s: no recordings", path);
        goto fail;
    }
    *nrec = n;
    for (i = 0; i < nh; i++)
        free(hname[i]);
    csvr_free(rd);
    free(path);
    return r;
fail:
    for (i = 0; i < nh; i++)
        free(hname[i]);
    csvr_free(rd);
    footage_recs_free(r, n);
    free(path);
    return NULL;
}

int
footage_area(const struct scenario_entity *dev, struct video_polygon *poly, char **cause)
{
    struct fact_value fv;
    char *why = NULL;
    size_t i;

    if (scenario_get(dev, "collection_area", &fv, cause) == -1)
        return -1;
    if (fv.state != FACT_KNOWN)
        return 0;
    if (video_polygon_parse(fv.v.s, poly, &why) == 0) {
        for (i = 0; i < poly->n; i++) {
            if (poly->pt[i][0] < -FOOTAGE_AREA_BOUND || poly->pt[i][0] > FOOTAGE_AREA_BOUND ||
                poly->pt[i][1] < -FOOTAGE_AREA_BOUND || poly->pt[i][1] > FOOTAGE_AREA_BOUND) {
                why = xasprintf("point %zu (%g,%g) lies beyond %d pixels of the frame", i + 1,
                    (double)poly->pt[i][0], (double)poly->pt[i][1], FOOTAGE_AREA_BOUND);
                video_polygon_done(poly);
                break;
            }
        }
        if (why == NULL)
            return 1;
    }
    if (fv.loc.line > 0)
        cause_set(cause, "%s:%u:%u: device '%s': collection_area: %s", fv.loc.file,
            fv.loc.line, fv.loc.col, scenario_entity_id(dev), why);
    else
        cause_set(cause, "device '%s': collection_area: %s", scenario_entity_id(dev), why);
    free(why);
    return -1;
}
