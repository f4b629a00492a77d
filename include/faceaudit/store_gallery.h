/* SPDX-License-Identifier: MIT */
#ifndef FA_STORE_GALLERY_H
#define FA_STORE_GALLERY_H
/*
 * store_gallery.h - galleries of face templates in the database (schema
 * migration 4: tables gallery and template).
 *
 * A gallery has a unique name, a creation time, an optional retention period
 * in days and the descriptor dimension every template in it has. A template
 * is one enrolled face: the gallery, a subject label, the descriptor, the
 * SHA-256 of the image it came from and its creation time.
 *
 * Descriptor blobs are read and written only here (templates are to be
 * encrypted at rest: that stays a change inside this file). Descriptors are
 * stored as little-endian float32.
 *
 * Errors: int functions give 0 on success (or the documented count), -1 with
 * *cause set (allocated, caller frees).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

struct store_gallery_info {
    int64_t id;
    char *name;
    char *created_at;     /* ISO 8601 UTC */
    int retention_days;   /* 0: none set */
    int dim;              /* descriptor length of its templates */
    int64_t ntemplates;
    int64_t nsubjects;
};

/*
 * Create a gallery; retention_days 0 means none. Fails (naming the gallery)
 * when the name is taken or empty. *id, if not NULL, gets the new row id.
 */
int store_gallery_create(struct store *st, const char *name, int retention_days, int dim,
    int64_t *id, char **cause);
/*
 * Look up a gallery by name into *info (store_gallery_info_done frees the
 * strings). Returns 1 found, 0 not found (no cause), -1 on error.
 */
int store_gallery_get(struct store *st, const char *name, struct store_gallery_info *info,
    char **cause);
/* Every gallery by name; *out is a new array (store_gallery_info_free_array). */
int store_gallery_list(struct store *st, struct store_gallery_info **out, size_t *n,
    char **cause);
void store_gallery_info_done(struct store_gallery_info *info);
void store_gallery_info_free_array(struct store_gallery_info *a, size_t n);
/* Delete a gallery and its templates; returns the number of templates removed, or -1. */
int64_t store_gallery_delete(struct store *st, const char *name, char **cause);

/*
 * Add one template to a gallery (dim must be the gallery's). image_sha256 is
 * 64 hex digits. *id, if not NULL, gets the template id. Call inside
 * store_begin/store_commit to enrol several atomically.
 */
int store_template_add(struct store *st, int64_t gallery, const char *subject,
    const float *desc, int dim, const char *image_sha256, int64_t *id, char **cause);

/* All templates of a gallery, in id order, descriptors in one block. */
struct store_templates {
    size_t n;
    int dim;
    float *vecs;        /* n x dim */
    int64_t *ids;
    char **subjects;
    char **image_sha256;
};

/* Load every template of a gallery into *t (store_templates_done frees). */
int store_templates_load(struct store *st, int64_t gallery, struct store_templates *t,
    char **cause);
void store_templates_done(struct store_templates *t);

/* What one gallery's purge removed (store_gallery_purge). */
struct store_purge {
    char *gallery;
    int days;          /* age limit applied */
    int64_t removed;   /* templates deleted (or that would be, with dry_run) */
};

/*
 * Retention (Art. 8 "shortest time necessary"): delete the templates created
 * more than `days` days before `now` (a Unix time; 0: the current time). With
 * days < 0 each gallery's own retention period applies and galleries without
 * one are left alone. gallery NULL: every gallery. One transaction. With
 * dry_run nothing is deleted. *out gets one entry per gallery examined
 * (store_purge_free_array). Returns the total removed, or -1.
 */
int64_t store_gallery_purge(struct store *st, const char *gallery, int days, int64_t now,
    bool dry_run, struct store_purge **out, size_t *nout, char **cause);
void store_purge_free_array(struct store_purge *p, size_t n);

#endif /* FA_STORE_GALLERY_H */
