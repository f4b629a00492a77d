/* SPDX-License-Identifier: MIT */
/*
 * rule_eval.c - the tree-walking evaluator over a fact tree, with Kleene
 * three-valued logic: `and` is false as soon as one side is false, `or` true
 * as soon as one side is true, and anything else that touches an unknown
 * fact is unknown. While it evaluates it records, for the explanation, every
 * fact it read (path, value, source location) and every fact that was
 * unknown. Inside any/all/count the individual facts are not itemised; the
 * quantifier's result is recorded instead.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule/rule_int.h"

#include "faceaudit/xmalloc.h"

/* d plus months (day clamped to the month's length, core/date.c) plus days. */
fa_date
rule_date_add(fa_date d, int months, int64_t days)
{
    return (fa_date)(date_add_months(d, months) + days);
}

/* Append a printed value to sb. */
void
rule_value_print(struct strbuf *sb, const struct rval *v)
{
    char buf[11];

    switch (v->t) {
    case FT_UNKNOWN:
        strbuf_puts(sb, "unknown");
        break;
    case FT_BOOL:
        strbuf_puts(sb, v->u.b ? "true" : "false");
        break;
    case FT_INT:
        strbuf_printf(sb, "%lld", (long long)v->u.i);
        break;
    case FT_NUMBER:
        strbuf_printf(sb, "%g", v->u.num);
        break;
    case FT_DATE:
        if (v->u.d == FA_DATE_NONE) {
            strbuf_puts(sb, "none");
            break;
        }
        date_format(v->u.d, buf);
        strbuf_puts(sb, buf);
        break;
    case FT_DURATION:
        if (v->dmonths != 0)
            strbuf_printf(sb, "%dm", v->dmonths);
        if (v->u.i != 0 || v->dmonths == 0)
            strbuf_printf(sb, "%s%lldd", v->dmonths != 0 ? "+" : "", (long long)v->u.i);
        break;
    case FT_STRING:
        strbuf_puts(sb, v->u.s);
        break;
    case FT_SYMBOL:
        strbuf_puts(sb, v->symbols != NULL ? v->symbols[v->u.sym] : "?");
        break;
    case FT_SET: {
        int i, n = 0;

        strbuf_putc(sb, '{');
        for (i = 0; v->symbols != NULL && v->symbols[i] != NULL && i < 64; i++) {
            if (v->u.set & ((uint64_t)1 << i))
                strbuf_printf(sb, "%s%s", n++ > 0 ? ", " : "", v->symbols[i]);
        }
        strbuf_putc(sb, '}');
        break;
    }
    case FT_OBJ:
        strbuf_printf(sb, "%s %s", scenario_kind_name(v->kind), scenario_entity_id(v->u.obj));
        break;
    case FT_LIST:
    case FT_PREFIX:
    case FT_ANY:
        strbuf_printf(sb, "all %s entities", scenario_kind_name(v->kind));
        break;
    }
}

static void
set_unknown(struct rval *out)
{
    memset(out, 0, sizeof *out);
    out->t = FT_UNKNOWN;
}

/* a + b + c into buf (truncated to n - 1 bytes). */
static void
cat3(char *buf, size_t n, const char *a, const char *b, const char *c)
{
    const char *parts[3] = { a, b, c };
    size_t i, len = 0;

    for (i = 0; i < 3; i++) {
        size_t l = strlen(parts[i]);

        if (len + l >= n)
            l = n - 1 - len;
        memcpy(buf + len, parts[i], l);
        len += l;
    }
    buf[len] = '\0';
}

/* Decimal digits of v into buf (at least 21 bytes). */
static void
utoa(char *buf, unsigned long long v)
{
    char tmp[24];
    size_t n = 0, i;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
}

