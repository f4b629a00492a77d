/* SPDX-License-Identifier: MIT */
/*
 * check_match.c - match: 1:N search against brute force on random data
 * (every metric, across probe and gallery block boundaries, one and several
 * threads), ties in gallery order, k larger than the gallery, empty
 * galleries, exact distances for self-matches, and 1:1 verification; the
 * int8 screen of the exact search (match_screen.c): its bounds hold on
 * hostile magnitudes, and a screened search returns the hits of the
 * unscreened one and of brute force on near-ties.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "faceaudit/match.h"
#include "faceaudit/xmalloc.h"
#include "recog/match_int.h"

Suite *match_suite(void);

/* A small seeded generator (xorshift64*), so every run sees the same data. */
static uint64_t rng_state;

static double
rng_uniform(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static float *
random_vectors(size_t n, size_t dim, bool unit)
{
    float *v = xreallocarray(NULL, n * dim, sizeof *v);
    size_t i, j;

    for (i = 0; i < n; i++) {
        double norm = 0;

        for (j = 0; j < dim; j++) {
            /* Box-Muller normal, so directions are uniform */
            double u1 = rng_uniform() + 1e-12, u2 = rng_uniform();

            v[i * dim + j] = (float)(sqrt(-2 * log(u1)) * cos(2 * M_PI * u2));
            norm += (double)v[i * dim + j] * v[i * dim + j];
        }
        if (unit) {
            for (j = 0; j < dim; j++)
                v[i * dim + j] = (float)(v[i * dim + j] / sqrt(norm));
        }
    }
    return v;
}

/* Bitwise-exact comparison where exactness is the point (ties, self-matches). */
static bool
exactly_equal(float a, float b)
{
    return !(a < b) && !(a > b);
}

static int
hit_order(const void *va, const void *vb)
{
    const struct match_hit *a = va, *b = vb;

    if (a->distance < b->distance)
        return -1;
    if (a->distance > b->distance)
        return 1;
    return (a->index > b->index) - (a->index < b->index);
}

/* The k best hits of one probe by exhaustive exact distances. */
static void
brute_force(enum match_metric m, const float *gal, size_t n, size_t dim, const float *probe,
    size_t k, struct match_hit *out)
{
    struct match_hit *all = xreallocarray(NULL, n, sizeof *all);
    size_t i;

    for (i = 0; i < n; i++) {
        all[i].index = i;
        all[i].distance = match_distance(m, probe, gal + i * dim, dim);
    }
    qsort(all, n, sizeof *all, hit_order);
    for (i = 0; i < k; i++)
        out[i] = all[i];
    free(all);
}

/*
 * Sizes that cross every block boundary: more than two gallery blocks (so
 * two threads get a shard each and the last block is partial) and more than
 * one probe block.
 */
#define BF_DIM 128
#define BF_N (2 * MATCH_GALLERY_BLOCK + 77)
#define BF_NP (MATCH_PROBE_BLOCK + 5)
#define BF_K 10

static const struct {
    enum match_metric metric;
    int threads;
    bool unit;
} bf_cases[] = {
    { MATCH_EUCLIDEAN, 1, false },
    { MATCH_EUCLIDEAN, 3, false },
    { MATCH_COSINE, 1, false },
    { MATCH_COSINE, 2, false },
    { MATCH_DOT, 1, true },
    { MATCH_DOT, 2, true },
};

START_TEST(test_search_vs_brute_force)
{
    struct match_opts o = { .metric = bf_cases[_i].metric, .k = BF_K,
        .threads = bf_cases[_i].threads };
    float *gal, *probes;
    struct match_gallery *g;
    struct match_hit *hits = xreallocarray(NULL, (size_t)BF_NP * BF_K, sizeof *hits);
    struct match_hit want[BF_K];
    size_t p, r, exact_checked = 0;

    rng_state = 0x9e3779b97f4a7c15ULL + (uint64_t)_i;
    gal = random_vectors(BF_N, BF_DIM, bf_cases[_i].unit);
    probes = random_vectors(BF_NP, BF_DIM, bf_cases[_i].unit);
    g = match_gallery_new(gal, BF_N, BF_DIM, _i % 2 == 0);
    ck_assert_uint_eq(match_search(g, probes, BF_NP, &o, hits), BF_K);

    for (p = 0; p < BF_NP; p++) {
        const struct match_hit *got = hits + p * BF_K;

        brute_force(o.metric, gal, BF_N, BF_DIM, probes + p * BF_DIM, BF_K, want);
        for (r = 0; r < BF_K; r++) {
            ck_assert_uint_lt(got[r].index, BF_N);
            /* reported distance is the exact one of that row */
            ck_assert_float_eq_tol(got[r].distance,
                match_distance(o.metric, probes + p * BF_DIM, gal + got[r].index * BF_DIM,
                    BF_DIM), 1e-6);
            /* the r-th best distance, whatever row ties for it */
            ck_assert_float_eq_tol(got[r].distance, want[r].distance, 1e-5);
            if (r > 0)
                ck_assert(got[r - 1].distance <= got[r].distance);
            /* same rows wherever the brute force order is unambiguous */
            if ((r == 0 || want[r].distance - want[r - 1].distance > 1e-4)
                && (r + 1 == BF_K || want[r + 1].distance - want[r].distance > 1e-4)) {
                ck_assert_uint_eq(got[r].index, want[r].index);
                exact_checked++;
            }
        }
    }
    /* the data must leave most ranks unambiguous, or this test checks little */
    ck_assert_uint_gt(exact_checked, (size_t)BF_NP * BF_K / 2);
    match_gallery_free(g);
    free(gal);
    free(probes);
    free(hits);
}
END_TEST

/* Each gallery row as a probe finds itself at distance exactly 0. */
START_TEST(test_self_match_exact)
{
    size_t n = 300, dim = 128, i;
    float *gal;
    struct match_gallery *g;
    struct match_hit hits[300 * 2];
    struct match_opts o = { .metric = MATCH_EUCLIDEAN, .k = 2, .threads = 2 };

    rng_state = 42;
    gal = random_vectors(n, dim, false);
    for (i = 0; i < dim; i++)
        gal[i] *= 1000.0f; /* a large norm: |p|^2 + |g|^2 - 2pg cancels badly */
    g = match_gallery_new(gal, n, dim, false);
    ck_assert_uint_eq(match_search(g, gal, n, &o, hits), 2);
    for (i = 0; i < n; i++) {
        ck_assert_uint_eq(hits[i * 2].index, i);
        ck_assert(exactly_equal(hits[i * 2].distance, 0.0f));
        ck_assert(hits[i * 2 + 1].distance > 0.0f);
    }
    match_gallery_free(g);
    free(gal);
}
END_TEST

/*
 * Ties: entries are multiples of 1/4 in [-1, 1], so every dot product and
 * norm is exact in float32 whatever order the GEMM sums in. Rows 5, 17 and
 * one in the last shard are identical; equal distances must come out in
 * gallery order, across shards and threads.
 */
START_TEST(test_ties_in_gallery_order)
{
    size_t dim = 16, n = 2 * MATCH_GALLERY_BLOCK + 10, far = n - 3, i, j;
    float *gal = xreallocarray(NULL, n * dim, sizeof *gal), probe[16];
    struct match_gallery *g;
    struct match_hit hits[4];
    struct match_opts o = { .metric = (enum match_metric)_i, .k = 4, .threads = 2 };

    rng_state = 7;
    for (i = 0; i < n * dim; i++)
        gal[i] = (float)((int)(rng_uniform() * 9) - 4) / 4.0f;
    for (j = 0; j < dim; j++) {
        probe[j] = (float)((int)(j % 5) - 2) / 4.0f;
        /* the duplicates, clearly the nearest rows: next to the probe for the
         * Euclidean metric, along it with a large norm for cosine and dot */
        gal[5 * dim + j] = gal[17 * dim + j] = gal[far * dim + j] =
            o.metric == MATCH_EUCLIDEAN ? probe[j] + (j == 0 ? 0.25f : 0) : 4 * probe[j];
    }
    g = match_gallery_new(gal, n, dim, true);
    ck_assert_uint_eq(match_search(g, probe, 1, &o, hits), 4);
    ck_assert_uint_eq(hits[0].index, 5);
    ck_assert_uint_eq(hits[1].index, 17);
    ck_assert_uint_eq(hits[2].index, far);
    ck_assert(exactly_equal(hits[0].distance, hits[1].distance));
    ck_assert(exactly_equal(hits[1].distance, hits[2].distance));
    ck_assert(hits[3].distance >= hits[2].distance);
    if (!(hits[3].distance > hits[2].distance))
        ck_assert_uint_gt(hits[3].index, far);
    /* a tie across the k boundary keeps the lower rows, in one shard and across shards */
    o.k = 1;
    ck_assert_uint_eq(match_search(g, probe, 1, &o, hits), 1);
    ck_assert_uint_eq(hits[0].index, 5);
    o.k = 2;
    o.threads = 3;
    ck_assert_uint_eq(match_search(g, probe, 1, &o, hits), 2);
    ck_assert_uint_eq(hits[0].index, 5);
    ck_assert_uint_eq(hits[1].index, 17);
    match_gallery_free(g);
    free(gal);
}
END_TEST

START_TEST(test_k_larger_than_gallery)
{
    float gal[3 * 2] = { 0, 0, 3, 4, 1, 0 }, probe[2] = { 0, 0 };
    struct match_gallery *g = match_gallery_new(gal, 3, 2, false);
    struct match_hit hits[5];
    struct match_opts o = { .metric = MATCH_EUCLIDEAN, .k = 5, .threads = 4 };

    ck_assert_uint_eq(match_search(g, probe, 1, &o, hits), 3);
    ck_assert_uint_eq(hits[0].index, 0);
    ck_assert_float_eq_tol(hits[0].distance, 0, 1e-7);
    ck_assert_uint_eq(hits[1].index, 2);
    ck_assert_float_eq_tol(hits[1].distance, 1, 1e-7);
    ck_assert_uint_eq(hits[2].index, 1);
    ck_assert_float_eq_tol(hits[2].distance, 5, 1e-6);
    ck_assert_uint_eq(hits[3].index, SIZE_MAX);
    ck_assert(isinf(hits[4].distance));
    match_gallery_free(g);
}
END_TEST

START_TEST(test_empty_gallery_and_zero_vectors)
{
    float gal[2 * 3] = { 0, 0, 0, 1, 0, 0 }, probe[3] = { 0, 2, 0 };
    struct match_gallery *g = match_gallery_new(NULL, 0, 3, false);
    struct match_hit hits[2];
    struct match_opts o = { .metric = MATCH_COSINE, .k = 2, .threads = 1 };

    ck_assert_uint_eq(match_search(g, probe, 1, &o, hits), 0);
    ck_assert_uint_eq(hits[0].index, SIZE_MAX);
    match_gallery_free(g);

    /* cosine: the zero row is at distance 1, the orthogonal row too; order by index */
    g = match_gallery_new(gal, 2, 3, false);
    ck_assert_uint_eq(match_search(g, probe, 1, &o, hits), 2);
    ck_assert_uint_eq(hits[0].index, 0);
    ck_assert_uint_eq(hits[1].index, 1);
    ck_assert_float_eq_tol(hits[0].distance, 1, 1e-7);
    ck_assert_float_eq_tol(hits[1].distance, 1, 1e-7);
    match_gallery_free(g);
}
END_TEST

START_TEST(test_verify_threshold)
{
    float a[4] = { 0, 0, 0, 0 }, b[4] = { 0.3f, 0.4f, 0, 0 };
    struct match_verdict v;
    enum match_metric m;

    v = match_verify(MATCH_EUCLIDEAN, a, b, 4, 0.6f);
    ck_assert_float_eq_tol(v.distance, 0.5, 1e-7);
    ck_assert(v.same);
    v = match_verify(MATCH_EUCLIDEAN, a, b, 4, 0.5f); /* strict: distance < threshold */
    ck_assert(!v.same);
    v = match_verify(MATCH_COSINE, b, b, 4, 0.1f);
    ck_assert_float_eq_tol(v.distance, 0, 1e-7);
    ck_assert(v.same);

    ck_assert_int_eq(match_metric_parse("cosine", &m), 0);
    ck_assert_int_eq(m, MATCH_COSINE);
    ck_assert_int_eq(match_metric_parse("l3", &m), -1);
    ck_assert_str_eq(match_metric_name(MATCH_DOT), "dot");
}
END_TEST

/* A score of the search (match.c's heap) in double: metric m of p.g for a row of |g|^2 sq. */
static double
heap_score(enum match_metric m, double dot, float sq, float inv)
{
    return m == MATCH_EUCLIDEAN ? 2.0 * dot - (double)sq : m == MATCH_COSINE ?
        dot * (double)inv : dot;
}

/*
 * Every bound of the screen is at least the exact score, for each metric,
 * on vectors of very different magnitudes (1e-3 to 1e3), a zero row and
 * probe, a row with one huge component, dimensions that are not a multiple
 * of four and a partial panel and probe tile. Where the CPU has no
 * AVX512-VNNI (or the AVX-512 kernels are not selected) the screen never
 * runs, and this says so.
 */
START_TEST(test_screen_bounds_hold)
{
    static const size_t dims[] = { 13, 128, 130 };
    enum match_metric m = (enum match_metric)_i;
    size_t di, n = 37, np = 19, i, p, j;

    if (!match_screen_available(128)) {
        printf("SKIP int8 screen bounds: no AVX512-VNNI (or AVX-512 kernels) here\n");
        return;
    }
    for (di = 0; di < FA_NITEMS(dims); di++) {
        size_t dim = dims[di], dim4 = match_screen_dim4(dim), rows = (n + 15) / 16 * 16;
        float *g, *pr, *sq, *inv, *ub;
        struct match_screen_rows rw;
        struct match_screen_probes ps;
        struct match_screen_metric mt;

        rng_state = 0x51ed2701ULL + di * 7 + (uint64_t)m;
        g = random_vectors(n, dim, false);
        pr = random_vectors(np, dim, false);
        for (i = 0; i < n; i++)
            for (j = 0; j < dim; j++)
                g[i * dim + j] *= (float)pow(10.0, 6.0 * rng_uniform() - 3.0);
        for (p = 0; p < np; p++)
            for (j = 0; j < dim; j++)
                pr[p * dim + j] *= (float)pow(10.0, 6.0 * rng_uniform() - 3.0);
        memset(g + 3 * dim, 0, dim * sizeof *g);   /* a zero row */
        memset(pr + 2 * dim, 0, dim * sizeof *pr); /* a zero probe */
        g[5 * dim + 1] = 1e4f;                     /* one huge component */
        sq = xreallocarray(NULL, n, sizeof *sq);
        inv = xreallocarray(NULL, n, sizeof *inv);
        for (i = 0; i < n; i++) {
            double s2 = 0.0;

            for (j = 0; j < dim; j++)
                s2 += (double)g[i * dim + j] * g[i * dim + j];
            sq[i] = (float)s2;
            inv[i] = s2 > 0 ? (float)(1.0 / sqrt(s2)) : 0.0f;
        }
        rw.q = xreallocarray(NULL, rows, dim4);
        rw.qsum = xreallocarray(NULL, rows, sizeof *rw.qsum);
        rw.scale = xreallocarray(NULL, rows, sizeof *rw.scale);
        rw.norm = xreallocarray(NULL, rows, sizeof *rw.norm);
        rw.err = xreallocarray(NULL, rows, sizeof *rw.err);
        rw.gm = xreallocarray(NULL, rows, sizeof *rw.gm);
        match_screen_pack_rows(g, n, dim, &rw);
        ps.q = xreallocarray(NULL, 32, dim4);
        memset(ps.q, 128, 32 * dim4);
        ps.scale = xreallocarray(NULL, np, sizeof *ps.scale);
        ps.err = xreallocarray(NULL, np, sizeof *ps.err);
        ps.qnorm = xreallocarray(NULL, np, sizeof *ps.qnorm);
        ps.margin = xreallocarray(NULL, np, sizeof *ps.margin);
        match_screen_pack_probes(pr, np, dim, &ps);
        mt.metric = (int)m;
        mt.sqnorm = sq;
        mt.invnorm = inv;
        ub = xreallocarray(NULL, np * n, sizeof *ub);
        match_screen_bounds(&ps, 0, np, &rw, &mt, ub, n);
        for (p = 0; p < np; p++) {
            for (i = 0; i < n; i++) {
                double d = 0.0, want;

                for (j = 0; j < dim; j++)
                    d += (double)pr[p * dim + j] * g[i * dim + j];
                want = heap_score(m, d, sq[i], inv[i]);
                ck_assert_msg((double)ub[p * n + i] >= want,
                    "%s dim %zu probe %zu row %zu: bound %.9g below the score %.9g",
                    match_metric_name(m), dim, p, i, (double)ub[p * n + i], want);
            }
        }
        free(g);
        free(pr);
        free(sq);
        free(inv);
        free(ub);
        free(rw.q);
        free(rw.qsum);
        free(rw.scale);
        free(rw.norm);
        free(rw.err);
        free(rw.gm);
        free(ps.q);
        free(ps.scale);
        free(ps.err);
        free(ps.qnorm);
        free(ps.margin);
    }
}
END_TEST

/*
 * Near-ties the int8 scores cannot tell apart (rows differing by 1e-4 in
 * one component, exact duplicates, probes sitting on gallery rows): the
 * screened search returns exactly brute force's hits, rows and distances
 * bit for bit, ties in gallery order, for each metric, one and three
 * threads, across gallery and probe blocks. (The unscreened search ranks by
 * the float32 GEMM's rounded scores, and on these data it does not always:
 * it may keep a duplicate of higher index, or a row 1e-4 worse.)
 */
START_TEST(test_screen_same_hits)
{
    enum match_metric m = (enum match_metric)(_i % 3);
    int threads = _i < 3 ? 1 : 3;
    size_t dim = 128, nbase = 300, n = 2 * MATCH_GALLERY_BLOCK + 45, np = 70, k = 7, i, j;
    float *base, *gal, *probes;
    struct match_gallery *g;
    struct match_hit *b, want[7];
    struct match_opts o = { .metric = m, .k = k, .threads = threads };

    if (!match_screen_available(dim)) {
        printf("SKIP screened search: no AVX512-VNNI (or AVX-512 kernels) here\n");
        return;
    }
    rng_state = 0xc0ffee11ULL + (uint64_t)_i;
    base = random_vectors(nbase, dim, m == MATCH_DOT);
    gal = xreallocarray(NULL, n * dim, sizeof *gal);
    for (i = 0; i < n; i++) {
        memcpy(gal + i * dim, base + (i % nbase) * dim, dim * sizeof *gal);
        if (i % 3 != 0) /* a third exact duplicates, the rest nudged below the int8 step */
            gal[i * dim + i % dim] += (float)((double)(i % 7) * 1e-4);
    }
    probes = random_vectors(np, dim, m == MATCH_DOT);
    for (i = 0; i < np; i += 2) /* half the probes sit on a gallery row */
        memcpy(probes + i * dim, gal + (i * 97 % n) * dim, dim * sizeof *probes);
    g = match_gallery_new(gal, n, dim, true);
    b = xreallocarray(NULL, np * k, sizeof *b);
    ck_assert_int_ge((int)np, MATCH_SCREEN_MIN_PROBES); /* the screen's batch */
    ck_assert_uint_eq(match_search(g, probes, np, &o, b), k);
    for (i = 0; i < np; i++) {
        brute_force(m, gal, n, dim, probes + i * dim, k, want);
        for (j = 0; j < k; j++)
            ck_assert_msg(b[i * k + j].index == want[j].index &&
                exactly_equal(b[i * k + j].distance, want[j].distance),
                "%s, %d threads, probe %zu hit %zu: brute force row %zu (%.9g), screened row "
                "%zu (%.9g)", match_metric_name(m), threads, i, j, want[j].index,
                (double)want[j].distance, b[i * k + j].index, (double)b[i * k + j].distance);
    }
    match_gallery_free(g);
    free(base);
    free(gal);
    free(probes);
    free(b);
}
END_TEST

Suite *
match_suite(void)
{
    Suite *s = suite_create("match");
    TCase *tc = tcase_create("search");

    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_search_vs_brute_force, 0, (int)FA_NITEMS(bf_cases));
    tcase_add_test(tc, test_self_match_exact);
    tcase_add_loop_test(tc, test_ties_in_gallery_order, MATCH_EUCLIDEAN, MATCH_DOT + 1);
    tcase_add_test(tc, test_k_larger_than_gallery);
    tcase_add_test(tc, test_empty_gallery_and_zero_vectors);
    suite_add_tcase(s, tc);

    tc = tcase_create("screen");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_screen_bounds_hold, MATCH_EUCLIDEAN, MATCH_DOT + 1);
    tcase_add_loop_test(tc, test_screen_same_hits, 0, 6);
    suite_add_tcase(s, tc);

    tc = tcase_create("verify");
    tcase_add_test(tc, test_verify_threshold);
    suite_add_tcase(s, tc);
    return s;
}
