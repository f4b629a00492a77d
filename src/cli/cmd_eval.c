/* SPDX-License-Identifier: MIT */
/*
 * cmd_eval.c - `faceaudit eval`, `merge` and `runs` (the figures are
 * printed by cmd_eval_print.c, `eval --submit` is cmd_eval_submit.c): run a
 * protocol over a labelled dataset, print and store the ISO/IEC 19795-1
 * figures, compare with a baseline and apply a gate; merge shard runs;
 * list, show and delete stored runs.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_eval.h"
#include "faceaudit/app.h"
#include "faceaudit/cli.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/json.h"
#include "faceaudit/jsonw.h"
#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"


static int
parse_format(const char *s, enum out_format *f)
{
    if (strcmp(s, "text") == 0)
        *f = OUT_TEXT;
    else if (strcmp(s, "json") == 0)
        *f = OUT_JSON;
    else if (strcmp(s, "csv") == 0)
        *f = OUT_CSV;
    else
        return -1;
    return 0;
}

static int
parse_u64(const char *s, uint64_t *v)
{
    char *end;
    unsigned long long x;

    if (*s == '-' || *s == '\0')
        return -1;
    errno = 0;
    x = strtoull(s, &end, 10);
    if (*end != '\0' || errno != 0)
        return -1;
    *v = x;
    return 0;
}

static int
parse_real(const char *s, double lo, double hi, double *v)
{
    char *end;

    errno = 0;
    *v = strtod(s, &end);
    if (end == s || *end != '\0' || errno != 0 || !(*v >= lo && *v <= hi))
        return -1;
    return 0;
}

/* Print the gate's report; returns FA_EXIT_FINDINGS when it failed. */
static int
print_gate(struct cli_ctx *ctx, const struct app_eval_result *r, const char *path)
{
    fprintf(ctx->out, "\ngate %s: %s\n%s", path, r->gate_failed > 0 ? "FAILED" : "passed",
        r->gate_report);
    if (r->gate_failed > 0)
        cli_error(ctx, "gate %s failed: %d check(s)", path, r->gate_failed);
    return r->gate_failed > 0 ? FA_EXIT_FINDINGS : FA_EXIT_OK;
}

/* --- faceaudit eval ----------------------------------------------------------- */

/* An option of the built-in engine into its params; NULL, or the usage error (allocated). */
static char *
recog_option(int c, const char *arg, struct eval_recog_opts *r)
{
    uint64_t u;

    switch (c) {
    case 'd': {
        enum detector_kind dk;

        if (detector_kind_parse(arg, &dk) == -1)
            return xasprintf("--detector is tiny, ssd or tiled, not '%s'", arg);
        r->detector = (int)dk;
        return NULL;
    }
    case 'z':
        if (parse_u64(arg, &u) == -1 || u < 32 || u > 2048 || u % 32 != 0)
            return xasprintf("--input-size: '%s' (a multiple of 32, 32 to 2048)", arg);
        r->input_size = (int)u;
        return NULL;
    case 'm':
        return parse_real(arg, 0.01, 0.99, &r->min_score) == -1 ?
            xasprintf("--min-score: '%s' (0.01 to 0.99)", arg) : NULL;
    case 'o': r->one_face = true; return NULL;
    case 'w':
        if (parse_u64(arg, &u) == -1 || u < 1 || u > 10000)
            return xasprintf("--min-face: '%s' (pixels, 1 to 10000)", arg);
        r->min_face = (unsigned)u;
        return NULL;
    default:
        return xstrdup("bad option");
    }
}

