/* SPDX-License-Identifier: MIT */
/*
 * ds_csv.c - the CSV manifest, read with core's CSV reader (csvr.h: libcsv,
 * rows with their lines). The first row names the columns, in any order:
 *
 *   path      required: image path ($FACEAUDIT_DATA/..., or relative to the
 *             manifest's folder, or absolute)
 *   subject   identity label (required for verification and identification)
 *   box       face boxes "x y w h" in pixels, several separated by ';'
 *             (a box prefixed with '!' is an ignore region); an empty cell
 *             with the column present means "no face in this image"
 *   age_band  0-13, 14-17, 18-29, 30-49, 50-64, 65+ (empty or "unknown": unknown)
 *   sex       F, M, X (empty or "unknown": unknown)
 *   capture   free capture attributes, e.g. "indoor;frontal;glasses"
 *
 * Every error names file:line and the column. A path listed twice is an
 * error. Rows must have as many fields as the header.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/csvr.h"
#include "faceaudit/dataset.h"
#include "faceaudit/hash.h"
#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "dataset_int.h"

enum csv_col { COL_PATH, COL_SUBJECT, COL_BOX, COL_AGE, COL_SEX, COL_CAPTURE, COL_N };

static const char *const col_names[] = { "path", "subject", "box", "age_band", "sex", "capture",
    NULL };

struct csv_state {
    char *file;
    char *dir;
    size_t max_items;
    /* parse state */
    unsigned row_line;        /* line of the current row's first field */
    bool header_done;
    int colmap[32];           /* field index -> enum csv_col */
    size_t ncols;
    bool have[COL_N];
    char **fields;            /* current row (borrowed from the reader) */
    size_t nfields;
    size_t cap;               /* of items */
    char *error;
    /* result */
    struct ds_item *items;
    size_t nitems, next;
    struct hash paths;        /* rel -> line (as uintptr_t) */
};

static void
csv_state_free(struct csv_state *st)
{
    size_t i;

    for (i = st->next; i < st->nitems; i++)
        ds_item_done(&st->items[i]);
    free(st->items);
    hash_done(&st->paths);
    free(st->error);
    free(st->file);
    free(st->dir);
    free(st);
}

static void
row_error(struct csv_state *st, size_t field, const char *fmt, ...) FA_PRINTF(3, 4);

/* Record the first error as "file:line: column N (name): message". */
static void
row_error(struct csv_state *st, size_t field, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (st->error != NULL)
        return;
    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    if (field == (size_t)-1)
        st->error = xasprintf("%s:%u: %s", st->file, st->row_line, msg);
    else
        st->error = xasprintf("%s:%u: column %zu (%s): %s", st->file, st->row_line, field + 1,
            field < st->ncols ? col_names[st->colmap[field]] : "extra", msg);
    free(msg);
}

static bool
has_control(const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '\t' || *s == '\n' || *s == '\r')
            return true;
    }
    return false;
}

/* Parse "x y w h[; x y w h...]" into boxes; returns 0 or -1 with *msg. */
static int
parse_boxes(const char *text, struct ds_box **boxes, size_t *nboxes, char **msg)
{
    char *copy = xstrdup(text), *save = NULL, *tok;
    size_t n = 0;

    *boxes = NULL;
    for (tok = strtok_r(copy, ";", &save); tok != NULL; tok = strtok_r(NULL, ";", &save)) {
        struct ds_box b = { 0, 0, 0, 0, false };
        double v[4];
        char *p = str_trim(tok), *end;
        int i;

        if (*p == '\0')
            continue;
        if (*p == '!') {
            b.ignore = true;
            p++;
        }
        for (i = 0; i < 4; i++) {
            errno = 0;
            v[i] = strtod(p, &end);
            if (end == p || errno != 0 || !isfinite(v[i])) {
                *msg = xasprintf("box %zu: expected 4 numbers \"x y w h\", got \"%s\"", n + 1,
                    tok);
                goto fail;
            }
            p = end;
        }
        while (isspace((unsigned char)*p))
            p++;
        if (*p != '\0') {
            *msg = xasprintf("box %zu: trailing text \"%s\" after \"x y w h\"", n + 1, p);
            goto fail;
        }
        if (v[2] <= 0 || v[3] <= 0) {
            *msg = xasprintf("box %zu: width and height must be positive", n + 1);
            goto fail;
        }
        if (n == DS_MAX_BOXES) {
            *msg = xasprintf("more than %u boxes", DS_MAX_BOXES);
            goto fail;
        }
        b.x = v[0];
        b.y = v[1];
        b.w = v[2];
        b.h = v[3];
        *boxes = xreallocarray(*boxes, n + 1, sizeof **boxes);
        (*boxes)[n++] = b;
    }
    free(copy);
    *nboxes = n;
    return 0;
fail:
    free(copy);
    free(*boxes);
    *boxes = NULL;
    return -1;
}

