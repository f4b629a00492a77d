/* SPDX-License-Identifier: MIT */
/*
 * report_csv.c - one CSV row per rule instance (RFC 4180: CRLF line ends,
 * fields with commas, quotes or line breaks quoted, quotes doubled). The
 * run-level columns (scenario, as-of date, scores with and without
 * waivers) repeat on every row so each row stands alone in a spreadsheet.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "report/report_int.h"

static const char *const columns[] = {
    "scenario", "as_of", "score", "score_without_waivers", "grade", "grade_without_waivers",
    "no_score", "readings", "rule", "article", "clause", "basis", "severity", "entity",
    "outcome", "waiver", "waiver_approver", "waiver_expiry", "baseline", "message", "reason", "facts", "remedy", NULL
};

static void
csv_begin(struct report_out *o)
{
    size_t i;

    for (i = 0; columns[i] != NULL; i++)
        strbuf_printf(&o->sb, "%s%s", i > 0 ? "," : "", columns[i]);
    strbuf_puts(&o->sb, "\r\n");
}

static void
field(struct report_out *o, const char *s)
{
    report_csv_str(&o->sb, s);
    strbuf_putc(&o->sb, ',');
}

static void
csv_finding(struct report_out *o, const struct audit_finding *fd, size_t index)
{
    static const char *const wstate[] = { "", "active", "expired", "not_yet_in_force" };
    const struct audit_result *res = o->in->res;
    const struct waiver *wv;
    enum report_waiver_state ws = report_finding_waiver(o, fd, &wv);
    char d[11], num[64], *facts;

    date_format(res->as_of, d);
    field(o, o->in->meta->scenario_id);
    field(o, d);
    if (res->no_score != NULL) {  /* no score and no grade: empty fields, the reason */
        strbuf_puts(&o->sb, ",,,,");
    } else {
        snprintf(num, sizeof num, "%.2f", res->score);
        field(o, num);
        snprintf(num, sizeof num, "%.2f", res->score_no_waivers);
        field(o, num);
        strbuf_printf(&o->sb, "%c,%c,", res->grade, res->grade_no_waivers);
    }
    field(o, res->no_score);
    {
        struct strbuf rd;
        size_t k;

        strbuf_init(&rd);
        for (k = 0; k < res->nreadings; k++)
            strbuf_printf(&rd, "%s%s=%s", k > 0 ? " " : "", res->readings[k].name,
                res->readings[k].alt);
        field(o, strbuf_str(&rd));
        strbuf_done(&rd);
    }
    field(o, fd->rule_id);
    strbuf_printf(&o->sb, "%d,", fd->article);
    field(o, fd->clause);
    field(o, rule_basis(fd->rule));
    field(o, rule_severity_name(fd->severity));
    field(o, fd->entity);
    field(o, rule_outcome_name(fd->outcome));
    field(o, wstate[ws]);
    field(o, wv != NULL && ws != REPORT_WAIVER_NONE ? wv->approver : NULL);
    if (wv != NULL && ws != REPORT_WAIVER_NONE) {
        date_format(wv->expiry, d);
        field(o, d);
    } else {
        field(o, NULL);
    }
    field(o, report_bl_name(report_finding_bl(o, index)));
    field(o, fd->message);
    field(o, fd->reason);
    facts = report_facts_line(fd);
    field(o, facts);
    free(facts);
    report_csv_str(&o->sb, audit_finding_advice(fd));
    strbuf_puts(&o->sb, "\r\n");
}

const struct report_writer report_csv_writer = {
    "csv", "one row per rule instance (RFC 4180), scores on every row", "csv",
    csv_begin, NULL, csv_finding, NULL
};
