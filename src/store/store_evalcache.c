/* SPDX-License-Identifier: MIT */
/*
 * store_evalcache.c - sealed per-image descriptors of a running evaluation,
 * for `faceaudit eval --resume`.
 */
#include "config.h"

#include "faceaudit/store_evalcache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "faceaudit/log.h"
#include "faceaudit/store.h"
#include "faceaudit/store_crypt.h"
#include "faceaudit/store_gallery.h"
#include "faceaudit/store_log.h"
#include "faceaudit/xmalloc.h"
#include "store_int.h"

/* Seal binding: the run id as the row, the image hash in the table label. */
static char *
cache_label(const char *sha256)
{
    return xasprintf("eval_desc:%s", sha256);
}

int
store_evalcache_get(struct store *st, int64_t run, const char *sha256, float *out, int dim,
    int *status, char **cause)
{
    sqlite3_stmt *s;
    int rc;

    if (sqlite3_prepare_v2(st->db, "SELECT status, descriptor FROM eval_desc WHERE run = ?1 "
            "AND sha256 = ?2", -1, &s, NULL) != SQLITE_OK)
        return cause_set(cause, "eval cache: %s", sqlite3_errmsg(st->db));
    sqlite3_bind_int64(s, 1, run);
    sqlite3_bind_text(s, 2, sha256, -1, SQLITE_STATIC);
    if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return rc == SQLITE_DONE ? 0 : cause_set(cause, "eval cache: %s",
            sqlite3_errmsg(st->db));
    }
    *status = sqlite3_column_int(s, 0);
    if (*status == 0) {
        struct store_key *key = store_template_key(st, false, cause);
        const unsigned char *blob = sqlite3_column_blob(s, 1);
        size_t len = (size_t)sqlite3_column_bytes(s, 1), plen;
        unsigned char *plain;
        char *label = cache_label(sha256);

        rc = key == NULL ? -1 : store_unseal(key, label, run, blob != NULL ? blob :
            (const unsigned char *)"", len, &plain, &plen, cause);
        free(label);
        if (rc == -1) {
            sqlite3_finalize(s);
            return -1;
        }
        if (plen != (size_t)dim * sizeof *out) {
            free(plain);
            sqlite3_finalize(s);
            return cause_set(cause, "eval cache: descriptor of %zu bytes, expected %zu", plen,
                (size_t)dim * sizeof *out);
        }
        memcpy(out, plain, plen);
        free(plain);
    }
    sqlite3_finalize(s);
    return 1;
}

int
store_evalcache_put(struct store *st, int64_t run, const char *sha256, const float *desc,
    int dim, int status, char **cause)
{
    unsigned char *sealed = NULL;
    size_t slen = 0;
    sqlite3_stmt *s;
    int rc;

    if (status == 0) {
        struct store_key *key = store_template_key(st, true, cause);
        char *label = cache_label(sha256);

        rc = key == NULL ? -1 : store_seal(key, label, run, desc, (size_t)dim * sizeof *desc,
            &sealed, &slen, cause);
        free(label);
        if (rc == -1)
            return -1;
    }
    if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO eval_desc(run, sha256, status, "
            "descriptor) VALUES (?1, ?2, ?3, ?4)", -1, &s, NULL) != SQLITE_OK) {
        free(sealed);
        return cause_set(cause, "eval cache: %s", sqlite3_errmsg(st->db));
    }
    sqlite3_bind_int64(s, 1, run);
    sqlite3_bind_text(s, 2, sha256, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 3, status);
    if (sealed != NULL)
        sqlite3_bind_blob(s, 4, sealed, (int)slen, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, 4);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    free(sealed);
    if (rc != SQLITE_DONE)
        return cause_set(cause, "eval cache: %s", sqlite3_errmsg(st->db));
    store_crash_point("eval_desc");
    return 0;
}

int
store_evalcache_clear(struct store *st, int64_t run, char **cause)
{
    sqlite3_stmt *s;
    int rc;

    if (sqlite3_prepare_v2(st->db, "DELETE FROM eval_desc WHERE run = ?1", -1, &s, NULL) !=
        SQLITE_OK)
        return cause_set(cause, "eval cache: %s", sqlite3_errmsg(st->db));
    sqlite3_bind_int64(s, 1, run);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : cause_set(cause, "eval cache: %s", sqlite3_errmsg(st->db));
}

