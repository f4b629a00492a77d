/* SPDX-License-Identifier: MIT */
/*
 * report_deliver.c - the auditor's deliverable, in HTML (printable on A4,
 * self-contained) and Markdown from one document model: a cover (engagement,
 * auditor, handler, report and as-of dates, scope, readings applied), an
 * executive summary (score, grade, counts by severity, the top risks one
 * paragraph each), an action plan (remedies grouped across devices and
 * sites, ordered by severity and deadline), the findings by article with
 * passes and not-applicables folded into a count (expanded with --all), the
 * evidence index with hashes, the waivers, an appendix listing every device
 * of a group whose list was shortened, and a sign-off block. Outcomes are
 * written in words ("needs evidence"), never as identifiers. It renders the
 * grouped view (report_group.c), so its size follows rules and outcomes, not
 * devices. The HTML and Markdown primitives are report_doc.c's.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"

#include "faceaudit/compat.h"
#include "faceaudit/scenario.h"
#include "faceaudit/xmalloc.h"

/* Top risks in the summary, and the days to act on a finding by severity. */
#define TOP_RISKS 5
static const int act_days[] = {
    [RULE_SEV_LOW] = 180, [RULE_SEV_MEDIUM] = 90, [RULE_SEV_HIGH] = 30, [RULE_SEV_CRITICAL] = 0
};

static const char deliver_css[] =
    "@page{size:A4;margin:15mm 14mm}"
    "body{font-family:'Noto Sans CJK SC','Noto Sans SC','WenQuanYi Micro Hei','DejaVu Sans',"
    "sans-serif;font-size:9.5pt;color:#222;max-width:182mm;margin:0 auto;line-height:1.3}"
    "h1{font-size:19pt;margin:0 0 4mm}h2{font-size:13pt;border-bottom:2px solid #1f5fa8;"
    "padding-bottom:1mm;margin:5mm 0 2mm}h3{font-size:10.5pt;margin:3mm 0 1mm;"
    "break-after:avoid}"
    "table{border-collapse:collapse;width:100%;margin:1.5mm 0}"
    "th,td{border:1px solid #bbb;padding:0.8mm 1.2mm;text-align:left;vertical-align:top}"
    "th{background:#eef2f7}td.num{text-align:right}"
    ".cover{break-after:page}.page{break-before:page}"
    ".score{font-size:24pt;font-weight:bold}"
    ".f{border-left:4px solid #999;padding:0.5mm 2mm;margin:1.5mm 0;break-inside:avoid}"
    ".o0{border-left-color:#2e8b57}.o1{border-left-color:#c0392b}.o2{border-left-color:#aaa}"
    ".o3{border-left-color:#d4820f}.o4{border-left-color:#2e86c1}.o5{border-left-color:#7f8c8d}"
    ".small{font-size:8.5pt;color:#555}code{font-size:8.5pt;word-break:break-all}"
    ".ids{font-size:8pt;word-break:break-all}.sign td{height:14mm}";

/* --- words ------------------------------------------------------------------------- */

const char *
report_outcome_words(enum rule_outcome oc)
{
    static const char *const w[] = {
        [RULE_PASS] = "pass", [RULE_FAIL] = "fail", [RULE_NA] = "not applicable",
        [RULE_NEEDS_EVIDENCE] = "needs evidence", [RULE_ADVISORY] = "advisory",
        [RULE_WAIVED] = "waived",
    };
    return w[oc];
}

/* "fails", "needs evidence" ... as a verb phrase for "FRT-A13-4 fails on 3 of 10". */
static const char *
outcome_verb(enum rule_outcome oc, bool expired)
{
    static const char *const w[] = {
        [RULE_PASS] = "passes", [RULE_FAIL] = "fails", [RULE_NA] = "does not apply",
        [RULE_NEEDS_EVIDENCE] = "needs evidence", [RULE_ADVISORY] = "is advised",
        [RULE_WAIVED] = "is waived",
    };
    return expired ? "fails (waiver expired)" : w[oc];
}

