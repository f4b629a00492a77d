/* SPDX-License-Identifier: MIT */
/*
 * app_audit.c - an audit: the rule pack and calendar, the scenario (a file,
 * or the TUI's edited model), waivers, the evaluation, the report's extras
 * (baseline marks, a simulated curve, a stored eval run's figures), the
 * expected-outcomes check, and the stored run with its findings (one
 * transaction).
 */
#include "config.h"

#include "faceaudit/app.h"

#include <stdlib.h>
#include <string.h>

#include "faceaudit/calendar.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/hash.h"
#include "faceaudit/log.h"
#include "faceaudit/scenario.h"
#include "faceaudit/sha256.h"
#include "faceaudit/sim.h"
#include "faceaudit/store_audit.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

void
app_audit_params_default(struct app_audit_params *p)
{
    memset(p, 0, sizeof *p);
    p->as_of = FA_DATE_NONE;
    p->save = true;
    p->deliv.report_date = FA_DATE_NONE;
}

/* Devices from which a grouped audit folds instances as they are produced. */
#define AUDIT_AGGREGATE_MIN_DEVICES 5000

/*
 * Grouped storage (store_audit.h): the instances of a rule with the same
 * outcome, waiver note and message (each entity's own id masked in it) are
 * one row listing their entities as indexes into the scenario's entity
 * order. Aggregated findings (group[]) stand for entities that share their
 * facts, whose messages differ only by the id: the first's message, masked
 * with its id, stands for each.
 */
struct save_group {
    const struct audit_finding *fd; /* the first instance */
    char *message;                  /* masked */
    uint32_t *rg;                   /* nrg (first, last) pairs of entity indexes */
    size_t nrg, cap, n;
    bool unsorted;                  /* an index came before the last one */
};

/* Entity index at joins the group: its last range grows, or a new one starts. */
static void
group_add(struct save_group *g, uint32_t at)
{
    if (g->nrg > 0 && at == g->rg[2 * g->nrg - 1] + 1) {
        g->rg[2 * g->nrg - 1] = at;
    } else {
        if (g->nrg > 0 && at <= g->rg[2 * g->nrg - 1])
            g->unsorted = true;
        if (g->nrg == g->cap) {
            g->cap = g->cap == 0 ? 4 : 2 * g->cap;
            g->rg = xreallocarray(g->rg, g->cap, 2 * sizeof *g->rg);
        }
        g->rg[2 * g->nrg] = g->rg[2 * g->nrg + 1] = at;
        g->nrg++;
    }
    g->n++;
}

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

/* Entities that came out of order (not in scenario order): sorted into ranges again. */
static void
group_sort(struct save_group *g)
{
    uint32_t *idx = xcalloc(g->n + 1, sizeof *idx);
    size_t i, n = 0, k;

    for (k = 0; k < g->nrg; k++)
        for (i = g->rg[2 * k]; i <= g->rg[2 * k + 1]; i++)
            idx[n++] = (uint32_t)i;
    qsort(idx, n, sizeof *idx, cmp_u32);
    g->nrg = g->n = 0;
    g->unsorted = false;
    for (i = 0; i < n; i++)
        if (i == 0 || idx[i] != idx[i - 1])
            group_add(g, idx[i]);
    free(idx);
}

/* msg with every occurrence of id replaced by STORE_AUDIT_ID_MARK (allocated; NULL for NULL). */
static char *
mask_id(const char *msg, const char *id)
{
    struct strbuf sb;
    const char *p, *m;
    size_t len = id != NULL ? strlen(id) : 0;

    if (msg == NULL)
        return NULL;
    if (len == 0 || strstr(msg, STORE_AUDIT_ID_MARK) != NULL || strstr(id, STORE_AUDIT_ID_MARK))
        return xstrdup(msg);  /* unmasked: the row keeps this entity's message as it is */
    strbuf_init(&sb);
    for (p = msg; (m = strstr(p, id)) != NULL; p = m + len) {
        strbuf_printf(&sb, "%.*s", (int)(m - p), p);
        strbuf_puts(&sb, STORE_AUDIT_ID_MARK);
    }
    strbuf_puts(&sb, p);
    return strbuf_detach(&sb);
}

