/* SPDX-License-Identifier: MIT */
/*
 * scr_home.c - the home screen (F9): every screen of the TUI with what it
 * is for and its key, and the state of the workbench (scenario, database,
 * models), so a new user finds everything from here without the docs.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/app.h"
#include "faceaudit/xmalloc.h"
#include "tui_curses.h"
#include "tui_int.h"
#include "tui_model.h"

struct home_entry {
    const char *label;
    const char *key;
    const char *what;
    const struct tui_screen_ops *ops;
};

static const struct home_entry home_entries[] = {
    { "Board", "F2", "the 20 articles: status, score, grade; Enter opens one",
        &scr_board_ops },
    { "Facts", "F3", "what-if: change a fact, the verdict follows; undo; save",
        &scr_facts_ops },
    { "Demo", "F4", "trainer lessons: step through violations, quiz mode", &scr_demo_ops },
    { "Eval", "F5", "run an evaluation; ROC/DET, threshold slider, stored runs",
        &scr_eval_ops },
    { "Sim", "F6", "a simulated year: stored people, 100,000, filing deadline",
        &scr_sim_ops },
    { "Runs", "F7", "stored audits, evaluations and simulations; compare two", &scr_runs_ops },
    { "Help", "F1 ?", "the keys of the current screen and of every screen", &scr_help_ops },
};

static const struct tui_key_help home_keys[] = {
    { "Up Down j k", "select a screen" },
    { "Enter", "open it" },
    { NULL, NULL }
};

struct home_state {
    struct tui_list list;
    char models[160];
    char db[512];
};

static void *
home_init(struct tui *t, void *arg)
{
    struct home_state *h = xcalloc(1, sizeof *h);
    struct app_models *m = app_models_check(NULL);

    (void)arg;
    h->list.count = (int)FA_NITEMS(home_entries);
    snprintf(h->models, sizeof h->models, "models:   %zu of %zu files verified in %s%s", m->ok,
        m->n, m->dir, m->ok == m->n ? "" : " (run `faceaudit models fetch`)");
    app_models_free(m);
    snprintf(h->db, sizeof h->db, "database: %s", app_db_path(tui_app(t)));
    return h;
}

static void
home_free(void *state)
{
    free(state);
}

static void
home_draw(struct tui *t, void *state, int top, int rows, int cols)
{
    struct home_state *h = state;
    char line[256];
    int i, row = top + 1;

    tui_put(t, row++, 2, TUI_HEADER, "Screens", cols - 4);
    for (i = 0; i < h->list.count && row < top + rows; i++, row++) {
        const struct home_entry *e = &home_entries[i];

        snprintf(line, sizeof line, " %-10s %-6s %s", e->label, e->key, e->what);
        tui_put(t, row, 2, i == h->list.sel ? TUI_SELECTED : TUI_NORMAL, line, cols - 4);
    }
    row++;
    if (row < top + rows)
        tui_put(t, row++, 2, TUI_HEADER, "Workbench", cols - 4);
    if (row < top + rows) {
        struct app_whatif *m = tui_model(t, NULL);
        const char *path = m != NULL ? app_whatif_path(m) : NULL;
        char *sline = xasprintf("scenario: %s", path != NULL ? path :
            "none (F2 lists the bundled ones; `faceaudit tui FILE` opens one)");

        tui_put(t, row++, 3, TUI_NORMAL, sline, cols - 5);
        free(sline);
    }
    if (row < top + rows)
        tui_put(t, row++, 3, TUI_NORMAL, h->db, cols - 5);
    if (row < top + rows)
        tui_put(t, row++, 3, TUI_NORMAL, h->models, cols - 5);
}

static int
home_key(struct tui *t, void *state, int key)
{
    struct home_state *h = state;

    if (key == '\n' || key == '\r' || key == KEY_ENTER || key == KEY_RIGHT || key == 'l') {
        tui_open(t, home_entries[h->list.sel].ops, NULL);
        return TUI_REDRAW;
    }
    return tui_list_key(&h->list, key, h->list.count);
}

static int
home_click(struct tui *t, void *state, int row, int col)
{
    struct home_state *h = state;
    int idx = row - 2;

    (void)col;
    if (idx < 0 || idx >= h->list.count)
        return TUI_NONE;
    h->list.sel = idx;
    tui_open(t, home_entries[idx].ops, NULL);
    return TUI_REDRAW;
}

const struct tui_screen_ops scr_home_ops = {
    "home", "Home", home_init, home_free, home_draw, home_key, home_click, home_keys,
    NULL
};
