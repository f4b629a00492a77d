/* SPDX-License-Identifier: MIT */
/*
 * cmd_recog.c - the recognition commands: `faceaudit detect`, `landmarks`,
 * `embed`, `compare`, `enroll`, `identify`, and `gallery list|delete`.
 *
 * Every command loads the networks it needs once (struct face_models, shared
 * read-only), then runs one face pipeline per worker thread (--threads N)
 * over its images; results are kept per image and printed in input order
 * once all are done, so the output does not depend on the thread count.
 * Multi-image commands show a progress line on a TTY. An image that cannot
 * be read or decoded is reported with its path and the command exits 2 after
 * finishing the others (enroll writes nothing then: it is one transaction).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/cli.h"
#include "faceaudit/embed.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/gemm.h"
#include "faceaudit/log.h"
#include "faceaudit/match.h"
#include "faceaudit/sha256.h"
#include "faceaudit/store.h"
#include "faceaudit/store_crypt.h"
#include "faceaudit/store_gallery.h"
#include "faceaudit/store_log.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

/* ---- options shared by the commands ------------------------------------------- */

enum out_format { OUT_TEXT, OUT_JSON, OUT_CSV };

struct recog_opts {
    char *models;               /* --models DIR, or NULL: models_dir() */
    struct face_models_opts m;
    int threads;
    bool cropped;
    enum out_format format;
    float threshold;
    enum match_metric metric;
    size_t top;
    char *gallery;
    char *subject;
    bool subject_from_dir;
    int retention_days;
};

/* Long options understood by some command; each command says which letters it takes. */
enum {
    OPT_DETECTOR = 256, OPT_INPUT_SIZE, OPT_MIN_SCORE, OPT_TINY_LANDMARKS, OPT_MODELS,
    OPT_THREADS, OPT_CROPPED, OPT_JSON, OPT_CSV, OPT_THRESHOLD, OPT_METRIC, OPT_TOP,
    OPT_GALLERY, OPT_SUBJECT, OPT_SUBJECT_FROM_DIR, OPT_RETENTION
};

static const struct option all_longopts[] = {
    { "detector", required_argument, NULL, OPT_DETECTOR },
    { "input-size", required_argument, NULL, OPT_INPUT_SIZE },
    { "min-score", required_argument, NULL, OPT_MIN_SCORE },
    { "tiny-landmarks", no_argument, NULL, OPT_TINY_LANDMARKS },
    { "models", required_argument, NULL, OPT_MODELS },
    { "threads", required_argument, NULL, OPT_THREADS },
    { "cropped", no_argument, NULL, OPT_CROPPED },
    { "json", no_argument, NULL, OPT_JSON },
    { "csv", no_argument, NULL, OPT_CSV },
    { "threshold", required_argument, NULL, OPT_THRESHOLD },
    { "metric", required_argument, NULL, OPT_METRIC },
    { "top", required_argument, NULL, OPT_TOP },
    { "gallery", required_argument, NULL, OPT_GALLERY },
    { "subject", required_argument, NULL, OPT_SUBJECT },
    { "subject-from-dir", no_argument, NULL, OPT_SUBJECT_FROM_DIR },
    { "retention-days", required_argument, NULL, OPT_RETENTION },
    { NULL, 0, NULL, 0 }
};

static void
recog_opts_done(struct recog_opts *o)
{
    free(o->models);
    free(o->gallery);
    free(o->subject);
}

static int
parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int
parse_float(const char *s, float lo, float hi, float *out)
{
    char *end;
    float v;

    errno = 0;
    v = strtof(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

/*
 * Parse argv with the options named in `allowed` (a list of OPT_* ending in
 * 0). Returns the index of the first operand, or -1 after a usage error.
 */
static int
recog_parse(struct cli_ctx *ctx, int argc, char **argv, const int *allowed,
    struct recog_opts *o)
{
    struct option longopts[FA_NITEMS(all_longopts)];
    size_t i, n = 0;
    long v;
    int c;

    memset(o, 0, sizeof *o);
    o->threads = 1;
    o->threshold = FACE_MATCH_THRESHOLD;
    o->metric = MATCH_EUCLIDEAN;
    o->top = 5;
    for (i = 0; all_longopts[i].name != NULL; i++) {
        const int *a;

        for (a = allowed; *a != 0; a++) {
            if (*a == all_longopts[i].val)
                longopts[n++] = all_longopts[i];
        }
    }
    memset(&longopts[n], 0, sizeof longopts[n]);

    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_DETECTOR:
            if (detector_kind_parse(optarg, &o->m.detector) == -1)
                return cli_usage_error(ctx, "--detector is tiny, ssd or tiled, not '%s'",
                    optarg), -1;
            break;
        case OPT_INPUT_SIZE:
            if (parse_int(optarg, 32, 2048, &v) == -1 || v % 32 != 0)
                return cli_usage_error(ctx, "--input-size is a multiple of 32 from 32 to "
                    "2048, not '%s'", optarg), -1;
            o->m.input_size = (int)v;
            break;
        case OPT_MIN_SCORE:
            if (parse_float(optarg, 0.0f, 1.0f, &o->m.min_score) == -1)
                return cli_usage_error(ctx, "--min-score is between 0 and 1, not '%s'",
                    optarg), -1;
            break;
        case OPT_TINY_LANDMARKS:
            o->m.tiny_landmarks = true;
            break;
        case OPT_MODELS:
            free(o->models);
            o->models = xstrdup(optarg);
            break;
        case OPT_THREADS:
            if (parse_int(optarg, 1, 256, &v) == -1)
                return cli_usage_error(ctx, "--threads is a number from 1 to 256, not '%s'",
                    optarg), -1;
            o->threads = (int)v;
            break;
        case OPT_CROPPED:
            o->cropped = true;
            break;
        case OPT_JSON:
            o->format = OUT_JSON;
            break;
        case OPT_CSV:
            o->format = OUT_CSV;
            break;
        case OPT_THRESHOLD:
            if (parse_float(optarg, 0.0f, 1e6f, &o->threshold) == -1)
                return cli_usage_error(ctx, "--threshold is a non-negative number, not '%s'",
                    optarg), -1;
            break;
        case OPT_METRIC:
            if (match_metric_parse(optarg, &o->metric) == -1)
                return cli_usage_error(ctx, "--metric is euclidean, cosine or dot, not '%s'",
                    optarg), -1;
            break;
        case OPT_TOP:
            if (parse_int(optarg, 1, 1000, &v) == -1)
                return cli_usage_error(ctx, "--top is a number from 1 to 1000, not '%s'",
                    optarg), -1;
            o->top = (size_t)v;
            break;
        case OPT_GALLERY:
            free(o->gallery);
            o->gallery = xstrdup(optarg);
            break;
        case OPT_SUBJECT:
            free(o->subject);
            o->subject = xstrdup(optarg);
            break;
        case OPT_SUBJECT_FROM_DIR:
            o->subject_from_dir = true;
            break;
        case OPT_RETENTION:
            if (parse_int(optarg, 1, 365 * 100, &v) == -1)
                return cli_usage_error(ctx, "--retention-days is a positive number of days, "
                    "not '%s'", optarg), -1;
            o->retention_days = (int)v;
            break;
        default:
            return cli_usage_error(ctx, "bad option"), -1;
        }
    }
    if (o->m.input_size != 0 && o->m.detector == DETECTOR_SSD)
        return cli_usage_error(ctx, "--input-size applies to the tiny detector only"), -1;
    if (o->cropped)
        o->m.no_detector = true;
    return optind;
}

