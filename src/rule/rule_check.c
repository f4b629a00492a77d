/* SPDX-License-Identifier: MIT */
/*
 * rule_check.c - load-time checking of a parsed pack: every name resolves
 * (a `for` variable, a `let`, a quantifier variable, `deployment`, a
 * collection such as `devices`, or the first part of a deployment fact such
 * as `consent` in consent.type), every fact path exists in the scenario's
 * schema (scenario_fact_find(), with its did-you-mean hint),
 * enum values belong to their fact's enum, builtins exist and get the right
 * number and types of arguments, conditions are boolean, and every rule
 * cites a clause its article declares. Errors say file:line:col.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule/rule_int.h"

#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

#define MAX_SCOPE 32

struct binding {
    const char *name;
    int slot;
    enum ftype type;
    enum scenario_kind kind;
    const char *const *symbols;
};

/* Collections a rule may range over, by root name. */
static const struct {
    const char *name;
    enum scenario_kind kind;
} roots[] = {
    { "sites", SCENARIO_SITE },
    { "zones", SCENARIO_ZONE },
    { "devices", SCENARIO_DEVICE },
    { "evidence", SCENARIO_EVIDENCE },
    { "filing_changes", SCENARIO_FILING_CHANGE },
};

static int
root_index(const char *name)
{
    size_t i;

    for (i = 0; i < FA_NITEMS(roots); i++) {
        if (strcmp(roots[i].name, name) == 0)
            return (int)i;
    }
    return -1;
}

/* Whether some fact of kind starts with "prefix." */
static bool
fact_prefix_exists(enum scenario_kind kind, const char *prefix)
{
    size_t i, n = strlen(prefix);

    for (i = 0; i < scenario_fact_count(); i++) {
        const struct fact_def *d = scenario_fact_at(i);

        if (d->kind == kind && strncmp(d->path, prefix, n) == 0 && d->path[n] == '.')
            return true;
    }
    return false;
}

static bool
is_root_name(const char *name)
{
    return strcmp(name, "deployment") == 0 || root_index(name) >= 0 ||
        fact_prefix_exists(SCENARIO_DEPLOYMENT, name);
}

/* The scenario's fact type as a rule-language type. */
enum ftype
rule_fact_ftype(const struct fact_def *def)
{
    switch (def->type) {
    case FACT_BOOL:
        return FT_BOOL;
    case FACT_INT:
        return FT_INT;
    case FACT_NUMBER:
        return FT_NUMBER;
    case FACT_STRING:
        return FT_STRING;
    case FACT_DATE:
        return FT_DATE;
    case FACT_ENUM:
        return FT_SYMBOL;
    case FACT_SET:
        return FT_SET;
    default:
        return FT_UNKNOWN;
    }
}

struct checker {
    struct rule_pack *pack;
    const struct rule *rule;   /* the rule being checked, NULL for the scope */
    struct binding scope[MAX_SCOPE];
    int nscope;
    int nslots;
    char **cause;
};

static const char *const type_names[] = {
    [FT_UNKNOWN] = "unknown", [FT_BOOL] = "bool", [FT_INT] = "int", [FT_DATE] = "date",
    [FT_DURATION] = "duration", [FT_STRING] = "string", [FT_SYMBOL] = "enum",
    [FT_SET] = "set", [FT_NUMBER] = "number", [FT_OBJ] = "entity", [FT_LIST] = "collection",
    [FT_PREFIX] = "incomplete fact path", [FT_ANY] = "unknown",
};

static int
cerr(struct checker *c, const struct rule_loc *loc, const char *fmt, ...) FA_PRINTF(3, 4);

static int
cerr(struct checker *c, const struct rule_loc *loc, const char *fmt, ...)
{
    va_list ap;
    char *m;

    va_start(ap, fmt);
    m = xvasprintf(fmt, ap);
    va_end(ap);
    cause_set(c->cause, "%s:%d:%d: %s", loc->file, loc->line, loc->col, m);
    free(m);
    return -1;
}

