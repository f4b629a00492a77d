/* SPDX-License-Identifier: MIT */
/*
 * cnn_winograd.c - 3x3 stride-1 'same' convolutions by Winograd's minimal
 * filtering, in two tile sizes chosen per layer when the network is bound:
 * F(2x2, 3x3), each 2x2 output tile A^T [(G g G^T) . (B^T d B)] A of its
 * 4x4 input tile d (16 GEMMs, 2.25x fewer multiplications than a direct
 * conv), and F(4x4, 3x3) on 6x6 input tiles (36 GEMMs, 4x fewer, with
 * Lavin's points 0, +-1, +-2: larger constants, so more rounding; the
 * recognition net takes it where its descriptor parity holds). The
 * filters are transformed (in double) and packed once at load.
 *
 * The tiles of one or several inputs (a batch of faces, all one shape) are
 * numbered in one sequence and taken in blocks sized so that the
 * transformed input and the products of a block stay in the L2 cache; each
 * block is one GEMM per tile element over the stacked tiles of every input
 * in it (cnn_gemm_packed_batch: one call for all 16 or 36), so on small
 * maps a batch reads each transformed filter once, not once per face. The
 * input and output transforms (cnn_winograd_body.h) exist three times,
 * like the GEMM (cnn_gemm.c): for the x86-64 baseline, AVX2 + FMA and
 * AVX-512, chosen by cnn_isa(), which $FACEAUDIT_ISA forces; the AVX-512
 * ones use 16-float vectors (one zmm register) where the channels are a
 * multiple of 16, 8-float ones otherwise. The epilogue (bias, scale and
 * shift, residual add, activation) is applied to each output vector of a
 * tile as the output transform stores it, while the tile is in cache.
 */
#include "config.h"

#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/cnn.h"
#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"
#include "recog/recog_int.h"

#if defined(__GNUC__)
#define FA_HAVE_V8 1
typedef float wv8 __attribute__((vector_size(32)));
typedef int wv8i __attribute__((vector_size(32)));
/* memcpy: no alignment assumed; macros, so no vector crosses a call boundary (-Wpsabi) */
#define W8_LOAD(v, p) memcpy(&(v), (p), sizeof(wv8))
#define W8_STORE(p, v) memcpy((p), &(v), sizeof(wv8))
typedef float wv16 __attribute__((vector_size(64)));
typedef int wv16i __attribute__((vector_size(64)));
#define W16_LOAD(v, p) memcpy(&(v), (p), sizeof(wv16))
#define W16_STORE(p, v) memcpy((p), &(v), sizeof(wv16))
#endif

#if defined(__GNUC__) && defined(__x86_64__) && !defined(FA_NO_MULTIVERSION)
#define FA_WINO_X86 1
#define FA_TARGET_AVX2 __attribute__((target("arch=x86-64-v3"), optimize("O3")))
#define FA_TARGET_AVX512 __attribute__((target("arch=x86-64-v4"), optimize("O3")))
#endif

/* Floats of transformed input and products per tile block: 256 KiB, in L2 with the filters. */
#define WINO_BLOCK_FLOATS ((size_t)65536)
/* Fewest 2x2 output tiles (an 8x8 map) for which Winograd pays over im2col + GEMM. */
#define WINO_MIN_TILES2 16

/* Whether a conv can run on the Winograd path. */
bool
cnn_winograd_ok(const struct cnn_conv *cv)
{
#ifdef FA_HAVE_V8
    return cv->kh == 3 && cv->kw == 3 && cv->stride == 1 && cv->pad == CNN_PAD_SAME &&
        cv->cin % 8 == 0 && cv->cout % 8 == 0;
#else
    (void)cv;
    return false;
#endif
}

/* Output tile side of cv's transformed filter: 2 or 4. */
static int
wino_m(const struct cnn_conv *cv)
{
    return cv->winograd_m == 4 ? 4 : 2;
}

