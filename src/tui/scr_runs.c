/* SPDX-License-Identifier: MIT */
/*
 * scr_runs.c - F7: the history of stored runs (audits, evaluations,
 * simulations, replays) from the database, newest first. Mark two runs
 * (m or Space) and press d to compare them: two audits through the report
 * module's diff (new failures, fixed, changed findings, score change, as
 * `faceaudit diff` prints it), two evaluations through its figure
 * comparison (each figure with its interval and a verdict); then, for any
 * two runs, their summaries side by side with the change of every number.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "faceaudit/app.h"
#include "faceaudit/json.h"
#include "faceaudit/jsonw.h"
#include "faceaudit/report.h"
#include "faceaudit/str.h"
#include "faceaudit/vec.h"
#include "faceaudit/xmalloc.h"
#include "tui_curses.h"
#include "tui_int.h"
#include "tui_text.h"

struct runs_state {
    struct vec rows;  /* char * "name\tstatus\tcreated" per run (formatted when drawn) */
    struct vec ids;   /* run ids as strings, parallel to rows */
    struct vec heads; /* "#ID kind name created" per row */
    struct vec sums;  /* summary JSON per row */
    struct vec kinds; /* run kind per row */
    struct vec scens; /* an audit's scenario id per row ("" for other runs) */
    struct vec asofs; /* an audit's as-of day per row */
    struct tui_list list;
    int mark[2];      /* marked rows (-1: none), in marking order */
    bool diffing;     /* showing the comparison of the two marked runs */
    struct vec diff;  /* char * lines of the comparison */
    int diff_first;
    char *error;
    int rows_shown;
};

static const struct tui_key_help runs_keys[] = {
    { "Up Down j k", "select a run" },
    { "PgUp PgDn", "scroll a page" },
    { "m Space", "mark the run for comparison (two at most)" },
    { "d Enter", "compare the two marked runs side by side" },
    { "Esc", "leave the comparison" },
    { "r", "reload from the database" },
    { NULL, NULL }
};

/*
 * The members of a JSON object (read with core's strict reader) as key and
 * value strings (strings unescaped, numbers and nested values as JSON),
 * appended to keys and vals (allocated). Returns the number of members, or
 * -1 when json is not a valid object (exported for the unit tests).
 */
int scr_runs_json_pairs(const char *json, struct vec *keys, struct vec *vals);
/* One comparison row: key, A's value, B's value and B - A for numbers (exported for tests). */
char *scr_runs_diff_row(const char *key, const char *a, const char *b, size_t width);

/* A value written back (nested values of a summary), spaced like our documents. */
static void
json_emit(struct jw *w, const struct json *j)
{
    size_t i;

    switch (j->type) {
    case JSON_NULL:
        jw_null(w);
        break;
    case JSON_BOOL:
        jw_bool(w, j->b);
        break;
    case JSON_NUMBER:
        jw_double(w, j->num, 15);
        break;
    case JSON_STRING:
        jw_str(w, j->str);
        break;
    case JSON_ARRAY:
        jw_array(w, JW_INLINE);
        for (i = 0; i < j->n; i++)
            json_emit(w, j->items[i]);
        jw_array_end(w);
        break;
    case JSON_OBJECT:
        jw_object(w, JW_INLINE);
        for (i = 0; i < j->n; i++) {
            jw_key(w, j->keys[i]);
            json_emit(w, j->items[i]);
        }
        jw_object_end(w);
        break;
    }
}

/* A member's value as text: a string as it reads, anything else as JSON. */
static char *
json_text(const struct json *j)
{
    struct strbuf sb;
    struct jw w;

    if (j->type == JSON_STRING)
        return xstrdup(j->str);
    strbuf_init(&sb);
    jw_init(&w, &sb, JW_SPACED);
    json_emit(&w, j);
    return strbuf_detach(&sb);
}

int
scr_runs_json_pairs(const char *json, struct vec *keys, struct vec *vals)
{
    struct json *j = json_parse(json, strlen(json), "summary", NULL);
    size_t i;
    int n;

    if (j == NULL || j->type != JSON_OBJECT) {
        json_free(j);
        return -1;
    }
    for (i = 0; i < j->n; i++) {
        vec_push(keys, xstrdup(j->keys[i]));
        vec_push(vals, json_text(j->items[i]));
    }
    n = (int)j->n;
    json_free(j);
    return n;
}

