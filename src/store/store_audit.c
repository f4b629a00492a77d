/* SPDX-License-Identifier: MIT */
/*
 * store_audit.c - audit runs and findings (migrations 5 and 10): one
 * transaction per run with prepared statements reused across the findings,
 * so a 10,000-device audit is saved in one commit. The run's entity order is
 * written once as runs of numbered ids (JSON: ["gate-a", ["cam-", 1, 1000,
 * 4]] is gate-a then cam-0001..cam-1000; ["cam-", 1, 100, 0, 10] is cam-1,
 * cam-11, ..., cam-991) and a grouped finding's entities as
 * index ranges into it (store_audit_ranges_*, shared with store_report.c).
 */
#include "config.h"

#include "faceaudit/store_audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

#include "faceaudit/compat.h"
#include "faceaudit/json.h"
#include "faceaudit/jsonw.h"
#include "faceaudit/log.h"
#include "faceaudit/store.h"
#include "faceaudit/xmalloc.h"

static int
bind_text(sqlite3_stmt *s, int i, const char *v)
{
    return v != NULL ? sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(s, i);
}

static int
fail(struct store *st, sqlite3_stmt *s, char **cause, const char *what)
{
    cause_set(cause, "%s: saving the audit (%s): %s", st->path, what, sqlite3_errmsg(st->db));
    sqlite3_finalize(s);
    return -1;
}

/* An id split into a prefix and a trailing decimal number ("cam-007": "cam-", 7, width 3). */
struct idnum {
    size_t plen;          /* prefix length */
    unsigned long long v;
    size_t width;         /* digits; 0 when the id does not end in digits */
};

static struct idnum
idnum_split(const char *id)
{
    struct idnum r;
    size_t len = strlen(id), k = len;

    while (k > 0 && id[k - 1] >= '0' && id[k - 1] <= '9' && len - k < 18)
        k--;
    r.plen = k;
    r.width = len - k;
    r.v = r.width > 0 ? strtoull(id + k, NULL, 10) : 0;
    return r;
}

/* The id prefix + number printed at width (0: unpadded) equals id exactly. */
static bool
idnum_is(const char *id, const char *prefix, size_t plen, unsigned long long v, size_t width)
{
    char num[32];

    snprintf(num, sizeof num, "%0*llu", (int)width, v);
    return strncmp(id, prefix, plen) == 0 && strcmp(id + plen, num) == 0;
}

char *
store_audit_entities_encode(const char *const *ids, size_t n)
{
    struct strbuf sb;
    struct jw w;
    size_t i = 0, j;

    strbuf_init(&sb);
    jw_init(&w, &sb, JW_COMPACT);
    jw_array(&w, JW_INLINE);
    while (i < n) {
        struct idnum a = idnum_split(ids[i]), b;
        /* padded numbers keep their width, unpadded ones are printed as they are */
        size_t width = a.width > 0 && ids[i][a.plen] == '0' ? a.width : 0;
        unsigned long long step = 1;

        /* the step of the run: devices listed zone by zone are cam-1, cam-11, cam-21, ... */
        if (a.width > 0 && i + 1 < n && (b = idnum_split(ids[i + 1]), b.plen == a.plen) &&
            b.v > a.v && b.v - a.v < (1ULL << 40))
            step = b.v - a.v;
        for (j = i + 1; a.width > 0 && j < n && idnum_is(ids[j], ids[i], a.plen,
            a.v + (j - i) * step, width); j++)
            ;
        if (a.width == 0 || j - i < 2 || !idnum_is(ids[i], ids[i], a.plen, a.v, width)) {
            jw_str(&w, ids[i]);
            i++;
            continue;
        }
        {
            char *prefix = xasprintf("%.*s", (int)a.plen, ids[i]);

            jw_array(&w, JW_INLINE);
            jw_str(&w, prefix);
            jw_uint(&w, a.v);
            jw_uint(&w, j - i);
            jw_uint(&w, width);
            if (step != 1)
                jw_uint(&w, step);
            jw_array_end(&w);
            free(prefix);
        }
        i = j;
    }
    jw_array_end(&w);
    return strbuf_detach(&sb);
}

char *
store_audit_ranges_encode(const uint32_t *pairs, size_t npairs)
{
    struct strbuf sb;
    size_t i;

    strbuf_init(&sb);
    for (i = 0; i < npairs; i++) {
        uint32_t a = pairs[2 * i], b = pairs[2 * i + 1];

        if (i > 0)
            strbuf_putc(&sb, ',');
        if (a == b)
            strbuf_printf(&sb, "%u", (unsigned)a);
        else
            strbuf_printf(&sb, "%u-%u", (unsigned)a, (unsigned)b);
    }
    return strbuf_detach(&sb);
}

