/* SPDX-License-Identifier: MIT */
/*
 * embed.c - 128-d descriptors (reference §6), distances, and the face
 * pipeline of reference §7: detect -> crop -> 68 landmarks -> dlib
 * alignment rectangle -> crop -> FaceRecognitionNet. Models are loaded once
 * (struct face_models, shared, read-only); each thread makes its own
 * struct face_pipeline with its own network instances and scratch memory.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/embed.h"
#include "faceaudit/log.h"
#include "faceaudit/models.h"
#include "faceaudit/xmalloc.h"

#define REC_SIZE 150

/* ---- distances -------------------------------------------------------------------- */

float
face_distance_euclidean(const float *a, const float *b, size_t n)
{
    double s = 0.0;
    size_t i;

    for (i = 0; i < n; i++) {
        double d = (double)a[i] - (double)b[i];

        s += d * d;
    }
    return (float)sqrt(s);
}

float
face_distance_cosine(const float *a, const float *b, size_t n)
{
    double ab = 0.0, aa = 0.0, bb = 0.0;
    size_t i;

    for (i = 0; i < n; i++) {
        ab += (double)a[i] * (double)b[i];
        aa += (double)a[i] * (double)a[i];
        bb += (double)b[i] * (double)b[i];
    }
    if (aa <= 0.0 || bb <= 0.0)
        return 1.0f;
    return (float)(1.0 - ab / (sqrt(aa) * sqrt(bb)));
}

/* ---- embedder ---------------------------------------------------------------------- */

struct embedder {
    struct cnn_net *net;
    float *input;
    float **inputs; /* embedder_run_many's preprocessed faces (grow-only) */
    size_t ninputs;
};

struct embedder *
embedder_new(struct cnn_weights *w, char **cause)
{
    struct embedder *e = xcalloc(1, sizeof *e);

    e->net = cnn_net_new(CNN_FACE_RECOGNITION, w, 0, cause);
    if (e->net == NULL) {
        free(e);
        return NULL;
    }
    e->input = xmalloc((size_t)REC_SIZE * REC_SIZE * 3 * sizeof(float));
    return e;
}

void
embedder_free(struct embedder *e)
{
    size_t i;

    if (e == NULL)
        return;
    cnn_net_free(e->net);
    free(e->input);
    for (i = 0; i < e->ninputs; i++)
        free(e->inputs[i]);
    free(e->inputs);
    free(e);
}

/* Descriptor of an aligned face image. */
int
embedder_run(struct embedder *e, const struct image *face, float desc[FACE_DESCRIPTOR_DIM],
    char **cause)
{
    struct cnn_outputs o;

    if (face->channels != 3)
        return cause_set(cause, "descriptor needs an RGB image, not %d channels",
            face->channels);
    image_prepare(face, REC_SIZE, true, NULL, e->input);
    cnn_net_normalize(CNN_FACE_RECOGNITION, e->input, (size_t)REC_SIZE * REC_SIZE);
    cnn_net_forward(e->net, e->input, &o);
    memcpy(desc, o.t[0].data, FACE_DESCRIPTOR_DIM * sizeof(float));
    return 0;
}

/* Descriptors of n aligned faces in one layer-major pass; desc gets n rows. */
int
embedder_run_many(struct embedder *e, const struct image *const *faces, size_t n,
    float (*desc)[FACE_DESCRIPTOR_DIM], char **cause)
{
    size_t f;

    for (f = 0; f < n; f++)
        if (faces[f]->channels != 3)
            return cause_set(cause, "descriptor needs an RGB image, not %d channels",
                faces[f]->channels);
    if (n > e->ninputs) {
        e->inputs = xreallocarray(e->inputs, n, sizeof *e->inputs);
        for (f = e->ninputs; f < n; f++)
            e->inputs[f] = xmalloc((size_t)REC_SIZE * REC_SIZE * 3 * sizeof(float));
        e->ninputs = n;
    }
    for (f = 0; f < n; f++) {
        image_prepare(faces[f], REC_SIZE, true, NULL, e->inputs[f]);
        cnn_net_normalize(CNN_FACE_RECOGNITION, e->inputs[f], (size_t)REC_SIZE * REC_SIZE);
    }
    cnn_net_forward_many(e->net, (const float *const *)e->inputs, n, &desc[0][0]);
    return 0;
}

