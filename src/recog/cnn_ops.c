/* SPDX-License-Identifier: MIT */
/*
 * cnn_ops.c - the layer operations of the inference core on NHWC float32
 * tensors (batch 1) and the scratch arena they draw from.
 *
 * Convolutions go through SGEMM: a 1x1 stride-1 conv multiplies the input
 * (HW x Cin) by the filter directly; any other conv builds im2col patches
 * P[HW][kh*kw*Cin] in bands of output rows (bounded scratch) so that
 * OUT = P * F with the HWIO filter as the right-hand matrix. Bias,
 * per-channel affine and activation are applied in one pass over the output
 * (the epilogue). Depthwise 3x3 convolutions are direct loops with the
 * channel as the inner, contiguous (vectorisable) index. Padding follows
 * TensorFlow: 'same' puts the odd padding cell after.
 */
#include "config.h"

#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/cnn.h"
#include "faceaudit/gemm.h"
#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

/* ---- arena -------------------------------------------------------------------- */

/* Largest im2col band, in floats (4 MiB): keeps the patch matrix cache-friendly. */
#define IM2COL_BAND_FLOATS ((size_t)1 << 20)

void
cnn_arena_init(struct cnn_arena *a)
{
    memset(a, 0, sizeof *a);
}

/* Release all slots. */
void
cnn_arena_done(struct cnn_arena *a)
{
    int k;

    for (k = 0; k < CNN_ARENA_SLOTS; k++)
        free(a->raw[k]);
    memset(a, 0, sizeof *a);
}

/* Slot k with at least n floats, 64-byte aligned. */
float *
cnn_arena_slot(struct cnn_arena *a, int k, size_t n)
{
    if (k < 0 || k >= CNN_ARENA_SLOTS)
        fatalx("cnn_arena_slot: bad slot %d", k);
    if (n == 0)
        n = 1;
    if (a->cap[k] < n) {
        a->bytes -= a->cap[k] * sizeof(float);
        free(a->raw[k]);
        a->raw[k] = xcalloc(n + 16, sizeof(float));
        a->slot[k] = (float *)(void *)(((uintptr_t)a->raw[k] + 63) & ~(uintptr_t)63);
        a->cap[k] = n;
        a->bytes += n * sizeof(float);
        a->nalloc++;
    }
    return a->slot[k];
}

/* ---- shapes --------------------------------------------------------------------- */

/* TF output size of one axis and its padding. */
int
cnn_out_size(int in, int k, int stride, enum cnn_padding pad, int *pad_before, int *pad_total)
{
    int out, total;

    if (pad == CNN_PAD_VALID) {
        out = in >= k ? (in - k) / stride + 1 : 0;
        total = 0;
    } else {
        out = (in + stride - 1) / stride;
        total = (out - 1) * stride + k - in;
        if (total < 0)
            total = 0;
    }
    if (pad_before != NULL)
        *pad_before = total / 2;
    if (pad_total != NULL)
        *pad_total = total;
    return out;
}

void
cnn_conv_shape(const struct cnn_conv *cv, int h, int w, int *oh, int *ow)
{
    *oh = cnn_out_size(h, cv->kh, cv->stride, cv->pad, NULL, NULL);
    *ow = cnn_out_size(w, cv->kw, cv->stride, cv->pad, NULL, NULL);
}

void
cnn_pool_shape(int h, int w, int k, int stride, enum cnn_padding pad, int *oh, int *ow)
{
    *oh = cnn_out_size(h, k, stride, pad, NULL, NULL);
    *ow = cnn_out_size(w, k, stride, pad, NULL, NULL);
}

/* ---- activations and epilogue ---------------------------------------------------- */

/* face-api's leaky ReLU: m = 0.1x; relu(x - m) + m (bit-exact with tfjs). */
static inline float
leaky(float x)
{
    float m = 0.1f * x;
    float d = x - m;

    return (d > 0.0f ? d : 0.0f) + m;
}

