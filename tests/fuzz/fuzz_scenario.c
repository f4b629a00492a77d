/* SPDX-License-Identifier: MIT */
/*
 * fuzz_scenario.c - the scenario loader (*.fa.yaml): arbitrary bytes
 * through the libyaml pre-scan, libcyaml and the typed conversion, then
 * validation and a save of whatever loaded (a loaded scenario must always
 * save). Seeds in tests/fuzz/corpus/scenario/.
 */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include "faceaudit/scenario.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct scenario_problem *p = NULL;
    struct scenario *sc;
    char *cause = NULL, out[] = "/tmp/fa-fuzz-XXXXXX";
    size_t n = 0;
    int fd;

    /* no inventory or evidence lookups outside a fixed, empty folder */
    sc = scenario_load_data("/nonexistent/fuzz.fa.yaml", (const char *)data, size, 0, &cause);
    free(cause);
    if (sc == NULL)
        return 0;
    scenario_validate(sc, &p, &n);
    scenario_problems_free(p, n);
    if ((fd = mkstemp(out)) >= 0) {
        close(fd);
        cause = NULL;
        if (scenario_save(sc, out, &cause) < 0)
            abort(); /* a loaded scenario must always save */
        unlink(out);
    }
    scenario_free(sc);
    return 0;
}
