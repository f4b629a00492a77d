/* SPDX-License-Identifier: MIT */
#ifndef FA_SCENARIO_H
#define FA_SCENARIO_H
/*
 * scenario.h - a deployment's facts: the entity model, the fact schema,
 * typed lookups that keep "unknown" apart from false, write access, and the
 * YAML (*.fa.yaml) and CSV inventory formats. doc/faceaudit-scenario.5 is
 * the user-facing description of the same things.
 *
 * ENTITIES. A scenario holds one deployment (the singleton root) and
 * collections below it:
 *
 *     deployment
 *       +-- site            (sites:)            +-- zone (zones:) +-- device (devices:)
 *       +-- evidence        (evidence:)         file path + SHA-256, verified on load
 *       +-- filing_change   (filing.changes:)   a material change of filed information
 *
 * Devices may also come from a CSV inventory (`inventory: devices.csv`);
 * they are attached to their zone as if written inline. Every entity has a
 * stable ASCII id (the `id:` key: letters, digits, '.', '_', '-', unique
 * within its kind in the scenario; the deployment's id is the top-level
 * `id:`), a kind, a parent (device -> zone -> site -> deployment; evidence
 * and filing_change -> deployment) and an index: its position among all
 * entities of its kind, 0 .. count-1, in document order with inventory
 * devices placed after the inline devices of the same zone. Entities of a
 * kind are grouped by parent, so "the devices of site S" is a contiguous
 * run of the device list. Indexes are stable for the life of a loaded
 * scenario (nothing adds or removes entities after load), so a rule engine
 * may keep per-entity arrays.
 *
 * FACTS. Each entity kind has a fixed set of facts named by dotted paths
 * relative to the entity ("consent.type", "storage.retention_days",
 * "location"). The schema is static and can be queried without a scenario:
 * scenario_fact_find() gives a fact's definition (type, enum values,
 * summary, unit, bounds, flags); scenario_fact_count()/scenario_fact_at()
 * enumerate them all (for `rules lint` and the docs). A path may start with
 * the name of an ancestor kind to reach that ancestor's fact: from a device,
 * "zone.name", "site.place" and "deployment.as_of" all resolve (the returned
 * definition's `kind` says whose fact it is). Paths are ASCII, case-sensitive.
 *
 * UNKNOWN IS NOT FALSE. Every fact is in one of three states:
 *   FACT_ABSENT   the key is missing from the file (unknown);
 *   FACT_UNKNOWN  the file says `unknown` (or a writer set it unknown);
 *   FACT_KNOWN    a typed value is present.
 * Only FACT_KNOWN carries a value; both others mean "unknown" to a rule.
 * They differ only for facts flagged FACT_F_INHERIT (placement facts such as
 * location, place, signage.*): an ABSENT value on a device is looked up on
 * its zone, then its site, while an explicit `unknown` stops the search.
 * Lookups report where the value came from (`from`, `loc`).
 *
 * LOCATIONS. Every loaded value carries the file, line and column (1-based)
 * of its YAML scalar or CSV cell (column = field number for CSV), for error
 * messages and SARIF. Values set through scenario_set*() and computed facts
 * have line 0. Explicit `unknown` values carry their location too; ABSENT
 * values carry the location of the entity that lacks them.
 *
 * OWNERSHIP. scenario_load() returns a scenario the caller frees with
 * scenario_free(); entities, definitions, strings and locations returned by
 * the functions below are borrowed: entities and values live until
 * scenario_free() (a string value until it is overwritten by a set);
 * definitions are static. Functions returning int give 0 on success and -1
 * with *cause set (allocated, caller frees). Nothing here prints.
 *
 * THREADS. A loaded scenario may be read from several threads at once;
 * writes need exclusive access.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "faceaudit/date.h"

/* Entity kinds; names ("deployment", ...) from scenario_kind_name(). */
enum scenario_kind {
    SCENARIO_DEPLOYMENT,    /* the singleton root */
    SCENARIO_SITE,          /* a premises: hotel, school, station (sites:) */
    SCENARIO_ZONE,          /* an area of a site: lobby, gate line (zones:) */
    SCENARIO_DEVICE,        /* one camera or terminal (devices:, or the inventory) */
    SCENARIO_EVIDENCE,      /* a file backing a fact: photo, PIA report (evidence:) */
    SCENARIO_FILING_CHANGE, /* a material change to filed information (filing.changes:) */
    SCENARIO_KIND_COUNT
};

