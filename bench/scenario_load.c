/* SPDX-License-Identifier: MIT */
/*
 * scenario_load.c - bench/scenario_load: load a generated deployment of N
 * devices (default 10,000: 20 sites x 10 zones x 50 devices) written two
 * ways, inline YAML and a CSV inventory, and print the best load time of a
 * few runs, the file sizes and the peak RSS. The audit target (doc/PERFORMANCE.md
 * §11: a 10,000-device audit in < 100 ms) includes this load.
 * Usage: bench/scenario_load [N]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/scenario.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

#define RUNS 5

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
cpu(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long
peak_rss_kb(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* The YAML head, its sites and zones; devices inline unless csv is set. */
static void
generate(struct strbuf *yaml, struct strbuf *csv, int ndev, bool inline_devices)
{
    int nzones = (ndev + 49) / 50, z, d, n = 0;

    strbuf_puts(yaml, "faceaudit: 1\nid: bench\nas_of: 2025-09-01\n"
        "consent: {type: separate, withdrawal_channel: true}\n"
        "storage: {on_device: true, location: on_device, stored_persons: 80000}\n");
    if (!inline_devices) {
        strbuf_puts(yaml, "inventory: bench.csv\n");
        strbuf_puts(csv, "id,zone,identifies_people,stores_faces,model,installed\n");
    }
    strbuf_puts(yaml, "sites:\n");
    for (z = 0; z < nzones; z++) {
        if (z % 10 == 0)
            strbuf_printf(yaml, "  - id: site-%d\n    place: public_place\n    zones:\n", z / 10);
        strbuf_printf(yaml, "      - id: zone-%d\n        location: %s\n"
            "        signage: {present: true, prominent: true}\n", z,
            z % 37 == 5 ? "changing_room" : "gate");
        if (inline_devices)
            strbuf_puts(yaml, "        devices:\n");
        for (d = 0; d < 50 && n < ndev; d++, n++) {
            if (inline_devices)
                strbuf_printf(yaml, "          - {id: dev-%d, identifies_people: true, "
                    "stores_faces: false, model: FaceGate M3, installed: 2025-06-10}\n", n);
            else
                strbuf_printf(csv, "dev-%d,zone-%d,true,false,FaceGate M3,2025-06-10\n", n, z);
        }
    }
}

static int
bench(const char *dir, int ndev, bool inline_devices)
{
    struct strbuf yaml, csv;
    char *ypath = path_join(dir, "bench.fa.yaml"), *cpath = path_join(dir, "bench.csv");
    char *cause = NULL;
    double best_wall = 1e9, best_cpu = 1e9;
    int i, rc = 0;

    strbuf_init(&yaml);
    strbuf_init(&csv);
    generate(&yaml, &csv, ndev, inline_devices);
    if (fs_write_atomic(ypath, yaml.buf, yaml.len, 0644, &cause) < 0 ||
        (!inline_devices && fs_write_atomic(cpath, csv.buf, csv.len, 0644, &cause) < 0)) {
        fprintf(stderr, "scenario_load: %s\n", cause);
        return 1;
    }
    for (i = 0; i < RUNS; i++) {
        double w0 = now(), c0 = cpu();
        struct scenario *sc = scenario_load(ypath, SCENARIO_LOAD_NO_EVIDENCE, &cause);
        double w = now() - w0, c = cpu() - c0;

        if (sc == NULL) {
            fprintf(stderr, "scenario_load: %s\n", cause);
            rc = 1;
            break;
        }
        if (scenario_count(sc, SCENARIO_DEVICE) != (size_t)ndev) {
            fprintf(stderr, "scenario_load: %zu devices loaded, expected %d\n",
                scenario_count(sc, SCENARIO_DEVICE), ndev);
            rc = 1;
        }
        scenario_free(sc);
        best_wall = w < best_wall ? w : best_wall;
        best_cpu = c < best_cpu ? c : best_cpu;
    }
    if (rc == 0 && inline_devices)
        printf("  %-22s %8.1f ms wall %8.1f ms CPU   (YAML %zu KB)\n", "devices inline (YAML)",
            best_wall * 1e3, best_cpu * 1e3, yaml.len / 1024);
    else if (rc == 0)
        printf("  %-22s %8.1f ms wall %8.1f ms CPU   (YAML %zu KB, CSV %zu KB)\n",
            "devices from CSV", best_wall * 1e3, best_cpu * 1e3, yaml.len / 1024,
            csv.len / 1024);
    strbuf_done(&yaml);
    strbuf_done(&csv);
    free(ypath);
    free(cpath);
    return rc;
}

int
main(int argc, char **argv)
{
    int ndev = argc > 1 ? atoi(argv[1]) : 10000, rc;
    char tmpl[] = "/tmp/fa-bench-XXXXXX";

    if (ndev <= 0 || mkdtemp(tmpl) == NULL) {
        fprintf(stderr, "usage: bench/scenario_load [N]\n");
        return 2;
    }
    printf("scenario load, %d devices, best of %d runs\n", ndev, RUNS);
    rc = bench(tmpl, ndev, true);
    rc |= bench(tmpl, ndev, false);
    printf("  peak RSS %ld KB\n", peak_rss_kb());
    fs_remove_tree(tmpl, NULL);
    return rc;
}
