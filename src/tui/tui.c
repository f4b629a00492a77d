/* SPDX-License-Identifier: MIT */
/*
 * tui.c - the TUI's frame: terminal setup and restore (on every exit path:
 * normal, fatal errors, signals), colour roles, the screen stack, the key
 * bar, mouse, resize, and the scripted mode (--keys, --dump) that lets the
 * TUI run headless under the sanitizers.
 */
#include "config.h"

#include "faceaudit/tui.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "tui_frame.h"
#include "tui_model.h"
#include "tui_session.h"
#include "tui_text.h"

/* The function-key bar: label, screen it opens (NULL: action), key. */
static const struct {
    const char *fkey;
    const char *label;
    int key;
} keybar[] = {
    { "F1", "Help", KEY_F(1) },
    { "F2", "Board", KEY_F(2) },
    { "F3", "Facts", KEY_F(3) },
    { "F4", "Demo", KEY_F(4) },
    { "F5", "Eval", KEY_F(5) },
    { "F6", "Sim", KEY_F(6) },
    { "F7", "Runs", KEY_F(7) },
    { "F8", "Lesson", KEY_F(8) },
    { "F9", "Home", KEY_F(9) },
    { "F10", "Quit", KEY_F(10) },
};

const struct tui_screen_ops *const tui_screens[] = {
    &scr_home_ops, &scr_board_ops, &scr_facts_ops, &scr_demo_ops, &scr_eval_ops, &scr_sim_ops,
    &scr_runs_ops, NULL
};

/* The wheel turned towards the user (ncurses with the extended mouse protocol). */
#ifdef BUTTON5_PRESSED
#define TUI_WHEEL_DOWN BUTTON5_PRESSED
#else
#define TUI_WHEEL_DOWN 0
#endif

static volatile sig_atomic_t tui_active;

static void
tui_restore(void)
{
    if (tui_active) {
        tui_active = 0;
        endwin();
    }
}

static void
tui_signal(int sig)
{
    tui_restore();
    signal(sig, SIG_DFL);
    raise(sig);
}

const struct tui_options *
tui_opts(struct tui *t)
{
    return t->opts;
}

struct app *
tui_app(struct tui *t)
{
    return t->app;
}

bool
tui_screen_known(const char *name)
{
    const struct tui_screen_ops *const *sp;

    for (sp = tui_screens; *sp != NULL; sp++) {
        if (strcmp((*sp)->name, name) == 0)
            return true;
    }
    return false;
}

void
tui_status(struct tui *t, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(t->status, sizeof t->status, fmt, ap);
    va_end(ap);
}

/* The index of a top-level screen in tui_screens[], or -1. */
static int
tui_top_index(const struct tui_screen_ops *ops)
{
    int i;

    for (i = 0; tui_screens[i] != NULL && i < TUI_MAX_TOP; i++) {
        if (tui_screens[i] == ops)
            return i;
    }
    return -1;
}

/* Close a frame's screen: free its state unless a top-level screen keeps it. */
static void
tui_frame_close(struct tui *t, struct tui_frame *f)
{
    if (f->borrowed)
        return;
    /* A screen's job must end before its state goes. */
    if (t->job.active && t->job.owner == f->state)
        tui_job_join(t);
    if (f->ops->free != NULL)
        f->ops->free(f->state);
}

void
tui_push(struct tui *t, const struct tui_screen_ops *ops, void *arg)
{
    int top = tui_top_index(ops);
    struct tui_frame *f;

    if (t->depth > 0 && t->stack[t->depth - 1].ops == ops && top >= 0)
        return; /* already on top */
    if (t->depth == TUI_MAX_DEPTH) {
        /* the oldest history goes (home stays at the bottom) */
        tui_frame_close(t, &t->stack[1]);
        memmove(&t->stack[1], &t->stack[2], (size_t)(t->depth - 2) * sizeof t->stack[0]);
        t->depth--;
    }
    /* On the stack before init, so init sees the screen below with tui_below(). */
    f = &t->stack[t->depth++];
    f->ops = ops;
    f->state = NULL;
    f->borrowed = top >= 0;
    if (top >= 0 && t->top[top] != NULL) {
        f->state = t->top[top];
        if (ops->show != NULL)
            ops->show(t, f->state);
        return;
    }
    if (ops->init != NULL)
        f->state = ops->init(t, arg);
    if (top >= 0)
        t->top[top] = f->state;
}

