/* SPDX-License-Identifier: MIT */
/*
 * app.h - the application layer: one function per operation a user can
 * start, under both front ends (doc/HACKING.md, "Layers").
 *
 * Each operation takes a params struct whose defaults are set in one place
 * (app_<op>_params_default()), reports progress and polls for cancellation
 * through one struct app_progress, stores what it runs in the session's
 * database, and returns a result struct that the caller prints and frees
 * with app_<op>_result_free(). The CLI turns argv into params and prints the
 * result; the TUI fills the same params from its forms. Functions returning
 * a pointer give NULL with *cause (allocated, caller frees); nothing here
 * prints.
 *
 * Adding an option: one field in the params struct, its default in
 * app_<op>_params_default(), one getopt case in the command.
 *
 * Why this file is long: it is the whole contract between the front ends
 * and the modules, every operation's params and result structs with their
 * ownership rules, kept in one header so that the CLI and the TUI read the
 * same list (the sections follow the commands).
 */
#ifndef FA_APP_H
#define FA_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "faceaudit/date.h"
#include "faceaudit/dataset.h"
#include "faceaudit/match.h"
#include "faceaudit/models.h"
#include "faceaudit/recog_pool.h"
#include "faceaudit/eval.h"
#include "faceaudit/rule.h"
#include "faceaudit/report.h"
#include "faceaudit/sim.h"
#include "faceaudit/store_gallery.h"
#include "faceaudit/store_log.h"
#include "faceaudit/store_report.h"
#include "faceaudit/store_thumb.h"
#include "faceaudit/video.h"

struct store;
struct scenario;
struct calendar;
struct waivers;
struct sim_result;

/* --- the session ------------------------------------------------------------- */

/* A session: the database path and the database, opened (and migrated) on first use. */
struct app;

/* A session on db_path (NULL: $FACEAUDIT_DB or the default under the data folder). */
struct app *app_new(const char *db_path);
void app_free(struct app *a);
/* The database path in use (after app_store(), the resolved default). */
const char *app_db_path(struct app *a);
/* The database, opened on first use; NULL with *cause ("database: ..."). */
struct store *app_store(struct app *a, char **cause);

/*
 * Progress and cancellation of long operations. progress() may be called
 * from worker threads (one at a time); cancel_requested() is polled from
 * worker threads between units of work. Either may be NULL; a NULL
 * struct app_progress means neither.
 */
struct app_progress {
    void (*progress)(void *user, const char *what, size_t done, size_t total);
    bool (*cancel_requested)(void *user);
    void *user;
};

/* The cause string of a cancelled operation ("cancelled"). */
#define APP_CANCELLED "cancelled"

/* --- audit -------------------------------------------------------------------- */

struct app_audit_params {
    const char *scenario_path;     /* the scenario file (unless scenario is set) */
    struct scenario *scenario;     /* a loaded (edited) model to audit instead: borrowed */
    const char *rules_dir;         /* NULL: $FACEAUDIT_RULES or the installed pack */
    struct rule_pack *pack;        /* loaded pack and calendar to use: borrowed (both or neither) */
    struct calendar *cal;
    fa_date as_of;                 /* FA_DATE_NONE: the scenario's as_of, else today */
    const char *waivers_path;      /* NULL: none */
    bool save;                     /* record the run and its findings (default true) */
    const char *baseline;          /* stored run reference or JSON result file, or NULL */
    bool simulate;                 /* add the simulated stored-person curve (html) */
    const char *eval_ref;          /* add a stored eval run's figures (html), or NULL */
    const char *expect_path;       /* compare with an expected-outcomes file, or NULL */
    const char *const *readings;   /* "NAME=ALT" alternatives of contested readings (--reading) */
    size_t nreadings;
    bool per_device;               /* one finding per rule instance, not grouped across devices */
    bool instances;                /* the output needs every instance (SARIF): never aggregate */
    bool all;                      /* the deliverable lists passes and not-applicables too */
    struct report_deliverable deliv; /* the deliverable's cover (report date default: today) */
    /* the scenario's load warnings, as they occur (NULL: dropped) */
    void (*warn)(void *user, const char *msg);
    void *warn_user;
};

void app_audit_params_default(struct app_audit_params *p);

struct app_audit_result {
    struct audit_result *res;
    struct audit_meta meta;        /* strings owned by the result */
    struct report_input rin;       /* ready for report_render() (set rin.verbose, meta.color) */
    int64_t run_id;                /* the stored run, or -1 */
    size_t thumbs_kept;            /* replay --keep-thumbnails: thumbnails stored */
    fa_date thumbs_expire;         /* their expiry day (when thumbs_kept > 0) */
    const char *not_saved;         /* why a run asked to be saved was not (no score), or NULL */
    int expect_bad;                /* outcomes differing from expect_path (-1: not checked) */
    char *expect_log;              /* the comparison's log, or NULL */
    /* owned */
    struct rule_pack *pack;
    struct calendar *cal;
    struct scenario *sc;
    struct waivers *wv;
    char *years;
    struct report_snapshot *base;
    struct report_baseline *bl;
    struct report_groups *groups;
    struct report_deliverable deliv;
    struct sim_result *sim;
    struct app_sim_source *sim_src; /* --simulate: every parameter and its source */
    size_t nsim_src;
    struct report_sim_param *sim_params; /* the same for the report (rin.sim_params) */
    struct eval_result *evres;
    struct eval_figures evfig;
    struct report_eval *revl;
};

