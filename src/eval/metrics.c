/* SPDX-License-Identifier: MIT */
/*
 * metrics.c - the ISO/IEC 19795-1 figures as pure functions over score
 * arrays: FMR/FNMR at a threshold, operating points at target FMRs, EER
 * with its bracket, DET/ROC points, AUC, d', histograms, FNIR/FPIR/CMC,
 * detection matching and average precision, Wilson intervals and the
 * subject-level bootstrap. Scores are distances (eval.h states the
 * comparison direction and how ties and failures count).
 */
#include "config.h"

#include "faceaudit/eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/rng.h"
#include "faceaudit/xmalloc.h"

void
eval_wilson(uint64_t k, uint64_t n, struct eval_rate *r)
{
    double p, z = EVAL_Z95, z2 = z * z, dn, denom, centre, half;

    r->k = k;
    r->n = n;
    if (n == 0) {
        r->value = r->lo = r->hi = NAN;
        return;
    }
    dn = (double)n;
    p = (double)k / dn;
    denom = 1.0 + z2 / dn;
    centre = (p + z2 / (2.0 * dn)) / denom;
    half = z * sqrt(p * (1.0 - p) / dn + z2 / (4.0 * dn * dn)) / denom;
    r->value = p;
    r->lo = k == 0 ? 0.0 : fmax(0.0, centre - half);
    r->hi = k == n ? 1.0 : fmin(1.0, centre + half);
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

void
eval_scores_init(struct eval_scores *s, const double *v, size_t n)
{
    size_t i;

    s->n = 0;
    s->nfail = 0;
    s->v = n > 0 ? xmalloc(n * sizeof *s->v) : NULL;
    for (i = 0; i < n; i++) {
        if (isnan(v[i]))
            s->nfail++;
        else
            s->v[s->n++] = v[i];
    }
    if (s->n > 1)
        qsort(s->v, s->n, sizeof *s->v, cmp_double);
}

void
eval_scores_done(struct eval_scores *s)
{
    free(s->v);
    memset(s, 0, sizeof *s);
}

size_t
eval_count_le(const struct eval_scores *s, double t)
{
    size_t lo = 0, hi = s->n;

    /* first index with v > t */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (s->v[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Number of scores strictly below t. */
static size_t
count_lt(const struct eval_scores *s, double t)
{
    size_t lo = 0, hi = s->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (s->v[mid] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void
eval_fmr(const struct eval_scores *imp, double t, struct eval_rate *r)
{
    eval_wilson(eval_count_le(imp, t), imp->n + imp->nfail, r);
}

void
eval_fnmr(const struct eval_scores *gen, double t, struct eval_rate *r)
{
    eval_wilson(gen->n - eval_count_le(gen, t) + gen->nfail, gen->n + gen->nfail, r);
}

/* FNMR when accepting distances strictly below c. */
static void
fnmr_strict(const struct eval_scores *gen, double c, struct eval_rate *r)
{
    eval_wilson(gen->n - count_lt(gen, c) + gen->nfail, gen->n + gen->nfail, r);
}

void
eval_op_zero_fmr(const struct eval_scores *gen, const struct eval_scores *imp,
    struct eval_op *op)
{
    memset(op, 0, sizeof *op);
    op->target = 0;
    op->needed = 1;
    op->supported = imp->n + imp->nfail > 0;
    if (!op->supported) {
        op->threshold = NAN;
        eval_wilson(0, 0, &op->fmr);
        eval_wilson(0, 0, &op->fnmr);
        return;
    }
    if (imp->n == 0) {
        /* every impostor comparison failed: nothing is ever falsely accepted */
        op->threshold = INFINITY;
        eval_fmr(imp, INFINITY, &op->fmr);
        eval_fnmr(gen, INFINITY, &op->fnmr);
        return;
    }
    op->strict = true;
    op->threshold = imp->v[0];
    eval_wilson(0, imp->n + imp->nfail, &op->fmr);
    fnmr_strict(gen, imp->v[0], &op->fnmr);
}

void
eval_op_at_fmr(const struct eval_scores *gen, const struct eval_scores *imp, double target,
    struct eval_op *op)
{
    uint64_t n = imp->n + imp->nfail, kmax;
    size_t k;

    memset(op, 0, sizeof *op);
    op->target = target;
    op->needed = (uint64_t)ceil(1.0 / target - 1e-9);
    op->supported = n >= op->needed;
    if (!op->supported) {
        op->threshold = NAN;
        eval_wilson(0, 0, &op->fmr);
        eval_wilson(0, 0, &op->fnmr);
        return;
    }
    /* The most false matches the target allows (guard 1e-2 * 100 = 0.99999...). */
    kmax = (uint64_t)floor(target * (double)n + 1e-9);
    if (kmax >= imp->n) {
        op->threshold = INFINITY;
        eval_fmr(imp, INFINITY, &op->fmr);
        eval_fnmr(gen, INFINITY, &op->fnmr);
        return;
    }
    /* Largest k <= kmax that does not split a tie: v[k-1] < v[k]. */
    k = (size_t)kmax;
    while (k > 0 && !(imp->v[k - 1] < imp->v[k]))
        k--;
    if (k == 0) {
        op->strict = true;
        op->threshold = imp->v[0];
        eval_wilson(0, n, &op->fmr);
        fnmr_strict(gen, imp->v[0], &op->fnmr);
        return;
    }
    op->threshold = imp->v[k - 1];
    eval_fmr(imp, op->threshold, &op->fmr);
    eval_fnmr(gen, op->threshold, &op->fnmr);
}

/* Merged distinct thresholds of both classes, ascending; returns the count. */
static size_t
distinct_thresholds(const struct eval_scores *gen, const struct eval_scores *imp, double **out)
{
    size_t i = 0, j = 0, n = 0;
    double *t = xmalloc((gen->n + imp->n + 1) * sizeof *t);

    while (i < gen->n || j < imp->n) {
        double v;

        if (j >= imp->n || (i < gen->n && gen->v[i] <= imp->v[j]))
            v = gen->v[i++];
        else
            v = imp->v[j++];
        if (n == 0 || v > t[n - 1])
            t[n++] = v;
    }
    *out = t;
    return n;
}

static double
rate_of(size_t k, size_t n)
{
    return n == 0 ? NAN : (double)k / (double)n;
}

void
eval_eer(const struct eval_scores *gen, const struct eval_scores *imp, struct eval_eer *e)
{
    size_t ng = gen->n + gen->nfail, ni = imp->n + imp->nfail, nt, i;
    double *t, fmr_a, fnmr_a, fmr_b, fnmr_b, ta;

    memset(e, 0, sizeof *e);
    e->eer = e->low = e->high = e->t_low = e->t_high = NAN;
    if (ng == 0 || ni == 0)
        return;
    nt = distinct_thresholds(gen, imp, &t);
    /* point A starts below every score: nothing accepted */
    fmr_a = 0.0;
    fnmr_a = 1.0;
    ta = -INFINITY;
    for (i = 0; i < nt; i++) {
        fmr_b = rate_of(eval_count_le(imp, t[i]), ni);
        fnmr_b = rate_of(gen->n - eval_count_le(gen, t[i]) + gen->nfail, ng);
        if (fmr_b >= fnmr_b) {
            double d = (fmr_b - fmr_a) - (fnmr_b - fnmr_a);

            e->defined = true;
            e->t_low = ta;
            e->t_high = t[i];
            e->low = fmax(fmr_a, fnmr_b);
            e->high = fmin(fnmr_a, fmr_b);
            /* segment A->B crosses FMR = FNMR at s: fmr_a + s dx = fnmr_a + s dy */
            e->eer = d > 0 ? fmr_a + (fnmr_a - fmr_a) / d * (fmr_b - fmr_a) : fmr_b;
            if (e->eer < e->low)
                e->eer = e->low;
            if (e->eer > e->high)
                e->eer = e->high;
            break;
        }
        fmr_a = fmr_b;
        fnmr_a = fnmr_b;
        ta = t[i];
    }
    free(t);
}

size_t
eval_det(const struct eval_scores *gen, const struct eval_scores *imp, size_t maxpts,
    struct eval_point **pts)
{
    size_t ng = gen->n + gen->nfail, ni = imp->n + imp->nfail, nt, i, n;
    double *t;
    struct eval_point *p;

    *pts = NULL;
    if (ng == 0 || ni == 0)
        return 0;
    nt = distinct_thresholds(gen, imp, &t);
    if (nt == 0) {
        free(t);
        return 0;
    }
    n = maxpts < 2 || nt <= maxpts ? nt : maxpts;
    p = xmalloc(n * sizeof *p);
    for (i = 0; i < n; i++) {
        /* evenly spaced ranks, first and last included */
        size_t r = n == nt ? i : (size_t)((double)i * (double)(nt - 1) / (double)(n - 1) + 0.5);

        p[i].t = t[r];
        p[i].fmr = rate_of(eval_count_le(imp, t[r]), ni);
        p[i].fnmr = rate_of(gen->n - eval_count_le(gen, t[r]) + gen->nfail, ng);
    }
    free(t);
    *pts = p;
    return n;
}

double
eval_auc(const struct eval_scores *gen, const struct eval_scores *imp)
{
    size_t ng = gen->n + gen->nfail, ni = imp->n + imp->nfail, nt, i;
    double *t, auc = 0, x0 = 0, y0 = 0;

    if (ng == 0 || ni == 0)
        return NAN;
    nt = distinct_thresholds(gen, imp, &t);
    for (i = 0; i < nt; i++) {
        double x = rate_of(eval_count_le(imp, t[i]), ni);
        double y = rate_of(eval_count_le(gen, t[i]), ng);   /* TAR */

        auc += (x - x0) * (y + y0) / 2.0;
        x0 = x;
        y0 = y;
    }
    /* to (1, TAR max): failed impostors never match, failed genuines never accept */
    auc += (1.0 - x0) * (y0 + y0) / 2.0;
    free(t);
    return auc;
}

static void
mean_sd(const struct eval_scores *s, double *mean, double *sd)
{
    double m = 0, q = 0;
    size_t i;

    *mean = *sd = NAN;
    if (s->n == 0)
        return;
    for (i = 0; i < s->n; i++)
        m += s->v[i];
    m /= (double)s->n;
    *mean = m;
    if (s->n < 2)
        return;
    for (i = 0; i < s->n; i++)
        q += (s->v[i] - m) * (s->v[i] - m);
    *sd = sqrt(q / (double)(s->n - 1));
}

double
eval_dprime(const struct eval_scores *gen, const struct eval_scores *imp)
{
    double mg, sg, mi, si, d;

    mean_sd(gen, &mg, &sg);
    mean_sd(imp, &mi, &si);
    if (isnan(sg) || isnan(si))
        return NAN;
    d = sqrt((sg * sg + si * si) / 2.0);
    if (!(d > 0))
        return NAN;
    return fabs(mg - mi) / d;
}

void
eval_histogram(const struct eval_scores *gen, const struct eval_scores *imp, double width,
    size_t maxbins, struct eval_hist *h)
{
    double hi = 0;
    size_t i, nb;

    if (gen->n > 0)
        hi = gen->v[gen->n - 1];
    if (imp->n > 0 && imp->v[imp->n - 1] > hi)
        hi = imp->v[imp->n - 1];
    nb = (size_t)floor(hi / width) + 1;
    if (nb > maxbins)
        nb = maxbins;
    if (nb < 1)
        nb = 1;
    h->width = width;
    h->nbins = nb;
    h->gen = xcalloc(nb, sizeof *h->gen);
    h->imp = xcalloc(nb, sizeof *h->imp);
    for (i = 0; i < gen->n; i++) {
        double b = floor(gen->v[i] / width);

        h->gen[b < 0 ? 0 : b >= (double)nb ? nb - 1 : (size_t)b]++;
    }
    for (i = 0; i < imp->n; i++) {
        double b = floor(imp->v[i] / width);

        h->imp[b < 0 ? 0 : b >= (double)nb ? nb - 1 : (size_t)b]++;
    }
}

void
eval_hist_done(struct eval_hist *h)
{
    free(h->gen);
    free(h->imp);
    memset(h, 0, sizeof *h);
}

/* --- identification ---------------------------------------------------------- */

void
eval_fnir(const struct eval_search *s, size_t n, size_t rank, double t, struct eval_rate *r)
{
    uint64_t miss = 0, mated = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (!s[i].mated)
            continue;
        mated++;
        if (!(s[i].mate_rank >= 1 && s[i].mate_rank <= rank && s[i].mate_score <= t))
            miss++;
    }
    eval_wilson(miss, mated, r);
}

void
eval_fpir(const struct eval_search *s, size_t n, double t, struct eval_rate *r)
{
    uint64_t fp = 0, nonmated = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i].mated)
            continue;
        nonmated++;
        if (!isnan(s[i].top_score) && s[i].top_score <= t)
            fp++;
    }
    eval_wilson(fp, nonmated, r);
}

void
eval_cmc(const struct eval_search *s, size_t n, size_t maxrank, double *out)
{
    uint64_t mated = 0, *hits = xcalloc(maxrank + 1, sizeof *hits);
    size_t i, k;

    for (i = 0; i < n; i++) {
        if (!s[i].mated)
            continue;
        mated++;
        if (s[i].mate_rank >= 1 && s[i].mate_rank <= maxrank)
            hits[s[i].mate_rank]++;
    }
    for (k = 1; k <= maxrank; k++) {
        hits[k] += hits[k - 1];
        out[k - 1] = rate_of(hits[k], mated);
    }
    free(hits);
}

/* --- detection --------------------------------------------------------------- */

double
eval_iou(const struct ds_box *a, const struct ds_box *b)
{
    double x0 = fmax(a->x, b->x), y0 = fmax(a->y, b->y);
    double x1 = fmin(a->x + a->w, b->x + b->w), y1 = fmin(a->y + a->h, b->y + b->h);
    double inter, uni;

    if (a->w <= 0 || a->h <= 0 || b->w <= 0 || b->h <= 0 || x1 <= x0 || y1 <= y0)
        return 0.0;
    inter = (x1 - x0) * (y1 - y0);
    uni = a->w * a->h + b->w * b->h - inter;
    return inter / uni;
}

size_t
eval_match_boxes(const struct ds_box *gt, size_t ngt, const struct ds_box *det, size_t ndet,
    double iou_min, int *match)
{
    bool *used = ngt > 0 ? xcalloc(ngt, sizeof *used) : NULL;
    size_t i, j, tp = 0;

    for (i = 0; i < ndet; i++) {
        double best = -1;
        size_t bj = 0;

        /* real boxes first; an ignore box only absorbs what matches nothing else */
        for (j = 0; j < ngt; j++) {
            double iou;

            if (used[j] || gt[j].ignore)
                continue;
            iou = eval_iou(&det[i], &gt[j]);
            if (iou >= iou_min && iou > best) {
                best = iou;
                bj = j;
            }
        }
        if (best >= 0) {
            used[bj] = true;
            match[i] = 1;
            tp++;
            continue;
        }
        match[i] = 0;
        for (j = 0; j < ngt; j++) {
            if (gt[j].ignore && eval_iou(&det[i], &gt[j]) >= iou_min) {
                match[i] = -1;
                break;
            }
        }
    }
    free(used);
    return tp;
}

static int
cmp_det(const void *a, const void *b)
{
    const struct eval_detection *x = a, *y = b;

    /* descending confidence */
    return (x->conf < y->conf) - (x->conf > y->conf);
}

void
eval_ap(const struct eval_detection *d, size_t n, uint64_t npos, double *ap,
    struct eval_rate *precision, struct eval_rate *recall)
{
    struct eval_detection *s;
    double *prec, *rec;
    uint64_t tp = 0, fp = 0;
    size_t i, m = 0, j;
    double sum = 0;

    s = n > 0 ? xmemdup(d, n * sizeof *d) : NULL;
    if (n > 1)
        qsort(s, n, sizeof *s, cmp_det);
    prec = xmalloc((n + 2) * sizeof *prec);
    rec = xmalloc((n + 2) * sizeof *rec);
    /* one point per distinct confidence: ties enter together */
    for (i = 0; i < n; i = j) {
        for (j = i; j < n && !(s[j].conf < s[i].conf); j++) {
            if (s[j].match == 1)
                tp++;
            else if (s[j].match == 0)
                fp++;
        }
        if (tp + fp == 0)
            continue;
        rec[m] = npos > 0 ? (double)tp / (double)npos : NAN;
        prec[m] = (double)tp / (double)(tp + fp);
        m++;
    }
    eval_wilson(tp, tp + fp, precision);
    eval_wilson(tp, npos, recall);
    if (npos == 0) {
        *ap = NAN;
    } else {
        /* precision envelope, then area under the recall steps */
        for (i = m; i-- > 1;) {
            if (prec[i] > prec[i - 1])
                prec[i - 1] = prec[i];
        }
        for (i = 0; i < m; i++)
            sum += (rec[i] - (i > 0 ? rec[i - 1] : 0.0)) * prec[i];
        *ap = sum;
    }
    free(prec);
    free(rec);
    free(s);
}

/* --- k-fold accuracy ------------------------------------------------------------ */

struct fold_pt {
    double score;    /* +inf for a failed comparison: never accepted */
    bool genuine;
};

static int
cmp_fold_pt(const void *a, const void *b)
{
    double x = ((const struct fold_pt *)a)->score, y = ((const struct fold_pt *)b)->score;

    return (x > y) - (x < y);
}

void
eval_fold_accuracy(const struct eval_fold_cmp *c, size_t n, unsigned nfolds, double *acc,
    double *thr)
{
    struct fold_pt *pt = n > 0 ? xmalloc(n * sizeof *pt) : NULL;
    unsigned f;
    size_t i, j, m;

    for (f = 1; f <= nfolds; f++) {
        size_t ntest = 0, right = 0, nimp = 0, correct, best_correct;
        double best_t = -INFINITY;

        /* training comparisons sorted by distance */
        m = 0;
        for (i = 0; i < n; i++) {
            if (c[i].fold == f || c[i].fold < 1 || c[i].fold > nfolds)
                continue;
            pt[m].score = isnan(c[i].score) ? INFINITY : c[i].score;
            pt[m].genuine = c[i].genuine;
            nimp += !c[i].genuine;
            m++;
        }
        if (m > 1)
            qsort(pt, m, sizeof *pt, cmp_fold_pt);
        /* sweep: below every score all impostors are right, no genuine one */
        correct = best_correct = nimp;
        for (i = 0; i < m && !isinf(pt[i].score); i = j) {
            for (j = i; j < m && !(pt[j].score > pt[i].score); j++)
                correct = pt[j].genuine ? correct + 1 : correct - 1;
            if (correct > best_correct) {
                best_correct = correct;
                best_t = pt[i].score;
            }
        }
        for (i = 0; i < n; i++) {
            bool accepted;

            if (c[i].fold != f)
                continue;
            ntest++;
            accepted = !isnan(c[i].score) && c[i].score <= best_t;
            right += accepted == c[i].genuine;
        }
        acc[f - 1] = ntest > 0 && m > 0 ? (double)right / (double)ntest : NAN;
        thr[f - 1] = m > 0 ? best_t : NAN;
    }
    free(pt);
}

/* --- bootstrap --------------------------------------------------------------- */

static int
cmp_double_nan_last(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    if (isnan(x) || isnan(y))
        return isnan(x) - isnan(y);
    return (x > y) - (x < y);
}

/* Percentile interval of reps values (NaNs dropped). */
static void
percentile_ci(double *v, size_t reps, double ci[2])
{
    size_t n = 0, i;

    qsort(v, reps, sizeof *v, cmp_double_nan_last);
    for (i = 0; i < reps; i++)
        n += !isnan(v[i]);
    if (n == 0) {
        ci[0] = ci[1] = NAN;
        return;
    }
    ci[0] = v[(size_t)floor(0.025 * (double)(n - 1) + 0.5)];
    ci[1] = v[(size_t)floor(0.975 * (double)(n - 1) + 0.5)];
}

struct boot_cell {
    uint64_t key;      /* sa * nsubjects + sb */
    uint64_t tot, acc;
};

static int
cmp_cell(const void *a, const void *b)
{
    uint64_t x = ((const struct boot_cell *)a)->key, y = ((const struct boot_cell *)b)->key;

    return (x > y) - (x < y);
}

void
eval_bootstrap(const struct eval_cmp *c, size_t n, size_t nsubjects, double t, unsigned reps,
    uint64_t seed, double fmr[2], double fnmr[2])
{
    /* Aggregate by subject pair (sparse), so a replicate costs the number of
     * distinct pairs, not of comparisons. */
    struct boot_cell *cells;
    uint64_t *gacc, *gtot, *w;
    double *vf, *vn;
    struct rng r;
    size_t i, j, ncells = 0;
    unsigned rep;

    fmr[0] = fmr[1] = fnmr[0] = fnmr[1] = NAN;
    if (nsubjects == 0 || reps == 0 || n == 0)
        return;
    gacc = xcalloc(nsubjects, sizeof *gacc);
    gtot = xcalloc(nsubjects, sizeof *gtot);
    cells = xmalloc(n * sizeof *cells);
    for (i = 0; i < n; i++) {
        bool acc = !isnan(c[i].score) && c[i].score <= t;

        if (c[i].sa >= nsubjects || c[i].sb >= nsubjects)
            continue;
        if (c[i].genuine) {
            gtot[c[i].sa]++;
            gacc[c[i].sa] += acc;
        } else {
            cells[ncells].key = (uint64_t)c[i].sa * nsubjects + c[i].sb;
            cells[ncells].tot = 1;
            cells[ncells].acc = acc;
            ncells++;
        }
    }
    if (ncells > 1)
        qsort(cells, ncells, sizeof *cells, cmp_cell);
    for (i = 0, j = 0; i < ncells; i++) {
        if (j > 0 && cells[j - 1].key == cells[i].key) {
            cells[j - 1].tot += cells[i].tot;
            cells[j - 1].acc += cells[i].acc;
        } else
            cells[j++] = cells[i];
    }
    ncells = j;
    w = xcalloc(nsubjects, sizeof *w);
    vf = xmalloc(reps * sizeof *vf);
    vn = xmalloc(reps * sizeof *vn);
    rng_seed(&r, seed);
    for (rep = 0; rep < reps; rep++) {
        uint64_t gn = 0, ga = 0, in = 0, ia = 0;

        memset(w, 0, nsubjects * sizeof *w);
        for (i = 0; i < nsubjects; i++)
            w[rng_below(&r, nsubjects)]++;
        for (i = 0; i < nsubjects; i++) {
            gn += w[i] * gtot[i];
            ga += w[i] * gacc[i];
        }
        for (i = 0; i < ncells; i++) {
            uint64_t ww = w[cells[i].key / nsubjects] * w[cells[i].key % nsubjects];

            in += ww * cells[i].tot;
            ia += ww * cells[i].acc;
        }
        vf[rep] = in > 0 ? (double)ia / (double)in : NAN;
        vn[rep] = gn > 0 ? (double)(gn - ga) / (double)gn : NAN;
    }
    percentile_ci(vf, reps, fmr);
    percentile_ci(vn, reps, fnmr);
    free(w);
    free(vf);
    free(vn);
    free(gacc);
    free(gtot);
    free(cells);
}

void
eval_populations(const struct eval_scores *gen, const struct eval_scores *imp, double t,
    const struct eval_eer *eer, struct eval_populations *p)
{
    struct eval_scores g = *gen, i = *imp;
    uint64_t gacc = eval_count_le(gen, t), iacc = eval_count_le(imp, t);
    uint64_t gn = gen->n, in = imp->n;

    memset(p, 0, sizeof *p);
    p->gen_fail = gen->nfail;
    p->imp_fail = imp->nfail;
    eval_wilson(gn - gacc + gen->nfail, gn + gen->nfail, &p->fnmr_err);
    eval_wilson(iacc + imp->nfail, in + imp->nfail, &p->fmr_err);
    eval_wilson(gacc + (in - iacc), gn + gen->nfail + in + imp->nfail, &p->acc_err);
    eval_wilson(gn - gacc, gn, &p->fnmr_acq);
    eval_wilson(iacc, in, &p->fmr_acq);
    eval_wilson(gacc + (in - iacc), gn + in, &p->acc_acq);
    g.nfail = 0;
    i.nfail = 0;
    eval_eer(&g, &i, &p->eer_acq);
    p->fnmr_floor = gn + gen->nfail > 0 ? (double)gen->nfail / (double)(gn + gen->nfail) : 0;
    p->eer_floor = gen->nfail > 0 && eer != NULL && eer->defined &&
        (!p->eer_acq.defined || eer->eer > p->eer_acq.eer);
}
