/* SPDX-License-Identifier: MIT */
/*
 * store_eval.c - evaluation runs in SQLite (migration 5) and the common
 * run list: begin a run ('running', committed at once), write its images,
 * scores and figures in one final transaction, read it back, list and
 * delete runs (listing: store_run.c).
 */
#include "config.h"

#include "faceaudit/store_eval.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"
#include "faceaudit/store.h"
#include "faceaudit/store_log.h"
#include "faceaudit/store_thumb.h"
#include "store_int.h"

static char *
dup_col(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);

    return t != NULL ? xstrdup((const char *)t) : NULL;
}

static int
sql_error(struct store *st, char **cause, const char *what)
{
    return cause_set(cause, "%s: %s", what, sqlite3_errmsg(st->db));
}

void
store_eval_run_done(struct store_eval_run *r)
{
    free(r->name);
    free(r->status);
    free(r->created_at);
    free(r->finished_at);
    free(r->software);
    free(r->protocol);
    free(r->dataset);
    free(r->manifest_sha256);
    free(r->engine);
    free(r->model_sha256);
    free(r->params_json);
    free(r->figures_json);
    memset(r, 0, sizeof *r);
}

int64_t
store_eval_begin(struct store *st, const struct store_eval_run *m, char **cause)
{
    sqlite3_stmt *s = NULL;
    int64_t id;

    if (store_begin(st, cause) == -1)
        return -1;
    if (m->name != NULL) {
        if (sqlite3_prepare_v2(st->db, "SELECT id FROM run WHERE kind = 'eval' AND name = ?",
                -1, &s, NULL) != SQLITE_OK)
            goto sqlfail;
        sqlite3_bind_text(s, 1, m->name, -1, SQLITE_STATIC);
        if (sqlite3_step(s) == SQLITE_ROW) {
            sqlite3_finalize(s);
            store_rollback(st);
            cause_set(cause, "an eval run named '%s' exists already (`faceaudit runs delete "
                "%s` removes it)", m->name, m->name);
            return -1;
        }
        sqlite3_finalize(s);
    }
    if (sqlite3_prepare_v2(st->db, "INSERT INTO run(kind, name, software, params) "
            "VALUES ('eval', ?, ?, ?)", -1, &s, NULL) != SQLITE_OK)
        goto sqlfail;
    sqlite3_bind_text(s, 1, m->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, m->software, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, m->params_json != NULL ? m->params_json : "{}", -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        goto sqlfail;
    sqlite3_finalize(s);
    id = sqlite3_last_insert_rowid(st->db);
    if (sqlite3_prepare_v2(st->db, "INSERT INTO eval_run(run_id, protocol, dataset, "
            "manifest_sha256, engine, model_sha256, seed, threshold, max_impostors, "
            "gallery_images, unknown_share, bootstrap, cropped, shard_k, shard_n) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &s, NULL) != SQLITE_OK)
        goto sqlfail;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, m->protocol, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, m->dataset, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, m->manifest_sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, m->engine, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, m->model_sha256, -1, SQLITE_STATIC);
    /* 64-bit seeds round-trip through SQLite's signed integers bit for bit */
    sqlite3_bind_int64(s, 7, (sqlite3_int64)m->seed);
    sqlite3_bind_double(s, 8, m->threshold);
    sqlite3_bind_int64(s, 9, (sqlite3_int64)m->max_impostors);
    sqlite3_bind_int(s, 10, (int)m->gallery_images);
    sqlite3_bind_double(s, 11, m->unknown_share);
    sqlite3_bind_int(s, 12, (int)m->bootstrap);
    sqlite3_bind_int(s, 13, m->cropped);
    sqlite3_bind_int(s, 14, (int)m->shard_k);
    sqlite3_bind_int(s, 15, (int)m->shard_n);
    if (sqlite3_step(s) != SQLITE_DONE)
        goto sqlfail;
    sqlite3_finalize(s);
    if (store_commit(st, cause) == -1) {
        store_rollback(st);
        return -1;
    }
    return id;
sqlfail:
    sql_error(st, cause, "storing the run");
    sqlite3_finalize(s);
    store_rollback(st);
    return -1;
}

void
store_eval_fail(struct store *st, int64_t id)
{
    sqlite3_stmt *s;

    if (sqlite3_prepare_v2(st->db, "UPDATE run SET status = 'failed', finished_at = "
            "strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?", -1, &s, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_step(s);
    sqlite3_finalize(s);
}

struct store_eval_writer {
    struct store *st;
    int64_t id;
    sqlite3_stmt *item, *score;
};

struct store_eval_writer *
store_eval_writer_new(struct store *st, int64_t id, char **cause)
{
    struct store_eval_writer *w = xcalloc(1, sizeof *w);

    w->st = st;
    w->id = id;
    if (store_begin(st, cause) == -1) {
        free(w);
        return NULL;
    }
    if (sqlite3_prepare_v2(st->db, "INSERT INTO eval_item(run_id, idx, path, subject, "
            "age_band, sex, status, role, ngt, reason) VALUES (?,?,?,?,?,?,?,?,?,?)", -1, &w->item,
            NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(st->db, "INSERT INTO eval_score(run_id, idx, kind, a, b, score, "
            "extra) VALUES (?,?,?,?,?,?,?)", -1, &w->score, NULL) != SQLITE_OK) {
        sql_error(st, cause, "storing the run");
        store_eval_writer_abort(w);
        return NULL;
    }
    return w;
}

int
store_eval_writer_item(struct store_eval_writer *w, uint64_t idx,
    const struct store_eval_item *it, char **cause)
{
    sqlite3_stmt *s = w->item;

    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, w->id);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)idx);
    sqlite3_bind_text(s, 3, it->rel, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, it->subject, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, it->age_band, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, it->sex, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 7, it->status);
    sqlite3_bind_int(s, 8, it->role);
    sqlite3_bind_int64(s, 9, it->ngt);
    sqlite3_bind_int(s, 10, it->reason);
    if (sqlite3_step(s) != SQLITE_DONE)
        return sql_error(w->st, cause, "storing an image row");
    return 0;
}

int
store_eval_writer_score(struct store_eval_writer *w, const struct store_eval_score *sc,
    char **cause)
{
    sqlite3_stmt *s = w->score;
    char kind[2] = { sc->kind, '\0' };

    store_crash_point("eval_score");
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, w->id);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)sc->idx);
    sqlite3_bind_text(s, 3, kind, 1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 4, sc->a);
    sqlite3_bind_int64(s, 5, sc->b);
    if (isnan(sc->score))
        sqlite3_bind_null(s, 6);
    else
        sqlite3_bind_double(s, 6, sc->score);
    if (isnan(sc->extra))
        sqlite3_bind_null(s, 7);
    else
        sqlite3_bind_double(s, 7, sc->extra);
    if (sqlite3_step(s) != SQLITE_DONE)
        return sql_error(w->st, cause, "storing a score row");
    return 0;
}

