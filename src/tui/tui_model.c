/* SPDX-License-Identifier: MIT */
/*
 * tui_model.c - the audit workbench behind the board, article detail and
 * fact editor (no curses here): loading a scenario with the rule pack and
 * calendar, re-auditing after every edit, the undo/redo history, saving,
 * and the plain-text rows those screens paint (unit-tested in check_tui.c).
 */
#include "config.h"

#include "tui_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/app.h"
#include "faceaudit/calendar.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "tui_int.h"
#include "tui_text.h"

static const char *const outcome_symbol[RULE_NOUTCOMES] = {
    "✓", "✗", "–", "?", "!", "~"
};
static const char *const outcome_label[RULE_NOUTCOMES] = {
    "pass", "FAIL", "n/a", "evidence?", "advisory", "waived"
};

const char *
tui_outcome_symbol(enum rule_outcome o)
{
    return (unsigned)o < RULE_NOUTCOMES ? outcome_symbol[o] : " ";
}

const char *
tui_outcome_label(enum rule_outcome o)
{
    return (unsigned)o < RULE_NOUTCOMES ? outcome_label[o] : "";
}

static void
edit_free(void *p)
{
    struct tui_edit *e = p;

    if (e == NULL)
        return;
    free(e->id);
    free(e->path);
    free(e->old_text);
    free(e->new_text);
    free(e);
}

struct tui_model *
tui_model_new(const char *rules_dir, char **cause)
{
    struct tui_model *m = xcalloc(1, sizeof *m);
    struct strbuf sb;
    int i;

    vec_init(&m->undo, edit_free);
    vec_init(&m->redo, edit_free);
    if (rule_pack_load_with_calendar(rules_dir, &m->pack, &m->cal, cause) == -1) {
        tui_model_free(m);
        return NULL;
    }
    /* The canonical text of every article: remedies are read from it (rule.h has no accessor). */
    strbuf_init(&sb);
    for (i = 1; i <= RULE_NARTICLES; i++) {
        char *a = rule_pack_format_article(m->pack, i);

        if (a != NULL)
            strbuf_puts(&sb, a);
        free(a);
    }
    m->remedies = strbuf_detach(&sb);
    return m;
}

void
tui_model_free(struct tui_model *m)
{
    if (m == NULL)
        return;
    audit_result_free(m->res);
    audit_result_free(m->prev);
    scenario_free(m->sc);
    calendar_free(m->cal);
    rule_pack_free(m->pack);
    vec_done(&m->undo);
    vec_done(&m->redo);
    free(m->path);
    free(m->last_change);
    free(m->remedies);
    free(m);
}

/* Audit the model through the app layer (stored when save and the model has a session). */
static int
model_audit(struct tui_model *m, fa_date as_of, bool save, char **cause)
{
    struct app_audit_params p;
    struct app_audit_result *r;
    struct audit_result *res;

    if (m->sc == NULL)
        return cause_set(cause, "no scenario is open");
    app_audit_params_default(&p);
    p.pack = m->pack;
    p.cal = m->cal;
    p.scenario = m->sc;
    p.as_of = as_of;
    p.save = save && m->app != NULL;
    if ((r = app_audit(m->app, &p, cause)) == NULL)
        return -1;
    res = r->res;
    r->res = NULL;
    app_audit_result_free(r);
    m->as_of = res->as_of;
    audit_result_free(m->prev);
    m->prev = m->res;
    m->res = res;
    return 0;
}

int
tui_model_reaudit(struct tui_model *m, fa_date as_of, char **cause)
{
    if (m->sc == NULL)
        return cause_set(cause, "no scenario is open");
    m->as_of_override = as_of != FA_DATE_NONE;
    return model_audit(m, as_of, false, cause);
}

int
tui_model_store(struct tui_model *m, char **cause)
{
    struct audit_result *prev = m->prev;
    int rc;

    if (m->app == NULL)
        return cause_set(cause, "no database");
    /* the same verdict again, stored; the change marks stay as they were */
    m->prev = NULL;
    rc = model_audit(m, m->as_of_override ? m->as_of : FA_DATE_NONE, true, cause);
    audit_result_free(m->prev);
    m->prev = prev;
    return rc;
}

