/* SPDX-License-Identifier: MIT */
/*
 * check_store.c - store: create, migrate, reopen; file mode; refusing a
 * database from a newer faceaudit; a failed migration leaves no trace.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <check.h>

#include "faceaudit/compat.h"
#include "faceaudit/store.h"
#include "faceaudit/store_audit.h"
#include "faceaudit/store_portfolio.h"
#include "faceaudit/xmalloc.h"
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

/* An entity order round trip: the encoded text, then every id back in order. */
static void
order_trip(const char *const *ids, size_t n, const char *want)
{
    char *text = store_audit_entities_encode(ids, n), **back = NULL, *cause = NULL;
    size_t m = 0, i;

    ck_assert_str_eq(text, want);
    ck_assert_msg(store_audit_entities_decode(text, &back, &m, &cause) == 0, "%s", cause);
    ck_assert_uint_eq(m, n);
    for (i = 0; i < n; i++)
        ck_assert_str_eq(back[i], ids[i]);
    store_audit_entities_free(back, m);
    free(text);
}

START_TEST(test_entity_order)
{
    static const char *const padded[] = { "cam-0001", "cam-0002", "cam-0003", "gate", "x7" };
    static const char *const unpadded[] = { "cam-9", "cam-10", "cam-11" };
    /* zone by zone: a step of 10, then the next zone's */
    static const char *const zones[] = { "c-01", "c-11", "c-21", "c-02", "c-12", "c-22" };
    /* look-alikes that are not one run: widths differ, a prefix differs */
    static const char *const mixed[] = { "a-1", "a-02", "a-003", "b-4", "\"q\"\n" };

    order_trip(padded, 5, "[[\"cam-\",1,3,4],\"gate\",\"x7\"]");
    order_trip(unpadded, 3, "[[\"cam-\",9,3,0]]");
    order_trip(zones, 6, "[[\"c-\",1,3,2,10],[\"c-\",2,3,2,10]]");
    order_trip(mixed, 5, "[\"a-1\",\"a-02\",\"a-003\",\"b-4\",\"\\\"q\\\"\\n\"]");
    order_trip(padded, 0, "[]");
}
END_TEST

START_TEST(test_ranges)
{
    static const uint32_t idx[] = { 0, 1, 2, 411, 415, 420, 421, 999 };
    static const uint32_t pairs[] = { 0, 2, 411, 411, 415, 415, 420, 421, 999, 999 };
    static const char *const bad[] = { "", "3-1", "1,1", "2,1", "1-", "-1", "1,,2", "1,",
        "1000", "0-1000", "a", "1;2", "+1" };
    char *text = store_audit_ranges_encode(pairs, 5), *cause = NULL, **ids = NULL;
    uint32_t *back = NULL;
    size_t n = 0, i;

    ck_assert_str_eq(text, "0-2,411,415,420-421,999");
    ck_assert_msg(store_audit_ranges_decode(text, 1000, &back, &n, &cause) == 0, "%s", cause);
    ck_assert_uint_eq(n, 8);
    for (i = 0; i < n; i++)
        ck_assert_uint_eq(back[i], idx[i]);
    free(back);
    free(text);
    for (i = 0; i < FA_NITEMS(bad); i++) {
        ck_assert_msg(store_audit_ranges_decode(bad[i], 1000, &back, &n, &cause) == -1,
            "'%s' accepted", bad[i]);
        ck_assert_ptr_null(back);
        ck_assert_ptr_nonnull(strstr(cause, "audit_finding.entities: bad range list"));
        free(cause);
        cause = NULL;
    }
    ck_assert_int_eq(store_audit_entities_decode("[[\"c-\",1,0,2]]", &ids, &n, &cause), -1);
    ck_assert_ptr_null(ids);
    ck_assert_str_eq(cause, "audit_run.entities: item 1 is neither an id nor [prefix, first, "
        "count, width(, step)]");
    free(cause);
}
END_TEST

/*
 * Migration 11 rebuilds the run table (kind 'portfolio'): a database at 10
 * with runs and their children keeps them all, the references and the
 * cascade still hold, and a portfolio run can be stored and read back.
 */
