/* SPDX-License-Identifier: MIT */
/*
 * recog_layers.c - where FaceRecognitionNet's time goes, layer by layer,
 * and which convolution path is fastest for each of its layers: every conv
 * of the network with its real (scale-folded) filters on an input of its
 * real shape, timed on each path it can take (packed GEMM after im2col,
 * for the 7x7 conv in the network's bands of 6 output rows; the direct
 * 3-channel conv; Winograd F(2x2, 3x3); F(4x4, 3x3)), at batch 1
 * (cnn_conv2d) and per face in a batch (cnn_conv2d_many), as CPU time of
 * the thread (one thread, robust to a shared machine), best and median of
 * the runs. The path the network takes is marked with '*'; each path's
 * largest difference to the GEMM path's output is printed (the Winograd
 * rounding). The last lines give the whole forward pass (cnn_net_forward
 * and a batch through cnn_net_forward_many) beside the sum of the layers.
 *
 *   bench/recog_layers [-n RUNS] [-b BATCH] [MODELS_DIR]      (make bench)
 *
 * doc/PERFORMANCE.md has the figures; the choice of path per layer is
 * made in src/recog/cnn_net_rec.c (bind_unit) from them.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "faceaudit/cnn.h"
#include "faceaudit/gemm.h"
#include "faceaudit/models.h"
#include "faceaudit/xmalloc.h"

static int runs = 30;

/* CPU time of the calling thread, ms. */
static double
cpu_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* The layers: tensor prefix, input side, channels, kernel, stride, whether 'same'. */
static const struct layer {
    const char *name;
    int size, cin, cout, k, stride;
    bool same;
} layers[] = {
    { "conv32_down", 150, 3, 32, 7, 2, false },
    { "conv32_1/conv1", 35, 32, 32, 3, 1, true }, { "conv32_1/conv2", 35, 32, 32, 3, 1, true },
    { "conv32_2/conv1", 35, 32, 32, 3, 1, true }, { "conv32_2/conv2", 35, 32, 32, 3, 1, true },
    { "conv32_3/conv1", 35, 32, 32, 3, 1, true }, { "conv32_3/conv2", 35, 32, 32, 3, 1, true },
    { "conv64_down/conv1", 35, 32, 64, 3, 2, false },
    { "conv64_down/conv2", 17, 64, 64, 3, 1, true },
    { "conv64_1/conv1", 17, 64, 64, 3, 1, true }, { "conv64_1/conv2", 17, 64, 64, 3, 1, true },
    { "conv64_2/conv1", 17, 64, 64, 3, 1, true }, { "conv64_2/conv2", 17, 64, 64, 3, 1, true },
    { "conv64_3/conv1", 17, 64, 64, 3, 1, true }, { "conv64_3/conv2", 17, 64, 64, 3, 1, true },
    { "conv128_down/conv1", 17, 64, 128, 3, 2, false },
    { "conv128_down/conv2", 8, 128, 128, 3, 1, true },
    { "conv128_1/conv1", 8, 128, 128, 3, 1, true }, { "conv128_1/conv2", 8, 128, 128, 3, 1, true },
    { "conv128_2/conv1", 8, 128, 128, 3, 1, true }, { "conv128_2/conv2", 8, 128, 128, 3, 1, true },
    { "conv256_down/conv1", 8, 128, 256, 3, 2, false },
    { "conv256_down/conv2", 3, 256, 256, 3, 1, true },
    { "conv256_1/conv1", 3, 256, 256, 3, 1, true }, { "conv256_1/conv2", 3, 256, 256, 3, 1, true },
    { "conv256_2/conv1", 3, 256, 256, 3, 1, true }, { "conv256_2/conv2", 3, 256, 256, 3, 1, true },
    { "conv256_down_out/conv1", 3, 256, 256, 3, 2, false },
    { "conv256_down_out/conv2", 1, 256, 256, 3, 1, true },
};

enum path { P_GEMM, P_DIRECT, P_F2, P_F4, P_COUNT };
static const char *const path_names[P_COUNT] = { "gemm", "direct", "F(2x2)", "F(4x4)" };

