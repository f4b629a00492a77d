/* SPDX-License-Identifier: MIT */
/*
 * dataset.c - the registry of dataset formats, loading through a format's
 * {open, next, pairs, close} ops with the limits, the canonical manifest
 * hash, path resolution, and `dataset check` (missing, unreadable and
 * duplicate files by content hash).
 */
#include "config.h"

#include "faceaudit/dataset.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "faceaudit/csvr.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/hash.h"
#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "dataset_int.h"

/* Probe order matters: the first format whose probe accepts the path wins. */
const struct ds_format *const ds_formats[] = {
    &ds_format_dir,
    &ds_format_pairs,
    &ds_format_csv,
    &ds_format_imglab,
    &ds_format_lfw,
    NULL
};

const char *const ds_age_bands[] = { "0-13", "14-17", "18-29", "30-49", "50-64", "65+", NULL };
const char *const ds_sexes[] = { "F", "M", "X", NULL };

const struct ds_format *
ds_format_find(const char *name)
{
    const struct ds_format *const *f;

    for (f = ds_formats; *f != NULL; f++) {
        if (strcmp((*f)->name, name) == 0)
            return *f;
    }
    return NULL;
}

bool
ds_age_is_minor(const char *band)
{
    return band != NULL && strcmp(band, "0-13") == 0;
}

char *
ds_find(const char *arg)
{
    static const char *const dirs[] = { "datasets/faces", FA_PKGDATADIR "/datasets/faces" };
    static const char *const exts[] = { ".csv", ".xml" };
    size_t i, j;

    if (fs_exists(arg))
        return xstrdup(arg);
    if (strchr(arg, '/') != NULL || *arg == '\0')
        return NULL;
    for (i = 0; i < FA_NITEMS(dirs); i++) {
        for (j = 0; j < FA_NITEMS(exts); j++) {
            char *p = xasprintf("%s/%s%s", dirs[i], arg, exts[j]);

            if (fs_exists(p))
                return p;
            free(p);
        }
    }
    return NULL;
}

bool
ds_is_image_name(const char *name)
{
    static const char *const ext[] = { ".jpg", ".jpeg", ".png", ".pgm", ".ppm", ".pnm",
        ".JPG", ".JPEG", ".PNG", ".PGM", ".PPM", ".PNM" };
    size_t i;

    for (i = 0; i < FA_NITEMS(ext); i++) {
        if (str_has_suffix(name, ext[i]))
            return true;
    }
    return false;
}

char *
ds_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL)
        return xstrdup(".");
    if (slash == path)
        return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

char *
ds_read_manifest(const char *path, size_t *len, char **cause)
{
    return fs_read_file(path, DS_MAX_MANIFEST_BYTES, len, cause);
}

int
ds_csv_rows(const char *path, size_t max_fields,
    bool (*on_row)(void *ctx, const struct csvr_row *row), void *ctx, char **cause)
{
    const struct csvr_opts ro = { .max_fields = max_fields, .max_field = DS_MAX_FIELD };
    struct csvr *r;
    struct csvr_row row;
    char *buf, *err = NULL;
    size_t len;
    int rc;

    if ((buf = ds_read_manifest(path, &len, cause)) == NULL)
        return -1;
    r = csvr_new(path, buf, len, &ro);
    while ((rc = csvr_next(r, &row, &err)) == 1 && on_row(ctx, &row))
        ;
    csvr_free(r);
    free(buf);
    if (rc < 0) {
        cause_set(cause, "%s", err);
        free(err);
    }
    return rc;
}

int
ds_item_init(struct ds_item *it, const char *manifest_dir, const char *rel,
    const char *subject, unsigned line, char **cause)
{
    memset(it, 0, sizeof *it);
    if ((it->path = ds_resolve_path(manifest_dir, rel, cause)) == NULL)
        return -1;
    it->rel = xstrdup(rel);
    if (subject != NULL)
        it->subject = xstrdup(subject);
    it->age_band = xstrdup("");
    it->sex = xstrdup("");
    it->capture = xstrdup("");
    it->line = line;
    return 0;
}

