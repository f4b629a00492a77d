/* SPDX-License-Identifier: MIT */
/*
 * detect_tiled.c - a detection mode for small and off-centre faces
 * (`--detector tiled`): TinyFaceDetector looks at the whole image once
 * (input 416 by default, --input-size) keeping weak candidates too
 * (score > DETECT_PROPOSAL_SCORE), then looks again, closer, only where a
 * candidate is small (under DETECT_SMALL_NET network pixels): a square
 * window DETECT_WINDOW times the candidate's side around it, resized to
 * DETECT_REFINE_INPUT (160), so that the face fills about 100 network
 * pixels, where the box regression is accurate; when the window shows no
 * face, once more with a wider one (DETECT_WINDOW2). From each window the
 * best detection centred inside the candidate's box is kept; boxes are
 * mapped back to image pixels and merged with the detector's NMS. Large
 * candidates are kept from the first pass as they are; a small candidate no
 * window confirms is kept only if it scored above --min-score. The work
 * follows the faces: one 416 pass plus a 160 pass (a seventh of a 416 pass)
 * per small candidate, instead of a grid of tiles over the whole picture
 * (the previous design: 0.7x SSD's time, now under 0.4x, same recall).
 * The constants were chosen on dlib-train (doc/ACCURACY.md has the
 * neighbouring settings' figures). Same weights as the tiny detector; no
 * reference exists for this mode (it is ours).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/detect.h"
#include "faceaudit/image.h"
#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"
#include "recog/recog_int.h"

#define DETECT_PROPOSAL_SCORE 0.1f  /* first-pass candidates looked at again from this score */
#define DETECT_SMALL_NET 80.0       /* refine boxes under this side in network pixels */
#define DETECT_WINDOW 1.6         /* window side / candidate side; */
#define DETECT_WINDOW2 2.08        /* when nothing is found, once more with this */           /* window side / candidate side */

static void
push(struct face_detection **all, size_t *n, size_t *cap, const struct face_detection *f)
{
    if (*n == *cap) {
        *cap = *cap != 0 ? *cap * 2 : 16;
        *all = xreallocarray(*all, *cap, sizeof **all);
    }
    (*all)[(*n)++] = *f;
}

/*
 * Look closer at a small candidate: the best detection in a window around it
 * whose centre lies inside the candidate's box; 1 with *best, 0 if none, -1.
 */
static int
refine(struct detector *sub, const struct image *img, const struct face_detection *p,
    double factor, struct face_detection *best, char **cause)
{
    double side = fmax(p->box.w, p->box.h) * factor, cx = p->box.x + p->box.w / 2.0,
        cy = p->box.y + p->box.h / 2.0, x0, y0;
    struct face_detection *one = NULL;
    struct image *win;
    size_t none = 0, k;
    int tw, th, found = 0;

    side = fmin(side, fmin(img->width, img->height));
    x0 = fmin(fmax(cx - side / 2, 0), img->width - side);
    y0 = fmin(fmax(cy - side / 2, 0), img->height - side);
    win = image_crop(img, (float)floor(x0), (float)floor(y0), (float)side, (float)side, NULL,
        NULL, &tw, &th);
    if (win == NULL)
        return 0;
    if (detect_run_once(sub, win, &one, &none, cause) == -1) {
        image_free(win);
        return -1;
    }
    image_free(win);
    for (k = 0; k < none; k++) {
        double fx = floor(x0) + one[k].box.x + one[k].box.w / 2.0,
            fy = floor(y0) + one[k].box.y + one[k].box.h / 2.0;

        if (fx < p->box.x || fx > p->box.x + p->box.w || fy < p->box.y ||
            fy > p->box.y + p->box.h || (found && one[k].score <= best->score))
            continue;
        *best = one[k];
        best->box.x += (float)floor(x0);
        best->box.y += (float)floor(y0);
        found = 1;
    }
    free(one);
    return found;
}

int
detect_tiled_run(struct detector *d, const struct image *img, struct face_detection **dets,
    size_t *n, char **cause)
{
    const struct detector_opts *o = detector_get_opts(d);
    struct face_detection *prop = NULL, *all = NULL, best;
    size_t nprop = 0, nall = 0, cap = 0, i;
    double scale = (double)o->input_size / FA_MAX(img->width, img->height);
    int r;

    *dets = NULL;
    *n = 0;
    if (detect_run_scored(d, img, FA_MIN(DETECT_PROPOSAL_SCORE, o->min_score), &prop, &nprop,
            cause) == -1)
        return -1;
    for (i = 0; i < nprop; i++) {
        const struct face_detection *p = &prop[i];

        if (fmax(p->box.w, p->box.h) * scale >= DETECT_SMALL_NET) {
            if (p->score > o->min_score)
                push(&all, &nall, &cap, p);
            continue;
        }
        r = refine(detect_sub(d), img, p, DETECT_WINDOW, &best, cause);
        if (r == 0)
            r = refine(detect_sub(d), img, p, DETECT_WINDOW2, &best, cause);
        if (r == -1) {
            free(prop);
            free(all);
            return -1;
        }
        if (r == 1)
            push(&all, &nall, &cap, &best);
        else if (p->score > o->min_score)
            push(&all, &nall, &cap, p);
    }
    free(prop);
    if (nall == 0) {
        free(all);
        return 0;
    }
    nall = detect_nms_tiny(all, nall, o->iou_threshold);
    *dets = all;
    *n = nall;
    return 0;
}
