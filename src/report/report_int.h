/* SPDX-License-Identifier: MIT */
#ifndef FA_REPORT_INT_H
#define FA_REPORT_INT_H
/*
 * report_int.h - what the writers of src/report/ share: the output state
 * handed to every callback, escaping for each target language, the
 * decisive location of a finding and the outcome labels.
 */

#include "faceaudit/report.h"
#include "faceaudit/rule.h"
#include "faceaudit/str.h"

struct scenario_entity;

struct report_out {
    struct strbuf sb;
    struct audit_out ao;   /* sb streamed out as it fills (report_write), see rule.h */
    const struct report_input *in;
    size_t nshown;      /* writer-private counters */
    int cur_article;
    bool first;
};

/* Escapers append s (NULL: nothing, or "null" for JSON) to sb. */
void report_json_str(struct strbuf *sb, const char *s);
void report_xml_str(struct strbuf *sb, const char *s);
void report_md_str(struct strbuf *sb, const char *s);
void report_csv_str(struct strbuf *sb, const char *s);

/* A "file:line:col" location split; false when where is NULL or has no line. */
struct report_loc {
    char file[1024];
    unsigned line, col;
};
bool report_loc_parse(const char *where, struct report_loc *loc);
/* A fact read by a rule, printed: its path and "file:line:col" ("" when nowhere). */
struct report_fact {
    char path[256];
    char where[1100];
};
void report_fact_view(const struct audit_fact *f, struct report_fact *v);

/*
 * The fact whose location best explains fd: a fact named in the deciding
 * condition, else the first unknown fact, else the first fact with a location.
 * NULL when no fact has one.
 */
const struct audit_fact *report_decisive_fact(const struct audit_finding *fd);

/*
 * The evidence entities backing the facts fd read: for a fact "G.x" of an
 * entity, the evidence named by that entity's "G.evidence" fact (looked up
 * with inheritance). Distinct, at most max; returns the count.
 */
size_t report_finding_evidence(const struct audit_finding *fd,
    const struct scenario_entity **out, size_t max);

/* The finding's waiver state (REPORT_WAIVER_NONE without waivers). */
enum report_waiver_state report_finding_waiver(const struct report_out *o,
    const struct audit_finding *fd, const struct waiver **wv);
/* "fail (waiver expired)", "waived", "pass", ... (static). */
const char *report_outcome_label(const struct report_out *o, const struct audit_finding *fd);
/* Baseline state of finding index i ("" without a baseline). */
enum report_bl report_finding_bl(const struct report_out *o, size_t i);
/* The facts of fd as "path = value (where); ..." (caller frees). */
char *report_facts_line(const struct audit_finding *fd);

/*
 * One document, two back ends (report_doc.c): HTML or Markdown written into
 * o's output. doc_put escapes text, doc_raw writes markup as is; a table has
 * n columns (head) and rows of n cells (NULL: empty); cls is an HTML class or
 * NULL.
 */
struct report_doc {
    struct report_out *o;
    bool html;
};
void doc_put(struct report_doc *d, const char *s);
void doc_raw(struct report_doc *d, const char *s);
void doc_heading(struct report_doc *d, int level, const char *cls, const char *text);
void doc_para_begin(struct report_doc *d, const char *cls);
void doc_para_end(struct report_doc *d);
void doc_bold(struct report_doc *d, const char *s);
void doc_table_begin(struct report_doc *d, const char *cls, const char *const *head, size_t n);
void doc_table_row(struct report_doc *d, const char *const *cell, size_t n);
void doc_table_end(struct report_doc *d);

/* "pass", "fail", "not applicable", "needs evidence", ... in words (static). */
const char *report_outcome_words(enum rule_outcome oc);
/* The HTML report's eval and simulation sections (report_html.c), for the deliverable too. */
void report_html_eval_section(struct report_out *o, const struct report_eval *ev);
void report_html_sim_section(struct report_out *o, const struct sim_result *r);

extern const struct report_writer report_text_writer, report_json_writer, report_csv_writer,
    report_md_writer, report_sarif_writer, report_junit_writer, report_html_writer,
    report_deliver_html_writer, report_deliver_md_writer;

#endif /* FA_REPORT_INT_H */
