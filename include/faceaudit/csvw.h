/* SPDX-License-Identifier: MIT */
#ifndef FA_CSVW_H
#define FA_CSVW_H
/*
 * csvw.h - the one CSV writer (RFC 4180): every CSV faceaudit prints is
 * written through it.
 *
 * Our own code, not libcsv's csv_write(): libcsv quotes every field, while our
 * outputs quote a field only when it holds a comma, a quote, CR or LF (and
 * double the quotes inside), and the golden files and the shard merge compare
 * those bytes. Rows end with the writer's line end ("\r\n" as RFC 4180 says,
 * or "\n" where an output always used it).
 */

#include <stdbool.h>

#include "faceaudit/str.h"

struct csvw {
    struct strbuf *sb;
    const char *eol;
    bool midrow; /* a field was written on this row */
};

/* Start writing into sb (appends); eol is "\r\n" or "\n". */
void csvw_init(struct csvw *w, struct strbuf *sb, const char *eol);

/* A text field, quoted when needed; NULL is an empty field. */
void csvw_str(struct csvw *w, const char *s);
void csvw_int(struct csvw *w, long long v);
void csvw_uint(struct csvw *w, unsigned long long v);
/* "%.*g"; NaN is an empty field, infinities "inf" and "-inf". */
void csvw_double(struct csvw *w, double v, int digits);
/* "%.*f"; NaN is an empty field, infinities "inf" and "-inf". */
void csvw_fixed(struct csvw *w, double v, int decimals);
/* A field written as is (the caller knows it needs no quoting). */
void csvw_raw(struct csvw *w, const char *s);
/* A header row from a NULL-terminated list of names. */
void csvw_header(struct csvw *w, const char *const *names);
void csvw_end_row(struct csvw *w);

/* The field s, quoted when needed (NULL is empty), appended to sb. */
void csv_escape(struct strbuf *sb, const char *s);

#endif /* FA_CSVW_H */
