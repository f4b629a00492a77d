/* SPDX-License-Identifier: MIT */
/*
 * store_log.c - the hash-chained, keyed, append-only audit log, its anchor
 * file (count and head MAC beside the key file, so truncation shows), and
 * the escaping of control characters in logged fields.
 */
#include "config.h"

#include "faceaudit/store_log.h"
#include "faceaudit/store_thumb.h"

#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "faceaudit/fsutil.h"
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

/* Control characters as \n, \r, \t, \xNN; backslashes doubled when asked. */
static char *
escape(const char *s, bool backslash)
{
    struct strbuf sb;
    const unsigned char *p;

    strbuf_init(&sb);
    strbuf_puts(&sb, "");
    for (p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '\\' && backslash)
            strbuf_puts(&sb, "\\\\");
        else if (*p == '\n')
            strbuf_puts(&sb, "\\n");
        else if (*p == '\r')
            strbuf_puts(&sb, "\\r");
        else if (*p == '\t')
            strbuf_puts(&sb, "\\t");
        else if (*p < 0x20 || *p == 0x7f)
            strbuf_printf(&sb, "\\x%02x", *p);
        else
            strbuf_putc(&sb, (char)*p);
    }
    return strbuf_detach(&sb);
}

char *
store_log_escape(const char *s)
{
    return escape(s, true);
}

/* ---- the anchor file ------------------------------------------------------------ */

/* <key file>.loghead: one line per database, "db-id count head first-mac line-mac". */
static char *
anchor_path(const struct store_key *key)
{
    return xasprintf("%s.loghead", store_key_path(key));
}

static void
hex_of(const unsigned char *b, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = hex[b[i] >> 4];
        out[2 * i + 1] = hex[b[i] & 15];
    }
    out[2 * n] = '\0';
}

/* The MAC of one anchor line's fields, so the file cannot be edited either. */
static void
anchor_mac(const struct store_key *key, const char *dbid, int64_t count, const char *head,
    const char *first, char out[2 * STORE_MAC_LEN + 1])
{
    unsigned char mac[STORE_MAC_LEN];
    char *msg = xasprintf("faceaudit-log-anchor-v1\n%s\n%lld\n%s\n%s\n", dbid,
        (long long)count, head, first);

    store_mac(key, msg, strlen(msg), mac);
    free(msg);
    hex_of(mac, sizeof mac, out);
}

/* The stored MAC of entry 1 (the log's identity beside db_id), "" if none. */
static void
log_first_mac(struct store *st, char out[65])
{
    sqlite3_stmt *stmt;

    out[0] = '\0';
    if (sqlite3_prepare_v2(st->db, "SELECT mac FROM audit_log WHERE id = 1", -1, &stmt,
            NULL) != SQLITE_OK)
        return;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != NULL)
        snprintf(out, 65, "%s", (const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
}

/*
 * Find this database's line in the anchor file: by its db_id, or else by
 * the MAC of its first entry (a changed or deleted db_id must not hide the
 * anchor). 1 found (*count, head; *moved set when only the first MAC
 * matched), 0 none, -1 unreadable or forged (*cause).
 */
static int
anchor_read(const struct store_key *key, const char *dbid, const char *first, int64_t *count,
    char head[65], bool *moved, char **cause)
{
    char *path = anchor_path(key), *text, *line, *save = NULL;
    size_t len;
    int found = 0;

    *moved = false;
    if (!fs_exists(path)) {
        free(path);
        return 0;
    }
    if ((text = fs_read_file(path, 1 << 20, &len, cause)) == NULL) {
        free(path);
        return -1;
    }
    for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        char id[65], h[65], f[65], m[65], want[2 * STORE_MAC_LEN + 1];
        long long c;
        bool byid;

        if (sscanf(line, "%64s %lld %64s %64s %64s", id, &c, h, f, m) != 5)
            continue;
        byid = dbid != NULL && strcmp(id, dbid) == 0;
        if (!byid && (*first == '\0' || strcmp(f, first) != 0))
            continue;
        anchor_mac(key, id, c, h, f, want);
        if (strcmp(want, m) != 0) {
            found = cause_set(cause, "the audit log's anchor %s was modified (its line for this "
                "database does not match its MAC)", path);
            break;
        }
        *count = c;
        snprintf(head, 65, "%s", h);
        *moved = !byid;
        found = 1;
        if (byid)
            break;
    }
    free(text);
    free(path);
    return found;
}

