/* SPDX-License-Identifier: MIT */
/*
 * scr_demo.c - F4 (and `faceaudit demo`): trainer mode. A library of
 * lessons (datasets/scenarios/training/NN-name.lesson); in a lesson, step forward
 * and back: each step applies its fact changes to the lesson's scenario and
 * re-audits, shows what to tell the class and a compact board of the 20
 * articles with what changed. Quiz mode hides the verdict until the trainee
 * answers the step's question. The lesson itself lives in the frame's
 * session (tui_session.h), so it stays with the trainee on other screens.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/vec.h"
#include "faceaudit/xmalloc.h"
#include "tui_curses.h"
#include "tui_int.h"
#include "faceaudit/lesson.h"
#include "tui_lesson.h"
#include "tui_model.h"
#include "tui_session.h"
#include "tui_text.h"

static const struct tui_key_help demo_keys[] = {
    { "Up Down j k", "choose a lesson (in the list)" },
    { "Enter", "start the lesson (a lesson left earlier resumes where it was)" },
    { "Right l n Space >", "next step (applies its fact changes)" },
    { "Left h p <", "previous step" },
    { "z", "quiz mode on/off: the verdict stays hidden until answered" },
    { "a", "answer the step's question (two tries, then the explanation)" },
    { "Enter (in a lesson)", "the full board (Esc comes back)" },
    { "F8", "the step panel on every other screen: show / hide" },
    { "Esc", "back to the lesson list (the lesson keeps its place)" },
    { NULL, NULL }
};

struct demo_state {
    struct vec files;          /* lesson paths */
    struct vec titles;         /* their titles (or the load error) */
    struct tui_list list;
    int rows_shown;
};

static void
demo_load_list(struct demo_state *d)
{
    char *dir = tui_data_path("datasets/scenarios/training");
    struct vec all;
    size_t i;

    vec_clear(&d->files);
    vec_clear(&d->titles);
    vec_init(&all, free);
    tui_list_scenarios(dir, &all); /* the lessons sit beside their scenarios */
    for (i = 0; i < all.len; i++) {
        const char *y = vec_get(&all, i);
        size_t n = strlen(y);
        char *path = xasprintf("%.*s.lesson", (int)(n - 8), y);
        char *cause = NULL;
        struct lesson *l;

        if (!fs_exists(path)) {
            free(path);
            continue;
        }
        l = lesson_load(path, &cause);
        vec_push(&d->titles, l != NULL ? xstrdup(l->title) : xasprintf("(broken: %s)", cause));
        vec_push(&d->files, path);
        free(cause);
        lesson_free(l);
    }
    vec_done(&all);
    free(dir);
    d->list.count = (int)d->files.len;
}

static void *
demo_init(struct tui *t, void *arg)
{
    struct demo_state *d = xcalloc(1, sizeof *d);

    (void)t;
    (void)arg;
    vec_init(&d->files, free);
    vec_init(&d->titles, free);
    demo_load_list(d);
    return d;
}

static void
demo_free(void *state)
{
    struct demo_state *d = state;

    vec_done(&d->files);
    vec_done(&d->titles);
    free(d);
}

static void
wrap_put(const char *line, void *arg)
{
    struct vec *v = arg;

    vec_push(v, xstrdup(line));
}

/* Wrapped text from row on, in a role; returns the next row. */
static int
put_wrapped(struct tui *t, int row, int end, int role, const char *text, int cols)
{
    struct vec lines;
    size_t k;

    vec_init(&lines, free);
    tui_text_wrap(text, (size_t)cols - 4, wrap_put, &lines);
    for (k = 0; k < lines.len && row < end; k++)
        tui_put(t, row++, 2, role, vec_get(&lines, k), cols - 4);
    vec_done(&lines);
    return row;
}

