/* SPDX-License-Identifier: MIT */
/*
 * store_gallery.c - galleries and face templates (tables gallery and
 * template). The only code that reads or writes descriptor blobs: little-
 * endian float32, sealed with the template key (XChaCha20-Poly1305; store_crypt.h)
 * so the database alone reveals no template: template_encode and
 * template_decode below. The associated data binds each template to its row,
 * gallery (id and name), subject, image hash and creation time: changing any
 * of them in the database makes the template fail authentication.
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
#include "faceaudit/store_log.h"
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

/* What a template's seal binds: everything about it but the descriptor. */
struct template_meta {
    int64_t id;
    int64_t gallery_id;
    const char *gallery;
    const char *subject;
    const char *image_sha256;
    const char *created_at;
};

/* The associated data of a template's seal (caller frees; *len its length). */
static char *
template_ad(const struct template_meta *m, size_t *len)
{
    char *ad = xasprintf("faceaudit-template-v2\n%lld\n%lld\n%zu:%s\n%zu:%s\n%zu:%s\n%zu:%s\n",
        (long long)m->id, (long long)m->gallery_id, strlen(m->gallery), m->gallery,
        strlen(m->subject), m->subject, strlen(m->image_sha256), m->image_sha256,
        strlen(m->created_at), m->created_at);

    *len = strlen(ad);
    return ad;
}

/*
 * Decode the sealed blob of a template into dim floats: open it with the
 * template key and its binding (store_crypt.h: a wrong key, a modified blob
 * or changed gallery, subject, hash or time is an error naming the template),
 * then check its size. Returns 0 or -1.
 */
