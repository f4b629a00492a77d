/* SPDX-License-Identifier: MIT */
/*
 * tui_plot.c - braille canvas and progress bar (no curses; see tui_plot.h).
 */
#include "config.h"

#include "tui_plot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

/* Braille dot bits by (x % 2, y % 4). */
static const uint8_t braille_bit[4][2] = {
    { 0x01, 0x08 }, { 0x02, 0x10 }, { 0x04, 0x20 }, { 0x40, 0x80 }
};

struct tui_canvas *
tui_canvas_new(int cw, int ch)
{
    struct tui_canvas *c = xcalloc(1, sizeof *c);

    c->cw = cw > 0 ? cw : 1;
    c->ch = ch > 0 ? ch : 1;
    c->dots = xcalloc((size_t)c->cw * (size_t)c->ch, 1);
    c->marks = xcalloc((size_t)c->cw * (size_t)c->ch, sizeof *c->marks);
    return c;
}

void
tui_canvas_free(struct tui_canvas *c)
{
    if (c == NULL)
        return;
    free(c->dots);
    free(c->marks);
    free(c);
}

void
tui_canvas_dot(struct tui_canvas *c, int x, int y)
{
    if (x < 0 || y < 0 || x >= 2 * c->cw || y >= 4 * c->ch)
        return;
    c->dots[(y / 4) * c->cw + x / 2] |= braille_bit[y % 4][x % 2];
}

void
tui_canvas_line(struct tui_canvas *c, int x0, int y0, int x1, int y1)
{
    int dx, dy, sx, sy, err;

    /* Ends far outside the canvas are pulled to its border (bounds the loop). */
    x0 = x0 < -1 ? -1 : x0 > 2 * c->cw ? 2 * c->cw : x0;
    x1 = x1 < -1 ? -1 : x1 > 2 * c->cw ? 2 * c->cw : x1;
    y0 = y0 < -1 ? -1 : y0 > 4 * c->ch ? 4 * c->ch : y0;
    y1 = y1 < -1 ? -1 : y1 > 4 * c->ch ? 4 * c->ch : y1;
    dx = abs(x1 - x0);
    dy = -abs(y1 - y0);
    sx = x0 < x1 ? 1 : -1;
    sy = y0 < y1 ? 1 : -1;
    err = dx + dy;
    for (;;) {
        int e2 = 2 * err;

        tui_canvas_dot(c, x0, y0);
        if (x0 == x1 && y0 == y1)
            break;
        if (e2 >= dy) {
            err += dy;
            x0 += sx;
        }
        if (e2 <= dx) {
            err += dx;
            y0 += sy;
        }
    }
}

void
tui_canvas_mark(struct tui_canvas *c, int x, int y, const char *mark)
{
    if (x < 0 || y < 0 || x >= 2 * c->cw || y >= 4 * c->ch)
        return;
    c->marks[(y / 4) * c->cw + x / 2] = mark;
}

char *
tui_canvas_row(const struct tui_canvas *c, int row)
{
    struct strbuf sb;
    int x;

    strbuf_init(&sb);
    if (row < 0 || row >= c->ch)
        return strbuf_detach(&sb);
    for (x = 0; x < c->cw; x++) {
        size_t i = (size_t)row * (size_t)c->cw + (size_t)x;
        unsigned cp = 0x2800u + c->dots[i];

        if (c->marks[i] != NULL)
            strbuf_puts(&sb, c->marks[i]);
        else if (c->dots[i] == 0)
            strbuf_putc(&sb, ' ');
        else {
            /* U+2800..U+28FF in UTF-8: E2 A0..A3 80..BF */
            strbuf_putc(&sb, (char)(0xe0 | (cp >> 12)));
            strbuf_putc(&sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
            strbuf_putc(&sb, (char)(0x80 | (cp & 0x3f)));
        }
    }
    return strbuf_detach(&sb);
}

char *
tui_progress_bar(size_t done, size_t total, int width)
{
    static const char *const eighths[] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };
    struct strbuf sb;
    char tail[64];
    int bar, full, i, used;
    double frac = total > 0 ? (double)(done > total ? total : done) / (double)total : 0.0;
    size_t e;

    if (done > total)
        done = total;
    snprintf(tail, sizeof tail, " %3d%% %zu/%zu", (int)(frac * 100.0), done, total);
    bar = width - 2 - (int)strlen(tail);
    if (bar < 1)
        bar = 1;
    e = (size_t)(frac * bar * 8.0 + 1e-9);
    full = (int)(e / 8);
    strbuf_init(&sb);
    strbuf_putc(&sb, '[');
    for (i = 0; i < full; i++)
        strbuf_puts(&sb, "█");
    used = full;
    if (full < bar && e % 8 != 0) {
        strbuf_puts(&sb, eighths[e % 8]);
        used++;
    }
    for (; used < bar; used++)
        strbuf_putc(&sb, ' ');
    strbuf_putc(&sb, ']');
    strbuf_puts(&sb, tail);
    return strbuf_detach(&sb);
}
