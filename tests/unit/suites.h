/* SPDX-License-Identifier: MIT */
#ifndef FA_TEST_SUITES_H
#define FA_TEST_SUITES_H
/*
 * suites.h - one Check suite per module; check_main.c chains them.
 * Add a module: write tests/unit/check_<module>.c exporting <module>_suite(),
 * declare it here and list it in check_main.c's suite table.
 */

#include <check.h>

Suite *core_suite(void);
Suite *store_suite(void);
Suite *models_suite(void);

#endif /* FA_TEST_SUITES_H */
