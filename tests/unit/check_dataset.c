/* SPDX-License-Identifier: MIT */
/*
 * check_dataset.c - dataset loaders: each format on small hand-written
 * inputs, the canonical manifest hash, limits, `dataset check` (missing,
 * unreadable, duplicate files), and a table of malformed manifests, pairs
 * files and XML that must fail with file:line messages.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/dataset.h"
#include "faceaudit/ds_table.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "testutil.h"

static char *tmp;

static void
setup(void)
{
    tmp = test_tmpdir();
}

static void
teardown(void)
{
    test_rmdir(tmp);
}

/* Write text to tmp/name (creating folders); returns the path (caller frees). */
static char *
put(const char *name, const char *text)
{
    char *path = path_join(tmp, name), *dir = xstrdup(path), *slash = strrchr(dir, '/');
    char *cause = NULL;

    *slash = '\0';
    ck_assert_int_eq(fs_mkdir_p(dir, 0700, &cause), 0);
    free(dir);
    ck_assert_int_eq(fs_write_atomic(path, text, strlen(text), 0600, &cause), 0);
    return path;
}

/* ds_table: rows keep their physical line, also after a quoted line break. */
START_TEST(test_table_lines)
{
    char *p = put("events.csv", "time,device,note\n"
        "09:00,d1,\"first\nsecond\"\n"
        "09:05,d2,ok\n"
        "09:10,d3,x,extra\n");
    char *cause = NULL;
    struct ds_table *t;

    t = ds_table_read(p, 100, 1 << 20, &cause);
    ck_assert_ptr_null(t);
    ck_assert_msg(str_has_suffix(cause, "events.csv:5: 4 fields, but the header has 3"), "%s",
        cause);
    free(cause);
    free(p);
    p = put("events.csv", "time,device,note\n09:00,d1,\"first\nsecond\"\n09:05,d2,ok\n");
    t = ds_table_read(p, 100, 1 << 20, &cause);
    ck_assert_msg(t != NULL, "%s", cause);
    ck_assert_uint_eq(t->nrows, 2);
    ck_assert_uint_eq(t->lines[0], 2);
    ck_assert_uint_eq(t->lines[1], 4);
    ck_assert_str_eq(t->rows[0][2], "first\nsecond");
    ds_table_free(t);
    free(p);
}
END_TEST

START_TEST(test_csv_load)
{
    char *m = put("m/faces.csv",
        "path,subject,box,age_band,sex,capture\n"
        "a/1.png,alice,10 20 30 40,0-13,f,indoor\n"
        "\"a/2.png\",alice,\"1 2 3 4; !5 6 7 8\",unknown,,\n"
        "b/1.png,bob,,30-49,M,\"outdoor;glasses\"\n");
    char *cause = NULL;
    struct dataset *ds = dataset_load(m, NULL, &cause);

    ck_assert_msg(ds != NULL, "%s", cause);
    ck_assert_str_eq(ds->format, "csv");
    ck_assert_uint_eq(ds->nitems, 3);
    ck_assert_str_eq(ds->items[0].subject, "alice");
    ck_assert_str_eq(ds->items[0].sex, "F");         /* normalised */
    ck_assert(ds_age_is_minor(ds->items[0].age_band));
    ck_assert_uint_eq(ds->items[0].nboxes, 1);
    ck_assert_double_eq_tol(ds->items[0].boxes[0].w, 30, 1e-12);
    ck_assert_uint_eq(ds->items[1].nboxes, 2);
    ck_assert(ds->items[1].boxes[1].ignore);
    ck_assert_str_eq(ds->items[1].age_band, "");
    ck_assert(ds->items[2].has_boxes);
    ck_assert_uint_eq(ds->items[2].nboxes, 0);
    ck_assert_str_eq(ds->items[2].capture, "outdoor;glasses");
    ck_assert_uint_eq(ds->items[2].line, 4);
    ck_assert(str_has_suffix(ds->items[2].path, "/m/b/1.png"));
    ck_assert_uint_eq(strlen(ds->manifest_sha256), 64);
    dataset_free(ds);
    free(m);
}
END_TEST

