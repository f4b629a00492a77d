/* SPDX-License-Identifier: MIT */
/*
 * scenario_yaml.c - load and save *.fa.yaml scenarios.
 *
 * The YAML schema is generated once from the fact table
 * (scenario_facts.c): each entity kind is a mapping whose keys are the
 * first segments of its fact paths ("consent" for consent.type), collections
 * are sequences of entity mappings ("sites", "filing.changes"). From that
 * tree we build a libcyaml schema in which every fact value is a string and
 * every mapping is an array of 16-byte cells (pointer + sequence count), so
 * libcyaml does the loading and saving while the typed conversion (dates,
 * enums with hints, ranges, `unknown`) is ours.
 *
 * libcyaml reports no positions, so loading runs in three steps:
 *  1. a pre-scan with libyaml's event parser walks the document against the
 *     same tree: unknown keys (with a did-you-mean hint), wrong node kinds,
 *     duplicate keys, empty values, aliases, depth and count limits are
 *     errors with FILE:LINE:COL, and the mark of every value is recorded by
 *     its document path ("sites.0.zones.1.location"). A plain `unknown`
 *     written where a mapping or list is expected is recorded as unknown and
 *     overwritten in a copy of the text by "{}" or "[]" padded with spaces,
 *     so that libcyaml sees a well-typed document with the same positions;
 *  2. libcyaml loads the (possibly patched) text with the generated schema;
 *  3. conversion walks the cells, parses each value by its fact type and
 *     builds the entities, naming FILE:LINE:COL from the recorded marks.
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cyaml/cyaml.h>
#include <yaml.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/scenario.h"
#include "faceaudit/sha256.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "scenario_int.h"

/* --- the schema tree ------------------------------------------------------------- */

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

static struct node *kind_roots[SCENARIO_KIND_COUNT];
static cyaml_schema_value_t root_schema;
static const cyaml_schema_value_t string_entry = {
    .type = CYAML_STRING, .flags = CYAML_FLAG_POINTER, .data_size = sizeof(char),
    .string = { .min = 0, .max = SCENARIO_MAX_SCALAR }
};

static struct node *
node_new(enum node_type type, const char *key)
{
    struct node *n = xcalloc(1, sizeof *n);

    n->type = type;
    n->key = key;
    n->kind = -1;
    return n;
}

static struct node *
map_child(const struct node *map, const char *key, size_t len)
{
    size_t i;

    for (i = 0; i < map->n; i++) {
        if (strlen(map->children[i]->key) == len && strncmp(map->children[i]->key, key, len) == 0)
            return map->children[i];
    }
    return NULL;
}

static void
map_add(struct node *map, struct node *child)
{
    map->children = xreallocarray(map->children, map->n + 1, sizeof *map->children);
    map->children[map->n++] = child;
}

/* Insert a dotted path below root; returns the leaf created with type. */
static struct node *
tree_insert(struct node *root, const char *path, enum node_type type)
{
    struct node *cur = root, *next;
    const char *seg = path, *dot;

    while ((dot = strchr(seg, '.')) != NULL) {
        if ((next = map_child(cur, seg, (size_t)(dot - seg))) == NULL) {
            next = node_new(N_MAP, xstrndup(seg, (size_t)(dot - seg)));
            map_add(cur, next);
        }
        if (next->type != N_MAP)
            fatalx("scenario schema: %s: '%.*s' is both a value and a mapping", path,
                (int)(dot - seg), seg);
        cur = next;
        seg = dot + 1;
    }
    if (map_child(cur, seg, strlen(seg)) != NULL)
        fatalx("scenario schema: %s defined twice", path);
    next = node_new(type, seg);
    map_add(cur, next);
    return next;
}

/* Fill the libcyaml schema of a node and its subtree. */
static void
node_schema(struct node *n)
{
    size_t i;

    switch (n->type) {
    case N_SCALAR:
        n->value = (cyaml_schema_value_t){ .type = CYAML_STRING,
            .flags = CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, .data_size = sizeof(char),
            .string = { .min = 0, .max = SCENARIO_MAX_SCALAR } };
        break;
    case N_SET:
        n->value = (cyaml_schema_value_t){ .type = CYAML_SEQUENCE,
            .flags = CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL | CYAML_FLAG_FLOW,
            .data_size = sizeof(char *),
            .sequence = { .entry = &string_entry, .min = 0, .max = FACT_MAX_VALUES } };
        break;
    case N_LIST:
        n->value = (cyaml_schema_value_t){ .type = CYAML_SEQUENCE,
            .flags = CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
            .data_size = (uint32_t)(n->entry->n * sizeof(struct cell)),
            .sequence = { .entry = &n->entry->inline_value, .min = 0,
                          .max = (uint32_t)n->max } };
        break;
    case N_MAP:
        if (n->fields != NULL)
            break;
        n->fields = xcalloc(n->n + 1, sizeof *n->fields);
        for (i = 0; i < n->n; i++) {
            struct node *c = n->children[i];

            if (c->type == N_LIST)
                node_schema(c->entry);
            node_schema(c);
            n->fields[i].key = c->key;
            n->fields[i].data_offset = (uint32_t)(i * sizeof(struct cell));
            n->fields[i].count_offset = (uint32_t)(i * sizeof(struct cell) + sizeof(void *));
            n->fields[i].count_size = sizeof(uint64_t);
            n->fields[i].value = c->value;
        }
        n->value = (cyaml_schema_value_t){ .type = CYAML_MAPPING,
            .flags = CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
            .data_size = (uint32_t)(n->n * sizeof(struct cell)),
            .mapping = { .fields = n->fields } };
        n->inline_value = n->value;
        n->inline_value.flags = CYAML_FLAG_DEFAULT;
        break;
    }
}

