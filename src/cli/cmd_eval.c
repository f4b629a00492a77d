/* SPDX-License-Identifier: MIT */
/*
 * cmd_eval.c - `faceaudit eval`, `merge`, `runs` and `dataset`: run a
 * protocol over a labelled dataset, print and store the ISO/IEC 19795-1
 * figures, compare with a baseline and apply a gate; merge shard runs;
 * list, show and delete stored runs; check a dataset's files.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "faceaudit/cli.h"
#include "faceaudit/dataset.h"
#include "faceaudit/detect.h"
#include "faceaudit/eval.h"
#include "faceaudit/store_evalcache.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/gemm.h"
#include "faceaudit/image.h"
#include "faceaudit/log.h"
#include "faceaudit/store.h"
#include "faceaudit/store_eval.h"
#include "faceaudit/store_run.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

enum out_format { OUT_TEXT, OUT_JSON, OUT_CSV };

static int
parse_format(const char *s, enum out_format *f)
{
    if (strcmp(s, "text") == 0)
        *f = OUT_TEXT;
    else if (strcmp(s, "json") == 0)
        *f = OUT_JSON;
    else if (strcmp(s, "csv") == 0)
        *f = OUT_CSV;
    else
        return -1;
    return 0;
}

static int
parse_u64(const char *s, uint64_t *v)
{
    char *end;
    unsigned long long x;

    if (*s == '-' || *s == '\0')
        return -1;
    errno = 0;
    x = strtoull(s, &end, 10);
    if (*end != '\0' || errno != 0)
        return -1;
    *v = x;
    return 0;
}

static int
parse_real(const char *s, double lo, double hi, double *v)
{
    char *end;

    errno = 0;
    *v = strtod(s, &end);
    if (end == s || *end != '\0' || errno != 0 || !(*v >= lo && *v <= hi))
        return -1;
    return 0;
}

/*
 * --- progress ------------------------------------------------------------------
 * On a terminal a bar redrawn in place; otherwise (a batch log) one plain
 * line every few seconds (FACEAUDIT_PROGRESS_SECONDS, default 5) and one at
 * the end, with the count, the rate and the time left; -q silences both.
 */

struct progress {
    FILE *f;
    const char *what;
    struct timespec start, last;
    bool drawn;
    bool plain;          /* not a terminal: plain lines */
    double interval;     /* seconds between plain lines */
};

