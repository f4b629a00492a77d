/* SPDX-License-Identifier: MIT */
/*
 * scenario_dated.c - facts as they stood on a day: dated histories (stored
 * per scenario, pointed at by slot index), the events whose dates decide
 * what was true on the day (a filing dated later was not filed yet), the
 * existence of devices between `installed` and `removed`, and the check that
 * no history starts before its entity existed. The reading of histories
 * itself is in scenario.c (scenario_get_fact_on), next to inheritance.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/scenario.h"
#include "faceaudit/xmalloc.h"
#include "scenario_int.h"

/* --- histories ----------------------------------------------------------------- */

void
scenario_hist_attach(struct scenario_entity *e, const struct fact_def *def,
    struct fact_hist_entry *entries, size_t n)
{
    struct scenario *sc = e->sc;
    struct fact_slot *s = scenario_slot_w(e, def);
    const struct fact_slot *last = &entries[n - 1].val;

    scenario_hists_reserve(sc);
    sc->hists[sc->nhists].def = def;
    sc->hists[sc->nhists].e = entries;
    sc->hists[sc->nhists].n = n;
    sc->nhists++;
    /* the slot holds a copy of the newest value: readers without a date see it */
    *s = *last;
    if (last->state == FACT_KNOWN && def->type == FACT_STRING)
        s->v.s = xstrdup(last->v.s);
    s->hist = (uint32_t)sc->nhists;
}

void
scenario_hists_reserve(struct scenario *sc)
{
    if (sc->nhists < sc->caphists)
        return;
    sc->caphists = sc->caphists == 0 ? 16 : sc->caphists * 2;
    sc->hists = xreallocarray(sc->hists, sc->caphists, sizeof *sc->hists);
}

const struct fact_hist *
scenario_slot_hist(const struct scenario *sc, const struct fact_slot *s)
{
    if (s->hist == 0 || s->hist > sc->nhists)
        return NULL;
    return &sc->hists[s->hist - 1];
}

void
scenario_hists_free(struct scenario *sc)
{
    size_t i, j;

    for (i = 0; i < sc->nhists; i++) {
        struct fact_hist *h = &sc->hists[i];

        for (j = 0; j < h->n; j++) {
            if (h->e[j].val.state == FACT_KNOWN && h->def->type == FACT_STRING)
                free(h->e[j].val.v.s);
        }
        free(h->e);
    }
    free(sc->hists);
    sc->hists = NULL;
    sc->nhists = sc->caphists = 0;
}

size_t
scenario_history_count(const struct scenario_entity *e, const struct fact_def *def)
{
    const struct scenario_entity *holder = scenario_entity_parent(e, def->kind);
    const struct fact_hist *h;

    if (holder == NULL || (h = scenario_slot_hist(e->sc, scenario_slot(holder, def))) == NULL)
        return 0;
    return h->n;
}

void
scenario_history_at(const struct scenario_entity *e, const struct fact_def *def, size_t i,
    fa_date *from, fa_date *until, struct fact_value *out)
{
    const struct scenario_entity *holder = scenario_entity_parent(e, def->kind);
    const struct fact_hist *h = holder != NULL ?
        scenario_slot_hist(e->sc, scenario_slot(holder, def)) : NULL;
    const struct fact_hist_entry *en;

    if (h == NULL || i >= h->n) {
        memset(out, 0, sizeof *out);
        out->def = def;
        *from = *until = FA_DATE_NONE;
        return;
    }
    en = &h->e[i];
    *from = en->from;
    *until = en->until;
    /* read the entry through the normal path on its first day, without events */
    memset(out, 0, sizeof *out);
    out->def = def;
    out->state = en->val.state;
    out->loc = scenario_loc_abs(holder, en->val.loc);
    out->from = holder;
    if (en->val.state == FACT_KNOWN) {
        switch (def->type) {
        case FACT_BOOL:
            out->v.b = en->val.v.b;
            break;
        case FACT_INT:
            out->v.i = en->val.v.i;
            break;
        case FACT_NUMBER:
            out->v.num = en->val.v.num;
            break;
        case FACT_STRING:
            out->v.s = en->val.v.s;
            break;
        case FACT_DATE:
            out->v.date = en->val.v.date;
            break;
        case FACT_ENUM:
            out->v.e = en->val.v.e;
            break;
        case FACT_SET:
            out->v.set = en->val.v.set;
            break;
        }
    }
}

bool
scenario_value_written(const struct fact_value *v)
{
    return v->state != FACT_ABSENT && v->loc.line > 0;
}

/* --- events -------------------------------------------------------------------- */

/*
 * Facts that describe an event having happened, with the date of the event:
 * on a day before that date the event has not happened, so the fact reads
 * `value` (false for flags, "none" for consent.type).
 */
static const struct {
    const char *fact, *date, *value;
} event_table[] = {
    { "notice.changed", "notice.change_date", "false" },
    { "consent.type", "consent.collected_from", "none" },
    { "filing.filed", "filing.date", "false" },
    { "filing.cessation_filed", "filing.cessation_filed_date", "false" },
    { "impact_assessment.done", "impact_assessment.date", "false" },
    { "impact_assessment.redone", "impact_assessment.redone_date", "false" },
    { "impact_assessment.purpose_or_method_changed", "impact_assessment.change_date", "false" },
    { "impact_assessment.major_incident", "impact_assessment.incident_date", "false" },
};
#define NEVENTS (sizeof event_table / sizeof event_table[0])