/*
 * Whether cv runs by Winograd on an h x w input: it carries a transformed
 * filter, qualifies, and the map has enough tiles (on small maps the layer
 * is bound by reading its larger transformed filter instead).
 */
bool
cnn_winograd_use(const struct cnn_conv *cv, int h, int w, int c)
{
    return cv->winograd != NULL && cnn_winograd_ok(cv) && c == cv->cin &&
        (size_t)((h + 1) / 2) * (size_t)((w + 1) / 2) >= WINO_MIN_TILES2;
}

/*
 * The filter transform U = G g G^T of every (ci, co) for output tile m
 * (2 or 4), in double; U[xi][ci][co] for the (m+2)^2 elements xi, each
 * packed for the GEMM. Caller frees.
 */
static float *
wino_pack(const float *filter, int cin, int cout, int m)
{
    /* G of F(2x2, 3x3) and of F(4x4, 3x3) (Lavin and Gray, points 0, 1, -1 / 0, +-1, +-2) */
    static const double g2[4][3] = {
        { 1, 0, 0 }, { 0.5, 0.5, 0.5 }, { 0.5, -0.5, 0.5 }, { 0, 0, 1 }
    };
    static const double g4[6][3] = {
        { 1.0 / 4, 0, 0 },
        { -1.0 / 6, -1.0 / 6, -1.0 / 6 },
        { -1.0 / 6, 1.0 / 6, -1.0 / 6 },
        { 1.0 / 24, 1.0 / 12, 1.0 / 6 },
        { 1.0 / 24, -1.0 / 12, 1.0 / 6 },
        { 0, 0, 1 },
    };
    const int a = m + 2, na = a * a;
    const double *G = m == 4 ? &g4[0][0] : &g2[0][0];
    float *U = xcalloc((size_t)na * (size_t)cin * (size_t)cout, sizeof(float));
    size_t one = cnn_gemm_packed_size(cin, cout);
    float *packed = xcalloc((size_t)na * one, sizeof(float));
    int ci, co, r, q, j, xi;

    for (ci = 0; ci < cin; ci++) {
        for (co = 0; co < cout; co++) {
            double g[3][3], t[6][3], u;

            for (r = 0; r < 3; r++)
                for (q = 0; q < 3; q++)
                    g[r][q] = (double)filter[((size_t)(r * 3 + q) * (size_t)cin + (size_t)ci) *
                        (size_t)cout + (size_t)co];
            for (r = 0; r < a; r++) /* t = G g */
                for (q = 0; q < 3; q++)
                    t[r][q] = G[r * 3] * g[0][q] + G[r * 3 + 1] * g[1][q] + G[r * 3 + 2] *
                        g[2][q];
            for (r = 0; r < a; r++) { /* (G g) G^T */
                for (q = 0; q < a; q++) {
                    u = 0;
                    for (j = 0; j < 3; j++)
                        u += t[r][j] * G[q * 3 + j];
                    U[((size_t)(r * a + q) * (size_t)cin + (size_t)ci) * (size_t)cout +
                        (size_t)co] = (float)u;
                }
            }
        }
    }
    for (xi = 0; xi < na; xi++) {
        float *p = cnn_gemm_pack(U + (size_t)xi * (size_t)cin * (size_t)cout, cin, cout);

        memcpy(packed + (size_t)xi * one, p, one * sizeof(float));
        free(p);
    }
    free(U);
    return packed;
}

/* F(2x2, 3x3): U[16][cin][cout], each packed; caller frees. */
float *
cnn_winograd_pack(const float *filter, int cin, int cout)
{
    return wino_pack(filter, cin, cout, 2);
}

/* F(4x4, 3x3): U[36][cin][cout], each packed; caller frees. */
float *
cnn_winograd4_pack(const float *filter, int cin, int cout)
{
    return wino_pack(filter, cin, cout, 4);
}

#ifdef FA_HAVE_V8
/* face-api's leaky ReLU (as cnn_ops.c): relu(x - 0.1x) + 0.1x. */
static inline float
wino_leaky(float x)
{
    float m = 0.1f * x;
    float d = x - m;

    return (d > 0.0f ? d : 0.0f) + m;
}

