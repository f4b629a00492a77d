/* SPDX-License-Identifier: MIT */
/*
 * xmalloc.c - allocators that never return NULL (after tmux's xmalloc.c).
 * Zero sizes and overflowing products are bugs and abort through fatalx().
 */
#include "config.h"

#include "faceaudit/xmalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/log.h"

void *
xmalloc(size_t size)
{
    void *p;

    if (size == 0)
        fatalx("xmalloc: zero size");
    if ((p = malloc(size)) == NULL)
        fatalx("xmalloc: allocating %zu bytes: out of memory", size);
    return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
    void *p;

    if (nmemb == 0 || size == 0)
        fatalx("xcalloc: zero size");
    if ((p = calloc(nmemb, size)) == NULL)
        fatalx("xcalloc: allocating %zu * %zu bytes: out of memory", nmemb, size);
    return p;
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
    void *p;

    if (nmemb == 0 || size == 0)
        fatalx("xreallocarray: zero size");
    if (SIZE_MAX / nmemb < size)
        fatalx("xreallocarray: %zu * %zu overflows", nmemb, size);
    if ((p = realloc(ptr, nmemb * size)) == NULL)
        fatalx("xreallocarray: allocating %zu * %zu bytes: out of memory", nmemb, size);
    return p;
}

char *
xstrdup(const char *s)
{
    return xmemdup(s, strlen(s) + 1);
}

char *
xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);

    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void *
xmemdup(const void *src, size_t n)
{
    void *p = xmalloc(n == 0 ? 1 : n);

    if (n > 0)
        memcpy(p, src, n);
    return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    char *p;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        fatalx("xvasprintf: bad format");
    p = xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *p;

    va_start(ap, fmt);
    p = xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}
