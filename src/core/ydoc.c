/* SPDX-License-Identifier: MIT */
/*
 * ydoc.c - the YAML helper (ydoc.h): libyaml's event parser folded into a
 * tree with positions, with the bounds checked as events arrive, and the
 * small typed accessors the waivers and gate loaders need; and the same
 * parser as a stream of events with positions (ydoc_events_*) for the
 * scenario loader, which walks them against its schema in one pass.
 */
#include "config.h"

#include "faceaudit/ydoc.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

struct yp {
    yaml_parser_t parser;
    const char *file;
    struct ydoc_limits lim;
    size_t nodes;
    char *error;
};

static void
yp_error(struct yp *p, const yaml_mark_t *m, const char *fmt, ...) FA_PRINTF(3, 4);

static void
yp_error(struct yp *p, const yaml_mark_t *m, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (p->error != NULL)
        return;
    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    p->error = xasprintf("%s:%lu:%lu: %s", p->file, (unsigned long)m->line + 1,
        (unsigned long)m->column + 1, msg);
    free(msg);
}

/* The next event, or false with p->error. */
static bool
next(struct yp *p, yaml_event_t *ev)
{
    if (yaml_parser_parse(&p->parser, ev))
        return true;
    yp_error(p, &p->parser.problem_mark, "%s", p->parser.problem != NULL ?
        p->parser.problem : "not valid YAML");
    return false;
}

static struct ydoc *
new_node(struct yp *p, enum ydoc_kind kind, const yaml_event_t *ev)
{
    struct ydoc *d;

    if (++p->nodes > p->lim.max_nodes) {
        yp_error(p, &ev->start_mark, "more than %zu values", p->lim.max_nodes);
        return NULL;
    }
    d = xcalloc(1, sizeof *d);
    d->kind = kind;
    d->line = (unsigned)ev->start_mark.line + 1;
    d->col = (unsigned)ev->start_mark.column + 1;
    return d;
}

static void
push(struct ydoc ***arr, size_t n, struct ydoc *d)
{
    if ((n & (n - 1)) == 0)
        *arr = xreallocarray(*arr, n == 0 ? 1 : 2 * n, sizeof **arr);
    (*arr)[n] = d;
}

static struct ydoc *parse_node(struct yp *p, yaml_event_t *ev, unsigned depth);

static struct ydoc *
parse_scalar(struct yp *p, const yaml_event_t *ev)
{
    struct ydoc *d;

    if (ev->data.scalar.length > p->lim.max_scalar) {
        yp_error(p, &ev->start_mark, "value longer than %zu bytes", p->lim.max_scalar);
        return NULL;
    }
    if ((d = new_node(p, YDOC_SCALAR, ev)) == NULL)
        return NULL;
    d->str = xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
    d->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
    return d;
}

/* A sequence or mapping whose start event is ev; consumes through its end. */
static struct ydoc *
parse_collection(struct yp *p, const yaml_event_t *start, unsigned depth)
{
    bool map = start->type == YAML_MAPPING_START_EVENT;
    struct ydoc *d = new_node(p, map ? YDOC_MAP : YDOC_SEQ, start);
    yaml_event_t ev;

    if (d == NULL)
        return NULL;
    for (;;) {
        struct ydoc *key = NULL, *val;

        if (!next(p, &ev))
            break;
        if (ev.type == (map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT)) {
            yaml_event_delete(&ev);
            return d;
        }
        if (map) {
            if (ev.type != YAML_SCALAR_EVENT) {
                yp_error(p, &ev.start_mark, "a key must be a single value");
                yaml_event_delete(&ev);
                break;
            }
            key = parse_scalar(p, &ev);
            yaml_event_delete(&ev);
            if (key == NULL)
                break;
            if (ydoc_get(d, key->str) != NULL) {
                yaml_mark_t m = { 0, key->line - 1, key->col - 1 };

                yp_error(p, &m, "key '%s' appears twice", key->str);
                ydoc_free(key);
                break;
            }
            if (!next(p, &ev)) {
                ydoc_free(key);
                break;
            }
        }
        val = parse_node(p, &ev, depth + 1);
        yaml_event_delete(&ev);
        if (val == NULL) {
            ydoc_free(key);
            break;
        }
        if (map)
            push(&d->keys, d->n, key);
        push(&d->items, d->n, val);
        d->n++;
    }
    ydoc_free(d);
    return NULL;
}

/* The node starting with event ev (which the caller deletes). */
static struct ydoc *
parse_node(struct yp *p, yaml_event_t *ev, unsigned depth)
{
    if (ev->type == YAML_ALIAS_EVENT || ((ev->type == YAML_SCALAR_EVENT) &&
            ev->data.scalar.anchor != NULL) || (ev->type == YAML_SEQUENCE_START_EVENT &&
            ev->data.sequence_start.anchor != NULL) || (ev->type == YAML_MAPPING_START_EVENT &&
            ev->data.mapping_start.anchor != NULL)) {
        yp_error(p, &ev->start_mark, "anchors and aliases are not supported");
        return NULL;
    }
    if (depth > p->lim.max_depth) {
        yp_error(p, &ev->start_mark, "nesting deeper than %u levels", p->lim.max_depth);
        return NULL;
    }
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        return parse_scalar(p, ev);
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        return parse_collection(p, ev, depth);
    default:
        yp_error(p, &ev->start_mark, "unexpected YAML event");
        return NULL;
    }
}

