/* SPDX-License-Identifier: MIT */
/*
 * cnn_winograd.c - 3x3 stride-1 'same' convolutions by Winograd F(2x2, 3x3):
 * each 2x2 output tile is A^T [(G g G^T) . (B^T d B)] A of its 4x4 input
 * tile d, so the 9 multiplications per output and channel pair of a direct
 * convolution become 4, done as 16 GEMMs (one per element of the 4x4
 * transformed tile) on the filters packed once at load.
 *
 * The tiles are taken in blocks sized so that the transformed input and
 * the 16 products of a block stay in the L2 cache (the transforms are
 * memory-bound when a whole 35 x 35 map is transformed at once). The input
 * and output transforms exist three times, like the GEMM (cnn_gemm.c): for
 * the x86-64 baseline, AVX2 + FMA and AVX-512 (its 32 vector registers
 * hold a whole 4x4 tile of 8-channel vectors), chosen by cnn_isa(), which
 * $FACEAUDIT_ISA forces. The epilogue (bias, scale and shift, residual,
 * activation) is applied to each output vector as it is stored.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "faceaudit/cnn.h"
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

/* U[xi][ci][co] = (G g G^T)[xi] for every (ci, co), each xi packed for the GEMM; caller frees. */
float *
cnn_winograd_pack(const float *filter, int cin, int cout)
{
    float *U = xcalloc((size_t)16 * (size_t)cin * (size_t)cout, sizeof(float));
    size_t one = cnn_gemm_packed_size(cin, cout);
    float *packed = xcalloc(16 * one, sizeof(float));
    int ci, co, r, q, xi;

    for (ci = 0; ci < cin; ci++) {
        for (co = 0; co < cout; co++) {
            double g[3][3], t[4][3], u[4][4];

            for (r = 0; r < 3; r++)
                for (q = 0; q < 3; q++)
                    g[r][q] = (double)filter[((size_t)(r * 3 + q) * (size_t)cin + (size_t)ci) *
                        (size_t)cout + (size_t)co];
            for (q = 0; q < 3; q++) {
                t[0][q] = g[0][q];
                t[1][q] = (g[0][q] + g[1][q] + g[2][q]) / 2;
                t[2][q] = (g[0][q] - g[1][q] + g[2][q]) / 2;
                t[3][q] = g[2][q];
            }
            for (r = 0; r < 4; r++) {
                u[r][0] = t[r][0];
                u[r][1] = (t[r][0] + t[r][1] + t[r][2]) / 2;
                u[r][2] = (t[r][0] - t[r][1] + t[r][2]) / 2;
                u[r][3] = t[r][2];
            }
            for (r = 0; r < 4; r++)
                for (q = 0; q < 4; q++)
                    U[((size_t)(r * 4 + q) * (size_t)cin + (size_t)ci) * (size_t)cout +
                        (size_t)co] = (float)u[r][q];
        }
    }
    for (xi = 0; xi < 16; xi++) {
        float *p = cnn_gemm_pack(U + (size_t)xi * (size_t)cin * (size_t)cout, cin, cout);

        memcpy(packed + (size_t)xi * one, p, one * sizeof(float));
        free(p);
    }
    free(U);
    return packed;
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
 * V[xi][t - t0][c] = (B^T d B)[xi] of the 4x4 input tile of every 2x2
 * output tile t in [t0, t1) (tiles row-major, tw per row).
 */
static inline __attribute__((always_inline)) void
wino_input_body(const struct cnn_tensor *in, int tw, int t0, int t1, float *V)
{
    int C = in->c, t, c, r, q;
    size_t plane = (size_t)(t1 - t0) * (size_t)C;

    for (t = t0; t < t1; t++) {
        int y0 = 2 * (t / tw) - 1, x0 = 2 * (t % tw) - 1;
        bool inner = y0 >= 0 && x0 >= 0 && y0 + 4 <= in->h && x0 + 4 <= in->w;

        for (c = 0; c < C; c += 8) {
            wv8 d[4][4], b[4][4], v;

            for (r = 0; r < 4; r++) {
                int iy = y0 + r;

                for (q = 0; q < 4; q++) {
                    int ix = x0 + q;

                    if (!inner && (iy < 0 || iy >= in->h || ix < 0 || ix >= in->w))
                        d[r][q] = (wv8){ 0 };
                    else
                        W8_LOAD(d[r][q], in->data + ((size_t)iy * (size_t)in->w +
                            (size_t)ix) * (size_t)C + (size_t)c);
                }
            }
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

/*
 * out = A^T m A of every tile in [t0, t1) (M laid out as wino_input's V),
 * written into the oh x ow output with the epilogue e fused (the residual
 * e->res shaped like out, may be out itself).
 */
static inline __attribute__((always_inline)) void
wino_output_body(const float *M, int tw, int t0, int t1, int C, int oh, int ow,
    const struct cnn_epilogue *e, float *out)
{
    int t, c, r, q;
    size_t plane = (size_t)(t1 - t0) * (size_t)C;

    for (t = t0; t < t1; t++) {
        int ty = t / tw, tx = t % tw;

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
                int oy = 2 * ty + r;
                size_t at;

                if (oy >= oh)
                    continue;
                at = ((size_t)oy * (size_t)ow + (size_t)(2 * tx)) * (size_t)C + (size_t)c;
                y = s[r][0] + s[r][1] + s[r][2];
                wino_store(out + at, y, e, e->res != NULL ? e->res + at : NULL, c);
                if (2 * tx + 1 < ow) {
                    at += (size_t)C;
                    y = s[r][1] - s[r][2] - s[r][3];
                    wino_store(out + at, y, e, e->res != NULL ? e->res + at : NULL, c);
                }
            }
        }
    }
}

#define WINO_VARIANTS(SUFFIX, ATTR)                                                       \
    ATTR static void wino_input_##SUFFIX(const struct cnn_tensor *in, int tw, int t0,    \
        int t1, float *V)                                                                 \
    {                                                                                     \
        wino_input_body(in, tw, t0, t1, V);                                               \
    }                                                                                     \
    ATTR static void wino_output_##SUFFIX(const float *M, int tw, int t0, int t1, int C, \
        int oh, int ow, const struct cnn_epilogue *e, float *out)                         \
    {                                                                                     \
        wino_output_body(M, tw, t0, t1, C, oh, ow, e, out);                               \
    }

