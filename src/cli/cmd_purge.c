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

#include "faceaudit/cli.h"
#include "faceaudit/store.h"
#include "faceaudit/store_crypt.h"
#include "faceaudit/store_evalcache.h"
#include "faceaudit/store_gallery.h"
#include "faceaudit/store_log.h"
#include "faceaudit/xmalloc.h"

static int
cmd_purge_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "older-than", required_argument, NULL, 'o' },
        { "gallery", required_argument, NULL, 'g' },
        { "dry-run", no_argument, NULL, 'n' },
        { NULL, 0, NULL, 0 }
    };
    const char *gallery = NULL;
    struct store_purge *res = NULL, *eres = NULL;
    struct store *st;
    size_t n = 0, en = 0, i;
    bool dry = false;
    char *cause = NULL, *end;
    long days = -1;
    int64_t total;
    int c, rc = FA_EXIT_OK;

    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            days = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || days < 0 || days > 36500)
                return cli_usage_error(ctx, "--older-than: '%s' is not a number of days "
                    "(0-36500)", optarg);
            break;
        case 'g':
            gallery = optarg;
            break;
        case 'n':
            dry = true;
            break;
        default:
            return cli_usage_error(ctx, "bad option");
        }
    }
    if (optind != argc)
        return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
    if ((st = cli_store(ctx)) == NULL)
        return FA_EXIT_USAGE;
    /* the deletions and their audit-log entries commit together (store_gallery_purge) */
    if ((total = store_gallery_purge(st, gallery, (int)days, 0, dry, &res, &n, &cause)) == -1) {
        rc = cli_error(ctx, "%s", cause);
        free(cause);
        return rc;
    }
    for (i = 0; i < n; i++)
        fprintf(ctx->out, "%s: %" PRId64 " template%s older than %d days %s\n", res[i].gallery,
            res[i].removed, res[i].removed == 1 ? "" : "s", res[i].days,
            dry ? "would be removed" : "removed");
    /* descriptors a killed evaluation sealed for --resume: templates too */
    if (gallery == NULL && store_evalcache_purge(st, days >= 0 ? (int)days :
            STORE_EVALCACHE_RETENTION_DAYS, 0, dry, &eres, &en, &cause) == -1) {
        store_purge_free_array(res, n);
        rc = cli_error(ctx, "%s", cause);
        free(cause);
        return rc;
    }
    for (i = 0; i < en; i++)
        fprintf(ctx->out, "%s: %" PRId64 " sealed descriptor%s of an unfinished run older than "
            "%d days %s\n", eres[i].gallery, eres[i].removed, eres[i].removed == 1 ? "" : "s",
            eres[i].days, dry ? "would be removed" : "removed");
    store_purge_free_array(eres, en);
    if (n == 0 && en == 0)
        fprintf(ctx->out, "nothing to purge: %s\n", days < 0 ? "no gallery has a retention "
            "period (set one with `enroll --retention-days` or use --older-than)" :
            "no gallery");
    else if (n > 0)
        fprintf(ctx->out, "%" PRId64 " template%s %s\n", total, total == 1 ? "" : "s",
            dry ? "would be removed (dry run)" : "removed");
    store_purge_free_array(res, n);
    return rc;
}

const struct cmd_entry cmd_purge_entry = {
    "purge", NULL, "[--older-than DAYS] [--gallery NAME] [--dry-run]",
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
    "7 days ago (or DAYS with --older-than), each run's removal logged.\n"
    "\n"
    "options:\n"
    "  --older-than DAYS   age limit instead of the galleries' retention\n"
    "  --gallery NAME      only this gallery\n"
    "  --dry-run           count what would be removed; change nothing\n",
    cmd_purge_exec
};
