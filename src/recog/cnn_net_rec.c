/* SPDX-License-Identifier: MIT */
/*
 * cnn_net_rec.c - FaceRecognitionNet (reference §6), dlib's ResNet-29: a
 * 7x7 conv, max pool, 14 residual blocks and a 256 -> 128 projection. The
 * scale layers are folded into the filters at load, the residual add and
 * ReLU fused into each block's second conv; a batch runs block by block,
 * and on the small maps each conv runs for the whole batch as one GEMM.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "faceaudit/cnn.h"
#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"
#include "recog/cnn_net_int.h"
#include "recog/recog_int.h"

/*
 * Bind "<prefix>/conv/{filters,bias}" + "<prefix>/scale/{weights,biases}",
 * the scale layer folded into the filter and bias at load (one multiply-add
 * less per output, and the epilogue is bias + residual + activation).
 */
/*
 * The Winograd tile a 3x3 stride-1 conv of this net gets on size x size
 * maps: 4 (F(4x4, 3x3)), 2 (F(2x2, 3x3)) or 0 (none: im2col + GEMM), as
 * measured layer by layer with bench/recog_layers (doc/PERFORMANCE.md).
 */
int
cnn_net_rec_winograd_m(int size, int cin, int cout)
{
    (void)cin;
    if (cout > 128)
        return 0; /* 3x3 maps of 256 channels: bound by reading the filters */
    /* F(4x4) is faster on the 8x8 maps too with the filter in cache (a batch), but a single
     * face reads its 2.25x larger filter from memory: F(2x2) there */
    return size >= 17 ? 4 : 2;
}

static void
bind_unit(struct binder *b, struct cnn_conv *cv, const char *prefix, int k, int cin, int cout,
    int stride, enum cnn_padding pad, enum cnn_act act, int size)
{
    char name[128];
    const float *f, *bias, *scale, *shift;
    struct cnn_weights *w = b->net->w;

    snprintf(name, sizeof name, "%s/conv/filters", prefix);
    f = net_bind(b, name, 4, k, k, cin, cout);
    snprintf(name, sizeof name, "%s/conv/bias", prefix);
    bias = net_bind(b, name, 1, cout, 0, 0, 0);
    snprintf(name, sizeof name, "%s/scale/weights", prefix);
    scale = net_bind(b, name, 1, cout, 0, 0, 0);
    snprintf(name, sizeof name, "%s/scale/biases", prefix);
    shift = net_bind(b, name, 1, cout, 0, 0, 0);
    if (b->failed) {
        memset(cv, 0, sizeof *cv);
        return;
    }
    bias = cnn_weights_fold(w, bias, 1, cout, scale, shift);
    /* no unpacked filter: every conv runs on the packed GEMM, the 7x7 one too (after im2col,
     * in bands: rec_conv0), which beats the direct 3-channel conv there */
    net_conv_init(b, cv, k, cin, cout, stride, pad, NULL, bias, act);
    cv->packed = cnn_weights_derive_scaled(w, f, CNN_DERIVE_GEMM, k * k * cin, cout, scale);
    /* transform the 3x3 stride-1 filters of the 35/17/8-pixel maps once for Winograd (the
     * 256-channel layers on 3x3 maps are bound by reading their filters, which Winograd makes
     * larger) */
    if (cnn_winograd_ok(cv)) {
        cv->winograd_m = cnn_net_rec_winograd_m(size, cin, cout);
        if (cv->winograd_m != 0)
            cv->winograd = cnn_weights_derive_scaled(w, f, cv->winograd_m == 4 ?
                CNN_DERIVE_WINOGRAD4 : CNN_DERIVE_WINOGRAD, cin, cout, scale);
    }
}

void
rec_bind(struct binder *b)
{
    struct cnn_net *net = b->net;
    static const struct {
        const char *name;
        int cin;
        int cout;
        bool down;
        int size; /* side of the block's output maps at the 150-pixel input */
    } layers[] = {
        { "conv32_1", 32, 32, false, 35 }, { "conv32_2", 32, 32, false, 35 },
        { "conv32_3", 32, 32, false, 35 }, { "conv64_down", 32, 64, true, 17 },
        { "conv64_1", 64, 64, false, 17 }, { "conv64_2", 64, 64, false, 17 },
        { "conv64_3", 64, 64, false, 17 }, { "conv128_down", 64, 128, true, 8 },
        { "conv128_1", 128, 128, false, 8 }, { "conv128_2", 128, 128, false, 8 },
        { "conv256_down", 128, 256, true, 3 }, { "conv256_1", 256, 256, false, 3 },
        { "conv256_2", 256, 256, false, 3 }, { "conv256_down_out", 256, 256, true, 1 },
    };
    char prefix[64];
    size_t i;

    bind_unit(b, &net->u.rec.conv0, "conv32_down", 7, 3, 32, 2, CNN_PAD_VALID, CNN_ACT_RELU,
        72);
    net->u.rec.nres = (int)FA_NITEMS(layers);
    for (i = 0; i < FA_NITEMS(layers); i++) {
        struct res_block *r = &net->u.rec.res[i];

        r->down = layers[i].down;
        snprintf(prefix, sizeof prefix, "%s/conv1", layers[i].name);
        bind_unit(b, &r->c1, prefix, 3, layers[i].cin, layers[i].cout, r->down ? 2 : 1,
            r->down ? CNN_PAD_VALID : CNN_PAD_SAME, CNN_ACT_RELU, layers[i].size);
        snprintf(prefix, sizeof prefix, "%s/conv2", layers[i].name);
        bind_unit(b, &r->c2, prefix, 3, layers[i].cout, layers[i].cout, 1, CNN_PAD_SAME,
            CNN_ACT_NONE, layers[i].size);
    }
    net->u.rec.fc = net_bind(b, "fc", 2, 256, 128, 0, 0);
}

