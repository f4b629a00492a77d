/* SPDX-License-Identifier: MIT */
/*
 * detect.c - face detection as face-api does it (reference §3, §4): the
 * network's preprocessing (pad bottom/right, bilinear resize, normalise),
 * TinyFaceDetector's YOLO-style decoding with its 5 anchors, the SSD's
 * anchor-relative box decoding (scale factors 10, 10, 5, 5), strict score
 * thresholds, and face-api's two different NMS procedures, reproduced
 * including their tie orders. Coordinates are computed in double where
 * face-api computes in JavaScript numbers.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/detect.h"
#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"
#include "recog/recog_int.h"

#define TINY_IOU 0.4f
#define SSD_IOU 0.5f
#define SSD_ANCHORS 5118

struct detector {
    struct detector_opts opts;
    struct cnn_net *net;
    const float *anchors; /* SSD: [5118][4] ymin, xmin, ymax, xmax */
    float *input;         /* size*size*3, reused */
    struct face_detection *cand;
    size_t cand_cap;
    struct detector *sub; /* tiled: the instance that looks again at small faces */
};

/* Reference defaults. */
void
detector_opts_default(struct detector_opts *o, enum detector_kind kind)
{
    memset(o, 0, sizeof *o);
    o->kind = kind;
    o->input_size = kind == DETECTOR_SSD ? 512 : 416;
    o->min_score = 0.5f;
    o->iou_threshold = kind != DETECTOR_SSD ? TINY_IOU : SSD_IOU;
    o->max_results = 100;
}

int
detector_kind_parse(const char *s, enum detector_kind *kind)
{
    if (strcmp(s, "tiny") == 0)
        *kind = DETECTOR_TINY;
    else if (strcmp(s, "ssd") == 0)
        *kind = DETECTOR_SSD;
    else if (strcmp(s, "tiled") == 0)
        *kind = DETECTOR_TILED;
    else
        return -1;
    return 0;
}

const char *
detector_kind_name(enum detector_kind kind)
{
    return kind == DETECTOR_SSD ? "ssd" : kind == DETECTOR_TILED ? "tiled" : "tiny";
}

enum cnn_model
detector_kind_model(enum detector_kind kind)
{
    return kind == DETECTOR_SSD ? CNN_SSD_MOBILENETV1 : CNN_TINY_FACE_DETECTOR;
}

/* A detector instance; NULL with *cause. */
struct detector *
detector_new(struct cnn_weights *w, const struct detector_opts *opts, char **cause)
{
    struct detector *d = xcalloc(1, sizeof *d);
    struct detector_opts o;
    size_t n;

    detector_opts_default(&o, opts != NULL ? opts->kind : DETECTOR_TINY);
    if (opts != NULL) {
        if (opts->input_size != 0)
            o.input_size = opts->input_size;
        if (opts->min_score > 0.0f)
            o.min_score = opts->min_score;
        if (opts->iou_threshold > 0.0f)
            o.iou_threshold = opts->iou_threshold;
        if (opts->max_results > 0)
            o.max_results = opts->max_results;
    }
    d->opts = o;
    d->net = cnn_net_new(detector_kind_model(o.kind), w, o.input_size, cause);
    if (d->net == NULL) {
        free(d);
        return NULL;
    }
    if (o.kind == DETECTOR_SSD) {
        const struct cnn_param *p = cnn_weights_find(w, "Output/extra_dim");

        d->anchors = p->data; /* presence and shape checked by cnn_net_new */
    }
    n = (size_t)o.input_size * (size_t)o.input_size * 3;
    d->input = xmalloc(n * sizeof(float));
    if (o.kind == DETECTOR_TILED) {
        struct detector_opts so = o;

        so.kind = DETECTOR_TINY;
        so.input_size = DETECT_REFINE_INPUT;
        if ((d->sub = detector_new(w, &so, cause)) == NULL) {
            detector_free(d);
            return NULL;
        }
    }
    return d;
}

