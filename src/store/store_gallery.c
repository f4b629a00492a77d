/* SPDX-License-Identifier: MIT */
/*
 * store_gallery.c - galleries and face templates (tables gallery and
 * template). The only code that reads or writes descriptor blobs: little-
 * endian float32, sealed with the template key (XChaCha20-Poly1305, bound to
 * the template row; store_crypt.h) so the database alone reveals no
 * template: template_encode and template_decode below.
 */
#include "config.h"

#include "faceaudit/store_gallery.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "faceaudit/log.h"
#include "faceaudit/sha256.h"
#include "faceaudit/store.h"
#include "faceaudit/store_crypt.h"
#include "faceaudit/xmalloc.h"
#include "store_int.h"

/* ---- descriptor blobs -------------------------------------------------------- */

/* Encode dim floats as little-endian float32 into a new buffer of *len bytes. */
static unsigned char *
template_encode(const float *desc, int dim, size_t *len)
{
    unsigned char *b = xreallocarray(NULL, (size_t)dim, 4);
    int i;

    for (i = 0; i < dim; i++) {
        uint32_t u;

        memcpy(&u, &desc[i], 4);
        b[4 * i] = (unsigned char)u;
        b[4 * i + 1] = (unsigned char)(u >> 8);
        b[4 * i + 2] = (unsigned char)(u >> 16);
        b[4 * i + 3] = (unsigned char)(u >> 24);
    }
    *len = (size_t)dim * 4;
    return b;
}

/*
 * Decode the sealed blob of template `id` into dim floats: open it with the
 * template key (store_crypt.h: a wrong key or a modified or moved blob is an
 * error naming the template), then check its size. Returns 0 or -1.
 */
static int
template_decode(struct store *st, int64_t id, const unsigned char *b, size_t len, int dim,
    float *out, char **cause)
{
    struct store_key *key = store_template_key(st, false, cause);
    unsigned char *plain;
    size_t plen;
    int i;

    if (key == NULL)
        return -1;
    if (store_unseal(key, "template", id, b != NULL ? b : (const unsigned char *)"", len, &plain,
            &plen, cause) == -1)
        return -1;
    if (plen != (size_t)dim * 4) {
        free(plain);
        return cause_set(cause, "template %lld: descriptor of %zu bytes, expected %d",
            (long long)id, plen, dim * 4);
    }
    for (i = 0; i < dim; i++) {
        uint32_t u = (uint32_t)plain[4 * i] | (uint32_t)plain[4 * i + 1] << 8
            | (uint32_t)plain[4 * i + 2] << 16 | (uint32_t)plain[4 * i + 3] << 24;

        memcpy(&out[i], &u, 4);
    }
    free(plain);
    return 0;
}

/* ---- galleries ------------------------------------------------------------------ */

static int
prepare(struct store *st, const char *sql, sqlite3_stmt **stmt, char **cause)
{
    if (sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL) != SQLITE_OK)
        return cause_set(cause, "%s", sqlite3_errmsg(st->db));
    return 0;
}

static char *
column_strdup(sqlite3_stmt *stmt, int col)
{
    const unsigned char *s = sqlite3_column_text(stmt, col);

    return xstrdup(s != NULL ? (const char *)s : "");
}

int
store_gallery_create(struct store *st, const char *name, int retention_days, int dim,
    int64_t *id, char **cause)
{
    sqlite3_stmt *stmt;
    int rc;

    if (*name == '\0')
        return cause_set(cause, "a gallery needs a name");
    if (retention_days < 0)
        return cause_set(cause, "gallery %s: retention must be a positive number of days", name);
    if (prepare(st, "INSERT INTO gallery(name, retention_days, dim) VALUES (?1, ?2, ?3)", &stmt,
            cause) == -1)
        return -1;
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_TRANSIENT);
    if (retention_days > 0)
        sqlite3_bind_int(stmt, 2, retention_days);
    else
        sqlite3_bind_null(stmt, 2);
    sqlite3_bind_int(stmt, 3, dim);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc == SQLITE_CONSTRAINT_UNIQUE)
        return cause_set(cause, "gallery %s already exists", name);
    if (rc != SQLITE_DONE)
        return cause_set(cause, "gallery %s: %s", name, sqlite3_errmsg(st->db));
    if (id != NULL)
        *id = sqlite3_last_insert_rowid(st->db);
    return 0;
}

