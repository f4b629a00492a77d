/* SPDX-License-Identifier: MIT */
/*
 * eval_engine.c - engines the run can use. The file engine reads another
 * system's output: a descriptor file (CSV lines "path,v1,...,vD", path as
 * written in the dataset, no commas in it; '#' lines are comments) and/or a
 * detections file ("path,x,y,w,h,confidence", any number of lines per
 * image). Its model hash is the SHA-256 of those files, so a run records
 * exactly what it measured. The built-in engine (recog/) plugs in through
 * eval_engine_default().
 */
#include "config.h"

#include "faceaudit/eval.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/hash.h"
#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

#define ENGINE_MAX_FILE (1024u * 1024u * 1024u)
#define ENGINE_MAX_DIM 4096

struct dets {
    struct ds_box *boxes;
    double *conf;
    size_t n;
};

struct files_ctx {
    struct hash desc;     /* rel -> float[dim] */
    struct hash dets;     /* rel -> struct dets */
    size_t dim;
    char *name;
};

static void
dets_free(void *p)
{
    struct dets *d = p;

    free(d->boxes);
    free(d->conf);
    free(d);
}

/* Split a line at commas into at most max fields (in place); returns the count. */
static size_t
split_commas(char *line, char **f, size_t max)
{
    size_t n = 0;
    char *p = line;

    while (n < max) {
        char *c = strchr(p, ',');

        f[n++] = str_trim(p);
        if (c == NULL)
            return n;
        *c = '\0';
        p = c + 1;
    }
    return max + 1;
}

static int
parse_double(const char *s, double *v)
{
    char *end;

    errno = 0;
    *v = strtod(s, &end);
    return end == s || *end != '\0' || errno != 0 || !isfinite(*v) ? -1 : 0;
}

static int
load_descriptors(struct files_ctx *fc, const char *path, struct sha256 *h, char **cause)
{
    size_t len, lineno = 0;
    char *buf = fs_read_file(path, ENGINE_MAX_FILE, &len, cause), *line, *next;
    char **f = xmalloc((ENGINE_MAX_DIM + 2) * sizeof *f);

    if (buf == NULL) {
        free(f);
        return -1;
    }
    sha256_update(h, buf, len);
    for (line = buf; line != NULL; line = next) {
        size_t n, i;
        float *v;

        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        lineno++;
        if (*str_trim(line) == '\0' || *line == '#')
            continue;
        n = split_commas(line, f, ENGINE_MAX_DIM + 1);
        if (n < 2 || n > ENGINE_MAX_DIM + 1) {
            cause_set(cause, "%s:%zu: expected \"path,v1,...,vD\" with 1 to %d values", path,
                lineno, ENGINE_MAX_DIM);
            goto fail;
        }
        if (fc->dim == 0)
            fc->dim = n - 1;
        if (n - 1 != fc->dim) {
            cause_set(cause, "%s:%zu: %zu values, but earlier lines have %zu", path, lineno,
                n - 1, fc->dim);
            goto fail;
        }
        if (hash_contains(&fc->desc, f[0])) {
            cause_set(cause, "%s:%zu: '%s' appears twice", path, lineno, f[0]);
            goto fail;
        }
        v = xmalloc(fc->dim * sizeof *v);
        for (i = 1; i < n; i++) {
            double d;

            if (parse_double(f[i], &d) == -1) {
                cause_set(cause, "%s:%zu: field %zu: '%s' is not a number", path, lineno, i + 1,
                    f[i]);
                free(v);
                goto fail;
            }
            v[i - 1] = (float)d;
        }
        hash_put(&fc->desc, f[0], v);
    }
    free(f);
    free(buf);
    if (fc->dim == 0)
        return cause_set(cause, "%s: no descriptors", path);
    return 0;
fail:
    free(f);
    free(buf);
    return -1;
}

