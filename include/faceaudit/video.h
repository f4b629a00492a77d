/* SPDX-License-Identifier: MIT */
#ifndef FA_VIDEO_H
#define FA_VIDEO_H
/*
 * video.h - recorded footage through the recognition engine: decoding with
 * FFmpeg's libraries (video_decode.c, the only file that includes libav*),
 * faces linked across frames into tracks (video_track.c), one best shot and
 * one descriptor (and, with AgeGenderNet loaded, one age estimate) per
 * track (video_fold.c), and the tracks of one person merged within a
 * recording (video_faces.c).
 *
 * Contract:
 *  - Nothing here prints or stores a frame: frames live in memory until the
 *    next one is decoded; a track keeps its best shot's aligned crop in
 *    memory until its descriptor is computed, then drops it. Descriptors
 *    are kept in memory for the merge and never written anywhere by this
 *    module. Only when the caller asks (video_faces_opts.thumbnails) does a
 *    track keep a small thumbnail of its best shot in the result, for the
 *    caller to seal and store (replay --keep-thumbnails).
 *  - Memory is bounded by the faces in view, not by the recording's length:
 *    per-frame records are folded into the figures as their tracks are
 *    decided, noise tracks are forgotten when they end; what grows is one
 *    record per counted track (the merge needs its descriptor).
 *  - Errors: -1 / NULL with *cause (allocated) naming the file, and where
 *    in the stream (time, frame, byte offset) when the stream is damaged.
 *    A damaged stream is not an error: the frames that decode are returned,
 *    and video_damage() says where it broke.
 *  - Hostile input is bounded: file size (VIDEO_MAX_BYTES), declared
 *    duration (VIDEO_MAX_SECONDS) and frame count, frame size
 *    (VIDEO_MAX_PIXELS, each side VIDEO_MAX_SIDE), frames read
 *    (VIDEO_MAX_FRAMES), counted tracks (VIDEO_MAX_TRACKS). Only regular files are
 *    read (a FIFO, device, socket or folder is refused without blocking);
 *    FFmpeg reads through our own I/O context on the one descriptor checked
 *    and may open nothing else (a playlist naming other files or URLs fails).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "faceaudit/agegender.h"
#include "faceaudit/detect.h"
#include "faceaudit/embed.h"
#include "faceaudit/image.h"

#define VIDEO_MAX_PIXELS ((int64_t)8192 * 4320)  /* 8K UHD */
#define VIDEO_MAX_SIDE 16384
#define VIDEO_MAX_FRAMES 10000000                  /* decoded frames per file (~4.6 days at 25 fps) */
#define VIDEO_MAX_TRACKS 200000                   /* counted tracks per file */
#define VIDEO_MAX_BYTES ((int64_t)64 << 30)        /* 64 GiB per file */
#define VIDEO_MAX_SECONDS 86400.0                  /* declared duration: one day */

/* --- decoding (video_decode.c) ---------------------------------------------- */

struct video_opts {
    double fps;            /* sample at most this many frames per second (0: every frame) */
    double start, end;     /* time range in seconds from the stream's start (end <= 0: to the end) */
    int threads;           /* decoder threads (0: FFmpeg's choice, 1: none) */
    bool no_rotate;        /* ignore the rotation metadata (display matrix) */
    int64_t max_pixels;    /* 0: VIDEO_MAX_PIXELS */
    int64_t max_bytes;     /* file size (0: VIDEO_MAX_BYTES) */
    double max_seconds;    /* declared duration (0: VIDEO_MAX_SECONDS) */
    int64_t max_frames;    /* declared and decoded frames (0: VIDEO_MAX_FRAMES) */
};

struct video_info {
    int width, height;     /* decoded frame size, before rotation */
    int rotation;          /* clockwise degrees applied to each frame: 0, 90, 180, 270 */
    double duration;       /* seconds, as the container declares it (0: unknown) */
    double frame_rate;     /* average frame rate (0: unknown) */
    const char *codec;     /* "h264", "hevc", "mjpeg", "vp9", ... (borrowed) */
    const char *container; /* "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "avi", ... */
};