static inline float
act1(float x, enum cnn_act act)
{
    switch (act) {
    case CNN_ACT_RELU:
        return x > 0.0f ? x : 0.0f;
    case CNN_ACT_RELU6:
        return x < 0.0f ? 0.0f : x > 6.0f ? 6.0f : x;
    case CNN_ACT_LEAKY:
        return leaky(x);
    case CNN_ACT_NONE:
        break;
    }
    return x;
}

/* Apply an activation in place. */
void
cnn_activate(float *x, size_t n, enum cnn_act act)
{
    size_t i;

    switch (act) {
    case CNN_ACT_NONE:
        return;
    case CNN_ACT_RELU:
        for (i = 0; i < n; i++)
            x[i] = x[i] > 0.0f ? x[i] : 0.0f;
        return;
    case CNN_ACT_RELU6:
        for (i = 0; i < n; i++)
            x[i] = x[i] < 0.0f ? 0.0f : x[i] > 6.0f ? 6.0f : x[i];
        return;
    case CNN_ACT_LEAKY:
        for (i = 0; i < n; i++)
            x[i] = leaky(x[i]);
        return;
    }
}

/* out[p][j] = act(((out + bias[j]) * scale[j]) + shift[j]) over npix rows. */
static void
epilogue(float *out, size_t npix, int c, const float *bias, const float *scale,
    const float *shift, enum cnn_act act)
{
    size_t p;
    int j;

    if (bias == NULL && scale == NULL && act == CNN_ACT_NONE)
        return;
    for (p = 0; p < npix; p++) {
        float *o = out + p * (size_t)c;

        if (bias != NULL)
            for (j = 0; j < c; j++)
                o[j] += bias[j];
        if (scale != NULL)
            for (j = 0; j < c; j++)
                o[j] = o[j] * scale[j] + shift[j];
        switch (act) {
        case CNN_ACT_NONE:
            break;
        case CNN_ACT_RELU:
            for (j = 0; j < c; j++)
                o[j] = o[j] > 0.0f ? o[j] : 0.0f;
            break;
        case CNN_ACT_RELU6:
            for (j = 0; j < c; j++)
                o[j] = o[j] < 0.0f ? 0.0f : o[j] > 6.0f ? 6.0f : o[j];
            break;
        case CNN_ACT_LEAKY:
            for (j = 0; j < c; j++)
                o[j] = leaky(o[j]);
            break;
        }
    }
}

/* ---- convolution ------------------------------------------------------------------- */

/* im2col of output rows [oy0, oy1) into P[(oy-oy0)*OW + ox][(ky*kw + kx)*cin + ci]. */
static void
im2col(const struct cnn_tensor *in, const struct cnn_conv *cv, int pt, int pl, int ow, int oy0,
    int oy1, float *P)
{
    int cin = in->c, K = cv->kh * cv->kw * cin, oy, ox, ky, kx;
    size_t rowlen = (size_t)cv->kw * (size_t)cin;

    for (oy = oy0; oy < oy1; oy++) {
        for (ox = 0; ox < ow; ox++) {
            float *dst = P + ((size_t)(oy - oy0) * (size_t)ow + (size_t)ox) * (size_t)K;
            int iy0 = oy * cv->stride - pt, ix0 = ox * cv->stride - pl;

            for (ky = 0; ky < cv->kh; ky++) {
                int iy = iy0 + ky;
                float *d = dst + (size_t)ky * rowlen;

                if (iy < 0 || iy >= in->h) {
                    memset(d, 0, rowlen * sizeof(float));
                    continue;
                }
                if (ix0 >= 0 && ix0 + cv->kw <= in->w) {
                    memcpy(d, in->data + ((size_t)iy * (size_t)in->w + (size_t)ix0) *
                            (size_t)cin, rowlen * sizeof(float));
                    continue;
                }
                for (kx = 0; kx < cv->kw; kx++) {
                    int ix = ix0 + kx;

                    if (ix < 0 || ix >= in->w)
                        memset(d + (size_t)kx * (size_t)cin, 0, (size_t)cin * sizeof(float));
                    else
                        memcpy(d + (size_t)kx * (size_t)cin,
                            in->data + ((size_t)iy * (size_t)in->w + (size_t)ix) * (size_t)cin,
                            (size_t)cin * sizeof(float));
                }
            }
        }
    }
}

