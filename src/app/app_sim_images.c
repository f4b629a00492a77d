/* SPDX-License-Identifier: MIT */
/*
 * app_sim_images.c - image mode of the simulation: recognition attempts decided
 * by the real engine's descriptors of a labelled dataset's images.
 */
#include "config.h"

#include "faceaudit/app_sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/dataset.h"
#include "faceaudit/eval.h"
#include "faceaudit/log.h"
#include "faceaudit/match.h"
#include "faceaudit/rng.h"
#include "faceaudit/xmalloc.h"

#define IMAGES_MAX_IMPOSTORS 64

struct im_subject {
    size_t first; /* first descriptor row */
    size_t n;     /* usable images (>= 2) */
};

struct app_sim_images {
    float *desc;              /* rows of dim floats, grouped by subject */
    size_t dim;
    struct im_subject *subj;
    size_t nsubj;
    float threshold;
    struct sim_oracle oracle;
    char describe[256];
};

static uint64_t
mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static const float *
row(const struct app_sim_images *im, const struct im_subject *s, size_t k)
{
    return im->desc + (s->first + k) * im->dim;
}

/* The enrolment image of person p: fixed per person. */
static size_t
enrol_image(const struct im_subject *s, int64_t p)
{
    return (size_t)(mix64((uint64_t)p) % s->n);
}

static bool
images_genuine_miss(void *arg, int64_t person, struct rng *r)
{
    const struct app_sim_images *im = arg;
    const struct im_subject *s = &im->subj[(uint64_t)person % im->nsubj];
    size_t e = enrol_image(s, person), q = (size_t)rng_below(r, s->n - 1);

    if (q >= e)
        q++; /* another image of the same subject */
    return match_distance(MATCH_EUCLIDEAN, row(im, s, e), row(im, s, q), im->dim) >
        im->threshold;
}

static bool
images_false_match(void *arg, int64_t person, int64_t stored, struct rng *r)
{
    const struct app_sim_images *im = arg;
    size_t own = (size_t)((uint64_t)person % im->nsubj), k, n;
    const struct im_subject *s = &im->subj[own];
    const float *probe = row(im, s, (size_t)rng_below(r, s->n));

    n = FA_MIN((size_t)stored, FA_MIN(im->nsubj - 1, (size_t)IMAGES_MAX_IMPOSTORS));
    for (k = 0; k < n; k++) {
        size_t other = (size_t)rng_below(r, im->nsubj - 1);
        const struct im_subject *o;

        if (other >= own)
            other++;
        o = &im->subj[other];
        if (match_distance(MATCH_EUCLIDEAN, probe, row(im, o, (size_t)rng_below(r, o->n)),
                im->dim) <= im->threshold)
            return true;
    }
    return false;
}

static int
cmp_subject(const void *a, const void *b)
{
    const struct ds_item *x = *(struct ds_item *const *)a, *y = *(struct ds_item *const *)b;
    int c = strcmp(x->subject, y->subject);

    return c != 0 ? c : strcmp(x->rel, y->rel);
}

struct app_sim_images *
app_sim_images_load(const char *dataset, bool cropped, float threshold, char **cause)
{
    return app_sim_images_load_until(dataset, cropped, threshold, NULL, NULL, cause);
}

struct app_sim_images *
app_sim_images_load_until(const char *dataset, bool cropped, float threshold,
    bool (*cancelled)(void *arg), void *arg, char **cause)
{
    struct ds_options opt = { NULL, 0, cropped, NULL };
    struct dataset *ds = dataset_load(dataset, &opt, cause);
    struct eval_engine *eng = NULL;
    struct app_sim_images *im = NULL;
    struct ds_item **order = NULL;
    float *tmp = NULL;
    size_t i, j, nrows = 0, failed = 0;

    if (ds == NULL)
        return NULL;
    if ((eng = eval_engine_default(EVAL_VERIFY, cropped, cause)) == NULL)
        goto fail;
    im = xcalloc(1, sizeof *im);
    im->dim = eng->dim;
    im->threshold = threshold;
    order = xcalloc(ds->nitems > 0 ? ds->nitems : 1, sizeof *order);
    for (i = 0; i < ds->nitems; i++)
        order[i] = &ds->items[i];
    qsort(order, ds->nitems, sizeof *order, cmp_subject);
    im->desc = xcalloc(ds->nitems > 0 ? ds->nitems : 1, im->dim * sizeof *im->desc);
    im->subj = xcalloc(ds->nitems > 0 ? ds->nitems : 1, sizeof *im->subj);
    tmp = xcalloc(im->dim, sizeof *tmp);
    for (i = 0; i < ds->nitems; i = j) {
        struct im_subject *s = &im->subj[im->nsubj];

        s->first = nrows;
        for (j = i; j < ds->nitems && strcmp(order[j]->subject, order[i]->subject) == 0; j++) {
            char *why = NULL;

            if (*order[j]->subject == '\0')
                continue;
            if (cancelled != NULL && cancelled(arg)) {
                cause_set(cause, "cancelled");
                goto fail;
            }
            if (eng->embed(eng->ctx, order[j], cropped, tmp, &why) == -1) {
                failed++; /* no usable face: the image is not used */
                free(why);
                continue;
            }
            memcpy(im->desc + nrows * im->dim, tmp, im->dim * sizeof *tmp);
            nrows++;
        }
        s->n = nrows - s->first;
        if (s->n >= 2)
            im->nsubj++;
        else
            nrows = s->first; /* one image cannot make a genuine pair */
    }
    if (im->nsubj < 2) {
        cause_set(cause, "%s: image mode needs at least two subjects with two usable images "
            "(found %zu)", dataset, im->nsubj);
        goto fail;
    }
    snprintf(im->describe, sizeof im->describe, "%s: %zu subjects, %zu images through the "
        "engine (%zu without a usable face), threshold %.2f", dataset, im->nsubj, nrows, failed,
        (double)threshold);
    im->oracle.arg = im;
    im->oracle.genuine_miss = images_genuine_miss;
    im->oracle.false_match = images_false_match;
    free(tmp);
    free(order);
    eval_engine_free(eng);
    dataset_free(ds);
    return im;
fail:
    free(tmp);
    free(order);
    app_sim_images_free(im);
    eval_engine_free(eng);
    dataset_free(ds);
    return NULL;
}

void
app_sim_images_free(struct app_sim_images *im)
{
    if (im == NULL)
        return;
    free(im->desc);
    free(im->subj);
    free(im);
}

const struct sim_oracle *
app_sim_images_oracle(struct app_sim_images *im)
{
    return &im->oracle;
}

const char *
app_sim_images_describe(const struct app_sim_images *im)
{
    return im->describe;
}
