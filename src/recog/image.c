/* SPDX-License-Identifier: MIT */
/*
 * image.c - the image container and the pixel operations of the reference
 * preprocessing: crop with clipping (Box.clipAtImageBorders), pad to square
 * (NetInput.toBatchTensor), tfjs bilinear resize (alignCorners=false,
 * halfPixelCenters=false), EXIF orientation, format sniffing and the
 * decode/load entry points that dispatch, by content, to image_jpeg.c,
 * image_png.c, image_pnm.c and image_webp.c.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/image.h"
#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"
#include "recog/recog_int.h"

/* Create a zero-filled image; returns it (caller frees). */
struct image *
image_new(int width, int height, int channels, enum image_sample sample)
{
    struct image *img = xcalloc(1, sizeof *img);
    size_t n;

    if (width <= 0 || height <= 0 || (channels != 1 && channels != 3))
        fatalx("image_new: bad shape %dx%dx%d", width, height, channels);
    img->width = width;
    img->height = height;
    img->channels = channels;
    img->sample = sample;
    n = (size_t)width * (size_t)height;
    if (sample == IMAGE_U8)
        img->u8 = xcalloc(n, (size_t)channels);
    else
        img->f32 = xcalloc(n * (size_t)channels, sizeof(float));
    return img;
}

/* Free an image (NULL is a no-op). */
void
image_free(struct image *img)
{
    if (img == NULL)
        return;
    free(img->u8);
    free(img->f32);
    free(img);
}

/* Number of samples of an image. */
size_t
image_nsamples(const struct image *img)
{
    return (size_t)img->width * (size_t)img->height * (size_t)img->channels;
}

/* A deep copy (caller frees). */
struct image *
image_dup(const struct image *img)
{
    struct image *c = image_new(img->width, img->height, img->channels, img->sample);

    if (img->sample == IMAGE_U8)
        memcpy(c->u8, img->u8, image_nsamples(img));
    else
        memcpy(c->f32, img->f32, image_nsamples(img) * sizeof(float));
    return c;
}

/* Sample i of an image as float, whatever the storage. */
static inline float
sample_at(const struct image *img, size_t i)
{
    return img->sample == IMAGE_U8 ? (float)img->u8[i] : img->f32[i];
}

/*
 * Guess the format from magic bytes. HEIC and AVIF are ISO-BMFF files whose
 * "ftyp" box names the brand at offset 8; only recognised to be named.
 */
enum image_format
image_sniff(const void *buf, size_t len)
{
    const unsigned char *p = buf;

    if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
        return IMAGE_FORMAT_JPEG;
    if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
        return IMAGE_FORMAT_PNG;
    if (len >= 2 && p[0] == 'P' && (p[1] == '5' || p[1] == '6'))
        return IMAGE_FORMAT_PNM;
    if (len >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
        return IMAGE_FORMAT_WEBP;
    if (len >= 6 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0))
        return IMAGE_FORMAT_GIF;
    if (len >= 2 && p[0] == 'B' && p[1] == 'M')
        return IMAGE_FORMAT_BMP;
    if (len >= 4 && (memcmp(p, "II*\0", 4) == 0 || memcmp(p, "MM\0*", 4) == 0))
        return IMAGE_FORMAT_TIFF;
    if (len >= 12 && memcmp(p + 4, "ftyp", 4) == 0) {
        if (memcmp(p + 8, "avif", 4) == 0 || memcmp(p + 8, "avis", 4) == 0)
            return IMAGE_FORMAT_AVIF;
        if (memcmp(p + 8, "heic", 4) == 0 || memcmp(p + 8, "heix", 4) == 0 ||
            memcmp(p + 8, "mif1", 4) == 0 || memcmp(p + 8, "msf1", 4) == 0 ||
            memcmp(p + 8, "hevc", 4) == 0 || memcmp(p + 8, "heim", 4) == 0)
            return IMAGE_FORMAT_HEIC;
        if (memcmp(p + 8, "jp2 ", 4) == 0)
            return IMAGE_FORMAT_JPEG2000;
    }
    if (len >= 12 && memcmp(p, "\0\0\0\x0cjP  \r\n\x87\n", 12) == 0)
        return IMAGE_FORMAT_JPEG2000;
    if ((len >= 2 && p[0] == 0xff && p[1] == 0x0a) ||
        (len >= 12 && memcmp(p, "\0\0\0\x0cJXL \r\n\x87\n", 12) == 0))
        return IMAGE_FORMAT_JPEGXL;
    return IMAGE_FORMAT_UNKNOWN;
}

