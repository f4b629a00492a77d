/* SPDX-License-Identifier: MIT */
/*
 * recog_core.c - speed of the inference core, network by network: median
 * milliseconds per forward pass of each face-api network on one thread (the
 * BLAS is pinned to one thread too), as CPU time of the thread (robust on a
 * shared machine) and wall time, on a fixed pseudo-random normalised
 * input, after warm-up passes. Also the preprocessing of a 1920x1400 image
 * for the 416 detector. Run on demand (`make bench && bench/recog_core`);
 * figures to compare with reference §8 (tfjs-wasm: tiny 416 57 ms,
 * SSD 330 ms, landmarks 8.4 ms, descriptor 24.6 ms, measured by the
 * reference's author on this machine type; bench/recog runs the peer live).
 * Prints the median and the best run: on a shared machine the best is the
 * closer estimate of the code's own speed. GFLOP/s count a direct
 * evaluation's multiply-adds (Winograd layers do fewer).
 *
 *   bench/recog_core [-n RUNS] [-s TINY_INPUT] [-m NETWORK] [MODELS_DIR]
 *
 * -m runs one network only (its stem, e.g. face_recognition_model), for a
 * profiler.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "faceaudit/cnn.h"
#include "faceaudit/gemm.h"
#include "faceaudit/image.h"
#include "faceaudit/log.h"
#include "faceaudit/models.h"
#include "faceaudit/xmalloc.h"

static double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* CPU time of the calling thread (the BLAS runs in it with one thread): robust to a shared machine. */
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

