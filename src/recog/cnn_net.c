/* SPDX-License-Identifier: MIT */
/*
 * cnn_net.c - the five face-api networks on the inference core
 * (reference §3-§6): TinyFaceDetector, SSD MobileNetV1, FaceLandmark68Net,
 * FaceLandmark68TinyNet and FaceRecognitionNet.
 *
 * cnn_net_new() binds every layer to its tensors once (checking names and
 * shapes) and packs what needs packing (the SSD's depthwise batch norms are
 * folded into a per-channel scale and shift). A forward pass then only runs
 * layers: activations live in the instance's arena slots (grow-only), so a
 * steady-state pass allocates nothing. Sums follow tfjs' evaluation order
 * (e.g. out1 + (out2 + (out3 + out4)) in the dense blocks).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/cnn.h"
#include "faceaudit/image.h"
#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"
#include "recog/recog_int.h"

#define SSD_ANCHORS 5118
#define SSD_BN_EPS 0.0010000000474974513

/* A separable conv: depthwise 3x3 (optionally with an affine + act) then a pointwise conv. */
struct sepconv {
    const float *dw;
    int stride;
    const float *dw_scale; /* owned by the net (packed) or NULL */
    const float *dw_shift;
    enum cnn_act dw_act;
    struct cnn_conv pw;
};

/* A dense block of the landmark nets: conv0 (regular or separable) and 2-3 separable convs. */
struct dense_block {
    bool first;               /* conv0 is a regular 3x3 conv */
    struct cnn_conv conv0;    /* when first */
    struct sepconv sep[4];    /* sep[0] = conv0 when !first; sep[1..] = conv1.. */
    int nconv;                /* 3 or 4 */
};

/* A conv unit of the recognition net (conv + bias, scale layer, optional ReLU). */
struct res_block {
    struct cnn_conv c1;
    struct cnn_conv c2;
    bool down;
};

struct cnn_net {
    enum cnn_model model;
    int size;
    struct cnn_weights *w;
    struct cnn_arena arena;
    float **owned; /* folded batch norms, freed with the net */
    size_t nowned;
    float **batch;      /* per-input activation buffers of cnn_net_forward_many */
    size_t *batch_cap;
    size_t nbatch;
    union {
        struct {
            struct cnn_conv conv0;
            struct sepconv sep[5];
            struct cnn_conv conv8;
        } tiny;
        struct {
            struct cnn_conv conv0;
            struct sepconv layer[13];
            struct cnn_conv extra[8];
            struct cnn_conv box[6];
            struct cnn_conv cls[6];
        } ssd;
        struct {
            struct dense_block block[4];
            int nblocks;
            const float *fc_w;
            const float *fc_b;
            int fc_in;
        } lm;
        struct {
            struct cnn_conv conv0;
            struct res_block res[15];
            int nres;
            const float *fc;
        } rec;
    } u;
};

/*
 * The arena slots (struct cnn_arena) by role. Slot 0 (im2col patches and the
 * Winograd input transform) and CNN_SLOT_WINO belong to the layer operations
 * of cnn_ops.c; each network uses the others as listed. Roles of different
 * networks share numbers: an instance runs one network.
 */
enum net_slot {
    SLOT_IM2COL = CNN_SLOT_IM2COL,
    /* whole activations, alternating between the two (detectors, dense block output) */
    SLOT_PING = 1,
    SLOT_PONG = 2,
    /* TinyFaceDetector and SSD */
    SLOT_HEAD = 4,       /* the tiny detector's grid; the SSD's box encodings */
    SLOT_SSD_SCORES = 5, /* the SSD's class logits */
    SLOT_BAND_CONV = 6,  /* fused_block: a band of conv output before its pool */
    SLOT_BAND_DW = 7,    /* fused_block: a band of depthwise output */
    /* landmark nets: one dense block (output in SLOT_PING) */
    SLOT_DW_TMP = 3,     /* the depthwise half of a separable conv */
    SLOT_OUT1 = 4,
    SLOT_OUT2 = 5,
    SLOT_SUM = 6,        /* relu(out1 + out2 [+ out3]), the next conv's input */
    SLOT_OUT3 = 7,
    SLOT_OUT4 = 8,
    SLOT_LM_POOL = SLOT_PONG, /* the global mean */
    /* recognition net (per-face activations live in net->batch, not here) */
    SLOT_REC_U1 = 2,     /* conv0 output before its pool; each block's first conv */
    SLOT_REC_U2 = 3,     /* a down block's second conv */
    SLOT_REC_POOL = 4,   /* a down block's pooled shortcut */
    SLOT_REC_MEAN = 5,   /* the global mean before fc */
    /* every network */
    SLOT_RESULT = 9,     /* the output returned to the caller (landmarks, descriptor) */
    SLOT_INPUT = 10,     /* cnn_net_run_rgb's prepared input */
    SLOT_WINO = CNN_SLOT_WINO
};

/* The activation slot that is not cur. */
static int
other_slot(int cur)
{
    return cur == SLOT_PING ? SLOT_PONG : SLOT_PING;
}

/* ---- model table ---------------------------------------------------------------- */

static const struct {
    const char *stem;
    const char *name;
    int input;
} model_info[CNN_MODEL_COUNT] = {
    { "tiny_face_detector_model", "TinyFaceDetector", 416 },
    { "ssd_mobilenetv1_model", "SSD MobileNetV1", 512 },
    { "face_landmark_68_model", "FaceLandmark68Net", 112 },
    { "face_landmark_68_tiny_model", "FaceLandmark68TinyNet", 112 },
    { "face_recognition_model", "FaceRecognitionNet", 150 },
};

const char *
cnn_model_stem(enum cnn_model m)
{
    return model_info[m].stem;
}

const char *
cnn_model_name(enum cnn_model m)
{
    return model_info[m].name;
}

int
cnn_model_default_input(enum cnn_model m)
{
    return model_info[m].input;
}

/* ---- binding helpers -------------------------------------------------------------- */

