/* SPDX-License-Identifier: MIT */
/*
 * cnn_weights.c - tfjs weight manifests and their binary shards
 * (reference §1): a JSON array of groups, each with `paths` (shards
 * concatenated in order into one stream) and `weights` (tensor specs laid
 * out back to back, no alignment). Quantised tensors are dequantised the way
 * tfjs does it, in double then rounded to float32; float32 tensors are read
 * little-endian with memcpy (they may sit at any offset). Every size is
 * checked: a shard stream must be exactly as long as its tensors.
 *
 * The loaded weights are immutable and refcounted with an atomic counter,
 * so any number of network instances on any threads can share them.
 */
#include "config.h"

#include <math.h>
#include <stdatomic.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/cnn.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/models.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "recog/recog_int.h"

/* Largest manifest and shard we read (the biggest shipped .bin is 6.4 MB). */
#define MANIFEST_MAX_BYTES ((size_t)16 * 1024 * 1024)
#define SHARD_MAX_BYTES ((size_t)1024 * 1024 * 1024)

/* A derived form of one tensor (a packed filter), built once and shared. */
struct derived {
    const float *src;
    const float *aux; /* the scale of a folded form, else NULL */
    int kind;
    float *data;
    size_t count;
};

struct cnn_weights {
    atomic_int refs;
    struct cnn_param *params;
    size_t nparams;
    size_t file_bytes;
    size_t nelems;
    pthread_mutex_t lock; /* guards the derived cache */
    struct derived *derived;
    size_t nderived;
    size_t derived_floats;
};

enum stored { ST_F32, ST_I32, ST_U8Q, ST_U16Q, ST_F16Q };

struct spec {
    char *name;
    int ndim;
    int shape[4];
    size_t count;
    enum stored st;
    bool to_int;  /* int32 tensor: round the dequantised value */
    double scale;
    double min;
};

static size_t
stored_size(enum stored st)
{
    switch (st) {
    case ST_F32:
    case ST_I32:
        return 4;
    case ST_U16Q:
    case ST_F16Q:
        return 2;
    case ST_U8Q:
        break;
    }
    return 1;
}

/* IEEE half to float. */
static float
half_to_float(uint16_t h)
{
    int s = h >> 15, e = (h >> 10) & 0x1f, m = h & 0x3ff;
    float v;

    if (e == 0)
        v = ldexpf((float)m, -24);
    else if (e == 31)
        v = m != 0 ? NAN : INFINITY;
    else
        v = ldexpf((float)(m | 0x400), e - 25);
    return s ? -v : v;
}

/* Error at a JSON value of the manifest. */
static int FA_PRINTF(4, 5)
jerr(char **cause, const char *file, const struct json *j, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    cause_set(cause, "%s:%d:%d: %s", file, j->line, j->col, msg);
    free(msg);
    return -1;
}

