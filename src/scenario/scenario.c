/* SPDX-License-Identifier: MIT */
/*
 * scenario.c - the in-memory scenario: entities with one typed slot per
 * fact, ids, parent links and descendant ranges, lookups with inheritance,
 * value parsing and formatting shared by YAML, CSV and the what-if writes,
 * and evidence verification. Loading and saving YAML is
 * scenario_load.c and scenario_save.c.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
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
    int k;

    sc->path = xstrdup(path);
    if (slash == NULL)
        sc->dir = xstrdup(".");
    else if (slash == path)
        sc->dir = xstrdup("/");
    else
        sc->dir = xstrndup(path, (size_t)(slash - path));
    vec_init(&sc->files, free);
    vec_init(&sc->warnings, free);
    for (k = 0; k < SCENARIO_KIND_COUNT; k++)
        hash_init(&sc->ids[k], NULL);
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
    struct scenario_entity *e = xcalloc(1, sizeof *e);
    size_t first, n, i;

    scenario_kind_facts(kind, &first, &n);
    e->sc = sc;
    e->kind = kind;
    e->parent = parent;
    e->loc = loc;
    e->slots = xcalloc(n, sizeof *e->slots);
    for (i = 0; i < n; i++)
        e->slots[i].loc = loc;
    if (sc->nents[kind] == sc->capents[kind]) {
        sc->capents[kind] = sc->capents[kind] == 0 ? 8 : sc->capents[kind] * 2;
        sc->ents[kind] = xreallocarray(sc->ents[kind], sc->capents[kind], sizeof *sc->ents[kind]);
    }
    e->index = e->seq = sc->nents[kind];
    sc->ents[kind][sc->nents[kind]++] = e;
    return e;
}

int
scenario_register_id(struct scenario_entity *e, char **cause)
{
    struct scenario *sc = e->sc;
    const struct fact_def *def = scenario_fact_lookup(e->kind, "id");
    struct fact_slot *s = scenario_slot(e, def);
    struct scenario_entity *other;

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
    if ((other = hash_get(&sc->ids[e->kind], s->v.s)) != NULL)
        return cause_set(cause, "duplicate %s id '%s' (first defined at %s:%u:%u)",
            scenario_kind_name(e->kind), s->v.s, other->loc.file != NULL ? other->loc.file : "?",
            other->loc.line, other->loc.col);
    hash_put(&sc->ids[e->kind], s->v.s, e);
    return 0;
}

static int
entity_cmp(const void *a, const void *b)
{
    const struct scenario_entity *x = *(struct scenario_entity *const *)a;
    const struct scenario_entity *y = *(struct scenario_entity *const *)b;
    size_t px = x->parent != NULL ? x->parent->index : 0;
    size_t py = y->parent != NULL ? y->parent->index : 0;

    if (px != py)
        return px < py ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
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
        if (sc->nents[k] > 1)
            qsort(sc->ents[k], sc->nents[k], sizeof *sc->ents[k], entity_cmp);
        for (i = 0; i < sc->nents[k]; i++)
            sc->ents[k][i]->index = i;
    }
    for (k = 0; k < SCENARIO_KIND_COUNT; k++) {
        for (i = 0; i < sc->nents[k]; i++) {
            struct scenario_entity *e = sc->ents[k][i];

            memset(e->first, 0, sizeof e->first);
            memset(e->count, 0, sizeof e->count);
        }
    }
    for (k = 0; k < SCENARIO_KIND_COUNT; k++) {
        for (i = 0; i < sc->nents[k]; i++) {
            struct scenario_entity *e = sc->ents[k][i], *a;

            for (a = e->parent; a != NULL; a = a->parent) {
                if (a->count[k]++ == 0)
                    a->first[k] = i;
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

static void
slot_free_value(const struct fact_def *def, struct fact_slot *s)
{
    if (s->state == FACT_KNOWN && def->type == FACT_STRING) {
        free(s->v.s);
        s->v.s = NULL;
    }
}

static void
entity_free(struct scenario_entity *e)
{
    size_t first, n, i;

    scenario_kind_facts(e->kind, &first, &n);
    for (i = 0; i < n; i++)
        slot_free_value(scenario_fact_at(first + i), &e->slots[i]);
    free(e->slots);
    free(e);
}

void
scenario_free(struct scenario *sc)
{
    size_t i;
    int k;

    if (sc == NULL)
        return;
    for (k = 0; k < SCENARIO_KIND_COUNT; k++) {
        for (i = 0; i < sc->nents[k]; i++)
            entity_free(sc->ents[k][i]);
        free(sc->ents[k]);
        hash_done(&sc->ids[k]);
    }
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
scenario_dir(const struct scenario *sc)
{
    return sc->dir;
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
    return hash_get(&sc->ids[kind], id);
}

enum scenario_kind
scenario_entity_kind(const struct scenario_entity *e)
{
    return e->kind;
}

const char *
scenario_entity_id(const struct scenario_entity *e)
{
    const struct fact_slot *s = &e->slots[0]; /* the id is every kind's first fact */

    return s->state == FACT_KNOWN ? s->v.s : "";
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