/* Load, audit, add the report extras and store the run; NULL with *cause. */
struct app_audit_result *app_audit(struct app *a, const struct app_audit_params *p,
    char **cause);
void app_audit_result_free(struct app_audit_result *r);

/* --- scenarios (app_scenario.c) --------------------------------------------------- */

struct app_scenario_check_params {
    bool strict;                   /* warnings fail the check too */
    bool unknown;                  /* list the unknown facts that can change a verdict */
    const char *rules_dir;         /* the pack for unknown (NULL: the installed one) */
    struct rule_pack *pack;        /* loaded pack and calendar (both or neither; borrowed */
    struct calendar *cal;          /* unless app_scenario_check_load_pack() loaded them) */
    bool own_pack;
};

void app_scenario_check_params_default(struct app_scenario_check_params *p);
/* Load the pack and calendar once for many checks with unknown; 0, or -1 with *cause. */
int app_scenario_check_load_pack(struct app_scenario_check_params *p, char **cause);
/* Free what app_scenario_check_load_pack() loaded. */
void app_scenario_check_params_free(struct app_scenario_check_params *p);

/* An unknown fact that can change a verdict (audit_unknowns(), rule.h). */
struct app_scenario_unknown {
    char *fact;                    /* "device.signage.prominent" */
    const char *severity;          /* of the most severe rule it decides */
    char **rules;                  /* rule ids, most severe first */
    size_t nrules;
    size_t entities;               /* devices it is unknown on (0: the deployment) */
};

/* A load error, a load warning or a cross-check problem: "FILE:LINE:COL: ..." */
struct app_scenario_problem {
    char *message;
    bool warning;
};

struct app_scenario_check_result {
    char *path;
    bool loaded;                   /* false: problems holds the load errors */
    char *id, *name;               /* the deployment's id and name (NULL: not given) */
    size_t sites, zones, devices, from_inventory, evidence, filing_changes;
    size_t facts_known, facts_unknown, facts_absent; /* unknown: written as unknown */
    size_t evidence_status[4];     /* ok, mismatch, missing, unchecked */
    char *sha256;
    struct app_scenario_problem *problems; /* warnings first, then cross-checks */
    size_t nproblems;
    size_t errors, warnings;
    bool failed;                   /* errors, or warnings with strict */
    bool have_unknown;             /* unknown was asked and the file had no errors */
    struct app_scenario_unknown *unknown;
    size_t nunknown;
    char *unknown_error;           /* the audit behind unknown failed, or NULL */
};

/*
 * Load and cross-check a scenario file, hash its evidence, count its facts
 * and (unknown) rank its unknown facts. Always a result: a file that does
 * not load has loaded false and its errors in problems. With p->unknown and
 * no pack, the pack is loaded per call; NULL with *cause only when that
 * fails.
 */
struct app_scenario_check_result *app_scenario_check(const char *path,
    const struct app_scenario_check_params *p, char **cause);
void app_scenario_check_result_free(struct app_scenario_check_result *r);

/* One fact of the scenario schema (`scenario facts`; strings static). */
struct app_fact_schema {
    const char *kind, *path, *type; /* "device", "signage.present", "bool" */
    const char *const *values;     /* enum and set values (NULL-terminated), or NULL */
    const char *unit, *summary;    /* unit or NULL; one line */
    const char *articles;          /* "8" or "13,19", or NULL */
    bool inherited, computed;
};

/*
 * The schema's facts of one entity kind (NULL: every kind) in schema order
 * (free() the array); NULL with *cause naming the kinds when kind is unknown.
 */
struct app_fact_schema *app_scenario_facts(const char *kind, size_t *n, char **cause);

/* A scenario file loaded for get, set or upgrade (evidence not hashed); NULL with *cause. */
struct scenario *app_scenario_open(const char *path, char **cause);
void app_scenario_close(struct scenario *sc);

/* One fact's value and where it came from (app_scenario_get). */
struct app_fact {
    char *value;                   /* as written in YAML ("unknown" when unknown or absent) */
    bool absent;                   /* not given */
    bool known;                    /* neither absent nor written as unknown */
    const char *from_kind;         /* inherited from this kind's entity, or NULL */
    char *from_id;
    char *file;                    /* where it was written, or NULL */
    unsigned line, col;
    char *hint;                    /* an old spelling of the path was used, or NULL */
};

