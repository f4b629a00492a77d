/* SPDX-License-Identifier: MIT */
/*
 * cmd_recog.c - the recognition commands `faceaudit detect`, `landmarks`,
 * `embed` and `compare`, and the options every recognition command shares
 * (cmd_recog.h; enroll, identify and gallery are in cmd_gallery.c).
 *
 * The images go through app_recog_images(): the networks load once, one
 * face pipeline per worker thread (--threads N) runs over the images
 * (recog_pool.h), results come back per image in input order, so the output
 * does not depend on the thread count. Multi-image commands show a progress
 * line on a TTY. An image that cannot be read or decoded is reported with
 * its path and the command exits 2 after finishing the others. Ctrl-C stops
 * the pool before its next image; nothing is printed or stored (exit 130).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_recog.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

/* ---- options shared by the commands ------------------------------------------- */

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
    { "format", required_argument, NULL, OPT_FORMAT },
    { "threshold", required_argument, NULL, OPT_THRESHOLD },
    { "metric", required_argument, NULL, OPT_METRIC },
    { "top", required_argument, NULL, OPT_TOP },
    { "gallery", required_argument, NULL, OPT_GALLERY },
    { "subject", required_argument, NULL, OPT_SUBJECT },
    { "subject-from-dir", no_argument, NULL, OPT_SUBJECT_FROM_DIR },
    { "retention-days", required_argument, NULL, OPT_RETENTION },
    { "gallery-precision", required_argument, NULL, OPT_GALLERY_PRECISION },
    { "rerank", required_argument, NULL, OPT_RERANK },
    { NULL, 0, NULL, 0 }
};

void
recog_opts_done(struct recog_opts *o)
{
    free(o->models);
    free(o->gallery);
    free(o->subject);
}

/* Online cores (at least 1): the cap on --threads. */
static int
recog_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
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

/* An option with a checked value; 0, or -1 after the usage error. */
static int
recog_value(struct cli_ctx *ctx, int c, struct recog_opts *o)
{
    long v;

    switch (c) {
    case OPT_DETECTOR:
        if (detector_kind_parse(optarg, &o->m.detector) == -1)
            return cli_usage_error(ctx, "--detector is tiny, ssd or tiled, not '%s'", optarg), -1;
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
    case OPT_THREADS:
        if (parse_int(optarg, 1, 256, &v) == -1)
            return cli_usage_error(ctx, "--threads is a number from 1 to 256, not '%s'",
                optarg), -1;
        o->threads = (int)v;
        /* more workers than cores only multiplies peak memory (one decoded
         * image and network scratch each): cap, and say so */
        if (o->threads > recog_cores()) {
            fprintf(ctx->err, "faceaudit: --threads %d: %d core(s) online, using %d\n",
                o->threads, recog_cores(), recog_cores());
            o->threads = recog_cores();
        }
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
    case OPT_GALLERY_PRECISION:
        if (match_precision_parse(optarg, &o->precision) == -1)
            return cli_usage_error(ctx, "--gallery-precision is f32, f16 or i8, not '%s'",
                optarg), -1;
        break;
    case OPT_RERANK:
        if (parse_int(optarg, 1, 100000, &v) == -1)
            return cli_usage_error(ctx, "--rerank is a number from 1 to 100000, not '%s'",
                optarg), -1;
        o->rerank = (size_t)v;
        break;
    case OPT_RETENTION:
        if (parse_int(optarg, 1, 365 * 100, &v) == -1)
            return cli_usage_error(ctx, "--retention-days is a positive number of days, "
                "not '%s'", optarg), -1;
        o->retention_days = (int)v;
        break;
    }
    return 0;
}

/* True when `allowed` lists opt. */
static bool
takes(const int *allowed, int opt)
{
    for (; *allowed != 0; allowed++) {
        if (*allowed == opt)
            return true;
    }
    return false;
}

int
recog_parse(struct cli_ctx *ctx, int argc, char **argv, const int *allowed,
    struct recog_opts *o)
{
    struct option longopts[FA_NITEMS(all_longopts)];
    size_t i, n = 0;
    int c;

