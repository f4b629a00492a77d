/* SPDX-License-Identifier: MIT */
#ifndef FA_RNG_H
#define FA_RNG_H
/*
 * rng.h - seeded, reproducible pseudo-random numbers (xoshiro256**, seeded
 * through splitmix64 as its authors recommend).
 *
 * The same seed gives the same sequence on every platform: evaluation
 * protocols (impostor sampling, gallery/probe splits, bootstrap) and the
 * simulation depend on it. Not for cryptography. A struct rng is a plain
 * value: copy it to fork a stream, no allocation, no free.
 */

#include <stddef.h>
#include <stdint.h>

struct rng {
    uint64_t s[4];
};

/* Seed the generator; any 64-bit seed (0 included) gives a valid state. */
void rng_seed(struct rng *r, uint64_t seed);
/* Next 64 random bits. */
uint64_t rng_next(struct rng *r);
/* Uniform integer in [0, n) without modulo bias; n must be > 0. */
uint64_t rng_below(struct rng *r, uint64_t n);
/* Uniform double in [0, 1) with 53 random bits. */
double rng_double(struct rng *r);
/* Fisher-Yates shuffle of n elements of size bytes each, in place. */
void rng_shuffle(struct rng *r, void *base, size_t n, size_t size);

#endif /* FA_RNG_H */
