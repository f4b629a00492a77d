/* SPDX-License-Identifier: MIT */
/*
 * scenario_prescan.c - the one pass over a scenario's YAML (see
 * scenario_load.c): the YAML event reader (core/ydoc.c) walks the document
 * against the schema tree. Unknown keys (with a did-you-mean hint), wrong node
 * kinds, duplicate keys, empty values, anchors and aliases (anywhere), depth
 * and count limits are errors with FILE:LINE:COL, and every value is recorded
 * with its mark in a tree of marks parallel to the schema, from which the
 * conversion builds the model. A plain `unknown` written where a mapping or
 * list is expected is recorded as unknown.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/log.h"
#include "faceaudit/scenario.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "scenario_int.h"
#include "scenario_yaml_int.h"

void
scenario_mnode_done(const struct node *map, struct mnode *mn)
{
    size_t i, j;

    for (i = 0; i < mn->n; i++) {
        struct mslot *s = &mn->slots[i];
        const struct node *c = map->children[s->child];

        if (s->map != NULL) {
            scenario_mnode_done(c, s->map);
            free(s->map);
        }
        for (j = 0; s->items != NULL && j < s->nitems; j++)
            scenario_mnode_done(c->entry, &s->items[j]);
        free(s->items);
        free(s->text);
        for (j = 0; s->set_text != NULL && j < s->nitems; j++)
            free(s->set_text[j]);
        free(s->set_text);
        free(s->set);
        for (j = 0; j < s->nhist; j++) {
            struct hmark *h = &s->hist[j];
            size_t k;

            free(h->from_text);
            free(h->until_text);
            free(h->value_text);
            for (k = 0; k < h->nitems; k++)
                free(h->items[k]);
            free(h->items);
            free(h->item_marks);
        }
        free(s->hist);
    }
    free(mn->slots);
    mn->slots = NULL;
    mn->n = 0;
}

const struct mslot *
scenario_mnode_slot(const struct mnode *mn, size_t child)
{
    size_t i;

    for (i = 0; i < mn->n; i++) {
        if (mn->slots[i].child == child)
            return &mn->slots[i];
    }
    return NULL;
}

/* A new slot for child (not yet written) in mn. */
static struct mslot *
mnode_add(struct mnode *mn, size_t child)
{
    struct mslot *s;

    if ((mn->n & (mn->n - 1)) == 0) /* 0, 1, 2, 4, ...: grown by doubling */
        mn->slots = xreallocarray(mn->slots, mn->n == 0 ? 4 : mn->n * 2, sizeof *mn->slots);
    s = &mn->slots[mn->n++];
    memset(s, 0, sizeof *s);
    s->child = child;
    return s;
}

static int
slot_cmp(const void *a, const void *b)
{
    const struct mslot *x = a, *y = b;

    return x->child < y->child ? -1 : x->child > y->child;
}

static void
ps_error_at(struct prescan *ps, unsigned line, unsigned col, const char *fmt, ...)
    FA_PRINTF(4, 5);

static void
ps_error_at(struct prescan *ps, unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    scenario_error(ps->errors, ps->nerrors, "%s:%u:%u: %s", ps->file, line, col, msg);
    free(msg);
}

/* An error at the start of event ev. */
#define ps_error(ps, ev, ...) ps_error_at((ps), (ev)->line, (ev)->col, __VA_ARGS__)

/* Next event; false (and an error) on a syntax error. */
static bool
ps_next(struct prescan *ps, struct ydoc_event *ev)
{
    /*
     * After an error libyaml keeps "succeeding" with empty events: stop at
     * the first error (or at an empty event) so no loop waits for an end
     * event that never comes.
     */
    if (ps->fatal) {
        memset(ev, 0, sizeof *ev);
        return false;
    }
    if (ydoc_events_next(ps->events, ev)) {
        if (ev->type == YDOC_EV_NONE) {
            ps->fatal = true;
            return false;
        }
        /*
         * Anchors and aliases are refused wherever they are, under unknown
         * keys and in skipped values too, and the scan stops there: libcyaml
         * (which must then never run) expands every alias, so nine nested
         * anchors in 500 bytes grow into gigabytes (a "billion laughs").
         * The expansion bound is therefore zero aliases.
         */
        if (ev->anchor || ev->type == YDOC_EV_ALIAS) {
            if (ps->value_key != NULL)
                ps_error(ps, ev, "%s: anchors and aliases are not supported in "
                    "scenarios", ps->value_key);
            else
                ps_error(ps, ev, "anchors and aliases are not supported in "
                    "scenarios");
            ps->fatal = true;
        }
        return true;
    }
    if (!ps->fatal) {
        unsigned line, col;
        const char *msg = ydoc_events_error(ps->events, &line, &col);

        ps_error_at(ps, line, col, "YAML syntax error: %s", msg);
    }
    ps->fatal = true;
    return false;
}

