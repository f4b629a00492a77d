/* SPDX-License-Identifier: MIT */
/*
 * eval_gate.c - regression gates: a YAML file (read with core's YAML helper,
 * ydoc.h; errors name file:line:col) saying what fails the build, applied to the
 * figures of a run and, for the comparisons, of its --baseline. Every key
 * is optional; a check whose figures are absent from the run's protocol is
 * reported as SKIP; one that cannot be decided (e.g. the impostor count does
 * not support the target FMR) FAILS, so a gate never passes by accident.
 *
 *   fmr_upper_max: 0.001      # upper 95% bound of FMR at the frozen threshold
 *                             #   (the larger of Wilson and subject bootstrap)
 *   fnmr_max: 0.05            # FNMR at the frozen threshold
 *   fnmr_at_fmr:              # vs --baseline: FNMR at FMR = fmr must not be
 *     fmr: 0.001              #   worse by more than max_worsening with
 *     max_worsening: 0.01     #   non-overlapping 95% intervals
 *   group_ratio_max:          # demographic max/min ratios at the threshold
 *     fmr: 4
 *     fnmr: 2
 *   fta_max: 0.02             # failure to acquire
 *   fta_max_increase: 0       # vs --baseline
 *   rank1_min: 0.9            # identification: rank-1 rate
 *   fpir_max: 0.01            # identification: FPIR at the threshold
 *   ap_min: 0.8               # detection: average precision
 *   recall_min: 0.9           # detection: recall
 */
#include "config.h"

#include "faceaudit/eval.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "faceaudit/ydoc.h"

struct gate_fnmr_at_fmr {
    double fmr;
    double max_worsening;
};

struct gate_ratio {
    double *fmr;
    double *fnmr;
};

struct gate_yaml {
    double *fmr_upper_max;
    double *fnmr_max;
    struct gate_fnmr_at_fmr *fnmr_at_fmr;
    struct gate_ratio *group_ratio_max;
    double *fta_max;
    double *fta_max_increase;
    double *rank1_min;
    double *fpir_max;
    double *ap_min;
    double *recall_min;
};

struct eval_gate {
    char *path;
    struct gate_yaml *y;
};

static const char *const gate_keys[] = { "fmr_upper_max", "fnmr_max", "fnmr_at_fmr",
    "group_ratio_max", "fta_max", "fta_max_increase", "rank1_min", "fpir_max", "ap_min",
    "recall_min", NULL };
static const char *const fnmr_at_fmr_keys[] = { "fmr", "max_worsening", NULL };
static const char *const ratio_keys[] = { "fmr", "fnmr", NULL };

/*
 * The number at key `key` of map (absent: *out stays NULL) in [0, max];
 * `name` is the key's dotted path for messages.
 */
static int
gate_number(const struct ydoc *map, const char *file, const char *key, const char *name,
    double max, double **out, char **cause)
{
    const struct ydoc *v = ydoc_get(map, key);
    double d;

    if (v == NULL)
        return 0;
    if (ydoc_number(v, file, name, &d, cause) != 0)
        return -1;
    if (!(d >= 0 && d <= max))
        return ydoc_error(cause, file, v, "%s: %g is out of range (0 to %g)", name, d, max);
    *out = xmalloc(sizeof **out);
    **out = d;
    return 0;
}

static void
gate_yaml_free(struct gate_yaml *y)
{
    if (y == NULL)
        return;
    free(y->fmr_upper_max);
    free(y->fnmr_max);
    free(y->fnmr_at_fmr);
    if (y->group_ratio_max != NULL) {
        free(y->group_ratio_max->fmr);
        free(y->group_ratio_max->fnmr);
        free(y->group_ratio_max);
    }
    free(y->fta_max);
    free(y->fta_max_increase);
    free(y->rank1_min);
    free(y->fpir_max);
    free(y->ap_min);
    free(y->recall_min);
    free(y);
}

