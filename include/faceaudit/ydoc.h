/* SPDX-License-Identifier: MIT */
#ifndef FA_YDOC_H
#define FA_YDOC_H
/*
 * ydoc.h - the YAML helper: one YAML document read with libyaml into a tree
 * whose every node keeps its line and column, for the small YAML inputs
 * (waivers, evaluation gates) that rule/ and eval/ read; and, for inputs too
 * large for a tree (scenarios of a million devices), the same parser as a
 * stream of events with their positions (ydoc_events_*), which the scenario
 * loader walks against its schema. core/ydoc.c is the only libyaml includer.
 *
 * Hostile input is bounded while it is parsed: anchors and aliases are
 * refused (no alias bombs), and so are nesting deeper than max_depth, more
 * than max_nodes nodes, scalars longer than max_scalar bytes, duplicate keys,
 * non-scalar keys and more than one document. Errors read
 * "FILE:LINE:COL: message".
 */

#include <stdbool.h>
#include <stddef.h>

#include "faceaudit/compat.h"

enum ydoc_kind { YDOC_SCALAR, YDOC_SEQ, YDOC_MAP };

struct ydoc {
    enum ydoc_kind kind;
    unsigned line, col;   /* 1-based start of the node */
    char *str;            /* YDOC_SCALAR: the text ("" for an empty value) */
    bool quoted;          /* YDOC_SCALAR: written in quotes (never null) */
    size_t n;             /* YDOC_SEQ, YDOC_MAP: number of items */
    struct ydoc **items;  /* sequence items, or mapping values */
    struct ydoc **keys;   /* YDOC_MAP: the keys (scalars), parallel to items */
};

struct ydoc_limits {
    unsigned max_depth; /* 0: 16 */
    size_t max_nodes;   /* 0: 100000 */
    size_t max_scalar;  /* bytes; 0: 65536 */
};

/*
 * Parse text[0..len) (file names errors). An empty document is a plain empty
 * scalar. Returns the tree (ydoc_free) or NULL with *cause.
 */
struct ydoc *ydoc_parse(const char *text, size_t len, const char *file,
    const struct ydoc_limits *limits, char **cause);
void ydoc_free(struct ydoc *d);

/* A mapping's value for key, or NULL (also when map is not a mapping). */
const struct ydoc *ydoc_get(const struct ydoc *map, const char *key);
/* A plain (unquoted) "", "~" or "null" in any case. */
bool ydoc_is_null(const struct ydoc *v);
/* Sets *cause to "FILE:LINE:COL: message" at node `at`; returns -1. */
int ydoc_error(char **cause, const char *file, const struct ydoc *at, const char *fmt, ...)
    FA_PRINTF(4, 5);
/*
 * Check that v is a mapping whose keys are all in `allowed` (NULL-terminated),
 * naming an unknown key with a did-you-mean hint; `what` names the mapping in
 * messages ("a waiver"). Returns 0 or -1 with *cause.
 */
int ydoc_check_map(const struct ydoc *v, const char *file, const char *what,
    const char *const *allowed, char **cause);
/* A plain scalar that is a finite number (YAML 1.1/1.2 float syntax); 0 or -1. */
int ydoc_number(const struct ydoc *v, const char *file, const char *key, double *out,
    char **cause);
/* A scalar string of minlen..maxlen bytes; 0 or -1. */
int ydoc_string(const struct ydoc *v, const char *file, const char *key, size_t minlen,
    size_t maxlen, const char **out, char **cause);

/* --- events ------------------------------------------------------------------------- */

enum ydoc_ev_type {
    YDOC_EV_NONE, YDOC_EV_STREAM_START, YDOC_EV_STREAM_END, YDOC_EV_DOC_START,
    YDOC_EV_DOC_END, YDOC_EV_ALIAS, YDOC_EV_SCALAR, YDOC_EV_SEQ_START, YDOC_EV_SEQ_END,
    YDOC_EV_MAP_START, YDOC_EV_MAP_END
};

/* One parse event, libyaml's as they come, with nothing checked or bounded. */
struct ydoc_event {
    enum ydoc_ev_type type;
    unsigned line, col;  /* 1-based start */
    size_t start, end;   /* byte offsets of the event's text: text[start .. end) */
    char *str;           /* YDOC_EV_SCALAR: the value, NUL-terminated (owned by the
                          * event: ydoc_event_done frees it; a caller may take it and
                          * set str to NULL); else NULL */
    size_t len;          /* YDOC_EV_SCALAR: bytes of str */
    bool plain;          /* YDOC_EV_SCALAR: a plain (unquoted, not block) scalar */
    bool anchor;         /* a scalar, sequence or mapping with an anchor (&name) */
};

struct ydoc_events;
/* An event reader over text[0..len) (borrowed: it must outlive the reader). */
struct ydoc_events *ydoc_events_new(const char *text, size_t len);
/*
 * The next event into *ev (to be released with ydoc_event_done): true, or
 * false on a syntax error (ydoc_events_error says where and what; every
 * later call is false too).
 */
bool ydoc_events_next(struct ydoc_events *r, struct ydoc_event *ev);
/*
 * After a false ydoc_events_next: the 1-based position of the problem and
 * the message "PROBLEM CONTEXT" (or "PROBLEM"), owned by the reader.
 */
const char *ydoc_events_error(struct ydoc_events *r, unsigned *line, unsigned *col);
void ydoc_events_free(struct ydoc_events *r);
/* Free what ev owns (its scalar text) and clear it. */
void ydoc_event_done(struct ydoc_event *ev);

#endif /* FA_YDOC_H */
