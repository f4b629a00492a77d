/* SPDX-License-Identifier: MIT */
/*
 * rule_lint.c - `faceaudit rules lint` on a loaded pack: articles without
 * rules, facts the schema has that no rule reads, conditions that never
 * depend on a fact (always true, false or unknown), clauses no rule cites.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rule/rule_int.h"

#include "faceaudit/xmalloc.h"

static void
lint_expr(struct strbuf *log, size_t *n, const struct rule *r, const char *what,
    const struct expr *e)
{
    if (!e->has_facts) {
        strbuf_printf(log, "%s:%d:%d: %s: '%s' never depends on a fact (always the same)\n",
            e->loc.file, e->loc.line, e->loc.col, r->id, what);
        (*n)++;
    }
}

/* Sub-expressions that can never take both truth values. */
static void
lint_walk(struct strbuf *log, size_t *n, const struct rule *r, const struct expr *e)
{
    size_t i, j;

    if (e == NULL)
        return;
    if ((e->kind == EX_IN || e->kind == EX_NOTIN) && e->b->kind == EX_SET &&
        e->a->type == FT_SYMBOL && e->a->symbols != NULL) {
        size_t nvals = 0;
        uint64_t seen = 0;

        while (e->a->symbols[nvals] != NULL)
            nvals++;
        for (i = 0; i < e->b->nargs; i++) {
            int sym = e->b->args[i]->sym;

            if (sym >= 0 && sym < 64 && (seen >> sym & 1) != 0) {
                strbuf_printf(log, "%s:%d:%d: %s: '%s' is listed twice\n", e->b->loc.file,
                    e->b->args[i]->loc.line, e->b->args[i]->loc.col, r->id,
                    e->b->args[i]->name);
                (*n)++;
            }
            if (sym >= 0 && sym < 64)
                seen |= (uint64_t)1 << sym;
        }
        if (nvals < 64 && seen == (((uint64_t)1 << nvals) - 1)) {
            strbuf_printf(log, "%s:%d:%d: %s: the set lists every value, so '%s' is %s "
                "whenever the fact is known\n", e->loc.file, e->loc.line, e->loc.col, r->id,
                e->kind == EX_IN ? "in" : "not in", e->kind == EX_IN ? "always true" :
                "always false");
            (*n)++;
        }
    }
    if (e->kind == EX_AND) {
        /* x == a and x == b with a != b can never hold */
        const struct expr *l = e->a, *rr = e->b;

        if (l->kind == EX_CMP && rr->kind == EX_CMP && l->op == TOK_EQ && rr->op == TOK_EQ &&
            l->b->kind == EX_SYMBOL && rr->b->kind == EX_SYMBOL && l->b->sym != rr->b->sym) {
            struct strbuf x, y;

            strbuf_init(&x);
            strbuf_init(&y);
            rule_expr_print(&x, l->a);
            rule_expr_print(&y, rr->a);
            if (strcmp(strbuf_str(&x), strbuf_str(&y)) == 0) {
                strbuf_printf(log, "%s:%d:%d: %s: '%s' cannot equal both %s and %s: the "
                    "condition is never true\n", e->loc.file, e->loc.line, e->loc.col, r->id,
                    strbuf_str(&x), l->b->name, rr->b->name);
                (*n)++;
            }
            strbuf_done(&x);
            strbuf_done(&y);
        }
    }
    lint_walk(log, n, r, e->a);
    lint_walk(log, n, r, e->b);
    for (j = 0; j < e->nargs; j++)
        lint_walk(log, n, r, e->args[j]);
}

/* A decision clause that contradicts `applies when` can never decide. */
static void
lint_applies(struct strbuf *log, size_t *n, const struct rule *r)
{
    size_t i, j;

    for (i = 0; i < r->nconds; i++) {
        struct strbuf a;

        if (r->conds[i].kind != CL_APPLIES)
            continue;
        strbuf_init(&a);
        rule_expr_print(&a, r->conds[i].e);
        for (j = 0; j < r->nconds; j++) {
            const struct expr *d = r->conds[j].e;
            struct strbuf b;

            if ((r->conds[j].kind != CL_FAIL && r->conds[j].kind != CL_PASS) ||
                d->kind != EX_NOT)
                continue;
            strbuf_init(&b);
            rule_expr_print(&b, d->a);
            if (strcmp(strbuf_str(&a), strbuf_str(&b)) == 0) {
                strbuf_printf(log, "%s:%d:%d: %s: '%s when not ...' contradicts 'applies "
                    "when': it can never be true when the rule applies\n", d->loc.file,
                    d->loc.line, d->loc.col, r->id, r->conds[j].kind == CL_FAIL ? "fail" :
                    "pass");
                (*n)++;
            }
            strbuf_done(&b);
        }
        strbuf_done(&a);
    }
}