static const char gallery_select[] =
    "SELECT g.id, g.name, g.created_at, coalesce(g.retention_days, 0), g.dim,"
    "  (SELECT count(*) FROM template t WHERE t.gallery_id = g.id),"
    "  (SELECT count(DISTINCT subject) FROM template t WHERE t.gallery_id = g.id)"
    " FROM gallery g";

static void
gallery_row(sqlite3_stmt *stmt, struct store_gallery_info *info)
{
    info->id = sqlite3_column_int64(stmt, 0);
    info->name = column_strdup(stmt, 1);
    info->created_at = column_strdup(stmt, 2);
    info->retention_days = sqlite3_column_int(stmt, 3);
    info->dim = sqlite3_column_int(stmt, 4);
    info->ntemplates = sqlite3_column_int64(stmt, 5);
    info->nsubjects = sqlite3_column_int64(stmt, 6);
}

int
store_gallery_get(struct store *st, const char *name, struct store_gallery_info *info,
    char **cause)
{
    sqlite3_stmt *stmt;
    char *sql = xasprintf("%s WHERE g.name = ?1", gallery_select);
    int rc, found = 0;

    memset(info, 0, sizeof *info);
    rc = prepare(st, sql, &stmt, cause);
    free(sql);
    if (rc == -1)
        return -1;
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        gallery_row(stmt, info);
        found = 1;
    } else if (rc != SQLITE_DONE)
        found = cause_set(cause, "gallery %s: %s", name, sqlite3_errmsg(st->db));
    sqlite3_finalize(stmt);
    return found;
}

int
store_gallery_list(struct store *st, struct store_gallery_info **out, size_t *n, char **cause)
{
    sqlite3_stmt *stmt;
    char *sql = xasprintf("%s ORDER BY g.name", gallery_select);
    size_t cap = 0;
    int rc;

    *out = NULL;
    *n = 0;
    rc = prepare(st, sql, &stmt, cause);
    free(sql);
    if (rc == -1)
        return -1;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap == 0 ? 8 : 2 * cap;
            *out = xreallocarray(*out, cap, sizeof **out);
        }
        gallery_row(stmt, &(*out)[(*n)++]);
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) {
        store_gallery_info_free_array(*out, *n);
        *out = NULL;
        *n = 0;
        return cause_set(cause, "galleries: %s", sqlite3_errmsg(st->db));
    }
    return 0;
}

void
store_gallery_info_done(struct store_gallery_info *info)
{
    free(info->name);
    free(info->created_at);
    info->name = info->created_at = NULL;
}

void
store_gallery_info_free_array(struct store_gallery_info *a, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        store_gallery_info_done(&a[i]);
    free(a);
}

int64_t
store_gallery_delete(struct store *st, const char *name, char **cause)
{
    struct store_gallery_info info;
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = store_gallery_get(st, name, &info, cause)) != 1)
        return rc == 0 ? cause_set(cause, "no gallery named %s", name) : -1;
    store_gallery_info_done(&info);
    /* The templates go with it (ON DELETE CASCADE). */
    if (prepare(st, "DELETE FROM gallery WHERE id = ?1", &stmt, cause) == -1)
        return -1;
    sqlite3_bind_int64(stmt, 1, info.id);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE)
        return cause_set(cause, "gallery %s: %s", name, sqlite3_errmsg(st->db));
    return info.ntemplates;
}

/* ---- templates ------------------------------------------------------------------- */

