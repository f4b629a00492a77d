/* SPDX-License-Identifier: MIT */
/*
 * check_video.c - video: decoding of videos built here with the ffmpeg
 * program (frame count and times, --fps sampling, a time range, the
 * rotation flag, a truncated tail, an oversized frame, not a video), the
 * tracker on hand-made detections (constant velocity through a gap, two
 * faces crossing, noise dropped, a gap too long), the merge of tracks into
 * people (a repeated visitor, two people at once never merged), the polygon
 * and the best-shot quality.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/rng.h"
#include "faceaudit/video.h"

#include "testutil.h"

static char *tmp;

static void
setup(void)
{
    tmp = test_tmpdir();
}

static void
teardown(void)
{
    test_rmdir(tmp);
}

/* Build a video with ffmpeg; false (and a visible skip) when ffmpeg is missing. */
static bool
ffmpeg(const char *args, const char *out)
{
    char *cmd;
    int rc;

    if (system("ffmpeg -version >/dev/null 2>&1") != 0) {
        fprintf(stderr, "SKIP: ffmpeg not installed: video decoding tests did not run\n");
        return false;
    }
    cmd = xasprintf("ffmpeg -nostdin -loglevel error -y %s '%s'", args, out);
    rc = system(cmd);
    free(cmd);
    ck_assert_msg(rc == 0, "ffmpeg %s failed", args);
    return true;
}

/* Every frame: count, first and last time. */
static int64_t
decode_all(const char *path, const struct video_opts *o, double *first, double *last,
    int *w, int *h)
{
    struct video *v;
    struct video_frame f;
    char *cause = NULL;
    int64_t n = 0;
    int e;

    v = video_open(path, o, &cause);
    ck_assert_msg(v != NULL, "%s", cause);
    while ((e = video_next(v, &f, &cause)) == 1) {
        if (n == 0 && first != NULL)
            *first = f.time;
        if (last != NULL)
            *last = f.time;
        if (w != NULL)
            *w = f.img->width;
        if (h != NULL)
            *h = f.img->height;
        n++;
    }
    ck_assert_int_eq(e, 0);
    ck_assert_ptr_null(video_damage(v, NULL));
    video_close(v);
    return n;
}

START_TEST(test_decode_frames)
{
    static const char *const enc[][2] = {
        { "-c:v libx264 -pix_fmt yuv420p", "a.mp4" },
        { "-c:v mjpeg -q:v 3", "a.avi" },
        { "-c:v libvpx-vp9 -deadline realtime -cpu-used 8", "a.mkv" },
        { "-c:v libx265 -x265-params log-level=none", "b.mkv" },
    };
    char *path = path_join(tmp, enc[_i][1]), *args;
    struct video_opts o = { 0 };
    double first = -1, last = -1;
    int w = 0, h = 0;

    args = xasprintf("-f lavfi -i testsrc2=size=64x48:rate=10:duration=2 %s", enc[_i][0]);
    if (ffmpeg(args, path)) {
        ck_assert_int_eq(decode_all(path, &o, &first, &last, &w, &h), 20);
        ck_assert_double_eq_tol(first, 0.0, 1e-6);
        ck_assert_double_eq_tol(last, 1.9, 1e-6);
        ck_assert_int_eq(w, 64);
        ck_assert_int_eq(h, 48);
        /* sampling: 4 frames a second of 10 -> 0, 0.3 (>= 0.25), 0.5, 0.8, ... */
        o.fps = 4;
        ck_assert_int_eq(decode_all(path, &o, &first, &last, NULL, NULL), 8);
        ck_assert_double_eq_tol(last, 1.8, 1e-6);
        /* a time range: 0.5 .. 1.0 inclusive, every frame */
        o.fps = 0;
        o.start = 0.5;
        o.end = 1.0;
        ck_assert_int_eq(decode_all(path, &o, &first, &last, NULL, NULL), 6);
        ck_assert_double_eq_tol(first, 0.5, 1e-6);
        ck_assert_double_eq_tol(last, 1.0, 1e-6);
        /* threads change nothing */
        o.start = 0;
        o.end = 0;
        o.threads = 2;
        ck_assert_int_eq(decode_all(path, &o, NULL, NULL, NULL, NULL), 20);
    }
    free(args);
    free(path);
}
END_TEST

