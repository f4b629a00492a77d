/* SPDX-License-Identifier: MIT */
/*
 * store_sim.c - simulation runs and their daily series, from plain rows.
 */
#include "config.h"

#include "faceaudit/store_sim.h"

#include <stdlib.h>

#include "faceaudit/log.h"
#include "faceaudit/store_thumb.h"
#include "store_int.h"

int64_t
store_sim_save(struct store *st, const char *kind, const char *name, const char *params_json,
    const char *summary_json, const struct store_sim_day *days, size_t ndays,
    const struct store_thumb *thumbs, size_t nthumbs, char **cause)
{
    sqlite3_stmt *stmt = NULL;
    struct store_key *key = NULL;
    int64_t id;
    size_t i;

    if (nthumbs > 0 && (key = store_template_key(st, true, cause)) == NULL)
        return -1;
    if (store_begin(st, cause) == -1)
        return -1;
    if (sqlite3_prepare_v2(st->db, "INSERT INTO run(kind, name, software, params, summary) "
            "VALUES (?5, ?1, ?2, ?3, ?4)", -1, &stmt, NULL) != SQLITE_OK)
        goto sqlerr;
    if (name != NULL)
        sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, PACKAGE_STRING, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, params_json, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 4, summary_json, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 5, kind, -1, SQLITE_STATIC);
    if (sqlite3_step(stmt) != SQLITE_DONE) {
        if (sqlite3_extended_errcode(st->db) == SQLITE_CONSTRAINT_UNIQUE) {
            cause_set(cause, "a %s run named '%s' already exists", kind, name);
            goto fail;
        }
        goto sqlerr;
    }
    id = sqlite3_last_insert_rowid(st->db);
    sqlite3_finalize(stmt);
    if (sqlite3_prepare_v2(st->db, "INSERT INTO sim_day(run, day, date, arrivals, new_people, "
            "enrolments, stored, purged, refusals, served, turned_away, false_non_matches, "
            "false_matches, minors, minors_no_consent, articles) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?, ?, ?, ?, ?)", -1, &stmt, NULL) != SQLITE_OK)
        goto sqlerr;
    for (i = 0; i < ndays; i++) {
        const struct store_sim_day *d = &days[i];
        char date[11];

        date_format(d->date, date);
        sqlite3_reset(stmt);
        sqlite3_bind_int64(stmt, 1, id);
        sqlite3_bind_int64(stmt, 2, (int64_t)i);
        sqlite3_bind_text(stmt, 3, date, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(stmt, 4, d->arrivals);
        sqlite3_bind_int64(stmt, 5, d->new_people);
        sqlite3_bind_int64(stmt, 6, d->enrolments);
        sqlite3_bind_int64(stmt, 7, d->stored);
        sqlite3_bind_int64(stmt, 8, d->purged);
        sqlite3_bind_int64(stmt, 9, d->refusals);
        sqlite3_bind_int64(stmt, 10, d->served);
        sqlite3_bind_int64(stmt, 11, d->turned_away);
        sqlite3_bind_int64(stmt, 12, d->false_non_matches);
        sqlite3_bind_int64(stmt, 13, d->false_matches);
        sqlite3_bind_int64(stmt, 14, d->minors);
        sqlite3_bind_int64(stmt, 15, d->minors_no_consent);
        if (d->articles != NULL)
            sqlite3_bind_text(stmt, 16, d->articles, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(stmt, 16);
        if (sqlite3_step(stmt) != SQLITE_DONE)
            goto sqlerr;
        store_crash_point("sim_day");
    }
    sqlite3_finalize(stmt);
    stmt = NULL;
    /* the kept thumbnails (sealed) and their log entry commit with the run or not at all */
    if (store_thumbs_put(st, key, id, thumbs, nthumbs, cause) == -1)
        goto fail;
    store_crash_point("sim_commit");
    if (sqlite3_prepare_v2(st->db, "UPDATE run SET status = 'complete', finished_at = "
            "strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?", -1, &stmt, NULL) != SQLITE_OK)
        goto sqlerr;
    sqlite3_bind_int64(stmt, 1, id);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        goto sqlerr;
    sqlite3_finalize(stmt);
    if (store_commit(st, cause) == -1) {
        store_rollback(st);
        return -1;
    }
    return id;
sqlerr:
    cause_set(cause, "storing the simulation: %s", sqlite3_errmsg(st->db));
fail:
    sqlite3_finalize(stmt);
    store_rollback(st);
    return -1;
}
