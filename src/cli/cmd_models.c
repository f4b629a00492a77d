/* SPDX-License-Identifier: MIT */
/*
 * cmd_models.c - `faceaudit models fetch|verify|list`: obtain the
 * pretrained networks with npm, check them against the committed sums.
 */
#include "config.h"

#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/app.h"
#include "faceaudit/cli.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

static const char *
status_name(enum model_status st)
{
    switch (st) {
    case MODEL_OK:
        return "ok";
    case MODEL_MISSING:
        return "missing";
    case MODEL_CORRUPT:
        return "CORRUPT";
    case MODEL_UNREADABLE:
        return "unreadable";
    }
    return "?";
}

/* Which network a file belongs to, for `models list`. */
static const char *
model_role(const char *name)
{
    static const struct {
        const char *prefix;
        const char *role;
    } roles[] = {
        { "tiny_face_detector", "TinyFaceDetector (detection)" },
        { "ssd_mobilenetv1", "SSD MobileNetV1 (detection)" },
        { "face_landmark_68_tiny", "FaceLandmark68TinyNet (landmarks)" },
        { "face_landmark_68", "FaceLandmark68Net (landmarks)" },
        { "face_recognition", "FaceRecognitionNet (128-d descriptor)" },
        { "age_gender", "age/gender (not used)" },
        { "face_expression", "expression (not used)" },
        { "demo/", "demo photo (parity tests)" },
    };
    size_t i;

    for (i = 0; i < FA_NITEMS(roles); i++) {
        if (str_has_prefix(name, roles[i].prefix))
            return roles[i].role;
    }
    return "";
}

/* The check as a JSON document: the folder, the counts, every file. */
static void
models_json(struct cli_ctx *ctx, const struct app_models *m)
{
    struct cli_json j;
    size_t i;

    cli_json_begin(&j);
    jw_kstr(&j.w, "dir", m->dir);
    jw_kbool(&j.w, "ok", m->bad == 0 && m->missing == 0);
    jw_kuint(&j.w, "files", m->n);
    jw_kuint(&j.w, "verified", m->ok);
    jw_kuint(&j.w, "missing", m->missing);
    jw_kuint(&j.w, "bad", m->bad);
    jw_key(&j.w, "models");
    jw_array(&j.w, JW_LINES);
    for (i = 0; i < m->n; i++) {
        const struct app_model_row *r = &m->rows[i];

        jw_object(&j.w, JW_INLINE);
        jw_kstr(&j.w, "file", r->file->name);
        jw_kstr(&j.w, "status", r->status == MODEL_CORRUPT ? "corrupt" :
            status_name(r->status));
        if (r->bytes >= 0)
            jw_kint(&j.w, "bytes", r->bytes);
        else
            jw_kstr(&j.w, "bytes", NULL);
        jw_kstr(&j.w, "network", model_role(r->file->name));
        jw_kstr(&j.w, "detail", r->detail);
        jw_object_end(&j.w);
    }
    jw_array_end(&j.w);
    cli_json_end(ctx, &j);
}

static int
models_verify_all(struct cli_ctx *ctx, const char *dir, bool list, bool json)
{
    struct app_models *m = app_models_check(dir);
    size_t i;
    int rc = FA_EXIT_OK;

    if (json)
        models_json(ctx, m);
    if (list && !json)
        fprintf(ctx->out, "model folder: %s\n%-48s %-10s %10s  %s\n", m->dir, "FILE", "STATUS",
            "BYTES", "NETWORK");
    for (i = 0; i < m->n; i++) {
        const struct app_model_row *r = &m->rows[i];

        if (list && !json && r->bytes >= 0)
            fprintf(ctx->out, "%-48s %-10s %10jd  %s\n", r->file->name, status_name(r->status),
                (intmax_t)r->bytes, model_role(r->file->name));
        else if (list && !json)
            fprintf(ctx->out, "%-48s %-10s %10s  %s\n", r->file->name, status_name(r->status),
                "-", model_role(r->file->name));
        if (r->status == MODEL_MISSING && !list)
            cli_error(ctx, "%s: missing", r->path);
        else if (r->status != MODEL_OK && r->status != MODEL_MISSING)
            cli_error(ctx, "%s: %s%s%s", r->path, status_name(r->status),
                r->detail != NULL ? ": " : "", r->detail != NULL ? r->detail : "");
    }
    if (m->bad == 0 && m->missing == 0) {
        if (!list && !json)
            fprintf(ctx->out, "%zu model files verified in %s\n", m->n, m->dir);
    } else if (m->bad > 0) {
        rc = cli_error(ctx, "%zu file(s) corrupt, %zu missing in %s: run `faceaudit models "
            "fetch` to replace them", m->bad, m->missing, m->dir);
    } else
        rc = cli_error(ctx, "%zu of %zu file(s) missing in %s: run `faceaudit models fetch`",
            m->missing, m->n, m->dir);
    app_models_free(m);
    return rc;
}