/* Read fact ref ("device:gate-1.location") of sc; 0, or -1 with *cause. */
int app_scenario_get(const struct scenario *sc, const char *ref, struct app_fact *out,
    char **cause);
void app_fact_free(struct app_fact *f);
/*
 * Apply one "REF=VALUE" (VALUE "unknown" makes the fact unknown) to sc;
 * *hint (allocated or NULL) when REF is an old spelling. 0, or -1 with *cause.
 */
int app_scenario_set(struct scenario *sc, const char *assignment, char **hint, char **cause);

/*
 * Write sc to path atomically (scenario_save()); version 0 writes the
 * format the facts need (2 with a dated history, else 1), 2 the current
 * format (`scenario upgrade`). 0, or -1 with *cause.
 */
int app_scenario_save(const struct scenario *sc, const char *path, int version, char **cause);

/* --- the rule pack (app_rules.c) ------------------------------------------------- */

struct app_rule_row {
    int article;
    const char *id, *clause, *severity, *title;
    bool waivable, advisory;
};

struct app_article_row {
    const struct rule_article_info *info;
    struct app_rule_row *rules;    /* the article's rules, in pack order (into the list's) */
    size_t nrules;
};

struct app_rules_list {
    struct app_article_row *articles; /* articles the pack declares, by number */
    size_t narticles;
    struct app_rule_row *rules;    /* every rule, grouped by article */
    size_t nrules;
    const char *hash;              /* the pack hash */
    struct rule_pack *pack;        /* owned: the strings above are its */
};

/* The pack in rules_dir (NULL: $FACEAUDIT_RULES or the installed one) as rows; NULL with *cause. */
struct app_rules_list *app_rules_list(const char *rules_dir, char **cause);
void app_rules_list_free(struct app_rules_list *l);
/* One article or rule as `rules show` prints it (every string owned). */
struct app_rules_show {
    int article;                   /* the article shown, or the rule's */
    char *rule;                    /* the rule's id, or NULL for an article */
    char *where;                   /* the article's file, or the rule's file:line */
    char *title_en, *title_zh;     /* the article's titles */
    char *confidence, *source;     /* the article's (NULL for a rule) */
    char *clause, *clause_text;    /* the rule's clause and its text (NULL for an article;
                                      clause_text NULL when the pack lacks it) */
    char *unverified;              /* why the article's wording is unverified, or NULL */
    char *text;                    /* the canonical form (rule_format, rule_pack_format_article) */
};

/*
 * One article (1..20) or rule (FRT-...) with its metadata and canonical
 * form into *out (app_rules_show_done()). -1 with *cause; *usage set when
 * what is neither an article nor a rule id.
 */
int app_rules_show(const char *rules_dir, const char *what, struct app_rules_show *out,
    bool *usage, char **cause);
void app_rules_show_done(struct app_rules_show *s);

struct app_rules_lint_result {
    char *log;                     /* one line per problem */
    size_t problems;
    size_t nrules;                 /* rules checked */
};

/*
 * Lint one rule file (file) or the whole pack (NULL), the pack's clause
 * coverage by its golden cases included. -1 with *cause when it does not
 * load (parse or type errors: the lint fails).
 */
int app_rules_lint(const char *rules_dir, const char *file, struct app_rules_lint_result *out,
    char **cause);
void app_rules_lint_result_done(struct app_rules_lint_result *r);
/* The golden cases of the pack's tests/ folder; rule_test_report_done(rep). -1 with *cause. */
int app_rules_test(const char *rules_dir, struct rule_test_report *rep, char **cause);

/* --- the working-day calendar (app_calendar.c) ------------------------------------- */

enum app_calendar_op {
    APP_CALENDAR_ADD,              /* the nth working day after date */
    APP_CALENDAR_BETWEEN,          /* working days after date up to and including date2 */
    APP_CALENDAR_SHOW              /* whether date is a working day, and its holiday */
};

#define APP_CALENDAR_MAX_DAYS 100000

struct app_calendar_params {
    enum app_calendar_op op;
    fa_date date, date2;           /* date2: between only */
    int n;                         /* add only: 0..APP_CALENDAR_MAX_DAYS */
    const char *rules_dir;         /* the calendar is its calendar/ (NULL: the pack's folder) */
};

void app_calendar_params_default(struct app_calendar_params *p);

struct app_calendar_result {
    enum app_calendar_op op;
    fa_date date;                  /* as asked */
    fa_date date2;                 /* add: the day found; between: as asked */
    int days;                      /* add: n as asked; between: the working days counted */
    bool working;                  /* show: date is a working day */
    char *holiday;                 /* show: the holiday or adjusted day's name, or NULL */
    bool approximate;              /* a year without data was counted on weekends only */
    char *version;                 /* the calendar data's hash */
    char *years;                   /* the years with data ("2025,2026") */
};

/* Load the calendar data and answer one question; NULL with *cause. */
struct app_calendar_result *app_calendar(const struct app_calendar_params *p, char **cause);
void app_calendar_result_free(struct app_calendar_result *r);

