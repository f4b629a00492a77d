/* SPDX-License-Identifier: MIT */
/*
 * rule_parse.c - recursive-descent parser from tokens to the AST. A file
 * holds one `article N { ... }` block, optional `scope` declarations (all in
 * one file), `reading` declarations (contested readings) and any number of
 * `rule ID "title" cites CLAUSE { ... }` blocks (grammar in
 * doc/faceaudit-rules.5). Errors say file:line:col, what was expected and
 * the token found. The token helpers and expressions are in
 * rule_parse_expr.c.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rule/rule_parse_int.h"

#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

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
            part.e = parser_expr(&sub);
            if (part.e != NULL && toks[sub.pos].kind != TOK_EOF) {
                parser_error(&sub, &toks[sub.pos], "'}' after the expression in the message template");
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
    if (parser_is_kw(parser_peek(p), "yes")) {
        *out = true;
    } else if (parser_is_kw(parser_peek(p), "no")) {
        *out = false;
    } else {
        return parser_error(p, parser_peek(p), "'yes' or 'no'");
    }
    parser_next(p);
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
    struct token *t = parser_peek(p), *s = NULL;
    struct expr *e;

    if (t->kind != TOK_IDENT)
        return parser_error(p, t, "a rule item (for, severity, waivable, applies, fail, pass, except, "
            "let, advisory, message, remedy, basis, reading) or '}'");
    parser_next(p);
    if (strcmp(t->text, "for") == 0) {
        struct token *v = NULL;

        if (r->var != NULL)
            return cause_set(p->cause, "%s:%d:%d: a rule has at most one 'for'", t->loc.file,
                t->loc.line, t->loc.col);
        if ((v = parser_expect_tok(p, TOK_IDENT)) == NULL || parser_expect_kw(p, "in") != 0)
            return -1;
        if ((r->coll = parser_expr(p)) == NULL)
            return -1;
        r->var = xstrdup(v->text);
        return 0;
    }
    if (strcmp(t->text, "severity") == 0) {
        static const char *const sev[] = { "low", "medium", "high", "critical", NULL };
        struct token *v = parser_peek(p);
        int i;

        if (v->kind != TOK_IDENT || (i = schema_symbol_index(sev, v->text)) < 0)
            return parser_error(p, v, "a severity (critical, high, medium or low)");
        parser_next(p);
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

        if (parser_expect_kw(p, "when") != 0 || (e = parser_expr(p)) == NULL)
            return -1;
        add_cond(r, k, NULL, e);
        return 0;
    }
    if (strcmp(t->text, "except") == 0) {
        if ((s = parser_expect_tok(p, TOK_STRING)) == NULL || parser_expect_kw(p, "when") != 0 ||
            (e = parser_expr(p)) == NULL)
            return -1;
        add_cond(r, CL_EXCEPT, xstrdup(s->text), e);
        return 0;
    }
    if (strcmp(t->text, "let") == 0) {
        struct token *v = NULL;

        if ((v = parser_expect_tok(p, TOK_IDENT)) == NULL || parser_expect(p, TOK_ASSIGN, NULL) != 0 ||
            (e = parser_expr(p)) == NULL)
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
        if ((s = parser_expect_tok(p, TOK_STRING)) == NULL)
            return -1;
        return parse_template(p, s, r);
    }
    if (strcmp(t->text, "remedy") == 0) {
        if ((s = parser_expect_tok(p, TOK_STRING)) == NULL)
            return -1;
        free(r->remedy);
        r->remedy = xstrdup(s->text);
        return 0;
    }
    if (strcmp(t->text, "basis") == 0) {
        if (r->basis != NULL)
            return cause_set(p->cause, "%s:%d:%d: duplicate 'basis'", t->loc.file,
                t->loc.line, t->loc.col);
        if ((s = parser_expect_tok(p, TOK_STRING)) == NULL)
            return -1;
        r->basis = xstrdup(s->text);
        return 0;
    }
    if (strcmp(t->text, "reading") == 0) {
        if ((s = parser_expect_tok(p, TOK_IDENT)) == NULL)
            return -1;
        r->readings = xreallocarray(r->readings, r->nreadings + 1, sizeof *r->readings);
        r->readings[r->nreadings++] = xstrdup(s->text);
        return 0;
    }
    p->pos--;
    return parser_error(p, t, "a rule item (for, severity, waivable, applies, fail, pass, except, let, "
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
    if ((id = parser_expect_tok(p, TOK_IDENT)) == NULL)
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
    if ((title = parser_expect_tok(p, TOK_STRING)) == NULL || parser_expect_kw(p, "cites") != 0)
        goto fail;
    r->title = xstrdup(title->text);
    clause = parser_peek(p);
    if (clause->kind != TOK_CLAUSE && clause->kind != TOK_INT) {
        parser_error(p, clause, "a clause number such as 13.2");
        goto fail;
    }
    parser_next(p);
    r->clause = xstrdup(clause->text);
    if (atoi(r->clause) != p->article) {
        cause_set(p->cause, "%s:%d:%d: rule %s cites clause %s, outside article %d",
            clause->loc.file, clause->loc.line, clause->loc.col, r->id, r->clause, p->article);
        goto fail;
    }
    if (parser_expect(p, TOK_LBRACE, NULL) != 0)
        goto fail;
    while (parser_peek(p)->kind != TOK_RBRACE) {
        if (parse_rule_item(p, r) != 0)
            goto fail;
    }
    parser_next(p);
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
    if ((num = parser_expect_tok(p, TOK_INT)) == NULL)
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
    if (parser_expect(p, TOK_LBRACE, NULL) != 0)
        return -1;
    while (parser_peek(p)->kind != TOK_RBRACE) {
        struct token *t = parser_peek(p);
        const char **slot = NULL;

        if (t->kind != TOK_IDENT)
            return parser_error(p, t, "an article item or '}'");
        parser_next(p);
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
            if ((s = parser_expect_tok(p, TOK_STRING)) == NULL)
                return -1;
            *slot = keep(p, s->text);
            continue;
        }
        if (strcmp(t->text, "confidence") == 0) {
            static const char *const conf[] = { "high", "medium", "low", NULL };

            if (parser_peek(p)->kind != TOK_IDENT || schema_symbol_index(conf, parser_peek(p)->text) < 0)
                return parser_error(p, parser_peek(p), "a confidence (high, medium or low)");
            a->info.confidence = keep(p, parser_next(p)->text);
            continue;
        }
        if (strcmp(t->text, "in_force") == 0) {
            struct token *d = NULL;

            if ((d = parser_expect_tok(p, TOK_DATE)) == NULL)
                return -1;
            a->info.in_force = (fa_date)d->ival;
            if (parser_is_kw(parser_peek(p), "until")) {
                parser_next(p);
                if ((d = parser_expect_tok(p, TOK_DATE)) == NULL)
                    return -1;
                a->info.until = (fa_date)d->ival;
            }
            continue;
        }
        if (strcmp(t->text, "clause") == 0) {
            struct token *c = parser_peek(p);
            struct rule_clause *rc;
            size_t i;

            if (c->kind != TOK_CLAUSE && c->kind != TOK_INT)
                return parser_error(p, c, "a clause number such as 13.2");
            parser_next(p);
            if (atoi(c->text) != p->article)
                return cause_set(p->cause, "%s:%d:%d: clause %s is outside article %d",
                    c->loc.file, c->loc.line, c->loc.col, c->text, p->article);
            for (i = 0; i < p->pack->clauses.len; i++) {
                struct rule_clause *o = vec_get(&p->pack->clauses, i);

                if (strcmp(o->id, c->text) == 0)
                    return cause_set(p->cause, "%s:%d:%d: duplicate clause %s", c->loc.file,
                        c->loc.line, c->loc.col, c->text);
            }
            if ((s = parser_expect_tok(p, TOK_STRING)) == NULL)
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
        return parser_error(p, t, "an article item (title_zh, title_en, summary, in_force, source, "
            "confidence, unverified, informational, clause) or '}'");
    }
    parser_next(p);
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
    if ((name = parser_expect_tok(p, TOK_IDENT)) == NULL)
        return -1;
    if (rule_pack_reading_find(p->pack, name->text, NULL) != NULL)
        return cause_set(p->cause, "%s:%d:%d: duplicate reading '%s'", name->loc.file,
            name->loc.line, name->loc.col, name->text);
    if ((title = parser_expect_tok(p, TOK_STRING)) == NULL || parser_expect(p, TOK_LBRACE, NULL) != 0)
        return -1;
    rd = xcalloc(1, sizeof *rd);
    rd->name = xstrdup(name->text);
    rd->title = xstrdup(title->text);
    rd->article = p->article;
    rd->loc = kw->loc;
    if (parser_expect_kw(p, "literal") != 0 || (s = parser_expect_tok(p, TOK_STRING)) == NULL)
        goto fail;
    reading_add(rd, "literal", s->text);
    while (parser_peek(p)->kind != TOK_RBRACE) {
        struct token *alt;

        if (parser_expect_kw(p, "alt") != 0 || (alt = parser_expect_tok(p, TOK_IDENT)) == NULL)
            goto fail;
        for (i = 0; i < rd->nalts; i++) {
            if (strcmp(rd->alts[i], alt->text) == 0) {
                cause_set(p->cause, "%s:%d:%d: reading '%s' already has '%s'",
                    alt->loc.file, alt->loc.line, alt->loc.col, rd->name, alt->text);
                goto fail;
            }
        }
        if ((s = parser_expect_tok(p, TOK_STRING)) == NULL)
            goto fail;
        reading_add(rd, alt->text, s->text);
    }
    parser_next(p);
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

    while (parser_peek(&p)->kind != TOK_EOF) {
        struct token *t = parser_next(&p);

        if (parser_is_kw(t, "article")) {
            if (parse_article(&p, t) != 0)
                return -1;
        } else if (parser_is_kw(t, "rule")) {
            if (parse_rule(&p, t) != 0)
                return -1;
        } else if (parser_is_kw(t, "scope")) {
            struct token *s = NULL;
            struct rule_scope *sc;

            if (p.article == 0 || (pack->nscopes > 0 && pack->scope_article != p.article))
                return cause_set(cause, "%s:%d:%d: %s", t->loc.file, t->loc.line,
                    t->loc.col, p.article == 0 ? "'scope' before the file's 'article' block" :
                    "the scope of the rule pack is declared in one file");
            pack->scope_article = p.article;
            if ((s = parser_expect_tok(&p, TOK_STRING)) == NULL || parser_expect_kw(&p, "when") != 0)
                return -1;
            pack->scopes = xreallocarray(pack->scopes, pack->nscopes + 1,
                sizeof *pack->scopes);
            sc = &pack->scopes[pack->nscopes];
            sc->label = xstrdup(s->text);
            if ((sc->e = parser_expr(&p)) == NULL) {
                free(sc->label);
                return -1;
            }
            pack->nscopes++;
        } else if (parser_is_kw(t, "reading")) {
            if (parse_reading(&p, t) != 0)
                return -1;
        } else {
            return parser_error(&p, t, "'article', 'scope', 'reading' or 'rule'");
        }
    }
    if (p.article == 0)
        return cause_set(cause, "%s: no 'article' block", file);
    return 0;
}
