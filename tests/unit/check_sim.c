/* SPDX-License-Identifier: MIT */
/*
 * check_sim.c - the simulation model: determinism, conservation of stored
 * templates, the Art. 15 threshold and deadline on the calendar, retention
 * moving or removing the crossing, minors, refusals without an alternative,
 * the transitional deadline, and parameter errors; the observed facts of
 * recorded footage (footage_set_facts) and the rules reading them.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/calendar.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/rule.h"
#include "faceaudit/scenario.h"
#include "faceaudit/sim.h"
#include "faceaudit/video.h"
#include "faceaudit/xmalloc.h"
#include "testutil.h"

/* Issue 19: every option that shapes a day's figures, and the version, change the checkpoint key. */
START_TEST(test_footage_options_key)
{
    struct face_models_opts m0, m;
    struct video_faces_opts f0, f;
    char *base, *k;
    int i;

    memset(&m0, 0, sizeof m0);
    memset(&f0, 0, sizeof f0);
    m0.age_gender = true;
    track_params_default(&f0.track);
    base = footage_options_key(&m0, &f0, "1.0");
    k = footage_options_key(&m0, &f0, "1.0");
    ck_assert_str_eq(base, k);
    free(k);
    for (i = 0; i < 18; i++) {
        m = m0;
        f = f0;
        switch (i) {
        case 0: m.detector = DETECTOR_SSD; break;
        case 1: m.input_size = 320; break;
        case 2: m.min_score = 0.6f; break;
        case 3: m.tiny_landmarks = true; break;
        case 4: m.age_gender = false; break;
        case 5: f.video.fps = 5; break;
        case 6: f.video.start = 1; break;
        case 7: f.video.end = 9; break;
        case 8: f.video.no_rotate = true; break;
        case 9: f.video.max_pixels = 1000; break;
        case 10: f.video.max_frames = 1000; break;
        case 11: f.min_face = 20; break;
        case 12: f.merge_threshold = 0.5f; break;
        case 13: f.track.iou_min = 0.4f; break;
        case 14: f.track.max_gap = 2; break;
        case 15: f.track.min_hits = 2; break;
        case 16: f.track.velocity_alpha = 0.7f; break;
        default: break;
        }
        k = footage_options_key(&m, &f, i == 17 ? "1.1" : "1.0");
        ck_assert_msg(strcmp(k, base) != 0, "option %d does not change the key", i);
        free(k);
    }
    f = f0;
    f.video.threads = 2; /* decoder threads change no figure */
    k = footage_options_key(&m0, &f, "1.0");
    ck_assert_str_eq(k, base);
    free(k);
    free(base);
}
END_TEST

Suite *sim_suite(void);

static struct calendar *cal;

static void
setup(void)
{
    char *dir = test_srcpath("rules/calendar"), *cause = NULL;

    cal = calendar_load(dir, &cause);
    ck_assert_msg(cal != NULL, "%s", cause);
    free(dir);
}

static void
teardown(void)
{
    calendar_free(cal);
}

static fa_date
D(const char *s)
{
    fa_date d;

    ck_assert(date_parse(s, &d, NULL) == 0);
    return d;
}

/* A busy 1:N deployment: ~10,000 new people a day, everyone enrolled. */
static void
busy(struct sim_params *p)
{
    sim_params_default(p);
    p->start = D("2025-09-01");
    p->days = 60;
    p->seed = 7;
    p->devices = 10;
    p->weekday_mean = 1000;
    p->weekend_mean = 1000;
    p->population = 2000000;
    p->returning_rate = 0.0;
    p->share_refuse = 0.0;
    p->enrol = SIM_ENROL_ALL;
    p->retention_days = -1;
}

START_TEST(test_deterministic)
{
    struct sim_params p;
    struct sim_result *a, *b, *c;

    busy(&p);
    p.returning_rate = 0.5;
    p.share_under14 = 0.1;
    a = sim_run(&p, cal, NULL);
    b = sim_run(&p, cal, NULL);
    ck_assert(memcmp(a->days, b->days, (size_t)p.days * sizeof *a->days) == 0);
    p.seed = 8;
    c = sim_run(&p, cal, NULL);
    ck_assert(memcmp(a->days, c->days, (size_t)p.days * sizeof *a->days) != 0);
    sim_result_free(a);
    sim_result_free(b);
    sim_result_free(c);
}
END_TEST

