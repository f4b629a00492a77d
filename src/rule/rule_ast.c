/* SPDX-License-Identifier: MIT */
/*
 * rule_ast.c - the AST of a rule pack: freeing expressions and rules, the
 * accessors of rules, articles, clauses and readings, and the
 * pretty-printer that prints rules back in canonical form (used by
 * `faceaudit rules show` and by round-trip tests: printing and re-parsing a
 * rule gives the same text). Loading is rule_pack.c's.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rule/rule_int.h"

#include "faceaudit/xmalloc.h"

/* Free an expression tree (NULL is a no-op). */
void
rule_expr_free(struct expr *e)
{
    size_t i;

    if (e == NULL)
        return;
    rule_expr_free(e->a);
    rule_expr_free(e->b);
    for (i = 0; i < e->nargs; i++)
        rule_expr_free(e->args[i]);
    free(e->args);
    free(e->name);
    free(e->qvar);
    free(e->prefix);
    free(e);
}

/* Free a rule and its AST (NULL is a no-op). */
void
rule_free(struct rule *r)
{
    size_t i;

    if (r == NULL)
        return;
    free(r->id);
    free(r->title);
    free(r->clause);
    free(r->where);
    free(r->var);
    rule_expr_free(r->coll);
    for (i = 0; i < r->nconds; i++) {
        free(r->conds[i].label);
        rule_expr_free(r->conds[i].e);
    }
    free(r->conds);
    for (i = 0; i < r->nlets; i++) {
        free(r->lets[i].name);
        rule_expr_free(r->lets[i].e);
    }
    free(r->lets);
    for (i = 0; i < r->nmsg; i++) {
        free(r->msg[i].text);
        rule_expr_free(r->msg[i].e);
    }
    free(r->msg);
    free(r->msg_src);
    free(r->remedy);
    free(r->basis);
    for (i = 0; i < r->nreadings; i++)
        free(r->readings[i]);
    free(r->readings);
    free(r);
}

/* --- accessors ---------------------------------------------------------------- */

/* Number of rules in the pack. */
size_t
rule_pack_nrules(const struct rule_pack *pack)
{
    return pack->rules.len;
}

/* The i-th rule in load order (borrowed). */
const struct rule *
rule_pack_rule(const struct rule_pack *pack, size_t i)
{
    return vec_get(&pack->rules, i);
}

/* The rule with this id, or NULL. */
const struct rule *
rule_pack_find(const struct rule_pack *pack, const char *id)
{
    size_t i;

    for (i = 0; i < pack->rules.len; i++) {
        const struct rule *r = vec_get(&pack->rules, i);

        if (strcmp(r->id, id) == 0)
            return r;
    }
    return NULL;
}

const char *
rule_id(const struct rule *r)
{
    return r->id;
}

const char *
rule_title(const struct rule *r)
{
    return r->title;
}

/* The rule's remedy text (borrowed). */
const char *
rule_remedy(const struct rule *r)
{
    return r->remedy;
}

const char *
rule_clause(const struct rule *r)
{
    return r->clause;
}

int
rule_article(const struct rule *r)
{
    return r->article;
}

enum rule_severity
rule_severity(const struct rule *r)
{
    return r->severity;
}

bool
rule_waivable(const struct rule *r)
{
    return r->waivable;
}

bool
rule_is_advisory(const struct rule *r)
{
    return r->advisory;
}

const char *
rule_where(const struct rule *r)
{
    return r->where;
}

/* The law and article the duty comes from when not the Measures, or NULL. */
const char *
rule_basis(const struct rule *r)
{
    return r->basis;
}

size_t
rule_nreadings(const struct rule *r)
{
    return r->nreadings;
}

const char *
rule_reading_name(const struct rule *r, size_t i)
{
    return r->readings[i];
}

/* --- contested readings ------------------------------------------------------- */

