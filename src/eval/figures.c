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

/* --- canonical JSON --------------------------------------------------------- */

static void
jnum(struct strbuf *sb, double v)
{
    if (isnan(v))
        strbuf_puts(sb, "null");
    else if (isinf(v))
        strbuf_puts(sb, v > 0 ? "\"inf\"" : "\"-inf\"");
    else
        strbuf_printf(sb, "%.10g", v);
}

static void
jstr(struct strbuf *sb, const char *s)
{
    strbuf_putc(sb, '"');
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            strbuf_printf(sb, "\\%c", c);
        else if (c < 0x20)
            strbuf_printf(sb, "\\u%04x", c);
        else
            strbuf_putc(sb, (char)c);
    }
    strbuf_putc(sb, '"');
}

static void
jrate(struct strbuf *sb, const char *key, const struct eval_rate *r)
{
    strbuf_printf(sb, "\"%s\":{\"k\":%llu,\"n\":%llu,\"value\":", key,
        (unsigned long long)r->k, (unsigned long long)r->n);
    jnum(sb, r->value);
    strbuf_puts(sb, ",\"ci95\":[");
    jnum(sb, r->lo);
    strbuf_putc(sb, ',');
    jnum(sb, r->hi);
    strbuf_puts(sb, "]}");
}

static void
jop(struct strbuf *sb, const struct eval_op *op)
{
    strbuf_puts(sb, "{\"target_fmr\":");
    jnum(sb, op->target);
    strbuf_printf(sb, ",\"supported\":%s,\"impostors_needed\":%llu,\"threshold\":",
        op->supported ? "true" : "false", (unsigned long long)op->needed);
    jnum(sb, op->threshold);
    strbuf_printf(sb, ",\"accept\":\"%s\",", op->strict ? "distance < threshold" :
        "distance <= threshold");
    jrate(sb, "fmr", &op->fmr);
    strbuf_putc(sb, ',');
    jrate(sb, "fnmr", &op->fnmr);
    strbuf_putc(sb, '}');
}

static void
jratio(struct strbuf *sb, const char *key, const struct eval_ratio *r)
{
    strbuf_printf(sb, "\"%s\":{\"defined\":%s,\"max\":", key, r->defined ? "true" : "false");
    jnum(sb, r->max);
    strbuf_puts(sb, ",\"min\":");
    jnum(sb, r->min);
    strbuf_puts(sb, ",\"max_over_min\":");
    jnum(sb, r->ratio);
    strbuf_puts(sb, ",\"gap\":");
    jnum(sb, r->gap);
    strbuf_putc(sb, '}');
}

/* "populations": the figures at the threshold with failures as errors and without them. */
static void
jpopulations(struct strbuf *sb, const struct eval_populations *p)
{
    strbuf_printf(sb, "\"populations\":{\"failed_genuine\":%llu,\"failed_impostor\":%llu,"
        "\"fnmr_floor\":", (unsigned long long)p->gen_fail, (unsigned long long)p->imp_fail);
    jnum(sb, p->fnmr_floor);
    strbuf_puts(sb, ",\"failures_as_errors\":{");
    jrate(sb, "accuracy", &p->acc_err);
    strbuf_putc(sb, ',');
    jrate(sb, "fmr", &p->fmr_err);
    strbuf_putc(sb, ',');
    jrate(sb, "fnmr", &p->fnmr_err);
    strbuf_puts(sb, "},\"acquired_only\":{");
    jrate(sb, "accuracy", &p->acc_acq);
    strbuf_putc(sb, ',');
    jrate(sb, "fmr", &p->fmr_acq);
    strbuf_putc(sb, ',');
    jrate(sb, "fnmr", &p->fnmr_acq);
    strbuf_printf(sb, ",\"eer\":{\"defined\":%s,\"value\":", p->eer_acq.defined ? "true" :
        "false");
    jnum(sb, p->eer_acq.eer);
    strbuf_puts(sb, ",\"bracket\":[");
    jnum(sb, p->eer_acq.low);
    strbuf_putc(sb, ',');
    jnum(sb, p->eer_acq.high);
    strbuf_puts(sb, "]}}}");
}

/*
 * Every image that failed to acquire, in dataset order, with its reason,
 * and the count per reason: "failures":{"count":N,"by_reason":{...},"images":[...]}.
 */