START_TEST(test_conservation)
{
    struct sim_params p;
    struct sim_result *r;
    int64_t enrol = 0, purged = 0, arrivals = 0, newp = 0;
    int i;

    busy(&p);
    p.returning_rate = 0.6;
    p.retention_days = 10;
    p.purge = SIM_PURGE_WEEKLY;
    p.initial_stored = 5000;
    p.share_refuse = 0.05;
    r = sim_run(&p, cal, NULL);
    for (i = 0; i < p.days; i++) {
        enrol += r->days[i].enrolments;
        purged += r->days[i].purged;
        arrivals += r->days[i].arrivals;
        newp += r->days[i].new_people;
        ck_assert_int_eq(r->days[i].stored, 5000 + enrol - purged);
        /* Weekly purge: only on Mondays. */
        if (r->days[i].purged > 0)
            ck_assert_int_eq(date_weekday(r->days[i].date), 1);
    }
    ck_assert_int_gt(purged, 0);
    ck_assert_int_le(newp, arrivals);
    /* ~600,000 arrivals: Poisson(1000) x 10 devices x 60 days within 1%. */
    ck_assert_int_gt(arrivals, 594000);
    ck_assert_int_lt(arrivals, 606000);
    sim_result_free(r);
}
END_TEST

START_TEST(test_threshold_and_deadline)
{
    struct sim_params p;
    struct sim_result *r;
    bool approx = false;
    int i, first = -1;

    busy(&p);
    r = sim_run(&p, cal, NULL);
    for (i = 0; i < p.days && first < 0; i++) {
        if (r->days[i].stored >= 100000)
            first = i;
    }
    /* ~10,000 a day: the 10th day (index 9), give or take one. */
    ck_assert_int_ge(first, 8);
    ck_assert_int_le(first, 10);
    ck_assert_int_eq(r->threshold_reached, p.start + first);
    ck_assert_int_eq(r->filing_deadline,
        calendar_add_working_days(cal, r->threshold_reached, 30, &approx));
    ck_assert(!r->deadline_approx);
    /* The deadline crosses the National Day holiday: 30 working days from mid-September
     * end on 2025-10-31 for a crossing on Monday 15 September. */
    if (r->threshold_reached == D("2025-09-15"))
        ck_assert_int_eq(r->filing_deadline, D("2025-10-31"));
    ck_assert_int_eq(r->art15_failing_from, r->filing_deadline + 1);
    sim_result_free(r);

    /* Filed in time: no Art. 15 failure. */
    p.filed = D("2025-09-30");
    r = sim_run(&p, cal, NULL);
    ck_assert_int_eq(r->art15_failing_from, FA_DATE_NONE);
    sim_result_free(r);
}
END_TEST

START_TEST(test_retention_moves_crossing)
{
    struct sim_params p;
    struct sim_result *forever, *month, *week;

    busy(&p);
    p.returning_rate = 0.0;
    forever = sim_run(&p, cal, NULL);
    p.retention_days = 20;
    month = sim_run(&p, cal, NULL);
    p.retention_days = 5;
    week = sim_run(&p, cal, NULL);
    ck_assert_int_ne(forever->threshold_reached, FA_DATE_NONE);
    /* 20 days x ~10,000 still crosses, on the same day (nothing has expired yet). */
    ck_assert_int_eq(month->threshold_reached, forever->threshold_reached);
    ck_assert_int_lt(month->peak_stored, forever->peak_stored);
    /* 5 days x ~10,000 = ~60,000 at most: the crossing disappears. */
    ck_assert_int_eq(week->threshold_reached, FA_DATE_NONE);
    ck_assert_int_eq(week->filing_deadline, FA_DATE_NONE);
    ck_assert_int_lt(week->peak_stored, 70000);
    sim_result_free(forever);
    sim_result_free(month);
    sim_result_free(week);
}
END_TEST

START_TEST(test_minors_and_refusals)
{
    struct sim_params p;
    struct sim_result *r;
    int64_t minors = 0, nocons = 0, refusals = 0, unserved = 0, fnm = 0, served = 0;
    int i;

    busy(&p);
    p.days = 20;
    p.share_under14 = 0.3;
    p.guardian_consent = 0.0;
    p.share_refuse = 0.1;
    p.alternative = false;
    p.fnmr = 0.05;
    p.enrol = SIM_ENROL_CONSENTED;
    p.returning_rate = 0.5;
    r = sim_run(&p, cal, NULL);
    for (i = 0; i < p.days; i++) {
        minors += r->days[i].minors;
        nocons += r->days[i].minors_no_consent;
        refusals += r->days[i].refusals;
        unserved += r->days[i].refusals_unserved;
        served += r->days[i].refusals_served;
        fnm += r->days[i].false_non_matches;
    }
    ck_assert_int_gt(minors, 0);
    ck_assert_int_eq(nocons, minors);          /* no guardian consented */
    ck_assert_int_eq(served, 0);               /* no alternative */
    ck_assert_int_eq(unserved, refusals + fnm); /* everyone turned away is unserved */
    ck_assert_int_gt(fnm, 0);
    sim_result_free(r);
}
END_TEST