/* Value types of facts. */
enum fact_type {
    FACT_BOOL,   /* true / false (YAML: true, false, yes, no) */
    FACT_INT,    /* 64-bit integer within [min, max] (YAML may use 100_000) */
    FACT_NUMBER, /* finite double */
    FACT_STRING, /* UTF-8 text */
    FACT_DATE,   /* fa_date; YAML "YYYY-MM-DD" */
    FACT_ENUM,   /* one of def->values (index) */
    FACT_SET     /* a subset of def->values (bit i = values[i]); YAML list */
};

enum fact_state {
    FACT_ABSENT,  /* not written: unknown (inheritable facts look upwards) */
    FACT_UNKNOWN, /* explicitly unknown */
    FACT_KNOWN    /* has a value */
};

/* Fact flags (struct fact_def.flags). */
#define FACT_F_INHERIT 0x01u   /* absent on a device/zone: use the zone's/site's value */
#define FACT_F_COMPUTED 0x02u  /* set by the loader (evidence status), never read from YAML */
#define FACT_F_ID 0x04u        /* the entity's id: required, unique within the kind */
#define FACT_F_EVIDENCE 0x08u  /* FACT_STRING holding the id of an evidence entity */
#define FACT_F_META 0x10u      /* file bookkeeping (format version, inventory), not compliance */
#define FACT_F_FUTURE_OK 0x20u /* a date that may lie after as_of (e.g. "kept until") */
#define FACT_F_EVENT 0x40u     /* an event date read by the as-of lookups themselves (see DATED FACTS) */

/* Maximum number of values of an enum or set fact. */
#define FACT_MAX_VALUES 64

struct fact_def {
    enum scenario_kind kind;   /* the entity kind that owns the fact */
    const char *path;          /* dotted path within that kind, e.g. "consent.type" */
    enum fact_type type;
    const char *const *values; /* FACT_ENUM / FACT_SET: NULL-terminated names, else NULL */
    const char *summary;       /* one line, for docs, lint and explanations */
    const char *unit;          /* "days", "people", "metres" or NULL */
    int64_t min, max;          /* FACT_INT: inclusive bounds */
    unsigned flags;            /* FACT_F_* */
    const char *articles;      /* articles of the Measures that read it, e.g. "8" or "13,19" */
};

/* Where a value was written; line 0 = nowhere (set by a program or computed). */
struct scenario_loc {
    const char *file; /* borrowed; NULL when line is 0 */
    unsigned line;
    unsigned col;
};

struct scenario;
struct scenario_entity;

/* A fact's value as seen through a lookup (all pointers borrowed). */
struct fact_value {
    const struct fact_def *def;
    enum fact_state state;
    union {
        bool b;          /* FACT_BOOL */
        int64_t i;       /* FACT_INT */
        double num;      /* FACT_NUMBER */
        const char *s;   /* FACT_STRING */
        fa_date date;    /* FACT_DATE */
        int e;           /* FACT_ENUM: index into def->values */
        uint64_t set;    /* FACT_SET: bit i set = def->values[i] is a member */
    } v;
    struct scenario_loc loc;             /* where it was written (see LOCATIONS) */
    const struct scenario_entity *from;  /* entity holding it (an ancestor if inherited) */
};

/* --- kinds and the fact schema (static; no scenario needed) ----------------- */

const char *scenario_kind_name(enum scenario_kind kind);
/* Kind by name ("device"); returns -1 if there is none. */
int scenario_kind_from_name(const char *name);
const char *scenario_fact_type_name(enum fact_type type);

/* Number of facts of all kinds, and the i-th (grouped by kind, in schema order). */
size_t scenario_fact_count(void);
const struct fact_def *scenario_fact_at(size_t i);
/*
 * The fact `path` of entities of `kind`, following a leading ancestor kind
 * name ("zone.location" from a device); NULL if there is none. When `hint`
 * is not NULL it is set to the closest existing path (or NULL), for
 * "did you mean" messages.
 */
const struct fact_def *scenario_fact_find(enum scenario_kind kind, const char *path,
    const char **hint);
/* Index of `name` in an enum/set fact's values, or -1. */
int scenario_fact_value_index(const struct fact_def *def, const char *name);

/* --- loading ----------------------------------------------------------------- */

