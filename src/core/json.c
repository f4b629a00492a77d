/* SPDX-License-Identifier: MIT */
/*
 * json.c - a small strict JSON reader (RFC 8259) for the tfjs weight
 * manifests: a recursive-descent parser into a tree, with file:line:col in
 * every error, a nesting limit, \u escapes (with surrogate pairs) decoded to
 * UTF-8, and nothing accepted that RFC 8259 rejects (comments, trailing
 * commas, single quotes, leading zeros, bare control characters).
 */
#include "config.h"

#include "faceaudit/json.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

#define JSON_MAX_DEPTH 64

struct jp {
    const char *s;
    size_t len;
    size_t pos;
    int line;
    size_t line_start;
    const char *file;
    char **cause;
    bool failed;
};

static int
jp_col(const struct jp *p)
{
    return (int)(p->pos - p->line_start) + 1;
}

static void FA_PRINTF(2, 3)
jp_error(struct jp *p, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (p->failed)
        return;
    p->failed = true;
    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    cause_set(p->cause, "%s:%d:%d: %s", p->file, p->line, jp_col(p), msg);
    free(msg);
}

static void
jp_space(struct jp *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];

        if (c == '\n') {
            p->line++;
            p->pos++;
            p->line_start = p->pos;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            p->pos++;
        } else {
            break;
        }
    }
}

static struct json *
jnew(struct jp *p, enum json_type t)
{
    struct json *j = xcalloc(1, sizeof *j);

    j->type = t;
    j->line = p->line;
    j->col = jp_col(p);
    return j;
}

/* Free a tree (NULL is a no-op). */
void
json_free(struct json *j)
{
    size_t i;

    if (j == NULL)
        return;
    for (i = 0; i < j->n; i++) {
        json_free(j->items[i]);
        if (j->keys != NULL)
            free(j->keys[i]);
    }
    free(j->items);
    free(j->keys);
    free(j->str);
    free(j);
}

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static long
jp_hex4(struct jp *p)
{
    long v = 0;
    int i;

    if (p->len - p->pos < 4) {
        jp_error(p, "truncated \\u escape");
        return -1;
    }
    for (i = 0; i < 4; i++) {
        int h = hexval(p->s[p->pos + (size_t)i]);

        if (h < 0) {
            jp_error(p, "bad \\u escape");
            return -1;
        }
        v = v * 16 + h;
    }
    p->pos += 4;
    return v;
}

