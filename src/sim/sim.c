/* SPDX-License-Identifier: MIT */
/*
 * sim.c - the day-by-day deployment model of sim.h: arrivals, people and
 * their traits, enrolment, recognition errors, retention purges, and the
 * Art. 15 threshold and filing deadline.
 */
#include "config.h"

#include "faceaudit/sim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/calendar.h"
#include "faceaudit/log.h"
#include "faceaudit/rng.h"
#include "faceaudit/xmalloc.h"

/* Person flags. */
#define P_STORED 0x01u

static const char *const enrol_names[] = { "none", "consented", "all", NULL };
static const char *const purge_names[] = { "never", "daily", "weekly", "monthly", NULL };

const char *
sim_enrol_name(enum sim_enrol e)
{
    return enrol_names[e];
}

const char *
sim_purge_name(enum sim_purge p)
{
    return purge_names[p];
}

static int
name_index(const char *const *names, const char *s)
{
    int i;

    for (i = 0; names[i] != NULL; i++) {
        if (strcmp(names[i], s) == 0)
            return i;
    }
    return -1;
}

int
sim_enrol_from_name(const char *s)
{
    return name_index(enrol_names, s);
}

int
sim_purge_from_name(const char *s)
{
    return name_index(purge_names, s);
}

void
sim_params_default(struct sim_params *p)
{
    memset(p, 0, sizeof *p);
    p->start = date_today();
    p->days = 365;
    p->seed = 1;
    p->devices = 1;
    p->weekday_mean = 200;
    p->weekend_mean = 100;
    p->population = 100000;
    p->returning_rate = 0.8;
    p->share_under14 = 0.0;
    p->share_refuse = 0.02;
    p->guardian_consent = 0.0;
    p->alternative = true;
    p->enrol = SIM_ENROL_CONSENTED;
    p->retention_days = -1;
    p->purge = SIM_PURGE_DAILY;
    p->fnmr = 0.01;
    p->fpir = 0.001;
    p->initial_stored = 0;
    p->filed = FA_DATE_NONE;
}

static int
check_share(const char *name, double v, char **cause)
{
    if (!(v >= 0.0 && v <= 1.0))
        return cause_set(cause, "%s: %g is not a share between 0 and 1", name, v);
    return 0;
}

int
sim_params_check(const struct sim_params *p, char **cause)
{
    if (p->days < 1 || p->days > SIM_MAX_DAYS)
        return cause_set(cause, "days: %d is outside 1-%d", p->days, SIM_MAX_DAYS);
    if (p->devices < 1 || p->devices > SIM_MAX_DEVICES)
        return cause_set(cause, "devices: %d is outside 1-%d", p->devices, SIM_MAX_DEVICES);
    if (!(p->weekday_mean >= 0 && p->weekday_mean <= 1e6))
        return cause_set(cause, "arrivals.weekday_mean: %g is outside 0-1000000", p->weekday_mean);
    if (!(p->weekend_mean >= 0 && p->weekend_mean <= 1e6))
        return cause_set(cause, "arrivals.weekend_mean: %g is outside 0-1000000", p->weekend_mean);
    if (p->population < 1 || p->population > SIM_MAX_POPULATION)
        return cause_set(cause, "population: %lld is outside 1-%d", (long long)p->population,
            SIM_MAX_POPULATION);
    if (p->initial_stored < 0 || p->initial_stored > p->population)
        return cause_set(cause, "initial_stored: %lld is outside 0-population (%lld)",
            (long long)p->initial_stored, (long long)p->population);
    if (check_share("returning_rate", p->returning_rate, cause) == -1 ||
        check_share("share_under14", p->share_under14, cause) == -1 ||
        check_share("share_refuse", p->share_refuse, cause) == -1 ||
        check_share("guardian_consent", p->guardian_consent, cause) == -1 ||
        check_share("fnmr", p->fnmr, cause) == -1 || check_share("fpir", p->fpir, cause) == -1)
        return -1;
    if (p->retention_days > 36500)
        return cause_set(cause, "retention_days: %d is over 100 years", p->retention_days);
    return 0;
}

