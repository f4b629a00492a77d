/* SPDX-License-Identifier: MIT */
/*
 * app_scenario.c - scenario files as the user works on them: check (load
 * errors with positions, cross-checks, evidence hashes, fact counts, the
 * unknown facts that can change a verdict), read one fact with where it was
 * written, change facts (what-if) and rewrite a file in the current format.
 */
#include "config.h"

#include "faceaudit/app.h"

#include <stdlib.h>
#include <string.h>

#include "faceaudit/calendar.h"
#include "faceaudit/rule.h"
#include "faceaudit/scenario.h"
#include "faceaudit/xmalloc.h"

void
app_scenario_check_params_default(struct app_scenario_check_params *p)
{
    memset(p, 0, sizeof *p);
}

int
app_scenario_check_load_pack(struct app_scenario_check_params *p, char **cause)
{
    if (p->pack != NULL)
        return 0;
    if (rule_pack_load_with_calendar(p->rules_dir, &p->pack, &p->cal, cause) != 0)
        return -1;
    p->own_pack = true;
    return 0;
}

void
app_scenario_check_params_free(struct app_scenario_check_params *p)
{
    if (!p->own_pack)
        return;
    rule_pack_free(p->pack);
    calendar_free(p->cal);
    p->pack = NULL;
    p->cal = NULL;
    p->own_pack = false;
}

static void
add_problem(struct app_scenario_check_result *r, const char *msg, bool warning)
{
    r->problems = xreallocarray(r->problems, r->nproblems + 1, sizeof *r->problems);
    r->problems[r->nproblems].message = xstrdup(msg);
    r->problems[r->nproblems++].warning = warning;
}

static void
count_facts(const struct scenario *sc, struct app_scenario_check_result *r)
{
    size_t i, j, nf = scenario_fact_count();
    int k;

    for (k = 0; k < SCENARIO_KIND_COUNT; k++) {
        for (i = 0; i < scenario_count(sc, (enum scenario_kind)k); i++) {
            const struct scenario_entity *e = scenario_entity_at(sc, (enum scenario_kind)k, i);

            for (j = 0; j < nf; j++) {
                const struct fact_def *d = scenario_fact_at(j);
                struct fact_value v;

                if ((int)d->kind != k || (d->flags & (FACT_F_META | FACT_F_COMPUTED | FACT_F_ID)))
                    continue;
                scenario_get_fact(e, d, &v);
                if (v.state == FACT_KNOWN)
                    r->facts_known++;
                else if (v.state == FACT_UNKNOWN)
                    r->facts_unknown++;
                else
                    r->facts_absent++;
            }
        }
    }
}

/* The unknown facts that the audit's needs_evidence findings list (audit_unknowns()). */
static void
rank_unknown(struct app_scenario_check_result *r, const struct scenario *sc,
    struct rule_pack *pack, struct calendar *cal)
{
    struct audit_opts opts;
    struct audit_result *res;
    struct audit_unknown *u;
    struct fact_value asof;
    char *cause = NULL;
    size_t n, i, j;

    memset(&opts, 0, sizeof opts);
    opts.cal = cal;
    scenario_get(scenario_deployment(sc), "as_of", &asof, NULL);
    opts.as_of = asof.state == FACT_KNOWN ? asof.v.date : date_today();
    r->have_unknown = true;
    if ((res = audit_run(pack, sc, &opts, &cause)) == NULL) {
        r->unknown_error = cause;
        return;
    }
    u = audit_unknowns(res, &n);
    r->unknown = xcalloc(n + 1, sizeof *r->unknown);
    r->nunknown = n;
    for (i = 0; i < n; i++) {
        struct app_scenario_unknown *o = &r->unknown[i];

        o->fact = xstrdup(u[i].fact);
        o->severity = rule_severity_name(u[i].severity);
        o->entities = u[i].entities;
        o->nrules = u[i].nrules;
        o->rules = xcalloc(u[i].nrules + 1, sizeof *o->rules);
        for (j = 0; j < u[i].nrules; j++)
            o->rules[j] = xstrdup(rule_id(u[i].rules[j]));
    }
    audit_unknowns_free(u, n);
    audit_result_free(res);
}

