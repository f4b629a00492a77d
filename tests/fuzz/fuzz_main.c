/* SPDX-License-Identifier: MIT */
/*
 * fuzz_main.c - replay driver for fuzz targets without libFuzzer: feeds
 * every file named on the command line (folders are walked one level) to
 * LLVMFuzzerTestOneInput. With no arguments it replays the target's corpus,
 * $top_srcdir/tests/fuzz/corpus/FA_FUZZ_NAME. A crash or sanitizer report
 * fails the test; the file being replayed is printed first.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/vec.h"
#include "faceaudit/xmalloc.h"
#include "fuzz.h"

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
collect(const char *path, struct vec *files)
{
    DIR *d;
    struct dirent *de;

    if (!fs_is_dir(path)) {
        vec_push(files, xstrdup(path));
        return;
    }
    if ((d = opendir(path)) == NULL)
        return;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] != '.')
            vec_push(files, path_join(path, de->d_name));
    }
    closedir(d);
}

int
main(int argc, char **argv)
{
    const char *top = getenv("top_srcdir");
    struct vec files;
    size_t i;
    int a;

    vec_init(&files, free);
    if (argc < 2) {
        char *dir = xasprintf("%s/tests/fuzz/corpus/%s", top != NULL ? top : ".", FA_FUZZ_NAME);

        collect(dir, &files);
        free(dir);
    }
    for (a = 1; a < argc; a++)
        collect(argv[a], &files);
    vec_sort(&files, cmp_str);
    if (files.len == 0) {
        fprintf(stderr, "%s: no inputs\n", FA_FUZZ_NAME);
        vec_done(&files);
        return 1;
    }
    for (i = 0; i < files.len; i++) {
        size_t len;
        char *cause = NULL, *data = fs_read_file(vec_get(&files, i), 64 << 20, &len, &cause);

        if (data == NULL) {
            fprintf(stderr, "%s\n", cause);
            free(cause);
            vec_done(&files);
            return 1;
        }
        fprintf(stderr, "replay %s (%zu bytes)\n", (const char *)vec_get(&files, i), len);
        LLVMFuzzerTestOneInput((const uint8_t *)data, len);
        free(data);
    }
    printf("%s: %zu inputs replayed without a crash\n", FA_FUZZ_NAME, files.len);
    vec_done(&files);
    return 0;
}
