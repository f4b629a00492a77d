/* SPDX-License-Identifier: MIT */
/*
 * cnn_direct.c - the 3x3 first layers of the detectors and the landmark
 * nets (3 input channels, 16 or 32 output channels: TinyFaceDetector's
 * conv0, FaceLandmark68Net's dense0/conv0) as a direct convolution with
 * the whole epilogue in registers, for AVX-512.
 *
 * cnn_ops.c's conv_direct computes these with 8-float accumulators (AVX2)
 * and then makes a second pass over the output for bias and activation.
 * Here each output pixel's 16 channels are one zmm register: eight pixels
 * (cout 16) or four pixels times two registers (cout 32) are summed
 * together, each input value broadcast from memory against the filter
 * vector of its tap, and bias, scale/shift and activation are applied
 * before the single store. Taps are summed from zero in (ky, kx, ci) order
 * and the bias added after, as conv_direct and its epilogue do, so the two
 * paths agree to FMA contraction. Border pixels (padding) take a scalar
 * loop in the same order. Only the AVX-512 set runs this; the others keep
 * conv_direct.
 */
#include "config.h"

#include <string.h>

#include "faceaudit/cnn.h"
#include "recog/recog_int.h"

#if defined(__GNUC__) && defined(__x86_64__) && !defined(FA_NO_MULTIVERSION)
#define FA_DIRECT_X86 1
typedef float dr_v16 __attribute__((vector_size(64)));
typedef int dr_v16i __attribute__((vector_size(64)));
#define V16_LOAD(v, p) memcpy(&(v), (p), sizeof(dr_v16))
#define V16_STORE(p, v) memcpy((p), &(v), sizeof(dr_v16))
#define V16_SELECT(m, a, b) ((dr_v16)(((m) & (dr_v16i)(a)) | (~(m) & (dr_v16i)(b))))
#define FA_TARGET_AVX512 __attribute__((target("arch=x86-64-v4"), optimize("O3")))

/* Bias, affine and activation of 16 channels from channel c, in place (face-api's leaky
 * ReLU: m = 0.1x; relu(x - m) + m). */
static inline __attribute__((always_inline)) void
dr_epilogue(dr_v16 *vp, const struct cnn_conv *cv, int c)
{
    const dr_v16 zero = { 0 }, six = zero + 6.0f, tenth = zero + 0.1f;
    dr_v16 v = *vp, t, s;

    if (cv->bias != NULL) {
        V16_LOAD(t, cv->bias + c);
        v = v + t;
    }
    if (cv->scale != NULL) {
        V16_LOAD(s, cv->scale + c);
        V16_LOAD(t, cv->shift + c);
        v = v * s + t;
    }
    switch (cv->act) {
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
        dr_v16 m = tenth * v, d = v - m;

        v = V16_SELECT(d > zero, d, zero) + m;
        break;
    }
    }
    *vp = v;
}

/* P pixels x NV vectors of output channels from the interior, taps in (ky, kx, ci) order. */
static inline __attribute__((always_inline)) void
dr_block(const struct cnn_tensor *in, const struct cnn_conv *cv, int iy0, int ix0, float *o,
    const int P, const int NV, const int cin, const int stride)
{
    dr_v16 acc[8], w[2];
    int ky, kx, ci, p, v, cout = 16 * NV;

    for (p = 0; p < P * NV; p++)
        acc[p] = (dr_v16){ 0 };
    for (ky = 0; ky < 3; ky++) {
        const float *row = in->data + ((size_t)(iy0 + ky) * (size_t)in->w + (size_t)ix0) *
            (size_t)cin;

        for (kx = 0; kx < 3; kx++) {
            const float *f = cv->filter + (size_t)((ky * 3 + kx) * cin) * (size_t)cout;

            for (ci = 0; ci < cin; ci++, f += cout) {
                for (v = 0; v < NV; v++)
                    V16_LOAD(w[v], f + 16 * v);
                for (p = 0; p < P; p++) {
                    float xs = row[(size_t)((p * stride + kx) * cin + ci)];

                    for (v = 0; v < NV; v++)
                        acc[p * NV + v] += xs * w[v];
                }
            }
        }
    }
    for (p = 0; p < P; p++) {
        for (v = 0; v < NV; v++) {
            dr_epilogue(&acc[p * NV + v], cv, 16 * v);
            V16_STORE(o + (size_t)(p * cout + 16 * v), acc[p * NV + v]);
        }
    }
}

/*
 * One output pixel with bounds checks (padding), the same order and
 * epilogue, built for AVX-512 too: its multiply-adds are FMAs like the
 * blocks', so a pixel's value does not depend on which path took it.
 */
