/* SPDX-License-Identifier: MIT */
/*
 * check_calendar.c - civil dates and the PRC working-day calendar, with
 * deadlines checked by hand against the State Council notices
 * (reference/calendar.md): the Art. 15 transitional deadline and the 2025
 * National Day holiday with its adjusted weekend days.
 */
#include "config.h"

#include <check.h>

#include "faceaudit/calendar.h"
#include "faceaudit/date.h"
#include "faceaudit/log.h"
#include "testutil.h"

Suite *calendar_suite(void);

static fa_date
D(const char *s)
{
    fa_date d;

    ck_assert_msg(date_parse(s, &d, NULL) == 0, "bad test date %s", s);
    return d;
}

static char *
fmt(fa_date d)
{
    static char buf[11];

    date_format(d, buf);
    return buf;
}

START_TEST(test_date_roundtrip)
{
    int y, m, d;

    ck_assert_int_eq(date_from_ymd(1970, 1, 1), 0);
    ck_assert_int_eq(date_from_ymd(2000, 3, 1), 11017);
    ck_assert_int_eq(date_from_ymd(1969, 12, 31), -1);
    date_to_ymd(D("2024-02-29"), &y, &m, &d);
    ck_assert_int_eq(y, 2024);
    ck_assert_int_eq(m, 2);
    ck_assert_int_eq(d, 29);
    for (fa_date x = D("1900-01-01"); x < D("2100-12-31"); x += 13) {
        char buf[11];
        fa_date back;

        date_format(x, buf);
        ck_assert_int_eq(date_parse(buf, &back, NULL), 0);
        ck_assert_int_eq(back, x);
    }
    ck_assert_int_eq(date_weekday(D("2025-06-01")), 7); /* Sunday */
    ck_assert_int_eq(date_weekday(D("2025-07-14")), 1); /* Monday */
    ck_assert_int_eq(date_weekday(D("1970-01-01")), 4);
    ck_assert_int_eq(date_weekday(D("1969-12-29")), 1);
    ck_assert_str_eq(fmt(FA_DATE_NONE), "-");
}
END_TEST

static const struct {
    const char *text;
    const char *message;
} bad_dates[] = {
    { "2025-6-1", "'2025-6-1' is not a date: expected YYYY-MM-DD" },
    { "2025-02-29", "'2025-02-29': 2025-02 has 28 days" },
    { "2025-13-01", "'2025-13-01': month 13 does not exist" },
    { "1066-10-14", "'1066-10-14': year 1066 is outside 1900-2199" },
    { "2025-06-01T00:00", "'2025-06-01T00:00' is not a date: expected YYYY-MM-DD" },
    { "", "'' is not a date: expected YYYY-MM-DD" },
};

/* Month and year arithmetic (core/date.c): clamping, year wrap, 29 February. */
START_TEST(test_date_add)
{
    static const struct { int y, m, d, months, ry, rm, rd; } mo[] = {
        { 2025, 1, 31, 1, 2025, 2, 28 }, { 2024, 1, 31, 1, 2024, 2, 29 },
        { 2025, 12, 31, 2, 2026, 2, 28 }, { 2025, 3, 31, -1, 2025, 2, 28 },
        { 2025, 1, 15, -13, 2023, 12, 15 }, { 2025, 6, 1, 0, 2025, 6, 1 },
        { 2025, 6, 30, 24, 2027, 6, 30 }, { 2024, 2, 29, 12, 2025, 2, 28 },
    };
    static const struct { int y, m, d, years, ry, rm, rd; } yr[] = {
        { 2024, 2, 29, 3, 2027, 3, 1 }, { 2024, 2, 29, 4, 2028, 2, 29 },
        { 2025, 9, 15, 3, 2028, 9, 15 }, { 2023, 3, 1, 1, 2024, 3, 1 },
    };
    size_t i;

    for (i = 0; i < FA_NITEMS(mo); i++)
        ck_assert_int_eq(date_add_months(date_from_ymd(mo[i].y, mo[i].m, mo[i].d), mo[i].months),
            date_from_ymd(mo[i].ry, mo[i].rm, mo[i].rd));
    for (i = 0; i < FA_NITEMS(yr); i++)
        ck_assert_int_eq(date_add_years_rollover(date_from_ymd(yr[i].y, yr[i].m, yr[i].d),
            yr[i].years), date_from_ymd(yr[i].ry, yr[i].rm, yr[i].rd));
}
END_TEST

