/* SPDX-License-Identifier: MIT */
/*
 * rule_group.c - a `for` rule over every entity of its collection, and the
 * aggregation of an audit of a large inventory (audit_run_aggregated).
 *
 * Entities that share their facts: the devices split into groups with the
 * same row of facts (scenario_entity_facts_key) and the same parent, so a
 * `for` rule's outcome is the same for the whole group unless the
 * evaluation read the entity's own identity (ec->identity). The groups are
 * computed once per audit; each rule then decides a group once and folds
 * the group's other devices into that finding. Folding keeps one finding
 * per rule, outcome and waiver note with the entities it stands for
 * (group[]), giving back the arena memory of each folded instance
 * (rule_arena_mark/rule_arena_rewind), so a million devices make a result
 * bounded by rules x outcomes.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rule/rule_audit_int.h"

#include "faceaudit/compat.h"
#include "faceaudit/xmalloc.h"

/* A group's outcome for the rule being evaluated. */
enum { MEMO_NONE, MEMO_SHARED, MEMO_OWN };
struct memo {
    uint8_t state;   /* MEMO_NONE: not decided yet; MEMO_OWN: each entity its own */
    uint8_t outcome; /* MEMO_SHARED: the outcome before waivers */
};

struct audit_share {
    uint32_t *gid;     /* per device index: its group */
    uint8_t *exists;   /* per group: exists on the as-of day */
    size_t ngroups;
    struct memo *memo; /* per group, reset for each rule */
};

static uint64_t
ptr_hash(const void *a, const void *b)
{
    uint64_t h = (uint64_t)(uintptr_t)a * 0x9e3779b97f4a7c15ULL;

    h ^= (uint64_t)(uintptr_t)b + 0x632be59bd9b4e019ULL + (h << 6) + (h >> 2);
    return h ^ (h >> 29);
}

/* The devices of sc split into groups that share their facts (see the file comment). */
static struct audit_share *
share_new(const struct scenario *sc, fa_date as_of)
{
    enum scenario_kind kind = SCENARIO_DEVICE;
    size_t n = scenario_count(sc, kind), cap = 16, i, j;
    struct slot { const void *key, *parent; uint32_t g; } *tab;
    struct audit_share *sg = xcalloc(1, sizeof *sg);

    while (cap < n * 2)
        cap *= 2;
    tab = xcalloc(cap, sizeof *tab);
    sg->gid = xcalloc(n + 1, sizeof *sg->gid);
    sg->exists = xcalloc(n + 1, sizeof *sg->exists);
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
    sg->memo = xcalloc(sg->ngroups + 1, sizeof *sg->memo);
    return sg;
}

static void
share_free(struct audit_share *sg)
{
    if (sg == NULL)
        return;
    free(sg->gid);
    free(sg->exists);
    free(sg->memo);
    free(sg);
}

void
audit_walk_done(struct audit_walk *w)
{
    share_free(w->share);
    w->share = NULL;
}

/*
 * Fold fd into the finding of its rule (those from index first on) with the
 * same outcome and waiver note, appending its entity. gcap holds the
 * capacity of each of the rule's entity lists. False when none matches.
 */
static bool
fold(struct audit_result *res, size_t first, const struct audit_finding *fd, size_t *gcap)
{
    size_t k;

    for (k = first; k < res->nfindings && k - first < RULE_NOUTCOMES * 4; k++) {
        struct audit_finding *g = &res->findings[k];

        if (g->group == NULL || g->outcome != fd->outcome || (g->waiver != fd->waiver &&
            (g->waiver == NULL || fd->waiver == NULL || strcmp(g->waiver, fd->waiver) != 0)))
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

void
audit_walk_rule(struct audit_walk *w, const struct rule *r, const struct rule_texts *tx,
    enum scenario_kind kind, enum rule_outcome *worst)
{
    struct audit_result *res = w->res;
    struct eval_ctx *ec = w->ec;
    const struct audit_opts *opts = w->opts;
    size_t n = scenario_count(ec->sc, kind), rule_first = res->nfindings, j;
    size_t gcap[RULE_NOUTCOMES * 4] = { 0 };
    struct rule_arena_mark mark = { 0, NULL, 0 };
    /* aggregated, devices that share their facts are decided once */
    bool share = w->aggregate && kind == SCENARIO_DEVICE, first = true;
    struct audit_share *sg = NULL;
    struct audit_finding fd;

    if (share) {
        if (w->share == NULL)
            w->share = share_new(ec->sc, opts->as_of);
        sg = w->share;
        memset(sg->memo, 0, (sg->ngroups + 1) * sizeof *sg->memo);
    }
    for (j = 0; j < n; j++) {
        const struct scenario_entity *o = scenario_entity_at(ec->sc, kind, j);
        struct memo *m = share ? &sg->memo[sg->gid[j]] : NULL;

        if (share ? !sg->exists[sg->gid[j]] : !scenario_entity_exists_on(o, opts->as_of))
            continue; /* a device not installed yet, or removed */
        audit_init_finding(&fd, r);
        fd.entity = (char *)(uintptr_t)scenario_entity_id(o);
        if (w->aggregate)
            mark = rule_arena_mark(ec->arena);
        if (m != NULL && m->state == MEMO_SHARED) {
            /* its group's outcome: fold it into that finding if it matches one */
            fd.outcome = (enum rule_outcome)m->outcome;
            if (fd.outcome == RULE_FAIL)
                audit_apply_waiver(ec->arena, &fd, opts->waivers, opts->as_of);
            if (audit_rank(fd.outcome) > audit_rank(*worst))
                *worst = fd.outcome;
            if (fold(res, rule_first, &fd, gcap)) {
                rule_arena_rewind(ec->arena, &mark);
                continue;
            }
            /* a finding of its own (a waiver scoped to it): evaluated in full */
            rule_arena_rewind(ec->arena, &mark);
            audit_init_finding(&fd, r);
            fd.entity = (char *)(uintptr_t)scenario_entity_id(o);
        }
        ec->env[0].t = FT_OBJ;
        ec->env[0].kind = kind;
        ec->env[0].u.obj = o;
        ec->self = o;
        ec->identity = false;
        audit_eval_instance(ec, r, tx, &fd, w->facts, w->unknowns);
        ec->self = NULL;
        if (m != NULL && m->state == MEMO_NONE) {
            m->state = ec->identity ? MEMO_OWN : MEMO_SHARED;
            m->outcome = (uint8_t)fd.outcome;
        }
        if (fd.outcome == RULE_FAIL)
            audit_apply_waiver(ec->arena, &fd, opts->waivers, opts->as_of);
        if (first || audit_rank(fd.outcome) > audit_rank(*worst))
            *worst = fd.outcome;
        first = false;
        if (w->aggregate && fold(res, rule_first, &fd, gcap)) {
            rule_arena_rewind(ec->arena, &mark);
            continue;
        }
        if (w->aggregate && res->nfindings - rule_first < FA_NITEMS(gcap)) {
            /* past FA_NITEMS(gcap) distinct waiver notes, instances stay apart */
            fd.group = xcalloc(1, sizeof *fd.group);
            fd.group[0] = fd.entity;
            fd.ngroup = 1;
            gcap[res->nfindings - rule_first] = 1;
        }
        audit_push_finding(res, w->cap, &fd);
    }
    /* the entity lists belong to the result from now on */
    for (j = rule_first; w->aggregate && j < res->nfindings; j++)
        if (res->findings[j].group != NULL)
            vec_push(&ec->arena->chunks, res->findings[j].group);
}
