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
    size_t i, j;

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
    for (j = 0; j < l->steps[k].nsets; j++) {
        if (l->steps[k].sets[j].by_trainee)
            continue;
        if (lesson_set(m, &l->steps[k].sets[j], true, cause) != 0) {
            cause_prefix(cause, "%s:%u", l->file, l->steps[k].sets[j].line);
            return -1;
        }
    }
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
