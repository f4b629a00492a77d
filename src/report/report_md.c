/* SPDX-License-Identifier: MIT */
/*
 * report_md.c - the audit as Markdown (CommonMark with pipe tables): a cover
 * table, the score with and without waivers, the 20-article summary, then
 * one section per article with its legal basis and each finding's
 * explanation and remedy, and the waivers with approver and expiry.
 * Suitable for a merge request, a wiki page or pandoc.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"

#include "faceaudit/compat.h"
#include "faceaudit/scenario.h"

static bool
needs_attention(enum rule_outcome oc)
{
    return oc != RULE_PASS && oc != RULE_NA;
}

static void
md_begin(struct report_out *o)
{
    const struct report_input *in = o->in;
    const struct audit_result *res = in->res;
    const struct audit_meta *m = in->meta;
    struct strbuf *sb = &o->sb;
    char d[11];
    size_t i;

    date_format(res->as_of, d);
    strbuf_puts(sb, "# Audit report: ");
    report_md_str(sb, m->scenario_name != NULL ? m->scenario_name : m->scenario_id);
    strbuf_puts(sb, "\n\n| | |\n|---|---|\n| Deployment | ");
    report_md_str(sb, m->scenario_id);
    strbuf_puts(sb, " |\n| Scenario file | ");
    report_md_str(sb, m->scenario_path);
    strbuf_printf(sb, " (SHA-256 `%s`) |\n", m->scenario_hash != NULL ? m->scenario_hash : "-");
    strbuf_printf(sb, "| As of | %s |\n| Rule pack | %zu rules, SHA-256 `%s` |\n", d,
        rule_pack_nrules(in->pack), rule_pack_hash(in->pack));
    strbuf_printf(sb, "| Calendar | %s, version `%s` |\n", m->calendar_years,
        m->calendar_version);
    strbuf_puts(sb, "| Waivers | ");
    report_md_str(sb, m->waivers_file != NULL ? m->waivers_file : "none");
    if (res->no_score != NULL) {
        strbuf_puts(sb, " |\n| Score | **none**: ");
        report_md_str(sb, res->no_score);
        strbuf_puts(sb, " |\n");
    } else {
        strbuf_printf(sb, " |\n| Score with waivers | **%.1f**/100, grade **%c**%s |\n",
            res->score, res->grade, res->critical_failure ? " (capped: critical failure)" : "");
        strbuf_printf(sb, "| Score without waivers | %.1f/100, grade %c |\n",
            res->score_no_waivers, res->grade_no_waivers);
    }
    for (i = 0; i < res->nreadings; i++) {
        strbuf_printf(sb, "| Reading `%s=%s`%s | ", res->readings[i].name, res->readings[i].alt,
            res->readings[i].literal ? " (default)" : "");
        report_md_str(sb, res->readings[i].text);
        strbuf_puts(sb, " |\n");
    }
    if (in->baseline != NULL) {
        strbuf_puts(sb, "| Baseline | ");
        report_md_str(sb, in->baseline->base->label);
        strbuf_printf(sb, " (score %.1f) |\n", in->baseline->base->score);
    }
    strbuf_puts(sb, "| Software | ");
    report_md_str(sb, m->software);
    strbuf_puts(sb, " |\n\n");
    strbuf_printf(sb, "Outcomes: %zu pass, %zu fail, %zu needs evidence, %zu waived, "
        "%zu advisory, %zu not applicable.\n\n", res->counts[RULE_PASS], res->counts[RULE_FAIL],
        res->counts[RULE_NEEDS_EVIDENCE], res->counts[RULE_WAIVED], res->counts[RULE_ADVISORY],
        res->counts[RULE_NA]);
    if (res->scope_note != NULL) {
        strbuf_puts(sb, "> **Scope:** ");
        report_md_str(sb, res->scope_note);
        strbuf_puts(sb, "\n\n");
    }
    strbuf_puts(sb, "## The 20 articles\n\n| Art. | Title | 标题 | Outcome | Fail | Needs "
        "evidence | Waived |\n|---:|---|---|---|---:|---:|---:|\n");
    for (i = 0; i < RULE_NARTICLES; i++) {
        const struct audit_article *a = &res->articles[i];
        const struct rule_article_info *ai = rule_pack_article(in->pack, a->number);

        strbuf_printf(sb, "| %d | ", a->number);
        report_md_str(sb, ai != NULL ? ai->title_en : "(no rule file)");
        strbuf_puts(sb, " | ");
        report_md_str(sb, ai != NULL ? ai->title_zh : "");
        strbuf_printf(sb, " | %s | %zu | %zu | %zu |\n", ai != NULL && ai->informational != NULL ?
            "informational" : rule_outcome_name(a->outcome), a->counts[RULE_FAIL],
            a->counts[RULE_NEEDS_EVIDENCE], a->counts[RULE_WAIVED]);
    }
    strbuf_putc(sb, '\n');
}