static char *
fact_text(const struct scenario *sc, const char *path)
{
    struct fact_value fv;

    if (sc == NULL || scenario_get(scenario_deployment(sc), path, &fv, NULL) != 0 ||
        fv.state != FACT_KNOWN)
        return NULL;
    return scenario_value_format(&fv);
}

/* "on 412 of 1,000 devices" / "deployment-wide" for a group. */
static char *
coverage(const struct report_group *g, const struct audit_finding *first)
{
    char a[32], b[32];

    if (first->entity == NULL)
        return xstrdup("deployment-wide");
    report_count_str(g->n, a, sizeof a);
    report_count_str(g->of, b, sizeof b);
    return xasprintf("%s of %s instances: %s", a, b, g->ids_short);
}

static bool
needs_attention(enum rule_outcome oc)
{
    return oc == RULE_FAIL || oc == RULE_NEEDS_EVIDENCE || oc == RULE_WAIVED ||
        oc == RULE_ADVISORY;
}

/* Order of attention: fails first, then needs evidence, advisory, waived; by severity. */
static int
attention_rank(enum rule_outcome oc)
{
    switch (oc) {
    case RULE_FAIL: return 0;
    case RULE_NEEDS_EVIDENCE: return 1;
    case RULE_ADVISORY: return 2;
    case RULE_WAIVED: return 3;
    default: return 4;
    }
}

static const struct report_groups *sort_gs;

static int
cmp_risk(const void *pa, const void *pb)
{
    const struct audit_finding *a = &sort_gs->view.findings[*(const size_t *)pa];
    const struct audit_finding *b = &sort_gs->view.findings[*(const size_t *)pb];
    size_t na = sort_gs->g[*(const size_t *)pa].n, nb = sort_gs->g[*(const size_t *)pb].n;

    if (a->severity != b->severity)
        return a->severity > b->severity ? -1 : 1;
    if (attention_rank(a->outcome) != attention_rank(b->outcome))
        return attention_rank(a->outcome) - attention_rank(b->outcome);
    if (na != nb)
        return na > nb ? -1 : 1;
    return *(const size_t *)pa < *(const size_t *)pb ? -1 : 1;
}

/* The view's findings needing attention, most serious first; returns the count. */
static size_t
risks(const struct report_groups *gs, size_t *out)
{
    size_t k, n = 0;

    for (k = 0; k < gs->n; k++)
        if (needs_attention(gs->view.findings[k].outcome))
            out[n++] = k;
    sort_gs = gs;
    qsort(out, n, sizeof *out, cmp_risk);
    return n;
}

/* --- sections ------------------------------------------------------------------------ */

