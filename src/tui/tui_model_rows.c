/* SPDX-License-Identifier: MIT */
/*
 * tui_model_rows.c - the plain-text rows the board, article detail and fact
 * editor paint (no curses), fitted to an exact display width from the rows
 * of the what-if session (app_whatif.h), so check_tui.c tests them without
 * a terminal.
 */
#include "config.h"

#include "tui_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "tui_int.h"
#include "tui_text.h"

static const char *const outcome_symbol[RULE_NOUTCOMES] = {
    "✓", "✗", "–", "?", "!", "~"
};
static const char *const outcome_label[RULE_NOUTCOMES] = {
    "pass", "FAIL", "n/a", "evidence?", "advisory", "waived"
};

const char *
tui_outcome_symbol(enum rule_outcome o)
{
    return (unsigned)o < RULE_NOUTCOMES ? outcome_symbol[o] : " ";
}

const char *
tui_outcome_label(enum rule_outcome o)
{
    return (unsigned)o < RULE_NOUTCOMES ? outcome_label[o] : "";
}

/* text fitted to exactly width columns (allocated) */
static char *
fitted(const char *text, size_t width)
{
    struct strbuf out;

    strbuf_init(&out);
    tui_text_fit(&out, text, width);
    return strbuf_detach(&out);
}

char *
tui_board_header(const struct app_whatif *w, int line, size_t width)
{
    char *s = app_whatif_header(w, line), *out = fitted(s, width);

    free(s);
    return out;
}

char *
tui_board_row(const struct app_whatif *w, int number, size_t width)
{
    struct app_whatif_article a;
    struct strbuf sb;
    char head[32], counts[48], *out;
    size_t fixed, rest, zh;

    app_whatif_article(w, number, &a);
    strbuf_init(&sb);
    /* the change mark sits right of the status symbol: ▲ newly failing, ▼ fixed, ~ other */
    snprintf(head, sizeof head, "%3d %s%s ", number, tui_outcome_symbol(a.outcome),
        a.change == 1 ? "▲" : a.change < 0 ? "▼" : a.change == 2 ? "~" : " ");
    strbuf_puts(&sb, head);
    tui_text_fit(&sb, tui_outcome_label(a.outcome), 10);
    if (a.fail > 0)
        snprintf(counts, sizeof counts, "%zu fail", a.fail);
    else if (a.unknown > 0)
        snprintf(counts, sizeof counts, "%zu unknown", a.unknown);
    else
        counts[0] = '\0';
    /*
     * number, symbol, mark 7; label 10; Chinese title 20 (24, the longest, from 100
     * columns) + 1; English title; counts 13, or nothing when there are none: the
     * English title takes the room.
     */
    zh = width >= 100 ? 24 : 20;
    fixed = 7 + 10 + zh + 1 + (counts[0] != '\0' ? 13 : 0);
    rest = width > fixed ? width - fixed : 0;
    tui_text_fit(&sb, a.title_zh != NULL ? a.title_zh : "", zh);
    strbuf_putc(&sb, ' ');
    tui_text_fit(&sb, a.title_en != NULL ? a.title_en : "(not in the rule pack)", rest);
    if (counts[0] != '\0')
        tui_text_fit_right(&sb, counts, 13);
    out = fitted(strbuf_str(&sb), width);
    strbuf_done(&sb);
    return out;
}

void
tui_line_free(void *p)
{
    struct tui_line *l = p;

    if (l == NULL)
        return;
    free(l->text);
    free(l);
}

struct wrap_ctx {
    struct vec *out;
    int role;
    const char *first, *rest; /* prefixes */
    size_t n;
};

static void
wrap_line(const char *line, void *arg)
{
    struct wrap_ctx *w = arg;
    struct tui_line *l = xmalloc(sizeof *l);

    l->role = w->role;
    l->text = xasprintf("%s%s", w->n++ == 0 ? w->first : w->rest, line);
    vec_push(w->out, l);
}

static void
add(struct vec *out, int role, size_t width, const char *first, const char *rest,
    const char *text)
{
    struct wrap_ctx w = { out, role, first, rest, 0 };
    size_t pw = FA_MAX(tui_text_width(first), tui_text_width(rest));

    tui_text_wrap(text, width > pw + 10 ? width - pw : 10, wrap_line, &w);
}

static int
outcome_role(enum rule_outcome o)
{
    static const int roles[RULE_NOUTCOMES] = {
        TUI_PASS, TUI_FAIL, TUI_NA, TUI_EVIDENCE, TUI_ADVISORY, TUI_WAIVED
    };

    return (unsigned)o < RULE_NOUTCOMES ? roles[o] : TUI_NORMAL;
}

/* The colour role of a paragraph of the article detail. */
static int
style_role(const struct app_whatif_line *l)
{
    switch (l->style) {
    case APP_WS_HEADER:
        return TUI_HEADER;
    case APP_WS_DIM:
        return TUI_DIM;
    case APP_WS_WARN:
        return TUI_EVIDENCE;
    case APP_WS_WAIVED:
        return TUI_WAIVED;
    case APP_WS_REMEDY:
        return TUI_PASS;
    case APP_WS_OUTCOME:
        return outcome_role(l->outcome);
    case APP_WS_NORMAL:
    default:
        return TUI_NORMAL;
    }
}

void
tui_article_lines(const struct app_whatif *w, int number, size_t width, struct vec *out)
{
    enum rule_outcome o = app_whatif_outcome(w, number);
    struct vec paras;
    char *s;
    size_t i;

    s = xasprintf("Art. %d  %s %s", number, tui_outcome_symbol(o), tui_outcome_label(o));
    add(out, outcome_role(o), width, "", "", s);
    free(s);
    vec_init(&paras, app_whatif_line_free);
    app_whatif_article_lines(w, number, &paras);
    for (i = 0; i < paras.len; i++) {
        const struct app_whatif_line *l = paras.items[i];

        if (l->style == APP_WS_OUTCOME) {
            /* a rule instance: its symbol and label first, as the board shows them */
            s = xasprintf("%s %-9s %s", tui_outcome_symbol(l->outcome),
                tui_outcome_label(l->outcome), l->text);
            add(out, style_role(l), width, l->first, l->rest, s);
            free(s);
        } else
            add(out, style_role(l), width, l->first, l->rest, l->text);
    }
    vec_done(&paras);
}

char *
tui_fact_row_format(const struct app_whatif_fact_row *r, size_t width)
{
    struct strbuf sb;
    size_t indent = (size_t)r->depth * 2;
    char *label, *value, *note, *out;

    app_whatif_row_text(r, &label, &value, &note);
    strbuf_init(&sb);
    strbuf_printf(&sb, "%*s", (int)indent, "");
    if (value == NULL) {
        strbuf_printf(&sb, "▸ %s", label);
    } else {
        /* the path column fits the longest path at 100 columns (44), all but a few at 80 (38) */
        size_t col = width >= 100 ? 44 : 38;
        size_t pw = indent + col < width ? col : (width > indent ? width - indent : 0);

        tui_text_fit(&sb, label, pw);
        strbuf_putc(&sb, ' ');
        strbuf_puts(&sb, value);
        strbuf_puts(&sb, note);
    }
    free(label);
    free(value);
    free(note);
    out = fitted(strbuf_str(&sb), width);
    strbuf_done(&sb);
    return out;
}
