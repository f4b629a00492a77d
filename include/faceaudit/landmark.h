/* SPDX-License-Identifier: MIT */
#ifndef FA_LANDMARK_H
#define FA_LANDMARK_H
/*
 * landmark.h - 68-point face landmarks with face-api's FaceLandmark68Net or
 * FaceLandmark68TinyNet (reference §5), and the dlib-style alignment crop the
 * reference takes before the recognition net (§6).
 *
 * Points are iBUG-68 order (jaw 0-16, brows 17-26, nose 27-35, eyes 36-47,
 * mouth 48-67) in image pixel coordinates, float.
 *
 * A struct landmarker is one instance (one per thread); weights are shared.
 */

#include <stdbool.h>

#include "faceaudit/cnn.h"
#include "faceaudit/detect.h"
#include "faceaudit/image.h"

#define LANDMARK_COUNT 68

struct landmarker;

/* An instance on landmark weights (full or tiny net per `tiny`); NULL with *cause. */
struct landmarker *landmarker_new(struct cnn_weights *w, bool tiny, char **cause);
void landmarker_free(struct landmarker *lm);
/*
 * Landmarks of the face in box: crop (clip + floor, §2), run the net, map
 * back to image coordinates shifted by the unclipped box origin. Returns 0;
 * 1 when the clipped crop is empty (no landmarks, not an error: face-api
 * drops such faces); -1 with *cause on an error. *cw / *ch (may be NULL)
 * receive the crop size, which landmark_align_box needs.
 */
int landmarker_run(struct landmarker *lm, const struct image *img, const struct fa_box *box,
    float pts[LANDMARK_COUNT][2], int *cw, int *ch, char **cause);

/*
 * Map the 136 raw outputs of a landmark net for a crop of cw x ch pixels to
 * image coordinates, adding (ox, oy).
 */
void landmark_decode(const float *raw, int cw, int ch, float ox, float oy,
    float pts[LANDMARK_COUNT][2]);
/*
 * face-api's dlib alignment rectangle from image-coordinate landmarks: eye
 * and mouth centres, size = floor(mean eye-mouth distance / 0.45), origin
 * floored and clamped at 0, width/height min(size, cw + x) / min(size, ch + y)
 * with (cw, ch) the landmark crop size (the reference's quirk).
 */
struct fa_box landmark_align_box(const float pts[LANDMARK_COUNT][2], int cw, int ch);

#endif /* FA_LANDMARK_H */
