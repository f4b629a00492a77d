/* SPDX-License-Identifier: MIT */
/*
 * cnn_net_ag.c - face-api's AgeGenderNet: a TinyXception feature extractor
 * with two main blocks on the 112 x 112 face crop, a global mean of its
 * 7 x 7 x 512 output, an age regression layer (512 -> 1) and a gender
 * layer (512 -> 2, face-api's softmax is left to the caller).
 *
 * Layers (face-api src/xception/TinyXception.ts; every conv 'same'):
 *   conv_in       3x3 stride 2, 3 -> 32, + bias, relu              56 x 56
 *   reduction 0   32 -> 64, input not activated                    28 x 28
 *   reduction 1   64 -> 128                                        14 x 14
 *   main 0, 1     128 -> 128, residual                             14 x 14
 *   exit reduction 128 -> 256                                       7 x 7
 *   exit sep      256 -> 512, relu                                  7 x 7
 * A reduction block is out = maxpool3x3/2(sep1(relu(sep0(relu?(x)))))
 * + expansion(x), the expansion a 1x1 stride-2 conv with bias on the raw
 * input; a main block is x + sep2(relu(sep1(relu(sep0(relu(x)))))).
 * Separable convs have one bias, after the pointwise conv. The relu after
 * a separable conv whose output feeds only another relu'd conv is fused
 * into that conv's epilogue; the residual adds into the pointwise conv's
 * (tfjs adds bias first, then the other term: a + b is exact both ways).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "faceaudit/cnn.h"
#include "recog/cnn_net_int.h"
#include "recog/recog_int.h"

#define AG_FEATURES 512

/* The 1x1 expansion conv of a reduction block, "<prefix>/expansion_conv/{filters,bias}". */
static void
bind_reduction(struct binder *b, struct ag_reduction *r, const char *prefix, int cin, int cout,
    bool activate_input)
{
    char name[128];
    const float *f, *bias;

    r->activate_input = activate_input;
    snprintf(name, sizeof name, "%s/separable_conv0", prefix);
    net_bind_sep(b, &r->sep0, name, cin, cout, 1, CNN_ACT_RELU);
    snprintf(name, sizeof name, "%s/separable_conv1", prefix);
    net_bind_sep(b, &r->sep1, name, cout, cout, 1, CNN_ACT_NONE);
    snprintf(name, sizeof name, "%s/expansion_conv/filters", prefix);
    f = net_bind(b, name, 4, 1, 1, cin, cout);
    snprintf(name, sizeof name, "%s/expansion_conv/bias", prefix);
    bias = net_bind(b, name, 1, cout, 0, 0, 0);
    net_conv_init(b, &r->expansion, 1, cin, cout, 2, CNN_PAD_SAME, f, bias, CNN_ACT_NONE);
}

void
ag_bind(struct binder *b)
{
    struct cnn_net *net = b->net;
    char name[96];
    int i, j;

    net_conv_init(b, &net->u.ag.conv_in, 3, 3, 32, 2, CNN_PAD_SAME,
        net_bind(b, "entry_flow/conv_in/filters", 4, 3, 3, 3, 32),
        net_bind(b, "entry_flow/conv_in/bias", 1, 32, 0, 0, 0), CNN_ACT_RELU);
    bind_reduction(b, &net->u.ag.red[0], "entry_flow/reduction_block_0", 32, 64, false);
    bind_reduction(b, &net->u.ag.red[1], "entry_flow/reduction_block_1", 64, 128, true);
    for (i = 0; i < 2; i++) {
        for (j = 0; j < 3; j++) {
            snprintf(name, sizeof name, "middle_flow/main_block_%d/separable_conv%d", i, j);
            net_bind_sep(b, &net->u.ag.main[i][j], name, 128, 128, 1,
                j < 2 ? CNN_ACT_RELU : CNN_ACT_NONE);
        }
    }
    bind_reduction(b, &net->u.ag.red[2], "exit_flow/reduction_block", 128, 256, true);
    net_bind_sep(b, &net->u.ag.exit_sep, "exit_flow/separable_conv", 256, 512, 1, CNN_ACT_RELU);
    net->u.ag.fc_age_w = net_bind(b, "fc/age/weights", 2, AG_FEATURES, 1, 0, 0);
    net->u.ag.fc_age_b = net_bind(b, "fc/age/bias", 1, 1, 0, 0, 0);
    net->u.ag.fc_gender_w = net_bind(b, "fc/gender/weights", 2, AG_FEATURES, 2, 0, 0);
    net->u.ag.fc_gender_b = net_bind(b, "fc/gender/bias", 1, 2, 0, 0, 0);
}

