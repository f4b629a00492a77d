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
 * (the lesson's `explain:`, then the deciding rule, the facts it read, the
 * clause from the audit). Every answer and the
 * final score go to the session log when one is recorded (`demo --record`).
 */

#include <stdbool.h>
#include <stddef.h>

#include "faceaudit/vec.h"
#include "faceaudit/lesson.h"

struct app_whatif;

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
    struct lesson *lesson;         /* the lesson under way, or NULL */
    struct tui_lesson_place *place; /* its place (in places) */
    struct vec places;             /* struct tui_lesson_place * (owned) */
    bool quiz;
    bool goal_done;                /* the step's await (lesson.h) has been done */
    char *goal_start;              /* await set-fact: the fact's value when the step began */
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
int tui_session_start(struct tui_session *s, struct app_whatif *m, const char *file,
    char **cause);
/* Leave the lesson (its place is kept). */
void tui_session_leave(struct tui_session *s);
/* Show step k: applies its changes to the model; 0 or -1 with *cause. */
int tui_session_goto(struct tui_session *s, struct app_whatif *m, size_t k, char **cause);
/* The current step (NULL without a lesson). */
const struct lesson_step *tui_session_step(const struct tui_session *s);
/* True while the step's quiz is open (the verdict is hidden in quiz mode). */
bool tui_session_quiz_open(const struct tui_session *s);
/*
 * Answer the step's question: returns 1 right, 0 wrong with a second try
 * left, -1 wrong twice (the answer and the explanation are set).
 */
int tui_session_answer(struct tui_session *s, const struct app_whatif *m, const char *text,
    size_t width);
/* Questions in the lesson, answered right (*right) and on the second try (*second). */
int tui_session_score(const struct tui_session *s, int *right, int *second, int *answered);
/* "score 2 of 3 (1 on the second try)" (allocated). */
char *tui_session_score_text(const struct tui_session *s);
/*
 * After a key: has the trainee done what the step awaits (lesson.h: open an
 * article or a screen, change a fact, look at a verdict, answer)? top is
 * the screen on top ("article", "board", ...) and article the article it
 * shows (0: none). Returns true the first time.
 */
bool tui_session_observe(struct tui_session *s, const struct app_whatif *m, const char *top,
    int article);
/* What the step awaits, as an instruction ("Open Art. 13 (F2, Enter on 13)"); NULL without. */
char *tui_session_goal_text(const struct tui_session *s);

/*
 * The quiz answer against the expected one: lesson_answer_matches() (the
 * lenient matcher of lesson.h), except that yes and no answer the question
 * asked: when it asks about a failure ("Is Art. 13 still violated?"), yes
 * means fail and no means pass.
 */
bool tui_quiz_match(const char *answer, const char *expected, const char *question);

#endif /* FA_TUI_SESSION_H */
