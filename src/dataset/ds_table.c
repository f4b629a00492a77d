/* SPDX-License-Identifier: MIT */
/*
 * ds_table.c - a CSV file read whole into a table of strings with libcsv.
 */
#include "config.h"

#include "faceaudit/ds_table.h"

#include <csv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/vec.h"
#include "faceaudit/xmalloc.h"

struct table_state {
    struct ds_table *t;
    struct vec fields;  /* char * of the current row */
    size_t max_rows;
    size_t cap;
    unsigned line;      /* line where the current row started */
    unsigned newlines;  /* lines consumed so far */
    char *error;
};

static void
cb_field(void *s, size_t len, void *arg)
{
    struct table_state *st = arg;

    if (st->error == NULL)
        vec_push(&st->fields, xstrndup(s != NULL ? s : "", len));
}

static void
cb_row(int c, void *arg)
{
    struct table_state *st = arg;
    struct ds_table *t = st->t;
    size_t i, n = st->fields.len;
    char **row;

    (void)c;
    st->line++;
    if (st->error != NULL) {
        vec_clear(&st->fields);
        return;
    }
    if (t->header == NULL) {
        t->ncols = n;
        t->header = xcalloc(n + 1, sizeof *t->header);
        for (i = 0; i < n; i++) {
            t->header[i] = st->fields.items[i];
            if (*t->header[i] == '\0' && st->error == NULL)
                st->error = xasprintf("%s:%u: column %zu of the header has no name", t->path,
                    st->line, i + 1);
            if (ds_table_column(t, t->header[i]) != (int)i && st->error == NULL)
                st->error = xasprintf("%s:%u: column '%s' appears twice in the header", t->path,
                    st->line, t->header[i]);
        }
        st->fields.len = 0;
        return;
    }
    if (n > t->ncols) {
        st->error = xasprintf("%s:%u: %zu fields, but the header has %zu", t->path, st->line, n,
            t->ncols);
        vec_clear(&st->fields);
        return;
    }
    if (t->nrows == st->max_rows) {
        st->error = xasprintf("%s:%u: more than %zu rows", t->path, st->line, st->max_rows);
        vec_clear(&st->fields);
        return;
    }
    if (t->nrows == st->cap) {
        st->cap = st->cap == 0 ? 64 : st->cap * 2;
        t->rows = xreallocarray(t->rows, st->cap, sizeof *t->rows);
        t->lines = xreallocarray(t->lines, st->cap, sizeof *t->lines);
    }
    row = xcalloc(t->ncols > 0 ? t->ncols : 1, sizeof *row);
    for (i = 0; i < t->ncols; i++)
        row[i] = i < n ? st->fields.items[i] : xstrdup("");
    t->rows[t->nrows] = row;
    t->lines[t->nrows++] = st->line;
    st->fields.len = 0;
}

struct ds_table *
ds_table_read(const char *path, size_t max_rows, size_t max_bytes, char **cause)
{
    struct table_state st;
    struct csv_parser p;
    size_t len;
    char *buf = fs_read_file(path, max_bytes, &len, cause);

    if (buf == NULL)
        return NULL;
    memset(&st, 0, sizeof st);
    st.t = xcalloc(1, sizeof *st.t);
    st.t->path = xstrdup(path);
    st.max_rows = max_rows;
    vec_init(&st.fields, free);
    if (memchr(buf, '\0', len) != NULL)
        st.error = xasprintf("%s: NUL byte: not a CSV text file", path);
    if (st.error == NULL && csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL |
            CSV_EMPTY_IS_NULL) != 0)
        fatalx("csv_init failed");
    if (st.error == NULL) {
        if (csv_parse(&p, buf, len, cb_field, cb_row, &st) != len && st.error == NULL)
            st.error = xasprintf("%s:%u: %s", path, st.line + 1, csv_strerror(csv_error(&p)));
        if (st.error == NULL && csv_fini(&p, cb_field, cb_row, &st) != 0)
            st.error = xasprintf("%s:%u: %s", path, st.line + 1, csv_strerror(csv_error(&p)));
        csv_free(&p);
    }
    free(buf);
    if (st.error == NULL && st.t->header == NULL)
        st.error = xasprintf("%s: empty file (expected a header line)", path);
    vec_done(&st.fields);
    if (st.error != NULL) {
        cause_set(cause, "%s", st.error);
        free(st.error);
        ds_table_free(st.t);
        return NULL;
    }
    return st.t;
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
