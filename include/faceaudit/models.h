/* SPDX-License-Identifier: MIT */
#ifndef FA_MODELS_H
#define FA_MODELS_H
/*
 * models.h - the pretrained networks and their files.
 *
 * The weights are the model/ folder of the npm package
 * @vladmandic/face-api@1.7.15 (plus its demo/sample*.jpg photos, used by the
 * parity tests). Their SHA-256 sums are committed in models/SHA256SUMS and
 * compiled in (models_sums.h is generated from it), so a file is trusted
 * only when its digest matches.
 *
 * The model folder is $FACEAUDIT_MODELS, else <data home>/models.
 */

#include <stdbool.h>
#include <stddef.h>

#define MODELS_NPM_PACKAGE "@vladmandic/face-api"

struct model_file {
    const char *name;   /* path relative to the model folder */
    const char *sha256; /* 64 lowercase hex digits */
};

/* Verification status of one file. */
enum model_status { MODEL_OK, MODEL_MISSING, MODEL_CORRUPT, MODEL_UNREADABLE };

extern const struct model_file models_files[];
extern const size_t models_nfiles;

/* The model folder (caller frees). */
char *models_dir(void);
/* Full path of one model file in dir (caller frees). */
char *models_path(const char *dir, const char *name);
/* Look up a file by name, NULL if unknown. */
const struct model_file *models_find(const char *name);
/*
 * Check one file; on MODEL_CORRUPT or MODEL_UNREADABLE *detail says what was
 * found (caller frees), else it is set to NULL.
 */
enum model_status models_check(const char *dir, const struct model_file *mf, char **detail);
/*
 * Check that a named file is present and intact, returning 0 or -1 with a
 * cause naming the file and the fix (`faceaudit models fetch`).
 */
int models_require(const char *dir, const char *name, char **cause);
/*
 * Fetch the package with `npm pack` into a temporary folder, verify every
 * file against the committed sums and install them into dir. Nothing in dir
 * is replaced unless all files verified. npm is the program to run (NULL:
 * "npm" from PATH). Returns the number of files installed, or -1.
 */
int models_fetch(const char *dir, const char *npm, char **cause);

#endif /* FA_MODELS_H */
