/* SPDX-License-Identifier: MIT */
#ifndef FA_RULE_INT_H
#define FA_RULE_INT_H
/*
 * rule_int.h - private to src/rule/: tokens, the AST, the fact schema, the
 * fact tree and evaluator values shared by the lexer, parser, checker and
 * evaluator.
 */

#include <stdbool.h>
#include <stdint.h>

#include "faceaudit/hash.h"
#include "faceaudit/rule.h"
#include "faceaudit/scenario.h"
#include "faceaudit/str.h"
#include "faceaudit/vec.h"

/* --- source locations and tokens ------------------------------------------- */

struct rule_loc {
    const char *file; /* borrowed from the pack's file list */
    int line, col;
};

enum tok_kind {
    TOK_EOF, TOK_IDENT, TOK_STRING, TOK_INT, TOK_DATE, TOK_DURATION, TOK_CLAUSE,
    TOK_LBRACE, TOK_RBRACE, TOK_LPAREN, TOK_RPAREN, TOK_COMMA, TOK_DOT, TOK_COLON,
    TOK_EQ, TOK_NE, TOK_LT, TOK_LE, TOK_GT, TOK_GE, TOK_PLUS, TOK_MINUS, TOK_STAR,
    TOK_SLASH, TOK_ASSIGN
};

struct token {
    enum tok_kind kind;
    char *text;       /* identifier, string contents, clause, or the literal's text */
    int64_t ival;     /* TOK_INT, TOK_DURATION amount */
    char unit;        /* TOK_DURATION: 'd', 'w', 'm' or 'y' */
    struct rule_loc loc;
};

/* Tokenise text; returns a token array ending in TOK_EOF, or NULL + cause. */
struct token *rule_lex(const char *file, const char *text, size_t len, size_t *ntok,
    char **cause);
void rule_tokens_free(struct token *t, size_t n);
const char *rule_tok_name(enum tok_kind k);

/* --- types ------------------------------------------------------------------- */

enum ftype {
    FT_UNKNOWN, /* evaluator only: the unknown value */
    FT_BOOL, FT_INT, FT_DATE, FT_DURATION, FT_STRING, FT_SYMBOL, FT_SET,
    FT_NUMBER,  /* a number fact (a share): compared with numbers and integers only */
    FT_OBJ,     /* an entity of the scenario (kind in expr->kind / rval->kind) */
    FT_LIST,    /* every entity of a kind */
    FT_PREFIX,  /* checker only: a fact path still being spelt out ("consent" in consent.type) */
    FT_ANY      /* checker only: literal `unknown`, fits every type */
};

/* Index of sym in a NULL-terminated list, or -1. */
int schema_symbol_index(const char *const *symbols, const char *sym);
/* The scenario type of a fact as a rule-language type (FT_UNKNOWN: unsupported). */
enum ftype rule_fact_ftype(const struct fact_def *def);

/* --- the AST -------------------------------------------------------------------- */

enum expr_kind {
    EX_BOOL, EX_INT, EX_DATE, EX_DURATION, EX_STRING, EX_UNKNOWN, EX_SYMBOL, EX_SET,
    EX_VAR,     /* name: a `for` variable, a `let`, or a root entity */
    EX_FIELD,   /* a.name */
    EX_CALL,    /* builtin(args) */
    EX_QUANT,   /* any/all/count(x in coll : cond) */
    EX_NOT, EX_NEG, EX_AND, EX_OR, EX_CMP, EX_IN, EX_NOTIN, EX_ARITH
};

