/* SPDX-License-Identifier: MIT */
/*
 * image_limit.c - the one check every decoder makes on the size a file
 * declares, before anything is allocated: not empty, within the pixel limit,
 * and small enough for the file to hold at the format's best compression
 * (a decompression bomb declares far more pixels than its bytes can encode).
 */
#include "config.h"

#include "faceaudit/image.h"

#include <stdint.h>

#include "faceaudit/log.h"

size_t
image_pixel_limit(const struct image_load_opts *opts)
{
    return opts != NULL && opts->max_pixels != 0 ? opts->max_pixels : IMAGE_DEFAULT_MAX_PIXELS;
}

int
image_check_declared(const char *name, uint64_t w, uint64_t h, uint64_t min_file_bytes,
    size_t len, const struct image_load_opts *opts, char **cause)
{
    uint64_t limit = image_pixel_limit(opts);

    if (w == 0 || h == 0)
        return cause_set(cause, "%s: image is %llux%llu: no pixels", name,
            (unsigned long long)w, (unsigned long long)h);
    /* w and h are at most 2^32 each here, so w * h does not overflow */
    if (w > limit || h > limit || w * h > limit)
        return cause_set(cause, "%s: image is %llux%llu (%llu pixels), over the limit of %llu "
            "pixels", name, (unsigned long long)w, (unsigned long long)h,
            (unsigned long long)(w * h), (unsigned long long)limit);
    if (min_file_bytes > len)
        return cause_set(cause, "%s: declares %llux%llu pixels, which need at least %llu bytes "
            "in this format, but the file has %zu: a decompression bomb or a truncated file",
            name, (unsigned long long)w, (unsigned long long)h,
            (unsigned long long)min_file_bytes, len);
    return 0;
}