static void
put_utf8(struct strbuf *sb, unsigned long cp)
{
    if (cp < 0x80) {
        strbuf_putc(sb, (char)cp);
    } else if (cp < 0x800) {
        strbuf_putc(sb, (char)(0xc0 | (cp >> 6)));
        strbuf_putc(sb, (char)(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        strbuf_putc(sb, (char)(0xe0 | (cp >> 12)));
        strbuf_putc(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
        strbuf_putc(sb, (char)(0x80 | (cp & 0x3f)));
    } else {
        strbuf_putc(sb, (char)(0xf0 | (cp >> 18)));
        strbuf_putc(sb, (char)(0x80 | ((cp >> 12) & 0x3f)));
        strbuf_putc(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
        strbuf_putc(sb, (char)(0x80 | (cp & 0x3f)));
    }
}

/* A string token (p->pos at the opening quote); returns the decoded text or NULL. */
static char *
jp_string(struct jp *p)
{
    struct strbuf sb;

    strbuf_init(&sb);
    p->pos++;
    for (;;) {
        unsigned char c;

        if (p->pos >= p->len) {
            jp_error(p, "unterminated string");
            break;
        }
        c = (unsigned char)p->s[p->pos];
        if (c == '"') {
            p->pos++;
            return strbuf_detach(&sb);
        }
        if (c < 0x20) {
            jp_error(p, "control character in string");
            break;
        }
        if (c != '\\') {
            strbuf_putc(&sb, (char)c);
            p->pos++;
            continue;
        }
        p->pos++;
        if (p->pos >= p->len) {
            jp_error(p, "unterminated string");
            break;
        }
        c = (unsigned char)p->s[p->pos++];
        switch (c) {
        case '"': strbuf_putc(&sb, '"'); break;
        case '\\': strbuf_putc(&sb, '\\'); break;
        case '/': strbuf_putc(&sb, '/'); break;
        case 'b': strbuf_putc(&sb, '\b'); break;
        case 'f': strbuf_putc(&sb, '\f'); break;
        case 'n': strbuf_putc(&sb, '\n'); break;
        case 'r': strbuf_putc(&sb, '\r'); break;
        case 't': strbuf_putc(&sb, '\t'); break;
        case 'u': {
            long cp = jp_hex4(p), lo;

            if (cp < 0)
                goto fail;
            if (cp >= 0xd800 && cp <= 0xdbff) {
                if (p->len - p->pos < 2 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') {
                    jp_error(p, "unpaired surrogate in \\u escape");
                    goto fail;
                }
                p->pos += 2;
                lo = jp_hex4(p);
                if (lo < 0xdc00 || lo > 0xdfff) {
                    jp_error(p, "unpaired surrogate in \\u escape");
                    goto fail;
                }
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                jp_error(p, "unpaired surrogate in \\u escape");
                goto fail;
            }
            if (cp == 0) {
                jp_error(p, "\\u0000 is not allowed in names");
                goto fail;
            }
            put_utf8(&sb, (unsigned long)cp);
            break;
        }
        default:
            p->pos--;
            jp_error(p, "bad escape '\\%c'", c);
            goto fail;
        }
    }
fail:
    strbuf_done(&sb);
    return NULL;
}

static bool
isdig(char c)
{
    return c >= '0' && c <= '9';
}

static struct json *jp_value(struct jp *p, int depth);

static struct json *
jp_number(struct jp *p)
{
    size_t start = p->pos;
    struct json *j = jnew(p, JSON_NUMBER);
    char *tmp, *end;

    if (p->s[p->pos] == '-')
        p->pos++;
    if (p->pos < p->len && p->s[p->pos] == '0') {
        p->pos++;
    } else if (p->pos < p->len && isdig(p->s[p->pos])) {
        while (p->pos < p->len && isdig(p->s[p->pos]))
            p->pos++;
    } else {
        jp_error(p, "bad number");
        json_free(j);
        return NULL;
    }
    if (p->pos < p->len && p->s[p->pos] == '.') {
        p->pos++;
        if (p->pos >= p->len || !isdig(p->s[p->pos])) {
            jp_error(p, "bad number: digits expected after '.'");
            json_free(j);
            return NULL;
        }
        while (p->pos < p->len && isdig(p->s[p->pos]))
            p->pos++;
    }
    if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
        p->pos++;
        if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
            p->pos++;
        if (p->pos >= p->len || !isdig(p->s[p->pos])) {
            jp_error(p, "bad number: digits expected in the exponent");
            json_free(j);
            return NULL;
        }
        while (p->pos < p->len && isdig(p->s[p->pos]))
            p->pos++;
    }
    if (p->pos < p->len && isdig(p->s[p->pos])) {
        jp_error(p, "bad number: leading zero");
        json_free(j);
        return NULL;
    }
    tmp = xstrndup(p->s + start, p->pos - start);
    errno = 0;
    j->num = strtod(tmp, &end);
    if (*end != '\0' || errno == ERANGE) {
        free(tmp);
        p->pos = start;
        jp_error(p, "number out of range");
        json_free(j);
        return NULL;
    }
    free(tmp);
    return j;
}

static bool
jp_word(struct jp *p, const char *w)
{
    size_t n = strlen(w);

    if (p->len - p->pos >= n && memcmp(p->s + p->pos, w, n) == 0) {
        p->pos += n;
        return true;
    }
    return false;
}

static void
jp_append(struct json *j, char *key, struct json *item)
{
    j->items = xreallocarray(j->items, j->n + 1, sizeof *j->items);
    if (j->type == JSON_OBJECT) {
        j->keys = xreallocarray(j->keys, j->n + 1, sizeof *j->keys);
        j->keys[j->n] = key;
    }
    j->items[j->n++] = item;
}

static struct json *
jp_container(struct jp *p, int depth, bool object)
{
    struct json *j = jnew(p, object ? JSON_OBJECT : JSON_ARRAY);
    char close = object ? '}' : ']';

    p->pos++;
    jp_space(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        return j;
    }
    for (;;) {
        char *key = NULL;
        struct json *item;

        jp_space(p);
        if (object) {
            if (p->pos >= p->len || p->s[p->pos] != '"') {
                jp_error(p, "expected a string key");
                break;
            }
            key = jp_string(p);
            if (key == NULL)
                break;
            if (json_get(j, key) != NULL) {
                jp_error(p, "duplicate key \"%s\"", key);
                free(key);
                break;
            }
            jp_space(p);
            if (p->pos >= p->len || p->s[p->pos] != ':') {
                jp_error(p, "expected ':' after a key");
                free(key);
                break;
            }
            p->pos++;
        }
        item = jp_value(p, depth + 1);
        if (item == NULL) {
            free(key);
            break;
        }
        jp_append(j, key, item);
        jp_space(p);
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            jp_space(p);
            if (p->pos < p->len && p->s[p->pos] == close) {
                jp_error(p, "trailing comma");
                break;
            }
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == close) {
            p->pos++;
            return j;
        }
        jp_error(p, "expected ',' or '%c'", close);
        break;
    }
    json_free(j);
    return NULL;
}

static struct json *
jp_value(struct jp *p, int depth)
{
    struct json *j;
    char c;

    if (depth > JSON_MAX_DEPTH) {
        jp_error(p, "nesting deeper than %d", JSON_MAX_DEPTH);
        return NULL;
    }
    jp_space(p);
    if (p->pos >= p->len) {
        jp_error(p, "unexpected end of input");
        return NULL;
    }
    c = p->s[p->pos];
    switch (c) {
    case '{':
        return jp_container(p, depth, true);
    case '[':
        return jp_container(p, depth, false);
    case '"':
        j = jnew(p, JSON_STRING);
        j->str = jp_string(p);
        if (j->str == NULL) {
            json_free(j);
            return NULL;
        }
        return j;
    case 't':
    case 'f':
    case 'n':
        j = jnew(p, c == 'n' ? JSON_NULL : JSON_BOOL);
        if (jp_word(p, "true"))
            j->b = true;
        else if (jp_word(p, "false"))
            j->b = false;
        else if (!jp_word(p, "null")) {
            jp_error(p, "unexpected '%c'", c);
            json_free(j);
            return NULL;
        }
        return j;
    default:
        if (c == '-' || isdig(c))
            return jp_number(p);
        if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f)
            jp_error(p, "unexpected '%c'", c);
        else
            jp_error(p, "unexpected byte 0x%02x", (unsigned)(unsigned char)c);
        return NULL;
    }
}

/* Parse a whole JSON document; returns a new tree or NULL with *cause. */
struct json *
json_parse(const char *text, size_t len, const char *file, char **cause)
{
    struct jp p = { text, len, 0, 1, 0, file != NULL ? file : "<json>", cause, false };
    struct json *j;

    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        p.pos = p.line_start = 3; /* a UTF-8 BOM is tolerated */
    j = jp_value(&p, 0);
    if (j == NULL)
        return NULL;
    jp_space(&p);
    if (p.pos != p.len) {
        jp_error(&p, "trailing data after the JSON value");
        json_free(j);
        return NULL;
    }
    return j;
}

/* Member by key, or NULL. */
const struct json *
json_get(const struct json *obj, const char *key)
{
    size_t i;

    if (obj == NULL || obj->type != JSON_OBJECT)
        return NULL;
    for (i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0)
            return obj->items[i];
    return NULL;
}

/* Type name (static). */
const char *
json_type_name(enum json_type t)
{
    static const char *const names[] = { "null", "boolean", "number", "string", "array",
        "object" };

    return names[t];
}
