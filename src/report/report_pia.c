/* SPDX-License-Identifier: MIT */
/*
 * report_pia.c - the personal-information protection impact assessment
 * record that Art. 9 of the Measures requires before face processing,
 * prefilled from the scenario's facts and, when given, an audit: context,
 * why an assessment is needed, necessity and proportionality with an
 * evaluation per principle, a risk register with likelihood and severity
 * before and after the measures in place (ICO scales: remote / possible /
 * probable, minimal / significant / severe), the measures and an action
 * plan (one action per failing or unevidenced rule, with its remedy),
 * sign-off fields and housekeeping (prepared, review due, retain until).
 * Rendered in Markdown or HTML through the shared document model
 * (report_doc.c), the same pipeline as the audit deliverable.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"

#include "faceaudit/compat.h"
#include "faceaudit/scenario.h"
#include "faceaudit/xmalloc.h"

/*
 * The record is written through the document model every deliverable uses
 * (report_doc.c): headings, paragraphs and tables once for both formats.
 */
struct doc {
    struct report_out o;  /* the output doc_* write into (o.sb) */
    struct report_doc rd;
    bool html;
    size_t ncols;
};

static void
heading(struct doc *d, int level, const char *s)
{
    struct strbuf *sb = &d->o.sb;

    /* Markdown: doc_heading starts with a blank line; the document does not,
     * and the record's blocks end with one already */
    if (!d->html && sb->len == 0) {
        strbuf_printf(sb, "%.*s ", level, "####");
        doc_put(&d->rd, s);
        strbuf_puts(sb, "\n\n");
        return;
    }
    if (!d->html && sb->len >= 2 && strcmp(sb->buf + sb->len - 2, "\n\n") == 0)
        sb->buf[--sb->len] = '\0';
    doc_heading(&d->rd, level, NULL, s);
}

static void
para(struct doc *d, const char *s)
{
    doc_para_begin(&d->rd, NULL);
    doc_put(&d->rd, s);
    doc_para_end(&d->rd);
}

/* cols: NULL-terminated column heads. */
static void
table_begin(struct doc *d, const char *const *cols)
{
    for (d->ncols = 0; cols[d->ncols] != NULL; d->ncols++)
        ;
    doc_table_begin(&d->rd, NULL, cols, d->ncols);
}

static void
table_row(struct doc *d, const char *const *cells)
{
    doc_table_row(&d->rd, cells, d->ncols);
}

static void
table_end(struct doc *d)
{
    doc_table_end(&d->rd);
}

/* --- facts ------------------------------------------------------------------------- */

/* Formatted deployment fact, "unknown" when not known (caller frees). */
static char *
fact(const struct scenario *sc, const char *path)
{
    struct fact_value fv;

    if (scenario_get(scenario_deployment(sc), path, &fv, NULL) != 0 || fv.state != FACT_KNOWN)
        return xstrdup("unknown");
    return scenario_value_format(&fv);
}

/* 1 true, 0 false, -1 unknown. */
static int
flag(const struct scenario *sc, const char *path)
{
    struct fact_value fv;

    if (scenario_get(scenario_deployment(sc), path, &fv, NULL) != 0 || fv.state != FACT_KNOWN)
        return -1;
    return fv.v.b ? 1 : 0;
}

static const char *
enum_fact(const struct scenario *sc, const char *path)
{
    struct fact_value fv;

    if (scenario_get(scenario_deployment(sc), path, &fv, NULL) != 0 || fv.state != FACT_KNOWN ||
        fv.def == NULL || fv.def->type != FACT_ENUM)
        return NULL;
    return fv.def->values[fv.v.e];
}

static int64_t
int_fact(const struct scenario *sc, const char *path, int64_t dflt)
{
    struct fact_value fv;

    if (scenario_get(scenario_deployment(sc), path, &fv, NULL) != 0 || fv.state != FACT_KNOWN)
        return dflt;
    return fv.v.i;
}

/* --- evaluations from the audit ---------------------------------------------------- */

