/* SPDX-License-Identifier: MIT */
/*
 * app_lesson.c - the trainer lesson parser (format in lesson.h and
 * faceaudit-lesson(5)); the quiz answer matcher it checks answers with is
 * app_lesson_match.c. No curses, no rule pack: the TUI's demo, `faceaudit
 * lesson check` and the fuzz target share it.
 */
#include "config.h"

#include "faceaudit/lesson.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/compat.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

#define LESSON_MAX_BYTES (256 * 1024)
#define LESSON_NARTICLES 20
#define NELEM(a) (sizeof (a) / sizeof (a)[0])

const char *const lesson_screen_names[] = {
    "home", "board", "article", "facts", "demo", "eval", "sim", "runs", "help", NULL
};

static const char *const await_names[] = {
    "", "open-article", "open-screen", "set-fact", "see-verdict", "answer"
};

const char *
lesson_await_name(enum lesson_await_kind k)
{
    return (unsigned)k < NELEM(await_names) ? await_names[k] : "";
}

char *
lesson_await_describe(const struct lesson_await *w)
{
    switch (w->kind) {
    case LESSON_AWAIT_OPEN_ARTICLE:
        return xasprintf("Open Art. %d", w->article);
    case LESSON_AWAIT_OPEN_SCREEN:
        return xasprintf("Open the %s screen", w->screen);
    case LESSON_AWAIT_SET_FACT:
        if (w->value != NULL)
            return xasprintf("Set %s to %s", w->path, w->value);
        return xasprintf("Change %s", w->path);
    case LESSON_AWAIT_SEE_VERDICT:
        return xasprintf("Look at Art. %d on the board", w->article);
    case LESSON_AWAIT_ANSWER:
        return xstrdup("Answer the question");
    case LESSON_AWAIT_NONE:
        break;
    }
    return NULL;
}

static void
step_free(struct lesson_step *s)
{
    size_t j;

    for (j = 0; j < s->nsets; j++) {
        free(s->sets[j].entity);
        free(s->sets[j].path);
        free(s->sets[j].value);
    }
    for (j = 0; j < s->nexpects; j++)
        free(s->expects[j].outcome);
    for (j = 0; j < s->nreadings; j++)
        free(s->readings[j]);
    free(s->readings);
    free(s->sets);
    free(s->expects);
    free(s->text);
    free(s->quiz_text);
    free(s->await.screen);
    free(s->await.path);
    free(s->await.value);
    free(s->quiz);
    free(s->answer);
    free(s->explain);
}

void
lesson_free(struct lesson *l)
{
    size_t i;

    if (l == NULL)
        return;
    for (i = 0; i < l->nsteps; i++)
        step_free(&l->steps[i]);
    free(l->steps);
    free(l->file);
    free(l->title);
    free(l->goal);
    free(l->scenario);
    free(l);
}

/* --- parsing ------------------------------------------------------------------- */

static int
bad_key(char **cause, const char *file, unsigned ln, const char *key)
{
    static const char *const keys[] = { "title", "goal", "articles", "scenario", "step",
        "set", "await", "expect", "reading", "quiz", "answer", "explain", NULL };
    const char *hint = str_suggest(key, keys);

    return cause_set(cause, "%s:%u: unknown key '%s'%s%s%s", file, ln, key,
        hint != NULL ? " (did you mean '" : "", hint != NULL ? hint : "",
        hint != NULL ? "'?)" : "");
}

/* Split `[[hidden]]` sentences out of a step's text; -1 on unbalanced markers. */
static int
step_text(struct lesson_step *st, const char *val)
{
    struct strbuf all, quiz;
    const char *p = val;
    bool hidden = false;

    strbuf_init(&all);
    strbuf_init(&quiz);
    while (*p != '\0') {
        if (strncmp(p, "[[", 2) == 0) {
            if (hidden)
                goto bad;
            hidden = true;
            st->hides = true;
            p += 2;
            continue;
        }
        if (strncmp(p, "]]", 2) == 0) {
            if (!hidden)
                goto bad;
            hidden = false;
            p += 2;
            continue;
        }
        strbuf_putc(&all, *p);
        if (!hidden && !(*p == ' ' && (quiz.len == 0 || quiz.buf[quiz.len - 1] == ' ')))
            strbuf_putc(&quiz, *p);
        p++;
    }
    if (hidden)
        goto bad;
    while (quiz.len > 0 && quiz.buf[quiz.len - 1] == ' ')
        quiz.buf[--quiz.len] = '\0';
    st->text = strbuf_detach(&all);
    st->quiz_text = strbuf_detach(&quiz);
    return 0;
bad:
    strbuf_done(&all);
    strbuf_done(&quiz);
    return -1;
}

