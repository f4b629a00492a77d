/* SPDX-License-Identifier: MIT */
/*
 * app_eval.c - evaluations: run (or resume) a protocol over a dataset with
 * progress and cancellation, store it, compare with a baseline, apply a
 * gate; merge shard runs; show a stored run. The defaults of every
 * evaluation option are set here, for the CLI and the TUI alike.
 */
#include "config.h"

#include "faceaudit/app.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/detect.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/gemm.h"
#include "faceaudit/image.h"
#include "faceaudit/log.h"
#include "faceaudit/store.h"
#include "faceaudit/store_eval.h"
#include "faceaudit/store_evalcache.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

void
app_eval_params_default(struct app_eval_params *p)
{
    memset(p, 0, sizeof *p);
    p->eval.protocol = EVAL_VERIFY;
    p->eval.threshold = 0.6;
    p->eval.seed = 1;
    p->eval.max_impostors = 1000000;
    p->eval.gallery_images = 1;
    p->eval.unknown_share = 0.25;
    p->eval.bootstrap = 1000;
    p->eval.shard_k = p->eval.shard_n = 1;
    p->eval.jobs = 1;
}

int
app_eval_params_check(const struct app_eval_params *p, char **cause)
{
    if (p->dataset == NULL)
        return cause_set(cause, "missing DATASET");
    if (p->eval.shard_n > 1 && p->save == NULL && p->resume == NULL)
        return cause_set(cause, "--shard needs --save NAME or --resume NAME (`faceaudit "
            "merge` reads the stored shards)");
    if (p->recog.input_size != 0 && p->recog.detector == DETECTOR_SSD)
        return cause_set(cause, "--input-size applies to the tiny and tiled detectors only");
    if ((p->descriptors != NULL || p->detections != NULL) && (p->recog.detector !=
            DETECTOR_TINY || p->recog.input_size != 0 || p->recog.min_score > 0 ||
            p->recog.one_face || p->recog.min_face > 0))
        return cause_set(cause, "--detector, --input-size, --min-score, --one-face and "
            "--min-face configure the built-in engine, not --descriptors/--detections");
    if (p->eval.shard_n > 1 && (p->gate_path != NULL || p->baseline != NULL))
        return cause_set(cause, "--gate and --baseline apply to the merged run, not to "
            "one shard");
    if (p->resume != NULL && p->save != NULL)
        return cause_set(cause, "--resume NAME continues the run NAME: no --save with it");
    return 0;
}

/* --- cancellation: an engine wrapper that stops acquiring on request --------------- */

struct cancel_engine {
    struct eval_engine *inner;
    const struct app_progress *pr;
    atomic_bool cancelled;
};

struct cancel_call {
    struct cancel_engine *ce;
    void *inner;
};

static bool
stop(struct cancel_engine *ce, char **cause)
{
    if (!atomic_load(&ce->cancelled) && ce->pr->cancel_requested(ce->pr->user))
        atomic_store(&ce->cancelled, true);
    if (atomic_load(&ce->cancelled)) {
        cause_set(cause, APP_CANCELLED);
        return true;
    }
    return false;
}

static int
cancel_embed(void *ctx, const struct ds_item *item, bool cropped, float *out, char **cause)
{
    struct cancel_call *c = ctx;

    if (stop(c->ce, cause))
        return -1;
    return c->ce->inner->embed(c->inner, item, cropped, out, cause);
}

static int
cancel_detect(void *ctx, const struct ds_item *item, struct ds_box **boxes, double **conf,
    size_t *n, char **cause)
{
    struct cancel_call *c = ctx;

    if (stop(c->ce, cause))
        return -1;
    return c->ce->inner->detect(c->inner, item, boxes, conf, n, cause);
}

static void *
cancel_thread_new(void *ctx, char **cause)
{
    struct cancel_call *c = ctx, *t;
    void *inner = c->ce->inner->thread_new(c->ce->inner->ctx, cause);

    if (inner == NULL)
        return NULL;
    t = xcalloc(1, sizeof *t);
    t->ce = c->ce;
    t->inner = inner;
    return t;
}

static void
cancel_thread_free(void *tctx)
{
    struct cancel_call *t = tctx;

    t->ce->inner->thread_free(t->inner);
    free(t);
}

static void
cancel_free(void *ctx)
{
    struct cancel_call *c = ctx;

    eval_engine_free(c->ce->inner);
    free(c->ce);
    free(c);
}

