/* SPDX-License-Identifier: MIT */
/*
 * scr_board.c - F2: the article board. The scenario's name, as-of date,
 * score and grade and key facts (or what the last edit changed), then the
 * 20 articles as rows with a status symbol and colour, failing-rule counts
 * and a mark on articles that newly fail or pass since the last state.
 * Enter opens an article. Without a scenario it lists the bundled ones to
 * open (and `o` reopens that list).
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/str.h"
#include "faceaudit/vec.h"
#include "faceaudit/xmalloc.h"
#include "tui_curses.h"
#include "tui_int.h"
#include "tui_model.h"
#include "tui_text.h"

static const struct tui_key_help board_keys[] = {
    { "Up Down j k", "select an article" },
    { "Enter l", "open the article: findings, facts read, remedies" },
    { "e F3", "edit facts (what-if); the board marks what changed" },
    { "u", "undo the last fact change" },
    { "r", "redo" },
    { "s", "save the edited scenario as a new file" },
    { "S", "store this verdict (what-if edits included) as an audit run (F7)" },
    { "d", "audit as of another date" },
    { "o", "open another scenario" },
    { "R", "choose a contested reading (NAME=ALT, as --reading); the header names it" },
    { NULL, NULL }
};

struct board_state {
    struct tui_list list;
    bool picking;          /* showing the scenario list */
    bool auto_pick;        /* ... because no scenario was open */
    struct vec files;      /* char * paths */
    int rows_shown;
    int header;            /* header lines drawn above the articles */
};

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void
tui_list_scenarios(const char *dir, struct vec *v)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t start = v->len;

    if (d == NULL)
        return;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);

        if (n > 8 && strcmp(de->d_name + n - 8, ".fa.yaml") == 0)
            vec_push(v, path_join(dir, de->d_name));
    }
    closedir(d);
    if (v->len > start)
        qsort(v->items + start, v->len - start, sizeof *v->items, cmp_str);
}

static void
board_pick(struct board_state *b)
{
    b->auto_pick = false;
    char *dir = tui_data_path("datasets/scenarios");

    vec_clear(&b->files);
    tui_list_scenarios(dir, &b->files);
    free(dir);
    b->picking = true;
    b->list.sel = b->list.first = 0;
    b->list.count = (int)b->files.len;
}

static void *
board_init(struct tui *t, void *arg)
{
    struct board_state *b = xcalloc(1, sizeof *b);
    struct app_whatif *m = tui_model(t, NULL);

    (void)arg;
    vec_init(&b->files, free);
    if (m == NULL || !app_whatif_is_open(m)) {
        board_pick(b);
        b->auto_pick = true;
    } else
        b->list.count = RULE_NARTICLES;
    return b;
}

static void
board_free(void *state)
{
    struct board_state *b = state;

    vec_done(&b->files);
    free(b);
}

static int
role_of(enum rule_outcome o)
{
    switch (o) {
    case RULE_PASS: return TUI_PASS;
    case RULE_FAIL: return TUI_FAIL;
    case RULE_NA: return TUI_NA;
    case RULE_NEEDS_EVIDENCE: return TUI_EVIDENCE;
    case RULE_ADVISORY: return TUI_ADVISORY;
    default: return TUI_WAIVED;
    }
}

