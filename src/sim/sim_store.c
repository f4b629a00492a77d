/* SPDX-License-Identifier: MIT */
/*
 * sim_store.c - a simulation or replay result into the plain rows of
 * store_sim.h (as eval_store.c does for evaluations), so the store module
 * does not depend on sim.
 */
#include "config.h"

#include "faceaudit/sim.h"

#include <stdlib.h>

#include "faceaudit/store_sim.h"
#include "faceaudit/xmalloc.h"

int64_t
sim_store_save(struct store *st, const char *kind, const char *name, const char *params_json,
    const char *summary_json, const struct sim_result *res, const char *const *daily_articles,
    char **cause)
{
    size_t n = res->params.days > 0 ? (size_t)res->params.days : 0, i;
    struct store_sim_day *rows = xcalloc(n + 1, sizeof *rows);
    int64_t id;

    for (i = 0; i < n; i++) {
        const struct sim_day *d = &res->days[i];
        struct store_sim_day *r = &rows[i];

        r->date = d->date;
        r->arrivals = d->arrivals;
        r->new_people = d->new_people;
        r->enrolments = d->enrolments;
        r->stored = d->stored;
        r->purged = d->purged;
        r->refusals = d->refusals;
        r->served = d->refusals_served;
        r->turned_away = d->refusals_unserved;
        r->false_non_matches = d->false_non_matches;
        r->false_matches = d->false_matches;
        r->minors = d->minors;
        r->minors_no_consent = d->minors_no_consent;
        r->articles = daily_articles != NULL ? daily_articles[i] : NULL;
    }
    id = store_sim_save(st, kind, name, params_json, summary_json, rows, n, cause);
    free(rows);
    return id;
}
