/* SPDX-License-Identifier: MIT */
/*
 * cmd_db.c - `faceaudit db info|check`: where the database is, its schema
 * version and an integrity check.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/cli.h"
#include "faceaudit/store.h"

static int
cmd_db_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    struct store *st;
    char *cause = NULL;
    int64_t runs;

    if (argc != 2 || (strcmp(argv[1], "info") != 0 && strcmp(argv[1], "check") != 0))
        return cli_usage_error(ctx, "expected 'info' or 'check'");
    if ((st = cli_store(ctx)) == NULL)
        return FA_EXIT_USAGE;
    if (strcmp(argv[1], "check") == 0) {
        int64_t nt;
        char *why = NULL;
        int rc = store_check(st, &nt, &why, &cause);

        if (rc != 0) {
            cli_error(ctx, "%s: %s", store_path(st), cause);
            free(cause);
            return rc == 1 ? FA_EXIT_FINDINGS : FA_EXIT_USAGE;
        }
        fprintf(ctx->out, "%s: integrity ok\n", store_path(st));
        if (nt >= 0)
            fprintf(ctx->out, "%s: %jd template seal(s) ok\n", store_path(st), (intmax_t)nt);
        else
            fprintf(ctx->out, "%s: template seals not checked: %s\n", store_path(st), why);
        free(why);
        return FA_EXIT_OK;
    }
    if ((runs = store_count_rows(st, "run", &cause)) == -1) {
        cli_error(ctx, "%s", cause);
        free(cause);
        return FA_EXIT_USAGE;
    }
    fprintf(ctx->out, "database: %s\nschema version: %d\nruns: %jd\n", store_path(st),
        store_user_version(st), (intmax_t)runs);
    return FA_EXIT_OK;
}

const struct cmd_entry cmd_db_entry = {
    "db", NULL, "info|check",
    "show the database's location and schema, or check its integrity",
    "  info    path, schema version (PRAGMA user_version) and stored runs\n"
    "  check   PRAGMA integrity_check, then every template's seal with its\n"
    "          gallery, subject, image and time (when the key is there);\n"
    "          exit 1 if the database is damaged or a template was changed\n"
    "\n"
    "The database is --db PATH, else $FACEAUDIT_DB, else\n"
    "$XDG_DATA_HOME/faceaudit/faceaudit.db. It is created 0600.\n",
    cmd_db_exec
};
