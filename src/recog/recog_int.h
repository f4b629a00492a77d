/* SPDX-License-Identifier: MIT */
#ifndef FA_RECOG_INT_H
#define FA_RECOG_INT_H
/*
 * recog_int.h - helpers private to src/recog/: the network builders' common
 * pieces (the strict JSON reader of the weight manifests is core's json.h).
 */

#include <stdbool.h>
#include <stddef.h>

#include "faceaudit/cnn.h"
#include "faceaudit/json.h"

/*
 * FA_HOT marks the inner loops of the inference core (depthwise convs,
 * im2col, epilogues, pooling, resizing): GCC compiles them with the
 * vectoriser on (optimize O3) and twice, for the x86-64 baseline and for
 * x86-64-v3 (AVX2 + FMA), choosing at load time by the CPU (function
 * multi-versioning through an ifunc). Elsewhere, and when configured with
 * --disable-simd-dispatch (FA_NO_MULTIVERSION: no AVX2/AVX-512 variants of
 * any kernel, the GEMM's and Winograd's included), it is a no-op. No
 * -ffast-math semantics are involved: results stay IEEE, FMA contraction
 * only changes the last bits (the reference itself sums in another order).
 */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(FA_NO_MULTIVERSION)
#define FA_HOT __attribute__((target_clones("arch=x86-64-v3", "default"), optimize("O3")))
#else
#define FA_HOT
#endif

/*
 * A 3x3 stride-1 'same' conv by Winograd (cnn_winograd.c) on cv->winograd,
 * F(2x2, 3x3) or F(4x4, 3x3) by cv->winograd_m, epilogue fused: act
 * replaces cv->act, res (shaped like out, may be out, or NULL) is added
 * before it; out preallocated, not in. _many runs n inputs of one shape
 * with their tiles stacked into one GEMM per tile element (res NULL or n
 * residuals).
 */
void cnn_conv_winograd(const struct cnn_tensor *in, const struct cnn_conv *cv, const float *res,
    enum cnn_act act, float *out, struct cnn_arena *a);
void cnn_conv_winograd_many(const struct cnn_tensor *ins, size_t n, const struct cnn_conv *cv,
    const float *const *res, enum cnn_act act, float *const *outs, struct cnn_arena *a);

/*
 * Output rows [oy0, oy1) of a 3x3 conv on at most 4 input channels with 16
 * or 32 outputs, epilogue fused (cnn_direct.c), when the AVX-512 kernels
 * are selected; false, nothing written, otherwise. pt, pl: the padding
 * before; ow: the output width.
 */
bool cnn_conv_direct3x3(const struct cnn_tensor *in, const struct cnn_conv *cv, int pt, int pl,
    int ow, int oy0, int oy1, float *dst);
/*
 * The same conv (16 outputs, stride 1) with the 2x2 stride-2 'same' max pool
 * after it (pad 0 before, as cnn_maxpool2_rows): pooled rows [p0, p1) into
 * dst (pw pixels a row), the conv output never written; oh, ow: the conv's
 * output size. False, nothing written, where the AVX-512 kernels are not
 * selected or the conv is not one of these.
 */
bool cnn_conv_direct3x3_pool2(const struct cnn_tensor *in, const struct cnn_conv *cv, int pt,
    int pl, int oh, int ow, int p0, int p1, float *dst, int pw);

/*
 * 2x2 'same' max pool (pad 0 before), stride 1 or 2, of conv rows [c0, c1)
 * held in b (ow pixels of C channels), pooled rows [p0, p1) into dst (pw
 * pixels a row; cnn_dw.c): the pool after a band of fused conv output.
 */
void cnn_maxpool2_rows(const float *b, int c0, int c1, int ow, int C, int stride, int p0, int p1,
    float *dst, int pw);

/* ---- network internals ----------------------------------------------------------- */

/* Look up a tensor by name and check its shape (ndim values, -1 = any); NULL with *cause. */
const float *net_param(const struct cnn_weights *w, const char *name, int ndim, const int *shape,
    char **cause);

struct detector;
struct image;
struct face_detection;
/* One pass of the network over the whole image (detector_run without the tiled mode). */
int detect_run_once(struct detector *d, const struct image *img, struct face_detection **dets,
    size_t *n, char **cause);
/* detect_run_once keeping scores above min_score instead of the instance's. */
int detect_run_scored(struct detector *d, const struct image *img, float min_score,
    struct face_detection **dets, size_t *n, char **cause);
/* The tiled mode's second instance (input DETECT_REFINE_INPUT), NULL for other kinds. */
struct detector *detect_sub(struct detector *d);
#define DETECT_REFINE_INPUT 160
/* The tiled mode (detect_tiled.c): the whole image, then a closer look at small faces. */
int detect_tiled_run(struct detector *d, const struct image *img, struct face_detection **dets,
    size_t *n, char **cause);

#endif /* FA_RECOG_INT_H */
