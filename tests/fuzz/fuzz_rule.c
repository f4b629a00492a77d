/* SPDX-License-Identifier: MIT */
/*
 * fuzz_rule.c - the rule language front end: lexer (strings, escapes,
 * numbers, dates, durations, clause numbers, hyphenated ids), parser
 * (article header, scope, rules, nested expressions, message templates,
 * depth limit), checker (fact paths, enums, types, builtins) and, for a
 * pack that loads, the canonical pretty-printer and a re-parse of its
 * output, which must load too.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "faceaudit/rule.h"
#include "faceaudit/xmalloc.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *cause = NULL, *text;
    struct rule_pack *pack;
    int a;

    if (size > RULE_MAX_FILE_SIZE)
        return 0;
    text = xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    if (memchr(text, '\0', size) != NULL) {
        free(text);
        return 0;
    }
    pack = rule_pack_load_string("fuzz.rule", text, &cause);
    if (pack != NULL) {
        for (a = 1; a <= RULE_NARTICLES; a++) {
            char *out = rule_pack_format_article(pack, a), *c2 = NULL;
            struct rule_pack *again;

            if (out == NULL)
                continue;
            /* the canonical form of a valid pack is a valid pack */
            if ((again = rule_pack_load_string("again.rule", out, &c2)) == NULL)
                abort();
            rule_pack_free(again);
            free(out);
        }
        rule_pack_free(pack);
    }
    free(cause);
    free(text);
    return 0;
}
