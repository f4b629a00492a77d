/* SPDX-License-Identifier: MIT */
/*
 * bench/audit.c - a generated deployment of N devices (default 10,000:
 * 100 zones of 100 devices, a few of them in private spaces so findings
 * are produced) audited end to end: load the rule pack and calendar, load
 * the scenario YAML, evaluate, format the text and JSON reports. Prints the
 * time of each phase and the peak RSS. Target (doc/PERFORMANCE.md): < 100 ms
 * for 10,000 devices, memory linear in devices.
 *
 * With --histories every device has an installation date and a dated
 * history of its signage (three entries), and 1% were removed: the rules
 * then read every fact as of the audit date (issue 13: < 100 ms as well).
 *
 *   make bench && bench/audit [DEVICES] [--histories]   (FACEAUDIT_RULES or ./rules)
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "faceaudit/calendar.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/rule.h"
#include "faceaudit/scenario.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

static double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

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

int
main(int argc, char **argv)
{
    int histories = argc > 1 && strcmp(argv[argc - 1], "--histories") == 0;
    int ndev = argc > 1 + histories ? atoi(argv[1]) : 10000;
    const char *env = getenv("FACEAUDIT_RULES");
    char *rules = xstrdup(env != NULL && *env != '\0' ? env : "rules");
    char *cdir = path_join(rules, "calendar"), *cause = NULL, *yaml, *text, *json;
    char tmpl[] = "/tmp/fa-bench-XXXXXX";
    char *path;
    struct rule_pack *pack;
    struct calendar *cal;
    struct scenario *sc;
    struct audit_result *res;
    struct audit_opts opts;
    struct audit_meta meta;
    struct rusage ru;
    double t0, t1, t2, t3, t4, t5, c0, c1, c2, c3, c4, c5;

    if (ndev < 1 || ndev > 1000000) {
        fprintf(stderr, "usage: bench/audit [DEVICES 1..1000000] [--histories]\n");
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
    t0 = now_ms();
    c0 = cpu_ms();
    pack = rule_pack_load(rules, &cause);
    cal = pack != NULL ? calendar_load(cdir, &cause) : NULL;
    if (pack == NULL || cal == NULL) {
        fprintf(stderr, "bench/audit: %s\n", cause);
        return 2;
    }
    t1 = now_ms();
    c1 = cpu_ms();
    if ((sc = scenario_load(path, SCENARIO_LOAD_NO_EVIDENCE, &cause)) == NULL) {
        fprintf(stderr, "bench/audit: %s\n", cause);
        return 2;
    }
    t2 = now_ms();
    c2 = cpu_ms();
    opts.as_of = date_from_ymd(2025, 12, 1);
    opts.cal = cal;
    opts.waivers = NULL;
    opts.readings = NULL;
    if ((res = audit_run(pack, sc, &opts, &cause)) == NULL) {
        fprintf(stderr, "bench/audit: %s\n", cause);
        return 2;
    }
    t3 = now_ms();
    c3 = cpu_ms();
    memset(&meta, 0, sizeof meta);
    meta.software = "bench";
    meta.scenario_id = "bench";
    meta.scenario_path = path;
    meta.scenario_hash = scenario_hash(sc);
    meta.calendar_version = calendar_version(cal);
    meta.calendar_years = "";
    text = audit_format_text(res, pack, &meta, false);
    t4 = now_ms();
    c4 = cpu_ms();
    json = audit_format_json(res, pack, &meta);
    t5 = now_ms();
    c5 = cpu_ms();
    getrusage(RUSAGE_SELF, &ru);
    printf("audit of %d devices%s (%zu rules, %zu findings: %zu fail, %zu pass)\n", ndev,
        histories ? " with histories" : "", rule_pack_nrules(pack), res->nfindings,
        res->counts[RULE_FAIL], res->counts[RULE_PASS]);
    printf("                       wall ms    cpu ms\n");
    printf("  rules+calendar load %8.2f  %8.2f\n", t1 - t0, c1 - c0);
    printf("  scenario load       %8.2f  %8.2f  (%zu bytes of YAML)\n", t2 - t1, c2 - c1,
        strlen(yaml));
    printf("  evaluate            %8.2f  %8.2f\n", t3 - t2, c3 - c2);
    printf("  text verdict        %8.2f  %8.2f  (%zu bytes)\n", t4 - t3, c4 - c3, strlen(text));
    printf("  end to end (text)   %8.2f  %8.2f  (target < 100 ms at 10,000 devices)\n",
        t4 - t0, c4 - c0);
    printf("  JSON, every finding %8.2f  %8.2f  (%zu bytes)\n", t5 - t4, c5 - c4, strlen(json));
    printf("  peak RSS            %8.1f MB\n", (double)ru.ru_maxrss / 1024.0);
    unlink(path);
    rmdir(tmpl);
    free(text);
    free(json);
    free(yaml);
    free(path);
    audit_result_free(res);
    scenario_free(sc);
    calendar_free(cal);
    rule_pack_free(pack);
    free(cdir);
    free(rules);
    return 0;
}
