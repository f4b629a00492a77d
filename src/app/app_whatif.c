/* SPDX-License-Identifier: MIT */
/*
 * app_whatif.c - the what-if session (app_whatif.h): a scenario opened with
 * the rule pack and calendar and audited through app_audit(), changes of one
 * or many facts as one step (one contradiction check, one re-audit, one undo
 * step), undo/redo, readings, saving. The rows a front end draws are
 * app_whatif_rows.c; the simulation timeline app_timeline.c.
 */
#include "config.h"

#include "app_whatif_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/app.h"
#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

static void
fact_done(struct whatif_fact *f)
{
    free(f->id);
    free(f->path);
    free(f->old_text);
    free(f->new_text);
}

static void
edit_free(void *p)
{
    struct whatif_edit *ed = p;
    size_t i;

    if (ed == NULL)
        return;
    for (i = 0; i < ed->n; i++)
        fact_done(&ed->f[i]);
    free(ed->f);
    free(ed);
}

struct app_whatif *
app_whatif_new(const char *rules_dir, char **cause)
{
    struct app_whatif *w = xcalloc(1, sizeof *w);
    struct strbuf sb;
    int i;

    vec_init(&w->undo, edit_free);
    vec_init(&w->redo, edit_free);
    if (rule_pack_load_with_calendar(rules_dir, &w->pack, &w->cal, cause) == -1) {
        app_whatif_free(w);
        return NULL;
    }
    /* The canonical text of every article: remedies are read from it (rule.h has no accessor). */
    strbuf_init(&sb);
    for (i = 1; i <= RULE_NARTICLES; i++) {
        char *a = rule_pack_format_article(w->pack, i);

        if (a != NULL)
            strbuf_puts(&sb, a);
        free(a);
    }
    w->remedies = strbuf_detach(&sb);
    return w;
}

void
app_whatif_free(struct app_whatif *w)
{
    if (w == NULL)
        return;
    audit_result_free(w->res);
    audit_result_free(w->prev);
    scenario_free(w->sc);
    calendar_free(w->cal);
    rule_pack_free(w->pack);
    vec_done(&w->undo);
    vec_done(&w->redo);
    free(w->path);
    free(w->last_change);
    free(w->remedies);
    free(w);
}

void
app_whatif_set_session(struct app_whatif *w, struct app *app)
{
    w->app = app;
}

bool
app_whatif_is_open(const struct app_whatif *w)
{
    return w != NULL && w->sc != NULL;
}

const char *
app_whatif_path(const struct app_whatif *w)
{
    return w->path;
}

unsigned
app_whatif_generation(const struct app_whatif *w)
{
    return w->generation;
}

fa_date
app_whatif_as_of(const struct app_whatif *w, bool *set)
{
    if (set != NULL)
        *set = w->as_of_override;
    return w->as_of;
}

/* Audit through app_audit() (stored when save and there is a session); the verdict before
 * becomes prev. */
static int
whatif_audit(struct app_whatif *w, fa_date as_of, bool save, char **cause)
{
    struct app_audit_params p;
    struct app_audit_result *r;
    struct audit_result *res;

    if (w->sc == NULL)
        return cause_set(cause, "no scenario is open");
    app_audit_params_default(&p);
    p.pack = w->pack;
    p.cal = w->cal;
    p.scenario = w->sc;
    p.as_of = as_of;
    p.save = save && w->app != NULL;
    if ((r = app_audit(w->app, &p, cause)) == NULL)
        return -1;
    res = r->res;
    r->res = NULL;
    app_audit_result_free(r);
    w->as_of = res->as_of;
    audit_result_free(w->prev);
    w->prev = w->res;
    w->res = res;
    return 0;
}

/* Audit again as of the date in force (the caller's, else the scenario's). */
static int
whatif_again(struct app_whatif *w, char **cause)
{
    return whatif_audit(w, w->as_of_override ? w->as_of : FA_DATE_NONE, false, cause);
}

int
app_whatif_reaudit(struct app_whatif *w, fa_date as_of, char **cause)
{
    if (w->sc == NULL)
        return cause_set(cause, "no scenario is open");
    w->as_of_override = as_of != FA_DATE_NONE;
    return whatif_audit(w, as_of, false, cause);
}

int
app_whatif_store(struct app_whatif *w, char **cause)
{
    struct audit_result *prev = w->prev;
    int rc;

    if (w->app == NULL)
        return cause_set(cause, "no database");
    /* the same verdict again, stored; the change marks stay as they were */
    w->prev = NULL;
    rc = whatif_audit(w, w->as_of_override ? w->as_of : FA_DATE_NONE, true, cause);
    audit_result_free(w->prev);
    w->prev = prev;
    return rc;
}