/* Limits enforced on load (errors name the limit). */
#define SCENARIO_MAX_FILE_BYTES (64u << 20) /* YAML or CSV file */
#define SCENARIO_MAX_DEPTH 16               /* YAML nesting */
#define SCENARIO_MAX_SCALAR 4096            /* bytes in one value */
#define SCENARIO_MAX_SITES 10000
#define SCENARIO_MAX_ZONES 100000
#define SCENARIO_MAX_DEVICES 1000000
#define SCENARIO_MAX_EVIDENCE 10000
#define SCENARIO_MAX_CHANGES 1000
#define SCENARIO_MAX_ID 64                  /* id length; ids are [A-Za-z0-9][A-Za-z0-9._-]* */
#define SCENARIO_MAX_HISTORY 1000           /* entries in one fact's dated history */

/* scenario_load() flags */
#define SCENARIO_LOAD_NO_EVIDENCE 0x01u /* do not hash evidence files (status stays unchecked) */
#define SCENARIO_LOAD_NO_CROSSCHECK 0x02u /* load even when scenario_validate() finds errors */

/*
 * Load a scenario from a YAML file (conventionally *.fa.yaml), import its
 * CSV inventory if it names one (relative to the YAML file's folder), and
 * verify evidence hashes against files relative to that folder. Syntax,
 * unknown keys, wrong types, bad enum values, bad dates, duplicate ids and
 * bad CSV rows are errors: NULL with *cause holding one line per error (at
 * most 20), each "FILE:LINE:COL: message" (CSV: "FILE:LINE: column 'C':
 * message"), with a "did you mean" hint where one is close. An evidence
 * hash mismatch or a missing evidence file is not an error: it is recorded
 * in the evidence entity's `status` fact and in scenario_warnings().
 * Contradictions between facts (the errors of scenario_validate(), e.g. an
 * assessment "before processing" dated after go-live) are load errors too,
 * so every caller refuses them; only SCENARIO_LOAD_NO_CROSSCHECK (for a
 * linter that lists all problems itself) loads such a file.
 */
struct scenario *scenario_load(const char *path, unsigned flags, char **cause);
/*
 * The same from text in memory (len bytes, no NUL needed); path names it in
 * messages and its folder is where the inventory and evidence are looked for.
 */
struct scenario *scenario_load_data(const char *path, const char *data, size_t len,
    unsigned flags, char **cause);
void scenario_free(struct scenario *sc);

/* The YAML file path as given to scenario_load(). */
const char *scenario_path(const struct scenario *sc);
/* SHA-256 (hex) of the YAML file's bytes followed by the inventory's bytes, as loaded. */
const char *scenario_hash(const struct scenario *sc);
/* Non-fatal problems found on load (evidence mismatches, missing files), "FILE:LINE:COL: ..." */
size_t scenario_warning_count(const struct scenario *sc);
const char *scenario_warning(const struct scenario *sc, size_t i);

/* --- entities ------------------------------------------------------------------ */

/* The deployment (never NULL for a loaded scenario). */
struct scenario_entity *scenario_deployment(const struct scenario *sc);
/* Number of entities of a kind in the whole scenario (1 for the deployment). */
size_t scenario_count(const struct scenario *sc, enum scenario_kind kind);
/* The i-th entity of a kind (i < scenario_count), in the order described above. */
struct scenario_entity *scenario_entity_at(const struct scenario *sc, enum scenario_kind kind,
    size_t i);
/* The entity of a kind with that id, or NULL. */
struct scenario_entity *scenario_find(const struct scenario *sc, enum scenario_kind kind,
    const char *id);

enum scenario_kind scenario_entity_kind(const struct scenario_entity *e);
const char *scenario_entity_id(const struct scenario_entity *e);
/* Position among all entities of its kind (see ENTITIES). */
size_t scenario_entity_index(const struct scenario_entity *e);
/* Where the entity was written (its mapping in the YAML, or its CSV row). */
struct scenario_loc scenario_entity_loc(const struct scenario_entity *e);
/* True for a device that came from the CSV inventory. */
bool scenario_entity_from_inventory(const struct scenario_entity *e);
/*
 * The ancestor of `kind` (the entity itself if it is of that kind), or NULL
 * when there is none: the zone and site of a device, the deployment of
 * anything.
 */
struct scenario_entity *scenario_entity_parent(const struct scenario_entity *e,
    enum scenario_kind kind);
/*
 * Descendants of `kind` below e: all devices of a site (over its zones),
 * the zones of a site, the devices of a zone; from the deployment, all
 * entities of the kind. Returns the count; scenario_child_at() gives the
 * i-th (i < count) in index order.
 */
size_t scenario_child_count(const struct scenario_entity *e, enum scenario_kind kind);
struct scenario_entity *scenario_child_at(const struct scenario_entity *e,
    enum scenario_kind kind, size_t i);
