/* SPDX-License-Identifier: MIT */
/*
 * scr_demo.c - F4 (and `faceaudit demo`): trainer mode. A library of
 * lessons (datasets/scenarios/training/NN-name.lesson); in a lesson, step forward
 * and back: each step applies its fact changes to the lesson's scenario and
 * re-audits, shows what to tell the class and a compact board of the 20
 * articles with what changed. Quiz mode hides the verdict until the trainee
 * answers the step's question.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/vec.h"
#include "faceaudit/xmalloc.h"
#include "tui_curses.h"
#include "tui_int.h"
#include "tui_lesson.h"
#include "tui_model.h"
#include "tui_text.h"

static const struct tui_key_help demo_keys[] = {
    { "Up Down j k", "choose a lesson (in the list)" },
    { "Enter", "start the lesson" },
    { "Right l n Space", "next step (applies its fact changes)" },
    { "Left h p", "previous step" },
    { "z", "quiz mode on/off: the verdict stays hidden until answered" },
    { "a", "answer the step's question" },
    { "Enter (in a lesson)", "the full board (Esc comes back)" },
    { "Esc", "back to the lesson list" },
    { NULL, NULL }
};

struct demo_state {
    struct vec files;          /* lesson paths */
    struct vec titles;         /* their titles (or the load error) */
    struct tui_list list;
    struct lesson *lesson; /* NULL: showing the list */
    size_t step;               /* 0-based */
    bool quiz;
    bool answered;
    char verdict[160];         /* after an answer */
    char *error;
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
    lesson_free(d->lesson);
    free(d->error);
    free(d);
}

/* Show step k (tui_lesson_goto) and reset the quiz. */
static int
demo_goto(struct tui *t, struct demo_state *d, size_t k)
{
    struct tui_model *m = tui_model(t, NULL);
    char *cause = NULL;

    if (m == NULL || d->lesson == NULL)
        return TUI_NONE;
    if (tui_lesson_goto(m, d->lesson, k, &cause) != 0) {
        tui_status(t, "%s", cause);
        free(cause);
        return TUI_REDRAW;
    }
    d->step = k;
    d->answered = false;
    d->verdict[0] = '\0';
    return TUI_REDRAW;
}

static void
wrap_put(const char *line, void *arg)
{
    struct vec *v = arg;

    vec_push(v, xstrdup(line));
}