/* Wrap eng so that it fails with APP_CANCELLED once cancellation is requested. */
static struct eval_engine *
cancel_wrap(struct eval_engine *inner, const struct app_progress *pr)
{
    struct eval_engine *e;
    struct cancel_call *c;

    if (pr == NULL || pr->cancel_requested == NULL)
        return inner;
    e = xcalloc(1, sizeof *e);
    c = xcalloc(1, sizeof *c);
    c->ce = xcalloc(1, sizeof *c->ce);
    c->ce->inner = inner;
    c->ce->pr = pr;
    c->inner = inner->ctx;
    *e = *inner;
    e->ctx = c;
    e->embed = inner->embed != NULL ? cancel_embed : NULL;
    e->detect = inner->detect != NULL ? cancel_detect : NULL;
    e->thread_new = inner->thread_new != NULL ? cancel_thread_new : NULL;
    e->thread_free = inner->thread_new != NULL ? cancel_thread_free : NULL;
    e->free = cancel_free;
    return e;
}

static bool
was_cancelled(const struct app_progress *pr)
{
    return pr != NULL && pr->cancel_requested != NULL && pr->cancel_requested(pr->user);
}

struct prog_arg {
    const struct app_progress *pr;
    const char *what;
};

static void
eval_progress(void *arg, size_t done, size_t total)
{
    struct prog_arg *pa = arg;

    pa->pr->progress(pa->pr->user, pa->what, done, total);
}

/* --- run ----------------------------------------------------------------------------- */

/* Begin a stored run under p->save (numbered when taken and save_unique). */
static int64_t
begin_run(struct store *st, const struct app_eval_params *p, const struct eval_result *meta,
    char **name, char **cause)
{
    int64_t id = eval_store_begin(st, p->save, meta, cause);
    int k;

    *name = xstrdup(p->save);
    for (k = 2; id == -1 && p->save_unique && k < 100; k++) {
        free(*cause);
        *cause = NULL;
        free(*name);
        *name = xasprintf("%s-%d", p->save, k);
        id = eval_store_begin(st, *name, meta, cause);
    }
    return id;
}

/* The baseline and the gate: what can be checked before the long work. */
static int
eval_prepare(struct app *a, const struct app_eval_params *p, struct app_eval_result *r,
    struct eval_gate **gate, struct store **st, char **cause)
{
    if (p->gate_path != NULL && (*gate = eval_gate_load(p->gate_path, cause)) == NULL)
        return -1;
    if ((p->save != NULL || p->baseline != NULL || p->resume != NULL) &&
        (*st = app_store(a, cause)) == NULL)
        return -1;
    if (p->baseline != NULL) {
        if ((r->base = eval_store_load(*st, p->baseline, NULL, cause)) == NULL)
            return -1;
        eval_figures_compute(r->base, &r->base_fig);
    }
    return 0;
}