/*
 * Where the tiles of a run live: n inputs of one shape (h x w x C), tiles
 * numbered input by input, row-major within an input (T per input, tw per
 * row); the outputs (same h x w, cout channels) and their residuals (NULL,
 * or one per input, each may be its output).
 */
struct wino_job {
    const struct cnn_tensor *ins;
    int h, w, T, tw;
    float *const *outs;
    const float *const *res;
    struct cnn_epilogue e; /* e.res unused: res[] instead */
};

/* Output pixel (oy, ox) of tile t's input: its offset in floats, or -1 outside the map. */
static inline ptrdiff_t
wino_out_at(const struct wino_job *job, int oy, int ox, int C, int c)
{
    if (oy >= job->h || ox >= job->w)
        return -1;
    return (ptrdiff_t)(((size_t)oy * (size_t)job->w + (size_t)ox) * (size_t)C + (size_t)c);
}

/* The transforms for 8-float vectors (cnn_winograd_body.h), then 16-float ones for AVX-512. */
#define WT_V wv8
#define WT_VI wv8i
#define WT_N 8
#define WT_LOAD W8_LOAD
#define WT_STORE W8_STORE
#define WT_NAME(f) f##_v8
#include "recog/cnn_winograd_body.h"
#undef WT_V
#undef WT_VI
#undef WT_N
#undef WT_LOAD
#undef WT_STORE
#undef WT_NAME
#ifdef FA_WINO_X86
#define WT_V wv16
#define WT_VI wv16i
#define WT_N 16
#define WT_LOAD W16_LOAD
#define WT_STORE W16_STORE
#define WT_NAME(f) f##_v16
#include "recog/cnn_winograd_body.h"
#undef WT_V
#undef WT_VI
#undef WT_N
#undef WT_LOAD
#undef WT_STORE
#undef WT_NAME
#endif

#define WINO_VARIANTS(SUFFIX, ATTR, W)                                                    \
    ATTR static void wino2_input_##SUFFIX(const struct wino_job *job, int t0, int t1,    \
        float *V)                                                                         \
    {                                                                                     \
        wino2_input_body_##W(job, t0, t1, V);                                             \
    }                                                                                     \
    ATTR static void wino4_input_##SUFFIX(const struct wino_job *job, int t0, int t1,    \
        float *V)                                                                         \
    {                                                                                     \
        wino4_input_body_##W(job, t0, t1, V);                                             \
    }                                                                                     \
    ATTR static void wino2_output_##SUFFIX(const struct wino_job *job, const float *M,   \
        int t0, int t1, int C)                                                            \
    {                                                                                     \
        wino2_output_body_##W(job, M, t0, t1, C);                                         \
    }                                                                                     \
    ATTR static void wino4_output_##SUFFIX(const struct wino_job *job, const float *M,   \
        int t0, int t1, int C)                                                            \
    {                                                                                     \
        wino4_output_body_##W(job, M, t0, t1, C);                                         \
    }

WINO_VARIANTS(portable, __attribute__((optimize("O3"))), v8)
#ifdef FA_WINO_X86
WINO_VARIANTS(avx2, FA_TARGET_AVX2, v8)
WINO_VARIANTS(avx512, FA_TARGET_AVX512, v8)
WINO_VARIANTS(avx512w, FA_TARGET_AVX512, v16)
#endif

/* Transforms of one tile side and width: input, output. */
typedef void (*wino_in_fn)(const struct wino_job *, int, int, float *);
typedef void (*wino_out_fn)(const struct wino_job *, const float *, int, int, int);

/*
 * The transforms for tile side m on this CPU's instruction set, the input
 * one for cin channels, the output one for cout: with AVX-512, 16-float
 * vectors where the channels are a multiple of 16.
 */