void
detector_free(struct detector *d)
{
    if (d == NULL)
        return;
    detector_free(d->sub);
    cnn_net_free(d->net);
    free(d->input);
    free(d->cand);
    free(d);
}

const struct detector_opts *
detector_get_opts(const struct detector *d)
{
    return &d->opts;
}

struct cnn_net *
detector_net(struct detector *d)
{
    return d->net;
}

/* ---- decoding ------------------------------------------------------------------- */

static double
sigmoid_d(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

/* IoU of two boxes; 0 when an area is not positive. */
float
detect_iou(const struct fa_box *a, const struct fa_box *b)
{
    double ax1 = (double)a->x + (double)a->w, ay1 = (double)a->y + (double)a->h;
    double bx1 = (double)b->x + (double)b->w, by1 = (double)b->y + (double)b->h;
    double w = fmax(0.0, fmin(ax1, bx1) - fmax((double)a->x, (double)b->x));
    double h = fmax(0.0, fmin(ay1, by1) - fmax((double)a->y, (double)b->y));
    double inter = w * h, aa = (double)a->w * (double)a->h, ab = (double)b->w * (double)b->h;

    if (aa <= 0.0 || ab <= 0.0)
        return 0.0f;
    return (float)(inter / (aa + ab - inter));
}

/* TinyFaceDetector candidates (relative boxes) from the G x G x 25 output. */
size_t
detect_tiny_decode(const float *out, int grid, int input_size, int rw, int rh, float min_score,
    struct face_detection *cand, size_t cap)
{
    static const double anchors[5][2] = { { 1.603231, 2.094468 }, { 6.041143, 7.080126 },
        { 2.882459, 3.518061 }, { 4.266906, 5.178857 }, { 9.041765, 10.66308 } };
    double corr_x = (double)input_size / (double)rw, corr_y = (double)input_size / (double)rh;
    size_t n = 0;
    int row, col, a;

    for (row = 0; row < grid; row++) {
        for (col = 0; col < grid; col++) {
            for (a = 0; a < 5; a++) {
                const float *v = out + ((size_t)row * (size_t)grid + (size_t)col) * 25 +
                    (size_t)a * 5;
                double score = sigmoid_d(v[4]), cx, cy, w, h;

                if (!(score > (double)min_score))
                    continue;
                cx = ((double)col + sigmoid_d(v[0])) / grid * corr_x;
                cy = ((double)row + sigmoid_d(v[1])) / grid * corr_y;
                w = exp(v[2]) * anchors[a][0] / grid * corr_x;
                h = exp(v[3]) * anchors[a][1] / grid * corr_y;
                if (n < cap) {
                    cand[n].box.x = (float)(cx - w / 2);
                    cand[n].box.y = (float)(cy - h / 2);
                    cand[n].box.w = (float)w;
                    cand[n].box.h = (float)h;
                    cand[n].score = (float)score;
                }
                n++;
            }
        }
    }
    return n < cap ? n : cap;
}

/* Stable ascending sort of indices by score (insertion into a merge sort). */
static void
sort_by_score(const struct face_detection *c, size_t *idx, size_t *tmp, size_t n, bool desc)
{
    size_t width, i;

    for (width = 1; width < n; width *= 2) {
        for (i = 0; i < n; i += 2 * width) {
            size_t lo = i, mid = FA_MIN(i + width, n), hi = FA_MIN(i + 2 * width, n);
            size_t a = lo, b = mid, k = lo;

            while (a < mid && b < hi) {
                float sa = c[idx[a]].score, sb = c[idx[b]].score;
                bool take_b = desc ? sb > sa : sb < sa;

                tmp[k++] = take_b ? idx[b++] : idx[a++];
            }
            while (a < mid)
                tmp[k++] = idx[a++];
            while (b < hi)
                tmp[k++] = idx[b++];
        }
        memcpy(idx, tmp, n * sizeof *idx);
    }
}

/* face-api ops/nonMaxSuppression: sort ascending (stable), pop the last, filter IoU <= thr. */
size_t
detect_nms_tiny(struct face_detection *cand, size_t n, float thr)
{
    size_t *idx, *tmp, left = n, npick = 0, i, j;
    struct face_detection *picked;

    if (n == 0)
        return 0;
    idx = xcalloc(n, sizeof *idx);
    tmp = xcalloc(n, sizeof *tmp);
    picked = xcalloc(n, sizeof *picked);
    for (i = 0; i < n; i++)
        idx[i] = i;
    sort_by_score(cand, idx, tmp, n, false);
    while (left > 0) {
        size_t cur = idx[--left];

        picked[npick++] = cand[cur];
        for (i = 0, j = 0; i < left; i++)
            if (detect_iou(&cand[cur].box, &cand[idx[i]].box) <= thr)
                idx[j++] = idx[i];
        left = j;
    }
    memcpy(cand, picked, npick * sizeof *picked);
    free(idx);
    free(tmp);
    free(picked);
    return npick;
}

/* face-api ssdMobilenetv1/nonMaxSuppression on candidates already over the threshold. */
size_t
detect_nms_ssd(struct face_detection *cand, size_t n, float thr, int max)
{
    size_t *idx, *tmp, *sel, nsel = 0, i, k;
    struct face_detection *out;

    if (n == 0)
        return 0;
    idx = xcalloc(n, sizeof *idx);
    tmp = xcalloc(n, sizeof *tmp);
    sel = xcalloc(n, sizeof *sel);
    for (i = 0; i < n; i++)
        idx[i] = i;
    sort_by_score(cand, idx, tmp, n, true);
    for (i = 0; i < n && (max <= 0 || nsel < (size_t)max); i++) {
        bool keep = true;

        for (k = nsel; k-- > 0;) {
            float iou = detect_iou(&cand[idx[i]].box, &cand[sel[k]].box);

            if (iou > thr) {
                keep = false;
                break;
            }
        }
        if (keep)
            sel[nsel++] = idx[i];
    }
    out = xcalloc(nsel + 1, sizeof *out);
    for (i = 0; i < nsel; i++)
        out[i] = cand[sel[i]];
    memcpy(cand, out, nsel * sizeof *out);
    free(out);
    free(idx);
    free(tmp);
    free(sel);
    return nsel;
}

static void
ensure_cand(struct detector *d, size_t n)
{
    if (d->cand_cap < n) {
        free(d->cand);
        d->cand = xcalloc(n, sizeof *d->cand);
        d->cand_cap = n;
    }
}

/* JS Math.round for non-negative values. */
static int
js_round(double v)
{
    return (int)floor(v + 0.5);
}

/* SSD: decode the 5118 anchors, threshold, NMS, undo padding; relative boxes. */
static size_t
ssd_decode(struct detector *d, const struct cnn_outputs *o, int rw, int rh)
{
    const float *enc = o->t[0].data, *logit = o->t[1].data;
    double px = 512.0 / (double)rw, py = 512.0 / (double)rh;
    size_t n = 0, i, kept;

    ensure_cand(d, SSD_ANCHORS);
    for (i = 0; i < SSD_ANCHORS; i++) {
        const float *an = d->anchors + 4 * i, *e = enc + 4 * i;
        float score = 1.0f / (1.0f + expf(-logit[3 * i + 1]));
        float ha, wa, yca, xca, hh, hw, yc, xc;

        if (!(score > d->opts.min_score))
            continue;
        /* face-api's op order, in float32 like its tensors */
        ha = an[2] - an[0];
        wa = an[3] - an[1];
        yca = an[0] + ha / 2.0f;
        xca = an[1] + wa / 2.0f;
        hh = expf(e[2] / 5.0f) * ha / 2.0f;
        hw = expf(e[3] / 5.0f) * wa / 2.0f;
        yc = e[0] / 10.0f * ha + yca;
        xc = e[1] / 10.0f * wa + xca;
        d->cand[n].box.x = xc - hw;
        d->cand[n].box.y = yc - hh;
        d->cand[n].box.w = (xc + hw) - (xc - hw);
        d->cand[n].box.h = (yc + hh) - (yc - hh);
        d->cand[n].score = score;
        n++;
    }
    kept = detect_nms_ssd(d->cand, n, d->opts.iou_threshold, d->opts.max_results);
    for (i = 0; i < kept; i++) {
        struct fa_box *b = &d->cand[i].box;
        double top = fmax(0.0, (double)b->y) * py, left = fmax(0.0, (double)b->x) * px;
        double bottom = fmin(1.0, (double)b->y + (double)b->h) * py;
        double right = fmin(1.0, (double)b->x + (double)b->w) * px;

        b->x = (float)left;
        b->y = (float)top;
        b->w = (float)(right - left);
        b->h = (float)(bottom - top);
    }
    return kept;
}

/* Detect faces; *dets is a new array (caller frees). */
int
detector_run(struct detector *d, const struct image *img, struct face_detection **dets,
    size_t *n, char **cause)
{
    if (d->opts.kind == DETECTOR_TILED)
        return detect_tiled_run(d, img, dets, n, cause);
    return detect_run_once(d, img, dets, n, cause);
}

struct detector *
detect_sub(struct detector *d)
{
    return d->sub;
}

int
detect_run_scored(struct detector *d, const struct image *img, float min_score,
    struct face_detection **dets, size_t *n, char **cause)
{
    float keep = d->opts.min_score;
    int rc;

    d->opts.min_score = min_score;
    rc = detect_run_once(d, img, dets, n, cause);
    d->opts.min_score = keep;
    return rc;
}

/* One network pass over the whole image. */
int
detect_run_once(struct detector *d, const struct image *img, struct face_detection **dets,
    size_t *n, char **cause)
{
    int S = d->opts.input_size, W = img->width, H = img->height, rw, rh, G;
    double scale;
    struct cnn_outputs o;
    size_t kept, i;

    *dets = NULL;
    *n = 0;
    if (img->channels != 3)
        return cause_set(cause, "detector needs an RGB image, not %d channels", img->channels);
    scale = (double)S / (double)FA_MAX(W, H);
    rw = js_round((double)W * scale);
    rh = js_round((double)H * scale);
    if (rw < 1)
        rw = 1;
    if (rh < 1)
        rh = 1;
    image_prepare(img, S, false, NULL, d->input);
    cnn_net_normalize(detector_kind_model(d->opts.kind), d->input, (size_t)S * (size_t)S);
    cnn_net_forward(d->net, d->input, &o);
    if (d->opts.kind != DETECTOR_SSD) {
        G = o.t[0].h;
        ensure_cand(d, (size_t)G * (size_t)G * 5);
        kept = detect_tiny_decode(o.t[0].data, G, S, rw, rh, d->opts.min_score, d->cand,
            d->cand_cap);
        kept = detect_nms_tiny(d->cand, kept, d->opts.iou_threshold);
    } else {
        kept = ssd_decode(d, &o, rw, rh);
    }
    if (kept == 0)
        return 0;
    *dets = xcalloc(kept, sizeof **dets);
    for (i = 0; i < kept; i++) {
        struct fa_box b = d->cand[i].box;

        (*dets)[i].score = d->cand[i].score;
        (*dets)[i].box.x = (float)((double)b.x * W);
        (*dets)[i].box.y = (float)((double)b.y * H);
        (*dets)[i].box.w = (float)((double)b.w * W);
        (*dets)[i].box.h = (float)((double)b.h * H);
    }
    *n = kept;
    return 0;
}