struct video_frame {
    struct image *img;     /* RGB uint8, upright (rotation applied); owned by the video */
    double time;           /* presentation time in seconds from the stream's start */
    int64_t index;         /* index of the frame among all decoded frames (0-based) */
};

struct video;

/* Open a file and its best video stream; NULL with *cause. */
struct video *video_open(const char *path, const struct video_opts *opts, char **cause);
/*
 * The same from an open descriptor of a regular file (borrowed: the caller
 * closes it after video_close; read from its offset 0), name in messages.
 */
struct video *video_open_fd(int fd, const char *name, const struct video_opts *opts,
    char **cause);
/* The same from bytes in memory (borrowed until video_close), for the fuzzer. */
struct video *video_open_mem(const void *data, size_t len, const char *name,
    const struct video_opts *opts, char **cause);
void video_close(struct video *v);
const struct video_info *video_get_info(const struct video *v);
/*
 * The next sampled frame within the time range: 1 and *f filled (valid
 * until the next call), 0 at the end (also after damage: see
 * video_damage), -1 with *cause on a failure that is not the stream's
 * (out of memory in the scaler, a frame larger than the limit).
 */
int video_next(struct video *v, struct video_frame *f, char **cause);
/*
 * Where the stream broke, or NULL when it decoded cleanly to the end (or to
 * the range's end): "truncated at byte B: decoded up to 3.160 s of 5.000 s
 * (frame 79)" or "corrupt data at 2.040 s (byte B, frame 51): ...". The
 * first problem found, borrowed; packets_damaged counts every one.
 */
const char *video_damage(const struct video *v, int64_t *packets_damaged);
/*
 * The last frame's image taken from the video (after video_next returned
 * 1; NULL otherwise): it becomes the caller's, and the video decodes the
 * next frame into a new buffer or one given back with video_frame_give, so
 * a frame handed to another thread needs no copy.
 */
struct image *video_frame_take(struct video *v);
/* A buffer for the video to decode a later frame into (reused when its size fits, else freed). */
void video_frame_give(struct video *v, struct image *img);
/* Frames decoded so far (sampled or not) and the time of the last one. */
int64_t video_frames_decoded(const struct video *v, double *last_time);
/* The FFmpeg libraries' versions, "libavformat 59.27.100, ..." (borrowed). */
const char *video_lib_versions(void);

/* --- tracking (video_track.c) ------------------------------------------------- */

/*
 * The tracker: each track predicts its box at the frame's time with a
 * constant velocity (centre and size, smoothed), detections are matched to
 * predictions greedily by IoU (highest first, at least iou_min), a track not
 * matched for longer than max_gap seconds ends, a detection matched to no
 * track starts one. Tracks with fewer than min_hits detections are noise
 * and dropped when they end.
 */
struct track_params {
    float iou_min;      /* 0.3: least IoU of a detection with a prediction */
    double max_gap;     /* 1.0 s: a track survives this long without a detection */
    int min_hits;       /* 3: detections a track needs to count */
    float velocity_alpha; /* 0.5: weight of the newest velocity measurement */
};

void track_params_default(struct track_params *p);

struct track_det {
    struct fa_box box;
    float score;
};

struct tracker;

struct tracker *tracker_new(const struct track_params *p);
void tracker_free(struct tracker *t);
/*
 * Feed one frame's detections at time t (seconds, increasing): assign[i]
 * gets the id (from 1) of the track detection i joins or starts. Tracks that
 * end before t are reported by tracker_ended.
 */
void tracker_step(struct tracker *t, double time, const struct track_det *dets, size_t n,
    int64_t *assign);
/*
 * Tracks that have ended (after tracker_step) or, with flush, every live
 * track too (at the end of a recording): ids into *ids (allocated, caller
 * frees) with their hit counts; returns how many. Each ended id is
 * reported once.
 */
size_t tracker_ended(struct tracker *t, bool flush, int64_t **ids, int **hits);

/* --- geometry and quality (video_track.c) ------------------------------------ */

/* A polygon in image pixels. */
struct video_polygon {
    size_t n;
    float (*pt)[2];
};

