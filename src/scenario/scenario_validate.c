/* SPDX-License-Identifier: MIT */
/*
 * scenario_validate.c - cross-checks of a loaded scenario that no single
 * value can fail on its own: references to evidence that is not listed,
 * dates after the as-of date, contradictions between facts, and gaps that
 * make a deadline impossible to compute. Errors are contradictions (the
 * audit would rest on impossible facts); warnings are gaps or oddities.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/scenario.h"
#include "faceaudit/xmalloc.h"
#include "scenario_int.h"

struct vctx {
    const struct scenario *sc;
    struct scenario_problem **out;
    size_t *n;
    size_t errors;
    struct pkey *keys;  /* sort keys of the problems appended by this run */
    size_t nkeys;
};

/* Problems are reported in file order: (file, line, column, discovery). */
struct pkey {
    const char *file;
    unsigned line, col;
    size_t seq;
    struct scenario_problem p;
};

static int
pkey_cmp(const void *a, const void *b)
{
    const struct pkey *x = a, *y = b;
    int c = strcmp(x->file != NULL ? x->file : "", y->file != NULL ? y->file : "");

    if (c != 0)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
problem(struct vctx *v, enum scenario_problem_level level, struct scenario_loc loc,
    const char *fmt, ...) FA_PRINTF(4, 5);

static void
problem(struct vctx *v, enum scenario_problem_level level, struct scenario_loc loc,
    const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    *v->out = xreallocarray(*v->out, *v->n + 1, sizeof **v->out);
    (*v->out)[*v->n].level = level;
    if (loc.line > 0)
        (*v->out)[*v->n].message = xasprintf("%s:%u:%u: %s", loc.file, loc.line, loc.col, msg);
    else
        (*v->out)[*v->n].message = xasprintf("%s: %s", scenario_path(v->sc), msg);
    v->keys = xreallocarray(v->keys, v->nkeys + 1, sizeof *v->keys);
    v->keys[v->nkeys].file = loc.line > 0 ? loc.file : NULL;
    v->keys[v->nkeys].line = loc.line;
    v->keys[v->nkeys].col = loc.col;
    v->keys[v->nkeys].seq = v->nkeys;
    v->keys[v->nkeys].p = (*v->out)[*v->n];
    v->nkeys++;
    (*v->n)++;
    if (level == SCENARIO_ERROR)
        v->errors++;
    free(msg);
}

/* Fetch a deployment-level fact by path (the path must exist). */
static void
dep(const struct scenario *sc, const char *path, struct fact_value *out)
{
    if (scenario_get(scenario_deployment(sc), path, out, NULL) < 0)
        out->state = FACT_ABSENT;
}

static bool
is_true(const struct fact_value *v)
{
    return v->state == FACT_KNOWN && v->v.b;
}

static bool
is_false(const struct fact_value *v)
{
    return v->state == FACT_KNOWN && !v->v.b;
}

/*
 * " (PATH at FILE:LINE:COL)": where the other fact of a contradiction is
 * written, so that both are named; "" when it has no position. Caller frees.
 */
static char *
other(const struct fact_value *v, const char *path)
{
    if (v->loc.line == 0 || v->loc.file == NULL)
        return xstrdup("");
    return xasprintf(" (%s at %s:%u:%u)", path, v->loc.file, v->loc.line, v->loc.col);
}

/* Evidence references that name no evidence entity. */
static void
check_evidence_refs(struct vctx *v)
{
    size_t i, j, first, nf;
    int k;

    for (k = 0; k < SCENARIO_KIND_COUNT; k++) {
        scenario_kind_facts((enum scenario_kind)k, &first, &nf); /* the kind's facts only */
        for (i = 0; i < scenario_count(v->sc, (enum scenario_kind)k); i++) {
            const struct scenario_entity *e = scenario_entity_at(v->sc, (enum scenario_kind)k, i);

            for (j = first; j < first + nf; j++) {
                const struct fact_def *d = scenario_fact_at(j);
                const struct fact_slot *s;

                if ((int)d->kind != k || !(d->flags & FACT_F_EVIDENCE))
                    continue;
                s = scenario_slot(e, d);
                if (s->state == FACT_KNOWN && scenario_find(v->sc, SCENARIO_EVIDENCE,
                    s->v.s) == NULL)
                    problem(v, SCENARIO_ERROR, scenario_loc_abs(e, s->loc), "%s: no evidence "
                        "with id '%s' (list it under evidence:)", d->path, s->v.s);
            }
        }
    }
}

/* Dates after the as-of date (except those that may lie ahead). */
static void
check_dates(struct vctx *v)
{
    struct fact_value asof;
    size_t i, j, first, nf;
    char d1[11], d2[11];
    int k;

    dep(v->sc, "as_of", &asof);
    if (asof.state != FACT_KNOWN) {
        problem(v, SCENARIO_WARNING, asof.loc, "as_of is not given: the audit date comes from "
            "--as-of or today");
        return;
    }
    date_format(asof.v.date, d2);
    for (k = 0; k < SCENARIO_KIND_COUNT; k++) {
        scenario_kind_facts((enum scenario_kind)k, &first, &nf); /* the kind's facts only */
        for (i = 0; i < scenario_count(v->sc, (enum scenario_kind)k); i++) {
            const struct scenario_entity *e = scenario_entity_at(v->sc, (enum scenario_kind)k, i);

            for (j = first; j < first + nf; j++) {
                const struct fact_def *d = scenario_fact_at(j);
                const struct fact_slot *s;

                if ((int)d->kind != k || d->type != FACT_DATE ||
                    (d->flags & FACT_F_FUTURE_OK) || strcmp(d->path, "as_of") == 0)
                    continue;
                s = scenario_slot(e, d);
                if (s->state != FACT_KNOWN || s->v.date <= asof.v.date)
                    continue;
                date_format(s->v.date, d1);
                if (strcmp(d->path, "processing_start") == 0)
                    problem(v, SCENARIO_WARNING, scenario_loc_abs(e, s->loc), "processing_start "
                        "%s is after as_of %s: the deployment has not started", d1, d2);
                else
                    problem(v, SCENARIO_ERROR, scenario_loc_abs(e, s->loc), "%s %s is after "
                        "as_of %s (facts describe the deployment on the as-of date)", d->path, d1,
                        d2);
            }
        }
    }
}

/* A boolean that says "no" while a dependent date or list says "yes". */
static void
check_flag_vs_detail(struct vctx *v, const char *flag, const char *detail)
{
    struct fact_value f, d;

    dep(v->sc, flag, &f);
    dep(v->sc, detail, &d);
    if (is_false(&f) && d.state == FACT_KNOWN &&
        !(d.def->type == FACT_SET && d.v.set == 0)) {
        char *o = other(&f, flag);

        problem(v, SCENARIO_ERROR, d.loc, "%s is given but %s is false%s", detail, flag, o);
        free(o);
    }
}

/* A boolean that says "yes" without the date that goes with it. */
static void
check_flag_needs(struct vctx *v, const char *flag, const char *detail, const char *why)
{
    struct fact_value f, d;

    dep(v->sc, flag, &f);
    dep(v->sc, detail, &d);
    if (is_true(&f) && d.state != FACT_KNOWN)
        problem(v, SCENARIO_WARNING, f.loc, "%s is true but %s is not given (%s)", flag, detail,
            why);
}

static void
check_order(struct vctx *v, const struct scenario_entity *e, const char *early, const char *late)
{
    struct fact_value a, b;
    char d1[11], d2[11];

    if (scenario_get(e, early, &a, NULL) < 0 || scenario_get(e, late, &b, NULL) < 0)
        return;
    if (a.state == FACT_KNOWN && b.state == FACT_KNOWN && b.v.date < a.v.date) {
        char *o = other(&a, early);

        date_format(a.v.date, d1);
        date_format(b.v.date, d2);
        problem(v, SCENARIO_ERROR, b.loc, "%s %s is before %s %s%s", late, d2, early, d1, o);
        free(o);
    }
}

static void
check_storage(struct vctx *v)
{
    struct fact_value on_dev, loc, count, reached, count0;
    char d[11];

    dep(v->sc, "storage.on_device", &on_dev);
    dep(v->sc, "storage.location", &loc);
    if (on_dev.state == FACT_KNOWN && loc.state == FACT_KNOWN &&
        on_dev.v.b != (strcmp(loc.def->values[loc.v.e], "on_device") == 0)) {
        char *o = other(&on_dev, "storage.on_device");

        problem(v, SCENARIO_ERROR, loc.loc, "storage.location %s contradicts storage.on_device "
            "%s%s", loc.def->values[loc.v.e], on_dev.v.b ? "true" : "false", o);
        free(o);
    }

    dep(v->sc, "storage.stored_persons", &count);
    dep(v->sc, "storage.reached_100k_date", &reached);
    dep(v->sc, "storage.count_on_2025_06_01", &count0);
    if (reached.state == FACT_KNOWN && count.state != FACT_KNOWN && count0.state != FACT_KNOWN)
        problem(v, SCENARIO_WARNING, reached.loc, "storage.reached_100k_date is given without "
            "storage.stored_persons (how many are stored?)");
    if (count.state == FACT_KNOWN && count.v.i >= 100000 && reached.state != FACT_KNOWN)
        problem(v, SCENARIO_WARNING, count.loc, "storage.stored_persons is %lld (at least "
            "100,000) but storage.reached_100k_date is not given: the Art. 15 filing deadline "
            "cannot be computed", (long long)count.v.i);
    if (count0.state == FACT_KNOWN && reached.state == FACT_KNOWN) {
        fa_date june1 = date_from_ymd(2025, 6, 1);
        char *o = other(&count0, "storage.count_on_2025_06_01");

        date_format(reached.v.date, d);
        if (count0.v.i >= 100000 && reached.v.date > june1)
            problem(v, SCENARIO_ERROR, reached.loc, "storage.reached_100k_date %s is after "
                "2025-06-01, yet storage.count_on_2025_06_01 is %lld (already at least "
                "100,000)%s", d, (long long)count0.v.i, o);
        if (count0.v.i < 100000 && reached.v.date <= june1)
            problem(v, SCENARIO_ERROR, reached.loc, "storage.reached_100k_date %s is not after "
                "2025-06-01, yet storage.count_on_2025_06_01 is only %lld%s", d,
                (long long)count0.v.i, o);
        free(o);
    }
    {
        struct fact_value start;

        /*
         * a count on 2025-06-01 for a deployment that went live later: a
         * warning, not an error, since templates may have been imported
         * before go-live (rules/tests/compliant.fa.yaml does this)
         */
        dep(v->sc, "processing_start", &start);
        if (count0.state == FACT_KNOWN && count0.v.i > 0 && start.state == FACT_KNOWN &&
            start.v.date > date_from_ymd(2025, 6, 1)) {
            char *o = other(&start, "processing_start");

            date_format(start.v.date, d);
            problem(v, SCENARIO_WARNING, count0.loc, "storage.count_on_2025_06_01 is %lld, "
                "but processing_start is %s: who was stored before go-live?%s",
                (long long)count0.v.i, d, o);
            free(o);
        }
    }
}

static void
check_filing(struct vctx *v)
{
    const struct scenario_entity *d = scenario_deployment(v->sc);
    size_t i;

    check_flag_vs_detail(v, "filing.filed", "filing.date");
    check_flag_needs(v, "filing.filed", "filing.date", "the filing deadline cannot be checked");
    check_flag_vs_detail(v, "filing.cessation_filed", "filing.cessation_filed_date");
    check_flag_needs(v, "filing.cessation_filed", "filing.cessation_date",
        "when did face recognition stop?");
    check_flag_needs(v, "filing.cessation_filed", "filing.cessation_filed_date",
        "the cancellation deadline cannot be checked");
    check_order(v, d, "filing.cessation_date", "filing.cessation_filed_date");
    check_order(v, d, "processing_start", "filing.cessation_date");
    for (i = 0; i < scenario_count(v->sc, SCENARIO_FILING_CHANGE); i++) {
        const struct scenario_entity *c = scenario_entity_at(v->sc, SCENARIO_FILING_CHANGE, i);
        struct fact_value filed, fdate, date;

        scenario_get(c, "filed", &filed, NULL);
        scenario_get(c, "filed_date", &fdate, NULL);
        scenario_get(c, "date", &date, NULL);
        if (date.state != FACT_KNOWN)
            problem(v, SCENARIO_WARNING, scenario_entity_loc(c), "filing change '%s' has no "
                "date: its 30-working-day deadline cannot be computed", scenario_entity_id(c));
        if (is_false(&filed) && fdate.state == FACT_KNOWN) {
            char *o = other(&filed, "filed");

            problem(v, SCENARIO_ERROR, fdate.loc, "filing change '%s': filed_date is given but "
                "filed is false%s", scenario_entity_id(c), o);
            free(o);
        }
        check_order(v, c, "date", "filed_date");
    }
}

static void
check_assessment(struct vctx *v)
{
    const struct scenario_entity *d = scenario_deployment(v->sc);
    struct fact_value done, date, start, before;

    check_flag_vs_detail(v, "impact_assessment.done", "impact_assessment.date");
    check_flag_vs_detail(v, "impact_assessment.purpose_or_method_changed",
        "impact_assessment.change_date");
    check_flag_vs_detail(v, "impact_assessment.major_incident", "impact_assessment.incident_date");
    check_flag_vs_detail(v, "impact_assessment.done", "impact_assessment.contents");
    check_flag_vs_detail(v, "impact_assessment.redone", "impact_assessment.redone_date");
    check_order(v, d, "impact_assessment.date", "impact_assessment.redone_date");
    check_order(v, d, "impact_assessment.date", "impact_assessment.kept_until");
    dep(v->sc, "impact_assessment.done", &done);
    dep(v->sc, "impact_assessment.date", &date);
    dep(v->sc, "processing_start", &start);
    dep(v->sc, "impact_assessment.before_processing", &before);
    if (date.state == FACT_KNOWN && start.state == FACT_KNOWN && before.state == FACT_KNOWN &&
        before.v.b != (date.v.date <= start.v.date)) {
        char *o1 = other(&date, "impact_assessment.date"), *o2 = other(&start,
            "processing_start");
        char d1[11], d2[11];

        date_format(date.v.date, d1);
        date_format(start.v.date, d2);
        problem(v, SCENARIO_ERROR, before.loc, "impact_assessment.before_processing is %s but "
            "the assessment date %s is %s processing_start %s%s%s", before.v.b ? "true" : "false",
            d1, date.v.date <= start.v.date ? "not after" : "after", d2, o1, o2);
        free(o1);
        free(o2);
    }
    (void)done;
}

static void
check_notice(struct vctx *v)
{
    check_flag_vs_detail(v, "notice.changed", "notice.change_date");
    check_flag_needs(v, "notice.changed", "notice.change_date",
        "when did the notified items change?");
}

/* Evidence that cannot be verified. */
static void
check_evidence_entries(struct vctx *v)
{
    size_t i;

    for (i = 0; i < scenario_count(v->sc, SCENARIO_EVIDENCE); i++) {
        const struct scenario_entity *e = scenario_entity_at(v->sc, SCENARIO_EVIDENCE, i);
        struct fact_value file, sum;

        scenario_get(e, "file", &file, NULL);
        scenario_get(e, "sha256", &sum, NULL);
        if (file.state != FACT_KNOWN)
            problem(v, SCENARIO_ERROR, scenario_entity_loc(e), "evidence '%s' names no file",
                scenario_entity_id(e));
        else if (sum.state != FACT_KNOWN)
            problem(v, SCENARIO_WARNING, scenario_entity_loc(e), "evidence '%s' has no sha256: "
                "it cannot be verified (record it with sha256sum)", scenario_entity_id(e));
        else if (strlen(sum.v.s) != 64 || strspn(sum.v.s, "0123456789abcdefABCDEF") != 64)
            problem(v, SCENARIO_ERROR, sum.loc, "evidence '%s': sha256 must be 64 hex digits",
                scenario_entity_id(e));
    }
}

static void
check_consent_and_alternatives(struct vctx *v)
{
    struct fact_value only, refusal, methods, minors, guardian;

    dep(v->sc, "alternatives.fr_only_way", &only);
    dep(v->sc, "alternatives.offered_on_refusal", &refusal);
    dep(v->sc, "alternatives.methods", &methods);
    if (is_true(&only)) {
        char *o = other(&only, "alternatives.fr_only_way");

        if (is_true(&refusal))
            problem(v, SCENARIO_ERROR, refusal.loc, "alternatives.offered_on_refusal is true but "
                "alternatives.fr_only_way says face recognition is the only way%s", o);
        if (methods.state == FACT_KNOWN && methods.v.set != 0)
            problem(v, SCENARIO_ERROR, methods.loc, "alternatives.methods lists methods but "
                "alternatives.fr_only_way is true%s", o);
        free(o);
    }
    dep(v->sc, "minors.processes_under_14", &minors);
    dep(v->sc, "minors.guardian_consent", &guardian);
    if (is_false(&minors) && is_true(&guardian))
        problem(v, SCENARIO_WARNING, guardian.loc, "minors.guardian_consent is true although "
            "minors.processes_under_14 is false");
}

/* Ages against "no under-14s"; the share of under-14s is a share. */
static void
check_subjects(struct vctx *v)
{
    struct fact_value minors, age, share;
    char *o;

    dep(v->sc, "minors.processes_under_14", &minors);
    dep(v->sc, "subjects.min_age", &age);
    dep(v->sc, "subjects.share_under_14", &share);
    if (share.state == FACT_KNOWN && !(share.v.num >= 0.0 && share.v.num <= 1.0))
        problem(v, SCENARIO_ERROR, share.loc, "subjects.share_under_14: %g is not a share "
            "between 0 and 1", share.v.num);
    if (!is_false(&minors))
        return;
    o = other(&minors, "minors.processes_under_14");
    if (age.state == FACT_KNOWN && age.v.i < 14)
        problem(v, SCENARIO_ERROR, age.loc, "subjects.min_age is %lld, under 14, but "
            "minors.processes_under_14 is false%s", (long long)age.v.i, o);
    if (share.state == FACT_KNOWN && share.v.num > 0.0 && share.v.num <= 1.0)
        problem(v, SCENARIO_ERROR, share.loc, "subjects.share_under_14 is %g, but "
            "minors.processes_under_14 is false%s", share.v.num, o);
    free(o);
}

/*
 * Purposes written on a site, zone or device that the deployment does not
 * declare: the deployment's purposes are those of the whole processing.
 */
static void
check_scoped_purposes(struct vctx *v)
{
    static const enum scenario_kind kinds[] = { SCENARIO_SITE, SCENARIO_ZONE, SCENARIO_DEVICE };
    struct fact_value all;
    size_t k, i;

    dep(v->sc, "purposes", &all);
    if (all.state != FACT_KNOWN)
        return;
    for (k = 0; k < FA_NITEMS(kinds); k++) {
        const struct fact_def *def = scenario_fact_lookup(kinds[k], "purposes");

        for (i = 0; i < scenario_count(v->sc, kinds[k]); i++) {
            const struct scenario_entity *e = scenario_entity_at(v->sc, kinds[k], i);
            const struct fact_slot *s = scenario_slot(e, def);
            uint64_t extra;
            int b;
            char *o;

            if (s->state != FACT_KNOWN || (extra = s->v.set & ~all.v.set) == 0)
                continue;
            for (b = 0; (extra >> b & 1) == 0; b++)
                ;
            o = other(&all, "purposes");
            problem(v, SCENARIO_ERROR, scenario_loc_abs(e, s->loc), "%s '%s': purposes lists %s, which the "
                "deployment's purposes do not%s", scenario_kind_name(kinds[k]),
                scenario_entity_id(e), def->values[b], o);
            free(o);
        }
    }
}

static void
check_structure(struct vctx *v)
{
    const struct fact_def *place_def, *loc_def;
    size_t i;

    if (scenario_count(v->sc, SCENARIO_SITE) == 0)
        problem(v, SCENARIO_WARNING, scenario_entity_loc(scenario_deployment(v->sc)),
            "no sites: Art. 13 (places, signage, private spaces) cannot be assessed");
    for (i = 0; i < scenario_count(v->sc, SCENARIO_SITE); i++) {
        const struct scenario_entity *s = scenario_entity_at(v->sc, SCENARIO_SITE, i);

        if (scenario_child_count(s, SCENARIO_ZONE) == 0)
            problem(v, SCENARIO_WARNING, scenario_entity_loc(s), "site '%s' has no zones",
                scenario_entity_id(s));
    }
    for (i = 0; i < scenario_count(v->sc, SCENARIO_ZONE); i++) {
        const struct scenario_entity *z = scenario_entity_at(v->sc, SCENARIO_ZONE, i);

        if (scenario_child_count(z, SCENARIO_DEVICE) == 0)
            problem(v, SCENARIO_WARNING, scenario_entity_loc(z), "zone '%s' has no devices",
                scenario_entity_id(z));
    }
    /* the definitions once: a million devices */
    place_def = scenario_fact_lookup(SCENARIO_DEVICE, "place");
    loc_def = scenario_fact_lookup(SCENARIO_DEVICE, "location");
    for (i = 0; i < scenario_count(v->sc, SCENARIO_DEVICE); i++) {
        const struct scenario_entity *d = scenario_entity_at(v->sc, SCENARIO_DEVICE, i);
        struct fact_value place, loc;

        scenario_get_fact(d, place_def, &place);
        scenario_get_fact(d, loc_def, &loc);
        if (place.state == FACT_KNOWN && loc.state == FACT_KNOWN &&
            strcmp(place.def->values[place.v.e], "private_premises") == 0 &&
            (strcmp(loc.def->values[loc.v.e], "street") == 0 ||
             strcmp(loc.def->values[loc.v.e], "platform") == 0))
            problem(v, SCENARIO_WARNING, loc.loc, "device '%s': a %s on private premises? "
                "check place", scenario_entity_id(d), loc.def->values[loc.v.e]);
    }
}

size_t
scenario_validate(const struct scenario *sc, struct scenario_problem **out, size_t *n)
{
    struct vctx v = { sc, out, n, 0, NULL, 0 };
    size_t first = *n, i;

    check_structure(&v);
    check_evidence_refs(&v);
    check_evidence_entries(&v);
    check_notice(&v);
    check_dates(&v);
    check_storage(&v);
    check_filing(&v);
    check_assessment(&v);
    check_consent_and_alternatives(&v);
    check_subjects(&v);
    check_scoped_purposes(&v);
    if (v.nkeys > 1)
        qsort(v.keys, v.nkeys, sizeof *v.keys, pkey_cmp);
    for (i = 0; i < v.nkeys; i++)
        (*out)[first + i] = v.keys[i].p;
    free(v.keys);
    return v.errors;
}

void
scenario_problems_free(struct scenario_problem *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(p[i].message);
    free(p);
}
