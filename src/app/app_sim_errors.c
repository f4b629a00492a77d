/* SPDX-License-Identifier: MIT */
/*
 * app_sim_errors.c - a simulation's recognition error rates taken from a stored
 * evaluation run at the deployment's threshold (`simulate --errors RUN`).
 */
#include "config.h"

#include "faceaudit/app_sim.h"

#include <math.h>

#include "faceaudit/eval.h"
#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

int
app_sim_rates_from_eval(const struct eval_result *r, double t, double *fnmr, double *fpir,
    char **note, char **cause)
{
    uint64_t gen = 0, fnm = 0, imp = 0, fm = 0, mated = 0, miss = 0, nonmated = 0, fp = 0;
    size_t i;

    *note = NULL;
    for (i = 0; i < r->nrecs; i++) {
        const struct eval_rec *rec = &r->recs[i];
        bool within = !isnan(rec->score) && rec->score <= t;

        switch (rec->kind) {
        case 'g':
            gen++;
            fnm += !within;
            break;
        case 'i':
            imp++;
            fm += within;
            break;
        case 'm':
            mated++;
            miss += !(rec->b == 1 && within);
            break;
        case 'n':
            nonmated++;
            fp += !isnan(rec->extra) && rec->extra <= t;
            break;
        default:
            break;
        }
    }
    if (mated > 0 && nonmated > 0) {
        *fnmr = (double)miss / (double)mated;
        *fpir = (double)fp / (double)nonmated;
        *note = xasprintf("identification run at threshold %.4g: FNMR %llu/%llu mated searches "
            "missed at rank 1, FPIR %llu/%llu non-mated searches", t,
            (unsigned long long)miss, (unsigned long long)mated, (unsigned long long)fp,
            (unsigned long long)nonmated);
        return 0;
    }
    if (gen > 0 && imp > 0) {
        *fnmr = (double)fnm / (double)gen;
        *fpir = (double)fm / (double)imp;
        *note = xasprintf("verification run at threshold %.4g: FNMR %llu/%llu genuine pairs; "
            "FPIR taken as the FMR of one comparison, %llu/%llu impostor pairs (use an "
            "identification run for 1:N)", t, (unsigned long long)fnm, (unsigned long long)gen,
            (unsigned long long)fm, (unsigned long long)imp);
        return 0;
    }
    return cause_set(cause, "evaluation run %s has no genuine and impostor comparisons or "
        "mated and non-mated searches to take error rates from", r->dataset);
}