/* ---- running the pipeline over images ------------------------------------------ */

/* One input image and what the pipeline found in it. */
struct job {
    const char *path;
    int width, height;
    char sha256[SHA256_HEX_LEN + 1];  /* of the file, when asked */
    struct face_result *faces;
    size_t n;
    char *error;
};

struct pool {
    struct cli_ctx *ctx;
    const struct face_models *models;
    unsigned stages;
    bool cropped;
    bool want_sha;
    struct job *jobs;
    size_t njobs;
    size_t next;
    size_t done;
    char *fatal;        /* a pipeline could not be created */
    pthread_mutex_t mu;
};

static void
job_run(struct pool *p, struct face_pipeline *fp, struct job *j)
{
    struct image *img;
    char *cause = NULL, *data;
    size_t len;

    /* One read: the bytes hashed for the template record are the bytes decoded. */
    if ((data = fs_read_file(j->path, IMAGE_MAX_FILE_BYTES, &len, &cause)) == NULL) {
        j->error = cause;
        return;
    }
    if (p->want_sha)
        sha256_hex(data, len, j->sha256);
    img = image_decode(data, len, j->path, NULL, &cause);
    free(data);
    if (img == NULL) {
        j->error = cause;
        return;
    }
    j->width = img->width;
    j->height = img->height;
    if (p->cropped) {
        j->faces = xcalloc(1, sizeof *j->faces);
        if (face_pipeline_run_cropped(fp, img, j->faces, &cause) == -1) {
            free(j->faces);
            j->faces = NULL;
            j->error = xasprintf("%s: %s", j->path, cause);
            free(cause);
        } else
            j->n = 1;
    } else if (face_pipeline_run(fp, img, p->stages, &j->faces, &j->n, &cause) == -1) {
        j->error = xasprintf("%s: %s", j->path, cause);
        free(cause);
    }
    image_free(img);
}

static void
pool_progress(struct pool *p)
{
    if (p->ctx->progress && p->njobs > 1) {
        fprintf(p->ctx->err, "\r%s: %zu/%zu images", p->ctx->cmd, p->done, p->njobs);
        if (p->done == p->njobs)
            fputs("\r\033[K", p->ctx->err);
        fflush(p->ctx->err);
    }
}

static void *
pool_worker(void *arg)
{
    struct pool *p = arg;
    struct face_pipeline *fp;
    char *cause = NULL;

    if ((fp = face_pipeline_new(p->models, &cause)) == NULL) {
        pthread_mutex_lock(&p->mu);
        if (p->fatal == NULL)
            p->fatal = cause;
        else
            free(cause);
        pthread_mutex_unlock(&p->mu);
        return NULL;
    }
    for (;;) {
        size_t i;

        pthread_mutex_lock(&p->mu);
        i = p->next++;
        pthread_mutex_unlock(&p->mu);
        if (i >= p->njobs)
            break;
        job_run(p, fp, &p->jobs[i]);
        pthread_mutex_lock(&p->mu);
        p->done++;
        pool_progress(p);
        pthread_mutex_unlock(&p->mu);
    }
    face_pipeline_free(fp);
    return NULL;
}

static void
jobs_free(struct job *jobs, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(jobs[i].faces);
        free(jobs[i].error);
    }
    free(jobs);
}

/*
 * Load the networks and run every image through them with o->threads
 * workers. Returns the jobs (jobs_free) or NULL after reporting an error
 * that stopped everything (models missing, no pipeline).
 */
