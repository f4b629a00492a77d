/* SPDX-License-Identifier: MIT */
/*
 * cnn_ops.c - the layer operations of the inference core on NHWC float32
 * tensors (batch 1) and the scratch arena they draw from.
 *
 * Convolutions go through a GEMM: a 1x1 stride-1 conv multiplies the input
 * (HW x Cin) by the filter directly; any other conv builds im2col patches
 * P[HW][kh*kw*Cin] in bands of output rows (bounded scratch) so that
 * OUT = P * F with the HWIO filter as the right-hand matrix. The GEMM is
 * the networks' packed one (cnn_gemm.c) when the conv carries a packed
 * filter, OpenBLAS otherwise. Two special paths: 3-channel inputs (first
 * layers) given an unpacked filter are convolved directly with vector
 * accumulators (without one, as FaceRecognitionNet's 7x7 conv, they take
 * im2col and the packed GEMM), and 3x3
 * stride-1 'same' convs with a Winograd filter run as F(2x2, 3x3) or
 * F(4x4, 3x3) (cnn_winograd.c). Bias, per-channel affine and activation
 * are applied in one pass over the output (the epilogue). Depthwise 3x3
 * convolutions are in cnn_dw.c.
 * Padding follows TensorFlow: 'same' puts the odd padding cell after.
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
#include "recog/recog_int.h"

/*
 * 8-float vectors (GCC vector extensions): AVX registers in the x86-64-v3
 * clones, pairs of SSE registers in the baseline ones. Loads and stores go
 * through memcpy (no alignment assumed); macros, not functions, so no vector
 * crosses a call boundary (-Wpsabi).
 */
#if defined(__GNUC__)
#define FA_HAVE_V8 1
typedef float fa_v8 __attribute__((vector_size(32)));
typedef int fa_v8i __attribute__((vector_size(32)));
#define V8_LOAD(v, p) memcpy(&(v), (p), sizeof(fa_v8))
#define V8_STORE(p, v) memcpy((p), &(v), sizeof(fa_v8))
#endif

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

/* An activation over n values, the switch outside the (vectorisable) loops. */
static inline __attribute__((always_inline)) void
act_loop(float *x, size_t n, enum cnn_act act)
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

/* Apply an activation in place. */
FA_HOT void
cnn_activate(float *x, size_t n, enum cnn_act act)
{
    act_loop(x, n, act);
}

/* out[p][j] = act(((out + bias[j]) * scale[j]) + shift[j] + res[p][j]) over npix rows. */
FA_HOT static void
epilogue(float *out, size_t npix, int c, const float *bias, const float *scale,
    const float *shift, const float *res, enum cnn_act act)
{
    size_t p;
    int j;

    if (bias == NULL && scale == NULL && res == NULL && act == CNN_ACT_NONE)
        return;
    for (p = 0; p < npix; p++) {
        float *o = out + p * (size_t)c;

        if (bias != NULL)
            for (j = 0; j < c; j++)
                o[j] += bias[j];
        if (scale != NULL)
            for (j = 0; j < c; j++)
                o[j] = o[j] * scale[j] + shift[j];
        if (res != NULL)
            for (j = 0; j < c; j++)
                o[j] += res[p * (size_t)c + (size_t)j];
        act_loop(o, (size_t)c, act);
    }
}

/* ---- convolution ------------------------------------------------------------------- */

/* im2col of output rows [oy0, oy1) into P[(oy-oy0)*OW + ox][(ky*kw + kx)*cin + ci]. */
FA_HOT static void
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

#ifdef FA_HAVE_V8
/*
 * Direct convolution for few input channels (the networks' first layers:
 * 3 -> 16 or 32 channels), where im2col + GEMM would move more memory than
 * it computes. P neighbouring output pixels are computed together with
 * P * NV independent vector accumulators (NV = cout / 8), so the FMAs do not
 * wait on each other; every output sums its taps in (ky, kx, cin) order.
 * block() is inlined with constant P and NV into each caller below.
 */
static inline __attribute__((always_inline)) void
conv_direct_block(const struct cnn_tensor *in, const struct cnn_conv *cv, int iy0, int ix0,
    float *o, const int P, const int NV, const int co0)
{
    fa_v8 acc[8], w[4];
    int ky, kx, ci, p, v, cin = cv->cin, cout = cv->cout;

    for (p = 0; p < P * NV; p++)
        acc[p] = (fa_v8){ 0 };
    for (ky = 0; ky < cv->kh; ky++) {
        const float *row = in->data + ((size_t)(iy0 + ky) * (size_t)in->w + (size_t)ix0) *
            (size_t)cin;

        for (kx = 0; kx < cv->kw; kx++) {
            const float *f = cv->filter + (size_t)((ky * cv->kw + kx) * cin) * (size_t)cout +
                (size_t)co0;

            for (ci = 0; ci < cin; ci++, f += cout) {
                for (v = 0; v < NV; v++)
                    V8_LOAD(w[v], f + 8 * v);
                for (p = 0; p < P; p++) {
                    float xs = row[(size_t)((p * cv->stride + kx) * cin + ci)];

                    for (v = 0; v < NV; v++)
                        acc[p * NV + v] += xs * w[v];
                }
            }
        }
    }
    for (p = 0; p < P; p++)
        for (v = 0; v < NV; v++)
            V8_STORE(o + (size_t)(p * cout + co0 + 8 * v), acc[p * NV + v]);
}