static void
set_mark(struct mark *mk, const struct ydoc_event *ev, bool unknown, bool quoted)
{
    mk->line = ev->line;
    mk->col = ev->col;
    mk->ok = true;
    mk->unknown = unknown;
    mk->quoted = quoted;
}

static const char *
event_what(const struct ydoc_event *ev)
{
    switch (ev->type) {
    case YDOC_EV_MAP_START:
        return "a mapping";
    case YDOC_EV_SEQ_START:
        return "a list";
    case YDOC_EV_SCALAR:
        return "a single value";
    case YDOC_EV_ALIAS:
        return "an alias";
    default:
        return "something else";
    }
}

static bool
is_plain(const struct ydoc_event *ev, const char *text)
{
    return ev->type == YDOC_EV_SCALAR && ev->plain &&
        strcmp(ev->str, text) == 0;
}

/* Skip the rest of a node whose first event is ev (already consumed). */
static void
ps_skip(struct prescan *ps, const struct ydoc_event *first)
{
    struct ydoc_event ev;
    int depth;

    if (first->type != YDOC_EV_MAP_START && first->type != YDOC_EV_SEQ_START)
        return;
    depth = 1;
    while (depth > 0 && ps_next(ps, &ev)) {
        if (ev.type == YDOC_EV_MAP_START || ev.type == YDOC_EV_SEQ_START)
            depth++;
        else if (ev.type == YDOC_EV_MAP_END || ev.type == YDOC_EV_SEQ_END)
            depth--;
        ydoc_event_done(&ev);
    }
}

static bool ps_scalar_ok(struct prescan *ps, const struct ydoc_event *ev, const char *key);

/* Skip to the end of the list whose items are being read. */
static void
ps_skip_rest(struct prescan *ps)
{
    struct ydoc_event ev;
    int depth = 1;

    while (depth > 0 && ps_next(ps, &ev)) {
        if (ev.type == YDOC_EV_MAP_START || ev.type == YDOC_EV_SEQ_START)
            depth++;
        else if (ev.type == YDOC_EV_MAP_END || ev.type == YDOC_EV_SEQ_END)
            depth--;
        ydoc_event_done(&ev);
    }
}

/* Whether fact c may carry a dated history; an error when it may not. */
static bool
history_allowed(struct prescan *ps, const struct node *c, const struct ydoc_event *ev)
{
    const char *why = NULL;

    if (c->def->flags & FACT_F_ID)
        why = "an id";
    else if (c->def->flags & FACT_F_META)
        why = "a file or simulation setting";
    else if (c->def->type == FACT_DATE)
        why = "a date: it is the date of an event itself";
    if (why == NULL)
        return true;
    ps_error(ps, ev, "%s: cannot have a dated history (it is %s)", c->def->path, why);
    return false;
}

/* The text of a scalar event (copied). */
static char *
ev_text(const struct ydoc_event *ev)
{
    return xstrndup(ev->str, ev->len);
}