static int
template_decode(struct store *st, const struct template_meta *m, const unsigned char *b,
    size_t len, int dim, float *out, char **cause)
{
    struct store_key *key = store_template_key(st, false, cause);
    unsigned char *plain;
    size_t plen, adlen;
    char *ad, *what;
    int i, rc;

    if (key == NULL)
        return -1;
    ad = template_ad(m, &adlen);
    what = xasprintf("template %lld (gallery %s, subject %s)", (long long)m->id, m->gallery,
        m->subject);
    rc = store_unseal_ad(key, what, ad, adlen, b != NULL ? b : (const unsigned char *)"", len,
        &plain, &plen, cause);
    free(what);
    free(ad);
    if (rc == -1)
        return -1;
    if (plen != (size_t)dim * 4) {
        free(plain);
        return cause_set(cause, "template %lld: descriptor of %zu bytes, expected %d",
            (long long)m->id, plen, dim * 4);
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
    struct template_meta meta;
    unsigned char *blob, *sealed;
    char *ad, *created, *gname;
    size_t len, slen, adlen, i;
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
    if (prepare(st, "SELECT t.created_at, g.name FROM template t JOIN gallery g ON "
            "g.id = t.gallery_id WHERE t.id = ?1", &stmt, cause) == -1)
        goto fail;
    sqlite3_bind_int64(stmt, 1, rowid);
    if (sqlite3_step(stmt) != SQLITE_ROW) {
        cause_set(cause, "template of %s: %s", subject, sqlite3_errmsg(st->db));
        sqlite3_finalize(stmt);
        goto fail;
    }
    created = column_strdup(stmt, 0);
    gname = column_strdup(stmt, 1);
    sqlite3_finalize(stmt);
    meta.id = rowid;
    meta.gallery_id = gallery;
    meta.gallery = gname;
    meta.subject = subject;
    meta.image_sha256 = image_sha256;
    meta.created_at = created;
    ad = template_ad(&meta, &adlen);
    blob = template_encode(desc, dim, &len);
    rc = store_seal_ad(key, ad, adlen, blob, len, &sealed, &slen, cause);
    free(blob);
    free(ad);
    free(created);
    free(gname);
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

/*
 * Load the key (which re-seals old templates) before a statement reads any
 * blob, when there are templates to open (of one gallery, or all with -1).
 */
static int
key_before_reading(struct store *st, int64_t gallery, char **cause)
{
    sqlite3_stmt *stmt;
    int64_t n = 0;

    if (prepare(st, "SELECT count(*) FROM template WHERE ?1 < 0 OR gallery_id = ?1", &stmt,
            cause) == -1)
        return -1;
    sqlite3_bind_int64(stmt, 1, gallery);
    if (sqlite3_step(stmt) == SQLITE_ROW)
        n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    if (n > 0 && store_template_key(st, false, cause) == NULL)
        return -1;
    return 0;
}

/* Every column a template's binding needs, in template_row_meta's order. */
#define template_select "SELECT t.id, t.subject, t.descriptor, t.image_sha256, t.created_at, " \
    "t.gallery_id, g.name FROM template t JOIN gallery g ON g.id = t.gallery_id"

/* The binding of the current row of a template_select statement (borrowed strings). */
static void
template_row_meta(sqlite3_stmt *stmt, struct template_meta *m)
{
    const unsigned char *s;

    m->id = sqlite3_column_int64(stmt, 0);
    m->subject = (s = sqlite3_column_text(stmt, 1)) != NULL ? (const char *)s : "";
    m->image_sha256 = (s = sqlite3_column_text(stmt, 3)) != NULL ? (const char *)s : "";
    m->created_at = (s = sqlite3_column_text(stmt, 4)) != NULL ? (const char *)s : "";
    m->gallery_id = sqlite3_column_int64(stmt, 5);
    m->gallery = (s = sqlite3_column_text(stmt, 6)) != NULL ? (const char *)s : "";
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
    if (key_before_reading(st, gallery, cause) == -1)
        return -1;

    if (prepare(st, template_select " WHERE t.gallery_id = ?1 ORDER BY t.id", &stmt,
            cause) == -1)
        return -1;
    sqlite3_bind_int64(stmt, 1, gallery);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(stmt, 0);
        const unsigned char *blob = sqlite3_column_blob(stmt, 2);
        size_t len = (size_t)sqlite3_column_bytes(stmt, 2);
        struct template_meta meta;

        if (t->n == cap) {
            cap = cap == 0 ? 64 : 2 * cap;
            t->vecs = xreallocarray(t->vecs, cap, (size_t)t->dim * sizeof *t->vecs);
            t->ids = xreallocarray(t->ids, cap, sizeof *t->ids);
            t->subjects = xreallocarray(t->subjects, cap, sizeof *t->subjects);
            t->image_sha256 = xreallocarray(t->image_sha256, cap, sizeof *t->image_sha256);
        }
        template_row_meta(stmt, &meta);
        if (template_decode(st, &meta, blob, len, t->dim, t->vecs + t->n * (size_t)t->dim,
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
    struct store_key *key = NULL;
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
    /* the key is needed for the log entries, which commit with the deletions */
    if (!dry_run && ng > 0 && (key = store_template_key(st, true, cause)) == NULL) {
        store_gallery_info_free_array(gs, ng);
        return -1;
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
        /* <=: times have whole seconds, so --older-than 0 also takes the
         * templates created in this very second */
        if (prepare(st, dry_run ? "SELECT count(*) FROM template WHERE gallery_id = ?1 AND "
                "created_at <= ?2" : "DELETE FROM template WHERE gallery_id = ?1 AND "
                "created_at <= ?2", &stmt, cause) == -1)
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
        if (!dry_run) {
            char *object = xasprintf("gallery:%s", gs[i].name);
            char *detail = xasprintf("%lld templates older than %d days%s",
                (long long)res[nres - 1].removed, limit, days < 0 ?
                " (the gallery's retention)" : "");

            rc = store_log_append(st, key, "purge", "purge", object, detail, cause);
            free(object);
            free(detail);
            if (rc == -1)
                goto fail;
            store_crash_point("purge_logged");
        }
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

/* After a RELEASE that ended the transaction: let the log's anchor move. */
static void
released(struct store *st)
{
    if (sqlite3_get_autocommit(st->db))
        store_log_anchor_commit(st);
}

int
store_templates_upgrade(struct store *st, char **cause)
{
    sqlite3_stmt *sel = NULL, *upd = NULL;
    char *done = store_meta_get(st, "template_seal"), *detail;
    int64_t n = 0;
    int rc;

    if (done != NULL && strcmp(done, "2") == 0) {
        free(done);
        return 0;
    }
    free(done);
    if (store_exec(st, "SAVEPOINT template_upgrade", cause) == -1)
        return -1;
    if (prepare(st, template_select " WHERE substr(t.descriptor, 1, 4) = CAST('FAS1' AS BLOB) "
            "ORDER BY t.id", &sel, cause) == -1 ||
        prepare(st, "UPDATE template SET descriptor = ?1 WHERE id = ?2", &upd, cause) == -1)
        goto fail;
    while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
        struct template_meta m;
        const unsigned char *blob = sqlite3_column_blob(sel, 2);
        size_t len = (size_t)sqlite3_column_bytes(sel, 2), plen, slen, adlen;
        unsigned char *plain, *sealed;
        char *ad;

        template_row_meta(sel, &m);
        /* the old binding (table and row) must still hold before re-binding */
        if (store_unseal(st->key, "template", m.id, blob, len, &plain, &plen, cause) == -1)
            goto fail;
        ad = template_ad(&m, &adlen);
        rc = store_seal_ad(st->key, ad, adlen, plain, plen, &sealed, &slen, cause);
        free(ad);
        free(plain);
        if (rc == -1)
            goto fail;
        sqlite3_reset(upd);
        sqlite3_bind_blob(upd, 1, sealed, (int)slen, SQLITE_TRANSIENT);
        sqlite3_bind_int64(upd, 2, m.id);
        rc = sqlite3_step(upd);
        free(sealed);
        if (rc != SQLITE_DONE) {
            cause_set(cause, "re-sealing template %lld: %s", (long long)m.id,
                sqlite3_errmsg(st->db));
            goto fail;
        }
        n++;
    }
    if (rc != SQLITE_DONE) {
        cause_set(cause, "re-sealing templates: %s", sqlite3_errmsg(st->db));
        goto fail;
    }
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    sel = upd = NULL;
    if (n > 0) {
        detail = xasprintf("%lld templates re-sealed bound to gallery, subject, image and time",
            (long long)n);
        rc = store_log_append(st, st->key, "upgrade", "reseal", "templates", detail, cause);
        free(detail);
        if (rc == -1)
            goto fail;
    }
    if (store_meta_set(st, "template_seal", "2", true, cause) == -1 ||
        store_exec(st, "RELEASE template_upgrade", cause) == -1)
        goto fail;
    released(st);
    return 0;
fail:
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    sqlite3_exec(st->db, "ROLLBACK TO template_upgrade; RELEASE template_upgrade", NULL, NULL,
        NULL);
    cause_prefix(cause, "upgrading the template seals");
    return -1;
}

int
store_templates_verify(struct store *st, bool enrolments, int64_t *ntemplates, char **cause)
{
    sqlite3_stmt *stmt;
    float *buf = NULL;
    int rc, dim;

    *ntemplates = 0;
    if (key_before_reading(st, -1, cause) == -1)
        return -1;
    /* each seal: a template moved to another gallery or relabelled fails here */
    if (prepare(st, template_select " ORDER BY t.id", &stmt, cause) == -1)
        return -1;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct template_meta m;
        size_t len = (size_t)sqlite3_column_bytes(stmt, 2);

        template_row_meta(stmt, &m);
        dim = len > STORE_SEAL_OVERHEAD ? (int)((len - STORE_SEAL_OVERHEAD) / 4) : 0;
        buf = xreallocarray(buf, (size_t)(dim > 0 ? dim : 1), sizeof *buf);
        if (template_decode(st, &m, sqlite3_column_blob(stmt, 2), len, dim, buf, cause) == -1) {
            sqlite3_finalize(stmt);
            free(buf);
            return st->key == NULL ? -1 : 1;
        }
        (*ntemplates)++;
    }
    free(buf);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE)
        return cause_set(cause, "templates: %s", sqlite3_errmsg(st->db));
    if (!enrolments)
        return 0;
    /* each template's enrolment in the log ("template ID subject ...") */
    if (prepare(st, "SELECT t.id, g.name, t.subject FROM template t JOIN gallery g ON "
            "g.id = t.gallery_id WHERE t.id NOT IN (SELECT CAST(substr(detail, 10, "
            "instr(substr(detail, 10), ' ') - 1) AS INTEGER) FROM audit_log WHERE "
            "action = 'enrol' AND detail LIKE 'template % %') ORDER BY t.id LIMIT 1", &stmt,
            cause) == -1)
        return -1;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        cause_set(cause, "template %lld (gallery %s, subject %s) has no enrolment entry in the "
            "audit log: log entries were removed", (long long)sqlite3_column_int64(stmt, 0),
            (const char *)sqlite3_column_text(stmt, 1),
            (const char *)sqlite3_column_text(stmt, 2));
        rc = 1;
    } else if (rc == SQLITE_DONE)
        rc = 0;
    else
        rc = cause_set(cause, "templates: %s", sqlite3_errmsg(st->db));
    sqlite3_finalize(stmt);
    return rc;
}
