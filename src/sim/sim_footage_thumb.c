/* SPDX-License-Identifier: MIT */
/*
 * sim_footage_thumb.c - the tracks' best shots kept by replay
 * --keep-thumbnails: gathered per device-day as the recordings finish,
 * sorted for storing, freed. Nothing here writes them anywhere: the run's
 * store seals them (store_thumb.h).
 */
#include "config.h"

#include "sim_footage_int.h"

#include <stdlib.h>
#include <string.h>

#include "faceaudit/image.h"
#include "faceaudit/xmalloc.h"

void
footage_thumb_take(struct footage_thumb **arr, size_t *n, size_t *cap, const char *device,
    fa_date date, int track, const char *file, struct video_track *t)
{
    struct footage_thumb *th;

    if (*n == *cap) {
        *cap = *cap == 0 ? 16 : *cap * 2;
        *arr = xreallocarray(*arr, *cap, sizeof **arr);
    }
    th = &(*arr)[(*n)++];
    th->device = xstrdup(device);
    th->date = date;
    th->track = track;
    th->file = xstrdup(file);
    th->time = t->best_time;
    th->img = t->thumb;
    t->thumb = NULL;
}

static int
cmp_thumb(const void *a, const void *b)
{
    const struct footage_thumb *x = a, *y = b;
    int c = strcmp(x->device, y->device);

    if (c == 0)
        c = (x->date > y->date) - (x->date < y->date);
    return c != 0 ? c : (x->track > y->track) - (x->track < y->track);
}

void
footage_thumbs_sort(struct footage_thumb *t, size_t n)
{
    if (n > 1)
        qsort(t, n, sizeof *t, cmp_thumb);
}

void
footage_thumbs_free(struct footage_thumb *t, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(t[i].device);
        free(t[i].file);
        image_free(t[i].img);
    }
    free(t);
}
