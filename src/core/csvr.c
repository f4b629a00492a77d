/* SPDX-License-Identifier: MIT */
/*
 * csvr.c - the CSV row reader over libcsv (csvr.h): libcsv pushes fields and
 * rows through callbacks as it is fed; the reader feeds it one physical line
 * at a time and queues the rows that line completed, so a caller pulls rows
 * with their line numbers and never sees the callbacks.
 */
#include "config.h"

#include "faceaudit/csvr.h"

#include <csv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

struct qrow {
    char **fields;
    size_t n;
    unsigned line;
    size_t too_long;
};

struct csvr {
    char *file;
    const char *text;
    size_t len, off;
    struct csvr_opts o;
    struct csv_parser p;
    bool done;         /* libcsv finished (or an error) */
    unsigned line;     /* line being fed, 1-based */
    struct qrow cur;   /* the row being built */
    struct qrow *q;    /* completed rows not yet pulled */
    size_t qhead, qlen, qcap;
    struct qrow out;   /* the row last returned (freed on the next call) */
    char *error;
};

static void
row_free(struct qrow *row)
{
    size_t i;

    for (i = 0; i < row->n; i++)
        free(row->fields[i]);
    free(row->fields);
    memset(row, 0, sizeof *row);
}

static void
cb_field(void *data, size_t len, void *arg)
{
    struct csvr *r = arg;
    struct qrow *c = &r->cur;

    if (r->error != NULL)
        return;
    if (c->n == 0)
        c->line = r->line;
    if (c->n >= r->o.max_fields) {
        r->error = xasprintf("%s:%u: more than %zu fields", r->file, c->line, r->o.max_fields);
        return;
    }
    if (len > r->o.max_field && c->too_long == 0)
        c->too_long = c->n + 1;
    c->fields = xreallocarray(c->fields, c->n + 1, sizeof *c->fields);
    c->fields[c->n++] = data != NULL && len <= r->o.max_field ? xstrndup(data, len) :
        xstrdup("");
}

static void
cb_row(int term, void *arg)
{
    struct csvr *r = arg;

    (void)term;
    if (r->error != NULL) {
        row_free(&r->cur);
        return;
    }
    if (r->cur.n == 0)
        r->cur.line = r->line;
    if (r->qlen == r->qcap) {
        r->qcap = r->qcap == 0 ? 4 : r->qcap * 2;
        r->q = xreallocarray(r->q, r->qcap, sizeof *r->q);
    }
    r->q[r->qlen++] = r->cur;
    memset(&r->cur, 0, sizeof r->cur);
}

struct csvr *
csvr_new(const char *file, const char *text, size_t len, const struct csvr_opts *opts)
{
    struct csvr *r = xcalloc(1, sizeof *r);

    r->file = xstrdup(file);
    r->text = text;
    r->len = len;
    if (opts != NULL)
        r->o = *opts;
    if (r->o.max_fields == 0)
        r->o.max_fields = 64;
    if (r->o.max_field == 0)
        r->o.max_field = 4096;
    if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        fatalx("csv_init failed");
    r->off = len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    r->line = 0;
    return r;
}

/* Feed the next physical line (or finish); false when there is nothing more. */
static bool
feed(struct csvr *r)
{
    const char *nl;
    size_t end;

    if (r->done)
        return false;
    if (r->off >= r->len) {
        r->done = true;
        if (csv_fini(&r->p, cb_field, cb_row, r) != 0 && r->error == NULL)
            r->error = xasprintf("%s:%u: %s (an unterminated quote?)", r->file, r->line,
                csv_strerror(csv_error(&r->p)));
        return true;
    }
    r->line++;
    nl = memchr(r->text + r->off, '\n', r->len - r->off);
    end = nl != NULL ? (size_t)(nl - r->text) + 1 : r->len;
    if (memchr(r->text + r->off, '\0', end - r->off) != NULL) {
        r->error = xasprintf("%s:%u: NUL byte: not a text file", r->file, r->line);
        r->done = true;
        return true;
    }
    if (csv_parse(&r->p, r->text + r->off, end - r->off, cb_field, cb_row, r) != end - r->off &&
        r->error == NULL)
        r->error = xasprintf("%s:%u: %s", r->file, r->line, csv_strerror(csv_error(&r->p)));
    r->off = end;
    if (r->error != NULL)
        r->done = true;
    return true;
}

int
csvr_next(struct csvr *r, struct csvr_row *row, char **cause)
{
    row_free(&r->out);
    memset(row, 0, sizeof *row);
    while (r->qhead == r->qlen && r->error == NULL && feed(r))
        ;
    if (r->qhead < r->qlen) {
        r->out = r->q[r->qhead++];
        if (r->qhead == r->qlen)
            r->qhead = r->qlen = 0;
        row->fields = r->out.fields;
        row->n = r->out.n;
        row->line = r->out.line;
        row->too_long = r->out.too_long;
        return 1;
    }
    if (r->error != NULL) {
        cause_set(cause, "%s", r->error);
        return -1;
    }
    return 0;
}

unsigned
csvr_line(const struct csvr *r)
{
    return r->line;
}

void
csvr_free(struct csvr *r)
{
    size_t i;

    if (r == NULL)
        return;
    csv_free(&r->p);
    row_free(&r->cur);
    row_free(&r->out);
    for (i = r->qhead; i < r->qlen; i++)
        row_free(&r->q[i]);
    free(r->q);
    free(r->error);
    free(r->file);
    free(r);
}
