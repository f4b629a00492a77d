/* SPDX-License-Identifier: MIT */
/*
 * check_recog.c - the recognition core: image decoding (PNM, PNG, JPEG with
 * scaled decode and all eight EXIF orientations), clean errors on bad files
 * (zero bytes, truncated JPEG, PNG with a bad CRC, a 100000x100000 header),
 * the reference's crop/pad/resize against hand-computed values, each layer
 * operation on small hand-computed cases (TF 'same' asymmetry, pooling
 * edges, activations), the strict JSON reader and the weight-manifest
 * loader (a crafted two-group, two-shard manifest; then all five shipped
 * models against the tensor counts and byte totals of reference §1.3), and
 * end-to-end sanity on ../shared/datasets/faces/bbt. Tests that need the
 * models or the datasets print a visible SKIP line when they are absent.
 */
#include "config.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "faceaudit/cnn.h"
#include "faceaudit/detect.h"
#include "faceaudit/embed.h"
#include "faceaudit/gemm.h"
#include "faceaudit/image.h"
#include "faceaudit/landmark.h"
#include "faceaudit/models.h"
#include "recog/recog_int.h"
#include "testutil.h"

/* ---- helpers ---------------------------------------------------------------------- */

static char *
data_path(const char *name)
{
    char *rel = xasprintf("tests/data/recog/%s", name), *p = test_srcpath(rel);

    free(rel);
    return p;
}

static struct image *
load_data(const char *name, const struct image_load_opts *opts)
{
    char *p = data_path(name), *cause = NULL;
    struct image *img = image_load(p, opts, &cause);

    ck_assert_msg(img != NULL, "%s: %s", name, cause != NULL ? cause : "?");
    free(p);
    return img;
}

static unsigned char *
read_data(const char *name, size_t *len)
{
    char *p = data_path(name);
    unsigned char *buf = (unsigned char *)fs_read_file(p, 1 << 20, len, NULL);

    ck_assert_ptr_nonnull(buf);
    free(p);
    return buf;
}

