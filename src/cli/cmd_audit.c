/* SPDX-License-Identifier: MIT */
/*
 * cmd_audit.c - `faceaudit audit SCENARIO`: load the rule pack, the
 * calendar, the scenario and an optional waivers file, evaluate, print the
 * verdict as text or JSON (to stdout or atomically to -o FILE), and save
 * the run with its findings in the database in one transaction. Exit 1
 * when any rule fails, 2 on bad input.
 */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/app.h"
#include "faceaudit/calendar.h"
#include "faceaudit/cli.h"
#include "faceaudit/eval.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/report.h"
#include "faceaudit/rule.h"
#include "faceaudit/scenario.h"
#include "faceaudit/sha256.h"
#include "faceaudit/sim.h"
#include "faceaudit/store_audit.h"
#include "faceaudit/xmalloc.h"

/* Devices from which a grouped audit folds instances as they are produced. */
#define AUDIT_AGGREGATE_MIN_DEVICES 5000

static int
save_run(struct cli_ctx *ctx, const struct audit_result *res, const struct rule_pack *pack,
    const struct audit_meta *meta, const char *waivers_hash, const struct report_groups *gs)
{
    struct store *st = cli_store(ctx);
    struct store_audit_run run;
    struct store_audit_finding *f;
    struct store_audit_article arts[RULE_NARTICLES];
    char d[11], *summary, *cause = NULL;
    int64_t id;
    size_t i;

    if (st == NULL)
        return -1;
    date_format(res->as_of, d);
    summary = xasprintf("{\"pass\": %zu, \"fail\": %zu, \"not_applicable\": %zu, "
        "\"needs_evidence\": %zu, \"advisory\": %zu, \"waived\": %zu, \"score\": %.2f, "
        "\"grade\": \"%c\"}", res->counts[RULE_PASS], res->counts[RULE_FAIL],
        res->counts[RULE_NA], res->counts[RULE_NEEDS_EVIDENCE], res->counts[RULE_ADVISORY],
        res->counts[RULE_WAIVED], res->score, res->grade);
    memset(&run, 0, sizeof run);
    run.software = meta->software;
    run.scenario_id = meta->scenario_id;
    run.scenario_path = meta->scenario_path;
    run.scenario_hash = meta->scenario_hash;
    run.rule_pack_hash = rule_pack_hash(pack);
    run.calendar_version = meta->calendar_version;
    run.waivers_hash = waivers_hash;
    run.as_of = d;
    run.score = res->score;
    run.score_no_waivers = res->score_no_waivers;
    run.grade = res->grade;
    run.grade_no_waivers = res->grade_no_waivers;
    run.summary = summary;
    f = xcalloc(res->nfindings + 1, sizeof *f);
    for (i = 0; i < res->nfindings; i++) {
        const struct audit_finding *fd = &res->findings[i];

        f[i].rule = fd->rule_id;
        f[i].article = fd->article;
        f[i].clause = fd->clause;
        f[i].severity = rule_severity_name(fd->severity);
        f[i].entity = fd->entity;
        /* an aggregated run stores one row per group, its devices compacted */
        if (fd->ngroup > 0 && gs != NULL) {
            size_t k;

            for (k = 0; k < gs->n; k++)
                if (gs->g[k].first == i && gs->g[k].ids != NULL)
                    f[i].entity = gs->g[k].ids;
        }
        f[i].outcome = rule_outcome_name(fd->outcome);
        f[i].message = fd->message;
        f[i].reason = fd->reason;
        f[i].explanation = audit_finding_json(fd);
    }
    for (i = 0; i < RULE_NARTICLES; i++) {
        arts[i].article = res->articles[i].number;
        arts[i].outcome = rule_outcome_name(res->articles[i].outcome);
    }
    id = store_audit_save(st, &run, f, res->nfindings, arts, RULE_NARTICLES, &cause);
    for (i = 0; i < res->nfindings; i++)
        free((char *)(uintptr_t)f[i].explanation);
    free(f);
    free(summary);
    if (id < 0) {
        cli_error(ctx, "%s", cause);
        free(cause);
        return -1;
    }
    return 0;
}

