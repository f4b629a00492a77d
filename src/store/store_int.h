/* SPDX-License-Identifier: MIT */
#ifndef FA_STORE_INT_H
#define FA_STORE_INT_H
/*
 * store_int.h - private to src/store/: the struct behind the opaque handle,
 * so each table group's file can prepare its own statements.
 */

#include <sqlite3.h>
#include <stdbool.h>

struct store_key;

struct store {
    sqlite3 *db;
    char *path;
    struct store_key *key; /* the template key, loaded on first use */
};

/*
 * The template key (store_crypt.h) for this database's templates, loaded
 * once from store_key_default_path(); with create, a missing key file is
 * made. Borrowed; NULL with *cause.
 */
struct store_key *store_template_key(struct store *st, bool create, char **cause);

#endif /* FA_STORE_INT_H */
