/* SPDX-License-Identifier: MIT */
/*
 * sim_footage_ckpt.c - a device-day of footage (struct footage_day) to and
 * from JSON, the form its checkpoint takes in the store while a replay is
 * unfinished (store_footage.h). Every field is written, doubles with 17
 * significant digits, so a resumed replay prints exactly what an
 * uninterrupted one does. Only aggregates: nothing of a face. With the day,
 * the identity of its recordings, compared on resume.
 */
#include "config.h"

#include "sim_footage_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/json.h"
#include "faceaudit/jsonw.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

char *
footage_day_encode(const struct footage_day *d, const char *sources)
{
    struct strbuf sb;
    struct jw w;
    char date[11];
    int k;

    strbuf_init(&sb);
    jw_init(&w, &sb, JW_SPACED);
    jw_object(&w, JW_INLINE);
    date_format(d->date, date);
    jw_kstr(&w, "device", d->device);
    jw_kstr(&w, "date", date);
    jw_kint(&w, "recordings", d->recordings);
    jw_kstr(&w, "files", d->files);
    jw_kdouble(&w, "seconds", d->seconds, 17);
    jw_kint(&w, "frames", d->frames);
    jw_kint(&w, "tracks", d->tracks);
    jw_kint(&w, "people", d->people);
    jw_kbool(&w, "has_area", d->has_area);
    jw_kint(&w, "tracks_outside", d->tracks_outside);
    jw_kint(&w, "tracks_wholly_outside", d->tracks_wholly_outside);
    jw_key(&w, "examples");
    jw_array(&w, JW_INLINE);
    for (k = 0; k < d->nexamples && k < FOOTAGE_EXAMPLES; k++)
        jw_str(&w, d->examples[k]);
    jw_array_end(&w);
    jw_kint(&w, "max_in_view", d->max_in_view);
    jw_kdouble(&w, "seconds_multi", d->seconds_multi, 17);
    jw_kint(&w, "tracks_with_others", d->tracks_with_others);
    jw_kstr(&w, "damage", d->damage);
    jw_kint(&w, "aged", d->aged);
    jw_kdouble(&w, "under14_share", d->under14_share, 17);
    jw_kdouble(&w, "under14_lo", d->under14_lo, 17);
    jw_kdouble(&w, "under14_hi", d->under14_hi, 17);
    jw_kstr(&w, "sources", sources);
    jw_object_end(&w);
    return strbuf_detach(&sb);
}

static const struct json *
member(const struct json *o, const char *key, enum json_type t)
{
    const struct json *v = json_get(o, key);

    return v != NULL && v->type == t ? v : NULL;
}

/* A number member, or NaN for null (a NaN was written), -1 when neither. */
static int
num(const struct json *o, const char *key, double *out)
{
    const struct json *v = json_get(o, key);

    if (v == NULL)
        return -1;
    if (v->type == JSON_NULL) {
        *out = NAN;
        return 0;
    }
    if (v->type != JSON_NUMBER)
        return -1;
    *out = v->num;
    return 0;
}