/* The scenario's entities in order, and their ids' addresses (findings point at them). */
struct entity_order {
    const char **ids;
    size_t n;
    const char **tab;   /* open addressing on the id's address: index + 1 in at */
    uint32_t *at;
    size_t cap;
    struct hash byname; /* the same by text, for ids not pointing into the scenario */
    bool named;
};

static size_t
ptr_slot(const void *p, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ULL;

    return (size_t)(h ^ (h >> 31)) & (cap - 1);
}

static void
order_init(struct entity_order *o, const struct scenario *sc)
{
    int kind;
    size_t i, j;

    memset(o, 0, sizeof *o);
    for (kind = SCENARIO_SITE; kind < SCENARIO_KIND_COUNT; kind++)
        o->n += scenario_count(sc, (enum scenario_kind)kind);
    o->ids = xcalloc(o->n + 1, sizeof *o->ids);
    for (o->cap = 16; o->cap < 2 * o->n; o->cap *= 2)
        ;
    o->tab = xcalloc(o->cap, sizeof *o->tab);
    o->at = xcalloc(o->cap, sizeof *o->at);
    o->n = 0;
    for (kind = SCENARIO_SITE; kind < SCENARIO_KIND_COUNT; kind++)
        for (i = 0; i < scenario_count(sc, (enum scenario_kind)kind); i++) {
            const char *id = scenario_entity_id(scenario_entity_at(sc,
                (enum scenario_kind)kind, i));

            for (j = ptr_slot(id, o->cap); o->tab[j] != NULL; j = (j + 1) & (o->cap - 1))
                ;
            o->tab[j] = id;
            o->at[j] = (uint32_t)o->n;
            o->ids[o->n++] = id;
        }
}

/* The index of entity id, or -1 when the scenario has no such entity. */
static int64_t
order_find(struct entity_order *o, const char *id)
{
    size_t j;
    void *v;

    for (j = ptr_slot(id, o->cap); o->tab[j] != NULL; j = (j + 1) & (o->cap - 1))
        if (o->tab[j] == id)
            return o->at[j];
    if (!o->named) {
        hash_init(&o->byname, NULL);
        for (j = o->n; j-- > 0;)  /* the first of equal ids wins */
            hash_put(&o->byname, o->ids[j], (void *)(uintptr_t)(j + 1));
        o->named = true;
    }
    v = hash_get(&o->byname, id);
    return v != NULL ? (int64_t)(uintptr_t)v - 1 : -1;
}

static void
order_done(struct entity_order *o)
{
    if (o->named)
        hash_done(&o->byname);
    free(o->ids);
    free(o->tab);
    free(o->at);
}

/* The groups of res's per-entity findings; *ng of them (free with free_groups). */
static struct save_group *
make_groups(const struct audit_result *res, struct entity_order *o, size_t *ng)
{
    struct save_group *g = xcalloc(res->nfindings + 1, sizeof *g);
    struct hash keys;
    size_t i, k, n = 0;

    hash_init(&keys, NULL);
    for (i = 0; i < res->nfindings; i++) {
        const struct audit_finding *fd = &res->findings[i];
        char *msg, *key;
        struct save_group *sg;
        void *v;
        int64_t at;

        if (fd->entity == NULL || (at = order_find(o, fd->entity)) < 0)
            continue;  /* stored as a row of its own */
        msg = mask_id(fd->message, fd->entity);
        key = xasprintf("%s\x1e%d\x1e%s\x1e%s", fd->rule_id, (int)fd->outcome,
            fd->waiver != NULL ? fd->waiver : "", msg != NULL ? msg : "\x1d");
        if ((v = hash_get(&keys, key)) != NULL) {
            sg = &g[(uintptr_t)v - 1];
            free(msg);
        } else {
            sg = &g[n++];
            sg->fd = fd;
            sg->message = msg;
            hash_put(&keys, key, (void *)(uintptr_t)n);
        }
        free(key);
        for (k = 0; k < (fd->ngroup > 0 ? fd->ngroup : 1); k++) {
            const char *id = fd->ngroup > 0 ? fd->group[k] : fd->entity;

            if (k > 0 && (at = order_find(o, id)) < 0)
                fatalx("audit: entity %s of %s is not in the scenario", id, fd->rule_id);
            group_add(sg, (uint32_t)at);
        }
    }
    hash_done(&keys);
    for (k = 0; k < n; k++)
        if (g[k].unsorted)
            group_sort(&g[k]);
    *ng = n;
    return g;
}