/* Format name (static string). */
const char *
image_format_name(enum image_format fmt)
{
    switch (fmt) {
    case IMAGE_FORMAT_JPEG:
        return "jpeg";
    case IMAGE_FORMAT_PNG:
        return "png";
    case IMAGE_FORMAT_PNM:
        return "pnm";
    case IMAGE_FORMAT_WEBP:
        return "webp";
    case IMAGE_FORMAT_GIF:
        return "gif";
    case IMAGE_FORMAT_BMP:
        return "bmp";
    case IMAGE_FORMAT_TIFF:
        return "tiff";
    case IMAGE_FORMAT_HEIC:
        return "heic";
    case IMAGE_FORMAT_AVIF:
        return "avif";
    case IMAGE_FORMAT_JPEG2000:
        return "jpeg2000";
    case IMAGE_FORMAT_JPEGXL:
        return "jpegxl";
    case IMAGE_FORMAT_UNKNOWN:
        break;
    }
    return "unknown";
}

/* Decode an in-memory file; returns a new RGB uint8 image or NULL with *cause. */
struct image *
image_decode(const void *buf, size_t len, const char *name, const struct image_load_opts *opts,
    char **cause)
{
    const unsigned char *p = buf;

    if (name == NULL)
        name = "<memory>";
    if (len == 0) {
        cause_set(cause, "%s: empty file (0 bytes), not an image", name);
        return NULL;
    }
    switch (image_sniff(buf, len)) {
    case IMAGE_FORMAT_JPEG:
        return image_decode_jpeg(buf, len, name, opts, cause);
    case IMAGE_FORMAT_PNG:
        return image_decode_png(buf, len, name, opts, cause);
    case IMAGE_FORMAT_PNM:
        return image_decode_pnm(buf, len, name, opts, cause);
    case IMAGE_FORMAT_WEBP:
        return image_decode_webp(buf, len, name, opts, cause);
    case IMAGE_FORMAT_GIF:
        cause_set(cause, "%s: GIF image: unsupported (convert it to PNG)", name);
        return NULL;
    case IMAGE_FORMAT_BMP:
        cause_set(cause, "%s: BMP image: unsupported (convert it to PNG)", name);
        return NULL;
    case IMAGE_FORMAT_TIFF:
        cause_set(cause, "%s: TIFF image: unsupported (convert it to PNG)", name);
        return NULL;
    case IMAGE_FORMAT_HEIC:
        cause_set(cause, "%s: HEIC/HEIF image: unsupported (convert it to JPEG)", name);
        return NULL;
    case IMAGE_FORMAT_AVIF:
        cause_set(cause, "%s: AVIF image: unsupported (convert it to JPEG)", name);
        return NULL;
    case IMAGE_FORMAT_JPEG2000:
        cause_set(cause, "%s: JPEG 2000 image: unsupported (convert it to JPEG)", name);
        return NULL;
    case IMAGE_FORMAT_JPEGXL:
        cause_set(cause, "%s: JPEG XL image: unsupported (convert it to JPEG)", name);
        return NULL;
    case IMAGE_FORMAT_UNKNOWN:
        break;
    }
    if (len >= 2 && p[0] == 'P' && p[1] >= '1' && p[1] <= '4')
        cause_set(cause, "%s: ASCII or bitmap PNM (P%c) is not supported; use binary P5/P6",
            name, p[1]);
    else
        cause_set(cause, "%s: not a JPEG, PNG, WebP or binary PGM/PPM file", name);
    return NULL;
}

