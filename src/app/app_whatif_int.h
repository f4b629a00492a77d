/* SPDX-License-Identifier: MIT */
#ifndef FA_APP_WHATIF_INT_H
#define FA_APP_WHATIF_INT_H
/*
 * app_whatif_int.h - the what-if session's state, private to
 * app_whatif.c (the session and its changes), app_whatif_rows.c (the
 * verdict and the fact tree as rows) and app_timeline.c (the simulation
 * timeline over the session's scenario).
 */

#include "faceaudit/app_whatif.h"
#include "faceaudit/calendar.h"
#include "faceaudit/scenario.h"
#include "faceaudit/vec.h"

/* One fact of a change: entity, fact, and its own value before and after. */
struct whatif_fact {
    enum scenario_kind kind;
    char *id;                   /* entity id */
    char *path;                 /* fact path on that entity */
    enum fact_state old_state, new_state;
    char *old_text, *new_text;  /* formatted values (NULL unless FACT_KNOWN) */
};

/* One step of the history: the facts of one change, in the order made. */
struct whatif_edit {
    struct whatif_fact *f;
    size_t n;
};

struct app_whatif {
    struct rule_pack *pack;
    struct calendar *cal;
    struct scenario *sc;
    char *path;                 /* the scenario file opened */
    struct audit_result *res;   /* current verdict */
    struct audit_result *prev;  /* verdict before the last change/undo/redo, or NULL */
    fa_date as_of;              /* the as-of date of the verdict */
    bool as_of_override;        /* as_of set by the caller (simulation day), not the scenario */
    struct vec undo, redo;      /* struct whatif_edit * (owned) */
    char *last_change;          /* "device:desk-tablet-1.location = hotel_room" or NULL */
    char *remedies;             /* canonical rule text, searched for remedies */
    unsigned generation;
    struct app *app;            /* borrowed, or NULL */
};

/* The entity's own value of a fact, not an inherited one: *state, *text (allocated or NULL). */
void whatif_own_value(struct scenario_entity *e, const struct fact_def *def,
    enum fact_state *state, char **text);
/* Write such a pair back (FACT_ABSENT removes the value); no history, no audit. */
int whatif_apply(struct scenario_entity *e, const char *path, enum fact_state state,
    const char *text, char **cause);

#endif /* FA_APP_WHATIF_INT_H */
