/* SPDX-License-Identifier: MIT */
/*
 * eval_result.c - the result set of a run (items with their outcome and the
 * comparison, search or detection records), its canonical order, and the
 * merge of shard results into exactly the single-run result.
 */
#include "config.h"

#include "faceaudit/eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"
#include "eval_int.h"

static const char *const protocol_names[] = { "verify", "identify", "detect" };

const char *
eval_protocol_name(enum eval_protocol p)
{
    return (unsigned)p < FA_NITEMS(protocol_names) ? protocol_names[p] : "?";
}

int
eval_protocol_parse(const char *s, enum eval_protocol *p)
{
    size_t i;

    for (i = 0; i < FA_NITEMS(protocol_names); i++) {
        if (strcmp(s, protocol_names[i]) == 0) {
            *p = (enum eval_protocol)i;
            return 0;
        }
    }
    return -1;
}

static const char *const status_reasons[] = {
    [EVAL_SKIPPED] = "skipped",
    [EVAL_OK] = "acquired",
    [EVAL_FTA] = "no face",
    [EVAL_FTA_UNREADABLE] = "unreadable",
    [EVAL_FTA_MULTIPLE] = "more than one face",
    [EVAL_FTA_SMALL] = "too small",
    [EVAL_FTA_MISSING] = "missing",
};

const char *
eval_status_reason(int st)
{
    return st >= 0 && (size_t)st < FA_NITEMS(status_reasons) ? status_reasons[st] :
        "failed (unknown reason)";
}

static const char *const pick_names[] = { "random", "first", "all-but-one" };

const char *
eval_gallery_pick_name(enum eval_gallery_pick g)
{
    return (unsigned)g < FA_NITEMS(pick_names) ? pick_names[g] : "?";
}

int
eval_gallery_pick_parse(const char *s, enum eval_gallery_pick *g)
{
    size_t i;

    for (i = 0; i < FA_NITEMS(pick_names); i++) {
        if (strcmp(s, pick_names[i]) == 0) {
            *g = (enum eval_gallery_pick)i;
            return 0;
        }
    }
    return -1;
}

void
eval_result_free(struct eval_result *res)
{
    size_t i;

    if (res == NULL)
        return;
    for (i = 0; i < res->nitems; i++) {
        free(res->items[i].rel);
        free(res->items[i].subject);
        free(res->items[i].detail);
    }
    free(res->items);
    for (i = 0; i < res->nsubjects; i++)
        free(res->subjects[i]);
    free(res->subjects);
    free(res->recs);
    free(res->dataset);
    free(res->engine);
    free(res);
}

void
eval_result_add(struct eval_result *res, const struct eval_rec *rec)
{
    if (res->nrecs == res->caprecs) {
        res->caprecs = res->caprecs == 0 ? 1024 : res->caprecs * 2;
        res->recs = xreallocarray(res->recs, res->caprecs, sizeof *res->recs);
    }
    res->recs[res->nrecs++] = *rec;
}

static int
cmp_rec(const void *a, const void *b)
{
    uint64_t x = ((const struct eval_rec *)a)->idx, y = ((const struct eval_rec *)b)->idx;

    return (x > y) - (x < y);
}

void
eval_result_sort(struct eval_result *res)
{
    if (res->nrecs > 1)
        qsort(res->recs, res->nrecs, sizeof *res->recs, cmp_rec);
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void
eval_result_index_subjects(struct eval_result *res)
{
    size_t i, n = 0;
    char **names = NULL;

    for (i = 0; i < res->nsubjects; i++)
        free(res->subjects[i]);
    free(res->subjects);
    if (res->nitems > 0)
        names = xmalloc(res->nitems * sizeof *names);
    for (i = 0; i < res->nitems; i++) {
        if (*res->items[i].subject != '\0')
            names[n++] = res->items[i].subject;
    }
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_str);
    res->subjects = n > 0 ? xmalloc(n * sizeof *res->subjects) : NULL;
    res->nsubjects = 0;
    for (i = 0; i < n; i++) {
        if (res->nsubjects == 0 || strcmp(res->subjects[res->nsubjects - 1], names[i]) != 0)
            res->subjects[res->nsubjects++] = xstrdup(names[i]);
    }
    free(names);
    for (i = 0; i < res->nitems; i++) {
        struct eval_item *it = &res->items[i];
        char *key = it->subject, **hit;

        it->subj = UINT32_MAX;
        if (*key == '\0' || res->nsubjects == 0)
            continue;
        hit = bsearch(&key, res->subjects, res->nsubjects, sizeof *res->subjects, cmp_str);
        if (hit != NULL)
            it->subj = (uint32_t)(hit - res->subjects);
    }
}

