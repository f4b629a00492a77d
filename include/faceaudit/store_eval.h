/* SPDX-License-Identifier: MIT */
#ifndef FA_STORE_EVAL_H
#define FA_STORE_EVAL_H
/*
 * store_eval.h - stored evaluation runs (migration 5).
 *
 * An eval run is a row of the common `run` table (kind 'eval', status
 * 'running' from store_eval_begin() until store_eval_writer_commit() writes
 * everything in one transaction and marks it 'complete'), plus eval_run
 * (protocol, dataset manifest hash, engine and model hash, seed, threshold,
 * options, the figures JSON), eval_item (each image's outcome) and
 * eval_score (every comparison, search or detection). The store knows rows,
 * not metrics: src/eval/ converts. Listing runs is store_run.h's
 * store_run_each(). Rows are plain values; strings returned
 * in structs are owned by the struct and freed by its _done function.
 * Errors: -1 with *cause.
 */

#include <stdbool.h>
#include <stdint.h>

struct store;

struct store_eval_run {
    int64_t id;
    char *name;            /* NULL when unnamed */
    char *status;          /* running, complete, failed */
    char *created_at, *finished_at;
    char *software;
    char *protocol, *dataset, *manifest_sha256, *engine, *model_sha256;
    uint64_t seed;
    double threshold;
    uint64_t max_impostors;
    unsigned gallery_images;
    double unknown_share;
    unsigned bootstrap;
    bool cropped;
    unsigned shard_k, shard_n;
    char *params_json;     /* everything above, for people */
    char *figures_json;
};

struct store_eval_item {
    const char *rel, *subject, *age_band, *sex;
    int status, role;
    uint32_t ngt;
    int reason;    /* a failure's reason (enum eval_status value), 0 otherwise */
};

struct store_eval_score {
    uint64_t idx;
    char kind;
    uint32_t a;
    int64_t b;
    double score, extra;   /* NaN stored as NULL */
};

/* Free the strings of r. */
void store_eval_run_done(struct store_eval_run *r);
/*
 * Insert the run row ('running') and its eval_run row, committed at once so
 * a killed run is visible as 'running'. A name already used by an eval run
 * is refused. Returns the run id or -1.
 */
int64_t store_eval_begin(struct store *st, const struct store_eval_run *meta, char **cause);
/* Mark a run failed (best effort). */
void store_eval_fail(struct store *st, int64_t id);

struct store_eval_writer;
/* Open the final transaction for run id; NULL with *cause. */
struct store_eval_writer *store_eval_writer_new(struct store *st, int64_t id, char **cause);
/* Add one image row (idx from 0) or one score row; 0 or -1. */
int store_eval_writer_item(struct store_eval_writer *w, uint64_t idx,
    const struct store_eval_item *it, char **cause);
int store_eval_writer_score(struct store_eval_writer *w, const struct store_eval_score *s,
    char **cause);
/* Store the figures and summary, mark complete, commit; frees w either way. */
int store_eval_writer_commit(struct store_eval_writer *w, const char *figures_json,
    const char *summary_json, char **cause);
/* Roll back and free. */
void store_eval_writer_abort(struct store_eval_writer *w);

/*
 * Read a complete eval run by name (or "#ID"): meta into *meta, then each
 * item (in idx order) and score (in idx order) through the callbacks
 * (either may be NULL; a callback returning -1 stops with that error).
 */
int store_eval_read(struct store *st, const char *name, struct store_eval_run *meta,
    int (*item_cb)(void *arg, uint64_t idx, const struct store_eval_item *it, char **cause),
    int (*score_cb)(void *arg, const struct store_eval_score *s, char **cause), void *arg,
    char **cause);
/* Delete a run by kind and name (or "#ID"); its rows go with it. 0, or -1 when not found. */
int store_run_delete(struct store *st, const char *kind, const char *name, char **cause);

#endif /* FA_STORE_EVAL_H */
