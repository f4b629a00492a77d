/* SPDX-License-Identifier: MIT */
/*
 * cmd_calendar.c - `faceaudit calendar add|between|show`: working-day
 * arithmetic on the PRC calendar, so an auditor can check an Art. 15
 * deadline by hand.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/calendar.h"
#include "faceaudit/cli.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/xmalloc.h"

static const char *const weekday_names[] = { "", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
    "Sun" };

static int
parse_date_arg(struct cli_ctx *ctx, const char *what, const char *s, fa_date *d)
{
    char *cause = NULL;

    if (date_parse(s, d, &cause) == -1) {
        cli_usage_error(ctx, "%s: %s", what, cause);
        free(cause);
        return -1;
    }
    return 0;
}

static void
warn_approx(struct cli_ctx *ctx, const struct calendar *cal, bool approx)
{
    char *years;

    if (!approx)
        return;
    years = calendar_years(cal);
    fprintf(ctx->out, "approximate: a year without calendar data was counted with weekends "
        "only (data: %s)\n", years);
    free(years);
}

static int
cmd_calendar_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    char *dir, *cause = NULL, buf[11], buf2[11];
    struct calendar *cal;
    const char *sub;
    bool approx = false;
    fa_date d1, d2;
    int rc = FA_EXIT_OK;

    if (argc < 2)
        return cli_usage_error(ctx, "missing subcommand (add, between or show)");
    sub = argv[1];
    if (strcmp(sub, "add") == 0 || strcmp(sub, "between") == 0) {
        if (argc != 4)
            return cli_usage_error(ctx, "%s takes two arguments", sub);
    } else if (strcmp(sub, "show") == 0) {
        if (argc != 3)
            return cli_usage_error(ctx, "show takes one date");
    } else
        return cli_usage_error(ctx, "unknown subcommand '%s' (add, between or show)", sub);
    if (parse_date_arg(ctx, "DATE", argv[2], &d1) == -1)
        return FA_EXIT_USAGE;

    dir = path_rules_dir();
    {
        char *cdir = path_join(dir, "calendar");

        free(dir);
        dir = cdir;
    }
    if ((cal = calendar_load(dir, &cause)) == NULL) {
        cli_error(ctx, "%s", cause);
        free(cause);
        free(dir);
        return FA_EXIT_USAGE;
    }
    free(dir);

    if (strcmp(sub, "add") == 0) {
        char *end;
        long n;

        errno = 0;
        n = strtol(argv[3], &end, 10);
        if (*argv[3] == '\0' || *end != '\0' || errno != 0 || n < 0 || n > 100000) {
            calendar_free(cal);
            return cli_usage_error(ctx, "N: '%s' is not a number of working days (0-100000)",
                argv[3]);
        }
        d2 = calendar_add_working_days(cal, d1, (int)n, &approx);
        date_format(d1, buf);
        date_format(d2, buf2);
        fprintf(ctx->out, "%s (%s): working day %ld after %s\n", buf2,
            weekday_names[date_weekday(d2)], n, buf);
    } else if (strcmp(sub, "between") == 0) {
        int n;

        if (parse_date_arg(ctx, "DATE2", argv[3], &d2) == -1) {
            calendar_free(cal);
            return FA_EXIT_USAGE;
        }
        n = calendar_working_days_between(cal, d1, d2, &approx);
        date_format(d1, buf);
        date_format(d2, buf2);
        fprintf(ctx->out, "%d working days after %s up to and including %s\n", n, buf, buf2);
    } else {
        const char *name = calendar_day_name(cal, d1);
        bool working = calendar_is_working_day(cal, d1, &approx);

        date_format(d1, buf);
        fprintf(ctx->out, "%s (%s): %s%s%s%s\n", buf, weekday_names[date_weekday(d1)],
            working ? "working day" : "not a working day", name != NULL ? " (" : "",
            name != NULL ? name : "", name != NULL ? ")" : "");
    }
    warn_approx(ctx, cal, approx);
    fprintf(ctx->out, "calendar: %.12s (years %s)\n", calendar_version(cal),
        (dir = calendar_years(cal)));
    free(dir);
    calendar_free(cal);
    return rc;
}

const struct cmd_entry cmd_calendar_entry = {
    "calendar", NULL, "add DATE N | between DATE1 DATE2 | show DATE",
    "working-day arithmetic on the PRC calendar (Art. 15 deadlines)",
    "  add DATE N              the Nth working day after DATE (DATE itself not\n"
    "                          counted): `calendar add 2025-06-01 30` gives the\n"
    "                          Art. 15 transitional deadline, 2025-07-14\n"
    "  between DATE1 DATE2     working days after DATE1 up to and including DATE2\n"
    "  show DATE               whether DATE is a working day, and which holiday\n"
    "\n"
    "A working day is Monday to Friday unless the State Council's notice makes it\n"
    "a public holiday, plus the weekend days it makes adjusted working days. The\n"
    "notices are data in rules/calendar/YYYY.cal ($FACEAUDIT_RULES/calendar).\n"
    "A date in a year without data is counted with weekends only and the result\n"
    "is marked approximate.\n",
    cmd_calendar_exec
};
