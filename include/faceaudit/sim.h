/* SPDX-License-Identifier: MIT */
#ifndef FA_SIM_H
#define FA_SIM_H
/*
 * sim.h - a deployment simulated day by day (faceaudit(1): simulate, replay).
 *
 * The model: every day each device receives arrivals (Poisson with a
 * weekday and a weekend mean). An arrival is a returning person (drawn from
 * those seen before, with probability returning_rate) or a new one, until the
 * population is exhausted. Each person has fixed traits drawn once from the
 * seed: under 14 or not, refuses facial recognition or not, guardian consent
 * given or not (for minors). The enrolment policy says who gets a stored
 * template; a template is kept until the purge that follows its last use by
 * more than retention_days. Recognition errors come from two rates (FNMR of
 * an enrolled person, FPIR of a search by someone not enrolled), taken from
 * an evaluation run or given directly.
 *
 * Each day yields counts (struct sim_day) and the running facts a rule
 * engine reads: the distinct stored people, the first day they reached the
 * filing threshold (100,000, Art. 15), and the filing deadline 30 working
 * days later on the PRC calendar.
 *
 * Determinism: every random draw comes from a stream keyed by (seed, day,
 * device) or (seed, person), so results depend only on the parameters and
 * the seed, never on thread count or evaluation order.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "faceaudit/date.h"

struct calendar;
struct rng;

/*
 * Recognition outcomes decided per attempt instead of by the two rates
 * (image mode, app/app_sim_images.c): each returns true on an error, drawing any
 * randomness from r (the simulation's stream, so results stay deterministic).
 */
struct sim_oracle {
    void *arg;
    /* An enrolled person (or a 1:1 verification) is not recognised. */
    bool (*genuine_miss)(void *arg, int64_t person, struct rng *r);
    /* A person not enrolled is searched against `stored` templates and matched. */
    bool (*false_match)(void *arg, int64_t person, int64_t stored, struct rng *r);
};

#define SIM_FILING_THRESHOLD 100000
#define SIM_FILING_WORKING_DAYS 30
#define SIM_MAX_DAYS 3660
#define SIM_MAX_DEVICES 100000
#define SIM_MAX_POPULATION 50000000

enum sim_enrol {
    SIM_ENROL_NONE,      /* 1:1 against a document: nothing stored */
    SIM_ENROL_CONSENTED, /* people who accept FR (minors: with guardian consent) */
    SIM_ENROL_ALL        /* everyone who passes, consent or not */
};

enum sim_purge {
    SIM_PURGE_NEVER,
    SIM_PURGE_DAILY,
    SIM_PURGE_WEEKLY,  /* Mondays */
    SIM_PURGE_MONTHLY  /* first day of each month */
};

struct sim_params {
    fa_date start;             /* first simulated day */
    int days;                  /* number of days (1..SIM_MAX_DAYS) */
    uint64_t seed;
    int devices;               /* FR devices receiving arrivals */
    double weekday_mean;       /* arrivals per device per weekday */
    double weekend_mean;       /* arrivals per device per Saturday/Sunday */
    int64_t population;        /* distinct people who may ever come */
    double returning_rate;     /* probability an arrival is someone seen before */
    double share_under14;      /* share of the population under 14 */
    double share_refuse;       /* share who refuse FR when asked */
    double guardian_consent;   /* share of minors whose guardian consented */
    bool alternative;          /* a non-facial alternative is offered on refusal/rejection */
    enum sim_enrol enrol;
    int retention_days;        /* template kept this long after its last use; <0: forever */
    enum sim_purge purge;
    double fnmr;               /* false non-match rate of an enrolled person */
    double fpir;               /* false positive identification rate, non-enrolled search */
    int64_t initial_stored;    /* people already stored on the first day */
    fa_date filed;             /* filing date, FA_DATE_NONE if not filed */
    const struct sim_oracle *oracle; /* NULL: errors drawn with fnmr and fpir */
};

