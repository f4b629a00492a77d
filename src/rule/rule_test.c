/* SPDX-License-Identifier: MIT */
/*
 * rule_test.c - golden tests of the rule pack (`faceaudit rules test`) and
 * its lint (`faceaudit rules lint`).
 *
 * A test file (rules/tests/NAME.test) is line-based:
 *
 *     fixture NAME [from OTHER] {        a reusable starting point
 *         scenario FILE.fa.yaml          relative to the test folder
 *         set [KIND:ID] PATH = VALUE     scenario_set() on the entity
 *     }
 *     case "TITLE" [from FIXTURE] {      one audit
 *         as_of DATE                     default: the scenario's as_of
 *         reading NAME=ALT               a contested reading's alternative
 *         set [KIND:ID] PATH = VALUE     later sets win; the deployment by default
 *         expect RULE-ID[@ENTITY] OUTCOME
 *     }
 *
 * Without @ENTITY an expectation is about the rule's worst instance. A
 * clause that some non-advisory rule cites is covered when passing
 * expectations show both a pass and a fail of rules citing it; an
 * advisory-only clause needs an advisory and a pass. Errors name
 * file:line.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rule/rule_int.h"

#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

struct tline {
    char *path, *value, *where;
    char *target;  /* "kind:id", or NULL for the deployment */
};

struct tblock {
    bool is_case;
    char *name;
    char *from;
    char *where;
    char *scenario;  /* base scenario file, or NULL (from the parent fixture) */
    fa_date as_of;   /* FA_DATE_NONE: the scenario's as_of */
    struct tline *sets;
    size_t nsets;
    struct tline *expects;  /* path = rule[@entity], value = outcome */
    size_t nexpects;
    int *readings;   /* a case's selection per pack reading (all literal by default) */
};

static void
block_free(void *p)
{
    struct tblock *b = p;
    size_t i;

    for (i = 0; i < b->nsets; i++) {
        free(b->sets[i].path);
        free(b->sets[i].value);
        free(b->sets[i].where);
        free(b->sets[i].target);
    }
    for (i = 0; i < b->nexpects; i++) {
        free(b->expects[i].path);
        free(b->expects[i].value);
        free(b->expects[i].where);
    }
    free(b->sets);
    free(b->expects);
    free(b->name);
    free(b->from);
    free(b->where);
    free(b->scenario);
    free(b->readings);
    free(b);
}

static char *
word(char **s)
{
    char *p = *s, *start;

    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '\0')
        return NULL;
    if (*p == '"') {
        start = ++p;
        while (*p != '\0' && *p != '"')
            p++;
        if (*p == '"')
            *p++ = '\0';
        *s = p;
        return start;
    }
    start = p;
    while (*p != '\0' && *p != ' ' && *p != '\t')
        p++;
    if (*p != '\0')
        *p++ = '\0';
    *s = p;
    return start;
}

static int
enum_outcome(const char *s)
{
    int i;

    for (i = 0; i < RULE_NOUTCOMES; i++) {
        if (strcmp(s, rule_outcome_name((enum rule_outcome)i)) == 0)
            return i;
    }
    return -1;
}