static const char *tname(const struct expr *e);

/* The type with its article: "a bool", "an int", "a device". */
static const char *
aname(const struct expr *e)
{
    static char buf[4][64];
    static int i;
    const char *t = tname(e);

    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s %s", strchr("aeiou", t[0]) != NULL ? "an" : "a", t);
    return buf[i];
}

static const char *
tname(const struct expr *e)
{
    if (e->type == FT_OBJ)
        return scenario_kind_name(e->skind);
    return type_names[e->type];
}

static struct binding *
lookup(struct checker *c, const char *name)
{
    int i;

    for (i = c->nscope - 1; i >= 0; i--) {
        if (strcmp(c->scope[i].name, name) == 0)
            return &c->scope[i];
    }
    return NULL;
}

static int
bind(struct checker *c, const struct rule_loc *loc, const char *name, const struct expr *e)
{
    struct binding *b;

    if (c->nscope == MAX_SCOPE)
        return cerr(c, loc, "too many variables in one rule");
    if (lookup(c, name) != NULL || is_root_name(name) || rule_builtin_find(name) != NULL)
        return cerr(c, loc, "'%s' is already defined", name);
    b = &c->scope[c->nscope++];
    b->name = name;
    b->slot = c->nslots++;
    b->type = e->type;
    b->kind = e->skind;
    b->symbols = e->symbols;
    return b->slot;
}

static void
mark_used(struct checker *c, const struct fact_def *d)
{
    char *k = xasprintf("%s.%s", scenario_kind_name(d->kind), d->path);

    if (!hash_contains(&c->pack->used, k))
        hash_put(&c->pack->used, k, NULL);
    free(k);
}

static int check_expr(struct checker *c, struct expr *e);
static int check_var(struct checker *c, struct expr *e);

static bool
is_free_name(struct checker *c, const struct expr *e)
{
    return e->kind == EX_VAR && lookup(c, e->name) == NULL && !is_root_name(e->name);
}

/* A bare name compared with an enum fact is one of the enum's values. */
static int
as_symbol(struct checker *c, struct expr *e, const struct expr *other)
{
    const char *hint;

    /* the other side is no enum (`typo > 0`): the name is an unknown fact */
    if (other->symbols == NULL)
        return e->kind == EX_VAR ? check_var(c, e) : cerr(c, &e->loc, "'%s' is not a value "
            "of %s", e->name, aname(other));
    e->kind = EX_SYMBOL;
    e->type = FT_SYMBOL;
    e->symbols = other->symbols;
    e->sym = schema_symbol_index(other->symbols, e->name);
    if (e->sym >= 0)
        return 0;
    hint = str_suggest(e->name, other->symbols);
    if (hint != NULL)
        return cerr(c, &e->loc, "'%s' is not a value of this enum (did you mean '%s'?)",
            e->name, hint);
    return cerr(c, &e->loc, "'%s' is not a value of this enum", e->name);
}

static int
check_var(struct checker *c, struct expr *e)
{
    struct binding *b = lookup(c, e->name);
    int ri;

    e->has_facts = true;
    if (b != NULL) {
        e->slot = b->slot;
        e->type = b->type;
        e->skind = b->kind;
        e->symbols = b->symbols;
        return 0;
    }
    e->slot = -1;
    if (strcmp(e->name, "deployment") == 0) {
        e->type = FT_OBJ;
        e->skind = SCENARIO_DEPLOYMENT;
        return 0;
    }
    if ((ri = root_index(e->name)) >= 0) {
        e->type = FT_LIST;
        e->skind = roots[ri].kind;
        return 0;
    }
    if (fact_prefix_exists(SCENARIO_DEPLOYMENT, e->name)) {
        /* `consent.type` is short for deployment.consent.type */
        e->type = FT_PREFIX;
        e->skind = SCENARIO_DEPLOYMENT;
        e->prefix = xstrdup(e->name);
        return 0;
    }
    {
        const char *cands[MAX_SCOPE + 8];
        size_t n = 0, i;
        const char *hint;

        for (i = 0; i < (size_t)c->nscope; i++)
            cands[n++] = c->scope[i].name;
        cands[n++] = "deployment";
        for (i = 0; i < FA_NITEMS(roots); i++)
            cands[n++] = roots[i].name;
        cands[n] = NULL;
        hint = str_suggest(e->name, cands);
        if (hint != NULL)
            return cerr(c, &e->loc, "unknown name '%s' (did you mean '%s'?)", e->name, hint);
        return cerr(c, &e->loc, "unknown name '%s'", e->name);
    }
}

