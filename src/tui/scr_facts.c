/* SPDX-License-Identifier: MIT */
/*
 * scr_facts.c - F3: the what-if fact editor. The scenario as a tree
 * (deployment, sites, zones, devices, each with its facts and where an
 * inherited value comes from); Enter or Space toggles a boolean or cycles an
 * enum (unknown is one of the values), `e` edits any fact as text with the
 * same validation as the YAML loader, `U` makes it unknown, `x` removes it
 * so it inherits again. Every change re-audits at once; the top line says
 * which articles newly fail or pass. Undo, redo and save as a new file.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/str.h"
#include "faceaudit/vec.h"
#include "faceaudit/xmalloc.h"
#include "tui_curses.h"
#include "tui_int.h"
#include "tui_model.h"
#include "tui_text.h"

static const struct tui_key_help facts_keys[] = {
    { "Up Down j k", "select a fact" },
    { "Enter Space", "toggle a yes/no fact, cycle an enum (… → unknown)" },
    { "e", "edit the value as text (numbers, dates, text, lists)" },
    { "U", "make the fact unknown (unknown is not false)" },
    { "x", "remove the value (inherit from the zone or site again)" },
    { "/ n", "find a fact (e.g. device:desk-tablet-1.location), find the next" },
    { "u r", "undo / redo" },
    { "s", "save as a new scenario file" },
    { "F2", "the board, with what changed marked" },
    { NULL, NULL }
};

struct facts_state {
    struct tui_list list;
    unsigned gen;               /* the model generation the rows were made for (+1) */
    struct app_whatif_fact_row *rows;
    size_t nrows;
    int rows_shown;
    char find[128];
};

static void
facts_refresh(struct app_whatif *m, struct facts_state *f)
{
    if (m == NULL || app_whatif_generation(m) + 1 == f->gen)
        return;
    free(f->rows);
    f->rows = NULL;
    f->nrows = 0;
    f->gen = app_whatif_generation(m) + 1;
    if (app_whatif_is_open(m))
        f->nrows = app_whatif_fact_rows(m, &f->rows);
    f->list.count = (int)f->nrows;
    f->list.sel = f->nrows > 1 ? 1 : 0;
    f->list.first = 0;
}

static void *
facts_init(struct tui *t, void *arg)
{
    struct facts_state *f = xcalloc(1, sizeof *f);

    (void)arg;
    facts_refresh(tui_model(t, NULL), f);
    return f;
}

static void
facts_free(void *state)
{
    struct facts_state *f = state;

    free(f->rows);
    free(f);
}

static void
help_line(const char *line, void *arg)
{
    vec_push(arg, xstrdup(line));
}

static void
facts_draw(struct tui *t, void *state, int top, int rows, int cols)
{
    struct facts_state *f = state;
    struct app_whatif *m = tui_model(t, NULL);
    struct vec help;
    char *s;
    int i, body, nhelp;

    facts_refresh(m, f);
    if (m == NULL || !app_whatif_is_open(m)) {
        tui_put(t, top + 1, 1, TUI_DIM, "No scenario is open: F2 opens one.", cols - 2);
        return;
    }
    s = tui_board_header(m, 1, (size_t)cols - 2);
    tui_put(t, top, 1, TUI_HEADER, s, cols - 2);
    free(s);
    if ((s = app_whatif_change_summary(m)) != NULL && app_whatif_last_change(m) != NULL) {
        char *line = xasprintf("%s  · %s", s, app_whatif_last_change(m));

        tui_put(t, top + 1, 1, TUI_EVIDENCE, line, cols - 2);
        free(line);
    } else
        tui_put(t, top + 1, 1, TUI_DIM, "Enter toggles or cycles, e edits, U unknown: the "
            "verdict follows.", cols - 2);
    free(s);
    /* the selected fact's description and every value it takes, wrapped (up to 5 lines) */
    vec_init(&help, free);
    if (f->nrows > 0 && f->list.sel < (int)f->nrows) {
        char *about, *values;

        if (app_whatif_row_help(&f->rows[f->list.sel], &about, &values)) {
            tui_text_wrap(about, (size_t)cols - 2, help_line, &help);
            tui_text_wrap(values, (size_t)cols - 2, help_line, &help);
            free(about);
            free(values);
        }
    }
    nhelp = (int)help.len < 5 ? (int)help.len : 5;
    if (rows - 2 - nhelp < 3)
        nhelp = rows - 5 > 0 ? rows - 5 : 0;
    body = rows - 2 - (nhelp > 2 ? nhelp : 2);
    if (body < 1)
        body = 1;
    f->rows_shown = body;
    tui_list_scroll(&f->list, body);
    for (i = 0; i < body && f->list.first + i < f->list.count; i++) {
        const struct app_whatif_fact_row *r = &f->rows[f->list.first + i];

        s = tui_fact_row_format(r, (size_t)cols - 1);
        tui_put(t, top + 2 + i, 1, f->list.first + i == f->list.sel ? TUI_SELECTED :
            r->def == NULL ? TUI_HEADER : TUI_NORMAL, s, cols - 1);
        free(s);
    }
    /* the last lines (the values) matter most when they do not all fit */
    for (i = 0; i < nhelp; i++)
        tui_put(t, top + rows - nhelp + i, 1, TUI_DIM, vec_get(&help, help.len - (size_t)nhelp +
            (size_t)i), cols - 2);
    vec_done(&help);
}

