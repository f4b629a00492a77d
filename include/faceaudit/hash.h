/* SPDX-License-Identifier: MIT */
#ifndef FA_HASH_H
#define FA_HASH_H
/*
 * hash.h - string-keyed hash table with open addressing.
 *
 * Keys are copied and owned by the table. Values are owned when the table
 * was created with a free_value function. hash_get() returns a borrowed
 * value or NULL. Iteration order is unspecified; use hash_next() with an
 * index starting at 0.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hash_entry {
    char *key;   /* NULL: empty slot; HASH_TOMBSTONE: deleted */
    void *value;
    uint64_t h;
};

struct hash {
    struct hash_entry *slots;
    size_t cap;   /* power of two */
    size_t len;   /* live entries */
    size_t used;  /* live + tombstones */
    void (*free_value)(void *);
};

uint64_t hash_fnv1a(const void *data, size_t len);
void hash_init(struct hash *h, void (*free_value)(void *));
void hash_done(struct hash *h);
/* Insert or replace; a replaced owned value is freed. */
void hash_put(struct hash *h, const char *key, void *value);
void *hash_get(const struct hash *h, const char *key);
bool hash_contains(const struct hash *h, const char *key);
/* Remove key; returns true if it was present (an owned value is freed). */
bool hash_remove(struct hash *h, const char *key);
/* Advance *iter to the next live entry; returns it or NULL at the end. */
const struct hash_entry *hash_next(const struct hash *h, size_t *iter);

#endif /* FA_HASH_H */
