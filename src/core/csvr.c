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
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/log.h"
#include "faceaudit/sha256.h"
#include "faceaudit/xmalloc.h"

struct qrow {
    char **fields;
    size_t n;
    unsigned line;
    size_t too_long;
};

#define CSVR_PIECE 65536

struct csvr {
    char *file;
    const char *text;  /* memory source, or NULL */
    size_t len, off;
    FILE *fp;          /* stream source (owned), or NULL */
    char *buf;         /* stream: CSVR_PIECE bytes */
    size_t blen, boff; /* stream: bytes in buf, next unread */
    bool eof;          /* stream: read returned 0 */
    bool read_any;     /* stream: the first block was read (the BOM check) */
    bool at_bol;       /* the next piece starts a new line */
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

/* A UTF-16 byte order mark (either order). */
static bool
is_utf16(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;

    return (u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff);
}

static void
utf16_error(struct csvr *r)
{
    r->error = xasprintf("%s:1: UTF-16 text: save %s as CSV UTF-8", r->file, r->o.what);
    r->done = true;
}

static struct csvr *
reader_new(const char *file, const struct csvr_opts *opts)
{
    struct csvr *r = xcalloc(1, sizeof *r);

    if (opts != NULL)
        r->o = *opts;
    r->file = xstrdup(r->o.name != NULL ? r->o.name : file);
    if (r->o.what == NULL)
        r->o.what = "the file";
    if (r->o.max_fields == 0)
        r->o.max_fields = 64;
    if (r->o.max_field == 0)
        r->o.max_field = 4096;
    if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        fatalx("csv_init failed");
    r->at_bol = true;
    return r;
}

struct csvr *
csvr_new(const char *file, const char *text, size_t len, const struct csvr_opts *opts)
{
    struct csvr *r = reader_new(file, opts);

    r->text = text;
    r->len = len;
    if (r->o.hash != NULL)
        sha256_update(r->o.hash, text, len);
    if (len >= 2 && is_utf16(text))
        utf16_error(r);
    r->off = len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    return r;
}

struct csvr *
csvr_open(const char *path, const struct csvr_opts *opts, char **cause)
{
    FILE *fp = fopen(path, "rb");
    struct csvr *r;

    if (fp == NULL) {
        cause_set(cause, "%s: %s", path, strerror(errno));
        return NULL;
    }
    r = reader_new(path, opts);
    r->fp = fp;
    r->buf = xmalloc(CSVR_PIECE);
    return r;
}

/*
 * The next piece of input: up to and including the next line feed, or at most
 * CSVR_PIECE bytes of a longer line. Returns its length (0 at the end).
 */
static size_t
next_piece(struct csvr *r, const char **piece)
{
    const char *nl;
    size_t n;

    if (r->fp == NULL) {
        size_t left = r->len - r->off;

        if (left == 0)
            return 0;
        *piece = r->text + r->off;
        nl = memchr(*piece, '\n', left);
        n = nl != NULL ? (size_t)(nl - *piece) + 1 : left;
        r->off += n;
        return n;
    }
    if (r->boff == r->blen) {
        if (r->eof)
            return 0;
        r->blen = fread(r->buf, 1, CSVR_PIECE, r->fp);
        r->boff = 0;
        if (r->blen == 0) {
            r->eof = true;
            if (ferror(r->fp) && r->error == NULL)
                r->error = xasprintf("%s: read: %s", r->file, strerror(errno));
            return 0;
        }
        if (r->o.hash != NULL)
            sha256_update(r->o.hash, r->buf, r->blen);
        if (!r->read_any && r->blen >= 2 && is_utf16(r->buf)) {
            r->read_any = true;
            utf16_error(r);
            return 0;
        }
        if (!r->read_any && r->blen >= 3 && memcmp(r->buf, "\xef\xbb\xbf", 3) == 0)
            r->boff = 3;
        r->read_any = true;
    }
    *piece = r->buf + r->boff;
    nl = memchr(*piece, '\n', r->blen - r->boff);
    n = nl != NULL ? (size_t)(nl - *piece) + 1 : r->blen - r->boff;
    r->boff += n;
    return n;
}

/* The reader stops early: the rest of a streamed file still goes into the hash. */
static void
hash_rest(struct csvr *r)
{
    size_t n;

    if (r->o.hash == NULL || r->fp == NULL || r->eof)
        return;
    while ((n = fread(r->buf, 1, CSVR_PIECE, r->fp)) > 0)
        sha256_update(r->o.hash, r->buf, n);
    r->eof = true;
}

/* Feed the next piece (or finish); false when there is nothing more. */
static bool
feed(struct csvr *r)
{
    const char *piece = NULL;
    size_t n;

    if (r->done)
        return false;
    if ((n = next_piece(r, &piece)) == 0) {
        r->done = true;
        if (r->error == NULL && csv_fini(&r->p, cb_field, cb_row, r) != 0 && r->error == NULL)
            r->error = xasprintf("%s:%u: malformed CSV: %s (an unterminated quote?)", r->file,
                r->line, csv_strerror(csv_error(&r->p)));
        hash_rest(r);
        return true;
    }
    if (r->at_bol)
        r->line++;
    r->at_bol = piece[n - 1] == '\n';
    if (memchr(piece, '\0', n) != NULL) {
        r->error = xasprintf("%s:%u: NUL byte: not a text file", r->file, r->line);
        r->done = true;
        hash_rest(r);
        return true;
    }
    if (csv_parse(&r->p, piece, n, cb_field, cb_row, r) != n && r->error == NULL)
        r->error = xasprintf("%s:%u: malformed CSV: %s", r->file, r->line,
            csv_strerror(csv_error(&r->p)));
    /* libcsv grows its field buffer without limit: bound a field still being read */
    if (r->error == NULL && csv_get_buffer_size(&r->p) > r->o.max_field + CSVR_PIECE &&
        csv_get_buffer_size(&r->p) > 4 * r->o.max_field)
        r->error = xasprintf("%s:%u: a value longer than %zu bytes", r->file, r->line,
            r->o.max_field);
    if (r->error != NULL) {
        r->done = true;
        hash_rest(r);
    }
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
    free(r->buf);
    if (r->fp != NULL)
        fclose(r->fp);
    free(r);
}
