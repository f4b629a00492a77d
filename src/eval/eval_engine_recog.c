/* SPDX-License-Identifier: MIT */
/*
 * eval_engine_recog.c - the built-in engine for eval: decode, detect
 * (unless the images are crops), 68 landmarks, alignment and the 128-d
 * descriptor with the recog/ networks (face-api 1.7.15 weights). An image
 * that cannot be decoded, or in which no face is found, fails to acquire
 * (FTA); with several faces the most confident detection is the subject.
 * The model hash is the SHA-256 of the committed digests of the network
 * files the run uses, so a run names exactly which weights produced it.
 */
#include "config.h"

#include "faceaudit/eval.h"

#include <stdlib.h>
#include <string.h>

#include "faceaudit/embed.h"
#include "faceaudit/image.h"
#include "faceaudit/log.h"
#include "faceaudit/models.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

struct recog_ctx {
    struct face_models *models;
    struct face_pipeline *pipe;
    char *name;
};

static int
recog_embed(void *ctx, const struct ds_item *item, bool cropped, float *out, char **cause)
{
    struct recog_ctx *rc = ctx;
    struct image *img;
    char *err = NULL;
    int r = 1;

    if ((img = image_load(item->path, NULL, &err)) == NULL) {
        log_info("eval: %s", err);
        free(err);
        return 1;   /* undecodable: a failure to acquire */
    }
    if (cropped) {
        struct face_result fr;

        if (face_pipeline_run_cropped(rc->pipe, img, &fr, &err) == -1) {
            log_info("eval: %s: %s", item->rel, err);
            free(err);
        } else if (fr.has_descriptor) {
            memcpy(out, fr.descriptor, sizeof fr.descriptor);
            r = 0;
        }
    } else {
        struct face_result *faces = NULL;
        size_t n = 0, i, best = 0;

        if (face_pipeline_run(rc->pipe, img, FACE_STAGE_DESCRIPTOR, &faces, &n, &err) == -1) {
            log_info("eval: %s: %s", item->rel, err);
            free(err);
        } else {
            for (i = 0; i < n; i++) {
                if (faces[i].has_descriptor && (!faces[best].has_descriptor ||
                    faces[i].score > faces[best].score))
                    best = i;
            }
            if (n > 0 && faces[best].has_descriptor) {
                memcpy(out, faces[best].descriptor, sizeof faces[best].descriptor);
                r = 0;
            }
        }
        free(faces);
    }
    image_free(img);
    return r;
}

static int
recog_detect(void *ctx, const struct ds_item *item, struct ds_box **boxes, double **conf,
    size_t *n, char **cause)
{
    struct recog_ctx *rc = ctx;
    struct face_result *faces = NULL;
    struct image *img;
    size_t i;

    *boxes = NULL;
    *conf = NULL;
    *n = 0;
    if ((img = image_load(item->path, NULL, cause)) == NULL)
        return -1;
    if (face_pipeline_run(rc->pipe, img, 0, &faces, n, cause) == -1) {
        image_free(img);
        return -1;
    }
    image_free(img);
    if (*n > 0) {
        *boxes = xcalloc(*n, sizeof **boxes);
        *conf = xcalloc(*n, sizeof **conf);
        for (i = 0; i < *n; i++) {
            (*boxes)[i].x = faces[i].box.x;
            (*boxes)[i].y = faces[i].box.y;
            (*boxes)[i].w = faces[i].box.w;
            (*boxes)[i].h = faces[i].box.h;
            (*conf)[i] = faces[i].score;
        }
    }
    free(faces);
    return 0;
}

/* Another thread's instance: its own pipeline on the shared weights. */
static void *
recog_thread_new(void *ctx, char **cause)
{
    struct recog_ctx *rc = ctx, *t;

    t = xcalloc(1, sizeof *t);
    if ((t->pipe = face_pipeline_new(rc->models, cause)) == NULL) {
        free(t);
        return NULL;
    }
    return t;
}

static void
recog_thread_free(void *tctx)
{
    struct recog_ctx *t = tctx;

    face_pipeline_free(t->pipe);
    free(t);
}

static void
recog_free(void *ctx)
{
    struct recog_ctx *rc = ctx;

    face_pipeline_free(rc->pipe);
    face_models_free(rc->models);
    free(rc->name);
    free(rc);
}

struct eval_engine *
eval_engine_default(enum eval_protocol protocol, bool cropped, char **cause)
{
    struct face_models_opts opts;
    struct recog_ctx *rc;
    struct eval_engine *e;
    struct sha256 h;
    unsigned char d[SHA256_DIGEST_LEN];
    bool detect = protocol == EVAL_DETECT;
    size_t i;

    memset(&opts, 0, sizeof opts);
    opts.detector = DETECTOR_TINY;
    opts.no_detector = cropped && !detect;
    opts.no_descriptor = detect;
    rc = xcalloc(1, sizeof *rc);
    if ((rc->models = face_models_load(NULL, &opts, cause)) == NULL) {
        free(rc);
        return NULL;
    }
    if ((rc->pipe = face_pipeline_new(rc->models, cause)) == NULL) {
        face_models_free(rc->models);
        free(rc);
        return NULL;
    }
    e = xcalloc(1, sizeof *e);
    /* the digests of the networks in use, in the registry's order */
    sha256_init(&h);
    for (i = 0; i < models_nfiles; i++) {
        const char *nm = models_files[i].name;
        bool used = (!opts.no_detector && str_has_prefix(nm, "tiny_face_detector")) ||
            (!detect && str_has_prefix(nm, "face_landmark_68_model")) ||
            (!detect && str_has_prefix(nm, "face_recognition"));

        if (used) {
            sha256_update(&h, nm, strlen(nm));
            sha256_update(&h, models_files[i].sha256, strlen(models_files[i].sha256));
        }
    }
    sha256_final(&h, d);
    sha256_to_hex(d, e->model_sha256);
    rc->name = xasprintf("faceapi-%s%s", FA_FACEAPI_VERSION, detect ? ":tiny-detector" :
        cropped ? ":landmark68+recognition(cropped)" : ":tiny+landmark68+recognition");
    e->name = rc->name;
    e->dim = FACE_DESCRIPTOR_DIM;
    e->ctx = rc;
    e->embed = detect ? NULL : recog_embed;
    e->detect = detect ? recog_detect : NULL;
    e->free = recog_free;
    e->thread_new = recog_thread_new;
    e->thread_free = recog_thread_free;
    return e;
}
