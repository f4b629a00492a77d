/* SPDX-License-Identifier: MIT */
/*
 * check_crypt.c - template encryption at rest and the audit log: key file
 * creation and permissions, seal/unseal bound to the row, wrong key and
 * tampering told apart, the keyed MAC chain catching edits and deletions.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "faceaudit/store.h"
#include "faceaudit/store_crypt.h"
#include "faceaudit/store_log.h"
#include "testutil.h"

Suite *crypt_suite(void);

static char *tmpdir;
static struct store_key *key;

static void
setup(void)
{
    char *path, *cause = NULL;

    tmpdir = test_tmpdir();
    path = path_join(tmpdir, "keys/template.key");
    key = store_key_load(path, true, &cause);
    ck_assert_msg(key != NULL, "%s", cause);
    free(path);
}

static void
teardown(void)
{
    store_key_free(key);
    test_rmdir(tmpdir);
}

START_TEST(test_key_file)
{
    char *path = path_join(tmpdir, "keys/template.key"), *cause = NULL;
    struct store_key *again;
    struct stat st;

    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(st.st_size, 32);
    /* Loading again gives the same key, never a new one. */
    again = store_key_load(path, true, &cause);
    ck_assert_ptr_nonnull(again);
    ck_assert_str_eq(store_key_id(again), store_key_id(key));
    store_key_free(again);
    /* A key readable by others is refused with the fix. */
    chmod(path, 0644);
    ck_assert_ptr_null(store_key_load(path, false, &cause));
    ck_assert_ptr_nonnull(strstr(cause, "mode 644"));
    ck_assert_ptr_nonnull(strstr(cause, "chmod 600"));
    free(cause);
    free(path);
    /* A missing key is not created unless asked. */
    path = path_join(tmpdir, "nope.key");
    ck_assert_ptr_null(store_key_load(path, false, &cause));
    ck_assert_ptr_nonnull(strstr(cause, "nope.key"));
    ck_assert(!fs_exists(path));
    free(cause);
    free(path);
}
END_TEST

START_TEST(test_seal_roundtrip)
{
    float desc[128], *back;
    unsigned char *sealed, *plain, *sealed2;
    size_t n, m, n2;
    char *cause = NULL;
    int i;

    for (i = 0; i < 128; i++)
        desc[i] = (float)i / 128.0f - 0.5f;
    ck_assert_int_eq(store_seal(key, "template", 42, desc, sizeof desc, &sealed, &n, &cause), 0);
    ck_assert_uint_eq(n, sizeof desc + STORE_SEAL_OVERHEAD);
    /* The plaintext does not appear in the blob. */
    ck_assert_ptr_null(memmem(sealed, n, desc + 10, 16));
    ck_assert_int_eq(store_unseal(key, "template", 42, sealed, n, &plain, &m, &cause), 0);
    ck_assert_uint_eq(m, sizeof desc);
    back = (float *)(void *)plain;
    for (i = 0; i < 128; i++)
        ck_assert_float_eq(back[i], desc[i]);
    free(plain);
    /* Fresh nonce per record: sealing twice gives different blobs. */
    ck_assert_int_eq(store_seal(key, "template", 42, desc, sizeof desc, &sealed2, &n2, &cause), 0);
    ck_assert(memcmp(sealed, sealed2, n) != 0);
    free(sealed2);

    /* Moved to another row or table: authentication fails. */
    ck_assert_int_eq(store_unseal(key, "template", 43, sealed, n, &plain, &m, &cause), -1);
    ck_assert_str_eq(cause, "template row 43 failed authentication: the record was modified or "
        "moved from another row");
    free(cause);
    ck_assert_int_eq(store_unseal(key, "gallery", 42, sealed, n, &plain, &m, &cause), -1);
    free(cause);
    /* One flipped bit anywhere in the ciphertext. */
    sealed[n - 40] ^= 1;
    ck_assert_int_eq(store_unseal(key, "template", 42, sealed, n, &plain, &m, &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "failed authentication"));
    free(cause);
    /* Not a sealed record at all. */
    ck_assert_int_eq(store_unseal(key, "template", 42, (const unsigned char *)"plain", 5, &plain,
        &m, &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "not an encrypted record"));
    free(cause);
    free(sealed);
}
END_TEST