/*
 * residualDown's merge: y <- relu(pad_c(avgpool2(x)) + pad_hw(u2)), written
 * over x's buffer (x is consumed; y is half its size). Pool in SLOT_REC_POOL.
 */
static struct cnn_tensor
res_down_merge(struct cnn_net *net, struct cnn_tensor x, struct cnn_tensor u2)
{
    struct cnn_tensor p = net_run_pool(net, &x, false, 2, 2, CNN_PAD_VALID, SLOT_REC_POOL), y;
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
    struct cnn_tensor u1 = net_run_conv(net, &x, &r->c1, SLOT_REC_U1);
    struct cnn_tensor y;

    if (!r->down) {
        y.data = other;
        cnn_conv2d_res(&u1, &r->c2, x.data, CNN_ACT_RELU, &y, &net->arena);
        return y;
    }
    return res_down_merge(net, x, net_run_conv(net, &u1, &r->c2, SLOT_REC_U2));
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

/* Output rows per band of the 7x7 conv: the band's im2col patches (147 floats a pixel) in L2. */
#define REC_CONV0_BAND 6

/*
 * The 7x7 stride-2 conv on the 150x150 input into SLOT_REC_U1, band by
 * band so each band's im2col patches are still in cache for the GEMM.
 */
static struct cnn_tensor
rec_conv0(struct cnn_net *net, const struct cnn_tensor *x)
{
    const struct cnn_conv *cv = &net->u.rec.conv0;
    struct cnn_tensor out;
    int oy;

    cnn_conv_shape(cv, x->h, x->w, &out.h, &out.w);
    out = net_slot_tensor(net, SLOT_REC_U1, out.h, out.w, cv->cout);
    for (oy = 0; oy < out.h; oy += REC_CONV0_BAND)
        cnn_conv2d_rows(x, cv, oy, oy + REC_CONV0_BAND, out.data + (size_t)oy *
            (size_t)out.w * (size_t)out.c, &net->arena);
    return out;
}

/* Thread CPU time in ms (the stage profile). */
static double
rec_cpu_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* With a profile: the time since *t added to stage k, *t restarted. */
static void
rec_stage(struct cnn_net *net, int k, double *t)
{
    double now;

    if (net->profile == NULL)
        return;
    now = rec_cpu_ms();
    net->profile[k] += now - *t;
    *t = now;
}

int
cnn_net_rec_profile(struct cnn_net *net, double *ms)
{
    if (net->model != CNN_FACE_RECOGNITION)
        return -1;
    net->profile = ms;
    return 0;
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
void
rec_forward_many(struct cnn_net *net, const float *const *inputs, size_t n, float *outs)
{
    struct cnn_tensor *act = xcalloc(n, sizeof *act);
    float **others = xcalloc(n, sizeof *others);
    float *mean = cnn_arena_slot(&net->arena, SLOT_REC_MEAN, 256);
    size_t f;
    int i;
    double t = net->profile != NULL ? rec_cpu_ms() : 0.0;

    for (f = 0; f < n; f++) {
        struct cnn_tensor x, a;
        int ph, pw;

        x.h = x.w = net->size;
        x.c = 3;
        x.data = (float *)(uintptr_t)inputs[f]; /* read only */
        a = rec_conv0(net, &x);
        rec_stage(net, 0, &t);
        cnn_pool_shape(a.h, a.w, 3, 2, CNN_PAD_VALID, &ph, &pw);
        /* two buffers per face: a residual block reads one and writes the other */
        act[f].data = batch_buf(net, 2 * f, (size_t)ph * (size_t)pw * (size_t)a.c);
        (void)batch_buf(net, 2 * f + 1, (size_t)ph * (size_t)pw * (size_t)a.c);
        cnn_maxpool(&a, 3, 2, CNN_PAD_VALID, &act[f]);
        rec_stage(net, 1, &t);
    }
    for (i = 0; i < net->u.rec.nres; i++) {
        for (f = 0; f < n; f++)
            others[f] = act[f].data == net->batch[2 * f] ? net->batch[2 * f + 1] :
                net->batch[2 * f];
        if (n > 1 && (size_t)act[0].h * (size_t)act[0].w <= REC_BATCH_MAX_PIXELS) {
            res_forward_batch(net, act, n, &net->u.rec.res[i], others);
        } else {
            for (f = 0; f < n; f++)
                act[f] = res_forward(net, act[f], &net->u.rec.res[i], others[f]);
        }
        rec_stage(net, 2 + i, &t);
    }
    for (f = 0; f < n; f++) {
        cnn_global_mean(&act[f], mean);
        cnn_dense(mean, 256, net->u.rec.fc, NULL, 128, outs + f * 128);
    }
    rec_stage(net, CNN_REC_STAGES - 1, &t);
    free(others);
    free(act);
}

void
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
