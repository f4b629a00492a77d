/* SPDX-License-Identifier: MIT */
#ifndef FA_SCENARIO_INT_H
#define FA_SCENARIO_INT_H
/*
 * scenario_int.h - private to src/scenario/: the in-memory model behind
 * scenario.h, shared by the model (scenario.c), the YAML loader and saver
 * (scenario_load.c, scenario_save.c), the CSV importer (scenario_csv.c) and
 * the validator.
 *
 * Each entity reads one fact_slot per fact of its kind, in schema order
 * (scenario_fact_slot() gives a definition's slot): its id slot is its own,
 * the others are a row of facts that entities with equal facts share
 * (scenario_rows.c; read with scenario_slot(), write with scenario_slot_w(),
 * which copies a shared row first). Positions in slots are relative to the
 * entity. Strings in rows are owned by the row. The scenario owns its
 * entities (slabs, and per-kind arrays in index order), the rows, the file
 * names that locations point at, and id indexes.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "faceaudit/compat.h"
#include "faceaudit/hash.h"
#include "faceaudit/scenario.h"
#include "faceaudit/str.h"
#include "faceaudit/vec.h"

/*
 * Where a slot's value is written, relative to the entity holding it: rows
 * of facts are shared between entities (see struct fact_row), so a position
 * is the line offset from the entity's own line, in the entity's file, and
 * the column. col 0: written nowhere (set by a program, or computed).
 */
struct slot_loc {
    int32_t dline;
    uint32_t col;
};

struct fact_slot {
    enum fact_state state;
    uint32_t hist;     /* 0, or 1 + index of the slot's dated history in sc->hists */
    union {
        bool b;
        int64_t i;
        double num;
        char *s; /* owned by the row (the id slot's: by the scenario's string arena) */
        fa_date date;
        int e;
        uint64_t set;
    } v;
    struct slot_loc loc;
};

/*
 * One row of facts: a slot per fact of its kind, in schema order. Devices
 * whose facts are all equal (their ids aside, positions relative) share one
 * interned row: an inventory of a million devices that repeat a few
 * configurations holds a few rows. A shared row is never written: a write
 * copies it first (scenario_slot_w). Slot 0 of a row, the id, is unused:
 * every entity keeps its own id slot.
 */
struct fact_row {
    struct fact_row *next;   /* the intern table's chain, or the private list */
    uint64_t hash;
    uint32_t refs;           /* entities using it */
    enum scenario_kind kind;
    bool interned;
    struct fact_slot slots[];
};

/* Descendants of each kind below an entity: a run of the kind's list. */
struct entity_range {
    size_t first[SCENARIO_KIND_COUNT];
    size_t count[SCENARIO_KIND_COUNT];
};

struct scenario_entity {
    struct scenario *sc;
    struct scenario_entity *parent;
    struct fact_row *row;          /* its facts (shared or private) */
    struct fact_slot id;           /* slot 0: the id, the entity's own */
    struct scenario_loc loc;
    uint32_t index;                /* position in sc->ents[kind] */
    uint32_t seq;                  /* creation order, for stable sorting */
    enum scenario_kind kind;
    bool from_inventory;
    bool id_arena;                 /* the id string is in sc's arena (else owned) */
    struct entity_range *range;    /* NULL: no descendants */
};

/*
 * Entities by id: open addressing over entity pointers, keyed by the id
 * slot; tag[] keeps a 32-bit hash of each id (its slot, and the comparison
 * before strcmp).
 */
struct id_index {
    struct scenario_entity **tab;
    uint32_t *tag;
    size_t cap, n;
};

struct scenario {
    char *path;
    char *dir;
    char hash[65];
    struct vec files;              /* owned strings: every file a location names */
    struct scenario_entity **ents[SCENARIO_KIND_COUNT];
    size_t nents[SCENARIO_KIND_COUNT];
    size_t capents[SCENARIO_KIND_COUNT];
    struct id_index ids[SCENARIO_KIND_COUNT];
    struct vec warnings;           /* owned strings */
    struct fact_hist *hists;       /* dated histories (slots point here by index) */
    size_t nhists, caphists;
    /* storage: entities in slabs, ids in an arena, rows interned (scenario_rows.c) */
    struct vec slabs;              /* owned chunks of entities */
    size_t slab_left;
    struct vec strs;               /* owned chunks of id strings */
    char *str_cur;
    size_t str_left;
    struct fact_row **rowtab;      /* interned rows, chained by hash */
    size_t rowcap, nrows;
    struct fact_row *private_rows; /* rows not interned (each entity's own) */
};

/*
 * A fact's dated history, oldest first. The slot holding it keeps a copy of
 * the newest entry's value, so readers without a date see the latest state.
 * Positions are relative to the entity holding the slot, as in slots.
 */
struct fact_hist_entry {
    fa_date from;            /* first day the value held */
    fa_date until;           /* last day it held; FA_DATE_NONE: until the next entry */
    struct fact_slot val;    /* FACT_KNOWN or FACT_UNKNOWN; owns its string */
    struct slot_loc loc;     /* where `from` is written */
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
/* The slot of def on e (its own kind's fact), to read. */
const struct fact_slot *scenario_slot(const struct scenario_entity *e,
    const struct fact_def *def);
/* The same to write: a shared row is copied first (e gets its own). */
struct fact_slot *scenario_slot_w(struct scenario_entity *e, const struct fact_def *def);
/* The i-th slot of e (0: the id), to read. */
const struct fact_slot *scenario_slot_at(const struct scenario_entity *e, size_t i);
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

/* scenario_rows.c */
/* A new entity with a private row (every slot absent at the entity's position). */
struct scenario_entity *scenario_entity_alloc(struct scenario *sc, enum scenario_kind kind,
    struct scenario_entity *parent, struct scenario_loc loc);
/* Free every entity, row and id string of sc (scenario_free). */
void scenario_storage_free(struct scenario *sc);
/* A copy of s in the scenario's string arena (lives until scenario_free). */
char *scenario_strdup(struct scenario *sc, const char *s);
/*
 * Share e's row with the entities whose facts are equal (intern it), once
 * its facts are written; a later write copies it again (scenario_slot_w).
 */
void scenario_entity_seal(struct scenario_entity *e);
/* Make e's row its own (copy a shared one) before a write. */
void scenario_row_own(struct scenario_entity *e);
/* Positions: absolute <-> relative to e (see struct slot_loc). */
struct slot_loc scenario_loc_rel(const struct scenario_entity *e, struct scenario_loc loc);
struct scenario_loc scenario_loc_abs(const struct scenario_entity *e, struct slot_loc rel);
/* The id index: add e (its id slot set), find by id. */
void scenario_ids_put(struct id_index *ix, struct scenario_entity *e);
struct scenario_entity *scenario_ids_get(const struct id_index *ix, const char *id);
void scenario_ids_free(struct id_index *ix);

/* scenario_dated.c */
/* Room for one more history in sc->hists (grown geometrically). */
void scenario_hists_reserve(struct scenario *sc);
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