static char *
norm_choice(const char *v, const char *const *allowed, bool upper)
{
    char buf[16];
    size_t i;

    if (*v == '\0' || strcmp(v, "unknown") == 0)
        return xstrdup("");
    if (strlen(v) >= sizeof buf)
        return NULL;
    for (i = 0; v[i] != '\0'; i++)
        buf[i] = upper ? (char)toupper((unsigned char)v[i]) : v[i];
    buf[i] = '\0';
    for (i = 0; allowed[i] != NULL; i++) {
        if (strcmp(buf, allowed[i]) == 0)
            return xstrdup(allowed[i]);
    }
    return NULL;
}

static void
do_header(struct csv_state *st)
{
    size_t i;

    if (st->nfields > FA_NITEMS(st->colmap)) {
        row_error(st, (size_t)-1, "%zu columns; at most %zu", st->nfields,
            FA_NITEMS(st->colmap));
        return;
    }
    for (i = 0; i < st->nfields; i++) {
        const char *name = str_trim(st->fields[i]);
        int c;

        for (c = 0; c < COL_N; c++) {
            if (strcmp(name, col_names[c]) == 0)
                break;
        }
        if (c == COL_N) {
            const char *hint = str_suggest(name, col_names);

            st->error = xasprintf("%s:%u: column %zu: unknown column '%s'%s%s%s (columns: "
                "path, subject, box, age_band, sex, capture)", st->file, st->row_line, i + 1,
                name, hint != NULL ? " (did you mean '" : "", hint != NULL ? hint : "",
                hint != NULL ? "'?)" : "");
            return;
        }
        if (st->have[c]) {
            st->error = xasprintf("%s:%u: column %zu: column '%s' appears twice", st->file,
                st->row_line, i + 1, name);
            return;
        }
        st->have[c] = true;
        st->colmap[i] = c;
    }
    st->ncols = st->nfields;
    if (!st->have[COL_PATH])
        st->error = xasprintf("%s:%u: no 'path' column in the header (the first row names "
            "the columns: path, subject, box, age_band, sex, capture)", st->file, st->row_line);
    st->header_done = true;
}

