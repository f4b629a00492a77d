/* SPDX-License-Identifier: MIT */
#ifndef FA_EVAL_H
#define FA_EVAL_H
/*
 * eval.h - evaluation: ISO/IEC 19795-1 metrics, protocols, runs and gates.
 *
 * Scores are DISTANCES: lower means more similar (Euclidean distance between
 * descriptors; the reference deployment threshold is 0.6). A comparison is
 * ACCEPTED (a match) when distance <= threshold; a tie with the threshold is
 * a match. A failed comparison (no template: failure to acquire or to enrol)
 * is stored as NaN and counts as a failure, never as an exclusion: a failed
 * genuine comparison is a false non-match at every threshold; a failed
 * impostor comparison is a (correct) non-match and stays in FMR's
 * denominator (NIST FRTE convention).
 *
 * Layers: metrics (pure functions over score arrays, metrics.c), protocols
 * (which comparisons and searches a dataset yields, protocol.c), the run
 * (descriptors through an engine, protocol.c), the result set (what a run
 * produced, enough to recompute every figure; stored by store_eval.c) and
 * the figures computed from it (figures.c), rendered as canonical JSON: a
 * single run and a merge of its shards give byte-identical JSON.
 *
 * Memory: *_new/_free pairs; arrays returned through out-parameters belong
 * to the caller. Errors: -1/NULL with *cause (caller frees).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "faceaudit/dataset.h"
#include "faceaudit/sha256.h"

/* --- metrics ---------------------------------------------------------------- */

#define EVAL_Z95 1.959963984540054

/* A proportion k/n with its 95% Wilson score interval; n == 0: all NaN. */
struct eval_rate {
    uint64_t k, n;
    double value, lo, hi;
};

/* One class of scores: finite values sorted ascending, failures counted apart. */
struct eval_scores {
    double *v;
    size_t n;
    size_t nfail;
};

/* Fill *r with k/n and its 95% Wilson score interval. */
void eval_wilson(uint64_t k, uint64_t n, struct eval_rate *r);
/* Copy v (NaN = failed comparison) into s, sorted; free with eval_scores_done. */
void eval_scores_init(struct eval_scores *s, const double *v, size_t n);
/* Free the scores of s. */
void eval_scores_done(struct eval_scores *s);
/* Number of scores <= t (ties included). */
size_t eval_count_le(const struct eval_scores *s, double t);
/* FMR(t): impostor comparisons with distance <= t over all impostor comparisons. */
void eval_fmr(const struct eval_scores *imp, double t, struct eval_rate *r);
/* FNMR(t): genuine comparisons with distance > t, plus failures, over all genuine ones. */
void eval_fnmr(const struct eval_scores *gen, double t, struct eval_rate *r);

/*
 * An operating point for a target FMR: the largest threshold whose FMR does
 * not exceed the target. supported is false when the impostor count cannot
 * resolve the target (fewer than 1/target comparisons); needed says how many
 * are. When no impostor may be accepted, strict is set: the point accepts
 * distances strictly below threshold (the smallest impostor distance).
 */
struct eval_op {
    double target;
    bool supported;
    uint64_t needed;
    double threshold;
    bool strict;
    struct eval_rate fmr, fnmr;
};
void eval_op_at_fmr(const struct eval_scores *gen, const struct eval_scores *imp, double target,
    struct eval_op *op);
/*
 * ZeroFMR: FNMR at the largest threshold with no false match (strict:
 * distances below the smallest impostor distance).
 */
void eval_op_zero_fmr(const struct eval_scores *gen, const struct eval_scores *imp,
    struct eval_op *op);

/*
 * Equal error rate of the empirical (step) curves. Between the last
 * threshold t_low where FMR < FNMR and the next one t_high where FMR >= FNMR
 * the EER lies in [low, high] = [max(FMR(t_low), FNMR(t_high)),
 * min(FNMR(t_low), FMR(t_high))]; eer is the crossing of the straight
 * segment joining the two points. defined is false with an empty class or
 * when the curves never cross.
 */
struct eval_eer {
    bool defined;
    double eer, low, high;
    double t_low, t_high;
};
void eval_eer(const struct eval_scores *gen, const struct eval_scores *imp, struct eval_eer *e);

