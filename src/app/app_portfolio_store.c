/* SPDX-License-Identifier: MIT */
/*
 * app_portfolio_store.c - a portfolio run kept in the database (one row per
 * handler: score, grade, fails by severity, filing status and deadline, the
 * as-of date audited) and read back, from there or from a summary JSON, for
 * `faceaudit diff`.
 */
#include "config.h"

#include "faceaudit/app.h"

#include <stdlib.h>
#include <string.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/store_portfolio.h"
#include "faceaudit/xmalloc.h"

static char *
date_dup(fa_date d)
{
    char buf[11];

    if (d == FA_DATE_NONE)
        return NULL;
    date_format(d, buf);
    return xstrdup(buf);
}

int64_t
app_portfolio_save(struct app *a, const struct app_portfolio *p, const char *software,
    char **cause)
{
    struct store *st = app_store(a, cause);
    struct store_portfolio_row *rows;
    size_t i, nerr = 0, failing = 0;
    char *summary;
    int64_t id;
    int k;

    if (st == NULL)
        return -1;
    rows = xcalloc(p->n + 1, sizeof *rows);
    for (i = 0; i < p->n; i++) {
        const struct app_portfolio_row *r = &p->rows[i];

        /* borrowed strings; dates formatted here */
        rows[i].path = r->path;
        rows[i].scenario = r->scenario;
        rows[i].handler = r->handler != NULL ? r->handler : r->path;
        rows[i].score = r->error != NULL && r->scenario == NULL ? 0.0 : r->score;
        rows[i].grade = r->grade != 0 ? r->grade : '-';
        for (k = 0; k < 4; k++)
            rows[i].fails[k] = (int64_t)r->fails[k];
        rows[i].evidence = (int64_t)r->evidence;
        rows[i].filing = r->filing;
        rows[i].deadline = date_dup(r->deadline);
        rows[i].as_of = date_dup(r->audited);
        rows[i].error = r->error;
        rows[i].no_score = r->no_score;
        nerr += r->error != NULL;
        failing += r->error == NULL && (r->fails[0] + r->fails[1] + r->fails[2] + r->fails[3]) > 0;
    }
    summary = xasprintf("{\"scenarios\": %zu, \"failing\": %zu, \"not_audited\": %zu}", p->n,
        failing, nerr);
    id = store_portfolio_save(st, software, summary, rows, p->n, cause);
    for (i = 0; i < p->n; i++) {
        free(rows[i].deadline);
        free(rows[i].as_of);
    }
    free(rows);
    free(summary);
    return id;
}

bool
app_portfolio_ref(struct app *a, const char *ref)
{
    char *text;
    size_t len;
    bool yes;
    struct store *st;

    if (fs_exists(ref)) {
        if ((text = fs_read_file(ref, REPORT_MAX_JSON, &len, NULL)) == NULL)
            return false;
        yes = app_portfolio_is_json(text, len);
        free(text);
        return yes;
    }
    st = app_store(a, NULL);
    return st != NULL && store_portfolio_is_run(st, ref);
}

static char *
dup_or_null(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

struct app_portfolio *
app_portfolio_load(struct app *a, const char *ref, char **cause)
{
    struct store_portfolio_loaded *l;
    struct app_portfolio *p;
    struct store *st;
    size_t i;
    int k;

    if (fs_exists(ref)) {
        char *text;
        size_t len;

        if ((text = fs_read_file(ref, REPORT_MAX_JSON, &len, cause)) == NULL)
            return NULL;
        p = app_portfolio_from_json(text, len, ref, cause);
        free(text);
        return p;
    }
    if ((st = app_store(a, cause)) == NULL || (l = store_portfolio_load(st, ref, cause)) == NULL)
        return NULL;
    p = xcalloc(1, sizeof *p);
    p->rows = xcalloc(l->n + 1, sizeof *p->rows);
    p->n = l->n;
    for (i = 0; i < l->n; i++) {
        const struct store_portfolio_row *s = &l->rows[i];
        struct app_portfolio_row *r = &p->rows[i];

        r->path = xstrdup(s->path);
        r->scenario = dup_or_null(s->scenario);
        r->handler = xstrdup(s->handler);
        r->score = s->score;
        r->grade = s->grade;
        for (k = 0; k < 4; k++)
            r->fails[k] = (size_t)s->fails[k];
        r->evidence = (size_t)s->evidence;
        r->filing = dup_or_null(s->filing);
        r->error = dup_or_null(s->error);
        r->no_score = dup_or_null(s->no_score);
        r->deadline = r->audited = FA_DATE_NONE;
        if (s->deadline != NULL)
            date_parse(s->deadline, &r->deadline, NULL);
        if (s->as_of != NULL)
            date_parse(s->as_of, &r->audited, NULL);
    }
    store_portfolio_loaded_free(l);
    return p;
}