/* One history entry's mapping (its start event consumed) into h. */
static void
ps_history_entry(struct prescan *ps, const struct node *c, struct hmark *h)
{
    static const char *const keys[] = { "from", "until", "value", NULL };
    struct ydoc_event key, val, item;
    size_t i;

    while (!ps->fatal && ps_next(ps, &key)) {
        const char *k;
        struct mark *mk = NULL;

        if (key.type == YDOC_EV_MAP_END) {
            ydoc_event_done(&key);
            break;
        }
        if (!ps_next(ps, &val)) {
            ydoc_event_done(&key);
            break;
        }
        k = key.type == YDOC_EV_SCALAR ? key.str : "";
        if (strcmp(k, "from") == 0)
            mk = &h->from;
        else if (strcmp(k, "until") == 0)
            mk = &h->until;
        else if (strcmp(k, "value") == 0)
            mk = &h->value;
        if (mk == NULL) {
            char *hint = scenario_hint(k, keys);

            ps_error(ps, &key, "%s: unknown key '%s' in a history entry (keys: from, "
                "until, value)%s", c->def->path, k, hint);
            free(hint);
            ps_skip(ps, &val);
        } else if (mk->line > 0) {
            ps_error(ps, &key, "%s: duplicate key '%s' in a history entry", c->def->path, k);
            ps_skip(ps, &val);
        } else if (mk == &h->value && c->type == N_SET && val.type == YDOC_EV_SEQ_START) {
            set_mark(mk, &val, false, false);
            while (ps_next(ps, &item)) {
                if (item.type == YDOC_EV_SEQ_END) {
                    ydoc_event_done(&item);
                    break;
                }
                if (item.type != YDOC_EV_SCALAR) {
                    ps_error(ps, &item, "%s: list items must be single values, found "
                        "%s", c->def->path, event_what(&item));
                    ps_skip(ps, &item);
                } else if (h->nitems >= FACT_MAX_VALUES) {
                    ps_error(ps, &item, "%s: more than %d items", c->def->path,
                        FACT_MAX_VALUES);
                } else if (ps_scalar_ok(ps, &item, c->def->path)) {
                    h->items = xreallocarray(h->items, h->nitems + 1, sizeof *h->items);
                    h->item_marks = xreallocarray(h->item_marks, h->nitems + 1,
                        sizeof *h->item_marks);
                    set_mark(&h->item_marks[h->nitems], &item, false, false);
                    h->items[h->nitems++] = ev_text(&item);
                }
                ydoc_event_done(&item);
            }
        } else if (val.type != YDOC_EV_SCALAR) {
            ps_error(ps, &val, "%s: history %s: expected %s, found %s", c->def->path, k,
                mk == &h->value && c->type == N_SET ? "a list" : "a single value",
                event_what(&val));
            mk->line = key.line;
            ps_skip(ps, &val);
        } else if (mk == &h->value && c->type == N_SET && !is_plain(&val, "unknown")) {
            ps_error(ps, &val, "%s: history value: expected a list such as [%s], "
                "found a single value", c->def->path, c->def->values[0]);
            mk->line = key.line;
        } else if (ps_scalar_ok(ps, &val, c->def->path)) {
            set_mark(mk, &val, is_plain(&val, "unknown"),
                !val.plain);
            if (mk == &h->from)
                h->from_text = ev_text(&val);
            else if (mk == &h->until)
                h->until_text = ev_text(&val);
            else
                h->value_text = ev_text(&val);
        } else {
            mk->line = key.line;
        }
        ydoc_event_done(&key);
        ydoc_event_done(&val);
    }
    for (i = 0; i < 2; i++) {
        const struct mark *need = i == 0 ? &h->from : &h->value;

        if (need->line == 0 && !ps->fatal)
            scenario_error(ps->errors, ps->nerrors, "%s:%u:%u: %s: history entry without %s",
                ps->file, h->mark.line, h->mark.col, c->def->path, i == 0 ? "from: DATE" :
                "value: ...");
    }
}

/*
 * A dated history written where a single value (or a set's list) is
 * expected: a list of {from: DATE, [until: DATE,] value: V}. seq is the
 * list's start event, first its first item (already read). The history is
 * recorded in slot->hist.
 */
static void
ps_history(struct prescan *ps, const struct node *c, const struct ydoc_event *seq,
    struct ydoc_event *first, struct mslot *slot)
{
    struct ydoc_event item;
    bool have = true;
    size_t cap = 0;

