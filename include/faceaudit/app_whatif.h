/* SPDX-License-Identifier: MIT */
#ifndef FA_APP_WHATIF_H
#define FA_APP_WHATIF_H
/*
 * app_whatif.h - the what-if session of the application layer: a scenario
 * opened with the rule pack and calendar, audited at once and again after
 * every change; changes of one fact or of many at once (one change, one
 * re-audit, one undo step), undo/redo, contested readings, saving as a new
 * file, and the verdict as plain rows (board header, article rows, the
 * article detail, the fact tree) for a front end to fit and draw. The TUI's
 * board, fact editor and lessons work on it; nothing here draws.
 *
 * The simulation timeline (app_timeline_*) runs the day-by-day simulation
 * for the chosen parameters with the compliance timeline over the session's
 * scenario, and hands back the day rows.
 *
 * Handles are opaque. Functions returning int give 0 (or a count) or -1
 * with *cause (allocated, caller frees). Returned char * belong to the
 * caller; const pointers are borrowed until the next open or change.
 */

#include <stdbool.h>
#include <stddef.h>

#include "faceaudit/date.h"
#include "faceaudit/rule.h"
#include "faceaudit/sim.h"

struct app;
struct vec;
struct app_whatif;

/* A session with the rule pack and calendar of rules_dir, no scenario; NULL with *cause. */
struct app_whatif *app_whatif_new(const char *rules_dir, char **cause);
void app_whatif_free(struct app_whatif *w);
/* The database session audits are stored in (borrowed; NULL: none). */
void app_whatif_set_session(struct app_whatif *w, struct app *app);
/*
 * Load a scenario and audit it; the history is cleared. Stored as an audit
 * run when save is true and there is a session (lessons are not
 * deployments). On error the scenario open before stays.
 */
int app_whatif_open(struct app_whatif *w, const char *path, bool save, char **cause);
bool app_whatif_is_open(const struct app_whatif *w);
/* The file opened (borrowed), or NULL. */
const char *app_whatif_path(const struct app_whatif *w);
/* Bumped by every open: rows a front end keeps are stale when it changed. */
unsigned app_whatif_generation(const struct app_whatif *w);
/* Store the current verdict (changes included) as an audit run; the change marks stay. */
int app_whatif_store(struct app_whatif *w, char **cause);
/* Audit again as of a date (FA_DATE_NONE: the scenario's as_of, else today). */
int app_whatif_reaudit(struct app_whatif *w, fa_date as_of, char **cause);
/* The as-of date of the verdict, and whether the caller set it (not the scenario). */
fa_date app_whatif_as_of(const struct app_whatif *w, bool *set);

/* One fact change: a fact path (scenario_ref: "device:gate-1.location", or
 * "ENTITY PATH") and its new text ("unknown" makes it unknown, NULL removes
 * it so it inherits again), validated as in a YAML file. */
struct app_whatif_change {
    const char *ref;
    const char *value;
};
/* Changes that belong to the scenario as opened: no history, no contradiction check. */
#define APP_WHATIF_BASE 1u
/*
 * Make n changes as ONE change and audit once. Unless flags has
 * APP_WHATIF_BASE, the changes are one step of the undo history (redo
 * cleared), and refused whole ("refused: ..." naming both facts) when
 * together they add a contradiction that `scenario check` would report.
 * A bad change or a refusal leaves no change (its error prefixed with its
 * index when n > 1: "change 2: ..."); the changes stay when only the audit
 * after them fails.
 */
int app_whatif_set_many(struct app_whatif *w, const struct app_whatif_change *c, size_t n,
    unsigned flags, char **cause);