/* Build the tree and the libcyaml schema (once per process: see schema_init). */
static void
schema_build(void)
{
    size_t i, nf = scenario_fact_count();
    int k;

    for (k = 0; k < SCENARIO_KIND_COUNT; k++) {
        kind_roots[k] = node_new(N_MAP, NULL);
        kind_roots[k]->kind = k;
    }
    /* the format version first, so that saved files start with it */
    tree_insert(kind_roots[SCENARIO_DEPLOYMENT], "faceaudit", N_SCALAR)->def =
        scenario_fact_lookup(SCENARIO_DEPLOYMENT, "faceaudit");
    for (i = 0; i < nf; i++) {
        const struct fact_def *d = scenario_fact_at(i);
        struct node *leaf;

        if ((d->flags & FACT_F_COMPUTED) ||
            (d->kind == SCENARIO_DEPLOYMENT && strcmp(d->path, "faceaudit") == 0))
            continue;
        leaf = tree_insert(kind_roots[d->kind], d->path, d->type == FACT_SET ? N_SET : N_SCALAR);
        leaf->def = d;
    }
    for (i = 0; i < scenario_ncollections; i++) {
        const struct scenario_collection *c = &scenario_collections[i];
        struct node *l = tree_insert(kind_roots[c->parent], c->path, N_LIST);

        l->entry = kind_roots[c->kind];
        l->kind = (int)c->kind;
        l->max = c->max;
    }
    node_schema(kind_roots[SCENARIO_DEPLOYMENT]);
    root_schema = kind_roots[SCENARIO_DEPLOYMENT]->value;
    root_schema.flags = CYAML_FLAG_POINTER;
}

static void
schema_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, schema_build);
}

/* --- libcyaml configuration ------------------------------------------------------ */

static void *
cy_mem(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    return xreallocarray(ptr, 1, size);
}

static void
cy_log(cyaml_log_t level, void *ctx, const char *fmt, va_list args)
{
    struct strbuf *sb = ctx;

    if (level < CYAML_LOG_ERROR || sb == NULL)
        return;
    strbuf_vprintf(sb, fmt, args);
}

static void
cy_config(cyaml_config_t *cfg, struct strbuf *log)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->log_fn = cy_log;
    cfg->log_ctx = log;
    cfg->mem_fn = cy_mem;
    cfg->log_level = CYAML_LOG_ERROR;
    /*
     * Unknown keys were reported by the pre-scan; let libcyaml load the rest.
     * The pre-scan refuses every anchor and alias; NO_ALIAS keeps libcyaml
     * from recording anchors (and so from expanding aliases) all the same.
     */
    cfg->flags = CYAML_CFG_STYLE_BLOCK | CYAML_CFG_IGNORE_UNKNOWN_KEYS | CYAML_CFG_NO_ALIAS;
}

/* --- errors ------------------------------------------------------------------------- */

void
scenario_error(struct strbuf *errors, size_t *nerrors, const char *fmt, ...)
{
    va_list ap;

    if (*nerrors < SCENARIO_MAX_ERRORS) {
        if (errors->len > 0)
            strbuf_putc(errors, '\n');
        va_start(ap, fmt);
        strbuf_vprintf(errors, fmt, ap);
        va_end(ap);
    } else if (*nerrors == SCENARIO_MAX_ERRORS) {
        strbuf_puts(errors, "\n(more errors not shown)");
    }
    (*nerrors)++;
}

/* --- step 1: the pre-scan ------------------------------------------------------------ */

/* Where a value was written (line 0: the key is absent). */
struct mark {
    unsigned line, col;
    bool ok;      /* a usable value was recorded (line alone: the key was seen) */
    bool unknown; /* plain `unknown` */
    bool quoted;  /* a quoted scalar */
};

/*
 * The marks of one mapping of the document, parallel to its schema node:
 * one slot per child key (so no path strings are built or looked up).
 */
struct mnode;
struct mslot {
    struct mark mark;
    struct mnode *map;   /* N_MAP: the nested mapping */
    struct mnode *items; /* N_LIST: one per entity; N_SET: unused */
    struct mark *set;    /* N_SET: one mark per item */
    size_t nitems;
};
struct mnode {
    struct mark mark;    /* the mapping itself */
    struct mslot *slots; /* map->n of them */
};

struct patch {
    size_t offset, len;
    char open, close;
};

struct prescan {
    yaml_parser_t parser;
    const char *file;
    struct strbuf *errors;
    size_t *nerrors;
    struct patch *patches;
    size_t npatches;
    size_t totals[SCENARIO_KIND_COUNT];
    const char *value_key;      /* the key whose value event is being read, for messages */
    bool fatal;                 /* syntax error or limit: stop */
};

static void
mnode_done(const struct node *map, struct mnode *mn)
{
    size_t i, j;

    if (mn->slots == NULL)
        return;
    for (i = 0; i < map->n; i++) {
        struct mslot *s = &mn->slots[i];

        if (s->map != NULL) {
            mnode_done(map->children[i], s->map);
            free(s->map);
        }
        for (j = 0; s->items != NULL && j < s->nitems; j++)
            mnode_done(map->children[i]->entry, &s->items[j]);
        free(s->items);
        free(s->set);
    }
    free(mn->slots);
}

static void
ps_error(struct prescan *ps, const yaml_mark_t *m, const char *fmt, ...) FA_PRINTF(3, 4);

static void
ps_error(struct prescan *ps, const yaml_mark_t *m, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    scenario_error(ps->errors, ps->nerrors, "%s:%zu:%zu: %s", ps->file, m->line + 1,
        m->column + 1, msg);
    free(msg);
}

static bool
has_anchor(const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        return ev->data.scalar.anchor != NULL;
    case YAML_MAPPING_START_EVENT:
        return ev->data.mapping_start.anchor != NULL;
    case YAML_SEQUENCE_START_EVENT:
        return ev->data.sequence_start.anchor != NULL;
    default:
        return false;
    }
}

