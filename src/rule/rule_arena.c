/* SPDX-License-Identifier: MIT */
/*
 * rule_arena.c - the string arena of audit results: every string and array
 * of a result lives in one arena, freed at once (a 10,000-device audit
 * makes hundreds of thousands of small strings). Used by the evaluator and
 * the audit; depends on neither.
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule/rule_int.h"

#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

#define ARENA_CHUNK (256 * 1024)

/* A new, empty arena. */
struct rule_arena *
rule_arena_new(void)
{
    struct rule_arena *a = xcalloc(1, sizeof *a);

    vec_init(&a->chunks, free);
    return a;
}

/* Free an arena and everything allocated from it (NULL is a no-op). */
void
rule_arena_free(struct rule_arena *a)
{
    if (a == NULL)
        return;
    vec_done(&a->chunks);
    free(a);
}

/* Zeroed, 16-byte aligned memory owned by the arena. */
void *
rule_arena_alloc(struct rule_arena *a, size_t size)
{
    char *p;

    size = (size + 15) & ~(size_t)15;
    if (size == 0)
        size = 16;
    if (size > ARENA_CHUNK / 4) {
        p = xcalloc(1, size);
        vec_push(&a->chunks, p);
        return p;
    }
    if (size > a->left) {
        a->cur = xcalloc(1, ARENA_CHUNK);
        a->left = ARENA_CHUNK;
        vec_push(&a->chunks, a->cur);
    }
    p = a->cur;
    a->cur += size;
    a->left -= size;
    return p;
}

/* Where an arena stands now, to give back what was allocated since (aggregation). */
struct rule_arena_mark
rule_arena_mark(const struct rule_arena *a)
{
    struct rule_arena_mark m = { a->chunks.len, a->cur, a->left };

    return m;
}

/* Free what was allocated since m; the memory handed out again is zeroed. */
void
rule_arena_rewind(struct rule_arena *a, const struct rule_arena_mark *m)
{
    /* still in the chunk of the mark: zero what was used of it (a newer chunk
     * means the rest of the mark's chunk was never touched) */
    bool same = m->cur != NULL && a->left <= m->left && a->cur == m->cur + (m->left - a->left);

    if (same)
        memset(m->cur, 0, m->left - a->left);
    while (a->chunks.len > m->nchunks)
        vec_remove(&a->chunks, a->chunks.len - 1);
    a->cur = m->cur;
    a->left = m->left;
}

/* Copy s into the arena. */
char *
rule_arena_strdup(struct rule_arena *a, const char *s)
{
    size_t n = strlen(s);
    char *p = rule_arena_alloc(a, n + 1);

    memcpy(p, s, n);
    return p;
}

/* Format into the arena. */
char *
rule_arena_printf(struct rule_arena *a, const char *fmt, ...)
{
    char buf[512], *p;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        fatalx("rule_arena_printf: bad format");
    if ((size_t)n < sizeof buf)
        return rule_arena_strdup(a, buf);
    p = rule_arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

/* Concatenate strings (the list ends with NULL) into the arena. */
char *
rule_arena_cat(struct rule_arena *a, ...)
{
    va_list ap;
    const char *part;
    size_t n = 0, len;
    char *p, *q;

    va_start(ap, a);
    while ((part = va_arg(ap, const char *)) != NULL)
        n += strlen(part);
    va_end(ap);
    p = q = rule_arena_alloc(a, n + 1);
    va_start(ap, a);
    while ((part = va_arg(ap, const char *)) != NULL) {
        len = strlen(part);
        memcpy(q, part, len);
        q += len;
    }
    va_end(ap);
    return p;
}