/* Read and decode a file; returns a new image or NULL with *cause naming the path. */
struct image *
image_load(const char *path, const struct image_load_opts *opts, char **cause)
{
    struct image *img;
    char *buf;
    size_t len;

    buf = fs_read_file(path, IMAGE_MAX_FILE_BYTES, &len, cause);
    if (buf == NULL)
        return NULL;
    img = image_decode(buf, len, path, opts, cause);
    free(buf);
    return img;
}

/* Write binary PPM (grey images as P5) atomically; returns 0 or -1. */
int
image_write_ppm(const char *path, const struct image *img, char **cause)
{
    size_t n = image_nsamples(img), hlen, i;
    char header[64];
    unsigned char *buf;
    int rc;

    hlen = (size_t)snprintf(header, sizeof header, "P%c\n%d %d\n255\n",
        img->channels == 3 ? '6' : '5', img->width, img->height);
    buf = xmalloc(hlen + n);
    memcpy(buf, header, hlen);
    for (i = 0; i < n; i++) {
        float v = sample_at(img, i);

        v = v < 0.0f ? 0.0f : v > 255.0f ? 255.0f : v;
        buf[hlen + i] = (unsigned char)lrintf(v);
    }
    rc = fs_write_atomic(path, buf, hlen + n, 0644, cause);
    free(buf);
    return rc;
}

/* ---- EXIF --------------------------------------------------------------------- */

static unsigned
rd16(const unsigned char *p, int le)
{
    return le ? (unsigned)(p[0] | p[1] << 8) : (unsigned)(p[0] << 8 | p[1]);
}

static uint32_t
rd32(const unsigned char *p, int le)
{
    return le ? ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                    (uint32_t)p[3] << 24)
              : ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
                    (uint32_t)p[3]);
}

/* The orientation tag of an APP1 Exif payload, 1 when absent or malformed. */
int
image_exif_orientation(const void *app1, size_t len)
{
    const unsigned char *p = app1, *t;
    size_t tlen, ifd, i, count;
    int le;

    if (len < 6 + 8 || memcmp(p, "Exif\0\0", 6) != 0)
        return 1;
    t = p + 6; /* TIFF header: offsets are relative to it */
    tlen = len - 6;
    if (t[0] == 'I' && t[1] == 'I')
        le = 1;
    else if (t[0] == 'M' && t[1] == 'M')
        le = 0;
    else
        return 1;
    if (rd16(t + 2, le) != 42)
        return 1;
    ifd = rd32(t + 4, le);
    if (ifd > tlen || tlen - ifd < 2)
        return 1;
    count = rd16(t + ifd, le);
    for (i = 0; i < count; i++) {
        size_t e = ifd + 2 + i * 12;
        unsigned v;

        if (e > tlen || tlen - e < 12)
            return 1;
        if (rd16(t + e, le) != 0x0112)
            continue;
        /* type SHORT (3), count 1: the value sits in the first 2 bytes */
        if (rd16(t + e + 2, le) != 3 || rd32(t + e + 4, le) != 1)
            return 1;
        v = rd16(t + e + 8, le);
        return v >= 1 && v <= 8 ? (int)v : 1;
    }
    return 1;
}

