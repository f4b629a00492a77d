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

#endif /* FA_DATASET_INT_H */
