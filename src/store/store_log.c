/* SPDX-License-Identifier: MIT */
/*
 * store_log.c - the hash-chained, keyed, append-only audit log.
 */
#include "config.h"

#include "faceaudit/store_log.h"

#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "store_int.h"

static const char *
log_user(void)
{
    const char *u = getenv("FACEAUDIT_USER");
    struct passwd *pw;

    if (u != NULL && *u != '\0')
        return u;
    if ((pw = getpwuid(geteuid())) != NULL && pw->pw_name != NULL)
        return pw->pw_name;
    return "unknown";
}

/* MAC over the previous MAC (hex) and the fields, each length-prefixed. */
static void
log_mac(const struct store_key *key, const char *prev, const struct store_log_entry *e,
    char out[2 * STORE_MAC_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    const char *fields[6];
    unsigned char mac[STORE_MAC_LEN];
    struct strbuf sb;
    size_t i;

    fields[0] = e->at;
    fields[1] = e->user;
    fields[2] = e->command;
    fields[3] = e->action;
    fields[4] = e->object;
    fields[5] = e->detail;
    strbuf_init(&sb);
    strbuf_printf(&sb, "faceaudit-log-v1\n%zu:%s\n%lld\n", strlen(prev), prev,
        (long long)e->id);
    for (i = 0; i < FA_NITEMS(fields); i++)
        strbuf_printf(&sb, "%zu:%s\n", strlen(fields[i]), fields[i]);
    store_mac(key, sb.buf, sb.len, mac);
    strbuf_done(&sb);
    for (i = 0; i < STORE_MAC_LEN; i++) {
        out[2 * i] = hex[mac[i] >> 4];
        out[2 * i + 1] = hex[mac[i] & 15];
    }
    out[2 * STORE_MAC_LEN] = '\0';
}

int
store_log_append(struct store *st, const struct store_key *key, const char *command,
    const char *action, const char *object, const char *detail, char **cause)
{
    sqlite3_stmt *stmt = NULL;
    struct store_log_entry e;
    char prev[2 * STORE_MAC_LEN + 1] = "", mac[2 * STORE_MAC_LEN + 1], at[32];
    bool own = sqlite3_get_autocommit(st->db) != 0;
    time_t now = time(NULL);
    struct tm tm;

    if (own && store_begin(st, cause) == -1)
        return -1;
    e.id = 1;
    if (sqlite3_prepare_v2(st->db, "SELECT id, mac FROM audit_log ORDER BY id DESC LIMIT 1",
            -1, &stmt, NULL) != SQLITE_OK)
        goto sqlerr;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        e.id = sqlite3_column_int64(stmt, 0) + 1;
        snprintf(prev, sizeof prev, "%s", (const char *)sqlite3_column_text(stmt, 1));
    }
    sqlite3_finalize(stmt);
    stmt = NULL;
    gmtime_r(&now, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    e.at = at;
    e.user = log_user();
    e.command = command;
    e.action = action;
    e.object = object;
    e.detail = detail != NULL ? detail : "";
    log_mac(key, prev, &e, mac);
    if (sqlite3_prepare_v2(st->db, "INSERT INTO audit_log(id, at, user, command, action, "
            "object, detail, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", -1, &stmt, NULL) != SQLITE_OK)
        goto sqlerr;
    sqlite3_bind_int64(stmt, 1, e.id);
    sqlite3_bind_text(stmt, 2, e.at, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, e.user, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 4, e.command, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 5, e.action, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 6, e.object, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 7, e.detail, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 8, mac, -1, SQLITE_STATIC);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        goto sqlerr;
    sqlite3_finalize(stmt);
    if (own && store_commit(st, cause) == -1) {
        store_rollback(st);
        return -1;
    }
    return 0;
sqlerr:
    cause_set(cause, "audit log: %s", sqlite3_errmsg(st->db));
    sqlite3_finalize(stmt);
    if (own)
        store_rollback(st);
    return -1;
}

static const char *
col_text(sqlite3_stmt *stmt, int i)
{
    const char *s = (const char *)sqlite3_column_text(stmt, i);

    return s != NULL ? s : "";
}

int
store_log_verify(struct store *st, const struct store_key *key,
    struct store_log_report *report, char **cause)
{
    sqlite3_stmt *stmt;
    char prev[2 * STORE_MAC_LEN + 1] = "", mac[2 * STORE_MAC_LEN + 1];
    int64_t expect = 1;
    int rc = 0, step;

    memset(report, 0, sizeof *report);
    if (sqlite3_prepare_v2(st->db, "SELECT id, at, user, command, action, object, detail, mac "
            "FROM audit_log ORDER BY id", -1, &stmt, NULL) != SQLITE_OK)
        return cause_set(cause, "audit log: %s", sqlite3_errmsg(st->db));
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct store_log_entry e;

        e.id = sqlite3_column_int64(stmt, 0);
        e.at = col_text(stmt, 1);
        e.user = col_text(stmt, 2);
        e.command = col_text(stmt, 3);
        e.action = col_text(stmt, 4);
        e.object = col_text(stmt, 5);
        e.detail = col_text(stmt, 6);
        if (e.id != expect) {
            report->bad_id = expect;
            rc = 1;
            cause_set(cause, "audit log entry %lld is missing (entries jump from %lld to %lld): "
                "entries were deleted", (long long)expect, (long long)expect - 1,
                (long long)e.id);
            break;
        }
        log_mac(key, prev, &e, mac);
        if (strcmp(mac, col_text(stmt, 7)) != 0) {
            report->bad_id = e.id;
            rc = 1;
            cause_set(cause, "audit log entry %lld (%s %s %s by %s) does not match its MAC: "
                "it was modified, or an entry before it was", (long long)e.id, e.at, e.action,
                e.object, e.user);
            break;
        }
        memcpy(prev, mac, sizeof prev);
        report->entries++;
        expect++;
    }
    if (rc == 0 && step != SQLITE_DONE) {
        rc = -1;
        cause_set(cause, "audit log: %s", sqlite3_errmsg(st->db));
    }
    sqlite3_finalize(stmt);
    memcpy(report->head, prev, sizeof report->head);
    return rc;
}

int
store_log_each(struct store *st, int64_t limit,
    void (*fn)(const struct store_log_entry *e, void *arg), void *arg, char **cause)
{
    sqlite3_stmt *stmt;
    int step;

    if (sqlite3_prepare_v2(st->db, "SELECT id, at, user, command, action, object, detail FROM "
            "(SELECT * FROM audit_log ORDER BY id DESC LIMIT ?) ORDER BY id", -1, &stmt,
            NULL) != SQLITE_OK)
        return cause_set(cause, "audit log: %s", sqlite3_errmsg(st->db));
    sqlite3_bind_int64(stmt, 1, limit > 0 ? limit : -1);
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct store_log_entry e;

        e.id = sqlite3_column_int64(stmt, 0);
        e.at = col_text(stmt, 1);
        e.user = col_text(stmt, 2);
        e.command = col_text(stmt, 3);
        e.action = col_text(stmt, 4);
        e.object = col_text(stmt, 5);
        e.detail = col_text(stmt, 6);
        fn(&e, arg);
    }
    sqlite3_finalize(stmt);
    if (step != SQLITE_DONE)
        return cause_set(cause, "audit log: %s", sqlite3_errmsg(st->db));
    return 0;
}
