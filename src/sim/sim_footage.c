/* SPDX-License-Identifier: MIT */
/*
 * sim_footage.c - the footage of a recorded deployment (footage.csv and its
 * videos) through the face pipeline of video.h, folded per device and day:
 * tracks, distinct people (tracks merged over the day's recordings), faces
 * captured outside the device's collection area (its `collection_area`
 * polygon), people in view at once and the bystanders seen with another
 * face, and the estimated share of people under 14 with its interval
 * (video_age_share: one AgeGenderNet estimate per person). Nothing of a
 * face is kept: the descriptors and age estimates live in memory for the
 * merge and the share, and go with the result.
 */
#include "config.h"

#include "faceaudit/sim.h"
#include "sim_footage_int.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "faceaudit/dataset.h"
#include "faceaudit/ds_table.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/rule.h"
#include "faceaudit/scenario.h"
#include "faceaudit/sha256.h"
#include "faceaudit/store.h"
#include "faceaudit/store_crypt.h"
#include "faceaudit/store_footage.h"
#include "faceaudit/store_log.h"
#include "faceaudit/str.h"
#include "faceaudit/video.h"
#include "faceaudit/xmalloc.h"

/* A day being built: the tracks of its recordings on one clock (seconds since midnight). */
struct day_acc {
    struct footage_day d;
    char *files;       /* "NAME HH:MM:SS+S s, ..." of its recordings */
    struct video_track *tracks;
    size_t ntracks, cap;
    double *outside;   /* times of the captures outside the area */
    size_t nout, ocap;
};

int
footage_range(const char *dir, const struct scenario *sc, fa_date *first, fa_date *last,
    char **cause)
{
    char *path = path_join(dir, "footage.csv");
    struct footage_rec *r;
    size_t n = 0, i;
    bool there = fs_exists(path);

    free(path);
    if (!there)
        return 1;
    if ((r = footage_manifest_read(dir, sc, &n, cause)) == NULL)
        return -1;
    *first = *last = r[0].date;
    for (i = 1; i < n; i++) {
        if (r[i].date < *first)
            *first = r[i].date;
        if (r[i].date > *last)
            *last = r[i].date;
    }
    footage_recs_free(r, n);
    return 0;
}