/* One change: app_whatif_set_many() of one. */
int app_whatif_set(struct app_whatif *w, const char *ref, const char *value, char **cause);
/* Undo / redo the last change; 1 when there was one, 0 when not, -1 on error. */
int app_whatif_undo(struct app_whatif *w, char **cause);
int app_whatif_redo(struct app_whatif *w, char **cause);
/* Whether a change in the undo history set the fact at ref (a path that does not resolve: no). */
bool app_whatif_edited(const struct app_whatif *w, const char *ref);
/* Write the scenario with its changes to path atomically (never over the opened file). */
int app_whatif_save(struct app_whatif *w, const char *path, char **cause);
/*
 * A fact's value by its path as text ("unknown" when unknown; allocated), or
 * NULL when the path does not resolve or no scenario is open.
 */
char *app_whatif_fact_text(const struct app_whatif *w, const char *ref);

/* Select a contested reading ("a13_scope=ALT", as --reading) and audit again. */
int app_whatif_select_reading(struct app_whatif *w, const char *spec, char **cause);
/* Every reading back to literal (no audit). */
int app_whatif_literal_readings(struct app_whatif *w, char **cause);
/* The readings not literal ("a13_scope=public_only, ..."), or with choices every
 * reading and its alternatives ("a13_scope=literal|public_only"); NULL when none. */
char *app_whatif_readings(const struct app_whatif *w, bool choices);

/* --- the verdict as plain rows ---------------------------------------------------- */

/* The verdict in figures; false (and *v zeroed) before a scenario is open. */
struct app_whatif_verdict {
    double score;
    char grade;
    const char *no_score;       /* why there is no score, or NULL */
    bool critical_failure;
    size_t counts[RULE_NOUTCOMES];
};
bool app_whatif_verdict(const struct app_whatif *w, struct app_whatif_verdict *v);
/* An article's outcome (RULE_NA before a verdict or out of 1..20) and its name ("fail";
 * "" before a verdict). */
enum rule_outcome app_whatif_outcome(const struct app_whatif *w, int article);
const char *app_whatif_outcome_name(const struct app_whatif *w, int article);
/* The grade as a lesson names it: "A".."F", or "none" without a score; "" before a verdict. */
const char *app_whatif_grade_name(const struct app_whatif *w);
/*
 * How an article's outcome changed with the last change: 1 newly failing,
 * -1 newly passing (was failing, or is now pass), 2 changed otherwise, 0
 * unchanged or no change yet.
 */
int app_whatif_article_change(const struct app_whatif *w, int number);
/* Whether there was a change since the scenario was opened (change marks apply). */
bool app_whatif_changed(const struct app_whatif *w);
/* The last change ("device:desk-tablet-1.location = hotel_room", "undone: ..."; borrowed),
 * or NULL. */
const char *app_whatif_last_change(const struct app_whatif *w);
/*
 * What the last change did (allocated), e.g. "score 94.6 → 87.8 (A → D)
 * ▲ newly failing: Art. 13  ▼ fixed: none"; NULL before any change.
 */
char *app_whatif_change_summary(const struct app_whatif *w);
/* The board header: line 0 name and file, 1 as-of and score, 2 the last change
 * or the key facts (allocated, not fitted to a width). */
#define APP_WHATIF_HEADER_LINES 3
char *app_whatif_header(const struct app_whatif *w, int line);

/* One article of the board. Titles borrowed (NULL when the pack lacks the article). */
struct app_whatif_article {
    int number;
    enum rule_outcome outcome;
    int change;                 /* app_whatif_article_change() */
    size_t fail, unknown;       /* failing and needs-evidence rule instances */
    const char *title_zh, *title_en;
};
void app_whatif_article(const struct app_whatif *w, int number, struct app_whatif_article *a);

/* How a line of the article detail is shown. */
enum app_whatif_style {
    APP_WS_NORMAL, APP_WS_HEADER, APP_WS_DIM, APP_WS_WARN, APP_WS_WAIVED, APP_WS_REMEDY,
    APP_WS_OUTCOME              /* a rule instance's header (rule, severity, clause, entity),
                                   shown after the outcome's symbol and label, in its colour */
};
/* A paragraph of the article detail: prefixes of its first and later wrapped lines. */
struct app_whatif_line {
    enum app_whatif_style style;
    enum rule_outcome outcome;  /* APP_WS_OUTCOME */
    const char *first, *rest;   /* static */
    char *text;
};
/* The article detail below its outcome line (titles, summary, source, every rule instance
 * with its facts, clause, remedy) as paragraphs, appended to out (struct app_whatif_line *,
 * owned: app_whatif_line_free). */
