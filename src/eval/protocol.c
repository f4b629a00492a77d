/* SPDX-License-Identifier: MIT */
/*
 * protocol.c - what a protocol compares, and the run that does it:
 *   verify    every genuine pair (same subject, i < j) and every impostor
 *             pair, or a seeded sample of max_impostors of them; an LFW
 *             pairs list replaces both
 *   identify  a seeded split by subject: unknown_share of the subjects
 *             stay out of the gallery (their images are non-mated
 *             searches, the open set); each enrolled subject puts
 *             gallery_images seeded images in the gallery and the rest are
 *             mated searches
 *   detect    every image's detections matched to its boxes at IoU >= 0.5
 * Each record has a canonical index. --shard K/N keeps a share of the
 * records (verification: the pairs of its cells of image blocks, see
 * mine_pair(); identification: probes with index % N == K-1; detection:
 * images with index % N == K-1), acquires only the images they need plus
 * its own share of images (index % N == K-1), so that every image's
 * acquisition outcome is recorded by some shard and the merge is exactly
 * the single run.
 * Descriptors are cached per image content hash within a run.
 */
#include "config.h"

#include "faceaudit/eval.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/hash.h"
#include "faceaudit/log.h"
#include "faceaudit/rng.h"
#include "faceaudit/sha256.h"
#include "faceaudit/xmalloc.h"
#include "eval_int.h"

/* A planned comparison (verification). */
struct plan_pair {
    uint32_t a, b;
    bool genuine;
    unsigned fold;   /* listed pairs' fold; 0 when generated */
};

struct run {
    const struct dataset *ds;
    struct eval_engine *eng;
    const struct eval_params *p;
    struct eval_result *res;
    bool *need;              /* per item: acquire it in this shard */
    float *desc;             /* nitems x dim (rows of acquired items) */
    struct hash cache;       /* content sha256 -> item index holding the descriptor */
    eval_progress_fn progress;
    void *arg;
    size_t done, total;
};

static bool
mine(const struct eval_params *p, uint64_t idx)
{
    return idx % p->shard_n == p->shard_k - 1;
}

/*
 * Which shard compares images a and b: the images are cut into B blocks of
 * consecutive indices (B the smallest with B(B+1)/2 >= N), each unordered
 * pair of blocks is one cell, and cell c goes to shard c % N. A shard then
 * acquires only the images of its cells' blocks (about 2/B of them) instead
 * of nearly all, while every pair still belongs to exactly one shard.
 */
static bool
mine_pair(const struct eval_params *p, size_t nitems, size_t a, size_t b)
{
    uint64_t blocks = 1, per, ba, bb, cell;

    if (p->shard_n == 1)
        return true;
    while (blocks * (blocks + 1) / 2 < p->shard_n)
        blocks++;
    per = (nitems + blocks - 1) / blocks;
    ba = a / per;
    bb = b / per;
    if (ba > bb) {
        uint64_t t = ba;

        ba = bb;
        bb = t;
    }
    /* cells numbered row by row over the upper triangle (ba <= bb) */
    cell = ba * blocks - ba * (ba - 1) / 2 + (bb - ba);
    return cell % p->shard_n == p->shard_k - 1;
}

static int
cmp_pair(const void *x, const void *y)
{
    const struct plan_pair *a = x, *b = y;

    if (a->a != b->a)
        return (a->a > b->a) - (a->a < b->a);
    return (a->b > b->b) - (a->b < b->b);
}

