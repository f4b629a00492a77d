/* SPDX-License-Identifier: MIT */
/*
 * rule_ast.c - the rule pack as a whole: loading a folder or a string
 * (lex, parse, check), freeing, accessors, the pack hash, and the AST
 * pretty-printer that prints rules back in canonical form (used by
 * `faceaudit rules show` and by round-trip tests: printing and re-parsing a
 * rule gives the same text).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rule/rule_int.h"

#include "faceaudit/calendar.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/sha256.h"
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

static void
free_rule_item(void *p)
{
    rule_free(p);
}

static void
free_clause(void *p)
{
    struct rule_clause *c = p;

    free(c->id);
    free(c->text);
    free(c);
}

static struct rule_pack *
pack_new(void)
{
    struct rule_pack *pack = xcalloc(1, sizeof *pack);

    vec_init(&pack->files, free);
    vec_init(&pack->rules, free_rule_item);
    vec_init(&pack->clauses, free_clause);
    vec_init(&pack->strings, free);
    vec_init(&pack->readings, rule_reading_free);
    hash_init(&pack->used, NULL);
    return pack;
}

/* Free a pack (NULL is a no-op). */
void
rule_pack_free(struct rule_pack *pack)
{
    if (pack == NULL)
        return;
    vec_done(&pack->rules);
    vec_done(&pack->clauses);
    vec_done(&pack->strings);
    vec_done(&pack->files);
    hash_done(&pack->used);
    vec_done(&pack->readings);
    for (size_t i = 0; i < pack->nscopes; i++) {
        rule_expr_free(pack->scopes[i].e);
        free(pack->scopes[i].label);
    }
    free(pack->scopes);
    free(pack->hash);
    free(pack->files_hash);
    free(pack);
}

static int
add_text(struct rule_pack *pack, struct sha256 *h, const char *name, const char *text,
    size_t len, char **cause)
{
    char *file = xstrdup(name);
    struct token *toks;
    size_t ntok;
    int rc;

    vec_push(&pack->files, file);
    sha256_update(h, name, strlen(name) + 1);
    sha256_update(h, text, len);
    if ((toks = rule_lex(file, text, len, &ntok, cause)) == NULL)
        return -1;
    rc = rule_parse(pack, file, toks, ntok, cause);
    rule_tokens_free(toks, ntok);
    return rc;
}

static int
finish(struct rule_pack *pack, struct sha256 *h, char **cause)
{
    unsigned char d[SHA256_DIGEST_LEN];

    pack->hash = xmalloc(SHA256_HEX_LEN + 1);
    sha256_final(h, d);
    sha256_to_hex(d, pack->hash);
    return rule_check(pack, cause);
}

/* Load one pack from a string (tests); name stands for the file name. */
struct rule_pack *
rule_pack_load_string(const char *name, const char *text, char **cause)
{
    struct rule_pack *pack = pack_new();
    struct sha256 h;

    sha256_init(&h);
    if (add_text(pack, &h, name, text, strlen(text), cause) != 0 ||
        finish(pack, &h, cause) != 0) {
        rule_pack_free(pack);
        return NULL;
    }
    return pack;
}

static int
load_file(struct rule_pack *pack, struct sha256 *h, const char *path, char **cause)
{
    size_t len;
    char *text = fs_read_file(path, RULE_MAX_FILE_SIZE, &len, cause);
    int rc;

    if (text == NULL)
        return -1;
    if (memchr(text, '\0', len) != NULL) {
        free(text);
        return cause_set(cause, "%s: binary data (NUL byte) in a rule file", path);
    }
    rc = add_text(pack, h, path, text, len, cause);
    free(text);
    return rc;
}

