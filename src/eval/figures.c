/* SPDX-License-Identifier: MIT */
/*
 * figures.c - every figure of a result set, and its canonical JSON. The
 * figures depend only on the items (outcome, subject, attributes), the
 * records in idx order and the parameters that define the figures
 * (threshold, seed, bootstrap replicates): never on how the work was
 * sharded, so a merge of shards gives byte-identical JSON.
 */
#include "config.h"

#include "faceaudit/eval.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/jsonw.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "eval_int.h"

const double eval_targets[EVAL_NTARGETS] = { 1e-2, 1e-3, 1e-4, 1e-5, 1e-6 };

#define HIST_WIDTH 0.05
#define HIST_MAXBINS 60
#define DET_MAXPTS 200

static void
ratio_of(const struct eval_group *g, size_t ng, const char *kind, bool fmr,
    struct eval_ratio *r)
{
    size_t i, known = 0;

    memset(r, 0, sizeof *r);
    r->max = -INFINITY;
    r->min = INFINITY;
    for (i = 0; i < ng; i++) {
        const struct eval_rate *rate = fmr ? &g[i].fmr : &g[i].fnmr;

        if (strcmp(g[i].kind, kind) != 0 || g[i].label[0] == '\0' || rate->n == 0)
            continue;
        known++;
        r->max = fmax(r->max, rate->value);
        r->min = fmin(r->min, rate->value);
    }
    if (known < 2) {
        r->max = r->min = r->ratio = r->gap = NAN;
        return;
    }
    r->defined = true;
    r->gap = r->max - r->min;
    r->ratio = r->min > 0 ? r->max / r->min : r->max > 0 ? INFINITY : 1.0;
}

/* Group by an item attribute: comparisons count when both sides share the label. */
static void
group_figures(const struct eval_result *res, struct eval_figures *f, const char *kind,
    size_t off)
{
    const char *labels[16];
    size_t nl = 0, i, l;

    for (i = 0; i < res->nitems; i++) {
        const char *v = (const char *)&res->items[i] + off;
        bool have = false;

        for (l = 0; l < nl; l++)
            have = have || strcmp(labels[l], v) == 0;
        if (!have && nl < FA_NITEMS(labels))
            labels[nl++] = v;
    }
    /* stable label order: sorted */
    for (i = 1; i < nl; i++) {
        for (l = i; l > 0 && strcmp(labels[l - 1], labels[l]) > 0; l--) {
            const char *t = labels[l];

            labels[l] = labels[l - 1];
            labels[l - 1] = t;
        }
    }
    if (nl == 1 && labels[0][0] == '\0')
        return;   /* attribute not labelled at all */
    for (l = 0; l < nl; l++) {
        uint64_t gk = 0, gn = 0, ik = 0, in = 0;
        struct eval_group *g;

        for (i = 0; i < res->nrecs; i++) {
            const struct eval_rec *r = &res->recs[i];
            const char *va, *vb;
            bool acc;

            if (r->kind != 'g' && r->kind != 'i')
                continue;
            va = (const char *)&res->items[r->a] + off;
            vb = (const char *)&res->items[r->b] + off;
            if (strcmp(va, labels[l]) != 0 || strcmp(vb, labels[l]) != 0)
                continue;
            acc = !isnan(r->score) && r->score <= f->threshold;
            if (r->kind == 'g') {
                gn++;
                gk += !acc;
            } else {
                in++;
                ik += acc;
            }
        }
        f->groups = xreallocarray(f->groups, f->ngroups + 1, sizeof *f->groups);
        g = &f->groups[f->ngroups++];
        memset(g, 0, sizeof *g);
        snprintf(g->kind, sizeof g->kind, "%s", kind);
        snprintf(g->label, sizeof g->label, "%s", labels[l]);
        eval_wilson(ik, in, &g->fmr);
        eval_wilson(gk, gn, &g->fnmr);
    }
}

