/* SPDX-License-Identifier: MIT */
/*
 * sim_store.c - a simulation or replay result as stored: its parameters and
 * summary as JSON objects (printed the same way by `simulate --format
 * json`), and the plain rows of store_sim.h (as eval_store.c does for
 * evaluations), so the store module does not depend on sim.
 */
#include "config.h"

#include "faceaudit/sim.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/rule.h"
#include "faceaudit/store_sim.h"
#include "faceaudit/store_thumb.h"
#include "faceaudit/image.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

void
sim_sum_days(const struct sim_result *r, struct sim_totals *t)
{
    int i;

    memset(t, 0, sizeof *t);
    for (i = 0; i < r->params.days; i++) {
        const struct sim_day *d = &r->days[i];

        t->arrivals += d->arrivals;
        t->new_people += d->new_people;
        t->enrolments += d->enrolments;
        t->purged += d->purged;
        t->refusals += d->refusals;
        t->served += d->refusals_served;
        t->unserved += d->refusals_unserved;
        t->fnm += d->false_non_matches;
        t->fm += d->false_matches;
        t->minors += d->minors;
        t->minors_no_consent += d->minors_no_consent;
    }
}

static void
json_date(struct strbuf *sb, fa_date d)
{
    char b[11];

    if (d == FA_DATE_NONE) {
        strbuf_puts(sb, "null");
        return;
    }
    date_format(d, b);
    strbuf_printf(sb, "\"%s\"", b);
}

char *
sim_params_json(const struct sim_params *p)
{
    struct strbuf b, *sb = &b;

    strbuf_init(sb);
    strbuf_puts(sb, "{\"start\": ");
    json_date(sb, p->start);
    strbuf_printf(sb, ", \"days\": %d, \"seed\": %" PRIu64 ", \"devices\": %d, "
        "\"arrivals_weekday\": %.17g, \"arrivals_weekend\": %.17g, \"population\": %" PRId64
        ", \"returning_rate\": %.17g, \"share_under14\": %.17g, \"share_refuse\": %.17g, "
        "\"guardian_consent\": %.17g, \"alternative\": %s, \"enrolment\": \"%s\", "
        "\"retention_days\": %d, \"purge\": \"%s\", \"fnmr\": %.17g, \"fpir\": %.17g, "
        "\"initial_stored\": %" PRId64 ", \"filed\": ", p->days, p->seed, p->devices,
        p->weekday_mean, p->weekend_mean, p->population, p->returning_rate, p->share_under14,
        p->share_refuse, p->guardian_consent, p->alternative ? "true" : "false",
        sim_enrol_name(p->enrol), p->retention_days, sim_purge_name(p->purge), p->fnmr, p->fpir,
        p->initial_stored);
    json_date(sb, p->filed);
    strbuf_putc(sb, '}');
    return strbuf_detach(sb);
}

char *
sim_summary_json(const struct sim_result *r)
{
    struct strbuf b, *sb = &b;
    struct sim_totals t;

    strbuf_init(sb);
    sim_sum_days(r, &t);
    strbuf_printf(sb, "{\"arrivals\": %" PRId64 ", \"new_people\": %" PRId64
        ", \"enrolments\": %" PRId64 ", \"purged\": %" PRId64 ", \"refusals\": %" PRId64
        ", \"served_by_alternative\": %" PRId64 ", \"turned_away\": %" PRId64
        ", \"false_non_matches\": %" PRId64 ", \"false_matches\": %" PRId64 ", \"minors\": %"
        PRId64 ", \"minors_without_guardian_consent\": %" PRId64 ", \"peak_stored\": %" PRId64
        ", \"threshold_reached\": ", t.arrivals, t.new_people, t.enrolments, t.purged,
        t.refusals, t.served, t.unserved, t.fnm, t.fm, t.minors, t.minors_no_consent,
        r->peak_stored);
    json_date(sb, r->threshold_reached);
    strbuf_puts(sb, ", \"filing_deadline\": ");
    json_date(sb, r->filing_deadline);
    strbuf_printf(sb, ", \"deadline_approximate\": %s, \"art15_failing_from\": ",
        r->deadline_approx ? "true" : "false");
    json_date(sb, r->art15_failing_from);
    strbuf_putc(sb, '}');
    return strbuf_detach(sb);
}

/* The day's 20 article outcomes joined by ','. */
static char *
daily_articles(const struct sim_timeline *tl, int day)
{
    struct strbuf sb;
    int a;

    strbuf_init(&sb);
    for (a = 0; a < RULE_NARTICLES; a++)
        strbuf_printf(&sb, "%s%s", a > 0 ? "," : "", rule_outcome_name(
            (enum rule_outcome)tl->daily[(size_t)day * RULE_NARTICLES + (size_t)a]));
    return strbuf_detach(&sb);
}

int64_t
sim_store_save(struct store *st, const char *kind, const char *name,
    const struct sim_result *res, const struct sim_timeline *tl, fa_date thumbs_expire,
    char **cause)
{
    const struct footage_result *fr = thumbs_expire != FA_DATE_NONE ? res->footage : NULL;
    size_t nt = fr != NULL ? fr->nthumbs : 0;
    struct store_thumb *th = xcalloc(nt + 1, sizeof *th);
    size_t n = res->params.days > 0 ? (size_t)res->params.days : 0, i;
    struct store_sim_day *rows = xcalloc(n + 1, sizeof *rows);
    char *params = sim_params_json(&res->params), *summary = sim_summary_json(res);
    int64_t id;

    for (i = 0; i < n; i++) {
        const struct sim_day *d = &res->days[i];
        struct store_sim_day *r = &rows[i];

        r->date = d->date;
        r->arrivals = d->arrivals;
        r->new_people = d->new_people;
        r->enrolments = d->enrolments;
        r->stored = d->stored;
        r->purged = d->purged;
        r->refusals = d->refusals;
        r->served = d->refusals_served;
        r->turned_away = d->refusals_unserved;
        r->false_non_matches = d->false_non_matches;
        r->false_matches = d->false_matches;
        r->minors = d->minors;
        r->minors_no_consent = d->minors_no_consent;
        r->articles = tl != NULL ? daily_articles(tl, (int)i) : NULL;
    }
    for (i = 0; i < nt; i++) {
        const struct footage_thumb *f = &fr->thumbs[i];

        th[i].device = f->device;
        th[i].date = f->date;
        th[i].track = f->track;
        th[i].file = f->file;
        th[i].time = f->time;
        th[i].width = f->img->width;
        th[i].height = f->img->height;
        th[i].expires = thumbs_expire;
        th[i].rgb = f->img->u8;
    }
    id = store_sim_save(st, kind, name, params, summary, rows, n, th, nt, cause);
    free(th);
    for (i = 0; i < n; i++)
        free((char *)(uintptr_t)rows[i].articles);
    free(rows);
    free(params);
    free(summary);
    return id;
}