START_TEST(test_manifest_hash)
{
    char *a = put("a.csv", "path,subject\nx.png,p\ny.png,q\n");
    char *b = put("b.csv", "\xef\xbb\xbfsubject,path\n\"p\",\"x.png\"\r\nq,y.png\r\n");
    char *c = put("c.csv", "path,subject\nx.png,p\ny.png,r\n");
    struct dataset *da = dataset_load(a, NULL, NULL), *db = dataset_load(b, NULL, NULL);
    struct dataset *dc = dataset_load(c, NULL, NULL);

    ck_assert(da != NULL && db != NULL && dc != NULL);
    /* same content, different quoting, column order, line ends and a byte
     * order mark: same hash */
    ck_assert_str_eq(da->manifest_sha256, db->manifest_sha256);
    /* one label changed: different hash */
    ck_assert_str_ne(da->manifest_sha256, dc->manifest_sha256);
    dataset_free(da);
    dataset_free(db);
    dataset_free(dc);
    free(a);
    free(b);
    free(c);
}
END_TEST

START_TEST(test_data_variable)
{
    char *m = put("d.csv", "path,subject\n$FACEAUDIT_DATA/faces/x.png,p\n");
    char *cause = NULL, *xdg;
    struct dataset *ds;

    setenv("FACEAUDIT_DATA", "/srv/data", 1);
    ds = dataset_load(m, NULL, &cause);
    ck_assert_msg(ds != NULL, "%s", cause);
    ck_assert_str_eq(ds->items[0].path, "/srv/data/faces/x.png");
    ck_assert_str_eq(ds->items[0].rel, "$FACEAUDIT_DATA/faces/x.png");
    dataset_free(ds);
    /* unset: the datasets folder under the user's data folder */
    unsetenv("FACEAUDIT_DATA");
    xdg = getenv("XDG_DATA_HOME") != NULL ? xstrdup(getenv("XDG_DATA_HOME")) : NULL;
    setenv("XDG_DATA_HOME", "/home/u/.data", 1);
    ds = dataset_load(m, NULL, &cause);
    ck_assert_msg(ds != NULL, "%s", cause);
    ck_assert_str_eq(ds->items[0].path, "/home/u/.data/faceaudit/datasets/faces/x.png");
    dataset_free(ds);
    if (xdg != NULL)
        setenv("XDG_DATA_HOME", xdg, 1);
    else
        unsetenv("XDG_DATA_HOME");
    free(xdg);
    free(m);
}
END_TEST

/* A validator that refuses one file by content (as an image decoder would). */
static int
reject_z2(void *arg, const char *path, char **cause)
{
    size_t len;
    char *body = fs_read_file(path, 1024, &len, cause);
    int rc = 0;

    if (body != NULL && strcmp(body, "image-z1") == 0 && str_has_suffix(path, "copy.jpg"))
        rc = cause_set(cause, "not a JPEG");
    free(body);
    return rc;
}

