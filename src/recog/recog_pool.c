/* SPDX-License-Identifier: MIT */
/*
 * recog_pool.c - image files through one face pipeline per worker thread:
 * each worker takes the next image, reads it once (hashing those bytes when
 * asked), decodes and runs the pipeline; results stay in input order.
 */
#include "config.h"

#include "faceaudit/recog_pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/gemm.h"
#include "faceaudit/image.h"
#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

struct pool {
    const struct face_models *models;
    const struct face_pool_opts *o;
    struct face_job *jobs;
    size_t njobs, next, done;
    char *fatal;                      /* a pipeline could not be created */
    pthread_mutex_t mu;
};

static void
job_run(const struct face_pool_opts *o, struct face_pipeline *fp, struct face_job *j)
{
    struct image *img;
    char *cause = NULL, *data;
    size_t len;

    if ((data = fs_read_file(j->path, IMAGE_MAX_FILE_BYTES, &len, &cause)) == NULL) {
        j->error = cause;
        return;
    }
    if (o->want_sha)
        sha256_hex(data, len, j->sha256);
    img = image_decode(data, len, j->path, NULL, &cause);
    free(data);
    if (img == NULL) {
        j->error = cause;
        return;
    }
    j->width = img->width;
    j->height = img->height;
    if (o->cropped) {
        j->faces = xcalloc(1, sizeof *j->faces);
        if (face_pipeline_run_cropped(fp, img, j->faces, &cause) == -1) {
            free(j->faces);
            j->faces = NULL;
            j->error = xasprintf("%s: %s", j->path, cause);
            free(cause);
        } else
            j->n = 1;
    } else if (face_pipeline_run(fp, img, o->stages, &j->faces, &j->n, &cause) == -1) {
        j->error = xasprintf("%s: %s", j->path, cause);
        free(cause);
    }
    image_free(img);
}

static void *
pool_worker(void *arg)
{
    struct pool *p = arg;
    struct face_pipeline *fp;
    char *cause = NULL;

    if ((fp = face_pipeline_new(p->models, &cause)) == NULL) {
        pthread_mutex_lock(&p->mu);
        if (p->fatal == NULL)
            p->fatal = cause;
        else
            free(cause);
        pthread_mutex_unlock(&p->mu);
        return NULL;
    }
    for (;;) {
        size_t i;

        pthread_mutex_lock(&p->mu);
        i = p->next++;
        pthread_mutex_unlock(&p->mu);
        if (i >= p->njobs)
            break;
        if (p->o->cancelled != NULL && p->o->cancelled(p->o->arg))
            p->jobs[i].error = xasprintf("%s: cancelled", p->jobs[i].path);
        else
            job_run(p->o, fp, &p->jobs[i]);
        pthread_mutex_lock(&p->mu);
        p->done++;
        if (p->o->progress != NULL)
            p->o->progress(p->o->arg, p->done, p->njobs);
        pthread_mutex_unlock(&p->mu);
    }
    face_pipeline_free(fp);
    return NULL;
}

struct face_job *
face_pool_run(const struct face_models *m, char *const *paths, size_t n,
    const struct face_pool_opts *o, char **cause)
{
    struct pool p;
    pthread_t *tid;
    size_t i, nthreads = FA_MAX(FA_MIN((size_t)o->threads, n), 1);

    memset(&p, 0, sizeof p);
    p.models = m;
    p.o = o;
    p.jobs = xcalloc(n + 1, sizeof *p.jobs);
    p.njobs = n;
    for (i = 0; i < n; i++)
        p.jobs[i].path = paths[i];
    pthread_mutex_init(&p.mu, NULL);
    /* One network instance per thread; the BLAS must not add its own. */
    if (nthreads > 1)
        gemm_set_threads(1);
    tid = xcalloc(nthreads, sizeof *tid);
    for (i = 1; i < nthreads; i++) {
        if (pthread_create(&tid[i], NULL, pool_worker, &p) != 0)
            fatal("pthread_create");
    }
    pool_worker(&p);
    for (i = 1; i < nthreads; i++)
        pthread_join(tid[i], NULL);
    free(tid);
    pthread_mutex_destroy(&p.mu);
    if (p.fatal != NULL) {
        cause_set(cause, "%s", p.fatal);
        free(p.fatal);
        face_jobs_free(p.jobs, n);
        return NULL;
    }
    return p.jobs;
}

void
face_jobs_free(struct face_job *jobs, size_t n)
{
    size_t i;

    if (jobs == NULL)
        return;
    for (i = 0; i < n; i++) {
        free(jobs[i].faces);
        free(jobs[i].error);
    }
    free(jobs);
}
