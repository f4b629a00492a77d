/* SPDX-License-Identifier: MIT */
#ifndef FA_TUI_H
#define FA_TUI_H
/*
 * tui.h - the ncurses TUI (src/tui/, the only module that includes curses).
 * It is a client of the command layer (cli.h): every action it offers is
 * one the CLI offers too.
 */

#include "faceaudit/cli.h"

struct tui_options {
    const char *scenario; /* scenario file to open, or NULL */
    const char *screen;   /* screen to start on (e.g. "runs"), or NULL */
    const char *keys;     /* scripted keys ("Down Enter q"): run headless */
    const char *dump;     /* with keys: write the final screen as text here */
    int rows, cols;       /* with keys: terminal size (default 24 x 80) */
    const char *dataset;  /* eval screen: the dataset to offer (default "orl") */
    const char *descriptors; /* eval screen: a descriptor file instead of the engine */
    const char *record;   /* trainer session log (answers, goals, scores), or NULL */
};

/*
 * Run the TUI until the user quits. The terminal is restored on every exit
 * path, including fatal errors and SIGINT/SIGTERM/SIGHUP/SIGSEGV. Returns 0,
 * or -1 with *cause set (no terminal, bad --keys).
 */
int tui_run(struct cli_ctx *ctx, const struct tui_options *opts, char **cause);

#endif /* FA_TUI_H */
