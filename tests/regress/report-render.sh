#!/bin/sh
# SPDX-License-Identifier: MIT
# report-render.sh - read the HTML report the way a reader does: headless
# Chromium renders a bundled scenario's report to an A4-sized PNG, which
# must exist, be larger than a blank page and not be one colour; the HTML
# must hold no script and no http(s) URL. The PNG stays in the temporary
# folder. Skips visibly without chromium or python3.
. "${top_srcdir:-.}/tests/regress/lib.sh"

src=$(cd "$top_srcdir" && pwd)
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || skip "chromium is not installed (Debian package chromium; ./bootstrap installs it)"
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"

fa audit --no-save --format html -o "$tmp/report.html" "$src/datasets/scenarios/hotel-room-camera.fa.yaml"
expect_rc 1 "the HTML report of a failing deployment"
checks=$((checks + 1))
if grep -Eiq '<script|https?://' "$tmp/report.html"; then
    fail "the HTML holds a script or a URL"
    grep -Eio '<script|https?://[^" ]*' "$tmp/report.html" | head -5
else
    pass "no script, no URL"
fi

timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$tmp/chromium" \
    --screenshot="$tmp/x.png" --window-size=1240,1754 "file://$tmp/report.html" \
    >"$tmp/chromium.log" 2>&1
checks=$((checks + 1))
if [ ! -s "$tmp/x.png" ]; then
    fail "chromium wrote no PNG"
    tail -5 "$tmp/chromium.log"
    finish
fi
pass "chromium rendered the page"

# a tiny PNG reader: size, dimensions, and how many distinct colours
checks=$((checks + 1))
if python3 - "$tmp/x.png" >"$tmp/png" 2>&1 <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, t = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if t == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif t == b"IDAT":
        idat += body
    pos += 12 + n
assert (w, h) == (1240, 1754), "size %dx%d" % (w, h)
assert depth == 8 and ctype in (2, 6), "unexpected PNG type %d/%d" % (depth, ctype)
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours, dark = set(), 0
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 4 == 0:
        for x in range(0, stride, bpp * 4):
            px = bytes(line[x:x + 3])
            colours.add(px)
            dark += sum(px) < 200
    prev = line
print("%d bytes, %d colours, %d dark samples" % (len(data), len(colours), dark))
assert len(data) > 20000, "PNG too small"
assert len(colours) > 20, "only %d colours" % len(colours)
assert dark > 500, "almost no text"
PY
then
    pass "the page is not blank: $(cat "$tmp/png")"
else
    fail "the rendered page looks blank or broken"
    cat "$tmp/png"
fi
finish