/* The verification comparisons in canonical order; *n set. */
static struct plan_pair *
plan_verify(const struct dataset *ds, const struct eval_result *res, const struct eval_params *p,
    size_t *n, char **cause)
{
    struct plan_pair *pl = NULL;
    size_t m = res->nitems, i, j, k = 0, cap = 0;
    uint64_t nimp = 0;

    if (ds->npairs > 0) {
        pl = xmalloc(ds->npairs * sizeof *pl);
        for (i = 0; i < ds->npairs; i++) {
            pl[i].a = (uint32_t)ds->pairs[i].a;
            pl[i].b = (uint32_t)ds->pairs[i].b;
            pl[i].genuine = ds->pairs[i].genuine;
            pl[i].fold = ds->pairs[i].fold;
        }
        *n = ds->npairs;
        return pl;
    }
    for (i = 0; i < m; i++) {
        if (res->items[i].subj == UINT32_MAX) {
            cause_set(cause, "%s: image '%s' has no subject: verification needs one for every "
                "image", ds->source, res->items[i].rel);
            return NULL;
        }
    }
    for (i = 0; i < m; i++) {
        for (j = i + 1; j < m; j++)
            nimp += res->items[i].subj != res->items[j].subj;
    }
    if (p->max_impostors == 0 || nimp <= p->max_impostors) {
        for (i = 0; i < m; i++) {
            for (j = i + 1; j < m; j++) {
                if (k == cap) {
                    cap = cap == 0 ? 4096 : cap * 2;
                    pl = xreallocarray(pl, cap, sizeof *pl);
                }
                pl[k].a = (uint32_t)i;
                pl[k].b = (uint32_t)j;
                pl[k].genuine = res->items[i].subj == res->items[j].subj;
                pl[k].fold = 0;
                k++;
            }
        }
        *n = k;
        return pl;
    }
    /* all genuine pairs, plus a seeded sample of impostor pairs without repeats */
    {
        struct rng r;
        struct hash taken;
        char key[32];

        for (i = 0; i < m; i++) {
            for (j = i + 1; j < m; j++) {
                if (res->items[i].subj != res->items[j].subj)
                    continue;
                if (k == cap) {
                    cap = cap == 0 ? 4096 : cap * 2;
                    pl = xreallocarray(pl, cap, sizeof *pl);
                }
                pl[k++] = (struct plan_pair){ (uint32_t)i, (uint32_t)j, true, 0 };
            }
        }
        rng_seed(&r, p->seed);
        hash_init(&taken, NULL);
        pl = xreallocarray(pl, k + p->max_impostors + 1, sizeof *pl);
        while (taken.len < p->max_impostors) {
            size_t a = (size_t)rng_below(&r, m), b = (size_t)rng_below(&r, m);

            if (a == b || res->items[a].subj == res->items[b].subj)
                continue;
            if (a > b) {
                size_t t = a;

                a = b;
                b = t;
            }
            snprintf(key, sizeof key, "%zu:%zu", a, b);
            if (hash_contains(&taken, key))
                continue;
            hash_put(&taken, key, NULL);
            pl[k++] = (struct plan_pair){ (uint32_t)a, (uint32_t)b, false, 0 };
        }
        hash_done(&taken);
        qsort(pl, k, sizeof *pl, cmp_pair);
        *n = k;
        return pl;
    }
}

static int
cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;

    return x < y ? -1 : x > y;
}

/* Seeded gallery/probe roles (identification), by the gallery-pick policy. */
static int
plan_identify(struct eval_result *res, const struct eval_params *p, char **cause)
{
    size_t s, i, nunknown, *order, *imgs, nimgs;
    bool *unknown;
    struct rng r;

    if (res->nsubjects < 2)
        return cause_set(cause, "identification needs at least 2 subjects, the dataset has %zu",
            res->nsubjects);
    rng_seed(&r, p->seed);
    order = xmalloc(res->nsubjects * sizeof *order);
    for (s = 0; s < res->nsubjects; s++)
        order[s] = s;
    rng_shuffle(&r, order, res->nsubjects, sizeof *order);
    nunknown = (size_t)floor(p->unknown_share * (double)res->nsubjects + 0.5);
    if (nunknown >= res->nsubjects)
        nunknown = res->nsubjects - 1;
    unknown = xcalloc(res->nsubjects, sizeof *unknown);
    for (s = 0; s < nunknown; s++)
        unknown[order[s]] = true;
    imgs = xmalloc(res->nitems * sizeof *imgs);
    for (s = 0; s < res->nsubjects; s++) {
        nimgs = 0;
        for (i = 0; i < res->nitems; i++) {
            if (res->items[i].subj == s)
                imgs[nimgs++] = i;
        }
        if (unknown[s]) {
            for (i = 0; i < nimgs; i++)
                res->items[imgs[i]].role = EVAL_ROLE_PROBE;
            continue;
        }
        /* the policy decides; the draw is made for every policy so that the
         * seeded stream, and so the random policy, stays as it was */
        rng_shuffle(&r, imgs, nimgs, sizeof *imgs);
        if (p->gallery_pick != EVAL_PICK_RANDOM)
            qsort(imgs, nimgs, sizeof *imgs, cmp_size);
        for (i = 0; i < nimgs; i++) {
            bool gal = p->gallery_pick == EVAL_PICK_ALL_BUT_ONE ? i + 1 < nimgs :
                i < p->gallery_images;

            res->items[imgs[i]].role = gal ? EVAL_ROLE_GALLERY : EVAL_ROLE_PROBE;
        }
    }
    free(imgs);
    free(unknown);
    free(order);
    return 0;
}

