/* SPDX-License-Identifier: MIT */
/*
 * sim_replay.c - a recorded deployment replayed through the real engine:
 * every event's image is decoded, its face detected, landmarked and
 * described, then searched 1:N in the gallery the deployment has built so
 * far; enrolments, refusals, errors and minors become the same daily series
 * a simulation gives, and so the same compliance timeline.
 */
#include "config.h"

#include "faceaudit/sim.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/dataset.h"
#include "faceaudit/ds_table.h"
#include "faceaudit/embed.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/hash.h"
#include "faceaudit/log.h"
#include "faceaudit/match.h"
#include "faceaudit/models.h"
#include "faceaudit/scenario.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

enum consent { CONSENT_GIVEN, CONSENT_GUARDIAN, CONSENT_REFUSED, CONSENT_NONE };
static const char *const consent_names[] = { "given", "guardian", "refused", "none", NULL };

struct event {
    char date[11];
    char *time;
    char *device;
    char *image;   /* resolved path */
    int face;      /* -1: the image is already a face crop */
    char *subject; /* "" when unknown */
    bool minor;
    enum consent consent;
    unsigned line;
};

/* The faces of one image, largest first, computed once. */
struct image_faces {
    struct face_result *faces;
    size_t n;
    char *error;
};

static void
image_faces_free(void *p)
{
    struct image_faces *f = p;

    free(f->faces);
    free(f->error);
    free(f);
}

static int
cmp_area(const void *a, const void *b)
{
    const struct face_result *x = a, *y = b;
    double ax = (double)x->box.w * x->box.h, ay = (double)y->box.w * y->box.h;

    return (ax < ay) - (ax > ay);
}

static char *
find_scenario(const char *dir, char **cause)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char *found = NULL;
    int n = 0;

    if (d == NULL) {
        cause_set(cause, "%s: not a folder of a recorded deployment", dir);
        return NULL;
    }
    while ((de = readdir(d)) != NULL) {
        if (str_has_suffix(de->d_name, ".fa.yaml")) {
            n++;
            free(found);
            found = path_join(dir, de->d_name);
        }
    }
    closedir(d);
    if (n != 1) {
        free(found);
        cause_set(cause, "%s: expected exactly one *.fa.yaml scenario, found %d", dir, n);
        return NULL;
    }
    return found;
}

static char *
resolve_image(const char *dir, const char *rel, char **cause)
{
    if (str_has_prefix(rel, "$FACEAUDIT_MODELS/")) {
        char *m = models_dir(), *p = path_join(m, rel + strlen("$FACEAUDIT_MODELS/"));

        free(m);
        return p;
    }
    return ds_resolve_path(dir, rel, cause);
}

static void
events_free(struct event *ev, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(ev[i].time);
        free(ev[i].device);
        free(ev[i].image);
        free(ev[i].subject);
    }
    free(ev);
}

