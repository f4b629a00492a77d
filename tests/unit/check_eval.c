/* SPDX-License-Identifier: MIT */
/*
 * check_eval.c - eval metrics against small hand-computed cases (worked in
 * the comments), including ties at the threshold, failed comparisons and
 * empty classes; identification (FNIR with the mated denominator, FPIR with
 * the NON-mated one), CMC; detection matching and AP with tied confidences;
 * Wilson intervals; the bootstrap's determinism.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/eval.h"
#include "testutil.h"

#define TOL 1e-9

/* Case A: genuine {0.2, 0.4, 0.6, failed}, impostor {0.5, 0.6, 0.8, 0.9, 1.0}. */
static const double gen_a[] = { 0.6, 0.2, NAN, 0.4 };
static const double imp_a[] = { 0.9, 0.5, 1.0, 0.6, 0.8 };

static void
case_a(struct eval_scores *g, struct eval_scores *i)
{
    eval_scores_init(g, gen_a, 4);
    eval_scores_init(i, imp_a, 5);
}

START_TEST(test_wilson)
{
    struct eval_rate r;

    /* 2/5: p = .4, centre .44345, half-width .32583 */
    eval_wilson(2, 5, &r);
    ck_assert_double_eq_tol(r.value, 0.4, TOL);
    ck_assert_double_eq_tol(r.lo, 0.117621, 1e-5);
    ck_assert_double_eq_tol(r.hi, 0.769276, 1e-5);
    /* 0/10: [0, z^2/(n+z^2)] = [0, .277533] (the "rule of 3" neighbourhood) */
    eval_wilson(0, 10, &r);
    ck_assert_double_eq_tol(r.lo, 0.0, TOL);
    ck_assert_double_eq_tol(r.hi, 3.841459 / 13.841459, 1e-6);
    eval_wilson(10, 10, &r);
    ck_assert_double_eq_tol(r.hi, 1.0, TOL);
    eval_wilson(0, 0, &r);
    ck_assert(isnan(r.value) && isnan(r.lo) && isnan(r.hi));
}
END_TEST

START_TEST(test_fmr_fnmr)
{
    struct eval_scores g, i;
    struct eval_rate r;

    case_a(&g, &i);
    ck_assert_uint_eq(g.n, 3);
    ck_assert_uint_eq(g.nfail, 1);
    /* t = .6: impostors .5 and .6 (the tie) are accepted: 2/5 */
    eval_fmr(&i, 0.6, &r);
    ck_assert_uint_eq(r.k, 2);
    ck_assert_uint_eq(r.n, 5);
    /* no genuine above .6, but the failed one is a false non-match: 1/4 */
    eval_fnmr(&g, 0.6, &r);
    ck_assert_uint_eq(r.k, 1);
    ck_assert_uint_eq(r.n, 4);
    /* t = .5: genuine .6 rejected plus the failure: 2/4; FMR 1/5 */
    eval_fnmr(&g, 0.5, &r);
    ck_assert_double_eq_tol(r.value, 0.5, TOL);
    eval_fmr(&i, 0.5, &r);
    ck_assert_double_eq_tol(r.value, 0.2, TOL);
    /* below everything: nothing accepted */
    eval_fnmr(&g, 0.1, &r);
    ck_assert_double_eq_tol(r.value, 1.0, TOL);
    eval_fmr(&i, 0.1, &r);
    ck_assert_uint_eq(r.k, 0);
    /* even at +inf the failed genuine comparison is not accepted */
    eval_fnmr(&g, INFINITY, &r);
    ck_assert_double_eq_tol(r.value, 0.25, TOL);
    eval_scores_done(&g);
    eval_scores_done(&i);
}
END_TEST

