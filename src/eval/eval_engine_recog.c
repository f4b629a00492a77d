/* SPDX-License-Identifier: MIT */
/*
 * eval_engine_recog.c - the built-in engine for eval: decode, detect
 * (unless the images are crops), 68 landmarks, alignment and the 128-d
 * descriptor with the recog/ networks (face-api 1.7.15 weights), with
 * TinyFaceDetector (any input size) or SSD MobileNetV1. An image that
 * cannot be decoded, in which no face is found, with more than one face
 * when one is required, or whose face is too small, fails to acquire (FTA)
 * with that reason; otherwise with several faces the most confident
 * detection is the subject.
 * The model hash is the SHA-256 of the committed digests of the network
 * files the run uses, so a run names exactly which weights produced it.
 */
#include "config.h"

#include "faceaudit/eval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/detect.h"
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
    bool one_face;
    unsigned min_face;
};

static int
recog_embed(void *ctx, const struct ds_item *item, bool cropped, float *out, char **cause)
{
    struct recog_ctx *rc = ctx;
    struct image *img;
    char *err = NULL;
    int r = EVAL_FTA;

    if ((img = image_load(item->path, NULL, &err)) == NULL) {
        log_info("eval: %s", err);
        if (cause != NULL)
            *cause = err;
        else
            free(err);
        return EVAL_FTA_UNREADABLE;
    }
    if (cropped) {
        struct face_result fr;

        if (rc->min_face > 0 && (unsigned)img->width < rc->min_face) {
            cause_set(cause, "crop %dx%d, narrower than %u px", img->width, img->height,
                rc->min_face);
            r = EVAL_FTA_SMALL;
        } else if (face_pipeline_run_cropped(rc->pipe, img, &fr, &err) == -1) {
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
            if (n > 1 && rc->one_face) {
                cause_set(cause, "%zu faces found, one required", n);
                r = EVAL_FTA_MULTIPLE;
            } else if (n > 0 && rc->min_face > 0 && faces[best].box.w < (float)rc->min_face) {
                cause_set(cause, "face %.0f px wide, narrower than %u px", faces[best].box.w,
                    rc->min_face);
                r = EVAL_FTA_SMALL;
            } else if (n > 0 && faces[best].has_descriptor) {
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
    t->one_face = rc->one_face;
    t->min_face = rc->min_face;
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
    struct eval_recog_opts o;

    memset(&o, 0, sizeof o);
    o.protocol = protocol;
    o.cropped = cropped;
    return eval_engine_recog(&o, cause);
}

struct eval_engine *
eval_engine_recog(const struct eval_recog_opts *o, char **cause)
{
    struct face_models_opts opts;
    struct recog_ctx *rc;
    struct eval_engine *e;
    struct sha256 h;
    unsigned char d[SHA256_DIGEST_LEN];
    bool detect = o->protocol == EVAL_DETECT;
    enum detector_kind kind = o->detector == DETECTOR_SSD ? DETECTOR_SSD :
        o->detector == DETECTOR_TILED ? DETECTOR_TILED : DETECTOR_TINY;
    const char *stem = kind == DETECTOR_SSD ? "ssd_mobilenetv1" : "tiny_face_detector";
    char det[64];
    size_t i;

    memset(&opts, 0, sizeof opts);
    opts.detector = kind;
    opts.input_size = kind != DETECTOR_SSD ? o->input_size : 0;
    opts.min_score = (float)o->min_score;
    opts.no_detector = o->cropped && !detect;
    opts.no_descriptor = detect;
    rc = xcalloc(1, sizeof *rc);
    rc->one_face = o->one_face;
    rc->min_face = o->min_face;
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
        bool used = (!opts.no_detector && str_has_prefix(nm, stem)) ||
            (!detect && str_has_prefix(nm, "face_landmark_68_model")) ||
            (!detect && str_has_prefix(nm, "face_recognition"));

        if (used) {
            sha256_update(&h, nm, strlen(nm));
            sha256_update(&h, models_files[i].sha256, strlen(models_files[i].sha256));
        }
    }
    sha256_final(&h, d);
    sha256_to_hex(d, e->model_sha256);
    /* the detector as the run records it: defaults keep the historical names */
    if (kind == DETECTOR_SSD)
        snprintf(det, sizeof det, "ssd");
    else if (kind == DETECTOR_TILED)
        snprintf(det, sizeof det, "tiled%d", o->input_size != 0 ? o->input_size : 416);
    else if (o->input_size != 0 && o->input_size != 416)
        snprintf(det, sizeof det, "tiny%d", o->input_size);
    else
        snprintf(det, sizeof det, "tiny");
    if (o->min_score > 0 && (o->min_score < 0.5 || o->min_score > 0.5))
        snprintf(det + strlen(det), sizeof det - strlen(det), "@%g", o->min_score);
    if (detect)
        rc->name = xasprintf("faceapi-%s:%s-detector", FA_FACEAPI_VERSION, det);
    else if (o->cropped)
        rc->name = xasprintf("faceapi-%s:landmark68+recognition(cropped)", FA_FACEAPI_VERSION);
    else
        rc->name = xasprintf("faceapi-%s:%s+landmark68+recognition", FA_FACEAPI_VERSION, det);
    if (o->one_face || o->min_face > 0) {
        char *n2 = xasprintf("%s%s%s%.0u", rc->name, o->one_face ? ",one-face" : "",
            o->min_face > 0 ? ",min-face=" : "", o->min_face);

        free(rc->name);
        rc->name = n2;
    }
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
