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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/dataset.h"
#include "faceaudit/eval.h"
#include "faceaudit/store.h"
#include "faceaudit/store_eval.h"
#include "faceaudit/store_run.h"
#include "faceaudit/str.h"
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

/* Failures to acquire as errors and excluded, and an EER that the failures set. */
START_TEST(test_populations)
{
    static const double gv[] = { 0.1, 0.2, NAN, NAN, NAN };
    static const double iv[] = { 0.5, 0.65, 0.7, 0.8, NAN };
    struct eval_scores g, i;
    struct eval_eer e;
    struct eval_populations p;

    eval_scores_init(&g, gv, 5);
    eval_scores_init(&i, iv, 5);
    eval_eer(&g, &i, &e);
    eval_populations(&g, &i, 0.6, &e, &p);
    ck_assert_uint_eq(p.gen_fail, 3);
    ck_assert_uint_eq(p.imp_fail, 1);
    /* as errors: genuine 2 accepted of 5; impostor 1 accepted + 1 failed of 5; accuracy (2 + 3) / 10 */
    ck_assert_uint_eq(p.fnmr_err.k, 3);
    ck_assert_uint_eq(p.fnmr_err.n, 5);
    ck_assert_uint_eq(p.fmr_err.k, 2);
    ck_assert_uint_eq(p.fmr_err.n, 5);
    ck_assert_uint_eq(p.acc_err.k, 5);
    ck_assert_uint_eq(p.acc_err.n, 10);
    /* acquired only: 2/2 genuine accepted, 1/4 impostor accepted; accuracy 5/6 */
    ck_assert_uint_eq(p.fnmr_acq.k, 0);
    ck_assert_uint_eq(p.fnmr_acq.n, 2);
    ck_assert_uint_eq(p.fmr_acq.k, 1);
    ck_assert_uint_eq(p.fmr_acq.n, 4);
    ck_assert_uint_eq(p.acc_acq.k, 5);
    ck_assert_uint_eq(p.acc_acq.n, 6);
    /* FNMR never goes below 3/5: the standard EER is a floor set by the failures; the
     * acquired comparisons separate perfectly (EER 0 between t = 0.2 and 0.5) */
    ck_assert_double_eq_tol(p.fnmr_floor, 0.6, TOL);
    ck_assert(e.defined && e.eer >= 0.4);
    ck_assert(p.eer_acq.defined);
    ck_assert_double_eq_tol(p.eer_acq.eer, 0, TOL);
    ck_assert(p.eer_floor);
    eval_scores_done(&g);
    eval_scores_done(&i);
    /* no failures: the two populations agree and nothing is flagged */
    eval_scores_init(&g, gv, 2);
    eval_scores_init(&i, iv, 4);
    eval_eer(&g, &i, &e);
    eval_populations(&g, &i, 0.6, &e, &p);
    ck_assert(!p.eer_floor);
    ck_assert_uint_eq(p.acc_err.k, p.acc_acq.k);
    ck_assert_uint_eq(p.acc_err.n, p.acc_acq.n);
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

START_TEST(test_fold_accuracy)
{
    /*
     * fold 1: genuine .2 .5, impostor .4 .9; fold 2: genuine .3 .7, impostor .6 .8.
     * Test fold 1, train on fold 2: accuracy 3/4 at .3 and at .7, the smaller
     * wins: on fold 1 .2 accepted, .5 rejected, .4 and .9 rejected: 3/4.
     * Test fold 2, train on fold 1: best 3/4 at .2 (and .5): on fold 2 both
     * genuine rejected, both impostors rejected: 2/4.
     */
    static const struct eval_fold_cmp c[] = {
        { true, 0.2, 1 }, { true, 0.5, 1 }, { false, 0.4, 1 }, { false, 0.9, 1 },
        { true, 0.3, 2 }, { true, 0.7, 2 }, { false, 0.6, 2 }, { false, 0.8, 2 },
    };
    struct eval_fold_cmp d[8];
    double acc[2], thr[2];

    eval_fold_accuracy(c, 8, 2, acc, thr);
    ck_assert_double_eq_tol(thr[0], 0.3, TOL);
    ck_assert_double_eq_tol(acc[0], 0.75, TOL);
    ck_assert_double_eq_tol(thr[1], 0.2, TOL);
    ck_assert_double_eq_tol(acc[1], 0.5, TOL);
    /* a failed genuine comparison in the test fold is an error, not dropped */
    memcpy(d, c, sizeof d);
    d[0].score = NAN;
    eval_fold_accuracy(d, 8, 2, acc, thr);
    ck_assert_double_eq_tol(acc[0], 0.5, TOL);
}
END_TEST

/* A hand-built result: 6 images of 3 subjects with sex and age labels. */
START_TEST(test_groups)
{
    static const struct {
        const char *subject, *age, *sex;
    } it[6] = {
        { "a", "0-13", "F" }, { "a", "0-13", "F" },     /* a: a girl */
        { "b", "30-49", "F" }, { "b", "30-49", "F" },   /* b: a woman */
        { "c", "30-49", "M" }, { "c", "", "M" },        /* c: a man, one image unlabelled age */
    };
    /* genuine: a .3, b .7 (rejected at .6), c .2; impostors within F: a-b .5
     * (accepted) and .9; within M none; a-c .4 crosses groups; b-c .55 is
     * within 30-49 */
    static const struct eval_rec recs[] = {
        { 0, 'g', 0, 1, 0.3, NAN }, { 1, 'g', 2, 3, 0.7, NAN }, { 2, 'g', 4, 5, 0.2, NAN },
        { 3, 'i', 0, 2, 0.5, NAN }, { 4, 'i', 1, 3, 0.9, NAN }, { 5, 'i', 0, 4, 0.4, NAN },
        { 6, 'i', 2, 4, 0.55, NAN },
    };
    struct eval_result res;
    struct eval_figures f;
    size_t i;
    const struct eval_group *g;

    memset(&res, 0, sizeof res);
    res.params.protocol = EVAL_VERIFY;
    res.params.threshold = 0.6;
    res.params.shard_k = res.params.shard_n = 1;
    res.nitems = 6;
    res.items = xcalloc(6, sizeof *res.items);
    for (i = 0; i < 6; i++) {
        res.items[i].rel = xasprintf("%zu.png", i);
        res.items[i].subject = xstrdup(it[i].subject);
        snprintf(res.items[i].age_band, sizeof res.items[i].age_band, "%s", it[i].age);
        snprintf(res.items[i].sex, sizeof res.items[i].sex, "%s", it[i].sex);
        res.items[i].status = EVAL_OK;
    }
    for (i = 0; i < sizeof recs / sizeof recs[0]; i++)
        eval_result_add(&res, &recs[i]);
    res.dataset = xstrdup("hand");
    res.engine = xstrdup("hand");
    eval_figures_compute(&res, &f);
    ck_assert_uint_eq(f.minors, 2);
    /* groups sorted by kind order (age, then sex) and label; "" is unknown */
    ck_assert_uint_eq(f.ngroups, 3 + 2);
    g = &f.groups[1];                       /* age 0-13: genuine a only */
    ck_assert_str_eq(g->label, "0-13");
    ck_assert_uint_eq(g->fnmr.n, 1);
    ck_assert_uint_eq(g->fnmr.k, 0);
    ck_assert_uint_eq(g->fmr.n, 0);         /* no impostor pair inside the band */
    g = &f.groups[2];                       /* age 30-49: genuine b (.7: miss); b-c .55 */
    ck_assert_str_eq(g->label, "30-49");
    ck_assert_uint_eq(g->fnmr.k, 1);
    ck_assert_uint_eq(g->fnmr.n, 1);
    ck_assert_uint_eq(g->fmr.k, 1);
    ck_assert_uint_eq(g->fmr.n, 1);
    g = &f.groups[3];                       /* sex F: genuine a, b; impostors .5 .9 */
    ck_assert_str_eq(g->kind, "sex");
    ck_assert_str_eq(g->label, "F");
    ck_assert_uint_eq(g->fnmr.k, 1);
    ck_assert_uint_eq(g->fnmr.n, 2);
    ck_assert_uint_eq(g->fmr.k, 1);
    ck_assert_uint_eq(g->fmr.n, 2);
    g = &f.groups[4];                       /* sex M: genuine c; no impostor pair */
    ck_assert_uint_eq(g->fnmr.k, 0);
    ck_assert_uint_eq(g->fnmr.n, 1);
    ck_assert_uint_eq(g->fmr.n, 0);
    /* FNMR by sex: F .5, M 0 -> ratio infinite, gap .5; FMR: only F measured */
    ck_assert(f.sex_fnmr.defined);
    ck_assert(isinf(f.sex_fnmr.ratio));
    ck_assert_double_eq_tol(f.sex_fnmr.gap, 0.5, TOL);
    ck_assert(!f.sex_fmr.defined);
    /* FNMR by age: 0-13 0, 30-49 1 (unknown excluded) */
    ck_assert(f.age_fnmr.defined);
    ck_assert_double_eq_tol(f.age_fnmr.gap, 1.0, TOL);
    eval_figures_done(&f);
    for (i = 0; i < 6; i++) {
        free(res.items[i].rel);
        free(res.items[i].subject);
    }
    free(res.items);
    free(res.recs);
    free(res.dataset);
    free(res.engine);
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

/* --- runs: a tiny dataset through the file engine, the store and shards ----- */

static char *tmp;

static void
run_setup(void)
{
    char *cause = NULL, *p;
    struct strbuf csv, desc;
    int s, i;

    tmp = test_tmpdir();
    strbuf_init(&csv);
    strbuf_init(&desc);
    strbuf_puts(&csv, "path,subject\n");
    for (s = 0; s < 4; s++) {
        for (i = 0; i < 3; i++) {
            char *rel = xasprintf("img-%d-%d.pgm", s, i), *body = xasprintf("image %d %d", s, i);

            p = path_join(tmp, rel);
            ck_assert_int_eq(fs_write_atomic(p, body, strlen(body), 0600, &cause), 0);
            strbuf_printf(&csv, "%s,s%d\n", rel, s);
            /* subject s at distance 1 + s along one axis; image i offset 0.05 * i;
             * image 2 of subject 3 has no descriptor (a failure to acquire) */
            if (!(s == 3 && i == 2))
                strbuf_printf(&desc, "%s,%g,%g\n", rel, (double)s, 0.05 * i);
            free(p);
            free(rel);
            free(body);
        }
    }
    p = path_join(tmp, "faces.csv");
    ck_assert_int_eq(fs_write_atomic(p, csv.buf, csv.len, 0600, &cause), 0);
    free(p);
    p = path_join(tmp, "desc.csv");
    ck_assert_int_eq(fs_write_atomic(p, desc.buf, desc.len, 0600, &cause), 0);
    free(p);
    strbuf_done(&csv);
    strbuf_done(&desc);
}

static void
run_teardown(void)
{
    test_rmdir(tmp);
}

static struct eval_result *
run_once(const struct eval_params *p)
{
    char *m = path_join(tmp, "faces.csv"), *d = path_join(tmp, "desc.csv"), *cause = NULL;
    struct dataset *ds = dataset_load(m, NULL, &cause);
    struct eval_engine *eng;
    struct eval_result *res;

    ck_assert_msg(ds != NULL, "%s", cause);
    eng = eval_engine_files(d, NULL, &cause);
    ck_assert_msg(eng != NULL, "%s", cause);
    res = eval_run(ds, eng, p, NULL, NULL, &cause);
    ck_assert_msg(res != NULL, "%s", cause);
    eval_engine_free(eng);
    dataset_free(ds);
    free(m);
    free(d);
    return res;
}

static void
status_of(const struct store_run_row *row, void *arg)
{
    char *out = arg;

    if (row->name != NULL && strcmp(row->name, "r1") == 0)
        snprintf(out, 16, "%s", row->status);
}

START_TEST(test_run_store_shards)
{
    struct eval_params p = {
        .protocol = EVAL_VERIFY, .threshold = 0.6, .seed = 5, .max_impostors = 0,
        .gallery_images = 1, .gallery_pick = EVAL_PICK_RANDOM, .unknown_share = 0.25,
        .bootstrap = 50, .cropped = true, .shard_k = 1, .shard_n = 1, .jobs = 1
    };
    struct eval_result *res, *back, *sh[3], *merged;
    struct eval_figures f, fb, fm;
    char *json, *jback, *jstored = NULL, *jm, *dbp = path_join(tmp, "fa.db"), *cause = NULL;
    char status[16] = "";
    struct store *st;
    int64_t id;
    unsigned k;

    res = run_once(&p);
    /* 12 images: 4 x C(3,2) = 12 genuine pairs, 66 - 12 = 54 impostor pairs */
    ck_assert_uint_eq(res->nrecs, 66);
    eval_figures_compute(res, &f);
    ck_assert_uint_eq(f.fnmr.n, 12);
    ck_assert_uint_eq(f.fmr.n, 54);
    /* the image without a descriptor: FTA 1/12, its 2 genuine pairs fail */
    ck_assert_uint_eq(f.fta.k, 1);
    ck_assert_uint_eq(f.fnmr.k, 2);
    ck_assert_uint_eq(f.fmr.k, 0);
    json = eval_figures_json(res, &f);

    /* stored: 'running' until the final commit, then 'complete' and identical */
    st = store_open(dbp, &cause);
    ck_assert_msg(st != NULL, "%s", cause);
    id = eval_store_begin(st, "r1", res, &cause);
    ck_assert_msg(id > 0, "%s", cause);
    ck_assert_int_eq(store_run_each(st, "eval", status_of, status, &cause), 0);
    ck_assert_str_eq(status, "running");
    ck_assert_int_eq(eval_store_finish(st, id, res, &f, json, &cause), 0);
    ck_assert_int_eq(store_run_each(st, "eval", status_of, status, &cause), 0);
    ck_assert_str_eq(status, "complete");
    back = eval_store_load(st, "r1", &jstored, &cause);
    ck_assert_msg(back != NULL, "%s", cause);
    eval_figures_compute(back, &fb);
    jback = eval_figures_json(back, &fb);
    ck_assert_str_eq(jstored, json);
    ck_assert_str_eq(jback, json);
    ck_assert_int_eq(store_run_delete(st, "eval", "r1", &cause), 0);
    ck_assert_int_eq(store_count_rows(st, "eval_score", &cause), 0);
    store_close(st);

    /* three acquisition threads: the same bytes */
    {
        struct eval_params pj = p;
        struct eval_result *rj;
        struct eval_figures fj;
        char *jj;

        pj.jobs = 3;
        rj = run_once(&pj);
        eval_figures_compute(rj, &fj);
        jj = eval_figures_json(rj, &fj);
        ck_assert_str_eq(jj, json);
        free(jj);
        eval_figures_done(&fj);
        eval_result_free(rj);
    }
    /* three shards, merged in another order: the same bytes */
    for (k = 0; k < 3; k++) {
        p.shard_k = k + 1;
        p.shard_n = 3;
        sh[(k + 1) % 3] = run_once(&p);
    }
    merged = eval_result_merge(sh, 3, &cause);
    ck_assert_msg(merged != NULL, "%s", cause);
    eval_figures_compute(merged, &fm);
    jm = eval_figures_json(merged, &fm);
    ck_assert_str_eq(jm, json);
    /* two shards of three: refused */
    ck_assert(eval_result_merge(sh, 2, &cause) == NULL);
    free(cause);
    ck_assert(strstr(json, "\"failures\":{\"count\":1,\"by_reason\":{\"no face\":1},"
        "\"images\":[{\"path\":\"img-3-2.pgm\",\"reason\":\"no face\"}]}") != NULL);

    /* a failure's reason survives the database (the status column keeps 0/1/2) */
    {
        struct eval_figures f2, f3;
        struct eval_result *back2;
        char *j2, *j3, *js2 = NULL;
        size_t i;

        for (i = 0; i < res->nitems; i++)
            if (res->items[i].status == EVAL_FTA)
                res->items[i].status = EVAL_FTA_SMALL;
        eval_figures_compute(res, &f2);
        ck_assert_uint_eq(f2.fta.k, 1);
        j2 = eval_figures_json(res, &f2);
        ck_assert(strstr(j2, "\"by_reason\":{\"too small\":1}") != NULL);
        st = store_open(dbp, &cause);
        ck_assert_msg(st != NULL, "%s", cause);
        id = eval_store_begin(st, "r2", res, &cause);
        ck_assert_int_eq(eval_store_finish(st, id, res, &f2, j2, &cause), 0);
        back2 = eval_store_load(st, "r2", &js2, &cause);
        ck_assert_msg(back2 != NULL, "%s", cause);
        eval_figures_compute(back2, &f3);
        j3 = eval_figures_json(back2, &f3);
        ck_assert_str_eq(j3, j2);
        ck_assert_str_eq(js2, j2);
        store_close(st);
        ck_assert_str_eq(eval_status_reason(EVAL_FTA), "no face");
        ck_assert_str_eq(eval_status_reason(EVAL_FTA_UNREADABLE), "unreadable");
        ck_assert_str_eq(eval_status_reason(EVAL_FTA_MULTIPLE), "more than one face");
        ck_assert_str_eq(eval_status_reason(EVAL_FTA_MISSING), "missing");
        ck_assert(!eval_status_failed(EVAL_OK) && eval_status_failed(EVAL_FTA_MISSING));
        eval_figures_done(&f2);
        eval_figures_done(&f3);
        eval_result_free(back2);
        free(j2);
        free(j3);
        free(js2);
    }

    eval_figures_done(&f);
    eval_figures_done(&fb);
    eval_figures_done(&fm);
    for (k = 0; k < 3; k++)
        eval_result_free(sh[k]);
    eval_result_free(merged);
    eval_result_free(res);
    eval_result_free(back);
    free(json);
    free(jback);
    free(jstored);
    free(jm);
    free(dbp);
}
END_TEST

/* --shard auto: a fake environment of NAME=VALUE strings. */
static const char *const *fake_env;

static const char *
fake_getenv(const char *name)
{
    size_t i, n = strlen(name);

    for (i = 0; fake_env[i] != NULL; i++)
        if (strncmp(fake_env[i], name, n) == 0 && fake_env[i][n] == '=')
            return fake_env[i] + n + 1;
    return NULL;
}

static int
shard_of(const char *const *env, unsigned shards, unsigned *k, unsigned *n, char **cause)
{
    const char *src;

    fake_env = env;
    *cause = NULL;
    return eval_shard_auto(fake_getenv, shards, k, n, &src, cause);
}

START_TEST(test_shard_auto)
{
    static const char *const slurm1[] = { "SLURM_ARRAY_TASK_ID=3", "SLURM_ARRAY_TASK_MIN=1",
        "SLURM_ARRAY_TASK_MAX=4", "SLURM_ARRAY_TASK_COUNT=4", "SLURM_ARRAY_TASK_STEP=1",
        NULL };
    static const char *const slurm0[] = { "SLURM_ARRAY_TASK_ID=0", "SLURM_ARRAY_TASK_MIN=0",
        "SLURM_ARRAY_TASK_MAX=9", "SLURM_ARRAY_TASK_COUNT=10", "PARALLEL_SEQ=7", NULL };
    static const char *const stepped[] = { "SLURM_ARRAY_TASK_ID=3", "SLURM_ARRAY_TASK_MIN=1",
        "SLURM_ARRAY_TASK_MAX=7", "SLURM_ARRAY_TASK_COUNT=4", "SLURM_ARRAY_TASK_STEP=2",
        NULL };
    static const char *const sparse[] = { "SLURM_ARRAY_TASK_ID=3", "SLURM_ARRAY_TASK_MIN=1",
        "SLURM_ARRAY_TASK_MAX=9", "SLURM_ARRAY_TASK_COUNT=3", NULL };
    static const char *const k8s[] = { "JOB_COMPLETION_INDEX=0", NULL };
    static const char *const par[] = { "PARALLEL_SEQ=4", NULL };
    static const char *const bad[] = { "PARALLEL_SEQ=x", NULL };
    static const char *const none[] = { "HOME=/", NULL };
    unsigned k = 0, n = 0;
    char *cause;

    ck_assert_int_eq(shard_of(slurm1, 0, &k, &n, &cause), 0);
    ck_assert_uint_eq(k, 3);
    ck_assert_uint_eq(n, 4);
    ck_assert_int_eq(shard_of(slurm1, 4, &k, &n, &cause), 0);
    /* 0-based arrays, and Slurm wins over a PARALLEL_SEQ inherited from outside */
    ck_assert_int_eq(shard_of(slurm0, 0, &k, &n, &cause), 0);
    ck_assert_uint_eq(k, 1);
    ck_assert_uint_eq(n, 10);
    ck_assert_int_eq(shard_of(slurm1, 5, &k, &n, &cause), -1);
    ck_assert_msg(strstr(cause, "--shards 5, but the Slurm array has 4 tasks") != NULL, "%s",
        cause);
    free(cause);
    ck_assert_int_eq(shard_of(stepped, 0, &k, &n, &cause), -1);
    ck_assert_msg(strstr(cause, "has step 2") != NULL, "%s", cause);
    free(cause);
    ck_assert_int_eq(shard_of(sparse, 0, &k, &n, &cause), -1);
    ck_assert_msg(strstr(cause, "stepped or sparse") != NULL, "%s", cause);
    free(cause);
    ck_assert_int_eq(shard_of(k8s, 0, &k, &n, &cause), -1);
    ck_assert_msg(strstr(cause, "needs --shards N") != NULL, "%s", cause);
    free(cause);
    ck_assert_int_eq(shard_of(k8s, 3, &k, &n, &cause), 0);
    ck_assert_uint_eq(k, 1);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(shard_of(par, 4, &k, &n, &cause), 0);
    ck_assert_uint_eq(k, 4);
    ck_assert_uint_eq(n, 4);
    ck_assert_int_eq(shard_of(par, 3, &k, &n, &cause), -1);
    ck_assert_msg(strstr(cause, "PARALLEL_SEQ 4 is not in 1..3") != NULL, "%s", cause);
    free(cause);
    ck_assert_int_eq(shard_of(bad, 3, &k, &n, &cause), -1);
    ck_assert_msg(strstr(cause, "PARALLEL_SEQ='x' is not a task number") != NULL, "%s", cause);
    free(cause);
    ck_assert_int_eq(shard_of(none, 3, &k, &n, &cause), -1);
    ck_assert_msg(strstr(cause, "none of SLURM_ARRAY_TASK_ID") != NULL, "%s", cause);
    free(cause);
}
END_TEST

START_TEST(test_engine_file_errors)
{
    static const struct {
        const char *text, *expect;
    } cases[] = {
        { "a.pgm,1,2\nb.pgm,1\n", "desc.csv:2: 1 values, but earlier lines have 2" },
        { "a.pgm,1,x\n", "desc.csv:1: field 3: 'x' is not a number" },
        { "a.pgm,1\na.pgm,2\n", "desc.csv:2: 'a.pgm' appears twice" },
        { "# only a comment\n", "desc.csv: no descriptors" },
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *p = path_join(tmp, "desc.csv"), *cause = NULL;

        ck_assert_int_eq(fs_write_atomic(p, cases[i].text, strlen(cases[i].text), 0600, &cause),
            0);
        ck_assert(eval_engine_files(p, NULL, &cause) == NULL);
        ck_assert_msg(strstr(cause, cases[i].expect) != NULL, "got \"%s\"", cause);
        free(cause);
        free(p);
    }
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
    tcase_add_test(tc, test_fold_accuracy);
    tcase_add_test(tc, test_groups);
    tcase_add_test(tc, test_bootstrap);
    suite_add_tcase(s, tc);
    tc = tcase_create("runs");
    tcase_add_checked_fixture(tc, run_setup, run_teardown);
    tcase_add_test(tc, test_run_store_shards);
    tcase_add_test(tc, test_engine_file_errors);
    tcase_add_test(tc, test_shard_auto);
    tcase_add_test(tc, test_populations);
    suite_add_tcase(s, tc);
    return s;
}
