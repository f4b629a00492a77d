/* SPDX-License-Identifier: MIT */
/*
 * report_evaldiff.c - two evaluation runs compared figure by figure: each
 * rate with its 95% interval in both runs, the delta, and whether the
 * intervals overlap (an overlap is within noise; disjoint intervals are a
 * real change, marked "better" or "worse" for the figure's direction).
 * Also the eval figures of the HTML report taken from a stored run.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"

#include "faceaudit/eval.h"
#include "faceaudit/jsonw.h"
#include "faceaudit/xmalloc.h"

struct erow {
    char name[48];
    bool rate;              /* has an interval */
    bool lower_better;
    double a, alo, ahi, b, blo, bhi;
};

static void
add_rate(struct erow *r, size_t *n, const char *name, const struct eval_rate *a,
    const struct eval_rate *b, bool lower_better)
{
    struct erow *e;

    if (a->n == 0 && b->n == 0)
        return;
    e = &r[(*n)++];
    snprintf(e->name, sizeof e->name, "%s", name);
    e->rate = true;
    e->lower_better = lower_better;
    e->a = a->value;
    e->alo = a->lo;
    e->ahi = a->hi;
    e->b = b->value;
    e->blo = b->lo;
    e->bhi = b->hi;
}

static void
add_value(struct erow *r, size_t *n, const char *name, double a, double b, bool lower_better)
{
    struct erow *e;

    if (isnan(a) && isnan(b))
        return;
    e = &r[(*n)++];
    snprintf(e->name, sizeof e->name, "%s", name);
    e->rate = false;
    e->lower_better = lower_better;
    e->a = a;
    e->b = b;
    e->alo = e->ahi = e->blo = e->bhi = NAN;
}

static size_t
collect(const struct eval_figures *a, const struct eval_figures *b, struct erow *r)
{
    size_t n = 0, i;
    char name[48];

    add_rate(r, &n, "FTA", &a->fta, &b->fta, true);
    if (a->protocol == EVAL_VERIFY) {
        add_rate(r, &n, "FMR at threshold", &a->fmr, &b->fmr, true);
        add_rate(r, &n, "FNMR at threshold", &a->fnmr, &b->fnmr, true);
        for (i = 0; i < EVAL_NTARGETS; i++) {
            if (!a->ops[i].supported && !b->ops[i].supported)
                continue;
            snprintf(name, sizeof name, "FNMR at FMR %g", eval_targets[i]);
            add_rate(r, &n, name, &a->ops[i].fnmr, &b->ops[i].fnmr, true);
        }
        if (a->eer.defined || b->eer.defined) {
            struct erow *e = &r[n++];

            snprintf(e->name, sizeof e->name, "EER");
            e->rate = true;
            e->lower_better = true;
            e->a = a->eer.defined ? a->eer.eer : NAN;
            e->alo = a->eer.defined ? a->eer.low : NAN;
            e->ahi = a->eer.defined ? a->eer.high : NAN;
            e->b = b->eer.defined ? b->eer.eer : NAN;
            e->blo = b->eer.defined ? b->eer.low : NAN;
            e->bhi = b->eer.defined ? b->eer.high : NAN;
        }
        add_value(r, &n, "AUC", a->auc, b->auc, false);
        add_value(r, &n, "d'", a->dprime, b->dprime, false);
    } else if (a->protocol == EVAL_IDENTIFY) {
        add_rate(r, &n, "FTE", &a->fte, &b->fte, true);
        add_rate(r, &n, "FNIR(N,1)", &a->fnir_r1, &b->fnir_r1, true);
        add_rate(r, &n, "FNIR(N,1,t)", &a->fnir_r1_t, &b->fnir_r1_t, true);
        add_rate(r, &n, "FPIR(N,t)", &a->fpir_t, &b->fpir_t, true);
    } else {
        add_rate(r, &n, "precision", &a->precision, &b->precision, false);
        add_rate(r, &n, "recall", &a->recall, &b->recall, false);
        add_value(r, &n, "AP", a->ap, b->ap, false);
    }
    return n;
}