static void
writer_free(struct store_eval_writer *w)
{
    sqlite3_finalize(w->item);
    sqlite3_finalize(w->score);
    free(w);
}

void
store_eval_writer_abort(struct store_eval_writer *w)
{
    if (w == NULL)
        return;
    store_rollback(w->st);
    writer_free(w);
}

int
store_eval_writer_commit(struct store_eval_writer *w, const char *figures_json,
    const char *summary_json, char **cause)
{
    struct store *st = w->st;
    sqlite3_stmt *s = NULL;

    if (sqlite3_prepare_v2(st->db, "UPDATE eval_run SET figures = ? WHERE run_id = ?", -1, &s,
            NULL) != SQLITE_OK)
        goto fail;
    sqlite3_bind_text(s, 1, figures_json, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, w->id);
    if (sqlite3_step(s) != SQLITE_DONE)
        goto fail;
    sqlite3_finalize(s);
    if (sqlite3_prepare_v2(st->db, "UPDATE run SET status = 'complete', summary = ?, "
            "finished_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?", -1, &s,
            NULL) != SQLITE_OK)
        goto fail;
    sqlite3_bind_text(s, 1, summary_json, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, w->id);
    if (sqlite3_step(s) != SQLITE_DONE)
        goto fail;
    sqlite3_finalize(s);
    s = NULL;
    store_crash_point("eval_commit");
    if (store_commit(st, cause) == -1)
        goto fail_nomsg;
    writer_free(w);
    return 0;
fail:
    sql_error(st, cause, "storing the run");
fail_nomsg:
    sqlite3_finalize(s);
    store_eval_writer_abort(w);
    return -1;
}

