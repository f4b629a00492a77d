/* SPDX-License-Identifier: MIT */
/*
 * fuzz_image.c - the image decoders (JPEG through libjpeg-turbo with its
 * scaled decode and EXIF orientation, PNG through libpng, binary PGM/PPM)
 * behind image_decode(), with a small pixel limit so hostile headers are
 * refused before allocation.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "faceaudit/image.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct image_load_opts opts;
    struct image *img;
    char *cause = NULL;

    memset(&opts, 0, sizeof opts);
    opts.max_pixels = 4u << 20;
    /* The last byte picks the JPEG scale (1, 1/2, 1/4, 1/8) so all are exercised:
     * the first is the format's magic (0xff would always mean 1/8), and bytes
     * after the end of an image are ignored by every decoder. */
    opts.scale_denom = size > 0 ? 1 << (data[size - 1] & 3) : 1;
    img = image_decode(data, size, "fuzz", &opts, &cause);
    image_free(img);
    free(cause);
    return 0;
}
