/* SPDX-License-Identifier: MIT */
/*
 * image_webp.c - WebP decoding with libwebp (the only file that includes
 * webp/decode.h). Lossy, lossless and alpha files become 8-bit RGB (alpha is
 * dropped, as for PNG); animated files (an ANIM chunk, which WebPDecode
 * refuses) are named as such. The size comes from WebPGetFeatures, which
 * reads only the headers, and is checked against the pixel limit before any
 * pixel memory is allocated; libwebp decodes straight into our buffer.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <webp/decode.h>

#include "faceaudit/image.h"
#include "faceaudit/log.h"

/* Decode a WebP file; returns a new RGB uint8 image or NULL with *cause. */
struct image *
image_decode_webp(const void *buf, size_t len, const char *name,
    const struct image_load_opts *opts, char **cause)
{
    size_t limit = opts != NULL && opts->max_pixels != 0 ? opts->max_pixels
                                                         : IMAGE_DEFAULT_MAX_PIXELS;
    WebPBitstreamFeatures feat;
    VP8StatusCode st;
    struct image *img;
    size_t npx;

    st = WebPGetFeatures(buf, len, &feat);
    if (st != VP8_STATUS_OK) {
        cause_set(cause, "%s: bad WebP file (libwebp status %d%s)", name, (int)st,
            st == VP8_STATUS_NOT_ENOUGH_DATA ? ": truncated" : "");
        return NULL;
    }
    if (feat.has_animation) {
        cause_set(cause, "%s: animated WebP image: unsupported (save one frame)", name);
        return NULL;
    }
    npx = (size_t)feat.width * (size_t)feat.height;
    if (feat.width <= 0 || feat.height <= 0 || npx > limit) {
        cause_set(cause, "%s: image is %dx%d (%zu pixels), over the limit of %zu pixels", name,
            feat.width, feat.height, npx, limit);
        return NULL;
    }
    img = image_new(feat.width, feat.height, 3, IMAGE_U8);
    if (WebPDecodeRGBInto(buf, len, img->u8, npx * 3, feat.width * 3) == NULL) {
        cause_set(cause, "%s: bad WebP file: the image data does not decode", name);
        image_free(img);
        return NULL;
    }
    return img;
}
