/* SPDX-License-Identifier: MIT */
/*
 * rule_audit.c - the audit: every rule instance evaluated to one outcome
 * with its explanation, waivers applied, outcomes folded per article, and
 * the severity-weighted score and grade.
 *
 * Per instance: the article must be in force on the as-of date and the
 * pack's scope (Art. 2) must hold, else not_applicable. `applies when`
 * false gives not_applicable; a legal exception (`except`) that holds gives
 * pass. The rule is violated when any `fail when` is true or any `pass when`
 * is false (Kleene or); violated gives fail (advisory for an advisory rule),
 * not violated gives pass, and unknown gives needs_evidence listing the
 * unknown facts. An unknown applicability turns a would-be failure into
 * needs_evidence, never into a pass. An exception applies only when it is
 * established (true): whoever relies on an exception must show it, so an
 * unknown exception leaves a failure a failure (its unknown facts are
 * listed in the explanation).
 *
 * Score: each rule counts once with its worst instance; weights critical 10,
 * high 5, medium 3, low 1 over rules that passed, failed, were waived or
 * need evidence (unknown is not compliance). Waived rules count as passed
 * in `score` and as failed in `score_no_waivers`. Grade A >= 90, B >= 80,
 * C >= 70, D >= 60, else F; an unwaived critical failure caps it at D.
 * Before Art. 20's in-force date, or when a scope condition (Art. 2) is
 * false, there is no score and no grade: res->no_score says why.
 *
 * The `for` rules' instances are walked by rule_group.c (which also folds
 * them in an aggregated audit); this file decides each instance.
 *
 * A needs_evidence finding carries what to collect (the unknown facts it
 * read, what each means, the evidence record that would settle it) instead
 * of the remedy. The readings applied (the pack's selection, or
 * opts->readings) are listed in the result.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule/rule_audit_int.h"

#include "faceaudit/compat.h"
#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

static const char *const outcome_names[] = {
    [RULE_PASS] = "pass", [RULE_FAIL] = "fail", [RULE_NA] = "not_applicable",
    [RULE_NEEDS_EVIDENCE] = "needs_evidence", [RULE_ADVISORY] = "advisory",
    [RULE_WAIVED] = "waived",
};

/* Name of an outcome (static). */
const char *
rule_outcome_name(enum rule_outcome o)
{
    return outcome_names[o];
}

/* Name of a severity (static). */
const char *
rule_severity_name(enum rule_severity s)
{
    static const char *const names[] = { "low", "medium", "high", "critical" };

    return names[s];
}

/* Score weight of a severity. */
int
rule_severity_weight(enum rule_severity s)
{
    static const int w[] = { 1, 3, 5, 10 };

    return w[s];
}

/* Worse outcomes have higher ranks (for roll-ups). */
int
audit_rank(enum rule_outcome o)
{
    static const int r[] = {
        [RULE_NA] = 0, [RULE_ADVISORY] = 1, [RULE_PASS] = 2, [RULE_WAIVED] = 3,
        [RULE_NEEDS_EVIDENCE] = 4, [RULE_FAIL] = 5,
    };

    return r[o];
}

static char *
interpolate(struct eval_ctx *ec, const struct rule *r)
{
    struct strbuf sb;
    struct vec *saved = ec->facts_read;
    bool identity = ec->identity;
    size_t i;

    ec->facts_read = NULL;  /* the message does not add to the explanation */
    strbuf_init(&sb);
    for (i = 0; i < r->nmsg; i++) {
        struct rval v;

        if (r->msg[i].text != NULL) {
            strbuf_puts(&sb, r->msg[i].text);
            continue;
        }
        rule_eval_expr(ec, r->msg[i].e, &v);
        rule_value_print(&sb, &v);
    }
    ec->facts_read = saved;
    ec->identity = identity; /* a message naming the device decides nothing */
    {
        char *m = rule_arena_strdup(ec->arena, strbuf_str(&sb));

        strbuf_done(&sb);
        return m;
    }
}

