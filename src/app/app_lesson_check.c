/* SPDX-License-Identifier: MIT */
/*
 * app_lesson_check.c - `faceaudit lesson check`: every claim of a lesson
 * (its `expect:` lines) against the real audit, step by step.
 */
#include "config.h"

#include "faceaudit/lesson.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/app.h"
#include "faceaudit/log.h"
#include "faceaudit/rule.h"
#include "faceaudit/scenario.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

/* Apply one set line to the scenario; -1 with *cause naming the line. */
static int
check_set(struct scenario *sc, const struct lesson *l, const struct lesson_set *s, char **cause)
{
    struct scenario_ref ref;
    char *text = *s->entity != '\0' ? xasprintf("%s %s", s->entity, s->path) :
        xstrdup(s->path);
    int rc = scenario_ref_parse(sc, text, &ref, NULL, cause);

    free(text);
    if (rc == 0)
        rc = scenario_set(ref.entity, ref.def->path, s->value, cause);
    if (rc != 0)
        cause_prefix(cause, "%s:%u: %s", l->file, s->line, s->by_trainee ? "await" : "set");
    return rc;
}

/*
 * Readings back to literal, then those chosen up to step k (a later choice
 * wins); k = SIZE_MAX: literal only.
 */
static int
check_readings(struct rule_pack *pack, const struct lesson *l, size_t k, char **cause)
{
    size_t i, j, n = rule_pack_nreadings(pack);

    for (i = 0; i < n; i++) {
        struct rule_reading r;
        char *spec;
        int rc;

        rule_pack_reading(pack, i, &r);
        spec = xasprintf("%s=literal", r.name);
        rc = rule_pack_select_reading(pack, spec, cause);
        free(spec);
        if (rc != 0)
            return -1;
    }
    for (i = 0; k != SIZE_MAX && i <= k && i < l->nsteps; i++) {
        for (j = 0; j < l->steps[i].nreadings; j++) {
            if (rule_pack_select_reading(pack, l->steps[i].readings[j], cause) != 0) {
                cause_prefix(cause, "%s:%u: reading", l->file, l->steps[i].line);
                return -1;
            }
        }
    }
    return 0;
}

int
app_lesson_check(struct app *a, const struct lesson *l, struct rule_pack *pack,
    struct calendar *cal, struct strbuf *log, char **cause)
{
    struct scenario *sc = scenario_load(l->scenario, 0, cause);
    size_t k, i;
    int bad = 0;

    if (sc == NULL) {
        cause_prefix(cause, "%s: scenario", l->file);
        return -1;
    }
    for (k = 0; k < l->nsteps; k++) {
        const struct lesson_step *st = &l->steps[k];
        struct app_audit_params p;
        struct app_audit_result *r;

        for (i = 0; i < st->nsets; i++) {
            if (check_set(sc, l, &st->sets[i], cause) != 0)
                goto fail;
        }
        if (check_readings(pack, l, k, cause) != 0)
            goto fail;
        app_audit_params_default(&p);
        p.pack = pack;
        p.cal = cal;
        p.scenario = sc;
        p.save = false;
        if ((r = app_audit(a, &p, cause)) == NULL) {
            cause_prefix(cause, "%s:%u: step %zu", l->file, st->line, k + 1);
            goto fail;
        }
        for (i = 0; i < st->nexpects; i++) {
            const struct lesson_expect *e = &st->expects[i];
            char grade[2] = { r->res->grade, '\0' };
            const char *got = e->article == 0 ?
                (r->res->no_score != NULL ? "none" : grade) :
                rule_outcome_name(r->res->articles[e->article - 1].outcome);

            if (strcmp(got, e->outcome) == 0)
                continue;
            bad++;
            if (e->article == 0)
                strbuf_printf(log, "%s:%u: step %zu: grade: expected %s, the audit says %s\n",
                    l->file, st->line, k + 1, e->outcome, got);
            else
                strbuf_printf(log, "%s:%u: step %zu: Art. %d: expected %s, the audit says %s\n",
                    l->file, st->line, k + 1, e->article, e->outcome, got);
        }
        app_audit_result_free(r);
    }
    scenario_free(sc);
    check_readings(pack, l, SIZE_MAX, NULL);
    return bad;
fail:
    scenario_free(sc);
    check_readings(pack, l, SIZE_MAX, NULL);
    return -1;
}
