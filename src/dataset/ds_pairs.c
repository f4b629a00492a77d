/* SPDX-License-Identifier: MIT */
/*
 * ds_pairs.c - a labelled list of pairs as a CSV file (libcsv): any number
 * of genuine and impostor pairs, in any balance. The first row names the
 * columns; by default "a", "b" and "same" (the pair's two image paths and
 * whether they show the same person), or any three named with the column
 * mapping (`eval --pair-columns file_x,file_y,Decision`, as public sets
 * ship them). Other columns are ignored. "same" is 1/0, true/false,
 * yes/no, y/n, same/different, match/mismatch or genuine/impostor, in any
 * case. Paths resolve as in the CSV manifest ($FACEAUDIT_DATA/...,
 * relative to the file's folder, or absolute). Items are the distinct
 * images in order of first mention. Identities are implied by the labels:
 * images joined by genuine pairs are one subject (for the subject-level
 * bootstrap); an impostor pair inside one such identity is an error. Errors
 * name file:line and the column.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "faceaudit/csvr.h"
#include "faceaudit/dataset.h"
#include "faceaudit/hash.h"
#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "dataset_int.h"

#define PAIRS_DEFAULT_COLUMNS "a,b,same"

struct pairs_state {
    char *file, *dir;
    size_t max_items;
    char *names[3];           /* the column names looked for: a, b, same */
    int col[3];               /* their field indices */
    unsigned row_line;
    bool header_done;
    char **fields;            /* the current row's (the reader's strings, trimmed in place) */
    size_t nfields;
    char *error;
    struct ds_item *items;
    size_t nitems, next;
    struct hash index;        /* rel -> item index + 1 (as uintptr_t) */
    struct ds_pair *pairs;
    unsigned *pair_lines;
    size_t npairs;
};

static void
pairs_state_free(struct pairs_state *st)
{
    size_t i;

    for (i = st->next; i < st->nitems; i++)
        ds_item_done(&st->items[i]);
    free(st->items);
    hash_done(&st->index);
    free(st->pairs);
    free(st->pair_lines);
    for (i = 0; i < 3; i++)
        free(st->names[i]);
    free(st->error);
    free(st->file);
    free(st->dir);
    free(st);
}

static void
perr(struct pairs_state *st, int which, const char *fmt, ...) FA_PRINTF(3, 4);

/* The first error as "file:line: column N (name): message". */
static void
perr(struct pairs_state *st, int which, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (st->error != NULL)
        return;
    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    if (which < 0)
        st->error = xasprintf("%s:%u: %s", st->file, st->row_line, msg);
    else
        st->error = xasprintf("%s:%u: column %d (%s): %s", st->file, st->row_line,
            st->col[which] + 1, st->names[which], msg);
    free(msg);
}

/* 1 genuine, 0 impostor, -1 not a label. */
static int
parse_same(const char *v)
{
    static const char *const yes[] = { "1", "true", "yes", "y", "same", "match", "genuine",
        "mated", NULL };
    static const char *const no[] = { "0", "false", "no", "n", "different", "mismatch",
        "impostor", "non-mated", "nonmated", NULL };
    size_t i;

    for (i = 0; yes[i] != NULL; i++)
        if (strcasecmp(v, yes[i]) == 0)
            return 1;
    for (i = 0; no[i] != NULL; i++)
        if (strcasecmp(v, no[i]) == 0)
            return 0;
    return -1;
}

static void
do_header(struct pairs_state *st)
{
    size_t i;
    int k;

    st->header_done = true;
    for (k = 0; k < 3; k++)
        st->col[k] = -1;
    for (i = 0; i < st->nfields; i++) {
        const char *h = str_trim(st->fields[i]);

        for (k = 0; k < 3; k++) {
            if (strcasecmp(h, st->names[k]) != 0)
                continue;
            if (st->col[k] != -1) {
                perr(st, -1, "column '%s' appears twice (columns %d and %zu)", st->names[k],
                    st->col[k] + 1, i + 1);
                return;
            }
            st->col[k] = (int)i;
        }
    }
    for (k = 0; k < 3; k++) {
        if (st->col[k] == -1) {
            perr(st, -1, "no column '%s' in the header (the pair columns are %s,%s,%s; name "
                "others with --pair-columns A,B,SAME)", st->names[k], st->names[0],
                st->names[1], st->names[2]);
            return;
        }
    }
}