/* The reading called name, with its index; NULL when the pack has none. */
const struct rule_reading_def *
rule_pack_reading_find(const struct rule_pack *pack, const char *name, size_t *index)
{
    size_t i;

    for (i = 0; i < pack->readings.len; i++) {
        const struct rule_reading_def *rd = vec_get(&pack->readings, i);

        if (strcmp(rd->name, name) == 0) {
            if (index != NULL)
                *index = i;
            return rd;
        }
    }
    return NULL;
}

size_t
rule_pack_nreadings(const struct rule_pack *pack)
{
    return pack->readings.len;
}

/* Reading i of the pack with its current selection. */
void
rule_pack_reading(const struct rule_pack *pack, size_t i, struct rule_reading *out)
{
    const struct rule_reading_def *rd = vec_get(&pack->readings, i);

    out->name = rd->name;
    out->title = rd->title;
    out->article = rd->article;
    out->alt = rd->alts[rd->selected];
    out->text = rd->texts[rd->selected];
    out->literal = rd->selected == 0;
    out->alts = (const char *const *)rd->alts;
}

/* Article metadata, or NULL when the pack lacks the article. */
const struct rule_article_info *
rule_pack_article(const struct rule_pack *pack, int number)
{
    if (number < 1 || number > RULE_NARTICLES || !pack->articles[number].present)
        return NULL;
    return &pack->articles[number].info;
}

/* Text of a declared clause, or NULL. */
const char *
rule_pack_clause_text(const struct rule_pack *pack, const char *clause)
{
    size_t i;

    for (i = 0; i < pack->clauses.len; i++) {
        const struct rule_clause *c = vec_get(&pack->clauses, i);

        if (strcmp(c->id, clause) == 0)
            return c->text;
    }
    return NULL;
}

/* --- pretty-printer --------------------------------------------------------------- */

static int
prec(const struct expr *e)
{
    switch (e->kind) {
    case EX_OR:
        return 1;
    case EX_AND:
        return 2;
    case EX_NOT:
        return 3;
    case EX_CMP:
    case EX_IN:
    case EX_NOTIN:
        return 4;
    case EX_ARITH:
        return e->op == TOK_PLUS || e->op == TOK_MINUS ? 5 : 6;
    case EX_NEG:
        return 7;
    default:
        return 8;
    }
}

static void
print_sub(struct strbuf *sb, const struct expr *e, int min)
{
    if (prec(e) < min) {
        strbuf_putc(sb, '(');
        rule_expr_print(sb, e);
        strbuf_putc(sb, ')');
    } else {
        rule_expr_print(sb, e);
    }
}

static void
print_string(struct strbuf *sb, const char *s)
{
    strbuf_putc(sb, '"');
    for (; *s != '\0'; s++) {
        if (*s == '"' || *s == '\\')
            strbuf_putc(sb, '\\');
        if (*s == '\n')
            strbuf_puts(sb, "\\n");
        else
            strbuf_putc(sb, *s);
    }
    strbuf_putc(sb, '"');
}

static const char *
op_text(enum tok_kind k)
{
    switch (k) {
    case TOK_EQ: return "==";
    case TOK_NE: return "!=";
    case TOK_LT: return "<";
    case TOK_LE: return "<=";
    case TOK_GT: return ">";
    case TOK_GE: return ">=";
    case TOK_PLUS: return "+";
    case TOK_MINUS: return "-";
    case TOK_STAR: return "*";
    case TOK_SLASH: return "/";
    default: return "?";
    }
}