static void
verify_figures(const struct eval_result *res, struct eval_figures *f)
{
    double *gv = NULL, *iv = NULL;
    size_t ng = 0, ni = 0, i;
    struct eval_scores gen, imp;
    struct eval_cmp *cmps = NULL;

    if (res->nrecs > 0) {
        gv = xmalloc(res->nrecs * sizeof *gv);
        iv = xmalloc(res->nrecs * sizeof *iv);
        cmps = xmalloc(res->nrecs * sizeof *cmps);
    }
    for (i = 0; i < res->nrecs; i++) {
        const struct eval_rec *r = &res->recs[i];

        if (r->kind == 'g')
            gv[ng++] = r->score;
        else if (r->kind == 'i')
            iv[ni++] = r->score;
        else
            continue;
        cmps[ng + ni - 1].sa = res->items[r->a].subj;
        cmps[ng + ni - 1].sb = res->items[r->b].subj;
        cmps[ng + ni - 1].genuine = r->kind == 'g';
        cmps[ng + ni - 1].score = r->score;
    }
    eval_scores_init(&gen, gv, ng);
    eval_scores_init(&imp, iv, ni);
    eval_fmr(&imp, f->threshold, &f->fmr);
    eval_fnmr(&gen, f->threshold, &f->fnmr);
    f->fmr_boot[0] = f->fmr_boot[1] = f->fnmr_boot[0] = f->fnmr_boot[1] = NAN;
    if (res->params.bootstrap > 0)
        eval_bootstrap(cmps, ng + ni, res->nsubjects, f->threshold, res->params.bootstrap,
            res->params.seed, f->fmr_boot, f->fnmr_boot);
    for (i = 0; i < EVAL_NTARGETS; i++)
        eval_op_at_fmr(&gen, &imp, eval_targets[i], &f->ops[i]);
    eval_op_zero_fmr(&gen, &imp, &f->zero_fmr);
    eval_eer(&gen, &imp, &f->eer);
    eval_populations(&gen, &imp, f->threshold, &f->eer, &f->pop);
    f->dprime = eval_dprime(&gen, &imp);
    {
        /* d' reads finite scores only: AUC on the same, acquired, comparisons */
        struct eval_scores ga = gen, ia = imp;

        ga.nfail = ia.nfail = 0;
        f->auc = eval_auc(&ga, &ia);
    }
    {
        struct eval_scores *s[2] = { &gen, &imp };
        double *mean[2] = { &f->gen_mean, &f->imp_mean }, *sd[2] = { &f->gen_sd, &f->imp_sd };
        size_t k, j;

        for (k = 0; k < 2; k++) {
            double m = 0, q = 0;

            *mean[k] = *sd[k] = NAN;
            if (s[k]->n == 0)
                continue;
            for (j = 0; j < s[k]->n; j++)
                m += s[k]->v[j];
            m /= (double)s[k]->n;
            *mean[k] = m;
            if (s[k]->n < 2)
                continue;
            for (j = 0; j < s[k]->n; j++)
                q += (s[k]->v[j] - m) * (s[k]->v[j] - m);
            *sd[k] = sqrt(q / (double)(s[k]->n - 1));
        }
    }
    f->ndet = eval_det(&gen, &imp, DET_MAXPTS, &f->det);
    eval_histogram(&gen, &imp, HIST_WIDTH, HIST_MAXBINS, &f->hist);
    /* listed folds (LFW): k-fold accuracy */
    {
        struct eval_fold_cmp *fc = res->nrecs > 0 ? xmalloc(res->nrecs * sizeof *fc) : NULL;
        size_t n = 0;
        unsigned maxfold = 0;

        for (i = 0; i < res->nrecs; i++) {
            const struct eval_rec *r = &res->recs[i];

            if ((r->kind != 'g' && r->kind != 'i') || !(r->extra >= 1 && r->extra <= 1e6))
                continue;
            fc[n].genuine = r->kind == 'g';
            fc[n].score = r->score;
            fc[n].fold = (unsigned)r->extra;
            maxfold = FA_MAX(maxfold, fc[n].fold);
            n++;
        }
        if (maxfold >= 2) {
            double m = 0, q = 0;
            unsigned k, used = 0;

            f->nfolds = maxfold;
            f->fold_acc = xmalloc(maxfold * sizeof *f->fold_acc);
            f->fold_t = xmalloc(maxfold * sizeof *f->fold_t);
            eval_fold_accuracy(fc, n, maxfold, f->fold_acc, f->fold_t);
            for (k = 0; k < maxfold; k++) {
                if (!isnan(f->fold_acc[k])) {
                    m += f->fold_acc[k];
                    used++;
                }
            }
            f->acc_mean = used > 0 ? m / used : NAN;
            for (k = 0; k < maxfold; k++) {
                if (!isnan(f->fold_acc[k]))
                    q += (f->fold_acc[k] - f->acc_mean) * (f->fold_acc[k] - f->acc_mean);
            }
            f->acc_sd = used > 1 ? sqrt(q / (used - 1)) : NAN;
        }
        free(fc);
    }
    group_figures(res, f, "age", offsetof(struct eval_item, age_band));
    group_figures(res, f, "sex", offsetof(struct eval_item, sex));
    ratio_of(f->groups, f->ngroups, "age", true, &f->age_fmr);
    ratio_of(f->groups, f->ngroups, "age", false, &f->age_fnmr);
    ratio_of(f->groups, f->ngroups, "sex", true, &f->sex_fmr);
    ratio_of(f->groups, f->ngroups, "sex", false, &f->sex_fnmr);
    eval_scores_done(&gen);
    eval_scores_done(&imp);
    free(gv);
    free(iv);
    free(cmps);
}

