/* SPDX-License-Identifier: MIT */
/*
 * cmd_eval_print.c - an evaluation's figures as text (threshold table,
 * rates with Wilson intervals, EER, per-group rates, the histogram, the
 * baseline comparison; identification and detection figures), as CSV (one
 * row per figure), or as the stored JSON document.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "cmd_eval.h"
#include "faceaudit/compat.h"

static void
rate_text(FILE *o, const struct eval_rate *r)
{
    if (r->n == 0)
        fputs("n/a (no trials)", o);
    else
        fprintf(o, "%.4g (%" PRIu64 "/%" PRIu64 ") [%.4g, %.4g]", r->value, r->k, r->n, r->lo,
            r->hi);
}

/* The operating points at the target FMRs and ZeroFMR. */
static void
print_thresholds(FILE *o, const struct eval_figures *f)
{
    size_t i;

    fputs("\nthreshold table (distances; accept distance <= t; proportions, not percent; "
        "[Wilson 95%])\n", o);
    fprintf(o, "  %-10s %-10s %-28s %s\n", "target FMR", "t", "FMR achieved", "FNMR there");
    for (i = 0; i < EVAL_NTARGETS + 1; i++) {
        const struct eval_op *op = i < EVAL_NTARGETS ? &f->ops[i] : &f->zero_fmr;
        char tgt[16], t[24], fmr[40];

        if (i < EVAL_NTARGETS)
            snprintf(tgt, sizeof tgt, "%.0e", op->target);
        else
            snprintf(tgt, sizeof tgt, "ZeroFMR");
        if (!op->supported) {
            if (op->fmr.n == 0 && i == EVAL_NTARGETS)
                fprintf(o, "  %-10s no impostor comparisons\n", tgt);
            else
                fprintf(o, "  %-10s not supported: %" PRIu64 " impostor comparisons, %" PRIu64
                    " needed\n", tgt, f->fmr.n, op->needed);
            continue;
        }
        snprintf(t, sizeof t, "%s%.4f", op->strict ? "< " : "", op->threshold);
        snprintf(fmr, sizeof fmr, "%.3g (%" PRIu64 "/%" PRIu64 ")", op->fmr.value, op->fmr.k,
            op->fmr.n);
        fprintf(o, "  %-10s %-10s %-28s ", tgt, t, fmr);
        rate_text(o, &op->fnmr);
        fputc('\n', o);
    }
}

/* At the frozen threshold: FMR, FNMR, accuracy both ways, EER, d', AUC. */
static void
print_at_threshold(FILE *o, const struct eval_figures *f)
{
    fprintf(o, "\nat the frozen threshold %g:\n  FMR  ", f->threshold);
    rate_text(o, &f->fmr);
    if (!isnan(f->fmr_boot[0]))
        fprintf(o, " subject bootstrap [%.4g, %.4g]", f->fmr_boot[0], f->fmr_boot[1]);
    fputs("\n  FNMR ", o);
    rate_text(o, &f->fnmr);
    if (!isnan(f->fnmr_boot[0]))
        fprintf(o, " subject bootstrap [%.4g, %.4g]", f->fnmr_boot[0], f->fnmr_boot[1]);
    fputc('\n', o);
    fprintf(o, "accuracy at %g (genuine accepted + impostor rejected):\n", f->threshold);
    fputs("  failures as errors   ", o);
    rate_text(o, &f->pop.acc_err);
    fputs("\n    FMR  ", o);
    rate_text(o, &f->pop.fmr_err);
    fputs("  (a failed impostor comparison counted as a false match)\n    FNMR ", o);
    rate_text(o, &f->pop.fnmr_err);
    fputs("\n  acquired only        ", o);
    rate_text(o, &f->pop.acc_acq);
    fputs("\n    FMR  ", o);
    rate_text(o, &f->pop.fmr_acq);
    fputs("\n    FNMR ", o);
    rate_text(o, &f->pop.fnmr_acq);
    fprintf(o, "\n  (%" PRIu64 " genuine and %" PRIu64 " impostor comparisons failed)\n",
        f->pop.gen_fail, f->pop.imp_fail);
    if (f->eer.defined)
        fprintf(o, "EER %.4g in [%.4g, %.4g], between t = %.4f and %.4f\n", f->eer.eer,
            f->eer.low, f->eer.high, f->eer.t_low, f->eer.t_high);
    else
        fputs("EER undefined (an empty class, or the curves do not cross)\n", o);
    if (f->pop.eer_floor) {
        fprintf(o, "  set by failures to acquire: FNMR cannot fall below %.4g (%" PRIu64
            " failed genuine comparisons), so this EER and its thresholds measure the "
            "failures, not the matcher\n", f->pop.fnmr_floor, f->pop.gen_fail);
        if (f->pop.eer_acq.defined)
            fprintf(o, "  on acquired comparisons: EER %.4g in [%.4g, %.4g], between t = %.4f "
                "and %.4f\n", f->pop.eer_acq.eer, f->pop.eer_acq.low, f->pop.eer_acq.high,
                f->pop.eer_acq.t_low, f->pop.eer_acq.t_high);
    }
    if (f->nfolds > 0)
        fprintf(o, "%u-fold accuracy (threshold chosen on the other folds): mean %.4f, sd %.4f\n",
            f->nfolds, f->acc_mean, f->acc_sd);
    fprintf(o, "on acquired comparisons: d' %.4g  AUC %.6g  genuine mean %.4f sd %.4f  "
        "impostor mean %.4f sd %.4f\n",
        f->dprime, f->auc, f->gen_mean, f->gen_sd, f->imp_mean, f->imp_sd);
}

