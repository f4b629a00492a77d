/* SPDX-License-Identifier: MIT */
/*
 * tui_lesson.c - the trainer lesson script parser (format in tui_lesson.h).
 */
#include "config.h"

#include "tui_lesson.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/compat.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "faceaudit/rule.h"
#include "faceaudit/scenario.h"
#include "tui_model.h"

#define LESSON_MAX_BYTES (256 * 1024)

static const char *const outcome_names[] = {
    "pass", "fail", "not_applicable", "needs_evidence", "advisory", "waived", NULL
};

void
tui_lesson_free(struct tui_lesson *l)
{
    size_t i, j;

    if (l == NULL)
        return;
    for (i = 0; i < l->nsteps; i++) {
        struct tui_lesson_step *s = &l->steps[i];

        for (j = 0; j < s->nsets; j++) {
            free(s->sets[j].entity);
            free(s->sets[j].path);
            free(s->sets[j].value);
        }
        for (j = 0; j < s->nexpects; j++)
            free(s->expects[j].outcome);
        free(s->sets);
        free(s->expects);
        free(s->text);
        free(s->quiz);
        free(s->answer);
        free(s->goal.fact);
        free(s->goal.outcome);
    }
    free(l->steps);
    free(l->file);
    free(l->title);
    free(l->scenario);
    free(l);
}

static bool
valid_outcome(const char *s)
{
    size_t i;

    for (i = 0; outcome_names[i] != NULL; i++) {
        if (strcmp(outcome_names[i], s) == 0)
            return true;
    }
    return false;
}