START_TEST(test_decode_rotation)
{
    char *path = path_join(tmp, "rot.mp4"), *plain = path_join(tmp, "plain.mp4");
    char *args = xasprintf("-i '%s' -c copy -metadata:s:v:0 rotate=90", plain);
    struct video_opts o = { 0 };
    struct video *v;
    struct video_frame f;
    char *cause = NULL;

    /* left half red, right half blue, then the rotate=90 tag (a display
     * matrix) added without re-encoding */
    if (!ffmpeg("-f lavfi -i color=c=red:size=64x32:rate=5:duration=1 "
            "-vf drawbox=x=32:y=0:w=32:h=32:c=blue:t=fill -c:v libx264 -pix_fmt yuv444p",
            plain)) {
        free(path);
        free(plain);
        free(args);
        return;
    }
    ffmpeg(args, path);
    v = video_open(path, &o, &cause);
    ck_assert_msg(v != NULL, "%s", cause);
    /* the ffmpeg program shows this file turned a quarter counter-clockwise
     * (its autorotate: transpose=cclock): 32x64, the right (blue) half on top */
    ck_assert_int_eq(video_get_info(v)->rotation, 270);
    ck_assert_int_eq(video_next(v, &f, &cause), 1);
    ck_assert_int_eq(f.img->width, 32);
    ck_assert_int_eq(f.img->height, 64);
    ck_assert_int_lt(f.img->u8[(8 * 32 + 16) * 3], 60);
    ck_assert_int_gt(f.img->u8[(8 * 32 + 16) * 3 + 2], 200);
    ck_assert_int_gt(f.img->u8[(56 * 32 + 16) * 3], 200);
    ck_assert_int_lt(f.img->u8[(56 * 32 + 16) * 3 + 2], 60);
    video_close(v);
    /* --no-rotate: as stored */
    o.no_rotate = true;
    v = video_open(path, &o, &cause);
    ck_assert_int_eq(video_next(v, &f, &cause), 1);
    ck_assert_int_eq(f.img->width, 64);
    ck_assert_int_eq(video_get_info(v)->rotation, 0);
    video_close(v);
    free(path);
    free(plain);
    free(args);
}
END_TEST

START_TEST(test_decode_damaged)
{
    char *path = path_join(tmp, "cut.mp4"), *cause = NULL;
    struct video_opts o = { 0 };
    struct video *v;
    struct video_frame f;
    struct stat sb;
    int64_t n = 0, bad = 0;
    const char *dmg;
    int e;

    if (!ffmpeg("-f lavfi -i testsrc2=size=160x120:rate=25:duration=4 -c:v libx264 -g 25 "
            "-pix_fmt yuv420p -movflags +faststart", path)) {
        free(path);
        return;
    }
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert_int_eq(truncate(path, sb.st_size * 6 / 10), 0);
    v = video_open(path, &o, &cause);
    ck_assert_msg(v != NULL, "%s", cause);
    while ((e = video_next(v, &f, &cause)) == 1)
        n++;
    ck_assert_int_eq(e, 0);
    dmg = video_damage(v, &bad);
    ck_assert_ptr_nonnull(dmg);
    ck_assert_int_ge(bad, 1);
    /* what decoded is kept: more than a third, less than all 100 frames */
    ck_assert_int_gt(n, 33);
    ck_assert_int_lt(n, 100);
    ck_assert_msg(strstr(dmg, "byte") != NULL && strstr(dmg, " s") != NULL,
        "the damage names where: %s", dmg);
    video_close(v);
    free(path);
}
END_TEST