    set_mark(&slot->mark, seq, false, false);
    item = *first;
    for (;;) {
        if (!have && !ps_next(ps, &item))
            return;
        have = false;
        if (item.type == YDOC_EV_SEQ_END)
            break;
        if (item.type != YDOC_EV_MAP_START) {
            ps_error(ps, &item, "%s: a history entry must be a mapping {from: DATE, "
                "value: ...}, found %s", c->def->path, event_what(&item));
            ps_skip(ps, &item);
            ydoc_event_done(&item);
            continue;
        }
        if (slot->nhist >= SCENARIO_MAX_HISTORY) {
            ps_error(ps, &item, "%s: more than %d history entries (limit)", c->def->path,
                SCENARIO_MAX_HISTORY);
            ydoc_event_done(&item);
            ps->fatal = true;
            return;
        }
        if (slot->nhist == cap) {
            cap = cap == 0 ? 4 : cap * 2;
            slot->hist = xreallocarray(slot->hist, cap, sizeof *slot->hist);
        }
        memset(&slot->hist[slot->nhist], 0, sizeof *slot->hist);
        set_mark(&slot->hist[slot->nhist].mark, &item, false, false);
        ps_history_entry(ps, c, &slot->hist[slot->nhist]);
        slot->nhist++;
        ydoc_event_done(&item);
        if (ps->fatal)
            return;
    }
    ydoc_event_done(&item);
}

static void ps_map(struct prescan *ps, const struct node *map, struct mnode *mn,
    const char *where, int depth);

/* Check a scalar value event; returns true if usable. */
static bool
ps_scalar_ok(struct prescan *ps, const struct ydoc_event *ev, const char *key)
{
    const char *t = ev->str;

    if (ev->plain &&
        (*t == '\0' || strcmp(t, "~") == 0 || strcmp(t, "null") == 0)) {
        ps_error(ps, ev, "%s: no value (write `unknown` if it is not known)", key);
        return false;
    }
    if (ev->len > SCENARIO_MAX_SCALAR) {
        ps_error(ps, ev, "%s: value longer than %u bytes", key,
            SCENARIO_MAX_SCALAR);
        return false;
    }
    return true;
}

/*
 * A value of the wrong kind was reported: the conversion will not run (what it
 * would report are consequences). Errors about single values (empty, an
 * unknown key, a bad history entry) let it run, so value errors elsewhere are
 * reported in the same run.
 */
static void
ps_shape(struct prescan *ps)
{
    ps->shape_bad = true;
}

/*
 * The value of key `c` (first event ev) in a mapping; its marks, and its text
 * (taken from the event), go to slot.
 */