/* One logical line (key: value) at line `ln`; 0 or -1 with *cause. */
static int
lesson_line(struct tui_lesson *l, const char *file, unsigned ln, char *line, char **cause)
{
    char *colon = strchr(line, ':'), *key, *val;
    struct tui_lesson_step *st = l->nsteps > 0 ? &l->steps[l->nsteps - 1] : NULL;

    if (colon == NULL)
        return cause_set(cause, "%s:%u: expected 'key: value'", file, ln);
    *colon = '\0';
    key = str_trim(line);
    val = str_trim(colon + 1);
    if (strcmp(key, "title") == 0) {
        free(l->title);
        l->title = xstrdup(val);
        return 0;
    }
    if (strcmp(key, "scenario") == 0) {
        char *dir = xstrdup(file), *slash = strrchr(dir, '/');

        if (slash != NULL)
            *slash = '\0';
        free(l->scenario);
        l->scenario = slash != NULL && val[0] != '/' ? path_join(dir, val) : xstrdup(val);
        free(dir);
        return 0;
    }
    if (strcmp(key, "step") == 0) {
        l->steps = xreallocarray(l->steps, l->nsteps + 1, sizeof *l->steps);
        st = &l->steps[l->nsteps++];
        memset(st, 0, sizeof *st);
        st->text = xstrdup(val);
        st->line = ln;
        return 0;
    }
    if (st == NULL)
        return cause_set(cause, "%s:%u: '%s' before the first 'step:'", file, ln, key);
    if (strcmp(key, "set") == 0) {
        char *eq = strchr(val, '='), *sp;
        struct tui_lesson_set *s;

        if (eq == NULL)
            return cause_set(cause, "%s:%u: set: expected 'KIND[:ID].PATH = VALUE'", file, ln);
        *eq = '\0';
        val = str_trim(val);
        if (*val == '\0')
            return cause_set(cause, "%s:%u: set: expected 'KIND[:ID].PATH = VALUE'", file, ln);
        /* a fact path (scenario.h FACT PATHS), or the old 'ENTITY PATH' */
        sp = strchr(val, ' ');
        if (sp != NULL)
            *sp = '\0';
        st->sets = xreallocarray(st->sets, st->nsets + 1, sizeof *st->sets);
        s = &st->sets[st->nsets++];
        s->entity = xstrdup(sp != NULL ? val : "");
        s->path = xstrdup(sp != NULL ? str_trim(sp + 1) : val);
        s->value = xstrdup(str_trim(eq + 1));
        return 0;
    }
    if (strcmp(key, "expect") == 0) {
        char *end;
        long n = strtol(val, &end, 10);
        struct tui_lesson_expect *e;

        end = str_trim(end);
        if (end == val || n < 1 || n > RULE_NARTICLES || !valid_outcome(end))
            return cause_set(cause, "%s:%u: expect: 'ARTICLE OUTCOME' (1-20; pass, fail, "
                "not_applicable, needs_evidence, advisory, waived)", file, ln);
        st->expects = xreallocarray(st->expects, st->nexpects + 1, sizeof *st->expects);
        e = &st->expects[st->nexpects++];
        e->article = (int)n;
        e->outcome = xstrdup(end);
        return 0;
    }
    if (strcmp(key, "goal") == 0) {
        char *arg = val + strcspn(val, " "), *end;
        long n;

        if (*arg != '\0')
            *arg++ = '\0';
        arg = str_trim(arg);
        free(st->goal.fact);
        free(st->goal.outcome);
        memset(&st->goal, 0, sizeof st->goal);
        if (strcmp(val, "change") == 0 && *arg != '\0' && strchr(arg, ' ') == NULL) {
            st->goal.kind = TUI_GOAL_CHANGE;
            st->goal.fact = xstrdup(arg);
            return 0;
        }
        n = strtol(arg, &end, 10);
        end = str_trim(end);
        if (strcmp(val, "open") == 0 && end != arg && *end == '\0' && n >= 1 &&
            n <= RULE_NARTICLES) {
            st->goal.kind = TUI_GOAL_OPEN;
            st->goal.article = (int)n;
            return 0;
        }
        if (strcmp(val, "see") == 0 && end != arg && n >= 1 && n <= RULE_NARTICLES &&
            valid_outcome(end)) {
            st->goal.kind = TUI_GOAL_SEE;
            st->goal.article = (int)n;
            st->goal.outcome = xstrdup(end);
            return 0;
        }
        return cause_set(cause, "%s:%u: goal: 'open ARTICLE', 'change FACT-PATH' or 'see "
            "ARTICLE OUTCOME'", file, ln);
    }
    if (strcmp(key, "quiz") == 0) {
        free(st->quiz);
        st->quiz = xstrdup(val);
        return 0;
    }
    if (strcmp(key, "answer") == 0) {
        free(st->answer);
        st->answer = xstrdup(val);
        return 0;
    }
    {
        static const char *const keys[] = { "title", "scenario", "step", "set", "expect",
            "goal", "quiz", "answer", NULL };
        const char *hint = str_suggest(key, keys);

        return cause_set(cause, "%s:%u: unknown key '%s'%s%s%s", file, ln, key,
            hint != NULL ? " (did you mean '" : "", hint != NULL ? hint : "",
            hint != NULL ? "'?)" : "");
    }
}

struct tui_lesson *
tui_lesson_parse(const char *file, const char *text, char **cause)
{
    struct tui_lesson *l = xcalloc(1, sizeof *l);
    struct strbuf sb;
    const char *p = text;
    unsigned ln = 0, start = 0;
    size_t i;

    l->file = xstrdup(file);
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
    if (l->title == NULL) {
        cause_set(cause, "%s: no 'title:'", file);
        goto fail2;
    }
    if (l->scenario == NULL) {
        cause_set(cause, "%s: no 'scenario:'", file);
        goto fail2;
    }
    if (l->nsteps == 0) {
        cause_set(cause, "%s: no 'step:'", file);
        goto fail2;
    }
    for (i = 0; i < l->nsteps; i++) {
        if ((l->steps[i].quiz == NULL) != (l->steps[i].answer == NULL)) {
            cause_set(cause, "%s:%u: a quiz needs an answer and an answer a quiz", file,
                l->steps[i].line);
            goto fail2;
        }
    }
    return l;
fail:
    strbuf_done(&sb);
fail2:
    tui_lesson_free(l);
    return NULL;
}