/* Read and check events.csv; returns the events or NULL with *cause. */
static struct event *
events_read(const char *dir, const struct scenario *sc, size_t *nev, char **cause)
{
    char *path = path_join(dir, "events.csv"), *why = NULL;
    struct ds_table *t = ds_table_read(path, REPLAY_MAX_EVENTS, 64u << 20, cause);
    int c_time, c_dev, c_img, c_face, c_subj, c_age, c_cons;
    struct event *ev;
    size_t i;

    if (t == NULL) {
        free(path);
        return NULL;
    }
    c_time = ds_table_column(t, "time");
    c_dev = ds_table_column(t, "device");
    c_img = ds_table_column(t, "image");
    c_cons = ds_table_column(t, "consent");
    c_face = ds_table_column(t, "face");
    c_subj = ds_table_column(t, "subject");
    c_age = ds_table_column(t, "age_band");
    if (c_time < 0 || c_dev < 0 || c_img < 0 || c_cons < 0) {
        cause_set(cause, "%s:1: the header needs the columns time, device, image and consent",
            path);
        free(path);
        ds_table_free(t);
        return NULL;
    }
    if (t->nrows == 0) {
        cause_set(cause, "%s: no events", path);
        free(path);
        ds_table_free(t);
        return NULL;
    }
    ev = xcalloc(t->nrows, sizeof *ev);
    for (i = 0; i < t->nrows; i++) {
        char **row = t->rows[i];
        const char *time = row[c_time];
        fa_date d;
        int k;

        ev[i].line = t->lines[i];
        snprintf(ev[i].date, sizeof ev[i].date, "%.10s", time);
        if (date_parse(ev[i].date, &d, &why) == -1 || (time[10] != '\0' && time[10] != 'T')) {
            cause_set(cause, "%s:%u: column 'time': %s", path, ev[i].line,
                why != NULL ? why : "expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]");
            goto fail;
        }
        if (i > 0 && strcmp(time, ev[i - 1].time) < 0) {
            cause_set(cause, "%s:%u: column 'time': %s is earlier than the event before "
                "(events must be in time order)", path, ev[i].line, time);
            goto fail;
        }
        ev[i].time = xstrdup(time);
        ev[i].device = xstrdup(row[c_dev]);
        if (scenario_find(sc, SCENARIO_DEVICE, ev[i].device) == NULL) {
            cause_set(cause, "%s:%u: column 'device': no device '%s' in %s", path, ev[i].line,
                ev[i].device, scenario_path(sc));
            goto fail;
        }
        if (*row[c_img] == '\0') {
            cause_set(cause, "%s:%u: column 'image' is empty", path, ev[i].line);
            goto fail;
        }
        if ((ev[i].image = resolve_image(dir, row[c_img], &why)) == NULL) {
            cause_set(cause, "%s:%u: column 'image': %s", path, ev[i].line, why);
            goto fail;
        }
        ev[i].face = 0;
        if (c_face >= 0 && strcmp(row[c_face], "crop") == 0)
            ev[i].face = -1;
        else if (c_face >= 0 && *row[c_face] != '\0') {
            char *end;
            long f = strtol(row[c_face], &end, 10);

            if (*end != '\0' || f < 0 || f > 1000) {
                cause_set(cause, "%s:%u: column 'face': '%s' is not a face number (0 = largest) "
                    "or 'crop'", path, ev[i].line, row[c_face]);
                goto fail;
            }
            ev[i].face = (int)f;
        }
        ev[i].subject = xstrdup(c_subj >= 0 ? row[c_subj] : "");
        ev[i].minor = c_age >= 0 && ds_age_is_minor(row[c_age]);
        for (k = 0; consent_names[k] != NULL; k++) {
            if (strcmp(consent_names[k], row[c_cons]) == 0)
                break;
        }
        if (consent_names[k] == NULL) {
            const char *hint = str_suggest(row[c_cons], consent_names);

            cause_set(cause, "%s:%u: column 'consent': '%s' is not given, guardian, refused or "
                "none%s%s%s", path, ev[i].line, row[c_cons], hint ? " (did you mean '" : "",
                hint ? hint : "", hint ? "'?)" : "");
            goto fail;
        }
        ev[i].consent = (enum consent)k;
    }
    *nev = t->nrows;
    free(path);
    ds_table_free(t);
    return ev;
fail:
    free(why);
    events_free(ev, t->nrows);
    free(path);
    ds_table_free(t);
    return NULL;
}

static struct image_faces *
faces_of(struct hash *cache, struct face_pipeline *pl, const char *path, bool crop,
    struct replay_stats *st)
{
    char *key = xasprintf("%c%s", crop ? 'c' : 'd', path);
    struct image_faces *f = hash_get(cache, key);
    struct image *img;

