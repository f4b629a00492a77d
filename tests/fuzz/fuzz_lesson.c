/* SPDX-License-Identifier: MIT */
/*
 * fuzz_lesson.c - the trainer lesson script parser (src/app/app_lesson.c):
 * keys, continuation lines, set/expect/await/quiz syntax, [[hidden]]
 * markers, step structure; then the answer matcher on the input and on each
 * step's answer.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "faceaudit/lesson.h"
#include "faceaudit/xmalloc.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xmalloc(size + 1), *cause = NULL;
    struct lesson *l;
    size_t i;

    memcpy(text, data, size);
    text[size] = '\0';
    l = lesson_parse("fuzz.lesson", text, &cause);
    (void)lesson_answer_matches(text, "needs evidence");
    (void)lesson_answer_matches(text, "13");
    for (i = 0; l != NULL && i < l->nsteps; i++) {
        char *d = lesson_await_describe(&l->steps[i].await);

        free(d);
        if (l->steps[i].answer != NULL)
            (void)lesson_answer_matches(l->steps[i].quiz_text, l->steps[i].answer);
    }
    lesson_free(l);
    free(cause);
    free(text);
    return 0;
}
