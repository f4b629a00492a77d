/* SPDX-License-Identifier: MIT */
/*
 * ds_table.c - a CSV file read whole into a table of strings, through core's
 * CSV reader (csvr.h): each row keeps the file line it starts on.
 */
#include "config.h"

#include "faceaudit/ds_table.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/csvr.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

/* Add one row (header or data) of the reader to the table; false with *error. */
static bool
add_row(struct ds_table *t, const struct csvr_row *row, size_t max_rows, size_t *cap,
    char **error)
{
    size_t i, n = row->n;
    char **cells;

    if (t->header == NULL) {
        t->ncols = n;
        t->header = xcalloc(n + 1, sizeof *t->header);
        for (i = 0; i < n; i++)
            t->header[i] = xstrdup(row->fields[i]);
        for (i = 0; i < n; i++) {
            if (*t->header[i] == '\0') {
                *error = xasprintf("%s:%u: column %zu of the header has no name", t->path,
                    row->line, i + 1);
                return false;
            }
            if (ds_table_column(t, t->header[i]) != (int)i) {
                *error = xasprintf("%s:%u: column '%s' appears twice in the header", t->path,
                    row->line, t->header[i]);
                return false;
            }
        }
        return true;
    }
    if (n > t->ncols) {
        *error = xasprintf("%s:%u: %zu fields, but the header has %zu", t->path, row->line, n,
            t->ncols);
        return false;
    }
    if (t->nrows == max_rows) {
        *error = xasprintf("%s:%u: more than %zu rows", t->path, row->line, max_rows);
        return false;
    }
    if (t->nrows == *cap) {
        *cap = *cap == 0 ? 64 : *cap * 2;
        t->rows = xreallocarray(t->rows, *cap, sizeof *t->rows);
        t->lines = xreallocarray(t->lines, *cap, sizeof *t->lines);
    }
    cells = xcalloc(t->ncols > 0 ? t->ncols : 1, sizeof *cells);
    for (i = 0; i < t->ncols; i++)
        cells[i] = xstrdup(i < n ? row->fields[i] : "");
    t->rows[t->nrows] = cells;
    t->lines[t->nrows++] = row->line;
    return true;
}

struct ds_table *
ds_table_read(const char *path, size_t max_rows, size_t max_bytes, char **cause)
{
    const struct csvr_opts ro = { .max_fields = DS_TABLE_MAX_COLUMNS, .max_field = max_bytes };
    struct ds_table *t;
    struct csvr *r;
    struct csvr_row row;
    size_t len, cap = 0;
    char *buf = fs_read_file(path, max_bytes, &len, cause), *error = NULL;
    int rc;

    if (buf == NULL)
        return NULL;
    t = xcalloc(1, sizeof *t);
    t->path = xstrdup(path);
    r = csvr_new(path, buf, len, &ro);
    while ((rc = csvr_next(r, &row, &error)) == 1 && add_row(t, &row, max_rows, &cap, &error))
        ;
    csvr_free(r);
    free(buf);
    if (error == NULL && t->header == NULL)
        error = xasprintf("%s: empty file (expected a header line)", path);
    if (error != NULL) {
        cause_set(cause, "%s", error);
        free(error);
        ds_table_free(t);
        return NULL;
    }
    return t;
}

void
ds_table_free(struct ds_table *t)
{
    size_t i, j;

    if (t == NULL)
        return;
    for (i = 0; i < t->nrows; i++) {
        for (j = 0; j < t->ncols; j++)
            free(t->rows[i][j]);
        free(t->rows[i]);
    }
    for (j = 0; t->header != NULL && j < t->ncols; j++)
        free(t->header[j]);
    free(t->header);
    free(t->rows);
    free(t->lines);
    free(t->path);
    free(t);
}

int
ds_table_column(const struct ds_table *t, const char *name)
{
    size_t i;

    for (i = 0; i < t->ncols && t->header[i] != NULL; i++) {
        if (strcmp(t->header[i], name) == 0)
            return (int)i;
    }
    return -1;
}
