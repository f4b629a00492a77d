/* SPDX-License-Identifier: MIT */
#ifndef FA_TUI_SESSION_H
#define FA_TUI_SESSION_H
/*
 * tui_session.h - a trainer lesson under way, no curses. The session lives
 * in the frame, not in the demo screen, so the lesson stays with the trainee
 * on every screen a step sends them to: its step panel is drawn there
 * (tui_overlay.c), its goal is watched after every key, and leaving the
 * lesson keeps its place (step, answers, score) until the same lesson is
 * started again.
 *
 * Quiz: tui_session_answer() matches leniently (tui_quiz_match); a wrong
 * answer gets a second try, a second wrong one the answer and an explanation
 * (the deciding rule, the facts it read, the clause). Every answer and the
 * final score go to the session log when one is recorded (`demo --record`).
 */

#include <stdbool.h>
#include <stddef.h>

#include "faceaudit/vec.h"
#include "tui_lesson.h"

struct tui_model;

/* Where a lesson stands: kept per lesson file for resuming. */
struct tui_lesson_place {
    char *file;
    size_t step;
    size_t nsteps;
    int *tries;        /* wrong answers per step */
    int *result;       /* per step: 0 open, 1 right first time, 2 right on the second try,
                        * -1 wrong twice */
};

struct tui_session {
    struct tui_lesson *lesson;     /* the lesson under way, or NULL */
    struct tui_lesson_place *place; /* its place (in places) */
    struct vec places;             /* struct tui_lesson_place * (owned) */
    bool quiz;
    bool goal_done;                /* the step's goal has been reached */
    char *goal_start;              /* TUI_GOAL_CHANGE: the fact's value when the step began */
    char verdict[512];             /* the last answer's verdict */
    struct vec explain;            /* char * lines explaining the answer (after two tries) */
    char *record;                  /* session log file, or NULL */
    struct strbuf *log;
};

struct tui_session *tui_session_new(const char *record);
void tui_session_free(struct tui_session *s);
/*
 * Start (or resume) the lesson in file on the model: 0, or -1 with *cause.
 * A lesson started before continues at its step with its answers.
 */
int tui_session_start(struct tui_session *s, struct tui_model *m, const char *file,
    char **cause);
/* Leave the lesson (its place is kept). */
void tui_session_leave(struct tui_session *s);
/* Show step k: applies its changes to the model; 0 or -1 with *cause. */
int tui_session_goto(struct tui_session *s, struct tui_model *m, size_t k, char **cause);
/* The current step (NULL without a lesson). */
const struct tui_lesson_step *tui_session_step(const struct tui_session *s);
/* True while the step's quiz is open (the verdict is hidden in quiz mode). */
bool tui_session_quiz_open(const struct tui_session *s);
/*
 * Answer the step's question: returns 1 right, 0 wrong with a second try
 * left, -1 wrong twice (the answer and the explanation are set).
 */
int tui_session_answer(struct tui_session *s, const struct tui_model *m, const char *text,
    size_t width);
/* Questions in the lesson, answered right (*right) and on the second try (*second). */
int tui_session_score(const struct tui_session *s, int *right, int *second, int *answered);
/* "score 2 of 3 (1 on the second try)" (allocated). */
char *tui_session_score_text(const struct tui_session *s);
/*
 * After a key: is the step's goal reached? top is the screen on top
 * ("article", "board", ...) and article the article it shows (0: none).
 * Returns true the first time it is reached.
 */
bool tui_session_observe(struct tui_session *s, const struct tui_model *m, const char *top,
    int article);
/* The goal as an instruction ("open Art. 13 (F2, Enter on 13)"), allocated; NULL without one. */
char *tui_session_goal_text(const struct tui_session *s);

/*
 * The lenient quiz matcher: an answer against the expected one (an article
 * number or an outcome name). Case, spaces, underscores, "Art."/"article"
 * and punctuation do not matter; outcomes may be given in words or symbols:
 * pass (yes, compliant, ok, ✓), fail (no, violated, breaks, ✗), needs
 * evidence (unknown, ?), not applicable (n/a, –), advisory (!), waived (~).
 * Yes and no answer the question: when it asks about a failure ("Is Art. 13
 * still violated?"), yes means fail and no means pass.
 */
bool tui_quiz_match(const char *answer, const char *expected, const char *question);

#endif /* FA_TUI_SESSION_H */