static void
cover(struct report_doc *d)
{
    const struct report_input *in = d->o->in;
    const struct audit_meta *m = in->meta;
    const struct report_deliverable *dv = in->deliv;
    const char *head[2] = { "", "" };
    char asof[11], rdate[11], scope[160], a[32], b[32], c[32];
    char *handler = fact_text(in->sc, "handler.name");
    const char *row[2];

    date_format(in->res->as_of, asof);
    if (d->html) {
        doc_raw(d, "<section class=\"cover\">\n<p class=\"small\">Audit against the Measures "
            "for the Security Management of the Application of Facial Recognition Technology "
            "(\u4eba\u8138\u8bc6\u522b\u6280\u672f\u5e94\u7528\u5b89\u5168\u7ba1\u7406\u529e"
            "\u6cd5)</p>\n");
    } else {
        doc_raw(d, "_Audit against the Measures for the Security Management of the Application of "
            "Facial Recognition Technology_\n\n");
    }
    doc_raw(d, d->html ? "<h1>" : "# ");
    doc_put(d, m->scenario_name != NULL ? m->scenario_name : m->scenario_id);
    doc_raw(d, d->html ? "</h1>\n" : "\n\n");
    if (d->html)
        doc_raw(d, "<table>\n");
    else
        doc_table_begin(d, NULL, head, 2);
#define ROW(k, v) (row[0] = (k), row[1] = (v), doc_table_row(d, row, 2))
    ROW("Engagement", dv != NULL && dv->engagement != NULL ? dv->engagement : "not given");
    ROW("Auditor", dv != NULL && dv->auditor != NULL ? dv->auditor : "not given");
    ROW("Handler", handler != NULL ? handler : "not stated in the scenario");
    if (dv != NULL && dv->report_date != FA_DATE_NONE) {
        date_format(dv->report_date, rdate);
        ROW("Report date", rdate);
    }
    ROW("Facts as of", asof);
    report_count_str(in->sc != NULL ? scenario_count(in->sc, SCENARIO_SITE) : 0, a, sizeof a);
    report_count_str(in->sc != NULL ? scenario_count(in->sc, SCENARIO_ZONE) : 0, b, sizeof b);
    report_count_str(in->sc != NULL ? scenario_count(in->sc, SCENARIO_DEVICE) : 0, c, sizeof c);
    snprintf(scope, sizeof scope, "deployment %s: %s sites, %s zones, %s devices",
        m->scenario_id, a, b, c);
    ROW("Scope", scope);
    if (in->res->no_score != NULL)
        ROW("No score", in->res->no_score);
    if (dv != NULL && dv->readings != NULL) {
        ROW("Readings applied", dv->readings);
    } else if (in->res->nreadings > 0) {
        struct strbuf rs;

        strbuf_init(&rs);
        for (size_t k = 0; k < in->res->nreadings; k++)
            strbuf_printf(&rs, "%s%s=%s%s", k > 0 ? "; " : "", in->res->readings[k].name,
                in->res->readings[k].alt, in->res->readings[k].literal ? " (default)" :
                " (alternative)");
        ROW("Readings applied", rs.buf);
        strbuf_done(&rs);
    } else {
        ROW("Readings applied", "the rule pack's default readings (the literal, stricter "
            "reading of each article)");
    }
    ROW("Scenario file", m->scenario_path);
    ROW("Scenario SHA-256", m->scenario_hash);
    ROW("Rule pack SHA-256", rule_pack_hash(in->pack));
    ROW("Working-day calendar", m->calendar_version);
    ROW("Waivers", m->waivers_file != NULL ? m->waivers_file : "none");
    ROW("Software", m->software);
#undef ROW
    doc_table_end(d);
    if (in->res->scope_note != NULL) {
        doc_para_begin(d, NULL);
        doc_bold(d, "Scope. ");
        doc_put(d, in->res->scope_note);
        doc_para_end(d);
    }
    if (d->html)
        doc_raw(d, "</section>\n");
    free(handler);
}