/*
 * Parse "x,y x,y x,y ..." (at least 3 points, at most 64, finite numbers,
 * separated by spaces or ';'): 0, or -1 with *cause saying which point is bad.
 */
int video_polygon_parse(const char *s, struct video_polygon *poly, char **cause);
void video_polygon_done(struct video_polygon *poly);
/* Whether (x, y) lies inside (even-odd rule; points on an edge count as inside). */
bool video_polygon_contains(const struct video_polygon *poly, float x, float y);

/*
 * Best-shot quality of a face in [0, 1]: size (shorter box side / 112,
 * capped at 1) x frontal pose (1 - the nose tip's offset from the mid-point
 * of the outer eye corners over the eye distance, from the 68 landmarks) x
 * sharpness (variance of the 4-neighbour Laplacian of the face's grey
 * pixels, v / (v + 100)). Parts go to *size_s, *frontal_s, *sharp_s when
 * not NULL.
 */
float video_face_quality(const struct image *img, const struct fa_box *box,
    const float pts[LANDMARK_COUNT][2], float *size_s, float *frontal_s, float *sharp_s);

/* --- faces across frames (video_faces.c) ------------------------------------- */

struct video_faces_opts {
    struct video_opts video;
    struct track_params track;
    float merge_threshold;     /* Euclidean distance under which two tracks are one person (0: 0.55) */
    float min_face;            /* ignore detections whose shorter side is below this many pixels (0: 0) */
    const struct video_polygon *area; /* the collection area, or NULL */
    bool thumbnails;           /* keep each counted track's best shot as a thumbnail */
    /* after each sampled frame (may be NULL) */
    void (*progress)(void *arg, double time, double duration, int64_t frames);
    bool (*cancelled)(void *arg);
    void *arg;
};

struct video_track {
    int64_t id;                /* tracker id, from 1 */
    int person;                /* index of the merged person, from 0 */
    double first, last;        /* times of the first and last detection */
    int hits;                  /* detections */
    int inside, outside;       /* detections whose box centre lies inside / outside the area */
    double first_outside;      /* time of the first detection outside the area (NaN: none) */
    bool with_others;          /* in view in one frame with another counted track */
    double best_time;          /* time of the best shot */
    struct fa_box best_box;
    float quality;             /* of the best shot */
    bool has_descriptor;
    float descriptor[FACE_DESCRIPTOR_DIM]; /* memory only */
    bool has_age;              /* AgeGenderNet ran on the best shot (pipeline with age_gender) */
    float age;                 /* its age ESTIMATE in years: memory only, never stored or printed */
    struct image *thumb;       /* with opts.thumbnails: the best shot's box with a margin
                                  (VIDEO_THUMB_MARGIN of its size each side, clipped to the
                                  frame), RGB8, at most VIDEO_THUMB_SIDE pixels on its long
                                  side; owned by the result (video_faces_free), else NULL */
};

#define VIDEO_THUMB_SIDE 112
#define VIDEO_THUMB_MARGIN 0.25f

/*
 * The thumbnail of box in an RGB8 frame: the box grown by VIDEO_THUMB_MARGIN
 * of its width and height on each side, clipped to the frame, scaled down
 * (area average) to at most VIDEO_THUMB_SIDE on its long side. NULL when
 * the clipped box is empty.
 */
struct image *video_thumbnail(const struct image *frame, const struct fa_box *box);

struct video_faces {
    struct video_info info;    /* codec and container strings copied into the names below */
    char codec[32], container[64];
    int64_t frames_decoded, frames_sampled;
    double first_time, last_time; /* of the sampled frames */
    char *damage;              /* where the stream broke, or NULL */
    int64_t packets_damaged;
    int64_t detections;
    struct video_track *tracks; /* in order of their first detection */
    size_t ntracks;
    int people;                /* distinct people after the merge */
    int max_in_view;           /* most faces (of counted tracks) in one sampled frame */
    double max_in_view_time;   /* when first reached */
    int64_t frames_multi;      /* sampled frames with two or more faces */
    double seconds_multi;      /* their time (sum of frame intervals) */
    int aged;                  /* people with an age estimate */
    double under14_share;      /* estimated share of people under 14 (NaN: none aged) */
    double under14_lo, under14_hi; /* its interval (video_age_share) */
    bool cancelled;
    /* memory: most track records and most sampled frames' logs held at once while the
     * recording was processed (video_fold); bounded by the faces in view, not by length */
    size_t tracks_held_max, frames_held_max;
};

