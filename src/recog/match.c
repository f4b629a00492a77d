/* SPDX-License-Identifier: MIT */
/*
 * match.c - 1:1 verification and 1:N search of face descriptors.
 *
 * The search multiplies blocks of probes by blocks of gallery rows (scores =
 * P * G^T) and folds every score straight into the
 * probe's k-best min-heap, so the score matrix never exists beyond one block.
 * The gallery block is the outer loop: it stays in cache while every probe
 * block passes over it. For the Euclidean metric the heap ranks by
 * 2 p.g - |g|^2 (the part of -|p - g|^2 that depends on g), for cosine by
 * p.g / |g|, for dot by p.g. Worker threads split the gallery into
 * contiguous shards with their own heaps; the shards' candidates are merged
 * and their distances recomputed exactly from the vectors.
 *
 * Each gallery block is packed once (per search, into a 1 MiB per-thread
 * buffer: no second copy of the gallery) into the panel layout of the
 * networks' GEMM (cnn_gemm.c, with its AVX-512 kernel where the CPU has
 * it), and every probe block is multiplied by the packed block; a BLAS
 * would repack the block for each probe block.
 *
 * A compressed gallery (MATCH_F16, MATCH_I8) holds its rows packed once at
 * creation. A search of a few probes (at most MATCH_DOTS_MAX_PROBES, as
 * identify's) multiplies them by the packed rows with the dot kernels of
 * match_kernels.c, reading 2 or 4 times fewer bytes than the float rows; a
 * batch decodes each gallery block to float once (as the exact path packs
 * it) and takes the GEMM, so it costs little more than the exact search.
 * Either way the norms are those of the decoded rows, so the
 * ranking is the exact ranking of the decoded gallery. With a rerank the
 * heaps keep max(k, rerank) candidates and the merge's exact recomputation
 * from the float rows re-scores them all before the best k are kept.
 */
#include "config.h"

#include "faceaudit/match.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/cnn.h"
#include "faceaudit/embed.h"
#include "faceaudit/gemm.h"
#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"
#include "recog/match_int.h"

struct match_gallery {
    size_t n;
    size_t dim;
    const float *vecs; /* n x dim, borrowed or == owned; NULL when packed alone */
    float *owned;
    enum match_precision prec;
    uint16_t *f16;     /* MATCH_F16: n x dim binary16 */
    int8_t *i8;        /* MATCH_I8: n x dim, times scale[row] */
    float *scale;
    size_t rerank;     /* candidates re-scored from vecs (0: none) */
    float *sqnorm;     /* |g|^2 per row */
    float *invnorm;    /* 1/|g| per row, 0 for a zero row */
    /* the int8 screen's rows (match_screen.c), built by the first batch search that takes
     * the screen and kept (ceil(n/16) * 16 rows): the one thing a search writes, under mu */
    pthread_mutex_t mu;
    struct match_screen_rows *screen;
};

static const struct {
    const char *name;
    enum match_metric metric;
} metric_names[] = {
    { "euclidean", MATCH_EUCLIDEAN },
    { "cosine", MATCH_COSINE },
    { "dot", MATCH_DOT },
};

int
match_metric_parse(const char *s, enum match_metric *m)
{
    size_t i;

    for (i = 0; i < FA_NITEMS(metric_names); i++) {
        if (strcmp(s, metric_names[i].name) == 0) {
            *m = metric_names[i].metric;
            return 0;
        }
    }
    return -1;
}

const char *
match_metric_name(enum match_metric m)
{
    size_t i;

    for (i = 0; i < FA_NITEMS(metric_names); i++) {
        if (metric_names[i].metric == m)
            return metric_names[i].name;
    }
    return "?";
}

float
match_distance(enum match_metric m, const float *a, const float *b, size_t dim)
{
    double dot = 0;
    size_t i;

    switch (m) {
    case MATCH_EUCLIDEAN:
        return face_distance_euclidean(a, b, dim);
    case MATCH_COSINE:
        return face_distance_cosine(a, b, dim);
    case MATCH_DOT:
        for (i = 0; i < dim; i++)
            dot += (double)a[i] * b[i];
        return (float)(1.0 - dot);
    }
    fatalx("match_distance: bad metric %d", (int)m);
}