struct expr {
    enum expr_kind kind;
    struct rule_loc loc;
    char *name;            /* VAR, FIELD, CALL, QUANT (builtin), SYMBOL, STRING */
    enum tok_kind op;      /* CMP, ARITH */
    int64_t ival;          /* INT, DATE (fa_date), DURATION (days), BOOL */
    int dmonths;           /* DURATION: months part (y/m units) */
    struct expr *a, *b;    /* operands; FIELD: a = object; QUANT: a = coll, b = cond */
    struct expr **args;    /* CALL args, SET elements */
    size_t nargs;
    char *qvar;            /* QUANT variable */
    /* filled by the checker */
    enum ftype type;
    const struct fact_def *def;       /* FIELD/VAR: the fact read (NULL: entity or prefix) */
    enum scenario_kind skind;         /* OBJ/LIST/PREFIX: entity kind */
    char *prefix;                     /* PREFIX: the path so far */
    bool ancestor;                    /* FIELD: steps to an ancestor entity (device.site) */
    const char *const *symbols;       /* SYMBOL/SET context */
    int slot;              /* VAR: environment slot (-1: a root: deployment or a collection) */
    int sym;               /* SYMBOL: index in symbols */
    const struct builtin *fn;
    bool has_facts;        /* reads at least one fact (lint: constant conditions) */
};

enum clause_kind { CL_APPLIES, CL_EXCEPT, CL_FAIL, CL_PASS };

struct rule_cond {
    enum clause_kind kind;
    char *label;        /* CL_EXCEPT */
    struct expr *e;
};

struct rule_let {
    char *name;
    struct expr *e;
    int slot;
};

/* A message template: literal text and {expr} parts, alternating. */
struct tmpl_part {
    char *text;        /* literal (NULL for an expression part) */
    struct expr *e;
};

struct rule {
    char *id;
    char *title;
    char *clause;
    int article;
    struct rule_loc loc;
    char *where;             /* "file:line:col" */
    char *var;               /* `for VAR in PATH`, or NULL */
    struct expr *coll;
    enum rule_severity severity;
    bool waivable;
    bool advisory;
    bool has_severity, has_waivable;
    struct rule_cond *conds;
    size_t nconds;
    struct rule_let *lets;
    size_t nlets;
    struct tmpl_part *msg;
    size_t nmsg;
    char *msg_src;
    char *remedy;
    char *basis;             /* `basis "PIPL Art. 56"`: the law the duty comes from, or NULL */
    char **readings;         /* `reading NAME`: the contested readings it embodies */
    size_t nreadings;
    int nslots;              /* environment size: var + lets + quantifier variables */
};

/*
 * A contested reading: `reading NAME "title" { literal "TEXT" alt ALT "TEXT" ... }`.
 * Alternative 0 is "literal", the default (the literal, stricter reading).
 */
struct rule_reading_def {
    char *name;
    char *title;
    char **alts;          /* NULL-terminated: "literal", then the alternatives */
    char **texts;         /* one per alternative */
    size_t nalts;
    int article;
    struct rule_loc loc;
    int selected;         /* the loader's selection (rule_pack_select_reading) */
};

/* One `scope "LABEL" when EXPR` declaration: in scope only while every EXPR holds. */
struct rule_scope {
    char *label;          /* why the Measures do not apply when EXPR is false */
    struct expr *e;
};

struct rule_clause {
    char *id;     /* "13.2" */
    char *text;
    int article;
    struct rule_loc loc;
};

struct rule_article {
    struct rule_article_info info;
    struct rule_loc loc;
    bool present;
};

struct rule_pack {
    struct vec files;      /* char * paths (owned) */
    struct vec rules;      /* struct rule * (owned) */
    struct vec clauses;    /* struct rule_clause * (owned) */
    struct rule_article articles[RULE_NARTICLES + 1];
    struct rule_scope *scopes; /* the Art. 2 scope conditions (all must hold) */
    size_t nscopes;
    int scope_article;     /* the article whose file declares the scope */
    struct vec readings;   /* struct rule_reading_def * (owned) */
    char *hash;            /* over the files, then the non-literal readings selected */
    char *files_hash;      /* over the files only */
    struct hash used;      /* "kind.path" of scenario facts read by some rule (lint) */
    struct vec strings;    /* owned strings of article metadata */
};

/* Parse one file's tokens into pack; returns 0 or -1 + cause (file:line:col). */
int rule_parse(struct rule_pack *pack, const char *file, struct token *toks, size_t ntok,
    char **cause);
