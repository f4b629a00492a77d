/* SPDX-License-Identifier: MIT */
/*
 * store_report.c - impact-assessment records (pia_record) and stored audit
 * runs read back for diffs and baselines. Records are written in one
 * transaction; the schema refuses edits of a saved record and deletions
 * before its retention ends.
 */
#include "config.h"

#include "faceaudit/store_report.h"

#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

#include "faceaudit/log.h"
#include "faceaudit/sha256.h"
#include "faceaudit/store_audit.h"
#include "faceaudit/str.h"
#include "faceaudit/store.h"
#include "faceaudit/xmalloc.h"

static char *
col_dup(sqlite3_stmt *s, int i)
{
    const char *v = (const char *)sqlite3_column_text(s, i);

    return v != NULL ? xstrdup(v) : NULL;
}

static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v != NULL)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

/* --- PIA records ----------------------------------------------------------------- */

int64_t
store_pia_save(struct store *st, const struct store_pia *p, const char *content, char **cause)
{
    sqlite3_stmt *s = NULL;
    char hex[SHA256_HEX_LEN + 1];
    int64_t id;

    sha256_hex(content, strlen(content), hex);
    if (store_begin(st, cause) != 0)
        return -1;
    if (sqlite3_prepare_v2(st->db, "INSERT INTO pia_record(scenario_id, scenario_path, "
        "scenario_hash, audit_run_id, prepared, review_due, retain_until, format, "
        "content_sha256, content) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)", -1, &s, NULL) !=
        SQLITE_OK)
        goto fail;
    bind_text(s, 1, p->scenario_id);
    bind_text(s, 2, p->scenario_path);
    bind_text(s, 3, p->scenario_hash);
    if (p->audit_run > 0)
        sqlite3_bind_int64(s, 4, p->audit_run);
    else
        sqlite3_bind_null(s, 4);
    bind_text(s, 5, p->prepared);
    bind_text(s, 6, p->review_due);
    bind_text(s, 7, p->retain_until);
    bind_text(s, 8, p->format);
    bind_text(s, 9, hex);
    bind_text(s, 10, content);
    if (sqlite3_step(s) != SQLITE_DONE)
        goto fail;
    sqlite3_finalize(s);
    id = sqlite3_last_insert_rowid(st->db);
    if (store_commit(st, cause) != 0) {
        store_rollback(st);
        return -1;
    }
    return id;
fail:
    cause_set(cause, "%s: saving the assessment record: %s", st->path, sqlite3_errmsg(st->db));
    sqlite3_finalize(s);
    store_rollback(st);
    return -1;
}

int
store_pia_list(struct store *st, struct store_pia **out, size_t *n, char **cause)
{
    sqlite3_stmt *s;
    size_t cap = 0;
    int step;

    *out = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(st->db, "SELECT id, scenario_id, scenario_path, scenario_hash, "
        "audit_run_id, prepared, review_due, retain_until, format, content_sha256, created_at "
        "FROM pia_record ORDER BY id", -1, &s, NULL) != SQLITE_OK)
        return cause_set(cause, "%s: assessment records: %s", st->path, sqlite3_errmsg(st->db));
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        struct store_pia *p;

        if (*n == cap) {
            cap = cap == 0 ? 8 : 2 * cap;
            *out = xreallocarray(*out, cap, sizeof **out);
        }
        p = &(*out)[(*n)++];
        p->id = sqlite3_column_int64(s, 0);
        p->scenario_id = col_dup(s, 1);
        p->scenario_path = col_dup(s, 2);
        p->scenario_hash = col_dup(s, 3);
        p->audit_run = sqlite3_column_int64(s, 4);
        p->prepared = col_dup(s, 5);
        p->review_due = col_dup(s, 6);
        p->retain_until = col_dup(s, 7);
        p->format = col_dup(s, 8);
        p->sha256 = col_dup(s, 9);
        p->created_at = col_dup(s, 10);
    }
    sqlite3_finalize(s);
    if (step != SQLITE_DONE) {
        store_pia_list_free(*out, *n);
        *out = NULL;
        *n = 0;
        return cause_set(cause, "%s: assessment records: %s", st->path, sqlite3_errmsg(st->db));
    }
    return 0;
}

