/* SPDX-License-Identifier: MIT */
#ifndef FA_STORE_H
#define FA_STORE_H
/*
 * store.h - the SQLite database (the only module that includes sqlite3.h).
 *
 * store_open() opens or creates the database file (mode 0600), sets WAL,
 * foreign keys and a busy timeout, and migrates the schema to the newest
 * version keyed on PRAGMA user_version, each migration in its own
 * transaction. A database from a newer faceaudit is refused, never touched.
 *
 * Errors: functions returning int give 0 on success, -1 with *cause set
 * (allocated, caller frees). A struct store is used by one thread at a time.
 */

#include <stdbool.h>
#include <stdint.h>

struct store;

/* One schema migration: applied when user_version < version. */
struct store_migration {
    int version;
    const char *summary;
    const char *sql;
    /* rebuilds a table other tables refer to (SQLite's 12-step ALTER): run
     * with foreign keys off, then PRAGMA foreign_key_check must find nothing */
    bool rebuild;
};

/* The built-in migrations, in version order; last one is the newest. */
extern const struct store_migration store_migrations[];
extern const unsigned store_nmigrations;

/* Default path: $FACEAUDIT_DB, else <data home>/faceaudit.db. Caller frees. */
char *store_default_path(void);
struct store *store_open(const char *path, char **cause);
/*
 * Open an existing database read-only and never write to it or beside it
 * (SQLite's immutable URI: no -wal, -shm or journal is created), e.g. a
 * shard database on a read-only mount for `merge`. The file must be
 * complete (no pending -wal content: refused) and at this faceaudit's
 * newest schema version (refused otherwise: it cannot be migrated).
 */
struct store *store_open_readonly(const char *path, char **cause);
/* Open without migrating (for tests of the migration path itself). */
struct store *store_open_raw(const char *path, char **cause);
void store_close(struct store *st);
const char *store_path(const struct store *st);

/* Run migrations up to the newest version; returns the number applied or -1. */
int store_migrate(struct store *st, char **cause);
int store_user_version(struct store *st);
int store_exec(struct store *st, const char *sql, char **cause);
int store_begin(struct store *st, char **cause);
int store_commit(struct store *st, char **cause);
void store_rollback(struct store *st);
/* PRAGMA integrity_check; returns 0 when the database reports "ok". */
int store_integrity_check(struct store *st, char **cause);
/*
 * `db check`: the integrity check, then (when the template key can be
 * loaded) every template's seal with its gallery, subject, image and time.
 * Returns 0 when both pass, 1 when one fails (*cause), -1 on errors.
 * *ntemplates gets the templates checked, -1 when the seals could not be
 * (*why_not says why; caller frees).
 */
int store_check(struct store *st, int64_t *ntemplates, char **why_not, char **cause);
/* Number of rows of a table (for tests and `faceaudit db info`), or -1. */
int64_t store_count_rows(struct store *st, const char *table, char **cause);

/*
 * Fault injection for the crash-safety tests: when $FACEAUDIT_CRASH_AT is
 * "NAME:N", the Nth call of store_crash_point("NAME") kills the process with
 * SIGKILL (no cleanup, no rollback: what a power cut or the OOM killer does);
 * with "NAME:N:INT" it raises SIGINT instead (Ctrl-C at a known point).
 * Writers call it between the rows of a multi-row write. Otherwise a no-op.
 */
void store_crash_point(const char *name);

#endif /* FA_STORE_H */