int
tui_model_open(struct tui_model *m, const char *path, char **cause)
{
    return tui_model_load(m, path, true, cause);
}

int
tui_model_load(struct tui_model *m, const char *path, bool save, char **cause)
{
    struct scenario *sc = scenario_load(path, 0, cause), *old;
    struct audit_result *oldres, *oldprev;

    if (sc == NULL)
        return -1;
    old = m->sc;
    oldres = m->res;
    oldprev = m->prev;
    m->sc = sc;
    m->res = m->prev = NULL;
    m->as_of_override = false;
    if (model_audit(m, FA_DATE_NONE, save, cause) != 0) {
        scenario_free(sc);
        m->sc = old;
        m->res = oldres;
        m->prev = oldprev;
        return -1;
    }
    audit_result_free(m->prev);
    m->prev = NULL;
    scenario_free(old);
    audit_result_free(oldres);
    audit_result_free(oldprev);
    free(m->path);
    m->path = xstrdup(path);
    m->generation++;
    vec_clear(&m->undo);
    vec_clear(&m->redo);
    free(m->last_change);
    m->last_change = NULL;
    return 0;
}

/* The entity's own value of a fact (not inherited): state and text. */
void
tui_model_own_value(struct scenario_entity *e, const struct fact_def *def,
    enum fact_state *state, char **text)
{
    struct fact_value fv;

    scenario_get_fact(e, def, &fv);
    if (fv.from != e && fv.state != FACT_ABSENT && def->kind == scenario_entity_kind(e))
        fv.state = FACT_ABSENT; /* inherited from an ancestor: the entity has none */
    *state = fv.state;
    *text = fv.state == FACT_KNOWN ? scenario_value_format(&fv) : NULL;
}

int
tui_model_apply(struct scenario_entity *e, const char *path, enum fact_state state,
    const char *text, char **cause)
{
    switch (state) {
    case FACT_ABSENT:
        return scenario_unset(e, path, cause);
    case FACT_UNKNOWN:
        return scenario_set_unknown(e, path, cause);
    case FACT_KNOWN:
    default:
        return scenario_set(e, path, text, cause);
    }
}

static void
describe(struct tui_model *m, const struct tui_edit *ed, bool undo)
{
    const char *v = undo ? (ed->old_state == FACT_KNOWN ? ed->old_text :
        ed->old_state == FACT_UNKNOWN ? "unknown" : "(inherited)") :
        (ed->new_state == FACT_KNOWN ? ed->new_text :
        ed->new_state == FACT_UNKNOWN ? "unknown" : "(inherited)");

    free(m->last_change);
    /* the fact path of scenario.h: deployment.consent.type, device:gate-1.location */
    if (ed->kind == SCENARIO_DEPLOYMENT)
        m->last_change = xasprintf("%sdeployment.%s = %s", undo ? "undone: " : "", ed->path, v);
    else
        m->last_change = xasprintf("%s%s:%s.%s = %s", undo ? "undone: " : "",
            scenario_kind_name(ed->kind), ed->id, ed->path, v);
}

size_t
tui_model_errors(const struct tui_model *m, char **last)
{
    struct scenario_problem *p = NULL;
    size_t n = 0, i, errors = scenario_validate(m->sc, &p, &n);

    for (i = 0; last != NULL && i < n; i++) {
        if (p[i].level == SCENARIO_ERROR) {
            free(*last);
            *last = xstrdup(p[i].message);
        }
    }
    scenario_problems_free(p, n);
    return errors;
}

