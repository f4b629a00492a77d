/* SPDX-License-Identifier: MIT */
/*
 * app_thumbs.c - `faceaudit thumbnails list|export`: the face thumbnails a
 * replay kept (replay --keep-thumbnails, store_thumb.h) listed, or opened
 * and written as PNG files (0600, each atomically) into a folder of the
 * user's (created 0700; a symbolic link refused), the export logged in the
 * audit log in a transaction that commits only once every file is written.
 */
#include "config.h"

#include "faceaudit/app.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/image.h"
#include "faceaudit/log.h"
#include "faceaudit/store.h"
#include "faceaudit/store_thumb.h"
#include "faceaudit/xmalloc.h"

int
app_thumbnails_list(struct app *a, int64_t run, struct store_thumb **out, size_t *n,
    char **cause)
{
    struct store *st = app_store(a, cause);

    *out = NULL;
    *n = 0;
    if (st == NULL)
        return -1;
    return store_thumbs_list(st, run, out, n, cause);
}

/*
 * The file name of a thumbnail: run, device (letters, digits, '.', '-', '_'),
 * date, track. A device id that had to be cleaned ("gate 1") also carries the
 * thumbnail's row id, so it cannot land on the file of another device that
 * cleans to the same name ("gate_1").
 */
static char *
export_name(const struct store_thumb *t)
{
    char date[11], *dev = xstrdup(t->device), *p, *name;
    bool cleaned = false;

    for (p = dev; *p != '\0'; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || (*p == '.' && p != dev))) {
            *p = '_';
            cleaned = true;
        }
    }
    date_format(t->date, date);
    if (cleaned)
        name = xasprintf("run%lld-%s-%s-track%03d-id%lld.png", (long long)t->run_id, dev, date,
            t->track, (long long)t->id);
    else
        name = xasprintf("run%lld-%s-%s-track%03d.png", (long long)t->run_id, dev, date,
            t->track);
    free(dev);
    return name;
}

/* The export's paths, none of them already there (an earlier export is never overwritten,
 * nor removed if this one fails): 0, or -1 naming the first that exists. */
static int
export_paths(const char *dir, const struct store_thumb *t, size_t n, char **paths,
    char **cause)
{
    struct stat sb;
    size_t k;

    for (k = 0; k < n; k++) {
        char *name = export_name(&t[k]);

        paths[k] = path_join(dir, name);
        free(name);
        if (lstat(paths[k], &sb) == 0)
            return cause_set(cause, "%s: already exists: export into a new or empty folder "
                "(nothing was written)", paths[k]);
    }
    return 0;
}

/* DIR as the export's folder: made 0700 when missing; a symbolic link or a file refused. */
static int
export_dir(const char *dir, char **cause)
{
    struct stat sb;

    if (lstat(dir, &sb) == 0) {
        if (S_ISLNK(sb.st_mode))
            return cause_set(cause, "%s: is a symbolic link: give the folder itself", dir);
        if (!S_ISDIR(sb.st_mode))
            return cause_set(cause, "%s: exists and is not a folder", dir);
        return 0;
    }
    if (errno != ENOENT)
        return cause_set(cause, "%s: %s", dir, strerror(errno));
    return fs_mkdir_p(dir, 0700, cause);
}

/* Every thumbnail opened and encoded before anything is written: 0, or -1 naming it. */
static int
export_encode(struct store *st, const struct store_key *key, const struct store_thumb *t,
    size_t n, unsigned char **png, size_t *len, char **cause)
{
    size_t i;

    for (i = 0; i < n; i++) {
        struct image *img;
        unsigned char *rgb;
        int rc;

        if (store_thumb_open(st, key, &t[i], &rgb, cause) == -1)
            return -1;
        img = image_new(t[i].width, t[i].height, 3, IMAGE_U8);
        memcpy(img->u8, rgb, (size_t)t[i].width * (size_t)t[i].height * 3);
        free(rgb);
        rc = image_encode_png(img, &png[i], &len[i], cause);
        image_free(img);
        if (rc == -1)
            return -1;
    }
    return 0;
}

int
app_thumbnails_export(struct app *a, int64_t run, const char *dir, size_t *written,
    char **cause)
{
    struct store *st = app_store(a, cause);
    struct store_key *key;
    struct store_thumb *t = NULL;
    unsigned char **png = NULL;
    size_t *len = NULL, n = 0, i, k = 0;
    char **paths = NULL;
    int rc = -1;

    *written = 0;
    if (st == NULL || store_thumbs_list(st, run, &t, &n, cause) == -1)
        return -1;
    if (n == 0) {
        store_thumbs_free(t, n);
        return cause_set(cause, "run %lld has no face thumbnails (replay --keep-thumbnails)",
            (long long)run);
    }
    png = xcalloc(n, sizeof *png);
    len = xcalloc(n, sizeof *len);
    paths = xcalloc(n, sizeof *paths);
    if ((key = store_template_key(st, false, cause)) == NULL ||
        export_encode(st, key, t, n, png, len, cause) == -1 || export_dir(dir, cause) == -1 ||
        export_paths(dir, t, n, paths, cause) == -1)
        goto out;
    /* the log entry commits only once every file is in place */
    if (store_begin(st, cause) == -1)
        goto out;
    if (store_thumbs_log_export(st, key, run, n, dir, cause) == -1)
        goto rollback;
    for (k = 0; k < n; k++) {
        if (fs_write_atomic(paths[k], png[k], len[k], 0600, cause) == -1)
            goto rollback;
    }
    if (store_commit(st, cause) == -1)
        goto rollback;
    *written = n;
    rc = 0;
    goto out;
rollback:
    store_rollback(st);
    for (i = 0; i < k; i++)
        unlink(paths[i]);
out:
    for (i = 0; i < n; i++) {
        free(png[i]);
        free(paths[i]);
    }
    free(png);
    free(len);
    free(paths);
    store_thumbs_free(t, n);
    return rc;
}