static struct job *
run_images(struct cli_ctx *ctx, const struct recog_opts *o, unsigned stages, bool want_sha,
    char **paths, size_t n)
{
    struct face_models *models;
    struct pool p;
    pthread_t *tid;
    char *cause = NULL;
    size_t i, nthreads = FA_MIN((size_t)o->threads, n);

    if ((models = face_models_load(o->models, &o->m, &cause)) == NULL) {
        cli_error(ctx, "%s", cause);
        free(cause);
        return NULL;
    }
    memset(&p, 0, sizeof p);
    p.ctx = ctx;
    p.models = models;
    p.stages = stages;
    p.cropped = o->cropped;
    p.want_sha = want_sha;
    p.jobs = xcalloc(n, sizeof *p.jobs);
    p.njobs = n;
    for (i = 0; i < n; i++)
        p.jobs[i].path = paths[i];
    pthread_mutex_init(&p.mu, NULL);
    /* One network instance per thread; the BLAS must not add its own. */
    if (nthreads > 1)
        gemm_set_threads(1);
    tid = xcalloc(nthreads, sizeof *tid);
    for (i = 1; i < nthreads; i++) {
        if (pthread_create(&tid[i], NULL, pool_worker, &p) != 0)
            fatal("pthread_create");
    }
    pool_worker(&p);
    for (i = 1; i < nthreads; i++)
        pthread_join(tid[i], NULL);
    free(tid);
    pthread_mutex_destroy(&p.mu);
    face_models_free(models);
    if (p.fatal != NULL) {
        cli_error(ctx, "%s", p.fatal);
        free(p.fatal);
        jobs_free(p.jobs, n);
        return NULL;
    }
    return p.jobs;
}

/* Report every failed image; returns how many failed. */
static size_t
report_errors(struct cli_ctx *ctx, const struct job *jobs, size_t n)
{
    size_t i, bad = 0;

    for (i = 0; i < n; i++) {
        if (jobs[i].error != NULL) {
            cli_error(ctx, "%s", jobs[i].error);
            bad++;
        }
    }
    return bad;
}

/* ---- output helpers ------------------------------------------------------------- */

