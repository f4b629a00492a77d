/* SPDX-License-Identifier: MIT */
/*
 * check_parity.c - our engine against the reference (face-api 1.7.15 on
 * tfjs-wasm) on identical pixels, one test per golden file in
 * tests/data/parity/ (written by bench/peers/regen-parity.sh; format in
 * tests/data/parity/README).
 *
 * Each stage is fed the reference's own input, so an error does not travel
 * downstream: detection on the image; landmarks on the reference's box;
 * the alignment rect from the reference's landmarks; the descriptor on that
 * crop; AgeGenderNet's crop from the reference's landmarks (the same whole
 * pixels) and the net on it; and the whole image as a face crop. Bounds
 * (doc/HACKING.md, check_parity.c): boxes IoU >= 0.99 with scores within
 * 1e-3, landmarks within 0.25 px, descriptors within 1e-3 (L2), age within
 * 1e-3 years, P(male) within 1e-4, pooled features within 1e-3 relative. Before any of it the decoded pixels must hash to the digest the
 * reference recorded.
 *
 * Skips with a visible message when the models (demo photos) or the shared
 * datasets are absent, or when a JPEG decodes to other pixels than the
 * golden file's libjpeg-turbo did (another libjpeg build). A lossless input
 * (PNG, PGM) decoding differently is a failure.
 */
#include "config.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "faceaudit/agegender.h"
#include "faceaudit/cnn.h"
#include "faceaudit/detect.h"
#include "faceaudit/embed.h"
#include "faceaudit/image.h"
#include "faceaudit/landmark.h"
#include "faceaudit/models.h"
#include "faceaudit/sha256.h"
#include "faceaudit/str.h"
#include "testutil.h"

Suite *parity_suite(void);

/* The tolerances doc/HACKING.md states for check_parity.c. */
#define PARITY_IOU 0.99f
#define PARITY_SCORE 1e-3f
#define PARITY_LANDMARK_PX 0.25f
#define PARITY_DESCRIPTOR_L2 1e-3f
/* AgeGenderNet: age in years, P(male), each pooled feature (relative to max(1, |value|)) */
#define PARITY_AGE_YEARS 1e-3f
#define PARITY_GENDER 1e-4f
#define PARITY_AGE_FEATURE 1e-3f
/*
 * Composed (our landmarks give the age crop): the crop may be one pixel off
 * where an edge sits within float32 rounding of a whole pixel.
 */
#define PARITY_PIPELINE_AGE 1.0f
#define PARITY_PIPELINE_GENDER 1e-2f

/* ---- golden files ------------------------------------------------------------ */

struct ref_face {
    bool empty;
    bool has_lm, has_lmt, has_align, has_desc, has_agecrop, has_age, has_agefeat;
    int agecrop[4];
    float age[3];                        /* age, P(male), P(female) */
    float agefeat[AGE_GENDER_FEATURES];
    float lm[LANDMARK_COUNT][2];
    float lmt[LANDMARK_COUNT][2];
    float align[4];
    float desc[FACE_DESCRIPTOR_DIM];
};

struct ref {
    char *label;
    char *decoder;
    int width, height;
    char pixels_sha[SHA256_HEX_LEN + 1];
    size_t ndet[2];                 /* [DETECTOR_TINY], [DETECTOR_SSD] */
    struct face_detection *det[2];
    float det_threshold[2];
    size_t nfaces;
    struct ref_face *faces;
    bool has_whole;
    struct ref_face whole;
};

#define MAX_REFS 64
static char *ref_files[MAX_REFS];
static int nref_files;

static void
ref_free(struct ref *r)
{
    free(r->label);
    free(r->decoder);
    free(r->det[0]);
    free(r->det[1]);
    free(r->faces);
}

/* Read exactly n floats from the tokens after the keyword; fail with file:line. */
static void
read_floats(const char *file, int line, char **save, float *out, size_t n)
{
    size_t i;
    char *tok, *end;

    for (i = 0; i < n; i++) {
        tok = strtok_r(NULL, " ", save);
        ck_assert_msg(tok != NULL, "%s:%d: %zu numbers expected, found %zu", file, line, n, i);
        out[i] = strtof(tok, &end);
        ck_assert_msg(*end == '\0', "%s:%d: bad number '%s'", file, line, tok);
    }
    ck_assert_msg(strtok_r(NULL, " ", save) == NULL, "%s:%d: more than %zu numbers", file,
        line, n);
}

