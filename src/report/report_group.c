/* SPDX-License-Identifier: MIT */
/*
 * report_group.c - findings grouped across devices. An engagement of 1,000
 * devices has thousands of rule instances that say the same thing; a report
 * lists each rule and outcome once with the devices it covers ("fails on 412
 * of 1,000 devices: cam-0001..cam-0412"). report_groups_new() folds a
 * per-device result into a view: an audit_result with one finding per group
 * (same rule, same outcome, same waiver note), whose entity is the compacted
 * device list. Counts, articles and scores are the per-device ones, so a
 * grouped report always adds up to the per-device report. The view borrows
 * every other string from the result, which must outlive it.
 */
#include "config.h"

#include "faceaudit/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"

#include "faceaudit/jsonw.h"
#include "faceaudit/xmalloc.h"

/* An id split into a prefix and a trailing decimal number ("cam-007": "cam-", 7, width 3). */
struct id_num {
    size_t plen;          /* prefix length */
    unsigned long long v; /* the number */
    size_t width;         /* digits, 0 when the id does not end in digits */
};

static struct id_num
id_split(const char *id)
{
    struct id_num r;
    size_t len = strlen(id), k = len;

    while (k > 0 && id[k - 1] >= '0' && id[k - 1] <= '9' && len - k < 18)
        k--;
    r.plen = k;
    r.width = len - k;
    r.v = r.width > 0 ? strtoull(id + k, NULL, 10) : 0;
    return r;
}

/* b follows a in a numbered run: same prefix, same width, next number. */
static bool
id_follows(const char *a, const struct id_num *na, const char *b, const struct id_num *nb)
{
    /* unpadded numbers may grow a digit (cam-9, cam-10); padded ones keep their width */
    bool unpadded = a[na->plen] != '0' && b[nb->plen] != '0';

    return na->width > 0 && nb->width > 0 && (nb->width == na->width || unpadded) &&
        nb->plen == na->plen && nb->v == na->v + 1 && strncmp(a, b, na->plen) == 0;
}

char *
report_ids_compact(const char *const *ids, size_t n, size_t max_runs, size_t *nruns)
{
    struct strbuf sb;
    size_t i = 0, runs = 0, shown = 0, left;

    strbuf_init(&sb);
    while (i < n) {
        size_t j = i;
        struct id_num a = id_split(ids[i]), b;

        /* extend the run while the next id is the next number */
        while (j + 1 < n && (b = id_split(ids[j + 1]), id_follows(ids[j], &a, ids[j + 1], &b))) {
            a = b;
            j++;
        }
        runs++;
        if (max_runs == 0 || shown < max_runs) {
            if (shown > 0)
                strbuf_puts(&sb, ", ");
            if (j == i)
                strbuf_puts(&sb, ids[i]);
            else if (j == i + 1)
                strbuf_printf(&sb, "%s, %s", ids[i], ids[j]);
            else
                strbuf_printf(&sb, "%s..%s", ids[i], ids[j]);
            shown++;
            left = n - j - 1;
            if (max_runs != 0 && shown == max_runs && left > 0)
                strbuf_printf(&sb, " and %zu more", left);
        }
        i = j + 1;
    }
    if (nruns != NULL)
        *nruns = runs;
    return strbuf_detach(&sb);
}