START_TEST(test_date_errors)
{
    char *cause = NULL;
    fa_date d;

    ck_assert_int_eq(date_parse(bad_dates[_i].text, &d, &cause), -1);
    ck_assert_str_eq(cause, bad_dates[_i].message);
    free(cause);
}
END_TEST

static struct calendar *cal;

static void
cal_setup(void)
{
    char *dir = test_srcpath("rules/calendar"), *cause = NULL;

    cal = calendar_load(dir, &cause);
    ck_assert_msg(cal != NULL, "%s", cause);
    free(dir);
}

static void
cal_teardown(void)
{
    calendar_free(cal);
}

START_TEST(test_years)
{
    char *years = calendar_years(cal);

    ck_assert_str_eq(years, "2025,2026");
    free(years);
    ck_assert_uint_eq(strlen(calendar_version(cal)), 64);
    ck_assert_str_eq(calendar_day_name(cal, D("2025-10-11")), "National Day adjusted working day");
    ck_assert_ptr_null(calendar_day_name(cal, D("2025-10-13")));
}
END_TEST

START_TEST(test_transitional_deadline)
{
    bool approx = false;

    /* CAC: those over 100,000 on 2025-06-01 file by 2025-07-14, the 30th working day
     * (Jun 2 is the Dragon Boat holiday; Jun 3 is working day 1). */
    ck_assert_str_eq(fmt(calendar_add_working_days(cal, D("2025-06-01"), 30, &approx)),
        "2025-07-14");
    ck_assert(!approx);
    ck_assert_int_eq(calendar_working_days_between(cal, D("2025-06-01"), D("2025-07-14"),
        &approx), 30);
    ck_assert_str_eq(fmt(calendar_add_working_days(cal, D("2025-06-01"), 1, &approx)),
        "2025-06-03");
    ck_assert_str_eq(fmt(calendar_add_working_days(cal, D("2025-06-01"), 0, &approx)),
        "2025-06-01");
}
END_TEST

START_TEST(test_national_day_2025)
{
    bool approx = false;

    ck_assert(calendar_is_working_day(cal, D("2025-09-28"), &approx));  /* Sunday, adjusted */
    ck_assert(!calendar_is_working_day(cal, D("2025-10-01"), &approx));
    ck_assert(!calendar_is_working_day(cal, D("2025-10-08"), &approx)); /* Wednesday, holiday */
    ck_assert(calendar_is_working_day(cal, D("2025-10-11"), &approx));  /* Saturday, adjusted */
    ck_assert(!calendar_is_working_day(cal, D("2025-10-12"), &approx)); /* plain Sunday */
    /* Friday 26 Sep + 1 = Sunday 28 Sep (adjusted working day). */
    ck_assert_str_eq(fmt(calendar_add_working_days(cal, D("2025-09-26"), 1, &approx)),
        "2025-09-28");
    /* 30 Sep + 1 jumps the whole holiday to Thursday 9 Oct; + 3 lands on Saturday 11 Oct. */
    ck_assert_str_eq(fmt(calendar_add_working_days(cal, D("2025-09-30"), 1, &approx)),
        "2025-10-09");
    ck_assert_str_eq(fmt(calendar_add_working_days(cal, D("2025-09-30"), 3, &approx)),
        "2025-10-11");
    /* Threshold reached Monday 15 Sep: the 30th working day after is Friday 31 Oct. */
    ck_assert_str_eq(fmt(calendar_add_working_days(cal, D("2025-09-15"), 30, &approx)),
        "2025-10-31");
    ck_assert_int_eq(calendar_working_days_between(cal, D("2025-09-26"), D("2025-10-12"),
        &approx), 6);
    ck_assert_int_eq(calendar_working_days_between(cal, D("2025-10-12"), D("2025-09-26"),
        &approx), -6);
    ck_assert(!approx);
}
END_TEST