static struct {
    const struct fact_def *fact, *date;
    int value; /* bool 0 / enum index */
} events[NEVENTS];
static const struct fact_def *def_start, *def_count0, *def_installed, *def_removed;

static void
events_init(void)
{
    size_t i;

    for (i = 0; i < NEVENTS; i++) {
        events[i].fact = scenario_fact_lookup(SCENARIO_DEPLOYMENT, event_table[i].fact);
        events[i].date = scenario_fact_lookup(SCENARIO_DEPLOYMENT, event_table[i].date);
        events[i].value = events[i].fact->type == FACT_ENUM ?
            scenario_fact_value_index(events[i].fact, event_table[i].value) : 0;
    }
    def_start = scenario_fact_lookup(SCENARIO_DEPLOYMENT, "processing_start");
    def_count0 = scenario_fact_lookup(SCENARIO_DEPLOYMENT, "storage.count_on_2025_06_01");
    def_installed = scenario_fact_lookup(SCENARIO_DEVICE, "installed");
    def_removed = scenario_fact_lookup(SCENARIO_DEVICE, "removed");
}

static void
events_once(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, events_init);
}

void
scenario_dated_adjust(const struct scenario_entity *e, const struct fact_def *def, fa_date day,
    struct fact_value *out)
{
    struct fact_value d;
    size_t i;

    if (def->kind != SCENARIO_DEPLOYMENT)
        return;
    events_once();
    if (def->type == FACT_DATE) {
        /* an event dated after the day has not happened (go-live stays: it is planned) */
        if (out->state == FACT_KNOWN && out->v.date > day && def != def_start &&
            !(def->flags & FACT_F_FUTURE_OK) && strcmp(def->path, "as_of") != 0)
            out->state = FACT_ABSENT;
        return;
    }
    if (def == def_count0) {
        if (out->state == FACT_KNOWN)
            return;
        scenario_get_fact(e, def_start, &d);
        if (d.state == FACT_KNOWN && d.v.date > date_from_ymd(2025, 6, 1)) {
            out->state = FACT_KNOWN;
            out->v.i = 0;
            out->loc = d.loc;
        }
        return;
    }
    for (i = 0; i < NEVENTS; i++) {
        if (events[i].fact != def)
            continue;
        if (out->state != FACT_KNOWN)
            return;
        scenario_get_fact(e, events[i].date, &d);
        if (d.state == FACT_KNOWN && d.v.date > day) {
            if (def->type == FACT_BOOL)
                out->v.b = false;
            else
                out->v.e = events[i].value;
            out->loc = d.loc;
        }
        return;
    }
}

bool
scenario_entity_exists_on(const struct scenario_entity *e, fa_date day)
{
    const struct scenario_entity *dev = scenario_entity_parent(e, SCENARIO_DEVICE);
    struct fact_value v;

    if (dev == NULL || day == FA_DATE_NONE)
        return true;
    events_once();
    scenario_get_fact(dev, def_installed, &v);
    if (v.state == FACT_KNOWN && v.v.date > day)
        return false;
    scenario_get_fact(dev, def_removed, &v);
    return !(v.state == FACT_KNOWN && v.v.date <= day);
}

int
scenario_get_on(const struct scenario_entity *e, const char *path, fa_date day,
    struct fact_value *out, char **cause)
{
    struct fact_value tmp;

    if (scenario_get(e, path, &tmp, cause) < 0)
        return -1;
    scenario_get_fact_on(e, tmp.def, day, out);
    return 0;
}

/* --- checks -------------------------------------------------------------------- */

size_t
scenario_check_history_starts(struct scenario *sc, struct strbuf *errors, size_t *nerrors)
{
    size_t i, j, bad = 0;
    int k;

    events_once();
    for (k = 0; k < SCENARIO_KIND_COUNT; k++) {
        size_t first, n;

        scenario_kind_facts((enum scenario_kind)k, &first, &n);
        for (i = 0; i < sc->nents[k]; i++) {
            const struct scenario_entity *e = sc->ents[k][i];
            struct fact_value start;
            const char *what;
            char d1[11], d2[11];

            start.state = FACT_ABSENT;
            if (k == SCENARIO_DEVICE) {
                scenario_get_fact(e, def_installed, &start);
                what = "the device was installed";
            }
            if (start.state != FACT_KNOWN) {
                scenario_get_fact(e, def_start, &start);
                what = "the deployment started (processing_start)";
            }
            if (start.state != FACT_KNOWN)
                continue;
            for (j = 0; j < n; j++) {
                const struct fact_def *def = scenario_fact_at(first + j);
                const struct fact_hist *h = scenario_slot_hist(sc, scenario_slot_at(e, j));
                struct scenario_loc at;

                if (h == NULL || h->e[0].from >= start.v.date)
                    continue;
                at = scenario_loc_abs(e, h->e[0].loc);
                date_format(h->e[0].from, d1);
                date_format(start.v.date, d2);
                if (k == SCENARIO_DEPLOYMENT)
                    scenario_error(errors, nerrors, "%s:%u:%u: %s: history starts %s, before %s "
                        "on %s", at.file, at.line, at.col, def->path,
                        d1, what, d2);
                else
                    scenario_error(errors, nerrors, "%s:%u:%u: %s '%s': %s: history starts %s, "
                        "before %s on %s", at.file, at.line, at.col,
                        scenario_kind_name(e->kind), scenario_entity_id(e), def->path, d1, what,
                        d2);
                bad++;
            }
        }
    }
    return bad;
}
