/* SPDX-License-Identifier: MIT */
#ifndef FA_RULE_AUDIT_INT_H
#define FA_RULE_AUDIT_INT_H
/*
 * rule_audit_int.h - what the audit (rule_audit.c) shares with the walk of
 * a `for` rule's instances (rule_group.c), private to src/rule/. The audit
 * decides one instance (audit_eval_instance) and applies waivers; the walk
 * runs a rule over every entity of a collection and, in an aggregated
 * audit, decides the devices that share their facts once and folds them
 * into one finding per outcome and waiver note.
 */

#include "rule/rule_int.h"

/* Per-rule text computed once: printed conditions. */
struct rule_texts {
    char **cond;  /* "fail when EXPR" etc., arena strings: findings point at them */
};

/* Worse outcomes have higher ranks (for roll-ups). */
int audit_rank(enum rule_outcome o);
/* fd zeroed and bound to r (no entity, not decided). */
void audit_init_finding(struct audit_finding *fd, const struct rule *r);
/* Append a copy of fd to res->findings (*cap: the array's capacity). */
void audit_push_finding(struct audit_result *res, size_t *cap, const struct audit_finding *fd);
/* The waiver bearing on a failed fd: waived, or a note why it does not apply. */
void audit_apply_waiver(struct rule_arena *ar, struct audit_finding *fd,
    const struct waivers *w, fa_date as_of);
/* Evaluate one instance of r (ec->env[0] bound for a `for` rule) into fd. */
void audit_eval_instance(struct eval_ctx *ec, const struct rule *r, const struct rule_texts *tx,
    struct audit_finding *fd, struct vec *facts, struct vec *unknowns);

/* The walk's state over one audit (rule_group.c). */
struct audit_walk {
    struct audit_result *res;
    size_t *cap;                  /* capacity of res->findings */
    struct eval_ctx *ec;
    const struct audit_opts *opts;
    struct vec *facts, *unknowns; /* the explanation being built */
    bool aggregate;               /* fold instances (audit_run_aggregated) */
    struct audit_share *share;    /* devices sharing their facts, made on first use */
};

/*
 * Every instance of the `for` rule r over the entities of kind (at least
 * one) pushed to w->res, aggregated if w->aggregate; *worst is the rule's
 * worst outcome.
 */
void audit_walk_rule(struct audit_walk *w, const struct rule *r, const struct rule_texts *tx,
    enum scenario_kind kind, enum rule_outcome *worst);
/* Free what the walk made (the share groups). */
void audit_walk_done(struct audit_walk *w);

#endif /* FA_RULE_AUDIT_INT_H */
