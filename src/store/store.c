/* SPDX-License-Identifier: MIT */
/*
 * store.c - open the SQLite database with the pragmas faceaudit relies on
 * (WAL, foreign keys, busy timeout), create it 0600, and migrate it.
 */
#include "config.h"

#include "faceaudit/store.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/store_crypt.h"
#include "faceaudit/xmalloc.h"
#include "store_int.h"

char *
store_default_path(void)
{
    const char *env = getenv("FACEAUDIT_DB");
    char *home, *path;

    if (env != NULL && *env != '\0')
        return xstrdup(env);
    home = path_data_home();
    path = path_join(home, "faceaudit.db");
    free(home);
    return path;
}

static int
store_pragmas(struct store *st, char **cause)
{
    sqlite3_busy_timeout(st->db, 5000);
    if (store_exec(st, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"
            "PRAGMA synchronous=NORMAL;", cause) == -1)
        return -1;
    return 0;
}

struct store *
store_open_raw(const char *path, char **cause)
{
    struct store *st;
    struct stat sb;
    char *dir, *slash;
    int fd;

    /* Create the parent folder 0700 and the file itself 0600 before SQLite
     * sees it: the database holds face templates (Art. 14 controls). */
    dir = xstrdup(path);
    if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
        *slash = '\0';
        if (!fs_is_dir(dir) && fs_mkdir_p(dir, 0700, cause) == -1) {
            free(dir);
            return NULL;
        }
    }
    free(dir);
    /* O_NOFOLLOW and checks on the open file: a symlink planted at the path
     * or a file someone else prepared (and can still write) is refused. */
    if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600)) == -1) {
        if (errno == ELOOP)
            cause_set(cause, "%s is a symbolic link: refusing to follow it (give the real "
                "path with --db)", path);
        else
            cause_set(cause, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &sb) == -1) {
        cause_set(cause, "%s: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    close(fd);
    if (!S_ISREG(sb.st_mode))
        return cause_set(cause, "%s is not a regular file", path), NULL;
    if (sb.st_uid != geteuid())
        return cause_set(cause, "%s is owned by uid %u, not by you (uid %u): refusing a "
            "database someone else prepared", path, (unsigned)sb.st_uid,
            (unsigned)geteuid()), NULL;
    if ((sb.st_mode & (S_IWGRP | S_IWOTH)) != 0)
        return cause_set(cause, "%s has mode %03o: writable by others; run chmod 600 %s", path,
            (unsigned)(sb.st_mode & 0777), path), NULL;

    st = xcalloc(1, sizeof *st);
    st->path = xstrdup(path);
    if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX |
            SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
        cause_set(cause, "%s: %s", path, st->db != NULL ? sqlite3_errmsg(st->db) :
            "cannot open database");
        store_close(st);
        return NULL;
    }
    sqlite3_extended_result_codes(st->db, 1);
    if (store_pragmas(st, cause) == -1) {
        cause_prefix(cause, "%s", path);
        store_close(st);
        return NULL;
    }
    return st;
}

/* "file:PATH?mode=ro&immutable=1" with PATH percent-encoded (RFC 3986; SQLite URIs). */
static char *
store_file_uri(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(path), i, j = 0;
    char *u = xmalloc(5 + 3 * n + 32);

    memcpy(u, "file:", 5);
    j = 5;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)path[i];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '/' || c == '.' || c == '-' || c == '_' || c == '~')
            u[j++] = (char)c;
        else {
            u[j++] = '%';
            u[j++] = hex[c >> 4];
            u[j++] = hex[c & 15];
        }
    }
    memcpy(u + j, "?mode=ro&immutable=1", 21);
    return u;
}