static const struct waiver *
find_waiver(const struct waivers *w, const struct rule *r, const char *entity)
{
    size_t i, j;

    if (w == NULL)
        return NULL;
    for (i = 0; i < w->n; i++) {
        const struct waiver *wv = &w->items[i];

        if (strcmp(wv->rule, r->id) != 0)
            continue;
        if (wv->nscope == 0)
            return wv;
        for (j = 0; entity != NULL && j < wv->nscope; j++) {
            if (strcmp(wv->scope[j], entity) == 0)
                return wv;
        }
    }
    return NULL;
}

void
audit_apply_waiver(struct rule_arena *ar, struct audit_finding *fd, const struct waivers *w,
    fa_date as_of)
{
    const struct waiver *wv = find_waiver(w, fd->rule, fd->entity);
    char s[11], e[11];

    if (wv == NULL)
        return;
    date_format(wv->start, s);
    date_format(wv->expiry, e);
    if (!fd->rule->waivable) {
        /* waivers_load() refuses these; kept as a guard */
        fd->waiver = rule_arena_printf(ar, "waiver at %s ignored: %s is not waivable", wv->where,
            fd->rule_id);
    } else if (as_of > wv->expiry) {
        fd->waiver = rule_arena_printf(ar, "waiver at %s (approved by %s) expired on %s: "
            "counts as a failure", wv->where, wv->approver, e);
    } else if (as_of < wv->start) {
        fd->waiver = rule_arena_printf(ar, "waiver at %s (approved by %s) starts on %s: not "
            "yet in effect", wv->where, wv->approver, s);
    } else {
        fd->outcome = RULE_WAIVED;
        fd->waiver = rule_arena_printf(ar, "waived %s..%s by %s, approved by %s (%s): %s", s, e,
            wv->author, wv->approver, wv->where, wv->justification);
    }
}

static void
take_explanation(struct rule_arena *ar, struct audit_finding *fd, struct vec *facts,
    struct vec *unknowns)
{
    size_t i;

    fd->nfacts = facts->len;
    fd->facts = rule_arena_alloc(ar, (facts->len + 1) * sizeof *fd->facts);
    for (i = 0; i < facts->len; i++)
        fd->facts[i] = *(struct audit_fact *)facts->items[i];
    facts->len = 0;
    fd->nunknown = unknowns->len;
    fd->unknown = rule_arena_alloc(ar, (unknowns->len + 1) * sizeof *fd->unknown);
    for (i = 0; i < unknowns->len; i++)
        fd->unknown[i] = unknowns->items[i];
    unknowns->len = 0;
}

static char *
unknown_list(struct rule_arena *ar, const struct vec *u)
{
    struct strbuf sb;
    size_t i;

    strbuf_init(&sb);
    strbuf_puts(&sb, "unknown: ");
    for (i = 0; i < u->len; i++)
        strbuf_printf(&sb, "%s%s", i > 0 ? ", " : "", (const char *)u->items[i]);
    if (u->len == 0)
        strbuf_puts(&sb, "(a computed value)");
    {
        char *r = rule_arena_strdup(ar, strbuf_str(&sb));

        strbuf_done(&sb);
        return r;
    }
}

/*
 * needs_evidence: what to collect (each unknown fact read, with what it
 * means), not the remedy for a failure that is not established.
 */