static int
load_detections(struct files_ctx *fc, const char *path, struct sha256 *h, char **cause)
{
    size_t len, lineno = 0;
    char *buf = fs_read_file(path, ENGINE_MAX_FILE, &len, cause), *line, *next, *f[8];

    if (buf == NULL)
        return -1;
    sha256_update(h, buf, len);
    for (line = buf; line != NULL; line = next) {
        struct dets *d;
        double v[5];
        size_t i;

        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        lineno++;
        if (*str_trim(line) == '\0' || *line == '#')
            continue;
        if (split_commas(line, f, 6) != 6) {
            free(buf);
            return cause_set(cause, "%s:%zu: expected \"path,x,y,w,h,confidence\"", path,
                lineno);
        }
        for (i = 0; i < 5; i++) {
            if (parse_double(f[i + 1], &v[i]) == -1) {
                cause_set(cause, "%s:%zu: field %zu: '%s' is not a number", path, lineno, i + 2,
                    f[i + 1]);
                free(buf);
                return -1;
            }
        }
        if (v[2] <= 0 || v[3] <= 0) {
            free(buf);
            return cause_set(cause, "%s:%zu: width and height must be positive", path, lineno);
        }
        if ((d = hash_get(&fc->dets, f[0])) == NULL) {
            d = xcalloc(1, sizeof *d);
            hash_put(&fc->dets, f[0], d);
        }
        d->boxes = xreallocarray(d->boxes, d->n + 1, sizeof *d->boxes);
        d->conf = xreallocarray(d->conf, d->n + 1, sizeof *d->conf);
        d->boxes[d->n] = (struct ds_box){ v[0], v[1], v[2], v[3], false };
        d->conf[d->n++] = v[4];
    }
    free(buf);
    return 0;
}

static int
files_embed(void *ctx, const struct ds_item *item, bool cropped, float *out, char **cause)
{
    struct files_ctx *fc = ctx;
    const float *v = hash_get(&fc->desc, item->rel);

    if (v == NULL)
        return 1;   /* no template for this image: failure to acquire */
    memcpy(out, v, fc->dim * sizeof *out);
    return 0;
}

static int
files_detect(void *ctx, const struct ds_item *item, struct ds_box **boxes, double **conf,
    size_t *n, char **cause)
{
    struct files_ctx *fc = ctx;
    const struct dets *d = hash_get(&fc->dets, item->rel);

    *boxes = NULL;
    *conf = NULL;
    *n = 0;
    if (d == NULL || d->n == 0)
        return 0;   /* the detector found nothing */
    *boxes = xmemdup(d->boxes, d->n * sizeof **boxes);
    *conf = xmemdup(d->conf, d->n * sizeof **conf);
    *n = d->n;
    return 0;
}

static void *
files_thread_new(void *ctx, char **cause)
{
    return ctx;
}

static void
files_thread_free(void *tctx)
{
}

static void
files_free(void *ctx)
{
    struct files_ctx *fc = ctx;

    hash_done(&fc->desc);
    hash_done(&fc->dets);
    free(fc->name);
    free(fc);
}

static const char *
base_name(const char *p)
{
    const char *s = strrchr(p, '/');

    return s != NULL ? s + 1 : p;
}

struct eval_engine *
eval_engine_files(const char *descriptors, const char *detections, char **cause)
{
    struct files_ctx *fc = xcalloc(1, sizeof *fc);
    struct eval_engine *e;
    struct sha256 h;
    unsigned char d[SHA256_DIGEST_LEN];

    hash_init(&fc->desc, free);
    hash_init(&fc->dets, dets_free);
    sha256_init(&h);
    if ((descriptors != NULL && load_descriptors(fc, descriptors, &h, cause) == -1) ||
        (detections != NULL && load_detections(fc, detections, &h, cause) == -1)) {
        files_free(fc);
        return NULL;
    }
    e = xcalloc(1, sizeof *e);
    fc->name = xasprintf("%s%s%s%s%s", descriptors != NULL ? "descriptors:" : "",
        descriptors != NULL ? base_name(descriptors) : "",
        descriptors != NULL && detections != NULL ? "+" : "",
        detections != NULL ? "detections:" : "", detections != NULL ? base_name(detections) : "");
    e->name = fc->name;
    sha256_final(&h, d);
    sha256_to_hex(d, e->model_sha256);
    e->dim = fc->dim;
    e->ctx = fc;
    e->embed = descriptors != NULL ? files_embed : NULL;
    e->detect = detections != NULL ? files_detect : NULL;
    e->free = files_free;
    /* embed and detect only read the tables: one context serves every thread */
    e->thread_new = files_thread_new;
    e->thread_free = files_thread_free;
    return e;
}

void
eval_engine_free(struct eval_engine *e)
{
    if (e == NULL)
        return;
    if (e->free != NULL)
        e->free(e->ctx);
    free(e);
}
