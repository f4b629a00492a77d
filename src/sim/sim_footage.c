/* SPDX-License-Identifier: MIT */
/*
 * sim_footage.c - the footage of a recorded deployment (footage.csv and its
 * videos) through the face pipeline of video.h, folded per device and day:
 * tracks, distinct people (tracks merged over the day's recordings), faces
 * captured outside the device's collection area (its `collection_area`
 * polygon), people in view at once and the bystanders seen with another
 * face. Nothing of a face is kept: the descriptors live in memory for the
 * merge and go with the result.
 */
#include "config.h"

#include "faceaudit/sim.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/dataset.h"
#include "faceaudit/ds_table.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/rule.h"
#include "faceaudit/scenario.h"
#include "faceaudit/sha256.h"
#include "faceaudit/str.h"
#include "faceaudit/video.h"
#include "faceaudit/xmalloc.h"

struct rec {
    char *file;      /* resolved path */
    char *name;      /* as written */
    const struct scenario_entity *device;
    fa_date date;
    double start;    /* seconds since midnight */
    unsigned line;
};

/* A day being built: the tracks of its recordings on one clock (seconds since midnight). */
struct day_acc {
    struct footage_day d;
    char *files;       /* "NAME HH:MM:SS+S s, ..." of its recordings */
    struct video_track *tracks;
    size_t ntracks, cap;
    double *outside;   /* times of the captures outside the area */
    size_t nout, ocap;
};

static void
recs_free(struct rec *r, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(r[i].file);
        free(r[i].name);
    }
    free(r);
}

/* "HH:MM[:SS]" after the date; -1 if malformed. */
static int
parse_clock(const char *s, double *secs)
{
    int h, m, sec = 0, n = 0;

    if (sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2 || n != 5)
        return -1;
    if (s[5] == ':') {
        int k = 0;

        if (sscanf(s + 6, "%2d%n", &sec, &k) != 1 || k != 2 || s[8] != '\0')
            return -1;
    } else if (s[5] != '\0')
        return -1;
    if (h > 23 || m > 59 || sec > 59 || h < 0 || m < 0 || sec < 0)
        return -1;
    *secs = h * 3600.0 + m * 60.0 + sec;
    return 0;
}

static struct rec *
manifest_read(const char *dir, const struct scenario *sc, size_t *nrec, char **cause)
{
    char *path = path_join(dir, "footage.csv"), *why = NULL;
    struct ds_table *t = ds_table_read(path, FOOTAGE_MAX_FILES, 16u << 20, cause);
    int c_file, c_dev, c_start;
    struct rec *r = NULL;
    size_t i;

    if (t == NULL)
        goto fail;
    c_file = ds_table_column(t, "file");
    c_dev = ds_table_column(t, "device");
    c_start = ds_table_column(t, "start");
    if (c_file < 0 || c_dev < 0 || c_start < 0) {
        cause_set(cause, "%s:1: the header needs the columns file, device and start", path);
        goto fail;
    }
    if (t->nrows == 0) {
        cause_set(cause, "%s: no recordings", path);
        goto fail;
    }
    r = xcalloc(t->nrows, sizeof *r);
    for (i = 0; i < t->nrows; i++) {
        char **row = t->rows[i], date[11];
        const char *start = row[c_start];

        r[i].line = t->lines[i];
        r[i].name = xstrdup(row[c_file]);
        snprintf(date, sizeof date, "%.10s", start);
        if (strlen(start) < 16 || start[10] != 'T' || date_parse(date, &r[i].date, &why) == -1 ||
            parse_clock(start + 11, &r[i].start) == -1) {
            cause_set(cause, "%s:%u: column 'start': '%s' is not YYYY-MM-DDTHH:MM[:SS]%s%s", path,
                r[i].line, start, why != NULL ? ": " : "", why != NULL ? why : "");
            goto fail;
        }
        if (sc != NULL && (r[i].device = scenario_find(sc, SCENARIO_DEVICE, row[c_dev])) == NULL) {
            cause_set(cause, "%s:%u: column 'device': no device '%s' in %s", path, r[i].line,
                row[c_dev], scenario_path(sc));
            goto fail;
        }
        if (*row[c_file] == '\0') {
            cause_set(cause, "%s:%u: column 'file' is empty", path, r[i].line);
            goto fail;
        }
        if ((r[i].file = ds_resolve_path(dir, row[c_file], &why)) == NULL) {
            cause_set(cause, "%s:%u: column 'file': %s", path, r[i].line, why);
            goto fail;
        }
    }
    *nrec = t->nrows;
    free(path);
    ds_table_free(t);
    return r;
fail:
    if (r != NULL)
        recs_free(r, t->nrows);
    free(why);
    free(path);
    ds_table_free(t);
    return NULL;
}

