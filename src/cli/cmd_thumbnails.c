/* SPDX-License-Identifier: MIT */
/*
 * cmd_thumbnails.c - `faceaudit thumbnails list|export`: the face
 * thumbnails a replay kept on request (replay --keep-thumbnails), listed or
 * written out as PNG files through app_thumbs.c.
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
thumbs_json(struct cli_ctx *ctx, const struct store_thumb *t, size_t n)
{
    struct cli_json j;
    size_t i;

    cli_json_begin(&j);
    jw_kint(&j.w, "count", (int64_t)n);
    jw_key(&j.w, "thumbnails");
    jw_array(&j.w, JW_LINES);
    for (i = 0; i < n; i++) {
        char date[11], exp[11];

        date_format(t[i].date, date);
        date_format(t[i].expires, exp);
        jw_object(&j.w, JW_INLINE);
        jw_kint(&j.w, "run", t[i].run_id);
        jw_kstr(&j.w, "device", t[i].device);
        jw_kstr(&j.w, "date", date);
        jw_kint(&j.w, "track", t[i].track);
        jw_kstr(&j.w, "file", t[i].file);
        jw_kfixed(&j.w, "time", t[i].time, 3);
        jw_kint(&j.w, "width", t[i].width);
        jw_kint(&j.w, "height", t[i].height);
        jw_kstr(&j.w, "expires", exp);
        jw_object_end(&j.w);
    }
    jw_array_end(&j.w);
    cli_json_end(ctx, &j);
}

static int
thumbs_list(struct cli_ctx *ctx, int64_t run, bool json)
{
    struct store_thumb *t;
    char *cause = NULL;
    size_t n, i;
    int rc;

    if (app_thumbnails_list(ctx->app, run, &t, &n, &cause) == -1) {
        rc = cli_error(ctx, "%s", cause);
        free(cause);
        return rc;
    }
    if (json)
        thumbs_json(ctx, t, n);
    else {
        fprintf(ctx->out, "%zu face thumbnail%s\n", n, n == 1 ? "" : "s");
        if (n > 0)
            fprintf(ctx->out, "%6s  %-16s %-10s %5s %10s %7s  %s\n", "run", "device", "date",
                "track", "time", "size", "expires");
        for (i = 0; i < n; i++) {
            char date[11], exp[11], size[16];

            date_format(t[i].date, date);
            date_format(t[i].expires, exp);
            snprintf(size, sizeof size, "%dx%d", t[i].width, t[i].height);
            fprintf(ctx->out, "%6" PRId64 "  %-16s %-10s %5d %10.3f %7s  %s\n", t[i].run_id,
                t[i].device, date, t[i].track, t[i].time, size, exp);
        }
    }
    store_thumbs_free(t, n);
    return FA_EXIT_OK;
}

static int
thumbs_export(struct cli_ctx *ctx, int64_t run, const char *dir)
{
    char *cause = NULL;
    size_t n;
    int rc;

    if (app_thumbnails_export(ctx->app, run, dir, &n, &cause) == -1) {
        rc = cli_error(ctx, "%s", cause);
        free(cause);
        return rc;
    }
    fprintf(ctx->out, "%zu face thumbnail%s of run %" PRId64 " written to %s (logged)\n", n,
        n == 1 ? "" : "s", run, dir);
    return FA_EXIT_OK;
}

static int
cmd_thumbnails_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "run", required_argument, NULL, 'r' },
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 }
    };
    const char *sub, *dir = NULL;
    long long run = 0;
    bool json = false;
    char *end;
    int c, rc;

    if (argc < 2)
        return cli_usage_error(ctx, "missing subcommand (list or export)");
    sub = argv[1];
    argc--;
    argv++;
    while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
        switch (c) {
        case 'r':
            run = strtoll(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || run < 1)
                return cli_usage_error(ctx, "--run: '%s' is not a run id", optarg);
            break;
        case 'f':
            if ((rc = cli_format_json(ctx, optarg, &json)) != 0)
                return rc;
            break;
        case 'o':
            dir = optarg;
            break;
        default:
            return cli_usage_error(ctx, "bad option");
        }
    }
    if (optind != argc)
        return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
    if (strcmp(sub, "list") == 0) {
        if (dir != NULL)
            return cli_usage_error(ctx, "-o is for export");
        return thumbs_list(ctx, (int64_t)run, json);
    }
    if (strcmp(sub, "export") != 0)
        return cli_usage_error(ctx, "unknown subcommand '%s' (list or export)", sub);
    if (run == 0 || dir == NULL || *dir == '\0')
        return cli_usage_error(ctx, "export needs --run ID and -o DIR");
    if (json)
        return cli_usage_error(ctx, "--format is for list");
    return thumbs_export(ctx, (int64_t)run, dir);
}

const struct cmd_entry cmd_thumbnails_entry = {
    "thumbnails", NULL, "list [--run ID] [--format text|json] | export --run ID -o DIR",
    "list or export the face thumbnails a replay kept (--keep-thumbnails)",
    "A replay run with `--keep-thumbnails DAYS` keeps each footage track's best\n"
    "shot as a small face crop (at most 112 pixels on its long side), sealed\n"
    "with the template key and bound to its run, device, date and track, until\n"
    "its expiry date; `faceaudit purge` deletes it then, and it goes with its\n"
    "run (`faceaudit runs delete`).\n"
    "\n"
    "list: the count, then per thumbnail its run, device, date, track number,\n"
    "time in the recording (seconds), size and expiry date.\n"
    "export: every thumbnail of the run opened and written as a PNG file\n"
    "(runRUN-DEVICE-DATE-trackNNN.png, mode 0600, atomically) into DIR, which is\n"
    "created 0700 when missing and refused when it is a symbolic link. A\n"
    "thumbnail whose seal does not open (tampered, moved, another key) is an\n"
    "error naming it, and nothing is written. Each export is recorded in the\n"
    "audit log (who, run, count, folder).\n"
    "\n"
    "options:\n"
    "  --run ID        the replay run (its id: `faceaudit runs list`)\n"
    "  --format F      list: text (default) or json\n"
    "  -o DIR          export: the folder to write to\n",
    cmd_thumbnails_exec
};
