/* SPDX-License-Identifier: MIT */
/*
 * check_agegender.c - the arithmetic around AgeGenderNet's estimates
 * (agegender.h), without the network (parity with face-api is in
 * check_parity.c): the Wilson score interval and the share under 14 with
 * the known error against hand-computed values, face-api's crop for the
 * net with its quirks (the padding, the landmarks' maximum starting at 0,
 * clipping, empty crops), and one estimate per person among merged tracks.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <check.h>

#include "faceaudit/agegender.h"
#include "faceaudit/video.h"
#include "testutil.h"

Suite *agegender_suite(void);

/* Wilson intervals computed by hand (p = k/n, z = 1.96; 6 decimals). */
START_TEST(test_wilson)
{
    static const struct {
        int k, n;
        double lo, hi;
    } c[] = {
        { 3, 10, 0.107789, 0.603227 },
        { 0, 5, 0.0, 0.434491 },      /* lo exactly 0; hi = z^2 / (n + z^2) */
        { 5, 5, 0.565509, 1.0 },      /* lo = n / (n + z^2); hi exactly 1 */
        { 1, 10, 0.017876, 0.404156 },
        { 6, 10, 0.312670, 0.831822 },
        { 1, 2, 0.094529, 0.905471 },
    };
    size_t i;

    for (i = 0; i < sizeof c / sizeof c[0]; i++) {
        double lo, hi;

        age_wilson(c[i].k, c[i].n, 1.96, &lo, &hi);
        ck_assert_double_eq_tol(lo, c[i].lo, 1e-6);
        ck_assert_double_eq_tol(hi, c[i].hi, 1e-6);
    }
}
END_TEST

/*
 * Ten people, limit 14, error 4.82 (uncertain band [9.18, 18.82)):
 * under 14: 5, 10, 12, 13.9 -> share 0.4; certain children (< 9.18): 5 ->
 * lo = Wilson lower end of 1/10 = 0.017876; children or uncertain: 5, 10,
 * 12, 13.9, 14, 16 -> hi = Wilson upper end of 6/10 = 0.831822.
 */
START_TEST(test_share)
{
    static const float ages[] = { 5, 10, 12, 13.9f, 14, 16, 18.9f, 19, 30, 40 };
    struct age_share s;

    age_share_compute(ages, 10, 14.0f, 4.82f, 1.96, &s);
    ck_assert_int_eq(s.n, 10);
    ck_assert_int_eq(s.under, 4);
    ck_assert_int_eq(s.certain, 1);
    ck_assert_int_eq(s.uncertain, 5);
    ck_assert_double_eq_tol(s.share, 0.4, 1e-12);
    ck_assert_double_eq_tol(s.lo, 0.017876, 1e-6);
    ck_assert_double_eq_tol(s.hi, 0.831822, 1e-6);

    /* without the estimator's error the interval is the plain Wilson one of 4/10 */
    age_share_compute(ages, 10, 14.0f, 0.0f, 1.96, &s);
    ck_assert_int_eq(s.certain, 4);
    ck_assert_double_eq_tol(s.lo, 0.168178, 1e-6);
    ck_assert_double_eq_tol(s.hi, 0.687330, 1e-6);

    /* the uncertain band is [14 - 4, 14 + 4): 10 is in it, 18 is not */
    {
        static const float edge[] = { 10.0f, 18.0f, 9.5f, 17.9f };

        age_share_compute(edge, 4, 14.0f, 4.0f, 1.96, &s);
        ck_assert_int_eq(s.under, 2);
        ck_assert_int_eq(s.certain, 1);
        ck_assert_int_eq(s.uncertain, 2);
    }

    /* nobody aged: NaN, not 0 */
    age_share_compute(NULL, 0, 14.0f, 4.82f, 1.96, &s);
    ck_assert_int_eq(s.n, 0);
    ck_assert(isnan(s.share) && isnan(s.lo) && isnan(s.hi));

    /* all children: share 1, hi 1 */
    {
        static const float kids[] = { 3, 4, 5 };

        age_share_compute(kids, 3, 14.0f, 4.82f, 1.96, &s);
        ck_assert_double_eq(s.share, 1.0);
        ck_assert_double_eq(s.hi, 1.0);
        ck_assert(s.lo > 0.0 && s.lo < 1.0);
    }
}
END_TEST

/* lo <= share <= hi, all in [0, 1], for every count of 1..40 people and a sweep of ages. */
START_TEST(test_share_bounds)
{
    float ages[40];
    int n, i;

    for (n = 1; n <= 40; n++) {
        struct age_share s;

        for (i = 0; i < n; i++)
            ages[i] = (float)((i * 7 + n * 3) % 45);
        age_share_compute(ages, (size_t)n, 14.0f, 4.82f, 1.96, &s);
        ck_assert(s.lo >= 0.0 && s.lo <= s.share && s.share <= s.hi && s.hi <= 1.0);
        ck_assert_int_eq(s.n, n);
    }
}
END_TEST