/* Find a run id by name or "#ID" (kind NULL: any kind); -1 when absent, -2
 * when the name is used by runs of several kinds. */
static int64_t
find_run(struct store *st, const char *kind, const char *name)
{
    sqlite3_stmt *s;
    int64_t id = -1;
    const char *sql = name[0] == '#' ?
        "SELECT id FROM run WHERE (?1 IS NULL OR kind = ?1) AND id = CAST(?2 AS INTEGER)" :
        "SELECT id FROM run WHERE (?1 IS NULL OR kind = ?1) AND name = ?2";

    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, name[0] == '#' ? name + 1 : name, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        id = sqlite3_column_int64(s, 0);
        if (sqlite3_step(s) == SQLITE_ROW)
            id = -2;
    }
    sqlite3_finalize(s);
    return id;
}

static double
col_double_or_nan(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? NAN : sqlite3_column_double(s, i);
}

int
store_eval_read(struct store *st, const char *name, struct store_eval_run *m,
    int (*item_cb)(void *arg, uint64_t idx, const struct store_eval_item *it, char **cause),
    int (*score_cb)(void *arg, const struct store_eval_score *s, char **cause), void *arg,
    char **cause)
{
    sqlite3_stmt *s;
    int64_t id = find_run(st, "eval", name);
    int rc;

    memset(m, 0, sizeof *m);
    if (id < 0)
        return cause_set(cause, "no eval run named '%s' (`faceaudit runs list` shows them)",
            name);
    if (sqlite3_prepare_v2(st->db, "SELECT r.id, r.name, r.status, r.created_at, "
            "r.finished_at, r.software, e.protocol, e.dataset, e.manifest_sha256, e.engine, "
            "e.model_sha256, e.seed, e.threshold, e.max_impostors, e.gallery_images, "
            "e.unknown_share, e.bootstrap, e.cropped, e.shard_k, e.shard_n, r.params, "
            "e.figures FROM run r JOIN eval_run e ON e.run_id = r.id WHERE r.id = ?", -1, &s,
            NULL) != SQLITE_OK)
        return sql_error(st, cause, "reading the run");
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return cause_set(cause, "run '%s' has no evaluation data", name);
    }
    m->id = sqlite3_column_int64(s, 0);
    m->name = dup_col(s, 1);
    m->status = dup_col(s, 2);
    m->created_at = dup_col(s, 3);
    m->finished_at = dup_col(s, 4);
    m->software = dup_col(s, 5);
    m->protocol = dup_col(s, 6);
    m->dataset = dup_col(s, 7);
    m->manifest_sha256 = dup_col(s, 8);
    m->engine = dup_col(s, 9);
    m->model_sha256 = dup_col(s, 10);
    m->seed = (uint64_t)sqlite3_column_int64(s, 11);
    m->threshold = sqlite3_column_double(s, 12);
    m->max_impostors = (uint64_t)sqlite3_column_int64(s, 13);
    m->gallery_images = (unsigned)sqlite3_column_int(s, 14);
    m->unknown_share = sqlite3_column_double(s, 15);
    m->bootstrap = (unsigned)sqlite3_column_int(s, 16);
    m->cropped = sqlite3_column_int(s, 17) != 0;
    m->shard_k = (unsigned)sqlite3_column_int(s, 18);
    m->shard_n = (unsigned)sqlite3_column_int(s, 19);
    m->params_json = dup_col(s, 20);
    m->figures_json = dup_col(s, 21);
    sqlite3_finalize(s);
    if (strcmp(m->status, "complete") != 0) {
        cause_set(cause, "run '%s' is %s, not complete", name, m->status);
        store_eval_run_done(m);
        return -1;
    }
    if (item_cb != NULL) {
        if (sqlite3_prepare_v2(st->db, "SELECT idx, path, subject, age_band, sex, status, role, "
                "ngt, reason FROM eval_item WHERE run_id = ? ORDER BY idx", -1, &s, NULL) != SQLITE_OK)
            goto sqlfail;
        sqlite3_bind_int64(s, 1, id);
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            struct store_eval_item it;

            it.rel = (const char *)sqlite3_column_text(s, 1);
            it.subject = (const char *)sqlite3_column_text(s, 2);
            it.age_band = (const char *)sqlite3_column_text(s, 3);
            it.sex = (const char *)sqlite3_column_text(s, 4);
            it.status = sqlite3_column_int(s, 5);
            it.role = sqlite3_column_int(s, 6);
            it.ngt = (uint32_t)sqlite3_column_int64(s, 7);
            it.reason = sqlite3_column_int(s, 8);
            if (item_cb(arg, (uint64_t)sqlite3_column_int64(s, 0), &it, cause) == -1) {
                sqlite3_finalize(s);
                store_eval_run_done(m);
                return -1;
            }
        }
        sqlite3_finalize(s);
        if (rc != SQLITE_DONE)
            goto sqlfail;
    }
    if (score_cb != NULL) {
        if (sqlite3_prepare_v2(st->db, "SELECT idx, kind, a, b, score, extra FROM eval_score "
                "WHERE run_id = ? ORDER BY idx", -1, &s, NULL) != SQLITE_OK)
            goto sqlfail;
        sqlite3_bind_int64(s, 1, id);
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            struct store_eval_score sc;
            const unsigned char *k = sqlite3_column_text(s, 1);

            sc.idx = (uint64_t)sqlite3_column_int64(s, 0);
            sc.kind = k != NULL ? (char)k[0] : '?';
            sc.a = (uint32_t)sqlite3_column_int64(s, 2);
            sc.b = sqlite3_column_int64(s, 3);
            sc.score = col_double_or_nan(s, 4);
            sc.extra = col_double_or_nan(s, 5);
            if (score_cb(arg, &sc, cause) == -1) {
                sqlite3_finalize(s);
                store_eval_run_done(m);
                return -1;
            }
        }
        sqlite3_finalize(s);
        if (rc != SQLITE_DONE)
            goto sqlfail;
    }
    return 0;
