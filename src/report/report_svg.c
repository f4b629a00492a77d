/* SPDX-License-Identifier: MIT */
/*
 * report_svg.c - charts as inline SVG for the HTML report, with no script
 * and no external resource: line and bar series over linear or decade
 * (log10) axes, tick labels at 1-2-5 steps or powers of ten, vertical and
 * horizontal marker lines (a threshold, a deadline), marked points with a
 * label (the operating threshold), a second y axis on the right for a
 * series of another scale (impostor against genuine counts), a legend
 * above the plot area. Generic on purpose: eval DET/ROC curves (log FMR),
 * score histograms (bars) and the simulated stored-person curve (with the
 * 100,000 line and the filing deadline) are all one call with arrays.
 *
 * What a reader relies on, and tests/regress/report-render.sh checks on a
 * real run: bars reach the plot's top (their axis ends at the tallest bar),
 * the legend (<g class="legend">) lies outside the plot area, a point's
 * label box crosses no line series when any side of it is free.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"

#include "faceaudit/compat.h"
#include "faceaudit/xmalloc.h"

#define ML 64   /* margins: left, right (without / with a right axis), top, bottom */
#define MR 16
#define MR2 64
#define MT 44   /* title, then the legend row, above the plot */
#define MB 44
#define CHARW 6.2   /* width of an 11 px sans-serif character, estimated */

static const char *const palette[] = { "#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad", "#d4820f" };

struct axis {
    bool log;
    double lo, hi;    /* data range (log: exponents) */
};

static bool
usable(double v, bool log)
{
    return isfinite(v) && (!log || v > 0);
}

static double
tr(double v, bool log)
{
    return log ? log10(v) : v;
}

/* Round a linear range outwards to a 1-2-5 step; *step receives it. */
static void
nice_range(struct axis *a, double *step)
{
    double span = a->hi - a->lo, raw, mag, f;

    if (span <= 0) {
        double pad = fabs(a->lo) > 0 ? fabs(a->lo) * 0.1 : 1.0;

        a->lo -= pad;
        a->hi += pad;
        span = a->hi - a->lo;
    }
    raw = span / 5;
    mag = pow(10, floor(log10(raw)));
    f = raw / mag;
    *step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    a->lo = floor(a->lo / *step) * *step;
    a->hi = ceil(a->hi / *step) * *step;
}

static void
label_num(char *buf, size_t size, double v, bool log)
{
    if (log) {
        int e = (int)lround(v);

        if (e >= -2 && e <= 5)
            snprintf(buf, size, "%g", pow(10, e));
        else
            snprintf(buf, size, "1e%d", e);
    } else if (fabs(v) >= 10000) {
        snprintf(buf, size, "%.0f", v);
    } else {
        snprintf(buf, size, "%g", fabs(v) < 1e-12 ? 0.0 : v);
    }
}

static void
text(struct strbuf *sb, double x, double y, const char *anchor, const char *extra,
    const char *s)
{
    strbuf_printf(sb, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>", x, y, anchor,
        extra != NULL ? extra : "");
    report_xml_str(sb, s);
    strbuf_puts(sb, "</text>");
}

struct rect {
    double x0, y0, x1, y1;
};

/* Does the segment (ax,ay)-(bx,by) meet the rectangle? (Liang-Barsky clipping) */
static bool
seg_hits_rect(double ax, double ay, double bx, double by, const struct rect *r)
{
    double p[4] = { -(bx - ax), bx - ax, -(by - ay), by - ay };
    double q[4] = { ax - r->x0, r->x1 - ax, ay - r->y0, r->y1 - ay };
    double t0 = 0, t1 = 1;
    int i;

    for (i = 0; i < 4; i++) {
        if (fabs(p[i]) < 1e-12) {
            if (q[i] < 0)
                return false;
            continue;
        }
        if (p[i] < 0)
            t0 = fmax(t0, q[i] / p[i]);
        else
            t1 = fmin(t1, q[i] / p[i]);
        if (t0 > t1)
            return false;
    }
    return true;
}

/* A line series in pixels (runs split where a point is unusable: NaN x). */
struct poly {
    double *x, *y;
    size_t n;
};

static bool
poly_hits_rect(const struct poly *pl, size_t npl, const struct rect *r)
{
    size_t k, i;

    for (k = 0; k < npl; k++)
        for (i = 0; i + 1 < pl[k].n; i++)
            if (!isnan(pl[k].x[i]) && !isnan(pl[k].x[i + 1]) &&
                seg_hits_rect(pl[k].x[i], pl[k].y[i], pl[k].x[i + 1], pl[k].y[i + 1], r))
                return true;
    return false;
}

struct frame {
    struct axis ax, ay, ay2;
    double xstep, ystep, y2step;
    double pw, ph;
};