START_TEST(test_operating_points)
{
    struct eval_scores g, i, tie;
    struct eval_op op;
    static const double imp_tie[] = { 0.5, 0.5, 0.8 };

    case_a(&g, &i);
    /* target .2 of 5 impostors: one false match allowed -> t = .5 */
    eval_op_at_fmr(&g, &i, 0.2, &op);
    ck_assert(op.supported && !op.strict);
    ck_assert_double_eq_tol(op.threshold, 0.5, TOL);
    ck_assert_double_eq_tol(op.fmr.value, 0.2, TOL);
    ck_assert_double_eq_tol(op.fnmr.value, 0.5, TOL);
    /* target .4: two allowed, .6 < .8 -> t = .6, FNMR 1/4 */
    eval_op_at_fmr(&g, &i, 0.4, &op);
    ck_assert_double_eq_tol(op.threshold, 0.6, TOL);
    ck_assert_double_eq_tol(op.fnmr.value, 0.25, TOL);
    /* target .01 needs 100 impostor comparisons: not supported with 5 */
    eval_op_at_fmr(&g, &i, 0.01, &op);
    ck_assert(!op.supported);
    ck_assert_uint_eq(op.needed, 100);
    ck_assert(isnan(op.fnmr.value));
    /* ZeroFMR: accept strictly below .5 -> genuine .2 and .4 -> FNMR 2/4 */
    eval_op_zero_fmr(&g, &i, &op);
    ck_assert(op.strict);
    ck_assert_double_eq_tol(op.threshold, 0.5, TOL);
    ck_assert_uint_eq(op.fmr.k, 0);
    ck_assert_double_eq_tol(op.fnmr.value, 0.5, TOL);
    /* a tie at the cut: one of 3 allowed, but .5 = .5, so none can be taken */
    eval_scores_init(&tie, imp_tie, 3);
    eval_op_at_fmr(&g, &tie, 0.34, &op);
    ck_assert(op.supported && op.strict);
    ck_assert_uint_eq(op.fmr.k, 0);
    ck_assert_double_eq_tol(op.fnmr.value, 0.5, TOL);
    eval_scores_done(&tie);
    eval_scores_done(&g);
    eval_scores_done(&i);
}
END_TEST

START_TEST(test_eer)
{
    struct eval_scores g, i, empty;
    struct eval_eer e;

    case_a(&g, &i);
    /*
     * t=.5: FMR .2 < FNMR .5 (A); t=.6: FMR .4 >= FNMR .25 (B).
     * bracket [max(.2,.25), min(.5,.4)] = [.25, .4]; segment crossing 1/3.
     */
    eval_eer(&g, &i, &e);
    ck_assert(e.defined);
    ck_assert_double_eq_tol(e.t_low, 0.5, TOL);
    ck_assert_double_eq_tol(e.t_high, 0.6, TOL);
    ck_assert_double_eq_tol(e.low, 0.25, TOL);
    ck_assert_double_eq_tol(e.high, 0.4, TOL);
    ck_assert_double_eq_tol(e.eer, 1.0 / 3.0, TOL);
    /* empty genuine class: undefined, not 0 */
    eval_scores_init(&empty, NULL, 0);
    eval_eer(&empty, &i, &e);
    ck_assert(!e.defined);
    ck_assert(isnan(e.eer));
    eval_scores_done(&empty);
    eval_scores_done(&g);
    eval_scores_done(&i);
}
END_TEST