static int
parse_test_file(const char *path, const struct rule_pack *pack, struct vec *blocks,
    char **cause)
{
    size_t len;
    char *text = fs_read_file(path, 1024 * 1024, &len, cause), *line, *save = NULL;
    struct tblock *cur = NULL;
    int lineno = 0, rc = -1;

    if (text == NULL)
        return -1;
    for (line = text; line != NULL; line = save) {
        char *nl = strchr(line, '\n'), *s, *kw;

        save = nl != NULL ? nl + 1 : NULL;
        if (nl != NULL)
            *nl = '\0';
        lineno++;
        if ((s = strchr(line, '#')) != NULL && strchr(line, '"') == NULL)
            *s = '\0';
        s = line;
        if ((kw = word(&s)) == NULL)
            continue;
        if (cur == NULL) {
            bool is_case = strcmp(kw, "case") == 0;
            char *name, *w;

            if (!is_case && strcmp(kw, "fixture") != 0) {
                cause_set(cause, "%s:%d: expected 'case' or 'fixture', found '%s'", path,
                    lineno, kw);
                goto out;
            }
            if ((name = word(&s)) == NULL) {
                cause_set(cause, "%s:%d: '%s' needs a name", path, lineno, kw);
                goto out;
            }
            cur = xcalloc(1, sizeof *cur);
            cur->is_case = is_case;
            cur->name = xstrdup(name);
            cur->where = xasprintf("%s:%d", path, lineno);
            cur->as_of = FA_DATE_NONE;
            w = word(&s);
            if (w != NULL && strcmp(w, "from") == 0) {
                if ((w = word(&s)) == NULL) {
                    cause_set(cause, "%s:%d: 'from' needs a fixture name", path, lineno);
                    goto out;
                }
                cur->from = xstrdup(w);
                w = word(&s);
            }
            if (w == NULL || strcmp(w, "{") != 0) {
                cause_set(cause, "%s:%d: expected '{' after the %s name", path, lineno, kw);
                goto out;
            }
            continue;
        }
        if (strcmp(kw, "}") == 0) {
            vec_push(blocks, cur);
            cur = NULL;
            continue;
        }
        if (strcmp(kw, "scenario") == 0 && !cur->is_case) {
            char *f = word(&s);

            if (f == NULL) {
                cause_set(cause, "%s:%d: 'scenario' needs a file name", path, lineno);
                goto out;
            }
            free(cur->scenario);
            cur->scenario = xstrdup(f);
            continue;
        }
        if (strcmp(kw, "set") == 0) {
            char *p = word(&s), *target = NULL, *eq, *v;

            if (p != NULL && strchr(p, ':') != NULL) {
                target = p;
                p = word(&s);
            }
            eq = word(&s);
            v = s;
            while (*v == ' ' || *v == '\t')
                v++;
            if (p == NULL || eq == NULL || strcmp(eq, "=") != 0 || *v == '\0') {
                cause_set(cause, "%s:%d: expected 'set [KIND:ID] PATH = VALUE'", path, lineno);
                goto out;
            }
            cur->sets = xreallocarray(cur->sets, cur->nsets + 1, sizeof *cur->sets);
            cur->sets[cur->nsets].target = target != NULL ? xstrdup(target) : NULL;
            cur->sets[cur->nsets].path = xstrdup(p);
            cur->sets[cur->nsets].value = xstrdup(v);
            cur->sets[cur->nsets++].where = xasprintf("%s:%d", path, lineno);
            continue;
        }
        if (strcmp(kw, "as_of") == 0 && cur->is_case) {
            char *d = word(&s), *c2 = NULL;

            if (d == NULL || date_parse(d, &cur->as_of, &c2) != 0) {
                cause_set(cause, "%s:%d: bad as_of date: %s", path, lineno,
                    c2 != NULL ? c2 : "missing");
                free(c2);
                goto out;
            }
            continue;
        }
        if (strcmp(kw, "reading") == 0 && cur->is_case) {
            char *spec = word(&s), *eq = spec != NULL ? strchr(spec, '=') : NULL;
            const struct rule_reading_def *rd;
            size_t ri;
            int k;

            if (eq != NULL)
                *eq++ = '\0';
            if (eq == NULL || (rd = rule_pack_reading_find(pack, spec, &ri)) == NULL ||
                (k = schema_symbol_index((const char *const *)rd->alts, eq)) < 0) {
                cause_set(cause, "%s:%d: expected 'reading NAME=ALT' naming a declared "
                    "reading and one of its alternatives", path, lineno);
                goto out;
            }
            if (cur->readings == NULL)
                cur->readings = xcalloc(pack->readings.len + 1, sizeof *cur->readings);
            cur->readings[ri] = k;
            continue;
        }
        if (strcmp(kw, "expect") == 0 && cur->is_case) {
            char *r = word(&s), *o = word(&s), *at;
            char *id;

            if (r == NULL || o == NULL) {
                cause_set(cause, "%s:%d: expected 'expect RULE-ID[@ENTITY] OUTCOME'", path,
                    lineno);
                goto out;
            }
            id = xstrdup(r);
            if ((at = strchr(id, '@')) != NULL)
                *at = '\0';
            if (rule_pack_find(pack, id) == NULL) {
                cause_set(cause, "%s:%d: unknown rule '%s'", path, lineno, id);
                free(id);
                goto out;
            }
            free(id);
            if (enum_outcome(o) < 0) {
                cause_set(cause, "%s:%d: unknown outcome '%s' (pass, fail, not_applicable, "
                    "needs_evidence, advisory, waived)", path, lineno, o);
                goto out;
            }
            cur->expects = xreallocarray(cur->expects, cur->nexpects + 1,
                sizeof *cur->expects);
            cur->expects[cur->nexpects].path = xstrdup(r);
            cur->expects[cur->nexpects].value = xstrdup(o);
            cur->expects[cur->nexpects++].where = xasprintf("%s:%d", path, lineno);
            continue;
        }
        cause_set(cause, "%s:%d: unknown line '%s'", path, lineno, kw);
        goto out;
    }
    if (cur != NULL) {
        cause_set(cause, "%s: '%s' at %s is not closed with '}'", path, cur->name, cur->where);
        goto out;
    }
    rc = 0;
out:
    if (cur != NULL)
        block_free(cur);
    free(text);
    return rc;
}