/* Text of a scalar value without allocating (buf or static), NULL for sets. */
static const char *
value_text(const struct rval *v, char *buf, size_t n)
{
    switch (v->t) {
    case FT_UNKNOWN:
        return "unknown";
    case FT_BOOL:
        return v->u.b ? "true" : "false";
    case FT_INT:
        if (v->u.i >= 0 && n >= 24) {
            utoa(buf, (unsigned long long)v->u.i);
            return buf;
        }
        snprintf(buf, n, "%lld", (long long)v->u.i);
        return buf;
    case FT_NUMBER:
        snprintf(buf, n, "%g", v->u.num);
        return buf;
    case FT_DATE:
        if (v->u.d == FA_DATE_NONE)
            return "none";
        date_format(v->u.d, buf);
        return buf;
    case FT_STRING:
        return v->u.s;
    case FT_SYMBOL:
        return v->symbols != NULL ? v->symbols[v->u.sym] : "?";
    default:
        return NULL;
    }
}

/* The path of a fact as read, into buf. */
void
audit_fact_path(const struct audit_fact *f, char *buf, size_t size)
{
    enum scenario_kind k;

    if (f->label != NULL) {
        cat3(buf, size, f->label, "", "");
        return;
    }
    k = scenario_entity_kind(f->entity);
    if (k == SCENARIO_DEPLOYMENT) {
        cat3(buf, size, f->def->path, "", "");
    } else {
        size_t n;

        cat3(buf, size, scenario_kind_name(k), "[", scenario_entity_id(f->entity));
        n = strlen(buf);
        cat3(buf + n, size - n, "].", f->def->path, "");
    }
}

static bool
seen_unknown(const struct vec *v, const char *path)
{
    size_t i;

    for (i = 0; i < v->len; i++) {
        if (strcmp(v->items[i], path) == 0)
            return true;
    }
    return false;
}

static bool
seen_fact(const struct vec *v, const struct scenario_entity *o, const struct fact_def *def,
    const char *label)
{
    size_t i;

    for (i = 0; i < v->len; i++) {
        const struct audit_fact *f = v->items[i];

        if (label != NULL ? f->label != NULL && strcmp(f->label, label) == 0 :
            f->entity == o && f->def == def)
            return true;
    }
    return false;
}

static void
record(struct eval_ctx *ec, const struct scenario_entity *o, const struct fact_value *fv,
    const struct rval *v)
{
    struct audit_fact *af;
    char vbuf[64];
    const char *vt;

    if (ec->facts_read == NULL || (ec->quant_depth > 0 && v->t != FT_UNKNOWN))
        return;
    if (v->t == FT_UNKNOWN) {
        char path[256];
        enum scenario_kind k = scenario_entity_kind(o);

        /* a scoped fact no device, zone or site gives: the deployment's is missing */
        if (k == SCENARIO_DEPLOYMENT || (fv->from != NULL &&
            scenario_entity_kind(fv->from) == SCENARIO_DEPLOYMENT)) {
            cat3(path, sizeof path, fv->def->path, "", "");
        } else {
            size_t n;

            cat3(path, sizeof path, scenario_kind_name(k), "[",
                ec->quant_depth > 0 ? "*" : scenario_entity_id(o));
            n = strlen(path);
            cat3(path + n, sizeof path - n, "].", fv->def->path, "");
        }
        if (!seen_unknown(ec->unknowns, path))
            vec_push(ec->unknowns, rule_arena_strdup(ec->arena, path));
    }
    if (ec->quant_depth > 0 || seen_fact(ec->facts_read, o, fv->def, NULL))
        return;
    af = rule_arena_alloc(ec->arena, sizeof *af);
    af->entity = o;
    af->def = fv->def;
    if (fv->from != NULL && fv->from != o)
        af->from = fv->from;
    vt = value_text(v, vbuf, sizeof vbuf);
    if (vt == NULL) {
        struct strbuf vb;

        strbuf_init(&vb);
        rule_value_print(&vb, v);
        af->value = rule_arena_strdup(ec->arena, strbuf_str(&vb));
        strbuf_done(&vb);
    } else {
        af->value = vt == vbuf ? rule_arena_strdup(ec->arena, vt) : vt; /* else static/borrowed */
    }
    if (fv->state == FACT_ABSENT) {
        /* not written: no position (an absent value carries its entity's) */
        af->value = "unknown (not given)";
    } else if (fv->loc.line > 0 && fv->loc.file != NULL) {
        af->file = fv->loc.file;  /* lives as long as the scenario */
        af->line = fv->loc.line;
        af->col = fv->loc.col;
    }
    vec_push(ec->facts_read, af);
}

