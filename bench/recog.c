/* SPDX-License-Identifier: MIT */
/*
 * recog.c - bench/recog: the speed of the recognition engine against its
 * peers, measured in one run on this machine (doc/PERFORMANCE.md).
 *
 *  - descriptor ms/face on 1 thread and faces/s on all cores; TinyFaceDetector
 *    at 416 and SSD MobileNetV1 ms/image; 68 landmarks ms/face; end to end
 *    (decode + detect + landmarks + descriptors) ms/image on the six demo
 *    photos; peak RSS of the pipeline;
 *  - the same work by the reference harness (face-api on tfjs-wasm, run with
 *    node from bench/peers/) in the same run, and our speed as its multiple;
 *  - the strongest peer, ONNX Runtime (onnxruntime-node in bench/peers/),
 *    running FaceRecognitionNet, TinyFaceDetector 416 and FaceLandmark68Net
 *    as exported by bench/export-onnx.py from the same weights, on the same
 *    prepared pixels as ours, on 1 and 2 threads at batch 1 and 8, with the
 *    largest output difference to ours (parity) from the same run;
 *  - the load average before and after, and the OpenBLAS kernel;
 *  - 1:N search of 1,000 probes over 1,000,000 random unit vectors (128-d,
 *    top 10) against FAISS IndexFlatIP at the same thread count, and the
 *    compressed galleries (f16, i8, i8 with a rerank of 100; APPROXIMATE):
 *    time as a multiple of the exact search's, recall@10 against it, bytes
 *    per template;
 *  - which OpenBLAS build and kernel ran (openblas_get_config).
 *
 * Timings are medians over --reps runs after a warm-up. Options:
 *   --reps N          runs per measurement (default 10)
 *   --threads N       the "all cores" thread count (default: online CPUs)
 *   --gallery N       1:N gallery size (default 1000000); --probes N (1000)
 *   --no-peer         skip the node harnesses; --no-search skip the 1:N part
 *   --search-only     the 1:N part alone (no models needed)
 *   --no-faceapi      skip the face-api harness only (ONNX Runtime still runs)
 *   --onnx DIR        the exported models (default bench/onnx, made by
 *                     bench/recog.sh with bench/export-onnx.py)
 * The model folder is $FACEAUDIT_MODELS (default <data home>/faceaudit/models).
 */
#include "config.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "faceaudit/cnn.h"
#include "faceaudit/detect.h"
#include "faceaudit/embed.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/gemm.h"
#include "faceaudit/image.h"
#include "faceaudit/landmark.h"
#include "faceaudit/log.h"
#include "faceaudit/match.h"
#include "faceaudit/models.h"
#include "faceaudit/xmalloc.h"
#include "recog/match_int.h"

#ifdef HAVE_FAISS
double faiss_peer_search(const float *gallery, size_t n, const float *probes, size_t np,
    int dim, int k, int threads, long *labels, float *scores, double *cpu_ms);
#endif

#define NDEMO 6
#define SEARCH_K 10

static int reps = 10;

static double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* CPU time of the whole process (every thread), ms. */
static double
cpu_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, dbl_cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* CPU time of the calling thread, ms (the single-thread figures). */
static double
thread_cpu_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A timing: median wall and CPU milliseconds (CPU time resists other load). */
struct fig {
    double wall;
    double cpu;
};

/* Median wall and thread-CPU ms of n runs of a stage after one warm-up run. */
#define TIME_MEDIAN(n, result, stmt)                                            \
    do {                                                                        \
        double w_[256], c_[256];                                                \
        int i_, n_ = (n) < 256 ? (n) : 256;                                     \
        stmt;                                                                   \
        for (i_ = 0; i_ < n_; i_++) {                                           \
            double c0_ = thread_cpu_ms(), t0_ = now_ms();                       \
            stmt;                                                               \
            w_[i_] = now_ms() - t0_;                                            \
            c_[i_] = thread_cpu_ms() - c0_;                                     \
        }                                                                       \
        (result).wall = median(w_, n_);                                         \
        (result).cpu = median(c_, n_);                                          \
    } while (0)

/* Mean of per-image figures. */
static struct fig
fig_mean(const struct fig *f, int n)
{
    struct fig m = { 0, 0 };
    int i;

    for (i = 0; i < n; i++) {
        m.wall += f[i].wall / n;
        m.cpu += f[i].cpu / n;
    }
    return m;
}

/* Median of per-face figures (NAN when there are none). */
static struct fig
fig_median(const struct fig *f, int n)
{
    double w[64], c[64];
    int i;

    if (n == 0)
        return (struct fig){ NAN, NAN };
    for (i = 0; i < n && i < 64; i++) {
        w[i] = f[i].wall;
        c[i] = f[i].cpu;
    }
    return (struct fig){ median(w, i), median(c, i) };
}

static void
check(int rc, const char *what, char *cause)
{
    if (rc != 0)
        fatalx("%s: %s", what, cause != NULL ? cause : "failed");
}

/* ---- our engine ------------------------------------------------------------- */

struct ours {
    struct fig decode, tiny, tiny_net, ssd, landmarks, desc, pipe, e2e;
    double desc_fps1, desc_fpsn;
    int faces;
    /* prepared (padded, resized, not normalised) pixels for the ONNX Runtime comparison */
    float *pix[3];
    int npix[3];
};

/* The networks compared with ONNX Runtime, their input sizes and exported files. */
enum { ORT_REC, ORT_TINY, ORT_LM, ORT_NETS };
static const struct {
    enum cnn_model model;
    int size;
    const char *file;
    const char *label;
    const char *unit;
} ort_nets[ORT_NETS] = {
    { CNN_FACE_RECOGNITION, 150, "face_recognition.onnx", "descriptor net", "face" },
    { CNN_TINY_FACE_DETECTOR, 416, "tiny_face_detector.onnx", "TinyFaceDetector 416 net",
        "image" },
    { CNN_FACE_LANDMARK68, 112, "face_landmark_68.onnx", "FaceLandmark68Net", "face" },
};
#define ORT_BATCH 8

