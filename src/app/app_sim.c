/* SPDX-License-Identifier: MIT */
/*
 * app_sim.c - a simulated deployment (rates from the scenario, a stored
 * evaluation or the real engine on a dataset) and a recorded one replayed
 * through the engine: the daily series, the compliance timeline, the run
 * stored with its daily rows.
 */
#include "config.h"

#include "faceaudit/app.h"
#include "faceaudit/app_sim.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/calendar.h"
#include "faceaudit/date.h"
#include "faceaudit/embed.h"
#include "faceaudit/log.h"
#include "faceaudit/scenario.h"
#include "faceaudit/store.h"
#include "faceaudit/sim.h"
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
    p->resume = true;
}

static bool
requested(const struct app_progress *pr)
{
    return pr != NULL && pr->cancel_requested != NULL && pr->cancel_requested(pr->user);
}

/*
 * Polled before each image (image mode), each footage frame and between the
 * phases. The fault-injection point (store_crash_point,
 * FACEAUDIT_CRASH_AT=sim_cancel:N:INT) lets a test raise Ctrl-C at the Nth poll.
 */
static bool
sim_cancelled(void *arg)
{
    store_crash_point("sim_cancel");
    return requested(arg);
}

/* Between two phases: 0, or -1 with APP_CANCELLED when pr asked to stop. */
static int
check_cancel(const struct app_progress *pr, char **cause)
{
    if (!sim_cancelled((void *)(uintptr_t)pr))
        return 0;
    *cause = xstrdup(APP_CANCELLED);
    return -1;
}

/* A failure that came from a stop asked through pr: its cause made APP_CANCELLED. */
static void
cancel_cause(const struct app_progress *pr, char **cause)
{
    if (requested(pr)) {
        free(*cause);
        *cause = xstrdup(APP_CANCELLED);
    }
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
        rc = app_sim_rates_from_eval(er, t, &sp->fnmr, &sp->fpir, &r->errnote, cause);
        eval_result_free(er);
        if (rc == -1)
            cause_prefix(cause, "--errors %s", p->errors_run);
        return rc;
    }
    if (p->images != NULL) {
        float t = isnan(p->threshold) ? FACE_MATCH_THRESHOLD : (float)p->threshold;

        if ((r->im = app_sim_images_load_until(p->images, p->cropped, t, sim_cancelled,
                (void *)(uintptr_t)p->pr, cause)) == NULL) {
            if (requested(p->pr))
                cancel_cause(p->pr, cause);
            else
                cause_prefix(cause, "--images %s", p->images);
            return -1;
        }
        sp->oracle = app_sim_images_oracle(r->im);
        r->errnote = xasprintf("image mode, %s", app_sim_images_describe(r->im));
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
    int thumb_days, char **cause)
{
    struct store *st = app_store(a, cause);

    if (st == NULL)
        return -1;
    r->thumbs_expire = thumb_days > 0 ? date_today() + thumb_days : FA_DATE_NONE;
    r->run_id = sim_store_save(st, kind, name, r->res, r->have_tl ? &r->tl : NULL,
        r->thumbs_expire, cause);
    if (r->run_id == -1)
        return -1;
    r->thumbs_kept = thumb_days > 0 && r->have_footage ? r->footage.nthumbs : 0;
    r->thumbs_asked = thumb_days > 0;
    return 0;
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
        if (rule_pack_load_with_readings(NULL, p->readings, p->nreadings, &r->pack, &r->cal,
            cause) == -1)
            goto fail;
        pack = r->pack;
        cal = r->cal;
    }
    if (sc == NULL) {
        if ((r->sc = scenario_load(p->scenario_path, 0, cause)) == NULL)
            goto fail;
        sc = r->sc;
    }
    if (sim_params(a, p, sc, &sp, r, cause) == -1 || check_cancel(p->pr, cause) == -1 ||
        (r->res = sim_run(&sp, cal, cause)) == NULL || check_cancel(p->pr, cause) == -1)
        goto fail;
    if (p->timeline) {
        if (sim_timeline_build(sc, pack, cal, r->res, &r->tl, cause) == -1)
            goto fail;
        r->have_tl = true;
    }
    /* the last chance to stop: the run is stored in one transaction, or not at all */
    if (check_cancel(p->pr, cause) == -1 ||
        (p->save && store_run(a, "simulation", p->name, r, 0, cause) == -1))
        goto fail;
    return r;
