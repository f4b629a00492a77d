/* SPDX-License-Identifier: MIT */
/*
 * store_thumb.c - the sealed face thumbnails of replay --keep-thumbnails
 * (migration 12): put with the run, list, open, purge once expired and log
 * exports; see store_thumb.h.
 */
#include "config.h"

#include "faceaudit/store_thumb.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/log.h"
#include "faceaudit/store_log.h"
#include "faceaudit/xmalloc.h"
#include "store_int.h"

static int
sql_fail(struct store *st, char **cause, const char *what)
{
    return cause_set(cause, "thumbnails: %s: %s", what, sqlite3_errmsg(st->db));
}

/* The associated data: run, device, date, track and size (caller frees). */
static char *
thumb_ad(int64_t run, const struct store_thumb *t, size_t *len)
{
    char date[11], *ad;

    date_format(t->date, date);
    ad = xasprintf("faceaudit-thumbnail/1\n%lld\n%s\n%s\n%d\n%dx%d", (long long)run, t->device,
        date, t->track, t->width, t->height);
    *len = strlen(ad);
    return ad;
}

static char *
thumb_name(const struct store_thumb *t)
{
    char date[11];

    date_format(t->date, date);
    return xasprintf("thumbnail %lld (run %lld, %s %s track %d)", (long long)t->id,
        (long long)t->run_id, t->device, date, t->track);
}

int
store_thumbs_put(struct store *st, const struct store_key *key, int64_t run_id,
    const struct store_thumb *t, size_t n, char **cause)
{
    sqlite3_stmt *s = NULL;
    fa_date until = FA_DATE_NONE;
    size_t i;

    if (n == 0)
        return 0;
    if (sqlite3_prepare_v2(st->db, "INSERT INTO thumbnail(run_id, device, date, track, file, "
            "time, width, height, expires, sealed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
            "?10)", -1, &s, NULL) != SQLITE_OK)
        return sql_fail(st, cause, "storing");
    for (i = 0; i < n; i++) {
        unsigned char *sealed;
        size_t slen, adlen;
        char date[11], exp[11], *ad;
        int rc;

        if (t[i].width < 1 || t[i].height < 1 || t[i].width > STORE_THUMB_MAX_SIDE ||
            t[i].height > STORE_THUMB_MAX_SIDE || t[i].rgb == NULL) {
            sqlite3_finalize(s);
            return cause_set(cause, "thumbnails: track %d of %s: bad size %dx%d", t[i].track,
                t[i].device, t[i].width, t[i].height);
        }
        ad = thumb_ad(run_id, &t[i], &adlen);
        rc = store_seal_ad(key, ad, adlen, t[i].rgb, (size_t)t[i].width *
            (size_t)t[i].height * 3, &sealed, &slen, cause);
        free(ad);
        if (rc == -1) {
            sqlite3_finalize(s);
            return -1;
        }
        date_format(t[i].date, date);
        date_format(t[i].expires, exp);
        until = t[i].expires;
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, run_id);
        sqlite3_bind_text(s, 2, t[i].device, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 3, date, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(s, 4, t[i].track);
        sqlite3_bind_text(s, 5, t[i].file, -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(s, 6, t[i].time);
        sqlite3_bind_int(s, 7, t[i].width);
        sqlite3_bind_int(s, 8, t[i].height);
        sqlite3_bind_text(s, 9, exp, -1, SQLITE_TRANSIENT);
        sqlite3_bind_blob(s, 10, sealed, (int)slen, SQLITE_TRANSIENT);
        rc = sqlite3_step(s);
        free(sealed);
        if (rc != SQLITE_DONE) {
            sql_fail(st, cause, "storing");
            sqlite3_finalize(s);
            return -1;
        }
    }
    sqlite3_finalize(s);
    {
        char exp[11], *object = xasprintf("run:%lld", (long long)run_id), *detail;
        int rc;

        date_format(until, exp);
        detail = xasprintf("%zu face thumbnail%s kept (sealed) until %s", n, n == 1 ? "" : "s",
            exp);
        rc = store_log_append(st, key, "replay", "keep-thumbnails", object, detail, cause);
        free(object);
        free(detail);
        return rc;
    }
}

int
store_thumbs_list(struct store *st, int64_t run_id, struct store_thumb **out, size_t *n,
    char **cause)
{
    sqlite3_stmt *s;
    struct store_thumb *v = NULL;
    size_t k = 0, cap = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(st->db, "SELECT id, run_id, device, date, track, file, time, width, "
            "height, expires FROM thumbnail WHERE ?1 = 0 OR run_id = ?1 "
            "ORDER BY run_id, device, date, track", -1, &s, NULL) != SQLITE_OK)
        return sql_fail(st, cause, "listing");
    sqlite3_bind_int64(s, 1, run_id);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct store_thumb *t;

        if (k == cap) {
            cap = cap == 0 ? 16 : cap * 2;
            v = xreallocarray(v, cap, sizeof *v);
        }
        t = &v[k++];
        memset(t, 0, sizeof *t);
        t->id = sqlite3_column_int64(s, 0);
        t->run_id = sqlite3_column_int64(s, 1);
        t->device = xstrdup((const char *)sqlite3_column_text(s, 2));
        if (date_parse((const char *)sqlite3_column_text(s, 3), &t->date, NULL) == -1)
            t->date = FA_DATE_NONE;
        t->track = sqlite3_column_int(s, 4);
        t->file = xstrdup((const char *)sqlite3_column_text(s, 5));
        t->time = sqlite3_column_double(s, 6);
        t->width = sqlite3_column_int(s, 7);
        t->height = sqlite3_column_int(s, 8);
        if (date_parse((const char *)sqlite3_column_text(s, 9), &t->expires, NULL) == -1)
            t->expires = FA_DATE_NONE;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        store_thumbs_free(v, k);
        return sql_fail(st, cause, "listing");
    }
    *out = v;
    *n = k;
    return 0;
}

