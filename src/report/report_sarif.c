/* SPDX-License-Identifier: MIT */
/*
 * report_sarif.c - SARIF 2.1.0 for code-scanning dashboards. Every rule of
 * the pack is declared in tool.driver.rules (id, title, clause text, remedy
 * as help, default level from severity). One result per rule instance with
 * its kind (pass, fail, notApplicable, review for needs_evidence,
 * informational for advisory); only failures carry a level (critical and
 * high: error, medium: warning, low: note), as SARIF requires. The location
 * is the scenario file line and column of the fact that decided, plus the
 * entity as a logical location. A waived finding is a failure with an
 * accepted external suppression; an expired waiver is a rejected one, so
 * the failure shows. With a baseline, every result has a baselineState and
 * baseline-only findings are listed as absent.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"

#include "faceaudit/xmalloc.h"

static const char *
level_of(enum rule_severity s)
{
    return s >= RULE_SEV_HIGH ? "error" : s == RULE_SEV_MEDIUM ? "warning" : "note";
}

static const char *
kind_of(enum rule_outcome oc)
{
    switch (oc) {
    case RULE_PASS: return "pass";
    case RULE_NA: return "notApplicable";
    case RULE_NEEDS_EVIDENCE: return "review";
    case RULE_ADVISORY: return "informational";
    case RULE_FAIL:
    case RULE_WAIVED:
    default: return "fail";
    }
}

/* Append a relative path as a URI reference (RFC 3986: unreserved and '/' kept). */
static void
uri_str(struct strbuf *sb, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";

    strbuf_putc(sb, '"');
    for (; *path != '\0'; path++) {
        unsigned char c = (unsigned char)*path;

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("-._~/", c) != NULL)
            strbuf_putc(sb, (char)c);
        else
            strbuf_printf(sb, "%%%c%c", hex[c >> 4], hex[c & 15]);
    }
    strbuf_putc(sb, '"');
}

static void
sarif_begin(struct report_out *o)
{
    const struct report_input *in = o->in;
    const struct audit_result *res = in->res;
    struct strbuf *sb = &o->sb;
    size_t i, n = rule_pack_nrules(in->pack);
    char d[11];

    strbuf_puts(sb, "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
        "  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"tool\": {\"driver\": {"
        "\"name\": \"faceaudit\", \"version\": \"" PACKAGE_VERSION "\", "
        "\"semanticVersion\": \"" PACKAGE_VERSION "\",\n        \"rules\": [\n");
    for (i = 0; i < n; i++) {
        const struct rule *r = rule_pack_rule(in->pack, i);
        const char *ct = rule_pack_clause_text(in->pack, rule_clause(r));
        const struct rule_article_info *ai = rule_pack_article(in->pack, rule_article(r));
        char *full = xasprintf("Art. %s: %s", rule_clause(r), ct != NULL ? ct :
            rule_title(r));

        strbuf_puts(sb, "          {\"id\": ");
        report_json_str(sb, rule_id(r));
        strbuf_puts(sb, ", \"shortDescription\": {\"text\": ");
        report_json_str(sb, rule_title(r));
        strbuf_puts(sb, "}, \"fullDescription\": {\"text\": ");
        report_json_str(sb, full);
        strbuf_puts(sb, "}, \"help\": {\"text\": ");
        report_json_str(sb, rule_remedy(r));
        strbuf_printf(sb, "}, \"defaultConfiguration\": {\"level\": \"%s\"}, "
            "\"properties\": {\"clause\": ", level_of(rule_severity(r)));
        report_json_str(sb, rule_clause(r));
        strbuf_puts(sb, ", \"basis\": ");
        report_json_str(sb, rule_basis(r));
        strbuf_printf(sb, ", \"article\": %d, \"severity\": \"%s\", \"waivable\": %s, "
            "\"weight\": %d, \"article_title_zh\": ", rule_article(r),
            rule_severity_name(rule_severity(r)), rule_waivable(r) ? "true" : "false",
            rule_severity_weight(rule_severity(r)));
        report_json_str(sb, ai != NULL ? ai->title_zh : NULL);
        strbuf_printf(sb, ", \"tags\": [\"article-%d\", \"%s\"]}}%s\n", rule_article(r),
            rule_severity_name(rule_severity(r)), i + 1 < n ? "," : "");
        free(full);
    }
    date_format(res->as_of, d);
    strbuf_puts(sb, "        ]\n      }},\n      \"automationDetails\": {\"id\": ");
    {
        char *id = xasprintf("faceaudit/audit/%s/%s", in->meta->scenario_id, d);

        report_json_str(sb, id);
        free(id);
    }
    if (res->no_score != NULL) {  /* no score and no grade: nulls and the reason */
        strbuf_printf(sb, "},\n      \"invocations\": [{\"executionSuccessful\": true}],\n"
            "      \"properties\": {\"as_of\": \"%s\", \"score\": null, "
            "\"score_without_waivers\": null, \"grade\": null, \"grade_without_waivers\": null, "
            "\"critical_failure\": false, \"no_score\": ", d);
        report_json_str(sb, res->no_score);
        strbuf_puts(sb, ", \"scenario_sha256\": ");
    } else {
        strbuf_printf(sb, "},\n      \"invocations\": [{\"executionSuccessful\": true}],\n"
            "      \"properties\": {\"as_of\": \"%s\", \"score\": %.2f, "
            "\"score_without_waivers\": %.2f, \"grade\": \"%c\", \"grade_without_waivers\": "
            "\"%c\", \"critical_failure\": %s, \"scenario_sha256\": ", d, res->score,
            res->score_no_waivers, res->grade, res->grade_no_waivers,
            res->critical_failure ? "true" : "false");
    }
    report_json_str(sb, in->meta->scenario_hash);
    strbuf_puts(sb, ", \"rule_pack_sha256\": ");
    report_json_str(sb, rule_pack_hash(in->pack));
    strbuf_puts(sb, ", \"calendar_version\": ");
    report_json_str(sb, in->meta->calendar_version);
    strbuf_puts(sb, ", \"readings\": [");
    for (i = 0; i < res->nreadings; i++) {
        char *rd = xasprintf("%s=%s", res->readings[i].name, res->readings[i].alt);

        if (i > 0)
            strbuf_puts(sb, ", ");
        report_json_str(sb, rd);
        free(rd);
    }
    strbuf_putc(sb, ']');
    if (in->baseline != NULL) {
        strbuf_puts(sb, ", \"baseline\": ");
        report_json_str(sb, in->baseline->base->label);
    }
    strbuf_puts(sb, "},\n      \"results\": [");
}

