/* SPDX-License-Identifier: MIT */
/*
 * cnn_dw.c - depthwise 3x3 convolutions (channel multiplier 1) on NHWC
 * float32 tensors, with the per-channel affine (folded batch norm) and the
 * activation fused into the pass.
 *
 * Two kernels:
 *  - the portable one: per output pixel, the taps inside the input are
 *    listed, then accumulated channel by channel (eight channels per
 *    vector); it handles any channel count, stride, padding and border.
 *    FA_HOT gives it an x86-64-v3 clone.
 *  - the row kernel, for channel counts that are multiples of 16 (every
 *    depthwise layer of the detectors and the landmark nets): a block of 16
 *    channels of a row of output pixels at a time, four pixels together so
 *    their sums are independent chains, the nine filter vectors read once per
 *    block, the epilogue applied to the registers before the store. Built
 *    for AVX-512 (one zmm per 16 channels) and AVX2 + FMA (two ymm) and
 *    chosen by cnn_isa() like the GEMM; the portable set uses the portable
 *    kernel. The rows at the top and bottom borders skip their missing taps;
 *    the pixels at the left and right borders go through the portable kernel.
 *
 * Both sum each output's taps in (ky, kx) order starting from zero, so the
 * kernels agree to FMA contraction.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "faceaudit/cnn.h"
#include "recog/recog_int.h"

#if defined(__GNUC__)
#define FA_HAVE_V8 1
typedef float dw_v8 __attribute__((vector_size(32)));
#define V8_LOAD(v, p) memcpy(&(v), (p), sizeof(dw_v8))
#define V8_STORE(p, v) memcpy((p), &(v), sizeof(dw_v8))
#endif

#if defined(__GNUC__) && defined(__x86_64__) && !defined(FA_NO_MULTIVERSION)
#define FA_DW_X86 1
typedef float dw_v16 __attribute__((vector_size(64)));
typedef int dw_v16i __attribute__((vector_size(64)));
/* m ? a : b lane by lane, m a comparison's all-ones or zero lanes */
#define V16_SELECT(m, a, b) ((dw_v16)(((m) & (dw_v16i)(a)) | (~(m) & (dw_v16i)(b))))
#define V16_LOAD(v, p) memcpy(&(v), (p), sizeof(dw_v16))
#define V16_STORE(p, v) memcpy((p), &(v), sizeof(dw_v16))
#define FA_TARGET_AVX2 __attribute__((target("arch=x86-64-v3"), optimize("O3")))
#define FA_TARGET_AVX512 __attribute__((target("arch=x86-64-v4"), optimize("O3")))
#endif

/* face-api's leaky ReLU: m = 0.1x; relu(x - m) + m (bit-exact with tfjs). */
static inline float
leaky(float x)
{
    float m = 0.1f * x;
    float d = x - m;

    return (d > 0.0f ? d : 0.0f) + m;
}

/* Affine and activation over n values in place. */
static inline __attribute__((always_inline)) void
dw_epilogue(float *o, int n, const float *scale, const float *shift, enum cnn_act act)
{
    int c;

    if (scale != NULL)
        for (c = 0; c < n; c++)
            o[c] = o[c] * scale[c] + shift[c];
    switch (act) {
    case CNN_ACT_NONE:
        return;
    case CNN_ACT_RELU:
        for (c = 0; c < n; c++)
            o[c] = o[c] > 0.0f ? o[c] : 0.0f;
        return;
    case CNN_ACT_RELU6:
        for (c = 0; c < n; c++)
            o[c] = o[c] < 0.0f ? 0.0f : o[c] > 6.0f ? 6.0f : o[c];
        return;
    case CNN_ACT_LEAKY:
        for (c = 0; c < n; c++)
            o[c] = leaky(o[c]);
        return;
    }
}

/* Geometry of one depthwise conv, shared by the kernels. */
struct dw_geom {
    const float *in;
    int h, w, C;
    const float *filter;
    int stride, pt, pl, ow;
    const float *scale, *shift;
    enum cnn_act act;
};