static double
elapsed(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void
progress_cb(void *arg, size_t done, size_t total)
{
    struct progress *p = arg;
    struct timespec now;
    double secs, rate, left;
    int width = 30, fill;

    clock_gettime(CLOCK_MONOTONIC, &now);
    if (done < total && p->drawn && elapsed(&p->last, &now) < (p->plain ? p->interval : 0.1))
        return;
    if (p->plain && !p->drawn && done < total && elapsed(&p->start, &now) < p->interval)
        return;
    p->last = now;
    p->drawn = true;
    secs = elapsed(&p->start, &now);
    rate = secs > 0 ? (double)done / secs : 0;
    left = rate > 0 ? (double)(total - done) / rate : 0;
    if (p->plain) {
        fprintf(p->f, "eval: %zu/%zu %s (%.0f%%), %.1f/s, %d:%02d elapsed, %d:%02d left\n",
            done, total, p->what, total > 0 ? 100.0 * (double)done / (double)total : 100.0,
            rate, (int)secs / 60, (int)secs % 60, (int)left / 60, (int)left % 60);
        fflush(p->f);
        return;
    }
    fill = total > 0 ? (int)((double)width * (double)done / (double)total) : width;
    fprintf(p->f, "\r[%.*s%*s] %zu/%zu %s  %.1f/s  %d:%02d left ", fill,
        "##############################", width - fill, "", done, total, p->what, rate,
        (int)left / 60, (int)left % 60);
    if (done >= total)
        fputc('\n', p->f);
    fflush(p->f);
}

/* --- text, JSON and CSV output ---------------------------------------------- */

static void
rate_text(FILE *o, const struct eval_rate *r)
{
    if (r->n == 0)
        fputs("n/a (no trials)", o);
    else
        fprintf(o, "%.4g (%" PRIu64 "/%" PRIu64 ") [%.4g, %.4g]", r->value, r->k, r->n, r->lo,
            r->hi);
}

static void
print_verify(FILE *o, const struct eval_figures *f, const struct eval_figures *base)
{
    size_t i, b;
    uint64_t gmax = 1, imax = 1;

    fprintf(o, "comparisons: %" PRIu64 " genuine, %" PRIu64 " impostor\n", f->fnmr.n,
        f->fmr.n);
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
static void
print_figures(struct cli_ctx *ctx, enum out_format fmt, const struct eval_result *res,
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

/* Load a stored run and compute its figures; NULL after cli_error(). */
static struct eval_result *
load_run(struct cli_ctx *ctx, const char *name, struct eval_figures *f, char **json)
{
    struct store *st = cli_store(ctx);
    struct eval_result *res;
    char *cause = NULL;

    if (st == NULL)
        return NULL;
    if ((res = eval_store_load(st, name, json, &cause)) == NULL) {
        cli_error(ctx, "%s", cause);
        free(cause);
        return NULL;
    }
    eval_figures_compute(res, f);
    return res;
}

/* Apply the gate; returns FA_EXIT_FINDINGS when it fails. */
static int
run_gate(struct cli_ctx *ctx, const struct eval_gate *g, const char *path,
    const struct eval_figures *f, const struct eval_figures *base)
{
    char *report = NULL;
    int failed = eval_gate_apply(g, f, base, &report);

    fprintf(ctx->out, "\ngate %s: %s\n%s", path, failed > 0 ? "FAILED" : "passed", report);
    if (failed > 0)
        cli_error(ctx, "gate %s failed: %d check(s)", path, failed);
    free(report);
    return failed > 0 ? FA_EXIT_FINDINGS : FA_EXIT_OK;
}

/* --- faceaudit eval ----------------------------------------------------------- */

static int
cmd_eval_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "protocol", required_argument, NULL, 'p' },
        { "threshold", required_argument, NULL, 't' },
        { "save", required_argument, NULL, 's' },
        { "baseline", required_argument, NULL, 'b' },
        { "gate", required_argument, NULL, 'g' },
        { "shard", required_argument, NULL, 'S' },
        { "format", required_argument, NULL, 'f' },
        { "cropped", no_argument, NULL, 'c' },
        { "seed", required_argument, NULL, 'r' },
        { "impostors", required_argument, NULL, 'I' },
        { "gallery-images", required_argument, NULL, 'G' },
        { "unknown-share", required_argument, NULL, 'U' },
        { "bootstrap", required_argument, NULL, 'B' },
        { "descriptors", required_argument, NULL, 'D' },
        { "detections", required_argument, NULL, 'E' },
        { "dataset-format", required_argument, NULL, 'F' },
        { "max-images", required_argument, NULL, 'M' },
        { "jobs", required_argument, NULL, 'j' },
        { "resume", required_argument, NULL, 'R' },
        { "detector", required_argument, NULL, 'd' },
        { "input-size", required_argument, NULL, 'z' },
        { "min-score", required_argument, NULL, 'm' },
        { "one-face", no_argument, NULL, 'o' },
        { "min-face", required_argument, NULL, 'w' },
        { "allow-missing", no_argument, NULL, 'A' },
        { "shards", required_argument, NULL, 'N' },
        { "pair-columns", required_argument, NULL, 'P' },
        { "gallery-pick", required_argument, NULL, 'K' },
        { NULL, 0, NULL, 0 }
    };
    struct eval_params p;
    struct eval_recog_opts ro;
    bool allow_missing = false, shard_auto = false;
    unsigned shards_opt = 0;
    struct ds_options dopt;
    const char *resume = NULL;
    enum out_format fmt = OUT_TEXT;
    const char *save = NULL, *baseline = NULL, *gatepath = NULL, *descs = NULL, *dets = NULL;
    struct eval_gate *gate = NULL;
    struct dataset *ds = NULL;
    struct eval_engine *eng = NULL;
    struct eval_result *res = NULL, *bres = NULL;
    struct eval_figures f, bf;
    struct store *st = NULL;
    struct progress prog;
    char *cause = NULL, *json = NULL;
    int64_t run_id = -1;
    int c, rc = FA_EXIT_USAGE;
    uint64_t u;
    bool have_f = false, have_bf = false;

    memset(&p, 0, sizeof p);
    memset(&ro, 0, sizeof ro);
    memset(&dopt, 0, sizeof dopt);
    p.protocol = EVAL_VERIFY;
    p.threshold = 0.6;
    p.seed = 1;
    p.max_impostors = 1000000;
    p.gallery_images = 1;
    p.unknown_share = 0.25;
    p.bootstrap = 1000;
    p.shard_k = p.shard_n = 1;
    p.jobs = 1;
    while ((c = getopt_long(argc, argv, "p:t:f:j:", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (eval_protocol_parse(optarg, &p.protocol) == -1)
                return cli_usage_error(ctx, "unknown protocol '%s' (verify, identify or "
                    "detect)", optarg);
            break;
        case 't':
            if (parse_real(optarg, 0, 1e6, &p.threshold) == -1)
                return cli_usage_error(ctx, "--threshold: '%s' is not a non-negative distance",
                    optarg);
            break;
        case 's':
            save = optarg;
            break;
        case 'R':
            resume = optarg;
            break;
        case 'b':
            baseline = optarg;
            break;
        case 'g':
            gatepath = optarg;
            break;
        case 'S': {
            unsigned k, n;
            char extra;

            if (strcmp(optarg, "auto") == 0) {
                shard_auto = true;
                break;
            }
            if (sscanf(optarg, "%u/%u%c", &k, &n, &extra) != 2 || n < 1 || k < 1 || k > n ||
                n > 100000)
                return cli_usage_error(ctx, "--shard: '%s' is not K/N with 1 <= K <= N",
                    optarg);
            p.shard_k = k;
            p.shard_n = n;
            break;
        }
        case 'f':
            if (parse_format(optarg, &fmt) == -1)
                return cli_usage_error(ctx, "--format: '%s' (text, json or csv)", optarg);
            break;
        case 'c':
            p.cropped = true;
            break;
        case 'r':
            if (parse_u64(optarg, &p.seed) == -1)
                return cli_usage_error(ctx, "--seed: '%s' is not an unsigned integer", optarg);
            break;
        case 'I':
            if (parse_u64(optarg, &p.max_impostors) == -1)
                return cli_usage_error(ctx, "--impostors: '%s' is not a count (0: all)",
                    optarg);
            break;
        case 'G':
            if (parse_u64(optarg, &u) == -1 || u < 1 || u > 1000)
                return cli_usage_error(ctx, "--gallery-images: '%s' (1 to 1000)", optarg);
            p.gallery_images = (unsigned)u;
            break;
        case 'U':
            if (parse_real(optarg, 0, 0.95, &p.unknown_share) == -1)
                return cli_usage_error(ctx, "--unknown-share: '%s' (0 to 0.95)", optarg);
            break;
        case 'B':
            if (parse_u64(optarg, &u) == -1 || u > 100000)
                return cli_usage_error(ctx, "--bootstrap: '%s' (0 to 100000)", optarg);
            p.bootstrap = (unsigned)u;
            break;
        case 'D':
            descs = optarg;
            break;
        case 'E':
            dets = optarg;
            break;
        case 'F':
            dopt.format = optarg;
            break;
        case 'M':
            if (parse_u64(optarg, &u) == -1 || u < 1)
                return cli_usage_error(ctx, "--max-images: '%s' is not a positive count",
                    optarg);
            dopt.max_items = (size_t)u;
            break;
        case 'j':
            if (parse_u64(optarg, &u) == -1 || u < 1 || u > 256)
                return cli_usage_error(ctx, "--jobs: '%s' (1 to 256)", optarg);
            p.jobs = (unsigned)u;
            break;
        case 'd': {
            enum detector_kind k;

            if (detector_kind_parse(optarg, &k) == -1)
                return cli_usage_error(ctx, "--detector is tiny, ssd or tiled, not '%s'", optarg);
            ro.detector = (int)k;
            break;
        }
        case 'z':
            if (parse_u64(optarg, &u) == -1 || u < 32 || u > 2048 || u % 32 != 0)
                return cli_usage_error(ctx, "--input-size: '%s' (a multiple of 32, 32 to "
                    "2048)", optarg);
            ro.input_size = (int)u;
            break;
        case 'm':
            if (parse_real(optarg, 0.01, 0.99, &ro.min_score) == -1)
                return cli_usage_error(ctx, "--min-score: '%s' (0.01 to 0.99)", optarg);
            break;
        case 'o':
            ro.one_face = true;
            break;
        case 'w':
            if (parse_u64(optarg, &u) == -1 || u < 1 || u > 10000)
                return cli_usage_error(ctx, "--min-face: '%s' (pixels, 1 to 10000)", optarg);
            ro.min_face = (unsigned)u;
            break;
        case 'A':
            allow_missing = true;
            break;
        case 'K':
            if (eval_gallery_pick_parse(optarg, &p.gallery_pick) == -1)
                return cli_usage_error(ctx, "--gallery-pick: '%s' (first, all-but-one or "
                    "random)", optarg);
            break;
        case 'P':
            dopt.pair_columns = optarg;
            if (dopt.format == NULL)
                dopt.format = "pairs";
            break;
        case 'N':
            if (parse_u64(optarg, &u) == -1 || u < 1 || u > 100000)
                return cli_usage_error(ctx, "--shards: '%s' (1 to 100000)", optarg);
            shards_opt = (unsigned)u;
            break;
        default:
            return cli_usage_error(ctx, "bad option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error(ctx, optind == argc ? "missing DATASET" :
            "one DATASET only");
    if (shards_opt != 0 && !shard_auto)
        return cli_usage_error(ctx, "--shards N goes with --shard auto");
    if (shard_auto) {
        const char *src = NULL;

        if (eval_shard_auto(NULL, shards_opt, &p.shard_k, &p.shard_n, &src, &cause) == -1) {
            rc = cli_usage_error(ctx, "%s", cause);
            free(cause);
            return rc;
        }
        log_info("eval: shard %u/%u from %s", p.shard_k, p.shard_n, src);
    }
    if (ro.input_size != 0 && ro.detector == DETECTOR_SSD)
        return cli_usage_error(ctx, "--input-size applies to the tiny detector only");
    if ((descs != NULL || dets != NULL) && (ro.detector != DETECTOR_TINY ||
            ro.input_size != 0 || ro.min_score > 0 || ro.one_face || ro.min_face > 0))
        return cli_usage_error(ctx, "--detector, --input-size, --min-score, --one-face and "
            "--min-face configure the built-in engine, not --descriptors/--detections");
    if (p.shard_n > 1 && save == NULL && resume == NULL)
        return cli_usage_error(ctx, "--shard needs --save NAME or --resume NAME (`faceaudit merge` reads the "
            "stored shards)");
    if (p.shard_n > 1 && (gatepath != NULL || baseline != NULL))
        return cli_usage_error(ctx, "--gate and --baseline apply to the merged run, not to "
            "one shard");
    dopt.cropped = p.cropped;

    /* everything that can be checked before the long work is checked first */
    if (gatepath != NULL && (gate = eval_gate_load(gatepath, &cause)) == NULL)
        goto fail_cause;
    if (resume != NULL && save != NULL) {
        cli_usage_error(ctx, "--resume NAME continues the run NAME: no --save with it");
        goto out;
    }
    if ((save != NULL || baseline != NULL || resume != NULL) && (st = cli_store(ctx)) == NULL)
        goto out;
    if (baseline != NULL) {
        if ((bres = load_run(ctx, baseline, &bf, NULL)) == NULL)
            goto out;
        have_bf = true;
    }
    {
        char *path = ds_find(argv[optind]);

        ds = dataset_load(path != NULL ? path : argv[optind], &dopt, &cause);
        free(path);
        if (ds == NULL)
            goto fail_cause;
    }
    /*
     * One BLAS thread, always: a multi-threaded BLAS sums in an order that
     * depends on its thread count, which would make descriptors (and shards
     * run on different machines) differ in the last bits. Parallelism comes
     * from --jobs, one network instance per thread, which does not change
     * any result.
     */
    gemm_set_threads(1);
    if (descs != NULL || dets != NULL)
        eng = eval_engine_files(descs, dets, &cause);
    else
    {
        ro.protocol = p.protocol;
        ro.cropped = p.cropped;
        eng = eval_engine_recog(&ro, &cause);
    }
    if (eng == NULL)
        goto fail_cause;
    /* a file that cannot be opened is a dataset error, listed in full, before any work */
    if (!allow_missing) {
        char **bad = NULL;
        size_t nbad = dataset_unopenable(ds, &bad), i;

        for (i = 0; i < nbad; i++) {
            cli_error(ctx, "%s: %s", ds->source, bad[i]);
            free(bad[i]);
        }
        free(bad);
        if (nbad > 0) {
            cli_error(ctx, "%s: %zu image file(s) cannot be opened; fix the dataset, or "
                "--allow-missing counts them as failures to acquire", ds->source, nbad);
            goto out;
        }
    }

    if (resume != NULL) {
        char manifest[65];

        if ((run_id = store_eval_find_running(st, resume, manifest, &cause)) == -1)
            goto fail_cause;
        if (strcmp(manifest, ds->manifest_sha256) != 0) {
            run_id = -1;
            cause = xasprintf("eval run '%s' was started on another dataset (manifest %.16s, "
                "this one %.16s): resume it with the same dataset and options", resume,
                manifest, ds->manifest_sha256);
            goto fail_cause;
        }
        save = resume;
    } else if (save != NULL) {
        struct eval_result meta;

        memset(&meta, 0, sizeof meta);
        meta.params = p;
        meta.dataset = ds->source;
        meta.engine = (char *)(uintptr_t)eng->name;
        memcpy(meta.manifest_sha256, ds->manifest_sha256, sizeof meta.manifest_sha256);
        memcpy(meta.model_sha256, eng->model_sha256, sizeof meta.model_sha256);
        if ((run_id = eval_store_begin(st, save, &meta, &cause)) == -1)
            goto fail_cause;
    }
    if (save != NULL && eng->embed != NULL)
        eng = eval_engine_cached(eng, st, run_id); /* progress survives a kill */
    memset(&prog, 0, sizeof prog);
    prog.f = ctx->err;
    prog.what = p.protocol == EVAL_DETECT ? "images" : "images embedded";
    prog.plain = !ctx->progress;
    prog.interval = 5;
    {
        const char *iv = getenv("FACEAUDIT_PROGRESS_SECONDS");
        double v;

        if (iv != NULL && parse_real(iv, 0, 86400, &v) == 0)
            prog.interval = v;
    }
    clock_gettime(CLOCK_MONOTONIC, &prog.start);
    res = eval_run(ds, eng, &p, log_get_level() < LOG_LEVEL_QUIET ? progress_cb : NULL, &prog,
        &cause);
    if (res == NULL)
        goto fail_cause;
    eval_figures_compute(res, &f);
    have_f = true;
    json = eval_figures_json(res, &f);
    if (save != NULL) {
        if (eval_store_finish(st, run_id, res, &f, json, &cause) == -1)
            goto fail_cause;
        if (resume != NULL && fmt == OUT_TEXT)
            fprintf(ctx->out, "resumed: %zu descriptors taken from the killed run\n",
                eval_engine_cached_hits(eng));
        /* The cached descriptors are templates: they go once the run is stored. */
        if (eng->embed != NULL && store_evalcache_clear(st, run_id, &cause) == -1)
            goto fail_cause;
        run_id = -1;
    }
    print_figures(ctx, fmt, res, &f, json, have_bf ? &bf : NULL, save);
    if (save != NULL && fmt == OUT_TEXT)
        fprintf(ctx->out, "stored as run '%s'\n", save);
    if (bres != NULL && fmt == OUT_TEXT) {
        if (strcmp(bres->manifest_sha256, res->manifest_sha256) != 0)
            fprintf(ctx->out, "note: the baseline '%s' was measured on another dataset "
                "(manifest %.16s, this one %.16s)\n", baseline, bres->manifest_sha256,
                res->manifest_sha256);
        if (memcmp(&bres->params.threshold, &res->params.threshold, sizeof(double)) != 0 ||
            bres->params.seed != res->params.seed)
            fprintf(ctx->out, "note: the baseline '%s' used threshold %g and seed %" PRIu64 "\n",
                baseline, bres->params.threshold, bres->params.seed);
    }
    rc = gate != NULL ? run_gate(ctx, gate, gatepath, &f, have_bf ? &bf : NULL) : FA_EXIT_OK;
    goto out;

fail_cause:
    rc = cli_error(ctx, "%s", cause);
    free(cause);
out:
    if (run_id != -1)
        store_eval_fail(st, run_id);
    if (have_f)
        eval_figures_done(&f);
    if (have_bf)
        eval_figures_done(&bf);
    free(json);
    eval_result_free(res);
    eval_result_free(bres);
    eval_engine_free(eng);
    dataset_free(ds);
    eval_gate_free(gate);
    return rc;
}

const struct cmd_entry cmd_eval_entry = {
    "eval", NULL, "DATASET [--protocol verify|identify|detect] [--threshold T] [--save NAME|--resume NAME] "
    "[--baseline NAME] [--gate FILE] [--shard K/N|auto] [--format text|json|csv] [--cropped] "
    "[--seed S] [--detector tiny|ssd] [--allow-missing] [options]",
    "measure accuracy on a labelled dataset (ISO/IEC 19795-1), store it, gate it",
    "DATASET is a CSV manifest, a folder per identity, an LFW pairs.txt, a\n"
    "labelled pairs CSV (a,b,same) or an imglab XML file (see\n"
    "datasets/README.md), or the name of a shipped definition (orl, bbt,\n"
    "dlib-train; images through $FACEAUDIT_DATA).\n"
    "Scores are Euclidean distances between descriptors: lower is more\n"
    "similar, a comparison matches when distance <= threshold. Failed\n"
    "acquisitions count as failures, never as exclusions.\n"
    "\n"
    "  --protocol P       verify (default): genuine and impostor pairs; identify:\n"
    "                     seeded gallery/probe split by subject, open set;\n"
    "                     detect: boxes matched at IoU >= 0.5\n"
    "  --threshold T      the deployment's frozen threshold (default 0.6)\n"
    "  --seed S           seed for sampling, splits and bootstrap (default 1)\n"
    "  --impostors N      sample N impostor pairs when there are more (default\n"
    "                     1000000; 0: all)\n"
    "  --gallery-images N identification: images enrolled per subject (default 1)\n"
    "  --gallery-pick P   identification: which images enrol: random (seeded by\n"
    "                     --seed, default), first (in dataset order) or\n"
    "                     all-but-one (the last image of each subject searches)\n"
    "  --unknown-share F  identification: share of subjects left out of the\n"
    "                     gallery as non-mated searches (default 0.25)\n"
    "  --bootstrap N      subject-level bootstrap replicates (default 1000; 0: off)\n"
    "  --cropped          the images are face crops: no detection\n"
    "  --detector D       tiny (TinyFaceDetector, default), ssd (SSD MobileNetV1) or\n"
    "                     tiled (TinyFaceDetector over overlapping tiles: small and\n"
    "                     off-centre faces)\n"
    "  --input-size N     tiny detector input, a multiple of 32 (default 416)\n"
    "  --min-score S      keep detections scoring above S (default 0.5)\n"
    "  --one-face         an image with more than one face fails to acquire\n"
    "                     (default: the most confident face is the subject)\n"
    "  --min-face PX      a face (or crop) narrower than PX pixels fails to acquire\n"
    "  --allow-missing    a file that cannot be opened is a failure to acquire\n"
    "                     (default: a dataset error, exit 2, every one listed)\n"
    "  --descriptors FILE evaluate another system's descriptors (CSV path,v1..vD)\n"
    "  --detections FILE  evaluate another system's detections (CSV\n"
    "                     path,x,y,w,h,confidence)\n"
    "  --save NAME        store the run (parameters, hashes, every score); each\n"
    "                     descriptor is recorded (sealed) as it is computed\n"
    "  --resume NAME      continue the stored run NAME that was killed: the\n"
    "                     descriptors it recorded are not computed again (same\n"
    "                     dataset and options as the killed run)\n"
    "  --baseline NAME    compare with a stored run\n"
    "  --gate FILE        YAML gate: exit 1 with the list of failed checks\n"
    "  --shard K/N        do the K-th of N parts (needs --save); then\n"
    "                     `faceaudit merge` gives exactly the single-run figures\n"
    "  --shard auto       K and N from a Slurm array (SLURM_ARRAY_TASK_ID, _MIN,\n"
    "                     _COUNT; a stepped array is refused), a Kubernetes\n"
    "                     Indexed Job (JOB_COMPLETION_INDEX, with --shards N) or\n"
    "                     GNU parallel (PARALLEL_SEQ, with --shards N)\n"
    "  --shards N         the number of shards for --shard auto\n"
    "  --format F         text (default), json (the stored figures document), csv\n"
    "  --dataset-format F csv, dir, lfw, imglab or pairs (default: from the path)\n"
    "  --pair-columns A,B,SAME  a labelled pairs CSV whose columns have other names\n"
    "                     (e.g. file_x,file_y,Decision); the default a,b,same\n"
    "                     header is recognised by itself; any class balance\n"
    "  --max-images N     refuse datasets with more images (default 2000000)\n"
    "  -j, --jobs N       acquire descriptors in N threads, one network instance\n"
    "                     each (default 1); the figures do not depend on N\n"
    "\n"
    "Progress goes to stderr: a bar on a terminal, otherwise one line every\n"
    "$FACEAUDIT_PROGRESS_SECONDS (default 5) seconds and at the end (done, rate,\n"
    "time left); faceaudit -q silences both.\n"
    "\n"
    "exit status: 0 ok; 1 the gate failed; 2 bad usage, bad input, engine error.\n",
    cmd_eval_exec
};

/* --- faceaudit merge ------------------------------------------------------------ */

static int
cmd_merge_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "save", required_argument, NULL, 's' },
        { "format", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 }
    };
    const char *save = NULL;
    enum out_format fmt = OUT_TEXT;
    struct eval_result **shards = NULL, *m = NULL;
    struct eval_figures f;
    struct store *st;
    char *cause = NULL, *json = NULL;
    int c, i, n, rc = FA_EXIT_USAGE;
    int64_t id;

    while ((c = getopt_long(argc, argv, "s:f:", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            save = optarg;
            break;
        case 'f':
            if (parse_format(optarg, &fmt) == -1)
                return cli_usage_error(ctx, "--format: '%s' (text, json or csv)", optarg);
            break;
        default:
            return cli_usage_error(ctx, "bad option");
        }
    }
    n = argc - optind;
    if (n < 1)
        return cli_usage_error(ctx, "missing the shard runs to merge");
    if ((st = cli_store(ctx)) == NULL)
        return FA_EXIT_USAGE;
    shards = xcalloc((size_t)n, sizeof *shards);
    for (i = 0; i < n; i++) {
        /* DBFILE:NAME reads a shard from another database (one per array task) */
        const char *arg = argv[optind + i], *colon = strrchr(arg, ':');
        char *dbfile = colon != NULL ? xstrndup(arg, (size_t)(colon - arg)) : NULL;

        if (dbfile != NULL && fs_exists(dbfile) && !fs_is_dir(dbfile)) {
            /* read-only: a shard copied from a node may sit on a read-only mount */
            struct store *other = store_open_readonly(dbfile, &cause);

            if (other == NULL) {
                free(dbfile);
                goto fail_cause;
            }
            shards[i] = eval_store_load(other, colon + 1, NULL, &cause);
            store_close(other);
            if (shards[i] == NULL)
                cause_prefix(&cause, "%s", dbfile);
        } else
            shards[i] = eval_store_load(st, arg, NULL, &cause);
        free(dbfile);
        if (shards[i] == NULL)
            goto fail_cause;
    }
    if ((m = eval_result_merge(shards, (size_t)n, &cause)) == NULL)
        goto fail_cause;
    eval_figures_compute(m, &f);
    json = eval_figures_json(m, &f);
    if (save != NULL) {
        if ((id = eval_store_begin(st, save, m, &cause)) == -1 ||
            eval_store_finish(st, id, m, &f, json, &cause) == -1) {
            eval_figures_done(&f);
            goto fail_cause;
        }
    }
    print_figures(ctx, fmt, m, &f, json, NULL, save);
    if (save != NULL && fmt == OUT_TEXT)
        fprintf(ctx->out, "merged %d shard(s), stored as run '%s'\n", n, save);
    eval_figures_done(&f);
    rc = FA_EXIT_OK;
    goto out;
fail_cause:
    rc = cli_error(ctx, "%s", cause);
    free(cause);
out:
    for (i = 0; i < n; i++)
        eval_result_free(shards[i]);
    free(shards);
    eval_result_free(m);
    free(json);
    return rc;
}

const struct cmd_entry cmd_merge_entry = {
    "merge", NULL, "[--save NAME] [--format text|json|csv] [DBFILE:]RUN...",
    "merge the stored runs of `eval --shard K/N` into the single-run result",
    "Every shard K/N of one job must be given exactly once; they must have\n"
    "the same dataset manifest, engine, model hash and options. The merged\n"
    "figures are byte-identical to those of the same evaluation run unsharded.\n"
    "A shard may be read from another database file as DBFILE:RUN, so that\n"
    "each task of a Slurm array or GNU parallel job can write its own\n"
    "database (`faceaudit --db task-$K.db eval ... --shard $K/N --save s$K`).\n"
    "\n"
    "  --save NAME   store the merged run\n"
    "  --format F    text (default), json or csv\n",
    cmd_merge_exec
};

/* --- faceaudit runs --------------------------------------------------------------- */

static void
list_row(const struct store_run_row *r, void *arg)
{
    FILE *o = arg;

    fprintf(o, "%-6" PRId64 " %-10s %-24s %-9s %-20s %s\n", r->id, r->kind,
        r->name != NULL && *r->name != '\0' ? r->name : "-", r->status, r->created_at,
        r->summary != NULL ? r->summary : "");
}

static int
cmd_runs_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "kind", required_argument, NULL, 'k' },
        { "format", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 }
    };
    const char *sub, *kind = NULL;
    enum out_format fmt = OUT_TEXT;
    struct store *st;
    char *cause = NULL;
    int c;

    if (argc < 2)
        return cli_usage_error(ctx, "missing subcommand (list, show or delete)");
    sub = argv[1];
    argc--;
    argv++;
    while ((c = getopt_long(argc, argv, "k:f:", longopts, NULL)) != -1) {
        switch (c) {
        case 'k':
            kind = optarg;
            break;
        case 'f':
            if (parse_format(optarg, &fmt) == -1)
                return cli_usage_error(ctx, "--format: '%s' (text, json or csv)", optarg);
            break;
        default:
            return cli_usage_error(ctx, "bad option");
        }
    }
    if (strcmp(sub, "list") == 0) {
        if (optind != argc)
            return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
        if ((st = cli_store(ctx)) == NULL)
            return FA_EXIT_USAGE;
        fprintf(ctx->out, "%-6s %-10s %-24s %-9s %-20s %s\n", "ID", "KIND", "NAME", "STATUS",
            "CREATED", "SUMMARY");
        if (store_run_each(st, kind, list_row, ctx->out, &cause) == -1) {
            c = cli_error(ctx, "%s", cause);
            free(cause);
            return c;
        }
        return FA_EXIT_OK;
    }
    if (strcmp(sub, "show") == 0) {
        struct eval_result *res;
        struct eval_figures f;
        char *stored = NULL, *json;
        int rc = FA_EXIT_OK;

        if (optind + 1 != argc)
            return cli_usage_error(ctx, "show needs one run NAME (or #ID)");
        if ((res = load_run(ctx, argv[optind], &f, &stored)) == NULL)
            return FA_EXIT_USAGE;
        json = eval_figures_json(res, &f);
        if (fmt == OUT_JSON)
            fputs(stored, ctx->out);
        else
            print_figures(ctx, fmt, res, &f, json, NULL, argv[optind]);
        if (strcmp(json, stored) != 0) {
            cli_error(ctx, "run '%s': the stored figures differ from a recomputation from "
                "its stored scores by this faceaudit %s", argv[optind], PACKAGE_VERSION);
            rc = FA_EXIT_FINDINGS;
        } else if (fmt == OUT_TEXT)
            fputs("stored figures verified: recomputed from the stored scores, identical\n",
                ctx->out);
        free(json);
        free(stored);
        eval_figures_done(&f);
        eval_result_free(res);
        return rc;
    }
    if (strcmp(sub, "delete") == 0) {
        if (optind + 1 != argc)
            return cli_usage_error(ctx, "delete needs one run NAME (or #ID)");
        if ((st = cli_store(ctx)) == NULL)
            return FA_EXIT_USAGE;
        if (store_run_delete(st, kind, argv[optind], &cause) == -1) {
            c = cli_error(ctx, "%s", cause);
            free(cause);
            return c;
        }
        fprintf(ctx->out, "deleted run '%s'\n", argv[optind]);
        return FA_EXIT_OK;
    }
    return cli_usage_error(ctx, "unknown subcommand '%s' (list, show or delete)", sub);
}

