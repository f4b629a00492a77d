/* SPDX-License-Identifier: MIT */
/*
 * tui_session.c - a trainer lesson under way (tui_session.h): its place,
 * kept per lesson for resuming; the step's goal; the quiz with the lenient
 * matcher, the second try, the explanation and the score; the session log.
 */
#include "config.h"

#include "tui_session.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "tui_lesson.h"
#include "tui_model.h"

static void
place_free(void *p)
{
    struct tui_lesson_place *pl = p;

    if (pl == NULL)
        return;
    free(pl->file);
    free(pl->tries);
    free(pl->result);
    free(pl);
}

struct tui_session *
tui_session_new(const char *record)
{
    struct tui_session *s = xcalloc(1, sizeof *s);

    vec_init(&s->places, place_free);
    vec_init(&s->explain, free);
    if (record != NULL) {
        s->record = xstrdup(record);
        s->log = xcalloc(1, sizeof *s->log);
        strbuf_init(s->log);
    }
    return s;
}

void
tui_session_free(struct tui_session *s)
{
    if (s == NULL)
        return;
    lesson_free(s->lesson);
    vec_done(&s->places);
    vec_done(&s->explain);
    free(s->goal_start);
    free(s->record);
    if (s->log != NULL)
        strbuf_done(s->log);
    free(s->log);
    free(s);
}

/* One line of the session log, written out at once (the whole log, atomically). */
static void FA_PRINTF(2, 3)
session_log(struct tui_session *s, const char *fmt, ...)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    va_list ap;
    char *cause = NULL;

    if (s->log == NULL)
        return;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    strbuf_printf(s->log, "%s  ", stamp);
    va_start(ap, fmt);
    {
        char *line = xvasprintf(fmt, ap);

        strbuf_puts(s->log, line);
        free(line);
    }
    va_end(ap);
    strbuf_putc(s->log, '\n');
    if (fs_write_atomic(s->record, s->log->buf, s->log->len, 0644, &cause) != 0) {
        log_info("--record: %s", cause);
        free(cause);
    }
}

static const char *
base_name(const char *path)
{
    const char *b = strrchr(path, '/');

    return b != NULL ? b + 1 : path;
}

int
tui_session_start(struct tui_session *s, struct app_whatif *m, const char *file, char **cause)
{
    struct lesson *l = lesson_load(file, cause);
    struct tui_lesson_place *pl = NULL;
    size_t i;

    if (l == NULL)
        return -1;
    tui_session_leave(s);
    for (i = 0; i < s->places.len; i++) {
        struct tui_lesson_place *p = vec_get(&s->places, i);

        if (strcmp(p->file, file) == 0 && p->nsteps == l->nsteps)
            pl = p;
    }
    if (pl == NULL) {
        pl = xcalloc(1, sizeof *pl);
        pl->file = xstrdup(file);
        pl->nsteps = l->nsteps;
        pl->tries = xcalloc(l->nsteps, sizeof *pl->tries);
        pl->result = xcalloc(l->nsteps, sizeof *pl->result);
        vec_push(&s->places, pl);
        session_log(s, "lesson %s started: %s", base_name(file), l->title);
    } else
        session_log(s, "lesson %s resumed at step %zu", base_name(file), pl->step + 1);
    s->lesson = l;
    s->place = pl;
    if (tui_session_goto(s, m, pl->step, cause) != 0) {
        tui_session_leave(s);
        return -1;
    }
    return 0;
}

void
tui_session_leave(struct tui_session *s)
{
    lesson_free(s->lesson);
    s->lesson = NULL;
    s->place = NULL;
    free(s->goal_start);
    s->goal_start = NULL;
    s->verdict[0] = '\0';
    vec_clear(&s->explain);
}

int
tui_session_goto(struct tui_session *s, struct app_whatif *m, size_t k, char **cause)
{
    const struct lesson_step *st;

    if (s->lesson == NULL)
        return cause_set(cause, "no lesson is under way");
    if (tui_lesson_goto(m, s->lesson, k, cause) != 0)
        return -1;
    s->place->step = k;
    st = &s->lesson->steps[k];
    s->goal_done = false;
    s->verdict[0] = '\0';
    vec_clear(&s->explain);
    free(s->goal_start);
    s->goal_start = st->await.kind == LESSON_AWAIT_SET_FACT ?
        app_whatif_fact_text(m, st->await.path) : NULL;
    if (s->place->result[k] != 0)
        snprintf(s->verdict, sizeof s->verdict, "answered: %s", st->answer);
    return 0;
}

