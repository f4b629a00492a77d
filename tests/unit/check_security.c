/* SPDX-License-Identifier: MIT */
/*
 * check_security.c - issue 14's breaks, one test each at the library level:
 * decompression bombs refused from the declared size with bounded memory,
 * old row-bound template seals re-sealed with their binding (and refused
 * once the database moved on), a new database opened by 40 processes at
 * once, no new key for a database with sealed data, the log anchor and the
 * escaping of control characters.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "faceaudit/image.h"
#include "faceaudit/store.h"
#include "faceaudit/store_crypt.h"
#include "faceaudit/store_gallery.h"
#include "faceaudit/store_log.h"
#include "testutil.h"

Suite *security_suite(void);

#if defined(__SANITIZE_ADDRESS__)
#define FA_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FA_TEST_ASAN 1
#endif
#endif

static char *tmpdir;

static void
setup(void)
{
    char *keys;

    tmpdir = test_tmpdir();
    keys = path_join(tmpdir, "keys");
    ck_assert_int_eq(mkdir(keys, 0700), 0);
    free(keys);
    keys = path_join(tmpdir, "keys/template.key");
    setenv("FACEAUDIT_KEY_FILE", keys, 1);
    free(keys);
}

static void
teardown(void)
{
    test_rmdir(tmpdir);
}

/* ---- decompression bombs (item 7) --------------------------------------------------- */

static uint32_t
crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    size_t i;
    int k;

    for (i = 0; i < n; i++) {
        c ^= p[i];
        for (k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return c ^ 0xffffffffu;
}

static void
put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* An 84-byte PNG: IHDR 1 x 60,000,000 RGB, one tiny IDAT, IEND. */
static size_t
png_bomb(unsigned char *b)
{
    static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    /* zlib stream of 64 zero bytes */
    static const unsigned char idat[] = { 0x78, 0x9c, 0x63, 0x60, 0x40, 0x05, 0x00, 0x00,
        0x00, 0x40, 0x00, 0x01 };
    size_t n = 0;

    memcpy(b, sig, 8);
    n = 8;
    put32(b + n, 13);
    memcpy(b + n + 4, "IHDR", 4);
    put32(b + n + 8, 1);
    put32(b + n + 12, 60000000);
    b[n + 16] = 8;
    b[n + 17] = 2;
    b[n + 18] = b[n + 19] = b[n + 20] = 0;
    put32(b + n + 21, crc32_of(b + n + 4, 17));
    n += 25;
    put32(b + n, sizeof idat);
    memcpy(b + n + 4, "IDAT", 4);
    memcpy(b + n + 8, idat, sizeof idat);
    put32(b + n + 8 + sizeof idat, crc32_of(b + n + 4, 4 + sizeof idat));
    n += 12 + sizeof idat;
    put32(b + n, 0);
    memcpy(b + n + 4, "IEND", 4);
    put32(b + n + 8, crc32_of(b + n + 4, 4));
    return n + 12;
}

/* Decode buf and expect the bomb to be named; in a child with 256 MB of address space. */
static void
expect_bomb(const unsigned char *buf, size_t len, const char *name)
{
    pid_t pid = fork();
    int status;

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char *cause = NULL;
        struct image *img;
#ifndef FA_TEST_ASAN
        struct rlimit rl = { (rlim_t)256 << 20, (rlim_t)256 << 20 };

        setrlimit(RLIMIT_AS, &rl);
#endif
        img = image_decode(buf, len, name, NULL, &cause);
        if (img != NULL)
            _exit(3);
        _exit(strstr(cause, "a decompression bomb or a truncated file") != NULL &&
            strstr(cause, name) != NULL ? 0 : 4);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
        "%s: decoder status %d (3 decoded, 4 other message, signal: out of memory)", name,
        status);
}

START_TEST(test_bombs)
{
    unsigned char png[128], *jpg, ppm[64];
    char *path, *cause = NULL;
    size_t len, jlen, i;
    int n;

    /* the PNG of the issue: 1 x 60,000,000 declared, under the pixel limit */
    len = png_bomb(png);
    expect_bomb(png, len, "bomb.png");

    /* a real JPEG whose SOF says 8000 x 8000 (64 Mpx, under the limit) */
    path = test_srcpath("tests/data/recog/quad.jpg");
    jpg = (unsigned char *)fs_read_file(path, 1 << 20, &jlen, &cause);
    ck_assert_msg(jpg != NULL, "%s", cause);
    free(path);
    for (i = 2; i + 8 < jlen; i++) {
        if (jpg[i] == 0xff && (jpg[i + 1] == 0xc0 || jpg[i + 1] == 0xc2)) {
            jpg[i + 5] = 0x1f; jpg[i + 6] = 0x40; /* height 8000 */
            jpg[i + 7] = 0x1f; jpg[i + 8] = 0x40; /* width 8000 */
            break;
        }
    }
    ck_assert_uint_lt(i + 8, jlen);
    expect_bomb(jpg, jlen, "bomb.jpg");
    free(jpg);

    /* a PPM header declaring 8000 x 8000 with no pixels behind it */
    n = snprintf((char *)ppm, sizeof ppm, "P6 8000 8000 255\n");
    expect_bomb(ppm, (size_t)n, "bomb.ppm");
}
END_TEST

