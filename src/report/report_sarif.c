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

#include "faceaudit/jsonw.h"

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

/* key: {"text": s} */
static void
text_object(struct jw *w, const char *key, const char *s)
{
    jw_key(w, key);
    jw_object(w, JW_INLINE);
    jw_kstr(w, "text", s);
    jw_object_end(w);
}

/* key: a URI reference of a relative path (RFC 3986: unreserved and '/' kept). */
static void
uri(struct jw *w, const char *key, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    struct strbuf u;

    strbuf_init(&u);
    for (; *path != '\0'; path++) {
        unsigned char c = (unsigned char)*path;

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("-._~/", c) != NULL)
            strbuf_putc(&u, (char)c);
        else
            strbuf_printf(&u, "%%%c%c", hex[c >> 4], hex[c & 15]);
    }
    jw_kstr(w, key, strbuf_str(&u));
    strbuf_done(&u);
}

/* key: {"physicalLocation": {"artifactLocation": {"uri": file}, "region": {...}}} */
static void
physical(struct jw *w, const char *key, const char *file, unsigned long line, unsigned col)
{
    jw_key(w, key);
    jw_object(w, JW_INLINE);
    jw_key(w, "artifactLocation");
    jw_object(w, JW_INLINE);
    uri(w, "uri", file);
    jw_object_end(w);
    jw_key(w, "region");
    jw_object(w, JW_INLINE);
    jw_kuint(w, "startLine", line);
    if (col > 0)
        jw_kuint(w, "startColumn", col);
    jw_object_end(w);
    jw_object_end(w);
}

static void
sarif_begin(struct report_out *o)
{
    const struct report_input *in = o->in;
    const struct audit_result *res = in->res;
    struct strbuf *sb = &o->sb;
    size_t i, n = rule_pack_nrules(in->pack);
    struct jw w;
    char d[11], grade[2] = "", *tag;

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

        strbuf_puts(sb, "          ");
        jw_init(&w, sb, JW_SPACED);
        jw_object(&w, JW_INLINE);
        jw_kstr(&w, "id", rule_id(r));
        text_object(&w, "shortDescription", rule_title(r));
        text_object(&w, "fullDescription", full);
        text_object(&w, "help", rule_remedy(r));
        jw_key(&w, "defaultConfiguration");
        jw_object(&w, JW_INLINE);
        jw_kstr(&w, "level", level_of(rule_severity(r)));
        jw_object_end(&w);
        jw_key(&w, "properties");
        jw_object(&w, JW_INLINE);
        jw_kstr(&w, "clause", rule_clause(r));
        jw_kstr(&w, "basis", rule_basis(r));
        jw_kint(&w, "article", rule_article(r));
        jw_kstr(&w, "severity", rule_severity_name(rule_severity(r)));
        jw_kbool(&w, "waivable", rule_waivable(r));
        jw_kint(&w, "weight", rule_severity_weight(rule_severity(r)));
        jw_kstr(&w, "article_title_zh", ai != NULL ? ai->title_zh : NULL);
        jw_key(&w, "tags");
        jw_array(&w, JW_INLINE);
        tag = xasprintf("article-%d", rule_article(r));
        jw_str(&w, tag);
        free(tag);
        jw_str(&w, rule_severity_name(rule_severity(r)));
        jw_array_end(&w);
        jw_object_end(&w);
        jw_object_end(&w);
        strbuf_puts(sb, i + 1 < n ? ",\n" : "\n");
        free(full);
    }
    date_format(res->as_of, d);
    strbuf_puts(sb, "        ]\n      }},\n      \"automationDetails\": ");
    jw_init(&w, sb, JW_SPACED);
    jw_object(&w, JW_INLINE);
    tag = xasprintf("faceaudit/audit/%s/%s", in->meta->scenario_id, d);
    jw_kstr(&w, "id", tag);
    free(tag);
    jw_object_end(&w);
    strbuf_puts(sb, ",\n      \"invocations\": [{\"executionSuccessful\": true}],\n"
        "      \"properties\": ");
    jw_init(&w, sb, JW_SPACED);
    jw_object(&w, JW_INLINE);
    jw_kstr(&w, "as_of", d);
    if (res->no_score != NULL) {  /* no score and no grade: nulls and the reason */
        jw_kstr(&w, "score", NULL);
        jw_kstr(&w, "score_without_waivers", NULL);
        jw_kstr(&w, "grade", NULL);
        jw_kstr(&w, "grade_without_waivers", NULL);
        jw_kbool(&w, "critical_failure", false);
        jw_kstr(&w, "no_score", res->no_score);
    } else {
        jw_kfixed(&w, "score", res->score, 2);
        jw_kfixed(&w, "score_without_waivers", res->score_no_waivers, 2);
        grade[0] = res->grade;
        jw_kstr(&w, "grade", grade);
        grade[0] = res->grade_no_waivers;
        jw_kstr(&w, "grade_without_waivers", grade);
        jw_kbool(&w, "critical_failure", res->critical_failure);
    }
    jw_kstr(&w, "scenario_sha256", in->meta->scenario_hash);
    jw_kstr(&w, "rule_pack_sha256", rule_pack_hash(in->pack));
    jw_kstr(&w, "calendar_version", in->meta->calendar_version);
    jw_key(&w, "readings");
    jw_array(&w, JW_INLINE);
    for (i = 0; i < res->nreadings; i++) {
        tag = xasprintf("%s=%s", res->readings[i].name, res->readings[i].alt);
        jw_str(&w, tag);
        free(tag);
    }
    jw_array_end(&w);
    if (in->baseline != NULL)
        jw_kstr(&w, "baseline", in->baseline->base->label);
    jw_object_end(&w);
    strbuf_puts(sb, ",\n      \"results\": [");
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