/* Apply an EXIF orientation; returns a new image (a copy for 1 or unknown values). */
struct image *
image_orient(const struct image *img, int orientation)
{
    int W = img->width, H = img->height, C = img->channels, ow, oh, x, y, k;
    bool swap = orientation >= 5 && orientation <= 8;
    struct image *o;

    if (orientation < 2 || orientation > 8)
        return image_dup(img);
    ow = swap ? H : W;
    oh = swap ? W : H;
    o = image_new(ow, oh, C, img->sample);
    for (y = 0; y < oh; y++) {
        for (x = 0; x < ow; x++) {
            int sx, sy;
            size_t di, si;

            /* source pixel of output (x, y) for each EXIF orientation */
            switch (orientation) {
            case 2: sx = W - 1 - x; sy = y; break;          /* mirror horizontal */
            case 3: sx = W - 1 - x; sy = H - 1 - y; break;  /* rotate 180 */
            case 4: sx = x; sy = H - 1 - y; break;          /* mirror vertical */
            case 5: sx = y; sy = x; break;                  /* transpose */
            case 6: sx = y; sy = H - 1 - x; break;          /* rotate 90 CW */
            case 7: sx = W - 1 - y; sy = H - 1 - x; break;  /* transverse */
            default: sx = W - 1 - y; sy = x; break;         /* 8: rotate 270 CW */
            }
            di = ((size_t)y * (size_t)ow + (size_t)x) * (size_t)C;
            si = ((size_t)sy * (size_t)W + (size_t)sx) * (size_t)C;
            for (k = 0; k < C; k++) {
                if (img->sample == IMAGE_U8)
                    o->u8[di + (size_t)k] = img->u8[si + (size_t)k];
                else
                    o->f32[di + (size_t)k] = img->f32[si + (size_t)k];
            }
        }
    }
    return o;
}

/* ---- conversions ----------------------------------------------------------- */

/* A float copy (caller frees). */
struct image *
image_to_f32(const struct image *img)
{
    struct image *o = image_new(img->width, img->height, img->channels, IMAGE_F32);
    size_t i, n = image_nsamples(img);

    for (i = 0; i < n; i++)
        o->f32[i] = sample_at(img, i);
    return o;
}

/* Grey to RGB (a copy when already RGB); caller frees. */
struct image *
image_grey_to_rgb(const struct image *img)
{
    struct image *o;
    size_t i, n;

    if (img->channels == 3)
        return image_dup(img);
    o = image_new(img->width, img->height, 3, img->sample);
    n = (size_t)img->width * (size_t)img->height;
    for (i = 0; i < n; i++) {
        if (img->sample == IMAGE_U8)
            o->u8[3 * i] = o->u8[3 * i + 1] = o->u8[3 * i + 2] = img->u8[i];
        else
            o->f32[3 * i] = o->f32[3 * i + 1] = o->f32[3 * i + 2] = img->f32[i];
    }
    return o;
}

/* ---- crop, pad, resize --------------------------------------------------------- */

/* Crop as Box.clipAtImageBorders + integer slice; NULL when empty. */
struct image *
image_crop(const struct image *img, float x, float y, float w, float h, int *ox, int *oy,
    int *ow, int *oh)
{
    /* face-api does this in JS doubles; the box values are float32 already */
    double x0 = fmax((double)x, 0.0), y0 = fmax((double)y, 0.0);
    double cw = fmin((double)x + (double)w - x0, (double)img->width - x0);
    double ch = fmin((double)y + (double)h - y0, (double)img->height - y0);
    int ix, iy, iw, ih, r;
    struct image *o;
    size_t rowbytes;

    if (!(x0 < (double)img->width && y0 < (double)img->height) || !(cw >= 1.0 && ch >= 1.0))
        return NULL;
    ix = (int)floor(x0);
    iy = (int)floor(y0);
    iw = (int)floor(cw);
    ih = (int)floor(ch);
    if (iw <= 0 || ih <= 0)
        return NULL;
    if (ix + iw > img->width)
        iw = img->width - ix;
    if (iy + ih > img->height)
        ih = img->height - iy;
    if (ox != NULL)
        *ox = ix;
    if (oy != NULL)
        *oy = iy;
    if (ow != NULL)
        *ow = iw;
    if (oh != NULL)
        *oh = ih;
    o = image_new(iw, ih, img->channels, img->sample);
    rowbytes = (size_t)iw * (size_t)img->channels;
    for (r = 0; r < ih; r++) {
        size_t s = ((size_t)(iy + r) * (size_t)img->width + (size_t)ix) * (size_t)img->channels;
        size_t d = (size_t)r * rowbytes;

        if (img->sample == IMAGE_U8)
            memcpy(o->u8 + d, img->u8 + s, rowbytes);
        else
            memcpy(o->f32 + d, img->f32 + s, rowbytes * sizeof(float));
    }
    return o;
}