static void
json_string(FILE *f, const char *s)
{
    const unsigned char *p;

    fputc('"', f);
    for (p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* A float with enough digits to read back the same float32. */
static void
put_float(FILE *f, float v)
{
    fprintf(f, "%.9g", (double)v);
}

static void
json_box(FILE *f, const struct fa_box *b)
{
    fprintf(f, "{\"x\": %.9g, \"y\": %.9g, \"width\": %.9g, \"height\": %.9g}", (double)b->x,
        (double)b->y, (double)b->w, (double)b->h);
}

static void
json_points(FILE *f, const float pts[LANDMARK_COUNT][2])
{
    int i;

    fputc('[', f);
    for (i = 0; i < LANDMARK_COUNT; i++)
        fprintf(f, "%s[%.9g, %.9g]", i > 0 ? ", " : "", (double)pts[i][0], (double)pts[i][1]);
    fputc(']', f);
}

static void
json_descriptor(FILE *f, const float *d)
{
    int i;

    fputc('[', f);
    for (i = 0; i < FACE_DESCRIPTOR_DIM; i++) {
        if (i > 0)
            fputs(", ", f);
        put_float(f, d[i]);
    }
    fputc(']', f);
}

/* The JSON document shared by detect, landmarks and embed (schema version 1). */
static void
print_json(FILE *f, const struct recog_opts *o, const struct job *jobs, size_t n, bool lm,
    bool desc)
{
    size_t i, k;

    fprintf(f, "{\"faceaudit\": \"%s\", \"schema\": 1, \"detector\": \"%s\", \"images\": [",
        PACKAGE_VERSION, o->cropped ? "none" : detector_kind_name(o->m.detector));
    for (i = 0; i < n; i++) {
        const struct job *j = &jobs[i];

        fputs(i > 0 ? ",\n  {\"path\": " : "\n  {\"path\": ", f);
        json_string(f, j->path);
        if (j->error != NULL) {
            fputs(", \"error\": ", f);
            json_string(f, j->error);
            fputc('}', f);
            continue;
        }
        fprintf(f, ", \"width\": %d, \"height\": %d, \"faces\": [", j->width, j->height);
        for (k = 0; k < j->n; k++) {
            const struct face_result *r = &j->faces[k];

            fprintf(f, "%s\n    {\"score\": %.9g, \"box\": ", k > 0 ? "," : "",
                (double)r->score);
            json_box(f, &r->box);
            if (lm && r->has_landmarks) {
                fputs(", \"landmarks\": ", f);
                json_points(f, r->landmarks);
            }
            if (desc && r->has_descriptor) {
                fputs(", \"aligned\": ", f);
                json_box(f, &r->aligned);
                fputs(", \"descriptor\": ", f);
                json_descriptor(f, r->descriptor);
            }
            fputc('}', f);
        }
        fputs("]}", f);
    }
    fputs("\n]}\n", f);
}

/* ---- detect, landmarks, embed ---------------------------------------------------- */

static const int detect_opts[] = {
    OPT_DETECTOR, OPT_INPUT_SIZE, OPT_MIN_SCORE, OPT_MODELS, OPT_THREADS, OPT_JSON, 0
};
static const int landmarks_opts[] = {
    OPT_DETECTOR, OPT_INPUT_SIZE, OPT_MIN_SCORE, OPT_TINY_LANDMARKS, OPT_MODELS, OPT_THREADS,
    OPT_CROPPED, OPT_JSON, 0
};
static const int embed_opts[] = {
    OPT_DETECTOR, OPT_INPUT_SIZE, OPT_MIN_SCORE, OPT_TINY_LANDMARKS, OPT_MODELS, OPT_THREADS,
    OPT_CROPPED, OPT_JSON, OPT_CSV, 0
};

enum per_face_cmd { CMD_DETECT, CMD_LANDMARKS, CMD_EMBED };

static void
print_text(FILE *f, enum per_face_cmd which, const struct job *jobs, size_t n)
{
    size_t i, k;
    int p;

    switch (which) {
    case CMD_DETECT:
        fputs("# image\tface\tscore\tx\ty\twidth\theight\n", f);
        break;
    case CMD_LANDMARKS:
        fputs("# image\tface\tx0 y0 x1 y1 ... x67 y67 (iBUG-68 order)\n", f);
        break;
    case CMD_EMBED:
        fputs("# image\tface\td0 d1 ... d127\n", f);
        break;
    }
    for (i = 0; i < n; i++) {
        const struct job *j = &jobs[i];

        if (j->error != NULL)
            continue;
        for (k = 0; k < j->n; k++) {
            const struct face_result *r = &j->faces[k];

            fprintf(f, "%s\t%zu\t", j->path, k);
            if (which == CMD_DETECT)
                fprintf(f, "%.4f\t%.2f\t%.2f\t%.2f\t%.2f", (double)r->score, (double)r->box.x,
                    (double)r->box.y, (double)r->box.w, (double)r->box.h);
            else if (which == CMD_LANDMARKS) {
                if (!r->has_landmarks)
                    fputs("-", f);
                for (p = 0; r->has_landmarks && p < LANDMARK_COUNT; p++)
                    fprintf(f, "%s%.2f %.2f", p > 0 ? " " : "", (double)r->landmarks[p][0],
                        (double)r->landmarks[p][1]);
            } else {
                if (!r->has_descriptor)
                    fputs("-", f);
                for (p = 0; r->has_descriptor && p < FACE_DESCRIPTOR_DIM; p++) {
                    if (p > 0)
                        fputc(' ', f);
                    put_float(f, r->descriptor[p]);
                }
            }
            fputc('\n', f);
        }
    }
}

static void
csv_field(FILE *f, const char *s)
{
    const char *p;

    if (strpbrk(s, ",\"\n\r") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (p = s; *p != '\0'; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

static void
print_embed_csv(FILE *f, const struct job *jobs, size_t n)
{
    size_t i, k;
    int p;

    fputs("image,face,score,x,y,width,height", f);
    for (p = 0; p < FACE_DESCRIPTOR_DIM; p++)
        fprintf(f, ",d%d", p);
    fputs("\r\n", f);
    for (i = 0; i < n; i++) {
        for (k = 0; jobs[i].error == NULL && k < jobs[i].n; k++) {
            const struct face_result *r = &jobs[i].faces[k];

            if (!r->has_descriptor)
                continue;
            csv_field(f, jobs[i].path);
            fprintf(f, ",%zu,%.9g,%.9g,%.9g,%.9g,%.9g", k, (double)r->score, (double)r->box.x,
                (double)r->box.y, (double)r->box.w, (double)r->box.h);
            for (p = 0; p < FACE_DESCRIPTOR_DIM; p++) {
                fputc(',', f);
                put_float(f, r->descriptor[p]);
            }
            fputs("\r\n", f);
        }
    }
}

static int
per_face_exec(struct cli_ctx *ctx, int argc, char **argv, enum per_face_cmd which)
{
    static const unsigned stages[] = {
        0, FACE_STAGE_LANDMARKS, FACE_STAGE_LANDMARKS | FACE_STAGE_DESCRIPTOR
    };
    static const int *const allowed[] = { detect_opts, landmarks_opts, embed_opts };
    struct recog_opts o;
    struct job *jobs;
    size_t n, bad;
    int first;

    if ((first = recog_parse(ctx, argc, argv, allowed[which], &o)) == -1) {
        recog_opts_done(&o);
        return FA_EXIT_USAGE;
    }
    if (first >= argc) {
        recog_opts_done(&o);
        return cli_usage_error(ctx, "no image given");
    }
    if (which != CMD_EMBED)
        o.m.no_descriptor = true;
    n = (size_t)(argc - first);
    if ((jobs = run_images(ctx, &o, stages[which], false, argv + first, n)) == NULL) {
        recog_opts_done(&o);
        return FA_EXIT_USAGE;
    }
    if (o.format == OUT_JSON)
        print_json(ctx->out, &o, jobs, n, which != CMD_DETECT, which == CMD_EMBED);
    else if (o.format == OUT_CSV)
        print_embed_csv(ctx->out, jobs, n);
    else
        print_text(ctx->out, which, jobs, n);
    bad = report_errors(ctx, jobs, n);
    jobs_free(jobs, n);
    recog_opts_done(&o);
    return bad > 0 ? FA_EXIT_USAGE : FA_EXIT_OK;
}

static int
cmd_detect_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    return per_face_exec(ctx, argc, argv, CMD_DETECT);
}

static int
cmd_landmarks_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    return per_face_exec(ctx, argc, argv, CMD_LANDMARKS);
}

static int
cmd_embed_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    return per_face_exec(ctx, argc, argv, CMD_EMBED);
}

/* ---- compare, enroll, identify ----------------------------------------------------- */

/*
 * The face of an image a 1:1 or enrolment command uses: the only one, or the
 * highest-scoring of several (noted on stderr). NULL with an error reported
 * when the image failed or holds no face with a descriptor.
 */
static const struct face_result *
single_face(struct cli_ctx *ctx, const struct job *j)
{
    const struct face_result *best = NULL;
    size_t k;

    if (j->error != NULL) {
        cli_error(ctx, "%s", j->error);
        return NULL;
    }
    for (k = 0; k < j->n; k++) {
        if (j->faces[k].has_descriptor && (best == NULL || j->faces[k].score > best->score))
            best = &j->faces[k];
    }
    if (best == NULL) {
        cli_error(ctx, "%s: no face found (if the image is already a face crop, use --cropped)",
            j->path);
        return NULL;
    }
    if (j->n > 1)
        fprintf(ctx->err, "faceaudit: %s: %s: %zu faces, using the highest-scoring one "
            "(score %.3f)\n", ctx->cmd, j->path, j->n, (double)best->score);
    return best;
}

static const int compare_opts[] = {
    OPT_DETECTOR, OPT_INPUT_SIZE, OPT_MIN_SCORE, OPT_TINY_LANDMARKS, OPT_MODELS, OPT_CROPPED,
    OPT_THRESHOLD, OPT_METRIC, OPT_JSON, 0
};

static int
cmd_compare_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    struct recog_opts o;
    struct job *jobs;
    const struct face_result *a, *b;
    struct match_verdict v;
    int first, rc = FA_EXIT_USAGE;

    if ((first = recog_parse(ctx, argc, argv, compare_opts, &o)) == -1) {
        recog_opts_done(&o);
        return FA_EXIT_USAGE;
    }
    if (argc - first != 2) {
        recog_opts_done(&o);
        return cli_usage_error(ctx, "compare takes two images");
    }
    o.threads = 2;
    if ((jobs = run_images(ctx, &o, FACE_STAGE_DESCRIPTOR, false, argv + first, 2)) == NULL) {
        recog_opts_done(&o);
        return FA_EXIT_USAGE;
    }
    a = single_face(ctx, &jobs[0]);
    b = single_face(ctx, &jobs[1]);
    if (a != NULL && b != NULL) {
        v = match_verify(o.metric, a->descriptor, b->descriptor, FACE_DESCRIPTOR_DIM,
            o.threshold);
        if (o.format == OUT_JSON) {
            fputs("{\"faceaudit\": \"" PACKAGE_VERSION "\", \"schema\": 1, \"a\": ", ctx->out);
            json_string(ctx->out, jobs[0].path);
            fputs(", \"b\": ", ctx->out);
            json_string(ctx->out, jobs[1].path);
            fprintf(ctx->out, ", \"metric\": \"%s\", \"distance\": %.9g, \"threshold\": %g, "
                "\"same\": %s}\n", match_metric_name(o.metric), (double)v.distance,
                (double)o.threshold, v.same ? "true" : "false");
        } else
            fprintf(ctx->out, "distance %.4f (%s, threshold %g): %s\n", (double)v.distance,
                match_metric_name(o.metric), (double)o.threshold,
                v.same ? "same person" : "different people");
        rc = FA_EXIT_OK;
    }
    jobs_free(jobs, 2);
    recog_opts_done(&o);
    return rc;
}

/*
 * Append one audit-log entry for a template access (DESIGN.md §8): inside the
 * caller's transaction when one is open. The template key is created on
 * first use. Returns 0 or -1 with *cause.
 */
static int
audit_template_access(struct store *st, const char *command, const char *action,
    const char *gallery, const char *detail, char **cause)
{
    char *keypath = store_key_default_path(), *object = xasprintf("gallery:%s", gallery);
    struct store_key *key = store_key_load(keypath, true, cause);
    int rc = -1;

    if (key != NULL) {
        rc = store_log_append(st, key, command, action, object, detail, cause);
        store_key_free(key);
    }
    free(object);
    free(keypath);
    return rc;
}

/* The subject label of an enrolled image: --subject, its folder, or its file stem. */
static char *
subject_of(const struct recog_opts *o, const char *path)
{
    const char *slash, *base, *dot;

    if (o->subject != NULL)
        return xstrdup(o->subject);
    slash = strrchr(path, '/');
    base = slash != NULL ? slash + 1 : path;
    if (o->subject_from_dir) {
        const char *start;

        if (slash == NULL)
            return xstrdup(".");
        for (start = slash; start > path && start[-1] != '/'; start--)
            ;
        return xasprintf("%.*s", (int)(slash - start), start);
    }
    dot = strrchr(base, '.');
    if (dot == NULL || dot == base)
        return xstrdup(base);
    return xasprintf("%.*s", (int)(dot - base), base);
}

static const int enroll_opts[] = {
    OPT_GALLERY, OPT_SUBJECT, OPT_SUBJECT_FROM_DIR, OPT_RETENTION, OPT_DETECTOR,
    OPT_INPUT_SIZE, OPT_MIN_SCORE, OPT_TINY_LANDMARKS, OPT_MODELS, OPT_THREADS, OPT_CROPPED, 0
};

static int
cmd_enroll_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    struct recog_opts o;
    struct store *st;
    struct store_gallery_info info;
    struct job *jobs = NULL;
    const struct face_result **chosen = NULL;
    char *cause = NULL;
    size_t n = 0, i, bad = 0;
    int first, found, rc = FA_EXIT_USAGE;
    bool created = false;

    if ((first = recog_parse(ctx, argc, argv, enroll_opts, &o)) == -1)
        goto out;
    if (o.gallery == NULL) {
        rc = cli_usage_error(ctx, "--gallery NAME is required");
        goto out;
    }
    if (o.subject != NULL && o.subject_from_dir) {
        rc = cli_usage_error(ctx, "--subject and --subject-from-dir exclude each other");
        goto out;
    }
    if (first >= argc) {
        rc = cli_usage_error(ctx, "no image given");
        goto out;
    }
    if ((st = cli_store(ctx)) == NULL)
        goto out;
    n = (size_t)(argc - first);
    if ((jobs = run_images(ctx, &o, FACE_STAGE_DESCRIPTOR, true, argv + first, n)) == NULL)
        goto out;
    chosen = xcalloc(n, sizeof *chosen);
    for (i = 0; i < n; i++) {
        if ((chosen[i] = single_face(ctx, &jobs[i])) == NULL)
            bad++;
    }
    if (bad > 0) {
        cli_error(ctx, "%zu of %zu image(s) failed: nothing enrolled", bad, n);
        goto out;
    }

    /* One transaction: the gallery (if new) and every template, or nothing. */
    if (store_begin(st, &cause) == -1)
        goto db_error;
    if ((found = store_gallery_get(st, o.gallery, &info, &cause)) == -1)
        goto db_error;
    if (found == 0) {
        if (store_gallery_create(st, o.gallery, o.retention_days, FACE_DESCRIPTOR_DIM, NULL,
                &cause) == -1 || store_gallery_get(st, o.gallery, &info, &cause) != 1)
            goto db_error;
        created = true;
    } else if (o.retention_days != 0 && o.retention_days != info.retention_days) {
        store_gallery_info_done(&info);
        store_rollback(st);
        rc = cli_error(ctx, "gallery %s exists with another retention period", o.gallery);
        goto out;
    }
    for (i = 0; i < n; i++) {
        char *subject = subject_of(&o, jobs[i].path), *detail;
        int64_t tid;
        int r = store_template_add(st, info.id, subject, chosen[i]->descriptor,
            FACE_DESCRIPTOR_DIM, jobs[i].sha256, &tid, &cause);

        if (r == 0) {
            detail = xasprintf("template %" PRId64 " subject %s image sha256 %s", tid, subject,
                jobs[i].sha256);
            r = audit_template_access(st, "enroll", "enrol", o.gallery, detail, &cause);
            free(detail);
        }
        if (r == 0)
            fprintf(ctx->out, "enrolled %s as %s\n", jobs[i].path, subject);
        free(subject);
        if (r == -1) {
            store_gallery_info_done(&info);
            goto db_error;
        }
    }
    if (store_commit(st, &cause) == -1) {
        store_gallery_info_done(&info);
        goto db_error;
    }
    fprintf(ctx->out, "%s gallery %s: %zu template(s) added, %" PRId64 " in total\n",
        created ? "created" : "updated", o.gallery, n, info.ntemplates + (int64_t)n);
    store_gallery_info_done(&info);
    rc = FA_EXIT_OK;
    goto out;

db_error:
    store_rollback(st);
    rc = cli_error(ctx, "gallery %s: %s: nothing enrolled", o.gallery, cause);
    free(cause);
out:
    free(chosen);
    if (jobs != NULL)
        jobs_free(jobs, n);
    recog_opts_done(&o);
    return rc;
}