/* 68 landmarks on the corners of a rectangle (the others at its centre). */
static void
rect_points(float pts[LANDMARK_COUNT][2], float x0, float y0, float x1, float y1)
{
    int i;

    for (i = 0; i < LANDMARK_COUNT; i++) {
        pts[i][0] = (x0 + x1) / 2;
        pts[i][1] = (y0 + y1) / 2;
    }
    pts[0][0] = x0;
    pts[0][1] = y0;
    pts[1][0] = x1;
    pts[1][1] = y1;
}

/* face-api's alignedRect crop: bounding box + 20 %, clipped and floored. */
START_TEST(test_crop)
{
    float pts[LANDMARK_COUNT][2];
    int r[4];

    /* 100 x 100 box: padded by 10 on each side */
    rect_points(pts, 100, 50, 200, 150);
    ck_assert_int_eq(age_gender_rect(pts, 1000, 1000, r), 0);
    ck_assert_int_eq(r[0], 90);
    ck_assert_int_eq(r[1], 40);
    ck_assert_int_eq(r[2], 120);
    ck_assert_int_eq(r[3], 120);
    /* clipped at the right border: 90 + 120 > 190 */
    ck_assert_int_eq(age_gender_rect(pts, 190, 1000, r), 0);
    ck_assert_int_eq(r[2], 100);
    /* clipped at the left: x = 0 - 5 -> 0, width 60 - 5 = 55 */
    rect_points(pts, 0, 50, 50, 150);
    ck_assert_int_eq(age_gender_rect(pts, 1000, 1000, r), 0);
    ck_assert_int_eq(r[0], 0);
    ck_assert_int_eq(r[2], 55);
    /* fractions floored: 10.5 .. 20.9 -> w 10.4, x = 10.5 - 1.04 = 9.46 -> 9, w 12.48 -> 12 */
    rect_points(pts, 10.5f, 10.5f, 20.9f, 20.9f);
    ck_assert_int_eq(age_gender_rect(pts, 1000, 1000, r), 0);
    ck_assert_int_eq(r[0], 9);
    ck_assert_int_eq(r[2], 12);
    /* minBbox's maximum starts at 0: points left of the image span -50 .. 0, not -50 .. -10 */
    rect_points(pts, -50, 50, -10, 150);
    ck_assert_int_eq(age_gender_rect(pts, 1000, 1000, r), 0);
    ck_assert_int_eq(r[0], 0);
    ck_assert_int_eq(r[2], 5);   /* x = -55, width 60 */
    /* below the image: empty */
    rect_points(pts, 100, 1100, 200, 1200);
    ck_assert_int_eq(age_gender_rect(pts, 1000, 1000, r), 1);
}
END_TEST

/* One estimate per person: the best-quality aged track's; people without one are not counted. */
START_TEST(test_person_share)
{
    struct video_track t[5];
    struct age_share s;

    memset(t, 0, sizeof t);
    /* person 0: two tracks, the better shot says 30 */
    t[0].person = 0;
    t[0].has_age = true;
    t[0].age = 10;
    t[0].quality = 0.5f;
    t[1].person = 0;
    t[1].has_age = true;
    t[1].age = 30;
    t[1].quality = 0.9f;
    /* person 1: 8 years; a better shot without an estimate does not count */
    t[2].person = 1;
    t[2].has_age = true;
    t[2].age = 8;
    t[2].quality = 0.2f;
    t[3].person = 1;
    t[3].quality = 0.95f;
    /* person 2: no estimate */
    t[4].person = 2;
    video_age_share(t, 5, &s);
    ck_assert_int_eq(s.n, 2);
    ck_assert_int_eq(s.under, 1);
    ck_assert_int_eq(s.certain, 1);
    ck_assert_double_eq_tol(s.share, 0.5, 1e-12);
    ck_assert_double_eq_tol(s.lo, 0.094529, 1e-6);
    ck_assert_double_eq_tol(s.hi, 0.905471, 1e-6);
    /* nobody aged */
    video_age_share(t + 3, 2, &s);
    ck_assert_int_eq(s.n, 0);
    ck_assert(isnan(s.share));
}
END_TEST

Suite *
agegender_suite(void)
{
    Suite *s = suite_create("agegender");
    TCase *tc = tcase_create("interval");

    tcase_add_test(tc, test_wilson);
    tcase_add_test(tc, test_share);
    tcase_add_test(tc, test_share_bounds);
    suite_add_tcase(s, tc);
    tc = tcase_create("crop");
    tcase_add_test(tc, test_crop);
    suite_add_tcase(s, tc);
    tc = tcase_create("people");
    tcase_add_test(tc, test_person_share);
    suite_add_tcase(s, tc);
    return s;
}