/* Append e in canonical form (minimal parentheses). */
void
rule_expr_print(struct strbuf *sb, const struct expr *e)
{
    size_t i;
    char buf[11];

    switch (e->kind) {
    case EX_BOOL:
        strbuf_puts(sb, e->ival ? "true" : "false");
        break;
    case EX_INT:
        strbuf_printf(sb, "%lld", (long long)e->ival);
        break;
    case EX_DATE:
        date_format((fa_date)e->ival, buf);
        strbuf_puts(sb, buf);
        break;
    case EX_DURATION:
        if (e->dmonths != 0 && e->dmonths % 12 == 0)
            strbuf_printf(sb, "%dy", e->dmonths / 12);
        else if (e->dmonths != 0)
            strbuf_printf(sb, "%dm", e->dmonths);
        else
            strbuf_printf(sb, "%lldd", (long long)e->ival);
        break;
    case EX_STRING:
        print_string(sb, e->name);
        break;
    case EX_UNKNOWN:
        strbuf_puts(sb, "unknown");
        break;
    case EX_SYMBOL:
    case EX_VAR:
        strbuf_puts(sb, e->name);
        break;
    case EX_SET:
        strbuf_putc(sb, '{');
        for (i = 0; i < e->nargs; i++) {
            if (i > 0)
                strbuf_puts(sb, ", ");
            rule_expr_print(sb, e->args[i]);
        }
        strbuf_putc(sb, '}');
        break;
    case EX_FIELD:
        print_sub(sb, e->a, 8);
        strbuf_printf(sb, ".%s", e->name);
        break;
    case EX_CALL:
        strbuf_printf(sb, "%s(", e->name);
        for (i = 0; i < e->nargs; i++) {
            if (i > 0)
                strbuf_puts(sb, ", ");
            rule_expr_print(sb, e->args[i]);
        }
        strbuf_putc(sb, ')');
        break;
    case EX_QUANT:
        strbuf_printf(sb, "%s(%s in ", e->name, e->qvar);
        rule_expr_print(sb, e->a);
        if (e->b != NULL) {
            strbuf_puts(sb, " : ");
            rule_expr_print(sb, e->b);
        }
        strbuf_putc(sb, ')');
        break;
    case EX_NOT:
        strbuf_puts(sb, "not ");
        print_sub(sb, e->a, 3);
        break;
    case EX_NEG:
        strbuf_putc(sb, '-');
        print_sub(sb, e->a, 7);
        break;
    case EX_AND:
    case EX_OR:
        print_sub(sb, e->a, prec(e));
        strbuf_puts(sb, e->kind == EX_AND ? " and " : " or ");
        print_sub(sb, e->b, prec(e) + 1);
        break;
    case EX_CMP:
    case EX_ARITH:
        print_sub(sb, e->a, prec(e));
        strbuf_printf(sb, " %s ", op_text(e->op));
        print_sub(sb, e->b, prec(e) + 1);
        break;
    case EX_IN:
    case EX_NOTIN:
        print_sub(sb, e->a, 5);
        strbuf_puts(sb, e->kind == EX_IN ? " in " : " not in ");
        rule_expr_print(sb, e->b);
        break;
    }
}

/* Append a whole rule in canonical form. */
void
rule_print(struct strbuf *sb, const struct rule *r)
{
    static const char *const sev[] = { "low", "medium", "high", "critical" };
    size_t i;

    strbuf_printf(sb, "rule %s ", r->id);
    print_string(sb, r->title);
    strbuf_printf(sb, " cites %s {\n", r->clause);
    if (r->var != NULL) {
        strbuf_printf(sb, "    for %s in ", r->var);
        rule_expr_print(sb, r->coll);
        strbuf_putc(sb, '\n');
    }
    strbuf_printf(sb, "    severity %s\n    waivable %s\n", sev[r->severity],
        r->waivable ? "yes" : "no");
    if (r->advisory)
        strbuf_puts(sb, "    advisory\n");
    if (r->basis != NULL) {
        strbuf_puts(sb, "    basis ");
        print_string(sb, r->basis);
        strbuf_putc(sb, '\n');
    }
    for (i = 0; i < r->nreadings; i++)
        strbuf_printf(sb, "    reading %s\n", r->readings[i]);
    for (i = 0; i < r->nlets; i++) {
        strbuf_printf(sb, "    let %s = ", r->lets[i].name);
        rule_expr_print(sb, r->lets[i].e);
        strbuf_putc(sb, '\n');
    }
    for (i = 0; i < r->nconds; i++) {
        const struct rule_cond *c = &r->conds[i];

        switch (c->kind) {
        case CL_APPLIES:
            strbuf_puts(sb, "    applies when ");
            break;
        case CL_EXCEPT:
            strbuf_puts(sb, "    except ");
            print_string(sb, c->label);
            strbuf_puts(sb, " when ");
            break;
        case CL_FAIL:
            strbuf_puts(sb, "    fail when ");
            break;
        case CL_PASS:
            strbuf_puts(sb, "    pass when ");
            break;
        }
        rule_expr_print(sb, c->e);
        strbuf_putc(sb, '\n');
    }
    strbuf_puts(sb, "    message ");
    print_string(sb, r->msg_src);
    strbuf_puts(sb, "\n    remedy ");
    print_string(sb, r->remedy);
    strbuf_puts(sb, "\n}\n");
}