static const int identify_opts[] = {
    OPT_GALLERY, OPT_TOP, OPT_THRESHOLD, OPT_METRIC, OPT_DETECTOR, OPT_INPUT_SIZE,
    OPT_MIN_SCORE, OPT_TINY_LANDMARKS, OPT_MODELS, OPT_CROPPED, OPT_JSON, 0
};

static int
cmd_identify_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    struct recog_opts o;
    struct store *st;
    struct store_gallery_info info;
    struct store_templates t;
    struct match_gallery *g = NULL;
    struct match_hit *hits = NULL;
    struct job *jobs = NULL;
    struct match_opts mo;
    char *cause = NULL;
    size_t k, r, nhits;
    int first, found, rc = FA_EXIT_USAGE;

    memset(&t, 0, sizeof t);
    if ((first = recog_parse(ctx, argc, argv, identify_opts, &o)) == -1)
        goto out;
    if (o.gallery == NULL) {
        rc = cli_usage_error(ctx, "--gallery NAME is required");
        goto out;
    }
    if (argc - first != 1) {
        rc = cli_usage_error(ctx, "identify takes one image");
        goto out;
    }
    if ((st = cli_store(ctx)) == NULL)
        goto out;
    if ((found = store_gallery_get(st, o.gallery, &info, &cause)) != 1) {
        rc = found == 0 ? cli_error(ctx, "no gallery named %s (enroll faces first: faceaudit "
            "enroll --gallery %s IMAGE...)", o.gallery, o.gallery) :
            cli_error(ctx, "%s", cause);
        free(cause);
        goto out;
    }
    if (store_templates_load(st, info.id, &t, &cause) == -1) {
        store_gallery_info_done(&info);
        rc = cli_error(ctx, "gallery %s: %s", o.gallery, cause);
        free(cause);
        goto out;
    }
    store_gallery_info_done(&info);
    if ((jobs = run_images(ctx, &o, FACE_STAGE_DESCRIPTOR, false, argv + first, 1)) == NULL)
        goto out;
    if (jobs[0].error != NULL) {
        rc = cli_error(ctx, "%s", jobs[0].error);
        goto out;
    }
    {
        /* the search reads every template of the gallery: log it before any result */
        char *detail = xasprintf("%zu face(s) of %s searched against %zu templates, top %zu",
            jobs[0].n, jobs[0].path, t.n, o.top);
        int logged = audit_template_access(st, "identify", "identify", o.gallery, detail,
            &cause);

        free(detail);
        if (logged == -1) {
            rc = cli_error(ctx, "audit log: %s", cause);
            free(cause);
            goto out;
        }
    }

    g = match_gallery_new(t.vecs, t.n, FACE_DESCRIPTOR_DIM, true);
    mo.metric = o.metric;
    mo.k = o.top;
    mo.threads = 1;
    hits = xreallocarray(NULL, o.top, sizeof *hits);
    if (o.format == OUT_JSON) {
        fputs("{\"faceaudit\": \"" PACKAGE_VERSION "\", \"schema\": 1, \"image\": ", ctx->out);
        json_string(ctx->out, jobs[0].path);
        fputs(", \"gallery\": ", ctx->out);
        json_string(ctx->out, o.gallery);
        fprintf(ctx->out, ", \"templates\": %zu, \"metric\": \"%s\", \"threshold\": %g, "
            "\"faces\": [", t.n, match_metric_name(o.metric), (double)o.threshold);
    } else
        fprintf(ctx->out, "# %s against gallery %s (%zu templates, %s, threshold %g)\n",
            jobs[0].path, o.gallery, t.n, match_metric_name(o.metric), (double)o.threshold);
    for (k = 0; k < jobs[0].n; k++) {
        const struct face_result *fr = &jobs[0].faces[k];

        if (!fr->has_descriptor)
            continue;
        nhits = match_search(g, fr->descriptor, 1, &mo, hits);
        if (o.format == OUT_JSON) {
            fprintf(ctx->out, "%s\n  {\"face\": %zu, \"score\": %.9g, \"box\": ",
                k > 0 ? "," : "", k, (double)fr->score);
            json_box(ctx->out, &fr->box);
            fputs(", \"candidates\": [", ctx->out);
        } else
            fprintf(ctx->out, "face %zu (score %.3f, box %.0f %.0f %.0f %.0f)%s\n", k,
                (double)fr->score, (double)fr->box.x, (double)fr->box.y, (double)fr->box.w,
                (double)fr->box.h, nhits == 0 ? ": the gallery is empty" : "");
        for (r = 0; r < nhits; r++) {
            size_t ti = hits[r].index;
            bool match = hits[r].distance < o.threshold;

            if (o.format == OUT_JSON) {
                fprintf(ctx->out, "%s{\"rank\": %zu, \"subject\": ", r > 0 ? ", " : "", r + 1);
                json_string(ctx->out, t.subjects[ti]);
                fprintf(ctx->out, ", \"template\": %" PRId64 ", \"distance\": %.9g, "
                    "\"match\": %s}", t.ids[ti], (double)hits[r].distance,
                    match ? "true" : "false");
            } else
                fprintf(ctx->out, "  %zu\t%s\t%.4f\t%s\n", r + 1, t.subjects[ti],
                    (double)hits[r].distance, match ? "match" : "-");
        }
        if (o.format == OUT_JSON)
            fputs("]}", ctx->out);
    }
    if (o.format == OUT_JSON)
        fputs("\n]}\n", ctx->out);
    else if (jobs[0].n == 0)
        fprintf(ctx->out, "no face found in %s\n", jobs[0].path);
    rc = FA_EXIT_OK;
