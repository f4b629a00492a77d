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

#endif /* FA_MATCH_INT_H */