struct sim_day {
    fa_date date;
    int64_t arrivals;
    int64_t new_people;
    int64_t enrolments;
    int64_t stored;              /* distinct stored people at the end of the day */
    int64_t purged;
    int64_t refusals;
    int64_t refusals_served;     /* refusal or false reject, served by the alternative */
    int64_t refusals_unserved;   /* ... with no alternative: service denied */
    int64_t false_non_matches;
    int64_t false_matches;
    int64_t minors;              /* arrivals under 14 processed by FR */
    int64_t minors_no_consent;   /* ... without guardian consent */
};

struct footage_result;

struct sim_result {
    struct sim_params params;
    struct sim_day *days;       /* params.days entries */
    int64_t peak_stored;
    fa_date threshold_reached;  /* first day stored >= 100,000; FA_DATE_NONE if never */
    fa_date filing_deadline;    /* 30 working days after it; FA_DATE_NONE if never */
    bool deadline_approx;       /* the deadline used a year without calendar data */
    fa_date art15_failing_from; /* first day past the deadline while not filed */
    struct footage_result *footage; /* a replay's footage (borrowed), or NULL: its observed
                                       facts go into the timeline's audits, and the findings
                                       on them back into it */
};

/* Defaults for every parameter (a small 1:N deployment, one year from today). */
void sim_params_default(struct sim_params *p);
/* Check the parameters; -1 with *cause naming the bad field. */
int sim_params_check(const struct sim_params *p, char **cause);
/* Run the simulation; NULL with *cause on bad parameters. */
struct sim_result *sim_run(const struct sim_params *p, const struct calendar *cal, char **cause);
void sim_result_free(struct sim_result *r);
/*
 * Fill the derived fields of a result whose params and days are set (peak,
 * threshold day, filing deadline, Art. 15 failure day); sim_run() calls it,
 * and so does the replay of a recorded deployment.
 */
void sim_result_finish(struct sim_result *res, const struct calendar *cal);

const char *sim_enrol_name(enum sim_enrol e);
const char *sim_purge_name(enum sim_purge p);
/* Parse names ("none", "consented", "all"; "never", "daily", ...); -1 if unknown. */
int sim_enrol_from_name(const char *s);
int sim_purge_from_name(const char *s);

/* --- a scenario's simulation (sim_scenario.c) -------------------------------- */

struct scenario;
struct rule_pack;

/*
 * Parameters from a scenario: its `simulation:` facts, with the deployment's
 * own facts where they apply (storage.retention_days, the alternatives
 * offered, filing.date, the devices that identify people, storage.
 * stored_persons as the initial count when simulation.initial_stored is
 * unknown) and the defaults of sim_params_default() for the rest. The start
 * defaults to the scenario's as-of date. Returns 0 or -1 with *cause.
 */
int sim_params_from_scenario(const struct scenario *sc, struct sim_params *p, char **cause);

/* One interval of an article's outcome on the compliance timeline. */
struct sim_interval {
    int article;         /* 1..20 */
    int outcome;         /* enum rule_outcome of the article */
    fa_date from, to;    /* inclusive */
    char *note;          /* the first failing finding's message at `from`, or NULL */
};

struct sim_timeline {
    struct sim_interval *items; /* ordered by article, then date */
    size_t n;
    unsigned char *daily;       /* days x 20 article outcomes (enum rule_outcome) */
    int days;
};

/*
 * The compliance timeline: the scenario audited as of each simulated day,
 * with that day's simulated facts written into it (stored persons, the date
 * they reached 100,000, the count on 2025-06-01, whether filed by then,
 * minors processed). sc is modified (the caller may reload it). Returns 0
 * or -1.
 */
int sim_timeline_build(struct scenario *sc, const struct rule_pack *pack,
    const struct calendar *cal, const struct sim_result *res, struct sim_timeline *tl,
    char **cause);
void sim_timeline_done(struct sim_timeline *tl);

/* --- as stored (sim_store.c) ---------------------------------------------------- */

