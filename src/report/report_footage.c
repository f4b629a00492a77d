/* SPDX-License-Identifier: MIT */
/*
 * report_footage.c - a replay's recorded footage as a document (replay
 * --format html|markdown): declared against observed for every finding of
 * the rule pack on an observed fact (rule, outcome, message; the declared
 * facts with where they are written; the observed values; the recordings
 * and the method), then the declared facts the footage contradicts and the
 * figures per device and day. Self-contained HTML (inline style, nothing
 * fetched), or Markdown tables.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "faceaudit/date.h"
#include "faceaudit/report.h"
#include "faceaudit/rule.h"
#include "faceaudit/sim.h"
#include "faceaudit/str.h"
#include "report_int.h"

static const char css[] =
    "body{font:14px/1.45 sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
    "table{border-collapse:collapse;width:100%;margin:.6em 0}"
    "th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}"
    "th{background:#f3f3f3}.small{font-size:12px;color:#555}"
    ".fail{color:#a00;font-weight:bold}.pass{color:#070}.advisory{color:#850}"
    "ul{margin:0;padding-left:1.1em}";

struct doc {
    struct strbuf *sb;
    bool html;
};

static void
text(struct doc *d, const char *s)
{
    if (d->html)
        report_xml_str(d->sb, s != NULL ? s : "");
    else
        report_md_str(d->sb, s != NULL ? s : "");
}

/* "a; b; c" as a list (HTML) or with line breaks (Markdown). */
static void
list(struct doc *d, const char *s)
{
    const char *p = s, *q;

    if (s == NULL || *s == '\0') {
        strbuf_puts(d->sb, d->html ? "<span class=\"small\">none</span>" : "none");
        return;
    }
    if (d->html)
        strbuf_puts(d->sb, "<ul>");
    for (;;) {
        char part[1024];
        size_t n;

        q = strstr(p, "; ");
        n = q != NULL ? (size_t)(q - p) : strlen(p);
        if (n >= sizeof part)
            n = sizeof part - 1;
        memcpy(part, p, n);
        part[n] = '\0';
        strbuf_puts(d->sb, d->html ? "<li>" : (p == s ? "" : "<br>"));
        text(d, part);
        if (d->html)
            strbuf_puts(d->sb, "</li>");
        if (q == NULL)
            break;
        p = q + 2;
    }
    if (d->html)
        strbuf_puts(d->sb, "</ul>");
}

static void
cell_begin(struct doc *d)
{
    strbuf_puts(d->sb, d->html ? "<td>" : " ");
}

static void
cell_end(struct doc *d)
{
    strbuf_puts(d->sb, d->html ? "</td>" : " |");
}

static void
head(struct doc *d, const char *const *cols)
{
    size_t i;

    strbuf_puts(d->sb, d->html ? "<table><tr>" : "\n|");
    for (i = 0; cols[i] != NULL; i++)
        strbuf_printf(d->sb, d->html ? "<th>%s</th>" : " %s |", cols[i]);
    strbuf_puts(d->sb, d->html ? "</tr>\n" : "\n|");
    for (i = 0; !d->html && cols[i] != NULL; i++)
        strbuf_puts(d->sb, "---|");
    strbuf_puts(d->sb, "\n");
}

static void
findings(struct doc *d, const struct footage_result *fr)
{
    static const char *const cols[] = { "Day", "Device", "Rule", "Outcome", "Declared",
        "Observed", "Footage", NULL };
    size_t i;

    strbuf_puts(d->sb, d->html ? "<h2>Declared against observed</h2>\n<p>" :
        "\n## Declared against observed\n\n");
    text(d, "Each finding of the rule pack that read an observed fact, from the audit of the "
        "day the footage was recorded: the declared facts the rule read (with where they are "
        "written), the observed values, and the recordings they come from. A device without "
        "footage that day is not applicable to these rules, never passed.");
    strbuf_puts(d->sb, d->html ? "</p>\n" : "\n");
    if (fr->nfindings == 0) {
        strbuf_puts(d->sb, d->html ? "<p>No finding read an observed fact.</p>\n" :
            "\nNo finding read an observed fact.\n");
        return;
    }
    head(d, cols);
    for (i = 0; i < fr->nfindings; i++) {
        const struct footage_finding *f = &fr->findings[i];
        const char *oc = rule_outcome_name((enum rule_outcome)f->outcome);
        char day[11];

        date_format(f->date, day);
        strbuf_puts(d->sb, d->html ? "<tr>" : "|");
        cell_begin(d);
        text(d, day);
        cell_end(d);
        cell_begin(d);
        text(d, f->device);
        cell_end(d);
        cell_begin(d);
        text(d, f->rule_id);
        strbuf_printf(d->sb, d->html ? " <span class=\"small\">(Art. %d)</span>" : " (Art. %d)",
            f->article);
        if (f->message != NULL) {
            strbuf_puts(d->sb, d->html ? "<br><span class=\"small\">" : "<br>");
            text(d, f->message);
            if (d->html)
                strbuf_puts(d->sb, "</span>");
        }
        cell_end(d);
        cell_begin(d);
        if (d->html)
            strbuf_printf(d->sb, "<span class=\"%s\">%s</span>", oc, oc);
        else
            strbuf_printf(d->sb, "**%s**", oc);
        cell_end(d);
        cell_begin(d);
        list(d, f->declared);
        cell_end(d);
        cell_begin(d);
        list(d, f->observed);
        cell_end(d);
        cell_begin(d);
        text(d, f->provenance);
        cell_end(d);
        strbuf_puts(d->sb, d->html ? "</tr>\n" : "\n");
    }
    if (d->html)
        strbuf_puts(d->sb, "</table>\n");
}