static void
jfailures(struct strbuf *sb, const struct eval_result *res)
{
    size_t i, n = 0, by[EVAL_STATUS_MAX + 1] = { 0 };
    int st;
    bool first = true;

    for (i = 0; i < res->nitems; i++) {
        if (eval_status_failed(res->items[i].status)) {
            by[res->items[i].status <= EVAL_STATUS_MAX ? res->items[i].status : EVAL_FTA]++;
            n++;
        }
    }
    strbuf_printf(sb, ",\"failures\":{\"count\":%zu,\"by_reason\":{", n);
    for (st = EVAL_FTA; st <= EVAL_STATUS_MAX; st++) {
        if (by[st] == 0)
            continue;
        if (!first)
            strbuf_putc(sb, ',');
        first = false;
        jstr(sb, eval_status_reason(st));
        strbuf_printf(sb, ":%zu", by[st]);
    }
    strbuf_puts(sb, "},\"images\":[");
    first = true;
    for (i = 0; i < res->nitems; i++) {
        if (!eval_status_failed(res->items[i].status))
            continue;
        strbuf_puts(sb, first ? "{\"path\":" : ",{\"path\":");
        first = false;
        jstr(sb, res->items[i].rel);
        strbuf_puts(sb, ",\"reason\":");
        jstr(sb, eval_status_reason(res->items[i].status));
        strbuf_putc(sb, '}');
    }
    strbuf_puts(sb, "]}");
}

