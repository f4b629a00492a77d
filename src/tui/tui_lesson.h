/* SPDX-License-Identifier: MIT */
#ifndef FA_TUI_LESSON_H
#define FA_TUI_LESSON_H
/*
 * tui_lesson.h - showing a trainer lesson's steps on the workbench model (no
 * curses). The lesson format, its parser and the quiz answer matcher are the
 * app module's (faceaudit/lesson.h, faceaudit-lesson(5)); this file only
 * replays a lesson's fact changes and readings on the what-if session
 * (faceaudit/app_whatif.h).
 */

#include <stddef.h>

#include "faceaudit/lesson.h"

struct strbuf;
struct app_whatif;
/*
 * Show step k (0-based) in the model: reopen the lesson's scenario, select
 * the readings chosen up to step k on the model's pack (the others back to
 * literal), apply the changes of the steps before it (the trainee's
 * `await: set-fact` changes included; one audit per step), then step k's own
 * `set:` changes as ONE change through the history (one contradiction check,
 * one audit, one undo step), so the board marks what this step changed.
 * Step k's `await: set-fact PATH = VALUE` change is left to the trainee.
 */
int tui_lesson_goto(struct app_whatif *w, const struct lesson *l, size_t k, char **cause);
/* Make step k's `await: set-fact` change as the trainee would (through the history). */
int tui_lesson_apply_trainee(struct app_whatif *w, const struct lesson *l, size_t k,
    char **cause);
/*
 * Whether step k's `await: set-fact` goal is reached on the model: the fact
 * now has the awaited value (blanks ignored; "unknown" for an unknown fact),
 * or, without a value, an edit in the undo history changed it. 1 reached,
 * 0 not yet, -1 when the step awaits no fact or its path does not resolve.
 */
int tui_lesson_await_fact(const struct app_whatif *w, const struct lesson *l, size_t k);
/* Step k's expectations that the model's verdict contradicts; one line each to log. */
size_t tui_lesson_check_step(const struct app_whatif *w, const struct lesson *l, size_t k,
    struct strbuf *log);

#endif /* FA_TUI_LESSON_H */