FA_TARGET_AVX512 static void
dr_pixel(const struct cnn_tensor *in, const struct cnn_conv *cv, int iy0, int ix0, float *o)
{
    float sum[32];
    int ky, kx, ci, j, v, cin = cv->cin, cout = cv->cout;

    for (j = 0; j < cout; j++)
        sum[j] = 0.0f;
    for (ky = 0; ky < 3; ky++) {
        int iy = iy0 + ky;

        if (iy < 0 || iy >= in->h)
            continue;
        for (kx = 0; kx < 3; kx++) {
            int ix = ix0 + kx;
            const float *x, *f;

            if (ix < 0 || ix >= in->w)
                continue;
            x = in->data + ((size_t)iy * (size_t)in->w + (size_t)ix) * (size_t)cin;
            f = cv->filter + (size_t)((ky * 3 + kx) * cin) * (size_t)cout;
            for (ci = 0; ci < cin; ci++, f += cout)
                for (j = 0; j < cout; j++)
                    sum[j] += x[ci] * f[j];
        }
    }
    /* the blocks' own epilogue: the same rounding whichever path a pixel takes */
    for (v = 0; v < cout / 16; v++) {
        dr_v16 t;

        V16_LOAD(t, sum + 16 * v);
        dr_epilogue(&t, cv, 16 * v);
        V16_STORE(o + 16 * v, t);
    }
}

/*
 * Q pooled pixels of a 2x2 stride-2 max pool over two conv rows of 2Q
 * pixels each (16 output channels, stride 1, the interior): 4Q
 * accumulators, each summed in dr_block's order, the epilogue applied
 * to each conv pixel, then the max in the pool's order ((0,0), (0,1),
 * (1,0), (1,1)); only the pooled pixels are stored.
 */
static inline __attribute__((always_inline)) void
dp_block(const struct cnn_tensor *in, const struct cnn_conv *cv, int iy0, int ix0, float *o,
    const int Q, const int cin)
{
    dr_v16 a0[8], a1[8], w;
    int ky, kx, ci, p, q;
    const int P = 2 * Q;

    for (p = 0; p < P; p++)
        a0[p] = a1[p] = (dr_v16){ 0 };
    for (ky = 0; ky < 3; ky++) {
        const float *r0 = in->data + ((size_t)(iy0 + ky) * (size_t)in->w + (size_t)ix0) *
            (size_t)cin;
        const float *r1 = r0 + (size_t)in->w * (size_t)cin;

        for (kx = 0; kx < 3; kx++) {
            const float *f = cv->filter + (size_t)((ky * 3 + kx) * cin) * 16;

            for (ci = 0; ci < cin; ci++, f += 16) {
                V16_LOAD(w, f);
                for (p = 0; p < P; p++)
                    a0[p] += r0[(p + kx) * cin + ci] * w;
                for (p = 0; p < P; p++)
                    a1[p] += r1[(p + kx) * cin + ci] * w;
            }
        }
    }
    for (q = 0; q < Q; q++) {
        dr_v16 m, v;

        dr_epilogue(&a0[2 * q], cv, 0);
        dr_epilogue(&a0[2 * q + 1], cv, 0);
        dr_epilogue(&a1[2 * q], cv, 0);
        dr_epilogue(&a1[2 * q + 1], cv, 0);
        m = a0[2 * q];
        v = a0[2 * q + 1];
        m = V16_SELECT(v > m, v, m);
        v = a1[2 * q];
        m = V16_SELECT(v > m, v, m);
        v = a1[2 * q + 1];
        m = V16_SELECT(v > m, v, m);
        V16_STORE(o + (size_t)q * 16, m);
    }
}

/* One pooled pixel anywhere: its conv pixels one by one (dr_pixel), the missing ones skipped. */
FA_TARGET_AVX512 static void
dp_pixel(const struct cnn_tensor *in, const struct cnn_conv *cv, int pt, int pl, int oh, int ow,
    int py, int px, float *o)
{
    float v[16];
    int dy, dx, j;
    bool first = true;

    for (dy = 0; dy < 2; dy++) {
        int r = 2 * py + dy;

        if (r >= oh)
            continue;
        for (dx = 0; dx < 2; dx++) {
            int x = 2 * px + dx;

            if (x >= ow)
                continue;
            dr_pixel(in, cv, r - pt, x - pl, first ? o : v);
            if (!first)
                for (j = 0; j < 16; j++)
                    o[j] = v[j] > o[j] ? v[j] : o[j];
            first = false;
        }
    }
}

