/* SPDX-License-Identifier: MIT */
/*
 * video_fold.c - the bookkeeping of a recording's faces, frame by frame, in
 * memory bounded by the faces in view rather than by the recording's
 * length: each sampled frame's detections go through the tracker into
 * track records (hits, the area counts, the best shot's aligned crop until
 * the track ends, then its descriptor and age estimate); each frame's
 * track ids are logged only until every track in it is known to count or
 * to be noise, then folded into the figures (most faces in view and when,
 * frames and seconds with several people, each counted track's in-view
 * flag) and dropped; a track's record is released when it has ended and
 * no logged frame names it: a counted track goes to the result, a noise
 * track is forgotten. The figures are those of folding the whole log at
 * the end, in the same order.
 */
#include "config.h"

#include "faceaudit/video.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

/* A track while it is being built. */
struct acc {
    struct video_track t;
    struct image *crop;     /* the best shot's aligned crop, until the track ends */
    struct image *age_crop; /* the same shot's AgeGenderNet crop (NULL without the net) */
    bool done, counted;
    size_t refs;            /* logged frames that name this track */
};

/* One sampled frame not yet folded: when, and which tracks were in view (in ids). */
struct frame_log {
    double time;
    size_t first, n;
};

struct video_fold {
    struct face_pipeline *p;       /* NULL: no crops, descriptors or ages */
    const struct video_faces_opts *o;
    struct tracker *tk;
    struct acc *acc;               /* live and unreleased records, ascending id */
    size_t nacc, acap;
    struct frame_log *frames;      /* frames[f0 .. nframes) not yet folded */
    size_t f0, nframes, fcap;
    int64_t *ids;                  /* the logged frames' track ids */
    size_t nids, icap;
    struct video_track *out;       /* released counted tracks */
    size_t nout, ocap;
    int64_t max_id, detections;
    int64_t ncounted;              /* tracks ended counted so far */
    size_t held_tracks, held_frames;
    int max_in_view;
    double max_in_view_time;
    int64_t frames_multi;
    double seconds_multi;
};

struct video_fold *
video_fold_new(struct face_pipeline *p, const struct video_faces_opts *o)
{
    struct video_fold *s = xcalloc(1, sizeof *s);

    s->p = p;
    s->o = o;
    s->tk = tracker_new(&o->track);
    return s;
}

void
video_fold_free(struct video_fold *s)
{
    size_t i;

    if (s == NULL)
        return;
    for (i = 0; i < s->nacc; i++) {
        image_free(s->acc[i].crop);
        image_free(s->acc[i].age_crop);
        image_free(s->acc[i].t.thumb);
    }
    for (i = 0; i < s->nout; i++)
        image_free(s->out[i].thumb);
    free(s->acc);
    free(s->frames);
    free(s->ids);
    free(s->out);
    tracker_free(s->tk);
    free(s);
}

