/* SPDX-License-Identifier: MIT */
/*
 * check_models.c - the model registry: the compiled-in sums match
 * models/SHA256SUMS, and verification tells missing, corrupt and intact
 * files apart (with a small fake model folder, so no download is needed).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <check.h>

#include "faceaudit/models.h"
#include "faceaudit/sha256.h"
#include "testutil.h"

START_TEST(test_sums_match_committed_file)
{
    char *path = test_srcpath("models/SHA256SUMS"), *text, *line, *save = NULL;
    size_t len, n = 0;

    text = fs_read_file(path, 1 << 20, &len, NULL);
    ck_assert_ptr_nonnull(text);
    for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        const struct model_file *mf = models_find(line + 66);

        ck_assert_msg(mf != NULL, "%s not compiled in", line + 66);
        ck_assert(strncmp(mf->sha256, line, 64) == 0);
        n++;
    }
    ck_assert_uint_eq(n, models_nfiles);
    ck_assert_uint_eq(models_nfiles, 20);
    ck_assert_ptr_nonnull(models_find("face_recognition_model.bin"));
    ck_assert_ptr_nonnull(models_find("demo/sample1.jpg"));
    free(text);
    free(path);
}
END_TEST

START_TEST(test_check_states)
{
    char *dir = test_tmpdir(), *path, *detail, *cause = NULL;
    /* A fake registry entry whose sum is the digest of "weights". */
    char hex[SHA256_HEX_LEN + 1];
    struct model_file mf = { "w.bin", hex };

    sha256_hex("weights", 7, hex);
    ck_assert_int_eq(models_check(dir, &mf, &detail), MODEL_MISSING);
    ck_assert_ptr_null(detail);
    path = path_join(dir, "w.bin");
    ck_assert_int_eq(fs_write_atomic(path, "weights", 7, 0644, NULL), 0);
    ck_assert_int_eq(models_check(dir, &mf, &detail), MODEL_OK);
    ck_assert_int_eq(fs_write_atomic(path, "weightz", 7, 0644, NULL), 0);
    ck_assert_int_eq(models_check(dir, &mf, &detail), MODEL_CORRUPT);
    ck_assert_ptr_nonnull(strstr(detail, hex));
    free(detail);
    /* models_require names the file and the fix. */
    ck_assert_int_eq(models_require(dir, "tiny_face_detector_model.bin", &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "tiny_face_detector_model.bin"));
    ck_assert_ptr_nonnull(strstr(cause, "faceaudit models fetch"));
    free(cause);
    free(path);
    test_rmdir(dir);
}
END_TEST

Suite *models_suite(void);

Suite *
models_suite(void)
{
    Suite *s = suite_create("models");
    TCase *tc = tcase_create("registry");

    tcase_add_test(tc, test_sums_match_committed_file);
    tcase_add_test(tc, test_check_states);
    suite_add_tcase(s, tc);
    return s;
}
