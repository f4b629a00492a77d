/* SPDX-License-Identifier: MIT */
/*
 * check_thumb.c - kept face thumbnails (replay --keep-thumbnails): the PNG
 * encoder round-trips through the decoder (RGB and grey, odd sizes); the
 * thumbnail of a box has its margin, is clipped to the frame and scaled to
 * at most 112 pixels; store_thumb: put with a run and read back bit for bit,
 * list by run, the seal bound to its row (tampered or moved blobs are errors
 * naming the thumbnail), the purge on the expiry date with its log entry,
 * a run's thumbnails going with the run, log verify opening every seal.
 */
#include "config.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <check.h>

#include "faceaudit/app.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/image.h"
#include "faceaudit/store.h"
#include "faceaudit/store_crypt.h"
#include "faceaudit/store_eval.h"
#include "faceaudit/store_log.h"
#include "faceaudit/store_sim.h"
#include "faceaudit/store_thumb.h"
#include "faceaudit/video.h"
#include "testutil.h"

Suite *thumb_suite(void);

static struct image *
pattern(int w, int h, int c)
{
    struct image *img = image_new(w, h, c, IMAGE_U8);
    size_t i;

    for (i = 0; i < (size_t)w * (size_t)h * (size_t)c; i++)
        img->u8[i] = (uint8_t)((i * 37 + i / 7) & 255);
    return img;
}

START_TEST(test_png_round_trip)
{
    static const int sizes[][3] = { { 1, 1, 3 }, { 112, 87, 3 }, { 13, 112, 3 }, { 9, 5, 1 } };
    size_t k;

    for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        struct image *img = pattern(sizes[k][0], sizes[k][1], sizes[k][2]), *back;
        unsigned char *png;
        size_t len, i;
        char *cause = NULL;

        ck_assert_msg(image_encode_png(img, &png, &len, &cause) == 0, "encode: %s", cause);
        ck_assert(len > 8 && memcmp(png, "\211PNG\r\n\032\n", 8) == 0);
        back = image_decode_png(png, len, "round.png", NULL, &cause);
        ck_assert_msg(back != NULL, "decode: %s", cause);
        ck_assert_int_eq(back->width, img->width);
        ck_assert_int_eq(back->height, img->height);
        ck_assert_int_eq(back->channels, 3); /* the decoder gives RGB */
        for (i = 0; i < (size_t)img->width * (size_t)img->height; i++) {
            int c;

            for (c = 0; c < 3; c++)
                ck_assert_int_eq(back->u8[i * 3 + (size_t)c],
                    img->u8[i * (size_t)img->channels + (size_t)(img->channels == 3 ? c : 0)]);
        }
        image_free(back);
        free(png);
        image_free(img);
    }
    {
        struct image *f = image_new(2, 2, 3, IMAGE_F32);
        unsigned char *png;
        size_t len;
        char *cause = NULL;

        ck_assert_int_eq(image_encode_png(f, &png, &len, &cause), -1);
        ck_assert(cause != NULL && strstr(cause, "8-bit") != NULL);
        free(cause);
        image_free(f);
    }
}
END_TEST

START_TEST(test_thumbnail_box)
{
    struct image *frame = pattern(640, 480, 3), *t;
    struct fa_box small = { 100, 100, 40, 60 }, big = { 200, 100, 300, 200 };
    struct fa_box edge = { -10, 450, 80, 80 }, none = { 700, 10, 20, 20 };

    /* 40x60 grown by 25% each side: 60x90, copied as is */
    t = video_thumbnail(frame, &small);
    ck_assert(t != NULL);
    ck_assert_int_eq(t->width, 60);
    ck_assert_int_eq(t->height, 90);
    ck_assert_int_eq(t->u8[0], frame->u8[(85 * 640 + 90) * 3]); /* from (90, 85) */
    image_free(t);
    /* 300x200 grown to 450x300, scaled to 112 wide (75 high) */
    t = video_thumbnail(frame, &big);
    ck_assert(t != NULL);
    ck_assert_int_eq(t->width, 112);
    ck_assert_int_eq(t->height, 75);
    ck_assert_int_eq(t->channels, 3);
    image_free(t);
    t = video_thumbnail(frame, &edge); /* clipped at the left and bottom */
    ck_assert(t != NULL);
    ck_assert_int_eq(t->width, 90);
    ck_assert_int_eq(t->height, 480 - 430);
    image_free(t);
    ck_assert(video_thumbnail(frame, &none) == NULL);
    image_free(frame);
}
END_TEST