int
footage_range(const char *dir, const struct scenario *sc, fa_date *first, fa_date *last,
    char **cause)
{
    char *path = path_join(dir, "footage.csv");
    struct rec *r;
    size_t n = 0, i;
    bool there = fs_exists(path);

    free(path);
    if (!there)
        return 1;
    if ((r = manifest_read(dir, sc, &n, cause)) == NULL)
        return -1;
    *first = *last = r[0].date;
    for (i = 1; i < n; i++) {
        if (r[i].date < *first)
            *first = r[i].date;
        if (r[i].date > *last)
            *last = r[i].date;
    }
    recs_free(r, n);
    return 0;
}

/* The device's collection area, if it has one: 1 with *poly, 0 without, -1 with *cause. */
static int
device_area(const struct scenario_entity *dev, struct video_polygon *poly, char **cause)
{
    struct fact_value fv;
    char *why = NULL;

    if (scenario_get(dev, "collection_area", &fv, cause) == -1)
        return -1;
    if (fv.state != FACT_KNOWN)
        return 0;
    if (video_polygon_parse(fv.v.s, poly, &why) == -1) {
        if (fv.loc.line > 0)
            cause_set(cause, "%s:%u:%u: device '%s': collection_area: %s", fv.loc.file,
                fv.loc.line, fv.loc.col, scenario_entity_id(dev), why);
        else
            cause_set(cause, "device '%s': collection_area: %s", scenario_entity_id(dev), why);
        free(why);
        return -1;
    }
    return 1;
}

static struct day_acc *
day_get(struct day_acc **days, size_t *n, const char *device, fa_date date)
{
    size_t i;

    for (i = 0; i < *n; i++) {
        if ((*days)[i].d.date == date && strcmp((*days)[i].d.device, device) == 0)
            return &(*days)[i];
    }
    *days = xreallocarray(*days, *n + 1, sizeof **days);
    memset(&(*days)[*n], 0, sizeof **days);
    (*days)[*n].d.device = xstrdup(device);
    (*days)[*n].d.date = date;
    (*days)[*n].d.under14_share = NAN;
    (*days)[*n].d.under14_lo = NAN;
    (*days)[*n].d.under14_hi = NAN;
    return &(*days)[(*n)++];
}

/* One recording's result into its day. */
static void
day_add(struct day_acc *a, const struct rec *rc, const struct video_faces *vf, bool area)
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

static int
cmp_acc(const void *a, const void *b)
{
    const struct footage_day *x = &((const struct day_acc *)a)->d;
    const struct footage_day *y = &((const struct day_acc *)b)->d;
    int c = strcmp(x->device, y->device);

    return c != 0 ? c : (x->date > y->date) - (x->date < y->date);
}