struct store *
store_open_readonly(const char *path, char **cause)
{
    struct store *st;
    struct stat sb;
    char *wal = xasprintf("%s-wal", path), *uri;
    int v, newest = store_migrations[store_nmigrations - 1].version;

    if (stat(wal, &sb) == 0 && sb.st_size > 0) {
        cause_set(cause, "%s: has pending write-ahead log content (%s): the task that wrote "
            "it did not finish; copy out only completed shard databases", path, wal);
        free(wal);
        return NULL;
    }
    free(wal);
    if (stat(path, &sb) == -1) {
        cause_set(cause, "%s: %s", path, strerror(errno));
        return NULL;
    }
    st = xcalloc(1, sizeof *st);
    st->path = xstrdup(path);
    uri = store_file_uri(path);
    if (sqlite3_open_v2(uri, &st->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
            SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
        cause_set(cause, "%s: %s", path, st->db != NULL ? sqlite3_errmsg(st->db) :
            "cannot open database");
        free(uri);
        store_close(st);
        return NULL;
    }
    free(uri);
    sqlite3_extended_result_codes(st->db, 1);
    v = store_user_version(st);
    if (v != newest) {
        cause_set(cause, "%s: schema version %d, this faceaudit reads %d (open it once "
            "read-write with this faceaudit to migrate it)", path, v, newest);
        store_close(st);
        return NULL;
    }
    return st;
}

struct store *
store_open(const char *path, char **cause)
{
    struct store *st = store_open_raw(path, cause);

    if (st == NULL)
        return NULL;
    if (store_migrate(st, cause) == -1) {
        cause_prefix(cause, "%s", path);
        store_close(st);
        return NULL;
    }
    return st;
}

void
store_close(struct store *st)
{
    if (st == NULL)
        return;
    if (st->db != NULL)
        sqlite3_close_v2(st->db);
    store_key_free(st->key);
    free(st->path);
    free(st);
}

const char *
store_path(const struct store *st)
{
    return st->path;
}

int
store_exec(struct store *st, const char *sql, char **cause)
{
    char *err = NULL;

    if (sqlite3_exec(st->db, sql, NULL, NULL, &err) != SQLITE_OK) {
        cause_set(cause, "%s", err != NULL ? err : sqlite3_errmsg(st->db));
        sqlite3_free(err);
        return -1;
    }
    return 0;
}

int
store_begin(struct store *st, char **cause)
{
    return store_exec(st, "BEGIN IMMEDIATE", cause);
}

int
store_commit(struct store *st, char **cause)
{
    if (store_exec(st, "COMMIT", cause) == -1)
        return -1;
    /* the log's anchor only moves once its entries are durable */
    store_log_anchor_commit(st);
    return 0;
}

void
store_rollback(struct store *st)
{
    if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    st->anchor_pending = false;
}

int
store_user_version(struct store *st)
{
    sqlite3_stmt *stmt;
    int v = -1;

    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(stmt) == SQLITE_ROW)
        v = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
}

/* A rebuilt table left no dangling reference: 0, or -1 with *cause naming the first. */
static int
fk_check(struct store *st, char **cause)
{
    sqlite3_stmt *stmt;
    int rc = 0;

    if (sqlite3_prepare_v2(st->db, "PRAGMA foreign_key_check", -1, &stmt, NULL) != SQLITE_OK)
        return cause_set(cause, "foreign key check: %s", sqlite3_errmsg(st->db));
    if (sqlite3_step(stmt) == SQLITE_ROW)
        rc = cause_set(cause, "a row of %s refers to a missing row of %s",
            (const char *)sqlite3_column_text(stmt, 0),
            (const char *)sqlite3_column_text(stmt, 2));
    sqlite3_finalize(stmt);
    return rc;
}

