/* SPDX-License-Identifier: MIT */
#ifndef FA_TUI_H
#define FA_TUI_H
/*
 * tui.h - the ncurses TUI (src/tui/, the only module that includes curses).
 * A front end on the application layer (app.h, app_whatif.h), like the CLI:
 * every action it offers is one the CLI offers too. The CLI starts it
 * (src/cli/cmd_tui.c: `faceaudit tui`, `faceaudit demo`).
 */

#include <stdbool.h>

struct app;

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
 * Run the TUI on the session app (borrowed: the database audits and runs
 * are stored in) until the user quits. The terminal is restored on every exit
 * path, including fatal errors and SIGINT/SIGTERM/SIGHUP/SIGSEGV. Returns 0,
 * or -1 with *cause set (no terminal, bad --keys).
 */
int tui_run(struct app *app, const struct tui_options *opts, char **cause);
/* Whether --screen NAME names a screen (home, board, facts, demo, eval, sim, runs, ...). */
bool tui_screen_known(const char *name);

#endif /* FA_TUI_H */