static void
ref_load(const char *file, struct ref *r)
{
    char *text, *cause = NULL, *lp, *lsave = NULL;
    struct ref_face *cur = NULL;
    int line = 0, d = -1;
    size_t want = 0, i;

    memset(r, 0, sizeof *r);
    text = fs_read_file(file, 16 << 20, NULL, &cause);
    ck_assert_msg(text != NULL, "%s", cause);
    for (lp = strtok_r(text, "\n", &lsave); lp != NULL; lp = strtok_r(NULL, "\n", &lsave)) {
        char *save = NULL, *kw;

        line++;
        if (*lp == '#')
            continue;
        kw = strtok_r(lp, " ", &save);
        if (kw == NULL)
            continue;
        if (strcmp(kw, "image") == 0)
            r->label = xstrdup(strtok_r(NULL, " ", &save));
        else if (strcmp(kw, "source_sha256") == 0)
            continue;
        else if (strcmp(kw, "decoder") == 0)
            r->decoder = xstrdup(strtok_r(NULL, " ", &save));
        else if (strcmp(kw, "pixels") == 0) {
            r->width = atoi(strtok_r(NULL, " ", &save));
            r->height = atoi(strtok_r(NULL, " ", &save));
            snprintf(r->pixels_sha, sizeof r->pixels_sha, "%s", strtok_r(NULL, " ", &save));
        } else if (strcmp(kw, "detector") == 0) {
            char *name = strtok_r(NULL, " ", &save);
            float hdr[3];

            d = strcmp(name, "ssd") == 0 ? DETECTOR_SSD : DETECTOR_TINY;
            read_floats(file, line, &save, hdr, 3);
            r->det_threshold[d] = hdr[1];
            want = (size_t)hdr[2];
            r->det[d] = xcalloc(want + 1, sizeof *r->det[d]);
        } else if (strcmp(kw, "box") == 0) {
            float v[5];

            ck_assert_msg(d >= 0 && r->ndet[d] < want, "%s:%d: box outside a detector block",
                file, line);
            read_floats(file, line, &save, v, 5);
            r->det[d][r->ndet[d]].score = v[0];
            r->det[d][r->ndet[d]].box = (struct fa_box){ v[1], v[2], v[3], v[4] };
            r->ndet[d]++;
        } else if (strcmp(kw, "face") == 0) {
            ck_assert_msg((size_t)atoi(strtok_r(NULL, " ", &save)) == r->nfaces,
                "%s:%d: faces out of order", file, line);
            r->faces = xreallocarray(r->faces, r->nfaces + 1, sizeof *r->faces);
            cur = &r->faces[r->nfaces++];
            memset(cur, 0, sizeof *cur);
        } else if (strcmp(kw, "whole") == 0) {
            r->has_whole = true;
            cur = &r->whole;
        } else if (strcmp(kw, "empty") == 0) {
            ck_assert_ptr_nonnull(cur);
            cur->empty = true;
        } else if (strcmp(kw, "landmarks68") == 0 || strcmp(kw, "landmarks68tiny") == 0) {
            bool tiny = strcmp(kw, "landmarks68tiny") == 0;

            ck_assert_msg(cur != NULL, "%s:%d: landmarks outside a face", file, line);
            read_floats(file, line, &save, tiny ? &cur->lmt[0][0] : &cur->lm[0][0],
                2 * LANDMARK_COUNT);
            if (tiny)
                cur->has_lmt = true;
            else
                cur->has_lm = true;
        } else if (strcmp(kw, "align") == 0) {
            ck_assert_msg(cur != NULL, "%s:%d: align outside a face", file, line);
            read_floats(file, line, &save, cur->align, 4);
            cur->has_align = true;
        } else if (strcmp(kw, "descriptor") == 0) {
            ck_assert_msg(cur != NULL, "%s:%d: descriptor outside a face", file, line);
            read_floats(file, line, &save, cur->desc, FACE_DESCRIPTOR_DIM);
            cur->has_desc = true;
        } else if (strcmp(kw, "agecrop") == 0) {
            float v[4];

            ck_assert_msg(cur != NULL, "%s:%d: agecrop outside a face", file, line);
            read_floats(file, line, &save, v, 4);
            for (i = 0; i < 4; i++)
                cur->agecrop[i] = (int)v[i];
            cur->has_agecrop = true;
        } else if (strcmp(kw, "agegender") == 0) {
            ck_assert_msg(cur != NULL, "%s:%d: agegender outside a face", file, line);
            read_floats(file, line, &save, cur->age, 3);
            cur->has_age = true;
        } else if (strcmp(kw, "agefeatures") == 0) {
            ck_assert_msg(cur != NULL, "%s:%d: agefeatures outside a face", file, line);
            read_floats(file, line, &save, cur->agefeat, AGE_GENDER_FEATURES);
            cur->has_agefeat = true;
        } else if (strcmp(kw, "end") == 0)
            break;
        else
            ck_abort_msg("%s:%d: unknown record '%s'", file, line, kw);
    }
    free(text);
    ck_assert_msg(r->label != NULL && r->decoder != NULL && r->width > 0, "%s: incomplete", file);
    for (i = 0; i < 2; i++)
        ck_assert_msg(r->det[i] != NULL, "%s: no %s detector block", file, i ? "ssd" : "tiny");
}

