/* SPDX-License-Identifier: MIT */
#ifndef FA_CNN_NET_INT_H
#define FA_CNN_NET_INT_H
/*
 * cnn_net_int.h - the network instance shared by cnn_net.c (the model
 * table, binding and forward helpers, the detectors, the instance API),
 * cnn_net_lm.c (the landmark nets), cnn_net_rec.c (FaceRecognitionNet) and
 * cnn_net_ag.c (AgeGenderNet); private to those four files.
 */

#include <stdbool.h>
#include <stddef.h>

#include "faceaudit/cnn.h"

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

/* A reduction block of AgeGenderNet's TinyXception: two separable convs, pool, 1x1 shortcut. */
struct ag_reduction {
    bool activate_input;      /* relu of the input before the first separable conv */
    struct sepconv sep0, sep1;
    struct cnn_conv expansion; /* 1x1 stride 2 on the raw input, added to the pooled path */
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
    double *profile;    /* FaceRecognitionNet's per-stage CPU ms, or NULL (cnn_net_rec_profile) */
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
        struct {
            struct cnn_conv conv_in;
            struct ag_reduction red[3]; /* entry_flow 0, 1; exit_flow */
            struct sepconv main[2][3];  /* middle_flow main blocks */
            struct sepconv exit_sep;
            const float *fc_age_w, *fc_age_b, *fc_gender_w, *fc_gender_b;
        } ag;
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
    /* AgeGenderNet (block outputs alternate in SLOT_PING / SLOT_PONG, depthwise in SLOT_DW_TMP) */
    SLOT_AG_RELU = 4,    /* relu of a block's input */
    SLOT_AG_A = 5,       /* the first separable conv's output */
    SLOT_AG_B = 6,       /* the second's */
    SLOT_AG_POOL = 7,    /* a reduction block's pooled path; the pooled features */
    /* every network */
    SLOT_RESULT = 9,     /* the output returned to the caller (landmarks, descriptor) */
    SLOT_INPUT = 10,     /* cnn_net_run_rgb's prepared input */
    SLOT_WINO = CNN_SLOT_WINO
};


struct binder {
    struct cnn_net *net;
    char **cause;
    bool failed;
};

/* ---- binding and forward helpers (cnn_net.c) ---------------------------------------- */

/* Tensor data with the expected shape (4-d or 1-d); sets failed on a mismatch. */
const float *net_bind(struct binder *b, const char *name, int ndim, int d0, int d1, int d2,
    int d3);
/* n zeroed floats freed with the net. */
float *net_own(struct cnn_net *net, size_t n);
/* Set up a conv and pack its filter (when given) once for the networks' GEMM. */
void net_conv_init(struct binder *b, struct cnn_conv *cv, int k, int cin, int cout, int stride,
    enum cnn_padding pad, const float *filter, const float *bias, enum cnn_act act);
/* A face-api separable conv "<prefix>/{depthwise_filter,pointwise_filter,bias}". */
void net_bind_sep(struct binder *b, struct sepconv *s, const char *prefix, int cin, int cout,
    int stride, enum cnn_act act);
/* A tensor of h x w x c in arena slot k. */
struct cnn_tensor net_slot_tensor(struct cnn_net *net, int k, int h, int w, int c);
/* out (slot k) = conv(in). */
struct cnn_tensor net_run_conv(struct cnn_net *net, const struct cnn_tensor *in,
    const struct cnn_conv *cv, int k);
/* out (slot k) = pointwise(depthwise(in)), the depthwise result in slot tmp. */
struct cnn_tensor net_run_sep(struct cnn_net *net, const struct cnn_tensor *in,
    const struct sepconv *s, int tmp, int k);
/* out (slot k) = max or average pool of in. */
struct cnn_tensor net_run_pool(struct cnn_net *net, const struct cnn_tensor *in, bool max,
    int kk, int stride, enum cnn_padding pad, int k);

/* ---- the networks of the other files ------------------------------------------------- */

/* FaceLandmark68Net and its tiny variant (cnn_net_lm.c). */
void lm_bind(struct binder *b, bool tiny);
void lm_forward(struct cnn_net *net, struct cnn_tensor *x, struct cnn_outputs *out);
/* FaceRecognitionNet (cnn_net_rec.c); rec_forward_many gives n x 128 floats. */
void rec_bind(struct binder *b);
void rec_forward(struct cnn_net *net, struct cnn_tensor *x, struct cnn_outputs *out);
void rec_forward_many(struct cnn_net *net, const float *const *inputs, size_t n, float *outs);
/* AgeGenderNet (cnn_net_ag.c). */
void ag_bind(struct binder *b);
void ag_forward(struct cnn_net *net, struct cnn_tensor *x, struct cnn_outputs *out);

#endif /* FA_CNN_NET_INT_H */