/* Record a derived value (a quantifier's result, a let) in the explanation. */
static void
record_derived(struct eval_ctx *ec, const struct expr *e, const char *label,
    const struct rval *v)
{
    struct audit_fact *af;
    struct strbuf sb, vb;

    if (ec->facts_read == NULL || ec->quant_depth > 0)
        return;
    strbuf_init(&sb);
    if (label != NULL)
        strbuf_puts(&sb, label);
    else
        rule_expr_print(&sb, e);
    if (seen_fact(ec->facts_read, NULL, NULL, strbuf_str(&sb))) {
        strbuf_done(&sb);
        return;
    }
    strbuf_init(&vb);
    rule_value_print(&vb, v);
    af = rule_arena_alloc(ec->arena, sizeof *af);
    af->label = rule_arena_strdup(ec->arena, strbuf_str(&sb));
    af->value = rule_arena_strdup(ec->arena, strbuf_str(&vb));
    strbuf_done(&sb);
    strbuf_done(&vb);
    vec_push(ec->facts_read, af);
}

static void
load_fact(struct eval_ctx *ec, const struct scenario_entity *o, const struct expr *e,
    struct rval *out)
{
    struct fact_value fv;

    set_unknown(out);
    if (o == ec->self && (e->def->flags & FACT_F_ID))
        ec->identity = true; /* its own id: not shared with its row (rule_audit.c) */
    scenario_get_fact_on(o, e->def, ec->as_of, &fv); /* the fact as it stood that day */
    if (fv.state == FACT_KNOWN) {
        out->t = e->type;
        out->symbols = e->def->values;
        switch (e->def->type) {
        case FACT_BOOL:
            out->u.b = fv.v.b;
            break;
        case FACT_INT:
            out->u.i = fv.v.i;
            break;
        case FACT_NUMBER:
            out->u.num = fv.v.num;
            break;
        case FACT_DATE:
            out->u.d = fv.v.date;
            break;
        case FACT_STRING:
            out->u.s = fv.v.s;
            break;
        case FACT_ENUM:
            out->u.sym = fv.v.e;
            break;
        case FACT_SET:
            out->u.set = fv.v.set;
            break;
        default:
            out->t = FT_UNKNOWN;
            break;
        }
    }
    record(ec, o, &fv, out);
}

static int64_t
dur_days(const struct rval *v)
{
    return v->u.i + (int64_t)v->dmonths * 30;
}

static int
compare(const struct rval *a, const struct rval *b)
{
    int64_t x = 0, y = 0;

    if (a->t == FT_NUMBER || b->t == FT_NUMBER) {
        double p = a->t == FT_NUMBER ? a->u.num : (double)a->u.i;
        double q = b->t == FT_NUMBER ? b->u.num : (double)b->u.i;

        return p < q ? -1 : p > q ? 1 : 0;
    }
    switch (a->t) {
    case FT_BOOL:
        x = a->u.b;
        y = b->u.b;
        break;
    case FT_INT:
        x = a->u.i;
        y = b->u.i;
        break;
    case FT_DATE:
        x = a->u.d;
        y = b->u.d;
        break;
    case FT_DURATION:
        x = dur_days(a);
        y = dur_days(b);
        break;
    case FT_STRING:
        return strcmp(a->u.s, b->u.s);
    case FT_SYMBOL:
        x = a->u.sym;
        y = b->u.sym;
        break;
    case FT_OBJ:
        return a->u.obj == b->u.obj ? 0 : 1;
    case FT_SET:
        return a->u.set == b->u.set ? 0 : 1;
    default:
        return 1;
    }
    return x < y ? -1 : x > y ? 1 : 0;
}