sqlfail:
    sql_error(st, cause, "reading the run");
    store_eval_run_done(m);
    return -1;
}

int
store_run_delete(struct store *st, const char *kind, const char *name, char **cause)
{
    sqlite3_stmt *s;
    int64_t id = find_run(st, kind, name), nthumbs;
    struct store_key *key = NULL;

    if (id == -2)
        return cause_set(cause, "runs of several kinds are named '%s': choose one with "
            "--kind", name);
    if (id == -1)
        return cause_set(cause, "no %s%srun named '%s'", kind != NULL ? kind : "",
            kind != NULL ? " " : "", name);
    /* face thumbnails the run kept go with it (ON DELETE CASCADE), logged */
    if ((nthumbs = store_thumbs_count(st, id)) > 0 &&
        (key = store_template_key(st, true, cause)) == NULL)
        return -1;
    if (store_begin(st, cause) == -1)
        return -1;
    if (sqlite3_prepare_v2(st->db, "DELETE FROM run WHERE id = ?", -1, &s, NULL) != SQLITE_OK) {
        sql_error(st, cause, "deleting the run");
        store_rollback(st);
        return -1;
    }
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) != SQLITE_DONE) {
        sqlite3_finalize(s);
        sql_error(st, cause, "deleting the run");
        store_rollback(st);
        return -1;
    }
    sqlite3_finalize(s);
    if (nthumbs > 0) {
        char *object = xasprintf("run:%lld", (long long)id);
        char *detail = xasprintf("%lld face thumbnail%s deleted with run %s",
            (long long)nthumbs, nthumbs == 1 ? "" : "s", name);
        int rc = store_log_append(st, key, "runs", "delete", object, detail, cause);

        free(object);
        free(detail);
        if (rc == -1) {
            store_rollback(st);
            return -1;
        }
    }
    if (store_commit(st, cause) == -1) {
        store_rollback(st);
        return -1;
    }
    return 0;
}
