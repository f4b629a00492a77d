/* SPDX-License-Identifier: MIT */
/*
 * cmd_report.c - `faceaudit diff A B` (two stored audit runs or two JSON
 * result files: new failures first, then fixed, changed, unchanged, and the
 * score change; exit 1 when anything newly fails) and `faceaudit pia`
 * (write and store the Art. 9 impact-assessment record; `pia list` shows
 * records due for review or past retention; `pia show ID` prints one after
 * checking its hash).
 */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/app.h"
#include "faceaudit/cli.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/report.h"
#include "faceaudit/xmalloc.h"

static int
emit(struct cli_ctx *ctx, const char *outpath, const char *text)
{
    char *cause = NULL;

    if (outpath == NULL) {
        fputs(text, ctx->out);
        return 0;
    }
    if (fs_write_atomic(outpath, text, strlen(text), 0644, &cause) != 0) {
        cli_error(ctx, "%s", cause);
        free(cause);
        return -1;
    }
    return 0;
}

/* --- diff ------------------------------------------------------------------------ */

/* `diff --eval A B`: two stored eval runs (name or #ID), figure by figure. */
static int
diff_eval(struct cli_ctx *ctx, const char *ra, const char *rb, bool json, const char *outpath)
{
    struct app_eval_result *a, *b;
    char *cause = NULL, *text;
    size_t worse;
    int rc = FA_EXIT_USAGE;

    if (app_diff_evals(ctx->app, ra, rb, &a, &b, &cause) == -1) {
        cli_error(ctx, "%s", cause);
        free(cause);
        return FA_EXIT_USAGE;
    }
    text = report_eval_diff(&a->fig, ra, &b->fig, rb, json, &worse);
    if (emit(ctx, outpath, text) == 0)
        rc = worse > 0 ? FA_EXIT_FINDINGS : FA_EXIT_OK;
    free(text);
    app_eval_result_free(a);
    app_eval_result_free(b);
    return rc;
}

/* Two portfolio runs: handlers newly failing first; exit 1 when any is. */
static int
diff_portfolio(struct cli_ctx *ctx, const char *pa, const char *pb, bool json, bool verbose,
    const char *outpath)
{
    struct app_portfolio *a = NULL, *b = NULL;
    char *cause = NULL, *text = NULL;
    size_t newly = 0;
    int rc = FA_EXIT_USAGE;

    if ((a = app_portfolio_load(ctx->app, pa, &cause)) == NULL ||
        (b = app_portfolio_load(ctx->app, pb, &cause)) == NULL) {
        cli_error(ctx, "%s", cause);
        goto out;
    }
    text = app_portfolio_diff(a, b, json, verbose, &newly);
    if (emit(ctx, outpath, text) == 0)
        rc = newly > 0 ? FA_EXIT_FINDINGS : FA_EXIT_OK;
out:
    free(text);
    free(cause);
    app_portfolio_free(a);
    app_portfolio_free(b);
    return rc;
}

static int
cmd_diff_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { "verbose", no_argument, NULL, 'v' },
        { "eval", no_argument, NULL, 'E' },
        { NULL, 0, NULL, 0 }
    };
    const char *format = "text", *outpath = NULL;
    bool eval = false;
    struct app_diff *d = NULL;
    char *cause = NULL, *text = NULL;
    bool verbose = false;
    int c, rc = FA_EXIT_USAGE;

    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:v", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            format = optarg;
            if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
                return cli_usage_error(ctx, "--format must be text or json, not '%s'", format);
            break;
        case 'o':
            outpath = optarg;
            break;
        case 'v':
            verbose = true;
            break;
        case 'E':
            eval = true;
            break;
        default:
            return cli_usage_error(ctx, "bad option");
        }
    }
    if (argc - optind != 2)
        return cli_usage_error(ctx, "need two runs or result files, A and B");
    if (eval)
        return diff_eval(ctx, argv[optind], argv[optind + 1], strcmp(format, "json") == 0,
            outpath);
    /* portfolio summaries or stored portfolio runs (by id), in any mix */
    if (app_portfolio_ref(ctx->app, argv[optind]) || app_portfolio_ref(ctx->app, argv[optind + 1]))
        return diff_portfolio(ctx, argv[optind], argv[optind + 1], strcmp(format, "json") == 0,
            verbose, outpath);
    if ((d = app_diff_audits(ctx->app, argv[optind], argv[optind + 1], &cause)) == NULL) {
        cli_error(ctx, "%s", cause);
        goto out;
    }
    text = strcmp(format, "json") == 0 ? report_diff_json(d->d) : report_diff_text(d->d, verbose);
    if (emit(ctx, outpath, text) != 0)
        goto out;
    rc = d->d->count[REPORT_NEW_FAILURE] > 0 ? FA_EXIT_FINDINGS : FA_EXIT_OK;