struct tui_lesson *
tui_lesson_load(const char *path, char **cause)
{
    char *text = fs_read_file(path, LESSON_MAX_BYTES, NULL, cause);
    struct tui_lesson *l;

    if (text == NULL)
        return NULL;
    l = tui_lesson_parse(path, text, cause);
    free(text);
    return l;
}

/* Apply one set line of a lesson, through the history when record is true. */
static int
lesson_set(struct tui_model *m, const struct tui_lesson_set *s, bool record, char **cause)
{
    struct scenario_ref ref;
    char *text = *s->entity != '\0' ? xasprintf("%s %s", s->entity, s->path) :
        xstrdup(s->path);
    int rc = scenario_ref_parse(m->sc, text, &ref, NULL, cause);

    free(text);
    if (rc != 0) {
        cause_prefix(cause, "set");
        return -1;
    }
    if (record)
        return tui_model_set(m, ref.entity, ref.def->path, s->value, cause);
    return scenario_set(ref.entity, ref.def->path, s->value, cause);
}

int
tui_lesson_goto(struct tui_model *m, const struct tui_lesson *l, size_t k, char **cause)
{
    size_t i, j;

    if (k >= l->nsteps)
        return cause_set(cause, "%s: no step %zu", l->file, k + 1);
    if (tui_model_load(m, l->scenario, false, cause) != 0)
        return -1;
    for (i = 0; i < k; i++) {
        for (j = 0; j < l->steps[i].nsets; j++) {
            if (lesson_set(m, &l->steps[i].sets[j], false, cause) != 0) {
                cause_prefix(cause, "%s:%u", l->file, l->steps[i].line);
                return -1;
            }
        }
    }
    if (k > 0 && tui_model_reaudit(m, FA_DATE_NONE, cause) != 0)
        return -1;
    for (j = 0; j < l->steps[k].nsets; j++) {
        if (lesson_set(m, &l->steps[k].sets[j], true, cause) != 0) {
            cause_prefix(cause, "%s:%u", l->file, l->steps[k].line);
            return -1;
        }
    }
    return 0;
}

size_t
tui_lesson_check_step(const struct tui_model *m, const struct tui_lesson *l, size_t k,
    struct strbuf *log)
{
    const struct tui_lesson_step *st = &l->steps[k];
    size_t i, bad = 0;

    for (i = 0; i < st->nexpects; i++) {
        const char *got = rule_outcome_name(m->res->articles[st->expects[i].article - 1].outcome);

        if (strcmp(got, st->expects[i].outcome) != 0) {
            bad++;
            if (log != NULL)
                strbuf_printf(log, "%s:%u: step %zu expects Art. %d %s, the audit says %s\n",
                    l->file, st->line, k + 1, st->expects[i].article, st->expects[i].outcome,
                    got);
        }
    }
    return bad;
}

char *
tui_lesson_step_text(const struct tui_lesson_step *st, int quiz)
{
    struct strbuf sb;
    const char *p = st->text, *open, *close;

    strbuf_init(&sb);
    while ((open = strstr(p, "[[")) != NULL && (close = strstr(open + 2, "]]")) != NULL) {
        strbuf_add(&sb, p, (size_t)(open - p));
        if (!quiz)
            strbuf_add(&sb, open + 2, (size_t)(close - open - 2));
        p = close + 2;
    }
    strbuf_puts(&sb, p);
    {
        /* hidden sentences leave no double blanks */
        char *s = strbuf_detach(&sb), *r = s, *w = s;

        for (; *r != '\0'; r++) {
            if (*r == ' ' && (w == s || w[-1] == ' '))
                continue;
            *w++ = *r;
        }
        while (w > s && w[-1] == ' ')
            w--;
        *w = '\0';
        return s;
    }
}
