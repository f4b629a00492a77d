/* SPDX-License-Identifier: MIT */
#ifndef FA_RULE_PARSE_INT_H
#define FA_RULE_PARSE_INT_H
/*
 * rule_parse_int.h - the parser state and token helpers shared by
 * rule_parse.c (files: article, scope, reading and rule blocks, message
 * templates) and rule_parse_expr.c (expressions); private to src/rule/.
 */

#include <stdbool.h>
#include <stddef.h>

#include "rule/rule_int.h"

struct parser {
    struct rule_pack *pack;
    const char *file;
    struct token *t;
    size_t n, pos;
    int depth;
    int article;   /* number of this file's article, 0 before it */
    char **cause;
};

/* The current token, and the current token consumed. */
struct token *parser_peek(struct parser *p);
struct token *parser_next(struct parser *p);
/* "FILE:LINE:COL: expected X, found Y" into *p->cause; returns -1. */
int parser_error(struct parser *p, const struct token *t, const char *expected);
bool parser_is_kw(const struct token *t, const char *kw);
/* The next token of kind k (into *out when not NULL); -1 after parser_error(). */
int parser_expect(struct parser *p, enum tok_kind k, struct token **out);
struct token *parser_expect_tok(struct parser *p, enum tok_kind k);
int parser_expect_kw(struct parser *p, const char *kw);
/* A keyword of the expression language (and, or, not, in, true, ...). */
bool parser_is_reserved(const char *s);
struct expr *parser_new_expr(enum expr_kind k, const struct token *t);
/* One expression (depth limited to RULE_MAX_DEPTH); NULL after parser_error(). */
struct expr *parser_expr(struct parser *p);

#endif /* FA_RULE_PARSE_INT_H */