START_TEST(test_decode_errors)
{
    char *path = path_join(tmp, "big.mkv"), *junk = path_join(tmp, "junk.mp4");
    char *cause = NULL;
    struct video_opts o = { 0 };
    FILE *fp;

    fp = fopen(junk, "w");
    fputs("this is not a video at all\n", fp);
    fclose(fp);
    ck_assert_ptr_null(video_open(junk, &o, &cause));
    ck_assert_msg(strstr(cause, "junk.mp4: ") != NULL, "%s", cause);
    free(cause);
    cause = NULL;
    ck_assert_ptr_null(video_open("/nonexistent/x.mp4", &o, &cause));
    ck_assert_msg(strstr(cause, "/nonexistent/x.mp4: ") != NULL, "%s", cause);
    free(cause);
    cause = NULL;
    /* a frame over the limit is refused before decoding */
    if (ffmpeg("-f lavfi -i color=c=black:size=640x480:rate=1:duration=1 -c:v mjpeg", path)) {
        o.max_pixels = 100000;
        ck_assert_ptr_null(video_open(path, &o, &cause));
        ck_assert_msg(strstr(cause, "640x480 pixels exceed the limit") != NULL, "%s", cause);
        free(cause);
    }
    free(junk);
    free(path);
}
END_TEST

/* Issue 19: the open limits, a FIFO refused without blocking, decoding from memory. */
START_TEST(test_decode_limits)
{
    char *path = path_join(tmp, "lim.mp4"), *fifo = path_join(tmp, "fifo.mp4"), *cause = NULL;
    struct video_opts o = { 0 };
    struct video_frame f;
    struct video *v;
    char *data;
    size_t len = 0;
    int n = 0;

    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    ck_assert_ptr_null(video_open(fifo, &o, &cause)); /* would block on a FIFO's open */
    ck_assert_msg(strstr(cause, "fifo.mp4: a FIFO, not a regular file") != NULL, "%s", cause);
    free(cause);
    cause = NULL;
    ck_assert_ptr_null(video_open(tmp, &o, &cause));
    ck_assert_msg(strstr(cause, ": a folder, not a regular file") != NULL, "%s", cause);
    free(cause);
    cause = NULL;
    if (!ffmpeg("-f lavfi -i testsrc=size=64x48:rate=10:duration=2 -pix_fmt yuv420p "
            "-c:v libx264", path))
        goto out;
    o.max_bytes = 100;
    ck_assert_ptr_null(video_open(path, &o, &cause));
    ck_assert_msg(strstr(cause, "bytes exceed the limit of 100 bytes") != NULL, "%s", cause);
    free(cause);
    cause = NULL;
    o.max_bytes = 0;
    o.max_seconds = 1;
    ck_assert_ptr_null(video_open(path, &o, &cause));
    ck_assert_msg(strstr(cause, "lim.mp4: a declared duration of 2 s exceeds the limit of 1 s") !=
        NULL, "%s", cause);
    free(cause);
    cause = NULL;
    o.max_seconds = 0;
    o.max_frames = 5;
    ck_assert_ptr_null(video_open(path, &o, &cause));
    ck_assert_msg(strstr(cause, "20 frames declared exceed the limit of 5 frames") != NULL,
        "%s", cause);
    free(cause);
    cause = NULL;
    /* the same bytes from memory, every frame */
    o.max_frames = 0;
    data = fs_read_file(path, 1 << 20, &len, &cause);
    ck_assert_msg(data != NULL, "%s", cause);
    v = video_open_mem(data, len, "mem", &o, &cause);
    ck_assert_msg(v != NULL, "%s", cause);
    while (video_next(v, &f, &cause) == 1)
        n++;
    ck_assert_int_eq(n, 20);
    video_close(v);
    free(data);
out:
    free(fifo);
    free(path);
}
END_TEST