static size_t
rule_index(const struct rule_pack *pack, const struct rule *r)
{
    size_t i, n = rule_pack_nrules(pack);

    for (i = 0; i < n; i++)
        if (rule_pack_rule(pack, i) == r)
            return i;
    return 0;
}

static void
sarif_result_open(struct report_out *o)
{
    strbuf_puts(&o->sb, o->first ? "\n        {" : ",\n        {");
    o->first = false;
}

static void
sarif_finding(struct report_out *o, const struct audit_finding *fd, size_t index)
{
    struct strbuf *sb = &o->sb;
    const struct audit_fact *df = report_decisive_fact(fd);
    const struct waiver *wv;
    enum report_waiver_state ws = report_finding_waiver(o, fd, &wv);
    enum report_bl bl = report_finding_bl(o, index);
    char *text;
    size_t i;

    sarif_result_open(o);
    strbuf_puts(sb, "\"ruleId\": ");
    report_json_str(sb, fd->rule_id);
    strbuf_printf(sb, ", \"ruleIndex\": %zu, \"kind\": \"%s\"", rule_index(o->in->pack,
        fd->rule), kind_of(fd->outcome));
    strbuf_printf(sb, ", \"level\": \"%s\"", fd->outcome == RULE_FAIL ||
        fd->outcome == RULE_WAIVED ? level_of(fd->severity) : "none");
    text = xasprintf("%s%s%s%s%s", fd->message != NULL ? fd->message : rule_title(fd->rule),
        fd->reason != NULL ? " (" : "", fd->reason != NULL ? fd->reason : "",
        fd->reason != NULL ? ")" : "", ws == REPORT_WAIVER_EXPIRED ?
        " [waiver expired: counts as a failure]" : "");
    strbuf_puts(sb, ", \"message\": {\"text\": ");
    report_json_str(sb, text);
    free(text);
    strbuf_puts(sb, "}, \"locations\": [{");
    if (df != NULL) {
        strbuf_puts(sb, "\"physicalLocation\": {\"artifactLocation\": {\"uri\": ");
        uri_str(sb, df->file);
        strbuf_printf(sb, "}, \"region\": {\"startLine\": %u", df->line);
        if (df->col > 0)
            strbuf_printf(sb, ", \"startColumn\": %u", df->col);
        strbuf_puts(sb, "}}, ");
    }
    strbuf_puts(sb, "\"logicalLocations\": [{\"name\": ");
    report_json_str(sb, fd->entity != NULL ? fd->entity : o->in->meta->scenario_id);
    strbuf_printf(sb, ", \"kind\": \"%s\"}]}]", fd->entity != NULL ? "object" : "module");
    strbuf_puts(sb, ", \"partialFingerprints\": {\"faceauditInstance/v1\": ");
    text = xasprintf("%s/%s", fd->rule_id, fd->entity != NULL ? fd->entity : "-");
    report_json_str(sb, text);
    free(text);
    strbuf_putc(sb, '}');
    if (ws == REPORT_WAIVER_ACTIVE || ws == REPORT_WAIVER_EXPIRED) {
        char e[11];

        date_format(wv != NULL ? wv->expiry : FA_DATE_NONE, e);
        text = xasprintf("%s (author %s, approver %s, expires %s)", wv != NULL ?
            wv->justification : fd->waiver, wv != NULL ? wv->author : "?",
            wv != NULL ? wv->approver : "?", wv != NULL ? e : "?");
        strbuf_printf(sb, ", \"suppressions\": [{\"kind\": \"external\", \"status\": \"%s\", "
            "\"justification\": ", ws == REPORT_WAIVER_ACTIVE ? "accepted" : "rejected");
        report_json_str(sb, text);
        free(text);
        if (wv != NULL && wv->where != NULL) {
            struct report_loc wl;

            if (report_loc_parse(wv->where, &wl) || (strchr(wv->where, ':') != NULL)) {
                char file[1024];
                const char *c = strrchr(wv->where, ':');
                size_t len = (size_t)(c - wv->where);

                if (len >= sizeof file)
                    len = sizeof file - 1;
                memcpy(file, wv->where, len);
                file[len] = '\0';
                strbuf_puts(sb, ", \"location\": {\"physicalLocation\": {\"artifactLocation\": "
                    "{\"uri\": ");
                uri_str(sb, file);
                strbuf_printf(sb, "}, \"region\": {\"startLine\": %lu}}}",
                    strtoul(c + 1, NULL, 10) > 0 ? strtoul(c + 1, NULL, 10) : 1UL);
            }
        }
        strbuf_puts(sb, "}]");
    }
    if (bl != REPORT_BL_NONE)
        strbuf_printf(sb, ", \"baselineState\": \"%s\"", report_bl_name(bl));
    strbuf_printf(sb, ", \"properties\": {\"outcome\": \"%s\", \"severity\": \"%s\", "
        "\"clause\": ", rule_outcome_name(fd->outcome), rule_severity_name(fd->severity));
    report_json_str(sb, fd->clause);
    strbuf_puts(sb, ", \"basis\": ");
    report_json_str(sb, rule_basis(fd->rule));
    strbuf_printf(sb, ", \"waiver\": \"%s\", \"facts\": [",
        ws == REPORT_WAIVER_ACTIVE ? "active" : ws == REPORT_WAIVER_EXPIRED ? "expired" :
        ws == REPORT_WAIVER_PENDING ? "not_yet_in_force" : "none");
    for (i = 0; i < fd->nfacts; i++) {
        struct report_fact v;

        report_fact_view(&fd->facts[i], &v);
        strbuf_puts(sb, i > 0 ? ", {\"path\": " : "{\"path\": ");
        report_json_str(sb, v.path);
        strbuf_puts(sb, ", \"value\": ");
        report_json_str(sb, fd->facts[i].value);
        strbuf_puts(sb, ", \"where\": ");
        report_json_str(sb, v.where[0] != '\0' ? v.where : NULL);
        strbuf_putc(sb, '}');
    }
    strbuf_puts(sb, "]}}");
}

