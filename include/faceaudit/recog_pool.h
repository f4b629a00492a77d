/* SPDX-License-Identifier: MIT */
#ifndef FA_RECOG_POOL_H
#define FA_RECOG_POOL_H
/*
 * recog_pool.h - the image worker pool of the recognition engine: many
 * image files through one face pipeline per worker thread on shared models,
 * results kept per image in input order, so they do not depend on the
 * number of threads. Used by the recognition commands (through app/) and
 * open to any other caller with a list of image files.
 */

#include <stdbool.h>
#include <stddef.h>

#include "faceaudit/embed.h"
#include "faceaudit/sha256.h"

/* One input image and what the pipeline found in it. */
struct face_job {
    const char *path;                 /* borrowed from the caller's list */
    int width, height;
    char sha256[SHA256_HEX_LEN + 1];  /* of the file, when asked */
    struct face_result *faces;
    size_t n;
    char *error;                      /* "PATH: why" when the image failed, else NULL */
};

struct face_pool_opts {
    unsigned stages;                  /* FACE_STAGE_* after detection */
    bool cropped;                     /* the images are face crops (no detection) */
    bool want_sha;                    /* hash each file (the bytes decoded are the bytes hashed) */
    unsigned threads;                 /* workers (0 or 1: the calling thread only) */
    /* after each image, under the pool's lock (may be NULL) */
    void (*progress)(void *arg, size_t done, size_t total);
    /* polled before each image; true: the remaining images are skipped (may be NULL) */
    bool (*cancelled)(void *arg);
    void *arg;
};

/*
 * Run paths[0..n) through the models. Returns the jobs (free with
 * face_jobs_free), each holding its faces or its error; NULL with *cause
 * when no pipeline could be made. A cancelled run returns the jobs with
 * the skipped ones marked "cancelled".
 */
struct face_job *face_pool_run(const struct face_models *m, char *const *paths, size_t n,
    const struct face_pool_opts *o, char **cause);
void face_jobs_free(struct face_job *jobs, size_t n);

#endif /* FA_RECOG_POOL_H */
