/* SPDX-License-Identifier: MIT */
/*
 * agegender.c - age and gender estimates with AgeGenderNet (cnn_net_ag.c):
 * face-api's crop for the net (the landmarks' bounding box padded by 20 %),
 * its preprocessing and softmax, and the share of people under an age with
 * an interval (Wilson score, widened by the estimator's known error).
 */
#include "config.h"

#include "faceaudit/agegender.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

#define AG_SIZE 112

struct age_gender {
    struct cnn_net *net;
    float *input;
};

struct age_gender *
age_gender_new(struct cnn_weights *w, char **cause)
{
    struct age_gender *ag = xcalloc(1, sizeof *ag);

    ag->net = cnn_net_new(CNN_AGE_GENDER, w, 0, cause);
    if (ag->net == NULL) {
        free(ag);
        return NULL;
    }
    ag->input = xmalloc((size_t)AG_SIZE * AG_SIZE * 3 * sizeof(float));
    return ag;
}

void
age_gender_free(struct age_gender *ag)
{
    if (ag == NULL)
        return;
    cnn_net_free(ag->net);
    free(ag->input);
    free(ag);
}

/* The estimate for a cropped face: face-api's preprocessing, the net, the gender softmax. */
int
age_gender_run(struct age_gender *ag, const struct image *face, struct age_gender_estimate *est,
    float *features, char **cause)
{
    struct cnn_outputs o;
    float m, e0, e1;

    if (face->channels != 3)
        return cause_set(cause, "age and gender need an RGB image, not %d channels",
            face->channels);
    image_prepare(face, AG_SIZE, true, NULL, ag->input);
    cnn_net_normalize(CNN_AGE_GENDER, ag->input, (size_t)AG_SIZE * AG_SIZE);
    cnn_net_forward(ag->net, ag->input, &o);
    /* tf.softmax: exp(x - max) / sum */
    m = fmaxf(o.t[0].data[1], o.t[0].data[2]);
    e0 = expf(o.t[0].data[1] - m);
    e1 = expf(o.t[0].data[2] - m);
    est->age = o.t[0].data[0];
    est->male = e0 / (e0 + e1);
    if (features != NULL)
        memcpy(features, o.t[1].data, AGE_GENDER_FEATURES * sizeof(float));
    return 0;
}

/* face-api's relative-box round trip of one coordinate: (v * (1 / d)) * d. */
static double
round_trip(double v, double d)
{
    return v * (1.0 / d) * d;
}

/* face-api's alignedRect (minBbox padded by 0.2) clipped as extractFaceTensors does, not floored. */
void
age_gender_box(const float pts[LANDMARK_COUNT][2], int img_w, int img_h, double box[4])
{
    double minx = INFINITY, miny = INFINITY, maxx = 0.0, maxy = 0.0;
    double x, y, w, h, px, py, cx, cy, W = img_w, H = img_h;
    int i;

    for (i = 0; i < LANDMARK_COUNT; i++) {
        double vx = (double)pts[i][0], vy = (double)pts[i][1];

        minx = vx < minx ? vx : minx;
        miny = vy < miny ? vy : miny;
        maxx = maxx < vx ? vx : maxx; /* the maximum starts at 0, as minBbox's reduce */
        maxy = maxy < vy ? vy : maxy;
    }
    w = maxx - minx;
    h = maxy - miny;
    px = w * 0.2;
    py = h * 0.2;
    x = minx - px / 2;
    y = miny - py / 2;
    w += px;
    h += py;
    /* alignedRect, then forSize() in extractFaceTensors: three round trips */
    for (i = 0; i < 3; i++) {
        x = round_trip(x, W);
        w = round_trip(w, W);
        y = round_trip(y, H);
        h = round_trip(h, H);
    }
    /* Box.clipAtImageBorders (its floor is age_gender_rect's) */
    cx = fmax(x, 0.0);
    cy = fmax(y, 0.0);
    box[0] = cx;
    box[1] = cy;
    box[2] = fmin(x + w - cx, W - cx);
    box[3] = fmin(y + h - cy, H - cy);
}

int
age_gender_rect(const float pts[LANDMARK_COUNT][2], int img_w, int img_h, int rect[4])
{
    double box[4];
    int k;

    age_gender_box(pts, img_w, img_h, box);
    for (k = 0; k < 4; k++)
        rect[k] = (int)floor(box[k]);
    return rect[2] > 0 && rect[3] > 0 ? 0 : 1;
}

int
age_gender_run_landmarks(struct age_gender *ag, const struct image *img,
    const float pts[LANDMARK_COUNT][2], struct age_gender_estimate *est, char **cause)
{
    struct image *crop;
    int r[4], rc;

    if (age_gender_rect(pts, img->width, img->height, r) != 0)
        return 1;
    crop = image_crop(img, (float)r[0], (float)r[1], (float)r[2], (float)r[3], NULL, NULL, NULL,
        NULL);
    if (crop == NULL)
        return 1;
    rc = age_gender_run(ag, crop, est, NULL, cause);
    image_free(crop);
    return rc;
}

/* ---- the share under an age ------------------------------------------------------- */

void
age_wilson(int k, int n, double z, double *lo, double *hi)
{
    double p = (double)k / n, z2 = z * z, dn = (double)n;
    double denom = 1.0 + z2 / dn;
    double centre = (p + z2 / (2.0 * dn)) / denom;
    double half = z * sqrt(p * (1.0 - p) / dn + z2 / (4.0 * dn * dn)) / denom;

    *lo = k == 0 ? 0.0 : fmax(0.0, centre - half);
    *hi = k == n ? 1.0 : fmin(1.0, centre + half);
}

void
age_share_compute(const float *ages, size_t n, float limit, float err, double z,
    struct age_share *out)
{
    size_t i;
    double dummy;

    memset(out, 0, sizeof *out);
    out->n = (int)n;
    if (n == 0) {
        out->share = out->lo = out->hi = NAN;
        return;
    }
    for (i = 0; i < n; i++) {
        float a = ages[i];

        if (a < limit)
            out->under++;
        if (a < limit - err)
            out->certain++;
        else if (a < limit + err)
            out->uncertain++;
    }
    out->share = (double)out->under / (double)n;
    age_wilson(out->certain, out->n, z, &out->lo, &dummy);
    age_wilson(out->certain + out->uncertain, out->n, z, &dummy, &out->hi);
}