FA_TARGET_AVX512 static void
direct_pool_avx512(const struct cnn_tensor *in, const struct cnn_conv *cv, int pt, int pl,
    int oh, int ow, int p0, int p1, float *dst, int pw)
{
    int py, px;

    for (py = p0; py < p1; py++) {
        int iy0 = 2 * py - pt;
        bool rows_in = iy0 >= 0 && iy0 + 4 <= in->h && 2 * py + 1 < oh;
        float *orow = dst + (size_t)(py - p0) * (size_t)pw * 16;

        for (px = 0; px < pw;) {
            int ix0 = 2 * px - pl;
            float *o = orow + (size_t)px * 16;

            if (rows_in && ix0 >= 0 && 2 * px + 8 <= ow && ix0 + 10 <= in->w) {
                if (cv->cin == 3)
                    dp_block(in, cv, iy0, ix0, o, 4, 3);
                else
                    dp_block(in, cv, iy0, ix0, o, 4, cv->cin);
                px += 4;
            } else if (rows_in && ix0 >= 0 && 2 * px + 2 <= ow && ix0 + 4 <= in->w) {
                dp_block(in, cv, iy0, ix0, o, 1, cv->cin);
                px++;
            } else {
                dp_pixel(in, cv, pt, pl, oh, ow, py, px, o);
                px++;
            }
        }
    }
}

FA_TARGET_AVX512 static void
direct_avx512(const struct cnn_tensor *in, const struct cnn_conv *cv, int pt, int pl, int ow,
    int oy0, int oy1, float *dst)
{
    int cout = cv->cout, P = cout == 16 ? 8 : 4, oy, ox;

    for (oy = oy0; oy < oy1; oy++) {
        int iy0 = oy * cv->stride - pt;
        bool rows_in = iy0 >= 0 && iy0 + 3 <= in->h;
        float *orow = dst + (size_t)(oy - oy0) * (size_t)ow * (size_t)cout;

        for (ox = 0; ox < ow;) {
            int ix0 = ox * cv->stride - pl;
            int ixl = (ox + P - 1) * cv->stride - pl; /* the block's last pixel */
            float *o = orow + (size_t)ox * (size_t)cout;

            if (rows_in && ox + P <= ow && ix0 >= 0 && ixl + 3 <= in->w) {
                /* constant channels and stride for the two networks' layers: unrolled */
                if (cout == 16 && cv->cin == 3 && cv->stride == 1)
                    dr_block(in, cv, iy0, ix0, o, 8, 1, 3, 1);
                else if (cout == 32 && cv->cin == 3 && cv->stride == 2)
                    dr_block(in, cv, iy0, ix0, o, 4, 2, 3, 2);
                else if (cout == 16)
                    dr_block(in, cv, iy0, ix0, o, 8, 1, cv->cin, cv->stride);
                else
                    dr_block(in, cv, iy0, ix0, o, 4, 2, cv->cin, cv->stride);
                ox += P;
            } else {
                dr_pixel(in, cv, iy0, ix0, o);
                ox++;
            }
        }
    }
}
#endif

/*
 * Pooled rows [p0, p1) of a 2x2 stride-2 'same' max pool (pad 0 before)
 * over a 3x3 stride-1 conv on at most 4 input channels with 16 outputs,
 * epilogue applied before the pool, into dst (pw pixels a row), the conv
 * output never stored: when the AVX-512 kernels are selected; false
 * (nothing written) otherwise. pt, pl: the conv's padding before; oh, ow:
 * its output size.
 */
bool
cnn_conv_direct3x3_pool2(const struct cnn_tensor *in, const struct cnn_conv *cv, int pt,
    int pl, int oh, int ow, int p0, int p1, float *dst, int pw)
{
#ifdef FA_DIRECT_X86
    if (cv->kh == 3 && cv->kw == 3 && cv->cin <= 4 && cv->filter != NULL && cv->cout == 16 &&
        cv->stride == 1 && cnn_isa() == CNN_ISA_AVX512) {
        direct_pool_avx512(in, cv, pt, pl, oh, ow, p0, p1, dst, pw);
        return true;
    }
#else
    (void)in;
    (void)cv;
    (void)pt;
    (void)pl;
    (void)oh;
    (void)ow;
    (void)p0;
    (void)p1;
    (void)dst;
    (void)pw;
#endif
    return false;
}

/*
 * Output rows [oy0, oy1) of a 3x3 conv on at most 4 input channels with 16
 * or 32 outputs into dst, epilogue applied, when the AVX-512 kernels are
 * selected; false (nothing written) otherwise.
 */
bool
cnn_conv_direct3x3(const struct cnn_tensor *in, const struct cnn_conv *cv, int pt, int pl,
    int ow, int oy0, int oy1, float *dst)
{
#ifdef FA_DIRECT_X86
    if (cv->kh == 3 && cv->kw == 3 && cv->cin <= 4 && cv->filter != NULL &&
        (cv->cout == 16 || cv->cout == 32) && cnn_isa() == CNN_ISA_AVX512) {
        direct_avx512(in, cv, pt, pl, ow, oy0, oy1, dst);
        return true;
    }
#else
    (void)in;
    (void)cv;
    (void)pt;
    (void)pl;
    (void)ow;
    (void)oy0;
    (void)oy1;
    (void)dst;
#endif
    return false;
}
