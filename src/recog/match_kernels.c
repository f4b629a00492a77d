/* SPDX-License-Identifier: MIT */
/*
 * match_kernels.c - the compressed gallery's kernels (match_int.h): float16
 * and int8 rows, packed once, multiplied by float32 probes.
 *
 * A dot kernel takes the probes four at a time: each packed row is loaded
 * and widened to float once for the four (F16C's vcvtph2ps, or vpmovsxbd +
 * vcvtdq2ps for int8) and fused-multiply-added into four accumulators, so
 * the widening costs a quarter of a load per product. Each kernel exists
 * three times: portable C, AVX2 + FMA + F16C and AVX-512 (16 lanes), chosen
 * by cnn_isa() at every call ($FACEAUDIT_ISA, cnn_isa_set() in the tests;
 * configure --disable-simd-dispatch leaves the portable path only). They
 * differ only in the order of the sums.
 */
#include "config.h"

#include "recog/match_int.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "faceaudit/cnn.h"
#include "faceaudit/xmalloc.h"

#if defined(__GNUC__) && defined(__x86_64__) && !defined(FA_NO_MULTIVERSION)
#define MK_X86 1
#include <cpuid.h>
#include <immintrin.h>
#define MK_AVX2 __attribute__((target("avx2,fma,f16c")))
#define MK_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,f16c")))
#endif

#define PT 4 /* probes per pass over a row */

#ifdef MK_X86
/*
 * Whether the CPU has F16C (CPUID leaf 1, ECX bit 29; clang's
 * __builtin_cpu_supports does not know the name). Cached: CPUID may trap to
 * a hypervisor.
 */
static bool
have_f16c(void)
{
    static int known = -1;
    int v = __atomic_load_n(&known, __ATOMIC_RELAXED);

    if (v < 0) {
        unsigned a, b, c, d;

        v = __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 29)) != 0;
        __atomic_store_n(&known, v, __ATOMIC_RELAXED);
    }
    return v != 0;
}
#endif

/* ---- conversions ------------------------------------------------------------------ */

uint16_t
match_f32_to_f16(float f)
{
    uint32_t x, ax, sign, h, rem;

    memcpy(&x, &f, sizeof x);
    sign = (x >> 16) & 0x8000u;
    ax = x & 0x7fffffffu;
    if (ax >= 0x7f800000u) /* inf, or NaN kept quiet as F16C does */
        return (uint16_t)(sign | 0x7c00u | (ax > 0x7f800000u ? 0x200u | ((ax >> 13) & 0x3ffu) : 0));
    if (ax >= 0x477ff000u) /* 65520 and above round to inf */
        return (uint16_t)(sign | 0x7c00u);
    if (ax < 0x38800000u) { /* below 2^-14: a subnormal half, or zero */
        uint32_t mant = (ax & 0x7fffffu) | 0x800000u, shift, half;

        if (ax <= 0x33000000u) /* at most 2^-25: the tie goes to even, zero */
            return (uint16_t)sign;
        shift = 126u - (ax >> 23);
        h = mant >> shift;
        rem = mant & ((1u << shift) - 1);
        half = 1u << (shift - 1);
        if (rem > half || (rem == half && (h & 1u)))
            h++;
        return (uint16_t)(sign | h);
    }
    h = (ax >> 13) - (112u << 10);
    rem = ax & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (h & 1u)))
        h++;
    return (uint16_t)(sign | h);
}

float
match_f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu, x;
    float f;

    if (e == 0) {
        f = (float)m * 0x1p-24f;
        return sign != 0 ? -f : f;
    }
    if (e == 31)
        x = sign | 0x7f800000u | (m << 13);
    else
        x = sign | ((e + 112u) << 23) | (m << 13);
    memcpy(&f, &x, sizeof f);
    return f;
}