struct binder {
    struct cnn_net *net;
    char **cause;
    bool failed;
};

/* Tensor data with the expected shape (4-d or 1-d); sets failed on a mismatch. */
static const float *
bind(struct binder *b, const char *name, int ndim, int d0, int d1, int d2, int d3)
{
    int shape[4] = { d0, d1, d2, d3 };
    const float *p;

    if (b->failed)
        return NULL;
    p = net_param(b->net->w, name, ndim, shape, b->cause);
    if (p == NULL)
        b->failed = true;
    return p;
}

static float *
net_own(struct cnn_net *net, size_t n)
{
    float *p = xcalloc(n, sizeof(float));

    net->owned = xreallocarray(net->owned, net->nowned + 1, sizeof *net->owned);
    net->owned[net->nowned++] = p;
    return p;
}

/* Set up a conv and pack its filter once for the networks' GEMM. */
static void
conv_init(struct binder *b, struct cnn_conv *cv, int k, int cin, int cout, int stride,
    enum cnn_padding pad, const float *filter, const float *bias, enum cnn_act act)
{
    memset(cv, 0, sizeof *cv);
    cv->kh = cv->kw = k;
    cv->cin = cin;
    cv->cout = cout;
    cv->stride = stride;
    cv->pad = pad;
    cv->filter = filter;
    cv->bias = bias;
    cv->act = act;
    if (filter != NULL && !b->failed)
        cv->packed = cnn_weights_derive(b->net->w, filter, CNN_DERIVE_GEMM, k * k * cin, cout);
}

/* A face-api separable conv "<prefix>/{depthwise_filter,pointwise_filter,bias}". */
static void
bind_sep(struct binder *b, struct sepconv *s, const char *prefix, int cin, int cout, int stride,
    enum cnn_act act)
{
    char name[128];
    const float *dw, *pw, *bias;

    snprintf(name, sizeof name, "%s/depthwise_filter", prefix);
    dw = bind(b, name, 4, 3, 3, cin, 1);
    snprintf(name, sizeof name, "%s/pointwise_filter", prefix);
    pw = bind(b, name, 4, 1, 1, cin, cout);
    snprintf(name, sizeof name, "%s/bias", prefix);
    bias = bind(b, name, 1, cout, 0, 0, 0);
    memset(s, 0, sizeof *s);
    s->dw = dw;
    s->stride = stride;
    s->dw_act = CNN_ACT_NONE;
    conv_init(b, &s->pw, 1, cin, cout, 1, CNN_PAD_VALID, pw, bias, act);
}

/* ---- forward helpers ---------------------------------------------------------------- */

/* A tensor of h x w x c in arena slot k. */
static struct cnn_tensor
slot_tensor(struct cnn_net *net, int k, int h, int w, int c)
{
    struct cnn_tensor t;

    t.h = h;
    t.w = w;
    t.c = c;
    t.data = cnn_arena_slot(&net->arena, k, (size_t)h * (size_t)w * (size_t)c);
    return t;
}

/* out (slot k) = conv(in). */
static struct cnn_tensor
run_conv(struct cnn_net *net, const struct cnn_tensor *in, const struct cnn_conv *cv, int k)
{
    int oh, ow;
    struct cnn_tensor out;

    cnn_conv_shape(cv, in->h, in->w, &oh, &ow);
    out = slot_tensor(net, k, oh, ow, cv->cout);
    cnn_conv2d(in, cv, &out, &net->arena);
    return out;
}

/* out (slot k) = pointwise(depthwise(in)), the depthwise result in slot tmp. */
static struct cnn_tensor
run_sep(struct cnn_net *net, const struct cnn_tensor *in, const struct sepconv *s, int tmp,
    int k)
{
    int oh = cnn_out_size(in->h, 3, s->stride, CNN_PAD_SAME, NULL, NULL);
    int ow = cnn_out_size(in->w, 3, s->stride, CNN_PAD_SAME, NULL, NULL);
    struct cnn_tensor d = slot_tensor(net, tmp, oh, ow, in->c);

    cnn_depthwise3x3(in, s->dw, s->stride, CNN_PAD_SAME, s->dw_scale, s->dw_shift, s->dw_act,
        &d);
    return run_conv(net, &d, &s->pw, k);
}

static struct cnn_tensor
run_pool(struct cnn_net *net, const struct cnn_tensor *in, bool max, int kk, int stride,
    enum cnn_padding pad, int k)
{
    int oh, ow;
    struct cnn_tensor out;

    cnn_pool_shape(in->h, in->w, kk, stride, pad, &oh, &ow);
    out = slot_tensor(net, k, oh, ow, in->c);
    if (max)
        cnn_maxpool(in, kk, stride, pad, &out);
    else
        cnn_avgpool(in, kk, stride, pad, &out);
    return out;
}

/* Conv-output floats per band of fused work (128 KiB: stays in L2). */
#define BAND_FLOATS ((size_t)32768)
/* Fewest GEMM rows per band (below that, repacking the filter per band costs more). */
#define BAND_MIN_ROWS 256