struct app_eval_result *
app_eval(struct app *a, const struct app_eval_params *p, const struct app_progress *pr,
    char **cause)
{
    struct app_eval_result *r = xcalloc(1, sizeof *r);
    struct eval_gate *gate = NULL;
    struct dataset *ds = NULL;
    struct eval_engine *eng = NULL, *cached = NULL;
    struct store *st = NULL;
    struct ds_options dopt = p->ds;
    struct prog_arg pa;
    int64_t run_id = -1;
    char *path;

    r->gate_failed = -1;
    if (app_eval_params_check(p, cause) == -1 || eval_prepare(a, p, r, &gate, &st, cause) == -1)
        goto fail;
    dopt.cropped = p->eval.cropped;
    path = ds_find(p->dataset);
    ds = dataset_load(path != NULL ? path : p->dataset, &dopt, cause);
    free(path);
    if (ds == NULL)
        goto fail;
    /*
     * One BLAS thread, always: a multi-threaded BLAS sums in an order that
     * depends on its thread count, which would make descriptors (and shards
     * run on different machines) differ in the last bits. Parallelism comes
     * from jobs, one network instance per thread, which does not change
     * any result.
     */
    gemm_set_threads(1);
    if (p->descriptors != NULL || p->detections != NULL)
        eng = eval_engine_files(p->descriptors, p->detections, cause);
    else {
        struct eval_recog_opts ro = p->recog;

        ro.protocol = p->eval.protocol;
        ro.cropped = p->eval.cropped;
        eng = eval_engine_recog(&ro, cause);
    }
    if (eng == NULL)
        goto fail;
    /* a file that cannot be opened is a dataset error, listed in full, before any work */
    if (!p->allow_missing) {
        char **bad = NULL;
        size_t nbad = dataset_unopenable(ds, &bad), i;

        if (nbad > 0) {
            struct strbuf sb;

            strbuf_init(&sb);
            for (i = 0; i < nbad; i++) {
                strbuf_printf(&sb, "%s: %s\n", ds->source, bad[i]);
                free(bad[i]);
            }
            strbuf_printf(&sb, "%s: %zu image file(s) cannot be opened; fix the dataset, or "
                "--allow-missing counts them as failures to acquire", ds->source, nbad);
            free(bad);
            *cause = strbuf_detach(&sb);
            goto fail;
        }
        free(bad);
    }
    if (p->resume != NULL) {
        char manifest[65];

        if ((run_id = store_eval_find_running(st, p->resume, manifest, cause)) == -1)
            goto fail;
        if (strcmp(manifest, ds->manifest_sha256) != 0) {
            run_id = -1;
            cause_set(cause, "eval run '%s' was started on another dataset (manifest %.16s, "
                "this one %.16s): resume it with the same dataset and options", p->resume,
                manifest, ds->manifest_sha256);
            goto fail;
        }
        r->saved_as = xstrdup(p->resume);
    } else if (p->save != NULL) {
        struct eval_result meta;

        memset(&meta, 0, sizeof meta);
        meta.params = p->eval;
        meta.dataset = ds->source;
        meta.engine = (char *)(uintptr_t)eng->name;
        memcpy(meta.manifest_sha256, ds->manifest_sha256, sizeof meta.manifest_sha256);
        memcpy(meta.model_sha256, eng->model_sha256, sizeof meta.model_sha256);
        if ((run_id = begin_run(st, p, &meta, &r->saved_as, cause)) == -1)
            goto fail;
    }
    if (r->saved_as != NULL && eng->embed != NULL)
        eng = cached = eval_engine_cached(eng, st, run_id); /* progress survives a kill */
    eng = cancel_wrap(eng, pr);
    pa.pr = pr;
    pa.what = p->eval.protocol == EVAL_DETECT ? "images" : "images embedded";
    r->res = eval_run(ds, eng, &p->eval, pr != NULL && pr->progress != NULL ?
        eval_progress : NULL, &pa, cause);
    if (r->res == NULL) {
        if (was_cancelled(pr)) {
            free(*cause);
            *cause = xstrdup(APP_CANCELLED);
            if (p->keep_cancelled)
                run_id = -1; /* 'running' with what it recorded: --resume continues it */
        }
        goto fail;
    }
    eval_figures_compute(r->res, &r->fig);
    r->json = eval_figures_json(r->res, &r->fig);
    if (r->saved_as != NULL) {
        if (eval_store_finish(st, run_id, r->res, &r->fig, r->json, cause) == -1)
            goto fail;
        if (p->resume != NULL)
            r->resumed = cached != NULL ? eval_engine_cached_hits(cached) : 0;
        /* The cached descriptors are templates: they go once the run is stored. */
        if (eng->embed != NULL && store_evalcache_clear(st, run_id, cause) == -1)
            goto fail;
        run_id = -1;
    }
    if (gate != NULL)
        r->gate_failed = eval_gate_apply(gate, &r->fig, r->base != NULL ? &r->base_fig : NULL,
            &r->gate_report);
    eval_engine_free(eng);
    dataset_free(ds);
    eval_gate_free(gate);
    return r;
fail:
    if (run_id != -1)
        store_eval_fail(st, run_id);
    eval_engine_free(eng);
    dataset_free(ds);
    eval_gate_free(gate);
    app_eval_result_free(r);
    return NULL;
}

/* --- merge and show ------------------------------------------------------------------ */

/* One shard: "NAME", "#ID" or "DBFILE:NAME" (a task's own database). */
static struct eval_result *
load_shard(struct store *st, const char *arg, char **cause)
{
    const char *colon = strrchr(arg, ':');
    char *dbfile = colon != NULL ? xstrndup(arg, (size_t)(colon - arg)) : NULL;
    struct eval_result *res;

    if (dbfile != NULL && fs_exists(dbfile) && !fs_is_dir(dbfile)) {
        /* read-only: a shard copied from a node may sit on a read-only mount */
        struct store *other = store_open_readonly(dbfile, cause);

        if (other == NULL) {
            free(dbfile);
            return NULL;
        }
        res = eval_store_load(other, colon + 1, NULL, cause);
        store_close(other);
        if (res == NULL)
            cause_prefix(cause, "%s", dbfile);
    } else
        res = eval_store_load(st, arg, NULL, cause);
    free(dbfile);
    return res;
}