/* Output pixels [ox0, ox1) of output row oy into o (pixel ox0 first), any C, any border. */
FA_HOT static void
dw_pixels_portable(const struct dw_geom *g, int oy, int ox0, int ox1, float *o)
{
    int C = g->C, ox, ky, kx, c;

    for (ox = ox0; ox < ox1; ox++, o += C) {
        int iy0 = oy * g->stride - g->pt, ix0 = ox * g->stride - g->pl;

#ifdef FA_HAVE_V8
        if (C % 8 == 0) {
            /* taps accumulated in a register per 8 channels, in (ky, kx) order */
            const float *tap[9], *ftap[9];
            int nt = 0, t;

            for (ky = 0; ky < 3; ky++) {
                int iy = iy0 + ky;

                if (iy < 0 || iy >= g->h)
                    continue;
                for (kx = 0; kx < 3; kx++) {
                    int ix = ix0 + kx;

                    if (ix < 0 || ix >= g->w)
                        continue;
                    tap[nt] = g->in + ((size_t)iy * (size_t)g->w + (size_t)ix) * (size_t)C;
                    ftap[nt++] = g->filter + (size_t)(ky * 3 + kx) * (size_t)C;
                }
            }
            for (c = 0; c < C; c += 8) {
                dw_v8 acc = { 0 }, xv, fv;

                for (t = 0; t < nt; t++) {
                    V8_LOAD(xv, tap[t] + c);
                    V8_LOAD(fv, ftap[t] + c);
                    acc += xv * fv;
                }
                V8_STORE(o + c, acc);
            }
        } else
#endif
        {
            for (c = 0; c < C; c++)
                o[c] = 0.0f;
            for (ky = 0; ky < 3; ky++) {
                int iy = iy0 + ky;

                if (iy < 0 || iy >= g->h)
                    continue;
                for (kx = 0; kx < 3; kx++) {
                    int ix = ix0 + kx;
                    const float *x, *f;

                    if (ix < 0 || ix >= g->w)
                        continue;
                    x = g->in + ((size_t)iy * (size_t)g->w + (size_t)ix) * (size_t)C;
                    f = g->filter + (size_t)(ky * 3 + kx) * (size_t)C;
                    for (c = 0; c < C; c++)
                        o[c] += x[c] * f[c];
                }
            }
        }
        dw_epilogue(o, C, g->scale, g->shift, g->act);
    }
}

#ifdef FA_DW_X86
/* The epilogue on one 16-channel vector (act is loop-invariant: the branches are hoisted). */
static inline __attribute__((always_inline)) void
dw_vepilogue(dw_v16 *vp, const float *scale, const float *shift, enum cnn_act act, int c)
{
    const dw_v16 zero = { 0 }, six = zero + 6.0f, tenth = zero + 0.1f;
    dw_v16 v = *vp;

    if (scale != NULL) {
        dw_v16 s, t;

        V16_LOAD(s, scale + c);
        V16_LOAD(t, shift + c);
        v = v * s + t;
    }
    switch (act) {
    case CNN_ACT_NONE:
        break;
    case CNN_ACT_RELU:
        v = V16_SELECT(v > zero, v, zero);
        break;
    case CNN_ACT_RELU6:
        v = V16_SELECT(v < zero, zero, v);
        v = V16_SELECT(v > six, six, v);
        break;
    case CNN_ACT_LEAKY: {
        dw_v16 m = tenth * v, d = v - m;

        v = V16_SELECT(d > zero, d, zero) + m;
        break;
    }
    }
    *vp = v;
}

/*
 * Output pixels [ox0, ox1) of output row oy, all inside the input
 * horizontally, taps of rows [ky0, ky1) only (the others are padding), C a
 * multiple of 16. Inlined into each instruction set's driver.
 */
static inline __attribute__((always_inline)) void
dw_row16(const struct dw_geom *g, int oy, int ky0, int ky1, int ox0, int ox1, float *o)
{
    size_t C = (size_t)g->C, sx = (size_t)g->stride * C;
    int c, ox, ky, kx;

    for (c = 0; c < g->C; c += 16) {
        const float *rows[3];
        float *d = o + c;

        for (ky = ky0; ky < ky1; ky++)
            rows[ky] = g->in + ((size_t)(oy * g->stride - g->pt + ky) * (size_t)g->w +
                (size_t)(ox0 * g->stride - g->pl)) * C + (size_t)c;
        for (ox = ox0; ox + 4 <= ox1; ox += 4, d += 4 * C) {
            dw_v16 a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 }, f, x0, x1, x2, x3;

            for (ky = ky0; ky < ky1; ky++) {
                const float *r = rows[ky];

                for (kx = 0; kx < 3; kx++) {
                    const float *p = r + (size_t)kx * C;

                    V16_LOAD(f, g->filter + (size_t)(ky * 3 + kx) * C + (size_t)c);
                    V16_LOAD(x0, p);
                    V16_LOAD(x1, p + sx);
                    V16_LOAD(x2, p + 2 * sx);
                    V16_LOAD(x3, p + 3 * sx);
                    a0 += x0 * f;
                    a1 += x1 * f;
                    a2 += x2 * f;
                    a3 += x3 * f;
                }
                rows[ky] += 4 * sx;
            }
            dw_vepilogue(&a0, g->scale, g->shift, g->act, c);
            dw_vepilogue(&a1, g->scale, g->shift, g->act, c);
            dw_vepilogue(&a2, g->scale, g->shift, g->act, c);
            dw_vepilogue(&a3, g->scale, g->shift, g->act, c);
            V16_STORE(d, a0);
            V16_STORE(d + C, a1);
            V16_STORE(d + 2 * C, a2);
            V16_STORE(d + 3 * C, a3);
        }
        for (; ox < ox1; ox++, d += C) {
            dw_v16 a0 = { 0 }, f, x0;

            for (ky = ky0; ky < ky1; ky++) {
                for (kx = 0; kx < 3; kx++) {
                    V16_LOAD(f, g->filter + (size_t)(ky * 3 + kx) * C + (size_t)c);
                    V16_LOAD(x0, rows[ky] + (size_t)kx * C);
                    a0 += x0 * f;
                }
                rows[ky] += sx;
            }
            dw_vepilogue(&a0, g->scale, g->shift, g->act, c);
            V16_STORE(d, a0);
        }
    }
}