int
tui_model_set(struct tui_model *m, struct scenario_entity *e, const char *path,
    const char *text, char **cause)
{
    const struct fact_def *def;
    struct tui_edit *ed;
    const char *hint = NULL;
    char *why = NULL;
    size_t before;

    if ((def = scenario_fact_find(scenario_entity_kind(e), path, &hint)) == NULL)
        return cause_set(cause, "no fact '%s' on a %s%s%s%s", path,
            scenario_kind_name(scenario_entity_kind(e)), hint != NULL ? " (did you mean '" : "",
            hint != NULL ? hint : "", hint != NULL ? "'?)" : "");
    ed = xcalloc(1, sizeof *ed);
    ed->kind = scenario_entity_kind(e);
    ed->id = xstrdup(scenario_entity_id(e));
    ed->path = xstrdup(path);
    tui_model_own_value(e, def, &ed->old_state, &ed->old_text);
    if (text == NULL)
        ed->new_state = FACT_ABSENT;
    else if (strcmp(text, "unknown") == 0)
        ed->new_state = FACT_UNKNOWN;
    else
        ed->new_state = FACT_KNOWN;
    before = tui_model_errors(m, NULL);
    if (tui_model_apply(e, path, ed->new_state, text, cause) != 0) {
        edit_free(ed);
        return -1;
    }
    if (!m->batch && tui_model_errors(m, &why) > before) {
        /* a contradiction: refused with the message `scenario check` gives (both facts) */
        char *c2 = NULL;

        if (tui_model_apply(e, path, ed->old_state, ed->old_text, &c2) != 0)
            free(c2);
        edit_free(ed);
        cause_set(cause, "refused: %s", why);
        free(why);
        return -1;
    }
    free(why);
    if (ed->new_state == FACT_KNOWN) {
        enum fact_state st;

        tui_model_own_value(e, def, &st, &ed->new_text); /* normalised ("yes" -> "true") */
    }
    vec_push(&m->undo, ed);
    vec_clear(&m->redo);
    describe(m, ed, false);
    return tui_model_reaudit(m, m->as_of_override ? m->as_of : FA_DATE_NONE, cause);
}

/* Move the last edit of `from` to `to`, applying its old (undo) or new value. */
static int
replay(struct tui_model *m, struct vec *from, struct vec *to, bool undo, char **cause)
{
    struct tui_edit *ed;
    struct scenario_entity *e;

    if (from->len == 0)
        return 0;
    ed = from->items[from->len - 1];
    if ((e = scenario_find(m->sc, ed->kind, ed->id)) == NULL)
        return cause_set(cause, "%s:%s is gone", scenario_kind_name(ed->kind), ed->id);
    if (tui_model_apply(e, ed->path, undo ? ed->old_state : ed->new_state,
        undo ? ed->old_text : ed->new_text, cause) != 0)
        return -1;
    from->len--;
    vec_push(to, ed);
    describe(m, ed, undo);
    if (tui_model_reaudit(m, m->as_of_override ? m->as_of : FA_DATE_NONE, cause) != 0)
        return -1;
    return 1;
}

int
tui_model_undo(struct tui_model *m, char **cause)
{
    return replay(m, &m->undo, &m->redo, true, cause);
}

int
tui_model_redo(struct tui_model *m, char **cause)
{
    return replay(m, &m->redo, &m->undo, false, cause);
}

int
tui_model_save(struct tui_model *m, const char *path, char **cause)
{
    if (m->sc == NULL)
        return cause_set(cause, "no scenario is open");
    if (*path == '\0')
        return cause_set(cause, "no file name given");
    if (m->path != NULL && strcmp(path, m->path) == 0)
        return cause_set(cause, "save as a new file: the opened scenario %s is kept as it was",
            path);
    return scenario_save(m->sc, path, cause);
}

int
tui_model_article_change(const struct tui_model *m, int number)
{
    enum rule_outcome a, b;

    if (m->prev == NULL || m->res == NULL || number < 1 || number > RULE_NARTICLES)
        return 0;
    a = m->prev->articles[number - 1].outcome;
    b = m->res->articles[number - 1].outcome;
    if (a == b)
        return 0;
    if (b == RULE_FAIL)
        return 1;
    if (a == RULE_FAIL || b == RULE_PASS)
        return -1;
    return 2;
}

/* Append " LABEL Art. a, b" for the articles whose change is `kind`; returns how many. */
static int
change_list(const struct tui_model *m, struct strbuf *sb, int kind, const char *label)
{
    int i, n = 0;

    for (i = 1; i <= RULE_NARTICLES; i++) {
        int c = tui_model_article_change(m, i);

        if (c != kind && !(kind < 0 && c < 0))
            continue;
        if (n++ == 0)
            strbuf_printf(sb, "  %s Art. %d", label, i);
        else
            strbuf_printf(sb, ", %d", i);
    }
    return n;
}

