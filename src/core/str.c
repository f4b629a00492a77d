/* SPDX-License-Identifier: MIT */
/*
 * str.c - growable strings and the helpers behind "did you mean" hints.
 */
#include "config.h"

#include "faceaudit/str.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/xmalloc.h"

void
strbuf_init(struct strbuf *sb)
{
    sb->buf = NULL;
    sb->len = 0;
    sb->cap = 0;
}

void
strbuf_done(struct strbuf *sb)
{
    free(sb->buf);
    strbuf_init(sb);
}

void
strbuf_reset(struct strbuf *sb)
{
    sb->len = 0;
    if (sb->buf != NULL)
        sb->buf[0] = '\0';
}

static void
strbuf_grow(struct strbuf *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;

    if (need <= sb->cap)
        return;
    if (sb->cap == 0)
        sb->cap = 64;
    while (sb->cap < need)
        sb->cap *= 2;
    sb->buf = xreallocarray(sb->buf, sb->cap, 1);
}

void
strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
    strbuf_grow(sb, len);
    if (len > 0)
        memcpy(sb->buf + sb->len, data, len);
    sb->len += len;
    sb->buf[sb->len] = '\0';
}

void
strbuf_puts(struct strbuf *sb, const char *s)
{
    strbuf_add(sb, s, strlen(s));
}

void
strbuf_putc(struct strbuf *sb, char c)
{
    strbuf_add(sb, &c, 1);
}

void
strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n <= 0) {
        strbuf_grow(sb, 0);
        return;
    }
    strbuf_grow(sb, (size_t)n);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void
strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    strbuf_vprintf(sb, fmt, ap);
    va_end(ap);
}

char *
strbuf_detach(struct strbuf *sb)
{
    char *p = sb->buf != NULL ? sb->buf : xstrdup("");

    strbuf_init(sb);
    return p;
}

const char *
strbuf_str(const struct strbuf *sb)
{
    return sb->buf != NULL ? sb->buf : "";
}

bool
str_has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool
str_has_suffix(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);

    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

char *
str_trim(char *s)
{
    char *start = s, *end;

    while (*start != '\0' && isspace((unsigned char)*start))
        start++;
    end = start + strlen(start);
    while (end > start && isspace((unsigned char)end[-1]))
        end--;
    memmove(s, start, (size_t)(end - start));
    s[end - start] = '\0';
    return s;
}

unsigned
str_edit_distance(const char *a, const char *b, unsigned max)
{
    size_t la = strlen(a), lb = strlen(b), i, j;
    unsigned *row, best, result;

    if (la > 256 || lb > 256)
        return max + 1;
    row = xcalloc(lb + 1, sizeof *row);
    for (j = 0; j <= lb; j++)
        row[j] = (unsigned)j;
    for (i = 1; i <= la; i++) {
        unsigned diag = row[0];

        row[0] = (unsigned)i;
        best = row[0];
        for (j = 1; j <= lb; j++) {
            unsigned up = row[j];
            unsigned cost = tolower((unsigned char)a[i - 1]) ==
                    tolower((unsigned char)b[j - 1]) ? 0 : 1;
            unsigned v = FA_MIN(FA_MIN(row[j] + 1, row[j - 1] + 1), diag + cost);

            row[j] = v;
            diag = up;
            if (v < best)
                best = v;
        }
        if (best > max) {
            free(row);
            return max + 1;
        }
    }
    result = FA_MIN(row[lb], max + 1);
    free(row);
    return result;
}

const char *
str_suggest(const char *word, const char *const *candidates)
{
    unsigned limit = (unsigned)FA_MAX(strlen(word) / 3, 2);
    unsigned best = limit + 1, d;
    const char *pick = NULL;

    for (; *candidates != NULL; candidates++) {
        d = str_edit_distance(word, *candidates, limit);
        if (d < best) {
            best = d;
            pick = *candidates;
        }
    }
    return pick;
}
