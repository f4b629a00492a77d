/* SPDX-License-Identifier: MIT */
/*
 * eval_engine_cache.c - an engine wrapper that records every descriptor of
 * a stored evaluation as it is computed (sealed, committed at once) and
 * serves the ones a killed run already computed: `eval --resume`.
 */
#include "config.h"

#include "faceaudit/eval.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/dataset.h"
#include "faceaudit/log.h"
#include "faceaudit/sha256.h"
#include "faceaudit/store_evalcache.h"
#include "faceaudit/xmalloc.h"

struct cache_shared {
    struct eval_engine *inner;
    struct store *st;
    int64_t run;
    pthread_mutex_t lock; /* one thread at a time in the store */
    size_t hits;
};

/* The engine context and every thread context: the shared part plus the inner one. */
struct cache_call {
    struct cache_shared *sh;
    void *inner;
};

static int
cache_embed(void *ctx, const struct ds_item *item, bool cropped, float *out, char **cause)
{
    struct cache_call *c = ctx;
    struct cache_shared *sh = c->sh;
    char hex[SHA256_HEX_LEN + 1];
    int status, r;

    if (sha256_file_hex(item->path, hex, NULL) == -1)
        return sh->inner->embed(c->inner, item, cropped, out, cause);
    pthread_mutex_lock(&sh->lock);
    r = store_evalcache_get(sh->st, sh->run, hex, out, (int)sh->inner->dim, &status, cause);
    if (r == 1)
        sh->hits++;
    pthread_mutex_unlock(&sh->lock);
    if (r == -1)
        return -1;
    if (r == 1)
        return status == 0 ? 0 : status > EVAL_FTA && status <= EVAL_STATUS_MAX ? status : 1;
    if ((r = sh->inner->embed(c->inner, item, cropped, out, cause)) == -1)
        return -1;
    pthread_mutex_lock(&sh->lock);
    status = store_evalcache_put(sh->st, sh->run, hex, r == 0 ? out : NULL,
        (int)sh->inner->dim, r, cause);
    pthread_mutex_unlock(&sh->lock);
    return status == -1 ? -1 : r;
}

static int
cache_detect(void *ctx, const struct ds_item *item, struct ds_box **boxes, double **conf,
    size_t *n, char **cause)
{
    struct cache_call *c = ctx;

    return c->sh->inner->detect(c->inner, item, boxes, conf, n, cause);
}

static void *
cache_thread_new(void *ctx, char **cause)
{
    struct cache_call *c = ctx, *t;
    void *inner = c->sh->inner->thread_new(c->sh->inner->ctx, cause);

    if (inner == NULL)
        return NULL;
    t = xcalloc(1, sizeof *t);
    t->sh = c->sh;
    t->inner = inner;
    return t;
}

static void
cache_thread_free(void *tctx)
{
    struct cache_call *t = tctx;

    t->sh->inner->thread_free(t->inner);
    free(t);
}

static void
cache_free(void *ctx)
{
    struct cache_call *c = ctx;

    pthread_mutex_destroy(&c->sh->lock);
    eval_engine_free(c->sh->inner);
    free(c->sh);
    free(c);
}

struct eval_engine *
eval_engine_cached(struct eval_engine *inner, struct store *st, int64_t run)
{
    struct eval_engine *e = xcalloc(1, sizeof *e);
    struct cache_shared *sh = xcalloc(1, sizeof *sh);
    struct cache_call *c = xcalloc(1, sizeof *c);

    sh->inner = inner;
    sh->st = st;
    sh->run = run;
    pthread_mutex_init(&sh->lock, NULL);
    c->sh = sh;
    c->inner = inner->ctx;
    e->name = inner->name;
    memcpy(e->model_sha256, inner->model_sha256, sizeof e->model_sha256);
    e->dim = inner->dim;
    e->ctx = c;
    e->embed = inner->embed != NULL ? cache_embed : NULL;
    e->detect = inner->detect != NULL ? cache_detect : NULL;
    if (inner->thread_new != NULL) {
        e->thread_new = cache_thread_new;
        e->thread_free = cache_thread_free;
    }
    e->free = cache_free;
    return e;
}

size_t
eval_engine_cached_hits(const struct eval_engine *e)
{
    return ((const struct cache_call *)e->ctx)->sh->hits;
}
