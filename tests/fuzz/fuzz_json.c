/* SPDX-License-Identifier: MIT */
/*
 * fuzz_json.c - the strict JSON reader of the weights manifests
 * (src/core/json.c), then the manifest loader on the same text.
 */
#include "config.h"

#include <stdlib.h>

#include "faceaudit/cnn.h"
#include "fuzz.h"
#include "fuzz_tmpfile.h"
#include "faceaudit/json.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *cause = NULL;
    struct json *j = json_parse((const char *)data, size, "fuzz.json", &cause);
    struct cnn_weights *w;

    json_free(j);
    free(cause);
    cause = NULL;
    if (j != NULL) {
        w = cnn_weights_load_manifest(fuzz_tmpfile("m-weights_manifest.json", data, size),
            &cause);
        if (w != NULL)
            cnn_weights_unref(w);
        free(cause);
    }
    return 0;
}