static void
summary(struct report_doc *d, const size_t *risk, size_t nrisk)
{
    const struct report_input *in = d->o->in;
    const struct audit_result *pd = in->groups->res;
    static const char *const head[] = { "Severity", "fail", "needs evidence", "advisory",
        "waived", "findings" };
    size_t cnt[4][RULE_NOUTCOMES], nfind[4], i, k;
    char buf[256], cells[6][32];
    const char *row[6];

    memset(cnt, 0, sizeof cnt);
    memset(nfind, 0, sizeof nfind);
    for (i = 0; i < pd->nfindings; i++)
        cnt[pd->findings[i].severity][pd->findings[i].outcome] +=
            pd->findings[i].ngroup > 0 ? pd->findings[i].ngroup : 1;
    for (k = 0; k < in->groups->n; k++)
        if (needs_attention(in->res->findings[k].outcome))
            nfind[in->res->findings[k].severity]++;
    doc_heading(d, 2, NULL, "Executive summary");
    doc_para_begin(d, NULL);
    if (in->res->no_score != NULL) {
        /* out of scope or before Art. 20's date: no score, and why, first */
        doc_bold(d, "No score");
        snprintf(buf, sizeof buf, ": %s (no score and no grade, with or without waivers). ",
            in->res->no_score);
        doc_put(d, buf);
    } else {
        snprintf(buf, sizeof buf, "Score %.1f of 100, grade %c", in->res->score,
            in->res->grade);
        doc_bold(d, buf);
        snprintf(buf, sizeof buf, " with waivers%s; without waivers %.1f, grade %c. ",
            in->res->critical_failure ? " (grade capped by a critical failure)" : "",
            in->res->score_no_waivers, in->res->grade_no_waivers);
        doc_put(d, buf);
    }
    snprintf(buf, sizeof buf, "Of %zu rule instances, %zu pass, %zu fail, %zu need evidence, "
        "%zu are advisory, %zu waived and %zu not applicable.", pd->nfindings,
        pd->counts[RULE_PASS], pd->counts[RULE_FAIL], pd->counts[RULE_NEEDS_EVIDENCE],
        pd->counts[RULE_ADVISORY], pd->counts[RULE_WAIVED], pd->counts[RULE_NA]);
    doc_put(d, buf);
    doc_para_end(d);
    doc_table_begin(d, NULL, head, 6);
    for (i = 4; i-- > 0;) {
        row[0] = rule_severity_name((enum rule_severity)i);
        snprintf(cells[1], sizeof cells[1], "%zu", cnt[i][RULE_FAIL]);
        snprintf(cells[2], sizeof cells[2], "%zu", cnt[i][RULE_NEEDS_EVIDENCE]);
        snprintf(cells[3], sizeof cells[3], "%zu", cnt[i][RULE_ADVISORY]);
        snprintf(cells[4], sizeof cells[4], "%zu", cnt[i][RULE_WAIVED]);
        snprintf(cells[5], sizeof cells[5], "%zu", nfind[i]);
        for (k = 1; k < 6; k++)
            row[k] = cells[k];
        doc_table_row(d, row, 6);
    }
    doc_table_end(d);
    doc_para_begin(d, "small");
    doc_put(d, "Counts are rule instances (one per device for device rules); \"findings\" counts "
        "them grouped by rule and outcome across devices.");
    doc_para_end(d);
    doc_heading(d, 3, NULL, nrisk > 0 ? "Top risks" : "No open risks");
    for (i = 0; i < nrisk && i < TOP_RISKS; i++) {
        const struct audit_finding *vf = &in->res->findings[risk[i]];
        const struct report_group *g = &in->groups->g[risk[i]];
        const struct audit_finding *first = &pd->findings[g->first];
        bool expired = report_finding_waiver(d->o, vf, NULL) == REPORT_WAIVER_EXPIRED;
        char *cov = coverage(g, first);

        doc_para_begin(d, NULL);
        snprintf(buf, sizeof buf, "%zu. %s %s (%s, Art. %s): %s.", i + 1, vf->rule_id,
            outcome_verb(vf->outcome, expired), rule_severity_name(vf->severity), vf->clause,
            rule_title(vf->rule));
        doc_bold(d, buf);
        doc_put(d, first->entity != NULL ? " On " : " ");
        doc_put(d, cov);
        doc_put(d, ". ");
        if (first->message != NULL) {
            doc_put(d, "For example: ");
            doc_put(d, first->message);
            doc_put(d, ". ");
        }
        doc_put(d, "Remedy: ");
        doc_put(d, rule_remedy(vf->rule));
        doc_para_end(d);
        free(cov);
    }
}