/* Parse one tensor spec; returns 0 or -1. */
static int
parse_spec(const struct json *w, const char *file, struct spec *sp, char **cause)
{
    const struct json *name, *shape, *dtype, *q;
    size_t i;

    memset(sp, 0, sizeof *sp);
    if (w->type != JSON_OBJECT)
        return jerr(cause, file, w, "a weight spec must be an object, not %s",
            json_type_name(w->type));
    name = json_get(w, "name");
    shape = json_get(w, "shape");
    dtype = json_get(w, "dtype");
    if (name == NULL || name->type != JSON_STRING)
        return jerr(cause, file, w, "weight spec without a string \"name\"");
    if (shape == NULL || shape->type != JSON_ARRAY)
        return jerr(cause, file, w, "weight \"%s\" has no \"shape\" array", name->str);
    if (dtype == NULL || dtype->type != JSON_STRING)
        return jerr(cause, file, w, "weight \"%s\" has no string \"dtype\"", name->str);
    if (shape->n > 4)
        return jerr(cause, file, shape, "weight \"%s\": %zu dimensions (at most 4)", name->str,
            shape->n);
    sp->count = 1;
    for (i = 0; i < shape->n; i++) {
        const struct json *d = shape->items[i];

        if (d->type != JSON_NUMBER || d->num < 1 || d->num > 1e8 || d->num - floor(d->num) > 0.0)
            return jerr(cause, file, d, "weight \"%s\": bad dimension", name->str);
        sp->shape[i] = (int)d->num;
        if (sp->count > SIZE_MAX / 4 / (size_t)sp->shape[i] || sp->count * (size_t)sp->shape[i] >
            ((size_t)1 << 31))
            return jerr(cause, file, d, "weight \"%s\" is too large", name->str);
        sp->count *= (size_t)sp->shape[i];
    }
    sp->ndim = (int)shape->n;
    if (strcmp(dtype->str, "float32") == 0) {
        sp->st = ST_F32;
    } else if (strcmp(dtype->str, "int32") == 0) {
        sp->st = ST_I32;
        sp->to_int = true;
    } else {
        return jerr(cause, file, dtype, "weight \"%s\": unsupported dtype \"%s\"", name->str,
            dtype->str);
    }
    q = json_get(w, "quantization");
    if (q != NULL) {
        const struct json *qd, *sc, *mn;

        if (q->type != JSON_OBJECT)
            return jerr(cause, file, q, "weight \"%s\": \"quantization\" must be an object",
                name->str);
        qd = json_get(q, "dtype");
        sc = json_get(q, "scale");
        mn = json_get(q, "min");
        if (qd == NULL || qd->type != JSON_STRING)
            return jerr(cause, file, q, "weight \"%s\": quantization without \"dtype\"",
                name->str);
        if (strcmp(qd->str, "uint8") == 0 || strcmp(qd->str, "uint16") == 0) {
            if (sc == NULL || sc->type != JSON_NUMBER || mn == NULL || mn->type != JSON_NUMBER)
                return jerr(cause, file, q,
                    "weight \"%s\": quantization needs numeric \"scale\" and \"min\"", name->str);
            sp->st = qd->str[4] == '8' ? ST_U8Q : ST_U16Q;
            sp->scale = sc->num;
            sp->min = mn->num;
        } else if (strcmp(qd->str, "float16") == 0) {
            sp->st = ST_F16Q;
        } else {
            return jerr(cause, file, qd, "weight \"%s\": unsupported quantization \"%s\"",
                name->str, qd->str);
        }
    }
    sp->name = xstrdup(name->str);
    return 0;
}

