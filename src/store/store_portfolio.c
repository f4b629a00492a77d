/* SPDX-License-Identifier: MIT */
/*
 * store_portfolio.c - portfolio runs (migration 11): the run row and one
 * portfolio_row per scenario in one transaction, read back by id or
 * latest~N for `faceaudit diff`.
 */
#include "config.h"

#include "faceaudit/store_portfolio.h"

#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

#include "faceaudit/log.h"
#include "faceaudit/store.h"
#include "faceaudit/xmalloc.h"

static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v != NULL)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

static char *
col_dup(sqlite3_stmt *s, int i)
{
    const char *v = (const char *)sqlite3_column_text(s, i);

    return v != NULL ? xstrdup(v) : NULL;
}

int64_t
store_portfolio_save(struct store *st, const char *software, const char *summary,
    const struct store_portfolio_row *rows, size_t n, char **cause)
{
    sqlite3_stmt *s = NULL;
    int64_t id;
    size_t i;
    int k;

    if (store_begin(st, cause) != 0)
        return -1;
    if (sqlite3_prepare_v2(st->db, "INSERT INTO run(kind, software, summary) VALUES "
        "('portfolio', ?1, ?2)", -1, &s, NULL) != SQLITE_OK)
        goto fail;
    bind_text(s, 1, software);
    bind_text(s, 2, summary != NULL ? summary : "{}");
    if (sqlite3_step(s) != SQLITE_DONE)
        goto fail;
    sqlite3_finalize(s);
    id = sqlite3_last_insert_rowid(st->db);
    if (sqlite3_prepare_v2(st->db, "INSERT INTO portfolio_row(run_id, seq, path, scenario, "
        "handler, score, grade, fails_low, fails_medium, fails_high, fails_critical, evidence, "
        "filing, deadline, as_of, error, no_score) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,"
        "?12,?13,?14,?15,?16,?17)", -1, &s, NULL) != SQLITE_OK)
        goto fail;
    for (i = 0; i < n; i++) {
        const struct store_portfolio_row *r = &rows[i];
        char g[2] = { r->grade != 0 ? r->grade : '-', '\0' };

        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int64(s, 2, (int64_t)i);
        bind_text(s, 3, r->path);
        bind_text(s, 4, r->scenario);
        bind_text(s, 5, r->handler);
        sqlite3_bind_double(s, 6, r->score);
        sqlite3_bind_text(s, 7, g, -1, SQLITE_TRANSIENT);
        for (k = 0; k < 4; k++)
            sqlite3_bind_int64(s, 8 + k, r->fails[k]);
        sqlite3_bind_int64(s, 12, r->evidence);
        bind_text(s, 13, r->filing);
        bind_text(s, 14, r->deadline);
        bind_text(s, 15, r->as_of);
        bind_text(s, 16, r->error);
        bind_text(s, 17, r->no_score);
        if (sqlite3_step(s) != SQLITE_DONE)
            goto fail;
    }
    sqlite3_finalize(s);
    s = NULL;
    if (sqlite3_prepare_v2(st->db, "UPDATE run SET status = 'complete', finished_at = "
        "strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1", -1, &s, NULL) != SQLITE_OK)
        goto fail;
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) != SQLITE_DONE)
        goto fail;
    sqlite3_finalize(s);
    if (store_commit(st, cause) != 0) {
        store_rollback(st);
        return -1;
    }
    return id;
fail:
    cause_set(cause, "%s: saving the portfolio run: %s", st->path, sqlite3_errmsg(st->db));
    sqlite3_finalize(s);
    store_rollback(st);
    return -1;
}