/* Padding offsets of toBatchTensor: where the image sits in the S x S square. */
static void
pad_offsets(int W, int H, bool centre, int *S, int *offx, int *offy)
{
    int d = W > H ? W - H : H - W;
    /* JS Math.round(d/2): halves round up; for d >= 0 that is (d + 1) / 2 */
    int after = (d + 1) / 2;

    *S = W > H ? W : H;
    *offx = *offy = 0;
    if (!centre)
        return;
    if (W > H)
        *offy = d - after;
    else
        *offx = d - after;
}

/* Sample (px, py, k) of the virtual zero-padded square. */
static inline float
padded_at(const struct image *img, int offx, int offy, int px, int py, int k)
{
    int x = px - offx, y = py - offy;

    if (x < 0 || y < 0 || x >= img->width || y >= img->height)
        return 0.0f;
    return sample_at(img, ((size_t)y * (size_t)img->width + (size_t)x) * (size_t)img->channels +
            (size_t)k);
}

/* Pad to square with zeros; returns a new float image. */
struct image *
image_pad_square(const struct image *img, bool centre)
{
    int S, offx, offy, x, y, k, C = img->channels;
    struct image *o;

    pad_offsets(img->width, img->height, centre, &S, &offx, &offy);
    o = image_new(S, S, C, IMAGE_F32);
    for (y = 0; y < S; y++)
        for (x = 0; x < S; x++)
            for (k = 0; k < C; k++)
                o->f32[((size_t)y * (size_t)S + (size_t)x) * (size_t)C + (size_t)k] =
                    padded_at(img, offx, offy, x, y, k);
    return o;
}

/*
 * One axis of the tfjs bilinear map: lower and upper source index and the
 * fraction, for every output index. The position is scale * i with
 * scale = in / out computed in double, as tfjs' CPU kernel does.
 */
static void
axis_map(int in, int out, int *lo, int *hi, float *frac)
{
    double scale = (double)in / (double)out;
    int i;

    for (i = 0; i < out; i++) {
        double src = scale * (double)i;
        double f = floor(src);

        lo[i] = (int)f;
        hi[i] = FA_MIN((int)ceil(src), in - 1);
        frac[i] = (float)(src - f);
    }
}

/*
 * The resize core on a virtual padded source: source pixel (sx, sy) of the
 * sw x sh square reads img at (sx - offx, sy - offy), zero outside.
 */