static void
describe(struct app_scenario_check_result *r, const struct scenario *sc)
{
    const struct fact_def *st = scenario_fact_find(SCENARIO_EVIDENCE, "status", NULL);
    struct fact_value name;
    size_t i;

    r->id = xstrdup(scenario_entity_id(scenario_deployment(sc)));
    scenario_get(scenario_deployment(sc), "name", &name, NULL);
    r->name = name.state == FACT_KNOWN ? xstrdup(name.v.s) : NULL;
    r->sites = scenario_count(sc, SCENARIO_SITE);
    r->zones = scenario_count(sc, SCENARIO_ZONE);
    r->devices = scenario_count(sc, SCENARIO_DEVICE);
    r->evidence = scenario_count(sc, SCENARIO_EVIDENCE);
    r->filing_changes = scenario_count(sc, SCENARIO_FILING_CHANGE);
    for (i = 0; i < r->devices; i++)
        r->from_inventory += scenario_entity_from_inventory(scenario_entity_at(sc,
            SCENARIO_DEVICE, i));
    for (i = 0; i < r->evidence; i++) {
        struct fact_value v;

        scenario_get_fact(scenario_entity_at(sc, SCENARIO_EVIDENCE, i), st, &v);
        if (v.state == FACT_KNOWN && v.v.e >= 0 && v.v.e < 4)
            r->evidence_status[v.v.e]++;
    }
    count_facts(sc, r);
    r->sha256 = xstrdup(scenario_hash(sc));
}

