/* SPDX-License-Identifier: MIT */
#ifndef FA_STR_H
#define FA_STR_H
/*
 * str.h - growable strings and small string helpers.
 *
 * A struct strbuf owns its buffer; strbuf_init() starts it empty (buf is
 * always NUL-terminated once anything was added), strbuf_done() frees it and
 * strbuf_detach() hands the buffer to the caller.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "faceaudit/compat.h"

struct strbuf {
    char *buf;
    size_t len;
    size_t cap;
};

void strbuf_init(struct strbuf *sb);
void strbuf_done(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) FA_PRINTF(2, 3);
void strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap) FA_PRINTF(2, 0);
/* Return the buffer (never NULL, "" when empty); the caller frees it. */
char *strbuf_detach(struct strbuf *sb);
/* Borrowed NUL-terminated view ("" when empty). */
const char *strbuf_str(const struct strbuf *sb);

bool str_has_prefix(const char *s, const char *prefix);
bool str_has_suffix(const char *s, const char *suffix);
/* Trim ASCII white space at both ends, in place; returns s. */
char *str_trim(char *s);
/* Levenshtein distance, capped at max+1 (for "did you mean" hints). */
unsigned str_edit_distance(const char *a, const char *b, unsigned max);
/*
 * Closest candidate to `word` among a NULL-terminated list, or NULL when
 * none is within a third of the word's length (minimum 2 edits).
 */
const char *str_suggest(const char *word, const char *const *candidates);

#endif /* FA_STR_H */
