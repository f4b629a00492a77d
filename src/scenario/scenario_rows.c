/* SPDX-License-Identifier: MIT */
/*
 * scenario_rows.c - how a scenario stores its entities and facts, so that
 * memory grows with the configurations an inventory repeats rather than
 * with its devices: entities are carved from slabs, ids live in a string
 * arena and an open-addressing index, and each entity's facts are a row
 * that is interned once written (scenario_entity_seal): devices whose facts
 * are equal, ids aside, share one row, copied again only when one of them
 * is written (copy on write, scenario_row_own). Positions in rows are
 * relative to the entity (struct slot_loc), so rows written on different
 * lines of a file or an inventory are still equal.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "faceaudit/hash.h"
#include "faceaudit/log.h"
#include "faceaudit/scenario.h"
#include "faceaudit/xmalloc.h"
#include "scenario_int.h"

#define SLAB_ENTITIES 1024
#define STR_CHUNK 65536

/* --- positions ------------------------------------------------------------------- */

struct slot_loc
scenario_loc_rel(const struct scenario_entity *e, struct scenario_loc loc)
{
    struct slot_loc r = { 0, 0 };

    if (loc.line == 0 || loc.file == NULL)
        return r;
    /* a value is written in its entity's file (files are interned) */
    if (loc.file != e->loc.file && (e->loc.file == NULL || strcmp(loc.file, e->loc.file) != 0))
        fatalx("scenario: a value in %s for an entity of %s", loc.file,
            e->loc.file != NULL ? e->loc.file : "nowhere");
    r.dline = (int32_t)((int64_t)loc.line - (int64_t)e->loc.line);
    r.col = loc.col > 0 ? loc.col : 1;
    return r;
}

struct scenario_loc
scenario_loc_abs(const struct scenario_entity *e, struct slot_loc rel)
{
    struct scenario_loc r = { NULL, 0, 0 };

    if (rel.col == 0)
        return r;
    r.file = e->loc.file;
    r.line = (unsigned)((int64_t)e->loc.line + rel.dline);
    r.col = rel.col;
    return r;
}

/* --- entities and strings ---------------------------------------------------------- */

static struct fact_row *
row_alloc(enum scenario_kind kind)
{
    size_t first, n;
    struct fact_row *r;

    scenario_kind_facts(kind, &first, &n);
    r = xcalloc(1, sizeof *r + n * sizeof r->slots[0]);
    r->kind = kind;
    return r;
}

/* Link a private row into the scenario's list (freed with it). */
static void
row_keep_private(struct scenario *sc, struct fact_row *r)
{
    r->interned = false;
    r->next = sc->private_rows;
    sc->private_rows = r;
}

struct scenario_entity *
scenario_entity_alloc(struct scenario *sc, enum scenario_kind kind,
    struct scenario_entity *parent, struct scenario_loc loc)
{
    struct scenario_entity *e;
    size_t first, n, i;

    if (sc->slab_left == 0) {
        vec_push(&sc->slabs, xcalloc(SLAB_ENTITIES, sizeof *e));
        sc->slab_left = SLAB_ENTITIES;
    }
    e = (struct scenario_entity *)sc->slabs.items[sc->slabs.len - 1] +
        (SLAB_ENTITIES - sc->slab_left--);
    e->sc = sc;
    e->kind = kind;
    e->parent = parent;
    e->loc = loc;
    e->row = row_alloc(kind);
    e->row->refs = 1;
    row_keep_private(sc, e->row);
    scenario_kind_facts(kind, &first, &n);
    /* an absent fact carries its entity's position */
    e->id.loc.col = loc.line > 0 ? (loc.col > 0 ? loc.col : 1) : 0;
    for (i = 1; i < n; i++)
        e->row->slots[i].loc = e->id.loc;
    return e;
}