static void
wino_fns(int m, int cin, int cout, wino_in_fn *in, wino_out_fn *out)
{
    switch (cnn_isa()) {
#ifdef FA_WINO_X86
    case CNN_ISA_AVX512:
        if (cin % 16 == 0)
            *in = m == 4 ? wino4_input_avx512w : wino2_input_avx512w;
        else
            *in = m == 4 ? wino4_input_avx512 : wino2_input_avx512;
        if (cout % 16 == 0)
            *out = m == 4 ? wino4_output_avx512w : wino2_output_avx512w;
        else
            *out = m == 4 ? wino4_output_avx512 : wino2_output_avx512;
        return;
    case CNN_ISA_AVX2:
        *in = m == 4 ? wino4_input_avx2 : wino2_input_avx2;
        *out = m == 4 ? wino4_output_avx2 : wino2_output_avx2;
        return;
#endif
    default:
        *in = m == 4 ? wino4_input_portable : wino2_input_portable;
        *out = m == 4 ? wino4_output_portable : wino2_output_portable;
        return;
    }
}

/*
 * cv on n inputs of one shape by Winograd, epilogue fused (act replaces
 * cv->act; res NULL or n residuals shaped like the outputs, each may be
 * its output); outs[f] preallocated, none of them an input. Output rows
 * are written only after every tile that reads them as input has been
 * transformed, so a residual may be its output. Arena slots 0 and
 * CNN_SLOT_WINO.
 */
void
cnn_conv_winograd_many(const struct cnn_tensor *ins, size_t n, const struct cnn_conv *cv,
    const float *const *res, enum cnn_act act, float *const *outs, struct cnn_arena *a)
{
    int m = wino_m(cv), na = (m + 2) * (m + 2), th, tw, T, total, tb, t0;
    size_t one = cnn_gemm_packed_size(cv->cin, cv->cout);
    struct wino_job job;
    wino_in_fn input;
    wino_out_fn output;
    float *V, *M;

    if (n == 0)
        return;
    th = (ins[0].h + m - 1) / m;
    tw = (ins[0].w + m - 1) / m;
    T = th * tw;
    if ((size_t)T * n > (size_t)INT_MAX / 64)
        fatalx("cnn_conv_winograd_many: %zu inputs of %dx%d", n, ins[0].h, ins[0].w);
    total = T * (int)n;
    job.ins = ins;
    job.h = ins[0].h;
    job.w = ins[0].w;
    job.T = T;
    job.tw = tw;
    job.outs = outs;
    job.res = res;
    job.e = (struct cnn_epilogue){ cv->bias, cv->scale, cv->shift, NULL, cv->cout, act };
    /* tiles per block: the block's V and M in WINO_BLOCK_FLOATS, a whole number of kernel rows */
    tb = (int)(WINO_BLOCK_FLOATS / ((size_t)na * (size_t)(cv->cin + cv->cout)));
    tb = tb < 12 ? 12 : tb / 12 * 12;
    if (tb > total)
        tb = total;
    V = cnn_arena_slot(a, CNN_SLOT_IM2COL, (size_t)na * (size_t)tb * (size_t)cv->cin);
    M = cnn_arena_slot(a, CNN_SLOT_WINO, (size_t)na * (size_t)tb * (size_t)cv->cout);
    wino_fns(m, cv->cin, cv->cout, &input, &output);
    for (t0 = 0; t0 < total; t0 += tb) {
        int t1 = t0 + tb < total ? t0 + tb : total, mt = t1 - t0;

        input(&job, t0, t1, V);
        cnn_gemm_packed_batch(na, mt, cv->cout, cv->cin, V, (size_t)mt * (size_t)cv->cin,
            cv->winograd, one, M, (size_t)mt * (size_t)cv->cout);
        output(&job, M, t0, t1, cv->cout);
    }
}

/* One input: see cnn_conv_winograd_many. */
void
cnn_conv_winograd(const struct cnn_tensor *in, const struct cnn_conv *cv, const float *res,
    enum cnn_act act, float *out, struct cnn_arena *a)
{
    cnn_conv_winograd_many(in, 1, cv, res != NULL ? &res : NULL, act, &out, a);
}
#endif
