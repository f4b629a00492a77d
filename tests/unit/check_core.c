/* SPDX-License-Identifier: MIT */
/*
 * check_core.c - core: allocation helpers, strings, vectors, hash table,
 * SHA-256 test vectors, atomic file writes.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <check.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/hash.h"
#include "faceaudit/log.h"
#include "faceaudit/sha256.h"
#include "faceaudit/str.h"
#include "faceaudit/uwidth.h"
#include "faceaudit/vec.h"
#include "faceaudit/xmalloc.h"
#include "testutil.h"

START_TEST(test_xasprintf)
{
    char *s = xasprintf("%s-%d", "art", 13);

    ck_assert_str_eq(s, "art-13");
    free(s);
}
END_TEST

START_TEST(test_xmalloc_zero_is_fatal)
{
    (void)xmalloc(0);
}
END_TEST

START_TEST(test_cause)
{
    char *cause = NULL;

    ck_assert_int_eq(cause_set(&cause, "line %d", 4), -1);
    cause_prefix(&cause, "%s", "a.rule");
    ck_assert_str_eq(cause, "a.rule: line 4");
    free(cause);
    ck_assert_int_eq(cause_set(NULL, "ignored"), -1);
}
END_TEST

START_TEST(test_strbuf)
{
    struct strbuf sb;
    char *s;
    int i;

    strbuf_init(&sb);
    ck_assert_str_eq(strbuf_str(&sb), "");
    for (i = 0; i < 100; i++)
        strbuf_printf(&sb, "%d,", i);
    ck_assert_uint_eq(sb.len, 290);
    ck_assert(str_has_prefix(strbuf_str(&sb), "0,1,2,"));
    ck_assert(str_has_suffix(strbuf_str(&sb), "98,99,"));
    strbuf_reset(&sb);
    strbuf_puts(&sb, "x");
    strbuf_putc(&sb, 'y');
    s = strbuf_detach(&sb);
    ck_assert_str_eq(s, "xy");
    ck_assert_ptr_null(sb.buf);
    free(s);
}
END_TEST

START_TEST(test_trim_and_suggest)
{
    char buf[] = "  \t hotel_room \n";
    const char *const kinds[] = { "hotel_room", "public_bath", "changing_room",
        "public_toilet", NULL };

    ck_assert_str_eq(str_trim(buf), "hotel_room");
    ck_assert_uint_eq(str_edit_distance("kitten", "sitting", 10), 3);
    ck_assert_uint_eq(str_edit_distance("abc", "abc", 0), 0);
    ck_assert_uint_eq(str_edit_distance("abcdef", "zzzzzz", 2), 3);
    ck_assert_str_eq(str_suggest("hotle_room", kinds), "hotel_room");
    ck_assert_str_eq(str_suggest("public_toliet", kinds), "public_toilet");
    ck_assert_ptr_null(str_suggest("stadium", kinds));
}
END_TEST

static int freed_items;

static void
count_free(void *p)
{
    freed_items++;
    free(p);
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(test_vec)
{
    struct vec v;
    int i;

    freed_items = 0;
    vec_init(&v, count_free);
    for (i = 0; i < 20; i++)
        vec_push(&v, xasprintf("%02d", 19 - i));
    ck_assert_uint_eq(v.len, 20);
    vec_sort(&v, cmp_str);
    ck_assert_str_eq(vec_get(&v, 0), "00");
    ck_assert_str_eq(vec_get(&v, 19), "19");
    vec_remove(&v, 0);
    ck_assert_int_eq(freed_items, 1);
    ck_assert_str_eq(vec_get(&v, 0), "01");
    vec_done(&v);
    ck_assert_int_eq(freed_items, 20);
}
END_TEST

START_TEST(test_hash)
{
    struct hash h;
    char key[32];
    size_t iter = 0, seen = 0;
    int i;

    freed_items = 0;
    hash_init(&h, count_free);
    for (i = 0; i < 1000; i++) {
        snprintf(key, sizeof key, "device-%d", i);
        hash_put(&h, key, xasprintf("%d", i));
    }
    ck_assert_uint_eq(h.len, 1000);
    ck_assert_str_eq(hash_get(&h, "device-517"), "517");
    ck_assert_ptr_null(hash_get(&h, "device-1000"));
    hash_put(&h, "device-517", xstrdup("replaced"));
    ck_assert_int_eq(freed_items, 1);
    ck_assert_str_eq(hash_get(&h, "device-517"), "replaced");
    for (i = 0; i < 1000; i += 2) {
        snprintf(key, sizeof key, "device-%d", i);
        ck_assert(hash_remove(&h, key));
    }
    ck_assert(!hash_remove(&h, "device-0"));
    ck_assert_uint_eq(h.len, 500);
    ck_assert(hash_contains(&h, "device-999"));
    ck_assert(!hash_contains(&h, "device-998"));
    while (hash_next(&h, &iter) != NULL)
        seen++;
    ck_assert_uint_eq(seen, 500);
    hash_done(&h);
    ck_assert_int_eq(freed_items, 1001);
}
END_TEST

START_TEST(test_sha256_vectors)
{
    char hex[SHA256_HEX_LEN + 1];
    struct sha256 ctx;
    unsigned char digest[SHA256_DIGEST_LEN];
    char block[1001];
    int i;

    sha256_hex("", 0, hex);
    ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_hex("abc", 3, hex);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
    ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* One million 'a', fed in uneven pieces. */
    memset(block, 'a', sizeof block);
    sha256_init(&ctx);
    for (i = 0; i < 1000; i++)
        sha256_update(&ctx, block, i % 2 ? 999 : 1001);
    sha256_final(&ctx, digest);
    sha256_to_hex(digest, hex);
    ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