static const struct tblock *
find_fixture(const struct vec *blocks, const char *name)
{
    size_t i;

    for (i = 0; i < blocks->len; i++) {
        const struct tblock *b = vec_get(blocks, i);

        if (!b->is_case && strcmp(b->name, name) == 0)
            return b;
    }
    return NULL;
}

/* The base scenario file of a block (its own or a fixture's), or NULL. */
static const char *
block_scenario(const struct vec *blocks, const struct tblock *b, int depth)
{
    const struct tblock *base;

    if (b->scenario != NULL || b->from == NULL || depth > 16)
        return b->scenario;
    if ((base = find_fixture(blocks, b->from)) == NULL)
        return NULL;
    return block_scenario(blocks, base, depth + 1);
}

static int
apply_block(struct scenario *sc, const struct vec *blocks, const struct tblock *b, int depth,
    char **cause)
{
    size_t i;

    if (depth > 16)
        return cause_set(cause, "%s: fixtures nested too deep (a cycle?)", b->where);
    if (b->from != NULL) {
        const struct tblock *base = find_fixture(blocks, b->from);

        if (base == NULL)
            return cause_set(cause, "%s: unknown fixture '%s'", b->where, b->from);
        if (apply_block(sc, blocks, base, depth + 1, cause) != 0)
            return -1;
    }
    for (i = 0; i < b->nsets; i++) {
        const struct tline *t = &b->sets[i];
        struct scenario_entity *e = scenario_deployment(sc);

        if (t->target != NULL) {
            char *kind = xstrdup(t->target), *id = strchr(kind, ':');
            int k;

            *id++ = '\0';
            k = scenario_kind_from_name(kind);
            e = k >= 0 ? scenario_find(sc, (enum scenario_kind)k, id) : NULL;
            free(kind);
            if (e == NULL)
                return cause_set(cause, "%s: no entity '%s' in the scenario", t->where,
                    t->target);
        }
        if (scenario_set(e, t->path, t->value, cause) != 0) {
            cause_prefix(cause, "%s", t->where);
            return -1;
        }
    }
    return 0;
}

/* Worst outcome of rule id (optionally one entity) in res, or -1 if absent. */
static int
worst_outcome(const struct audit_result *res, const char *id, const char *entity,
    const struct audit_finding **which)
{
    static const int rank[] = { 2, 5, 0, 4, 1, 3 };  /* by enum rule_outcome */
    int got = -1;
    size_t k;

    for (k = 0; k < res->nfindings; k++) {
        const struct audit_finding *fd = &res->findings[k];

        if (strcmp(fd->rule_id, id) != 0)
            continue;
        if (entity != NULL && (fd->entity == NULL || strcmp(fd->entity, entity) != 0))
            continue;
        if (got < 0 || rank[fd->outcome] > rank[got]) {
            got = (int)fd->outcome;
            if (which != NULL)
                *which = fd;
        }
    }
    return got;
}

struct clause_cov {
    const char *id;
    bool obligation;
    bool seen[RULE_NOUTCOMES];
};

static int
cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run every *.test file of dir; see the file comment. */
int
rule_tests_run(const struct rule_pack *pack, const char *dir, const struct calendar *cal,
    struct rule_test_report *rep, char **cause)
{
    struct vec blocks, names;
    struct strbuf log;
    struct clause_cov *cov;
    struct dirent *de;
    DIR *d;
    size_t i, j, k;
    int rc = -1;

