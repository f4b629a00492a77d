/* SPDX-License-Identifier: MIT */
/*
 * check_main.c - the one Check runner: every module's suite, chained.
 * The list comes from CHECK_SUITES in the modules' local.mk fragments
 * (generated tests/unit/suites.inc). CK_RUN_SUITE / CK_RUN_CASE select a
 * part; CK_FORK=no runs in-process (for gdb).
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>

#define FA_SUITE(name) Suite *name##_suite(void);
#include "tests/unit/suites.inc"
#undef FA_SUITE

int
main(void)
{
    Suite *(*const suites[])(void) = {
#define FA_SUITE(name) name##_suite,
#include "tests/unit/suites.inc"
#undef FA_SUITE
    };
    SRunner *sr = srunner_create(NULL);
    size_t i;
    int failed;

    for (i = 0; i < sizeof suites / sizeof suites[0]; i++)
        srunner_add_suite(sr, suites[i]());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