/* out = conv(in) with the fused epilogue; out->data preallocated. */
void
cnn_conv2d(const struct cnn_tensor *in, const struct cnn_conv *cv, struct cnn_tensor *out,
    struct cnn_arena *a)
{
    int oh, ow, pt, pl, K = cv->kh * cv->kw * cv->cin, band, oy;
    float *P;

    if (in->c != cv->cin)
        fatalx("cnn_conv2d: %d input channels, filter wants %d", in->c, cv->cin);
    oh = cnn_out_size(in->h, cv->kh, cv->stride, cv->pad, &pt, NULL);
    ow = cnn_out_size(in->w, cv->kw, cv->stride, cv->pad, &pl, NULL);
    out->h = oh;
    out->w = ow;
    out->c = cv->cout;
    if (oh <= 0 || ow <= 0)
        return;
    if (cv->kh == 1 && cv->kw == 1 && cv->stride == 1) {
        gemm_sgemm(false, false, oh * ow, cv->cout, cv->cin, 1.0f, in->data, cv->cin,
            cv->filter, cv->cout, 0.0f, out->data, cv->cout);
    } else {
        band = (int)(IM2COL_BAND_FLOATS / ((size_t)ow * (size_t)K));
        if (band < 1)
            band = 1;
        if (band > oh)
            band = oh;
        P = cnn_arena_slot(a, CNN_SLOT_IM2COL, (size_t)band * (size_t)ow * (size_t)K);
        for (oy = 0; oy < oh; oy += band) {
            int oy1 = FA_MIN(oy + band, oh);

            im2col(in, cv, pt, pl, ow, oy, oy1, P);
            gemm_sgemm(false, false, (oy1 - oy) * ow, cv->cout, K, 1.0f, P, K, cv->filter,
                cv->cout, 0.0f, out->data + (size_t)oy * (size_t)ow * (size_t)cv->cout,
                cv->cout);
        }
    }
    epilogue(out->data, (size_t)oh * (size_t)ow, cv->cout, cv->bias, cv->scale, cv->shift,
        cv->act);
}

/* Depthwise 3x3 conv with optional per-channel affine and activation. */
void
cnn_depthwise3x3(const struct cnn_tensor *in, const float *filter, int stride,
    enum cnn_padding pad, const float *scale, const float *shift, enum cnn_act act,
    struct cnn_tensor *out)
{
    int C = in->c, oh, ow, pt, pl, oy, ox, ky, kx, c;

    oh = cnn_out_size(in->h, 3, stride, pad, &pt, NULL);
    ow = cnn_out_size(in->w, 3, stride, pad, &pl, NULL);
    out->h = oh;
    out->w = ow;
    out->c = C;
    for (oy = 0; oy < oh; oy++) {
        for (ox = 0; ox < ow; ox++) {
            float *o = out->data + ((size_t)oy * (size_t)ow + (size_t)ox) * (size_t)C;
            int iy0 = oy * stride - pt, ix0 = ox * stride - pl;

            for (c = 0; c < C; c++)
                o[c] = 0.0f;
            for (ky = 0; ky < 3; ky++) {
                int iy = iy0 + ky;

                if (iy < 0 || iy >= in->h)
                    continue;
                for (kx = 0; kx < 3; kx++) {
                    int ix = ix0 + kx;
                    const float *x, *f;

                    if (ix < 0 || ix >= in->w)
                        continue;
                    x = in->data + ((size_t)iy * (size_t)in->w + (size_t)ix) * (size_t)C;
                    f = filter + (size_t)(ky * 3 + kx) * (size_t)C;
                    for (c = 0; c < C; c++)
                        o[c] += x[c] * f[c];
                }
            }
            if (scale != NULL)
                for (c = 0; c < C; c++)
                    o[c] = o[c] * scale[c] + shift[c];
            if (act != CNN_ACT_NONE)
                for (c = 0; c < C; c++)
                    o[c] = act1(o[c], act);
        }
    }
}