/* A 156-byte PNG (found by fuzz_image) whose tEXt chunk declares 889 MB. */
START_TEST(test_png_chunk_length)
{
    char *path = test_srcpath("tests/fuzz/corpus/image/timeout-text-chunk.png"), *cause = NULL;
    unsigned char *buf;
    struct rusage ru;
    size_t len;
    pid_t pid;
    int status;

    buf = (unsigned char *)fs_read_file(path, 1 << 20, &len, &cause);
    ck_assert_msg(buf != NULL, "%s", cause);
    free(path);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct image *img;

        alarm(10); /* it took 35 s */
        img = image_decode(buf, len, "chunk.png", NULL, &cause);
        _exit(img == NULL && strstr(cause, "declares 889192465 bytes, more than the file "
            "holds") != NULL ? 0 : 4);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "decoder status %d", status);
    /* and it did not allocate the declared length (878 MB before) */
    ck_assert_int_eq(getrusage(RUSAGE_CHILDREN, &ru), 0);
    ck_assert_int_lt(ru.ru_maxrss, 400 * 1024);
    free(buf);
}
END_TEST

/* ---- templates sealed by an older faceaudit (item 3's migration) -------------------- */

START_TEST(test_legacy_reseal)
{
    char *path = path_join(tmpdir, "fa.db"), *cause = NULL, hash[65];
    struct store *st = store_open(path, &cause);
    struct store_templates t;
    struct store_key *key;
    unsigned char *sealed, plain[16];
    float d[4] = { 1, 2, 3, 4 };
    size_t slen;
    int64_t g, tid;
    char *sql;

    ck_assert_msg(st != NULL, "%s", cause);
    memset(hash, 'a', 64);
    hash[64] = '\0';
    ck_assert_int_eq(store_gallery_create(st, "staff", 0, 4, &g, &cause), 0);
    ck_assert_int_eq(store_template_add(st, g, "alice", d, 4, hash, &tid, &cause), 0);
    /* turn it into what faceaudit wrote before: sealed to "template:<id>" only */
    key = store_key_load(getenv("FACEAUDIT_KEY_FILE"), false, &cause);
    ck_assert_ptr_nonnull(key);
    memcpy(plain, d, sizeof plain); /* little-endian host, like the encoder */
    ck_assert_int_eq(store_seal(key, "template", tid, plain, sizeof plain, &sealed, &slen,
        &cause), 0);
    store_close(st);
    st = store_open(path, &cause);
    ck_assert_int_eq(store_exec(st, "DELETE FROM meta WHERE key = 'template_seal'", &cause), 0);
    {
        /* hex of the blob, bound by SQL */
        char *hex = xmalloc(2 * slen + 1);
        size_t i;

        for (i = 0; i < slen; i++)
            snprintf(hex + 2 * i, 3, "%02x", sealed[i]);
        sql = xasprintf("UPDATE template SET descriptor = x'%s' WHERE id = %lld", hex,
            (long long)tid);
        free(hex);
    }
    ck_assert_int_eq(store_exec(st, sql, &cause), 0);
    store_close(st);

    /* the next use of the key re-seals it with its binding, and logs that */
    st = store_open(path, &cause);
    ck_assert_msg(store_templates_load(st, g, &t, &cause) == 0, "%s", cause);
    ck_assert_uint_eq(t.n, 1);
    ck_assert_float_eq_tol(t.vecs[3], 4.0f, 1e-6f);
    store_templates_done(&t);
    ck_assert_int_eq(store_exec(st, "CREATE TEMP VIEW bound AS SELECT id FROM template WHERE "
        "substr(descriptor, 1, 4) = CAST('FAS2' AS BLOB)", &cause), 0);
    ck_assert_int_eq(store_count_rows(st, "bound", &cause), 1);
    ck_assert_int_eq(store_count_rows(st, "audit_log", &cause), 1);
    store_close(st);
    st = store_open(path, &cause);
    {
        struct store_log_report rep;
        struct store_key *k2 = store_template_key(st, false, &cause);

        ck_assert_ptr_nonnull(k2);
        ck_assert_int_eq(store_log_verify(st, k2, NULL, &rep, &cause), 1);
        /* the upgrade was logged, but the test enrolled without a log entry */
        ck_assert_ptr_nonnull(strstr(cause, "has no enrolment entry"));
        free(cause);
        cause = NULL;
    }
    /* an old-format blob copied back in later is refused */
    ck_assert_int_eq(store_exec(st, sql, &cause), 0);
    ck_assert_int_eq(store_templates_load(st, g, &t, &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "sealed in the old format"));
    free(cause);
    free(sql);
    free(sealed);
    store_key_free(key);
    store_close(st);
    free(path);
}
END_TEST

