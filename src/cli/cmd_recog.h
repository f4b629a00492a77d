/* SPDX-License-Identifier: MIT */
#ifndef FA_CLI_CMD_RECOG_H
#define FA_CLI_CMD_RECOG_H
/*
 * cmd_recog.h - what the recognition commands share (private to src/cli/):
 * their options, the images run through app_recog_images(), the face a 1:1
 * or enrolment command uses, JSON pieces and help texts. cmd_recog.c holds
 * detect, landmarks, embed and compare; cmd_gallery.c enroll, identify and
 * gallery.
 */

#include <stdbool.h>
#include <stdio.h>

#include "faceaudit/app.h"
#include "faceaudit/cli.h"

enum recog_format { OUT_TEXT, OUT_JSON, OUT_CSV };

struct recog_opts {
    char *models;               /* --models DIR, or NULL: models_dir() */
    struct face_models_opts m;
    int threads;
    bool cropped;
    enum recog_format format;
    float threshold;
    enum match_metric metric;
    size_t top;
    enum match_precision precision; /* --gallery-precision (identify) */
    size_t rerank;                  /* --rerank K (identify; 0: none) */
    char *gallery;
    char *subject;
    bool subject_from_dir;
    int retention_days;
};

/* Long options understood by some command; each command says which letters it takes. */
enum {
    OPT_DETECTOR = 256, OPT_INPUT_SIZE, OPT_MIN_SCORE, OPT_TINY_LANDMARKS, OPT_MODELS,
    OPT_THREADS, OPT_CROPPED, OPT_JSON, OPT_CSV, OPT_THRESHOLD, OPT_METRIC, OPT_TOP,
    OPT_GALLERY, OPT_SUBJECT, OPT_SUBJECT_FROM_DIR, OPT_RETENTION, OPT_FORMAT,
    OPT_GALLERY_PRECISION, OPT_RERANK
};

/*
 * Parse argv with the options named in `allowed` (a list of OPT_* ending in
 * 0; OPT_JSON also allows --format text|json, with OPT_CSV csv too).
 * Returns the index of the first operand, or -1 after a usage error.
 */
int recog_parse(struct cli_ctx *ctx, int argc, char **argv, const int *allowed,
    struct recog_opts *o);
void recog_opts_done(struct recog_opts *o);
/*
 * The images through the engine's worker pool (progress on a TTY, Ctrl-C
 * stops it). The jobs (face_jobs_free), or NULL after reporting an error
 * that stopped everything or, when cli_interrupted(), the interruption.
 */
struct face_job *recog_run_images(struct cli_ctx *ctx, const struct recog_opts *o,
    unsigned stages, bool want_sha, char **paths, size_t n);
/* Report every failed image; returns how many failed. */
size_t recog_report_errors(struct cli_ctx *ctx, const struct face_job *jobs, size_t n);
/*
 * The face of an image a 1:1 or enrolment command uses: the only one, or the
 * highest-scoring of several (noted on stderr). NULL with an error reported
 * when the image failed or holds no face with a descriptor.
 */
const struct face_result *recog_single_face(struct cli_ctx *ctx, const struct face_job *j);
void recog_json_string(FILE *f, const char *s);
void recog_json_box(FILE *f, const struct fa_box *b);

/* Help texts shared by the command entries. */
#define HELP_MODELS \
    "  --models DIR        model folder (default $FACEAUDIT_MODELS, else\n" \
    "                      $XDG_DATA_HOME/faceaudit/models; `faceaudit models fetch`)\n"
#define HELP_DETECTOR \
    "  --detector D        tiny (TinyFaceDetector, default), ssd (SSD MobileNetV1)\n" \
    "                      or tiled (TinyFaceDetector, then a closer look at each\n" \
    "                      small candidate: small and off-centre faces)\n" \
    "  --input-size N      tiny/tiled detector input, a multiple of 32 (default 416)\n" \
    "  --min-score S       keep detections scoring above S (default 0.5)\n"
#define HELP_THREADS \
    "  --threads N         N images at a time, one network instance per thread\n" \
    "                      (at most the number of online cores)\n"
#define HELP_CROPPED \
    "  --cropped           the images are face crops: no detection, the landmark\n" \
    "                      net runs on the whole image\n"
#define HELP_LANDMARKS "  --tiny-landmarks    FaceLandmark68TinyNet instead of FaceLandmark68Net\n"
#define HELP_EXIT \
    "\nexit status: 0 done; 2 usage error, missing models, or an image that could\n" \
    "not be read (named, with the reason; the other images are still processed).\n"

#endif /* FA_CLI_CMD_RECOG_H */