static void
demo_draw(struct tui *t, void *state, int top, int rows, int cols)
{
    struct demo_state *d = state;
    struct tui_model *m = tui_model(t, NULL);
    const struct lesson_step *st;
    struct vec lines;
    char buf[256];
    int row = top, i, j;
    size_t k;
    bool hide;

    if (d->lesson == NULL) {
        tui_put(t, top, 1, TUI_HEADER, "Lessons (Enter starts one; z in a lesson: quiz mode)",
            cols - 2);
        d->rows_shown = rows - 1;
        if (d->files.len == 0) {
            tui_put(t, top + 1, 1, TUI_DIM, "no lessons in datasets/scenarios/training",
                cols - 2);
            return;
        }
        tui_list_scroll(&d->list, d->rows_shown);
        for (i = 0; i < d->rows_shown && d->list.first + i < d->list.count; i++) {
            int idx = d->list.first + i;

            snprintf(buf, sizeof buf, "%2d  %s", idx + 1, (const char *)vec_get(&d->titles,
                (size_t)idx));
            tui_put(t, top + 1 + i, 2, idx == d->list.sel ? TUI_SELECTED : TUI_NORMAL, buf,
                cols - 4);
        }
        return;
    }
    st = &d->lesson->steps[d->step];
    snprintf(buf, sizeof buf, "%s — step %zu of %zu%s", d->lesson->title, d->step + 1,
        d->lesson->nsteps, d->quiz ? "   [quiz mode]" : "");
    tui_put(t, row++, 1, TUI_HEADER, buf, cols - 2);
    vec_init(&lines, free);
    tui_text_wrap(d->quiz ? st->quiz_text : st->text, (size_t)cols - 4, wrap_put, &lines);
    for (k = 0; k < lines.len && row < top + rows; k++)
        tui_put(t, row++, 2, TUI_NORMAL, vec_get(&lines, k), cols - 4);
    vec_done(&lines);
    for (k = 0; k < st->nsets && row < top + rows; k++) {
        snprintf(buf, sizeof buf, "→ %s%s%s = %s", st->sets[k].entity,
            *st->sets[k].entity != '\0' ? " " : "", st->sets[k].path,
            st->sets[k].value);
        tui_put(t, row++, 2, TUI_EVIDENCE, buf, cols - 4);
    }
    hide = d->quiz && st->quiz != NULL && !d->answered;
    if (st->quiz != NULL && row < top + rows) {
        snprintf(buf, sizeof buf, "Q: %s%s", st->quiz, d->answered ? "" : "  (a to answer)");
        tui_put(t, row++, 2, TUI_ADVISORY, buf, cols - 4);
    }
    if (d->verdict[0] != '\0' && row < top + rows)
        tui_put(t, row++, 2, TUI_EVIDENCE, d->verdict, cols - 4);
    if (m == NULL || m->res == NULL)
        return;
    row++;
    if (hide) {
        if (row < top + rows)
            tui_put(t, row, 2, TUI_DIM, "The verdict is hidden until the question is answered.",
                cols - 4);
        return;
    }
    if (row < top + rows) {
        char *c = tui_model_change_summary(m);

        snprintf(buf, sizeof buf, "score %.1f grade %c   %s", m->res->score, m->res->grade,
            c != NULL ? c : "");
        free(c);
        tui_put(t, row++, 2, TUI_NORMAL, buf, cols - 4);
    }
    /* A compact board: 20 tiles in rows of 4 (or 2 when narrow). */
    {
        int per = cols >= 76 ? 4 : 2, w = (cols - 4) / per;

        for (i = 0; i < RULE_NARTICLES && row < top + rows; i += per, row++) {
            for (j = 0; j < per && i + j < RULE_NARTICLES; j++) {
                int n = i + j + 1, ch = tui_model_article_change(m, n);
                const struct rule_article_info *ai = rule_pack_article(m->pack, n);
                enum rule_outcome o = m->res->articles[n - 1].outcome;
                static const int roles[RULE_NOUTCOMES] = { TUI_PASS, TUI_FAIL, TUI_NA,
                    TUI_EVIDENCE, TUI_ADVISORY, TUI_WAIVED };

                snprintf(buf, sizeof buf, "%2d %s%s %s", n, tui_outcome_symbol(o),
                    ch == 1 ? "▲" : ch < 0 ? "▼" : ch == 2 ? "~" : " ",
                    ai != NULL ? ai->title_zh : "");
                tui_put(t, row, 2 + j * w, roles[o], buf, w - 1);
            }
        }
    }
    for (k = 0; k < st->nexpects && row < top + rows; k++) {
        const struct lesson_expect *e = &st->expects[k];
        char grade[2] = { m->res->grade, '\0' };
        const char *got = e->article == 0 ? (m->res->no_score != NULL ? "none" : grade) :
            rule_outcome_name(m->res->articles[e->article - 1].outcome);
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
demo_answer_done(struct tui *t, void *arg, const char *text)
{
    struct demo_state *d = arg;
    const struct lesson_step *st = &d->lesson->steps[d->step];
    char *a = xstrdup(text), *s = str_trim(a);
    bool right = lesson_answer_matches(s, st->answer);

    (void)t;
    d->answered = true;
    snprintf(d->verdict, sizeof d->verdict, "%s you answered '%s'; the answer is %s",
        right ? "✓ right:" : "✗ not quite:", s, st->answer);
    free(a);
    return TUI_REDRAW;
}

static int
demo_key(struct tui *t, void *state, int key)
{
    struct demo_state *d = state;
    bool enter = key == '\n' || key == '\r' || key == KEY_ENTER;

    if (d->lesson == NULL) {
        if ((enter || key == KEY_RIGHT || key == 'l') && d->files.len > 0) {
            char *cause = NULL;

            d->lesson = lesson_load(vec_get(&d->files, (size_t)d->list.sel), &cause);
            if (d->lesson == NULL) {
                tui_status(t, "%s", cause);
                free(cause);
                return TUI_REDRAW;
            }
            return demo_goto(t, d, 0);
        }
        return tui_list_key(&d->list, key, d->rows_shown);
    }
    switch (key) {
    case KEY_RIGHT:
    case 'l':
    case 'n':
    case ' ':
        if (d->step + 1 < d->lesson->nsteps)
            return demo_goto(t, d, d->step + 1);
        tui_status(t, "last step: Esc returns to the lessons");
        return TUI_REDRAW;
    case KEY_LEFT:
    case 'h':
    case 'p':
        if (d->step > 0)
            return demo_goto(t, d, d->step - 1);
        return TUI_NONE;
    case 'z':
        d->quiz = !d->quiz;
        tui_status(t, d->quiz ? "quiz mode: verdicts hidden until answered" : "quiz mode off");
        return TUI_REDRAW;
    case 'a':
        if (d->lesson->steps[d->step].quiz == NULL) {
            tui_status(t, "this step has no question");
            return TUI_REDRAW;
        }
        tui_prompt(t, "your answer (article number or outcome)", "", demo_answer_done, d);
        return TUI_REDRAW;
    case TUI_KEY_ESC:
    case 'q':
        lesson_free(d->lesson);
        d->lesson = NULL;
        return TUI_REDRAW;
    default:
        if (enter) {
            tui_push(t, &scr_board_ops, NULL);
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

    (void)t;
    (void)col;
    if (d->lesson != NULL || row < 1 || idx >= d->list.count)
        return TUI_NONE;
    d->list.sel = idx;
    return TUI_REDRAW;
}

const struct tui_screen_ops scr_demo_ops = {
    "demo", "Trainer demo", demo_init, demo_free, demo_draw, demo_key, demo_click, demo_keys
};
