/* SPDX-License-Identifier: MIT */
#ifndef FA_STORE_EVALCACHE_H
#define FA_STORE_EVALCACHE_H
/*
 * store_evalcache.h - descriptors of a stored evaluation as it runs
 * (migration 8, table eval_desc), so `faceaudit eval --resume NAME`
 * continues a run that was killed. Each row is committed as soon as the
 * descriptor is computed, sealed with the template key like a gallery
 * template (a descriptor is a face template), and deleted when the run
 * completes. Functions return 0/1 as documented, -1 with *cause.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* Descriptor of image content sha256 in run `run`: 1 found (*status 0 ok, 1 no face), 0 not. */
int store_evalcache_get(struct store *st, int64_t run, const char *sha256, float *out, int dim,
    int *status, char **cause);
/* Record one image's outcome (desc may be NULL when status is 1); committed at once. */
int store_evalcache_put(struct store *st, int64_t run, const char *sha256, const float *desc,
    int dim, int status, char **cause);
/* Forget a run's cached descriptors (after it completes). */
int store_evalcache_clear(struct store *st, int64_t run, char **cause);
/* Descriptors of a killed run are kept this long for --resume, then purged. */
#define STORE_EVALCACHE_RETENTION_DAYS 7

struct store_purge;
/*
 * Retention for the sealed descriptors of runs that never completed (killed
 * or failed): delete those of runs started `days` or more days before `now`
 * (0: the current time), each run's deletion logged in the same transaction.
 * With dry_run nothing changes. *out gets one entry per run, its `gallery`
 * field naming it "eval run NAME" (store_purge_free_array). Returns the
 * number of descriptors removed, or -1.
 */
int64_t store_evalcache_purge(struct store *st, int days, int64_t now, bool dry_run,
    struct store_purge **out, size_t *nout, char **cause);
/*
 * The id of the eval run named `name` that is still 'running' (killed), with
 * its dataset manifest hash in manifest (65 bytes). -1 with a cause naming
 * the run when there is none, or it completed or failed.
 */
int64_t store_eval_find_running(struct store *st, const char *name, char manifest[65],
    char **cause);

#endif /* FA_STORE_EVALCACHE_H */
