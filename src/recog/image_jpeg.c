/* SPDX-License-Identifier: MIT */
/*
 * image_jpeg.c - JPEG decoding with libjpeg-turbo (the only file that
 * includes jpeglib.h): 8-bit RGB out of grey, YCbCr, RGB, CMYK and YCCK
 * files, DCT-domain scaled decoding at 1/2, 1/4 and 1/8, and the EXIF
 * orientation (the APP1 block is kept by libjpeg and parsed by
 * image_exif_orientation in image.c).
 *
 * libjpeg reports fatal errors through error_exit, which must not return:
 * ours formats the message and longjmps back to the decoder, which frees
 * everything (the pixel buffer lives in a volatile pointer) and returns a
 * cause naming the file. A premature end of data or a corrupt entropy
 * stream, which libjpeg treats as warnings and papers over with grey, are
 * errors here: a damaged file must not decode into a plausible image.
 */
#include "config.h"

#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

#include "faceaudit/compat.h"
#include "faceaudit/image.h"
#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

struct fa_jpeg_err {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
    char msg[JMSG_LENGTH_MAX];
};

static void
fa_jpeg_error_exit(j_common_ptr cinfo)
{
    struct fa_jpeg_err *err = (struct fa_jpeg_err *)(void *)cinfo->err;

    err->mgr.format_message(cinfo, err->msg);
    longjmp(err->jump, 1);
}

static void
fa_jpeg_emit(j_common_ptr cinfo, int level)
{
    struct fa_jpeg_err *err = (struct fa_jpeg_err *)(void *)cinfo->err;

    if (level >= 0)
        return; /* trace messages */
    /*
     * Warnings about the entropy-coded data (truncation, bad Huffman codes,
     * lost restart markers) mean libjpeg is filling in pixels it never read:
     * fatal. Others (extraneous bytes between markers...) are harmless.
     */
    if (err->mgr.msg_code == JWRN_JPEG_EOF || err->mgr.msg_code == JWRN_HIT_MARKER ||
        err->mgr.msg_code == JWRN_HUFF_BAD_CODE || err->mgr.msg_code == JWRN_MUST_RESYNC) {
        err->mgr.format_message(cinfo, err->msg);
        longjmp(err->jump, 1);
    }
    err->mgr.num_warnings++;
}

static void
fa_jpeg_output(j_common_ptr cinfo)
{
    (void)cinfo;
}