fail:
    app_sim_result_free(r);
    return NULL;
}

/* The footage's progress in sampled frames of all its recordings (frames/s, time left). */
static void
footage_progress(void *arg, const char *file, int64_t frames, int64_t total)
{
    const struct app_progress *pr = arg;

    if (pr->progress != NULL)
        pr->progress(pr->user, file, (size_t)frames, (size_t)total);
}

struct app_sim_result *
app_replay(struct app *a, const struct app_replay_params *p, char **cause)
{
    struct app_sim_result *r = xcalloc(1, sizeof *r);
    struct replay_opts ro = { NULL, p->threshold, p->detector, FA_DATE_NONE, FA_DATE_NONE };
    struct footage_opts fo;
    int has_footage;

    memset(&fo, 0, sizeof fo);
    fo.models = &p->footage_models;
    fo.faces = &p->footage;
    fo.no_resume = !p->resume;
    fo.log = true;
    fo.thumbnails = p->keep_thumbnails > 0;
    if (p->keep_thumbnails < 0 || p->keep_thumbnails > APP_THUMB_MAX_DAYS) {
        cause_set(cause, "--keep-thumbnails: %d is not a number of days (1-%d)",
            p->keep_thumbnails, APP_THUMB_MAX_DAYS);
        goto fail;
    }
    if (p->keep_thumbnails > 0 && !p->save) {
        cause_set(cause, "--keep-thumbnails keeps them with the stored run: not with "
            "--no-save");
        goto fail;
    }
    if (p->pr != NULL) {
        fo.progress = footage_progress;
        fo.cancelled = sim_cancelled;
        fo.arg = (void *)(uintptr_t)p->pr;
    }

    r->run_id = -1;
    r->threshold = p->threshold > 0 ? p->threshold : FACE_MATCH_THRESHOLD;
    if (rule_pack_load_with_calendar(NULL, &r->pack, &r->cal, cause) == -1 ||
        (has_footage = footage_range(p->dir, NULL, &ro.first, &ro.last, cause)) == -1 ||
        check_cancel(p->pr, cause) == -1 ||
        replay_run(p->dir, &ro, r->cal, &r->sc, &r->res, &r->stats, cause) == -1 ||
        check_cancel(p->pr, cause) == -1)
        goto fail;
    if (has_footage == 0) {
        if ((fo.ckpt = app_store(a, cause)) == NULL ||
            footage_run(p->dir, r->sc, &fo, &r->footage, cause) == -1) {
            cancel_cause(p->pr, cause);
            goto fail;
        }
        r->have_footage = true;
        r->res->footage = &r->footage; /* the observed facts in the timeline's audits */
    }
    if (sim_timeline_build(r->sc, r->pack, r->cal, r->res, &r->tl, cause) == -1)
        goto fail;
    r->have_tl = true;
    /* the last chance to stop: the run is stored in one transaction, or not at all */
    if (check_cancel(p->pr, cause) == -1 ||
        (p->save && store_run(a, "replay", p->name, r, p->keep_thumbnails,
        cause) == -1))
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
    app_sim_images_free(r->im);
    free(r->errnote);
    scenario_free(r->sc);
    rule_pack_free(r->pack);
    calendar_free(r->cal);
    free(r);
}

/* The same number (exactly: both come from the same facts or defaults). */
static bool
same(double a, double b)
{
    return !(a < b) && !(a > b);
}

/* Is a deployment fact known? */
static bool
known(const struct scenario *sc, const char *path)
{
    struct fact_value v;

    return sc != NULL && scenario_get(scenario_deployment(sc), path, &v, NULL) == 0 &&
        v.state == FACT_KNOWN;
}

size_t
app_sim_sources(const struct scenario *sc, const struct sim_params *p,
    struct app_sim_source **out)
{
    struct sim_params q;
    struct app_sim_source *s;
    size_t n = 0;
    char *cause = NULL, d[11];
    bool from_sc;

