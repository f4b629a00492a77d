/* SPDX-License-Identifier: MIT */
#ifndef FA_REPORT_H
#define FA_REPORT_H
/*
 * report.h - an audit result turned into documents: the report writers
 * (text, json, csv, markdown, sarif, junit, html) behind one registry, the
 * comparison of a run with a baseline (SARIF baselineState), the diff of two
 * runs, and the Art. 9 impact-assessment record.
 *
 * WRITERS. report_writers[] is a const table; report_writer_find() looks a
 * writer up by --format name. report_render() drives one: begin, then for
 * each article 1..20 the article callback followed by the finding callback
 * of each of its findings (in result order), then end; report_write() streams
 * the text out as the writer produces it. Every writer shows the
 * score with and without waivers, and a finding whose waiver has expired is
 * a failure (its outcome stays fail; the writers say "waiver expired").
 * text and json call the rule engine's formatters (audit_write_text/json).
 *
 * SNAPSHOTS. A run reduced to what a diff compares (rule instance key, outcome,
 * severity, message, scores) comes from a fresh result, from a JSON result
 * file (`faceaudit audit --format json`) or from a stored audit run
 * (store_report.h). Diffs and baselines key findings on (rule id, entity).
 *
 * Ownership: returned strings and objects belong to the caller and are freed
 * with the matching _free(); input pointers are borrowed for the call.
 * Errors: NULL or -1 with *cause set (allocated, caller frees). Nothing here
 * prints.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "faceaudit/date.h"
#include "faceaudit/rule.h"

struct audit_article;
struct audit_finding;
struct audit_meta;
struct audit_result;
struct rule_pack;
struct scenario;
struct sim_result;
struct store;
struct waiver;
struct waivers;

/* --- snapshots, baselines and diffs ----------------------------------------- */

struct report_item {
    char *rule;      /* rule id */
    char *entity;    /* entity id, or NULL for deployment-wide rules */
    int article;
    char *clause;
    char *severity;  /* "low" .. "critical" */
    char *outcome;   /* "pass", "fail", ... (rule_outcome_name) */
    char *message;   /* may be NULL */
};

struct report_snapshot {
    char *label;     /* "run 12", "before.json", "current" */
    char *scenario;  /* scenario id */
    char *as_of;     /* YYYY-MM-DD */
    double score, score_no_waivers;
    char grade, grade_no_waivers;
    struct report_item *items;
    size_t n;
};

/* Parse a JSON text written by `faceaudit audit --format json`; NULL with *cause. */
struct report_snapshot *report_snapshot_from_json(const char *text, size_t len,
    const char *name, char **cause);
/* Largest JSON result file read. */
#define REPORT_MAX_JSON (256u << 20)
/*
 * A snapshot from ref: a JSON result file when ref names an existing file
 * (or st is NULL), else a stored audit run (id, name, latest, latest~N).
 */
struct report_snapshot *report_snapshot_load(struct store *st, const char *ref, char **cause);
/* An empty snapshot with label and scenario copied, for loaders to fill. */
struct report_snapshot *report_snapshot_new(const char *label, const char *scenario);
/* Append one item (strings copied; entity and message may be NULL). */
void report_snapshot_add(struct report_snapshot *s, const char *rule, const char *entity,
    int article, const char *clause, const char *severity, const char *outcome,
    const char *message);
void report_snapshot_free(struct report_snapshot *s);

/* SARIF baselineState of a current finding, or of a baseline-only one. */
enum report_bl {
    REPORT_BL_NONE,      /* no baseline given */
    REPORT_BL_NEW,       /* no finding with this key in the baseline */
    REPORT_BL_UNCHANGED, /* same key, same outcome */
    REPORT_BL_UPDATED,   /* same key, different outcome */
    REPORT_BL_ABSENT     /* in the baseline only */
};
/* "new", "unchanged", "updated", "absent" ("" for NONE) (static). */
const char *report_bl_name(enum report_bl s);

struct report_baseline {
    const struct report_snapshot *base; /* borrowed */
    enum report_bl *state;              /* one per current finding */
    const char **before;                /* baseline outcome per current finding, or NULL */
    size_t n;
    const struct report_item **absent;  /* baseline items with no current finding */
    size_t nabsent;
};