out:
    free(cause);
    free(text);
    app_diff_free(d);
    return rc;
}

const struct cmd_entry cmd_diff_entry = {
    "diff", NULL,
    "A B [--format text|json] [-o FILE] [-v] | --eval A B",
    "compare two audits: new failures, fixed, changed, unchanged, score change",
    "  A, B                stored audit runs (id, name, latest, latest~N) or JSON\n"
    "                      result files from `faceaudit audit --format json`; or\n"
    "                      portfolios: stored portfolio runs (id) or portfolio.json\n"
    "                      files (handlers newly failing first)\n"
    "  --format text|json  output format (default text)\n"
    "  -o, --output FILE   write to FILE atomically instead of stdout\n"
    "  -v, --verbose       list unchanged findings too\n"
    "  --eval              A and B are stored eval runs (name or #ID): every figure\n"
    "                      with its 95% interval, the delta, and whether the\n"
    "                      intervals overlap (exit 1 when one is significantly worse)\n"
    "\n"
    "Findings are matched on rule id and entity. A new failure fails in B but not\n"
    "in A (or is new in B); fixed failed in A and does not in B. Exit status 1 when\n"
    "there is any new failure.\n",
    cmd_diff_exec
};

/* --- pia -------------------------------------------------------------------------- */

/* A record's state on today: "past retention", "review due" or "current". */
static const char *
pia_status(const struct store_pia *p, const char *today)
{
    return strcmp(p->retain_until, today) < 0 ? "past retention" :
        strcmp(p->review_due, today) <= 0 ? "review due" : "current";
}

static void
pia_list_json(struct cli_ctx *ctx, const struct store_pia *p, size_t n, bool all,
    const char *today)
{
    struct cli_json j;
    size_t i, due = 0;

    for (i = 0; i < n; i++)
        due += strcmp(pia_status(&p[i], today), "current") != 0;
    cli_json_begin(&j);
    jw_kstr(&j.w, "today", today);
    jw_kuint(&j.w, "total", n);
    jw_kuint(&j.w, "due", due);
    jw_key(&j.w, "records");
    jw_array(&j.w, JW_LINES);
    for (i = 0; i < n; i++) {
        const char *status = pia_status(&p[i], today);

        if (!all && strcmp(status, "current") == 0)
            continue;
        jw_object(&j.w, JW_INLINE);
        jw_kint(&j.w, "id", p[i].id);
        jw_kstr(&j.w, "status", status);
        jw_kstr(&j.w, "scenario", p[i].scenario_id);
        jw_kstr(&j.w, "scenario_path", p[i].scenario_path);
        jw_kstr(&j.w, "prepared", p[i].prepared);
        jw_kstr(&j.w, "review_due", p[i].review_due);
        jw_kstr(&j.w, "retain_until", p[i].retain_until);
        jw_kstr(&j.w, "format", p[i].format);
        jw_key(&j.w, "audit_run");
        if (p[i].audit_run > 0)
            jw_int(&j.w, p[i].audit_run);
        else
            jw_null(&j.w);
        jw_kstr(&j.w, "sha256", p[i].sha256);
        jw_object_end(&j.w);
    }
    jw_array_end(&j.w);
    cli_json_end(ctx, &j);
}

