/* SPDX-License-Identifier: MIT */
/*
 * check_writers.c - core's JSON and CSV writers: layouts (inline, one member
 * per line, empty containers), the one string escaper read back by the strict
 * reader, number formats and non-finite values, CSV quoting and line ends,
 * misuse is fatal; the CSV reader: lines of rows (quoted line breaks, CRLF,
 * a byte order mark), its bounds and its errors; writer output read back.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "faceaudit/csvr.h"
#include "faceaudit/csvw.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/json.h"
#include "faceaudit/jsonw.h"
#include "faceaudit/sha256.h"
#include "faceaudit/str.h"
#include "testutil.h"

START_TEST(test_jw_layouts)
{
    struct strbuf sb;
    struct jw w;

    strbuf_init(&sb);
    jw_init(&w, &sb, JW_SPACED);
    jw_object(&w, JW_LINES);
    jw_kstr(&w, "schema", "faceaudit-audit");
    jw_kint(&w, "version", 1);
    jw_key(&w, "scenario");
    jw_object(&w, JW_INLINE);
    jw_kstr(&w, "id", "a");
    jw_kstr(&w, "name", NULL);
    jw_object_end(&w);
    jw_key(&w, "articles");
    jw_array(&w, JW_LINES);
    jw_object(&w, JW_INLINE);
    jw_kint(&w, "number", 1);
    jw_key(&w, "tags");
    jw_array(&w, JW_INLINE);
    jw_array_end(&w);
    jw_object_end(&w);
    jw_object(&w, JW_INLINE);
    jw_kint(&w, "number", -2);
    jw_kbool(&w, "ok", false);
    jw_object_end(&w);
    jw_array_end(&w);
    jw_key(&w, "findings");
    jw_array(&w, JW_LINES);
    jw_array_end(&w);
    jw_object_end(&w);
    ck_assert_str_eq(strbuf_str(&sb),
        "{\n"
        "  \"schema\": \"faceaudit-audit\",\n"
        "  \"version\": 1,\n"
        "  \"scenario\": {\"id\": \"a\", \"name\": null},\n"
        "  \"articles\": [\n"
        "    {\"number\": 1, \"tags\": []},\n"
        "    {\"number\": -2, \"ok\": false}\n"
        "  ],\n"
        "  \"findings\": [\n"
        "  ]\n"
        "}");
    strbuf_done(&sb);
}
END_TEST

START_TEST(test_jw_compact_numbers)
{
    struct strbuf sb;
    struct jw w;

    strbuf_init(&sb);
    jw_init(&w, &sb, JW_COMPACT);
    jw_object(&w, JW_INLINE);
    jw_kdouble(&w, "a", 0.1, 10);
    jw_kdouble(&w, "b", 1.0 / 3.0, 17);
    jw_kdouble(&w, "nan", NAN, 10);
    jw_kdouble(&w, "inf", INFINITY, 6);
    jw_kfixed(&w, "score", 81.5, 2);
    jw_kfixed(&w, "neg", -3.0, 2);
    jw_kuint(&w, "n", 18446744073709551615ULL);
    jw_key(&w, "raw");
    jw_raw(&w, "[1,2]");
    jw_key(&w, "v");
    jw_array(&w, JW_INLINE);
    jw_double(&w, 1e-7, 9);
    jw_null(&w);
    jw_array_end(&w);
    jw_object_end(&w);
    ck_assert_str_eq(strbuf_str(&sb), "{\"a\":0.1,\"b\":0.33333333333333331,\"nan\":null,"
        "\"inf\":null,\"score\":81.50,\"neg\":-3.00,\"n\":18446744073709551615,"
        "\"raw\":[1,2],\"v\":[1e-07,null]}");
    strbuf_done(&sb);
}
END_TEST

START_TEST(test_json_escape_round_trip)
{
    static const char nasty[] = "q\"\\\n\x02\t\r\b\f\x1f 漢字 é";
    struct strbuf sb;
    struct json *j;
    char *cause = NULL;

    strbuf_init(&sb);
    json_escape(&sb, nasty);
    ck_assert_str_eq(strbuf_str(&sb),
        "\"q\\\"\\\\\\n\\u0002\\t\\r\\b\\f\\u001f 漢字 é\"");
    j = json_parse(sb.buf, sb.len, "t.json", &cause);
    ck_assert_ptr_nonnull(j);
    ck_assert_int_eq(j->type, JSON_STRING);
    ck_assert_str_eq(j->str, nasty);
    json_free(j);
    strbuf_reset(&sb);
    json_escape(&sb, NULL);
    ck_assert_str_eq(strbuf_str(&sb), "null");
    strbuf_done(&sb);
}
END_TEST

START_TEST(test_jw_key_after_key_is_fatal)
{
    struct strbuf sb;
    struct jw w;

    strbuf_init(&sb);
    jw_init(&w, &sb, JW_SPACED);
    jw_object(&w, JW_INLINE);
    jw_key(&w, "a");
    jw_key(&w, "b");
}
END_TEST

START_TEST(test_jw_unbalanced_is_fatal)
{
    struct strbuf sb;
    struct jw w;

    strbuf_init(&sb);
    jw_init(&w, &sb, JW_SPACED);
    jw_array_end(&w);
}
END_TEST

START_TEST(test_csvw)
{
    static const char *const head[] = { "name", "value", NULL };
    struct strbuf sb;
    struct csvw w;

    strbuf_init(&sb);
    csvw_init(&w, &sb, "\r\n");
    csvw_header(&w, head);
    csvw_str(&w, "plain");
    csvw_str(&w, "a,b");
    csvw_str(&w, "say \"hi\"");
    csvw_str(&w, "two\nlines");
    csvw_str(&w, NULL);
    csvw_end_row(&w);
    csvw_double(&w, NAN, 10);
    csvw_double(&w, -INFINITY, 10);
    csvw_double(&w, 0.25, 10);
    csvw_fixed(&w, 2.0 / 3.0, 2);
    csvw_int(&w, -7);
    csvw_uint(&w, 7);
    csvw_raw(&w, "x");
    csvw_end_row(&w);
    ck_assert_str_eq(strbuf_str(&sb), "name,value\r\n"
        "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n"
        ",-inf,0.25,0.67,-7,7,x\r\n");
    strbuf_reset(&sb);
    csvw_init(&w, &sb, "\n");
    csvw_str(&w, "");
    csvw_str(&w, "cr\r");
    csvw_end_row(&w);
    ck_assert_str_eq(strbuf_str(&sb), ",\"cr\r\"\n");
    strbuf_done(&sb);
}
END_TEST

START_TEST(test_csvr_lines)
{
    static const char text[] = "\xef\xbb\xbfname,note\r\n"
        "a,\"two\nlines\"\r\n"
        "\n"
        "b,\"say \"\"hi\"\"\"\n"
        "c";
    struct csvr *r = csvr_new("t.csv", text, strlen(text), NULL);
    struct csvr_row row;
    char *cause = NULL;

    ck_assert_int_eq(csvr_next(r, &row, &cause), 1);
    ck_assert_uint_eq(row.n, 2);
    ck_assert_str_eq(row.fields[0], "name");  /* the byte order mark is skipped */
    ck_assert_uint_eq(row.line, 1);
    ck_assert_int_eq(csvr_next(r, &row, &cause), 1);
    ck_assert_str_eq(row.fields[1], "two\nlines");
    ck_assert_uint_eq(row.line, 2);
    ck_assert_int_eq(csvr_next(r, &row, &cause), 1);
    ck_assert_str_eq(row.fields[0], "b");
    ck_assert_str_eq(row.fields[1], "say \"hi\"");
    ck_assert_uint_eq(row.line, 5);   /* after a quoted line break and a blank line */
    ck_assert_int_eq(csvr_next(r, &row, &cause), 1);
    ck_assert_uint_eq(row.n, 1);
    ck_assert_uint_eq(row.line, 6);
    ck_assert_int_eq(csvr_next(r, &row, &cause), 0);
    ck_assert_int_eq(csvr_next(r, &row, &cause), 0);
    csvr_free(r);
}
END_TEST