int
store_template_add(struct store *st, int64_t gallery, const char *subject, const float *desc,
    int dim, const char *image_sha256, int64_t *id, char **cause)
{
    sqlite3_stmt *stmt;
    struct store_key *key;
    unsigned char *blob, *sealed;
    size_t len, slen, i;
    int64_t rowid;
    int rc, gdim = -1;

    if (*subject == '\0')
        return cause_set(cause, "a template needs a subject label");
    for (i = 0; image_sha256[i] != '\0'; i++) {
        if (strchr("0123456789abcdef", image_sha256[i]) == NULL)
            break;
    }
    if (i != SHA256_HEX_LEN || image_sha256[i] != '\0')
        return cause_set(cause, "template of %s: image hash is not 64 lowercase hex digits",
            subject);
    if (prepare(st, "SELECT dim FROM gallery WHERE id = ?1", &stmt, cause) == -1)
        return -1;
    sqlite3_bind_int64(stmt, 1, gallery);
    if (sqlite3_step(stmt) == SQLITE_ROW)
        gdim = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    if (gdim == -1)
        return cause_set(cause, "no gallery with id %lld", (long long)gallery);
    if (gdim != dim)
        return cause_set(cause, "template of %s has %d dimensions, the gallery holds %d",
            subject, dim, gdim);

    /* The blob is sealed with the row id as associated data, so insert the row
     * first (an empty blob) and fill it in; a savepoint keeps the pair atomic
     * inside or outside the caller's transaction. */
    if ((key = store_template_key(st, true, cause)) == NULL)
        return -1;
    if (store_exec(st, "SAVEPOINT template_add", cause) == -1)
        return -1;
    if (prepare(st, "INSERT INTO template(gallery_id, subject, descriptor, image_sha256) "
            "VALUES (?1, ?2, x'', ?3)", &stmt, cause) == -1)
        goto fail;
    sqlite3_bind_int64(stmt, 1, gallery);
    sqlite3_bind_text(stmt, 2, subject, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 3, image_sha256, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) {
        cause_set(cause, "template of %s: %s", subject, sqlite3_errmsg(st->db));
        goto fail;
    }
    rowid = sqlite3_last_insert_rowid(st->db);
    blob = template_encode(desc, dim, &len);
    rc = store_seal(key, "template", rowid, blob, len, &sealed, &slen, cause);
    free(blob);
    if (rc == -1)
        goto fail;
    if (prepare(st, "UPDATE template SET descriptor = ?1 WHERE id = ?2", &stmt, cause) == -1) {
        free(sealed);
        goto fail;
    }
    sqlite3_bind_blob(stmt, 1, sealed, (int)slen, SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, 2, rowid);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    free(sealed);
    if (rc != SQLITE_DONE) {
        cause_set(cause, "template of %s: %s", subject, sqlite3_errmsg(st->db));
        goto fail;
    }
    if (store_exec(st, "RELEASE template_add", cause) == -1)
        goto fail;
    if (id != NULL)
        *id = rowid;
    return 0;
fail:
    sqlite3_exec(st->db, "ROLLBACK TO template_add; RELEASE template_add", NULL, NULL, NULL);
    return -1;
}

int
store_templates_load(struct store *st, int64_t gallery, struct store_templates *t, char **cause)
{
    sqlite3_stmt *stmt;
    size_t cap = 0;
    int rc;

    memset(t, 0, sizeof *t);
    if (prepare(st, "SELECT dim FROM gallery WHERE id = ?1", &stmt, cause) == -1)
        return -1;
    sqlite3_bind_int64(stmt, 1, gallery);
    t->dim = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
    sqlite3_finalize(stmt);
    if (t->dim <= 0)
        return cause_set(cause, "no gallery with id %lld", (long long)gallery);

    if (prepare(st, "SELECT id, subject, descriptor, image_sha256 FROM template "
            "WHERE gallery_id = ?1 ORDER BY id", &stmt, cause) == -1)
        return -1;
    sqlite3_bind_int64(stmt, 1, gallery);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(stmt, 0);
        const unsigned char *blob = sqlite3_column_blob(stmt, 2);
        size_t len = (size_t)sqlite3_column_bytes(stmt, 2);

        if (t->n == cap) {
            cap = cap == 0 ? 64 : 2 * cap;
            t->vecs = xreallocarray(t->vecs, cap, (size_t)t->dim * sizeof *t->vecs);
            t->ids = xreallocarray(t->ids, cap, sizeof *t->ids);
            t->subjects = xreallocarray(t->subjects, cap, sizeof *t->subjects);
            t->image_sha256 = xreallocarray(t->image_sha256, cap, sizeof *t->image_sha256);
        }
        if (template_decode(st, id, blob, len, t->dim, t->vecs + t->n * (size_t)t->dim,
                cause) == -1) {
            sqlite3_finalize(stmt);
            store_templates_done(t);
            return -1;
        }
        t->ids[t->n] = id;
        t->subjects[t->n] = column_strdup(stmt, 1);
        t->image_sha256[t->n] = column_strdup(stmt, 3);
        t->n++;
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) {
        store_templates_done(t);
        return cause_set(cause, "templates: %s", sqlite3_errmsg(st->db));
    }
    return 0;
}