struct scenario *
scenario_entity_scenario(const struct scenario_entity *e)
{
    return e->sc;
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
    if ((unsigned)kind >= SCENARIO_KIND_COUNT)
        return 0;
    return e->count[kind];
}

struct scenario_entity *
scenario_child_at(const struct scenario_entity *e, enum scenario_kind kind, size_t i)
{
    if ((unsigned)kind >= SCENARIO_KIND_COUNT || i >= e->count[kind])
        return NULL;
    return e->sc->ents[kind][e->first[kind] + i];
}

/* --- lookups ------------------------------------------------------------------- */

struct fact_slot *
scenario_slot(const struct scenario_entity *e, const struct fact_def *def)
{
    return &e->slots[scenario_fact_slot(def)];
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

    *loc = s->loc;
    if (s->hist == 0 || day == FA_DATE_NONE || (h = scenario_slot_hist(e->sc, s)) == NULL)
        return s;
    for (i = h->n; i-- > 0;) {
        const struct fact_hist_entry *en = &h->e[i];

        if (en->from > day)
            continue;
        if (en->until != FA_DATE_NONE && en->until < day)
            return NULL;
        *loc = en->val.loc;
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

/* --- parsing and formatting values -------------------------------------------- */

static int
parse_bool(const char *t, bool *out)
{
    if (strcmp(t, "true") == 0 || strcmp(t, "yes") == 0) {
        *out = true;
        return 0;
    }
    if (strcmp(t, "false") == 0 || strcmp(t, "no") == 0) {
        *out = false;
        return 0;
    }
    return -1;
}

/* Decimal integer with optional sign and `_` digit separators. */
static int
parse_int(const char *t, int64_t *out)
{
    char buf[32];
    size_t n = 0;
    const char *p = t;
    char *end;
    long long v;

    if (*p == '+' || *p == '-')
        buf[n++] = *p++;
    if (*p < '0' || *p > '9')
        return -1;
    for (; *p != '\0'; p++) {
        if (*p == '_' && p[1] >= '0' && p[1] <= '9' && p[-1] >= '0' && p[-1] <= '9')
            continue;
        if (*p < '0' || *p > '9' || n >= sizeof buf - 1)
            return -1;
        buf[n++] = *p;
    }
    buf[n] = '\0';
    errno = 0;
    v = strtoll(buf, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

char *
scenario_hint(const char *word, const char *const *cands)
{
    const char *hint = str_suggest(word, cands), *first = NULL, *second = NULL;
    size_t i, len = strlen(word), nprefix = 0;

    if (hint != NULL)
        return xasprintf(" (did you mean '%s'?)", hint);
    /* candidates the word abbreviates ("marketing" for marketing_analytics) */
    for (i = 0; len >= 3 && cands[i] != NULL; i++) {
        if (strncmp(cands[i], word, len) != 0)
            continue;
        if (nprefix == 0)
            first = cands[i];
        else if (nprefix == 1)
            second = cands[i];
        nprefix++;
    }
    if (nprefix == 1)
        return xasprintf(" (did you mean '%s'?)", first);
    if (nprefix == 2)
        return xasprintf(" (did you mean '%s' or '%s'?)", first, second);
    return xstrdup("");
}

static void
add_hint(struct strbuf *sb, const struct fact_def *def, const char *word)
{
    char *hint = scenario_hint(word, def->values);
    size_t i;

    if (*hint != '\0') {
        strbuf_puts(sb, hint);
        free(hint);
        return;
    }
    free(hint);
    strbuf_puts(sb, "; expected one of: ");
    for (i = 0; def->values[i] != NULL; i++)
        strbuf_printf(sb, "%s%s", i > 0 ? ", " : "", def->values[i]);
}

static int
parse_set(const struct fact_def *def, const char *text, uint64_t *out, char **cause)
{
    char *copy, *p, *item, *save = NULL;
    uint64_t set = 0;
    struct strbuf sb;
    int idx;

    copy = xstrdup(text);
    p = str_trim(copy);
    if (*p == '[') {
        size_t len = strlen(p);

        if (len < 2 || p[len - 1] != ']') {
            free(copy);
            return cause_set(cause, "a list must end with ']'");
        }
        p[len - 1] = '\0';
        p++;
    }
    for (item = strtok_r(p, ",;", &save); item != NULL; item = strtok_r(NULL, ",;", &save)) {
        item = str_trim(item);
        if (*item == '\0')
            continue;
        if ((idx = scenario_fact_value_index(def, item)) < 0) {
            strbuf_init(&sb);
            strbuf_printf(&sb, "unknown value '%s'", item);
            add_hint(&sb, def, item);
            cause_set(cause, "%s", strbuf_str(&sb));
            strbuf_done(&sb);
            free(copy);
            return -1;
        }
        if (set & (UINT64_C(1) << idx)) {
            cause_set(cause, "'%s' is listed twice", item);
            free(copy);
            return -1;
        }
        set |= UINT64_C(1) << idx;
    }
    free(copy);
    *out = set;
    return 0;
}

/* Parse text as a value of def (see scenario_int.h); YAML, CSV and writes share it. */
int
scenario_parse_value(const struct fact_def *def, const char *text, bool unknown_ok,
    struct fact_slot *s, char **cause)
{
    struct strbuf sb;
    char *dcause = NULL;
    int idx;

    if (unknown_ok && strcmp(text, "unknown") == 0) {
        s->state = FACT_UNKNOWN;
        return 0;
    }
    switch (def->type) {
    case FACT_BOOL:
        if (parse_bool(text, &s->v.b) < 0)
            return cause_set(cause, "'%s' is not a boolean: expected true or false (or unknown)",
                text);
        break;
    case FACT_INT:
        if (parse_int(text, &s->v.i) < 0)
            return cause_set(cause, "'%s' is not a whole number", text);
        if (s->v.i < def->min || s->v.i > def->max)
            return cause_set(cause, "%s is out of range (%" PRId64 " to %" PRId64 ")", text,
                def->min, def->max);
        break;
    case FACT_NUMBER: {
        char *end;

        errno = 0;
        s->v.num = strtod(text, &end);
        if (*text == '\0' || *end != '\0' || errno != 0 || !isfinite(s->v.num))
            return cause_set(cause, "'%s' is not a number", text);
        break;
    }
    case FACT_STRING:
        if (strlen(text) > SCENARIO_MAX_SCALAR)
            return cause_set(cause, "value longer than %u bytes", SCENARIO_MAX_SCALAR);
        s->v.s = xstrdup(text);
        break;
    case FACT_DATE:
        if (date_parse(text, &s->v.date, &dcause) < 0) {
            cause_set(cause, "bad date %s", dcause);
            free(dcause);
            return -1;
        }
        break;
    case FACT_ENUM:
        if ((idx = scenario_fact_value_index(def, text)) < 0) {
            strbuf_init(&sb);
            strbuf_printf(&sb, "unknown value '%s'", text);
            add_hint(&sb, def, text);
            cause_set(cause, "%s", strbuf_str(&sb));
            strbuf_done(&sb);
            return -1;
        }
        s->v.e = idx;
        break;
    case FACT_SET:
        if (parse_set(def, text, &s->v.set, cause) < 0)
            return -1;
        break;
    }
    s->state = FACT_KNOWN;
    return 0;
}

char *
scenario_slot_format(const struct fact_def *def, const struct fact_slot *s)
{
    struct strbuf sb;
    char d[11];
    int i, n = 0;

    if (s->state != FACT_KNOWN)
        return xstrdup("unknown");
    switch (def->type) {
    case FACT_BOOL:
        return xstrdup(s->v.b ? "true" : "false");
    case FACT_INT:
        return xasprintf("%" PRId64, s->v.i);
    case FACT_NUMBER: {
        /* the shortest of %.15g and %.17g that reads back exactly */
        char *t = xasprintf("%.15g", s->v.num);
        double back = strtod(t, NULL);

        if (memcmp(&back, &s->v.num, sizeof back) == 0) /* exact round trip, bit for bit */
            return t;
        free(t);
        return xasprintf("%.17g", s->v.num);
    }
    case FACT_STRING:
        return xstrdup(s->v.s);
    case FACT_DATE:
        date_format(s->v.date, d);
        return xstrdup(d);
    case FACT_ENUM:
        return xstrdup(def->values[s->v.e]);
    case FACT_SET:
        strbuf_init(&sb);
        strbuf_putc(&sb, '[');
        for (i = 0; def->values[i] != NULL; i++) {
            if (s->v.set & (UINT64_C(1) << i))
                strbuf_printf(&sb, "%s%s", n++ > 0 ? ", " : "", def->values[i]);
        }
        strbuf_putc(&sb, ']');
        return strbuf_detach(&sb);
    }
    return xstrdup("?");
}

char *
scenario_value_format(const struct fact_value *v)
{
    struct fact_slot s;

    if (v->state == FACT_KNOWN && v->def->type == FACT_STRING)
        return xstrdup(v->v.s);
    memset(&s, 0, sizeof s);
    s.state = v->state;
    switch (v->def->type) {
    case FACT_BOOL:
        s.v.b = v->v.b;
        break;
    case FACT_INT:
        s.v.i = v->v.i;
        break;
    case FACT_NUMBER:
        s.v.num = v->v.num;
        break;
    case FACT_STRING:
        break;
    case FACT_DATE:
        s.v.date = v->v.date;
        break;
    case FACT_ENUM:
        s.v.e = v->v.e;
        break;
    case FACT_SET:
        s.v.set = v->v.set;
        break;
    }
    return scenario_slot_format(v->def, &s);
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
    struct fact_slot *s = scenario_slot(holder, def);

    slot_free_value(def, s);
    *s = *nv;
    s->hist = 0; /* a set value replaces the fact's dated history */
    s->loc.file = NULL;
    s->loc.line = s->loc.col = 0;
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
        struct fact_slot *f = scenario_slot(e, file_def), *h = scenario_slot(e, sum_def);
        struct fact_slot *st = scenario_slot(e, st_def);
        char hex[SHA256_HEX_LEN + 1], *path, *cause = NULL;
        const char *status = "unchecked";

        if (verify && f->state == FACT_KNOWN && h->state == FACT_KNOWN) {
            path = f->v.s[0] == '/' ? xstrdup(f->v.s) : path_join(sc->dir, f->v.s);
            if (!fs_exists(path)) {
                status = "missing";
                scenario_add_warning(sc, "%s:%u:%u: evidence '%s': file %s not found",
                    f->loc.file, f->loc.line, f->loc.col, scenario_entity_id(e), f->v.s);
            } else if (sha256_file_hex(path, hex, &cause) < 0) {
                status = "missing";
                scenario_add_warning(sc, "%s:%u:%u: evidence '%s': %s", f->loc.file, f->loc.line,
                    f->loc.col, scenario_entity_id(e), cause);
                free(cause);
            } else if (strcasecmp(hex, h->v.s) != 0) {
                status = "mismatch";
                scenario_add_warning(sc, "%s:%u:%u: evidence '%s': SHA-256 of %s is %s, the "
                    "scenario says %s (the file changed since it was recorded)", h->loc.file,
                    h->loc.line, h->loc.col, scenario_entity_id(e), f->v.s, hex, h->v.s);
            } else {
                status = "ok";
            }
            free(path);
        }
        st->state = FACT_KNOWN;
        st->v.e = scenario_fact_value_index(st_def, status);
        st->loc.file = NULL;
        st->loc.line = st->loc.col = 0;
    }
}