START_TEST(test_curves)
{
    struct eval_scores g, i, empty;
    struct eval_point *pts;
    struct eval_hist h;
    size_t n;

    case_a(&g, &i);
    /* distinct thresholds .2 .4 .5 .6 .8 .9 1.0 */
    n = eval_det(&g, &i, 100, &pts);
    ck_assert_uint_eq(n, 7);
    ck_assert_double_eq_tol(pts[2].t, 0.5, TOL);
    ck_assert_double_eq_tol(pts[2].fmr, 0.2, TOL);
    ck_assert_double_eq_tol(pts[2].fnmr, 0.5, TOL);
    free(pts);
    /* thinned to 3: first, middle and last rank */
    n = eval_det(&g, &i, 3, &pts);
    ck_assert_uint_eq(n, 3);
    ck_assert_double_eq_tol(pts[0].t, 0.2, TOL);
    ck_assert_double_eq_tol(pts[1].t, 0.6, TOL);
    ck_assert_double_eq_tol(pts[2].t, 1.0, TOL);
    free(pts);
    /* AUC: trapezoids .1 + .125 + 3 x .15 = .675 */
    ck_assert_double_eq_tol(eval_auc(&g, &i), 0.675, TOL);
    /* d' = |.4 - .76| / sqrt((.04 + .043) / 2) */
    ck_assert_double_eq_tol(eval_dprime(&g, &i), 0.36 / sqrt(0.0415), 1e-9);
    /* histogram, width .25: gen 1,1,1,0,0; imp 0,0,2,2,1 */
    eval_histogram(&g, &i, 0.25, 100, &h);
    ck_assert_uint_eq(h.nbins, 5);
    ck_assert_uint_eq(h.gen[0], 1);
    ck_assert_uint_eq(h.gen[2], 1);
    ck_assert_uint_eq(h.imp[2], 2);
    ck_assert_uint_eq(h.imp[3], 2);
    ck_assert_uint_eq(h.imp[4], 1);
    eval_hist_done(&h);
    eval_scores_init(&empty, NULL, 0);
    ck_assert_uint_eq(eval_det(&empty, &i, 10, &pts), 0);
    ck_assert(isnan(eval_auc(&g, &empty)));
    ck_assert(isnan(eval_dprime(&empty, &i)));
    eval_scores_done(&empty);
    eval_scores_done(&g);
    eval_scores_done(&i);
}
END_TEST

START_TEST(test_identification)
{
    /* 3 mated searches, 4 non-mated: the denominators differ on purpose */
    static const struct eval_search s[] = {
        { true, 1, 0.3, 0.3 },
        { true, 2, 0.5, 0.4 },
        { true, 0, NAN, NAN },       /* failed search: a miss, not an exclusion */
        { false, 0, NAN, 0.55 },
        { false, 0, NAN, 0.7 },
        { false, 0, NAN, NAN },      /* failed: no candidate, no false alarm */
        { false, 0, NAN, 0.9 },
    };
    struct eval_rate r;
    double cmc[3];

    eval_fnir(s, 7, 1, INFINITY, &r);
    ck_assert_uint_eq(r.k, 2);
    ck_assert_uint_eq(r.n, 3);
    eval_fnir(s, 7, 1, 0.25, &r);    /* the rank-1 mate is above t */
    ck_assert_uint_eq(r.k, 3);
    eval_fnir(s, 7, 2, 0.6, &r);
    ck_assert_uint_eq(r.k, 1);
    /* FPIR: 1 of 4 NON-mated searches has a candidate <= .6 (1/3 would be the bug) */
    eval_fpir(s, 7, 0.6, &r);
    ck_assert_uint_eq(r.k, 1);
    ck_assert_uint_eq(r.n, 4);
    eval_fpir(s, 7, 0.55, &r);       /* tie counts */
    ck_assert_uint_eq(r.k, 1);
    eval_cmc(s, 7, 3, cmc);
    ck_assert_double_eq_tol(cmc[0], 1.0 / 3.0, TOL);
    ck_assert_double_eq_tol(cmc[1], 2.0 / 3.0, TOL);
    ck_assert_double_eq_tol(cmc[2], 2.0 / 3.0, TOL);
    /* no mated searches: NaN, not 0 or 1 */
    eval_cmc(s + 3, 4, 3, cmc);
    ck_assert(isnan(cmc[0]));
    eval_fnir(s + 3, 4, 1, INFINITY, &r);
    ck_assert(isnan(r.value));
}
END_TEST