struct ydoc *
ydoc_parse(const char *text, size_t len, const char *file, const struct ydoc_limits *limits,
    char **cause)
{
    struct yp p;
    struct ydoc *root = NULL;
    yaml_event_t ev;
    bool ok = false;

    memset(&p, 0, sizeof p);
    p.file = file;
    if (limits != NULL)
        p.lim = *limits;
    if (p.lim.max_depth == 0)
        p.lim.max_depth = 16;
    if (p.lim.max_nodes == 0)
        p.lim.max_nodes = 100000;
    if (p.lim.max_scalar == 0)
        p.lim.max_scalar = 65536;
    if (!yaml_parser_initialize(&p.parser))
        fatalx("yaml_parser_initialize failed");
    yaml_parser_set_input_string(&p.parser, (const unsigned char *)text, len);
    if (!next(&p, &ev))
        goto out;
    yaml_event_delete(&ev);  /* stream start */
    if (!next(&p, &ev))
        goto out;
    if (ev.type == YAML_STREAM_END_EVENT) {
        yaml_event_delete(&ev);
        root = xcalloc(1, sizeof *root);
        root->kind = YDOC_SCALAR;
        root->str = xstrdup("");
        root->line = root->col = 1;
        ok = true;
        goto out;
    }
    yaml_event_delete(&ev);  /* document start */
    if (!next(&p, &ev))
        goto out;
    root = parse_node(&p, &ev, 1);
    yaml_event_delete(&ev);
    if (root == NULL || !next(&p, &ev))
        goto out;
    yaml_event_delete(&ev);  /* document end */
    if (!next(&p, &ev))
        goto out;
    if (ev.type != YAML_STREAM_END_EVENT)
        yp_error(&p, &ev.start_mark, "more than one YAML document");
    else
        ok = true;
    yaml_event_delete(&ev);
out:
    yaml_parser_delete(&p.parser);
    if (!ok) {
        ydoc_free(root);
        cause_set(cause, "%s", p.error != NULL ? p.error : "not valid YAML");
        free(p.error);
        return NULL;
    }
    return root;
}

void
ydoc_free(struct ydoc *d)
{
    size_t i;

    if (d == NULL)
        return;
    for (i = 0; i < d->n; i++) {
        ydoc_free(d->items[i]);
        if (d->keys != NULL)
            ydoc_free(d->keys[i]);
    }
    free(d->items);
    free(d->keys);
    free(d->str);
    free(d);
}

const struct ydoc *
ydoc_get(const struct ydoc *map, const char *key)
{
    size_t i;

    if (map == NULL || map->kind != YDOC_MAP)
        return NULL;
    for (i = 0; i < map->n; i++) {
        if (strcmp(map->keys[i]->str, key) == 0)
            return map->items[i];
    }
    return NULL;
}

bool
ydoc_is_null(const struct ydoc *v)
{
    return v->kind == YDOC_SCALAR && !v->quoted && (v->str[0] == '\0' ||
        strcmp(v->str, "~") == 0 || strcasecmp(v->str, "null") == 0);
}

int
ydoc_error(char **cause, const char *file, const struct ydoc *at, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    cause_set(cause, "%s:%u:%u: %s", file, at->line, at->col, msg);
    free(msg);
    return -1;
}

static const char *
kind_name(const struct ydoc *v)
{
    return v->kind == YDOC_MAP ? "a mapping" : v->kind == YDOC_SEQ ? "a list" : "a single value";
}

int
ydoc_check_map(const struct ydoc *v, const char *file, const char *what,
    const char *const *allowed, char **cause)
{
    size_t i, j;

    if (v->kind != YDOC_MAP)
        return ydoc_error(cause, file, v, "%s must be a mapping of keys to values, found %s",
            what, kind_name(v));
    for (i = 0; i < v->n; i++) {
        const char *k = v->keys[i]->str, *hint;

        for (j = 0; allowed[j] != NULL && strcmp(allowed[j], k) != 0; j++)
            ;
        if (allowed[j] != NULL)
            continue;
        hint = str_suggest(k, allowed);
        return ydoc_error(cause, file, v->keys[i], "unknown key '%s' in %s%s%s%s", k, what,
            hint != NULL ? " (did you mean '" : "", hint != NULL ? hint : "",
            hint != NULL ? "'?)" : "");
    }
    return 0;
}