/* Median of n timings (sorts t). */
static double
median(double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

static const double peer_ms[CNN_MODEL_COUNT] = { 57.0, 330.0, 8.4, 0.0, 24.6, 0.0 };
/* Multiply-accumulates of a direct evaluation (reference §8; tiny at 416; AgeGenderNet from
 * its layer shapes in src/recog/cnn_net_ag.c). */
static const double macs_m[CNN_MODEL_COUNT] = { 198.8, 3143.0, 51.6, 28.7, 270.9, 97.2 };

/* Single-thread SGEMM rate of OpenBLAS and of the networks' packed GEMM, 512^3, GFLOP/s. */
static void
gemm_rates(int runs, double *blas, double *packed)
{
    int n = 512, i;
    size_t nn = (size_t)n * (size_t)n, k;
    float *a = xmalloc(nn * sizeof(float)), *b = xmalloc(nn * sizeof(float));
    float *c = xmalloc(nn * sizeof(float)), *bp;
    double best = 1e30, bestp = 1e30;

    for (k = 0; k < nn; k++) {
        a[k] = (float)(k % 13) * 0.1f;
        b[k] = (float)(k % 7) * 0.1f;
    }
    bp = cnn_gemm_pack(b, n, n);
    for (i = 0; i < runs; i++) {
        double t0 = cpu_ms();

        gemm_sgemm(false, false, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
        t0 = cpu_ms() - t0;
        best = t0 < best ? t0 : best;
        t0 = cpu_ms();
        cnn_gemm_packed(n, n, n, a, n, bp, NULL, c, n);
        t0 = cpu_ms() - t0;
        bestp = t0 < bestp ? t0 : bestp;
    }
    *blas = 2.0 * n * n * (double)n / best / 1e6;
    *packed = 2.0 * n * n * (double)n / bestp / 1e6;
    free(a);
    free(b);
    free(c);
    free(bp);
}

int
main(int argc, char **argv)
{
    int runs = 20, tiny = 416, opt, m, i;
    const char *only = NULL;
    char *dir, *cause = NULL;
    double *t, *c;
    unsigned seed = 12345;

    while ((opt = getopt(argc, argv, "n:s:m:")) != -1) {
        if (opt == 'n')
            runs = atoi(optarg);
        else if (opt == 's')
            tiny = atoi(optarg);
        else if (opt == 'm')
            only = optarg;
        else {
            fprintf(stderr, "usage: recog_core [-n RUNS] [-s TINY_INPUT] [-m NETWORK] "
                "[MODELS_DIR]\n");
            return 2;
        }
    }
    if (runs < 1)
        runs = 1;
    dir = optind < argc ? xstrdup(argv[optind]) : models_dir();
    gemm_set_threads(1);
    printf("BLAS: %s (kernel %s), 1 thread, %d runs, median\n", gemm_backend(), gemm_kernel(),
        runs);
    {
        double blas, packed;

        gemm_rates(runs, &blas, &packed);
        printf("SGEMM 512^3, 1 thread (best): OpenBLAS %.1f GFLOP/s, packed GEMM %.1f GFLOP/s\n",
            blas, packed);
    }
    t = xcalloc((size_t)runs, sizeof *t);
    c = xcalloc((size_t)runs, sizeof *c);
    for (m = 0; m < CNN_MODEL_COUNT; m++) {
        struct cnn_weights *w;
        struct cnn_net *net;
        struct cnn_outputs o;
        size_t n, k;
        float *x;
        int size;

        if (only != NULL && strcmp(only, cnn_model_stem(m)) != 0)
            continue;
        w = cnn_weights_load_model(dir, cnn_model_stem(m), &cause);
        if (w == NULL) {
            fprintf(stderr, "recog_core: %s\n", cause);
            return 1;
        }
        net = cnn_net_new(m, w, m == CNN_TINY_FACE_DETECTOR ? tiny : 0, &cause);
        cnn_weights_unref(w);
        if (net == NULL) {
            fprintf(stderr, "recog_core: %s\n", cause);
            return 1;
        }
        size = cnn_net_input_size(net);
        n = (size_t)size * (size_t)size * 3;
        x = xmalloc(n * sizeof *x);
        for (k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            x[k] = (float)((seed >> 8) & 0xffff) / 65536.0f - 0.5f;
        }
        for (i = 0; i < 3; i++)
            cnn_net_forward(net, x, &o);
        for (i = 0; i < runs; i++) {
            double t0 = now_ms(), c0 = cpu_ms();

            cnn_net_forward(net, x, &o);
            t[i] = now_ms() - t0;
            c[i] = cpu_ms() - c0;
        }
        {
            double wall = median(t, runs), med = median(c, runs), best = c[0];

            /* median(c) sorted c: c[0] is the best run, the least disturbed by other load */
            printf("%-24s %4dx%-4d cpu %7.2f ms (best %7.2f) wall %7.2f ms", cnn_model_name(m),
                size, size, med, best, wall);
            if (m != CNN_TINY_FACE_DETECTOR || tiny == 416)
                printf(" %6.1f GFLOP/s", 2.0 * macs_m[m] / best);
            if (peer_ms[m] > 0.0 && (m != CNN_TINY_FACE_DETECTOR || tiny == 416))
                printf("  tfjs-wasm %.1f ms: %.2fx (best %.2fx)", peer_ms[m], peer_ms[m] / med,
                    peer_ms[m] / best);
            printf("  scratch %.1f MB, packed filters %.1f MB\n",
                (double)cnn_net_arena(net)->bytes / 1e6,
                (double)cnn_weights_derived_floats(w) * 4.0 / 1e6);
        }
        if (m == CNN_FACE_RECOGNITION || m == CNN_FACE_LANDMARK68) {
            /* the faces of one image layer by layer (face_pipeline_run does this for the
             * descriptors): four for the recognition net, eight (bench/recog's ONNX Runtime
             * batch) for the landmark net */
            const float *inb[8] = { x, x, x, x, x, x, x, x };
            int nb = m == CNN_FACE_RECOGNITION ? 4 : 8;
            float *outs = xmalloc(8 * 136 * sizeof(float));

            cnn_net_forward_many(net, inb, (size_t)nb, outs);
            for (i = 0; i < runs; i++) {
                double c0 = cpu_ms();

                cnn_net_forward_many(net, inb, (size_t)nb, outs);
                c[i] = (cpu_ms() - c0) / nb;
            }
            {
                double med = median(c, runs), best = c[0];

                printf("%-24s %4dx%-4d cpu %7.2f ms (best %7.2f) per face in a batch of %d  "
                    "tfjs-wasm %.1f ms: %.2fx (best %.2fx)\n", nb == 4 ? "  batch of 4 faces" :
                    "  batch of 8 faces", size, size, med, best, nb, peer_ms[m],
                    peer_ms[m] / med, peer_ms[m] / best);
            }
            free(outs);
        }
        free(x);
        cnn_net_free(net);
    }
    {
        struct image *img = image_new(1920, 1400, 3, IMAGE_U8);
        float *out = xmalloc((size_t)416 * 416 * 3 * sizeof(float));

        for (i = 0; i < runs; i++) {
            double c0 = cpu_ms();

            image_prepare(img, 416, false, NULL, out);
            c[i] = cpu_ms() - c0;
        }
        printf("%-24s %4dx%-4d %8.2f ms cpu\n", "pad+resize 1920x1400", 416, 416,
            median(c, runs));
        image_free(img);
        free(out);
    }
    {
        struct rusage ru;

        getrusage(RUSAGE_SELF, &ru);
        printf("peak RSS %.1f MB (each network loaded, run and freed in turn)\n",
            (double)ru.ru_maxrss / 1024.0);
    }
    free(t);
    free(c);
    free(dir);
    return 0;
}
