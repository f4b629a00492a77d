/* SPDX-License-Identifier: MIT */
/*
 * app_audit.c - an audit: the rule pack and calendar, the scenario (a file,
 * or the TUI's edited model), waivers, the evaluation, the report's extras
 * (baseline marks, a simulated curve, a stored eval run's figures), the
 * expected-outcomes check, and the stored run with its findings (one
 * transaction).
 */
#include "config.h"

#include "faceaudit/app.h"

#include <stdlib.h>
#include <string.h>

#include "faceaudit/calendar.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/scenario.h"
#include "faceaudit/sha256.h"
#include "faceaudit/sim.h"
#include "faceaudit/store_audit.h"
#include "faceaudit/xmalloc.h"

void
app_audit_params_default(struct app_audit_params *p)
{
    memset(p, 0, sizeof *p);
    p->as_of = FA_DATE_NONE;
    p->save = true;
    p->deliv.report_date = FA_DATE_NONE;
}

/* Devices from which a grouped audit folds instances as they are produced. */
#define AUDIT_AGGREGATE_MIN_DEVICES 5000

/* Store the run and its findings; the run id or -1 with *cause. */
static int64_t
save_run(struct store *st, const struct audit_result *res, const struct rule_pack *pack,
    const struct audit_meta *meta, const char *waivers_hash, const struct report_groups *gs,
    char **cause)
{
    struct store_audit_run run;
    struct store_audit_finding *f;
    struct store_audit_article arts[RULE_NARTICLES];
    char d[11], *summary;
    int64_t id;
    size_t i;

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
    id = store_audit_save(st, &run, f, res->nfindings, arts, RULE_NARTICLES, cause);
    for (i = 0; i < res->nfindings; i++)
        free((char *)(uintptr_t)f[i].explanation);
    free(f);
    free(summary);
    return id;
}

/* The html report's extras: a simulated curve and a stored eval run's figures. */
static int
add_extras(struct app *a, const struct app_audit_params *p, struct app_audit_result *r,
    char **cause)
{
    size_t i;

    if (p->simulate) {
        struct sim_params sp;

        /* the deployment simulated from its simulation: facts */
        if (sim_params_from_scenario(r->rin.sc, &sp, cause) != 0 ||
            (r->sim = sim_run(&sp, r->cal, cause)) == NULL) {
            cause_prefix(cause, "--simulate");
            return -1;
        }
        r->rin.sim = r->sim;
        /* the report lists every parameter assumed with where it came from */
        r->nsim_src = app_sim_sources(r->rin.sc, &r->sim->params, &r->sim_src);
        r->sim_params = xcalloc(r->nsim_src + 1, sizeof *r->sim_params);
        for (i = 0; i < r->nsim_src; i++) {
            r->sim_params[i].param = r->sim_src[i].param;
            r->sim_params[i].value = r->sim_src[i].value;
            r->sim_params[i].source = r->sim_src[i].fact ? xasprintf("deployment.%s",
                r->sim_src[i].source) : xstrdup(r->sim_src[i].source);
        }
        r->rin.sim_params = r->sim_params;
        r->rin.nsim_params = r->nsim_src;
    }
    if (p->eval_ref != NULL) {
        struct store *st = app_store(a, cause);
        char *label;

        if (st == NULL)
            return -1;
        if ((r->evres = eval_store_load(st, p->eval_ref, NULL, cause)) == NULL) {
            cause_prefix(cause, "--eval");
            return -1;
        }
        eval_figures_compute(r->evres, &r->evfig);
        label = xasprintf("eval run %s (%s, threshold %.4g)", p->eval_ref,
            eval_protocol_name(r->evfig.protocol), r->evfig.threshold);
        r->revl = report_eval_from_figures(label, &r->evfig);
        free(label);
        r->rin.eval = r->revl;
    }
    return 0;
}