    sim_params_default(&q);
    from_sc = sc != NULL && sim_params_from_scenario(sc, &q, &cause) == 0;
    free(cause);
    s = xcalloc(24, sizeof *s);
#define SRC(NAME, VALUE, SAME, FACT, FALLBACK) do {                                  \
        const char *fact_ = (FACT);                                                   \
        s[n].param = NAME;                                                            \
        s[n].value = VALUE;                                                           \
        s[n].fact = (SAME) && from_sc && known(sc, fact_);                            \
        s[n].source = !(SAME) ? "option" : s[n].fact ? fact_ : (FALLBACK);            \
        n++;                                                                          \
    } while (0)
    date_format(p->start, d);
    SRC("start", xstrdup(d), p->start == q.start, known(sc, "simulation.start") ?
        "simulation.start" : "as_of", "default (today)");
    SRC("days", xasprintf("%d", p->days), p->days == q.days, "simulation.days", "default");
    SRC("seed", xasprintf("%" PRIu64, p->seed), p->seed == q.seed, "simulation.seed",
        "default");
    SRC("devices", xasprintf("%d", p->devices), p->devices == q.devices, "simulation.devices",
        from_sc ? "the devices that identify people" : "default");
    SRC("arrivals_weekday", xasprintf("%g", p->weekday_mean),
        same(p->weekday_mean, q.weekday_mean), "simulation.arrivals_weekday", "default");
    SRC("arrivals_weekend", xasprintf("%g", p->weekend_mean),
        same(p->weekend_mean, q.weekend_mean), "simulation.arrivals_weekend",
        "half the weekday arrivals");
    SRC("population", xasprintf("%" PRId64, p->population), p->population == q.population,
        "simulation.population", "default (at least the people already stored)");
    SRC("returning_rate", xasprintf("%g", p->returning_rate),
        same(p->returning_rate, q.returning_rate), "simulation.returning_rate", "default");
    SRC("share_under14", xasprintf("%g", p->share_under14),
        same(p->share_under14, q.share_under14), known(sc, "simulation.share_under14") ?
        "simulation.share_under14" : "subjects.share_under_14", "default");
    SRC("share_refuse", xasprintf("%g", p->share_refuse), same(p->share_refuse, q.share_refuse),
        "simulation.share_refuse", "default");
    SRC("guardian_consent", xasprintf("%g", p->guardian_consent),
        same(p->guardian_consent, q.guardian_consent), "simulation.guardian_consent", "default");
    SRC("enrolment", xstrdup(sim_enrol_name(p->enrol)), p->enrol == q.enrol,
        "simulation.enrolment", "default");
    SRC("purge", xstrdup(sim_purge_name(p->purge)), p->purge == q.purge, "simulation.purge",
        "default");
    SRC("retention_days", xasprintf("%d", p->retention_days),
        p->retention_days == q.retention_days, "storage.retention_days", "default");
    SRC("initial_stored", xasprintf("%" PRId64, p->initial_stored),
        p->initial_stored == q.initial_stored, known(sc, "simulation.initial_stored") ?
        "simulation.initial_stored" : "storage.stored_persons", "default");
    SRC("alternative", xstrdup(p->alternative ? "offered" : "none"),
        p->alternative == q.alternative, "alternatives.offered_on_refusal", "default");
    SRC("fnmr", xasprintf("%g", p->fnmr), same(p->fnmr, q.fnmr), "simulation.fnmr",
        "default");
    SRC("fpir", xasprintf("%g", p->fpir), same(p->fpir, q.fpir), "simulation.fpir",
        "default");
    if (p->filed != FA_DATE_NONE)
        date_format(p->filed, d);
    SRC("filed", xstrdup(p->filed != FA_DATE_NONE ? d : "not filed"), p->filed == q.filed,
        "filing.date", "default");
#undef SRC
    *out = s;
    return n;
}

void
app_sim_sources_free(struct app_sim_source *s, size_t n)
{
    size_t i;

    for (i = 0; s != NULL && i < n; i++)
        free(s[i].value);
    free(s);
}
