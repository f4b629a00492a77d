/* SPDX-License-Identifier: MIT */
#ifndef FA_STORE_THUMB_H
#define FA_STORE_THUMB_H
/*
 * store_thumb.h - face thumbnails a replay kept on request (replay
 * --keep-thumbnails, migration 12): one row per track's best shot with its
 * run, device, date, track, time in the recording, size and expiry date;
 * the pixels (RGB8) sealed like templates (store_crypt.h "FAS2") with
 * associated data binding the run id, device, date, track and size, so a
 * blob moved to another row, or a row relabelled, does not open. Rows go
 * with their run (ON DELETE CASCADE) and with `faceaudit purge` once
 * expired; each purge and each export is logged (store_log.h) in the
 * same transaction as what it records.
 *
 * Functions returning int give 0 or -1 with *cause set (caller frees).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "faceaudit/date.h"
#include "faceaudit/store.h"
#include "faceaudit/store_crypt.h"
#include "faceaudit/store_gallery.h"

#define STORE_THUMB_MAX_SIDE 112

struct store_thumb {
    int64_t id;            /* row id (read back) */
    int64_t run_id;        /* read back; store_thumbs_put takes the run as an argument */
    char *device;
    fa_date date;          /* the day of the recording */
    int track;             /* from 1 within the device-day */
    char *file;            /* the recording */
    double time;           /* of the best shot, seconds from the recording's start */
    int width, height;     /* 1..STORE_THUMB_MAX_SIDE */
    fa_date expires;       /* purged on or after this day */
    const unsigned char *rgb; /* store_thumbs_put: width * height * 3 bytes; NULL read back */
};

/*
 * Seal and insert n thumbnails of run_id inside the caller's transaction
 * (the run's: store_sim_save), and log what was kept (one entry: how
 * many, until when).
 */
int store_thumbs_put(struct store *st, const struct store_key *key, int64_t run_id,
    const struct store_thumb *t, size_t n, char **cause);
/*
 * The thumbnails of run_id (0: every run), by run, device, date, track,
 * without pixels, into *out (store_thumbs_free).
 */
int store_thumbs_list(struct store *st, int64_t run_id, struct store_thumb **out, size_t *n,
    char **cause);
void store_thumbs_free(struct store_thumb *t, size_t n);
/*
 * Open one thumbnail's seal: *rgb gets width * height * 3 bytes (caller
 * frees). A seal that does not open is an error naming the thumbnail
 * ("thumbnail 7 (run 3, gate-1 2025-03-01 track 2)").
 */
int store_thumb_open(struct store *st, const struct store_key *key,
    const struct store_thumb *t, unsigned char **rgb, char **cause);
/*
 * Delete the thumbnails whose expiry date is on or before today, one
 * audit-log entry per run, all in one transaction; with dry_run only
 * count. *out gets one entry per run ("replay NAME" or "replay #ID";
 * store_purge_free_array). Returns the total, or -1.
 */
int64_t store_thumbs_purge(struct store *st, fa_date today, bool dry_run,
    struct store_purge **out, size_t *nout, char **cause);
/* Log an export of n thumbnails of run_id into folder dir (its own transaction). */
int store_thumbs_log_export(struct store *st, const struct store_key *key, int64_t run_id,
    size_t n, const char *dir, char **cause);
/* Thumbnails of run_id (0: all); -1 on errors. */
int64_t store_thumbs_count(struct store *st, int64_t run_id);
/* Open every thumbnail's seal: 0, 1 with *cause naming the first that fails, -1. */
int store_thumbs_verify(struct store *st, const struct store_key *key, int64_t *n,
    char **cause);

#endif /* FA_STORE_THUMB_H */