static bool
same_params(const struct eval_params *a, const struct eval_params *b)
{
    /* bit-exact comparisons on purpose: shards of one job carry the same values */
    return a->protocol == b->protocol && memcmp(&a->threshold, &b->threshold,
        sizeof a->threshold) == 0 && a->seed == b->seed &&
        a->max_impostors == b->max_impostors && a->gallery_images == b->gallery_images &&
        a->gallery_pick == b->gallery_pick &&
        memcmp(&a->unknown_share, &b->unknown_share, sizeof a->unknown_share) == 0 &&
        a->bootstrap == b->bootstrap && a->cropped == b->cropped && a->shard_n == b->shard_n;
}

struct eval_result *
eval_result_merge(struct eval_result *const *shards, size_t n, char **cause)
{
    const struct eval_result *s0;
    struct eval_result *m;
    bool *seen;
    size_t i, j;

    if (n == 0) {
        cause_set(cause, "no shard runs to merge");
        return NULL;
    }
    s0 = shards[0];
    if (s0->params.shard_n != n) {
        cause_set(cause, "the shards were run with --shard K/%u, but %zu run(s) were given",
            s0->params.shard_n, n);
        return NULL;
    }
    seen = xcalloc(n + 1, sizeof *seen);
    for (i = 0; i < n; i++) {
        const struct eval_result *s = shards[i];

        if (!same_params(&s->params, &s0->params) || strcmp(s->manifest_sha256,
                s0->manifest_sha256) != 0 || strcmp(s->engine, s0->engine) != 0 ||
            strcmp(s->model_sha256, s0->model_sha256) != 0 || s->nitems != s0->nitems) {
            free(seen);
            cause_set(cause, "shard %u/%u was not run with the same dataset, engine, model "
                "and options as shard %u/%u", s->params.shard_k, s->params.shard_n,
                s0->params.shard_k, s0->params.shard_n);
            return NULL;
        }
        if (s->params.shard_k < 1 || s->params.shard_k > n || seen[s->params.shard_k]) {
            free(seen);
            cause_set(cause, "shard %u/%u is given twice (or is out of range)",
                s->params.shard_k, s->params.shard_n);
            return NULL;
        }
        seen[s->params.shard_k] = true;
    }
    free(seen);

    m = xcalloc(1, sizeof *m);
    m->params = s0->params;
    m->params.shard_k = m->params.shard_n = 1;
    m->dataset = xstrdup(s0->dataset);
    m->engine = xstrdup(s0->engine);
    memcpy(m->manifest_sha256, s0->manifest_sha256, sizeof m->manifest_sha256);
    memcpy(m->model_sha256, s0->model_sha256, sizeof m->model_sha256);
    m->nitems = s0->nitems;
    m->items = xcalloc(m->nitems, sizeof *m->items);
    for (j = 0; j < m->nitems; j++) {
        m->items[j] = s0->items[j];
        m->items[j].rel = xstrdup(s0->items[j].rel);
        m->items[j].subject = xstrdup(s0->items[j].subject);
        m->items[j].detail = NULL;
        m->items[j].status = EVAL_SKIPPED;
    }
    for (i = 0; i < n; i++) {
        const struct eval_result *s = shards[i];

        for (j = 0; j < m->nitems; j++) {
            uint8_t st = s->items[j].status;

            if (strcmp(s->items[j].rel, m->items[j].rel) != 0) {
                eval_result_free(m);
                cause_set(cause, "shard %u/%u lists image %zu as '%s', not '%s'",
                    s->params.shard_k, s->params.shard_n, j + 1, s->items[j].rel,
                    m->items[j].rel);
                return NULL;
            }
            if (st == EVAL_SKIPPED)
                continue;
            if (m->items[j].status != EVAL_SKIPPED && m->items[j].status != st) {
                eval_result_free(m);
                cause_set(cause, "shards disagree on whether '%s' was acquired (a "
                    "non-deterministic engine?)", s->items[j].rel);
                return NULL;
            }
            m->items[j].status = st;
            if (s->items[j].role != EVAL_ROLE_NONE)
                m->items[j].role = s->items[j].role;
        }
        for (j = 0; j < s->nrecs; j++)
            eval_result_add(m, &s->recs[j]);
    }
    eval_result_sort(m);
    for (j = 1; j < m->nrecs; j++) {
        if (m->recs[j].idx == m->recs[j - 1].idx) {
            cause_set(cause, "record %llu appears in two shards",
                (unsigned long long)m->recs[j].idx);
            eval_result_free(m);
            return NULL;
        }
    }
    for (j = 0; j < m->nitems; j++) {
        if (m->items[j].status == EVAL_SKIPPED) {
            cause_set(cause, "image '%s' was processed by no shard", m->items[j].rel);
            eval_result_free(m);
            return NULL;
        }
    }
    eval_result_index_subjects(m);
    return m;
}
