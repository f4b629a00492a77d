/* SPDX-License-Identifier: MIT */
/*
 * bench/audit.c - a generated deployment of N devices (default 10,000:
 * 100 zones of 100 devices, a few of them in private spaces so findings
 * are produced) audited end to end in process, the way `faceaudit audit`
 * does it: load the rule pack and calendar, load the scenario YAML,
 * evaluate (aggregated from 5,000 devices, devices that share their facts
 * decided once), group the findings across devices, and write the text and
 * the JSON report as they are produced (to /dev/null). Prints the CPU time
 * of each phase, best and median of --reps runs (default 5; CPU time is the
 * fairer figure on a shared machine, and the load average is printed), and
 * the peak RSS. Target (doc/PERFORMANCE.md): < 100 ms for 10,000 devices.
 *
 * With --histories every device has an installation date and a dated
 * history of its signage (three entries), and 1% were removed: the rules
 * then read every fact as of the audit date (issue 13: < 100 ms as well).
 * --per-device evaluates and reports every instance (no aggregation, no
 * grouping), as `audit --per-device` does.
 *
 *   make bench && bench/audit [DEVICES] [--histories] [--per-device] [--reps N]
 *   (FACEAUDIT_RULES or ./rules)
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "faceaudit/calendar.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/report.h"
#include "faceaudit/rule.h"
#include "faceaudit/scenario.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

/* CPU time of the process: less disturbed by other work on a shared machine. */
static double
cpu_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static char *
generate(const char *rules, int ndev, int histories)
{
    char *base = path_join(rules, "tests/compliant.fa.yaml"), *cause = NULL, *text;
    size_t len;
    struct strbuf sb;
    char *cut;
    int z, d, zones = (ndev + 99) / 100;

    if ((text = fs_read_file(base, 1 << 20, &len, &cause)) == NULL) {
        fprintf(stderr, "bench/audit: %s\n", cause);
        exit(2);
    }
    cut = strstr(text, "\nsites:");
    *cut = '\0';
    strbuf_init(&sb);
    strbuf_puts(&sb, text);
    strbuf_puts(&sb, "\nsites:\n  - id: city\n    name: City network\n    place: public_place\n"
        "    public_safety_need: true\n    zones:\n");
    for (z = 0; z < zones; z++) {
        strbuf_printf(&sb, "      - id: z%d\n        location: %s\n"
            "        collection_area_defined: true\n        signage:\n"
            "          present: true\n          prominent: %s\n        devices:\n", z,
            z % 50 == 7 ? "changing_room" : "gate", z % 10 == 3 ? "false" : "true");
        for (d = 0; d < 100 && z * 100 + d < ndev; d++) {
            strbuf_printf(&sb, "          - id: d%d-%d\n            identifies_people: true\n",
                z, d);
            /* --histories: every device dated, its signage with a history, 1% removed */
            if (histories)
                strbuf_printf(&sb, "            installed: 2025-01-15\n%s"
                    "            signage:\n              prominent:\n"
                    "                - {from: 2025-01-15, value: false}\n"
                    "                - {from: 2025-06-01, until: 2025-10-31, value: true}\n"
                    "                - {from: 2025-11-01, value: %s}\n",
                    d == 42 ? "            removed: 2025-09-01\n" : "",
                    z % 10 == 3 ? "false" : "true");
        }
    }
    free(text);
    free(base);
    return strbuf_detach(&sb);
}

enum { PH_PACK, PH_LOAD, PH_EVAL, PH_GROUP, PH_TEXT, PH_JSON, PH_N };

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* One audit end to end; the CPU ms of each phase into ms[]. */
static void
run_once(const char *rules, const char *cdir, const char *path, bool per_device, double *ms,
    size_t *nrules, size_t *nfindings, size_t counts[RULE_NOUTCOMES])
{
    char *cause = NULL;
    struct rule_pack *pack;
    struct calendar *cal;
    struct scenario *sc;
    struct audit_result *res;
    struct report_groups *gs = NULL;
    struct audit_opts opts;
    struct audit_meta meta;
    struct report_input in;
    double c[PH_N + 1];
    FILE *null = fopen("/dev/null", "w");
    size_t k;

    c[0] = cpu_ms();
    pack = rule_pack_load(rules, &cause);
    cal = pack != NULL ? calendar_load(cdir, &cause) : NULL;
    if (pack == NULL || cal == NULL || null == NULL) {
        fprintf(stderr, "bench/audit: %s\n", cause != NULL ? cause : "/dev/null");
        exit(2);
    }
    c[1] = cpu_ms();
    if ((sc = scenario_load(path, SCENARIO_LOAD_NO_EVIDENCE, &cause)) == NULL) {
        fprintf(stderr, "bench/audit: %s\n", cause);
        exit(2);
    }
    c[2] = cpu_ms();
    opts.as_of = date_from_ymd(2025, 12, 1);
    opts.cal = cal;
    opts.waivers = NULL;
    opts.readings = NULL;
    /* as app_audit() chooses: aggregated from 5,000 devices unless per device */
    res = (!per_device && scenario_count(sc, SCENARIO_DEVICE) >= 5000 ? audit_run_aggregated :
        audit_run)(pack, sc, &opts, &cause);
    if (res == NULL) {
        fprintf(stderr, "bench/audit: %s\n", cause);
        exit(2);
    }
    c[3] = cpu_ms();
    if (!per_device)
        gs = report_groups_new(res, REPORT_MAX_RUNS);
    c[4] = cpu_ms();
    memset(&meta, 0, sizeof meta);
    meta.software = "bench";
    meta.scenario_id = "bench";
    meta.scenario_path = path;
    meta.scenario_hash = scenario_hash(sc);
    meta.calendar_version = calendar_version(cal);
    meta.calendar_years = "";
    memset(&in, 0, sizeof in);
    in.res = res;
    in.pack = pack;
    in.meta = &meta;
    in.sc = sc;
    in.groups = gs;
    if (report_write("text", &in, null, &cause) != 0) {
        fprintf(stderr, "bench/audit: %s\n", cause);
        exit(2);
    }
    c[5] = cpu_ms();
    if (report_write("json", &in, null, &cause) != 0) {
        fprintf(stderr, "bench/audit: %s\n", cause);
        exit(2);
    }
    c[6] = cpu_ms();
    for (k = 0; k < PH_N; k++)
        ms[k] = c[k + 1] - c[k];
    *nrules = rule_pack_nrules(pack);
    *nfindings = res->nfindings;
    memcpy(counts, res->counts, sizeof res->counts);
    fclose(null);
    report_groups_free(gs);
    audit_result_free(res);
    scenario_free(sc);
    calendar_free(cal);
    rule_pack_free(pack);
}

