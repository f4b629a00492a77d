/* SPDX-License-Identifier: MIT */
#ifndef FA_RULE_H
#define FA_RULE_H
/*
 * rule.h - the rule language and the audit of a deployment against it.
 *
 * A rule pack is the folder rules/ (one aNN-*.rule file per article of the
 * Measures). rule_pack_load() lexes, parses and checks every file: syntax
 * errors, unknown fact paths (with a did-you-mean hint), type errors,
 * unknown builtins and wrong arity are load-time errors naming
 * file:line:col. A loaded pack is immutable and may be shared.
 *
 * Facts come from a loaded scenario (scenario.h): rule paths such as
 * `consent.type` or `device.signage.present` are resolved with
 * scenario_fact_find() at load time and read with scenario_get_fact(), so
 * the scenario's fact schema is the only one. Every fact may be unknown,
 * and unknown is not false.
 *
 * audit_run() evaluates every rule instance (a rule with `for x in C` has
 * one instance per element of C) to one outcome with an explanation, folds
 * them per article, applies waivers and computes the severity-weighted
 * score. The result owns all its strings; audit_result_free() releases it.
 *
 * Errors: functions returning int give 0 or -1 with *cause set (allocated,
 * caller frees); functions returning pointers give NULL with *cause set.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "faceaudit/date.h"

struct calendar;
struct rule_arena;
struct scenario;

#define RULE_NARTICLES 20
/* Largest rule file accepted, and deepest expression nesting. */
#define RULE_MAX_FILE_SIZE (256 * 1024)
#define RULE_MAX_DEPTH 64
/* Version of the JSON result schema (doc/faceaudit-rules.5, JSON RESULTS). */
#define AUDIT_JSON_SCHEMA_VERSION 1

enum rule_outcome {
    RULE_PASS,
    RULE_FAIL,
    RULE_NA,             /* not_applicable, with a reason */
    RULE_NEEDS_EVIDENCE, /* a fact it needs is unknown */
    RULE_ADVISORY,       /* an encouraged provision is not followed */
    RULE_WAIVED
};
#define RULE_NOUTCOMES 6

enum rule_severity { RULE_SEV_LOW, RULE_SEV_MEDIUM, RULE_SEV_HIGH, RULE_SEV_CRITICAL };

/* "pass", "fail", "not_applicable", ... (static). */
const char *rule_outcome_name(enum rule_outcome o);
/* "low" .. "critical" (static). */
const char *rule_severity_name(enum rule_severity s);
/* Score weight of a severity: critical 10, high 5, medium 3, low 1. */
int rule_severity_weight(enum rule_severity s);

/* --- the rule pack --------------------------------------------------------- */

struct rule_pack;
struct rule;

/* Load and check every aNN-*.rule file of dir; NULL with *cause on error. */
struct rule_pack *rule_pack_load(const char *dir, char **cause);
/*
 * The rule pack of dir (NULL: path_rules_dir()) and its working-day calendar
 * (dir/calendar), as every command that audits needs them. Returns 0, or -1
 * with *cause and both outputs NULL.
 */
int rule_pack_load_with_calendar(const char *dir, struct rule_pack **pack,
    struct calendar **cal, char **cause);
/*
 * The same, then each "NAME=ALT" of readings selected with
 * rule_pack_select_reading() (--reading on audit, pia, simulate, the TUI).
 * rule_pack_load_with_calendar() selects none: every reading is literal.
 */
int rule_pack_load_with_readings(const char *dir, const char *const *readings,
    size_t nreadings, struct rule_pack **pack, struct calendar **cal, char **cause);
/* Load and check one rule file (for tests and `rules lint FILE`). */
struct rule_pack *rule_pack_load_file(const char *path, char **cause);
/* Load from a string; name is used in messages as the file name. */
struct rule_pack *rule_pack_load_string(const char *name, const char *text, char **cause);
void rule_pack_free(struct rule_pack *pack);
/*
 * SHA-256 (hex) over the pack's files, in name order, and then the readings
 * selected other than the literal ones, so that a stored run names what it
 * applied (borrowed).
 */
const char *rule_pack_hash(const struct rule_pack *pack);

