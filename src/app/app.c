/* SPDX-License-Identifier: MIT */
/*
 * app.c - the application session (database path, the database opened on
 * first use) and the stored-run operations shared by every kind of run.
 */
#include "config.h"

#include "faceaudit/app.h"

#include <stdlib.h>
#include <string.h>

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
        free(rs->rows[i].kind);
        free(rs->rows[i].name);
        free(rs->rows[i].status);
        free(rs->rows[i].created_at);
        free(rs->rows[i].finished_at);
        free(rs->rows[i].summary);
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
