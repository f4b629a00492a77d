/* SPDX-License-Identifier: MIT */
/*
 * cmd_gallery.c - `faceaudit enroll`, `identify` and `gallery list|delete`:
 * galleries of face templates in the database, through the app layer
 * (app_enroll, app_identify, app_gallery_*), which writes every template
 * access to the audit log in the same transaction.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_recog.h"
#include "faceaudit/jsonw.h"
#include "faceaudit/xmalloc.h"

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
    OPT_INPUT_SIZE, OPT_MIN_SCORE, OPT_TINY_LANDMARKS, OPT_MODELS, OPT_THREADS, OPT_CROPPED,
    OPT_JSON, 0
};

/* What was enrolled as one JSON document (--format json). */
static void
enroll_json(struct cli_ctx *ctx, const char *gallery, const struct app_enroll_item *items,
    size_t n, const struct app_enroll_result *res)
{
    struct cli_json j;
    size_t i;

    cli_json_begin(&j);
    jw_kstr(&j.w, "gallery", gallery);
    jw_kbool(&j.w, "created", res->created);
    jw_kuint(&j.w, "added", n);
    jw_kint(&j.w, "total", res->total);
    jw_key(&j.w, "enrolled");
    jw_array(&j.w, JW_LINES);
    for (i = 0; i < n; i++) {
        jw_object(&j.w, JW_INLINE);
        jw_kstr(&j.w, "path", items[i].path);
        jw_kstr(&j.w, "subject", items[i].subject);
        jw_object_end(&j.w);
    }
    jw_array_end(&j.w);
    cli_json_end(ctx, &j);
}

/* The enrolment's options and images checked; 0 or the usage error's exit code. */
static int
enroll_args(struct cli_ctx *ctx, int argc, char **argv, struct recog_opts *o, int *first)
{
    if ((*first = recog_parse(ctx, argc, argv, enroll_opts, o)) == -1)
        return FA_EXIT_USAGE;
    if (o->gallery == NULL)
        return cli_usage_error(ctx, "--gallery NAME is required");
    if (o->subject != NULL && o->subject_from_dir)
        return cli_usage_error(ctx, "--subject and --subject-from-dir exclude each other");
    if (*first >= argc)
        return cli_usage_error(ctx, "no image given");
    return 0;
}

static int
cmd_enroll_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    struct recog_opts o;
    struct face_job *jobs = NULL;
    struct app_enroll_item *items = NULL;
    struct app_enroll_result res;
    char *cause = NULL;
    size_t n = 0, i, bad = 0;
    int first, rc;

    if ((rc = enroll_args(ctx, argc, argv, &o, &first)) != 0 || cli_store(ctx) == NULL) {
        recog_opts_done(&o);
        return rc != 0 ? rc : FA_EXIT_USAGE;
    }
    rc = FA_EXIT_USAGE;
    n = (size_t)(argc - first);
    if ((jobs = recog_run_images(ctx, &o, FACE_STAGE_DESCRIPTOR, true, argv + first, n)) == NULL) {
        rc = cli_interrupted() ? FA_EXIT_INTERRUPTED : FA_EXIT_USAGE;
        goto out;
    }
    items = xcalloc(n, sizeof *items);
    for (i = 0; i < n; i++) {
        const struct face_result *f = recog_single_face(ctx, &jobs[i]);

        items[i].path = jobs[i].path;
        items[i].subject = subject_of(&o, jobs[i].path);
        items[i].descriptor = f != NULL ? f->descriptor : NULL;
        items[i].sha256 = jobs[i].sha256;
        bad += f == NULL;
    }
    if (bad > 0) {
        cli_error(ctx, "%zu of %zu image(s) failed: nothing enrolled", bad, n);
        goto out;
    }
    if (app_enroll(ctx->app, o.gallery, o.retention_days, items, n, &res, &cause) == -1) {
        rc = cli_error(ctx, "%s", cause);
        free(cause);
        goto out;
    }
    if (o.format == OUT_JSON)
        enroll_json(ctx, o.gallery, items, n, &res);
    else {
        for (i = 0; i < n; i++)
            fprintf(ctx->out, "enrolled %s as %s\n", items[i].path, items[i].subject);
        fprintf(ctx->out, "%s gallery %s: %zu template(s) added, %" PRId64 " in total\n",
            res.created ? "created" : "updated", o.gallery, n, res.total);
    }
    rc = FA_EXIT_OK;
