/* SPDX-License-Identifier: MIT */
/*
 * hash.c - open-addressing hash table keyed by strings (FNV-1a, linear
 * probing, tombstones, grows at 70% load).
 */
#include "config.h"

#include "faceaudit/hash.h"

#include <stdlib.h>
#include <string.h>

#include "faceaudit/xmalloc.h"

static char tombstone_mark;
#define HASH_TOMBSTONE (&tombstone_mark)

uint64_t
hash_fnv1a(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 1469598103934665603ULL;
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

void
hash_init(struct hash *h, void (*free_value)(void *))
{
    h->slots = NULL;
    h->cap = 0;
    h->len = 0;
    h->used = 0;
    h->free_value = free_value;
}

void
hash_done(struct hash *h)
{
    size_t i;

    for (i = 0; i < h->cap; i++) {
        struct hash_entry *e = &h->slots[i];

        if (e->key == NULL || e->key == HASH_TOMBSTONE)
            continue;
        if (h->free_value != NULL)
            h->free_value(e->value);
        free(e->key);
    }
    free(h->slots);
    hash_init(h, h->free_value);
}

static struct hash_entry *
hash_find(const struct hash *h, const char *key, uint64_t hv)
{
    size_t mask, i;

    if (h->cap == 0)
        return NULL;
    mask = h->cap - 1;
    for (i = hv & mask;; i = (i + 1) & mask) {
        struct hash_entry *e = &h->slots[i];

        if (e->key == NULL)
            return NULL;
        if (e->key != HASH_TOMBSTONE && e->h == hv && strcmp(e->key, key) == 0)
            return e;
    }
}

static void
hash_resize(struct hash *h, size_t cap)
{
    struct hash_entry *old = h->slots;
    size_t oldcap = h->cap, i;

    h->slots = xcalloc(cap, sizeof *h->slots);
    h->cap = cap;
    h->used = h->len;
    for (i = 0; i < oldcap; i++) {
        struct hash_entry *e = &old[i];
        size_t j;

        if (e->key == NULL || e->key == HASH_TOMBSTONE)
            continue;
        for (j = e->h & (cap - 1); h->slots[j].key != NULL; j = (j + 1) & (cap - 1))
            ;
        h->slots[j] = *e;
    }
    free(old);
}

void
hash_put(struct hash *h, const char *key, void *value)
{
    uint64_t hv = hash_fnv1a(key, strlen(key));
    struct hash_entry *e = hash_find(h, key, hv);
    size_t i;

    if (e != NULL) {
        if (h->free_value != NULL && e->value != value)
            h->free_value(e->value);
        e->value = value;
        return;
    }
    if ((h->used + 1) * 10 >= h->cap * 7)
        hash_resize(h, h->cap == 0 ? 16 : (h->len * 2 < h->cap ? h->cap : h->cap * 2));
    for (i = hv & (h->cap - 1); h->slots[i].key != NULL && h->slots[i].key != HASH_TOMBSTONE;
         i = (i + 1) & (h->cap - 1))
        ;
    if (h->slots[i].key == NULL)
        h->used++;
    h->slots[i].key = xstrdup(key);
    h->slots[i].value = value;
    h->slots[i].h = hv;
    h->len++;
}

void *
hash_get(const struct hash *h, const char *key)
{
    struct hash_entry *e = hash_find(h, key, hash_fnv1a(key, strlen(key)));

    return e != NULL ? e->value : NULL;
}

bool
hash_contains(const struct hash *h, const char *key)
{
    return hash_find(h, key, hash_fnv1a(key, strlen(key))) != NULL;
}

bool
hash_remove(struct hash *h, const char *key)
{
    struct hash_entry *e = hash_find(h, key, hash_fnv1a(key, strlen(key)));

    if (e == NULL)
        return false;
    if (h->free_value != NULL)
        h->free_value(e->value);
    free(e->key);
    e->key = HASH_TOMBSTONE;
    e->value = NULL;
    h->len--;
    return true;
}

const struct hash_entry *
hash_next(const struct hash *h, size_t *iter)
{
    while (*iter < h->cap) {
        const struct hash_entry *e = &h->slots[(*iter)++];

        if (e->key != NULL && e->key != HASH_TOMBSTONE)
            return e;
    }
    return NULL;
}