/* 2x2 'same' max pool (pad 0 before) of conv rows [c0, c1) held in b, pooled rows [p0, p1). */
FA_HOT static void
maxpool2_rows(const float *b, int c0, int c1, int ow, int C, int stride, int p0, int p1,
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

/*
 * A conv (regular, or separable: depthwise then pointwise) with its fused
 * epilogue, optionally followed by a 2x2 'same' max pool of stride
 * pool_stride (0: no pool), computed in bands of output rows: a band's
 * depthwise and conv outputs stay in cache and the whole intermediate
 * tensors are never written out.
 */
static struct cnn_tensor
fused_block(struct cnn_net *net, const struct cnn_tensor *in, const struct cnn_conv *reg,
    const struct sepconv *sep, int pool_stride, int out_slot)
{
    int oh, ow, cout, ph, pw, rows, band, p0;
    struct cnn_tensor out;

    if (reg != NULL) {
        cnn_conv_shape(reg, in->h, in->w, &oh, &ow);
        cout = reg->cout;
    } else {
        oh = cnn_out_size(in->h, 3, sep->stride, CNN_PAD_SAME, NULL, NULL);
        ow = cnn_out_size(in->w, 3, sep->stride, CNN_PAD_SAME, NULL, NULL);
        cout = sep->pw.cout;
    }
    if (pool_stride > 0) {
        ph = cnn_out_size(oh, 2, pool_stride, CNN_PAD_SAME, NULL, NULL);
        pw = cnn_out_size(ow, 2, pool_stride, CNN_PAD_SAME, NULL, NULL);
    } else {
        ph = oh;
        pw = ow;
    }
    out = slot_tensor(net, out_slot, ph, pw, cout);
    rows = (int)(BAND_FLOATS / ((size_t)ow * (size_t)cout));
    rows = FA_MAX(rows, (BAND_MIN_ROWS + ow - 1) / ow);
    rows = FA_MAX(rows, 2);
    band = pool_stride > 0 ? FA_MAX(1, rows / pool_stride) : rows;
    for (p0 = 0; p0 < ph; p0 += band) {
        int p1 = FA_MIN(p0 + band, ph);
        int c0 = pool_stride > 0 ? p0 * pool_stride : p0;
        int c1 = pool_stride > 0 ? FA_MIN((p1 - 1) * pool_stride + 2, oh) : p1;
        float *b = pool_stride > 0 ?
            cnn_arena_slot(&net->arena, SLOT_BAND_CONV, (size_t)(c1 - c0) * (size_t)ow *
                (size_t)cout) :
            out.data + (size_t)p0 * (size_t)pw * (size_t)cout;

        if (reg != NULL) {
            cnn_conv2d_rows(in, reg, c0, c1, b, &net->arena);
        } else {
            struct cnn_tensor d;

            d.h = c1 - c0;
            d.w = ow;
            d.c = in->c;
            d.data = cnn_arena_slot(&net->arena, SLOT_BAND_DW,
                (size_t)d.h * (size_t)ow * (size_t)in->c);
            cnn_depthwise3x3_rows(in, sep->dw, sep->stride, CNN_PAD_SAME, sep->dw_scale,
                sep->dw_shift, sep->dw_act, c0, c1, d.data);
            cnn_conv2d_rows(&d, &sep->pw, 0, d.h, b, &net->arena);
        }
        if (pool_stride > 0)
            maxpool2_rows(b, c0, c1, ow, cout, pool_stride, p0, p1,
                out.data + (size_t)p0 * (size_t)pw * (size_t)cout, pw);
    }
    return out;
}

/* ---- TinyFaceDetector --------------------------------------------------------------- */

static void
tiny_bind(struct binder *b)
{
    struct cnn_net *net = b->net;
    static const int ch[6] = { 16, 32, 64, 128, 256, 512 };
    char prefix[32];
    int i;

    conv_init(b, &net->u.tiny.conv0, 3, 3, 16, 1, CNN_PAD_VALID,
        bind(b, "conv0/filters", 4, 3, 3, 3, 16), bind(b, "conv0/bias", 1, 16, 0, 0, 0),
        CNN_ACT_LEAKY);
    for (i = 0; i < 5; i++) {
        snprintf(prefix, sizeof prefix, "conv%d", i + 1);
        bind_sep(b, &net->u.tiny.sep[i], prefix, ch[i], ch[i + 1], 1, CNN_ACT_LEAKY);
    }
    conv_init(b, &net->u.tiny.conv8, 1, 512, 25, 1, CNN_PAD_VALID,
        bind(b, "conv8/filters", 4, 1, 1, 512, 25), bind(b, "conv8/bias", 1, 25, 0, 0, 0),
        CNN_ACT_NONE);
}

static void
tiny_forward(struct cnn_net *net, struct cnn_tensor *x, struct cnn_outputs *out)
{
    struct cnn_tensor p;
    int i, cur = SLOT_PING;

    /* conv0 + pool, then 5 x (separable conv + pool), fused band by band */
    p = fused_block(net, x, &net->u.tiny.conv0, NULL, 2, cur);
    for (i = 0; i < 5; i++) {
        cur = other_slot(cur);
        p = fused_block(net, &p, NULL, &net->u.tiny.sep[i], i < 4 ? 2 : 1, cur);
    }
    out->n = 1;
    out->t[0] = run_conv(net, &p, &net->u.tiny.conv8, SLOT_HEAD);
}

/* ---- SSD MobileNetV1 ------------------------------------------------------------------ */

static void
ssd_bind(struct binder *b)
{
    struct cnn_net *net = b->net;
    static const int cout[14] = { 32, 64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512,
        1024, 1024 };
    static const int stride[14] = { 2, 1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1 };
    static const int ex_k[8] = { 1, 3, 1, 3, 1, 3, 1, 3 };
    static const int ex_c[9] = { 1024, 256, 512, 128, 256, 128, 256, 64, 128 };
    static const int fmc[6] = { 512, 1024, 512, 256, 256, 128 };
    char name[128];
    int i, c;

    conv_init(b, &net->u.ssd.conv0, 3, 3, 32, 2, CNN_PAD_SAME,
        bind(b, "MobilenetV1/Conv2d_0_pointwise/weights", 4, 3, 3, 3, 32),
        bind(b, "MobilenetV1/Conv2d_0_pointwise/convolution_bn_offset", 1, 32, 0, 0, 0),
        CNN_ACT_RELU6);
    for (i = 1; i <= 13; i++) {
        struct sepconv *s = &net->u.ssd.layer[i - 1];
        int cin = cout[i - 1];
        const float *g, *be, *mu, *var;
        float *sc, *sh;

        memset(s, 0, sizeof *s);
        snprintf(name, sizeof name, "MobilenetV1/Conv2d_%d_depthwise/depthwise_weights", i);
        s->dw = bind(b, name, 4, 3, 3, cin, 1);
        s->stride = stride[i];
        snprintf(name, sizeof name, "MobilenetV1/Conv2d_%d_depthwise/BatchNorm/gamma", i);
        g = bind(b, name, 1, cin, 0, 0, 0);
        snprintf(name, sizeof name, "MobilenetV1/Conv2d_%d_depthwise/BatchNorm/beta", i);
        be = bind(b, name, 1, cin, 0, 0, 0);
        snprintf(name, sizeof name, "MobilenetV1/Conv2d_%d_depthwise/BatchNorm/moving_mean", i);
        mu = bind(b, name, 1, cin, 0, 0, 0);
        snprintf(name, sizeof name,
            "MobilenetV1/Conv2d_%d_depthwise/BatchNorm/moving_variance", i);
        var = bind(b, name, 1, cin, 0, 0, 0);
        if (b->failed)
            return;
        /* fold the batch norm: y = x * s + t, s = gamma / sqrt(var + eps), t = beta - mean s */
        sc = net_own(net, (size_t)cin);
        sh = net_own(net, (size_t)cin);
        for (c = 0; c < cin; c++) {
            double sv = (double)g[c] / sqrt((double)var[c] + SSD_BN_EPS);

            sc[c] = (float)sv;
            sh[c] = (float)((double)be[c] - (double)mu[c] * sv);
        }
        s->dw_scale = sc;
        s->dw_shift = sh;
        s->dw_act = CNN_ACT_RELU6;
        snprintf(name, sizeof name, "MobilenetV1/Conv2d_%d_pointwise/weights", i);
        s->pw.filter = bind(b, name, 4, 1, 1, cin, cout[i]);
        snprintf(name, sizeof name, "MobilenetV1/Conv2d_%d_pointwise/convolution_bn_offset", i);
        conv_init(b, &s->pw, 1, cin, cout[i], 1, CNN_PAD_VALID, s->pw.filter,
            bind(b, name, 1, cout[i], 0, 0, 0), CNN_ACT_RELU6);
    }
    for (i = 0; i < 8; i++) {
        const float *f;

        snprintf(name, sizeof name, "Prediction/Conv2d_%d_pointwise/weights", i);
        f = bind(b, name, 4, ex_k[i], ex_k[i], ex_c[i], ex_c[i + 1]);
        snprintf(name, sizeof name, "Prediction/Conv2d_%d_pointwise/convolution_bn_offset", i);
        conv_init(b, &net->u.ssd.extra[i], ex_k[i], ex_c[i], ex_c[i + 1], ex_k[i] == 3 ? 2 : 1,
            CNN_PAD_SAME, f, bind(b, name, 1, ex_c[i + 1], 0, 0, 0), CNN_ACT_RELU6);
    }
    for (i = 0; i < 6; i++) {
        int A = i == 0 ? 3 : 6;
        const float *f;

        snprintf(name, sizeof name, "Prediction/BoxPredictor_%d/BoxEncodingPredictor/weights", i);
        f = bind(b, name, 4, 1, 1, fmc[i], 4 * A);
        snprintf(name, sizeof name, "Prediction/BoxPredictor_%d/BoxEncodingPredictor/biases", i);
        conv_init(b, &net->u.ssd.box[i], 1, fmc[i], 4 * A, 1, CNN_PAD_VALID, f,
            bind(b, name, 1, 4 * A, 0, 0, 0), CNN_ACT_NONE);
        snprintf(name, sizeof name, "Prediction/BoxPredictor_%d/ClassPredictor/weights", i);
        f = bind(b, name, 4, 1, 1, fmc[i], 3 * A);
        snprintf(name, sizeof name, "Prediction/BoxPredictor_%d/ClassPredictor/biases", i);
        conv_init(b, &net->u.ssd.cls[i], 1, fmc[i], 3 * A, 1, CNN_PAD_VALID, f,
            bind(b, name, 1, 3 * A, 0, 0, 0), CNN_ACT_NONE);
    }
    (void)bind(b, "Output/extra_dim", 3, 1, SSD_ANCHORS, 4, 0);
}

/* Run box predictor i on feature map f, writing at anchor offset *off. */
static void
ssd_predict(struct cnn_net *net, const struct cnn_tensor *f, int i, float *boxes, float *scores,
    size_t *off)
{
    int A = i == 0 ? 3 : 6;
    struct cnn_tensor o;

    o.data = boxes + *off * 4;
    cnn_conv2d(f, &net->u.ssd.box[i], &o, &net->arena);
    o.data = scores + *off * 3;
    cnn_conv2d(f, &net->u.ssd.cls[i], &o, &net->arena);
    *off += (size_t)f->h * (size_t)f->w * (size_t)A;
}

static void
ssd_forward(struct cnn_net *net, struct cnn_tensor *x, struct cnn_outputs *out)
{
    struct cnn_tensor a, bx;
    float *boxes = cnn_arena_slot(&net->arena, SLOT_HEAD, (size_t)SSD_ANCHORS * 4);
    float *scores = cnn_arena_slot(&net->arena, SLOT_SSD_SCORES, (size_t)SSD_ANCHORS * 3);
    size_t off = 0;
    int i, cur = SLOT_PING;

    a = run_conv(net, x, &net->u.ssd.conv0, cur);
    for (i = 0; i < 13; i++) {
        cur = other_slot(cur);
        a = fused_block(net, &a, NULL, &net->u.ssd.layer[i], 0, cur);
        if (i == 10)
            ssd_predict(net, &a, 0, boxes, scores, &off); /* F0 = layer 11 */
    }
    ssd_predict(net, &a, 1, boxes, scores, &off); /* F1 = layer 13 */
    for (i = 0; i < 8; i++) {
        cur = other_slot(cur);
        bx = run_conv(net, &a, &net->u.ssd.extra[i], cur);
        a = bx;
        if (i % 2 == 1)
            ssd_predict(net, &a, 2 + i / 2, boxes, scores, &off);
    }
    if (off != SSD_ANCHORS)
        fatalx("ssd: %zu anchors instead of %d", off, SSD_ANCHORS);
    out->n = 2;
    out->t[0].h = 1;
    out->t[0].w = SSD_ANCHORS;
    out->t[0].c = 4;
    out->t[0].data = boxes;
    out->t[1].h = 1;
    out->t[1].w = SSD_ANCHORS;
    out->t[1].c = 3;
    out->t[1].data = scores;
}

/* ---- landmark nets ---------------------------------------------------------------------- */

static void
lm_bind(struct binder *b, bool tiny)
{
    struct cnn_net *net = b->net;
    static const int ch[5] = { 3, 32, 64, 128, 256 };
    int nb = tiny ? 3 : 4, nc = tiny ? 3 : 4, i, j;
    char prefix[64], name[96];

    net->u.lm.nblocks = nb;
    for (i = 0; i < nb; i++) {
        struct dense_block *db = &net->u.lm.block[i];
        int cin = ch[i], c = ch[i + 1];

        db->first = i == 0;
        db->nconv = nc;
        if (db->first) {
            conv_init(b, &db->conv0, 3, 3, c, 2, CNN_PAD_SAME,
                bind(b, "dense0/conv0/filters", 4, 3, 3, 3, c),
                bind(b, "dense0/conv0/bias", 1, c, 0, 0, 0), CNN_ACT_RELU);
        } else {
            snprintf(prefix, sizeof prefix, "dense%d/conv0", i);
            bind_sep(b, &db->sep[0], prefix, cin, c, 2, CNN_ACT_RELU);
        }
        for (j = 1; j < nc; j++) {
            snprintf(prefix, sizeof prefix, "dense%d/conv%d", i, j);
            bind_sep(b, &db->sep[j], prefix, c, c, 1, CNN_ACT_NONE);
        }
    }
    net->u.lm.fc_in = ch[nb];
    snprintf(name, sizeof name, "fc/weights");
    net->u.lm.fc_w = bind(b, name, 2, ch[nb], 136, 0, 0);
    net->u.lm.fc_b = bind(b, "fc/bias", 1, 136, 0, 0, 0);
}

/* dst = relu(a + b) elementwise. */
FA_HOT static void
add_relu2(float *dst, const float *a, const float *b, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        float v = a[i] + b[i];

        dst[i] = v > 0.0f ? v : 0.0f;
    }
}