static char *
collect_advice(struct rule_arena *ar, const struct vec *facts, const struct vec *unknowns)
{
    struct strbuf sb;
    size_t i, n = 0;
    char *r;

    strbuf_init(&sb);
    strbuf_puts(&sb, "Collect the evidence that settles ");
    for (i = 0; i < facts->len; i++) {
        const struct audit_fact *af = facts->items[i];
        char path[256];

        if (af->def == NULL || !str_has_prefix(af->value, "unknown"))
            continue;
        audit_fact_path(af, path, sizeof path);
        strbuf_printf(&sb, "%s%s (%s%s", n > 0 ? "; " : "", path, af->def->summary,
            af->file == NULL ? ", not given in the scenario" : "");
        {
            /* the record that would settle it: a sibling evidence fact ("signage.evidence") */
            const char *dot = strrchr(af->def->path, '.');
            const struct fact_def *ev;
            char epath[128];

            snprintf(epath, sizeof epath, "%.*s.evidence", dot != NULL ?
                (int)(dot - af->def->path) : 0, af->def->path);
            if (dot != NULL && (ev = scenario_fact_find(af->def->kind, epath, NULL)) != NULL &&
                (ev->flags & FACT_F_EVIDENCE) != 0 && ev != af->def)
                strbuf_printf(&sb, "; record it with %s: %s", ev->path, ev->summary);
        }
        strbuf_putc(&sb, ')');
        n++;
    }
    for (i = 0; n == 0 && i < unknowns->len; i++)
        strbuf_printf(&sb, "%s%s", i > 0 ? ", " : "", (const char *)unknowns->items[i]);
    if (n == 0 && unknowns->len == 0)
        strbuf_puts(&sb, "the facts this rule reads");
    strbuf_puts(&sb, ", then audit again; the remedy applies only if they show a failure.");
    r = rule_arena_strdup(ar, strbuf_str(&sb));
    strbuf_done(&sb);
    return r;
}

/* Evaluate one instance into fd. */
void
audit_eval_instance(struct eval_ctx *ec, const struct rule *r, const struct rule_texts *tx,
    struct audit_finding *fd, struct vec *facts, struct vec *unknowns)
{
    bool applies_unknown = false;
    int violated = 0;  /* 0 false, 1 true, 2 unknown */
    char *decider = NULL;
    int decider_i = -1;
    size_t i;

    ec->facts_read = facts;
    ec->unknowns = unknowns;
    ec->approx = false;
    for (i = 0; i < r->nlets; i++) {
        rule_eval_expr(ec, r->lets[i].e, &ec->env[r->lets[i].slot]);

        {
            struct audit_fact *af = rule_arena_alloc(ec->arena, sizeof *af);
            struct strbuf vb;

            strbuf_init(&vb);
            rule_value_print(&vb, &ec->env[r->lets[i].slot]);
            af->label = rule_arena_strdup(ec->arena, r->lets[i].name);
            af->value = rule_arena_strdup(ec->arena, strbuf_str(&vb));
            strbuf_done(&vb);
            vec_push(facts, af);
        }
    }
    for (i = 0; i < r->nconds; i++) {
        const struct rule_cond *c = &r->conds[i];
        struct rval v;

        rule_eval_expr(ec, c->e, &v);
        switch (c->kind) {
        case CL_APPLIES:
            if (v.t == FT_BOOL && !v.u.b) {
                fd->outcome = RULE_NA;
                fd->reason = rule_arena_printf(ec->arena, "does not apply: %s is false",
                    tx->cond[i] + strlen("applies when "));
                fd->decided_by = tx->cond[i];
                fd->decided_index = (int)i;
                goto done;
            }
            applies_unknown |= v.t != FT_BOOL;
            break;
        case CL_EXCEPT:
            if (v.t == FT_BOOL && v.u.b) {
                fd->outcome = RULE_PASS;
                fd->reason = rule_arena_printf(ec->arena, "legal exception: %s", c->label);
                fd->decided_by = tx->cond[i];
                fd->decided_index = (int)i;
                goto done;
            }
            break;
        case CL_FAIL:
        case CL_PASS: {
            int vi = v.t != FT_BOOL ? 2 : (c->kind == CL_FAIL) == v.u.b ? 1 : 0;

            if (vi == 1 && violated != 1) {
                violated = 1;
                decider = tx->cond[i];
                decider_i = (int)i;
            } else if (vi == 2 && violated == 0) {
                violated = 2;
            }
            if (vi == 0 && decider == NULL && violated == 0) {
                decider = tx->cond[i];
                decider_i = (int)i;
            }
            break;
        }
        }
    }
    if (violated == 0) {
        fd->outcome = RULE_PASS;
        fd->decided_by = decider;
        fd->decided_index = decider_i;
    } else if (violated == 1 && !applies_unknown) {
        fd->outcome = r->advisory ? RULE_ADVISORY : RULE_FAIL;
        fd->reason = rule_arena_printf(ec->arena, "%s: %s", r->advisory ?
            "encouraged practice not followed" : "violated", decider);
        fd->decided_by = decider;
        fd->decided_index = decider_i;
    } else if (r->advisory) {
        fd->outcome = RULE_ADVISORY;
        fd->reason = unknown_list(ec->arena, unknowns);
    } else {
        fd->outcome = RULE_NEEDS_EVIDENCE;
        fd->reason = unknown_list(ec->arena, unknowns);
        if (violated == 1) {
            fd->decided_by = decider;
            fd->decided_index = decider_i;
        }
    }
    if (fd->outcome == RULE_NEEDS_EVIDENCE)
        fd->collect = collect_advice(ec->arena, facts, unknowns);
done:
    /* the message states a violation: only for fail and advisory (and waived) */
    if (fd->outcome == RULE_FAIL || fd->outcome == RULE_ADVISORY)
        fd->message = interpolate(ec, r);
    /* an approximate working-day count matters only if the outcome used it */
    fd->approx = ec->approx && fd->outcome != RULE_NA;
    take_explanation(ec->arena, fd, facts, unknowns);
}