/* FNV-1a over a frame's size and pixels. */
static uint64_t
frame_hash(uint64_t h, const struct image *img)
{
    size_t i, n = (size_t)img->width * (size_t)img->height * 3;

    h = (h ^ (uint64_t)img->width) * 1099511628211ULL;
    h = (h ^ (uint64_t)img->height) * 1099511628211ULL;
    for (i = 0; i < n; i++)
        h = (h ^ img->u8[i]) * 1099511628211ULL;
    return h;
}

/* Every frame hashed, either borrowed from the video or taken and given back. */
static uint64_t
hash_all(const char *path, bool take, int64_t *frames)
{
    struct video_opts o = { 0 };
    struct video *v;
    struct video_frame f;
    struct image *prev = NULL;
    char *cause = NULL;
    uint64_t h = 14695981039346656037ULL;
    int e;

    *frames = 0;
    v = video_open(path, &o, &cause);
    ck_assert_msg(v != NULL, "%s", cause);
    while ((e = video_next(v, &f, &cause)) == 1) {
        if (take) {
            struct image *img = video_frame_take(v);

            ck_assert_ptr_eq(img, f.img);
            /* the buffer given back is the one the next frame is decoded into */
            if (prev != NULL)
                ck_assert_ptr_eq(img, prev);
            h = frame_hash(h, img);
            video_frame_give(v, img);
            prev = img;
        } else
            h = frame_hash(h, f.img);
        (*frames)++;
    }
    ck_assert_int_eq(e, 0);
    ck_assert_ptr_null(video_frame_take(v)); /* nothing after the end */
    video_close(v);
    return h;
}

START_TEST(test_decode_take)
{
    char *plain = path_join(tmp, "t.mp4"), *rot = path_join(tmp, "t-rot.mp4");
    char *args = xasprintf("-i '%s' -c copy -metadata:s:v:0 rotate=90", plain);
    int64_t n1, n2;

    if (ffmpeg("-f lavfi -i testsrc2=size=64x48:rate=10:duration=2 -c:v libx264 "
            "-pix_fmt yuv420p", plain)) {
        ffmpeg(args, rot);
        ck_assert_uint_eq(hash_all(plain, false, &n1), hash_all(plain, true, &n2));
        ck_assert_int_eq(n1, 20);
        ck_assert_int_eq(n2, 20);
        ck_assert_uint_eq(hash_all(rot, false, &n1), hash_all(rot, true, &n2));
        ck_assert_int_eq(n1, 20);
        ck_assert_int_eq(n2, 20);
    }
    free(args);
    free(plain);
    free(rot);
}
END_TEST

/* --- tracker ----------------------------------------------------------------------- */

static struct track_det
det(float x, float y, float s)
{
    struct track_det d = { { x, y, s, s }, 0.9f };

    return d;
}

START_TEST(test_track_velocity_gap)
{
    struct tracker *t = tracker_new(NULL);
    struct track_det d;
    int64_t a = 0, *ids;
    int *hits, i;
    size_t n;

    /* 25 px per frame at 10 fps; after two missed frames the face is 75 px
     * (more than its 60 px width) from where it was last seen: only the
     * prediction keeps the track */
    for (i = 0; i < 10; i++) {
        if (i == 5 || i == 6)
            continue;
        d = det(10.0f + 25.0f * (float)i, 100, 60);
        tracker_step(t, i * 0.1, &d, 1, &a);
        ck_assert_int_eq(a, 1);
    }
    n = tracker_ended(t, true, &ids, &hits);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(ids[0], 1);
    ck_assert_int_eq(hits[0], 8);
    free(ids);
    free(hits);
    tracker_free(t);
}
END_TEST

