/* SPDX-License-Identifier: MIT */
#ifndef FA_TUI_LESSON_H
#define FA_TUI_LESSON_H
/*
 * tui_lesson.h - trainer lessons (datasets/scenarios/training/NN-name.lesson), no
 * curses. A lesson is a scenario plus a short script of steps; each step
 * says what to show, which facts to flip and what the class should see:
 *
 *     title: A camera inside the guest rooms
 *     scenario: 01-hotel-room.fa.yaml
 *     step: The desk tablet checks guests 1:1 with consent. Art. 13 passes.
 *     step: Now the hotel mounts the same tablet inside a guest room.
 *     set: device:desk-tablet-1.location = hotel_room
 *     expect: 13 fail
 *     quiz: Which article does the room camera break?
 *     answer: 13
 *
 * Keys: title, scenario (relative to the lesson file), then steps; within a
 * step any number of `set: FACT-PATH = VALUE` (scenario.h FACT PATHS:
 * `device:gate-1.location`, `deployment.consent.type`; the old `KIND:ID PATH`
 * still works) with the fact path in tui_lesson_set.path and entity "" (the
 * old form: entity and path apart), `expect: ARTICLE OUTCOME` and at most one
 * quiz/answer pair (the answer is an article number or an outcome name).
 * `#` starts a comment line; a line ending in `\` continues. Errors name
 * file:line. A step may name a goal the trainee reaches on another screen
 * (`goal: open 13`, `goal: change device:gate-1.location`, `goal: see 13
 * fail`); a sentence of the step text in [[...]] gives the verdict away and
 * is hidden while quiz mode is on.
 */

#include <stddef.h>

struct tui_lesson_set {
    char *entity;   /* "deployment" or "device:desk-tablet-1" */
    char *path;
    char *value;
};

struct tui_lesson_expect {
    int article;
    char *outcome;  /* rule_outcome_name() spelling: pass, fail, ... */
};

/* What a step asks the trainee to do somewhere in the TUI (`goal:`). */
enum tui_goal_kind {
    TUI_GOAL_NONE = 0,
    TUI_GOAL_OPEN,   /* goal: open ARTICLE    the article's detail opened */
    TUI_GOAL_CHANGE, /* goal: change FACT-PATH  the fact's value changed (what-if) */
    TUI_GOAL_SEE     /* goal: see ARTICLE OUTCOME  the article seen with that outcome */
};

struct tui_lesson_goal {
    enum tui_goal_kind kind;
    int article;
    char *fact;      /* TUI_GOAL_CHANGE */
    char *outcome;   /* TUI_GOAL_SEE */
};

struct tui_lesson_step {
    char *text;      /* [[...]] marks a sentence hidden while the quiz is on */
    struct tui_lesson_goal goal;
    struct tui_lesson_set *sets;
    size_t nsets;
    struct tui_lesson_expect *expects;
    size_t nexpects;
    char *quiz, *answer;
    unsigned line;
};

struct tui_lesson {
    char *file;
    char *title;
    char *scenario;  /* resolved path */
    struct tui_lesson_step *steps;
    size_t nsteps;
};

/* Parse a lesson from text (file names the source in messages); NULL with *cause. */
struct tui_lesson *tui_lesson_parse(const char *file, const char *text, char **cause);
/* Read and parse a lesson file. */
struct tui_lesson *tui_lesson_load(const char *path, char **cause);
void tui_lesson_free(struct tui_lesson *l);

struct strbuf;
struct tui_model;
/* The step text to show (allocated): [[hidden]] sentences left out when quiz, else unmarked. */
char *tui_lesson_step_text(const struct tui_lesson_step *st, int quiz);
/*
 * Show step k (0-based) in the model: reopen the lesson's scenario, apply
 * the changes of the steps before it, audit, then apply step k's changes
 * through the history, so the board marks what this step changed.
 */
int tui_lesson_goto(struct tui_model *m, const struct tui_lesson *l, size_t k, char **cause);
/* Step k's expectations that the model's verdict contradicts; one line each to log. */
size_t tui_lesson_check_step(const struct tui_model *m, const struct tui_lesson *l, size_t k,
    struct strbuf *log);

#endif /* FA_TUI_LESSON_H */