out:
    for (i = 0; items != NULL && i < n; i++)
        free((char *)(uintptr_t)items[i].subject);
    free(items);
    face_jobs_free(jobs, n);
    recog_opts_done(&o);
    return rc;
}

static const int identify_opts[] = {
    OPT_GALLERY, OPT_TOP, OPT_THRESHOLD, OPT_METRIC, OPT_DETECTOR, OPT_INPUT_SIZE,
    OPT_MIN_SCORE, OPT_TINY_LANDMARKS, OPT_MODELS, OPT_CROPPED, OPT_JSON,
    OPT_GALLERY_PRECISION, OPT_RERANK, 0
};

/* One face's candidates, as text or JSON. */
static void
print_face(FILE *out, const struct app_identify_result *r, size_t k, size_t top,
    const struct recog_opts *o)
{
    const struct face_result *fr = &r->job->faces[k];
    const struct match_hit *hits = r->hits + k * top;
    size_t i, nhits = r->nhits[k];

    if (o->format == OUT_JSON) {
        fprintf(out, "%s\n  {\"face\": %zu, \"score\": %.9g, \"box\": ", k > 0 ? "," : "", k,
            (double)fr->score);
        recog_json_box(out, &fr->box);
        fputs(", \"candidates\": [", out);
    } else
        fprintf(out, "face %zu (score %.3f, box %.0f %.0f %.0f %.0f)%s\n", k,
            (double)fr->score, (double)fr->box.x, (double)fr->box.y, (double)fr->box.w,
            (double)fr->box.h, nhits == 0 ? ": the gallery is empty" : "");
    for (i = 0; i < nhits; i++) {
        size_t ti = hits[i].index;
        bool match = hits[i].distance < o->threshold;

        if (o->format == OUT_JSON) {
            fprintf(out, "%s{\"rank\": %zu, \"subject\": ", i > 0 ? ", " : "", i + 1);
            recog_json_string(out, r->templates.subjects[ti]);
            fprintf(out, ", \"template\": %" PRId64 ", \"distance\": %.9g, \"match\": %s}",
                r->templates.ids[ti], (double)hits[i].distance, match ? "true" : "false");
        } else
            fprintf(out, "  %zu\t%s\t%.4f\t%s\n", i + 1, r->templates.subjects[ti],
                (double)hits[i].distance, match ? "match" : "-");
    }
    if (o->format == OUT_JSON)
        fputs("]}", out);
}

static void
print_identify(FILE *out, const struct app_identify_result *r, const struct recog_opts *o)
{
    const struct face_job *j = r->job;
    size_t k;

    if (o->format == OUT_JSON) {
        fputs("{\"faceaudit\": \"" PACKAGE_VERSION "\", \"schema\": 1, \"image\": ", out);
        recog_json_string(out, j->path);
        fputs(", \"gallery\": ", out);
        recog_json_string(out, o->gallery);
        fprintf(out, ", \"templates\": %zu, \"metric\": \"%s\", \"threshold\": %g, "
            "\"precision\": \"%s\", \"rerank\": %zu, \"approximate\": %s, "
            "\"bytes_per_template\": %zu, \"faces\": [", r->templates.n,
            match_metric_name(o->metric), (double)o->threshold,
            match_precision_name(o->precision), o->rerank, r->approximate ? "true" : "false",
            r->bytes_per_template);
    } else {
        fprintf(out, "# %s against gallery %s (%zu templates, %s, threshold %g)\n", j->path,
            o->gallery, r->templates.n, match_metric_name(o->metric), (double)o->threshold);
        if (r->approximate && o->rerank > 0)
            fprintf(out, "# APPROXIMATE: gallery searched in %s (%zu bytes per template), "
                "the best %zu re-scored in f32\n", match_precision_name(o->precision),
                r->bytes_per_template, o->rerank);
        else if (r->approximate)
            fprintf(out, "# APPROXIMATE: gallery searched in %s (%zu bytes per template), "
                "distances of the decoded rows\n", match_precision_name(o->precision),
                r->bytes_per_template);
    }
    for (k = 0; k < j->n; k++) {
        if (j->faces[k].has_descriptor)
            print_face(out, r, k, o->top, o);
    }
    if (o->format == OUT_JSON)
        fputs("\n]}\n", out);
    else if (j->n == 0)
        fprintf(out, "no face found in %s\n", j->path);
}