/* dst = relu(a + (b + c)). */
FA_HOT static void
add_relu3(float *dst, const float *a, const float *b, const float *c, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        float v = a[i] + (b[i] + c[i]);

        dst[i] = v > 0.0f ? v : 0.0f;
    }
}

/* dst = relu(a + (b + (c + d))). */
FA_HOT static void
add_relu4(float *dst, const float *a, const float *b, const float *c, const float *d, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        float v = a[i] + (b[i] + (c[i] + d[i]));

        dst[i] = v > 0.0f ? v : 0.0f;
    }
}

/* One dense block; input x (may be in SLOT_PING: only conv0 reads it), output in SLOT_PING. */
static struct cnn_tensor
dense_forward(struct cnn_net *net, const struct cnn_tensor *x, const struct dense_block *db)
{
    struct cnn_tensor o1, o2, o3, o4, s, y;
    size_t n;

    if (db->first)
        o1 = run_conv(net, x, &db->conv0, SLOT_OUT1);
    else
        o1 = run_sep(net, x, &db->sep[0], SLOT_DW_TMP, SLOT_OUT1);
    n = (size_t)o1.h * (size_t)o1.w * (size_t)o1.c;
    o2 = run_sep(net, &o1, &db->sep[1], SLOT_DW_TMP, SLOT_OUT2);
    s = slot_tensor(net, SLOT_SUM, o1.h, o1.w, o1.c);
    add_relu2(s.data, o1.data, o2.data, n);
    o3 = run_sep(net, &s, &db->sep[2], SLOT_DW_TMP, SLOT_OUT3);
    y = slot_tensor(net, SLOT_PING, o1.h, o1.w, o1.c);
    if (db->nconv == 3) {
        add_relu3(y.data, o1.data, o2.data, o3.data, n);
        return y;
    }
    add_relu3(s.data, o1.data, o2.data, o3.data, n);
    o4 = run_sep(net, &s, &db->sep[3], SLOT_DW_TMP, SLOT_OUT4);
    add_relu4(y.data, o1.data, o2.data, o3.data, o4.data, n);
    return y;
}