static void
demo_draw_list(struct tui *t, struct demo_state *d, int top, int rows, int cols)
{
    struct tui_session *s = tui_session(t);
    char buf[256];
    int i;

    tui_put(t, top, 1, TUI_HEADER, "Lessons (Enter starts one; z in a lesson: quiz mode)",
        cols - 2);
    d->rows_shown = rows - 1;
    if (d->files.len == 0) {
        tui_put(t, top + 1, 1, TUI_DIM, "no lessons in datasets/scenarios/training", cols - 2);
        return;
    }
    tui_list_scroll(&d->list, d->rows_shown);
    for (i = 0; i < d->rows_shown && d->list.first + i < d->list.count; i++) {
        int idx = d->list.first + i;
        const char *file = vec_get(&d->files, (size_t)idx);
        const char *mark = "";
        size_t k;

        for (k = 0; k < s->places.len; k++) {
            const struct tui_lesson_place *pl = vec_get(&s->places, k);

            if (strcmp(pl->file, file) == 0)
                mark = "  (under way: Enter resumes)";
        }
        snprintf(buf, sizeof buf, "%2d  %s%s", idx + 1, (const char *)vec_get(&d->titles,
            (size_t)idx), mark);
        tui_put(t, top + 1 + i, 2, idx == d->list.sel ? TUI_SELECTED : TUI_NORMAL, buf,
            cols - 4);
    }
}

/* A compact board: 20 tiles in rows of 4 (2 when narrow), English titles when wide. */
static int
demo_draw_board(struct tui *t, struct app_whatif *m, int row, int end, int cols)
{
    static const int roles[RULE_NOUTCOMES] = { TUI_PASS, TUI_FAIL, TUI_NA, TUI_EVIDENCE,
        TUI_ADVISORY, TUI_WAIVED };
    int per = cols >= 76 ? 4 : 2, w = (cols - 4) / per, i, j;
    char buf[320];

    for (i = 0; i < RULE_NARTICLES && row < end; i += per, row++) {
        for (j = 0; j < per && i + j < RULE_NARTICLES; j++) {
            int n = i + j + 1, ch = app_whatif_article_change(m, n);
            struct app_whatif_article a;

            app_whatif_article(m, n, &a);
            snprintf(buf, sizeof buf, "%2d %s%s %s%s%s", n, tui_outcome_symbol(a.outcome),
                ch == 1 ? "▲" : ch < 0 ? "▼" : ch == 2 ? "~" : " ",
                a.title_zh != NULL ? a.title_zh : "", w >= 40 && a.title_en != NULL ? " " : "",
                w >= 40 && a.title_en != NULL ? a.title_en : "");
            tui_put(t, row, 2 + j * w, roles[a.outcome], buf, w - 1);
        }
    }
    return row;
}

static void
demo_draw(struct tui *t, void *state, int top, int rows, int cols)
{
    struct demo_state *d = state;
    struct tui_session *s = tui_session(t);
    struct app_whatif *m = tui_model(t, NULL);
    struct app_whatif_verdict v;
    const struct lesson_step *st = tui_session_step(s);
    char buf[512], *goal, *score;
    int row = top, end = top + rows;
    size_t k;
    bool hide;

    if (st == NULL) {
        demo_draw_list(t, d, top, rows, cols);
        return;
    }
    hide = s->quiz && tui_session_quiz_open(s);
    snprintf(buf, sizeof buf, "%s — step %zu of %zu%s", s->lesson->title,
        s->place->step + 1, s->lesson->nsteps, s->quiz ? " [quiz mode]" : "");
    row = put_wrapped(t, row, end, TUI_HEADER, buf, cols);
    row = put_wrapped(t, row, end, TUI_NORMAL, hide ? st->quiz_text : st->text, cols);
    for (k = 0; k < st->nsets && row < end; k++) {
        snprintf(buf, sizeof buf, "→ %s%s%s = %s", st->sets[k].entity,
            *st->sets[k].entity != '\0' ? " " : "", st->sets[k].path, st->sets[k].value);
        row = put_wrapped(t, row, end, TUI_EVIDENCE, buf, cols);
    }
    if ((goal = tui_session_goal_text(s)) != NULL) {
        snprintf(buf, sizeof buf, "%s Goal: %s%s", s->goal_done ? "✓" : "→", goal,
            s->goal_done ? " — reached; Right: next step" : "");
        row = put_wrapped(t, row, end, s->goal_done ? TUI_PASS : TUI_ADVISORY, buf, cols);
        free(goal);
    }
    if (st->quiz != NULL) {
        snprintf(buf, sizeof buf, "Q: %s%s", st->quiz, tui_session_quiz_open(s) ?
            "  (a to answer)" : "");
        row = put_wrapped(t, row, end, TUI_ADVISORY, buf, cols);
    }
    if (s->verdict[0] != '\0')
        row = put_wrapped(t, row, end, str_has_prefix(s->verdict, "✗") ? TUI_FAIL :
            TUI_PASS, s->verdict, cols);
    for (k = 0; k < s->explain.len && row < end; k++)
        tui_put(t, row++, 2, k == 0 ? TUI_HEADER : TUI_NORMAL, vec_get(&s->explain, k),
            cols - 4);
    if (s->place->step + 1 == s->lesson->nsteps && row < end) {
        int right, second, answered, n = tui_session_score(s, &right, &second, &answered);

        if (n > 0 && answered == n) {
            score = tui_session_score_text(s);
            snprintf(buf, sizeof buf, "Lesson complete: %s", score);
            free(score);
            row = put_wrapped(t, row, end, TUI_PASS, buf, cols);
        }
    }
    if (!app_whatif_verdict(m, &v))
        return;
    row++;
    if (hide) {
        if (row < end)
            tui_put(t, row, 2, TUI_DIM, "The verdict is hidden until the question is answered.",
                cols - 4);
        return;
    }
    if (row < end) {
        char *c = app_whatif_change_summary(m);

        snprintf(buf, sizeof buf, "score %.1f grade %c   %s", v.score, v.grade,
            c != NULL ? c : "");
        free(c);
        tui_put(t, row++, 2, TUI_NORMAL, buf, cols - 4);
    }
    row = demo_draw_board(t, m, row, end, cols);
    for (k = 0; k < st->nexpects && row < end; k++) {
        const struct lesson_expect *e = &st->expects[k];
        const char *got = e->article == 0 ? app_whatif_grade_name(m) :
            app_whatif_outcome_name(m, e->article);
        bool ok = strcmp(got, e->outcome) == 0;

        if (e->article == 0)
            snprintf(buf, sizeof buf, "%s the class should see grade %s (it is %s)",
                ok ? "✓" : "✗", e->outcome, got);
        else
            snprintf(buf, sizeof buf, "%s the class should see Art. %d %s (it is %s)",
                ok ? "✓" : "✗", e->article, e->outcome, got);
        tui_put(t, row++, 2, ok ? TUI_PASS : TUI_FAIL, buf, cols - 4);
    }
}

