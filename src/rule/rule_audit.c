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
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule/rule_int.h"

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

#define ARENA_CHUNK (256 * 1024)

/* A new, empty arena. */
struct rule_arena *
rule_arena_new(void)
{
    struct rule_arena *a = xcalloc(1, sizeof *a);

    vec_init(&a->chunks, free);
    return a;
}

/* Free an arena and everything allocated from it (NULL is a no-op). */
void
rule_arena_free(struct rule_arena *a)
{
    if (a == NULL)
        return;
    vec_done(&a->chunks);
    free(a);
}

/* Zeroed, 16-byte aligned memory owned by the arena. */
void *
rule_arena_alloc(struct rule_arena *a, size_t size)
{
    char *p;

    size = (size + 15) & ~(size_t)15;
    if (size == 0)
        size = 16;
    if (size > ARENA_CHUNK / 4) {
        p = xcalloc(1, size);
        vec_push(&a->chunks, p);
        return p;
    }
    if (size > a->left) {
        a->cur = xcalloc(1, ARENA_CHUNK);
        a->left = ARENA_CHUNK;
        vec_push(&a->chunks, a->cur);
    }
    p = a->cur;
    a->cur += size;
    a->left -= size;
    return p;
}

/* Copy s into the arena. */
char *
rule_arena_strdup(struct rule_arena *a, const char *s)
{
    size_t n = strlen(s);
    char *p = rule_arena_alloc(a, n + 1);

    memcpy(p, s, n);
    return p;
}