char *
scr_runs_diff_row(const char *key, const char *a, const char *b, size_t width)
{
    struct strbuf sb, out;
    char *ea, *eb, delta[32] = "";
    double x, y;

    x = a != NULL ? strtod(a, &ea) : 0;
    y = b != NULL ? strtod(b, &eb) : 0;
    if (a != NULL && b != NULL && *a != '\0' && *b != '\0' && *ea == '\0' && *eb == '\0') {
        if (fabs(y - x) < 1e-9)
            snprintf(delta, sizeof delta, "=");
        else
            snprintf(delta, sizeof delta, "%+.10g", y - x);
    } else if (a != NULL && b != NULL)
        snprintf(delta, sizeof delta, "%s", strcmp(a, b) == 0 ? "=" : "changed");
    strbuf_init(&sb);
    strbuf_putc(&sb, ' ');
    tui_text_fit(&sb, key, 18);
    strbuf_putc(&sb, ' ');
    tui_text_fit_right(&sb, a != NULL ? a : "—", 14);
    strbuf_putc(&sb, ' ');
    tui_text_fit_right(&sb, b != NULL ? b : "—", 14);
    strbuf_puts(&sb, "  ");
    strbuf_puts(&sb, delta);
    strbuf_init(&out);
    tui_text_fit(&out, strbuf_str(&sb), width);
    strbuf_done(&sb);
    return strbuf_detach(&out);
}

/*
 * The result column of a run from its summary: an audit's score and grade,
 * an evaluation's EER (or rank-1, or FNMR), a simulation's peak; a failed or
 * running run says so. Allocated (exported for the unit tests).
 */
char *scr_runs_result(const struct app_run_row *r);

char *
scr_runs_result(const struct app_run_row *r)
{
    struct vec keys, vals;
    const char *score = NULL, *grade = NULL, *eer = NULL, *rank1 = NULL, *fnmr = NULL;
    const char *peak = NULL;
    char *out = NULL;
    size_t i;

    if (strcmp(r->status, "failed") == 0)
        return xstrdup("✗ failed");
    if (strcmp(r->status, "complete") != 0)
        return xstrdup("… running");
    vec_init(&keys, free);
    vec_init(&vals, free);
    if (r->summary != NULL)
        scr_runs_json_pairs(r->summary, &keys, &vals);
    for (i = 0; i < keys.len; i++) {
        const char *k = keys.items[i], *v = vals.items[i];

        if (strcmp(k, "score") == 0)
            score = v;
        else if (strcmp(k, "grade") == 0)
            grade = v;
        else if (strcmp(k, "eer") == 0)
            eer = v;
        else if (strcmp(k, "rank1") == 0)
            rank1 = v;
        else if (strcmp(k, "fnmr") == 0)
            fnmr = v;
        else if (strcmp(k, "peak_stored") == 0)
            peak = v;
    }
    if (score != NULL)
        out = xasprintf("%.1f %s", strtod(score, NULL), grade != NULL ? grade : "");
    else if (grade != NULL)
        out = xasprintf("no score %s", grade);
    else if (eer != NULL)
        out = xasprintf("EER %.4f", strtod(eer, NULL));
    else if (rank1 != NULL)
        out = xasprintf("rank-1 %.3f", strtod(rank1, NULL));
    else if (fnmr != NULL)
        out = xasprintf("FNMR %.4f", strtod(fnmr, NULL));
    else if (peak != NULL)
        out = xasprintf("peak %s", peak);
    else
        out = xstrdup("–");
    vec_done(&keys);
    vec_done(&vals);
    return out;
}

/*
 * Format one run as a row of the list: id, kind, name (an unnamed audit is
 * named by its scenario and as-of day), scenario, result, date (exported for
 * the unit tests). scenario and as_of may be NULL.
 */
char *scr_runs_format(const struct app_run_row *r, const char *scenario, const char *as_of,
    size_t width);

