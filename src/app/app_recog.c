/* SPDX-License-Identifier: MIT */
/*
 * app_recog.c - the recognition operations: images through the engine's
 * worker pool, enrolment into a gallery, 1:N identification, galleries
 * listed and deleted. Every template access is written to the audit log in
 * the same transaction as the change it records (doc/SECURITY.md).
 */
#include "config.h"

#include "faceaudit/app.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/log.h"
#include "faceaudit/store.h"
#include "faceaudit/store_crypt.h"
#include "faceaudit/store_log.h"
#include "faceaudit/xmalloc.h"

void
app_recog_params_default(struct app_recog_params *p)
{
    memset(p, 0, sizeof *p);
    p->threads = 1;
}

void
app_identify_params_default(struct app_identify_params *p)
{
    memset(p, 0, sizeof *p);
    app_recog_params_default(&p->recog);
    p->top = 5;
    p->threshold = FACE_MATCH_THRESHOLD;
    p->metric = MATCH_EUCLIDEAN;
    p->precision = MATCH_F32;
    p->rerank = 0;
}

static void
pool_progress(void *arg, size_t done, size_t total)
{
    const struct app_progress *pr = arg;

    if (pr->progress != NULL)
        pr->progress(pr->user, "images", done, total);
}

/*
 * Polled before each image. The fault-injection point (store_crash_point,
 * FACEAUDIT_CRASH_AT=recog_image:N:INT) lets a test raise Ctrl-C at the Nth image.
 */
static bool
pool_cancelled(void *arg)
{
    const struct app_progress *pr = arg;

    store_crash_point("recog_image");
    return pr->cancel_requested != NULL && pr->cancel_requested(pr->user);
}

struct face_job *
app_recog_images(const struct app_recog_params *p, unsigned stages, bool want_sha,
    char *const *paths, size_t n, const struct app_progress *pr, char **cause)
{
    struct face_models_opts mo = p->models;
    struct face_pool_opts po;
    struct face_models *models;
    struct face_job *jobs;

    if (p->cropped)
        mo.no_detector = true;
    if ((models = face_models_load(p->models_dir, &mo, cause)) == NULL)
        return NULL;
    memset(&po, 0, sizeof po);
    po.stages = stages;
    po.cropped = p->cropped;
    po.want_sha = want_sha;
    po.threads = p->threads;
    if (pr != NULL) {
        po.progress = pool_progress;
        po.cancelled = pool_cancelled;
        po.arg = (void *)(uintptr_t)pr;
    }
    jobs = face_pool_run(models, paths, n, &po, cause);
    face_models_free(models);
    return jobs;
}

/*
 * Append one audit-log entry for a template access, inside the caller's
 * transaction when one is open. The template key is made on first use.
 */
static int
log_template_access(struct store *st, const char *command, const char *action,
    const char *gallery, const char *detail, char **cause)
{
    char *object = xasprintf("gallery:%s", gallery);
    struct store_key *key = store_template_key(st, true, cause);  /* borrowed */
    int rc = -1;

    if (key != NULL)
        rc = store_log_append(st, key, command, action, object, detail, cause);
    free(object);
    return rc;
}

/*
 * The gallery, made when new: 1 made, 0 found, -1 with *cause (a database
 * error), -2 with *cause (it exists with another retention period).
 */
static int
gallery_for_enrol(struct store *st, const char *gallery, int retention_days,
    struct store_gallery_info *info, char **cause)
{
    int found = store_gallery_get(st, gallery, info, cause);

    if (found == -1)
        return -1;
    if (found == 0) {
        if (store_gallery_create(st, gallery, retention_days, FACE_DESCRIPTOR_DIM, NULL,
                cause) == -1 || store_gallery_get(st, gallery, info, cause) != 1)
            return -1;
        return 1;
    }
    if (retention_days != 0 && retention_days != info->retention_days) {
        store_gallery_info_done(info);
        cause_set(cause, "gallery %s exists with another retention period", gallery);
        return -2;
    }
    return 0;
}

/* Every template of the list, each logged; 0 or -1 with *cause. */
static int
add_templates(struct store *st, const struct store_gallery_info *info, const char *gallery,
    const struct app_enroll_item *items, size_t n, char **cause)
{
    size_t i;

    for (i = 0; i < n; i++) {
        char *detail;
        int64_t tid;

        if (store_template_add(st, info->id, items[i].subject, items[i].descriptor,
                FACE_DESCRIPTOR_DIM, items[i].sha256, &tid, cause) == -1)
            return -1;
        detail = xasprintf("template %" PRId64 " subject %s image sha256 %s", tid,
            items[i].subject, items[i].sha256);
        if (log_template_access(st, "enroll", "enrol", gallery, detail, cause) == -1) {
            free(detail);
            return -1;
        }
        free(detail);
    }
    return 0;
}