/* Load and check one rule file. */
struct rule_pack *
rule_pack_load_file(const char *path, char **cause)
{
    struct rule_pack *pack = pack_new();
    struct sha256 h;

    sha256_init(&h);
    if (load_file(pack, &h, path, cause) != 0 || finish(pack, &h, cause) != 0) {
        rule_pack_free(pack);
        return NULL;
    }
    return pack;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
rule_pack_load_with_calendar(const char *dir, struct rule_pack **pack, struct calendar **cal,
    char **cause)
{
    return rule_pack_load_with_readings(dir, NULL, 0, pack, cal, cause);
}

/* The same, then every "NAME=ALT" of readings selected (see rule.h). */
int
rule_pack_load_with_readings(const char *dir, const char *const *readings, size_t nreadings,
    struct rule_pack **pack, struct calendar **cal, char **cause)
{
    char *rdir = dir != NULL ? xstrdup(dir) : path_rules_dir();
    char *cdir = path_join(rdir, "calendar");
    size_t i;
    int rc = 0;

    *cal = NULL;
    if ((*pack = rule_pack_load(rdir, cause)) == NULL)
        rc = -1;
    for (i = 0; rc == 0 && i < nreadings; i++)
        rc = rule_pack_select_reading(*pack, readings[i], cause);
    if (rc == 0 && (*cal = calendar_load(cdir, cause)) == NULL)
        rc = -1;
    if (rc != 0) {
        rule_pack_free(*pack);
        *pack = NULL;
    }
    free(cdir);
    free(rdir);
    return rc;
}

/* Load and check every aNN-*.rule file of dir, in name order. */
struct rule_pack *
rule_pack_load(const char *dir, char **cause)
{
    struct rule_pack *pack;
    struct vec names;
    struct dirent *de;
    struct sha256 h;
    DIR *d = opendir(dir);
    size_t i;

    if (d == NULL) {
        cause_set(cause, "%s: cannot open the rules folder: %s", dir, strerror(errno));
        return NULL;
    }
    vec_init(&names, free);
    while ((de = readdir(d)) != NULL) {
        const char *n = de->d_name;

        if (n[0] == 'a' && n[1] >= '0' && n[1] <= '9' && n[2] >= '0' && n[2] <= '9' &&
            n[3] == '-' && str_has_suffix(n, ".rule"))
            vec_push(&names, xstrdup(n));
    }
    closedir(d);
    if (names.len == 0) {
        vec_done(&names);
        cause_set(cause, "%s: no aNN-*.rule files (is this the rules folder?)", dir);
        return NULL;
    }
    vec_sort(&names, cmp_str);
    pack = pack_new();
    sha256_init(&h);
    for (i = 0; i < names.len; i++) {
        const char *n = vec_get(&names, i);
        char *path = path_join(dir, n);
        int want = atoi(n + 1), rc;

        rc = load_file(pack, &h, path, cause);
        if (rc == 0 && (want < 1 || want > RULE_NARTICLES ||
            !pack->articles[want].present ||
            strcmp(pack->articles[want].info.file, path) != 0))
            rc = cause_set(cause, "%s: the file name says article %d but the file defines "
                "another", path, want);
        free(path);
        if (rc != 0) {
            vec_done(&names);
            rule_pack_free(pack);
            return NULL;
        }
    }
    vec_done(&names);
    if (finish(pack, &h, cause) != 0) {
        rule_pack_free(pack);
        return NULL;
    }
    return pack;
}

/* --- accessors ---------------------------------------------------------------- */

/* Hex SHA-256 over file names and contents (borrowed). */
const char *
rule_pack_hash(const struct rule_pack *pack)
{
    return pack->hash;
}

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

/*
 * The pack hash identifies what an audit applied: the files, then every
 * reading whose alternative is not the literal one ("NAME=ALT\n").
 */
static void
rehash(struct rule_pack *pack)
{
    unsigned char d[SHA256_DIGEST_LEN];
    struct sha256 h;
    size_t i, n = 0;

    if (pack->files_hash == NULL)
        pack->files_hash = xstrdup(pack->hash);
    for (i = 0; i < pack->readings.len; i++)
        n += ((const struct rule_reading_def *)vec_get(&pack->readings, i))->selected != 0;
    if (n == 0) {  /* every reading literal: the files alone */
        memcpy(pack->hash, pack->files_hash, SHA256_HEX_LEN + 1);
        return;
    }
    sha256_init(&h);
    sha256_update(&h, pack->files_hash, strlen(pack->files_hash));
    for (i = 0; i < pack->readings.len; i++) {
        const struct rule_reading_def *rd = vec_get(&pack->readings, i);

        if (rd->selected == 0)
            continue;
        sha256_update(&h, "\n", 1);
        sha256_update(&h, rd->name, strlen(rd->name));
        sha256_update(&h, "=", 1);
        sha256_update(&h, rd->alts[rd->selected], strlen(rd->alts[rd->selected]));
    }
    sha256_final(&h, d);
    sha256_to_hex(d, pack->hash);
}

/* Select an alternative: spec is "NAME=ALT" (see rule.h). */
int
rule_pack_select_reading(struct rule_pack *pack, const char *spec, char **cause)
{
    const char *eq = strchr(spec, '=');
    struct rule_reading_def *rd;
    char *name;
    size_t i;
    int k;

    if (eq == NULL || eq == spec || eq[1] == '\0')
        return cause_set(cause, "--reading %s: expected NAME=ALTERNATIVE", spec);
    name = xstrndup(spec, (size_t)(eq - spec));
    rd = NULL;
    if (rule_pack_reading_find(pack, name, &i) != NULL)
        rd = vec_get(&pack->readings, i);
    if (rd == NULL) {
        const char **names = xcalloc(pack->readings.len + 1, sizeof *names);
        const char *hint;
        int rc;

        for (i = 0; i < pack->readings.len; i++)
            names[i] = ((struct rule_reading_def *)vec_get(&pack->readings, i))->name;
        hint = str_suggest(name, names);
        if (hint != NULL)
            rc = cause_set(cause, "--reading %s: no reading '%s' (did you mean '%s'?)", spec,
                name, hint);
        else
            rc = cause_set(cause, "--reading %s: no reading '%s' (the pack has %zu)", spec,
                name, pack->readings.len);
        free(names);
        free(name);
        return rc;
    }
    free(name);
    if ((k = schema_symbol_index((const char *const *)rd->alts, eq + 1)) < 0) {
        struct strbuf sb;
        size_t j;
        int rc;

        strbuf_init(&sb);
        for (j = 0; j < rd->nalts; j++)
            strbuf_printf(&sb, "%s%s", j > 0 ? ", " : "", rd->alts[j]);
        rc = cause_set(cause, "--reading %s: reading '%s' has no alternative '%s' (it has %s)",
            spec, rd->name, eq + 1, strbuf_str(&sb));
        strbuf_done(&sb);
        return rc;
    }
    rd->selected = k;
    rehash(pack);
    return 0;
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