START_TEST(test_dirtree_and_check)
{
    char *root = path_join(tmp, "tree"), *cause = NULL;
    struct dataset *ds;
    struct ds_check chk;
    char *p;

    free(put("tree/zed/2.png", "image-z2"));
    free(put("tree/zed/1.png", "image-z1"));
    free(put("tree/amy/1.jpg", "image-a1"));
    free(put("tree/amy/copy.jpg", "image-z1"));      /* same bytes as zed/1.png */
    free(put("tree/amy/notes.txt", "not an image"));
    free(put("tree/group.jpg", "unlabelled"));
    free(put("tree/README", "readme"));
    free(put("tree/amy/empty.png", ""));
    ds = dataset_load(root, NULL, &cause);
    ck_assert_msg(ds != NULL, "%s", cause);
    ck_assert_str_eq(ds->format, "dir");
    ck_assert_uint_eq(ds->nitems, 5);
    ck_assert_uint_eq(ds->unlabelled, 1);
    /* byte order: amy before zed, 1 before 2 */
    ck_assert_str_eq(ds->items[0].rel, "amy/1.jpg");
    ck_assert_str_eq(ds->items[4].rel, "zed/2.png");
    ck_assert_str_eq(ds->items[4].subject, "zed");
    /* remove one file after loading: check reports it missing */
    p = path_join(root, "zed/2.png");
    ck_assert_int_eq(remove(p), 0);
    free(p);
    ck_assert_int_eq(dataset_check(ds, 1024, reject_z2, NULL, &chk, NULL, NULL), 0);
    ck_assert_uint_eq(chk.images, 5);
    ck_assert_uint_eq(chk.subjects, 2);
    ck_assert_uint_eq(chk.per_subject_min, 2);
    ck_assert_uint_eq(chk.per_subject_max, 3);
    ck_assert_uint_eq(chk.nmissing, 1);
    ck_assert_str_eq(chk.missing[0], "zed/2.png");
    ck_assert_uint_eq(chk.nunreadable, 2);
    ck_assert_str_eq(chk.unreadable[0], "amy/copy.jpg: not a JPEG");
    ck_assert_msg(strstr(chk.unreadable[1], "amy/empty.png: empty file") != NULL, "%s",
        chk.unreadable[1]);
    ck_assert_uint_eq(chk.nduplicates, 0);
    ds_check_done(&chk);
    /* without the validator the same bytes are a duplicate */
    ck_assert_int_eq(dataset_check(ds, 1024, NULL, NULL, &chk, NULL, NULL), 0);
    ck_assert_uint_eq(chk.nduplicates, 1);
    ck_assert_str_eq(chk.duplicates[0], "zed/1.png = amy/copy.jpg");
    ds_check_done(&chk);
    dataset_free(ds);
    free(root);
}
END_TEST

START_TEST(test_lfw_pairs)
{
    char *m = put("lfw/pairs.txt",
        "2\t1\n"
        "Ann\t1\t2\n"
        "Ann\t1\tBob\t1\n"
        "Bob\t1\t3\n"
        "Cy 2 Ann 2\n");
    char *cause = NULL;
    struct dataset *ds;

    free(put("lfw/lfw/Ann/Ann_0001.jpg", "x"));
    ds = dataset_load(m, NULL, &cause);
    ck_assert_msg(ds != NULL, "%s", cause);
    ck_assert_str_eq(ds->format, "lfw");
    ck_assert_uint_eq(ds->nfolds, 2);
    ck_assert_uint_eq(ds->npairs, 4);
    /* distinct images in order of first mention: Ann1 Ann2 Bob1 Bob3 Cy2 */
    ck_assert_uint_eq(ds->nitems, 5);
    ck_assert_str_eq(ds->items[3].rel, "Bob/Bob_0003.jpg");
    ck_assert(str_has_suffix(ds->items[0].path, "lfw/lfw/Ann/Ann_0001.jpg"));
    ck_assert(ds->pairs[0].genuine && !ds->pairs[1].genuine);
    ck_assert_uint_eq(ds->pairs[1].a, 0);
    ck_assert_uint_eq(ds->pairs[1].b, 2);
    ck_assert_uint_eq(ds->pairs[3].fold, 2);
    ck_assert_uint_eq(ds->pairs[3].b, 1);   /* Ann 2 again */
    dataset_free(ds);
    free(m);
}
END_TEST

START_TEST(test_imglab)
{
    char *m = put("x/boxes.xml",
        "<?xml version='1.0'?>\n<dataset><images>\n"
        "<image file='a.jpg'>\n"
        "  <box top='90' left='194' width='37' height='36'><part name='00' x='1' y='2'/></box>\n"
        "  <box top='1' left='2' width='3' height='4' ignore='1'/>\n"
        "</image>\n<image file='b.jpg'/>\n</images></dataset>\n");
    char *cause = NULL;
    struct dataset *ds = dataset_load(m, NULL, &cause);

    ck_assert_msg(ds != NULL, "%s", cause);
    ck_assert_str_eq(ds->format, "imglab");
    ck_assert_uint_eq(ds->nitems, 2);
    ck_assert_uint_eq(ds->items[0].nboxes, 2);
    ck_assert_double_eq_tol(ds->items[0].boxes[0].x, 194, 1e-12);
    ck_assert_double_eq_tol(ds->items[0].boxes[0].y, 90, 1e-12);
    ck_assert_double_eq_tol(ds->items[0].boxes[0].h, 36, 1e-12);
    ck_assert(!ds->items[0].boxes[0].ignore && ds->items[0].boxes[1].ignore);
    ck_assert(ds->items[1].has_boxes);
    ck_assert_uint_eq(ds->items[1].nboxes, 0);
    ck_assert_str_eq(ds->items[1].subject, "");
    dataset_free(ds);
    free(m);
}
END_TEST