int
app_whatif_open(struct app_whatif *w, const char *path, bool save, char **cause)
{
    struct scenario *sc = scenario_load(path, 0, cause), *old;
    struct audit_result *oldres, *oldprev;

    if (sc == NULL)
        return -1;
    old = w->sc;
    oldres = w->res;
    oldprev = w->prev;
    w->sc = sc;
    w->res = w->prev = NULL;
    w->as_of_override = false;
    if (whatif_audit(w, FA_DATE_NONE, save, cause) != 0) {
        scenario_free(sc);
        w->sc = old;
        w->res = oldres;
        w->prev = oldprev;
        return -1;
    }
    audit_result_free(w->prev);
    w->prev = NULL;
    scenario_free(old);
    audit_result_free(oldres);
    audit_result_free(oldprev);
    free(w->path);
    w->path = xstrdup(path);
    w->generation++;
    vec_clear(&w->undo);
    vec_clear(&w->redo);
    free(w->last_change);
    w->last_change = NULL;
    return 0;
}

void
whatif_own_value(struct scenario_entity *e, const struct fact_def *def,
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
whatif_apply(struct scenario_entity *e, const char *path, enum fact_state state,
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

/* "deployment.consent.type = x, device:gate-1.location = y" (with "undone: " first). */
static void
describe(struct app_whatif *w, const struct whatif_edit *ed, bool undo)
{
    struct strbuf sb;
    size_t i;

    strbuf_init(&sb);
    if (undo)
        strbuf_puts(&sb, "undone: ");
    for (i = 0; i < ed->n; i++) {
        const struct whatif_fact *f = &ed->f[i];
        enum fact_state st = undo ? f->old_state : f->new_state;
        const char *v = st == FACT_KNOWN ? (undo ? f->old_text : f->new_text) :
            st == FACT_UNKNOWN ? "unknown" : "(inherited)";

        if (i > 0)
            strbuf_puts(&sb, ", ");
        /* the fact path of scenario.h: deployment.consent.type, device:gate-1.location */
        if (f->kind == SCENARIO_DEPLOYMENT)
            strbuf_printf(&sb, "deployment.%s = %s", f->path, v);
        else
            strbuf_printf(&sb, "%s:%s.%s = %s", scenario_kind_name(f->kind), f->id, f->path, v);
    }
    free(w->last_change);
    w->last_change = strbuf_detach(&sb);
}

/* How many errors scenario_validate() finds; the last one in *last (caller frees) when wanted. */
static size_t
whatif_errors(const struct app_whatif *w, char **last)
{
    struct scenario_problem *p = NULL;
    size_t n = 0, i, errors = scenario_validate(w->sc, &p, &n);

    for (i = 0; last != NULL && i < n; i++) {
        if (p[i].level == SCENARIO_ERROR) {
            free(*last);
            *last = xstrdup(p[i].message);
        }
    }
    scenario_problems_free(p, n);
    return errors;
}

/* Put the first n facts of ed back as they were, last first. */
static void
roll_back(struct app_whatif *w, const struct whatif_edit *ed, size_t n)
{
    while (n-- > 0) {
        const struct whatif_fact *f = &ed->f[n];
        struct scenario_entity *e = scenario_find(w->sc, f->kind, f->id);
        char *c2 = NULL;

        if (e != NULL && whatif_apply(e, f->path, f->old_state, f->old_text, &c2) != 0)
            free(c2);
    }
}

/* Make change c (fact f of the edit); 0, or -1 with *cause (nothing changed). */
static int
change_one(struct app_whatif *w, const struct app_whatif_change *c, struct whatif_fact *f,
    char **cause)
{
    struct scenario_ref ref;

    if (c->ref == NULL || scenario_ref_parse(w->sc, c->ref, &ref, NULL, cause) != 0)
        return c->ref == NULL ? cause_set(cause, "no fact path given") : -1;
    f->kind = scenario_entity_kind(ref.entity);
    f->id = xstrdup(scenario_entity_id(ref.entity));
    f->path = xstrdup(ref.def->path);
    whatif_own_value(ref.entity, ref.def, &f->old_state, &f->old_text);
    f->new_state = c->value == NULL ? FACT_ABSENT : strcmp(c->value, "unknown") == 0 ?
        FACT_UNKNOWN : FACT_KNOWN;
    if (whatif_apply(ref.entity, f->path, f->new_state, c->value, cause) != 0)
        return -1;
    if (f->new_state == FACT_KNOWN) {
        enum fact_state st;

        whatif_own_value(ref.entity, ref.def, &st, &f->new_text); /* normalised: yes -> true */
    }
    return 0;
}

int
app_whatif_set_many(struct app_whatif *w, const struct app_whatif_change *c, size_t n,
    unsigned flags, char **cause)
{
    bool base = (flags & APP_WHATIF_BASE) != 0;
    struct whatif_edit *ed;
    size_t before = 0, i;
    char *why = NULL;

    if (w->sc == NULL)
        return cause_set(cause, "no scenario is open");
    /* one validation before and one after the whole change, none in between */
    if (!base)
        before = whatif_errors(w, NULL);
    ed = xcalloc(1, sizeof *ed);
    ed->f = n > 0 ? xcalloc(n, sizeof *ed->f) : NULL;
    for (i = 0; i < n; i++) {
        if (change_one(w, &c[i], &ed->f[i], cause) != 0) {
            roll_back(w, ed, i);
            ed->n = i + 1;
            edit_free(ed);
            if (n > 1)
                cause_prefix(cause, "change %zu", i + 1);
            return -1;
        }
    }
    ed->n = n;
    if (!base && whatif_errors(w, &why) > before) {
        /* a contradiction: refused with the message `scenario check` gives (both facts) */
        roll_back(w, ed, n);
        edit_free(ed);
        cause_set(cause, "refused: %s", why);
        free(why);
        return -1;
    }
    free(why);
    if (base || n == 0)
        edit_free(ed);
    else {
        vec_push(&w->undo, ed);
        vec_clear(&w->redo);
        describe(w, ed, false);
    }
    return whatif_again(w, cause);
}

int
app_whatif_set(struct app_whatif *w, const char *ref, const char *value, char **cause)
{
    struct app_whatif_change c = { ref, value };

    return app_whatif_set_many(w, &c, 1, 0, cause);
}

/* Move the last step of `from` to `to`, applying its old (undo) or new values. */
static int
replay(struct app_whatif *w, struct vec *from, struct vec *to, bool undo, char **cause)
{
    struct whatif_edit *ed;
    size_t i;

    if (w->sc == NULL || from->len == 0)
        return 0;
    ed = from->items[from->len - 1];
    for (i = 0; i < ed->n; i++) {
        const struct whatif_fact *f = &ed->f[undo ? ed->n - 1 - i : i];
        struct scenario_entity *e = scenario_find(w->sc, f->kind, f->id);

        if (e == NULL)
            return cause_set(cause, "%s:%s is gone", scenario_kind_name(f->kind), f->id);
        if (whatif_apply(e, f->path, undo ? f->old_state : f->new_state,
            undo ? f->old_text : f->new_text, cause) != 0)
            return -1;
    }
    from->len--;
    vec_push(to, ed);
    describe(w, ed, undo);
    if (whatif_again(w, cause) != 0)
        return -1;
    return 1;
}

int
app_whatif_undo(struct app_whatif *w, char **cause)
{
    return replay(w, &w->undo, &w->redo, true, cause);
}

int
app_whatif_redo(struct app_whatif *w, char **cause)
{
    return replay(w, &w->redo, &w->undo, false, cause);
}

bool
app_whatif_edited(const struct app_whatif *w, const char *ref)
{
    struct scenario_ref r;
    size_t i, j;

    if (w->sc == NULL || scenario_ref_parse(w->sc, ref, &r, NULL, NULL) != 0)
        return false;
    for (i = 0; i < w->undo.len; i++) {
        const struct whatif_edit *ed = w->undo.items[i];

        for (j = 0; j < ed->n; j++) {
            if (ed->f[j].kind == scenario_entity_kind(r.entity) &&
                strcmp(ed->f[j].id, scenario_entity_id(r.entity)) == 0 &&
                strcmp(ed->f[j].path, r.def->path) == 0)
                return true;
        }
    }
    return false;
}

int
app_whatif_save(struct app_whatif *w, const char *path, char **cause)
{
    if (w->sc == NULL)
        return cause_set(cause, "no scenario is open");
    if (*path == '\0')
        return cause_set(cause, "no file name given");
    if (w->path != NULL && strcmp(path, w->path) == 0)
        return cause_set(cause, "save as a new file: the opened scenario %s is kept as it was",
            path);
    return scenario_save(w->sc, path, cause);
}

char *
app_whatif_fact_text(const struct app_whatif *w, const char *ref)
{
    struct scenario_ref r;
    struct fact_value fv;

    if (w->sc == NULL || scenario_ref_parse(w->sc, ref, &r, NULL, NULL) != 0)
        return NULL;
    scenario_get_fact(r.entity, r.def, &fv);
    return scenario_value_format(&fv);
}

int
app_whatif_select_reading(struct app_whatif *w, const char *spec, char **cause)
{
    if (rule_pack_select_reading(w->pack, spec, cause) != 0)
        return -1;
    if (w->sc == NULL)
        return 0;
    return whatif_again(w, cause);
}

int
app_whatif_literal_readings(struct app_whatif *w, char **cause)
{
    size_t i, n = rule_pack_nreadings(w->pack);

    for (i = 0; i < n; i++) {
        struct rule_reading r;
        char *spec;
        int rc;

        rule_pack_reading(w->pack, i, &r);
        if (r.literal)
            continue;
        spec = xasprintf("%s=literal", r.name);
        rc = rule_pack_select_reading(w->pack, spec, cause);
        free(spec);
        if (rc != 0)
            return -1;
    }
    return 0;
}

char *
app_whatif_readings(const struct app_whatif *w, bool choices)
{
    struct strbuf sb;
    size_t i, j, n = rule_pack_nreadings(w->pack);

    strbuf_init(&sb);
    for (i = 0; i < n; i++) {
        struct rule_reading r;

        rule_pack_reading(w->pack, i, &r);
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