/*
 * FIPS 180-4's two-block message (896 bits), and every length around the
 * 64-byte block and the 56-byte padding boundary fed byte by byte against
 * the one-shot digest of a known 65-byte answer.
 */
START_TEST(test_sha256_boundaries)
{
    static const char m896[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
        "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    char hex[SHA256_HEX_LEN + 1], one[SHA256_HEX_LEN + 1];
    unsigned char digest[SHA256_DIGEST_LEN], msg[130];
    struct sha256 ctx;
    size_t len, i;

    sha256_hex(m896, strlen(m896), hex);
    ck_assert_str_eq(hex, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    for (i = 0; i < sizeof msg; i++)
        msg[i] = (unsigned char)(i * 7 + 1);
    for (len = 54; len <= 129; len++) {
        sha256_init(&ctx);
        for (i = 0; i < len; i++)
            sha256_update(&ctx, msg + i, 1);
        sha256_final(&ctx, digest);
        sha256_to_hex(digest, hex);
        sha256_hex(msg, len, one);
        ck_assert_str_eq(hex, one);
    }
    memset(msg, 'a', 65);
    sha256_hex(msg, 65, hex);
    ck_assert_str_eq(hex, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0");
}
END_TEST

/* Display widths from utf8proc: combining marks 0, emoji 2, CJK 2, controls 0. */
START_TEST(test_uwidth)
{
    uint32_t cp;

    ck_assert_uint_eq(uwidth_char(0x0301), 0);   /* combining acute accent */
    ck_assert_uint_eq(uwidth_char(0x1F600), 2);  /* grinning face */
    ck_assert_uint_eq(uwidth_char(0x4EBA), 2);   /* 人 */
    ck_assert_uint_eq(uwidth_char(0xFF21), 2);   /* fullwidth A */
    ck_assert_uint_eq(uwidth_char('a'), 1);
    ck_assert_uint_eq(uwidth_char('\t'), 0);
    ck_assert_uint_eq(uwidth_str("e\xcc\x81te\xcc\x81"), 3);  /* été, decomposed */
    ck_assert_uint_eq(uwidth_str("\xf0\x9f\x98\x80 ok"), 5);
    ck_assert_uint_eq(uwidth_str("人脸识别"), 8);
    ck_assert_uint_eq(uwidth_decode("\xe4\xba", &cp), 1);    /* truncated sequence */
    ck_assert_uint_eq(cp, 0xfffd);
    ck_assert_uint_eq(uwidth_decode("\xc0\xaf", &cp), 1);    /* overlong '/' */
    ck_assert_uint_eq(cp, 0xfffd);
    ck_assert_uint_eq(uwidth_decode("\xe4\xba\xba", &cp), 3);
    ck_assert_uint_eq(cp, 0x4EBA);
}
END_TEST

/*
 * Regression: -o /dev/null (or --dump) as root renamed a temporary file over
 * the device node, so /dev/null became a regular file. A device or a FIFO is
 * written in place and stays what it was; a folder is refused.
 */
START_TEST(test_atomic_write_special)
{
    char *dir = test_tmpdir(), *fifo = path_join(dir, "pipe"), *cause = NULL, buf[16];
    struct stat st;
    ssize_t n;
    int rfd;

    ck_assert_int_eq(fs_write_atomic("/dev/null", "x", 1, 0600, &cause), 0);
    ck_assert_int_eq(stat("/dev/null", &st), 0);
    ck_assert(S_ISCHR(st.st_mode));
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    rfd = open(fifo, O_RDONLY | O_NONBLOCK); /* a reader, so the writer does not wait */
    ck_assert_int_ge(rfd, 0);
    ck_assert_int_eq(fs_write_atomic(fifo, "hello", 5, 0600, &cause), 0);
    n = read(rfd, buf, sizeof buf);
    ck_assert_int_eq(n, 5);
    ck_assert_int_eq(memcmp(buf, "hello", 5), 0);
    close(rfd);
    ck_assert_int_eq(stat(fifo, &st), 0);
    ck_assert(S_ISFIFO(st.st_mode));
    ck_assert_int_eq(fs_write_atomic(dir, "x", 1, 0600, &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "is a directory"));
    free(cause);
    free(fifo);
    test_rmdir(dir);
}
END_TEST

START_TEST(test_atomic_write)
{
    char *dir = test_tmpdir(), *path = path_join(dir, "sub/dir/out.txt"), *sub, *data;
    char *cause = NULL;
    size_t len;
    struct stat st;

    sub = path_join(dir, "sub/dir");
    ck_assert_int_eq(fs_mkdir_p(sub, 0700, &cause), 0);
    ck_assert_int_eq(fs_write_atomic(path, "hello", 5, 0600, &cause), 0);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    data = fs_read_file(path, 100, &len, &cause);
    ck_assert_str_eq(data, "hello");
    ck_assert_uint_eq(len, 5);
    free(data);
    /* Over the limit: refused with a message naming the file. */
    ck_assert_ptr_null(fs_read_file(path, 4, &len, &cause));
    ck_assert_ptr_nonnull(strstr(cause, "out.txt"));
    ck_assert_ptr_nonnull(strstr(cause, "limit"));
    free(cause);
    cause = NULL;
    /* A write into a missing folder fails and leaves nothing behind. */
    free(path);
    path = path_join(dir, "missing/out.txt");
    ck_assert_int_eq(fs_write_atomic(path, "x", 1, 0600, &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "missing/out.txt"));
    free(cause);
    free(path);
    free(sub);
    path = path_join(dir, "a//b");
    ck_assert_str_eq(path + strlen(dir), "/a//b");
    free(path);
    path = path_join("x/", "/y");
    ck_assert_str_eq(path, "x/y");
    free(path);
    ck_assert_int_eq(fs_remove_tree(dir, NULL), 0);
    ck_assert(!fs_exists(dir));
    free(dir);
}
END_TEST

Suite *core_suite(void);

Suite *
core_suite(void)
{
    Suite *s = suite_create("core");
    TCase *tc = tcase_create("alloc");

    tcase_add_test(tc, test_xasprintf);
    tcase_add_exit_test(tc, test_xmalloc_zero_is_fatal, 70);
    tcase_add_test(tc, test_cause);
    suite_add_tcase(s, tc);
    tc = tcase_create("containers");
    tcase_add_test(tc, test_strbuf);
    tcase_add_test(tc, test_trim_and_suggest);
    tcase_add_test(tc, test_vec);
    tcase_add_test(tc, test_hash);
    suite_add_tcase(s, tc);
    tc = tcase_create("files");
    tcase_add_test(tc, test_sha256_vectors);
    tcase_add_test(tc, test_sha256_boundaries);
    tcase_add_test(tc, test_uwidth);
    tcase_add_test(tc, test_atomic_write);
    tcase_add_test(tc, test_atomic_write_special);
    suite_add_tcase(s, tc);
    return s;
}
