/* SPDX-License-Identifier: MIT */
/*
 * fuzz_report_json.c - the reader of JSON audit results used by `faceaudit
 * diff` and `audit --baseline` (report_snapshot_from_json): structure
 * checks on top of the strict JSON parser, the rules[] clause table; an
 * accepted snapshot is diffed against itself and printed.
 */
#include "config.h"

#include <stdlib.h>

#include "faceaudit/report.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *cause = NULL;
    struct report_snapshot *s = report_snapshot_from_json((const char *)data, size,
        "fuzz.json", &cause);

    if (s != NULL) {
        struct report_diff *d = report_diff_new(s, s);
        char *t = report_diff_text(d, true), *j = report_diff_json(d);

        free(t);
        free(j);
        report_diff_free(d);
        report_snapshot_free(s);
    }
    free(cause);
    return 0;
}
