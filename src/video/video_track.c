/* SPDX-License-Identifier: MIT */
/*
 * video_track.c - faces linked across frames: an IoU tracker with a
 * constant-velocity prediction per track (video.h gives the parameters),
 * the collection-area polygon, and the best-shot quality of a face (size,
 * frontal pose from the landmarks, sharpness).
 */
#include "config.h"

#include "faceaudit/video.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

struct track_state {
    int64_t id;
    double t;          /* time of the last detection */
    float cx, cy, w, h;      /* last matched box: centre and size */
    float vx, vy, vw, vh;    /* per second */
    int hits;
    bool live;
};

struct tracker {
    struct track_params p;
    struct track_state *tr;
    size_t n, cap;
    int64_t next_id;
    /* ended, not yet reported */
    int64_t *ended;
    int *ended_hits;
    size_t nended, endcap;
};

void
track_params_default(struct track_params *p)
{
    p->iou_min = 0.3f;
    p->max_gap = 1.0;
    p->min_hits = 3;
    p->velocity_alpha = 0.5f;
}

struct tracker *
tracker_new(const struct track_params *p)
{
    struct tracker *t = xcalloc(1, sizeof *t);

    if (p != NULL)
        t->p = *p;
    else
        track_params_default(&t->p);
    t->next_id = 1;
    return t;
}

void
tracker_free(struct tracker *t)
{
    if (t == NULL)
        return;
    free(t->tr);
    free(t->ended);
    free(t->ended_hits);
    free(t);
}

static void
predict(const struct track_state *s, double time, struct fa_box *b)
{
    float dt = (float)(time - s->t), w = s->w + s->vw * dt, h = s->h + s->vh * dt;

    if (w < 1.0f)
        w = 1.0f;
    if (h < 1.0f)
        h = 1.0f;
    b->w = w;
    b->h = h;
    b->x = s->cx + s->vx * dt - w / 2;
    b->y = s->cy + s->vy * dt - h / 2;
}

static void
end_track(struct tracker *t, struct track_state *s)
{
    s->live = false;
    if (t->nended == t->endcap) {
        t->endcap = t->endcap == 0 ? 16 : t->endcap * 2;
        t->ended = xreallocarray(t->ended, t->endcap, sizeof *t->ended);
        t->ended_hits = xreallocarray(t->ended_hits, t->endcap, sizeof *t->ended_hits);
    }
    t->ended[t->nended] = s->id;
    t->ended_hits[t->nended++] = s->hits;
}

struct pair {
    float iou;
    size_t track, det;
};

static int
cmp_pair(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;

    if (x->iou < y->iou || x->iou > y->iou)
        return x->iou < y->iou ? 1 : -1;
    if (x->track != y->track)
        return x->track < y->track ? -1 : 1;
    return x->det < y->det ? -1 : (x->det > y->det);
}

void
tracker_step(struct tracker *t, double time, const struct track_det *dets, size_t n,
    int64_t *assign)
{
    struct pair *pairs;
    bool *tr_used, *det_used;
    size_t np = 0, i, j, live = 0;

    /* tracks unseen for longer than max_gap end */
    for (i = 0; i < t->n; i++) {
        if (t->tr[i].live && time - t->tr[i].t > t->p.max_gap + 1e-9)
            end_track(t, &t->tr[i]);
    }
    /* compact: drop ended tracks */
    for (i = 0; i < t->n; i++) {
        if (t->tr[i].live)
            t->tr[live++] = t->tr[i];
    }
    t->n = live;
    pairs = xcalloc(t->n * n + 1, sizeof *pairs);
    for (i = 0; i < t->n; i++) {
        struct fa_box pb;

        predict(&t->tr[i], time, &pb);
        for (j = 0; j < n; j++) {
            float iou = detect_iou(&pb, &dets[j].box);

            if (iou >= t->p.iou_min)
                pairs[np++] = (struct pair){ iou, i, j };
        }
    }
    qsort(pairs, np, sizeof *pairs, cmp_pair);
    tr_used = xcalloc(t->n + 1, sizeof *tr_used);
    det_used = xcalloc(n + 1, sizeof *det_used);
    for (i = 0; i < np; i++) {
        struct track_state *s;
        const struct fa_box *b;
        float cx, cy, dt, a = t->p.velocity_alpha;

        if (tr_used[pairs[i].track] || det_used[pairs[i].det])
            continue;
        tr_used[pairs[i].track] = det_used[pairs[i].det] = true;
        s = &t->tr[pairs[i].track];
        b = &dets[pairs[i].det].box;
        cx = b->x + b->w / 2;
        cy = b->y + b->h / 2;
        dt = (float)(time - s->t);
        if (dt > 0) {
            s->vx = a * (cx - s->cx) / dt + (1 - a) * s->vx;
            s->vy = a * (cy - s->cy) / dt + (1 - a) * s->vy;
            s->vw = a * (b->w - s->w) / dt + (1 - a) * s->vw;
            s->vh = a * (b->h - s->h) / dt + (1 - a) * s->vh;
        }
        s->cx = cx;
        s->cy = cy;
        s->w = b->w;
        s->h = b->h;
        s->t = time;
        s->hits++;
        assign[pairs[i].det] = s->id;
    }
    for (j = 0; j < n; j++) {
        struct track_state *s;

        if (det_used[j])
            continue;
        if (t->n == t->cap) {
            t->cap = t->cap == 0 ? 16 : t->cap * 2;
            t->tr = xreallocarray(t->tr, t->cap, sizeof *t->tr);
        }
        s = &t->tr[t->n++];
        memset(s, 0, sizeof *s);
        s->id = t->next_id++;
        s->t = time;
        s->cx = dets[j].box.x + dets[j].box.w / 2;
        s->cy = dets[j].box.y + dets[j].box.h / 2;
        s->w = dets[j].box.w;
        s->h = dets[j].box.h;
        s->hits = 1;
        s->live = true;
        assign[j] = s->id;
    }
    free(pairs);
    free(tr_used);
    free(det_used);
}