/* --- evaluation ---------------------------------------------------------------- */

struct app_eval_params {
    const char *dataset;           /* manifest, folder, pairs.txt, imglab file or shipped name */
    struct eval_params eval;       /* protocol, threshold, seed, sampling, shard, jobs */
    struct ds_options ds;          /* dataset format, image limit */
    const char *save;              /* store the run under this name, or NULL */
    bool save_unique;              /* a taken save name gets -2, -3, ... (the TUI's names) */
    const char *resume;            /* continue this killed run, or NULL */
    const char *baseline;          /* compare with this stored run, or NULL */
    const char *gate_path;         /* YAML gate file, or NULL */
    const char *descriptors;       /* another system's descriptors (CSV), or NULL */
    const char *detections;        /* another system's detections (CSV), or NULL */
    struct eval_recog_opts recog;  /* the built-in engine: detector, input size, min score,
                                    * one face, min face (protocol and crops from eval) */
    bool allow_missing;            /* a file that cannot be opened fails to acquire (default:
                                    * a dataset error listing every one) */
    bool keep_cancelled;           /* a cancelled stored run stays resumable (`--resume`,
                                    * status running, its descriptors kept) instead of failed */
};

void app_eval_params_default(struct app_eval_params *p);
/* Combinations that cannot work (--shard without --save, ...); -1 with *cause. */
int app_eval_params_check(const struct app_eval_params *p, char **cause);

struct app_eval_result {
    struct eval_result *res;
    struct eval_figures fig;
    char *json;                    /* the figures document (faceaudit-eval-figures/1) */
    char *saved_as;                /* the stored run's name, or NULL */
    size_t resumed;                /* descriptors taken from the killed run (resume) */
    struct eval_result *base;      /* the baseline run, or NULL */
    struct eval_figures base_fig;
    int gate_failed;               /* failed gate checks (-1: no gate) */
    char *gate_report;             /* the gate's report, or NULL */
};

/*
 * Run an evaluation (or continue a killed one), store it, compare with a
 * baseline and apply a gate. Cancellation ends the run with cause
 * APP_CANCELLED and marks a stored run failed (keep_cancelled: leaves it
 * to resume).
 */
struct app_eval_result *app_eval(struct app *a, const struct app_eval_params *p,
    const struct app_progress *pr, char **cause);
/*
 * Merge stored shard runs (each "NAME", "#ID" or "DBFILE:NAME") into the
 * single-run result, stored as save when not NULL.
 */
struct app_eval_result *app_eval_merge(struct app *a, char *const *runs, size_t n,
    const char *save, char **cause);
/*
 * A stored eval run with its figures recomputed from the stored scores;
 * *stored (allocated) is the figures document stored with it.
 */
struct app_eval_result *app_eval_show(struct app *a, const char *name, char **stored,
    char **cause);
void app_eval_result_free(struct app_eval_result *r);

/* --- simulation and replay -------------------------------------------------------- */

struct app_simulate_params {
    const char *scenario_path;     /* the scenario with its simulation: facts */
    struct scenario *scenario;     /* a loaded model instead (borrowed; the timeline writes
                                      the simulated facts into it) */
    struct rule_pack *pack;        /* loaded pack and calendar (borrowed, both or neither) */
    struct calendar *cal;
    const struct sim_params *sim;  /* parameters as they are (the TUI's), or NULL: the
                                      scenario's with the overrides below */
    int days;                      /* 0: the scenario's */
    fa_date start;                 /* FA_DATE_NONE: the scenario's */
    bool seed_set;
    uint64_t seed;
    double fnmr, fpir;             /* NaN: the scenario's */
    const char *errors_run;        /* FNMR and FPIR from this stored eval run, or NULL */
    const char *images;            /* image mode on this labelled dataset, or NULL */
    bool cropped;                  /* image mode: the images are face crops */
    double threshold;              /* NaN: the eval run's, or 0.6 in image mode */
    bool timeline;                 /* audit each day (default true) */
    bool save;                     /* store the run (default true) */
    const char *name;              /* the stored run's name, or NULL */
    const char *const *readings;   /* "NAME=ALT" for the timeline's audits when pack is NULL
                                      (--reading) */
    size_t nreadings;
    const struct app_progress *pr; /* cancellation (image mode: before each image; else
                                      between the phases), or NULL */
};

void app_simulate_params_default(struct app_simulate_params *p);

