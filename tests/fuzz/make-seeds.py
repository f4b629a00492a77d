#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# make-seeds.py - regenerate the synthetic seed images of the image fuzzer
# in tests/fuzz/corpus/image/ (python3 standard library; cjpeg and jpegtran
# from libjpeg-turbo-progs for the JPEGs). Every pixel is computed here: no
# photo is stored. Each file exercises a decoder path the others do not:
#   PNG: interlaced (Adam7), 1-bit grey, 16-bit grey, grey + alpha,
#        palette with tRNS, every filter type, split IDAT, text chunks
#   JPEG: 4:4:4, 4:2:2, greyscale, progressive, arithmetic coding,
#        restart markers, optimised Huffman, EXIF orientation 6
#   PNM: 16-bit PPM, PGM with maxval 1000, comments in the header
import os
import struct
import subprocess
import sys
import tempfile
import zlib

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "image")
W, H = 12, 9


def rgb(x, y):
    return (x * 21) & 255, (y * 28) & 255, (x * y * 7 + 40) & 255


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(name, ihdr, rows, extra=b"", filters=None, split=False, interlaced=False):
    raw = b""
    for i, row in enumerate(rows):
        f = filters[i % len(filters)] if filters else 0
        raw += bytes([f]) + apply_filter(f, row, rows[i - 1] if i > 0 else bytes(len(row)),
                                         ihdr["bpp"])
    z = zlib.compress(raw, 9)
    idat = chunk(b"IDAT", z) if not split else b"".join(
        chunk(b"IDAT", z[i:i + 7]) for i in range(0, len(z), 7))
    hdr = struct.pack(">IIBBBBB", ihdr["w"], ihdr["h"], ihdr["depth"], ihdr["ctype"], 0, 0,
                      1 if interlaced else 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", hdr) + extra + idat + chunk(b"IEND", b"")
    open(os.path.join(out, name), "wb").write(data)


def apply_filter(f, row, prev, bpp):
    res = bytearray(len(row))
    for i, v in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 0:
            p = 0
        elif f == 1:
            p = a
        elif f == 2:
            p = b
        elif f == 3:
            p = (a + b) // 2
        else:
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
            p = a if pa <= pb and pa <= pc else b if pb <= pc else c
        res[i] = (v - p) & 255
    return bytes(res)


def adam7_rows(w, h, pixel):
    """Interlaced scanlines (pass by pass) of an 8-bit RGB image, each a separate row."""
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4),
              (1, 0, 2, 2), (0, 1, 1, 2)]
    raw = b""
    for x0, y0, dx, dy in passes:
        xs = list(range(x0, w, dx))
        if not xs:
            continue
        for y in range(y0, h, dy):
            raw += b"\0" + b"".join(bytes(pixel(x, y)) for x in xs)
    return raw


def main():
    os.makedirs(out, exist_ok=True)
    rgbrows = [b"".join(bytes(rgb(x, y)) for x in range(W)) for y in range(H)]
    grey = [bytes((x * 20 + y * 5) & 255 for x in range(W)) for y in range(H)]
    png("filters.png", {"w": W, "h": H, "depth": 8, "ctype": 2, "bpp": 3}, rgbrows,
        filters=[0, 1, 2, 3, 4], split=True,
        extra=chunk(b"tEXt", b"Comment\0synthetic") + chunk(b"gAMA", struct.pack(">I", 45455)))
    # interlaced: the IDAT holds the seven passes
    raw = adam7_rows(W, H, rgb)
    hdr = struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 1)
    open(os.path.join(out, "adam7.png"), "wb").write(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", hdr) + chunk(b"IDAT", zlib.compress(raw, 9)) +
        chunk(b"IEND", b""))
    bits = [bytes(int("".join("1" if (x + y) % 3 else "0" for x in range(i, i + 8)), 2)
                  for i in range(0, 16, 8)) for y in range(H)]
    png("grey1.png", {"w": 16, "h": H, "depth": 1, "ctype": 0, "bpp": 1}, bits)
    png("grey16.png", {"w": W, "h": H, "depth": 16, "ctype": 0, "bpp": 2},
        [b"".join(struct.pack(">H", (x * 5000 + y * 300) & 0xffff) for x in range(W))
         for y in range(H)], filters=[4])
    png("greyalpha.png", {"w": W, "h": H, "depth": 8, "ctype": 4, "bpp": 2},
        [b"".join(bytes([(x * 20) & 255, (y * 30) & 255]) for x in range(W)) for y in range(H)])
    plte = b"".join(bytes(rgb(i, 15 - i)) for i in range(16))
    png("palette-trns.png", {"w": W, "h": H, "depth": 4, "ctype": 3, "bpp": 1},
        [bytes(((x + y) % 16) << 4 | ((x + y + 1) % 16) for x in range(0, W, 2))
         for y in range(H)],
        extra=chunk(b"PLTE", plte) + chunk(b"tRNS", bytes(range(0, 256, 16))))
    # PNM
    with open(os.path.join(out, "rgb16.ppm"), "wb") as f:
        f.write(b"P6\n# 16-bit samples\n%d %d\n65535\n" % (W, H))
        for y in range(H):
            for x in range(W):
                f.write(b"".join(struct.pack(">H", v * 257) for v in rgb(x, y)))
    with open(os.path.join(out, "max1000.pgm"), "wb") as f:
        f.write(b"P5 %d %d 1000\n" % (W, H))
        for y in range(H):
            f.write(b"".join(struct.pack(">H", (x * 80 + y * 7) % 1001) for x in range(W)))
    # JPEG through cjpeg from a synthetic PPM
    with tempfile.TemporaryDirectory() as tmp:
        ppm = os.path.join(tmp, "in.ppm")
        with open(ppm, "wb") as f:
            f.write(b"P6 32 24 255\n" + b"".join(bytes(rgb(x, y)) for y in range(24)
                                                 for x in range(32)))
        pgm = os.path.join(tmp, "in.pgm")
        with open(pgm, "wb") as f:
            f.write(b"P5 32 24 255\n" + bytes((x * 8 + y) & 255 for y in range(24)
                                              for x in range(32)))
        jpegs = {
            "q50-444.jpg": ["-quality", "50", "-sample", "1x1"],
            "q90-422.jpg": ["-quality", "90", "-sample", "2x1"],
            "progressive.jpg": ["-quality", "75", "-progressive"],
            "arithmetic.jpg": ["-quality", "75", "-arithmetic"],
            "restart.jpg": ["-quality", "75", "-restart", "1B"],
            "optimised.jpg": ["-quality", "75", "-optimize"],
        }
        for name, args in jpegs.items():
            subprocess.run(["cjpeg"] + args + ["-outfile", os.path.join(out, name), ppm],
                           check=True)
        subprocess.run(["cjpeg", "-quality", "75", "-grayscale", "-outfile",
                        os.path.join(out, "grey8.jpg"), pgm], check=True)
        # EXIF APP1 with orientation 6 spliced in after SOI
        base = open(os.path.join(out, "q50-444.jpg"), "rb").read()
        tiff = b"MM\0\x2a\0\0\0\x08" + struct.pack(">H", 1) + \
            struct.pack(">HHIHH", 0x0112, 3, 1, 6, 0) + b"\0\0\0\0"
        app1 = b"Exif\0\0" + tiff
        exif = base[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + base[2:]
        open(os.path.join(out, "exif6.jpg"), "wb").write(exif)
    return 0


if __name__ == "__main__":
    sys.exit(main())