/* Totals over the simulated days. */
struct sim_totals {
    int64_t arrivals, new_people, enrolments, purged, refusals, served, unserved, fnm, fm,
        minors, minors_no_consent;
};
void sim_sum_days(const struct sim_result *r, struct sim_totals *t);
/* The parameters and the summary as JSON objects (allocated), as stored and printed. */
char *sim_params_json(const struct sim_params *p);
char *sim_summary_json(const struct sim_result *r);
struct store;
/*
 * Store a finished simulation or replay (kind "simulation" or "replay"; name
 * may be NULL) with its daily series and, given a timeline, each day's
 * article outcomes, in one transaction (store_sim.h). With thumbs_expire
 * set (not FA_DATE_NONE), a replay's kept thumbnails (res->footage->thumbs)
 * are sealed into the same transaction, expiring on that day. The run id,
 * or -1 with *cause.
 */
int64_t sim_store_save(struct store *st, const char *kind, const char *name,
    const struct sim_result *res, const struct sim_timeline *tl, fa_date thumbs_expire,
    char **cause);

/* --- replay of a recorded deployment (sim_replay.c) ---------------------------- */

/*
 * A recorded deployment is a folder with one scenario (*.fa.yaml), an
 * events.csv and the images it names. events.csv columns (header required,
 * order free):
 *   time      YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], non-decreasing
 *   device    id of a device of the scenario
 *   image     image path: relative to the folder, absolute, or starting with
 *             $FACEAUDIT_MODELS/ or $FACEAUDIT_DATA/
 *   face      optional: which face of the image (0 = largest; default), or
 *             "crop" when the image is already a face crop (no detection)
 *   subject   optional: who it really is (ground truth, for the figures)
 *   age_band  optional: e.g. 0-13 (under 14) or 25-34
 *   consent   given | guardian | refused | none
 * The real engine (detection, landmarks, descriptor) runs on every image and
 * each event is matched 1:N against the deployment's gallery as built so
 * far; the enrolment policy (simulation.enrolment) decides who is stored.
 */
#define REPLAY_MAX_EVENTS 100000

struct replay_opts {
    const char *models_dir; /* NULL: models_dir() */
    float threshold;        /* Euclidean match threshold (0: 0.6, face-api's) */
    int detector;           /* enum detector_kind (0: TinyFaceDetector) */
    /* days the series must cover besides the events' (the footage's), or
     * FA_DATE_NONE; with them, events.csv may be absent */
    fa_date first, last;
};

struct replay_stats {
    int64_t events, refused, processed, no_face;
    int64_t genuine, false_non_matches;   /* enrolled subjects coming back */
    int64_t impostor, false_matches;      /* searches by people not enrolled */
    int64_t rank1_correct;                /* genuine searches whose best hit was right */
    int64_t minors, minors_no_consent, enrolled_minors;
    size_t images;                        /* distinct images decoded */
};

/*
 * Replay the folder: *sc gets the loaded scenario (with the replayed facts
 * written in by sim_timeline_build later), *res the daily series as a
 * sim_result (params.start = the first event's day). Returns 0 or -1 with
 * *cause naming the file, line and column.
 */
int replay_run(const char *dir, const struct replay_opts *opts, const struct calendar *cal,
    struct scenario **sc, struct sim_result **res, struct replay_stats *stats, char **cause);

/* --- recorded footage of a deployment (sim_footage.c) ---------------------------- */

/*
 * footage.csv in a recorded deployment's folder lists its videos, one row
 * each, with a header: file (a regular file inside the folder, by a
 * relative path; an absolute path, `..` or a symbolic link leading out of
 * the folder, a FIFO, device, socket or folder are refused), device (a
 * device of the scenario), start (the wall-clock time of the first frame,
 * YYYY-MM-DDTHH:MM[:SS]). A recording counts on the day it starts. A
 * device's collection area is its `collection_area` fact (3 to 64 points,
 * each coordinate within FOOTAGE_AREA_BOUND pixels). Bounds checked before
 * they cost memory: the file's size, rows, fields a row and bytes a field;
 * each video's as video.h (size, declared duration and frames, frame size).
 */
