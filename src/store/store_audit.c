/* SPDX-License-Identifier: MIT */
/*
 * store_audit.c - audit runs and findings (migration 5): one transaction
 * per run with prepared statements reused across the findings, so a
 * 10,000-device audit is saved in one commit.
 */
#include "config.h"

#include "faceaudit/store_audit.h"

#include <stdio.h>
#include <stdlib.h>

#include "store/store_int.h"

#include "faceaudit/log.h"
#include "faceaudit/store.h"

static int
bind_text(sqlite3_stmt *s, int i, const char *v)
{
    return v != NULL ? sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(s, i);
}

static int
fail(struct store *st, sqlite3_stmt *s, char **cause, const char *what)
{
    cause_set(cause, "%s: saving the audit (%s): %s", st->path, what, sqlite3_errmsg(st->db));
    sqlite3_finalize(s);
    return -1;
}

/* Save one audit run in one transaction; returns its run id or -1. */
int64_t
store_audit_save(struct store *st, const struct store_audit_run *run,
    const struct store_audit_finding *findings, size_t nfindings,
    const struct store_audit_article *articles, size_t narticles, char **cause)
{
    sqlite3_stmt *s = NULL;
    int64_t id;
    size_t i;
    char grade[2] = { run->grade, '\0' }, grade_nw[2] = { run->grade_no_waivers, '\0' };

    if (store_begin(st, cause) != 0)
        return -1;
    if (sqlite3_prepare_v2(st->db, "INSERT INTO run(kind, name, software, params, summary) "
        "VALUES ('audit', NULL, ?1, json_object('scenario', ?2, 'as_of', ?3), ?4)", -1, &s,
        NULL) != SQLITE_OK)
        goto fail_run;
    bind_text(s, 1, run->software);
    bind_text(s, 2, run->scenario_path);
    bind_text(s, 3, run->as_of);
    bind_text(s, 4, run->summary != NULL ? run->summary : "{}");
    if (sqlite3_step(s) != SQLITE_DONE)
        goto fail_run;
    sqlite3_finalize(s);
    id = sqlite3_last_insert_rowid(st->db);

    if (sqlite3_prepare_v2(st->db, "INSERT INTO audit_run(run_id, scenario_id, scenario_path, "
        "scenario_hash, rule_pack_hash, calendar_version, waivers_hash, as_of, score, "
        "score_no_waivers, grade, grade_no_waivers) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,"
        "?11,?12)", -1, &s, NULL) != SQLITE_OK)
        goto fail_run;
    sqlite3_bind_int64(s, 1, id);
    bind_text(s, 2, run->scenario_id);
    bind_text(s, 3, run->scenario_path);
    bind_text(s, 4, run->scenario_hash);
    bind_text(s, 5, run->rule_pack_hash);
    bind_text(s, 6, run->calendar_version);
    bind_text(s, 7, run->waivers_hash);
    bind_text(s, 8, run->as_of);
    sqlite3_bind_double(s, 9, run->score);
    sqlite3_bind_double(s, 10, run->score_no_waivers);
    bind_text(s, 11, grade);
    bind_text(s, 12, grade_nw);
    if (sqlite3_step(s) != SQLITE_DONE)
        goto fail_run;
    sqlite3_finalize(s);

    if (sqlite3_prepare_v2(st->db, "INSERT INTO audit_finding(run_id, seq, rule, article, "
        "clause, severity, entity, outcome, message, reason, explanation) VALUES (?1,?2,?3,"
        "?4,?5,?6,?7,?8,?9,?10,?11)", -1, &s, NULL) != SQLITE_OK)
        goto fail_run;
    for (i = 0; i < nfindings; i++) {
        const struct store_audit_finding *f = &findings[i];

        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int64(s, 2, (int64_t)i);
        bind_text(s, 3, f->rule);
        sqlite3_bind_int(s, 4, f->article);
        bind_text(s, 5, f->clause);
        bind_text(s, 6, f->severity);
        bind_text(s, 7, f->entity);
        bind_text(s, 8, f->outcome);
        bind_text(s, 9, f->message);
        bind_text(s, 10, f->reason);
        bind_text(s, 11, f->explanation != NULL ? f->explanation : "{}");
        if (sqlite3_step(s) != SQLITE_DONE)
            goto fail_run;
    }
    sqlite3_finalize(s);

    if (sqlite3_prepare_v2(st->db, "INSERT INTO audit_article(run_id, article, outcome) "
        "VALUES (?1, ?2, ?3)", -1, &s, NULL) != SQLITE_OK)
        goto fail_run;
    for (i = 0; i < narticles; i++) {
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int(s, 2, articles[i].article);
        bind_text(s, 3, articles[i].outcome);
        if (sqlite3_step(s) != SQLITE_DONE)
            goto fail_run;
    }
    sqlite3_finalize(s);
    s = NULL;
    if (sqlite3_prepare_v2(st->db, "UPDATE run SET status = 'complete', finished_at = "
        "strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1", -1, &s, NULL) != SQLITE_OK)
        goto fail_run;
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) != SQLITE_DONE)
        goto fail_run;
    sqlite3_finalize(s);
    if (store_commit(st, cause) != 0) {
        store_rollback(st);
        return -1;
    }
    return id;
fail_run:
    fail(st, s, cause, "insert");
    store_rollback(st);
    return -1;
}