/* The named tensor's data, or exit. */
static const float *
tensor(struct cnn_weights *w, const char *prefix, const char *what)
{
    char name[128];
    const struct cnn_param *p;

    snprintf(name, sizeof name, "%s/%s", prefix, what);
    p = cnn_weights_find(w, name);
    if (p == NULL) {
        fprintf(stderr, "recog_layers: no tensor %s\n", name);
        exit(1);
    }
    return p->data;
}

/* Best and median ms per face of one path of conv cv on n inputs; out gets face 0's output. */
static void
time_path(const struct cnn_conv *cv, struct cnn_tensor *ins, struct cnn_tensor *outs, size_t n,
    struct cnn_arena *a, double *best, double *med)
{
    double *t = xcalloc((size_t)runs, sizeof *t);
    int i;

    for (i = -2; i < runs; i++) {
        double c0 = cpu_ms();
        size_t f;
        int oy;

        if (cv->kh == 7 && cv->filter == NULL) {
            /* the network's 7x7 conv: im2col and GEMM in bands of 6 output rows (rec_conv0) */
            for (f = 0; f < n; f++) {
                cnn_conv_shape(cv, ins[f].h, ins[f].w, &outs[f].h, &outs[f].w);
                outs[f].c = cv->cout;
                for (oy = 0; oy < outs[f].h; oy += 6)
                    cnn_conv2d_rows(&ins[f], cv, oy, oy + 6, outs[f].data + (size_t)oy *
                        (size_t)outs[f].w * (size_t)cv->cout, a);
            }
        } else if (n == 1)
            cnn_conv2d(&ins[0], cv, &outs[0], a);
        else
            cnn_conv2d_many(ins, n, cv, NULL, cv->act, outs, a);
        if (i >= 0)
            t[i] = (cpu_ms() - c0) / (double)n;
    }
    qsort(t, (size_t)runs, sizeof *t, cmp_double);
    *best = t[0];
    *med = runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
    free(t);
}