/*
 * SHARED FACTS. Devices whose facts are all equal, their ids aside, share one
 * row of facts in memory (an inventory of a million devices that repeat a
 * few configurations holds a few rows; positions are kept relative to each
 * device). The key names e's row: two entities of a kind with the same key
 * and the same parent read the same value of every fact on every day,
 * through any path, except their own id and the positions of the values
 * (which are relative to each entity). A write gives the entity a row of
 * its own. Evaluators use it to decide a rule once for such entities.
 */
const void *scenario_entity_facts_key(const struct scenario_entity *e);

/* --- lookups ------------------------------------------------------------------- */

/*
 * Look up `path` (as scenario_fact_find() resolves it, ancestors included)
 * on entity e. Fills *out (state, value, location, holder) and returns 0;
 * returns -1 with *cause ("no fact 'x' on a device (did you mean 'y'?)")
 * when the path names no fact.
 */
int scenario_get(const struct scenario_entity *e, const char *path, struct fact_value *out,
    char **cause);
/*
 * The same with a definition found beforehand (the fast path for rule
 * engines: resolve paths once at load time). def->kind must be e's kind or
 * one of its ancestors' kinds; otherwise out->state is FACT_ABSENT.
 */
void scenario_get_fact(const struct scenario_entity *e, const struct fact_def *def,
    struct fact_value *out);
/*
 * DATED FACTS. A fact may be written as a history instead of one value:
 *
 *     consent:
 *       type:
 *         - {from: 2024-03-01, value: general}
 *         - {from: 2025-07-01, value: separate}
 *
 * each entry holding from its `from` day (and until its optional `until`
 * day, inclusive) or until the next entry. Entries are in date order and do
 * not overlap, and none starts before its entity existed (a device before
 * its `installed` date, other facts before processing_start). Ids, dates
 * and file settings have no history: dates are events themselves.
 *
 * scenario_get_fact_on() reads a fact as it stood on `day`: the history
 * entry in force (a day before the first entry or in a gap: not written, so
 * placement facts inherit), and events dated after the day have not
 * happened yet: such a date is not known, the flag that goes with it
 * (filing.filed with filing.date, impact_assessment.done with its date,
 * notice.changed with notice.change_date, ...) reads false, consent.type
 * reads none before consent.collected_from, and storage.count_on_2025_06_01
 * is 0 when processing started after 2025-06-01. day = FA_DATE_NONE gives
 * what scenario_get_fact() gives: each history's newest entry, no events
 * applied.
 */
void scenario_get_fact_on(const struct scenario_entity *e, const struct fact_def *def,
    fa_date day, struct fact_value *out);
int scenario_get_on(const struct scenario_entity *e, const char *path, fa_date day,
    struct fact_value *out, char **cause);
/*
 * Whether entity e exists on `day`: false for a device installed after the
 * day or removed on or before it (and for entities below such a device);
 * true when the dates are not given or day is FA_DATE_NONE.
 */
bool scenario_entity_exists_on(const struct scenario_entity *e, fa_date day);
/* Number of entries of the fact's own history on e (0: a plain value). */
size_t scenario_history_count(const struct scenario_entity *e, const struct fact_def *def);
/*
 * The i-th entry (oldest first): its value in *out (state, value, location
 * of the value), its first and last day (*until FA_DATE_NONE: open).
 */
void scenario_history_at(const struct scenario_entity *e, const struct fact_def *def, size_t i,
    fa_date *from, fa_date *until, struct fact_value *out);
/*
 * True when v->loc is a real FILE:LINE:COL of the value (or, for a value an
 * event decided, of the event's date); false for a fact not given
 * (FACT_ABSENT: its loc is only the entity's, never show it as the value's
 * position) and for a value set by a program (line 0).
 */
bool scenario_value_written(const struct fact_value *v);

/* Convenience: true when the fact is known (after inheritance). */
bool scenario_known(const struct scenario_entity *e, const struct fact_def *def);
/*
 * Text form of a value: "true", "42", "2025-06-01", "hotel_room",
 * "[rnd, attendance]", a string as is, or "unknown". Caller frees.
 */
char *scenario_value_format(const struct fact_value *v);

/* The evidence entity an evidence-reference fact (FACT_F_EVIDENCE) names, or NULL. */
struct scenario_entity *scenario_evidence_ref(const struct scenario_entity *e,
    const struct fact_def *def);

/* --- fact paths ------------------------------------------------------------------ */

