/* SPDX-License-Identifier: MIT */
#ifndef FA_LESSON_H
#define FA_LESSON_H
/*
 * lesson.h - trainer lessons (datasets/scenarios/training/NN-name.lesson),
 * the app module's, with no curses: the parser and answer matcher the TUI's
 * demo and `faceaudit lesson check` share, and the check itself. The format
 * is documented in faceaudit-lesson(5); in short (format 2):
 *
 *     title: A face tablet moves into a guest room
 *     goal: Tell the private-space ban (13.2) from the public-place test (13.1).
 *     articles: 13
 *     scenario: 01-private-spaces.fa.yaml
 *     step: The hotel mounts the tablet inside a guest room. [[Art. 13 fails.]]
 *     set: device:desk-tablet-1.location = hotel_room
 *     await: open-article 13
 *     expect: 13 fail
 *     quiz: Which article does the tablet now break?
 *     answer: Art. 13
 *     explain: FRT-A13-2 (13.2): no FR device inside a private space; the \
 *       location fact is hotel_room.
 *
 * Lesson keys: title, goal, articles (1-20, commas or spaces), scenario
 * (relative to the lesson file); then steps. Step keys: set (applied by the
 * lesson when the step opens), await (what the trainee does to finish the
 * step; `await: set-fact PATH = VALUE` is a change the trainee makes, not
 * the lesson), expect (`ARTICLE OUTCOME` or `grade A-F|none`), reading
 * (`NAME=ALT`, from this step on), quiz/answer/explain. `[[...]]` in a
 * step's text hides that sentence while the quiz is on. Format 1 files
 * (title, scenario, step, set, expect, quiz, answer) load unchanged. `#`
 * starts a comment line; a line ending in `\` continues. Errors name
 * file:line.
 */

#include <stdbool.h>
#include <stddef.h>

/* One `set:` line: a fact path (scenario.h FACT PATHS) and its value. */
struct lesson_set {
    char *entity;     /* "" for a fact path; the old `KIND:ID PATH` form: "device:gate-1" */
    char *path;       /* "device:desk-tablet-1.location", or the path after the old entity */
    char *value;      /* as in a YAML file; "unknown" makes the fact unknown */
    bool by_trainee;  /* from `await: set-fact PATH = VALUE`: the trainee makes it, the
                       * lesson does not (later steps and `lesson check` apply it) */
    unsigned line;
};

/* One claim checked against the audit. */
struct lesson_expect {
    int article;      /* 1..20; 0: a claim on the grade */
    char *outcome;    /* rule_outcome_name() spelling ("pass", "needs_evidence", ...);
                       * for the grade: "A".."F", or "none" (no score) */
    unsigned line;
};

/* What the trainee does to finish a step; the TUI detects it and offers the next step. */
enum lesson_await_kind {
    LESSON_AWAIT_NONE,         /* nothing: the trainer moves on */
    LESSON_AWAIT_OPEN_ARTICLE, /* `open-article 13`: the article's detail opened */
    LESSON_AWAIT_OPEN_SCREEN,  /* `open-screen sim`: a screen opened (lesson_screen_names) */
    LESSON_AWAIT_SET_FACT,     /* `set-fact device:gate-1.location [= VALUE]`: the fact
                                * changed (to VALUE when given) */
    LESSON_AWAIT_SEE_VERDICT,  /* `see-verdict 13`: the board shown with Art. 13's verdict
                                * after the step's changes */
    LESSON_AWAIT_ANSWER        /* `answer`: the quiz answered (the default with a quiz) */
};

struct lesson_await {
    enum lesson_await_kind kind;
    int article;      /* open-article, see-verdict */
    char *screen;     /* open-screen: one of lesson_screen_names */
    char *path;       /* set-fact: the fact path as written */
    char *value;      /* set-fact: the value expected, or NULL for any change */
};

struct lesson_step {
    char *text;       /* what the trainer reads: the whole text, [[ ]] markers removed */
    char *quiz_text;  /* the text with the [[hidden]] sentences left out (quiz mode) */
    bool hides;       /* the text has [[hidden]] sentences */
    struct lesson_set *sets;
    size_t nsets;
    struct lesson_expect *expects;
    size_t nexpects;
    char **readings;  /* "NAME=ALT" from this step on (format 2) */
    size_t nreadings;
    struct lesson_await await;
    char *quiz;
    char *answer;     /* as written: an outcome or an article in any spelling the
                       * matcher knows (lesson_answer_canon() is never NULL) */
    char *explain;    /* shown after a wrong second try: the rule, facts, clause; or NULL */
    unsigned line;
};

struct lesson {
    char *file;
    int format;       /* 1, or 2 when any format-2 key or [[ ]] is used */
    char *title;
    char *goal;       /* the learning goal, or NULL (format 1) */
    int articles[20]; /* the articles covered, as listed (1..20, no repeats) */
    size_t narticles;
    char *scenario;   /* resolved path */
    struct lesson_step *steps;
    size_t nsteps;
};

/* Screen names `await: open-screen` accepts (NULL-terminated). */
extern const char *const lesson_screen_names[];

/* Parse a lesson from text (file names the source in messages); NULL with *cause. */
struct lesson *lesson_parse(const char *file, const char *text, char **cause);
/* Read and parse a lesson file. */
struct lesson *lesson_load(const char *path, char **cause);
void lesson_free(struct lesson *l);

/* "open-article", "open-screen", "set-fact", "see-verdict", "answer", "" (static). */
const char *lesson_await_name(enum lesson_await_kind k);
/* What the trainee is asked to do, in words ("Open Art. 13"); caller frees, NULL for none. */
char *lesson_await_describe(const struct lesson_await *w);

/*
 * Quiz answers. lesson_answer_canon() reads an answer in words or symbols
 * and returns its canonical form in buf (at least 16 bytes): an outcome name
 * (pass: pass/yes/compliant/✓; fail: fail/no/violated/✗; needs_evidence:
 * "needs evidence"/unknown/?; not_applicable: n/a/"not applicable"/–;
 * advisory; waived) or an article number ("13" from 13, "Art. 13",
 * "Article 13.2", "第十三条"); case, spaces and punctuation do not matter.
 * NULL when it is neither.
 */
const char *lesson_answer_canon(const char *s, char *buf, size_t size);
/*
 * True when the trainee's answer `given` means the lesson's `answer`: equal
 * canonical forms, or, when either has none, equal text ignoring case,
 * spaces and punctuation.
 */
bool lesson_answer_matches(const char *given, const char *answer);

/* --- checking (app_lesson_check.c) ------------------------------------------ */

struct rule_pack;
struct calendar;
struct strbuf;
struct app;

/*
 * Check every claim of a lesson against the real audit: load its scenario,
 * and for each step apply its sets (the trainee's too) and readings, audit,
 * and compare each expect. A false claim appends one line to log:
 * "FILE:LINE: step N: Art. 13: expected fail, the audit says pass" (LINE is
 * the step's). pack (readings are selected on it, reset to literal at each
 * step) and cal are borrowed. Returns the number of false claims, or -1
 * with *cause ("FILE:LINE: ...") when a fact or reading cannot be applied.
 */
int app_lesson_check(struct app *a, const struct lesson *l, struct rule_pack *pack,
    struct calendar *cal, struct strbuf *log, char **cause);

#endif /* FA_LESSON_H */
