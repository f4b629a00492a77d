/* SPDX-License-Identifier: MIT */
/*
 * scr_runs.c - F7: the history of stored runs (audits, evaluations,
 * simulations, replays) from the database, newest first.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/store.h"
#include "faceaudit/store_run.h"
#include "faceaudit/str.h"
#include "faceaudit/vec.h"
#include "faceaudit/xmalloc.h"
#include "tui_curses.h"
#include "tui_int.h"
#include "tui_text.h"

struct runs_state {
    struct vec rows; /* char * formatted rows */
    struct vec ids;  /* run ids as strings, parallel to rows */
    struct tui_list list;
    char *error;
    int rows_shown;
};

static const struct tui_key_help runs_keys[] = {
    { "Up Down j k", "select a run" },
    { "PgUp PgDn", "scroll a page" },
    { "r", "reload from the database" },
    { NULL, NULL }
};

/* Format one run as a row of the list (exported for the unit tests). */
char *scr_runs_format(const struct store_run_row *r, size_t width);

char *
scr_runs_format(const struct store_run_row *r, size_t width)
{
    struct strbuf sb;
    char id[24];
    const char *status = strcmp(r->status, "complete") == 0 ? "✓ complete" :
        strcmp(r->status, "failed") == 0 ? "✗ failed" : "… running";

    strbuf_init(&sb);
    snprintf(id, sizeof id, "%lld", (long long)r->id);
    tui_text_fit_right(&sb, id, 5);
    strbuf_putc(&sb, ' ');
    tui_text_fit(&sb, r->kind, 10);
    strbuf_putc(&sb, ' ');
    tui_text_fit(&sb, r->created_at, 20);
    strbuf_putc(&sb, ' ');
    tui_text_fit(&sb, status, 10);
    strbuf_putc(&sb, ' ');
    if (width > 49)
        tui_text_fit(&sb, *r->name != '\0' ? r->name : "(unnamed)", width - 49);
    return strbuf_detach(&sb);
}

static void
runs_collect(const struct store_run_row *r, void *arg)
{
    struct runs_state *s = arg;

    vec_push(&s->rows, scr_runs_format(r, 200));
    vec_push(&s->ids, xasprintf("%lld", (long long)r->id));
}

static void
runs_load(struct tui *t, struct runs_state *s)
{
    struct store *st = cli_store(tui_ctx(t));

    vec_clear(&s->rows);
    vec_clear(&s->ids);
    free(s->error);
    s->error = NULL;
    if (st == NULL)
        s->error = xstrdup("the database cannot be opened (see the message after quitting)");
    else
        (void)store_run_each(st, NULL, runs_collect, s, &s->error);
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
    runs_load(t, s);
    return s;
}

static void
runs_free(void *state)
{
    struct runs_state *s = state;

    vec_done(&s->rows);
    vec_done(&s->ids);
    free(s->error);
    free(s);
}

static void
runs_draw(struct tui *t, void *state, int top, int rows, int cols)
{
    struct runs_state *s = state;
    int i, body = rows - 1;

    s->rows_shown = body;
    tui_put(t, top, 0, TUI_HEADER, "   ID KIND       CREATED              STATUS     NAME", cols);
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

        tui_put(t, top + 1 + i, 0, idx == s->list.sel ? TUI_SELECTED : TUI_NORMAL,
            vec_get(&s->rows, (size_t)idx), cols);
    }
}

static int
runs_key(struct tui *t, void *state, int key)
{
    struct runs_state *s = state;

    if (key == 'r') {
        runs_load(t, s);
        tui_status(t, "%zu runs", s->rows.len);
        return TUI_REDRAW;
    }
    return tui_list_key(&s->list, key, s->rows_shown);
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
    "runs", "Runs", runs_init, runs_free, runs_draw, runs_key, runs_click, runs_keys
};