/* "within noise", "better", "worse" or "" when there are no intervals. */
static const char *
verdict(const struct erow *e)
{
    bool overlap;

    if (!e->rate || isnan(e->alo) || isnan(e->blo) || isnan(e->ahi) || isnan(e->bhi))
        return "";
    overlap = e->alo <= e->bhi && e->blo <= e->ahi;
    if (overlap)
        return "within noise";
    return (e->b < e->a) == e->lower_better ? "better" : "worse";
}

/* The JSON form of report_eval_diff (faceaudit-eval-diff, version 1). */
static char *
eval_diff_json(const struct eval_figures *a, const char *la, const struct eval_figures *b,
    const char *lb, size_t *nworse)
{
    struct erow rows[64];
    struct strbuf sb;
    struct jw w;
    size_t n, i;

    strbuf_init(&sb);
    jw_init(&w, &sb, JW_SPACED);
    if (a->protocol != b->protocol) {
        char *msg = xasprintf("different protocols: %s and %s", eval_protocol_name(a->protocol),
            eval_protocol_name(b->protocol));

        jw_object(&w, JW_INLINE);
        jw_kstr(&w, "schema", "faceaudit-eval-diff");
        jw_kint(&w, "version", 1);
        jw_kstr(&w, "error", msg);
        jw_object_end(&w);
        strbuf_putc(&sb, '\n');
        free(msg);
        return strbuf_detach(&sb);
    }
    n = collect(a, b, rows);
    jw_object(&w, JW_LINES);
    jw_kstr(&w, "schema", "faceaudit-eval-diff");
    jw_kint(&w, "version", 1);
    jw_kstr(&w, "a", la);
    jw_kstr(&w, "b", lb);
    jw_kstr(&w, "protocol", eval_protocol_name(a->protocol));
    jw_key(&w, "thresholds");
    jw_array(&w, JW_INLINE);
    jw_double(&w, a->threshold, 6);
    jw_double(&w, b->threshold, 6);
    jw_array_end(&w);
    jw_key(&w, "figures");
    jw_array(&w, JW_LINES);
    for (i = 0; i < n; i++) {
        const struct erow *e = &rows[i];
        const char *v = verdict(e);

        *nworse += strcmp(v, "worse") == 0;
        /* NaN (undefined) is null */
        jw_object(&w, JW_INLINE);
        jw_kstr(&w, "figure", e->name);
        jw_kdouble(&w, "a", e->a, 6);
        jw_kdouble(&w, "b", e->b, 6);
        if (e->rate) {
            jw_key(&w, "a_interval");
            jw_array(&w, JW_INLINE);
            jw_double(&w, e->alo, 6);
            jw_double(&w, e->ahi, 6);
            jw_array_end(&w);
            jw_key(&w, "b_interval");
            jw_array(&w, JW_INLINE);
            jw_double(&w, e->blo, 6);
            jw_double(&w, e->bhi, 6);
            jw_array_end(&w);
        } else {
            jw_kstr(&w, "a_interval", NULL);
            jw_kstr(&w, "b_interval", NULL);
        }
        jw_kdouble(&w, "delta", e->b - e->a, 6);
        jw_kstr(&w, "verdict", *v != '\0' ? v : NULL);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    jw_kuint(&w, "worse", *nworse);
    jw_object_end(&w);
    strbuf_putc(&sb, '\n');
    return strbuf_detach(&sb);
}

char *
report_eval_diff(const struct eval_figures *a, const char *la, const struct eval_figures *b,
    const char *lb, bool json, size_t *nworse)
{
    struct erow rows[64];
    struct strbuf sb;
    size_t n, i;

    *nworse = 0;
    if (json)
        return eval_diff_json(a, la, b, lb, nworse);
    strbuf_init(&sb);
    if (a->protocol != b->protocol) {
        strbuf_printf(&sb, "the runs use different protocols (%s, %s): no figure is "
            "comparable\n", eval_protocol_name(a->protocol), eval_protocol_name(b->protocol));
        return strbuf_detach(&sb);
    }
    n = collect(a, b, rows);
    strbuf_printf(&sb, "eval diff %s -> %s (%s; thresholds %.4g -> %.4g)\n\n", la, lb,
        eval_protocol_name(a->protocol), a->threshold, b->threshold);
    strbuf_printf(&sb, "  %-20s %-30s %-30s %10s  %s\n", "figure", "A [95% interval]",
        "B [95% interval]", "delta", "verdict");
    for (i = 0; i < n; i++) {
        const struct erow *e = &rows[i];
        const char *v = verdict(e);
        char ca[64], cb[64];

        *nworse += strcmp(v, "worse") == 0;
        if (e->rate) {
            snprintf(ca, sizeof ca, "%.5f [%.5f, %.5f]", e->a, e->alo, e->ahi);
            snprintf(cb, sizeof cb, "%.5f [%.5f, %.5f]", e->b, e->blo, e->bhi);
        } else {
            snprintf(ca, sizeof ca, "%.5f", e->a);
            snprintf(cb, sizeof cb, "%.5f", e->b);
        }
        strbuf_printf(&sb, "  %-20s %-30s %-30s %+10.5f  %s\n", e->name, ca, cb, e->b - e->a, v);
    }
    strbuf_printf(&sb, "\n%zu figure%s significantly worse (95%% intervals disjoint)\n",
        *nworse, *nworse == 1 ? "" : "s");
    return strbuf_detach(&sb);
}

/* --- the HTML report's eval section from stored figures ----------------------------- */

struct report_eval_fig {
    struct report_eval ev;      /* first: report_eval_fig_free() casts back */
    char *label;
    double *fmr, *fnmr, target[EVAL_NTARGETS], thr[EVAL_NTARGETS], ofmr[EVAL_NTARGETS],
        ofnmr[EVAL_NTARGETS];
};

struct report_eval *
report_eval_from_figures(const char *label, const struct eval_figures *f)
{
    struct report_eval_fig *o = xcalloc(1, sizeof *o);
    size_t i, k = 0;

    o->label = xstrdup(label);
    o->fmr = xcalloc(f->ndet + 1, sizeof *o->fmr);
    o->fnmr = xcalloc(f->ndet + 1, sizeof *o->fnmr);
    for (i = 0; i < f->ndet; i++) {
        o->fmr[i] = f->det[i].fmr;
        o->fnmr[i] = f->det[i].fnmr;
    }
    for (i = 0; i < EVAL_NTARGETS; i++) {
        if (!f->ops[i].supported)
            continue;
        o->target[k] = eval_targets[i];
        o->thr[k] = f->ops[i].threshold;
        o->ofmr[k] = f->ops[i].fmr.value;
        o->ofnmr[k] = f->ops[i].fnmr.value;
        k++;
    }
    o->ev.label = o->label;
    o->ev.fmr = o->fmr;
    o->ev.fnmr = o->fnmr;
    o->ev.npoints = f->ndet;
    o->ev.hist_width = f->hist.width;
    o->ev.hist_gen = f->hist.gen;      /* borrowed from f */
    o->ev.hist_imp = f->hist.imp;
    o->ev.nbins = f->hist.nbins;
    o->ev.op_target = o->target;
    o->ev.op_threshold = o->thr;
    o->ev.op_fmr = o->ofmr;
    o->ev.op_fnmr = o->ofnmr;
    o->ev.nops = k;
    o->ev.threshold = f->protocol == EVAL_VERIFY ? f->threshold : NAN;
    o->ev.t_fmr = f->fmr.value;
    o->ev.t_fnmr = f->fnmr.value;
    return &o->ev;
}

void
report_eval_fig_free(struct report_eval *ev)
{
    struct report_eval_fig *o = (struct report_eval_fig *)ev;

    if (o == NULL)
        return;
    free(o->label);
    free(o->fmr);
    free(o->fnmr);
    free(o);
}