/* "acceptable", "needs improvement", "unacceptable" or "to assess" for an article. */
static const char *
article_eval(const struct report_pia_opts *o, int article)
{
    const struct audit_article *a;

    if (o->res == NULL || article < 1 || article > RULE_NARTICLES)
        return "to assess (no audit given)";
    a = &o->res->articles[article - 1];
    if (a->counts[RULE_FAIL] > 0)
        return "unacceptable";
    if (a->counts[RULE_NEEDS_EVIDENCE] > 0 || a->counts[RULE_WAIVED] > 0 ||
        a->counts[RULE_ADVISORY] > 0)
        return "needs improvement";
    if (a->outcome == RULE_NA)
        return "not applicable";
    return "acceptable";
}

/* --- risks ------------------------------------------------------------------------- */

static const char *const likelihood_name[] = { "remote", "possible", "probable" };
static const char *const severity_name[] = { "minimal", "significant", "severe" };
static const char *const overall_name[] = { "low", "medium", "high" };

struct risk {
    const char *event;
    int l0, s0;                 /* inherent likelihood and severity, 0..2 */
    const char *const *measures; /* boolean fact paths, NULL-terminated */
    const char *articles;
};

static int
overall(int l, int s)
{
    int p = (l + 1) * (s + 1); /* 1..9 */

    return p >= 6 ? 2 : p >= 3 ? 1 : 0;
}

static void
risk_row(struct doc *d, const struct scenario *sc, const struct risk *r)
{
    struct strbuf m;
    int inplace = 0, total = 0, l1, k;
    char l0s[48], l1s[48];
    const char *cells[7];

    strbuf_init(&m);
    for (k = 0; r->measures[k] != NULL; k++) {
        int f = flag(sc, r->measures[k]);
        const char *name = strrchr(r->measures[k], '.');

        total++;
        inplace += f == 1;
        strbuf_printf(&m, "%s%s: %s", k > 0 ? "; " : "", name != NULL ? name + 1 :
            r->measures[k], f == 1 ? "yes" : f == 0 ? "no" : "unknown");
    }
    /* each half of the measures in place lowers the likelihood one step */
    l1 = r->l0 - (total > 0 ? (2 * inplace) / total : 0);
    if (l1 < 0)
        l1 = 0;
    snprintf(l0s, sizeof l0s, "%s x %s = %s", likelihood_name[r->l0], severity_name[r->s0],
        overall_name[overall(r->l0, r->s0)]);
    snprintf(l1s, sizeof l1s, "%s x %s = %s", likelihood_name[l1], severity_name[r->s0],
        overall_name[overall(l1, r->s0)]);
    cells[0] = r->event;
    cells[1] = l0s;
    cells[2] = strbuf_str(&m);
    cells[3] = l1s;
    cells[4] = r->articles;
    cells[5] = inplace == total ? "accept residual risk" : "reduce: complete the measures";
    cells[6] = NULL;
    table_row(d, cells);
    strbuf_done(&m);
}

static void
risks(struct doc *d, const struct scenario *sc)
{
    static const char *const m_leak[] = { "security.encryption_at_rest",
        "security.encryption_in_transit", "security.access_control",
        "security.intrusion_detection", "security.intrusion_prevention", NULL };
    static const char *const m_tamper[] = { "security.security_audit",
        "security.authorisation_management", "security.access_control", NULL };
    static const char *const m_consent[] = { "notice.given", "notice.before_capture",
        "consent.withdrawal_channel", "consent.records_kept", NULL };
    static const char *const m_minors[] = { "minors.guardian_consent", "minors.dedicated_rules",
        NULL };
    static const char *const m_retention[] = { "storage.auto_deletion", NULL };
    static const char *const m_alt[] = { "alternatives.offered_on_refusal",
        "alternatives.convenient", NULL };
    static const char *const cols[] = { "Feared event", "Inherent (likelihood x severity)",
        "Measures in place", "Residual", "Articles", "Decision", NULL };
    const char *loc = enum_fact(sc, "storage.location"), *form = enum_fact(sc,
        "storage.data_form"), *mode = enum_fact(sc, "mode");
    int64_t stored = int_fact(sc, "storage.stored_persons", -1);
    int remote_store = loc != NULL && (strcmp(loc, "public_cloud") == 0 ||
        strcmp(loc, "vendor") == 0);
    int internet = flag(sc, "storage.transmitted_over_internet") == 1;
    int big = stored < 0 || stored >= 100000;
    int raw = form == NULL || strcmp(form, "template") != 0;
    struct risk r;

    table_begin(d, cols);
    r = (struct risk){ "Face information leaked or illegally obtained, sold or used",
        remote_store || internet ? 2 : loc != NULL && strcmp(loc, "on_device") == 0 ? 0 : 1,
        big || raw ? 2 : 1, m_leak, "8, 14" };
    risk_row(d, sc, &r);
    r = (struct risk){ "Face information tampered with, lost or damaged", 1, big ? 2 : 1,
        m_tamper, "14" };
    risk_row(d, sc, &r);
    r = (struct risk){ "Faces processed without informed, separate consent", 1, 2, m_consent,
        "5, 6" };
    risk_row(d, sc, &r);
    if (flag(sc, "minors.processes_under_14") != 0) {
        r = (struct risk){ "Face information of children under 14 processed without guardian "
            "consent", 2, 2, m_minors, "7" };
        risk_row(d, sc, &r);
    }
    r = (struct risk){ "Face information kept longer than the purpose needs", 1, 1, m_retention,
        "8" };
    risk_row(d, sc, &r);
    r = (struct risk){ mode != NULL && strcmp(mode, "verification") == 0 ?
        "Person wrongly rejected (false non-match) and denied the service" :
        "Person misidentified or wrongly rejected and denied the service",
        mode != NULL && strcmp(mode, "verification") == 0 ? 1 : 2, 1, m_alt, "10, 12" };
    risk_row(d, sc, &r);
    table_end(d);
}