struct match_verdict
match_verify(enum match_metric m, const float *a, const float *b, size_t dim, float threshold)
{
    struct match_verdict v;

    v.distance = match_distance(m, a, b, dim);
    v.same = v.distance < threshold;
    return v;
}

/* ---- the gallery ---------------------------------------------------------- */

static const char *const precision_names[] = { "f32", "f16", "i8" };

int
match_precision_parse(const char *s, enum match_precision *p)
{
    size_t i;

    for (i = 0; i < FA_NITEMS(precision_names); i++) {
        if (strcmp(s, precision_names[i]) == 0) {
            *p = (enum match_precision)i;
            return 0;
        }
    }
    return -1;
}

const char *
match_precision_name(enum match_precision p)
{
    return (size_t)p < FA_NITEMS(precision_names) ? precision_names[p] : "?";
}

/* Packed row i of g decoded into tmp (dim floats). */
static const float *
decode_row(const struct match_gallery *g, size_t i, float *tmp)
{
    if (g->prec == MATCH_F16)
        match_unpack_f16(g->f16 + i * g->dim, tmp, g->dim);
    else
        match_unpack_i8(g->i8 + i * g->dim, g->scale + i, 1, g->dim, tmp);
    return tmp;
}

/* Row i of g as floats: the float row where g keeps one, else decoded into tmp. */
static const float *
gallery_row(const struct match_gallery *g, size_t i, float *tmp)
{
    return g->vecs != NULL ? g->vecs + i * g->dim : decode_row(g, i, tmp);
}

struct match_gallery *
match_gallery_new(const float *vecs, size_t n, size_t dim, bool borrow)
{
    struct match_gallery_opts o = { MATCH_F32, 0 };

    return match_gallery_new_opts(vecs, n, dim, borrow, &o);
}

struct match_gallery *
match_gallery_new_opts(const float *vecs, size_t n, size_t dim, bool borrow,
    const struct match_gallery_opts *o)
{
    struct match_gallery *g = xcalloc(1, sizeof *g);
    bool keep = o->precision == MATCH_F32 || o->rerank > 0;
    float *tmp = NULL;
    size_t i, j;

    if (dim == 0)
        fatalx("match_gallery_new: zero dimension");
    g->n = n;
    g->dim = dim;
    g->prec = o->precision;
    pthread_mutex_init(&g->mu, NULL);
    g->rerank = o->precision == MATCH_F32 ? 0 : o->rerank;
    if (n == 0)
        return g;
    if (keep && borrow)
        g->vecs = vecs;
    else if (keep) {
        g->owned = xreallocarray(NULL, n, dim * sizeof *g->owned);
        memcpy(g->owned, vecs, n * dim * sizeof *g->owned);
        g->vecs = g->owned;
    }
    if (g->prec == MATCH_F16) {
        g->f16 = xreallocarray(NULL, n, dim * sizeof *g->f16);
        match_pack_f16(vecs, g->f16, n * dim);
    } else if (g->prec == MATCH_I8) {
        g->i8 = xreallocarray(NULL, n, dim * sizeof *g->i8);
        g->scale = xreallocarray(NULL, n, sizeof *g->scale);
        for (i = 0; i < n; i++)
            g->scale[i] = match_pack_i8(vecs + i * dim, dim, g->i8 + i * dim);
    }
    if (g->prec != MATCH_F32)
        tmp = xreallocarray(NULL, dim, sizeof *tmp);
    g->sqnorm = xreallocarray(NULL, n, sizeof *g->sqnorm);
    g->invnorm = xreallocarray(NULL, n, sizeof *g->invnorm);
    for (i = 0; i < n; i++) {
        /* the norms of the rows the search ranks: the decoded ones when packed */
        const float *row = g->prec == MATCH_F32 ? g->vecs + i * dim : decode_row(g, i, tmp);
        double s = 0;

        for (j = 0; j < dim; j++)
            s += (double)row[j] * row[j];
        g->sqnorm[i] = (float)s;
        g->invnorm[i] = s > 0 ? (float)(1.0 / sqrt(s)) : 0.0f;
    }
    free(tmp);
    return g;
}

