/* SPDX-License-Identifier: MIT */
/*
 * fuzz_footage.c - a recorded deployment's footage.csv (core's CSV reader
 * under its bounds: size, rows, fields, field length; the start column's
 * date and clock) and, from the same bytes up to the first NUL, a
 * collection_area polygon (3..64 finite points). Seeds in
 * tests/fuzz/corpus/footage/.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "faceaudit/sim.h"
#include "faceaudit/video.h"
#include "faceaudit/xmalloc.h"
#include "fuzz.h"
#include "fuzz_tmpfile.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct video_polygon poly;
    char *text = xstrndup((const char *)data, size), *cause = NULL;
    fa_date first, last;

    fuzz_tmpfile("footage.csv", data, size);
    if (footage_range(fuzz_tmpdir, NULL, &first, &last, &cause) == 0 && first > last)
        abort();
    free(cause);
    cause = NULL;
    if (video_polygon_parse(text, &poly, &cause) == 0) {
        if (poly.n < 3 || poly.n > 64)
            abort();
        (void)video_polygon_contains(&poly, 1.0f, 1.0f);
        video_polygon_done(&poly);
    }
    free(cause);
    free(text);
    return 0;
}