/* Index of an image path, added on first mention; SIZE_MAX on error. */
static size_t
image_of(struct pairs_state *st, int which, const char *rel)
{
    uintptr_t v = (uintptr_t)hash_get(&st->index, rel);
    struct ds_item it;
    char *msg = NULL;

    if (v != 0)
        return (size_t)(v - 1);
    if (st->nitems == st->max_items) {
        perr(st, -1, "more than %zu images (the limit; raise it with --max-images)",
            st->max_items);
        return SIZE_MAX;
    }
    if (ds_item_init(&it, st->dir, rel, NULL, st->row_line, &msg) < 0) {
        perr(st, which, "%s", msg);
        free(msg);
        return SIZE_MAX;
    }
    st->items = xreallocarray(st->items, st->nitems + 1, sizeof *st->items);
    st->items[st->nitems] = it;
    hash_put(&st->index, rel, (void *)(uintptr_t)(st->nitems + 1));
    return st->nitems++;
}

static void
do_row(struct pairs_state *st)
{
    const char *v[3];
    size_t a, b;
    int k, same;

    if (st->nfields == 1 && *str_trim(st->fields[0]) == '\0')
        return; /* a blank line */
    for (k = 0; k < 3; k++) {
        if ((size_t)st->col[k] >= st->nfields) {
            perr(st, -1, "%zu field(s), the header has column '%s' at %d", st->nfields,
                st->names[k], st->col[k] + 1);
            return;
        }
        v[k] = str_trim(st->fields[st->col[k]]);
        if (*v[k] == '\0') {
            perr(st, k, "empty value");
            return;
        }
    }
    if ((same = parse_same(v[2])) == -1) {
        perr(st, 2, "'%s' is not a label (1/0, true/false, yes/no, same/different, "
            "match/mismatch, genuine/impostor)", v[2]);
        return;
    }
    if (strcmp(v[0], v[1]) == 0) {
        perr(st, 1, "the pair compares '%s' with itself", v[0]);
        return;
    }
    if ((a = image_of(st, 0, v[0])) == SIZE_MAX || (b = image_of(st, 1, v[1])) == SIZE_MAX)
        return;
    st->pairs = xreallocarray(st->pairs, st->npairs + 1, sizeof *st->pairs);
    st->pair_lines = xreallocarray(st->pair_lines, st->npairs + 1, sizeof *st->pair_lines);
    st->pairs[st->npairs] = (struct ds_pair){ a, b, same == 1, 0 };
    st->pair_lines[st->npairs++] = st->row_line;
}

