/* SPDX-License-Identifier: MIT */
/*
 * app_video.c - `faceaudit video`: recordings through the face pipeline
 * (video.h), one after the other with one pipeline; the defaults of the
 * sampling, the tracker and the merge in one place.
 */
#include "config.h"

#include "faceaudit/app.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

void
app_video_params_default(struct app_video_params *p)
{
    memset(p, 0, sizeof *p);
    p->models.detector = DETECTOR_TINY;
    p->models.age_gender = true; /* the under-14 estimate per recording */
    track_params_default(&p->faces.track);
    p->faces.merge_threshold = 0.55f;
}

struct prog {
    const struct app_progress *pr;
    const char *path;
};

static void
on_frame(void *arg, double time, double duration, int64_t frames)
{
    struct prog *g = arg;

    (void)frames;
    if (g->pr != NULL && g->pr->progress != NULL)
        g->pr->progress(g->pr->user, g->path, (size_t)(time * 1000.0),
            duration > 0 ? (size_t)(duration * 1000.0) : 0);
}

static bool
on_cancel(void *arg)
{
    struct prog *g = arg;

    return g->pr != NULL && g->pr->cancel_requested != NULL &&
        g->pr->cancel_requested(g->pr->user);
}

struct app_video_result *
app_video(struct app *a, const struct app_video_params *p, char *const *paths, size_t n,
    const struct app_progress *pr, char **cause)
{
    struct app_video_result *r = xcalloc(1, sizeof *r);
    struct face_models *m = NULL;
    struct face_pipeline *pl = NULL;
    struct video_faces_opts o = p->faces;
    struct video_polygon area = { 0, NULL };
    struct prog g = { pr, NULL };
    size_t i;

    (void)a;
    r->files = xcalloc(n + 1, sizeof *r->files);
    if (p->area != NULL) {
        if (video_polygon_parse(p->area, &area, cause) == -1) {
            cause_prefix(cause, "--area");
            goto fail;
        }
        o.area = &area;
    }
    if ((m = face_models_load(p->models_dir, &p->models, cause)) == NULL ||
        (pl = face_pipeline_new(m, cause)) == NULL)
        goto fail;
    o.progress = on_frame;
    o.cancelled = on_cancel;
    o.arg = &g;
    for (i = 0; i < n; i++) {
        g.path = paths[i];
        if ((r->files[i] = video_faces_run(pl, paths[i], &o, cause)) == NULL)
            goto fail;
        r->n++;
        if (r->files[i]->cancelled) {
            cause_set(cause, APP_CANCELLED);
            goto fail;
        }
    }
    face_pipeline_free(pl);
    face_models_free(m);
    video_polygon_done(&area);
    return r;
fail:
    face_pipeline_free(pl);
    face_models_free(m);
    video_polygon_done(&area);
    app_video_result_free(r);
    return NULL;
}

void
app_video_result_free(struct app_video_result *r)
{
    size_t i;

    if (r == NULL)
        return;
    for (i = 0; i < r->n; i++)
        video_faces_free(r->files[i]);
    free(r->files);
    free(r);
}