/* One rule in canonical form (caller frees). */
char *
rule_format(const struct rule *r)
{
    struct strbuf sb;

    strbuf_init(&sb);
    rule_print(&sb, r);
    return strbuf_detach(&sb);
}

/* The article's header and rules in canonical form (caller frees). */
char *
rule_pack_format_article(const struct rule_pack *pack, int number)
{
    const struct rule_article_info *a = rule_pack_article(pack, number);
    struct strbuf sb;
    size_t i;
    char buf[11];

    if (a == NULL)
        return NULL;
    strbuf_init(&sb);
    strbuf_printf(&sb, "article %d {\n    title_zh ", number);
    print_string(&sb, a->title_zh);
    strbuf_puts(&sb, "\n    title_en ");
    print_string(&sb, a->title_en);
    strbuf_puts(&sb, "\n    summary ");
    print_string(&sb, a->summary);
    if (a->in_force != FA_DATE_NONE) {
        date_format(a->in_force, buf);
        strbuf_printf(&sb, "\n    in_force %s", buf);
        if (a->until != FA_DATE_NONE) {
            date_format(a->until, buf);
            strbuf_printf(&sb, " until %s", buf);
        }
    }
    strbuf_puts(&sb, "\n    source ");
    print_string(&sb, a->source);
    strbuf_printf(&sb, "\n    confidence %s", a->confidence);
    if (a->unverified != NULL) {
        strbuf_puts(&sb, "\n    unverified ");
        print_string(&sb, a->unverified);
    }
    if (a->informational != NULL) {
        strbuf_puts(&sb, "\n    informational ");
        print_string(&sb, a->informational);
    }
    for (i = 0; i < pack->clauses.len; i++) {
        const struct rule_clause *c = vec_get(&pack->clauses, i);

        if (c->article != number)
            continue;
        strbuf_printf(&sb, "\n    clause %s ", c->id);
        print_string(&sb, c->text);
    }
    strbuf_puts(&sb, "\n}\n");
    for (i = 0; i < pack->nscopes; i++) {
        if (pack->scope_article != number)
            break;
        strbuf_puts(&sb, i == 0 ? "\nscope " : "scope ");
        print_string(&sb, pack->scopes[i].label);
        strbuf_puts(&sb, " when ");
        rule_expr_print(&sb, pack->scopes[i].e);
        strbuf_putc(&sb, '\n');
    }
    for (i = 0; i < pack->readings.len; i++) {
        const struct rule_reading_def *rd = vec_get(&pack->readings, i);
        size_t k;

        if (rd->article != number)
            continue;
        strbuf_printf(&sb, "\nreading %s ", rd->name);
        print_string(&sb, rd->title);
        strbuf_puts(&sb, " {\n    literal ");
        print_string(&sb, rd->texts[0]);
        for (k = 1; k < rd->nalts; k++) {
            strbuf_printf(&sb, "\n    alt %s ", rd->alts[k]);
            print_string(&sb, rd->texts[k]);
        }
        strbuf_puts(&sb, "\n}\n");
    }
    for (i = 0; i < pack->rules.len; i++) {
        const struct rule *r = vec_get(&pack->rules, i);

        if (r->article != number)
            continue;
        strbuf_putc(&sb, '\n');
        rule_print(&sb, r);
    }
    return strbuf_detach(&sb);
}