struct app_scenario_check_result *
app_scenario_check(const char *path, const struct app_scenario_check_params *p, char **cause)
{
    struct app_scenario_check_result *r;
    struct rule_pack *pack = p->pack;
    struct calendar *cal = p->cal;
    struct scenario_problem *probs = NULL;
    struct scenario *sc;
    size_t nprob = 0, i;
    char *err = NULL, *line, *save = NULL;

    if (p->unknown && pack == NULL &&
        rule_pack_load_with_calendar(p->rules_dir, &pack, &cal, cause) != 0)
        return NULL;
    r = xcalloc(1, sizeof *r);
    r->path = xstrdup(path);
    if ((sc = scenario_load(path, SCENARIO_LOAD_NO_CROSSCHECK, &err)) == NULL) {
        for (line = strtok_r(err, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
            add_problem(r, line, false);
        free(err);
        r->errors = r->nproblems > 0 ? r->nproblems : 1;
        r->failed = true;
        goto out;
    }
    r->loaded = true;
    r->errors = scenario_validate(sc, &probs, &nprob);
    r->warnings = nprob - r->errors + scenario_warning_count(sc);
    describe(r, sc);
    if (p->unknown && r->errors == 0)
        rank_unknown(r, sc, pack, cal);
    for (i = 0; i < scenario_warning_count(sc); i++)
        add_problem(r, scenario_warning(sc, i), true);
    for (i = 0; i < nprob; i++)
        add_problem(r, probs[i].message, probs[i].level != SCENARIO_ERROR);
    r->failed = r->errors > 0 || (p->strict && r->warnings > 0);
    scenario_problems_free(probs, nprob);
    scenario_free(sc);
out:
    if (pack != p->pack) {
        rule_pack_free(pack);
        calendar_free(cal);
    }
    return r;
}

void
app_scenario_check_result_free(struct app_scenario_check_result *r)
{
    size_t i, j;

    if (r == NULL)
        return;
    for (i = 0; i < r->nproblems; i++)
        free(r->problems[i].message);
    for (i = 0; i < r->nunknown; i++) {
        for (j = 0; j < r->unknown[i].nrules; j++)
            free(r->unknown[i].rules[j]);
        free(r->unknown[i].rules);
        free(r->unknown[i].fact);
    }
    free(r->unknown);
    free(r->unknown_error);
    free(r->problems);
    free(r->sha256);
    free(r->name);
    free(r->id);
    free(r->path);
    free(r);
}

struct app_fact_schema *
app_scenario_facts(const char *kind, size_t *n, char **cause)
{
    size_t i, nf = scenario_fact_count();
    struct app_fact_schema *out;
    int k = -1;

    if (kind != NULL && (k = scenario_kind_from_name(kind)) < 0) {
        *cause = xasprintf("no entity kind '%s' (deployment, site, zone, device, evidence, "
            "filing_change)", kind);
        return NULL;
    }
    out = xcalloc(nf + 1, sizeof *out);
    *n = 0;
    for (i = 0; i < nf; i++) {
        const struct fact_def *d = scenario_fact_at(i);
        struct app_fact_schema *o = &out[*n];

        if (k >= 0 && (int)d->kind != k)
            continue;
        o->kind = scenario_kind_name(d->kind);
        o->path = d->path;
        o->type = scenario_fact_type_name(d->type);
        o->values = d->values;
        o->unit = d->unit;
        o->summary = d->summary;
        o->articles = d->articles != NULL && *d->articles != '\0' ? d->articles : NULL;
        o->inherited = (d->flags & FACT_F_INHERIT) != 0;
        o->computed = (d->flags & FACT_F_COMPUTED) != 0;
        (*n)++;
    }
    return out;
}

struct scenario *
app_scenario_open(const char *path, char **cause)
{
    return scenario_load(path, SCENARIO_LOAD_NO_EVIDENCE, cause);
}

void
app_scenario_close(struct scenario *sc)
{
    scenario_free(sc);
}

int
app_scenario_get(const struct scenario *sc, const char *ref, struct app_fact *out, char **cause)
{
    struct scenario_ref r;
    struct fact_value v;

    memset(out, 0, sizeof *out);
    if (scenario_ref_parse(sc, ref, &r, &out->hint, cause) < 0)
        return -1;
    scenario_get_fact(r.entity, r.def, &v);
    out->value = scenario_value_format(&v);
    out->absent = v.state == FACT_ABSENT;
    out->known = v.state == FACT_KNOWN;
    if (v.from != NULL && v.from != r.entity) {
        out->from_kind = scenario_kind_name(scenario_entity_kind(v.from));
        out->from_id = xstrdup(scenario_entity_id(v.from));
    }
    if (scenario_value_written(&v)) {
        out->file = xstrdup(v.loc.file);
        out->line = v.loc.line;
        out->col = v.loc.col;
    }
    return 0;
}

void
app_fact_free(struct app_fact *f)
{
    if (f == NULL)
        return;
    free(f->value);
    free(f->from_id);
    free(f->file);
    free(f->hint);
    memset(f, 0, sizeof *f);
}

int
app_scenario_set(struct scenario *sc, const char *assignment, char **hint, char **cause)
{
    const char *eq = strchr(assignment, '=');
    struct scenario_ref ref;
    char *spec;
    int rc;

    *hint = NULL;
    if (eq == NULL) {
        *cause = xasprintf("'%s': expected KIND[:ID].PATH=VALUE", assignment);
        return -1;
    }
    spec = xstrndup(assignment, (size_t)(eq - assignment));
    rc = scenario_ref_parse(sc, spec, &ref, hint, cause);
    free(spec);
    if (rc < 0)
        return -1;
    return scenario_set(ref.entity, ref.def->path, eq + 1, cause) < 0 ? -1 : 0;
}

int
app_scenario_save(const struct scenario *sc, const char *path, int version, char **cause)
{
    int rc = version == 0 ? scenario_save(sc, path, cause)
        : scenario_save_version(sc, path, version, cause);

    return rc < 0 ? -1 : 0;
}
