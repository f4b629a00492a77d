/* SPDX-License-Identifier: MIT */
#ifndef FA_JSONW_H
#define FA_JSONW_H
/*
 * jsonw.h - the one JSON writer: every JSON document faceaudit prints is
 * written through it (the reader is json.h).
 *
 * Our own code, not jansson: our documents have fixed, hand-chosen layouts
 * (a top-level object one member per line, findings one per line, everything
 * inside a finding on that line) and fixed number formats per field (scores
 * "%.2f", figures "%.10g", descriptors "%.9g") that golden files and the
 * byte-identical shard merge rely on. jansson's dumper has one layout for a
 * whole document and prints every real with one precision, so it cannot keep
 * those bytes; this writer is a small state machine over a strbuf instead.
 *
 * A container is opened JW_INLINE (members separated by ", " or ",") or
 * JW_LINES (each member on its own line, indented two spaces per level;
 * the closing bracket on its own line, so an empty one prints "[\n  ]").
 * Keys and values are written in order; the writer inserts separators.
 * Strings are escaped one way everywhere: '"' and '\' with a backslash,
 * \b \f \n \r \t in their short forms, other control bytes as \u00XX; bytes
 * from 0x7f up are copied (UTF-8 passes through). A NULL string is null.
 */

#include <stdbool.h>
#include <stddef.h>

#include "faceaudit/str.h"

#define JW_MAX_DEPTH 32

enum jw_style {
    JW_SPACED,  /* ", " between inline members, ": " after keys */
    JW_COMPACT  /* "," and ":" */
};

enum jw_layout { JW_INLINE, JW_LINES };

struct jw {
    struct strbuf *sb;
    enum jw_style style;
    unsigned depth;
    bool after_key;
    struct {
        bool lines;
        bool nonempty;
    } level[JW_MAX_DEPTH];
};

/* Start writing into sb (appends; the caller owns sb). */
void jw_init(struct jw *w, struct strbuf *sb, enum jw_style style);

void jw_object(struct jw *w, enum jw_layout layout);
void jw_object_end(struct jw *w);
void jw_array(struct jw *w, enum jw_layout layout);
void jw_array_end(struct jw *w);
/* The next member's key (inside an object). */
void jw_key(struct jw *w, const char *key);

void jw_str(struct jw *w, const char *s);  /* NULL is null */
void jw_null(struct jw *w);
void jw_bool(struct jw *w, bool b);
void jw_int(struct jw *w, long long v);
void jw_uint(struct jw *w, unsigned long long v);
/* "%.*g" with `digits` significant digits; NaN and infinities are null. */
void jw_double(struct jw *w, double v, int digits);
/* "%.*f" with `decimals` decimals; NaN and infinities are null. */
void jw_fixed(struct jw *w, double v, int decimals);
/* A value already in JSON syntax (a pre-formatted number, a nested document). */
void jw_raw(struct jw *w, const char *json);

/* key + value shorthands. */
void jw_kstr(struct jw *w, const char *key, const char *s);
void jw_kint(struct jw *w, const char *key, long long v);
void jw_kuint(struct jw *w, const char *key, unsigned long long v);
void jw_kbool(struct jw *w, const char *key, bool b);
void jw_kdouble(struct jw *w, const char *key, double v, int digits);
void jw_kfixed(struct jw *w, const char *key, double v, int decimals);

/* The escaped string literal of s (quotes included; NULL is null) appended to sb. */
void json_escape(struct strbuf *sb, const char *s);

#endif /* FA_JSONW_H */
