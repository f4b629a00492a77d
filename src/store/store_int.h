/* SPDX-License-Identifier: MIT */
#ifndef FA_STORE_INT_H
#define FA_STORE_INT_H
/*
 * store_int.h - private to src/store/: the struct behind the opaque handle,
 * so each table group's file can prepare its own statements.
 */

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

struct store_key;

struct store {
    sqlite3 *db;
    char *path;
    struct store_key *key; /* the template key, loaded on first use */
    bool anchor_pending;   /* a log entry awaits its anchor at commit */
    const struct store_key *anchor_key; /* borrowed from the appender until commit */
    int64_t anchor_count;
    char anchor_head[65];
};

/* Log anchor pending for the next commit (store_log.c; written by store_commit). */
void store_log_anchor_commit(struct store *st);
/* Check every template's seal (and its enrolment entry in the log): 0, 1 (*cause), -1. */
int store_templates_verify(struct store *st, bool enrolments, int64_t *ntemplates,
    char **cause);
/* Re-seal "FAS1" templates with their binding (store_gallery.c); -1 with *cause. */
int store_templates_upgrade(struct store *st, char **cause);
/* meta table values: a new string, or NULL when absent. */
char *store_meta_get(struct store *st, const char *key);
int store_meta_set(struct store *st, const char *key, const char *value, bool replace,
    char **cause);

#endif /* FA_STORE_INT_H */
