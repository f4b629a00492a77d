/* SPDX-License-Identifier: MIT */
#ifndef FA_SCENARIO_INT_H
#define FA_SCENARIO_INT_H
/*
 * scenario_int.h - private to src/scenario/: the in-memory model behind
 * scenario.h, shared by the model (scenario.c), the YAML loader and saver
 * (scenario_load.c, scenario_save.c), the CSV importer (scenario_csv.c) and
 * the validator.
 *
 * Each entity holds one fact_slot per fact of its kind, in schema order
 * (scenario_fact_slot() gives a definition's slot). Strings in slots are
 * owned by the slot. The scenario owns its entities (per-kind arrays in
 * index order), the file names that locations point at, and id indexes.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "faceaudit/compat.h"
#include "faceaudit/hash.h"
#include "faceaudit/scenario.h"
#include "faceaudit/str.h"
#include "faceaudit/vec.h"

struct fact_slot {
    enum fact_state state;
    uint32_t hist;     /* 0, or 1 + index of the slot's dated history in sc->hists */
    union {
        bool b;
        int64_t i;
        double num;
        char *s; /* owned */
        fa_date date;
        int e;
        uint64_t set;
    } v;
    struct scenario_loc loc;
};

struct scenario_entity {
    struct scenario *sc;
    enum scenario_kind kind;
    size_t index;                  /* position in sc->ents[kind] */
    size_t seq;                    /* creation order, for stable sorting */
    struct scenario_entity *parent;
    struct fact_slot *slots;       /* scenario_kind_nfacts(kind) slots */
    struct scenario_loc loc;
    bool from_inventory;
    size_t first[SCENARIO_KIND_COUNT]; /* descendants of each kind: a run of the kind's list */
    size_t count[SCENARIO_KIND_COUNT];
};

struct scenario {
    char *path;
    char *dir;
    char hash[65];
    struct vec files;              /* owned strings: every file a location names */
    struct scenario_entity **ents[SCENARIO_KIND_COUNT];
    size_t nents[SCENARIO_KIND_COUNT];
    size_t capents[SCENARIO_KIND_COUNT];
    struct hash ids[SCENARIO_KIND_COUNT]; /* id -> entity (borrowed) */
    struct vec warnings;           /* owned strings */
    struct fact_hist *hists;       /* dated histories (slots point here by index) */
    size_t nhists;
};

/*
 * A fact's dated history, oldest first. The slot holding it keeps a copy of
 * the newest entry's value, so readers without a date see the latest state.
 */
struct fact_hist_entry {
    fa_date from;            /* first day the value held */
    fa_date until;           /* last day it held; FA_DATE_NONE: until the next entry */
    struct fact_slot val;    /* FACT_KNOWN or FACT_UNKNOWN; owns its string */
    struct scenario_loc loc; /* where `from` is written */
};
struct fact_hist {
    const struct fact_def *def;
    struct fact_hist_entry *e; /* owned */
    size_t n;
};

/* Where a collection of child entities sits in its parent's mapping. */
struct scenario_collection {
    enum scenario_kind kind;
    enum scenario_kind parent;
    const char *path;              /* "sites", "filing.changes" */
    size_t max;
};
extern const struct scenario_collection scenario_collections[];
extern const size_t scenario_ncollections;

/* scenario_facts.c */
int scenario_parent_kind(enum scenario_kind kind);
/* Facts of a kind are contiguous in the schema: first index and count. */
void scenario_kind_facts(enum scenario_kind kind, size_t *first, size_t *n);
size_t scenario_fact_slot(const struct fact_def *def);
const struct fact_def *scenario_fact_lookup(enum scenario_kind kind, const char *path);

/* scenario.c */
struct scenario *scenario_new(const char *path);
/* Intern a file name for locations; returns the scenario's copy. */
const char *scenario_intern_file(struct scenario *sc, const char *file);
struct scenario_entity *scenario_entity_new(struct scenario *sc, enum scenario_kind kind,
    struct scenario_entity *parent, struct scenario_loc loc);
/* Register e's id (after its id slot is set); -1 with *cause on a duplicate. */
int scenario_register_id(struct scenario_entity *e, char **cause);
/* Sort children by parent and compute descendant ranges; call once after loading. */
void scenario_finish(struct scenario *sc);
void scenario_add_warning(struct scenario *sc, const char *fmt, ...) FA_PRINTF(2, 3);
struct fact_slot *scenario_slot(const struct scenario_entity *e, const struct fact_def *def);
/*
 * Parse text as a value of def's type into *s (state FACT_KNOWN, or
 * FACT_UNKNOWN for "unknown" when unknown_ok). Returns 0, or -1 with
 * *cause saying what is wrong (no location: callers add it).
 */
int scenario_parse_value(const struct fact_def *def, const char *text, bool unknown_ok,
    struct fact_slot *s, char **cause);
/*
 * " (did you mean 'x'?)" for the candidate closest to word (edit distance,
 * else the one or two candidates the word abbreviates), or "". Caller frees.
 */
char *scenario_hint(const char *word, const char *const *cands);
/* Text of a known slot value (as scenario_value_format); caller frees. */
char *scenario_slot_format(const struct fact_def *def, const struct fact_slot *s);
/* Set every evidence status; with verify, hash the files (mismatches become warnings). */
void scenario_check_evidence(struct scenario *sc, bool verify);

/* scenario_dated.c */
/*
 * Attach a history (n entries, taken over) to e's slot of def; the slot gets
 * a copy of the newest value. Entries must be in order (the loader checks).
 */
void scenario_hist_attach(struct scenario_entity *e, const struct fact_def *def,
    struct fact_hist_entry *entries, size_t n);
/* The history of a slot, or NULL. */
const struct fact_hist *scenario_slot_hist(const struct scenario *sc, const struct fact_slot *s);
void scenario_hists_free(struct scenario *sc);
/*
 * Events as of `day` on a value just looked up (scenario_get_fact_on): a
 * date after the day is not yet known, a flag whose event date lies after
 * it reads false, the count on 2025-06-01 is 0 before go-live.
 */
void scenario_dated_adjust(const struct scenario_entity *e, const struct fact_def *def,
    fa_date day, struct fact_value *out);
/*
 * Histories that start before their entity existed (a device before its
 * `installed` date, anything else before processing_start): one error line
 * each. Returns the number of errors.
 */
size_t scenario_check_history_starts(struct scenario *sc, struct strbuf *errors,
    size_t *nerrors);

/* scenario_csv.c */
/* Import devices from a CSV inventory into existing zones; one cause line per error. */
struct sha256;
int scenario_csv_import(struct scenario *sc, const char *csv_path, const char *shown_path,
    struct sha256 *hash, struct strbuf *errors, size_t *nerrors);
/* Append one error line to errors (at most SCENARIO_MAX_ERRORS are kept). */
void scenario_error(struct strbuf *errors, size_t *nerrors, const char *fmt, ...) FA_PRINTF(3, 4);
#define SCENARIO_MAX_ERRORS 20

#endif /* FA_SCENARIO_INT_H */