START_TEST(test_track_crossing_and_noise)
{
    struct tracker *t = tracker_new(NULL);
    struct track_det d[3];
    int64_t a[3], *ids;
    int *hits, i;
    size_t n;

    /* two faces moving towards each other and past, same height: identities kept */
    for (i = 0; i <= 20; i++) {
        d[0] = det(0.0f + 20.0f * (float)i, 50, 50);
        d[1] = det(400.0f - 20.0f * (float)i, 50, 50);
        tracker_step(t, i * 0.04, d, 2, a);
        ck_assert_int_eq(a[0], 1);
        ck_assert_int_eq(a[1], 2);
    }
    /* a one-frame false detection far away: a track with one hit */
    d[0] = det(900, 500, 30);
    tracker_step(t, 21 * 0.04, d, 1, a);
    ck_assert_int_eq(a[0], 3);
    /* 2 s later: everything has ended (max_gap 1 s) */
    tracker_step(t, 3.0, d, 0, a);
    n = tracker_ended(t, false, &ids, &hits);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(hits[0] + hits[1], 42);
    ck_assert_int_eq(hits[2], 1);
    free(ids);
    free(hits);
    n = tracker_ended(t, true, &ids, &hits);
    ck_assert_uint_eq(n, 0);
    tracker_free(t);
}
END_TEST

START_TEST(test_track_gap_too_long)
{
    struct track_params p;
    struct tracker *t;
    struct track_det d = det(100, 100, 80);
    int64_t a;

    track_params_default(&p);
    p.max_gap = 0.5;
    t = tracker_new(&p);
    tracker_step(t, 0.0, &d, 1, &a);
    ck_assert_int_eq(a, 1);
    tracker_step(t, 0.5, &d, 1, &a);
    ck_assert_int_eq(a, 1);
    tracker_step(t, 1.1, &d, 1, &a); /* 0.6 s unseen: a new track */
    ck_assert_int_eq(a, 2);
    tracker_free(t);
}
END_TEST

/* --- the fold of a recording's faces ------------------------------------------------ */

/* A face without landmarks at (x, y), side sz. */
static struct face_result
face(float x, float y, float sz)
{
    struct face_result f;

    memset(&f, 0, sizeof f);
    f.box = (struct fa_box){ x, y, sz, sz };
    f.score = 0.9f;
    return f;
}

/*
 * An hour at 25 fps: one person stands in view all along, another walks
 * across for 4 s every 10 s, and a one-frame false detection every 7
 * frames, each somewhere else (noise tracks, 12,858 of them). The records
 * held stay at a few tracks and about a second of frames.
 */
START_TEST(test_fold_hour_bounded)
{
    struct video_faces_opts o;
    struct video_fold *s;
    struct video_faces res;
    struct face_result fr[3];
    size_t held_t = 0, held_f = 0, with = 0, i;
    char *cause = NULL;
    int64_t k;

    memset(&o, 0, sizeof o);
    track_params_default(&o.track);
    memset(&res, 0, sizeof res);
    res.info.frame_rate = 25;
    s = video_fold_new(NULL, &o);
    for (k = 0; k < 90000; k++) {
        int64_t w = k % 250;
        size_t n = 0;

        fr[n++] = face(100, 100, 80);
        if (w >= 50 && w < 150)
            fr[n++] = face(10.0f * (float)(w - 50), 400, 80);
        if (k % 7 == 0)
            fr[n++] = face(1500.0f + 100.0f * (float)(k / 7 % 20), 900, 30);
        ck_assert_int_eq(video_fold_frame(s, (double)k / 25, NULL, fr, n, &cause), 0);
        video_fold_held(s, &held_t, &held_f);
        ck_assert_uint_le(held_t, 8);
        ck_assert_uint_le(held_f, 30);
    }
    ck_assert_int_eq(video_fold_tracks_seen(s), 1 + 360 + 12858);
    /* the noise tracks are not what VIDEO_MAX_TRACKS bounds: 360 ended counted, one lives */
    ck_assert_int_eq(video_fold_tracks_counted(s), 360);
    ck_assert_int_eq(video_fold_finish(s, &res, &cause), 0);
    video_fold_free(s);
    ck_assert_uint_le(res.tracks_held_max, 8);
    ck_assert_uint_le(res.frames_held_max, 30);
    /* the figures */
    ck_assert_uint_eq(res.ntracks, 361);
    ck_assert_int_eq(res.detections, 90000 + 36000 + 12858);
    ck_assert_int_eq(res.max_in_view, 2);
    ck_assert_double_eq_tol(res.max_in_view_time, 2.0, 1e-9);
    ck_assert_int_eq(res.frames_multi, 36000);
    ck_assert_double_eq_tol(res.seconds_multi, 36000 * 0.04, 1e-6);
    for (i = 0; i < res.ntracks; i++)
        with += res.tracks[i].with_others;
    ck_assert_uint_eq(with, 361);
    free(res.tracks);
}
END_TEST

