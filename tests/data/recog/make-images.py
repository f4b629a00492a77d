#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# make-images.py - regenerate the tiny test images of tests/unit/check_recog.c
# (python3 standard library + cjpeg from libjpeg-turbo-progs for the JPEG).
# Every image is synthetic; no photo is stored in the repository.
#
#   grad.ppm   8x6 RGB gradient: r = 30x, g = 40y, b = 100
#   grad.png   the same pixels as PNG (RGB, 8-bit)
#   grad16.png the same pixels as 16-bit RGBA (alpha 50%): the decoder strips to 8-bit RGB
#   grey.pgm   4x3 grey: v = 20 * (y*4 + x)
#   grey.png   the same pixels as 8-bit grey PNG
#   pal.png    4x3 palette PNG, the same pixels as grey.png
#   quad.jpg   64x48 four quadrants: red, green / blue, white (q95, 4:2:0)
import os
import struct
import subprocess
import sys
import zlib

here = os.path.dirname(os.path.abspath(__file__))


def chunk(kind, data):
    c = struct.pack(">I", len(data)) + kind + data
    return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(path, w, h, colour_type, depth, rows, plte=None):
    raw = b"".join(b"\0" + r for r in rows)
    data = b"\x89PNG\r\n\x1a\n"
    data += chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, colour_type, 0, 0, 0))
    if plte is not None:
        data += chunk(b"PLTE", plte)
    data += chunk(b"IDAT", zlib.compress(raw, 9))
    data += chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


def main():
    w, h = 8, 6
    grad = [[(30 * x, 40 * y, 100) for x in range(w)] for y in range(h)]
    with open(os.path.join(here, "grad.ppm"), "wb") as f:
        f.write(b"P6\n# gradient\n8 6\n255\n")
        for row in grad:
            f.write(bytes(v for px in row for v in px))
    png(os.path.join(here, "grad.png"), w, h, 2, 8,
        [bytes(v for px in row for v in px) for row in grad])
    png(os.path.join(here, "grad16.png"), w, h, 6, 16,
        [b"".join(struct.pack(">HHHH", px[0] * 257, px[1] * 257, px[2] * 257, 32768)
                  for px in row) for row in grad])
    gw, gh = 4, 3
    grey = [[20 * (y * gw + x) for x in range(gw)] for y in range(gh)]
    with open(os.path.join(here, "grey.pgm"), "wb") as f:
        f.write(b"P5 4 3 255\n" + bytes(v for row in grey for v in row))
    png(os.path.join(here, "grey.png"), gw, gh, 0, 8, [bytes(row) for row in grey])
    pal = b"".join(bytes((20 * i, 20 * i, 20 * i)) for i in range(12))
    png(os.path.join(here, "pal.png"), gw, gh, 3, 8,
        [bytes(y * gw + x for x in range(gw)) for y in range(gh)], plte=pal)
    qw, qh = 64, 48
    cols = {(0, 0): (255, 0, 0), (1, 0): (0, 255, 0), (0, 1): (0, 0, 255), (1, 1): (255, 255, 255)}
    ppm = b"P6\n64 48\n255\n" + bytes(
        v for y in range(qh) for x in range(qw) for v in cols[(x >= qw // 2, y >= qh // 2)])
    jpg = subprocess.run(["cjpeg", "-quality", "95"], input=ppm, stdout=subprocess.PIPE,
                         check=True).stdout
    with open(os.path.join(here, "quad.jpg"), "wb") as f:
        f.write(jpg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
