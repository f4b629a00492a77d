/* SPDX-License-Identifier: MIT */
/*
 * scr_help.c - `?` / F1: the keys of the screen below, then the keys every
 * screen shares.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "faceaudit/vec.h"
#include "faceaudit/xmalloc.h"
#include "tui_text.h"
#include "tui_curses.h"
#include "tui_int.h"

static const struct tui_key_help global_keys[] = {
    { "F1 ?", "this help" },
    { "F2", "the article board of the open scenario (or a list to open one)" },
    { "F3", "the fact editor (what-if)" },
    { "F4", "trainer demo: lessons, quiz mode" },
    { "F5", "evaluation: run, ROC/DET, threshold slider" },
    { "F6", "simulation: stored people over time, filing deadline" },
    { "F7", "stored runs (audits, evaluations, simulations); compare two" },
    { "F8", "a lesson under way: show or hide its step panel on every screen" },
    { "F9", "the home screen" },
    { "F10", "quit" },
    { "arrows, vi", "Up Down Left Right, or k j h l; g G first/last; PgUp PgDn" },
    { "Esc q", "back one screen (q on the home screen quits); a screen opened again keeps "
      "its state" },
    { "> < a", "a lesson under way: next step, previous step, answer (any screen)" },
    { "mouse", "click a row to select it, again (or double-click) to open it; the wheel "
      "scrolls; click a key in the bottom bar" },
    { NULL, NULL }
};

struct help_state {
    const struct tui_screen_ops *below;
    int first;
};

static void *
help_init(struct tui *t, void *arg)
{
    struct help_state *h = xcalloc(1, sizeof *h);

    (void)arg;
    h->below = tui_below(t);
    return h;
}

static void
help_free(void *state)
{
    free(state);
}

static void
help_line(const char *line, void *arg)
{
    vec_push(arg, xstrdup(line));
}

static int
help_section(struct tui *t, int row, int top, int end, int cols, const char *title,
    const struct tui_key_help *keys)
{
    char line[512];

    if (row >= top && row < end)
        tui_put(t, row, 1, TUI_HEADER, title, cols - 2);
    row++;
    for (; keys != NULL && keys->key != NULL; keys++) {
        struct vec lines;
        size_t i;

        /* the description wrapped under itself, right of the key column */
        vec_init(&lines, free);
        tui_text_wrap(keys->what, cols > 24 ? (size_t)cols - 20 : 4, help_line, &lines);
        for (i = 0; i < lines.len; i++, row++) {
            if (row < top || row >= end)
                continue;
            snprintf(line, sizeof line, "%-14s %s", i == 0 ? keys->key : "",
                (const char *)vec_get(&lines, i));
            tui_put(t, row, 3, TUI_NORMAL, line, cols - 4);
        }
        vec_done(&lines);
    }
    return row + 1;
}

static void
help_draw(struct tui *t, void *state, int top, int rows, int cols)
{
    struct help_state *h = state;
    char title[128];
    int row = top - h->first;

    if (h->below != NULL && h->below->keys != NULL) {
        snprintf(title, sizeof title, "Keys of the %s screen", h->below->title);
        row = help_section(t, row, top, top + rows, cols, title, h->below->keys);
    }
    row = help_section(t, row, top, top + rows, cols, "Keys everywhere", global_keys);
    if (row < top + rows)
        tui_put(t, row, 1, TUI_DIM, "Every action here is also a faceaudit command: "
            "`faceaudit help` lists them.", cols - 2);
}

static int
help_key(struct tui *t, void *state, int key)
{
    struct help_state *h = state;

    (void)t;
    if (key == KEY_DOWN || key == 'j') {
        h->first++;
        return TUI_REDRAW;
    }
    if ((key == KEY_UP || key == 'k') && h->first > 0) {
        h->first--;
        return TUI_REDRAW;
    }
    return TUI_NONE;
}

const struct tui_screen_ops scr_help_ops = {
    "help", "Help", help_init, help_free, help_draw, help_key, NULL, NULL, NULL
};