/* One option into the params; NULL, or the usage error's message (allocated). */
static char *
eval_option(int c, const char *arg, struct app_eval_params *p, enum out_format *fmt,
    bool *shard_auto, unsigned *shards)
{
    uint64_t u;
    unsigned k, n;
    char extra;

    switch (c) {
    case 'p':
        return eval_protocol_parse(arg, &p->eval.protocol) == -1 ?
            xasprintf("unknown protocol '%s' (verify, identify or detect)", arg) : NULL;
    case 't':
        return parse_real(arg, 0, 1e6, &p->eval.threshold) == -1 ?
            xasprintf("--threshold: '%s' is not a non-negative distance", arg) : NULL;
    case 's': p->save = arg; return NULL;
    case 'R': p->resume = arg; return NULL;
    case 'b': p->baseline = arg; return NULL;
    case 'g': p->gate_path = arg; return NULL;
    case 'D': p->descriptors = arg; return NULL;
    case 'E': p->detections = arg; return NULL;
    case 'F': p->ds.format = arg; return NULL;
    case 'c': p->eval.cropped = true; return NULL;
    case 'S':
        if (strcmp(arg, "auto") == 0) {
            *shard_auto = true;
            return NULL;
        }
        if (sscanf(arg, "%u/%u%c", &k, &n, &extra) != 2 || n < 1 || k < 1 || k > n ||
            n > 100000)
            return xasprintf("--shard: '%s' is not K/N with 1 <= K <= N", arg);
        p->eval.shard_k = k;
        p->eval.shard_n = n;
        return NULL;
    case 'f':
        return parse_format(arg, fmt) == -1 ?
            xasprintf("--format: '%s' (text, json or csv)", arg) : NULL;
    case 'r':
        return parse_u64(arg, &p->eval.seed) == -1 ?
            xasprintf("--seed: '%s' is not an unsigned integer", arg) : NULL;
    case 'I':
        return parse_u64(arg, &p->eval.max_impostors) == -1 ?
            xasprintf("--impostors: '%s' is not a count (0: all)", arg) : NULL;
    case 'G':
        if (parse_u64(arg, &u) == -1 || u < 1 || u > 1000)
            return xasprintf("--gallery-images: '%s' (1 to 1000)", arg);
        p->eval.gallery_images = (unsigned)u;
        return NULL;
    case 'U':
        return parse_real(arg, 0, 0.95, &p->eval.unknown_share) == -1 ?
            xasprintf("--unknown-share: '%s' (0 to 0.95)", arg) : NULL;
    case 'B':
        if (parse_u64(arg, &u) == -1 || u > 100000)
            return xasprintf("--bootstrap: '%s' (0 to 100000)", arg);
        p->eval.bootstrap = (unsigned)u;
        return NULL;
    case 'M':
        if (parse_u64(arg, &u) == -1 || u < 1)
            return xasprintf("--max-images: '%s' is not a positive count", arg);
        p->ds.max_items = (size_t)u;
        return NULL;
    case 'j':
        if (parse_u64(arg, &u) == -1 || u < 1 || u > 256)
            return xasprintf("--jobs: '%s' (1 to 256)", arg);
        p->eval.jobs = (unsigned)u;
        return NULL;
    case 'A': p->allow_missing = true; return NULL;
    case 'K':
        return eval_gallery_pick_parse(arg, &p->eval.gallery_pick) == -1 ?
            xasprintf("--gallery-pick: '%s' (first, all-but-one or random)", arg) : NULL;
    case 'P':
        p->ds.pair_columns = arg;
        if (p->ds.format == NULL)
            p->ds.format = "pairs";
        return NULL;
    case 'N':
        if (parse_u64(arg, &u) == -1 || u < 1 || u > 100000)
            return xasprintf("--shards: '%s' (1 to 100000)", arg);
        *shards = (unsigned)u;
        return NULL;
    default:
        return recog_option(c, arg, &p->recog);
    }
}

