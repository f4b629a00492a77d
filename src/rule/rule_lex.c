/* SPDX-License-Identifier: MIT */
/*
 * rule_lex.c - the rule language's tokeniser. The whole file is turned into
 * an array of tokens, each with file:line:col, before parsing; errors name
 * the position and the offending character. Comments run from '#' to the
 * end of the line. Identifiers starting with an upper-case letter may
 * contain '-' (rule ids such as FRT-A13-2). A token of digits with dots is
 * a clause reference (13.2); YYYY-MM-DD is a date; digits followed by d, w,
 * m or y are a duration.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "rule/rule_int.h"

#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

static const char *const tok_names[] = {
    [TOK_EOF] = "end of file", [TOK_IDENT] = "identifier", [TOK_STRING] = "string",
    [TOK_INT] = "integer", [TOK_DATE] = "date", [TOK_DURATION] = "duration",
    [TOK_CLAUSE] = "clause number", [TOK_LBRACE] = "'{'", [TOK_RBRACE] = "'}'",
    [TOK_LPAREN] = "'('", [TOK_RPAREN] = "')'", [TOK_COMMA] = "','", [TOK_DOT] = "'.'",
    [TOK_COLON] = "':'", [TOK_EQ] = "'=='", [TOK_NE] = "'!='", [TOK_LT] = "'<'",
    [TOK_LE] = "'<='", [TOK_GT] = "'>'", [TOK_GE] = "'>='", [TOK_PLUS] = "'+'",
    [TOK_MINUS] = "'-'", [TOK_STAR] = "'*'", [TOK_SLASH] = "'/'", [TOK_ASSIGN] = "'='",
};

/* Name of a token kind for messages (static). */
const char *
rule_tok_name(enum tok_kind k)
{
    return tok_names[k];
}

struct lexer {
    const char *file;
    const char *p, *end;
    int line, col;
    struct token *toks;
    size_t n, cap;
};

static void
advance(struct lexer *lx)
{
    if (*lx->p == '\n') {
        lx->line++;
        lx->col = 1;
    } else if (((unsigned char)*lx->p & 0xc0) != 0x80) {
        lx->col++;  /* columns count characters, not UTF-8 bytes */
    }
    lx->p++;
}

static struct token *
push(struct lexer *lx, enum tok_kind k, int line, int col)
{
    struct token *t;

    if (lx->n == lx->cap) {
        lx->cap = lx->cap ? lx->cap * 2 : 256;
        lx->toks = xreallocarray(lx->toks, lx->cap, sizeof *lx->toks);
    }
    t = &lx->toks[lx->n++];
    memset(t, 0, sizeof *t);
    t->kind = k;
    t->loc.file = lx->file;
    t->loc.line = line;
    t->loc.col = col;
    return t;
}

static int
lex_error(struct lexer *lx, int line, int col, char **cause, const char *what)
{
    return cause_set(cause, "%s:%d:%d: %s", lx->file, line, col, what);
}

static int
lex_string(struct lexer *lx, char **cause)
{
    int line = lx->line, col = lx->col;
    struct strbuf sb;
    struct token *t;

    strbuf_init(&sb);
    advance(lx);
    for (;;) {
        if (lx->p >= lx->end || *lx->p == '\n') {
            strbuf_done(&sb);
            return lex_error(lx, line, col, cause, "unterminated string");
        }
        if (*lx->p == '"')
            break;
        if (*lx->p == '\\') {
            advance(lx);
            if (lx->p >= lx->end)
                continue;
            switch (*lx->p) {
            case 'n':
                strbuf_putc(&sb, '\n');
                break;
            case '"':
            case '\\':
                strbuf_putc(&sb, *lx->p);
                break;
            default: {
                char *m = xasprintf("unknown escape '\\%c' in string", *lx->p);
                int rc = lex_error(lx, lx->line, lx->col - 1, cause, m);

                free(m);
                strbuf_done(&sb);
                return rc;
            }
            }
            advance(lx);
            continue;
        }
        strbuf_putc(&sb, *lx->p);
        advance(lx);
    }
    advance(lx);
    t = push(lx, TOK_STRING, line, col);
    t->text = strbuf_detach(&sb);
    return 0;
}