/* Apply text to the selected fact (NULL removes it) and report the effect. */
static int
facts_apply(struct tui *t, struct facts_state *f, const char *text)
{
    struct app_whatif *m = tui_model(t, NULL);
    const struct app_whatif_fact_row *r;
    char *cause = NULL, *sum, *ref;
    int rc;

    if (m == NULL || f->nrows == 0)
        return TUI_NONE;
    r = &f->rows[f->list.sel];
    if (r->def == NULL)
        return TUI_NONE;
    ref = app_whatif_row_ref(r);
    rc = app_whatif_set(m, ref, text, &cause);
    free(ref);
    if (rc != 0) {
        tui_status(t, "%s", cause);
        free(cause);
        return TUI_REDRAW;
    }
    sum = app_whatif_change_summary(m);
    tui_status(t, "%s", sum != NULL ? sum : "");
    free(sum);
    return TUI_REDRAW;
}

static int
facts_edit_done(struct tui *t, void *arg, const char *text)
{
    struct facts_state *f = arg;
    const struct app_whatif_fact_row *r = f->nrows > 0 ? &f->rows[f->list.sel] : NULL;
    char *label, *now, *note;
    bool same;

    if (r == NULL || r->def == NULL)
        return TUI_NONE;
    app_whatif_row_text(r, &label, &now, &note);
    same = now != NULL && strcmp(now, text) == 0;
    free(label);
    free(now);
    free(note);
    if (same) {
        tui_status(t, "unchanged");
        return TUI_REDRAW;
    }
    return facts_apply(t, arg, text);
}

static bool
row_matches(const struct app_whatif_fact_row *r, const char *needle)
{
    char *s;
    bool hit;

    /* the fact path of scenario.h (device:gate-1.location, deployment.consent.type) */
    s = app_whatif_row_ref(r);
    hit = strstr(s, needle) != NULL;
    free(s);
    return hit;
}

static int
facts_find_next(struct tui *t, struct facts_state *f)
{
    size_t i;

    if (f->find[0] == '\0' || f->nrows == 0)
        return TUI_NONE;
    for (i = 1; i <= f->nrows; i++) {
        size_t k = ((size_t)f->list.sel + i) % f->nrows;

        if (row_matches(&f->rows[k], f->find)) {
            f->list.sel = (int)k;
            tui_list_scroll(&f->list, f->rows_shown);
            return TUI_REDRAW;
        }
    }
    tui_status(t, "no fact matches '%s'", f->find);
    return TUI_REDRAW;
}

static int
facts_find_done(struct tui *t, void *arg, const char *text)
{
    struct facts_state *f = arg;

    snprintf(f->find, sizeof f->find, "%s", text);
    return facts_find_next(t, f);
}

static int
facts_key(struct tui *t, void *state, int key)
{
    struct facts_state *f = state;
    struct app_whatif *m = tui_model(t, NULL);
    const struct app_whatif_fact_row *r;
    char *v;
    int rc;

    if (m == NULL || !app_whatif_is_open(m))
        return TUI_NONE;
    facts_refresh(m, f);
    r = f->nrows > 0 ? &f->rows[f->list.sel] : NULL;
    switch (key) {
    case '\n':
    case '\r':
    case KEY_ENTER:
    case ' ':
        if (r == NULL || r->def == NULL)
            return key == ' ' ? tui_list_key(&f->list, key, f->rows_shown) : TUI_NONE;
        if ((v = app_whatif_row_cycle(r)) == NULL)
            return facts_key(t, state, 'e');
        rc = facts_apply(t, f, v);
        free(v);
        return rc;
    case 'e':
        if (r == NULL || r->def == NULL)
            return TUI_NONE;
        {
            char *label, *note, *ref = app_whatif_row_ref(r);

            app_whatif_row_text(r, &label, &v, &note);
            tui_prompt(t, ref, v, facts_edit_done, f);
            free(ref);
            free(label);
            free(note);
        }
        free(v);
        return TUI_REDRAW;
    case 'U':
        return facts_apply(t, f, "unknown");
    case 'x':
        return facts_apply(t, f, NULL);
    case '/':
        tui_prompt(t, "find fact", f->find, facts_find_done, f);
        return TUI_REDRAW;
    case 'n':
        return facts_find_next(t, f);
    case 's':
        tui_board_save_prompt(t);
        return TUI_REDRAW;
    default:
        break;
    }
    if ((rc = tui_board_undo_key(t, key)) != TUI_NONE)
        return rc;
    return tui_list_key(&f->list, key, f->rows_shown);
}

static int
facts_click(struct tui *t, void *state, int row, int col)
{
    struct facts_state *f = state;
    int idx = f->list.first + row - 2;

    (void)t;
    (void)col;
    if (row < 2 || idx >= f->list.count || row - 2 >= f->rows_shown)
        return TUI_NONE;
    f->list.sel = idx;
    return TUI_REDRAW;
}

const struct tui_screen_ops scr_facts_ops = {
    "facts", "Facts (what-if)", facts_init, facts_free, facts_draw, facts_key, facts_click,
    facts_keys, NULL
};
