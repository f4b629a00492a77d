/* SPDX-License-Identifier: MIT */
#ifndef FA_DETECT_H
#define FA_DETECT_H
/*
 * detect.h - face detection with face-api's TinyFaceDetector or SSD
 * MobileNetV1: preprocessing, the network, the reference's box decoding,
 * strict score thresholds and its own NMS (reference §3, §4).
 *
 * Boxes are in pixel coordinates of the input image, float, not clipped
 * (the tiny detector's may extend past the borders), in the reference's
 * output order (descending score, pick order of the NMS).
 *
 * A struct detector is one instance (one per thread); it shares its weights.
 */

#include <stdbool.h>
#include <stddef.h>

#include "faceaudit/cnn.h"
#include "faceaudit/image.h"

/* An axis-aligned box: top-left corner and size, float pixels (or relative units). */
struct fa_box {
    float x;
    float y;
    float w;
    float h;
};

struct face_detection {
    struct fa_box box;
    float score;
};

/* DETECTOR_TILED: TinyFaceDetector over the image and overlapping tiles (detect_tiled.c). */
enum detector_kind { DETECTOR_TINY, DETECTOR_SSD, DETECTOR_TILED };

struct detector_opts {
    enum detector_kind kind;
    int input_size;        /* tiny: multiple of 32 (0: 416); ssd: always 512 */
    float min_score;       /* keep score > min_score (0: 0.5) */
    float iou_threshold;   /* NMS drops IoU > this (0: tiny 0.4, ssd 0.5) */
    int max_results;       /* ssd only (0: 100) */
};

/* The reference defaults for a kind. */
void detector_opts_default(struct detector_opts *o, enum detector_kind kind);
/* Parse "tiny" / "ssd" / "tiled"; returns -1 on anything else. */
int detector_kind_parse(const char *s, enum detector_kind *kind);
const char *detector_kind_name(enum detector_kind kind);
/* The model a detector kind runs. */
enum cnn_model detector_kind_model(enum detector_kind kind);

struct detector;

/*
 * A detector instance on shared weights of the matching model (takes its own
 * reference). opts may be NULL (tiny defaults). NULL with *cause on error.
 */
struct detector *detector_new(struct cnn_weights *w, const struct detector_opts *opts,
    char **cause);
void detector_free(struct detector *d);
const struct detector_opts *detector_get_opts(const struct detector *d);
/*
 * Detect faces in an image (3-channel, uint8 or float 0..255). *dets gets a
 * new array (caller frees; NULL when *n is 0). Returns 0, or -1 with *cause.
 */
int detector_run(struct detector *d, const struct image *img, struct face_detection **dets,
    size_t *n, char **cause);
/* The network instance inside (raw outputs of the last run, for parity tests). */
struct cnn_net *detector_net(struct detector *d);

/* ---- decoding pieces, exposed for tests -------------------------------------- */

/* Intersection over union of two boxes (plain continuous coordinates; 0 if an area <= 0). */
float detect_iou(const struct fa_box *a, const struct fa_box *b);
/*
 * Tiny detector candidates from its G x G x 25 output: score = sigmoid(to) >
 * min_score, boxes relative to the original image (corrX = size/rw, corrY =
 * size/rh). Writes at most cap candidates in row, col, anchor order; returns
 * how many.
 */
size_t detect_tiny_decode(const float *out, int grid, int input_size, int rw, int rh,
    float min_score, struct face_detection *cand, size_t cap);
/*
 * face-api's tiny NMS: repeatedly pick the highest score, drop others with
 * IoU > thr. Reorders cand in place to the picked ones; returns their count.
 */
size_t detect_nms_tiny(struct face_detection *cand, size_t n, float thr);
/*
 * face-api's SSD NMS on candidates sorted as it does (descending score,
 * stable): keep one if its IoU with every kept box is <= thr; stop at max.
 * Reorders cand in place; returns the count.
 */
size_t detect_nms_ssd(struct face_detection *cand, size_t n, float thr, int max);

#endif /* FA_DETECT_H */