bool
match_gallery_approximate(const struct match_gallery *g)
{
    return g->prec != MATCH_F32;
}

size_t
match_gallery_row_bytes(const struct match_gallery *g)
{
    size_t b = sizeof *g->sqnorm + sizeof *g->invnorm;

    if (g->vecs != NULL)
        b += g->dim * sizeof *g->vecs;
    if (g->prec == MATCH_F16)
        b += g->dim * sizeof *g->f16;
    else if (g->prec == MATCH_I8)
        b += g->dim * sizeof *g->i8 + sizeof *g->scale;
    return b;
}

void
match_gallery_free(struct match_gallery *g)
{
    if (g == NULL)
        return;
    free(g->owned);
    free(g->f16);
    free(g->i8);
    free(g->scale);
    free(g->sqnorm);
    free(g->invnorm);
    if (g->screen != NULL) {
        free(g->screen->q);
        free(g->screen->qsum);
        free(g->screen->scale);
        free(g->screen->norm);
        free(g->screen->err);
        free(g->screen->gm);
        free(g->screen);
    }
    pthread_mutex_destroy(&g->mu);
    free(g);
}

/* One thread's share of the screen's rows: rows [a, a + n) of the gallery into v. */
struct pack_job {
    const float *src;
    size_t n, dim;
    struct match_screen_rows v;
};

static void *
pack_job_run(void *arg)
{
    struct pack_job *j = arg;

    match_screen_pack_rows(j->src, j->n, j->dim, &j->v);
    return NULL;
}

/*
 * The gallery's rows for the int8 screen, quantised and packed by the first
 * search that needs them, on its threads (contiguous runs of whole panels),
 * and kept until the gallery is freed (about a sixth of the float rows'
 * memory). The gallery is otherwise read-only; the mutex makes this one
 * write safe for searches running at once.
 */
static const struct match_screen_rows *
gallery_screen(const struct match_gallery *cg, int threads)
{
    struct match_gallery *g = (struct match_gallery *)(uintptr_t)cg;
    struct match_screen_rows *r;

    pthread_mutex_lock(&g->mu);
    if (g->screen == NULL) {
        size_t rows = (g->n + 15) / 16 * 16, dim4 = match_screen_dim4(g->dim), nt, per, t;
        struct pack_job *job;
        pthread_t *tid;

        r = xcalloc(1, sizeof *r);
        r->q = xreallocarray(NULL, rows, dim4);
        r->qsum = xreallocarray(NULL, rows, sizeof *r->qsum);
        r->scale = xreallocarray(NULL, rows, sizeof *r->scale);
        r->norm = xreallocarray(NULL, rows, sizeof *r->norm);
        r->err = xreallocarray(NULL, rows, sizeof *r->err);
        r->gm = xreallocarray(NULL, rows, sizeof *r->gm);
        r->n = g->n;
        r->dim = g->dim;
        nt = FA_MIN(threads > 1 ? (size_t)threads : 1, rows / 16);
        per = ((rows / 16 + nt - 1) / nt) * 16; /* whole panels a thread */
        job = xcalloc(nt, sizeof *job);
        tid = xcalloc(nt, sizeof *tid);
        for (t = 0; t < nt; t++) {
            size_t a = FA_MIN(g->n, t * per), b = FA_MIN(g->n, (t + 1) * per);

            job[t].src = g->vecs + a * g->dim;
            job[t].n = b - a;
            job[t].dim = g->dim;
            job[t].v = (struct match_screen_rows){ r->q + a * dim4, r->qsum + a, r->scale + a,
                r->norm + a, r->err + a, r->gm + a, b - a, g->dim };
        }
        for (t = 1; t < nt; t++)
            if (pthread_create(&tid[t], NULL, pack_job_run, &job[t]) != 0)
                fatal("match_search: pthread_create");
        pack_job_run(&job[0]);
        for (t = 1; t < nt; t++)
            pthread_join(tid[t], NULL);
        free(job);
        free(tid);
        g->screen = r;
    }
    r = g->screen;
    pthread_mutex_unlock(&g->mu);
    return r;
}