/* `articles: 5, 6 10` */
static int
parse_articles(struct lesson *l, const char *file, unsigned ln, const char *val, char **cause)
{
    const char *p = val;

    l->narticles = 0;
    while (*p != '\0') {
        char *end;
        long n;
        size_t i;

        p += strspn(p, " ,\t");
        if (*p == '\0')
            break;
        n = strtol(p, &end, 10);
        if (end == p || n < 1 || n > LESSON_NARTICLES || (*end != '\0' && strchr(" ,\t", *end)
            == NULL))
            return cause_set(cause, "%s:%u: articles: expected article numbers 1-20 "
                "separated by commas", file, ln);
        for (i = 0; i < l->narticles; i++) {
            if (l->articles[i] == (int)n)
                return cause_set(cause, "%s:%u: articles: Art. %ld listed twice", file, ln, n);
        }
        l->articles[l->narticles++] = (int)n;
        p = end;
    }
    if (l->narticles == 0)
        return cause_set(cause, "%s:%u: articles: expected article numbers 1-20 separated "
            "by commas", file, ln);
    return 0;
}

/* `set: PATH = VALUE` (or the old `KIND:ID PATH = VALUE`) into a new set of st. */
static struct lesson_set *
parse_set(struct lesson_step *st, char *val, unsigned ln)
{
    char *eq = strchr(val, '='), *sp;
    struct lesson_set *s;

    if (eq == NULL)
        return NULL;
    *eq = '\0';
    val = str_trim(val);
    if (*val == '\0' || *str_trim(eq + 1) == '\0')
        return NULL;
    sp = strchr(val, ' ');
    if (sp != NULL)
        *sp = '\0';
    st->sets = xreallocarray(st->sets, st->nsets + 1, sizeof *st->sets);
    s = &st->sets[st->nsets++];
    memset(s, 0, sizeof *s);
    s->entity = xstrdup(sp != NULL ? val : "");
    s->path = xstrdup(sp != NULL ? str_trim(sp + 1) : val);
    s->value = xstrdup(str_trim(eq + 1));
    s->line = ln;
    return s;
}

static int
parse_await(struct lesson_step *st, const char *file, unsigned ln, char *val, char **cause)
{
    struct lesson_await *w = &st->await;
    char *arg = val + strcspn(val, " \t");
    size_t i;

    if (w->kind != LESSON_AWAIT_NONE)
        return cause_set(cause, "%s:%u: await: one per step", file, ln);
    if (*arg != '\0')
        *arg++ = '\0';
    arg = str_trim(arg);
    w->line = ln;
    if (strcmp(val, "open-article") == 0 || strcmp(val, "see-verdict") == 0 ||
        strcmp(val, "verdict") == 0) {
        char *end;
        long n = strtol(arg, &end, 10);

        if (end == arg || *end != '\0' || n < 1 || n > LESSON_NARTICLES)
            return cause_set(cause, "%s:%u: await: %s takes an article number (1-20)", file,
                ln, val);
        w->kind = val[0] == 'o' ? LESSON_AWAIT_OPEN_ARTICLE : LESSON_AWAIT_SEE_VERDICT;
        w->article = (int)n;
        return 0;
    }
    if (strcmp(val, "open-screen") == 0) {
        for (i = 0; lesson_screen_names[i] != NULL; i++) {
            if (strcmp(arg, lesson_screen_names[i]) == 0)
                break;
        }
        if (lesson_screen_names[i] == NULL)
            return cause_set(cause, "%s:%u: await: open-screen takes home, board, article, "
                "facts, demo, eval, sim, runs or help", file, ln);
        w->kind = LESSON_AWAIT_OPEN_SCREEN;
        w->screen = xstrdup(arg);
        return 0;
    }
    if (strcmp(val, "set-fact") == 0 || strcmp(val, "set") == 0) {
        if (*arg == '\0' || *arg == '=')
            return cause_set(cause, "%s:%u: await: set-fact takes a fact path "
                "(device:gate-1.location [= VALUE])", file, ln);
        w->kind = LESSON_AWAIT_SET_FACT;
        if (strchr(arg, '=') != NULL) {
            struct lesson_set *s = parse_set(st, arg, ln);

            if (s == NULL)
                return cause_set(cause, "%s:%u: await: set-fact takes a fact path "
                    "(device:gate-1.location [= VALUE])", file, ln);
            s->by_trainee = true;
            w->path = *s->entity != '\0' ? xasprintf("%s %s", s->entity, s->path) :
                xstrdup(s->path);
            w->value = xstrdup(s->value);
        } else {
            w->path = xstrdup(arg);
        }
        return 0;
    }
    if (strcmp(val, "answer") == 0 && *arg == '\0') {
        w->kind = LESSON_AWAIT_ANSWER;
        return 0;
    }
    return cause_set(cause, "%s:%u: await: expected open-article N, open-screen NAME, "
        "set-fact PATH [= VALUE], see-verdict N or answer", file, ln);
}