static void
board_draw(struct tui *t, void *state, int top, int rows, int cols)
{
    struct board_state *b = state;
    char *why = NULL, *s;
    struct app_whatif *m = tui_model(t, &why);
    int i, body;

    if (m == NULL) {
        tui_put(t, top + 1, 1, TUI_ERROR, why != NULL ? why : "no rule pack", cols - 2);
        return;
    }
    if (b->picking) {
        tui_put(t, top, 1, TUI_HEADER, "Open a scenario (Enter), or start with `faceaudit tui "
            "FILE`", cols - 2);
        body = rows - 1;
        b->rows_shown = body;
        if (b->files.len == 0) {
            tui_put(t, top + 1, 1, TUI_DIM, "no *.fa.yaml files in datasets/scenarios",
                cols - 2);
            return;
        }
        tui_list_scroll(&b->list, body);
        for (i = 0; i < body && b->list.first + i < b->list.count; i++) {
            const char *path = vec_get(&b->files, (size_t)(b->list.first + i));
            const char *base = strrchr(path, '/');

            tui_put(t, top + 1 + i, 2, b->list.first + i == b->list.sel ? TUI_SELECTED :
                TUI_NORMAL, base != NULL ? base + 1 : path, cols - 4);
        }
        return;
    }
    /*
     * Three header lines when there is room; at 80x24 one, so all 20
     * articles show: what the last change did, else the score line.
     */
    b->header = rows - RULE_NARTICLES >= TUI_BOARD_HEADER_LINES ? TUI_BOARD_HEADER_LINES : 1;
    for (i = 0; i < b->header && i < rows; i++) {
        bool changed = app_whatif_last_change(m) != NULL && app_whatif_changed(m);
        int line = b->header == 1 ? (changed ? 2 : 1) : i;

        s = tui_board_header(m, line, (size_t)cols - 1);
        tui_put(t, top + i, 1, line == 0 ? TUI_HEADER : line == 2 &&
            app_whatif_last_change(m) != NULL ? TUI_EVIDENCE : TUI_NORMAL, s, cols - 1);
        free(s);
    }
    body = rows - b->header;
    b->rows_shown = body;
    tui_list_scroll(&b->list, body);
    for (i = 0; i < body && b->list.first + i < RULE_NARTICLES; i++) {
        int n = b->list.first + i + 1;
        enum rule_outcome o = app_whatif_outcome(m, n);

        s = tui_board_row(m, n, (size_t)cols);
        tui_put(t, top + b->header + i, 0, n - 1 == b->list.sel ? TUI_SELECTED :
            role_of(o), s, cols);
        free(s);
    }
}

/* Shown again: a scenario opened meanwhile (a lesson) replaces the list. */
static void
board_show(struct tui *t, void *state)
{
    struct board_state *b = state;
    struct app_whatif *m = tui_model(t, NULL);

    if (b->picking && b->auto_pick && m != NULL && app_whatif_is_open(m)) {
        b->picking = b->auto_pick = false;
        b->list.sel = b->list.first = 0;
        b->list.count = RULE_NARTICLES;
    }
}

static int
board_save_done(struct tui *t, void *arg, const char *text)
{
    char *cause = NULL;

    (void)arg;
    if (app_whatif_save(tui_model(t, NULL), text, &cause) != 0) {
        tui_status(t, "not saved: %s", cause);
        free(cause);
    } else
        tui_status(t, "saved %s", text);
    return TUI_REDRAW;
}

void
tui_board_save_prompt(struct tui *t)
{
    struct app_whatif *m = tui_model(t, NULL);
    const char *path;
    char *initial;
    size_t n;

    if (m == NULL || (path = app_whatif_path(m)) == NULL)
        return;
    n = strlen(path);
    initial = n > 8 && strcmp(path + n - 8, ".fa.yaml") == 0 ?
        xasprintf("%.*s-whatif.fa.yaml", (int)(n - 8), path) : xasprintf("%s.new", path);
    tui_prompt(t, "save as", initial, board_save_done, NULL);
    free(initial);
}

static int
board_date_done(struct tui *t, void *arg, const char *text)
{
    struct app_whatif *m = tui_model(t, NULL);
    char *cause = NULL;
    fa_date d = FA_DATE_NONE;

    (void)arg;
    if (*text != '\0' && date_parse(text, &d, &cause) != 0) {
        tui_status(t, "%s", cause);
        free(cause);
        return TUI_REDRAW;
    }
    if (app_whatif_reaudit(m, d, &cause) != 0) {
        tui_status(t, "%s", cause);
        free(cause);
    }
    return TUI_REDRAW;
}

static int
board_reading_done(struct tui *t, void *arg, const char *text)
{
    struct app_whatif *m = tui_model(t, NULL);
    char *cause = NULL, *rd;

    (void)arg;
    if (*text == '\0')
        return TUI_REDRAW;
    if (app_whatif_select_reading(m, text, &cause) != 0) {
        tui_status(t, "%s", cause);
        free(cause);
        return TUI_REDRAW;
    }
    rd = app_whatif_readings(m, false);
    tui_status(t, "readings: %s", rd != NULL ? rd : "all literal");
    free(rd);
    return TUI_REDRAW;
}