int
main(int argc, char **argv)
{
    int batch = 8, opt;
    size_t l, f, k;
    char *dir, *cause = NULL;
    struct cnn_weights *w;
    struct cnn_arena a;
    double sum[2] = { 0, 0 };
    unsigned seed = 12345;

    while ((opt = getopt(argc, argv, "n:b:")) != -1) {
        if (opt == 'n')
            runs = atoi(optarg);
        else if (opt == 'b')
            batch = atoi(optarg);
        else {
            fprintf(stderr, "usage: recog_layers [-n RUNS] [-b BATCH] [MODELS_DIR]\n");
            return 2;
        }
    }
    if (runs < 1)
        runs = 1;
    if (batch < 2)
        batch = 2;
    dir = optind < argc ? xstrdup(argv[optind]) : models_dir();
    w = cnn_weights_load_model(dir, "face_recognition_model", &cause);
    if (w == NULL) {
        fprintf(stderr, "recog_layers: %s\n", cause);
        return 1;
    }
    gemm_set_threads(1);
    cnn_arena_init(&a);
    printf("FaceRecognitionNet layer by layer: %s kernels, BLAS %s (kernel %s), 1 thread, "
        "%d runs; ms of thread CPU per face, best / median; '*' the network's path\n",
        cnn_isa_name(cnn_isa()), gemm_backend(), gemm_kernel(), runs);
    printf("%-24s %-14s %6s |", "layer", "in -> out", "MMAC");
    for (k = 0; k < P_COUNT; k++)
        printf(" %-8s b=1 %13s b=%-2d |", path_names[k], "", batch);
    printf(" max diff to gemm\n");
    for (l = 0; l < sizeof layers / sizeof layers[0]; l++) {
        const struct layer *L = &layers[l];
        struct cnn_conv cv;
        const float *filt = tensor(w, L->name, "conv/filters");
        const float *bias = tensor(w, L->name, "conv/bias");
        const float *scale = tensor(w, L->name, "scale/weights");
        const float *shift = tensor(w, L->name, "scale/biases");
        struct cnn_tensor *ins = xcalloc((size_t)batch, sizeof *ins);
        struct cnn_tensor *outs = xcalloc((size_t)batch, sizeof *outs);
        size_t nin = (size_t)L->size * (size_t)L->size * (size_t)L->cin, nout;
        float *x = xmalloc((size_t)batch * nin * sizeof(float)), *y, *ref = NULL;
        double best[P_COUNT][2], med[P_COUNT][2], diff[P_COUNT] = { 0, 0, 0, 0 };
        bool have[P_COUNT] = { true, L->cin <= 4, false, false };
        int oh, ow, p, chosen = P_GEMM;
        char shape[32];

        for (k = 0; k < (size_t)batch * nin; k++) { /* post-ReLU activations in [0, 1) */
            seed = seed * 1103515245u + 12345u;
            x[k] = (float)((seed >> 8) & 0xffff) / 65536.0f;
        }
        memset(&cv, 0, sizeof cv);
        cv.kh = cv.kw = L->k;
        cv.cin = L->cin;
        cv.cout = L->cout;
        cv.stride = L->stride;
        cv.pad = L->same ? CNN_PAD_SAME : CNN_PAD_VALID;
        cv.act = CNN_ACT_RELU;
        cv.bias = cnn_weights_fold(w, bias, 1, L->cout, scale, shift);
        cv.packed = cnn_weights_derive_scaled(w, filt, CNN_DERIVE_GEMM, L->k * L->k * L->cin,
            L->cout, scale);
        cnn_conv_shape(&cv, L->size, L->size, &oh, &ow);
        nout = (size_t)oh * (size_t)ow * (size_t)L->cout;
        y = xmalloc((size_t)batch * nout * sizeof(float));
        for (f = 0; f < (size_t)batch; f++) {
            ins[f] = (struct cnn_tensor){ L->size, L->size, L->cin, x + f * nin };
            outs[f].data = y + f * nout;
        }
        if (cnn_winograd_ok(&cv)) {
            struct cnn_conv t = cv;

            t.winograd = (const float *)1; /* only asks whether the map is large enough */
            have[P_F2] = have[P_F4] = cnn_winograd_use(&t, L->size, L->size, L->cin);
        }
        for (p = 0; p < P_COUNT; p++) {
            struct cnn_conv c = cv;

            if (!have[p])
                continue;
            if (p == P_DIRECT) /* an unpacked filter: the direct 3-channel conv */
                c.filter = cnn_weights_fold(w, filt, (size_t)(L->k * L->k * L->cin), L->cout,
                    scale, NULL);
            if (p == P_F2)
                c.winograd = cnn_weights_derive_scaled(w, filt, CNN_DERIVE_WINOGRAD, L->cin,
                    L->cout, scale);
            if (p == P_F4) {
                c.winograd = cnn_weights_derive_scaled(w, filt, CNN_DERIVE_WINOGRAD4, L->cin,
                    L->cout, scale);
                c.winograd_m = 4;
            }
            time_path(&c, ins, outs, (size_t)batch, &a, &best[p][1], &med[p][1]);
            time_path(&c, ins, outs, 1, &a, &best[p][0], &med[p][0]);
            if (p == P_GEMM) {
                ref = xmalloc(nout * sizeof(float));
                memcpy(ref, y, nout * sizeof(float));
            } else {
                for (k = 0; k < nout; k++)
                    diff[p] = fmax(diff[p], fabs((double)y[k] - (double)ref[k]));
            }
        }
        /* the path the network takes (its Winograd tile where the map is large enough) */
        if (have[P_F2]) {
            int m = cnn_net_rec_winograd_m(L->size, L->cin, L->cout);

            chosen = m == 4 ? P_F4 : m == 2 ? P_F2 : P_GEMM;
        }
        snprintf(shape, sizeof shape, "%dx%dx%d>%d", L->size, L->size, L->cin, L->cout);
        printf("%-24s %-14s %6.1f |", L->name, shape,
            (double)oh * ow * L->cout * L->k * L->k * L->cin / 1e6);
        for (p = 0; p < P_COUNT; p++) {
            if (!have[p])
                printf(" %-27s |", "-");
            else
                printf("%c%5.3f/%5.3f %5.3f/%5.3f   |", p == chosen ? '*' : ' ', best[p][0],
                    med[p][0], best[p][1], med[p][1]);
        }
        if (have[P_F2])
            printf(" %.1e %.1e", diff[P_F2], diff[P_F4]);
        if (have[P_DIRECT])
            printf(" %.1e (direct)", diff[P_DIRECT]);
        printf("\n");
        sum[0] += best[chosen][0];
        sum[1] += best[chosen][1];
        free(ref);
        free(x);
        free(y);
        free(ins);
        free(outs);
    }
    printf("sum of the convs on the network's paths (best): %.3f ms at batch 1, %.3f ms per "
        "face at batch %d\n", sum[0], sum[1], batch);
    {
        struct cnn_net *net = cnn_net_new(CNN_FACE_RECOGNITION, w, 0, &cause);
        size_t n = (size_t)150 * 150 * 3;
        float *in = xmalloc(n * sizeof(float)), *desc = xmalloc((size_t)batch * 128 *
            sizeof(float));
        const float **many = xcalloc((size_t)batch, sizeof *many);
        double *t = xcalloc((size_t)runs, sizeof *t), *tb = xcalloc((size_t)runs, sizeof *tb);
        struct cnn_outputs o;
        int i;

        if (net == NULL) {
            fprintf(stderr, "recog_layers: %s\n", cause);
            return 1;
        }
        for (k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            in[k] = (float)((seed >> 8) & 0xffff) / 65536.0f - 0.5f;
        }
        for (f = 0; f < (size_t)batch; f++)
            many[f] = in;
        for (i = -2; i < runs; i++) {
            double c0 = cpu_ms();

            cnn_net_forward(net, in, &o);
            if (i >= 0)
                t[i] = cpu_ms() - c0;
            c0 = cpu_ms();
            cnn_net_forward_many(net, many, (size_t)batch, desc);
            if (i >= 0)
                tb[i] = (cpu_ms() - c0) / batch;
        }
        qsort(t, (size_t)runs, sizeof *t, cmp_double);
        qsort(tb, (size_t)runs, sizeof *tb, cmp_double);
        printf("whole network (cnn_net_forward): best %.3f, median %.3f ms; per face at batch %d "
            "(cnn_net_forward_many): best %.3f, median %.3f ms\n", t[0], t[runs / 2], batch,
            tb[0], tb[runs / 2]);
        /* the same passes again with the network's own stage profile (mean over the runs) */
        {
            static const char *const stage[CNN_REC_STAGES] = {
                "conv32_down (7x7 /2)", "max pool 3x3 /2", "conv32_1", "conv32_2", "conv32_3",
                "conv64_down", "conv64_1", "conv64_2", "conv64_3", "conv128_down", "conv128_1",
                "conv128_2", "conv256_down", "conv256_1", "conv256_2", "conv256_down_out",
                "mean + fc"
            };
            double p1[CNN_REC_STAGES] = { 0 }, pb[CNN_REC_STAGES] = { 0 }, s1 = 0, sb = 0;

            cnn_net_rec_profile(net, p1);
            for (i = 0; i < runs; i++)
                cnn_net_forward(net, in, &o);
            cnn_net_rec_profile(net, pb);
            for (i = 0; i < runs; i++)
                cnn_net_forward_many(net, many, (size_t)batch, desc);
            cnn_net_rec_profile(net, NULL);
            for (i = 0; i < CNN_REC_STAGES; i++) {
                s1 += p1[i] / runs;
                sb += pb[i] / runs / batch;
            }
            printf("%-24s %13s %19s   (mean ms of thread CPU in the network's passes)\n",
                "stage", "batch 1", "per face, batch");
            for (i = 0; i < CNN_REC_STAGES; i++)
                printf("%-24s %7.3f %4.1f%% %13.3f %4.1f%%\n", stage[i], p1[i] / runs,
                    100.0 * p1[i] / runs / s1, pb[i] / runs / batch,
                    100.0 * pb[i] / runs / batch / sb);
            printf("%-24s %7.3f %19.3f\n", "total", s1, sb);
        }
        free(t);
        free(tb);
        free(many);
        free(in);
        free(desc);
        cnn_net_free(net);
    }
    cnn_arena_done(&a);
    cnn_weights_unref(w);
    free(dir);
    return 0;
}
