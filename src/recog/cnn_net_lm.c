/* SPDX-License-Identifier: MIT */
/*
 * cnn_net_lm.c - FaceLandmark68Net and FaceLandmark68TinyNet (reference
 * §5): dense blocks of (separable) convs whose outputs are summed in tfjs'
 * order, a global mean and the 136-output fully connected layer.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/cnn.h"
#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"
#include "recog/cnn_net_int.h"
#include "recog/recog_int.h"

void
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
            net_conv_init(b, &db->conv0, 3, 3, c, 2, CNN_PAD_SAME,
                net_bind(b, "dense0/conv0/filters", 4, 3, 3, 3, c),
                net_bind(b, "dense0/conv0/bias", 1, c, 0, 0, 0), CNN_ACT_RELU);
        } else {
            snprintf(prefix, sizeof prefix, "dense%d/conv0", i);
            net_bind_sep(b, &db->sep[0], prefix, cin, c, 2, CNN_ACT_RELU);
        }
        for (j = 1; j < nc; j++) {
            snprintf(prefix, sizeof prefix, "dense%d/conv%d", i, j);
            net_bind_sep(b, &db->sep[j], prefix, c, c, 1, CNN_ACT_NONE);
        }
    }
    net->u.lm.fc_in = ch[nb];
    snprintf(name, sizeof name, "fc/weights");
    net->u.lm.fc_w = net_bind(b, name, 2, ch[nb], 136, 0, 0);
    net->u.lm.fc_b = net_bind(b, "fc/bias", 1, 136, 0, 0, 0);
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
        o1 = net_run_conv(net, x, &db->conv0, SLOT_OUT1);
    else
        o1 = net_run_sep(net, x, &db->sep[0], SLOT_DW_TMP, SLOT_OUT1);
    n = (size_t)o1.h * (size_t)o1.w * (size_t)o1.c;
    o2 = net_run_sep(net, &o1, &db->sep[1], SLOT_DW_TMP, SLOT_OUT2);
    s = net_slot_tensor(net, SLOT_SUM, o1.h, o1.w, o1.c);
    add_relu2(s.data, o1.data, o2.data, n);
    o3 = net_run_sep(net, &s, &db->sep[2], SLOT_DW_TMP, SLOT_OUT3);
    y = net_slot_tensor(net, SLOT_PING, o1.h, o1.w, o1.c);
    if (db->nconv == 3) {
        add_relu3(y.data, o1.data, o2.data, o3.data, n);
        return y;
    }
    add_relu3(s.data, o1.data, o2.data, o3.data, n);
    o4 = net_run_sep(net, &s, &db->sep[3], SLOT_DW_TMP, SLOT_OUT4);
    add_relu4(y.data, o1.data, o2.data, o3.data, o4.data, n);
    return y;
}

void
lm_forward(struct cnn_net *net, struct cnn_tensor *x, struct cnn_outputs *out)
{
    struct cnn_tensor a = *x, p;
    float *res = cnn_arena_slot(&net->arena, SLOT_RESULT, 136);
    int i;

    for (i = 0; i < net->u.lm.nblocks; i++)
        a = dense_forward(net, &a, &net->u.lm.block[i]);
    /* avgPool 7x7 (14x14 for the tiny net) stride 2 valid: the global mean */
    p = net_run_pool(net, &a, false, a.h, 2, CNN_PAD_VALID, SLOT_LM_POOL);
    cnn_dense(p.data, net->u.lm.fc_in, net->u.lm.fc_w, net->u.lm.fc_b, 136, res);
    out->n = 1;
    out->t[0].h = 1;
    out->t[0].w = 1;
    out->t[0].c = 136;
    out->t[0].data = res;
}
