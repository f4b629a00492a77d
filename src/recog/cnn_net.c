/* SPDX-License-Identifier: MIT */
/*
 * cnn_net.c - the six face-api networks on the inference core
 * (reference §3-§6): the model table, the binding and forward helpers, the
 * two detectors (TinyFaceDetector, SSD MobileNetV1) and the instance API;
 * the landmark nets are in cnn_net_lm.c, FaceRecognitionNet in
 * cnn_net_rec.c, AgeGenderNet in cnn_net_ag.c (the instance is
 * cnn_net_int.h).
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
#include "recog/cnn_net_int.h"
#include "recog/recog_int.h"

#define SSD_ANCHORS 5118
#define SSD_BN_EPS 0.0010000000474974513

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
    { "age_gender_model", "AgeGenderNet", 112 },
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

/* ---- binding helpers -------------------------------------------------------------- */

/* Tensor data with the expected shape (4-d or 1-d); sets failed on a mismatch. */
const float *
net_bind(struct binder *b, const char *name, int ndim, int d0, int d1, int d2, int d3)
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

float *
net_own(struct cnn_net *net, size_t n)
{
    float *p = xcalloc(n, sizeof(float));

    net->owned = xreallocarray(net->owned, net->nowned + 1, sizeof *net->owned);
    net->owned[net->nowned++] = p;
    return p;
}