char *
scenario_strdup(struct scenario *sc, const char *s)
{
    size_t len = strlen(s) + 1;
    char *p;

    if (len > sc->str_left) {
        size_t size = len > STR_CHUNK / 4 ? len : STR_CHUNK;

        p = xmalloc(size);
        vec_push(&sc->strs, p);
        if (size != STR_CHUNK) { /* a long string gets a chunk of its own */
            memcpy(p, s, len);
            return p;
        }
        sc->str_cur = p;
        sc->str_left = size;
    }
    p = sc->str_cur;
    memcpy(p, s, len);
    sc->str_cur += len;
    sc->str_left -= len;
    return p;
}

/* --- rows ------------------------------------------------------------------------ */

static void
slot_value_free(const struct fact_def *def, struct fact_slot *s)
{
    if (s->state == FACT_KNOWN && def->type == FACT_STRING) {
        free(s->v.s);
        s->v.s = NULL;
    }
}

static void
row_free(struct fact_row *r)
{
    size_t first, n, i;

    scenario_kind_facts(r->kind, &first, &n);
    for (i = 1; i < n; i++)
        slot_value_free(scenario_fact_at(first + i), &r->slots[i]);
    free(r);
}

static uint64_t
mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h * 0x100000001b3ULL;
}

static uint64_t
value_hash(uint64_t h, const struct fact_def *def, const struct fact_slot *s)
{
    h = mix(h, (uint64_t)s->state);
    h = mix(h, (uint64_t)(uint32_t)s->loc.dline);
    h = mix(h, s->loc.col);
    if (s->state != FACT_KNOWN)
        return h;
    switch (def->type) {
    case FACT_BOOL:
        return mix(h, s->v.b);
    case FACT_STRING:
        return mix(h, hash_fnv1a(s->v.s, strlen(s->v.s)));
    case FACT_ENUM:
        return mix(h, (uint64_t)s->v.e);
    case FACT_DATE:
        return mix(h, (uint64_t)(int64_t)s->v.date);
    case FACT_NUMBER: {
        uint64_t bits;

        memcpy(&bits, &s->v.num, sizeof bits);
        return mix(h, bits);
    }
    case FACT_INT:
        return mix(h, (uint64_t)s->v.i);
    case FACT_SET:
        return mix(h, s->v.set);
    }
    return h;
}

static bool
value_eq(const struct fact_def *def, const struct fact_slot *a, const struct fact_slot *b)
{
    if (a->state != b->state || a->loc.dline != b->loc.dline || a->loc.col != b->loc.col)
        return false;
    if (a->state != FACT_KNOWN)
        return true;
    switch (def->type) {
    case FACT_BOOL:
        return a->v.b == b->v.b;
    case FACT_STRING:
        return strcmp(a->v.s, b->v.s) == 0;
    case FACT_ENUM:
        return a->v.e == b->v.e;
    case FACT_DATE:
        return a->v.date == b->v.date;
    case FACT_NUMBER:
        return memcmp(&a->v.num, &b->v.num, sizeof a->v.num) == 0;
    case FACT_INT:
        return a->v.i == b->v.i;
    case FACT_SET:
        return a->v.set == b->v.set;
    }
    return false;
}

static uint64_t
row_hash(const struct scenario *sc, const struct fact_row *r)
{
    size_t first, n, i, j;
    uint64_t h = mix(0, (uint64_t)r->kind);

    scenario_kind_facts(r->kind, &first, &n);
    for (i = 1; i < n; i++) {
        const struct fact_def *def = scenario_fact_at(first + i);
        const struct fact_slot *s = &r->slots[i];

        h = value_hash(h, def, s);
        if (s->hist != 0) {
            const struct fact_hist *hs = &sc->hists[s->hist - 1];

            h = mix(h, hs->n);
            for (j = 0; j < hs->n; j++) {
                h = mix(h, (uint64_t)(int64_t)hs->e[j].from);
                h = mix(h, (uint64_t)(int64_t)hs->e[j].until);
                h = value_hash(h, def, &hs->e[j].val);
            }
        }
    }
    return h;
}

