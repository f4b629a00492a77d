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

#include "faceaudit/hash.h"
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

/* Natural order of ids: prefix, then the trailing number ("cam-9" before "cam-10"). */
static int
cmp_id(const void *pa, const void *pb)
{
    const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
    struct id_num na = id_split(a), nb = id_split(b);
    size_t pl = na.plen < nb.plen ? na.plen : nb.plen;
    int c = strncmp(a, b, pl);

    if (c != 0)
        return c;
    if (na.plen != nb.plen)
        return na.plen < nb.plen ? -1 : 1;
    if (na.v != nb.v)
        return na.v < nb.v ? -1 : 1;
    return strcmp(a, b);
}

/* The key of a finding's group: rule, outcome, waiver note. */
static char *
group_key(const struct audit_finding *fd)
{
    return xasprintf("%s\x1f%d\x1f%s", fd->rule_id, (int)fd->outcome,
        fd->waiver != NULL ? fd->waiver : "");
}

struct report_groups *
report_groups_new(const struct audit_result *res, size_t max_runs)
{
    struct report_groups *gs = xcalloc(1, sizeof *gs);
    struct hash byrule, bykey;
    size_t i, k, *per_rule = xcalloc(res->nfindings + 1, sizeof *per_rule);

    gs->res = res;
    gs->view = *res;
    gs->view.arena = NULL;
    gs->view.findings = xcalloc(res->nfindings + 1, sizeof *gs->view.findings);
    gs->g = xcalloc(res->nfindings + 1, sizeof *gs->g);
    hash_init(&byrule, NULL);
    hash_init(&bykey, NULL);
    /* instances per rule (the "of" of "412 of 1,000 devices") */
    for (i = 0; i < res->nfindings; i++) {
        const struct audit_finding *fd = &res->findings[i];
        size_t *slot = hash_get(&byrule, fd->rule_id);

        if (slot == NULL) {
            slot = &per_rule[i];
            hash_put(&byrule, fd->rule_id, slot);
        }
        (*slot)++;
    }
    for (i = 0; i < res->nfindings; i++) {
        const struct audit_finding *fd = &res->findings[i];
        struct report_group *g = NULL;
        char *key = NULL;

        if (fd->entity != NULL) {
            key = group_key(fd);
            g = hash_get(&bykey, key);
        }
        if (g == NULL) {
            g = &gs->g[gs->n];
            g->first = i;
            g->of = *(size_t *)hash_get(&byrule, fd->rule_id);
            g->index = xcalloc(1, sizeof *g->index);
            gs->view.findings[gs->n] = *fd;
            gs->n++;
            if (key != NULL)
                hash_put(&bykey, key, g);
        } else {
            g->index = xreallocarray(g->index, g->n + 1, sizeof *g->index);
        }
        g->index[g->n++] = i;
        free(key);
    }
    gs->view.nfindings = gs->n;
    /* the entity of a group: its devices compacted; its message: the first one's */
    for (k = 0; k < gs->n; k++) {
        struct report_group *g = &gs->g[k];
        struct audit_finding *vf = &gs->view.findings[k];
        const char **ids;
        char a[32], b[32];

        if (vf->entity == NULL)
            continue;
        ids = xcalloc(g->n, sizeof *ids);
        for (i = 0; i < g->n; i++)
            ids[i] = res->findings[g->index[i]].entity;
        qsort(ids, g->n, sizeof *ids, cmp_id);
        g->ids = report_ids_compact(ids, g->n, 0, &g->nruns);
        g->ids_short = report_ids_compact(ids, g->n, max_runs, NULL);
        free(ids);
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
    hash_done(&bykey);
    hash_done(&byrule);
    free(per_rule);
    return gs;
}

void
report_groups_free(struct report_groups *gs)
{
    size_t k;

    if (gs == NULL)
        return;
    for (k = 0; k < gs->n; k++) {
        free(gs->g[k].index);
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

char *
report_groups_json(const struct report_groups *gs)
{
    struct strbuf sb;
    size_t k, i;

    strbuf_init(&sb);
    strbuf_puts(&sb, "[\n");
    for (k = 0; k < gs->n; k++) {
        const struct report_group *g = &gs->g[k];
        const struct audit_finding *fd = &gs->res->findings[g->first];

        strbuf_puts(&sb, "    {\"finding\": ");
        strbuf_printf(&sb, "%zu, \"rule\": ", k);
        report_json_str(&sb, fd->rule_id);
        strbuf_printf(&sb, ", \"outcome\": \"%s\", \"count\": %zu, \"of\": %zu, \"ids\": ",
            rule_outcome_name(fd->outcome), g->n, g->of);
        report_json_str(&sb, g->ids);
        strbuf_puts(&sb, ", \"entities\": [");
        for (i = 0; i < g->n && fd->entity != NULL; i++) {
            if (i > 0)
                strbuf_puts(&sb, ", ");
            report_json_str(&sb, gs->res->findings[g->index[i]].entity);
        }
        strbuf_printf(&sb, "]}%s\n", k + 1 < gs->n ? "," : "");
    }
    strbuf_puts(&sb, "  ]");
    return strbuf_detach(&sb);
}