int
store_migrate(struct store *st, char **cause)
{
    int have = store_user_version(st), newest, applied = 0;
    unsigned i;

    if (have < 0)
        return cause_set(cause, "cannot read schema version: %s", sqlite3_errmsg(st->db));
    newest = store_migrations[store_nmigrations - 1].version;
    if (have > newest)
        return cause_set(cause, "database schema version %d is newer than this faceaudit "
            "understands (%d): upgrade faceaudit", have, newest);
    for (i = 0; i < store_nmigrations; i++) {
        const struct store_migration *m = &store_migrations[i];
        char *sql;

        if (m->version <= have)
            continue;
        /* foreign keys can only be switched outside a transaction; dropping a
         * parent table with them on would delete its children */
        if (m->rebuild && store_exec(st, "PRAGMA foreign_keys=OFF", cause) == -1)
            return -1;
        if (store_begin(st, cause) == -1) {
            if (m->rebuild)
                store_exec(st, "PRAGMA foreign_keys=ON", NULL);
            return -1;
        }
        /* Another process may have migrated since the version was read:
         * read it again under the write lock (BEGIN IMMEDIATE). */
        if ((have = store_user_version(st)) < 0 || m->version <= have) {
            store_rollback(st);
            if (m->rebuild)
                store_exec(st, "PRAGMA foreign_keys=ON", NULL);
            if (have < 0)
                return cause_set(cause, "cannot read schema version: %s",
                    sqlite3_errmsg(st->db));
            continue;
        }
        sql = xasprintf("%s; PRAGMA user_version = %d;", m->sql, m->version);
        if (store_exec(st, sql, cause) == -1 || (m->rebuild && fk_check(st, cause) == -1)) {
            free(sql);
            store_rollback(st);
            if (m->rebuild)
                store_exec(st, "PRAGMA foreign_keys=ON", NULL);
            cause_prefix(cause, "migration %d (%s)", m->version, m->summary);
            return -1;
        }
        free(sql);
        if (store_commit(st, cause) == -1) {
            store_rollback(st);
            if (m->rebuild)
                store_exec(st, "PRAGMA foreign_keys=ON", NULL);
            return -1;
        }
        if (m->rebuild && store_exec(st, "PRAGMA foreign_keys=ON", cause) == -1)
            return -1;
        log_debug("store: migrated to schema %d: %s", m->version, m->summary);
        applied++;
    }
    return applied;
}

int
store_integrity_check(struct store *st, char **cause)
{
    sqlite3_stmt *stmt;
    int rc = -1;

    if (sqlite3_prepare_v2(st->db, "PRAGMA integrity_check", -1, &stmt, NULL) != SQLITE_OK)
        return cause_set(cause, "%s", sqlite3_errmsg(st->db));
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *r = (const char *)sqlite3_column_text(stmt, 0);

        if (r != NULL && strcmp(r, "ok") == 0)
            rc = 0;
        else
            cause_set(cause, "integrity check: %s", r != NULL ? r : "(no answer)");
    } else
        cause_set(cause, "integrity check: %s", sqlite3_errmsg(st->db));
    sqlite3_finalize(stmt);
    return rc;
}

int64_t
store_count_rows(struct store *st, const char *table, char **cause)
{
    sqlite3_stmt *stmt;
    char *sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", table);
    int64_t n = -1;

    if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        cause_set(cause, "%s", sqlite3_errmsg(st->db));
        sqlite3_free(sql);
        return -1;
    }
    sqlite3_free(sql);
    if (sqlite3_step(stmt) == SQLITE_ROW)
        n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return n;
}

void
store_crash_point(const char *name)
{
    static long remaining = -1;
    static char target[64];
    static int sig = SIGKILL;
    const char *env, *colon;
    char *end;

    if (remaining == -1) {
        env = getenv("FACEAUDIT_CRASH_AT");
        remaining = 0;
        if (env != NULL && (colon = strchr(env, ':')) != NULL &&
            (size_t)(colon - env) < sizeof target) {
            memcpy(target, env, (size_t)(colon - env));
            target[colon - env] = '\0';
            remaining = strtol(colon + 1, &end, 10);
            if (strcmp(end, ":INT") == 0)
                sig = SIGINT;
        }
    }
    if (remaining > 0 && strcmp(name, target) == 0 && --remaining == 0)
        raise(sig);
}

char *
store_meta_get(struct store *st, const char *key)
{
    sqlite3_stmt *stmt;
    char *v = NULL;

    if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = ?1", -1, &stmt,
            NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != NULL)
        v = xstrdup((const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    return v;
}

int
store_meta_set(struct store *st, const char *key, const char *value, bool replace,
    char **cause)
{
    sqlite3_stmt *stmt;
    int rc;

    if (sqlite3_prepare_v2(st->db, replace ? "INSERT OR REPLACE INTO meta(key, value) "
            "VALUES (?1, ?2)" : "INSERT OR IGNORE INTO meta(key, value) VALUES (?1, ?2)", -1,
            &stmt, NULL) != SQLITE_OK)
        return cause_set(cause, "meta: %s", sqlite3_errmsg(st->db));
    sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, value, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? 0 : cause_set(cause, "meta: %s", sqlite3_errmsg(st->db));
}

/* One integer from a query, or -1. */
static int64_t
query_int(struct store *st, const char *sql)
{
    sqlite3_stmt *stmt;
    int64_t v = -1;

    if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(stmt) == SQLITE_ROW)
        v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
}

