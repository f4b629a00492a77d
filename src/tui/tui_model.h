/* SPDX-License-Identifier: MIT */
#ifndef FA_TUI_MODEL_H
#define FA_TUI_MODEL_H
/*
 * tui_model.h - the audit workbench behind the board, article and fact
 * editor screens, with no curses: a loaded scenario with the rule pack and
 * calendar, the current audit result and the one before the last change
 * (so the board can mark newly failing and newly passing articles), an
 * undo/redo history of fact edits, and saving as a new scenario file. It
 * also formats every row those screens paint into plain strings, so the
 * formatting is unit-tested without a terminal (doc/styleguide.md, Presentation).
 *
 * Call order: tui_model_new(), tui_model_open() (again to switch scenario,
 * e.g. a demo lesson), then tui_model_set()/undo()/redo()/save(); each edit
 * re-runs the audit at once. Functions returning int give 0 or -1 with
 * *cause (allocated, caller frees). Returned strings belong to the caller;
 * pointers into the model are borrowed until the next open or edit.
 */

#include <stdbool.h>
#include <stddef.h>

#include "faceaudit/date.h"
#include "faceaudit/rule.h"
#include "faceaudit/scenario.h"
#include "faceaudit/vec.h"

struct app;
struct calendar;

/* One edit of the history: entity, fact, and its own value before and after. */
struct tui_edit {
    enum scenario_kind kind;
    char *id;      /* entity id */
    char *path;    /* fact path on that entity */
    enum fact_state old_state, new_state;
    char *old_text, *new_text; /* formatted values (NULL unless FACT_KNOWN) */
};

struct tui_model {
    struct rule_pack *pack;
    struct calendar *cal;
    struct scenario *sc;
    char *path;                 /* the scenario file opened */
    struct audit_result *res;   /* current verdict */
    struct audit_result *prev;  /* verdict before the last edit/undo/redo, or NULL */
    fa_date as_of;              /* the as-of date used for the audit */
    bool as_of_override;        /* as_of set by the caller (simulation day), not the scenario */
    struct vec undo, redo;      /* struct tui_edit * (owned) */
    char *last_change;          /* "device:desk-tablet-1 location = hotel_room" or NULL */
    char *remedies;             /* canonical rule text, searched for remedies */
    unsigned generation;        /* bumped by every open: screens' cached rows are stale */
    struct app *app;            /* the session audits are stored in (borrowed), or NULL */
    bool batch;                 /* a lesson step's sets are one change: tui_model_set skips
                                   the contradiction check, the caller runs it after the last */
};

/* How many errors (contradictions) scenario_validate() finds; the last one in *last
 * (caller frees) when last is not NULL. */
size_t tui_model_errors(const struct tui_model *m, char **last);

/* Status symbols, usable without colour: ✓ ✗ – ? ! ~ (static). */
const char *tui_outcome_symbol(enum rule_outcome o);
/* Short label: "pass", "FAIL", "n/a", "evidence?", "advisory", "waived" (static). */
const char *tui_outcome_label(enum rule_outcome o);

/* A model with the rule pack and calendar loaded from rules_dir; NULL with *cause. */
struct tui_model *tui_model_new(const char *rules_dir, char **cause);
void tui_model_free(struct tui_model *m);
/*
 * Load a scenario and audit it (clears the history); on error the old one
 * stays. tui_model_open() stores the audit as a run when the model has a
 * session (m->app), like `faceaudit audit`; tui_model_load() stores it only
 * when save is true (lessons are not deployments).
 */
int tui_model_open(struct tui_model *m, const char *path, char **cause);
int tui_model_load(struct tui_model *m, const char *path, bool save, char **cause);
/* Store the current verdict (what-if edits included) as an audit run. */
int tui_model_store(struct tui_model *m, char **cause);
/* Audit again as of a date (FA_DATE_NONE: the scenario's as_of, else today). */
int tui_model_reaudit(struct tui_model *m, fa_date as_of, char **cause);
/*
 * Set fact `path` of entity e to text ("unknown" makes it unknown, NULL
 * removes it so it inherits again), push the edit on the undo history, clear
 * redo and re-audit. The value is validated exactly as in a YAML file.
 */