FA_HOT static void
resize_core(const struct image *img, int offx, int offy, int sw, int sh, float *dst, int dw,
    int dh)
{
    int C = img->channels, x, y, k;
    int *xlo = xmalloc((size_t)dw * sizeof(int)), *xhi = xmalloc((size_t)dw * sizeof(int));
    int *ylo = xmalloc((size_t)dh * sizeof(int)), *yhi = xmalloc((size_t)dh * sizeof(int));
    float *xf = xmalloc((size_t)dw * sizeof(float)), *yf = xmalloc((size_t)dh * sizeof(float));

    axis_map(sw, dw, xlo, xhi, xf);
    axis_map(sh, dh, ylo, yhi, yf);
    /* source indices into the image itself, -1 where they fall in the zero padding */
    for (x = 0; x < dw; x++) {
        xlo[x] = xlo[x] - offx >= 0 && xlo[x] - offx < img->width ? (xlo[x] - offx) * C : -1;
        xhi[x] = xhi[x] - offx >= 0 && xhi[x] - offx < img->width ? (xhi[x] - offx) * C : -1;
    }
    for (y = 0; y < dh; y++) {
        ylo[y] = ylo[y] - offy >= 0 && ylo[y] - offy < img->height ? ylo[y] - offy : -1;
        yhi[y] = yhi[y] - offy >= 0 && yhi[y] - offy < img->height ? yhi[y] - offy : -1;
    }
    for (y = 0; y < dh; y++) {
        float fy = yf[y];
        size_t stride = (size_t)img->width * (size_t)C;
        size_t r0 = ylo[y] >= 0 ? (size_t)ylo[y] * stride : 0;
        size_t r1 = yhi[y] >= 0 ? (size_t)yhi[y] * stride : 0;
        bool has0 = ylo[y] >= 0, has1 = yhi[y] >= 0;

        for (x = 0; x < dw; x++) {
            float fx = xf[x];
            float *d = dst + ((size_t)y * (size_t)dw + (size_t)x) * (size_t)C;
            int a = xlo[x], b = xhi[x];

            if (C == 3 && has0 && has1 && a >= 0 && b >= 0 && img->sample == IMAGE_U8) {
                /* the common case: all four neighbours inside an RGB uint8 image */
                const uint8_t *p0 = img->u8 + r0, *p1 = img->u8 + r1;

                for (k = 0; k < 3; k++) {
                    float tl = (float)p0[a + k], tr = (float)p0[b + k];
                    float bl = (float)p1[a + k], br = (float)p1[b + k];
                    float top = tl + (tr - tl) * fx, bot = bl + (br - bl) * fx;

                    d[k] = top + (bot - top) * fy;
                }
                continue;
            }
            for (k = 0; k < C; k++) {
                float tl = 0.0f, tr = 0.0f, bl = 0.0f, br = 0.0f, top, bot;

                if (img->sample == IMAGE_U8) {
                    const uint8_t *u = img->u8;

                    if (has0 && a >= 0)
                        tl = (float)u[r0 + (size_t)(a + k)];
                    if (has0 && b >= 0)
                        tr = (float)u[r0 + (size_t)(b + k)];
                    if (has1 && a >= 0)
                        bl = (float)u[r1 + (size_t)(a + k)];
                    if (has1 && b >= 0)
                        br = (float)u[r1 + (size_t)(b + k)];
                } else {
                    const float *f = img->f32;

                    if (has0 && a >= 0)
                        tl = f[r0 + (size_t)(a + k)];
                    if (has0 && b >= 0)
                        tr = f[r0 + (size_t)(b + k)];
                    if (has1 && a >= 0)
                        bl = f[r1 + (size_t)(a + k)];
                    if (has1 && b >= 0)
                        br = f[r1 + (size_t)(b + k)];
                }
                top = tl + (tr - tl) * fx;
                bot = bl + (br - bl) * fx;
                d[k] = top + (bot - top) * fy;
            }
        }
    }
    free(xlo);
    free(xhi);
    free(ylo);
    free(yhi);
    free(xf);
    free(yf);
}

/* tfjs resizeBilinear of an image; returns a new float image. */
struct image *
image_resize_bilinear(const struct image *img, int out_w, int out_h)
{
    struct image *o = image_new(out_w, out_h, img->channels, IMAGE_F32);

    resize_core(img, 0, 0, img->width, img->height, o->f32, out_w, out_h);
    return o;
}

/* tfjs resizeBilinear on raw float buffers. */
void
image_resize_bilinear_f32(const float *src, int sw, int sh, int c, float *dst, int dw, int dh)
{
    struct image view = { sw, sh, c, IMAGE_F32, NULL, (float *)(uintptr_t)src };

    if (c == 1 || c == 3) {
        resize_core(&view, 0, 0, sw, sh, dst, dw, dh);
        return;
    }
    fatalx("image_resize_bilinear_f32: %d channels", c);
}

/* Scratch needed by image_prepare (none: padding is virtual). */
size_t
image_prepare_scratch(const struct image *img, int size)
{
    (void)img;
    (void)size;
    return 0;
}

/* Pad to square and resize into out (size*size*3 floats). */
void
image_prepare(const struct image *img, int size, bool centre, float *scratch, float *out)
{
    int S, offx, offy;

    (void)scratch;
    pad_offsets(img->width, img->height, centre, &S, &offx, &offy);
    /* when S == size the map is the identity (fractions 0): an exact copy */
    resize_core(img, offx, offy, S, S, out, size, size);
}
