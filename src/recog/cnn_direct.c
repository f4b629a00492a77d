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

/* face-api's leaky ReLU: m = 0.1x; relu(x - m) + m (bit-exact with tfjs). */
static inline float
leaky(float x)
{
    float m = 0.1f * x;
    float d = x - m;

    return (d > 0.0f ? d : 0.0f) + m;
}

/* Bias, affine and activation of 16 channels from channel c, in place. */
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

/* One output pixel with bounds checks (padding), the same order and epilogue. */
static void
dr_pixel(const struct cnn_tensor *in, const struct cnn_conv *cv, int iy0, int ix0, float *o)
{
    int ky, kx, ci, j, cin = cv->cin, cout = cv->cout;

    for (j = 0; j < cout; j++)
        o[j] = 0.0f;
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
                    o[j] += x[ci] * f[j];
        }
    }
    for (j = 0; j < cout; j++) {
        float v = o[j];

        if (cv->bias != NULL)
            v += cv->bias[j];
        if (cv->scale != NULL)
            v = v * cv->scale[j] + cv->shift[j];
        switch (cv->act) {
        case CNN_ACT_NONE:
            break;
        case CNN_ACT_RELU:
            v = v > 0.0f ? v : 0.0f;
            break;
        case CNN_ACT_RELU6:
            v = v < 0.0f ? 0.0f : v > 6.0f ? 6.0f : v;
            break;
        case CNN_ACT_LEAKY:
            v = leaky(v);
            break;
        }
        o[j] = v;
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