/* --- the record ---------------------------------------------------------------------- */

fa_date
report_pia_min_retention(fa_date d)
{
    /* as SQLite's date(d, '+3 years'): 29 February rolls over to 1 March */
    return date_add_years_rollover(d, REPORT_PIA_RETAIN_YEARS);
}

static void
kv(struct doc *d, const char *k, const char *v)
{
    const char *cells[3] = { k, v, NULL };

    table_row(d, cells);
}

static void
kv_fact(struct doc *d, const struct scenario *sc, const char *k, const char *path)
{
    char *v = fact(sc, path);

    kv(d, k, v);
    free(v);
}

char *
report_pia_render(const struct report_pia_opts *o)
{
    static const char *const kvcols[] = { "Item", "Value", NULL };
    static const char *const npcols[] = { "Principle", "Facts", "Evaluation", "Articles", NULL };
    static const char *const actcols[] = { "Rule", "Entity", "Outcome", "Action (remedy)",
        "Owner", "Deadline", NULL };
    static const char *const signcols[] = { "Role", "Name", "Decision or advice", "Date",
        "Signature", NULL };
    const struct scenario *sc = o->sc;
    struct scenario_entity *dep = scenario_deployment(sc);
    struct doc d;
    char prepared[11], retain[11], review[11], buf[256];
    char *name = fact(sc, "name"), *v1, *v2;
    size_t i, nact = 0;

    memset(&d, 0, sizeof d);
    strbuf_init(&d.o.sb);
    d.html = o->html;
    d.rd.o = &d.o;
    d.rd.html = d.html;
    date_format(o->prepared, prepared);
    date_format(o->retain_until, retain);
    date_format(o->review_due, review);
    if (d.html)
        strbuf_puts(&d.o.sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
            "\n<title>Impact assessment record</title>\n<style>@page{size:A4;margin:16mm 14mm}"
            "body{font-family:'Noto Sans CJK SC','DejaVu Sans',sans-serif;font-size:10.5pt;"
            "max-width:182mm;margin:0 auto}table{border-collapse:collapse;width:100%;"
            "margin:2mm 0}th,td{border:1px solid #bbb;padding:1mm 1.5mm;text-align:left;"
            "vertical-align:top}th{background:#eef2f7}h2{break-after:avoid;border-bottom:2px "
            "solid #1f5fa8}</style>\n</head>\n<body>\n");
    snprintf(buf, sizeof buf, "Personal information protection impact assessment: %s", name);
    heading(&d, 1, buf);
    para(&d, "Record of the impact assessment required by Art. 9 of the Measures for the "
        "Security Management of the Application of Facial Recognition Technology "
        "(\u4eba\u8138\u8bc6\u522b\u6280\u672f\u5e94\u7528\u5b89\u5168\u7ba1\u7406\u529e\u6cd5) "
        "before face information is processed. Prefilled by faceaudit from the deployment's "
        "facts; every prefilled value must be checked and the open fields completed by the "
        "handler.");
    table_begin(&d, kvcols);
    kv(&d, "Prepared", prepared);
    kv(&d, "Review due", review);
    kv(&d, "Retain until (at least 3 years, Art. 9)", retain);
    kv(&d, "Scenario", scenario_entity_id(dep));
    kv(&d, "Scenario file", scenario_path(sc));
    kv(&d, "Scenario SHA-256", scenario_hash(sc));
    if (o->res != NULL) {
        char as_of[11];

        date_format(o->res->as_of, as_of);
        if (o->res->no_score != NULL)
            snprintf(buf, sizeof buf, "as of %s: no score (%s)", as_of, o->res->no_score);
        else
            snprintf(buf, sizeof buf, "as of %s: score %.1f (%c) with waivers, %.1f (%c) "
                "without", as_of, o->res->score, o->res->grade, o->res->score_no_waivers,
                o->res->grade_no_waivers);
        kv(&d, "Audit", buf);
        kv(&d, "Rule pack SHA-256", rule_pack_hash(o->pack));
        if (o->res->nreadings > 0) {
            struct strbuf rb;

            strbuf_init(&rb);
            for (i = 0; i < o->res->nreadings; i++)
                strbuf_printf(&rb, "%s%s=%s", i > 0 ? ", " : "", o->res->readings[i].name,
                    o->res->readings[i].alt);
            kv(&d, "Readings applied (--reading NAME=ALT)", strbuf_str(&rb));
            strbuf_done(&rb);
        }
    } else {
        kv(&d, "Audit", "none attached (run with --audit RUN to prefill the evaluations)");
    }
    table_end(&d);

    heading(&d, 2, "1. Context");
    table_begin(&d, kvcols);
    kv_fact(&d, sc, "Processing", "name");
    kv_fact(&d, sc, "Description", "description");
    kv_fact(&d, sc, "Handler", "handler.name");
    kv_fact(&d, sc, "Contact", "handler.contact");
    kv_fact(&d, sc, "Province (filing authority)", "handler.province");
    kv_fact(&d, sc, "Purposes", "purposes");
    kv_fact(&d, sc, "Purpose statement", "purpose_statement");
    kv_fact(&d, sc, "Mode (1:1 verification, 1:N identification)", "mode");
    kv_fact(&d, sc, "Processing start", "processing_start");
    kv_fact(&d, sc, "Stored people", "storage.stored_persons");
    kv_fact(&d, sc, "Storage location", "storage.location");
    kv_fact(&d, sc, "Data stored", "storage.data_form");
    kv_fact(&d, sc, "Retention (days)", "storage.retention_days");
    kv_fact(&d, sc, "Transmitted over the Internet", "storage.transmitted_over_internet");
    snprintf(buf, sizeof buf, "%zu sites, %zu zones, %zu devices", scenario_count(sc,
        SCENARIO_SITE), scenario_count(sc, SCENARIO_ZONE), scenario_count(sc, SCENARIO_DEVICE));
    kv(&d, "Premises and devices", buf);
    kv(&d, "Processors and recipients", "(to complete: vendors, cloud providers, recipients)");
    table_end(&d);

    heading(&d, 2, "2. Why an assessment is needed");
    para(&d, "Face information is sensitive personal information (PIPL Arts. 28 and 55). Art. 9 "
        "of the Measures requires an impact assessment before processing, covering: whether "
        "the purpose and method are lawful, legitimate and necessary; the impact on "
        "individuals' rights and the effect of the measures that reduce it; the risk of the "
        "face information being leaked, tampered with, lost, damaged or illegally obtained, "
        "sold or used; and whether the protective measures are lawful, effective and "
        "proportionate. The assessment is redone when the purpose or method changes or after "
        "a major security incident.");

    heading(&d, 2, "3. Necessity and proportionality");
    table_begin(&d, npcols);
    {
        struct { const char *principle, *p1, *p2; int art; const char *arts; } np[] = {
            { "Specific purpose, sufficient necessity", "purpose_statement",
                "necessity.documented", 4, "4" },
            { "Less intrusive means considered", "necessity.less_intrusive_considered",
                "alternatives.non_facial_exists", 4, "4, 10" },
            { "Legal basis and consent", "legal_basis", "consent.type", 6, "6" },
            { "Notice before processing", "notice.given", "notice.items", 5, "5" },
            { "Minimisation and storage", "storage.data_form", "storage.location", 8, "8" },
            { "Retention limited to the purpose", "storage.retention_days",
                "storage.retention_needed_days", 8, "8" },
            { "Alternatives on refusal", "alternatives.offered_on_refusal",
                "alternatives.fr_only_way", 10, "10" },
            { "No misleading, fraud or coercion", "conduct.misleading_claims",
                "conduct.coercion", 12, "12" },
        };
        for (i = 0; i < FA_NITEMS(np); i++) {
            const char *cells[5];
            char *f;

            v1 = fact(sc, np[i].p1);
            v2 = fact(sc, np[i].p2);
            f = xasprintf("%s: %s; %s: %s", np[i].p1, v1, np[i].p2, v2);
            cells[0] = np[i].principle;
            cells[1] = f;
            cells[2] = article_eval(o, np[i].art);
            cells[3] = np[i].arts;
            cells[4] = NULL;
            table_row(&d, cells);
            free(f);
            free(v1);
            free(v2);
        }
    }
    table_end(&d);

    heading(&d, 2, "4. Risks before and after the measures");
    para(&d, "Likelihood: remote, possible, probable. Severity: minimal, significant, severe. "
        "Overall risk from their product: low, medium, high. Inherent risk is without "
        "measures; residual risk counts the measures the scenario records as in place.");
    risks(&d, sc);

    heading(&d, 2, "5. Measures and action plan");
    table_begin(&d, kvcols);
    kv_fact(&d, sc, "Encryption at rest", "security.encryption_at_rest");
    kv_fact(&d, sc, "Encryption in transit", "security.encryption_in_transit");
    kv_fact(&d, sc, "Security audit", "security.security_audit");
    kv_fact(&d, sc, "Access control", "security.access_control");
    kv_fact(&d, sc, "Authorisation management", "security.authorisation_management");
    kv_fact(&d, sc, "Intrusion detection / prevention", "security.intrusion_detection");
    kv_fact(&d, sc, "MLPS level", "security.mlps_level");
    kv_fact(&d, sc, "Automatic deletion", "storage.auto_deletion");
    table_end(&d);
    if (o->res != NULL) {
        /* one action per rule and outcome across devices, as in the audit report */
        struct report_groups *gs = report_groups_new(o->res, REPORT_MAX_RUNS);

        table_begin(&d, actcols);
        for (i = 0; i < gs->n; i++) {
            const struct audit_finding *fd = &gs->view.findings[i];
            const char *cells[7];

            if (fd->outcome != RULE_FAIL && fd->outcome != RULE_NEEDS_EVIDENCE)
                continue;
            cells[0] = fd->rule_id;
            cells[1] = fd->entity != NULL ? fd->entity : "-";
            cells[2] = rule_outcome_name(fd->outcome);
            cells[3] = fd->outcome == RULE_NEEDS_EVIDENCE ? fd->reason : rule_remedy(fd->rule);
            cells[4] = "";
            cells[5] = "";
            cells[6] = NULL;
            table_row(&d, cells);
            nact++;
        }
        table_end(&d);
        report_groups_free(gs);
        if (nact == 0)
            para(&d, "The audit found no failing or unevidenced rule: no action is open.");
    } else {
        para(&d, "No audit attached: list the actions with owner and deadline here.");
    }

    heading(&d, 2, "6. Sign-off");
    table_begin(&d, signcols);
    {
        static const char *const roles[] = { "Prepared by", "Personal information protection "
            "officer (advice)", "Measures approved by", "Residual risk accepted by",
            "Kept under review by", NULL };

        for (i = 0; roles[i] != NULL; i++) {
            const char *cells[6] = { roles[i], "", "", "", "", NULL };

            table_row(&d, cells);
        }
    }
    table_end(&d);
    para(&d, "If the officer's advice was not followed, record why. The approver of the "
        "residual risk should not be the person who prepared the assessment.");

    heading(&d, 2, "7. Housekeeping");
    snprintf(buf, sizeof buf, "Keep this record and the processing records until %s at least "
        "(three years, Art. 9). Review it by %s, and redo it when the purpose or method "
        "changes or after a major security incident.", retain, review);
    para(&d, buf);
    if (d.html)
        strbuf_puts(&d.o.sb, "</body>\n</html>\n");
    free(name);
    return strbuf_detach(&d.o.sb);
}