/*
 * The id of the key this database's sealed data was made with: the one
 * recorded in meta, else (older databases) the one a sealed blob names.
 * A new string or NULL.
 */
static char *
store_recorded_key_id(struct store *st)
{
    static const char *const blobs[] = {
        "SELECT descriptor FROM template WHERE length(descriptor) > 0 LIMIT 1",
        "SELECT descriptor FROM eval_desc WHERE descriptor IS NOT NULL LIMIT 1",
    };
    char *id = store_meta_get(st, "key_id"), hex[2 * STORE_KEY_ID_LEN + 1];
    size_t i;

    for (i = 0; id == NULL && i < FA_NITEMS(blobs); i++) {
        sqlite3_stmt *stmt;

        if (sqlite3_prepare_v2(st->db, blobs[i], -1, &stmt, NULL) != SQLITE_OK)
            continue;
        if (sqlite3_step(stmt) == SQLITE_ROW && store_sealed_key_id(sqlite3_column_blob(stmt, 0),
                (size_t)sqlite3_column_bytes(stmt, 0), hex) == 0)
            id = xstrdup(hex);
        sqlite3_finalize(stmt);
    }
    return id;
}

struct store_key *
store_template_key(struct store *st, bool create, char **cause)
{
    struct store_key *key;
    char *path, *recorded, *err = NULL;
    int64_t ntpl, nlog, ndesc;

    if (st->key != NULL)
        return st->key;
    path = store_key_default_path();
    recorded = store_recorded_key_id(st);
    ntpl = query_int(st, "SELECT count(*) FROM template");
    nlog = query_int(st, "SELECT count(*) FROM audit_log");
    ndesc = query_int(st, "SELECT count(*) FROM eval_desc WHERE descriptor IS NOT NULL");
    /* Never a new key for a database that already has sealed data: it would
     * split the data between two keys and break the log's chain for good. */
    key = store_key_load(path, create && recorded == NULL && ntpl <= 0 && nlog <= 0 &&
        ndesc <= 0, &err);
    if (key == NULL) {
        if (create && fs_exists(path) == false && (recorded != NULL || ntpl > 0 || nlog > 0 ||
                ndesc > 0)) {
            free(err);
            cause_set(cause, "key file %s does not exist, but this database holds %lld sealed "
                "template(s), %lld sealed evaluation descriptor(s) and %lld audit-log "
                "entries made with key %s: restore that key file (or point FACEAUDIT_KEY_FILE "
                "at it); a new key would make them unreadable", path, (long long)FA_MAX(ntpl,
                0), (long long)FA_MAX(ndesc, 0), (long long)FA_MAX(nlog, 0),
                recorded != NULL ? recorded : "(not recorded)");
        } else
            *cause = err;
        goto out;
    }
    if (recorded != NULL && strcmp(recorded, store_key_id(key)) != 0) {
        cause_set(cause, "key file %s holds key %s, but this database's templates and audit "
            "log were made with key %s: wrong key file (FACEAUDIT_KEY_FILE)", path,
            store_key_id(key), recorded);
        store_key_free(key);
        key = NULL;
        goto out;
    }
    st->key = key;
    /* Record the key id (best effort outside a write: a busy database only
     * postpones it), then bring old templates to the bound format. */
    if (recorded == NULL)
        (void)store_meta_set(st, "key_id", store_key_id(key), false, NULL);
    if (store_templates_upgrade(st, cause) == -1) {
        st->key = NULL;
        store_key_free(key);
        key = NULL;
    }
out:
    free(recorded);
    free(path);
    return key;
}

int
store_check(struct store *st, int64_t *ntemplates, char **why_not, char **cause)
{
    char *err = NULL;
    int rc;

    *ntemplates = -1;
    *why_not = NULL;
    if (store_integrity_check(st, cause) == -1)
        return 1;
    if (query_int(st, "SELECT count(*) FROM template") <= 0) {
        *ntemplates = 0;
        return 0;
    }
    /* the seals need the key: without it only the file's integrity is known */
    if (store_template_key(st, false, &err) == NULL) {
        *why_not = err;
        return 0;
    }
    rc = store_templates_verify(st, false, ntemplates, cause);
    return rc;
}
