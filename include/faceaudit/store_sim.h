/* SPDX-License-Identifier: MIT */
#ifndef FA_STORE_SIM_H
#define FA_STORE_SIM_H
/*
 * store_sim.h - simulation runs: one row in the common run table (kind
 * 'simulation', params and summary as JSON) and one sim_day row per
 * simulated day, all written in one transaction so a killed run leaves
 * nothing behind.
 */

#include <stdint.h>

#include "faceaudit/sim.h"
#include "faceaudit/store.h"

/*
 * Store a finished simulation or replay (kind "simulation" or "replay"; name
 * may be NULL; a name already used by a run of that kind is an error). params_json and summary_json are JSON objects.
 * daily_articles is days x 20 outcome names joined by ',' per day, or NULL.
 * Returns the run id, or -1 with *cause.
 */
int64_t store_sim_save(struct store *st, const char *kind, const char *name,
    const char *params_json,
    const char *summary_json, const struct sim_result *res, const char *const *daily_articles,
    char **cause);

#endif /* FA_STORE_SIM_H */
