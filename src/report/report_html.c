/* SPDX-License-Identifier: MIT */
/*
 * report_html.c - the audit as one self-contained HTML file: inline CSS and
 * inline SVG only, no script, no font, image or style fetched from
 * anywhere, printable on A4 (@page, one article per page). A cover with the
 * deployment, as-of date, rule-pack and calendar versions, the score and
 * grade with and without waivers; the 20-article summary; per article the
 * legal basis (Chinese title, English summary, clause texts) and each
 * finding with its explanation (the facts read and their values, where
 * they were written), evidence files with their SHA-256, and the remedy;
 * the waivers with author, approver and expiry; and, when given, the eval
 * figures (DET, ROC, score histograms, threshold table) and a simulation
 * (stored people against the 100,000 line and the filing deadline).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"

#include "faceaudit/compat.h"
#include "faceaudit/scenario.h"
#include "faceaudit/sim.h"
#include "faceaudit/xmalloc.h"

static const char css[] =
    "@page{size:A4;margin:16mm 14mm}"
    "body{font-family:'Noto Sans CJK SC','Noto Sans SC','WenQuanYi Micro Hei','DejaVu Sans',"
    "sans-serif;font-size:10.5pt;color:#222;max-width:182mm;margin:0 auto;line-height:1.35}"
    "h1{font-size:20pt;margin:0 0 4mm}h2{font-size:14pt;border-bottom:2px solid #1f5fa8;"
    "padding-bottom:1mm;margin-top:6mm}h3{font-size:11.5pt;margin:4mm 0 1mm}"
    "table{border-collapse:collapse;width:100%;margin:2mm 0}"
    "th,td{border:1px solid #bbb;padding:1mm 1.5mm;text-align:left;vertical-align:top}"
    "th{background:#eef2f7}td.num{text-align:right}"
    ".cover{break-after:page}.score{font-size:28pt;font-weight:bold}"
    ".grade{display:inline-block;border:3px solid #222;border-radius:3mm;padding:0 3mm;"
    "margin-left:4mm;font-size:26pt}"
    ".article{break-before:page}.basis{background:#f6f6f2;border-left:4px solid #999;"
    "padding:2mm 3mm;margin:2mm 0}"
    ".finding{border:1px solid #ccc;border-left:6px solid #999;padding:1.5mm 3mm;margin:2.5mm 0;"
    "break-inside:avoid}"
    ".o-fail{border-left-color:#c0392b}.o-needs_evidence{border-left-color:#d4820f}"
    ".o-waived{border-left-color:#7f8c8d}.o-advisory{border-left-color:#2e86c1}"
    ".o-pass{border-left-color:#2e8b57}"
    ".tag{display:inline-block;font-weight:bold;border-radius:1mm;padding:0 1.5mm;color:#fff;"
    "background:#777}.t-fail{background:#c0392b}.t-pass{background:#2e8b57}"
    ".t-needs_evidence{background:#d4820f}.t-waived{background:#7f8c8d}"
    ".t-advisory{background:#2e86c1}.t-not_applicable{background:#aaa}"
    ".t-expired{background:#7b1f14}.t-new{background:#8e44ad}"
    ".small{font-size:9pt;color:#555}code{font-size:9pt;word-break:break-all}"
    ".chart{display:block;margin:2mm auto}.sign td{height:12mm}"
    "@media print{a{color:inherit;text-decoration:none}}";

static const char *
symbol(enum rule_outcome oc)
{
    /* usable without colour: each outcome has its own mark */
    static const char *const sym[] = {
        [RULE_PASS] = "\u2713", [RULE_FAIL] = "\u2717", [RULE_NA] = "\u2013",
        [RULE_NEEDS_EVIDENCE] = "?", [RULE_ADVISORY] = "i", [RULE_WAIVED] = "W",
    };
    return sym[oc];
}

static void
esc(struct report_out *o, const char *s)
{
    report_xml_str(&o->sb, s);
}

static void
tag(struct report_out *o, enum rule_outcome oc, bool expired)
{
    strbuf_printf(&o->sb, "<span class=\"tag t-%s\">%s %s</span>", expired ? "expired" :
        rule_outcome_name(oc), symbol(oc), expired ? "fail: waiver expired" :
        rule_outcome_name(oc));
}

