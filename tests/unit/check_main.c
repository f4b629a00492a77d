/* SPDX-License-Identifier: MIT */
/*
 * check_main.c - the one Check runner: every module's suite, chained.
 * CK_RUN_SUITE / CK_RUN_CASE select a part; CK_FORK=no runs under gdb.
 */
#include "config.h"

#include <stdlib.h>

#include "suites.h"

int
main(void)
{
    Suite *(*const suites[])(void) = {
        core_suite,
        store_suite,
        models_suite,
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