char *
ds_resolve_path(const char *manifest_dir, const char *rel, char **cause)
{
    const char *rest = NULL, *data;

    if (str_has_prefix(rel, "$FACEAUDIT_DATA/"))
        rest = rel + strlen("$FACEAUDIT_DATA/");
    else if (str_has_prefix(rel, "${FACEAUDIT_DATA}/"))
        rest = rel + strlen("${FACEAUDIT_DATA}/");
    if (rest != NULL) {
        char *home, *dir, *p;

        data = getenv("FACEAUDIT_DATA");
        if (data != NULL && *data != '\0')
            return path_join(data, rest);
        /* the default: beside the models, under the user's data folder */
        home = path_data_home();
        dir = path_join(home, "datasets");
        p = path_join(dir, rest);
        free(dir);
        free(home);
        return p;
    }
    if (rel[0] == '/')
        return xstrdup(rel);
    return path_join(manifest_dir, rel);
}

void
ds_item_done(struct ds_item *it)
{
    free(it->rel);
    free(it->path);
    free(it->subject);
    free(it->age_band);
    free(it->sex);
    free(it->capture);
    free(it->boxes);
    memset(it, 0, sizeof *it);
}

void
dataset_free(struct dataset *ds)
{
    size_t i;

    if (ds == NULL)
        return;
    for (i = 0; i < ds->nitems; i++)
        ds_item_done(&ds->items[i]);
    free(ds->items);
    free(ds->pairs);
    free(ds->source);
    free(ds);
}

/* The canonical listing hashed into manifest_sha256 (see dataset.h). */
static void
dataset_hash(struct dataset *ds)
{
    struct sha256 ctx;
    struct strbuf sb;
    unsigned char d[SHA256_DIGEST_LEN];
    size_t i, j;

    sha256_init(&ctx);
    strbuf_init(&sb);
    strbuf_printf(&sb, "faceaudit-dataset 1\nformat %s\n", ds->format);
    for (i = 0; i < ds->nitems; i++) {
        const struct ds_item *it = &ds->items[i];

        strbuf_printf(&sb, "item\t%s\t%s\t%s\t%s\t%s\t%d", it->rel, it->subject,
            it->age_band, it->sex, it->capture, it->has_boxes ? 1 : 0);
        for (j = 0; j < it->nboxes; j++)
            strbuf_printf(&sb, "\t%.17g,%.17g,%.17g,%.17g%s", it->boxes[j].x, it->boxes[j].y,
                it->boxes[j].w, it->boxes[j].h, it->boxes[j].ignore ? "i" : "");
        strbuf_putc(&sb, '\n');
        sha256_update(&ctx, sb.buf, sb.len);
        strbuf_reset(&sb);
    }
    for (i = 0; i < ds->npairs; i++) {
        strbuf_printf(&sb, "pair\t%zu\t%zu\t%d\t%u\n", ds->pairs[i].a, ds->pairs[i].b,
            ds->pairs[i].genuine ? 1 : 0, ds->pairs[i].fold);
        sha256_update(&ctx, sb.buf, sb.len);
        strbuf_reset(&sb);
    }
    strbuf_done(&sb);
    sha256_final(&ctx, d);
    sha256_to_hex(d, ds->manifest_sha256);
}

