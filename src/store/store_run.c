/* SPDX-License-Identifier: MIT */
/*
 * store_run.c - reading the common run table.
 */
#include "config.h"

#include "faceaudit/store_run.h"

#include <stddef.h>

#include "faceaudit/log.h"
#include "store_int.h"

static const char *
text_or_empty(sqlite3_stmt *stmt, int i)
{
    const char *s = (const char *)sqlite3_column_text(stmt, i);

    return s != NULL ? s : "";
}

int
store_run_each(struct store *st, const char *kind,
    void (*fn)(const struct store_run_row *row, void *arg), void *arg, char **cause)
{
    sqlite3_stmt *stmt;
    int step;

    if (sqlite3_prepare_v2(st->db, "SELECT id, kind, name, created_at, finished_at, status, "
            "summary FROM run WHERE ?1 IS NULL OR kind = ?1 ORDER BY created_at DESC, id DESC",
            -1, &stmt, NULL) != SQLITE_OK)
        return cause_set(cause, "runs: %s", sqlite3_errmsg(st->db));
    if (kind != NULL)
        sqlite3_bind_text(stmt, 1, kind, -1, SQLITE_STATIC);
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct store_run_row r;

        r.id = sqlite3_column_int64(stmt, 0);
        r.kind = text_or_empty(stmt, 1);
        r.name = text_or_empty(stmt, 2);
        r.created_at = text_or_empty(stmt, 3);
        r.finished_at = text_or_empty(stmt, 4);
        r.status = text_or_empty(stmt, 5);
        r.summary = text_or_empty(stmt, 6);
        fn(&r, arg);
    }
    sqlite3_finalize(stmt);
    if (step != SQLITE_DONE)
        return cause_set(cause, "runs: %s", sqlite3_errmsg(st->db));
    return 0;
}