/*
 * A portfolio: every scenario of the arguments (folders expanded) audited on
 * jobs threads; the summary on stdout (and as portfolio.json in outdir, with
 * each scenario's report in format beside it). Exit 1 when any scenario
 * fails, 2 when any could not be audited.
 */
static int
audit_portfolio(struct cli_ctx *ctx, char **args, size_t nargs, int jobs, const char *outdir,
    const char *format, fa_date as_of, bool save)
{
    struct app_portfolio_opts o;
    struct app_portfolio *p = NULL;
    struct rule_pack *pack = NULL;
    struct calendar *cal = NULL;
    char **paths = NULL, *cause = NULL, *text = NULL, *json = NULL, *jpath = NULL;
    size_t npaths = 0, nerr, i;
    int rc = FA_EXIT_USAGE;

    (void)save; /* portfolio runs are not stored (yet): the summary JSON is the record */
    if (strcmp(format, "pdf") == 0 || report_writer_find(format) == NULL)
        return cli_usage_error(ctx, "a portfolio's reports are one of %s, not '%s'",
            report_writer_names(), format);
    if (app_portfolio_expand(args, nargs, &paths, &npaths, &cause) != 0 ||
        rule_pack_load_with_calendar(NULL, &pack, &cal, &cause) != 0) {
        cli_error(ctx, "%s", cause);
        goto out;
    }
    memset(&o, 0, sizeof o);
    o.paths = (const char *const *)paths;
    o.npaths = npaths;
    o.jobs = jobs;
    o.outdir = outdir;
    o.format = format;
    o.as_of = as_of;
    o.pack = pack;
    o.cal = cal;
    o.software = "faceaudit " PACKAGE_VERSION;
    if ((p = app_portfolio_run(&o, &cause)) == NULL) {
        cli_error(ctx, "%s", cause);
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
    calendar_free(cal);
    rule_pack_free(pack);
    return rc;
}

static int
cmd_audit_exec(struct cli_ctx *ctx, int argc, char **argv)
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
    const char *waivers_path = NULL, *format = "text", *outpath = NULL, *baseline = NULL;
    const char *expect = NULL;
    const char *readings[32];
    size_t nreadings = 0;
    struct report_snapshot *base = NULL;
    struct report_baseline *bl = NULL;
    struct report_input rin;
    char *cause = NULL, *text = NULL, *years = NULL;
    char whash[SHA256_HEX_LEN + 1];
    struct rule_pack *pack = NULL;
    struct calendar *cal = NULL;
    struct scenario *sc = NULL;
    struct waivers *wv = NULL;
    struct audit_result *res = NULL;
    struct audit_opts opts;
    struct audit_meta meta;
    struct sim_result *simres = NULL;
    struct eval_result *evres = NULL;
    struct eval_figures evfig;
    struct report_eval *revl = NULL;
    const char *eval_ref = NULL;
    bool simulate = false;
    struct fact_value fv;
    bool verbose = false, save = true, per_device = false;
    struct report_deliverable deliv = { NULL, NULL, FA_DATE_NONE, NULL };
    struct report_groups *groups = NULL;
    bool pdf = false;
    int jobs = 1;
    fa_date as_of = FA_DATE_NONE;
    int c, rc = FA_EXIT_USAGE;
    size_t i;

    memset(&rin, 0, sizeof rin);
    optind = 1;
    while ((c = getopt_long(argc, argv, "a:w:f:o:v", longopts, NULL)) != -1) {
        switch (c) {
        case 'a':
            if (date_parse(optarg, &as_of, &cause) != 0) {
                cli_usage_error(ctx, "--as-of: %s", cause);
                free(cause);
                return FA_EXIT_USAGE;
            }
            break;
        case 'w':
            waivers_path = optarg;
            break;
        case 'f':
            format = optarg;
            if ((pdf = strcmp(format, "pdf") == 0))
                break;
            if (report_writer_find(format) == NULL)
                return cli_usage_error(ctx, "--format must be one of %s or pdf, not '%s'",
                    report_writer_names(), format);
            break;
        case 'o':
            outpath = optarg;
            break;
        case 'v':
            verbose = true;
            break;
        case 'S':
            simulate = true;
            break;
        case 'E':
            eval_ref = optarg;
            break;
        case 'n':
            save = false;
            break;
        case 'b':
            baseline = optarg;
            break;
        case 'e':
            expect = optarg;
            break;
        case 'R':
            if (nreadings == sizeof readings / sizeof *readings)
                return cli_usage_error(ctx, "too many --reading options");
            readings[nreadings++] = optarg;
            break;
        case 'P':
            per_device = true;
            break;
        case 'A':
            rin.all = true;
            break;
        case 'G':
            deliv.engagement = optarg;
            break;
        case 'U':
            deliv.auditor = optarg;
            break;
        case 'j':
            jobs = atoi(optarg);
            if (jobs < 1 || jobs > APP_PORTFOLIO_MAX_JOBS)
                return cli_usage_error(ctx, "--jobs must be 1 to %d, not '%s'",
                    APP_PORTFOLIO_MAX_JOBS, optarg);
            break;
        case 'D':
            if (date_parse(optarg, &deliv.report_date, &cause) != 0) {
                cli_usage_error(ctx, "--report-date: %s", cause);
                free(cause);
                return FA_EXIT_USAGE;
            }
            break;
        default:
            return cli_usage_error(ctx, "bad option");
        }
    }
    if (argc - optind == 0)
        return cli_usage_error(ctx, "missing SCENARIO");
    if (argc - optind > 1 || fs_is_dir(argv[optind]))
        return audit_portfolio(ctx, &argv[optind], (size_t)(argc - optind), jobs, outpath,
            strcmp(format, "text") == 0 ? "html" : format, as_of, save);

    if (rule_pack_load_with_readings(NULL, readings, nreadings, &pack, &cal, &cause) == -1) {
        cli_error(ctx, "%s", cause);
        goto out;
    }
    if ((sc = scenario_load(argv[optind], 0, &cause)) == NULL) {
        cli_error(ctx, "%s", cause);
        goto out;
    }
    for (i = 0; i < scenario_warning_count(sc); i++)
        fprintf(ctx->err, "faceaudit: audit: warning: %s\n", scenario_warning(sc, i));
    if (waivers_path != NULL) {
        if ((wv = waivers_load(waivers_path, pack, &cause)) == NULL ||
            sha256_file_hex(waivers_path, whash, &cause) != 0) {
            cli_error(ctx, "%s", cause);
            goto out;
        }
    }
    if (as_of == FA_DATE_NONE) {
        scenario_get(scenario_deployment(sc), "as_of", &fv, NULL);
        as_of = fv.state == FACT_KNOWN ? fv.v.date : date_today();
    }
    memset(&opts, 0, sizeof opts);
    opts.as_of = as_of;
    opts.cal = cal;
    opts.waivers = wv;
    /* a large grouped audit keeps one finding per group as it goes (SARIF, a
     * baseline and --per-device need every instance) */
    if ((res = (!per_device && baseline == NULL && strcmp(format, "sarif") != 0 &&
        scenario_count(sc, SCENARIO_DEVICE) >= AUDIT_AGGREGATE_MIN_DEVICES ?
        audit_run_aggregated : audit_run)(pack, sc, &opts, &cause)) == NULL) {
        cli_error(ctx, "%s", cause);
        goto out;
    }
    years = calendar_years(cal);
    memset(&meta, 0, sizeof meta);
    meta.software = "faceaudit " PACKAGE_VERSION;
    meta.scenario_id = scenario_entity_id(scenario_deployment(sc));
    scenario_get(scenario_deployment(sc), "name", &fv, NULL);
    meta.scenario_name = fv.state == FACT_KNOWN ? fv.v.s : NULL;
    meta.scenario_path = scenario_path(sc);
    meta.scenario_hash = scenario_hash(sc);
    meta.calendar_version = calendar_version(cal);
    meta.calendar_years = years;
    meta.waivers_file = waivers_path;
    meta.color = ctx->color && outpath == NULL;
    if (baseline != NULL) {
        if ((base = report_snapshot_load(fs_exists(baseline) ? NULL : cli_store(ctx), baseline,
            &cause)) == NULL) {
            cli_error(ctx, "--baseline: %s", cause);
            goto out;
        }
        bl = report_baseline_new(base, res);
    }
    rin.res = res;
    rin.pack = pack;
    rin.meta = &meta;
    rin.waivers = wv;
    rin.sc = sc;
    rin.baseline = bl;
    rin.verbose = verbose;
    /* grouped across devices unless asked; a baseline compares instance by instance */
    if (!per_device && bl == NULL) {
        groups = report_groups_new(res, REPORT_MAX_RUNS);
        rin.groups = groups;
    }
    if (deliv.report_date == FA_DATE_NONE)
        deliv.report_date = date_today();
    rin.deliv = &deliv;
    if (simulate) {
        struct sim_params sp;

        /* the deployment simulated from its simulation: facts (html) */
        if (sim_params_from_scenario(sc, &sp, &cause) != 0 ||
            (simres = sim_run(&sp, cal, &cause)) == NULL) {
            cli_error(ctx, "--simulate: %s", cause);
            goto out;
        }
        rin.sim = simres;
    }
    if (eval_ref != NULL) {
        struct store *est = cli_store(ctx);

        /* a stored eval run's DET, histograms and threshold table (html) */
        if (est == NULL)
            goto out;
        if ((evres = eval_store_load(est, eval_ref, NULL, &cause)) == NULL) {
            cli_error(ctx, "--eval: %s", cause);
            goto out;
        }
        eval_figures_compute(evres, &evfig);
        {
            char *label = xasprintf("eval run %s (%s, threshold %.4g)", eval_ref,
                eval_protocol_name(evfig.protocol), evfig.threshold);

            revl = report_eval_from_figures(label, &evfig);
            free(label);
        }
        rin.eval = revl;
    }
    if (pdf) {
        /* the deliverable's HTML printed by headless Chromium */
        if (outpath == NULL) {
            cli_usage_error(ctx, "--format pdf needs -o FILE");
            goto out;
        }
        if ((text = report_render("html", &rin, &cause)) == NULL ||
            report_pdf_write(text, outpath, &cause) != 0) {
            cli_error(ctx, "%s", cause);
            goto out;
        }
    } else if ((text = report_render(format, &rin, &cause)) == NULL) {
        cli_error(ctx, "%s", cause);
        goto out;
    } else if (outpath != NULL) {
        if (fs_write_atomic(outpath, text, strlen(text), 0644, &cause) != 0) {
            cli_error(ctx, "%s", cause);
            goto out;
        }
    } else {
        fputs(text, ctx->out);
    }
    if (save && res->no_score != NULL)  /* the schema needs a grade: nothing to record */
        fprintf(ctx->err, "faceaudit: audit: not saved: no score (%s)\n", res->no_score);
    else if (save && save_run(ctx, res, pack, &meta, waivers_path != NULL ? whash : NULL,
        groups) != 0)
        goto out;
    rc = audit_failed(res) ? FA_EXIT_FINDINGS : FA_EXIT_OK;
    if (expect != NULL) {
        char *log = NULL;
        int bad = audit_check_expected(res, pack, expect, &log, &cause);

        if (bad < 0) {
            cli_error(ctx, "%s", cause);
            rc = FA_EXIT_USAGE;
        } else {
            fputs(log, ctx->err);
            if (bad > 0)
                cli_error(ctx, "%d outcome%s differ from %s", bad, bad == 1 ? "" : "s",
                    expect);
            rc = bad == 0 ? FA_EXIT_OK : FA_EXIT_FINDINGS;
        }
        free(log);
    }
out:
    report_groups_free(groups);
    report_baseline_free(bl);
    report_snapshot_free(base);
    sim_result_free(simres);
    if (evres != NULL) {
        report_eval_fig_free(revl);
        eval_figures_done(&evfig);
        eval_result_free(evres);
    }
    free(cause);
    free(text);
    free(years);
    audit_result_free(res);
    waivers_free(wv);
    scenario_free(sc);
    calendar_free(cal);
    rule_pack_free(pack);
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
    "                      `faceaudit diff A/portfolio.json B/portfolio.json` compares\n"
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