START_TEST(test_run_rebuild_keeps_children)
{
    char *cause = NULL, *sql;
    struct store *st = store_open_raw(dbpath, &cause);
    struct store_portfolio_row row;
    struct store_portfolio_loaded *l;
    unsigned i;

    ck_assert_msg(st != NULL, "%s", cause);
    for (i = 0; i < store_nmigrations && store_migrations[i].version <= 10; i++) {
        sql = xasprintf("%s; PRAGMA user_version = %d;", store_migrations[i].sql,
            store_migrations[i].version);
        ck_assert_msg(store_exec(st, sql, &cause) == 0, "%s", cause);
        free(sql);
    }
    ck_assert_int_eq(store_exec(st, "PRAGMA foreign_keys=ON;"
        "INSERT INTO run(id, kind, software, status) VALUES (7, 'audit', 't', 'complete');"
        "INSERT INTO audit_run(run_id, scenario_hash, rule_pack_hash, calendar_version, as_of, "
        "score, score_no_waivers, grade, grade_no_waivers) VALUES (7, 'h', 'h', 'c', "
        "'2025-12-01', 90, 90, 'A', 'A');"
        "INSERT INTO audit_finding(run_id, seq, rule, article, clause, severity, outcome) "
        "VALUES (7, 0, 'R', 13, '13.1', 'high', 'fail');"
        "INSERT INTO sim_day(run, day, date, arrivals, new_people, enrolments, stored, purged, "
        "refusals, served, turned_away, false_non_matches, false_matches, minors, "
        "minors_no_consent) VALUES (7, 0, '2025-06-01', 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0);",
        &cause), 0);
    ck_assert_int_eq(store_exec(st, "INSERT INTO run(kind, software) VALUES ('portfolio', 't')",
        &cause), -1);
    free(cause);
    cause = NULL;
    ck_assert_msg(store_migrate(st, &cause) >= 1, "%s", cause);
    ck_assert_int_eq(store_user_version(st), store_migrations[store_nmigrations - 1].version);
    ck_assert_int_eq(store_count_rows(st, "run", &cause), 1);
    ck_assert_int_eq(store_count_rows(st, "audit_run", &cause), 1);
    ck_assert_int_eq(store_count_rows(st, "audit_finding", &cause), 1);
    ck_assert_int_eq(store_count_rows(st, "sim_day", &cause), 1);
    ck_assert_int_eq(store_integrity_check(st, &cause), 0);
    memset(&row, 0, sizeof row);
    row.path = (char *)(uintptr_t)"a.fa.yaml";
    row.handler = (char *)(uintptr_t)"Handler A";
    row.score = 91.5;
    row.grade = 'A';
    row.fails[2] = 3;
    row.deadline = (char *)(uintptr_t)"2025-10-30";
    row.as_of = (char *)(uintptr_t)"2025-12-01";
    ck_assert_int_gt(store_portfolio_save(st, "t", NULL, &row, 1, &cause), 7);
    l = store_portfolio_load(st, "latest", &cause);
    ck_assert_msg(l != NULL, "%s", cause);
    ck_assert_uint_eq(l->n, 1);
    ck_assert_str_eq(l->rows[0].handler, "Handler A");
    ck_assert_int_eq(l->rows[0].fails[2], 3);
    ck_assert_str_eq(l->rows[0].deadline, "2025-10-30");
    ck_assert_ptr_null(l->rows[0].scenario);
    store_portfolio_loaded_free(l);
    ck_assert_ptr_null(store_portfolio_load(st, "7", &cause)); /* an audit, not a portfolio */
    ck_assert_ptr_nonnull(strstr(cause, "no complete portfolio run '7'"));
    free(cause);
    cause = NULL;
    /* the references still hold: deleting the audit run deletes its rows */
    ck_assert_int_eq(store_exec(st, "DELETE FROM run WHERE id = 7", &cause), 0);
    ck_assert_int_eq(store_count_rows(st, "audit_finding", &cause), 0);
    ck_assert_int_eq(store_count_rows(st, "sim_day", &cause), 0);
    ck_assert_int_eq(store_count_rows(st, "portfolio_row", &cause), 1);
    store_close(st);
}
END_TEST

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
    tcase_add_test(tc, test_entity_order);
    tcase_add_test(tc, test_ranges);
    tcase_add_test(tc, test_run_rebuild_keeps_children);
    suite_add_tcase(s, tc);
    return s;
}