/* One output pixel with bounds checks (borders); inlined into each clone of conv_direct. */
static inline __attribute__((always_inline)) void
conv_direct_pixel(const struct cnn_tensor *in, const struct cnn_conv *cv, int iy0, int ix0,
    float *o)
{
    int ky, kx, ci, j, cin = cv->cin, cout = cv->cout;

    for (j = 0; j < cout; j++)
        o[j] = 0.0f;
    for (ky = 0; ky < cv->kh; ky++) {
        int iy = iy0 + ky;

        if (iy < 0 || iy >= in->h)
            continue;
        for (kx = 0; kx < cv->kw; kx++) {
            int ix = ix0 + kx;
            const float *x, *f;

            if (ix < 0 || ix >= in->w)
                continue;
            x = in->data + ((size_t)iy * (size_t)in->w + (size_t)ix) * (size_t)cin;
            f = cv->filter + (size_t)((ky * cv->kw + kx) * cin) * (size_t)cout;
            for (ci = 0; ci < cin; ci++, f += cout)
                for (j = 0; j < cout; j++)
                    o[j] += x[ci] * f[j];
        }
    }
}

FA_HOT static void
conv_direct(const struct cnn_tensor *in, const struct cnn_conv *cv, int pt, int pl, int ow,
    int oy0, int oy1, float *dst)
{
    int cout = cv->cout, nv = cout / 8, P = nv == 1 ? 8 : nv == 3 ? 2 : 4, oy, ox;

    for (oy = oy0; oy < oy1; oy++) {
        int iy0 = oy * cv->stride - pt;
        bool rows_in = iy0 >= 0 && iy0 + cv->kh <= in->h;
        float *orow = dst + (size_t)(oy - oy0) * (size_t)ow * (size_t)cout;

        for (ox = 0; ox < ow;) {
            int ix0 = ox * cv->stride - pl;
            int ixl = (ox + P - 1) * cv->stride - pl; /* the block's last pixel */
            float *o = orow + (size_t)ox * (size_t)cout;

            if (rows_in && ox + P <= ow && ix0 >= 0 && ixl + cv->kw <= in->w) {
                /* at most 8 accumulators: 32 channels go as two halves of 16 */
                if (nv == 1) {
                    conv_direct_block(in, cv, iy0, ix0, o, 8, 1, 0);
                } else if (nv == 2) {
                    conv_direct_block(in, cv, iy0, ix0, o, 4, 2, 0);
                } else if (nv == 3) {
                    conv_direct_block(in, cv, iy0, ix0, o, 2, 3, 0);
                } else {
                    conv_direct_block(in, cv, iy0, ix0, o, 4, 2, 0);
                    conv_direct_block(in, cv, iy0, ix0, o, 4, 2, 16);
                }
                ox += P;
            } else {
                conv_direct_pixel(in, cv, iy0, ix0, o);
                ox++;
            }
        }
    }
}
#endif

/* Output rows (pixels) up to which a conv multiplies row by row (SGEMV, no packing). */
#define GEMV_MAX_ROWS 4

/*
 * Output rows [oy0, oy1) of conv(in) into dst (row oy0 at dst[0]), epilogue
 * applied; res (NULL, or rows [oy0, oy1) of a residual shaped like the
 * output, not dst itself) is added before the activation.
 */
