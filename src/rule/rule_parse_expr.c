/* SPDX-License-Identifier: MIT */
/*
 * rule_parse_expr.c - the token helpers of the rule parser and the
 * expression grammar: precedence climbing from `or` down to primaries (sets,
 * builtin calls, fact paths, literals, dates and durations), nesting limited
 * to RULE_MAX_DEPTH. Errors say file:line:col, what was expected and the
 * token found. rule_parse.c parses the blocks around the expressions.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rule/rule_parse_int.h"

#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

struct token *
parser_peek(struct parser *p)
{
    return &p->t[p->pos];
}

struct token *
parser_next(struct parser *p)
{
    struct token *t = &p->t[p->pos];

    if (t->kind != TOK_EOF)
        p->pos++;
    return t;
}

static void
describe(struct strbuf *sb, const struct token *t)
{
    switch (t->kind) {
    case TOK_IDENT:
        strbuf_printf(sb, "'%s'", t->text);
        break;
    case TOK_STRING:
        strbuf_printf(sb, "string \"%.30s%s\"", t->text, strlen(t->text) > 30 ? "..." : "");
        break;
    case TOK_INT:
    case TOK_DATE:
    case TOK_DURATION:
    case TOK_CLAUSE:
        strbuf_printf(sb, "%s '%s'", rule_tok_name(t->kind), t->text);
        break;
    default:
        strbuf_puts(sb, rule_tok_name(t->kind));
        break;
    }
}

int
parser_error(struct parser *p, const struct token *t, const char *expected)
{
    struct strbuf sb;

    strbuf_init(&sb);
    describe(&sb, t);
    cause_set(p->cause, "%s:%d:%d: expected %s, found %s", t->loc.file, t->loc.line,
        t->loc.col, expected, strbuf_str(&sb));
    strbuf_done(&sb);
    return -1;
}

bool
parser_is_kw(const struct token *t, const char *kw)
{
    return t->kind == TOK_IDENT && strcmp(t->text, kw) == 0;
}

int
parser_expect(struct parser *p, enum tok_kind k, struct token **out)
{
    struct token *t = parser_peek(p);

    if (t->kind != k)
        return parser_error(p, t, rule_tok_name(k));
    parser_next(p);
    if (out != NULL)
        *out = t;
    return 0;
}

struct token *
parser_expect_tok(struct parser *p, enum tok_kind k)
{
    struct token *t = parser_peek(p);

    if (t->kind != k) {
        parser_error(p, t, rule_tok_name(k));
        return NULL;
    }
    return parser_next(p);
}

int
parser_expect_kw(struct parser *p, const char *kw)
{
    char *m;
    int rc;

    if (parser_is_kw(parser_peek(p), kw)) {
        parser_next(p);
        return 0;
    }
    m = xasprintf("'%s'", kw);
    rc = parser_error(p, parser_peek(p), m);
    free(m);
    return rc;
}

static const char *const reserved[] = {
    "and", "or", "not", "in", "true", "false", "unknown", "yes", "no", NULL
};

bool
parser_is_reserved(const char *s)
{
    size_t i;

    for (i = 0; reserved[i] != NULL; i++) {
        if (strcmp(s, reserved[i]) == 0)
            return true;
    }
    return false;
}

struct expr *
parser_new_expr(enum expr_kind k, const struct token *t)
{
    struct expr *e = xcalloc(1, sizeof *e);

    e->kind = k;
    e->loc = t->loc;
    e->slot = -1;
    e->sym = -1;
    return e;
}

/* --- expressions ------------------------------------------------------------ */

static struct expr *
parse_set(struct parser *p)
{
    struct token *open = parser_next(p);
    struct expr *e = parser_new_expr(EX_SET, open);
    size_t cap = 0;

    for (;;) {
        struct token *t = parser_peek(p);
        struct expr *el;

        if (t->kind == TOK_IDENT && !parser_is_reserved(t->text)) {
            el = parser_new_expr(EX_SYMBOL, t);
            el->name = xstrdup(t->text);
            parser_next(p);
        } else if (t->kind == TOK_STRING) {
            el = parser_new_expr(EX_STRING, t);
            el->name = xstrdup(t->text);
            parser_next(p);
        } else if (t->kind == TOK_INT) {
            el = parser_new_expr(EX_INT, t);
            el->ival = t->ival;
            parser_next(p);
        } else {
            parser_error(p, t, "a set element (a name, string or integer)");
            rule_expr_free(e);
            return NULL;
        }
        if (e->nargs == cap) {
            cap = cap ? cap * 2 : 4;
            e->args = xreallocarray(e->args, cap, sizeof *e->args);
        }
        e->args[e->nargs++] = el;
        if (parser_peek(p)->kind == TOK_COMMA) {
            parser_next(p);
            continue;
        }
        if (parser_peek(p)->kind == TOK_RBRACE) {
            parser_next(p);
            return e;
        }
        parser_error(p, parser_peek(p), "',' or '}' in a set");
        rule_expr_free(e);
        return NULL;
    }
}

