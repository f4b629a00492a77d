/* SPDX-License-Identifier: MIT */
#ifndef FA_IMAGE_H
#define FA_IMAGE_H
/*
 * image.h - decoded images and the pixel operations the recognition
 * pipeline needs, done exactly as the reference (face-api on tfjs) does them.
 *
 * Contract:
 *  - struct image is interleaved (HWC, row-major), 1 or 3 channels, either
 *    uint8 or float32 samples. Decoders always return 3-channel uint8 RGB
 *    (grey files are expanded). Float images hold 0..255 values unless an
 *    operation says otherwise (the networks normalise later).
 *  - Every function returning a struct image * returns a new image owned by
 *    the caller (image_free; image_free(NULL) is a no-op); inputs are never
 *    modified unless the function says "in place".
 *  - Decoders check the pixel count from the file header against a limit
 *    BEFORE allocating (default IMAGE_DEFAULT_MAX_PIXELS) and turn corrupt,
 *    truncated or oversized files into -1/NULL with a cause naming the file.
 *    Nothing in here prints, longjmps out, or aborts on bad input.
 *  - All functions are reentrant; a struct image may be read by several
 *    threads at once.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Default limit on width*height accepted by the decoders (64 Mpx). */
#define IMAGE_DEFAULT_MAX_PIXELS ((size_t)64 * 1024 * 1024)
/* Largest file the loaders read into memory (512 MiB). */
#define IMAGE_MAX_FILE_BYTES ((size_t)512 * 1024 * 1024)

enum image_sample { IMAGE_U8, IMAGE_F32 };

/*
 * Formats recognised by their first bytes. Those after IMAGE_FORMAT_WEBP are
 * recognised only to name them in the "unsupported" error.
 */
enum image_format {
    IMAGE_FORMAT_UNKNOWN,
    IMAGE_FORMAT_JPEG,
    IMAGE_FORMAT_PNG,
    IMAGE_FORMAT_PNM,
    IMAGE_FORMAT_WEBP,
    IMAGE_FORMAT_GIF,
    IMAGE_FORMAT_BMP,
    IMAGE_FORMAT_TIFF,
    IMAGE_FORMAT_HEIC,
    IMAGE_FORMAT_AVIF,
    IMAGE_FORMAT_JPEG2000,
    IMAGE_FORMAT_JPEGXL,
};

struct image {
    int width;
    int height;
    int channels;              /* 1 or 3 (RGB) */
    enum image_sample sample;  /* which of u8 / f32 holds the pixels */
    uint8_t *u8;               /* width*height*channels bytes, or NULL */
    float *f32;                /* width*height*channels floats, or NULL */
};

struct image_load_opts {
    size_t max_pixels;  /* 0: IMAGE_DEFAULT_MAX_PIXELS */
    int scale_denom;    /* JPEG only: decode at 1/1, 1/2, 1/4 or 1/8 (0 or 1: full size) */
    bool no_exif;       /* JPEG only: do not apply the EXIF orientation */
};

/* The pixel limit opts set (IMAGE_DEFAULT_MAX_PIXELS when none). */
size_t image_pixel_limit(const struct image_load_opts *opts);
/*
 * Every decoder's check of the size a file declares, before it allocates:
 * w and h non-zero, w*h within the pixel limit, and the file (len bytes) at
 * least min_file_bytes long, the fewest bytes the format can encode such an
 * image in (a PNG cannot deflate better than 1032:1, a Huffman JPEG needs a
 * bit per 8x8 block). Returns 0, or -1 with *cause naming the file.
 */
int image_check_declared(const char *name, uint64_t w, uint64_t h, uint64_t min_file_bytes,
    size_t len, const struct image_load_opts *opts, char **cause);

/* A zero-filled image (fatal on overflow, like every x-allocator); caller frees. */
struct image *image_new(int width, int height, int channels, enum image_sample sample);
void image_free(struct image *img);
/* A deep copy; caller frees. */
struct image *image_dup(const struct image *img);
/* Number of samples (width * height * channels). */
size_t image_nsamples(const struct image *img);

