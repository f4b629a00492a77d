/* SPDX-License-Identifier: MIT */
/*
 * sim_scenario.c - where the two engines meet: simulation parameters read
 * from a scenario, and the compliance timeline, the rule engine auditing
 * the scenario as of each simulated day with that day's facts.
 */
#include "config.h"

#include "faceaudit/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/calendar.h"
#include "faceaudit/log.h"
#include "faceaudit/rule.h"
#include "faceaudit/scenario.h"
#include "faceaudit/xmalloc.h"

static bool
get_known(const struct scenario_entity *dep, const char *path, struct fact_value *v)
{
    if (scenario_get(dep, path, v, NULL) == -1)
        fatalx("sim: the scenario schema has no fact %s", path);
    return v->state == FACT_KNOWN;
}

static void
number(const struct scenario_entity *dep, const char *path, double *out)
{
    struct fact_value v;

    if (get_known(dep, path, &v))
        *out = v.def->type == FACT_INT ? (double)v.v.i : v.v.num;
}

static void
integer(const struct scenario_entity *dep, const char *path, int64_t *out)
{
    struct fact_value v;

    if (get_known(dep, path, &v))
        *out = v.v.i;
}

int
sim_params_from_scenario(const struct scenario *sc, struct sim_params *p, char **cause)
{
    const struct scenario_entity *dep = scenario_deployment(sc);
    struct fact_value v;
    int64_t i64;
    size_t i, n, fr = 0;

    sim_params_default(p);
    if (get_known(dep, "as_of", &v))
        p->start = v.v.date;
    if (get_known(dep, "simulation.start", &v))
        p->start = v.v.date;
    i64 = p->days;
    integer(dep, "simulation.days", &i64);
    p->days = (int)i64;
    i64 = (int64_t)p->seed;
    integer(dep, "simulation.seed", &i64);
    p->seed = (uint64_t)i64;

    /* Devices: the simulation's count, else the devices that identify people. */
    n = scenario_count(sc, SCENARIO_DEVICE);
    for (i = 0; i < n; i++) {
        if (scenario_get(scenario_entity_at(sc, SCENARIO_DEVICE, i), "identifies_people", &v,
                NULL) == 0 && (v.state != FACT_KNOWN || v.v.b))
            fr++;
    }
    p->devices = fr > 0 ? (int)FA_MIN(fr, (size_t)SIM_MAX_DEVICES) : 1;
    i64 = p->devices;
    integer(dep, "simulation.devices", &i64);
    p->devices = (int)i64;

    number(dep, "simulation.arrivals_weekday", &p->weekday_mean);
    p->weekend_mean = p->weekday_mean / 2;
    number(dep, "simulation.arrivals_weekend", &p->weekend_mean);
    integer(dep, "simulation.population", &p->population);
    number(dep, "simulation.returning_rate", &p->returning_rate);
    /* the people under 14: the simulation's own figure, else the deployment's subjects */
    number(dep, "subjects.share_under_14", &p->share_under14);
    number(dep, "simulation.share_under14", &p->share_under14);
    number(dep, "simulation.share_refuse", &p->share_refuse);
    number(dep, "simulation.guardian_consent", &p->guardian_consent);
    number(dep, "simulation.fnmr", &p->fnmr);
    number(dep, "simulation.fpir", &p->fpir);
    if (get_known(dep, "simulation.enrolment", &v))
        p->enrol = (enum sim_enrol)v.v.e;
    if (get_known(dep, "simulation.purge", &v))
        p->purge = (enum sim_purge)v.v.e;
    if (get_known(dep, "storage.retention_days", &v))
        p->retention_days = (int)v.v.i;
    if (get_known(dep, "storage.stored_persons", &v))
        p->initial_stored = v.v.i;
    integer(dep, "simulation.initial_stored", &p->initial_stored);
    if (p->initial_stored > p->population)
        p->population = p->initial_stored;
    if (get_known(dep, "alternatives.offered_on_refusal", &v))
        p->alternative = v.v.b;
    if (get_known(dep, "filing.filed", &v) && v.v.b && get_known(dep, "filing.date", &v))
        p->filed = v.v.date;
    if (sim_params_check(p, cause) == -1) {
        cause_prefix(cause, "%s: simulation", scenario_path(sc));
        return -1;
    }
    return 0;
}

static int
set_fact(struct scenario_entity *dep, const char *path, const char *text, char **cause)
{
    if (scenario_set(dep, path, text, cause) == -1) {
        cause_prefix(cause, "simulated fact %s", path);
        return -1;
    }
    return 0;
}

/*
 * Before the simulated count replaces storage.stored_persons, keep the
 * declared one (or its absence) in storage.declared_stored_persons and mark
 * the count simulated: a rule that judges the declaration (FRT-A15-5, the
 * declared count against the people in the footage) must never compare with
 * the simulation's own figure. Returns 0 or -1.
 */
static int
keep_declared(struct scenario_entity *dep, char **cause)
{
    struct fact_value v;
    char buf[32];

    if (scenario_get(dep, "storage.stored_persons_simulated", &v, NULL) == 0 &&
        v.state == FACT_KNOWN && v.v.b)
        return 0; /* a second timeline over the same scenario: already kept */
    if (get_known(dep, "storage.stored_persons", &v)) {
        snprintf(buf, sizeof buf, "%lld", (long long)v.v.i);
        /* where the declaration is written, for the findings that cite it */
        if (scenario_set_at(dep, "storage.declared_stored_persons", buf, &v.loc, cause) == -1) {
            cause_prefix(cause, "simulated fact storage.declared_stored_persons");
            return -1;
        }
    } else if (scenario_unset(dep, "storage.declared_stored_persons", cause) == -1)
        return -1;
    return set_fact(dep, "storage.stored_persons_simulated", "true", cause);
}