static void
contradictions(struct doc *d, const struct footage_result *fr)
{
    static const char *const cols[] = { "Day", "Device", "Fact", "Declared", "Observed",
        "Footage", NULL };
    size_t i;

    if (fr->ncontra == 0)
        return;
    strbuf_puts(d->sb, d->html ? "<h2>Declared facts the footage contradicts</h2>\n" :
        "\n## Declared facts the footage contradicts\n");
    head(d, cols);
    for (i = 0; i < fr->ncontra; i++) {
        const struct footage_contradiction *c = &fr->contra[i];
        const char *v[6];
        char day[11];
        size_t k;

        date_format(c->date, day);
        v[0] = day, v[1] = c->device, v[2] = c->fact, v[3] = c->declared, v[4] = c->observed;
        v[5] = c->provenance;
        strbuf_puts(d->sb, d->html ? "<tr>" : "|");
        for (k = 0; k < 6; k++) {
            cell_begin(d);
            text(d, v[k]);
            cell_end(d);
        }
        strbuf_puts(d->sb, d->html ? "</tr>\n" : "\n");
    }
    if (d->html)
        strbuf_puts(d->sb, "</table>\n");
}

static void
days(struct doc *d, const struct footage_result *fr)
{
    static const char *const cols[] = { "Device", "Day", "Recordings", "Tracks", "People",
        "Outside the area", "Most in view", "Bystander tracks", "Under 14", NULL };
    size_t i;

    strbuf_puts(d->sb, d->html ? "<h2>Observed per device and day</h2>\n" :
        "\n## Observed per device and day\n");
    head(d, cols);
    for (i = 0; i < fr->n; i++) {
        const struct footage_day *y = &fr->days[i];
        char day[11], out[64], u14[64], rec[32], tr[24], pe[24], mv[16], by[24];
        const char *v[9];
        size_t k;

        date_format(y->date, day);
        if (y->has_area && y->tracks > 0)
            snprintf(out, sizeof out, "%" PRId64 " (%.0f%%)", y->tracks_outside,
                100.0 * (double)y->tracks_outside / (double)y->tracks);
        else
            snprintf(out, sizeof out, "not measured");
        if (y->aged > 0 && !isnan(y->under14_share))
            snprintf(u14, sizeof u14, "%.0f%% (%.0f-%.0f%%) of %d aged",
                100 * y->under14_share, 100 * y->under14_lo, 100 * y->under14_hi, y->aged);
        else
            snprintf(u14, sizeof u14, "not measured");
        snprintf(rec, sizeof rec, "%d", y->recordings);
        snprintf(tr, sizeof tr, "%" PRId64, y->tracks);
        snprintf(pe, sizeof pe, "%" PRId64, y->people);
        snprintf(mv, sizeof mv, "%d", y->max_in_view);
        snprintf(by, sizeof by, "%" PRId64, y->tracks_with_others);
        v[0] = y->device, v[1] = day, v[2] = rec, v[3] = tr, v[4] = pe, v[5] = out, v[6] = mv;
        v[7] = by, v[8] = u14;
        strbuf_puts(d->sb, d->html ? "<tr>" : "|");
        for (k = 0; k < 9; k++) {
            cell_begin(d);
            text(d, v[k]);
            if (k == 2 && y->files != NULL) {
                strbuf_puts(d->sb, d->html ? "<br><span class=\"small\">" : "<br>");
                text(d, y->files);
                if (d->html)
                    strbuf_puts(d->sb, "</span>");
            }
            cell_end(d);
        }
        strbuf_puts(d->sb, d->html ? "</tr>\n" : "\n");
    }
    if (d->html)
        strbuf_puts(d->sb, "</table>\n");
}

char *
report_footage_render(const struct footage_result *fr, const char *title, bool html)
{
    struct strbuf sb;
    struct doc d = { &sb, html };

    strbuf_init(&sb);
    if (html) {
        strbuf_puts(&sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
            "\n<title>faceaudit replay: ");
        text(&d, title);
        strbuf_printf(&sb, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>Recorded footage: ",
            css);
        text(&d, title);
        strbuf_puts(&sb, "</h1>\n<p class=\"small\">");
    } else {
        strbuf_puts(&sb, "# Recorded footage: ");
        text(&d, title);
        strbuf_puts(&sb, "\n\n");
    }
    strbuf_printf(&sb, "%zu recordings. Method: ", fr->files);
    text(&d, fr->method);
    strbuf_puts(&sb, html ? "</p>\n" : "\n");
    findings(&d, fr);
    contradictions(&d, fr);
    days(&d, fr);
    strbuf_puts(&sb, html ? "</body>\n</html>\n" : "");
    return strbuf_detach(&sb);
}