    memset(rep, 0, sizeof *rep);
    if ((d = opendir(dir)) == NULL)
        return cause_set(cause, "%s: %s", dir, strerror(errno));
    vec_init(&names, free);
    while ((de = readdir(d)) != NULL) {
        if (str_has_suffix(de->d_name, ".test"))
            vec_push(&names, path_join(dir, de->d_name));
    }
    closedir(d);
    vec_sort(&names, cmp_name);
    vec_init(&blocks, block_free);
    strbuf_init(&log);
    cov = xcalloc(pack->clauses.len + 1, sizeof *cov);
    for (i = 0; i < pack->clauses.len; i++) {
        const struct rule_clause *c = vec_get(&pack->clauses, i);

        cov[i].id = c->id;
        for (j = 0; j < pack->rules.len; j++) {
            const struct rule *r = vec_get(&pack->rules, j);

            if (strcmp(r->clause, c->id) == 0 && !r->advisory)
                cov[i].obligation = true;
        }
    }
    for (i = 0; i < names.len; i++) {
        if (parse_test_file(vec_get(&names, i), pack, &blocks, cause) != 0)
            goto out;
    }
    for (i = 0; i < blocks.len; i++) {
        const struct tblock *b = vec_get(&blocks, i);
        struct audit_opts opts = { b->as_of, cal, NULL, NULL };
        struct audit_result *res;
        struct scenario *f;
        struct fact_value asof;
        const char *base = block_scenario(&blocks, b, 0);
        char *spath;
        bool ok = true;

        if (!b->is_case)
            continue;
        rep->ncases++;
        if (base == NULL) {
            cause_set(cause, "%s: case \"%s\" has no scenario (a fixture with 'scenario FILE')",
                b->where, b->name);
            goto out;
        }
        spath = path_join(dir, base);
        f = scenario_load(spath, SCENARIO_LOAD_NO_EVIDENCE, cause);
        free(spath);
        if (f == NULL) {
            cause_prefix(cause, "%s", b->where);
            goto out;
        }
        if (apply_block(f, &blocks, b, 0, cause) != 0) {
            scenario_free(f);
            goto out;
        }
        opts.readings = b->readings;
        if (opts.as_of == FA_DATE_NONE) {
            scenario_get(scenario_deployment(f), "as_of", &asof, NULL);
            opts.as_of = asof.state == FACT_KNOWN ? asof.v.date : date_from_ymd(2026, 1, 15);
        }
        if ((res = audit_run(pack, f, &opts, cause)) == NULL) {
            scenario_free(f);
            goto out;
        }
        for (j = 0; j < b->nexpects; j++) {
            char *id = xstrdup(b->expects[j].path), *at = strchr(id, '@');
            enum rule_outcome want = (enum rule_outcome)enum_outcome(b->expects[j].value);
            int got = -1;
            const struct audit_finding *gotf = NULL;

            if (at != NULL)
                *at++ = '\0';
            got = worst_outcome(res, id, at, &gotf);
            if (got != (int)want) {
                ok = false;
                strbuf_printf(&log, "FAIL %s: case \"%s\": %s is %s, expected %s",
                    b->expects[j].where, b->name, b->expects[j].path,
                    got < 0 ? "absent" : rule_outcome_name((enum rule_outcome)got),
                    rule_outcome_name(want));
                if (gotf != NULL && gotf->reason != NULL)
                    strbuf_printf(&log, " (%s)", gotf->reason);
                strbuf_putc(&log, '\n');
            } else {
                const struct rule *r = rule_pack_find(pack, id);

                for (k = 0; k < pack->clauses.len; k++) {
                    if (strcmp(cov[k].id, r->clause) == 0)
                        cov[k].seen[want] = true;
                }
            }
            free(id);
        }
        if (ok) {
            rep->npassed++;
            strbuf_printf(&log, "ok   %s: %s\n", b->where, b->name);
        }
        audit_result_free(res);
        scenario_free(f);
    }
    for (i = 0; i < pack->clauses.len; i++) {
        bool covered;

        rep->nclauses++;
        if (cov[i].obligation)
            covered = cov[i].seen[RULE_PASS] && cov[i].seen[RULE_FAIL];
        else
            covered = cov[i].seen[RULE_PASS] && cov[i].seen[RULE_ADVISORY];
        if (covered)
            rep->ncovered++;
        else
            strbuf_printf(&log, "UNCOVERED clause %s: no passing test shows %s\n", cov[i].id,
                cov[i].obligation ? (cov[i].seen[RULE_PASS] ? "a fail" : "a pass") :
                (cov[i].seen[RULE_PASS] ? "an advisory" : "a pass"));
    }
    rc = 0;
out:
    rep->log = strbuf_detach(&log);
    free(cov);
    vec_done(&blocks);
    vec_done(&names);
    return rc;
}

