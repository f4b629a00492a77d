/* SPDX-License-Identifier: MIT */
#ifndef FA_CSVR_H
#define FA_CSVR_H
/*
 * csvr.h - the one CSV reader: rows of a CSV text (RFC 4180, strict quoting)
 * pulled one at a time with the file line each row starts on, over libcsv
 * (core/csvr.c is the only csv.h includer). The text is fed to libcsv one
 * physical line at a time, which is how every row knows its line; a UTF-8
 * byte order mark at the start is skipped; UTF-16 text (its byte order
 * mark) and a NUL byte are errors. Bounds:
 * at most max_fields fields per row (an error) and max_field bytes per field
 * (the field reads "" and the row says which one was too long, so the caller
 * can name the column; a field still growing past 4 x max_field and 64 KiB
 * more is an error before it costs more memory).
 *
 * Errors read "FILE:LINE: message" ("malformed CSV: " and libcsv's own
 * message for bad quoting).
 */

#include <stddef.h>

struct csvr;
struct sha256;

struct csvr_opts {
    size_t max_fields;    /* 0: 64 */
    size_t max_field;     /* bytes; 0: 4096 */
    const char *name;     /* the file in messages; NULL: the path or file given */
    const char *what;     /* the file in advice ("save WHAT as CSV UTF-8"); NULL: "the file" */
    struct sha256 *hash;  /* when set, every byte of the input is added to it, also
                           * those after an error (the reader reads on to the end) */
};

struct csvr_row {
    char **fields;   /* n strings, owned by the reader until the next call */
    size_t n;
    unsigned line;   /* line of the row's first field, 1-based */
    size_t too_long; /* 1-based index of the first field over max_field, or 0 */
};

/* A reader over text[0..len) (borrowed: it must outlive the reader); file names errors. */
struct csvr *csvr_new(const char *file, const char *text, size_t len,
    const struct csvr_opts *opts);
/* A reader streaming the file at path in 64 KiB pieces (memory stays bounded by
 * the limits, not the file size); NULL with *cause if it cannot be opened. */
struct csvr *csvr_open(const char *path, const struct csvr_opts *opts, char **cause);
/* The next row: 1, 0 at the end, or -1 with *cause (the reader then stays at its end). */
int csvr_next(struct csvr *r, struct csvr_row *row, char **cause);
void csvr_free(struct csvr *r);

#endif /* FA_CSVR_H */
