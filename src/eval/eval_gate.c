/* SPDX-License-Identifier: MIT */
/*
 * eval_gate.c - regression gates: a YAML file (libcyaml; the only eval
 * file that includes it) saying what fails the build, applied to the
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

#include <cyaml/cyaml.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

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

static const cyaml_schema_field_t fnmr_at_fmr_fields[] = {
    CYAML_FIELD_FLOAT("fmr", CYAML_FLAG_DEFAULT, struct gate_fnmr_at_fmr, fmr),
    CYAML_FIELD_FLOAT("max_worsening", CYAML_FLAG_DEFAULT, struct gate_fnmr_at_fmr,
        max_worsening),
    CYAML_FIELD_END
};

static const cyaml_schema_field_t ratio_fields[] = {
    CYAML_FIELD_FLOAT_PTR("fmr", CYAML_FLAG_OPTIONAL, struct gate_ratio, fmr),
    CYAML_FIELD_FLOAT_PTR("fnmr", CYAML_FLAG_OPTIONAL, struct gate_ratio, fnmr),
    CYAML_FIELD_END
};

static const cyaml_schema_field_t gate_fields[] = {
    CYAML_FIELD_FLOAT_PTR("fmr_upper_max", CYAML_FLAG_OPTIONAL, struct gate_yaml, fmr_upper_max),
    CYAML_FIELD_FLOAT_PTR("fnmr_max", CYAML_FLAG_OPTIONAL, struct gate_yaml, fnmr_max),
    CYAML_FIELD_MAPPING_PTR("fnmr_at_fmr", CYAML_FLAG_OPTIONAL, struct gate_yaml, fnmr_at_fmr,
        fnmr_at_fmr_fields),
    CYAML_FIELD_MAPPING_PTR("group_ratio_max", CYAML_FLAG_OPTIONAL, struct gate_yaml,
        group_ratio_max, ratio_fields),
    CYAML_FIELD_FLOAT_PTR("fta_max", CYAML_FLAG_OPTIONAL, struct gate_yaml, fta_max),
    CYAML_FIELD_FLOAT_PTR("fta_max_increase", CYAML_FLAG_OPTIONAL, struct gate_yaml,
        fta_max_increase),
    CYAML_FIELD_FLOAT_PTR("rank1_min", CYAML_FLAG_OPTIONAL, struct gate_yaml, rank1_min),
    CYAML_FIELD_FLOAT_PTR("fpir_max", CYAML_FLAG_OPTIONAL, struct gate_yaml, fpir_max),
    CYAML_FIELD_FLOAT_PTR("ap_min", CYAML_FLAG_OPTIONAL, struct gate_yaml, ap_min),
    CYAML_FIELD_FLOAT_PTR("recall_min", CYAML_FLAG_OPTIONAL, struct gate_yaml, recall_min),
    CYAML_FIELD_END
};

static const cyaml_schema_value_t gate_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct gate_yaml, gate_fields),
};

/* libcyaml's messages, collected for the cause. */
static void
gate_log(cyaml_log_t level, void *ctx, const char *fmt, va_list args)
{
    struct strbuf *sb = ctx;

    if (level < CYAML_LOG_ERROR)
        return;
    if (sb->len > 0)
        strbuf_puts(sb, "; ");
    strbuf_vprintf(sb, fmt, args);
    while (sb->len > 0 && (sb->buf[sb->len - 1] == '\n' || sb->buf[sb->len - 1] == ' '))
        sb->buf[--sb->len] = '\0';
}

static const cyaml_config_t *
gate_config(struct strbuf *log)
{
    static cyaml_config_t cfg;

    cfg.log_fn = gate_log;
    cfg.log_ctx = log;
    cfg.mem_fn = cyaml_mem;
    cfg.log_level = CYAML_LOG_ERROR;
    cfg.flags = CYAML_CFG_DEFAULT;
    return &cfg;
}

/* A rate or limit must be in [0, max]. */
static int
check_range(const char *path, const char *key, const double *v, double max, char **cause)
{
    if (v == NULL)
        return 0;
    if (!(*v >= 0 && *v <= max))
        return cause_set(cause, "%s: %s: %g is out of range (0 to %g)", path, key, *v, max);
    return 0;
}

struct eval_gate *
eval_gate_load(const char *path, char **cause)
{
    struct strbuf log;
    struct gate_yaml *y = NULL;
    struct eval_gate *g;
    cyaml_err_t err;
    char *probe;
    size_t len;

    /* read it ourselves first: a clear message for a missing or huge file */
    if ((probe = fs_read_file(path, 1u << 20, &len, cause)) == NULL)
        return NULL;
    strbuf_init(&log);
    err = cyaml_load_data((const uint8_t *)probe, len, gate_config(&log), &gate_schema,
        (cyaml_data_t **)&y, NULL);
    free(probe);
    if (err != CYAML_OK) {
        cause_set(cause, "%s: %s%s%s", path, cyaml_strerror(err), log.len > 0 ? ": " : "",
            strbuf_str(&log));
        strbuf_done(&log);
        return NULL;
    }
    strbuf_done(&log);
    g = xcalloc(1, sizeof *g);
    g->path = xstrdup(path);
    g->y = y;
    if (y == NULL) {
        cause_set(cause, "%s: empty gate file", path);
        eval_gate_free(g);
        return NULL;
    }
    if (check_range(path, "fmr_upper_max", y->fmr_upper_max, 1, cause) == -1 ||
        check_range(path, "fnmr_max", y->fnmr_max, 1, cause) == -1 ||
        check_range(path, "fta_max", y->fta_max, 1, cause) == -1 ||
        check_range(path, "fta_max_increase", y->fta_max_increase, 1, cause) == -1 ||
        check_range(path, "rank1_min", y->rank1_min, 1, cause) == -1 ||
        check_range(path, "fpir_max", y->fpir_max, 1, cause) == -1 ||
        check_range(path, "ap_min", y->ap_min, 1, cause) == -1 ||
        check_range(path, "recall_min", y->recall_min, 1, cause) == -1 ||
        (y->fnmr_at_fmr != NULL && (check_range(path, "fnmr_at_fmr.max_worsening",
            &y->fnmr_at_fmr->max_worsening, 1, cause) == -1)) ||
        (y->group_ratio_max != NULL && (check_range(path, "group_ratio_max.fmr",
            y->group_ratio_max->fmr, 1e9, cause) == -1 || check_range(path,
            "group_ratio_max.fnmr", y->group_ratio_max->fnmr, 1e9, cause) == -1))) {
        eval_gate_free(g);
        return NULL;
    }
    if (y->fnmr_at_fmr != NULL) {
        size_t i;
        bool ok = false;

        for (i = 0; i < EVAL_NTARGETS; i++)
            ok = ok || fabs(y->fnmr_at_fmr->fmr - eval_targets[i]) <= eval_targets[i] * 1e-9;
        if (!ok) {
            cause_set(cause, "%s: fnmr_at_fmr.fmr: %g is not one of the reported targets "
                "(0.01, 0.001, 0.0001, 1e-05, 1e-06)", path, y->fnmr_at_fmr->fmr);
            eval_gate_free(g);
            return NULL;
        }
    }
    return g;
}

void
eval_gate_free(struct eval_gate *g)
{
    if (g == NULL)
        return;
    if (g->y != NULL)
        cyaml_free(gate_config(NULL), &gate_schema, g->y, 0);
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