static int
models_fetch_cmd(struct cli_ctx *ctx, const char *dir, const char *npm, bool json)
{
    struct cli_json j;
    char *cause = NULL;
    int n, rc;

    if (ctx->progress)
        fprintf(ctx->err, "fetching %s@%s with npm into %s ...\n", MODELS_NPM_PACKAGE,
            FA_FACEAPI_VERSION, dir);
    if ((n = app_models_fetch(dir, npm, &cause)) == -1) {
        rc = cli_error(ctx, "%s", cause);
        free(cause);
        return rc;
    }
    if (json) {
        cli_json_begin(&j);
        jw_kstr(&j.w, "dir", dir);
        jw_kstr(&j.w, "package", MODELS_NPM_PACKAGE "@" FA_FACEAPI_VERSION);
        jw_kint(&j.w, "fetched", n);
        cli_json_end(ctx, &j);
    } else
        fprintf(ctx->out, "%d model files fetched and verified into %s\n", n, dir);
    return FA_EXIT_OK;
}

static int
cmd_models_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "dir", required_argument, NULL, 'd' },
        { "npm", required_argument, NULL, 'n' },
        { "format", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 }
    };
    char *dir = NULL;
    const char *npm = NULL, *sub;
    bool json = false;
    int c, rc;

    if (argc < 2)
        return cli_usage_error(ctx, "missing subcommand (fetch, verify or list)");
    sub = argv[1];
    argc--;
    argv++;
    while ((c = getopt_long(argc, argv, "d:", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            free(dir);
            dir = xstrdup(optarg);
            break;
        case 'n':
            npm = optarg;
            break;
        case 'f':
            if ((rc = cli_format_json(ctx, optarg, &json)) != 0) {
                free(dir);
                return rc;
            }
            break;
        default:
            free(dir);
            return cli_usage_error(ctx, "bad option");
        }
    }
    if (optind != argc) {
        free(dir);
        return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
    }
    if (dir == NULL)
        dir = models_dir();

    if (strcmp(sub, "fetch") == 0)
        rc = models_fetch_cmd(ctx, dir, npm, json);
    else if (strcmp(sub, "verify") == 0)
        rc = models_verify_all(ctx, dir, false, json);
    else if (strcmp(sub, "list") == 0)
        rc = models_verify_all(ctx, dir, true, json);
    else
        rc = cli_usage_error(ctx, "unknown subcommand '%s' (fetch, verify or list)", sub);
    free(dir);
    return rc;
}

const struct cmd_entry cmd_models_entry = {
    "models", NULL, "fetch|verify|list [--dir DIR] [--npm PATH] [--format text|json]",
    "fetch, verify and list the pretrained face networks",
    "The networks are the model/ folder of the npm package\n"
    "@vladmandic/face-api@" FA_FACEAPI_VERSION " (MIT), plus its demo photos.\n"
    "\n"
    "  fetch    npm pack the package into a temporary folder, check every file\n"
    "           against the SHA-256 sums committed in models/SHA256SUMS, then\n"
    "           install them (nothing is replaced unless all files verify)\n"
    "  verify   check every installed file against the committed sums\n"
    "  list     the files with their status, size and network\n"
    "\n"
    "options:\n"
    "  --dir DIR   model folder (default $FACEAUDIT_MODELS, else\n"
    "              $XDG_DATA_HOME/faceaudit/models)\n"
    "  --npm PATH  the npm program to run (default: npm from PATH)\n"
    "  --format json  list and verify: {dir, ok, files, verified, missing, bad,\n"
    "              models: [{file, status, bytes, network, detail}]}; fetch: {dir,\n"
    "              package, fetched}; problems still go to stderr\n"
    "\n"
    "exit status: 0 all files present and intact; 2 a file is missing or corrupt,\n"
    "or the fetch failed (the message names the file and the fix).\n",
    cmd_models_exec
};
