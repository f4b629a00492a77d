/* SPDX-License-Identifier: MIT */
/*
 * landmark.c - 68 facial landmarks (reference §5) and the dlib-style
 * alignment rectangle (§6). The face crop is taken with clipping, padded to
 * a centred square, resized to 112 and normalised; the 136 outputs are
 * mapped back with face-api's postProcess arithmetic (float32, like its
 * tensors) and shifted by the detection box's own, unclipped origin.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/landmark.h"
#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

#define LM_SIZE 112

struct landmarker {
    struct cnn_net *net;
    float *input;
};

/* An instance on landmark weights; NULL with *cause. */
struct landmarker *
landmarker_new(struct cnn_weights *w, bool tiny, char **cause)
{
    struct landmarker *lm = xcalloc(1, sizeof *lm);

    lm->net = cnn_net_new(tiny ? CNN_FACE_LANDMARK68_TINY : CNN_FACE_LANDMARK68, w, 0, cause);
    if (lm->net == NULL) {
        free(lm);
        return NULL;
    }
    lm->input = xmalloc((size_t)LM_SIZE * LM_SIZE * 3 * sizeof(float));
    return lm;
}

void
landmarker_free(struct landmarker *lm)
{
    if (lm == NULL)
        return;
    cnn_net_free(lm->net);
    free(lm->input);
    free(lm);
}

/* Map raw outputs to image coordinates (face-api postProcess + shiftBy). */
void
landmark_decode(const float *raw, int cw, int ch, float ox, float oy,
    float pts[LANDMARK_COUNT][2])
{
    double scale = (double)LM_SIZE / (double)FA_MAX(cw, ch);
    double sw = (double)cw * scale, sh = (double)ch * scale;
    float padx = (float)(sw < sh ? fabs(sw - sh) / 2 : 0.0);
    float pady = (float)(sh < sw ? fabs(sw - sh) / 2 : 0.0);
    float fw = (float)sw, fh = (float)sh;
    int i;

    for (i = 0; i < LANDMARK_COUNT; i++) {
        float rx = (raw[2 * i] * (float)LM_SIZE - padx) / fw;
        float ry = (raw[2 * i + 1] * (float)LM_SIZE - pady) / fh;

        pts[i][0] = (float)((double)rx * cw + (double)ox);
        pts[i][1] = (float)((double)ry * ch + (double)oy);
    }
}

/* Landmarks of the face in box; 1 when the crop is empty. */
int
landmarker_run(struct landmarker *lm, const struct image *img, const struct fa_box *box,
    float pts[LANDMARK_COUNT][2], int *cw, int *ch, char **cause)
{
    struct image *crop;
    struct cnn_outputs o;

    if (img->channels != 3)
        return cause_set(cause, "landmarks need an RGB image, not %d channels", img->channels);
    crop = image_crop(img, box->x, box->y, box->w, box->h, NULL, NULL, NULL, NULL);
    if (crop == NULL)
        return 1;
    image_prepare(crop, LM_SIZE, true, NULL, lm->input);
    cnn_net_normalize(cnn_net_model(lm->net), lm->input, (size_t)LM_SIZE * LM_SIZE);
    cnn_net_forward(lm->net, lm->input, &o);
    landmark_decode(o.t[0].data, crop->width, crop->height, box->x, box->y, pts);
    if (cw != NULL)
        *cw = crop->width;
    if (ch != NULL)
        *ch = crop->height;
    image_free(crop);
    return 0;
}

/* Mean of points [a, b). */
static void
centre(const float pts[LANDMARK_COUNT][2], int a, int b, double *x, double *y)
{
    double sx = 0.0, sy = 0.0;
    int i;

    for (i = a; i < b; i++) {
        sx += (double)pts[i][0];
        sy += (double)pts[i][1];
    }
    *x = sx / (double)(b - a);
    *y = sy / (double)(b - a);
}

/* face-api's alignDlib rectangle. */
struct fa_box
landmark_align_box(const float pts[LANDMARK_COUNT][2], int cw, int ch)
{
    double lx, ly, rx, ry, mx, my, e, size, cx, cy, x, y;
    struct fa_box b;

    centre(pts, 36, 42, &lx, &ly);
    centre(pts, 42, 48, &rx, &ry);
    centre(pts, 48, 68, &mx, &my);
    /* Point.magnitude() is Math.sqrt(x*x + y*y) */
    e = (sqrt((mx - lx) * (mx - lx) + (my - ly) * (my - ly)) +
            sqrt((mx - rx) * (mx - rx) + (my - ry) * (my - ry))) / 2.0;
    size = floor(e / 0.45);
    cx = (lx + rx + mx) / 3.0;
    cy = (ly + ry + my) / 3.0;
    x = floor(fmax(0.0, cx - 0.5 * size));
    y = floor(fmax(0.0, cy - 0.43 * size));
    b.x = (float)x;
    b.y = (float)y;
    b.w = (float)fmin(size, (double)cw + x);
    b.h = (float)fmin(size, (double)ch + y);
    return b;
}
