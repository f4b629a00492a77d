/* SPDX-License-Identifier: MIT */
/*
 * sim_bench.c - bench/sim: 365 days x 50,000 arrivals a day with the
 * error-rate model (doc/PERFORMANCE.md: < 2 s, memory not growing with days).
 * Prints wall time, arrivals per second and peak RSS; then 3650 days to show
 * that memory grows only with the time series.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "faceaudit/calendar.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/sim.h"

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long
peak_rss_kb(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void
run(const struct calendar *cal, int days)
{
    struct sim_params p;
    struct sim_result *r;
    int64_t arrivals = 0;
    double t0, t1;
    char *cause = NULL;
    int i;

    sim_params_default(&p);
    p.start = date_from_ymd(2025, 6, 1);
    p.days = days;
    p.devices = 50;
    p.weekday_mean = 1000; /* 50 devices x 1000 = 50,000 a day */
    p.weekend_mean = 1000;
    p.population = 2000000;
    p.returning_rate = 0.7;
    p.share_under14 = 0.1;
    p.guardian_consent = 0.5;
    p.retention_days = 180;
    p.purge = SIM_PURGE_WEEKLY;
    p.fnmr = 0.02;
    p.fpir = 0.001;
    t0 = now();
    if ((r = sim_run(&p, cal, &cause)) == NULL) {
        fprintf(stderr, "sim: %s\n", cause);
        exit(1);
    }
    t1 = now();
    for (i = 0; i < days; i++)
        arrivals += r->days[i].arrivals;
    printf("sim %4d days: %lld arrivals in %.3f s (%.1f M arrivals/s), peak stored %lld, "
        "peak RSS %ld KiB (target < 2 s for 365 days)\n", days, (long long)arrivals, t1 - t0,
        (double)arrivals / (t1 - t0) / 1e6, (long long)r->peak_stored, peak_rss_kb());
    sim_result_free(r);
}

int
main(void)
{
    char *rules = path_rules_dir(), *dir = path_join(rules, "calendar"), *cause = NULL;
    struct calendar *cal = calendar_load(dir, &cause);

    if (cal == NULL) {
        fprintf(stderr, "bench/sim: %s\n", cause);
        return 1;
    }
    run(cal, 365);
    run(cal, 3650);
    calendar_free(cal);
    free(dir);
    free(rules);
    return 0;
}