/* Set up a conv and pack its filter once for the networks' GEMM. */
void
net_conv_init(struct binder *b, struct cnn_conv *cv, int k, int cin, int cout, int stride,
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
void
net_bind_sep(struct binder *b, struct sepconv *s, const char *prefix, int cin, int cout, int stride,
    enum cnn_act act)
{
    char name[128];
    const float *dw, *pw, *bias;

    snprintf(name, sizeof name, "%s/depthwise_filter", prefix);
    dw = net_bind(b, name, 4, 3, 3, cin, 1);
    snprintf(name, sizeof name, "%s/pointwise_filter", prefix);
    pw = net_bind(b, name, 4, 1, 1, cin, cout);
    snprintf(name, sizeof name, "%s/bias", prefix);
    bias = net_bind(b, name, 1, cout, 0, 0, 0);
    memset(s, 0, sizeof *s);
    s->dw = dw;
    s->stride = stride;
    s->dw_act = CNN_ACT_NONE;
    net_conv_init(b, &s->pw, 1, cin, cout, 1, CNN_PAD_VALID, pw, bias, act);
}

/* ---- forward helpers ---------------------------------------------------------------- */

/* A tensor of h x w x c in arena slot k. */
struct cnn_tensor
net_slot_tensor(struct cnn_net *net, int k, int h, int w, int c)
{
    struct cnn_tensor t;

    t.h = h;
    t.w = w;
    t.c = c;
    t.data = cnn_arena_slot(&net->arena, k, (size_t)h * (size_t)w * (size_t)c);
    return t;
}

/* out (slot k) = conv(in). */
struct cnn_tensor
net_run_conv(struct cnn_net *net, const struct cnn_tensor *in, const struct cnn_conv *cv, int k)
{
    int oh, ow;
    struct cnn_tensor out;

    cnn_conv_shape(cv, in->h, in->w, &oh, &ow);
    out = net_slot_tensor(net, k, oh, ow, cv->cout);
    cnn_conv2d(in, cv, &out, &net->arena);
    return out;
}

/* out (slot k) = pointwise(depthwise(in)), the depthwise result in slot tmp. */
struct cnn_tensor
net_run_sep(struct cnn_net *net, const struct cnn_tensor *in, const struct sepconv *s, int tmp,
    int k)
{
    int oh = cnn_out_size(in->h, 3, s->stride, CNN_PAD_SAME, NULL, NULL);
    int ow = cnn_out_size(in->w, 3, s->stride, CNN_PAD_SAME, NULL, NULL);
    struct cnn_tensor d = net_slot_tensor(net, tmp, oh, ow, in->c);

    cnn_depthwise3x3(in, s->dw, s->stride, CNN_PAD_SAME, s->dw_scale, s->dw_shift, s->dw_act,
        &d);
    return net_run_conv(net, &d, &s->pw, k);
}

struct cnn_tensor
net_run_pool(struct cnn_net *net, const struct cnn_tensor *in, bool max, int kk, int stride,
    enum cnn_padding pad, int k)
{
    int oh, ow;
    struct cnn_tensor out;

    cnn_pool_shape(in->h, in->w, kk, stride, pad, &oh, &ow);
    out = net_slot_tensor(net, k, oh, ow, in->c);
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
    out = net_slot_tensor(net, out_slot, ph, pw, cout);
    if (reg != NULL && pool_stride == 2) {
        int pt, pl;

        /* the 3-channel first layer with the pool in registers: no band at all */
        (void)cnn_out_size(in->h, reg->kh, reg->stride, reg->pad, &pt, NULL);
        (void)cnn_out_size(in->w, reg->kw, reg->stride, reg->pad, &pl, NULL);
        if (cnn_conv_direct3x3_pool2(in, reg, pt, pl, oh, ow, 0, ph, out.data, pw))
            return out;
    }
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
            cnn_maxpool2_rows(b, c0, c1, ow, cout, pool_stride, p0, p1,
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

    net_conv_init(b, &net->u.tiny.conv0, 3, 3, 16, 1, CNN_PAD_VALID,
        net_bind(b, "conv0/filters", 4, 3, 3, 3, 16), net_bind(b, "conv0/bias", 1, 16, 0, 0, 0),
        CNN_ACT_LEAKY);
    for (i = 0; i < 5; i++) {
        snprintf(prefix, sizeof prefix, "conv%d", i + 1);
        net_bind_sep(b, &net->u.tiny.sep[i], prefix, ch[i], ch[i + 1], 1, CNN_ACT_LEAKY);
    }
    net_conv_init(b, &net->u.tiny.conv8, 1, 512, 25, 1, CNN_PAD_VALID,
        net_bind(b, "conv8/filters", 4, 1, 1, 512, 25), net_bind(b, "conv8/bias", 1, 25, 0, 0, 0),
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
    out->t[0] = net_run_conv(net, &p, &net->u.tiny.conv8, SLOT_HEAD);
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

    net_conv_init(b, &net->u.ssd.conv0, 3, 3, 32, 2, CNN_PAD_SAME,
        net_bind(b, "MobilenetV1/Conv2d_0_pointwise/weights", 4, 3, 3, 3, 32),
        net_bind(b, "MobilenetV1/Conv2d_0_pointwise/convolution_bn_offset", 1, 32, 0, 0, 0),
        CNN_ACT_RELU6);
    for (i = 1; i <= 13; i++) {
        struct sepconv *s = &net->u.ssd.layer[i - 1];
        int cin = cout[i - 1];
        const float *g, *be, *mu, *var;
        float *sc, *sh;

        memset(s, 0, sizeof *s);
        snprintf(name, sizeof name, "MobilenetV1/Conv2d_%d_depthwise/depthwise_weights", i);
        s->dw = net_bind(b, name, 4, 3, 3, cin, 1);
        s->stride = stride[i];
        snprintf(name, sizeof name, "MobilenetV1/Conv2d_%d_depthwise/BatchNorm/gamma", i);
        g = net_bind(b, name, 1, cin, 0, 0, 0);
        snprintf(name, sizeof name, "MobilenetV1/Conv2d_%d_depthwise/BatchNorm/beta", i);
        be = net_bind(b, name, 1, cin, 0, 0, 0);
        snprintf(name, sizeof name, "MobilenetV1/Conv2d_%d_depthwise/BatchNorm/moving_mean", i);
        mu = net_bind(b, name, 1, cin, 0, 0, 0);
        snprintf(name, sizeof name,
            "MobilenetV1/Conv2d_%d_depthwise/BatchNorm/moving_variance", i);
        var = net_bind(b, name, 1, cin, 0, 0, 0);
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
        s->pw.filter = net_bind(b, name, 4, 1, 1, cin, cout[i]);
        snprintf(name, sizeof name, "MobilenetV1/Conv2d_%d_pointwise/convolution_bn_offset", i);
        net_conv_init(b, &s->pw, 1, cin, cout[i], 1, CNN_PAD_VALID, s->pw.filter,
            net_bind(b, name, 1, cout[i], 0, 0, 0), CNN_ACT_RELU6);
    }
    for (i = 0; i < 8; i++) {
        const float *f;

        snprintf(name, sizeof name, "Prediction/Conv2d_%d_pointwise/weights", i);
        f = net_bind(b, name, 4, ex_k[i], ex_k[i], ex_c[i], ex_c[i + 1]);
        snprintf(name, sizeof name, "Prediction/Conv2d_%d_pointwise/convolution_bn_offset", i);
        net_conv_init(b, &net->u.ssd.extra[i], ex_k[i], ex_c[i], ex_c[i + 1], ex_k[i] == 3 ? 2 : 1,
            CNN_PAD_SAME, f, net_bind(b, name, 1, ex_c[i + 1], 0, 0, 0), CNN_ACT_RELU6);
    }
    for (i = 0; i < 6; i++) {
        int A = i == 0 ? 3 : 6;
        const float *f;

        snprintf(name, sizeof name, "Prediction/BoxPredictor_%d/BoxEncodingPredictor/weights", i);
        f = net_bind(b, name, 4, 1, 1, fmc[i], 4 * A);
        snprintf(name, sizeof name, "Prediction/BoxPredictor_%d/BoxEncodingPredictor/biases", i);
        net_conv_init(b, &net->u.ssd.box[i], 1, fmc[i], 4 * A, 1, CNN_PAD_VALID, f,
            net_bind(b, name, 1, 4 * A, 0, 0, 0), CNN_ACT_NONE);
        snprintf(name, sizeof name, "Prediction/BoxPredictor_%d/ClassPredictor/weights", i);
        f = net_bind(b, name, 4, 1, 1, fmc[i], 3 * A);
        snprintf(name, sizeof name, "Prediction/BoxPredictor_%d/ClassPredictor/biases", i);
        net_conv_init(b, &net->u.ssd.cls[i], 1, fmc[i], 3 * A, 1, CNN_PAD_VALID, f,
            net_bind(b, name, 1, 3 * A, 0, 0, 0), CNN_ACT_NONE);
    }
    (void)net_bind(b, "Output/extra_dim", 3, 1, SSD_ANCHORS, 4, 0);
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

    a = net_run_conv(net, x, &net->u.ssd.conv0, cur);
    for (i = 0; i < 13; i++) {
        cur = other_slot(cur);
        a = fused_block(net, &a, NULL, &net->u.ssd.layer[i], 0, cur);
        if (i == 10)
            ssd_predict(net, &a, 0, boxes, scores, &off); /* F0 = layer 11 */
    }
    ssd_predict(net, &a, 1, boxes, scores, &off); /* F1 = layer 13 */
    for (i = 0; i < 8; i++) {
        cur = other_slot(cur);
        bx = net_run_conv(net, &a, &net->u.ssd.extra[i], cur);
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
    case CNN_AGE_GENDER:
        ag_bind(&b);
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
    case CNN_AGE_GENDER:
        ag_forward(net, &x, out);
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
