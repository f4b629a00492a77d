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
    if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
        cause_set(cause, "%s: %s", path, strerror(errno));
        return NULL;
    }
    close(fd);

    st = xcalloc(1, sizeof *st);
    st->path = xstrdup(path);
    if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX,
            NULL) != SQLITE_OK) {
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
    return store_exec(st, "COMMIT", cause);
}

void
store_rollback(struct store *st)
{
    if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
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
        if (store_begin(st, cause) == -1)
            return -1;
        sql = xasprintf("%s; PRAGMA user_version = %d;", m->sql, m->version);
        if (store_exec(st, sql, cause) == -1) {
            free(sql);
            store_rollback(st);
            cause_prefix(cause, "migration %d (%s)", m->version, m->summary);
            return -1;
        }
        free(sql);
        if (store_commit(st, cause) == -1) {
            store_rollback(st);
            return -1;
        }
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
    const char *env, *colon;

    if (remaining == -1) {
        env = getenv("FACEAUDIT_CRASH_AT");
        remaining = 0;
        if (env != NULL && (colon = strchr(env, ':')) != NULL &&
            (size_t)(colon - env) < sizeof target) {
            memcpy(target, env, (size_t)(colon - env));
            target[colon - env] = '\0';
            remaining = strtol(colon + 1, NULL, 10);
        }
    }
    if (remaining > 0 && strcmp(name, target) == 0 && --remaining == 0)
        raise(SIGKILL);
}

struct store_key *
store_template_key(struct store *st, bool create, char **cause)
{
    char *path;

    if (st->key != NULL)
        return st->key;
    path = store_key_default_path();
    st->key = store_key_load(path, create, cause);
    free(path);
    return st->key;
}