    if (f != NULL) {
        free(key);
        return f;
    }
    f = xcalloc(1, sizeof *f);
    if ((img = image_load(path, NULL, &f->error)) != NULL) {
        if (crop) {
            f->faces = xcalloc(1, sizeof *f->faces);
            if (face_pipeline_run_cropped(pl, img, f->faces, &f->error) == 0)
                f->n = 1;
        } else if (face_pipeline_run(pl, img, FACE_STAGE_DESCRIPTOR, &f->faces, &f->n,
                &f->error) == 0 && f->n > 1)
            qsort(f->faces, f->n, sizeof *f->faces, cmp_area);
        image_free(img);
    }
    st->images++;
    hash_put(cache, key, f);
    free(key);
    return f;
}

int
replay_run(const char *dir, const struct replay_opts *opts, const struct calendar *cal,
    struct scenario **scp, struct sim_result **resp, struct replay_stats *st, char **cause)
{
    struct face_models *models = NULL;
    struct face_models_opts fmo;
    struct face_pipeline *pl = NULL;
    struct scenario *sc = NULL;
    struct sim_result *res = NULL;
    struct event *ev = NULL;
    struct hash cache, enrolled; /* image -> faces; subject -> gallery row + 1 */
    float *gallery = NULL, threshold;
    char **labels = NULL;
    size_t nev = 0, ng = 0, cap = 0, i;
    char *path;
    fa_date first, last;
    int rc = -1;

    memset(st, 0, sizeof *st);
    hash_init(&cache, image_faces_free);
    hash_init(&enrolled, NULL);
    threshold = opts->threshold > 0 ? opts->threshold : FACE_MATCH_THRESHOLD;
    if ((path = find_scenario(dir, cause)) == NULL)
        goto out;
    sc = scenario_load(path, 0, cause);
    free(path);
    if (sc == NULL)
        goto out;
    path = path_join(dir, "events.csv");
    if (!fs_exists(path) && opts->first != FA_DATE_NONE)
        nev = 0; /* footage only */
    else if ((ev = events_read(dir, sc, &nev, cause)) == NULL) {
        free(path);
        goto out;
    }
    free(path);
    memset(&fmo, 0, sizeof fmo);
    fmo.detector = (enum detector_kind)opts->detector;
    if (nev > 0 && ((models = face_models_load(opts->models_dir, &fmo, cause)) == NULL ||
        (pl = face_pipeline_new(models, cause)) == NULL))
        goto out;

    res = xcalloc(1, sizeof *res);
    if (sim_params_from_scenario(sc, &res->params, cause) == -1)
        goto out;
    first = opts->first;
    last = opts->last;
    if (nev > 0) {
        fa_date d0, d1;

        date_parse(ev[0].date, &d0, NULL);
        date_parse(ev[nev - 1].date, &d1, NULL);
        if (first == FA_DATE_NONE || d0 < first)
            first = d0;
        if (last == FA_DATE_NONE || d1 > last)
            last = d1;
    }
    res->params.start = first;
    res->params.days = (int)(last - first + 1);
    res->params.initial_stored = 0;
    if (res->params.days > SIM_MAX_DAYS) {
        cause_set(cause, "%s/events.csv: events span %d days, more than %d", dir,
            res->params.days, SIM_MAX_DAYS);
        goto out;
    }
    res->days = xcalloc((size_t)res->params.days, sizeof *res->days);
    for (i = 0; i < (size_t)res->params.days; i++)
        res->days[i].date = first + (fa_date)i;