void app_whatif_article_lines(const struct app_whatif *w, int number, struct vec *out);
void app_whatif_line_free(void *line);
/* The remedy a rule's text gives (allocated), or NULL. */
char *app_whatif_remedy(const struct app_whatif *w, const char *rule_id);

/* One row of the fact tree: an entity header (def NULL) or one of its facts (handles opaque). */
struct scenario_entity;
struct fact_def;
struct app_whatif_fact_row {
    struct scenario_entity *e;
    const struct fact_def *def;
    int depth;
};
/* The fact tree: each entity then its editable facts; *rows allocated (caller frees). */
size_t app_whatif_fact_rows(const struct app_whatif *w, struct app_whatif_fact_row **rows);
/* The row's parts (allocated): label ("device gate-1" or the fact's path), value (NULL for an
 * entity), note ("", " (not given)", "  ← zone:z", "  ✎ changed here"). */
void app_whatif_row_text(const struct app_whatif_fact_row *r, char **label, char **value,
    char **note);
/* The row's path ("device:gate-1.location", "device:gate-1"); allocated. */
char *app_whatif_row_ref(const struct app_whatif_fact_row *r);
/* A fact row's help: *about "summary (type, unit) — Art. N" and *values "values: a b unknown"
 * (allocated); false for an entity row. */
bool app_whatif_row_help(const struct app_whatif_fact_row *r, char **about, char **values);
/* The next value when cycling (bool false→true→unknown, enum in order then unknown;
 * allocated), NULL for a fact that does not cycle (edit it as text). */
char *app_whatif_row_cycle(const struct app_whatif_fact_row *r);

/* --- the simulation timeline -------------------------------------------------------- */

struct app_timeline;
/*
 * Simulation parameters: defaults, then the open scenario's `simulation:`
 * facts. -1 with *cause when those are bad (*p holds the defaults).
 */
int app_timeline_params(const struct app_whatif *w, struct sim_params *p, char **cause);
/*
 * Run the simulation for p (the session's calendar; w may be NULL) and, with
 * an open scenario, its compliance timeline: the scenario audited as of each
 * day with that day's simulated facts, its own facts left as they were.
 * NULL with *cause when p is bad or the run fails; a timeline that cannot be
 * built leaves the days and says why in app_timeline_error().
 */
struct app_timeline *app_timeline_run(struct app_whatif *w, const struct sim_params *p,
    char **cause);
void app_timeline_free(struct app_timeline *tl);
/* Days simulated, and day i's row (borrowed; i in 0..days-1). */
int app_timeline_days(const struct app_timeline *tl);
const struct sim_day *app_timeline_day(const struct app_timeline *tl, int i);
/* The run's summary: threshold day, filing deadline, Art. 15 failing from, peak stored. */
struct app_timeline_summary {
    fa_date threshold_reached, filing_deadline, art15_failing_from;
    long long peak_stored;
};
void app_timeline_summary(const struct app_timeline *tl, struct app_timeline_summary *s);
/* Day i's 20 article outcomes (enum rule_outcome), NULL without a timeline. */
const unsigned char *app_timeline_outcomes(const struct app_timeline *tl, int i);
/* Why the timeline could not be built (borrowed), or NULL. */
const char *app_timeline_error(const struct app_timeline *tl);
/* Every parameter of p with its source (app_sim_sources() on the open scenario; w may be
 * NULL); *out freed with app_sim_sources_free(). */
struct app_sim_source;
size_t app_timeline_sources(const struct app_whatif *w, const struct sim_params *p,
    struct app_sim_source **out);
/* The enrolment policy's name ("all", "consenting", ...; static). */
const char *app_timeline_enrol_name(const struct sim_params *p);

#endif /* FA_APP_WHATIF_H */
