# SPDX-License-Identifier: MIT
# svg_check.py - the eval figures of an HTML report checked as a reader
# relies on them, for tests/regress/report-render.sh:
#  - histograms: genuine and impostor bars each reach the plot's top (one
#    scale per class), the right-hand axis is labelled;
#  - DET and ROC: the operating threshold's ring sits where its FMR and
#    FNMR (read from its label) fall on the axes (read from the tick labels);
#  - every legend lies outside the plot area and crosses no curve.
# Usage: svg_check.py REPORT.html; prints one line per figure, exit 1 on a failure.
import math
import re
import sys
import xml.etree.ElementTree as ET

NS = ""  # the inline <svg> elements carry no xmlns (HTML gives it)


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def tag(e):
    return e.tag.split("}")[-1]


def num(e, a):
    return float(e.get(a))


def seg_hits(ax, ay, bx, by, r):
    """Liang-Barsky: does the segment meet the rectangle (x0, y0, x1, y1)?"""
    p = (-(bx - ax), bx - ax, -(by - ay), by - ay)
    q = (ax - r[0], r[2] - ax, ay - r[1], r[3] - ay)
    t0, t1 = 0.0, 1.0
    for pi, qi in zip(p, q):
        if pi == 0:
            if qi < 0:
                return False
            continue
        t = qi / pi
        if pi < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def polylines(svg):
    out = []
    for e in svg.iter():
        if tag(e) == "path":
            pts = [(float(x), float(y)) for x, y in re.findall(r"[ML]([-\d.]+) ([-\d.]+)", e.get("d"))]
            out.append(pts)
    return out


def ticks(svg, plot, axis):
    """(value, pixel) of the tick labels below (x) or left of (y) the plot."""
    px0, py0, pw, ph = plot
    out = []
    for e in svg.iter():
        if tag(e) != "text" or e.text is None:
            continue
        try:
            v = float(e.text)
        except ValueError:
            continue
        x, y = num(e, "x"), num(e, "y")
        if axis == "x" and abs(y - (py0 + ph + 14)) < 0.2:
            out.append((v, x))
        if axis == "y" and abs(x - (px0 - 4)) < 0.2:
            out.append((v, y - 4))
    return out


def mapping(tk, log):
    (v0, p0), (v1, p1) = tk[0], tk[-1]
    f = math.log10 if log else (lambda v: v)
    return lambda v: p0 + (f(v) - f(v0)) / (f(v1) - f(v0)) * (p1 - p0)


html = open(sys.argv[1], encoding="utf-8").read()
svgs = [ET.fromstring(s) for s in re.findall(r"<svg .*?</svg>", html, re.S)]
seen = set()
for svg in svgs:
    title = svg.find(NS + "title").text
    plot = [e for e in svg.iter() if tag(e) == "rect" and e.get("class") == "plot"][0]
    pr = (num(plot, "x"), num(plot, "y"), num(plot, "width"), num(plot, "height"))
    box = (pr[0], pr[1], pr[0] + pr[2], pr[1] + pr[3])
    lines = polylines(svg)
    # the legend: outside the plot area, crossing no curve
    for g in svg.iter(NS + "g"):
        if g.get("class") != "legend":
            continue
        r = g.find(NS + "rect")
        lb = (num(r, "x"), num(r, "y"), num(r, "x") + num(r, "width"), num(r, "y") + num(r, "height"))
        if not (lb[3] <= box[1] or lb[1] >= box[3] or lb[2] <= box[0] or lb[0] >= box[2]):
            fail("%s: the legend %s overlaps the plot area %s" % (title, lb, box))
        for pts in lines:
            for a, b in zip(pts, pts[1:]):
                if seg_hits(a[0], a[1], b[0], b[1], lb):
                    fail("%s: the legend crosses a curve at %s-%s" % (title, a, b))
    if title.startswith("Score histograms"):
        for k, cls in enumerate(("genuine", "impostor")):
            tops = [num(e, "y") for e in svg.iter(NS + "rect") if e.get("class") == "bar%d" % k]
            if not tops or abs(min(tops) - pr[1]) > 0.05:
                fail("%s: the tallest %s bar's top is %s, the plot's %s" % (title, cls, min(tops or [0]), pr[1]))
        if "impostor comparisons" not in [e.text for e in svg.iter(NS + "text")]:
            fail("%s: no label on the impostor axis" % title)
        seen.add("hist")
        print("histograms: both tallest bars reach y=%.1f" % pr[1])
    elif title.startswith("DET") or title.startswith("ROC"):
        det = title.startswith("DET")
        g = [g for g in svg.iter(NS + "g") if g.get("class") == "point"]
        if len(g) != 1:
            fail("%s: %d threshold markers" % (title, len(g)))
        c = g[0].find(NS + "circle")
        label = g[0].find(NS + "text").text
        m = re.match(r"t = ([\d.e-]+): FMR ([\d.e-]+), FNMR ([\d.e-]+)$", label)
        if m is None:
            fail("%s: threshold label %r" % (title, label))
        fmr, fnmr = float(m.group(2)), float(m.group(3))
        if fmr <= 0 or (det and fnmr <= 0):
            fail("%s: the threshold point is off the log axes (%r): pick another run" % (title, label))
        fx = mapping(sorted(ticks(svg, pr, "x")), True)
        fy = mapping(sorted(ticks(svg, pr, "y")), det)
        want = (fx(fmr), fy(fnmr if det else 1 - fnmr))
        got = (num(c, "cx"), num(c, "cy"))
        if abs(want[0] - got[0]) > 0.2 or abs(want[1] - got[1]) > 0.2:
            fail("%s: the threshold ring is at %s, its FMR and FNMR put it at (%.1f, %.1f)" % (title, got, *want))
        seen.add("det" if det else "roc")
        print("%s: threshold ring at (%.1f, %.1f) as its FMR %g / FNMR %g put it" % (title.split(":")[0], got[0], got[1], fmr, fnmr))
if seen != {"hist", "det", "roc"}:
    fail("figures missing: found %s" % sorted(seen))
print("legends outside the plot area, crossing no curve, in %d figures" % len(svgs))