struct app_sim_result {
    struct sim_result *res;
    struct sim_timeline tl;
    bool have_tl;
    char *errnote;                 /* where the error rates came from, or NULL */
    struct replay_stats stats;     /* replay only */
    struct footage_result footage; /* replay of footage (footage.csv) only */
    bool have_footage;
    float threshold;               /* replay: the threshold used */
    int64_t run_id;                /* the stored run, or -1 */
    size_t thumbs_kept;            /* replay --keep-thumbnails: thumbnails stored */
    fa_date thumbs_expire;         /* their expiry day (when thumbs_kept > 0) */
    bool thumbs_asked;             /* --keep-thumbnails given and the run stored */
    const char *not_saved;         /* why a run asked to be saved was not (no score), or NULL */
    /* owned */
    struct rule_pack *pack;
    struct calendar *cal;
    struct scenario *sc;
    struct app_sim_images *im;
};

/*
 * Simulate (and store) a deployment; NULL with *cause, APP_CANCELLED when
 * p->pr asked to stop (nothing stored).
 */
struct app_sim_result *app_simulate(struct app *a, const struct app_simulate_params *p,
    char **cause);

/* A simulation parameter as assumed: its value and where it came from. */
struct app_sim_source {
    const char *param;   /* "arrivals_weekday" (static) */
    char *value;         /* as printed (owned) */
    const char *source;  /* a deployment fact path ("simulation.arrivals_weekday") when fact,
                          * else "default" (and why) or "option" (static) */
    bool fact;
};
/*
 * Every parameter of p with its source: the deployment fact it was read
 * from, the default (and why), or "option" when the caller changed it.
 * sc may be NULL (defaults). *out is freed with app_sim_sources_free().
 */
size_t app_sim_sources(const struct scenario *sc, const struct sim_params *p,
    struct app_sim_source **out);
void app_sim_sources_free(struct app_sim_source *s, size_t n);

struct app_replay_params {
    const char *dir;               /* scenario, events.csv and images, footage.csv and videos */
    float threshold;               /* 0: face-api's 0.6 */
    int detector;                  /* enum detector_kind (default TinyFaceDetector) */
    struct face_models_opts footage_models; /* the footage's detector and landmark net */
    struct video_faces_opts footage; /* the footage's sampling, tracker and merge */
    bool save;                     /* default true */
    const char *name;
    bool resume;                   /* take finished device-days from the checkpoints of an
                                      unfinished replay of the same files and options
                                      (default true; false: drop them and start over) */
    int keep_thumbnails;           /* days (1..APP_THUMB_MAX_DAYS): keep each footage track's
                                      best shot as a sealed thumbnail with the stored run,
                                      expiring today + days; 0: keep none (default) */
    const struct app_progress *pr; /* the footage: progress in sampled frames of all the
                                      recordings and cancellation between frames; else
                                      cancellation between the phases (or NULL) */
};

#define APP_THUMB_MAX_DAYS 3650

void app_replay_params_default(struct app_replay_params *p);
/* Replay (and store) a recorded deployment; NULL with *cause as app_simulate(). */
struct app_sim_result *app_replay(struct app *a, const struct app_replay_params *p,
    char **cause);
void app_sim_result_free(struct app_sim_result *r);

/* --- recorded footage (app_video.c) ------------------------------------------------- */

struct app_video_params {
    const char *models_dir;        /* NULL: models_dir() */
    struct face_models_opts models; /* detector, input size, minimum score, landmark net */
    struct video_faces_opts faces; /* sampling, range, threads, tracker, merge, area */
    const char *area;              /* the collection area "x,y x,y ..." or NULL */
};

void app_video_params_default(struct app_video_params *p);

struct app_video_result {
    struct video_faces **files;    /* one per path, in order */
    size_t n;
};

/*
 * Every video through the face pipeline, one after the other (video.h);
 * progress per sampled frame ("PATH", seconds done, seconds in all). NULL
 * with *cause (the file named) when a video cannot be opened or the engine
 * fails; a damaged stream is a result with its damage.
 */
struct app_video_result *app_video(struct app *a, const struct app_video_params *p,
    char *const *paths, size_t n, const struct app_progress *pr, char **cause);
void app_video_result_free(struct app_video_result *r);

/* --- recognition ------------------------------------------------------------------ */

struct app_recog_params {
    const char *models_dir;        /* NULL: models_dir() */
    struct face_models_opts models; /* detector, input size, minimum score, landmark net */
    unsigned threads;              /* one pipeline per thread (default 1) */
    bool cropped;                  /* the images are face crops: no detection */
};

void app_recog_params_default(struct app_recog_params *p);
/*
 * Load the networks and run paths[0..n) through the image pool
 * (recog_pool.h): each job holds its faces or its error. NULL with *cause
 * when nothing could run (models missing, no pipeline).
 */
struct face_job *app_recog_images(const struct app_recog_params *p, unsigned stages,
    bool want_sha, char *const *paths, size_t n, const struct app_progress *pr, char **cause);

/* One template to enrol: the face chosen in an image. */
struct app_enroll_item {
    const char *path, *subject;
    const float *descriptor;       /* FACE_DESCRIPTOR_DIM */
    const char *sha256;            /* of the image file */
};

struct app_enroll_result {
    bool created;                  /* the gallery was made by this call */
    int64_t total;                 /* templates in the gallery afterwards */
};

