/* SPDX-License-Identifier: MIT */
/*
 * cmd_log.c - `faceaudit log list|verify`: read and check the append-only
 * audit log of template access.
 */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/app.h"
#include "faceaudit/cli.h"

static void
print_entry(const struct store_log_entry *e, void *arg)
{
    struct cli_ctx *ctx = arg;

    fprintf(ctx->out, "%6lld  %s  %-10s %-10s %-9s %s%s%s\n", (long long)e->id, e->at, e->user,
        e->command, e->action, e->object, *e->detail != '\0' ? "  " : "", e->detail);
}

/* An entry as one line of the "entries" array. */
static void
json_entry(const struct store_log_entry *e, void *arg)
{
    struct jw *w = arg;

    jw_object(w, JW_INLINE);
    jw_kint(w, "id", e->id);
    jw_kstr(w, "at", e->at);
    jw_kstr(w, "user", e->user);
    jw_kstr(w, "command", e->command);
    jw_kstr(w, "action", e->action);
    jw_kstr(w, "object", e->object);
    jw_kstr(w, "detail", e->detail);
    jw_object_end(w);
}

static int
log_list(struct cli_ctx *ctx, long limit, bool json)
{
    struct cli_json j;
    char *cause = NULL;
    int rc;

    if (!json) {
        rc = app_log_list(ctx->app, limit, print_entry, ctx, &cause);
    } else {
        cli_json_begin(&j);
        jw_key(&j.w, "entries");
        jw_array(&j.w, JW_LINES);
        rc = app_log_list(ctx->app, limit, json_entry, &j.w, &cause);
        jw_array_end(&j.w);
        if (rc == 0)
            cli_json_end(ctx, &j);
        else
            strbuf_done(&j.sb);
    }
    if (rc == -1) {
        cli_error(ctx, "%s", cause);
        free(cause);
        return FA_EXIT_USAGE;
    }
    return FA_EXIT_OK;
}

static void
verify_json(struct cli_ctx *ctx, const struct store_log_report *rep, const char *problem)
{
    struct cli_json j;

    cli_json_begin(&j);
    jw_kbool(&j.w, "intact", problem == NULL);
    if (problem != NULL) {
        jw_kint(&j.w, "bad_entry", rep->bad_id);
        jw_kint(&j.w, "entries_verified", rep->entries);
        jw_kstr(&j.w, "problem", problem);
    } else {
        jw_kint(&j.w, "entries", rep->entries);
        jw_kstr(&j.w, "head", rep->entries > 0 ? rep->head : NULL);
        jw_kbool(&j.w, "anchored", rep->anchored);
        jw_kint(&j.w, "templates", rep->templates);
        jw_kint(&j.w, "thumbnails", rep->thumbnails);
    }
    cli_json_end(ctx, &j);
}

static int
log_verify(struct cli_ctx *ctx, const char *head, bool json)
{
    struct store_log_report rep;
    char *cause = NULL;
    int rc;

    if ((rc = app_log_verify(ctx->app, head, &rep, &cause)) == -1) {
        cli_error(ctx, "%s", cause);
        free(cause);
        return FA_EXIT_USAGE;
    }
    if (rc == 1) {
        cli_error(ctx, "%s", cause);
        if (json)
            verify_json(ctx, &rep, cause);
        else
            fprintf(ctx->out, "audit log BROKEN at entry %lld (%lld entries before it "
                "verified)\n", (long long)rep.bad_id, (long long)rep.entries);
        free(cause);
        return FA_EXIT_FINDINGS;
    }
    if (json) {
        verify_json(ctx, &rep, NULL);
        return FA_EXIT_OK;
    }
    fprintf(ctx->out, "audit log ok: %lld entries, head %s\n", (long long)rep.entries,
        rep.entries > 0 ? rep.head : "(empty)");
    fprintf(ctx->out, "anchor: %s; %lld template(s) sealed and enrolled in the log\n",
        rep.anchored ? "matches" : "none for this database", (long long)rep.templates);
    if (rep.thumbnails > 0)
        fprintf(ctx->out, "%lld face thumbnail(s) kept by replays: every seal opens\n",
            (long long)rep.thumbnails);
    return FA_EXIT_OK;
}

static int
cmd_log_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "limit", required_argument, NULL, 'n' },
        { "head", required_argument, NULL, 'H' },
        { "format", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 }
    };
    const char *sub, *head = NULL;
    char *end;
    bool json = false;
    long limit = 0;
    int c, rc;

    if (argc < 2)
        return cli_usage_error(ctx, "missing subcommand (list or verify)");
    sub = argv[1];
    argc--;
    argv++;
    while ((c = getopt_long(argc, argv, "n:", longopts, NULL)) != -1) {
        switch (c) {
        case 'n':
            limit = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || limit < 0)
                return cli_usage_error(ctx, "--limit: '%s' is not a count", optarg);
            break;
        case 'H':
            head = optarg;
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
    if (strcmp(sub, "list") != 0 && strcmp(sub, "verify") != 0)
        return cli_usage_error(ctx, "unknown subcommand '%s' (list or verify)", sub);
    return strcmp(sub, "list") == 0 ? log_list(ctx, limit, json) : log_verify(ctx, head, json);
}

const struct cmd_entry cmd_log_entry = {
    "log", NULL, "list [--limit N] | verify [--head MAC] [--format text|json]",
    "show or verify the append-only audit log of template access",
    "  list     the entries (time, user, command, action, object), oldest first;\n"
    "           --limit N shows the newest N\n"
    "  verify   check every entry's keyed MAC chain and that no id is missing,\n"
    "           the anchor kept beside the key file (entries cut from the end),\n"
    "           and that every stored template opens with its gallery and\n"
    "           subject and has its enrolment in the log; prints the head MAC:\n"
    "           --head MAC checks the log still ends there\n"
    "  --format json   the entries, or the verdict, as JSON\n"
    "\n"
    "verify needs the template key file ($FACEAUDIT_KEY_FILE, else\n"
    "$XDG_DATA_HOME/faceaudit/template.key). Exit status: 0 intact, 1 the log was\n"
    "modified (the message names the first bad entry), 2 errors.\n",
    cmd_log_exec
};