/*
 * Verification at threshold t on two labelled populations, so that failures
 * to acquire can neither hide nor dominate unnoticed:
 *  - failures as errors: every comparison; a failed genuine one is a false
 *    non-match, a failed impostor one a false match (the pessimistic reading);
 *  - acquired only: comparisons whose both images were acquired.
 * Accuracy = (genuine accepted + impostor rejected) / comparisons, with
 * Wilson intervals. eer_acq is the EER on acquired comparisons; fnmr_floor
 * the FNMR no threshold can go below (failed genuine share); eer_floor is
 * true when failures raise the standard EER (eval_eer) above eer_acq.
 */
struct eval_populations {
    uint64_t gen_fail, imp_fail;
    struct eval_rate acc_err, fmr_err, fnmr_err;
    struct eval_rate acc_acq, fmr_acq, fnmr_acq;
    struct eval_eer eer_acq;
    double fnmr_floor;
    bool eer_floor;
};
void eval_populations(const struct eval_scores *gen, const struct eval_scores *imp, double t,
    const struct eval_eer *eer, struct eval_populations *p);

/* One ROC/DET point; TAR = 1 - fnmr. */
struct eval_point {
    double t, fmr, fnmr;
};
/*
 * DET/ROC points at every distinct score (thinned to at most maxpts by
 * taking evenly spaced ranks of the merged scores, keeping both ends);
 * returns the count, *pts caller frees.
 */
size_t eval_det(const struct eval_scores *gen, const struct eval_scores *imp, size_t maxpts,
    struct eval_point **pts);
/*
 * Area under the ROC (TAR vs FMR), trapezoids over every distinct
 * threshold; NaN if a class is empty.
 */
double eval_auc(const struct eval_scores *gen, const struct eval_scores *imp);
/*
 * Decidability d' = |mu_g - mu_i| / sqrt((s_g^2 + s_i^2) / 2) with sample
 * variances; NaN if undefined.
 */
double eval_dprime(const struct eval_scores *gen, const struct eval_scores *imp);

/* Histogram with fixed bins [k*width, (k+1)*width); the last bin takes the rest. */
struct eval_hist {
    double width;
    size_t nbins;
    uint64_t *gen, *imp;   /* nbins each, caller frees with eval_hist_done */
};
void eval_histogram(const struct eval_scores *gen, const struct eval_scores *imp, double width,
    size_t maxbins, struct eval_hist *h);
/* Free the bins of h. */
void eval_hist_done(struct eval_hist *h);

/*
 * One 1:N search. Candidates are gallery identities ranked by their best
 * (smallest) distance to the probe. mate_rank is the 1-based rank of the
 * probe's identity (0: not enrolled, or the search failed); mate_score its
 * distance; top_score the best distance of any candidate (NaN: search
 * failed, no candidates).
 */
struct eval_search {
    bool mated;
    size_t mate_rank;
    double mate_score;
    double top_score;
};
/* FNIR(N,R,t): mated searches whose mate is not at rank <= R with distance <= t. */
void eval_fnir(const struct eval_search *s, size_t n, size_t rank, double t,
    struct eval_rate *r);
/* FPIR(N,t): NON-MATED searches returning any candidate with distance <= t. */
void eval_fpir(const struct eval_search *s, size_t n, double t, struct eval_rate *r);
/* CMC: out[k-1] = share of mated searches with mate at rank <= k, k = 1..maxrank (NaN if none). */
void eval_cmc(const struct eval_search *s, size_t n, size_t maxrank, double *out);

/* Intersection over union of two boxes (0 when either is empty). */
double eval_iou(const struct ds_box *a, const struct ds_box *b);
/*
 * Greedy matching of detections (in the order given: sort by confidence
 * first) to ground truth at IoU >= iou_min: each detection takes the
 * unmatched box with the highest IoU. match[i]: 1 true positive, 0 false
 * positive, -1 matched an ignore box (neither). Returns the true positives.
 */
size_t eval_match_boxes(const struct ds_box *gt, size_t ngt, const struct ds_box *det,
    size_t ndet, double iou_min, int *match);
/* A scored detection after matching. */
struct eval_detection {
    double conf;
    int match;
};
/*
 * Precision, recall and average precision (all-point interpolation, VOC
 * 2010+) of detections against npos ground-truth boxes. Ties in confidence
 * are taken together. NaN where undefined.
 */
