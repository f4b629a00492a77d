/* SPDX-License-Identifier: MIT */
/*
 * match_screen.c - the exact search's int8 screen (match_int.h).
 *
 * A batch search is bound by its float32 GEMM. With AVX-512 VNNI the CPU
 * multiplies int8 four times as fast (vpdpbusd: 64 products an
 * instruction), but int8 scores are approximate. The screen uses them only
 * to rule rows out, never to rank them: for each probe p and gallery row g
 * it computes an upper bound u >= p.g that holds in real arithmetic, and
 * the search re-scores exactly (double accumulation) only the rows whose
 * bound reaches the probe's current k-th best score. The hits are those of
 * an exact search.
 *
 * The bound. With p' = sp (qp - 128) and g' = sg qg the quantised vectors
 * (qp unsigned bytes offset by 128, qg signed, one scale each),
 *     p.g = p'.g' + (p - p').g + p'.(g - g')
 *        <= p'.g' + |p - p'| |g| + |p'| |g - g'|            (Cauchy-Schwarz)
 * p'.g' = sp sg (sum qp qg - 128 sum qg) is exact in int32 (at most
 * 255 * 127 * dim) and in float (below 2^24 for dim <= 512). The norms and
 * errors are computed in double from the quantised values actually stored
 * and rounded up to float; the float products and sums of the bound itself
 * round by at most a few parts in 2^24 of |p'| (|g| + |g - g'|), which a
 * margin of 1e-5 times that covers forty times over.
 *
 * Layout: a block of gallery rows is packed in panels of 16 rows, each a
 * run of dim/4 groups of 64 bytes (row 0's four bytes, row 1's, ...): one
 * vpdpbusd adds four products into each of the 16 rows' lanes, the probe's
 * four bytes broadcast. A tile is 16 probes x 16 rows in 16 registers.
 */
#include "config.h"

#include "recog/match_int.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "faceaudit/cnn.h"
#include "faceaudit/log.h"
#include "faceaudit/match.h"
#include "faceaudit/xmalloc.h"

#if defined(__GNUC__) && defined(__x86_64__) && !defined(FA_NO_MULTIVERSION)
#define MS_X86 1
#include <cpuid.h>
#include <immintrin.h>
#ifdef __clang__
#define MS_VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma")))
#else
#define MS_VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma"), \
    optimize("O3")))
#endif
#endif

#define MS_ROWS 16   /* rows a panel */
#define MS_TILE 16   /* probes a tile */
#define MS_MARGIN 1e-5f

size_t
match_screen_dim4(size_t dim)
{
    return (dim + 3) / 4 * 4;
}

#ifdef MS_X86
/* AVX512-VNNI: CPUID leaf 7, ECX bit 11. Cached: CPUID may trap to a hypervisor. */
static bool
have_vnni(void)
{
    static int known = -1;
    int v = __atomic_load_n(&known, __ATOMIC_RELAXED);

    if (v < 0) {
        unsigned a, b, c, d;

        v = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (c & (1u << 11)) != 0;
        __atomic_store_n(&known, v, __ATOMIC_RELAXED);
    }
    return v != 0;
}
#endif

bool
match_screen_available(size_t dim)
{
#ifdef MS_X86
    return dim > 0 && dim <= MATCH_SCREEN_MAX_DIM && cnn_isa() == CNN_ISA_AVX512 &&
        have_vnni();
#else
    (void)dim;
    return false;
#endif
}

/* A non-negative double rounded up to a float (a bound that stays a bound). */
static float
up(double x)
{
    float f = (float)x;

    if ((double)f < x)
        f = nextafterf(f, INFINITY);
    return f;
}

/*
 * One vector to int8 with scale = max|x| / 127 into q (dim4 bytes, zero
 * padded), rounding half away from zero; its norm and quantisation error,
 * computed in double from the values stored and rounded up. Any rounding
 * of the quotient is allowed: the error is measured, not assumed.
 */
