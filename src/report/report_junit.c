/* SPDX-License-Identifier: MIT */
/*
 * report_junit.c - JUnit XML for CI dashboards: one <testsuite> per article
 * and one <testcase> per rule instance. fail is a <failure> (with the
 * explanation and remedy as its text; an expired waiver says so),
 * not_applicable and needs_evidence are <skipped> with the reason, waived
 * is <skipped> naming the waiver and its expiry, pass and advisory pass
 * (advisory with a note in <system-out>). The scores with and without
 * waivers are properties of the <testsuites> summary suite.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"

#include "faceaudit/xmalloc.h"

static void
attr(struct strbuf *sb, const char *name, const char *value)
{
    strbuf_printf(sb, " %s=\"", name);
    report_xml_str(sb, value);
    strbuf_putc(sb, '"');
}

static void
property(struct strbuf *sb, const char *name, const char *value)
{
    strbuf_puts(sb, "      <property");
    attr(sb, "name", name);
    attr(sb, "value", value);
    strbuf_puts(sb, "/>\n");
}

static void
junit_begin(struct report_out *o)
{
    const struct audit_result *res = o->in->res;
    const struct audit_meta *m = o->in->meta;
    struct strbuf *sb = &o->sb;
    size_t skipped = res->counts[RULE_NA] + res->counts[RULE_NEEDS_EVIDENCE] +
        res->counts[RULE_WAIVED];
    char d[11], num[64];
    char *name;

    date_format(res->as_of, d);
    name = xasprintf("faceaudit audit of %s", m->scenario_id);
    strbuf_puts(sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
    attr(sb, "name", name);
    strbuf_printf(sb, " tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n",
        res->nfindings, res->counts[RULE_FAIL], skipped);
    strbuf_puts(sb, "  <testsuite name=\"summary\" tests=\"0\" failures=\"0\" errors=\"0\" "
        "skipped=\"0\">\n    <properties>\n");
    property(sb, "scenario", m->scenario_id);
    property(sb, "scenario_sha256", m->scenario_hash);
    property(sb, "as_of", d);
    property(sb, "rule_pack_sha256", rule_pack_hash(o->in->pack));
    property(sb, "calendar_version", m->calendar_version);
    if (res->no_score != NULL) {
        property(sb, "no_score", res->no_score);
    } else {
        snprintf(num, sizeof num, "%.2f", res->score);
        property(sb, "score", num);
        snprintf(num, sizeof num, "%.2f", res->score_no_waivers);
        property(sb, "score_without_waivers", num);
        snprintf(num, sizeof num, "%c", res->grade);
        property(sb, "grade", num);
        snprintf(num, sizeof num, "%c", res->grade_no_waivers);
        property(sb, "grade_without_waivers", num);
    }
    for (size_t k = 0; k < res->nreadings; k++) {
        char *rd = xasprintf("reading.%s", res->readings[k].name);

        property(sb, rd, res->readings[k].alt);
        free(rd);
    }
    if (o->in->baseline != NULL)
        property(sb, "baseline", o->in->baseline->base->label);
    strbuf_puts(sb, "    </properties>\n  </testsuite>\n");
    free(name);
}

static void
junit_close(struct report_out *o)
{
    if (o->nshown > 0)
        strbuf_puts(&o->sb, "  </testsuite>\n");
    o->nshown = 0;
}

static void
junit_article(struct report_out *o, const struct audit_article *a)
{
    const struct rule_article_info *ai = rule_pack_article(o->in->pack, a->number);
    struct strbuf *sb = &o->sb;
    size_t tests = 0, k;
    char *name;

    junit_close(o);
    for (k = 0; k < RULE_NOUTCOMES; k++)
        tests += a->counts[k];
    if (tests == 0)
        return;
    name = xasprintf("Art. %d %s", a->number, ai != NULL ? ai->title_en : "");
    strbuf_puts(sb, "  <testsuite");
    attr(sb, "name", name);
    strbuf_printf(sb, " tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n", tests,
        a->counts[RULE_FAIL], a->counts[RULE_NA] + a->counts[RULE_NEEDS_EVIDENCE] +
        a->counts[RULE_WAIVED]);
    free(name);
    o->nshown = 1;
}

static void
junit_finding(struct report_out *o, const struct audit_finding *fd, size_t index)
{
    struct strbuf *sb = &o->sb;
    const struct waiver *wv;
    enum report_waiver_state ws = report_finding_waiver(o, fd, &wv);
    enum report_bl bl = report_finding_bl(o, index);
    char *name, *cls, *facts;

    name = xasprintf("%s%s%s%s", fd->rule_id, fd->entity != NULL ? " [" : "",
        fd->entity != NULL ? fd->entity : "", fd->entity != NULL ? "]" : "");
    cls = xasprintf("faceaudit.article%02d", fd->article);
    strbuf_puts(sb, "    <testcase");
    attr(sb, "classname", cls);
    attr(sb, "name", name);
    strbuf_puts(sb, " time=\"0\"");
    free(name);
    free(cls);
    if (fd->outcome == RULE_PASS) {
        strbuf_puts(sb, "/>\n");
        return;
    }
    strbuf_puts(sb, ">\n");
    facts = report_facts_line(fd);
    switch (fd->outcome) {
    case RULE_FAIL:
        strbuf_puts(sb, "      <failure");
        attr(sb, "type", ws == REPORT_WAIVER_EXPIRED ? "fail, waiver expired" :
            rule_severity_name(fd->severity));
        attr(sb, "message", fd->message != NULL ? fd->message : rule_title(fd->rule));
        strbuf_puts(sb, ">");
        strbuf_printf(sb, "Clause %s, severity %s.\n", fd->clause,
            rule_severity_name(fd->severity));
        if (fd->reason != NULL) {
            strbuf_puts(sb, "Why: ");
            report_xml_str(sb, fd->reason);
            strbuf_putc(sb, '\n');
        }
        strbuf_puts(sb, "Facts: ");
        report_xml_str(sb, facts);
        strbuf_putc(sb, '\n');
        if (fd->waiver != NULL) {
            strbuf_puts(sb, "Waiver: ");
            report_xml_str(sb, fd->waiver);
            strbuf_putc(sb, '\n');
        }
        if (bl != REPORT_BL_NONE)
            strbuf_printf(sb, "Baseline: %s\n", report_bl_name(bl));
        strbuf_puts(sb, "Remedy: ");
        report_xml_str(sb, rule_remedy(fd->rule));
        strbuf_puts(sb, "</failure>\n");
        break;
    case RULE_NA:
    case RULE_NEEDS_EVIDENCE:
    case RULE_WAIVED: {
        char *msg = xasprintf("%s: %s", rule_outcome_name(fd->outcome),
            fd->outcome == RULE_WAIVED && fd->waiver != NULL ? fd->waiver :
            fd->reason != NULL ? fd->reason : "");

        strbuf_puts(sb, "      <skipped");
        attr(sb, "message", msg);
        strbuf_puts(sb, "/>\n");
        free(msg);
        break;
    }
    case RULE_ADVISORY:
    case RULE_PASS:
    default:
        strbuf_puts(sb, "      <system-out>advisory: ");
        report_xml_str(sb, fd->message);
        strbuf_puts(sb, "</system-out>\n");
        break;
    }
    free(facts);
    strbuf_puts(sb, "    </testcase>\n");
}

static void
junit_end(struct report_out *o)
{
    junit_close(o);
    strbuf_puts(&o->sb, "</testsuites>\n");
}

const struct report_writer report_junit_writer = {
    "junit", "JUnit XML: a test suite per article, a test case per rule instance", "xml",
    junit_begin, junit_article, junit_finding, junit_end
};