void
store_templates_done(struct store_templates *t)
{
    size_t i;

    for (i = 0; i < t->n; i++) {
        free(t->subjects[i]);
        free(t->image_sha256[i]);
    }
    free(t->vecs);
    free(t->ids);
    free(t->subjects);
    free(t->image_sha256);
    memset(t, 0, sizeof *t);
}

void
store_purge_free_array(struct store_purge *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(p[i].gallery);
    free(p);
}

int64_t
store_gallery_purge(struct store *st, const char *gallery, int days, int64_t now, bool dry_run,
    struct store_purge **out, size_t *nout, char **cause)
{
    struct store_gallery_info *gs = NULL;
    struct store_purge *res = NULL;
    size_t ng = 0, nres = 0, i;
    int64_t total = 0;
    time_t t0 = now != 0 ? (time_t)now : time(NULL);

    *out = NULL;
    *nout = 0;
    if (store_gallery_list(st, &gs, &ng, cause) == -1)
        return -1;
    if (gallery != NULL) {
        for (i = 0; i < ng && strcmp(gs[i].name, gallery) != 0; i++)
            ;
        if (i == ng) {
            store_gallery_info_free_array(gs, ng);
            return cause_set(cause, "no gallery named '%s'", gallery);
        }
    }
    if (store_begin(st, cause) == -1) {
        store_gallery_info_free_array(gs, ng);
        return -1;
    }
    res = xcalloc(ng > 0 ? ng : 1, sizeof *res);
    for (i = 0; i < ng; i++) {
        int limit = days >= 0 ? days : gs[i].retention_days;
        char cutoff[32];
        time_t c;
        struct tm tm;
        sqlite3_stmt *stmt;
        int rc;

        if ((gallery != NULL && strcmp(gs[i].name, gallery) != 0) || (days < 0 && limit <= 0))
            continue;
        c = t0 - (time_t)limit * 86400;
        gmtime_r(&c, &tm);
        strftime(cutoff, sizeof cutoff, "%Y-%m-%dT%H:%M:%SZ", &tm);
        if (prepare(st, dry_run ? "SELECT count(*) FROM template WHERE gallery_id = ?1 AND "
                "created_at < ?2" : "DELETE FROM template WHERE gallery_id = ?1 AND "
                "created_at < ?2", &stmt, cause) == -1)
            goto fail;
        sqlite3_bind_int64(stmt, 1, gs[i].id);
        sqlite3_bind_text(stmt, 2, cutoff, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(stmt);
        res[nres].gallery = xstrdup(gs[i].name);
        res[nres].days = limit;
        res[nres].removed = dry_run ? (rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0) :
            (int64_t)sqlite3_changes(st->db);
        sqlite3_finalize(stmt);
        if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
            cause_set(cause, "purging %s: %s", gs[i].name, sqlite3_errmsg(st->db));
            nres++;
            goto fail;
        }
        total += res[nres].removed;
        nres++;
    }
    if (store_commit(st, cause) == -1)
        goto fail;
    store_gallery_info_free_array(gs, ng);
    *out = res;
    *nout = nres;
    return total;
fail:
    store_rollback(st);
    store_purge_free_array(res, nres);
    store_gallery_info_free_array(gs, ng);
    return -1;
}