/* Start a result object on its own line (o->first: the first result). */
static void
sarif_result_open(struct report_out *o, struct jw *w)
{
    strbuf_puts(&o->sb, o->first ? "\n        " : ",\n        ");
    o->first = false;
    jw_init(w, &o->sb, JW_SPACED);
    jw_object(w, JW_INLINE);
}

/* A logical location: [{"name": name, "kind": kind}] (kind NULL: none). */
static void
logical(struct jw *w, const char *name, const char *kind)
{
    jw_key(w, "logicalLocations");
    jw_array(w, JW_INLINE);
    jw_object(w, JW_INLINE);
    jw_kstr(w, "name", name);
    if (kind != NULL)
        jw_kstr(w, "kind", kind);
    jw_object_end(w);
    jw_array_end(w);
}

/* The suppression of a finding under an active or expired waiver. */
static void
suppression(struct jw *w, const struct audit_finding *fd, const struct waiver *wv,
    enum report_waiver_state ws)
{
    char e[11], *text;

    date_format(wv != NULL ? wv->expiry : FA_DATE_NONE, e);
    text = xasprintf("%s (author %s, approver %s, expires %s)", wv != NULL ?
        wv->justification : fd->waiver, wv != NULL ? wv->author : "?",
        wv != NULL ? wv->approver : "?", wv != NULL ? e : "?");
    jw_key(w, "suppressions");
    jw_array(w, JW_INLINE);
    jw_object(w, JW_INLINE);
    jw_kstr(w, "kind", "external");
    jw_kstr(w, "status", ws == REPORT_WAIVER_ACTIVE ? "accepted" : "rejected");
    jw_kstr(w, "justification", text);
    free(text);
    if (wv != NULL && wv->where != NULL && strchr(wv->where, ':') != NULL) {
        char file[1024];
        const char *c = strrchr(wv->where, ':');
        size_t len = (size_t)(c - wv->where);

        if (len >= sizeof file)
            len = sizeof file - 1;
        memcpy(file, wv->where, len);
        file[len] = '\0';
        jw_key(w, "location");
        jw_object(w, JW_INLINE);
        physical(w, "physicalLocation", file, strtoul(c + 1, NULL, 10) > 0 ?
            strtoul(c + 1, NULL, 10) : 1UL, 0);
        jw_object_end(w);
    }
    jw_object_end(w);
    jw_array_end(w);
}