static void
tui_pop(struct tui *t)
{
    struct tui_frame f = t->stack[t->depth - 1];

    t->depth--;
    tui_frame_close(t, &f);
    if (t->depth > 0) {
        struct tui_frame *u = &t->stack[t->depth - 1];

        if (u->borrowed && u->ops->show != NULL)
            u->ops->show(t, u->state);
    }
}

bool
tui_scripted(struct tui *t)
{
    return t->opts->keys != NULL;
}

struct app_whatif *
tui_model(struct tui *t, char **why)
{
    if (t->model == NULL && t->model_error == NULL) {
        char *dir = path_rules_dir(), *cause = NULL;

        if ((t->model = app_whatif_new(dir, &cause)) == NULL)
            t->model_error = cause;
        else
            app_whatif_set_session(t->model, t->app); /* audits opened here are stored */
        free(dir);
    }
    if (why != NULL)
        *why = t->model_error;
    return t->model;
}

char *
tui_data_path(const char *rel)
{
    char *dir = path_rules_dir(), *slash, *p;

    if ((slash = strrchr(dir, '/')) != NULL && slash[1] == '\0')
        *slash = '\0';
    if ((slash = strrchr(dir, '/')) != NULL)
        *slash = '\0';
    else
        strcpy(dir, ".");
    p = path_join(dir, rel);
    free(dir);
    return p;
}

void
tui_prompt(struct tui *t, const char *label, const char *initial, tui_prompt_fn done, void *arg)
{
    struct tui_prompt *p = &t->prompt;

    /* The entry starts empty: the value offered is shown, Enter takes it, Up edits it. */
    p->active = true;
    snprintf(p->label, sizeof p->label, "%s", label);
    snprintf(p->initial, sizeof p->initial, "%s", initial != NULL ? initial : "");
    p->buf[0] = '\0';
    p->len = 0;
    p->done = done;
    p->arg = arg;
}

/* Keys while the line editor is open: text, BSpace, ^U, Enter, Esc. */
static int
tui_prompt_key(struct tui *t, int key)
{
    struct tui_prompt *p = &t->prompt;
    char text[sizeof p->buf];

    if (key == '\n' || key == '\r' || key == KEY_ENTER) {
        p->active = false;
        if (p->len == 0)
            snprintf(text, sizeof text, "%s", p->initial);
        else
            memcpy(text, p->buf, p->len + 1);
        return p->done(t, p->arg, text);
    }
    if (key == KEY_UP && p->initial[0] != '\0') {
        snprintf(p->buf, sizeof p->buf, "%s", p->initial);
        p->len = strlen(p->buf);
        return TUI_REDRAW;
    }
    if (key == TUI_KEY_ESC) {
        p->active = false;
        tui_status(t, "cancelled");
        return TUI_REDRAW;
    }
    if (key == KEY_BACKSPACE || key == 127 || key == 8) {
        while (p->len > 0 && ((unsigned char)p->buf[p->len - 1] & 0xc0) == 0x80)
            p->len--; /* a whole UTF-8 character */
        if (p->len > 0)
            p->len--;
        p->buf[p->len] = '\0';
        return TUI_REDRAW;
    }
    if (key == ('u' & 0x1f)) {
        p->len = 0;
        p->buf[0] = '\0';
        return TUI_REDRAW;
    }
    if (key >= 32 && key < 256 && key != 127 && p->len + 1 < sizeof p->buf) {
        p->buf[p->len++] = (char)key;
        p->buf[p->len] = '\0';
    }
    return TUI_REDRAW;
}

/*
 * Open a screen from anywhere (the function keys): pushed on the history,
 * so Esc comes back to where the user was; a top-level screen keeps its
 * state from the last visit.
 */