/* ---- pooling, mean, dense ------------------------------------------------------------ */

/* Max pooling; padded cells never win. */
void
cnn_maxpool(const struct cnn_tensor *in, int k, int stride, enum cnn_padding pad,
    struct cnn_tensor *out)
{
    int C = in->c, oh, ow, pt, pl, oy, ox, ky, kx, c;

    oh = cnn_out_size(in->h, k, stride, pad, &pt, NULL);
    ow = cnn_out_size(in->w, k, stride, pad, &pl, NULL);
    out->h = oh;
    out->w = ow;
    out->c = C;
    for (oy = 0; oy < oh; oy++) {
        for (ox = 0; ox < ow; ox++) {
            float *o = out->data + ((size_t)oy * (size_t)ow + (size_t)ox) * (size_t)C;

            for (c = 0; c < C; c++)
                o[c] = -FLT_MAX;
            for (ky = 0; ky < k; ky++) {
                int iy = oy * stride - pt + ky;

                if (iy < 0 || iy >= in->h)
                    continue;
                for (kx = 0; kx < k; kx++) {
                    int ix = ox * stride - pl + kx;
                    const float *x;

                    if (ix < 0 || ix >= in->w)
                        continue;
                    x = in->data + ((size_t)iy * (size_t)in->w + (size_t)ix) * (size_t)C;
                    for (c = 0; c < C; c++)
                        o[c] = x[c] > o[c] ? x[c] : o[c];
                }
            }
        }
    }
}

/* Average pooling; the divisor counts only cells inside the input (as TF). */
void
cnn_avgpool(const struct cnn_tensor *in, int k, int stride, enum cnn_padding pad,
    struct cnn_tensor *out)
{
    int C = in->c, oh, ow, pt, pl, oy, ox, ky, kx, c;

    oh = cnn_out_size(in->h, k, stride, pad, &pt, NULL);
    ow = cnn_out_size(in->w, k, stride, pad, &pl, NULL);
    out->h = oh;
    out->w = ow;
    out->c = C;
    for (oy = 0; oy < oh; oy++) {
        for (ox = 0; ox < ow; ox++) {
            float *o = out->data + ((size_t)oy * (size_t)ow + (size_t)ox) * (size_t)C;
            int n = 0;

            for (c = 0; c < C; c++)
                o[c] = 0.0f;
            for (ky = 0; ky < k; ky++) {
                int iy = oy * stride - pt + ky;

                if (iy < 0 || iy >= in->h)
                    continue;
                for (kx = 0; kx < k; kx++) {
                    int ix = ox * stride - pl + kx;
                    const float *x;

                    if (ix < 0 || ix >= in->w)
                        continue;
                    x = in->data + ((size_t)iy * (size_t)in->w + (size_t)ix) * (size_t)C;
                    for (c = 0; c < C; c++)
                        o[c] += x[c];
                    n++;
                }
            }
            if (n > 0)
                for (c = 0; c < C; c++)
                    o[c] /= (float)n;
        }
    }
}

/* Mean over H and W per channel. */
void
cnn_global_mean(const struct cnn_tensor *in, float *out)
{
    size_t p, n = (size_t)in->h * (size_t)in->w;
    int c;

    for (c = 0; c < in->c; c++)
        out[c] = 0.0f;
    for (p = 0; p < n; p++)
        for (c = 0; c < in->c; c++)
            out[c] += in->data[p * (size_t)in->c + (size_t)c];
    for (c = 0; c < in->c; c++)
        out[c] /= (float)n;
}

/* y = x W + b. */
void
cnn_dense(const float *x, int nin, const float *w, const float *bias, int nout, float *y)
{
    int j;

    gemm_sgemv(true, nin, nout, 1.0f, w, nout, x, 0.0f, y);
    if (bias != NULL)
        for (j = 0; j < nout; j++)
            y[j] += bias[j];
}