static int
lex_number(struct lexer *lx, char **cause)
{
    int line = lx->line, col = lx->col;
    const char *s = lx->p;
    struct token *t;
    size_t len;

    while (lx->p < lx->end && (isalnum((unsigned char)*lx->p) || *lx->p == '.' ||
        *lx->p == '-' || *lx->p == '_'))
        advance(lx);
    len = (size_t)(lx->p - s);
    /* YYYY-MM-DD */
    if (len == 10 && s[4] == '-' && s[7] == '-') {
        fa_date d;
        char buf[11], *c2 = NULL;

        memcpy(buf, s, 10);
        buf[10] = '\0';
        if (date_parse(buf, &d, &c2) != 0) {
            int rc = cause_set(cause, "%s:%d:%d: bad date %s", lx->file, line, col, c2);

            free(c2);
            return rc;
        }
        t = push(lx, TOK_DATE, line, col);
        t->text = xstrdup(buf);
        t->ival = d;
        return 0;
    }
    {
        size_t i, digits = 0, dots = 0;
        bool clause_ok = true;

        while (digits < len && isdigit((unsigned char)s[digits]))
            digits++;
        for (i = 0; i < len; i++) {
            if (s[i] == '.')
                dots++;
            else if (!isdigit((unsigned char)s[i]))
                clause_ok = false;
        }
        if (dots > 0 && clause_ok && s[len - 1] != '.' && strstr(s, "..") == NULL) {
            t = push(lx, TOK_CLAUSE, line, col);
            t->text = xstrndup(s, len);
            return 0;
        }
        if (digits == len || (digits == len - 1 && strchr("dwmy", s[len - 1]) != NULL)) {
            char *num = xstrndup(s, digits);
            char *endp;
            long long v = strtoll(num, &endp, 10);

            free(num);
            if (digits > 12) {
                char *m = xstrndup(s, len);
                int rc = cause_set(cause, "%s:%d:%d: number '%s' is too large", lx->file,
                    line, col, m);

                free(m);
                return rc;
            }
            t = push(lx, digits == len ? TOK_INT : TOK_DURATION, line, col);
            t->text = xstrndup(s, len);
            t->ival = v;
            t->unit = digits == len ? 0 : s[len - 1];
            return 0;
        }
    }
    {
        char *m = xstrndup(s, len);
        int rc = cause_set(cause, "%s:%d:%d: malformed number '%s' (expected an integer, a "
            "date YYYY-MM-DD, a duration such as 30d or a clause such as 13.2)", lx->file,
            line, col, m);

        free(m);
        return rc;
    }
}

/* Tokenise a whole file; the array ends with TOK_EOF. */
struct token *
rule_lex(const char *file, const char *text, size_t len, size_t *ntok, char **cause)
{
    struct lexer lx = { file, text, text + len, 1, 1, NULL, 0, 0 };

    if (len > RULE_MAX_FILE_SIZE) {
        cause_set(cause, "%s: file is %zu bytes, over the %d-byte limit for a rule file",
            file, len, RULE_MAX_FILE_SIZE);
        return NULL;
    }
    while (lx.p < lx.end) {
        char c = *lx.p;
        int line = lx.line, col = lx.col;
        enum tok_kind k;

        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            advance(&lx);
            continue;
        }
        if (c == '#') {
            while (lx.p < lx.end && *lx.p != '\n')
                advance(&lx);
            continue;
        }
        if (c == '"') {
            if (lex_string(&lx, cause) != 0)
                goto fail;
            continue;
        }
        if (isdigit((unsigned char)c)) {
            if (lex_number(&lx, cause) != 0)
                goto fail;
            continue;
        }
        if (isalpha((unsigned char)c) || c == '_') {
            const char *s = lx.p;
            bool upper = isupper((unsigned char)c);
            struct token *t;

            while (lx.p < lx.end && (isalnum((unsigned char)*lx.p) || *lx.p == '_' ||
                (upper && *lx.p == '-' && lx.p + 1 < lx.end &&
                isalnum((unsigned char)lx.p[1]))))
                advance(&lx);
            t = push(&lx, TOK_IDENT, line, col);
            t->text = xstrndup(s, (size_t)(lx.p - s));
            continue;
        }
        k = TOK_EOF;
        switch (c) {
        case '{': k = TOK_LBRACE; break;
        case '}': k = TOK_RBRACE; break;
        case '(': k = TOK_LPAREN; break;
        case ')': k = TOK_RPAREN; break;
        case ',': k = TOK_COMMA; break;
        case '.': k = TOK_DOT; break;
        case ':': k = TOK_COLON; break;
        case '+': k = TOK_PLUS; break;
        case '-': k = TOK_MINUS; break;
        case '*': k = TOK_STAR; break;
        case '/': k = TOK_SLASH; break;
        case '=':
            k = TOK_ASSIGN;
            if (lx.p + 1 < lx.end && lx.p[1] == '=') {
                advance(&lx);
                k = TOK_EQ;
            }
            break;
        case '!':
            if (lx.p + 1 < lx.end && lx.p[1] == '=') {
                advance(&lx);
                k = TOK_NE;
            }
            break;
        case '<':
            k = TOK_LT;
            if (lx.p + 1 < lx.end && lx.p[1] == '=') {
                advance(&lx);
                k = TOK_LE;
            }
            break;
        case '>':
            k = TOK_GT;
            if (lx.p + 1 < lx.end && lx.p[1] == '=') {
                advance(&lx);
                k = TOK_GE;
            }
            break;
        default:
            break;
        }
        if (k == TOK_EOF) {
            if ((unsigned char)c >= 0x80)
                cause_set(cause, "%s:%d:%d: unexpected non-ASCII character outside a string",
                    file, line, col);
            else if (c == '!')
                cause_set(cause, "%s:%d:%d: unexpected character '!' (use `not` or `!=`)",
                    file, line, col);
            else
                cause_set(cause, "%s:%d:%d: unexpected character '%c'", file, line, col, c);
            goto fail;
        }
        advance(&lx);
        push(&lx, k, line, col);
    }
    push(&lx, TOK_EOF, lx.line, lx.col);
    *ntok = lx.n;
    return lx.toks;
fail:
    rule_tokens_free(lx.toks, lx.n);
    return NULL;
}

/* Free a token array and the tokens' texts. */
void
rule_tokens_free(struct token *t, size_t n)
{
    size_t i;

    if (t == NULL)
        return;
    for (i = 0; i < n; i++)
        free(t[i].text);
    free(t);
}