/* argv -> params; 0, or an exit code after the usage error. */
int
eval_args(struct cli_ctx *ctx, int argc, char **argv, struct app_eval_params *p,
    enum out_format *fmt)
{
    static const struct option longopts[] = {
        { "protocol", required_argument, NULL, 'p' },
        { "threshold", required_argument, NULL, 't' },
        { "save", required_argument, NULL, 's' },
        { "baseline", required_argument, NULL, 'b' },
        { "gate", required_argument, NULL, 'g' },
        { "shard", required_argument, NULL, 'S' },
        { "format", required_argument, NULL, 'f' },
        { "cropped", no_argument, NULL, 'c' },
        { "seed", required_argument, NULL, 'r' },
        { "impostors", required_argument, NULL, 'I' },
        { "gallery-images", required_argument, NULL, 'G' },
        { "unknown-share", required_argument, NULL, 'U' },
        { "bootstrap", required_argument, NULL, 'B' },
        { "descriptors", required_argument, NULL, 'D' },
        { "detections", required_argument, NULL, 'E' },
        { "dataset-format", required_argument, NULL, 'F' },
        { "max-images", required_argument, NULL, 'M' },
        { "jobs", required_argument, NULL, 'j' },
        { "resume", required_argument, NULL, 'R' },
        { "detector", required_argument, NULL, 'd' },
        { "input-size", required_argument, NULL, 'z' },
        { "min-score", required_argument, NULL, 'm' },
        { "one-face", no_argument, NULL, 'o' },
        { "min-face", required_argument, NULL, 'w' },
        { "allow-missing", no_argument, NULL, 'A' },
        { "shards", required_argument, NULL, 'N' },
        { "pair-columns", required_argument, NULL, 'P' },
        { "gallery-pick", required_argument, NULL, 'K' },
        { NULL, 0, NULL, 0 }
    };
    char *bad, *cause = NULL;
    const char *src = NULL;
    bool shard_auto = false;
    unsigned shards = 0;
    int c;