int
main(int argc, char **argv)
{
    static const char *const names[PH_N] = { "rules+calendar load", "scenario load",
        "evaluate", "group findings", "text report", "JSON report" };
    bool histories = false, per_device = false;
    int ndev = 10000, reps = 5, i, r;
    const char *env = getenv("FACEAUDIT_RULES");
    char *rules = xstrdup(env != NULL && *env != '\0' ? env : "rules");
    char *cdir = path_join(rules, "calendar"), *cause = NULL, *yaml, *path;
    char tmpl[] = "/tmp/fa-bench-XXXXXX";
    double (*ms)[PH_N], col[64], e2e[64], load[3];
    size_t nrules = 0, nfindings = 0, counts[RULE_NOUTCOMES];
    struct rusage ru;
    FILE *la;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--histories") == 0)
            histories = true;
        else if (strcmp(argv[i], "--per-device") == 0)
            per_device = true;
        else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
            reps = atoi(argv[++i]);
        else
            ndev = atoi(argv[i]);
    }
    if (ndev < 1 || ndev > 1000000 || reps < 1 || reps > 64) {
        fprintf(stderr, "usage: bench/audit [DEVICES 1..1000000] [--histories] [--per-device] "
            "[--reps 1..64]\n");
        return 2;
    }
    if (mkdtemp(tmpl) == NULL)
        return 2;
    path = path_join(tmpl, "bench.fa.yaml");
    yaml = generate(rules, ndev, histories);
    if (fs_write_atomic(path, yaml, strlen(yaml), 0644, &cause) != 0) {
        fprintf(stderr, "bench/audit: %s\n", cause);
        return 2;
    }
    ms = xcalloc((size_t)reps, sizeof *ms);
    for (r = 0; r < reps; r++)
        run_once(rules, cdir, path, per_device, ms[r], &nrules, &nfindings, counts);
    getrusage(RUSAGE_SELF, &ru);
    load[0] = load[1] = load[2] = 0;
    if ((la = fopen("/proc/loadavg", "r")) != NULL) {
        if (fscanf(la, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
            load[0] = load[1] = load[2] = 0;
        fclose(la);
    }
    printf("audit of %d devices%s%s (%zu rules, %zu findings: %zu fail, %zu pass), %d runs, "
        "load average %.2f %.2f %.2f\n", ndev, histories ? " with histories" : "",
        per_device ? ", per device" : "", nrules, nfindings, counts[RULE_FAIL], counts[RULE_PASS], reps, load[0], load[1], load[2]);
    printf("  CPU ms               best    median  (%zu bytes of YAML)\n", strlen(yaml));
    for (i = 0; i < PH_N; i++) {
        for (r = 0; r < reps; r++)
            col[r] = ms[r][i];
        qsort(col, (size_t)reps, sizeof col[0], cmp_double);
        printf("  %-19s %8.2f  %8.2f\n", names[i], col[0], col[reps / 2]);
    }
    for (r = 0; r < reps; r++)
        e2e[r] = ms[r][PH_PACK] + ms[r][PH_LOAD] + ms[r][PH_EVAL] + ms[r][PH_GROUP] +
            ms[r][PH_TEXT];
    qsort(e2e, (size_t)reps, sizeof e2e[0], cmp_double);
    printf("  end to end (text)   %8.2f  %8.2f  (target < 100 ms at 10,000 devices: %s)\n",
        e2e[0], e2e[reps / 2], ndev != 10000 ? "n/a" : e2e[reps / 2] < 100 ? "met" : "MISSED");
    printf("  peak RSS            %8.1f MB\n", (double)ru.ru_maxrss / 1024.0);
    unlink(path);
    rmdir(tmpl);
    free(ms);
    free(yaml);
    free(path);
    free(cdir);
    free(rules);
    return 0;
}