    for (i = 0; i < nev; i++) {
        struct event *e = &ev[i];
        struct image_faces *f;
        const struct face_result *face;
        struct sim_day *day;
        fa_date d;
        bool known = *e->subject != '\0', is_enrolled, may_enrol;
        struct match_hit hit = { SIZE_MAX, INFINITY };

        date_parse(e->date, &d, NULL);
        day = &res->days[d - first];
        day->arrivals++;
        st->events++;
        if (e->consent == CONSENT_REFUSED) {
            st->refused++;
            day->refusals++;
            if (res->params.alternative)
                day->refusals_served++;
            else
                day->refusals_unserved++;
            continue;
        }
        st->processed++;
        if (e->minor) {
            st->minors++;
            day->minors++;
            if (e->consent != CONSENT_GUARDIAN) {
                st->minors_no_consent++;
                day->minors_no_consent++;
            }
        }
        f = faces_of(&cache, pl, e->image, e->face < 0, st);
        if (f->error != NULL && f->n == 0) {
            cause_set(cause, "%s/events.csv:%u: %s", dir, e->line, f->error);
            goto out;
        }
        if (e->face < 0)
            e->face = 0;
        if ((size_t)e->face >= f->n || !f->faces[e->face].has_descriptor) {
            st->no_face++; /* a failure to acquire: the person needs the alternative */
            if (res->params.alternative)
                day->refusals_served++;
            else
                day->refusals_unserved++;
            continue;
        }
        face = &f->faces[e->face];
        if (ng > 0) {
            struct match_gallery *g = match_gallery_new(gallery, ng, FACE_DESCRIPTOR_DIM, true);
            struct match_opts mo = { .metric = MATCH_EUCLIDEAN, .k = 1, .threads = 1 };

            match_search(g, face->descriptor, 1, &mo, &hit);
            match_gallery_free(g);
        }
        is_enrolled = known && hash_contains(&enrolled, e->subject);
        if (known && is_enrolled) {
            st->genuine++;
            if (hit.distance < threshold && strcmp(labels[hit.index], e->subject) == 0)
                st->rank1_correct++;
            else {
                st->false_non_matches++;
                day->false_non_matches++;
                if (res->params.alternative)
                    day->refusals_served++;
                else
                    day->refusals_unserved++;
            }
            if (hit.distance < threshold && strcmp(labels[hit.index], e->subject) != 0) {
                st->false_matches++;
                day->false_matches++;
            }
            continue;
        }
        if (hit.distance < threshold) {
            /* Taken for the person of the matched template, so not enrolled. With a
             * known subject this is a false match; without one it counts as a
             * returning visitor (the truth is unknown). */
            if (known) {
                st->impostor++;
                st->false_matches++;
                day->false_matches++;
            }
            continue;
        }
        if (known)
            st->impostor++; /* a correct rejection of someone not enrolled */
        may_enrol = res->params.enrol == SIM_ENROL_ALL ||
            (res->params.enrol == SIM_ENROL_CONSENTED &&
             (e->consent == CONSENT_GIVEN || e->consent == CONSENT_GUARDIAN) &&
             (!e->minor || e->consent == CONSENT_GUARDIAN));
        if (!may_enrol)
            continue;
        if (ng == cap) {
            cap = cap == 0 ? 64 : cap * 2;
            gallery = xreallocarray(gallery, cap, FACE_DESCRIPTOR_DIM * sizeof *gallery);
            labels = xreallocarray(labels, cap, sizeof *labels);
        }
        memcpy(gallery + ng * FACE_DESCRIPTOR_DIM, face->descriptor,
            FACE_DESCRIPTOR_DIM * sizeof *gallery);
        labels[ng] = known ? xstrdup(e->subject) : xasprintf("person-%zu", ng + 1);
        if (known)
            hash_put(&enrolled, e->subject, (void *)(uintptr_t)(ng + 1));
        ng++;
        day->enrolments++;
        day->new_people++;
        if (e->minor)
            st->enrolled_minors++;
    }
    /* Nothing is purged in a replay of a few days; the stored count is the gallery's. */
    {
        int64_t stored = 0;

        for (i = 0; i < (size_t)res->params.days; i++) {
            stored += res->days[i].enrolments;
            res->days[i].stored = stored;
        }
    }
    sim_result_finish(res, cal);
    rc = 0;
out:
    for (i = 0; i < ng; i++)
        free(labels[i]);
    free(labels);
    free(gallery);
    hash_done(&enrolled);
    hash_done(&cache);
    if (ev != NULL)
        events_free(ev, nev);
    face_pipeline_free(pl);
    face_models_free(models);
    if (rc == -1) {
        sim_result_free(res);
        scenario_free(sc);
        res = NULL;
        sc = NULL;
    }
    *scp = sc;
    *resp = res;
    return rc;
}
