/* SPDX-License-Identifier: MIT */
/*
 * check_tui.c - the TUI's curses-free text layout: display widths with
 * Chinese text, fitting and truncation, word wrap, and row formatting.
 */
#include "config.h"

#include <check.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/store_run.h"
#include "faceaudit/str.h"
#include "tui/tui_text.h"

Suite *tui_suite(void);
char *scr_runs_format(const struct store_run_row *r, size_t width);

static void
utf8_locale(void)
{
    setlocale(LC_ALL, "C.UTF-8");
}

START_TEST(test_width)
{
    ck_assert_uint_eq(tui_text_width("Art. 13"), 7);
    /* 人脸识别: four CJK characters, two columns each. */
    ck_assert_uint_eq(tui_text_width("人脸识别"), 8);
    ck_assert_uint_eq(tui_text_width("第13条 公共场所"), 15);
    ck_assert_uint_eq(tui_text_width("✓ pass"), 6);
    ck_assert_uint_eq(tui_text_width(""), 0);
    ck_assert_uint_eq(tui_text_width("\xff"), 1); /* invalid byte: one column */
}
END_TEST

static char *
fit(const char *s, size_t w)
{
    struct strbuf sb;

    strbuf_init(&sb);
    tui_text_fit(&sb, s, w);
    return strbuf_detach(&sb);
}

START_TEST(test_fit)
{
    char *s;

    s = fit("abc", 6);
    ck_assert_str_eq(s, "abc   ");
    free(s);
    s = fit("abcdefgh", 5);
    ck_assert_str_eq(s, "abcd…");
    ck_assert_uint_eq(tui_text_width(s), 5);
    free(s);
    /* A wide character never straddles the edge: 人脸识别 into 6 columns. */
    s = fit("人脸识别", 6);
    ck_assert_str_eq(s, "人脸 …");
    ck_assert_uint_eq(tui_text_width(s), 6);
    free(s);
    s = fit("人脸识别", 8);
    ck_assert_str_eq(s, "人脸识别");
    free(s);
    s = fit("人脸识别", 7);
    ck_assert_str_eq(s, "人脸识…");
    ck_assert_uint_eq(tui_text_width(s), 7);
    free(s);
    s = fit("x", 0);
    ck_assert_str_eq(s, "");
    free(s);
}
END_TEST

static void
collect(const char *line, void *arg)
{
    struct strbuf *sb = arg;

    strbuf_printf(sb, "[%s]", line);
}

START_TEST(test_wrap)
{
    struct strbuf sb;

    strbuf_init(&sb);
    ck_assert_uint_eq(tui_text_wrap("Remove the device. The ban admits no exception.", 20,
        collect, &sb), 3);
    ck_assert_str_eq(strbuf_str(&sb), "[Remove the device.][The ban admits no][exception.]");
    strbuf_reset(&sb);
    ck_assert_uint_eq(tui_text_wrap("one\ntwo", 20, collect, &sb), 2);
    ck_assert_str_eq(strbuf_str(&sb), "[one][two]");
    strbuf_reset(&sb);
    ck_assert_uint_eq(tui_text_wrap("supercalifragilistic", 8, collect, &sb), 1);
    ck_assert_str_eq(strbuf_str(&sb), "[superca…]");
    strbuf_done(&sb);
}
END_TEST

START_TEST(test_runs_row)
{
    struct store_run_row r = { 12, "audit", "第三季度 hotel", "2026-11-26T10:00:00Z", "",
        "complete", "{}" };
    char *row = scr_runs_format(&r, 80);

    ck_assert_str_eq(row, "   12 audit      2026-11-26T10:00:00Z ✓ complete 第三季度 hotel"
        "                 ");
    ck_assert_uint_eq(tui_text_width(row), 80);
    free(row);
    r.status = "running";
    r.name = "";
    row = scr_runs_format(&r, 60);
    ck_assert_str_eq(row, "   12 audit      2026-11-26T10:00:00Z … running  (unnamed)  ");
    ck_assert_uint_eq(tui_text_width(row), 60);
    free(row);
}
END_TEST

Suite *
tui_suite(void)
{
    Suite *s = suite_create("tui");
    TCase *tc = tcase_create("text");

    tcase_add_checked_fixture(tc, utf8_locale, NULL);
    tcase_add_test(tc, test_width);
    tcase_add_test(tc, test_fit);
    tcase_add_test(tc, test_wrap);
    tcase_add_test(tc, test_runs_row);
    suite_add_tcase(s, tc);
    return s;
}
