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
 * input and output transforms exist three times, like the GEMM
 * (cnn_gemm.c): for the x86-64 baseline, AVX2 + FMA and AVX-512, chosen by
 * cnn_isa(), which $FACEAUDIT_ISA forces. The epilogue (bias, scale and
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

/* The 8 channels at c of input pixel (iy, ix) of input f, or zeros outside the map. */
#define WINO_PIXEL(v, job, in, inner, iy, ix, c)                                           \
    do {                                                                                   \
        if (!(inner) && ((iy) < 0 || (iy) >= (job)->h || (ix) < 0 || (ix) >= (job)->w))  \
            (v) = (wv8){ 0 };                                                              \
        else                                                                               \
            W8_LOAD(v, (in)->data + ((size_t)(iy) * (size_t)(job)->w + (size_t)(ix)) *    \
                (size_t)(in)->c + (size_t)(c));                                            \
    } while (0)

/*
 * F(2x2): V[xi][t - t0][c] = (B^T d B)[xi] of the 4x4 input tile of every
 * tile t in [t0, t1).
 */
static inline __attribute__((always_inline)) void
wino2_input_body(const struct wino_job *job, int t0, int t1, float *V)
{
    int C = job->ins[0].c, t, c, r, q;
    size_t plane = (size_t)(t1 - t0) * (size_t)C;

    for (t = t0; t < t1; t++) {
        const struct cnn_tensor *in = &job->ins[t / job->T];
        int lt = t % job->T, y0 = 2 * (lt / job->tw) - 1, x0 = 2 * (lt % job->tw) - 1;
        bool inner = y0 >= 0 && x0 >= 0 && y0 + 4 <= job->h && x0 + 4 <= job->w;

        for (c = 0; c < C; c += 8) {
            wv8 d[4][4], b[4][4], v;

            for (r = 0; r < 4; r++)
                for (q = 0; q < 4; q++)
                    WINO_PIXEL(d[r][q], job, in, inner, y0 + r, x0 + q, c);
            for (q = 0; q < 4; q++) { /* B^T d */
                b[0][q] = d[0][q] - d[2][q];
                b[1][q] = d[1][q] + d[2][q];
                b[2][q] = d[2][q] - d[1][q];
                b[3][q] = d[1][q] - d[3][q];
            }
            for (r = 0; r < 4; r++) { /* (B^T d) B */
                float *base = V + (size_t)(r * 4) * plane + (size_t)(t - t0) * (size_t)C +
                    (size_t)c;

                v = b[r][0] - b[r][2];
                W8_STORE(base, v);
                v = b[r][1] + b[r][2];
                W8_STORE(base + plane, v);
                v = b[r][2] - b[r][1];
                W8_STORE(base + 2 * plane, v);
                v = b[r][1] - b[r][3];
                W8_STORE(base + 3 * plane, v);
            }
        }
    }
}

/* B^T of F(4x4, 3x3) applied to the six vectors d0..d5 (a column or a row of a tile). */
#define WINO4_BT(o, d0, d1, d2, d3, d4, d5)                                                \
    do {                                                                                   \
        wv8 p_ = (d4) - 4.0f * (d2), q_ = (d3) - 4.0f * (d1);                              \
        wv8 r_ = (d4) - (d2), s_ = 2.0f * ((d3) - (d1));                                   \
        (o)[0] = 4.0f * (d0) - 5.0f * (d2) + (d4);                                         \
        (o)[1] = p_ + q_;                                                                  \
        (o)[2] = p_ - q_;                                                                  \
        (o)[3] = r_ + s_;                                                                  \
        (o)[4] = r_ - s_;                                                                  \
        (o)[5] = 4.0f * (d1) - 5.0f * (d3) + (d5);                                         \
    } while (0)

/* F(4x4): the same on 6x6 input tiles, 36 planes. */
static inline __attribute__((always_inline)) void
wino4_input_body(const struct wino_job *job, int t0, int t1, float *V)
{
    int C = job->ins[0].c, t, c, r, q;
    size_t plane = (size_t)(t1 - t0) * (size_t)C;

    for (t = t0; t < t1; t++) {
        const struct cnn_tensor *in = &job->ins[t / job->T];
        int lt = t % job->T, y0 = 4 * (lt / job->tw) - 1, x0 = 4 * (lt % job->tw) - 1;
        bool inner = y0 >= 0 && x0 >= 0 && y0 + 6 <= job->h && x0 + 6 <= job->w;

        for (c = 0; c < C; c += 8) {
            wv8 d[6], b[6][6], v[6];

            for (q = 0; q < 6; q++) { /* B^T d, column by column */
                for (r = 0; r < 6; r++)
                    WINO_PIXEL(d[r], job, in, inner, y0 + r, x0 + q, c);
                WINO4_BT(v, d[0], d[1], d[2], d[3], d[4], d[5]);
                for (r = 0; r < 6; r++)
                    b[r][q] = v[r];
            }
            for (r = 0; r < 6; r++) { /* (B^T d) B, row by row */
                float *base = V + (size_t)(r * 6) * plane + (size_t)(t - t0) * (size_t)C +
                    (size_t)c;

                WINO4_BT(v, b[r][0], b[r][1], b[r][2], b[r][3], b[r][4], b[r][5]);
                for (q = 0; q < 6; q++)
                    W8_STORE(base + (size_t)q * plane, v[q]);
            }
        }
    }
}

/* Eight channels of one output pixel through the epilogue e, stored at o (res may be o). */
static inline __attribute__((always_inline)) void
wino_store(float *o, wv8 y, const struct cnn_epilogue *e, const float *res, int c)
{
    wv8 t, u;
    int j;

    if (e->bias != NULL) {
        W8_LOAD(t, e->bias + c);
        y += t;
    }
    if (e->scale != NULL) {
        W8_LOAD(t, e->scale + c);
        W8_LOAD(u, e->shift + c);
        y = y * t + u;
    }
    if (res != NULL) {
        W8_LOAD(t, res);
        y += t;
    }
    switch (e->act) {
    case CNN_ACT_NONE:
        break;
    case CNN_ACT_RELU: /* x > 0 ? x : +0 (NaN and -0 give +0, as the scalar form) */
        y = (wv8)((wv8i)y & (wv8i)(y > (wv8){ 0 }));
        break;
    case CNN_ACT_RELU6:
        y = (wv8)((wv8i)y & (wv8i)(y > (wv8){ 0 }));
        y = (wv8)(((wv8i)y & (wv8i)(y <= (wv8){ 6, 6, 6, 6, 6, 6, 6, 6 })) |
            ((wv8i)(wv8){ 6, 6, 6, 6, 6, 6, 6, 6 } & (wv8i)(y > (wv8){ 6, 6, 6, 6, 6, 6, 6,
            6 })));
        break;
    case CNN_ACT_LEAKY:
        for (j = 0; j < 8; j++)
            y[j] = wino_leaky(y[j]);
        break;
    }
    W8_STORE(o, y);
}

/* Output pixel (oy, ox) of tile t's input: its offset in floats, or -1 outside the map. */
static inline ptrdiff_t
wino_out_at(const struct wino_job *job, int oy, int ox, int C, int c)
{
    if (oy >= job->h || ox >= job->w)
        return -1;
    return (ptrdiff_t)(((size_t)oy * (size_t)job->w + (size_t)ox) * (size_t)C + (size_t)c);
}

/* y stored at output pixel (oy, ox) of input f through the epilogue, if inside the map. */
#define WINO_PUT(job, f, oy, ox, C, c, y)                                                  \
    do {                                                                                   \
        ptrdiff_t at_ = wino_out_at(job, oy, ox, C, c);                                    \
        if (at_ >= 0)                                                                      \
            wino_store((job)->outs[f] + at_, y, &(job)->e,                                 \
                (job)->res != NULL ? (job)->res[f] + at_ : NULL, c);                       \
    } while (0)

/* F(2x2): out = A^T m A of every tile in [t0, t1) (M laid out as V), epilogue fused. */
static inline __attribute__((always_inline)) void
wino2_output_body(const struct wino_job *job, const float *M, int t0, int t1, int C)
{
    int t, c, r, q;
    size_t plane = (size_t)(t1 - t0) * (size_t)C;

    for (t = t0; t < t1; t++) {
        int f = t / job->T, lt = t % job->T, oy = 2 * (lt / job->tw), ox = 2 * (lt % job->tw);

        for (c = 0; c < C; c += 8) {
            const float *base = M + (size_t)(t - t0) * (size_t)C + (size_t)c;
            wv8 s[2][4], m0, m1, m2, m3, y;

            for (q = 0; q < 4; q++) { /* A^T m, column by column */
                W8_LOAD(m0, base + (size_t)q * plane);
                W8_LOAD(m1, base + (size_t)(4 + q) * plane);
                W8_LOAD(m2, base + (size_t)(8 + q) * plane);
                W8_LOAD(m3, base + (size_t)(12 + q) * plane);
                s[0][q] = m0 + m1 + m2;
                s[1][q] = m1 - m2 - m3;
            }
            for (r = 0; r < 2; r++) {
                y = s[r][0] + s[r][1] + s[r][2];
                WINO_PUT(job, f, oy + r, ox, C, c, y);
                y = s[r][1] - s[r][2] - s[r][3];
                WINO_PUT(job, f, oy + r, ox + 1, C, c, y);
            }
        }
    }
}

/* A^T of F(4x4, 3x3) applied to the six vectors m0..m5. */
#define WINO4_AT(o, m0, m1, m2, m3, m4, m5)                                                \
    do {                                                                                   \
        wv8 a_ = (m1) + (m2), b_ = (m1) - (m2), c_ = (m3) + (m4), d_ = (m3) - (m4);       \
        (o)[0] = (m0) + a_ + c_;                                                           \
        (o)[1] = b_ + 2.0f * d_;                                                           \
        (o)[2] = a_ + 4.0f * c_;                                                           \
        (o)[3] = b_ + 8.0f * d_ + (m5);                                                    \
    } while (0)

/* F(4x4): the same on 36 planes, 4x4 output tiles. */
static inline __attribute__((always_inline)) void
wino4_output_body(const struct wino_job *job, const float *M, int t0, int t1, int C)
{
    int t, c, r, q;
    size_t plane = (size_t)(t1 - t0) * (size_t)C;

    for (t = t0; t < t1; t++) {
        int f = t / job->T, lt = t % job->T, oy = 4 * (lt / job->tw), ox = 4 * (lt % job->tw);

        for (c = 0; c < C; c += 8) {
            const float *base = M + (size_t)(t - t0) * (size_t)C + (size_t)c;
            wv8 m[6], s[4][6], y[4];

            for (q = 0; q < 6; q++) { /* A^T m, column by column */
                for (r = 0; r < 6; r++)
                    W8_LOAD(m[r], base + (size_t)(r * 6 + q) * plane);
                WINO4_AT(y, m[0], m[1], m[2], m[3], m[4], m[5]);
                for (r = 0; r < 4; r++)
                    s[r][q] = y[r];
            }
            for (r = 0; r < 4; r++) { /* (A^T m) A, row by row */
                WINO4_AT(y, s[r][0], s[r][1], s[r][2], s[r][3], s[r][4], s[r][5]);
                for (q = 0; q < 4; q++)
                    WINO_PUT(job, f, oy + r, ox + q, C, c, y[q]);
            }
        }
    }
}

#define WINO_VARIANTS(SUFFIX, ATTR)                                                       \
    ATTR static void wino2_input_##SUFFIX(const struct wino_job *job, int t0, int t1,    \
        float *V)                                                                         \
    {                                                                                     \
        wino2_input_body(job, t0, t1, V);                                                 \
    }                                                                                     \
    ATTR static void wino4_input_##SUFFIX(const struct wino_job *job, int t0, int t1,    \
        float *V)                                                                         \
    {                                                                                     \
        wino4_input_body(job, t0, t1, V);                                                 \
    }                                                                                     \
    ATTR static void wino2_output_##SUFFIX(const struct wino_job *job, const float *M,   \
        int t0, int t1, int C)                                                            \
    {                                                                                     \
        wino2_output_body(job, M, t0, t1, C);                                             \
    }                                                                                     \
    ATTR static void wino4_output_##SUFFIX(const struct wino_job *job, const float *M,   \
        int t0, int t1, int C)                                                            \
    {                                                                                     \
        wino4_output_body(job, M, t0, t1, C);                                             \
    }