int
app_enroll(struct app *a, const char *gallery, int retention_days,
    const struct app_enroll_item *items, size_t n, struct app_enroll_result *out,
    char **cause)
{
    struct store *st = app_store(a, cause);
    struct store_gallery_info info;
    int made;
    char *why;

    if (st == NULL)
        return -1;
    /* One transaction: the gallery (if new) and every template, or nothing. */
    if (store_begin(st, cause) == -1)
        goto fail;
    if ((made = gallery_for_enrol(st, gallery, retention_days, &info, cause)) == -2) {
        store_rollback(st);
        return -1;
    }
    if (made == -1)
        goto fail;
    if (add_templates(st, &info, gallery, items, n, cause) == -1 ||
        store_commit(st, cause) == -1) {
        store_gallery_info_done(&info);
        goto fail;
    }
    out->created = made == 1;
    out->total = info.ntemplates + (int64_t)n;
    store_gallery_info_done(&info);
    return 0;
fail:
    store_rollback(st);
    why = xasprintf("gallery %s: %s: nothing enrolled", gallery, *cause);
    free(*cause);
    *cause = why;
    return -1;
}

/* The gallery's templates; -1 with *cause. */
static int
load_templates(struct store *st, const char *gallery, struct store_templates *t, char **cause)
{
    struct store_gallery_info info;
    int found = store_gallery_get(st, gallery, &info, cause);

    if (found == 0)
        return cause_set(cause, "no gallery named %s (enroll faces first: faceaudit enroll "
            "--gallery %s IMAGE...)", gallery, gallery);
    if (found == -1)
        return -1;
    found = store_templates_load(st, info.id, t, cause);
    store_gallery_info_done(&info);
    if (found == -1)
        cause_prefix(cause, "gallery %s", gallery);
    return found;
}

struct app_identify_result *
app_identify(struct app *a, const struct app_identify_params *p, const char *image,
    char **cause)
{
    struct store *st = app_store(a, cause);
    struct app_identify_result *r;
    struct match_gallery *g;
    struct match_gallery_opts gopts;
    struct match_opts mo;
    char *paths[1], *detail;
    size_t k, top = p->top > 0 ? p->top : 1;
    int logged;

    if (p->rerank > 0 && p->precision == MATCH_F32) {
        cause_set(cause, "a rerank re-scores a compressed gallery: it needs precision f16 or i8");
        return NULL;
    }
    if (st == NULL)
        return NULL;
    r = xcalloc(1, sizeof *r);
    if (load_templates(st, p->gallery, &r->templates, cause) == -1)
        goto fail;
    paths[0] = (char *)(uintptr_t)image;
    if ((r->job = app_recog_images(&p->recog, FACE_STAGE_DESCRIPTOR, false, paths, 1, NULL,
            cause)) == NULL)
        goto fail;
    if (r->job->error != NULL) {
        cause_set(cause, "%s", r->job->error);
        goto fail;
    }
    /* the search reads every template of the gallery: log it before any result */
    detail = xasprintf("%zu face(s) of %s searched against %zu templates, top %zu", r->job->n,
        image, r->templates.n, p->top);
    logged = log_template_access(st, "identify", "identify", p->gallery, detail, cause);
    free(detail);
    if (logged == -1) {
        cause_prefix(cause, "audit log");
        goto fail;
    }
    gopts.precision = p->precision;
    gopts.rerank = p->rerank;
    g = match_gallery_new_opts(r->templates.vecs, r->templates.n, FACE_DESCRIPTOR_DIM, true,
        &gopts);
    r->approximate = match_gallery_approximate(g);
    r->bytes_per_template = match_gallery_row_bytes(g);
    if (r->approximate && p->rerank == 0) {
        /* the packed rows replace the float copy for the search */
        free(r->templates.vecs);
        r->templates.vecs = NULL;
    }
    memset(&mo, 0, sizeof mo); /* every option, no_screen too, set or zero */
    mo.metric = p->metric;
    mo.k = top;
    mo.threads = 1;
    r->hits = xcalloc(r->job->n * top + 1, sizeof *r->hits);
    r->nhits = xcalloc(r->job->n + 1, sizeof *r->nhits);
    for (k = 0; k < r->job->n; k++) {
        if (r->job->faces[k].has_descriptor)
            r->nhits[k] = match_search(g, r->job->faces[k].descriptor, 1, &mo,
                r->hits + k * top);
    }
    match_gallery_free(g);
    return r;
fail:
    app_identify_result_free(r);
    return NULL;
}

void
app_identify_result_free(struct app_identify_result *r)
{
    if (r == NULL)
        return;
    face_jobs_free(r->job, 1);
    store_templates_done(&r->templates);
    free(r->hits);
    free(r->nhits);
    free(r);
}

int
app_gallery_list(struct app *a, struct store_gallery_info **out, size_t *n, char **cause)
{
    struct store *st = app_store(a, cause);

    if (st == NULL)
        return -1;
    return store_gallery_list(st, out, n, cause);
}

int64_t
app_gallery_delete(struct app *a, const char *gallery, char **cause)
{
    struct store *st = app_store(a, cause);
    int64_t removed;
    char *detail;

    if (st == NULL)
        return -1;
    /* the deletion and its audit-log entry commit together */
    if (store_begin(st, cause) == -1 ||
        (removed = store_gallery_delete(st, gallery, cause)) == -1)
        goto fail;
    detail = xasprintf("gallery deleted with %" PRId64 " template(s)", removed);
    if (log_template_access(st, "gallery", "delete", gallery, detail, cause) == -1) {
        free(detail);
        goto fail;
    }
    free(detail);
    if (store_commit(st, cause) == -1)
        goto fail;
    return removed;
fail:
    store_rollback(st);
    return -1;
}