/* Sites of a group's entities: "hq (12), branch-2 (3)"; caller frees. */
static char *
owners(const struct report_input *in, const struct report_group *g)
{
    const struct audit_result *pd = in->groups->res;
    struct strbuf sb;
    const char *site[64];
    size_t cnt[64], ns = 0, other = 0, i, k, shown;

    (void)pd;
    if (in->sc == NULL || g->idv == NULL)
        return xstrdup("handler");
    for (i = 0; i < g->n; i++) {
        const char *id = g->idv[i];
        struct scenario_entity *e = scenario_find(in->sc, SCENARIO_DEVICE, id), *s;

        if (e == NULL)
            e = scenario_find(in->sc, SCENARIO_ZONE, id);
        if (e == NULL)
            e = scenario_find(in->sc, SCENARIO_SITE, id);
        if (e == NULL || (s = scenario_entity_parent(e, SCENARIO_SITE)) == NULL) {
            other++;
            continue;
        }
        for (k = 0; k < ns && strcmp(site[k], scenario_entity_id(s)) != 0; k++)
            ;
        if (k == ns) {
            if (ns == FA_NITEMS(site)) {
                other++;
                continue;
            }
            site[ns] = scenario_entity_id(s);
            cnt[ns++] = 0;
        }
        cnt[k]++;
    }
    strbuf_init(&sb);
    /* the sites with most instances first, five of them named */
    for (shown = 0; shown < ns && shown < 5; shown++) {
        size_t best = shown;

        for (k = shown + 1; k < ns; k++)
            if (cnt[k] > cnt[best])
                best = k;
        if (best != shown) {
            const char *ts = site[shown];
            size_t tc = cnt[shown];

            site[shown] = site[best];
            cnt[shown] = cnt[best];
            site[best] = ts;
            cnt[best] = tc;
        }
        strbuf_printf(&sb, "%ssite %s (%zu)", shown > 0 ? ", " : "", site[shown], cnt[shown]);
    }
    for (k = shown; k < ns; k++)
        other += cnt[k];
    if (other > 0)
        strbuf_printf(&sb, "%s%zu at %s", ns > 0 ? ", " : "", other,
            ns > shown ? "other sites" : "no site");
    return strbuf_detach(&sb);
}

static void
action_plan(struct report_doc *d, const size_t *risk, size_t nrisk)
{
    const struct report_input *in = d->o->in;
    static const char *const head[] = { "#", "Action", "Rules", "Severity", "Covers",
        "Owner", "Deadline" };
    fa_date from = in->deliv != NULL && in->deliv->report_date != FA_DATE_NONE ?
        in->deliv->report_date : in->res->as_of;
    bool *done = xcalloc(nrisk + 1, sizeof *done);
    size_t i, j, nact = 0;

    doc_heading(d, 2, "page", "Action plan");
    doc_para_begin(d, "small");
    doc_put(d, "One action per remedy, across every device and rule it settles; ordered by "
        "severity, then deadline. Deadlines: critical at once, high within 30 days, medium "
        "within 90, low within 180 days of the report date.");
    doc_para_end(d);
    doc_table_begin(d, NULL, head, 7);
    for (i = 0; i < nrisk; i++) {
        const struct audit_finding *vf = &in->res->findings[risk[i]];
        const char *remedy = rule_remedy(vf->rule);
        struct strbuf rules, cov;
        char num[16], dl[11], *own;
        const char *row[7];
        size_t total = 0;

        if (done[i] || vf->outcome == RULE_WAIVED)
            continue;
        strbuf_init(&rules);
        strbuf_init(&cov);
        /* every finding with the same remedy joins this action */
        for (j = i; j < nrisk; j++) {
            const struct audit_finding *wf = &in->res->findings[risk[j]];
            const struct report_group *g = &in->groups->g[risk[j]];

            if (done[j] || wf->outcome == RULE_WAIVED || strcmp(rule_remedy(wf->rule),
                remedy) != 0)
                continue;
            done[j] = true;
            strbuf_printf(&rules, "%s%s (%s)", rules.len > 0 ? ", " : "", wf->rule_id,
                report_outcome_words(wf->outcome));
            if (in->groups->res->findings[g->first].entity != NULL)
                total += g->n;
        }
        own = owners(in, &in->groups->g[risk[i]]);
        if (total > 0) {
            char a[32];

            report_count_str(total, a, sizeof a);
            strbuf_printf(&cov, "%s instance%s", a, total == 1 ? "" : "s");
        } else {
            strbuf_puts(&cov, "deployment-wide");
        }
        snprintf(num, sizeof num, "%zu", ++nact);
        date_format(from + act_days[vf->severity], dl);
        row[0] = num;
        row[1] = remedy;
        row[2] = strbuf_str(&rules);
        row[3] = rule_severity_name(vf->severity);
        row[4] = strbuf_str(&cov);
        row[5] = own;
        row[6] = vf->severity == RULE_SEV_CRITICAL ? "at once" : dl;
        doc_table_row(d, row, 7);
        free(own);
        strbuf_done(&rules);
        strbuf_done(&cov);
    }
    doc_table_end(d);
    if (nact == 0) {
        doc_para_begin(d, NULL);
        doc_put(d, "Nothing to remedy.");
        doc_para_end(d);
    }
    free(done);
}

