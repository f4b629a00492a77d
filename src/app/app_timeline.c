/* SPDX-License-Identifier: MIT */
/*
 * app_timeline.c - the simulation timeline of the what-if session
 * (app_whatif.h): the day-by-day simulation for the chosen parameters and
 * the compliance timeline over the session's scenario (its own facts put
 * back after), handed to the front end as day rows and daily outcomes. The
 * TUI's simulation screen reruns it on every parameter key.
 */
#include "config.h"

#include "app_whatif_int.h"

#include <stdlib.h>

#include "faceaudit/app.h"
#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

struct app_timeline {
    struct sim_result *res;
    struct sim_timeline tl;
    bool have_tl;
    char *error;            /* why the timeline could not be built, or NULL */
};

/* Facts sim_timeline_build() writes into the scenario; put back after it. */
#define TEMP_FACTS 6
static const char *const temp_paths[TEMP_FACTS] = {
    "storage.stored_persons", "storage.reached_100k_date", "storage.count_on_2025_06_01",
    "filing.filed", "filing.date", "minors.processes_under_14"
};

int
app_timeline_params(const struct app_whatif *w, struct sim_params *p, char **cause)
{
    sim_params_default(p);
    if (!app_whatif_is_open(w))
        return 0;
    if (sim_params_from_scenario(w->sc, p, cause) != 0) {
        sim_params_default(p);
        return -1;
    }
    return 0;
}

/* The compliance timeline on w's scenario, leaving its facts as they were. */
static void
timeline_build(struct app_whatif *w, struct app_timeline *tl)
{
    struct scenario_entity *d = scenario_deployment(w->sc);
    enum fact_state st[TEMP_FACTS];
    char *text[TEMP_FACTS];
    int i, rc;

    for (i = 0; i < TEMP_FACTS; i++)
        whatif_own_value(d, scenario_fact_find(SCENARIO_DEPLOYMENT, temp_paths[i], NULL),
            &st[i], &text[i]);
    rc = sim_timeline_build(w->sc, w->pack, w->cal, tl->res, &tl->tl, &tl->error);
    for (i = 0; i < TEMP_FACTS; i++) {
        char *c2 = NULL;

        if (whatif_apply(d, temp_paths[i], st[i], text[i], &c2) != 0)
            free(c2);
        free(text[i]);
    }
    tl->have_tl = rc == 0;
}

struct app_timeline *
app_timeline_run(struct app_whatif *w, const struct sim_params *p, char **cause)
{
    struct app_timeline *tl;
    struct sim_result *res;

    if (sim_params_check(p, cause) != 0)
        return NULL;
    if ((res = sim_run(p, w != NULL ? w->cal : NULL, cause)) == NULL)
        return NULL;
    tl = xcalloc(1, sizeof *tl);
    tl->res = res;
    if (app_whatif_is_open(w))
        timeline_build(w, tl);
    return tl;
}

void
app_timeline_free(struct app_timeline *tl)
{
    if (tl == NULL)
        return;
    if (tl->have_tl)
        sim_timeline_done(&tl->tl);
    sim_result_free(tl->res);
    free(tl->error);
    free(tl);
}

int
app_timeline_days(const struct app_timeline *tl)
{
    return tl->res->params.days;
}

const struct sim_day *
app_timeline_day(const struct app_timeline *tl, int i)
{
    return i >= 0 && i < tl->res->params.days ? &tl->res->days[i] : NULL;
}

void
app_timeline_summary(const struct app_timeline *tl, struct app_timeline_summary *s)
{
    s->threshold_reached = tl->res->threshold_reached;
    s->filing_deadline = tl->res->filing_deadline;
    s->art15_failing_from = tl->res->art15_failing_from;
    s->peak_stored = (long long)tl->res->peak_stored;
}

const unsigned char *
app_timeline_outcomes(const struct app_timeline *tl, int i)
{
    if (!tl->have_tl || i < 0 || i >= tl->tl.days)
        return NULL;
    return &tl->tl.daily[(size_t)i * RULE_NARTICLES];
}

const char *
app_timeline_error(const struct app_timeline *tl)
{
    return tl->error;
}

const char *
app_timeline_enrol_name(const struct sim_params *p)
{
    return sim_enrol_name(p->enrol);
}

size_t
app_timeline_sources(const struct app_whatif *w, const struct sim_params *p,
    struct app_sim_source **out)
{
    return app_sim_sources(app_whatif_is_open(w) ? w->sc : NULL, p, out);
}
