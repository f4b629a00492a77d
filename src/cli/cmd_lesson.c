/* SPDX-License-Identifier: MIT */
/*
 * cmd_lesson.c - `faceaudit lesson check FILE...`: every claim of a trainer
 * lesson (faceaudit-lesson(5)) checked against the real audit.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "faceaudit/cli.h"
#include "faceaudit/lesson.h"

static int
cmd_lesson_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    struct app_lesson_check_result *r;
    char *cause = NULL;
    size_t i;
    int rc;

    if (argc < 2)
        return cli_usage_error(ctx, "missing subcommand (check)");
    if (strcmp(argv[1], "check") != 0)
        return cli_usage_error(ctx, "unknown subcommand '%s' (check)", argv[1]);
    if (argc < 3)
        return cli_usage_error(ctx, "check takes one or more lesson files");
    if ((r = app_lesson_check_files(ctx->app, NULL, (const char *const *)argv + 2,
        (size_t)argc - 2, &cause)) == NULL) {
        cli_error(ctx, "%s", cause);
        free(cause);
        return FA_EXIT_USAGE;
    }
    for (i = 0; i < r->nfiles; i++) {
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
    rc = r->nerrors > 0 ? FA_EXIT_USAGE : r->nfalse > 0 ? FA_EXIT_FINDINGS : FA_EXIT_OK;
    app_lesson_check_result_free(r);
    return rc;
}

const struct cmd_entry cmd_lesson_entry = {
    "lesson", NULL, "check FILE...",
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
    "datasets/scenarios/training/.\n",
    cmd_lesson_exec
};