static int
check_field(struct checker *c, struct expr *e)
{
    const struct fact_def *d;
    const char *hint = NULL;
    char *path;
    int k;

    if (check_expr(c, e->a) != 0)
        return -1;
    if (e->a->type != FT_OBJ && e->a->type != FT_PREFIX)
        return cerr(c, &e->loc, "'.%s' applied to %s, not an entity", e->name, aname(e->a));
    e->skind = e->a->skind;
    e->has_facts = true;
    if (e->a->type == FT_OBJ && (k = scenario_kind_from_name(e->name)) >= 0) {
        /* device.site, device.zone, zone.site, x.deployment: an ancestor */
        if (k == (int)e->a->skind || k == SCENARIO_EVIDENCE || k == SCENARIO_FILING_CHANGE ||
            (k == SCENARIO_ZONE && e->a->skind != SCENARIO_DEVICE) ||
            (k == SCENARIO_SITE && e->a->skind != SCENARIO_DEVICE &&
            e->a->skind != SCENARIO_ZONE) || e->a->skind == SCENARIO_DEPLOYMENT)
            return cerr(c, &e->loc, "%s has no enclosing %s", aname(e->a), e->name);
        e->type = FT_OBJ;
        e->skind = (enum scenario_kind)k;
        e->ancestor = true;
        return 0;
    }
    path = e->a->type == FT_PREFIX ? xasprintf("%s.%s", e->a->prefix, e->name) :
        xstrdup(e->name);
    d = scenario_fact_find(e->skind, path, &hint);
    if (d != NULL) {
        free(path);
        e->def = d;
        e->type = rule_fact_ftype(d);
        e->symbols = d->values;
        if (e->type == FT_UNKNOWN)
            return cerr(c, &e->loc, "fact '%s' is a %s, which rules cannot read yet", d->path,
                scenario_fact_type_name(d->type));
        mark_used(c, d);
        return 0;
    }
    if (fact_prefix_exists(e->skind, path)) {
        e->type = FT_PREFIX;
        e->prefix = path;
        return 0;
    }
    if (hint != NULL)
        cerr(c, &e->loc, "unknown fact '%s' of a %s (did you mean '%s'?)", path,
            scenario_kind_name(e->skind), hint);
    else
        cerr(c, &e->loc, "unknown fact '%s' of a %s", path, scenario_kind_name(e->skind));
    free(path);
    return -1;
}

static bool
compatible(enum ftype a, enum ftype b)
{
    return a == b || a == FT_ANY || b == FT_ANY;
}

/* Comparisons also mix a number fact with an integer (share > 0). */
static bool
comparable(enum ftype a, enum ftype b)
{
    return compatible(a, b) || (a == FT_NUMBER && b == FT_INT) ||
        (a == FT_INT && b == FT_NUMBER);
}