/* Format into the arena. */
char *
rule_arena_printf(struct rule_arena *a, const char *fmt, ...)
{
    char buf[512], *p;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        fatalx("rule_arena_printf: bad format");
    if ((size_t)n < sizeof buf)
        return rule_arena_strdup(a, buf);
    p = rule_arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

/* Concatenate strings (the list ends with NULL) into the arena. */
char *
rule_arena_cat(struct rule_arena *a, ...)
{
    va_list ap;
    const char *part;
    size_t n = 0, len;
    char *p, *q;

    va_start(ap, a);
    while ((part = va_arg(ap, const char *)) != NULL)
        n += strlen(part);
    va_end(ap);
    p = q = rule_arena_alloc(a, n + 1);
    va_start(ap, a);
    while ((part = va_arg(ap, const char *)) != NULL) {
        len = strlen(part);
        memcpy(q, part, len);
        q += len;
    }
    va_end(ap);
    return p;
}

/* Worse outcomes have higher ranks (for roll-ups). */
static int
rank(enum rule_outcome o)
{
    static const int r[] = {
        [RULE_NA] = 0, [RULE_ADVISORY] = 1, [RULE_PASS] = 2, [RULE_WAIVED] = 3,
        [RULE_NEEDS_EVIDENCE] = 4, [RULE_FAIL] = 5,
    };

    return r[o];
}

/* Per-rule text computed once: printed conditions. */
struct rule_texts {
    char **cond;  /* "fail when EXPR" etc., arena strings: findings point at them */
};

static char *
interpolate(struct eval_ctx *ec, const struct rule *r)
{
    struct strbuf sb;
    struct vec *saved = ec->facts_read;
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

static void
apply_waiver(struct rule_arena *ar, struct audit_finding *fd, const struct waivers *w,
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

/* Evaluate one instance into fd. */
static void
eval_instance(struct eval_ctx *ec, const struct rule *r, const struct rule_texts *tx,
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
done:
    /* the message states a violation: only for fail and advisory (and waived) */
    if (fd->outcome == RULE_FAIL || fd->outcome == RULE_ADVISORY)
        fd->message = interpolate(ec, r);
    /* an approximate working-day count matters only if the outcome used it */
    fd->approx = ec->approx && fd->outcome != RULE_NA;
    take_explanation(ec->arena, fd, facts, unknowns);
}

static void
push_finding(struct audit_result *res, size_t *cap, const struct audit_finding *fd)
{
    if (res->nfindings == *cap) {
        *cap = *cap ? *cap * 2 : 128;
        res->findings = xreallocarray(res->findings, *cap, sizeof *res->findings);
    }
    res->findings[res->nfindings++] = *fd;
}

static void
init_finding(struct audit_finding *fd, const struct rule *r)
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

/* Evaluate the pack on the facts (see the file comment). */
struct audit_result *
audit_run(const struct rule_pack *pack, const struct scenario *sc,
    const struct audit_opts *opts, char **cause)
{
    struct audit_result *res;
    struct eval_ctx ec;
    struct vec fvec, uvec;
    enum rule_outcome *worst;
    size_t i, j, cap = 0;
    int scope = 1; /* 1 in scope, 0 out, 2 unknown */
    int scope_article = 0;

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

    if (pack->scope != NULL) {
        struct rval v;

        rule_eval_expr(&ec, pack->scope, &v);
        scope = v.t != FT_BOOL ? 2 : v.u.b ? 1 : 0;
        scope_article = pack->scope_article;
        if (scope == 0)
            res->scope_note = rule_arena_printf(ec.arena, "outside the Measures: %s",
                pack->scope_label);
    }
    for (i = 0; i < pack->rules.len; i++) {
        const struct rule *r = vec_get(&pack->rules, i);
        const struct rule_article_info *ai = rule_pack_article(pack, r->article);
        struct rule_texts tx;
        struct audit_finding fd;
        bool first = true;

        worst[i] = RULE_NA;
        if (r->nslots > 64)
            fatalx("rule %s uses %d variables", r->id, r->nslots);
        if ((ai->in_force != FA_DATE_NONE && opts->as_of < ai->in_force) ||
            (ai->until != FA_DATE_NONE && opts->as_of > ai->until)) {
            char d[11];

            init_finding(&fd, r);
            fd.outcome = RULE_NA;
            date_format(opts->as_of < ai->in_force ? ai->in_force : ai->until, d);
            fd.reason = rule_arena_printf(ec.arena, opts->as_of < ai->in_force ?
                "Art. %d is not in force on the as-of date (in force from %s)" :
                "Art. %d is no longer in force (until %s)", r->article, d);
            push_finding(res, &cap, &fd);
            continue;
        }
        if (scope == 0 && r->article != scope_article) {
            init_finding(&fd, r);
            fd.outcome = RULE_NA;
            fd.reason = res->scope_note;
            push_finding(res, &cap, &fd);
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

                init_finding(&fd, r);
                fd.outcome = RULE_NA;
                strbuf_init(&sb);
                rule_expr_print(&sb, r->coll);
                fd.reason = rule_arena_printf(ec.arena, "no %s in the scenario",
                    strbuf_str(&sb));
                strbuf_done(&sb);
                push_finding(res, &cap, &fd);
            } else {
                size_t n = scenario_count(sc, coll.kind);

                for (j = 0; j < n; j++) {
                    const struct scenario_entity *o = scenario_entity_at(sc, coll.kind, j);

                    if (!scenario_entity_exists_on(o, opts->as_of))
                        continue; /* a device not installed yet, or removed */
                    init_finding(&fd, r);
                    ec.env[0].t = FT_OBJ;
                    ec.env[0].kind = coll.kind;
                    ec.env[0].u.obj = o;
                    fd.entity = (char *)(uintptr_t)scenario_entity_id(o);
                    eval_instance(&ec, r, &tx, &fd, &fvec, &uvec);
                    if (fd.outcome == RULE_FAIL)
                        apply_waiver(ec.arena, &fd, opts->waivers, opts->as_of);
                    if (first || rank(fd.outcome) > rank(worst[i]))
                        worst[i] = fd.outcome;
                    first = false;
                    push_finding(res, &cap, &fd);
                }
            }
        } else {
            init_finding(&fd, r);
            eval_instance(&ec, r, &tx, &fd, &fvec, &uvec);
            if (fd.outcome == RULE_FAIL)
                apply_waiver(ec.arena, &fd, opts->waivers, opts->as_of);
            worst[i] = fd.outcome;
            push_finding(res, &cap, &fd);
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

        res->counts[fd->outcome]++;
        a->counts[fd->outcome]++;
        if (rank(fd->outcome) > rank(a->outcome))
            a->outcome = fd->outcome;
        res->approx |= fd->approx;
    }
    score(res, pack, worst);
    free(worst);
    free(ec.env);
    vec_done(&fvec);
    vec_done(&uvec);
    return res;
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

/* True when any finding failed. */
bool
audit_failed(const struct audit_result *res)
{
    return res->counts[RULE_FAIL] > 0;
}