void
audit_push_finding(struct audit_result *res, size_t *cap, const struct audit_finding *fd)
{
    if (res->nfindings == *cap) {
        *cap = *cap ? *cap * 2 : 128;
        res->findings = xreallocarray(res->findings, *cap, sizeof *res->findings);
    }
    res->findings[res->nfindings++] = *fd;
}

void
audit_init_finding(struct audit_finding *fd, const struct rule *r)
{
    memset(fd, 0, sizeof *fd);
    fd->decided_index = -1;
    fd->rule = r;
    fd->rule_id = r->id;
    fd->clause = r->clause;
    fd->article = r->article;
    fd->severity = r->severity;
}

static char
grade_of(double score, bool critical)
{
    char g = score >= 90 ? 'A' : score >= 80 ? 'B' : score >= 70 ? 'C' : score >= 60 ? 'D' : 'F';

    if (critical && g < 'D')
        g = 'D';
    return g;
}

static void
score(struct audit_result *res, const struct rule_pack *pack, const enum rule_outcome *worst)
{
    double total = 0, passed = 0, passed_nw = 0;
    bool crit = false, crit_nw = false;
    size_t i;

    for (i = 0; i < pack->rules.len; i++) {
        const struct rule *r = vec_get(&pack->rules, i);
        int w = rule_severity_weight(r->severity);

        switch (worst[i]) {
        case RULE_PASS:
            passed += w;
            passed_nw += w;
            total += w;
            break;
        case RULE_WAIVED:
            passed += w;
            total += w;
            crit_nw |= r->severity == RULE_SEV_CRITICAL;
            break;
        case RULE_FAIL:
            crit |= r->severity == RULE_SEV_CRITICAL;
            crit_nw |= r->severity == RULE_SEV_CRITICAL;
            total += w;
            break;
        case RULE_NEEDS_EVIDENCE:
            total += w;
            break;
        default:
            break;
        }
    }
    res->score = total > 0 ? 100.0 * passed / total : 100.0;
    res->score_no_waivers = total > 0 ? 100.0 * passed_nw / total : 100.0;
    res->critical_failure = crit;
    res->grade = grade_of(res->score, crit);
    res->grade_no_waivers = grade_of(res->score_no_waivers, crit_nw);
}

