/* SPDX-License-Identifier: MIT */
#ifndef FA_SIM_FOOTAGE_INT_H
#define FA_SIM_FOOTAGE_INT_H
/*
 * sim_footage_int.h - private to src/sim/: a device-day of footage as a
 * checkpoint (sim_footage_ckpt.c), for replay --resume; footage.csv, the
 * confinement of its files and their identity (sim_footage_files.c); the
 * tracks' thumbnails (sim_footage_thumb.c), for replay --keep-thumbnails.
 */

#include <stdint.h>
#include <sys/stat.h>

#include "faceaudit/sha256.h"
#include "faceaudit/sim.h"
#include "faceaudit/video.h"

struct scenario_entity;
struct video_polygon;

/* A row of footage.csv. */
struct footage_rec {
    char *file;      /* DIR/NAME, for messages */
    char *name;      /* as written */
    const struct scenario_entity *device;
    fa_date date;
    double start;    /* seconds since midnight */
    unsigned line;
    /* its identity when the replay began (footage_run's first pass) */
    int64_t size, mtime_ns;
    dev_t dev;
    ino_t ino;
    char sha256[SHA256_HEX_LEN + 1];
    int64_t est;     /* sampled frames expected (progress) */
};

/* footage.csv of dir: the rows (footage_recs_free), or NULL with *cause (FILE:LINE[:FIELD]). */
struct footage_rec *footage_manifest_read(const char *dir, const struct scenario *sc,
    size_t *nrec, char **cause);
void footage_recs_free(struct footage_rec *r, size_t n);
/*
 * Open recording name of dir for reading: a regular file inside dir (after
 * symbolic links), refused without blocking otherwise. The descriptor with
 * *st, or -1 with *cause.
 */
int footage_open(const char *dir, const char *name, struct stat *st, char **cause);
/* SHA-256 of everything fd holds (read with pread); 0 or -1 with *cause. */
int footage_hash_fd(int fd, const char *name, char hex[SHA256_HEX_LEN + 1], char **cause);
/* The device's collection area: 1 with *poly, 0 without, -1 with *cause (FILE:LINE:COL). */
int footage_area(const struct scenario_entity *dev, struct video_polygon *poly, char **cause);

/*
 * The day as one JSON object (caller frees); doubles round-trip exactly;
 * sources: the identity of its recordings (size, modification time, SHA-256).
 */
char *footage_day_encode(const struct footage_day *d, const char *sources);
/*
 * Read a day back into *d (its strings allocated) and its sources (allocated,
 * NULL when absent); 0, or -1 when the text is not one.
 */
int footage_day_decode(const char *text, struct footage_day *d, char **sources);

/* A day's recordings (recs[idx[0..nidx)]) as its checkpoint keeps them (caller frees). */
char *footage_day_sources(const struct footage_rec *recs, const size_t *idx, size_t nidx);
/*
 * The first of those recordings that differs from a checkpoint's sources:
 * "NAME changed since its checkpoint (size, modification time, SHA-256)",
 * or NULL when none does.
 */
char *footage_day_changes(const char *was, const struct footage_rec *recs, const size_t *idx,
    size_t nidx);

/*
 * A track's thumbnail into a day's array (sim_footage_thumb.c): taken from
 * the recording's result (t->thumb becomes NULL), with its place.
 */
void footage_thumb_take(struct footage_thumb **arr, size_t *n, size_t *cap, const char *device,
    fa_date date, int track, const char *file, struct video_track *t);
/* By device, date, track. */
void footage_thumbs_sort(struct footage_thumb *t, size_t n);

#endif /* FA_SIM_FOOTAGE_INT_H */