static int
cmd_identify_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    struct recog_opts o;
    struct app_identify_params p;
    struct app_identify_result *r;
    char *cause = NULL;
    int first, rc = FA_EXIT_USAGE;

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
    if (o.rerank > 0 && o.precision == MATCH_F32) {
        rc = cli_usage_error(ctx, "--rerank needs --gallery-precision f16 or i8");
        goto out;
    }
    app_identify_params_default(&p);
    p.recog.models_dir = o.models;
    p.recog.models = o.m;
    p.recog.cropped = o.cropped;
    p.gallery = o.gallery;
    p.top = o.top;
    p.threshold = o.threshold;
    p.metric = o.metric;
    p.precision = o.precision;
    p.rerank = o.rerank;
    if ((r = app_identify(ctx->app, &p, argv[first], &cause)) == NULL) {
        rc = cli_error(ctx, "%s", cause);
        free(cause);
        goto out;
    }
    print_identify(ctx->out, r, &o);
    app_identify_result_free(r);
    rc = FA_EXIT_OK;
out:
    recog_opts_done(&o);
    return rc;
}

/* ---- gallery list | delete ---------------------------------------------------------- */

static void
print_galleries(FILE *out, const struct store_gallery_info *all, size_t n, bool json)
{
    size_t i;

    if (json)
        fputs("{\"faceaudit\": \"" PACKAGE_VERSION "\", \"schema\": 1, \"galleries\": [", out);
    else
        fprintf(out, "%-20s %9s %9s %9s  %s\n", "GALLERY", "TEMPLATES", "SUBJECTS",
            "RETENTION", "CREATED");
    for (i = 0; i < n; i++) {
        if (json) {
            fputs(i > 0 ? ",\n  {\"name\": " : "\n  {\"name\": ", out);
            recog_json_string(out, all[i].name);
            fprintf(out, ", \"templates\": %" PRId64 ", \"subjects\": %" PRId64
                ", \"retention_days\": %d, \"dim\": %d, \"created\": \"%s\"}",
                all[i].ntemplates, all[i].nsubjects, all[i].retention_days, all[i].dim,
                all[i].created_at);
        } else if (all[i].retention_days > 0)
            fprintf(out, "%-20s %9" PRId64 " %9" PRId64 " %8dd  %s\n", all[i].name,
                all[i].ntemplates, all[i].nsubjects, all[i].retention_days, all[i].created_at);
        else
            fprintf(out, "%-20s %9" PRId64 " %9" PRId64 " %9s  %s\n", all[i].name,
                all[i].ntemplates, all[i].nsubjects, "-", all[i].created_at);
    }
    if (json)
        fputs("\n]}\n", out);
}