static void
identify_figures(const struct eval_result *res, struct eval_figures *f)
{
    struct eval_search *s = res->nrecs > 0 ? xmalloc(res->nrecs * sizeof *s) : NULL;
    size_t n = 0, i, ncmc;
    uint8_t *enrol = res->nsubjects > 0 ? xcalloc(res->nsubjects, 1) : NULL;
    uint64_t attempted = 0, failed = 0;

    /* enrolment: 1 attempted, 2 enrolled (at least one gallery image acquired) */
    for (i = 0; i < res->nitems; i++) {
        const struct eval_item *it = &res->items[i];

        if (it->role != EVAL_ROLE_GALLERY || it->subj == UINT32_MAX)
            continue;
        if (enrol[it->subj] == 0)
            enrol[it->subj] = 1;
        if (it->status == EVAL_OK)
            enrol[it->subj] = 2;
    }
    for (i = 0; i < res->nsubjects; i++) {
        attempted += enrol[i] != 0;
        failed += enrol[i] == 1;
        f->gallery_n += enrol[i] == 2;
    }
    eval_wilson(failed, attempted, &f->fte);
    for (i = 0; i < res->nrecs; i++) {
        const struct eval_rec *r = &res->recs[i];

        if (r->kind != 'm' && r->kind != 'n')
            continue;
        s[n].mated = r->kind == 'm';
        s[n].mate_rank = r->b > 0 ? (size_t)r->b : 0;
        s[n].mate_score = r->score;
        s[n].top_score = r->extra;
        f->mated += s[n].mated;
        f->nonmated += !s[n].mated;
        n++;
    }
    ncmc = f->gallery_n < EVAL_MAXRANK ? f->gallery_n : EVAL_MAXRANK;
    f->ncmc = ncmc;
    if (ncmc > 0)
        eval_cmc(s, n, ncmc, f->cmc);
    eval_fnir(s, n, 1, INFINITY, &f->fnir_r1);
    eval_fnir(s, n, 1, f->threshold, &f->fnir_r1_t);
    eval_fpir(s, n, f->threshold, &f->fpir_t);
    free(s);
    free(enrol);
}