out:
    free(hits);
    match_gallery_free(g);
    store_templates_done(&t);
    if (jobs != NULL)
        jobs_free(jobs, 1);
    recog_opts_done(&o);
    return rc;
}

/* ---- gallery list | delete ---------------------------------------------------------- */

static int
cmd_gallery_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    static const int gallery_opts[] = { OPT_JSON, 0 };
    struct recog_opts o;
    struct store *st;
    struct store_gallery_info *all;
    char *cause = NULL, *detail;
    const char *sub;
    size_t n, i;
    int64_t removed;
    int first, rc = FA_EXIT_USAGE;

    if (argc < 2)
        return cli_usage_error(ctx, "missing subcommand (list or delete)");
    sub = argv[1];
    argc--;
    argv++;
    if ((first = recog_parse(ctx, argc, argv, gallery_opts, &o)) == -1)
        goto out;
    if (strcmp(sub, "list") == 0) {
        if (first != argc) {
            rc = cli_usage_error(ctx, "unexpected argument '%s'", argv[first]);
            goto out;
        }
        if ((st = cli_store(ctx)) == NULL)
            goto out;
        if (store_gallery_list(st, &all, &n, &cause) == -1) {
            rc = cli_error(ctx, "%s", cause);
            free(cause);
            goto out;
        }
        if (o.format == OUT_JSON)
            fputs("{\"faceaudit\": \"" PACKAGE_VERSION "\", \"schema\": 1, \"galleries\": [",
                ctx->out);
        else
            fprintf(ctx->out, "%-20s %9s %9s %9s  %s\n", "GALLERY", "TEMPLATES", "SUBJECTS",
                "RETENTION", "CREATED");
        for (i = 0; i < n; i++) {
            if (o.format == OUT_JSON) {
                fputs(i > 0 ? ",\n  {\"name\": " : "\n  {\"name\": ", ctx->out);
                json_string(ctx->out, all[i].name);
                fprintf(ctx->out, ", \"templates\": %" PRId64 ", \"subjects\": %" PRId64
                    ", \"retention_days\": %d, \"dim\": %d, \"created\": \"%s\"}",
                    all[i].ntemplates, all[i].nsubjects, all[i].retention_days, all[i].dim,
                    all[i].created_at);
            } else if (all[i].retention_days > 0)
                fprintf(ctx->out, "%-20s %9" PRId64 " %9" PRId64 " %8dd  %s\n", all[i].name,
                    all[i].ntemplates, all[i].nsubjects, all[i].retention_days,
                    all[i].created_at);
            else
                fprintf(ctx->out, "%-20s %9" PRId64 " %9" PRId64 " %9s  %s\n", all[i].name,
                    all[i].ntemplates, all[i].nsubjects, "-", all[i].created_at);
        }
        if (o.format == OUT_JSON)
            fputs("\n]}\n", ctx->out);
        store_gallery_info_free_array(all, n);
        rc = FA_EXIT_OK;
    } else if (strcmp(sub, "delete") == 0) {
        if (argc - first != 1) {
            rc = cli_usage_error(ctx, "delete takes one gallery name");
            goto out;
        }
        if ((st = cli_store(ctx)) == NULL)
            goto out;
        /* the deletion and its audit-log entry commit together */
        if (store_begin(st, &cause) == -1 ||
            (removed = store_gallery_delete(st, argv[first], &cause)) == -1)
            goto db_error;
        detail = xasprintf("gallery deleted with %" PRId64 " template(s)", removed);
        rc = audit_template_access(st, "gallery", "delete", argv[first], detail, &cause);
        free(detail);
        if (rc == -1 || store_commit(st, &cause) == -1)
            goto db_error;
        fprintf(ctx->out, "deleted gallery %s and its %" PRId64 " template(s)\n", argv[first],
            removed);
        rc = FA_EXIT_OK;
    } else
        rc = cli_usage_error(ctx, "unknown subcommand '%s' (list or delete)", sub);
    goto out;

