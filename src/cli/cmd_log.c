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

static int
cmd_log_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "limit", required_argument, NULL, 'n' },
        { "head", required_argument, NULL, 'H' },
        { NULL, 0, NULL, 0 }
    };
    struct store_log_report rep;
    const char *sub, *head = NULL;
    char *cause = NULL, *end;
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
        default:
            return cli_usage_error(ctx, "bad option");
        }
    }
    if (optind != argc)
        return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
    if (strcmp(sub, "list") != 0 && strcmp(sub, "verify") != 0)
        return cli_usage_error(ctx, "unknown subcommand '%s' (list or verify)", sub);
    if (strcmp(sub, "list") == 0) {
        if (app_log_list(ctx->app, limit, print_entry, ctx, &cause) == -1) {
            cli_error(ctx, "%s", cause);
            free(cause);
            return FA_EXIT_USAGE;
        }
        return FA_EXIT_OK;
    }
    if ((rc = app_log_verify(ctx->app, head, &rep, &cause)) == -1) {
        cli_error(ctx, "%s", cause);
        free(cause);
        return FA_EXIT_USAGE;
    }
    if (rc == 1) {
        cli_error(ctx, "%s", cause);
        free(cause);
        fprintf(ctx->out, "audit log BROKEN at entry %lld (%lld entries before it verified)\n",
            (long long)rep.bad_id, (long long)rep.entries);
        return FA_EXIT_FINDINGS;
    }
    fprintf(ctx->out, "audit log ok: %lld entries, head %s\n", (long long)rep.entries,
        rep.entries > 0 ? rep.head : "(empty)");
    fprintf(ctx->out, "anchor: %s; %lld template(s) sealed and enrolled in the log\n",
        rep.anchored ? "matches" : "none for this database", (long long)rep.templates);
    return FA_EXIT_OK;
}

const struct cmd_entry cmd_log_entry = {
    "log", NULL, "list [--limit N] | verify [--head MAC]",
    "show or verify the append-only audit log of template access",
    "  list     the entries (time, user, command, action, object), oldest first;\n"
    "           --limit N shows the newest N\n"
    "  verify   check every entry's keyed MAC chain and that no id is missing,\n"
    "           the anchor kept beside the key file (entries cut from the end),\n"
    "           and that every stored template opens with its gallery and\n"
    "           subject and has its enrolment in the log; prints the head MAC:\n"
    "           --head MAC checks the log still ends there\n"
    "\n"
    "verify needs the template key file ($FACEAUDIT_KEY_FILE, else\n"
    "$XDG_DATA_HOME/faceaudit/template.key). Exit status: 0 intact, 1 the log was\n"
    "modified (the message names the first bad entry), 2 errors.\n",
    cmd_log_exec
};
