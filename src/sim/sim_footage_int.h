/* SPDX-License-Identifier: MIT */
#ifndef FA_SIM_FOOTAGE_INT_H
#define FA_SIM_FOOTAGE_INT_H
/*
 * sim_footage_int.h - private to src/sim/: a device-day of footage as a
 * checkpoint (sim_footage_ckpt.c), for replay --resume; the tracks' thumbnails
 * (sim_footage_thumb.c), for replay --keep-thumbnails.
 */

#include "faceaudit/sim.h"
#include "faceaudit/video.h"

/* The day as one JSON object (caller frees); doubles round-trip exactly. */
char *footage_day_encode(const struct footage_day *d);
/* Read a day back into *d (its strings allocated); 0, or -1 when the text is not one. */
int footage_day_decode(const char *text, struct footage_day *d);

/*
 * A track's thumbnail into a day's array (sim_footage_thumb.c): taken from
 * the recording's result (t->thumb becomes NULL), with its place.
 */
void footage_thumb_take(struct footage_thumb **arr, size_t *n, size_t *cap, const char *device,
    fa_date date, int track, const char *file, struct video_track *t);
/* By device, date, track. */
void footage_thumbs_sort(struct footage_thumb *t, size_t n);

#endif /* FA_SIM_FOOTAGE_INT_H */