/* Decode one tensor's bytes into floats. */
static void
decode_tensor(const struct spec *sp, const unsigned char *b, float *out)
{
    size_t i;

    for (i = 0; i < sp->count; i++) {
        double v;

        switch (sp->st) {
        case ST_F32: {
            uint32_t u = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
                (uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24;
            float f;

            memcpy(&f, &u, sizeof f);
            out[i] = f;
            continue;
        }
        case ST_I32: {
            uint32_t u = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
                (uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24;

            out[i] = (float)(int32_t)u;
            continue;
        }
        case ST_F16Q:
            out[i] = half_to_float((uint16_t)(b[2 * i] | b[2 * i + 1] << 8));
            continue;
        case ST_U8Q:
            v = (double)b[i] * sp->scale + sp->min;
            break;
        case ST_U16Q:
        default:
            v = (double)(b[2 * i] | b[2 * i + 1] << 8) * sp->scale + sp->min;
            break;
        }
        out[i] = sp->to_int ? (float)round(v) : (float)v;
    }
}

/* Free a weights object (refcount reached 0). */
static void
weights_destroy(struct cnn_weights *w)
{
    size_t i;

    for (i = 0; i < w->nparams; i++) {
        free(w->params[i].name);
        free(w->params[i].data);
    }
    for (i = 0; i < w->nderived; i++)
        free(w->derived[i].data);
    free(w->derived);
    free(w->params);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

/* Load one group: read and concatenate its shards, decode its tensors. */
static int
load_group(struct cnn_weights *w, const struct json *g, const char *file, const char *dir,
    char **cause)
{
    const struct json *paths = json_get(g, "paths"), *weights = json_get(g, "weights");
    struct spec *specs = NULL;
    unsigned char *stream = NULL;
    size_t nspecs = 0, need = 0, have = 0, i, off;
    int rc = -1;

    if (g->type != JSON_OBJECT)
        return jerr(cause, file, g, "a weight group must be an object, not %s",
            json_type_name(g->type));
    if (paths == NULL || paths->type != JSON_ARRAY || paths->n == 0)
        return jerr(cause, file, g, "weight group without a non-empty \"paths\" array");
    if (weights == NULL || weights->type != JSON_ARRAY)
        return jerr(cause, file, g, "weight group without a \"weights\" array");
    specs = xcalloc(weights->n + 1, sizeof *specs);
    for (i = 0; i < weights->n; i++) {
        if (parse_spec(weights->items[i], file, &specs[i], cause) != 0)
            goto out;
        nspecs++;
        need += specs[i].count * stored_size(specs[i].st);
    }
    for (i = 0; i < paths->n; i++) {
        const struct json *pj = paths->items[i];
        char *path, *data;
        size_t len;

        if (pj->type != JSON_STRING || pj->str[0] == '\0' || pj->str[0] == '/' ||
            strstr(pj->str, "..") != NULL) {
            jerr(cause, file, pj, "bad shard path (a relative file name is expected)");
            goto out;
        }
        path = path_join(dir, pj->str);
        data = fs_read_file(path, SHARD_MAX_BYTES, &len, cause);
        free(path);
        if (data == NULL)
            goto out;
        if (len > 0) {
            stream = xreallocarray(stream, have + len, 1);
            memcpy(stream + have, data, len);
        }
        have += len;
        free(data);
    }
    if (have != need) {
        jerr(cause, file, g, "weight group's shards hold %zu bytes but its %zu tensors need %zu",
            have, nspecs, need);
        goto out;
    }
    w->params = xreallocarray(w->params, w->nparams + nspecs, sizeof *w->params);
    for (i = 0, off = 0; i < nspecs; i++) {
        struct cnn_param *p = &w->params[w->nparams++];
        size_t nb = specs[i].count * stored_size(specs[i].st);

        memset(p, 0, sizeof *p);
        p->name = specs[i].name;
        specs[i].name = NULL;
        p->ndim = specs[i].ndim;
        memcpy(p->shape, specs[i].shape, sizeof p->shape);
        p->count = specs[i].count;
        p->file_bytes = nb;
        p->quantized = specs[i].st == ST_U8Q || specs[i].st == ST_U16Q ||
            specs[i].st == ST_F16Q;
        p->data = xmalloc(p->count * sizeof(float));
        decode_tensor(&specs[i], stream + off, p->data);
        off += nb;
        w->nelems += p->count;
    }
    w->file_bytes += have;
    rc = 0;
out:
    for (i = 0; i < nspecs; i++)
        free(specs[i].name);
    free(specs);
    free(stream);
    return rc;
}

/* Parse a manifest text and load its groups; shared by both loaders. */
static struct cnn_weights *
load_manifest(const char *path, const char *text, size_t len, char **cause)
{
    struct json *root = json_parse(text, len, path, cause);
    struct cnn_weights *w;
    char *dir, *slash;
    size_t i, j;

    if (root == NULL)
        return NULL;
    if (root->type != JSON_ARRAY || root->n == 0) {
        jerr(cause, path, root, "a weights manifest is a non-empty array of groups");
        json_free(root);
        return NULL;
    }
    dir = xstrdup(path);
    slash = strrchr(dir, '/');
    if (slash != NULL)
        *slash = '\0';
    else
        strcpy(dir, ".");
    w = xcalloc(1, sizeof *w);
    atomic_init(&w->refs, 1);
    pthread_mutex_init(&w->lock, NULL);
    for (i = 0; i < root->n; i++) {
        if (load_group(w, root->items[i], path, dir, cause) != 0) {
            weights_destroy(w);
            w = NULL;
            break;
        }
    }
    for (i = 0; w != NULL && i < w->nparams; i++) {
        for (j = 0; j < i; j++) {
            if (strcmp(w->params[i].name, w->params[j].name) == 0) {
                cause_set(cause, "%s: tensor \"%s\" appears twice", path, w->params[i].name);
                weights_destroy(w);
                w = NULL;
                break;
            }
        }
    }
    free(dir);
    json_free(root);
    return w;
}

/* Load a manifest and its shards without verification; new reference or NULL. */
struct cnn_weights *
cnn_weights_load_manifest(const char *path, char **cause)
{
    struct cnn_weights *w;
    size_t len;
    char *text = fs_read_file(path, MANIFEST_MAX_BYTES, &len, cause);

    if (text == NULL)
        return NULL;
    w = load_manifest(path, text, len, cause);
    free(text);
    return w;
}

/* Load a shipped model after models_require() on its files; new reference or NULL. */
struct cnn_weights *
cnn_weights_load_model(const char *dir, const char *stem, char **cause)
{
    char *mname = xasprintf("%s-weights_manifest.json", stem), *bname, *path;
    struct cnn_weights *w = NULL;

    bname = xasprintf("%s.bin", stem);
    if (models_require(dir, mname, cause) == 0 && models_require(dir, bname, cause) == 0) {
        path = models_path(dir, mname);
        w = cnn_weights_load_manifest(path, cause);
        free(path);
    }
    free(mname);
    free(bname);
    return w;
}

/* Another reference; returns w. */
struct cnn_weights *
cnn_weights_ref(struct cnn_weights *w)
{
    atomic_fetch_add(&w->refs, 1);
    return w;
}

/* Drop a reference; the last frees. */
void
cnn_weights_unref(struct cnn_weights *w)
{
    if (w != NULL && atomic_fetch_sub(&w->refs, 1) == 1)
        weights_destroy(w);
}

size_t
cnn_weights_count(const struct cnn_weights *w)
{
    return w->nparams;
}

/* The i-th tensor (borrowed). */
const struct cnn_param *
cnn_weights_at(const struct cnn_weights *w, size_t i)
{
    return i < w->nparams ? &w->params[i] : NULL;
}

/* Tensor by name (borrowed) or NULL. */
const struct cnn_param *
cnn_weights_find(const struct cnn_weights *w, const char *name)
{
    size_t i;

    for (i = 0; i < w->nparams; i++)
        if (strcmp(w->params[i].name, name) == 0)
            return &w->params[i];
    return NULL;
}

/*
 * The packed form of a filter (for the GEMM or the Winograd path), built on
 * first request and shared by every instance on these weights. The lookup
 * and the build run under the weights' lock; the result is immutable.
 */
const float *
cnn_weights_derive(struct cnn_weights *w, const float *src, enum cnn_derive kind, int k, int n)
{
    return cnn_weights_derive_scaled(w, src, kind, k, n, NULL);
}

/* As cnn_weights_derive, of src with its columns multiplied by scale (NULL: as is). */
const float *
cnn_weights_derive_scaled(struct cnn_weights *w, const float *src, enum cnn_derive kind, int k,
    int n, const float *scale)
{
    const float *res = NULL;
    size_t i;

    pthread_mutex_lock(&w->lock);
    for (i = 0; i < w->nderived; i++) {
        if (w->derived[i].src == src && w->derived[i].kind == (int)kind &&
            w->derived[i].aux == scale) {
            res = w->derived[i].data;
            break;
        }
    }
    if (res == NULL) {
        struct derived d;
        size_t rows = kind == CNN_DERIVE_GEMM ? (size_t)k : (size_t)9 * (size_t)k;
        float *folded = scale != NULL ? cnn_fold_affine(src, rows, n, scale, NULL) : NULL;
        const float *from = folded != NULL ? folded : src;

        d.src = src;
        d.aux = scale;
        d.kind = (int)kind;
        if (kind == CNN_DERIVE_WINOGRAD) {
            d.data = cnn_winograd_pack(from, k, n);
            d.count = 16 * cnn_gemm_packed_size(k, n);
        } else if (kind == CNN_DERIVE_WINOGRAD4) {
            d.data = cnn_winograd4_pack(from, k, n);
            d.count = 36 * cnn_gemm_packed_size(k, n);
        } else {
            d.data = cnn_gemm_pack(from, k, n);
            d.count = cnn_gemm_packed_size(k, n);
        }
        free(folded);
        w->derived = xreallocarray(w->derived, w->nderived + 1, sizeof *w->derived);
        w->derived[w->nderived++] = d;
        w->derived_floats += d.count;
        res = d.data;
    }
    pthread_mutex_unlock(&w->lock);
    return res;
}

#define DERIVE_FOLD (-1)

float *
cnn_fold_affine(const float *src, size_t rows, int n, const float *scale, const float *shift)
{
    float *out = xmalloc(rows * (size_t)n * sizeof(float));
    size_t r;
    int j;

    for (r = 0; r < rows; r++)
        for (j = 0; j < n; j++) {
            float v = src != NULL ? src[r * (size_t)n + (size_t)j] * scale[j] : 0.0f;

            out[r * (size_t)n + (size_t)j] = shift != NULL ? v + shift[j] : v;
        }
    return out;
}

/* The folded form of src by scale (and shift), built once per weights; see cnn.h. */
const float *
cnn_weights_fold(struct cnn_weights *w, const float *src, size_t rows, int n,
    const float *scale, const float *shift)
{
    const float *res = NULL;
    size_t i;

    pthread_mutex_lock(&w->lock);
    for (i = 0; i < w->nderived; i++) {
        if (w->derived[i].kind == DERIVE_FOLD && w->derived[i].src == src &&
            w->derived[i].aux == scale) {
            res = w->derived[i].data;
            break;
        }
    }
    if (res == NULL) {
        struct derived d;

        d.src = src;
        d.aux = scale;
        d.kind = DERIVE_FOLD;
        d.data = cnn_fold_affine(src, rows, n, scale, shift);
        d.count = rows * (size_t)n;
        w->derived = xreallocarray(w->derived, w->nderived + 1, sizeof *w->derived);
        w->derived[w->nderived++] = d;
        w->derived_floats += d.count;
        res = d.data;
    }
    pthread_mutex_unlock(&w->lock);
    return res;
}

/* Floats held by derived (packed) forms. */
size_t
cnn_weights_derived_floats(struct cnn_weights *w)
{
    size_t n;

    pthread_mutex_lock(&w->lock);
    n = w->derived_floats;
    pthread_mutex_unlock(&w->lock);
    return n;
}

size_t
cnn_weights_file_bytes(const struct cnn_weights *w)
{
    return w->file_bytes;
}

size_t
cnn_weights_nparams(const struct cnn_weights *w)
{
    return w->nelems;
}

/* A tensor's data after checking its shape; NULL with *cause. */
const float *
net_param(const struct cnn_weights *w, const char *name, int ndim, const int *shape, char **cause)
{
    const struct cnn_param *p = cnn_weights_find(w, name);
    int i;

    if (p == NULL) {
        cause_set(cause, "weights have no tensor \"%s\"", name);
        return NULL;
    }
    if (p->ndim != ndim)
        goto bad;
    for (i = 0; i < ndim; i++)
        if (shape[i] >= 0 && shape[i] != p->shape[i])
            goto bad;
    return p->data;
bad:
    cause_set(cause, "tensor \"%s\" has an unexpected shape (%d dimensions: %d,%d,%d,%d)", name,
        p->ndim, p->shape[0], p->shape[1], p->shape[2], p->shape[3]);
    return NULL;
}