void
tui_open(struct tui *t, const struct tui_screen_ops *ops, void *arg)
{
    tui_push(t, ops, arg);
}

const struct tui_screen_ops *
tui_below(struct tui *t)
{
    return t->depth >= 2 ? t->stack[t->depth - 2].ops : NULL;
}

void
tui_put(struct tui *t, int row, int col, enum tui_role role, const char *text, int width)
{
    struct strbuf sb;

    if (width <= 0 || row < 0 || row >= LINES)
        return;
    strbuf_init(&sb);
    tui_text_fit(&sb, text, (size_t)width);
    attrset(t->role_attr[role]);
    mvaddstr(row, col, strbuf_str(&sb));
    attrset(A_NORMAL);
    strbuf_done(&sb);
}

void
tui_clear_row(struct tui *t, int row, enum tui_role role)
{
    attrset(t->role_attr[role]);
    move(row, 0);
    hline(' ', COLS);
    attrset(A_NORMAL);
}

int
tui_list_key(struct tui_list *l, int key, int rows)
{
    int old = l->sel;

    switch (key) {
    case KEY_UP:
    case 'k':
        l->sel--;
        break;
    case KEY_DOWN:
    case 'j':
        l->sel++;
        break;
    case KEY_PPAGE:
    case 'b' & 0x1f: /* ^B */
        l->sel -= rows > 1 ? rows - 1 : 1;
        break;
    case KEY_NPAGE:
    case 'f' & 0x1f: /* ^F */
    case ' ':
        l->sel += rows > 1 ? rows - 1 : 1;
        break;
    case KEY_HOME:
    case 'g':
        l->sel = 0;
        break;
    case KEY_END:
    case 'G':
        l->sel = l->count - 1;
        break;
    default:
        return TUI_NONE;
    }
    if (l->sel >= l->count)
        l->sel = l->count - 1;
    if (l->sel < 0)
        l->sel = 0;
    tui_list_scroll(l, rows);
    return l->sel != old ? TUI_REDRAW : TUI_NONE;
}

void
tui_list_scroll(struct tui_list *l, int rows)
{
    if (rows < 1)
        rows = 1;
    if (l->sel < l->first)
        l->first = l->sel;
    if (l->sel >= l->first + rows)
        l->first = l->sel - rows + 1;
    if (l->first < 0)
        l->first = 0;
}

static void
tui_draw_keybar(struct tui *t)
{
    int col = 0, row = LINES - 1;
    size_t i;

    tui_clear_row(t, row, TUI_KEYLABEL);
    for (i = 0; i < FA_NITEMS(keybar) && col < COLS; i++) {
        int kw = (int)strlen(keybar[i].fkey), lw = (int)strlen(keybar[i].label) + 1;

        tui_put(t, row, col, TUI_KEY, keybar[i].fkey, FA_MIN(kw, COLS - col));
        col += kw;
        tui_put(t, row, col, TUI_KEYLABEL, keybar[i].label, FA_MIN(lw, COLS - col));
        col += lw;
    }
}

/* Which key bar entry is at column x of the bottom row (or -1). */
static int
tui_keybar_hit(int x)
{
    int col = 0;
    size_t i;

    for (i = 0; i < FA_NITEMS(keybar); i++) {
        int w = (int)strlen(keybar[i].fkey) + (int)strlen(keybar[i].label) + 1;

        if (x >= col && x < col + w)
            return keybar[i].key;
        col += w;
    }
    return -1;
}