/* reading(NAME): the alternative selected for a contested reading the rule names. */
static int
check_reading_call(struct checker *c, struct expr *e)
{
    const struct rule_reading_def *rd;
    const char *name;
    size_t i;

    if (e->nargs != 1 || e->args[0]->kind != EX_VAR)
        return cerr(c, &e->loc, "reading() takes the name of a reading declared with "
            "'reading NAME \"title\" { ... }'");
    name = e->args[0]->name;
    if ((rd = rule_pack_reading_find(c->pack, name, &i)) == NULL)
        return cerr(c, &e->args[0]->loc, "no reading '%s' is declared", name);
    if (c->rule == NULL)
        return cerr(c, &e->loc, "the scope cannot depend on a reading");
    {
        bool named = false;
        size_t k;

        for (k = 0; k < c->rule->nreadings; k++)
            named |= strcmp(c->rule->readings[k], name) == 0;
        if (!named)
            return cerr(c, &e->loc, "rule %s tests reading '%s' but does not name it "
                "(add 'reading %s')", c->rule->id, name, name);
    }
    e->ival = (int64_t)i;
    e->type = FT_SYMBOL;
    e->symbols = (const char *const *)rd->alts;
    e->has_facts = true;  /* depends on the selection, not constant */
    return 0;
}

static int
check_call(struct checker *c, struct expr *e)
{
    const struct builtin *fn;
    size_t i;

    if (strcmp(e->name, "reading") == 0)
        return check_reading_call(c, e);
    fn = rule_builtin_find(e->name);

    if (fn == NULL) {
        const char *hint = str_suggest(e->name, rule_builtin_names());

        if (hint != NULL)
            return cerr(c, &e->loc, "unknown function '%s' (did you mean '%s'?)", e->name,
                hint);
        return cerr(c, &e->loc, "unknown function '%s'", e->name);
    }
    if ((int)e->nargs != fn->nargs)
        return cerr(c, &e->loc, "%s() takes %d argument%s, %zu given", fn->name, fn->nargs,
            fn->nargs == 1 ? "" : "s", e->nargs);
    for (i = 0; i < e->nargs; i++) {
        if (check_expr(c, e->args[i]) != 0)
            return -1;
        if (!compatible(fn->args[i], e->args[i]->type))
            return cerr(c, &e->args[i]->loc, "argument %zu of %s() must be a %s, not %s",
                i + 1, fn->name, type_names[fn->args[i]], aname(e->args[i]));
        e->has_facts |= e->args[i]->has_facts;
    }
    if (strcmp(fn->name, "as_of") == 0)
        e->has_facts = true;  /* depends on the audit, not constant */
    e->fn = fn;
    e->type = fn->ret;
    return 0;
}

static int
check_quant(struct checker *c, struct expr *e)
{
    struct expr var = { 0 };
    int saved = c->nscope;

    if (check_expr(c, e->a) != 0)
        return -1;
    if (e->a->type != FT_LIST)
        return cerr(c, &e->a->loc, "%s() ranges over a collection, not %s", e->name,
            aname(e->a));
    var.type = FT_OBJ;
    var.skind = e->a->skind;
    if ((e->slot = bind(c, &e->loc, e->qvar, &var)) < 0)
        return -1;
    if (e->b != NULL) {
        if (check_expr(c, e->b) != 0)
            return -1;
        if (!compatible(e->b->type, FT_BOOL))
            return cerr(c, &e->b->loc, "the condition of %s() must be a bool, not %s",
                e->name, aname(e->b));
    }
    c->nscope = saved;
    e->type = strcmp(e->name, "count") == 0 ? FT_INT : FT_BOOL;
    e->has_facts = true;
    return 0;
}

static int
check_bool_operand(struct checker *c, struct expr *op, const char *what)
{
    if (check_expr(c, op) != 0)
        return -1;
    if (!compatible(op->type, FT_BOOL))
        return cerr(c, &op->loc, "operand of '%s' must be a bool, not %s", what, aname(op));
    return 0;
}

