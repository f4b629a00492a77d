/* SPDX-License-Identifier: MIT */
/*
 * jsonw.c - the JSON writer (jsonw.h says why it is ours and not jansson's):
 * separators and indentation from a stack of open containers, one string
 * escaper, the number formats the outputs use.
 */
#include "config.h"

#include "faceaudit/jsonw.h"

#include <math.h>
#include <string.h>

#include "faceaudit/log.h"

void
jw_init(struct jw *w, struct strbuf *sb, enum jw_style style)
{
    memset(w, 0, sizeof *w);
    w->sb = sb;
    w->style = style;
}

static void
indent(struct jw *w, unsigned levels)
{
    unsigned i;

    for (i = 0; i < levels; i++)
        strbuf_puts(w->sb, "  ");
}

/* Separator before a value or key at the current level. */
static void
before_item(struct jw *w)
{
    if (w->depth == 0)
        return;
    if (w->level[w->depth - 1].lines) {
        if (w->level[w->depth - 1].nonempty)
            strbuf_putc(w->sb, ',');
        strbuf_putc(w->sb, '\n');
        indent(w, w->depth);
    } else if (w->level[w->depth - 1].nonempty) {
        strbuf_puts(w->sb, w->style == JW_SPACED ? ", " : ",");
    }
    w->level[w->depth - 1].nonempty = true;
}

/* Called before every value: after a key nothing more is due. */
static void
before_value(struct jw *w)
{
    if (w->after_key)
        w->after_key = false;
    else
        before_item(w);
}

void
jw_key(struct jw *w, const char *key)
{
    if (w->after_key)
        fatalx("jw_key: a key after a key");
    before_item(w);
    json_escape(w->sb, key);
    strbuf_puts(w->sb, w->style == JW_SPACED ? ": " : ":");
    w->after_key = true;
}

static void
open_container(struct jw *w, char c, enum jw_layout layout)
{
    before_value(w);
    if (w->depth == JW_MAX_DEPTH)
        fatalx("jw: nesting deeper than %d", JW_MAX_DEPTH);
    strbuf_putc(w->sb, c);
    w->level[w->depth].lines = layout == JW_LINES;
    w->level[w->depth].nonempty = false;
    w->depth++;
}

static void
close_container(struct jw *w, char c)
{
    if (w->depth == 0 || w->after_key)
        fatalx("jw: unbalanced close");
    w->depth--;
    if (w->level[w->depth].lines) {
        strbuf_putc(w->sb, '\n');
        indent(w, w->depth);
    }
    strbuf_putc(w->sb, c);
}

void
jw_object(struct jw *w, enum jw_layout layout)
{
    open_container(w, '{', layout);
}

void
jw_object_end(struct jw *w)
{
    close_container(w, '}');
}

void
jw_array(struct jw *w, enum jw_layout layout)
{
    open_container(w, '[', layout);
}

void
jw_array_end(struct jw *w)
{
    close_container(w, ']');
}

void
json_escape(struct strbuf *sb, const char *s)
{
    if (s == NULL) {
        strbuf_puts(sb, "null");
        return;
    }
    strbuf_putc(sb, '"');
    for (;;) {
        const char *run = s;
        unsigned char c;

        while (*s != '\0' && *s != '"' && *s != '\\' && (unsigned char)*s >= 0x20)
            s++;
        if (s > run)
            strbuf_add(sb, run, (size_t)(s - run));
        if (*s == '\0')
            break;
        c = (unsigned char)*s++;
        switch (c) {
        case '"': strbuf_puts(sb, "\\\""); break;
        case '\\': strbuf_puts(sb, "\\\\"); break;
        case '\b': strbuf_puts(sb, "\\b"); break;
        case '\f': strbuf_puts(sb, "\\f"); break;
        case '\n': strbuf_puts(sb, "\\n"); break;
        case '\r': strbuf_puts(sb, "\\r"); break;
        case '\t': strbuf_puts(sb, "\\t"); break;
        default: strbuf_printf(sb, "\\u%04x", c); break;
        }
    }
    strbuf_putc(sb, '"');
}

void
jw_str(struct jw *w, const char *s)
{
    before_value(w);
    json_escape(w->sb, s);
}

void
jw_null(struct jw *w)
{
    before_value(w);
    strbuf_puts(w->sb, "null");
}

void
jw_bool(struct jw *w, bool b)
{
    before_value(w);
    strbuf_puts(w->sb, b ? "true" : "false");
}

void
jw_int(struct jw *w, long long v)
{
    before_value(w);
    strbuf_printf(w->sb, "%lld", v);
}

void
jw_uint(struct jw *w, unsigned long long v)
{
    before_value(w);
    strbuf_printf(w->sb, "%llu", v);
}

void
jw_double(struct jw *w, double v, int digits)
{
    before_value(w);
    if (isfinite(v))
        strbuf_printf(w->sb, "%.*g", digits, v);
    else
        strbuf_puts(w->sb, "null");
}

void
jw_fixed(struct jw *w, double v, int decimals)
{
    before_value(w);
    if (isfinite(v))
        strbuf_printf(w->sb, "%.*f", decimals, v);
    else
        strbuf_puts(w->sb, "null");
}

void
jw_raw(struct jw *w, const char *json)
{
    before_value(w);
    strbuf_puts(w->sb, json);
}

void
jw_kstr(struct jw *w, const char *key, const char *s)
{
    jw_key(w, key);
    jw_str(w, s);
}

void
jw_kint(struct jw *w, const char *key, long long v)
{
    jw_key(w, key);
    jw_int(w, v);
}

void
jw_kuint(struct jw *w, const char *key, unsigned long long v)
{
    jw_key(w, key);
    jw_uint(w, v);
}

void
jw_kbool(struct jw *w, const char *key, bool b)
{
    jw_key(w, key);
    jw_bool(w, b);
}

void
jw_kdouble(struct jw *w, const char *key, double v, int digits)
{
    jw_key(w, key);
    jw_double(w, v, digits);
}

void
jw_kfixed(struct jw *w, const char *key, double v, int decimals)
{
    jw_key(w, key);
    jw_fixed(w, v, decimals);
}
