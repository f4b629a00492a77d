/* SPDX-License-Identifier: MIT */
/*
 * sim_footage_facts.c - what the footage of a recorded deployment shows,
 * as facts the rules read: each device-day's figures written into the
 * scenario for that day's audit of the replay's timeline (device.observed.*
 * and the deployment's observed.*), and the findings of the rules that read
 * them kept with the footage's result, both sides and the recordings.
 */
#include "config.h"

#include "faceaudit/sim.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/log.h"
#include "faceaudit/rule.h"
#include "faceaudit/scenario.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

/* --- observed facts ---------------------------------------------------------- */

static const char *const observed_device_facts[] = {
    "observed.outside_percent", "observed.max_in_view", "observed.bystanders", "observed.people",
    "observed.under_14_percent", "observed.under_14_percent_lo", "observed.under_14_percent_hi",
    "observed.footage", NULL
};

static int
put(struct scenario_entity *e, const char *path, const char *text, char **cause)
{
    if (scenario_set(e, path, text, cause) == -1) {
        cause_prefix(cause, "observed fact %s", path);
        return -1;
    }
    return 0;
}

/* Day d's figures as device facts; the ones not measured are left unset. */
static int
put_day(struct scenario_entity *dev, const struct footage_day *d, char **cause)
{
    char buf[64];

    if (d->has_area && d->tracks > 0) {
        snprintf(buf, sizeof buf, "%.1f", 100.0 * (double)d->tracks_outside / (double)d->tracks);
        if (put(dev, "observed.outside_percent", buf, cause) == -1)
            return -1;
    }
    snprintf(buf, sizeof buf, "%d", d->max_in_view);
    if (put(dev, "observed.max_in_view", buf, cause) == -1)
        return -1;
    snprintf(buf, sizeof buf, "%" PRId64, d->tracks_with_others);
    if (put(dev, "observed.bystanders", buf, cause) == -1)
        return -1;
    snprintf(buf, sizeof buf, "%" PRId64, d->people);
    if (put(dev, "observed.people", buf, cause) == -1)
        return -1;
    if (d->aged > 0 && !isnan(d->under14_share)) {
        snprintf(buf, sizeof buf, "%.1f", 100.0 * d->under14_share);
        if (put(dev, "observed.under_14_percent", buf, cause) == -1)
            return -1;
        snprintf(buf, sizeof buf, "%.1f", isnan(d->under14_lo) ? 0.0 : 100.0 * d->under14_lo);
        if (put(dev, "observed.under_14_percent_lo", buf, cause) == -1)
            return -1;
        snprintf(buf, sizeof buf, "%.1f", isnan(d->under14_hi) ? 100.0 : 100.0 * d->under14_hi);
        if (put(dev, "observed.under_14_percent_hi", buf, cause) == -1)
            return -1;
    }
    return put(dev, "observed.footage", d->files != NULL ? d->files : "", cause);
}

int
footage_set_facts(struct scenario *sc, const struct footage_result *fr, fa_date date,
    char **cause)
{
    struct scenario_entity *dep = scenario_deployment(sc);
    int64_t people = 0;
    bool any = false;
    size_t i, k;

    for (i = 0; i < fr->n; i++) {
        struct scenario_entity *dev = scenario_find(sc, SCENARIO_DEVICE, fr->days[i].device);

        if (dev == NULL)
            continue;
        for (k = 0; observed_device_facts[k] != NULL; k++) {
            if (scenario_unset(dev, observed_device_facts[k], cause) == -1)
                return -1;
        }
    }
    for (i = 0; i < fr->n; i++) {
        const struct footage_day *d = &fr->days[i];
        struct scenario_entity *dev;

        if (d->date != date || (dev = scenario_find(sc, SCENARIO_DEVICE, d->device)) == NULL)
            continue;
        if (put_day(dev, d, cause) == -1)
            return -1;
        people += d->people;
        any = true;
    }
    if (!any) {
        if (scenario_unset(dep, "observed.people_per_day", cause) == -1 ||
            scenario_unset(dep, "observed.method", cause) == -1)
            return -1;
        return 0;
    }
    {
        char buf[32];

        snprintf(buf, sizeof buf, "%" PRId64, people);
        if (put(dep, "observed.people_per_day", buf, cause) == -1)
            return -1;
    }
    return put(dep, "observed.method", fr->method != NULL ? fr->method : "", cause);
}

static bool
is_observed(const struct audit_fact *f)
{
    return f->def != NULL && strncmp(f->def->path, "observed.", 9) == 0;
}

void
footage_note_findings(struct footage_result *fr, const struct audit_result *ar, fa_date date)
{
    size_t i, j, k;

    for (i = 0; i < ar->nfindings; i++) {
        const struct audit_finding *af = &ar->findings[i];
        const struct footage_day *day = NULL;
        struct strbuf decl, obs;
        struct footage_finding *f;
        bool reads = false;

        if (af->outcome == RULE_NA || af->entity == NULL)
            continue;
        for (j = 0; j < af->nfacts && !reads; j++)
            reads = is_observed(&af->facts[j]);
        for (k = 0; reads && k < fr->n && day == NULL; k++) {
            if (fr->days[k].date == date && strcmp(fr->days[k].device, af->entity) == 0)
                day = &fr->days[k];
        }
        if (day == NULL)
            continue;
        strbuf_init(&decl);
        strbuf_init(&obs);
        for (j = 0; j < af->nfacts; j++) {
            const struct audit_fact *a = &af->facts[j];
            char path[256];

            if (a->def == NULL || (a->def->flags & FACT_F_ID) ||
                strcmp(a->def->path, "observed.footage") == 0)
                continue;
            audit_fact_path(a, path, sizeof path);
            if (is_observed(a))
                strbuf_printf(&obs, "%s%s = %s", obs.len > 0 ? "; " : "", path, a->value);
            else if (a->file != NULL && a->line > 0)
                strbuf_printf(&decl, "%s%s = %s (%s:%u:%u)", decl.len > 0 ? "; " : "", path,
                    a->value, a->file, a->line, a->col);
            else
                strbuf_printf(&decl, "%s%s = %s", decl.len > 0 ? "; " : "", path, a->value);
        }
        fr->findings = xreallocarray(fr->findings, fr->nfindings + 1, sizeof *fr->findings);
        f = &fr->findings[fr->nfindings++];
        f->rule_id = xstrdup(af->rule_id);
        f->article = af->article;
        f->outcome = (int)af->outcome;
        f->device = xstrdup(af->entity);
        f->date = date;
        f->message = af->message != NULL ? xstrdup(af->message) : NULL;
        f->declared = xstrdup(strbuf_str(&decl));
        f->observed = xstrdup(strbuf_str(&obs));
        f->provenance = xstrdup(day->files != NULL ? day->files : "");
        strbuf_done(&decl);
        strbuf_done(&obs);
    }
}