size_t
tracker_ended(struct tracker *t, bool flush, int64_t **ids, int **hits)
{
    size_t i, n;

    if (flush) {
        for (i = 0; i < t->n; i++) {
            if (t->tr[i].live)
                end_track(t, &t->tr[i]);
        }
        t->n = 0;
    }
    n = t->nended;
    *ids = NULL;
    *hits = NULL;
    if (n > 0) {
        *ids = xreallocarray(NULL, n, sizeof **ids);
        *hits = xreallocarray(NULL, n, sizeof **hits);
        memcpy(*ids, t->ended, n * sizeof **ids);
        memcpy(*hits, t->ended_hits, n * sizeof **hits);
    }
    t->nended = 0;
    return n;
}

/* --- the collection area ------------------------------------------------------ */

static int
bad_point(struct video_polygon *poly, const char *at, char **cause)
{
    size_t n = poly->n + 1;

    video_polygon_done(poly);
    return cause_set(cause, "point %zu: expected x,y (pixels) at '%.20s'", n, at);
}

int
video_polygon_parse(const char *s, struct video_polygon *poly, char **cause)
{
    const char *p = s;

    memset(poly, 0, sizeof *poly);
    for (;;) {
        char *end;
        float x, y;

        while (*p == ' ' || *p == ';' || *p == '\t')
            p++;
        if (*p == '\0')
            break;
        if (poly->n == 64) {
            video_polygon_done(poly);
            return cause_set(cause, "more than 64 points");
        }
        x = strtof(p, &end);
        if (end == p || *end != ',' || !isfinite(x))
            return bad_point(poly, p, cause);
        p = end + 1;
        y = strtof(p, &end);
        if (end == p || !isfinite(y) || (*end != '\0' && *end != ' ' && *end != ';' &&
                *end != '\t'))
            return bad_point(poly, p, cause);
        p = end;
        poly->pt = xreallocarray(poly->pt, poly->n + 1, sizeof *poly->pt);
        poly->pt[poly->n][0] = x;
        poly->pt[poly->n][1] = y;
        poly->n++;
    }
    if (poly->n < 3) {
        video_polygon_done(poly);
        return cause_set(cause, "a polygon needs at least 3 points \"x,y x,y x,y\"");
    }
    return 0;
}

void
video_polygon_done(struct video_polygon *poly)
{
    free(poly->pt);
    poly->pt = NULL;
    poly->n = 0;
}

bool
video_polygon_contains(const struct video_polygon *poly, float x, float y)
{
    bool in = false;
    size_t i, j;

    for (i = 0, j = poly->n - 1; i < poly->n; j = i++) {
        float xi = poly->pt[i][0], yi = poly->pt[i][1], xj = poly->pt[j][0], yj = poly->pt[j][1];
        float cross = (xj - xi) * (y - yi) - (yj - yi) * (x - xi);

        /* on the edge i-j: inside */
        if (fabsf(cross) <= 1e-4f * (fabsf(xj - xi) + fabsf(yj - yi) + 1.0f) &&
            x >= fminf(xi, xj) - 1e-4f && x <= fmaxf(xi, xj) + 1e-4f &&
            y >= fminf(yi, yj) - 1e-4f && y <= fmaxf(yi, yj) + 1e-4f)
            return true;
        if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
            in = !in;
    }
    return in;
}

/* --- best-shot quality --------------------------------------------------------- */

static double
grey(const uint8_t *q)
{
    return ((double)q[0] + (double)q[1] + (double)q[2]) / 3.0;
}

