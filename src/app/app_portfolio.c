/* SPDX-License-Identifier: MIT */
/*
 * app_portfolio.c - a regulator's portfolio: many scenarios, one per
 * handler, audited in parallel with one shared rule pack and calendar.
 * Worker threads take the next scenario from an atomic counter, so a slow
 * scenario does not hold up the others, and write each row in place, so the
 * summary is in path order whatever the timing. Each scenario's full
 * (grouped) report can be written beside the others. The summary is a
 * table or a JSON file that a later run is compared with.
 */
#include "config.h"

#include "faceaudit/app.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/calendar.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/json.h"
#include "faceaudit/jsonw.h"
#include "faceaudit/log.h"
#include "faceaudit/report.h"
#include "faceaudit/rule.h"
#include "faceaudit/scenario.h"
#include "faceaudit/str.h"
#include "faceaudit/vec.h"
#include "faceaudit/xmalloc.h"

/* Devices from which a scenario's audit folds instances as they are produced. */
#define PORTFOLIO_AGGREGATE_MIN 5000

static const char *
words(enum rule_outcome oc)
{
    static const char *const w[] = {
        [RULE_PASS] = "pass", [RULE_FAIL] = "fail", [RULE_NA] = "not applicable",
        [RULE_NEEDS_EVIDENCE] = "needs evidence", [RULE_ADVISORY] = "advisory",
        [RULE_WAIVED] = "waived",
    };
    return w[oc];
}

static bool
known(const struct scenario *sc, const char *path, struct fact_value *fv)
{
    return scenario_get(scenario_deployment(sc), path, fv, NULL) == 0 &&
        fv->state == FACT_KNOWN;
}

/* "scenarios/x.fa.yaml" -> "x". */
static char *
stem(const char *path)
{
    const char *b = strrchr(path, '/');
    size_t n;

    b = b != NULL ? b + 1 : path;
    n = strlen(b);
    if (n > 8 && strcmp(b + n - 8, ".fa.yaml") == 0)
        n -= 8;
    return xstrndup(b, n);
}

static void
filing(const struct app_portfolio_opts *o, const struct scenario *sc,
    const struct audit_result *res, struct app_portfolio_row *row)
{
    struct fact_value fv, dv;
    char d[11];
    const char *state;

    if (known(sc, "filing.filed", &fv) && fv.v.b) {
        if (known(sc, "filing.date", &dv)) {
            date_format(dv.v.date, d);
            row->filing = xasprintf("filed %s (Art. 15: %s)", d, words(res->articles[14].outcome));
        } else {
            row->filing = xasprintf("filed (Art. 15: %s)", words(res->articles[14].outcome));
        }
    } else {
        state = known(sc, "filing.filed", &fv) ? "not filed" : "unknown";
        row->filing = xasprintf("%s (Art. 15: %s)", state, words(res->articles[14].outcome));
    }
    row->deadline = FA_DATE_NONE;
    if (known(sc, "storage.reached_100k_date", &dv))
        row->deadline = calendar_add_working_days(o->cal, dv.v.date, 30, NULL);
    else if (known(sc, "storage.count_on_2025_06_01", &fv) && fv.v.i >= 100000)
        row->deadline = date_from_ymd(2025, 7, 14);
}

/* The scenario's full report beside the others; -1 with *cause. */
static int
write_report(const struct app_portfolio_opts *o, const struct scenario *sc,
    const struct audit_result *res, struct app_portfolio_row *row, char **cause)
{
    const struct report_writer *w = report_writer_find(o->format);
    struct report_groups *gs = report_groups_new(res, REPORT_MAX_RUNS);
    struct report_deliverable dv = { NULL, NULL, date_today(), NULL };
    struct report_input in;
    struct audit_meta meta;
    struct fact_value fv;
    char *years = calendar_years(o->cal), *name = stem(row->path), *file, *text;
    int rc = -1;

    memset(&meta, 0, sizeof meta);
    meta.software = o->software;
    meta.scenario_id = row->scenario;
    meta.scenario_name = known(sc, "name", &fv) ? fv.v.s : NULL;
    meta.scenario_path = scenario_path(sc);
    meta.scenario_hash = scenario_hash(sc);
    meta.calendar_version = calendar_version(o->cal);
    meta.calendar_years = years;
    memset(&in, 0, sizeof in);
    in.res = res;
    in.pack = o->pack;
    in.meta = &meta;
    in.sc = sc;
    in.groups = gs;
    in.deliv = &dv;
    file = xasprintf("%s/%s.%s", o->outdir, name, w != NULL ? w->ext : "txt");
    if ((text = report_render(o->format, &in, cause)) != NULL &&
        fs_write_atomic(file, text, strlen(text), 0644, cause) == 0) {
        row->report = file;
        file = NULL;
        rc = 0;
    }
    free(text);
    free(file);
    free(name);
    free(years);
    report_groups_free(gs);
    return rc;
}

