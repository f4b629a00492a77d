/* SPDX-License-Identifier: MIT */
#ifndef FA_TUI_LESSON_H
#define FA_TUI_LESSON_H
/*
 * tui_lesson.h - showing a trainer lesson's steps on the workbench model (no
 * curses). The lesson format, its parser and the quiz answer matcher are the
 * app module's (faceaudit/lesson.h, faceaudit-lesson(5)); this file only
 * replays a lesson's fact changes and readings on a tui_model.
 */

#include <stddef.h>

#include "faceaudit/lesson.h"

struct strbuf;
struct tui_model;
/*
 * Show step k (0-based) in the model: reopen the lesson's scenario, select
 * the readings chosen up to step k on the model's pack (the others back to
 * literal), apply the changes of the steps before it (the trainee's
 * `await: set-fact` changes included), audit, then apply step k's own `set:`
 * changes through the history, so the board marks what this step changed.
 * Step k's `await: set-fact PATH = VALUE` change is left to the trainee.
 */
int tui_lesson_goto(struct tui_model *m, const struct lesson *l, size_t k, char **cause);
/* Make step k's `await: set-fact` change as the trainee would (through the history). */
int tui_lesson_apply_trainee(struct tui_model *m, const struct lesson *l, size_t k,
    char **cause);
/* Step k's expectations that the model's verdict contradicts; one line each to log. */
size_t tui_lesson_check_step(const struct tui_model *m, const struct lesson *l, size_t k,
    struct strbuf *log);

#endif /* FA_TUI_LESSON_H */