START_TEST(test_detection)
{
    const struct ds_box gt[] = {
        { 0, 0, 10, 10, false }, { 20, 0, 10, 10, false }, { 40, 0, 10, 10, true },
    };
    const struct ds_box det[] = {
        { 1, 0, 10, 10, false },     /* A: IoU 90/110 -> TP */
        { 0, 0, 10, 10, false },     /* A again: duplicate -> FP */
        { 40, 0, 10, 10, false },    /* the ignore box -> neither */
        { 21, 1, 10, 10, false },    /* B: IoU 81/119 -> TP */
        { 100, 100, 5, 5, false },   /* nothing -> FP */
    };
    int match[5];
    struct eval_detection d[5];
    static const double conf[5] = { 0.9, 0.8, 0.7, 0.6, 0.5 };
    struct eval_rate p, r;
    double ap;
    size_t i;

    ck_assert_double_eq_tol(eval_iou(&gt[0], &det[0]), 90.0 / 110.0, TOL);
    ck_assert_double_eq_tol(eval_iou(&gt[0], &gt[1]), 0.0, TOL);
    ck_assert_uint_eq(eval_match_boxes(gt, 3, det, 5, 0.5, match), 2);
    ck_assert_int_eq(match[0], 1);
    ck_assert_int_eq(match[1], 0);
    ck_assert_int_eq(match[2], -1);
    ck_assert_int_eq(match[3], 1);
    ck_assert_int_eq(match[4], 0);
    for (i = 0; i < 5; i++) {
        d[i].conf = conf[i];
        d[i].match = match[i];
    }
    /* P/R points (.5,1) (.5,.5) (1,.667) (1,.5): envelope -> AP = .5 + .5 x 2/3 */
    eval_ap(d, 5, 2, &ap, &p, &r);
    ck_assert_double_eq_tol(ap, 0.5 + 0.5 * 2.0 / 3.0, TOL);
    ck_assert_uint_eq(p.k, 2);
    ck_assert_uint_eq(p.n, 4);
    ck_assert_double_eq_tol(r.value, 1.0, TOL);
    /* the TP and the FP tied at .9 enter together: (.5,.5) then (1,.667) */
    d[1].conf = 0.9;
    eval_ap(d, 5, 2, &ap, &p, &r);
    ck_assert_double_eq_tol(ap, 2.0 / 3.0, TOL);
    /* no ground truth: AP and recall undefined */
    eval_ap(d, 5, 0, &ap, &p, &r);
    ck_assert(isnan(ap) && isnan(r.value));
}
END_TEST

START_TEST(test_bootstrap)
{
    struct eval_cmp c[60];
    double f1[2], n1[2], f2[2], n2[2];
    size_t k = 0;
    uint32_t a, b;

    /* 6 subjects: 4 genuine each (one rejected for subject 0), impostors all pairs */
    for (a = 0; a < 6; a++) {
        for (b = 0; b < 4; b++)
            c[k++] = (struct eval_cmp){ a, a, true, a == 0 && b == 0 ? 0.9 : 0.3 };
        for (b = a + 1; b < 6; b++)
            c[k++] = (struct eval_cmp){ a, b, false, a == 1 && b == 2 ? 0.5 : 1.2 };
    }
    eval_bootstrap(c, k, 6, 0.6, 500, 7, f1, n1);
    eval_bootstrap(c, k, 6, 0.6, 500, 7, f2, n2);
    ck_assert(memcmp(f1, f2, sizeof f1) == 0 && memcmp(n1, n2, sizeof n1) == 0);
    /* point estimates FMR 1/15, FNMR 1/24 lie inside their intervals */
    ck_assert(f1[0] <= 1.0 / 15 && 1.0 / 15 <= f1[1]);
    ck_assert(n1[0] <= 1.0 / 24 && 1.0 / 24 <= n1[1]);
    ck_assert(f1[0] < f1[1]);
    /* all errors come from specific subjects, so resamples without them give 0 */
    ck_assert_double_eq_tol(n1[0], 0.0, TOL);
}
END_TEST

Suite *eval_suite(void);

Suite *
eval_suite(void)
{
    Suite *s = suite_create("eval");
    TCase *tc = tcase_create("metrics");

    tcase_add_test(tc, test_wilson);
    tcase_add_test(tc, test_fmr_fnmr);
    tcase_add_test(tc, test_operating_points);
    tcase_add_test(tc, test_eer);
    tcase_add_test(tc, test_curves);
    tcase_add_test(tc, test_identification);
    tcase_add_test(tc, test_detection);
    tcase_add_test(tc, test_bootstrap);
    suite_add_tcase(s, tc);
    return s;
}