static void
tick(struct run *rn)
{
    rn->done++;
    if (rn->progress != NULL)
        rn->progress(rn->arg, rn->done, rn->total);
}

/* The work shared by the acquisition threads. */
struct acq {
    struct run *rn;
    size_t *work;            /* item indices to embed (distinct content) */
    size_t nwork, next;
    pthread_mutex_t lock;    /* next, done, progress, error */
    char *error;
};

/* One thread: take items until none is left or one failed. */
static void *
acq_worker(void *arg)
{
    struct acq *aq = arg;
    struct run *rn = aq->rn;
    struct eval_engine *eng = rn->eng;
    void *ctx = eng->ctx;
    size_t dim = eng->dim;
    char *err = NULL;

    if (eng->thread_new != NULL && rn->p->jobs > 1 && (ctx = eng->thread_new(eng->ctx,
            &err)) == NULL) {
        pthread_mutex_lock(&aq->lock);
        if (aq->error == NULL)
            aq->error = xasprintf("engine instance: %s", err != NULL ? err : "failed");
        pthread_mutex_unlock(&aq->lock);
        free(err);
        return NULL;
    }
    for (;;) {
        size_t i;
        int r;

        pthread_mutex_lock(&aq->lock);
        if (aq->error != NULL || aq->next == aq->nwork) {
            pthread_mutex_unlock(&aq->lock);
            break;
        }
        i = aq->work[aq->next++];
        pthread_mutex_unlock(&aq->lock);

        r = eng->embed(ctx, &rn->ds->items[i], rn->p->cropped, rn->desc + i * dim, &err);
        pthread_mutex_lock(&aq->lock);
        if (r == -1 && aq->error == NULL)
            aq->error = xasprintf("%s: %s", rn->ds->items[i].rel, err != NULL ? err :
                "engine error");
        if (r == 0)
            rn->res->items[i].status = EVAL_OK;
        else if (r != -1) {
            rn->res->items[i].status = r > EVAL_FTA && r <= EVAL_STATUS_MAX ? (uint8_t)r :
                EVAL_FTA;
            rn->res->items[i].detail = err;
            err = NULL;
        }
        tick(rn);
        pthread_mutex_unlock(&aq->lock);
        free(err);
        err = NULL;
    }
    if (ctx != eng->ctx)
        eng->thread_free(ctx);
    return NULL;
}

/*
 * Acquire every needed image's descriptor: hash each file, embed each
 * distinct content once (in p->jobs threads when the engine allows), copy
 * the result to files with the same content. The outcome does not depend on
 * the number of threads.
 */
