/* SPDX-License-Identifier: MIT */
/*
 * fuzz_inventory.c - the CSV device inventory of a scenario (libcsv): the
 * input is the inventory a fixed scenario names (two sites, three zones),
 * with byte-order marks, CRLF line ends, quoting, column names that are
 * device fact paths, typed values and ids that must match a zone. A loaded
 * scenario is validated. Seeds in tests/fuzz/corpus/inventory/.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "faceaudit/scenario.h"
#include "faceaudit/xmalloc.h"
#include "fuzz.h"
#include "fuzz_tmpfile.h"

static const char yaml[] =
    "faceaudit: 1\n"
    "id: fuzz-inventory\n"
    "as_of: 2025-09-01\n"
    "inventory: devices.csv\n"
    "sites:\n"
    "  - id: hq\n"
    "    zones:\n"
    "      - id: lobby\n"
    "      - id: floor-2\n"
    "  - id: depot\n"
    "    zones:\n"
    "      - id: gate\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct scenario_problem *p = NULL;
    struct scenario *sc;
    const char *csv = fuzz_tmpfile("devices.csv", data, size);
    char *path = xstrdup(csv), *cause = NULL;
    size_t n = 0;

    strcpy(strrchr(path, '/') + 1, "s.fa.yaml"); /* "devices.csv" is longer */
    sc = scenario_load_data(path, yaml, sizeof yaml - 1, SCENARIO_LOAD_NO_EVIDENCE, &cause);
    if (sc != NULL) {
        scenario_validate(sc, &p, &n);
        scenario_problems_free(p, n);
        scenario_free(sc);
    }
    free(cause);
    free(path);
    return 0;
}