static void
tui_draw(struct tui *t)
{
    struct tui_frame *f = &t->stack[t->depth - 1];
    char title[256];

    erase();
    snprintf(title, sizeof title, " faceaudit %s  %s", PACKAGE_VERSION, f->ops->title);
    tui_clear_row(t, 0, TUI_TITLE);
    tui_put(t, 0, 0, TUI_TITLE, title, COLS);
    if (LINES >= 4) {
        int panel = tui_overlay_rows(t, LINES - 3);

        f->ops->draw(t, f->state, 1, LINES - 3 - panel, COLS);
        if (panel > 0) {
            int y;

            for (y = LINES - 2 - panel; y < LINES - 2; y++)
                tui_clear_row(t, y, TUI_NORMAL);
            tui_overlay_draw(t, LINES - 2 - panel, panel, COLS);
        }
    }
    tui_clear_row(t, LINES - 2, TUI_NORMAL);
    if (t->prompt.active) {
        char line[sizeof t->prompt.buf + sizeof t->prompt.label + sizeof t->prompt.initial + 32];
        int w;

        if (t->prompt.initial[0] != '\0' && t->prompt.len == 0)
            snprintf(line, sizeof line, "%s [Enter: %s, Up: edit it]: ", t->prompt.label,
                t->prompt.initial);
        else
            snprintf(line, sizeof line, "%s: %s", t->prompt.label, t->prompt.buf);
        w = (int)tui_text_width(line);
        /* Keep the end of a long entry visible. */
        tui_put(t, LINES - 2, 0, TUI_SELECTED, w < COLS ? line :
            line + (strlen(line) - (size_t)FA_MIN((int)strlen(line), COLS - 1)), COLS);
        if (w < COLS)
            mvaddstr(LINES - 2, w, "_");
        /* what the prompt offers (e.g. the choices) shows above it until the first key */
        if (t->status[0] != '\0')
            tui_popup_draw(t);
    } else if (t->status[0] != '\0') {
        tui_put(t, LINES - 2, 0, TUI_EVIDENCE, t->status, COLS);
        /* a message too long for the line opens in a popup until the next key */
        if ((int)tui_text_width(t->status) > COLS)
            tui_popup_draw(t);
    }
    tui_draw_keybar(t);
    refresh();
}

/* Keys every screen shares; returns reactions or -1 when not handled. */
static int
tui_global_key(struct tui *t, int key)
{
    switch (key) {
    case KEY_F(1):
    case '?':
        if (t->stack[t->depth - 1].ops != &scr_help_ops)
            tui_push(t, &scr_help_ops, NULL);
        return TUI_REDRAW;
    case KEY_F(2):
        tui_open(t, &scr_board_ops, NULL);
        return TUI_REDRAW;
    case KEY_F(3):
        tui_open(t, &scr_facts_ops, NULL);
        return TUI_REDRAW;
    case KEY_F(4):
        tui_open(t, &scr_demo_ops, NULL);
        return TUI_REDRAW;
    case KEY_F(5):
        tui_open(t, &scr_eval_ops, NULL);
        return TUI_REDRAW;
    case KEY_F(6):
        tui_open(t, &scr_sim_ops, NULL);
        return TUI_REDRAW;
    case KEY_F(7):
        tui_open(t, &scr_runs_ops, NULL);
        return TUI_REDRAW;
    case KEY_F(9):
        while (t->depth > 1)
            tui_pop(t);
        return TUI_REDRAW;
    case KEY_F(10):
        return TUI_QUIT;
    case 'q':
    case TUI_KEY_ESC:
    case KEY_BACKSPACE:
        return t->depth > 1 ? TUI_POP : (key == 'q' ? TUI_QUIT : TUI_NONE);
    case KEY_RESIZE:
        return TUI_REDRAW;
    default:
        return -1;
    }
}

