/* SPDX-License-Identifier: MIT */
/*
 * rule_unknown.c - which unknown facts can change a verdict: exactly those
 * a needs_evidence finding lists (a decided rule does not depend on its
 * unknowns), gathered per fact across rules and devices and ordered by the
 * severity of the rules they would decide (`scenario check --unknown`).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "faceaudit/hash.h"
#include "faceaudit/rule.h"
#include "faceaudit/xmalloc.h"

/* Gathering state of one fact. */
struct gather {
    struct audit_unknown u;
    struct hash entities; /* ids the fact is unknown on (values unused) */
};

static void
gather_free(void *p)
{
    struct gather *g = p;

    hash_done(&g->entities);
    free(g->u.fact);
    free(g->u.rules);
    free(g);
}

/*
 * "device[cam-3].signage.prominent" -> "device.signage.prominent" and the id
 * "cam-3" ("*" inside a quantifier); a deployment fact is returned as is.
 */
static char *
fact_key(const char *name, char **id)
{
    const char *open = strchr(name, '['), *close;

    *id = NULL;
    if (open == NULL || (close = strstr(open, "].")) == NULL)
        return xstrdup(name);
    *id = xstrndup(open + 1, (size_t)(close - open - 1));
    return xasprintf("%.*s.%s", (int)(open - name), name, close + 2);
}

static int
unknown_cmp(const void *a, const void *b)
{
    const struct audit_unknown *x = a, *y = b;

    if (x->severity != y->severity)
        return x->severity > y->severity ? -1 : 1;
    if (x->nrules != y->nrules)
        return x->nrules > y->nrules ? -1 : 1;
    return strcmp(x->fact, y->fact);
}

/* Rules most severe first, then by id. */
static int
rule_cmp(const void *a, const void *b)
{
    const struct rule *x = *(const struct rule *const *)a, *y = *(const struct rule *const *)b;

    if (rule_severity(x) != rule_severity(y))
        return rule_severity(x) > rule_severity(y) ? -1 : 1;
    return strcmp(rule_id(x), rule_id(y));
}

struct audit_unknown *
audit_unknowns(const struct audit_result *res, size_t *n)
{
    struct hash by_fact;
    struct audit_unknown *out;
    const struct hash_entry *he;
    size_t i, j, k, iter = 0;

    hash_init(&by_fact, gather_free);
    for (i = 0; i < res->nfindings; i++) {
        const struct audit_finding *fd = &res->findings[i];

        if (fd->outcome != RULE_NEEDS_EVIDENCE)
            continue;
        for (j = 0; j < fd->nunknown; j++) {
            char *id, *key = fact_key(fd->unknown[j], &id);
            struct gather *g = hash_get(&by_fact, key);

            if (g == NULL) {
                g = xcalloc(1, sizeof *g);
                g->u.fact = xstrdup(key);
                g->u.severity = fd->severity;
                hash_init(&g->entities, NULL);
                hash_put(&by_fact, key, g);
            }
            if (fd->severity > g->u.severity)
                g->u.severity = fd->severity;
            for (k = 0; k < g->u.nrules && g->u.rules[k] != fd->rule; k++)
                ;
            if (k == g->u.nrules) {
                g->u.rules = xreallocarray(g->u.rules, g->u.nrules + 1, sizeof *g->u.rules);
                g->u.rules[g->u.nrules++] = fd->rule;
            }
            if (id != NULL && strcmp(id, "*") != 0 && !hash_contains(&g->entities, id)) {
                hash_put(&g->entities, id, NULL);
                g->u.entities++;
            }
            free(id);
            free(key);
        }
    }
    out = xcalloc(by_fact.len + 1, sizeof *out);
    *n = 0;
    while ((he = hash_next(&by_fact, &iter)) != NULL) {
        struct gather *g = he->value;

        out[*n] = g->u;
        qsort(out[*n].rules, out[*n].nrules, sizeof *out[*n].rules, rule_cmp);
        g->u.fact = NULL;
        g->u.rules = NULL;
        (*n)++;
    }
    hash_done(&by_fact);
    qsort(out, *n, sizeof *out, unknown_cmp);
    return out;
}

void
audit_unknowns_free(struct audit_unknown *u, size_t n)
{
    size_t i;

    for (i = 0; u != NULL && i < n; i++) {
        free(u[i].fact);
        free(u[i].rules);
    }
    free(u);
}