int64_t
store_portfolio_resolve(struct store *st, const char *ref, char **cause)
{
    sqlite3_stmt *s;
    long long back = 0, num = -1;
    char *end;
    int64_t id = -1;

    if (strcmp(ref, "latest") == 0 || strncmp(ref, "latest~", 7) == 0) {
        if (ref[6] == '~' && ((back = strtoll(ref + 7, &end, 10)) < 0 || *end != '\0' ||
            ref[7] == '\0'))
            return cause_set(cause, "bad portfolio run reference '%s' (latest~N, N >= 0)", ref);
    } else {
        num = strtoll(ref, &end, 10);
        if (*ref == '\0' || *end != '\0' || num < 1)
            return cause_set(cause, "bad portfolio run reference '%s' (an id, latest or "
                "latest~N)", ref);
    }
    if (sqlite3_prepare_v2(st->db, num > 0 ?
        "SELECT id FROM run WHERE kind = 'portfolio' AND status = 'complete' AND id = ?2" :
        "SELECT id FROM run WHERE kind = 'portfolio' AND status = 'complete' "
        "ORDER BY id DESC LIMIT 1 OFFSET ?1", -1, &s, NULL) != SQLITE_OK)
        return cause_set(cause, "%s: portfolio runs: %s", st->path, sqlite3_errmsg(st->db));
    if (num > 0)
        sqlite3_bind_int64(s, 2, num);
    else
        sqlite3_bind_int64(s, 1, back);
    if (sqlite3_step(s) == SQLITE_ROW)
        id = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (id < 0)
        cause_set(cause, "no complete portfolio run '%s' in %s (`faceaudit audit DIR` saves "
            "one; `faceaudit runs list --kind portfolio` lists them)", ref, st->path);
    return id;
}

bool
store_portfolio_is_run(struct store *st, const char *ref)
{
    char *cause = NULL;
    int64_t id;

    if (strncmp(ref, "latest", 6) == 0)
        return false;  /* latest is an audit's: a portfolio is named by its id */
    id = store_portfolio_resolve(st, ref, &cause);
    free(cause);
    return id > 0;
}

struct store_portfolio_loaded *
store_portfolio_load(struct store *st, const char *ref, char **cause)
{
    struct store_portfolio_loaded *p;
    sqlite3_stmt *s;
    int64_t id = store_portfolio_resolve(st, ref, cause);
    size_t cap = 0;
    int step, k;

    if (id < 0)
        return NULL;
    p = xcalloc(1, sizeof *p);
    p->run_id = id;
    if (sqlite3_prepare_v2(st->db, "SELECT r.created_at, p.path, p.scenario, p.handler, "
        "p.score, p.grade, p.fails_low, p.fails_medium, p.fails_high, p.fails_critical, "
        "p.evidence, p.filing, p.deadline, p.as_of, p.error, p.no_score FROM run r "
        "JOIN portfolio_row p ON p.run_id = r.id WHERE r.id = ?1 ORDER BY p.seq", -1, &s,
        NULL) != SQLITE_OK)
        goto fail;
    sqlite3_bind_int64(s, 1, id);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        struct store_portfolio_row *r;
        const char *g = (const char *)sqlite3_column_text(s, 5);

        if (p->n == cap) {
            cap = cap == 0 ? 16 : 2 * cap;
            p->rows = xreallocarray(p->rows, cap, sizeof *p->rows);
        }
        r = &p->rows[p->n++];
        if (p->created_at == NULL)
            p->created_at = col_dup(s, 0);
        r->path = col_dup(s, 1);
        r->scenario = col_dup(s, 2);
        r->handler = col_dup(s, 3);
        r->score = sqlite3_column_double(s, 4);
        r->grade = g != NULL && *g != '\0' ? g[0] : '-';
        for (k = 0; k < 4; k++)
            r->fails[k] = sqlite3_column_int64(s, 6 + k);
        r->evidence = sqlite3_column_int64(s, 10);
        r->filing = col_dup(s, 11);
        r->deadline = col_dup(s, 12);
        r->as_of = col_dup(s, 13);
        r->error = col_dup(s, 14);
        r->no_score = col_dup(s, 15);
    }
    sqlite3_finalize(s);
    if (step != SQLITE_DONE)
        goto fail;
    return p;
fail:
    cause_set(cause, "%s: loading portfolio run %lld: %s", st->path, (long long)id,
        sqlite3_errmsg(st->db));
    store_portfolio_loaded_free(p);
    return NULL;
}

void
store_portfolio_loaded_free(struct store_portfolio_loaded *p)
{
    size_t i;

    if (p == NULL)
        return;
    for (i = 0; i < p->n; i++) {
        free(p->rows[i].path);
        free(p->rows[i].scenario);
        free(p->rows[i].handler);
        free(p->rows[i].filing);
        free(p->rows[i].deadline);
        free(p->rows[i].as_of);
        free(p->rows[i].error);
        free(p->rows[i].no_score);
    }
    free(p->rows);
    free(p->created_at);
    free(p);
}