/* Output rows [oy0, oy1) into dst: interior pixels by dw_row16, border pixels portable. */
#define DW_DRIVER(NAME, ATTR)                                                              \
    ATTR static void NAME(const struct dw_geom *g, int oy0, int oy1, float *dst)           \
    {                                                                                      \
        int oy, xa, xb;                                                                    \
        size_t C = (size_t)g->C;                                                           \
                                                                                           \
        /* interior columns: ix0 = ox * stride - pl >= 0 and ix0 + 2 < w */                \
        xa = (g->pl + g->stride - 1) / g->stride;                                          \
        xb = g->w - 3 + g->pl >= 0 ? (g->w - 3 + g->pl) / g->stride + 1 : 0;               \
        if (xb > g->ow)                                                                    \
            xb = g->ow;                                                                    \
        if (xa > xb)                                                                       \
            xa = xb;                                                                       \
        for (oy = oy0; oy < oy1; oy++) {                                                   \
            float *o = dst + (size_t)(oy - oy0) * (size_t)g->ow * C;                       \
            int iy0 = oy * g->stride - g->pt;                                              \
            int ky0 = iy0 < 0 ? -iy0 : 0, ky1 = iy0 + 3 > g->h ? g->h - iy0 : 3;           \
                                                                                           \
            if (xa > 0)                                                                    \
                dw_pixels_portable(g, oy, 0, xa, o);                                       \
            if (ky0 < ky1)                                                                 \
                dw_row16(g, oy, ky0, ky1, xa, xb, o + (size_t)xa * C);                     \
            else                                                                           \
                dw_pixels_portable(g, oy, xa, xb, o + (size_t)xa * C);                     \
            if (xb < g->ow)                                                                \
                dw_pixels_portable(g, oy, xb, g->ow, o + (size_t)xb * C);                  \
        }                                                                                  \
    }

DW_DRIVER(dw_rows_avx2, FA_TARGET_AVX2)
DW_DRIVER(dw_rows_avx512, FA_TARGET_AVX512)
#endif

/* 2x2 'same' max pool (pad 0 before) of conv rows [c0, c1) held in b, pooled rows [p0, p1). */
FA_HOT static void
maxpool2_portable(const float *b, int c0, int c1, int ow, int C, int stride, int p0, int p1,
    float *dst, int pw)
{
    int py, px, c, dy, dx;

    for (py = p0; py < p1; py++) {
        for (px = 0; px < pw; px++) {
            float *o = dst + ((size_t)(py - p0) * (size_t)pw + (size_t)px) * (size_t)C;
            bool first = true;

            for (dy = 0; dy < 2; dy++) {
                int r = py * stride + dy;

                if (r < c0 || r >= c1)
                    continue;
                for (dx = 0; dx < 2; dx++) {
                    int x = px * stride + dx;
                    const float *v;

                    if (x >= ow)
                        continue;
                    v = b + ((size_t)(r - c0) * (size_t)ow + (size_t)x) * (size_t)C;
                    if (first) {
                        for (c = 0; c < C; c++)
                            o[c] = v[c];
                        first = false;
                    } else {
                        for (c = 0; c < C; c++)
                            o[c] = v[c] > o[c] ? v[c] : o[c];
                    }
                }
            }
        }
    }
}