static void
lm_forward(struct cnn_net *net, struct cnn_tensor *x, struct cnn_outputs *out)
{
    struct cnn_tensor a = *x, p;
    float *res = cnn_arena_slot(&net->arena, SLOT_RESULT, 136);
    int i;

    for (i = 0; i < net->u.lm.nblocks; i++)
        a = dense_forward(net, &a, &net->u.lm.block[i]);
    /* avgPool 7x7 (14x14 for the tiny net) stride 2 valid: the global mean */
    p = run_pool(net, &a, false, a.h, 2, CNN_PAD_VALID, SLOT_LM_POOL);
    cnn_dense(p.data, net->u.lm.fc_in, net->u.lm.fc_w, net->u.lm.fc_b, 136, res);
    out->n = 1;
    out->t[0].h = 1;
    out->t[0].w = 1;
    out->t[0].c = 136;
    out->t[0].data = res;
}

/* ---- FaceRecognitionNet ------------------------------------------------------------------- */

/*
 * Bind "<prefix>/conv/{filters,bias}" + "<prefix>/scale/{weights,biases}",
 * the scale layer folded into the filter and bias at load (one multiply-add
 * less per output, and the epilogue is bias + residual + activation).
 */
static void
bind_unit(struct binder *b, struct cnn_conv *cv, const char *prefix, int k, int cin, int cout,
    int stride, enum cnn_padding pad, enum cnn_act act)
{
    char name[128];
    const float *f, *bias, *scale, *shift;
    struct cnn_weights *w = b->net->w;

    snprintf(name, sizeof name, "%s/conv/filters", prefix);
    f = bind(b, name, 4, k, k, cin, cout);
    snprintf(name, sizeof name, "%s/conv/bias", prefix);
    bias = bind(b, name, 1, cout, 0, 0, 0);
    snprintf(name, sizeof name, "%s/scale/weights", prefix);
    scale = bind(b, name, 1, cout, 0, 0, 0);
    snprintf(name, sizeof name, "%s/scale/biases", prefix);
    shift = bind(b, name, 1, cout, 0, 0, 0);
    if (b->failed) {
        memset(cv, 0, sizeof *cv);
        return;
    }
    bias = cnn_weights_fold(w, bias, 1, cout, scale, shift);
    /* the filter is kept folded only where it is read unpacked (3-channel direct convs) */
    conv_init(b, cv, k, cin, cout, stride, pad, NULL, bias, act);
    if (cin <= 4)
        cv->filter = cnn_weights_fold(w, f, (size_t)k * (size_t)k * (size_t)cin, cout, scale,
            NULL);
    cv->packed = cnn_weights_derive_scaled(w, f, CNN_DERIVE_GEMM, k * k * cin, cout, scale);
    /* pack the 3x3 stride-1 filters of the 35/17/8-pixel maps once for Winograd (the 256-channel
     * layers on 4x4 maps are bound by reading their filters, which Winograd makes larger) */
    if (cnn_winograd_ok(cv) && cout <= 128)
        cv->winograd = cnn_weights_derive_scaled(w, f, CNN_DERIVE_WINOGRAD, cin, cout, scale);
}

