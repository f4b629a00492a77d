/* SPDX-License-Identifier: MIT */
/*
 * date.c - civil dates as day numbers (Howard Hinnant's days_from_civil and
 * civil_from_days algorithms), strict ISO parsing and formatting.
 */
#include "config.h"

#include "faceaudit/date.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "faceaudit/compat.h"
#include "faceaudit/log.h"

fa_date
date_from_ymd(int y, int m, int d)
{
    int era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (fa_date)(era * 146097 + doe - 719468);
}

void
date_to_ymd(fa_date z0, int *y, int *m, int *day)
{
    long z = (long)z0 + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long dd = doy - (153 * mp + 2) / 5 + 1;
    long mm = mp < 10 ? mp + 3 : mp - 9;

    *y = (int)(yoe + era * 400 + (mm <= 2));
    *m = (int)mm;
    *day = (int)dd;
}

int
date_days_in_month(int y, int m)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    if (m < 1 || m > 12)
        return 0;
    return days[m - 1] + (m == 2 && leap);
}

fa_date
date_add_months(fa_date d, int months)
{
    int y, m, day, dim;

    if (months == 0)
        return d;
    date_to_ymd(d, &y, &m, &day);
    m += months;
    y += (m - 1) >= 0 ? (m - 1) / 12 : -((12 - m) / 12);
    m = ((m - 1) % 12 + 12) % 12 + 1;
    dim = date_days_in_month(y, m);
    return date_from_ymd(y, m, day > dim ? dim : day);
}

fa_date
date_add_years_rollover(fa_date d, int years)
{
    int y, m, day;

    date_to_ymd(d, &y, &m, &day);
    if (m == 2 && day == 29 && date_days_in_month(y + years, 2) == 28)
        return date_from_ymd(y + years, 3, 1);
    return date_from_ymd(y + years, m, day);
}

int
date_weekday(fa_date d)
{
    /* 1970-01-01 was a Thursday (ISO 4). */
    int w = (int)(((long)d % 7 + 7 + 3) % 7);

    return w + 1;
}

static int
digits(const char *s, int n)
{
    int v = 0, i;

    for (i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int
date_parse(const char *s, fa_date *out, char **cause)
{
    int y, m, d;

    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || (y = digits(s, 4)) < 0 ||
        (m = digits(s + 5, 2)) < 0 || (d = digits(s + 8, 2)) < 0)
        return cause_set(cause, "'%s' is not a date: expected YYYY-MM-DD", s);
    if (y < FA_DATE_MIN_YEAR || y > FA_DATE_MAX_YEAR)
        return cause_set(cause, "'%s': year %d is outside %d-%d", s, y, FA_DATE_MIN_YEAR,
            FA_DATE_MAX_YEAR);
    if (m < 1 || m > 12)
        return cause_set(cause, "'%s': month %d does not exist", s, m);
    if (d < 1 || d > date_days_in_month(y, m))
        return cause_set(cause, "'%s': %04d-%02d has %d days", s, y, m, date_days_in_month(y, m));
    *out = date_from_ymd(y, m, d);
    return 0;
}

void
date_format(fa_date d, char buf[11])
{
    int y, m, day;

    if (d == FA_DATE_NONE) {
        strcpy(buf, "-");
        return;
    }
    char tmp[32];

    date_to_ymd(d, &y, &m, &day);
    /* Years outside 0-9999 cannot occur from date_parse; clamp rather than overflow. */
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", FA_MIN(FA_MAX(y, 0), 9999), m, day);
    memcpy(buf, tmp, 10);
    buf[10] = '\0';
}

fa_date
date_today(void)
{
    const char *env = getenv("FACEAUDIT_TODAY");
    fa_date d;
    time_t now;

    if (env != NULL && *env != '\0' && date_parse(env, &d, NULL) == 0)
        return d;
    now = time(NULL);
    return (fa_date)(now / 86400);
}