#define FOOTAGE_MAX_FILES 10000                /* recordings (rows) */
#define FOOTAGE_MAX_BYTES (16 << 20)           /* footage.csv's size */
#define FOOTAGE_MAX_COLUMNS 16                 /* fields a row */
#define FOOTAGE_MAX_FIELD 1024                 /* bytes a field */
#define FOOTAGE_AREA_BOUND 16384               /* |x|, |y| of a collection area's points */
#define FOOTAGE_EXAMPLES 3

/*
 * A capture outside the area at time t into a day's examples: earliest[]
 * keeps the *n (at most FOOTAGE_EXAMPLES) earliest times seen, ascending,
 * so a day holds three times, not one per capture.
 */
void footage_outside_add(double earliest[FOOTAGE_EXAMPLES], size_t *n, double t);

struct video_faces_opts;
struct face_models_opts;

struct footage_opts {
    const char *models_dir;                 /* NULL: models_dir() */
    const struct face_models_opts *models;  /* NULL: defaults */
    const struct video_faces_opts *faces;   /* sampling, tracker, merge (NULL: defaults);
                                               its area is ignored (the scenario's is used) */
    /* after each sampled frame: the recording, and the sampled frames of the whole
     * footage done and expected (from the declared durations; the last call has them equal) */
    void (*progress)(void *arg, const char *file, int64_t frames, int64_t total);
    bool (*cancelled)(void *arg);
    void *arg;
    /* checkpoints (NULL: none): each device-day's figures are kept in this store as its
     * recordings finish, under a key of the program's version, the options and the files'
     * names, devices, starts and areas (footage_options_key), with each recording's size,
     * modification time and SHA-256; a rerun with the same key takes a day whose
     * recordings are unchanged instead of decoding it again, and decodes a changed one
     * again (res->changed says which); dropped when the run ends */
    struct store *ckpt;
    bool no_resume;                         /* ignore (and overwrite) existing checkpoints */
    bool log;                               /* with ckpt: each recording (file, device, start,
                                               SHA-256) into its audit log before decoding */
    bool thumbnails;                        /* keep each track's best shot as a thumbnail
                                               (footage_result.thumbs); the checkpoints hold
                                               none, so every recording is decoded again */
};

/* What one device's footage of one day shows. */
struct footage_day {
    char *device;
    fa_date date;
    int recordings;
    char *files;                 /* the recordings: "NAME from HH:MM:SS for S s, ..." */
    double seconds;              /* sampled time covered (first to last sampled frame) */
    int64_t frames;              /* sampled frames */
    int64_t tracks;              /* counted face tracks */
    int64_t people;              /* distinct people (tracks merged over the day's recordings) */
    bool has_area;               /* the device has a collection area */
    int64_t tracks_outside;      /* tracks with a detection outside the area */
    int64_t tracks_wholly_outside;
    char examples[FOOTAGE_EXAMPLES][20]; /* times of the first such captures, HH:MM:SS.s */
    int nexamples;
    int max_in_view;             /* most faces in one frame */
    double seconds_multi;        /* time with two or more faces in view */
    int64_t tracks_with_others;  /* tracks in view together with another (bystanders) */
    char *damage;                /* the first damaged recording: "FILE: where", or NULL */
    int aged;                  /* people with an age estimate */
    double under14_share;      /* estimated share of people under 14 (NaN: none aged) */
    double under14_lo, under14_hi; /* its interval */
};

/*
 * A declared fact the footage contradicts, with both sides and where each
 * comes from: "collection_area_defined" declared true while faces were
 * captured outside the device's collection area; "mode" declared
 * verification (1:1) while two or more faces were in view at once.
 */
struct footage_contradiction {
    char *device;
    fa_date date;
    const char *fact;            /* the declared fact's path (static) */
    char *declared;              /* "collection_area_defined: true (FILE:LINE:COL)" */
    char *observed;              /* "3 of 6 tracks (50%) captured outside it, first at ..." */
    char *provenance;            /* the recordings and their times; the method is the result's */
};

/* One recording as processed: what the audit log records. */
struct footage_file {
    char *name;                  /* as footage.csv writes it */
    char *device;
    char start[20];              /* YYYY-MM-DDTHH:MM:SS */
    char sha256[65];             /* of the file's bytes, hex */
};

