/* SPDX-License-Identifier: MIT */
#ifndef FA_STORE_SIM_H
#define FA_STORE_SIM_H
/*
 * store_sim.h - simulation runs: one row in the common run table (kind
 * 'simulation', params and summary as JSON) and one sim_day row per
 * simulated day, all written in one transaction so a killed run leaves
 * nothing behind. The rows are plain (the store knows nothing of the
 * simulation's types): src/sim/sim_store.c converts a result into them.
 */

#include <stddef.h>
#include <stdint.h>

#include "faceaudit/date.h"
#include "faceaudit/store.h"

/* One sim_day row. */
struct store_sim_day {
    fa_date date;
    int64_t arrivals, new_people, enrolments, stored, purged, refusals, served, turned_away;
    int64_t false_non_matches, false_matches, minors, minors_no_consent;
    const char *articles;    /* 20 outcome names joined by ',', or NULL */
};

/*
 * Store a finished simulation or replay (kind "simulation" or "replay"; name
 * may be NULL; a name already used by a run of that kind is an error).
 * params_json and summary_json are JSON objects; days[0..ndays) the daily
 * rows in order; thumbs[0..nthumbs) a replay's kept face thumbnails, sealed
 * into the same transaction (store_thumb.h). Returns the run id, or -1 with
 * *cause.
 */
struct store_thumb;
int64_t store_sim_save(struct store *st, const char *kind, const char *name,
    const char *params_json, const char *summary_json, const struct store_sim_day *days,
    size_t ndays, const struct store_thumb *thumbs, size_t nthumbs, char **cause);

#endif /* FA_STORE_SIM_H */