/* Resolve names, types and builtins of every rule; 0 or -1 + cause. */
int rule_check(struct rule_pack *pack, char **cause);
void rule_expr_free(struct expr *e);
/* Free a struct rule_reading_def (vector destructor). */
void rule_reading_free(void *p);
void rule_free(struct rule *r);
/* Print an expression in canonical form. */
void rule_expr_print(struct strbuf *sb, const struct expr *e);
void rule_print(struct strbuf *sb, const struct rule *r);

/* --- builtins ------------------------------------------------------------------- */

struct eval_ctx;
struct rval;

struct builtin {
    const char *name;
    int nargs;                   /* exact arity */
    enum ftype args[3];
    enum ftype ret;
    /* Compute the result; arguments are known unless flags say otherwise. */
    void (*fn)(struct eval_ctx *ec, const struct rval *args, struct rval *out);
    bool takes_unknown;          /* receives unknown arguments (known()) */
    const char *doc;
};

extern const struct builtin rule_builtins[];
/* The reading NAME of the pack, or NULL. */
const struct rule_reading_def *rule_pack_reading_find(const struct rule_pack *pack,
    const char *name, size_t *index);
const struct builtin *rule_builtin_find(const char *name);
/* NULL-terminated list of builtin names (for did-you-mean hints). */
const char *const *rule_builtin_names(void);

/* --- a string arena for results -------------------------------------------------- */

/*
 * Every string and array of an audit result lives in one arena, freed at
 * once: a 10,000-device audit makes hundreds of thousands of small strings.
 */
struct rule_arena {
    struct vec chunks;
    char *cur;
    size_t left;
};

/* Where an arena stands (rule_arena_mark), to rewind to (aggregation). */
struct rule_arena_mark {
    size_t nchunks;
    char *cur;
    size_t left;
};

struct rule_arena *rule_arena_new(void);
struct rule_arena_mark rule_arena_mark(const struct rule_arena *a);
void rule_arena_rewind(struct rule_arena *a, const struct rule_arena_mark *m);
void rule_arena_free(struct rule_arena *a);
/* Zeroed memory from the arena (aligned for any type). */
void *rule_arena_alloc(struct rule_arena *a, size_t size);
char *rule_arena_strdup(struct rule_arena *a, const char *s);
char *rule_arena_printf(struct rule_arena *a, const char *fmt, ...) FA_PRINTF(2, 3);
/* Concatenate NULL-terminated string arguments into the arena (no format parsing). */
char *rule_arena_cat(struct rule_arena *a, ...);

/* --- evaluator values -------------------------------------------------------------- */

struct rval {
    enum ftype t;   /* FT_UNKNOWN: unknown */
    int dmonths;    /* FT_DURATION: months part */
    enum scenario_kind kind; /* FT_OBJ, FT_LIST */
    union {
        bool b;
        int64_t i;
        double num; /* FT_NUMBER */
        fa_date d;
        const char *s;
        int sym;
        uint64_t set;
        const struct scenario_entity *obj;
    } u;
    const char *const *symbols; /* FT_SYMBOL/FT_SET */
};

struct eval_ctx {
    const struct scenario *sc;
    const int *readings;     /* selected alternative per pack reading */
    const struct calendar *cal;
    fa_date as_of;
    struct rval *env;        /* slots */
    bool approx;
    int quant_depth;         /* >0: inside any/all/count, facts not itemised */
    /* explanation being built for the current instance */
    struct rule_arena *arena;
    struct vec *facts_read;  /* struct audit_fact * (arena) */
    struct vec *unknowns;    /* char * (arena) */
    const char *entity_id;
    /*
     * The instance's entity (`for` rules), and whether the outcome read
     * anything of its own beyond its row of facts (its id, or an entity
     * compared by identity): then the outcome is not shared with the
     * entities that share its facts (rule_audit.c).
     */
    const struct scenario_entity *self;
    bool identity;
};

void rule_eval_expr(struct eval_ctx *ec, const struct expr *e, struct rval *out);
/* Print a value ("unknown", "2025-07-14", "{a, b}"), appended to sb. */
void rule_value_print(struct strbuf *sb, const struct rval *v);
/* Date + duration (months first, then days). */
fa_date rule_date_add(fa_date d, int months, int64_t days);

#endif /* FA_RULE_INT_H */