static void
sarif_finding(struct report_out *o, const struct audit_finding *fd, size_t index)
{
    const struct audit_fact *df = report_decisive_fact(fd);
    const struct waiver *wv;
    enum report_waiver_state ws = report_finding_waiver(o, fd, &wv);
    enum report_bl bl = report_finding_bl(o, index);
    struct jw w;
    char *text;
    size_t i;

    sarif_result_open(o, &w);
    jw_kstr(&w, "ruleId", fd->rule_id);
    jw_kuint(&w, "ruleIndex", rule_index(o->in->pack, fd->rule));
    jw_kstr(&w, "kind", kind_of(fd->outcome));
    jw_kstr(&w, "level", fd->outcome == RULE_FAIL || fd->outcome == RULE_WAIVED ?
        level_of(fd->severity) : "none");
    text = xasprintf("%s%s%s%s%s", fd->message != NULL ? fd->message : rule_title(fd->rule),
        fd->reason != NULL ? " (" : "", fd->reason != NULL ? fd->reason : "",
        fd->reason != NULL ? ")" : "", ws == REPORT_WAIVER_EXPIRED ?
        " [waiver expired: counts as a failure]" : "");
    text_object(&w, "message", text);
    free(text);
    jw_key(&w, "locations");
    jw_array(&w, JW_INLINE);
    jw_object(&w, JW_INLINE);
    if (df != NULL)
        physical(&w, "physicalLocation", df->file, df->line, df->col);
    logical(&w, fd->entity != NULL ? fd->entity : o->in->meta->scenario_id,
        fd->entity != NULL ? "object" : "module");
    jw_object_end(&w);
    jw_array_end(&w);
    jw_key(&w, "partialFingerprints");
    jw_object(&w, JW_INLINE);
    text = xasprintf("%s/%s", fd->rule_id, fd->entity != NULL ? fd->entity : "-");
    jw_kstr(&w, "faceauditInstance/v1", text);
    free(text);
    jw_object_end(&w);
    if (ws == REPORT_WAIVER_ACTIVE || ws == REPORT_WAIVER_EXPIRED)
        suppression(&w, fd, wv, ws);
    if (bl != REPORT_BL_NONE)
        jw_kstr(&w, "baselineState", report_bl_name(bl));
    jw_key(&w, "properties");
    jw_object(&w, JW_INLINE);
    jw_kstr(&w, "outcome", rule_outcome_name(fd->outcome));
    jw_kstr(&w, "severity", rule_severity_name(fd->severity));
    jw_kstr(&w, "clause", fd->clause);
    jw_kstr(&w, "basis", rule_basis(fd->rule));
    jw_kstr(&w, "waiver", ws == REPORT_WAIVER_ACTIVE ? "active" : ws == REPORT_WAIVER_EXPIRED ?
        "expired" : ws == REPORT_WAIVER_PENDING ? "not_yet_in_force" : "none");
    jw_key(&w, "facts");
    jw_array(&w, JW_INLINE);
    for (i = 0; i < fd->nfacts; i++) {
        struct report_fact v;

        report_fact_view(&fd->facts[i], &v);
        jw_object(&w, JW_INLINE);
        jw_kstr(&w, "path", v.path);
        jw_kstr(&w, "value", fd->facts[i].value);
        jw_kstr(&w, "where", v.where[0] != '\0' ? v.where : NULL);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    jw_object_end(&w);
    jw_object_end(&w);
}

static void
sarif_end(struct report_out *o)
{
    const struct report_baseline *bl = o->in->baseline;
    struct jw w;
    size_t i;

    for (i = 0; bl != NULL && i < bl->nabsent; i++) {
        const struct report_item *it = bl->absent[i];
        const struct rule *r = rule_pack_find(o->in->pack, it->rule);
        char *text = xasprintf("%s%s%s: no longer evaluated (was %s)", it->rule,
            it->entity != NULL ? " on " : "", it->entity != NULL ? it->entity : "", it->outcome);

        sarif_result_open(o, &w);
        jw_kstr(&w, "ruleId", it->rule);
        if (r != NULL)
            jw_kuint(&w, "ruleIndex", rule_index(o->in->pack, r));
        jw_kstr(&w, "kind", "notApplicable");
        jw_kstr(&w, "level", "none");
        text_object(&w, "message", text);
        free(text);
        jw_key(&w, "locations");
        jw_array(&w, JW_INLINE);
        jw_object(&w, JW_INLINE);
        logical(&w, it->entity != NULL ? it->entity : o->in->meta->scenario_id, NULL);
        jw_object_end(&w);
        jw_array_end(&w);
        jw_kstr(&w, "baselineState", "absent");
        jw_key(&w, "properties");
        jw_object(&w, JW_INLINE);
        jw_kstr(&w, "outcome", it->outcome);
        jw_object_end(&w);
        jw_object_end(&w);
    }
    strbuf_puts(&o->sb, "\n      ]\n    }\n  ]\n}\n");
}

const struct report_writer report_sarif_writer = {
    "sarif", "SARIF 2.1.0: rules, results with locations, suppressions, baselineState",
    "sarif", sarif_begin, NULL, sarif_finding, sarif_end
};
