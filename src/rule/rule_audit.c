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

#include "rule/rule_int.h"

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

static void
push_finding(struct audit_result *res, size_t *cap, const struct audit_finding *fd)
{
    if (res->nfindings == *cap) {
        *cap = *cap ? *cap * 2 : 128;
        res->findings = xreallocarray(res->findings, *cap, sizeof *res->findings);
    }
    res->findings[res->nfindings++] = *fd;
}

/*
 * Aggregation: fold fd into the finding of its rule (those from index first on)
 * with the same outcome and waiver note, appending its entity. gcap holds the
 * capacity of each of the rule's entity lists. False when none matches.
 */
static bool
fold(struct audit_result *res, size_t first, const struct audit_finding *fd, size_t *gcap)
{
    size_t k;

    for (k = first; k < res->nfindings && k - first < RULE_NOUTCOMES * 4; k++) {
        struct audit_finding *g = &res->findings[k];

        if (g->group == NULL || g->outcome != fd->outcome || (g->waiver != fd->waiver && (g->waiver == NULL ||
            fd->waiver == NULL || strcmp(g->waiver, fd->waiver) != 0)))
            continue;
        if (g->ngroup == gcap[k - first]) {
            gcap[k - first] *= 2;
            g->group = xreallocarray(g->group, gcap[k - first], sizeof *g->group);
        }
        g->group[g->ngroup++] = fd->entity;
        return true;
    }
    return false;
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

/*
 * Entities that share their facts: the entities of a kind split into groups
 * with the same row of facts (scenario_entity_facts_key) and the same
 * parent, so a `for` rule's outcome is the same for the whole group unless
 * the evaluation read the entity's own identity (ec->identity). Computed
 * once per kind for an aggregated audit; each rule then decides a group
 * once and folds the group's other entities into that finding.
 */
struct share_groups {
    uint32_t *gid;     /* per entity index: its group */
    uint8_t *exists;   /* per group: exists on the as-of day */
    size_t ngroups;
};

static uint64_t
ptr_hash(const void *a, const void *b)
{
    uint64_t h = (uint64_t)(uintptr_t)a * 0x9e3779b97f4a7c15ULL;

    h ^= (uint64_t)(uintptr_t)b + 0x632be59bd9b4e019ULL + (h << 6) + (h >> 2);
    return h ^ (h >> 29);
}

static void
share_groups_init(struct share_groups *sg, const struct scenario *sc, fa_date as_of)
{
    enum scenario_kind kind = SCENARIO_DEVICE;
    size_t n = scenario_count(sc, kind), cap = 16, i, j;
    struct slot { const void *key, *parent; uint32_t g; } *tab;

    while (cap < n * 2)
        cap *= 2;
    tab = xcalloc(cap, sizeof *tab);
    sg->gid = xcalloc(n + 1, sizeof *sg->gid);
    sg->exists = xcalloc(n + 1, sizeof *sg->exists);
    sg->ngroups = 0;
    for (i = 0; i < n; i++) {
        const struct scenario_entity *o = scenario_entity_at(sc, kind, i);
        const void *key = scenario_entity_facts_key(o);
        /* a device reads its own row and, through inheritance, its zone and site */
        const void *parent = scenario_entity_parent(o, SCENARIO_ZONE);

        for (j = ptr_hash(key, parent) & (cap - 1); tab[j].key != NULL; j = (j + 1) & (cap - 1))
            if (tab[j].key == key && tab[j].parent == parent)
                break;
        if (tab[j].key == NULL) {
            tab[j].key = key;
            tab[j].parent = parent;
            tab[j].g = (uint32_t)sg->ngroups;
            /* existence (installed, removed) is a fact of the row */
            sg->exists[sg->ngroups++] = scenario_entity_exists_on(o, as_of);
        }
        sg->gid[i] = tab[j].g;
    }
    free(tab);
}

static void
share_groups_done(struct share_groups *sg)
{
    free(sg->gid);
    free(sg->exists);
}

/* A group's outcome for the rule being evaluated. */
enum { MEMO_NONE, MEMO_SHARED, MEMO_OWN };
struct memo {
    uint8_t state;   /* MEMO_NONE: not decided yet; MEMO_OWN: each entity its own */
    uint8_t outcome; /* MEMO_SHARED: the outcome before waivers */
};

/* Evaluate the pack on the facts (see the file comment); aggregate: see rule.h. */
static struct audit_result *
run(const struct rule_pack *pack, const struct scenario *sc, const struct audit_opts *opts,
    bool aggregate, char **cause)
{
    struct audit_result *res;
    struct eval_ctx ec;
    struct vec fvec, uvec;
    struct share_groups sg = { NULL, NULL, 0 };
    struct memo *memo = NULL;
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
                size_t n = scenario_count(sc, coll.kind), rule_first = res->nfindings;
                size_t gcap[RULE_NOUTCOMES * 4] = { 0 };
                struct rule_arena_mark mark = { 0, NULL, 0 };
                /* aggregated, devices that share their facts are decided once */
                bool share = aggregate && coll.kind == SCENARIO_DEVICE;

                if (share && sg.gid == NULL) {
                    share_groups_init(&sg, sc, opts->as_of);
                    memo = xcalloc(sg.ngroups + 1, sizeof *memo);
                } else if (share) {
                    memset(memo, 0, (sg.ngroups + 1) * sizeof *memo);
                }
                for (j = 0; j < n; j++) {
                    const struct scenario_entity *o = scenario_entity_at(sc, coll.kind, j);
                    struct memo *m = share ? &memo[sg.gid[j]] : NULL;

                    if (share ? !sg.exists[sg.gid[j]] : !scenario_entity_exists_on(o, opts->as_of))
                        continue; /* a device not installed yet, or removed */
                    init_finding(&fd, r);
                    fd.entity = (char *)(uintptr_t)scenario_entity_id(o);
                    if (aggregate)
                        mark = rule_arena_mark(ec.arena);
                    if (m != NULL && m->state == MEMO_SHARED) {
                        /* its group's outcome: fold it into that finding if it matches one */
                        fd.outcome = (enum rule_outcome)m->outcome;
                        if (fd.outcome == RULE_FAIL)
                            apply_waiver(ec.arena, &fd, opts->waivers, opts->as_of);
                        if (rank(fd.outcome) > rank(worst[i]))
                            worst[i] = fd.outcome;
                        if (fold(res, rule_first, &fd, gcap)) {
                            rule_arena_rewind(ec.arena, &mark);
                            continue;
                        }
                        /* a finding of its own (a waiver scoped to it): evaluated in full */
                        rule_arena_rewind(ec.arena, &mark);
                        init_finding(&fd, r);
                        fd.entity = (char *)(uintptr_t)scenario_entity_id(o);
                    }
                    ec.env[0].t = FT_OBJ;
                    ec.env[0].kind = coll.kind;
                    ec.env[0].u.obj = o;
                    ec.self = o;
                    ec.identity = false;
                    eval_instance(&ec, r, &tx, &fd, &fvec, &uvec);
                    ec.self = NULL;
                    if (m != NULL && m->state == MEMO_NONE) {
                        m->state = ec.identity ? MEMO_OWN : MEMO_SHARED;
                        m->outcome = (uint8_t)fd.outcome;
                    }
                    if (fd.outcome == RULE_FAIL)
                        apply_waiver(ec.arena, &fd, opts->waivers, opts->as_of);
                    if (first || rank(fd.outcome) > rank(worst[i]))
                        worst[i] = fd.outcome;
                    first = false;
                    if (aggregate && fold(res, rule_first, &fd, gcap)) {
                        rule_arena_rewind(ec.arena, &mark);
                        continue;
                    }
                    if (aggregate && res->nfindings - rule_first < FA_NITEMS(gcap)) {
                        /* past FA_NITEMS(gcap) distinct waiver notes, instances stay apart */
                        fd.group = xcalloc(1, sizeof *fd.group);
                        fd.group[0] = fd.entity;
                        fd.ngroup = 1;
                        gcap[res->nfindings - rule_first] = 1;
                    }
                    push_finding(res, &cap, &fd);
                }
                /* the entity lists belong to the result from now on */
                for (j = rule_first; aggregate && j < res->nfindings; j++)
                    if (res->findings[j].group != NULL)
                        vec_push(&ec.arena->chunks, res->findings[j].group);
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

        res->counts[fd->outcome] += fd->ngroup > 0 ? fd->ngroup : 1;
        a->counts[fd->outcome] += fd->ngroup > 0 ? fd->ngroup : 1;
        if (rank(fd->outcome) > rank(a->outcome))
            a->outcome = fd->outcome;
        res->approx |= fd->approx;
    }
    score(res, pack, worst);
    share_groups_done(&sg);
    free(memo);
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