#ifdef MS_X86
MS_VNNI
#endif
static float
quantise(const float *x, size_t dim, size_t dim4, int8_t *q, float *norm, float *err)
{
    float mx = 0.0f, s, inv;
    double n2 = 0.0, e2 = 0.0;
    size_t j;

    for (j = 0; j < dim; j++)
        mx = fabsf(x[j]) > mx ? fabsf(x[j]) : mx;
    if (!(mx > 0.0f) || !isfinite(mx)) {
        /* zero (exact: nothing to bound) or not finite (every pair re-scored: bound +inf) */
        bool zero = !(mx > 0.0f) && !isnan(mx);

        memset(q, 0, dim4);
        *norm = zero ? 0.0f : INFINITY;
        *err = zero ? 0.0f : INFINITY;
        return 0.0f;
    }
    s = mx / 127.0f;
    inv = 127.0f / mx;
    for (j = 0; j < dim; j++) {
        float r = x[j] * inv;

        r = r > 127.0f ? 127.0f : r < -127.0f ? -127.0f : r;
        q[j] = (int8_t)(int)(r + (r >= 0.0f ? 0.5f : -0.5f));
    }
    for (j = 0; j < dim; j++) {
        double d = (double)x[j] - (double)s * (double)q[j];

        n2 += (double)x[j] * (double)x[j];
        e2 += d * d;
    }
    memset(q + dim, 0, dim4 - dim);
    /* the square roots and sums in double err by far less than 1e-12 relative */
    *norm = up(sqrt(n2) * (1.0 + 1e-12));
    *err = up(sqrt(e2) * (1.0 + 1e-12));
    return s;
}

void
match_screen_pack_rows(const float *rows, size_t n, size_t dim, struct match_screen_rows *out)
{
    size_t dim4 = match_screen_dim4(dim), np = (n + MS_ROWS - 1) / MS_ROWS, i, gq;
    int8_t q[MATCH_SCREEN_MAX_DIM];

    out->n = n;
    out->dim = dim;
    for (i = 0; i < np * MS_ROWS; i++) {
        int8_t *panel = out->q + (i / MS_ROWS) * MS_ROWS * dim4;
        size_t r = i % MS_ROWS;
        float nrm = 0.0f, err = 0.0f;
        int32_t sum = 0;

        if (i < n)
            out->scale[i] = quantise(rows + i * dim, dim, dim4, q, &nrm, &err);
        else {
            memset(q, 0, dim4); /* padding rows: zero, never read back */
            out->scale[i] = 0.0f;
        }
        for (gq = 0; gq < dim4; gq++)
            sum += q[gq];
        for (gq = 0; gq < dim4 / 4; gq++)
            memcpy(panel + (gq * MS_ROWS + r) * 4, q + 4 * gq, 4);
        out->qsum[i] = sum;
        out->norm[i] = nrm;
        out->err[i] = err;
        out->gm[i] = up((double)nrm + (double)err);
    }
}

void
match_screen_pack_probes(const float *probes, size_t np, size_t dim,
    struct match_screen_probes *out)
{
    size_t dim4 = match_screen_dim4(dim), p, j;
    int8_t q[MATCH_SCREEN_MAX_DIM];

    out->np = np;
    out->dim = dim;
    for (p = 0; p < np; p++) {
        uint8_t *u = out->q + p * dim4;
        float nrm, err;
        double n2 = 0.0;

        out->scale[p] = quantise(probes + p * dim, dim, dim4, q, &nrm, &err);
        for (j = 0; j < dim4; j++) {
            u[j] = (uint8_t)(q[j] + 128);
            n2 += (double)q[j] * q[j];
        }
        out->err[p] = err;
        /* |p'| = scale * |q|, rounded up; a non-finite probe is always re-scored */
        out->qnorm[p] = isfinite(err) ? up((double)out->scale[p] * sqrt(n2) * (1.0 + 1e-12)) :
            INFINITY;
        out->margin[p] = MS_MARGIN * out->qnorm[p];
    }
}