/* ---- the engine, loaded once ----------------------------------------------------- */

static char *models;
static struct cnn_weights *weights[CNN_MODEL_COUNT];
static char *models_skip; /* why the models are unusable, or NULL */

static void
load_models(void)
{
    enum cnn_model m;
    char *cause = NULL;

    models = models_dir();
    for (m = 0; m < CNN_MODEL_COUNT; m++) {
        weights[m] = cnn_weights_load_model(models, cnn_model_stem(m), &cause);
        if (weights[m] == NULL) {
            models_skip = cause;
            return;
        }
    }
}

static void
unload_models(void)
{
    enum cnn_model m;

    for (m = 0; m < CNN_MODEL_COUNT; m++)
        cnn_weights_unref(weights[m]);
    free(models);
    free(models_skip);
}

/* Where a golden file's input lives: demo/ in the model folder, faces/ in the datasets. */
static char *
input_path(const char *label)
{
    char *dir, *p;

    if (str_has_prefix(label, "demo/"))
        return path_join(models, label);
    if ((dir = test_datadir()) == NULL)
        return NULL;
    p = path_join(dir, label);
    free(dir);
    return p;
}

static float
l2_diff(const float *a, const float *b, size_t n)
{
    double s = 0;
    size_t i;

    for (i = 0; i < n; i++)
        s += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
    return (float)sqrt(s);
}

static float
max_point_error(const float a[LANDMARK_COUNT][2], const float b[LANDMARK_COUNT][2])
{
    float worst = 0;
    int i;

    for (i = 0; i < LANDMARK_COUNT; i++)
        worst = fmaxf(worst, hypotf(a[i][0] - b[i][0], a[i][1] - b[i][1]));
    return worst;
}

/* Worst figures over one golden file, printed for the log. */
struct worst {
    float iou_deficit, score, landmark, descriptor, age, gender, agefeat;
    int checks;
};

/*
 * Every reference box must have a counterpart (IoU >= 0.99, score within
 * 1e-3) and vice versa; a box whose score sits within the tolerance of the
 * threshold may be missing on either side.
 */