void
store_pia_list_free(struct store_pia *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(p[i].scenario_id);
        free(p[i].scenario_path);
        free(p[i].scenario_hash);
        free(p[i].prepared);
        free(p[i].review_due);
        free(p[i].retain_until);
        free(p[i].format);
        free(p[i].sha256);
        free(p[i].created_at);
    }
    free(p);
}

char *
store_pia_content(struct store *st, int64_t id, char **cause)
{
    sqlite3_stmt *s;
    char hex[SHA256_HEX_LEN + 1], *content = NULL;

    if (sqlite3_prepare_v2(st->db, "SELECT content, content_sha256 FROM pia_record WHERE id = ?1",
        -1, &s, NULL) != SQLITE_OK) {
        cause_set(cause, "%s: assessment records: %s", st->path, sqlite3_errmsg(st->db));
        return NULL;
    }
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) != SQLITE_ROW) {
        cause_set(cause, "no assessment record %lld", (long long)id);
    } else {
        const char *c = (const char *)sqlite3_column_text(s, 0);
        const char *h = (const char *)sqlite3_column_text(s, 1);

        sha256_hex(c, strlen(c), hex);
        if (h == NULL || strcmp(hex, h) != 0)
            cause_set(cause, "assessment record %lld: content does not match its SHA-256 "
                "(%s stored, %s computed)", (long long)id, h != NULL ? h : "none", hex);
        else
            content = xstrdup(c);
    }
    sqlite3_finalize(s);
    return content;
}

/* --- stored audit runs ------------------------------------------------------------- */

int64_t
store_audit_resolve(struct store *st, const char *ref, char **cause)
{
    sqlite3_stmt *s;
    char *end;
    long long back = 0;
    int64_t id = -1;
    const char *sql;

    if (strcmp(ref, "latest") == 0 || strncmp(ref, "latest~", 7) == 0) {
        if (ref[6] == '~') {
            back = strtoll(ref + 7, &end, 10);
            if (*end != '\0' || back < 0) {
                cause_set(cause, "bad run reference '%s' (latest~N, N >= 0)", ref);
                return -1;
            }
        }
        sql = "SELECT r.id FROM run r JOIN audit_run a ON a.run_id = r.id WHERE r.kind = "
            "'audit' AND r.status = 'complete' ORDER BY r.id DESC LIMIT 1 OFFSET ?1";
    } else {
        strtoll(ref, &end, 10);
        sql = *ref != '\0' && *end == '\0' ?
            "SELECT r.id FROM run r JOIN audit_run a ON a.run_id = r.id WHERE r.id = ?2 AND "
            "r.status = 'complete'" :
            "SELECT r.id FROM run r JOIN audit_run a ON a.run_id = r.id WHERE r.name = ?3 AND "
            "r.kind = 'audit' AND r.status = 'complete'";
    }
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
        cause_set(cause, "%s: audit runs: %s", st->path, sqlite3_errmsg(st->db));
        return -1;
    }
    if (strstr(sql, "?1") != NULL)
        sqlite3_bind_int64(s, 1, back);
    else if (strstr(sql, "?2") != NULL)
        sqlite3_bind_int64(s, 2, strtoll(ref, NULL, 10));
    else
        sqlite3_bind_text(s, 3, ref, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW)
        id = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (id < 0)
        cause_set(cause, "no complete audit run '%s' in %s (an id, a name, latest or "
            "latest~N; `faceaudit audit` saves runs)", ref, st->path);
    return id;
}

