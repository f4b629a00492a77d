/* SPDX-License-Identifier: MIT */
/*
 * cmd_audit.c - `faceaudit audit SCENARIO`: options to app_audit() params
 * (which loads, evaluates and stores the run), then the verdict in the
 * chosen report format to stdout or atomically to -o FILE. Exit 1 when any
 * rule fails, 2 on bad input.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/app.h"
#include "faceaudit/cli.h"
#include "faceaudit/compat.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/report.h"

static void
warn(void *user, const char *msg)
{
    struct cli_ctx *ctx = user;

    fprintf(ctx->err, "faceaudit: audit: warning: %s\n", msg);
}

/* argv -> params; 0, or an exit code after the usage error. */
static int
parse_args(struct cli_ctx *ctx, int argc, char **argv, struct app_audit_params *p,
    const char **format, const char **outpath, bool *verbose, int *jobs)
{
    static const struct option longopts[] = {
        { "as-of", required_argument, NULL, 'a' },
        { "waivers", required_argument, NULL, 'w' },
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { "verbose", no_argument, NULL, 'v' },
        { "no-save", no_argument, NULL, 'n' },
        { "simulate", no_argument, NULL, 'S' },
        { "eval", required_argument, NULL, 'E' },
        { "baseline", required_argument, NULL, 'b' },
        { "expect", required_argument, NULL, 'e' },
        { "reading", required_argument, NULL, 'R' },
        { "per-device", no_argument, NULL, 'P' },
        { "all", no_argument, NULL, 'A' },
        { "engagement", required_argument, NULL, 'G' },
        { "auditor", required_argument, NULL, 'U' },
        { "report-date", required_argument, NULL, 'D' },
        { "jobs", required_argument, NULL, 'j' },
        { NULL, 0, NULL, 0 }
    };
    static const char *readings[32];
    char *cause = NULL;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "a:w:f:o:v", longopts, NULL)) != -1) {
        switch (c) {
        case 'a':
            if (date_parse(optarg, &p->as_of, &cause) != 0) {
                cli_usage_error(ctx, "--as-of: %s", cause);
                free(cause);
                return FA_EXIT_USAGE;
            }
            break;
        case 'w': p->waivers_path = optarg; break;
        case 'f':
            *format = optarg;
            p->instances = strcmp(optarg, "sarif") == 0;
            if (strcmp(optarg, "pdf") != 0 && report_writer_find(optarg) == NULL)
                return cli_usage_error(ctx, "--format must be one of %s or pdf, not '%s'",
                    report_writer_names(), optarg);
            break;
        case 'o': *outpath = optarg; break;
        case 'v': *verbose = true; break;
        case 'S': p->simulate = true; break;
        case 'E': p->eval_ref = optarg; break;
        case 'n': p->save = false; break;
        case 'b': p->baseline = optarg; break;
        case 'e': p->expect_path = optarg; break;
        case 'R':
            if (p->nreadings == FA_NITEMS(readings))
                return cli_usage_error(ctx, "too many --reading options");
            readings[p->nreadings++] = optarg;
            p->readings = readings;
            break;
        case 'P': p->per_device = true; break;
        case 'A': p->all = true; break;
        case 'G': p->deliv.engagement = optarg; break;
        case 'U': p->deliv.auditor = optarg; break;
        case 'D':
            if (date_parse(optarg, &p->deliv.report_date, &cause) != 0) {
                cli_usage_error(ctx, "--report-date: %s", cause);
                free(cause);
                return FA_EXIT_USAGE;
            }
            break;
        case 'j':
            *jobs = atoi(optarg);
            if (*jobs < 1 || *jobs > APP_PORTFOLIO_MAX_JOBS)
                return cli_usage_error(ctx, "--jobs must be 1 to %d, not '%s'",
                    APP_PORTFOLIO_MAX_JOBS, optarg);
            break;
        default:
            return cli_usage_error(ctx, "bad option");
        }
    }
    if (argc - optind == 0)
        return cli_usage_error(ctx, "missing SCENARIO");
    p->scenario_path = argv[optind];
    return 0;
}

/*
 * A portfolio: every scenario of the arguments (folders expanded) audited on
 * jobs threads; the summary on stdout (and as portfolio.json in outdir, with
 * each scenario's report in format beside it), and the run stored (one row
 * per handler) unless --no-save. Exit 1 when any scenario fails, 2 when any
 * could not be audited.
 */