int
footage_day_decode(const char *text, struct footage_day *d, char **sources)
{
    struct json *j = json_parse(text, strlen(text), "checkpoint", NULL);
    const struct json *dev, *date, *files, *ex, *dmg, *b, *src;
    double v[13];
    static const char *const keys[] = { "recordings", "seconds", "frames", "tracks", "people",
        "tracks_outside", "tracks_wholly_outside", "max_in_view", "seconds_multi",
        "tracks_with_others", "aged", "under14_share", "under14_lo" };
    double hi;
    size_t i;

    memset(d, 0, sizeof *d);
    *sources = NULL;
    if (j == NULL || j->type != JSON_OBJECT)
        goto bad;
    dev = member(j, "device", JSON_STRING);
    date = member(j, "date", JSON_STRING);
    files = member(j, "files", JSON_STRING);
    ex = member(j, "examples", JSON_ARRAY);
    b = member(j, "has_area", JSON_BOOL);
    dmg = json_get(j, "damage");
    if (dev == NULL || date == NULL || files == NULL || ex == NULL || b == NULL ||
        dmg == NULL || (dmg->type != JSON_NULL && dmg->type != JSON_STRING) ||
        ex->n > FOOTAGE_EXAMPLES || date_parse(date->str, &d->date, NULL) == -1 ||
        num(j, "under14_hi", &hi) == -1)
        goto bad;
    for (i = 0; i < sizeof keys / sizeof *keys; i++) {
        if (num(j, keys[i], &v[i]) == -1)
            goto bad;
    }
    for (i = 0; i < ex->n; i++) {
        if (ex->items[i]->type != JSON_STRING ||
            strlen(ex->items[i]->str) >= sizeof d->examples[0])
            goto bad;
        snprintf(d->examples[i], sizeof d->examples[i], "%s", ex->items[i]->str);
    }
    d->nexamples = (int)ex->n;
    d->device = xstrdup(dev->str);
    d->files = xstrdup(files->str);
    d->damage = dmg->type == JSON_STRING ? xstrdup(dmg->str) : NULL;
    d->has_area = b->b;
    d->recordings = (int)v[0];
    d->seconds = v[1];
    d->frames = (int64_t)v[2];
    d->tracks = (int64_t)v[3];
    d->people = (int64_t)v[4];
    d->tracks_outside = (int64_t)v[5];
    d->tracks_wholly_outside = (int64_t)v[6];
    d->max_in_view = (int)v[7];
    d->seconds_multi = v[8];
    d->tracks_with_others = (int64_t)v[9];
    d->aged = (int)v[10];
    d->under14_share = v[11];
    d->under14_lo = v[12];
    d->under14_hi = hi;
    if ((src = member(j, "sources", JSON_STRING)) != NULL)
        *sources = xstrdup(src->str);
    json_free(j);
    return 0;
bad:
    json_free(j);
    return -1;
}

/* A day's recordings as its checkpoint keeps them: "NAME\tSIZE\tMTIME\tSHA256\n" each. */
char *
footage_day_sources(const struct footage_rec *recs, const size_t *idx, size_t nidx)
{
    struct strbuf sb;
    size_t k;

    strbuf_init(&sb);
    for (k = 0; k < nidx; k++) {
        const struct footage_rec *r = &recs[idx[k]];

        strbuf_printf(&sb, "%s\t%lld\t%lld\t%s\n", r->name, (long long)r->size,
            (long long)r->mtime_ns, r->sha256);
    }
    return strbuf_detach(&sb);
}

/*
 * What changed between a checkpoint's sources and now: "NAME changed since
 * its checkpoint (size, modification time, SHA-256)" for the first
 * recording that differs, or NULL when none does.
 */
char *
footage_day_changes(const char *was, const struct footage_rec *recs, const size_t *idx, size_t nidx)
{
    const char *p = was != NULL ? was : "";
    size_t k;

    for (k = 0; k < nidx; k++) {
        const struct footage_rec *r = &recs[idx[k]];
        const char *nl = strchr(p, '\n');
        char name[FOOTAGE_MAX_FIELD + 1], sha[SHA256_HEX_LEN + 1];
        long long size = -1, mt = -1;
        struct strbuf why;
        char *line;
        int n = 0;

        line = nl != NULL ? xstrndup(p, (size_t)(nl - p)) : xstrdup("");
        p = nl != NULL ? nl + 1 : p + strlen(p);
        name[0] = sha[0] = '\0';
        /* the name may hold spaces, never a tab */
        if (sscanf(line, "%1024[^\t]\t%lld\t%lld\t%64[0-9a-f]%n", name, &size, &mt, sha, &n) !=
            4 || strcmp(name, r->name) != 0) {
            free(line);
            return xasprintf("%s changed since its checkpoint (not in it)", r->name);
        }
        free(line);
        strbuf_init(&why);
        if (size != r->size)
            strbuf_printf(&why, "size");
        if (mt != r->mtime_ns)
            strbuf_printf(&why, "%smodification time", why.len > 0 ? ", " : "");
        if (strcmp(sha, r->sha256) != 0)
            strbuf_printf(&why, "%sSHA-256", why.len > 0 ? ", " : "");
        if (why.len > 0) {
            char *msg = xasprintf("%s changed since its checkpoint (%s)", r->name,
                strbuf_str(&why));

            strbuf_done(&why);
            return msg;
        }
        strbuf_done(&why);
    }
    return NULL;
}