static void
rec_bind(struct binder *b)
{
    struct cnn_net *net = b->net;
    static const struct {
        const char *name;
        int cin;
        int cout;
        bool down;
    } layers[] = {
        { "conv32_1", 32, 32, false }, { "conv32_2", 32, 32, false },
        { "conv32_3", 32, 32, false }, { "conv64_down", 32, 64, true },
        { "conv64_1", 64, 64, false }, { "conv64_2", 64, 64, false },
        { "conv64_3", 64, 64, false }, { "conv128_down", 64, 128, true },
        { "conv128_1", 128, 128, false }, { "conv128_2", 128, 128, false },
        { "conv256_down", 128, 256, true }, { "conv256_1", 256, 256, false },
        { "conv256_2", 256, 256, false }, { "conv256_down_out", 256, 256, true },
    };
    char prefix[64];
    size_t i;

    bind_unit(b, &net->u.rec.conv0, "conv32_down", 7, 3, 32, 2, CNN_PAD_VALID, CNN_ACT_RELU);
    net->u.rec.nres = (int)FA_NITEMS(layers);
    for (i = 0; i < FA_NITEMS(layers); i++) {
        struct res_block *r = &net->u.rec.res[i];

        r->down = layers[i].down;
        snprintf(prefix, sizeof prefix, "%s/conv1", layers[i].name);
        bind_unit(b, &r->c1, prefix, 3, layers[i].cin, layers[i].cout, r->down ? 2 : 1,
            r->down ? CNN_PAD_VALID : CNN_PAD_SAME, CNN_ACT_RELU);
        snprintf(prefix, sizeof prefix, "%s/conv2", layers[i].name);
        bind_unit(b, &r->c2, prefix, 3, layers[i].cout, layers[i].cout, 1, CNN_PAD_SAME,
            CNN_ACT_NONE);
    }
    net->u.rec.fc = bind(b, "fc", 2, 256, 128, 0, 0);
}

/*
 * residualDown's merge: y <- relu(pad_c(avgpool2(x)) + pad_hw(u2)), written
 * over x's buffer (x is consumed; y is half its size). Pool in SLOT_REC_POOL.
 */
static struct cnn_tensor
res_down_merge(struct cnn_net *net, struct cnn_tensor x, struct cnn_tensor u2)
{
    struct cnn_tensor p = run_pool(net, &x, false, 2, 2, CNN_PAD_VALID, SLOT_REC_POOL), y;
    int yy, xx, c;

    if (u2.h > p.h || u2.w > p.w || p.h - u2.h > 1 || p.w - u2.w > 1 || p.c > u2.c)
        fatalx("recognition net: residual shapes %dx%dx%d vs %dx%dx%d", u2.h, u2.w, u2.c, p.h,
            p.w, p.c);
    if ((size_t)p.h * (size_t)p.w * (size_t)u2.c > (size_t)x.h * (size_t)x.w * (size_t)x.c)
        fatalx("recognition net: residual output larger than its input");
    y.h = p.h;
    y.w = p.w;
    y.c = u2.c;
    y.data = x.data;
    for (yy = 0; yy < p.h; yy++) {
        for (xx = 0; xx < p.w; xx++) {
            float *o = y.data + ((size_t)yy * (size_t)p.w + (size_t)xx) * (size_t)u2.c;
            const float *pp = p.data + ((size_t)yy * (size_t)p.w + (size_t)xx) * (size_t)p.c;
            bool in = yy < u2.h && xx < u2.w;
            const float *uu = in ? u2.data + ((size_t)yy * (size_t)u2.w + (size_t)xx) *
                (size_t)u2.c : NULL;

            for (c = 0; c < u2.c; c++) {
                float v = (c < p.c ? pp[c] : 0.0f) + (in ? uu[c] : 0.0f);

                o[c] = v > 0.0f ? v : 0.0f;
            }
        }
    }
    return y;
}

/*
 * residual: y <- relu(U2(relu(U1 x)) + x) into `other` (a buffer as large as
 * x's), the add and ReLU fused into U2's epilogue; residualDown (above).
 * Temporaries in SLOT_REC_U1, _U2, _POOL.
 */
static struct cnn_tensor
res_forward(struct cnn_net *net, struct cnn_tensor x, const struct res_block *r, float *other)
{
    struct cnn_tensor u1 = run_conv(net, &x, &r->c1, SLOT_REC_U1);
    struct cnn_tensor y;

    if (!r->down) {
        y.data = other;
        cnn_conv2d_res(&u1, &r->c2, x.data, CNN_ACT_RELU, &y, &net->arena);
        return y;
    }
    return res_down_merge(net, x, run_conv(net, &u1, &r->c2, SLOT_REC_U2));
}

