/* SPDX-License-Identifier: MIT */
/*
 * check_store.c - store: create, migrate, reopen; file mode; refusing a
 * database from a newer faceaudit; a failed migration leaves no trace.
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <check.h>

#include "faceaudit/store.h"
#include "testutil.h"

static char *tmpdir;
static char *dbpath;

static void
setup(void)
{
    tmpdir = test_tmpdir();
    dbpath = path_join(tmpdir, "nested/fa.db");
}

static void
teardown(void)
{
    free(dbpath);
    test_rmdir(tmpdir);
}

START_TEST(test_open_migrate_reopen)
{
    char *cause = NULL;
    struct store *st = store_open(dbpath, &cause);
    int newest = store_migrations[store_nmigrations - 1].version;
    struct stat sb;

    ck_assert_msg(st != NULL, "open: %s", cause);
    ck_assert_int_eq(store_user_version(st), newest);
    ck_assert_int_eq(store_count_rows(st, "run", &cause), 0);
    ck_assert_int_eq(store_exec(st, "INSERT INTO run(kind, name, software) "
        "VALUES ('audit', 'q1', 'test')", &cause), 0);
    store_close(st);

    ck_assert_int_eq(stat(dbpath, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 0777, 0600);

    st = store_open(dbpath, &cause);
    ck_assert_msg(st != NULL, "reopen: %s", cause);
    ck_assert_int_eq(store_user_version(st), newest);
    ck_assert_int_eq(store_migrate(st, &cause), 0); /* nothing left to apply */
    ck_assert_int_eq(store_count_rows(st, "run", &cause), 1);
    ck_assert_int_eq(store_integrity_check(st, &cause), 0);
    store_close(st);
}
END_TEST

START_TEST(test_migrations_ordered)
{
    unsigned i;

    ck_assert_uint_gt(store_nmigrations, 0);
    ck_assert_int_eq(store_migrations[0].version, 1);
    for (i = 1; i < store_nmigrations; i++)
        ck_assert_int_eq(store_migrations[i].version, store_migrations[i - 1].version + 1);
}
END_TEST

START_TEST(test_raw_then_migrate)
{
    char *cause = NULL;
    struct store *st = store_open_raw(dbpath, &cause);

    ck_assert_ptr_nonnull(st);
    ck_assert_int_eq(store_user_version(st), 0);
    ck_assert_int_eq(store_migrate(st, &cause), (int)store_nmigrations);
    ck_assert_int_eq(store_user_version(st), store_migrations[store_nmigrations - 1].version);
    store_close(st);
}
END_TEST

START_TEST(test_newer_schema_refused)
{
    char *cause = NULL;
    struct store *st = store_open(dbpath, &cause);

    ck_assert_ptr_nonnull(st);
    ck_assert_int_eq(store_exec(st, "PRAGMA user_version = 9999", &cause), 0);
    store_close(st);
    st = store_open(dbpath, &cause);
    ck_assert_ptr_null(st);
    ck_assert_ptr_nonnull(strstr(cause, "9999"));
    ck_assert_ptr_nonnull(strstr(cause, "newer"));
    free(cause);
}
END_TEST

START_TEST(test_bad_sql_is_an_error)
{
    char *cause = NULL;
    struct store *st = store_open(dbpath, &cause);

    ck_assert_ptr_nonnull(st);
    ck_assert_int_eq(store_begin(st, &cause), 0);
    ck_assert_int_eq(store_exec(st, "INSERT INTO run(kind, software) VALUES ('audit','t')",
        &cause), 0);
    ck_assert_int_eq(store_exec(st, "INSERT INTO run(kind, software) VALUES ('bogus','t')",
        &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "CHECK"));
    free(cause);
    store_rollback(st);
    ck_assert_int_eq(store_count_rows(st, "run", &cause), 0);
    store_close(st);
}
END_TEST

START_TEST(test_unwritable_path)
{
    char *cause = NULL;
    struct store *st = store_open("/proc/definitely/not/here.db", &cause);

    ck_assert_ptr_null(st);
    ck_assert_ptr_nonnull(strstr(cause, "/proc/definitely"));
    free(cause);
}
END_TEST

Suite *store_suite(void);

Suite *
store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("schema");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_open_migrate_reopen);
    tcase_add_test(tc, test_migrations_ordered);
    tcase_add_test(tc, test_raw_then_migrate);
    tcase_add_test(tc, test_newer_schema_refused);
    tcase_add_test(tc, test_bad_sql_is_an_error);
    tcase_add_test(tc, test_unwritable_path);
    suite_add_tcase(s, tc);
    return s;
}
