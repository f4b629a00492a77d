/* SPDX-License-Identifier: MIT */
#ifndef FA_DS_TABLE_H
#define FA_DS_TABLE_H
/*
 * ds_table.h - a whole CSV file as a table of strings (core's CSV reader:
 * RFC 4180 quoting, strict), for small structured inputs such as the events
 * file of a recorded deployment. The first row is the header; column names are
 * matched by ds_table_column(). Every cell remembers its file line for
 * error messages.
 */

#include <stddef.h>

#define DS_TABLE_MAX_COLUMNS 256

struct ds_table {
    char *path;
    char **header;   /* ncols names */
    size_t ncols;
    char ***rows;    /* nrows x ncols cells ("" for a missing trailing cell) */
    unsigned *lines; /* file line of each row */
    size_t nrows;
};

/*
 * Read path (at most max_rows data rows, max_bytes bytes, DS_TABLE_MAX_COLUMNS
 * fields a row). A row with more fields than the header, bad quoting, a NUL
 * byte, an empty or duplicate header name are errors "FILE:LINE: ...", LINE
 * the physical line the row starts on. Returns the table (ds_table_free) or NULL.
 */
struct ds_table *ds_table_read(const char *path, size_t max_rows, size_t max_bytes,
    char **cause);
void ds_table_free(struct ds_table *t);
/* Index of a column by name, or -1. */
int ds_table_column(const struct ds_table *t, const char *name);

#endif /* FA_DS_TABLE_H */