static void
ps_value(struct prescan *ps, const struct node *c, struct ydoc_event *ev, struct mslot *slot,
    int depth)
{
    size_t i, setcap = 0;
    struct ydoc_event item;
    bool first = true;

    if (ps->fatal)
        return; /* e.g. an anchor on this value (see ps_next) */
    if (depth > SCENARIO_MAX_DEPTH) {
        ps_error(ps, ev, "nesting deeper than %d levels", SCENARIO_MAX_DEPTH);
        ps_shape(ps);
        ps_skip(ps, ev);
        return;
    }
    switch (c->type) {
    case N_SCALAR:
        if (ev->type == YDOC_EV_SEQ_START) {
            /* a list of mappings is a dated history; any other list is a mistake */
            if (!ps_next(ps, &item))
                return;
            if (item.type == YDOC_EV_MAP_START && history_allowed(ps, c, ev)) {
                ps_history(ps, c, ev, &item, slot);
                return;
            }
            if (item.type != YDOC_EV_MAP_START)
                ps_error(ps, ev, "%s: expected a single value, found a list", c->key);
            ps_shape(ps);
            if (item.type != YDOC_EV_SEQ_END) {
                ps_skip(ps, &item);
                ps_skip_rest(ps);
            }
            ydoc_event_done(&item);
            return;
        }
        if (ev->type != YDOC_EV_SCALAR) {
            ps_error(ps, ev, "%s: expected a single value, found %s", c->key,
                event_what(ev));
            ps_shape(ps);
            ps_skip(ps, ev);
            return;
        }
        if (ps_scalar_ok(ps, ev, c->key)) {
            set_mark(&slot->mark, ev, is_plain(ev, "unknown"), !ev->plain);
            slot->text = ev->str;
            ev->str = NULL;
        } else if (ev->len > SCENARIO_MAX_SCALAR) {
            ps_shape(ps);
        }
        return;
    case N_SET:
        if (is_plain(ev, "unknown")) {
            set_mark(&slot->mark, ev, true, false);
            return;
        }
        if (ev->type != YDOC_EV_SEQ_START) {
            ps_error(ps, ev, "%s: expected a list such as [%s, %s], found %s",
                c->key, c->def->values[0], c->def->values[1], event_what(ev));
            ps_shape(ps);
            ps_skip(ps, ev);
            return;
        }
        if (!ps_next(ps, &item))
            return;
        if (item.type == YDOC_EV_MAP_START) {
            /* a list of mappings is a dated history of the set */
            if (history_allowed(ps, c, ev)) {
                ps_history(ps, c, ev, &item, slot);
            } else {
                ps_shape(ps);
                ps_skip(ps, &item);
                ps_skip_rest(ps);
                ydoc_event_done(&item);
            }
            return;
        }
        set_mark(&slot->mark, ev, false, false);
        for (i = 0; first || ps_next(ps, &item); i++, first = false) {
            if (item.type == YDOC_EV_SEQ_END) {
                ydoc_event_done(&item);
                break;
            }
            if (item.type != YDOC_EV_SCALAR) {
                ps_error(ps, &item, "%s: list items must be single values, found %s",
                    c->key, event_what(&item));
                ps_shape(ps);
                ps_skip(ps, &item);
            } else if (i >= FACT_MAX_VALUES) {
                ps_error(ps, &item, "%s: more than %d items", c->key,
                    FACT_MAX_VALUES);
                ps_shape(ps);
            } else if (ps_scalar_ok(ps, &item, c->key)) {
                if (i >= setcap) { /* grown by doubling, zeroed: rejected items stay empty */
                    size_t ncap = setcap == 0 ? 4 : setcap * 2;

                    while (ncap <= i)
                        ncap *= 2;
                    slot->set = xreallocarray(slot->set, ncap, sizeof *slot->set);
                    slot->set_text = xreallocarray(slot->set_text, ncap,
                        sizeof *slot->set_text);
                    memset(slot->set + setcap, 0, (ncap - setcap) * sizeof *slot->set);
                    memset(slot->set_text + setcap, 0, (ncap - setcap) * sizeof *slot->set_text);
                    setcap = ncap;
                }
                set_mark(&slot->set[i], &item, false, false);
                slot->set_text[i] = item.str;
                item.str = NULL;
                slot->nitems = i + 1;
            } else if (item.len > SCENARIO_MAX_SCALAR) {
                ps_shape(ps);
            }
            ydoc_event_done(&item);
        }
        return;
    case N_MAP:
        if (is_plain(ev, "unknown")) {
            set_mark(&slot->mark, ev, true, false);
            return;
        }
        if (ev->type != YDOC_EV_MAP_START) {
            ps_error(ps, ev, "%s: expected a mapping of keys (e.g. %s: ...), found %s",
                c->key, c->children[0]->key, event_what(ev));
            ps_shape(ps);
            ps_skip(ps, ev);
            return;
        }
        set_mark(&slot->mark, ev, false, false);
        slot->map = xcalloc(1, sizeof *slot->map);
        slot->map->mark = slot->mark;
        ps_map(ps, c, slot->map, c->key, depth + 1);
        return;
    case N_LIST: {
        size_t cap = 0;

        if (ev->type != YDOC_EV_SEQ_START) {
            ps_error(ps, ev, "%s: expected a list of %ss (items starting with "
                "'- id: ...'), found %s", c->key, scenario_kind_name((enum scenario_kind)c->kind),
                event_what(ev));
            ps_shape(ps);
            ps_skip(ps, ev);
            return;
        }
        set_mark(&slot->mark, ev, false, false);
        for (i = 0; ps_next(ps, &item); i++) {
            struct mnode *mn;

            if (item.type == YDOC_EV_SEQ_END) {
                ydoc_event_done(&item);
                break;
            }
            if (item.type != YDOC_EV_MAP_START) {
                ps_error(ps, &item, "%s: each %s must be a mapping (id: ..., ...), "
                    "found %s", c->key, scenario_kind_name((enum scenario_kind)c->kind),
                    event_what(&item));
                ps_shape(ps);
                ps_skip(ps, &item);
                ydoc_event_done(&item);
                continue;
            }
            if (++ps->totals[c->kind] > c->max) {
                ps_error(ps, &item, "more than %zu %ss (limit)", c->max,
                    scenario_kind_name((enum scenario_kind)c->kind));
                ydoc_event_done(&item);
                ps->fatal = true;
                return;
            }
            if (slot->nitems == cap) {
                cap = cap == 0 ? 8 : cap * 2;
                slot->items = xreallocarray(slot->items, cap, sizeof *slot->items);
            }
            mn = &slot->items[slot->nitems++];
            memset(mn, 0, sizeof *mn);
            set_mark(&mn->mark, &item, false, false);
            ps_map(ps, c->entry, mn, scenario_kind_name((enum scenario_kind)c->kind), depth + 1);
            ydoc_event_done(&item);
            if (ps->fatal)
                return;
        }
        return;
    }
    }
}