static int
pia_list(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "all", no_argument, NULL, 'a' },
        { "format", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 }
    };
    struct store_pia *p = NULL;
    size_t n = 0, i, due = 0;
    char today[11], *cause = NULL;
    bool all = false, json = false;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "af:", longopts, NULL)) != -1) {
        if (c == 'a')
            all = true;
        else if (c != 'f')
            return cli_usage_error(ctx, "pia list takes only --all and --format");
        else if ((c = cli_format_json(ctx, optarg, &json)) != 0)
            return c;
    }
    if (optind != argc)
        return cli_usage_error(ctx, "pia list takes only --all and --format");
    if (app_pia_list(ctx->app, &p, &n, &cause) != 0) {
        cli_error(ctx, "%s", cause);
        free(cause);
        return FA_EXIT_USAGE;
    }
    date_format(date_today(), today);
    if (json) {
        pia_list_json(ctx, p, n, all, today);
        store_pia_list_free(p, n);
        return FA_EXIT_OK;
    }
    for (i = 0; i < n; i++) {
        const char *status = pia_status(&p[i], today);

        if (strcmp(status, "current") != 0)
            due++;
        else if (!all)
            continue;
        fprintf(ctx->out, "%-4lld %-15s %-26s prepared %s review %s retain %s %s%s\n",
            (long long)p[i].id, status, p[i].scenario_id, p[i].prepared, p[i].review_due,
            p[i].retain_until, p[i].format, p[i].audit_run > 0 ? " (with audit)" : "");
    }
    if (due == 0)
        fprintf(ctx->out, "%zu record%s, none due for review or past retention on %s\n", n,
            n == 1 ? "" : "s", today);
    store_pia_list_free(p, n);
    return FA_EXIT_OK;
}

static int
pia_show(struct cli_ctx *ctx, int argc, char **argv)
{
    char *end, *cause = NULL, *text;
    long long id;

    if (argc != 2)
        return cli_usage_error(ctx, "pia show ID");
    id = strtoll(argv[1], &end, 10);
    if (*end != '\0' || id <= 0)
        return cli_usage_error(ctx, "bad record id '%s'", argv[1]);
    if ((text = app_pia_show(ctx->app, id, &cause)) == NULL) {
        cli_error(ctx, "%s", cause);
        free(cause);
        return FA_EXIT_USAGE;
    }
    fputs(text, ctx->out);
    free(text);
    return FA_EXIT_OK;
}

static int
date_opt(struct cli_ctx *ctx, const char *name, const char *s, fa_date *out)
{
    char *cause = NULL;

    if (date_parse(s, out, &cause) != 0) {
        cli_usage_error(ctx, "%s: %s", name, cause);
        free(cause);
        return -1;
    }
    return 0;
}