/* ---- k-best heaps ------------------------------------------------------------ */

/*
 * A min-heap of the k best (score, index) pairs seen so far: the root is the
 * worst of them. Higher score is better; equal scores prefer the lower index.
 * Empty slots hold (-inf, SIZE_MAX), so a heap is always "full".
 */
static inline bool
better(float sa, size_t ia, float sb, size_t ib)
{
    if (sa > sb)
        return true;
    if (sa < sb)
        return false;
    return ia < ib;
}

static void
heap_init(float *score, size_t *idx, size_t k)
{
    size_t i;

    for (i = 0; i < k; i++) {
        score[i] = -INFINITY;
        idx[i] = SIZE_MAX;
    }
}

/* Replace the root by (s, i) and restore the heap order. */
static void
heap_replace_root(float *score, size_t *idx, size_t k, float s, size_t i)
{
    size_t pos = 0;

    for (;;) {
        size_t l = 2 * pos + 1, r = l + 1, w = l;

        if (l >= k)
            break;
        if (r < k && better(score[l], idx[l], score[r], idx[r]))
            w = r; /* w = the worse child */
        if (!better(s, i, score[w], idx[w]))
            break;
        score[pos] = score[w];
        idx[pos] = idx[w];
        pos = w;
    }
    score[pos] = s;
    idx[pos] = i;
}

/* ---- the search -------------------------------------------------------------- */

struct shard {
    const struct match_gallery *g;
    const float *probes;
    size_t np;
    size_t k;
    enum match_metric metric;
    size_t g0, g1;   /* gallery rows [g0, g1) */
    float *hscore;   /* np x k */
    size_t *hidx;    /* np x k */
    float *block;    /* one score block, at most MATCH_PROBE_BLOCK x MATCH_GALLERY_BLOCK */
    float *packed;   /* one gallery block packed for cnn_gemm_packed */
    bool dots;       /* f16/i8 rows by the dot kernels (few probes), not the GEMM */
    float *decoded;  /* f16/i8 by the GEMM: one gallery block decoded */
    const struct match_screen_probes *sp; /* the int8 screen (NULL: none) */
    const struct match_screen_rows *rows; /* with it: the gallery's screen rows */
    const double *pn2;                    /* and |p|^2 of each probe */
};

/*
 * Offer one row of raw dot products (gallery rows gb0 .. gb0+gbn-1) to a
 * probe's heap. Within a shard rows arrive in increasing index, so a score
 * equal to the root's can never win its tie: the strict test is exact.
 */
static void
scan_row(const struct shard *sh, const float *dots, size_t gb0, size_t gbn, float *hs,
    size_t *hi)
{
    const float *sq = sh->g->sqnorm + gb0, *inv = sh->g->invnorm + gb0;
    float thr = hs[0];
    size_t j;

    switch (sh->metric) {
    case MATCH_EUCLIDEAN:
        for (j = 0; j < gbn; j++) {
            float s = 2.0f * dots[j] - sq[j];

            if (s > thr) {
                heap_replace_root(hs, hi, sh->k, s, gb0 + j);
                thr = hs[0];
            }
        }
        break;
    case MATCH_COSINE:
        for (j = 0; j < gbn; j++) {
            float s = dots[j] * inv[j];

            if (s > thr) {
                heap_replace_root(hs, hi, sh->k, s, gb0 + j);
                thr = hs[0];
            }
        }
        break;
    case MATCH_DOT:
        for (j = 0; j < gbn; j++) {
            if (dots[j] > thr) {
                heap_replace_root(hs, hi, sh->k, dots[j], gb0 + j);
                thr = hs[0];
            }
        }
        break;
    }
}

/*
 * The screened search's heaps rank by the distance itself, -match_distance
 * (the merge's own value, so the hits are brute force's: the best distances,
 * ties in gallery order). Bounds are in the GEMM's score space (2 p.g -
 * |g|^2, p.g / |g|, p.g): a root of distance r is passed by no row whose
 * score stays below |p|^2 - r^2, |p| (1 - r) or 1 - r. The threshold is
 * lowered by a millionth of the scores' scale for the float roundings of the
 * distance and of these conversions.
 */