/*
 * Decode path and run the face pipeline p (detector and landmarks; the
 * recognition net for descriptors) on every sampled frame: detections
 * tracked, each track's best shot chosen and described, tracks merged into
 * people. NULL with *cause when the file cannot be opened or the engine
 * fails; a damaged stream gives the result of what decoded.
 */
struct video_faces *video_faces_run(struct face_pipeline *p, const char *path,
    const struct video_faces_opts *o, char **cause);
/* The same from an open regular file (video_open_fd; fd borrowed), name in messages. */
struct video_faces *video_faces_run_fd(struct face_pipeline *p, int fd, const char *name,
    const struct video_faces_opts *o, char **cause);
void video_faces_free(struct video_faces *r);
/*
 * The per-frame half of video_faces_run (video_fold.c), usable without a
 * decoder: each sampled frame's faces, in time order, through the tracker
 * into track records, folded into the figures as soon as every track in a
 * frame is known to count or to be noise. Memory is bounded by the faces
 * in view: a frame's log is kept until its tracks are decided (at most
 * about min_hits x max_gap seconds for noise), a track's record until it
 * has ended and no kept frame names it; then a counted track joins the
 * result and a noise track is forgotten.
 */
struct video_fold;

/* p may be NULL (no crops, descriptors or ages); o is borrowed until video_fold_free. */
struct video_fold *video_fold_new(struct face_pipeline *p, const struct video_faces_opts *o);
void video_fold_free(struct video_fold *s);
/*
 * One sampled frame at time (seconds, increasing) with its faces (the
 * array is reordered in place: faces under min_face dropped); img is the
 * frame the faces were found in (NULL: no best shots). 0, or -1 with *cause
 * when the descriptor or age net fails on a track that ended.
 */
int video_fold_frame(struct video_fold *s, double time, const struct image *img,
    struct face_result *faces, size_t n, char **cause);
/* Records held now: tracks (live or not yet folded) and frames not yet folded. */
void video_fold_held(const struct video_fold *s, size_t *tracks, size_t *frames);
/* Tracks started so far (the highest tracker id), noise included. */
int64_t video_fold_tracks_seen(const struct video_fold *s);
/*
 * Tracks ended so far that count (min_hits detections): the records the
 * result keeps, which VIDEO_MAX_TRACKS bounds. Noise tracks are forgotten
 * as they end and cost nothing, so they are not limited.
 */
int64_t video_fold_tracks_counted(const struct video_fold *s);
/*
 * End every track and fold the rest: sets res's detections, max_in_view
 * (and its time), frames_multi, seconds_multi, the held maxima and tracks
 * (the counted tracks, unordered; res->info.frame_rate gives the last
 * frame's interval). 0, or -1 with *cause.
 */
int video_fold_finish(struct video_fold *s, struct video_faces *res, char **cause);

/*
 * Merge tracks into people: in order of first detection, each track joins
 * the person with a member at the least distance below thr, unless a member
 * of that person was in view at the same time; else it starts a new person.
 * Tracks without a descriptor are people of their own. Sets person; returns
 * the number of people.
 */
int video_merge_tracks(struct video_track *t, size_t n, float thr);
/*
 * The estimated share of people under 14 among merged tracks (person set):
 * one age per person, that of the person's track with the best shot of the
 * highest quality among those with an estimate; then age_share_compute
 * with AGE_KNOWN_ERROR at z = 1.96 (agegender.h). out->n = 0 and NaNs when
 * no person has an estimate.
 */
void video_age_share(const struct video_track *t, size_t n, struct age_share *out);

#endif /* FA_VIDEO_H */