char *
scr_runs_format(const struct app_run_row *r, const char *scenario, const char *as_of,
    size_t width)
{
    struct strbuf sb, out;
    char id[24], date[17], *name, *result = scr_runs_result(r);
    /*
     * Narrower than 100 columns the scenario column goes (an automatic name
     * carries the scenario) and the date loses its time.
     */
    bool wide = width >= 100;
    size_t sw = wide ? 20 : 0, rw = 10, dw = wide ? 16 : 10;
    size_t fixed = 5 + 1 + 7 + 1 + 1 + (wide ? sw + 1 : 0) + rw + 1 + dw, namew;

    if (*r->name != '\0')
        name = xstrdup(r->name);
    else if (scenario != NULL && *scenario != '\0')
        name = xasprintf("%s %s", scenario, as_of != NULL ? as_of : "");
    else
        name = xasprintf("%s %.10s", r->kind, r->created_at);
    /* "2026-11-26T10:00:00Z" reads as "2026-11-26 10:00" */
    if (wide && strlen(r->created_at) > 11)
        snprintf(date, sizeof date, "%.10s %.5s", r->created_at, r->created_at + 11);
    else
        snprintf(date, sizeof date, "%.10s", r->created_at);
    strbuf_init(&sb);
    snprintf(id, sizeof id, "%lld", (long long)r->id);
    tui_text_fit_right(&sb, id, 5);
    strbuf_putc(&sb, ' ');
    tui_text_fit(&sb, r->kind, 7);
    strbuf_putc(&sb, ' ');
    /* id, kind, scenario, result, date and blanks fixed: the name takes the rest */
    namew = width > fixed + 12 ? width - fixed : 12;
    tui_text_fit(&sb, name, namew);
    strbuf_putc(&sb, ' ');
    if (wide) {
        tui_text_fit(&sb, scenario != NULL && *scenario != '\0' ? scenario : "–", sw);
        strbuf_putc(&sb, ' ');
    }
    tui_text_fit(&sb, result, rw);
    strbuf_putc(&sb, ' ');
    tui_text_fit(&sb, date, dw);
    strbuf_init(&out);
    tui_text_fit(&out, strbuf_str(&sb), width);
    strbuf_done(&sb);
    free(name);
    free(result);
    return strbuf_detach(&out);
}

static void
runs_collect(struct tui *t, const struct app_run_row *r, struct runs_state *s)
{
    char *scenario = NULL, *as_of = NULL, *cause = NULL, *row;

    if (strcmp(r->kind, "audit") == 0 && strcmp(r->status, "complete") == 0 &&
        app_audit_run_scenario(tui_app(t), r->id, &scenario, &as_of, &cause) != 0)
        free(cause);
    /* the row itself is formatted at the screen's width when drawn */
    row = xasprintf("%s\t%s\t%s", r->name, r->status, r->created_at);
    vec_push(&s->rows, row);
    vec_push(&s->asofs, as_of != NULL ? as_of : xstrdup(""));
    vec_push(&s->ids, xasprintf("%lld", (long long)r->id));
    vec_push(&s->heads, xasprintf("#%lld %s %s %s", (long long)r->id, r->kind,
        *r->name != '\0' ? r->name : scenario != NULL ? scenario : "(unnamed)", r->created_at));
    vec_push(&s->sums, xstrdup(r->summary != NULL ? r->summary : "{}"));
    vec_push(&s->kinds, xstrdup(r->kind));
    vec_push(&s->scens, scenario != NULL ? scenario : xstrdup(""));
}

/* Row idx at a width (allocated). */
static char *
runs_row(struct runs_state *s, int idx, size_t width)
{
    char *f = xstrdup(vec_get(&s->rows, (size_t)idx)), *tab1 = strchr(f, '\t'), *tab2, *row;
    struct app_run_row r;

    memset(&r, 0, sizeof r);
    *tab1 = '\0';
    tab2 = strchr(tab1 + 1, '\t');
    *tab2 = '\0';
    r.id = strtoll(vec_get(&s->ids, (size_t)idx), NULL, 10);
    r.kind = vec_get(&s->kinds, (size_t)idx);
    r.name = f;
    r.status = tab1 + 1;
    r.created_at = tab2 + 1;
    r.finished_at = "";
    r.summary = vec_get(&s->sums, (size_t)idx);
    row = scr_runs_format(&r, vec_get(&s->scens, (size_t)idx), vec_get(&s->asofs, (size_t)idx),
        width);
    free(f);
    return row;
}

