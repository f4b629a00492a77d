/* SPDX-License-Identifier: MIT */
#ifndef FA_TUI_INT_H
#define FA_TUI_INT_H
/*
 * tui_int.h - private to src/tui/: the screen stack and the screen ops.
 *
 * A screen is a const struct tui_screen_ops (like tmux's window_mode):
 * init(t, arg) makes its state, draw() paints rows [top, top+rows) of the
 * terminal, key() handles a key and returns reaction flags (it never draws),
 * click() handles a mouse click in its area, free() releases the state.
 * The loop redraws from the model after every reaction. The top-level
 * screens (tui_screens[], the function keys) keep their state between
 * visits: show() runs when one is shown again. Keys that every
 * screen shares (help, quit, the function keys that open screens) are
 * handled by tui.c before the screen sees them.
 *
 * Screens paint through tui_put() with a colour role; no screen calls curses
 * directly except through these helpers, so the roles work without colour
 * (NO_COLOR) too: every status also carries a symbol.
 */

#include <stdbool.h>

#include "faceaudit/compat.h"

/* Colour roles (X-macro: name, foreground, background, attribute without colour). */
#define TUI_ROLES(X)                                   \
    X(NORMAL, -1, -1, A_NORMAL)                        \
    X(TITLE, COLOR_BLACK, COLOR_CYAN, A_REVERSE)       \
    X(HEADER, COLOR_CYAN, -1, A_BOLD)                  \
    X(SELECTED, COLOR_BLACK, COLOR_WHITE, A_REVERSE)   \
    X(KEY, COLOR_WHITE, COLOR_BLUE, A_BOLD)            \
    X(KEYLABEL, COLOR_BLACK, COLOR_CYAN, A_REVERSE)    \
    X(PASS, COLOR_GREEN, -1, A_NORMAL)                 \
    X(FAIL, COLOR_RED, -1, A_BOLD)                     \
    X(EVIDENCE, COLOR_YELLOW, -1, A_NORMAL)            \
    X(NA, COLOR_BLUE, -1, A_DIM)                       \
    X(ADVISORY, COLOR_CYAN, -1, A_NORMAL)              \
    X(WAIVED, COLOR_MAGENTA, -1, A_NORMAL)             \
    X(DIM, -1, -1, A_DIM)                              \
    X(ERROR, COLOR_WHITE, COLOR_RED, A_BOLD)

enum tui_role {
#define TUI_ROLE_ENUM(name, fg, bg, mono) TUI_##name,
    TUI_ROLES(TUI_ROLE_ENUM)
#undef TUI_ROLE_ENUM
    TUI_NROLES
};

/* Reaction flags returned by key handlers (htop's Htop_Reaction). */
enum tui_reaction {
    TUI_NONE = 0,
    TUI_REDRAW = 1,
    TUI_POP = 2,  /* close this screen */
    TUI_QUIT = 4  /* leave the TUI */
};

/* Key codes beyond curses' own. */
#define TUI_KEY_ENTER_ALT 10
#define TUI_KEY_ESC 27

struct tui;

struct tui_key_help {
    const char *key;
    const char *what;
};

struct tui_screen_ops {
    const char *name;  /* short name for the key bar and --screen */
    const char *title;
    void *(*init)(struct tui *t, void *arg);
    void (*free)(void *state);
    void (*draw)(struct tui *t, void *state, int top, int rows, int cols);
    int (*key)(struct tui *t, void *state, int key);
    int (*click)(struct tui *t, void *state, int row, int col); /* row within the area */
    const struct tui_key_help *keys; /* NULL-terminated ({NULL, NULL}) */
    /* A top-level screen shown again (its state kept from the last visit), or NULL. */
    void (*show)(struct tui *t, void *state);
};

struct tui_options;
/* The options the TUI was started with (borrowed). */
const struct tui_options *tui_opts(struct tui *t);
struct app;
/* The session (database) the TUI runs on (app.h; borrowed). */
struct app *tui_app(struct tui *t);
/* Open a screen on top of the stack; arg is passed to its init. */
void tui_push(struct tui *t, const struct tui_screen_ops *ops, void *arg);
/* A message on the status line until the next key. */
void tui_status(struct tui *t, const char *fmt, ...) FA_PRINTF(2, 3);
/* Paint UTF-8 text at (row, col), fitted to width columns, in a role. */
void tui_put(struct tui *t, int row, int col, enum tui_role role, const char *text, int width);
/* Clear a row from col to the right edge in a role. */
void tui_clear_row(struct tui *t, int row, enum tui_role role);
/* The screen below the top one (for the help screen), or NULL. */
const struct tui_screen_ops *tui_below(struct tui *t);