/* Inputs of at most this many pixels run a block for the whole batch at once (one GEMM). */
#define REC_BATCH_MAX_PIXELS 81

/*
 * One block on all n inputs at once, each conv one stacked GEMM
 * (cnn_conv2d_many): the filter is read once per batch, not once per face.
 * x[f] is replaced by the block's output (in others[f] or over x[f]).
 */
static void
res_forward_batch(struct cnn_net *net, struct cnn_tensor *x, size_t n, const struct res_block *r,
    float *const *others)
{
    struct cnn_tensor *u1 = xcalloc(2 * n, sizeof *u1), *u2 = u1 + n;
    const float **res = xcalloc(n, sizeof *res);
    int oh, ow;
    size_t one, f;
    float *buf;

    cnn_conv_shape(&r->c1, x[0].h, x[0].w, &oh, &ow);
    one = (size_t)oh * (size_t)ow * (size_t)r->c1.cout;
    buf = cnn_arena_slot(&net->arena, SLOT_REC_U1, n * one);
    for (f = 0; f < n; f++)
        u1[f].data = buf + f * one;
    cnn_conv2d_many(x, n, &r->c1, NULL, r->c1.act, u1, &net->arena);
    if (!r->down) {
        for (f = 0; f < n; f++) {
            res[f] = x[f].data;
            u2[f].data = others[f];
        }
        cnn_conv2d_many(u1, n, &r->c2, res, CNN_ACT_RELU, u2, &net->arena);
        for (f = 0; f < n; f++)
            x[f] = u2[f];
    } else {
        cnn_conv_shape(&r->c2, oh, ow, &oh, &ow);
        one = (size_t)oh * (size_t)ow * (size_t)r->c2.cout;
        buf = cnn_arena_slot(&net->arena, SLOT_REC_U2, n * one);
        for (f = 0; f < n; f++)
            u2[f].data = buf + f * one;
        cnn_conv2d_many(u1, n, &r->c2, NULL, r->c2.act, u2, &net->arena);
        for (f = 0; f < n; f++)
            x[f] = res_down_merge(net, x[f], u2[f]);
    }
    free(res);
    free(u1);
}

/* Activation buffer b of a batch with room for n floats (grow-only). */
static float *
batch_buf(struct cnn_net *net, size_t b, size_t n)
{
    if (b >= net->nbatch) {
        net->batch = xreallocarray(net->batch, b + 1, sizeof *net->batch);
        net->batch_cap = xreallocarray(net->batch_cap, b + 1, sizeof *net->batch_cap);
        while (net->nbatch <= b) {
            net->batch[net->nbatch] = NULL;
            net->batch_cap[net->nbatch++] = 0;
        }
    }
    if (net->batch_cap[b] < n) {
        free(net->batch[b]);
        net->batch[b] = xmalloc(n * sizeof(float));
        net->batch_cap[b] = n;
        net->arena.nalloc++;
        net->arena.bytes += n * sizeof(float);
    }
    return net->batch[b];
}

/*
 * The recognition net on n inputs, layer-major: each residual block runs
 * for every input before the next block, so a block's filters are read from
 * memory once per batch, not once per face. outs gets n x 128 floats.
 */
static void
rec_forward_many(struct cnn_net *net, const float *const *inputs, size_t n, float *outs)
{
    struct cnn_tensor *act = xcalloc(n, sizeof *act);
    float **others = xcalloc(n, sizeof *others);
    float *mean = cnn_arena_slot(&net->arena, SLOT_REC_MEAN, 256);
    size_t f;
    int i;

    for (f = 0; f < n; f++) {
        struct cnn_tensor x, a;
        int ph, pw;

        x.h = x.w = net->size;
        x.c = 3;
        x.data = (float *)(uintptr_t)inputs[f]; /* read only */
        a = run_conv(net, &x, &net->u.rec.conv0, SLOT_REC_U1);
        cnn_pool_shape(a.h, a.w, 3, 2, CNN_PAD_VALID, &ph, &pw);
        /* two buffers per face: a residual block reads one and writes the other */
        act[f].data = batch_buf(net, 2 * f, (size_t)ph * (size_t)pw * (size_t)a.c);
        (void)batch_buf(net, 2 * f + 1, (size_t)ph * (size_t)pw * (size_t)a.c);
        cnn_maxpool(&a, 3, 2, CNN_PAD_VALID, &act[f]);
    }
    for (i = 0; i < net->u.rec.nres; i++) {
        for (f = 0; f < n; f++)
            others[f] = act[f].data == net->batch[2 * f] ? net->batch[2 * f + 1] :
                net->batch[2 * f];
        if (n > 1 && (size_t)act[0].h * (size_t)act[0].w <= REC_BATCH_MAX_PIXELS) {
            res_forward_batch(net, act, n, &net->u.rec.res[i], others);
            continue;
        }
        for (f = 0; f < n; f++)
            act[f] = res_forward(net, act[f], &net->u.rec.res[i], others[f]);
    }
    for (f = 0; f < n; f++) {
        cnn_global_mean(&act[f], mean);
        cnn_dense(mean, 256, net->u.rec.fc, NULL, 128, outs + f * 128);
    }
    free(others);
    free(act);
}

static void
rec_forward(struct cnn_net *net, struct cnn_tensor *x, struct cnn_outputs *out)
{
    float *res = cnn_arena_slot(&net->arena, SLOT_RESULT, 128);
    const float *in = x->data;

    rec_forward_many(net, &in, 1, res);
    out->n = 1;
    out->t[0].h = 1;
    out->t[0].w = 1;
    out->t[0].c = 128;
    out->t[0].data = res;
}

/* ---- the instance ---------------------------------------------------------------------- */

