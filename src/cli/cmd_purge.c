/* SPDX-License-Identifier: MIT */
/*
 * cmd_purge.c - `faceaudit purge`: enforce retention on the stored face
 * templates (Art. 8: kept no longer than the purpose needs), each purge
 * recorded in the audit log.
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/app.h"
#include "faceaudit/cli.h"

static void
purged_json(struct jw *w, const char *key, const char *name, const struct store_purge *rows,
    size_t n)
{
    size_t i;

    jw_key(w, key);
    jw_array(w, JW_LINES);
    for (i = 0; i < n; i++) {
        jw_object(w, JW_INLINE);
        jw_kstr(w, name, rows[i].gallery);
        if (strcmp(key, "expired_thumbnails") != 0) /* those go by their expiry date */
            jw_kint(w, "older_than_days", rows[i].days);
        jw_kint(w, "removed", rows[i].removed);
        jw_object_end(w);
    }
    jw_array_end(w);
}

/* The purge as JSON: what went (or would go) per gallery and per unfinished run. */
static void
purge_json(struct cli_ctx *ctx, const struct app_purge_result *r, bool dry)
{
    struct cli_json j;

    cli_json_begin(&j);
    jw_kbool(&j.w, "dry_run", dry);
    purged_json(&j.w, "galleries", "gallery", r->galleries, r->ngalleries);
    jw_kint(&j.w, "templates", r->total);
    purged_json(&j.w, "unfinished_eval_runs", "run", r->runs, r->nruns);
    purged_json(&j.w, "expired_thumbnails", "run", r->thumbs, r->nthumbs);
    cli_json_end(ctx, &j);
}

static int
cmd_purge_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "older-than", required_argument, NULL, 'o' },
        { "gallery", required_argument, NULL, 'g' },
        { "dry-run", no_argument, NULL, 'n' },
        { "format", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 }
    };
    struct app_purge_params p;
    struct app_purge_result *r;
    char *cause = NULL, *end;
    bool dry, json = false;
    size_t i;
    long days;
    int c, rc = FA_EXIT_OK;

    app_purge_params_default(&p);
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            days = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || days < 0 || days > 36500)
                return cli_usage_error(ctx, "--older-than: '%s' is not a number of days "
                    "(0-36500)", optarg);
            p.older_than = (int)days;
            break;
        case 'g':
            p.gallery = optarg;
            break;
        case 'n':
            p.dry_run = true;
            break;
        case 'f':
            if ((rc = cli_format_json(ctx, optarg, &json)) != 0)
                return rc;
            break;
        default:
            return cli_usage_error(ctx, "bad option");
        }
    }
    if (optind != argc)
        return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
    if ((r = app_purge(ctx->app, &p, &cause)) == NULL) {
        rc = cli_error(ctx, "%s", cause);
        free(cause);
        return rc;
    }
    dry = p.dry_run;
    if (json && r->error == NULL) {
        purge_json(ctx, r, dry);
        app_purge_result_free(r);
        return FA_EXIT_OK;
    }
    for (i = 0; i < r->ngalleries; i++)
        fprintf(ctx->out, "%s: %" PRId64 " template%s older than %d days %s\n",
            r->galleries[i].gallery, r->galleries[i].removed,
            r->galleries[i].removed == 1 ? "" : "s", r->galleries[i].days,
            dry ? "would be removed" : "removed");
    if (r->error != NULL) {
        rc = cli_error(ctx, "%s", r->error);
        app_purge_result_free(r);
        return rc;
    }
    for (i = 0; i < r->nruns; i++)
        fprintf(ctx->out, "%s: %" PRId64 " sealed descriptor%s of an unfinished run older than "
            "%d days %s\n", r->runs[i].gallery, r->runs[i].removed,
            r->runs[i].removed == 1 ? "" : "s", r->runs[i].days,
            dry ? "would be removed" : "removed");
    for (i = 0; i < r->nthumbs; i++)
        fprintf(ctx->out, "%s: %" PRId64 " face thumbnail%s past their expiry date %s\n",
            r->thumbs[i].gallery, r->thumbs[i].removed, r->thumbs[i].removed == 1 ? "" : "s",
            dry ? "would be removed" : "removed");
    if (r->ngalleries == 0 && r->nruns == 0 && r->nthumbs == 0)
        fprintf(ctx->out, "nothing to purge: %s\n", p.older_than < 0 ? "no gallery has a "
            "retention period (set one with `enroll --retention-days` or use --older-than)" :
            "no gallery");
    else if (r->ngalleries > 0)
        fprintf(ctx->out, "%" PRId64 " template%s %s\n", r->total, r->total == 1 ? "" : "s",
            dry ? "would be removed (dry run)" : "removed");
    app_purge_result_free(r);
    return rc;
}

const struct cmd_entry cmd_purge_entry = {
    "purge", NULL, "[--older-than DAYS] [--gallery NAME] [--dry-run] [--format text|json]",
    "delete stored face templates past their retention period",
    "Without --older-than, each gallery's own retention period applies (set when\n"
    "it is created, `faceaudit enroll --retention-days N`); galleries without one\n"
    "are left alone. With --older-than DAYS, templates created more than DAYS days\n"
    "ago are deleted from the chosen galleries. Everything is deleted in one\n"
    "transaction and every gallery purged is recorded in the audit log\n"
    "(`faceaudit log list`) in the same transaction. Templates created this\n"
    "very second count as older than 0 days.\n"
    "\n"
    "Without --gallery, the sealed descriptors an evaluation that never\n"
    "completed (killed) kept for `eval --resume` go too once the run started\n"
    "7 days ago (or DAYS with --older-than), each run's removal logged; and the\n"
    "face thumbnails a replay kept (`replay --keep-thumbnails DAYS`) go on or\n"
    "after their expiry date (today: $FACEAUDIT_TODAY when set), each run's\n"
    "removal logged in the same transaction.\n"
    "\n"
    "options:\n"
    "  --older-than DAYS   age limit instead of the galleries' retention\n"
    "  --gallery NAME      only this gallery\n"
    "  --dry-run           count what would be removed; change nothing\n"
    "  --format json       what was removed per gallery and unfinished run as JSON\n",
    cmd_purge_exec
};