/* A scrolling list: selection and first visible row. */
struct tui_list {
    int sel;
    int first;
    int count;
};
/* Move the selection for a navigation key; returns TUI_REDRAW if handled. */
int tui_list_key(struct tui_list *l, int key, int rows);
/* Keep the selection visible in `rows` rows. */
void tui_list_scroll(struct tui_list *l, int rows);

/*
 * The line editor on the status row: label, the value offered (initial, or
 * NULL); the entry starts empty, Enter on it takes the value offered and Up
 * puts it in for editing. done(t, arg, text) runs on Enter and returns
 * reaction flags (Esc cancels without calling it).
 * While it is open every key goes to it.
 */
typedef int (*tui_prompt_fn)(struct tui *t, void *arg, const char *text);
void tui_prompt(struct tui *t, const char *label, const char *initial, tui_prompt_fn done,
    void *arg);

/*
 * The background job (one at a time): work(arg) runs on a thread and must
 * not touch curses or the screen stack; it may call tui_job_wake() to have
 * the loop redraw (progress). finish(t, arg) then runs on the main thread.
 * Closing the owner screen waits for the job. In a scripted session the job
 * ends before the next key is read, so dumps are deterministic. Returns 0 or
 * -1 with *cause.
 */
int tui_job_start(struct tui *t, void *owner, void (*work)(void *arg),
    void (*finish)(struct tui *t, void *arg), void *arg, char **cause);
void tui_job_wake(struct tui *t);
bool tui_job_running(struct tui *t);
/* True in a scripted (--keys) session. */
bool tui_scripted(struct tui *t);

struct app_whatif;
/*
 * The shared what-if session (faceaudit/app_whatif.h: rule pack, calendar, scenario),
 * made on first use; NULL when the rule pack cannot be loaded, with *why
 * (borrowed) saying why.
 */
struct app_whatif *tui_model(struct tui *t, char **why);
/* A path below the data folder (the parent of the rules folder), e.g. "datasets/scenarios". */
char *tui_data_path(const char *rel);
/* Open a screen from anywhere: return to it if open, else push it above home. */
void tui_open(struct tui *t, const struct tui_screen_ops *ops, void *arg);

struct vec;
/* The *.fa.yaml files of a folder, sorted, appended to v as allocated paths (scr_board.c). */
void tui_list_scenarios(const char *dir, struct vec *v);
/* Prompt for a new file name and save the edited scenario there (scr_board.c). */
void tui_board_save_prompt(struct tui *t);
/* u (undo) and r or ^R (redo) of fact edits; TUI_NONE for other keys (scr_board.c). */
int tui_board_undo_key(struct tui *t, int key);

struct tui_session;
/* The trainer session (tui_session.h), made on first use; lives as long as the TUI. */
struct tui_session *tui_session(struct tui *t);
/* Prompt for the answer to the lesson step's question (tui_overlay.c). */
int tui_lesson_answer_prompt(struct tui *t);
/* The lesson's next (delta 1) or previous (-1) step (tui_overlay.c). */
int tui_lesson_step_key(struct tui *t, int delta);
/* The lesson panel's lines at a width: header, step text, goal, question, verdict. */
void tui_lesson_panel_lines(struct tui *t, size_t width, struct vec *out);
/* The article an article screen's state shows (scr_article.c). */
int scr_article_number(void *state);

extern const struct tui_screen_ops scr_home_ops;
extern const struct tui_screen_ops scr_help_ops;
extern const struct tui_screen_ops scr_runs_ops;
extern const struct tui_screen_ops scr_board_ops;
extern const struct tui_screen_ops scr_article_ops;
extern const struct tui_screen_ops scr_facts_ops;
extern const struct tui_screen_ops scr_demo_ops;
extern const struct tui_screen_ops scr_eval_ops;
extern const struct tui_screen_ops scr_sim_ops;
/* Every screen that --screen can name, NULL-terminated. */
extern const struct tui_screen_ops *const tui_screens[];

#endif /* FA_TUI_INT_H */
