/* SPDX-License-Identifier: MIT */
/*
 * rule_facts.c - the fact tree the evaluator reads: one object per schema
 * entity, one struct fact per field, each known or unknown, with the source
 * location it came from. All memory of a tree lives in one arena freed by
 * facts_free(). facts_set() addresses facts by path
 * ("sites[0].zones[0].devices[1].location") and is how the golden tests and
 * the scenario adapter fill the tree.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rule/rule_int.h"

#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

/* Allocate zeroed memory owned by the tree. */
void *
facts_alloc(struct facts *f, size_t size)
{
    void *p = xcalloc(1, size);

    vec_push(&f->arena, p);
    return p;
}

/* Copy a string into the tree's arena. */
const char *
facts_strdup(struct facts *f, const char *s)
{
    char *p = xstrdup(s);

    vec_push(&f->arena, p);
    return p;
}

/* A new object of entity e with every field unknown. */
struct fobj *
facts_new_obj(struct facts *f, const struct schema_entity *e, struct fobj *parent)
{
    struct fobj *o = facts_alloc(f, sizeof *o);

    o->type = e;
    o->parent = parent;
    o->f = facts_alloc(f, e->nfields * sizeof *o->f);
    return o;
}

/* Append o to a list of the tree. */
void
facts_list_push(struct facts *f, struct flist *l, struct fobj *o)
{
    if (l->n == l->cap) {
        struct fobj **items;

        l->cap = l->cap ? l->cap * 2 : 8;
        items = facts_alloc(f, l->cap * sizeof *items);
        if (l->n > 0)
            memcpy(items, l->items, l->n * sizeof *items);
        l->items = items;  /* the old array stays in the arena until facts_free */
    }
    l->items[l->n++] = o;
}

/* An empty tree: the root and its singleton entities, all facts unknown. */
struct facts *
facts_new(void)
{
    struct facts *f = xcalloc(1, sizeof *f);
    size_t i;

    vec_init(&f->arena, free);
    f->root = facts_new_obj(f, &schema_root, NULL);
    for (i = 0; i < schema_root.nfields; i++) {
        const struct schema_field *sf = &schema_root.fields[i];

        f->root->f[i].known = true;
        if (sf->type == FT_OBJ)
            f->root->f[i].u.obj = facts_new_obj(f, sf->ent, f->root);
        else
            f->root->f[i].u.list = facts_alloc(f, sizeof(struct flist));
    }
    return f;
}

/* Free a tree and everything in it. */
void
facts_free(struct facts *f)
{
    if (f == NULL)
        return;
    vec_done(&f->arena);
    free(f);
}

static struct fobj *
new_element(struct facts *f, struct fobj *parent, const struct schema_field *lf, size_t index)
{
    struct fobj *o = facts_new_obj(f, lf->ent, parent);
    const struct schema_entity *e = lf->ent;
    int si, zi, ii;
    const char *pid = NULL;

    if (parent->type->idfield >= 0 && parent->f[parent->type->idfield].known)
        pid = parent->f[parent->type->idfield].u.s;
    /* links to the enclosing site and zone */
    if (schema_field_find(e, "site", &si) != NULL) {
        struct fobj *site = strcmp(parent->type->name, "site") == 0 ? parent : NULL;
        int psi;

        if (site == NULL && schema_field_find(parent->type, "site", &psi) != NULL &&
            parent->f[psi].known)
            site = parent->f[psi].u.obj;
        if (site != NULL) {
            o->f[si].known = true;
            o->f[si].u.obj = site;
        }
    }
    if (schema_field_find(e, "zone", &zi) != NULL && strcmp(parent->type->name, "zone") == 0) {
        o->f[zi].known = true;
        o->f[zi].u.obj = parent;
    }
    if (schema_field_find(e, "id", &ii) != NULL) {
        char *id = pid != NULL ? xasprintf("%s/%c%zu", pid, e->name[0], index + 1) :
            xasprintf("%c%zu", e->name[0], index + 1);

        o->f[ii].known = true;
        o->f[ii].u.s = facts_strdup(f, id);
        free(id);
    }
    return o;
}

