/* SPDX-License-Identifier: MIT */
/*
 * detect_tiled.c - a detection mode for small and off-centre faces
 * (`--detector tiled`): TinyFaceDetector on the whole image and on a grid
 * of overlapping square tiles, each tile resized up to the network's input
 * so that a face a tenth of the image wide becomes large enough for the
 * network's anchors; the boxes are mapped back to image pixels and merged
 * with the detector's NMS (a face seen in several tiles is kept once, at
 * its best score). The tile side is DETECT_TILE_FRACTION of the shorter
 * image side (at least the network input / 2, so nothing is upscaled more
 * than twice), tiles overlap by a tenth; the network input defaults to 320
 * (--input-size), where the dlib-train figures of doc/ACCURACY.md were
 * measured against 416 and other tilings. Same weights as the tiny
 * detector; no reference exists for this mode (it is ours, measured in
 * doc/ACCURACY.md).
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

#define DETECT_TILE_FRACTION 0.5   /* tile side / shorter image side */
#define DETECT_TILE_OVERLAP 0.1    /* share of a tile shared with the next */

/* Tile origins along one axis of length len for tiles of side t (covering it all). */
static size_t
tile_origins(int len, int t, int *org, size_t cap)
{
    size_t n = 0;
    int step = (int)lrint(t * (1.0 - DETECT_TILE_OVERLAP)), x;

    if (t >= len) {
        org[0] = 0;
        return 1;
    }
    if (step < 1)
        step = 1;
    for (x = 0; n < cap; x += step) {
        if (x + t >= len) {
            org[n++] = len - t;
            break;
        }
        org[n++] = x;
    }
    return n;
}

int
detect_tiled_run(struct detector *d, const struct image *img, struct face_detection **dets,
    size_t *n, char **cause)
{
    struct face_detection *all = NULL, *one = NULL;
    size_t nall = 0, none = 0, nx, ny, i, j, k;
    int ox[16], oy[16], t, S = detector_get_opts(d)->input_size;
    float iou = detector_get_opts(d)->iou_threshold;

    *dets = NULL;
    *n = 0;
    if (detect_run_once(d, img, &all, &nall, cause) == -1)
        return -1;
    t = (int)lrint(DETECT_TILE_FRACTION * FA_MIN(img->width, img->height));
    if (t < S / 2)
        t = S / 2;
    nx = tile_origins(img->width, t, ox, FA_NITEMS(ox));
    ny = tile_origins(img->height, t, oy, FA_NITEMS(oy));
    if (!(nx == 1 && ny == 1 && t >= img->width && t >= img->height)) {
        for (j = 0; j < ny; j++) {
            for (i = 0; i < nx; i++) {
                int tw, th;
                struct image *tile = image_crop(img, (float)ox[i], (float)oy[j], (float)t,
                    (float)t, NULL, NULL, &tw, &th);

                if (tile == NULL)
                    continue;
                if (detect_run_once(d, tile, &one, &none, cause) == -1) {
                    image_free(tile);
                    free(all);
                    return -1;
                }
                image_free(tile);
                all = xreallocarray(all, nall + none + 1, sizeof *all);
                for (k = 0; k < none; k++) {
                    one[k].box.x += (float)ox[i];
                    one[k].box.y += (float)oy[j];
                    all[nall++] = one[k];
                }
                free(one);
                one = NULL;
            }
        }
    }
    if (nall == 0) {
        free(all);
        return 0;
    }
    nall = detect_nms_tiny(all, nall, iou);
    *dets = all;
    *n = nall;
    return 0;
}
