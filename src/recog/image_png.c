/* SPDX-License-Identifier: MIT */
/*
 * image_png.c - PNG decoding, and encoding (exported thumbnails), with
 * libpng (the only file that includes png.h). Decoding: every bit depth
 * and colour type becomes 8-bit RGB: palettes are expanded, 16-bit is
 * stripped, grey is expanded, alpha is dropped (face-api reads the RGB
 * channels). libpng reports errors by longjmp: the handler
 * records the message, and everything allocated is owned by variables that
 * survive the jump (volatile) and freed on the error path. CRC errors are
 * errors (the default), and the size is checked against the pixel limit
 * from the IHDR before any pixel memory is allocated.
 */
#include "config.h"

#include <ctype.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/image.h"
#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

struct png_src {
    const unsigned char *data;
    size_t len;
    size_t pos;
    char msg[200];
};

static void
png_read_mem(png_structp png, png_bytep out, size_t n)
{
    struct png_src *src = png_get_io_ptr(png);

    if (src->len - src->pos < n)
        png_error(png, "file is truncated");
    memcpy(out, src->data + src->pos, n);
    src->pos += n;
}

static void
png_on_error(png_structp png, png_const_charp msg)
{
    struct png_src *src = png_get_error_ptr(png);

    snprintf(src->msg, sizeof src->msg, "%s", msg);
    png_longjmp(png, 1);
}

static void
png_on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

/*
 * Every chunk's declared length within the file, checked before libpng sees
 * it: libpng allocates (and clears) a chunk's declared length before reading
 * it, and only warns about an oversized one (a "benign" error that cannot be
 * made fatal without also refusing common files with a known-bad sRGB
 * profile). A 156-byte file declaring an 889 MB tEXt chunk took 35 s and
 * 878 MB. Returns 0, or -1 with *cause.
 */
static int
png_chunks_fit(const unsigned char *p, size_t len, const char *name, char **cause)
{
    size_t off = 8;

    while (off + 8 <= len) {
        size_t clen = (size_t)p[off] << 24 | (size_t)p[off + 1] << 16 |
            (size_t)p[off + 2] << 8 | p[off + 3];

        if (clen > len - off - 8 || len - off - 8 - clen < 4) {
            char type[5];
            int i;

            /* the type as printable letters only: it goes into an error message */
            for (i = 0; i < 4; i++)
                type[i] = isalpha(p[off + 4 + i]) ? (char)p[off + 4 + i] : '?';
            type[4] = '\0';
            return cause_set(cause, "%s: bad PNG file: chunk '%s' at byte %zu declares %zu "
                "bytes, more than the file holds (truncated, or a decompression bomb)", name,
                type, off, clen);
        }
        if (memcmp(p + off + 4, "IEND", 4) == 0)
            break;
        off += clen + 12;
    }
    return 0;
}

/* Largest allocation for one chunk (compressed text and ICC profiles inflate into it). */
#define PNG_CHUNK_MALLOC_MAX ((size_t)8 << 20)

