/* SPDX-License-Identifier: MIT */
/*
 * fuzz_ds_lfw.c - the lfw dataset loader (dataset_load with format "lfw") on
 * hostile manifests: quoting, field counts, numbers, paths, limits.
 */
#include "config.h"

#include <stdlib.h>

#include "faceaudit/dataset.h"
#include "fuzz.h"
#include "fuzz_tmpfile.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ds_options opt = { "lfw", 10000, false, NULL };
    char *cause = NULL;
    struct dataset *ds = dataset_load(fuzz_tmpfile("pairs.txt", data, size), &opt, &cause);

    dataset_free(ds);
    free(cause);
    return 0;
}