static void
fill_row(struct store_audit_finding *f, const struct audit_finding *fd)
{
    f->rule = fd->rule_id;
    f->article = fd->article;
    f->clause = fd->clause;
    f->severity = rule_severity_name(fd->severity);
    f->entity = fd->entity;
    f->outcome = rule_outcome_name(fd->outcome);
    f->message = fd->message;
    f->reason = fd->reason;
    f->explanation = audit_finding_json(fd);
}

/*
 * Store the run and its findings, grouped; the run id or -1 with *cause.
 * Deployment-wide findings are rows of their own, in rule order with the
 * groups (a group where its rule's first instance was).
 */
static int64_t
save_run(struct store *st, const struct audit_result *res, const struct scenario *sc,
    const struct rule_pack *pack, const struct audit_meta *meta, const char *waivers_hash,
    char **cause)
{
    struct store_audit_run run;
    struct store_audit_finding *f;
    struct store_audit_article arts[RULE_NARTICLES];
    struct entity_order order;
    struct save_group *g;
    char d[11], *summary;
    int64_t id;
    size_t i, k, ng, nf = 0, next = 0;

    date_format(res->as_of, d);
    summary = xasprintf("{\"pass\": %zu, \"fail\": %zu, \"not_applicable\": %zu, "
        "\"needs_evidence\": %zu, \"advisory\": %zu, \"waived\": %zu, \"score\": %.2f, "
        "\"grade\": \"%c\"}", res->counts[RULE_PASS], res->counts[RULE_FAIL],
        res->counts[RULE_NA], res->counts[RULE_NEEDS_EVIDENCE], res->counts[RULE_ADVISORY],
        res->counts[RULE_WAIVED], res->score, res->grade);
    order_init(&order, sc);
    g = make_groups(res, &order, &ng);
    memset(&run, 0, sizeof run);
    run.software = meta->software;
    run.scenario_id = meta->scenario_id;
    run.scenario_path = meta->scenario_path;
    run.scenario_hash = meta->scenario_hash;
    run.rule_pack_hash = rule_pack_hash(pack);
    run.calendar_version = meta->calendar_version;
    run.waivers_hash = waivers_hash;
    run.as_of = d;
    run.score = res->score;
    run.score_no_waivers = res->score_no_waivers;
    run.grade = res->grade;
    run.grade_no_waivers = res->grade_no_waivers;
    run.summary = summary;
    run.entities = order.ids;
    run.nentities = order.n;
    f = xcalloc(res->nfindings + 1, sizeof *f);
    for (i = 0; i < res->nfindings; i++) {
        const struct audit_finding *fd = &res->findings[i];

        if (next < ng && g[next].fd == fd) {
            /* the group this instance starts */
            fill_row(&f[nf], fd);
            f[nf].message = g[next].message;
            f[nf].ranges = g[next].rg;
            f[nf].nranges = g[next].nrg;
            f[nf].nents = g[next].n;
            nf++;
            next++;
        } else if (fd->entity == NULL || order_find(&order, fd->entity) < 0) {
            fill_row(&f[nf++], fd);
        }
    }
    for (i = 0; i < RULE_NARTICLES; i++) {
        arts[i].article = res->articles[i].number;
        arts[i].outcome = rule_outcome_name(res->articles[i].outcome);
    }
    id = store_audit_save(st, &run, f, nf, arts, RULE_NARTICLES, cause);
    for (i = 0; i < nf; i++)
        free((char *)(uintptr_t)f[i].explanation);
    for (k = 0; k < ng; k++) {
        free(g[k].message);
        free(g[k].rg);
    }
    free(g);
    free(f);
    order_done(&order);
    free(summary);
    return id;
}