struct app_eval_result *
app_eval_merge(struct app *a, char *const *runs, size_t n, const char *save, char **cause)
{
    struct store *st = app_store(a, cause);
    struct eval_result **shards;
    struct app_eval_result *r = NULL;
    struct eval_result *m = NULL;
    int64_t id;
    size_t i;

    if (st == NULL)
        return NULL;
    shards = xcalloc(n + 1, sizeof *shards);
    for (i = 0; i < n; i++) {
        if ((shards[i] = load_shard(st, runs[i], cause)) == NULL)
            goto out;
    }
    if ((m = eval_result_merge(shards, n, cause)) == NULL)
        goto out;
    r = xcalloc(1, sizeof *r);
    r->gate_failed = -1;
    r->res = m;
    eval_figures_compute(m, &r->fig);
    r->json = eval_figures_json(m, &r->fig);
    if (save != NULL) {
        if ((id = eval_store_begin(st, save, m, cause)) == -1 ||
            eval_store_finish(st, id, m, &r->fig, r->json, cause) == -1) {
            app_eval_result_free(r);
            r = NULL;
            goto out;
        }
        r->saved_as = xstrdup(save);
    }
out:
    for (i = 0; i < n; i++)
        eval_result_free(shards[i]);
    free(shards);
    return r;
}

struct app_eval_result *
app_eval_show(struct app *a, const char *name, char **stored, char **cause)
{
    struct store *st = app_store(a, cause);
    struct app_eval_result *r;

    if (st == NULL)
        return NULL;
    r = xcalloc(1, sizeof *r);
    r->gate_failed = -1;
    if ((r->res = eval_store_load(st, name, stored, cause)) == NULL) {
        free(r);
        return NULL;
    }
    eval_figures_compute(r->res, &r->fig);
    r->json = eval_figures_json(r->res, &r->fig);
    return r;
}

void
app_eval_result_free(struct app_eval_result *r)
{
    if (r == NULL)
        return;
    if (r->res != NULL)
        eval_figures_done(&r->fig);
    if (r->base != NULL)
        eval_figures_done(&r->base_fig);
    eval_result_free(r->res);
    eval_result_free(r->base);
    free(r->json);
    free(r->saved_as);
    free(r->gate_report);
    free(r);
}

/* --- dataset check ------------------------------------------------------------------- */

void
app_dataset_check_params_default(struct app_dataset_check_params *p)
{
    memset(p, 0, sizeof *p);
    p->max_file_bytes = 64u << 20;
    p->decode = true;
}

/* An image that does not decode is unreadable too. */
static int
decode_image(void *arg, const char *path, char **cause)
{
    struct image *img = image_load(path, NULL, cause);

    (void)arg;
    if (img == NULL)
        return -1;
    image_free(img);
    return 0;
}

/*
 * Polled before each file. The fault-injection point (store_crash_point,
 * FACEAUDIT_CRASH_AT=dataset_check:N:INT) lets a test raise Ctrl-C at the Nth file.
 */
static bool
check_cancelled(void *arg)
{
    struct prog_arg *pa = arg;

    store_crash_point("dataset_check");
    return pa->pr != NULL && pa->pr->cancel_requested != NULL &&
        pa->pr->cancel_requested(pa->pr->user);
}

struct app_dataset_check_result *
app_dataset_check(const struct app_dataset_check_params *p, const struct app_progress *pr,
    char **cause)
{
    struct app_dataset_check_result *r;
    struct dataset *ds;
    struct prog_arg pa;
    char *path = ds_find(p->dataset);

    ds = dataset_load(path != NULL ? path : p->dataset, &p->ds, cause);
    free(path);
    if (ds == NULL)
        return NULL;
    r = xcalloc(1, sizeof *r);
    r->ds = ds;
    pa.pr = pr;
    pa.what = "files";
    if (dataset_check_until(ds, p->max_file_bytes, p->decode ? decode_image : NULL, NULL,
            &r->chk, pr != NULL && pr->progress != NULL ? eval_progress : NULL, check_cancelled,
            &pa) == -1) {
        app_dataset_check_result_free(r);
        *cause = xstrdup(APP_CANCELLED);
        return NULL;
    }
    return r;
}

void
app_dataset_check_result_free(struct app_dataset_check_result *r)
{
    if (r == NULL)
        return;
    ds_check_done(&r->chk);
    dataset_free(r->ds);
    free(r);
}