/* True when devices have an inheriting fact of that path (a scoped fact). */
static bool
device_inherits(const char *path)
{
    const struct fact_def *dd = scenario_fact_find(SCENARIO_DEVICE, path, NULL);

    return dd != NULL && dd->kind == SCENARIO_DEVICE && (dd->flags & FACT_F_INHERIT) != 0;
}

/* Lint the pack (see rule.h); returns the number of problems. */
size_t
rule_pack_lint(const struct rule_pack *pack, char **logp)
{
    struct strbuf log;
    size_t i, j, n = 0;

    strbuf_init(&log);
    for (i = 1; i <= RULE_NARTICLES; i++) {
        const struct rule_article *a = &pack->articles[i];
        bool has = false;

        if (!a->present) {
            strbuf_printf(&log, "article %zu: no rule file\n", i);
            n++;
            continue;
        }
        for (j = 0; j < pack->rules.len; j++)
            has |= ((const struct rule *)vec_get(&pack->rules, j))->article == (int)i;
        if (!has && a->info.informational == NULL) {
            strbuf_printf(&log, "%s: article %zu has no rules and is not declared "
                "informational\n", a->info.file, i);
            n++;
        }
        if (has && a->info.informational != NULL) {
            strbuf_printf(&log, "%s: article %zu is declared informational but has rules\n",
                a->info.file, i);
            n++;
        }
    }
    for (i = 0; i < pack->clauses.len; i++) {
        const struct rule_clause *c = vec_get(&pack->clauses, i);
        bool cited = false;

        for (j = 0; j < pack->rules.len; j++)
            cited |= strcmp(((const struct rule *)vec_get(&pack->rules, j))->clause,
                c->id) == 0;
        if (!cited) {
            strbuf_printf(&log, "%s:%d:%d: clause %s: no rule cites it\n", c->loc.file,
                c->loc.line, c->loc.col, c->id);
            n++;
        }
    }
    for (i = 0; i < pack->rules.len; i++) {
        const struct rule *r = vec_get(&pack->rules, i);

        for (j = 0; j < r->nconds; j++) {
            static const char *const names[] = { "applies when", "except", "fail when",
                "pass when" };

            lint_expr(&log, &n, r, names[r->conds[j].kind], r->conds[j].e);
            lint_walk(&log, &n, r, r->conds[j].e);
        }
        lint_applies(&log, &n, r);
    }
    for (i = 0; i < scenario_fact_count(); i++) {
        const struct fact_def *d = scenario_fact_at(i);
        char *k;

        if ((d->flags & (FACT_F_META | FACT_F_COMPUTED | FACT_F_ID | FACT_F_EVIDENCE |
            FACT_F_EVENT)) != 0 ||
            d->type == FACT_STRING || d->type == FACT_NUMBER ||
            d->kind == SCENARIO_EVIDENCE)
            continue;  /* bookkeeping, names and free text: not compliance facts */
        if (d->kind == SCENARIO_DEPLOYMENT && strcmp(d->path, "as_of") == 0)
            continue;  /* the audit's own date: --as-of, as_of() */
        if ((d->kind == SCENARIO_SITE || d->kind == SCENARIO_ZONE) &&
            scenario_fact_find(SCENARIO_DEVICE, d->path, NULL) != NULL &&
            scenario_fact_find(SCENARIO_DEVICE, d->path, NULL)->kind == SCENARIO_DEVICE)
            continue;  /* read through the devices: checked with the device's fact */
        k = xasprintf("%s.%s", scenario_kind_name(d->kind), d->path);
        if (!hash_contains(&pack->used, k) && d->kind == SCENARIO_DEPLOYMENT &&
            device_inherits(d->path)) {
            /* a scoped fact's default: read through the devices that inherit it */
            char *dk = xasprintf("device.%s", d->path);
            bool read = hash_contains(&pack->used, dk);

            free(dk);
            if (read) {
                free(k);
                continue;
            }
        }
        if (!hash_contains(&pack->used, k)) {
            strbuf_printf(&log, "fact %s (%s): no rule reads it\n", k,
                scenario_fact_type_name(d->type));
            n++;
        }
        free(k);
    }
    *logp = strbuf_detach(&log);
    return n;
}
