/* SPDX-License-Identifier: MIT */
/*
 * app_calendar.c - working-day arithmetic on the PRC calendar as the user
 * asks for it (`faceaudit calendar add|between|show`): the calendar data of
 * the rule pack loaded, one question answered, and whether a year without
 * data made the answer approximate.
 */
#include "config.h"

#include "faceaudit/app.h"

#include <stdlib.h>
#include <string.h>

#include "faceaudit/calendar.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/xmalloc.h"

void
app_calendar_params_default(struct app_calendar_params *p)
{
    memset(p, 0, sizeof *p);
    p->op = APP_CALENDAR_SHOW;
    p->date = p->date2 = FA_DATE_NONE;
}

struct app_calendar_result *
app_calendar(const struct app_calendar_params *p, char **cause)
{
    char *dir = p->rules_dir != NULL ? xstrdup(p->rules_dir) : path_rules_dir();
    char *cdir = path_join(dir, "calendar");
    struct calendar *cal = calendar_load(cdir, cause);
    struct app_calendar_result *r;
    const char *name;

    free(dir);
    free(cdir);
    if (cal == NULL)
        return NULL;
    if (p->op == APP_CALENDAR_ADD && (p->n < 0 || p->n > APP_CALENDAR_MAX_DAYS)) {
        calendar_free(cal);
        *cause = xasprintf("%d is not a number of working days (0-%d)", p->n,
            APP_CALENDAR_MAX_DAYS);
        return NULL;
    }
    r = xcalloc(1, sizeof *r);
    r->op = p->op;
    r->date = p->date;
    r->date2 = p->date2;
    r->days = p->n;
    switch (p->op) {
    case APP_CALENDAR_ADD:
        r->date2 = calendar_add_working_days(cal, p->date, p->n, &r->approximate);
        break;
    case APP_CALENDAR_BETWEEN:
        r->days = calendar_working_days_between(cal, p->date, p->date2, &r->approximate);
        break;
    case APP_CALENDAR_SHOW:
        r->working = calendar_is_working_day(cal, p->date, &r->approximate);
        if ((name = calendar_day_name(cal, p->date)) != NULL)
            r->holiday = xstrdup(name);
        break;
    }
    r->version = xstrdup(calendar_version(cal));
    r->years = calendar_years(cal);
    calendar_free(cal);
    return r;
}

void
app_calendar_result_free(struct app_calendar_result *r)
{
    if (r == NULL)
        return;
    free(r->holiday);
    free(r->version);
    free(r->years);
    free(r);
}