/* "1234567" -> "1,234,567" into buf. */
void
report_count_str(size_t n, char *buf, size_t size)
{
    char tmp[32];
    size_t len, k, o = 0;

    snprintf(tmp, sizeof tmp, "%zu", n);
    len = strlen(tmp);
    for (k = 0; k < len && o + 2 < size; k++) {
        if (k > 0 && (len - k) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = tmp[k];
    }
    buf[o] = '\0';
}

/* An id with its split, computed once before sorting. */
struct id_sort {
    const char *id;
    struct id_num n;
};

/* Natural order of ids: prefix, then the trailing number ("cam-9" before "cam-10"). */
static int
cmp_id(const void *pa, const void *pb)
{
    const struct id_sort *a = pa, *b = pb;
    size_t pl = a->n.plen < b->n.plen ? a->n.plen : b->n.plen;
    int c = strncmp(a->id, b->id, pl);

    if (c != 0)
        return c;
    if (a->n.plen != b->n.plen)
        return a->n.plen < b->n.plen ? -1 : 1;
    if (a->n.v != b->n.v)
        return a->n.v < b->n.v ? -1 : 1;
    return strcmp(a->id, b->id);
}

static int
cmp_str(const void *pa, const void *pb)
{
    return strcmp(((const struct id_sort *)pa)->id, ((const struct id_sort *)pb)->id);
}

/*
 * t sorted by number when every id has the same prefix (an inventory's
 * "cam-0000001", ...): a stable radix sort on the number, 11 bits a pass,
 * then equal numbers ("cam-7", "cam-007") by text. A million ids take a few
 * passes instead of a comparison sort's twenty.
 */
static void
radix_by_number(struct id_sort *t, size_t n)
{
    struct id_sort *tmp = xcalloc(n, sizeof *tmp), *src = t, *dst = tmp, *sw;
    unsigned long long maxv = 0;
    size_t cnt[2048], i, j;
    unsigned shift;

    for (i = 0; i < n; i++)
        if (t[i].n.v > maxv)
            maxv = t[i].n.v;
    for (shift = 0; shift < 64 && (maxv >> shift) != 0; shift += 11) {
        memset(cnt, 0, sizeof cnt);
        for (i = 0; i < n; i++)
            cnt[(src[i].n.v >> shift) & 2047]++;
        for (i = 0, j = 0; i < 2048; i++) {
            size_t c = cnt[i];

            cnt[i] = j;
            j += c;
        }
        for (i = 0; i < n; i++)
            dst[cnt[(src[i].n.v >> shift) & 2047]++] = src[i];
        sw = src;
        src = dst;
        dst = sw;
    }
    if (src != t)
        memcpy(t, src, n * sizeof *t);
    free(tmp);
    for (i = 0; i < n; i = j) {
        for (j = i + 1; j < n && t[j].n.v == t[i].n.v; j++)
            ;
        if (j - i > 1)
            qsort(t + i, j - i, sizeof *t, cmp_str);
    }
}

/* ids sorted in natural order (in place). */
static void
ids_sort(const char **ids, size_t n)
{
    struct id_sort *t;
    size_t i;
    bool sorted = true, numbered = true;

    if (n < 2)
        return;
    t = xcalloc(n, sizeof *t);
    for (i = 0; i < n; i++) {
        t[i].id = ids[i];
        t[i].n = id_split(ids[i]);
        if (i > 0 && sorted && cmp_id(&t[i - 1], &t[i]) > 0)
            sorted = false;
        if (numbered && (t[i].n.width == 0 || t[i].n.plen != t[0].n.plen ||
            strncmp(t[i].id, t[0].id, t[0].n.plen) != 0))
            numbered = false;
    }
    if (sorted) {
        free(t); /* already in order: inventories usually are */
        return;
    }
    if (numbered)
        radix_by_number(t, n);
    else
        qsort(t, n, sizeof *t, cmp_id);
    for (i = 0; i < n; i++)
        ids[i] = t[i].id;
    free(t);
}

/* Same group: same rule, outcome and waiver note, both per entity. */
static bool
same_group(const struct audit_finding *a, const struct audit_finding *b)
{
    return a->rule == b->rule && a->outcome == b->outcome && a->entity != NULL &&
        b->entity != NULL && (a->waiver == b->waiver || (a->waiver != NULL &&
        b->waiver != NULL && strcmp(a->waiver, b->waiver) == 0));
}

/* Instances a finding stands for (more than one when aggregated). */
static size_t
weight(const struct audit_finding *fd)
{
    return fd->ngroup > 0 ? fd->ngroup : 1;
}

struct report_groups *
report_groups_new(const struct audit_result *res, size_t max_runs)
{
    struct report_groups *gs = xcalloc(1, sizeof *gs);
    size_t i = 0, k, j, m;
    char a[32], b[32];

    gs->res = res;
    gs->view = *res;
    gs->view.arena = NULL;
    gs->view.findings = xcalloc(res->nfindings + 1, sizeof *gs->view.findings);
    gs->g = xcalloc(res->nfindings + 1, sizeof *gs->g);
    /* the findings of a rule are contiguous in a result: group each block */
    while (i < res->nfindings) {
        size_t end = i, base = gs->n, of = 0;

        while (end < res->nfindings && res->findings[end].rule == res->findings[i].rule)
            of += weight(&res->findings[end++]);
        for (j = i; j < end; j++) {
            const struct audit_finding *fd = &res->findings[j];
            struct report_group *g = NULL;

            for (k = base; k < gs->n && g == NULL; k++)
                if (same_group(&res->findings[gs->g[k].first], fd))
                    g = &gs->g[k];
            if (g == NULL) {
                g = &gs->g[gs->n];
                g->first = j;
                g->of = of;
                gs->view.findings[gs->n] = *fd;
                gs->n++;
            }
            if (fd->entity != NULL) {
                g->idv = xreallocarray(g->idv, g->n + weight(fd), sizeof *g->idv);
                for (m = 0; m < weight(fd); m++)
                    g->idv[g->n + m] = fd->group != NULL ? fd->group[m] : fd->entity;
            }
            g->n += weight(fd);
        }
        i = end;
    }
    gs->view.nfindings = gs->n;
    /* the entity of a group: its devices compacted; its message: the first one's */
    for (k = 0; k < gs->n; k++) {
        struct report_group *g = &gs->g[k];
        struct audit_finding *vf = &gs->view.findings[k];

        vf->group = NULL;
        vf->ngroup = 0;
        if (vf->entity == NULL)
            continue;
        ids_sort(g->idv, g->n);
        g->ids = report_ids_compact(g->idv, g->n, 0, &g->nruns);
        g->ids_short = report_ids_compact(g->idv, g->n, max_runs, NULL);
        if (g->n == 1 && g->of == 1)
            continue;
        report_count_str(g->n, a, sizeof a);
        report_count_str(g->of, b, sizeof b);
        g->entity = xasprintf("%s of %s: %s", a, b, g->ids_short);
        vf->entity = g->entity;
        if (g->n > 1 && vf->message != NULL) {
            g->message = xasprintf("%s (the first of %s)", vf->message, a);
            vf->message = g->message;
        }
    }
    return gs;
}

void
report_groups_free(struct report_groups *gs)
{
    size_t k;

    if (gs == NULL)
        return;
    for (k = 0; k < gs->n; k++) {
        free(gs->g[k].idv);
        free(gs->g[k].ids);
        free(gs->g[k].ids_short);
        free(gs->g[k].entity);
        free(gs->g[k].message);
    }
    free(gs->g);
    free(gs->view.findings);
    free(gs);
}

const struct report_group *
report_group_of(const struct report_groups *gs, const struct audit_finding *vf)
{
    if (gs == NULL || vf < gs->view.findings || vf >= gs->view.findings + gs->n)
        return NULL;
    return &gs->g[vf - gs->view.findings];
}

void
report_groups_write_json(struct jw *w, struct audit_out *o, const struct report_groups *gs)
{
    size_t k, i;

    jw_array(w, JW_LINES);
    for (k = 0; k < gs->n; k++) {
        const struct report_group *g = &gs->g[k];
        const struct audit_finding *fd = &gs->res->findings[g->first];

        jw_object(w, JW_INLINE);
        jw_kuint(w, "finding", k);
        jw_kstr(w, "rule", fd->rule_id);
        jw_kstr(w, "outcome", rule_outcome_name(fd->outcome));
        jw_kuint(w, "count", g->n);
        jw_kuint(w, "of", g->of);
        jw_kstr(w, "ids", g->ids);
        jw_key(w, "entities");
        jw_array(w, JW_INLINE);
        for (i = 0; i < g->n && g->idv != NULL; i++) {
            jw_str(w, g->idv[i]);
            if ((i & 4095) == 4095)
                audit_out_step(o); /* a million ids: written as they go */
        }
        jw_array_end(w);
        jw_object_end(w);
        audit_out_step(o);
    }
    jw_array_end(w);
}