/* Free the report's log. */
void
rule_test_report_done(struct rule_test_report *rep)
{
    free(rep->log);
    rep->log = NULL;
}

/* Compare a result with an expected-outcomes file; see rule.h. */
int
audit_check_expected(const struct audit_result *res, const struct rule_pack *pack,
    const char *path, char **logp, char **cause)
{
    size_t len;
    char *text = fs_read_file(path, 1024 * 1024, &len, cause), *line, *next;
    struct strbuf log;
    int lineno = 0, bad = 0;

    if (text == NULL)
        return -1;
    strbuf_init(&log);
    for (line = text; line != NULL; line = next) {
        char *nl = strchr(line, '\n'), *s, *kw, *a, *b;

        next = nl != NULL ? nl + 1 : NULL;
        if (nl != NULL)
            *nl = '\0';
        lineno++;
        if ((s = strchr(line, '#')) != NULL)
            *s = '\0';
        s = line;
        if ((kw = word(&s)) == NULL)
            continue;
        a = word(&s);
        b = word(&s);
        if (strcmp(kw, "grade") == 0 && a != NULL && b == NULL) {
            /* `grade none`: no score and no grade (Art. 2 scope, Art. 20 in force) */
            if (strcmp(a, "none") == 0 ? res->no_score == NULL :
                a[0] != res->grade || a[1] != '\0' || res->no_score != NULL) {
                strbuf_printf(&log, "%s:%d: grade is %s, expected %s\n", path, lineno,
                    res->no_score != NULL ? "none" : (char[2]){ res->grade, '\0' }, a);
                bad++;
            }
            continue;
        }
        if (a == NULL || b == NULL || enum_outcome(b) < 0 ||
            (strcmp(kw, "expect") != 0 && strcmp(kw, "article") != 0)) {
            cause_set(cause, "%s:%d: expected 'expect RULE-ID[@ENTITY] OUTCOME', 'article N "
                "OUTCOME' or 'grade G'", path, lineno);
            goto fail;
        }
        if (strcmp(kw, "article") == 0) {
            int n = atoi(a);

            if (n < 1 || n > RULE_NARTICLES) {
                cause_set(cause, "%s:%d: no article '%s'", path, lineno, a);
                goto fail;
            }
            if ((int)res->articles[n - 1].outcome != enum_outcome(b)) {
                strbuf_printf(&log, "%s:%d: article %d is %s, expected %s\n", path, lineno, n,
                    rule_outcome_name(res->articles[n - 1].outcome), b);
                bad++;
            }
        } else {
            char *id = xstrdup(a), *at = strchr(id, '@');
            const struct audit_finding *fd = NULL;
            int got;

            if (at != NULL)
                *at++ = '\0';
            if (rule_pack_find(pack, id) == NULL) {
                cause_set(cause, "%s:%d: unknown rule '%s'", path, lineno, id);
                free(id);
                goto fail;
            }
            got = worst_outcome(res, id, at, &fd);
            if (got != enum_outcome(b)) {
                strbuf_printf(&log, "%s:%d: %s is %s, expected %s%s%s%s\n", path, lineno, a,
                    got < 0 ? "absent" : rule_outcome_name((enum rule_outcome)got), b,
                    fd != NULL && fd->reason != NULL ? " (" : "",
                    fd != NULL && fd->reason != NULL ? fd->reason : "",
                    fd != NULL && fd->reason != NULL ? ")" : "");
                bad++;
            }
            free(id);
        }
    }
    free(text);
    *logp = strbuf_detach(&log);
    return bad;
fail:
    free(text);
    strbuf_done(&log);
    return -1;
}

/* --- lint ------------------------------------------------------------------- */

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