static void
detect_figures(const struct eval_result *res, struct eval_figures *f)
{
    struct eval_detection *d = res->nrecs > 0 ? xmalloc(res->nrecs * sizeof *d) : NULL;
    size_t n = 0, i;

    for (i = 0; i < res->nitems; i++) {
        if (res->items[i].status != EVAL_SKIPPED)
            f->ngt += res->items[i].ngt;
    }
    for (i = 0; i < res->nrecs; i++) {
        if (res->recs[i].kind != 'd')
            continue;
        d[n].conf = res->recs[i].score;
        d[n].match = (int)res->recs[i].b;
        n++;
    }
    f->ndets = n;
    eval_ap(d, n, f->ngt, &f->ap, &f->precision, &f->recall);
    free(d);
}

void
eval_figures_compute(const struct eval_result *res, struct eval_figures *f)
{
    uint64_t fta = 0;
    size_t i;

    memset(f, 0, sizeof *f);
    f->protocol = res->params.protocol;
    f->threshold = res->params.threshold;
    f->images = res->nitems;
    for (i = 0; i < res->nitems; i++) {
        if (res->items[i].status == EVAL_SKIPPED)
            continue;
        f->attempted++;
        fta += eval_status_failed(res->items[i].status);
        if (ds_age_is_minor(res->items[i].age_band))
            f->minors++;
    }
    eval_wilson(fta, f->attempted, &f->fta);
    eval_wilson(0, 0, &f->fmr);
    eval_wilson(0, 0, &f->fnmr);
    eval_wilson(0, 0, &f->fte);
    eval_wilson(0, 0, &f->fnir_r1);
    eval_wilson(0, 0, &f->fnir_r1_t);
    eval_wilson(0, 0, &f->fpir_t);
    eval_wilson(0, 0, &f->precision);
    eval_wilson(0, 0, &f->recall);
    f->ap = f->dprime = f->auc = NAN;
    f->acc_mean = f->acc_sd = NAN;
    f->gen_mean = f->gen_sd = f->imp_mean = f->imp_sd = NAN;
    f->fmr_boot[0] = f->fmr_boot[1] = f->fnmr_boot[0] = f->fnmr_boot[1] = NAN;
    switch (res->params.protocol) {
    case EVAL_VERIFY:
        verify_figures(res, f);
        break;
    case EVAL_IDENTIFY:
        identify_figures(res, f);
        break;
    case EVAL_DETECT:
        detect_figures(res, f);
        break;
    }
}

void
eval_figures_done(struct eval_figures *f)
{
    free(f->det);
    free(f->groups);
    free(f->fold_acc);
    free(f->fold_t);
    eval_hist_done(&f->hist);
    memset(f, 0, sizeof *f);
}

/* --- canonical JSON (core's writer, compact) --------------------------------------- */

/* A figure: "%.10g"; NaN (undefined) is null, infinities the strings "inf" and "-inf". */
static void
jnum(struct jw *w, double v)
{
    if (isinf(v))
        jw_str(w, v > 0 ? "inf" : "-inf");
    else
        jw_double(w, v, 10);
}

static void
jpair(struct jw *w, const char *key, double a, double b)
{
    jw_key(w, key);
    jw_array(w, JW_INLINE);
    jnum(w, a);
    jnum(w, b);
    jw_array_end(w);
}

static void
jknum(struct jw *w, const char *key, double v)
{
    jw_key(w, key);
    jnum(w, v);
}

static void
jrate(struct jw *w, const char *key, const struct eval_rate *r)
{
    jw_key(w, key);
    jw_object(w, JW_INLINE);
    jw_kuint(w, "k", (unsigned long long)r->k);
    jw_kuint(w, "n", (unsigned long long)r->n);
    jknum(w, "value", r->value);
    jpair(w, "ci95", r->lo, r->hi);
    jw_object_end(w);
}