void
store_thumbs_free(struct store_thumb *t, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(t[i].device);
        free(t[i].file);
    }
    free(t);
}

int
store_thumb_open(struct store *st, const struct store_key *key, const struct store_thumb *t,
    unsigned char **rgb, char **cause)
{
    sqlite3_stmt *s;
    unsigned char *plain = NULL;
    size_t plen = 0, adlen;
    char *ad, *what;
    int rc;

    *rgb = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT sealed FROM thumbnail WHERE id = ?1", -1, &s,
            NULL) != SQLITE_OK)
        return sql_fail(st, cause, "reading");
    sqlite3_bind_int64(s, 1, t->id);
    what = thumb_name(t);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        rc = cause_set(cause, "%s: not found", what);
        free(what);
        return rc;
    }
    ad = thumb_ad(t->run_id, t, &adlen);
    {
        const unsigned char *b = sqlite3_column_blob(s, 0);
        size_t len = (size_t)sqlite3_column_bytes(s, 0);

        rc = store_unseal_ad(key, what, ad, adlen, b != NULL ? b : (const unsigned char *)"",
            len, &plain, &plen, cause);
    }
    sqlite3_finalize(s);
    free(ad);
    if (rc == 0 && plen != (size_t)t->width * (size_t)t->height * 3) {
        free(plain);
        rc = cause_set(cause, "%s: %zu bytes of pixels, expected %dx%dx3", what, plen,
            t->width, t->height);
    } else if (rc == 0)
        *rgb = plain;
    free(what);
    return rc;
}

int64_t
store_thumbs_purge(struct store *st, fa_date today, bool dry_run, struct store_purge **out,
    size_t *nout, char **cause)
{
    struct store_purge *res = NULL;
    struct store_key *key = NULL;
    sqlite3_stmt *s = NULL, *del = NULL;
    size_t n = 0, cap = 0;
    int64_t total = 0;
    char day[11];
    int rc;

    *out = NULL;
    *nout = 0;
    date_format(today, day);
    if (!dry_run && store_thumbs_count(st, 0) > 0 &&
        (key = store_template_key(st, true, cause)) == NULL)
        return -1;
    if (store_begin(st, cause) == -1)
        return -1;
    if (sqlite3_prepare_v2(st->db, "SELECT t.run_id, coalesce(r.name, '#' || r.id), count(*), "
            "max(t.expires) FROM thumbnail t JOIN run r ON r.id = t.run_id WHERE t.expires <= ?1 "
            "GROUP BY t.run_id ORDER BY t.run_id", -1, &s, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(st->db, "DELETE FROM thumbnail WHERE run_id = ?1 AND expires <= ?2",
            -1, &del, NULL) != SQLITE_OK)
        goto sqlerr;
    sqlite3_bind_text(s, 1, day, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t run = sqlite3_column_int64(s, 0), cnt = sqlite3_column_int64(s, 2);
        const char *name = (const char *)sqlite3_column_text(s, 1);

        if (n == cap) {
            cap = cap == 0 ? 4 : 2 * cap;
            res = xreallocarray(res, cap, sizeof *res);
        }
        res[n].gallery = xasprintf("replay %s", name);
        res[n].days = 0;
        res[n].removed = cnt;
        n++;
        total += cnt;
        if (dry_run)
            continue;
        sqlite3_reset(del);
        sqlite3_bind_int64(del, 1, run);
        sqlite3_bind_text(del, 2, day, -1, SQLITE_STATIC);
        if (sqlite3_step(del) != SQLITE_DONE)
            goto sqlerr;
        {
            char *object = xasprintf("run:%lld", (long long)run);
            char *detail = xasprintf("%lld face thumbnail%s of replay %s expired on or before "
                "%s", (long long)cnt, cnt == 1 ? "" : "s", name, day);

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
    sql_fail(st, cause, "purging");
fail:
    sqlite3_finalize(s);
    sqlite3_finalize(del);
    store_rollback(st);
    store_purge_free_array(res, n);
    return -1;
}

int
store_thumbs_log_export(struct store *st, const struct store_key *key, int64_t run_id,
    size_t n, const char *dir, char **cause)
{
    char *object = xasprintf("run:%lld", (long long)run_id);
    char *detail = xasprintf("%zu face thumbnail%s exported as PNG into %s", n,
        n == 1 ? "" : "s", dir);
    int rc = store_log_append(st, key, "thumbnails", "export", object, detail, cause);

    free(object);
    free(detail);
    return rc;
}

int64_t
store_thumbs_count(struct store *st, int64_t run_id)
{
    sqlite3_stmt *s;
    int64_t c = -1;

    if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM thumbnail WHERE ?1 = 0 OR run_id = ?1",
            -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, run_id);
    if (sqlite3_step(s) == SQLITE_ROW)
        c = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return c;
}

int
store_thumbs_verify(struct store *st, const struct store_key *key, int64_t *n, char **cause)
{
    struct store_thumb *t;
    size_t k, i;

    *n = 0;
    if (store_thumbs_list(st, 0, &t, &k, cause) == -1)
        return -1;
    for (i = 0; i < k; i++) {
        unsigned char *rgb;

        if (store_thumb_open(st, key, &t[i], &rgb, cause) == -1) {
            store_thumbs_free(t, k);
            return 1;
        }
        free(rgb);
        (*n)++;
    }
    store_thumbs_free(t, k);
    return 0;
}