void eval_ap(const struct eval_detection *d, size_t n, uint64_t npos, double *ap,
    struct eval_rate *precision, struct eval_rate *recall);

/*
 * Subject-level bootstrap (seeded) of FMR(t) and FNMR(t): resample subjects
 * with replacement; a genuine comparison of subject s weighs w_s, an
 * impostor one of subjects a, b weighs w_a * w_b. Percentile 95% intervals
 * over reps replicates go to fmr[2] and fnmr[2] (NaN if undefined).
 */
struct eval_cmp {
    uint32_t sa, sb;   /* subject indices */
    bool genuine;
    double score;      /* NaN: failed */
};
void eval_bootstrap(const struct eval_cmp *c, size_t n, size_t nsubjects, double t,
    unsigned reps, uint64_t seed, double fmr[2], double fnmr[2]);

/*
 * k-fold verification accuracy (the LFW protocol): for each fold f the
 * threshold maximising accuracy (accepted genuine + rejected impostor
 * comparisons) on the other folds, the smallest one on ties, then the
 * accuracy on fold f at it. c[i].fold is 1..nfolds; acc[f-1] and thr[f-1]
 * get the results (NaN for an empty fold).
 */
struct eval_fold_cmp {
    bool genuine;
    double score;      /* NaN: failed (a genuine one is an error, an impostor one correct) */
    unsigned fold;
};
void eval_fold_accuracy(const struct eval_fold_cmp *c, size_t n, unsigned nfolds, double *acc,
    double *thr);

/* --- protocols, results and figures --------------------------------------- */

enum eval_protocol { EVAL_VERIFY, EVAL_IDENTIFY, EVAL_DETECT };

/* "verify", "identify" or "detect" (static string). */
const char *eval_protocol_name(enum eval_protocol p);
/* Parse a protocol name into *p; 0, or -1 when unknown. */
int eval_protocol_parse(const char *s, enum eval_protocol *p);

/*
 * Per-image outcome. Every value from EVAL_FTA on is a failure to acquire,
 * with its reason (stored with the run: the values never change).
 */
enum eval_status {
    EVAL_SKIPPED = 0,     /* not processed (another shard's image, or not needed) */
    EVAL_OK,
    EVAL_FTA,             /* no face found, or no template from it */
    EVAL_FTA_UNREADABLE,  /* the file does not decode (corrupt, unsupported format) */
    EVAL_FTA_MULTIPLE,    /* more than one face where one is required (--one-face) */
    EVAL_FTA_SMALL,       /* the face (or crop) is below the minimum size (--min-face) */
    EVAL_FTA_MISSING,     /* the file cannot be opened (only with --allow-missing) */
    EVAL_STATUS_MAX = EVAL_FTA_MISSING
};
/* Whether a status is a failure to acquire. */
static inline bool
eval_status_failed(int st)
{
    return st >= EVAL_FTA;
}
/* The reason of a failure ("no face", "unreadable", ...; static string). */
const char *eval_status_reason(int st);
/* Role of an image in identification. */
enum eval_role { EVAL_ROLE_NONE = 0, EVAL_ROLE_GALLERY, EVAL_ROLE_PROBE };

struct eval_item {
    char *rel;
    char *subject;
    char age_band[8];
    char sex[4];
    uint32_t subj;      /* index into subjects; UINT32_MAX when no subject */
    uint8_t status;     /* enum eval_status */
    uint8_t role;       /* enum eval_role */
    uint32_t ngt;       /* ground-truth boxes, not counting ignore boxes (detection) */
    char *detail;       /* a failure's detail from this run's engine, or NULL (not stored) */
};

/*
 * A record: verification 'g'/'i' (a, b items, score distance, extra the
 * listed pair's fold or NaN), identification
 * 'm'/'n' (mated / non-mated search: a probe item, b mate rank, score mate
 * distance, extra top distance), detection 'd' (a image, b match 1/0/-1,
 * score confidence). idx orders records canonically.
 */
struct eval_rec {
    uint64_t idx;
    char kind;
    uint32_t a;
    int64_t b;
    double score;
    double extra;
};

