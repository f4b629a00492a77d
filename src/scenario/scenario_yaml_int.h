/* SPDX-License-Identifier: MIT */
#ifndef FA_SCENARIO_YAML_INT_H
#define FA_SCENARIO_YAML_INT_H
/*
 * scenario_yaml_int.h - private to the YAML files of src/scenario/: the
 * schema tree built from the fact table (scenario_schema.c), the values and
 * marks the one pass over the YAML records (scenario_prescan.c) for the
 * loader (scenario_load.c), and the libcyaml schema of the saver
 * (scenario_save.c). Nothing outside these files includes libcyaml;
 * libyaml is core/ydoc.c's alone.
 *
 * The YAML schema is generated once from the fact table
 * (scenario_facts.c): each entity kind is a mapping whose keys are the
 * first segments of its fact paths ("consent" for consent.type), collections
 * are sequences of entity mappings ("sites", "filing.changes"). Loading walks
 * the document's events against that tree once, keeping each value's text
 * and position; the typed conversion (dates, enums with hints, ranges,
 * `unknown`) is ours. For saving, a libcyaml schema is built over the same
 * tree in which every fact value is a string and every mapping is an array
 * of 16-byte cells (pointer + sequence count).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cyaml/cyaml.h>

#include "faceaudit/scenario.h"
#include "faceaudit/str.h"
#include "faceaudit/ydoc.h"

/* --- the schema tree (scenario_schema.c) ------------------------------------------- */

enum node_type { N_MAP, N_SCALAR, N_SET, N_LIST };

struct node {
    enum node_type type;
    const char *key;                /* key in the parent mapping (NULL for roots) */
    const struct fact_def *def;     /* N_SCALAR, N_SET */
    int kind;                       /* N_MAP entity root or N_LIST: the entity kind; else -1 */
    struct node **children;         /* N_MAP */
    size_t n;
    struct node *entry;             /* N_LIST: the child kind's root mapping */
    size_t max;                     /* N_LIST: entity limit */
    cyaml_schema_field_t *fields;   /* N_MAP: n + 1 */
    cyaml_schema_value_t value;     /* as a field value (optional pointer) */
    cyaml_schema_value_t inline_value; /* entity roots: as a sequence entry */
};

/* Each mapping is an array of cells, one per child key. */
struct cell {
    void *ptr;
    uint64_t count;
};

/* The root mapping of each entity kind, and the libcyaml schema of a document. */
extern struct node *scenario_kind_roots[SCENARIO_KIND_COUNT];
extern cyaml_schema_value_t scenario_root_schema;
/* Build the tree and the libcyaml schema (once per process; thread-safe). */
void scenario_schema_init(void);
/* libcyaml configuration: allocation through xmalloc, errors into log. */
void scenario_cy_config(cyaml_config_t *cfg, struct strbuf *log);

/* --- the pre-scan (scenario_prescan.c) --------------------------------------------- */

/* Where a value was written (line 0: the key is absent). */
struct mark {
    unsigned line, col;
    bool ok;      /* a usable value was recorded (line alone: the key was seen) */
    bool unknown; /* plain `unknown` */
    bool quoted;  /* a quoted scalar */
};

/*
 * The values and marks of one mapping of the document: a slot per key
 * written, naming the key by its index in the schema node (so no path
 * strings are built or looked up, and a device of five keys costs five
 * slots, not one per key of the schema).
 */
struct mnode;
/* One entry of a dated history ({from: DATE, until: DATE, value: V}), as written. */
struct hmark {
    struct mark mark;            /* the entry's mapping */
    struct mark from, until, value;
    char *from_text, *until_text; /* owned; NULL when not written */
    char *value_text;            /* owned: a single value (or plain `unknown` for a list) */
    char **items;                /* owned: N_SET list items */
    struct mark *item_marks;
    size_t nitems;
};

struct mslot {
    size_t child;        /* index of the key in the schema node's children */
    struct mark mark;
    char *text;          /* N_SCALAR: the value as written (owned) */
    struct mnode *map;   /* N_MAP: the nested mapping */
    struct mnode *items; /* N_LIST: one per entity; N_SET: unused */
    struct mark *set;    /* N_SET: one mark per item (nitems of them) */
    char **set_text;     /* N_SET: one text per item (owned; NULL for a rejected item) */
    size_t nitems;
    struct hmark *hist;  /* N_SCALAR, N_SET: a dated history instead of a value */
    size_t nhist;
};
struct mnode {
    struct mark mark;    /* the mapping itself */
    struct mslot *slots; /* the keys written (n), in schema order once walked */
    size_t n;
};

struct prescan {
    struct ydoc_events *events;
    const char *file;
    struct strbuf *errors;
    size_t *nerrors;
    size_t totals[SCENARIO_KIND_COUNT];
    const char *value_key;      /* the key whose value event is being read, for messages */
    bool fatal;                 /* syntax error or limit: stop */
    bool shape_bad;             /* a value of the wrong kind: no conversion (ps_shape) */
};

/*
 * Walk text (len bytes) with the YAML event reader (ydoc_events_*) against
 * the schema tree, filling root with every value and its mark; errors go to
 * ps->errors, ps->fatal says nothing more can be read (syntax error, limit,
 * an anchor or alias) and ps->shape_bad that the tree is not to be converted.
 */
void scenario_prescan_run(struct prescan *ps, const char *text, size_t len, struct mnode *root);
/* Free the marks below mn (not mn itself). */
void scenario_mnode_done(const struct node *map, struct mnode *mn);
/* The slot of the schema node's child number `child`, or NULL when not written. */
const struct mslot *scenario_mnode_slot(const struct mnode *mn, size_t child);

#endif /* FA_SCENARIO_YAML_INT_H */
