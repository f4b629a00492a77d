/* SPDX-License-Identifier: MIT */
/*
 * scenario.c - the in-memory scenario: entities with one typed slot per
 * fact, ids, parent links and descendant ranges, lookups with inheritance,
 * the what-if writes and evidence verification. Values as text (parsing and
 * formatting) are scenario_value.c; loading and saving YAML is
 * scenario_load.c and scenario_save.c.
 */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/scenario.h"
#include "faceaudit/sha256.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "scenario_int.h"

/* --- construction ------------------------------------------------------------ */

struct scenario *
scenario_new(const char *path)
{
    struct scenario *sc = xcalloc(1, sizeof *sc);
    const char *slash = strrchr(path, '/');

    sc->path = xstrdup(path);
    if (slash == NULL)
        sc->dir = xstrdup(".");
    else if (slash == path)
        sc->dir = xstrdup("/");
    else
        sc->dir = xstrndup(path, (size_t)(slash - path));
    vec_init(&sc->files, free);
    vec_init(&sc->warnings, free);
    vec_init(&sc->slabs, free);
    vec_init(&sc->strs, free);
    return sc;
}

const char *
scenario_intern_file(struct scenario *sc, const char *file)
{
    size_t i;

    for (i = 0; i < sc->files.len; i++) {
        if (strcmp(sc->files.items[i], file) == 0)
            return sc->files.items[i];
    }
    vec_push(&sc->files, xstrdup(file));
    return sc->files.items[sc->files.len - 1];
}

struct scenario_entity *
scenario_entity_new(struct scenario *sc, enum scenario_kind kind, struct scenario_entity *parent,
    struct scenario_loc loc)
{
    struct scenario_entity *e = scenario_entity_alloc(sc, kind, parent, loc);

    if (sc->nents[kind] == sc->capents[kind]) {
        sc->capents[kind] = sc->capents[kind] == 0 ? 8 : sc->capents[kind] * 2;
        sc->ents[kind] = xreallocarray(sc->ents[kind], sc->capents[kind], sizeof *sc->ents[kind]);
    }
    e->index = e->seq = (uint32_t)sc->nents[kind];
    sc->ents[kind][sc->nents[kind]++] = e;
    return e;
}

