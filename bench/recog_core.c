/* SPDX-License-Identifier: MIT */
/*
 * recog_core.c - speed of the inference core, network by network: median
 * milliseconds per forward pass of each face-api network on one thread (the
 * BLAS is pinned to one thread too), on a fixed pseudo-random normalised
 * input, after warm-up passes. Also the preprocessing of a 1920x1400 image
 * for the 416 detector. Run on demand (`make bench && bench/recog_core`);
 * figures to compare with reference §8 (tfjs-wasm: tiny 416 57 ms,
 * SSD 330 ms, landmarks 8.4 ms, descriptor 24.6 ms).
 *
 *   bench/recog_core [-n RUNS] [-s TINY_INPUT] [MODELS_DIR]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static const double peer_ms[CNN_MODEL_COUNT] = { 57.0, 330.0, 8.4, 0.0, 24.6 };

int
main(int argc, char **argv)
{
    int runs = 20, tiny = 416, opt, m, i;
    char *dir, *cause = NULL;
    double *t;
    unsigned seed = 12345;

    while ((opt = getopt(argc, argv, "n:s:")) != -1) {
        if (opt == 'n')
            runs = atoi(optarg);
        else if (opt == 's')
            tiny = atoi(optarg);
        else {
            fprintf(stderr, "usage: recog_core [-n RUNS] [-s TINY_INPUT] [MODELS_DIR]\n");
            return 2;
        }
    }
    if (runs < 1)
        runs = 1;
    dir = optind < argc ? xstrdup(argv[optind]) : models_dir();
    gemm_set_threads(1);
    printf("BLAS: %s (kernel %s), 1 thread, %d runs, median\n", gemm_backend(), gemm_kernel(),
        runs);
    t = xcalloc((size_t)runs, sizeof *t);
    for (m = 0; m < CNN_MODEL_COUNT; m++) {
        struct cnn_weights *w = cnn_weights_load_model(dir, cnn_model_stem(m), &cause);
        struct cnn_net *net;
        struct cnn_outputs o;
        size_t n, k;
        float *x;
        int size;

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
            double t0 = now_ms();

            cnn_net_forward(net, x, &o);
            t[i] = now_ms() - t0;
        }
        {
            double med = median(t, runs);

            printf("%-24s %4dx%-4d %8.2f ms", cnn_model_name(m), size, size, med);
            if (peer_ms[m] > 0.0 && (m != CNN_TINY_FACE_DETECTOR || tiny == 416))
                printf("   (tfjs-wasm %.1f ms: %.2fx)", peer_ms[m], peer_ms[m] / med);
            printf("  scratch %.1f MB\n", (double)cnn_net_arena(net)->bytes / 1e6);
        }
        free(x);
        cnn_net_free(net);
    }
    {
        struct image *img = image_new(1920, 1400, 3, IMAGE_U8);
        float *out = xmalloc((size_t)416 * 416 * 3 * sizeof(float));

        for (i = 0; i < runs; i++) {
            double t0 = now_ms();

            image_prepare(img, 416, false, NULL, out);
            t[i] = now_ms() - t0;
        }
        printf("%-24s %4dx%-4d %8.2f ms\n", "pad+resize 1920x1400", 416, 416, median(t, runs));
        image_free(img);
        free(out);
    }
    free(t);
    free(dir);
    return 0;
}