/* Range of the series on one y axis (right or left); false when it has none. */
static bool
y_range(const struct report_chart *c, bool right, struct axis *a, const struct axis *ax,
    bool *bars)
{
    bool any = false;
    size_t s, i;

    *bars = false;
    for (s = 0; s < c->nseries; s++) {
        const struct report_series *se = &c->series[s];

        if (se->right != right)
            continue;
        *bars |= se->bars;
        for (i = 0; i < se->n; i++) {
            if (!usable(se->x[i], ax->log) || !usable(se->y[i], a->log))
                continue;
            any = true;
            a->lo = fmin(a->lo, tr(se->y[i], a->log));
            a->hi = fmax(a->hi, tr(se->y[i], a->log));
        }
    }
    return any;
}

/* Fix a y axis's range and tick step (bars: from 0 to the tallest bar exactly). */
static void
y_finish(struct axis *a, bool any, bool bars, double *step)
{
    if (!any) {
        a->lo = 0;
        a->hi = 1;
    }
    if (a->log) {
        a->lo = floor(a->lo);
        a->hi = fmax(ceil(a->hi), a->lo + 1);
        *step = 1;
    } else if (bars && any && a->hi > 0) {
        struct axis t = { false, 0, a->hi };

        nice_range(&t, step);
        a->lo = 0;
    } else {
        if (bars)
            a->lo = fmin(a->lo, 0);
        nice_range(a, step);
    }
}

static void
frame_compute(const struct report_chart *c, int width, int height, struct frame *f)
{
    bool bars, bars2, any2;
    size_t s, i;

    f->ax = (struct axis){ c->xlog, INFINITY, -INFINITY };
    f->ay = (struct axis){ c->ylog, INFINITY, -INFINITY };
    f->ay2 = (struct axis){ false, INFINITY, -INFINITY };
    f->pw = width - ML - (c->y2label != NULL ? MR2 : MR);
    f->ph = height - MT - MB;
    f->xstep = f->ystep = f->y2step = 1;
    for (s = 0; s < c->nseries; s++) {
        const struct report_series *se = &c->series[s];

        for (i = 0; i < se->n; i++) {
            if (!usable(se->x[i], f->ax.log))
                continue;
            f->ax.lo = fmin(f->ax.lo, tr(se->x[i], f->ax.log));
            f->ax.hi = fmax(f->ax.hi, tr(se->x[i], f->ax.log));
        }
    }
    any2 = y_range(c, true, &f->ay2, &f->ax, &bars2);
    (void)y_range(c, false, &f->ay, &f->ax, &bars);
    for (i = 0; i < c->nmarkers; i++) {
        struct axis *a = c->markers[i].vertical ? &f->ax : &f->ay;

        if (usable(c->markers[i].value, a->log)) {
            a->lo = fmin(a->lo, tr(c->markers[i].value, a->log));
            a->hi = fmax(a->hi, tr(c->markers[i].value, a->log));
        }
    }
    if (!isfinite(f->ax.lo)) {
        f->ax.lo = 0;
        f->ax.hi = 1;
    }
    if (f->ax.log) {
        f->ax.lo = floor(f->ax.lo);
        f->ax.hi = fmax(ceil(f->ax.hi), f->ax.lo + 1);
    } else {
        nice_range(&f->ax, &f->xstep);
    }
    y_finish(&f->ay, isfinite(f->ay.lo), bars, &f->ystep);
    y_finish(&f->ay2, any2, bars2, &f->y2step);
}

#define PX(f, v) (ML + ((v) - (f)->ax.lo) / ((f)->ax.hi - (f)->ax.lo) * (f)->pw)
#define PYA(f, a, v) (MT + (f)->ph - ((v) - (a)->lo) / ((a)->hi - (a)->lo) * (f)->ph)