static void
audit_one(const struct app_portfolio_opts *o, struct app_portfolio_row *row)
{
    struct scenario *sc;
    struct audit_result *res;
    struct audit_opts ao;
    struct fact_value fv;
    char *cause = NULL;
    size_t i;

    if ((sc = scenario_load(row->path, 0, &cause)) == NULL) {
        row->error = cause;
        return;
    }
    row->scenario = xstrdup(scenario_entity_id(scenario_deployment(sc)));
    row->handler = xstrdup(known(sc, "handler.name", &fv) ? fv.v.s : row->scenario);
    memset(&ao, 0, sizeof ao);
    ao.as_of = o->as_of != FA_DATE_NONE ? o->as_of : known(sc, "as_of", &fv) ? fv.v.date :
        date_today();
    ao.cal = o->cal;
    res = (scenario_count(sc, SCENARIO_DEVICE) >= PORTFOLIO_AGGREGATE_MIN ?
        audit_run_aggregated : audit_run)(o->pack, sc, &ao, &cause);
    if (res == NULL) {
        row->error = cause;
        scenario_free(sc);
        return;
    }
    row->audited = ao.as_of;
    row->score = res->score;
    row->grade = res->grade;
    if (res->no_score != NULL) {
        row->no_score = xstrdup(res->no_score);
        row->score = 0;
        row->grade = '-';
    }
    for (i = 0; i < res->nfindings; i++) {
        const struct audit_finding *fd = &res->findings[i];
        size_t w = fd->ngroup > 0 ? fd->ngroup : 1;

        if (fd->outcome == RULE_FAIL)
            row->fails[fd->severity] += w;
        else if (fd->outcome == RULE_NEEDS_EVIDENCE)
            row->evidence += w;
    }
    filing(o, sc, res, row);
    if (o->outdir != NULL && write_report(o, sc, res, row, &cause) != 0)
        row->error = cause;
    audit_result_free(res);
    scenario_free(sc);
}

struct worker {
    const struct app_portfolio_opts *o;
    struct app_portfolio *p;
    size_t *next;
    pthread_mutex_t lock;       /* progress calls and the cancelled flag */
};

static bool
stop_requested(struct worker *w)
{
    const struct app_progress *pr = w->o->pr;
    bool stop;

    if (pr == NULL || pr->cancel_requested == NULL)
        return false;
    pthread_mutex_lock(&w->lock);
    if (!w->p->cancelled && pr->cancel_requested(pr->user))
        w->p->cancelled = true;
    stop = w->p->cancelled;
    pthread_mutex_unlock(&w->lock);
    return stop;
}

static void *
work(void *arg)
{
    struct worker *w = arg;
    const struct app_progress *pr = w->o->pr;
    size_t i;

    while (!stop_requested(w) && (i = __atomic_fetch_add(w->next, 1, __ATOMIC_RELAXED)) <
        w->p->n) {
        audit_one(w->o, &w->p->rows[i]);
        pthread_mutex_lock(&w->lock);
        w->p->audited++;
        if (pr != NULL && pr->progress != NULL)
            pr->progress(pr->user, "scenarios", w->p->audited, w->p->n);
        pthread_mutex_unlock(&w->lock);
    }
    return NULL;
}