static void
runs_load(struct tui *t, struct runs_state *s)
{
    struct app_runs *rs;
    size_t i;

    vec_clear(&s->rows);
    vec_clear(&s->ids);
    vec_clear(&s->heads);
    vec_clear(&s->sums);
    vec_clear(&s->kinds);
    vec_clear(&s->scens);
    vec_clear(&s->asofs);
    s->mark[0] = s->mark[1] = -1;
    s->diffing = false;
    free(s->error);
    s->error = NULL;
    rs = app_runs_list(tui_app(t), NULL, &s->error);
    for (i = 0; rs != NULL && i < rs->n; i++)
        runs_collect(t, &rs->rows[i], s);
    app_runs_free(rs);
    s->list.count = (int)s->rows.len;
    if (s->list.sel >= s->list.count)
        s->list.sel = s->list.count > 0 ? s->list.count - 1 : 0;
}

static void *
runs_init(struct tui *t, void *arg)
{
    struct runs_state *s = xcalloc(1, sizeof *s);

    (void)arg;
    vec_init(&s->rows, free);
    vec_init(&s->ids, free);
    vec_init(&s->heads, free);
    vec_init(&s->sums, free);
    vec_init(&s->kinds, free);
    vec_init(&s->scens, free);
    vec_init(&s->asofs, free);
    vec_init(&s->diff, free);
    runs_load(t, s);
    return s;
}

/* Shown again: runs stored meanwhile (an audit opened, an evaluation) are listed. */
static void
runs_show(struct tui *t, void *state)
{
    struct runs_state *s = state;

    if (!s->diffing)
        runs_load(t, s);
}

static void
runs_free(void *state)
{
    struct runs_state *s = state;

    vec_done(&s->rows);
    vec_done(&s->ids);
    vec_done(&s->heads);
    vec_done(&s->sums);
    vec_done(&s->kinds);
    vec_done(&s->scens);
    vec_done(&s->asofs);
    vec_done(&s->diff);
    free(s->error);
    free(s);
}

static void
push_lines(struct vec *v, const char *text)
{
    const char *p = text;

    while (*p != '\0') {
        size_t n = strcspn(p, "\n");

        vec_push(v, xasprintf(" %.*s", (int)n, p));
        p += n;
        if (*p == '\n')
            p++;
    }
}

/*
 * The report module's comparison of two runs of the same kind (audit: the
 * findings diff; eval: the figures), appended as lines; nothing for other
 * kinds. Errors are shown as a line.
 */
static void
runs_report_diff(struct tui *t, struct runs_state *s, int a, int b)
{
    const char *ka = vec_get(&s->kinds, (size_t)a), *kb = vec_get(&s->kinds, (size_t)b);
    const char *ia = vec_get(&s->ids, (size_t)a), *ib = vec_get(&s->ids, (size_t)b);
    struct app *app = tui_app(t);
    char *cause = NULL, *text = NULL;

    if (strcmp(ka, kb) != 0)
        return;
    if (strcmp(ka, "audit") == 0) {
        struct app_diff *d = app_diff_audits(app, ia, ib, &cause);

        if (d != NULL)
            text = report_diff_text(d->d, false);
        app_diff_free(d);
    } else if (strcmp(ka, "eval") == 0) {
        struct app_eval_result *ea, *eb;
        char la[32], lb[32];
        size_t nworse = 0;

        snprintf(la, sizeof la, "#%s", ia);
        snprintf(lb, sizeof lb, "#%s", ib);
        if (app_diff_evals(app, la, lb, &ea, &eb, &cause) == 0) {
            text = report_eval_diff(&ea->fig, la, &eb->fig, lb, false, &nworse);
            app_eval_result_free(ea);
            app_eval_result_free(eb);
        }
    } else
        return;
    if (text != NULL) {
        push_lines(&s->diff, text);
        vec_push(&s->diff, xstrdup(""));
    } else {
        vec_push(&s->diff, xasprintf(" (no comparison: %s)", cause != NULL ? cause : "?"));
        vec_push(&s->diff, xstrdup(""));
    }
    free(text);
    free(cause);
}