/* The record of track id (binary search), or NULL. */
static struct acc *
acc_find(struct video_fold *s, int64_t id)
{
    size_t lo = 0, hi = s->nacc;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (s->acc[mid].t.id == id)
            return &s->acc[mid];
        if (s->acc[mid].t.id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The record of a track a logged frame names (kept while named). */
static struct acc *
acc_logged(struct video_fold *s, int64_t id)
{
    struct acc *a = acc_find(s, id);

    if (a == NULL)
        fatalx("video_fold: no record of logged track %lld", (long long)id);
    return a;
}

/* The record of track id, a new one for a new track (ids only grow). */
static struct acc *
acc_get(struct video_fold *s, int64_t id)
{
    struct acc *a = acc_find(s, id);

    if (a != NULL)
        return a;
    if (id <= s->max_id)
        fatalx("video_fold: track %lld reappeared after its record was released",
            (long long)id);
    if (s->nacc == s->acap) {
        s->acap = s->acap == 0 ? 64 : s->acap * 2;
        s->acc = xreallocarray(s->acc, s->acap, sizeof *s->acc);
    }
    a = &s->acc[s->nacc++];
    memset(a, 0, sizeof *a);
    a->t.id = id;
    s->max_id = id;
    if (s->nacc > s->held_tracks)
        s->held_tracks = s->nacc;
    return a;
}

/* A track ended: counted (and described) or noise. */
static int
finish(struct video_fold *s, int64_t id, int hits, char **cause)
{
    struct acc *a = acc_get(s, id);
    struct embedder *e = s->p != NULL ? face_pipeline_embedder(s->p) : NULL;
    struct age_gender *ag = s->p != NULL ? face_pipeline_age_gender(s->p) : NULL;
    int rc = 0;

    a->done = true;
    a->counted = hits >= s->o->track.min_hits;
    if (a->counted)
        s->ncounted++;
    if (a->counted && a->crop != NULL && e != NULL) {
        rc = embedder_run(e, a->crop, a->t.descriptor, cause);
        a->t.has_descriptor = rc == 0;
    }
    if (rc == 0 && a->counted && a->age_crop != NULL && ag != NULL) {
        struct age_gender_estimate est;

        rc = age_gender_run(ag, a->age_crop, &est, NULL, cause);
        a->t.has_age = rc == 0;
        a->t.age = est.age;
    }
    if (!a->counted) { /* noise: not even its thumbnail */
        image_free(a->t.thumb);
        a->t.thumb = NULL;
    }
    image_free(a->crop); /* nothing else of the face is kept beyond this point */
    image_free(a->age_crop);
    a->crop = NULL;
    a->age_crop = NULL;
    return rc;
}

static int
finish_ended(struct video_fold *s, bool flush, char **cause)
{
    int64_t *ids;
    int *hits, rc = 0;
    size_t n = tracker_ended(s->tk, flush, &ids, &hits), i;

    for (i = 0; i < n && rc == 0; i++)
        rc = finish(s, ids[i], hits[i], cause);
    free(ids);
    free(hits);
    return rc;
}

/* Whether a track counts (1), is noise (0) or cannot be told yet (-1). */
static int
decided(const struct video_fold *s, const struct acc *a)
{
    if (a->done)
        return a->counted;
    /* hits only grow, and a track with min_hits of them counts when it ends */
    return a->t.hits >= s->o->track.min_hits ? 1 : -1;
}

/*
 * Fold the logged frames, oldest first, while every track in the oldest is
 * decided and its successor is logged (its interval is the time to the
 * next frame) or, with final, to the last one.
 */
static void
fold_frames(struct video_fold *s, double frame_rate, bool final)
{
    while (s->f0 < s->nframes) {
        const struct frame_log *fl = &s->frames[s->f0];
        bool last = s->f0 + 1 == s->nframes;
        int c = 0;
        size_t k;

        if (last && !final)
            break;
        for (k = 0; k < fl->n; k++) {
            int d = decided(s, acc_logged(s, s->ids[fl->first + k]));

            if (d < 0)
                return;
            c += d;
        }
        if (c > s->max_in_view) {
            s->max_in_view = c;
            s->max_in_view_time = fl->time;
        }
        for (k = 0; k < fl->n; k++) {
            struct acc *a = acc_logged(s, s->ids[fl->first + k]);

            if (c >= 2 && decided(s, a) == 1)
                a->t.with_others = true;
            a->refs--;
        }
        if (c >= 2) {
            double dt = !last ? s->frames[s->f0 + 1].time - fl->time :
                (frame_rate > 0 ? 1.0 / frame_rate : 0.0);

            if (s->o->video.fps > 0 && last)
                dt = 1.0 / s->o->video.fps;
            s->frames_multi++;
            s->seconds_multi += dt;
        }
        s->f0++;
    }
}

/* Release ended tracks no logged frame names; drop the folded frames' log. */
static void
release(struct video_fold *s)
{
    size_t i, kept = 0, shift;

    for (i = 0; i < s->nacc; i++) {
        struct acc *a = &s->acc[i];

        if (!a->done || a->refs > 0) {
            if (kept != i)
                s->acc[kept] = *a;
            kept++;
            continue;
        }
        if (a->counted) {
            if (s->nout == s->ocap) {
                s->ocap = s->ocap == 0 ? 64 : s->ocap * 2;
                s->out = xreallocarray(s->out, s->ocap, sizeof *s->out);
            }
            s->out[s->nout++] = a->t;
        }
    }
    s->nacc = kept;
    /* compact the log once half of it is folded (amortised: each entry moves once on average) */
    if (s->f0 == 0 || s->f0 < s->nframes - s->f0)
        return;
    shift = s->f0 < s->nframes ? s->frames[s->f0].first : s->nids;
    for (i = s->f0; i < s->nframes; i++) {
        s->frames[i - s->f0] = s->frames[i];
        s->frames[i - s->f0].first -= shift;
    }
    for (i = shift; i < s->nids; i++)
        s->ids[i - shift] = s->ids[i];
    s->nframes -= s->f0;
    s->nids -= shift;
    s->f0 = 0;
}

/* AgeGenderNet's crop of a face (face-api's alignedRect), or NULL without the net or when empty. */
static struct image *
age_crop(struct video_fold *s, const struct image *img, const struct face_result *fr)
{
    int rect[4];

    if (face_pipeline_age_gender(s->p) == NULL ||
        age_gender_rect(fr->landmarks, img->width, img->height, rect) != 0)
        return NULL;
    return image_crop(img, (float)rect[0], (float)rect[1], (float)rect[2], (float)rect[3], NULL,
        NULL, NULL, NULL);
}

/* One detection into its track's record: hits, the area, the best shot. */
static void
add_face(struct video_fold *s, struct acc *a, double time, const struct image *img,
    const struct face_result *fr)
{
    float cx = fr->box.x + fr->box.w / 2, cy = fr->box.y + fr->box.h / 2;

    if (a->t.hits == 0) {
        a->t.first = time;
        a->t.quality = -1.0f;
        a->t.first_outside = NAN;
    }
    a->t.hits++;
    a->t.last = time;
    if (s->o->area != NULL) {
        if (video_polygon_contains(s->o->area, cx, cy))
            a->t.inside++;
        else if (a->t.outside++ == 0)
            a->t.first_outside = time;
    }
    if (fr->has_landmarks && img != NULL && s->p != NULL) {
        float q = video_face_quality(img, &fr->box, fr->landmarks, NULL, NULL, NULL);

        if (q > a->t.quality) {
            struct image *crop = image_crop(img, fr->aligned.x, fr->aligned.y, fr->aligned.w,
                fr->aligned.h, NULL, NULL, NULL, NULL);

            if (crop != NULL) {
                image_free(a->crop);
                a->crop = crop;
                image_free(a->age_crop);
                a->age_crop = age_crop(s, img, fr);
                a->t.quality = q;
                a->t.best_time = time;
                a->t.best_box = fr->box;
                if (s->o->thumbnails) {
                    image_free(a->t.thumb);
                    a->t.thumb = video_thumbnail(img, &fr->box);
                }
            }
        }
    }
}

int
video_fold_frame(struct video_fold *s, double time, const struct image *img,
    struct face_result *faces, size_t n, char **cause)
{
    struct track_det *dets = xcalloc(n + 1, sizeof *dets);
    int64_t *assign = xcalloc(n + 1, sizeof *assign);
    size_t nd = 0, i;
    struct frame_log *fl;
    int rc;

    for (i = 0; i < n; i++) {
        if (fminf(faces[i].box.w, faces[i].box.h) < s->o->min_face)
            continue;
        faces[nd] = faces[i];
        dets[nd].box = faces[i].box;
        dets[nd].score = faces[i].score;
        nd++;
    }
    tracker_step(s->tk, time, dets, nd, assign);
    s->detections += (int64_t)nd;
    if (s->nframes == s->fcap) {
        s->fcap = s->fcap == 0 ? 256 : s->fcap * 2;
        s->frames = xreallocarray(s->frames, s->fcap, sizeof *s->frames);
    }
    fl = &s->frames[s->nframes++];
    fl->time = time;
    fl->first = s->nids;
    fl->n = nd;
    if (s->nframes - s->f0 > s->held_frames)
        s->held_frames = s->nframes - s->f0;
    for (i = 0; i < nd; i++) {
        struct acc *a = acc_get(s, assign[i]);

        if (s->nids == s->icap) {
            s->icap = s->icap == 0 ? 256 : s->icap * 2;
            s->ids = xreallocarray(s->ids, s->icap, sizeof *s->ids);
        }
        s->ids[s->nids++] = assign[i];
        a->refs++;
        add_face(s, a, time, img, &faces[i]);
    }
    free(dets);
    free(assign);
    rc = finish_ended(s, false, cause);
    if (rc == 0) {
        fold_frames(s, 0.0, false); /* the last frame waits: the rate is not needed */
        release(s);
    }
    return rc;
}

int64_t
video_fold_tracks_seen(const struct video_fold *s)
{
    return s->max_id;
}

int64_t
video_fold_tracks_counted(const struct video_fold *s)
{
    return s->ncounted;
}

void
video_fold_held(const struct video_fold *s, size_t *tracks, size_t *frames)
{
    if (tracks != NULL)
        *tracks = s->nacc;
    if (frames != NULL)
        *frames = s->nframes - s->f0;
}

int
video_fold_finish(struct video_fold *s, struct video_faces *res, char **cause)
{
    if (finish_ended(s, true, cause) == -1)
        return -1;
    fold_frames(s, res->info.frame_rate, true);
    release(s);
    res->detections = s->detections;
    res->max_in_view = s->max_in_view;
    res->max_in_view_time = s->max_in_view_time;
    res->frames_multi = s->frames_multi;
    res->seconds_multi = s->seconds_multi;
    res->tracks_held_max = s->held_tracks;
    res->frames_held_max = s->held_frames;
    free(res->tracks);
    res->tracks = s->out != NULL ? s->out : xcalloc(1, sizeof *res->tracks);
    res->ntracks = s->nout;
    s->out = NULL;
    s->nout = s->ocap = 0;
    return 0;
}