struct store_audit_loaded *
store_audit_load(struct store *st, const char *ref, char **cause)
{
    struct store_audit_loaded *a;
    sqlite3_stmt *s;
    int64_t id = store_audit_resolve(st, ref, cause);
    size_t cap = 0;
    int step;

    if (id < 0)
        return NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT r.name, r.created_at, a.scenario_id, "
        "a.scenario_path, a.as_of, a.score, a.score_no_waivers, a.grade, a.grade_no_waivers, "
        "a.scenario_hash, a.rule_pack_hash, a.entities "
        "FROM run r JOIN audit_run a ON a.run_id = r.id WHERE r.id = ?1", -1, &s, NULL) !=
        SQLITE_OK)
        goto fail_db;
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        goto fail_db;
    }
    a = xcalloc(1, sizeof *a);
    a->run_id = id;
    a->name = col_dup(s, 0);
    a->created_at = col_dup(s, 1);
    a->scenario_id = col_dup(s, 2);
    a->scenario_path = col_dup(s, 3);
    a->as_of = col_dup(s, 4);
    a->score = sqlite3_column_double(s, 5);
    a->score_no_waivers = sqlite3_column_double(s, 6);
    a->grade = (char)sqlite3_column_text(s, 7)[0];
    a->grade_no_waivers = (char)sqlite3_column_text(s, 8)[0];
    a->scenario_hash = col_dup(s, 9);
    a->rule_pack_hash = col_dup(s, 10);
    if (sqlite3_column_type(s, 11) != SQLITE_NULL && store_audit_entities_decode(
        (const char *)sqlite3_column_text(s, 11), &a->entities, &a->nentities, cause) == -1) {
        sqlite3_finalize(s);
        store_audit_loaded_free(a);
        cause_prefix(cause, "%s: audit run %lld", st->path, (long long)id);
        return NULL;
    }
    sqlite3_finalize(s);
    if (sqlite3_prepare_v2(st->db, "SELECT rule, entity, article, clause, severity, outcome, "
        "message, entities FROM audit_finding WHERE run_id = ?1 ORDER BY seq", -1, &s, NULL) !=
        SQLITE_OK) {
        store_audit_loaded_free(a);
        goto fail_db;
    }
    sqlite3_bind_int64(s, 1, id);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        struct store_audit_row *r;

        if (a->nrows == cap) {
            cap = cap == 0 ? 64 : 2 * cap;
            a->rows = xreallocarray(a->rows, cap, sizeof *a->rows);
        }
        r = &a->rows[a->nrows++];
        r->rule = col_dup(s, 0);
        r->entity = col_dup(s, 1);
        r->article = sqlite3_column_int(s, 2);
        r->clause = col_dup(s, 3);
        r->severity = col_dup(s, 4);
        r->outcome = col_dup(s, 5);
        r->message = col_dup(s, 6);
        r->ents = NULL;
        r->nents = 0;
        if (sqlite3_column_type(s, 7) != SQLITE_NULL && store_audit_ranges_decode(
            (const char *)sqlite3_column_text(s, 7), a->nentities, &r->ents, &r->nents,
            cause) == -1) {
            sqlite3_finalize(s);
            cause_prefix(cause, "%s: audit run %lld, finding %zu", st->path, (long long)id,
                a->nrows);
            store_audit_loaded_free(a);
            return NULL;
        }
        a->ninstances += r->nents > 0 ? r->nents : 1;
    }
    sqlite3_finalize(s);
    if (step != SQLITE_DONE) {
        store_audit_loaded_free(a);
        goto fail_db;
    }
    return a;
fail_db:
    cause_set(cause, "%s: loading audit run %lld: %s", st->path, (long long)id,
        sqlite3_errmsg(st->db));
    return NULL;
}

void
store_audit_loaded_free(struct store_audit_loaded *a)
{
    size_t i;

    if (a == NULL)
        return;
    for (i = 0; i < a->nrows; i++) {
        free(a->rows[i].rule);
        free(a->rows[i].entity);
        free(a->rows[i].clause);
        free(a->rows[i].severity);
        free(a->rows[i].outcome);
        free(a->rows[i].message);
        free(a->rows[i].ents);
    }
    store_audit_entities_free(a->entities, a->nentities);
    free(a->rows);
    free(a->name);
    free(a->created_at);
    free(a->scenario_id);
    free(a->scenario_path);
    free(a->scenario_hash);
    free(a->rule_pack_hash);
    free(a->as_of);
    free(a);
}

char *
store_audit_row_message(const struct store_audit_row *r, const char *entity)
{
    struct strbuf sb;
    const char *p, *m;

    if (r->message == NULL)
        return NULL;
    if (r->nents == 0 || strstr(r->message, STORE_AUDIT_ID_MARK) == NULL)
        return xstrdup(r->message);
    strbuf_init(&sb);
    for (p = r->message; (m = strstr(p, STORE_AUDIT_ID_MARK)) != NULL; p = m + 1) {
        strbuf_printf(&sb, "%.*s", (int)(m - p), p);
        strbuf_puts(&sb, entity);
    }
    strbuf_puts(&sb, p);
    return strbuf_detach(&sb);
}