static void
finding_block(struct report_doc *d, size_t k)
{
    const struct report_input *in = d->o->in;
    const struct audit_finding *vf = &in->res->findings[k];
    const struct report_group *g = &in->groups->g[k];
    const struct audit_finding *first = &in->groups->res->findings[g->first];
    bool expired = report_finding_waiver(d->o, vf, NULL) == REPORT_WAIVER_EXPIRED;
    const struct audit_fact *df;
    char buf[256], *cov = coverage(g, first);

    if (d->html)
        strbuf_printf(&d->o->sb, "<div class=\"f o%d\">", (int)vf->outcome);
    else
        doc_raw(d, "- ");
    snprintf(buf, sizeof buf, "%s %s", vf->rule_id, outcome_verb(vf->outcome, expired));
    doc_bold(d, buf);
    snprintf(buf, sizeof buf, " (%s, Art. %s%s%s) ", rule_severity_name(vf->severity),
        vf->clause, rule_basis(vf->rule) != NULL ? "; basis: " : "",
        rule_basis(vf->rule) != NULL ? rule_basis(vf->rule) : "");
    doc_put(d, buf);
    doc_put(d, cov);
    doc_raw(d, d->html ? "<br>" : "  \n  ");
    doc_put(d, first->message != NULL ? first->message : rule_title(vf->rule));
    if (first->reason != NULL && vf->outcome != RULE_PASS) {
        doc_raw(d, d->html ? "<br><b>Why:</b> " : "  \n  **Why:** ");
        doc_put(d, first->reason);
    }
    if ((df = report_decisive_fact(first)) != NULL && vf->outcome != RULE_PASS &&
        vf->outcome != RULE_NA) {
        struct report_fact v;

        report_fact_view(df, &v);
        doc_put(d, " (");
        doc_put(d, v.path);
        doc_put(d, " = ");
        doc_put(d, df->value);
        doc_put(d, ", ");
        doc_put(d, v.where);
        doc_put(d, ")");
    }
    if (vf->waiver != NULL) {
        doc_put(d, expired ? " Waiver expired: " : " Waiver: ");
        doc_put(d, vf->waiver);
    }
    if (needs_attention(vf->outcome) && vf->outcome != RULE_WAIVED) {
        doc_raw(d, d->html ? "<br><b>Remedy:</b> " : "  \n  **Remedy:** ");
        doc_put(d, rule_remedy(vf->rule));
    }
    doc_raw(d, d->html ? "</div>\n" : "\n");
    free(cov);
}

