/* SPDX-License-Identifier: MIT */
/*
 * tui_lesson.c - a trainer lesson's steps replayed on the what-if session
 * (app_whatif.h): each step's sets are one change with one audit (the
 * parser is src/app/app_lesson.c).
 */
#include "config.h"

#include "tui_lesson.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "faceaudit/app_whatif.h"

/* The fact path of a lesson's set line ("KIND:ID PATH" for the old spelling); allocated. */
static char *
set_ref(const struct lesson_set *s)
{
    return *s->entity != '\0' ? xasprintf("%s %s", s->entity, s->path) : xstrdup(s->path);
}

/*
 * The set lines of steps k0..k1 as one change, then one audit. base: the
 * steps before the one shown, every line (the trainee's included), part of
 * the scenario as the lesson stands (no history). Else step k1's lines,
 * only the trainee's `await: set-fact` ones (trainee) or only the others,
 * through the history. A bad line is named by file and line, a refusal by
 * the step's line.
 */
static int
step_sets(struct app_whatif *w, const struct lesson *l, size_t k0, size_t k1, bool base,
    bool trainee, char **cause)
{
    struct app_whatif_change *c;
    char **refs;
    unsigned *line;
    size_t i, j, n = 0, max = 1;
    int rc;

    for (i = k0; i <= k1; i++)
        max += l->steps[i].nsets;
    c = xcalloc(max, sizeof *c);
    refs = xcalloc(max, sizeof *refs);
    line = xcalloc(max, sizeof *line);
    for (i = k0; i <= k1; i++) {
        for (j = 0; j < l->steps[i].nsets; j++) {
            const struct lesson_set *st = &l->steps[i].sets[j];

            if (!base && st->by_trainee != trainee)
                continue;
            c[n].ref = refs[n] = set_ref(st);
            c[n].value = st->value;
            line[n++] = st->line;
        }
    }
    rc = n == 0 && !base ? 0 : app_whatif_set_many(w, c, n, base ? APP_WHATIF_BASE : 0, cause);
    if (rc != 0 && cause != NULL && *cause != NULL) {
        unsigned at = l->steps[k1].line;

        if (strncmp(*cause, "refused: ", 9) != 0) {
            /* "change N: ..." names the line */
            if (n > 1 && strncmp(*cause, "change ", 7) == 0) {
                size_t x = strtoul(*cause + 7, NULL, 10);
                char *colon = strchr(*cause, ':');

                if (x >= 1 && x <= n && colon != NULL) {
                    char *rest = xstrdup(colon[1] == ' ' ? colon + 2 : colon + 1);

                    free(*cause);
                    *cause = rest;
                    at = line[x - 1];
                }
            } else if (n == 1)
                at = line[0];
            cause_prefix(cause, "set");
        }
        cause_prefix(cause, "%s:%u", l->file, at);
    }
    for (j = 0; j < n; j++)
        free(refs[j]);
    free(refs);
    free(c);
    free(line);
    return rc;
}

/* Every reading back to literal, then those chosen by steps 0..k (k = SIZE_MAX: none). */
static int
lesson_readings(struct app_whatif *w, const struct lesson *l, size_t k, char **cause)
{
    size_t i, j;

    if (app_whatif_literal_readings(w, cause) != 0)
        return -1;
    for (i = 0; k != SIZE_MAX && i <= k && i < l->nsteps; i++) {
        for (j = 0; j < l->steps[i].nreadings; j++) {
            if (app_whatif_select_reading(w, l->steps[i].readings[j], cause) != 0) {
                cause_prefix(cause, "%s:%u", l->file, l->steps[i].line);
                return -1;
            }
        }
    }
    return 0;
}

int
tui_lesson_goto(struct app_whatif *w, const struct lesson *l, size_t k, char **cause)
{
    if (k >= l->nsteps)
        return cause_set(cause, "%s: no step %zu", l->file, k + 1);
    if (lesson_readings(w, l, k, cause) != 0)
        return -1;
    if (app_whatif_open(w, l->scenario, false, cause) != 0)
        return -1;
    /* the steps before: the scenario as the lesson stands, one audit */
    if (k > 0 && step_sets(w, l, 0, k - 1, true, false, cause) != 0)
        return -1;
    /* the step's own sets: one change, one contradiction check, one audit, one undo step */
    return step_sets(w, l, k, k, false, false, cause);
}

int
tui_lesson_apply_trainee(struct app_whatif *w, const struct lesson *l, size_t k,
    char **cause)
{
    if (k >= l->nsteps)
        return 0;
    return step_sets(w, l, k, k, false, true, cause);
}

/* Equal ignoring blanks ("[a, b]" and "[a,b]"). */
static bool
same_value(const char *a, const char *b)
{
    for (;;) {
        while (*a == ' ' || *a == '\t')
            a++;
        while (*b == ' ' || *b == '\t')
            b++;
        if (*a != *b)
            return false;
        if (*a == '\0')
            return true;
        a++;
        b++;
    }
}

int
tui_lesson_await_fact(const struct app_whatif *w, const struct lesson *l, size_t k)
{
    const struct lesson_await *aw;
    char *text;
    int met;

    if (k >= l->nsteps || !app_whatif_is_open(w))
        return -1;
    aw = &l->steps[k].await;
    if (aw->kind != LESSON_AWAIT_SET_FACT || (text = app_whatif_fact_text(w, aw->path)) == NULL)
        return -1;
    if (aw->value == NULL)
        met = app_whatif_edited(w, aw->path);
    else
        met = same_value(text, aw->value);  /* an unknown fact reads "unknown" */
    free(text);
    return met;
}

size_t
tui_lesson_check_step(const struct app_whatif *w, const struct lesson *l, size_t k,
    struct strbuf *log)
{
    const struct lesson_step *st = &l->steps[k];
    size_t i, bad = 0;

    for (i = 0; i < st->nexpects; i++) {
        const struct lesson_expect *e = &st->expects[i];
        const char *got = e->article == 0 ? app_whatif_grade_name(w) :
            app_whatif_outcome_name(w, e->article);

        if (strcmp(got, e->outcome) != 0) {
            bad++;
            if (log != NULL && e->article == 0)
                strbuf_printf(log, "%s:%u: step %zu expects grade %s, the audit says %s\n",
                    l->file, st->line, k + 1, e->outcome, got);
            else if (log != NULL)
                strbuf_printf(log, "%s:%u: step %zu expects Art. %d %s, the audit says %s\n",
                    l->file, st->line, k + 1, e->article, e->outcome, got);
        }
    }
    return bad;
}