static int
parse_expect(struct lesson_step *st, const char *file, unsigned ln, char *val, char **cause)
{
    struct lesson_expect *e;
    char buf[16];
    const char *canon = NULL;
    char *end;
    long n = 0;

    if (strncmp(val, "grade", 5) == 0 && (val[5] == ' ' || val[5] == '\t')) {
        const char *g = str_trim(val + 5);

        if (!((strlen(g) == 1 && g[0] >= 'A' && g[0] <= 'F' && g[0] != 'E') ||
            strcmp(g, "none") == 0))
            return cause_set(cause, "%s:%u: expect: grade takes A, B, C, D, F or none", file,
                ln);
        canon = g;
    } else {
        n = strtol(val, &end, 10);
        end = str_trim(end);
        if (end != val && *end != '\0')
            canon = lesson_answer_canon(end, buf, sizeof buf);
        if (end == val || n < 1 || n > LESSON_NARTICLES || canon == NULL ||
            (canon[0] >= '0' && canon[0] <= '9'))
            return cause_set(cause, "%s:%u: expect: 'ARTICLE OUTCOME' (1-20; pass, fail, "
                "not_applicable, needs_evidence, advisory, waived) or 'grade A-F|none'", file,
                ln);
    }
    st->expects = xreallocarray(st->expects, st->nexpects + 1, sizeof *st->expects);
    e = &st->expects[st->nexpects++];
    e->article = (int)n;
    e->outcome = xstrdup(canon);
    e->line = ln;
    return 0;
}

/* `reading: NAME=ALT` */
static int
parse_reading(struct lesson_step *st, const char *file, unsigned ln, const char *val,
    char **cause)
{
    const char *eq = strchr(val, '=');
    size_t i;

    if (eq == NULL || eq == val || eq[1] == '\0' || strpbrk(val, " \t") != NULL)
        return cause_set(cause, "%s:%u: reading: expected 'NAME=ALT' (a13_scope=literal)",
            file, ln);
    for (i = 0; i < st->nreadings; i++) {
        if (strncmp(st->readings[i], val, (size_t)(eq - val) + 1) == 0)
            return cause_set(cause, "%s:%u: reading: %.*s chosen twice in one step", file, ln,
                (int)(eq - val), val);
    }
    st->readings = xreallocarray(st->readings, st->nreadings + 1, sizeof *st->readings);
    st->readings[st->nreadings++] = xstrdup(val);
    return 0;
}