int
store_audit_entities_decode(const char *text, char ***ids, size_t *n, char **cause)
{
    struct json *root = json_parse(text, strlen(text), "audit_run.entities", cause);
    size_t i, cap = 0;

    *ids = NULL;
    *n = 0;
    if (root == NULL)
        return -1;
    if (root->type != JSON_ARRAY) {
        json_free(root);
        return cause_set(cause, "audit_run.entities: not an array");
    }
    for (i = 0; i < root->n; i++) {
        const struct json *e = root->items[i];
        unsigned long long k, count, step = 1;

        if (e->type == JSON_ARRAY && e->n == 5 && e->items[4]->type == JSON_NUMBER &&
            e->items[4]->num >= 1 && e->items[4]->num < 1e12)
            step = (unsigned long long)e->items[4]->num;
        if (e->type == JSON_STRING) {
            count = 1;
        } else if (e->type == JSON_ARRAY && (e->n == 4 || (e->n == 5 && step > 1)) &&
            e->items[0]->type == JSON_STRING && e->items[1]->type == JSON_NUMBER &&
            e->items[2]->type == JSON_NUMBER && e->items[3]->type == JSON_NUMBER &&
            e->items[1]->num >= 0 && e->items[2]->num >= 1 && e->items[2]->num <= 1e8 &&
            e->items[3]->num >= 0 && e->items[3]->num <= 18 &&
            e->items[1]->num + e->items[2]->num * (double)step < 1e18) {
            count = (unsigned long long)e->items[2]->num;
        } else {
            store_audit_entities_free(*ids, *n);
            *ids = NULL;
            *n = 0;
            cause_set(cause, "audit_run.entities: item %zu is neither an id nor [prefix, first, "
                "count, width(, step)]", i + 1);
            json_free(root);
            return -1;
        }
        if (*n + count > cap) {
            cap = FA_MAX(2 * cap, *n + count);
            *ids = xreallocarray(*ids, cap, sizeof **ids);
        }
        for (k = 0; k < count; k++)
            (*ids)[(*n)++] = e->type == JSON_STRING ? xstrdup(e->str) :
                xasprintf("%s%0*llu", e->items[0]->str, (int)e->items[3]->num,
                (unsigned long long)e->items[1]->num + k * step);
    }
    json_free(root);
    return 0;
}

void
store_audit_entities_free(char **ids, size_t n)
{
    size_t i;

    for (i = 0; ids != NULL && i < n; i++)
        free(ids[i]);
    free(ids);
}

int
store_audit_ranges_decode(const char *text, size_t nentities, uint32_t **idx, size_t *n,
    char **cause)
{
    const char *p = text;
    size_t cap = 0;

    *idx = NULL;
    *n = 0;
    while (*p != '\0') {
        char *end;
        unsigned long a, b;

        a = b = strtoul(p, &end, 10);
        if (end == p || *p == '-' || *p == '+')
            goto bad;
        if (*end == '-') {
            p = end + 1;
            b = strtoul(p, &end, 10);
            if (end == p || *p == '-' || *p == '+')
                goto bad;
        }
        if (b < a || b >= nentities || (*n > 0 && a <= (*idx)[*n - 1]))
            goto bad;
        if (*n + (b - a + 1) > cap) {
            cap = FA_MAX(2 * cap, *n + (b - a + 1));
            *idx = xreallocarray(*idx, cap, sizeof **idx);
        }
        for (; a <= b; a++)
            (*idx)[(*n)++] = (uint32_t)a;
        if (*end == ',' && end[1] != '\0')
            end++;
        else if (*end != '\0')
            goto bad;
        p = end;
    }
    if (*n == 0)
        goto bad;
    return 0;
bad:
    free(*idx);
    *idx = NULL;
    *n = 0;
    return cause_set(cause, "audit_finding.entities: bad range list at byte %zu of \"%.40s\" "
        "(ascending indexes below %zu)", (size_t)(p - text) + 1, text, nentities);
}