const struct lesson_step *
tui_session_step(const struct tui_session *s)
{
    return s != NULL && s->lesson != NULL ? &s->lesson->steps[s->place->step] : NULL;
}

bool
tui_session_quiz_open(const struct tui_session *s)
{
    const struct lesson_step *st = tui_session_step(s);

    return st != NULL && st->quiz != NULL && s->place->result[s->place->step] == 0;
}

/* Does a yes/no question ask about a failure ("Is Art. 13 still violated?")? */
static bool
asks_failure(const char *question)
{
    static const char *const words[] = { "violat", "break", "fail", "breach", "unlawful",
        "illegal", NULL };
    char *q = xstrdup(question != NULL ? question : ""), *p;
    size_t i;
    bool hit = false;

    for (p = q; *p != '\0'; p++)
        *p = (char)tolower((unsigned char)*p);
    for (i = 0; words[i] != NULL; i++)
        hit = hit || strstr(q, words[i]) != NULL;
    free(q);
    return hit;
}

bool
tui_quiz_match(const char *answer, const char *expected, const char *question)
{
    char buf[16];
    const char *c = lesson_answer_canon(answer, buf, sizeof buf);

    /* yes and no answer the question: "still violated?" "no" means it passes */
    if (c != NULL && asks_failure(question)) {
        char *a = xstrdup(answer), *w = str_trim(a), *p;

        for (p = w; *p != '\0'; p++)
            *p = (char)tolower((unsigned char)*p);
        if (strcmp(w, "yes") == 0 || strcmp(w, "no") == 0) {
            bool ok = lesson_answer_matches(strcmp(w, "yes") == 0 ? "fail" : "pass", expected);

            free(a);
            return ok;
        }
        free(a);
    }
    return lesson_answer_matches(answer, expected);
}

/*
 * The explanation: the deciding rule instance of the article as the article
 * detail shows it (tui_article_lines): the rule, its message, the facts it
 * read and the clause (why and remedy left out: the trainer explains).
 */
static void
explain(struct tui_session *s, const struct app_whatif *m, int article, size_t width)
{
    struct vec lines;
    const char *sym;
    size_t i;
    bool found = false, keep = true;

    if (!app_whatif_is_open(m) || article < 1 || article > RULE_NARTICLES)
        return;
    sym = tui_outcome_symbol(app_whatif_outcome(m, article));
    vec_init(&lines, tui_line_free);
    tui_article_lines(m, article, width, &lines);
    vec_push(&s->explain, xasprintf("Why: Art. %d is %s", article,
        app_whatif_outcome_name(m, article)));
    for (i = 1; i < lines.len; i++) {
        const char *text = ((const struct tui_line *)vec_get(&lines, i))->text;

        if (text[0] != ' ') {
            /* an instance's first line: the first with the article's outcome explains it */
            if (found)
                break;
            found = str_has_prefix(text, sym) && text[strlen(sym)] == ' ';
            keep = true;
        } else if (text[1] == ' ' && text[2] != ' ')
            keep = !str_has_prefix(text + 2, "why:") && !str_has_prefix(text + 2, "remedy:") &&
                !str_has_prefix(text + 2, "waiver:");
        if (found && keep)
            vec_push(&s->explain, xstrdup(text));
    }
    vec_done(&lines);
}

int
tui_session_answer(struct tui_session *s, const struct app_whatif *m, const char *text,
    size_t width)
{
    const struct lesson_step *st = tui_session_step(s);
    size_t k;
    char *a, buf[16];
    int rc, article;

    if (st == NULL || st->quiz == NULL)
        return 0;
    k = s->place->step;
    a = xstrdup(text);
    str_trim(a);
    if (tui_quiz_match(a, st->answer, st->quiz)) {
        s->place->result[k] = s->place->tries[k] == 0 ? 1 : 2;
        snprintf(s->verdict, sizeof s->verdict, "✓ right: you answered '%s'%s", a,
            s->place->tries[k] == 0 ? "" : " on the second try");
        rc = 1;
    } else if (++s->place->tries[k] < 2) {
        snprintf(s->verdict, sizeof s->verdict, "✗ not quite: you answered '%s'. Try once more "
            "(a)", a);
        rc = 0;
    } else {
        s->place->result[k] = -1;
        snprintf(s->verdict, sizeof s->verdict, "✗ not quite: you answered '%s'; the answer is %s",
            a, st->answer);
        rc = -1;
    }
    session_log(s, "%s step %zu: Q: %s  A: %s  %s (try %d)", base_name(s->lesson->file), k + 1,
        st->quiz, a, rc == 1 ? "right" : "wrong", s->place->tries[k] + (rc == 1 ? 1 : 0));
    vec_clear(&s->explain);
    if (rc == -1) {
        const char *canon = lesson_answer_canon(st->answer, buf, sizeof buf);

        if (st->explain != NULL)
            vec_push(&s->explain, xstrdup(st->explain));
        article = canon != NULL && isdigit((unsigned char)canon[0]) ? atoi(canon) : 0;
        if (article == 0 && st->nexpects > 0)
            article = st->expects[0].article;
        explain(s, m, article, width);
    }
    {
        int right, second, answered, n = tui_session_score(s, &right, &second, &answered);

        if (n > 0 && answered == n)
            session_log(s, "%s finished: score %d of %d (%d on the second try)",
                base_name(s->lesson->file), right, n, second);
    }
    free(a);
    return rc;
}