/* splitmix64: hashes (seed, keys) into independent stream seeds. */
static uint64_t
mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static double
u01(uint64_t h)
{
    return (double)(h >> 11) * (1.0 / 9007199254740992.0);
}

/* Poisson draw: Knuth's product method for small means, normal approximation above 30. */
static int64_t
poisson(struct rng *r, double mean)
{
    if (mean <= 0)
        return 0;
    if (mean < 30) {
        double l = exp(-mean), p = 1.0;
        int64_t k = 0;

        do {
            k++;
            p *= rng_double(r);
        } while (p > l);
        return k - 1;
    } else {
        /* Box-Muller; one normal per call keeps the stream simple. */
        double u1 = rng_double(r), u2 = rng_double(r);
        double z = sqrt(-2.0 * log(u1 > 0 ? u1 : 1e-300)) * cos(2.0 * M_PI * u2);
        double v = floor(mean + sqrt(mean) * z + 0.5);

        return v < 0 ? 0 : (int64_t)v;
    }
}

struct traits {
    bool minor;
    bool refuses;
    bool guardian;
};

static struct traits
person_traits(const struct sim_params *p, int64_t person)
{
    uint64_t h = mix(p->seed ^ mix((uint64_t)person * 0x2545f4914f6cdd1dULL + 1));
    struct traits t;

    t.minor = u01(h) < p->share_under14;
    h = mix(h);
    t.refuses = u01(h) < p->share_refuse;
    h = mix(h);
    t.guardian = u01(h) < p->guardian_consent;
    return t;
}

static bool
purge_day(enum sim_purge purge, fa_date d)
{
    int y, m, day;

    switch (purge) {
    case SIM_PURGE_NEVER:
        return false;
    case SIM_PURGE_DAILY:
        return true;
    case SIM_PURGE_WEEKLY:
        return date_weekday(d) == 1;
    case SIM_PURGE_MONTHLY:
        date_to_ymd(d, &y, &m, &day);
        return day == 1;
    }
    return false;
}

struct sim_state {
    int32_t *last_used;  /* day index of the last use of a stored template */
    uint8_t *flags;
    int64_t seen;        /* people 0 .. seen-1 have come at least once */
    int64_t stored;
};

/* Deny or serve someone FR did not let through. */
static void
fallback(const struct sim_params *p, struct sim_day *day)
{
    if (p->alternative)
        day->refusals_served++;
    else
        day->refusals_unserved++;
}

static void
arrival(const struct sim_params *p, struct sim_state *s, struct rng *r, int di,
    struct sim_day *day)
{
    int64_t person;
    struct traits t;
    bool enrol;

    day->arrivals++;
    if (s->seen > 0 && (s->seen >= p->population || rng_double(r) < p->returning_rate))
        person = (int64_t)rng_below(r, (uint64_t)s->seen);
    else {
        person = s->seen++;
        day->new_people++;
    }
    t = person_traits(p, person);
    if (t.refuses) {
        day->refusals++;
        fallback(p, day);
        return;
    }
    if (t.minor) {
        day->minors++;
        if (!t.guardian)
            day->minors_no_consent++;
    }
    if (p->enrol == SIM_ENROL_NONE) {
        /* 1:1 against a document: a verification, nothing stored. */
        if (p->oracle != NULL ? p->oracle->genuine_miss(p->oracle->arg, person, r) :
            rng_double(r) < p->fnmr) {
            day->false_non_matches++;
            fallback(p, day);
        }
        return;
    }
    if (s->flags[person] & P_STORED) {
        if (p->oracle != NULL ? p->oracle->genuine_miss(p->oracle->arg, person, r) :
            rng_double(r) < p->fnmr) {
            day->false_non_matches++;
            fallback(p, day);
        } else
            s->last_used[person] = di;
        return;
    }
    if (p->oracle != NULL ? s->stored > 0 &&
        p->oracle->false_match(p->oracle->arg, person, s->stored, r) : rng_double(r) < p->fpir)
        day->false_matches++;
    enrol = p->enrol == SIM_ENROL_ALL || !t.minor || t.guardian;
    if (enrol) {
        s->flags[person] |= P_STORED;
        s->last_used[person] = di;
        s->stored++;
        day->enrolments++;
    }
}