/* Axis ticks, grid, labels. */
static void
draw_axes(struct strbuf *sb, const struct report_chart *c, const struct frame *f, int width,
    int height)
{
    char buf[64];
    double v;

    for (v = f->ax.lo; v <= f->ax.hi + 1e-9 * (f->ax.hi - f->ax.lo); v += f->xstep) {
        strbuf_printf(sb, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>",
            PX(f, v), MT, PX(f, v), MT + f->ph);
        label_num(buf, sizeof buf, v, f->ax.log);
        text(sb, PX(f, v), MT + f->ph + 14, "middle", NULL, buf);
    }
    for (v = f->ay.lo; v <= f->ay.hi + 1e-9 * (f->ay.hi - f->ay.lo); v += f->ystep) {
        strbuf_printf(sb, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>",
            ML, PYA(f, &f->ay, v), ML + f->pw, PYA(f, &f->ay, v));
        label_num(buf, sizeof buf, v, f->ay.log);
        text(sb, ML - 4, PYA(f, &f->ay, v) + 4, "end", NULL, buf);
    }
    if (c->y2label != NULL) {
        const char *col = palette[1];
        char extra[96];

        snprintf(extra, sizeof extra, " fill=\"%s\"", col);
        for (v = f->ay2.lo; v <= f->ay2.hi + 1e-9 * (f->ay2.hi - f->ay2.lo); v += f->y2step) {
            label_num(buf, sizeof buf, v, false);
            text(sb, ML + f->pw + 4, PYA(f, &f->ay2, v) + 4, "start", extra, buf);
        }
        snprintf(extra, sizeof extra, " fill=\"%s\" transform=\"rotate(90 %.1f %.1f)\"", col,
            width - 12.0, MT + f->ph / 2);
        text(sb, width - 12.0, MT + f->ph / 2, "middle", extra, c->y2label);
    }
    if (c->xlabel != NULL)
        text(sb, ML + f->pw / 2, height - 8, "middle", NULL, c->xlabel);
    if (c->ylabel != NULL) {
        char extra[96];

        snprintf(extra, sizeof extra, " transform=\"rotate(-90 12 %.1f)\"%s", MT + f->ph / 2,
            c->y2label != NULL ? " fill=\"#1f5fa8\"" : "");
        text(sb, 12, MT + f->ph / 2, "middle", extra, c->ylabel);
    }
}

/* The legend in one row above the plot area, right-aligned to it. */
static void
draw_legend(struct strbuf *sb, const struct report_chart *c, const struct frame *f)
{
    double w = 0, x, y = MT - 16;
    size_t s;

    if (c->nseries == 0)
        return;
    for (s = 0; s < c->nseries; s++)
        w += 14 + CHARW * (double)strlen(c->series[s].name != NULL ? c->series[s].name : "") +
            (s + 1 < c->nseries ? 12 : 0);
    x = fmax(ML, ML + f->pw - w);
    strbuf_printf(sb, "<g class=\"legend\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
        "height=\"13\" fill=\"none\" stroke=\"none\"/>", x, y - 1.5, w);
    for (s = 0; s < c->nseries; s++) {
        const struct report_series *se = &c->series[s];
        const char *name = se->name != NULL ? se->name : "";

        strbuf_printf(sb, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\"/>",
            x, y, palette[s % FA_NITEMS(palette)]);
        text(sb, x + 14, y + 9, "start", NULL, name);
        x += 14 + CHARW * (double)strlen(name) + 12;
    }
    strbuf_puts(sb, "</g>");
}

/* Marked points: a ring, and the label on the first side where its box crosses no line. */
static void
draw_points(struct strbuf *sb, const struct report_chart *c, const struct frame *f,
    const struct poly *pl, size_t npl)
{
    static const int side[4][2] = { { 1, -1 }, { 1, 1 }, { -1, -1 }, { -1, 1 } };
    size_t i;

    for (i = 0; i < c->npoints; i++) {
        const struct report_point *pt = &c->points[i];
        double x, y, w, h = 13;
        struct rect box = { 0, 0, 0, 0 };
        int k, best = -1;

        if (!isfinite(pt->x) || !isfinite(pt->y))
            continue;
        x = usable(pt->x, f->ax.log) ? PX(f, tr(pt->x, f->ax.log)) : ML;
        y = usable(pt->y, f->ay.log) ? PYA(f, &f->ay, tr(pt->y, f->ay.log)) : MT + f->ph;
        x = fmin(fmax(x, ML), ML + f->pw);
        y = fmin(fmax(y, MT), MT + f->ph);
        w = CHARW * (double)strlen(pt->label != NULL ? pt->label : "") + 4;
        for (k = 0; k < 4 && best < 0; k++) {
            struct rect r;

            r.x0 = side[k][0] > 0 ? x + 6 : x - 6 - w;
            r.x1 = r.x0 + w;
            r.y0 = side[k][1] > 0 ? y + 6 : y - 6 - h;
            r.y1 = r.y0 + h;
            if (r.x0 < ML || r.x1 > ML + f->pw || r.y0 < MT || r.y1 > MT + f->ph)
                continue;
            if (!poly_hits_rect(pl, npl, &r)) {
                best = k;
                box = r;
            }
        }
        if (best < 0) { /* every side crosses a line: above right, kept inside the plot */
            box.x0 = fmin(x + 6, ML + f->pw - w);
            box.y0 = fmax(y - 6 - h, MT);
            box.x1 = box.x0 + w;
            box.y1 = box.y0 + h;
        }
        strbuf_printf(sb, "<g class=\"point\"><circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" "
            "fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2\"/><rect x=\"%.1f\" y=\"%.1f\" "
            "width=\"%.1f\" height=\"%.1f\" fill=\"#fff\" fill-opacity=\"0.85\"/>", x, y,
            box.x0, box.y0, w, h);
        text(sb, box.x0 + 2, box.y1 - 3, "start", " fill=\"#c0392b\"", pt->label);
        strbuf_puts(sb, "</g>");
    }
}