/* A log of every frame folded at the end, as video_faces_run did before the fold. */
struct ref_frame {
    double time;
    int64_t ids[8];
    size_t n;
};

/*
 * Random people coming and going, with noise and irregular frame times,
 * through the fold and through a whole log folded at the end: the same
 * tracks and the same figures, bit for bit.
 */
START_TEST(test_fold_same_figures)
{
    enum { FRAMES = 4000, PEOPLE = 5 };
    struct video_faces_opts o;
    struct video_polygon area = { 0, NULL };
    struct video_fold *s;
    struct video_faces res;
    struct tracker *tk;
    struct ref_frame *log = xcalloc(FRAMES, sizeof *log);
    struct rng r;
    float px[PEOPLE], vx[PEOPLE];
    int *hits_by_id = xcalloc(FRAMES * 8 + 1, sizeof *hits_by_id), max_c = 0;
    bool *with = xcalloc(FRAMES * 8 + 1, sizeof *with);
    double t = 0, max_t = 0, secs = 0;
    int64_t multi = 0, maxid = 0, *ids;
    size_t i, k, counted = 0;
    char *cause = NULL;
    int *hits;

    ck_assert_int_eq(video_polygon_parse("0,0 600,0 600,600 0,600", &area, &cause), 0);
    memset(&o, 0, sizeof o);
    track_params_default(&o.track);
    o.track.min_hits = 4;
    o.video.fps = 10;
    o.area = &area;
    memset(&res, 0, sizeof res);
    res.info.frame_rate = 25;
    rng_seed(&r, 19);
    memset(px, 0, sizeof px);
    s = video_fold_new(NULL, &o);
    tk = tracker_new(&o.track);
    for (i = 0; i < FRAMES; i++) {
        struct face_result fr[PEOPLE + 1];
        struct track_det d[PEOPLE + 1];
        size_t n = 0, p;

        for (p = 0; p < PEOPLE; p++) {
            if (px[p] <= 0 && rng_below(&r, 60) == 0) {
                px[p] = 1;
                vx[p] = 5.0f + (float)rng_below(&r, 20);
            }
            if (px[p] > 0 && (px[p] += vx[p]) > 1200)
                px[p] = 0;
            if (px[p] > 0 && rng_below(&r, 10) != 0) /* missed now and then */
                fr[n++] = face(px[p], 150.0f * (float)p, 90);
        }
        if (rng_below(&r, 5) == 0)
            fr[n++] = face((float)rng_below(&r, 1200), 800, 40);
        t += rng_below(&r, 8) == 0 ? 0.3 : 0.1; /* gaps in the sampled frames */
        for (k = 0; k < n; k++)
            d[k] = (struct track_det){ fr[k].box, fr[k].score };
        log[i].time = t;
        log[i].n = n;
        tracker_step(tk, t, d, n, log[i].ids);
        for (k = 0; k < n; k++) {
            hits_by_id[log[i].ids[k]]++;
            maxid = log[i].ids[k] > maxid ? log[i].ids[k] : maxid;
        }
        ck_assert_int_eq(video_fold_frame(s, t, NULL, fr, n, &cause), 0);
    }
    ck_assert_int_eq(video_fold_finish(s, &res, &cause), 0);
    ck_assert_int_eq(video_fold_tracks_seen(s), maxid);
    video_fold_free(s);
    tracker_ended(tk, true, &ids, &hits);
    free(ids);
    free(hits);
    tracker_free(tk);
    /* the log folded at the end */
    for (i = 1; i <= (size_t)maxid; i++)
        counted += hits_by_id[i] >= o.track.min_hits;
    for (i = 0; i < FRAMES; i++) {
        int c = 0;

        for (k = 0; k < log[i].n; k++)
            c += hits_by_id[log[i].ids[k]] >= o.track.min_hits;
        if (c > max_c) {
            max_c = c;
            max_t = log[i].time;
        }
        for (k = 0; c >= 2 && k < log[i].n; k++)
            with[log[i].ids[k]] = with[log[i].ids[k]] || hits_by_id[log[i].ids[k]] >=
                o.track.min_hits;
        if (c >= 2) {
            multi++;
            secs += i + 1 < FRAMES ? log[i + 1].time - log[i].time : 1.0 / o.video.fps;
        }
    }
    ck_assert_uint_gt(counted, 20);
    ck_assert_int_gt(multi, 100);
    ck_assert_uint_eq(res.ntracks, counted);
    ck_assert_int_eq(res.max_in_view, max_c);
    ck_assert(!(res.max_in_view_time < max_t || res.max_in_view_time > max_t)); /* bit for bit */
    ck_assert_int_eq(res.frames_multi, multi);
    ck_assert(!(res.seconds_multi < secs || res.seconds_multi > secs));
    for (i = 0; i < res.ntracks; i++) {
        ck_assert_int_eq(res.tracks[i].hits, hits_by_id[res.tracks[i].id]);
        ck_assert_int_eq(res.tracks[i].with_others, with[res.tracks[i].id]);
        ck_assert_int_eq(res.tracks[i].inside + res.tracks[i].outside, res.tracks[i].hits);
    }
    ck_assert_uint_lt(res.frames_held_max, 100);
    free(res.tracks);
    free(log);
    free(hits_by_id);
    free(with);
    video_polygon_done(&area);
}
END_TEST