struct app_audit_result *
app_audit(struct app *a, const struct app_audit_params *p, char **cause)
{
    struct app_audit_result *r = xcalloc(1, sizeof *r);
    char whash[SHA256_HEX_LEN + 1];
    const struct rule_pack *pack = p->pack;
    const struct calendar *cal = p->cal;
    struct scenario *sc = p->scenario;
    struct audit_opts opts;
    struct fact_value fv;
    fa_date as_of = p->as_of;
    size_t i;

    r->run_id = -1;
    r->expect_bad = -1;
    if (pack == NULL) {
        if (rule_pack_load_with_readings(p->rules_dir, p->readings, p->nreadings, &r->pack,
            &r->cal, cause) == -1)
            goto fail;
        pack = r->pack;
        cal = r->cal;
    }
    if (sc == NULL) {
        if ((r->sc = scenario_load(p->scenario_path, 0, cause)) == NULL)
            goto fail;
        sc = r->sc;
        for (i = 0; p->warn != NULL && i < scenario_warning_count(sc); i++)
            p->warn(p->warn_user, scenario_warning(sc, i));
    }
    if (p->waivers_path != NULL) {
        if ((r->wv = waivers_load(p->waivers_path, pack, cause)) == NULL ||
            sha256_file_hex(p->waivers_path, whash, cause) != 0)
            goto fail;
    }
    if (as_of == FA_DATE_NONE) {
        scenario_get(scenario_deployment(sc), "as_of", &fv, NULL);
        as_of = fv.state == FACT_KNOWN ? fv.v.date : date_today();
    }
    memset(&opts, 0, sizeof opts);
    opts.as_of = as_of;
    opts.cal = cal;
    opts.waivers = r->wv;
    /* a large grouped audit keeps one finding per group as it goes (SARIF, a
     * baseline and --per-device need every instance) */
    if ((r->res = (!p->per_device && !p->instances && p->baseline == NULL &&
        scenario_count(sc, SCENARIO_DEVICE) >= AUDIT_AGGREGATE_MIN_DEVICES ?
        audit_run_aggregated : audit_run)(pack, sc, &opts, cause)) == NULL)
        goto fail;
    r->years = calendar_years(cal);
    r->meta.software = "faceaudit " PACKAGE_VERSION;
    r->meta.scenario_id = scenario_entity_id(scenario_deployment(sc));
    scenario_get(scenario_deployment(sc), "name", &fv, NULL);
    r->meta.scenario_name = fv.state == FACT_KNOWN ? fv.v.s : NULL;
    r->meta.scenario_path = scenario_path(sc);
    r->meta.scenario_hash = scenario_hash(sc);
    r->meta.calendar_version = calendar_version(cal);
    r->meta.calendar_years = r->years;
    r->meta.waivers_file = p->waivers_path;
    if (p->baseline != NULL) {
        struct store *st = NULL;

        if (!fs_exists(p->baseline) && (st = app_store(a, cause)) == NULL)
            goto fail;
        if ((r->base = report_snapshot_load(st, p->baseline, cause)) == NULL) {
            cause_prefix(cause, "--baseline");
            goto fail;
        }
        r->bl = report_baseline_new(r->base, r->res);
    }
    r->rin.res = r->res;
    r->rin.pack = pack;
    r->rin.meta = &r->meta;
    r->rin.waivers = r->wv;
    r->rin.sc = sc;
    r->rin.baseline = r->bl;
    /* grouped across devices unless asked; a baseline compares instance by instance */
    if (!p->per_device && r->bl == NULL) {
        r->groups = report_groups_new(r->res, REPORT_MAX_RUNS);
        r->rin.groups = r->groups;
    }
    r->deliv = p->deliv;
    if (r->deliv.report_date == FA_DATE_NONE)
        r->deliv.report_date = date_today();
    r->rin.deliv = &r->deliv;
    r->rin.all = p->all;
    if (add_extras(a, p, r, cause) == -1)
        goto fail;
    if (p->save && r->res->no_score != NULL) {
        r->not_saved = r->res->no_score;  /* the schema needs a grade: nothing to record */
    } else if (p->save) {
        struct store *st = app_store(a, cause);

        if (st == NULL || (r->run_id = save_run(st, r->res, pack, &r->meta,
            p->waivers_path != NULL ? whash : NULL, r->groups, cause)) < 0)
            goto fail;
    }
    if (p->expect_path != NULL) {
        r->expect_bad = audit_check_expected(r->res, pack, p->expect_path, &r->expect_log,
            cause);
        if (r->expect_bad < 0)
            goto fail;
    }
    return r;
fail:
    app_audit_result_free(r);
    return NULL;
}

void
app_audit_result_free(struct app_audit_result *r)
{
    size_t i;

    if (r == NULL)
        return;
    report_groups_free(r->groups);
    report_baseline_free(r->bl);
    report_snapshot_free(r->base);
    sim_result_free(r->sim);
    for (i = 0; r->sim_params != NULL && i < r->nsim_src; i++)
        free((char *)(uintptr_t)r->sim_params[i].source);
    free(r->sim_params);
    app_sim_sources_free(r->sim_src, r->nsim_src);
    if (r->evres != NULL) {
        report_eval_fig_free(r->revl);
        eval_figures_done(&r->evfig);
        eval_result_free(r->evres);
    }
    free(r->expect_log);
    free(r->years);
    audit_result_free(r->res);
    waivers_free(r->wv);
    scenario_free(r->sc);
    calendar_free(r->cal);
    rule_pack_free(r->pack);
    free(r);
}