/* Evaluate the pack on the facts (see the file comment); aggregate: see rule.h. */
static struct audit_result *
run(const struct rule_pack *pack, const struct scenario *sc, const struct audit_opts *opts,
    bool aggregate, char **cause)
{
    struct audit_result *res;
    struct eval_ctx ec;
    struct vec fvec, uvec;
    struct audit_walk walk;
    enum rule_outcome *worst;
    size_t i, j, cap = 0;
    int scope = 1; /* 1 in scope, 0 out, 2 unknown */
    int scope_article = 0;
    int *sel;

    if (opts->cal == NULL || opts->as_of == FA_DATE_NONE) {
        cause_set(cause, "audit needs an as-of date and a calendar");
        return NULL;
    }
    res = xcalloc(1, sizeof *res);
    res->as_of = opts->as_of;
    res->arena = rule_arena_new();
    memset(&ec, 0, sizeof ec);
    ec.sc = sc;
    ec.cal = opts->cal;
    ec.as_of = opts->as_of;
    ec.arena = res->arena;
    ec.env = xcalloc(64, sizeof *ec.env);
    vec_init(&fvec, NULL);
    vec_init(&uvec, NULL);
    worst = xcalloc(pack->rules.len + 1, sizeof *worst);
    memset(&walk, 0, sizeof walk);
    walk.res = res;
    walk.cap = &cap;
    walk.ec = &ec;
    walk.opts = opts;
    walk.facts = &fvec;
    walk.unknowns = &uvec;
    walk.aggregate = aggregate;

    res->nreadings = pack->readings.len;
    res->readings = rule_arena_alloc(res->arena, (pack->readings.len + 1) *
        sizeof *res->readings);
    sel = rule_arena_alloc(res->arena, (pack->readings.len + 1) * sizeof *sel);
    for (i = 0; i < pack->readings.len; i++) {
        const struct rule_reading_def *rd = vec_get(&pack->readings, i);

        sel[i] = opts->readings != NULL ? opts->readings[i] : rd->selected;
        if (sel[i] < 0 || (size_t)sel[i] >= rd->nalts)
            sel[i] = 0;
        res->readings[i].name = rd->name;
        res->readings[i].title = rd->title;
        res->readings[i].article = rd->article;
        res->readings[i].alt = rd->alts[sel[i]];
        res->readings[i].text = rd->texts[sel[i]];
        res->readings[i].literal = sel[i] == 0;
        res->readings[i].alts = (const char *const *)rd->alts;
    }
    ec.readings = sel;
    for (i = 0; i < pack->nscopes && scope != 0; i++) {
        struct rval v;

        rule_eval_expr(&ec, pack->scopes[i].e, &v);
        scope_article = pack->scope_article;
        if (v.t != FT_BOOL) {
            scope = 2;
        } else if (!v.u.b) {
            scope = 0;
            res->scope_note = rule_arena_printf(ec.arena, "out of scope (Art. %d): %s",
                scope_article, pack->scopes[i].label);
        }
    }
    {
        const struct rule_article_info *a20 = rule_pack_article(pack, 20);
        fa_date from = a20 != NULL ? a20->in_force : FA_DATE_NONE;
        char d1[11], d2[11];

        /* Art. 20: before the Measures take effect nothing of them is scored */
        if (from != FA_DATE_NONE && opts->as_of < from) {
            date_format(opts->as_of, d1);
            date_format(from, d2);
            res->no_score = rule_arena_printf(ec.arena, "not in force on %s: the Measures "
                "take effect on %s (Art. 20); before that only the PIPL applies", d1, d2);
        } else if (scope == 0) {
            res->no_score = res->scope_note;
        }
    }
    for (i = 0; i < pack->rules.len; i++) {
        const struct rule *r = vec_get(&pack->rules, i);
        const struct rule_article_info *ai = rule_pack_article(pack, r->article);
        struct rule_texts tx;
        struct audit_finding fd;

        worst[i] = RULE_NA;
        if (r->nslots > 64)
            fatalx("rule %s uses %d variables", r->id, r->nslots);
        if ((ai->in_force != FA_DATE_NONE && opts->as_of < ai->in_force) ||
            (ai->until != FA_DATE_NONE && opts->as_of > ai->until)) {
            char d[11];

            audit_init_finding(&fd, r);
            fd.outcome = RULE_NA;
            date_format(opts->as_of < ai->in_force ? ai->in_force : ai->until, d);
            fd.reason = rule_arena_printf(ec.arena, opts->as_of < ai->in_force ?
                "Art. %d is not in force on the as-of date (in force from %s)" :
                "Art. %d is no longer in force (until %s)", r->article, d);
            audit_push_finding(res, &cap, &fd);
            continue;
        }
        if (scope == 0 && r->article != scope_article) {
            audit_init_finding(&fd, r);
            fd.outcome = RULE_NA;
            fd.reason = res->scope_note;
            audit_push_finding(res, &cap, &fd);
            continue;
        }
        tx.cond = xcalloc(r->nconds + 1, sizeof *tx.cond);
        for (j = 0; j < r->nconds; j++) {
            struct strbuf sb;

            static const char *const kw[] = { "applies when ", "except ", "fail when ",
                "pass when " };

            strbuf_init(&sb);
            strbuf_puts(&sb, kw[r->conds[j].kind]);
            if (r->conds[j].kind == CL_EXCEPT)
                strbuf_printf(&sb, "\"%s\" when ", r->conds[j].label);
            rule_expr_print(&sb, r->conds[j].e);
            tx.cond[j] = rule_arena_strdup(ec.arena, strbuf_str(&sb));
            strbuf_done(&sb);
        }
        if (r->var != NULL) {
            struct rval coll;

            ec.facts_read = NULL;
            rule_eval_expr(&ec, r->coll, &coll);
            if (coll.t != FT_LIST || scenario_count(sc, coll.kind) == 0) {
                struct strbuf sb;

                audit_init_finding(&fd, r);
                fd.outcome = RULE_NA;
                strbuf_init(&sb);
                rule_expr_print(&sb, r->coll);
                fd.reason = rule_arena_printf(ec.arena, "no %s in the scenario",
                    strbuf_str(&sb));
                strbuf_done(&sb);
                audit_push_finding(res, &cap, &fd);
            } else {
                audit_walk_rule(&walk, r, &tx, coll.kind, &worst[i]);
            }
        } else {
            audit_init_finding(&fd, r);
            audit_eval_instance(&ec, r, &tx, &fd, &fvec, &uvec);
            if (fd.outcome == RULE_FAIL)
                audit_apply_waiver(ec.arena, &fd, opts->waivers, opts->as_of);
            worst[i] = fd.outcome;
            audit_push_finding(res, &cap, &fd);
        }
        free(tx.cond);
    }
    /* roll-up */
    for (i = 0; i < RULE_NARTICLES; i++) {
        res->articles[i].number = (int)i + 1;
        res->articles[i].outcome = RULE_NA;
    }
    for (i = 0; i < res->nfindings; i++) {
        const struct audit_finding *fd = &res->findings[i];
        struct audit_article *a = &res->articles[fd->article - 1];

        res->counts[fd->outcome] += fd->ngroup > 0 ? fd->ngroup : 1;
        a->counts[fd->outcome] += fd->ngroup > 0 ? fd->ngroup : 1;
        if (audit_rank(fd->outcome) > audit_rank(a->outcome))
            a->outcome = fd->outcome;
        res->approx |= fd->approx;
    }
    score(res, pack, worst);
    audit_walk_done(&walk);
    if (res->no_score != NULL) {
        res->score = res->score_no_waivers = 0;
        res->grade = res->grade_no_waivers = '-';
        res->critical_failure = false;
    }
    free(worst);
    free(ec.env);
    vec_done(&fvec);
    vec_done(&uvec);
    return res;
}

struct audit_result *
audit_run(const struct rule_pack *pack, const struct scenario *sc,
    const struct audit_opts *opts, char **cause)
{
    return run(pack, sc, opts, false, cause);
}

struct audit_result *
audit_run_aggregated(const struct rule_pack *pack, const struct scenario *sc,
    const struct audit_opts *opts, char **cause)
{
    return run(pack, sc, opts, true, cause);
}

/* Free a result and everything in it (NULL is a no-op). */
void
audit_result_free(struct audit_result *res)
{
    if (res == NULL)
        return;
    rule_arena_free(res->arena);
    free(res->findings);
    free(res);
}

/* The advice a report prints for a finding: what to collect, or the remedy. */
const char *
audit_finding_advice(const struct audit_finding *fd)
{
    return fd->collect != NULL ? fd->collect : fd->rule->remedy;
}

/* True when any finding failed. */
bool
audit_failed(const struct audit_result *res)
{
    return res->counts[RULE_FAIL] > 0;
}
