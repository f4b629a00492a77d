/* SPDX-License-Identifier: MIT */
/*
 * store_footage.c - checkpoints of a replay's footage, one per device-day,
 * in the meta table under "footage-ckpt/RUNKEY/DAYKEY" (no schema change:
 * they live only while a replay is unfinished and are dropped when it
 * completes). See store_footage.h.
 */
#include "config.h"

#include "faceaudit/store_footage.h"

#include <sqlite3.h>
#include <stdlib.h>

#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"
#include "store_int.h"

int
store_footage_ckpt_put(struct store *st, const char *run_key, const char *day_key,
    const char *value, char **cause)
{
    char *key = xasprintf("footage-ckpt/%s/%s", run_key, day_key);
    int rc = store_meta_set(st, key, value, true, cause);

    free(key);
    return rc;
}

char *
store_footage_ckpt_get(struct store *st, const char *run_key, const char *day_key)
{
    char *key = xasprintf("footage-ckpt/%s/%s", run_key, day_key);
    char *v = store_meta_get(st, key);

    free(key);
    return v;
}

int
store_footage_ckpt_clear(struct store *st, const char *run_key, char **cause)
{
    /* keys from "footage-ckpt/RUNKEY/" up to (not including) "footage-ckpt/RUNKEY0" */
    char *lo = xasprintf("footage-ckpt/%s/", run_key), *hi = xasprintf("footage-ckpt/%s0", run_key);
    sqlite3_stmt *stmt;
    int rc = -1;

    if (sqlite3_prepare_v2(st->db, "DELETE FROM meta WHERE key >= ?1 AND key < ?2", -1, &stmt,
            NULL) != SQLITE_OK) {
        cause_set(cause, "footage checkpoints: %s", sqlite3_errmsg(st->db));
        goto out;
    }
    sqlite3_bind_text(stmt, 1, lo, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, hi, -1, SQLITE_STATIC);
    if (sqlite3_step(stmt) == SQLITE_DONE)
        rc = sqlite3_changes(st->db);
    else
        cause_set(cause, "footage checkpoints: %s", sqlite3_errmsg(st->db));
    sqlite3_finalize(stmt);
out:
    free(lo);
    free(hi);
    return rc;
}
