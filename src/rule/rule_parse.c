/* SPDX-License-Identifier: MIT */
/*
 * rule_parse.c - recursive-descent parser from tokens to the AST. A file
 * holds one `article N { ... }` block, optional `scope` declarations (all in
 * one file), `reading` declarations (contested readings) and any number of
 * `rule ID "title" cites CLAUSE { ... }` blocks (grammar in
 * doc/faceaudit-rules.5). Errors say file:line:col, what was expected and
 * the token found. Expression nesting is limited to RULE_MAX_DEPTH.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rule/rule_int.h"

#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

struct parser {
    struct rule_pack *pack;
    const char *file;
    struct token *t;
    size_t n, pos;
    int depth;
    int article;   /* number of this file's article, 0 before it */
    char **cause;
};

static struct token *
peek(struct parser *p)
{
    return &p->t[p->pos];
}

static struct token *
next(struct parser *p)
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

static int
perr(struct parser *p, const struct token *t, const char *expected)
{
    struct strbuf sb;

    strbuf_init(&sb);
    describe(&sb, t);
    cause_set(p->cause, "%s:%d:%d: expected %s, found %s", t->loc.file, t->loc.line,
        t->loc.col, expected, strbuf_str(&sb));
    strbuf_done(&sb);
    return -1;
}

static bool
is_kw(const struct token *t, const char *kw)
{
    return t->kind == TOK_IDENT && strcmp(t->text, kw) == 0;
}

static int
expect(struct parser *p, enum tok_kind k, struct token **out)
{
    struct token *t = peek(p);

    if (t->kind != k)
        return perr(p, t, rule_tok_name(k));
    next(p);
    if (out != NULL)
        *out = t;
    return 0;
}

static struct token *
expect_tok(struct parser *p, enum tok_kind k)
{
    struct token *t = peek(p);

    if (t->kind != k) {
        perr(p, t, rule_tok_name(k));
        return NULL;
    }
    return next(p);
}

static int
expect_kw(struct parser *p, const char *kw)
{
    char *m;
    int rc;

    if (is_kw(peek(p), kw)) {
        next(p);
        return 0;
    }
    m = xasprintf("'%s'", kw);
    rc = perr(p, peek(p), m);
    free(m);
    return rc;
}

static const char *const reserved[] = {
    "and", "or", "not", "in", "true", "false", "unknown", "yes", "no", NULL
};

static bool
is_reserved(const char *s)
{
    size_t i;

    for (i = 0; reserved[i] != NULL; i++) {
        if (strcmp(s, reserved[i]) == 0)
            return true;
    }
    return false;
}

static struct expr *
new_expr(enum expr_kind k, const struct token *t)
{
    struct expr *e = xcalloc(1, sizeof *e);

    e->kind = k;
    e->loc = t->loc;
    e->slot = -1;
    e->sym = -1;
    return e;
}

/* --- expressions ------------------------------------------------------------ */

static struct expr *parse_expr(struct parser *p);

static struct expr *
parse_set(struct parser *p)
{
    struct token *open = next(p);
    struct expr *e = new_expr(EX_SET, open);
    size_t cap = 0;

    for (;;) {
        struct token *t = peek(p);
        struct expr *el;

        if (t->kind == TOK_IDENT && !is_reserved(t->text)) {
            el = new_expr(EX_SYMBOL, t);
            el->name = xstrdup(t->text);
            next(p);
        } else if (t->kind == TOK_STRING) {
            el = new_expr(EX_STRING, t);
            el->name = xstrdup(t->text);
            next(p);
        } else if (t->kind == TOK_INT) {
            el = new_expr(EX_INT, t);
            el->ival = t->ival;
            next(p);
        } else {
            perr(p, t, "a set element (a name, string or integer)");
            rule_expr_free(e);
            return NULL;
        }
        if (e->nargs == cap) {
            cap = cap ? cap * 2 : 4;
            e->args = xreallocarray(e->args, cap, sizeof *e->args);
        }
        e->args[e->nargs++] = el;
        if (peek(p)->kind == TOK_COMMA) {
            next(p);
            continue;
        }
        if (peek(p)->kind == TOK_RBRACE) {
            next(p);
            return e;
        }
        perr(p, peek(p), "',' or '}' in a set");
        rule_expr_free(e);
        return NULL;
    }
}

