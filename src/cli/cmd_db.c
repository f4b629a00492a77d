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
db_check(struct cli_ctx *ctx, bool json)
{
    char *cause = NULL, *why = NULL;
    const char *path;
    int64_t nt;
    int rc;

    if ((rc = app_db_check(ctx->app, &nt, &why, &cause)) != 0) {
        cli_error(ctx, "%s", cause);
        free(cause);
        free(why);
        return rc == 1 ? FA_EXIT_FINDINGS : FA_EXIT_USAGE;
    }
    path = app_db_path(ctx->app);
    if (json) {
        struct cli_json j;

        cli_json_begin(&j);
        jw_kstr(&j.w, "database", path);
        jw_kstr(&j.w, "integrity", "ok");
        jw_key(&j.w, "template_seals");
        if (nt >= 0)
            jw_int(&j.w, nt);
        else
            jw_null(&j.w);
        jw_kstr(&j.w, "seals_not_checked", nt >= 0 ? NULL : why);
        cli_json_end(ctx, &j);
    } else {
        fprintf(ctx->out, "%s: integrity ok\n", path);
        if (nt >= 0)
            fprintf(ctx->out, "%s: %jd template seal(s) ok\n", path, (intmax_t)nt);
        else
            fprintf(ctx->out, "%s: template seals not checked: %s\n", path, why);
    }
    free(why);
    return FA_EXIT_OK;
}

static int
db_info(struct cli_ctx *ctx, bool json)
{
    struct app_db_info info;
    char *cause = NULL;

    if (app_db_info(ctx->app, &info, &cause) != 0) {
        cli_error(ctx, "%s", cause);
        free(cause);
        return FA_EXIT_USAGE;
    }
    if (json) {
        struct cli_json j;

        cli_json_begin(&j);
        jw_kstr(&j.w, "database", info.path);
        jw_kint(&j.w, "schema_version", info.schema_version);
        jw_kint(&j.w, "runs", info.runs);
        cli_json_end(ctx, &j);
    } else
        fprintf(ctx->out, "database: %s\nschema version: %d\nruns: %jd\n", info.path,
            info.schema_version, (intmax_t)info.runs);
    return FA_EXIT_OK;
}

static int
cmd_db_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    bool json = false;
    int rc;

    if (argc == 4 && strcmp(argv[2], "--format") == 0) {
        if ((rc = cli_format_json(ctx, argv[3], &json)) != 0)
            return rc;
        argc = 2;
    }
    if (argc != 2 || (strcmp(argv[1], "info") != 0 && strcmp(argv[1], "check") != 0))
        return cli_usage_error(ctx, "expected 'info' or 'check'");
    return strcmp(argv[1], "check") == 0 ? db_check(ctx, json) : db_info(ctx, json);
}

const struct cmd_entry cmd_db_entry = {
    "db", NULL, "info|check [--format text|json]",
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