#ifdef FA_DW_X86
/* The same for C a multiple of 16: a missing row or column repeats the one before it. */
#define POOL_DRIVER(NAME, ATTR)                                                            \
    ATTR static void NAME(const float *b, int c0, int c1, int ow, int C, int stride, int p0,  \
        int p1, float *dst, int pw)                                                        \
    {                                                                                      \
        int py, px, c;                                                                     \
        size_t rs = (size_t)ow * (size_t)C;                                                \
                                                                                           \
        for (py = p0; py < p1; py++) {                                                     \
            int r = py * stride;                                                           \
            const float *ra = b + (size_t)(r - c0) * rs;                                   \
            const float *rb = r + 1 < c1 ? ra + rs : ra;                                   \
            float *o = dst + (size_t)(py - p0) * (size_t)pw * (size_t)C;                   \
                                                                                           \
            for (px = 0; px < pw; px++, o += C) {                                          \
                size_t xa = (size_t)(px * stride) * (size_t)C;                             \
                size_t xb = px * stride + 1 < ow ? xa + (size_t)C : xa;                    \
                                                                                           \
                for (c = 0; c < C; c += 16) {                                              \
                    dw_v16 m, v;                                                           \
                                                                                           \
                    V16_LOAD(m, ra + xa + c);                                              \
                    V16_LOAD(v, ra + xb + c);                                              \
                    m = V16_SELECT(v > m, v, m);                                           \
                    V16_LOAD(v, rb + xa + c);                                              \
                    m = V16_SELECT(v > m, v, m);                                           \
                    V16_LOAD(v, rb + xb + c);                                              \
                    m = V16_SELECT(v > m, v, m);                                           \
                    V16_STORE(o + c, m);                                                   \
                }                                                                          \
            }                                                                              \
        }                                                                                  \
    }

POOL_DRIVER(pool_avx2, FA_TARGET_AVX2)
POOL_DRIVER(pool_avx512, FA_TARGET_AVX512)
#endif

/*
 * 2x2 'same' max pool (pad 0 before) of stride 1 or 2 of conv rows [c0, c1)
 * held in b (ow pixels of C channels each), pooled rows [p0, p1) into dst
 * (pw pixels a row): the pool fused after a band of conv output. Row p0's
 * window must start at or after c0.
 */
void
cnn_maxpool2_rows(const float *b, int c0, int c1, int ow, int C, int stride, int p0, int p1,
    float *dst, int pw)
{
#ifdef FA_DW_X86
    if (C % 16 == 0 && p0 * stride >= c0) {
        switch (cnn_isa()) {
        case CNN_ISA_AVX512:
            pool_avx512(b, c0, c1, ow, C, stride, p0, p1, dst, pw);
            return;
        case CNN_ISA_AVX2:
            pool_avx2(b, c0, c1, ow, C, stride, p0, p1, dst, pw);
            return;
        default:
            break;
        }
    }
#endif
    maxpool2_portable(b, c0, c1, ow, C, stride, p0, p1, dst, pw);
}

/* Output rows [oy0, oy1) of a depthwise 3x3 conv into dst (row oy0 at dst[0]). */
void
cnn_depthwise3x3_rows(const struct cnn_tensor *in, const float *filter, int stride,
    enum cnn_padding pad, const float *scale, const float *shift, enum cnn_act act, int oy0,
    int oy1, float *dst)
{
    struct dw_geom g;
    int oh, oy;

    g.in = in->data;
    g.h = in->h;
    g.w = in->w;
    g.C = in->c;
    g.filter = filter;
    g.stride = stride;
    g.scale = scale;
    g.shift = shift;
    g.act = act;
    oh = cnn_out_size(in->h, 3, stride, pad, &g.pt, NULL);
    g.ow = cnn_out_size(in->w, 3, stride, pad, &g.pl, NULL);
    if (oy1 > oh)
        oy1 = oh;
    if (oy0 >= oy1 || g.ow <= 0)
        return;
#ifdef FA_DW_X86
    if (g.C % 16 == 0) {
        switch (cnn_isa()) {
        case CNN_ISA_AVX512:
            dw_rows_avx512(&g, oy0, oy1, dst);
            return;
        case CNN_ISA_AVX2:
            dw_rows_avx2(&g, oy0, oy1, dst);
            return;
        default:
            break;
        }
    }
#endif
    for (oy = oy0; oy < oy1; oy++)
        dw_pixels_portable(&g, oy, 0, g.ow, dst + (size_t)(oy - oy0) * (size_t)g.ow *
            (size_t)g.C);
}

/* Depthwise 3x3 conv with optional per-channel affine and activation. */
void
cnn_depthwise3x3(const struct cnn_tensor *in, const float *filter, int stride,
    enum cnn_padding pad, const float *scale, const float *shift, enum cnn_act act,
    struct cnn_tensor *out)
{
    out->h = cnn_out_size(in->h, 3, stride, pad, NULL, NULL);
    out->w = cnn_out_size(in->w, 3, stride, pad, NULL, NULL);
    out->c = in->c;
    cnn_depthwise3x3_rows(in, filter, stride, pad, scale, shift, act, 0, out->h, out->data);
}
