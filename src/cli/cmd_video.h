/* SPDX-License-Identifier: MIT */
#ifndef FA_CMD_VIDEO_H
#define FA_CMD_VIDEO_H
/*
 * cmd_video.h - the footage options shared by `faceaudit video` and
 * `faceaudit replay` (cmd_video.c): sampling, time range, decoder threads,
 * rotation, detector, tracker and merge.
 */

#include "faceaudit/app.h"
#include "faceaudit/cli.h"

enum {
    VOPT_FPS = 0x200, VOPT_START, VOPT_END, VOPT_DECODE_THREADS, VOPT_NO_ROTATE, VOPT_DETECTOR,
    VOPT_INPUT_SIZE, VOPT_MIN_SCORE, VOPT_MIN_FACE, VOPT_MERGE, VOPT_MAX_GAP, VOPT_IOU_MIN,
    VOPT_MIN_HITS, VOPT_MODELS
};

/* The options of every command that reads footage (video, replay). */
#define FOOTAGE_LONGOPTS \
    { "fps", required_argument, NULL, VOPT_FPS }, \
    { "decode-threads", required_argument, NULL, VOPT_DECODE_THREADS }, \
    { "no-rotate", no_argument, NULL, VOPT_NO_ROTATE }, \
    { "min-face", required_argument, NULL, VOPT_MIN_FACE }, \
    { "merge-threshold", required_argument, NULL, VOPT_MERGE }, \
    { "max-gap", required_argument, NULL, VOPT_MAX_GAP }, \
    { "iou-min", required_argument, NULL, VOPT_IOU_MIN }, \
    { "min-hits", required_argument, NULL, VOPT_MIN_HITS }

/* `faceaudit video`'s: the above, a time range and the detector. */
#define VIDEO_LONGOPTS \
    FOOTAGE_LONGOPTS, \
    { "start", required_argument, NULL, VOPT_START }, \
    { "end", required_argument, NULL, VOPT_END }, \
    { "detector", required_argument, NULL, VOPT_DETECTOR }, \
    { "input-size", required_argument, NULL, VOPT_INPUT_SIZE }, \
    { "min-score", required_argument, NULL, VOPT_MIN_SCORE }, \
    { "models", required_argument, NULL, VOPT_MODELS }

/* The help lines of FOOTAGE_LONGOPTS. */
#define FOOTAGE_HELP \
    "  --fps N               sample at most N frames a second (default: every frame)\n" \
    "  --decode-threads N    FFmpeg decoder threads (default 0: FFmpeg's choice)\n" \
    "  --no-rotate           ignore the rotation flag\n" \
    "  --min-face PX         ignore faces smaller than PX pixels\n" \
    "  --max-gap S           a track ends after S seconds unseen (default 1)\n" \
    "  --iou-min X           least overlap with a track's predicted box (default 0.3)\n" \
    "  --min-hits N          detections a track needs to count (default 3)\n" \
    "  --merge-threshold D   descriptor distance under which two tracks are one\n" \
    "                        person (default 0.55)\n"

/*
 * One footage option into the options (models_dir may be NULL where
 * --models is not accepted): 0, an exit code after the usage error, or -1
 * when opt is not a footage option.
 */
int video_args(struct cli_ctx *ctx, int opt, const char *arg, struct face_models_opts *m,
    struct video_faces_opts *f, const char **models_dir);
/* A replay's footage per device and day, as text and as a JSON value (faceaudit-video). */
void video_footage_text(struct strbuf *sb, const struct footage_result *fr);
void video_footage_json(struct strbuf *sb, const struct footage_result *fr);
/* Seconds, MM:SS or HH:MM:SS[.fff]; 0 or -1. */
int video_parse_time(const char *s, double *out);

#endif /* FA_CMD_VIDEO_H */
