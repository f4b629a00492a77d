/* SPDX-License-Identifier: MIT */
#ifndef FA_TUI_TEXT_H
#define FA_TUI_TEXT_H
/*
 * tui_text.h - curses-free text layout for the TUI: display width of UTF-8
 * (core/uwidth.c: CJK and emoji take two columns, combining marks none),
 * padding and truncation to a width, and row formatting. Screens format rows
 * into plain strings with these, then paint them, so the formatting is
 * unit-tested without a terminal (doc/styleguide.md, Presentation).
 */

#include <stddef.h>

#include "faceaudit/str.h"

/* Display columns of a UTF-8 string (invalid bytes count as one column). */
size_t tui_text_width(const char *s);
/*
 * Append s to sb fitted to exactly `width` columns: padded with spaces, or
 * truncated with a trailing "…" when longer. A double-width character that
 * would straddle the edge is replaced by a space.
 */
void tui_text_fit(struct strbuf *sb, const char *s, size_t width);
/* Right-aligned variant of tui_text_fit (numbers). */
void tui_text_fit_right(struct strbuf *sb, const char *s, size_t width);
/*
 * Word-wrap s to lines of at most width columns; calls fn for each line
 * (NUL-terminated, borrowed). Returns the number of lines.
 */
size_t tui_text_wrap(const char *s, size_t width, void (*fn)(const char *line, void *arg),
    void *arg);

#endif /* FA_TUI_TEXT_H */