START_TEST(test_transitional_deadline)
{
    struct sim_params p;
    struct sim_result *r;

    busy(&p);
    p.start = D("2025-05-20");
    p.days = 90;
    p.initial_stored = 150000;
    r = sim_run(&p, cal, NULL);
    ck_assert_int_eq(r->threshold_reached, p.start);
    ck_assert_int_eq(r->filing_deadline, D("2025-07-14"));
    ck_assert_int_eq(r->art15_failing_from, D("2025-07-15"));
    sim_result_free(r);
}
END_TEST

START_TEST(test_bad_params)
{
    struct sim_params p;
    char *cause = NULL;

    sim_params_default(&p);
    p.share_under14 = 1.5;
    ck_assert_ptr_null(sim_run(&p, cal, &cause));
    ck_assert_str_eq(cause, "share_under14: 1.5 is not a share between 0 and 1");
    free(cause);
    sim_params_default(&p);
    p.initial_stored = p.population + 1;
    ck_assert_ptr_null(sim_run(&p, cal, &cause));
    ck_assert_ptr_nonnull(strstr(cause, "initial_stored"));
    free(cause);
    sim_params_default(&p);
    p.days = 0;
    ck_assert_int_eq(sim_params_check(&p, &cause), -1);
    ck_assert_str_eq(cause, "days: 0 is outside 1-3660");
    free(cause);
    ck_assert_int_eq(sim_enrol_from_name("consented"), SIM_ENROL_CONSENTED);
    ck_assert_int_eq(sim_purge_from_name("fortnightly"), -1);
}
END_TEST

/* One device-day of footage as sim_footage.c builds it (age fields as unmeasured). */
static void
fday(struct footage_day *d, const char *dev, const char *date, bool area, int64_t tracks,
    int64_t outside)
{
    memset(d, 0, sizeof *d);
    d->device = xstrdup(dev);
    d->files = xasprintf("videos/%s.mp4 from 09:00:00 for 3.0 s", dev);
    d->date = D(date);
    d->recordings = 1;
    d->tracks = tracks;
    d->people = tracks;
    d->has_area = area;
    d->tracks_outside = outside;
    d->max_in_view = 1;
    d->under14_share = d->under14_lo = d->under14_hi = NAN;
}

static enum rule_outcome
outcome_of(const struct audit_result *ar, const char *rule, const char *entity)
{
    size_t i;

    for (i = 0; i < ar->nfindings; i++) {
        if (strcmp(ar->findings[i].rule_id, rule) == 0 && ar->findings[i].entity != NULL &&
            strcmp(ar->findings[i].entity, entity) == 0)
            return ar->findings[i].outcome;
    }
    ck_abort_msg("no finding %s@%s", rule, entity);
    return RULE_NA;
}

static bool
known(const struct scenario *sc, const char *dev, const char *path, double *num)
{
    struct fact_value fv;

    ck_assert(scenario_get(scenario_find(sc, SCENARIO_DEVICE, dev), path, &fv, NULL) == 0);
    if (fv.state == FACT_KNOWN && num != NULL)
        *num = fv.def->type == FACT_NUMBER ? fv.v.num : (double)fv.v.i;
    return fv.state == FACT_KNOWN;
}

/*
 * The footage's figures become the day's facts: a device without footage
 * that day, an area not measured or nobody aged leave the fact unknown, and
 * the rules reading them are then not applicable, never passed.
 */