static bool
hist_eq(const struct scenario *sc, const struct fact_def *def, uint32_t a, uint32_t b)
{
    const struct fact_hist *x, *y;
    size_t j;

    if (a == b)
        return true;
    if (a == 0 || b == 0)
        return false;
    x = &sc->hists[a - 1];
    y = &sc->hists[b - 1];
    if (x->n != y->n)
        return false;
    for (j = 0; j < x->n; j++) {
        if (x->e[j].from != y->e[j].from || x->e[j].until != y->e[j].until ||
            x->e[j].loc.dline != y->e[j].loc.dline || x->e[j].loc.col != y->e[j].loc.col ||
            !value_eq(def, &x->e[j].val, &y->e[j].val))
            return false;
    }
    return true;
}

static bool
row_eq(const struct scenario *sc, const struct fact_row *a, const struct fact_row *b)
{
    size_t first, n, i;

    if (a->kind != b->kind || a->hash != b->hash)
        return false;
    scenario_kind_facts(a->kind, &first, &n);
    for (i = 1; i < n; i++) {
        const struct fact_def *def = scenario_fact_at(first + i);

        if (!value_eq(def, &a->slots[i], &b->slots[i]) ||
            !hist_eq(sc, def, a->slots[i].hist, b->slots[i].hist))
            return false;
    }
    return true;
}

static void
rowtab_grow(struct scenario *sc)
{
    size_t cap = sc->rowcap == 0 ? 64 : sc->rowcap * 2, i;
    struct fact_row **tab = xcalloc(cap, sizeof *tab);

    for (i = 0; i < sc->rowcap; i++) {
        struct fact_row *r = sc->rowtab[i], *next;

        for (; r != NULL; r = next) {
            next = r->next;
            r->next = tab[r->hash & (cap - 1)];
            tab[r->hash & (cap - 1)] = r;
        }
    }
    free(sc->rowtab);
    sc->rowtab = tab;
    sc->rowcap = cap;
}

/* Unlink r from the private list (it is about to be interned or freed). */
static void
private_unlink(struct scenario *sc, struct fact_row *r)
{
    struct fact_row **p;

    /* the row being sealed is almost always the newest private one */
    for (p = &sc->private_rows; *p != NULL && *p != r; p = &(*p)->next)
        ;
    if (*p == r)
        *p = r->next;
    r->next = NULL;
}

/* Drop the histories of a discarded row when they are the newest (else they stay). */
static void
hists_drop(struct scenario *sc, const struct fact_row *r)
{
    size_t first, n, i, j;

    scenario_kind_facts(r->kind, &first, &n);
    for (i = n; i-- > 1;) {
        uint32_t h = r->slots[i].hist;
        struct fact_hist *hs;

        if (h == 0 || h != sc->nhists)
            continue;
        hs = &sc->hists[h - 1];
        for (j = 0; j < hs->n; j++)
            slot_value_free(hs->def, &hs->e[j].val);
        free(hs->e);
        sc->nhists--;
    }
}

void
scenario_entity_seal(struct scenario_entity *e)
{
    struct scenario *sc = e->sc;
    struct fact_row *r = e->row, *o;

    if (r->interned)
        return;
    r->hash = row_hash(sc, r);
    if (sc->rowcap == 0)
        rowtab_grow(sc);
    for (o = sc->rowtab[r->hash & (sc->rowcap - 1)]; o != NULL; o = o->next) {
        if (row_eq(sc, o, r)) {
            private_unlink(sc, r);
            hists_drop(sc, r);
            row_free(r);
            o->refs++;
            e->row = o;
            return;
        }
    }
    private_unlink(sc, r);
    if ((sc->nrows + 1) * 4 > sc->rowcap * 3)
        rowtab_grow(sc);
    r->interned = true;
    r->next = sc->rowtab[r->hash & (sc->rowcap - 1)];
    sc->rowtab[r->hash & (sc->rowcap - 1)] = r;
    sc->nrows++;
}

/* A copy of history h (strings duplicated) appended to sc->hists; its slot index. */
static uint32_t
hist_copy(struct scenario *sc, uint32_t h)
{
    const struct fact_hist *src;
    struct fact_hist_entry *en;
    size_t j;

    src = &sc->hists[h - 1];
    en = xcalloc(src->n, sizeof *en);
    memcpy(en, src->e, src->n * sizeof *en);
    for (j = 0; j < src->n; j++) {
        if (en[j].val.state == FACT_KNOWN && src->def->type == FACT_STRING)
            en[j].val.v.s = xstrdup(en[j].val.v.s);
    }
    scenario_hists_reserve(sc);
    sc->hists[sc->nhists].def = sc->hists[h - 1].def;
    sc->hists[sc->nhists].e = en;
    sc->hists[sc->nhists].n = sc->hists[h - 1].n;
    return (uint32_t)++sc->nhists;
}

