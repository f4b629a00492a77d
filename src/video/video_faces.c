/* SPDX-License-Identifier: MIT */
/*
 * video_faces.c - a recording through the face pipeline: the decoder on
 * its own thread ahead of it (frames handed over, not copied), every
 * sampled frame detected and landmarked and its faces given to the fold
 * (video_fold.c: tracks, best shots, descriptors and age estimates, people
 * in view and the collection area, in memory bounded by the faces in
 * view); then the counted tracks merged into people by descriptor
 * distance, with the estimated share of people under 14 among them.
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

/* One sampled frame through the face pipeline and into the fold. */
static int
frame_faces(struct face_pipeline *p, struct video_fold *fold, const struct video_frame *f,
    char **cause)
{
    struct face_result *faces = NULL;
    size_t n = 0;
    int rc;

    if (face_pipeline_run(p, f->img, FACE_STAGE_LANDMARKS, &faces, &n, cause) != 0)
        return -1;
    rc = video_fold_frame(fold, f->time, f->img, faces, n, cause);
    free(faces);
    return rc;
}

/*
 * The decoder runs on its own thread ahead of the face pipeline, through a
 * queue of at most VIDEO_QUEUE decoded frames, so decoding and detection
 * use both cores and memory stays bounded by the queue. Frames are not
 * copied: each one's buffer is taken from the video (video_frame_take) and,
 * once the pipeline is done with it, handed back through the free list for
 * the video to decode into again (video_frame_give).
 */
#define VIDEO_QUEUE 4

struct queue {
    pthread_mutex_t mu;
    pthread_cond_t more, room;
    struct video *v;
    struct video_frame slot[VIDEO_QUEUE];
    size_t head, count;
    struct image *spare[VIDEO_QUEUE]; /* buffers the pipeline is done with */
    size_t nspare;
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
        struct image *buf = NULL, *copy;
        char *cause = NULL;
        int e;

        pthread_mutex_lock(&q->mu);
        if (q->nspare > 0)
            buf = q->spare[--q->nspare];
        pthread_mutex_unlock(&q->mu);
        if (buf != NULL)
            video_frame_give(q->v, buf);
        e = video_next(q->v, &f, &cause);
        copy = e == 1 ? video_frame_take(q->v) : NULL;
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

/* The next frame (the caller recycles or frees f->img): 1, 0 at the end, -1 with *cause. */
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

/* A frame's buffer back to the decoder (or freed when the free list is full). */
static void
queue_recycle(struct queue *q, struct image *img)
{
    if (img == NULL)
        return;
    pthread_mutex_lock(&q->mu);
    if (q->nspare < VIDEO_QUEUE) {
        q->spare[q->nspare++] = img;
        img = NULL;
    }
    pthread_mutex_unlock(&q->mu);
    image_free(img);
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
    while (q->nspare > 0)
        image_free(q->spare[--q->nspare]);
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

/* The pipeline over the open video v (closed here). */
static struct video_faces *
faces_run(struct face_pipeline *p, struct video *v, const char *path,
    const struct video_faces_opts *o, char **cause)
{
    struct video_faces *res = NULL;
    struct video_fold *fold;
    struct video_frame f;
    struct queue q;
    pthread_t th;
    int e;

    res = xcalloc(1, sizeof *res);
    res->info = *video_get_info(v);
    snprintf(res->codec, sizeof res->codec, "%s", res->info.codec);
    snprintf(res->container, sizeof res->container, "%s", res->info.container);
    res->info.codec = res->codec;
    res->info.container = res->container;
    res->first_time = NAN;
    fold = video_fold_new(p, o);
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
        if (frame_faces(p, fold, &f, cause) == -1) {
            cause_prefix(cause, "%s: frame at %.3f s", path, f.time);
            e = -1;
            break;
        }
        if (video_fold_tracks_counted(fold) > VIDEO_MAX_TRACKS) {
            cause_set(cause, "%s: more than %d counted face tracks", path, VIDEO_MAX_TRACKS);
            e = -1;
            break;
        }
        if (o->progress != NULL)
            o->progress(o->arg, f.time, res->info.duration, res->frames_sampled);
        queue_recycle(&q, f.img);
        f.img = NULL;
    }
    image_free(f.img);
    queue_stop(&q, th); /* the video is the caller's again */
    if (e == -1 || video_fold_finish(fold, res, cause) == -1)
        goto fail;
    res->frames_decoded = video_frames_decoded(v, NULL);
    if (video_damage(v, &res->packets_damaged) != NULL)
        res->damage = xstrdup(video_damage(v, NULL));
    /* the counted tracks, in order of their first detection */
    if (res->ntracks > 0)
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
    video_fold_free(fold);
    video_close(v);
    return res;
}

struct video_faces *
video_faces_run(struct face_pipeline *p, const char *path, const struct video_faces_opts *o,
    char **cause)
{
    struct video *v = video_open(path, &o->video, cause);

    return v != NULL ? faces_run(p, v, path, o, cause) : NULL;
}

struct video_faces *
video_faces_run_fd(struct face_pipeline *p, int fd, const char *name,
    const struct video_faces_opts *o, char **cause)
{
    struct video *v = video_open_fd(fd, name, &o->video, cause);

    return v != NULL ? faces_run(p, v, name, o, cause) : NULL;
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
