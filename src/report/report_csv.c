/* SPDX-License-Identifier: MIT */
/*
 * report_csv.c - one CSV row per rule instance, through core's CSV writer
 * (RFC 4180: CRLF line ends, fields with commas, quotes or line breaks
 * quoted, quotes doubled). The
 * run-level columns (scenario, as-of date, scores with and without
 * waivers) repeat on every row so each row stands alone in a spreadsheet.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "report/report_int.h"

#include "faceaudit/csvw.h"

static const char *const columns[] = {
    "scenario", "as_of", "score", "score_without_waivers", "grade", "grade_without_waivers",
    "rule", "article", "clause", "severity", "entity", "outcome", "waiver", "waiver_approver",
    "waiver_expiry", "baseline", "message", "reason", "facts", "remedy", NULL
};

static void
csv_begin(struct report_out *o)
{
    struct csvw w;

    csvw_init(&w, &o->sb, "\r\n");
    csvw_header(&w, columns);
}

static void
csv_finding(struct report_out *o, const struct audit_finding *fd, size_t index)
{
    static const char *const wstate[] = { "", "active", "expired", "not_yet_in_force" };
    const struct audit_result *res = o->in->res;
    const struct waiver *wv;
    enum report_waiver_state ws = report_finding_waiver(o, fd, &wv);
    struct csvw w;
    char d[11], grade[2] = "", *facts;

    csvw_init(&w, &o->sb, "\r\n");
    date_format(res->as_of, d);
    csvw_str(&w, o->in->meta->scenario_id);
    csvw_str(&w, d);
    csvw_fixed(&w, res->score, 2);
    csvw_fixed(&w, res->score_no_waivers, 2);
    grade[0] = res->grade;
    csvw_str(&w, grade);
    grade[0] = res->grade_no_waivers;
    csvw_str(&w, grade);
    csvw_str(&w, fd->rule_id);
    csvw_int(&w, fd->article);
    csvw_str(&w, fd->clause);
    csvw_str(&w, rule_severity_name(fd->severity));
    csvw_str(&w, fd->entity);
    csvw_str(&w, rule_outcome_name(fd->outcome));
    csvw_str(&w, wstate[ws]);
    csvw_str(&w, wv != NULL && ws != REPORT_WAIVER_NONE ? wv->approver : NULL);
    if (wv != NULL && ws != REPORT_WAIVER_NONE) {
        date_format(wv->expiry, d);
        csvw_str(&w, d);
    } else {
        csvw_str(&w, NULL);
    }
    csvw_str(&w, report_bl_name(report_finding_bl(o, index)));
    csvw_str(&w, fd->message);
    csvw_str(&w, fd->reason);
    facts = report_facts_line(fd);
    csvw_str(&w, facts);
    free(facts);
    csvw_str(&w, rule_remedy(fd->rule));
    csvw_end_row(&w);
}

const struct report_writer report_csv_writer = {
    "csv", "one row per rule instance (RFC 4180), scores on every row", "csv",
    csv_begin, NULL, csv_finding, NULL
};
