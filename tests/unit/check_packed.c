/* SPDX-License-Identifier: MIT */
/*
 * check_packed.c - the compressed gallery (match_gallery_new_opts): float16
 * conversion against known bits and F16C, every dot kernel on every path
 * the CPU has against a double reference over the decoded rows (tails of
 * the probe tile and of the vector width included), bytes per template,
 * and recall@10 against the exact search on a fixed clustered synthetic
 * gallery, so a broken kernel or a broken rerank fails.
 */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <check.h>

#include "faceaudit/cnn.h"
#include "faceaudit/match.h"
#include "faceaudit/xmalloc.h"
#include "recog/match_int.h"

Suite *packed_suite(void);

/* Bitwise-exact comparison where exactness is the point. */
static bool
exactly_equal(float a, float b)
{
    return !(a < b) && !(a > b);
}

static uint64_t rng_state;

static double
rng_uniform(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static double
rng_normal(void)
{
    double u1 = rng_uniform() + 1e-12, u2 = rng_uniform();

    return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

START_TEST(test_f16_conversion)
{
    static const struct {
        float f;
        uint16_t h;
    } known[] = {
        { 0.0f, 0x0000 }, { -0.0f, 0x8000 }, { 1.0f, 0x3c00 }, { -2.0f, 0xc000 },
        { 0.1f, 0x2e66 }, { 65504.0f, 0x7bff }, { 65519.0f, 0x7bff }, { 65520.0f, 0x7c00 },
        { 1e9f, 0x7c00 }, { 0x1p-14f, 0x0400 }, { 0x1p-24f, 0x0001 }, { 0x1p-25f, 0x0000 },
        { 0x1.8p-25f, 0x0001 }, { 0x1.8p-24f, 0x0002 }, { 1.0f + 0x1p-11f, 0x3c00 },
        { 1.0f + 0x3p-11f, 0x3c02 },
    };
    float src[1003];
    uint16_t ref[1003], got[1003];
    enum cnn_isa saved = cnn_isa();
    size_t i;
    int isa;

    for (i = 0; i < FA_NITEMS(known); i++) {
        ck_assert_msg(match_f32_to_f16(known[i].f) == known[i].h, "%a -> %04x, want %04x",
            (double)known[i].f, match_f32_to_f16(known[i].f), known[i].h);
    }
    /* every non-NaN half survives the round trip */
    for (i = 0; i < 65536; i++) {
        if ((i & 0x7c00) == 0x7c00 && (i & 0x3ff) != 0)
            continue;
        ck_assert_uint_eq(match_f32_to_f16(match_f16_to_f32((uint16_t)i)), i);
    }
    /* F16C gives the portable bits, tail included */
    rng_state = 7;
    for (i = 0; i < FA_NITEMS(src); i++)
        src[i] = (float)(rng_normal() * pow(10, (double)(i % 11) - 6));
    for (i = 0; i < FA_NITEMS(src); i++)
        ref[i] = match_f32_to_f16(src[i]);
    for (isa = 0; isa < CNN_ISA_COUNT; isa++) {
        if (cnn_isa_set((enum cnn_isa)isa) == -1)
            continue;
        match_pack_f16(src, got, FA_NITEMS(src));
        for (i = 0; i < FA_NITEMS(src); i++)
            ck_assert_msg(got[i] == ref[i], "%s: %a -> %04x, want %04x",
                cnn_isa_name((enum cnn_isa)isa), (double)src[i], got[i], ref[i]);
    }
    ck_assert_int_eq(cnn_isa_set(saved), 0);
}
END_TEST

/* Each kernel on one instruction set against a double reference over the decoded rows. */
START_TEST(test_dot_kernels)
{
    static const size_t dims[] = { 1, 7, 8, 15, 16, 17, 31, 128, 131 };
    enum cnn_isa isa = (enum cnn_isa)_i, saved = cnn_isa();
    size_t np = 7, nrows = 9, ldo = 11, di, p, r, d;

    if (cnn_isa_set(isa) == -1) {
        printf("SKIP packed dot kernels with %s: not supported by this CPU\n",
            cnn_isa_name(isa));
        return;
    }
    rng_state = 11 + (uint64_t)_i;
    for (di = 0; di < FA_NITEMS(dims); di++) {
        size_t dim = dims[di];
        float *probes = xreallocarray(NULL, np * dim, sizeof *probes);
        float *rows = xreallocarray(NULL, nrows * dim, sizeof *rows);
        uint16_t *h = xreallocarray(NULL, nrows * dim, sizeof *h);
        int8_t *q = xreallocarray(NULL, nrows * dim, sizeof *q);
        float scale[9], out16[7 * 11], out8[7 * 11];

        for (p = 0; p < np * dim; p++)
            probes[p] = (float)rng_normal();
        for (r = 0; r < nrows * dim; r++)
            rows[r] = (float)(rng_normal() * 0.1);
        match_pack_f16(rows, h, nrows * dim);
        for (r = 0; r < nrows; r++)
            scale[r] = match_pack_i8(rows + r * dim, dim, q + r * dim);
        for (p = 0; p < FA_NITEMS(out16); p++)
            out16[p] = out8[p] = -12345.0f;
        match_dots_f16(probes, np, dim, h, nrows, out16, ldo);
        match_dots_i8(probes, np, dim, q, scale, nrows, out8, ldo);
        for (p = 0; p < np; p++) {
            for (r = 0; r < nrows; r++) {
                double e16 = 0, e8 = 0, mag = 0;

                for (d = 0; d < dim; d++) {
                    double x = probes[p * dim + d], y16 = match_f16_to_f32(h[r * dim + d]);
                    double y8 = (double)scale[r] * q[r * dim + d];

                    e16 += x * y16;
                    e8 += x * y8;
                    mag += fabs(x * y16) + fabs(x * y8);
                }
                ck_assert_msg(fabs(out16[p * ldo + r] - e16) <= 1e-5 * mag + 1e-7,
                    "%s f16 dim %zu probe %zu row %zu: %g, want %g", cnn_isa_name(isa), dim, p,
                    r, (double)out16[p * ldo + r], e16);
                ck_assert_msg(fabs(out8[p * ldo + r] - e8) <= 1e-5 * mag + 1e-7,
                    "%s i8 dim %zu probe %zu row %zu: %g, want %g", cnn_isa_name(isa), dim, p,
                    r, (double)out8[p * ldo + r], e8);
            }
            /* nothing written past the rows */
            ck_assert(exactly_equal(out16[p * ldo + nrows], -12345.0f) &&
                exactly_equal(out8[p * ldo + nrows], -12345.0f));
        }
        /* the decoders give the reference's floats, bit for bit */
        {
            float *dec = xreallocarray(NULL, nrows * dim, sizeof *dec);

            match_unpack_f16(h, dec, nrows * dim);
            for (r = 0; r < nrows * dim; r++)
                ck_assert(exactly_equal(dec[r], match_f16_to_f32(h[r])));
            match_unpack_i8(q, scale, nrows, dim, dec);
            for (r = 0; r < nrows * dim; r++)
                ck_assert(exactly_equal(dec[r], scale[r / dim] * (float)q[r]));
            free(dec);
        }
        /* the int8 row: symmetric, max|x| to +-127 */
        for (r = 0; r < nrows; r++) {
            int mx = 0;

            for (d = 0; d < dim; d++)
                mx = abs(q[r * dim + d]) > mx ? abs(q[r * dim + d]) : mx;
            ck_assert_int_eq(mx, 127);
        }
        free(probes);
        free(rows);
        free(h);
        free(q);
    }
    ck_assert_int_eq(cnn_isa_set(saved), 0);
}
END_TEST

START_TEST(test_bytes_and_names)
{
    static const float rows[2 * 128] = { 1.0f };
    struct match_gallery_opts o = { MATCH_F32, 0 };
    struct match_gallery *g;
    enum match_precision p;

    g = match_gallery_new_opts(rows, 2, 128, true, &o);
    ck_assert_uint_eq(match_gallery_row_bytes(g), 128 * 4 + 8);
    ck_assert(!match_gallery_approximate(g));
    match_gallery_free(g);
    o.precision = MATCH_F16;
    g = match_gallery_new_opts(rows, 2, 128, true, &o);
    ck_assert_uint_eq(match_gallery_row_bytes(g), 128 * 2 + 8);
    ck_assert(match_gallery_approximate(g));
    match_gallery_free(g);
    o.precision = MATCH_I8;
    g = match_gallery_new_opts(rows, 2, 128, false, &o);
    ck_assert_uint_eq(match_gallery_row_bytes(g), 128 + 4 + 8);
    match_gallery_free(g);
    o.rerank = 50; /* the float rows are kept for the rerank */
    g = match_gallery_new_opts(rows, 2, 128, false, &o);
    ck_assert_uint_eq(match_gallery_row_bytes(g), 128 * 4 + 128 + 4 + 8);
    match_gallery_free(g);
    ck_assert_int_eq(match_precision_parse("i8", &p), 0);
    ck_assert_int_eq(p, MATCH_I8);
    ck_assert_int_eq(match_precision_parse("f64", &p), -1);
    ck_assert_str_eq(match_precision_name(MATCH_F16), "f16");
}
END_TEST

/*
 * Recall@10 against the exact search on a fixed clustered gallery (people
 * as a centre with per-sample noise, like descriptors): a broken kernel
 * drops it near zero, a missing rerank leaves i8 below its bound.
 */
#define RC_PEOPLE 1000
#define RC_SAMPLES 8
#define RC_DIM 128
#define RC_NP 200 /* a multiple of 4 */
#define RC_K 10

static float *
clustered(size_t n, size_t dim, const float *centres, size_t ncentres)
{
    float *v = xreallocarray(NULL, n * dim, sizeof *v);
    size_t i, j;

    for (i = 0; i < n; i++) {
        const float *c = centres + (i % ncentres) * dim;

        for (j = 0; j < dim; j++)
            v[i * dim + j] = c[j] + (float)(rng_normal() * 0.025);
    }
    return v;
}

static double
recall(const struct match_hit *exact, const struct match_hit *got, size_t np, size_t k)
{
    size_t p, i, j, same = 0;

    for (p = 0; p < np; p++) {
        for (i = 0; i < k; i++) {
            for (j = 0; j < k; j++)
                same += got[p * k + i].index == exact[p * k + j].index;
        }
    }
    return (double)same / (double)(np * k);
}

START_TEST(test_recall_bounds)
{
    static const struct {
        enum match_precision prec;
        size_t rerank;
        double min_recall;
    } cases[] = {
        { MATCH_F16, 0, 0.99 }, { MATCH_I8, 0, 0.97 }, { MATCH_I8, 50, 0.995 },
        { MATCH_F16, 50, 0.999 },
    };
    struct match_opts mo = { .metric = MATCH_EUCLIDEAN, .k = RC_K, .threads = 2 };
    struct match_hit *exact = xreallocarray(NULL, RC_NP * RC_K, sizeof *exact);
    struct match_hit *got = xreallocarray(NULL, RC_NP * RC_K, sizeof *got);
    float *centres, *gal, *probes;
    struct match_gallery *g;
    size_t c, i, j, p0, mode;

    rng_state = 20261204;
    centres = xreallocarray(NULL, RC_PEOPLE * RC_DIM, sizeof *centres);
    for (i = 0; i < RC_PEOPLE * RC_DIM; i++)
        centres[i] = (float)(rng_normal() * 0.09);
    gal = clustered(RC_PEOPLE * RC_SAMPLES, RC_DIM, centres, RC_PEOPLE);
    probes = clustered(RC_NP, RC_DIM, centres, RC_PEOPLE);
    g = match_gallery_new(gal, RC_PEOPLE * RC_SAMPLES, RC_DIM, true);
    ck_assert_uint_eq(match_search(g, probes, RC_NP, &mo, exact), RC_K);
    match_gallery_free(g);
    /* mode 0: the whole batch (decode + GEMM); 1: 4 probes a search (dot kernels) */
    for (c = 0; c < FA_NITEMS(cases); c++) {
        struct match_gallery_opts o = { cases[c].prec, cases[c].rerank };

        g = match_gallery_new_opts(gal, RC_PEOPLE * RC_SAMPLES, RC_DIM, true, &o);
        for (mode = 0; mode < 2; mode++) {
            double rc;

            if (mode == 0)
                ck_assert_uint_eq(match_search(g, probes, RC_NP, &mo, got), RC_K);
            for (p0 = 0; mode == 1 && p0 < RC_NP; p0 += 4)
                ck_assert_uint_eq(match_search(g, probes + p0 * RC_DIM, 4, &mo,
                    got + p0 * RC_K), RC_K);
            rc = recall(exact, got, RC_NP, RC_K);
            printf("packed %s rerank %zu, %s: recall@10 %.4f (bound %.3f)\n",
                match_precision_name(cases[c].prec), cases[c].rerank,
                mode == 0 ? "batch (GEMM)" : "4 probes (dot kernels)", rc,
                cases[c].min_recall);
            ck_assert_msg(rc >= cases[c].min_recall, "%s rerank %zu: recall@10 %.4f < %.3f",
                match_precision_name(cases[c].prec), cases[c].rerank, rc,
                cases[c].min_recall);
            for (i = 0; i < RC_NP; i++) {
                for (j = 0; j < RC_K; j++) {
                    const struct match_hit *h = &got[i * RC_K + j];

                    ck_assert_uint_lt(h->index, RC_PEOPLE * RC_SAMPLES);
                    if (j > 0)
                        ck_assert(h->distance >= h[-1].distance);
                    /* a rerank returns the exact float32 distances */
                    if (cases[c].rerank > 0)
                        ck_assert(exactly_equal(h->distance, match_distance(MATCH_EUCLIDEAN,
                            probes + i * RC_DIM, gal + h->index * RC_DIM, RC_DIM)));
                }
            }
        }
        match_gallery_free(g);
    }
    free(exact);
    free(got);
    free(centres);
    free(gal);
    free(probes);
}
END_TEST

Suite *
packed_suite(void)
{
    Suite *s = suite_create("packed");
    TCase *tc = tcase_create("kernels");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_f16_conversion);
    tcase_add_loop_test(tc, test_dot_kernels, CNN_ISA_PORTABLE, CNN_ISA_COUNT);
    tcase_add_test(tc, test_bytes_and_names);
    tcase_add_test(tc, test_recall_bounds);
    suite_add_tcase(s, tc);
    return s;
}