/* Prepared pixels of img for network k, appended to o->pix[k] (at most ORT_BATCH). */
static void
ort_collect(struct ours *o, int k, const struct image *img)
{
    int size = ort_nets[k].size;
    size_t per = (size_t)size * (size_t)size * 3, ns;
    float *scratch;

    if (o->npix[k] >= ORT_BATCH)
        return;
    if (o->pix[k] == NULL)
        o->pix[k] = xcalloc(ORT_BATCH * per, sizeof(float));
    ns = image_prepare_scratch(img, size);
    scratch = ns > 0 ? xcalloc(ns, sizeof(float)) : NULL;
    image_prepare(img, size, ort_nets[k].model != CNN_TINY_FACE_DETECTOR, scratch,
        o->pix[k] + (size_t)o->npix[k]++ * per);
    free(scratch);
}

struct embed_job {
    struct cnn_weights *w;
    struct image **crops;
    int ncrops;
    int count;
};

static void *
embed_worker(void *arg)
{
    struct embed_job *j = arg;
    struct embedder *e;
    float desc[FACE_DESCRIPTOR_DIM];
    char *cause = NULL;
    int i;

    e = embedder_new(j->w, &cause);
    check(e == NULL, "embedder", cause);
    for (i = 0; i < j->count; i++)
        check(embedder_run(e, j->crops[i % j->ncrops], desc, &cause), "descriptor", cause);
    embedder_free(e);
    return NULL;
}

/* Faces per second of `threads` embedders working on the crops at once. */
static double
descriptor_throughput(struct cnn_weights *w, struct image **crops, int ncrops, int threads)
{
    struct embed_job job = { w, crops, ncrops, 0 };
    pthread_t tid[64];
    double t0;
    int i;

    /* one warm-up descriptor per thread is part of each worker's count */
    job.count = FA_MAX(4, reps * 2);
    t0 = now_ms();
    for (i = 0; i < threads; i++)
        pthread_create(&tid[i], NULL, embed_worker, &job);
    for (i = 0; i < threads; i++)
        pthread_join(tid[i], NULL);
    return job.count * threads / ((now_ms() - t0) / 1e3);
}

static void
bench_ours(const char *models, char **paths, int threads, struct ours *o)
{
    struct cnn_weights *w[CNN_MODEL_COUNT];
    struct detector *tiny, *ssd;
    struct landmarker *lm;
    struct embedder *emb;
    struct face_models *fm;
    struct face_pipeline *fp;
    struct image *crops[64];
    struct fig dec[NDEMO], ti[NDEMO], ss[NDEMO], lmk[NDEMO], de[NDEMO], pipe[NDEMO], e2e[NDEMO];
    struct fig tnet;
    char *cause = NULL;
    int m, i, ncrops = 0, nlm = 0, nde = 0;
    float *input;
    struct cnn_outputs out;

    memset(o, 0, sizeof *o);
    for (m = 0; m < CNN_MODEL_COUNT; m++) {
        w[m] = cnn_weights_load_model(models, cnn_model_stem(m), &cause);
        check(w[m] == NULL, "weights", cause);
    }
    tiny = detector_new(w[CNN_TINY_FACE_DETECTOR], NULL, &cause);
    check(tiny == NULL, "tiny detector", cause);
    {
        struct detector_opts so;

        detector_opts_default(&so, DETECTOR_SSD);
        ssd = detector_new(w[CNN_SSD_MOBILENETV1], &so, &cause);
        check(ssd == NULL, "ssd detector", cause);
    }
    lm = landmarker_new(w[CNN_FACE_LANDMARK68], false, &cause);
    check(lm == NULL, "landmarker", cause);
    emb = embedder_new(w[CNN_FACE_RECOGNITION], &cause);
    check(emb == NULL, "embedder", cause);

    for (i = 0; i < NDEMO; i++) {
        struct image *img = NULL;
        struct face_detection *dets = NULL;
        size_t n = 0, k;
        float desc[FACE_DESCRIPTOR_DIM];

        TIME_MEDIAN(FA_MAX(1, reps / 2), dec[i], image_free(img);
            img = image_load(paths[i], NULL, &cause); check(img == NULL, paths[i], cause));
        ort_collect(o, ORT_TINY, img);
        TIME_MEDIAN(reps, ti[i], free(dets);
            check(detector_run(tiny, img, &dets, &n, &cause), "tiny", cause));
        {
            struct face_detection *sd = NULL;
            size_t sn;

            TIME_MEDIAN(FA_MAX(1, reps / 4), ss[i], free(sd);
                check(detector_run(ssd, img, &sd, &sn, &cause), "ssd", cause));
            free(sd);
        }
        for (k = 0; k < n; k++) {
            float pts[LANDMARK_COUNT][2];
            struct fa_box al;
            int cw, ch;

            if (k == 0) {
                TIME_MEDIAN(reps, lmk[nlm], check(landmarker_run(lm, img, &dets[k].box, pts,
                    &cw, &ch, &cause), "landmarks", cause));
                nlm++;
            }
            check(landmarker_run(lm, img, &dets[k].box, pts, &cw, &ch, &cause), "landmarks",
                cause);
            al = landmark_align_box(pts, cw, ch);
            if (ncrops < (int)FA_NITEMS(crops) && (crops[ncrops] = image_crop(img, al.x, al.y,
                    al.w, al.h, NULL, NULL, NULL, NULL)) != NULL) {
                ort_collect(o, ORT_REC, crops[ncrops]);
                ort_collect(o, ORT_LM, crops[ncrops]);
                ncrops++;
            }
        }
        o->faces += (int)n;
        free(dets);
        if (n > 0) {
            TIME_MEDIAN(reps, de[nde], check(embedder_run(emb, crops[ncrops - 1], desc, &cause),
                "descriptor", cause));
            nde++;
        }
        image_free(img);
    }

    /* the detector network alone at 416, on an already prepared input */
    input = xcalloc((size_t)416 * 416 * 3, sizeof *input);
    TIME_MEDIAN(reps, tnet, cnn_net_forward(detector_net(tiny), input, &out));
    free(input);

    /* end to end: decode + detect + landmarks + descriptors */
    fm = face_models_load(models, NULL, &cause);
    check(fm == NULL, "models", cause);
    fp = face_pipeline_new(fm, &cause);
    check(fp == NULL, "pipeline", cause);
    for (i = 0; i < NDEMO; i++) {
        struct face_result *fr = NULL;
        size_t n;

        {
            struct image *img = image_load(paths[i], NULL, &cause);

            check(img == NULL, paths[i], cause);
            TIME_MEDIAN(FA_MAX(1, reps / 2), pipe[i], free(fr); fr = NULL;
                check(face_pipeline_run(fp, img, FACE_STAGE_DESCRIPTOR, &fr, &n, &cause),
                "pipeline", cause));
            image_free(img);
        }
        TIME_MEDIAN(FA_MAX(1, reps / 2), e2e[i], {
            struct image *img = image_load(paths[i], NULL, &cause);

            check(img == NULL, paths[i], cause);
            free(fr);
            check(face_pipeline_run(fp, img, FACE_STAGE_DESCRIPTOR, &fr, &n, &cause), "e2e",
                cause);
            image_free(img);
        });
        free(fr);
    }
    face_pipeline_free(fp);
    face_models_free(fm);

    o->decode = fig_mean(dec, NDEMO);
    o->tiny = fig_mean(ti, NDEMO);
    o->ssd = fig_mean(ss, NDEMO);
    o->pipe = fig_mean(pipe, NDEMO);
    o->e2e = fig_mean(e2e, NDEMO);
    o->tiny_net = tnet;
    o->landmarks = fig_median(lmk, nlm);
    o->desc = fig_median(de, nde);
    o->desc_fps1 = descriptor_throughput(w[CNN_FACE_RECOGNITION], crops, ncrops, 1);
    o->desc_fpsn = descriptor_throughput(w[CNN_FACE_RECOGNITION], crops, ncrops, threads);

    for (i = 0; i < ncrops; i++)
        image_free(crops[i]);
    detector_free(tiny);
    detector_free(ssd);
    landmarker_free(lm);
    embedder_free(emb);
    for (m = 0; m < CNN_MODEL_COUNT; m++)
        cnn_weights_unref(w[m]);
}

