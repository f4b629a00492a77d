/* SPDX-License-Identifier: MIT */
/*
 * fuzz_waivers.c - the waivers file (YAML through libcyaml, then validation
 * against the bundled rule pack: rule ids with hints, non-waivable rules,
 * author and approver, dates and their order, scopes). Seeds in
 * tests/fuzz/corpus/waivers/; the pack is $top_srcdir/rules (or ./rules).
 */
#include "config.h"

#include <stdlib.h>

#include "faceaudit/rule.h"
#include "faceaudit/xmalloc.h"
#include "fuzz.h"
#include "fuzz_tmpfile.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct rule_pack *pack;
    struct waivers *w;
    char *cause = NULL;

    if (pack == NULL) {
        const char *top = getenv("top_srcdir");
        char *dir = xasprintf("%s/rules", top != NULL && *top != '\0' ? top : ".");

        if ((pack = rule_pack_load(dir, &cause)) == NULL)
            abort(); /* the bundled pack must load */
        free(dir);
    }
    w = waivers_load(fuzz_tmpfile("waivers.yaml", data, size), pack, &cause);
    waivers_free(w);
    free(cause);
    return 0;
}
