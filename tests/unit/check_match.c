/* SPDX-License-Identifier: MIT */
/*
 * check_match.c - match: 1:N search against brute force on random data
 * (every metric, across probe and gallery block boundaries, one and several
 * threads), ties in gallery order, k larger than the gallery, empty
 * galleries, exact distances for self-matches, and 1:1 verification.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <check.h>

#include "faceaudit/match.h"
#include "faceaudit/xmalloc.h"

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
    struct match_opts o = { bf_cases[_i].metric, BF_K, bf_cases[_i].threads };
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
    struct match_opts o = { MATCH_EUCLIDEAN, 2, 2 };

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
    struct match_opts o = { (enum match_metric)_i, 4, 2 };

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
    struct match_opts o = { MATCH_EUCLIDEAN, 5, 4 };

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
    struct match_opts o = { MATCH_COSINE, 2, 1 };

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

    tc = tcase_create("verify");
    tcase_add_test(tc, test_verify_threshold);
    suite_add_tcase(s, tc);
    return s;
}
