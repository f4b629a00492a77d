/* SPDX-License-Identifier: MIT */
/*
 * cmd_calendar.c - `faceaudit calendar add|between|show`: working-day
 * arithmetic on the PRC calendar, so an auditor can check an Art. 15
 * deadline by hand; the arithmetic is app_calendar()'s, printed as text or
 * JSON here.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/app.h"
#include "faceaudit/cli.h"
#include "faceaudit/date.h"
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
calendar_text(FILE *o, const struct app_calendar_result *r)
{
    char buf[11], buf2[11];

    date_format(r->date, buf);
    date_format(r->date2, buf2);
    switch (r->op) {
    case APP_CALENDAR_ADD:
        fprintf(o, "%s (%s): working day %d after %s\n", buf2,
            weekday_names[date_weekday(r->date2)], r->days, buf);
        break;
    case APP_CALENDAR_BETWEEN:
        fprintf(o, "%d working days after %s up to and including %s\n", r->days, buf, buf2);
        break;
    case APP_CALENDAR_SHOW:
        fprintf(o, "%s (%s): %s%s%s%s\n", buf, weekday_names[date_weekday(r->date)],
            r->working ? "working day" : "not a working day", r->holiday != NULL ? " (" : "",
            r->holiday != NULL ? r->holiday : "", r->holiday != NULL ? ")" : "");
        break;
    }
    if (r->approximate)
        fprintf(o, "approximate: a year without calendar data was counted with weekends "
            "only (data: %s)\n", r->years);
    fprintf(o, "calendar: %.12s (years %s)\n", r->version, r->years);
}

/* A date and its weekday as members KEY and KEY_weekday. */
static void
json_day(struct jw *w, const char *key, fa_date d)
{
    char buf[11], *wk = xasprintf("%s_weekday", key);

    date_format(d, buf);
    jw_kstr(w, key, buf);
    jw_kstr(w, wk, weekday_names[date_weekday(d)]);
    free(wk);
}

static void
calendar_json(struct cli_ctx *ctx, const struct app_calendar_result *r)
{
    static const char *const ops[] = { "add", "between", "show" };
    struct cli_json j;
    const char *y;

    cli_json_begin(&j);
    jw_kstr(&j.w, "op", ops[r->op]);
    json_day(&j.w, "date", r->date);
    switch (r->op) {
    case APP_CALENDAR_ADD:
        jw_kint(&j.w, "working_days", r->days);
        json_day(&j.w, "result", r->date2);
        break;
    case APP_CALENDAR_BETWEEN:
        json_day(&j.w, "to", r->date2);
        jw_kint(&j.w, "working_days", r->days);
        break;
    case APP_CALENDAR_SHOW:
        jw_kbool(&j.w, "working_day", r->working);
        jw_kstr(&j.w, "holiday", r->holiday);
        break;
    }
    jw_kbool(&j.w, "approximate", r->approximate);
    jw_key(&j.w, "calendar");
    jw_object(&j.w, JW_INLINE);
    jw_kstr(&j.w, "version", r->version);
    jw_key(&j.w, "years");
    jw_array(&j.w, JW_INLINE);
    for (y = r->years; *y != '\0'; y += strcspn(y, ","), y += *y == ',')
        jw_int(&j.w, strtol(y, NULL, 10));
    jw_array_end(&j.w);
    jw_object_end(&j.w);
    cli_json_end(ctx, &j);
}

/* argv (after the options) -> params; 0, or an exit code after the usage error. */
static int
calendar_args(struct cli_ctx *ctx, int argc, char **argv, struct app_calendar_params *p)
{
    const char *sub = argv[0];
    char *end;
    long n;

    if (strcmp(sub, "add") == 0 || strcmp(sub, "between") == 0) {
        if (argc != 3)
            return cli_usage_error(ctx, "%s takes two arguments", sub);
        p->op = sub[0] == 'a' ? APP_CALENDAR_ADD : APP_CALENDAR_BETWEEN;
    } else if (strcmp(sub, "show") == 0) {
        if (argc != 2)
            return cli_usage_error(ctx, "show takes one date");
        p->op = APP_CALENDAR_SHOW;
    } else
        return cli_usage_error(ctx, "unknown subcommand '%s' (add, between or show)", sub);
    if (parse_date_arg(ctx, "DATE", argv[1], &p->date) == -1)
        return FA_EXIT_USAGE;
    if (p->op == APP_CALENDAR_BETWEEN &&
        parse_date_arg(ctx, "DATE2", argv[2], &p->date2) == -1)
        return FA_EXIT_USAGE;
    if (p->op == APP_CALENDAR_ADD) {
        errno = 0;
        n = strtol(argv[2], &end, 10);
        if (*argv[2] == '\0' || *end != '\0' || errno != 0 || n < 0 ||
            n > APP_CALENDAR_MAX_DAYS)
            return cli_usage_error(ctx, "N: '%s' is not a number of working days (0-%d)",
                argv[2], APP_CALENDAR_MAX_DAYS);
        p->n = (int)n;
    }
    return 0;
}

static int
cmd_calendar_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 }
    };
    struct app_calendar_params p;
    struct app_calendar_result *r;
    char *cause = NULL;
    bool json = false;
    int c;

    if (argc < 2)
        return cli_usage_error(ctx, "missing subcommand (add, between or show)");
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:", longopts, NULL)) != -1) {
        if (c != 'f')
            return cli_usage_error(ctx, "bad option");
        if ((c = cli_format_json(ctx, optarg, &json)) != 0)
            return c;
    }
    if (optind >= argc)
        return cli_usage_error(ctx, "missing subcommand (add, between or show)");
    app_calendar_params_default(&p);
    if ((c = calendar_args(ctx, argc - optind, argv + optind, &p)) != 0)
        return c;
    if ((r = app_calendar(&p, &cause)) == NULL) {
        c = cli_error(ctx, "%s", cause);
        free(cause);
        return c;
    }
    if (json)
        calendar_json(ctx, r);
    else
        calendar_text(ctx->out, r);
    app_calendar_result_free(r);
    return FA_EXIT_OK;
}

const struct cmd_entry cmd_calendar_entry = {
    "calendar", NULL, "add DATE N | between DATE1 DATE2 | show DATE [--format text|json]",
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
    "is marked approximate.\n"
    "\n"
    "  --format json           the answer as a JSON document: op, date (and\n"
    "                          date_weekday); add: working_days, result; between:\n"
    "                          to, working_days; show: working_day, holiday; then\n"
    "                          approximate and calendar {version, years}\n",
    cmd_calendar_exec
};