/* The gate document into y; 0 or -1 with *cause. */
static int
gate_read(const struct ydoc *doc, const char *path, struct gate_yaml *y, char **cause)
{
    const struct ydoc *v;
    double *fmr = NULL, *worse = NULL;
    size_t i;
    bool ok = false;

    if (ydoc_check_map(doc, path, "a gate file", gate_keys, cause) != 0 ||
        gate_number(doc, path, "fmr_upper_max", "fmr_upper_max", 1, &y->fmr_upper_max,
            cause) != 0 ||
        gate_number(doc, path, "fnmr_max", "fnmr_max", 1, &y->fnmr_max, cause) != 0 ||
        gate_number(doc, path, "fta_max", "fta_max", 1, &y->fta_max, cause) != 0 ||
        gate_number(doc, path, "fta_max_increase", "fta_max_increase", 1,
            &y->fta_max_increase, cause) != 0 ||
        gate_number(doc, path, "rank1_min", "rank1_min", 1, &y->rank1_min, cause) != 0 ||
        gate_number(doc, path, "fpir_max", "fpir_max", 1, &y->fpir_max, cause) != 0 ||
        gate_number(doc, path, "ap_min", "ap_min", 1, &y->ap_min, cause) != 0 ||
        gate_number(doc, path, "recall_min", "recall_min", 1, &y->recall_min, cause) != 0)
        return -1;
    if ((v = ydoc_get(doc, "group_ratio_max")) != NULL) {
        y->group_ratio_max = xcalloc(1, sizeof *y->group_ratio_max);
        if (ydoc_check_map(v, path, "group_ratio_max", ratio_keys, cause) != 0 ||
            gate_number(v, path, "fmr", "group_ratio_max.fmr", 1e9, &y->group_ratio_max->fmr,
                cause) != 0 ||
            gate_number(v, path, "fnmr", "group_ratio_max.fnmr", 1e9,
                &y->group_ratio_max->fnmr, cause) != 0)
            return -1;
    }
    if ((v = ydoc_get(doc, "fnmr_at_fmr")) == NULL)
        return 0;
    if (ydoc_check_map(v, path, "fnmr_at_fmr", fnmr_at_fmr_keys, cause) != 0 ||
        gate_number(v, path, "fmr", "fnmr_at_fmr.fmr", 1, &fmr, cause) != 0 ||
        gate_number(v, path, "max_worsening", "fnmr_at_fmr.max_worsening", 1, &worse,
            cause) != 0)
        goto out;
    if (fmr == NULL || worse == NULL) {
        ydoc_error(cause, path, v, "fnmr_at_fmr needs both fmr and max_worsening");
        goto out;
    }
    for (i = 0; i < EVAL_NTARGETS; i++)
        ok = ok || fabs(*fmr - eval_targets[i]) <= eval_targets[i] * 1e-9;
    if (!ok) {
        ydoc_error(cause, path, ydoc_get(v, "fmr"), "fnmr_at_fmr.fmr: %g is not one of the "
            "reported targets (0.01, 0.001, 0.0001, 1e-05, 1e-06)", *fmr);
        goto out;
    }
    y->fnmr_at_fmr = xmalloc(sizeof *y->fnmr_at_fmr);
    y->fnmr_at_fmr->fmr = *fmr;
    y->fnmr_at_fmr->max_worsening = *worse;
out:
    free(fmr);
    free(worse);
    return y->fnmr_at_fmr != NULL ? 0 : -1;
}

struct eval_gate *
eval_gate_load(const char *path, char **cause)
{
    const struct ydoc_limits lim = { 4, 1000, 256 };
    struct ydoc *doc;
    struct eval_gate *g;
    char *text;
    size_t len;

    /* read it ourselves first: a clear message for a missing or huge file */
    if ((text = fs_read_file(path, 1u << 20, &len, cause)) == NULL)
        return NULL;
    doc = ydoc_parse(text, len, path, &lim, cause);
    free(text);
    if (doc == NULL)
        return NULL;
    if (ydoc_is_null(doc)) {
        cause_set(cause, "%s: empty gate file", path);
        ydoc_free(doc);
        return NULL;
    }
    g = xcalloc(1, sizeof *g);
    g->path = xstrdup(path);
    g->y = xcalloc(1, sizeof *g->y);
    if (gate_read(doc, path, g->y, cause) != 0) {
        ydoc_free(doc);
        eval_gate_free(g);
        return NULL;
    }
    ydoc_free(doc);
    return g;
}

void
eval_gate_free(struct eval_gate *g)
{
    if (g == NULL)
        return;
    gate_yaml_free(g->y);
    free(g->path);
    free(g);
}

static void
line(struct strbuf *sb, int *failed, bool fail, const char *fmt, ...) FA_PRINTF(4, 5);

