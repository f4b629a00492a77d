/* SPDX-License-Identifier: MIT */
#ifndef FA_VEC_H
#define FA_VEC_H
/*
 * vec.h - growable array of pointers (after htop's Vector).
 *
 * When `free_item` is set the vector owns its items: vec_done(), vec_clear()
 * and vec_remove() free them with it. vec_get() returns a borrowed pointer.
 */

#include <stddef.h>

struct vec {
    void **items;
    size_t len;
    size_t cap;
    void (*free_item)(void *); /* NULL: the vector does not own its items */
};

void vec_init(struct vec *v, void (*free_item)(void *));
void vec_done(struct vec *v);
void vec_clear(struct vec *v);
void vec_push(struct vec *v, void *item);
void *vec_get(const struct vec *v, size_t i);
/* Remove item i, shifting the rest down; frees it if the vector owns it. */
void vec_remove(struct vec *v, size_t i);
void vec_sort(struct vec *v, int (*cmp)(const void *, const void *));

#endif /* FA_VEC_H */