static void
findings_by_article(struct report_doc *d)
{
    const struct report_input *in = d->o->in;
    const struct audit_result *v = in->res;
    size_t a, k;
    char buf[256];

    doc_heading(d, 2, "page", "Findings by article");
    if (!in->all) {
        doc_para_begin(d, "small");
        doc_put(d, "Passes and not-applicable rules are counted, not listed (--all lists them).");
        doc_para_end(d);
    }
    for (a = 0; a < RULE_NARTICLES; a++) {
        const struct audit_article *art = &v->articles[a];
        const struct rule_article_info *ai = rule_pack_article(in->pack, art->number);
        size_t folded[RULE_NOUTCOMES] = { 0 }, shown = 0;

        snprintf(buf, sizeof buf, "Article %d: %s (%s)", art->number,
            ai != NULL ? ai->title_en : "no rule file", ai != NULL && ai->informational != NULL ?
            "informational" : report_outcome_words(art->outcome));
        doc_heading(d, 3, NULL, buf);
        for (k = 0; k < v->nfindings; k++) {
            const struct audit_finding *vf = &v->findings[k];

            if (vf->article != art->number)
                continue;
            if (!in->all && (vf->outcome == RULE_PASS || vf->outcome == RULE_NA)) {
                folded[vf->outcome] += in->groups->g[k].n;
                continue;
            }
            finding_block(d, k);
            shown++;
        }
        if (folded[RULE_PASS] + folded[RULE_NA] > 0 || shown == 0) {
            doc_para_begin(d, "small");
            snprintf(buf, sizeof buf, "Rule instances passed: %zu; not applicable: %zu.",
                folded[RULE_PASS], folded[RULE_NA]);
            doc_put(d, buf);
            doc_para_end(d);
        }
    }
}

static void
evidence_index(struct report_doc *d)
{
    const struct scenario *sc = d->o->in->sc;
    static const char *const head[] = { "Id", "File", "What it shows", "SHA-256", "Status" };
    size_t i, n;

    doc_heading(d, 2, NULL, "Evidence index");
    if (sc == NULL || (n = scenario_count(sc, SCENARIO_EVIDENCE)) == 0) {
        doc_para_begin(d, NULL);
        doc_put(d, "The scenario lists no evidence files.");
        doc_para_end(d);
        return;
    }
    doc_table_begin(d, NULL, head, 5);
    for (i = 0; i < n; i++) {
        struct scenario_entity *ev = scenario_entity_at(sc, SCENARIO_EVIDENCE, i);
        struct fact_value f, ds, h, st;
        const char *row[5];

        scenario_get(ev, "file", &f, NULL);
        scenario_get(ev, "description", &ds, NULL);
        scenario_get(ev, "sha256", &h, NULL);
        scenario_get(ev, "status", &st, NULL);
        row[0] = scenario_entity_id(ev);
        row[1] = f.state == FACT_KNOWN ? f.v.s : "";
        row[2] = ds.state == FACT_KNOWN ? ds.v.s : "";
        row[3] = h.state == FACT_KNOWN ? h.v.s : "unknown";
        row[4] = st.state == FACT_KNOWN && st.def != NULL ? st.def->values[st.v.e] : "unknown";
        doc_table_row(d, row, 5);
    }
    doc_table_end(d);
}

static void
waivers(struct report_doc *d)
{
    const struct waivers *w = d->o->in->waivers;
    static const char *const head[] = { "Rule", "Scope", "Justification", "Author",
        "Approver", "Expiry", "Status" };
    fa_date as_of = d->o->in->res->as_of;
    size_t i;

    if (w == NULL || w->n == 0)
        return;
    doc_heading(d, 2, NULL, "Waivers");
    doc_table_begin(d, NULL, head, 7);
    for (i = 0; i < w->n; i++) {
        const struct waiver *wv = &w->items[i];
        char e[11], *scope;
        const char *row[7];

        date_format(wv->expiry, e);
        scope = wv->nscope == 0 ? xstrdup("all instances") :
            report_ids_compact((const char *const *)wv->scope, wv->nscope, 0, NULL);
        row[0] = wv->rule;
        row[1] = scope;
        row[2] = wv->justification;
        row[3] = wv->author;
        row[4] = wv->approver;
        row[5] = e;
        row[6] = as_of > wv->expiry ? "expired" : as_of < wv->start ? "not yet in force" :
            "in force";
        doc_table_row(d, row, 7);
        free(scope);
    }
    doc_table_end(d);
}