/* Next event; false (and an error) on a syntax error. */
static bool
ps_next(struct prescan *ps, yaml_event_t *ev)
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
    if (yaml_parser_parse(&ps->parser, ev)) {
        if (ev->type == YAML_NO_EVENT) {
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
        if (has_anchor(ev) || ev->type == YAML_ALIAS_EVENT) {
            if (ps->value_key != NULL)
                ps_error(ps, &ev->start_mark, "%s: anchors and aliases are not supported in "
                    "scenarios", ps->value_key);
            else
                ps_error(ps, &ev->start_mark, "anchors and aliases are not supported in "
                    "scenarios");
            ps->fatal = true;
        }
        return true;
    }
    if (!ps->fatal) {
        yaml_mark_t m = ps->parser.problem_mark;

        if (ps->parser.context != NULL)
            ps_error(ps, &m, "YAML syntax error: %s %s", ps->parser.problem,
                ps->parser.context);
        else
            ps_error(ps, &m, "YAML syntax error: %s",
                ps->parser.problem != NULL ? ps->parser.problem : "malformed document");
    }
    ps->fatal = true;
    return false;
}

static void
set_mark(struct mark *mk, const yaml_mark_t *m, bool unknown, bool quoted)
{
    mk->line = (unsigned)m->line + 1;
    mk->col = (unsigned)m->column + 1;
    mk->ok = true;
    mk->unknown = unknown;
    mk->quoted = quoted;
}

static const char *
event_what(const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_MAPPING_START_EVENT:
        return "a mapping";
    case YAML_SEQUENCE_START_EVENT:
        return "a list";
    case YAML_SCALAR_EVENT:
        return "a single value";
    case YAML_ALIAS_EVENT:
        return "an alias";
    default:
        return "something else";
    }
}

static bool
is_plain(const yaml_event_t *ev, const char *text)
{
    return ev->type == YAML_SCALAR_EVENT && ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
        strcmp((const char *)ev->data.scalar.value, text) == 0;
}

/* Skip the rest of a node whose first event is ev (already consumed). */
static void
ps_skip(struct prescan *ps, const yaml_event_t *first)
{
    yaml_event_t ev;
    int depth;

    if (first->type != YAML_MAPPING_START_EVENT && first->type != YAML_SEQUENCE_START_EVENT)
        return;
    depth = 1;
    while (depth > 0 && ps_next(ps, &ev)) {
        if (ev.type == YAML_MAPPING_START_EVENT || ev.type == YAML_SEQUENCE_START_EVENT)
            depth++;
        else if (ev.type == YAML_MAPPING_END_EVENT || ev.type == YAML_SEQUENCE_END_EVENT)
            depth--;
        yaml_event_delete(&ev);
    }
}

/* Record a patch turning a plain `unknown` into "{}" or "[]" for libcyaml. */
static void
ps_patch(struct prescan *ps, const yaml_event_t *ev, char open, char close)
{
    ps->patches = xreallocarray(ps->patches, ps->npatches + 1, sizeof *ps->patches);
    ps->patches[ps->npatches].offset = ev->start_mark.index;
    ps->patches[ps->npatches].len = ev->end_mark.index - ev->start_mark.index;
    ps->patches[ps->npatches].open = open;
    ps->patches[ps->npatches].close = close;
    ps->npatches++;
}

static void ps_map(struct prescan *ps, const struct node *map, struct mnode *mn,
    const char *where, int depth);

/* Check a scalar value event; returns true if usable. */
static bool
ps_scalar_ok(struct prescan *ps, const yaml_event_t *ev, const char *key)
{
    const char *t = (const char *)ev->data.scalar.value;

    if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
        (*t == '\0' || strcmp(t, "~") == 0 || strcmp(t, "null") == 0)) {
        ps_error(ps, &ev->start_mark, "%s: no value (write `unknown` if it is not known)", key);
        return false;
    }
    if (ev->data.scalar.length > SCENARIO_MAX_SCALAR) {
        ps_error(ps, &ev->start_mark, "%s: value longer than %u bytes", key,
            SCENARIO_MAX_SCALAR);
        return false;
    }
    return true;
}

