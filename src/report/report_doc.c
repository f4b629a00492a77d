/* SPDX-License-Identifier: MIT */
/*
 * report_doc.c - one document, two back ends: the headings, paragraphs,
 * bold text and tables of a report written as HTML (escaped for XML) or as
 * Markdown (escaped for Markdown) into a report's output, so a document
 * model such as the deliverable (report_deliver.c) or the impact-assessment
 * record (report_pia.c) is written once for both formats.
 */
#include "config.h"

#include <stdio.h>

#include "report/report_int.h"

void
doc_put(struct report_doc *d, const char *s)
{
    if (d->html)
        report_xml_str(&d->o->sb, s);
    else
        report_md_str(&d->o->sb, s);
}

void
doc_raw(struct report_doc *d, const char *s)
{
    strbuf_puts(&d->o->sb, s);
}

void
doc_heading(struct report_doc *d, int level, const char *cls, const char *text)
{
    if (d->html) {
        if (cls != NULL)
            strbuf_printf(&d->o->sb, "<h%d class=\"%s\">", level, cls);
        else
            strbuf_printf(&d->o->sb, "<h%d>", level);
        doc_put(d, text);
        strbuf_printf(&d->o->sb, "</h%d>\n", level);
    } else {
        strbuf_printf(&d->o->sb, "\n%.*s ", level, "####");
        doc_put(d, text);
        doc_raw(d, "\n\n");
    }
}

void
doc_para_begin(struct report_doc *d, const char *cls)
{
    if (d->html)
        strbuf_printf(&d->o->sb, cls != NULL ? "<p class=\"%s\">" : "<p>", cls);
}

void
doc_para_end(struct report_doc *d)
{
    doc_raw(d, d->html ? "</p>\n" : "\n\n");
}

void
doc_bold(struct report_doc *d, const char *s)
{
    doc_raw(d, d->html ? "<b>" : "**");
    doc_put(d, s);
    doc_raw(d, d->html ? "</b>" : "**");
}

void
doc_table_begin(struct report_doc *d, const char *cls, const char *const *head, size_t n)
{
    size_t i;

    if (d->html)
        strbuf_printf(&d->o->sb, cls != NULL ? "<table class=\"%s\"><tr>" : "<table><tr>", cls);
    else
        doc_raw(d, "|");
    for (i = 0; i < n; i++) {
        doc_raw(d, d->html ? "<th>" : " ");
        doc_put(d, head[i]);
        doc_raw(d, d->html ? "</th>" : " |");
    }
    if (d->html) {
        doc_raw(d, "</tr>\n");
    } else {
        doc_raw(d, "\n|");
        for (i = 0; i < n; i++)
            doc_raw(d, "---|");
        doc_raw(d, "\n");
    }
}

void
doc_table_row(struct report_doc *d, const char *const *cell, size_t n)
{
    size_t i;

    doc_raw(d, d->html ? "<tr>" : "|");
    for (i = 0; i < n; i++) {
        doc_raw(d, d->html ? "<td>" : " ");
        doc_put(d, cell[i] != NULL ? cell[i] : "");
        doc_raw(d, d->html ? "</td>" : " |");
    }
    doc_raw(d, d->html ? "</tr>\n" : "\n");
}

void
doc_table_end(struct report_doc *d)
{
    doc_raw(d, d->html ? "</table>\n" : "\n");
}