static void
md_article(struct report_out *o, const struct audit_article *a)
{
    const struct rule_article_info *ai = rule_pack_article(o->in->pack, a->number);
    struct strbuf *sb = &o->sb;

    strbuf_printf(sb, "## Article %d: ", a->number);
    report_md_str(sb, ai != NULL ? ai->title_en : "(no rule file)");
    if (ai != NULL && ai->title_zh != NULL) {
        strbuf_puts(sb, " (");
        report_md_str(sb, ai->title_zh);
        strbuf_putc(sb, ')');
    }
    strbuf_printf(sb, "\n\nOutcome: **%s**.", rule_outcome_name(a->outcome));
    if (ai != NULL && ai->summary != NULL) {
        strbuf_puts(sb, " ");
        report_md_str(sb, ai->summary);
    }
    if (ai != NULL && ai->unverified != NULL) {
        strbuf_puts(sb, " *Wording reconstructed, not verified:* ");
        report_md_str(sb, ai->unverified);
    }
    strbuf_puts(sb, "\n\n");
}

/* One line per evidence file behind the facts fd read. */
static void
md_evidence(struct strbuf *sb, const struct audit_finding *fd, const char *bullet)
{
    const struct scenario_entity *ev[16];
    size_t k, nev = report_finding_evidence(fd, ev, FA_NITEMS(ev));

    for (k = 0; k < nev; k++) {
        struct fact_value f, h, st;

        scenario_get(ev[k], "file", &f, NULL);
        scenario_get(ev[k], "sha256", &h, NULL);
        scenario_get(ev[k], "status", &st, NULL);
        strbuf_printf(sb, "%s**Evidence %s:** `%s` SHA-256 `%s`%s%s%s\n", bullet,
            scenario_entity_id(ev[k]), f.state == FACT_KNOWN ? f.v.s : "?",
            h.state == FACT_KNOWN ? h.v.s : "unknown", st.state == FACT_KNOWN ? " (" : "",
            st.state == FACT_KNOWN ? st.def->values[st.v.e] : "",
            st.state == FACT_KNOWN ? ")" : "");
    }
}

