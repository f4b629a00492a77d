/* SPDX-License-Identifier: MIT */
#ifndef FA_FUZZ_TMPFILE_H
#define FA_FUZZ_TMPFILE_H
/*
 * fuzz_tmpfile.h - for loaders that read a path: write the input to a
 * per-process file (same name every iteration) and return its path.
 */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "faceaudit/fsutil.h"

static char fuzz_tmpdir[256];

static void
fuzz_tmpfile_cleanup(void)
{
    fs_remove_tree(fuzz_tmpdir, NULL);
}

static const char *
fuzz_tmpfile(const char *name, const uint8_t *data, size_t size)
{
    static char path[512];
    char *dir = fuzz_tmpdir;

    if (dir[0] == '\0') {
        const char *t = getenv("TMPDIR");

        snprintf(fuzz_tmpdir, sizeof fuzz_tmpdir, "%s/fa-fuzz.%ld",
            t != NULL && *t != '\0' ? t : "/tmp", (long)getpid());
        fs_mkdir_p(fuzz_tmpdir, 0700, NULL);
        atexit(fuzz_tmpfile_cleanup);
    }
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    /* A plain write: fs_write_atomic's fsync would cost more than the parse. */
    if ((f = fopen(path, "wb")) == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    return path;
}

#endif /* FA_FUZZ_TMPFILE_H */