WINO_VARIANTS(portable, __attribute__((optimize("O3"))))
#ifdef FA_WINO_X86
WINO_VARIANTS(avx2, FA_TARGET_AVX2)
WINO_VARIANTS(avx512, FA_TARGET_AVX512)
#endif

/* The input transform of tiles [t0, t1) for tile side m, on this CPU's instruction set. */
static void
wino_input(int m, const struct wino_job *job, int t0, int t1, float *V)
{
    switch (cnn_isa()) {
#ifdef FA_WINO_X86
    case CNN_ISA_AVX512:
        (m == 4 ? wino4_input_avx512 : wino2_input_avx512)(job, t0, t1, V);
        return;
    case CNN_ISA_AVX2:
        (m == 4 ? wino4_input_avx2 : wino2_input_avx2)(job, t0, t1, V);
        return;
#endif
    default:
        (m == 4 ? wino4_input_portable : wino2_input_portable)(job, t0, t1, V);
        return;
    }
}

/* The output transform and epilogue of tiles [t0, t1). */
static void
wino_output(int m, const struct wino_job *job, const float *M, int t0, int t1, int C)
{
    switch (cnn_isa()) {
#ifdef FA_WINO_X86
    case CNN_ISA_AVX512:
        (m == 4 ? wino4_output_avx512 : wino2_output_avx512)(job, M, t0, t1, C);
        return;
    case CNN_ISA_AVX2:
        (m == 4 ? wino4_output_avx2 : wino2_output_avx2)(job, M, t0, t1, C);
        return;
#endif
    default:
        (m == 4 ? wino4_output_portable : wino2_output_portable)(job, M, t0, t1, C);
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
    for (t0 = 0; t0 < total; t0 += tb) {
        int t1 = t0 + tb < total ? t0 + tb : total, mt = t1 - t0;

        wino_input(m, &job, t0, t1, V);
        cnn_gemm_packed_batch(na, mt, cv->cout, cv->cin, V, (size_t)mt * (size_t)cv->cin,
            cv->winograd, one, M, (size_t)mt * (size_t)cv->cout);
        wino_output(m, &job, M, t0, t1, cv->cout);
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