/* Walk a mapping (its start event already consumed) against map. */
static void
ps_map(struct prescan *ps, const struct node *map, struct mnode *mn, const char *where,
    int depth)
{
    size_t i;
    struct ydoc_event key, val;
    bool sorted = true;

    while (!ps->fatal && ps_next(ps, &key)) {
        const struct node *c = NULL;
        const char *k;

        if (key.type == YDOC_EV_MAP_END) {
            ydoc_event_done(&key);
            break;
        }
        if (key.type != YDOC_EV_SCALAR) {
            ps_error(ps, &key, "keys must be words, found %s", event_what(&key));
            ps_shape(ps);
            ps_skip(ps, &key);
            ydoc_event_done(&key);
            if (ps_next(ps, &val)) {
                ps_skip(ps, &val);
                ydoc_event_done(&val);
            }
            continue;
        }
        k = key.str;
        for (i = 0; i < map->n; i++) {
            if (strcmp(map->children[i]->key, k) == 0) {
                c = map->children[i];
                break;
            }
        }
        ps->value_key = k;
        if (!ps_next(ps, &val)) {
            ps->value_key = NULL;
            ydoc_event_done(&key);
            break;
        }
        ps->value_key = NULL;
        if (c == NULL) {
            const char **cands = xcalloc(map->n + 1, sizeof *cands);
            char *hint;

            for (i = 0; i < map->n; i++)
                cands[i] = map->children[i]->key;
            hint = scenario_hint(k, cands);
            ps_error(ps, &key, "unknown key '%s' in %s%s", k, where, hint);
            free(hint);
            free(cands);
            ps_skip(ps, &val);
        } else if (scenario_mnode_slot(mn, i) != NULL) {
            ps_error(ps, &key, "duplicate key '%s' in %s", k, where);
            ps_shape(ps);
            ps_skip(ps, &val);
        } else {
            /* the key is seen even if its value turns out bad */
            struct mslot *slot = mnode_add(mn, i);

            if (mn->n > 1 && slot[-1].child > i)
                sorted = false;
            slot->mark.line = key.line;
            slot->mark.col = key.col;
            ps_value(ps, c, &val, slot, depth);
        }
        ydoc_event_done(&key);
        ydoc_event_done(&val);
    }
    /* the conversion reads the keys in schema order */
    if (!sorted)
        qsort(mn->slots, mn->n, sizeof *mn->slots, slot_cmp);
}

/* Run the pre-scan over the whole text, filling the document's root marks. */
void
scenario_prescan_run(struct prescan *ps, const char *text, size_t len, struct mnode *root)
{
    struct ydoc_event ev;
    int docs = 0;

    ps->events = ydoc_events_new(text, len);
    while (!ps->fatal && ps_next(ps, &ev)) {
        enum ydoc_ev_type t = ev.type;

        if (t == YDOC_EV_DOC_START && ++docs > 1) {
            ps_error(ps, &ev, "more than one YAML document (one scenario per file)");
            ps->fatal = true;
        } else if (t == YDOC_EV_MAP_START || t == YDOC_EV_SEQ_START ||
            t == YDOC_EV_SCALAR || t == YDOC_EV_ALIAS) {
            if (t != YDOC_EV_MAP_START) {
                ps_error(ps, &ev, "a scenario must be a mapping (faceaudit: 1, id: "
                    "..., ...), found %s", event_what(&ev));
                ps->fatal = true;
            } else {
                set_mark(&root->mark, &ev, false, false);
                ps_map(ps, scenario_kind_roots[SCENARIO_DEPLOYMENT], root, "the scenario", 1);
            }
        }
        ydoc_event_done(&ev);
        if (t == YDOC_EV_STREAM_END)
            break;
    }
    if (docs == 0 && !ps->fatal)
        scenario_error(ps->errors, ps->nerrors, "%s: empty file: a scenario starts with "
            "`faceaudit: 1` and `id: ...`", ps->file);
    ydoc_events_free(ps->events);
    ps->events = NULL;
}
