/* SPDX-License-Identifier: MIT */
/*
 * tui_overlay.c - what the frame draws over any screen: the lesson's step
 * panel, docked at the bottom of every screen a step sends the trainee to
 * (F8 shows or hides it), with the keys that work everywhere while a lesson
 * is under way (> next step, < previous, a answer); and the popup that shows
 * a message too long for the status line.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/str.h"
#include "faceaudit/tui.h"
#include "faceaudit/xmalloc.h"
#include "tui_frame.h"
#include "tui_model.h"
#include "tui_session.h"
#include "tui_text.h"

#define PANEL_MAX 7

struct tui_session *
tui_session(struct tui *t)
{
    if (t->lesson == NULL)
        t->lesson = tui_session_new(t->opts->record);
    return t->lesson;
}

static bool
lesson_on(struct tui *t)
{
    return t->lesson != NULL && t->lesson->lesson != NULL;
}

int
tui_overlay_rows(struct tui *t, int rows)
{
    if (!lesson_on(t) || !t->panel || t->stack[t->depth - 1].ops == &scr_demo_ops)
        return 0;
    if (rows < 12)
        return 0;
    return rows / 3 < PANEL_MAX ? rows / 3 : PANEL_MAX;
}

static void
add_line(const char *line, void *arg)
{
    vec_push(arg, xstrdup(line));
}

/* The panel's lines, most important last to go: header, goal, question, verdict, text. */
void
tui_lesson_panel_lines(struct tui *t, size_t width, struct vec *out)
{
    struct tui_session *s = t->lesson;
    const struct lesson_step *st = tui_session_step(s);
    char *goal, *score;
    struct strbuf sb;

    if (st == NULL)
        return;
    strbuf_init(&sb);
    strbuf_printf(&sb, "Lesson: %s — step %zu of %zu%s", s->lesson->title, s->place->step + 1,
        s->lesson->nsteps, s->quiz ? "  [quiz]" : "");
    if ((score = tui_session_score_text(s)) != NULL && tui_text_width(strbuf_str(&sb)) +
        tui_text_width(score) + 3 <= width)
        strbuf_printf(&sb, " · %s", score);
    free(score);
    vec_push(out, strbuf_detach(&sb));
    tui_text_wrap(s->quiz && tui_session_quiz_open(s) ? st->quiz_text : st->text, width,
        add_line, out);
    if ((goal = tui_session_goal_text(s)) != NULL) {
        char *g = xasprintf("%s Goal: %s%s", s->goal_done ? "✓" : "→", goal,
            s->goal_done ? " — reached; > next step" : "");

        tui_text_wrap(g, width, add_line, out);
        free(g);
        free(goal);
    }
    if (st->quiz != NULL) {
        char *q = xasprintf("Q: %s%s", st->quiz, tui_session_quiz_open(s) ? "  (a to answer)" :
            "");

        tui_text_wrap(q, width, add_line, out);
        free(q);
    }
    if (s->verdict[0] != '\0')
        tui_text_wrap(s->verdict, width, add_line, out);
}

void
tui_overlay_draw(struct tui *t, int top, int n, int cols)
{
    struct vec lines;
    size_t i;
    char *hint = xstrdup(" F8 hides · > next · < back · a answer · F4 the lesson ");
    int w = (int)tui_text_width(hint);

    vec_init(&lines, free);
    tui_lesson_panel_lines(t, (size_t)cols - 3, &lines);
    {
        struct strbuf rule;
        int x;

        strbuf_init(&rule);
        for (x = 0; x < cols; x++)
            strbuf_puts(&rule, "─");
        tui_put(t, top, 0, TUI_HEADER, strbuf_str(&rule), cols);
        strbuf_done(&rule);
    }
    if (w < cols)
        tui_put(t, top, cols - w, TUI_DIM, hint, w);
    /* the header, then as many of the last lines (goal, question, verdict) as fit */
    {
        size_t avail = n > 1 ? (size_t)(n - 1) : 0;
        size_t nshow = lines.len < avail ? lines.len : avail;

        for (i = 0; i < nshow; i++) {
            size_t idx = i == 0 ? 0 : lines.len - nshow + i;
            int row = top + 1 + (int)i;

            tui_clear_row(t, row, TUI_NORMAL);
            tui_put(t, row, 1, idx == 0 ? TUI_HEADER : TUI_NORMAL, vec_get(&lines, idx),
                cols - 2);
        }
    }
    vec_done(&lines);
    free(hint);
}

