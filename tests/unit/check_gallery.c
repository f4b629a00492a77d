/* SPDX-License-Identifier: MIT */
/*
 * check_gallery.c - store_gallery: create, list, look up and delete
 * galleries; templates round-trip bit for bit; dimension, name, subject and
 * hash checks; a rolled-back enrolment leaves nothing; a corrupt blob is an
 * error naming the template; deleting a gallery removes its templates.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "faceaudit/store.h"
#include "faceaudit/store_gallery.h"
#include "testutil.h"

Suite *gallery_suite(void);

static char *tmpdir;
static struct store *st;

static const char hash_a[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static void
setup(void)
{
    char *path, *cause = NULL;

    tmpdir = test_tmpdir();
    /* Templates are sealed with the key file: keep it in the test's folder. */
    path = path_join(tmpdir, "template.key");
    setenv("FACEAUDIT_KEY_FILE", path, 1);
    free(path);
    path = path_join(tmpdir, "fa.db");
    st = store_open(path, &cause);
    ck_assert_msg(st != NULL, "open: %s", cause);
    free(path);
}

static void
teardown(void)
{
    store_close(st);
    test_rmdir(tmpdir);
}

START_TEST(test_create_get_list_delete)
{
    struct store_gallery_info info, *all;
    char *cause = NULL;
    int64_t id, id2;
    size_t n;

    ck_assert_int_eq(store_gallery_create(st, "staff", 30, 128, &id, &cause), 0);
    ck_assert_int_eq(store_gallery_create(st, "visitors", 0, 4, &id2, &cause), 0);
    ck_assert_int_ne(id, id2);
    ck_assert_int_eq(store_gallery_create(st, "staff", 0, 128, NULL, &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "already exists"));
    free(cause);
    cause = NULL;
    ck_assert_int_eq(store_gallery_create(st, "", 0, 128, NULL, &cause), -1);
    free(cause);
    cause = NULL;

    ck_assert_int_eq(store_gallery_get(st, "staff", &info, &cause), 1);
    ck_assert_int_eq(info.id, id);
    ck_assert_str_eq(info.name, "staff");
    ck_assert_int_eq(info.retention_days, 30);
    ck_assert_int_eq(info.dim, 128);
    ck_assert_int_eq(info.ntemplates, 0);
    ck_assert_uint_eq(strlen(info.created_at), 20);
    store_gallery_info_done(&info);
    ck_assert_int_eq(store_gallery_get(st, "nobody", &info, &cause), 0);
    ck_assert_ptr_null(cause);

    ck_assert_int_eq(store_gallery_list(st, &all, &n, &cause), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(all[0].name, "staff");
    ck_assert_str_eq(all[1].name, "visitors");
    ck_assert_int_eq(all[1].retention_days, 0);
    store_gallery_info_free_array(all, n);

    ck_assert_int_eq(store_gallery_delete(st, "visitors", &cause), 0);
    ck_assert_int_eq(store_gallery_delete(st, "visitors", &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "no gallery named visitors"));
    free(cause);
}
END_TEST

START_TEST(test_templates_round_trip)
{
    struct store_gallery_info info;
    struct store_templates t;
    float d[3][4] = { { 0.1f, -2.5f, 1e-30f, 3.4e38f }, { 1, 2, 3, 4 }, { -0.0f, 0, 7, 8 } };
    const char *subj[3] = { "amy", "raj", "amy" };
    char *cause = NULL;
    int64_t g, tid[3];
    int i;

    ck_assert_int_eq(store_gallery_create(st, "bbt", 0, 4, &g, &cause), 0);
    ck_assert_int_eq(store_begin(st, &cause), 0);
    for (i = 0; i < 3; i++)
        ck_assert_msg(store_template_add(st, g, subj[i], d[i], 4, hash_a, &tid[i], &cause) == 0,
            "%s", cause);
    ck_assert_int_eq(store_commit(st, &cause), 0);

    ck_assert_int_eq(store_templates_load(st, g, &t, &cause), 0);
    ck_assert_uint_eq(t.n, 3);
    ck_assert_int_eq(t.dim, 4);
    for (i = 0; i < 3; i++) {
        ck_assert_int_eq(t.ids[i], tid[i]);
        ck_assert_str_eq(t.subjects[i], subj[i]);
        ck_assert_str_eq(t.image_sha256[i], hash_a);
        ck_assert_int_eq(memcmp(t.vecs + 4 * i, d[i], sizeof d[i]), 0); /* bit for bit */
    }
    store_templates_done(&t);

    ck_assert_int_eq(store_gallery_get(st, "bbt", &info, &cause), 1);
    ck_assert_int_eq(info.ntemplates, 3);
    ck_assert_int_eq(info.nsubjects, 2);
    store_gallery_info_done(&info);

    /* deleting the gallery takes its templates along */
    ck_assert_int_eq(store_gallery_delete(st, "bbt", &cause), 3);
    ck_assert_int_eq(store_count_rows(st, "template", &cause), 0);
}
END_TEST

START_TEST(test_template_checks)
{
    float d[4] = { 1, 2, 3, 4 };
    char *cause = NULL;
    int64_t g;

    ck_assert_int_eq(store_gallery_create(st, "g", 0, 4, &g, &cause), 0);
    ck_assert_int_eq(store_template_add(st, g, "x", d, 3, hash_a, NULL, &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "3 dimensions"));
    free(cause);
    cause = NULL;
    ck_assert_int_eq(store_template_add(st, g, "", d, 4, hash_a, NULL, &cause), -1);
    free(cause);
    cause = NULL;
    ck_assert_int_eq(store_template_add(st, g, "x", d, 4, "abc", NULL, &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "64 lowercase hex"));
    free(cause);
    cause = NULL;
    ck_assert_int_eq(store_template_add(st, g + 100, "x", d, 4, hash_a, NULL, &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "no gallery"));
    free(cause);
    cause = NULL;

    /* a rolled-back enrolment leaves nothing behind */
    ck_assert_int_eq(store_begin(st, &cause), 0);
    ck_assert_int_eq(store_template_add(st, g, "x", d, 4, hash_a, NULL, &cause), 0);
    store_rollback(st);
    ck_assert_int_eq(store_count_rows(st, "template", &cause), 0);

    /* a blob that is not a sealed record is an error naming the template */
    ck_assert_int_eq(store_template_add(st, g, "x", d, 4, hash_a, NULL, &cause), 0);
    ck_assert_int_eq(store_exec(st, "UPDATE template SET descriptor = x'0102'", &cause), 0);
    {
        struct store_templates t;

        ck_assert_int_eq(store_templates_load(st, g, &t, &cause), -1);
        ck_assert_ptr_nonnull(strstr(cause, "(gallery g, subject x)"));
        ck_assert_ptr_nonnull(strstr(cause, "not an encrypted record"));
        ck_assert_uint_eq(t.n, 0);
        free(cause);
    }
}
END_TEST

Suite *
gallery_suite(void)
{
    Suite *s = suite_create("gallery");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_create_get_list_delete);
    tcase_add_test(tc, test_templates_round_trip);
    tcase_add_test(tc, test_template_checks);
    suite_add_tcase(s, tc);
    return s;
}