/* ---- concurrent first use (item 6) ------------------------------------------------------- */

START_TEST(test_concurrent_first_use)
{
    char *path = path_join(tmpdir, "race.db");
    pid_t pids[40];
    int i, failed = 0, status;

    for (i = 0; i < 40; i++) {
        pids[i] = fork();
        ck_assert_int_ge(pids[i], 0);
        if (pids[i] == 0) {
            char *cause = NULL, hash[65], name[16];
            struct store *st = store_open(path, &cause);
            float d[4] = { 1, 2, 3, (float)i };
            int64_t g;
            int rc = 1;

            memset(hash, 'b', 64);
            hash[64] = '\0';
            snprintf(name, sizeof name, "g%d", i);
            if (st != NULL && store_begin(st, &cause) == 0 &&
                store_gallery_create(st, name, 0, 4, &g, &cause) == 0 &&
                store_template_add(st, g, "s", d, 4, hash, NULL, &cause) == 0 &&
                store_commit(st, &cause) == 0)
                rc = 0;
            if (rc != 0)
                fprintf(stderr, "child %d: %s\n", i, cause != NULL ? cause : "?");
            store_close(st);
            _exit(rc);
        }
    }
    for (i = 0; i < 40; i++) {
        ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed++;
    }
    ck_assert_msg(failed == 0, "%d of 40 processes failed on a new database", failed);
    free(path);
}
END_TEST

/* ---- keys (item 5) ------------------------------------------------------------------------ */

START_TEST(test_no_new_key_for_sealed_data)
{
    char *path = path_join(tmpdir, "fa.db"), *cause = NULL, hash[65];
    const char *keyfile = getenv("FACEAUDIT_KEY_FILE");
    struct store *st = store_open(path, &cause);
    float d[4] = { 1, 2, 3, 4 };
    int64_t g;

    memset(hash, 'c', 64);
    hash[64] = '\0';
    ck_assert_int_eq(store_gallery_create(st, "g", 0, 4, &g, &cause), 0);
    ck_assert_int_eq(store_template_add(st, g, "x", d, 4, hash, NULL, &cause), 0);
    store_close(st);
    ck_assert_int_eq(unlink(keyfile), 0);
    st = store_open(path, &cause);
    ck_assert_int_eq(store_template_add(st, g, "y", d, 4, hash, NULL, &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "does not exist, but this database holds 1 sealed "
        "template(s)"));
    ck_assert(!fs_exists(keyfile));
    free(cause);
    store_close(st);
    free(path);
}
END_TEST

/* ---- the log (item 9) ------------------------------------------------------------------- */

START_TEST(test_log_escape)
{
    char *e = store_log_escape("a\nb\\c\t\x01");

    ck_assert_str_eq(e, "a\\nb\\\\c\\t\\x01");
    free(e);
}
END_TEST

START_TEST(test_log_anchor)
{
    char *path = path_join(tmpdir, "fa.db"), *cause = NULL, *anchor;
    struct store *st = store_open(path, &cause);
    struct store_key *key = store_template_key(st, true, &cause);
    struct store_log_report rep;
    int i;

    ck_assert_ptr_nonnull(key);
    for (i = 0; i < 4; i++)
        ck_assert_int_eq(store_log_append(st, key, "t", "a", "o", "d", &cause), 0);
    anchor = xasprintf("%s.loghead", getenv("FACEAUDIT_KEY_FILE"));
    ck_assert(fs_exists(anchor));
    ck_assert_int_eq(store_log_verify(st, key, NULL, &rep, &cause), 0);
    ck_assert(rep.anchored);
    ck_assert_int_eq(rep.anchor_count, 4);
    /* cut the newest entry around the trigger: the anchor notices */
    ck_assert_int_eq(store_exec(st, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log "
        "WHERE id = 4", &cause), 0);
    ck_assert_int_eq(store_log_verify(st, key, NULL, &rep, &cause), 1);
    ck_assert_str_eq(cause, "the audit log has 3 entries but its anchor records 4: entries 4 "
        "to 4 were removed from the end");
    free(cause);
    free(anchor);
    store_close(st);
    free(path);
}
END_TEST

Suite *
security_suite(void)
{
    Suite *s = suite_create("security");
    TCase *tc = tcase_create("breaks");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_bombs);
    tcase_add_test(tc, test_png_chunk_length);
    tcase_add_test(tc, test_legacy_reseal);
    tcase_add_test(tc, test_concurrent_first_use);
    tcase_add_test(tc, test_no_new_key_for_sealed_data);
    tcase_add_test(tc, test_log_escape);
    tcase_add_test(tc, test_log_anchor);
    suite_add_tcase(s, tc);
    return s;
}