/* Write day di's simulated facts into the scenario; returns 0 or -1. */
static int
set_day_facts(struct scenario_entity *dep, const struct sim_result *res, int di,
    int64_t count_june1, int64_t minors_so_far, char **cause)
{
    const struct sim_day *day = &res->days[di];
    char buf[32];

    snprintf(buf, sizeof buf, "%lld", (long long)day->stored);
    if (set_fact(dep, "storage.stored_persons", buf, cause) == -1)
        return -1;
    if (res->threshold_reached != FA_DATE_NONE && day->date >= res->threshold_reached) {
        date_format(res->threshold_reached, buf);
        if (set_fact(dep, "storage.reached_100k_date", buf, cause) == -1)
            return -1;
    } else if (scenario_unset(dep, "storage.reached_100k_date", cause) == -1)
        return -1;
    if (count_june1 >= 0) {
        snprintf(buf, sizeof buf, "%lld", (long long)count_june1);
        if (set_fact(dep, "storage.count_on_2025_06_01", buf, cause) == -1)
            return -1;
    }
    if (res->params.filed != FA_DATE_NONE) {
        bool filed = day->date >= res->params.filed;

        if (set_fact(dep, "filing.filed", filed ? "true" : "false", cause) == -1)
            return -1;
        if (filed) {
            date_format(res->params.filed, buf);
            if (set_fact(dep, "filing.date", buf, cause) == -1)
                return -1;
        } else if (scenario_unset(dep, "filing.date", cause) == -1)
            return -1;
    } else if (set_fact(dep, "filing.filed", "false", cause) == -1)
        return -1;
    if (minors_so_far > 0 && set_fact(dep, "minors.processes_under_14", "true", cause) == -1)
        return -1;
    return 0;
}

static void
timeline_push(struct sim_timeline *tl, size_t *cap, int article, int outcome, fa_date from,
    const char *note)
{
    struct sim_interval *it;

    if (tl->n == *cap) {
        *cap = *cap == 0 ? 64 : *cap * 2;
        tl->items = xreallocarray(tl->items, *cap, sizeof *tl->items);
    }
    it = &tl->items[tl->n++];
    it->article = article;
    it->outcome = outcome;
    it->from = it->to = from;
    it->note = note != NULL ? xstrdup(note) : NULL;
}

static const char *
first_failure(const struct audit_result *ar, int article)
{
    size_t i;

    for (i = 0; i < ar->nfindings; i++) {
        if (ar->findings[i].article == article && ar->findings[i].outcome == RULE_FAIL)
            return ar->findings[i].message;
    }
    return NULL;
}

static int
cmp_interval(const void *x, const void *y)
{
    const struct sim_interval *a = x, *b = y;

    if (a->article != b->article)
        return a->article - b->article;
    return (a->from > b->from) - (a->from < b->from);
}

int
sim_timeline_build(struct scenario *sc, const struct rule_pack *pack,
    const struct calendar *cal, const struct sim_result *res, struct sim_timeline *tl,
    char **cause)
{
    struct scenario_entity *dep = scenario_deployment(sc);
    const struct sim_params *p = &res->params;
    fa_date june1 = date_from_ymd(2025, 6, 1);
    int64_t count_june1 = -1, minors = 0;
    size_t cap = 0, open_at[RULE_NARTICLES];
    struct audit_opts opts;
    int di, a;

    memset(tl, 0, sizeof *tl);
    tl->days = p->days;
    tl->daily = xcalloc((size_t)p->days * RULE_NARTICLES, 1);
    if (june1 >= p->start && june1 < p->start + p->days)
        count_june1 = res->days[june1 - p->start].stored;
    else if (june1 < p->start)
        count_june1 = -1; /* keep the scenario's own figure */
    memset(&opts, 0, sizeof opts);
    opts.cal = cal;
    if (keep_declared(dep, cause) == -1) {
        sim_timeline_done(tl);
        return -1;
    }
    for (di = 0; di < p->days; di++) {
        struct audit_result *ar;

        minors += res->days[di].minors;
        if (set_day_facts(dep, res, di, count_june1, minors, cause) == -1 ||
            (res->footage != NULL &&
             footage_set_facts(sc, res->footage, res->days[di].date, cause) == -1)) {
            sim_timeline_done(tl);
            return -1;
        }
        opts.as_of = res->days[di].date;
        if ((ar = audit_run(pack, sc, &opts, cause)) == NULL) {
            sim_timeline_done(tl);
            return -1;
        }
        if (res->footage != NULL)
            footage_note_findings(res->footage, ar, res->days[di].date);
        for (a = 0; a < RULE_NARTICLES; a++) {
            int outcome = (int)ar->articles[a].outcome;

            tl->daily[(size_t)di * RULE_NARTICLES + (size_t)a] = (unsigned char)outcome;
            if (di > 0 && tl->items[open_at[a]].outcome == outcome) {
                tl->items[open_at[a]].to = res->days[di].date;
                continue;
            }
            open_at[a] = tl->n;
            timeline_push(tl, &cap, a + 1, outcome, res->days[di].date,
                outcome == RULE_FAIL ? first_failure(ar, a + 1) : NULL);
        }
        audit_result_free(ar);
    }
    /* Built interleaved by day; readers want them by article, then date. */
    if (tl->n > 1)
        qsort(tl->items, tl->n, sizeof *tl->items, cmp_interval);
    return 0;
}

void
sim_timeline_done(struct sim_timeline *tl)
{
    size_t i;

    for (i = 0; i < tl->n; i++)
        free(tl->items[i].note);
    free(tl->items);
    free(tl->daily);
    memset(tl, 0, sizeof *tl);
}

