/* SPDX-License-Identifier: MIT */
/*
 * scenario_schema.c - the YAML schema of a scenario, generated once from the
 * fact table: the tree of mappings, values and lists (scenario_yaml_int.h),
 * the libcyaml schema built over it, and the libcyaml configuration.
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/log.h"
#include "faceaudit/scenario.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "scenario_int.h"
#include "scenario_yaml_int.h"

struct node *scenario_kind_roots[SCENARIO_KIND_COUNT];
cyaml_schema_value_t scenario_root_schema;
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
        scenario_kind_roots[k] = node_new(N_MAP, NULL);
        scenario_kind_roots[k]->kind = k;
    }
    /* the format version first, so that saved files start with it */
    tree_insert(scenario_kind_roots[SCENARIO_DEPLOYMENT], "faceaudit", N_SCALAR)->def =
        scenario_fact_lookup(SCENARIO_DEPLOYMENT, "faceaudit");
    for (i = 0; i < nf; i++) {
        const struct fact_def *d = scenario_fact_at(i);
        struct node *leaf;

        if ((d->flags & FACT_F_COMPUTED) ||
            (d->kind == SCENARIO_DEPLOYMENT && strcmp(d->path, "faceaudit") == 0))
            continue;
        leaf = tree_insert(scenario_kind_roots[d->kind], d->path, d->type == FACT_SET ? N_SET : N_SCALAR);
        leaf->def = d;
    }
    for (i = 0; i < scenario_ncollections; i++) {
        const struct scenario_collection *c = &scenario_collections[i];
        struct node *l = tree_insert(scenario_kind_roots[c->parent], c->path, N_LIST);

        l->entry = scenario_kind_roots[c->kind];
        l->kind = (int)c->kind;
        l->max = c->max;
    }
    node_schema(scenario_kind_roots[SCENARIO_DEPLOYMENT]);
    scenario_root_schema = scenario_kind_roots[SCENARIO_DEPLOYMENT]->value;
    scenario_root_schema.flags = CYAML_FLAG_POINTER;
}

void
scenario_schema_init(void)
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

void
scenario_cy_config(cyaml_config_t *cfg, struct strbuf *log)
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