int tui_model_set(struct tui_model *m, struct scenario_entity *e, const char *path,
    const char *text, char **cause);
/*
 * The entity's own value of a fact, not an inherited one: *state, and *text
 * (allocated; NULL unless FACT_KNOWN). tui_model_apply() writes such a pair
 * back (FACT_ABSENT removes the value) without touching the history: for
 * screens that set facts temporarily (the simulation's day cursor).
 */
void tui_model_own_value(struct scenario_entity *e, const struct fact_def *def,
    enum fact_state *state, char **text);
int tui_model_apply(struct scenario_entity *e, const char *path, enum fact_state state,
    const char *text, char **cause);
/* Undo / redo the last edit; returns 1 when there was one, 0 when not, -1 on error. */
int tui_model_undo(struct tui_model *m, char **cause);
int tui_model_redo(struct tui_model *m, char **cause);
/* Write the edited scenario to path atomically (never over the opened file). */
int tui_model_save(struct tui_model *m, const char *path, char **cause);
/*
 * How an article's outcome changed since the previous verdict: 1 newly
 * failing, -1 newly passing (was failing, or is now pass), 2 changed
 * otherwise (e.g. pass to needs_evidence), 0 unchanged.
 */
int tui_model_article_change(const struct tui_model *m, int number);
/*
 * What the last change did (allocated), e.g. "score 94.6 → 87.8 (A → D)
 * ▲ newly failing: Art. 13  ▼ fixed: none"; NULL before any change.
 */
char *tui_model_change_summary(const struct tui_model *m);
/* The remedy of a rule (allocated), or NULL when the pack does not say. */
char *tui_model_remedy(const struct tui_model *m, const char *rule_id);
/* The next value of a fact when cycling: bool false→true→unknown, enum in order then unknown. */
char *tui_model_cycle(const struct fact_value *v);

/* A fact's value by its fact path as text (allocated), or NULL when the path does not resolve. */
char *tui_model_fact_text(const struct tui_model *m, const char *path);
/* An article's outcome in rule_outcome_name() spelling ("fail"); "" without a verdict. */
const char *tui_model_outcome_name(const struct tui_model *m, int article);

/* Select a contested reading ("a13_scope=ALT", as --reading) and audit again. */
int tui_model_select_reading(struct tui_model *m, const char *spec, char **cause);
/*
 * The readings not literal ("a13_scope=public_only, ..."), or with choices
 * every reading and its alternatives; allocated, NULL when none.
 */
char *tui_model_readings(const struct tui_model *m, bool choices);

/* --- rows (formatted to exactly `width` display columns) --------------------- */

/* The board's header lines (scenario name, as-of, score and grade, key facts). */
char *tui_board_header(const struct tui_model *m, int line, size_t width);
#define TUI_BOARD_HEADER_LINES 3
/* One article row: number, symbol, outcome, Chinese and English titles, counts, change mark. */
char *tui_board_row(const struct tui_model *m, int number, size_t width);

/* A line of the article detail: text and its colour role (enum tui_role). */
struct tui_line {
    int role;
    char *text;
};
/* The article detail as wrapped lines (a vector of struct tui_line *, owned). */
void tui_article_lines(const struct tui_model *m, int number, size_t width, struct vec *out);
void tui_line_free(void *line);

/* One row of the fact tree: an entity header (def NULL) or a fact. */
struct tui_fact_row {
    struct scenario_entity *e;
    const struct fact_def *def;
    int depth;
};
/* Rows of the fact tree: each entity then its facts (computed, meta and id facts left out). */
size_t tui_fact_rows(const struct tui_model *m, struct tui_fact_row **rows);
/* The row as text: indentation, path, value, "(inherited from zone:x)". */
char *tui_fact_row_format(const struct tui_fact_row *r, size_t width);

#endif /* FA_TUI_MODEL_H */