static char *
csvr_error(const char *text, size_t len, const struct csvr_opts *o)
{
    struct csvr *r = csvr_new("t.csv", text, len, o);
    struct csvr_row row;
    char *cause = NULL, *again = NULL;
    int rc;

    while ((rc = csvr_next(r, &row, &cause)) == 1)
        ;
    ck_assert_int_eq(rc, -1);
    ck_assert_int_eq(csvr_next(r, &row, &again), -1);  /* the reader stays at its end */
    ck_assert_str_eq(again, cause);
    free(again);
    csvr_free(r);
    return cause;
}

START_TEST(test_csvr_errors)
{
    const struct csvr_opts small = { .max_fields = 3, .max_field = 4 };
    struct csvr *r;
    struct csvr_row row;
    char *cause;

    cause = csvr_error("a,b\nx,\"open\n", 12, NULL);
    ck_assert_str_eq(cause, "t.csv:2: malformed CSV: error parsing data while strict checking "
        "enabled (an unterminated quote?)");
    free(cause);
    cause = csvr_error("a,b\nx,\"q\"z\n", 11, NULL);
    ck_assert_str_eq(cause, "t.csv:2: malformed CSV: error parsing data while strict checking "
        "enabled");
    free(cause);
    cause = csvr_error("a,b\nx\0y\n", 8, NULL);
    ck_assert_str_eq(cause, "t.csv:2: NUL byte: not a text file");
    free(cause);
    cause = csvr_error("a,b,c,d\n", 8, &small);
    ck_assert_str_eq(cause, "t.csv:1: more than 3 fields");
    free(cause);
    /* an overlong field reads "" and the row names it */
    r = csvr_new("t.csv", "ok,toolong,x\n", 13, &small);
    ck_assert_int_eq(csvr_next(r, &row, &cause), 1);
    ck_assert_uint_eq(row.too_long, 2);
    ck_assert_str_eq(row.fields[1], "");
    ck_assert_str_eq(row.fields[2], "x");
    csvr_free(r);
}
END_TEST