size_t rule_pack_nrules(const struct rule_pack *pack);
const struct rule *rule_pack_rule(const struct rule_pack *pack, size_t i);
const struct rule *rule_pack_find(const struct rule_pack *pack, const char *id);
/* Borrowed accessors of a rule. */
const char *rule_id(const struct rule *r);
const char *rule_title(const struct rule *r);
const char *rule_clause(const struct rule *r);
const char *rule_remedy(const struct rule *r);
int rule_article(const struct rule *r);
enum rule_severity rule_severity(const struct rule *r);
bool rule_waivable(const struct rule *r);
bool rule_is_advisory(const struct rule *r);
/* "file:line:col" of the rule's definition (borrowed). */
const char *rule_where(const struct rule *r);
/*
 * The law and article the rule's duty comes from when it is not in the
 * Measures' text ("PIPL Art. 56"), or NULL: reports print "basis: ..."
 * beside the clause.
 */
const char *rule_basis(const struct rule *r);
/* The contested readings the rule embodies (`reading NAME` items). */
size_t rule_nreadings(const struct rule *r);
const char *rule_reading_name(const struct rule *r, size_t i);

/*
 * Contested readings. A rule file may declare a reading practitioners
 * dispute (`reading NAME "title" { literal "..." alt ALT "..." }`); rules
 * that embody it name it and test `reading(NAME) == ALT`. Alternative
 * "literal" (the literal, stricter reading) is the default; the loader's
 * selection holds for every audit with the pack, and every report lists
 * the readings applied.
 */
struct rule_reading {
    const char *name;         /* "a13_scope" */
    const char *title;
    int article;
    const char *alt;          /* the selected alternative ("literal" by default) */
    const char *text;         /* what the selected alternative says */
    bool literal;             /* alt is the default, literal reading */
    const char *const *alts;  /* every alternative, NULL-terminated, "literal" first */
};
size_t rule_pack_nreadings(const struct rule_pack *pack);
/* Reading i with its selected alternative (all borrowed from the pack). */
void rule_pack_reading(const struct rule_pack *pack, size_t i, struct rule_reading *out);
/*
 * Select an alternative: spec is "NAME=ALT". An unknown name (with a hint)
 * or alternative is an error naming the choices. Call before sharing the pack.
 */
int rule_pack_select_reading(struct rule_pack *pack, const char *spec, char **cause);

/* Article metadata (number 1..20); NULL when the pack lacks the article. */
struct rule_article_info {
    int number;
    const char *title_zh;
    const char *title_en;
    const char *summary;
    const char *source;
    const char *confidence;
    const char *unverified;    /* NULL unless the wording is reconstructed */
    const char *informational; /* NULL unless it has no handler obligations */
    fa_date in_force;          /* FA_DATE_NONE: always */
    fa_date until;             /* FA_DATE_NONE: open-ended */
    const char *file;
};
const struct rule_article_info *rule_pack_article(const struct rule_pack *pack, int number);
/* Clause text of "13.2" (borrowed), NULL if the pack does not declare it. */
const char *rule_pack_clause_text(const struct rule_pack *pack, const char *clause);

/*
 * Print an article file back in canonical form (the AST pretty-printer):
 * the article header and its rules. Returns an allocated string.
 */
char *rule_pack_format_article(const struct rule_pack *pack, int number);
/* One rule in canonical form (allocated). */
char *rule_format(const struct rule *r);

/* --- waivers ----------------------------------------------------------------- */

struct waiver {
    char *rule;          /* rule id */
    char **scope;        /* entity ids; nscope 0: every instance */
    size_t nscope;
    char *justification;
    char *author;
    char *approver;
    fa_date start;
    fa_date expiry;
    char *where;         /* file:line of the entry */
};

struct waivers {
    struct waiver *items;
    size_t n;
    char *file;
};

/*
 * Load a waivers YAML file and validate it against pack: unknown rule ids
 * (with a hint), waivers on non-waivable rules, approver equal to author,
 * bad or inverted dates are errors naming file:line.
 */
struct waivers *waivers_load(const char *path, const struct rule_pack *pack, char **cause);
void waivers_free(struct waivers *w);

/* --- audit ------------------------------------------------------------------- */

struct audit_opts {
    fa_date as_of;                /* evaluation date (required) */
    const struct calendar *cal;   /* working-day calendar (required) */
    const struct waivers *waivers; /* NULL: none */
    /* alternative per reading of the pack (index into rule_reading.alts), NULL: the
     * pack's selection */
    const int *readings;
};