static int
acquire(struct run *rn, char **cause)
{
    size_t i, dim = rn->eng->dim, *first;
    struct acq aq;
    unsigned t, jobs = rn->p->jobs > 1 && rn->eng->thread_new != NULL ? rn->p->jobs : 1;
    pthread_t *tids;

    rn->desc = xcalloc(rn->res->nitems * dim, sizeof *rn->desc);
    first = xmalloc(rn->res->nitems * sizeof *first);
    memset(&aq, 0, sizeof aq);
    aq.rn = rn;
    aq.work = xmalloc(rn->res->nitems * sizeof *aq.work);
    for (i = 0; i < rn->res->nitems; i++) {
        char hex[SHA256_HEX_LEN + 1], *err = NULL;
        size_t *hit;

        first[i] = i;
        if (!rn->need[i])
            continue;
        if (sha256_file_hex(rn->ds->items[i].path, hex, &err) == -1) {
            /* cannot be opened (only with --allow-missing): a failure to acquire */
            log_info("eval: %s: %s", rn->ds->items[i].rel, err);
            rn->res->items[i].detail = err;
            rn->res->items[i].status = EVAL_FTA_MISSING;
            first[i] = SIZE_MAX;
            tick(rn);
            continue;
        }
        if ((hit = hash_get(&rn->cache, hex)) != NULL) {
            first[i] = *hit;
            continue;
        }
        hit = xmalloc(sizeof *hit);
        *hit = i;
        hash_put(&rn->cache, hex, hit);
        aq.work[aq.nwork++] = i;
    }
    pthread_mutex_init(&aq.lock, NULL);
    if (jobs == 1)
        acq_worker(&aq);
    else {
        tids = xcalloc(jobs, sizeof *tids);
        for (t = 0; t < jobs; t++) {
            if (pthread_create(&tids[t], NULL, acq_worker, &aq) != 0)
                fatal("pthread_create");
        }
        for (t = 0; t < jobs; t++)
            pthread_join(tids[t], NULL);
        free(tids);
    }
    pthread_mutex_destroy(&aq.lock);
    free(aq.work);
    if (aq.error != NULL) {
        cause_set(cause, "%s", aq.error);
        free(aq.error);
        free(first);
        return -1;
    }
    /* files with the same content as an acquired one */
    for (i = 0; i < rn->res->nitems; i++) {
        if (!rn->need[i] || first[i] == i || first[i] == SIZE_MAX)
            continue;
        rn->res->items[i].status = rn->res->items[first[i]].status;
        if (rn->res->items[first[i]].detail != NULL)
            rn->res->items[i].detail = xstrdup(rn->res->items[first[i]].detail);
        memcpy(rn->desc + i * dim, rn->desc + first[i] * dim, dim * sizeof *rn->desc);
        tick(rn);
    }
    free(first);
    return 0;
}

static double
distance(const float *x, const float *y, size_t dim)
{
    double s = 0;
    size_t i;

    for (i = 0; i < dim; i++) {
        double d = (double)x[i] - (double)y[i];

        s += d * d;
    }
    return sqrt(s);
}

static int
run_verify(struct run *rn, char **cause)
{
    struct plan_pair *pl;
    size_t n, i, dim = rn->eng->dim;

    if ((pl = plan_verify(rn->ds, rn->res, rn->p, &n, cause)) == NULL)
        return -1;
    for (i = 0; i < rn->res->nitems; i++)
        rn->need[i] = mine(rn->p, i);
    for (i = 0; i < n; i++) {
        if (mine_pair(rn->p, rn->res->nitems, pl[i].a, pl[i].b))
            rn->need[pl[i].a] = rn->need[pl[i].b] = true;
    }
    for (i = 0; i < rn->res->nitems; i++)
        rn->total += rn->need[i];
    if (acquire(rn, cause) == -1) {
        free(pl);
        return -1;
    }
    for (i = 0; i < n; i++) {
        struct eval_rec r;

        if (!mine_pair(rn->p, rn->res->nitems, pl[i].a, pl[i].b))
            continue;
        r.idx = i;
        r.kind = pl[i].genuine ? 'g' : 'i';
        r.a = pl[i].a;
        r.b = pl[i].b;
        r.extra = pl[i].fold > 0 ? (double)pl[i].fold : NAN;
        if (rn->res->items[r.a].status == EVAL_OK && rn->res->items[r.b].status == EVAL_OK)
            r.score = distance(rn->desc + (size_t)r.a * dim, rn->desc + (size_t)r.b * dim, dim);
        else
            r.score = NAN;
        eval_result_add(rn->res, &r);
    }
    free(pl);
    return 0;
}