int
tui_board_undo_key(struct tui *t, int key)
{
    struct app_whatif *m = tui_model(t, NULL);
    char *cause = NULL;
    int rc;

    if (m == NULL || !app_whatif_is_open(m))
        return TUI_NONE;
    if (key == 'u')
        rc = app_whatif_undo(m, &cause);
    else if (key == 'r' || key == ('r' & 0x1f))
        rc = app_whatif_redo(m, &cause);
    else
        return TUI_NONE;
    if (rc < 0) {
        tui_status(t, "%s", cause);
        free(cause);
    } else if (rc == 0)
        tui_status(t, key == 'u' ? "nothing to undo" : "nothing to redo");
    else
        tui_status(t, "%s", app_whatif_last_change(m));
    return TUI_REDRAW;
}

static int
board_key(struct tui *t, void *state, int key)
{
    struct board_state *b = state;
    struct app_whatif *m = tui_model(t, NULL);
    bool enter = key == '\n' || key == '\r' || key == KEY_ENTER || key == KEY_RIGHT ||
        key == 'l';

    if (m == NULL)
        return TUI_NONE;
    if (b->picking) {
        char *cause = NULL;

        if (enter && b->files.len > 0) {
            if (app_whatif_open(m, vec_get(&b->files, (size_t)b->list.sel), true, &cause) != 0) {
                tui_status(t, "%s", cause);
                free(cause);
                return TUI_REDRAW;
            }
            b->picking = false;
            b->list.sel = b->list.first = 0;
            b->list.count = RULE_NARTICLES;
            return TUI_REDRAW;
        }
        if ((key == TUI_KEY_ESC || key == 'q') && app_whatif_is_open(m)) {
            b->picking = false;
            b->list.sel = b->list.first = 0;
            b->list.count = RULE_NARTICLES;
            return TUI_REDRAW;
        }
        return tui_list_key(&b->list, key, b->rows_shown);
    }
    if (enter) {
        tui_push(t, &scr_article_ops, (void *)(intptr_t)(b->list.sel + 1));
        return TUI_REDRAW;
    }
    switch (key) {
    case 'e':
        tui_open(t, &scr_facts_ops, NULL);
        return TUI_REDRAW;
    case 'o':
        board_pick(b);
        return TUI_REDRAW;
    case 'R': {
        char *choices = app_whatif_readings(m, true);

        tui_status(t, "%s", choices != NULL ? choices : "the rule pack has no readings");
        free(choices);
        tui_prompt(t, "reading (NAME=ALT; NAME=literal goes back)", NULL, board_reading_done,
            NULL);
        return TUI_REDRAW;
    }
    case 's':
        tui_board_save_prompt(t);
        return TUI_REDRAW;
    case 'S': {
        char *cause = NULL;

        if (app_whatif_store(m, &cause) != 0) {
            tui_status(t, "not stored: %s", cause);
            free(cause);
        } else
            tui_status(t, "stored as an audit run (F7 lists it)");
        return TUI_REDRAW;
    }
    case 'd': {
        char label[80], d[11];

        date_format(app_whatif_as_of(m, NULL), d);
        snprintf(label, sizeof label, "audit as of (YYYY-MM-DD, now %s; empty: the scenario's)",
            d);
        tui_prompt(t, label, NULL, board_date_done, NULL);
        return TUI_REDRAW;
    }
    default:
        break;
    }
    if (tui_board_undo_key(t, key) != TUI_NONE)
        return TUI_REDRAW;
    return tui_list_key(&b->list, key, b->rows_shown);
}

static int
board_click(struct tui *t, void *state, int row, int col)
{
    struct board_state *b = state;
    int first = b->picking ? 1 : b->header;
    int idx = b->list.first + row - first;

    (void)col;
    if (row < first || idx >= b->list.count)
        return TUI_NONE;
    if (idx == b->list.sel)
        return board_key(t, state, '\n'); /* a second click opens */
    b->list.sel = idx;
    return TUI_REDRAW;
}

const struct tui_screen_ops scr_board_ops = {
    "board", "Board", board_init, board_free, board_draw, board_key, board_click, board_keys,
    board_show
};