/* Decode a JPEG; returns a new RGB uint8 image or NULL with *cause. */
struct image *
image_decode_jpeg(const void *buf, size_t len, const char *name,
    const struct image_load_opts *opts, char **cause)
{
    size_t limit = image_pixel_limit(opts);
    int denom = opts != NULL && opts->scale_denom > 1 ? opts->scale_denom : 1;
    bool exif = opts == NULL || !opts->no_exif;
    struct jpeg_decompress_struct cinfo;
    struct fa_jpeg_err jerr;
    struct image_load_opts full = { 0, 1, false };
    struct image *volatile img = NULL;
    unsigned char *volatile cmyk = NULL;
    jpeg_saved_marker_ptr mk;
    volatile int orientation = 1;
    size_t npix;
    bool is_cmyk;

    if (denom != 1 && denom != 2 && denom != 4 && denom != 8) {
        cause_set(cause, "%s: JPEG scale must be 1/1, 1/2, 1/4 or 1/8, not 1/%d", name, denom);
        return NULL;
    }
    if (len > (size_t)(unsigned long)-1) {
        cause_set(cause, "%s: file too large", name);
        return NULL;
    }
    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = jpeg_std_error(&jerr.mgr);
    jerr.mgr.error_exit = fa_jpeg_error_exit;
    jerr.mgr.emit_message = fa_jpeg_emit;
    jerr.mgr.output_message = fa_jpeg_output;
    jerr.msg[0] = '\0';
    if (setjmp(jerr.jump)) {
        cause_set(cause, "%s: bad JPEG file: %s", name, jerr.msg);
        jpeg_destroy_decompress(&cinfo);
        image_free(img);
        free(cmyk);
        return NULL;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, buf, (unsigned long)len);
    if (exif)
        jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xffff);
    jpeg_read_header(&cinfo, TRUE);
    /* the declared size before anything is allocated for it: a Huffman-coded
     * scan spends at least one bit on every 8x8 luma block (arithmetic coding
     * can spend less: only the pixel limit applies there). The pixel limit
     * is on the decoded size, so at 1/denom scale the file may declare more. */
    full.max_pixels = limit * (size_t)denom * (size_t)denom;
    if (image_check_declared(name, cinfo.image_width, cinfo.image_height,
            cinfo.arith_code ? 0 : ((uint64_t)(cinfo.image_width + 7) / 8 *
            ((cinfo.image_height + 7) / 8) + 7) / 8, len, &full, cause) == -1) {
        jpeg_destroy_decompress(&cinfo);
        return NULL;
    }
    /* libjpeg's own buffers (whole-image coefficients of progressive files)
     * stay under this; beyond it decoding fails instead of growing */
    cinfo.mem->max_memory_to_use = (long)FA_MIN(limit * 6, (size_t)LONG_MAX / 2);
    is_cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    cinfo.out_color_space = is_cmyk ? JCS_CMYK : JCS_RGB;
    cinfo.scale_num = 1;
    cinfo.scale_denom = (unsigned)denom;
    jpeg_calc_output_dimensions(&cinfo);
    npix = (size_t)cinfo.output_width * (size_t)cinfo.output_height;
    if (cinfo.output_width == 0 || cinfo.output_height == 0 || npix > limit ||
        cinfo.output_width > 0x7fffffffU || cinfo.output_height > 0x7fffffffU) {
        cause_set(cause, "%s: image is %ux%u (%zu pixels), over the limit of %zu pixels", name,
            cinfo.output_width, cinfo.output_height, npix, limit);
        jpeg_destroy_decompress(&cinfo);
        return NULL;
    }
    for (mk = cinfo.marker_list; mk != NULL; mk = mk->next) {
        if (mk->marker == JPEG_APP0 + 1 && mk->data_length >= 6 &&
            memcmp(mk->data, "Exif\0\0", 6) == 0) {
            orientation = image_exif_orientation(mk->data, mk->data_length);
            break;
        }
    }
    jpeg_start_decompress(&cinfo);
    if (cinfo.output_components != (is_cmyk ? 4 : 3)) {
        cause_set(cause, "%s: unexpected JPEG output with %d components", name,
            cinfo.output_components);
        jpeg_destroy_decompress(&cinfo);
        return NULL;
    }
    img = image_new((int)cinfo.output_width, (int)cinfo.output_height, 3, IMAGE_U8);
    if (is_cmyk)
        cmyk = xmalloc((size_t)cinfo.output_width * 4);
    while (cinfo.output_scanline < cinfo.output_height) {
        unsigned char *row = img->u8 + (size_t)cinfo.output_scanline * cinfo.output_width * 3;
        JSAMPROW rp = is_cmyk ? cmyk : row;

        if (jpeg_read_scanlines(&cinfo, &rp, 1) != 1)
            ERREXIT(&cinfo, JERR_INPUT_EOF);
        if (is_cmyk) {
            /* Adobe CMYK JPEGs are stored inverted: R = C * K / 255 */
            JDIMENSION x;

            for (x = 0; x < cinfo.output_width; x++) {
                unsigned k = cmyk[4 * x + 3];

                row[3 * x] = (unsigned char)((cmyk[4 * x] * k + 127) / 255);
                row[3 * x + 1] = (unsigned char)((cmyk[4 * x + 1] * k + 127) / 255);
                row[3 * x + 2] = (unsigned char)((cmyk[4 * x + 2] * k + 127) / 255);
            }
        }
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    free(cmyk);
    if (orientation != 1) {
        struct image *o = image_orient(img, orientation);

        image_free(img);
        return o;
    }
    return img;
}