START_TEST(test_spring_festival_2026)
{
    bool approx = false;

    ck_assert(calendar_is_working_day(cal, D("2026-02-14"), &approx));
    ck_assert(!calendar_is_working_day(cal, D("2026-02-23"), &approx));
    /* Friday 13 Feb + 1 = Saturday 14 Feb; + 2 = Tuesday 24 Feb. */
    ck_assert_str_eq(fmt(calendar_add_working_days(cal, D("2026-02-13"), 2, &approx)),
        "2026-02-24");
    ck_assert(!approx);
}
END_TEST

START_TEST(test_year_without_data_is_approximate)
{
    bool approx = false;

    /* 2027 has no data: weekends only, flagged. */
    ck_assert(calendar_is_working_day(cal, D("2027-01-01"), &approx));
    ck_assert(approx);
    approx = false;
    ck_assert_str_eq(fmt(calendar_add_working_days(cal, D("2026-12-30"), 3, &approx)),
        "2027-01-04");
    ck_assert(approx);
    approx = false;
    ck_assert_int_eq(calendar_working_days_between(cal, D("2026-12-01"), D("2026-12-31"),
        &approx), 22);
    ck_assert(!approx);
}
END_TEST

static const struct {
    const char *text;
    const char *message; /* after "<dir>/2030.cal:" */
} bad_files[] = {
    { "holiday 2030-01-01 \"x\"\n", "1:1: the first line must be 'year YYYY'" },
    { "year 2030\nholliday 2030-01-01 \"x\"\n", "2:1: unknown keyword 'holliday' (did you mean 'holiday'?)" },
    { "year 2030\nholiday 2031-01-01 \"x\"\n", "2:9: 2031-01-01 is not in 2030" },
    { "year 2030\nworkday 2030-01-02 \"x\"\n", "2:9: 2030-01-02 is a weekday; an adjusted working day is a Saturday or Sunday" },
    { "year 2030\nholiday 2030-02-30 \"x\"\n", "2:9: '2030-02-30': 2030-02 has 28 days" },
    { "year 2030\nholiday 2030-01-01 \"x\nyear", "2:20: unterminated string or too many fields" },
    { "year 2030\nholiday 2030-01-05..2030-01-01 \"x\"\n", "2:9: holiday range must run forward and last at most 32 days" },
    { "year 2030\nholiday 2030-01-01 \"a\"\nholiday 2030-01-01 \"b\"\n", "3:9: 2030-01-01 is listed twice" },
    { "year twenty\n", "1:6: expected 'year YYYY'" },
};

START_TEST(test_bad_calendar_files)
{
    char *dir = test_tmpdir(), *path = path_join(dir, "2030.cal"), *cause = NULL, *want;

    ck_assert_int_eq(fs_write_atomic(path, bad_files[_i].text, strlen(bad_files[_i].text), 0644,
        NULL), 0);
    ck_assert_ptr_null(calendar_load(dir, &cause));
    want = xasprintf("%s:%s", path, bad_files[_i].message);
    ck_assert_str_eq(cause, want);
    free(want);
    free(cause);
    free(path);
    test_rmdir(dir);
}
END_TEST

Suite *
calendar_suite(void)
{
    Suite *s = suite_create("calendar");
    TCase *tc = tcase_create("dates");

    tcase_add_test(tc, test_date_roundtrip);
    tcase_add_test(tc, test_date_add);
    tcase_add_loop_test(tc, test_date_errors, 0, (int)FA_NITEMS(bad_dates));
    suite_add_tcase(s, tc);
    tc = tcase_create("working-days");
    tcase_add_checked_fixture(tc, cal_setup, cal_teardown);
    tcase_add_test(tc, test_years);
    tcase_add_test(tc, test_transitional_deadline);
    tcase_add_test(tc, test_national_day_2025);
    tcase_add_test(tc, test_spring_festival_2026);
    tcase_add_test(tc, test_year_without_data_is_approximate);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_loop_test(tc, test_bad_calendar_files, 0, (int)FA_NITEMS(bad_files));
    suite_add_tcase(s, tc);
    return s;
}