/* Compare a result with a baseline snapshot (both borrowed; caller frees). */
struct report_baseline *report_baseline_new(const struct report_snapshot *base,
    const struct audit_result *res);
void report_baseline_free(struct report_baseline *bl);

enum report_change {
    REPORT_NEW_FAILURE, /* fails now, did not before (or did not exist) */
    REPORT_FIXED,       /* failed before, does not now (or no longer exists) */
    REPORT_CHANGED,     /* another outcome change, added or removed instance */
    REPORT_UNCHANGED
};

struct report_diff_entry {
    enum report_change change;
    const struct report_item *a; /* NULL: only in B */
    const struct report_item *b; /* NULL: only in A */
};

struct report_diff {
    const struct report_snapshot *a, *b; /* borrowed */
    struct report_diff_entry *e;         /* new failures, fixed, changed, unchanged */
    size_t n;
    size_t count[4];                     /* per enum report_change */
};

/* Diff two snapshots (borrowed; they must outlive the diff). Caller frees. */
struct report_diff *report_diff_new(const struct report_snapshot *a,
    const struct report_snapshot *b);
void report_diff_free(struct report_diff *d);
/* The diff as text (unchanged only listed when verbose) or JSON; caller frees. */
char *report_diff_text(const struct report_diff *d, bool verbose);
char *report_diff_json(const struct report_diff *d);

/* --- charts (inline SVG) ------------------------------------------------------ */

struct report_series {
    const char *name;
    const double *x, *y;  /* n points; NaN or (log axis) <= 0 values are skipped */
    size_t n;
    bool bars;            /* draw as bars from 0 (histograms) instead of a line */
    bool right;           /* scaled on the right-hand y axis (report_chart.y2label) */
};

struct report_marker {
    bool vertical;        /* vertical line at x = value, else horizontal at y = value */
    double value;
    const char *label;
};

/* A marked point with its label (the operating threshold on a DET or ROC curve). */
struct report_point {
    double x, y;          /* a value off a log axis (<= 0) is drawn at the axis edge */
    const char *label;
};

/*
 * Bars scale their axis from 0 to their tallest bar exactly (the tallest bar
 * reaches the plot's top); series with .right get their own axis on the
 * right, labelled y2label, so two classes of very different sizes are both
 * readable. The legend sits above the plot area (never over a curve); a
 * point's label goes beside it on the side where it crosses no line.
 */
struct report_chart {
    const char *title;
    const char *xlabel, *ylabel;
    bool xlog, ylog;      /* decade axes */
    const struct report_series *series;
    size_t nseries;
    const struct report_marker *markers;
    size_t nmarkers;
    const char *y2label;  /* NULL: no right-hand axis */
    const struct report_point *points;
    size_t npoints;
};

/* One self-contained <svg> element (width x height px); caller frees. */
char *report_svg_chart(const struct report_chart *c, int width, int height);

/* Eval figures for the HTML report, as plain arrays (all borrowed). */
struct report_eval {
    const char *label;            /* dataset and protocol */
    const double *fmr, *fnmr;     /* DET/ROC points */
    size_t npoints;
    double hist_width;            /* histogram bin width */
    const uint64_t *hist_gen, *hist_imp;
    size_t nbins;
    const double *op_target, *op_threshold, *op_fmr, *op_fnmr; /* threshold table */
    size_t nops;
    double threshold;             /* the operating threshold (NaN: none) */
    double t_fmr, t_fnmr;         /* FMR and FNMR there */
};

/*
 * Eval figures computed with the eval module (eval.h) from genuine and
 * impostor distances: DET points, histograms (bin width 0.05 for distances
 * in [0, 2]), the threshold table at FMR 1e-1 .. 1e-4 and the FMR and FNMR
 * at threshold (the operating point marked on DET and ROC; NaN: none).
 * label is copied. Free with report_eval_free(); NULL when a class is empty.
 */
struct report_eval *report_eval_from_scores(const char *label, const double *gen, size_t ngen,
    const double *imp, size_t nimp, double threshold);