static int
demo_key(struct tui *t, void *state, int key)
{
    struct demo_state *d = state;
    struct tui_session *s = tui_session(t);
    bool enter = key == '\n' || key == '\r' || key == KEY_ENTER;

    if (tui_session_step(s) == NULL) {
        if ((enter || key == KEY_RIGHT || key == 'l') && d->files.len > 0) {
            struct app_whatif *m = tui_model(t, NULL);
            char *cause = NULL;

            if (m == NULL)
                return TUI_NONE;
            if (tui_session_start(s, m, vec_get(&d->files, (size_t)d->list.sel), &cause) != 0) {
                tui_status(t, "%s", cause);
                free(cause);
            }
            return TUI_REDRAW;
        }
        return tui_list_key(&d->list, key, d->rows_shown);
    }
    switch (key) {
    case KEY_RIGHT:
    case 'l':
    case 'n':
    case ' ':
    case '>':
        return tui_lesson_step_key(t, 1);
    case KEY_LEFT:
    case 'h':
    case 'p':
    case '<':
        return tui_lesson_step_key(t, -1);
    case 'z':
        s->quiz = !s->quiz;
        tui_status(t, s->quiz ? "quiz mode: verdicts hidden until answered" : "quiz mode off");
        return TUI_REDRAW;
    case 'a':
        return tui_lesson_answer_prompt(t);
    case TUI_KEY_ESC:
    case 'q':
        tui_session_leave(s);
        tui_status(t, "the lesson keeps its place: Enter on it resumes");
        return TUI_REDRAW;
    default:
        if (enter) {
            tui_open(t, &scr_board_ops, NULL);
            return TUI_REDRAW;
        }
        return TUI_NONE;
    }
}

static int
demo_click(struct tui *t, void *state, int row, int col)
{
    struct demo_state *d = state;
    int idx = d->list.first + row - 1;

    (void)col;
    if (tui_session_step(tui_session(t)) != NULL || row < 1 || idx >= d->list.count)
        return TUI_NONE;
    if (idx == d->list.sel)
        return demo_key(t, state, '\n'); /* a second click starts it */
    d->list.sel = idx;
    return TUI_REDRAW;
}

const struct tui_screen_ops scr_demo_ops = {
    "demo", "Trainer demo", demo_init, demo_free, demo_draw, demo_key, demo_click, demo_keys,
    NULL
};