struct dataset *
dataset_load(const char *path, const struct ds_options *opt, char **cause)
{
    static const struct ds_options defaults = { NULL, 0, false, NULL };
    const struct ds_format *fmt = NULL, *const *f;
    struct dataset *ds;
    struct ds_item item;
    size_t cap = 0, max_items;
    void *state;
    int r;

    if (opt == NULL)
        opt = &defaults;
    max_items = opt->max_items != 0 ? opt->max_items : DS_MAX_ITEMS_DEFAULT;
    if (opt->format != NULL) {
        if ((fmt = ds_format_find(opt->format)) == NULL) {
            const char *names[8];
            const char *hint;
            size_t n = 0;

            for (f = ds_formats; *f != NULL && n < FA_NITEMS(names) - 1; f++)
                names[n++] = (*f)->name;
            names[n] = NULL;
            hint = str_suggest(opt->format, names);
            cause_set(cause, "unknown dataset format '%s'%s%s%s (csv, dir, lfw, imglab or "
                "pairs)", opt->format, hint != NULL ? " (did you mean '" : "", hint != NULL ? hint : "",
                hint != NULL ? "'?)" : "");
            return NULL;
        }
    } else {
        if (!fs_exists(path)) {
            cause_set(cause, "%s: %s", path, strerror(ENOENT));
            return NULL;
        }
        for (f = ds_formats; *f != NULL; f++) {
            if ((*f)->probe(path)) {
                fmt = *f;
                break;
            }
        }
        if (fmt == NULL) {
            cause_set(cause, "%s: not a dataset (a folder per identity, a .csv manifest, an "
                "imglab .xml or an LFW pairs .txt)", path);
            return NULL;
        }
    }
    if ((state = fmt->open(path, opt, cause)) == NULL)
        return NULL;

    ds = xcalloc(1, sizeof *ds);
    ds->source = xstrdup(path);
    ds->format = fmt->name;
    ds->cropped = opt->cropped;
    for (;;) {
        memset(&item, 0, sizeof item);
        if ((r = fmt->next(state, &item, cause)) == -1)
            goto fail;
        if (r == 0)
            break;
        if (ds->nitems == max_items) {
            ds_item_done(&item);
            cause_set(cause, "%s%s%u: more than %zu images (the limit; raise it with "
                "--max-images)", path, item.line != 0 ? ":" : "", item.line, max_items);
            goto fail;
        }
        if (ds->nitems == cap) {
            cap = cap == 0 ? 64 : cap * 2;
            ds->items = xreallocarray(ds->items, cap, sizeof *ds->items);
        }
        ds->items[ds->nitems++] = item;
    }
    if (fmt->pairs != NULL &&
        fmt->pairs(state, &ds->pairs, &ds->npairs, &ds->nfolds, cause) == -1)
        goto fail;
    if (fmt->skipped != NULL)
        ds->unlabelled = fmt->skipped(state);
    fmt->close(state);
    if (ds->nitems == 0) {
        cause_set(cause, "%s: no images", path);
        dataset_free(ds);
        return NULL;
    }
    dataset_hash(ds);
    return ds;

fail:
    fmt->close(state);
    dataset_free(ds);
    return NULL;
}

/* --- dataset check ---------------------------------------------------------- */

static void
list_add(char ***list, size_t *n, char *s)
{
    *list = xreallocarray(*list, *n + 1, sizeof **list);
    (*list)[(*n)++] = s;
}