/*
 * Which images of an enrolled subject go into the gallery (identification):
 * random (seeded, the default), the first gallery_images in dataset order,
 * or all but one (the last in dataset order is the probe).
 */
enum eval_gallery_pick { EVAL_PICK_RANDOM = 0, EVAL_PICK_FIRST, EVAL_PICK_ALL_BUT_ONE };
/* "random", "first", "all-but-one" (static string). */
const char *eval_gallery_pick_name(enum eval_gallery_pick g);
/* Parse a policy name into *g; 0, or -1 when unknown. */
int eval_gallery_pick_parse(const char *s, enum eval_gallery_pick *g);

struct eval_params {
    enum eval_protocol protocol;
    double threshold;        /* the deployment's frozen threshold */
    uint64_t seed;
    uint64_t max_impostors;  /* verification: sample when there are more (0: all) */
    unsigned gallery_images; /* identification: images per enrolled subject */
    enum eval_gallery_pick gallery_pick;  /* identification: which images enrol */
    double unknown_share;    /* identification: share of subjects left out (open set) */
    unsigned bootstrap;      /* bootstrap replicates (0: none) */
    bool cropped;
    unsigned shard_k, shard_n;  /* 1/1: not sharded */
    unsigned jobs;           /* acquisition threads (not stored: results do not depend on it) */
};

struct eval_result {
    struct eval_params params;
    char *dataset;           /* source path or name */
    char manifest_sha256[SHA256_HEX_LEN + 1];
    char *engine;            /* e.g. "faceapi-1.7.15" or "descriptors:FILE" */
    char model_sha256[SHA256_HEX_LEN + 1];
    char **subjects;
    size_t nsubjects;
    struct eval_item *items;
    size_t nitems;
    struct eval_rec *recs;
    size_t nrecs, caprecs;
};

/* Free a result and everything it owns; NULL is a no-op. */
void eval_result_free(struct eval_result *res);
/* Append a record (the result grows as needed). */
void eval_result_add(struct eval_result *res, const struct eval_rec *rec);
/* Sort records by idx (canonical order; figures require it). */
void eval_result_sort(struct eval_result *res);
/*
 * Merge shard results (same dataset, engine, parameters and shard count,
 * every shard exactly once) into the single-run result; NULL with *cause.
 */
struct eval_result *eval_result_merge(struct eval_result *const *shards, size_t n, char **cause);

/* Figures computed from a result (figures.c). */
#define EVAL_NTARGETS 5   /* FMR = 1e-2 .. 1e-6 */
#define EVAL_MAXRANK 20
struct eval_group {
    char kind[8];        /* "age" or "sex" */
    char label[8];       /* band or sex; "" unknown */
    struct eval_rate fmr, fnmr;   /* FMR over impostor pairs within the group */
};
struct eval_ratio {
    bool defined;        /* at least two known groups with n > 0 */
    double max, min, ratio;   /* ratio = max/min; +inf when min is 0 and max > 0 */
    double gap;          /* max - min */
};
struct eval_figures {
    enum eval_protocol protocol;
    double threshold;
    size_t images, attempted;
    struct eval_rate fta;
    /* verification */
    struct eval_rate fmr, fnmr;         /* at the frozen threshold */
    double fmr_boot[2], fnmr_boot[2];   /* subject bootstrap 95% */
    struct eval_op ops[EVAL_NTARGETS];
    struct eval_op zero_fmr;
    struct eval_eer eer;
    struct eval_populations pop;        /* failures as errors / acquired only */
    double dprime, auc;                 /* on acquired comparisons */
    double gen_mean, gen_sd, imp_mean, imp_sd;
    struct eval_point *det;
    size_t ndet;
    struct eval_hist hist;
    struct eval_group *groups;
    size_t ngroups;
    struct eval_ratio age_fmr, age_fnmr, sex_fmr, sex_fnmr;
    size_t minors;                      /* items in the under-14 band */
    unsigned nfolds;                    /* listed folds (LFW pairs); 0 otherwise */
    double *fold_acc, *fold_t;          /* nfolds each */
    double acc_mean, acc_sd;
    /* identification */
    size_t gallery_n;                   /* enrolled identities N */
    struct eval_rate fte;               /* subjects whose enrolment failed */
    size_t mated, nonmated;
    double cmc[EVAL_MAXRANK];
    size_t ncmc;
    struct eval_rate fnir_r1, fnir_r1_t, fpir_t;  /* FNIR(N,1,inf), FNIR(N,1,t), FPIR(N,t) */
    /* detection */
    struct eval_rate precision, recall;
    double ap;
    uint64_t ngt, ndets;
};