static struct expr *
parse_call(struct parser *p, struct token *name)
{
    struct expr *e;
    size_t cap = 0;

    parser_next(p);  /* ( */
    /* any/all/count(x in coll : cond) */
    if ((strcmp(name->text, "any") == 0 || strcmp(name->text, "all") == 0 ||
        strcmp(name->text, "count") == 0) && parser_peek(p)->kind == TOK_IDENT &&
        parser_is_kw(&p->t[p->pos + 1], "in")) {
        e = parser_new_expr(EX_QUANT, name);
        e->name = xstrdup(name->text);
        e->qvar = xstrdup(parser_next(p)->text);
        parser_next(p);  /* in */
        if ((e->a = parser_expr(p)) == NULL)
            goto fail;
        if (parser_peek(p)->kind == TOK_COLON) {
            parser_next(p);
            if ((e->b = parser_expr(p)) == NULL)
                goto fail;
        } else if (strcmp(e->name, "count") != 0) {
            parser_error(p, parser_peek(p), "':' and a condition");
            goto fail;
        }
        if (parser_expect(p, TOK_RPAREN, NULL) != 0)
            goto fail;
        return e;
    }
    e = parser_new_expr(EX_CALL, name);
    e->name = xstrdup(name->text);
    if (parser_peek(p)->kind == TOK_RPAREN) {
        parser_next(p);
        return e;
    }
    for (;;) {
        struct expr *a = parser_expr(p);

        if (a == NULL)
            goto fail;
        if (e->nargs == cap) {
            cap = cap ? cap * 2 : 4;
            e->args = xreallocarray(e->args, cap, sizeof *e->args);
        }
        e->args[e->nargs++] = a;
        if (parser_peek(p)->kind == TOK_COMMA) {
            parser_next(p);
            continue;
        }
        if (parser_expect(p, TOK_RPAREN, NULL) != 0)
            goto fail;
        return e;
    }
fail:
    rule_expr_free(e);
    return NULL;
}

static struct expr *
parse_primary(struct parser *p)
{
    struct token *t = parser_peek(p);
    struct expr *e;

    switch (t->kind) {
    case TOK_INT:
        e = parser_new_expr(EX_INT, t);
        e->ival = t->ival;
        parser_next(p);
        return e;
    case TOK_DATE:
        e = parser_new_expr(EX_DATE, t);
        e->ival = t->ival;
        parser_next(p);
        return e;
    case TOK_DURATION:
        e = parser_new_expr(EX_DURATION, t);
        switch (t->unit) {
        case 'd':
            e->ival = t->ival;
            break;
        case 'w':
            e->ival = t->ival * 7;
            break;
        case 'm':
            e->dmonths = (int)t->ival;
            break;
        default:
            e->dmonths = (int)t->ival * 12;
            break;
        }
        parser_next(p);
        return e;
    case TOK_STRING:
        e = parser_new_expr(EX_STRING, t);
        e->name = xstrdup(t->text);
        parser_next(p);
        return e;
    case TOK_LBRACE:
        return parse_set(p);
    case TOK_LPAREN:
        parser_next(p);
        if ((e = parser_expr(p)) == NULL)
            return NULL;
        if (parser_expect(p, TOK_RPAREN, NULL) != 0) {
            rule_expr_free(e);
            return NULL;
        }
        return e;
    case TOK_IDENT:
        if (strcmp(t->text, "true") == 0 || strcmp(t->text, "false") == 0) {
            e = parser_new_expr(EX_BOOL, t);
            e->ival = t->text[0] == 't';
            parser_next(p);
            return e;
        }
        if (strcmp(t->text, "unknown") == 0) {
            e = parser_new_expr(EX_UNKNOWN, t);
            parser_next(p);
            return e;
        }
        if (parser_is_reserved(t->text))
            break;
        parser_next(p);
        if (parser_peek(p)->kind == TOK_LPAREN)
            return parse_call(p, t);
        e = parser_new_expr(EX_VAR, t);
        e->name = xstrdup(t->text);
        return e;
    default:
        break;
    }
    parser_error(p, t, "an expression");
    return NULL;
}

static struct expr *
parse_postfix(struct parser *p)
{
    struct expr *e = parse_primary(p);

    while (e != NULL && parser_peek(p)->kind == TOK_DOT) {
        struct token *dot = parser_next(p), *name;
        struct expr *f;

        if (parser_peek(p)->kind != TOK_IDENT || parser_is_reserved(parser_peek(p)->text)) {
            parser_error(p, parser_peek(p), "a field name after '.'");
            rule_expr_free(e);
            return NULL;
        }
        name = parser_next(p);
        f = parser_new_expr(EX_FIELD, dot);
        f->loc = name->loc;
        f->name = xstrdup(name->text);
        f->a = e;
        e = f;
    }
    return e;
}