/*
 * One fact an instance read. A scenario fact names its entity and schema
 * definition (its path is printed by audit_fact_path(): "consent.type",
 * "device[cam-3].location"); a derived value (a `let`, a quantifier, a
 * function result) has a label instead. Pointers are borrowed from the
 * scenario, the pack or the result: the result must be freed before them.
 */
struct audit_fact {
    const char *label;                     /* derived value, or NULL */
    const struct scenario_entity *entity;  /* scenario fact: the entity read */
    const struct fact_def *def;            /* scenario fact: the fact read */
    const struct scenario_entity *from;    /* the holder when inherited, else NULL */
    const char *value;                     /* printed value, "unknown", or
                                            * "unknown (not given)" when not written */
    const char *file;  /* where the value (or the entity lacking it) was written, or NULL */
    unsigned line, col;
};

/* The path of a fact as read ("device[cam-3].location"), into buf. */
void audit_fact_path(const struct audit_fact *f, char *buf, size_t size);

struct audit_finding {
    const struct rule *rule;
    const char *rule_id;      /* borrowed from the pack */
    const char *clause;
    int article;
    enum rule_severity severity;
    char *entity;             /* instance entity id ("cam-3"), NULL for singletons */
    enum rule_outcome outcome;
    char *message;            /* interpolated message (fail, advisory, waived), else NULL */
    char *reason;             /* why: n/a reason, violated condition, unknowns; NULL for a
                               * pass, whose decided_by is the condition found compliant */
    char *decided_by;         /* the clause that decided ("fail when EXPR", "applies
                               * when EXPR", ...), or NULL */
    int decided_index;        /* its position among the rule's conditions, or -1 */
    struct audit_fact *facts; /* facts read, in order */
    size_t nfacts;
    char **unknown;           /* unknown facts (needs_evidence) */
    size_t nunknown;
    char *waiver;             /* note on a waiver that applied or expired, or NULL */
    char *collect;            /* needs_evidence: what to collect to settle it (the unknown
                               * facts and what they mean), shown instead of the remedy */
    bool approx;              /* a working-day count used a year without calendar data */
    const char **group;       /* aggregate: every entity this finding stands for (the
                               * first is entity), else NULL */
    size_t ngroup;            /* aggregate: instances folded in (counts add it), else 0 */
};

struct audit_article {
    int number;
    enum rule_outcome outcome;
    size_t counts[RULE_NOUTCOMES];
};

struct audit_result {
    struct audit_finding *findings;
    size_t nfindings;
    struct audit_article articles[RULE_NARTICLES];
    size_t counts[RULE_NOUTCOMES];
    double score;            /* 0..100 counting waived rules as passed */
    double score_no_waivers; /* 0..100 counting waived rules as failed */
    char grade;              /* 'A'..'F', capped at 'D' by a critical failure */
    char grade_no_waivers;
    bool critical_failure;
    bool approx;
    fa_date as_of;
    char *scope_note;        /* why the Measures do not apply (Art. 2/20), or NULL */
    /*
     * Why there is no score and no grade ("not in force on 2025-05-31",
     * "out of scope: ..."), or NULL when scored. Reports print it at the top
     * instead of the score; score and grade fields are then 0 and '-'.
     */
    char *no_score;
    struct rule_reading *readings; /* the readings applied, one per reading of the pack */
    size_t nreadings;
    struct rule_arena *arena; /* owns the findings' strings and arrays */
};

/* Evaluate pack on a scenario; the result is owned by the caller. */
struct audit_result *audit_run(const struct rule_pack *pack, const struct scenario *sc,
    const struct audit_opts *opts, char **cause);
/*
 * audit_run() folding a rule's instances with the same outcome and waiver note
 * into one finding as they are produced (grouped reports of large inventories):
 * the first instance keeps its explanation, the others only add their entity
 * to its group[] (ngroup counts them; counts and scores are per instance).
 */
struct audit_result *audit_run_aggregated(const struct rule_pack *pack,
    const struct scenario *sc, const struct audit_opts *opts, char **cause);
void audit_result_free(struct audit_result *res);
/*
 * What a report shows as the finding's advice: for needs_evidence the facts
 * to collect, else the rule's remedy (borrowed).
 */
const char *audit_finding_advice(const struct audit_finding *fd);
/* True when any finding failed (the audit command then exits 1). */
bool audit_failed(const struct audit_result *res);