static int
parse_value(struct facts *f, const struct schema_field *sf, const char *value, struct fact *out,
    char **cause)
{
    char *end;

    if (strcmp(value, "unknown") == 0) {
        out->known = false;
        return 0;
    }
    switch (sf->type) {
    case FT_BOOL:
        if (strcmp(value, "true") == 0 || strcmp(value, "yes") == 0)
            out->u.b = true;
        else if (strcmp(value, "false") == 0 || strcmp(value, "no") == 0)
            out->u.b = false;
        else
            return cause_set(cause, "'%s' is not a boolean (true, false or unknown)", value);
        break;
    case FT_INT: {
        long long v;

        errno = 0;
        v = strtoll(value, &end, 10);
        if (errno != 0 || end == value || *end != '\0' || v < 0)
            return cause_set(cause, "'%s' is not a non-negative integer", value);
        out->u.i = v;
        break;
    }
    case FT_DATE: {
        char *c2 = NULL;

        if (strcmp(value, "none") == 0) {
            out->u.d = FA_DATE_NONE;  /* known: the event did not happen */
            break;
        }
        if (date_parse(value, &out->u.d, &c2) != 0) {
            cause_set(cause, "%s", c2);
            free(c2);
            return -1;
        }
        break;
    }
    case FT_STRING:
        out->u.s = facts_strdup(f, value);
        break;
    case FT_SYMBOL: {
        int i = schema_symbol_index(sf->symbols, value);

        if (i < 0) {
            const char *hint = str_suggest(value, sf->symbols);

            if (hint != NULL)
                return cause_set(cause, "'%s' is not a value of %s (did you mean '%s'?)",
                    value, sf->name, hint);
            return cause_set(cause, "'%s' is not a value of %s", value, sf->name);
        }
        out->u.sym = i;
        break;
    }
    default:
        return cause_set(cause, "%s is not a leaf fact", sf->name);
    }
    out->known = true;
    return 0;
}

/* Set one fact from text (see rule.h); creates list elements as needed. */
int
facts_set(struct facts *f, const char *path, const char *value, const char *where,
    char **cause)
{
    struct fobj *o = f->root;
    char *copy = xstrdup(path), *seg, *save = NULL;
    int rc = -1;

    for (seg = strtok_r(copy, ".", &save); seg != NULL; seg = strtok_r(NULL, ".", &save)) {
        char *br = strchr(seg, '[');
        const struct schema_field *sf;
        int idx;
        long n = -1;

        if (br != NULL) {
            char *end;

            *br = '\0';
            n = strtol(br + 1, &end, 10);
            if (end == br + 1 || *end != ']' || end[1] != '\0' || n < 0) {
                cause_set(cause, "%s: bad index in '%s['", path, seg);
                goto out;
            }
        }
        sf = schema_field_find(o->type, seg, &idx);
        if (sf == NULL) {
            const char *hint = str_suggest(seg, schema_field_names(o->type));

            if (hint != NULL)
                cause_set(cause, "%s: %s has no fact '%s' (did you mean '%s'?)", path,
                    o->type->name, seg, hint);
            else
                cause_set(cause, "%s: %s has no fact '%s'", path, o->type->name, seg);
            goto out;
        }
        if (sf->type == FT_LIST) {
            struct flist *l = o->f[idx].u.list;

            if (o == f->root && strcmp(seg, "sites") != 0) {
                cause_set(cause, "%s: '%s' is computed from sites[].zones[]; set it through "
                    "sites[N].zones[N]", path, seg);
                goto out;
            }
            if (l == NULL) {
                l = facts_alloc(f, sizeof *l);
                o->f[idx].known = true;
                o->f[idx].u.list = l;
            }
            if (n < 0 || n > 100000 || (size_t)n > l->n) {
                cause_set(cause, "%s: '%s' needs an index 0..%zu", path, seg, l->n);
                goto out;
            }
            if ((size_t)n == l->n)
                facts_list_push(f, l, new_element(f, o, sf, (size_t)n));
            o = l->items[n];
            continue;
        }
        if (n >= 0) {
            cause_set(cause, "%s: '%s' is not a list", path, seg);
            goto out;
        }
        if (sf->type == FT_OBJ) {
            if (!o->f[idx].known) {
                cause_set(cause, "%s: '%s' is a link, set by the tree", path, seg);
                goto out;
            }
            o = o->f[idx].u.obj;
            continue;
        }
        if (strtok_r(NULL, ".", &save) != NULL) {
            cause_set(cause, "%s: '%s' is a fact, not an object", path, seg);
            goto out;
        }
        if (parse_value(f, sf, value, &o->f[idx], cause) != 0) {
            cause_prefix(cause, "%s", path);
            goto out;
        }
        o->f[idx].where = where != NULL ? facts_strdup(f, where) : NULL;
        rc = 0;
        goto out;
    }
    cause_set(cause, "%s: names an object, not a fact", path);
out:
    free(copy);
    return rc;
}

/* Count the devices of every zone of every site. */
size_t
facts_ndevices(const struct facts *f)
{
    const struct flist *sites = f->root->f[ROOT_SITES].u.list;
    size_t i, j, n = 0;

    for (i = 0; i < sites->n; i++) {
        const struct flist *zones = sites->items[i]->f[SITE_ZONES].u.list;

        for (j = 0; zones != NULL && j < zones->n; j++) {
            const struct flist *devs = zones->items[j]->f[ZONE_DEVICES].u.list;

            n += devs != NULL ? devs->n : 0;
        }
    }
    return n;
}
