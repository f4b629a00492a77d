/* SPDX-License-Identifier: MIT */
#ifndef FA_DATE_H
#define FA_DATE_H
/*
 * date.h - civil dates as day numbers.
 *
 * An fa_date counts days since 1970-01-01 in the proleptic Gregorian
 * calendar (negative before). Dates carry no time zone: the Measures count
 * calendar and working days, never hours. FA_DATE_NONE marks "no date".
 */

#include <stdint.h>

typedef int32_t fa_date;

#define FA_DATE_NONE INT32_MIN
/* Years accepted by date_parse: anything else is almost surely a typo. */
#define FA_DATE_MIN_YEAR 1900
#define FA_DATE_MAX_YEAR 2199

/*
 * Parse a strict "YYYY-MM-DD" date (no spaces, no time part, real day of
 * month). Returns 0, or -1 with *cause saying what is wrong (not which file:
 * callers add the location).
 */
int date_parse(const char *s, fa_date *out, char **cause);
/* Format as "YYYY-MM-DD" into buf (11 bytes); FA_DATE_NONE gives "-". */
void date_format(fa_date d, char buf[11]);
fa_date date_from_ymd(int y, int m, int d);
void date_to_ymd(fa_date d, int *y, int *m, int *day);
/* ISO weekday: 1 = Monday .. 7 = Sunday. */
int date_weekday(fa_date d);
/* Days in month m (1-12) of year y. */
int date_days_in_month(int y, int m);
/*
 * d plus months (negative: minus), the day clamped to the target month's
 * length: 2025-01-31 + 1 month is 2025-02-28 (the rule language's "P1M").
 */
fa_date date_add_months(fa_date d, int months);
/*
 * d plus years as SQLite's date(d, '+N years') counts them: 29 February
 * rolls over to 1 March in a year without it (a record kept "at least three
 * years" is kept a day longer, never a day less).
 */
fa_date date_add_years_rollover(fa_date d, int years);
/* Today (UTC), or $FACEAUDIT_TODAY (YYYY-MM-DD) when set, for reproducible runs. */
fa_date date_today(void);

#endif /* FA_DATE_H */
