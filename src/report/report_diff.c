/* SPDX-License-Identifier: MIT */
/*
 * report_diff.c - runs compared: snapshots (from a fresh result, a JSON
 * result file, or a stored run filled by the caller), a result against a
 * baseline (SARIF baselineState: new, unchanged, updated, absent), and the
 * diff of two runs ordered for a reader: new failures first, then fixed,
 * changed and unchanged, each by article, rule and entity. Findings are
 * matched on (rule id, entity).
 */
#include "config.h"

#include "faceaudit/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/json.h"
#include "report/report_int.h"

#include "faceaudit/fsutil.h"
#include "faceaudit/hash.h"
#include "faceaudit/jsonw.h"
#include "faceaudit/log.h"
#include "faceaudit/store_report.h"
#include "faceaudit/xmalloc.h"

/* --- snapshots ---------------------------------------------------------------- */

struct report_snapshot *
report_snapshot_new(const char *label, const char *scenario)
{
    struct report_snapshot *s = xcalloc(1, sizeof *s);

    s->label = xstrdup(label != NULL ? label : "?");
    s->scenario = xstrdup(scenario != NULL ? scenario : "?");
    s->as_of = xstrdup("-");
    s->grade = s->grade_no_waivers = '?';
    return s;
}

static char *
dup_or_null(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

void
report_snapshot_add(struct report_snapshot *s, const char *rule, const char *entity,
    int article, const char *clause, const char *severity, const char *outcome,
    const char *message)
{
    struct report_item *it;

    if ((s->n & (s->n - 1)) == 0)
        s->items = xreallocarray(s->items, s->n == 0 ? 1 : 2 * s->n, sizeof *s->items);
    it = &s->items[s->n++];
    it->rule = xstrdup(rule);
    it->entity = dup_or_null(entity);
    it->article = article;
    it->clause = xstrdup(clause != NULL ? clause : "");
    it->severity = xstrdup(severity != NULL ? severity : "");
    it->outcome = xstrdup(outcome);
    it->message = dup_or_null(message);
}

void
report_snapshot_free(struct report_snapshot *s)
{
    size_t i;

    if (s == NULL)
        return;
    for (i = 0; i < s->n; i++) {
        free(s->items[i].rule);
        free(s->items[i].entity);
        free(s->items[i].clause);
        free(s->items[i].severity);
        free(s->items[i].outcome);
        free(s->items[i].message);
    }
    free(s->items);
    free(s->label);
    free(s->scenario);
    free(s->as_of);
    free(s);
}

static const char *
jstring(const struct json *o, const char *key)
{
    const struct json *v = json_get(o, key);

    return v != NULL && v->type == JSON_STRING ? v->str : NULL;
}

static int
bad(char **cause, const char *name, const struct json *at, const char *what)
{
    cause_set(cause, "%s:%d:%d: not a faceaudit audit result: %s", name, at != NULL ? at->line :
        1, at != NULL ? at->col : 1, what);
    return -1;
}

struct report_snapshot *
report_snapshot_from_json(const char *text, size_t len, const char *name, char **cause)
{
    struct json *root = json_parse(text, len, name, cause);
    const struct json *sc, *score, *findings, *rules, *v, *groups, *ents;
    struct report_snapshot *s = NULL;
    struct hash clauses;
    size_t i, k;

    if (root == NULL)
        return NULL;
    if (root->type != JSON_OBJECT || jstring(root, "schema") == NULL ||
        strcmp(jstring(root, "schema"), "faceaudit-audit") != 0) {
        bad(cause, name, root, "\"schema\" is not \"faceaudit-audit\"");
        goto out;
    }
    if ((v = json_get(root, "version")) == NULL || v->type != JSON_NUMBER || v->num < 1 ||
        v->num > AUDIT_JSON_SCHEMA_VERSION) {
        bad(cause, name, v != NULL ? v : root, "unsupported \"version\"");
        goto out;
    }
    sc = json_get(root, "scenario");
    score = json_get(root, "score");
    findings = json_get(root, "findings");
    if (sc == NULL || sc->type != JSON_OBJECT || score == NULL || score->type != JSON_OBJECT ||
        findings == NULL || findings->type != JSON_ARRAY) {
        bad(cause, name, root, "missing \"scenario\", \"score\" or \"findings\"");
        goto out;
    }
    s = report_snapshot_new(name, jstring(sc, "id"));
    if (jstring(root, "as_of") != NULL) {
        free(s->as_of);
        s->as_of = xstrdup(jstring(root, "as_of"));
    }
    if ((v = json_get(score, "with_waivers")) != NULL && v->type == JSON_NUMBER)
        s->score = v->num;
    if ((v = json_get(score, "without_waivers")) != NULL && v->type == JSON_NUMBER)
        s->score_no_waivers = v->num;
    if (jstring(score, "grade") != NULL)
        s->grade = jstring(score, "grade")[0];
    if (jstring(score, "grade_without_waivers") != NULL)
        s->grade_no_waivers = jstring(score, "grade_without_waivers")[0];
    /* findings name their rule; its clause is in the rules[] table */
    hash_init(&clauses, NULL);
    rules = json_get(root, "rules");
    if ((groups = json_get(root, "groups")) != NULL &&
        (groups->type != JSON_ARRAY || groups->n != findings->n))
        groups = NULL;
    for (i = 0; rules != NULL && rules->type == JSON_ARRAY && i < rules->n; i++)
        if (jstring(rules->items[i], "id") != NULL && jstring(rules->items[i], "clause") != NULL)
            hash_put(&clauses, jstring(rules->items[i], "id"),
                (void *)(uintptr_t)jstring(rules->items[i], "clause"));
    for (i = 0; i < findings->n; i++) {
        const struct json *f = findings->items[i], *art;
        const char *clause;

        if (f->type != JSON_OBJECT || jstring(f, "rule") == NULL ||
            jstring(f, "outcome") == NULL || (art = json_get(f, "article")) == NULL ||
            art->type != JSON_NUMBER) {
            bad(cause, name, f, "a finding lacks \"rule\", \"article\" or \"outcome\"");
            report_snapshot_free(s);
            s = NULL;
            break;
        }
        /* an article is a small whole number: anything else is refused before the cast */
        if (!(art->num >= 0.0 && art->num <= 1000.0) || (double)(int)art->num < art->num) {
            bad(cause, name, art, "a finding's \"article\" is not an article number (a whole "
                "number from 0 to 1000)");
            report_snapshot_free(s);
            s = NULL;
            break;
        }
        if ((clause = jstring(f, "clause")) == NULL)
            clause = hash_get(&clauses, jstring(f, "rule"));
        /* a grouped result lists each finding's devices in groups[i].entities */
        ents = groups != NULL && i < groups->n ? json_get(groups->items[i], "entities") : NULL;
        if (ents != NULL && ents->type == JSON_ARRAY && ents->n > 0) {
            for (k = 0; k < ents->n; k++)
                if (ents->items[k]->type == JSON_STRING)
                    report_snapshot_add(s, jstring(f, "rule"), ents->items[k]->str,
                        (int)art->num, clause, jstring(f, "severity"), jstring(f, "outcome"),
                        jstring(f, "message"));
            continue;
        }
        report_snapshot_add(s, jstring(f, "rule"), jstring(f, "entity"), (int)art->num,
            clause, jstring(f, "severity"), jstring(f, "outcome"), jstring(f, "message"));
    }
    hash_done(&clauses);
out:
    json_free(root);
    return s;
}

struct report_snapshot *
report_snapshot_load(struct store *st, const char *ref, char **cause)
{
    struct store_audit_loaded *a;
    struct report_snapshot *s;
    char *label;
    size_t i;

    if (st == NULL || fs_exists(ref)) {
        size_t len;
        char *text = fs_read_file(ref, REPORT_MAX_JSON, &len, cause);

        if (text == NULL)
            return NULL;
        s = report_snapshot_from_json(text, len, ref, cause);
        free(text);
        return s;
    }
    if ((a = store_audit_load(st, ref, cause)) == NULL)
        return NULL;
    label = a->name != NULL ? xasprintf("run %lld (%s)", (long long)a->run_id, a->name) :
        xasprintf("run %lld", (long long)a->run_id);
    s = report_snapshot_new(label, a->scenario_id);
    free(label);
    free(s->as_of);
    s->as_of = xstrdup(a->as_of);
    s->score = a->score;
    s->score_no_waivers = a->score_no_waivers;
    s->grade = a->grade;
    s->grade_no_waivers = a->grade_no_waivers;
    for (i = 0; i < a->nrows; i++) {
        const struct store_audit_row *r = &a->rows[i];
        size_t k;

        if (r->nents == 0) {
            report_snapshot_add(s, r->rule, r->entity, r->article, r->clause, r->severity,
                r->outcome, r->message);
            continue;
        }
        /* a grouped row: one item per entity, with its own id in the message */
        for (k = 0; k < r->nents; k++) {
            const char *id = a->entities[r->ents[k]];
            char *m = store_audit_row_message(r, id);

            report_snapshot_add(s, r->rule, id, r->article, r->clause, r->severity,
                r->outcome, m);
            free(m);
        }
    }
    store_audit_loaded_free(a);
    return s;
}

/* --- matching ------------------------------------------------------------------ */

static char *
item_key(const char *rule, const char *entity)
{
    return xasprintf("%s\x1f%s", rule, entity != NULL ? entity : "");
}

/* Index of each item of s by key; values are (index + 1). */
static void
index_snapshot(struct hash *h, const struct report_snapshot *s)
{
    size_t i;

    hash_init(h, NULL);
    for (i = 0; i < s->n; i++) {
        char *k = item_key(s->items[i].rule, s->items[i].entity);

        if (hash_get(h, k) == NULL)
            hash_put(h, k, (void *)(uintptr_t)(i + 1));
        free(k);
    }
}

static const struct report_item *
lookup(const struct hash *h, const struct report_snapshot *s, const char *rule,
    const char *entity)
{
    char *k = item_key(rule, entity);
    uintptr_t v = (uintptr_t)hash_get(h, k);

    free(k);
    return v == 0 ? NULL : &s->items[v - 1];
}

const char *
report_bl_name(enum report_bl s)
{
    static const char *const names[] = { "", "new", "unchanged", "updated", "absent" };

    return names[s];
}

struct report_baseline *
report_baseline_new(const struct report_snapshot *base, const struct audit_result *res)
{
    struct report_baseline *bl = xcalloc(1, sizeof *bl);
    struct hash h, cur;
    size_t i;

    bl->base = base;
    bl->n = res->nfindings;
    bl->state = xcalloc(bl->n + 1, sizeof *bl->state);
    bl->before = xcalloc(bl->n + 1, sizeof *bl->before);
    index_snapshot(&h, base);
    hash_init(&cur, NULL);
    for (i = 0; i < res->nfindings; i++) {
        const struct audit_finding *fd = &res->findings[i];
        const struct report_item *it = lookup(&h, base, fd->rule_id, fd->entity);
        char *k = item_key(fd->rule_id, fd->entity);

        hash_put(&cur, k, (void *)1);
        free(k);
        if (it == NULL) {
            bl->state[i] = REPORT_BL_NEW;
            continue;
        }
        bl->before[i] = it->outcome;
        bl->state[i] = strcmp(it->outcome, rule_outcome_name(fd->outcome)) == 0 ?
            REPORT_BL_UNCHANGED : REPORT_BL_UPDATED;
    }
    bl->absent = xcalloc(base->n + 1, sizeof *bl->absent);
    for (i = 0; i < base->n; i++) {
        char *k = item_key(base->items[i].rule, base->items[i].entity);

        if (!hash_contains(&cur, k))
            bl->absent[bl->nabsent++] = &base->items[i];
        free(k);
    }
    hash_done(&h);
    hash_done(&cur);
    return bl;
}

void
report_baseline_free(struct report_baseline *bl)
{
    if (bl == NULL)
        return;
    free(bl->state);
    free(bl->before);
    free(bl->absent);
    free(bl);
}

/* --- diff ---------------------------------------------------------------------- */

static bool
is_fail(const struct report_item *it)
{
    return it != NULL && strcmp(it->outcome, "fail") == 0;
}

static const struct report_item *
entry_item(const struct report_diff_entry *e)
{
    return e->b != NULL ? e->b : e->a;
}

static int
entry_cmp(const void *pa, const void *pb)
{
    const struct report_diff_entry *x = pa, *y = pb;
    const struct report_item *a = entry_item(x), *b = entry_item(y);
    int c;

    if (x->change != y->change)
        return (int)x->change - (int)y->change;
    if (a->article != b->article)
        return a->article - b->article;
    if ((c = strcmp(a->rule, b->rule)) != 0)
        return c;
    return strcmp(a->entity != NULL ? a->entity : "", b->entity != NULL ? b->entity : "");
}

struct report_diff *
report_diff_new(const struct report_snapshot *a, const struct report_snapshot *b)
{
    struct report_diff *d = xcalloc(1, sizeof *d);
    struct hash ha, hb;
    size_t i;

    d->a = a;
    d->b = b;
    d->e = xcalloc(a->n + b->n + 1, sizeof *d->e);
    index_snapshot(&ha, a);
    index_snapshot(&hb, b);
    for (i = 0; i < b->n; i++) {
        const struct report_item *ib = &b->items[i];
        const struct report_item *ia = lookup(&ha, a, ib->rule, ib->entity);
        struct report_diff_entry *e = &d->e[d->n++];

        e->a = ia;
        e->b = ib;
        if (is_fail(ib) && !is_fail(ia))
            e->change = REPORT_NEW_FAILURE;
        else if (is_fail(ia) && !is_fail(ib))
            e->change = REPORT_FIXED;
        else if (ia == NULL || strcmp(ia->outcome, ib->outcome) != 0)
            e->change = REPORT_CHANGED;
        else
            e->change = REPORT_UNCHANGED;
    }
    for (i = 0; i < a->n; i++) {
        const struct report_item *ia = &a->items[i];
        struct report_diff_entry *e;

        if (lookup(&hb, b, ia->rule, ia->entity) != NULL)
            continue;
        e = &d->e[d->n++];
        e->a = ia;
        e->b = NULL;
        e->change = is_fail(ia) ? REPORT_FIXED : REPORT_CHANGED;
    }
    hash_done(&ha);
    hash_done(&hb);
    qsort(d->e, d->n, sizeof *d->e, entry_cmp);
    for (i = 0; i < d->n; i++)
        d->count[d->e[i].change]++;
    return d;
}

void
report_diff_free(struct report_diff *d)
{
    if (d == NULL)
        return;
    free(d->e);
    free(d);
}

static const char *const change_title[] = {
    "NEW FAILURES", "FIXED", "CHANGED", "UNCHANGED"
};
static const char *const change_name[] = { "new_failure", "fixed", "changed", "unchanged" };

char *
report_diff_text(const struct report_diff *d, bool verbose)
{
    struct strbuf sb;
    size_t i;
    int c = -1;

    strbuf_init(&sb);
    strbuf_printf(&sb, "diff %s -> %s\n", d->a->label, d->b->label);
    strbuf_printf(&sb, "  scenario  %s -> %s\n  as of     %s -> %s\n", d->a->scenario,
        d->b->scenario, d->a->as_of, d->b->as_of);
    strbuf_printf(&sb, "  score     %.1f (%c) -> %.1f (%c), %+.1f\n", d->a->score, d->a->grade,
        d->b->score, d->b->grade, d->b->score - d->a->score);
    strbuf_printf(&sb, "  without waivers %.1f (%c) -> %.1f (%c), %+.1f\n",
        d->a->score_no_waivers, d->a->grade_no_waivers, d->b->score_no_waivers,
        d->b->grade_no_waivers, d->b->score_no_waivers - d->a->score_no_waivers);
    strbuf_printf(&sb, "  %zu new failures, %zu fixed, %zu changed, %zu unchanged\n",
        d->count[REPORT_NEW_FAILURE], d->count[REPORT_FIXED], d->count[REPORT_CHANGED],
        d->count[REPORT_UNCHANGED]);
    for (i = 0; i < d->n; i++) {
        const struct report_diff_entry *e = &d->e[i];
        const struct report_item *it = entry_item(e);

        if (e->change == REPORT_UNCHANGED && !verbose)
            break;
        if ((int)e->change != c) {
            c = (int)e->change;
            strbuf_printf(&sb, "\n%s\n", change_title[c]);
        }
        strbuf_printf(&sb, "  %-12s %-8s Art. %-5s %s%s%s -> %s\n", it->rule, it->severity,
            it->clause, it->entity != NULL ? it->entity : "-", "  ",
            e->a != NULL ? e->a->outcome : "(absent)", e->b != NULL ? e->b->outcome :
            "(absent)");
        if (e->b != NULL && e->b->message != NULL && e->change == REPORT_NEW_FAILURE)
            strbuf_printf(&sb, "               %s\n", e->b->message);
    }
    if (!verbose && d->count[REPORT_UNCHANGED] > 0)
        strbuf_printf(&sb, "\n(%zu unchanged not listed; -v lists them)\n",
            d->count[REPORT_UNCHANGED]);
    return strbuf_detach(&sb);
}

/* One side of a diff: label, scenario, as-of date, scores. */
static void
side_json(struct jw *w, const char *key, const struct report_snapshot *s)
{
    jw_key(w, key);
    jw_object(w, JW_INLINE);
    jw_kstr(w, "label", s->label);
    jw_kstr(w, "scenario", s->scenario);
    jw_kstr(w, "as_of", s->as_of);
    jw_kfixed(w, "score", s->score, 2);
    jw_kfixed(w, "score_without_waivers", s->score_no_waivers, 2);
    jw_object_end(w);
}

char *
report_diff_json(const struct report_diff *d)
{
    struct strbuf sb;
    struct jw w;
    size_t i;

    strbuf_init(&sb);
    jw_init(&w, &sb, JW_SPACED);
    jw_object(&w, JW_LINES);
    jw_kstr(&w, "schema", "faceaudit-diff");
    jw_kint(&w, "version", 1);
    side_json(&w, "a", d->a);
    side_json(&w, "b", d->b);
    jw_kfixed(&w, "score_change", d->b->score - d->a->score, 2);
    jw_key(&w, "counts");
    jw_object(&w, JW_INLINE);
    jw_kuint(&w, "new_failure", d->count[0]);
    jw_kuint(&w, "fixed", d->count[1]);
    jw_kuint(&w, "changed", d->count[2]);
    jw_kuint(&w, "unchanged", d->count[3]);
    jw_object_end(&w);
    jw_key(&w, "entries");
    jw_array(&w, JW_LINES);
    for (i = 0; i < d->n; i++) {
        const struct report_diff_entry *e = &d->e[i];
        const struct report_item *it = entry_item(e);

        jw_object(&w, JW_INLINE);
        jw_kstr(&w, "change", change_name[e->change]);
        jw_kstr(&w, "rule", it->rule);
        jw_kstr(&w, "entity", it->entity);
        jw_kint(&w, "article", it->article);
        jw_kstr(&w, "clause", it->clause);
        jw_kstr(&w, "before", e->a != NULL ? e->a->outcome : NULL);
        jw_kstr(&w, "after", e->b != NULL ? e->b->outcome : NULL);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    jw_object_end(&w);
    strbuf_putc(&sb, '\n');
    return strbuf_detach(&sb);
}