    memset(o, 0, sizeof *o);
    o->threads = 1;
    o->threshold = FACE_MATCH_THRESHOLD;
    o->metric = MATCH_EUCLIDEAN;
    o->top = 5;
    for (i = 0; all_longopts[i].name != NULL; i++) {
        const int *a;

        for (a = allowed; *a != 0; a++) {
            if (*a == all_longopts[i].val ||
                (*a == OPT_JSON && all_longopts[i].val == OPT_FORMAT))
                longopts[n++] = all_longopts[i];
        }
    }
    memset(&longopts[n], 0, sizeof longopts[n]);

    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_DETECTOR:
        case OPT_INPUT_SIZE:
        case OPT_MIN_SCORE:
        case OPT_THREADS:
        case OPT_THRESHOLD:
        case OPT_METRIC:
        case OPT_TOP:
        case OPT_RETENTION:
        case OPT_GALLERY_PRECISION:
        case OPT_RERANK:
            if (recog_value(ctx, c, o) == -1)
                return -1;
            break;
        case OPT_TINY_LANDMARKS:
            o->m.tiny_landmarks = true;
            break;
        case OPT_MODELS:
            free(o->models);
            o->models = xstrdup(optarg);
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
        case OPT_FORMAT:
            if (strcmp(optarg, "text") == 0)
                o->format = OUT_TEXT;
            else if (strcmp(optarg, "json") == 0)
                o->format = OUT_JSON;
            else if (strcmp(optarg, "csv") == 0 && takes(allowed, OPT_CSV))
                o->format = OUT_CSV;
            else
                return cli_usage_error(ctx, "--format is %s, not '%s'", takes(allowed,
                    OPT_CSV) ? "text, json or csv" : "text or json", optarg), -1;
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

/* ---- running the images ---------------------------------------------------------- */

/* A progress line on a TTY: "CMD: done/total images". */
static void
recog_progress(void *user, const char *what, size_t done, size_t total)
{
    struct cli_ctx *ctx = user;

    if (total <= 1)
        return;
    fprintf(ctx->err, "\r%s: %zu/%zu %s", ctx->cmd, done, total, what);
    if (done == total)
        fputs("\r\033[K", ctx->err);
    fflush(ctx->err);
}

struct face_job *
recog_run_images(struct cli_ctx *ctx, const struct recog_opts *o, unsigned stages,
    bool want_sha, char **paths, size_t n)
{
    struct app_recog_params p;
    struct app_progress pr = { NULL, NULL, ctx };
    struct face_job *jobs;
    char *cause = NULL;

    app_recog_params_default(&p);
    p.models_dir = o->models;
    p.models = o->m;
    p.threads = (unsigned)o->threads;
    p.cropped = o->cropped;
    if (ctx->progress)
        pr.progress = recog_progress;
    cli_cancel_init(&pr);
    if ((jobs = app_recog_images(&p, stages, want_sha, paths, n, &pr, &cause)) == NULL) {
        cli_error(ctx, "%s", cause);
        free(cause);
    } else if (cli_interrupted()) {
        /* Ctrl-C: the pool skipped the rest; print and store nothing */
        face_jobs_free(jobs, n);
        cli_error(ctx, "interrupted: stopped before the last image; no result was printed "
            "or stored");
        jobs = NULL;
    }
    return jobs;
}

size_t
recog_report_errors(struct cli_ctx *ctx, const struct face_job *jobs, size_t n)
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

void
recog_json_string(FILE *f, const char *s)
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

void
recog_json_box(FILE *f, const struct fa_box *b)
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
print_json(FILE *f, const struct recog_opts *o, const struct face_job *jobs, size_t n, bool lm,
    bool desc)
{
    size_t i, k;

    fprintf(f, "{\"faceaudit\": \"%s\", \"schema\": 1, \"detector\": \"%s\", \"images\": [",
        PACKAGE_VERSION, o->cropped ? "none" : detector_kind_name(o->m.detector));
    for (i = 0; i < n; i++) {
        const struct face_job *j = &jobs[i];

        fputs(i > 0 ? ",\n  {\"path\": " : "\n  {\"path\": ", f);
        recog_json_string(f, j->path);
        if (j->error != NULL) {
            fputs(", \"error\": ", f);
            recog_json_string(f, j->error);
            fputc('}', f);
            continue;
        }
        fprintf(f, ", \"width\": %d, \"height\": %d, \"faces\": [", j->width, j->height);
        for (k = 0; k < j->n; k++) {
            const struct face_result *r = &j->faces[k];

            fprintf(f, "%s\n    {\"score\": %.9g, \"box\": ", k > 0 ? "," : "",
                (double)r->score);
            recog_json_box(f, &r->box);
            if (lm && r->has_landmarks) {
                fputs(", \"landmarks\": ", f);
                json_points(f, r->landmarks);
            }
            if (desc && r->has_descriptor) {
                fputs(", \"aligned\": ", f);
                recog_json_box(f, &r->aligned);
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
print_text(FILE *f, enum per_face_cmd which, const struct face_job *jobs, size_t n)
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
        const struct face_job *j = &jobs[i];

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
print_embed_csv(FILE *f, const struct face_job *jobs, size_t n)
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
    struct face_job *jobs;
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
    if ((jobs = recog_run_images(ctx, &o, stages[which], false, argv + first, n)) == NULL) {
        recog_opts_done(&o);
        return cli_interrupted() ? FA_EXIT_INTERRUPTED : FA_EXIT_USAGE;
    }
    if (o.format == OUT_JSON)
        print_json(ctx->out, &o, jobs, n, which != CMD_DETECT, which == CMD_EMBED);
    else if (o.format == OUT_CSV)
        print_embed_csv(ctx->out, jobs, n);
    else
        print_text(ctx->out, which, jobs, n);
    bad = recog_report_errors(ctx, jobs, n);
    face_jobs_free(jobs, n);
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

/* ---- compare ------------------------------------------------------------------------ */

const struct face_result *
recog_single_face(struct cli_ctx *ctx, const struct face_job *j)
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
    struct face_job *jobs;
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
    if ((jobs = recog_run_images(ctx, &o, FACE_STAGE_DESCRIPTOR, false, argv + first, 2)) == NULL) {
        recog_opts_done(&o);
        return cli_interrupted() ? FA_EXIT_INTERRUPTED : FA_EXIT_USAGE;
    }
    a = recog_single_face(ctx, &jobs[0]);
    b = recog_single_face(ctx, &jobs[1]);
    if (a != NULL && b != NULL) {
        v = match_verify(o.metric, a->descriptor, b->descriptor, FACE_DESCRIPTOR_DIM,
            o.threshold);
        if (o.format == OUT_JSON) {
            fputs("{\"faceaudit\": \"" PACKAGE_VERSION "\", \"schema\": 1, \"a\": ", ctx->out);
            recog_json_string(ctx->out, jobs[0].path);
            fputs(", \"b\": ", ctx->out);
            recog_json_string(ctx->out, jobs[1].path);
            fprintf(ctx->out, ", \"metric\": \"%s\", \"distance\": %.9g, \"threshold\": %g, "
                "\"same\": %s}\n", match_metric_name(o.metric), (double)v.distance,
                (double)o.threshold, v.same ? "true" : "false");
        } else
            fprintf(ctx->out, "distance %.4f (%s, threshold %g): %s\n", (double)v.distance,
                match_metric_name(o.metric), (double)o.threshold,
                v.same ? "same person" : "different people");
        rc = FA_EXIT_OK;
    }
    face_jobs_free(jobs, 2);
    recog_opts_done(&o);
    return rc;
}

/* ---- the command entries ----------------------------------------------------------- */

const struct cmd_entry cmd_detect_entry = {
    "detect", NULL, "IMAGE... [--detector tiny|ssd|tiled] [--format text|json]",
    "find faces in images (boxes and scores)",
    "Runs face-api's TinyFaceDetector (default) or SSD MobileNetV1 on each image\n"
    "(JPEG, PNG, PGM/PPM) and prints one line per face: image, face number,\n"
    "score, box x, y, width, height in pixels. --format json prints a document\n"
    "with the same fields (schema 1).\n\noptions:\n"
    HELP_DETECTOR HELP_THREADS "  --format F          text (default) or json (--json is the same)\n" HELP_MODELS HELP_EXIT,
    cmd_detect_exec
};

const struct cmd_entry cmd_landmarks_entry = {
    "landmarks", NULL, "IMAGE... [--detector tiny|ssd|tiled] [--tiny-landmarks]\n"
    "       [--format text|json]",
    "68 face landmarks of every face",
    "Detects the faces, then prints the 68 iBUG landmarks of each, in image\n"
    "pixel coordinates, one face per line (x0 y0 ... x67 y67).\n\noptions:\n"
    HELP_DETECTOR HELP_LANDMARKS HELP_CROPPED HELP_THREADS
    "  --format F          text (default) or json (--json is the same)\n" HELP_MODELS HELP_EXIT,
    cmd_landmarks_exec
};

const struct cmd_entry cmd_embed_entry = {
    "embed", NULL, "IMAGE... [--format text|json|csv] [--cropped] [--threads N]",
    "128-d face descriptors of every face",
    "Detects the faces, finds their landmarks, takes face-api's alignment crop\n"
    "and prints the 128-d FaceRecognitionNet descriptor of each face (as\n"
    "computed: not normalised; faces compare by Euclidean distance).\n\noptions:\n"
    HELP_DETECTOR HELP_LANDMARKS HELP_CROPPED HELP_THREADS
    "  --format F          text (default), json, or csv (image,face,score,x,y,width,\n"
    "                      height,d0..d127); --json and --csv are the same\n"
    HELP_MODELS HELP_EXIT,
    cmd_embed_exec
};

const struct cmd_entry cmd_compare_entry = {
    "compare", NULL, "A B [--threshold T] [--metric euclidean|cosine] [--cropped] [--format text|json]",
    "1:1: are the faces in two images the same person?",
    "Computes the descriptor of the face in each image (the highest-scoring one\n"
    "when there are several) and prints their distance and the verdict: the\n"
    "same person when the distance is below the threshold.\n\noptions:\n"
    "  --threshold T       decision threshold (default 0.6, face-api's)\n"
    "  --metric M          euclidean (default), cosine or dot\n"
    HELP_CROPPED HELP_DETECTOR HELP_LANDMARKS "  --format F          text (default) or json (--json is the same)\n"
    HELP_MODELS
    "\nexit status: 0 whether or not the faces match; 2 usage error, missing\n"
    "models, an unreadable image, or an image without a face.\n",
    cmd_compare_exec
};