static void
jop(struct jw *w, const struct eval_op *op)
{
    jw_object(w, JW_INLINE);
    jknum(w, "target_fmr", op->target);
    jw_kbool(w, "supported", op->supported);
    jw_kuint(w, "impostors_needed", (unsigned long long)op->needed);
    jknum(w, "threshold", op->threshold);
    jw_kstr(w, "accept", op->strict ? "distance < threshold" : "distance <= threshold");
    jrate(w, "fmr", &op->fmr);
    jrate(w, "fnmr", &op->fnmr);
    jw_object_end(w);
}

static void
jratio(struct jw *w, const char *key, const struct eval_ratio *r)
{
    jw_key(w, key);
    jw_object(w, JW_INLINE);
    jw_kbool(w, "defined", r->defined);
    jknum(w, "max", r->max);
    jknum(w, "min", r->min);
    jknum(w, "max_over_min", r->ratio);
    jknum(w, "gap", r->gap);
    jw_object_end(w);
}

static void
jnums(struct jw *w, const char *key, const double *v, size_t n)
{
    size_t i;

    jw_key(w, key);
    jw_array(w, JW_INLINE);
    for (i = 0; i < n; i++)
        jnum(w, v[i]);
    jw_array_end(w);
}

static void
jcounts(struct jw *w, const char *key, const uint64_t *v, size_t n)
{
    size_t i;

    jw_key(w, key);
    jw_array(w, JW_INLINE);
    for (i = 0; i < n; i++)
        jw_uint(w, (unsigned long long)v[i]);
    jw_array_end(w);
}

/* "populations": the figures at the threshold with failures as errors and without them. */
static void
jpopulations(struct jw *w, const struct eval_populations *p)
{
    jw_key(w, "populations");
    jw_object(w, JW_INLINE);
    jw_kuint(w, "failed_genuine", (unsigned long long)p->gen_fail);
    jw_kuint(w, "failed_impostor", (unsigned long long)p->imp_fail);
    jknum(w, "fnmr_floor", p->fnmr_floor);
    jw_key(w, "failures_as_errors");
    jw_object(w, JW_INLINE);
    jrate(w, "accuracy", &p->acc_err);
    jrate(w, "fmr", &p->fmr_err);
    jrate(w, "fnmr", &p->fnmr_err);
    jw_object_end(w);
    jw_key(w, "acquired_only");
    jw_object(w, JW_INLINE);
    jrate(w, "accuracy", &p->acc_acq);
    jrate(w, "fmr", &p->fmr_acq);
    jrate(w, "fnmr", &p->fnmr_acq);
    jw_key(w, "eer");
    jw_object(w, JW_INLINE);
    jw_kbool(w, "defined", p->eer_acq.defined);
    jknum(w, "value", p->eer_acq.eer);
    jpair(w, "bracket", p->eer_acq.low, p->eer_acq.high);
    jw_object_end(w);
    jw_object_end(w);
    jw_object_end(w);
}

/*
 * Every image that failed to acquire, in dataset order, with its reason,
 * and the count per reason: "failures":{"count":N,"by_reason":{...},"images":[...]}.
 */
static void
jfailures(struct jw *w, const struct eval_result *res)
{
    size_t i, n = 0, by[EVAL_STATUS_MAX + 1] = { 0 };
    int st;

    for (i = 0; i < res->nitems; i++) {
        if (eval_status_failed(res->items[i].status)) {
            by[res->items[i].status <= EVAL_STATUS_MAX ? res->items[i].status : EVAL_FTA]++;
            n++;
        }
    }
    jw_key(w, "failures");
    jw_object(w, JW_INLINE);
    jw_kuint(w, "count", n);
    jw_key(w, "by_reason");
    jw_object(w, JW_INLINE);
    for (st = EVAL_FTA; st <= EVAL_STATUS_MAX; st++)
        if (by[st] > 0)
            jw_kuint(w, eval_status_reason(st), by[st]);
    jw_object_end(w);
    jw_key(w, "images");
    jw_array(w, JW_INLINE);
    for (i = 0; i < res->nitems; i++) {
        if (!eval_status_failed(res->items[i].status))
            continue;
        jw_object(w, JW_INLINE);
        jw_kstr(w, "path", res->items[i].rel);
        jw_kstr(w, "reason", eval_status_reason(res->items[i].status));
        jw_object_end(w);
    }
    jw_array_end(w);
    jw_object_end(w);
}