/*
 * Peak RSS (kB) of a fresh process running the default pipeline (decode,
 * TinyFaceDetector, landmarks, descriptors) over the demo photos: a child
 * forked before this process loads anything, so nothing else is counted.
 */
static long
pipeline_peak_rss(const char *models, char **paths)
{
    struct rusage ru;
    pid_t pid;
    int status, i;

    fflush(stdout);
    if ((pid = fork()) == -1)
        fatal("fork");
    if (pid == 0) {
        char *cause = NULL;
        struct face_models *fm = face_models_load(models, NULL, &cause);
        struct face_pipeline *fp;

        if (fm == NULL || (fp = face_pipeline_new(fm, &cause)) == NULL)
            _exit(1);
        for (i = 0; i < NDEMO; i++) {
            struct image *img = image_load(paths[i], NULL, &cause);
            struct face_result *fr = NULL;
            size_t n;

            if (img == NULL || face_pipeline_run(fp, img, FACE_STAGE_DESCRIPTOR, &fr, &n,
                    &cause) == -1)
                _exit(1);
            free(fr);
            image_free(img);
        }
        face_pipeline_free(fp);
        face_models_free(fm);
        _exit(0);
    }
    if (wait4(pid, &status, 0, &ru) == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return -1;
    return ru.ru_maxrss;
}

/* ---- the reference harness ---------------------------------------------------- */

struct peer {
    bool ok;
    char header[512];
    struct fig decode, tiny, ssd, landmarks, desc, pipe, e2e;
};

static double
json_num(const char *line, const char *key)
{
    char pat[64];
    const char *p;

    snprintf(pat, sizeof pat, "\"%s\":", key);
    if ((p = strstr(line, pat)) == NULL)
        return NAN;
    return strtod(p + strlen(pat), NULL);
}

/* A stage's wall and CPU figures from one JSON line of the harness. */
static struct fig
json_fig(const char *line, const char *key)
{
    char wk[64], ck[64];

    snprintf(wk, sizeof wk, "%s_ms", key);
    snprintf(ck, sizeof ck, "%s_cpu_ms", key);
    return (struct fig){ json_num(line, wk), json_num(line, ck) };
}

static void
bench_peer(char **paths, struct peer *pr)
{
    char *script = path_join(FA_SRCDIR, "bench/peers/dump-reference.mjs");
    char *mods = path_join(FA_SRCDIR, "bench/peers/node_modules/@vladmandic/face-api");
    char line[4096], *cmd;
    struct fig dec[NDEMO], ti[NDEMO], ss[NDEMO], lm[NDEMO], de[NDEMO], pi[NDEMO], e2e[NDEMO];
    int n = 0, nlm = 0;
    FILE *f;

    memset(pr, 0, sizeof *pr);
    if (!fs_is_dir(mods)) {
        snprintf(pr->header, sizeof pr->header, "not installed (cd bench/peers && npm ci)");
        free(script);
        free(mods);
        return;
    }
    /* jpeg-js: the pure-JS decode a node user of face-api has */
    cmd = xasprintf("node '%s' --jpeg jpeg-js --bench %d '%s' '%s' '%s' '%s' '%s' '%s'", script,
        reps, paths[0], paths[1], paths[2], paths[3], paths[4], paths[5]);
    if ((f = popen(cmd, "r")) != NULL) {
        while (fgets(line, sizeof line, f) != NULL) {
            if (strstr(line, "\"peer\"") != NULL) {
                line[strcspn(line, "\n")] = '\0';
                snprintf(pr->header, sizeof pr->header, "%.500s", line);
                continue;
            }
            if (strstr(line, "\"image\"") == NULL || n >= NDEMO)
                continue;
            dec[n] = json_fig(line, "decode");
            ti[n] = json_fig(line, "tiny");
            ss[n] = json_fig(line, "ssd");
            pi[n] = json_fig(line, "pipeline");
            e2e[n] = json_fig(line, "end_to_end");
            if (!isnan(json_num(line, "descriptor_ms"))) {
                lm[nlm] = json_fig(line, "landmarks");
                de[nlm++] = json_fig(line, "descriptor");
            }
            n++;
        }
        pr->ok = pclose(f) == 0 && n == NDEMO;
    }
    if (pr->ok && nlm > 0) {
        pr->decode = fig_mean(dec, NDEMO);
        pr->tiny = fig_mean(ti, NDEMO);
        pr->ssd = fig_mean(ss, NDEMO);
        pr->pipe = fig_mean(pi, NDEMO);
        pr->e2e = fig_mean(e2e, NDEMO);
        pr->landmarks = fig_median(lm, nlm);
        pr->desc = fig_median(de, nlm);
    } else if (!pr->ok)
        snprintf(pr->header, sizeof pr->header, "failed: %s", cmd);
    free(cmd);
    free(script);
    free(mods);
}

/* ---- ONNX Runtime -------------------------------------------------------------- */

/* Our side and ONNX Runtime's of one network: ms per item at (threads, batch). */
struct ort_row {
    bool ok;
    struct fig ours[2][2]; /* [threads 1, 2][batch 1, 8] */
    struct fig peer[2][2];
    double diff;           /* largest L2 (descriptor) or absolute difference of outputs */
};

static char ort_version[32] = "?";

/* Output floats per item of network k. */
static size_t
ort_out_floats(int k)
{
    int g = ort_nets[k].size / 32;

    return k == ORT_REC ? 128 : k == ORT_LM ? 136 : (size_t)g * (size_t)g * 25;
}

/* Normalise b inputs (cycling the prepared ones) into norm and run them as one batch. */
static void
ort_ours_batch(struct cnn_net *net, int k, const float *pix, int npix, int b, float *norm,
    float *outs)
{
    int size = ort_nets[k].size, i;
    size_t per = (size_t)size * (size_t)size * 3;
    const float *ptr[ORT_BATCH];

    for (i = 0; i < b; i++) {
        memcpy(norm + (size_t)i * per, pix + (size_t)(i % npix) * per, per * sizeof(float));
        cnn_net_normalize(ort_nets[k].model, norm + (size_t)i * per, per / 3);
        ptr[i] = norm + (size_t)i * per;
    }
    cnn_net_forward_many(net, ptr, (size_t)b, outs);
}

struct ort_job {
    struct cnn_weights *w;
    int k;
    const float *pix;
    int npix;
    int calls;
};

static void *
ort_worker(void *arg)
{
    struct ort_job *j = arg;
    int size = ort_nets[j->k].size, i;
    char *cause = NULL;
    struct cnn_net *net = cnn_net_new(ort_nets[j->k].model, j->w, size, &cause);
    float *norm = xcalloc((size_t)ORT_BATCH * (size_t)size * (size_t)size * 3, sizeof(float));
    float *outs = xcalloc(ORT_BATCH * ort_out_floats(j->k), sizeof(float));

    check(net == NULL, "network", cause);
    for (i = 0; i < j->calls; i++)
        ort_ours_batch(net, j->k, j->pix, j->npix, ORT_BATCH, norm, outs);
    cnn_net_free(net);
    free(norm);
    free(outs);
    return NULL;
}

/* Network k on our side (1 thread at batch 1 and 8, 2 threads at batch 8) into r. */
static void
ort_ours(struct cnn_weights *w, int k, const struct ours *o, struct ort_row *r, float *outs)
{
    int size = ort_nets[k].size, b, t;
    char *cause = NULL;
    struct cnn_net *net = cnn_net_new(ort_nets[k].model, w, size, &cause);
    float *norm = xcalloc((size_t)ORT_BATCH * (size_t)size * (size_t)size * 3, sizeof(float));

    check(net == NULL, "network", cause);
    for (b = 0; b < 2; b++) {
        int nb = b == 0 ? 1 : ORT_BATCH;

        TIME_MEDIAN(reps, r->ours[0][b],
            ort_ours_batch(net, k, o->pix[k], o->npix[k], nb, norm, outs));
        r->ours[0][b].wall /= nb;
        r->ours[0][b].cpu /= nb;
    }
    /* the parity outputs: the batch of ORT_BATCH, as ONNX Runtime's --out */
    ort_ours_batch(net, k, o->pix[k], o->npix[k], ORT_BATCH, norm, outs);
    cnn_net_free(net);
    free(norm);
    /* 2 threads, one instance each, batch 8: per-face time = wall / faces done */
    {
        struct ort_job job = { w, k, o->pix[k], o->npix[k], FA_MAX(2, reps) };
        pthread_t tid[2];
        double t0, c0;

        t0 = now_ms();
        c0 = cpu_ms();
        for (t = 0; t < 2; t++)
            pthread_create(&tid[t], NULL, ort_worker, &job);
        for (t = 0; t < 2; t++)
            pthread_join(tid[t], NULL);
        r->ours[1][1].wall = (now_ms() - t0) / (2.0 * job.calls * ORT_BATCH);
        r->ours[1][1].cpu = (cpu_ms() - c0) / (2.0 * job.calls * ORT_BATCH);
        r->ours[1][0] = (struct fig){ NAN, NAN };
    }
}

/* Run ort-bench.mjs on network k; fills r->peer and compares its outputs with ours. */
static void
ort_peer(const char *onnx, int k, const struct ours *o, struct ort_row *r, const float *ours)
{
    char *script = path_join(FA_SRCDIR, "bench/peers/ort-bench.mjs");
    char *model = path_join(onnx, ort_nets[k].file);
    const char *tmp = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp";
    char *in = xasprintf("%s/fa-ort-in-XXXXXX", tmp), *out = xasprintf("%s/fa-ort-out-XXXXXX",
        tmp), *cmd, line[1024];
    size_t per = (size_t)ort_nets[k].size * (size_t)ort_nets[k].size * 3;
    size_t nout = ORT_BATCH * ort_out_floats(k), i, j;
    float *peer = xcalloc(nout, sizeof(float));
    int fd, n = 0;
    FILE *f;

    r->ok = false;
    if ((fd = mkstemp(in)) == -1 || write(fd, o->pix[k], (size_t)o->npix[k] * per *
            sizeof(float)) != (ssize_t)((size_t)o->npix[k] * per * sizeof(float)))
        fatal("%s", in);
    close(fd);
    if ((fd = mkstemp(out)) == -1)
        fatal("%s", out);
    close(fd);
    cmd = xasprintf("node '%s' --model '%s' --input '%s' --count %d --size %d --reps %d "
        "--out '%s' --threads 1,2 --batches 1,%d", script, model, in, o->npix[k],
        ort_nets[k].size, reps, out, ORT_BATCH);
    if ((f = popen(cmd, "r")) != NULL) {
        while (fgets(line, sizeof line, f) != NULL) {
            double t = json_num(line, "threads"), b = json_num(line, "batch");
            const char *v = strstr(line, "\"ort\":\"");
            int ti = t > 1.5 ? 1 : 0, bi = b > 1.5 ? 1 : 0;

            if (isnan(t) || isnan(b))
                continue;
            if (v != NULL)
                snprintf(ort_version, sizeof ort_version, "%.*s", (int)strcspn(v + 7, "\""),
                    v + 7);
            r->peer[ti][bi] = (struct fig){ json_num(line, "wall_ms"), json_num(line, "cpu_ms") };
            r->peer[ti][bi].wall /= b;
            r->peer[ti][bi].cpu /= b;
            n++;
        }
        r->ok = pclose(f) == 0 && n == 4;
    }
    if (r->ok) {
        FILE *g = fopen(out, "rb");

        r->ok = g != NULL && fread(peer, sizeof(float), nout, g) == nout;
        if (g != NULL)
            fclose(g);
    }
    r->diff = 0;
    if (r->ok) {
        size_t item = ort_out_floats(k);

        for (i = 0; i < ORT_BATCH; i++) {
            double l2 = 0;

            for (j = 0; j < item; j++) {
                double d = (double)peer[i * item + j] - (double)ours[i * item + j];

                if (k == ORT_REC)
                    l2 += d * d;
                else if (fabs(d) > r->diff)
                    r->diff = fabs(d);
            }
            if (k == ORT_REC && sqrt(l2) > r->diff)
                r->diff = sqrt(l2);
        }
    } else {
        fprintf(stderr, "bench/recog: ONNX Runtime failed: %s\n", cmd);
    }
    unlink(in);
    unlink(out);
    free(in);
    free(out);
    free(cmd);
    free(peer);
    free(model);
    free(script);
}

/* Ours against ONNX Runtime on the three networks; prints the table. */
static void
bench_ort(const char *models, const char *onnx, const struct ours *o, struct ort_row *rows)
{
    char *probe = path_join(onnx, ort_nets[ORT_REC].file);
    char *mods = path_join(FA_SRCDIR, "bench/peers/node_modules/onnxruntime-node");
    bool have = fs_is_dir(mods) && access(probe, R_OK) == 0;
    int k, t, b;

    free(probe);
    free(mods);
    for (k = 0; k < ORT_NETS; k++) {
        struct cnn_weights *w;
        char *cause = NULL;
        float *outs = xcalloc(ORT_BATCH * ort_out_floats(k), sizeof(float));

        memset(&rows[k], 0, sizeof rows[k]);
        if (o->npix[k] == 0) {
            free(outs);
            continue;
        }
        w = cnn_weights_load_model(models, cnn_model_stem(ort_nets[k].model), &cause);
        check(w == NULL, "weights", cause);
        ort_ours(w, k, o, &rows[k], outs);
        cnn_weights_unref(w);
        if (have)
            ort_peer(onnx, k, o, &rows[k], outs);
        free(outs);
    }
    printf("ONNX Runtime %s (onnxruntime-node, models from bench/export-onnx.py in %s)%s\n",
        ort_version, onnx, have ? "" : ": not available (cd bench/peers && npm ci; "
        "bench/export-onnx.py bench/onnx)");
    printf("  %-28s %3s %5s %9s %9s %9s %9s %8s %8s  %s\n", "network (ms per item)",
        "thr", "batch", "ours wall", "CPU", "ORT wall", "CPU", "time/ORT", "by wall",
        "parity (max diff to ORT)");
    for (k = 0; k < ORT_NETS; k++) {
        for (t = 0; t < 2; t++) {
            for (b = 0; b < 2; b++) {
                struct fig u = rows[k].ours[t][b], p = rows[k].peer[t][b];

                if (t == 1 && b == 0)
                    continue; /* ours has no intra-network threads: 2 threads = 2 instances */
                printf("  %-28s %3d %5d %9.2f %9.2f", t == 0 && b == 0 ? ort_nets[k].label : "",
                    t + 1, b == 0 ? 1 : ORT_BATCH, u.wall, u.cpu);
                if (rows[k].ok)
                    printf(" %9.2f %9.2f %7.2fx %7.2fx", p.wall, p.cpu, u.cpu / p.cpu,
                        u.wall / p.wall);
                else
                    printf(" %9s %9s %8s %8s", "-", "-", "-", "-");
                if (t == 0 && b == 0 && rows[k].ok)
                    printf("  %.2e %s", rows[k].diff, k == ORT_REC ? "L2" : "abs");
                printf("\n");
            }
        }
    }
    if (rows[ORT_REC].ok)
        printf("  descriptors, 2 threads, batch %d: ours %.1f faces/s, ONNX Runtime %.1f "
            "faces/s\n", ORT_BATCH, 1e3 / rows[ORT_REC].ours[1][1].wall,
            1e3 / rows[ORT_REC].peer[1][1].wall);
    printf("  (time/ORT: our time as a multiple of ONNX Runtime's, < 1 is faster; ours at 2 "
        "threads runs one instance per thread,\n   ONNX Runtime one session with 2 intra-op "
        "threads; CPU = thread CPU at 1 thread, process CPU at 2)\n\n");
    fflush(stdout);
}

/* ---- 1:N search ------------------------------------------------------------------ */

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static float
rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (float)((double)((rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0 * 2 - 1);
}

static float *
random_unit(size_t n, size_t dim)
{
    float *v = xreallocarray(NULL, n, dim * sizeof *v);
    size_t i, j;

    for (i = 0; i < n; i++) {
        double s = 0;

        for (j = 0; j < dim; j++) {
            v[i * dim + j] = rnd();
            s += (double)v[i * dim + j] * v[i * dim + j];
        }
        for (j = 0; j < dim; j++)
            v[i * dim + j] = (float)(v[i * dim + j] / sqrt(s));
    }
    return v;
}

/* Recall@k of got against exact: the share of exact's top-k sets found in got's. */
static double
recall_at(const struct match_hit *exact, const struct match_hit *got, size_t np, size_t k)
{
    size_t p, i, j, same = 0;

    for (p = 0; p < np; p++) {
        for (i = 0; i < k; i++) {
            for (j = 0; j < k; j++)
                same += got[p * k + i].index == exact[p * k + j].index;
        }
    }
    return (double)same / (double)(np * k);
}

/* The compressed galleries beside the exact search (ms exact, its hits). */
static void
bench_packed(const float *gal, size_t n, const float *probes, size_t np, int threads,
    double exact_ms, const struct match_hit *exact)
{
    static const struct {
        enum match_precision prec;
        size_t rerank;
        const char *name;
    } cfg[] = {
        { MATCH_F16, 0, "f16 (APPROXIMATE)" },
        { MATCH_I8, 0, "i8 (APPROXIMATE)" },
        { MATCH_I8, 100, "i8 + rerank 100 (APPROX.)" },
    };
    struct match_hit *hits = xreallocarray(NULL, np * SEARCH_K, sizeof *hits);
    struct match_opts mo = { .metric = MATCH_DOT, .k = SEARCH_K, .threads = threads };
    double one[FA_NITEMS(cfg) + 1];
    size_t c, p, n1 = FA_MIN(np, (size_t)20);

    for (c = 0; c <= FA_NITEMS(cfg); c++) {
        /* identify's case: one probe a search (the dot kernels over the packed rows) */
        struct match_gallery_opts o = { c == 0 ? MATCH_F32 : cfg[c - 1].prec,
            c == 0 ? 0 : cfg[c - 1].rerank };
        struct match_gallery *g = match_gallery_new_opts(gal, n, FACE_DESCRIPTOR_DIM, true, &o);
        double t0 = now_ms();

        for (p = 0; p < n1; p++)
            match_search(g, probes + p * FACE_DESCRIPTOR_DIM, 1, &mo, hits + p * SEARCH_K);
        one[c] = (now_ms() - t0) / (double)n1;
        match_gallery_free(g);
    }
    for (c = 0; c < FA_NITEMS(cfg); c++) {
        struct match_gallery_opts o = { cfg[c].prec, cfg[c].rerank };
        struct match_gallery *g;
        double t0 = now_ms(), pack, ms, c0;

        g = match_gallery_new_opts(gal, n, FACE_DESCRIPTOR_DIM, true, &o);
        pack = now_ms() - t0;
        c0 = cpu_ms();
        t0 = now_ms();
        match_search(g, probes, np, &mo, hits);
        ms = now_ms() - t0;
        c0 = cpu_ms() - c0;
        printf("  %-26s %9.1f ms (%9.1f ms)  time/exact %.2f, recall@10 %.4f, %zu B/template"
            " (packed in %.0f ms)\n", cfg[c].name, ms, c0, ms / exact_ms,
            recall_at(exact, hits, np, SEARCH_K), match_gallery_row_bytes(g), pack);
        match_gallery_free(g);
    }
    printf("  one probe a search (identify), ms per probe over %zu: exact %.2f", n1, one[0]);
    for (c = 0; c < FA_NITEMS(cfg); c++)
        printf(", %s %.2f", match_precision_name(cfg[c].prec), one[c + 1]);
    printf(" (the last with rerank %zu)\n", cfg[FA_NITEMS(cfg) - 1].rerank);
    free(hits);
}

static void
bench_search(size_t n, size_t np, int threads)
{
    size_t dim = FACE_DESCRIPTOR_DIM, p, same = 0;
    float *gal = random_unit(n, dim), *probes = random_unit(np, dim);
    struct match_gallery *g = match_gallery_new(gal, n, dim, true);
    struct match_hit *hits = xreallocarray(NULL, np * SEARCH_K, sizeof *hits);
    struct match_opts mo = { .metric = MATCH_DOT, .k = SEARCH_K, .threads = threads };
    double t0, c0, ours, build, plain, c2;

    gemm_set_threads(1); /* our own threads, one BLAS thread each */
    /* the first batch search quantises the gallery for the int8 screen (kept with it, as
     * FAISS's index is built by add() before its search): timed apart */
    t0 = now_ms();
    match_search(g, probes, FA_MIN(np, (size_t)MATCH_SCREEN_MIN_PROBES), &mo, hits);
    build = now_ms() - t0;
    c0 = cpu_ms();
    t0 = now_ms();
    match_search(g, probes, np, &mo, hits);
    ours = now_ms() - t0;
    c0 = cpu_ms() - c0;
    printf("1:N search, %zu probes x %zu x %zu, top %d, %d thread(s)   wall       (CPU)\n", np,
        n, dim, SEARCH_K, threads);
    printf("  faceaudit match_search     %9.1f ms (%9.1f ms)  %.1f GFLOP/s (%s)\n", ours, c0,
        2.0 * (double)n * (double)np * (double)dim / ours / 1e6,
        match_screen_available(dim) ? "exact, int8 screen" : "exact, float32 GEMM");
    if (match_screen_available(dim)) {
        struct match_hit *h2 = xreallocarray(NULL, np * SEARCH_K, sizeof *h2);
        size_t agree = 0;

        mo.no_screen = true;
        c2 = cpu_ms();
        t0 = now_ms();
        match_search(g, probes, np, &mo, h2);
        plain = now_ms() - t0;
        c2 = cpu_ms() - c2;
        mo.no_screen = false;
        for (p = 0; p < np * SEARCH_K; p++)
            agree += h2[p].index == hits[p].index;
        printf("  without the screen         %9.1f ms (%9.1f ms)  screen %.2fx; first search "
            "%.0f ms (quantising the gallery, %zu B a row, kept); %zu of %zu hits alike\n",
            plain, c2, ours / plain, build, match_screen_dim4(dim) + 5 * sizeof(float),
            agree, np * SEARCH_K);
        free(h2);
    }
    bench_packed(gal, n, probes, np, threads, ours, hits);
#ifdef HAVE_FAISS
    {
        long *lab = xreallocarray(NULL, np * SEARCH_K, sizeof *lab);
        float *sc = xreallocarray(NULL, np * SEARCH_K, sizeof *sc);
        double peer;

        double c1;

        gemm_set_threads(threads);
        peer = faiss_peer_search(gal, n, probes, np, (int)dim, SEARCH_K, threads, lab, sc, &c1);
        for (p = 0; p < np; p++)
            same += (size_t)lab[p * SEARCH_K] == hits[p * SEARCH_K].index;
        printf("  FAISS IndexFlatIP          %9.1f ms (%9.1f ms)  %.1f GFLOP/s\n", peer, c1,
            2.0 * (double)n * (double)np * (double)dim / peer / 1e6);
        printf("  time / FAISS's             %9.2f    (target <= %s); same top-1 for "
            "%zu of %zu probes\n", ours / peer, threads > 1 ? "0.60" : "0.90", same, np);
        free(lab);
        free(sc);
    }
#else
    (void)p;
    (void)same;
    printf("  FAISS IndexFlatIP          not built (install libfaiss-dev and reconfigure)\n");
#endif
    match_gallery_free(g);
    free(hits);
    free(gal);
    free(probes);
}

/* ---- main ------------------------------------------------------------------------- */

/* The load average (1, 5, 15 minutes) as text. */
static const char *
loadavg(void)
{
    static char buf[64];
    FILE *f = fopen("/proc/loadavg", "r");

    snprintf(buf, sizeof buf, "unknown");
    if (f != NULL) {
        double a, b, c;

        if (fscanf(f, "%lf %lf %lf", &a, &b, &c) == 3)
            snprintf(buf, sizeof buf, "%.2f %.2f %.2f", a, b, c);
        fclose(f);
    }
    return buf;
}

/*
 * One table row: ours, ONNX Runtime's (the network alone, 1 thread, batch
 * 1; our time as its multiple) and face-api's (its speed as our multiple).
 */
static void
row(const char *what, struct fig ours, struct fig ort, struct fig peer)
{
    printf("  %-34s %9.2f %9.2f", what, ours.wall, ours.cpu);
    if (!isnan(ort.wall) && ort.wall > 0)
        printf(" %9.2f %9.2f %7.2fx %7.2fx", ort.wall, ort.cpu, ours.cpu / ort.cpu,
            ours.wall / ort.wall);
    else
        printf(" %9s %9s %8s %8s", "-", "-", "-", "-");
    if (!isnan(peer.wall) && peer.wall > 0)
        printf(" %9.2f %9.2f %7.2fx %7.2fx\n", peer.wall, peer.cpu, peer.cpu / ours.cpu,
            peer.wall / ours.wall);
    else
        printf(" %9s %9s %8s %8s\n", "-", "-", "-", "-");
}

int
main(int argc, char **argv)
{
    char *models = models_dir(), *paths[NDEMO], *cause = NULL;
    const char *env = getenv("FACEAUDIT_MODELS");
    int i, threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
    size_t gallery = 1000000, probes = 1000;
    bool peer = true, search = true, faceapi = true, search_only = false;
    const char *onnx = "bench/onnx";
    struct ort_row ort[ORT_NETS];
    struct fig none = { NAN, NAN }, ort_desc, ort_tiny, ort_lm;
    struct ours o;
    struct peer pr;
    char cpu[256] = "unknown";
    long rss_kb;
    FILE *f;

    /*
     * FAISS runs its OpenMP threads next to OpenBLAS's: with libgomp's default
     * spinning they fight over the cores (10x slower on 2 cores). Passive
     * waiting must be set before libgomp starts, so re-run with it.
     */
    if (getenv("OMP_WAIT_POLICY") == NULL) {
        setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
        execv("/proc/self/exe", argv);
    }
    for (i = 1; i < argc; i++) {
        int v = i + 1 < argc ? atoi(argv[i + 1]) : 0;

        if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
            reps = FA_MAX(1, FA_MIN(255, v));
            i++;
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            threads = FA_MAX(1, FA_MIN(64, v));
            i++;
        } else if (strcmp(argv[i], "--gallery") == 0 && i + 1 < argc)
            gallery = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--probes") == 0 && i + 1 < argc)
            probes = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--onnx") == 0 && i + 1 < argc)
            onnx = argv[++i];
        else if (strcmp(argv[i], "--no-peer") == 0)
            peer = false;
        else if (strcmp(argv[i], "--no-faceapi") == 0)
            faceapi = false;
        else if (strcmp(argv[i], "--no-search") == 0)
            search = false;
        else if (strcmp(argv[i], "--search-only") == 0)
            search_only = true;
        else {
            fprintf(stderr, "usage: bench/recog [--reps N] [--threads N] [--gallery N] "
                "[--probes N] [--onnx DIR] [--no-peer] [--no-faceapi] [--no-search] "
                "[--search-only]\n");
            return 2;
        }
    }
    if (env != NULL && *env != '\0') {
        free(models);
        models = xstrdup(env);
    }
    for (i = 0; i < NDEMO && !search_only; i++) {
        char name[32];

        snprintf(name, sizeof name, "demo/sample%d.jpg", i + 1);
        check(models_require(models, name, &cause), name, cause);
        paths[i] = models_path(models, name);
    }
    if ((f = fopen("/proc/cpuinfo", "r")) != NULL) {
        char line[512];

        while (fgets(line, sizeof line, f) != NULL) {
            if (strncmp(line, "model name", 10) == 0 && strchr(line, ':') != NULL) {
                snprintf(cpu, sizeof cpu, "%s", strchr(line, ':') + 2);
                cpu[strcspn(cpu, "\n")] = '\0';
                break;
            }
        }
        fclose(f);
    }

    printf("faceaudit %s bench/recog: %d reps per figure, medians\n", PACKAGE_VERSION, reps);
    printf("cpu: %s, %ld online\n", cpu, sysconf(_SC_NPROCESSORS_ONLN));
    printf("BLAS: %s (kernel %s); OMP_WAIT_POLICY=%s\n", gemm_backend(), gemm_kernel(),
        getenv("OMP_WAIT_POLICY"));
    printf("engine kernels: %s; load average at start: %s\n", cnn_isa_name(cnn_isa()),
        loadavg());
    fflush(stdout);

    if (search_only) {
        bench_search(gallery, probes, threads);
        if (threads > 1)
            bench_search(gallery, probes, 1);
        printf("load average at the end: %s\n", loadavg());
        free(models);
        return 0;
    }
    gemm_set_threads(1);
    rss_kb = pipeline_peak_rss(models, paths);
    bench_ours(models, paths, threads, &o);
    if (peer && faceapi)
        bench_peer(paths, &pr);
    else
        memset(&pr, 0, sizeof pr);
    printf("peer: %s\n\n", peer && faceapi ? pr.header : peer ? "face-api skipped (--no-faceapi)" :
        "skipped (--no-peer)");
    if (peer) {
        bench_ort(models, onnx, &o, ort);
    } else {
        memset(ort, 0, sizeof ort);
    }
    ort_desc = ort[ORT_REC].ok ? ort[ORT_REC].peer[0][0] : none;
    ort_tiny = ort[ORT_TINY].ok ? ort[ORT_TINY].peer[0][0] : none;
    ort_lm = ort[ORT_LM].ok ? ort[ORT_LM].peer[0][0] : none;
    if (!pr.ok) {
        pr.decode = pr.tiny = pr.ssd = pr.landmarks = pr.desc = pr.pipe = pr.e2e = none;
    }

    printf("  %-34s %19s %37s %37s\n", "", "faceaudit", "ONNX Runtime (network, batch 1)",
        "face-api tfjs-wasm");
    printf("  %-34s %9s %9s %9s %9s %8s %8s %9s %9s %8s %8s\n",
        "work (demo photos, 1 thread, ms)", "wall", "CPU", "wall", "CPU", "time/ORT", "by wall",
        "wall", "CPU", "speed-up", "by wall");
    row("descriptor (per face)", o.desc, ort_desc, pr.desc);
    row("  network only (per face)", ort[ORT_REC].ours[0][0], ort_desc, none);
    row("TinyFaceDetector 416 (per image)", o.tiny, none, pr.tiny);
    row("  network only, 416 input", o.tiny_net, ort_tiny, none);
    row("SSD MobileNetV1 512 (per image)", o.ssd, none, pr.ssd);
    row("FaceLandmark68Net (per face)", o.landmarks, ort_lm, pr.landmarks);
    row("  network only (per face)", ort[ORT_LM].ours[0][0], ort_lm, none);
    row("JPEG decode (per image)", o.decode, none, pr.decode);
    row("pipeline on decoded pixels (image)", o.pipe, none, pr.pipe);
    row("end to end with decode (per image)", o.e2e, none, pr.e2e);
    printf("  %-36s %10.2f   (1 thread)\n", "descriptor (faces/s)", o.desc_fps1);
    printf("  %-36s %10.2f   (%d threads, one network instance each)\n",
        "descriptor, all cores (faces/s)", o.desc_fpsn, threads);
    printf("  %-36s %10.1f   (target < 150; a fresh process, 1 thread)\n",
        "pipeline peak RSS (MB)", (double)rss_kb / 1024);
    printf("  (%d faces on the %d demo photos; end to end = decode + TinyFaceDetector + "
        "landmarks + descriptors of every face)\n\n", o.faces, NDEMO);
    fflush(stdout);

    if (search && gallery > 0 && probes > 0) {
        bench_search(gallery, probes, threads);
        if (threads > 1)
            bench_search(gallery, probes, 1);
    }
    printf("load average at the end: %s\n", loadavg());
    for (i = 0; i < NDEMO; i++)
        free(paths[i]);
    for (i = 0; i < ORT_NETS; i++)
        free(o.pix[i]);
    free(models);
    return 0;
}