static void
sarif_end(struct report_out *o)
{
    const struct report_baseline *bl = o->in->baseline;
    struct strbuf *sb = &o->sb;
    size_t i;

    for (i = 0; bl != NULL && i < bl->nabsent; i++) {
        const struct report_item *it = bl->absent[i];
        const struct rule *r = rule_pack_find(o->in->pack, it->rule);
        char *text = xasprintf("%s%s%s: no longer evaluated (was %s)", it->rule,
            it->entity != NULL ? " on " : "", it->entity != NULL ? it->entity : "", it->outcome);

        sarif_result_open(o);
        strbuf_puts(sb, "\"ruleId\": ");
        report_json_str(sb, it->rule);
        if (r != NULL)
            strbuf_printf(sb, ", \"ruleIndex\": %zu", rule_index(o->in->pack, r));
        strbuf_puts(sb, ", \"kind\": \"notApplicable\", \"level\": \"none\", \"message\": "
            "{\"text\": ");
        report_json_str(sb, text);
        free(text);
        strbuf_puts(sb, "}, \"locations\": [{\"logicalLocations\": [{\"name\": ");
        report_json_str(sb, it->entity != NULL ? it->entity : o->in->meta->scenario_id);
        strbuf_puts(sb, "}]}], \"baselineState\": \"absent\", \"properties\": {\"outcome\": ");
        report_json_str(sb, it->outcome);
        strbuf_puts(sb, "}}");
    }
    strbuf_puts(sb, "\n      ]\n    }\n  ]\n}\n");
}

const struct report_writer report_sarif_writer = {
    "sarif", "SARIF 2.1.0: rules, results with locations, suppressions, baselineState",
    "sarif", sarif_begin, NULL, sarif_finding, sarif_end
};