const struct cmd_entry cmd_runs_entry = {
    "runs", NULL, "list [--kind KIND] | show NAME [--format text|json|csv] | delete NAME",
    "list, show and delete stored runs",
    "  list         every stored run (audit, eval, simulation, replay), newest\n"
    "               first; --kind restricts to one kind\n"
    "  show NAME    an eval run's figures, recomputed from its stored scores and\n"
    "               checked against the figures stored with it (json: the\n"
    "               stored document); NAME may be #ID\n"
    "  delete NAME  remove a run and everything stored with it\n"
    "\n"
    "exit status: 0 ok; 1 the stored figures do not match a recomputation;\n"
    "2 no such run or a database error.\n",
    cmd_runs_exec
};

/* --- faceaudit dataset ------------------------------------------------------------- */

static void
print_list(FILE *o, const char *what, char **list, size_t n)
{
    size_t i;

    fprintf(o, "%s: %zu\n", what, n);
    for (i = 0; i < n && i < 50; i++)
        fprintf(o, "  %s\n", list[i]);
    if (n > 50)
        fprintf(o, "  ... and %zu more\n", n - 50);
}

/* dataset check: an image that does not decode is unreadable too. */
static int
decode_image(void *arg, const char *path, char **cause)
{
    struct image *img = image_load(path, NULL, cause);

    if (img == NULL)
        return -1;
    image_free(img);
    return 0;
}