static void
conv_rows(const struct cnn_tensor *in, const struct cnn_conv *cv, int oy0, int oy1,
    const float *res, enum cnn_act act, float *dst, struct cnn_arena *a)
{
    int oh, ow, pt, pl, K = cv->kh * cv->kw * cv->cin, band, oy;
    struct cnn_epilogue e = { cv->bias, cv->scale, cv->shift, NULL, cv->cout, act };
    float *P;

    if (in->c != cv->cin)
        fatalx("cnn_conv2d: %d input channels, filter wants %d", in->c, cv->cin);
    oh = cnn_out_size(in->h, cv->kh, cv->stride, cv->pad, &pt, NULL);
    ow = cnn_out_size(in->w, cv->kw, cv->stride, cv->pad, &pl, NULL);
    if (oy1 > oh)
        oy1 = oh;
    if (oy0 >= oy1 || ow <= 0)
        return;
#ifdef FA_HAVE_V8
    if (cv->filter != NULL && cv->cin <= 4 && cv->cout % 8 == 0 && cv->cout <= 32) {
        /* the 3x3 first layers on AVX-512: epilogue in registers (cnn_direct.c) */
        if (res == NULL && act == cv->act &&
            cnn_conv_direct3x3(in, cv, pt, pl, ow, oy0, oy1, dst))
            return;
        conv_direct(in, cv, pt, pl, ow, oy0, oy1, dst);
    } else
#endif
    if (cv->packed != NULL && cv->kh == 1 && cv->kw == 1 && cv->stride == 1) {
        /* pointwise: the input rows are the A matrix; the whole epilogue fused into the GEMM */
        e.res = res;
        cnn_gemm_packed_ex((oy1 - oy0) * ow, cv->cout, cv->cin,
            in->data + (size_t)oy0 * (size_t)in->w * (size_t)cv->cin, cv->cin, cv->packed, &e,
            dst, cv->cout);
        return;
    } else if (cv->kh == 1 && cv->kw == 1 && cv->stride == 1) {
        gemm_sgemm(false, false, (oy1 - oy0) * ow, cv->cout, cv->cin, 1.0f,
            in->data + (size_t)oy0 * (size_t)in->w * (size_t)cv->cin, cv->cin, cv->filter,
            cv->cout, 0.0f, dst, cv->cout);
    } else {
        band = (int)(IM2COL_BAND_FLOATS / ((size_t)ow * (size_t)K));
        if (band < 1)
            band = 1;
        if (band > oy1 - oy0)
            band = oy1 - oy0;
        P = cnn_arena_slot(a, CNN_SLOT_IM2COL, (size_t)band * (size_t)ow * (size_t)K);
        for (oy = oy0; oy < oy1; oy += band) {
            int end = FA_MIN(oy + band, oy1);

            int m = (end - oy) * ow, r;
            size_t off = (size_t)(oy - oy0) * (size_t)ow * (size_t)cv->cout;
            float *d = dst + off;

            im2col(in, cv, pt, pl, ow, oy, end, P);
            if (cv->packed != NULL) {
                /* the epilogue fused: each tile finished while in cache */
                e.res = res != NULL ? res + off : NULL;
                cnn_gemm_packed_ex(m, cv->cout, K, P, K, cv->packed, &e, d, cv->cout);
            } else if (m <= GEMV_MAX_ROWS) {
                /* a few output pixels (the last layers of the recognition net): reading
                 * the filter once per row beats packing it for a GEMM */
                for (r = 0; r < m; r++)
                    gemm_sgemv(true, K, cv->cout, 1.0f, cv->filter, cv->cout,
                        P + (size_t)r * (size_t)K, 0.0f, d + (size_t)r * (size_t)cv->cout);
            } else {
                gemm_sgemm(false, false, m, cv->cout, K, 1.0f, P, K, cv->filter, cv->cout,
                    0.0f, d, cv->cout);
            }
        }
        if (cv->packed != NULL)
            return;
    }
    epilogue(dst, (size_t)(oy1 - oy0) * (size_t)ow, cv->cout, cv->bias, cv->scale, cv->shift,
        res, act);
}

void
cnn_conv2d_rows(const struct cnn_tensor *in, const struct cnn_conv *cv, int oy0, int oy1,
    float *dst, struct cnn_arena *a)
{
    conv_rows(in, cv, oy0, oy1, NULL, cv->act, dst, a);
}

/*
 * out = act(conv(in) + res) with the fused epilogue; res (may be NULL) is
 * shaped like out; act replaces cv->act, which must be none when res is given.
 */
void
cnn_conv2d_res(const struct cnn_tensor *in, const struct cnn_conv *cv, const float *res,
    enum cnn_act act, struct cnn_tensor *out, struct cnn_arena *a)
{
    int oh, ow;

    cnn_conv_shape(cv, in->h, in->w, &oh, &ow);
    out->h = oh;
    out->w = ow;
    out->c = cv->cout;
    if (oh <= 0 || ow <= 0)
        return;
    if (res != NULL && (res == out->data || cv->act != CNN_ACT_NONE))
        fatalx("cnn_conv2d_res: the residual is the output, or the conv has its own activation");
#ifdef FA_HAVE_V8
    /*
     * Winograd pays where there are many tiles; on small maps the layer is
     * bound by reading its (16/9 larger) transformed filters instead.
     */
    if (cnn_winograd_use(cv, in->h, in->w, in->c)) {
        cnn_conv_winograd(in, cv, res, act, out->data, a);
        return;
    }
#endif
    conv_rows(in, cv, 0, oh, res, act, out->data, a);
}