    while ((c = getopt_long(argc, argv, "p:t:f:j:", longopts, NULL)) != -1) {
        if ((bad = eval_option(c, optarg, p, fmt, &shard_auto, &shards)) != NULL) {
            c = cli_usage_error(ctx, "%s", bad);
            free(bad);
            return c;
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error(ctx, optind == argc ? "missing DATASET" : "one DATASET only");
    p->dataset = argv[optind];
    if (shards != 0 && !shard_auto)
        return cli_usage_error(ctx, "--shards N goes with --shard auto");
    if (shard_auto) {
        /* K and N from the scheduler: a Slurm array, an Indexed Job, GNU parallel */
        if (eval_shard_auto(NULL, shards, &p->eval.shard_k, &p->eval.shard_n, &src,
                &cause) == -1) {
            c = cli_usage_error(ctx, "%s", cause);
            free(cause);
            return c;
        }
        log_info("eval: shard %u/%u from %s", p->eval.shard_k, p->eval.shard_n, src);
    }
    if (app_eval_params_check(p, &cause) == -1) {
        c = cli_usage_error(ctx, "%s", cause);
        free(cause);
        return c;
    }
    return 0;
}

/* Ctrl-C: what was kept and how to go on. */
static int
eval_interrupted(struct cli_ctx *ctx, const struct app_eval_params *p)
{
    const char *run = p->resume != NULL ? p->resume : p->save;

    if (run != NULL)
        cli_error(ctx, "interrupted: run '%s' keeps the descriptors recorded so far; continue "
            "it with `faceaudit eval %s --resume %s` and the same options", run, p->dataset,
            run);
    else
        cli_error(ctx, "interrupted: nothing was stored (a run saved with --save NAME can be "
            "continued with --resume NAME)");
    return FA_EXIT_INTERRUPTED;
}

static int
cmd_eval_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    struct app_eval_params p;
    struct app_eval_result *r;
    struct app_progress pr;
    struct cli_progress bar;
    enum out_format fmt = OUT_TEXT;
    char *cause = NULL;
    int rc;

    if (eval_submit_maybe(ctx, argc, argv, &rc))
        return rc;
    app_eval_params_default(&p);
    if ((rc = eval_args(ctx, argc, argv, &p, &fmt)) != 0)
        return rc;
    cli_progress_init_batch(ctx, &bar, &pr, "eval");
    cli_cancel_init(&pr);
    p.keep_cancelled = true;
    if ((r = app_eval(ctx->app, &p, &pr, &cause)) == NULL) {
        rc = cli_interrupted() && strcmp(cause, APP_CANCELLED) == 0 ?
            eval_interrupted(ctx, &p) : cli_error(ctx, "%s", cause);
        free(cause);
        return rc;
    }
    if (p.resume != NULL && fmt == OUT_TEXT)
        fprintf(ctx->out, "resumed: %zu descriptors taken from the killed run\n", r->resumed);
    eval_print_figures(ctx, fmt, r->res, &r->fig, r->json, r->base != NULL ? &r->base_fig : NULL,
        r->saved_as);
    if (r->saved_as != NULL && fmt == OUT_TEXT)
        fprintf(ctx->out, "stored as run '%s'\n", r->saved_as);
    if (r->base != NULL && fmt == OUT_TEXT) {
        if (strcmp(r->base->manifest_sha256, r->res->manifest_sha256) != 0)
            fprintf(ctx->out, "note: the baseline '%s' was measured on another dataset "
                "(manifest %.16s, this one %.16s)\n", p.baseline, r->base->manifest_sha256,
                r->res->manifest_sha256);
        if (memcmp(&r->base->params.threshold, &r->res->params.threshold, sizeof(double)) != 0 ||
            r->base->params.seed != r->res->params.seed)
            fprintf(ctx->out, "note: the baseline '%s' used threshold %g and seed %" PRIu64 "\n",
                p.baseline, r->base->params.threshold, r->base->params.seed);
    }
    rc = r->gate_failed >= 0 ? print_gate(ctx, r, p.gate_path) : FA_EXIT_OK;
    app_eval_result_free(r);
    return rc;
}

const struct cmd_entry cmd_eval_entry = {
    "eval", NULL, "DATASET [--protocol verify|identify|detect] [--threshold T] [--save NAME|--resume NAME] "
    "[--baseline NAME] [--gate FILE] [--shard K/N|auto] [--format text|json|csv] [--cropped] "
    "[--seed S] [--detector tiny|ssd|tiled] [--allow-missing]\n"
    "       [--submit slurm --shards N --submit-dir DIR [--submit-dry-run]] [options]",
    "measure accuracy on a labelled dataset (ISO/IEC 19795-1), store it, gate it",
    "DATASET is a CSV manifest, a folder per identity, an LFW pairs.txt, a\n"
    "labelled pairs CSV (a,b,same) or an imglab XML file (see\n"
    "datasets/README.md), or the name of a shipped definition (orl, bbt,\n"
    "dlib-train; images through $FACEAUDIT_DATA).\n"
    "Scores are Euclidean distances between descriptors: lower is more\n"
    "similar, a comparison matches when distance <= threshold. Failed\n"
    "acquisitions count as failures, never as exclusions.\n"
    "\n"
    "  --protocol P       verify (default): genuine and impostor pairs; identify:\n"
    "                     seeded gallery/probe split by subject, open set;\n"
    "                     detect: boxes matched at IoU >= 0.5\n"
    "  --threshold T      the deployment's frozen threshold (default 0.6)\n"
    "  --seed S           seed for sampling, splits and bootstrap (default 1)\n"
    "  --impostors N      sample N impostor pairs when there are more (default\n"
    "                     1000000; 0: all)\n"
    "  --gallery-images N identification: images enrolled per subject (default 1)\n"
    "  --gallery-pick P   identification: which images enrol: random (seeded by\n"
    "                     --seed, default), first (in dataset order) or\n"
    "                     all-but-one (the last image of each subject searches)\n"
    "  --unknown-share F  identification: share of subjects left out of the\n"
    "                     gallery as non-mated searches (default 0.25)\n"
    "  --bootstrap N      subject-level bootstrap replicates (default 1000; 0: off)\n"
    "  --cropped          the images are face crops: no detection\n"
    "  --detector D       tiny (TinyFaceDetector, default), ssd (SSD MobileNetV1) or\n"
    "                     tiled (TinyFaceDetector, then a closer look at each small\n"
    "                     candidate: small and off-centre faces)\n"
    "  --input-size N     tiny/tiled detector input, a multiple of 32 (default 416)\n"
    "  --min-score S      keep detections scoring above S (default 0.5)\n"
    "  --one-face         an image with more than one face fails to acquire\n"
    "                     (default: the most confident face is the subject)\n"
    "  --min-face PX      a face (or crop) narrower than PX pixels fails to acquire\n"
    "  --allow-missing    a file that cannot be opened is a failure to acquire\n"
    "                     (default: a dataset error, exit 2, every one listed)\n"
    "  --descriptors FILE evaluate another system's descriptors (CSV path,v1..vD)\n"
    "  --detections FILE  evaluate another system's detections (CSV\n"
    "                     path,x,y,w,h,confidence)\n"
    "  --save NAME        store the run (parameters, hashes, every score); each\n"
    "                     descriptor is recorded (sealed) as it is computed\n"
    "  --resume NAME      continue the stored run NAME that was killed: the\n"
    "                     descriptors it recorded are not computed again (same\n"
    "                     dataset and options as the killed run)\n"
    "  --baseline NAME    compare with a stored run\n"
    "  --gate FILE        YAML gate: exit 1 with the list of failed checks\n"
    "  --shard K/N        do the K-th of N parts (needs --save); then\n"
    "                     `faceaudit merge` gives exactly the single-run figures\n"
    "  --shard auto       K and N from a Slurm array (SLURM_ARRAY_TASK_ID, _MIN,\n"
    "                     _COUNT; a stepped array is refused), a Kubernetes\n"
    "                     Indexed Job (JOB_COMPLETION_INDEX, with --shards N) or\n"
    "                     GNU parallel (PARALLEL_SEQ, with --shards N)\n"
    "  --shards N         the number of shards for --shard auto\n"
    "  --submit slurm     submit the evaluation to Slurm: an array of --shards N\n"
    "                     tasks (each `eval --shard auto` in a database on node-local\n"
    "                     disk, copied to DIR when done) and a merge job after every\n"
    "                     task succeeded (afterok), whose merged run --save names\n"
    "                     (default merged); prints the job ids and how to follow them\n"
    "  --submit-dir DIR   the shared folder for the scripts, task outputs and results\n"
    "  --sbatch OPT       an extra sbatch option, e.g. --sbatch=--partition=cpu\n"
    "                     (repeatable)\n"
    "  --submit-dry-run   print the two scripts and sbatch commands, submit nothing\n"
    "  --format F         text (default), json (the stored figures document), csv\n"
    "  --dataset-format F csv, dir, lfw, imglab or pairs (default: from the path)\n"
    "  --pair-columns A,B,SAME  a labelled pairs CSV whose columns have other names\n"
    "                     (e.g. file_x,file_y,Decision); the default a,b,same\n"
    "                     header is recognised by itself; any class balance\n"
    "  --max-images N     refuse datasets with more images (default 2000000)\n"
    "  -j, --jobs N       acquire descriptors in N threads, one network instance\n"
    "                     each (default 1); the figures do not depend on N\n"
    "\n"
    "Progress goes to stderr: a bar on a terminal, otherwise one line every\n"
    "$FACEAUDIT_PROGRESS_SECONDS (default 5) seconds and at the end (done, rate,\n"
    "time left); faceaudit -q silences both.\n"
    "Ctrl-C stops the run at its next image; a stored run keeps what it\n"
    "recorded for --resume NAME.\n"
    "\n"
    "exit status: 0 ok; 1 the gate failed; 2 bad usage, bad input, engine error;\n"
    "130 interrupted (Ctrl-C).\n",
    cmd_eval_exec
};

/* --- faceaudit merge ------------------------------------------------------------ */

static int
cmd_merge_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "save", required_argument, NULL, 's' },
        { "format", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 }
    };
    const char *save = NULL;
    enum out_format fmt = OUT_TEXT;
    struct app_eval_result *r;
    char *cause = NULL;
    int c, n;

    while ((c = getopt_long(argc, argv, "s:f:", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            save = optarg;
            break;
        case 'f':
            if (parse_format(optarg, &fmt) == -1)
                return cli_usage_error(ctx, "--format: '%s' (text, json or csv)", optarg);
            break;
        default:
            return cli_usage_error(ctx, "bad option");
        }
    }
    n = argc - optind;
    if (n < 1)
        return cli_usage_error(ctx, "missing the shard runs to merge");
    if ((r = app_eval_merge(ctx->app, argv + optind, (size_t)n, save, &cause)) == NULL) {
        c = cli_error(ctx, "%s", cause);
        free(cause);
        return c;
    }
    eval_print_figures(ctx, fmt, r->res, &r->fig, r->json, NULL, save);
    if (save != NULL && fmt == OUT_TEXT)
        fprintf(ctx->out, "merged %d shard(s), stored as run '%s'\n", n, save);
    app_eval_result_free(r);
    return FA_EXIT_OK;
}