/* A bare unbound name that is a value of the other side's enum is that value. */
static bool
enum_value_name(struct checker *c, const struct expr *e, const struct expr *other)
{
    return e->kind == EX_VAR && lookup(c, e->name) == NULL && other->type == FT_SYMBOL &&
        other->symbols != NULL && schema_symbol_index(other->symbols, e->name) >= 0;
}

static int
check_cmp(struct checker *c, struct expr *e)
{
    bool afree = is_free_name(c, e->a), bfree = is_free_name(c, e->b);

    if (e->a->kind == EX_VAR && e->b->kind != EX_VAR) {
        if (check_expr(c, e->b) != 0)
            return -1;
        if (afree || enum_value_name(c, e->a, e->b)) {
            if (as_symbol(c, e->a, e->b) != 0)
                return -1;
        } else if (check_expr(c, e->a) != 0) {
            return -1;
        }
    } else {
        if (!afree && check_expr(c, e->a) != 0)
            return -1;
        if (bfree || (e->b->kind == EX_VAR && enum_value_name(c, e->b, e->a))) {
            if (afree)
                return check_var(c, e->a);
            if (e->a->type != FT_SYMBOL)
                return check_var(c, e->b);
            if (as_symbol(c, e->b, e->a) != 0)
                return -1;
        } else {
            if (check_expr(c, e->b) != 0)
                return -1;
            if (afree) {
                if (e->b->type != FT_SYMBOL)
                    return check_var(c, e->a);
                if (as_symbol(c, e->a, e->b) != 0)
                    return -1;
            }
        }
    }
    e->has_facts = e->a->has_facts || e->b->has_facts;
    e->type = FT_BOOL;
    if (!comparable(e->a->type, e->b->type))
        return cerr(c, &e->loc, "cannot compare %s with %s", aname(e->a), aname(e->b));
    if (e->a->type == FT_SYMBOL && e->b->type == FT_SYMBOL && e->a->symbols != e->b->symbols)
        return cerr(c, &e->loc, "cannot compare values of two different enums");
    if (e->op != TOK_EQ && e->op != TOK_NE) {
        enum ftype t = e->a->type != FT_ANY ? e->a->type : e->b->type;

        if (t != FT_INT && t != FT_NUMBER && t != FT_DATE && t != FT_DURATION && t != FT_ANY)
            return cerr(c, &e->loc, "'%s' needs numbers, dates or durations, not %s",
                rule_tok_name(e->op), type_names[t]);
    }
    return 0;
}

static int
check_in(struct checker *c, struct expr *e)
{
    size_t i;

    e->type = FT_BOOL;
    if (e->b->kind != EX_SET) {
        /* NAME in SET-FACT: membership in an enum set */
        bool afree = is_free_name(c, e->a);

        if (check_expr(c, e->b) != 0)
            return -1;
        /* a value of the set's enum wins over a fact prefix of the same name */
        if (!afree && e->a->kind == EX_VAR && lookup(c, e->a->name) == NULL &&
            e->b->symbols != NULL && schema_symbol_index(e->b->symbols, e->a->name) >= 0)
            afree = true;
        if (e->b->type != FT_SET)
            return cerr(c, &e->b->loc, "'in' needs a set such as {a, b} or a set fact, not "
                "%s", aname(e->b));
        if (afree) {
            if (as_symbol(c, e->a, e->b) != 0)
                return -1;
        } else if (check_expr(c, e->a) != 0) {
            return -1;
        }
        if (e->a->type != FT_SYMBOL || e->a->symbols != e->b->symbols)
            return cerr(c, &e->a->loc, "only a value of the set's enum can be 'in' %s",
                e->b->def != NULL ? e->b->def->path : "a set");
        e->has_facts = e->b->has_facts;
        return 0;
    }
    if (check_expr(c, e->a) != 0)
        return -1;
    e->has_facts = e->a->has_facts;
    for (i = 0; i < e->b->nargs; i++) {
        struct expr *el = e->b->args[i];

        if ((e->a->type == FT_SYMBOL || e->a->type == FT_SET) && el->kind == EX_SYMBOL) {
            if (as_symbol(c, el, e->a) != 0)
                return -1;
            continue;
        }
        if (el->kind == EX_SYMBOL) {
            if (e->a->type != FT_ANY)
                return cerr(c, &el->loc, "a set of names can only contain values of an enum, "
                    "and the left side is %s", aname(e->a));
            continue;
        }
        el->type = el->kind == EX_INT ? FT_INT : FT_STRING;
        if (!compatible(el->type, e->a->type))
            return cerr(c, &el->loc, "set element is a %s, the left side %s",
                type_names[el->type], aname(e->a));
    }
    e->b->type = FT_SET;
    e->b->symbols = e->a->symbols;
    return 0;
}