START_TEST(test_observed_facts)
{
    char *rules = test_srcpath("rules"), *cause = NULL;
    char *path = test_srcpath("datasets/recorded/gate-video/scenario.fa.yaml");
    struct rule_pack *pack = rule_pack_load(rules, &cause);
    struct scenario *sc = pack != NULL ? scenario_load(path, 0, &cause) : NULL;
    struct audit_opts opts;
    struct footage_result fr;
    struct audit_result *ar;
    double v = 0;

    ck_assert_msg(sc != NULL, "%s", cause);
    memset(&fr, 0, sizeof fr);
    fr.days = xcalloc(3, sizeof *fr.days);
    fr.n = 2;
    fday(&fr.days[0], "gate-1", "2025-11-05", true, 8, 3);
    fday(&fr.days[1], "gate-2", "2025-11-06", false, 5, 0);
    fr.days[1].aged = 4;
    fr.days[1].under14_share = 0.25;
    fr.days[1].under14_lo = 0.05;
    fr.days[1].under14_hi = 0.6;
    fr.method = xstrdup("test");
    memset(&opts, 0, sizeof opts);
    opts.cal = cal;

    ck_assert_msg(footage_set_facts(sc, &fr, D("2025-11-05"), &cause) == 0, "%s", cause);
    ck_assert(known(sc, "gate-1", "observed.outside_percent", &v));
    ck_assert_double_eq_tol(v, 37.5, 1e-9);
    ck_assert(!known(sc, "gate-1", "observed.under_14_percent", NULL)); /* aged 0, NaN */
    ck_assert(!known(sc, "gate-2", "observed.people", NULL));           /* no footage today */
    opts.as_of = D("2025-11-05");
    ar = audit_run(pack, sc, &opts, &cause);
    ck_assert_msg(ar != NULL, "%s", cause);
    ck_assert_int_eq(outcome_of(ar, "FRT-A13-6", "gate-1"), RULE_FAIL);
    ck_assert_int_eq(outcome_of(ar, "FRT-A07-4", "gate-1"), RULE_NA);
    ck_assert_int_eq(outcome_of(ar, "FRT-A07-4", "gate-2"), RULE_NA);
    audit_result_free(ar);

    ck_assert_msg(footage_set_facts(sc, &fr, D("2025-11-06"), &cause) == 0, "%s", cause);
    ck_assert(!known(sc, "gate-1", "observed.outside_percent", NULL)); /* yesterday's, gone */
    ck_assert(!known(sc, "gate-2", "observed.outside_percent", NULL)); /* no area: unmeasured */
    ck_assert(known(sc, "gate-2", "observed.under_14_percent", &v));
    ck_assert_double_eq_tol(v, 25, 1e-9);
    ck_assert(known(sc, "gate-2", "observed.under_14_percent_lo", &v));
    ck_assert_double_eq_tol(v, 5, 1e-9);
    opts.as_of = D("2025-11-06");
    ar = audit_run(pack, sc, &opts, &cause);
    ck_assert_msg(ar != NULL, "%s", cause);
    ck_assert_int_eq(outcome_of(ar, "FRT-A07-4", "gate-2"), RULE_FAIL); /* declared: none */
    ck_assert_int_eq(outcome_of(ar, "FRT-A13-6", "gate-1"), RULE_NA);
    ck_assert_int_eq(outcome_of(ar, "FRT-A13-6", "gate-2"), RULE_NA);
    footage_note_findings(&fr, ar, D("2025-11-06"));
    {
        const struct footage_finding *f = NULL;
        size_t i;

        for (i = 0; i < fr.nfindings; i++) {
            ck_assert_str_eq(fr.findings[i].device, "gate-2"); /* gate-1: no footage today */
            if (strcmp(fr.findings[i].rule_id, "FRT-A07-4") == 0)
                f = &fr.findings[i];
        }
        ck_assert_ptr_nonnull(f);
        ck_assert_int_eq(f->outcome, RULE_FAIL);
        ck_assert_msg(strstr(f->declared, "minors.processes_under_14 = false (") != NULL, "%s",
            f->declared);
        ck_assert_str_eq(f->observed, "device[gate-2].observed.under_14_percent_lo = 5");
        ck_assert_ptr_nonnull(strstr(f->provenance, "videos/gate-2.mp4"));
    }
    audit_result_free(ar);

    /* a day without any footage: nothing observed anywhere */
    ck_assert_msg(footage_set_facts(sc, &fr, D("2025-11-07"), &cause) == 0, "%s", cause);
    ck_assert(!known(sc, "gate-2", "observed.under_14_percent_lo", NULL));
    ck_assert(!known(sc, "gate-2", "observed.bystanders", NULL));
    footage_result_done(&fr);
    scenario_free(sc);
    rule_pack_free(pack);
    free(rules);
    free(path);
}
END_TEST

/*
 * Regression: in a replay's timeline storage.stored_persons holds the
 * simulated count, and FRT-A15-5 compared the footage's people with it: a
 * deployment declaring 3 stored people passed against a simulated 1,000. The
 * timeline keeps the declaration in storage.declared_stored_persons.
 */