void
store_log_anchor_commit(struct store *st)
{
    struct strbuf sb;
    char *path, *text = NULL, *dbid, *line, *save = NULL, mac[2 * STORE_MAC_LEN + 1];
    char *cause = NULL, head[65], first[65];
    int64_t have = 0;
    bool moved;
    size_t len;

    if (!st->anchor_pending || st->anchor_key == NULL)
        return;
    st->anchor_pending = false;
    if ((dbid = store_meta_get(st, "db_id")) == NULL)
        return;
    log_first_mac(st, first);
    /* Keep the highest count: a slower writer must not move the anchor back. */
    if (anchor_read(st->anchor_key, dbid, first, &have, head, &moved, NULL) == 1 && !moved &&
        have >= st->anchor_count) {
        free(dbid);
        return;
    }
    path = anchor_path(st->anchor_key);
    strbuf_init(&sb);
    if (fs_exists(path) && (text = fs_read_file(path, 1 << 20, &len, NULL)) != NULL) {
        for (line = strtok_r(text, "\n", &save); line != NULL;
             line = strtok_r(NULL, "\n", &save)) {
            if (strncmp(line, dbid, strlen(dbid)) != 0 || line[strlen(dbid)] != ' ')
                strbuf_printf(&sb, "%s\n", line);
        }
    }
    anchor_mac(st->anchor_key, dbid, st->anchor_count, st->anchor_head, first, mac);
    strbuf_printf(&sb, "%s %lld %s %s %s\n", dbid, (long long)st->anchor_count,
        st->anchor_head, first, mac);
    if (fs_write_atomic(path, sb.buf, sb.len, 0600, &cause) == -1) {
        log_warn("audit log anchor: %s", cause);
        free(cause);
    }
    strbuf_done(&sb);
    free(text);
    free(path);
    free(dbid);
}