static int
tui_handle_key(struct tui *t, int key)
{
    struct tui_frame *f = &t->stack[t->depth - 1];
    int r = TUI_NONE, g;

    t->status[0] = '\0';
    if (t->prompt.active && key != KEY_MOUSE && key != KEY_RESIZE)
        return tui_prompt_key(t, key);
    if (key == KEY_MOUSE) {
        MEVENT ev;
        int panel = tui_overlay_rows(t, LINES - 3);

        if (getmouse(&ev) != OK)
            return TUI_NONE;
        /* the wheel scrolls whatever list or text the screen shows */
        if (ev.bstate & BUTTON4_PRESSED)
            key = KEY_UP;
        else if (ev.bstate & TUI_WHEEL_DOWN)
            key = KEY_DOWN;
        else if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED)))
            return TUI_NONE;
        else if (ev.y == LINES - 1) {
            if ((key = tui_keybar_hit(ev.x)) == -1)
                return TUI_NONE;
        } else if (ev.y >= 1 && ev.y < LINES - 2 - panel && f->ops->click != NULL) {
            r = f->ops->click(t, f->state, ev.y - 1, ev.x);
            /* a double click opens what the first click selected */
            if ((ev.bstate & BUTTON1_DOUBLE_CLICKED) && f == &t->stack[t->depth - 1])
                r |= f->ops->click(t, f->state, ev.y - 1, ev.x);
            return r;
        } else
            return TUI_NONE;
    }
    /* The screen sees its keys first, except the function keys; then the lesson's. */
    if (f->ops->key != NULL && !(key >= KEY_F(1) && key <= KEY_F(12)))
        r = f->ops->key(t, f->state, key);
    if (r == TUI_NONE && (g = tui_overlay_key(t, key)) >= 0)
        r = g;
    if (r == TUI_NONE && (g = tui_global_key(t, key)) >= 0)
        r = g;
    return r;
}

/*
 * The next key of an interactive session, waiting on the terminal and on the
 * background job's pipe; ERR when the job woke the loop (progress or done).
 */
static int
tui_wait_key(struct tui *t)
{
    struct pollfd pfd[2];
    int key, n = 1;
    char buf[64];

    nodelay(stdscr, TRUE);
    key = getch();
    nodelay(stdscr, FALSE);
    if (key != ERR)
        return key;
    pfd[0].fd = STDIN_FILENO;
    pfd[0].events = POLLIN;
    if (t->job.active) {
        pfd[1].fd = t->job.pipe[0];
        pfd[1].events = POLLIN;
        n = 2;
    }
    if (poll(pfd, (nfds_t)n, t->job.active ? 250 : -1) < 0 && errno != EINTR)
        return ERR;
    if (n == 2 && (pfd[1].revents & POLLIN)) {
        while (read(t->job.pipe[0], buf, sizeof buf) > 0)
            ;
    }
    if (t->job.active && atomic_load(&t->job.finished))
        tui_job_join(t);
    if (pfd[0].revents & POLLIN)
        return getch();
    if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
        return KEY_F(10); /* the terminal went away: quit */
    return ERR;
}

static int
tui_init_terminal(struct tui *t, char **cause)
{
    static const struct {
        short fg, bg;
        attr_t mono;
    } roles[] = {
#define TUI_ROLE_INIT(name, fg, bg, mono) { fg, bg, mono },
        TUI_ROLES(TUI_ROLE_INIT)
#undef TUI_ROLE_INIT
    };
    const char *no_color = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    short i;

    if (t->opts->keys != NULL) {
        /* Scripted: render into a terminal of the requested size that writes nowhere. */
        if ((t->null_out = fopen("/dev/null", "w")) == NULL)
            return cause_set(cause, "/dev/null: %s", strerror(errno));
        t->screen = newterm(term != NULL && *term != '\0' ? term : "xterm-256color",
            t->null_out, stdin);
        if (t->screen == NULL)
            return cause_set(cause, "cannot set up terminal type %s", term != NULL ? term : "");
        set_term(t->screen);
        resizeterm(t->opts->rows > 0 ? t->opts->rows : 24, t->opts->cols > 0 ? t->opts->cols : 80);
    } else {
        if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
            return cause_set(cause, "the TUI needs a terminal (use --keys to script it)");
        if (term == NULL || *term == '\0')
            return cause_set(cause, "TERM is not set");
        if ((t->screen = newterm(NULL, stdout, stdin)) == NULL)
            return cause_set(cause, "cannot use terminal type %s", term);
        set_term(t->screen);
    }
    tui_active = 1;
    log_add_fatal_hook(tui_restore);
    signal(SIGINT, tui_signal);
    signal(SIGTERM, tui_signal);
    signal(SIGHUP, tui_signal);
    signal(SIGSEGV, tui_signal);
    signal(SIGABRT, tui_signal);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED |
        TUI_WHEEL_DOWN, NULL);
    t->color = has_colors() && (no_color == NULL || *no_color == '\0');
    if (t->color) {
        start_color();
        use_default_colors();
    }
    for (i = 0; i < (short)TUI_NROLES; i++) {
        if (t->color && (roles[i].fg != -1 || roles[i].bg != -1)) {
            init_pair((short)(i + 1), roles[i].fg, roles[i].bg);
            t->role_attr[i] = COLOR_PAIR(i + 1) | (roles[i].mono & (A_BOLD | A_DIM));
        } else
            t->role_attr[i] = roles[i].mono;
    }
    return 0;
}