/* argv -> params; 0, or an exit code after the usage error. */
static int
pia_args(struct cli_ctx *ctx, int argc, char **argv, struct app_pia_params *p,
    const char **outpath)
{
    static const struct option longopts[] = {
        { "audit", required_argument, NULL, 'a' },
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { "prepared", required_argument, NULL, 'p' },
        { "retain-until", required_argument, NULL, 'r' },
        { "review", required_argument, NULL, 'R' },
        { "no-save", no_argument, NULL, 'n' },
        { "save", no_argument, NULL, 's' },
        { "reading", required_argument, NULL, 'g' },
        { NULL, 0, NULL, 0 }
    };
    static const char *readings[32];
    char *cause = NULL;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "a:f:o:n", longopts, NULL)) != -1) {
        switch (c) {
        case 'a': p->audit_ref = optarg; break;
        case 'f':
            if (strcmp(optarg, "markdown") != 0 && strcmp(optarg, "html") != 0)
                return cli_usage_error(ctx, "--format must be markdown or html, not '%s'",
                    optarg);
            p->html = strcmp(optarg, "html") == 0;
            break;
        case 'o': *outpath = optarg; break;
        case 'p':
            if (date_opt(ctx, "--prepared", optarg, &p->prepared) != 0)
                return FA_EXIT_USAGE;
            break;
        case 'r':
            if (date_opt(ctx, "--retain-until", optarg, &p->retain_until) != 0)
                return FA_EXIT_USAGE;
            break;
        case 'R':
            if (date_opt(ctx, "--review", optarg, &p->review_due) != 0)
                return FA_EXIT_USAGE;
            break;
        case 'n': p->save = false; break;
        case 's': p->save = true; break;
        case 'g':
            if (p->nreadings == FA_NITEMS(readings))
                return cli_usage_error(ctx, "too many --reading options");
            readings[p->nreadings++] = optarg;
            p->readings = readings;
            break;
        default: return cli_usage_error(ctx, "bad option");
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(ctx, "need one SCENARIO (or list, show ID)");
    if (p->nreadings > 0 && p->audit_ref == NULL)
        return cli_usage_error(ctx, "--reading applies to the audit redone from --audit RUN");
    p->scenario_path = argv[optind];
    if (app_pia_params_check(p, &cause) == -1) {
        c = cli_usage_error(ctx, "%s", cause);
        free(cause);
        return c;
    }
    return 0;
}

static int
cmd_pia_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    struct app_pia_params p;
    struct app_pia_result *r;
    const char *outpath = NULL;
    char *cause = NULL, d2[11], d3[11];
    int rc;

    if (argc > 1 && strcmp(argv[1], "list") == 0)
        return pia_list(ctx, argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "show") == 0)
        return pia_show(ctx, argc - 1, argv + 1);
    app_pia_params_default(&p);
    if ((rc = pia_args(ctx, argc, argv, &p, &outpath)) != 0)
        return rc;
    if ((r = app_pia(ctx->app, &p, &cause)) == NULL) {
        rc = cli_error(ctx, "%s", cause);
        free(cause);
        return rc;
    }
    rc = emit(ctx, outpath, r->text) == 0 ? FA_EXIT_OK : FA_EXIT_USAGE;
    if (rc == FA_EXIT_OK && r->record_id > 0) {
        date_format(r->review_due, d2);
        date_format(r->retain_until, d3);
        fprintf(ctx->err, "faceaudit: pia: saved record %lld (retain until %s, review by %s)\n",
            (long long)r->record_id, d3, d2);
    } else if (rc == FA_EXIT_OK) {
        fprintf(ctx->err, "faceaudit: pia: preview, not stored (--save keeps the record, which "
            "cannot then be deleted for three years)\n");
    }
    app_pia_result_free(r);
    return rc;
}

const struct cmd_entry cmd_pia_entry = {
    "pia", NULL,
    "SCENARIO [--audit RUN [--reading NAME=ALT]...] [--format markdown|html] [-o FILE]\n"
    "       [--prepared DATE] [--review DATE] [--retain-until DATE] [--save] |\n"
    "       list [--all] [--format text|json] | show ID",
    "write and keep the Art. 9 impact-assessment record",
    "  SCENARIO            the deployment (*.fa.yaml)\n"
    "  --audit RUN         prefill evaluations and the action plan from a stored audit\n"
    "                      of this same scenario file (id, name, latest, latest~N)\n"
    "  --reading NAME=ALT  redo that audit under alternative ALT of a contested\n"
    "                      reading (as for audit); the record lists the readings\n"
    "  --format FORMAT     markdown (default) or html\n"
    "  -o, --output FILE   write the record to FILE atomically instead of stdout\n"
    "  --prepared DATE     date of the record (default today)\n"
    "  --review DATE       next review (default one year later)\n"
    "  --retain-until DATE keep until (default and minimum: three years later)\n"
    "  --save              store the record in the database (without it: a preview;\n"
    "                      a stored record cannot be deleted for three years)\n"
    "  list [--all]        records due for review or past retention (--all: every one);\n"
    "                      --format json: {today, total, due, records: [{id, status,\n"
    "                      scenario, scenario_path, prepared, review_due,\n"
    "                      retain_until, format, audit_run, sha256}]}\n"
    "  show ID             print a stored record after checking its SHA-256\n"
    "\n"
    "The record covers context, why an assessment is needed, necessity and\n"
    "proportionality, risks before and after measures, measures and action plan,\n"
    "sign-off and housekeeping. Stored records cannot be changed, and cannot be\n"
    "deleted before their retain-until date.\n",
    cmd_pia_exec
};