/* Malformed inputs: each must fail, and the message must carry file:line. */
static const struct bad_case {
    const char *name;
    const char *text;
    const char *expect;
} bad_cases[] = {
    { "c1.csv", "path,subjet\na.png,x\n",
        "c1.csv:1: column 2: unknown column 'subjet' (did you mean 'subject'?)" },
    { "c2.csv", "subject,box\nx,1 2 3 4\n", "c2.csv:1: no 'path' column" },
    { "c3.csv", "path,subject,sex\na.png,x,F\nb.png,y\n",
        "c3.csv:3: 2 fields, but the header has 3 columns" },
    { "c4.csv", "path,subject,box\na.png,x,1 2 three 4\n",
        "c4.csv:2: column 3 (box): box 1: expected 4 numbers" },
    { "c5.csv", "path,box\na.png,1 2 3 4;5 6 -7 8\n",
        "c5.csv:2: column 2 (box): box 2: width and height must be positive" },
    { "c6.csv", "path,subject,age_band\na.png,x,0-13\nb.png,y,12\n",
        "c6.csv:3: column 3 (age_band): bad age band '12'" },
    { "c7.csv", "path,sex,subject\na.png,Q,x\n", "c7.csv:2: column 2 (sex): bad sex 'Q'" },
    { "c8.csv", "path,subject\na.png,x\na.png,y\n",
        "c8.csv:3: column 1 (path): 'a.png' is already listed on line 2" },
    { "c9.csv", "path,subject\na.png,\"x\nb.png,y\n", "c9.csv:3:" },
    { "c10.csv", "", "c10.csv:1: empty manifest" },
    { "c11.csv", "path,subject\n ,x\n", "c11.csv:2: column 1 (path): empty path" },
    { "c12.csv", "path,path\na,b\n", "c12.csv:1: column 2: column 'path' appears twice" },
    { "c13.csv", "path,subject,box\na.png,x,1 2 3 4 5\n",
        "c13.csv:2: column 3 (box): box 1: trailing text" },
    { "p1.txt", "ten 300\n", "p1.txt:1: the first line must be" },
    { "p2.txt", "1 1\nAnn 1 Bob 2\nAnn 1 Bob 1\n",
        "p2.txt:2: fold 1, matched pair 1: expected \"name n1 n2\", got 4 field(s)" },
    { "p3.txt", "1 1\nAnn x 2\nAnn 1 Bob 1\n",
        "p3.txt:2: field 2: image number must be 1..9999, got 'x'" },
    { "p4.txt", "2 1\nAnn 1 2\nAnn 1 Bob 1\nAnn 1 3\n", "p4.txt:5: file ends after 3 pair(s)" },
    { "p5.txt", "1 1\nAnn 2 2\nAnn 1 Bob 1\n",
        "p5.txt:2: matched pair compares image 2 with itself" },
    { "p6.txt", "1 1\nAnn 1 2\nAnn 1 Ann 3\n",
        "p6.txt:3: mismatched pair names the same person 'Ann' twice" },
    { "p7.txt", "1 1\nAnn 1 2\nAnn 1 Bob 1\nCy 1 2\n",
        "p7.txt:4: more lines than the header's 1 fold(s)" },
    { "x1.xml",
        "<dataset><images>\n<image file='a.jpg'>\n<box top='1' left='2' height='4'/>\n"
        "</image></images></dataset>\n",
        "x1.xml:3:1: <box> without the 'width' attribute" },
    { "x2.xml", "<dataset><images>\n<image file='a.jpg'>\n</images>\n",
        "x2.xml:3:3: mismatched tag" },
    { "x3.xml", "<dataset>\n<box top='1' left='2' width='3' height='4'/>\n</dataset>\n",
        "x3.xml:2:1: <box> outside an <image>" },
    { "x4.xml",
        "<dataset><images>\n<image file='a.jpg'><box top='1' left='2' width='3x' height='4'/>"
        "</image>\n</images></dataset>\n",
        "x4.xml:2:21: <box> attribute width='3x' is not a number" },
    { "x5.xml", "<dataset><images><image/></images></dataset>",
        "x5.xml:1:18: <image> without a 'file' attribute" },
};