/* A network instance on shared weights; NULL with *cause on a mismatch. */
struct cnn_net *
cnn_net_new(enum cnn_model m, struct cnn_weights *w, int input_size, char **cause)
{
    struct cnn_net *net;
    struct binder b;

    if ((int)m < 0 || m >= CNN_MODEL_COUNT) {
        cause_set(cause, "unknown network %d", (int)m);
        return NULL;
    }
    if (input_size == 0)
        input_size = model_info[m].input;
    if (m == CNN_TINY_FACE_DETECTOR) {
        if (input_size % 32 != 0 || input_size < 32 || input_size > 2048) {
            cause_set(cause, "TinyFaceDetector input size must be a multiple of 32 "
                "between 32 and 2048, not %d", input_size);
            return NULL;
        }
    } else if (input_size != model_info[m].input) {
        cause_set(cause, "%s takes %dx%d input only, not %d", model_info[m].name,
            model_info[m].input, model_info[m].input, input_size);
        return NULL;
    }
    net = xcalloc(1, sizeof *net);
    net->model = m;
    net->size = input_size;
    net->w = cnn_weights_ref(w);
    cnn_arena_init(&net->arena);
    b.net = net;
    b.cause = cause;
    b.failed = false;
    switch (m) {
    case CNN_TINY_FACE_DETECTOR:
        tiny_bind(&b);
        break;
    case CNN_SSD_MOBILENETV1:
        ssd_bind(&b);
        break;
    case CNN_FACE_LANDMARK68:
    case CNN_FACE_LANDMARK68_TINY:
        lm_bind(&b, m == CNN_FACE_LANDMARK68_TINY);
        break;
    case CNN_FACE_RECOGNITION:
    case CNN_MODEL_COUNT:
        rec_bind(&b);
        break;
    }
    if (b.failed) {
        cause_prefix(cause, "%s", model_info[m].name);
        cnn_net_free(net);
        return NULL;
    }
    return net;
}

/* Free an instance (drops its weight reference; NULL is a no-op). */
void
cnn_net_free(struct cnn_net *net)
{
    size_t i;

    if (net == NULL)
        return;
    for (i = 0; i < net->nowned; i++)
        free(net->owned[i]);
    free(net->owned);
    for (i = 0; i < net->nbatch; i++)
        free(net->batch[i]);
    free(net->batch);
    free(net->batch_cap);
    cnn_arena_done(&net->arena);
    cnn_weights_unref(net->w);
    free(net);
}

enum cnn_model
cnn_net_model(const struct cnn_net *net)
{
    return net->model;
}

int
cnn_net_input_size(const struct cnn_net *net)
{
    return net->size;
}

const struct cnn_arena *
cnn_net_arena(const struct cnn_net *net)
{
    return &net->arena;
}

/* Forward pass on a normalised size x size x 3 input. */
int
cnn_net_forward(struct cnn_net *net, const float *input, struct cnn_outputs *out)
{
    struct cnn_tensor x;

    x.h = x.w = net->size;
    x.c = 3;
    x.data = (float *)(uintptr_t)input; /* read only */
    memset(out, 0, sizeof *out);
    switch (net->model) {
    case CNN_TINY_FACE_DETECTOR:
        tiny_forward(net, &x, out);
        break;
    case CNN_SSD_MOBILENETV1:
        ssd_forward(net, &x, out);
        break;
    case CNN_FACE_LANDMARK68:
    case CNN_FACE_LANDMARK68_TINY:
        lm_forward(net, &x, out);
        break;
    case CNN_FACE_RECOGNITION:
    case CNN_MODEL_COUNT:
        rec_forward(net, &x, out);
        break;
    }
    return 0;
}

/* Forward passes of n normalised inputs; outs gets n times the first output's values. */
int
cnn_net_forward_many(struct cnn_net *net, const float *const *inputs, size_t n, float *outs)
{
    struct cnn_outputs o;
    size_t f, k = 0;

    if (net->model == CNN_FACE_RECOGNITION) {
        rec_forward_many(net, inputs, n, outs);
        return 0;
    }
    for (f = 0; f < n; f++) {
        cnn_net_forward(net, inputs[f], &o);
        k = (size_t)o.t[0].h * (size_t)o.t[0].w * (size_t)o.t[0].c;
        memcpy(outs + f * k, o.t[0].data, k * sizeof(float));
    }
    return 0;
}

/* Normalise in place as the reference does for each network. */
FA_HOT void
cnn_net_normalize(enum cnn_model m, float *x, size_t npixels)
{
    static const float tiny_mean[3] = { 117.001f, 114.697f, 97.404f };
    static const float face_mean[3] = { 122.782f, 117.001f, 104.298f };
    const float *mean = m == CNN_TINY_FACE_DETECTOR ? tiny_mean : face_mean;
    size_t i;
    int c;

    if (m == CNN_SSD_MOBILENETV1) {
        /* face-api: x * 0.007843137718737125 - 1 (float32 of 1/127.5) */
        for (i = 0; i < npixels * 3; i++)
            x[i] = x[i] * 0.007843137718737125f - 1.0f;
        return;
    }
    for (i = 0; i < npixels; i++)
        for (c = 0; c < 3; c++)
            x[3 * i + (size_t)c] = (x[3 * i + (size_t)c] - mean[c]) / 255.0f;
}

/* Reference preprocessing of float RGB pixels, then forward. */
int
cnn_net_run_rgb(struct cnn_net *net, const float *rgb, int w, int h, struct cnn_outputs *out)
{
    struct image view = { w, h, 3, IMAGE_F32, NULL, (float *)(uintptr_t)rgb };
    size_t np = (size_t)net->size * (size_t)net->size;
    float *in = cnn_arena_slot(&net->arena, SLOT_INPUT, np * 3);
    bool centre = net->model != CNN_TINY_FACE_DETECTOR && net->model != CNN_SSD_MOBILENETV1;

    image_prepare(&view, net->size, centre, NULL, in);
    cnn_net_normalize(net->model, in, np);
    return cnn_net_forward(net, in, out);
}