static void
list_free(char **list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

void
ds_check_done(struct ds_check *chk)
{
    list_free(chk->missing, chk->nmissing);
    list_free(chk->unreadable, chk->nunreadable);
    list_free(chk->duplicates, chk->nduplicates);
    memset(chk, 0, sizeof *chk);
}

int
dataset_check(const struct dataset *ds, uint64_t max_file_bytes,
    int (*validate)(void *varg, const char *path, char **cause), void *varg,
    struct ds_check *chk, void (*progress)(void *arg, size_t done, size_t total), void *arg)
{
    return dataset_check_until(ds, max_file_bytes, validate, varg, chk, progress, NULL, arg);
}

int
dataset_check_until(const struct dataset *ds, uint64_t max_file_bytes,
    int (*validate)(void *varg, const char *path, char **cause), void *varg,
    struct ds_check *chk, void (*progress)(void *arg, size_t done, size_t total),
    bool (*cancelled)(void *arg), void *arg)
{
    struct hash seen, subjects;
    size_t i, iter = 0;
    const struct hash_entry *e;

    memset(chk, 0, sizeof *chk);
    hash_init(&seen, free);
    hash_init(&subjects, free);
    chk->images = ds->nitems;
    chk->pairs = ds->npairs;
    for (i = 0; i < ds->npairs; i++) {
        if (ds->pairs[i].genuine)
            chk->genuine++;
        else
            chk->impostor++;
    }
    for (i = 0; i < ds->nitems; i++) {
        const struct ds_item *it = &ds->items[i];
        char hex[SHA256_HEX_LEN + 1], *cause = NULL;
        struct stat sb;

        if (cancelled != NULL && cancelled(arg)) {
            hash_done(&seen);
            hash_done(&subjects);
            ds_check_done(chk);
            return -1;
        }
        if (progress != NULL)
            progress(arg, i, ds->nitems);
        chk->boxes += it->nboxes;
        if (ds_age_is_minor(it->age_band))
            chk->minors++;
        if (*it->subject != '\0') {
            size_t *cnt = hash_get(&subjects, it->subject);

            if (cnt == NULL) {
                cnt = xcalloc(1, sizeof *cnt);
                hash_put(&subjects, it->subject, cnt);
            }
            (*cnt)++;
        }
        if (stat(it->path, &sb) == -1) {
            if (errno == ENOENT)
                list_add(&chk->missing, &chk->nmissing, xstrdup(it->rel));
            else
                list_add(&chk->unreadable, &chk->nunreadable,
                    xasprintf("%s: %s", it->rel, strerror(errno)));
            continue;
        }
        if (!S_ISREG(sb.st_mode)) {
            list_add(&chk->unreadable, &chk->nunreadable,
                xasprintf("%s: not a regular file", it->rel));
            continue;
        }
        if ((uint64_t)sb.st_size > max_file_bytes) {
            list_add(&chk->unreadable, &chk->nunreadable, xasprintf("%s: %jd bytes, over the "
                "%" PRIu64 "-byte limit", it->rel, (intmax_t)sb.st_size, max_file_bytes));
            continue;
        }
        if (sb.st_size == 0) {
            list_add(&chk->unreadable, &chk->nunreadable, xasprintf("%s: empty file", it->rel));
            continue;
        }
        if (sha256_file_hex(it->path, hex, &cause) == -1) {
            list_add(&chk->unreadable, &chk->nunreadable, xasprintf("%s: %s", it->rel, cause));
            free(cause);
            continue;
        }
        if (validate != NULL && validate(varg, it->path, &cause) == -1) {
            list_add(&chk->unreadable, &chk->nunreadable, xasprintf("%s: %s", it->rel,
                cause != NULL ? cause : "invalid"));
            free(cause);
            continue;
        }
        chk->bytes += (uint64_t)sb.st_size;
        {
            const char *first = hash_get(&seen, hex);

            if (first != NULL)
                list_add(&chk->duplicates, &chk->nduplicates,
                    xasprintf("%s = %s", it->rel, first));
            else
                hash_put(&seen, hex, xstrdup(it->rel));
        }
    }
    if (progress != NULL)
        progress(arg, ds->nitems, ds->nitems);
    chk->subjects = subjects.len;
    while ((e = hash_next(&subjects, &iter)) != NULL) {
        size_t c = *(size_t *)e->value;

        if (chk->per_subject_min == 0 || c < chk->per_subject_min)
            chk->per_subject_min = c;
        if (c > chk->per_subject_max)
            chk->per_subject_max = c;
    }
    hash_done(&seen);
    hash_done(&subjects);
    return 0;
}

/* Images whose file cannot be opened for reading: missing, not a file, no permission. */
size_t
dataset_unopenable(const struct dataset *ds, char ***list)
{
    size_t i, n = 0;

    *list = NULL;
    for (i = 0; i < ds->nitems; i++) {
        const struct ds_item *it = &ds->items[i];
        struct stat sb;
        int fd;

        if (stat(it->path, &sb) == -1) {
            list_add(list, &n, xasprintf("%s: %s", it->rel, errno == ENOENT ? "missing" :
                strerror(errno)));
            continue;
        }
        if (!S_ISREG(sb.st_mode)) {
            list_add(list, &n, xasprintf("%s: not a regular file", it->rel));
            continue;
        }
        if ((fd = open(it->path, O_RDONLY | O_CLOEXEC)) == -1) {
            list_add(list, &n, xasprintf("%s: %s", it->rel, strerror(errno)));
            continue;
        }
        close(fd);
    }
    return n;
}