WINO_VARIANTS(portable, __attribute__((optimize("O3"))))
#ifdef FA_WINO_X86
WINO_VARIANTS(avx2, FA_TARGET_AVX2)
WINO_VARIANTS(avx512, FA_TARGET_AVX512)
#endif

static void
wino_input(const struct cnn_tensor *in, int tw, int t0, int t1, float *V)
{
    switch (cnn_isa()) {
#ifdef FA_WINO_X86
    case CNN_ISA_AVX512:
        wino_input_avx512(in, tw, t0, t1, V);
        return;
    case CNN_ISA_AVX2:
        wino_input_avx2(in, tw, t0, t1, V);
        return;
#endif
    default:
        wino_input_portable(in, tw, t0, t1, V);
        return;
    }
}

static void
wino_output(const float *M, int tw, int t0, int t1, int C, int oh, int ow,
    const struct cnn_epilogue *e, float *out)
{
    switch (cnn_isa()) {
#ifdef FA_WINO_X86
    case CNN_ISA_AVX512:
        wino_output_avx512(M, tw, t0, t1, C, oh, ow, e, out);
        return;
    case CNN_ISA_AVX2:
        wino_output_avx2(M, tw, t0, t1, C, oh, ow, e, out);
        return;
#endif
    default:
        wino_output_portable(M, tw, t0, t1, C, oh, ow, e, out);
        return;
    }
}

/*
 * A 3x3 stride-1 'same' conv by Winograd F(2x2, 3x3), epilogue fused (act
 * replaces cv->act; res, shaped like out, may be NULL); out preallocated.
 * Output rows are written only after every tile that reads them as input
 * has been transformed, so res may be out but in must not be.
 */
void
cnn_conv_winograd(const struct cnn_tensor *in, const struct cnn_conv *cv, const float *res,
    enum cnn_act act, float *out, struct cnn_arena *a)
{
    int th = (in->h + 1) / 2, tw = (in->w + 1) / 2, T = th * tw, tb, t0, xi;
    size_t one = cnn_gemm_packed_size(cv->cin, cv->cout);
    struct cnn_epilogue e = { cv->bias, cv->scale, cv->shift, res, cv->cout, act };
    float *V, *M;

    /* tiles per block: the block's V and M in WINO_BLOCK_FLOATS, a whole number of kernel rows */
    tb = (int)(WINO_BLOCK_FLOATS / ((size_t)16 * (size_t)(cv->cin + cv->cout)));
    tb = tb < 12 ? 12 : tb / 12 * 12;
    if (tb > T)
        tb = T;
    V = cnn_arena_slot(a, CNN_SLOT_IM2COL, (size_t)16 * (size_t)tb * (size_t)cv->cin);
    M = cnn_arena_slot(a, CNN_SLOT_WINO, (size_t)16 * (size_t)tb * (size_t)cv->cout);
    for (t0 = 0; t0 < T; t0 += tb) {
        int t1 = t0 + tb < T ? t0 + tb : T, m = t1 - t0;

        wino_input(in, tw, t0, t1, V);
        for (xi = 0; xi < 16; xi++)
            cnn_gemm_packed(m, cv->cout, cv->cin, V + (size_t)xi * (size_t)m * (size_t)cv->cin,
                cv->cin, cv->winograd + (size_t)xi * one, NULL,
                M + (size_t)xi * (size_t)m * (size_t)cv->cout, cv->cout);
        wino_output(M, tw, t0, t1, cv->cout, in->h, in->w, &e, out);
    }
}
#endif
