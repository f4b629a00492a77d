/* SPDX-License-Identifier: MIT */
#ifndef FA_DATASET_INT_H
#define FA_DATASET_INT_H
/*
 * dataset_int.h - private to src/dataset/: the format ops tables and the
 * helpers the loaders share (file:line messages, folder of a manifest).
 */

#include "faceaudit/dataset.h"

extern const struct ds_format ds_format_csv;
extern const struct ds_format ds_format_dir;
extern const struct ds_format ds_format_lfw;
extern const struct ds_format ds_format_imglab;
extern const struct ds_format ds_format_pairs;

/* Folder part of a path ("." when none); caller frees. */
char *ds_dirname(const char *path);
/* Read a manifest file with the size limit; NULL with *cause. */
char *ds_read_manifest(const char *path, size_t *len, char **cause);

struct csvr_row;
/*
 * Read a CSV manifest (ds_read_manifest) row by row through core/csvr.c with
 * at most max_fields fields a row: each row goes to on_row (its strings are
 * the reader's, which on_row may trim in place) until on_row returns false
 * (it has recorded an error) or the file ends. Returns 1 when on_row stopped,
 * 0 at the end, -1 with *cause when the file cannot be read or the reader
 * fails (bad quoting, NUL bytes, too many fields).
 */
int ds_csv_rows(const char *path, size_t max_fields,
    bool (*on_row)(void *ctx, const struct csvr_row *row), void *ctx, char **cause);
/*
 * An item for the image rel (as written in a manifest on line `line`): its
 * path resolved against the manifest's folder (ds_resolve_path), age band,
 * sex and capture empty, the subject a copy of `subject` (NULL: left for the
 * caller). Returns 0, or -1 with *cause (it is left empty).
 */
int ds_item_init(struct ds_item *it, const char *manifest_dir, const char *rel,
    const char *subject, unsigned line, char **cause);

#endif /* FA_DATASET_INT_H */