/* ---- models and pipeline ------------------------------------------------------------- */

struct face_models {
    struct face_models_opts opts;
    struct cnn_weights *det;
    struct cnn_weights *lm;
    struct cnn_weights *rec;
    struct cnn_weights *ag;
};

struct face_pipeline {
    struct face_models_opts opts;
    struct detector *det;
    struct landmarker *lm;
    struct embedder *emb;
    struct age_gender *ag;
};

void
face_models_free(struct face_models *m)
{
    if (m == NULL)
        return;
    cnn_weights_unref(m->det);
    cnn_weights_unref(m->lm);
    cnn_weights_unref(m->rec);
    cnn_weights_unref(m->ag);
    free(m);
}

/* Load the weights the options need; NULL with *cause. */
struct face_models *
face_models_load(const char *dir, const struct face_models_opts *opts, char **cause)
{
    struct face_models *m = xcalloc(1, sizeof *m);
    char *owned = NULL;

    if (opts != NULL)
        m->opts = *opts;
    if (dir == NULL)
        dir = owned = models_dir();
    if (!m->opts.no_detector) {
        m->det = cnn_weights_load_model(dir,
            cnn_model_stem(detector_kind_model(m->opts.detector)), cause);
        if (m->det == NULL)
            goto fail;
    }
    m->lm = cnn_weights_load_model(dir, cnn_model_stem(m->opts.tiny_landmarks ?
        CNN_FACE_LANDMARK68_TINY : CNN_FACE_LANDMARK68), cause);
    if (m->lm == NULL)
        goto fail;
    if (!m->opts.no_descriptor) {
        m->rec = cnn_weights_load_model(dir, cnn_model_stem(CNN_FACE_RECOGNITION), cause);
        if (m->rec == NULL)
            goto fail;
    }
    if (m->opts.age_gender) {
        m->ag = cnn_weights_load_model(dir, cnn_model_stem(CNN_AGE_GENDER), cause);
        if (m->ag == NULL)
            goto fail;
    }
    free(owned);
    return m;
fail:
    free(owned);
    face_models_free(m);
    return NULL;
}

void
face_pipeline_free(struct face_pipeline *p)
{
    if (p == NULL)
        return;
    detector_free(p->det);
    landmarker_free(p->lm);
    embedder_free(p->emb);
    age_gender_free(p->ag);
    free(p);
}

/* A per-thread pipeline; NULL with *cause. */
struct face_pipeline *
face_pipeline_new(const struct face_models *m, char **cause)
{
    struct face_pipeline *p = xcalloc(1, sizeof *p);

    p->opts = m->opts;
    if (m->det != NULL) {
        struct detector_opts o;

        detector_opts_default(&o, m->opts.detector);
        if (m->opts.detector != DETECTOR_SSD && m->opts.input_size != 0)
            o.input_size = m->opts.input_size;
        if (m->opts.min_score > 0.0f)
            o.min_score = m->opts.min_score;
        p->det = detector_new(m->det, &o, cause);
        if (p->det == NULL)
            goto fail;
    }
    p->lm = landmarker_new(m->lm, m->opts.tiny_landmarks, cause);
    if (p->lm == NULL)
        goto fail;
    if (m->rec != NULL) {
        p->emb = embedder_new(m->rec, cause);
        if (p->emb == NULL)
            goto fail;
    }
    if (m->ag != NULL && (p->ag = age_gender_new(m->ag, cause)) == NULL)
        goto fail;
    return p;
fail:
    face_pipeline_free(p);
    return NULL;
}

struct embedder *
face_pipeline_embedder(struct face_pipeline *p)
{
    return p->emb;
}

struct age_gender *
face_pipeline_age_gender(struct face_pipeline *p)
{
    return p->ag;
}

/* Landmarks, alignment and descriptor of one face whose box is set in r. */
static int
finish_face(struct face_pipeline *p, const struct image *img, unsigned stages,
    struct face_result *r, char **cause)
{
    struct image *crop;
    int cw = 0, ch = 0, rc;

