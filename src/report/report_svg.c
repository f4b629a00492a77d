/* SPDX-License-Identifier: MIT */
/*
 * report_svg.c - charts as inline SVG for the HTML report, with no script
 * and no external resource: line and bar series over linear or decade
 * (log10) axes, tick labels at 1-2-5 steps or powers of ten, vertical and
 * horizontal marker lines (a threshold, a deadline), a legend. Generic on
 * purpose: eval DET/ROC curves (log FMR), score histograms (bars) and the
 * simulated stored-person curve (with the 100,000 line and the filing
 * deadline) are all one call with arrays.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "report/report_int.h"

#include "faceaudit/compat.h"

#define ML 64   /* margins: left, right, top, bottom */
#define MR 16
#define MT 28
#define MB 44

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

/* One self-contained <svg> element; caller frees. */
char *
report_svg_chart(const struct report_chart *c, int width, int height)
{
    struct strbuf sb;
    struct axis ax = { c->xlog, INFINITY, -INFINITY }, ay = { c->ylog, INFINITY, -INFINITY };
    double pw = width - ML - MR, ph = height - MT - MB, xstep = 1, ystep = 1, v;
    bool any = false, bars = false;
    size_t s, i;
    char buf[64];

    for (s = 0; s < c->nseries; s++) {
        const struct report_series *se = &c->series[s];

        bars |= se->bars;
        for (i = 0; i < se->n; i++) {
            if (!usable(se->x[i], ax.log) || !usable(se->y[i], ay.log))
                continue;
            any = true;
            ax.lo = fmin(ax.lo, tr(se->x[i], ax.log));
            ax.hi = fmax(ax.hi, tr(se->x[i], ax.log));
            ay.lo = fmin(ay.lo, tr(se->y[i], ay.log));
            ay.hi = fmax(ay.hi, tr(se->y[i], ay.log));
        }
    }
    for (i = 0; i < c->nmarkers; i++) {
        struct axis *a = c->markers[i].vertical ? &ax : &ay;

        if (usable(c->markers[i].value, a->log)) {
            a->lo = fmin(a->lo, tr(c->markers[i].value, a->log));
            a->hi = fmax(a->hi, tr(c->markers[i].value, a->log));
        }
    }
    if (!any) {
        ax.lo = ay.lo = 0;
        ax.hi = ay.hi = 1;
    }
    if (bars && !ay.log)
        ay.lo = fmin(ay.lo, 0);
    if (ax.log) {
        ax.lo = floor(ax.lo);
        ax.hi = fmax(ceil(ax.hi), ax.lo + 1);
    } else {
        nice_range(&ax, &xstep);
    }
    if (ay.log) {
        ay.lo = floor(ay.lo);
        ay.hi = fmax(ceil(ay.hi), ay.lo + 1);
    } else {
        nice_range(&ay, &ystep);
    }
#define PX(v) (ML + ((v) - ax.lo) / (ax.hi - ax.lo) * pw)
#define PY(v) (MT + ph - ((v) - ay.lo) / (ay.hi - ay.lo) * ph)

    strbuf_init(&sb);
    strbuf_printf(&sb, "<svg class=\"chart\" width=\"%d\" "
        "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" font-family=\"sans-serif\" "
        "font-size=\"11\">", width, height, width, height);
    strbuf_puts(&sb, "<title>");
    report_xml_str(&sb, c->title);
    strbuf_puts(&sb, "</title>");
    strbuf_printf(&sb, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"#fff\" "
        "stroke=\"#888\"/>", ML, MT, pw, ph);
    text(&sb, width / 2.0, 17, "middle", " font-weight=\"bold\" font-size=\"13\"", c->title);
    /* grid and ticks */
    for (v = ax.lo; v <= ax.hi + 1e-9 * (ax.hi - ax.lo); v += ax.log ? 1 : xstep) {
        strbuf_printf(&sb, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>",
            PX(v), MT, PX(v), MT + ph);
        label_num(buf, sizeof buf, v, ax.log);
        text(&sb, PX(v), MT + ph + 14, "middle", NULL, buf);
    }
    for (v = ay.lo; v <= ay.hi + 1e-9 * (ay.hi - ay.lo); v += ay.log ? 1 : ystep) {
        strbuf_printf(&sb, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>",
            ML, PY(v), ML + pw, PY(v));
        label_num(buf, sizeof buf, v, ay.log);
        text(&sb, ML - 4, PY(v) + 4, "end", NULL, buf);
    }
    if (c->xlabel != NULL)
        text(&sb, ML + pw / 2, height - 8, "middle", NULL, c->xlabel);
    if (c->ylabel != NULL) {
        snprintf(buf, sizeof buf, " transform=\"rotate(-90 12 %.1f)\"", MT + ph / 2);
        text(&sb, 12, MT + ph / 2, "middle", buf, c->ylabel);
    }
    /* series */
    for (s = 0; s < c->nseries; s++) {
        const struct report_series *se = &c->series[s];
        const char *col = palette[s % FA_NITEMS(palette)];
        bool pen = false;

        if (se->bars) {
            double bw = se->n > 1 ? pw / (double)se->n * 0.45 : 8;

            for (i = 0; i < se->n; i++) {
                double base = ay.log ? ay.lo : 0, top;

                if (!usable(se->x[i], ax.log) || !usable(se->y[i], ay.log))
                    continue;
                top = tr(se->y[i], ay.log);
                strbuf_printf(&sb, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                    "fill=\"%s\" fill-opacity=\"0.6\"/>", PX(tr(se->x[i], ax.log)) -
                    bw * (s % 2 == 0 ? 1 : 0), PY(top), bw, PY(base) - PY(top), col);
            }
        } else {
            strbuf_printf(&sb, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" d=\"", col);
            for (i = 0; i < se->n; i++) {
                if (!usable(se->x[i], ax.log) || !usable(se->y[i], ay.log)) {
                    pen = false;
                    continue;
                }
                strbuf_printf(&sb, "%c%.1f %.1f ", pen ? 'L' : 'M', PX(tr(se->x[i], ax.log)),
                    PY(tr(se->y[i], ay.log)));
                pen = true;
            }
            strbuf_puts(&sb, "\"/>");
        }
        strbuf_printf(&sb, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\"/>",
            ML + pw - 150, MT + 8 + 15.0 * (double)s, col);
        text(&sb, ML + pw - 136, MT + 17 + 15.0 * (double)s, "start", NULL,
            se->name != NULL ? se->name : "");
    }
    /* markers */
    for (i = 0; i < c->nmarkers; i++) {
        const struct report_marker *m = &c->markers[i];
        struct axis *a = m->vertical ? &ax : &ay;
        double p;

        if (!usable(m->value, a->log))
            continue;
        p = m->vertical ? PX(tr(m->value, ax.log)) : PY(tr(m->value, ay.log));
        if (m->vertical) {
            strbuf_printf(&sb, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"#c0392b\" stroke-dasharray=\"5 3\"/>", p, MT, p, MT + ph);
            text(&sb, p + 3, MT + 12 + 12.0 * (double)i, "start", " fill=\"#c0392b\"",
                m->label);
        } else {
            strbuf_printf(&sb, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"#c0392b\" stroke-dasharray=\"5 3\"/>", ML, p, ML + pw, p);
            text(&sb, ML + 4, p - 3, "start", " fill=\"#c0392b\"", m->label);
        }
    }
    strbuf_puts(&sb, "</svg>");
#undef PX
#undef PY
    return strbuf_detach(&sb);
}