START_TEST(test_bad_input)
{
    const struct bad_case *bc = &bad_cases[_i];
    char *m = put(bc->name, bc->text), *cause = NULL;
    struct dataset *ds = dataset_load(m, NULL, &cause);

    ck_assert_msg(ds == NULL, "%s: loaded, expected an error", bc->name);
    ck_assert_msg(cause != NULL && strstr(cause, bc->expect) != NULL,
        "%s: got \"%s\", expected \"%s\"", bc->name, cause != NULL ? cause : "(null)",
        bc->expect);
    free(cause);
    free(m);
}
END_TEST

START_TEST(test_limits)
{
    char *m = put("big.csv", "path\na\nb\nc\n"), *cause = NULL;
    struct ds_options opt = { NULL, 2, false, NULL };
    struct dataset *ds = dataset_load(m, &opt, &cause);

    ck_assert(ds == NULL);
    ck_assert_msg(strstr(cause, "big.csv:4: more than 2 images") != NULL, "%s", cause);
    free(cause);
    cause = NULL;
    opt.format = "csvv";
    ck_assert(dataset_load(m, &opt, &cause) == NULL);
    ck_assert_msg(strstr(cause, "did you mean 'csv'") != NULL, "%s", cause);
    free(cause);
    free(m);
}
END_TEST

/* The shipped definitions load against the shared datasets when present. */
START_TEST(test_shipped_definitions)
{
    static const struct {
        const char *manifest;
        size_t items, subjects;
    } defs[] = {
        { "datasets/faces/orl.csv", 400, 40 },
        { "datasets/faces/bbt.csv", 40, 8 },
        { "datasets/faces/dlib-train.xml", 4, 0 },
    };
    char *data = test_datadir(), *cause = NULL;
    size_t i;

    if (data == NULL) {
        fprintf(stderr, "SKIP: dataset: shared datasets absent (set FACEAUDIT_DATA)\n");
        return;
    }
    setenv("FACEAUDIT_DATA", data, 1);
    for (i = 0; i < sizeof defs / sizeof defs[0]; i++) {
        char *m = test_srcpath(defs[i].manifest);
        struct dataset *ds = dataset_load(m, NULL, &cause);
        struct ds_check chk;

        ck_assert_msg(ds != NULL, "%s", cause);
        ck_assert_uint_eq(ds->nitems, defs[i].items);
        ck_assert_int_eq(dataset_check(ds, 64u << 20, NULL, NULL, &chk, NULL, NULL), 0);
        ck_assert_uint_eq(chk.subjects, defs[i].subjects);
        ck_assert_msg(chk.nmissing == 0 && chk.nunreadable == 0, "%s: %zu missing",
            defs[i].manifest, chk.nmissing);
        ck_assert_uint_eq(chk.nduplicates, 0);
        ds_check_done(&chk);
        dataset_free(ds);
        free(m);
    }
    free(data);
}
END_TEST

Suite *dataset_suite(void);

Suite *
dataset_suite(void)
{
    Suite *s = suite_create("dataset");
    TCase *tc = tcase_create("formats");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_csv_load);
    tcase_add_test(tc, test_manifest_hash);
    tcase_add_test(tc, test_data_variable);
    tcase_add_test(tc, test_dirtree_and_check);
    tcase_add_test(tc, test_lfw_pairs);
    tcase_add_test(tc, test_imglab);
    tcase_add_test(tc, test_shipped_definitions);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_bad_input, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_table_lines);
    suite_add_tcase(s, tc);
    return s;
}
