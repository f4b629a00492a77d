/* SPDX-License-Identifier: MIT */
/*
 * vec.c - growable pointer array with an optional owner destructor.
 */
#include "config.h"

#include "faceaudit/vec.h"

#include <stdlib.h>
#include <string.h>

#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

void
vec_init(struct vec *v, void (*free_item)(void *))
{
    v->items = NULL;
    v->len = 0;
    v->cap = 0;
    v->free_item = free_item;
}

void
vec_clear(struct vec *v)
{
    size_t i;

    if (v->free_item != NULL) {
        for (i = 0; i < v->len; i++)
            v->free_item(v->items[i]);
    }
    v->len = 0;
}

void
vec_done(struct vec *v)
{
    vec_clear(v);
    free(v->items);
    v->items = NULL;
    v->cap = 0;
}

void
vec_push(struct vec *v, void *item)
{
    if (v->len == v->cap) {
        v->cap = v->cap == 0 ? 8 : v->cap * 2;
        v->items = xreallocarray(v->items, v->cap, sizeof *v->items);
    }
    v->items[v->len++] = item;
}

void *
vec_get(const struct vec *v, size_t i)
{
    if (i >= v->len)
        fatalx("vec_get: index %zu out of range (%zu items)", i, v->len);
    return v->items[i];
}

void
vec_remove(struct vec *v, size_t i)
{
    if (i >= v->len)
        fatalx("vec_remove: index %zu out of range (%zu items)", i, v->len);
    if (v->free_item != NULL)
        v->free_item(v->items[i]);
    memmove(&v->items[i], &v->items[i + 1], (v->len - i - 1) * sizeof *v->items);
    v->len--;
}

void
vec_sort(struct vec *v, int (*cmp)(const void *, const void *))
{
    if (v->len > 1)
        qsort(v->items, v->len, sizeof *v->items, cmp);
}