static void
verify_json(struct jw *w, const struct eval_result *res, const struct eval_figures *f)
{
    size_t i;

    jw_key(w, "verification");
    jw_object(w, JW_INLINE);
    jw_key(w, "at_threshold");
    jw_object(w, JW_INLINE);
    jrate(w, "fmr", &f->fmr);
    jrate(w, "fnmr", &f->fnmr);
    jw_key(w, "bootstrap");
    jw_object(w, JW_INLINE);
    jw_kuint(w, "replicates", res->params.bootstrap);
    jw_kbool(w, "subject_level", true);
    jpair(w, "fmr_ci95", f->fmr_boot[0], f->fmr_boot[1]);
    jpair(w, "fnmr_ci95", f->fnmr_boot[0], f->fnmr_boot[1]);
    jw_object_end(w);
    jw_object_end(w);
    jw_key(w, "fnmr_at_fmr");
    jw_array(w, JW_INLINE);
    for (i = 0; i < EVAL_NTARGETS; i++)
        jop(w, &f->ops[i]);
    jw_array_end(w);
    jw_key(w, "zero_fmr");
    jop(w, &f->zero_fmr);
    jw_key(w, "eer");
    jw_object(w, JW_INLINE);
    jw_kbool(w, "defined", f->eer.defined);
    jknum(w, "value", f->eer.eer);
    jpair(w, "bracket", f->eer.low, f->eer.high);
    jpair(w, "thresholds", f->eer.t_low, f->eer.t_high);
    jw_kbool(w, "set_by_failures", f->pop.eer_floor);
    jw_object_end(w);
    jpopulations(w, &f->pop);
    jw_kstr(w, "curves_population", "acquired comparisons");
    jknum(w, "dprime", f->dprime);
    jknum(w, "auc", f->auc);
    jw_key(w, "genuine");
    jw_object(w, JW_INLINE);
    jknum(w, "mean", f->gen_mean);
    jknum(w, "sd", f->gen_sd);
    jw_object_end(w);
    jw_key(w, "impostor");
    jw_object(w, JW_INLINE);
    jknum(w, "mean", f->imp_mean);
    jknum(w, "sd", f->imp_sd);
    jw_object_end(w);
    jw_key(w, "histogram");
    jw_object(w, JW_INLINE);
    jw_kdouble(w, "bin_width", f->hist.width, 6);
    jcounts(w, "genuine", f->hist.gen, f->hist.nbins);
    jcounts(w, "impostor", f->hist.imp, f->hist.nbins);
    jw_object_end(w);
    jw_key(w, "det");
    jw_array(w, JW_INLINE);
    for (i = 0; i < f->ndet; i++) {
        jw_array(w, JW_INLINE);
        jnum(w, f->det[i].t);
        jnum(w, f->det[i].fmr);
        jnum(w, f->det[i].fnmr);
        jw_array_end(w);
    }
    jw_array_end(w);
    jw_key(w, "groups");
    jw_array(w, JW_INLINE);
    for (i = 0; i < f->ngroups; i++) {
        jw_object(w, JW_INLINE);
        jw_kstr(w, "kind", f->groups[i].kind);
        jw_kstr(w, "label", f->groups[i].label[0] != '\0' ? f->groups[i].label : "unknown");
        jrate(w, "fmr", &f->groups[i].fmr);
        jrate(w, "fnmr", &f->groups[i].fnmr);
        jw_object_end(w);
    }
    jw_array_end(w);
    if (f->nfolds > 0) {
        jw_key(w, "folds");
        jw_object(w, JW_INLINE);
        jw_kuint(w, "n", f->nfolds);
        jnums(w, "accuracy", f->fold_acc, f->nfolds);
        jnums(w, "threshold", f->fold_t, f->nfolds);
        jknum(w, "mean", f->acc_mean);
        jknum(w, "sd", f->acc_sd);
        jw_object_end(w);
    }
    jw_key(w, "differentials");
    jw_object(w, JW_INLINE);
    jratio(w, "age_fmr", &f->age_fmr);
    jratio(w, "age_fnmr", &f->age_fnmr);
    jratio(w, "sex_fmr", &f->sex_fmr);
    jratio(w, "sex_fnmr", &f->sex_fnmr);
    jw_object_end(w);
    jw_object_end(w);
}