const struct cmd_entry cmd_merge_entry = {
    "merge", NULL, "[--save NAME] [--format text|json|csv] [DBFILE:]RUN...",
    "merge the stored runs of `eval --shard K/N` into the single-run result",
    "Every shard K/N of one job must be given exactly once; they must have\n"
    "the same dataset manifest, engine, model hash and options. The merged\n"
    "figures are byte-identical to those of the same evaluation run unsharded.\n"
    "A shard may be read from another database file as DBFILE:RUN, so that\n"
    "each task of a Slurm array or GNU parallel job can write its own\n"
    "database (`faceaudit --db task-$K.db eval ... --shard $K/N --save s$K`).\n"
    "\n"
    "  --save NAME   store the merged run\n"
    "  --format F    text (default), json or csv\n",
    cmd_merge_exec
};

/* --- faceaudit runs --------------------------------------------------------------- */

static void
list_text(FILE *o, const struct app_runs *rs)
{
    size_t i;

    fprintf(o, "%-6s %-10s %-24s %-9s %-20s %s\n", "ID", "KIND", "NAME", "STATUS", "CREATED",
        "SUMMARY");
    for (i = 0; i < rs->n; i++) {
        const struct app_run_row *r = &rs->rows[i];

        fprintf(o, "%-6" PRId64 " %-10s %-24s %-9s %-20s %s\n", r->id, r->kind,
            *r->name != '\0' ? r->name : "-", r->status, r->created_at,
            r->summary != NULL ? r->summary : "");
    }
}

