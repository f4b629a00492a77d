/* SPDX-License-Identifier: MIT */
/*
 * report_eval.c - the eval figures of the HTML report computed with the
 * eval module from genuine and impostor distances: DET points (thinned to
 * 400), genuine and impostor histograms, and the threshold table (the
 * threshold where FMR reaches each target, with the FMR and FNMR there).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "faceaudit/eval.h"
#include "faceaudit/report.h"
#include "faceaudit/xmalloc.h"

#define NTARGETS 4

struct report_eval_owned {
    struct report_eval ev;      /* first: report_eval_free() casts back */
    char *label;
    double *fmr, *fnmr, *target, *thr, *ofmr, *ofnmr;
    struct eval_hist hist;
};

struct report_eval *
report_eval_from_scores(const char *label, const double *gen, size_t ngen, const double *imp,
    size_t nimp, double threshold)
{
    static const double targets[NTARGETS] = { 1e-1, 1e-2, 1e-3, 1e-4 };
    struct report_eval_owned *o;
    struct eval_scores g, im;
    struct eval_point *pts = NULL;
    size_t n, i;

    if (ngen == 0 || nimp == 0)
        return NULL;
    o = xcalloc(1, sizeof *o);
    eval_scores_init(&g, gen, ngen);
    eval_scores_init(&im, imp, nimp);
    n = eval_det(&g, &im, 400, &pts);
    o->fmr = xcalloc(n + 1, sizeof *o->fmr);
    o->fnmr = xcalloc(n + 1, sizeof *o->fnmr);
    for (i = 0; i < n; i++) {
        o->fmr[i] = pts[i].fmr;
        o->fnmr[i] = pts[i].fnmr;
    }
    free(pts);
    eval_histogram(&g, &im, 0.05, 40, &o->hist);
    o->target = xcalloc(NTARGETS, sizeof *o->target);
    o->thr = xcalloc(NTARGETS, sizeof *o->thr);
    o->ofmr = xcalloc(NTARGETS, sizeof *o->ofmr);
    o->ofnmr = xcalloc(NTARGETS, sizeof *o->ofnmr);
    for (i = 0; i < NTARGETS; i++) {
        struct eval_op op;

        eval_op_at_fmr(&g, &im, targets[i], &op);
        o->target[i] = targets[i];
        o->thr[i] = op.threshold;
        o->ofmr[i] = op.fmr.value;
        o->ofnmr[i] = op.fnmr.value;
    }
    o->ev.threshold = threshold;
    o->ev.t_fmr = o->ev.t_fnmr = NAN;
    if (isfinite(threshold)) {
        struct eval_rate r;

        eval_fmr(&im, threshold, &r);
        o->ev.t_fmr = r.value;
        eval_fnmr(&g, threshold, &r);
        o->ev.t_fnmr = r.value;
    }
    eval_scores_done(&g);
    eval_scores_done(&im);
    o->label = xstrdup(label != NULL ? label : "evaluation");
    o->ev.label = o->label;
    o->ev.fmr = o->fmr;
    o->ev.fnmr = o->fnmr;
    o->ev.npoints = n;
    o->ev.hist_width = o->hist.width;
    o->ev.hist_gen = o->hist.gen;
    o->ev.hist_imp = o->hist.imp;
    o->ev.nbins = o->hist.nbins;
    o->ev.op_target = o->target;
    o->ev.op_threshold = o->thr;
    o->ev.op_fmr = o->ofmr;
    o->ev.op_fnmr = o->ofnmr;
    o->ev.nops = NTARGETS;
    return &o->ev;
}

void
report_eval_free(struct report_eval *ev)
{
    struct report_eval_owned *o = (struct report_eval_owned *)ev;

    if (o == NULL)
        return;
    free(o->label);
    free(o->fmr);
    free(o->fnmr);
    free(o->target);
    free(o->thr);
    free(o->ofmr);
    free(o->ofnmr);
    eval_hist_done(&o->hist);
    free(o);
}
