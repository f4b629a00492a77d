/* SPDX-License-Identifier: MIT */
#ifndef FA_DATASET_H
#define FA_DATASET_H
/*
 * dataset.h - labelled face datasets behind one interface.
 *
 * A format is a const struct ds_format {probe, open, next, pairs, close}
 * registered in ds_formats[] (dataset.c); dataset_load() picks the format
 * (by name, or by probing the path), iterates it, applies the limits and
 * returns a struct dataset that owns everything. Formats:
 *   csv     CSV manifest (ds_csv.c, libcsv): columns documented there and in
 *           datasets/README.md
 *   dir     one folder per identity (ds_dirtree.c)
 *   lfw     LFW pairs.txt with its folds (ds_lfw.c)
 *   imglab  dlib/imglab XML face boxes (ds_imglab.c, expat)
 *
 * Paths: a manifest path "$FACEAUDIT_DATA/x" or "${FACEAUDIT_DATA}/x" is
 * resolved against that variable (an error when unset); any other relative
 * path against the manifest's folder.
 *
 * The manifest hash is the SHA-256 of a canonical listing of what is
 * evaluated (every item's path as written, subject, boxes, attributes, and
 * every pair), so it does not change with CSV quoting or XML layout but does
 * change with any label. Errors: NULL and *cause "file:line:col: what".
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "faceaudit/sha256.h"

/* Limits (ds_options fields of 0 take these). */
#define DS_MAX_ITEMS_DEFAULT 2000000u
#define DS_MAX_MANIFEST_BYTES (256u * 1024u * 1024u)
#define DS_MAX_FIELD 4096u
#define DS_MAX_BOXES 4096u

/* A face box in pixels; ignore marks dlib "ignore" boxes (neither hit nor miss). */
struct ds_box {
    double x, y, w, h;
    bool ignore;
};

/* One image. Strings are owned by the dataset; "" when unknown. */
struct ds_item {
    char *rel;       /* path as written in the manifest (or relative to the folder) */
    char *path;      /* resolved path to open */
    char *subject;   /* identity label; "" when the dataset has none (detection) */
    char *age_band;  /* one of ds_age_bands[] or "" */
    char *sex;       /* "F", "M", "X" or "" */
    char *capture;   /* free capture attributes, e.g. "indoor;frontal" */
    struct ds_box *boxes;
    size_t nboxes;
    bool has_boxes;  /* the manifest gives boxes for this image (maybe none) */
    unsigned line;   /* manifest line, for messages (0 for folders) */
};

/* A listed comparison (LFW pairs): item indices, genuine or impostor, fold. */
struct ds_pair {
    size_t a, b;
    bool genuine;
    unsigned fold;
};

struct ds_options {
    const char *format;  /* NULL: probe the path */
    size_t max_items;    /* 0: DS_MAX_ITEMS_DEFAULT */
    bool cropped;        /* images are face crops: skip detection */
    const char *pair_columns;  /* pairs format: "A,B,SAME" column names (NULL: a,b,same) */
};

struct dataset {
    char *source;        /* the path given */
    const char *format;  /* the format's name (static) */
    struct ds_item *items;
    size_t nitems;
    struct ds_pair *pairs;
    size_t npairs;
    unsigned nfolds;
    size_t unlabelled;   /* images skipped because they have no identity (dir format) */
    bool cropped;
    char manifest_sha256[SHA256_HEX_LEN + 1];
};

/* A format's operations; state is private to the format. */
struct ds_format {
    const char *name;
    const char *summary;
    /* true when this format should read path (folder, extension, content) */
    bool (*probe)(const char *path);
    void *(*open)(const char *path, const struct ds_options *opt, char **cause);
    /* 1: *item filled (owned by the caller now), 0: end, -1: error */
    int (*next)(void *state, struct ds_item *item, char **cause);
    /* optional: hand over the listed pairs after the last item */
    int (*pairs)(void *state, struct ds_pair **pairs, size_t *npairs, unsigned *nfolds,
        char **cause);
    /* optional: images seen but not listed (no identity), for dataset check */
    size_t (*skipped)(void *state);
    void (*close)(void *state);
};

extern const struct ds_format *const ds_formats[];
/* Age bands in order; "0-13" is the under-14 band the Measures single out. */
extern const char *const ds_age_bands[];
extern const char *const ds_sexes[];

/* Find a format by name, NULL if unknown. */
const struct ds_format *ds_format_find(const char *name);
/* Load a dataset; returns it (free with dataset_free) or NULL with *cause. */
struct dataset *dataset_load(const char *path, const struct ds_options *opt, char **cause);
/* Free a dataset and everything it owns; NULL is a no-op. */
void dataset_free(struct dataset *ds);
/* Release the strings and boxes of one item (not the item itself). */
void ds_item_done(struct ds_item *it);
/*
 * Resolve a manifest path against the manifest folder or $FACEAUDIT_DATA;
 * returns the path (caller frees) or NULL with *cause.
 */
char *ds_resolve_path(const char *manifest_dir, const char *rel, char **cause);
/*
 * The path of a dataset argument: itself when it exists, else a shipped
 * definition NAME.csv or NAME.xml in ./datasets/faces or the installed
 * <pkgdatadir>/datasets/faces; NULL when none exists. Caller frees.
 */
char *ds_find(const char *arg);
/* Is band the under-14 band? */
bool ds_age_is_minor(const char *band);
/* Whether the file name has an image extension faceaudit reads. */
bool ds_is_image_name(const char *name);

/* What `faceaudit dataset check` found. Lists hold "rel" strings (owned). */
struct ds_check {
    size_t images, subjects, boxes, pairs, genuine, impostor;
    size_t per_subject_min, per_subject_max;
    size_t minors;                  /* items in the under-14 band */
    char **missing;      size_t nmissing;
    char **unreadable;   size_t nunreadable;   /* "rel: reason" */
    char **duplicates;   size_t nduplicates;   /* "rel = rel2" (same content hash) */
    uint64_t bytes;
};
/*
 * Open every file, hash its content and fill *chk; returns 0 (problems are
 * in chk). validate, when not NULL, is called on each readable file (e.g.
 * to decode the image); -1 with *cause lists the file as unreadable.
 */
int dataset_check(const struct dataset *ds, uint64_t max_file_bytes,
    int (*validate)(void *varg, const char *path, char **cause), void *varg,
    struct ds_check *chk, void (*progress)(void *arg, size_t done, size_t total), void *arg);
/*
 * dataset_check() that polls cancelled(arg) (may be NULL) before each file:
 * -1 when it asked to stop (chk emptied), else 0 as dataset_check().
 */
int dataset_check_until(const struct dataset *ds, uint64_t max_file_bytes,
    int (*validate)(void *varg, const char *path, char **cause), void *varg,
    struct ds_check *chk, void (*progress)(void *arg, size_t done, size_t total),
    bool (*cancelled)(void *arg), void *arg);
/* Free the lists of a check result. */
void ds_check_done(struct ds_check *chk);
/*
 * The images that cannot be opened for reading (missing, a folder, no
 * permission), as "rel: reason" strings in *list (caller frees each and the
 * array; *list is NULL when there are none), in dataset order. Returns the
 * count. Only metadata is read: cheap even for millions of images.
 */
size_t dataset_unopenable(const struct dataset *ds, char ***list);

#endif /* FA_DATASET_H */