/*
 * A finding of the rule pack on an observed fact (a rule that read one of
 * device.observed.*), from the audit of the day the footage was recorded:
 * the rule's outcome and message, the declared facts it read with where
 * they are written, the observed ones with their values, and the
 * recordings they come from. Not-applicable findings are not kept.
 */
struct footage_finding {
    char *rule_id;
    int article;
    int outcome;                 /* enum rule_outcome */
    char *device;
    fa_date date;
    char *message;               /* fail and advisory: the rule's message, else NULL */
    char *declared;              /* "device[gate-1].collection_area_defined = true (F:L:C); ..." */
    char *observed;              /* "device[gate-1].observed.outside_percent = 50" */
    char *provenance;            /* the day's recordings */
};

struct image;

/* One track's best shot, kept only with footage_opts.thumbnails. */
struct footage_thumb {
    char *device;
    fa_date date;                /* the day of the recording */
    int track;                   /* from 1 within the device-day: recordings in footage.csv's
                                    order, then tracks by their first detection */
    char *file;                  /* the recording, as footage.csv writes it */
    double time;                 /* of the best shot, seconds from the recording's start */
    struct image *img;           /* RGB8, at most VIDEO_THUMB_SIDE on its long side */
};

struct footage_result {
    struct footage_thumb *thumbs; /* with footage_opts.thumbnails, by device, date, track */
    size_t nthumbs;
    struct footage_day *days;    /* by device id, then date */
    size_t n;
    size_t files;
    struct footage_file *recs;   /* the files processed, in footage.csv's order */
    size_t resumed;              /* of them, taken from checkpoints of an unfinished run */
    char **changed;              /* device-days redone because a recording changed since
                                    its checkpoint: "DEVICE DATE: NAME changed (size, ...)" */
    size_t nchanged;
    char *method;                /* "faceaudit video pipeline: tiny 416 detector, ..." */
    struct footage_contradiction *contra;
    size_t ncontra;
    struct footage_finding *findings; /* by date, then rule; filled by the timeline's audits */
    size_t nfindings;
};

/*
 * The days footage.csv covers: 0 with *first and *last set, 1 when the
 * folder has no footage.csv, -1 with *cause (file:line and column). sc may
 * be NULL (devices are then checked by footage_run).
 */
int footage_range(const char *dir, const struct scenario *sc, fa_date *first, fa_date *last,
    char **cause);
/*
 * Every recording through the face pipeline (video.h), per device and day.
 * Returns 0, or -1 with *cause naming the file (a damaged recording is not
 * an error: its day notes it).
 */
int footage_run(const char *dir, const struct scenario *sc, const struct footage_opts *o,
    struct footage_result *res, char **cause);
/*
 * The part of a replay's checkpoint key that the options make: the program
 * version (and the FFmpeg libraries'), detector and its thresholds, landmark
 * and age nets, sampling, time range, rotation, frame limits, face size,
 * tracker and merge (decoder threads change nothing). Hex SHA-256 (caller frees).
 */
char *footage_options_key(const struct face_models_opts *m, const struct video_faces_opts *f,
    const char *version);
void footage_result_done(struct footage_result *res);
void footage_thumbs_free(struct footage_thumb *t, size_t n);
/*
 * The observed facts of day `date` written into the scenario, each device's
 * from its footage of that day (device.observed.*: outside_percent,
 * max_in_view, bystanders, people, under_14_percent and its lower bound,
 * footage: the recordings) and the deployment's (observed.people_per_day,
 * observed.method); a device without footage that day gets none (the rules
 * reading them are then not applicable), nor does a figure that was not
 * measured (no collection area, nobody aged). Returns 0 or -1 with *cause.
 */
int footage_set_facts(struct scenario *sc, const struct footage_result *fr, fa_date date,
    char **cause);
struct audit_result;
/* Keep the findings of day `date`'s audit that read an observed fact (fr->findings). */
void footage_note_findings(struct footage_result *fr, const struct audit_result *ar,
    fa_date date);

#endif /* FA_SIM_H */