void report_eval_free(struct report_eval *ev);

struct eval_figures;
/*
 * Two eval runs' figures compared (text or JSON; caller frees): each figure
 * in both runs with its 95% interval, the delta and a verdict (within noise
 * when the intervals overlap, else better or worse). *nworse counts worse.
 */
char *report_eval_diff(const struct eval_figures *a, const char *la,
    const struct eval_figures *b, const char *lb, bool json, size_t *nworse);
/* The HTML eval section's data from a run's figures (borrowing f's histograms). */
struct report_eval *report_eval_from_figures(const char *label, const struct eval_figures *f);
void report_eval_fig_free(struct report_eval *ev);

/* --- findings grouped across devices ---------------------------------------------- */

/*
 * One group: the instances of one rule with the same outcome and waiver note
 * (a deployment-wide instance is a group of its own). The result may be
 * per device or already aggregated (audit_run_aggregated()).
 */
struct report_group {
    size_t first;      /* the representative finding of the result */
    const char **idv;  /* every entity covered, in natural order (NULL: deployment-wide) */
    size_t n;          /* instances covered */
    size_t of;         /* instances of the rule, any outcome ("412 of 1,000") */
    char *ids;         /* every entity compacted: "cam-0001..cam-0412, gate-7"; NULL when
                        * deployment-wide */
    size_t nruns;      /* ranges and single ids in ids */
    char *ids_short;   /* the same, at most max_runs ranges, then "and N more" */
    char *entity;      /* "412 of 1,000: ...", the view's entity (NULL: unchanged) */
    char *message;     /* the view's message when n > 1 (NULL: unchanged) */
};

struct report_groups {
    const struct audit_result *res; /* the per-device result (borrowed) */
    struct audit_result view;       /* one finding per group, strings borrowed; same counts,
                                     * articles and scores as res; never audit_result_free() */
    struct report_group *g;         /* one per view finding */
    size_t n;
};

/* Group res (borrowed; must outlive the groups); ids_short keeps max_runs runs. */
struct report_groups *report_groups_new(const struct audit_result *res, size_t max_runs);
void report_groups_free(struct report_groups *gs);
/* The group of a finding of gs->view, or NULL (not a view finding, or gs NULL). */
const struct report_group *report_group_of(const struct report_groups *gs,
    const struct audit_finding *vf);
/*
 * The groups as a JSON array written through w as a value (the "groups"
 * member of a grouped result), stepping o after each group (rule.h).
 */
struct jw;
void report_groups_write_json(struct jw *w, struct audit_out *o, const struct report_groups *gs);
/*
 * ids compacted into numbered runs ("cam-1..cam-9, door"); at most max_runs
 * runs (0: all) followed by "and N more"; *nruns (may be NULL) counts all
 * runs. Caller frees.
 */
char *report_ids_compact(const char *const *ids, size_t n, size_t max_runs, size_t *nruns);
/* Ranges of a group's devices shown in reports before "and N more" (all in the appendix). */
#define REPORT_MAX_RUNS 12
struct strbuf;
/* n with thousands separators ("1,000") into buf. */
void report_count_str(size_t n, char *buf, size_t size);

/* --- writers -------------------------------------------------------------------- */

/* The engagement on a deliverable's cover (all borrowed, each may be NULL). */
struct report_deliverable {
    const char *engagement;  /* engagement id */
    const char *auditor;
    fa_date report_date;     /* FA_DATE_NONE: not shown */
    const char *readings;    /* the legal readings applied; NULL: the pack's defaults */
};

/* A simulation parameter as assumed, for the simulation section: value and source. */
struct report_sim_param {
    const char *param;   /* "share_under14" */
    const char *value;   /* as printed */
    const char *source;  /* "deployment.subjects.share_under_14", "default", "option" */
};