/* One self-contained <svg> element; caller frees. */
char *
report_svg_chart(const struct report_chart *c, int width, int height)
{
    struct strbuf sb;
    struct frame fr, *f = &fr;
    struct poly *pl = xcalloc(c->nseries + 1, sizeof *pl);
    size_t s, i, npl = 0;

    frame_compute(c, width, height, f);
    strbuf_init(&sb);
    strbuf_printf(&sb, "<svg class=\"chart\" width=\"%d\" "
        "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" font-family=\"sans-serif\" "
        "font-size=\"11\">", width, height, width, height);
    strbuf_puts(&sb, "<title>");
    report_xml_str(&sb, c->title);
    strbuf_puts(&sb, "</title>");
    strbuf_printf(&sb, "<rect class=\"plot\" x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" "
        "fill=\"#fff\" stroke=\"#888\"/>", ML, MT, f->pw, f->ph);
    text(&sb, width / 2.0, 17, "middle", " font-weight=\"bold\" font-size=\"13\"", c->title);
    draw_axes(&sb, c, f, width, height);
    /* series */
    for (s = 0; s < c->nseries; s++) {
        const struct report_series *se = &c->series[s];
        const struct axis *ay = se->right ? &f->ay2 : &f->ay;
        const char *col = palette[s % FA_NITEMS(palette)];
        bool pen = false;

        if (se->bars) {
            double bw = se->n > 1 ? f->pw / (double)se->n * 0.45 : 8;

            for (i = 0; i < se->n; i++) {
                double base = ay->log ? ay->lo : 0, top;

                if (!usable(se->x[i], f->ax.log) || !usable(se->y[i], ay->log))
                    continue;
                top = tr(se->y[i], ay->log);
                strbuf_printf(&sb, "<rect class=\"bar%zu\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                    "height=\"%.1f\" fill=\"%s\" fill-opacity=\"0.6\"/>", s,
                    PX(f, tr(se->x[i], f->ax.log)) - bw * (s % 2 == 0 ? 1 : 0),
                    PYA(f, ay, top), bw, PYA(f, ay, base) - PYA(f, ay, top), col);
            }
            continue;
        }
        pl[npl].x = xcalloc(se->n + 1, sizeof *pl[npl].x);
        pl[npl].y = xcalloc(se->n + 1, sizeof *pl[npl].y);
        strbuf_printf(&sb, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" d=\"", col);
        for (i = 0; i < se->n; i++) {
            double px, py;

            if (!usable(se->x[i], f->ax.log) || !usable(se->y[i], ay->log)) {
                if (pen)
                    pl[npl].x[pl[npl].n++] = NAN;
                pen = false;
                continue;
            }
            px = PX(f, tr(se->x[i], f->ax.log));
            py = PYA(f, ay, tr(se->y[i], ay->log));
            strbuf_printf(&sb, "%c%.1f %.1f ", pen ? 'L' : 'M', px, py);
            pl[npl].x[pl[npl].n] = px;
            pl[npl].y[pl[npl].n++] = py;
            pen = true;
        }
        strbuf_puts(&sb, "\"/>");
        npl++;
    }
    /* markers */
    for (i = 0; i < c->nmarkers; i++) {
        const struct report_marker *m = &c->markers[i];
        const struct axis *a = m->vertical ? &f->ax : &f->ay;
        double p;

        if (!usable(m->value, a->log))
            continue;
        p = m->vertical ? PX(f, tr(m->value, f->ax.log)) : PYA(f, &f->ay, tr(m->value, f->ay.log));
        if (m->vertical) {
            strbuf_printf(&sb, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"#c0392b\" stroke-dasharray=\"5 3\"/>", p, MT, p, MT + f->ph);
            text(&sb, p + 3, MT + 12 + 12.0 * (double)i, "start", " fill=\"#c0392b\"",
                m->label);
        } else {
            strbuf_printf(&sb, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"#c0392b\" stroke-dasharray=\"5 3\"/>", ML, p, ML + f->pw, p);
            text(&sb, ML + 4, p - 3, "start", " fill=\"#c0392b\"", m->label);
        }
    }
    draw_points(&sb, c, f, pl, npl);
    draw_legend(&sb, c, f);
    strbuf_puts(&sb, "</svg>");
    for (s = 0; s < npl; s++) {
        free(pl[s].x);
        free(pl[s].y);
    }
    free(pl);
    return strbuf_detach(&sb);
}
#undef PX
#undef PYA