/*
 * The unknown facts that can change a verdict: those the needs_evidence
 * findings of res list, one entry per fact ("consent.withdrawal_channel",
 * "device.signage.prominent"), ordered by the severity of the most severe
 * rule they would decide, then by how many rules, then by name. Returns an
 * array of *n entries; free with audit_unknowns_free().
 */
struct audit_unknown {
    char *fact;
    enum rule_severity severity;  /* of the most severe rule it would decide */
    const struct rule **rules;    /* the rules it would decide, most severe first */
    size_t nrules;
    size_t entities;              /* devices (or other instances) it is unknown on; 0: the deployment */
};
struct audit_unknown *audit_unknowns(const struct audit_result *res, size_t *n);
void audit_unknowns_free(struct audit_unknown *u, size_t n);

/* --- output -------------------------------------------------------------------- */

/* What was audited, for the headers of reports (all borrowed). */
struct audit_meta {
    const char *software;        /* "faceaudit 0.1.0" */
    const char *scenario_id;
    const char *scenario_name;   /* may be NULL */
    const char *scenario_path;
    const char *scenario_hash;
    const char *calendar_version;
    const char *calendar_years;  /* "2025,2026" */
    const char *waivers_file;    /* NULL: none */
    bool color;                  /* ANSI colours on outcome tags (a terminal, NO_COLOR unset) */
};

/*
 * Output written as it is produced (a report of a million devices is never
 * whole in memory): a writer appends to sb, and audit_out_step() hands sb
 * to flush(user, sb) once it holds AUDIT_OUT_CHUNK bytes or more (flush
 * writes it out and empties it). With flush NULL everything stays in sb.
 */
struct strbuf;
struct jw;
struct audit_out {
    struct strbuf *sb;
    void (*flush)(void *user, struct strbuf *sb);
    void *user;
};
#define AUDIT_OUT_CHUNK 65536
void audit_out_step(struct audit_out *o);
/*
 * The result as text for an 80-column terminal into o, piece by piece:
 * header, score, the article board, then the findings that need attention
 * (fail, needs_evidence, waived, advisory; with verbose also pass and
 * not_applicable), each with message, clause, reason, facts with their
 * locations, and remedy. audit_write_json() gives the JSON result (schema
 * AUDIT_JSON_SCHEMA_VERSION, doc/faceaudit-rules.5).
 */
void audit_write_text(struct audit_out *o, const struct audit_result *res,
    const struct rule_pack *pack, const struct audit_meta *meta, bool verbose);
/*
 * extra, when not NULL, adds members at the end of the top-level object
 * (after "findings") through w, with o to step the output.
 */
void audit_write_json(struct audit_out *o, const struct audit_result *res,
    const struct rule_pack *pack, const struct audit_meta *meta,
    void (*extra)(struct jw *w, struct audit_out *o, void *user), void *user);
/* The explanation of one finding as a JSON object (decided_by, facts, unknown, waiver). */
char *audit_finding_json(const struct audit_finding *fd);

/* --- golden tests and lint ---------------------------------------------------- */

struct rule_test_report {
    size_t ncases, npassed;
    size_t nclauses, ncovered; /* obligation clauses, and those with pass+fail tests */
    char *log;                 /* one line per case and per uncovered clause */
};

/*
 * Run every *.test file of dir against pack (see doc/faceaudit-rules.5,
 * TESTS); returns 0 with *rep filled (rep->log allocated) or -1 on a
 * malformed test file.
 */
int rule_tests_run(const struct rule_pack *pack, const char *dir, const struct calendar *cal,
    struct rule_test_report *rep, char **cause);

void rule_test_report_done(struct rule_test_report *rep);

/*
 * Compare a result with an expected-outcomes file (lines `expect RULE-ID[@ENTITY]
 * OUTCOME`, `article N OUTCOME`, `grade G` or `grade none` (no score), `#`
 * comments). Returns the number of mismatches (0: all as expected) with *log
 * listing them, or -1 with *cause for a malformed file.
 */
int audit_check_expected(const struct audit_result *res, const struct rule_pack *pack,
    const char *path, char **log, char **cause);

/*
 * Lint the loaded pack: articles without rules, scenario facts never read,
 * constant (unreachable) conditions, clauses with no rule. Returns the
 * number of problems; *log (allocated) lists them one per line.
 */
size_t rule_pack_lint(const struct rule_pack *pack, char **log);

#endif /* FA_RULE_H */