static void
print_groups(FILE *o, const struct eval_figures *f)
{
    size_t i;

    if (f->ngroups > 0) {
        fprintf(o, "\nper group at t = %g (pairs within the group; under-14 images: %zu)\n",
            f->threshold, f->minors);
        for (i = 0; i < f->ngroups; i++) {
            fprintf(o, "  %-4s %-8s FMR ", f->groups[i].kind,
                f->groups[i].label[0] != '\0' ? f->groups[i].label : "unknown");
            rate_text(o, &f->groups[i].fmr);
            fputs("  FNMR ", o);
            rate_text(o, &f->groups[i].fnmr);
            fputc('\n', o);
        }
        if (f->sex_fmr.defined)
            fprintf(o, "  sex max/min: FMR %.3g, FNMR %.3g\n", f->sex_fmr.ratio,
                f->sex_fnmr.ratio);
        if (f->age_fmr.defined)
            fprintf(o, "  age max/min: FMR %.3g, FNMR %.3g\n", f->age_fmr.ratio,
                f->age_fnmr.ratio);
    } else
        fputs("per group: no age band or sex labels in this dataset\n", o);
}

static void
print_histogram(FILE *o, const struct eval_figures *f)
{
    uint64_t gmax = 1, imax = 1;
    size_t b;

    if (f->hist.nbins > 0) {
        for (b = 0; b < f->hist.nbins; b++) {
            gmax = FA_MAX(gmax, f->hist.gen[b]);
            imax = FA_MAX(imax, f->hist.imp[b]);
        }
        fprintf(o, "\ndistance histogram (bin width %g; each class scaled to its peak)\n",
            f->hist.width);
        for (b = 0; b < f->hist.nbins; b++) {
            int g = (int)(20 * f->hist.gen[b] / gmax), im = (int)(20 * f->hist.imp[b] / imax);

            if (f->hist.gen[b] == 0 && f->hist.imp[b] == 0)
                continue;
            fprintf(o, "  %5.2f%s G %-20.*s %7" PRIu64 "  I %-20.*s %7" PRIu64 "\n",
                (double)b * f->hist.width, b + 1 == f->hist.nbins ? "+" : " ", g,
                "####################", f->hist.gen[b], im,
                "####################", f->hist.imp[b]);
        }
    }
}

static void
print_verify(FILE *o, const struct eval_figures *f, const struct eval_figures *base)
{
    size_t i;

    fprintf(o, "comparisons: %" PRIu64 " genuine, %" PRIu64 " impostor\n", f->fnmr.n,
        f->fmr.n);
    print_thresholds(o, f);
    print_at_threshold(o, f);
    print_groups(o, f);
    print_histogram(o, f);
    if (base != NULL && base->protocol == EVAL_VERIFY) {
        fputs("\nagainst the baseline:\n", o);
        fprintf(o, "  FMR at t  %.4g -> %.4g\n  FNMR at t %.4g -> %.4g\n", base->fmr.value,
            f->fmr.value, base->fnmr.value, f->fnmr.value);
        for (i = 0; i < EVAL_NTARGETS; i++) {
            if (f->ops[i].supported && base->ops[i].supported)
                fprintf(o, "  FNMR@FMR=%.0e %.4g -> %.4g\n", f->ops[i].target,
                    base->ops[i].fnmr.value, f->ops[i].fnmr.value);
        }
    }
}