struct report_input {
    const struct audit_result *res;
    const struct rule_pack *pack;
    const struct audit_meta *meta;
    const struct waivers *waivers;        /* NULL: none */
    const struct scenario *sc;            /* NULL: no deployment details or evidence */
    const struct report_baseline *baseline; /* NULL: no baseline */
    const struct report_eval *eval;       /* NULL: no eval section (html) */
    const struct sim_result *sim;         /* NULL: no simulation section (html) */
    const struct report_sim_param *sim_params; /* with sim: every parameter assumed and its */
    size_t nsim_params;                   /* source (0: the parameters in one line) */
    bool verbose;                         /* text: list passing findings too */
    const struct report_groups *groups;   /* NULL: per device; else grouped (res is the
                                           * per-device result) */
    const struct report_deliverable *deliv; /* grouped html/markdown: cover (may be NULL) */
    bool all;                             /* deliverable: expand passes and not-applicables */
};

struct report_out;

struct report_writer {
    const char *name;
    const char *summary;
    const char *ext;                      /* usual file extension */
    void (*begin)(struct report_out *o);
    void (*article)(struct report_out *o, const struct audit_article *a);
    void (*finding)(struct report_out *o, const struct audit_finding *fd, size_t index);
    void (*end)(struct report_out *o);
};

extern const struct report_writer *const report_writers[];

/* The writer called name, or NULL. */
const struct report_writer *report_writer_find(const char *name);
/* "text, json, csv, ..." (static). */
const char *report_writer_names(void);
/* Render in to the named format; allocated text or NULL with *cause (unknown format). */
char *report_render(const char *format, const struct report_input *in, char **cause);
/*
 * The same written to out as it is produced (the writer's text is handed
 * over in pieces of about 64 KB, so a report of a million devices is never
 * whole in memory). 0, or -1 with *cause (an unknown format, a write error).
 */
int report_write(const char *format, const struct report_input *in, FILE *out, char **cause);
/* report_write() to path atomically (fs_atomic_*): all of the report or none of it. */
int report_write_file(const char *format, const struct report_input *in, const char *path,
    char **cause);

/*
 * The deliverable as PDF: html printed by headless Chromium ($FACEAUDIT_CHROMIUM,
 * else chromium, chromium-browser or google-chrome on PATH) into outpath
 * (atomically). -1 with *cause saying how to get Chromium when it is missing.
 */
int report_pdf_write(const char *html, const char *outpath, char **cause);
/* The browser report_pdf_write() would run, or NULL (caller frees). */
char *report_pdf_browser(void);

/* How a waiver bears on a finding. */
enum report_waiver_state {
    REPORT_WAIVER_NONE,
    REPORT_WAIVER_ACTIVE,   /* applied: outcome waived */
    REPORT_WAIVER_EXPIRED,  /* expired: counts as a failure */
    REPORT_WAIVER_PENDING   /* starts after the as-of date */
};
/* The waiver of waivers matching fd (rule, scope), or NULL; *state filled. */
const struct waiver *report_waiver_for(const struct waivers *w, const struct audit_finding *fd,
    fa_date as_of, enum report_waiver_state *state);

/* --- the impact-assessment record (Art. 9) -------------------------------------- */

#define REPORT_PIA_RETAIN_YEARS 3

struct report_pia_opts {
    const struct scenario *sc;
    const struct audit_result *res;    /* NULL: no audit */
    const struct rule_pack *pack;      /* with res */
    const struct audit_meta *meta;     /* with res */
    fa_date prepared;                  /* date of the record */
    fa_date retain_until;              /* at least prepared + 3 years */
    fa_date review_due;                /* next scheduled review */
    bool html;                         /* HTML instead of Markdown */
};

/* The date three years after d (29 February maps to 28 February). */
fa_date report_pia_min_retention(fa_date d);
/* The record as Markdown or HTML; caller frees. */
char *report_pia_render(const struct report_pia_opts *o);

/* --- a replay's recorded footage (report_footage.c) ------------------------------ */

struct footage_result;
/*
 * The footage as a document: declared against observed for each finding on
 * an observed fact (with where the declared facts are written and the
 * recordings), the contradicted declared facts, the figures per device and
 * day. HTML (self-contained) or Markdown; caller frees.
 */
char *report_footage_render(const struct footage_result *fr, const char *title, bool html);

#endif /* FA_REPORT_H */
