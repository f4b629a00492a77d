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
#include <limits.h>
#include <locale.h>
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
#include "tui_curses.h"
#include "tui_int.h"
#include "tui_text.h"

#define TUI_MAX_DEPTH 16

struct tui_frame {
    const struct tui_screen_ops *ops;
    void *state;
};

struct tui {
    struct cli_ctx *ctx;
    const struct tui_options *opts;
    struct tui_frame stack[TUI_MAX_DEPTH];
    int depth;
    bool color;
    attr_t role_attr[TUI_NROLES];
    char status[256];
    SCREEN *screen;
    FILE *null_out;
};

/* The function-key bar: label, screen it opens (NULL: action), key. */
static const struct {
    const char *fkey;
    const char *label;
    int key;
} keybar[] = {
    { "F1", "Help", KEY_F(1) },
    { "F2", "Home", KEY_F(2) },
    { "F7", "Runs", KEY_F(7) },
    { "F10", "Quit", KEY_F(10) },
};

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

struct cli_ctx *
tui_ctx(struct tui *t)
{
    return t->ctx;
}

void
tui_status(struct tui *t, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(t->status, sizeof t->status, fmt, ap);
    va_end(ap);
}

void
tui_push(struct tui *t, const struct tui_screen_ops *ops, void *arg)
{
    if (t->depth == TUI_MAX_DEPTH) {
        tui_status(t, "too many screens open: close one with Esc");
        return;
    }
    /* On the stack before init, so init sees the screen below with tui_below(). */
    t->stack[t->depth].ops = ops;
    t->stack[t->depth].state = NULL;
    t->depth++;
    if (ops->init != NULL)
        t->stack[t->depth - 1].state = ops->init(t, arg);
}

static void
tui_pop(struct tui *t)
{
    struct tui_frame *f = &t->stack[--t->depth];

    if (f->ops->free != NULL)
        f->ops->free(f->state);
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
    if (LINES >= 4)
        f->ops->draw(t, f->state, 1, LINES - 3, COLS);
    tui_clear_row(t, LINES - 2, TUI_NORMAL);
    if (t->status[0] != '\0')
        tui_put(t, LINES - 2, 0, TUI_EVIDENCE, t->status, COLS);
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
        while (t->depth > 1)
            tui_pop(t);
        return TUI_REDRAW;
    case KEY_F(7):
        tui_push(t, &scr_runs_ops, NULL);
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
    if (key == KEY_MOUSE) {
        MEVENT ev;

        if (getmouse(&ev) != OK || !(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)))
            return TUI_NONE;
        if (ev.y == LINES - 1) {
            if ((key = tui_keybar_hit(ev.x)) == -1)
                return TUI_NONE;
        } else if (ev.y >= 1 && ev.y < LINES - 2 && f->ops->click != NULL)
            return f->ops->click(t, f->state, ev.y - 1, ev.x);
        else
            return TUI_NONE;
    }
    /* The screen sees its keys first, except the function keys. */
    if (f->ops->key != NULL && !(key >= KEY_F(1) && key <= KEY_F(12)))
        r = f->ops->key(t, f->state, key);
    if (r == TUI_NONE && (g = tui_global_key(t, key)) >= 0)
        r = g;
    return r;
}

/* Translate a scripted key name ("Down", "Enter", "F2", "x") to a key code. */
static int
tui_key_from_name(const char *name)
{
    static const struct {
        const char *name;
        int key;
    } names[] = {
        { "Up", KEY_UP }, { "Down", KEY_DOWN }, { "Left", KEY_LEFT }, { "Right", KEY_RIGHT },
        { "Enter", '\n' }, { "Esc", TUI_KEY_ESC }, { "Tab", '\t' }, { "Space", ' ' },
        { "PageUp", KEY_PPAGE }, { "PageDown", KEY_NPAGE }, { "Home", KEY_HOME },
        { "End", KEY_END }, { "BSpace", KEY_BACKSPACE },
    };
    size_t i;

    for (i = 0; i < FA_NITEMS(names); i++) {
        if (strcmp(names[i].name, name) == 0)
            return names[i].key;
    }
    if (name[0] == 'F' && name[1] >= '1' && name[1] <= '9' &&
        (name[2] == '\0' || (name[2] >= '0' && name[2] <= '2' && name[3] == '\0')))
        return KEY_F(atoi(name + 1));
    if (name[0] != '\0' && name[1] == '\0')
        return (unsigned char)name[0];
    return -1;
}

static int
tui_dump(const char *path, char **cause)
{
    struct strbuf sb;
    int y, x, rc;

    strbuf_init(&sb);
    for (y = 0; y < LINES; y++) {
        size_t end;

        for (x = 0; x < COLS; x++) {
            cchar_t cc;
            wchar_t wch[CCHARW_MAX + 1];
            attr_t attrs;
            short pair;
            char mb[MB_LEN_MAX * (CCHARW_MAX + 1)];
            size_t n;

            if (mvin_wch(y, x, &cc) == ERR)
                continue;
            if (getcchar(&cc, wch, &attrs, &pair, NULL) == ERR)
                continue;
            n = wcstombs(mb, wch, sizeof mb);
            if (n != (size_t)-1)
                strbuf_add(&sb, mb, n);
            if (wch[0] != L'\0' && wcwidth(wch[0]) == 2)
                x++; /* the next cell is the second half */
        }
        end = sb.len;
        while (end > 0 && sb.buf[end - 1] == ' ')
            end--;
        sb.len = end;
        strbuf_putc(&sb, '\n');
    }
    rc = fs_write_atomic(path, sb.buf, sb.len, 0644, cause);
    strbuf_done(&sb);
    return rc;
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
    mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED, NULL);
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
tui_run(struct cli_ctx *ctx, const struct tui_options *opts, char **cause)
{
    struct tui t;
    const char *script = opts->keys, *p;
    int r = TUI_REDRAW, key, rc = 0;

    memset(&t, 0, sizeof t);
    t.ctx = ctx;
    t.opts = opts;
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
    if (opts->screen != NULL && strcmp(opts->screen, "runs") == 0)
        tui_push(&t, &scr_runs_ops, NULL);

    p = script;
    for (;;) {
        if (r & TUI_QUIT)
            break;
        if (r & TUI_POP) {
            if (t.depth == 1)
                break;
            tui_pop(&t);
        }
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
        } else
            key = getch();
        r = tui_handle_key(&t, key);
        if (r == TUI_NONE)
            r = TUI_REDRAW;
    }
    if (rc == 0 && opts->dump != NULL) {
        tui_draw(&t);
        rc = tui_dump(opts->dump, cause);
    }
    while (t.depth > 0)
        tui_pop(&t);
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
