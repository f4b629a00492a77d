/* SPDX-License-Identifier: MIT */
#ifndef FA_TUI_FRAME_H
#define FA_TUI_FRAME_H
/*
 * tui_frame.h - private to the frame (tui.c, tui_job.c, tui_script.c,
 * tui_overlay.c): struct tui itself. Screens see only tui_int.h.
 *
 * The stack is a history, as in tig or lazygit: every screen opened is
 * pushed, Esc and q pop one. The top-level screens (tui_screens[]: the
 * function keys) are made once and kept in top[]; a frame of the stack
 * borrows their state, so F2 F4 F2 shows the same board with its selection,
 * and closing a frame never frees a top-level screen's state (tui_run
 * frees them at the end). Other screens (an article, help) belong to their
 * frame.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

#include "tui_curses.h"
#include "tui_int.h"

#define TUI_MAX_DEPTH 32
#define TUI_MAX_TOP 8

struct tui_frame {
    const struct tui_screen_ops *ops;
    void *state;
    bool borrowed;  /* a top-level screen's state (kept in top[]) */
};

/* The line editor on the status row (tui_prompt). */
struct tui_prompt {
    bool active;
    char label[160];
    char initial[1024];  /* the value offered: Enter on an empty entry takes it, Up edits it */
    char buf[1024];
    size_t len;
    tui_prompt_fn done;
    void *arg;
};

/* The one background job (tui_job_start): a thread and a pipe that wakes the loop. */
struct tui_job {
    bool active;
    pthread_t thread;
    int pipe[2];
    void *owner;
    void (*work)(void *arg);
    void (*finish)(struct tui *t, void *arg);
    void *arg;
    _Atomic int finished;      /* set by the thread as it ends */
};

struct tui_session;

struct tui {
    struct app *app;           /* the session (borrowed) */
    const struct tui_options *opts;
    struct tui_frame stack[TUI_MAX_DEPTH];
    int depth;
    void *top[TUI_MAX_TOP];   /* state of tui_screens[i], made on first open */
    bool color;
    attr_t role_attr[TUI_NROLES];
    char status[1024];
    bool popup;               /* the status message is shown as a popup (too long for a line) */
    SCREEN *screen;
    FILE *null_out;
    struct app_whatif *model;
    char *model_error;
    struct tui_prompt prompt;
    struct tui_job job;
    struct tui_session *lesson; /* the trainer lesson under way (tui_session.h), or NULL */
    bool panel;               /* the lesson's step panel is docked on every screen */
};

/* tui_job.c: wait for the job and run its finish callback on the main thread. */
void tui_job_join(struct tui *t);
/* tui_script.c: a scripted key name ("Down", "F2", "C-u", "x") as a key code, or -1. */
int tui_key_from_name(const char *name);
/* tui_script.c: write the screen as text (one line per row, trailing blanks cut). */
int tui_dump(const char *path, char **cause);
/* tui_overlay.c: rows the lesson panel takes at the bottom of a screen (0: none). */
int tui_overlay_rows(struct tui *t, int rows);
/* tui_overlay.c: paint the lesson panel in rows [top, top + n). */
void tui_overlay_draw(struct tui *t, int top, int n, int cols);
/* tui_overlay.c: paint the status message as a popup over the screen. */
void tui_popup_draw(struct tui *t);
/* tui_overlay.c: the lesson keys available on every screen (> < a F8); -1 when not one. */
int tui_overlay_key(struct tui *t, int key);
/* tui_overlay.c: after every key: has the step's goal been reached? */
void tui_overlay_observe(struct tui *t);

#endif /* FA_TUI_FRAME_H */
