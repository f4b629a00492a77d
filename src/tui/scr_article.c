/* SPDX-License-Identifier: MIT */
/*
 * scr_article.c - one article in detail (Enter on the board): the Chinese
 * and English titles, our summary and source, the unverified-wording mark,
 * then every rule instance with its outcome, message, why, the facts it
 * read with their values and file positions, the clause and the remedy.
 * The lines come from tui_article_lines() (tui_model_rows.c), so they are
 * unit-tested; this file scrolls and paints them.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "faceaudit/vec.h"
#include "faceaudit/xmalloc.h"
#include "tui_curses.h"
#include "tui_int.h"
#include "tui_model.h"

static const struct tui_key_help article_keys[] = {
    { "Up Down j k", "scroll" },
    { "PgUp PgDn Space", "scroll a page" },
    { "Left Right h l", "previous / next article" },
    { "e F3", "edit facts (what-if)" },
    { "u r", "undo / redo the last fact change" },
    { "Esc q", "back to the board" },
    { NULL, NULL }
};

struct article_state {
    int number;
    int first;
    int rows_shown;
    int nlines;
};

static void *
article_init(struct tui *t, void *arg)
{
    struct article_state *a = xcalloc(1, sizeof *a);

    (void)t;
    a->number = (int)(intptr_t)arg;
    if (a->number < 1 || a->number > RULE_NARTICLES)
        a->number = 1;
    return a;
}

int
scr_article_number(void *state)
{
    return ((struct article_state *)state)->number;
}

static void
article_free(void *state)
{
    free(state);
}

static void
article_draw(struct tui *t, void *state, int top, int rows, int cols)
{
    struct article_state *a = state;
    struct app_whatif *m = tui_model(t, NULL);
    struct vec lines;
    int i;

    if (m == NULL || !app_whatif_is_open(m)) {
        tui_put(t, top + 1, 1, TUI_DIM, "No scenario is open: F2 opens one.", cols - 2);
        return;
    }
    vec_init(&lines, tui_line_free);
    tui_article_lines(m, a->number, (size_t)cols - 2, &lines);
    a->nlines = (int)lines.len;
    a->rows_shown = rows;
    if (a->first > a->nlines - rows)
        a->first = a->nlines - rows;
    if (a->first < 0)
        a->first = 0;
    for (i = 0; i < rows && a->first + i < a->nlines; i++) {
        const struct tui_line *l = vec_get(&lines, (size_t)(a->first + i));

        tui_put(t, top + i, 1, (enum tui_role)l->role, l->text, cols - 2);
    }
    vec_done(&lines);
}

static int
article_key(struct tui *t, void *state, int key)
{
    struct article_state *a = state;
    int page = a->rows_shown > 1 ? a->rows_shown - 1 : 1;

    switch (key) {
    case KEY_DOWN:
    case 'j':
        a->first++;
        return TUI_REDRAW;
    case KEY_UP:
    case 'k':
        a->first = a->first > 0 ? a->first - 1 : 0;
        return TUI_REDRAW;
    case KEY_NPAGE:
    case ' ':
        a->first += page;
        return TUI_REDRAW;
    case KEY_PPAGE:
        a->first = a->first > page ? a->first - page : 0;
        return TUI_REDRAW;
    case KEY_HOME:
    case 'g':
        a->first = 0;
        return TUI_REDRAW;
    case KEY_END:
    case 'G':
        a->first = a->nlines;
        return TUI_REDRAW;
    case KEY_LEFT:
    case 'h':
        a->number = a->number > 1 ? a->number - 1 : RULE_NARTICLES;
        a->first = 0;
        return TUI_REDRAW;
    case KEY_RIGHT:
    case 'l':
        a->number = a->number < RULE_NARTICLES ? a->number + 1 : 1;
        a->first = 0;
        return TUI_REDRAW;
    case 'e':
        tui_open(t, &scr_facts_ops, NULL);
        return TUI_REDRAW;
    default:
        return tui_board_undo_key(t, key);
    }
}

const struct tui_screen_ops scr_article_ops = {
    "article", "Article", article_init, article_free, article_draw, article_key, NULL,
    article_keys,
    NULL
};