extern const double eval_targets[EVAL_NTARGETS];

/* Compute every figure of a (sorted) result; free with eval_figures_done. */
void eval_figures_compute(const struct eval_result *res, struct eval_figures *f);
/* Free the arrays inside f. */
void eval_figures_done(struct eval_figures *f);
/* The canonical JSON of the figures (caller frees); identical input, identical bytes. */
char *eval_figures_json(const struct eval_result *res, const struct eval_figures *f);

/* --- engines and runs --------------------------------------------------------- */

/*
 * What turns an image into a descriptor or detections. embed returns 0 with
 * out[dim] filled, 1 (or EVAL_FTA) when no usable face/template, another
 * failure status of enum eval_status (EVAL_FTA_UNREADABLE...) to give the
 * reason, with *cause optionally set to the detail; -1 on an error that
 * stops the run. detect returns 0 with *boxes and *conf (caller
 * frees) or -1.
 */
struct eval_engine {
    const char *name;
    char model_sha256[SHA256_HEX_LEN + 1];
    size_t dim;
    void *ctx;
    int (*embed)(void *ctx, const struct ds_item *item, bool cropped, float *out, char **cause);
    int (*detect)(void *ctx, const struct ds_item *item, struct ds_box **boxes, double **conf,
        size_t *n, char **cause);
    /*
     * Optional, for parallel acquisition (--jobs): a context for one more
     * thread (embed is then called with it) and its release. NULL: the
     * engine runs in one thread.
     */
    void *(*thread_new)(void *ctx, char **cause);
    void (*thread_free)(void *tctx);
    void (*free)(void *ctx);
};

/*
 * An engine from a descriptor file (CSV "path,v1,...,vD": the descriptors of
 * another system, or saved ones) and/or a detections file (CSV
 * "path,x,y,w,h,confidence"). Images absent from the descriptor file fail
 * to acquire. NULL with *cause (file:line).
 */
struct eval_engine *eval_engine_files(const char *descriptors, const char *detections,
    char **cause);
/* The built-in recognition engine (NULL with *cause when unavailable). */
struct eval_engine *eval_engine_default(enum eval_protocol protocol, bool cropped,
    char **cause);
/*
 * The built-in engine with a choice of detector (eval --detector, as for
 * detect). The engine's name records every non-default choice, so stored
 * runs and merges tell them apart.
 */
struct eval_recog_opts {
    enum eval_protocol protocol;
    bool cropped;
    int detector;        /* enum detector_kind (detect.h): 0 TinyFaceDetector */
    int input_size;      /* TinyFaceDetector input (0: 416) */
    double min_score;    /* 0: the detector's default */
    bool one_face;       /* more than one face is a failure (EVAL_FTA_MULTIPLE) */
    unsigned min_face;   /* faces (or crops) narrower than this many pixels fail (0: off) */
};
struct eval_engine *eval_engine_recog(const struct eval_recog_opts *o, char **cause);
/* Free an engine (and its models); NULL is a no-op. */
void eval_engine_free(struct eval_engine *e);
struct store;
/*
 * Wrap inner (which the wrapper then owns) so that every descriptor of
 * stored run `run` is recorded in the database as it is computed, and
 * descriptors already recorded (a killed run) are served without running the
 * engine: `eval --resume` (store_evalcache.h). Detection is passed through.
 */
struct eval_engine *eval_engine_cached(struct eval_engine *inner, struct store *st, int64_t run);
/* How many descriptors a cached engine served from the database. */
size_t eval_engine_cached_hits(const struct eval_engine *e);

/* Progress: done of total units, called from the run loop. */
typedef void (*eval_progress_fn)(void *arg, size_t done, size_t total);

/*
 * Run a protocol over a dataset with an engine; descriptors are cached per
 * image content hash within the run, and acquired in params->jobs threads
 * when the engine supports it. Returns the sorted result or NULL.
 */
