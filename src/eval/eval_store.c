/* SPDX-License-Identifier: MIT */
/*
 * eval_store.c - results to and from the database rows of store_eval.h:
 * the store knows rows, eval knows what they mean.
 */
#include "config.h"

#include "faceaudit/eval.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/jsonw.h"
#include "faceaudit/log.h"
#include "faceaudit/store_eval.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "eval_int.h"

static char *
params_json(const struct eval_result *m)
{
    const struct eval_params *p = &m->params;
    struct strbuf sb;
    struct jw w;
    char shard[32];

    strbuf_init(&sb);
    jw_init(&w, &sb, JW_COMPACT);
    jw_object(&w, JW_INLINE);
    jw_kstr(&w, "protocol", eval_protocol_name(p->protocol));
    jw_kdouble(&w, "threshold", p->threshold, 10);
    jw_kuint(&w, "seed", (unsigned long long)p->seed);
    jw_kuint(&w, "max_impostors", (unsigned long long)p->max_impostors);
    jw_kuint(&w, "gallery_images", p->gallery_images);
    jw_kdouble(&w, "unknown_share", p->unknown_share, 10);
    jw_kuint(&w, "bootstrap", p->bootstrap);
    jw_kbool(&w, "cropped", p->cropped);
    snprintf(shard, sizeof shard, "%u/%u", p->shard_k, p->shard_n);
    jw_kstr(&w, "shard", shard);
    jw_kstr(&w, "gallery_pick", eval_gallery_pick_name(p->gallery_pick));
    jw_object_end(&w);
    return strbuf_detach(&sb);
}

int64_t
eval_store_begin(struct store *st, const char *name, const struct eval_result *meta,
    char **cause)
{
    struct store_eval_run r;
    int64_t id;

    memset(&r, 0, sizeof r);
    r.name = (char *)(uintptr_t)name;
    r.software = (char *)(uintptr_t)("faceaudit " PACKAGE_VERSION);
    r.protocol = (char *)(uintptr_t)eval_protocol_name(meta->params.protocol);
    r.dataset = meta->dataset;
    r.manifest_sha256 = (char *)(uintptr_t)meta->manifest_sha256;
    r.engine = meta->engine;
    r.model_sha256 = (char *)(uintptr_t)meta->model_sha256;
    r.seed = meta->params.seed;
    r.threshold = meta->params.threshold;
    r.max_impostors = meta->params.max_impostors;
    r.gallery_images = meta->params.gallery_images;
    r.unknown_share = meta->params.unknown_share;
    r.bootstrap = meta->params.bootstrap;
    r.cropped = meta->params.cropped;
    r.shard_k = meta->params.shard_k;
    r.shard_n = meta->params.shard_n;
    r.params_json = params_json(meta);
    id = store_eval_begin(st, &r, cause);
    free(r.params_json);
    return id;
}

static char *
summary_json(const struct eval_result *res, const struct eval_figures *f)
{
    struct strbuf sb;
    struct jw w;
    char shard[32];

    strbuf_init(&sb);
    jw_init(&w, &sb, JW_COMPACT);
    jw_object(&w, JW_INLINE);
    jw_kstr(&w, "protocol", eval_protocol_name(f->protocol));
    snprintf(shard, sizeof shard, "%u/%u", res->params.shard_k, res->params.shard_n);
    jw_kstr(&w, "shard", shard);
    jw_kdouble(&w, "fta", isnan(f->fta.value) ? 0.0 : f->fta.value, 6);
    switch (f->protocol) {
    case EVAL_VERIFY:
        if (!isnan(f->fmr.value) && !isnan(f->fnmr.value)) {
            jw_kdouble(&w, "threshold", f->threshold, 6);
            jw_kdouble(&w, "fmr", f->fmr.value, 6);
            jw_kdouble(&w, "fnmr", f->fnmr.value, 6);
        }
        if (f->eer.defined)
            jw_kdouble(&w, "eer", f->eer.eer, 6);
        break;
    case EVAL_IDENTIFY:
        if (f->ncmc > 0 && !isnan(f->cmc[0]))
            jw_kdouble(&w, "rank1", f->cmc[0], 6);
        if (!isnan(f->fpir_t.value))
            jw_kdouble(&w, "fpir", f->fpir_t.value, 6);
        break;
    case EVAL_DETECT:
        if (!isnan(f->ap))
            jw_kdouble(&w, "ap", f->ap, 6);
        if (!isnan(f->recall.value))
            jw_kdouble(&w, "recall", f->recall.value, 6);
        break;
    }
    jw_object_end(&w);
    return strbuf_detach(&sb);
}