static int
cmd_dataset_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "dataset-format", required_argument, NULL, 'F' },
        { "max-images", required_argument, NULL, 'M' },
        { "max-file-bytes", required_argument, NULL, 'X' },
        { "no-decode", no_argument, NULL, 'N' },
        { NULL, 0, NULL, 0 }
    };
    bool nodecode = false;
    struct ds_options dopt;
    struct dataset *ds;
    struct ds_check chk;
    struct progress prog;
    uint64_t maxbytes = 64u << 20, u;
    char *cause = NULL;
    const char *sub;
    int c, rc;

    memset(&dopt, 0, sizeof dopt);
    if (argc < 2)
        return cli_usage_error(ctx, "missing subcommand (check)");
    sub = argv[1];
    argc--;
    argv++;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'F':
            dopt.format = optarg;
            break;
        case 'M':
            if (parse_u64(optarg, &u) == -1 || u < 1)
                return cli_usage_error(ctx, "--max-images: '%s'", optarg);
            dopt.max_items = (size_t)u;
            break;
        case 'X':
            if (parse_u64(optarg, &maxbytes) == -1 || maxbytes < 1)
                return cli_usage_error(ctx, "--max-file-bytes: '%s'", optarg);
            break;
        case 'N':
            nodecode = true;
            break;
        default:
            return cli_usage_error(ctx, "bad option");
        }
    }
    if (strcmp(sub, "check") != 0)
        return cli_usage_error(ctx, "unknown subcommand '%s' (check)", sub);
    if (optind + 1 != argc)
        return cli_usage_error(ctx, "check needs one DIR or FILE");
    {
        char *path = ds_find(argv[optind]);

        ds = dataset_load(path != NULL ? path : argv[optind], &dopt, &cause);
        free(path);
    }
    if (ds == NULL) {
        rc = cli_error(ctx, "%s", cause);
        free(cause);
        return rc;
    }
    memset(&prog, 0, sizeof prog);
    prog.f = ctx->err;
    prog.what = "files";
    clock_gettime(CLOCK_MONOTONIC, &prog.start);
    dataset_check(ds, maxbytes, nodecode ? NULL : decode_image, NULL, &chk,
        ctx->progress ? progress_cb : NULL, &prog);
    fprintf(ctx->out, "dataset: %s (format %s, manifest sha256 %s)\n", ds->source, ds->format,
        ds->manifest_sha256);
    fprintf(ctx->out, "images: %zu, subjects: %zu", chk.images, chk.subjects);
    if (chk.subjects > 0)
        fprintf(ctx->out, " (%zu to %zu images each)", chk.per_subject_min,
            chk.per_subject_max);
    fprintf(ctx->out, "\nface boxes: %zu\n", chk.boxes);
    if (chk.pairs > 0)
        fprintf(ctx->out, "listed pairs: %zu (%zu genuine, %zu impostor) in %u fold(s)\n",
            chk.pairs, chk.genuine, chk.impostor, ds->nfolds);
    if (ds->unlabelled > 0)
        fprintf(ctx->out, "images without an identity folder (skipped): %zu\n", ds->unlabelled);
    fprintf(ctx->out, "under-14 images: %zu\nbytes read: %" PRIu64 "\n", chk.minors, chk.bytes);
    print_list(ctx->out, "missing", chk.missing, chk.nmissing);
    print_list(ctx->out, "unreadable", chk.unreadable, chk.nunreadable);
    print_list(ctx->out, "duplicates (same content)", chk.duplicates, chk.nduplicates);
    rc = chk.nmissing + chk.nunreadable + chk.nduplicates > 0 ? FA_EXIT_FINDINGS : FA_EXIT_OK;
    ds_check_done(&chk);
    dataset_free(ds);
    return rc;
}

const struct cmd_entry cmd_dataset_entry = {
    "dataset", NULL, "check DIR|FILE [--dataset-format F] [--max-images N] "
    "[--max-file-bytes N] [--no-decode]",
    "check a labelled dataset: counts, missing, unreadable and duplicate files",
    "Loads the dataset (CSV manifest, folder per identity, LFW pairs.txt or\n"
    "imglab XML; datasets/README.md documents them), reads and decodes every\n"
    "image, and reports the counts, files that are missing, unreadable, empty,\n"
    "over --max-file-bytes (default 64 MiB) or not decodable (--no-decode\n"
    "skips decoding), and files with identical content.\n"
    "\n"
    "exit status: 0 clean; 1 problems found; 2 the dataset cannot be loaded\n"
    "(the message says file:line and the column).\n",
    cmd_dataset_exec
};