/* Decode a PNG; returns a new RGB uint8 image or NULL with *cause. */
struct image *
image_decode_png(const void *buf, size_t len, const char *name,
    const struct image_load_opts *opts, char **cause)
{
    size_t limit = image_pixel_limit(opts);
    struct png_src src = { buf, len, 0, "" };
    png_structp png;
    png_infop info = NULL;
    struct image *volatile img = NULL;
    png_uint_32 w, h, r;
    int depth, ctype, passes, pass;

    /* the size from the IHDR (always the first chunk), before libpng allocates
     * anything: the raw rows (a filter byte and at least depth * channels bits
     * per pixel) cannot be deflated better than 1032:1 */
    if (len >= 26 && memcmp((const unsigned char *)buf + 12, "IHDR", 4) == 0) {
        const unsigned char *p = (const unsigned char *)buf + 16;
        uint64_t hw = (uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 | (uint64_t)p[2] << 8 | p[3];
        uint64_t hh = (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 | (uint64_t)p[6] << 8 | p[7];
        uint64_t bits = (uint64_t)p[8] * (p[9] == 2 ? 3 : p[9] == 4 ? 2 : p[9] == 6 ? 4 : 1);

        uint64_t raw = 0;

        if (hw <= limit && hh <= limit && bits <= 64)
            raw = hh * (1 + (hw * bits + 7) / 8);
        if (hw != 0 && hh != 0 &&
            image_check_declared(name, hw, hh, raw / 1032, len, opts, cause) == -1)
            return NULL;
    }
    if (png_chunks_fit(buf, len, name, cause) == -1)
        return NULL;
    png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, png_on_error, png_on_warning);
    if (png == NULL) {
        cause_set(cause, "%s: cannot initialise libpng", name);
        return NULL;
    }
    info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        cause_set(cause, "%s: cannot initialise libpng", name);
        return NULL;
    }
    if (setjmp(png_jmpbuf(png))) {
        cause_set(cause, "%s: bad PNG file: %s", name, src.msg[0] != '\0' ? src.msg : "error");
        image_free(img);
        png_destroy_read_struct(&png, &info, NULL);
        return NULL;
    }
    /* libpng's own limits would otherwise reject huge images with its message */
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    /* and what compressed text or ICC profiles inflate to stays small */
    png_set_chunk_malloc_max(png, PNG_CHUNK_MALLOC_MAX);
    png_set_chunk_cache_max(png, 1000);
    png_set_read_fn(png, &src, png_read_mem);
    png_read_info(png, info);
    png_get_IHDR(png, info, &w, &h, &depth, &ctype, NULL, NULL, NULL);
    if (w == 0 || h == 0 || (size_t)w * (size_t)h > limit) {
        cause_set(cause, "%s: image is %lux%lu (%zu pixels), over the limit of %zu pixels", name,
            (unsigned long)w, (unsigned long)h, (size_t)w * (size_t)h, limit);
        png_destroy_read_struct(&png, &info, NULL);
        return NULL;
    }
    if (ctype == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (ctype == PNG_COLOR_TYPE_GRAY && depth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if (depth == 16)
        png_set_strip_16(png);
    /* after palette/tRNS expansion, whatever alpha there is goes */
    png_set_strip_alpha(png);
    if (ctype == PNG_COLOR_TYPE_GRAY || ctype == PNG_COLOR_TYPE_GRAY_ALPHA)
        png_set_gray_to_rgb(png);
    passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_channels(png, info) != 3 || png_get_bit_depth(png, info) != 8 ||
        png_get_rowbytes(png, info) != (size_t)w * 3) {
        cause_set(cause, "%s: unexpected PNG layout after conversion to RGB", name);
        png_destroy_read_struct(&png, &info, NULL);
        return NULL;
    }
    img = image_new((int)w, (int)h, 3, IMAGE_U8);
    /* row by row, each interlace pass over the image itself: no array of
     * row pointers (8 bytes a row: 480 MB for a 1 x 60,000,000 image) */
    for (pass = 0; pass < passes; pass++) {
        for (r = 0; r < h; r++)
            png_read_row(png, img->u8 + (size_t)r * (size_t)w * 3, NULL);
    }
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    return img;
}

/* The encoder's growing output buffer. */
struct png_dst {
    unsigned char *data;
    size_t len, cap;
    char msg[200];
};

static void
png_write_mem(png_structp png, png_bytep in, size_t n)
{
    struct png_dst *dst = png_get_io_ptr(png);

    if (n == 0)
        return;
    if (dst->cap - dst->len < n) {
        size_t cap = dst->cap == 0 ? 4096 : dst->cap;

        while (cap - dst->len < n)
            cap *= 2;
        dst->data = xreallocarray(dst->data, cap, 1);
        dst->cap = cap;
    }
    memcpy(dst->data + dst->len, in, n);
    dst->len += n;
}

static void
png_flush_mem(png_structp png)
{
    (void)png;
}

static void
png_on_write_error(png_structp png, png_const_charp msg)
{
    struct png_dst *dst = png_get_error_ptr(png);

    snprintf(dst->msg, sizeof dst->msg, "%s", msg);
    png_longjmp(png, 1);
}

int
image_encode_png(const struct image *img, unsigned char **out, size_t *len, char **cause)
{
    struct png_dst dst;
    png_structp png;
    png_infop info;
    png_bytep *volatile rows = NULL;
    int y;

    *out = NULL;
    *len = 0;
    if (img->sample != IMAGE_U8 || (img->channels != 1 && img->channels != 3) ||
        img->width < 1 || img->height < 1)
        return cause_set(cause, "PNG: only 8-bit grey or RGB images are encoded");
    memset(&dst, 0, sizeof dst);
    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &dst, png_on_write_error,
        png_on_warning);
    if (png == NULL || (info = png_create_info_struct(png)) == NULL) {
        png_destroy_write_struct(&png, NULL);
        return cause_set(cause, "PNG: cannot start the encoder");
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(rows);
        free(dst.data);
        return cause_set(cause, "PNG: %s", dst.msg);
    }
    png_set_write_fn(png, &dst, png_write_mem, png_flush_mem);
    png_set_IHDR(png, info, (png_uint_32)img->width, (png_uint_32)img->height, 8,
        img->channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
        PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    rows = xcalloc((size_t)img->height, sizeof *rows);
    for (y = 0; y < img->height; y++)
        rows[y] = img->u8 + (size_t)y * (size_t)img->width * (size_t)img->channels;
    png_set_rows(png, info, rows);
    png_write_png(png, info, PNG_TRANSFORM_IDENTITY, NULL);
    png_destroy_write_struct(&png, &info);
    free(rows);
    *out = dst.data;
    *len = dst.len;
    return 0;
}