int
ydoc_number(const struct ydoc *v, const char *file, const char *key, double *out,
    char **cause)
{
    char *end;

    if (v->kind != YDOC_SCALAR || v->quoted || v->str[0] == '\0')
        return ydoc_error(cause, file, v, "%s: expected a number, found %s", key,
            v->kind == YDOC_SCALAR ? (v->str[0] == '\0' ? "nothing" : "a string") :
            kind_name(v));
    errno = 0;
    *out = strtod(v->str, &end);
    if (*end != '\0' || errno != 0 || !isfinite(*out) || strpbrk(v->str, "xXnNiI") != NULL)
        return ydoc_error(cause, file, v, "%s: '%s' is not a number", key, v->str);
    return 0;
}

int
ydoc_string(const struct ydoc *v, const char *file, const char *key, size_t minlen,
    size_t maxlen, const char **out, char **cause)
{
    size_t len;

    if (v->kind != YDOC_SCALAR || (ydoc_is_null(v) && minlen > 0))
        return ydoc_error(cause, file, v, "%s: expected a value, found %s", key,
            v->kind == YDOC_SCALAR ? "nothing" : kind_name(v));
    len = strlen(v->str);
    if (len < minlen || len > maxlen)
        return ydoc_error(cause, file, v, "%s: %zu bytes (%zu to %zu allowed)", key, len,
            minlen, maxlen);
    *out = v->str;
    return 0;
}

/* --- events ------------------------------------------------------------------------- */

struct ydoc_events {
    yaml_parser_t parser;
    bool failed;
    char *error;
};

struct ydoc_events *
ydoc_events_new(const char *text, size_t len)
{
    struct ydoc_events *r = xcalloc(1, sizeof *r);

    if (!yaml_parser_initialize(&r->parser))
        fatalx("yaml_parser_initialize failed");
    yaml_parser_set_input_string(&r->parser, (const unsigned char *)text, len);
    return r;
}

bool
ydoc_events_next(struct ydoc_events *r, struct ydoc_event *ev)
{
    static const enum ydoc_ev_type types[] = {
        [YAML_NO_EVENT] = YDOC_EV_NONE, [YAML_STREAM_START_EVENT] = YDOC_EV_STREAM_START,
        [YAML_STREAM_END_EVENT] = YDOC_EV_STREAM_END,
        [YAML_DOCUMENT_START_EVENT] = YDOC_EV_DOC_START,
        [YAML_DOCUMENT_END_EVENT] = YDOC_EV_DOC_END, [YAML_ALIAS_EVENT] = YDOC_EV_ALIAS,
        [YAML_SCALAR_EVENT] = YDOC_EV_SCALAR, [YAML_SEQUENCE_START_EVENT] = YDOC_EV_SEQ_START,
        [YAML_SEQUENCE_END_EVENT] = YDOC_EV_SEQ_END,
        [YAML_MAPPING_START_EVENT] = YDOC_EV_MAP_START,
        [YAML_MAPPING_END_EVENT] = YDOC_EV_MAP_END,
    };
    yaml_event_t e;

    memset(ev, 0, sizeof *ev);
    if (r->failed || !yaml_parser_parse(&r->parser, &e)) {
        r->failed = true;
        return false;
    }
    ev->type = (size_t)e.type < FA_NITEMS(types) ? types[e.type] : YDOC_EV_NONE;
    ev->line = (unsigned)e.start_mark.line + 1;
    ev->col = (unsigned)e.start_mark.column + 1;
    ev->start = e.start_mark.index;
    ev->end = e.end_mark.index;
    switch (e.type) {
    case YAML_SCALAR_EVENT:
        /* the text changes hands: libyaml allocated it with malloc (yaml_malloc) */
        ev->str = (char *)e.data.scalar.value;
        ev->len = e.data.scalar.length;
        e.data.scalar.value = NULL;
        ev->plain = e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        ev->anchor = e.data.scalar.anchor != NULL;
        break;
    case YAML_SEQUENCE_START_EVENT:
        ev->anchor = e.data.sequence_start.anchor != NULL;
        break;
    case YAML_MAPPING_START_EVENT:
        ev->anchor = e.data.mapping_start.anchor != NULL;
        break;
    default:
        break;
    }
    yaml_event_delete(&e);
    return true;
}

const char *
ydoc_events_error(struct ydoc_events *r, unsigned *line, unsigned *col)
{
    const yaml_parser_t *p = &r->parser;

    *line = (unsigned)p->problem_mark.line + 1;
    *col = (unsigned)p->problem_mark.column + 1;
    if (r->error == NULL) {
        if (p->problem == NULL)
            r->error = xstrdup("malformed document");
        else if (p->context != NULL)
            r->error = xasprintf("%s %s", p->problem, p->context);
        else
            r->error = xstrdup(p->problem);
    }
    return r->error;
}

void
ydoc_events_free(struct ydoc_events *r)
{
    if (r == NULL)
        return;
    yaml_parser_delete(&r->parser);
    free(r->error);
    free(r);
}

void
ydoc_event_done(struct ydoc_event *ev)
{
    free(ev->str);
    memset(ev, 0, sizeof *ev);
}