/* People, examples; the day's tracks and times freed. */
static void
day_finish(struct day_acc *a, float thr)
{
    int k;

    qsort(a->tracks, a->ntracks, sizeof *a->tracks, cmp_track);
    a->d.people = video_merge_tracks(a->tracks, a->ntracks, thr);
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
contra_add(struct footage_result *res, const struct day_acc *a, const char *fact,
    char *declared, char *observed)
{
    struct footage_contradiction *c;

    res->contra = xreallocarray(res->contra, res->ncontra + 1, sizeof *res->contra);
    c = &res->contra[res->ncontra++];
    c->device = xstrdup(a->d.device);
    c->date = a->d.date;
    c->fact = fact;
    c->declared = declared;
    c->observed = observed;
    c->provenance = xstrdup(a->files != NULL ? a->files : "");
}

/* Declared facts against a finished day. */
static void
compare(const struct scenario *sc, const struct day_acc *a, struct footage_result *res)
{
    const struct scenario_entity *dev = scenario_find(sc, SCENARIO_DEVICE, a->d.device);
    struct fact_value fv;
    char *decl;

    if (dev == NULL)
        return;
    if (a->d.has_area && a->d.tracks_outside > 0 &&
        scenario_get(dev, "collection_area_defined", &fv, NULL) == 0 &&
        (decl = declared_true(&fv)) != NULL) {
        char *obs = xasprintf("%" PRId64 " of %" PRId64 " face tracks (%.0f%%) captured outside "
            "the collection area, %" PRId64 " wholly; first at %s", a->d.tracks_outside,
            a->d.tracks, 100.0 * (double)a->d.tracks_outside / (double)a->d.tracks,
            a->d.tracks_wholly_outside, a->d.examples[0]);

        contra_add(res, a, "collection_area_defined", decl, obs);
    }
    if (a->d.max_in_view >= 2 &&
        scenario_get(scenario_deployment(sc), "mode", &fv, NULL) == 0 &&
        fv.state == FACT_KNOWN && strcmp(fv.def->values[fv.v.e], "verification") == 0) {
        char *obs = xasprintf("up to %d faces in view at once, %.1f s with two or more, %"
            PRId64 " face tracks seen with another (bystanders captured during 1:1 checks)",
            a->d.max_in_view, a->d.seconds_multi, a->d.tracks_with_others);

        contra_add(res, a, "mode", fv.loc.line > 0 ? xasprintf("verification (%s:%u:%u)",
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
        "descriptor distance < %.2f within a device's day", det, rate, (double)f->track.iou_min,
        f->track.max_gap, f->track.min_hits,
        (double)(f->merge_threshold > 0 ? f->merge_threshold : 0.55f));
}

/* The recording's name, device, start and hash into res->recs (res->files counts them). */
static int
file_record(struct footage_result *res, const struct rec *rc, char **cause)
{
    struct footage_file *f;
    char hex[SHA256_HEX_LEN + 1], day[11];
    unsigned s = (unsigned)rc->start; /* 0 .. 86399 (parse_clock) */

    if (sha256_file_hex(rc->file, hex, cause) == -1)
        return -1;
    res->recs = xreallocarray(res->recs, res->files + 1, sizeof *res->recs);
    f = &res->recs[res->files++];
    f->name = xstrdup(rc->name);
    f->device = xstrdup(scenario_entity_id(rc->device));
    date_format(rc->date, day);
    snprintf(f->start, sizeof f->start, "%.10sT%02u:%02u:%02u", day, (s / 3600) % 24,
        (s / 60) % 60, s % 60);
    snprintf(f->sha256, sizeof f->sha256, "%s", hex);
    return 0;
}

struct prog {
    const struct footage_opts *o;
    const char *file;
};

static void
on_frame(void *arg, double time, double duration, int64_t frames)
{
    struct prog *g = arg;

    (void)frames;
    if (g->o->progress != NULL)
        g->o->progress(g->o->arg, g->file, time, duration);
}

static bool
on_cancel(void *arg)
{
    struct prog *g = arg;

    return g->o->cancelled != NULL && g->o->cancelled(g->o->arg);
}

int
footage_run(const char *dir, const struct scenario *sc, const struct footage_opts *o,
    struct footage_result *res, char **cause)
{
    struct face_models_opts mo;
    struct video_faces_opts fo;
    struct face_models *models = NULL;
    struct face_pipeline *pl = NULL;
    struct day_acc *days = NULL;
    struct rec *recs;
    struct prog g = { o, NULL };
    size_t nrec = 0, ndays = 0, i;
    int rc = -1;

    memset(res, 0, sizeof *res);
    if (o->models != NULL)
        mo = *o->models;
    else
        memset(&mo, 0, sizeof mo);
    if (o->faces != NULL)
        fo = *o->faces;
    else {
        memset(&fo, 0, sizeof fo);
        track_params_default(&fo.track);
    }
    if ((recs = manifest_read(dir, sc, &nrec, cause)) == NULL)
        return -1;
    if ((models = face_models_load(o->models_dir, &mo, cause)) == NULL ||
        (pl = face_pipeline_new(models, cause)) == NULL)
        goto out;
    fo.progress = on_frame;
    fo.cancelled = on_cancel;
    fo.arg = &g;
    for (i = 0; i < nrec; i++) {
        struct video_polygon poly = { 0, NULL };
        struct video_faces *vf;
        int has = device_area(recs[i].device, &poly, cause);

        if (has == -1)
            goto out;
        fo.area = has ? &poly : NULL;
        g.file = recs[i].name;
        if (file_record(res, &recs[i], cause) == -1) {
            video_polygon_done(&poly);
            cause_prefix(cause, "%s/footage.csv:%u", dir, recs[i].line);
            goto out;
        }
        vf = video_faces_run(pl, recs[i].file, &fo, cause);
        if (vf == NULL) {
            video_polygon_done(&poly);
            cause_prefix(cause, "%s/footage.csv:%u", dir, recs[i].line);
            goto out;
        }
        if (vf->cancelled) {
            video_faces_free(vf);
            video_polygon_done(&poly);
            cause_set(cause, "cancelled");
            goto out;
        }
        day_add(day_get(&days, &ndays, scenario_entity_id(recs[i].device), recs[i].date),
            &recs[i], vf, has == 1);
        video_faces_free(vf);
        video_polygon_done(&poly);
    }
    res->days = xcalloc(ndays + 1, sizeof *res->days);
    qsort(days, ndays, sizeof *days, cmp_acc);
    for (i = 0; i < ndays; i++) {
        day_finish(&days[i], fo.merge_threshold > 0 ? fo.merge_threshold : 0.55f);
        compare(sc, &days[i], res);
        days[i].d.files = days[i].files != NULL ? days[i].files : xstrdup("");
        res->days[i] = days[i].d;
    }
    res->n = ndays;
    res->method = method(&mo, &fo);
    free(days);
    days = NULL;
    ndays = 0;
    rc = 0;
out:
    for (i = 0; i < ndays; i++) {
        free(days[i].d.device);
        free(days[i].d.damage);
        free(days[i].tracks);
        free(days[i].outside);
        free(days[i].files);
    }
    free(days);
    recs_free(recs, nrec);
    face_pipeline_free(pl);
    face_models_free(models);
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
    for (i = 0; i < res->files; i++) {
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
    memset(res, 0, sizeof *res);
}

/* --- observed facts ---------------------------------------------------------- */

static const char *const observed_device_facts[] = {
    "observed.outside_percent", "observed.max_in_view", "observed.bystanders", "observed.people",
    "observed.under_14_percent", "observed.under_14_percent_lo", "observed.footage", NULL
};

static int
put(struct scenario_entity *e, const char *path, const char *text, char **cause)
{
    if (scenario_set(e, path, text, cause) == -1) {
        cause_prefix(cause, "observed fact %s", path);
        return -1;
    }
    return 0;
}

/* Day d's figures as device facts; the ones not measured are left unset. */
static int
put_day(struct scenario_entity *dev, const struct footage_day *d, char **cause)
{
    char buf[64];

    if (d->has_area && d->tracks > 0) {
        snprintf(buf, sizeof buf, "%.1f", 100.0 * (double)d->tracks_outside / (double)d->tracks);
        if (put(dev, "observed.outside_percent", buf, cause) == -1)
            return -1;
    }
    snprintf(buf, sizeof buf, "%d", d->max_in_view);
    if (put(dev, "observed.max_in_view", buf, cause) == -1)
        return -1;
    snprintf(buf, sizeof buf, "%" PRId64, d->tracks_with_others);
    if (put(dev, "observed.bystanders", buf, cause) == -1)
        return -1;
    snprintf(buf, sizeof buf, "%" PRId64, d->people);
    if (put(dev, "observed.people", buf, cause) == -1)
        return -1;
    if (d->aged > 0 && !isnan(d->under14_share)) {
        snprintf(buf, sizeof buf, "%.1f", 100.0 * d->under14_share);
        if (put(dev, "observed.under_14_percent", buf, cause) == -1)
            return -1;
        snprintf(buf, sizeof buf, "%.1f", isnan(d->under14_lo) ? 0.0 : 100.0 * d->under14_lo);
        if (put(dev, "observed.under_14_percent_lo", buf, cause) == -1)
            return -1;
    }
    return put(dev, "observed.footage", d->files != NULL ? d->files : "", cause);
}

int
footage_set_facts(struct scenario *sc, const struct footage_result *fr, fa_date date,
    char **cause)
{
    struct scenario_entity *dep = scenario_deployment(sc);
    int64_t people = 0;
    bool any = false;
    size_t i, k;

    for (i = 0; i < fr->n; i++) {
        struct scenario_entity *dev = scenario_find(sc, SCENARIO_DEVICE, fr->days[i].device);

        if (dev == NULL)
            continue;
        for (k = 0; observed_device_facts[k] != NULL; k++) {
            if (scenario_unset(dev, observed_device_facts[k], cause) == -1)
                return -1;
        }
    }
    for (i = 0; i < fr->n; i++) {
        const struct footage_day *d = &fr->days[i];
        struct scenario_entity *dev;

        if (d->date != date || (dev = scenario_find(sc, SCENARIO_DEVICE, d->device)) == NULL)
            continue;
        if (put_day(dev, d, cause) == -1)
            return -1;
        people += d->people;
        any = true;
    }
    if (!any) {
        if (scenario_unset(dep, "observed.people_per_day", cause) == -1 ||
            scenario_unset(dep, "observed.method", cause) == -1)
            return -1;
        return 0;
    }
    {
        char buf[32];

        snprintf(buf, sizeof buf, "%" PRId64, people);
        if (put(dep, "observed.people_per_day", buf, cause) == -1)
            return -1;
    }
    return put(dep, "observed.method", fr->method != NULL ? fr->method : "", cause);
}

static bool
is_observed(const struct audit_fact *f)
{
    return f->def != NULL && strncmp(f->def->path, "observed.", 9) == 0;
}

void
footage_note_findings(struct footage_result *fr, const struct audit_result *ar, fa_date date)
{
    size_t i, j, k;

    for (i = 0; i < ar->nfindings; i++) {
        const struct audit_finding *af = &ar->findings[i];
        const struct footage_day *day = NULL;
        struct strbuf decl, obs;
        struct footage_finding *f;
        bool reads = false;

        if (af->outcome == RULE_NA || af->entity == NULL)
            continue;
        for (j = 0; j < af->nfacts && !reads; j++)
            reads = is_observed(&af->facts[j]);
        for (k = 0; reads && k < fr->n && day == NULL; k++) {
            if (fr->days[k].date == date && strcmp(fr->days[k].device, af->entity) == 0)
                day = &fr->days[k];
        }
        if (day == NULL)
            continue;
        strbuf_init(&decl);
        strbuf_init(&obs);
        for (j = 0; j < af->nfacts; j++) {
            const struct audit_fact *a = &af->facts[j];
            char path[256];

            if (a->def == NULL || (a->def->flags & FACT_F_ID) ||
                strcmp(a->def->path, "observed.footage") == 0)
                continue;
            audit_fact_path(a, path, sizeof path);
            if (is_observed(a))
                strbuf_printf(&obs, "%s%s = %s", obs.len > 0 ? "; " : "", path, a->value);
            else if (a->file != NULL && a->line > 0)
                strbuf_printf(&decl, "%s%s = %s (%s:%u:%u)", decl.len > 0 ? "; " : "", path,
                    a->value, a->file, a->line, a->col);
            else
                strbuf_printf(&decl, "%s%s = %s", decl.len > 0 ? "; " : "", path, a->value);
        }
        fr->findings = xreallocarray(fr->findings, fr->nfindings + 1, sizeof *fr->findings);
        f = &fr->findings[fr->nfindings++];
        f->rule_id = xstrdup(af->rule_id);
        f->article = af->article;
        f->outcome = (int)af->outcome;
        f->device = xstrdup(af->entity);
        f->date = date;
        f->message = af->message != NULL ? xstrdup(af->message) : NULL;
        f->declared = xstrdup(strbuf_str(&decl));
        f->observed = xstrdup(strbuf_str(&obs));
        f->provenance = xstrdup(day->files != NULL ? day->files : "");
        strbuf_done(&decl);
        strbuf_done(&obs);
    }
}