static void
print_identify(FILE *o, const struct eval_figures *f, const struct eval_result *res)
{
    static const size_t ranks[] = { 1, 5, 10, 20 };
    size_t k;

    fprintf(o, "gallery N = %zu identities (%s, %s); %zu mated and %zu non-mated "
        "searches\n", f->gallery_n, eval_gallery_pick_name(res->params.gallery_pick),
        res->params.gallery_pick == EVAL_PICK_ALL_BUT_ONE ? "all images but the last enrolled" :
        res->params.gallery_images == 1 ? "1 image per subject" : "images per subject as "
        "--gallery-images", f->mated, f->nonmated);
    fputs("FTE (subjects) ", o);
    rate_text(o, &f->fte);
    fprintf(o, "\nclosed set (the %zu mated searches, no threshold):\n", f->mated);
    for (k = 0; k < FA_NITEMS(ranks); k++) {
        struct eval_rate r;

        if (ranks[k] > f->ncmc)
            break;
        eval_wilson((uint64_t)llround(f->cmc[ranks[k] - 1] * (double)f->mated), f->mated, &r);
        fprintf(o, "  rank-%-2zu identification rate ", ranks[k]);
        rate_text(o, &r);
        fputc('\n', o);
    }
    if (f->ncmc == 0)
        fputs("  rank-1 identification rate n/a\n", o);
    fputs("  FNIR(N, 1, inf)  ", o);
    rate_text(o, &f->fnir_r1);
    fprintf(o, "\nopen set (threshold %g; %zu non-mated searches by people not enrolled):\n",
        f->threshold, f->nonmated);
    fprintf(o, "  FNIR(N, 1, %g)  ", f->threshold);
    rate_text(o, &f->fnir_r1_t);
    fprintf(o, "\n  FPIR(N, %g)      ", f->threshold);
    rate_text(o, &f->fpir_t);
    fputs("  (denominator: non-mated searches)\nCMC:", o);
    for (k = 0; k < f->ncmc; k++)
        fprintf(o, " %zu:%.4g", k + 1, f->cmc[k]);
    fputc('\n', o);
}

static void
print_detect(FILE *o, const struct eval_figures *f)
{
    fprintf(o, "ground-truth faces %" PRIu64 ", detections %" PRIu64 " (matched at IoU >= 0.5)\n",
        f->ngt, f->ndets);
    fputs("precision ", o);
    rate_text(o, &f->precision);
    fputs("\nrecall    ", o);
    rate_text(o, &f->recall);
    fprintf(o, "\naverage precision (all-point) %.4g\n", f->ap);
}

/* The images that failed to acquire: the first 20 with their reason, then a count. */
static void
print_failures(FILE *o, const struct eval_result *res)
{
    size_t i, n = 0;

    for (i = 0; i < res->nitems; i++) {
        const struct eval_item *it = &res->items[i];

        if (!eval_status_failed(it->status))
            continue;
        if (n++ == 0)
            fputs("failed to acquire (the JSON lists all):\n", o);
        if (n <= 20)
            fprintf(o, "  %s: %s%s%s\n", it->rel, eval_status_reason(it->status),
                it->detail != NULL ? ": " : "", it->detail != NULL ? it->detail : "");
    }
    if (n > 20)
        fprintf(o, "  ... and %zu more (%zu in all)\n", n - 20, n);
}

static void
print_text(FILE *o, const struct eval_result *res, const struct eval_figures *f,
    const struct eval_figures *base, const char *name)
{
    fprintf(o, "%s on %s%s%s%s\n", eval_protocol_name(f->protocol), res->dataset,
        name != NULL ? " (run '" : "", name != NULL ? name : "", name != NULL ? "')" : "");
    fprintf(o, "images %zu (attempted %zu), subjects %zu, manifest sha256 %.16s\n", f->images,
        f->attempted, res->nsubjects, res->manifest_sha256);
    fprintf(o, "engine %s, model sha256 %.16s, seed %" PRIu64 "%s\n", res->engine,
        res->model_sha256, res->params.seed, res->params.cropped ? ", cropped" : "");
    if (res->params.shard_n > 1)
        fprintf(o, "shard %u/%u: partial figures; `faceaudit merge` combines the shards\n",
            res->params.shard_k, res->params.shard_n);
    fputs("FTA ", o);
    rate_text(o, &f->fta);
    fputc('\n', o);
    print_failures(o, res);
    switch (f->protocol) {
    case EVAL_VERIFY:
        print_verify(o, f, base);
        break;
    case EVAL_IDENTIFY:
        print_identify(o, f, res);
        break;
    case EVAL_DETECT:
        print_detect(o, f);
        break;
    }
}

/* A CSV number: empty when undefined (NaN), "inf" when infinite. */
static void
csv_num(FILE *o, double v)
{
    if (isnan(v))
        return;
    if (isinf(v))
        fputs(v > 0 ? "inf" : "-inf", o);
    else
        fprintf(o, "%.10g", v);
}

static void
csv_rate(FILE *o, const char *section, const char *name, double t, const struct eval_rate *r)
{
    fprintf(o, "%s,%s,", section, name);
    csv_num(o, t);
    fputc(',', o);
    csv_num(o, r->value);
    if (r->n > 0)
        fprintf(o, ",%" PRIu64 ",%" PRIu64 ",", r->k, r->n);
    else
        fputs(",,,", o);
    csv_num(o, r->lo);
    fputc(',', o);
    csv_num(o, r->hi);
    fputc('\n', o);
}