static int
audit_portfolio(struct cli_ctx *ctx, char **args, size_t nargs, int jobs,
    const struct app_audit_params *ap, const char *outdir, const char *format)
{
    struct app_portfolio_opts o;
    struct app_portfolio *p = NULL;
    struct app_progress pr;
    struct cli_progress bar;
    char **paths = NULL, *cause = NULL, *text = NULL, *json = NULL, *jpath = NULL;
    size_t npaths = 0, nerr, i;
    int rc = FA_EXIT_USAGE;

    if (strcmp(format, "pdf") == 0 || report_writer_find(format) == NULL)
        return cli_usage_error(ctx, "a portfolio's reports are one of %s, not '%s'",
            report_writer_names(), format);
    if (app_portfolio_expand(args, nargs, &paths, &npaths, &cause) != 0) {
        cli_error(ctx, "%s", cause);
        goto out;
    }
    memset(&o, 0, sizeof o);
    o.paths = (const char *const *)paths;
    o.npaths = npaths;
    o.jobs = jobs;
    o.outdir = outdir;
    o.format = format;
    o.as_of = ap->as_of;
    o.readings = ap->readings;
    o.nreadings = ap->nreadings;
    o.software = "faceaudit " PACKAGE_VERSION;
    cli_progress_init(ctx, &bar, &pr);
    cli_cancel_init(&pr);
    o.pr = &pr;
    if ((p = app_portfolio_run(&o, &cause)) == NULL) {
        cli_error(ctx, "%s", cause);
        goto out;
    }
    if (p->cancelled) {
        /* a partial summary would later be compared as if it were the portfolio */
        cli_error(ctx, "interrupted: %zu of %zu scenarios audited%s%s%s; no summary was "
            "written: run the command again for the whole portfolio", p->audited, p->n,
            outdir != NULL ? ", their reports in " : "", outdir != NULL ? outdir : "",
            outdir != NULL ? " complete" : "");
        rc = FA_EXIT_INTERRUPTED;
        goto out;
    }
    text = app_portfolio_text(p);
    fputs(text, ctx->out);
    if (outdir != NULL) {
        json = app_portfolio_json(p);
        jpath = path_join(outdir, "portfolio.json");
        if (fs_write_atomic(jpath, json, strlen(json), 0644, &cause) != 0) {
            cli_error(ctx, "%s", cause);
            goto out;
        }
    }
    if (ap->save) {
        int64_t id = app_portfolio_save(ctx->app, p, o.software, &cause);

        if (id < 0) {
            cli_error(ctx, "%s", cause);
            goto out;
        }
        if (ctx->progress)
            fprintf(ctx->err, "faceaudit: audit: stored as portfolio run %lld (faceaudit diff "
                "%lld LATER)\n", (long long)id, (long long)id);
    }
    for (i = 0; i < p->n; i++)
        if (p->rows[i].error != NULL)
            cli_error(ctx, "%s", p->rows[i].error);
    rc = app_portfolio_failed(p, &nerr) ? FA_EXIT_FINDINGS : FA_EXIT_OK;
    if (nerr > 0)
        rc = FA_EXIT_USAGE;
out:
    for (i = 0; i < npaths; i++)
        free(paths[i]);
    free(paths);
    free(cause);
    free(text);
    free(json);
    free(jpath);
    app_portfolio_free(p);
    return rc;
}

/* The verdict in the chosen format, to stdout or atomically to a file; 0 or -1. */
static int
print_result(struct cli_ctx *ctx, struct app_audit_result *r, const char *format,
    const char *outpath, bool verbose)
{
    char *text = NULL, *cause = NULL;
    int rc = 0;

    r->meta.color = ctx->color && outpath == NULL;
    r->rin.verbose = verbose;
    if (strcmp(format, "pdf") == 0) {
        /* the deliverable's HTML printed by headless Chromium */
        if (outpath == NULL) {
            cli_usage_error(ctx, "--format pdf needs -o FILE");
            return -1;
        }
        if ((text = report_render("html", &r->rin, &cause)) == NULL ||
            report_pdf_write(text, outpath, &cause) != 0)
            rc = -1;
    } else if (outpath != NULL) {
        /* written as it is produced: never the whole report in memory */
        rc = report_write_file(format, &r->rin, outpath, &cause);
    } else {
        rc = report_write(format, &r->rin, ctx->out, &cause);
    }
    if (rc != 0) {
        cli_error(ctx, "%s", cause);
        free(cause);
    }
    free(text);
    return rc;
}