#ifdef MK_X86
MK_AVX2 static void
pack_f16_f16c(const float *src, uint16_t *dst, size_t n)
{
    size_t i = 0;

    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(void *)(dst + i),
            _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT));
    for (; i < n; i++)
        dst[i] = match_f32_to_f16(src[i]);
}
#endif

void
match_pack_f16(const float *src, uint16_t *dst, size_t n)
{
    size_t i;

#ifdef MK_X86
    if (cnn_isa() != CNN_ISA_PORTABLE && have_f16c()) {
        pack_f16_f16c(src, dst, n);
        return;
    }
#endif
    for (i = 0; i < n; i++)
        dst[i] = match_f32_to_f16(src[i]);
}

#ifdef MK_X86
MK_AVX2 static void
unpack_f16_f16c(const uint16_t *src, float *dst, size_t n)
{
    size_t i = 0;

    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(dst + i,
            _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(const void *)(src + i))));
    for (; i < n; i++)
        dst[i] = match_f16_to_f32(src[i]);
}

MK_AVX2 static void
unpack_i8_avx2(const int8_t *src, const float *scale, size_t nrows, size_t dim, float *dst)
{
    size_t r, j;

    for (r = 0; r < nrows; r++) {
        const int8_t *q = src + r * dim;
        float *o = dst + r * dim;
        __m256 sc = _mm256_set1_ps(scale[r]);

        for (j = 0; j + 8 <= dim; j += 8)
            _mm256_storeu_ps(o + j, _mm256_mul_ps(sc, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(
                _mm_loadl_epi64((const __m128i *)(const void *)(q + j))))));
        for (; j < dim; j++)
            o[j] = scale[r] * (float)q[j];
    }
}
#endif

void
match_unpack_f16(const uint16_t *src, float *dst, size_t n)
{
    size_t i;

#ifdef MK_X86
    if (cnn_isa() != CNN_ISA_PORTABLE && have_f16c()) {
        unpack_f16_f16c(src, dst, n);
        return;
    }
#endif
    for (i = 0; i < n; i++)
        dst[i] = match_f16_to_f32(src[i]);
}

void
match_unpack_i8(const int8_t *src, const float *scale, size_t nrows, size_t dim, float *dst)
{
    size_t r, j;

#ifdef MK_X86
    if (cnn_isa() != CNN_ISA_PORTABLE) {
        unpack_i8_avx2(src, scale, nrows, dim, dst);
        return;
    }
#endif
    for (r = 0; r < nrows; r++) {
        for (j = 0; j < dim; j++)
            dst[r * dim + j] = scale[r] * (float)src[r * dim + j];
    }
}

float
match_pack_i8(const float *src, size_t dim, int8_t *dst)
{
    float mx = 0, inv;
    size_t j;

    for (j = 0; j < dim; j++) {
        float a = fabsf(src[j]);

        if (isfinite(a) && a > mx)
            mx = a;
    }
    inv = mx > 0 ? 127.0f / mx : 0.0f;
    for (j = 0; j < dim; j++) {
        float v = src[j] * inv;

        if (!isfinite(v))
            v = 0; /* NaN or inf: no descriptor has them; keep the cast defined */
        v = fminf(127.0f, fmaxf(-127.0f, v));
        /* to nearest, ties away from zero: an inline conversion, no libm call */
        dst[j] = (int8_t)(int)(v + (v < 0 ? -0.5f : 0.5f));
    }
    return mx / 127.0f;
}

/* ---- the dot kernels ------------------------------------------------------------- */

/* The PT probe rows of the pass starting at p0 (the last repeated past np). */
static size_t
probe_rows(const float *probes, size_t np, size_t dim, size_t p0, const float *pp[PT])
{
    size_t pn = np - p0 < PT ? np - p0 : PT, i;

    for (i = 0; i < PT; i++)
        pp[i] = probes + (p0 + (i < pn ? i : pn - 1)) * dim;
    return pn;
}