static void
do_row(struct csv_state *st)
{
    struct ds_item it;
    size_t i;
    char *msg = NULL;
    void *prev;

    if (st->nfields != st->ncols) {
        row_error(st, (size_t)-1, "%zu fields, but the header has %zu columns", st->nfields,
            st->ncols);
        return;
    }
    if (st->nitems == st->max_items) {
        row_error(st, (size_t)-1, "more than %zu images (the limit; raise it with "
            "--max-images)", st->max_items);
        return;
    }
    memset(&it, 0, sizeof it);
    it.line = st->row_line;
    for (i = 0; i < st->nfields; i++) {
        char *v = str_trim(st->fields[i]);
        int c = st->colmap[i];

        if (c != COL_BOX && has_control(v)) {
            row_error(st, i, "tab or line break inside the value");
            goto fail;
        }
        switch (c) {
        case COL_PATH:
            if (*v == '\0') {
                row_error(st, i, "empty path");
                goto fail;
            }
            it.rel = xstrdup(v);
            break;
        case COL_SUBJECT:
            it.subject = xstrdup(v);
            break;
        case COL_BOX:
            it.has_boxes = true;
            if (parse_boxes(v, &it.boxes, &it.nboxes, &msg) == -1) {
                row_error(st, i, "%s", msg);
                free(msg);
                goto fail;
            }
            break;
        case COL_AGE:
            if ((it.age_band = norm_choice(v, ds_age_bands, false)) == NULL) {
                row_error(st, i, "bad age band '%s' (0-13, 14-17, 18-29, 30-49, 50-64, 65+ or "
                    "unknown)", v);
                goto fail;
            }
            break;
        case COL_SEX:
            if ((it.sex = norm_choice(v, ds_sexes, true)) == NULL) {
                row_error(st, i, "bad sex '%s' (F, M, X or unknown)", v);
                goto fail;
            }
            break;
        case COL_CAPTURE:
            it.capture = xstrdup(v);
            break;
        default:
            break;
        }
    }
    if ((prev = hash_get(&st->paths, it.rel)) != NULL) {
        row_error(st, 0, "'%s' is already listed on line %u", it.rel,
            (unsigned)(uintptr_t)prev);
        goto fail;
    }
    if ((it.path = ds_resolve_path(st->dir, it.rel, &msg)) == NULL) {
        row_error(st, 0, "%s", msg);
        free(msg);
        goto fail;
    }
    hash_put(&st->paths, it.rel, (void *)(uintptr_t)it.line);
    if (it.subject == NULL)
        it.subject = xstrdup("");
    if (it.age_band == NULL)
        it.age_band = xstrdup("");
    if (it.sex == NULL)
        it.sex = xstrdup("");
    if (it.capture == NULL)
        it.capture = xstrdup("");
    if (st->nitems == st->cap) {
        st->cap = st->cap == 0 ? 64 : st->cap * 2;
        st->items = xreallocarray(st->items, st->cap, sizeof *st->items);
    }
    st->items[st->nitems++] = it;
    return;
fail:
    ds_item_done(&it);
}

static bool
csv_probe(const char *path)
{
    return str_has_suffix(path, ".csv") || str_has_suffix(path, ".CSV");
}

/* One row of the manifest (ds_csv_rows): the header first, then items. */
static bool
csv_row(void *ctx, const struct csvr_row *row)
{
    struct csv_state *st = ctx;

    /* the row's strings stay the reader's; do_header and do_row trim them in place */
    st->row_line = row->line;
    st->fields = row->fields;
    st->nfields = row->n;
    if (row->too_long > 0)
        row_error(st, row->too_long - 1, "value longer than %u bytes", DS_MAX_FIELD);
    else if (!st->header_done)
        do_header(st);
    else
        do_row(st);
    st->fields = NULL;
    st->nfields = 0;
    return st->error == NULL;
}

static void *
csv_open(const char *path, const struct ds_options *opt, char **cause)
{
    struct csv_state *st;
    char *err = NULL;

    st = xcalloc(1, sizeof *st);
    st->file = xstrdup(path);
    st->dir = ds_dirname(path);
    st->max_items = opt->max_items != 0 ? opt->max_items : DS_MAX_ITEMS_DEFAULT;
    hash_init(&st->paths, NULL);
    if (ds_csv_rows(path, 64, csv_row, st, &err) < 0)
        st->error = err;
    if (st->error == NULL && !st->header_done)
        st->error = xasprintf("%s:1: empty manifest (the first row names the columns: path, "
            "subject, box, age_band, sex, capture)", path);
    if (st->error != NULL) {
        cause_set(cause, "%s", st->error);
        csv_state_free(st);
        return NULL;
    }
    return st;
}

static int
csv_next(void *state, struct ds_item *item, char **cause)
{
    struct csv_state *st = state;

    if (st->next == st->nitems)
        return 0;
    *item = st->items[st->next++];
    return 1;
}

static void
csv_close(void *state)
{
    csv_state_free(state);
}

const struct ds_format ds_format_csv = {
    "csv", "CSV manifest: path, subject, box, age_band, sex, capture",
    csv_probe, csv_open, csv_next, NULL, NULL, csv_close
};