/* The html report's extras: a simulated curve and a stored eval run's figures. */
static int
add_extras(struct app *a, const struct app_audit_params *p, struct app_audit_result *r,
    char **cause)
{
    size_t i;

    if (p->simulate) {
        struct sim_params sp;

        /* the deployment simulated from its simulation: facts */
        if (sim_params_from_scenario(r->rin.sc, &sp, cause) != 0 ||
            (r->sim = sim_run(&sp, r->cal, cause)) == NULL) {
            cause_prefix(cause, "--simulate");
            return -1;
        }
        r->rin.sim = r->sim;
        /* the report lists every parameter assumed with where it came from */
        r->nsim_src = app_sim_sources(r->rin.sc, &r->sim->params, &r->sim_src);
        r->sim_params = xcalloc(r->nsim_src + 1, sizeof *r->sim_params);
        for (i = 0; i < r->nsim_src; i++) {
            r->sim_params[i].param = r->sim_src[i].param;
            r->sim_params[i].value = r->sim_src[i].value;
            r->sim_params[i].source = r->sim_src[i].fact ? xasprintf("deployment.%s",
                r->sim_src[i].source) : xstrdup(r->sim_src[i].source);
        }
        r->rin.sim_params = r->sim_params;
        r->rin.nsim_params = r->nsim_src;
    }
    if (p->eval_ref != NULL) {
        struct store *st = app_store(a, cause);
        char *label;

        if (st == NULL)
            return -1;
        if ((r->evres = eval_store_load(st, p->eval_ref, NULL, cause)) == NULL) {
            cause_prefix(cause, "--eval");
            return -1;
        }
        eval_figures_compute(r->evres, &r->evfig);
        label = xasprintf("eval run %s (%s, threshold %.4g)", p->eval_ref,
            eval_protocol_name(r->evfig.protocol), r->evfig.threshold);
        r->revl = report_eval_from_figures(label, &r->evfig);
        free(label);
        r->rin.eval = r->revl;
    }
    return 0;
}