/* --- merge, polygon, quality ------------------------------------------------------ */

START_TEST(test_merge)
{
    struct video_track t[4];
    int i;

    memset(t, 0, sizeof t);
    for (i = 0; i < 4; i++) {
        t[i].has_descriptor = true;
        t[i].first = i * 10.0;
        t[i].last = i * 10.0 + 5.0;
    }
    t[0].descriptor[0] = 1.0f;  /* A */
    t[1].descriptor[1] = 1.0f;  /* B */
    t[2].descriptor[0] = 0.9f;  /* A again: distance 0.1 */
    t[3].descriptor[1] = 1.05f; /* B again, but in view with B's other track */
    t[3].first = 12.0;          /* overlaps t[1] (10..15) */
    ck_assert_int_eq(video_merge_tracks(t, 4, 0.55f), 3);
    ck_assert_int_eq(t[0].person, 0);
    ck_assert_int_eq(t[1].person, 1);
    ck_assert_int_eq(t[2].person, 0);
    ck_assert_int_eq(t[3].person, 2);
    /* a tight threshold: everyone apart */
    ck_assert_int_eq(video_merge_tracks(t, 4, 0.05f), 4);
}
END_TEST

START_TEST(test_polygon)
{
    struct video_polygon p;
    char *cause = NULL;

    ck_assert_int_eq(video_polygon_parse("0,0 100,0 100,50; 0,50", &p, &cause), 0);
    ck_assert_uint_eq(p.n, 4);
    ck_assert(video_polygon_contains(&p, 50, 25));
    ck_assert(video_polygon_contains(&p, 100, 25)); /* on an edge */
    ck_assert(video_polygon_contains(&p, 0, 0));    /* a corner */
    ck_assert(!video_polygon_contains(&p, 101, 25));
    ck_assert(!video_polygon_contains(&p, 50, -1));
    video_polygon_done(&p);
    /* a concave L */
    ck_assert_int_eq(video_polygon_parse("0,0 10,0 10,5 5,5 5,10 0,10", &p, &cause), 0);
    ck_assert(video_polygon_contains(&p, 2, 8));
    ck_assert(!video_polygon_contains(&p, 8, 8));
    video_polygon_done(&p);
    ck_assert_int_eq(video_polygon_parse("0,0 1,1", &p, &cause), -1);
    ck_assert_str_eq(cause, "a polygon needs at least 3 points \"x,y x,y x,y\"");
    free(cause);
    cause = NULL;
    ck_assert_int_eq(video_polygon_parse("0,0 1,x 2,2", &p, &cause), -1);
    ck_assert_str_eq(cause, "point 2: expected x,y (pixels) at 'x 2,2'");
    free(cause);
}
END_TEST

