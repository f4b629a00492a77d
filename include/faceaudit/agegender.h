/* SPDX-License-Identifier: MIT */
#ifndef FA_AGEGENDER_H
#define FA_AGEGENDER_H
/*
 * agegender.h - age and gender ESTIMATES with face-api's AgeGenderNet
 * (a TinyXception feature extractor, an age regression and a two-way
 * gender softmax on a 112 x 112 face crop), and the share of people under
 * an age with an interval that carries both the sampling error and the
 * estimator's own.
 *
 * What the numbers are: a statistical estimate from one face image, with a
 * known error (AGE_KNOWN_ERROR below), never a fact about a person. Callers
 * keep per-face estimates in memory only and report aggregates (a share
 * with its interval); nothing here stores or prints anything.
 *
 * Alignment: face-api's composed call (detectAllFaces().withFaceLandmarks()
 * .withAgeAndGender()) crops the face at its `alignedRect`: the bounding box
 * of the 68 landmarks padded by 20 % of its width and height (half on each
 * side), clipped at the image borders and floored (age_gender_rect).
 *
 * A struct age_gender is one instance (scratch memory): one per thread;
 * the weights are shared (cnn.h).
 */

#include <stdbool.h>
#include <stddef.h>

#include "faceaudit/cnn.h"
#include "faceaudit/image.h"
#include "faceaudit/landmark.h"

#define AGE_GENDER_FEATURES 512

/*
 * The estimator's known error near the ages that matter here, in years:
 * upstream's mean absolute error on its test split for the 9-18 age range
 * (face-api 1.7.15's TUTORIAL.md, "Age and Gender Recognition Model": MAE
 * 4.82 for ages 9-18, 4.54 over all ages). Upstream's figure, not measured
 * here: no shared dataset carries ages.
 */
#define AGE_KNOWN_ERROR 4.82f
/* Art. 7 of the Measures: children under 14 need a guardian's consent. */
#define AGE_CHILD_LIMIT 14.0f

/* One face's estimate. */
struct age_gender_estimate {
    float age;     /* years (the regression output, unclamped) */
    float male;    /* P(male) of the gender softmax; P(female) = 1 - male */
};

struct age_gender;

/* An instance on AgeGenderNet weights (cnn_weights_load_model "age_gender_model"); NULL with *cause. */
struct age_gender *age_gender_new(struct cnn_weights *w, char **cause);
void age_gender_free(struct age_gender *ag);
/*
 * The estimate for an already cropped face (face-api predictAgeAndGender on
 * the face tensor: centred pad to square, resize to 112, normalise, run,
 * softmax). features (may be NULL) receives the 512 pooled features.
 * Returns 0, or -1 with *cause for an image that is not RGB.
 */
int age_gender_run(struct age_gender *ag, const struct image *face,
    struct age_gender_estimate *est, float *features, char **cause);
/*
 * face-api's crop for this net from 68 image-coordinate landmarks on an
 * img_w x img_h image: the landmarks' bounding box (face-api's minBbox,
 * whose maximum starts at 0) padded by 20 %, through the relative-box round
 * trip face-api makes (x / W * W ...), clipped at the borders and floored,
 * all in double as JavaScript does. rect gets x, y, w, h in whole pixels.
 * Returns 0, or 1 when the clipped crop is empty.
 */
int age_gender_rect(const float pts[LANDMARK_COUNT][2], int img_w, int img_h, int rect[4]);
/*
 * The same box before the floor (x, y, w, h in double). Our landmarks are
 * float32 where face-api's are doubles: an edge whose value lies within
 * float32 rounding of a whole pixel can floor one pixel apart from
 * face-api's (the parity test allows exactly that case).
 */
void age_gender_box(const float pts[LANDMARK_COUNT][2], int img_w, int img_h, double box[4]);
/*
 * The estimate for the face with these landmarks in img: age_gender_rect,
 * then age_gender_run on that crop. 0, 1 when the crop is empty (no
 * estimate, not an error), -1 with *cause.
 */
int age_gender_run_landmarks(struct age_gender *ag, const struct image *img,
    const float pts[LANDMARK_COUNT][2], struct age_gender_estimate *est, char **cause);

/* ---- the share of people under an age ----------------------------------------- */

/*
 * The estimated share of people under `limit` years among n age estimates
 * (one per person) with an interval:
 *   share = #(age < limit) / n;
 *   lo    = the Wilson score interval's lower end (z) of the count of people
 *           whose estimate is below limit - err (those within err of the
 *           limit counted as adults);
 *   hi    = its upper end of the count below limit + err (those within err
 *           of the limit counted as children).
 * So lo <= share <= hi, and the interval widens both with few people and
 * with many estimates near the limit. n = 0 gives NaN for all three.
 */
struct age_share {
    int n;          /* people with an estimate */
    int under;      /* estimates below the limit */
    int certain;    /* estimates below limit - err */
    int uncertain;  /* estimates within err of the limit: limit - err <= age < limit + err */
    double share, lo, hi;
};

void age_share_compute(const float *ages, size_t n, float limit, float err, double z,
    struct age_share *out);
/* The Wilson score interval of k successes in n trials at z (n > 0). */
void age_wilson(int k, int n, double z, double *lo, double *hi);

#endif /* FA_AGEGENDER_H */