static int
check_arith(struct checker *c, struct expr *e)
{
    enum ftype a, b;

    if (check_expr(c, e->a) != 0 || check_expr(c, e->b) != 0)
        return -1;
    e->has_facts = e->a->has_facts || e->b->has_facts;
    a = e->a->type;
    b = e->b->type;
    if (a == FT_ANY || b == FT_ANY) {
        e->type = a == FT_ANY ? b : a;
        return 0;
    }
    if (a == FT_INT && b == FT_INT) {
        e->type = FT_INT;
        return 0;
    }
    if (e->op == TOK_PLUS || e->op == TOK_MINUS) {
        if (a == FT_DATE && b == FT_DURATION) {
            e->type = FT_DATE;
            return 0;
        }
        if (e->op == TOK_PLUS && a == FT_DURATION && b == FT_DATE) {
            e->type = FT_DATE;
            return 0;
        }
        if (e->op == TOK_MINUS && a == FT_DATE && b == FT_DATE) {
            e->type = FT_INT;  /* days */
            return 0;
        }
        if (a == FT_DURATION && b == FT_DURATION) {
            e->type = FT_DURATION;
            return 0;
        }
    }
    return cerr(c, &e->loc, "cannot apply '%s' to %s and %s", rule_tok_name(e->op),
        aname(e->a), aname(e->b));
}

static int
check_expr(struct checker *c, struct expr *e)
{
    switch (e->kind) {
    case EX_BOOL:
        e->type = FT_BOOL;
        return 0;
    case EX_INT:
        e->type = FT_INT;
        return 0;
    case EX_DATE:
        e->type = FT_DATE;
        return 0;
    case EX_DURATION:
        e->type = FT_DURATION;
        return 0;
    case EX_STRING:
        e->type = FT_STRING;
        return 0;
    case EX_UNKNOWN:
        e->type = FT_ANY;
        return 0;
    case EX_SYMBOL:
    case EX_SET:
        return cerr(c, &e->loc, "a set or enum value is only allowed after 'in' or '=='");
    case EX_VAR:
        return check_var(c, e);
    case EX_FIELD:
        return check_field(c, e);
    case EX_CALL:
        return check_call(c, e);
    case EX_QUANT:
        return check_quant(c, e);
    case EX_NOT:
        if (check_bool_operand(c, e->a, "not") != 0)
            return -1;
        e->type = FT_BOOL;
        e->has_facts = e->a->has_facts;
        return 0;
    case EX_NEG:
        if (check_expr(c, e->a) != 0)
            return -1;
        if (!compatible(e->a->type, FT_INT) && e->a->type != FT_DURATION)
            return cerr(c, &e->loc, "cannot negate %s", aname(e->a));
        e->type = e->a->type;
        e->has_facts = e->a->has_facts;
        return 0;
    case EX_AND:
    case EX_OR:
        if (check_bool_operand(c, e->a, e->kind == EX_AND ? "and" : "or") != 0 ||
            check_bool_operand(c, e->b, e->kind == EX_AND ? "and" : "or") != 0)
            return -1;
        e->type = FT_BOOL;
        e->has_facts = e->a->has_facts || e->b->has_facts;
        return 0;
    case EX_CMP:
        return check_cmp(c, e);
    case EX_IN:
    case EX_NOTIN:
        return check_in(c, e);
    case EX_ARITH:
        return check_arith(c, e);
    }
    return cerr(c, &e->loc, "internal: unhandled expression");
}