float
video_face_quality(const struct image *img, const struct fa_box *box,
    const float pts[LANDMARK_COUNT][2], float *size_s, float *frontal_s, float *sharp_s)
{
    float side = fminf(box->w, box->h), s_size, s_front, s_sharp;
    float lx = pts[36][0], ly = pts[36][1], rx = pts[45][0], ry = pts[45][1];
    float ex = rx - lx, ey = ry - ly, eye = sqrtf(ex * ex + ey * ey);
    int x0 = (int)fmaxf(0.0f, floorf(box->x)), y0 = (int)fmaxf(0.0f, floorf(box->y));
    int x1 = (int)fminf((float)img->width, ceilf(box->x + box->w));
    int y1 = (int)fminf((float)img->height, ceilf(box->y + box->h));
    double sum = 0, sum2 = 0;
    int64_t cnt = 0;
    int x, y;

    s_size = side / 112.0f;
    if (s_size > 1.0f)
        s_size = 1.0f;
    if (!(s_size > 0.0f))
        s_size = 0.0f;
    if (eye > 1e-3f) {
        /* the nose tip's offset from the eye corners' mid-point, along the eye line */
        float mx = (lx + rx) / 2, my = (ly + ry) / 2;
        float off = ((pts[30][0] - mx) * ex + (pts[30][1] - my) * ey) / eye;

        s_front = 1.0f - 2.0f * fabsf(off) / eye;
        if (s_front < 0.0f)
            s_front = 0.0f;
    } else
        s_front = 0.0f;
    /* Laplacian variance on grey (mean of R, G, B), box interior */
    if (img->sample != IMAGE_U8 || img->channels != 3)
        y1 = y0; /* no pixels to measure */
    for (y = y0 + 1; y < y1 - 1; y++) {
        for (x = x0 + 1; x < x1 - 1; x++) {
            const uint8_t *c = img->u8 + ((size_t)y * (size_t)img->width + (size_t)x) * 3;
            size_t row = (size_t)img->width * 3;
            double lap = grey(c - 3) + grey(c + 3) + grey(c - row) + grey(c + row) - 4 * grey(c);

            sum += lap;
            sum2 += lap * lap;
            cnt++;
        }
    }
    if (cnt > 0) {
        double mean = sum / (double)cnt, var = sum2 / (double)cnt - mean * mean;

        s_sharp = (float)(var / (var + 100.0));
    } else
        s_sharp = 0.0f;
    if (size_s != NULL)
        *size_s = s_size;
    if (frontal_s != NULL)
        *frontal_s = s_front;
    if (sharp_s != NULL)
        *sharp_s = s_sharp;
    return s_size * s_front * s_sharp;
}

struct image *
video_thumbnail(const struct image *frame, const struct fa_box *box)
{
    float mx = box->w * VIDEO_THUMB_MARGIN, my = box->h * VIDEO_THUMB_MARGIN;
    struct image *crop, *out;
    int w, h, x, y, c;
    double s;

    if (frame->sample != IMAGE_U8 || frame->channels != 3 || !(box->w > 0 && box->h > 0))
        return NULL;
    crop = image_crop(frame, box->x - mx, box->y - my, box->w + 2 * mx, box->h + 2 * my, NULL,
        NULL, NULL, NULL);
    if (crop == NULL || (crop->width <= VIDEO_THUMB_SIDE && crop->height <= VIDEO_THUMB_SIDE))
        return crop;
    /* scale down by the area average: every source pixel counts once */
    s = (double)(crop->width > crop->height ? crop->width : crop->height) / VIDEO_THUMB_SIDE;
    w = (int)lround(crop->width / s);
    h = (int)lround(crop->height / s);
    w = w < 1 ? 1 : (w > VIDEO_THUMB_SIDE ? VIDEO_THUMB_SIDE : w);
    h = h < 1 ? 1 : (h > VIDEO_THUMB_SIDE ? VIDEO_THUMB_SIDE : h);
    out = image_new(w, h, 3, IMAGE_U8);
    for (y = 0; y < h; y++) {
        int y0 = (int)((int64_t)y * crop->height / h), y1 = (int)((int64_t)(y + 1) *
            crop->height / h);

        y1 = y1 > y0 ? y1 : y0 + 1;
        for (x = 0; x < w; x++) {
            int x0 = (int)((int64_t)x * crop->width / w), x1 = (int)((int64_t)(x + 1) *
                crop->width / w), i, j;
            uint32_t sum[3] = { 0, 0, 0 }, n;

            x1 = x1 > x0 ? x1 : x0 + 1;
            n = (uint32_t)((y1 - y0) * (x1 - x0));
            for (j = y0; j < y1; j++)
                for (i = x0; i < x1; i++)
                    for (c = 0; c < 3; c++)
                        sum[c] += crop->u8[((size_t)j * (size_t)crop->width + (size_t)i) * 3 +
                            (size_t)c];
            for (c = 0; c < 3; c++)
                out->u8[((size_t)y * (size_t)w + (size_t)x) * 3 + (size_t)c] =
                    (uint8_t)((sum[c] + n / 2) / n);
        }
    }
    image_free(crop);
    return out;
}
