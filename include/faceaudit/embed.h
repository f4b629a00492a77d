/* SPDX-License-Identifier: MIT */
#ifndef FA_EMBED_H
#define FA_EMBED_H
/*
 * embed.h - 128-d face descriptors with face-api's FaceRecognitionNet (the
 * dlib ResNet, reference §6), distances, and the whole face pipeline:
 * image -> detections -> 68 landmarks -> alignment crop -> descriptor
 * (reference §7).
 *
 * Ownership and threads:
 *  - struct face_models holds the loaded weights (refcounted, read-only)
 *    and may be shared by all threads; free it when the last pipeline made
 *    from it is gone (pipelines hold their own weight references, so the
 *    order does not matter).
 *  - struct embedder and struct face_pipeline are instances with scratch
 *    memory: one per thread.
 *  - Descriptors are returned as computed, not L2-normalised (the reference
 *    compares them by Euclidean distance, threshold 0.6).
 */

#include <stdbool.h>
#include <stddef.h>

#include "faceaudit/agegender.h"
#include "faceaudit/cnn.h"
#include "faceaudit/detect.h"
#include "faceaudit/image.h"
#include "faceaudit/landmark.h"

#define FACE_DESCRIPTOR_DIM 128
/* face-api FaceMatcher's default: Euclidean distance < 0.6 is the same person. */
#define FACE_MATCH_THRESHOLD 0.6f

/* Euclidean distance of two n-vectors (accumulated in double). */
float face_distance_euclidean(const float *a, const float *b, size_t n);
/* Cosine distance 1 - cos(a, b) (0 when either vector is zero: returns 1). */
float face_distance_cosine(const float *a, const float *b, size_t n);

struct embedder;

/* An instance on recognition weights; NULL with *cause. */
struct embedder *embedder_new(struct cnn_weights *w, char **cause);
void embedder_free(struct embedder *e);
/*
 * Descriptor of an already aligned face image (face-api computeFaceDescriptor:
 * centred pad to square, resize to 150, normalise, run). Returns 0 or -1.
 */
int embedder_run(struct embedder *e, const struct image *face, float desc[FACE_DESCRIPTOR_DIM],
    char **cause);
/*
 * Descriptors of n aligned faces at once (desc gets n rows): the same values
 * as n embedder_run calls, computed layer by layer across the faces so the
 * network's filters are read once per batch. Returns 0 or -1.
 */
int embedder_run_many(struct embedder *e, const struct image *const *faces, size_t n,
    float (*desc)[FACE_DESCRIPTOR_DIM], char **cause);

/* ---- the pipeline ------------------------------------------------------------- */

struct face_models_opts {
    enum detector_kind detector; /* default DETECTOR_TINY */
    int input_size;              /* tiny detector input (0: 416) */
    float min_score;             /* 0: the detector's default (0.5) */
    bool tiny_landmarks;         /* FaceLandmark68TinyNet instead of FaceLandmark68Net */
    bool no_detector;            /* only the --cropped path will be used */
    bool no_descriptor;          /* detection and landmarks only */
    bool age_gender;             /* also load AgeGenderNet (face_pipeline_age_gender) */
};

struct face_models;

/*
 * Load (and verify with models_require) the weights the options need from
 * dir (NULL: models_dir()). opts may be NULL (defaults). NULL with *cause.
 */
struct face_models *face_models_load(const char *dir, const struct face_models_opts *opts,
    char **cause);
void face_models_free(struct face_models *m);

/* Which stages to run after detection. */
enum {
    FACE_STAGE_LANDMARKS = 1 << 0,
    FACE_STAGE_DESCRIPTOR = 1 << 1 /* implies landmarks */
};

struct face_result {
    struct fa_box box;      /* detection box, image pixels (the whole image for --cropped) */
    float score;            /* detection score (1 for --cropped) */
    bool has_landmarks;
    float landmarks[LANDMARK_COUNT][2];
    struct fa_box aligned;  /* alignment crop before clipping */
    bool has_descriptor;    /* false when the aligned crop was empty */
    float descriptor[FACE_DESCRIPTOR_DIM];
};

struct face_pipeline;

/* A per-thread pipeline instance on shared models; NULL with *cause. */
struct face_pipeline *face_pipeline_new(const struct face_models *m, char **cause);
void face_pipeline_free(struct face_pipeline *p);
/*
 * Every face in img (3 channels): detect, then the requested stages (the
 * descriptors of all faces in one embedder_run_many batch). *faces gets a
 * new array (caller frees; NULL when *n is 0), detection order. Faces whose
 * crop is empty keep has_landmarks/has_descriptor false.
 */
int face_pipeline_run(struct face_pipeline *p, const struct image *img, unsigned stages,
    struct face_result **faces, size_t *n, char **cause);
/*
 * The --cropped path: img is already a face crop; the landmark net runs on
 * the whole image (box = image), then the alignment crop and the descriptor.
 */
int face_pipeline_run_cropped(struct face_pipeline *p, const struct image *img,
    struct face_result *out, char **cause);
/* The instances inside (for parity tests and benchmarks; NULL if not loaded). */
struct embedder *face_pipeline_embedder(struct face_pipeline *p);
/* The age and gender estimator (agegender.h), NULL unless opts.age_gender was set. */
struct age_gender *face_pipeline_age_gender(struct face_pipeline *p);

#endif /* FA_EMBED_H */
