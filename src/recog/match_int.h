/* SPDX-License-Identifier: MIT */
#ifndef FA_MATCH_INT_H
#define FA_MATCH_INT_H
/*
 * match_int.h - the kernels of the compressed gallery (match_kernels.c),
 * private to src/recog/ and its unit tests: float16 and int8 rows packed
 * and multiplied by float32 probes. Each exists for the portable C path,
 * AVX2 + FMA (+ F16C) and AVX-512, chosen by cnn_isa() at every call, so a
 * test can force each path with cnn_isa_set().
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* IEEE binary16 <-> binary32, round to nearest even (the portable reference). */
uint16_t match_f32_to_f16(float x);
float match_f16_to_f32(uint16_t h);

/* n floats to binary16 (F16C where the kernels are AVX2 or AVX-512; the same bits). */
void match_pack_f16(const float *src, uint16_t *dst, size_t n);
/* The other way: n binary16 to floats; nrows int8 rows of dim times their scale. */
void match_unpack_f16(const uint16_t *src, float *dst, size_t n);
void match_unpack_i8(const int8_t *src, const float *scale, size_t nrows, size_t dim,
    float *dst);

/*
 * A search of at most this many probes runs the dot kernels below over the
 * packed rows; a larger batch decodes each gallery block and takes the GEMM.
 */
#define MATCH_DOTS_MAX_PROBES 16

/*
 * One row of dim floats to int8, symmetric: returns scale = max|x| / 127
 * (0 for a zero row), dst[j] = round(x[j] / scale) in [-127, 127], ties away from 0.
 */
float match_pack_i8(const float *src, size_t dim, int8_t *dst);

/*
 * out[p * ldo + r] = probe p . row r for np probes (np x dim floats) and
 * nrows packed rows (nrows x dim; the i8 rows times their scale).
 */
void match_dots_f16(const float *probes, size_t np, size_t dim, const uint16_t *rows,
    size_t nrows, float *out, size_t ldo);
void match_dots_i8(const float *probes, size_t np, size_t dim, const int8_t *rows,
    const float *scale, size_t nrows, float *out, size_t ldo);

/* ---- the exact search's int8 screen (match_screen.c) ------------------------------- */

/* Longest descriptor the screen takes (its int8 sums stay exact in float below that). */
#define MATCH_SCREEN_MAX_DIM 512
/* Fewest probes a search screens (below, quantising the gallery costs more than it saves). */
#define MATCH_SCREEN_MIN_PROBES 32

/* Whether the screen runs here: AVX-512 kernels selected, AVX512-VNNI, dim <= the max. */
bool match_screen_available(size_t dim);
/* dim rounded up to whole groups of four bytes. */
size_t match_screen_dim4(size_t dim);

/*
 * A block of gallery rows quantised and packed (match_screen_pack_rows):
 * q holds ceil(n/16) panels of 16 x dim4 bytes; the per-row arrays hold
 * ceil(n/16) * 16 entries (padding rows zero).
 */
struct match_screen_rows {
    int8_t *q;
    int32_t *qsum;   /* sum of the row's int8 values */
    float *scale;    /* g' = scale * q */
    float *norm;     /* >= |g| */
    float *err;      /* >= |g - g'| */
    float *gm;       /* >= norm + err */
    size_t n, dim;
};
/*
 * The probes quantised (match_screen_pack_probes): q holds np rows of dim4
 * bytes offset by 128, padded by the caller to a whole number of 16 rows
 * (pad bytes 128); per probe its scale, |p - p'| and |p'| (rounded up) and
 * the bound's margin.
 */
struct match_screen_probes {
    uint8_t *q;
    float *scale, *err, *qnorm, *margin;
    size_t np, dim;
};
void match_screen_pack_rows(const float *rows, size_t n, size_t dim,
    struct match_screen_rows *out);
void match_screen_pack_probes(const float *probes, size_t np, size_t dim,
    struct match_screen_probes *out);
/*
 * The search's score of a row (match.c ranks by it): metric is an enum
 * match_metric; MATCH_DOT p.g, MATCH_EUCLIDEAN 2 p.g - sqnorm[r], MATCH_COSINE
 * p.g * invnorm[r] (the block's rows from 0).
 */
struct match_screen_metric {
    int metric;
    const float *sqnorm, *invnorm;
};
/*
 * ub[p * ldu + r] >= the score of probe (p0 + p) and row r, in real
 * arithmetic (p.g bounded, then turned into the score with room for the
 * float rounding of that step, a millionth), for p < np and r < rows->n
 * (+inf or NaN where a vector is not finite). Only where
 * match_screen_available().
 */
void match_screen_bounds(const struct match_screen_probes *pr, size_t p0, size_t np,
    const struct match_screen_rows *rows, const struct match_screen_metric *mt, float *ub,
    size_t ldu);

#endif /* FA_MATCH_INT_H */