static void
eval_quant(struct eval_ctx *ec, const struct expr *e, struct rval *out)
{
    struct rval coll, c;
    size_t i, ntrue = 0, nfalse = 0, nunknown = 0;
    int kind = e->name[1] == 'n' ? 0 : e->name[1] == 'l' ? 1 : 2; /* any all count */

    rule_eval_expr(ec, e->a, &coll);
    if (coll.t != FT_LIST) {
        set_unknown(out);
        return;
    }
    ec->quant_depth++;
    for (i = 0; i < scenario_count(ec->sc, coll.kind); i++) {
        ec->env[e->slot].t = FT_OBJ;
        ec->env[e->slot].kind = coll.kind;
        ec->env[e->slot].u.obj = scenario_entity_at(ec->sc, coll.kind, i);
        if (!scenario_entity_exists_on(ec->env[e->slot].u.obj, ec->as_of))
            continue; /* a device not installed yet, or removed */
        if (e->b == NULL) {
            ntrue++;
            continue;
        }
        rule_eval_expr(ec, e->b, &c);
        if (c.t == FT_UNKNOWN)
            nunknown++;
        else if (c.u.b)
            ntrue++;
        else
            nfalse++;
        if (kind == 0 && ntrue > 0)
            break;
        if (kind == 1 && nfalse > 0)
            break;
    }
    ec->quant_depth--;
    set_unknown(out);
    if (kind == 0) {
        if (ntrue > 0 || nunknown == 0) {
            out->t = FT_BOOL;
            out->u.b = ntrue > 0;
        }
    } else if (kind == 1) {
        if (nfalse > 0 || nunknown == 0) {
            out->t = FT_BOOL;
            out->u.b = nfalse == 0;
        }
    } else if (nunknown == 0) {
        out->t = FT_INT;
        out->u.i = (int64_t)ntrue;
    }
    record_derived(ec, e, NULL, out);
}

static void
eval_arith(struct eval_ctx *ec, const struct expr *e, struct rval *out)
{
    struct rval a, b;

    rule_eval_expr(ec, e->a, &a);
    rule_eval_expr(ec, e->b, &b);
    set_unknown(out);
    if (a.t == FT_UNKNOWN || b.t == FT_UNKNOWN)
        return;
    if (a.t == FT_INT && b.t == FT_INT) {
        out->t = FT_INT;
        switch (e->op) {
        case TOK_PLUS:
            out->u.i = a.u.i + b.u.i;
            break;
        case TOK_MINUS:
            out->u.i = a.u.i - b.u.i;
            break;
        case TOK_STAR:
            out->u.i = a.u.i * b.u.i;
            break;
        default:
            if (b.u.i == 0) {
                out->t = FT_UNKNOWN;  /* division by zero has no value */
                return;
            }
            out->u.i = a.u.i / b.u.i;
            break;
        }
        return;
    }
    if ((a.t == FT_DATE && a.u.d == FA_DATE_NONE) || (b.t == FT_DATE && b.u.d == FA_DATE_NONE)) {
        if (a.t == FT_DATE && b.t == FT_DURATION) {
            out->t = FT_DATE;
            out->u.d = FA_DATE_NONE;
        }
        return;
    }
    if (a.t == FT_DATE && b.t == FT_DATE) {
        out->t = FT_INT;
        out->u.i = (int64_t)a.u.d - b.u.d;
        return;
    }
    if (a.t == FT_DURATION && b.t == FT_DATE) {
        struct rval t = a;

        a = b;
        b = t;
    }
    if (a.t == FT_DATE && b.t == FT_DURATION) {
        int sign = e->op == TOK_MINUS ? -1 : 1;

        out->t = FT_DATE;
        out->u.d = rule_date_add(a.u.d, sign * b.dmonths, sign * b.u.i);
        return;
    }
    if (a.t == FT_DURATION && b.t == FT_DURATION) {
        int sign = e->op == TOK_MINUS ? -1 : 1;

        out->t = FT_DURATION;
        out->dmonths = a.dmonths + sign * b.dmonths;
        out->u.i = a.u.i + sign * b.u.i;
    }
}

