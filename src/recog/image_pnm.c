/* SPDX-License-Identifier: MIT */
/*
 * image_pnm.c - binary PGM (P5) and PPM (P6) decoding, 8-bit (maxval up to
 * 255, rescaled to 0..255) and 16-bit (maxval up to 65535, big-endian, scaled
 * down). Grey becomes RGB. The header is checked against the pixel limit
 * before anything is allocated, and a short pixel section is an error.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/image.h"
#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

/* Skip whitespace and # comments; returns the new position. */
static size_t
skip_space(const unsigned char *p, size_t len, size_t i)
{
    while (i < len) {
        if (p[i] == '#') {
            while (i < len && p[i] != '\n')
                i++;
        } else if (isspace(p[i])) {
            i++;
        } else {
            break;
        }
    }
    return i;
}

/* Read a decimal header field; returns -1 when missing or over max. */
static long
read_uint(const unsigned char *p, size_t len, size_t *i, long max)
{
    long v = 0;
    size_t start;

    *i = skip_space(p, len, *i);
    start = *i;
    while (*i < len && p[*i] >= '0' && p[*i] <= '9') {
        v = v * 10 + (p[*i] - '0');
        if (v > max)
            return -1;
        (*i)++;
    }
    return *i == start ? -1 : v;
}

/* Decode P5/P6; returns a new RGB uint8 image or NULL with *cause. */
struct image *
image_decode_pnm(const void *buf, size_t len, const char *name,
    const struct image_load_opts *opts, char **cause)
{
    const unsigned char *p = buf;
    size_t i = 2, npix, need, bps, k;
    long w, h, maxval;
    int chans;
    struct image *img;

    if (len < 2 || p[0] != 'P' || (p[1] != '5' && p[1] != '6')) {
        cause_set(cause, "%s: not a binary PGM/PPM file", name);
        return NULL;
    }
    chans = p[1] == '6' ? 3 : 1;
    w = read_uint(p, len, &i, 1L << 30);
    h = read_uint(p, len, &i, 1L << 30);
    maxval = read_uint(p, len, &i, 65535);
    if (w <= 0 || h <= 0 || maxval <= 0) {
        cause_set(cause, "%s: bad or truncated PNM header", name);
        return NULL;
    }
    if (i >= len || !isspace(p[i])) {
        cause_set(cause, "%s: bad or truncated PNM header", name);
        return NULL;
    }
    i++; /* the single whitespace before the raster */
    npix = (size_t)w * (size_t)h;
    bps = maxval > 255 ? 2 : 1;
    /* raw samples: the file holds every byte it declares, or it is refused */
    if (image_check_declared(name, (uint64_t)w, (uint64_t)h, (uint64_t)w * (uint64_t)h *
            (uint64_t)chans * bps, len, opts, cause) == -1)
        return NULL;
    need = npix * (size_t)chans * bps;
    if (len - i < need) {
        cause_set(cause, "%s: truncated PNM data (%zu of %zu bytes)", name, len - i, need);
        return NULL;
    }
    img = image_new((int)w, (int)h, 3, IMAGE_U8);
    for (k = 0; k < npix * (size_t)chans; k++) {
        const unsigned char *s = p + i + k * bps;
        unsigned long v = bps == 2 ? (unsigned long)(s[0] << 8 | s[1]) : s[0];
        uint8_t b;

        if (v > (unsigned long)maxval)
            v = (unsigned long)maxval;
        b = maxval == 255 ? (uint8_t)v
                          : (uint8_t)((v * 255UL + (unsigned long)maxval / 2) /
                                (unsigned long)maxval);
        if (chans == 3) {
            img->u8[k] = b;
        } else {
            img->u8[3 * k] = img->u8[3 * k + 1] = img->u8[3 * k + 2] = b;
        }
    }
    return img;
}
