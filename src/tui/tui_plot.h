/* SPDX-License-Identifier: MIT */
#ifndef FA_TUI_PLOT_H
#define FA_TUI_PLOT_H
/*
 * tui_plot.h - curves drawn in braille characters (U+2800..U+28FF: 2 x 4
 * dots per cell), no curses: a canvas of cw x ch cells, dots and lines in
 * dot coordinates (x right, y down), marks (one whole character in a
 * cell), and rows rendered as UTF-8 strings of exactly cw columns (an empty
 * cell is a space). Used by the eval screen (ROC, DET) and the simulation
 * screen (stored people over time); unit-tested in check_tui.c.
 */

#include <stddef.h>
#include <stdint.h>

struct tui_canvas {
    int cw, ch;          /* cells */
    uint8_t *dots;       /* braille bits per cell */
    const char **marks;  /* per cell: a mark drawn instead of the dots, or NULL (static strings) */
};

struct tui_canvas *tui_canvas_new(int cw, int ch);
void tui_canvas_free(struct tui_canvas *c);
/* Set the dot (x, y), 0 <= x < 2*cw, 0 <= y < 4*ch; outside is ignored. */
void tui_canvas_dot(struct tui_canvas *c, int x, int y);
/* A straight line of dots between two points (Bresenham). */
void tui_canvas_line(struct tui_canvas *c, int x0, int y0, int x1, int y1);
/* Put a one-column mark (e.g. "●", "│") in the cell holding dot (x, y). */
void tui_canvas_mark(struct tui_canvas *c, int x, int y, const char *mark);
/* Row `row` as UTF-8 (allocated). */
char *tui_canvas_row(const struct tui_canvas *c, int row);
/* A progress bar of `width` columns: "[█████▌    ]  52% 208/400" (allocated). */
char *tui_progress_bar(size_t done, size_t total, int width);

#endif /* FA_TUI_PLOT_H */