int
tui_run(struct app *app, const struct tui_options *opts, char **cause)
{
    struct tui t;
    const char *script = opts->keys, *p;
    char *cause0 = NULL;
    int r = TUI_REDRAW, key, rc = 0, i;

    memset(&t, 0, sizeof t);
    t.app = app;
    t.opts = opts;
    t.panel = true; /* a lesson's step panel is docked until F8 hides it */
    if (setlocale(LC_ALL, "") == NULL || strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
        setlocale(LC_ALL, "C.UTF-8");
    if (tui_init_terminal(&t, cause) == -1) {
        if (t.screen != NULL) {
            endwin();
            delscreen(t.screen);
        }
        if (t.null_out != NULL)
            fclose(t.null_out);
        return -1;
    }
    tui_push(&t, &scr_home_ops, (void *)(uintptr_t)0);
    if (opts->scenario != NULL) {
        struct app_whatif *m = tui_model(&t, &cause0);

        if (m == NULL || app_whatif_open(m, opts->scenario, true, &cause0) != 0) {
            rc = cause_set(cause, "%s", cause0);
            if (m != NULL)
                free(cause0);
            goto done;
        }
        tui_push(&t, &scr_board_ops, NULL);
    }
    if (opts->screen != NULL) {
        const struct tui_screen_ops *const *sp;

        for (sp = tui_screens; *sp != NULL; sp++) {
            if (strcmp((*sp)->name, opts->screen) == 0 && *sp != &scr_home_ops)
                tui_open(&t, *sp, NULL);
        }
    }

    p = script;
    for (;;) {
        if (r & TUI_QUIT)
            break;
        if (r & TUI_POP) {
            if (t.depth == 1)
                break;
            tui_pop(&t);
        }
        tui_overlay_observe(&t);
        tui_draw(&t);
        if (script != NULL) {
            char name[32];
            size_t n;

            while (*p == ' ')
                p++;
            if (*p == '\0')
                break;
            n = strcspn(p, " ");
            snprintf(name, sizeof name, "%.*s", (int)FA_MIN(n, sizeof name - 1), p);
            p += n;
            if ((key = tui_key_from_name(name)) == -1) {
                rc = cause_set(cause, "--keys: unknown key '%s'", name);
                break;
            }
            /* Scripted sessions are deterministic: a running job ends before the next key. */
            if (t.job.active) {
                tui_job_join(&t);
                tui_draw(&t);
            }
        } else if ((key = tui_wait_key(&t)) == ERR) {
            r = TUI_REDRAW;
            continue;
        }
        r = tui_handle_key(&t, key);
        if (r == TUI_NONE)
            r = TUI_REDRAW;

    }
    if (t.job.active)
        tui_job_join(&t);
    if (rc == 0 && opts->dump != NULL) {
        tui_draw(&t);
        rc = tui_dump(opts->dump, cause);
    }
done:
    while (t.depth > 0)
        tui_pop(&t);
    if (t.job.active)
        tui_job_join(&t);
    for (i = 0; i < TUI_MAX_TOP && tui_screens[i] != NULL; i++) {
        if (t.top[i] != NULL && tui_screens[i]->free != NULL)
            tui_screens[i]->free(t.top[i]);
    }
    tui_session_free(t.lesson);
    app_whatif_free(t.model);
    free(t.model_error);
    tui_restore();
    delscreen(t.screen);
    if (t.null_out != NULL)
        fclose(t.null_out);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGSEGV, SIG_DFL);
    signal(SIGABRT, SIG_DFL);
    return rc;
}