char *
eval_figures_json(const struct eval_result *res, const struct eval_figures *f)
{
    struct strbuf sb;
    size_t i;

    strbuf_init(&sb);
    strbuf_puts(&sb, "{\"schema\":\"faceaudit-eval-figures/1\",\"protocol\":");
    jstr(&sb, eval_protocol_name(f->protocol));
    strbuf_puts(&sb, ",\"scores\":\"euclidean distance, lower is more similar\",\"dataset\":{"
        "\"manifest_sha256\":");
    jstr(&sb, res->manifest_sha256);
    strbuf_printf(&sb, ",\"images\":%zu,\"attempted\":%zu,\"subjects\":%zu,\"minors\":%zu},"
        "\"engine\":", f->images, f->attempted, res->nsubjects, f->minors);
    jstr(&sb, res->engine);
    strbuf_puts(&sb, ",\"model_sha256\":");
    jstr(&sb, res->model_sha256);
    strbuf_printf(&sb, ",\"seed\":%llu,\"threshold\":", (unsigned long long)res->params.seed);
    jnum(&sb, f->threshold);
    strbuf_puts(&sb, ",\"accept\":\"distance <= threshold\",");
    jrate(&sb, "fta", &f->fta);
    jfailures(&sb, res);
    switch (f->protocol) {
    case EVAL_VERIFY:
        strbuf_puts(&sb, ",\"verification\":{\"at_threshold\":{");
        jrate(&sb, "fmr", &f->fmr);
        strbuf_putc(&sb, ',');
        jrate(&sb, "fnmr", &f->fnmr);
        strbuf_printf(&sb, ",\"bootstrap\":{\"replicates\":%u,\"subject_level\":true,"
            "\"fmr_ci95\":[", res->params.bootstrap);
        jnum(&sb, f->fmr_boot[0]);
        strbuf_putc(&sb, ',');
        jnum(&sb, f->fmr_boot[1]);
        strbuf_puts(&sb, "],\"fnmr_ci95\":[");
        jnum(&sb, f->fnmr_boot[0]);
        strbuf_putc(&sb, ',');
        jnum(&sb, f->fnmr_boot[1]);
        strbuf_puts(&sb, "]}},\"fnmr_at_fmr\":[");
        for (i = 0; i < EVAL_NTARGETS; i++) {
            if (i > 0)
                strbuf_putc(&sb, ',');
            jop(&sb, &f->ops[i]);
        }
        strbuf_puts(&sb, "],\"zero_fmr\":");
        jop(&sb, &f->zero_fmr);
        strbuf_printf(&sb, ",\"eer\":{\"defined\":%s,\"value\":", f->eer.defined ? "true" :
            "false");
        jnum(&sb, f->eer.eer);
        strbuf_puts(&sb, ",\"bracket\":[");
        jnum(&sb, f->eer.low);
        strbuf_putc(&sb, ',');
        jnum(&sb, f->eer.high);
        strbuf_puts(&sb, "],\"thresholds\":[");
        jnum(&sb, f->eer.t_low);
        strbuf_putc(&sb, ',');
        jnum(&sb, f->eer.t_high);
        strbuf_printf(&sb, "],\"set_by_failures\":%s},", f->pop.eer_floor ? "true" : "false");
        jpopulations(&sb, &f->pop);
        strbuf_puts(&sb, ",\"curves_population\":\"acquired comparisons\",\"dprime\":");
        jnum(&sb, f->dprime);
        strbuf_puts(&sb, ",\"auc\":");
        jnum(&sb, f->auc);
        strbuf_puts(&sb, ",\"genuine\":{\"mean\":");
        jnum(&sb, f->gen_mean);
        strbuf_puts(&sb, ",\"sd\":");
        jnum(&sb, f->gen_sd);
        strbuf_puts(&sb, "},\"impostor\":{\"mean\":");
        jnum(&sb, f->imp_mean);
        strbuf_puts(&sb, ",\"sd\":");
        jnum(&sb, f->imp_sd);
        strbuf_printf(&sb, "},\"histogram\":{\"bin_width\":%g,\"genuine\":[", f->hist.width);
        for (i = 0; i < f->hist.nbins; i++)
            strbuf_printf(&sb, "%s%llu", i > 0 ? "," : "", (unsigned long long)f->hist.gen[i]);
        strbuf_puts(&sb, "],\"impostor\":[");
        for (i = 0; i < f->hist.nbins; i++)
            strbuf_printf(&sb, "%s%llu", i > 0 ? "," : "", (unsigned long long)f->hist.imp[i]);
        strbuf_puts(&sb, "]},\"det\":[");
        for (i = 0; i < f->ndet; i++) {
            strbuf_puts(&sb, i > 0 ? ",[" : "[");
            jnum(&sb, f->det[i].t);
            strbuf_putc(&sb, ',');
            jnum(&sb, f->det[i].fmr);
            strbuf_putc(&sb, ',');
            jnum(&sb, f->det[i].fnmr);
            strbuf_putc(&sb, ']');
        }
        strbuf_puts(&sb, "],\"groups\":[");
        for (i = 0; i < f->ngroups; i++) {
            strbuf_puts(&sb, i > 0 ? ",{\"kind\":" : "{\"kind\":");
            jstr(&sb, f->groups[i].kind);
            strbuf_puts(&sb, ",\"label\":");
            jstr(&sb, f->groups[i].label[0] != '\0' ? f->groups[i].label : "unknown");
            strbuf_putc(&sb, ',');
            jrate(&sb, "fmr", &f->groups[i].fmr);
            strbuf_putc(&sb, ',');
            jrate(&sb, "fnmr", &f->groups[i].fnmr);
            strbuf_putc(&sb, '}');
        }
        strbuf_puts(&sb, "]");
        if (f->nfolds > 0) {
            strbuf_printf(&sb, ",\"folds\":{\"n\":%u,\"accuracy\":[", f->nfolds);
            for (i = 0; i < f->nfolds; i++) {
                if (i > 0)
                    strbuf_putc(&sb, ',');
                jnum(&sb, f->fold_acc[i]);
            }
            strbuf_puts(&sb, "],\"threshold\":[");
            for (i = 0; i < f->nfolds; i++) {
                if (i > 0)
                    strbuf_putc(&sb, ',');
                jnum(&sb, f->fold_t[i]);
            }
            strbuf_puts(&sb, "],\"mean\":");
            jnum(&sb, f->acc_mean);
            strbuf_puts(&sb, ",\"sd\":");
            jnum(&sb, f->acc_sd);
            strbuf_putc(&sb, '}');
        }
        strbuf_puts(&sb, ",\"differentials\":{");
        jratio(&sb, "age_fmr", &f->age_fmr);
        strbuf_putc(&sb, ',');
        jratio(&sb, "age_fnmr", &f->age_fnmr);
        strbuf_putc(&sb, ',');
        jratio(&sb, "sex_fmr", &f->sex_fmr);
        strbuf_putc(&sb, ',');
        jratio(&sb, "sex_fnmr", &f->sex_fnmr);
        strbuf_puts(&sb, "}}");
        break;
    case EVAL_IDENTIFY:
        strbuf_printf(&sb, ",\"identification\":{\"gallery_n\":%zu,\"gallery_images\":%u,"
            "\"gallery_pick\":\"%s\",\"mated_searches\":%zu,\"nonmated_searches\":%zu,",
            f->gallery_n, res->params.gallery_images,
            eval_gallery_pick_name(res->params.gallery_pick), f->mated, f->nonmated);
        jrate(&sb, "fte", &f->fte);
        strbuf_putc(&sb, ',');
        jrate(&sb, "fnir_rank1", &f->fnir_r1);
        strbuf_putc(&sb, ',');
        jrate(&sb, "fnir_rank1_at_threshold", &f->fnir_r1_t);
        strbuf_putc(&sb, ',');
        jrate(&sb, "fpir_at_threshold", &f->fpir_t);
        strbuf_puts(&sb, ",\"cmc\":[");
        for (i = 0; i < f->ncmc; i++) {
            if (i > 0)
                strbuf_putc(&sb, ',');
            jnum(&sb, f->cmc[i]);
        }
        strbuf_puts(&sb, "]}");
        break;
    case EVAL_DETECT:
        strbuf_printf(&sb, ",\"detection\":{\"iou_min\":0.5,\"ground_truth\":%llu,"
            "\"detections\":%llu,", (unsigned long long)f->ngt, (unsigned long long)f->ndets);
        jrate(&sb, "precision", &f->precision);
        strbuf_putc(&sb, ',');
        jrate(&sb, "recall", &f->recall);
        strbuf_puts(&sb, ",\"average_precision\":");
        jnum(&sb, f->ap);
        strbuf_putc(&sb, '}');
        break;
    }
    strbuf_puts(&sb, "}\n");
    return strbuf_detach(&sb);
}