static void
dots_f16_portable(const float *probes, size_t np, size_t dim, const uint16_t *rows,
    size_t nrows, float *out, size_t ldo)
{
    const float *pp[PT];
    size_t p0, r, d, i, pn;

    for (p0 = 0; p0 < np; p0 += PT) {
        pn = probe_rows(probes, np, dim, p0, pp);
        for (r = 0; r < nrows; r++) {
            const uint16_t *row = rows + r * dim;
            float s[PT] = { 0, 0, 0, 0 };

            for (d = 0; d < dim; d++) {
                float x = match_f16_to_f32(row[d]);

                for (i = 0; i < PT; i++)
                    s[i] += pp[i][d] * x;
            }
            for (i = 0; i < pn; i++)
                out[(p0 + i) * ldo + r] = s[i];
        }
    }
}

static void
dots_i8_portable(const float *probes, size_t np, size_t dim, const int8_t *rows,
    const float *scale, size_t nrows, float *out, size_t ldo)
{
    const float *pp[PT];
    size_t p0, r, d, i, pn;

    for (p0 = 0; p0 < np; p0 += PT) {
        pn = probe_rows(probes, np, dim, p0, pp);
        for (r = 0; r < nrows; r++) {
            const int8_t *row = rows + r * dim;
            float s[PT] = { 0, 0, 0, 0 };

            for (d = 0; d < dim; d++) {
                for (i = 0; i < PT; i++)
                    s[i] += pp[i][d] * (float)row[d];
            }
            for (i = 0; i < pn; i++)
                out[(p0 + i) * ldo + r] = s[i] * scale[r];
        }
    }
}

#ifdef MK_X86
MK_AVX2 static inline float
hsum8(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));

    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/*
 * One kernel body per (element type, instruction set): WIDEN(row + d) gives
 * the next VL floats of the row, TAIL(row[d]) one float, SCALE(r) the row's
 * factor, HSUM the horizontal sum of an accumulator.
 */
#define DOTS_BODY(VEC, VL, ZERO, LOADP, FMA, HSUM, WIDEN, TAIL, SCALE)                      \
    const float *pp[PT];                                                                    \
    size_t p0, r, d, i, pn;                                                                 \
                                                                                            \
    for (p0 = 0; p0 < np; p0 += PT) {                                                       \
        pn = probe_rows(probes, np, dim, p0, pp);                                           \
        for (r = 0; r < nrows; r++) {                                                       \
            VEC a0 = ZERO, a1 = ZERO, a2 = ZERO, a3 = ZERO;                                 \
            float s[PT];                                                                    \
                                                                                            \
            for (d = 0; d + VL <= dim; d += VL) {                                           \
                VEC x = WIDEN(rows + r * dim + d);                                          \
                a0 = FMA(LOADP(pp[0] + d), x, a0);                                          \
                a1 = FMA(LOADP(pp[1] + d), x, a1);                                          \
                a2 = FMA(LOADP(pp[2] + d), x, a2);                                          \
                a3 = FMA(LOADP(pp[3] + d), x, a3);                                          \
            }                                                                               \
            s[0] = HSUM(a0);                                                                \
            s[1] = HSUM(a1);                                                                \
            s[2] = HSUM(a2);                                                                \
            s[3] = HSUM(a3);                                                                \
            for (; d < dim; d++) {                                                          \
                float x = TAIL(rows[r * dim + d]);                                          \
                for (i = 0; i < PT; i++)                                                    \
                    s[i] += pp[i][d] * x;                                                   \
            }                                                                               \
            for (i = 0; i < pn; i++)                                                        \
                out[(p0 + i) * ldo + r] = s[i] * SCALE(r);                                  \
        }                                                                                   \
    }

#define W_F16_8(p) _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(const void *)(p)))
#define W_I8_8(p) _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32( \
    _mm_loadl_epi64((const __m128i *)(const void *)(p))))
/* the maskz forms: GCC 12 warns of the plain ones' undefined pass-through operand */
#define W_F16_16(p) _mm512_maskz_cvtph_ps(0xffff, \
    _mm256_loadu_si256((const __m256i *)(const void *)(p)))