/* relu(x) into arena slot k. */
static struct cnn_tensor
relu_copy(struct cnn_net *net, const struct cnn_tensor *x, int k)
{
    struct cnn_tensor r = net_slot_tensor(net, k, x->h, x->w, x->c);
    size_t i, n = (size_t)x->h * (size_t)x->w * (size_t)x->c;

    for (i = 0; i < n; i++)
        r.data[i] = x->data[i] > 0.0f ? x->data[i] : 0.0f;
    return r;
}

/* The pointwise half of s on the depthwise output of in, plus res, into slot k. */
static struct cnn_tensor
sep_res(struct cnn_net *net, const struct cnn_tensor *in, const struct sepconv *s,
    const float *res, int k)
{
    struct cnn_tensor d = net_slot_tensor(net, SLOT_DW_TMP, in->h, in->w, in->c), out;

    cnn_depthwise3x3(in, s->dw, 1, CNN_PAD_SAME, NULL, NULL, CNN_ACT_NONE, &d);
    out = net_slot_tensor(net, k, in->h, in->w, s->pw.cout);
    cnn_conv2d_res(&d, &s->pw, res, CNN_ACT_NONE, &out, &net->arena);
    return out;
}

/* A reduction block; x in slot `cur`, the output in the other activation slot. */
static struct cnn_tensor
reduction(struct cnn_net *net, const struct cnn_tensor *x, const struct ag_reduction *r, int cur)
{
    struct cnn_tensor in = *x, a, bb, p, out;
    int oh, ow;

    if (r->activate_input)
        in = relu_copy(net, x, SLOT_AG_RELU);
    a = net_run_sep(net, &in, &r->sep0, SLOT_DW_TMP, SLOT_AG_A);
    bb = net_run_sep(net, &a, &r->sep1, SLOT_DW_TMP, SLOT_AG_B);
    p = net_run_pool(net, &bb, true, 3, 2, CNN_PAD_SAME, SLOT_AG_POOL);
    cnn_conv_shape(&r->expansion, x->h, x->w, &oh, &ow);
    out = net_slot_tensor(net, cur == SLOT_PING ? SLOT_PONG : SLOT_PING, oh, ow,
        r->expansion.cout);
    cnn_conv2d_res(x, &r->expansion, p.data, CNN_ACT_NONE, &out, &net->arena);
    return out;
}

/* A main block (residual); x in slot `cur`, the output in the other activation slot. */
static struct cnn_tensor
main_block(struct cnn_net *net, const struct cnn_tensor *x, const struct sepconv s[3], int cur)
{
    struct cnn_tensor r = relu_copy(net, x, SLOT_AG_RELU), a, bb;

    a = net_run_sep(net, &r, &s[0], SLOT_DW_TMP, SLOT_AG_A);
    bb = net_run_sep(net, &a, &s[1], SLOT_DW_TMP, SLOT_AG_B);
    return sep_res(net, &bb, &s[2], x->data, cur == SLOT_PING ? SLOT_PONG : SLOT_PING);
}

void
ag_forward(struct cnn_net *net, struct cnn_tensor *x, struct cnn_outputs *out)
{
    struct cnn_tensor a, p;
    float *res = cnn_arena_slot(&net->arena, SLOT_RESULT, 3);
    int i, cur = SLOT_PING;

    a = net_run_conv(net, x, &net->u.ag.conv_in, cur);
    for (i = 0; i < 2; i++) {
        a = reduction(net, &a, &net->u.ag.red[i], cur);
        cur = cur == SLOT_PING ? SLOT_PONG : SLOT_PING;
    }
    for (i = 0; i < 2; i++) {
        a = main_block(net, &a, net->u.ag.main[i], cur);
        cur = cur == SLOT_PING ? SLOT_PONG : SLOT_PING;
    }
    a = reduction(net, &a, &net->u.ag.red[2], cur);
    cur = cur == SLOT_PING ? SLOT_PONG : SLOT_PING;
    a = net_run_sep(net, &a, &net->u.ag.exit_sep, SLOT_DW_TMP, cur == SLOT_PING ? SLOT_PONG :
        SLOT_PING);
    /* avgPool 7x7 stride 2 valid on the 7x7 map: the global mean */
    p = net_run_pool(net, &a, false, a.h, 2, CNN_PAD_VALID, SLOT_AG_POOL);
    cnn_dense(p.data, AG_FEATURES, net->u.ag.fc_age_w, net->u.ag.fc_age_b, 1, res);
    cnn_dense(p.data, AG_FEATURES, net->u.ag.fc_gender_w, net->u.ag.fc_gender_b, 2, res + 1);
    out->n = 2;
    out->t[0].h = 1;
    out->t[0].w = 1;
    out->t[0].c = 3;
    out->t[0].data = res;
    out->t[1].h = 1;
    out->t[1].w = 1;
    out->t[1].c = AG_FEATURES;
    out->t[1].data = p.data;
}