/* Guess the format from the first bytes (magic numbers). */
enum image_format image_sniff(const void *buf, size_t len);
/* Name of a format ("jpeg", "png", "pnm", "webp", "gif", ..., "unknown"). */
const char *image_format_name(enum image_format fmt);
/*
 * Decode an in-memory file (JPEG, PNG, binary PGM/PPM, WebP), chosen by
 * its content and never by its name, into 3-channel uint8 RGB. Other
 * recognised formats fail with "<name>: GIF image: unsupported" and the like. name is used in error messages only (NULL: "<memory>").
 * opts may be NULL. Returns a new image or NULL with *cause set.
 */
struct image *image_decode(const void *buf, size_t len, const char *name,
    const struct image_load_opts *opts, char **cause);
/* Read and decode a file; errors name the path. Returns a new image or NULL. */
struct image *image_load(const char *path, const struct image_load_opts *opts, char **cause);
/* Write an image as binary PPM (P6, uint8 clamped and rounded), atomically. */
int image_write_ppm(const char *path, const struct image *img, char **cause);

/* Per-format decoders used by image_decode (same contract). */
struct image *image_decode_jpeg(const void *buf, size_t len, const char *name,
    const struct image_load_opts *opts, char **cause);
struct image *image_decode_png(const void *buf, size_t len, const char *name,
    const struct image_load_opts *opts, char **cause);
/*
 * An 8-bit grey or RGB image as a PNG file in memory (image_png.c, libpng):
 * *out (caller frees) of *len bytes; 0, or -1 with *cause.
 */
int image_encode_png(const struct image *img, unsigned char **out, size_t *len, char **cause);
struct image *image_decode_pnm(const void *buf, size_t len, const char *name,
    const struct image_load_opts *opts, char **cause);
struct image *image_decode_webp(const void *buf, size_t len, const char *name,
    const struct image_load_opts *opts, char **cause);

/*
 * EXIF: the orientation tag (1..8) found in a JPEG's APP1 Exif block given
 * as the segment payload (starting at "Exif\0\0"), or 1 when there is none
 * or the block is malformed (never reads out of bounds).
 */
int image_exif_orientation(const void *app1, size_t len);
/* Apply an EXIF orientation (1..8) so the image displays upright; returns a new image. */
struct image *image_orient(const struct image *img, int orientation);

/* A float copy of img (3 channels become float RGB 0..255); caller frees. */
struct image *image_to_f32(const struct image *img);
/* Grey (1 channel) to RGB; any sample type; caller frees. */
struct image *image_grey_to_rgb(const struct image *img);

/*
 * Crop a float box (x, y, w, h) as face-api's Box.clipAtImageBorders + slice:
 * x0 = max(x,0), y0 = max(y,0), w' = min(x+w-x0, W-x0), h' = min(y+h-y0, H-y0),
 * all floored. Returns NULL (no cause: not an error) when the crop is empty.
 * The out-parameters, if not NULL, receive the integer rectangle.
 */
struct image *image_crop(const struct image *img, float x, float y, float w, float h,
    int *ox, int *oy, int *ow, int *oh);

/*
 * Pad to a square with zeros as NetInput.toBatchTensor: centre=false appends
 * all |H-W| rows/columns after the image (bottom/right); centre=true appends
 * round(d/2) after and d-round(d/2) before. Returns a new float image.
 */
struct image *image_pad_square(const struct image *img, bool centre);

/*
 * tfjs resizeBilinear(alignCorners=false, halfPixelCenters=false) of a float
 * image to out_w x out_h. Returns a new float image.
 */
struct image *image_resize_bilinear(const struct image *img, int out_w, int out_h);
/* The same on raw interleaved float buffers (dst has dw*dh*c floats; no allocation). */
void image_resize_bilinear_f32(const float *src, int sw, int sh, int c, float *dst, int dw,
    int dh);

/*
 * The pad-and-resize part of toBatchTensor into a caller buffer of
 * size*size*3 floats: pad to square (centred or bottom/right) with zeros,
 * then resize to size x size (skipped when the square side equals size).
 * Network-specific normalisation is left to the caller. Needs a scratch
 * buffer of image_prepare_scratch(img, size) floats (NULL when that is 0);
 * img must have 3 channels, uint8 or float.
 */
size_t image_prepare_scratch(const struct image *img, int size);
void image_prepare(const struct image *img, int size, bool centre, float *scratch, float *out);

#endif /* FA_IMAGE_H */