int
scenario_register_id(struct scenario_entity *e, char **cause)
{
    struct scenario *sc = e->sc;
    struct fact_slot *s = &e->id;
    struct scenario_entity *other;

    if (s->state == FACT_KNOWN && !e->id_arena) {
        /* ids live in the scenario's string arena: a million devices, no million mallocs */
        char *a = scenario_strdup(sc, s->v.s);

        free(s->v.s);
        s->v.s = a;
        e->id_arena = true;
    }
    if (s->state != FACT_KNOWN)
        return cause_set(cause, "%s has no id (every %s needs a unique `id:`)",
            scenario_kind_name(e->kind), scenario_kind_name(e->kind));
    /* ids are stable ASCII names: reports, rules and the CLI (device:ID) use them */
    if (strlen(s->v.s) > SCENARIO_MAX_ID || !isalnum((unsigned char)s->v.s[0]) ||
        strspn(s->v.s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
        strlen(s->v.s))
        return cause_set(cause, "%s id '%s': use letters, digits, '.', '_' and '-' (starting "
            "with a letter or digit, at most %d characters); put other text in name",
            scenario_kind_name(e->kind), s->v.s, SCENARIO_MAX_ID);
    if ((other = scenario_ids_get(&sc->ids[e->kind], s->v.s)) != NULL)
        return cause_set(cause, "duplicate %s id '%s' (first defined at %s:%u:%u)",
            scenario_kind_name(e->kind), s->v.s, other->loc.file != NULL ? other->loc.file : "?",
            other->loc.line, other->loc.col);
    scenario_ids_put(&sc->ids[e->kind], e);
    return 0;
}

/*
 * Order entities of kind k by their parent's (already final) index, keeping
 * creation order within a parent: a stable counting sort, linear in the
 * number of entities (a million inventory devices interleave their zones).
 */
static void
sort_by_parent(struct scenario *sc, int k)
{
    struct scenario_entity **out;
    size_t *start, np = 0, i;
    int pk = scenario_parent_kind((enum scenario_kind)k);

    if (sc->nents[k] < 2 || pk < 0)
        return;
    np = sc->nents[pk];
    start = xcalloc(np + 1, sizeof *start);
    for (i = 0; i < sc->nents[k]; i++)
        start[sc->ents[k][i]->parent->index + 1]++;
    for (i = 0; i < np; i++)
        start[i + 1] += start[i];
    out = xcalloc(sc->capents[k], sizeof *out);
    /* ents[k] is in creation order (seq) until now */
    for (i = 0; i < sc->nents[k]; i++)
        out[start[sc->ents[k][i]->parent->index]++] = sc->ents[k][i];
    free(sc->ents[k]);
    sc->ents[k] = out;
    free(start);
}

void
scenario_finish(struct scenario *sc)
{
    static const enum scenario_kind order[] = { SCENARIO_SITE, SCENARIO_ZONE, SCENARIO_DEVICE,
        SCENARIO_EVIDENCE, SCENARIO_FILING_CHANGE };
    size_t o, i;
    int k;

    /* Sort each kind by its parent's (already final) index, then number it. */
    for (o = 0; o < FA_NITEMS(order); o++) {
        k = order[o];
        sort_by_parent(sc, k);
        for (i = 0; i < sc->nents[k]; i++)
            sc->ents[k][i]->index = (uint32_t)i;
    }
    for (k = 0; k < SCENARIO_KIND_COUNT; k++) {
        for (i = 0; i < sc->nents[k]; i++) {
            struct scenario_entity *e = sc->ents[k][i];

            if (e->range != NULL)
                memset(e->range, 0, sizeof *e->range);
        }
    }
    for (k = 0; k < SCENARIO_KIND_COUNT; k++) {
        for (i = 0; i < sc->nents[k]; i++) {
            struct scenario_entity *e = sc->ents[k][i], *a;

            for (a = e->parent; a != NULL; a = a->parent) {
                if (a->range == NULL)
                    a->range = xcalloc(1, sizeof *a->range);
                if (a->range->count[k]++ == 0)
                    a->range->first[k] = i;
            }
        }
    }
}

void
scenario_add_warning(struct scenario *sc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vec_push(&sc->warnings, xvasprintf(fmt, ap));
    va_end(ap);
}

void
scenario_free(struct scenario *sc)
{
    size_t i;
    int k;

    if (sc == NULL)
        return;
    for (k = 0; k < SCENARIO_KIND_COUNT; k++) {
        for (i = 0; i < sc->nents[k]; i++) {
            struct scenario_entity *e = sc->ents[k][i];

            if (e->id.state == FACT_KNOWN && !e->id_arena)
                free(e->id.v.s);
            free(e->range);
        }
        free(sc->ents[k]);
        scenario_ids_free(&sc->ids[k]);
    }
    scenario_storage_free(sc);
    scenario_hists_free(sc);
    vec_done(&sc->files);
    vec_done(&sc->warnings);
    free(sc->path);
    free(sc->dir);
    free(sc);
}

/* --- accessors ------------------------------------------------------------------ */

const char *
scenario_path(const struct scenario *sc)
{
    return sc->path;
}

const char *
scenario_hash(const struct scenario *sc)
{
    return sc->hash;
}

size_t
scenario_warning_count(const struct scenario *sc)
{
    return sc->warnings.len;
}

const char *
scenario_warning(const struct scenario *sc, size_t i)
{
    return i < sc->warnings.len ? sc->warnings.items[i] : NULL;
}

struct scenario_entity *
scenario_deployment(const struct scenario *sc)
{
    return sc->nents[SCENARIO_DEPLOYMENT] > 0 ? sc->ents[SCENARIO_DEPLOYMENT][0] : NULL;
}

size_t
scenario_count(const struct scenario *sc, enum scenario_kind kind)
{
    return (unsigned)kind < SCENARIO_KIND_COUNT ? sc->nents[kind] : 0;
}

struct scenario_entity *
scenario_entity_at(const struct scenario *sc, enum scenario_kind kind, size_t i)
{
    if ((unsigned)kind >= SCENARIO_KIND_COUNT || i >= sc->nents[kind])
        return NULL;
    return sc->ents[kind][i];
}

struct scenario_entity *
scenario_find(const struct scenario *sc, enum scenario_kind kind, const char *id)
{
    if ((unsigned)kind >= SCENARIO_KIND_COUNT || id == NULL)
        return NULL;
    return scenario_ids_get(&sc->ids[kind], id);
}

enum scenario_kind
scenario_entity_kind(const struct scenario_entity *e)
{
    return e->kind;
}

const char *
scenario_entity_id(const struct scenario_entity *e)
{
    return e->id.state == FACT_KNOWN ? e->id.v.s : ""; /* every kind's first fact */
}

size_t
scenario_entity_index(const struct scenario_entity *e)
{
    return e->index;
}

struct scenario_loc
scenario_entity_loc(const struct scenario_entity *e)
{
    return e->loc;
}

bool
scenario_entity_from_inventory(const struct scenario_entity *e)
{
    return e->from_inventory;
}

struct scenario_entity *
scenario_entity_parent(const struct scenario_entity *e, enum scenario_kind kind)
{
    const struct scenario_entity *a = e;

    while (a != NULL && a->kind != kind)
        a = a->parent;
    /* the scenario's own (non-const) pointer to the same entity */
    return a == NULL ? NULL : a->sc->ents[a->kind][a->index];
}

size_t
scenario_child_count(const struct scenario_entity *e, enum scenario_kind kind)
{
    if ((unsigned)kind >= SCENARIO_KIND_COUNT || e->range == NULL)
        return 0;
    return e->range->count[kind];
}

struct scenario_entity *
scenario_child_at(const struct scenario_entity *e, enum scenario_kind kind, size_t i)
{
    if ((unsigned)kind >= SCENARIO_KIND_COUNT || e->range == NULL || i >= e->range->count[kind])
        return NULL;
    return e->sc->ents[kind][e->range->first[kind] + i];
}

/* --- lookups ------------------------------------------------------------------- */

const struct fact_slot *
scenario_slot_at(const struct scenario_entity *e, size_t i)
{
    return i == 0 ? &e->id : &e->row->slots[i];
}

const struct fact_slot *
scenario_slot(const struct scenario_entity *e, const struct fact_def *def)
{
    return scenario_slot_at(e, scenario_fact_slot(def));
}

struct fact_slot *
scenario_slot_w(struct scenario_entity *e, const struct fact_def *def)
{
    size_t i = scenario_fact_slot(def);

    if (i == 0)
        return &e->id;
    scenario_row_own(e);
    return &e->row->slots[i];
}

const void *
scenario_entity_facts_key(const struct scenario_entity *e)
{
    return e->row;
}

/* The inherited definition of the same placement fact on the parent kind. */
static const struct fact_def *
inherited_def(const struct fact_def *def, const struct scenario_entity *parent)
{
    if (parent == NULL || (def->flags & FACT_F_INHERIT) == 0)
        return NULL;
    return scenario_fact_lookup(parent->kind, def->path);
}

/*
 * The slot that holds e's value of def on `day` (FA_DATE_NONE: the latest):
 * the slot itself, or the entry of its history in force that day. NULL when
 * the history does not cover the day (the value is then not written).
 */
static const struct fact_slot *
slot_on(const struct scenario_entity *e, const struct fact_slot *s, fa_date day,
    struct scenario_loc *loc)
{
    const struct fact_hist *h;
    size_t i;

    *loc = scenario_loc_abs(e, s->loc);
    if (s->hist == 0 || day == FA_DATE_NONE || (h = scenario_slot_hist(e->sc, s)) == NULL)
        return s;
    for (i = h->n; i-- > 0;) {
        const struct fact_hist_entry *en = &h->e[i];

        if (en->from > day)
            continue;
        if (en->until != FA_DATE_NONE && en->until < day)
            return NULL;
        *loc = scenario_loc_abs(e, en->val.loc);
        return &en->val;
    }
    return NULL;
}

void
scenario_get_fact(const struct scenario_entity *e, const struct fact_def *def,
    struct fact_value *out)
{
    scenario_get_fact_on(e, def, FA_DATE_NONE, out);
}

void
scenario_get_fact_on(const struct scenario_entity *e, const struct fact_def *def, fa_date day,
    struct fact_value *out)
{
    const struct scenario_entity *holder = scenario_entity_parent(e, def->kind);
    const struct fact_slot *s;
    struct scenario_loc loc;

    memset(out, 0, sizeof *out);
    out->def = def;
    out->state = FACT_ABSENT;
    if (holder == NULL)
        return;
    for (;;) {
        const struct fact_def *up;

        s = slot_on(holder, scenario_slot(holder, def), day, &loc);
        if ((s != NULL && s->state != FACT_ABSENT) ||
            (up = inherited_def(def, holder->parent)) == NULL)
            break;
        holder = holder->parent;
        def = up;
    }
    out->state = s != NULL ? s->state : FACT_ABSENT;
    out->loc = loc;
    out->from = holder;
    if (out->state == FACT_KNOWN) {
        switch (def->type) {
        case FACT_BOOL:
            out->v.b = s->v.b;
            break;
        case FACT_INT:
            out->v.i = s->v.i;
            break;
        case FACT_NUMBER:
            out->v.num = s->v.num;
            break;
        case FACT_STRING:
            out->v.s = s->v.s;
            break;
        case FACT_DATE:
            out->v.date = s->v.date;
            break;
        case FACT_ENUM:
            out->v.e = s->v.e;
            break;
        case FACT_SET:
            out->v.set = s->v.set;
            break;
        }
    }
    /* events follow the holder's fact: an inherited consent.type obeys collected_from */
    if (day != FA_DATE_NONE)
        scenario_dated_adjust(e, def, day, out);
}

static const struct fact_def *
resolve(const struct scenario_entity *e, const char *path, char **cause)
{
    const char *hint;
    const struct fact_def *def = scenario_fact_find(e->kind, path, &hint);

    if (def == NULL) {
        cause_set(cause, "no fact '%s' on a %s%s%s%s", path, scenario_kind_name(e->kind),
            hint != NULL ? " (did you mean '" : "", hint != NULL ? hint : "",
            hint != NULL ? "'?)" : "");
    }
    return def;
}

int
scenario_get(const struct scenario_entity *e, const char *path, struct fact_value *out,
    char **cause)
{
    const struct fact_def *def = resolve(e, path, cause);

    if (def == NULL)
        return -1;
    scenario_get_fact(e, def, out);
    return 0;
}

bool
scenario_known(const struct scenario_entity *e, const struct fact_def *def)
{
    struct fact_value v;

    scenario_get_fact(e, def, &v);
    return v.state == FACT_KNOWN;
}

struct scenario_entity *
scenario_evidence_ref(const struct scenario_entity *e, const struct fact_def *def)
{
    struct fact_value v;

    if ((def->flags & FACT_F_EVIDENCE) == 0)
        return NULL;
    scenario_get_fact(e, def, &v);
    if (v.state != FACT_KNOWN)
        return NULL;
    return scenario_find(e->sc, SCENARIO_EVIDENCE, v.v.s);
}

/* --- writes ----------------------------------------------------------------------- */

/* The entity that owns def's slot for a write through e, or NULL with *cause. */
static struct scenario_entity *
writable(struct scenario_entity *e, const struct fact_def *def, char **cause)
{
    struct scenario_entity *holder = scenario_entity_parent(e, def->kind);

    if (holder == NULL) {
        cause_set(cause, "a %s has no %s", scenario_kind_name(e->kind),
            scenario_kind_name(def->kind));
        return NULL;
    }
    if (def->flags & (FACT_F_ID | FACT_F_COMPUTED | FACT_F_META)) {
        cause_set(cause, "%s.%s cannot be changed (%s)", scenario_kind_name(def->kind), def->path,
            (def->flags & FACT_F_ID) ? "it is the entity's id" :
            (def->flags & FACT_F_COMPUTED) ? "it is computed on load" : "it describes the file");
        return NULL;
    }
    return holder;
}

static void
store_slot(struct scenario_entity *holder, const struct fact_def *def, struct fact_slot *nv)
{
    struct fact_slot *s = scenario_slot_w(holder, def); /* a shared row is copied first */

    if (s->state == FACT_KNOWN && def->type == FACT_STRING)
        free(s->v.s);
    *s = *nv;
    s->hist = 0; /* a set value replaces the fact's dated history */
    s->loc.dline = 0;
    s->loc.col = 0; /* written nowhere */
}

int
scenario_set(struct scenario_entity *e, const char *path, const char *text, char **cause)
{
    const struct fact_def *def = resolve(e, path, cause);
    struct scenario_entity *holder;
    struct fact_slot nv;

    if (def == NULL || (holder = writable(e, def, cause)) == NULL)
        return -1;
    memset(&nv, 0, sizeof nv);
    if (scenario_parse_value(def, text, true, &nv, cause) < 0) {
        cause_prefix(cause, "%s", path);
        return -1;
    }
    store_slot(holder, def, &nv);
    return 0;
}

int
scenario_set_at(struct scenario_entity *e, const char *path, const char *text,
    const struct scenario_loc *at, char **cause)
{
    const struct fact_def *def;
    struct scenario_entity *holder;

    if (scenario_set(e, path, text, cause) == -1)
        return -1;
    def = resolve(e, path, NULL);
    holder = scenario_entity_parent(e, def->kind);
    if (at != NULL && at->line > 0 && at->file != NULL && holder->loc.file != NULL &&
        strcmp(at->file, holder->loc.file) == 0)
        scenario_slot_w(holder, def)->loc = scenario_loc_rel(holder, *at);
    return 0;
}

int
scenario_set_value(struct scenario_entity *e, const struct fact_value *v, char **cause)
{
    const struct fact_def *def = v->def;
    struct scenario_entity *holder;
    struct fact_slot nv;

    if ((holder = writable(e, def, cause)) == NULL)
        return -1;
    memset(&nv, 0, sizeof nv);
    nv.state = v->state;
    if (v->state == FACT_KNOWN) {
        switch (def->type) {
        case FACT_BOOL:
            nv.v.b = v->v.b;
            break;
        case FACT_INT:
            if (v->v.i < def->min || v->v.i > def->max)
                return cause_set(cause, "%s: %" PRId64 " is out of range (%" PRId64 " to %"
                    PRId64 ")", def->path, v->v.i, def->min, def->max);
            nv.v.i = v->v.i;
            break;
        case FACT_NUMBER:
            if (!isfinite(v->v.num))
                return cause_set(cause, "%s: not a finite number", def->path);
            nv.v.num = v->v.num;
            break;
        case FACT_STRING:
            if (v->v.s == NULL)
                return cause_set(cause, "%s: no string", def->path);
            nv.v.s = xstrdup(v->v.s);
            break;
        case FACT_DATE:
            if (v->v.date == FA_DATE_NONE)
                return cause_set(cause, "%s: no date", def->path);
            nv.v.date = v->v.date;
            break;
        case FACT_ENUM:
            if (v->v.e < 0 || def->values[v->v.e] == NULL)
                return cause_set(cause, "%s: enum index %d out of range", def->path, v->v.e);
            nv.v.e = v->v.e;
            break;
        case FACT_SET: {
            size_t n = 0;

            while (def->values[n] != NULL)
                n++;
            if (n < 64 && (v->v.set >> n) != 0)
                return cause_set(cause, "%s: set has bits beyond its %zu values", def->path, n);
            nv.v.set = v->v.set;
            break;
        }
        }
    } else if (v->state != FACT_UNKNOWN) {
        nv.state = FACT_ABSENT;
    }
    store_slot(holder, def, &nv);
    return 0;
}

int
scenario_set_unknown(struct scenario_entity *e, const char *path, char **cause)
{
    return scenario_set(e, path, "unknown", cause);
}

int
scenario_unset(struct scenario_entity *e, const char *path, char **cause)
{
    const struct fact_def *def = resolve(e, path, cause);
    struct scenario_entity *holder;
    struct fact_slot nv;

    if (def == NULL || (holder = writable(e, def, cause)) == NULL)
        return -1;
    memset(&nv, 0, sizeof nv);
    nv.state = FACT_ABSENT;
    store_slot(holder, def, &nv);
    return 0;
}

/* --- evidence ---------------------------------------------------------------------- */

void
scenario_check_evidence(struct scenario *sc, bool verify)
{
    const struct fact_def *file_def = scenario_fact_lookup(SCENARIO_EVIDENCE, "file");
    const struct fact_def *sum_def = scenario_fact_lookup(SCENARIO_EVIDENCE, "sha256");
    const struct fact_def *st_def = scenario_fact_lookup(SCENARIO_EVIDENCE, "status");
    size_t i;

    for (i = 0; i < sc->nents[SCENARIO_EVIDENCE]; i++) {
        struct scenario_entity *e = sc->ents[SCENARIO_EVIDENCE][i];
        const struct fact_slot *f = scenario_slot(e, file_def), *h = scenario_slot(e, sum_def);
        struct scenario_loc floc = scenario_loc_abs(e, f->loc), hloc = scenario_loc_abs(e, h->loc);
        struct fact_slot *st;
        char hex[SHA256_HEX_LEN + 1], *path, *cause = NULL;
        const char *status = "unchecked";

        if (verify && f->state == FACT_KNOWN && h->state == FACT_KNOWN) {
            path = f->v.s[0] == '/' ? xstrdup(f->v.s) : path_join(sc->dir, f->v.s);
            if (!fs_exists(path)) {
                status = "missing";
                scenario_add_warning(sc, "%s:%u:%u: evidence '%s': file %s not found",
                    floc.file, floc.line, floc.col, scenario_entity_id(e), f->v.s);
            } else if (sha256_file_hex(path, hex, &cause) < 0) {
                status = "missing";
                scenario_add_warning(sc, "%s:%u:%u: evidence '%s': %s", floc.file, floc.line,
                    floc.col, scenario_entity_id(e), cause);
                free(cause);
            } else if (strcasecmp(hex, h->v.s) != 0) {
                status = "mismatch";
                scenario_add_warning(sc, "%s:%u:%u: evidence '%s': SHA-256 of %s is %s, the "
                    "scenario says %s (the file changed since it was recorded)", hloc.file,
                    hloc.line, hloc.col, scenario_entity_id(e), f->v.s, hex, h->v.s);
            } else {
                status = "ok";
            }
            free(path);
        }
        st = scenario_slot_w(e, st_def);
        st->state = FACT_KNOWN;
        st->v.e = scenario_fact_value_index(st_def, status);
        st->loc.dline = 0;
        st->loc.col = 0; /* computed: written nowhere */
    }
}