static struct app_portfolio *
run_portfolio(const struct app_portfolio_opts *o, char **cause)
{
    struct app_portfolio *p;
    struct worker w;
    pthread_t tid[APP_PORTFOLIO_MAX_JOBS];
    size_t next = 0, i, j;
    int t, started = 0;

    if (o->jobs < 1 || o->jobs > APP_PORTFOLIO_MAX_JOBS) {
        cause_set(cause, "--jobs must be 1 to %d, not %d", APP_PORTFOLIO_MAX_JOBS, o->jobs);
        return NULL;
    }
    if (o->npaths == 0 || o->npaths > APP_PORTFOLIO_MAX_SCENARIOS) {
        cause_set(cause, "a portfolio holds 1 to %d scenarios, not %zu",
            APP_PORTFOLIO_MAX_SCENARIOS, o->npaths);
        return NULL;
    }
    if (o->outdir != NULL) {
        /* reports are named after their scenario files: two of one name would collide */
        for (i = 0; i < o->npaths; i++)
            for (j = i + 1; j < o->npaths; j++) {
                char *a = stem(o->paths[i]), *b = stem(o->paths[j]);
                bool same = strcmp(a, b) == 0;

                free(a);
                free(b);
                if (same) {
                    cause_set(cause, "%s and %s would write the same report in %s; rename "
                        "one", o->paths[i], o->paths[j], o->outdir);
                    return NULL;
                }
            }
        if (fs_mkdir_p(o->outdir, 0755, cause) != 0)
            return NULL;
    }
    p = xcalloc(1, sizeof *p);
    p->n = o->npaths;
    p->rows = xcalloc(p->n, sizeof *p->rows);
    for (i = 0; i < p->n; i++) {
        p->rows[i].path = xstrdup(o->paths[i]);
        p->rows[i].deadline = p->rows[i].audited = FA_DATE_NONE;
    }
    w.o = o;
    w.p = p;
    w.next = &next;
    pthread_mutex_init(&w.lock, NULL);
    for (t = 1; t < o->jobs && (size_t)t < p->n; t++) {
        if (pthread_create(&tid[started], NULL, work, &w) != 0)
            break;
        started++;
    }
    work(&w);
    for (t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    pthread_mutex_destroy(&w.lock);
    for (i = 0; i < p->n && p->cancelled; i++)
        if (p->rows[i].scenario == NULL && p->rows[i].error == NULL)
            p->rows[i].error = xstrdup(APP_CANCELLED);
    return p;
}

struct app_portfolio *
app_portfolio_run(const struct app_portfolio_opts *o, char **cause)
{
    struct app_portfolio_opts own;
    struct rule_pack *pack = NULL;
    struct calendar *cal = NULL;
    struct app_portfolio *p;

    if (o->pack != NULL)
        return run_portfolio(o, cause);
    /* one pack and calendar for every scenario, with the readings selected */
    if (rule_pack_load_with_readings(NULL, o->readings, o->nreadings, &pack, &cal, cause) != 0)
        return NULL;
    own = *o;
    own.pack = pack;
    own.cal = cal;
    p = run_portfolio(&own, cause);
    calendar_free(cal);
    rule_pack_free(pack);
    return p;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
app_portfolio_expand(char *const *args, size_t nargs, char ***paths, size_t *npaths,
    char **cause)
{
    struct vec v;
    size_t i;

    vec_init(&v, free);
    for (i = 0; i < nargs; i++) {
        DIR *d;
        struct dirent *de;
        size_t first = v.len;

        if (!fs_is_dir(args[i])) {
            vec_push(&v, xstrdup(args[i]));
            continue;
        }
        if ((d = opendir(args[i])) == NULL) {
            cause_set(cause, "%s: cannot read the folder", args[i]);
            vec_done(&v);
            return -1;
        }
        while ((de = readdir(d)) != NULL) {
            size_t n = strlen(de->d_name);

            if (n > 8 && strcmp(de->d_name + n - 8, ".fa.yaml") == 0 &&
                v.len < APP_PORTFOLIO_MAX_SCENARIOS)
                vec_push(&v, path_join(args[i], de->d_name));
        }
        closedir(d);
        if (v.len == first) {
            cause_set(cause, "%s: no scenario files (*.fa.yaml) in the folder", args[i]);
            vec_done(&v);
            return -1;
        }
        qsort(&v.items[first], v.len - first, sizeof *v.items, cmp_str);
    }
    *npaths = v.len;
    *paths = xcalloc(v.len + 1, sizeof **paths);
    for (i = 0; i < v.len; i++)
        (*paths)[i] = v.items[i];
    v.free_item = NULL;
    vec_done(&v);
    return 0;
}

void
app_portfolio_free(struct app_portfolio *p)
{
    size_t i;

    if (p == NULL)
        return;
    for (i = 0; i < p->n; i++) {
        free(p->rows[i].path);
        free(p->rows[i].scenario);
        free(p->rows[i].handler);
        free(p->rows[i].filing);
        free(p->rows[i].no_score);
        free(p->rows[i].report);
        free(p->rows[i].error);
    }
    free(p->rows);
    free(p);
}

static bool
row_failed(const struct app_portfolio_row *r)
{
    return r->error == NULL && r->fails[0] + r->fails[1] + r->fails[2] + r->fails[3] > 0;
}

bool
app_portfolio_failed(const struct app_portfolio *p, size_t *errors)
{
    size_t i;
    bool failed = false;

    *errors = 0;
    for (i = 0; i < p->n; i++) {
        failed |= row_failed(&p->rows[i]);
        *errors += p->rows[i].error != NULL;
    }
    return failed;
}

static void
datestr(fa_date d, char out[11])
{
    if (d == FA_DATE_NONE)
        strcpy(out, "-");
    else
        date_format(d, out);
}

char *
app_portfolio_text(const struct app_portfolio *p)
{
    struct strbuf sb;
    size_t i, nfail = 0, nerr = 0;

    strbuf_init(&sb);
    strbuf_printf(&sb, "%-30s %5s %2s %4s %4s %4s %4s %4s  %-40s %-10s %-10s\n", "HANDLER",
        "SCORE", "GR", "CRIT", "HIGH", "MED", "LOW", "EVID", "FILING", "DEADLINE", "AUDITED");
    for (i = 0; i < p->n; i++) {
        const struct app_portfolio_row *r = &p->rows[i];
        char dl[11], au[11];

        if (r->error != NULL && r->scenario == NULL) {
            strbuf_printf(&sb, "%-30.30s not audited: %s\n", r->path, r->error);
            nerr++;
            continue;
        }
        datestr(r->deadline, dl);
        datestr(r->audited, au);
        if (r->no_score != NULL)  /* not in force or out of scope: no score, and why */
            strbuf_printf(&sb, "%-30.30s %5s %2c %4zu %4zu %4zu %4zu %4zu  %-40.40s %-10s %-10s\n"
                "  no score: %s\n", r->handler, "-", '-', r->fails[3], r->fails[2], r->fails[1],
                r->fails[0], r->evidence, r->filing, dl, au, r->no_score);
        else
            strbuf_printf(&sb, "%-30.30s %5.1f %2c %4zu %4zu %4zu %4zu %4zu  %-40.40s %-10s "
                "%-10s\n", r->handler, r->score, r->grade, r->fails[3], r->fails[2], r->fails[1],
                r->fails[0], r->evidence, r->filing, dl, au);
        if (r->error != NULL) {
            strbuf_printf(&sb, "  report not written: %s\n", r->error);
            nerr++;
        }
        nfail += row_failed(r);
    }
    strbuf_printf(&sb, "%zu scenario%s, %zu failing, %zu not audited\n", p->n,
        p->n == 1 ? "" : "s", nfail, nerr);
    return strbuf_detach(&sb);
}

/* A date, or null. */
static void
kdate(struct jw *w, const char *key, fa_date d)
{
    char buf[11];

    jw_key(w, key);
    if (d == FA_DATE_NONE) {
        jw_null(w);
    } else {
        date_format(d, buf);
        jw_str(w, buf);
    }
}

static void
kgrade(struct jw *w, const char *key, char grade)
{
    char g[2] = { grade != 0 ? grade : '-', '\0' };

    jw_kstr(w, key, g);
}

char *
app_portfolio_json(const struct app_portfolio *p)
{
    struct strbuf sb;
    struct jw w;
    size_t i;

    strbuf_init(&sb);
    jw_init(&w, &sb, JW_SPACED);
    jw_object(&w, JW_LINES);
    jw_kstr(&w, "schema", "faceaudit-portfolio");
    jw_kint(&w, "version", 1);
    jw_key(&w, "scenarios");
    jw_array(&w, JW_LINES);
    for (i = 0; i < p->n; i++) {
        const struct app_portfolio_row *r = &p->rows[i];

        jw_object(&w, JW_INLINE);
        jw_kstr(&w, "path", r->path);
        jw_kstr(&w, "scenario", r->scenario);
        jw_kstr(&w, "handler", r->handler);
        jw_kfixed(&w, "score", r->error != NULL && r->scenario == NULL ? 0.0 : r->score, 2);
        kgrade(&w, "grade", r->grade);
        jw_key(&w, "fails");
        jw_object(&w, JW_INLINE);
        jw_kuint(&w, "critical", r->fails[3]);
        jw_kuint(&w, "high", r->fails[2]);
        jw_kuint(&w, "medium", r->fails[1]);
        jw_kuint(&w, "low", r->fails[0]);
        jw_object_end(&w);
        jw_kuint(&w, "needs_evidence", r->evidence);
        jw_kstr(&w, "filing", r->filing);
        jw_kstr(&w, "no_score", r->no_score);
        kdate(&w, "deadline", r->deadline);
        kdate(&w, "audited", r->audited);
        jw_kstr(&w, "report", r->report);
        jw_kstr(&w, "error", r->error);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    jw_object_end(&w);
    strbuf_puts(&sb, "\n");
    return strbuf_detach(&sb);
}

bool
app_portfolio_is_json(const char *text, size_t len)
{
    return len > 0 && memmem(text, len < 200 ? len : 200, "\"faceaudit-portfolio\"", 21) != NULL;
}

static const char *
jstr(const struct json *o, const char *key)
{
    const struct json *v = json_get(o, key);

    return v != NULL && v->type == JSON_STRING ? v->str : NULL;
}

static double
jnum(const struct json *o, const char *key)
{
    const struct json *v = json_get(o, key);

    return v != NULL && v->type == JSON_NUMBER ? v->num : 0;
}

struct app_portfolio *
app_portfolio_from_json(const char *text, size_t len, const char *name, char **cause)
{
    struct json *root = json_parse(text, len, name, cause);
    const struct json *sc;
    struct app_portfolio *p;
    size_t i;

    if (root == NULL)
        return NULL;
    if (root->type != JSON_OBJECT || jstr(root, "schema") == NULL ||
        strcmp(jstr(root, "schema"), "faceaudit-portfolio") != 0 ||
        (sc = json_get(root, "scenarios")) == NULL || sc->type != JSON_ARRAY) {
        cause_set(cause, "%s:%d:%d: not a portfolio summary (faceaudit-portfolio JSON)", name,
            root->line, root->col);
        json_free(root);
        return NULL;
    }
    p = xcalloc(1, sizeof *p);
    p->rows = xcalloc(sc->n + 1, sizeof *p->rows);
    for (i = 0; i < sc->n; i++) {
        const struct json *o = sc->items[i], *f;
        struct app_portfolio_row *r = &p->rows[p->n];
        const char *g;

        if (o->type != JSON_OBJECT || jstr(o, "path") == NULL) {
            cause_set(cause, "%s:%d:%d: a scenario entry without \"path\"", name, o->line,
                o->col);
            json_free(root);
            app_portfolio_free(p);
            return NULL;
        }
        p->n++;
        r->path = xstrdup(jstr(o, "path"));
        r->scenario = jstr(o, "scenario") != NULL ? xstrdup(jstr(o, "scenario")) : NULL;
        r->handler = xstrdup(jstr(o, "handler") != NULL ? jstr(o, "handler") : r->path);
        r->score = jnum(o, "score");
        g = jstr(o, "grade");
        r->grade = g != NULL ? g[0] : '-';
        if ((g = jstr(o, "no_score")) != NULL)
            r->no_score = xstrdup(g);
        if ((f = json_get(o, "fails")) != NULL && f->type == JSON_OBJECT) {
            r->fails[3] = (size_t)jnum(f, "critical");
            r->fails[2] = (size_t)jnum(f, "high");
            r->fails[1] = (size_t)jnum(f, "medium");
            r->fails[0] = (size_t)jnum(f, "low");
        }
        r->evidence = (size_t)jnum(o, "needs_evidence");
        r->filing = jstr(o, "filing") != NULL ? xstrdup(jstr(o, "filing")) : NULL;
        r->error = jstr(o, "error") != NULL ? xstrdup(jstr(o, "error")) : NULL;
        r->deadline = r->audited = FA_DATE_NONE;
        if (jstr(o, "deadline") != NULL)
            date_parse(jstr(o, "deadline"), &r->deadline, NULL);
        if (jstr(o, "audited") != NULL)
            date_parse(jstr(o, "audited"), &r->audited, NULL);
    }
    json_free(root);
    return p;
}

enum pchange { P_NEW_FAIL, P_FIXED, P_CHANGED, P_ADDED, P_REMOVED, P_SAME, P_NKINDS };

static const char *const pchange_name[] = {
    "newly failing", "fixed", "changed", "added", "removed", "unchanged"
};

static const struct app_portfolio_row *
find_handler(const struct app_portfolio *p, const char *handler)
{
    size_t i;

    for (i = 0; i < p->n; i++)
        if (strcmp(p->rows[i].handler, handler) == 0)
            return &p->rows[i];
    return NULL;
}

static enum pchange
classify(const struct app_portfolio_row *a, const struct app_portfolio_row *b)
{
    if (a == NULL)
        return row_failed(b) ? P_NEW_FAIL : P_ADDED;
    if (b == NULL)
        return P_REMOVED;
    if (row_failed(b) && !row_failed(a))
        return P_NEW_FAIL;
    if (row_failed(a) && !row_failed(b))
        return P_FIXED;
    if (a->grade != b->grade || a->score - b->score > 0.005 || b->score - a->score > 0.005 ||
        memcmp(a->fails, b->fails, sizeof a->fails) != 0)
        return P_CHANGED;
    return P_SAME;
}

/* "before": {"score": 91.00, "grade": "A"} */
static void
score_grade(struct jw *w, const char *key, const struct app_portfolio_row *r)
{
    jw_key(w, key);
    jw_object(w, JW_INLINE);
    jw_kfixed(w, "score", r->score, 2);
    kgrade(w, "grade", r->grade);
    jw_object_end(w);
}

char *
app_portfolio_diff(const struct app_portfolio *a, const struct app_portfolio *b, bool json,
    bool verbose, size_t *newly)
{
    struct strbuf sb;
    size_t cnt[P_NKINDS] = { 0 }, i, total = 0;
    struct jw w;
    int k;

    strbuf_init(&sb);
    for (i = 0; i < b->n; i++)
        cnt[classify(find_handler(a, b->rows[i].handler), &b->rows[i])]++;
    for (i = 0; i < a->n; i++)
        if (find_handler(b, a->rows[i].handler) == NULL)
            cnt[P_REMOVED]++;
    *newly = cnt[P_NEW_FAIL];
    jw_init(&w, &sb, JW_SPACED);
    if (json) {
        jw_object(&w, JW_LINES);
        jw_kstr(&w, "schema", "faceaudit-portfolio-diff");
        jw_kint(&w, "version", 1);
        jw_key(&w, "counts");
        jw_object(&w, JW_INLINE);
        jw_kuint(&w, "newly_failing", cnt[P_NEW_FAIL]);
        jw_kuint(&w, "fixed", cnt[P_FIXED]);
        jw_kuint(&w, "changed", cnt[P_CHANGED]);
        jw_kuint(&w, "added", cnt[P_ADDED]);
        jw_kuint(&w, "removed", cnt[P_REMOVED]);
        jw_kuint(&w, "unchanged", cnt[P_SAME]);
        jw_object_end(&w);
        jw_key(&w, "entries");
        jw_array(&w, JW_LINES);
    } else
        strbuf_printf(&sb, "%zu newly failing, %zu fixed, %zu changed, %zu added, %zu removed, "
            "%zu unchanged\n", cnt[P_NEW_FAIL], cnt[P_FIXED], cnt[P_CHANGED], cnt[P_ADDED],
            cnt[P_REMOVED], cnt[P_SAME]);
    /* newly failing first, then the other kinds in order */
    for (k = 0; k < P_NKINDS; k++) {
        size_t n = k == P_REMOVED ? a->n : b->n;

        if (k == P_SAME && !verbose && !json)
            break;
        for (i = 0; i < n; i++) {
            const struct app_portfolio_row *ra, *rb;
            enum pchange c;

            if (k == P_REMOVED) {
                ra = &a->rows[i];
                if ((rb = find_handler(b, ra->handler)) != NULL)
                    continue;
                c = P_REMOVED;
            } else {
                rb = &b->rows[i];
                ra = find_handler(a, rb->handler);
                if ((c = classify(ra, rb)) == P_REMOVED || (int)c != k)
                    continue;
            }
            total++;
            if (json) {
                jw_object(&w, JW_INLINE);
                jw_kstr(&w, "change", pchange_name[c]);
                jw_kstr(&w, "handler", (rb != NULL ? rb : ra)->handler);
                if (ra != NULL)
                    score_grade(&w, "before", ra);
                if (rb != NULL)
                    score_grade(&w, "after", rb);
                jw_object_end(&w);
            } else {
                strbuf_printf(&sb, "  %-14s %-30.30s", pchange_name[c],
                    (rb != NULL ? rb : ra)->handler);
                if (ra != NULL)
                    strbuf_printf(&sb, "  %5.1f %c", ra->score, ra->grade);
                else
                    strbuf_puts(&sb, "      - -");
                if (rb != NULL)
                    strbuf_printf(&sb, " -> %5.1f %c", rb->score, rb->grade);
                strbuf_puts(&sb, "\n");
            }
        }
    }
    if (json) {
        jw_array_end(&w);
        jw_object_end(&w);
        strbuf_puts(&sb, "\n");
    }
    (void)total;
    return strbuf_detach(&sb);
}
