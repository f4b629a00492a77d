/* SPDX-License-Identifier: MIT */
#ifndef FA_CALENDAR_H
#define FA_CALENDAR_H
/*
 * calendar.h - the PRC working-day calendar (Art. 15 deadlines count
 * working days, 工作日).
 *
 * A working day is Monday to Friday unless the State Council's notice for
 * that year makes it a public holiday, plus any weekend day the notice makes
 * an adjusted working day (调休上班). The notices are kept as data, one file
 * per year in rules/calendar/YYYY.cal (format in calendar_load()). For a year
 * without a file the calendar counts weekends only and reports the result as
 * approximate through the `approx` out-parameters: never silently.
 */

#include <stdbool.h>
#include <stddef.h>

#include "faceaudit/date.h"

struct calendar;

/*
 * Load every YYYY.cal file of dir. Each non-blank, non-comment (#) line is
 *     year YYYY                                  (first line, once)
 *     source "text"                              (the notice it records)
 *     holiday YYYY-MM-DD[..YYYY-MM-DD] "name"    (days off, inclusive)
 *     workday YYYY-MM-DD "name"                  (adjusted working weekend day)
 * Dates must lie in the file's year. Errors name file:line:column.
 * Returns the calendar (calendar_free) or NULL with *cause set.
 */
struct calendar *calendar_load(const char *dir, char **cause);
/* Parse one calendar file's text (name is used in messages); as calendar_load. */
struct calendar *calendar_parse(const char *name, const char *text, size_t len, char **cause);
void calendar_free(struct calendar *cal);
/* SHA-256 (hex) of the data files, in name order: the calendar's version. */
const char *calendar_version(const struct calendar *cal);
/* Years with data, comma-separated ("2025,2026"); caller frees. */
char *calendar_years(const struct calendar *cal);
bool calendar_has_year(const struct calendar *cal, int year);
/* Name of the holiday or adjusted working day on d, or NULL. */
const char *calendar_day_name(const struct calendar *cal, fa_date d);

/* Whether d is a working day; *approx |= d lies in a year without data. */
bool calendar_is_working_day(const struct calendar *cal, fa_date d, bool *approx);
/*
 * The nth working day after d (d itself not counted); n >= 0 (n = 0 gives d).
 * *approx |= any day examined lies in a year without data.
 */
fa_date calendar_add_working_days(const struct calendar *cal, fa_date d, int n, bool *approx);
/*
 * Working days after `from` up to and including `to`; negative (the count
 * from `to` to `from`) when to < from. *approx as above.
 */
int calendar_working_days_between(const struct calendar *cal, fa_date from, fa_date to,
    bool *approx);

#endif /* FA_CALENDAR_H */