db_error:
    store_rollback(st);
    rc = cli_error(ctx, "%s", cause);
    free(cause);
out:
    recog_opts_done(&o);
    return rc;
}

/* ---- the command entries ----------------------------------------------------------- */

#define HELP_MODELS \
    "  --models DIR        model folder (default $FACEAUDIT_MODELS, else\n" \
    "                      $XDG_DATA_HOME/faceaudit/models; `faceaudit models fetch`)\n"
#define HELP_DETECTOR \
    "  --detector D        tiny (TinyFaceDetector, default), ssd (SSD MobileNetV1)\n" \
    "                      or tiled (TinyFaceDetector over overlapping tiles too:\n" \
    "                      small and off-centre faces)\n" \
    "  --input-size N      tiny/tiled detector input, a multiple of 32 (default 416)\n" \
    "  --min-score S       keep detections scoring above S (default 0.5)\n"
#define HELP_THREADS \
    "  --threads N         N images at a time, one network instance per thread\n"
#define HELP_CROPPED \
    "  --cropped           the images are face crops: no detection, the landmark\n" \
    "                      net runs on the whole image\n"
#define HELP_LANDMARKS "  --tiny-landmarks    FaceLandmark68TinyNet instead of FaceLandmark68Net\n"
#define HELP_EXIT \
    "\nexit status: 0 done; 2 usage error, missing models, or an image that could\n" \
    "not be read (named, with the reason; the other images are still processed).\n"