static int
run_identify(struct run *rn, char **cause)
{
    struct eval_result *res = rn->res;
    size_t i, g, dim = rn->eng->dim, ns = res->nsubjects;
    double *best;
    bool *in_gallery;

    if (plan_identify(res, rn->p, cause) == -1)
        return -1;
    for (i = 0; i < res->nitems; i++)
        rn->need[i] = res->items[i].role == EVAL_ROLE_GALLERY || mine(rn->p, i);
    for (i = 0; i < res->nitems; i++)
        rn->total += rn->need[i];
    if (acquire(rn, cause) == -1)
        return -1;
    best = xmalloc(ns * sizeof *best);
    /* a subject is enrolled when it has gallery images; if every one of them
     * failed (FTE) its searches are still mated, and misses, never exclusions */
    in_gallery = xcalloc(ns, sizeof *in_gallery);
    for (g = 0; g < res->nitems; g++) {
        if (res->items[g].role == EVAL_ROLE_GALLERY && res->items[g].subj < ns)
            in_gallery[res->items[g].subj] = true;
    }
    for (i = 0; i < res->nitems; i++) {
        const struct eval_item *it = &res->items[i];
        struct eval_rec r;
        bool enrolled;
        size_t s, rank;

        if (it->role != EVAL_ROLE_PROBE || !mine(rn->p, i))
            continue;
        enrolled = it->subj < ns && in_gallery[it->subj];
        r.idx = i;
        r.kind = enrolled ? 'm' : 'n';
        r.a = (uint32_t)i;
        r.b = 0;
        r.score = r.extra = NAN;
        if (it->status == EVAL_OK) {
            for (s = 0; s < ns; s++)
                best[s] = INFINITY;
            for (g = 0; g < res->nitems; g++) {
                const struct eval_item *gi = &res->items[g];
                double d;

                if (gi->role != EVAL_ROLE_GALLERY || gi->status != EVAL_OK)
                    continue;
                d = distance(rn->desc + i * dim, rn->desc + g * dim, dim);
                if (d < best[gi->subj])
                    best[gi->subj] = d;
            }
            for (s = 0; s < ns; s++) {
                if (best[s] < INFINITY && (isnan(r.extra) || best[s] < r.extra))
                    r.extra = best[s];
            }
            if (enrolled && best[it->subj] < INFINITY) {
                /* ties rank against the mate: count every other identity at <= */
                rank = 1;
                for (s = 0; s < ns; s++) {
                    if (s != it->subj && best[s] <= best[it->subj])
                        rank++;
                }
                r.b = (int64_t)rank;
                r.score = best[it->subj];
            }
        }
        eval_result_add(res, &r);
    }
    free(in_gallery);
    free(best);
    return 0;
}

static int
run_detect(struct run *rn, char **cause)
{
    struct eval_result *res = rn->res;
    size_t i, j;

    if (rn->eng->detect == NULL)
        return cause_set(cause, "engine '%s' has no detector", rn->eng->name);
    for (i = 0; i < res->nitems; i++)
        rn->total += mine(rn->p, i);
    for (i = 0; i < res->nitems; i++) {
        const struct ds_item *it = &rn->ds->items[i];
        struct ds_box *boxes = NULL;
        double *conf = NULL;
        size_t n = 0, *order;
        int *match;
        struct ds_box *sorted;
        char *err = NULL;

        if (!mine(rn->p, i))
            continue;
        if (rn->eng->detect(rn->eng->ctx, it, &boxes, &conf, &n, &err) == -1) {
            log_info("eval: %s: %s", it->rel, err != NULL ? err : "detection failed");
            res->items[i].detail = err;
            res->items[i].status = fs_exists(it->path) ? EVAL_FTA_UNREADABLE : EVAL_FTA_MISSING;
            tick(rn);
            continue;
        }
        res->items[i].status = EVAL_OK;
        if (n > 0xfffff) {
            free(boxes);
            free(conf);
            return cause_set(cause, "%s: more than %u detections", it->rel, 0xfffffu);
        }
        /* confidence descending, ties by position in the engine's list */
        order = xmalloc((n + 1) * sizeof *order);
        for (j = 0; j < n; j++)
            order[j] = j;
        for (j = 1; j < n; j++) {
            size_t k = j, t = order[j];

            while (k > 0 && conf[order[k - 1]] < conf[t]) {
                order[k] = order[k - 1];
                k--;
            }
            order[k] = t;
        }
        sorted = xmalloc((n + 1) * sizeof *sorted);
        match = xmalloc((n + 1) * sizeof *match);
        for (j = 0; j < n; j++)
            sorted[j] = boxes[order[j]];
        eval_match_boxes(it->boxes, it->nboxes, sorted, n, 0.5, match);
        for (j = 0; j < n; j++) {
            struct eval_rec r = { ((uint64_t)i << 20) | j, 'd', (uint32_t)i, match[j],
                conf[order[j]], NAN };

            eval_result_add(res, &r);
        }
        free(order);
        free(sorted);
        free(match);
        free(boxes);
        free(conf);
        tick(rn);
    }
    return 0;
}