void
scenario_row_own(struct scenario_entity *e)
{
    struct scenario *sc = e->sc;
    struct fact_row *src = e->row, *r;
    size_t first, n, i;

    if (!src->interned)
        return;
    scenario_kind_facts(src->kind, &first, &n);
    r = row_alloc(src->kind);
    memcpy(r->slots, src->slots, n * sizeof r->slots[0]);
    for (i = 1; i < n; i++) {
        const struct fact_def *def = scenario_fact_at(first + i);

        if (r->slots[i].state == FACT_KNOWN && def->type == FACT_STRING)
            r->slots[i].v.s = xstrdup(r->slots[i].v.s);
        if (r->slots[i].hist != 0)
            r->slots[i].hist = hist_copy(sc, r->slots[i].hist);
    }
    r->refs = 1;
    src->refs--; /* an unused interned row stays in the table until scenario_free */
    row_keep_private(sc, r);
    e->row = r;
}

void
scenario_storage_free(struct scenario *sc)
{
    struct fact_row *r, *next;
    size_t i;

    for (i = 0; i < sc->rowcap; i++) {
        for (r = sc->rowtab[i]; r != NULL; r = next) {
            next = r->next;
            row_free(r);
        }
    }
    free(sc->rowtab);
    for (r = sc->private_rows; r != NULL; r = next) {
        next = r->next;
        row_free(r);
    }
    vec_done(&sc->slabs);
    vec_done(&sc->strs);
}

/* --- the id index ----------------------------------------------------------------- */

static uint32_t
id_hash(const char *id)
{
    uint64_t h = hash_fnv1a(id, strlen(id));

    return (uint32_t)(h ^ (h >> 32));
}

static void
ids_grow(struct id_index *ix)
{
    size_t cap = ix->cap == 0 ? 16 : ix->cap * 2, i, j;
    struct scenario_entity **tab = xcalloc(cap, sizeof *tab);
    uint32_t *tag = xcalloc(cap, sizeof *tag);

    for (i = 0; i < ix->cap; i++) {
        if (ix->tab[i] == NULL)
            continue;
        for (j = ix->tag[i] & (cap - 1); tab[j] != NULL; j = (j + 1) & (cap - 1))
            ;
        tab[j] = ix->tab[i];
        tag[j] = ix->tag[i];
    }
    free(ix->tab);
    free(ix->tag);
    ix->tab = tab;
    ix->tag = tag;
    ix->cap = cap;
}

void
scenario_ids_put(struct id_index *ix, struct scenario_entity *e)
{
    uint32_t h = id_hash(e->id.v.s);
    size_t j;

    if ((ix->n + 1) * 10 > ix->cap * 7)
        ids_grow(ix);
    for (j = h & (ix->cap - 1); ix->tab[j] != NULL; j = (j + 1) & (ix->cap - 1))
        ;
    ix->tab[j] = e;
    ix->tag[j] = h;
    ix->n++;
}

struct scenario_entity *
scenario_ids_get(const struct id_index *ix, const char *id)
{
    uint32_t h;
    size_t j;

    if (ix->cap == 0)
        return NULL;
    h = id_hash(id);
    for (j = h & (ix->cap - 1); ix->tab[j] != NULL; j = (j + 1) & (ix->cap - 1)) {
        if (ix->tag[j] == h && strcmp(ix->tab[j]->id.v.s, id) == 0)
            return ix->tab[j];
    }
    return NULL;
}

void
scenario_ids_free(struct id_index *ix)
{
    free(ix->tab);
    free(ix->tag);
    ix->tab = NULL;
    ix->tag = NULL;
    ix->cap = ix->n = 0;
}