/* Bitwise equality of two floats (dequantisation must be bit-exact). */
static bool
same_bits(float a, float b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static const uint8_t *
px(const struct image *img, int x, int y)
{
    return img->u8 + ((size_t)y * (size_t)img->width + (size_t)x) * 3;
}

/* The models folder when every file of the five networks verifies, else NULL (SKIP printed). */
static char *
models_or_skip(const char *test)
{
    char *dir = models_dir(), *cause = NULL;
    int m;

    for (m = 0; m < CNN_MODEL_COUNT; m++) {
        char *name = xasprintf("%s.bin", cnn_model_stem((enum cnn_model)m));
        int rc = models_require(dir, name, &cause);

        free(name);
        if (rc != 0) {
            fprintf(stderr, "SKIP: %s: %s\n", test, cause);
            free(cause);
            free(dir);
            return NULL;
        }
    }
    return dir;
}

static char *
bbt_or_skip(const char *test)
{
    char *data = test_datadir(), *bbt;

    if (data == NULL) {
        fprintf(stderr, "SKIP: %s: no face datasets (../shared/datasets or FACEAUDIT_DATA)\n",
            test);
        return NULL;
    }
    bbt = path_join(data, "faces/bbt");
    free(data);
    if (!fs_is_dir(bbt)) {
        fprintf(stderr, "SKIP: %s: %s is absent\n", test, bbt);
        free(bbt);
        return NULL;
    }
    return bbt;
}

/* ---- decoding --------------------------------------------------------------------- */

START_TEST(test_pnm_png_same_pixels)
{
    struct image *ppm = load_data("grad.ppm", NULL), *png = load_data("grad.png", NULL);
    struct image *p16 = load_data("grad16.png", NULL);
    int x, y;

    ck_assert_int_eq(ppm->width, 8);
    ck_assert_int_eq(ppm->height, 6);
    ck_assert_int_eq(ppm->channels, 3);
    for (y = 0; y < 6; y++) {
        for (x = 0; x < 8; x++) {
            ck_assert_uint_eq(px(ppm, x, y)[0], (unsigned)(30 * x));
            ck_assert_uint_eq(px(ppm, x, y)[1], (unsigned)(40 * y));
            ck_assert_uint_eq(px(ppm, x, y)[2], 100);
        }
    }
    ck_assert_int_eq(png->width, 8);
    ck_assert_int_eq(png->height, 6);
    ck_assert(memcmp(ppm->u8, png->u8, image_nsamples(ppm)) == 0);
    /* 16-bit RGBA: alpha dropped, samples stripped to 8 bits */
    ck_assert(memcmp(ppm->u8, p16->u8, image_nsamples(ppm)) == 0);
    image_free(ppm);
    image_free(png);
    image_free(p16);
}
END_TEST

START_TEST(test_grey_becomes_rgb)
{
    const char *names[] = { "grey.pgm", "grey.png", "pal.png" };
    size_t i;
    int x, y;

    for (i = 0; i < FA_NITEMS(names); i++) {
        struct image *img = load_data(names[i], NULL);

        ck_assert_int_eq(img->width, 4);
        ck_assert_int_eq(img->height, 3);
        ck_assert_int_eq(img->channels, 3);
        for (y = 0; y < 3; y++) {
            for (x = 0; x < 4; x++) {
                const uint8_t *p = px(img, x, y);

                ck_assert_msg(p[0] == 20 * (y * 4 + x) && p[1] == p[0] && p[2] == p[0],
                    "%s (%d,%d) = %u %u %u", names[i], x, y, p[0], p[1], p[2]);
            }
        }
        image_free(img);
    }
}
END_TEST

/* Expected quadrant colours of quad.jpg: TL red, TR green, BL blue, BR white. */
static void
assert_colour(const struct image *img, int x, int y, int r, int g, int b, const char *what)
{
    const uint8_t *p = px(img, x, y);

    ck_assert_msg(abs(p[0] - r) <= 12 && abs(p[1] - g) <= 12 && abs(p[2] - b) <= 12,
        "%s: (%d,%d) is %u,%u,%u, expected %d,%d,%d", what, x, y, p[0], p[1], p[2], r, g, b);
}

/*
 * The conversions a frame source needs: grey to RGB and to float (both
 * sample types), and PPM/PGM written (clamped, rounded) and read back.
 */
START_TEST(test_convert_and_write_ppm)
{
    struct image *g = image_new(3, 2, 1, IMAGE_U8), *rgb, *f, *frgb, *back, *f3;
    char *dir = test_tmpdir(), *p, *cause = NULL;
    size_t i;

    for (i = 0; i < 6; i++)
        g->u8[i] = (uint8_t)(40 * i);
    rgb = image_grey_to_rgb(g);
    f = image_to_f32(g);
    frgb = image_grey_to_rgb(f);
    ck_assert_int_eq(rgb->channels, 3);
    ck_assert_int_eq(f->sample, IMAGE_F32);
    ck_assert_int_eq(frgb->sample, IMAGE_F32);
    for (i = 0; i < 6; i++) {
        ck_assert_int_eq(rgb->u8[3 * i], g->u8[i]);
        ck_assert_int_eq(rgb->u8[3 * i + 2], g->u8[i]);
        ck_assert_float_eq_tol(f->f32[i], (float)g->u8[i], 1e-6f);
        ck_assert_float_eq_tol(frgb->f32[3 * i + 1], (float)g->u8[i], 1e-6f);
    }
    /* already RGB: a copy */
    image_free(frgb);
    frgb = image_grey_to_rgb(rgb);
    ck_assert(frgb != rgb && memcmp(frgb->u8, rgb->u8, 18) == 0);
    /* float samples out of range are clamped and rounded when written */
    f3 = image_to_f32(rgb);
    f3->f32[0] = -5.0f;
    f3->f32[1] = 300.0f;
    f3->f32[2] = 99.6f;
    p = xasprintf("%s/t.ppm", dir);
    ck_assert_int_eq(image_write_ppm(p, f3, &cause), 0);
    back = image_load(p, NULL, &cause);
    ck_assert_msg(back != NULL, "%s", cause);
    ck_assert_int_eq(back->channels, 3);
    ck_assert_int_eq(back->u8[0], 0);
    ck_assert_int_eq(back->u8[1], 255);
    ck_assert_int_eq(back->u8[2], 100);
    ck_assert_int_eq(back->u8[3], rgb->u8[3]);
    unlink(p);
    free(p);
    image_free(back);
    /* grey as P5, read back as RGB */
    p = xasprintf("%s/t.pgm", dir);
    ck_assert_int_eq(image_write_ppm(p, g, &cause), 0);
    back = image_load(p, NULL, &cause);
    ck_assert_msg(back != NULL, "%s", cause);
    ck_assert_int_eq(back->width, 3);
    ck_assert_int_eq(back->height, 2);
    for (i = 0; i < 6; i++)
        ck_assert_int_eq(back->u8[3 * i + 1], g->u8[i]);
    unlink(p);
    free(p);
    test_rmdir(dir);
    image_free(back);
    image_free(f3);
    image_free(frgb);
    image_free(f);
    image_free(rgb);
    image_free(g);
}
END_TEST

START_TEST(test_jpeg_decode_and_scale)
{
    static const int denoms[] = { 1, 2, 4, 8 };
    size_t i;

    for (i = 0; i < FA_NITEMS(denoms); i++) {
        struct image_load_opts o = { 0, denoms[i], false };
        struct image *img = load_data("quad.jpg", &o);
        int w = 64 / denoms[i], h = 48 / denoms[i];

        ck_assert_int_eq(img->width, w);
        ck_assert_int_eq(img->height, h);
        assert_colour(img, w / 4, h / 4, 255, 0, 0, "TL");
        assert_colour(img, 3 * w / 4, h / 4, 0, 255, 0, "TR");
        assert_colour(img, w / 4, 3 * h / 4, 0, 0, 255, "BL");
        assert_colour(img, 3 * w / 4, 3 * h / 4, 255, 255, 255, "BR");
        image_free(img);
    }
}
END_TEST

/* quad.jpg with an APP1 Exif block (orientation o, byte order le) spliced in after SOI. */
static unsigned char *
with_exif(const unsigned char *jpg, size_t len, int o, bool le, size_t *outlen)
{
    unsigned char app1[2 + 2 + 6 + 8 + 2 + 12 + 4], *out;
    unsigned char *t = app1 + 10;
    size_t n = sizeof app1;

    memset(app1, 0, sizeof app1);
    app1[0] = 0xff;
    app1[1] = 0xe1;
    app1[2] = (unsigned char)((n - 2) >> 8);
    app1[3] = (unsigned char)((n - 2) & 0xff);
    memcpy(app1 + 4, "Exif\0\0", 6);
    if (le) {
        memcpy(t, "II\x2a\x00\x08\x00\x00\x00", 8);
        memcpy(t + 8, "\x01\x00", 2);                           /* one entry */
        memcpy(t + 10, "\x12\x01\x03\x00\x01\x00\x00\x00", 8);  /* 0x0112 SHORT x1 */
        t[18] = (unsigned char)o;
    } else {
        memcpy(t, "MM\x00\x2a\x00\x00\x00\x08", 8);
        memcpy(t + 8, "\x00\x01", 2);
        memcpy(t + 10, "\x01\x12\x00\x03\x00\x00\x00\x01", 8);
        t[19] = (unsigned char)o;
    }
    out = xmalloc(len + n);
    memcpy(out, jpg, 2);
    memcpy(out + 2, app1, n);
    memcpy(out + 2 + n, jpg + 2, len - 2);
    *outlen = len + n;
    return out;
}

START_TEST(test_jpeg_exif_orientations)
{
    /* colour at the output's top-left and top-right quadrant for orientations 1..8 */
    static const int rgb[4][3] = { { 255, 0, 0 }, { 0, 255, 0 }, { 0, 0, 255 },
        { 255, 255, 255 } };
    enum { R, G, B, W };
    static const int tl[9] = { 0, R, G, W, B, R, B, W, G };
    static const int tr[9] = { 0, G, R, B, W, B, R, G, W };
    size_t len, elen;
    unsigned char *jpg = read_data("quad.jpg", &len);
    int o, le;

    for (le = 0; le < 2; le++) {
        for (o = 1; o <= 8; o++) {
            unsigned char *e = with_exif(jpg, len, o, le != 0, &elen);
            char *cause = NULL, what[32];
            struct image *img = image_decode(e, elen, "exif.jpg", NULL, &cause);
            bool swap = o >= 5;

            ck_assert_msg(img != NULL, "%s", cause);
            ck_assert_int_eq(image_exif_orientation(e + 6, elen - 6 - len + 2 - 4 + 4), o);
            ck_assert_int_eq(img->width, swap ? 48 : 64);
            ck_assert_int_eq(img->height, swap ? 64 : 48);
            snprintf(what, sizeof what, "orientation %d %s TL", o, le ? "II" : "MM");
            assert_colour(img, img->width / 4, img->height / 4, rgb[tl[o]][0], rgb[tl[o]][1],
                rgb[tl[o]][2], what);
            snprintf(what, sizeof what, "orientation %d %s TR", o, le ? "II" : "MM");
            assert_colour(img, 3 * img->width / 4, img->height / 4, rgb[tr[o]][0],
                rgb[tr[o]][1], rgb[tr[o]][2], what);
            image_free(img);
            /* no_exif keeps the stored orientation */
            {
                struct image_load_opts opts = { 0, 1, true };

                img = image_decode(e, elen, "exif.jpg", &opts, &cause);
                ck_assert_int_eq(img->width, 64);
                image_free(img);
            }
            free(e);
        }
    }
    /* malformed Exif payloads never read out of bounds and mean "upright" */
    ck_assert_int_eq(image_exif_orientation("Exif\0\0II\x2a\x00\xff\xff\xff\x7f", 14), 1);
    ck_assert_int_eq(image_exif_orientation("Exif\0\0MM\x00\x2a\x00\x00\x00\x08\x00\x09", 16),
        1);
    ck_assert_int_eq(image_exif_orientation("JFIF", 4), 1);
    free(jpg);
}
END_TEST

/* Write data to dir/name; returns the path (caller frees). */
static char *
write_tmp(const char *dir, const char *name, const void *data, size_t len)
{
    char *p = path_join(dir, name);

    ck_assert_int_eq(fs_write_atomic(p, data, len, 0644, NULL), 0);
    return p;
}

static void
expect_load_error(const char *path, const char *needle)
{
    char *cause = NULL;
    struct image *img = image_load(path, NULL, &cause);

    ck_assert_msg(img == NULL, "%s decoded", path);
    ck_assert_ptr_nonnull(cause);
    ck_assert_msg(strstr(cause, path) != NULL, "cause does not name the file: %s", cause);
    ck_assert_msg(strstr(cause, needle) != NULL, "cause lacks \"%s\": %s", needle, cause);
    free(cause);
}

START_TEST(test_bad_files)
{
    char *dir = test_tmpdir(), *p;
    size_t len, n;
    unsigned char *jpg = read_data("quad.jpg", &len), *png = read_data("grad.png", &len);
    unsigned char *buf;
    size_t jlen, plen;

    free(jpg);
    free(png);
    jpg = read_data("quad.jpg", &jlen);
    png = read_data("grad.png", &plen);
    (void)len;

    p = write_tmp(dir, "empty.jpg", "", 0);
    expect_load_error(p, "empty");
    free(p);

    /* truncated JPEG: every cut after the headers must fail, not decode grey */
    for (n = jlen / 2; n < jlen - 2; n += 97) {
        p = write_tmp(dir, "cut.jpg", jpg, n);
        expect_load_error(p, "bad JPEG");
        free(p);
    }
    p = write_tmp(dir, "cut.jpg", jpg, 200);
    expect_load_error(p, "bad JPEG");
    free(p);

    /* corrupt entropy data: a run of 1 bits (stuffed FF 00 pairs) is never a valid
     * Huffman code; libjpeg would paper over it, we refuse */
    {
        size_t i, sos = 0;

        buf = xmemdup(jpg, jlen);
        for (i = 2; i + 1 < jlen; i++)
            if (buf[i] == 0xff && buf[i + 1] == 0xda) {
                sos = i + 2 + (size_t)(buf[i + 2] << 8 | buf[i + 3]);
                break;
            }
        ck_assert(sos > 0 && sos + 40 < jlen);
        for (i = sos + 8; i < sos + 40; i += 2) {
            buf[i] = 0xff;
            buf[i + 1] = 0x00;
        }
        p = write_tmp(dir, "corrupt.jpg", buf, jlen);
        expect_load_error(p, "Corrupt JPEG data");
        free(p);
        free(buf);
    }
    /* PNG with a bad CRC in IHDR (bytes 29..32) */
    buf = xmemdup(png, plen);
    buf[29] ^= 0x55;
    p = write_tmp(dir, "crc.png", buf, plen);
    expect_load_error(p, "CRC");
    free(p);
    free(buf);
    /* truncated PNG */
    p = write_tmp(dir, "cut.png", png, plen - 20);
    expect_load_error(p, "bad PNG");
    free(p);

    /* 100000 x 100000 headers: refused from the header, before any allocation */
    {
        unsigned char ihdr[33];
        uint32_t crc;
        const char *ppm = "P6\n100000 100000\n255\n";

        memcpy(ihdr, png, 33);
        ihdr[16] = 0x00; ihdr[17] = 0x01; ihdr[18] = 0x86; ihdr[19] = 0xa0; /* 100000 */
        ihdr[20] = 0x00; ihdr[21] = 0x01; ihdr[22] = 0x86; ihdr[23] = 0xa0;
        /* recompute the IHDR CRC (over type + data) */
        {
            uint32_t c = 0xffffffffu;
            int i, k;

            for (i = 12; i < 29; i++) {
                c ^= ihdr[i];
                for (k = 0; k < 8; k++)
                    c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
            }
            crc = c ^ 0xffffffffu;
        }
        ihdr[29] = (unsigned char)(crc >> 24);
        ihdr[30] = (unsigned char)(crc >> 16);
        ihdr[31] = (unsigned char)(crc >> 8);
        ihdr[32] = (unsigned char)crc;
        p = write_tmp(dir, "huge.png", ihdr, 33);
        expect_load_error(p, "over the limit");
        free(p);
        p = write_tmp(dir, "huge.ppm", ppm, strlen(ppm));
        expect_load_error(p, "over the limit");
        free(p);
    }
    /* JPEG SOF patched to 65000 x 65000 (JPEG cannot say 100000) */
    {
        size_t i;

        buf = xmemdup(jpg, jlen);
        for (i = 2; i + 8 < jlen; i++) {
            if (buf[i] == 0xff && buf[i + 1] == 0xc0) {
                buf[i + 5] = 0xfd; buf[i + 6] = 0xe8; /* height 65000 */
                buf[i + 7] = 0xfd; buf[i + 8] = 0xe8; /* width 65000 */
                break;
            }
        }
        p = write_tmp(dir, "huge.jpg", buf, jlen);
        expect_load_error(p, "over the limit");
        free(p);
        free(buf);
    }
    /* a configurable limit: quad.jpg (3072 px) against 3000 */
    {
        struct image_load_opts o = { 3000, 1, false };
        char *cause = NULL;

        ck_assert_ptr_null(image_decode(jpg, jlen, "small-limit.jpg", &o, &cause));
        ck_assert_ptr_nonnull(strstr(cause, "over the limit of 3000"));
        free(cause);
        o.scale_denom = 2; /* 768 px at 1/2 */
        buf = (unsigned char *)image_decode(jpg, jlen, "x", &o, NULL);
        ck_assert_ptr_nonnull(buf);
        image_free((struct image *)(void *)buf);
    }
    /* not an image, short PNM data, ASCII PNM */
    p = write_tmp(dir, "text.jpg", "hello", 5);
    expect_load_error(p, "not a JPEG, PNG");
    free(p);
    p = write_tmp(dir, "short.ppm", "P6 4 4 255\nabc", 14);
    expect_load_error(p, "truncated");
    free(p);
    p = write_tmp(dir, "ascii.pgm", "P2 1 1 255 7\n", 13);
    expect_load_error(p, "ASCII");
    free(p);
    free(jpg);
    free(png);
    test_rmdir(dir);
}
END_TEST

/* ---- crop, pad, resize ------------------------------------------------------------ */

static struct image *
f32_image(int w, int h, int c, const float *v)
{
    struct image *img = image_new(w, h, c, IMAGE_F32);

    memcpy(img->f32, v, (size_t)w * (size_t)h * (size_t)c * sizeof(float));
    return img;
}

/* Formats are told by content: each magic is named, the unsupported ones in the error. */
START_TEST(test_sniff_unsupported_named)
{
    static const struct {
        const char *bytes;
        size_t len;
        enum image_format fmt;
        const char *msg;
    } cases[] = {
        { "GIF89a\x01\x00\x01\x00", 10, IMAGE_FORMAT_GIF, "GIF image: unsupported" },
        { "GIF87a\x01\x00\x01\x00", 10, IMAGE_FORMAT_GIF, "GIF image: unsupported" },
        { "BM\x3a\0\0\0\0\0\0\0", 10, IMAGE_FORMAT_BMP, "BMP image: unsupported" },
        { "II*\0\x08\0\0\0", 8, IMAGE_FORMAT_TIFF, "TIFF image: unsupported" },
        { "MM\0*\0\0\0\x08", 8, IMAGE_FORMAT_TIFF, "TIFF image: unsupported" },
        { "\0\0\0\x18" "ftypheic\0\0\0\0", 16, IMAGE_FORMAT_HEIC, "HEIC/HEIF image: unsupported" },
        { "\0\0\0\x18" "ftypmif1\0\0\0\0", 16, IMAGE_FORMAT_HEIC, "HEIC/HEIF image: unsupported" },
        { "\0\0\0\x1c" "ftypavif\0\0\0\0", 16, IMAGE_FORMAT_AVIF, "AVIF image: unsupported" },
        { "\0\0\0\x0cjP  \r\n\x87\n", 12, IMAGE_FORMAT_JPEG2000, "JPEG 2000 image: unsupported" },
        { "\xff\x0a\x01\x02", 4, IMAGE_FORMAT_JPEGXL, "JPEG XL image: unsupported" },
        { "RIFF\x10\0\0\0WEBPVP8 ", 16, IMAGE_FORMAT_WEBP, "bad WebP file" },
        { "RIFF\x10\0\0\0WAVEfmt ", 16, IMAGE_FORMAT_UNKNOWN, "not a JPEG, PNG, WebP" },
        { "hello world", 11, IMAGE_FORMAT_UNKNOWN, "not a JPEG, PNG, WebP" },
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *cause = NULL;
        struct image *img;

        ck_assert_int_eq(image_sniff(cases[i].bytes, cases[i].len), cases[i].fmt);
        img = image_decode(cases[i].bytes, cases[i].len, "x.jpg", NULL, &cause);
        ck_assert_ptr_null(img);
        ck_assert_msg(cause != NULL && strstr(cause, cases[i].msg) != NULL &&
                strncmp(cause, "x.jpg: ", 7) == 0,
            "case %zu: %s", i, cause != NULL ? cause : "(null)");
        free(cause);
    }
    ck_assert_str_eq(image_format_name(IMAGE_FORMAT_WEBP), "webp");
    ck_assert_str_eq(image_format_name(IMAGE_FORMAT_HEIC), "heic");
}
END_TEST

/*
 * WebP by content: a shared photo encoded losslessly with Debian's cwebp at
 * test time and saved as ".jpg" decodes to exactly the PNG's pixels; a
 * lossy one saved as ".png" to nearly the same; a truncated one fails naming the file; the pixel limit applies.
 */
START_TEST(test_webp_by_content)
{
    char *bbt = bbt_or_skip("test_webp_by_content"), *dir, *src, *cmd, *p, *cause = NULL;
    struct image *ref, *img;
    struct image_load_opts lim = { 0 };
    unsigned char *buf;
    size_t len, i, diff = 0;
    int rc;

    if (bbt == NULL)
        return;
    if (system("command -v cwebp >/dev/null 2>&1") != 0) {
        fprintf(stderr, "SKIP: test_webp_by_content: cwebp (Debian webp) is not installed\n");
        free(bbt);
        return;
    }
    dir = test_tmpdir();
    src = path_join(bbt, "amy/amy1.png");
    ref = image_load(src, NULL, &cause);
    ck_assert_msg(ref != NULL, "%s", cause);

    p = path_join(dir, "lossless.jpg");
    cmd = xasprintf("cwebp -quiet -lossless -exact '%s' -o '%s'", src, p);
    rc = system(cmd);
    ck_assert_int_eq(rc, 0);
    free(cmd);
    buf = (unsigned char *)fs_read_file(p, IMAGE_MAX_FILE_BYTES, &len, NULL);
    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(image_sniff(buf, len), IMAGE_FORMAT_WEBP);
    img = image_load(p, NULL, &cause);
    ck_assert_msg(img != NULL, "%s", cause);
    ck_assert_int_eq(img->width, ref->width);
    ck_assert_int_eq(img->height, ref->height);
    ck_assert_int_eq(img->channels, 3);
    for (i = 0; i < image_nsamples(img); i++)
        diff += img->u8[i] != ref->u8[i];
    ck_assert_msg(diff == 0, "%zu of %zu samples differ", diff, image_nsamples(img));
    image_free(img);

    /* truncated: named, no image */
    img = image_decode(buf, len / 2, "half.jpg", NULL, &cause);
    ck_assert_ptr_null(img);
    ck_assert_msg(strstr(cause, "half.jpg: bad WebP file") != NULL, "%s", cause);
    free(cause);
    cause = NULL;
    /* the pixel limit before decoding */
    lim.max_pixels = (size_t)ref->width * (size_t)ref->height - 1;
    img = image_decode(buf, len, "big.webp", &lim, &cause);
    ck_assert_ptr_null(img);
    ck_assert_msg(strstr(cause, "over the limit") != NULL, "%s", cause);
    free(cause);
    cause = NULL;
    free(buf);
    free(p);

    /* lossy: close to the original pixels */
    p = path_join(dir, "lossy.png");
    cmd = xasprintf("cwebp -quiet -q 95 '%s' -o '%s'", src, p);
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
    img = image_load(p, NULL, &cause);
    ck_assert_msg(img != NULL, "%s", cause);
    {
        double sum = 0;

        for (i = 0; i < image_nsamples(img); i++)
            sum += fabs((double)img->u8[i] - (double)ref->u8[i]);
        ck_assert_msg(sum / (double)image_nsamples(img) < 4.0, "mean abs diff %g",
            sum / (double)image_nsamples(img));
    }
    image_free(img);
    image_free(ref);
    free(p);
    free(src);
    free(bbt);
    test_rmdir(dir);
}
END_TEST

START_TEST(test_resize_bilinear)
{
    static const float src[4] = { 0, 10, 20, 30 };
    static const float want[16] = { 0, 5, 10, 10, 10, 15, 20, 20, 20, 25, 30, 30, 20, 25, 30, 30 };
    static const float row[4] = { 0, 3, 6, 9 };
    struct image *a = f32_image(2, 2, 1, src), *r;
    int i;

    r = image_resize_bilinear(a, 4, 4);
    for (i = 0; i < 16; i++)
        ck_assert_float_eq_tol(r->f32[i], want[i], 1e-6f);
    image_free(r);
    image_free(a);
    /* downscale 4 -> 3: positions 0, 4/3, 8/3 */
    a = f32_image(4, 1, 1, row);
    r = image_resize_bilinear(a, 3, 1);
    ck_assert_float_eq_tol(r->f32[0], 0.0f, 1e-6f);
    ck_assert_float_eq_tol(r->f32[1], 4.0f, 1e-5f);
    ck_assert_float_eq_tol(r->f32[2], 8.0f, 1e-5f);
    image_free(r);
    image_free(a);
}
END_TEST

START_TEST(test_pad_square)
{
    static const float row3[3] = { 1, 2, 3 };
    static const float row4[4] = { 1, 2, 3, 4 };
    struct image *a = f32_image(3, 1, 1, row3), *p;
    int i;

    /* detectors: appended after (bottom) */
    p = image_pad_square(a, false);
    ck_assert_int_eq(p->width, 3);
    ck_assert_int_eq(p->height, 3);
    for (i = 0; i < 9; i++)
        ck_assert_float_eq_tol(p->f32[i], i < 3 ? row3[i] : 0.0f, 1e-7f);
    image_free(p);
    /* centred, d = 2: one row before, one after */
    p = image_pad_square(a, true);
    for (i = 0; i < 9; i++)
        ck_assert_float_eq_tol(p->f32[i], i >= 3 && i < 6 ? row3[i - 3] : 0.0f, 1e-7f);
    image_free(p);
    image_free(a);
    /* centred, d = 3: round(1.5) = 2 after, 1 before */
    a = f32_image(4, 1, 1, row4);
    p = image_pad_square(a, true);
    ck_assert_int_eq(p->height, 4);
    for (i = 0; i < 16; i++)
        ck_assert_float_eq_tol(p->f32[i], i >= 4 && i < 8 ? row4[i - 4] : 0.0f, 1e-7f);
    image_free(p);
    image_free(a);
    /* a tall image pads columns: 1 wide, 2 high, centred: d = 1 -> 0 before, 1 after */
    a = f32_image(1, 2, 1, row3);
    p = image_pad_square(a, true);
    ck_assert_float_eq_tol(p->f32[0], 1.0f, 1e-7f);
    ck_assert_float_eq_tol(p->f32[1], 0.0f, 1e-7f);
    ck_assert_float_eq_tol(p->f32[2], 2.0f, 1e-7f);
    image_free(p);
    image_free(a);
}
END_TEST

START_TEST(test_prepare_equals_pad_then_resize)
{
    struct image *img = load_data("grad.ppm", NULL), *pad, *want;
    float out[5 * 5 * 3];
    int centre, i;

    for (centre = 0; centre < 2; centre++) {
        pad = image_pad_square(img, centre != 0);
        want = image_resize_bilinear(pad, 5, 5);
        image_prepare(img, 5, centre != 0, NULL, out);
        for (i = 0; i < 75; i++)
            ck_assert_float_eq_tol(out[i], want->f32[i], 1e-4f);
        image_free(pad);
        image_free(want);
    }
    /* size equal to the square side: an exact copy of the padded image */
    pad = image_pad_square(img, true);
    {
        float *o8 = xmalloc(8 * 8 * 3 * sizeof(float));

        image_prepare(img, 8, true, NULL, o8);
        for (i = 0; i < 8 * 8 * 3; i++)
            ck_assert_float_eq_tol(o8[i], pad->f32[i], 1e-7f);
        free(o8);
    }
    image_free(pad);
    image_free(img);
}
END_TEST

START_TEST(test_crop_clip)
{
    struct image *img = image_new(10, 8, 3, IMAGE_U8), *c;
    int x, y, w, h, i;

    for (i = 0; i < 10 * 8 * 3; i++)
        img->u8[i] = (uint8_t)i;
    /* Box.clipAtImageBorders: x0 = 0, y0 = 3.7 -> 3, w = min(2.5, 10) -> 2, h = min(10, 4.3) -> 4 */
    c = image_crop(img, -2.5f, 3.7f, 5.0f, 10.0f, &x, &y, &w, &h);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(x, 0);
    ck_assert_int_eq(y, 3);
    ck_assert_int_eq(w, 2);
    ck_assert_int_eq(h, 4);
    ck_assert_uint_eq(c->u8[0], img->u8[(3 * 10 + 0) * 3]);
    ck_assert_uint_eq(c->u8[(1 * 2 + 1) * 3 + 2], img->u8[(4 * 10 + 1) * 3 + 2]);
    image_free(c);
    ck_assert_ptr_null(image_crop(img, 20.0f, 0.0f, 5.0f, 5.0f, NULL, NULL, NULL, NULL));
    ck_assert_ptr_null(image_crop(img, -9.0f, 0.0f, 9.5f, 5.0f, NULL, NULL, NULL, NULL));
    image_free(img);
}
END_TEST

START_TEST(test_orient_roundtrip)
{
    struct image *img = load_data("grad.ppm", NULL), *a, *b;

    /* 6 (rotate CW) then 8 (rotate CCW) is the identity; 3 twice too */
    a = image_orient(img, 6);
    ck_assert_int_eq(a->width, 6);
    b = image_orient(a, 8);
    ck_assert(memcmp(b->u8, img->u8, image_nsamples(img)) == 0);
    image_free(a);
    image_free(b);
    a = image_orient(img, 3);
    b = image_orient(a, 3);
    ck_assert(memcmp(b->u8, img->u8, image_nsamples(img)) == 0);
    image_free(a);
    image_free(b);
    image_free(img);
}
END_TEST

/* ---- layer operations --------------------------------------------------------------- */

START_TEST(test_tf_padding)
{
    int before, total;

    ck_assert_int_eq(cnn_out_size(4, 3, 2, CNN_PAD_SAME, &before, &total), 2);
    ck_assert_int_eq(before, 0);
    ck_assert_int_eq(total, 1); /* even input, stride 2: 0 before, 1 after */
    ck_assert_int_eq(cnn_out_size(5, 3, 2, CNN_PAD_SAME, &before, &total), 3);
    ck_assert_int_eq(before, 1);
    ck_assert_int_eq(total, 2);
    ck_assert_int_eq(cnn_out_size(7, 3, 1, CNN_PAD_SAME, &before, &total), 7);
    ck_assert_int_eq(before, 1);
    ck_assert_int_eq(cnn_out_size(7, 3, 2, CNN_PAD_VALID, NULL, NULL), 3);
    ck_assert_int_eq(cnn_out_size(8, 3, 2, CNN_PAD_VALID, NULL, NULL), 3);
    ck_assert_int_eq(cnn_out_size(207, 2, 2, CNN_PAD_SAME, &before, &total), 104);
    ck_assert_int_eq(before, 0);
    ck_assert_int_eq(total, 1);
    ck_assert_int_eq(cnn_out_size(150, 7, 2, CNN_PAD_VALID, NULL, NULL), 72);
}
END_TEST

START_TEST(test_conv_same_asymmetric)
{
    float x[16], f[9], bias[1] = { 1.0f }, o[4];
    struct cnn_tensor in = { 4, 4, 1, x }, out = { 0, 0, 0, o };
    struct cnn_conv cv = { 3, 3, 1, 1, 2, CNN_PAD_SAME, f, bias, NULL, NULL, CNN_ACT_NONE, NULL,
        NULL, 0 };
    struct cnn_arena a;
    int i;

    for (i = 0; i < 16; i++)
        x[i] = (float)(i + 1);
    for (i = 0; i < 9; i++)
        f[i] = 1.0f;
    cnn_arena_init(&a);
    cnn_conv2d(&in, &cv, &out, &a);
    ck_assert_int_eq(out.h, 2);
    ck_assert_int_eq(out.w, 2);
    /* windows at rows/cols {0,1,2} and {2,3,pad}: 54, 45, 72, 54 (+ bias 1) */
    ck_assert_float_eq_tol(o[0], 55.0f, 1e-5f);
    ck_assert_float_eq_tol(o[1], 46.0f, 1e-5f);
    ck_assert_float_eq_tol(o[2], 73.0f, 1e-5f);
    ck_assert_float_eq_tol(o[3], 55.0f, 1e-5f);
    /* leaky ReLU on a negative result: bias -100 -> 0.1 * (54 - 100) */
    bias[0] = -100.0f;
    cv.act = CNN_ACT_LEAKY;
    cnn_conv2d(&in, &cv, &out, &a);
    ck_assert_float_eq_tol(o[0], -4.6f, 1e-5f);
    /* valid: one 3x3 window per stride-2 step, (4-3)/2+1 = 1 */
    cv.pad = CNN_PAD_VALID;
    cv.act = CNN_ACT_NONE;
    bias[0] = 0.0f;
    cnn_conv2d(&in, &cv, &out, &a);
    ck_assert_int_eq(out.h, 1);
    ck_assert_float_eq_tol(o[0], 54.0f, 1e-5f);
    cnn_arena_done(&a);
}
END_TEST

START_TEST(test_conv_channels_and_epilogue)
{
    /* 1x1 conv (the SGEMM path): x = (1, 2), HWIO filter [[1, 2], [3, 4]] */
    float x[2] = { 1, 2 }, f[4] = { 1, 2, 3, 4 }, o[2], bias[2] = { 0.5f, -20.0f };
    float scale[2] = { 2.0f, 1.0f }, shift[2] = { 1.0f, 0.0f };
    struct cnn_tensor in = { 1, 1, 2, x }, out = { 0, 0, 0, o };
    struct cnn_conv cv = { 1, 1, 2, 2, 1, CNN_PAD_VALID, f, NULL, NULL, NULL, CNN_ACT_NONE, NULL,
        NULL, 0 };
    float x3[2 * 2 * 2], f3[3 * 3 * 2 * 1], o3[4];
    struct cnn_tensor in3 = { 2, 2, 2, x3 }, out3 = { 0, 0, 0, o3 };
    struct cnn_conv cv3 = { 3, 3, 2, 1, 1, CNN_PAD_SAME, f3, NULL, NULL, NULL, CNN_ACT_NONE, NULL,
        NULL, 0 };
    struct cnn_arena a;
    int i;

    cnn_arena_init(&a);
    cnn_conv2d(&in, &cv, &out, &a);
    ck_assert_float_eq_tol(o[0], 7.0f, 1e-6f);
    ck_assert_float_eq_tol(o[1], 10.0f, 1e-6f);
    /* ((acc + bias) * scale + shift) then ReLU6: (7.5*2+1 = 16 -> 6), (10-20 -> 0) */
    cv.bias = bias;
    cv.scale = scale;
    cv.shift = shift;
    cv.act = CNN_ACT_RELU6;
    cnn_conv2d(&in, &cv, &out, &a);
    ck_assert_float_eq_tol(o[0], 6.0f, 1e-6f);
    ck_assert_float_eq_tol(o[1], 0.0f, 1e-6f);
    cv.act = CNN_ACT_RELU;
    cnn_conv2d(&in, &cv, &out, &a);
    ck_assert_float_eq_tol(o[0], 16.0f, 1e-6f);
    /* 3x3 'same' with 2 input channels: only taps inside the 2x2 input count */
    for (i = 0; i < 8; i++)
        x3[i] = (float)(i + 1); /* pixel p has channels (2p+1, 2p+2) */
    for (i = 0; i < 18; i++)
        f3[i] = 0.0f;
    f3[(1 * 3 + 1) * 2 + 0] = 1.0f;  /* centre tap, channel 0 */
    f3[(2 * 3 + 2) * 2 + 1] = 10.0f; /* bottom-right tap, channel 1 */
    cnn_conv2d(&in3, &cv3, &out3, &a);
    ck_assert_float_eq_tol(o3[0], 1.0f + 10.0f * 8.0f, 1e-5f); /* (0,0): centre ch0 + (1,1) ch1 */
    ck_assert_float_eq_tol(o3[1], 3.0f, 1e-5f);                /* (0,1): bottom-right is outside */
    ck_assert_float_eq_tol(o3[3], 7.0f, 1e-5f);
    cnn_arena_done(&a);
}
END_TEST

/* Deterministic pseudo-random floats in [-1, 1). */
static void
fill_random(float *x, size_t n, unsigned seed)
{
    size_t i;

    for (i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        x[i] = (float)((seed >> 8) & 0xffff) / 32768.0f - 1.0f;
    }
}

/* Reference convolution: plain loops in double, TF padding. */
static void
conv_reference(const struct cnn_tensor *in, const struct cnn_conv *cv, float *out)
{
    int oh, ow, pt, pl, oy, ox, ky, kx, ci, co;

    oh = cnn_out_size(in->h, cv->kh, cv->stride, cv->pad, &pt, NULL);
    ow = cnn_out_size(in->w, cv->kw, cv->stride, cv->pad, &pl, NULL);
    for (oy = 0; oy < oh; oy++)
        for (ox = 0; ox < ow; ox++)
            for (co = 0; co < cv->cout; co++) {
                double acc = 0.0;

                for (ky = 0; ky < cv->kh; ky++)
                    for (kx = 0; kx < cv->kw; kx++) {
                        int iy = oy * cv->stride - pt + ky, ix = ox * cv->stride - pl + kx;

                        if (iy < 0 || ix < 0 || iy >= in->h || ix >= in->w)
                            continue;
                        for (ci = 0; ci < cv->cin; ci++)
                            acc += (double)in->data[((size_t)iy * (size_t)in->w +
                                (size_t)ix) * (size_t)cv->cin + (size_t)ci] *
                                (double)cv->filter[((size_t)(ky * cv->kw + kx) *
                                (size_t)cv->cin + (size_t)ci) * (size_t)cv->cout + (size_t)co];
                    }
                if (cv->bias != NULL)
                    acc += (double)cv->bias[co];
                out[((size_t)oy * (size_t)ow + (size_t)ox) * (size_t)cv->cout + (size_t)co] =
                    (float)acc;
            }
}

/*
 * How far a conv path may be from the double reference: 1e-4; for
 * F(4x4, 3x3), whose transforms scale by up to 8 and 5 (and its rounding
 * with them), 1e-4 relative to the value (the 35x35x32 case is 1e-4 off at
 * 6.3, F(2x2) and im2col 1e-5; a wrong tile is off by the value itself).
 */
static float
conv_tol(int wino, float want)
{
    return wino == 4 ? 1e-4f * (1.0f + fabsf(want)) : 1e-4f;
}

/*
 * Every conv code path (direct, im2col + SGEMM, SGEMV rows, Winograd; the
 * fused epilogue and the folded scale layer) against plain loops, with the
 * kernels of each instruction set this CPU has (_i).
 */
START_TEST(test_conv_paths_agree)
{
    static const struct {
        int h, w, cin, cout, k, stride;
        enum cnn_padding pad;
        int wino; /* 0: none, 2: F(2x2, 3x3), 4: F(4x4, 3x3) */
    } cases[] = {
        { 13, 11, 3, 16, 3, 1, CNN_PAD_VALID, 0 }, /* direct, 16 outputs */
        { 12, 12, 3, 32, 3, 2, CNN_PAD_SAME, 0 },  /* direct, 2 x 16, asymmetric pad */
        { 21, 21, 3, 32, 7, 2, CNN_PAD_VALID, 0 }, /* direct 7x7 (recognition conv0) */
        { 9, 7, 8, 24, 3, 2, CNN_PAD_VALID, 0 },   /* im2col + SGEMM */
        { 3, 3, 16, 8, 3, 2, CNN_PAD_VALID, 0 },   /* one output pixel: SGEMV */
        { 17, 15, 16, 24, 3, 1, CNN_PAD_SAME, 2 }, /* Winograd, odd sizes */
        { 18, 16, 8, 8, 3, 1, CNN_PAD_SAME, 2 },   /* Winograd, even sizes */
        { 6, 5, 8, 16, 3, 1, CNN_PAD_SAME, 2 },    /* below the tile minimum: im2col */
        { 7, 9, 24, 40, 1, 1, CNN_PAD_VALID, 0 },  /* pointwise, a partial panel */
        { 5, 5, 8, 25, 1, 1, CNN_PAD_VALID, 0 },   /* the tiny detector's head: 25 outputs */
        { 17, 15, 16, 24, 3, 1, CNN_PAD_SAME, 4 }, /* F(4x4): partial tiles both ways */
        { 16, 8, 8, 8, 3, 1, CNN_PAD_SAME, 4 },    /* F(4x4): whole tiles */
        { 35, 35, 32, 32, 3, 1, CNN_PAD_SAME, 4 }, /* F(4x4): the recognition net's 35x35 */
        { 13, 6, 8, 16, 3, 1, CNN_PAD_SAME, 4 },   /* F(4x4): one tile column plus two */
        { 12, 10, 16, 32, 3, 1, CNN_PAD_SAME, 2 }, /* F(2x2), 16-float vectors (AVX-512) */
    };
    enum cnn_isa isa = (enum cnn_isa)_i, saved = cnn_isa();
    size_t i, n, k;

    if (cnn_isa_set(isa) == -1) {
        printf("SKIP conv paths with %s kernels: not supported by this CPU\n",
            cnn_isa_name(isa));
        return;
    }

    for (i = 0; i < FA_NITEMS(cases); i++) {
        struct cnn_conv cv;
        struct cnn_tensor in, out;
        struct cnn_arena a;
        float *x, *f, *got, *want, *u = NULL, *packed = NULL, *bias;
        int oh, ow, pass;

        memset(&cv, 0, sizeof cv);
        cv.kh = cv.kw = cases[i].k;
        cv.cin = cases[i].cin;
        cv.cout = cases[i].cout;
        cv.stride = cases[i].stride;
        cv.pad = cases[i].pad;
        in.h = cases[i].h;
        in.w = cases[i].w;
        in.c = cases[i].cin;
        x = xmalloc((size_t)in.h * (size_t)in.w * (size_t)in.c * sizeof(float));
        f = xmalloc((size_t)(cv.kh * cv.kw * cv.cin * cv.cout) * sizeof(float));
        fill_random(x, (size_t)in.h * (size_t)in.w * (size_t)in.c, (unsigned)i + 1);
        fill_random(f, (size_t)(cv.kh * cv.kw * cv.cin * cv.cout), (unsigned)i + 100);
        in.data = x;
        cv.filter = f;
        /* a bias on every other case (the packed GEMM starts from it) */
        bias = xmalloc((size_t)cv.cout * sizeof(float));
        fill_random(bias, (size_t)cv.cout, (unsigned)i + 7);
        cv.bias = i % 2 == 0 ? bias : NULL;
        if (cases[i].wino != 0) {
            ck_assert(cnn_winograd_ok(&cv));
            u = cases[i].wino == 4 ? cnn_winograd4_pack(f, cv.cin, cv.cout) :
                cnn_winograd_pack(f, cv.cin, cv.cout);
            cv.winograd = u;
            cv.winograd_m = cases[i].wino;
        }
        cnn_conv_shape(&cv, in.h, in.w, &oh, &ow);
        n = (size_t)oh * (size_t)ow * (size_t)cv.cout;
        got = xmalloc(n * sizeof(float));
        want = xmalloc(n * sizeof(float));
        out.data = got;
        cnn_arena_init(&a);
        conv_reference(&in, &cv, want);
        /* the BLAS path, then the filter packed for the networks' own GEMM, then packed only
         * (no unpacked filter: 3-channel convs take im2col and the packed GEMM too) */
        for (pass = 0; pass < 3; pass++) {
            if (pass == 1)
                cv.packed = packed = cnn_gemm_pack(f, cv.kh * cv.kw * cv.cin, cv.cout);
            cv.filter = pass == 2 ? NULL : f;
            memset(got, 0, n * sizeof(float));
            cnn_conv2d(&in, &cv, &out, &a);
            ck_assert_int_eq(out.h, oh);
            ck_assert_int_eq(out.w, ow);
            for (k = 0; k < n; k++)
                ck_assert_msg(fabsf(got[k] - want[k]) < conv_tol(cases[i].wino, want[k]),
                    "case %zu pass %d: [%zu] %g vs %g", i, pass, k, (double)got[k],
                    (double)want[k]);
        }
        cv.filter = f;
        /* rows [2, oh) alone equal the same rows of the whole output */
        if (oh > 2) {
            cnn_conv2d_rows(&in, &cv, 2, oh, got, &a);
            for (k = 0; k < n - (size_t)(2 * ow * cv.cout); k++)
                ck_assert(fabsf(got[k] - want[k + (size_t)(2 * ow * cv.cout)]) < 1e-4f);
        }
        /* scale, shift and each activation without a residual (the direct AVX-512 epilogue) */
        {
            static const enum cnn_act acts[] = { CNN_ACT_RELU, CNN_ACT_RELU6, CNN_ACT_LEAKY };
            float *sc = xmalloc((size_t)cv.cout * sizeof(float));
            float *sh = xmalloc((size_t)cv.cout * sizeof(float));
            size_t ai;

            fill_random(sc, (size_t)cv.cout, (unsigned)i + 21);
            fill_random(sh, (size_t)cv.cout, (unsigned)i + 23);
            cv.scale = sc;
            cv.shift = sh;
            for (ai = 0; ai < FA_NITEMS(acts); ai++) {
                cv.act = acts[ai];
                memset(got, 0, n * sizeof(float));
                cnn_conv2d(&in, &cv, &out, &a);
                for (k = 0; k < n; k++) {
                    float v = want[k] * sc[k % (size_t)cv.cout] + sh[k % (size_t)cv.cout];

                    v = cv.act == CNN_ACT_RELU ? (v > 0.0f ? v : 0.0f) :
                        cv.act == CNN_ACT_RELU6 ? (v < 0.0f ? 0.0f : v > 6.0f ? 6.0f : v) :
                        (v > 0.0f ? v : 0.1f * v);
                    ck_assert_msg(fabsf(got[k] - v) < 1e-4f, "case %zu act %d: [%zu] %g vs %g",
                        i, (int)cv.act, k, (double)got[k], (double)v);
                }
            }
            cv.act = CNN_ACT_NONE;
            cv.scale = cv.shift = NULL;
            free(sc);
            free(sh);
        }
        /* fused scale, shift, residual add and ReLU against the same steps one by one */
        {
            float *sc = xmalloc((size_t)cv.cout * sizeof(float));
            float *sh = xmalloc((size_t)cv.cout * sizeof(float));
            float *res = xmalloc(n * sizeof(float));

            fill_random(sc, (size_t)cv.cout, (unsigned)i + 11);
            fill_random(sh, (size_t)cv.cout, (unsigned)i + 13);
            fill_random(res, n, (unsigned)i + 17);
            cv.scale = sc;
            cv.shift = sh;
            for (k = 0; k < n; k++) {
                float v = want[k] * sc[k % (size_t)cv.cout] + sh[k % (size_t)cv.cout] + res[k];

                want[k] = v > 0.0f ? v : 0.0f;
            }
            memset(got, 0, n * sizeof(float));
            cnn_conv2d_res(&in, &cv, res, CNN_ACT_RELU, &out, &a);
            for (k = 0; k < n; k++)
                ck_assert_msg(fabsf(got[k] - want[k]) < conv_tol(cases[i].wino, want[k]),
                    "case %zu fused residual: [%zu] %g vs %g", i, k, (double)got[k],
                    (double)want[k]);
            /* the scale layer folded into the filter and bias (cnn_weights_fold) instead */
            {
                struct cnn_conv fc = cv;
                float *ff = cnn_fold_affine(f, (size_t)(cv.kh * cv.kw * cv.cin), cv.cout, sc,
                    NULL);
                float *fb = cnn_fold_affine(cv.bias, 1, cv.cout, sc, sh);
                float *fp = cnn_gemm_pack(ff, cv.kh * cv.kw * cv.cin, cv.cout);
                float *fu = cases[i].wino == 4 ? cnn_winograd4_pack(ff, cv.cin, cv.cout) :
                    cases[i].wino == 2 ? cnn_winograd_pack(ff, cv.cin, cv.cout) : NULL;

                fc.filter = ff;
                fc.bias = fb;
                fc.scale = fc.shift = NULL;
                fc.packed = fp;
                fc.winograd = fu;
                memset(got, 0, n * sizeof(float));
                cnn_conv2d_res(&in, &fc, res, CNN_ACT_RELU, &out, &a);
                for (k = 0; k < n; k++)
                    ck_assert_msg(fabsf(got[k] - want[k]) < conv_tol(cases[i].wino, want[k]),
                        "case %zu folded scale: [%zu] %g vs %g", i, k, (double)got[k],
                        (double)want[k]);
                free(ff);
                free(fb);
                free(fp);
                free(fu);
            }
            cv.scale = cv.shift = NULL;
            free(sc);
            free(sh);
            free(res);
        }
        cnn_arena_done(&a);
        free(x);
        free(f);
        free(u);
        free(packed);
        free(bias);
        free(got);
        free(want);
    }
    ck_assert_int_eq(cnn_isa_set(saved), 0);
}
END_TEST

/*
 * cnn_conv2d_many (the stacked GEMM of several inputs, and the Winograd
 * tiles of several inputs in one sequence) against cnn_conv2d_res on each
 * input, with and without a residual, on every instruction set this CPU
 * has (_i); enough inputs of the large case to need several bands, and
 * Winograd blocks that straddle two inputs.
 */
START_TEST(test_conv_many_agrees)
{
    static const struct {
        int h, w, cin, cout, k, stride, n;
        enum cnn_padding pad;
        int wino; /* tile side of the Winograd filter when the conv qualifies */
    } cases[] = {
        { 3, 3, 16, 24, 3, 1, 5, CNN_PAD_SAME, 2 },   /* the recognition net's 3x3 maps */
        { 8, 8, 16, 32, 3, 2, 3, CNN_PAD_VALID, 2 },  /* a down conv */
        { 3, 3, 256, 16, 3, 1, 70, CNN_PAD_SAME, 2 }, /* K = 2304: bands of 50 inputs */
        { 9, 9, 8, 16, 3, 1, 3, CNN_PAD_SAME, 2 },    /* Winograd F(2x2), one block */
        { 17, 17, 64, 64, 3, 1, 3, CNN_PAD_SAME, 2 }, /* F(2x2), blocks across inputs */
        { 17, 17, 64, 64, 3, 1, 3, CNN_PAD_SAME, 4 }, /* F(4x4), blocks across inputs */
        { 8, 8, 32, 16, 3, 1, 5, CNN_PAD_SAME, 4 },   /* F(4x4), 4 tiles per input */
    };
    enum cnn_isa isa = (enum cnn_isa)_i, saved = cnn_isa();
    size_t i;

    if (cnn_isa_set(isa) == -1) {
        printf("SKIP batched conv with %s kernels: not supported by this CPU\n",
            cnn_isa_name(isa));
        return;
    }
    for (i = 0; i < FA_NITEMS(cases); i++) {
        int n = cases[i].n, f, oh, ow, pass;
        size_t nin = (size_t)cases[i].h * (size_t)cases[i].w * (size_t)cases[i].cin, nout, k;
        size_t nf = (size_t)(cases[i].k * cases[i].k * cases[i].cin * cases[i].cout);
        struct cnn_conv cv;
        struct cnn_arena a;
        struct cnn_tensor *ins = xcalloc((size_t)n, sizeof *ins);
        struct cnn_tensor *outs = xcalloc((size_t)n, sizeof *outs), one;
        const float **res = xcalloc((size_t)n, sizeof *res);
        float *x = xmalloc((size_t)n * nin * sizeof(float)), *filt = xmalloc(nf * sizeof(float));
        float *bias = xmalloc((size_t)cases[i].cout * sizeof(float)), *r, *got, *want, *u = NULL;

        memset(&cv, 0, sizeof cv);
        cv.kh = cv.kw = cases[i].k;
        cv.cin = cases[i].cin;
        cv.cout = cases[i].cout;
        cv.stride = cases[i].stride;
        cv.pad = cases[i].pad;
        fill_random(x, (size_t)n * nin, (unsigned)i + 31);
        fill_random(filt, nf, (unsigned)i + 37);
        fill_random(bias, (size_t)cv.cout, (unsigned)i + 41);
        cv.filter = filt;
        cv.bias = bias;
        cv.packed = cnn_gemm_pack(filt, cv.kh * cv.kw * cv.cin, cv.cout);
        if (cnn_winograd_ok(&cv)) {
            cv.winograd = u = cases[i].wino == 4 ? cnn_winograd4_pack(filt, cv.cin, cv.cout) :
                cnn_winograd_pack(filt, cv.cin, cv.cout);
            cv.winograd_m = cases[i].wino;
        }
        cnn_conv_shape(&cv, cases[i].h, cases[i].w, &oh, &ow);
        nout = (size_t)oh * (size_t)ow * (size_t)cv.cout;
        r = xmalloc((size_t)n * nout * sizeof(float));
        got = xmalloc((size_t)n * nout * sizeof(float));
        want = xmalloc(nout * sizeof(float));
        fill_random(r, (size_t)n * nout, (unsigned)i + 43);
        cnn_arena_init(&a);
        for (pass = 0; pass < 2; pass++) {
            for (f = 0; f < n; f++) {
                ins[f].h = cases[i].h;
                ins[f].w = cases[i].w;
                ins[f].c = cv.cin;
                ins[f].data = x + (size_t)f * nin;
                outs[f].data = got + (size_t)f * nout;
                res[f] = r + (size_t)f * nout;
            }
            cnn_conv2d_many(ins, (size_t)n, &cv, pass ? res : NULL,
                pass ? CNN_ACT_RELU : CNN_ACT_NONE, outs, &a);
            for (f = 0; f < n; f++) {
                ck_assert_int_eq(outs[f].h, oh);
                ck_assert_int_eq(outs[f].w, ow);
                ck_assert_int_eq(outs[f].c, cv.cout);
                one.data = want;
                cnn_conv2d_res(&ins[f], &cv, pass ? res[f] : NULL,
                    pass ? CNN_ACT_RELU : CNN_ACT_NONE, &one, &a);
                for (k = 0; k < nout; k++)
                    ck_assert_msg(fabsf(got[(size_t)f * nout + k] - want[k]) < 1e-4f,
                        "%s case %zu pass %d input %d [%zu]: %g vs %g", cnn_isa_name(isa), i,
                        pass, f, k, (double)got[(size_t)f * nout + k], (double)want[k]);
            }
        }
        cnn_arena_done(&a);
        free((void *)(uintptr_t)cv.packed);
        free(u);
        free(ins);
        free(outs);
        free(res);
        free(x);
        free(filt);
        free(bias);
        free(r);
        free(got);
        free(want);
    }
    ck_assert_int_eq(cnn_isa_set(saved), 0);
}
END_TEST

START_TEST(test_depthwise)
{
    float x[9], f[9], o[9], sc[1] = { 2.0f }, sh[1] = { -30.0f };
    struct cnn_tensor in = { 3, 3, 1, x }, out = { 0, 0, 0, o };
    int i;

    for (i = 0; i < 9; i++) {
        x[i] = (float)(i + 1);
        f[i] = 1.0f;
    }
    cnn_depthwise3x3(&in, f, 1, CNN_PAD_SAME, NULL, NULL, CNN_ACT_NONE, &out);
    ck_assert_float_eq_tol(o[4], 45.0f, 1e-5f);
    ck_assert_float_eq_tol(o[0], 12.0f, 1e-5f);
    ck_assert_float_eq_tol(o[8], 28.0f, 1e-5f);
    /* stride 2 'same' on odd 3: 1 before, 1 after */
    cnn_depthwise3x3(&in, f, 2, CNN_PAD_SAME, NULL, NULL, CNN_ACT_NONE, &out);
    ck_assert_int_eq(out.h, 2);
    ck_assert_float_eq_tol(o[0], 12.0f, 1e-5f);
    ck_assert_float_eq_tol(o[3], 28.0f, 1e-5f);
    /* folded batch norm + ReLU6: 12*2-30 = -6 -> 0, 28*2-30 = 26 -> 6 */
    cnn_depthwise3x3(&in, f, 2, CNN_PAD_SAME, sc, sh, CNN_ACT_RELU6, &out);
    ck_assert_float_eq_tol(o[0], 0.0f, 1e-6f);
    ck_assert_float_eq_tol(o[3], 6.0f, 1e-6f);
}
END_TEST

/* One output of a depthwise 3x3 conv in double, taps in (ky, kx) order (the reference). */
static double
dw_ref(const float *x, int h, int w, int C, const float *f, int stride, enum cnn_padding pad,
    int oy, int ox, int c)
{
    int pt, pl, ky, kx;
    double acc = 0.0;

    (void)cnn_out_size(h, 3, stride, pad, &pt, NULL);
    (void)cnn_out_size(w, 3, stride, pad, &pl, NULL);
    for (ky = 0; ky < 3; ky++) {
        for (kx = 0; kx < 3; kx++) {
            int iy = oy * stride - pt + ky, ix = ox * stride - pl + kx;

            if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                acc += (double)x[((size_t)iy * (size_t)w + (size_t)ix) * (size_t)C +
                    (size_t)c] * (double)f[(ky * 3 + kx) * C + c];
        }
    }
    return acc;
}

/*
 * The depthwise kernels (cnn_dw.c: the row kernel for multiples of 16
 * channels on AVX2 and AVX-512, the portable per-pixel one for the borders
 * and other channel counts) against the double-precision reference, on
 * every instruction set this CPU runs: interior and border pixels, maps
 * narrower than the kernel's four-pixel blocks, strides 1 and 2, 'same' and
 * 'valid', with and without the folded batch norm, every activation, whole
 * maps and bands of rows.
 */
START_TEST(test_depthwise_kernels_agree)
{
    static const int shapes[][3] = { { 7, 7, 16 }, { 9, 13, 32 }, { 13, 13, 48 }, { 4, 3, 16 },
        { 6, 11, 24 }, { 1, 1, 16 }, { 2, 9, 64 } };
    static const enum cnn_act acts[] = { CNN_ACT_NONE, CNN_ACT_RELU, CNN_ACT_RELU6,
        CNN_ACT_LEAKY };
    enum cnn_isa isa = (enum cnn_isa)_i, saved = cnn_isa();
    uint32_t st = 777;
    size_t sh;

    if (cnn_isa_set(isa) == -1) {
        printf("SKIP depthwise kernels with %s: not supported by this CPU\n",
            cnn_isa_name(isa));
        return;
    }
    for (sh = 0; sh < FA_NITEMS(shapes); sh++) {
        int h = shapes[sh][0], w = shapes[sh][1], C = shapes[sh][2], stride, pi, ai, i;
        size_t nx = (size_t)h * (size_t)w * (size_t)C;
        float *x = xmalloc(nx * sizeof(float)), f[9 * 64], sc[64], shf[64];
        float *o = xmalloc(nx * sizeof(float)), *band = xmalloc(nx * sizeof(float));

        for (i = 0; i < (int)nx; i++) {
            st = st * 1664525u + 1013904223u;
            x[i] = (float)((double)(st >> 8) / 16777216.0 * 4.0 - 2.0);
        }
        for (i = 0; i < 9 * C; i++) {
            st = st * 1664525u + 1013904223u;
            f[i] = (float)((double)(st >> 8) / 16777216.0 - 0.5);
        }
        for (i = 0; i < C; i++) {
            sc[i] = 0.5f + (float)i / (float)C;
            shf[i] = (float)(i % 5) - 2.0f;
        }
        for (stride = 1; stride <= 2; stride++) {
            for (pi = 0; pi < 2; pi++) {
                enum cnn_padding pad = pi == 0 ? CNN_PAD_SAME : CNN_PAD_VALID;

                for (ai = 0; ai < (int)FA_NITEMS(acts) * 2; ai++) {
                    enum cnn_act act = acts[ai / 2];
                    bool bn = ai % 2 == 1;
                    struct cnn_tensor in = { h, w, C, x }, out = { 0, 0, 0, o };
                    int oy, ox, c, mid;

                    cnn_depthwise3x3(&in, f, stride, pad, bn ? sc : NULL, bn ? shf : NULL,
                        act, &out);
                    for (oy = 0; oy < out.h; oy++) {
                        for (ox = 0; ox < out.w; ox++) {
                            for (c = 0; c < C; c++) {
                                double v = dw_ref(x, h, w, C, f, stride, pad, oy, ox, c);
                                float got = o[((size_t)oy * (size_t)out.w + (size_t)ox) *
                                    (size_t)C + (size_t)c];

                                if (bn)
                                    v = v * sc[c] + shf[c];
                                if (act == CNN_ACT_RELU)
                                    v = v > 0 ? v : 0;
                                else if (act == CNN_ACT_RELU6)
                                    v = v < 0 ? 0 : v > 6 ? 6 : v;
                                else if (act == CNN_ACT_LEAKY)
                                    v = v > 0 ? v : 0.1 * v;
                                ck_assert_msg(fabs((double)got - v) <= 1e-5 * (1 + fabs(v)),
                                    "%s %dx%dx%d stride %d pad %d act %d bn %d at (%d,%d,%d): "
                                    "%g vs %g", cnn_isa_name(isa), h, w, C, stride, pi,
                                    (int)act, (int)bn, oy, ox, c, (double)got, v);
                            }
                        }
                    }
                    /* a band of rows [mid, h) gives the same floats as the whole map */
                    mid = out.h / 2;
                    cnn_depthwise3x3_rows(&in, f, stride, pad, bn ? sc : NULL,
                        bn ? shf : NULL, act, mid, out.h, band);
                    ck_assert(memcmp(band, o + (size_t)mid * (size_t)out.w * (size_t)C,
                        (size_t)(out.h - mid) * (size_t)out.w * (size_t)C * sizeof(float)) ==
                        0);
                }
            }
        }
        free(x);
        free(o);
        free(band);
    }
    ck_assert_int_eq(cnn_isa_set(saved), 0);
}
END_TEST

/*
 * The max pool fused after a band of conv output (cnn_maxpool2_rows: AVX2
 * and AVX-512 kernels for multiples of 16 channels, portable otherwise)
 * against cnn_maxpool on the whole map, in bands, strides 1 and 2, odd and
 * even sizes, on every instruction set this CPU runs.
 */
START_TEST(test_maxpool2_rows_agree)
{
    static const int shapes[][3] = { { 9, 7, 16 }, { 8, 8, 32 }, { 5, 13, 8 }, { 1, 1, 16 },
        { 13, 13, 48 } };
    enum cnn_isa isa = (enum cnn_isa)_i, saved = cnn_isa();
    size_t sh;

    if (cnn_isa_set(isa) == -1) {
        printf("SKIP max pool rows with %s: not supported by this CPU\n", cnn_isa_name(isa));
        return;
    }
    for (sh = 0; sh < FA_NITEMS(shapes); sh++) {
        int h = shapes[sh][0], w = shapes[sh][1], C = shapes[sh][2], stride;
        size_t nx = (size_t)h * (size_t)w * (size_t)C;
        float *x = xmalloc(nx * sizeof(float)), *want = xmalloc(nx * sizeof(float));
        float *got = xmalloc(nx * sizeof(float));

        fill_random(x, nx, (unsigned)sh + 31);
        for (stride = 1; stride <= 2; stride++) {
            struct cnn_tensor in = { h, w, C, x }, out = { 0, 0, 0, want };
            int band, p0;

            cnn_maxpool(&in, 2, stride, CNN_PAD_SAME, &out);
            for (band = 1; band <= out.h; band += 2) {
                memset(got, 0, nx * sizeof(float));
                for (p0 = 0; p0 < out.h; p0 += band) {
                    int p1 = FA_MIN(p0 + band, out.h), c0 = p0 * stride;
                    int c1 = FA_MIN((p1 - 1) * stride + 2, h);

                    cnn_maxpool2_rows(x + (size_t)c0 * (size_t)w * (size_t)C, c0, c1, w, C,
                        stride, p0, p1, got + (size_t)p0 * (size_t)out.w * (size_t)C, out.w);
                }
                ck_assert_msg(memcmp(got, want, (size_t)out.h * (size_t)out.w * (size_t)C *
                    sizeof(float)) == 0, "%s %dx%dx%d stride %d band %d", cnn_isa_name(isa), h,
                    w, C, stride, band);
            }
        }
        free(x);
        free(want);
        free(got);
    }
    ck_assert_int_eq(cnn_isa_set(saved), 0);
}
END_TEST

/*
 * The 3-channel 3x3 conv with the 2x2 stride-2 max pool in registers
 * (cnn_conv_direct3x3_pool2, TinyFaceDetector's conv0 + pool) against the
 * unfused steps, the conv's whole output then cnn_maxpool: bit for bit
 * (the same sums in the same order), odd and even sizes, 'valid' and
 * 'same' padding, 3 and 4 channels, each activation, in bands of pooled
 * rows. Only the AVX-512 kernels take it; the others must say no.
 */
START_TEST(test_conv_pool_fused_agrees)
{
    static const struct {
        int h, w, cin;
        enum cnn_padding pad;
    } cases[] = {
        { 20, 30, 3, CNN_PAD_VALID }, /* 18 x 28: 4-pixel blocks, then 1-pixel ones */
        { 21, 23, 3, CNN_PAD_VALID }, /* 19 x 21: an odd last row and column (pool padding) */
        { 17, 19, 3, CNN_PAD_SAME },  /* borders on every side: the pixel path */
        { 12, 40, 4, CNN_PAD_SAME },
        { 3, 3, 3, CNN_PAD_VALID },   /* one conv pixel */
        { 42, 42, 3, CNN_PAD_VALID }, /* 40 x 40, as conv0 on 416 in small */
    };
    static const enum cnn_act acts[] = { CNN_ACT_LEAKY, CNN_ACT_NONE, CNN_ACT_RELU,
        CNN_ACT_RELU6 };
    enum cnn_isa isa = (enum cnn_isa)_i, saved = cnn_isa();
    size_t i, ai;

    if (cnn_isa_set(isa) == -1) {
        printf("SKIP conv + pool with %s kernels: not supported by this CPU\n",
            cnn_isa_name(isa));
        return;
    }
    for (i = 0; i < FA_NITEMS(cases); i++) {
        struct cnn_conv cv;
        struct cnn_tensor in, conv, pool;
        struct cnn_arena a;
        float f[3 * 3 * 4 * 16], bias[16], sc[16], sh[16], *x, *c, *want, *got;
        int oh, ow, pt, pl, band;
        size_t np;

        memset(&cv, 0, sizeof cv);
        cv.kh = cv.kw = 3;
        cv.cin = cases[i].cin;
        cv.cout = 16;
        cv.stride = 1;
        cv.pad = cases[i].pad;
        fill_random(f, (size_t)(9 * cv.cin * 16), (unsigned)i + 300);
        fill_random(bias, 16, (unsigned)i + 310);
        fill_random(sc, 16, (unsigned)i + 320);
        fill_random(sh, 16, (unsigned)i + 330);
        cv.filter = f;
        cv.bias = bias;
        in.h = cases[i].h;
        in.w = cases[i].w;
        in.c = cv.cin;
        x = xmalloc((size_t)in.h * (size_t)in.w * (size_t)in.c * sizeof(float));
        fill_random(x, (size_t)in.h * (size_t)in.w * (size_t)in.c, (unsigned)i + 340);
        in.data = x;
        oh = cnn_out_size(in.h, 3, 1, cv.pad, &pt, NULL);
        ow = cnn_out_size(in.w, 3, 1, cv.pad, &pl, NULL);
        c = xmalloc((size_t)oh * (size_t)ow * 16 * sizeof(float));
        want = xmalloc((size_t)oh * (size_t)ow * 16 * sizeof(float));
        got = xmalloc((size_t)oh * (size_t)ow * 16 * sizeof(float));
        cnn_arena_init(&a);
        for (ai = 0; ai < FA_NITEMS(acts); ai++) {
            cv.act = acts[ai];
            cv.scale = ai == 2 ? sc : NULL; /* the affine on one of them */
            cv.shift = ai == 2 ? sh : NULL;
            conv.data = c;
            cnn_conv2d(&in, &cv, &conv, &a);
            pool.data = want;
            cnn_maxpool(&conv, 2, 2, CNN_PAD_SAME, &pool);
            np = (size_t)pool.h * (size_t)pool.w * 16;
            for (band = 1; band <= pool.h; band += 3) {
                int p0;

                memset(got, 0xff, np * sizeof(float));
                for (p0 = 0; p0 < pool.h; p0 += band) {
                    bool took = cnn_conv_direct3x3_pool2(&in, &cv, pt, pl, oh, ow, p0,
                        FA_MIN(p0 + band, pool.h), got + (size_t)p0 * (size_t)pool.w * 16,
                        pool.w);

                    ck_assert_msg(took == (isa == CNN_ISA_AVX512), "%s: took %d",
                        cnn_isa_name(isa), took);
                    if (!took)
                        break;
                }
                if (isa != CNN_ISA_AVX512)
                    break;
                ck_assert_msg(memcmp(got, want, np * sizeof(float)) == 0,
                    "case %zu act %d band %d: the fused conv + pool differs", i, (int)cv.act,
                    band);
            }
        }
        cnn_arena_done(&a);
        free(x);
        free(c);
        free(want);
        free(got);
    }
    ck_assert_int_eq(cnn_isa_set(saved), 0);
}
END_TEST

START_TEST(test_pooling_edges)
{
    float x[9], o[9];
    struct cnn_tensor in = { 3, 3, 1, x }, out = { 0, 0, 0, o };
    int i;

    for (i = 0; i < 9; i++)
        x[i] = -(float)(i + 1);
    /* max 2x2 s2 same on 3: pad 0 before / 1 after; padded cells never win (-9, not 0) */
    cnn_maxpool(&in, 2, 2, CNN_PAD_SAME, &out);
    ck_assert_int_eq(out.h, 2);
    ck_assert_float_eq_tol(o[0], -1.0f, 1e-7f);
    ck_assert_float_eq_tol(o[1], -3.0f, 1e-7f);
    ck_assert_float_eq_tol(o[3], -9.0f, 1e-7f);
    /* max 2x2 stride 1 same (TinyFaceDetector's last pool): size kept, last row/col clipped */
    for (i = 0; i < 9; i++)
        x[i] = (float)(i + 1);
    cnn_maxpool(&in, 2, 1, CNN_PAD_SAME, &out);
    ck_assert_int_eq(out.h, 3);
    ck_assert_float_eq_tol(o[0], 5.0f, 1e-7f);
    ck_assert_float_eq_tol(o[2], 6.0f, 1e-7f);
    ck_assert_float_eq_tol(o[8], 9.0f, 1e-7f);
    /* avg 2x2 s2 valid on 3: the trailing row/col is dropped */
    cnn_avgpool(&in, 2, 2, CNN_PAD_VALID, &out);
    ck_assert_int_eq(out.h, 1);
    ck_assert_float_eq_tol(o[0], 3.0f, 1e-6f);
    /* max 3x3 s2 valid (recognition net): 3 -> 1 */
    cnn_maxpool(&in, 3, 2, CNN_PAD_VALID, &out);
    ck_assert_int_eq(out.w, 1);
    ck_assert_float_eq_tol(o[0], 9.0f, 1e-7f);
    cnn_global_mean(&in, o);
    ck_assert_float_eq_tol(o[0], 5.0f, 1e-6f);
}
END_TEST

START_TEST(test_dense_and_activations)
{
    float x[2] = { 1, 2 }, w[6] = { 1, 2, 3, 4, 5, 6 }, b[3] = { 0, 1, -1 }, y[3];
    float v[5] = { -1.0f, 0.0f, 2.0f, 7.0f, -50.0f };

    cnn_dense(x, 2, w, b, 3, y);
    ck_assert_float_eq_tol(y[0], 9.0f, 1e-6f);
    ck_assert_float_eq_tol(y[1], 13.0f, 1e-6f);
    ck_assert_float_eq_tol(y[2], 14.0f, 1e-6f);
    cnn_activate(v, 5, CNN_ACT_LEAKY);
    ck_assert_float_eq_tol(v[0], -0.1f, 1e-7f);
    ck_assert_float_eq_tol(v[2], 2.0f, 1e-7f);
    ck_assert_float_eq_tol(v[4], -5.0f, 1e-6f);
    cnn_activate(v, 5, CNN_ACT_RELU6);
    ck_assert_float_eq_tol(v[0], 0.0f, 1e-7f);
    ck_assert_float_eq_tol(v[3], 6.0f, 1e-7f);
}
END_TEST

START_TEST(test_gemm_wrapper)
{
    /* [1 2; 3 4] * [5 6; 7 8] and the transposed forms */
    float a[4] = { 1, 2, 3, 4 }, b[4] = { 5, 6, 7, 8 }, c[4];

    gemm_sgemm(false, false, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2);
    ck_assert_float_eq_tol(c[0], 19.0f, 1e-6f);
    ck_assert_float_eq_tol(c[3], 50.0f, 1e-6f);
    gemm_sgemm(true, false, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2);
    ck_assert_float_eq_tol(c[0], 26.0f, 1e-6f); /* [1 3].[5 7] */
    gemm_sgemm(false, true, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2);
    ck_assert_float_eq_tol(c[1], 23.0f, 1e-6f); /* [1 2].[7 8] */
    ck_assert_ptr_nonnull(gemm_backend());
}
END_TEST

/* A small deterministic pseudo-random value in [-1, 1). */
static float
frand(uint32_t *state)
{
    *state = *state * 1664525u + 1013904223u;
    return (float)((double)(*state >> 8) / 8388608.0 - 1.0);
}

/*
 * The fused GEMM (bias, scale/shift, residual add and activation applied to
 * each tile in cache) against the unfused steps (a double-precision product,
 * then one pass per step), for every instruction set this CPU runs, on
 * shapes with partial row tiles and partial 16-column panels.
 */
START_TEST(test_gemm_fused_epilogue)
{
    static const int shapes[][3] = { { 1, 16, 1 }, { 5, 7, 9 }, { 13, 40, 33 },
        { 29, 25, 300 }, { 37, 64, 1152 } };
    static const enum cnn_act acts[] = { CNN_ACT_NONE, CNN_ACT_RELU, CNN_ACT_RELU6,
        CNN_ACT_LEAKY };
    enum cnn_isa isa = (enum cnn_isa)_i, saved = cnn_isa();
    size_t sh;
    uint32_t st = 12345;

    if (cnn_isa_set(isa) == -1) {
        printf("SKIP fused GEMM with %s kernels: not supported by this CPU\n",
            cnn_isa_name(isa));
        return;
    }
    for (sh = 0; sh < FA_NITEMS(shapes); sh++) {
        int m = shapes[sh][0], n = shapes[sh][1], k = shapes[sh][2], i, j, kk;
        size_t ai;
        float *a = calloc((size_t)m * (size_t)k, sizeof(float));
        float *b = calloc((size_t)k * (size_t)n, sizeof(float));
        float *bias = calloc((size_t)n, sizeof(float)), *scale = calloc((size_t)n, sizeof(float));
        float *shift = calloc((size_t)n, sizeof(float));
        float *res = calloc((size_t)m * (size_t)n, sizeof(float));
        float *c = calloc((size_t)m * (size_t)n, sizeof(float));
        float *want = calloc((size_t)m * (size_t)n, sizeof(float)), *bp;

        for (i = 0; i < m * k; i++)
            a[i] = frand(&st);
        for (i = 0; i < k * n; i++)
            b[i] = frand(&st);
        for (j = 0; j < n; j++) {
            bias[j] = frand(&st);
            scale[j] = 1.5f * frand(&st);
            shift[j] = frand(&st);
        }
        for (i = 0; i < m * n; i++)
            res[i] = frand(&st);
        bp = cnn_gemm_pack(b, k, n);
        for (ai = 0; ai < FA_NITEMS(acts); ai++) {
            struct cnn_epilogue e = { bias, scale, shift, res, n, acts[ai] };
            double tol = 1e-5 * (double)k;

            cnn_gemm_packed_ex(m, n, k, a, k, bp, &e, c, n);
            /* unfused: product + bias, then affine, then residual, then activation */
            for (i = 0; i < m; i++) {
                for (j = 0; j < n; j++) {
                    double acc = bias[j];

                    for (kk = 0; kk < k; kk++)
                        acc += (double)a[i * k + kk] * (double)b[kk * n + j];
                    want[i * n + j] = (float)acc;
                }
            }
            for (i = 0; i < m; i++)
                for (j = 0; j < n; j++)
                    want[i * n + j] = want[i * n + j] * scale[j] + shift[j];
            for (i = 0; i < m * n; i++)
                want[i] += res[i];
            cnn_activate(want, (size_t)m * (size_t)n, acts[ai]);
            for (i = 0; i < m * n; i++)
                ck_assert_msg(fabs((double)c[i] - (double)want[i]) <= tol,
                    "%s kernels, %dx%dx%d, act %d: element %d is %.7g, unfused %.7g",
                    cnn_isa_name(isa), m, n, k, (int)acts[ai], i, (double)c[i],
                    (double)want[i]);
        }
        /* the plain form is the epilogue with a bias only */
        cnn_gemm_packed(m, n, k, a, k, bp, bias, c, n);
        for (i = 0; i < m; i++)
            for (j = 0; j < n; j++) {
                double acc = bias[j];

                for (kk = 0; kk < k; kk++)
                    acc += (double)a[i * k + kk] * (double)b[kk * n + j];
                ck_assert(fabs((double)c[i * n + j] - acc) <= 1e-5 * (double)k);
            }
        free(bp);
        free(a);
        free(b);
        free(bias);
        free(scale);
        free(shift);
        free(res);
        free(c);
        free(want);
    }
    ck_assert_int_eq(cnn_isa_set(saved), 0);
}
END_TEST

/* The instruction-set names, and that the portable set is always there. */
START_TEST(test_isa_dispatch)
{
    ck_assert(cnn_isa_supported(CNN_ISA_PORTABLE));
    ck_assert_str_eq(cnn_isa_name(CNN_ISA_AVX512), "avx512");
    ck_assert_int_eq(cnn_isa_set(CNN_ISA_COUNT), -1);
    ck_assert(cnn_isa_supported(cnn_isa()));
    /* the default is the best this CPU has */
    if (getenv("FACEAUDIT_ISA") == NULL)
        ck_assert(cnn_isa() == CNN_ISA_COUNT - 1 || !cnn_isa_supported(cnn_isa() + 1));
}
END_TEST

/* ---- JSON and weights ----------------------------------------------------------------- */

static void
expect_json_error(const char *text, const char *where, const char *needle)
{
    char *cause = NULL;
    struct json *j = json_parse(text, strlen(text), "m.json", &cause);

    ck_assert_msg(j == NULL, "parsed: %s", text);
    ck_assert_msg(strstr(cause, where) != NULL && strstr(cause, needle) != NULL,
        "for %s: %s (want %s ... %s)", text, cause, where, needle);
    free(cause);
}

START_TEST(test_json_strict)
{
    const char *ok = "[{\"a\": [1, -2.5e3, true, null], \"b\\u00e9\": \"x\\ny\"}]";
    char *cause = NULL;
    struct json *j = json_parse(ok, strlen(ok), "m.json", &cause);
    const struct json *o, *a;

    ck_assert_msg(j != NULL, "%s", cause);
    ck_assert_int_eq(j->type, JSON_ARRAY);
    o = j->items[0];
    a = json_get(o, "a");
    ck_assert_uint_eq(a->n, 4);
    ck_assert_double_eq_tol(a->items[1]->num, -2500.0, 1e-9);
    ck_assert_str_eq(json_get(o, "b\xc3\xa9")->str, "x\ny");
    ck_assert_int_eq(a->items[1]->line, 1);
    ck_assert_int_eq(a->items[1]->col, 12);
    json_free(j);
    expect_json_error("[1,\n 2,]", "m.json:2:4:", "trailing comma");
    expect_json_error("{\"a\": 01}", "m.json:1:8:", "leading zero");
    expect_json_error("[1]\n  x", "m.json:2:3:", "trailing data");
    expect_json_error("{'a': 1}", "m.json:1:2:", "string key");
    expect_json_error("[\"abc", "m.json:1:", "unterminated");
    expect_json_error("{\"a\":1,\"a\":2}", "m.json:1:", "duplicate");
    expect_json_error("// c\n[]", "m.json:1:1:", "unexpected '/'");
    expect_json_error("", "m.json:1:1:", "end of input");
}
END_TEST

/* A crafted manifest: group 1 = two shards with a quantised matrix, a float32 scalar at an
 * odd offset and a float32 vector; group 2 = one shard with uint8 data. */
START_TEST(test_weights_manifest)
{
    char *dir = test_tmpdir(), *p, *cause = NULL;
    const char *manifest =
        "[\n"
        " {\"paths\": [\"a.bin\", \"b.bin\"], \"weights\": [\n"
        "  {\"name\": \"q\", \"shape\": [2, 3], \"dtype\": \"float32\",\n"
        "   \"quantization\": {\"dtype\": \"uint8\", \"scale\": 0.1, \"min\": -1.5}},\n"
        "  {\"name\": \"s\", \"shape\": [], \"dtype\": \"float32\"},\n"
        "  {\"name\": \"v\", \"shape\": [2], \"dtype\": \"float32\"}]},\n"
        " {\"paths\": [\"c.bin\"], \"weights\": [\n"
        "  {\"name\": \"i\", \"shape\": [1, 1, 1, 2], \"dtype\": \"int32\",\n"
        "   \"quantization\": {\"dtype\": \"uint8\", \"scale\": 0.5, \"min\": 0.2}}]}\n"
        "]\n";
    unsigned char a[8] = { 0, 1, 2, 3, 255, 7 }, b[16], c[2] = { 3, 4 };
    float s = 3.25f, v[2] = { -1.0f, 1e-3f };
    struct cnn_weights *w;
    const struct cnn_param *q;

    /* q: 6 bytes; s: 4 bytes starting at offset 6 (unaligned), split over a.bin / b.bin */
    memcpy(a + 6, &s, 2);
    memcpy(b, (unsigned char *)&s + 2, 2);
    memcpy(b + 2, v, 8);
    free(write_tmp(dir, "a.bin", a, 8));
    free(write_tmp(dir, "b.bin", b, 10));
    free(write_tmp(dir, "c.bin", c, 2));
    p = write_tmp(dir, "m-weights_manifest.json", manifest, strlen(manifest));
    w = cnn_weights_load_manifest(p, &cause);
    ck_assert_msg(w != NULL, "%s", cause);
    ck_assert_uint_eq(cnn_weights_count(w), 4);
    ck_assert_uint_eq(cnn_weights_file_bytes(w), 20);
    ck_assert_uint_eq(cnn_weights_nparams(w), 11);
    q = cnn_weights_find(w, "q");
    ck_assert_int_eq(q->ndim, 2);
    ck_assert(q->quantized);
    /* (float)((double)q * 0.1 + -1.5), bit for bit */
    ck_assert(same_bits(q->data[1], (float)(1.0 * 0.1 + -1.5)));
    ck_assert(same_bits(q->data[4], (float)(255.0 * 0.1 + -1.5)));
    ck_assert(same_bits(cnn_weights_find(w, "s")->data[0], 3.25f));
    ck_assert_int_eq(cnn_weights_find(w, "s")->ndim, 0);
    ck_assert(same_bits(cnn_weights_find(w, "v")->data[1], 1e-3f));
    /* int32 dequantised and rounded: 3*0.5+0.2 = 1.7 -> 2, 4*0.5+0.2 = 2.2 -> 2 */
    ck_assert(same_bits(cnn_weights_find(w, "i")->data[0], 2.0f));
    ck_assert(same_bits(cnn_weights_find(w, "i")->data[1], 2.0f));
    ck_assert_ptr_null(cnn_weights_find(w, "nope"));
    /* refcounting: the extra reference keeps it alive */
    ck_assert_ptr_eq(cnn_weights_ref(w), w);
    cnn_weights_unref(w);
    ck_assert(same_bits(cnn_weights_find(w, "s")->data[0], 3.25f));
    cnn_weights_unref(w);

    /* a short shard is named with the byte counts */
    free(write_tmp(dir, "b.bin", b, 9));
    ck_assert_ptr_null(cnn_weights_load_manifest(p, &cause));
    ck_assert_msg(strstr(cause, "17 bytes") != NULL && strstr(cause, "need 18") != NULL, "%s",
        cause);
    ck_assert_ptr_nonnull(strstr(cause, "m-weights_manifest.json:2:2:"));
    free(cause);
    /* a missing shard is named */
    free(write_tmp(dir, "b.bin", b, 10));
    {
        char *cpath = path_join(dir, "c.bin");

        unlink(cpath);
        free(cpath);
    }
    ck_assert_ptr_null(cnn_weights_load_manifest(p, &cause));
    ck_assert_ptr_nonnull(strstr(cause, "c.bin"));
    free(cause);
    free(p);
    /* bad specs say where */
    {
        const char *bad = "[{\"paths\": [\"a.bin\"], \"weights\": [\n {\"name\": \"x\", "
            "\"shape\": [2], \"dtype\": \"float32\", \"quantization\": {\"dtype\": \"int4\"}}]}]";

        p = write_tmp(dir, "bad.json", bad, strlen(bad));
    }
    ck_assert_ptr_null(cnn_weights_load_manifest(p, &cause));
    ck_assert_msg(strstr(cause, "bad.json:2:") != NULL && strstr(cause, "int4") != NULL, "%s",
        cause);
    free(cause);
    free(p);
    /* the shipped-model loader verifies first and gives the fix */
    ck_assert_ptr_null(cnn_weights_load_model(dir, "tiny_face_detector_model", &cause));
    ck_assert_ptr_nonnull(strstr(cause, "faceaudit models fetch"));
    free(cause);
    test_rmdir(dir);
}
END_TEST

START_TEST(test_weights_all_models)
{
    static const struct {
        enum cnn_model m;
        size_t tensors, bytes, params;
    } want[] = {
        { CNN_TINY_FACE_DETECTOR, 19, 193321, 193321 },
        { CNN_FACE_LANDMARK68, 49, 356840, 356840 },
        { CNN_FACE_LANDMARK68_TINY, 28, 77224, 77224 },
        { CNN_FACE_RECOGNITION, 117, 6444032, 5614592 },
        { CNN_SSD_MOBILENETV1, 151, 5616957, 5555541 },
        { CNN_AGE_GENDER, 51, 429708, 421731 },
    };
    char *dir = models_or_skip("weights of the six models"), *cause = NULL;
    size_t i, k;

    if (dir == NULL)
        return;
    for (i = 0; i < FA_NITEMS(want); i++) {
        struct cnn_weights *w = cnn_weights_load_model(dir, cnn_model_stem(want[i].m), &cause);
        struct cnn_net *net;
        size_t nf32 = 0;

        ck_assert_msg(w != NULL, "%s", cause);
        ck_assert_uint_eq(cnn_weights_count(w), want[i].tensors);
        ck_assert_uint_eq(cnn_weights_file_bytes(w), want[i].bytes);
        ck_assert_uint_eq(cnn_weights_nparams(w), want[i].params);
        for (k = 0; k < cnn_weights_count(w); k++)
            nf32 += !cnn_weights_at(w, k)->quantized;
        ck_assert_uint_eq(nf32, want[i].m == CNN_FACE_RECOGNITION ? 8 :
            want[i].m == CNN_SSD_MOBILENETV1 ? 1 : want[i].m == CNN_AGE_GENDER ? 19 : 0);
        net = cnn_net_new(want[i].m, w, 0, &cause);
        ck_assert_msg(net != NULL, "%s", cause);
        cnn_net_free(net);
        cnn_weights_unref(w);
    }
    free(dir);
}
END_TEST

/* cnn_net_run_rgb (the parity hook) is exactly the pipeline's preprocessing + forward. */
START_TEST(test_run_rgb_hook)
{
    char *dir = models_or_skip("run_rgb hook"), *cause = NULL;
    static const enum cnn_model models[] = { CNN_FACE_LANDMARK68_TINY, CNN_TINY_FACE_DETECTOR };
    struct image *img = image_new(37, 23, 3, IMAGE_F32);
    size_t i, k;

    if (dir == NULL) {
        image_free(img);
        return;
    }
    fill_random(img->f32, image_nsamples(img), 42);
    for (k = 0; k < image_nsamples(img); k++)
        img->f32[k] = roundf((img->f32[k] + 1.0f) * 127.5f);
    for (i = 0; i < FA_NITEMS(models); i++) {
        struct cnn_weights *w = cnn_weights_load_model(dir, cnn_model_stem(models[i]), &cause);
        struct cnn_net *net = cnn_net_new(models[i], w, 0, &cause);
        int size = cnn_net_input_size(net);
        size_t n = (size_t)size * (size_t)size;
        float *in = xmalloc(n * 3 * sizeof(float)), *want;
        struct cnn_outputs o;
        size_t nout;

        ck_assert_msg(net != NULL, "%s", cause);
        image_prepare(img, size, models[i] != CNN_TINY_FACE_DETECTOR, NULL, in);
        cnn_net_normalize(models[i], in, n);
        cnn_net_forward(net, in, &o);
        nout = (size_t)o.t[0].h * (size_t)o.t[0].w * (size_t)o.t[0].c;
        want = xmemdup(o.t[0].data, nout * sizeof(float));
        cnn_net_run_rgb(net, img->f32, img->width, img->height, &o);
        for (k = 0; k < nout; k++)
            ck_assert_float_eq_tol(o.t[0].data[k], want[k], 1e-7f);
        free(want);
        free(in);
        cnn_net_free(net);
        cnn_weights_unref(w);
    }
    image_free(img);
    free(dir);
}
END_TEST

START_TEST(test_net_shapes_and_steady_state)
{
    char *dir = models_or_skip("network shapes"), *cause = NULL;
    static const int sizes[] = { 416, 320, 608 };
    struct cnn_weights *w;
    struct cnn_net *net;
    struct cnn_outputs o;
    float *x;
    size_t i, before;

    if (dir == NULL)
        return;
    w = cnn_weights_load_model(dir, cnn_model_stem(CNN_TINY_FACE_DETECTOR), &cause);
    ck_assert_ptr_nonnull(w);
    for (i = 0; i < FA_NITEMS(sizes); i++) {
        size_t derived = cnn_weights_derived_floats(w);

        net = cnn_net_new(CNN_TINY_FACE_DETECTOR, w, sizes[i], &cause);
        ck_assert_msg(net != NULL, "%s", cause);
        /* filters are packed once per weights: later instances share them */
        if (i == 0)
            ck_assert_uint_gt(cnn_weights_derived_floats(w), 0);
        else
            ck_assert_uint_eq(cnn_weights_derived_floats(w), derived);
        x = xcalloc((size_t)sizes[i] * (size_t)sizes[i] * 3, sizeof(float));
        cnn_net_forward(net, x, &o);
        ck_assert_int_eq(o.n, 1);
        ck_assert_int_eq(o.t[0].h, sizes[i] / 32);
        ck_assert_int_eq(o.t[0].w, sizes[i] / 32);
        ck_assert_int_eq(o.t[0].c, 25);
        /* no allocation once the scratch has grown */
        before = cnn_net_arena(net)->nalloc;
        cnn_net_forward(net, x, &o);
        ck_assert_uint_eq(cnn_net_arena(net)->nalloc, before);
        free(x);
        cnn_net_free(net);
    }
    ck_assert_ptr_null(cnn_net_new(CNN_TINY_FACE_DETECTOR, w, 400, &cause));
    ck_assert_ptr_nonnull(strstr(cause, "multiple of 32"));
    free(cause);
    /* weights of the wrong model are refused with the missing tensor's name */
    ck_assert_ptr_null(cnn_net_new(CNN_FACE_RECOGNITION, w, 0, &cause));
    ck_assert_ptr_nonnull(strstr(cause, "conv32_down/conv/filters"));
    free(cause);
    cnn_weights_unref(w);
    free(dir);
}
END_TEST

/* ---- end to end on the bbt photos -------------------------------------------------------- */

static struct image *
load_bbt(const char *bbt, const char *rel)
{
    char *p = path_join(bbt, rel), *cause = NULL;
    struct image *img = image_load(p, NULL, &cause);

    ck_assert_msg(img != NULL, "%s", cause);
    free(p);
    return img;
}

START_TEST(test_e2e_detect_group_photos)
{
    char *dir = models_or_skip("end-to-end detection"), *bbt, *cause = NULL;
    static const char *photos[] = { "bbt1.jpg", "bbt2.jpg", "bbt3.jpg", "bbt4.jpg", "bbt5.jpg" };
    struct face_models_opts mo = { 0 };
    struct face_models *m;
    struct face_pipeline *p;
    size_t i, k;
    int kind;

    if (dir == NULL)
        return;
    bbt = bbt_or_skip("end-to-end detection");
    if (bbt == NULL) {
        free(dir);
        return;
    }
    for (kind = 0; kind < 2; kind++) {
        size_t total = 0;

        mo.detector = kind == 0 ? DETECTOR_TINY : DETECTOR_SSD;
        m = face_models_load(dir, &mo, &cause);
        ck_assert_msg(m != NULL, "%s", cause);
        p = face_pipeline_new(m, &cause);
        ck_assert_msg(p != NULL, "%s", cause);
        for (i = 0; i < FA_NITEMS(photos); i++) {
            struct image *img = load_bbt(bbt, photos[i]);
            struct face_result *f;
            size_t n;

            ck_assert_int_eq(face_pipeline_run(p, img, FACE_STAGE_LANDMARKS, &f, &n, &cause), 0);
            total += n;
            for (k = 0; k < n; k++) {
                /* a plausible face: score over the threshold, box overlapping the image,
                 * landmarks inside the (slightly extended) box, eyes above the mouth */
                ck_assert(f[k].score > 0.5f && f[k].score <= 1.0f);
                ck_assert(f[k].box.w > 10.0f && f[k].box.h > 10.0f);
                ck_assert(f[k].box.x < (float)img->width && f[k].box.y < (float)img->height);
                ck_assert(f[k].has_landmarks);
                ck_assert(f[k].landmarks[36][1] < f[k].landmarks[57][1]);
                ck_assert(f[k].landmarks[36][0] < f[k].landmarks[45][0]);
                ck_assert(f[k].landmarks[30][0] > f[k].box.x - f[k].box.w * 0.25f);
                ck_assert(f[k].landmarks[30][0] < f[k].box.x + f[k].box.w * 1.25f);
                if (k > 0)
                    ck_assert(f[k].score <= f[k - 1].score); /* NMS pick order */
            }
            if (i == 0) /* bbt1.jpg: the reference finds 2 (tiny) and 4 (ssd) faces */
                ck_assert_uint_eq(n, kind == 0 ? 2 : 4);
            free(f);
            image_free(img);
        }
        ck_assert_msg(total >= FA_NITEMS(photos), "%s found only %zu faces in 5 group photos",
            kind == 0 ? "tiny" : "ssd", total);
        face_pipeline_free(p);
        face_models_free(m);
    }
    free(bbt);
    free(dir);
}
END_TEST

START_TEST(test_e2e_same_person_closer)
{
    char *dir = models_or_skip("end-to-end descriptors"), *bbt, *cause = NULL;
    static const char *people[] = { "sheldon", "raj", "penny", "leonard", "amy" };
    float desc[5][2][FACE_DESCRIPTOR_DIM];
    struct face_models_opts mo = { 0 };
    struct face_models *m;
    struct face_pipeline *p;
    size_t i, j;
    int k;

    if (dir == NULL)
        return;
    bbt = bbt_or_skip("end-to-end descriptors");
    if (bbt == NULL) {
        free(dir);
        return;
    }
    mo.no_detector = true;
    m = face_models_load(dir, &mo, &cause);
    ck_assert_msg(m != NULL, "%s", cause);
    p = face_pipeline_new(m, &cause);
    ck_assert_msg(p != NULL, "%s", cause);
    for (i = 0; i < FA_NITEMS(people); i++) {
        for (k = 0; k < 2; k++) {
            char *rel = xasprintf("%s/%s%d.png", people[i], people[i], k + 1);
            struct image *img = load_bbt(bbt, rel);
            struct face_result r;
            float n2 = 0.0f;
            int d;

            ck_assert_int_eq(face_pipeline_run_cropped(p, img, &r, &cause), 0);
            ck_assert(r.has_descriptor);
            memcpy(desc[i][k], r.descriptor, sizeof r.descriptor);
            for (d = 0; d < FACE_DESCRIPTOR_DIM; d++)
                n2 += r.descriptor[d] * r.descriptor[d];
            /* not L2-normalised: the reference's norms are about 1.4 */
            ck_assert(sqrtf(n2) > 1.0f && sqrtf(n2) < 2.0f);
            image_free(img);
            free(rel);
        }
    }
    for (i = 0; i < FA_NITEMS(people); i++) {
        float same = face_distance_euclidean(desc[i][0], desc[i][1], FACE_DESCRIPTOR_DIM);

        ck_assert_msg(same < FACE_MATCH_THRESHOLD, "%s vs %s: %.3f", people[i], people[i],
            (double)same);
        for (j = 0; j < FA_NITEMS(people); j++) {
            float diff;

            if (j == i)
                continue;
            diff = face_distance_euclidean(desc[i][0], desc[j][0], FACE_DESCRIPTOR_DIM);
            ck_assert_msg(same < diff, "%s: same %.3f >= different (%s) %.3f", people[i],
                (double)same, people[j], (double)diff);
        }
    }
    /* cosine distance agrees on the ordering */
    ck_assert(face_distance_cosine(desc[0][0], desc[0][1], FACE_DESCRIPTOR_DIM) <
        face_distance_cosine(desc[0][0], desc[1][0], FACE_DESCRIPTOR_DIM));
    ck_assert_float_eq_tol(face_distance_cosine(desc[0][0], desc[0][0], FACE_DESCRIPTOR_DIM),
        0.0f, 1e-6f);
    face_pipeline_free(p);
    face_models_free(m);
    free(bbt);
    free(dir);
}
END_TEST

struct thread_job {
    const struct face_models *models;
    const struct image *img[2];
    float desc[2][FACE_DESCRIPTOR_DIM];
    int rc;
};

/* One pipeline per thread on shared models: describe two faces a few times. */
static void *
thread_main(void *arg)
{
    struct thread_job *job = arg;
    struct face_pipeline *p = face_pipeline_new(job->models, NULL);
    struct face_result r;
    int round, k;

    job->rc = p == NULL ? -1 : 0;
    for (round = 0; p != NULL && round < 3; round++) {
        for (k = 0; k < 2; k++) {
            if (face_pipeline_run_cropped(p, job->img[k], &r, NULL) != 0 || !r.has_descriptor)
                job->rc = -1;
            memcpy(job->desc[k], r.descriptor, sizeof r.descriptor);
        }
    }
    face_pipeline_free(p);
    return NULL;
}

START_TEST(test_threads_share_models)
{
    char *dir = models_or_skip("threads"), *bbt, *cause = NULL;
    struct face_models_opts mo = { 0 };
    struct face_models *m;
    struct thread_job jobs[2];
    struct image *img[2];
    pthread_t th[2];
    int t, k, d;

    if (dir == NULL)
        return;
    bbt = bbt_or_skip("threads");
    if (bbt == NULL) {
        free(dir);
        return;
    }
    mo.no_detector = true;
    m = face_models_load(dir, &mo, &cause);
    ck_assert_msg(m != NULL, "%s", cause);
    img[0] = load_bbt(bbt, "howard/howard1.png");
    img[1] = load_bbt(bbt, "amy/amy1.png");
    for (t = 0; t < 2; t++) {
        jobs[t].models = m;
        jobs[t].img[0] = img[t];
        jobs[t].img[1] = img[1 - t];
        ck_assert_int_eq(pthread_create(&th[t], NULL, thread_main, &jobs[t]), 0);
    }
    for (t = 0; t < 2; t++)
        ck_assert_int_eq(pthread_join(th[t], NULL), 0);
    /* the models may go while nothing uses them; results equal across threads */
    face_models_free(m);
    for (t = 0; t < 2; t++)
        ck_assert_int_eq(jobs[t].rc, 0);
    for (k = 0; k < 2; k++)
        for (d = 0; d < FACE_DESCRIPTOR_DIM; d++)
            ck_assert_float_eq_tol(jobs[0].desc[k][d], jobs[1].desc[1 - k][d], 1e-6f);
    image_free(img[0]);
    image_free(img[1]);
    free(bbt);
    free(dir);
}
END_TEST

/* The layer-major batch gives each face exactly its single-pass descriptor. */
START_TEST(test_batch_descriptors)
{
    char *dir = models_or_skip("batched descriptors"), *bbt, *cause = NULL;
    static const char *rel[] = { "raj/raj3.png", "penny/penny2.png", "howard/howard4.png" };
    struct face_models_opts mo = { 0 };
    struct face_models *m;
    struct face_pipeline *p;
    struct embedder *e;
    const struct image *faces[3];
    struct image *img[3], *group;
    float many[3][FACE_DESCRIPTOR_DIM], one[FACE_DESCRIPTOR_DIM];
    struct face_result *f;
    size_t i, n;
    int d;

    if (dir == NULL)
        return;
    bbt = bbt_or_skip("batched descriptors");
    if (bbt == NULL) {
        free(dir);
        return;
    }
    mo.detector = DETECTOR_SSD;
    m = face_models_load(dir, &mo, &cause);
    ck_assert_msg(m != NULL, "%s", cause);
    p = face_pipeline_new(m, &cause);
    ck_assert_msg(p != NULL, "%s", cause);
    e = face_pipeline_embedder(p);
    for (i = 0; i < 3; i++) {
        img[i] = load_bbt(bbt, rel[i]);
        faces[i] = img[i];
    }
    ck_assert_int_eq(embedder_run_many(e, faces, 3, many, &cause), 0);
    for (i = 0; i < 3; i++) {
        ck_assert_int_eq(embedder_run(e, faces[i], one, &cause), 0);
        for (d = 0; d < FACE_DESCRIPTOR_DIM; d++)
            ck_assert_float_eq_tol(many[i][d], one[d], 1e-6f);
    }
    /* the pipeline batches the faces of a group photo: same as one by one */
    group = load_bbt(bbt, "bbt1.jpg");
    ck_assert_int_eq(face_pipeline_run(p, group, FACE_STAGE_DESCRIPTOR, &f, &n, &cause), 0);
    ck_assert_uint_eq(n, 4);
    for (i = 0; i < n; i++) {
        struct image *crop = image_crop(group, f[i].aligned.x, f[i].aligned.y, f[i].aligned.w,
            f[i].aligned.h, NULL, NULL, NULL, NULL);

        ck_assert(f[i].has_descriptor);
        ck_assert_int_eq(embedder_run(e, crop, one, &cause), 0);
        for (d = 0; d < FACE_DESCRIPTOR_DIM; d++)
            ck_assert_float_eq_tol(f[i].descriptor[d], one[d], 1e-6f);
        image_free(crop);
    }
    free(f);
    image_free(group);
    for (i = 0; i < 3; i++)
        image_free(img[i]);
    face_pipeline_free(p);
    face_models_free(m);
    free(bbt);
    free(dir);
}
END_TEST

START_TEST(test_nms_orders)
{
    struct face_detection c[4] = {
        { { 0, 0, 10, 10 }, 0.6f },
        { { 1, 1, 10, 10 }, 0.9f },   /* overlaps the first: IoU 81/119 = 0.68 */
        { { 50, 50, 10, 10 }, 0.7f },
        { { 50, 55, 10, 10 }, 0.7f }, /* IoU with the previous 50/150 = 0.33 */
    };
    struct face_detection d[4];
    struct fa_box a = { 0, 0, 10, 10 }, b = { 5, 0, 10, 10 }, z = { 0, 0, 0, 5 };

    ck_assert_float_eq_tol(detect_iou(&a, &b), 50.0f / 150.0f, 1e-6f);
    ck_assert_float_eq_tol(detect_iou(&a, &z), 0.0f, 1e-7f);
    memcpy(d, c, sizeof c);
    /* tiny: 0.4 -> keep both at (50,*): IoU 0.33 <= 0.4; ties: the later one is picked first */
    ck_assert_uint_eq(detect_nms_tiny(d, 4, 0.4f), 3);
    ck_assert_float_eq_tol(d[0].score, 0.9f, 1e-7f);
    ck_assert_float_eq_tol(d[1].box.y, 55.0f, 1e-7f);
    ck_assert_float_eq_tol(d[2].box.y, 50.0f, 1e-7f);
    memcpy(d, c, sizeof c);
    /* ssd: descending stable (the earlier of equal scores first), 0.3 suppresses the pair */
    ck_assert_uint_eq(detect_nms_ssd(d, 4, 0.3f, 100), 2);
    ck_assert_float_eq_tol(d[1].box.y, 50.0f, 1e-7f);
    memcpy(d, c, sizeof c);
    ck_assert_uint_eq(detect_nms_ssd(d, 4, 0.5f, 2), 2);
}
END_TEST

Suite *recog_suite(void);

Suite *
recog_suite(void)
{
    Suite *s = suite_create("recog");
    TCase *tc;

    tc = tcase_create("images");
    tcase_add_test(tc, test_pnm_png_same_pixels);
    tcase_add_test(tc, test_grey_becomes_rgb);
    tcase_add_test(tc, test_convert_and_write_ppm);
    tcase_add_test(tc, test_jpeg_decode_and_scale);
    tcase_add_test(tc, test_jpeg_exif_orientations);
    tcase_add_test(tc, test_bad_files);
    tcase_add_test(tc, test_sniff_unsupported_named);
    tcase_add_test(tc, test_webp_by_content);
    tcase_add_test(tc, test_resize_bilinear);
    tcase_add_test(tc, test_pad_square);
    tcase_add_test(tc, test_prepare_equals_pad_then_resize);
    tcase_add_test(tc, test_crop_clip);
    tcase_add_test(tc, test_orient_roundtrip);
    suite_add_tcase(s, tc);

    tc = tcase_create("layers");
    /* the conv cases compute double references of up to 11 M multiply-adds on each instruction
     * set: about a second of CPU, more than the default 4 s of wall time on a loaded machine */
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_tf_padding);
    tcase_add_test(tc, test_conv_same_asymmetric);
    tcase_add_test(tc, test_conv_channels_and_epilogue);
    tcase_add_loop_test(tc, test_conv_paths_agree, 0, CNN_ISA_COUNT);
    tcase_add_loop_test(tc, test_conv_many_agrees, 0, CNN_ISA_COUNT);
    tcase_add_test(tc, test_depthwise);
    tcase_add_loop_test(tc, test_depthwise_kernels_agree, 0, CNN_ISA_COUNT);
    tcase_add_loop_test(tc, test_maxpool2_rows_agree, 0, CNN_ISA_COUNT);
    tcase_add_loop_test(tc, test_conv_pool_fused_agrees, 0, CNN_ISA_COUNT);
    tcase_add_test(tc, test_pooling_edges);
    tcase_add_test(tc, test_dense_and_activations);
    tcase_add_test(tc, test_gemm_wrapper);
    tcase_add_loop_test(tc, test_gemm_fused_epilogue, 0, CNN_ISA_COUNT);
    tcase_add_test(tc, test_isa_dispatch);
    tcase_add_test(tc, test_nms_orders);
    suite_add_tcase(s, tc);

    tc = tcase_create("weights");
    tcase_set_timeout(tc, 300); /* loads and verifies every model: slow under sanitizers */
    tcase_add_test(tc, test_json_strict);
    tcase_add_test(tc, test_weights_manifest);
    tcase_add_test(tc, test_weights_all_models);
    tcase_add_test(tc, test_net_shapes_and_steady_state);
    tcase_add_test(tc, test_run_rgb_hook);
    suite_add_tcase(s, tc);

    tc = tcase_create("e2e");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_e2e_detect_group_photos);
    tcase_add_test(tc, test_e2e_same_person_closer);
    tcase_add_test(tc, test_threads_share_models);
    tcase_add_test(tc, test_batch_descriptors);
    suite_add_tcase(s, tc);
    return s;
}