struct eval_result *
eval_run(const struct dataset *ds, struct eval_engine *eng, const struct eval_params *params,
    eval_progress_fn progress, void *arg, char **cause)
{
    struct run rn;
    struct eval_result *res;
    size_t i, j;
    int rc = -1;

    if (params->shard_n < 1 || params->shard_k < 1 || params->shard_k > params->shard_n) {
        cause_set(cause, "bad shard %u/%u", params->shard_k, params->shard_n);
        return NULL;
    }
    if (ds->nitems > UINT32_MAX) {
        cause_set(cause, "too many images");
        return NULL;
    }
    res = xcalloc(1, sizeof *res);
    res->params = *params;
    res->dataset = xstrdup(ds->source);
    res->engine = xstrdup(eng->name);
    memcpy(res->manifest_sha256, ds->manifest_sha256, sizeof res->manifest_sha256);
    memcpy(res->model_sha256, eng->model_sha256, sizeof res->model_sha256);
    res->nitems = ds->nitems;
    res->items = xcalloc(ds->nitems, sizeof *res->items);
    for (i = 0; i < ds->nitems; i++) {
        const struct ds_item *it = &ds->items[i];
        struct eval_item *e = &res->items[i];

        e->rel = xstrdup(it->rel);
        e->subject = xstrdup(it->subject);
        snprintf(e->age_band, sizeof e->age_band, "%s", it->age_band);
        snprintf(e->sex, sizeof e->sex, "%s", it->sex);
        for (j = 0; j < it->nboxes; j++)
            e->ngt += !it->boxes[j].ignore;
    }
    eval_result_index_subjects(res);

    memset(&rn, 0, sizeof rn);
    rn.ds = ds;
    rn.eng = eng;
    rn.p = params;
    rn.res = res;
    rn.need = xcalloc(ds->nitems, sizeof *rn.need);
    rn.progress = progress;
    rn.arg = arg;
    hash_init(&rn.cache, free);
    switch (params->protocol) {
    case EVAL_VERIFY:
        if (eng->embed == NULL) {
            cause_set(cause, "engine '%s' makes no descriptors", eng->name);
            break;
        }
        rc = run_verify(&rn, cause);
        break;
    case EVAL_IDENTIFY:
        if (eng->embed == NULL) {
            cause_set(cause, "engine '%s' makes no descriptors", eng->name);
            break;
        }
        rc = run_identify(&rn, cause);
        break;
    case EVAL_DETECT:
        for (i = 0; i < ds->nitems && rc == -1; i++)
            rc = ds->items[i].has_boxes ? 0 : -1;
        if (rc == -1) {
            cause_set(cause, "%s: no image has face boxes: the detect protocol needs a box "
                "column or an imglab file", ds->source);
            break;
        }
        rc = run_detect(&rn, cause);
        break;
    }
    hash_done(&rn.cache);
    free(rn.need);
    free(rn.desc);
    if (rc == -1) {
        eval_result_free(res);
        return NULL;
    }
    eval_result_sort(res);
    return res;
}