    if (!(stages & (FACE_STAGE_LANDMARKS | FACE_STAGE_DESCRIPTOR)))
        return 0;
    rc = landmarker_run(p->lm, img, &r->box, r->landmarks, &cw, &ch, cause);
    if (rc < 0)
        return -1;
    if (rc > 0)
        return 0; /* empty crop: no landmarks, no descriptor */
    r->has_landmarks = true;
    r->aligned = landmark_align_box(r->landmarks, cw, ch);
    if (!(stages & FACE_STAGE_DESCRIPTOR) || p->emb == NULL)
        return 0;
    crop = image_crop(img, r->aligned.x, r->aligned.y, r->aligned.w, r->aligned.h, NULL, NULL,
        NULL, NULL);
    if (crop == NULL)
        return 0;
    rc = embedder_run(p->emb, crop, r->descriptor, cause);
    image_free(crop);
    if (rc != 0)
        return -1;
    r->has_descriptor = true;
    return 0;
}

/* Every face in img; *faces is a new array (caller frees). */
int
face_pipeline_run(struct face_pipeline *p, const struct image *img, unsigned stages,
    struct face_result **faces, size_t *n, char **cause)
{
    struct face_detection *dets = NULL;
    struct face_result *res;
    struct image **crops = NULL;
    size_t *owner = NULL, ncrops = 0, nd = 0, i;
    float (*desc)[FACE_DESCRIPTOR_DIM] = NULL;
    int rc = -1;

    *faces = NULL;
    *n = 0;
    if (p->det == NULL)
        return cause_set(cause, "the models were loaded without a detector");
    if ((stages & FACE_STAGE_DESCRIPTOR) && p->emb == NULL)
        return cause_set(cause, "the models were loaded without the recognition net");
    if (detector_run(p->det, img, &dets, &nd, cause) != 0)
        return -1;
    if (nd == 0)
        return 0;
    res = xcalloc(nd, sizeof *res);
    crops = xcalloc(nd, sizeof *crops);
    owner = xcalloc(nd, sizeof *owner);
    /* landmarks and alignment face by face, then all descriptors in one batch */
    for (i = 0; i < nd; i++) {
        res[i].box = dets[i].box;
        res[i].score = dets[i].score;
        /* descriptors need the landmarks (the alignment) too */
        if (finish_face(p, img, stages & (FACE_STAGE_LANDMARKS | FACE_STAGE_DESCRIPTOR) ?
                FACE_STAGE_LANDMARKS : 0, &res[i], cause) != 0)
            goto out;
        if (!(stages & FACE_STAGE_DESCRIPTOR) || !res[i].has_landmarks)
            continue;
        crops[ncrops] = image_crop(img, res[i].aligned.x, res[i].aligned.y, res[i].aligned.w,
            res[i].aligned.h, NULL, NULL, NULL, NULL);
        if (crops[ncrops] != NULL)
            owner[ncrops++] = i; /* an empty aligned crop: no descriptor */
    }
    if (ncrops > 0) {
        desc = xcalloc(ncrops, sizeof *desc);
        if (embedder_run_many(p->emb, (const struct image *const *)crops, ncrops, desc,
                cause) != 0)
            goto out;
        for (i = 0; i < ncrops; i++) {
            memcpy(res[owner[i]].descriptor, desc[i], sizeof desc[i]);
            res[owner[i]].has_descriptor = true;
        }
    }
    *faces = res;
    *n = nd;
    res = NULL;
    rc = 0;
out:
    for (i = 0; i < ncrops; i++)
        image_free(crops[i]);
    free(crops);
    free(owner);
    free(desc);
    free(dets);
    free(res);
    return rc;
}

/* The --cropped path: the whole image is the face box. */
int
face_pipeline_run_cropped(struct face_pipeline *p, const struct image *img,
    struct face_result *out, char **cause)
{
    memset(out, 0, sizeof *out);
    if (p->emb == NULL)
        return cause_set(cause, "the models were loaded without the recognition net");
    out->box.x = 0.0f;
    out->box.y = 0.0f;
    out->box.w = (float)img->width;
    out->box.h = (float)img->height;
    out->score = 1.0f;
    return finish_face(p, img, FACE_STAGE_LANDMARKS | FACE_STAGE_DESCRIPTOR, out, cause);
}
