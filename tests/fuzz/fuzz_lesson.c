/* SPDX-License-Identifier: MIT */
/*
 * fuzz_lesson.c - the trainer lesson script parser (src/tui/tui_lesson.c):
 * keys, continuation lines, set/expect/quiz syntax, step structure.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "faceaudit/xmalloc.h"
#include "fuzz.h"
#include "tui/tui_lesson.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xmalloc(size + 1), *cause = NULL;
    struct tui_lesson *l;

    memcpy(text, data, size);
    text[size] = '\0';
    l = tui_lesson_parse("fuzz.lesson", text, &cause);
    tui_lesson_free(l);
    free(cause);
    free(text);
    return 0;
}
