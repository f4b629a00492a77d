/* SPDX-License-Identifier: MIT */
#ifndef FA_APP_H
#define FA_APP_H
/*
 * app.h - one function per user operation, for both front ends.
 *
 * PORTFOLIO (app_portfolio.c). A regulator's portfolio is many scenarios,
 * one per handler. app_portfolio_run() audits them on opts->jobs threads
 * (the rule pack and calendar are shared, read-only), each scenario's full
 * grouped report written beside it when opts->outdir is set, and returns
 * one summary row per scenario in path order. A scenario that does not load
 * is a row with its error; the others are still audited.
 * app_portfolio_from_json() reads back the summary JSON that
 * app_portfolio_json() writes, and app_portfolio_diff() compares two
 * portfolio runs, handlers newly failing first.
 *
 * Ownership: returned objects and strings belong to the caller (the _free
 * functions and free()); inputs are borrowed for the call. Errors: NULL or
 * -1 with *cause (allocated). Nothing here prints.
 */

#include <stdbool.h>
#include <stddef.h>

#include "faceaudit/date.h"

struct calendar;
struct rule_pack;

#define APP_PORTFOLIO_MAX_JOBS 64
#define APP_PORTFOLIO_MAX_SCENARIOS 100000

struct app_portfolio_opts {
    const char *const *paths;     /* scenario files (directories already expanded) */
    size_t npaths;
    int jobs;                     /* worker threads, 1..APP_PORTFOLIO_MAX_JOBS */
    const char *outdir;           /* NULL: no per-scenario reports */
    const char *format;           /* per-scenario report format (report writer name) */
    fa_date as_of;                /* FA_DATE_NONE: each scenario's as_of, else today */
    const struct rule_pack *pack;
    const struct calendar *cal;
    const char *software;         /* "faceaudit 0.1.0" */
};

struct app_portfolio_row {
    char *path;
    char *scenario;       /* scenario id, or NULL when it did not load */
    char *handler;        /* handler.name, or the scenario id */
    double score;
    char grade;
    size_t fails[4];      /* failing rule instances by severity (low .. critical) */
    size_t evidence;      /* needs-evidence instances */
    char *filing;         /* "filed 2025-07-01", "not filed", "unknown", + Art. 15 outcome */
    fa_date deadline;     /* filing deadline, or FA_DATE_NONE */
    fa_date audited;      /* the as-of date audited */
    char *report;         /* the report written, or NULL */
    char *error;          /* why the scenario was not audited, or NULL */
    char *no_score;       /* why there is no score (not in force, out of scope), or NULL */
};

struct app_portfolio {
    struct app_portfolio_row *rows;
    size_t n;
};

/* Audit every scenario of opts; NULL with *cause only for bad options. */
struct app_portfolio *app_portfolio_run(const struct app_portfolio_opts *opts, char **cause);
/* Expand DIR arguments into their *.fa.yaml files (sorted); -1 with *cause. */
int app_portfolio_expand(char *const *args, size_t nargs, char ***paths, size_t *npaths,
    char **cause);
void app_portfolio_free(struct app_portfolio *p);
/* True when any scenario fails a rule; *errors counts those not audited. */
bool app_portfolio_failed(const struct app_portfolio *p, size_t *errors);
/* The summary table (text) or JSON (schema "faceaudit-portfolio", version 1); caller frees. */
char *app_portfolio_text(const struct app_portfolio *p);
char *app_portfolio_json(const struct app_portfolio *p);
/* A summary JSON read back; NULL with *cause naming name:line:col. */
struct app_portfolio *app_portfolio_from_json(const char *text, size_t len, const char *name,
    char **cause);
/* True when text looks like a portfolio summary JSON. */
bool app_portfolio_is_json(const char *text, size_t len);
/*
 * Two portfolio runs compared by handler: newly failing first, then fixed,
 * changed score or grade, added, removed, unchanged (verbose only). Text or
 * JSON; *newly counts handlers newly failing. Caller frees.
 */
char *app_portfolio_diff(const struct app_portfolio *a, const struct app_portfolio *b,
    bool json, bool verbose, size_t *newly);

#endif /* FA_APP_H */