/* Save one audit run in one transaction; returns its run id or -1. */
int64_t
store_audit_save(struct store *st, const struct store_audit_run *run,
    const struct store_audit_finding *findings, size_t nfindings,
    const struct store_audit_article *articles, size_t narticles, char **cause)
{
    sqlite3_stmt *s = NULL;
    int64_t id;
    size_t i;
    char grade[2] = { run->grade, '\0' }, grade_nw[2] = { run->grade_no_waivers, '\0' };
    char *ents = NULL, *ranges;

    for (i = 0; i < nfindings; i++) {
        const uint32_t *rg = findings[i].ranges;
        size_t k, covered = 0;

        for (k = 0; k < findings[i].nranges; k++) {
            if (rg[2 * k] > rg[2 * k + 1] || rg[2 * k + 1] >= run->nentities ||
                (k > 0 && rg[2 * k] <= rg[2 * k - 1] + 1))
                fatalx("store_audit_save: finding %zu: entity ranges not ascending and apart "
                    "in 0..%zu", i, run->nentities);
            covered += (size_t)(rg[2 * k + 1] - rg[2 * k]) + 1;
        }
        if (covered != findings[i].nents)
            fatalx("store_audit_save: finding %zu: ranges cover %zu entities, not %zu", i,
                covered, findings[i].nents);
    }
    if (run->entities != NULL)
        ents = store_audit_entities_encode(run->entities, run->nentities);
    if (store_begin(st, cause) != 0) {
        free(ents);
        return -1;
    }
    if (sqlite3_prepare_v2(st->db, "INSERT INTO run(kind, name, software, params, summary) "
        "VALUES ('audit', NULL, ?1, json_object('scenario', ?2, 'as_of', ?3), ?4)", -1, &s,
        NULL) != SQLITE_OK)
        goto fail_run;
    bind_text(s, 1, run->software);
    bind_text(s, 2, run->scenario_path);
    bind_text(s, 3, run->as_of);
    bind_text(s, 4, run->summary != NULL ? run->summary : "{}");
    if (sqlite3_step(s) != SQLITE_DONE)
        goto fail_run;
    sqlite3_finalize(s);
    id = sqlite3_last_insert_rowid(st->db);

    if (sqlite3_prepare_v2(st->db, "INSERT INTO audit_run(run_id, scenario_id, scenario_path, "
        "scenario_hash, rule_pack_hash, calendar_version, waivers_hash, as_of, score, "
        "score_no_waivers, grade, grade_no_waivers, entities) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,"
        "?9,?10,?11,?12,?13)", -1, &s, NULL) != SQLITE_OK)
        goto fail_run;
    sqlite3_bind_int64(s, 1, id);
    bind_text(s, 2, run->scenario_id);
    bind_text(s, 3, run->scenario_path);
    bind_text(s, 4, run->scenario_hash);
    bind_text(s, 5, run->rule_pack_hash);
    bind_text(s, 6, run->calendar_version);
    bind_text(s, 7, run->waivers_hash);
    bind_text(s, 8, run->as_of);
    sqlite3_bind_double(s, 9, run->score);
    sqlite3_bind_double(s, 10, run->score_no_waivers);
    bind_text(s, 11, grade);
    bind_text(s, 12, grade_nw);
    bind_text(s, 13, ents);
    if (sqlite3_step(s) != SQLITE_DONE)
        goto fail_run;
    sqlite3_finalize(s);

    if (sqlite3_prepare_v2(st->db, "INSERT INTO audit_finding(run_id, seq, rule, article, "
        "clause, severity, entity, outcome, message, reason, explanation, entities, count) "
        "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)", -1, &s, NULL) != SQLITE_OK)
        goto fail_run;
    for (i = 0; i < nfindings; i++) {
        const struct store_audit_finding *f = &findings[i];

        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int64(s, 2, (int64_t)i);
        bind_text(s, 3, f->rule);
        sqlite3_bind_int(s, 4, f->article);
        bind_text(s, 5, f->clause);
        bind_text(s, 6, f->severity);
        bind_text(s, 7, f->nents > 0 ? NULL : f->entity);
        bind_text(s, 8, f->outcome);
        bind_text(s, 9, f->message);
        bind_text(s, 10, f->reason);
        bind_text(s, 11, f->explanation != NULL ? f->explanation : "{}");
        ranges = f->nents > 0 ? store_audit_ranges_encode(f->ranges, f->nranges) : NULL;
        sqlite3_bind_text(s, 12, ranges, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 13, f->nents > 0 ? (int64_t)f->nents : 1);
        free(ranges);
        if (sqlite3_step(s) != SQLITE_DONE)
            goto fail_run;
    }
    sqlite3_finalize(s);

    if (sqlite3_prepare_v2(st->db, "INSERT INTO audit_article(run_id, article, outcome) "
        "VALUES (?1, ?2, ?3)", -1, &s, NULL) != SQLITE_OK)
        goto fail_run;
    for (i = 0; i < narticles; i++) {
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int(s, 2, articles[i].article);
        bind_text(s, 3, articles[i].outcome);
        if (sqlite3_step(s) != SQLITE_DONE)
            goto fail_run;
    }
    sqlite3_finalize(s);
    s = NULL;
    if (sqlite3_prepare_v2(st->db, "UPDATE run SET status = 'complete', finished_at = "
        "strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1", -1, &s, NULL) != SQLITE_OK)
        goto fail_run;
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) != SQLITE_DONE)
        goto fail_run;
    sqlite3_finalize(s);
    free(ents);
    if (store_commit(st, cause) != 0) {
        store_rollback(st);
        return -1;
    }
    return id;
fail_run:
    free(ents);
    fail(st, s, cause, "insert");
    store_rollback(st);
    return -1;
}
