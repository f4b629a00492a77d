/* SPDX-License-Identifier: MIT */
#ifndef FA_XMALLOC_H
#define FA_XMALLOC_H
/*
 * xmalloc.h - allocators that never return NULL.
 *
 * Every allocation in faceaudit goes through these. They reject a zero size
 * and multiplication overflow as programming errors, and on exhaustion call
 * fatalx(), which runs the registered fatal hooks (the TUI restores the
 * terminal there) before printing and exiting. Everything they return belongs
 * to the caller and is released with free().
 */

#include <stdarg.h>
#include <stddef.h>

#include "faceaudit/compat.h"

void *xmalloc(size_t size) FA_MALLOC;
void *xcalloc(size_t nmemb, size_t size) FA_MALLOC;
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s) FA_MALLOC FA_NONNULL;
char *xstrndup(const char *s, size_t n) FA_MALLOC FA_NONNULL;
void *xmemdup(const void *p, size_t n) FA_MALLOC;
/* Formatted allocation; returns the new string. */
char *xasprintf(const char *fmt, ...) FA_PRINTF(1, 2) FA_MALLOC;
char *xvasprintf(const char *fmt, va_list ap) FA_PRINTF(1, 0) FA_MALLOC;

#endif /* FA_XMALLOC_H */