static void
md_finding(struct report_out *o, const struct audit_finding *fd, size_t index)
{
    struct strbuf *sb = &o->sb;
    const char *clause = rule_pack_clause_text(o->in->pack, fd->clause);
    enum report_bl bl = report_finding_bl(o, index);
    const struct waiver *wv;
    enum report_waiver_state ws = report_finding_waiver(o, fd, &wv);
    size_t i;

    if (!needs_attention(fd->outcome)) {
        strbuf_printf(sb, "- %s: `%s`%s%s, clause %s", rule_outcome_name(fd->outcome),
            fd->rule_id, fd->entity != NULL ? " on " : "", fd->entity != NULL ? fd->entity : "",
            fd->clause);
        if (fd->outcome == RULE_NA && fd->reason != NULL) {
            strbuf_puts(sb, " (");
            report_md_str(sb, fd->reason);
            strbuf_putc(sb, ')');
        }
        if (bl != REPORT_BL_NONE)
            strbuf_printf(sb, " [%s]", report_bl_name(bl));
        strbuf_putc(sb, '\n');
        md_evidence(sb, fd, "  - ");
        strbuf_putc(sb, '\n');
        return;
    }
    strbuf_printf(sb, "### %s: %s", report_outcome_label(o, fd), fd->rule_id);
    if (fd->entity != NULL) {
        strbuf_puts(sb, " on ");
        report_md_str(sb, fd->entity);
    }
    strbuf_printf(sb, "\n\nSeverity %s, clause %s", rule_severity_name(fd->severity),
        fd->clause);
    if (bl != REPORT_BL_NONE)
        strbuf_printf(sb, ", baseline: **%s**", report_bl_name(bl));
    strbuf_puts(sb, ".\n\n");
    report_md_str(sb, fd->message != NULL ? fd->message : rule_title(fd->rule));
    strbuf_puts(sb, "\n\n");
    if (fd->reason != NULL) {
        strbuf_puts(sb, "- **Why:** ");
        report_md_str(sb, fd->reason);
        strbuf_putc(sb, '\n');
    }
    if (fd->nfacts > 0)
        strbuf_puts(sb, "- **Facts read:**\n");
    for (i = 0; i < fd->nfacts; i++) {
        struct report_fact v;

        report_fact_view(&fd->facts[i], &v);
        strbuf_puts(sb, "  - `");
        strbuf_puts(sb, v.path);
        strbuf_puts(sb, "` = ");
        report_md_str(sb, fd->facts[i].value);
        if (v.where[0] != '\0') {
            strbuf_puts(sb, " (");
            report_md_str(sb, v.where);
            strbuf_putc(sb, ')');
        }
        strbuf_putc(sb, '\n');
    }
    md_evidence(sb, fd, "- ");
    if (clause != NULL) {
        strbuf_printf(sb, "- **Clause %s:** ", fd->clause);
        report_md_str(sb, clause);
        if (rule_basis(fd->rule) != NULL) {
            strbuf_puts(sb, " (basis: ");
            report_md_str(sb, rule_basis(fd->rule));
            strbuf_putc(sb, ')');
        }
        strbuf_putc(sb, '\n');
    }
    if (ws != REPORT_WAIVER_NONE || fd->waiver != NULL) {
        strbuf_printf(sb, "- **Waiver%s:** ", ws == REPORT_WAIVER_EXPIRED ? " (expired: counts "
            "as a failure)" : "");
        report_md_str(sb, fd->waiver);
        strbuf_putc(sb, '\n');
    }
    strbuf_puts(sb, fd->collect != NULL ? "- **Collect:** " : "- **Remedy:** ");
    report_md_str(sb, audit_finding_advice(fd));
    strbuf_puts(sb, "\n\n");
}

static void
md_end(struct report_out *o)
{
    const struct waivers *w = o->in->waivers;
    const struct report_baseline *bl = o->in->baseline;
    struct strbuf *sb = &o->sb;
    char s[11], e[11];
    size_t i, k;

    if (bl != NULL && bl->nabsent > 0) {
        strbuf_puts(sb, "## Absent since the baseline\n\n");
        for (i = 0; i < bl->nabsent; i++)
            strbuf_printf(sb, "- `%s`%s%s was %s\n", bl->absent[i]->rule,
                bl->absent[i]->entity != NULL ? " on " : "",
                bl->absent[i]->entity != NULL ? bl->absent[i]->entity : "",
                bl->absent[i]->outcome);
        strbuf_putc(sb, '\n');
    }
    strbuf_puts(sb, "## Waivers\n\n");
    if (w == NULL || w->n == 0) {
        strbuf_puts(sb, "None.\n");
        return;
    }
    strbuf_puts(sb, "| Rule | Scope | Author | Approver | Start | Expiry | Status | "
        "Justification |\n|---|---|---|---|---|---|---|---|\n");
    for (i = 0; i < w->n; i++) {
        const struct waiver *wv = &w->items[i];
        fa_date as_of = o->in->res->as_of;

        date_format(wv->start, s);
        date_format(wv->expiry, e);
        strbuf_printf(sb, "| `%s` | ", wv->rule);
        if (wv->nscope == 0)
            strbuf_puts(sb, "all instances");
        for (k = 0; k < wv->nscope; k++) {
            if (k > 0)
                strbuf_puts(sb, ", ");
            report_md_str(sb, wv->scope[k]);
        }
        strbuf_puts(sb, " | ");
        report_md_str(sb, wv->author);
        strbuf_puts(sb, " | ");
        report_md_str(sb, wv->approver);
        strbuf_printf(sb, " | %s | %s | %s | ", s, e, as_of > wv->expiry ? "**expired**" :
            as_of < wv->start ? "not yet in force" : "in force");
        report_md_str(sb, wv->justification);
        strbuf_puts(sb, " |\n");
    }
}

const struct report_writer report_md_writer = {
    "markdown", "Markdown: cover, article summary, findings per article, waivers", "md",
    md_begin, md_article, md_finding, md_end
};