/* The comparison of the two marked runs as lines (A is the one marked first). */
static void
runs_make_diff(struct tui *t, struct runs_state *s, size_t width)
{
    struct vec ka, va, kb, vb;
    size_t i, j;
    int a = s->mark[0], b = s->mark[1];

    vec_clear(&s->diff);
    vec_init(&ka, free);
    vec_init(&va, free);
    vec_init(&kb, free);
    vec_init(&vb, free);
    vec_push(&s->diff, xasprintf(" A  %s", (const char *)vec_get(&s->heads, (size_t)a)));
    vec_push(&s->diff, xasprintf(" B  %s", (const char *)vec_get(&s->heads, (size_t)b)));
    vec_push(&s->diff, xstrdup(""));
    runs_report_diff(t, s, a, b);
    {
        struct strbuf sb;

        strbuf_init(&sb);
        strbuf_putc(&sb, ' ');
        tui_text_fit(&sb, "SUMMARY", 18);
        strbuf_puts(&sb, "              A              B  B - A");
        vec_push(&s->diff, strbuf_detach(&sb));
    }
    if (scr_runs_json_pairs(vec_get(&s->sums, (size_t)a), &ka, &va) < 0 ||
        scr_runs_json_pairs(vec_get(&s->sums, (size_t)b), &kb, &vb) < 0)
        vec_push(&s->diff, xstrdup(" (a summary is not a JSON object)"));
    for (i = 0; i < ka.len; i++) {
        const char *bv = NULL;

        for (j = 0; j < kb.len; j++) {
            if (strcmp(ka.items[i], kb.items[j]) == 0)
                bv = vb.items[j];
        }
        vec_push(&s->diff, scr_runs_diff_row(ka.items[i], i < va.len ? va.items[i] : "", bv,
            width));
    }
    for (j = 0; j < kb.len; j++) {
        bool seen = false;

        for (i = 0; i < ka.len; i++)
            seen = seen || strcmp(ka.items[i], kb.items[j]) == 0;
        if (!seen)
            vec_push(&s->diff, scr_runs_diff_row(kb.items[j], NULL, j < vb.len ? vb.items[j] :
                "", width));
    }
    vec_done(&ka);
    vec_done(&va);
    vec_done(&kb);
    vec_done(&vb);
}

static void
runs_draw(struct tui *t, void *state, int top, int rows, int cols)
{
    struct runs_state *s = state;
    int i, body = rows - 1;

    s->rows_shown = body;
    if (s->diffing) {
        tui_put(t, top, 0, TUI_HEADER, "Comparison of the marked runs (Esc: back to the list)",
            cols);
        if (s->diff.len == 0)
            runs_make_diff(t, s, (size_t)cols);
        if (s->diff_first > (int)s->diff.len - 1)
            s->diff_first = s->diff.len > 0 ? (int)s->diff.len - 1 : 0;
        for (i = 0; i < body && s->diff_first + i < (int)s->diff.len; i++)
            tui_put(t, top + 1 + i, 0, i + s->diff_first < 3 ? TUI_HEADER : TUI_NORMAL,
                vec_get(&s->diff, (size_t)(s->diff_first + i)), cols);
        return;
    }
    {
        struct strbuf sb;
        bool wide = cols - 1 >= 100;
        size_t fixed = wide ? 63 : 36;
        size_t namew = (size_t)cols - 1 > fixed + 12 ? (size_t)cols - 1 - fixed : 12;

        strbuf_init(&sb);
        strbuf_puts(&sb, "    ID KIND    ");
        tui_text_fit(&sb, "NAME", namew + 1);
        strbuf_puts(&sb, wide ? "SCENARIO             RESULT     DATE" : "RESULT     DATE");
        tui_put(t, top, 0, TUI_HEADER, strbuf_str(&sb), cols);
        strbuf_done(&sb);
    }
    if (s->error != NULL) {
        tui_put(t, top + 1, 1, TUI_ERROR, s->error, cols - 2);
        return;
    }
    if (s->rows.len == 0) {
        tui_put(t, top + 1, 1, TUI_DIM, "No stored runs yet: `faceaudit audit`, `faceaudit "
            "eval` and `faceaudit simulate` store theirs here.", cols - 2);
        return;
    }
    tui_list_scroll(&s->list, body);
    for (i = 0; i < body && s->list.first + i < s->list.count; i++) {
        int idx = s->list.first + i;
        const char *mk = idx == s->mark[0] ? "A" : idx == s->mark[1] ? "B" : " ";

        tui_put(t, top + 1 + i, 0, idx == s->list.sel ? TUI_SELECTED : TUI_NORMAL, mk, 1);
        char *row = runs_row(s, idx, (size_t)cols - 1);

        tui_put(t, top + 1 + i, 1, idx == s->list.sel ? TUI_SELECTED : TUI_NORMAL, row,
            cols - 1);
        free(row);
    }
}