int
tui_session_score(const struct tui_session *s, int *right, int *second, int *answered)
{
    size_t i;
    int n = 0;

    *right = *second = *answered = 0;
    if (s == NULL || s->lesson == NULL)
        return 0;
    for (i = 0; i < s->lesson->nsteps; i++) {
        if (s->lesson->steps[i].quiz == NULL)
            continue;
        n++;
        if (s->place->result[i] != 0)
            (*answered)++;
        if (s->place->result[i] > 0)
            (*right)++;
        if (s->place->result[i] == 2)
            (*second)++;
    }
    return n;
}

char *
tui_session_score_text(const struct tui_session *s)
{
    int right, second, answered, n = tui_session_score(s, &right, &second, &answered);

    if (n == 0)
        return NULL;
    if (second > 0)
        return xasprintf("score %d of %d (%d on the second try)%s", right, n, second,
            answered < n ? " so far" : "");
    return xasprintf("score %d of %d%s", right, n, answered < n ? " so far" : "");
}

bool
tui_session_observe(struct tui_session *s, const struct app_whatif *m, const char *top,
    int article)
{
    const struct lesson_step *st = tui_session_step(s);
    const struct lesson_await *w;
    bool done = false;

    if (st == NULL || s->goal_done || m == NULL)
        return false;
    w = &st->await;
    switch (w->kind) {
    case LESSON_AWAIT_OPEN_ARTICLE:
        done = strcmp(top, "article") == 0 && article == w->article;
        break;
    case LESSON_AWAIT_OPEN_SCREEN:
        done = strcmp(top, w->screen) == 0;
        break;
    case LESSON_AWAIT_SET_FACT: {
        char *now = app_whatif_fact_text(m, w->path);

        done = now != NULL && (w->value != NULL ? strcmp(now, w->value) == 0 :
            s->goal_start == NULL || strcmp(now, s->goal_start) != 0);
        free(now);
        break;
    }
    case LESSON_AWAIT_SEE_VERDICT:
        done = strcmp(top, "board") == 0 || (strcmp(top, "article") == 0 &&
            article == w->article);
        break;
    case LESSON_AWAIT_ANSWER:
        done = st->quiz != NULL && s->place->result[s->place->step] != 0;
        break;
    default:
        return false;
    }
    if (done) {
        s->goal_done = true;
        session_log(s, "%s step %zu: done: %s", base_name(s->lesson->file), s->place->step + 1,
            lesson_await_name(w->kind));
    }
    return done;
}

char *
tui_session_goal_text(const struct tui_session *s)
{
    const struct lesson_step *st = tui_session_step(s);
    char *what, *out;
    const char *how = "";

    if (st == NULL || (what = lesson_await_describe(&st->await)) == NULL)
        return NULL;
    switch (st->await.kind) {
    case LESSON_AWAIT_OPEN_ARTICLE:
    case LESSON_AWAIT_SEE_VERDICT:
        how = " (F2, then Enter on it)";
        if (st->await.kind == LESSON_AWAIT_SEE_VERDICT)
            how = " (F2)";
        break;
    case LESSON_AWAIT_SET_FACT:
        how = " (F3, / finds it)";
        break;
    case LESSON_AWAIT_ANSWER:
        free(what); /* the question line says it */
        return NULL;
    default:
        break;
    }
    out = xasprintf("%s%s", what, how);
    free(what);
    return out;
}
