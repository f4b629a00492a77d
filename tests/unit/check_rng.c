/* SPDX-License-Identifier: MIT */
/*
 * check_rng.c - core rng: xoshiro256** known-answer values (computed
 * independently from the reference algorithm), determinism, bounds, and a
 * shuffle that is a permutation.
 */
#include "config.h"

#include <check.h>
#include <stdbool.h>
#include <stdint.h>

#include "faceaudit/rng.h"

START_TEST(test_rng_known_answer)
{
    struct rng r;

    /* splitmix64(42) seeding, then xoshiro256**: first three outputs. */
    rng_seed(&r, 42);
    ck_assert_uint_eq(rng_next(&r), UINT64_C(0x15780b2e0c2ec716));
    ck_assert_uint_eq(rng_next(&r), UINT64_C(0x6104d9866d113a7e));
    ck_assert_uint_eq(rng_next(&r), UINT64_C(0xae17533239e499a1));
}
END_TEST

START_TEST(test_rng_ranges)
{
    struct rng a, b;
    unsigned counts[7] = { 0 };
    int i;

    rng_seed(&a, 7);
    rng_seed(&b, 7);
    for (i = 0; i < 7000; i++) {
        uint64_t x = rng_below(&a, 7);
        double d = rng_double(&b);

        ck_assert_uint_lt(x, 7);
        counts[x]++;
        ck_assert(d >= 0.0 && d < 1.0);
    }
    /* Each bucket near 1000: a gross bias (e.g. always 0) fails. */
    for (i = 0; i < 7; i++)
        ck_assert_msg(counts[i] > 850 && counts[i] < 1150, "bucket %d: %u", i, counts[i]);
    rng_seed(&a, 1);
    rng_seed(&b, 2);
    ck_assert_uint_ne(rng_next(&a), rng_next(&b));
}
END_TEST

START_TEST(test_rng_shuffle)
{
    int v[50], w[50], i;
    bool seen[50] = { false };
    struct rng r;
    int moved = 0;

    for (i = 0; i < 50; i++)
        v[i] = w[i] = i;
    rng_seed(&r, 99);
    rng_shuffle(&r, v, 50, sizeof v[0]);
    rng_seed(&r, 99);
    rng_shuffle(&r, w, 50, sizeof w[0]);
    for (i = 0; i < 50; i++) {
        ck_assert_int_eq(v[i], w[i]);   /* same seed, same order */
        ck_assert(!seen[v[i]]);          /* a permutation */
        seen[v[i]] = true;
        moved += v[i] != i;
    }
    ck_assert_int_gt(moved, 25);
}
END_TEST

Suite *rng_suite(void);

Suite *
rng_suite(void)
{
    Suite *s = suite_create("rng");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_rng_known_answer);
    tcase_add_test(tc, test_rng_ranges);
    tcase_add_test(tc, test_rng_shuffle);
    suite_add_tcase(s, tc);
    return s;
}