/* Number of cached descriptors of unfinished runs started at or before cutoff. */
static int64_t
store_evalcache_stale(struct store *st, const char *cutoff)
{
    sqlite3_stmt *s;
    int64_t n = 0;

    if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM eval_desc d JOIN run r ON "
            "r.id = d.run WHERE r.status <> 'complete' AND r.created_at <= ?1", -1, &s,
            NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(s, 1, cutoff, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

int64_t
store_eval_find_running(struct store *st, const char *name, char manifest[65], char **cause)
{
    sqlite3_stmt *s;
    int64_t id = -1;

    if (sqlite3_prepare_v2(st->db, "SELECT r.id, r.status, e.manifest_sha256 FROM run r JOIN "
            "eval_run e ON e.run_id = r.id WHERE r.kind = 'eval' AND r.name = ?1", -1, &s,
            NULL) != SQLITE_OK)
        return cause_set(cause, "%s", sqlite3_errmsg(st->db));
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_ROW)
        cause_set(cause, "no eval run named '%s' to resume", name);
    else if (strcmp((const char *)sqlite3_column_text(s, 1), "running") != 0)
        cause_set(cause, "eval run '%s' is %s, not a killed run: nothing to resume", name,
            (const char *)sqlite3_column_text(s, 1));
    else {
        id = sqlite3_column_int64(s, 0);
        snprintf(manifest, 65, "%s", (const char *)sqlite3_column_text(s, 2));
    }
    sqlite3_finalize(s);
    return id;
}

int64_t
store_evalcache_purge(struct store *st, int days, int64_t now, bool dry_run,
    struct store_purge **out, size_t *nout, char **cause)
{
    struct store_purge *res = NULL;
    struct store_key *key = NULL;
    sqlite3_stmt *s = NULL, *del = NULL;
    size_t n = 0, cap = 0;
    int64_t total = 0;
    time_t c = (now != 0 ? (time_t)now : time(NULL)) - (time_t)days * 86400;
    struct tm tm;
    char cutoff[32];
    int rc;

    *out = NULL;
    *nout = 0;
    gmtime_r(&c, &tm);
    strftime(cutoff, sizeof cutoff, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!dry_run && store_evalcache_stale(st, cutoff) > 0 &&
        (key = store_template_key(st, true, cause)) == NULL)
        return -1;
    if (store_begin(st, cause) == -1)
        return -1;
    /* runs that never completed (killed, or failed) and started before the cutoff */
    if (sqlite3_prepare_v2(st->db, "SELECT r.id, coalesce(r.name, '#' || r.id), count(*) FROM "
            "eval_desc d JOIN run r ON r.id = d.run WHERE r.status <> 'complete' AND "
            "r.created_at <= ?1 GROUP BY r.id ORDER BY r.id", -1, &s, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(st->db, "DELETE FROM eval_desc WHERE run = ?1", -1, &del,
            NULL) != SQLITE_OK)
        goto sqlerr;
    sqlite3_bind_text(s, 1, cutoff, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t run = sqlite3_column_int64(s, 0), cnt = sqlite3_column_int64(s, 2);

        if (n == cap) {
            cap = cap == 0 ? 4 : 2 * cap;
            res = xreallocarray(res, cap, sizeof *res);
        }
        res[n].gallery = xasprintf("eval run %s", (const char *)sqlite3_column_text(s, 1));
        res[n].days = days;
        res[n].removed = cnt;
        n++;
        total += cnt;
        if (dry_run)
            continue;
        sqlite3_reset(del);
        sqlite3_bind_int64(del, 1, run);
        if (sqlite3_step(del) != SQLITE_DONE)
            goto sqlerr;
        {
            char *object = xasprintf("eval:%s", (const char *)sqlite3_column_text(s, 1));
            char *detail = xasprintf("%lld sealed descriptors of a run that did not complete, "
                "started more than %d days ago", (long long)cnt, days);

            rc = store_log_append(st, key, "purge", "purge", object, detail, cause);
            free(object);
            free(detail);
            if (rc == -1)
                goto fail;
        }
    }
    if (rc != SQLITE_DONE)
        goto sqlerr;
    sqlite3_finalize(s);
    sqlite3_finalize(del);
    s = del = NULL;
    if (store_commit(st, cause) == -1)
        goto fail;
    *out = res;
    *nout = n;
    return total;
sqlerr:
    cause_set(cause, "eval cache: %s", sqlite3_errmsg(st->db));
fail:
    sqlite3_finalize(s);
    sqlite3_finalize(del);
    store_rollback(st);
    store_purge_free_array(res, n);
    return -1;
}