START_TEST(test_quality)
{
    struct image *img = image_new(200, 200, 3, IMAGE_U8);
    struct fa_box box = { 50, 50, 112, 112 };
    float pts[LANDMARK_COUNT][2], sz, fr, sh, q;
    int x, y;

    memset(pts, 0, sizeof pts);
    pts[36][0] = 70;
    pts[36][1] = 90;
    pts[45][0] = 130;
    pts[45][1] = 90;
    pts[30][0] = 100; /* nose straight between the eyes */
    pts[30][1] = 120;
    /* flat: no sharpness */
    q = video_face_quality(img, &box, pts, &sz, &fr, &sh);
    ck_assert_float_eq_tol(sz, 1.0f, 1e-6f);
    ck_assert_float_eq_tol(fr, 1.0f, 1e-6f);
    ck_assert_float_eq_tol(sh, 0.0f, 1e-6f);
    ck_assert_float_eq_tol(q, 0.0f, 1e-6f);
    /* a checkerboard: sharp */
    for (y = 0; y < 200; y++)
        for (x = 0; x < 200; x++)
            memset(img->u8 + ((size_t)y * 200 + (size_t)x) * 3, ((x + y) & 1) ? 255 : 0, 3);
    pts[30][0] = 115; /* nose turned a quarter of the eye distance: frontal 0.5 */
    q = video_face_quality(img, &box, pts, &sz, &fr, &sh);
    ck_assert_float_eq_tol(fr, 0.5f, 1e-6f);
    ck_assert_float_gt(sh, 0.99f);
    ck_assert_float_eq_tol(q, sz * fr * sh, 1e-6f);
    box.w = box.h = 56; /* half the size */
    video_face_quality(img, &box, pts, &sz, NULL, NULL);
    ck_assert_float_eq_tol(sz, 0.5f, 1e-6f);
    image_free(img);
}
END_TEST

Suite *video_suite(void);

Suite *
video_suite(void)
{
    Suite *s = suite_create("video");
    TCase *tc = tcase_create("decode");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_decode_frames, 0, 4);
    tcase_add_test(tc, test_decode_rotation);
    tcase_add_test(tc, test_decode_damaged);
    tcase_add_test(tc, test_decode_errors);
    tcase_add_test(tc, test_decode_limits);
    tcase_add_test(tc, test_decode_take);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    tc = tcase_create("track");
    tcase_add_test(tc, test_track_velocity_gap);
    tcase_add_test(tc, test_track_crossing_and_noise);
    tcase_add_test(tc, test_track_gap_too_long);
    tcase_add_test(tc, test_fold_hour_bounded);
    tcase_add_test(tc, test_fold_same_figures);
    tcase_add_test(tc, test_merge);
    tcase_add_test(tc, test_polygon);
    tcase_add_test(tc, test_quality);
    suite_add_tcase(s, tc);
    return s;
}