/* The streaming reader: pieces of long lines keep the line count; a field
 * growing without end is refused while it is read. */
START_TEST(test_csvr_stream)
{
    const struct csvr_opts big = { .max_fields = 8, .max_field = 100000 },
        small = { .max_fields = 8, .max_field = 4096 };
    char *dir = test_tmpdir(), *path = path_join(dir, "s.csv"), *cause = NULL;
    struct strbuf sb;
    struct csvr *r;
    struct csvr_row row;
    size_t i;

    strbuf_init(&sb);
    strbuf_puts(&sb, "\xef\xbb\xbf" "a,b\n");
    strbuf_puts(&sb, "x,\"");
    for (i = 0; i < 70000; i++)
        strbuf_putc(&sb, i % 1000 == 999 ? '\n' : 'v');
    strbuf_puts(&sb, "\"\ny,z\n");
    ck_assert_int_eq(fs_write_atomic(path, sb.buf, sb.len, 0600, &cause), 0);
    r = csvr_open(path, &big, &cause);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(csvr_next(r, &row, &cause), 1);
    ck_assert_str_eq(row.fields[0], "a");
    ck_assert_int_eq(csvr_next(r, &row, &cause), 1);
    ck_assert_uint_eq(row.line, 2);
    ck_assert_uint_eq(strlen(row.fields[1]), 70000);
    ck_assert_int_eq(csvr_next(r, &row, &cause), 1);
    ck_assert_str_eq(row.fields[0], "y");
    ck_assert_uint_eq(row.line, 2 + 70 + 1);  /* 70 line breaks inside the quoted field */
    ck_assert_int_eq(csvr_next(r, &row, &cause), 0);
    csvr_free(r);

    strbuf_reset(&sb);
    strbuf_puts(&sb, "a\n\"");
    for (i = 0; i < 1000000; i++)
        strbuf_putc(&sb, 'v');
    ck_assert_int_eq(fs_write_atomic(path, sb.buf, sb.len, 0600, &cause), 0);
    r = csvr_open(path, &small, &cause);
    ck_assert_int_eq(csvr_next(r, &row, &cause), 1);
    ck_assert_int_eq(csvr_next(r, &row, &cause), -1);
    ck_assert_str_eq(strrchr(cause, ':') + 2, "a value longer than 4096 bytes");
    free(cause);
    csvr_free(r);
    ck_assert_ptr_null(csvr_open("/nonexistent/x.csv", NULL, &cause));
    free(cause);
    strbuf_done(&sb);
    free(path);
    test_rmdir(dir);
}
END_TEST

/*
 * What the scenario inventory needs of the reader: its own name and advice in
 * messages, UTF-16 refused, and the hash of every byte even when the reader
 * stops at an error on the first lines.
 */