static size_t
uf_find(size_t *parent, size_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

/* Subjects implied by the labels; an impostor pair inside one identity is an error. */
static void
imply_subjects(struct pairs_state *st)
{
    size_t *parent = xmalloc((st->nitems + 1) * sizeof *parent), i;

    for (i = 0; i < st->nitems; i++)
        parent[i] = i;
    for (i = 0; i < st->npairs; i++) {
        if (st->pairs[i].genuine) {
            size_t ra = uf_find(parent, st->pairs[i].a), rb = uf_find(parent, st->pairs[i].b);

            /* the root is the earliest image, so names do not depend on the row order */
            if (ra < rb)
                parent[rb] = ra;
            else
                parent[ra] = rb;
        }
    }
    for (i = 0; i < st->npairs && st->error == NULL; i++) {
        if (!st->pairs[i].genuine && uf_find(parent, st->pairs[i].a) ==
            uf_find(parent, st->pairs[i].b)) {
            st->row_line = st->pair_lines[i];
            perr(st, 2, "'%s' and '%s' are labelled different, but genuine pairs make them "
                "the same person", st->items[st->pairs[i].a].rel,
                st->items[st->pairs[i].b].rel);
        }
    }
    for (i = 0; i < st->nitems; i++)
        st->items[i].subject = xasprintf("id%zu", uf_find(parent, i) + 1);
    free(parent);
}

static bool
pairs_probe(const char *path)
{
    char head[256];
    FILE *f;
    size_t n;
    bool ok = false;

    if (!str_has_suffix(path, ".csv") && !str_has_suffix(path, ".CSV"))
        return false;
    if ((f = fopen(path, "rb")) == NULL)
        return false;
    n = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    head[n] = '\0';
    head[strcspn(head, "\r\n")] = '\0';
    ok = strcmp(head, PAIRS_DEFAULT_COLUMNS) == 0 ||
        strcmp(head, "\xef\xbb\xbf" PAIRS_DEFAULT_COLUMNS) == 0;
    return ok;
}

/* One row of the pairs file (ds_csv_rows): the header first, then pairs. */
static bool
pairs_row(void *ctx, const struct csvr_row *row)
{
    struct pairs_state *st = ctx;

    st->row_line = row->line;
    st->fields = row->fields;
    st->nfields = row->n;
    if (row->too_long > 0)
        perr(st, -1, "field %zu: value longer than %u bytes", row->too_long, DS_MAX_FIELD);
    else if (!st->header_done)
        do_header(st);
    else
        do_row(st);
    st->fields = NULL;
    st->nfields = 0;
    return st->error == NULL;
}

static void *
pairs_open(const char *path, const struct ds_options *opt, char **cause)
{
    struct pairs_state *st;
    const char *cols = opt->pair_columns != NULL ? opt->pair_columns : PAIRS_DEFAULT_COLUMNS;
    char *copy, *save = NULL, *tok, *err = NULL;
    int k = 0;

    st = xcalloc(1, sizeof *st);
    copy = xstrdup(cols);
    for (tok = strtok_r(copy, ",", &save); tok != NULL && k < 4; tok = strtok_r(NULL, ",",
             &save))
        if (k++ < 3)
            st->names[k - 1] = xstrdup(str_trim(tok));
    free(copy);
    if (k != 3 || *st->names[0] == '\0' || *st->names[1] == '\0' || *st->names[2] == '\0') {
        cause_set(cause, "--pair-columns: '%s' is not three column names A,B,SAME", cols);
        pairs_state_free(st);
        return NULL;
    }
    st->file = xstrdup(path);
    st->dir = ds_dirname(path);
    st->max_items = opt->max_items != 0 ? opt->max_items : DS_MAX_ITEMS_DEFAULT;
    hash_init(&st->index, NULL);
    if (ds_csv_rows(path, 256, pairs_row, st, &err) < 0)
        st->error = err;
    if (st->error == NULL && !st->header_done)
        st->error = xasprintf("%s:1: empty pairs file (the first row names the columns: %s)",
            path, cols);
    else if (st->error == NULL && st->npairs == 0)
        st->error = xasprintf("%s: no pairs after the header", path);
    if (st->error == NULL)
        imply_subjects(st);
    if (st->error != NULL) {
        cause_set(cause, "%s", st->error);
        pairs_state_free(st);
        return NULL;
    }
    return st;
}

static int
pairs_next(void *state, struct ds_item *item, char **cause)
{
    struct pairs_state *st = state;

    if (st->next == st->nitems)
        return 0;
    *item = st->items[st->next++];
    return 1;
}

static int
pairs_pairs(void *state, struct ds_pair **pairs, size_t *npairs, unsigned *nfolds,
    char **cause)
{
    struct pairs_state *st = state;

    *pairs = st->pairs;
    *npairs = st->npairs;
    *nfolds = 0;
    st->pairs = NULL;
    st->npairs = 0;
    return 0;
}

static void
pairs_close(void *state)
{
    pairs_state_free(state);
}

const struct ds_format ds_format_pairs = {
    "pairs", "labelled pairs CSV: a,b,same (or --pair-columns A,B,SAME), any class balance",
    pairs_probe, pairs_open, pairs_next, pairs_pairs, NULL, pairs_close
};
