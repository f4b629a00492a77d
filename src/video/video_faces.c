/* SPDX-License-Identifier: MIT */
/*
 * video_faces.c - a recording through the face pipeline: every sampled
 * frame detected and landmarked, detections tracked, each track's best shot
 * (video_face_quality) kept as its aligned crop in memory until the track
 * ends, then described once (and its age estimated, with AgeGenderNet
 * loaded) and dropped; tracks merged into people by descriptor distance,
 * with the estimated share of people under 14 among them; people in view
 * at once and the collection area counted per detection.
 */
#include "config.h"

#include "faceaudit/video.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

/* A track while it is being built. */
struct acc {
    struct video_track t;
    struct image *crop;   /* the best shot's aligned crop, until the track ends */
    struct image *age_crop; /* the same shot's AgeGenderNet crop (NULL without the net) */
    bool done, counted;
};

/* One sampled frame: when, and which tracks were in view (ids in the id log). */
struct frame_log {
    double time;
    size_t first, n;
};

struct run {
    struct face_pipeline *p;
    const struct video_faces_opts *o;
    struct acc *acc;     /* by track id - 1 */
    size_t nacc, cap;
    struct frame_log *frames;
    size_t nframes, fcap;
    int64_t *ids;
    size_t nids, icap;
};

static struct acc *
acc_get(struct run *r, int64_t id)
{
    size_t i = (size_t)(id - 1);

    while (i >= r->cap) {
        size_t ncap = r->cap == 0 ? 64 : r->cap * 2;

        r->acc = xreallocarray(r->acc, ncap, sizeof *r->acc);
        memset(r->acc + r->cap, 0, (ncap - r->cap) * sizeof *r->acc);
        r->cap = ncap;
    }
    if (i >= r->nacc)
        r->nacc = i + 1;
    return &r->acc[i];
}