/* The value of key `c` (first event ev) in a mapping; its marks go to slot. */
static void
ps_value(struct prescan *ps, const struct node *c, const yaml_event_t *ev, struct mslot *slot,
    int depth)
{
    size_t i;
    yaml_event_t item;

    if (ps->fatal)
        return; /* e.g. an anchor on this value (see ps_next) */
    if (depth > SCENARIO_MAX_DEPTH) {
        ps_error(ps, &ev->start_mark, "nesting deeper than %d levels", SCENARIO_MAX_DEPTH);
        ps_skip(ps, ev);
        return;
    }
    switch (c->type) {
    case N_SCALAR:
        if (ev->type != YAML_SCALAR_EVENT) {
            ps_error(ps, &ev->start_mark, "%s: expected a single value, found %s", c->key,
                event_what(ev));
            ps_skip(ps, ev);
            return;
        }
        if (ps_scalar_ok(ps, ev, c->key))
            set_mark(&slot->mark, &ev->start_mark, is_plain(ev, "unknown"),
                ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE);
        return;
    case N_SET:
        if (is_plain(ev, "unknown")) {
            set_mark(&slot->mark, &ev->start_mark, true, false);
            ps_patch(ps, ev, '[', ']');
            return;
        }
        if (ev->type != YAML_SEQUENCE_START_EVENT) {
            ps_error(ps, &ev->start_mark, "%s: expected a list such as [%s, %s], found %s",
                c->key, c->def->values[0], c->def->values[1], event_what(ev));
            ps_skip(ps, ev);
            return;
        }
        set_mark(&slot->mark, &ev->start_mark, false, false);
        slot->set = xcalloc(FACT_MAX_VALUES, sizeof *slot->set);
        for (i = 0; ps_next(ps, &item); i++) {
            if (item.type == YAML_SEQUENCE_END_EVENT) {
                yaml_event_delete(&item);
                break;
            }
            if (item.type != YAML_SCALAR_EVENT) {
                ps_error(ps, &item.start_mark, "%s: list items must be single values, found %s",
                    c->key, event_what(&item));
                ps_skip(ps, &item);
            } else if (i >= FACT_MAX_VALUES) {
                ps_error(ps, &item.start_mark, "%s: more than %d items", c->key,
                    FACT_MAX_VALUES);
            } else if (ps_scalar_ok(ps, &item, c->key)) {
                set_mark(&slot->set[i], &item.start_mark, false, false);
                slot->nitems = i + 1;
            }
            yaml_event_delete(&item);
        }
        return;
    case N_MAP:
        if (is_plain(ev, "unknown")) {
            set_mark(&slot->mark, &ev->start_mark, true, false);
            ps_patch(ps, ev, '{', '}');
            return;
        }
        if (ev->type != YAML_MAPPING_START_EVENT) {
            ps_error(ps, &ev->start_mark, "%s: expected a mapping of keys (e.g. %s: ...), found %s",
                c->key, c->children[0]->key, event_what(ev));
            ps_skip(ps, ev);
            return;
        }
        set_mark(&slot->mark, &ev->start_mark, false, false);
        slot->map = xcalloc(1, sizeof *slot->map);
        slot->map->mark = slot->mark;
        ps_map(ps, c, slot->map, c->key, depth + 1);
        return;
    case N_LIST: {
        size_t cap = 0;

        if (ev->type != YAML_SEQUENCE_START_EVENT) {
            ps_error(ps, &ev->start_mark, "%s: expected a list of %ss (items starting with "
                "'- id: ...'), found %s", c->key, scenario_kind_name((enum scenario_kind)c->kind),
                event_what(ev));
            ps_skip(ps, ev);
            return;
        }
        set_mark(&slot->mark, &ev->start_mark, false, false);
        for (i = 0; ps_next(ps, &item); i++) {
            struct mnode *mn;

            if (item.type == YAML_SEQUENCE_END_EVENT) {
                yaml_event_delete(&item);
                break;
            }
            if (item.type != YAML_MAPPING_START_EVENT) {
                ps_error(ps, &item.start_mark, "%s: each %s must be a mapping (id: ..., ...), "
                    "found %s", c->key, scenario_kind_name((enum scenario_kind)c->kind),
                    event_what(&item));
                ps_skip(ps, &item);
                yaml_event_delete(&item);
                continue;
            }
            if (++ps->totals[c->kind] > c->max) {
                ps_error(ps, &item.start_mark, "more than %zu %ss (limit)", c->max,
                    scenario_kind_name((enum scenario_kind)c->kind));
                yaml_event_delete(&item);
                ps->fatal = true;
                return;
            }
            if (slot->nitems == cap) {
                cap = cap == 0 ? 8 : cap * 2;
                slot->items = xreallocarray(slot->items, cap, sizeof *slot->items);
            }
            mn = &slot->items[slot->nitems++];
            memset(mn, 0, sizeof *mn);
            set_mark(&mn->mark, &item.start_mark, false, false);
            ps_map(ps, c->entry, mn, scenario_kind_name((enum scenario_kind)c->kind), depth + 1);
            yaml_event_delete(&item);
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
    yaml_event_t key, val;

    mn->slots = xcalloc(map->n, sizeof *mn->slots);
    while (!ps->fatal && ps_next(ps, &key)) {
        const struct node *c = NULL;
        const char *k;

        if (key.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&key);
            break;
        }
        if (key.type != YAML_SCALAR_EVENT) {
            ps_error(ps, &key.start_mark, "keys must be words, found %s", event_what(&key));
            ps_skip(ps, &key);
            yaml_event_delete(&key);
            if (ps_next(ps, &val)) {
                ps_skip(ps, &val);
                yaml_event_delete(&val);
            }
            continue;
        }
        k = (const char *)key.data.scalar.value;
        for (i = 0; i < map->n; i++) {
            if (strcmp(map->children[i]->key, k) == 0) {
                c = map->children[i];
                break;
            }
        }
        ps->value_key = k;
        if (!ps_next(ps, &val)) {
            ps->value_key = NULL;
            yaml_event_delete(&key);
            break;
        }
        ps->value_key = NULL;
        if (c == NULL) {
            const char **cands = xcalloc(map->n + 1, sizeof *cands);
            char *hint;

            for (i = 0; i < map->n; i++)
                cands[i] = map->children[i]->key;
            hint = scenario_hint(k, cands);
            ps_error(ps, &key.start_mark, "unknown key '%s' in %s%s", k, where, hint);
            free(hint);
            free(cands);
            ps_skip(ps, &val);
        } else if (mn->slots[i].mark.line > 0 || mn->slots[i].mark.unknown) {
            ps_error(ps, &key.start_mark, "duplicate key '%s' in %s", k, where);
            ps_skip(ps, &val);
        } else {
            /* mark the key as seen even if its value turns out bad */
            mn->slots[i].mark.line = (unsigned)key.start_mark.line + 1;
            mn->slots[i].mark.col = (unsigned)key.start_mark.column + 1;
            ps_value(ps, c, &val, &mn->slots[i], depth);
        }
        yaml_event_delete(&key);
        yaml_event_delete(&val);
    }
}

/* Run the pre-scan over the whole text, filling the document's root marks. */
static void
prescan_run(struct prescan *ps, const char *text, size_t len, struct mnode *root)
{
    yaml_event_t ev;
    int docs = 0;

    yaml_parser_initialize(&ps->parser);
    yaml_parser_set_input_string(&ps->parser, (const unsigned char *)text, len);
    while (!ps->fatal && ps_next(ps, &ev)) {
        yaml_event_type_t t = ev.type;

        if (t == YAML_DOCUMENT_START_EVENT && ++docs > 1) {
            ps_error(ps, &ev.start_mark, "more than one YAML document (one scenario per file)");
            ps->fatal = true;
        } else if (t == YAML_MAPPING_START_EVENT || t == YAML_SEQUENCE_START_EVENT ||
            t == YAML_SCALAR_EVENT || t == YAML_ALIAS_EVENT) {
            if (t != YAML_MAPPING_START_EVENT) {
                ps_error(ps, &ev.start_mark, "a scenario must be a mapping (faceaudit: 1, id: "
                    "..., ...), found %s", event_what(&ev));
                ps->fatal = true;
            } else {
                set_mark(&root->mark, &ev.start_mark, false, false);
                ps_map(ps, kind_roots[SCENARIO_DEPLOYMENT], root, "the scenario", 1);
            }
        }
        yaml_event_delete(&ev);
        if (t == YAML_STREAM_END_EVENT)
            break;
    }
    if (docs == 0 && !ps->fatal)
        scenario_error(ps->errors, ps->nerrors, "%s: empty file: a scenario starts with "
            "`faceaudit: 1` and `id: ...`", ps->file);
    yaml_parser_delete(&ps->parser);
}

/* --- step 3: conversion ----------------------------------------------------------------- */

struct conv {
    struct scenario *sc;
    const char *file;
    struct strbuf *errors;
    size_t *nerrors;
};

static struct scenario_loc
cv_loc(struct conv *cv, const struct mark *m)
{
    struct scenario_loc loc = { cv->file, 0, 0 };

    if (m != NULL) {
        loc.line = m->line;
        loc.col = m->col;
    }
    return loc;
}

static void
cv_scalar(struct conv *cv, const struct node *c, const char *text, struct scenario_entity *e,
    const struct mark *m)
{
    struct fact_slot *s = scenario_slot(e, c->def);
    char *cause = NULL;
    bool unknown_ok = !(c->def->type == FACT_STRING && m->quoted);

    s->loc = cv_loc(cv, m);
    if (c->def->flags & FACT_F_META && strcmp(c->def->path, "faceaudit") == 0 &&
        strcmp(text, "1") != 0) {
        scenario_error(cv->errors, cv->nerrors, "%s:%u:%u: unsupported scenario format version "
            "'%s' (this faceaudit reads version 1)", cv->file, m->line, m->col, text);
        return;
    }
    if (scenario_parse_value(c->def, text, unknown_ok, s, &cause) < 0) {
        if (e->kind != SCENARIO_DEPLOYMENT && e->slots[0].state == FACT_KNOWN)
            scenario_error(cv->errors, cv->nerrors, "%s:%u:%u: %s '%s': %s: %s", cv->file,
                m->line, m->col, scenario_kind_name(e->kind), e->slots[0].v.s, c->def->path,
                cause);
        else
            scenario_error(cv->errors, cv->nerrors, "%s:%u:%u: %s: %s", cv->file, m->line,
                m->col, c->def->path, cause);
        free(cause);
        s->state = FACT_ABSENT;
    }
}

static void
cv_set(struct conv *cv, const struct node *c, const struct cell *cell, struct scenario_entity *e,
    const struct mslot *ms)
{
    struct fact_slot *s = scenario_slot(e, c->def);
    char **items = cell->ptr;
    size_t i;
    uint64_t set = 0;
    bool ok = true;

    s->loc = cv_loc(cv, &ms->mark);
    if (ms->mark.unknown) {
        s->state = FACT_UNKNOWN;
        return;
    }
    for (i = 0; i < cell->count; i++) {
        const struct mark *im = i < ms->nitems ? &ms->set[i] : &ms->mark;
        struct fact_slot one;
        char *cause = NULL;

        memset(&one, 0, sizeof one);
        if (scenario_parse_value(c->def, items[i], false, &one, &cause) < 0 ||
            (set & one.v.set) != 0) {
            if (cause == NULL)
                cause = xasprintf("'%s' is listed twice", items[i]);
            scenario_error(cv->errors, cv->nerrors, "%s:%u:%u: %s: %s", cv->file, im->line,
                im->col, c->def->path, cause);
            free(cause);
            ok = false;
            continue;
        }
        set |= one.v.set;
    }
    if (ok) {
        s->state = FACT_KNOWN;
        s->v.set = set;
    }
}

/* Mark every fact below map as explicitly unknown (for `section: unknown`). */
static void
cv_all_unknown(const struct node *map, struct scenario_entity *e, struct scenario_loc loc)
{
    size_t i;

    for (i = 0; i < map->n; i++) {
        const struct node *c = map->children[i];
        struct fact_slot *s;

        if (c->type == N_MAP) {
            cv_all_unknown(c, e, loc);
        } else if (c->type == N_SCALAR || c->type == N_SET) {
            s = scenario_slot(e, c->def);
            s->state = FACT_UNKNOWN;
            s->loc = loc;
        }
    }
}

static void cv_map(struct conv *cv, const struct node *map, const struct cell *cells,
    struct scenario_entity *e, const struct mnode *mn);

static void
cv_list(struct conv *cv, const struct node *c, const struct cell *cell,
    struct scenario_entity *parent, const struct mslot *ms)
{
    size_t i, ncells = c->entry->n;
    const struct cell *entries = cell->ptr;

    for (i = 0; i < cell->count && i < ms->nitems; i++) {
        struct scenario_entity *e;
        char *cause = NULL;

        e = scenario_entity_new(cv->sc, (enum scenario_kind)c->kind, parent,
            cv_loc(cv, &ms->items[i].mark));
        cv_map(cv, c->entry, entries + i * ncells, e, &ms->items[i]);
        if (scenario_register_id(e, &cause) < 0) {
            scenario_error(cv->errors, cv->nerrors, "%s:%u:%u: %s", cv->file, e->slots[0].loc.line,
                e->slots[0].loc.col, cause);
            free(cause);
        }
    }
}

static void
cv_map(struct conv *cv, const struct node *map, const struct cell *cells,
    struct scenario_entity *e, const struct mnode *mn)
{
    size_t i;

    for (i = 0; i < map->n; i++) {
        const struct node *c = map->children[i];
        const struct mslot *ms = &mn->slots[i];

        if (!ms->mark.ok)
            continue; /* key absent, or its value was rejected by the pre-scan */
        switch (c->type) {
        case N_SCALAR:
            if (cells != NULL && cells[i].ptr != NULL)
                cv_scalar(cv, c, cells[i].ptr, e, &ms->mark);
            break;
        case N_SET:
            if (cells != NULL)
                cv_set(cv, c, &cells[i], e, ms);
            break;
        case N_MAP:
            if (ms->mark.unknown)
                cv_all_unknown(c, e, cv_loc(cv, &ms->mark));
            else if (cells != NULL && cells[i].ptr != NULL && ms->map != NULL)
                cv_map(cv, c, cells[i].ptr, e, ms->map);
            break;
        case N_LIST:
            if (cells != NULL && cells[i].ptr != NULL)
                cv_list(cv, c, &cells[i], e, ms);
            break;
        }
    }
}

/* --- error order ------------------------------------------------------------------ */

struct errline {
    char *text;
    size_t file;   /* order of first appearance of the file name */
    unsigned line, col;
    size_t seq;
};

static int
errline_cmp(const void *a, const void *b)
{
    const struct errline *x = a, *y = b;

    if (x->file != y->file)
        return x->file < y->file ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sort "FILE:LINE[:COL]: ..." lines by file (first seen first), line, column. */
static void
sort_errors(struct strbuf *errors)
{
    struct errline *ls = NULL;
    char **files = NULL;
    size_t n = 0, nfiles = 0, i;
    char *copy, *line, *save = NULL, *tail = NULL;

    if (errors->len == 0)
        return;
    copy = xstrdup(strbuf_str(errors));
    for (line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        struct errline *e;
        char *p, *fname;

        if (line[0] == '(') { /* "(more errors not shown)" stays last */
            tail = line;
            continue;
        }
        ls = xreallocarray(ls, n + 1, sizeof *ls);
        e = &ls[n];
        e->text = line;
        e->seq = n;
        e->line = e->col = UINT32_MAX;
        fname = NULL;
        for (p = strchr(line, ':'); p != NULL; p = strchr(p + 1, ':')) {
            unsigned l, c;
            int used = 0;

            if (sscanf(p, ":%u:%u:%n", &l, &c, &used) == 2 && used > 0) {
                e->line = l;
                e->col = c;
            } else if (sscanf(p, ":%u:%n", &l, &used) == 1 && used > 0) {
                e->line = l;
                e->col = 0;
            } else {
                continue;
            }
            fname = xstrndup(line, (size_t)(p - line));
            break;
        }
        if (fname == NULL)
            fname = xstrdup("");
        for (i = 0; i < nfiles && strcmp(files[i], fname) != 0; i++)
            ;
        if (i == nfiles) {
            files = xreallocarray(files, nfiles + 1, sizeof *files);
            files[nfiles++] = fname;
        } else {
            free(fname);
        }
        e->file = i;
        n++;
    }
    qsort(ls, n, sizeof *ls, errline_cmp);
    strbuf_reset(errors);
    for (i = 0; i < n; i++) {
        if (i > 0)
            strbuf_putc(errors, '\n');
        strbuf_puts(errors, ls[i].text);
    }
    if (tail != NULL) {
        strbuf_putc(errors, '\n');
        strbuf_puts(errors, tail);
    }
    for (i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    free(ls);
    free(copy);
}

/* --- loading -------------------------------------------------------------------------- */

static int
load_inventory(struct scenario *sc, struct sha256 *hctx, struct strbuf *errors, size_t *nerrors)
{
    struct scenario_entity *dep = scenario_deployment(sc);
    const struct fact_def *def = scenario_fact_lookup(SCENARIO_DEPLOYMENT, "inventory");
    struct fact_slot *s = scenario_slot(dep, def);
    char *full, *shown;
    int rc;

    if (s->state != FACT_KNOWN)
        return 0;
    full = s->v.s[0] == '/' ? xstrdup(s->v.s) : path_join(sc->dir, s->v.s);
    shown = strcmp(sc->dir, ".") == 0 ? xstrdup(s->v.s) : xstrdup(full);
    rc = scenario_csv_import(sc, full, shown, hctx, errors, nerrors);
    free(full);
    free(shown);
    return rc;
}

struct scenario *
scenario_load(const char *path, unsigned flags, char **cause)
{
    struct scenario *sc;
    char *text, *rcause = NULL;
    size_t len;

    if ((text = fs_read_file(path, SCENARIO_MAX_FILE_BYTES, &len, &rcause)) == NULL) {
        cause_set(cause, "%s", rcause);
        free(rcause);
        return NULL;
    }
    sc = scenario_load_data(path, text, len, flags, cause);
    free(text);
    return sc;
}

struct scenario *
scenario_load_data(const char *path, const char *data, size_t len, unsigned flags, char **cause)
{
    struct scenario *sc;
    struct prescan ps;
    struct conv cv;
    struct strbuf errors, cylog;
    struct mnode marks;
    struct sha256 hctx;
    unsigned char digest[SHA256_DIGEST_LEN];
    cyaml_config_t cfg;
    cyaml_err_t err;
    struct cell *root = NULL;
    char *text, *patched;
    size_t nerrors = 0, i;
    const struct fact_def *ver = scenario_fact_lookup(SCENARIO_DEPLOYMENT, "faceaudit");

    schema_init();
    if (len > SCENARIO_MAX_FILE_BYTES) {
        cause_set(cause, "%s: larger than %u bytes (limit)", path, SCENARIO_MAX_FILE_BYTES);
        return NULL;
    }
    text = xmalloc(len + 1);
    memcpy(text, data, len);
    text[len] = '\0';
    sc = scenario_new(path);
    strbuf_init(&errors);
    sha256_init(&hctx);
    sha256_update(&hctx, text, len);

    /* 1. pre-scan */
    memset(&ps, 0, sizeof ps);
    ps.file = scenario_intern_file(sc, path);
    ps.errors = &errors;
    ps.nerrors = &nerrors;
    memset(&marks, 0, sizeof marks);
    if (memchr(text, '\0', len) != NULL)
        scenario_error(&errors, &nerrors, "%s: not a text file (contains NUL bytes)", path);
    else
        prescan_run(&ps, text, len, &marks);
    /*
     * After a syntax error nothing more can be read. Other pre-scan errors
     * (unknown keys, bad node kinds) still let libcyaml load the rest, so
     * that value errors are reported in the same run.
     */
    if (ps.fatal || nerrors >= SCENARIO_MAX_ERRORS || marks.slots == NULL)
        goto fail;

    /* 2. libcyaml on the patched text */
    patched = xmemdup(text, len + 1);
    for (i = 0; i < ps.npatches; i++) {
        struct patch *p = &ps.patches[i];

        memset(patched + p->offset, ' ', p->len);
        patched[p->offset] = p->open;
        patched[p->offset + 1] = p->close;
    }
    strbuf_init(&cylog);
    cy_config(&cfg, &cylog);
    err = cyaml_load_data((const uint8_t *)patched, len, &cfg, &root_schema,
        (cyaml_data_t **)&root, NULL);
    free(patched);
    if (err != CYAML_OK) {
        char *msg = str_trim(xstrdup(strbuf_str(&cylog)));

        /* with pre-scan errors this failure is their consequence */
        if (nerrors == 0)
            scenario_error(&errors, &nerrors, "%s: %s%s%s", path, cyaml_strerror(err),
                *msg != '\0' ? ": " : "", msg);
        free(msg);
        strbuf_done(&cylog);
        goto fail;
    }
    strbuf_done(&cylog);

    /* 3. conversion */
    memset(&cv, 0, sizeof cv);
    cv.sc = sc;
    cv.file = ps.file;
    cv.errors = &errors;
    cv.nerrors = &nerrors;
    {
        struct scenario_loc top = { ps.file, 1, 1 };
        struct scenario_entity *dep = scenario_entity_new(sc, SCENARIO_DEPLOYMENT, NULL, top);
        char *icause = NULL;

        cv_map(&cv, kind_roots[SCENARIO_DEPLOYMENT], root, dep, &marks);
        if (scenario_slot(dep, ver)->state != FACT_KNOWN && nerrors == 0)
            scenario_error(&errors, &nerrors, "%s:1:1: missing `faceaudit: 1` (the scenario "
                "format version) at the top of the file", path);
        if (scenario_register_id(dep, &icause) < 0) {
            scenario_error(&errors, &nerrors, "%s:1:1: %s", path, icause);
            free(icause);
        }
    }
    cyaml_free(&cfg, &root_schema, root, 0);
    root = NULL;
    if (nerrors == 0)
        load_inventory(sc, &hctx, &errors, &nerrors);
    if (nerrors > 0)
        goto fail;

    scenario_finish(sc);
    sha256_final(&hctx, digest);
    sha256_to_hex(digest, sc->hash);
    scenario_check_evidence(sc, (flags & SCENARIO_LOAD_NO_EVIDENCE) == 0);
    mnode_done(kind_roots[SCENARIO_DEPLOYMENT], &marks);
    free(ps.patches);
    strbuf_done(&errors);
    free(text);
    return sc;

fail:
    sort_errors(&errors);
    cause_set(cause, "%s", strbuf_str(&errors));
    mnode_done(kind_roots[SCENARIO_DEPLOYMENT], &marks);
    free(ps.patches);
    strbuf_done(&errors);
    free(text);
    scenario_free(sc);
    return NULL;
}

/* --- saving ----------------------------------------------------------------------------- */

static void free_cells(const struct node *map, struct cell *cells);

static void
free_cell(const struct node *c, struct cell *cell)
{
    size_t j;

    switch (c->type) {
    case N_SCALAR:
        free(cell->ptr);
        break;
    case N_SET:
        for (j = 0; j < cell->count; j++)
            free(((char **)cell->ptr)[j]);
        free(cell->ptr);
        break;
    case N_MAP:
        if (cell->ptr != NULL)
            free_cells(c, cell->ptr);
        break;
    case N_LIST:
        for (j = 0; j < cell->count; j++)
            free_cells(c->entry, (struct cell *)cell->ptr + j * c->entry->n);
        free(cell->ptr);
        break;
    }
}

/* Free the contents of a cell array (and the array, unless it is a list entry). */
static void
free_cells_inner(const struct node *map, struct cell *cells)
{
    size_t i;

    for (i = 0; i < map->n; i++)
        free_cell(map->children[i], &cells[i]);
}

static void
free_cells(const struct node *map, struct cell *cells)
{
    free_cells_inner(map, cells);
    if (map->kind < 0)
        free(cells);
}

/*
 * Relative path from folder `from` to file `to`, both absolute and
 * normalised (realpath); caller frees.
 */
static char *
relative_path(const char *from, const char *to)
{
    size_t i = 0, common = 0;
    struct strbuf sb;
    const char *p;

    /* the longest common prefix that ends at a folder boundary */
    while (from[i] != '\0' && from[i] == to[i]) {
        i++;
        if (from[i] == '\0' && to[i] == '/')
            common = i;
        else if (from[i] == '/' && to[i] == '/')
            common = i;
    }
    if (strcmp(from, "/") == 0)
        common = 0;
    strbuf_init(&sb);
    for (p = from + common; *p != '\0'; p++) {
        if (*p == '/')
            strbuf_puts(&sb, "../");
    }
    strbuf_puts(&sb, to + common + 1);
    return strbuf_detach(&sb);
}

/*
 * An evidence path as it must be written into a file saved in new_dir:
 * unchanged when the folder is the same or the path is absolute, else made
 * relative to new_dir (absolute when the file cannot be resolved). Caller frees.
 */
static char *
rebase_evidence(const struct scenario *sc, const char *new_dir, const char *file)
{
    char *old_real, *new_real, *joined, *target, *out;

    if (file[0] == '/')
        return xstrdup(file);
    old_real = realpath(sc->dir, NULL);
    new_real = realpath(new_dir, NULL);
    if (old_real == NULL || new_real == NULL || strcmp(old_real, new_real) == 0) {
        free(old_real);
        free(new_real);
        return xstrdup(file);
    }
    joined = path_join(old_real, file);
    target = realpath(joined, NULL);
    out = target != NULL ? relative_path(new_real, target) : xstrdup(joined);
    free(joined);
    free(target);
    free(old_real);
    free(new_real);
    return out;
}

/* Where the file being saved lives, for rebasing evidence paths. */
struct save_ctx {
    const struct scenario *sc;
    const char *new_dir;
};

/* Fill cells for map from entity e; returns true if anything was written. */
static bool
fill_map(const struct save_ctx *sv, const struct node *map, struct cell *cells,
    const struct scenario_entity *e)
{
    size_t i, j, k;
    bool any = false;

    for (i = 0; i < map->n; i++) {
        const struct node *c = map->children[i];
        const struct fact_slot *s;

        switch (c->type) {
        case N_SCALAR:
            if (c->def->flags & FACT_F_META) {
                if (strcmp(c->def->path, "faceaudit") == 0) {
                    cells[i].ptr = xstrdup("1");
                    any = true;
                }
                break; /* inventory devices are written inline */
            }
            s = scenario_slot(e, c->def);
            if (s->state == FACT_UNKNOWN)
                cells[i].ptr = xstrdup("unknown");
            else if (s->state == FACT_KNOWN && e->kind == SCENARIO_EVIDENCE &&
                strcmp(c->def->path, "file") == 0)
                cells[i].ptr = rebase_evidence(sv->sc, sv->new_dir, s->v.s);
            else if (s->state == FACT_KNOWN)
                cells[i].ptr = scenario_slot_format(c->def, s);
            any |= cells[i].ptr != NULL;
            break;
        case N_SET:
            s = scenario_slot(e, c->def);
            if (s->state != FACT_KNOWN)
                break;
            cells[i].ptr = xcalloc(FACT_MAX_VALUES, sizeof(char *));
            for (j = 0, k = 0; c->def->values[j] != NULL; j++) {
                if (s->v.set & (UINT64_C(1) << j))
                    ((char **)cells[i].ptr)[k++] = xstrdup(c->def->values[j]);
            }
            cells[i].count = k;
            any = true;
            break;
        case N_MAP:
            cells[i].ptr = xcalloc(c->n, sizeof(struct cell));
            if (!fill_map(sv, c, cells[i].ptr, e)) {
                free_cells(c, cells[i].ptr);
                cells[i].ptr = NULL;
            } else {
                any = true;
            }
            break;
        case N_LIST: {
            size_t n = scenario_child_count(e, (enum scenario_kind)c->kind);
            struct cell *arr;

            if (n == 0)
                break;
            arr = xcalloc(n * c->entry->n, sizeof(struct cell));
            for (j = 0; j < n; j++)
                fill_map(sv, c->entry, arr + j * c->entry->n,
                    scenario_child_at(e, (enum scenario_kind)c->kind, j));
            cells[i].ptr = arr;
            cells[i].count = n;
            any = true;
            break;
        }
        }
    }
    return any;
}

int
scenario_save(const struct scenario *sc, const char *path, char **cause)
{
    const struct node *top;
    struct cell *cells;
    struct strbuf cylog;
    cyaml_config_t cfg;
    cyaml_err_t err;
    char *out = NULL;
    size_t len = 0;
    int rc;

    struct save_ctx sv;
    const char *slash = strrchr(path, '/');
    char *new_dir = slash == NULL ? xstrdup(".") : slash == path ? xstrdup("/") :
        xstrndup(path, (size_t)(slash - path));

    schema_init();
    sv.sc = sc;
    sv.new_dir = new_dir;
    top = kind_roots[SCENARIO_DEPLOYMENT];
    cells = xcalloc(top->n, sizeof *cells);
    fill_map(&sv, top, cells, scenario_deployment(sc));
    free(new_dir);
    strbuf_init(&cylog);
    cy_config(&cfg, &cylog);
    err = cyaml_save_data(&out, &len, &cfg, &root_schema, cells, 0);
    free_cells_inner(top, cells);
    free(cells);
    if (err != CYAML_OK) {
        rc = cause_set(cause, "%s: cannot write YAML: %s %s", path, cyaml_strerror(err),
            strbuf_str(&cylog));
        strbuf_done(&cylog);
        free(out);
        return rc;
    }
    strbuf_done(&cylog);
    {
        static const char head[] = "# faceaudit scenario (see faceaudit-scenario(5)); written "
            "by faceaudit:\n# comments of the original file are not kept.\n";
        struct strbuf file;

        strbuf_init(&file);
        strbuf_puts(&file, head);
        strbuf_add(&file, out, len);
        rc = fs_write_atomic(path, file.buf, file.len, 0644, cause);
        strbuf_done(&file);
    }
    free(out);
    return rc;
}
