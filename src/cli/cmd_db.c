/* SPDX-License-Identifier: MIT */
/*
 * cmd_db.c - `faceaudit db info|check`: where the database is, its schema
 * version and an integrity check.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/app.h"
#include "faceaudit/cli.h"

static int
cmd_db_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    struct app_db_info info;
    char *cause = NULL, *why = NULL;
    int64_t nt;
    int rc;

    if (argc != 2 || (strcmp(argv[1], "info") != 0 && strcmp(argv[1], "check") != 0))
        return cli_usage_error(ctx, "expected 'info' or 'check'");
    if (strcmp(argv[1], "check") == 0) {
        if ((rc = app_db_check(ctx->app, &nt, &why, &cause)) != 0) {
            cli_error(ctx, "%s", cause);
            free(cause);
            free(why);
            return rc == 1 ? FA_EXIT_FINDINGS : FA_EXIT_USAGE;
        }
        fprintf(ctx->out, "%s: integrity ok\n", app_db_path(ctx->app));
        if (nt >= 0)
            fprintf(ctx->out, "%s: %jd template seal(s) ok\n", app_db_path(ctx->app),
                (intmax_t)nt);
        else
            fprintf(ctx->out, "%s: template seals not checked: %s\n", app_db_path(ctx->app),
                why);
        free(why);
        return FA_EXIT_OK;
    }
    if (app_db_info(ctx->app, &info, &cause) != 0) {
        cli_error(ctx, "%s", cause);
        free(cause);
        return FA_EXIT_USAGE;
    }
    fprintf(ctx->out, "database: %s\nschema version: %d\nruns: %jd\n", info.path,
        info.schema_version, (intmax_t)info.runs);
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
