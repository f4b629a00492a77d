/* SPDX-License-Identifier: MIT */
#ifndef FA_STORE_INT_H
#define FA_STORE_INT_H
/*
 * store_int.h - private to src/store/: the struct behind the opaque handle,
 * so each table group's file can prepare its own statements.
 */

#include <sqlite3.h>

struct store {
    sqlite3 *db;
    char *path;
};

#endif /* FA_STORE_INT_H */