void
tui_popup_draw(struct tui *t)
{
    struct vec lines;
    int w = COLS - 4, h, top, i;

    if (w < 20)
        return;
    vec_init(&lines, free);
    tui_text_wrap(t->status, (size_t)w - 4, add_line, &lines);
    h = (int)lines.len + 3;
    if (h > LINES - 4)
        h = LINES - 4;
    top = (LINES - h) / 2;
    for (i = 0; i < h; i++) {
        move(top + i, 2);
        attrset(t->role_attr[TUI_SELECTED]);
        hline(' ', w);
    }
    tui_put(t, top, 3, TUI_SELECTED, "Message (any key closes)", w - 2);
    for (i = 0; i < (int)lines.len && i < h - 3; i++)
        tui_put(t, top + 2 + i, 4, TUI_SELECTED, vec_get(&lines, (size_t)i), w - 4);
    attrset(A_NORMAL);
    vec_done(&lines);
}

static int
answer_done(struct tui *t, void *arg, const char *text)
{
    struct tui_session *s = t->lesson;
    int rc;

    (void)arg;
    if (tui_session_step(s) == NULL)
        return TUI_REDRAW;
    rc = tui_session_answer(s, tui_model(t, NULL), text, (size_t)COLS - 4);
    tui_status(t, "%s", s->verdict);
    if (rc != 0 && tui_session_step(s)->await.kind <= LESSON_AWAIT_ANSWER &&
        s->place->step + 1 < s->lesson->nsteps)
        tui_status(t, "%s — > or Right: next step", s->verdict);
    return TUI_REDRAW;
}

int
tui_lesson_answer_prompt(struct tui *t)
{
    const struct lesson_step *st = tui_session_step(t->lesson);

    if (st == NULL || st->quiz == NULL) {
        tui_status(t, "this step has no question");
        return TUI_REDRAW;
    }
    if (!tui_session_quiz_open(t->lesson)) {
        tui_status(t, "already answered: %s", t->lesson->verdict);
        return TUI_REDRAW;
    }
    tui_prompt(t, "your answer (an article number, or pass, fail, needs evidence, n/a ...)",
        "", answer_done, NULL);
    return TUI_REDRAW;
}

int
tui_lesson_step_key(struct tui *t, int delta)
{
    struct tui_session *s = t->lesson;
    struct app_whatif *m = tui_model(t, NULL);
    char *cause = NULL;
    size_t k;

    if (!lesson_on(t) || m == NULL)
        return TUI_NONE;
    k = s->place->step;
    if (delta > 0 && k + 1 >= s->lesson->nsteps) {
        char *score = tui_session_score_text(s);

        tui_status(t, "last step%s%s: Esc in the lesson (F4) returns to the lessons",
            score != NULL ? " · " : "", score != NULL ? score : "");
        free(score);
        return TUI_REDRAW;
    }
    if (delta < 0 && k == 0)
        return TUI_NONE;
    if (tui_session_goto(s, m, delta > 0 ? k + 1 : k - 1, &cause) != 0) {
        tui_status(t, "%s", cause);
        free(cause);
    }
    return TUI_REDRAW;
}

int
tui_overlay_key(struct tui *t, int key)
{
    if (key == KEY_F(8)) {
        if (!lesson_on(t)) {
            tui_status(t, "no lesson under way: F4 starts one");
            return TUI_REDRAW;
        }
        t->panel = !t->panel;
        tui_status(t, t->panel ? "lesson panel shown on every screen (F8 hides it)" :
            "lesson panel hidden (F8 shows it)");
        return TUI_REDRAW;
    }
    if (!lesson_on(t))
        return -1;
    switch (key) {
    case '>':
        return tui_lesson_step_key(t, 1);
    case '<':
        return tui_lesson_step_key(t, -1);
    case 'a':
        return tui_lesson_answer_prompt(t);
    default:
        return -1;
    }
}

void
tui_overlay_observe(struct tui *t)
{
    const struct tui_frame *f = &t->stack[t->depth - 1];
    int article = f->ops == &scr_article_ops ? scr_article_number(f->state) : 0;

    if (!lesson_on(t))
        return;
    if (tui_session_observe(t->lesson, tui_model(t, NULL), f->ops->name, article)) {
        tui_status(t, "✓ goal reached — > (or Right in the lesson, F4) for the next step");
        t->popup = false;
    }
}