static void
line(struct strbuf *sb, int *failed, bool fail, const char *fmt, ...)
{
    va_list ap;

    strbuf_puts(sb, fail ? "FAIL " : "PASS ");
    va_start(ap, fmt);
    strbuf_vprintf(sb, fmt, ap);
    va_end(ap);
    strbuf_putc(sb, '\n');
    *failed += fail;
}

static void
skip(struct strbuf *sb, const char *what, enum eval_protocol p)
{
    strbuf_printf(sb, "SKIP %s: not measured by the %s protocol\n", what,
        eval_protocol_name(p));
}

static const struct eval_op *
op_for(const struct eval_figures *f, double target)
{
    size_t i;

    for (i = 0; i < EVAL_NTARGETS; i++) {
        if (fabs(f->ops[i].target - target) <= target * 1e-9)
            return &f->ops[i];
    }
    return NULL;
}

static void
ratio_check(struct strbuf *sb, int *failed, const char *name, const struct eval_ratio *r,
    double limit)
{
    if (!r->defined) {
        strbuf_printf(sb, "SKIP %s max/min ratio: fewer than two labelled groups\n", name);
        return;
    }
    line(sb, failed, !(r->ratio <= limit), "%s max/min ratio %.3g (max %.4g, min %.4g) %s "
        "limit %g", name, r->ratio, r->max, r->min, r->ratio <= limit ? "<=" : ">", limit);
}