static float
screen_threshold(enum match_metric m, float root, double pn2)
{
    double r = -(double)root, t; /* the root's distance (+inf while the heap is not full) */

    if (!(r < INFINITY))
        return -INFINITY;
    switch (m) {
    case MATCH_EUCLIDEAN:
        t = pn2 - r * r;
        return (float)(t - 1e-6 * (pn2 + r * r) - 1e-30);
    case MATCH_COSINE:
        t = sqrt(pn2) * (1.0 - r);
        return (float)(t - 1e-6 * sqrt(pn2) * (1.0 + fabs(r)) - 1e-30);
    case MATCH_DOT:
        break;
    }
    t = 1.0 - r;
    return (float)(t - 1e-6 * (1.0 + fabs(r)) - 1e-30);
}

/*
 * The screened search's scan of one probe's row of bounds: a row whose
 * bound cannot reach the root's threshold is passed over; every other one
 * gets its exact distance and is offered. A NaN bound is never passed over.
 */
static void
scan_screened(const struct shard *sh, const float *ub, const float *probe, double pn2,
    size_t gb0, size_t gbn, float *hs, size_t *hi)
{
    const struct match_gallery *g = sh->g;
    float thr = screen_threshold(sh->metric, hs[0], pn2);
    size_t j;

    for (j = 0; j < gbn; j++) {
        float key;

        if (ub[j] < thr)
            continue;
        key = -match_distance(sh->metric, probe, g->vecs + (gb0 + j) * g->dim, g->dim);
        if (key > hs[0]) {
            heap_replace_root(hs, hi, sh->k, key, gb0 + j);
            thr = screen_threshold(sh->metric, hs[0], pn2);
        }
    }
}

static void *
shard_run(void *arg)
{
    struct shard *sh = arg;
    size_t dim = sh->g->dim, gb0, pb0, r;
    const float *src;

    for (gb0 = sh->g0; gb0 < sh->g1; gb0 += MATCH_GALLERY_BLOCK) {
        size_t gbn = FA_MIN((size_t)MATCH_GALLERY_BLOCK, sh->g1 - gb0);

        if (sh->sp != NULL) {
            struct match_screen_metric mt = { (int)sh->metric, sh->g->sqnorm + gb0,
                sh->g->invnorm + gb0 };

            /* this block's rows of the screen (gb0 is a multiple of 16: a whole panel) */
            struct match_screen_rows v = { sh->rows->q + gb0 * match_screen_dim4(dim),
                sh->rows->qsum + gb0, sh->rows->scale + gb0, sh->rows->norm + gb0,
                sh->rows->err + gb0, sh->rows->gm + gb0, gbn, dim };

            for (pb0 = 0; pb0 < sh->np; pb0 += MATCH_PROBE_BLOCK) {
                size_t pbn = FA_MIN((size_t)MATCH_PROBE_BLOCK, sh->np - pb0);

                match_screen_bounds(sh->sp, pb0, pbn, &v, &mt, sh->block, gbn);
                for (r = 0; r < pbn; r++)
                    scan_screened(sh, sh->block + r * gbn, sh->probes + (pb0 + r) * dim,
                        sh->pn2[pb0 + r], gb0, gbn, sh->hscore + (pb0 + r) * sh->k,
                        sh->hidx + (pb0 + r) * sh->k);
            }
            continue;
        }

        if (sh->dots) {
            for (pb0 = 0; pb0 < sh->np; pb0 += MATCH_PROBE_BLOCK) {
                size_t pbn = FA_MIN((size_t)MATCH_PROBE_BLOCK, sh->np - pb0);

                if (sh->g->prec == MATCH_F16)
                    match_dots_f16(sh->probes + pb0 * dim, pbn, dim, sh->g->f16 + gb0 * dim,
                        gbn, sh->block, gbn);
                else
                    match_dots_i8(sh->probes + pb0 * dim, pbn, dim, sh->g->i8 + gb0 * dim,
                        sh->g->scale + gb0, gbn, sh->block, gbn);
                for (r = 0; r < pbn; r++)
                    scan_row(sh, sh->block + r * gbn, gb0, gbn,
                        sh->hscore + (pb0 + r) * sh->k, sh->hidx + (pb0 + r) * sh->k);
            }
            continue;
        }
        if (sh->g->prec == MATCH_F32)
            src = sh->g->vecs + gb0 * dim;
        else if (sh->g->prec == MATCH_F16) {
            match_unpack_f16(sh->g->f16 + gb0 * dim, sh->decoded, gbn * dim);
            src = sh->decoded;
        } else {
            match_unpack_i8(sh->g->i8 + gb0 * dim, sh->g->scale + gb0, gbn, dim, sh->decoded);
            src = sh->decoded;
        }
        cnn_gemm_pack_t(src, (int)dim, (int)gbn, (int)dim, sh->packed);
        for (pb0 = 0; pb0 < sh->np; pb0 += MATCH_PROBE_BLOCK) {
            size_t pbn = FA_MIN((size_t)MATCH_PROBE_BLOCK, sh->np - pb0);

            cnn_gemm_packed((int)pbn, (int)gbn, (int)dim, sh->probes + pb0 * dim, (int)dim,
                sh->packed, NULL, sh->block, (int)gbn);
            for (r = 0; r < pbn; r++)
                scan_row(sh, sh->block + r * gbn, gb0, gbn, sh->hscore + (pb0 + r) * sh->k,
                    sh->hidx + (pb0 + r) * sh->k);
        }
    }
    return NULL;
}