static void
purge(const struct sim_params *p, struct sim_state *s, int di, struct sim_day *day)
{
    int64_t i;

    for (i = 0; i < s->seen; i++) {
        if ((s->flags[i] & P_STORED) && di - s->last_used[i] > p->retention_days) {
            s->flags[i] &= (uint8_t)~P_STORED;
            s->stored--;
            day->purged++;
        }
    }
}

struct sim_result *
sim_run(const struct sim_params *p, const struct calendar *cal, char **cause)
{
    struct sim_result *res;
    struct sim_state s;
    int di, dev;
    int64_t i;

    if (sim_params_check(p, cause) == -1)
        return NULL;
    res = xcalloc(1, sizeof *res);
    res->params = *p;
    res->days = xcalloc((size_t)p->days, sizeof *res->days);

    memset(&s, 0, sizeof s);
    s.last_used = xcalloc((size_t)p->population, sizeof *s.last_used);
    s.flags = xcalloc((size_t)p->population, sizeof *s.flags);
    for (i = 0; i < p->initial_stored; i++) {
        s.flags[i] = P_STORED;
        s.last_used[i] = 0;
    }
    s.seen = s.stored = p->initial_stored;

    for (di = 0; di < p->days; di++) {
        struct sim_day *day = &res->days[di];
        fa_date d = p->start + di;
        bool weekend = date_weekday(d) >= 6;

        day->date = d;
        for (dev = 0; dev < p->devices; dev++) {
            struct rng r;
            int64_t n, k;

            rng_seed(&r, mix(p->seed ^ mix(((uint64_t)(uint32_t)d << 24) ^ (uint64_t)dev)));
            n = poisson(&r, weekend ? p->weekend_mean : p->weekday_mean);
            for (k = 0; k < n; k++)
                arrival(p, &s, &r, di, day);
        }
        if (p->retention_days >= 0 && purge_day(p->purge, d))
            purge(p, &s, di, day);
        day->stored = s.stored;
    }
    sim_result_finish(res, cal);
    free(s.last_used);
    free(s.flags);
    return res;
}

void
sim_result_finish(struct sim_result *res, const struct calendar *cal)
{
    const struct sim_params *p = &res->params;
    fa_date in_force = date_from_ymd(2025, 6, 1);
    int di;

    res->peak_stored = 0;
    res->threshold_reached = FA_DATE_NONE;
    res->filing_deadline = FA_DATE_NONE;
    res->art15_failing_from = FA_DATE_NONE;
    res->deadline_approx = false;
    for (di = 0; di < p->days; di++) {
        if (res->days[di].stored > res->peak_stored)
            res->peak_stored = res->days[di].stored;
        if (res->threshold_reached == FA_DATE_NONE &&
            res->days[di].stored >= SIM_FILING_THRESHOLD)
            res->threshold_reached = res->days[di].date;
    }
    if (p->initial_stored >= SIM_FILING_THRESHOLD)
        res->threshold_reached = p->start;
    if (res->threshold_reached != FA_DATE_NONE) {
        /* Before the Measures took effect the 30 working days run from 2025-06-01. */
        fa_date from = FA_MAX(res->threshold_reached, in_force);

        res->filing_deadline = calendar_add_working_days(cal, from, SIM_FILING_WORKING_DAYS,
            &res->deadline_approx);
        if (p->filed == FA_DATE_NONE || p->filed > res->filing_deadline)
            res->art15_failing_from = res->filing_deadline + 1;
    }
}

void
sim_result_free(struct sim_result *r)
{
    if (r == NULL)
        return;
    free(r->days);
    free(r);
}