/*
 * The same conv on n inputs of one shape as one GEMM: the im2col rows of
 * several inputs are stacked (in bands of whole inputs, bounded like
 * conv_rows' bands) so that the filter is read once per band, not once per
 * input; this is what pays on small maps with large filters (the last
 * layers of the recognition net, 3x3 maps of 256 channels). Convs that take
 * the Winograd path, with no packed filter, 1x1 or direct, run one input
 * at a time. outs[f]->data
 * preallocated; res (NULL, or n residuals shaped like the outputs) is added
 * before act, which replaces cv->act.
 */
void
cnn_conv2d_many(const struct cnn_tensor *ins, size_t n, const struct cnn_conv *cv,
    const float *const *res, enum cnn_act act, struct cnn_tensor *outs, struct cnn_arena *a)
{
    int oh, ow, pt, pl, K = cv->kh * cv->kw * cv->cin;
    size_t per, rows, f, f0, band;
    struct cnn_epilogue e = { cv->bias, NULL, NULL, NULL, cv->cout, CNN_ACT_NONE };
    float *P, *C;

    if (n == 0)
        return;
    oh = cnn_out_size(ins[0].h, cv->kh, cv->stride, cv->pad, &pt, NULL);
    ow = cnn_out_size(ins[0].w, cv->kw, cv->stride, cv->pad, &pl, NULL);
    for (f = 1; f < n; f++)
        if (ins[f].h != ins[0].h || ins[f].w != ins[0].w || ins[f].c != ins[0].c)
            fatalx("cnn_conv2d_many: inputs of different shapes");
#ifdef FA_HAVE_V8
    /* Winograd (fewer multiplications) beats the stacked GEMM wherever it is taken; its
     * tiles of every input are stacked the same way */
    if (n > 1 && oh > 0 && ow > 0 && cnn_winograd_use(cv, ins[0].h, ins[0].w, ins[0].c) &&
        (res == NULL || cv->act == CNN_ACT_NONE)) {
        float **o = xcalloc(n, sizeof *o);

        for (f = 0; f < n; f++) {
            outs[f].h = oh;
            outs[f].w = ow;
            outs[f].c = cv->cout;
            o[f] = outs[f].data;
        }
        cnn_conv_winograd_many(ins, n, cv, res, act, o, a);
        free(o);
        return;
    }
#endif
    if (n == 1 || cv->packed == NULL || (cv->kh == 1 && cv->kw == 1) || ins[0].c != cv->cin ||
        (cv->filter != NULL && cv->cin <= 4 && cv->cout % 8 == 0 && cv->cout <= 32) ||
        oh <= 0 || ow <= 0 || cnn_winograd_use(cv, ins[0].h, ins[0].w, ins[0].c)) {
        for (f = 0; f < n; f++)
            cnn_conv2d_res(&ins[f], cv, res != NULL ? res[f] : NULL, act, &outs[f], a);
        return;
    }
    per = (size_t)oh * (size_t)ow; /* GEMM rows per input */
    band = IM2COL_BAND_FLOATS / (per * (size_t)K);
    if (band < 1)
        band = 1;
    if (band > n)
        band = n;
    P = cnn_arena_slot(a, CNN_SLOT_IM2COL, band * per * (size_t)K);
    C = cnn_arena_slot(a, CNN_SLOT_WINO, band * per * (size_t)cv->cout);
    for (f0 = 0; f0 < n; f0 += band) {
        size_t f1 = f0 + band < n ? f0 + band : n;

        for (f = f0; f < f1; f++)
            im2col(&ins[f], cv, pt, pl, ow, 0, oh, P + (f - f0) * per * (size_t)K);
        rows = (f1 - f0) * per;
        cnn_gemm_packed_ex((int)rows, cv->cout, K, P, K, cv->packed, &e, C, cv->cout);
        for (f = f0; f < f1; f++) {
            float *o = outs[f].data;

            outs[f].h = oh;
            outs[f].w = ow;
            outs[f].c = cv->cout;
            memcpy(o, C + (f - f0) * per * (size_t)cv->cout, per * (size_t)cv->cout *
                sizeof(float));
            epilogue(o, per, cv->cout, NULL, cv->scale, cv->shift, res != NULL ? res[f] : NULL,
                act);
        }
    }
}

/* out = conv(in) with the fused epilogue; out->data preallocated. */
void
cnn_conv2d(const struct cnn_tensor *in, const struct cnn_conv *cv, struct cnn_tensor *out,
    struct cnn_arena *a)
{
    cnn_conv2d_res(in, cv, NULL, cv->act, out, a);
}

/* ---- pooling, mean, dense ------------------------------------------------------------ */

/* Max pooling; padded cells never win. */
FA_HOT void
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
FA_HOT void
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
FA_HOT void
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