START_TEST(test_timeline_keeps_declared_count)
{
    char *rules = test_srcpath("rules"), *cause = NULL;
    char *path = test_srcpath("datasets/recorded/gate-video/scenario.fa.yaml");
    struct rule_pack *pack = rule_pack_load(rules, &cause);
    struct scenario *sc = pack != NULL ? scenario_load(path, 0, &cause) : NULL;
    struct scenario_entity *dep;
    struct footage_result fr;
    struct sim_timeline tl;
    struct sim_params p;
    struct sim_result *r;
    struct fact_value fv;
    size_t i;
    int seen = 0;

    ck_assert_msg(sc != NULL, "%s", cause);
    dep = scenario_deployment(sc);
    ck_assert(scenario_set(dep, "storage.stored_persons", "3", &cause) == 0);
    ck_assert(scenario_set(scenario_find(sc, SCENARIO_DEVICE, "gate-1"), "stores_faces", "true",
                  &cause) == 0);
    ck_assert_msg(sim_params_from_scenario(sc, &p, &cause) == 0, "%s", cause);
    p.start = D("2025-11-05");
    p.days = 1;
    p.initial_stored = 1000; /* the simulation's figure, far above the declared 3 */
    if (p.population < p.initial_stored)
        p.population = p.initial_stored;
    r = sim_run(&p, cal, &cause);
    ck_assert_msg(r != NULL, "%s", cause);
    memset(&fr, 0, sizeof fr);
    fr.days = xcalloc(1, sizeof *fr.days);
    fr.n = 1;
    fday(&fr.days[0], "gate-1", "2025-11-05", true, 8, 0);
    fr.method = xstrdup("test");
    r->footage = &fr;
    ck_assert_msg(sim_timeline_build(sc, pack, cal, r, &tl, &cause) == 0, "%s", cause);
    ck_assert(scenario_get(dep, "storage.stored_persons", &fv, NULL) == 0);
    ck_assert_int_ge(fv.v.i, 1000); /* the simulated count */
    ck_assert(scenario_get(dep, "storage.declared_stored_persons", &fv, NULL) == 0);
    ck_assert_int_eq(fv.state, FACT_KNOWN);
    ck_assert_int_eq(fv.v.i, 3);
    for (i = 0; i < fr.nfindings; i++) {
        if (strcmp(fr.findings[i].rule_id, "FRT-A15-5") == 0) {
            ck_assert_str_eq(fr.findings[i].device, "gate-1");
            ck_assert_int_eq(fr.findings[i].outcome, RULE_ADVISORY); /* 8 people > 3 declared */
            seen++;
        }
    }
    ck_assert_int_eq(seen, 1);
    sim_timeline_done(&tl);
    r->footage = NULL;
    sim_result_free(r);
    footage_result_done(&fr);
    scenario_free(sc);
    rule_pack_free(pack);
    free(rules);
    free(path);
}
END_TEST

/* A day's outside examples: the three earliest of many captures in any order, as sorting all. */
START_TEST(test_outside_examples)
{
    double ex[FOOTAGE_EXAMPLES], t[] = { 50.5, 9.0, 70.0, 9.0, 3.25, 120.0, 4.0, 2.0e5, 3.5 };
    size_t n = 0, i;

    footage_outside_add(ex, &n, 42.0);
    ck_assert_uint_eq(n, 1);
    ck_assert_double_eq(ex[0], 42.0);
    for (i = 0; i < sizeof t / sizeof t[0]; i++)
        footage_outside_add(ex, &n, t[i]);
    ck_assert_uint_eq(n, FOOTAGE_EXAMPLES);
    ck_assert_double_eq(ex[0], 3.25);
    ck_assert_double_eq(ex[1], 3.5);
    ck_assert_double_eq(ex[2], 4.0);
    /* an hour of captures, latest first: still three, the earliest */
    for (i = 3600; i > 0; i--)
        footage_outside_add(ex, &n, (double)i * 0.5);
    ck_assert_uint_eq(n, FOOTAGE_EXAMPLES);
    ck_assert_double_eq(ex[0], 0.5);
    ck_assert_double_eq(ex[1], 1.0);
    ck_assert_double_eq(ex[2], 1.5);
}
END_TEST

Suite *
sim_suite(void)
{
    Suite *s = suite_create("sim");
    TCase *tc = tcase_create("model");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_deterministic);
    tcase_add_test(tc, test_conservation);
    tcase_add_test(tc, test_threshold_and_deadline);
    tcase_add_test(tc, test_retention_moves_crossing);
    tcase_add_test(tc, test_minors_and_refusals);
    tcase_add_test(tc, test_transitional_deadline);
    tcase_add_test(tc, test_bad_params);
    suite_add_tcase(s, tc);
    tc = tcase_create("observed");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_observed_facts);
    tcase_add_test(tc, test_timeline_keeps_declared_count);
    tcase_add_test(tc, test_footage_options_key);
    tcase_add_test(tc, test_outside_examples);
    suite_add_tcase(s, tc);
    return s;
}