char *
eval_figures_json(const struct eval_result *res, const struct eval_figures *f)
{
    struct strbuf sb;
    struct jw w;

    strbuf_init(&sb);
    jw_init(&w, &sb, JW_COMPACT);
    jw_object(&w, JW_INLINE);
    jw_kstr(&w, "schema", "faceaudit-eval-figures/1");
    jw_kstr(&w, "protocol", eval_protocol_name(f->protocol));
    jw_kstr(&w, "scores", "euclidean distance, lower is more similar");
    jw_key(&w, "dataset");
    jw_object(&w, JW_INLINE);
    jw_kstr(&w, "manifest_sha256", res->manifest_sha256);
    jw_kuint(&w, "images", f->images);
    jw_kuint(&w, "attempted", f->attempted);
    jw_kuint(&w, "subjects", res->nsubjects);
    jw_kuint(&w, "minors", f->minors);
    jw_object_end(&w);
    jw_kstr(&w, "engine", res->engine);
    jw_kstr(&w, "model_sha256", res->model_sha256);
    jw_kuint(&w, "seed", (unsigned long long)res->params.seed);
    jknum(&w, "threshold", f->threshold);
    jw_kstr(&w, "accept", "distance <= threshold");
    jrate(&w, "fta", &f->fta);
    jfailures(&w, res);
    switch (f->protocol) {
    case EVAL_VERIFY:
        verify_json(&w, res, f);
        break;
    case EVAL_IDENTIFY:
        jw_key(&w, "identification");
        jw_object(&w, JW_INLINE);
        jw_kuint(&w, "gallery_n", f->gallery_n);
        jw_kuint(&w, "gallery_images", res->params.gallery_images);
        jw_kstr(&w, "gallery_pick", eval_gallery_pick_name(res->params.gallery_pick));
        jw_kuint(&w, "mated_searches", f->mated);
        jw_kuint(&w, "nonmated_searches", f->nonmated);
        jrate(&w, "fte", &f->fte);
        jrate(&w, "fnir_rank1", &f->fnir_r1);
        jrate(&w, "fnir_rank1_at_threshold", &f->fnir_r1_t);
        jrate(&w, "fpir_at_threshold", &f->fpir_t);
        jnums(&w, "cmc", f->cmc, f->ncmc);
        jw_object_end(&w);
        break;
    case EVAL_DETECT:
        jw_key(&w, "detection");
        jw_object(&w, JW_INLINE);
        jw_kdouble(&w, "iou_min", 0.5, 10);
        jw_kuint(&w, "ground_truth", (unsigned long long)f->ngt);
        jw_kuint(&w, "detections", (unsigned long long)f->ndets);
        jrate(&w, "precision", &f->precision);
        jrate(&w, "recall", &f->recall);
        jknum(&w, "average_precision", f->ap);
        jw_object_end(&w);
        break;
    }
    jw_object_end(&w);
    strbuf_putc(&sb, '\n');
    return strbuf_detach(&sb);
}
