/* SPDX-License-Identifier: MIT */
/*
 * app_sim.c - a simulated deployment (rates from the scenario, a stored
 * evaluation or the real engine on a dataset) and a recorded one replayed
 * through the engine: the daily series, the compliance timeline, the run
 * stored with its daily rows.
 */
#include "config.h"

#include "faceaudit/app.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/calendar.h"
#include "faceaudit/embed.h"
#include "faceaudit/log.h"
#include "faceaudit/scenario.h"
#include "faceaudit/xmalloc.h"

void
app_simulate_params_default(struct app_simulate_params *p)
{
    memset(p, 0, sizeof *p);
    p->start = FA_DATE_NONE;
    p->fnmr = p->fpir = NAN;
    p->threshold = NAN;
    p->timeline = true;
    p->save = true;
}

void
app_replay_params_default(struct app_replay_params *p)
{
    memset(p, 0, sizeof *p);
    p->save = true;
    p->footage_models.detector = DETECTOR_TINY;
    track_params_default(&p->footage.track);
    p->footage.merge_threshold = 0.55f;
}

/* The error rates: from a stored evaluation, or the engine on a dataset (image mode). */
static int
error_source(struct app *a, const struct app_simulate_params *p, struct sim_params *sp,
    struct app_sim_result *r, char **cause)
{
    if (p->errors_run != NULL) {
        struct store *st = app_store(a, cause);
        struct eval_result *er;
        double t;
        int rc;

        if (st == NULL)
            return -1;
        if ((er = eval_store_load(st, p->errors_run, NULL, cause)) == NULL) {
            cause_prefix(cause, "--errors %s", p->errors_run);
            return -1;
        }
        t = isnan(p->threshold) ? er->params.threshold : p->threshold;
        rc = sim_rates_from_eval(er, t, &sp->fnmr, &sp->fpir, &r->errnote, cause);
        eval_result_free(er);
        if (rc == -1)
            cause_prefix(cause, "--errors %s", p->errors_run);
        return rc;
    }
    if (p->images != NULL) {
        float t = isnan(p->threshold) ? FACE_MATCH_THRESHOLD : (float)p->threshold;

        if ((r->im = sim_images_load(p->images, p->cropped, t, cause)) == NULL) {
            cause_prefix(cause, "--images %s", p->images);
            return -1;
        }
        sp->oracle = sim_images_oracle(r->im);
        r->errnote = xasprintf("image mode, %s", sim_images_describe(r->im));
    }
    return 0;
}

/* The parameters: as given, or the scenario's with the overrides. */
static int
sim_params(struct app *a, const struct app_simulate_params *p, struct scenario *sc,
    struct sim_params *sp, struct app_sim_result *r, char **cause)
{
    if (p->sim != NULL) {
        *sp = *p->sim;
        return 0;
    }
    if (sim_params_from_scenario(sc, sp, cause) == -1)
        return -1;
    if (p->days > 0)
        sp->days = p->days;
    if (p->start != FA_DATE_NONE)
        sp->start = p->start;
    if (p->seed_set)
        sp->seed = p->seed;
    if (!isnan(p->fnmr))
        sp->fnmr = p->fnmr;
    if (!isnan(p->fpir))
        sp->fpir = p->fpir;
    return error_source(a, p, sp, r, cause);
}

static int
store_run(struct app *a, const char *kind, const char *name, struct app_sim_result *r,
    char **cause)
{
    struct store *st = app_store(a, cause);

    if (st == NULL)
        return -1;
    r->run_id = sim_store_save(st, kind, name, r->res, r->have_tl ? &r->tl : NULL, cause);
    return r->run_id == -1 ? -1 : 0;
}

struct app_sim_result *
app_simulate(struct app *a, const struct app_simulate_params *p, char **cause)
{
    struct app_sim_result *r = xcalloc(1, sizeof *r);
    const struct rule_pack *pack = p->pack;
    const struct calendar *cal = p->cal;
    struct scenario *sc = p->scenario;
    struct sim_params sp;

    r->run_id = -1;
    if (pack == NULL) {
        if (rule_pack_load_with_calendar(NULL, &r->pack, &r->cal, cause) == -1)
            goto fail;
        pack = r->pack;
        cal = r->cal;
    }
    if (sc == NULL) {
        if ((r->sc = scenario_load(p->scenario_path, 0, cause)) == NULL)
            goto fail;
        sc = r->sc;
    }
    if (sim_params(a, p, sc, &sp, r, cause) == -1 ||
        (r->res = sim_run(&sp, cal, cause)) == NULL)
        goto fail;
    if (p->timeline) {
        if (sim_timeline_build(sc, pack, cal, r->res, &r->tl, cause) == -1)
            goto fail;
        r->have_tl = true;
    }
    if (p->save && store_run(a, "simulation", p->name, r, cause) == -1)
        goto fail;
    return r;
fail:
    app_sim_result_free(r);
    return NULL;
}

struct app_sim_result *
app_replay(struct app *a, const struct app_replay_params *p, char **cause)
{
    struct app_sim_result *r = xcalloc(1, sizeof *r);
    struct replay_opts ro = { NULL, p->threshold, FA_DATE_NONE, FA_DATE_NONE };
    struct footage_opts fo = { NULL, &p->footage_models, &p->footage, NULL, NULL, NULL };
    int has_footage;

    r->run_id = -1;
    r->threshold = p->threshold > 0 ? p->threshold : FACE_MATCH_THRESHOLD;
    if (rule_pack_load_with_calendar(NULL, &r->pack, &r->cal, cause) == -1 ||
        (has_footage = footage_range(p->dir, NULL, &ro.first, &ro.last, cause)) == -1 ||
        replay_run(p->dir, &ro, r->cal, &r->sc, &r->res, &r->stats, cause) == -1)
        goto fail;
    if (has_footage == 0) {
        if (footage_run(p->dir, r->sc, &fo, &r->footage, cause) == -1)
            goto fail;
        r->have_footage = true;
    }
    if (sim_timeline_build(r->sc, r->pack, r->cal, r->res, &r->tl, cause) == -1)
        goto fail;
    r->have_tl = true;
    if (p->save && store_run(a, "replay", p->name, r, cause) == -1)
        goto fail;
    return r;
fail:
    app_sim_result_free(r);
    return NULL;
}

void
app_sim_result_free(struct app_sim_result *r)
{
    if (r == NULL)
        return;
    if (r->have_tl)
        sim_timeline_done(&r->tl);
    if (r->have_footage)
        footage_result_done(&r->footage);
    sim_result_free(r->res);
    sim_images_free(r->im);
    free(r->errnote);
    scenario_free(r->sc);
    rule_pack_free(r->pack);
    calendar_free(r->cal);
    free(r);
}