static struct expr *
parse_unary(struct parser *p)
{
    if (parser_peek(p)->kind == TOK_MINUS) {
        struct token *t = parser_next(p);
        struct expr *e = parser_new_expr(EX_NEG, t);

        if ((e->a = parse_unary(p)) == NULL) {
            rule_expr_free(e);
            return NULL;
        }
        return e;
    }
    return parse_postfix(p);
}

static struct expr *
binary(enum expr_kind k, struct token *op, struct expr *a, struct expr *b)
{
    struct expr *e = parser_new_expr(k, op);

    e->op = op->kind;
    e->a = a;
    e->b = b;
    return e;
}

/*
 * One left-associative arithmetic level: operands from `next` joined by
 * either of the operator tokens op1, op2 (`*` `/` over unary, `+` `-` over
 * that).
 */
static struct expr *
parse_arith(struct parser *p, enum tok_kind op1, enum tok_kind op2,
    struct expr *(*next)(struct parser *))
{
    struct expr *e = next(p);

    while (e != NULL && (parser_peek(p)->kind == op1 || parser_peek(p)->kind == op2)) {
        struct token *op = parser_next(p);
        struct expr *b = next(p);

        if (b == NULL) {
            rule_expr_free(e);
            return NULL;
        }
        e = binary(EX_ARITH, op, e, b);
    }
    return e;
}

static struct expr *
parse_mul(struct parser *p)
{
    return parse_arith(p, TOK_STAR, TOK_SLASH, parse_unary);
}

static struct expr *
parse_add(struct parser *p)
{
    return parse_arith(p, TOK_PLUS, TOK_MINUS, parse_mul);
}

static struct expr *
parse_cmp(struct parser *p)
{
    struct expr *e = parse_add(p), *b;
    struct token *op = parser_peek(p);

    if (e == NULL)
        return NULL;
    switch (op->kind) {
    case TOK_EQ:
    case TOK_NE:
    case TOK_LT:
    case TOK_LE:
    case TOK_GT:
    case TOK_GE:
        parser_next(p);
        if ((b = parse_add(p)) == NULL) {
            rule_expr_free(e);
            return NULL;
        }
        return binary(EX_CMP, op, e, b);
    case TOK_ASSIGN:
        parser_error(p, op, "'==' (comparison) instead of '='");
        rule_expr_free(e);
        return NULL;
    case TOK_IDENT:
        if (parser_is_kw(op, "in") || (parser_is_kw(op, "not") && parser_is_kw(&p->t[p->pos + 1], "in"))) {
            bool neg = parser_is_kw(op, "not");

            parser_next(p);
            if (neg)
                parser_next(p);
            if ((b = parse_add(p)) == NULL) {
                rule_expr_free(e);
                return NULL;
            }
            return binary(neg ? EX_NOTIN : EX_IN, op, e, b);
        }
        break;
    default:
        break;
    }
    return e;
}

static struct expr *
parse_not(struct parser *p)
{
    if (parser_is_kw(parser_peek(p), "not")) {
        struct token *t = parser_next(p);
        struct expr *e = parser_new_expr(EX_NOT, t);

        if (++p->depth > RULE_MAX_DEPTH) {
            cause_set(p->cause, "%s:%d:%d: expression nested deeper than %d levels",
                t->loc.file, t->loc.line, t->loc.col, RULE_MAX_DEPTH);
            free(e);
            return NULL;
        }
        e->a = parse_not(p);
        p->depth--;
        if (e->a == NULL) {
            free(e);
            return NULL;
        }
        return e;
    }
    return parse_cmp(p);
}

static struct expr *
parse_and(struct parser *p)
{
    struct expr *e = parse_not(p);

    while (e != NULL && parser_is_kw(parser_peek(p), "and")) {
        struct token *op = parser_next(p);
        struct expr *b = parse_not(p);

        if (b == NULL) {
            rule_expr_free(e);
            return NULL;
        }
        e = binary(EX_AND, op, e, b);
    }
    return e;
}

struct expr *
parser_expr(struct parser *p)
{
    struct expr *e;
    struct token *t = parser_peek(p);

    if (++p->depth > RULE_MAX_DEPTH) {
        cause_set(p->cause, "%s:%d:%d: expression nested deeper than %d levels",
            t->loc.file, t->loc.line, t->loc.col, RULE_MAX_DEPTH);
        return NULL;
    }
    e = parse_and(p);
    while (e != NULL && parser_is_kw(parser_peek(p), "or")) {
        struct token *op = parser_next(p);
        struct expr *b = parse_and(p);

        if (b == NULL) {
            rule_expr_free(e);
            e = NULL;
            break;
        }
        e = binary(EX_OR, op, e, b);
    }
    p->depth--;
    return e;
}