START_TEST(test_csvr_options)
{
    struct sha256 h;
    struct strbuf sb;
    size_t i;
    struct csvr_opts o = { 8, 64, "shown.csv", "the inventory", &h };
    char *dir = test_tmpdir(), *path = path_join(dir, "s.csv"), *cause = NULL;
    char want[SHA256_HEX_LEN + 1], got[SHA256_HEX_LEN + 1];
    unsigned char digest[SHA256_DIGEST_LEN];
    struct csvr *r;
    struct csvr_row row;

    ck_assert_int_eq(fs_write_atomic(path, "\xff\xfei\0d\0\n\0", 7, 0600, &cause), 0);
    sha256_init(&h);
    r = csvr_open(path, &o, &cause);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(csvr_next(r, &row, &cause), -1);
    ck_assert_str_eq(cause, "shown.csv:1: UTF-16 text: save the inventory as CSV UTF-8");
    free(cause);
    cause = NULL;
    csvr_free(r);
    r = csvr_new("m.csv", "\xfe\xff\0i", 4, NULL);
    ck_assert_int_eq(csvr_next(r, &row, &cause), -1);
    ck_assert_str_eq(cause, "m.csv:1: UTF-16 text: save the file as CSV UTF-8");
    free(cause);
    cause = NULL;
    csvr_free(r);

    /* bad quoting on line 2 of 200 KB: the hash still covers every byte after it */
    strbuf_init(&sb);
    strbuf_puts(&sb, "id,zone\nx,\"q\"z\n");
    for (i = 0; i < 50000; i++)
        strbuf_puts(&sb, "a,b\n");
    ck_assert_int_eq(fs_write_atomic(path, sb.buf, sb.len, 0600, &cause), 0);
    sha256_hex(sb.buf, sb.len, want);
    sha256_init(&h);
    r = csvr_open(path, &o, &cause);
    ck_assert_int_eq(csvr_next(r, &row, &cause), 1);
    ck_assert_int_eq(csvr_next(r, &row, &cause), -1);
    ck_assert_str_eq(cause, "shown.csv:2: malformed CSV: error parsing data while strict "
        "checking enabled");
    free(cause);
    cause = NULL;
    csvr_free(r);
    strbuf_done(&sb);
    sha256_final(&h, digest);
    sha256_to_hex(digest, got);
    ck_assert_str_eq(got, want);
    free(path);
    test_rmdir(dir);
}
END_TEST

/* What the writer writes, the reader reads back. */
START_TEST(test_csv_round_trip)
{
    static const char *const cells[] = { "plain", "a,b", "say \"hi\"", "two\r\nlines", "", NULL };
    struct strbuf sb;
    struct csvw w;
    struct csvr *r;
    struct csvr_row row;
    char *cause = NULL;
    size_t i;

    strbuf_init(&sb);
    csvw_init(&w, &sb, "\r\n");
    csvw_header(&w, cells);
    r = csvr_new("t.csv", sb.buf, sb.len, NULL);
    ck_assert_int_eq(csvr_next(r, &row, &cause), 1);
    ck_assert_uint_eq(row.n, 5);
    for (i = 0; i < row.n; i++)
        ck_assert_str_eq(row.fields[i], cells[i]);
    ck_assert_int_eq(csvr_next(r, &row, &cause), 0);
    csvr_free(r);
    strbuf_done(&sb);
}
END_TEST

Suite *writers_suite(void);

Suite *
writers_suite(void)
{
    Suite *s = suite_create("writers");
    TCase *tc = tcase_create("json");

    tcase_add_test(tc, test_jw_layouts);
    tcase_add_test(tc, test_jw_compact_numbers);
    tcase_add_test(tc, test_json_escape_round_trip);
    tcase_add_exit_test(tc, test_jw_key_after_key_is_fatal, 70);
    tcase_add_exit_test(tc, test_jw_unbalanced_is_fatal, 70);
    suite_add_tcase(s, tc);
    tc = tcase_create("csv");
    tcase_add_test(tc, test_csvw);
    tcase_add_test(tc, test_csvr_lines);
    tcase_add_test(tc, test_csvr_errors);
    tcase_add_test(tc, test_csv_round_trip);
    tcase_add_test(tc, test_csvr_stream);
    tcase_add_test(tc, test_csvr_options);
    suite_add_tcase(s, tc);
    return s;
}