static int
runs_start_diff(struct runs_state *s)
{
    s->diffing = true;
    s->diff_first = 0;
    vec_clear(&s->diff);
    return TUI_REDRAW;
}

static int
runs_confirm_done(struct tui *t, void *arg, const char *text)
{
    if (text[0] == 'y' || text[0] == 'Y')
        return runs_start_diff(arg);
    tui_status(t, "not compared");
    return TUI_REDRAW;
}

static int
runs_key(struct tui *t, void *state, int key)
{
    struct runs_state *s = state;

    if (s->diffing) {
        switch (key) {
        case TUI_KEY_ESC:
        case 'q':
        case KEY_LEFT:
        case 'h':
            s->diffing = false;
            return TUI_REDRAW;
        case KEY_DOWN:
        case 'j':
            s->diff_first++;
            return TUI_REDRAW;
        case KEY_UP:
        case 'k':
            s->diff_first = s->diff_first > 0 ? s->diff_first - 1 : 0;
            return TUI_REDRAW;
        default:
            return TUI_NONE;
        }
    }
    switch (key) {
    case 'r':
        runs_load(t, s);
        tui_status(t, "%zu runs", s->rows.len);
        return TUI_REDRAW;
    case 'm':
    case ' ':
        if (s->list.count == 0)
            return TUI_NONE;
        if (s->mark[0] == s->list.sel) {
            s->mark[0] = s->mark[1];
            s->mark[1] = -1;
        } else if (s->mark[1] == s->list.sel)
            s->mark[1] = -1;
        else if (s->mark[0] < 0)
            s->mark[0] = s->list.sel;
        else {
            s->mark[1] = s->list.sel;
        }
        tui_status(t, s->mark[1] >= 0 ? "two runs marked: d compares them" :
            s->mark[0] >= 0 ? "one run marked: mark another" : "no run marked");
        return TUI_REDRAW;
    case 'd':
    case '\n':
    case '\r':
    case KEY_ENTER:
        if (s->mark[0] < 0 || s->mark[1] < 0) {
            tui_status(t, "mark two runs with m first");
            return TUI_REDRAW;
        }
        {
            const char *sa = vec_get(&s->scens, (size_t)s->mark[0]);
            const char *sb = vec_get(&s->scens, (size_t)s->mark[1]);

            if (*sa != '\0' && *sb != '\0' && strcmp(sa, sb) != 0) {
                char label[256];

                snprintf(label, sizeof label, "two deployments: %s vs %s. Compare? y/n", sa,
                    sb);
                tui_prompt(t, label, NULL, runs_confirm_done, s);
                return TUI_REDRAW;
            }
        }
        return runs_start_diff(s);
    default:
        return tui_list_key(&s->list, key, s->rows_shown);
    }
}

static int
runs_click(struct tui *t, void *state, int row, int col)
{
    struct runs_state *s = state;
    int idx = s->list.first + row - 1;

    (void)t;
    (void)col;
    if (row < 1 || idx >= s->list.count)
        return TUI_NONE;
    s->list.sel = idx;
    return TUI_REDRAW;
}

const struct tui_screen_ops scr_runs_ops = {
    "runs", "Runs", runs_init, runs_free, runs_draw, runs_key, runs_click, runs_keys,
    runs_show
};