int
eval_gate_apply(const struct eval_gate *g, const struct eval_figures *cur,
    const struct eval_figures *base, char **report)
{
    const struct gate_yaml *y = g->y;
    struct strbuf sb;
    int failed = 0;
    bool verify = cur->protocol == EVAL_VERIFY;

    strbuf_init(&sb);
    if (y->fmr_upper_max != NULL) {
        if (!verify)
            skip(&sb, "fmr_upper_max", cur->protocol);
        else if (cur->fmr.n == 0)
            line(&sb, &failed, true, "FMR at threshold %g: no impostor comparisons",
                cur->threshold);
        else {
            double hi = cur->fmr.hi;

            if (!isnan(cur->fmr_boot[1]) && cur->fmr_boot[1] > hi)
                hi = cur->fmr_boot[1];
            line(&sb, &failed, hi > *y->fmr_upper_max, "FMR at threshold %g: %llu/%llu = %.4g, "
                "upper 95%% bound %.4g %s budget %g", cur->threshold,
                (unsigned long long)cur->fmr.k, (unsigned long long)cur->fmr.n, cur->fmr.value,
                hi, hi > *y->fmr_upper_max ? ">" : "<=", *y->fmr_upper_max);
        }
    }
    if (y->fnmr_max != NULL) {
        if (!verify)
            skip(&sb, "fnmr_max", cur->protocol);
        else
            line(&sb, &failed, !(cur->fnmr.value <= *y->fnmr_max), "FNMR at threshold %g: "
                "%llu/%llu = %.4g %s limit %g", cur->threshold, (unsigned long long)cur->fnmr.k,
                (unsigned long long)cur->fnmr.n, cur->fnmr.value,
                cur->fnmr.value <= *y->fnmr_max ? "<=" : ">", *y->fnmr_max);
    }
    if (y->fnmr_at_fmr != NULL) {
        double t = y->fnmr_at_fmr->fmr, d = y->fnmr_at_fmr->max_worsening;
        const struct eval_op *c = op_for(cur, t), *b = base != NULL ? op_for(base, t) : NULL;

        if (!verify)
            skip(&sb, "fnmr_at_fmr", cur->protocol);
        else if (base == NULL)
            line(&sb, &failed, true, "FNMR@FMR=%g: needs a baseline run (--baseline NAME)", t);
        else if (base->protocol != cur->protocol)
            line(&sb, &failed, true, "FNMR@FMR=%g: the baseline is a %s run", t,
                eval_protocol_name(base->protocol));
        else if (!c->supported || !b->supported)
            line(&sb, &failed, true, "FNMR@FMR=%g: cannot be decided: %s run has %llu impostor "
                "comparisons, %llu needed", t, !c->supported ? "this" : "the baseline",
                (unsigned long long)(!c->supported ? cur->fmr.n : base->fmr.n),
                (unsigned long long)c->needed);
        else {
            double worse = c->fnmr.value - b->fnmr.value;
            bool apart = c->fnmr.lo > b->fnmr.hi;

            line(&sb, &failed, worse > d && apart, "FNMR@FMR=%g: %.4g [%.4g, %.4g] vs baseline "
                "%.4g [%.4g, %.4g]: %+.4g (limit +%g%s)", t, c->fnmr.value, c->fnmr.lo,
                c->fnmr.hi, b->fnmr.value, b->fnmr.lo, b->fnmr.hi, worse, d,
                worse > d ? (apart ? ", intervals do not overlap" :
                ", but the intervals overlap") : "");
        }
    }
    if (y->group_ratio_max != NULL) {
        if (!verify)
            skip(&sb, "group_ratio_max", cur->protocol);
        else {
            if (y->group_ratio_max->fmr != NULL) {
                ratio_check(&sb, &failed, "age FMR", &cur->age_fmr, *y->group_ratio_max->fmr);
                ratio_check(&sb, &failed, "sex FMR", &cur->sex_fmr, *y->group_ratio_max->fmr);
            }
            if (y->group_ratio_max->fnmr != NULL) {
                ratio_check(&sb, &failed, "age FNMR", &cur->age_fnmr,
                    *y->group_ratio_max->fnmr);
                ratio_check(&sb, &failed, "sex FNMR", &cur->sex_fnmr,
                    *y->group_ratio_max->fnmr);
            }
        }
    }
    if (y->fta_max != NULL)
        line(&sb, &failed, !(cur->fta.value <= *y->fta_max), "FTA %llu/%llu = %.4g %s limit %g",
            (unsigned long long)cur->fta.k, (unsigned long long)cur->fta.n, cur->fta.value,
            cur->fta.value <= *y->fta_max ? "<=" : ">", *y->fta_max);
    if (y->fta_max_increase != NULL) {
        if (base == NULL)
            line(&sb, &failed, true, "FTA increase: needs a baseline run (--baseline NAME)");
        else {
            double inc = cur->fta.value - base->fta.value;

            line(&sb, &failed, !(inc <= *y->fta_max_increase), "FTA %.4g vs baseline %.4g: "
                "%+.4g %s limit +%g", cur->fta.value, base->fta.value, inc,
                inc <= *y->fta_max_increase ? "<=" : ">", *y->fta_max_increase);
        }
    }
    if (y->rank1_min != NULL) {
        if (cur->protocol != EVAL_IDENTIFY)
            skip(&sb, "rank1_min", cur->protocol);
        else {
            double r1 = cur->ncmc > 0 ? cur->cmc[0] : NAN;

            line(&sb, &failed, !(r1 >= *y->rank1_min), "rank-1 identification rate %.4g %s "
                "minimum %g", r1, r1 >= *y->rank1_min ? ">=" : "<", *y->rank1_min);
        }
    }
    if (y->fpir_max != NULL) {
        if (cur->protocol != EVAL_IDENTIFY)
            skip(&sb, "fpir_max", cur->protocol);
        else
            line(&sb, &failed, !(cur->fpir_t.value <= *y->fpir_max), "FPIR(N=%zu, %g): "
                "%llu/%llu non-mated = %.4g %s limit %g", cur->gallery_n, cur->threshold,
                (unsigned long long)cur->fpir_t.k, (unsigned long long)cur->fpir_t.n,
                cur->fpir_t.value, cur->fpir_t.value <= *y->fpir_max ? "<=" : ">",
                *y->fpir_max);
    }
    if (y->ap_min != NULL) {
        if (cur->protocol != EVAL_DETECT)
            skip(&sb, "ap_min", cur->protocol);
        else
            line(&sb, &failed, !(cur->ap >= *y->ap_min), "average precision %.4g %s minimum %g",
                cur->ap, cur->ap >= *y->ap_min ? ">=" : "<", *y->ap_min);
    }
    if (y->recall_min != NULL) {
        if (cur->protocol != EVAL_DETECT)
            skip(&sb, "recall_min", cur->protocol);
        else
            line(&sb, &failed, !(cur->recall.value >= *y->recall_min), "recall %.4g %s minimum "
                "%g", cur->recall.value, cur->recall.value >= *y->recall_min ? ">=" : "<",
                *y->recall_min);
    }
    *report = strbuf_detach(&sb);
    return failed;
}
