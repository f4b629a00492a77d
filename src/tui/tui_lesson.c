/* SPDX-License-Identifier: MIT */
/*
 * tui_lesson.c - a trainer lesson's steps replayed on the workbench model
 * (the parser is src/app/app_lesson.c).
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
#include "faceaudit/rule.h"
#include "faceaudit/scenario.h"
#include "tui_model.h"

/* Apply one set line of a lesson, through the history when record is true. */
static int
lesson_set(struct tui_model *m, const struct lesson_set *s, bool record, char **cause)
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

/* Every reading back to literal, then those chosen by steps 0..k (k = SIZE_MAX: none). */
static int
lesson_readings(struct tui_model *m, const struct lesson *l, size_t k, char **cause)
{
    size_t i, j, n = rule_pack_nreadings(m->pack);

    for (i = 0; i < n; i++) {
        struct rule_reading r;
        char *spec;
        int rc;

        rule_pack_reading(m->pack, i, &r);
        if (r.literal)
            continue;
        spec = xasprintf("%s=literal", r.name);
        rc = rule_pack_select_reading(m->pack, spec, cause);
        free(spec);
        if (rc != 0)
            return -1;
    }
    for (i = 0; k != SIZE_MAX && i <= k && i < l->nsteps; i++) {
        for (j = 0; j < l->steps[i].nreadings; j++) {
            if (rule_pack_select_reading(m->pack, l->steps[i].readings[j], cause) != 0) {
                cause_prefix(cause, "%s:%u", l->file, l->steps[i].line);
                return -1;
            }
        }
    }
    return 0;
}

int
tui_lesson_goto(struct tui_model *m, const struct lesson *l, size_t k, char **cause)
{
    size_t i, j, before;
    char *why = NULL;

    if (k >= l->nsteps)
        return cause_set(cause, "%s: no step %zu", l->file, k + 1);
    if (lesson_readings(m, l, k, cause) != 0)
        return -1;
    if (tui_model_load(m, l->scenario, false, cause) != 0)
        return -1;
    for (i = 0; i < k; i++) {
        for (j = 0; j < l->steps[i].nsets; j++) {
            if (lesson_set(m, &l->steps[i].sets[j], false, cause) != 0) {
                cause_prefix(cause, "%s:%u", l->file, l->steps[i].sets[j].line);
                return -1;
            }
        }
    }
    if (k > 0 && tui_model_reaudit(m, FA_DATE_NONE, cause) != 0)
        return -1;
    /* the step's sets are one change: contradictions are judged after the last */
    before = tui_model_errors(m, NULL);
    m->batch = true;
    for (j = 0; j < l->steps[k].nsets; j++) {
        if (l->steps[k].sets[j].by_trainee)
            continue;
        if (lesson_set(m, &l->steps[k].sets[j], true, cause) != 0) {
            m->batch = false;
            cause_prefix(cause, "%s:%u", l->file, l->steps[k].sets[j].line);
            return -1;
        }
    }
    m->batch = false;
    if (tui_model_errors(m, &why) > before) {
        cause_set(cause, "%s:%u: refused: %s", l->file, l->steps[k].line, why);
        free(why);
        return -1;
    }
    free(why);
    return 0;
}

int
tui_lesson_apply_trainee(struct tui_model *m, const struct lesson *l, size_t k, char **cause)
{
    size_t j;

    for (j = 0; k < l->nsteps && j < l->steps[k].nsets; j++) {
        if (!l->steps[k].sets[j].by_trainee)
            continue;
        if (lesson_set(m, &l->steps[k].sets[j], true, cause) != 0) {
            cause_prefix(cause, "%s:%u", l->file, l->steps[k].sets[j].line);
            return -1;
        }
    }
    return 0;
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
tui_lesson_await_fact(const struct tui_model *m, const struct lesson *l, size_t k)
{
    const struct lesson_await *w;
    struct scenario_ref ref;
    struct fact_value fv;
    char *text;
    bool met;
    size_t i;

    if (k >= l->nsteps || m->sc == NULL)
        return -1;
    w = &l->steps[k].await;
    if (w->kind != LESSON_AWAIT_SET_FACT || scenario_ref_parse(m->sc, w->path, &ref, NULL,
        NULL) != 0)
        return -1;
    if (w->value == NULL) {
        for (i = 0; i < m->undo.len; i++) {
            const struct tui_edit *ed = m->undo.items[i];

            if (ed->kind == scenario_entity_kind(ref.entity) &&
                strcmp(ed->id, scenario_entity_id(ref.entity)) == 0 &&
                strcmp(ed->path, ref.def->path) == 0)
                return 1;
        }
        return 0;
    }
    scenario_get_fact(ref.entity, ref.def, &fv);
    if (fv.state == FACT_UNKNOWN)
        return strcmp(w->value, "unknown") == 0;
    if (fv.state != FACT_KNOWN)
        return 0;
    text = scenario_value_format(&fv);
    met = same_value(text, w->value);
    free(text);
    return met;
}

size_t
tui_lesson_check_step(const struct tui_model *m, const struct lesson *l, size_t k,
    struct strbuf *log)
{
    const struct lesson_step *st = &l->steps[k];
    size_t i, bad = 0;

    for (i = 0; i < st->nexpects; i++) {
        const struct lesson_expect *e = &st->expects[i];
        char grade[2] = { m->res->grade, '\0' };
        const char *got = e->article == 0 ? (m->res->no_score != NULL ? "none" : grade) :
            rule_outcome_name(m->res->articles[e->article - 1].outcome);

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