static void
check_detections(const char *label, enum detector_kind kind, const struct ref *r,
    const struct image *img, struct worst *w)
{
    struct detector_opts o;
    struct detector *det;
    struct face_detection *ours = NULL;
    size_t n = 0, i, j;
    char *cause = NULL;
    bool *used;
    const char *name = detector_kind_name(kind);

    detector_opts_default(&o, kind);
    det = detector_new(weights[detector_kind_model(kind)], &o, &cause);
    ck_assert_msg(det != NULL, "%s", cause);
    ck_assert_msg(detector_run(det, img, &ours, &n, &cause) == 0, "%s: %s", label, cause);
    used = xcalloc(n + 1, sizeof *used);
    for (i = 0; i < r->ndet[kind]; i++) {
        const struct face_detection *rd = &r->det[kind][i];
        float best = 0;
        size_t bj = n;

        for (j = 0; j < n; j++) {
            float iou = detect_iou(&rd->box, &ours[j].box);

            if (!used[j] && iou > best) {
                best = iou;
                bj = j;
            }
        }
        if (bj == n || best < PARITY_IOU) {
            ck_assert_msg(rd->score - r->det_threshold[kind] <= PARITY_SCORE,
                "%s %s: reference box %zu (score %.6f, %.1f %.1f %.1f %.1f) not found "
                "(best IoU %.4f)", label, name, i, (double)rd->score, (double)rd->box.x,
                (double)rd->box.y, (double)rd->box.w, (double)rd->box.h, (double)best);
            continue;
        }
        used[bj] = true;
        ck_assert_msg(fabsf(ours[bj].score - rd->score) <= PARITY_SCORE,
            "%s %s: box %zu score %.6f, reference %.6f", label, name, i,
            (double)ours[bj].score, (double)rd->score);
        w->iou_deficit = fmaxf(w->iou_deficit, 1 - best);
        w->score = fmaxf(w->score, fabsf(ours[bj].score - rd->score));
        w->checks++;
    }
    for (j = 0; j < n; j++)
        ck_assert_msg(used[j] || ours[j].score - r->det_threshold[kind] <= PARITY_SCORE,
            "%s %s: extra box (score %.6f, %.1f %.1f %.1f %.1f) the reference does not have",
            label, name, (double)ours[j].score, (double)ours[j].box.x, (double)ours[j].box.y,
            (double)ours[j].box.w, (double)ours[j].box.h);
    free(used);
    free(ours);
    detector_free(det);
}

/* Landmarks on the reference's box; *cw, *ch get the landmark crop size. */
static void
check_landmarks(const char *what, struct landmarker *lm, const struct image *img,
    const struct fa_box *box, const float want[LANDMARK_COUNT][2], int *cw, int *ch,
    struct worst *w)
{
    float pts[LANDMARK_COUNT][2], err;
    char *cause = NULL;

    ck_assert_msg(landmarker_run(lm, img, box, pts, cw, ch, &cause) == 0, "%s: %s", what,
        cause);
    err = max_point_error(pts, want);
    ck_assert_msg(err <= PARITY_LANDMARK_PX, "%s: a landmark is %.4f px from the reference",
        what, (double)err);
    w->landmark = fmaxf(w->landmark, err);
    w->checks++;
}

static void
check_descriptor(const char *what, struct embedder *e, const struct image *face,
    const float *want, struct worst *w)
{
    float desc[FACE_DESCRIPTOR_DIM], err;
    char *cause = NULL;

    ck_assert_msg(embedder_run(e, face, desc, &cause) == 0, "%s: %s", what, cause);
    err = l2_diff(desc, want, FACE_DESCRIPTOR_DIM);
    ck_assert_msg(err <= PARITY_DESCRIPTOR_L2, "%s: descriptor %.6f (L2) from the reference",
        what, (double)err);
    w->descriptor = fmaxf(w->descriptor, err);
    w->checks++;
}

/* AgeGenderNet on a face crop against the reference's age, gender softmax and features. */
static void
check_age_gender(const char *what, struct age_gender *ag, const struct image *face,
    const struct ref_face *f, struct worst *w)
{
    struct age_gender_estimate est;
    float feat[AGE_GENDER_FEATURES], ferr = 0;
    char *cause = NULL;
    int k;

    ck_assert_msg(f->has_age && f->has_agefeat, "%s: no agegender record", what);
    ck_assert_msg(age_gender_run(ag, face, &est, feat, &cause) == 0, "%s: %s", what, cause);
    ck_assert_msg(fabsf(est.age - f->age[0]) <= PARITY_AGE_YEARS,
        "%s: age %.6f, reference %.6f", what, (double)est.age, (double)f->age[0]);
    ck_assert_msg(fabsf(est.male - f->age[1]) <= PARITY_GENDER &&
        fabsf((1.0f - est.male) - f->age[2]) <= PARITY_GENDER,
        "%s: P(male) %.7f, reference %.7f (female %.7f)", what, (double)est.male,
        (double)f->age[1], (double)f->age[2]);
    for (k = 0; k < AGE_GENDER_FEATURES; k++)
        ferr = fmaxf(ferr, fabsf(feat[k] - f->agefeat[k]) / fmaxf(1.0f, fabsf(f->agefeat[k])));
    ck_assert_msg(ferr <= PARITY_AGE_FEATURE, "%s: a pooled feature %.2e (relative) off", what,
        (double)ferr);
    w->age = fmaxf(w->age, fabsf(est.age - f->age[0]));
    w->gender = fmaxf(w->gender, fabsf(est.male - f->age[1]));
    w->agefeat = fmaxf(w->agefeat, ferr);
    w->checks++;
}