#define W_I8_16(p) _mm512_maskz_cvtepi32_ps(0xffff, _mm512_maskz_cvtepi8_epi32(0xffff, \
    _mm_loadu_si128((const __m128i *)(const void *)(p))))
#define T_F16(h) match_f16_to_f32(h)
#define T_I8(q) ((float)(q))
#define S_ONE(r) 1.0f
#define S_ROW(r) scale[r]

/* Through memory: GCC 12's lane-extract intrinsics warn of an undefined operand. */
MK_AVX512 static inline float
hsum16(__m512 v)
{
    float t[16];
    int i;

    _mm512_storeu_ps(t, v);
    for (i = 0; i < 8; i++)
        t[i] += t[i + 8];
    return ((t[0] + t[4]) + (t[1] + t[5])) + ((t[2] + t[6]) + (t[3] + t[7]));
}

MK_AVX2 static void
dots_f16_avx2(const float *probes, size_t np, size_t dim, const uint16_t *rows, size_t nrows,
    float *out, size_t ldo)
{
    DOTS_BODY(__m256, 8, _mm256_setzero_ps(), _mm256_loadu_ps, _mm256_fmadd_ps, hsum8,
        W_F16_8, T_F16, S_ONE)
}

MK_AVX2 static void
dots_i8_avx2(const float *probes, size_t np, size_t dim, const int8_t *rows,
    const float *scale, size_t nrows, float *out, size_t ldo)
{
    DOTS_BODY(__m256, 8, _mm256_setzero_ps(), _mm256_loadu_ps, _mm256_fmadd_ps, hsum8,
        W_I8_8, T_I8, S_ROW)
}

MK_AVX512 static void
dots_f16_avx512(const float *probes, size_t np, size_t dim, const uint16_t *rows,
    size_t nrows, float *out, size_t ldo)
{
    DOTS_BODY(__m512, 16, _mm512_setzero_ps(), _mm512_loadu_ps, _mm512_fmadd_ps,
        hsum16, W_F16_16, T_F16, S_ONE)
}

MK_AVX512 static void
dots_i8_avx512(const float *probes, size_t np, size_t dim, const int8_t *rows,
    const float *scale, size_t nrows, float *out, size_t ldo)
{
    DOTS_BODY(__m512, 16, _mm512_setzero_ps(), _mm512_loadu_ps, _mm512_fmadd_ps,
        hsum16, W_I8_16, T_I8, S_ROW)
}
#endif

void
match_dots_f16(const float *probes, size_t np, size_t dim, const uint16_t *rows, size_t nrows,
    float *out, size_t ldo)
{
    if (np == 0 || nrows == 0)
        return;
#ifdef MK_X86
    if (have_f16c()) {
        switch (cnn_isa()) {
        case CNN_ISA_AVX512:
            dots_f16_avx512(probes, np, dim, rows, nrows, out, ldo);
            return;
        case CNN_ISA_AVX2:
            dots_f16_avx2(probes, np, dim, rows, nrows, out, ldo);
            return;
        default:
            break;
        }
    }
#endif
    dots_f16_portable(probes, np, dim, rows, nrows, out, ldo);
}

void
match_dots_i8(const float *probes, size_t np, size_t dim, const int8_t *rows,
    const float *scale, size_t nrows, float *out, size_t ldo)
{
    if (np == 0 || nrows == 0)
        return;
#ifdef MK_X86
    switch (cnn_isa()) {
    case CNN_ISA_AVX512:
        dots_i8_avx512(probes, np, dim, rows, scale, nrows, out, ldo);
        return;
    case CNN_ISA_AVX2:
        dots_i8_avx2(probes, np, dim, rows, scale, nrows, out, ldo);
        return;
    default:
        break;
    }
#endif
    dots_i8_portable(probes, np, dim, rows, scale, nrows, out, ldo);
}
