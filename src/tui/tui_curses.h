/* SPDX-License-Identifier: MIT */
#ifndef FA_TUI_CURSES_H
#define FA_TUI_CURSES_H
/*
 * tui_curses.h - the one place that includes curses (wide-character
 * ncursesw). Only files under src/tui/ may include this header.
 */

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>

#endif /* FA_TUI_CURSES_H */
