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

#define VIDEO_LONGOPTS \
    { "fps", required_argument, NULL, VOPT_FPS }, \
    { "start", required_argument, NULL, VOPT_START }, \
    { "end", required_argument, NULL, VOPT_END }, \
    { "decode-threads", required_argument, NULL, VOPT_DECODE_THREADS }, \
    { "no-rotate", no_argument, NULL, VOPT_NO_ROTATE }, \
    { "detector", required_argument, NULL, VOPT_DETECTOR }, \
    { "input-size", required_argument, NULL, VOPT_INPUT_SIZE }, \
    { "min-score", required_argument, NULL, VOPT_MIN_SCORE }, \
    { "min-face", required_argument, NULL, VOPT_MIN_FACE }, \
    { "merge-threshold", required_argument, NULL, VOPT_MERGE }, \
    { "max-gap", required_argument, NULL, VOPT_MAX_GAP }, \
    { "iou-min", required_argument, NULL, VOPT_IOU_MIN }, \
    { "min-hits", required_argument, NULL, VOPT_MIN_HITS }, \
    { "models", required_argument, NULL, VOPT_MODELS }

/*
 * One footage option into p: 0, an exit code after the usage error, or -1
 * when opt is not a footage option.
 */
int video_args(struct cli_ctx *ctx, int opt, const char *arg, struct app_video_params *p);
/* Seconds, MM:SS or HH:MM:SS[.fff]; 0 or -1. */
int video_parse_time(const char *s, double *out);

#endif /* FA_CMD_VIDEO_H */