struct eval_result *eval_run(const struct dataset *ds, struct eval_engine *eng,
    const struct eval_params *params, eval_progress_fn progress, void *arg, char **cause);

/*
 * `eval --submit slurm` (eval_submit.c): the submit options taken out of an
 * eval command line, the rest (the dataset and eval options) kept for the
 * tasks in args (pointers into argv).
 */
struct eval_submit {
    const char *scheduler;   /* "slurm" */
    unsigned shards;         /* --shards N: the array's tasks */
    const char *dir;         /* --submit-dir: the shared folder for scripts and results */
    const char *save;        /* --save: the merged run's name (default "merged") */
    const char **sbatch;     /* --sbatch OPT (repeatable): extra sbatch options */
    size_t nsbatch;
    bool dry_run;            /* --submit-dry-run: print, submit nothing */
    const char **args;
    size_t nargs;
};

/*
 * Split argv (argv[0] the command): 0 when neither --submit nor
 * --submit-dry-run is there (s untouched but zeroed), 1 with s filled, -1
 * with *cause on a usage error (--shards and --submit-dir missing, --shard
 * or --resume given). Free with eval_submit_done().
 */
int eval_submit_parse(int argc, char **argv, struct eval_submit *s, char **cause);
void eval_submit_done(struct eval_submit *s);
/* The task (merge false) or merge job script (caller frees); program and cwd absolute. */
char *eval_submit_script(const struct eval_submit *s, bool merge, const char *program,
    const char *cwd);
/* The sbatch command line that submits it (merge: after array_id succeeded); caller frees. */
char *eval_submit_command(const struct eval_submit *s, bool merge, const char *array_id);
/*
 * Write both scripts into s->dir (created; refused when it holds an earlier
 * submission) and submit the array, then the afterok merge job; the job ids
 * (caller frees). 0, or -1 with *cause (the ids submitted so far set).
 */
int eval_submit_slurm(const struct eval_submit *s, const char *program, const char *cwd,
    char **array_id, char **merge_id, char **cause);

/*
 * `eval --shard auto`: this task's shard K of N from the environment
 * (get: a getenv-like lookup, NULL for getenv): a Slurm array
 * (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN + 1 of SLURM_ARRAY_TASK_COUNT;
 * a stepped or sparse array is refused), a Kubernetes Indexed Job
 * (JOB_COMPLETION_INDEX + 1 of shards) or GNU parallel (PARALLEL_SEQ of
 * shards). shards is --shards N (0: not given; required but for Slurm,
 * where it must equal the array's size). *source names the variable used.
 * 0, or -1 with *cause.
 */
int eval_shard_auto(const char *(*get)(const char *name), unsigned shards, unsigned *k,
    unsigned *n, const char **source, char **cause);

/* --- stored runs (through store_eval.h) ----------------------------------- */

struct store;
/*
 * Insert the run row ('running') for a run about to start, from meta's
 * parameters, dataset, manifest hash, engine and model hash (items and
 * records are not read). Returns the run id or -1.
 */
int64_t eval_store_begin(struct store *st, const char *name, const struct eval_result *meta,
    char **cause);
/* Write the result, its figures JSON and a summary in one transaction; mark it complete. */
int eval_store_finish(struct store *st, int64_t id, const struct eval_result *res,
    const struct eval_figures *f, const char *figures_json, char **cause);
/*
 * Load a complete stored run by name or "#ID": the result (sorted) and, if
 * figures_json is not NULL, the figures JSON stored with it (caller frees).
 */
struct eval_result *eval_store_load(struct store *st, const char *name, char **figures_json,
    char **cause);

/* --- gates ------------------------------------------------------------------ */

struct eval_gate;
/* Load a gate file (YAML; eval_gate.c documents the keys); NULL with *cause. */
struct eval_gate *eval_gate_load(const char *path, char **cause);
/* Free a gate; NULL is a no-op. */
void eval_gate_free(struct eval_gate *g);
/*
 * Apply a gate to figures (and a baseline's, may be NULL): returns the
 * number of failed checks; *report gets one line per check ("PASS ..." or
 * "FAIL ..."), caller frees.
 */
int eval_gate_apply(const struct eval_gate *g, const struct eval_figures *cur,
    const struct eval_figures *base, char **report);

#endif /* FA_EVAL_H */
