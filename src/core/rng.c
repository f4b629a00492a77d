/* SPDX-License-Identifier: MIT */
/*
 * rng.c - xoshiro256** 1.0 (Blackman and Vigna, 2018; public domain
 * reference at prng.di.unimi.it), seeded with splitmix64. Deterministic
 * across platforms: only 64-bit integer arithmetic.
 */
#include "config.h"

#include "faceaudit/rng.h"

#include <string.h>

static uint64_t
splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static inline uint64_t
rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void
rng_seed(struct rng *r, uint64_t seed)
{
    uint64_t x = seed;
    int i;

    for (i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

uint64_t
rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t
rng_below(struct rng *r, uint64_t n)
{
    /* Rejection sampling: drop the top partial copy of [0, n). */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n, x;

    do
        x = rng_next(r);
    while (x >= limit);
    return x % n;
}

double
rng_double(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

void
rng_shuffle(struct rng *r, void *base, size_t n, size_t size)
{
    unsigned char *b = base, tmp[256];
    size_t i, j, off, chunk;

    if (n < 2)
        return;
    for (i = n - 1; i > 0; i--) {
        j = (size_t)rng_below(r, (uint64_t)i + 1);
        if (j == i)
            continue;
        for (off = 0; off < size; off += chunk) {
            chunk = size - off < sizeof tmp ? size - off : sizeof tmp;
            memcpy(tmp, b + i * size + off, chunk);
            memcpy(b + i * size + off, b + j * size + off, chunk);
            memcpy(b + j * size + off, tmp, chunk);
        }
    }
}