/*
 * Add the templates to gallery (made with retention_days when new; 0: no
 * limit), each logged in the audit log, in one transaction: all or nothing.
 * 0, or -1 with *cause.
 */
int app_enroll(struct app *a, const char *gallery, int retention_days,
    const struct app_enroll_item *items, size_t n, struct app_enroll_result *out,
    char **cause);

struct app_identify_params {
    struct app_recog_params recog;
    const char *gallery;
    size_t top;                    /* candidates per face (default 5) */
    float threshold;               /* a candidate matches below it (default 0.6) */
    enum match_metric metric;      /* default Euclidean */
    /* the gallery packed for the search (match.h): f32 (default, exact), f16 or i8 */
    enum match_precision precision;
    size_t rerank;                 /* f16/i8: re-score the best K in float32 (0: none) */
};

void app_identify_params_default(struct app_identify_params *p);

struct app_identify_result {
    struct face_job *job;          /* the probe image and its faces */
    struct match_hit *hits;        /* job->n x top; face k's are hits + k * top */
    size_t *nhits;                 /* per face (0 for a face without a descriptor) */
    struct store_templates templates; /* subjects and ids of the hits' indices (vecs
                                         NULL when the packed rows replaced them) */
    bool approximate;              /* searched in f16/i8: candidates may differ from f32 */
    size_t bytes_per_template;     /* what the searched gallery held per template */
};

/*
 * Search every face of one image in a gallery (the search is logged before
 * any result); NULL with *cause.
 */
struct app_identify_result *app_identify(struct app *a, const struct app_identify_params *p,
    const char *image, char **cause);
void app_identify_result_free(struct app_identify_result *r);

/* The galleries (store_gallery_info_free_array); -1 with *cause. */
int app_gallery_list(struct app *a, struct store_gallery_info **out, size_t *n, char **cause);
/* Delete a gallery and its templates (logged); the number of templates, or -1. */
int64_t app_gallery_delete(struct app *a, const char *gallery, char **cause);

/* --- the Art. 9 impact-assessment record ------------------------------------------ */

struct app_pia_params {
    const char *scenario_path;
    const char *audit_ref;         /* prefill from this stored audit run, or NULL */
    bool html;                     /* HTML instead of Markdown */
    fa_date prepared;              /* default today */
    fa_date retain_until;          /* FA_DATE_NONE: prepared + 3 years (the minimum) */
    fa_date review_due;            /* FA_DATE_NONE: one year after prepared */
    bool save;                     /* keep the record in the database (default true) */
    const char *const *readings;   /* "NAME=ALT" alternatives for the redone audit (--reading) */
    size_t nreadings;
};

void app_pia_params_default(struct app_pia_params *p);
/* A retention shorter than Art. 9's three years; -1 with *cause. */
int app_pia_params_check(const struct app_pia_params *p, char **cause);

struct app_pia_result {
    char *text;                    /* the record */
    int64_t record_id;             /* the stored record, or -1 */
    fa_date retain_until, review_due;
};

/* Write (and store) the record; NULL with *cause. */
struct app_pia_result *app_pia(struct app *a, const struct app_pia_params *p, char **cause);
void app_pia_result_free(struct app_pia_result *r);
/* The stored records, oldest first (store_pia_list_free); -1 with *cause. */
int app_pia_list(struct app *a, struct store_pia **out, size_t *n, char **cause);
/* A stored record's text after checking its SHA-256; NULL with *cause. */
char *app_pia_show(struct app *a, int64_t id, char **cause);

/* --- models ----------------------------------------------------------------------- */

struct app_model_row {
    const struct model_file *file;
    enum model_status status;
    char *path;
    char *detail;                  /* what is wrong, or NULL */
    int64_t bytes;                 /* -1: no such file */
};

struct app_models {
    char *dir;
    struct app_model_row *rows;    /* one per file of models_files[] */
    size_t n, ok, missing, bad;
};

/* Every model file checked against the committed sums in dir (NULL: models_dir()). */
struct app_models *app_models_check(const char *dir);
void app_models_free(struct app_models *m);
/* Fetch, verify and install the models into dir (NULL: models_dir()); the file count or -1. */
int app_models_fetch(const char *dir, const char *npm, char **cause);

/* --- dataset check -------------------------------------------------------------- */

struct app_dataset_check_params {
    const char *dataset;           /* as for app_eval_params */
    struct ds_options ds;
    uint64_t max_file_bytes;       /* larger files are unreadable (default 64 MiB) */
    bool decode;                   /* decode every image (default true) */
};

void app_dataset_check_params_default(struct app_dataset_check_params *p);

struct app_dataset_check_result {
    struct dataset *ds;
    struct ds_check chk;
};

/*
 * Load a dataset and check its files; NULL with *cause when it cannot be
 * loaded, or with APP_CANCELLED when pr asked to stop (nothing is kept).
 */