static void
print_csv(FILE *o, const struct eval_figures *f)
{
    size_t i;
    char name[32];

    fputs("section,name,threshold,value,k,n,ci_lo,ci_hi\n", o);
    csv_rate(o, "acquisition", "fta", NAN, &f->fta);
    switch (f->protocol) {
    case EVAL_VERIFY:
        csv_rate(o, "at_threshold", "fmr", f->threshold, &f->fmr);
        csv_rate(o, "at_threshold", "fnmr", f->threshold, &f->fnmr);
        csv_rate(o, "failures_as_errors", "accuracy", f->threshold, &f->pop.acc_err);
        csv_rate(o, "failures_as_errors", "fmr", f->threshold, &f->pop.fmr_err);
        csv_rate(o, "failures_as_errors", "fnmr", f->threshold, &f->pop.fnmr_err);
        csv_rate(o, "acquired_only", "accuracy", f->threshold, &f->pop.acc_acq);
        csv_rate(o, "acquired_only", "fmr", f->threshold, &f->pop.fmr_acq);
        csv_rate(o, "acquired_only", "fnmr", f->threshold, &f->pop.fnmr_acq);
        for (i = 0; i < f->nfolds; i++) {
            fprintf(o, "folds,accuracy_fold%zu,", i + 1);
            csv_num(o, f->fold_t[i]);
            fputc(',', o);
            csv_num(o, f->fold_acc[i]);
            fputs(",,,,\n", o);
        }
        for (i = 0; i < EVAL_NTARGETS; i++) {
            snprintf(name, sizeof name, "fnmr_at_fmr_%.0e", f->ops[i].target);
            csv_rate(o, "threshold_table", name, f->ops[i].threshold, &f->ops[i].fnmr);
        }
        /* ZeroFMR accepts distances strictly below its threshold */
        csv_rate(o, "threshold_table", "fnmr_at_zero_fmr_below", f->zero_fmr.threshold,
            &f->zero_fmr.fnmr);
        fputs("eer,eer,", o);
        csv_num(o, f->eer.t_high);
        fputc(',', o);
        csv_num(o, f->eer.eer);
        fputs(",,,", o);
        csv_num(o, f->eer.low);
        fputc(',', o);
        csv_num(o, f->eer.high);
        fputc('\n', o);
        for (i = 0; i < f->ngroups; i++) {
            snprintf(name, sizeof name, "%s=%s fmr", f->groups[i].kind,
                f->groups[i].label[0] != '\0' ? f->groups[i].label : "unknown");
            csv_rate(o, "group", name, f->threshold, &f->groups[i].fmr);
            snprintf(name, sizeof name, "%s=%s fnmr", f->groups[i].kind,
                f->groups[i].label[0] != '\0' ? f->groups[i].label : "unknown");
            csv_rate(o, "group", name, f->threshold, &f->groups[i].fnmr);
        }
        /* DET points: value = FNMR, ci_lo column = FMR at that threshold */
        for (i = 0; i < f->ndet; i++)
            fprintf(o, "det,fnmr_vs_fmr,%.10g,%.10g,,,%.10g,\n", f->det[i].t, f->det[i].fnmr,
                f->det[i].fmr);
        break;
    case EVAL_IDENTIFY:
        csv_rate(o, "identification", "fte", NAN, &f->fte);
        csv_rate(o, "identification", "fnir_rank1", INFINITY, &f->fnir_r1);
        csv_rate(o, "identification", "fnir_rank1", f->threshold, &f->fnir_r1_t);
        csv_rate(o, "identification", "fpir", f->threshold, &f->fpir_t);
        for (i = 0; i < f->ncmc; i++) {
            fprintf(o, "cmc,rank%zu,,", i + 1);
            csv_num(o, f->cmc[i]);
            fputs(",,,,\n", o);
        }
        break;
    case EVAL_DETECT:
        csv_rate(o, "detection", "precision", NAN, &f->precision);
        csv_rate(o, "detection", "recall", NAN, &f->recall);
        fputs("detection,average_precision,,", o);
        csv_num(o, f->ap);
        fputs(",,,,\n", o);
        break;
    }
}

/* Print figures in the chosen format (JSON: the canonical figures document). */
void
eval_print_figures(struct cli_ctx *ctx, enum out_format fmt, const struct eval_result *res,
    const struct eval_figures *f, const char *json, const struct eval_figures *base,
    const char *name)
{
    if (fmt == OUT_JSON)
        fputs(json, ctx->out);
    else if (fmt == OUT_CSV)
        print_csv(ctx->out, f);
    else
        print_text(ctx->out, res, f, base, name);
}