/* One logical line (key: value) at line `ln`; 0 or -1 with *cause. */
static int
lesson_line(struct lesson *l, const char *file, unsigned ln, char *line, char **cause)
{
    char *colon = strchr(line, ':'), *key, *val;
    struct lesson_step *st = l->nsteps > 0 ? &l->steps[l->nsteps - 1] : NULL;

    if (colon == NULL)
        return cause_set(cause, "%s:%u: expected 'key: value'", file, ln);
    *colon = '\0';
    key = str_trim(line);
    val = str_trim(colon + 1);
    if (strcmp(key, "title") == 0 || strcmp(key, "goal") == 0) {
        char **dst = key[0] == 't' ? &l->title : &l->goal;

        if (st != NULL)
            return cause_set(cause, "%s:%u: '%s' after the first 'step:'", file, ln, key);
        if (*val == '\0')
            return cause_set(cause, "%s:%u: %s: empty", file, ln, key);
        free(*dst);
        *dst = xstrdup(val);
        if (key[0] == 'g')
            l->format = 2;
        return 0;
    }
    if (strcmp(key, "articles") == 0) {
        if (st != NULL)
            return cause_set(cause, "%s:%u: 'articles' after the first 'step:'", file, ln);
        l->format = 2;
        return parse_articles(l, file, ln, val, cause);
    }
    if (strcmp(key, "scenario") == 0) {
        char *dir = xstrdup(file), *slash = strrchr(dir, '/');

        if (*val == '\0') {
            free(dir);
            return cause_set(cause, "%s:%u: scenario: empty", file, ln);
        }
        if (slash != NULL)
            *slash = '\0';
        free(l->scenario);
        l->scenario = slash != NULL && val[0] != '/' ? path_join(dir, val) : xstrdup(val);
        l->scenario_line = ln;
        free(dir);
        return 0;
    }
    if (strcmp(key, "step") == 0) {
        l->steps = xreallocarray(l->steps, l->nsteps + 1, sizeof *l->steps);
        st = &l->steps[l->nsteps++];
        memset(st, 0, sizeof *st);
        st->line = ln;
        if (step_text(st, val) != 0)
            return cause_set(cause, "%s:%u: step: '[[' and ']]' do not pair up", file, ln);
        if (st->hides)
            l->format = 2;
        return 0;
    }
    if (st == NULL) {
        static const char *const step_keys[] = { "set", "await", "expect", "reading", "quiz",
            "answer", "explain", NULL };
        size_t i;

        for (i = 0; step_keys[i] != NULL; i++) {
            if (strcmp(key, step_keys[i]) == 0)
                return cause_set(cause, "%s:%u: '%s' before the first 'step:'", file, ln, key);
        }
        return bad_key(cause, file, ln, key);
    }
    if (strcmp(key, "set") == 0) {
        if (parse_set(st, val, ln) == NULL)
            return cause_set(cause, "%s:%u: set: expected 'KIND[:ID].PATH = VALUE'", file, ln);
        return 0;
    }
    if (strcmp(key, "await") == 0) {
        l->format = 2;
        return parse_await(st, file, ln, val, cause);
    }
    if (strcmp(key, "expect") == 0)
        return parse_expect(st, file, ln, val, cause);
    if (strcmp(key, "reading") == 0) {
        l->format = 2;
        return parse_reading(st, file, ln, val, cause);
    }
    if (strcmp(key, "quiz") == 0 || strcmp(key, "answer") == 0 || strcmp(key, "explain") == 0) {
        char **dst = key[0] == 'q' ? &st->quiz : key[1] == 'n' ? &st->answer : &st->explain;
        char buf[16];

        if (*dst != NULL)
            return cause_set(cause, "%s:%u: a second '%s' in one step", file, ln, key);
        if (*val == '\0')
            return cause_set(cause, "%s:%u: %s: empty", file, ln, key);
        if (key[1] == 'n' && lesson_answer_canon(val, buf, sizeof buf) == NULL)
            return cause_set(cause, "%s:%u: answer: '%s' is neither an outcome (pass, fail, "
                "needs evidence, n/a, ...) nor an article (1-20)", file, ln, val);
        if (key[0] == 'e')
            l->format = 2;
        *dst = xstrdup(val);
        return 0;
    }
    return bad_key(cause, file, ln, key);
}