START_TEST(test_wrong_key)
{
    char *path = path_join(tmpdir, "other.key"), *cause = NULL, *want;
    struct store_key *other = store_key_load(path, true, &cause);
    unsigned char *sealed, *plain;
    size_t n, m;

    ck_assert_ptr_nonnull(other);
    ck_assert_str_ne(store_key_id(other), store_key_id(key));
    ck_assert_int_eq(store_seal(key, "template", 7, "abc", 3, &sealed, &n, &cause), 0);
    ck_assert_int_eq(store_unseal(other, "template", 7, sealed, n, &plain, &m, &cause), -1);
    want = xasprintf("template row 7 was sealed with key %s but the key file holds key %s: "
        "wrong key file (FACEAUDIT_KEY_FILE)", store_key_id(key), store_key_id(other));
    ck_assert_str_eq(cause, want);
    free(want);
    free(cause);
    free(sealed);
    store_key_free(other);
    free(path);
}
END_TEST

static struct store *
log_db(void)
{
    char *path = path_join(tmpdir, "log.db"), *cause = NULL;
    struct store *st = store_open(path, &cause);
    int i;

    ck_assert_msg(st != NULL, "%s", cause);
    free(path);
    for (i = 1; i <= 5; i++) {
        char obj[32];

        snprintf(obj, sizeof obj, "gallery:g%d", i);
        ck_assert_int_eq(store_log_append(st, key, "enroll", "enrol", obj, "3 templates",
            &cause), 0);
    }
    return st;
}

START_TEST(test_log_intact)
{
    struct store *st = log_db();
    struct store_log_report rep;
    char *cause = NULL;

    ck_assert_int_eq(store_log_verify(st, key, NULL, &rep, &cause), 0);
    ck_assert_int_eq(rep.entries, 5);
    ck_assert_uint_eq(strlen(rep.head), 64);
    /* SQL cannot change or delete entries. */
    ck_assert_int_eq(store_exec(st, "UPDATE audit_log SET user = 'x'", &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "append-only"));
    free(cause);
    ck_assert_int_eq(store_exec(st, "DELETE FROM audit_log WHERE id = 3", &cause), -1);
    free(cause);
    store_close(st);
}
END_TEST

START_TEST(test_log_edit_detected)
{
    struct store *st = log_db();
    struct store_log_report rep;
    char *cause = NULL;

    ck_assert_int_eq(store_exec(st, "DROP TRIGGER audit_log_no_update;"
        "UPDATE audit_log SET object = 'gallery:other' WHERE id = 3", &cause), 0);
    ck_assert_int_eq(store_log_verify(st, key, NULL, &rep, &cause), 1);
    ck_assert_int_eq(rep.bad_id, 3);
    ck_assert_int_eq(rep.entries, 2);
    ck_assert_ptr_nonnull(strstr(cause, "audit log entry 3 ("));
    ck_assert_ptr_nonnull(strstr(cause, "gallery:other"));
    free(cause);
    store_close(st);
}
END_TEST

START_TEST(test_log_delete_detected)
{
    struct store *st = log_db();
    struct store_log_report rep;
    char *cause = NULL;

    ck_assert_int_eq(store_exec(st, "DROP TRIGGER audit_log_no_delete;"
        "DELETE FROM audit_log WHERE id = 2", &cause), 0);
    ck_assert_int_eq(store_log_verify(st, key, NULL, &rep, &cause), 1);
    ck_assert_int_eq(rep.bad_id, 2);
    ck_assert_str_eq(cause, "audit log entry 2 is missing (entries jump from 1 to 3): entries "
        "were deleted");
    free(cause);
    store_close(st);
}
END_TEST

START_TEST(test_log_renumbered_detected)
{
    struct store *st = log_db();
    struct store_log_report rep;
    char *cause = NULL;

    /* Delete entry 2 and renumber the rest to hide the gap: the chain breaks at 2. */
    ck_assert_int_eq(store_exec(st, "DROP TRIGGER audit_log_no_delete;"
        "DROP TRIGGER audit_log_no_update;"
        "DELETE FROM audit_log WHERE id = 2;"
        "UPDATE audit_log SET id = id - 1 WHERE id > 2", &cause), 0);
    ck_assert_int_eq(store_log_verify(st, key, NULL, &rep, &cause), 1);
    ck_assert_int_eq(rep.bad_id, 2);
    free(cause);
    store_close(st);
}
END_TEST

Suite *
crypt_suite(void)
{
    Suite *s = suite_create("crypt");
    TCase *tc = tcase_create("templates");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_key_file);
    tcase_add_test(tc, test_seal_roundtrip);
    tcase_add_test(tc, test_wrong_key);
    suite_add_tcase(s, tc);
    tc = tcase_create("audit-log");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_log_intact);
    tcase_add_test(tc, test_log_edit_detected);
    tcase_add_test(tc, test_log_delete_detected);
    tcase_add_test(tc, test_log_renumbered_detected);
    suite_add_tcase(s, tc);
    return s;
}