/*
 * The composed pipeline the commands run (face_pipeline_run: our boxes, our
 * landmarks, our alignment) against face-api's composed call: every face in
 * the same order with landmarks and descriptor within the same bounds.
 */
static void
check_pipeline(const struct ref *r, const struct image *img)
{
    struct face_models_opts mo = { 0 };
    struct age_gender_estimate est;
    struct face_models *fm;
    struct face_pipeline *fp;
    struct face_result *fr = NULL;
    char *cause = NULL;
    size_t n = 0, i;
    float lmerr = 0, derr = 0, aerr = 0, gerr = 0;

    mo.age_gender = true;
    fm = face_models_load(models, &mo, &cause);
    ck_assert_msg(fm != NULL, "%s", cause);
    fp = face_pipeline_new(fm, &cause);
    ck_assert_msg(fp != NULL, "%s", cause);
    ck_assert_msg(face_pipeline_run(fp, img, FACE_STAGE_DESCRIPTOR, &fr, &n, &cause) == 0,
        "%s: %s", r->label, cause);
    ck_assert_msg(n == r->nfaces, "%s pipeline: %zu faces, reference %zu", r->label, n,
        r->nfaces);
    for (i = 0; i < n; i++) {
        const struct ref_face *f = &r->faces[i];

        ck_assert(detect_iou(&fr[i].box, &r->det[DETECTOR_TINY][i].box) >= PARITY_IOU);
        if (f->empty) {
            ck_assert(!fr[i].has_landmarks);
            continue;
        }
        ck_assert(fr[i].has_landmarks && fr[i].has_descriptor == f->has_desc);
        lmerr = fmaxf(lmerr, max_point_error(fr[i].landmarks, f->lm));
        if (f->has_desc)
            derr = fmaxf(derr, l2_diff(fr[i].descriptor, f->desc, FACE_DESCRIPTOR_DIM));
        ck_assert_int_eq(age_gender_run_landmarks(face_pipeline_age_gender(fp), img,
            fr[i].landmarks, &est, &cause), f->has_age ? 0 : 1);
        if (f->has_age) {
            aerr = fmaxf(aerr, fabsf(est.age - f->age[0]));
            gerr = fmaxf(gerr, fabsf(est.male - f->age[1]));
        }
    }
    ck_assert_msg(lmerr <= PARITY_LANDMARK_PX, "%s pipeline: a landmark %.4f px off", r->label,
        (double)lmerr);
    ck_assert_msg(derr <= PARITY_DESCRIPTOR_L2, "%s pipeline: a descriptor %.2e off", r->label,
        (double)derr);
    ck_assert_msg(aerr <= PARITY_PIPELINE_AGE && gerr <= PARITY_PIPELINE_GENDER,
        "%s pipeline: an age %.2e years off, P(male) %.2e", r->label, (double)aerr,
        (double)gerr);
    printf("parity %s: pipeline end to end, %zu faces; worst landmark %.4f px, descriptor "
        "%.2e, age %.2e years, P(male) %.2e\n", r->label, n, (double)lmerr, (double)derr,
        (double)aerr, (double)gerr);
    free(fr);
    face_pipeline_free(fp);
    face_models_free(fm);
}

