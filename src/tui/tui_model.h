/* SPDX-License-Identifier: MIT */
#ifndef FA_TUI_MODEL_H
#define FA_TUI_MODEL_H
/*
 * tui_model.h - the rows the board, article detail and fact editor paint,
 * fitted to an exact display width without curses, from the what-if session
 * of the application layer (faceaudit/app_whatif.h: the scenario, the rule
 * pack, the verdict, the history). The TUI keeps one session, made on first
 * use (tui_model() in tui_int.h); screens change it only through
 * app_whatif_*(). Returned strings belong to the caller.
 */

#include <stddef.h>

#include "faceaudit/app_whatif.h"
#include "faceaudit/vec.h"

/* Status symbols, usable without colour: ✓ ✗ – ? ! ~ (static). */
const char *tui_outcome_symbol(enum rule_outcome o);
/* Short label: "pass", "FAIL", "n/a", "evidence?", "advisory", "waived" (static). */
const char *tui_outcome_label(enum rule_outcome o);

/* The board's header lines (scenario name, as-of, score and grade, key facts or the change). */
char *tui_board_header(const struct app_whatif *w, int line, size_t width);
#define TUI_BOARD_HEADER_LINES APP_WHATIF_HEADER_LINES
/* One article row: number, symbol, outcome, Chinese and English titles, counts, change mark. */
char *tui_board_row(const struct app_whatif *w, int number, size_t width);

/* A line of the article detail: text and its colour role (enum tui_role). */
struct tui_line {
    int role;
    char *text;
};
/* The article detail as wrapped lines (a vector of struct tui_line *, owned). */
void tui_article_lines(const struct app_whatif *w, int number, size_t width, struct vec *out);
void tui_line_free(void *line);

/* A row of the fact tree as text: indentation, path, value, "← zone:x". */
char *tui_fact_row_format(const struct app_whatif_fact_row *r, size_t width);

#endif /* FA_TUI_MODEL_H */