static struct expr *
parse_call(struct parser *p, struct token *name)
{
    struct expr *e;
    size_t cap = 0;

    next(p);  /* ( */
    /* any/all/count(x in coll : cond) */
    if ((strcmp(name->text, "any") == 0 || strcmp(name->text, "all") == 0 ||
        strcmp(name->text, "count") == 0) && peek(p)->kind == TOK_IDENT &&
        is_kw(&p->t[p->pos + 1], "in")) {
        e = new_expr(EX_QUANT, name);
        e->name = xstrdup(name->text);
        e->qvar = xstrdup(next(p)->text);
        next(p);  /* in */
        if ((e->a = parse_expr(p)) == NULL)
            goto fail;
        if (peek(p)->kind == TOK_COLON) {
            next(p);
            if ((e->b = parse_expr(p)) == NULL)
                goto fail;
        } else if (strcmp(e->name, "count") != 0) {
            perr(p, peek(p), "':' and a condition");
            goto fail;
        }
        if (expect(p, TOK_RPAREN, NULL) != 0)
            goto fail;
        return e;
    }
    e = new_expr(EX_CALL, name);
    e->name = xstrdup(name->text);
    if (peek(p)->kind == TOK_RPAREN) {
        next(p);
        return e;
    }
    for (;;) {
        struct expr *a = parse_expr(p);

        if (a == NULL)
            goto fail;
        if (e->nargs == cap) {
            cap = cap ? cap * 2 : 4;
            e->args = xreallocarray(e->args, cap, sizeof *e->args);
        }
        e->args[e->nargs++] = a;
        if (peek(p)->kind == TOK_COMMA) {
            next(p);
            continue;
        }
        if (expect(p, TOK_RPAREN, NULL) != 0)
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
    struct token *t = peek(p);
    struct expr *e;

    switch (t->kind) {
    case TOK_INT:
        e = new_expr(EX_INT, t);
        e->ival = t->ival;
        next(p);
        return e;
    case TOK_DATE:
        e = new_expr(EX_DATE, t);
        e->ival = t->ival;
        next(p);
        return e;
    case TOK_DURATION:
        e = new_expr(EX_DURATION, t);
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
        next(p);
        return e;
    case TOK_STRING:
        e = new_expr(EX_STRING, t);
        e->name = xstrdup(t->text);
        next(p);
        return e;
    case TOK_LBRACE:
        return parse_set(p);
    case TOK_LPAREN:
        next(p);
        if ((e = parse_expr(p)) == NULL)
            return NULL;
        if (expect(p, TOK_RPAREN, NULL) != 0) {
            rule_expr_free(e);
            return NULL;
        }
        return e;
    case TOK_IDENT:
        if (strcmp(t->text, "true") == 0 || strcmp(t->text, "false") == 0) {
            e = new_expr(EX_BOOL, t);
            e->ival = t->text[0] == 't';
            next(p);
            return e;
        }
        if (strcmp(t->text, "unknown") == 0) {
            e = new_expr(EX_UNKNOWN, t);
            next(p);
            return e;
        }
        if (is_reserved(t->text))
            break;
        next(p);
        if (peek(p)->kind == TOK_LPAREN)
            return parse_call(p, t);
        e = new_expr(EX_VAR, t);
        e->name = xstrdup(t->text);
        return e;
    default:
        break;
    }
    perr(p, t, "an expression");
    return NULL;
}

static struct expr *
parse_postfix(struct parser *p)
{
    struct expr *e = parse_primary(p);

    while (e != NULL && peek(p)->kind == TOK_DOT) {
        struct token *dot = next(p), *name;
        struct expr *f;

        if (peek(p)->kind != TOK_IDENT || is_reserved(peek(p)->text)) {
            perr(p, peek(p), "a field name after '.'");
            rule_expr_free(e);
            return NULL;
        }
        name = next(p);
        f = new_expr(EX_FIELD, dot);
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
    if (peek(p)->kind == TOK_MINUS) {
        struct token *t = next(p);
        struct expr *e = new_expr(EX_NEG, t);

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
    struct expr *e = new_expr(k, op);

    e->op = op->kind;
    e->a = a;
    e->b = b;
    return e;
}

static struct expr *
parse_mul(struct parser *p)
{
    struct expr *e = parse_unary(p);

    while (e != NULL && (peek(p)->kind == TOK_STAR || peek(p)->kind == TOK_SLASH)) {
        struct token *op = next(p);
        struct expr *b = parse_unary(p);

        if (b == NULL) {
            rule_expr_free(e);
            return NULL;
        }
        e = binary(EX_ARITH, op, e, b);
    }
    return e;
}

static struct expr *
parse_add(struct parser *p)
{
    struct expr *e = parse_mul(p);

    while (e != NULL && (peek(p)->kind == TOK_PLUS || peek(p)->kind == TOK_MINUS)) {
        struct token *op = next(p);
        struct expr *b = parse_mul(p);

        if (b == NULL) {
            rule_expr_free(e);
            return NULL;
        }
        e = binary(EX_ARITH, op, e, b);
    }
    return e;
}

static struct expr *
parse_cmp(struct parser *p)
{
    struct expr *e = parse_add(p), *b;
    struct token *op = peek(p);

    if (e == NULL)
        return NULL;
    switch (op->kind) {
    case TOK_EQ:
    case TOK_NE:
    case TOK_LT:
    case TOK_LE:
    case TOK_GT:
    case TOK_GE:
        next(p);
        if ((b = parse_add(p)) == NULL) {
            rule_expr_free(e);
            return NULL;
        }
        return binary(EX_CMP, op, e, b);
    case TOK_ASSIGN:
        perr(p, op, "'==' (comparison) instead of '='");
        rule_expr_free(e);
        return NULL;
    case TOK_IDENT:
        if (is_kw(op, "in") || (is_kw(op, "not") && is_kw(&p->t[p->pos + 1], "in"))) {
            bool neg = is_kw(op, "not");

            next(p);
            if (neg)
                next(p);
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
    if (is_kw(peek(p), "not")) {
        struct token *t = next(p);
        struct expr *e = new_expr(EX_NOT, t);

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

    while (e != NULL && is_kw(peek(p), "and")) {
        struct token *op = next(p);
        struct expr *b = parse_not(p);

        if (b == NULL) {
            rule_expr_free(e);
            return NULL;
        }
        e = binary(EX_AND, op, e, b);
    }
    return e;
}

static struct expr *
parse_expr(struct parser *p)
{
    struct expr *e;
    struct token *t = peek(p);

    if (++p->depth > RULE_MAX_DEPTH) {
        cause_set(p->cause, "%s:%d:%d: expression nested deeper than %d levels",
            t->loc.file, t->loc.line, t->loc.col, RULE_MAX_DEPTH);
        return NULL;
    }
    e = parse_and(p);
    while (e != NULL && is_kw(peek(p), "or")) {
        struct token *op = next(p);
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

/* --- message templates ------------------------------------------------------ */

static int
parse_template(struct parser *p, struct token *str, struct rule *r)
{
    const char *s = str->text;
    size_t cap = 0;

    r->msg_src = xstrdup(s);
    while (*s != '\0') {
        struct tmpl_part part = { NULL, NULL };

        if (*s == '{') {
            const char *close = strchr(s, '}');
            struct token *toks;
            size_t ntok;
            char *inner, *c2 = NULL;
            struct parser sub;

            if (close == NULL)
                return cause_set(p->cause, "%s:%d:%d: unclosed '{' in message template",
                    str->loc.file, str->loc.line, str->loc.col);
            inner = xstrndup(s + 1, (size_t)(close - s - 1));
            toks = rule_lex(str->loc.file, inner, strlen(inner), &ntok, &c2);
            free(inner);
            if (toks == NULL) {
                cause_set(p->cause, "%s:%d:%d: in message template: %s", str->loc.file,
                    str->loc.line, str->loc.col, c2);
                free(c2);
                return -1;
            }
            /* Positions inside the template refer to the string token. */
            for (size_t i = 0; i < ntok; i++)
                toks[i].loc = str->loc;
            sub = *p;
            sub.t = toks;
            sub.n = ntok;
            sub.pos = 0;
            sub.depth = 0;
            part.e = parse_expr(&sub);
            if (part.e != NULL && toks[sub.pos].kind != TOK_EOF) {
                perr(&sub, &toks[sub.pos], "'}' after the expression in the message template");
                rule_expr_free(part.e);
                part.e = NULL;
            }
            rule_tokens_free(toks, ntok);
            if (part.e == NULL)
                return -1;
            s = close + 1;
        } else {
            const char *open = strchr(s, '{');
            size_t len = open != NULL ? (size_t)(open - s) : strlen(s);

            part.text = xstrndup(s, len);
            s += len;
        }
        if (r->nmsg == cap) {
            cap = cap ? cap * 2 : 4;
            r->msg = xreallocarray(r->msg, cap, sizeof *r->msg);
        }
        r->msg[r->nmsg++] = part;
    }
    return 0;
}

/* --- rules ------------------------------------------------------------------ */

static int
parse_yesno(struct parser *p, bool *out)
{
    if (is_kw(peek(p), "yes")) {
        *out = true;
    } else if (is_kw(peek(p), "no")) {
        *out = false;
    } else {
        return perr(p, peek(p), "'yes' or 'no'");
    }
    next(p);
    return 0;
}

static void
add_cond(struct rule *r, enum clause_kind k, char *label, struct expr *e)
{
    r->conds = xreallocarray(r->conds, r->nconds + 1, sizeof *r->conds);
    r->conds[r->nconds].kind = k;
    r->conds[r->nconds].label = label;
    r->conds[r->nconds].e = e;
    r->nconds++;
}

static int
parse_rule_item(struct parser *p, struct rule *r)
{
    struct token *t = peek(p), *s = NULL;
    struct expr *e;

    if (t->kind != TOK_IDENT)
        return perr(p, t, "a rule item (for, severity, waivable, applies, fail, pass, except, "
            "let, advisory, message, remedy, basis, reading) or '}'");
    next(p);
    if (strcmp(t->text, "for") == 0) {
        struct token *v = NULL;

        if (r->var != NULL)
            return cause_set(p->cause, "%s:%d:%d: a rule has at most one 'for'", t->loc.file,
                t->loc.line, t->loc.col);
        if ((v = expect_tok(p, TOK_IDENT)) == NULL || expect_kw(p, "in") != 0)
            return -1;
        if ((r->coll = parse_expr(p)) == NULL)
            return -1;
        r->var = xstrdup(v->text);
        return 0;
    }
    if (strcmp(t->text, "severity") == 0) {
        static const char *const sev[] = { "low", "medium", "high", "critical", NULL };
        struct token *v = peek(p);
        int i;

        if (v->kind != TOK_IDENT || (i = schema_symbol_index(sev, v->text)) < 0)
            return perr(p, v, "a severity (critical, high, medium or low)");
        next(p);
        r->severity = (enum rule_severity)i;
        r->has_severity = true;
        return 0;
    }
    if (strcmp(t->text, "waivable") == 0) {
        r->has_waivable = true;
        return parse_yesno(p, &r->waivable);
    }
    if (strcmp(t->text, "advisory") == 0) {
        r->advisory = true;
        return 0;
    }
    if (strcmp(t->text, "applies") == 0 || strcmp(t->text, "fail") == 0 ||
        strcmp(t->text, "pass") == 0) {
        enum clause_kind k = t->text[0] == 'a' ? CL_APPLIES : t->text[0] == 'f' ? CL_FAIL :
            CL_PASS;

        if (expect_kw(p, "when") != 0 || (e = parse_expr(p)) == NULL)
            return -1;
        add_cond(r, k, NULL, e);
        return 0;
    }
    if (strcmp(t->text, "except") == 0) {
        if ((s = expect_tok(p, TOK_STRING)) == NULL || expect_kw(p, "when") != 0 ||
            (e = parse_expr(p)) == NULL)
            return -1;
        add_cond(r, CL_EXCEPT, xstrdup(s->text), e);
        return 0;
    }
    if (strcmp(t->text, "let") == 0) {
        struct token *v = NULL;

        if ((v = expect_tok(p, TOK_IDENT)) == NULL || expect(p, TOK_ASSIGN, NULL) != 0 ||
            (e = parse_expr(p)) == NULL)
            return -1;
        r->lets = xreallocarray(r->lets, r->nlets + 1, sizeof *r->lets);
        r->lets[r->nlets].name = xstrdup(v->text);
        r->lets[r->nlets].e = e;
        r->lets[r->nlets].slot = -1;
        r->nlets++;
        return 0;
    }
    if (strcmp(t->text, "message") == 0) {
        if (r->msg_src != NULL)
            return cause_set(p->cause, "%s:%d:%d: duplicate 'message'", t->loc.file,
                t->loc.line, t->loc.col);
        if ((s = expect_tok(p, TOK_STRING)) == NULL)
            return -1;
        return parse_template(p, s, r);
    }
    if (strcmp(t->text, "remedy") == 0) {
        if ((s = expect_tok(p, TOK_STRING)) == NULL)
            return -1;
        free(r->remedy);
        r->remedy = xstrdup(s->text);
        return 0;
    }
    if (strcmp(t->text, "basis") == 0) {
        if (r->basis != NULL)
            return cause_set(p->cause, "%s:%d:%d: duplicate 'basis'", t->loc.file,
                t->loc.line, t->loc.col);
        if ((s = expect_tok(p, TOK_STRING)) == NULL)
            return -1;
        r->basis = xstrdup(s->text);
        return 0;
    }
    if (strcmp(t->text, "reading") == 0) {
        if ((s = expect_tok(p, TOK_IDENT)) == NULL)
            return -1;
        r->readings = xreallocarray(r->readings, r->nreadings + 1, sizeof *r->readings);
        r->readings[r->nreadings++] = xstrdup(s->text);
        return 0;
    }
    p->pos--;
    return perr(p, t, "a rule item (for, severity, waivable, applies, fail, pass, except, let, "
        "advisory, message, remedy, basis, reading) or '}'");
}

static int
parse_rule(struct parser *p, struct token *kw)
{
    struct rule *r = xcalloc(1, sizeof *r);
    struct token *id = NULL, *title = NULL, *clause;
    size_t i;

    r->loc = kw->loc;
    r->where = xasprintf("%s:%d:%d", kw->loc.file, kw->loc.line, kw->loc.col);
    r->article = p->article;
    if (p->article == 0) {
        cause_set(p->cause, "%s:%d:%d: 'rule' before the file's 'article' block",
            kw->loc.file, kw->loc.line, kw->loc.col);
        goto fail;
    }
    if ((id = expect_tok(p, TOK_IDENT)) == NULL)
        goto fail;
    r->id = xstrdup(id->text);
    {
        char *prefix = xasprintf("FRT-A%02d-", p->article);

        if (!str_has_prefix(r->id, prefix) || r->id[strlen(prefix)] == '\0') {
            cause_set(p->cause, "%s:%d:%d: rule id '%s' must start with '%s' in article %d's "
                "file", id->loc.file, id->loc.line, id->loc.col, r->id, prefix, p->article);
            free(prefix);
            goto fail;
        }
        free(prefix);
    }
    for (i = 0; i < p->pack->rules.len; i++) {
        struct rule *o = vec_get(&p->pack->rules, i);

        if (strcmp(o->id, r->id) == 0) {
            cause_set(p->cause, "%s:%d:%d: duplicate rule id '%s' (first defined at %s)",
                id->loc.file, id->loc.line, id->loc.col, r->id, o->where);
            goto fail;
        }
    }
    if ((title = expect_tok(p, TOK_STRING)) == NULL || expect_kw(p, "cites") != 0)
        goto fail;
    r->title = xstrdup(title->text);
    clause = peek(p);
    if (clause->kind != TOK_CLAUSE && clause->kind != TOK_INT) {
        perr(p, clause, "a clause number such as 13.2");
        goto fail;
    }
    next(p);
    r->clause = xstrdup(clause->text);
    if (atoi(r->clause) != p->article) {
        cause_set(p->cause, "%s:%d:%d: rule %s cites clause %s, outside article %d",
            clause->loc.file, clause->loc.line, clause->loc.col, r->id, r->clause, p->article);
        goto fail;
    }
    if (expect(p, TOK_LBRACE, NULL) != 0)
        goto fail;
    while (peek(p)->kind != TOK_RBRACE) {
        if (parse_rule_item(p, r) != 0)
            goto fail;
    }
    next(p);
    if (!r->has_severity || !r->has_waivable) {
        cause_set(p->cause, "%s: rule %s lacks '%s'", r->where, r->id,
            !r->has_severity ? "severity" : "waivable");
        goto fail;
    }
    {
        bool decides = false;

        for (i = 0; i < r->nconds; i++)
            decides |= r->conds[i].kind == CL_FAIL || r->conds[i].kind == CL_PASS;
        if (!decides) {
            cause_set(p->cause, "%s: rule %s has neither 'fail when' nor 'pass when'",
                r->where, r->id);
            goto fail;
        }
    }
    if (r->msg_src == NULL) {
        cause_set(p->cause, "%s: rule %s lacks 'message'", r->where, r->id);
        goto fail;
    }
    if (r->remedy == NULL) {
        cause_set(p->cause, "%s: rule %s lacks 'remedy'", r->where, r->id);
        goto fail;
    }
    vec_push(&p->pack->rules, r);
    return 0;
fail:
    rule_free(r);
    return -1;
}

/* --- article header --------------------------------------------------------- */

static const char *
keep(struct parser *p, const char *s)
{
    char *c = xstrdup(s);

    vec_push(&p->pack->strings, c);
    return c;
}

static int
parse_article(struct parser *p, struct token *kw)
{
    struct token *num = NULL, *s = NULL;
    struct rule_article *a;

    if (p->article != 0)
        return cause_set(p->cause, "%s:%d:%d: a rule file holds one 'article' block",
            kw->loc.file, kw->loc.line, kw->loc.col);
    if ((num = expect_tok(p, TOK_INT)) == NULL)
        return -1;
    if (num->ival < 1 || num->ival > RULE_NARTICLES)
        return cause_set(p->cause, "%s:%d:%d: article number %s is outside 1..%d",
            num->loc.file, num->loc.line, num->loc.col, num->text, RULE_NARTICLES);
    a = &p->pack->articles[num->ival];
    if (a->present)
        return cause_set(p->cause, "%s:%d:%d: article %s is already defined in %s",
            num->loc.file, num->loc.line, num->loc.col, num->text, a->info.file);
    p->article = (int)num->ival;
    a->present = true;
    a->loc = kw->loc;
    a->info.number = p->article;
    a->info.file = p->file;
    a->info.in_force = FA_DATE_NONE;
    a->info.until = FA_DATE_NONE;
    if (expect(p, TOK_LBRACE, NULL) != 0)
        return -1;
    while (peek(p)->kind != TOK_RBRACE) {
        struct token *t = peek(p);
        const char **slot = NULL;

        if (t->kind != TOK_IDENT)
            return perr(p, t, "an article item or '}'");
        next(p);
        if (strcmp(t->text, "title_zh") == 0)
            slot = &a->info.title_zh;
        else if (strcmp(t->text, "title_en") == 0)
            slot = &a->info.title_en;
        else if (strcmp(t->text, "summary") == 0)
            slot = &a->info.summary;
        else if (strcmp(t->text, "source") == 0)
            slot = &a->info.source;
        else if (strcmp(t->text, "unverified") == 0)
            slot = &a->info.unverified;
        else if (strcmp(t->text, "informational") == 0)
            slot = &a->info.informational;
        if (slot != NULL) {
            if ((s = expect_tok(p, TOK_STRING)) == NULL)
                return -1;
            *slot = keep(p, s->text);
            continue;
        }
        if (strcmp(t->text, "confidence") == 0) {
            static const char *const conf[] = { "high", "medium", "low", NULL };

            if (peek(p)->kind != TOK_IDENT || schema_symbol_index(conf, peek(p)->text) < 0)
                return perr(p, peek(p), "a confidence (high, medium or low)");
            a->info.confidence = keep(p, next(p)->text);
            continue;
        }
        if (strcmp(t->text, "in_force") == 0) {
            struct token *d = NULL;

            if ((d = expect_tok(p, TOK_DATE)) == NULL)
                return -1;
            a->info.in_force = (fa_date)d->ival;
            if (is_kw(peek(p), "until")) {
                next(p);
                if ((d = expect_tok(p, TOK_DATE)) == NULL)
                    return -1;
                a->info.until = (fa_date)d->ival;
            }
            continue;
        }
        if (strcmp(t->text, "clause") == 0) {
            struct token *c = peek(p);
            struct rule_clause *rc;
            size_t i;

            if (c->kind != TOK_CLAUSE && c->kind != TOK_INT)
                return perr(p, c, "a clause number such as 13.2");
            next(p);
            if (atoi(c->text) != p->article)
                return cause_set(p->cause, "%s:%d:%d: clause %s is outside article %d",
                    c->loc.file, c->loc.line, c->loc.col, c->text, p->article);
            for (i = 0; i < p->pack->clauses.len; i++) {
                struct rule_clause *o = vec_get(&p->pack->clauses, i);

                if (strcmp(o->id, c->text) == 0)
                    return cause_set(p->cause, "%s:%d:%d: duplicate clause %s", c->loc.file,
                        c->loc.line, c->loc.col, c->text);
            }
            if ((s = expect_tok(p, TOK_STRING)) == NULL)
                return -1;
            rc = xcalloc(1, sizeof *rc);
            rc->id = xstrdup(c->text);
            rc->text = xstrdup(s->text);
            rc->article = p->article;
            rc->loc = c->loc;
            vec_push(&p->pack->clauses, rc);
            continue;
        }
        p->pos--;
        return perr(p, t, "an article item (title_zh, title_en, summary, in_force, source, "
            "confidence, unverified, informational, clause) or '}'");
    }
    next(p);
    if (a->info.title_zh == NULL || a->info.title_en == NULL || a->info.summary == NULL ||
        a->info.source == NULL || a->info.confidence == NULL)
        return cause_set(p->cause, "%s:%d:%d: article %d needs title_zh, title_en, summary, "
            "source and confidence", kw->loc.file, kw->loc.line, kw->loc.col, p->article);
    return 0;
}

/* --- contested readings ---------------------------------------------------- */

static void
reading_free(struct rule_reading_def *rd)
{
    size_t i;

    for (i = 0; i < rd->nalts; i++) {
        free(rd->alts[i]);
        free(rd->texts[i]);
    }
    free(rd->alts);
    free(rd->texts);
    free(rd->name);
    free(rd->title);
    free(rd);
}

static void
reading_add(struct rule_reading_def *rd, const char *alt, const char *text)
{
    rd->alts = xreallocarray(rd->alts, rd->nalts + 2, sizeof *rd->alts);
    rd->texts = xreallocarray(rd->texts, rd->nalts + 1, sizeof *rd->texts);
    rd->alts[rd->nalts] = xstrdup(alt);
    rd->texts[rd->nalts] = xstrdup(text);
    rd->nalts++;
    rd->alts[rd->nalts] = NULL;
}

/*
 * reading NAME "title" { literal "TEXT"  alt NAME "TEXT" ... }: the literal
 * reading first (the default), then at least one alternative.
 */
static int
parse_reading(struct parser *p, struct token *kw)
{
    struct rule_reading_def *rd;
    struct token *name, *title, *s;
    size_t i;

    if (p->article == 0)
        return cause_set(p->cause, "%s:%d:%d: 'reading' before the file's 'article' block",
            kw->loc.file, kw->loc.line, kw->loc.col);
    if ((name = expect_tok(p, TOK_IDENT)) == NULL)
        return -1;
    if (rule_pack_reading_find(p->pack, name->text, NULL) != NULL)
        return cause_set(p->cause, "%s:%d:%d: duplicate reading '%s'", name->loc.file,
            name->loc.line, name->loc.col, name->text);
    if ((title = expect_tok(p, TOK_STRING)) == NULL || expect(p, TOK_LBRACE, NULL) != 0)
        return -1;
    rd = xcalloc(1, sizeof *rd);
    rd->name = xstrdup(name->text);
    rd->title = xstrdup(title->text);
    rd->article = p->article;
    rd->loc = kw->loc;
    if (expect_kw(p, "literal") != 0 || (s = expect_tok(p, TOK_STRING)) == NULL)
        goto fail;
    reading_add(rd, "literal", s->text);
    while (peek(p)->kind != TOK_RBRACE) {
        struct token *alt;

        if (expect_kw(p, "alt") != 0 || (alt = expect_tok(p, TOK_IDENT)) == NULL)
            goto fail;
        for (i = 0; i < rd->nalts; i++) {
            if (strcmp(rd->alts[i], alt->text) == 0) {
                cause_set(p->cause, "%s:%d:%d: reading '%s' already has '%s'",
                    alt->loc.file, alt->loc.line, alt->loc.col, rd->name, alt->text);
                goto fail;
            }
        }
        if ((s = expect_tok(p, TOK_STRING)) == NULL)
            goto fail;
        reading_add(rd, alt->text, s->text);
    }
    next(p);
    if (rd->nalts < 2) {
        cause_set(p->cause, "%s:%d:%d: reading '%s' needs at least one 'alt'", kw->loc.file,
            kw->loc.line, kw->loc.col, rd->name);
        goto fail;
    }
    vec_push(&p->pack->readings, rd);
    return 0;
fail:
    reading_free(rd);
    return -1;
}

/* Free a reading (the pack's vector destructor). */
void
rule_reading_free(void *p)
{
    reading_free(p);
}

/* Parse one file's tokens into the pack. */
int
rule_parse(struct rule_pack *pack, const char *file, struct token *toks, size_t ntok,
    char **cause)
{
    struct parser p = { pack, file, toks, ntok, 0, 0, 0, cause };

    while (peek(&p)->kind != TOK_EOF) {
        struct token *t = next(&p);

        if (is_kw(t, "article")) {
            if (parse_article(&p, t) != 0)
                return -1;
        } else if (is_kw(t, "rule")) {
            if (parse_rule(&p, t) != 0)
                return -1;
        } else if (is_kw(t, "scope")) {
            struct token *s = NULL;
            struct rule_scope *sc;

            if (p.article == 0 || (pack->nscopes > 0 && pack->scope_article != p.article))
                return cause_set(cause, "%s:%d:%d: %s", t->loc.file, t->loc.line,
                    t->loc.col, p.article == 0 ? "'scope' before the file's 'article' block" :
                    "the scope of the rule pack is declared in one file");
            pack->scope_article = p.article;
            if ((s = expect_tok(&p, TOK_STRING)) == NULL || expect_kw(&p, "when") != 0)
                return -1;
            pack->scopes = xreallocarray(pack->scopes, pack->nscopes + 1,
                sizeof *pack->scopes);
            sc = &pack->scopes[pack->nscopes];
            sc->label = xstrdup(s->text);
            if ((sc->e = parse_expr(&p)) == NULL) {
                free(sc->label);
                return -1;
            }
            pack->nscopes++;
        } else if (is_kw(t, "reading")) {
            if (parse_reading(&p, t) != 0)
                return -1;
        } else {
            return perr(&p, t, "'article', 'scope', 'reading' or 'rule'");
        }
    }
    if (p.article == 0)
        return cause_set(cause, "%s: no 'article' block", file);
    return 0;
}
