/* SPDX-License-Identifier: MIT */
/*
 * app_pia.c - the Art. 9 personal-information impact-assessment record:
 * prefilled from the scenario and, given a stored audit run of the same
 * scenario file, from that audit redone (the evaluation is deterministic,
 * so the explanations come back), rendered and kept in the database for at
 * least three years.
 */
#include "config.h"

#include "faceaudit/app.h"

#include <stdlib.h>
#include <string.h>

#include "faceaudit/calendar.h"
#include "faceaudit/log.h"
#include "faceaudit/scenario.h"
#include "faceaudit/xmalloc.h"

void
app_pia_params_default(struct app_pia_params *p)
{
    memset(p, 0, sizeof *p);
    p->prepared = date_today();
    p->retain_until = p->review_due = FA_DATE_NONE;
    p->save = false;  /* a stored record is kept three years: a trial run must not make one */
}

int
app_pia_params_check(const struct app_pia_params *p, char **cause)
{
    char d[11];

    if (p->retain_until != FA_DATE_NONE &&
        p->retain_until < report_pia_min_retention(p->prepared)) {
        date_format(report_pia_min_retention(p->prepared), d);
        return cause_set(cause, "--retain-until must be %s or later: Art. 9 requires keeping "
            "the record at least three years", d);
    }
    return 0;
}

/* The audit behind the record, redone: the stored run must be of this very file. */
struct redone {
    struct store_audit_loaded *run;
    struct rule_pack *pack;
    struct calendar *cal;
    struct audit_result *res;
    struct audit_meta meta;
    char *years;
};

static void
redone_done(struct redone *r)
{
    audit_result_free(r->res);
    rule_pack_free(r->pack);
    calendar_free(r->cal);
    store_audit_loaded_free(r->run);
    free(r->years);
}

/* True when a stored run of nrows rows was saved aggregated from res (one row per group). */
static bool
same_groups(const struct audit_result *res, size_t nrows)
{
    struct report_groups *gs = report_groups_new(res, REPORT_MAX_RUNS);
    bool same = gs->n == nrows;

    report_groups_free(gs);
    return same;
}

static int
redo_audit(struct store *st, const struct app_pia_params *p, struct scenario *sc,
    struct redone *r, char **cause)
{
    struct audit_opts opts;
    fa_date as_of;

    const char *ref = p->audit_ref;

    if ((r->run = store_audit_load(st, ref, cause)) == NULL) {
        cause_prefix(cause, "--audit");
        return -1;
    }
    if (r->run->scenario_hash == NULL || strcmp(r->run->scenario_hash, scenario_hash(sc)) != 0)
        return cause_set(cause, "--audit: run %lld audited another version of the scenario "
            "(SHA-256 %.12s, this file %.12s): audit this file first", (long long)r->run->run_id,
            r->run->scenario_hash != NULL ? r->run->scenario_hash : "-", scenario_hash(sc));
    if (rule_pack_load_with_readings(NULL, p->readings, p->nreadings, &r->pack, &r->cal,
        cause) == -1 || date_parse(r->run->as_of, &as_of, cause) != 0)
        return -1;
    memset(&opts, 0, sizeof opts);
    opts.as_of = as_of;
    opts.cal = r->cal;
    if ((r->res = audit_run(r->pack, sc, &opts, cause)) == NULL)
        return -1;
    /* rows stand for ninstances rule instances (grouped storage); an older
     * aggregated run kept one row per report group */
    if (r->res->nfindings != r->run->ninstances && !same_groups(r->res, r->run->nrows))
        return cause_set(cause, "--audit: run %lld has %zu findings, this rule pack gives %zu: "
            "the rules changed since; audit again", (long long)r->run->run_id,
            r->run->ninstances, r->res->nfindings);
    r->years = calendar_years(r->cal);
    r->meta.software = "faceaudit " PACKAGE_VERSION;
    r->meta.scenario_id = scenario_entity_id(scenario_deployment(sc));
    r->meta.scenario_path = scenario_path(sc);
    r->meta.scenario_hash = scenario_hash(sc);
    r->meta.calendar_version = calendar_version(r->cal);
    r->meta.calendar_years = r->years;
    return 0;
}

static int64_t
save_record(struct store *st, const struct scenario *sc, const struct redone *rd,
    const struct report_pia_opts *po, const char *text, char **cause)
{
    struct store_pia rec;
    char d1[11], d2[11], d3[11];

    date_format(po->prepared, d1);
    date_format(po->review_due, d2);
    date_format(po->retain_until, d3);
    memset(&rec, 0, sizeof rec);
    rec.scenario_id = (char *)(uintptr_t)scenario_entity_id(scenario_deployment(sc));
    rec.scenario_path = (char *)(uintptr_t)scenario_path(sc);
    rec.scenario_hash = (char *)(uintptr_t)scenario_hash(sc);
    rec.audit_run = rd->run != NULL ? rd->run->run_id : 0;
    rec.prepared = d1;
    rec.review_due = d2;
    rec.retain_until = d3;
    rec.format = (char *)(uintptr_t)(po->html ? "html" : "markdown");
    return store_pia_save(st, &rec, text, cause);
}

struct app_pia_result *
app_pia(struct app *a, const struct app_pia_params *p, char **cause)
{
    struct app_pia_result *r = NULL;
    struct report_pia_opts po;
    struct redone rd;
    struct scenario *sc;
    struct store *st = NULL;

    if (app_pia_params_check(p, cause) == -1)
        return NULL;
    memset(&rd, 0, sizeof rd);
    memset(&po, 0, sizeof po);
    po.prepared = p->prepared;
    po.retain_until = p->retain_until != FA_DATE_NONE ? p->retain_until :
        report_pia_min_retention(p->prepared);
    po.review_due = p->review_due;
    if (po.review_due == FA_DATE_NONE) {
        int y, m, dd;

        date_to_ymd(po.prepared, &y, &m, &dd);
        po.review_due = date_from_ymd(y + 1, m, m == 2 && dd == 29 ? 28 : dd);
    }
    if ((sc = scenario_load(p->scenario_path, 0, cause)) == NULL)
        return NULL;
    if ((p->save || p->audit_ref != NULL) && (st = app_store(a, cause)) == NULL)
        goto out;
    if (p->audit_ref != NULL) {
        if (redo_audit(st, p, sc, &rd, cause) == -1)
            goto out;
        po.res = rd.res;
        po.pack = rd.pack;
        po.meta = &rd.meta;
    }
    po.sc = sc;
    po.html = p->html;
    r = xcalloc(1, sizeof *r);
    r->text = report_pia_render(&po);
    r->record_id = -1;
    r->retain_until = po.retain_until;
    r->review_due = po.review_due;
    if (p->save && (r->record_id = save_record(st, sc, &rd, &po, r->text, cause)) < 0) {
        app_pia_result_free(r);
        r = NULL;
    }
out:
    redone_done(&rd);
    scenario_free(sc);
    return r;
}

void
app_pia_result_free(struct app_pia_result *r)
{
    if (r == NULL)
        return;
    free(r->text);
    free(r);
}

int
app_pia_list(struct app *a, struct store_pia **out, size_t *n, char **cause)
{
    struct store *st = app_store(a, cause);

    if (st == NULL)
        return -1;
    return store_pia_list(st, out, n, cause);
}

char *
app_pia_show(struct app *a, int64_t id, char **cause)
{
    struct store *st = app_store(a, cause);

    if (st == NULL)
        return NULL;
    return store_pia_content(st, id, cause);
}
