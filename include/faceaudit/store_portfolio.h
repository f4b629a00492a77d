/* SPDX-License-Identifier: MIT */
#ifndef FA_STORE_PORTFOLIO_H
#define FA_STORE_PORTFOLIO_H
/*
 * store_portfolio.h - portfolio runs in the database (migration 11): one
 * row of the common run table (kind 'portfolio') and one portfolio_row per
 * scenario in path order: the handler, score and grade, failing instances
 * by severity, needs-evidence instances, filing status and deadline, the
 * as-of date audited, why it was not audited or has no score. Written in
 * one transaction. Strings are borrowed by store_portfolio_save() and owned
 * by what store_portfolio_load() returns.
 *
 * Run references: a run id ("12"), "latest" or "latest~N" (the Nth complete
 * portfolio run before the latest). -1 or NULL with *cause on error.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

struct store_portfolio_row {
    char *path;
    char *scenario;        /* NULL when it did not load */
    char *handler;
    double score;
    char grade;            /* 'A'..'F', or '-' (no score) */
    int64_t fails[4];      /* low, medium, high, critical */
    int64_t evidence;
    char *filing;          /* may be NULL */
    char *deadline;        /* YYYY-MM-DD or NULL */
    char *as_of;           /* YYYY-MM-DD or NULL */
    char *error;           /* NULL when audited */
    char *no_score;        /* NULL when scored */
};

struct store_portfolio_loaded {
    int64_t run_id;
    char *created_at;
    struct store_portfolio_row *rows;
    size_t n;
};

/* Save a portfolio run; its run id, or -1 with *cause (nothing written then). */
int64_t store_portfolio_save(struct store *st, const char *software, const char *summary,
    const struct store_portfolio_row *rows, size_t n, char **cause);
/* Resolve ref to a complete portfolio run id; -1 with *cause. */
int64_t store_portfolio_resolve(struct store *st, const char *ref, char **cause);
/* True when ref names a complete portfolio run (an id, latest~N is not looked at). */
bool store_portfolio_is_run(struct store *st, const char *ref);
struct store_portfolio_loaded *store_portfolio_load(struct store *st, const char *ref,
    char **cause);
void store_portfolio_loaded_free(struct store_portfolio_loaded *p);

#endif /* FA_STORE_PORTFOLIO_H */