/* Evaluate e in ec into *out (FT_UNKNOWN for unknown). */
void
rule_eval_expr(struct eval_ctx *ec, const struct expr *e, struct rval *out)
{
    struct rval a, b;
    size_t i;

    switch (e->kind) {
    case EX_BOOL:
        memset(out, 0, sizeof *out);
        out->t = FT_BOOL;
        out->u.b = e->ival != 0;
        return;
    case EX_INT:
        memset(out, 0, sizeof *out);
        out->t = FT_INT;
        out->u.i = e->ival;
        return;
    case EX_DATE:
        memset(out, 0, sizeof *out);
        out->t = FT_DATE;
        out->u.d = (fa_date)e->ival;
        return;
    case EX_DURATION:
        memset(out, 0, sizeof *out);
        out->t = FT_DURATION;
        out->u.i = e->ival;
        out->dmonths = e->dmonths;
        return;
    case EX_STRING:
        memset(out, 0, sizeof *out);
        out->t = FT_STRING;
        out->u.s = e->name;
        return;
    case EX_SYMBOL:
        memset(out, 0, sizeof *out);
        out->t = FT_SYMBOL;
        out->u.sym = e->sym;
        out->symbols = e->symbols;
        return;
    case EX_UNKNOWN:
    case EX_SET:
        set_unknown(out);
        return;
    case EX_VAR:
        if (e->slot >= 0) {
            *out = ec->env[e->slot];
            return;
        }
        memset(out, 0, sizeof *out);
        out->kind = e->skind;
        if (e->type == FT_LIST) {
            out->t = FT_LIST;
            return;
        }
        out->t = FT_OBJ;  /* deployment, or the deployment under a path prefix */
        out->u.obj = scenario_deployment(ec->sc);
        return;
    case EX_FIELD:
        rule_eval_expr(ec, e->a, &a);
        if (a.t != FT_OBJ) {
            set_unknown(out);
            return;
        }
        if (e->def != NULL) {
            load_fact(ec, a.u.obj, e, out);
            return;
        }
        *out = a;  /* a path prefix: still the same entity */
        if (e->ancestor) {
            out->kind = e->skind;
            out->u.obj = scenario_entity_parent(a.u.obj, e->skind);
            if (out->u.obj == NULL)
                set_unknown(out);
        }
        return;
    case EX_CALL: {
        struct rval args[3];

        if (e->fn == NULL) {  /* reading(NAME): the checker allows no other */
            memset(out, 0, sizeof *out);
            out->t = FT_SYMBOL;
            out->symbols = e->symbols;
            out->u.sym = ec->readings != NULL ? ec->readings[e->ival] : 0;
            return;
        }
        for (i = 0; i < e->nargs; i++) {
            rule_eval_expr(ec, e->args[i], &args[i]);
            if (args[i].t == FT_UNKNOWN && !e->fn->takes_unknown) {
                set_unknown(out);
                return;
            }
        }
        memset(out, 0, sizeof *out);
        e->fn->fn(ec, args, out);
        if (e->fn->ret != FT_BOOL)
            record_derived(ec, e, NULL, out);
        return;
    }
    case EX_QUANT:
        eval_quant(ec, e, out);
        return;
    case EX_NOT:
        rule_eval_expr(ec, e->a, out);
        if (out->t == FT_BOOL)
            out->u.b = !out->u.b;
        return;
    case EX_NEG:
        rule_eval_expr(ec, e->a, out);
        if (out->t == FT_INT || out->t == FT_DURATION) {
            out->u.i = -out->u.i;
            out->dmonths = -out->dmonths;
        }
        return;
    case EX_AND:
    case EX_OR: {
        bool dominant = e->kind == EX_OR; /* the value that decides alone */

        rule_eval_expr(ec, e->a, &a);
        if (a.t == FT_BOOL && a.u.b == dominant) {
            *out = a;
            return;
        }
        rule_eval_expr(ec, e->b, &b);
        if (b.t == FT_BOOL && b.u.b == dominant) {
            *out = b;
            return;
        }
        if (a.t == FT_UNKNOWN || b.t == FT_UNKNOWN) {
            set_unknown(out);
            return;
        }
        memset(out, 0, sizeof *out);
        out->t = FT_BOOL;
        out->u.b = !dominant;
        return;
    }
    case EX_CMP: {
        int c;

        rule_eval_expr(ec, e->a, &a);
        rule_eval_expr(ec, e->b, &b);
        if (a.t == FT_UNKNOWN || b.t == FT_UNKNOWN) {
            set_unknown(out);
            return;
        }
        if (a.t == FT_OBJ)
            ec->identity = true; /* entities compared by identity (rule_audit.c) */
        memset(out, 0, sizeof *out);
        out->t = FT_BOOL;
        if (a.t == FT_DATE && (a.u.d == FA_DATE_NONE || b.u.d == FA_DATE_NONE) &&
            e->op != TOK_EQ && e->op != TOK_NE) {
            out->u.b = false;  /* an event that never happened is before/after nothing */
            return;
        }
        c = compare(&a, &b);
        switch (e->op) {
        case TOK_EQ:
            out->u.b = c == 0;
            break;
        case TOK_NE:
            out->u.b = c != 0;
            break;
        case TOK_LT:
            out->u.b = c < 0;
            break;
        case TOK_LE:
            out->u.b = c <= 0;
            break;
        case TOK_GT:
            out->u.b = c > 0;
            break;
        default:
            out->u.b = c >= 0;
            break;
        }
        return;
    }
    case EX_IN:
    case EX_NOTIN: {
        bool found = false;

        rule_eval_expr(ec, e->a, &a);
        if (a.t == FT_UNKNOWN) {
            set_unknown(out);
            return;
        }
        if (e->b->kind != EX_SET) {
            /* value in a set fact */
            rule_eval_expr(ec, e->b, &b);
            if (b.t == FT_UNKNOWN) {
                set_unknown(out);
                return;
            }
            memset(out, 0, sizeof *out);
            out->t = FT_BOOL;
            found = (b.u.set >> a.u.sym) & 1;
            out->u.b = e->kind == EX_IN ? found : !found;
            return;
        }
        if (a.t == FT_SET) {
            /* a set fact in a literal set: every member is listed */
            uint64_t allowed = 0;

            for (i = 0; i < e->b->nargs; i++)
                allowed |= (uint64_t)1 << e->b->args[i]->sym;
            memset(out, 0, sizeof *out);
            out->t = FT_BOOL;
            found = (a.u.set & ~allowed) == 0;
            out->u.b = e->kind == EX_IN ? found : !found;
            return;
        }
        for (i = 0; i < e->b->nargs && !found; i++) {
            const struct expr *el = e->b->args[i];

            if (a.t == FT_SET)
                found = true;  /* handled below: subset test */
            else if (a.t == FT_SYMBOL)
                found = el->sym == a.u.sym;
            else if (a.t == FT_STRING && el->kind == EX_STRING)
                found = strcmp(el->name, a.u.s) == 0;
            else if (a.t == FT_INT && el->kind == EX_INT)
                found = el->ival == a.u.i;
        }
        memset(out, 0, sizeof *out);
        out->t = FT_BOOL;
        out->u.b = e->kind == EX_IN ? found : !found;
        return;
    }
    case EX_ARITH:
        eval_arith(ec, e, out);
        return;
    }
    set_unknown(out);
}