struct app_dataset_check_result *app_dataset_check(const struct app_dataset_check_params *p,
    const struct app_progress *pr, char **cause);
void app_dataset_check_result_free(struct app_dataset_check_result *r);

/* --- stored runs ---------------------------------------------------------------- */

struct app_run_row {
    int64_t id;
    const char *kind, *name, *status, *created_at, *finished_at; /* owned by the list */
    const char *summary;         /* a JSON object, or NULL */
};

struct app_runs {
    struct app_run_row *rows;
    size_t n;
};

/* The stored runs, newest first, of one kind (NULL: all); NULL with *cause. */
struct app_runs *app_runs_list(struct app *a, const char *kind, char **cause);
void app_runs_free(struct app_runs *r);
/*
 * The scenario id and as-of day (YYYY-MM-DD) of stored audit run id, both
 * allocated (caller frees); -1 with *cause (app_tui_runs.c).
 */
int app_audit_run_scenario(struct app *a, int64_t id, char **scenario_id, char **as_of,
    char **cause);
/* Delete a run of kind (NULL: any) by name or #ID; -1 with *cause. */
int app_runs_delete(struct app *a, const char *kind, const char *name, char **cause);

/* --- the database, the audit log, retention (app_db.c) --------------------------- */

struct app_db_info {
    const char *path;              /* borrowed from the session */
    int schema_version;            /* PRAGMA user_version */
    int64_t runs;                  /* stored runs of every kind */
};

/* Where the database is, its schema and its runs; -1 with *cause. */
int app_db_info(struct app *a, struct app_db_info *out, char **cause);
/*
 * The integrity check, then every template's seal when the key is there:
 * *templates checked, or -1 with *why_not (allocated) saying why not.
 * 0 ok, 1 damaged or changed (*cause names the database), -1 errors.
 */
int app_db_check(struct app *a, int64_t *templates, char **why_not, char **cause);

/* The newest limit entries of the audit log (all: 0), oldest first, to fn; -1 with *cause. */
int app_log_list(struct app *a, int64_t limit,
    void (*fn)(const struct store_log_entry *e, void *arg), void *arg, char **cause);
/*
 * Verify the audit log's MAC chain, its anchor, want_head (or NULL) and
 * every template's seal and enrolment with the template key: 0 intact,
 * 1 modified (*cause names the first bad entry, rep->bad_id), -1 errors.
 */
int app_log_verify(struct app *a, const char *want_head, struct store_log_report *rep,
    char **cause);

struct app_purge_params {
    const char *gallery;           /* only this gallery (NULL: every gallery, the sealed
                                      descriptors of unfinished evaluations and the face
                                      thumbnails past their expiry date) */
    int older_than;                /* days; -1: each gallery's own retention (default) */
    bool dry_run;                  /* count, change nothing */
};

void app_purge_params_default(struct app_purge_params *p);

struct app_purge_result {
    struct store_purge *galleries; /* per gallery purged */
    size_t ngalleries;
    int64_t total;                 /* templates removed from the galleries */
    struct store_purge *runs;      /* per unfinished eval run whose descriptors went */
    size_t nruns;
    struct store_purge *thumbs;    /* per replay whose expired face thumbnails went */
    size_t nthumbs;
    char *error;                   /* the galleries were purged but the runs' descriptors
                                      failed: why (the result is still valid) */
};

/*
 * Delete templates past their retention, each gallery's deletions and their
 * audit-log entries in one transaction, then (no gallery given) the sealed
 * descriptors of evaluations that never completed. NULL with *cause.
 */
struct app_purge_result *app_purge(struct app *a, const struct app_purge_params *p,
    char **cause);
void app_purge_result_free(struct app_purge_result *r);

/* --- face thumbnails (replay --keep-thumbnails; app_thumbs.c) ---------------------- */

/* The kept thumbnails of run (0: every run), without pixels (store_thumbs_free). */
int app_thumbnails_list(struct app *a, int64_t run, struct store_thumb **out, size_t *n,
    char **cause);
/*
 * Open every thumbnail of run (an error names one whose seal fails, before
 * anything is written) and write each as a PNG file (0600, atomically) into
 * dir, made 0700 when missing, refused when a symbolic link; the export is
 * logged (who, run, count, folder) in a transaction that commits once
 * every file is written (else the files written are removed). *written
 * gets the count. 0, or -1 with *cause.
 */
int app_thumbnails_export(struct app *a, int64_t run, const char *dir, size_t *written,
    char **cause);

/* --- comparisons ------------------------------------------------------------------ */

/* Two audits: stored runs (id, name, latest, latest~N) or JSON result files. */
struct app_diff {
    struct report_snapshot *a, *b;
    struct report_diff *d;       /* render with report_diff_text() or report_diff_json() */
};