struct app_audit_result *
app_audit(struct app *a, const struct app_audit_params *p, char **cause)
{
    struct app_audit_result *r = xcalloc(1, sizeof *r);
    char whash[SHA256_HEX_LEN + 1];
    const struct rule_pack *pack = p->pack;
    const struct calendar *cal = p->cal;
    struct scenario *sc = p->scenario;
    struct audit_opts opts;
    struct fact_value fv;
    fa_date as_of = p->as_of;
    size_t i;

    r->run_id = -1;
    r->expect_bad = -1;
    if (pack == NULL) {
        if (rule_pack_load_with_readings(p->rules_dir, p->readings, p->nreadings, &r->pack,
            &r->cal, cause) == -1)
            goto fail;
        pack = r->pack;
        cal = r->cal;
    }
    if (sc == NULL) {
        if ((r->sc = scenario_load(p->scenario_path, 0, cause)) == NULL)
            goto fail;
        sc = r->sc;
        for (i = 0; p->warn != NULL && i < scenario_warning_count(sc); i++)
            p->warn(p->warn_user, scenario_warning(sc, i));
    }
    if (p->waivers_path != NULL) {
        if ((r->wv = waivers_load(p->waivers_path, pack, cause)) == NULL ||
            sha256_file_hex(p->waivers_path, whash, cause) != 0)
            goto fail;
    }
    if (as_of == FA_DATE_NONE) {
        scenario_get(scenario_deployment(sc), "as_of", &fv, NULL);
        as_of = fv.state == FACT_KNOWN ? fv.v.date : date_today();
    }
    memset(&opts, 0, sizeof opts);
    opts.as_of = as_of;
    opts.cal = cal;
    opts.waivers = r->wv;
    /* a large grouped audit keeps one finding per group as it goes (SARIF, a
     * baseline and --per-device need every instance) */
    if ((r->res = (!p->per_device && !p->instances && p->baseline == NULL &&
        scenario_count(sc, SCENARIO_DEVICE) >= AUDIT_AGGREGATE_MIN_DEVICES ?
        audit_run_aggregated : audit_run)(pack, sc, &opts, cause)) == NULL)
        goto fail;
    r->years = calendar_years(cal);
    r->meta.software = "faceaudit " PACKAGE_VERSION;
    r->meta.scenario_id = scenario_entity_id(scenario_deployment(sc));
    scenario_get(scenario_deployment(sc), "name", &fv, NULL);
    r->meta.scenario_name = fv.state == FACT_KNOWN ? fv.v.s : NULL;
    r->meta.scenario_path = scenario_path(sc);
    r->meta.scenario_hash = scenario_hash(sc);
    r->meta.calendar_version = calendar_version(cal);
    r->meta.calendar_years = r->years;
    r->meta.waivers_file = p->waivers_path;
    if (p->baseline != NULL) {
        struct store *st = NULL;

        if (!fs_exists(p->baseline) && (st = app_store(a, cause)) == NULL)
            goto fail;
        if ((r->base = report_snapshot_load(st, p->baseline, cause)) == NULL) {
            cause_prefix(cause, "--baseline");
            goto fail;
        }
        r->bl = report_baseline_new(r->base, r->res);
    }
    r->rin.res = r->res;
    r->rin.pack = pack;
    r->rin.meta = &r->meta;
    r->rin.waivers = r->wv;
    r->rin.sc = sc;
    r->rin.baseline = r->bl;
    /* grouped across devices unless asked; a baseline compares instance by instance */
    if (!p->per_device && r->bl == NULL) {
        r->groups = report_groups_new(r->res, REPORT_MAX_RUNS);
        r->rin.groups = r->groups;
    }
    r->deliv = p->deliv;
    if (r->deliv.report_date == FA_DATE_NONE)
        r->deliv.report_date = date_today();
    r->rin.deliv = &r->deliv;
    r->rin.all = p->all;
    if (add_extras(a, p, r, cause) == -1)
        goto fail;
    if (p->save && r->res->no_score != NULL) {
        r->not_saved = r->res->no_score;  /* the schema needs a grade: nothing to record */
    } else if (p->save) {
        struct store *st = app_store(a, cause);

        if (st == NULL || (r->run_id = save_run(st, r->res, sc, pack, &r->meta,
            p->waivers_path != NULL ? whash : NULL, cause)) < 0)
            goto fail;
    }
    if (p->expect_path != NULL) {
        r->expect_bad = audit_check_expected(r->res, pack, p->expect_path, &r->expect_log,
            cause);
        if (r->expect_bad < 0)
            goto fail;
    }
    return r;
fail:
    app_audit_result_free(r);
    return NULL;
}

void
app_audit_result_free(struct app_audit_result *r)
{
    size_t i;

    if (r == NULL)
        return;
    report_groups_free(r->groups);
    report_baseline_free(r->bl);
    report_snapshot_free(r->base);
    sim_result_free(r->sim);
    for (i = 0; r->sim_params != NULL && i < r->nsim_src; i++)
        free((char *)(uintptr_t)r->sim_params[i].source);
    free(r->sim_params);
    app_sim_sources_free(r->sim_src, r->nsim_src);
    if (r->evres != NULL) {
        report_eval_fig_free(r->revl);
        eval_figures_done(&r->evfig);
        eval_result_free(r->evres);
    }
    free(r->expect_log);
    free(r->years);
    audit_result_free(r->res);
    waivers_free(r->wv);
    scenario_free(r->sc);
    calendar_free(r->cal);
    rule_pack_free(r->pack);
    free(r);
}
