/* SPDX-License-Identifier: MIT */
#ifndef FA_STORE_RUN_H
#define FA_STORE_RUN_H
/*
 * store_run.h - the common run table (migration 1): every stored audit,
 * evaluation, simulation and replay has one row; its status is 'running'
 * until the run's last row is committed.
 */

#include <stdint.h>

#include "faceaudit/store.h"

struct store_run_row {
    int64_t id;
    const char *kind;        /* audit, eval, simulation, replay */
    const char *name;        /* "" when unnamed */
    const char *created_at;  /* YYYY-MM-DDTHH:MM:SSZ */
    const char *finished_at; /* "" while running */
    const char *status;      /* running, complete, failed */
    const char *summary;     /* JSON object */
};

/*
 * Call fn for each run, newest first; kind NULL for every kind. The row's
 * strings are borrowed for the duration of the call. Returns 0 or -1.
 */
int store_run_each(struct store *st, const char *kind,
    void (*fn)(const struct store_run_row *row, void *arg), void *arg, char **cause);

#endif /* FA_STORE_RUN_H */