int
eval_store_finish(struct store *st, int64_t id, const struct eval_result *res,
    const struct eval_figures *f, const char *figures_json, char **cause)
{
    struct store_eval_writer *w = store_eval_writer_new(st, id, cause);
    char *summary;
    size_t i;

    if (w == NULL)
        return -1;
    for (i = 0; i < res->nitems; i++) {
        const struct eval_item *e = &res->items[i];
        /* the status column keeps 0/1/2; the reason of a failure has its own */
        struct store_eval_item it = { e->rel, e->subject, e->age_band, e->sex,
            eval_status_failed(e->status) ? EVAL_FTA : e->status, e->role, e->ngt,
            eval_status_failed(e->status) ? e->status : 0 };

        if (store_eval_writer_item(w, i, &it, cause) == -1)
            goto fail;
    }
    for (i = 0; i < res->nrecs; i++) {
        const struct eval_rec *r = &res->recs[i];
        struct store_eval_score sc = { r->idx, r->kind, r->a, r->b, r->score, r->extra };

        if (store_eval_writer_score(w, &sc, cause) == -1)
            goto fail;
    }
    summary = summary_json(res, f);
    if (store_eval_writer_commit(w, figures_json, summary, cause) == -1) {
        free(summary);
        return -1;
    }
    free(summary);
    return 0;
fail:
    store_eval_writer_abort(w);
    return -1;
}

static int
load_item(void *arg, uint64_t idx, const struct store_eval_item *it, char **cause)
{
    struct eval_result *res = arg;
    struct eval_item *e;

    if (idx != res->nitems)
        return cause_set(cause, "stored images are not numbered 0..n-1");
    res->items = xreallocarray(res->items, res->nitems + 1, sizeof *res->items);
    e = &res->items[res->nitems++];
    memset(e, 0, sizeof *e);
    e->rel = xstrdup(it->rel != NULL ? it->rel : "");
    e->subject = xstrdup(it->subject != NULL ? it->subject : "");
    snprintf(e->age_band, sizeof e->age_band, "%s", it->age_band != NULL ? it->age_band : "");
    snprintf(e->sex, sizeof e->sex, "%s", it->sex != NULL ? it->sex : "");
    e->status = (uint8_t)it->status;
    if (it->status == EVAL_FTA && it->reason > EVAL_FTA && it->reason <= EVAL_STATUS_MAX)
        e->status = (uint8_t)it->reason;
    e->role = (uint8_t)it->role;
    e->ngt = it->ngt;
    return 0;
}

static int
load_score(void *arg, const struct store_eval_score *s, char **cause)
{
    struct eval_result *res = arg;
    struct eval_rec r = { s->idx, s->kind, s->a, s->b, s->score, s->extra };

    if (r.a >= res->nitems || (strchr("gi", r.kind) != NULL && (uint64_t)r.b >= res->nitems))
        return cause_set(cause, "stored score %llu names a missing image",
            (unsigned long long)s->idx);
    eval_result_add(res, &r);
    return 0;
}

struct eval_result *
eval_store_load(struct store *st, const char *name, char **figures_json, char **cause)
{
    struct store_eval_run m;
    struct eval_result *res = xcalloc(1, sizeof *res);

    /* items first (load_score checks indices against them) */
    if (store_eval_read(st, name, &m, load_item, load_score, res, cause) == -1) {
        eval_result_free(res);
        return NULL;
    }
    if (eval_protocol_parse(m.protocol, &res->params.protocol) == -1) {
        cause_set(cause, "run '%s': unknown protocol '%s'", name, m.protocol);
        store_eval_run_done(&m);
        eval_result_free(res);
        return NULL;
    }
    res->params.threshold = m.threshold;
    res->params.seed = m.seed;
    res->params.max_impostors = m.max_impostors;
    res->params.gallery_images = m.gallery_images;
    /* the policy has no column of its own: it is read back from the parameters' JSON */
    if (m.params_json != NULL) {
        const char *g = strstr(m.params_json, "\"gallery_pick\":\"");
        char pick[16];

        if (g != NULL && sscanf(g + 16, "%15[a-z-]", pick) == 1)
            (void)eval_gallery_pick_parse(pick, &res->params.gallery_pick);
    }
    res->params.unknown_share = m.unknown_share;
    res->params.bootstrap = m.bootstrap;
    res->params.cropped = m.cropped;
    res->params.shard_k = m.shard_k;
    res->params.shard_n = m.shard_n;
    res->dataset = xstrdup(m.dataset);
    res->engine = xstrdup(m.engine);
    snprintf(res->manifest_sha256, sizeof res->manifest_sha256, "%s", m.manifest_sha256);
    snprintf(res->model_sha256, sizeof res->model_sha256, "%s", m.model_sha256);
    if (figures_json != NULL) {
        *figures_json = m.figures_json;
        m.figures_json = NULL;
    }
    store_eval_run_done(&m);
    eval_result_index_subjects(res);
    eval_result_sort(res);
    return res;
}