char *
tui_model_change_summary(const struct tui_model *m)
{
    struct strbuf sb;
    int n;

    if (m->prev == NULL || m->res == NULL)
        return NULL;
    strbuf_init(&sb);
    strbuf_printf(&sb, "score %.1f → %.1f (%c → %c)", m->prev->score, m->res->score,
        m->prev->grade, m->res->grade);
    n = change_list(m, &sb, 1, "▲ newly failing:");
    n += change_list(m, &sb, -1, "▼ fixed:");
    n += change_list(m, &sb, 2, "~ changed:");
    if (n == 0)
        strbuf_puts(&sb, "  no article changed");
    return strbuf_detach(&sb);
}

char *
tui_model_remedy(const struct tui_model *m, const char *rule_id)
{
    char *needle = xasprintf("rule %s ", rule_id);
    const char *p = strstr(m->remedies, needle), *end;
    struct strbuf sb;

    free(needle);
    if (p == NULL || (end = strstr(p, "\n}\n")) == NULL)
        return NULL;
    if ((p = strstr(p, "\n    remedy \"")) == NULL || p > end)
        return NULL;
    p += strlen("\n    remedy \"");
    strbuf_init(&sb);
    for (; *p != '\0' && *p != '"'; p++) {
        if (*p == '\\' && p[1] != '\0') {
            p++;
            strbuf_putc(&sb, *p == 'n' ? '\n' : *p);
        } else
            strbuf_putc(&sb, *p);
    }
    return strbuf_detach(&sb);
}

char *
tui_model_cycle(const struct fact_value *v)
{
    const struct fact_def *d = v->def;
    int n;

    if (d->type == FACT_BOOL) {
        if (v->state != FACT_KNOWN)
            return xstrdup("false");
        return xstrdup(v->v.b ? "unknown" : "true");
    }
    if (d->type == FACT_ENUM) {
        for (n = 0; d->values[n] != NULL; n++)
            ;
        if (v->state != FACT_KNOWN)
            return xstrdup(d->values[0]);
        if (v->v.e + 1 >= n)
            return xstrdup("unknown");
        return xstrdup(d->values[v->v.e + 1]);
    }
    return NULL;
}

char *
tui_model_fact_text(const struct tui_model *m, const char *path)
{
    struct scenario_ref ref;
    struct fact_value fv;

    if (m->sc == NULL || scenario_ref_parse(m->sc, path, &ref, NULL, NULL) != 0)
        return NULL;
    scenario_get_fact(ref.entity, ref.def, &fv);
    return scenario_value_format(&fv);
}

const char *
tui_model_outcome_name(const struct tui_model *m, int article)
{
    if (m->res == NULL || article < 1 || article > RULE_NARTICLES)
        return "";
    return rule_outcome_name(m->res->articles[article - 1].outcome);
}

int
tui_model_select_reading(struct tui_model *m, const char *spec, char **cause)
{
    if (rule_pack_select_reading(m->pack, spec, cause) != 0)
        return -1;
    if (m->sc == NULL)
        return 0;
    return tui_model_reaudit(m, m->as_of_override ? m->as_of : FA_DATE_NONE, cause);
}

char *
tui_model_readings(const struct tui_model *m, bool choices)
{
    struct strbuf sb;
    size_t i, j, n = rule_pack_nreadings(m->pack);

    strbuf_init(&sb);
    for (i = 0; i < n; i++) {
        struct rule_reading r;

        rule_pack_reading(m->pack, i, &r);
        if (choices) {
            strbuf_printf(&sb, "%s%s=", sb.len > 0 ? "  " : "", r.name);
            for (j = 0; r.alts[j] != NULL; j++)
                strbuf_printf(&sb, "%s%s", j > 0 ? "|" : "", r.alts[j]);
        } else if (!r.literal)
            strbuf_printf(&sb, "%s%s=%s", sb.len > 0 ? ", " : "", r.name, r.alt);
    }
    if (sb.len == 0) {
        strbuf_done(&sb);
        return NULL;
    }
    return strbuf_detach(&sb);
}