/* A track ended: counted (and described) or dropped as noise. */
static int
finish(struct run *r, int64_t id, int hits, char **cause)
{
    struct acc *a = acc_get(r, id);
    struct embedder *e = face_pipeline_embedder(r->p);
    struct age_gender *ag = face_pipeline_age_gender(r->p);
    int rc = 0;

    a->done = true;
    a->counted = hits >= r->o->track.min_hits;
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
    if (!a->counted) {
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
finish_ended(struct run *r, struct tracker *tk, bool flush, char **cause)
{
    int64_t *ids;
    int *hits, rc = 0;
    size_t n = tracker_ended(tk, flush, &ids, &hits), i;

    for (i = 0; i < n && rc == 0; i++)
        rc = finish(r, ids[i], hits[i], cause);
    free(ids);
    free(hits);
    return rc;
}

/* AgeGenderNet's crop of a face (face-api's alignedRect), or NULL without the net or when empty. */
static struct image *
age_crop(struct run *r, const struct image *img, const struct face_result *fr)
{
    int rect[4];

    if (face_pipeline_age_gender(r->p) == NULL ||
        age_gender_rect(fr->landmarks, img->width, img->height, rect) != 0)
        return NULL;
    return image_crop(img, (float)rect[0], (float)rect[1], (float)rect[2], (float)rect[3], NULL,
        NULL, NULL, NULL);
}

/* One sampled frame's faces into the tracks. */
static int
frame_faces(struct run *r, struct tracker *tk, const struct video_frame *f,
    struct video_faces *res, char **cause)
{
    struct face_result *faces = NULL;
    struct track_det *dets;
    int64_t *assign;
    size_t n = 0, nd = 0, i;
    struct frame_log *fl;

    if (face_pipeline_run(r->p, f->img, FACE_STAGE_LANDMARKS, &faces, &n, cause) != 0)
        return -1;
    dets = xcalloc(n + 1, sizeof *dets);
    assign = xcalloc(n + 1, sizeof *assign);
    for (i = 0; i < n; i++) {
        if (fminf(faces[i].box.w, faces[i].box.h) < r->o->min_face)
            continue;
        faces[nd] = faces[i];
        dets[nd].box = faces[i].box;
        dets[nd].score = faces[i].score;
        nd++;
    }
    tracker_step(tk, f->time, dets, nd, assign);
    res->detections += (int64_t)nd;
    if (r->nframes == r->fcap) {
        r->fcap = r->fcap == 0 ? 256 : r->fcap * 2;
        r->frames = xreallocarray(r->frames, r->fcap, sizeof *r->frames);
    }
    fl = &r->frames[r->nframes++];
    fl->time = f->time;
    fl->first = r->nids;
    fl->n = nd;
    for (i = 0; i < nd; i++) {
        struct acc *a = acc_get(r, assign[i]);
        const struct face_result *fr = &faces[i];
        float cx = fr->box.x + fr->box.w / 2, cy = fr->box.y + fr->box.h / 2;

        if (r->nids == r->icap) {
            r->icap = r->icap == 0 ? 256 : r->icap * 2;
            r->ids = xreallocarray(r->ids, r->icap, sizeof *r->ids);
        }
        r->ids[r->nids++] = assign[i];
        if (a->t.hits == 0) {
            a->t.id = assign[i];
            a->t.first = f->time;
            a->t.quality = -1.0f;
            a->t.first_outside = NAN;
        }
        a->t.hits++;
        a->t.last = f->time;
        if (r->o->area != NULL) {
            if (video_polygon_contains(r->o->area, cx, cy))
                a->t.inside++;
            else if (a->t.outside++ == 0)
                a->t.first_outside = f->time;
        }
        if (fr->has_landmarks) {
            float q = video_face_quality(f->img, &fr->box, fr->landmarks, NULL, NULL, NULL);

            if (q > a->t.quality) {
                struct image *crop = image_crop(f->img, fr->aligned.x, fr->aligned.y,
                    fr->aligned.w, fr->aligned.h, NULL, NULL, NULL, NULL);

                if (crop != NULL) {
                    image_free(a->crop);
                    a->crop = crop;
                    image_free(a->age_crop);
                    a->age_crop = age_crop(r, f->img, fr);
                    a->t.quality = q;
                    a->t.best_time = f->time;
                    a->t.best_box = fr->box;
                    if (r->o->thumbnails) {
                        image_free(a->t.thumb);
                        a->t.thumb = video_thumbnail(f->img, &fr->box);
                    }
                }
            }
        }
    }
    free(dets);
    free(assign);
    free(faces);
    return finish_ended(r, tk, false, cause);
}

/* Fold the per-frame log into people in view, once the counted tracks are known. */
static void
in_view(struct run *r, struct video_faces *res)
{
    size_t i, k;

    for (i = 0; i < r->nframes; i++) {
        const struct frame_log *fl = &r->frames[i];
        int c = 0;

        for (k = 0; k < fl->n; k++) {
            int64_t id = r->ids[fl->first + k];

            if (r->acc[id - 1].counted)
                c++;
        }
        if (c > res->max_in_view) {
            res->max_in_view = c;
            res->max_in_view_time = fl->time;
        }
        if (c >= 2) {
            for (k = 0; k < fl->n; k++) {
                int64_t id = r->ids[fl->first + k];

                if (r->acc[id - 1].counted)
                    r->acc[id - 1].t.with_others = true;
            }
        }
        if (c >= 2) {
            double dt = i + 1 < r->nframes ? r->frames[i + 1].time - fl->time :
                (res->info.frame_rate > 0 ? 1.0 / res->info.frame_rate : 0.0);

            if (r->o->video.fps > 0 && (i + 1 == r->nframes))
                dt = 1.0 / r->o->video.fps;
            res->frames_multi++;
            res->seconds_multi += dt;
        }
    }
}

/*
 * The decoder runs on its own thread ahead of the face pipeline, through a
 * queue of at most VIDEO_QUEUE decoded frames (copies: the decoder reuses
 * its buffer), so decoding and detection use both cores and memory stays
 * bounded by the queue.
 */
#define VIDEO_QUEUE 4

struct queue {
    pthread_mutex_t mu;
    pthread_cond_t more, room;
    struct video *v;
    struct video_frame slot[VIDEO_QUEUE];
    size_t head, count;
    bool done, stop;
    int err;       /* video_next's -1 */
    char *cause;
};

static void *
decoder(void *arg)
{
    struct queue *q = arg;

    for (;;) {
        struct video_frame f;
        char *cause = NULL;
        int e = video_next(q->v, &f, &cause);
        struct image *copy = e == 1 ? image_dup(f.img) : NULL;

        pthread_mutex_lock(&q->mu);
        while (e == 1 && q->count == VIDEO_QUEUE && !q->stop)
            pthread_cond_wait(&q->room, &q->mu);
        if (e != 1 || q->stop) {
            q->done = true;
            q->err = e == -1 ? -1 : 0;
            q->cause = cause;
            image_free(copy);
            pthread_cond_signal(&q->more);
            pthread_mutex_unlock(&q->mu);
            return NULL;
        }
        f.img = copy;
        q->slot[(q->head + q->count++) % VIDEO_QUEUE] = f;
        pthread_cond_signal(&q->more);
        pthread_mutex_unlock(&q->mu);
    }
}

/* The next frame (the caller frees f->img): 1, 0 at the end, -1 with *cause. */
static int
queue_pop(struct queue *q, struct video_frame *f, char **cause)
{
    int rc = 1;

    pthread_mutex_lock(&q->mu);
    while (q->count == 0 && !q->done)
        pthread_cond_wait(&q->more, &q->mu);
    if (q->count > 0) {
        *f = q->slot[q->head];
        q->head = (q->head + 1) % VIDEO_QUEUE;
        q->count--;
        pthread_cond_signal(&q->room);
    } else if (q->err == -1) {
        *cause = q->cause;
        q->cause = NULL;
        rc = -1;
    } else
        rc = 0;
    pthread_mutex_unlock(&q->mu);
    return rc;
}

/* Stop the decoder and drop what it queued. */
static void
queue_stop(struct queue *q, pthread_t th)
{
    pthread_mutex_lock(&q->mu);
    q->stop = true;
    pthread_cond_signal(&q->room);
    pthread_mutex_unlock(&q->mu);
    pthread_join(th, NULL);
    while (q->count > 0) {
        image_free(q->slot[q->head].img);
        q->head = (q->head + 1) % VIDEO_QUEUE;
        q->count--;
    }
    free(q->cause);
    pthread_cond_destroy(&q->more);
    pthread_cond_destroy(&q->room);
    pthread_mutex_destroy(&q->mu);
}

static bool
overlap(const struct video_track *a, const struct video_track *b)
{
    return a->first <= b->last && b->first <= a->last;
}

int
video_merge_tracks(struct video_track *t, size_t n, float thr)
{
    int people = 0;
    size_t i, j;

    for (i = 0; i < n; i++) {
        float best = INFINITY;
        int who = -1;

        t[i].person = -1;
        if (t[i].has_descriptor) {
            for (j = 0; j < i; j++) {
                float d;
                size_t k;
                bool clash = false;

                if (!t[j].has_descriptor || t[j].person < 0)
                    continue;
                d = face_distance_euclidean(t[i].descriptor, t[j].descriptor,
                    FACE_DESCRIPTOR_DIM);
                if (!(d < thr) || !(d < best))
                    continue;
                /* one person is not in view twice at once */
                for (k = 0; k < i && !clash; k++)
                    clash = t[k].person == t[j].person && overlap(&t[k], &t[i]);
                if (!clash) {
                    best = d;
                    who = t[j].person;
                }
            }
        }
        t[i].person = who >= 0 ? who : people++;
    }
    return people;
}

void
video_age_share(const struct video_track *t, size_t n, struct age_share *out)
{
    int people = 0, p;
    size_t i, k = 0;
    const struct video_track **best;
    float *ages;

    for (i = 0; i < n; i++)
        people = t[i].person + 1 > people ? t[i].person + 1 : people;
    best = xcalloc((size_t)people + 1, sizeof *best);
    ages = xcalloc((size_t)people + 1, sizeof *ages);
    for (i = 0; i < n; i++) {
        const struct video_track **b;

        if (!t[i].has_age || t[i].person < 0)
            continue;
        b = &best[t[i].person];
        if (*b == NULL || t[i].quality > (*b)->quality)
            *b = &t[i];
    }
    for (p = 0; p < people; p++)
        if (best[p] != NULL)
            ages[k++] = best[p]->age;
    age_share_compute(ages, k, AGE_CHILD_LIMIT, AGE_KNOWN_ERROR, 1.96, out);
    free(best);
    free(ages);
}

static int
cmp_first(const void *a, const void *b)
{
    const struct video_track *x = a, *y = b;

    if (x->first < y->first || x->first > y->first)
        return x->first < y->first ? -1 : 1;
    return x->id < y->id ? -1 : (x->id > y->id);
}

struct video_faces *
video_faces_run(struct face_pipeline *p, const char *path, const struct video_faces_opts *o,
    char **cause)
{
    struct video_faces *res = NULL;
    struct tracker *tk = NULL;
    struct video *v;
    struct video_frame f;
    struct queue q;
    pthread_t th;
    struct run r;
    size_t i;
    int e;

    memset(&r, 0, sizeof r);
    r.p = p;
    r.o = o;
    if ((v = video_open(path, &o->video, cause)) == NULL)
        return NULL;
    res = xcalloc(1, sizeof *res);
    res->info = *video_get_info(v);
    snprintf(res->codec, sizeof res->codec, "%s", res->info.codec);
    snprintf(res->container, sizeof res->container, "%s", res->info.container);
    res->info.codec = res->codec;
    res->info.container = res->container;
    res->first_time = NAN;
    tk = tracker_new(&o->track);
    memset(&q, 0, sizeof q);
    q.v = v;
    pthread_mutex_init(&q.mu, NULL);
    pthread_cond_init(&q.more, NULL);
    pthread_cond_init(&q.room, NULL);
    if (pthread_create(&th, NULL, decoder, &q) != 0)
        fatalx("cannot start the decoder thread");
    f.img = NULL;
    while ((e = queue_pop(&q, &f, cause)) == 1) {
        if (o->cancelled != NULL && o->cancelled(o->arg)) {
            res->cancelled = true;
            break;
        }
        if (isnan(res->first_time))
            res->first_time = f.time;
        res->last_time = f.time;
        res->frames_sampled++;
        if (frame_faces(&r, tk, &f, res, cause) == -1) {
            cause_prefix(cause, "%s: frame at %.3f s", path, f.time);
            e = -1;
            break;
        }
        if (r.nacc > VIDEO_MAX_TRACKS) {
            cause_set(cause, "%s: more than %d face tracks", path, VIDEO_MAX_TRACKS);
            e = -1;
            break;
        }
        if (o->progress != NULL)
            o->progress(o->arg, f.time, res->info.duration, res->frames_sampled);
        image_free(f.img);
        f.img = NULL;
    }
    image_free(f.img);
    queue_stop(&q, th); /* the video is the caller's again */
    if (e == -1 || finish_ended(&r, tk, true, cause) == -1)
        goto fail;
    res->frames_decoded = video_frames_decoded(v, NULL);
    if (video_damage(v, &res->packets_damaged) != NULL)
        res->damage = xstrdup(video_damage(v, NULL));
    in_view(&r, res);
    /* the counted tracks, in order of their first detection */
    res->tracks = xcalloc(r.nacc + 1, sizeof *res->tracks);
    for (i = 0; i < r.nacc; i++) {
        if (r.acc[i].counted) {
            res->tracks[res->ntracks++] = r.acc[i].t;
            r.acc[i].t.thumb = NULL; /* the result's now */
        }
    }
    qsort(res->tracks, res->ntracks, sizeof *res->tracks, cmp_first);
    res->people = video_merge_tracks(res->tracks, res->ntracks,
        o->merge_threshold > 0 ? o->merge_threshold : 0.55f);
    {
        struct age_share sh;

        video_age_share(res->tracks, res->ntracks, &sh);
        res->aged = sh.n;
        res->under14_share = sh.share;
        res->under14_lo = sh.lo;
        res->under14_hi = sh.hi;
    }
    goto out;
fail:
    video_faces_free(res);
    res = NULL;
out:
    for (i = 0; i < r.nacc; i++) {
        image_free(r.acc[i].crop);
        image_free(r.acc[i].age_crop);
        image_free(r.acc[i].t.thumb);
    }
    free(r.acc);
    free(r.frames);
    free(r.ids);
    tracker_free(tk);
    video_close(v);
    return res;
}

void
video_faces_free(struct video_faces *r)
{
    size_t i;

    if (r == NULL)
        return;
    for (i = 0; i < r->ntracks; i++)
        image_free(r->tracks[i].thumb);
    free(r->damage);
    free(r->tracks);
    free(r);
}
