/* SPDX-License-Identifier: MIT */
/*
 * fuzz_video.c - any container and codec the installed FFmpeg decodes,
 * from a memory buffer through video_open_mem (our own I/O context; no
 * other file may be opened) under small limits: 1 MiB, 60 s declared,
 * 64 frames, 256x256 pixels; every frame decoded and converted to RGB.
 * Seeds in tests/fuzz/corpus/video/ (tiny testsrc clips, no faces).
 */
#include "config.h"

#include <stdlib.h>

#include "faceaudit/video.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct video_opts o = { 0 };
    struct video_frame f;
    struct video *v;
    char *cause = NULL;
    int n = 0;

    o.threads = 1;
    o.max_pixels = 256 * 256;
    o.max_bytes = 1 << 20;
    o.max_seconds = 60;
    o.max_frames = 64;
    if ((v = video_open_mem(data, size, "fuzz", &o, &cause)) != NULL) {
        while (video_next(v, &f, &cause) == 1) {
            if (f.img == NULL || f.img->width <= 0 || f.img->height <= 0 ||
                (int64_t)f.img->width * f.img->height > o.max_pixels)
                abort();
            if (++n > 64)
                abort();
        }
        video_close(v);
    }
    free(cause);
    return 0;
}
