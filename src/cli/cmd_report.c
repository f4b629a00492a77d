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
#include "faceaudit/calendar.h"
#include "faceaudit/cli.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/report.h"
#include "faceaudit/scenario.h"
#include "faceaudit/store_report.h"
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
    "                      result files from `faceaudit audit --format json`\n"
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

static int
pia_list(struct cli_ctx *ctx, int argc, char **argv)
{
    struct store *st = cli_store(ctx);
    struct store_pia *p = NULL;
    size_t n = 0, i, due = 0;
    char today[11], *cause = NULL;
    bool all = argc > 1 && strcmp(argv[1], "--all") == 0;

    if (argc > 2 || (argc == 2 && !all))
        return cli_usage_error(ctx, "pia list takes only --all");
    if (st == NULL)
        return FA_EXIT_USAGE;
    if (store_pia_list(st, &p, &n, &cause) != 0) {
        cli_error(ctx, "%s", cause);
        free(cause);
        return FA_EXIT_USAGE;
    }
    date_format(date_today(), today);
    for (i = 0; i < n; i++) {
        const char *status = strcmp(p[i].retain_until, today) < 0 ? "past retention" :
            strcmp(p[i].review_due, today) <= 0 ? "review due" : "current";

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
    struct store *st = cli_store(ctx);
    char *end, *cause = NULL, *text;
    long long id;

    if (argc != 2)
        return cli_usage_error(ctx, "pia show ID");
    id = strtoll(argv[1], &end, 10);
    if (*end != '\0' || id <= 0)
        return cli_usage_error(ctx, "bad record id '%s'", argv[1]);
    if (st == NULL)
        return FA_EXIT_USAGE;
    if ((text = store_pia_content(st, id, &cause)) == NULL) {
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

static int
cmd_pia_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "audit", required_argument, NULL, 'a' },
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { "prepared", required_argument, NULL, 'p' },
        { "retain-until", required_argument, NULL, 'r' },
        { "review", required_argument, NULL, 'R' },
        { "no-save", no_argument, NULL, 'n' },
        { NULL, 0, NULL, 0 }
    };
    const char *audit_ref = NULL, *format = "markdown", *outpath = NULL;
    struct report_pia_opts po;
    struct store_audit_loaded *run = NULL;
    struct rule_pack *pack = NULL;
    struct calendar *cal = NULL;
    struct scenario *sc = NULL;
    struct audit_result *res = NULL;
    struct audit_meta meta;
    struct store *st = NULL;
    char *cause = NULL, *text = NULL, *years = NULL;
    char d1[11], d2[11], d3[11];
    bool save = true;
    int c, rc = FA_EXIT_USAGE;

    if (argc > 1 && strcmp(argv[1], "list") == 0)
        return pia_list(ctx, argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "show") == 0)
        return pia_show(ctx, argc - 1, argv + 1);
    memset(&po, 0, sizeof po);
    po.prepared = date_today();
    po.retain_until = po.review_due = FA_DATE_NONE;
    optind = 1;
    while ((c = getopt_long(argc, argv, "a:f:o:n", longopts, NULL)) != -1) {
        switch (c) {
        case 'a':
            audit_ref = optarg;
            break;
        case 'f':
            format = optarg;
            if (strcmp(format, "markdown") != 0 && strcmp(format, "html") != 0)
                return cli_usage_error(ctx, "--format must be markdown or html, not '%s'",
                    format);
            break;
        case 'o':
            outpath = optarg;
            break;
        case 'p':
            if (date_opt(ctx, "--prepared", optarg, &po.prepared) != 0)
                return FA_EXIT_USAGE;
            break;
        case 'r':
            if (date_opt(ctx, "--retain-until", optarg, &po.retain_until) != 0)
                return FA_EXIT_USAGE;
            break;
        case 'R':
            if (date_opt(ctx, "--review", optarg, &po.review_due) != 0)
                return FA_EXIT_USAGE;
            break;
        case 'n':
            save = false;
            break;
        default:
            return cli_usage_error(ctx, "bad option");
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(ctx, "need one SCENARIO (or list, show ID)");
    if (po.retain_until == FA_DATE_NONE)
        po.retain_until = report_pia_min_retention(po.prepared);
    if (po.retain_until < report_pia_min_retention(po.prepared)) {
        date_format(report_pia_min_retention(po.prepared), d1);
        return cli_usage_error(ctx, "--retain-until must be %s or later: Art. 9 requires "
            "keeping the record at least three years", d1);
    }
    if (po.review_due == FA_DATE_NONE) {
        int y, m, dd;

        date_to_ymd(po.prepared, &y, &m, &dd);
        po.review_due = date_from_ymd(y + 1, m, m == 2 && dd == 29 ? 28 : dd);
    }
    if ((sc = scenario_load(argv[optind], 0, &cause)) == NULL) {
        cli_error(ctx, "%s", cause);
        goto out;
    }
    if ((save || audit_ref != NULL) && (st = cli_store(ctx)) == NULL)
        goto out;
    if (audit_ref != NULL) {
        struct audit_opts opts;
        fa_date as_of;

        if ((run = store_audit_load(st, audit_ref, &cause)) == NULL) {
            cli_error(ctx, "--audit: %s", cause);
            goto out;
        }
        if (run->scenario_hash == NULL || strcmp(run->scenario_hash, scenario_hash(sc)) != 0) {
            cli_error(ctx, "--audit: run %lld audited another version of the scenario (SHA-256 "
                "%.12s, this file %.12s): audit this file first", (long long)run->run_id,
                run->scenario_hash != NULL ? run->scenario_hash : "-", scenario_hash(sc));
            goto out;
        }
        if (rule_pack_load_with_calendar(NULL, &pack, &cal, &cause) == -1 ||
            date_parse(run->as_of, &as_of, &cause) != 0) {
            cli_error(ctx, "%s", cause);
            goto out;
        }
        memset(&opts, 0, sizeof opts);
        opts.as_of = as_of;
        opts.cal = cal;
        /* the evaluation is deterministic: redo it to get the explanations */
        if ((res = audit_run(pack, sc, &opts, &cause)) == NULL) {
            cli_error(ctx, "%s", cause);
            goto out;
        }
        if (res->nfindings != run->nrows) {
            cli_error(ctx, "--audit: run %lld has %zu findings, this rule pack gives %zu: the "
                "rules changed since; audit again", (long long)run->run_id, run->nrows,
                res->nfindings);
            goto out;
        }
        years = calendar_years(cal);
        memset(&meta, 0, sizeof meta);
        meta.software = "faceaudit " PACKAGE_VERSION;
        meta.scenario_id = scenario_entity_id(scenario_deployment(sc));
        meta.scenario_path = scenario_path(sc);
        meta.scenario_hash = scenario_hash(sc);
        meta.calendar_version = calendar_version(cal);
        meta.calendar_years = years;
        po.res = res;
        po.pack = pack;
        po.meta = &meta;
    }
    po.sc = sc;
    po.html = strcmp(format, "html") == 0;
    text = report_pia_render(&po);
    if (emit(ctx, outpath, text) != 0)
        goto out;
    if (save) {
        struct store_pia rec;
        int64_t id;

        date_format(po.prepared, d1);
        date_format(po.review_due, d2);
        date_format(po.retain_until, d3);
        memset(&rec, 0, sizeof rec);
        rec.scenario_id = (char *)(uintptr_t)scenario_entity_id(scenario_deployment(sc));
        rec.scenario_path = (char *)(uintptr_t)scenario_path(sc);
        rec.scenario_hash = (char *)(uintptr_t)scenario_hash(sc);
        rec.audit_run = run != NULL ? run->run_id : 0;
        rec.prepared = d1;
        rec.review_due = d2;
        rec.retain_until = d3;
        rec.format = (char *)(uintptr_t)format;
        if ((id = store_pia_save(st, &rec, text, &cause)) < 0) {
            cli_error(ctx, "%s", cause);
            goto out;
        }
        fprintf(ctx->err, "faceaudit: pia: saved record %lld (retain until %s, review by %s)\n",
            (long long)id, d3, d2);
    }
    rc = FA_EXIT_OK;
out:
    free(cause);
    free(text);
    free(years);
    audit_result_free(res);
    rule_pack_free(pack);
    calendar_free(cal);
    scenario_free(sc);
    store_audit_loaded_free(run);
    return rc;
}

const struct cmd_entry cmd_pia_entry = {
    "pia", NULL,
    "SCENARIO [--audit RUN] [--format markdown|html] [-o FILE] [--prepared DATE]\n"
    "       [--review DATE] [--retain-until DATE] [--no-save] | list [--all] | show ID",
    "write and keep the Art. 9 impact-assessment record",
    "  SCENARIO            the deployment (*.fa.yaml)\n"
    "  --audit RUN         prefill evaluations and the action plan from a stored audit\n"
    "                      of this same scenario file (id, name, latest, latest~N)\n"
    "  --format FORMAT     markdown (default) or html\n"
    "  -o, --output FILE   write the record to FILE atomically instead of stdout\n"
    "  --prepared DATE     date of the record (default today)\n"
    "  --review DATE       next review (default one year later)\n"
    "  --retain-until DATE keep until (default and minimum: three years later)\n"
    "  --no-save           do not store the record in the database\n"
    "  list [--all]        records due for review or past retention (--all: every one)\n"
    "  show ID             print a stored record after checking its SHA-256\n"
    "\n"
    "The record covers context, why an assessment is needed, necessity and\n"
    "proportionality, risks before and after measures, measures and action plan,\n"
    "sign-off and housekeeping. Stored records cannot be changed, and cannot be\n"
    "deleted before their retain-until date.\n",
    cmd_pia_exec
};
