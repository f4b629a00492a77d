/* SPDX-License-Identifier: MIT */
#ifndef FA_STORE_FOOTAGE_H
#define FA_STORE_FOOTAGE_H
/*
 * store_footage.h - checkpoints of a replay's footage (replay --resume):
 * each device-day's aggregates, as the sim layer serialises them, kept
 * under the replay's key (a hash of the recordings, their contents and the
 * options) until the replay finishes. Figures only: no frame, face image or
 * descriptor is ever written here.
 */

#include <stddef.h>

struct store;

/* Keep `value` for (run_key, day_key), replacing an earlier one; 0 or -1 with *cause. */
int store_footage_ckpt_put(struct store *st, const char *run_key, const char *day_key,
    const char *value, char **cause);
/* The value kept for (run_key, day_key) (caller frees), or NULL when there is none. */
char *store_footage_ckpt_get(struct store *st, const char *run_key, const char *day_key);
/* Drop every checkpoint of run_key; the number dropped, or -1 with *cause. */
int store_footage_ckpt_clear(struct store *st, const char *run_key, char **cause);

#endif /* FA_STORE_FOOTAGE_H */