/* One recording's result into its day. */
static void
day_add(struct day_acc *a, const struct footage_rec *rc, const struct video_faces *vf, bool area)
{
    size_t i;

    char *was = a->files;
    double st = rc->start + (vf->frames_sampled > 0 ? vf->first_time : 0);

    a->files = xasprintf("%s%s%s from %02d:%02d:%02d for %.1f s", was != NULL ? was : "",
        was != NULL ? ", " : "", rc->name, (int)(st / 3600) % 100, (int)fmod(st / 60, 60),
        (int)fmod(st, 60), vf->frames_sampled > 0 ? vf->last_time - vf->first_time : 0.0);
    free(was);
    a->d.recordings++;
    a->d.frames += vf->frames_sampled;
    if (vf->frames_sampled > 0)
        a->d.seconds += vf->last_time - vf->first_time;
    a->d.has_area = a->d.has_area || area;
    if (vf->max_in_view > a->d.max_in_view)
        a->d.max_in_view = vf->max_in_view;
    a->d.seconds_multi += vf->seconds_multi;
    if (vf->damage != NULL && a->d.damage == NULL)
        a->d.damage = xasprintf("%s: %s", rc->name, vf->damage);
    for (i = 0; i < vf->ntracks; i++) {
        struct video_track t = vf->tracks[i];

        t.first += rc->start;
        t.last += rc->start;
        t.best_time += rc->start;
        if (a->ntracks == a->cap) {
            a->cap = a->cap == 0 ? 16 : a->cap * 2;
            a->tracks = xreallocarray(a->tracks, a->cap, sizeof *a->tracks);
        }
        a->tracks[a->ntracks++] = t;
        a->d.tracks++;
        if (t.with_others)
            a->d.tracks_with_others++;
        if (t.outside > 0) {
            a->d.tracks_outside++;
            if (t.inside == 0)
                a->d.tracks_wholly_outside++;
            if (a->nout == a->ocap) {
                a->ocap = a->ocap == 0 ? 16 : a->ocap * 2;
                a->outside = xreallocarray(a->outside, a->ocap, sizeof *a->outside);
            }
            a->outside[a->nout++] = rc->start + t.first_outside;
        }
    }
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static int
cmp_track(const void *a, const void *b)
{
    const struct video_track *x = a, *y = b;

    return (x->first > y->first) - (x->first < y->first);
}

/* People, the estimated share under 14, examples; the day's tracks and times freed. */
static void
day_finish(struct day_acc *a, float thr)
{
    struct age_share sh;
    int k;

    if (a->ntracks > 1) /* tracks and outside are NULL while empty: no qsort on NULL */
        qsort(a->tracks, a->ntracks, sizeof *a->tracks, cmp_track);
    a->d.people = video_merge_tracks(a->tracks, a->ntracks, thr);
    /* one age estimate per person merged over the day (agegender.h: an estimate, not a fact) */
    video_age_share(a->tracks, a->ntracks, &sh);
    a->d.aged = sh.n;
    a->d.under14_share = sh.share;
    a->d.under14_lo = sh.lo;
    a->d.under14_hi = sh.hi;
    if (a->nout > 1)
        qsort(a->outside, a->nout, sizeof *a->outside, cmp_double);
    for (k = 0; k < FOOTAGE_EXAMPLES && (size_t)k < a->nout; k++) {
        double t = a->outside[k];
        int h = (int)(t / 3600), m = (int)fmod(t / 60, 60);

        snprintf(a->d.examples[k], sizeof a->d.examples[k], "%02d:%02d:%04.1f", h % 100, m,
            fmod(t, 60));
    }
    a->d.nexamples = k;
    free(a->tracks);
    free(a->outside);
    a->tracks = NULL;
    a->outside = NULL;
}

/* "true (FILE:LINE:COL)" of a fact value, or NULL when it is not known to be true. */
static char *
declared_true(const struct fact_value *fv)
{
    if (fv->state != FACT_KNOWN || !fv->v.b)
        return NULL;
    if (fv->loc.line > 0)
        return xasprintf("true (%s:%u:%u)", fv->loc.file, fv->loc.line, fv->loc.col);
    return xstrdup("true");
}

static void
contra_add(struct footage_result *res, const struct footage_day *d, const char *fact,
    char *declared, char *observed)
{
    struct footage_contradiction *c;

    res->contra = xreallocarray(res->contra, res->ncontra + 1, sizeof *res->contra);
    c = &res->contra[res->ncontra++];
    c->device = xstrdup(d->device);
    c->date = d->date;
    c->fact = fact;
    c->declared = declared;
    c->observed = observed;
    c->provenance = xstrdup(d->files != NULL ? d->files : "");
}

/* Declared facts against a finished day. */
static void
compare(const struct scenario *sc, const struct footage_day *d, struct footage_result *res)
{
    const struct scenario_entity *dev = scenario_find(sc, SCENARIO_DEVICE, d->device);
    struct fact_value fv;
    char *decl;

    if (dev == NULL)
        return;
    if (d->has_area && d->tracks_outside > 0 &&
        scenario_get(dev, "collection_area_defined", &fv, NULL) == 0 &&
        (decl = declared_true(&fv)) != NULL) {
        char *obs = xasprintf("%" PRId64 " of %" PRId64 " face tracks (%.0f%%) captured outside "
            "the collection area, %" PRId64 " wholly; first at %s", d->tracks_outside,
            d->tracks, 100.0 * (double)d->tracks_outside / (double)d->tracks,
            d->tracks_wholly_outside, d->examples[0]);

        contra_add(res, d, "collection_area_defined", decl, obs);
    }
    if (d->max_in_view >= 2 &&
        scenario_get(scenario_deployment(sc), "mode", &fv, NULL) == 0 &&
        fv.state == FACT_KNOWN && strcmp(fv.def->values[fv.v.e], "verification") == 0) {
        char *obs = xasprintf("up to %d faces in view at once, %.1f s with two or more, %"
            PRId64 " face tracks seen with another (bystanders captured during 1:1 checks)",
            d->max_in_view, d->seconds_multi, d->tracks_with_others);

        contra_add(res, d, "mode", fv.loc.line > 0 ? xasprintf("verification (%s:%u:%u)",
            fv.loc.file, fv.loc.line, fv.loc.col) : xstrdup("verification"), obs);
    }
}

static char *
method(const struct face_models_opts *m, const struct video_faces_opts *f)
{
    char rate[32], det[32];

    if (f->video.fps > 0)
        snprintf(rate, sizeof rate, "%g frames/s", f->video.fps);
    else
        snprintf(rate, sizeof rate, "every frame");
    if (m->detector == DETECTOR_SSD)
        snprintf(det, sizeof det, "ssd");
    else
        snprintf(det, sizeof det, "%s %d", detector_kind_name(m->detector),
            m->input_size > 0 ? m->input_size : 416);
    return xasprintf("faceaudit video pipeline: %s detector, 68 landmarks, %s; tracks: IoU >= "
        "%.2f with constant-velocity prediction, gap %.2g s, >= %d detections; people: "
        "descriptor distance < %.2f within a device's day; under 14: AgeGenderNet estimate of "
        "each person's best shot, 95%% Wilson interval widened by the estimator's error "
        "(+/- %.2f years)", det, rate, (double)f->track.iou_min, f->track.max_gap,
        f->track.min_hits, (double)(f->merge_threshold > 0 ? f->merge_threshold : 0.55f),
        (double)AGE_KNOWN_ERROR);
}

/*
 * The sampled frames a recording is expected to give (its declared
 * duration within the range, at the sampling or its own frame rate), for
 * the progress total.
 */
static int64_t
estimate_frames(const struct video_info *in, const struct video_opts *vo)
{
    double secs, rate;

    secs = (vo->end > 0 && vo->end < in->duration ? vo->end : in->duration) - vo->start;
    rate = vo->fps > 0 && (in->frame_rate <= 0 || vo->fps < in->frame_rate) ? vo->fps :
        in->frame_rate;
    return secs > 0 && rate > 0 && secs * rate < 1e12 ? (int64_t)ceil(secs * rate) : 0;
}

/*
 * The recording checked before anything is logged or decoded: confined to
 * the folder, within the limits of video.h (its size, then its container's
 * declared duration, frames and frame size); its identity (size,
 * modification time, SHA-256 of the bytes read) into rc and its name,
 * device, start and hash into res->recs (res->files counts them).
 */
static int
file_record(const char *dir, struct footage_result *res, struct footage_rec *rc,
    const struct video_opts *vo, char **cause)
{
    int64_t max = vo->max_bytes > 0 ? vo->max_bytes : VIDEO_MAX_BYTES;
    struct footage_file *f;
    struct video *v;
    struct stat st;
    char day[11];
    unsigned s = (unsigned)rc->start; /* 0 .. 86399 (parse_clock) */
    int fd = footage_open(dir, rc->name, &st, cause);

    if (fd == -1)
        return -1;
    if ((int64_t)st.st_size > max) {
        close(fd);
        return cause_set(cause, "%s: %lld bytes exceed the limit of %lld bytes", rc->name,
            (long long)st.st_size, (long long)max);
    }
    if ((v = video_open_fd(fd, rc->name, vo, cause)) == NULL) {
        close(fd);
        return -1;
    }
    rc->est = estimate_frames(video_get_info(v), vo);
    video_close(v);
    rc->size = (int64_t)st.st_size;
    rc->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    rc->dev = st.st_dev;
    rc->ino = st.st_ino;
    if (footage_hash_fd(fd, rc->name, rc->sha256, cause) == -1) {
        close(fd);
        return -1;
    }
    close(fd);
    res->recs = xreallocarray(res->recs, res->files + 1, sizeof *res->recs);
    f = &res->recs[res->files++];
    f->name = xstrdup(rc->name);
    f->device = xstrdup(scenario_entity_id(rc->device));
    date_format(rc->date, day);
    snprintf(f->start, sizeof f->start, "%.10sT%02u:%02u:%02u", day, (s / 3600) % 24,
        (s / 60) % 60, s % 60);
    snprintf(f->sha256, sizeof f->sha256, "%s", rc->sha256);
    return 0;
}

struct prog {
    const struct footage_opts *o;
    const char *file;
    int64_t done;      /* sampled frames of the recordings finished */
    int64_t total;     /* estimated sampled frames of all the recordings to decode */
};

static void
on_frame(void *arg, double time, double duration, int64_t frames)
{
    struct prog *g = arg;

    (void)time;
    (void)duration;
    if (g->o->progress != NULL)
        g->o->progress(g->o->arg, g->file, g->done + frames,
            g->total > g->done + frames ? g->total : g->done + frames);
}

static bool
on_cancel(void *arg)
{
    struct prog *g = arg;

    return g->o->cancelled != NULL && g->o->cancelled(g->o->arg);
}

char *
footage_options_key(const struct face_models_opts *m, const struct video_faces_opts *f,
    const char *version)
{
    struct strbuf sb;
    char hex[SHA256_HEX_LEN + 1];

    strbuf_init(&sb);
    strbuf_printf(&sb, "footage-ckpt/2 faceaudit %s (%s)\n", version, video_lib_versions());
    strbuf_printf(&sb, "det %d in %d score %.9g tinylm %d age %d agerr %.9g\n",
        (int)m->detector, m->input_size, (double)m->min_score, (int)m->tiny_landmarks,
        (int)m->age_gender, (double)AGE_KNOWN_ERROR);
    strbuf_printf(&sb, "fps %.17g start %.17g end %.17g norot %d maxpx %lld maxb %lld "
        "maxs %.17g maxf %lld minface %.9g merge %.9g\n", f->video.fps, f->video.start,
        f->video.end, (int)f->video.no_rotate, (long long)f->video.max_pixels,
        (long long)f->video.max_bytes, f->video.max_seconds, (long long)f->video.max_frames,
        (double)f->min_face, (double)f->merge_threshold);
    strbuf_printf(&sb, "iou %.9g gap %.17g hits %d alpha %.9g\n", (double)f->track.iou_min,
        f->track.max_gap, f->track.min_hits, (double)f->track.velocity_alpha);
    sha256_hex(strbuf_str(&sb), sb.len, hex);
    strbuf_done(&sb);
    return xstrdup(hex);
}

/*
 * The replay's key: the options that shape the figures and the program's
 * version (footage_options_key), then each recording's name, device, start
 * and collection area. The contents are not in it: each day's checkpoint
 * carries its recordings' identity (footage_day_sources), compared on resume.
 */
static char *
run_key(const struct face_models_opts *m, const struct video_faces_opts *f,
    const struct footage_result *res, const struct footage_rec *recs, size_t n)
{
    struct strbuf sb;
    char hex[SHA256_HEX_LEN + 1], *ok = footage_options_key(m, f, PACKAGE_VERSION);
    size_t i;

    strbuf_init(&sb);
    strbuf_printf(&sb, "%s\n", ok);
    free(ok);
    for (i = 0; i < n; i++) {
        struct fact_value fv;
        const char *area = "";

        if (scenario_get(recs[i].device, "collection_area", &fv, NULL) == 0 &&
            fv.state == FACT_KNOWN)
            area = fv.v.s;
        strbuf_printf(&sb, "%s\t%s\t%s\t%s\n", res->recs[i].name, res->recs[i].device,
            res->recs[i].start, area);
    }
    sha256_hex(strbuf_str(&sb), sb.len, hex);
    strbuf_done(&sb);
    return xstrdup(hex);
}

/* The pipeline, loaded on first use (a fully resumed replay never needs it). */
struct engine {
    const struct footage_opts *o;
    struct face_models_opts *mo;
    struct face_models *models;
    struct face_pipeline *pl;
};

/* One recording reopened and decoded: the file checked before must be the one read. */
static struct video_faces *
decode_one(const char *dir, struct engine *e, const struct footage_rec *rc,
    const struct video_faces_opts *fo, char **cause)
{
    struct video_faces *vf;
    struct stat st;
    int fd = footage_open(dir, rc->name, &st, cause);

    if (fd == -1)
        return NULL;
    if ((int64_t)st.st_size != rc->size || st.st_dev != rc->dev || st.st_ino != rc->ino ||
        (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec != rc->mtime_ns) {
        close(fd);
        cause_set(cause, "%s changed during the replay", rc->name);
        return NULL;
    }
    vf = video_faces_run_fd(e->pl, fd, rc->name, fo, cause);
    close(fd);
    return vf;
}

/* One device-day's recordings (manifest order) through the pipeline; 0 or -1. */
static int
run_day(const char *dir, struct engine *e, struct video_faces_opts *fo, struct prog *g,
    const struct footage_rec *recs, const size_t *idx, size_t nidx, struct day_acc *a,
    char **cause)
{
    size_t k;

    if (e->pl == NULL && ((e->models = face_models_load(e->o->models_dir, e->mo, cause)) ==
        NULL || (e->pl = face_pipeline_new(e->models, cause)) == NULL))
        return -1;
    for (k = 0; k < nidx; k++) {
        const struct footage_rec *rc = &recs[idx[k]];
        struct video_polygon poly = { 0, NULL };
        struct video_faces *vf;
        int has = footage_area(rc->device, &poly, cause);

        if (has == -1)
            return -1;
        fo->area = has ? &poly : NULL;
        g->file = rc->name;
        vf = decode_one(dir, e, rc, fo, cause);
        video_polygon_done(&poly);
        if (vf == NULL) {
            cause_prefix(cause, "%s/footage.csv:%u", dir, rc->line);
            return -1;
        }
        if (vf->cancelled) {
            video_faces_free(vf);
            cause_set(cause, "cancelled");
            return -1;
        }
        day_add(a, rc, vf, has == 1);
        g->done += vf->frames_sampled;
        g->total += vf->frames_sampled - rc->est;
        video_faces_free(vf);
    }
    return 0;
}

static void
acc_done(struct day_acc *a)
{
    free(a->d.device);
    free(a->d.damage);
    free(a->d.files);
    free(a->tracks);
    free(a->outside);
    free(a->files);
}

/*
 * The day's checkpoint under this replay's key, if there is one and its
 * recordings are the same files as now: 1 with res->days[res->n] filled; 0
 * when the day must be decoded (a changed recording noted in res->changed).
 */
static int
day_resume(const struct footage_opts *o, const char *key, const char *dkey,
    const struct footage_rec *recs, const size_t *idx, size_t nidx, struct footage_result *res)
{
    char *v, *src = NULL, *why;
    struct footage_day d;

    if (o->ckpt == NULL || o->no_resume ||
        (v = store_footage_ckpt_get(o->ckpt, key, dkey)) == NULL)
        return 0;
    if (footage_day_decode(v, &d, &src) == -1) {
        free(v);
        return 0;
    }
    free(v);
    if ((why = footage_day_changes(src, recs, idx, nidx)) != NULL) {
        char date[11];

        date_format(d.date, date);
        res->changed = xreallocarray(res->changed, res->nchanged + 1, sizeof *res->changed);
        res->changed[res->nchanged++] = xasprintf("%s %s: %s", d.device, date, why);
        free(why);
        free(src);
        free(d.device);
        free(d.files);
        free(d.damage);
        return 0;
    }
    free(src);
    res->days[res->n++] = d;
    return 1;
}

/*
 * Each device-day in the order footage.csv first names it: from its
 * checkpoint when the store has one under this replay's key for the same
 * files, else its recordings through the pipeline and then a checkpoint.
 * Days go into res->days unsorted. Returns 0 or -1 with *cause.
 */
static int
run_days(const char *dir, const struct footage_opts *o, struct engine *e,
    struct video_faces_opts *fo, struct prog *g, const struct footage_rec *recs, size_t nrec,
    const char *key, struct footage_result *res, char **cause)
{
    size_t *idx = xcalloc(nrec, sizeof *idx), i, j, nidx;
    bool *done = xcalloc(nrec, sizeof *done);
    float thr = fo->merge_threshold > 0 ? fo->merge_threshold : 0.55f;
    int rc = -1;

    res->days = xcalloc(nrec + 1, sizeof *res->days);
    for (i = 0; i < nrec; i++) {
        const char *dev = scenario_entity_id(recs[i].device);
        struct day_acc a;
        char date[11], *dkey;

        if (done[i])
            continue;
        for (nidx = 0, j = i; j < nrec; j++) {
            if (!done[j] && recs[j].date == recs[i].date &&
                strcmp(scenario_entity_id(recs[j].device), dev) == 0) {
                idx[nidx++] = j;
                done[j] = true;
            }
        }
        date_format(recs[i].date, date);
        dkey = xasprintf("%s/%s", date, dev);
        if (day_resume(o, key, dkey, recs, idx, nidx, res) == 1) {
            res->resumed += nidx;
            for (j = 0; j < nidx; j++)
                g->total -= recs[idx[j]].est;
            free(dkey);
            continue;
        }
        memset(&a, 0, sizeof a);
        a.d.device = xstrdup(dev);
        a.d.date = recs[i].date;
        a.d.under14_share = a.d.under14_lo = a.d.under14_hi = NAN;
        if (run_day(dir, e, fo, g, recs, idx, nidx, &a, cause) == -1) {
            acc_done(&a);
            free(dkey);
            goto out;
        }
        day_finish(&a, thr);
        a.d.files = a.files != NULL ? a.files : xstrdup("");
        a.files = NULL;
        if (o->ckpt != NULL) {
            char *src = footage_day_sources(recs, idx, nidx);
            char *enc = footage_day_encode(&a.d, src);
            int put = store_footage_ckpt_put(o->ckpt, key, dkey, enc, cause);

            free(src);
            free(enc);
            if (put == -1) {
                acc_done(&a);
                free(dkey);
                goto out;
            }
            store_crash_point("footage-day");
        }
        free(dkey);
        res->days[res->n++] = a.d;
    }
    rc = 0;
out:
    free(idx);
    free(done);
    return rc;
}

static int
cmp_day(const void *a, const void *b)
{
    const struct footage_day *x = a, *y = b;
    int c = strcmp(x->device, y->device);

    return c != 0 ? c : (x->date > y->date) - (x->date < y->date);
}

/*
 * The footage about to be processed, into the audit log (store_log.h: the
 * OS user is recorded with each entry), before any of it is decoded: one
 * entry per recording with its device, start and SHA-256, in one
 * transaction. Returns 0 or -1 with *cause.
 */
static int
log_footage(struct store *st, const char *dir, const struct footage_result *fr, char **cause)
{
    struct store_key *key = store_template_key(st, true, cause);
    size_t i;

    if (key == NULL || store_begin(st, cause) == -1)
        return -1;
    for (i = 0; i < fr->files; i++) {
        const struct footage_file *f = &fr->recs[i];
        char *object = xasprintf("footage:%s/%s", dir, f->name);
        char *detail = xasprintf("device %s, start %s, sha256 %s", f->device, f->start,
            f->sha256);
        int rc = store_log_append(st, key, "replay", "process", object, detail, cause);

        free(object);
        free(detail);
        if (rc == -1) {
            store_rollback(st);
            return -1;
        }
    }
    return store_commit(st, cause);
}

int
footage_run(const char *dir, const struct scenario *sc, const struct footage_opts *o,
    struct footage_result *res, char **cause)
{
    struct face_models_opts mo;
    struct video_faces_opts fo;
    struct engine e = { o, &mo, NULL, NULL };
    struct footage_rec *recs;
    struct prog g = { o, NULL, 0, 0 };
    size_t nrec = 0, i;
    char *key = NULL;
    int rc = -1;

    memset(res, 0, sizeof *res);
    if (o->models != NULL)
        mo = *o->models;
    else
        memset(&mo, 0, sizeof mo);
    mo.age_gender = true; /* the per-day under-14 estimate */
    if (o->faces != NULL)
        fo = *o->faces;
    else {
        memset(&fo, 0, sizeof fo);
        track_params_default(&fo.track);
    }
    if ((recs = footage_manifest_read(dir, sc, &nrec, cause)) == NULL)
        return -1;
    /* every collection area and every file checked before anything is logged or decoded */
    for (i = 0; i < nrec; i++) {
        struct video_polygon poly = { 0, NULL };

        if (footage_area(recs[i].device, &poly, cause) == -1)
            goto out;
        video_polygon_done(&poly);
    }
    for (i = 0; i < nrec; i++) {
        if (file_record(dir, res, &recs[i], &fo.video, cause) == -1) {
            cause_prefix(cause, "%s/footage.csv:%u: column 'file'", dir, recs[i].line);
            goto out;
        }
        g.total += recs[i].est;
    }
    if (o->ckpt != NULL && o->log && log_footage(o->ckpt, dir, res, cause) == -1)
        goto out;
    key = run_key(&mo, &fo, res, recs, nrec);
    fo.progress = on_frame;
    fo.cancelled = on_cancel;
    fo.arg = &g;
    if (run_days(dir, o, &e, &fo, &g, recs, nrec, key, res, cause) == -1)
        goto out;
    if (o->progress != NULL && g.done > 0)
        o->progress(o->arg, "recordings", g.done, g.done); /* the bar's last line */
    qsort(res->days, res->n, sizeof *res->days, cmp_day);
    for (i = 0; i < res->n; i++)
        compare(sc, &res->days[i], res);
    res->method = method(&mo, &fo);
    if (o->ckpt != NULL && store_footage_ckpt_clear(o->ckpt, key, cause) == -1)
        goto out;
    rc = 0;
out:
    free(key);
    footage_recs_free(recs, nrec);
    face_pipeline_free(e.pl);
    face_models_free(e.models);
    if (rc == -1)
        footage_result_done(res);
    return rc;
}

void
footage_result_done(struct footage_result *res)
{
    size_t i;

    for (i = 0; i < res->n; i++) {
        free(res->days[i].device);
        free(res->days[i].files);
        free(res->days[i].damage);
    }
    free(res->days);
    for (i = 0; res->recs != NULL && i < res->files; i++) {
        free(res->recs[i].name);
        free(res->recs[i].device);
    }
    free(res->recs);
    free(res->method);
    for (i = 0; i < res->ncontra; i++) {
        free(res->contra[i].device);
        free(res->contra[i].declared);
        free(res->contra[i].observed);
        free(res->contra[i].provenance);
    }
    free(res->contra);
    for (i = 0; i < res->nfindings; i++) {
        struct footage_finding *f = &res->findings[i];

        free(f->rule_id);
        free(f->device);
        free(f->message);
        free(f->declared);
        free(f->observed);
        free(f->provenance);
    }
    free(res->findings);
    for (i = 0; i < res->nchanged; i++)
        free(res->changed[i]);
    free(res->changed);
    memset(res, 0, sizeof *res);
}
