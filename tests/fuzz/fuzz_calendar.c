/* SPDX-License-Identifier: MIT */
/*
 * fuzz_calendar.c - the calendar file parser (rules/calendar/YYYY.cal):
 * keywords, quoted strings, date ranges, duplicate and out-of-year days.
 */
#include "config.h"

#include <stdlib.h>

#include "faceaudit/calendar.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *cause = NULL;
    struct calendar *cal = calendar_parse("fuzz.cal", (const char *)data, size, &cause);

    if (cal != NULL) {
        bool approx = false;

        (void)calendar_add_working_days(cal, date_from_ymd(2030, 1, 1), 40, &approx);
        calendar_free(cal);
    }
    free(cause);
    return 0;
}