/* This database's random id (meta db_id), made with its first log entry. */
static int
store_meta_get_or_make_id(struct store *st)
{
    char *id = store_meta_get(st, "db_id"), hex[33];

    if (id != NULL) {
        free(id);
        return 0;
    }
    store_random_hex(hex, 16);
    return store_meta_set(st, "db_id", hex, false, NULL);
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
    char *esc[5] = { NULL, NULL, NULL, NULL, NULL };
    size_t i;

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
    /* control characters escaped in every field: a file name with a
     * newline must not print as a second, forged entry */
    e.at = at;
    e.user = esc[0] = store_log_escape(log_user());
    e.command = esc[1] = store_log_escape(command);
    e.action = esc[2] = store_log_escape(action);
    e.object = esc[3] = store_log_escape(object);
    e.detail = esc[4] = store_log_escape(detail != NULL ? detail : "");
    log_mac(key, prev, &e, mac);
    if (store_meta_get_or_make_id(st) == -1)
        goto sqlerr;
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
    for (i = 0; i < FA_NITEMS(esc); i++)
        free(esc[i]);
    st->anchor_pending = true;
    st->anchor_key = key;
    st->anchor_count = e.id;
    memcpy(st->anchor_head, mac, sizeof st->anchor_head);
    if (own && store_commit(st, cause) == -1) {
        store_rollback(st);
        return -1;
    }
    return 0;
sqlerr:
    cause_set(cause, "audit log: %s", sqlite3_errmsg(st->db));
    sqlite3_finalize(stmt);
    for (i = 0; i < FA_NITEMS(esc); i++)
        free(esc[i]);
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
store_log_verify(struct store *st, const struct store_key *key, const char *want_head,
    struct store_log_report *report, char **cause)
{
    sqlite3_stmt *stmt;
    char prev[2 * STORE_MAC_LEN + 1] = "", mac[2 * STORE_MAC_LEN + 1], *recorded, *dbid;
    char anchor_head[65] = "", at_anchor[65] = "", first[65];
    int64_t expect = 1, anchor_count = 0;
    int rc = 0, step, anchored = 0;
    bool moved = false;

    memset(report, 0, sizeof *report);
    /* a different key is named as such, not reported as tampering */
    if ((recorded = store_meta_get(st, "key_id")) != NULL &&
        strcmp(recorded, store_key_id(key)) != 0) {
        cause_set(cause, "wrong key: the audit log was written with key %s but the key file "
            "holds key %s (FACEAUDIT_KEY_FILE)", recorded, store_key_id(key));
        free(recorded);
        return -1;
    }
    free(recorded);
    dbid = store_meta_get(st, "db_id");
    log_first_mac(st, first);
    anchored = anchor_read(key, dbid, first, &anchor_count, anchor_head, &moved, cause);
    free(dbid);
    if (anchored == -1)
        return 1;
    if (anchored == 1 && moved)
        return cause_set(cause, "this database's id (meta db_id) was changed or removed: its "
            "log is the one the anchor knows under another id"), 1;
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
        if (anchored == 1 && e.id == anchor_count)
            memcpy(at_anchor, mac, sizeof at_anchor);
        report->entries++;
        expect++;
    }
    if (rc == 0 && step != SQLITE_DONE) {
        rc = -1;
        cause_set(cause, "audit log: %s", sqlite3_errmsg(st->db));
    }
    sqlite3_finalize(stmt);
    memcpy(report->head, prev, sizeof report->head);
    if (rc != 0)
        return rc;
    /* the anchor kept with the key: the log may have grown since, never shrunk */
    report->anchored = anchored == 1;
    report->anchor_count = anchor_count;
    if (anchored == 1 && anchor_count > report->entries) {
        report->bad_id = report->entries + 1;
        return cause_set(cause, "the audit log has %lld entries but its anchor records %lld: "
            "entries %lld to %lld were removed from the end", (long long)report->entries,
            (long long)anchor_count, (long long)report->entries + 1, (long long)anchor_count),
            1;
    }
    if (anchored == 1 && anchor_count > 0 && strcmp(at_anchor, anchor_head) != 0) {
        report->bad_id = anchor_count;
        return cause_set(cause, "audit log entry %lld does not have the MAC its anchor records: "
            "the log was rewritten", (long long)anchor_count), 1;
    }
    /* a head recorded elsewhere (--head): this log must be it or grown from it */
    if (want_head != NULL && strcmp(want_head, report->head) != 0) {
        report->bad_id = report->entries;
        return cause_set(cause, "the newest entry's MAC is %s, not the recorded head %s: "
            "entries were removed from the end, or added since",
            report->entries > 0 ? report->head : "(empty)", want_head), 1;
    }
    /* every stored template sealed as enrolled, and its enrolment logged */
    rc = store_templates_verify(st, true, &report->templates, cause);
    /* and every kept face thumbnail's seal (replay --keep-thumbnails) */
    if (rc == 0)
        rc = store_thumbs_verify(st, key, &report->thumbnails, cause);
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

        char *esc[6];
        size_t i;

        /* control characters of entries written before escaping, made visible */
        e.id = sqlite3_column_int64(stmt, 0);
        e.at = esc[0] = escape(col_text(stmt, 1), false);
        e.user = esc[1] = escape(col_text(stmt, 2), false);
        e.command = esc[2] = escape(col_text(stmt, 3), false);
        e.action = esc[3] = escape(col_text(stmt, 4), false);
        e.object = esc[4] = escape(col_text(stmt, 5), false);
        e.detail = esc[5] = escape(col_text(stmt, 6), false);
        fn(&e, arg);
        for (i = 0; i < FA_NITEMS(esc); i++)
            free(esc[i]);
    }
    sqlite3_finalize(stmt);
    if (step != SQLITE_DONE)
        return cause_set(cause, "audit log: %s", sqlite3_errmsg(st->db));
    return 0;
}
