/* SPDX-License-Identifier: MIT */
/*
 * cmd_lesson.c - `faceaudit lesson check FILE...`: every claim of a trainer
 * lesson (faceaudit-lesson(5)) checked against the real audit.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/cli.h"
#include "faceaudit/jsonw.h"
#include "faceaudit/lesson.h"
#include "faceaudit/xmalloc.h"

/* The result as one JSON document: a member per file, the false claims as lines. */
static void
lesson_json(struct cli_ctx *ctx, const struct app_lesson_check_result *r)
{
    struct cli_json j;
    size_t i;

    cli_json_begin(&j);
    jw_kuint(&j.w, "files", r->nfiles);
    jw_kuint(&j.w, "errors", r->nerrors);
    jw_kuint(&j.w, "false_claims", r->nfalse);
    jw_key(&j.w, "lessons");
    jw_array(&j.w, JW_LINES);
    for (i = 0; i < r->nfiles; i++) {
        const struct app_lesson_file *f = &r->files[i];

        jw_object(&j.w, JW_INLINE);
        jw_kstr(&j.w, "path", f->path);
        jw_kstr(&j.w, "status", f->error != NULL ? "error" : f->nfalse > 0 ? "false" : "ok");
        jw_kstr(&j.w, "error", f->error);
        jw_kuint(&j.w, "steps", f->nsteps);
        jw_kuint(&j.w, "claims", f->nclaims);
        jw_kuint(&j.w, "false", f->nfalse);
        cli_json_lines(&j.w, "false_claims", f->false_log != NULL ? f->false_log : "");
        jw_object_end(&j.w);
    }
    jw_array_end(&j.w);
    cli_json_end(ctx, &j);
}

static int
cmd_lesson_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    struct app_lesson_check_result *r;
    const char **paths;
    char *cause = NULL;
    size_t i, npaths = 0;
    bool json = false;
    int k, rc;

    if (argc < 2)
        return cli_usage_error(ctx, "missing subcommand (check)");
    if (strcmp(argv[1], "check") != 0)
        return cli_usage_error(ctx, "unknown subcommand '%s' (check)", argv[1]);
    paths = xcalloc((size_t)argc, sizeof *paths);
    for (k = 2; k < argc; k++) {
        const char *v = NULL;

        if (strcmp(argv[k], "--format") == 0) {
            if (k + 1 == argc) {
                free(paths);
                return cli_usage_error(ctx, "--format needs a value (text or json)");
            }
            v = argv[++k];
        } else if (strncmp(argv[k], "--format=", 9) == 0)
            v = argv[k] + 9;
        else
            paths[npaths++] = argv[k];
        if (v != NULL && (rc = cli_format_json(ctx, v, &json)) != 0) {
            free(paths);
            return rc;
        }
    }
    if (npaths == 0) {
        free(paths);
        return cli_usage_error(ctx, "check takes one or more lesson files");
    }
    r = app_lesson_check_files(ctx->app, NULL, paths, npaths, &cause);
    free(paths);
    if (r == NULL) {
        cli_error(ctx, "%s", cause);
        free(cause);
        return FA_EXIT_USAGE;
    }
    for (i = 0; !json && i < r->nfiles; i++) {
        const struct app_lesson_file *f = &r->files[i];

        if (f->false_log != NULL)
            fputs(f->false_log, ctx->out);
        if (f->error != NULL)
            cli_error(ctx, "%s", f->error);
        else if (f->nfalse > 0)
            fprintf(ctx->out, "%s: %zu of %zu claims false\n", f->path, f->nfalse,
                f->nclaims);
        else
            fprintf(ctx->out, "%s: ok (%zu steps, %zu claims)\n", f->path, f->nsteps,
                f->nclaims);
    }
    if (json)
        lesson_json(ctx, r);
    rc = r->nerrors > 0 ? FA_EXIT_USAGE : r->nfalse > 0 ? FA_EXIT_FINDINGS : FA_EXIT_OK;
    app_lesson_check_result_free(r);
    return rc;
}

const struct cmd_entry cmd_lesson_entry = {
    "lesson", NULL, "check [--format text|json] FILE...",
    "check trainer lessons' claims against the audit",
    "  check FILE...           parse each lesson, load its scenario, apply every\n"
    "                          step's changes and readings in order and compare\n"
    "                          each `expect:` with the real audit\n"
    "\n"
    "Prints \"FILE: ok (N steps, M claims)\" per lesson, and for a false claim\n"
    "\"FILE:LINE: step N: Art. 13: expected fail, the audit says pass\" (LINE is\n"
    "the step's). Exit 0 when every claim holds, 1 when a claim is false, 2 when\n"
    "a lesson or its scenario cannot be read (the error names FILE:LINE). The\n"
    "lesson format is faceaudit-lesson(5); the shipped lessons are in\n"
    "datasets/scenarios/training/. --format json prints one document: the counts\n"
    "and, per lesson, its path, status (ok, false, error), error, steps, claims\n"
    "and the false claims' lines; the exit status is the same.\n",
    cmd_lesson_exec
};