const struct cmd_entry cmd_detect_entry = {
    "detect", NULL, "IMAGE... [--detector tiny|ssd|tiled] [--json]",
    "find faces in images (boxes and scores)",
    "Runs face-api's TinyFaceDetector (default) or SSD MobileNetV1 on each image\n"
    "(JPEG, PNG, PGM/PPM) and prints one line per face: image, face number,\n"
    "score, box x, y, width, height in pixels. --json prints a document with the\n"
    "same fields (schema 1).\n\noptions:\n"
    HELP_DETECTOR HELP_THREADS "  --json              JSON output\n" HELP_MODELS HELP_EXIT,
    cmd_detect_exec
};

const struct cmd_entry cmd_landmarks_entry = {
    "landmarks", NULL, "IMAGE... [--detector tiny|ssd] [--tiny-landmarks] [--json]",
    "68 face landmarks of every face",
    "Detects the faces, then prints the 68 iBUG landmarks of each, in image\n"
    "pixel coordinates, one face per line (x0 y0 ... x67 y67).\n\noptions:\n"
    HELP_DETECTOR HELP_LANDMARKS HELP_CROPPED HELP_THREADS
    "  --json              JSON output\n" HELP_MODELS HELP_EXIT,
    cmd_landmarks_exec
};

const struct cmd_entry cmd_embed_entry = {
    "embed", NULL, "IMAGE... [--json|--csv] [--cropped] [--threads N]",
    "128-d face descriptors of every face",
    "Detects the faces, finds their landmarks, takes face-api's alignment crop\n"
    "and prints the 128-d FaceRecognitionNet descriptor of each face (as\n"
    "computed: not normalised; faces compare by Euclidean distance).\n\noptions:\n"
    HELP_DETECTOR HELP_LANDMARKS HELP_CROPPED HELP_THREADS
    "  --json              JSON output\n"
    "  --csv               CSV: image,face,score,x,y,width,height,d0..d127\n"
    HELP_MODELS HELP_EXIT,
    cmd_embed_exec
};

const struct cmd_entry cmd_compare_entry = {
    "compare", NULL, "A B [--threshold T] [--metric euclidean|cosine] [--cropped]",
    "1:1: are the faces in two images the same person?",
    "Computes the descriptor of the face in each image (the highest-scoring one\n"
    "when there are several) and prints their distance and the verdict: the\n"
    "same person when the distance is below the threshold.\n\noptions:\n"
    "  --threshold T       decision threshold (default 0.6, face-api's)\n"
    "  --metric M          euclidean (default), cosine or dot\n"
    HELP_CROPPED HELP_DETECTOR HELP_LANDMARKS "  --json              JSON output\n"
    HELP_MODELS
    "\nexit status: 0 whether or not the faces match; 2 usage error, missing\n"
    "models, an unreadable image, or an image without a face.\n",
    cmd_compare_exec
};

const struct cmd_entry cmd_enroll_entry = {
    "enroll", NULL, "--gallery NAME [--subject S] IMAGE...",
    "add faces to a gallery in the database",
    "Computes the descriptor of the face in each image (the highest-scoring one\n"
    "when there are several) and stores it as a template of the gallery, with\n"
    "the subject label and the SHA-256 of the image file. The gallery is created\n"
    "on first use. All images are enrolled in one transaction: if one fails,\n"
    "nothing is stored.\n\noptions:\n"
    "  --gallery NAME      the gallery (required)\n"
    "  --subject S         subject label for every image (default: the file name\n"
    "                      without extension)\n"
    "  --subject-from-dir  the image's folder name is its subject (dataset layout\n"
    "                      with one folder per person)\n"
    "  --retention-days N  retention period of a new gallery\n"
    HELP_CROPPED HELP_DETECTOR HELP_LANDMARKS HELP_THREADS HELP_MODELS
    "\nexit status: 0 enrolled; 2 usage error, database error, missing models, or an\n"
    "image that could not be read or holds no face (nothing is enrolled then).\n",
    cmd_enroll_exec
};

const struct cmd_entry cmd_identify_entry = {
    "identify", NULL, "--gallery NAME IMAGE [--top K] [--threshold T]",
    "1:N: search a gallery for the faces in an image",
    "For every face in the image, lists the K closest templates of the gallery\n"
    "(rank, subject, distance) and marks those below the threshold as matches.\n\n"
    "options:\n"
    "  --gallery NAME      the gallery (required)\n"
    "  --top K             candidates per face (default 5)\n"
    "  --threshold T       match threshold (default 0.6)\n"
    "  --metric M          euclidean (default), cosine or dot\n"
    HELP_CROPPED HELP_DETECTOR HELP_LANDMARKS "  --json              JSON output\n"
    HELP_MODELS
    "\nexit status: 0 searched (with or without a match); 2 usage error, unknown\n"
    "gallery, missing models or an unreadable image.\n",
    cmd_identify_exec
};

const struct cmd_entry cmd_gallery_entry = {
    "gallery", NULL, "list [--json] | delete NAME",
    "list the galleries of face templates, or delete one",
    "  list          every gallery: templates, distinct subjects, retention period,\n"
    "                creation time (--json for a document)\n"
    "  delete NAME   remove a gallery and all its templates; the deletion is\n"
    "                recorded in the audit log in the same transaction\n"
    "\nexit status: 0 done; 2 usage error, unknown gallery or database error.\n",
    cmd_gallery_exec
};