/*
 * FACT PATHS. One syntax names one fact of one entity in every interface
 * (scenario get/set, the TUI's find, lesson scripts, messages):
 *
 *     deployment.consent.type    device:gate-1.signage.present    zone:lobby.location
 *
 * that is KIND[:ID].PATH, the deployment without an id. Ids may contain
 * dots: the shortest id prefix naming an existing entity is taken. Older
 * spellings resolve too, with a hint: "device[gate-1].location",
 * "device:gate-1 location" (KIND:ID and PATH apart) and a bare deployment
 * path "consent.type".
 */
struct scenario_ref {
    struct scenario_entity *entity; /* borrowed */
    const struct fact_def *def;     /* its kind's fact, or an ancestor's ("zone.location") */
};
/*
 * Resolve text against sc: 0 with *out, or -1 with *cause. When an old
 * spelling was used and hint is not NULL, *hint is set to "'X' is the old
 * form of 'Y'" (caller frees), else NULL.
 */
int scenario_ref_parse(const struct scenario *sc, const char *text, struct scenario_ref *out,
    char **hint, char **cause);
/* The path of def on e's holder of it: "device:gate-1.location"; caller frees. */
char *scenario_ref_format(const struct scenario_entity *e, const struct fact_def *def);

/* --- writes (the what-if editor) ---------------------------------------------- */

/*
 * Set fact `path` of e from text, parsed exactly as a YAML value of that
 * type ("unknown" sets FACT_UNKNOWN; sets are "a, b" or "[a, b]"). Ancestor
 * paths write the ancestor's fact. Ids and computed facts cannot be set.
 * The value's location becomes line 0. Returns 0 or -1 with *cause.
 */
int scenario_set(struct scenario_entity *e, const char *path, const char *text, char **cause);
/*
 * scenario_set, the value keeping a location: where another value it stands
 * for is written (a declaration a program moves aside, so that findings
 * still cite its line). `at` must lie in the file of the entity holding the
 * fact; otherwise, or with line 0, the location is line 0 as for scenario_set.
 */
int scenario_set_at(struct scenario_entity *e, const char *path, const char *text,
    const struct scenario_loc *at, char **cause);
/* Set from a typed value (v->def names the fact; v->state FACT_KNOWN or FACT_UNKNOWN). */
int scenario_set_value(struct scenario_entity *e, const struct fact_value *v, char **cause);
/* Make a fact explicitly unknown (FACT_UNKNOWN). */
int scenario_set_unknown(struct scenario_entity *e, const char *path, char **cause);
/* Remove a fact (FACT_ABSENT: inheritable facts then inherit again). */
int scenario_unset(struct scenario_entity *e, const char *path, char **cause);

/*
 * Write the scenario as YAML to path atomically (fs_write_atomic). The file
 * is self-contained: inventory devices are written inline and the
 * `inventory` key is dropped; relative evidence paths are rewritten
 * relative to the new file's folder; comments of the original are not kept.
 * FACT_UNKNOWN values are written as `unknown` (an unknown set is omitted,
 * so it reloads FACT_ABSENT: still unknown), FACT_ABSENT ones are omitted,
 * so scenario_load() of the result gives the same facts.
 */
int scenario_save(const struct scenario *sc, const char *path, char **cause);
/*
 * The same with the format version to declare: scenario_save() writes 2
 * when the scenario holds a dated history, else 1; `scenario upgrade`
 * writes 2.
 */
int scenario_save_version(const struct scenario *sc, const char *path, int version,
    char **cause);

/* --- validation ---------------------------------------------------------------- */

enum scenario_problem_level { SCENARIO_WARNING, SCENARIO_ERROR };

struct scenario_problem {
    enum scenario_problem_level level;
    char *message; /* "FILE:LINE:COL: ..." (or "FILE: ..." without a location); owned */
};

/*
 * Cross-check a loaded scenario: references to missing evidence, dates after
 * the as-of date, contradictions (filed without a date, 100,000 reached
 * with a smaller count on 2025-06-01, "FR the only way" yet an alternative
 * offered on refusal, ...), and gaps that make deadlines uncomputable.
 * Appends problems to *out (an array grown with xreallocarray, *n its
 * length); returns the number of errors appended. Free with
 * scenario_problems_free().
 */
size_t scenario_validate(const struct scenario *sc, struct scenario_problem **out, size_t *n);
void scenario_problems_free(struct scenario_problem *p, size_t n);

#endif /* FA_SCENARIO_H */