static int
gallery_sub(struct cli_ctx *ctx, const char *sub, int argc, char **argv, int first,
    const struct recog_opts *o)
{
    struct store_gallery_info *all;
    char *cause = NULL;
    int64_t removed;
    size_t n;

    if (strcmp(sub, "list") == 0) {
        if (first != argc)
            return cli_usage_error(ctx, "unexpected argument '%s'", argv[first]);
        if (app_gallery_list(ctx->app, &all, &n, &cause) == -1)
            goto fail;
        print_galleries(ctx->out, all, n, o->format == OUT_JSON);
        store_gallery_info_free_array(all, n);
        return FA_EXIT_OK;
    }
    if (strcmp(sub, "delete") == 0) {
        if (argc - first != 1)
            return cli_usage_error(ctx, "delete takes one gallery name");
        if ((removed = app_gallery_delete(ctx->app, argv[first], &cause)) == -1)
            goto fail;
        fprintf(ctx->out, "deleted gallery %s and its %" PRId64 " template(s)\n", argv[first],
            removed);
        return FA_EXIT_OK;
    }
    return cli_usage_error(ctx, "unknown subcommand '%s' (list or delete)", sub);
fail:
    first = cli_error(ctx, "%s", cause);
    free(cause);
    return first;
}

static int
cmd_gallery_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    static const int gallery_opts[] = { OPT_JSON, 0 };
    struct recog_opts o;
    const char *sub;
    int first, rc = FA_EXIT_USAGE;

    if (argc < 2)
        return cli_usage_error(ctx, "missing subcommand (list or delete)");
    sub = argv[1];
    argc--;
    argv++;
    if ((first = recog_parse(ctx, argc, argv, gallery_opts, &o)) != -1)
        rc = gallery_sub(ctx, sub, argc, argv, first, &o);
    recog_opts_done(&o);
    return rc;
}

/* ---- the command entries ----------------------------------------------------------- */

const struct cmd_entry cmd_enroll_entry = {
    "enroll", NULL, "--gallery NAME [--subject S] [--format text|json] IMAGE...",
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
    "  --format F          text (default) or json: gallery, created, added, total and\n"
    "                      each image's path and subject (--json is the same)\n"
    HELP_CROPPED HELP_DETECTOR HELP_LANDMARKS HELP_THREADS HELP_MODELS
    "\nexit status: 0 enrolled; 2 usage error, database error, missing models, or an\n"
    "image that could not be read or holds no face (nothing is enrolled then).\n",
    cmd_enroll_exec
};

const struct cmd_entry cmd_identify_entry = {
    "identify", NULL, "--gallery NAME IMAGE [--top K] [--threshold T] "
    "[--gallery-precision f32|f16|i8 [--rerank K]] [--format text|json]",
    "1:N: search a gallery for the faces in an image",
    "For every face in the image, lists the K closest templates of the gallery\n"
    "(rank, subject, distance) and marks those below the threshold as matches.\n\n"
    "options:\n"
    "  --gallery NAME      the gallery (required)\n"
    "  --top K             candidates per face (default 5)\n"
    "  --threshold T       match threshold (default 0.6)\n"
    "  --metric M          euclidean (default), cosine or dot\n"
    "  --gallery-precision P  f32 (default, exact), f16 or i8 (int8, a scale per\n"
    "                      row): the gallery packed at load, 2 or 4 times smaller,\n"
    "                      searched APPROXIMATELY (said in the output)\n"
    "  --rerank K          with f16/i8: re-score the best K per face in float32\n"
    "                      (exact order and distances at the top)\n"
    HELP_CROPPED HELP_DETECTOR HELP_LANDMARKS "  --format F          text (default) or json (--json is the same)\n"
    HELP_MODELS
    "\nexit status: 0 searched (with or without a match); 2 usage error, unknown\n"
    "gallery, missing models or an unreadable image.\n",
    cmd_identify_exec
};

const struct cmd_entry cmd_gallery_entry = {
    "gallery", NULL, "list [--format text|json] | delete NAME",
    "list the galleries of face templates, or delete one",
    "  list          every gallery: templates, distinct subjects, retention period,\n"
    "                creation time (--format json for a document)\n"
    "  delete NAME   remove a gallery and all its templates; the deletion is\n"
    "                recorded in the audit log in the same transaction\n"
    "\nexit status: 0 done; 2 usage error, unknown gallery or database error.\n",
    cmd_gallery_exec
};