struct app_diff *app_diff_audits(struct app *a, const char *ra, const char *rb, char **cause);
void app_diff_free(struct app_diff *d);
/* Two stored eval runs; render with report_eval_diff(&(*ra)->fig, ...). 0 or -1. */
int app_diff_evals(struct app *a, const char *ra, const char *rb, struct app_eval_result **out_a,
    struct app_eval_result **out_b, char **cause);

/* --- portfolio (app_portfolio.c) ----------------------------------------------------
 *
 * A regulator's portfolio is many scenarios, one per handler.
 * app_portfolio_run() audits them on opts->jobs threads (the rule pack and
 * calendar are shared, read-only), each scenario's full grouped report
 * written beside it when opts->outdir is set, and returns one summary row
 * per scenario in path order. A scenario that does not load is a row with
 * its error; the others are still audited. app_portfolio_from_json() reads
 * back the summary JSON that app_portfolio_json() writes, and
 * app_portfolio_diff() compares two portfolio runs, handlers newly failing
 * first.
 */

#define APP_PORTFOLIO_MAX_JOBS 64
#define APP_PORTFOLIO_MAX_SCENARIOS 100000

struct app_portfolio_opts {
    const char *const *paths;     /* scenario files (directories already expanded) */
    size_t npaths;
    int jobs;                     /* worker threads, 1..APP_PORTFOLIO_MAX_JOBS */
    const char *outdir;           /* NULL: no per-scenario reports */
    const char *format;           /* per-scenario report format (report writer name) */
    fa_date as_of;                /* FA_DATE_NONE: each scenario's as_of, else today */
    const struct rule_pack *pack;
    const struct calendar *cal;
    const char *software;         /* "faceaudit 0.1.0" */
    /* NULL pack: app_portfolio_run() loads the pack and calendar itself with
     * these readings ("NAME=ALT", --reading) and frees them at the end */
    const char *const *readings;
    size_t nreadings;
    /* progress ("scenarios" done of total) and cancellation, polled between scenarios */
    const struct app_progress *pr;
};

struct app_portfolio_row {
    char *path;
    char *scenario;       /* scenario id, or NULL when it did not load */
    char *handler;        /* handler.name, or the scenario id */
    double score;
    char grade;
    size_t fails[4];      /* failing rule instances by severity (low .. critical) */
    size_t evidence;      /* needs-evidence instances */
    char *filing;         /* "filed 2025-07-01", "not filed", "unknown", + Art. 15 outcome */
    fa_date deadline;     /* filing deadline, or FA_DATE_NONE */
    fa_date audited;      /* the as-of date audited */
    char *report;         /* the report written, or NULL */
    char *error;          /* why the scenario was not audited, or NULL */
    char *no_score;       /* why there is no score (not in force, out of scope), or NULL */
};

struct app_portfolio {
    struct app_portfolio_row *rows;
    size_t n;
    bool cancelled;       /* stopped on request: rows not reached have error APP_CANCELLED */
    size_t audited;       /* scenarios audited (with their reports) before it stopped */
};

/* Audit every scenario of opts; NULL with *cause only for bad options. */
struct app_portfolio *app_portfolio_run(const struct app_portfolio_opts *opts, char **cause);
/* Expand DIR arguments into their *.fa.yaml files (sorted); -1 with *cause. */
int app_portfolio_expand(char *const *args, size_t nargs, char ***paths, size_t *npaths,
    char **cause);
void app_portfolio_free(struct app_portfolio *p);
/* True when any scenario fails a rule; *errors counts those not audited. */
bool app_portfolio_failed(const struct app_portfolio *p, size_t *errors);
/* The summary table (text) or JSON (schema "faceaudit-portfolio", version 1); caller frees. */
char *app_portfolio_text(const struct app_portfolio *p);
char *app_portfolio_json(const struct app_portfolio *p);
/* A summary JSON read back; NULL with *cause naming name:line:col. */
struct app_portfolio *app_portfolio_from_json(const char *text, size_t len, const char *name,
    char **cause);
/* True when text looks like a portfolio summary JSON. */
bool app_portfolio_is_json(const char *text, size_t len);
/*
 * Two portfolio runs compared by handler: newly failing first, then fixed,
 * changed score or grade, added, removed, unchanged (verbose only). Text or
 * JSON; *newly counts handlers newly failing. Caller frees.
 */
char *app_portfolio_diff(const struct app_portfolio *a, const struct app_portfolio *b,
    bool json, bool verbose, size_t *newly);
/*
 * A portfolio run stored (kind 'portfolio', one row per handler, in one
 * transaction): its run id, or -1 with *cause (app_portfolio_store.c).
 */
int64_t app_portfolio_save(struct app *a, const struct app_portfolio *p, const char *software,
    char **cause);
/* True when ref is a portfolio summary JSON or the id of a stored portfolio run. */
bool app_portfolio_ref(struct app *a, const char *ref);
/* A portfolio read back from a summary JSON file or a stored run (id or latest~N). */
struct app_portfolio *app_portfolio_load(struct app *a, const char *ref, char **cause);

#endif /* FA_APP_H */