static int
hit_cmp(const void *va, const void *vb)
{
    const struct match_hit *a = va, *b = vb;

    if (a->distance < b->distance)
        return -1;
    if (a->distance > b->distance)
        return 1;
    return (a->index > b->index) - (a->index < b->index);
}

size_t
match_search(const struct match_gallery *g, const float *probes, size_t np,
    const struct match_opts *opts, struct match_hit *hits)
{
    size_t k = opts->k > 0 ? opts->k : 1, r = FA_MIN(k, g->n), nsh, s, p, c, i;
    size_t per, ncand, kh;
    struct shard *sh;
    pthread_t *tid;
    struct match_hit *cand;
    struct match_screen_probes sp;
    double *pn2 = NULL;
    bool screen;
    float *tmp;

    for (i = 0; i < np * k; i++) {
        hits[i].index = SIZE_MAX;
        hits[i].distance = INFINITY;
    }
    if (np == 0 || g->n == 0)
        return 0;

    /* each heap keeps the candidates a rerank re-scores, and at least k */
    kh = FA_MAX(k, g->rerank);
    /* a batch on the float rows takes the int8 screen where the CPU has VNNI */
    screen = g->prec == MATCH_F32 && !opts->no_screen && np >= MATCH_SCREEN_MIN_PROBES &&
        match_screen_available(g->dim);
    memset(&sp, 0, sizeof sp);
    if (screen) {
        size_t npad = (np + 15) / 16 * 16;

        sp.q = xreallocarray(NULL, npad, match_screen_dim4(g->dim));
        memset(sp.q, 128, npad * match_screen_dim4(g->dim)); /* the padding probes: zero */
        sp.scale = xreallocarray(NULL, np, sizeof *sp.scale);
        sp.err = xreallocarray(NULL, np, sizeof *sp.err);
        sp.qnorm = xreallocarray(NULL, np, sizeof *sp.qnorm);
        sp.margin = xreallocarray(NULL, np, sizeof *sp.margin);
        match_screen_pack_probes(probes, np, g->dim, &sp);
        pn2 = xreallocarray(NULL, np, sizeof *pn2);
        for (p = 0; p < np; p++) {
            pn2[p] = 0.0;
            for (i = 0; i < g->dim; i++)
                pn2[p] += (double)probes[p * g->dim + i] * probes[p * g->dim + i];
        }
    }
    /* Shards of at least one gallery block each. */
    nsh = opts->threads > 1 ? (size_t)opts->threads : 1;
    nsh = FA_MIN(nsh, (g->n + MATCH_GALLERY_BLOCK - 1) / MATCH_GALLERY_BLOCK);
    per = (g->n + nsh - 1) / nsh;
    per = (per + 15) / 16 * 16; /* shards start on a whole panel of the screen's rows */
    sh = xcalloc(nsh, sizeof *sh);
    tid = xcalloc(nsh, sizeof *tid);
    for (s = 0; s < nsh; s++) {
        sh[s].g = g;
        sh[s].probes = probes;
        sh[s].np = np;
        sh[s].k = kh;
        sh[s].metric = opts->metric;
        sh[s].g0 = FA_MIN(g->n, s * per);
        sh[s].g1 = FA_MIN(g->n, (s + 1) * per);
        sh[s].hscore = xreallocarray(NULL, np * kh, sizeof *sh[s].hscore);
        sh[s].hidx = xreallocarray(NULL, np * kh, sizeof *sh[s].hidx);
        sh[s].block = xreallocarray(NULL, FA_MIN(np, (size_t)MATCH_PROBE_BLOCK) *
            FA_MIN(sh[s].g1 - sh[s].g0, (size_t)MATCH_GALLERY_BLOCK), sizeof *sh[s].block);
        sh[s].dots = g->prec != MATCH_F32 && np <= MATCH_DOTS_MAX_PROBES;
        if (screen) {
            sh[s].sp = &sp;
            sh[s].rows = gallery_screen(g, opts->threads);
            sh[s].pn2 = pn2;
        } else if (!sh[s].dots)
            sh[s].packed = xreallocarray(NULL, cnn_gemm_packed_size((int)g->dim,
                (int)FA_MIN(sh[s].g1 - sh[s].g0, (size_t)MATCH_GALLERY_BLOCK)),
                sizeof *sh[s].packed);
        if (!sh[s].dots && g->prec != MATCH_F32)
            sh[s].decoded = xreallocarray(NULL, FA_MIN(sh[s].g1 - sh[s].g0,
                (size_t)MATCH_GALLERY_BLOCK), g->dim * sizeof *sh[s].decoded);
        for (p = 0; p < np; p++)
            heap_init(sh[s].hscore + p * kh, sh[s].hidx + p * kh, kh);
    }
    for (s = 1; s < nsh; s++) {
        if (pthread_create(&tid[s], NULL, shard_run, &sh[s]) != 0)
            fatal("match_search: pthread_create");
    }
    shard_run(&sh[0]);
    for (s = 1; s < nsh; s++)
        pthread_join(tid[s], NULL);

    /*
     * Merge: every shard's candidates, distances recomputed in double from
     * the float rows (exact; the rerank) or the decoded ones, best r.
     */
    cand = xreallocarray(NULL, nsh * kh, sizeof *cand);
    tmp = xreallocarray(NULL, g->dim, sizeof *tmp);
    for (p = 0; p < np; p++) {
        const float *probe = probes + p * g->dim;

        ncand = 0;
        for (s = 0; s < nsh; s++) {
            for (c = 0; c < kh; c++) {
                size_t gi = sh[s].hidx[p * kh + c];

                if (gi == SIZE_MAX)
                    continue;
                cand[ncand].index = gi;
                cand[ncand].distance = match_distance(opts->metric, probe,
                    gallery_row(g, gi, tmp), g->dim);
                ncand++;
            }
        }
        qsort(cand, ncand, sizeof *cand, hit_cmp);
        memcpy(hits + p * k, cand, FA_MIN(r, ncand) * sizeof *cand);
    }
    free(cand);
    free(tmp);
    for (s = 0; s < nsh; s++) {
        free(sh[s].hscore);
        free(sh[s].hidx);
        free(sh[s].block);
        free(sh[s].packed);
        free(sh[s].decoded);
    }
    free(pn2);
    free(sp.q);
    free(sp.scale);
    free(sp.err);
    free(sp.qnorm);
    free(sp.margin);
    free(sh);
    free(tid);
    return r;
}