/* The checks that need the whole step or lesson; 0 or -1 with *cause. */
static int
lesson_validate(struct lesson *l, const char *file, char **cause)
{
    size_t i, j, k;

    if (l->title == NULL)
        return cause_set(cause, "%s: no 'title:'", file);
    if (l->scenario == NULL)
        return cause_set(cause, "%s: no 'scenario:'", file);
    if (l->nsteps == 0)
        return cause_set(cause, "%s: no 'step:'", file);
    for (i = 0; i < l->nsteps; i++) {
        struct lesson_step *st = &l->steps[i];
        char buf[16];
        const char *a;

        if ((st->quiz == NULL) != (st->answer == NULL))
            return cause_set(cause, "%s:%u: a quiz needs an answer and an answer a quiz", file,
                st->line);
        if (st->explain != NULL && st->quiz == NULL)
            return cause_set(cause, "%s:%u: 'explain' explains a quiz answer: this step has "
                "no quiz", file, st->line);
        if (st->await.kind == LESSON_AWAIT_ANSWER && st->quiz == NULL)
            return cause_set(cause, "%s:%u: 'await: answer' without a quiz", file, st->line);
        if (st->await.kind == LESSON_AWAIT_NONE && st->quiz != NULL)
            st->await.kind = LESSON_AWAIT_ANSWER;
        if (st->answer == NULL)
            continue;
        /* the answer is a claim the step's expects check */
        a = lesson_answer_canon(st->answer, buf, sizeof buf);
        for (j = 0; j < st->nexpects; j++) {
            const struct lesson_expect *e = &st->expects[j];

            if (e->article != 0 && ((a[0] >= '0' && a[0] <= '9') ? e->article == atoi(a) :
                strcmp(e->outcome, a) == 0))
                break;
        }
        if (j == st->nexpects)
            return cause_set(cause, "%s:%u: answer '%s' is not checked: no 'expect:' of this "
                "step has %s %s", file, st->line, st->answer,
                (a[0] >= '0' && a[0] <= '9') ? "Art." : "the outcome", a);
    }
    /* every article the lesson says it covers is a claim of some step */
    for (k = 0; k < l->narticles; k++) {
        bool found = false;

        for (i = 0; i < l->nsteps && !found; i++) {
            for (j = 0; j < l->steps[i].nexpects && !found; j++)
                found = l->steps[i].expects[j].article == l->articles[k];
        }
        if (!found)
            return cause_set(cause, "%s: articles: Art. %d is listed but no 'expect:' checks "
                "it", file, l->articles[k]);
    }
    return 0;
}

struct lesson *
lesson_parse(const char *file, const char *text, char **cause)
{
    struct lesson *l = xcalloc(1, sizeof *l);
    struct strbuf sb;
    const char *p = text;
    unsigned ln = 0, start = 0;

    l->file = xstrdup(file);
    l->format = 1;
    strbuf_init(&sb);
    while (*p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
        bool cont;

        ln++;
        if (sb.len == 0)
            start = ln;
        while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' '))
            n--;
        cont = n > 0 && p[n - 1] == '\\';
        if (sb.len == 0 && (n == 0 || p[strspn(p, " \t")] == '#')) {
            p = nl != NULL ? nl + 1 : p + strlen(p);
            continue;
        }
        if (sb.len > 0) {
            /* a continuation line: its indentation is not part of the text */
            size_t skip = strspn(p, " \t");

            p += FA_MIN(skip, n);
            n -= FA_MIN(skip, n);
        }
        strbuf_add(&sb, p, cont ? n - 1 : n);
        p = nl != NULL ? nl + 1 : p + strlen(p);
        if (cont) {
            while (sb.len > 0 && (sb.buf[sb.len - 1] == ' ' || sb.buf[sb.len - 1] == '\t'))
                sb.buf[--sb.len] = '\0';
            strbuf_putc(&sb, ' ');
            continue;
        }
        if (lesson_line(l, file, start, sb.buf, cause) != 0)
            goto fail;
        strbuf_reset(&sb);
    }
    if (sb.len > 0 && lesson_line(l, file, start, sb.buf, cause) != 0)
        goto fail;
    strbuf_done(&sb);
    if (lesson_validate(l, file, cause) != 0) {
        lesson_free(l);
        return NULL;
    }
    return l;
fail:
    strbuf_done(&sb);
    lesson_free(l);
    return NULL;
}

struct lesson *
lesson_load(const char *path, char **cause)
{
    char *text = fs_read_file(path, LESSON_MAX_BYTES, NULL, cause);
    struct lesson *l;

    if (text == NULL)
        return NULL;
    l = lesson_parse(path, text, cause);
    free(text);
    return l;
}
