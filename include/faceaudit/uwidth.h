/* SPDX-License-Identifier: MIT */
#ifndef FA_UWIDTH_H
#define FA_UWIDTH_H
/*
 * uwidth.h - terminal display width of Unicode text, from utf8proc's
 * character data (core/uwidth.c is the only utf8proc.h includer): combining
 * marks and other zero-width characters 0, East Asian wide and fullwidth
 * characters and emoji presentation 2, the rest 1. Independent of the
 * locale, unlike wcwidth(3). Control characters count 0.
 */

#include <stddef.h>
#include <stdint.h>

/* Width of one code point (0, 1 or 2). */
unsigned uwidth_char(uint32_t cp);
/*
 * Decode one UTF-8 sequence at s (not at its NUL); stores the code point
 * (U+FFFD for an invalid or truncated sequence, which then counts one byte)
 * and returns its length in bytes.
 */
size_t uwidth_decode(const char *s, uint32_t *cp);
/* Width of a NUL-terminated UTF-8 string. */
size_t uwidth_str(const char *s);

#endif /* FA_UWIDTH_H */
