/* SPDX-License-Identifier: MIT */
/*
 * app.c - the application session (database path, the database opened on
 * first use) and the stored-run operations shared by every kind of run.
 */
#include "config.h"

#include "faceaudit/app.h"

#include <stdlib.h>
#include <string.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/store.h"
#include "faceaudit/store_eval.h"
#include "faceaudit/store_run.h"
#include "faceaudit/xmalloc.h"

struct app {
    char *db_path;
    struct store *store;
};

struct app *
app_new(const char *db_path)
{
    struct app *a = xcalloc(1, sizeof *a);

    a->db_path = db_path != NULL ? xstrdup(db_path) : NULL;
    return a;
}

void
app_free(struct app *a)
{
    if (a == NULL)
        return;
    store_close(a->store);
    free(a->db_path);
    free(a);
}

const char *
app_db_path(struct app *a)
{
    if (a->db_path == NULL)
        a->db_path = store_default_path();
    return a->db_path;
}

struct store *
app_store(struct app *a, char **cause)
{
    if (a->store != NULL)
        return a->store;
    if ((a->store = store_open(app_db_path(a), cause)) == NULL)
        cause_prefix(cause, "database");
    return a->store;
}

/* --- stored runs ---------------------------------------------------------------- */

static void
runs_row(const struct store_run_row *r, void *arg)
{
    struct app_runs *rs = arg;
    struct app_run_row *o;

    rs->rows = xreallocarray(rs->rows, rs->n + 1, sizeof *rs->rows);
    o = &rs->rows[rs->n++];
    o->id = r->id;
    o->kind = xstrdup(r->kind);
    o->name = xstrdup(r->name != NULL ? r->name : "");
    o->status = xstrdup(r->status);
    o->created_at = xstrdup(r->created_at);
    o->finished_at = xstrdup(r->finished_at != NULL ? r->finished_at : "");
    o->summary = r->summary != NULL ? xstrdup(r->summary) : NULL;
}

struct app_runs *
app_runs_list(struct app *a, const char *kind, char **cause)
{
    struct store *st = app_store(a, cause);
    struct app_runs *rs;

    if (st == NULL)
        return NULL;
    rs = xcalloc(1, sizeof *rs);
    if (store_run_each(st, kind, runs_row, rs, cause) == -1) {
        app_runs_free(rs);
        return NULL;
    }
    return rs;
}

void
app_runs_free(struct app_runs *rs)
{
    size_t i;

    if (rs == NULL)
        return;
    for (i = 0; i < rs->n; i++) {
        free((char *)(uintptr_t)rs->rows[i].kind);
        free((char *)(uintptr_t)rs->rows[i].name);
        free((char *)(uintptr_t)rs->rows[i].status);
        free((char *)(uintptr_t)rs->rows[i].created_at);
        free((char *)(uintptr_t)rs->rows[i].finished_at);
        free((char *)(uintptr_t)rs->rows[i].summary);
    }
    free(rs->rows);
    free(rs);
}

int
app_runs_delete(struct app *a, const char *kind, const char *name, char **cause)
{
    struct store *st = app_store(a, cause);

    if (st == NULL)
        return -1;
    return store_run_delete(st, kind, name, cause);
}

/* --- comparisons ------------------------------------------------------------------ */

struct app_diff *
app_diff_audits(struct app *a, const char *ra, const char *rb, char **cause)
{
    struct app_diff *d = xcalloc(1, sizeof *d);
    struct store *st = NULL;

    /* the database only when a reference is not a result file */
    if ((!fs_exists(ra) || !fs_exists(rb)) && (st = app_store(a, cause)) == NULL)
        goto fail;
    if ((d->a = report_snapshot_load(st, ra, cause)) == NULL ||
        (d->b = report_snapshot_load(st, rb, cause)) == NULL)
        goto fail;
    d->d = report_diff_new(d->a, d->b);
    return d;
fail:
    app_diff_free(d);
    return NULL;
}

void
app_diff_free(struct app_diff *d)
{
    if (d == NULL)
        return;
    report_diff_free(d->d);
    report_snapshot_free(d->a);
    report_snapshot_free(d->b);
    free(d);
}

int
app_diff_evals(struct app *a, const char *ra, const char *rb, struct app_eval_result **out_a,
    struct app_eval_result **out_b, char **cause)
{
    *out_b = NULL;
    if ((*out_a = app_eval_show(a, ra, NULL, cause)) == NULL)
        return -1;
    if ((*out_b = app_eval_show(a, rb, NULL, cause)) == NULL) {
        app_eval_result_free(*out_a);
        *out_a = NULL;
        return -1;
    }
    return 0;
}