#ifdef MS_X86
/* One tile: up to 16 probes (mp) x one panel of 16 rows (nr of them stored). */
MS_VNNI static inline __attribute__((always_inline)) void
tile(const struct match_screen_probes *pr, size_t p0, int mp, const struct match_screen_rows *rw,
    size_t row0, int nr, const struct match_screen_metric *mt, float *ub, size_t ldu,
    const int MP)
{
    size_t dim4 = match_screen_dim4(pr->dim), g4 = dim4 / 4, gq;
    const int8_t *panel = rw->q + row0 * dim4;
    const uint8_t *qa = pr->q + p0 * dim4;
    __m512i acc[MS_TILE];
    __m512 sg, ng, eg, gm, D, u, sq = _mm512_setzero_ps(), inv = _mm512_setzero_ps();
    const __m512 slack = _mm512_set1_ps(1e-6f);
    __m512i corr;
    __mmask16 m = nr == MS_ROWS ? (__mmask16)0xffff : (__mmask16)((1u << nr) - 1u);
    int r;

    /* the tile's accumulators stay in registers: the probe loops unrolled */
#pragma GCC unroll 16
    for (r = 0; r < MS_TILE; r++)
        acc[r] = _mm512_setzero_si512();
    for (gq = 0; gq < g4; gq++) {
        __m512i b = _mm512_loadu_si512((const void *)(panel + gq * 64));

#pragma GCC unroll 16
        for (r = 0; r < MP; r++) {
            int32_t a4;

            memcpy(&a4, qa + (size_t)r * dim4 + gq * 4, 4);
            acc[r] = _mm512_dpbusd_epi32(acc[r], _mm512_set1_epi32(a4), b);
        }
    }
    /* sum (qp - 128) qg = sum qp qg - 128 sum qg */
    /* the maskz forms: GCC 12 warns of the plain ones' undefined vectors */
    corr = _mm512_maskz_slli_epi32(0xffff, _mm512_loadu_si512((const void *)(rw->qsum + row0)), 7);
    sg = _mm512_loadu_ps(rw->scale + row0);
    ng = _mm512_loadu_ps(rw->norm + row0);
    eg = _mm512_loadu_ps(rw->err + row0);
    gm = _mm512_loadu_ps(rw->gm + row0);
    if (mt->metric == MATCH_EUCLIDEAN)
        sq = _mm512_maskz_loadu_ps(m, mt->sqnorm + row0);
    else if (mt->metric == MATCH_COSINE)
        inv = _mm512_maskz_loadu_ps(m, mt->invnorm + row0);
#pragma GCC unroll 16
    for (r = 0; r < MP; r++) {
        size_t p = p0 + (size_t)r;

        if (r >= mp)
            break;

        D = _mm512_maskz_cvtepi32_ps(0xffff, _mm512_sub_epi32(acc[r], corr));
        u = _mm512_mul_ps(D, _mm512_mul_ps(sg, _mm512_set1_ps(pr->scale[p])));
        u = _mm512_fmadd_ps(_mm512_set1_ps(pr->err[p]), ng, u);
        u = _mm512_fmadd_ps(_mm512_set1_ps(pr->qnorm[p]), eg, u);
        u = _mm512_fmadd_ps(_mm512_set1_ps(pr->margin[p]), gm, u);
        /* into the heap's score, with room for the rounding of this step */
        if (mt->metric == MATCH_EUCLIDEAN) {
            __m512 u2 = _mm512_add_ps(u, u);

            u = _mm512_sub_ps(u2, sq);
            u = _mm512_fmadd_ps(slack, _mm512_add_ps(_mm512_abs_ps(u2), sq), u);
        } else if (mt->metric == MATCH_COSINE) {
            u = _mm512_mul_ps(u, inv);
            u = _mm512_fmadd_ps(slack, _mm512_abs_ps(u), u);
        }
        _mm512_mask_storeu_ps(ub + (size_t)r * ldu, m, u);
    }
}

MS_VNNI static void
bounds_vnni(const struct match_screen_probes *pr, size_t p0, size_t np,
    const struct match_screen_rows *rw, const struct match_screen_metric *mt, float *ub,
    size_t ldu)
{
    size_t pt, row0;

    for (pt = 0; pt < np; pt += MS_TILE) {
        int mp = (int)(np - pt < MS_TILE ? np - pt : MS_TILE);

        for (row0 = 0; row0 < rw->n; row0 += MS_ROWS) {
            int nr = (int)(rw->n - row0 < MS_ROWS ? rw->n - row0 : MS_ROWS);
            float *o = ub + pt * ldu + row0;

            /* two constant tile heights, so each call's loops unroll */
            if (mp > MS_TILE / 2)
                tile(pr, p0 + pt, mp, rw, row0, nr, mt, o, ldu, MS_TILE);
            else
                tile(pr, p0 + pt, mp, rw, row0, nr, mt, o, ldu, MS_TILE / 2);
        }
    }
}
#endif

void
match_screen_bounds(const struct match_screen_probes *pr, size_t p0, size_t np,
    const struct match_screen_rows *rows, const struct match_screen_metric *mt, float *ub,
    size_t ldu)
{
#ifdef MS_X86
    if (match_screen_available(pr->dim)) {
        bounds_vnni(pr, p0, np, rows, mt, ub, ldu);
        return;
    }
#endif
    (void)pr;
    (void)p0;
    (void)np;
    (void)rows;
    (void)mt;
    (void)ub;
    (void)ldu;
    fatalx("match_screen_bounds: no AVX512-VNNI here (match_screen_available)");
}