/* Check e and refuse a fact path left incomplete ("consent" alone). */
static int
check_full(struct checker *c, struct expr *e)
{
    if (check_expr(c, e) != 0)
        return -1;
    if (e->type == FT_PREFIX) {
        const char *hint = NULL;

        scenario_fact_find(e->skind, e->prefix, &hint);
        if (hint != NULL)
            return cerr(c, &e->loc, "'%s' is not a fact of a %s (did you mean '%s'?)",
                e->prefix, scenario_kind_name(e->skind), hint);
        return cerr(c, &e->loc, "'%s' is not a fact of a %s", e->prefix,
            scenario_kind_name(e->skind));
    }
    return 0;
}

static const char *const cond_names[] = {
    [CL_APPLIES] = "applies when", [CL_EXCEPT] = "except", [CL_FAIL] = "fail when",
    [CL_PASS] = "pass when",
};

static int
check_rule(struct checker *c, struct rule *r)
{
    size_t i;

    c->nscope = 0;
    c->nslots = 0;
    c->rule = r;
    if (rule_pack_clause_text(c->pack, r->clause) == NULL)
        return cause_set(c->cause, "%s: rule %s cites clause %s, which article %d does not "
            "declare", r->where, r->id, r->clause, r->article);
    for (i = 0; i < r->nreadings; i++) {
        if (rule_pack_reading_find(c->pack, r->readings[i], NULL) == NULL)
            return cause_set(c->cause, "%s: rule %s names reading '%s', which no rule file "
                "declares", r->where, r->id, r->readings[i]);
    }
    if (r->var != NULL) {
        if (check_expr(c, r->coll) != 0)
            return -1;
        if (r->coll->type != FT_LIST)
            return cerr(c, &r->coll->loc, "'for %s in' needs a collection, not %s", r->var,
                aname(r->coll));
        {
            struct expr var = { 0 };

            var.type = FT_OBJ;
            var.skind = r->coll->skind;
            if (bind(c, &r->coll->loc, r->var, &var) < 0)
                return -1;
        }
    }
    for (i = 0; i < r->nlets; i++) {
        if (check_full(c, r->lets[i].e) != 0)
            return -1;
        if ((r->lets[i].slot = bind(c, &r->lets[i].e->loc, r->lets[i].name, r->lets[i].e)) < 0)
            return -1;
    }
    for (i = 0; i < r->nconds; i++) {
        struct expr *e = r->conds[i].e;

        if (check_full(c, e) != 0)
            return -1;
        if (!compatible(e->type, FT_BOOL))
            return cerr(c, &e->loc, "'%s' needs a bool condition, not %s",
                cond_names[r->conds[i].kind], aname(e));
    }
    for (i = 0; i < r->nmsg; i++) {
        if (r->msg[i].e != NULL && check_full(c, r->msg[i].e) != 0)
            return -1;
    }
    r->nslots = c->nslots;
    return 0;
}

/* Check every rule of the pack and the scope condition. */
int
rule_check(struct rule_pack *pack, char **cause)
{
    struct checker c = { .pack = pack, .cause = cause };
    size_t i;

    for (i = 0; i < pack->nscopes; i++) {
        if (check_full(&c, pack->scopes[i].e) != 0)
            return -1;
        if (!compatible(pack->scopes[i].e->type, FT_BOOL))
            return cerr(&c, &pack->scopes[i].e->loc, "'scope' needs a bool condition");
    }
    for (i = 0; i < pack->rules.len; i++) {
        if (check_rule(&c, vec_get(&pack->rules, i)) != 0)
            return -1;
    }
    return 0;
}