static char *tmpdir;
static struct store *st;

static void
setup(void)
{
    char *path, *cause = NULL;

    tmpdir = test_tmpdir();
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

/* A replay run named name with n thumbnails of a 7x5 pattern on gate-1, expiring exp. */
static int64_t
save_run(const char *name, size_t n, fa_date exp, struct image *img)
{
    struct store_thumb t[3];
    char *cause = NULL;
    int64_t id;
    size_t i;

    memset(t, 0, sizeof t);
    for (i = 0; i < n; i++) {
        t[i].device = (char *)(uintptr_t)"gate-1";
        t[i].date = date_from_ymd(2025, 11, 5);
        t[i].track = (int)i + 1;
        t[i].file = (char *)(uintptr_t)"videos/zone.mkv";
        t[i].time = 1.5 * (double)i;
        t[i].width = img->width;
        t[i].height = img->height;
        t[i].expires = exp;
        t[i].rgb = img->u8;
    }
    id = store_sim_save(st, "replay", name, "{}", "{}", NULL, 0, t, n, &cause);
    ck_assert_msg(id > 0, "save: %s", cause);
    return id;
}

START_TEST(test_store_put_open_purge)
{
    struct image *img = pattern(7, 5, 3);
    fa_date exp = date_from_ymd(2026, 2, 9);
    struct store_key *key;
    struct store_thumb *t;
    struct store_purge *p;
    struct store_log_report rep;
    unsigned char *rgb;
    char *cause = NULL;
    int64_t r1, r2;
    size_t n, np;

    r1 = save_run("one", 3, exp, img);
    r2 = save_run("two", 2, exp + 10, img);
    key = store_template_key(st, false, &cause);
    ck_assert_msg(key != NULL, "key: %s", cause);
    ck_assert_int_eq(store_thumbs_list(st, r1, &t, &n, &cause), 0);
    ck_assert_int_eq(n, 3);
    ck_assert_str_eq(t[2].device, "gate-1");
    ck_assert_int_eq(t[2].track, 3);
    ck_assert(t[2].time > 2.99 && t[2].time < 3.01);
    ck_assert_int_eq(t[2].expires, exp);
    ck_assert_int_eq(store_thumb_open(st, key, &t[2], &rgb, &cause), 0);
    ck_assert(memcmp(rgb, img->u8, 7 * 5 * 3) == 0);
    free(rgb);
    /* relabelled: the seal is bound to its track */
    t[2].track = 2;
    ck_assert_int_eq(store_thumb_open(st, key, &t[2], &rgb, &cause), -1);
    ck_assert_msg(strstr(cause, "track 2") != NULL, "%s", cause);
    free(cause);
    cause = NULL;
    store_thumbs_free(t, n);
    ck_assert_int_eq(store_thumbs_count(st, 0), 5);
    ck_assert_int_eq(store_log_verify(st, key, NULL, &rep, &cause), 0);
    ck_assert_int_eq(rep.thumbnails, 5);
    /* a blob moved to another row does not open, and log verify names it */
    ck_assert_int_eq(store_exec(st, "UPDATE thumbnail SET sealed = (SELECT sealed FROM "
        "thumbnail WHERE track = 1 AND run_id = 1) WHERE track = 2 AND run_id = 1", &cause), 0);
    ck_assert_int_eq(store_log_verify(st, key, NULL, &rep, &cause), 1);
    ck_assert_msg(strstr(cause, "(run 1, gate-1 2025-11-05 track 2)") != NULL, "%s", cause);
    free(cause);
    cause = NULL;
    /* the day before the expiry nothing goes; on it run one's go, logged */
    ck_assert_int_eq(store_thumbs_purge(st, exp - 1, false, &p, &np, &cause), 0);
    ck_assert_int_eq(np, 0);
    free(p);
    ck_assert_int_eq(store_thumbs_purge(st, exp, true, &p, &np, &cause), 3);
    store_purge_free_array(p, np);
    ck_assert_int_eq(store_thumbs_count(st, 0), 5); /* dry run */
    ck_assert_int_eq(store_thumbs_purge(st, exp, false, &p, &np, &cause), 3);
    ck_assert_int_eq(np, 1);
    ck_assert_str_eq(p[0].gallery, "replay one");
    store_purge_free_array(p, np);
    ck_assert_int_eq(store_thumbs_count(st, r1), 0);
    ck_assert_int_eq(store_thumbs_count(st, r2), 2);
    ck_assert_int_eq(store_log_verify(st, key, NULL, &rep, &cause), 0);
    ck_assert_int_eq(rep.thumbnails, 2);
    /* a run's thumbnails go with it */
    ck_assert_int_eq(store_run_delete(st, "replay", "two", &cause), 0);
    ck_assert_int_eq(store_thumbs_count(st, 0), 0);
    image_free(img);
}
END_TEST

START_TEST(test_store_put_checks)
{
    struct image *img = pattern(113, 5, 3);
    struct store_thumb t;
    char *cause = NULL;

    memset(&t, 0, sizeof t);
    t.device = (char *)(uintptr_t)"gate-1";
    t.date = date_from_ymd(2025, 11, 5);
    t.track = 1;
    t.file = (char *)(uintptr_t)"v.mkv";
    t.width = 113;
    t.height = 5;
    t.expires = t.date;
    t.rgb = img->u8;
    /* too large: refused, and the run is not stored either (one transaction) */
    ck_assert_int_eq(store_sim_save(st, "replay", "big", "{}", "{}", NULL, 0, &t, 1, &cause),
        -1);
    ck_assert_msg(strstr(cause, "bad size 113x5") != NULL, "%s", cause);
    free(cause);
    cause = NULL;
    ck_assert_int_eq(store_run_delete(st, "replay", "big", &cause), -1);
    free(cause);
    ck_assert_int_eq(store_thumbs_count(st, 0), 0);
    image_free(img);
}
END_TEST

/* The files in dir. */
static int
count_files(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/*
 * Regression: two devices whose ids clean to the same file name ("gate 1",
 * "gate_1") exported to one file, the second over the first; and an export
 * into a folder holding an earlier export's file replaced it. Each device's
 * thumbnail has its own file, and an existing file is never overwritten.
 */
START_TEST(test_export_names)
{
    struct image *img = pattern(7, 5, 3);
    struct store_thumb t[2];
    char *cause = NULL, *db = path_join(tmpdir, "fa.db"), *out = path_join(tmpdir, "out");
    char *again = path_join(tmpdir, "again");
    struct app *a;
    size_t written = 0, i;
    int64_t run;

    memset(t, 0, sizeof t);
    for (i = 0; i < 2; i++) {
        t[i].device = (char *)(uintptr_t)(i == 0 ? "gate 1" : "gate_1");
        t[i].date = date_from_ymd(2025, 11, 5);
        t[i].track = 1;
        t[i].file = (char *)(uintptr_t)"videos/zone.mkv";
        t[i].width = img->width;
        t[i].height = img->height;
        t[i].expires = date_from_ymd(2026, 2, 9);
        t[i].rgb = img->u8;
    }
    run = store_sim_save(st, "replay", "names", "{}", "{}", NULL, 0, t, 2, &cause);
    ck_assert_msg(run > 0, "save: %s", cause);
    a = app_new(db);
    ck_assert_msg(app_thumbnails_export(a, run, out, &written, &cause) == 0, "%s", cause);
    ck_assert_uint_eq(written, 2);
    ck_assert_int_eq(count_files(out), 2);
    /* the same export again into the same folder: refused, nothing replaced or removed */
    ck_assert_int_eq(app_thumbnails_export(a, run, out, &written, &cause), -1);
    ck_assert_msg(strstr(cause, "already exists") != NULL, "%s", cause);
    free(cause);
    cause = NULL;
    ck_assert_int_eq(count_files(out), 2);
    ck_assert_msg(app_thumbnails_export(a, run, again, &written, &cause) == 0, "%s", cause);
    ck_assert_int_eq(count_files(again), 2);
    app_free(a);
    image_free(img);
    free(db);
    free(out);
    free(again);
}
END_TEST

Suite *
thumb_suite(void)
{
    Suite *s = suite_create("thumb");
    TCase *tc = tcase_create("image");

    tcase_add_test(tc, test_png_round_trip);
    tcase_add_test(tc, test_thumbnail_box);
    suite_add_tcase(s, tc);
    tc = tcase_create("store");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_store_put_open_purge);
    tcase_add_test(tc, test_store_put_checks);
    tcase_add_test(tc, test_export_names);
    suite_add_tcase(s, tc);
    return s;
}