static void
row2(struct report_out *o, const char *k, const char *v)
{
    strbuf_puts(&o->sb, "<tr><th>");
    esc(o, k);
    strbuf_puts(&o->sb, "</th><td>");
    esc(o, v);
    strbuf_puts(&o->sb, "</td></tr>\n");
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

static void
html_begin(struct report_out *o)
{
    const struct report_input *in = o->in;
    const struct audit_result *res = in->res;
    const struct audit_meta *m = in->meta;
    struct strbuf *sb = &o->sb;
    char d[11], buf[128];
    char *handler = fact_text(in->sc, "handler.name"), *purpose = fact_text(in->sc,
        "purpose_statement"), *mode = fact_text(in->sc, "mode");
    size_t i;

    date_format(res->as_of, d);
    strbuf_puts(sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>faceaudit report: ");
    esc(o, m->scenario_name != NULL ? m->scenario_name : m->scenario_id);
    strbuf_printf(sb, "</title>\n<style>%s</style>\n</head>\n<body>\n", css);
    strbuf_puts(sb, "<section class=\"cover\">\n<p class=\"small\">Audit against the Measures "
        "for the Security Management of the Application of Facial Recognition Technology "
        "(\u4eba\u8138\u8bc6\u522b\u6280\u672f\u5e94\u7528\u5b89\u5168\u7ba1\u7406\u529e\u6cd5)"
        "</p>\n<h1>");
    esc(o, m->scenario_name != NULL ? m->scenario_name : m->scenario_id);
    strbuf_puts(sb, "</h1>\n");
    if (res->no_score != NULL) {
        strbuf_puts(sb, "<p><span class=\"score\">No score</span><br>");
        esc(o, res->no_score);
        strbuf_puts(sb, " (no score and no grade, with or without waivers).</p>\n");
    } else {
        snprintf(buf, sizeof buf, "%.1f", res->score);
        strbuf_printf(sb, "<p><span class=\"score\">%s / 100</span><span class=\"grade\">%c"
            "</span>", buf, res->grade);
        strbuf_printf(sb, "<br>with waivers%s. Without waivers: <b>%.1f</b> (grade <b>%c</b>)."
            "</p>\n", res->critical_failure ? "; grade capped by a critical failure" : "",
            res->score_no_waivers, res->grade_no_waivers);
    }
    strbuf_puts(sb, "<table>\n");
    row2(o, "Deployment", m->scenario_id);
    if (handler != NULL)
        row2(o, "Handler", handler);
    if (purpose != NULL)
        row2(o, "Purpose", purpose);
    if (mode != NULL)
        row2(o, "Mode", mode);
    row2(o, "As of", d);
    row2(o, "Scenario file", m->scenario_path);
    row2(o, "Scenario SHA-256", m->scenario_hash);
    snprintf(buf, sizeof buf, "%zu rules", rule_pack_nrules(in->pack));
    row2(o, "Rule pack", buf);
    row2(o, "Rule pack SHA-256", rule_pack_hash(in->pack));
    row2(o, "Calendar years", m->calendar_years);
    row2(o, "Calendar version", m->calendar_version);
    row2(o, "Waivers", m->waivers_file != NULL ? m->waivers_file : "none");
    if (in->baseline != NULL)
        row2(o, "Baseline", in->baseline->base->label);
    row2(o, "Software", m->software);
    for (size_t k = 0; k < res->nreadings; k++) {
        char *label = xasprintf("Reading %s=%s%s", res->readings[k].name, res->readings[k].alt,
            res->readings[k].literal ? " (default)" : "");

        row2(o, label, res->readings[k].text);
        free(label);
    }
    strbuf_puts(sb, "</table>\n");
    strbuf_printf(sb, "<p>%zu pass, %zu fail, %zu needs evidence, %zu waived, %zu advisory, "
        "%zu not applicable.</p>\n", res->counts[RULE_PASS], res->counts[RULE_FAIL],
        res->counts[RULE_NEEDS_EVIDENCE], res->counts[RULE_WAIVED], res->counts[RULE_ADVISORY],
        res->counts[RULE_NA]);
    if (res->scope_note != NULL) {
        strbuf_puts(sb, "<p class=\"basis\"><b>Scope.</b> ");
        esc(o, res->scope_note);
        strbuf_puts(sb, "</p>\n");
    }
    free(handler);
    free(purpose);
    free(mode);
    strbuf_puts(sb, "<h2>The 20 articles</h2>\n<table>\n<tr><th>Art.</th><th>Title</th>"
        "<th>\u6807\u9898</th><th>Outcome</th><th>Fail</th><th>Evidence</th><th>Waived</th>"
        "</tr>\n");
    for (i = 0; i < RULE_NARTICLES; i++) {
        const struct audit_article *a = &res->articles[i];
        const struct rule_article_info *ai = rule_pack_article(in->pack, a->number);

        strbuf_printf(sb, "<tr><td class=\"num\">%d</td><td>", a->number);
        esc(o, ai != NULL ? ai->title_en : "(no rule file)");
        strbuf_puts(sb, "</td><td>");
        esc(o, ai != NULL ? ai->title_zh : "");
        strbuf_puts(sb, "</td><td>");
        if (ai != NULL && ai->informational != NULL)
            strbuf_puts(sb, "<span class=\"tag\">informational</span>");
        else
            tag(o, a->outcome, false);
        strbuf_printf(sb, "</td><td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
            "<td class=\"num\">%zu</td></tr>\n", a->counts[RULE_FAIL],
            a->counts[RULE_NEEDS_EVIDENCE], a->counts[RULE_WAIVED]);
    }
    strbuf_puts(sb, "</table>\n</section>\n");
}

static void
html_close_article(struct report_out *o)
{
    if (o->nshown > 0)
        strbuf_puts(&o->sb, "</section>\n");
    o->nshown = 0;
}

static void
html_article(struct report_out *o, const struct audit_article *a)
{
    const struct rule_pack *pack = o->in->pack;
    const struct rule_article_info *ai = rule_pack_article(pack, a->number);
    struct strbuf *sb = &o->sb;
    size_t i, n = rule_pack_nrules(pack);
    const char *last = NULL;

    html_close_article(o);
    o->nshown = 1;
    strbuf_printf(sb, "<section class=\"article\" id=\"a%d\">\n<h2>Article %d: ", a->number,
        a->number);
    esc(o, ai != NULL ? ai->title_en : "(no rule file)");
    if (ai != NULL && ai->title_zh != NULL) {
        strbuf_puts(sb, " \u00b7 ");
        esc(o, ai->title_zh);
    }
    strbuf_puts(sb, "</h2>\n<p>");
    tag(o, a->outcome, false);
    strbuf_puts(sb, "</p>\n<div class=\"basis\"><b>Legal basis.</b> ");
    esc(o, ai != NULL && ai->summary != NULL ? ai->summary : "");
    if (ai != NULL && ai->unverified != NULL) {
        strbuf_puts(sb, " <i>Wording reconstructed from secondary sources, not verified: ");
        esc(o, ai->unverified);
        strbuf_puts(sb, "</i>");
    }
    if (ai != NULL && ai->source != NULL) {
        strbuf_puts(sb, "<br><span class=\"small\">Source: ");
        esc(o, ai->source);
        strbuf_puts(sb, "</span>");
    }
    /* every clause this article's rules cite, once, in rule order */
    for (i = 0; i < n; i++) {
        const struct rule *r = rule_pack_rule(pack, i);
        const char *ct;

        if (rule_article(r) != a->number || (last != NULL && strcmp(last,
            rule_clause(r)) == 0))
            continue;
        last = rule_clause(r);
        if ((ct = rule_pack_clause_text(pack, last)) == NULL)
            continue;
        strbuf_printf(sb, "<br><b>%s</b> ", last);
        esc(o, ct);
    }
    strbuf_puts(sb, "</div>\n");
}

static void
evidence_refs(struct report_out *o, const struct audit_finding *fd)
{
    const struct scenario_entity *ev[16];
    struct strbuf *sb = &o->sb;
    size_t i, n = report_finding_evidence(fd, ev, FA_NITEMS(ev));

    for (i = 0; i < n; i++) {
        struct fact_value f, h, st;

        scenario_get(ev[i], "file", &f, NULL);
        scenario_get(ev[i], "sha256", &h, NULL);
        scenario_get(ev[i], "status", &st, NULL);
        strbuf_puts(sb, i > 0 ? "<br>" : "<p><b>Evidence:</b> ");
        esc(o, scenario_entity_id(ev[i]));
        strbuf_puts(sb, ": <code>");
        esc(o, f.state == FACT_KNOWN ? f.v.s : "?");
        strbuf_puts(sb, "</code> SHA-256 <code>");
        esc(o, h.state == FACT_KNOWN ? h.v.s : "unknown");
        strbuf_puts(sb, "</code>");
        if (st.state == FACT_KNOWN && st.def != NULL)
            strbuf_printf(sb, " (%s)", st.def->values[st.v.e]);
    }
    if (n > 0)
        strbuf_puts(sb, "</p>\n");
}

static void
html_finding(struct report_out *o, const struct audit_finding *fd, size_t index)
{
    struct strbuf *sb = &o->sb;
    const struct waiver *wv;
    enum report_waiver_state ws = report_finding_waiver(o, fd, &wv);
    enum report_bl bl = report_finding_bl(o, index);
    size_t i;

    strbuf_printf(sb, "<div class=\"finding o-%s\">", rule_outcome_name(fd->outcome));
    tag(o, fd->outcome, ws == REPORT_WAIVER_EXPIRED);
    strbuf_printf(sb, " <b>%s</b>", fd->rule_id);
    if (fd->entity != NULL) {
        strbuf_puts(sb, " on <b>");
        esc(o, fd->entity);
        strbuf_puts(sb, "</b>");
    }
    strbuf_printf(sb, " <span class=\"small\">clause %s%s%s%s, severity %s%s%s</span>",
        fd->clause, rule_basis(fd->rule) != NULL ? " (basis: " : "",
        rule_basis(fd->rule) != NULL ? rule_basis(fd->rule) : "",
        rule_basis(fd->rule) != NULL ? ")" : "", rule_severity_name(fd->severity),
        bl != REPORT_BL_NONE ? ", baseline: " : "", report_bl_name(bl));
    strbuf_puts(sb, "<br>");
    esc(o, fd->message != NULL ? fd->message : rule_title(fd->rule));
    if (fd->outcome == RULE_PASS || fd->outcome == RULE_NA) {
        if (fd->reason != NULL && fd->outcome == RULE_NA) {
            strbuf_puts(sb, " <span class=\"small\">(");
            esc(o, fd->reason);
            strbuf_puts(sb, ")</span>");
        }
        evidence_refs(o, fd);
        strbuf_puts(sb, "</div>\n");
        return;
    }
    if (fd->reason != NULL) {
        strbuf_puts(sb, "<p><b>Why:</b> ");
        esc(o, fd->reason);
        strbuf_puts(sb, "</p>");
    }
    if (fd->nfacts > 0) {
        strbuf_puts(sb, "<table><tr><th>Fact read</th><th>Value</th><th>Written at</th></tr>");
        for (i = 0; i < fd->nfacts; i++) {
            struct report_fact v;

            report_fact_view(&fd->facts[i], &v);
            strbuf_puts(sb, "<tr><td><code>");
            esc(o, v.path);
            strbuf_puts(sb, "</code></td><td>");
            esc(o, fd->facts[i].value);
            strbuf_puts(sb, "</td><td class=\"small\">");
            esc(o, v.where);
            strbuf_puts(sb, "</td></tr>");
        }
        strbuf_puts(sb, "</table>\n");
    }
    evidence_refs(o, fd);
    if (fd->waiver != NULL) {
        strbuf_printf(sb, "<p><b>Waiver%s:</b> ", ws == REPORT_WAIVER_EXPIRED ?
            " (expired: counts as a failure)" : "");
        esc(o, fd->waiver);
        strbuf_puts(sb, "</p>");
    }
    strbuf_puts(sb, fd->collect != NULL ? "<p><b>Collect:</b> " : "<p><b>Remedy:</b> ");
    esc(o, audit_finding_advice(fd));
    strbuf_puts(sb, "</p></div>\n");
}

static void
waivers_section(struct report_out *o)
{
    const struct waivers *w = o->in->waivers;
    struct strbuf *sb = &o->sb;
    char s[11], e[11];
    size_t i, k;

    strbuf_puts(sb, "<section class=\"article\" id=\"waivers\">\n<h2>Waivers</h2>\n");
    if (w == NULL || w->n == 0) {
        strbuf_puts(sb, "<p>No waivers were applied. Scores with and without waivers are "
            "equal.</p>\n</section>\n");
        return;
    }
    strbuf_puts(sb, "<p>A waiver accepts a risk for a waivable rule until its expiry; the "
        "approver is not the author. An expired waiver counts as a failure.</p>\n<table><tr>"
        "<th>Rule</th><th>Scope</th><th>Justification</th><th>Author</th><th>Approver</th>"
        "<th>Start</th><th>Expiry</th><th>Status</th></tr>\n");
    for (i = 0; i < w->n; i++) {
        const struct waiver *wv = &w->items[i];
        fa_date as_of = o->in->res->as_of;

        date_format(wv->start, s);
        date_format(wv->expiry, e);
        strbuf_printf(sb, "<tr><td>%s</td><td>", wv->rule);
        if (wv->nscope == 0)
            strbuf_puts(sb, "all instances");
        for (k = 0; k < wv->nscope; k++) {
            if (k > 0)
                strbuf_puts(sb, ", ");
            esc(o, wv->scope[k]);
        }
        strbuf_puts(sb, "</td><td>");
        esc(o, wv->justification);
        strbuf_puts(sb, "</td><td>");
        esc(o, wv->author);
        strbuf_puts(sb, "</td><td>");
        esc(o, wv->approver);
        strbuf_printf(sb, "</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", s, e,
            as_of > wv->expiry ? "<span class=\"tag t-expired\">expired</span>" :
            as_of < wv->start ? "not yet in force" : "in force");
    }
    strbuf_puts(sb, "</table>\n</section>\n");
}

static void
evidence_section(struct report_out *o)
{
    const struct scenario *sc = o->in->sc;
    struct strbuf *sb = &o->sb;
    size_t i, n;

    if (sc == NULL || (n = scenario_count(sc, SCENARIO_EVIDENCE)) == 0)
        return;
    strbuf_puts(sb, "<h2>Evidence files</h2>\n<table><tr><th>Id</th><th>File</th><th>What it "
        "shows</th><th>SHA-256</th><th>Status</th></tr>\n");
    for (i = 0; i < n; i++) {
        struct scenario_entity *ev = scenario_entity_at(sc, SCENARIO_EVIDENCE, i);
        struct fact_value f, d, h, st;

        scenario_get(ev, "file", &f, NULL);
        scenario_get(ev, "description", &d, NULL);
        scenario_get(ev, "sha256", &h, NULL);
        scenario_get(ev, "status", &st, NULL);
        strbuf_puts(sb, "<tr><td>");
        esc(o, scenario_entity_id(ev));
        strbuf_puts(sb, "</td><td><code>");
        esc(o, f.state == FACT_KNOWN ? f.v.s : "");
        strbuf_puts(sb, "</code></td><td>");
        esc(o, d.state == FACT_KNOWN ? d.v.s : "");
        strbuf_puts(sb, "</td><td><code>");
        esc(o, h.state == FACT_KNOWN ? h.v.s : "unknown");
        strbuf_puts(sb, "</code></td><td>");
        esc(o, st.state == FACT_KNOWN && st.def != NULL ? st.def->values[st.v.e] : "unknown");
        strbuf_puts(sb, "</td></tr>\n");
    }
    strbuf_puts(sb, "</table>\n");
}

void
report_html_eval_section(struct report_out *o, const struct report_eval *ev)
{
    struct strbuf *sb = &o->sb;
    double *tar = xcalloc(ev->npoints + 1, sizeof *tar);
    double *bx = xcalloc(ev->nbins + 1, sizeof *bx), *bg = xcalloc(ev->nbins + 1, sizeof *bg);
    double *bi = xcalloc(ev->nbins + 1, sizeof *bi);
    struct report_series det = { "DET", ev->fmr, ev->fnmr, ev->npoints, false, false };
    struct report_series roc = { "ROC", ev->fmr, tar, ev->npoints, false, false };
    struct report_series hist[2] = {
        { "genuine (left axis)", bx, bg, ev->nbins, true, false },
        { "impostor (right axis)", bx, bi, ev->nbins, true, true },
    };
    struct report_point pt;
    struct report_marker tm;
    struct report_chart c;
    char *svg, *label = NULL, *mlabel = NULL;
    size_t i;

    for (i = 0; i < ev->npoints; i++)
        tar[i] = 1.0 - ev->fnmr[i];
    for (i = 0; i < ev->nbins; i++) {
        bx[i] = ((double)i + 0.5) * ev->hist_width;
        bg[i] = (double)ev->hist_gen[i];
        bi[i] = (double)ev->hist_imp[i];
    }
    strbuf_puts(sb, "<section class=\"article\" id=\"eval\">\n<h2>Recognition accuracy: ");
    esc(o, ev->label);
    strbuf_puts(sb, "</h2>\n");
    memset(&c, 0, sizeof c);
    /* the operating threshold, marked on DET and ROC with its FMR and FNMR */
    if (isfinite(ev->threshold)) {
        label = xasprintf("t = %.4g: FMR %.4g, FNMR %.4g", ev->threshold, ev->t_fmr,
            ev->t_fnmr);
        mlabel = xasprintf("t = %.4g", ev->threshold);
        pt = (struct report_point){ ev->t_fmr, ev->t_fnmr, label };
        tm = (struct report_marker){ true, ev->threshold, mlabel };
        c.points = &pt;
        c.npoints = 1;
    }
    c.title = "DET: FNMR against FMR";
    c.xlabel = "false match rate (log)";
    c.ylabel = "false non-match rate (log)";
    c.xlog = c.ylog = true;
    c.series = &det;
    c.nseries = 1;
    svg = report_svg_chart(&c, 640, 300);
    strbuf_puts(sb, svg);
    free(svg);
    c.title = "ROC: TAR against FMR";
    c.ylabel = "true accept rate";
    c.ylog = false;
    c.series = &roc;
    pt.y = 1.0 - ev->t_fnmr;
    svg = report_svg_chart(&c, 640, 300);
    strbuf_puts(sb, svg);
    free(svg);
    /* each class on its own axis: thousands of impostor scores would flatten the genuine */
    c.title = "Score histograms";
    c.xlabel = "distance";
    c.ylabel = "genuine comparisons";
    c.y2label = "impostor comparisons";
    c.xlog = false;
    c.series = hist;
    c.nseries = 2;
    c.points = NULL;
    c.npoints = 0;
    if (mlabel != NULL) {
        c.markers = &tm;
        c.nmarkers = 1;
    }
    svg = report_svg_chart(&c, 640, 280);
    strbuf_puts(sb, svg);
    free(svg);
    free(label);
    free(mlabel);
    strbuf_puts(sb, "<table><tr><th>Target FMR</th><th>Threshold</th><th>FMR</th>"
        "<th>FNMR</th></tr>\n");
    for (i = 0; i < ev->nops; i++)
        strbuf_printf(sb, "<tr><td class=\"num\">%g</td><td class=\"num\">%.4f</td>"
            "<td class=\"num\">%.6f</td><td class=\"num\">%.6f</td></tr>\n", ev->op_target[i],
            ev->op_threshold[i], ev->op_fmr[i], ev->op_fnmr[i]);
    strbuf_puts(sb, "</table>\n</section>\n");
    free(tar);
    free(bx);
    free(bg);
    free(bi);
}

void
report_html_sim_section(struct report_out *o, const struct sim_result *r)
{
    struct strbuf *sb = &o->sb;
    size_t n = (size_t)r->params.days, i;
    double *x = xcalloc(n + 1, sizeof *x), *y = xcalloc(n + 1, sizeof *y);
    struct report_series s = { "stored people", x, y, n, false, false };
    struct report_marker mk[3];
    size_t nmk = 0;
    struct report_chart c;
    char start[11], d1[11], d2[11], d3[11], ret[32], *svg;

    for (i = 0; i < n; i++) {
        x[i] = (double)i;
        y[i] = (double)r->days[i].stored;
    }
    date_format(r->params.start, start);
    mk[nmk++] = (struct report_marker){ false, SIM_FILING_THRESHOLD, "100,000 (Art. 15)" };
    if (r->threshold_reached != FA_DATE_NONE)
        mk[nmk++] = (struct report_marker){ true,
            (double)(r->threshold_reached - r->params.start), "threshold reached" };
    if (r->filing_deadline != FA_DATE_NONE)
        mk[nmk++] = (struct report_marker){ true,
            (double)(r->filing_deadline - r->params.start), "filing deadline" };
    memset(&c, 0, sizeof c);
    c.title = "Simulated stored people";
    svg = xasprintf("days from %s", start);
    c.xlabel = svg;
    c.ylabel = "distinct people stored";
    c.series = &s;
    c.nseries = 1;
    c.markers = mk;
    c.nmarkers = nmk;
    strbuf_puts(sb, "<section class=\"article\" id=\"simulation\">\n<h2>Simulation</h2>\n");
    {
        char *chart = report_svg_chart(&c, 640, 300);

        strbuf_puts(sb, chart);
        free(chart);
    }
    free(svg);
    date_format(r->threshold_reached, d1);
    date_format(r->filing_deadline, d2);
    date_format(r->art15_failing_from, d3);
    /* every parameter the simulation assumed, from the scenario's facts or the defaults */
    if (o->in->nsim_params > 0) {
        size_t k;

        strbuf_puts(sb, "<table><tr><th>Parameter assumed</th><th>Value</th><th>Source</th>"
            "</tr>\n");
        for (k = 0; k < o->in->nsim_params; k++) {
            const struct report_sim_param *sp = &o->in->sim_params[k];

            strbuf_puts(sb, "<tr><td>");
            esc(o, sp->param);
            strbuf_puts(sb, "</td><td>");
            esc(o, sp->value);
            strbuf_puts(sb, "</td><td>");
            esc(o, sp->source);
            strbuf_puts(sb, "</td></tr>\n");
        }
        strbuf_puts(sb, "</table>\n");
    } else {
        if (r->params.retention_days < 0)
            snprintf(ret, sizeof ret, "unlimited");
        else
            snprintf(ret, sizeof ret, "%d days", r->params.retention_days);
        strbuf_printf(sb, "<table><tr><th>Parameters assumed</th><td>%d days from %s, seed %llu; "
        "%d devices, %.1f / %.1f arrivals per device per weekday / weekend day; population "
        "%lld, %lld stored at the start, returning %.0f%%; under 14 %.1f%% (guardian consent "
        "%.0f%%); refuse FR %.1f%%, alternative %s; enrolment %s, retention %s; FNMR %.3f%%, "
        "FPIR %.3f%%</td></tr></table>\n", r->params.days, start,
        (unsigned long long)r->params.seed, r->params.devices, r->params.weekday_mean,
        r->params.weekend_mean, (long long)r->params.population,
        (long long)r->params.initial_stored, r->params.returning_rate * 100,
        r->params.share_under14 * 100, r->params.guardian_consent * 100,
        r->params.share_refuse * 100, r->params.alternative ? "offered" : "none",
        sim_enrol_name(r->params.enrol), ret, r->params.fnmr * 100, r->params.fpir * 100);
    }
    strbuf_printf(sb, "<table><tr><th>Peak stored</th><td class=\"num\">%lld</td></tr>"
        "<tr><th>100,000 reached</th><td>%s</td></tr><tr><th>Filing deadline (30 working "
        "days)</th><td>%s%s</td></tr><tr><th>Art. 15 failing from</th><td>%s</td></tr>"
        "</table>\n</section>\n", (long long)r->peak_stored,
        r->threshold_reached != FA_DATE_NONE ? d1 : "never",
        r->filing_deadline != FA_DATE_NONE ? d2 : "none",
        r->deadline_approx ? " (approximate)" : "",
        r->art15_failing_from != FA_DATE_NONE ? d3 : "never");
    free(x);
    free(y);
}

static void
html_end(struct report_out *o)
{
    html_close_article(o);
    waivers_section(o);
    if (o->in->sc != NULL) {
        strbuf_puts(&o->sb, "<section class=\"article\" id=\"evidence\">\n");
        evidence_section(o);
        strbuf_puts(&o->sb, "</section>\n");
    }
    if (o->in->eval != NULL)
        report_html_eval_section(o, o->in->eval);
    if (o->in->sim != NULL)
        report_html_sim_section(o, o->in->sim);
    strbuf_puts(&o->sb, "</body>\n</html>\n");
}

const struct report_writer report_html_writer = {
    "html", "one self-contained HTML file, printable on A4", "html",
    html_begin, html_article, html_finding, html_end
};