static void
appendix(struct report_doc *d)
{
    const struct report_groups *gs = d->o->in->groups;
    size_t k, n = 0;
    char buf[256];

    for (k = 0; k < gs->n; k++) {
        const struct report_group *g = &gs->g[k];
        const struct audit_finding *vf = &gs->view.findings[k];

        if (g->ids == NULL || strcmp(g->ids, g->ids_short) == 0 ||
            (!d->o->in->all && (vf->outcome == RULE_PASS || vf->outcome == RULE_NA)))
            continue;
        if (n++ == 0)
            doc_heading(d, 2, NULL, "Appendix: every device of each finding");
        doc_para_begin(d, "ids");
        snprintf(buf, sizeof buf, "%s %s (%zu): ", vf->rule_id,
            outcome_verb(vf->outcome, false), g->n);
        doc_bold(d, buf);
        doc_put(d, g->ids);
        doc_para_end(d);
    }
}

static void
signoff(struct report_doc *d)
{
    static const char *const head[] = { "Role", "Name", "Signature", "Date" };
    static const char *const roles[] = { "Auditor", "Reviewer", "Handler's representative" };
    const struct report_deliverable *dv = d->o->in->deliv;
    size_t i;

    doc_heading(d, 2, NULL, "Sign-off");
    doc_para_begin(d, "small");
    doc_put(d, "The undersigned confirm that this report reflects the facts as of the date above "
        "and the rule pack identified by its SHA-256 on the cover.");
    doc_para_end(d);
    doc_table_begin(d, "sign", head, 4);
    for (i = 0; i < FA_NITEMS(roles); i++) {
        const char *row[4] = { roles[i], i == 0 && dv != NULL ? dv->auditor : "", "", "" };

        doc_table_row(d, row, 4);
    }
    doc_table_end(d);
}

static void
deliver(struct report_out *o, bool html)
{
    struct report_doc d = { o, html };
    const struct report_input *in = o->in;
    size_t *risk = xcalloc(in->groups->n + 1, sizeof *risk);
    size_t nrisk = risks(in->groups, risk);
    const struct audit_meta *m = in->meta;

    if (html) {
        doc_raw(&d, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>faceaudit report: ");
        doc_put(&d, m->scenario_name != NULL ? m->scenario_name : m->scenario_id);
        strbuf_printf(&o->sb, "</title>\n<style>%s</style>\n</head>\n<body>\n", deliver_css);
    }
    cover(&d);
    summary(&d, risk, nrisk);
    action_plan(&d, risk, nrisk);
    findings_by_article(&d);
    evidence_index(&d);
    waivers(&d);
    if (html && in->eval != NULL)
        report_html_eval_section(o, in->eval);
    if (html && in->sim != NULL)
        report_html_sim_section(o, in->sim);
    appendix(&d);
    signoff(&d);
    if (html)
        doc_raw(&d, "</body>\n</html>\n");
    free(risk);
}

static void
deliver_html_end(struct report_out *o)
{
    deliver(o, true);
}

static void
deliver_md_end(struct report_out *o)
{
    deliver(o, false);
}

const struct report_writer report_deliver_html_writer = {
    "html", "the deliverable as one self-contained HTML file, printable on A4", "html",
    NULL, NULL, NULL, deliver_html_end
};

const struct report_writer report_deliver_md_writer = {
    "markdown", "the deliverable in Markdown", "md",
    NULL, NULL, NULL, deliver_md_end
};