static int
cmd_audit_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    struct app_audit_params p;
    struct app_audit_result *r;
    const char *format = "text", *outpath = NULL;
    bool verbose = false;
    char *cause = NULL;
    int rc, jobs = 1;

    app_audit_params_default(&p);
    p.warn = warn;
    p.warn_user = ctx;
    if ((rc = parse_args(ctx, argc, argv, &p, &format, &outpath, &verbose, &jobs)) != 0)
        return rc;
    if (argc - optind > 1 || fs_is_dir(argv[optind]))
        return audit_portfolio(ctx, &argv[optind], (size_t)(argc - optind), jobs, &p, outpath,
            strcmp(format, "text") == 0 ? "html" : format);
    if ((r = app_audit(ctx->app, &p, &cause)) == NULL) {
        rc = cli_error(ctx, "%s", cause);
        free(cause);
        return rc;
    }
    if (r->not_saved != NULL)
        fprintf(ctx->err, "faceaudit: audit: not saved: no score (%s)\n", r->not_saved);
    if (print_result(ctx, r, format, outpath, verbose) != 0)
        rc = FA_EXIT_USAGE;
    else if (r->expect_bad >= 0) {
        fputs(r->expect_log, ctx->err);
        if (r->expect_bad > 0)
            cli_error(ctx, "%d outcome%s differ from %s", r->expect_bad,
                r->expect_bad == 1 ? "" : "s", p.expect_path);
        rc = r->expect_bad == 0 ? FA_EXIT_OK : FA_EXIT_FINDINGS;
    } else
        rc = audit_failed(r->res) ? FA_EXIT_FINDINGS : FA_EXIT_OK;
    app_audit_result_free(r);
    return rc;
}

const struct cmd_entry cmd_audit_entry = {
    "audit", NULL,
    "SCENARIO [--as-of DATE] [--waivers FILE] [--format FORMAT] [--baseline RUN] [-o FILE] [-v]\n"
    "       [--no-save] [--expect FILE] [--simulate] [--reading NAME=ALT]...\n"
    "       [--eval RUN] [--per-device] [--all] [--engagement ID] [--auditor NAME]\n"
    "       [--report-date DATE]\n"
    "       DIR|SCENARIO... [--jobs N] [-o DIR] [--format FORMAT] [--as-of DATE]",
    "audit a deployment against the 20 articles of the Measures",
    "  SCENARIO            a scenario file (*.fa.yaml, see faceaudit-scenario(5))\n"
    "  --as-of DATE        evaluate as of DATE (default: the scenario's as_of, else\n"
    "                      today); articles not yet in force are not_applicable\n"
    "  --waivers FILE      apply the waivers in FILE (YAML; faceaudit-rules(5))\n"
    "  --reading NAME=ALT  apply alternative ALT of a contested reading instead of\n"
    "                      the literal, stricter default (`faceaudit rules show`\n"
    "                      lists them); every report lists the readings applied\n"
    "  --format FORMAT     text (default), json (faceaudit-json(5)), csv, markdown,\n"
    "                      sarif (2.1.0), junit, html (self-contained, A4) or pdf\n"
    "                      (the html printed by headless Chromium; needs -o)\n"
    "  --per-device        one finding per rule instance, as before grouping (SARIF\n"
    "                      and --baseline always are)\n"
    "  --all               html, markdown, pdf: list passes and not-applicables too\n"
    "  --engagement ID, --auditor NAME, --report-date DATE\n"
    "                      the deliverable's cover (report date default: today)\n"
    "  --jobs N            a portfolio (a folder of *.fa.yaml or several files): audit\n"
    "                      N scenarios at a time; -o DIR writes each one's report\n"
    "                      (--format, default html) and portfolio.json, which\n"
    "                      `faceaudit diff A/portfolio.json B/portfolio.json` compares;\n"
    "                      the run is stored (one row per handler; diff two by id)\n"
    "                      unless --no-save; Ctrl-C stops between scenarios (no\n"
    "                      summary, nothing stored, exit 130)\n"
    "  --baseline RUN      mark each finding new, unchanged, updated or absent against\n"
    "                      a stored run (id, name, latest, latest~N) or a JSON result\n"
    "  -o, --output FILE   write the result to FILE atomically instead of stdout\n"
    "  -v, --verbose       list passing and not-applicable findings too\n"
    "  --no-save           do not record the run in the database\n"
    "  --eval RUN          html: add a stored eval run's DET, ROC, histograms and\n"
    "                      threshold table (name or #ID)\n"
    "  --simulate          html: add the simulated stored-person curve from the\n"
    "                      scenario's simulation: facts (Art. 15 threshold, deadline)\n"
    "  --expect FILE       compare with expected outcomes (lines `expect RULE[@ID]\n"
    "                      OUTCOME`, `article N OUTCOME`, `grade G`); the exit\n"
    "                      status is then 0 when all match, 1 when any differs\n"
    "\n"
    "Findings are grouped across devices: one per rule and outcome with the devices\n"
    "it covers (\"10 of 1,000: cam-1..cam-10\"); JSON lists every device in\n"
    "\"groups\". html, markdown and pdf are the auditor's deliverable: cover,\n"
    "executive summary, action plan, findings by article, evidence, sign-off.\n"
    "Each rule instance is pass, fail, not_applicable, needs_evidence (a fact it\n"
    "needs is unknown), advisory or waived, with the facts it read and the clause\n"
    "it cites. The run is saved in the database (scenario, rule-pack and calendar\n"
    "hashes, as-of date, every finding). Exit status 1 when any rule fails.\n",
    cmd_audit_exec
};