/* A stored summary if it is a JSON object, else null (a summary is stored text). */
static void
json_summary(struct jw *w, const char *summary)
{
    struct json *j = summary != NULL ? json_parse(summary, strlen(summary), "summary", NULL) :
        NULL;

    if (j != NULL && j->type == JSON_OBJECT)
        jw_raw(w, summary);
    else
        jw_null(w);
    json_free(j);
}

/* The runs as a JSON array, one object per line (core's writer). */
static void
list_json(FILE *o, const struct app_runs *rs)
{
    struct strbuf sb;
    struct jw w;
    size_t i;

    strbuf_init(&sb);
    jw_init(&w, &sb, JW_SPACED);
    jw_array(&w, JW_LINES);
    for (i = 0; i < rs->n; i++) {
        const struct app_run_row *r = &rs->rows[i];

        jw_object(&w, JW_INLINE);
        jw_kint(&w, "id", r->id);
        jw_kstr(&w, "kind", r->kind);
        jw_kstr(&w, "name", r->name);
        jw_kstr(&w, "status", r->status);
        jw_kstr(&w, "created_at", r->created_at);
        jw_kstr(&w, "finished_at", r->finished_at);
        jw_key(&w, "summary");
        json_summary(&w, r->summary);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    strbuf_putc(&sb, '\n');
    fputs(strbuf_str(&sb), o);
    strbuf_done(&sb);
}

static int
runs_list(struct cli_ctx *ctx, const char *kind, enum out_format fmt)
{
    struct app_runs *rs;
    char *cause = NULL;
    int rc;

    if ((rs = app_runs_list(ctx->app, kind, &cause)) == NULL) {
        rc = cli_error(ctx, "%s", cause);
        free(cause);
        return rc;
    }
    if (fmt == OUT_JSON)
        list_json(ctx->out, rs);
    else
        list_text(ctx->out, rs);
    app_runs_free(rs);
    return FA_EXIT_OK;
}

static int
runs_show(struct cli_ctx *ctx, const char *name, enum out_format fmt)
{
    struct app_eval_result *r;
    char *stored = NULL, *cause = NULL;
    int rc = FA_EXIT_OK;

    if ((r = app_eval_show(ctx->app, name, &stored, &cause)) == NULL) {
        rc = cli_error(ctx, "%s", cause);
        free(cause);
        return rc;
    }
    if (fmt == OUT_JSON)
        fputs(stored, ctx->out);
    else
        eval_print_figures(ctx, fmt, r->res, &r->fig, r->json, NULL, name);
    if (strcmp(r->json, stored) != 0) {
        cli_error(ctx, "run '%s': the stored figures differ from a recomputation from "
            "its stored scores by this faceaudit %s", name, PACKAGE_VERSION);
        rc = FA_EXIT_FINDINGS;
    } else if (fmt == OUT_TEXT)
        fputs("stored figures verified: recomputed from the stored scores, identical\n",
            ctx->out);
    free(stored);
    app_eval_result_free(r);
    return rc;
}

static int
cmd_runs_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "kind", required_argument, NULL, 'k' },
        { "format", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 }
    };
    const char *sub, *kind = NULL;
    enum out_format fmt = OUT_TEXT;
    char *cause = NULL;
    int c;

    if (argc < 2)
        return cli_usage_error(ctx, "missing subcommand (list, show or delete)");
    sub = argv[1];
    argc--;
    argv++;
    while ((c = getopt_long(argc, argv, "k:f:", longopts, NULL)) != -1) {
        switch (c) {
        case 'k':
            kind = optarg;
            break;
        case 'f':
            if (parse_format(optarg, &fmt) == -1)
                return cli_usage_error(ctx, "--format: '%s' (text, json or csv)", optarg);
            break;
        default:
            return cli_usage_error(ctx, "bad option");
        }
    }
    if (strcmp(sub, "list") == 0) {
        if (optind != argc)
            return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
        if (fmt == OUT_CSV)
            return cli_usage_error(ctx, "--format: runs list prints text or json");
        return runs_list(ctx, kind, fmt);
    }
    if (strcmp(sub, "show") == 0) {
        if (optind + 1 != argc)
            return cli_usage_error(ctx, "show needs one run NAME (or #ID)");
        return runs_show(ctx, argv[optind], fmt);
    }
    if (strcmp(sub, "delete") == 0) {
        if (optind + 1 != argc)
            return cli_usage_error(ctx, "delete needs one run NAME (or #ID)");
        if (app_runs_delete(ctx->app, kind, argv[optind], &cause) == -1) {
            c = cli_error(ctx, "%s", cause);
            free(cause);
            return c;
        }
        fprintf(ctx->out, "deleted run '%s'\n", argv[optind]);
        return FA_EXIT_OK;
    }
    return cli_usage_error(ctx, "unknown subcommand '%s' (list, show or delete)", sub);
}

const struct cmd_entry cmd_runs_entry = {
    "runs", NULL, "list [--kind KIND] [--format text|json] | show NAME [--format text|json|csv] |\n"
    "       delete NAME",
    "list, show and delete stored runs",
    "  list         every stored run (audit, eval, simulation, replay), newest\n"
    "               first; --kind restricts to one kind; --format json prints an\n"
    "               array of {id, kind, name, status, created_at, finished_at,\n"
    "               summary}\n"
    "  show NAME    an eval run's figures, recomputed from its stored scores and\n"
    "               checked against the figures stored with it (json: the\n"
    "               stored document); NAME may be #ID\n"
    "  delete NAME  remove a run and everything stored with it\n"
    "\n"
    "exit status: 0 ok; 1 the stored figures do not match a recomputation;\n"
    "2 no such run or a database error.\n",
    cmd_runs_exec
};