START_TEST(test_parity)
{
    /* every golden file on every instruction set of the kernels this CPU can run */
    int nfiles = nref_files > 0 ? nref_files : 1;
    enum cnn_isa isa = (enum cnn_isa)(_i / nfiles);
    const char *file = ref_files[_i % nfiles];
    struct image_load_opts lo = { 0, 0, true }; /* the reference applies no EXIF rotation */
    struct landmarker *lm, *lmt;
    struct embedder *emb;
    struct age_gender *ag;
    struct worst w = { 0, 0, 0, 0, 0, 0, 0, 0 };
    struct image *img;
    struct ref r;
    char *path, *cause = NULL, sha[SHA256_HEX_LEN + 1];
    size_t i;

    ck_assert_msg(file != NULL, "no golden files in tests/data/parity");
    if (cnn_isa_set(isa) == -1) {
        printf("SKIP parity %s with %s kernels: not supported by this CPU\n", file,
            cnn_isa_name(isa));
        return;
    }
    ref_load(file, &r);
    if (models_skip != NULL) {
        printf("SKIP parity %s: %s\n", r.label, models_skip);
        ref_free(&r);
        return;
    }
    path = input_path(r.label);
    if (path == NULL || !fs_exists(path)) {
        printf("SKIP parity %s: input not found (%s; shared datasets via FACEAUDIT_DATA)\n",
            r.label, path != NULL ? path : "no datasets folder");
        free(path);
        ref_free(&r);
        return;
    }
    img = image_load(path, &lo, &cause);
    ck_assert_msg(img != NULL, "%s", cause);
    ck_assert_int_eq(img->channels, 3);
    ck_assert_int_eq(img->sample, IMAGE_U8);
    ck_assert_int_eq(img->width, r.width);
    ck_assert_int_eq(img->height, r.height);
    sha256_hex(img->u8, image_nsamples(img), sha);
    if (strcmp(sha, r.pixels_sha) != 0) {
        ck_assert_msg(strcmp(r.decoder, "libjpeg-turbo") == 0,
            "%s: decoded pixels differ from the reference's (%s decoder, lossless)", r.label,
            r.decoder);
        printf("SKIP parity %s: this libjpeg decodes other pixels than the golden file's "
            "libjpeg-turbo (SHA-256 %s); regenerate with bench/peers/regen-parity.sh\n",
            r.label, sha);
        image_free(img);
        free(path);
        ref_free(&r);
        return;
    }

    check_detections(r.label, DETECTOR_TINY, &r, img, &w);
    check_detections(r.label, DETECTOR_SSD, &r, img, &w);

    lm = landmarker_new(weights[CNN_FACE_LANDMARK68], false, &cause);
    ck_assert_msg(lm != NULL, "%s", cause);
    lmt = landmarker_new(weights[CNN_FACE_LANDMARK68_TINY], true, &cause);
    ck_assert_msg(lmt != NULL, "%s", cause);
    emb = embedder_new(weights[CNN_FACE_RECOGNITION], &cause);
    ck_assert_msg(emb != NULL, "%s", cause);
    ag = age_gender_new(weights[CNN_AGE_GENDER], &cause);
    ck_assert_msg(ag != NULL, "%s", cause);
    ck_assert_uint_eq(r.nfaces, r.ndet[DETECTOR_TINY]);
    for (i = 0; i < r.nfaces; i++) {
        const struct ref_face *f = &r.faces[i];
        const struct fa_box *box = &r.det[DETECTOR_TINY][i].box;
        char what[256];
        struct fa_box al;
        struct image *crop;
        int cw, ch;

        if (f->empty)
            continue;
        ck_assert(f->has_lm && f->has_lmt && f->has_align);
        snprintf(what, sizeof what, "%s face %zu landmarks68", r.label, i);
        check_landmarks(what, lm, img, box, f->lm, &cw, &ch, &w);
        snprintf(what, sizeof what, "%s face %zu landmarks68tiny", r.label, i);
        check_landmarks(what, lmt, img, box, f->lmt, &cw, &ch, &w);

        /* alignment from the reference's own landmarks: integers, exactly */
        al = landmark_align_box(f->lm, cw, ch);
        ck_assert_msg(fabsf(al.x - f->align[0]) < 1e-3f && fabsf(al.y - f->align[1]) < 1e-3f
            && fabsf(al.w - f->align[2]) < 1e-3f && fabsf(al.h - f->align[3]) < 1e-3f,
            "%s face %zu: alignment %g %g %g %g, reference %g %g %g %g", r.label, i,
            (double)al.x, (double)al.y, (double)al.w, (double)al.h, (double)f->align[0],
            (double)f->align[1], (double)f->align[2], (double)f->align[3]);
        /*
         * AgeGenderNet's crop from the reference's landmarks: the same whole
         * pixels, except where the unfloored edge lies within float32 rounding
         * of a whole pixel (our landmarks are float32, face-api's doubles);
         * the net then runs on the reference's own crop
         */
        {
            int ar[4], k;
            double ab[4];
            bool empty = age_gender_rect(f->lm, img->width, img->height, ar) != 0;

            age_gender_box(f->lm, img->width, img->height, ab);
            ck_assert_msg(empty == !f->has_agecrop, "%s face %zu: age crop empty %d, "
                "reference %d", r.label, i, empty, !f->has_agecrop);
            for (k = 0; k < 4 && !empty; k++)
                ck_assert_msg(ar[k] == f->agecrop[k] || (abs(ar[k] - f->agecrop[k]) == 1 &&
                    fabs(ab[k] - nearbyint(ab[k])) < 1e-3), "%s face %zu: age crop "
                    "%d %d %d %d (%.6f %.6f %.6f %.6f), reference %d %d %d %d", r.label, i,
                    ar[0], ar[1], ar[2], ar[3], ab[0], ab[1], ab[2], ab[3], f->agecrop[0],
                    f->agecrop[1], f->agecrop[2], f->agecrop[3]);
            if (!empty) {
                crop = image_crop(img, (float)f->agecrop[0], (float)f->agecrop[1],
                    (float)f->agecrop[2], (float)f->agecrop[3], NULL, NULL, NULL, NULL);
                ck_assert_ptr_nonnull(crop);
                snprintf(what, sizeof what, "%s face %zu age and gender", r.label, i);
                check_age_gender(what, ag, crop, f, &w);
                image_free(crop);
            }
        }
        if (!f->has_desc)
            continue;
        crop = image_crop(img, f->align[0], f->align[1], f->align[2], f->align[3], NULL, NULL,
            NULL, NULL);
        ck_assert_ptr_nonnull(crop);
        snprintf(what, sizeof what, "%s face %zu descriptor", r.label, i);
        check_descriptor(what, emb, crop, f->desc, &w);
        image_free(crop);
    }

    ck_assert(r.has_whole && r.whole.has_lm && r.whole.has_lmt && r.whole.has_desc);
    {
        struct fa_box all = { 0, 0, (float)img->width, (float)img->height };
        char what[256];
        int cw, ch;

        snprintf(what, sizeof what, "%s whole landmarks68", r.label);
        check_landmarks(what, lm, img, &all, r.whole.lm, &cw, &ch, &w);
        snprintf(what, sizeof what, "%s whole landmarks68tiny", r.label);
        check_landmarks(what, lmt, img, &all, r.whole.lmt, &cw, &ch, &w);
        snprintf(what, sizeof what, "%s whole descriptor", r.label);
        check_descriptor(what, emb, img, r.whole.desc, &w);
        snprintf(what, sizeof what, "%s whole age and gender", r.label);
        check_age_gender(what, ag, img, &r.whole, &w);
    }
    printf("parity %s (%s kernels): %d checks; worst: IoU %.6f, score %.2e, "
        "landmark %.4f px, descriptor %.2e (L2), age %.2e years, P(male) %.2e, "
        "age features %.2e\n", r.label, cnn_isa_name(isa), w.checks,
        1.0 - (double)w.iou_deficit, (double)w.score, (double)w.landmark,
        (double)w.descriptor, (double)w.age, (double)w.gender, (double)w.agefeat);
    check_pipeline(&r, img);

    embedder_free(emb);
    age_gender_free(ag);
    landmarker_free(lm);
    landmarker_free(lmt);
    image_free(img);
    free(path);
    ref_free(&r);
}
END_TEST

static int
name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

Suite *
parity_suite(void)
{
    Suite *s = suite_create("parity");
    TCase *tc = tcase_create("reference");
    char *dir = test_srcpath("tests/data/parity");
    DIR *d = opendir(dir);
    struct dirent *de;

    while (d != NULL && (de = readdir(d)) != NULL && nref_files < MAX_REFS) {
        if (str_has_suffix(de->d_name, ".ref"))
            ref_files[nref_files++] = path_join(dir, de->d_name);
    }
    if (d != NULL)
        closedir(d);
    free(dir);
    qsort(ref_files, (size_t)nref_files, sizeof ref_files[0], name_cmp);

    tcase_add_unchecked_fixture(tc, load_models, unload_models);
    tcase_set_timeout(tc, 300);
    /* the golden files must be there: an empty loop would check nothing */
    if (nref_files == 0)
        fprintf(stderr, "parity: no golden files in tests/data/parity\n");
    tcase_add_loop_test(tc, test_parity, 0, (nref_files > 0 ? nref_files : 1) * CNN_ISA_COUNT);
    suite_add_tcase(s, tc);
    return s;
}
