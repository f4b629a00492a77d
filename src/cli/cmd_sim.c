/* SPDX-License-Identifier: MIT */
/*
 * cmd_sim.c - `faceaudit simulate`: run a scenario's deployment day by day
 * and turn the simulated facts into a compliance timeline.
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_video.h"
#include "faceaudit/app.h"
#include "faceaudit/cli.h"
#include "faceaudit/csvw.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

static const char *
dstr(fa_date d, char buf[11])
{
    date_format(d, buf);
    return buf;
}

/* JSON string literal of s (escaped) appended to sb. */
static void
json_str(struct strbuf *sb, const char *s)
{
    strbuf_putc(sb, '"');
    for (; s != NULL && *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            strbuf_printf(sb, "\\%c", c);
        else if (c < 0x20)
            strbuf_printf(sb, "\\u%04x", c);
        else
            strbuf_putc(sb, (char)c);
    }
    strbuf_putc(sb, '"');
}

static void
format_text(struct strbuf *sb, const char *file, const struct sim_result *r,
    const struct sim_timeline *tl, bool replay)
{
    const struct sim_params *p = &r->params;
    struct sim_totals t;
    char b1[11], b2[11];
    size_t i;
    int last = 0;

    sim_sum_days(r, &t);
    if (replay) {
        strbuf_printf(sb, "replay of %s: %s .. %s (%d days)\n", file, dstr(p->start, b1),
            dstr(p->start + p->days - 1, b2), p->days);
        strbuf_printf(sb, "policy: enrolment %s, alternative %s\n", sim_enrol_name(p->enrol),
            p->alternative ? "offered" : "none");
    } else {
        strbuf_printf(sb, "simulation of %s: %s .. %s (%d days), seed %" PRIu64 "\n", file,
            dstr(p->start, b1), dstr(p->start + p->days - 1, b2), p->days, p->seed);
        strbuf_printf(sb, "model: %d devices, %.1f/%.1f arrivals per device per weekday/weekend "
            "day, population %" PRId64 ", returning %.0f%%\n", p->devices, p->weekday_mean,
            p->weekend_mean, p->population, p->returning_rate * 100);
        strbuf_printf(sb, "       under 14 %.1f%% (guardian consent %.0f%%), refuse FR %.1f%%, "
            "alternative %s\n", p->share_under14 * 100, p->guardian_consent * 100,
            p->share_refuse * 100, p->alternative ? "offered" : "none");
        if (p->retention_days < 0)
            strbuf_printf(sb, "       enrolment %s, retention unlimited\n", sim_enrol_name(p->enrol));
        else
            strbuf_printf(sb, "       enrolment %s, retention %d days, purge %s\n",
                sim_enrol_name(p->enrol), p->retention_days, sim_purge_name(p->purge));
        if (p->oracle != NULL)
            strbuf_puts(sb, "       errors: each attempt decided by the engine's descriptors\n");
        else
            strbuf_printf(sb, "       FNMR %.3f%%, FPIR %.3f%%\n", p->fnmr * 100, p->fpir * 100);
    }
    strbuf_printf(sb, "totals: %" PRId64 " arrivals, %" PRId64 " new people, %" PRId64
        " enrolments, %" PRId64 " purged\n", t.arrivals, t.new_people, t.enrolments, t.purged);
    strbuf_printf(sb, "        %" PRId64 " refusals, %" PRId64 " false non-matches: %" PRId64
        " served by the alternative, %" PRId64 " turned away\n", t.refusals, t.fnm, t.served,
        t.unserved);
    strbuf_printf(sb, "        %" PRId64 " false matches; %" PRId64 " minors processed, %"
        PRId64 " without guardian consent\n", t.fm, t.minors, t.minors_no_consent);
    strbuf_printf(sb, "stored people: %" PRId64 " at the end, peak %" PRId64 "\n",
        r->days[p->days - 1].stored, r->peak_stored);
    if (r->threshold_reached == FA_DATE_NONE)
        strbuf_printf(sb, "100,000 stored people: not reached\n");
    else {
        strbuf_printf(sb, "100,000 stored people: reached %s\n", dstr(r->threshold_reached, b1));
        strbuf_printf(sb, "filing deadline (30 working days%s): %s\n",
            r->threshold_reached < date_from_ymd(2025, 6, 1) ? " from 2025-06-01" : "",
            dstr(r->filing_deadline, b1));
        if (r->deadline_approx)
            strbuf_printf(sb, "  (approximate: a year without calendar data was counted "
                "with weekends only)\n");
        if (r->art15_failing_from != FA_DATE_NONE)
            strbuf_printf(sb, "filing: %s%s\n", p->filed == FA_DATE_NONE ? "not filed" :
                "filed late on ", p->filed == FA_DATE_NONE ? "" : dstr(p->filed, b2));
        else
            strbuf_printf(sb, "filing: filed on %s, in time\n", dstr(p->filed, b2));
    }
    if (tl == NULL)
        return;
    strbuf_puts(sb, "\ncompliance timeline (each article audited as of each day):\n");
    for (i = 0; i < tl->n; i++) {
        const struct sim_interval *it = &tl->items[i];
        char art[16] = "";

        if (it->article != last)
            snprintf(art, sizeof art, "Art. %d", it->article);
        strbuf_printf(sb, "  %-8s %-15s %s .. %s\n", art,
            rule_outcome_name((enum rule_outcome)it->outcome), dstr(it->from, b1),
            dstr(it->to, b2));
        if (it->note != NULL)
            strbuf_printf(sb, "           %s\n", it->note);
        last = it->article;
    }
    for (i = 0; i < tl->n; i++) {
        const struct sim_interval *it = &tl->items[i];

        if (it->outcome == RULE_FAIL && it->from > p->start)
            strbuf_printf(sb, "Art. %d failing from %s%s%s\n", it->article, dstr(it->from, b1),
                it->note != NULL ? ": " : "", it->note != NULL ? it->note : "");
    }
}

static void
format_csv(struct strbuf *sb, const struct sim_result *r, const struct sim_timeline *tl)
{
    char b[11];
    int i, a;

    strbuf_puts(sb, "date,arrivals,new_people,enrolments,stored_people,purged,refusals,"
        "served_by_alternative,turned_away,false_non_matches,false_matches,minors,"
        "minors_without_guardian_consent");
    for (a = 1; tl != NULL && a <= RULE_NARTICLES; a++)
        strbuf_printf(sb, ",art%02d", a);
    strbuf_putc(sb, '\n');
    for (i = 0; i < r->params.days; i++) {
        const struct sim_day *d = &r->days[i];

        strbuf_printf(sb, "%s,%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%"
            PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64,
            dstr(d->date, b), d->arrivals, d->new_people, d->enrolments, d->stored, d->purged,
            d->refusals, d->refusals_served, d->refusals_unserved, d->false_non_matches,
            d->false_matches, d->minors, d->minors_no_consent);
        for (a = 0; tl != NULL && a < RULE_NARTICLES; a++)
            strbuf_printf(sb, ",%s", rule_outcome_name((enum rule_outcome)
                tl->daily[(size_t)i * RULE_NARTICLES + (size_t)a]));
        strbuf_putc(sb, '\n');
    }
}

static void
json_date(struct strbuf *sb, fa_date d)
{
    char b[11];

    if (d == FA_DATE_NONE)
        strbuf_puts(sb, "null");
    else
        strbuf_printf(sb, "\"%s\"", dstr(d, b));
}

/* The readings the timeline's audits applied: "a13_scope=literal, ...". */
static void
format_readings(struct strbuf *sb, const struct rule_pack *pack, bool json)
{
    struct rule_reading rd;
    size_t i, n = pack != NULL ? rule_pack_nreadings(pack) : 0;

    if (json)
        strbuf_puts(sb, ",\n  \"readings\": [");
    else if (n > 0)
        strbuf_puts(sb, "readings: ");
    for (i = 0; i < n; i++) {
        rule_pack_reading(pack, i, &rd);
        if (json) {
            strbuf_puts(sb, i > 0 ? ", {\"name\": " : "{\"name\": ");
            json_str(sb, rd.name);
            strbuf_puts(sb, ", \"alternative\": ");
            json_str(sb, rd.alt);
            strbuf_printf(sb, ", \"literal\": %s}", rd.literal ? "true" : "false");
        } else {
            strbuf_printf(sb, "%s%s=%s", i > 0 ? ", " : "", rd.name, rd.alt);
        }
    }
    if (json)
        strbuf_puts(sb, "]");
    else if (n > 0)
        strbuf_puts(sb, "\n");
}

static void
format_json(struct strbuf *sb, const char *file, const struct sim_result *r,
    const struct sim_timeline *tl, const struct rule_pack *pack,
    const struct footage_result *fr)
{
    const struct sim_params *p = &r->params;
    char *json;
    size_t i;
    int di;

    strbuf_puts(sb, "{\n  \"schema\": \"faceaudit-simulation\",\n  \"version\": 1,\n"
        "  \"scenario\": ");
    json_str(sb, file);
    strbuf_puts(sb, ",\n  \"params\": ");
    json = sim_params_json(p);
    strbuf_puts(sb, json);
    free(json);
    strbuf_puts(sb, ",\n  \"summary\": ");
    json = sim_summary_json(r);
    strbuf_puts(sb, json);
    free(json);
    if (tl != NULL && pack != NULL)
        format_readings(sb, pack, true);
    strbuf_puts(sb, ",\n  \"timeline\": [");
    for (i = 0; tl != NULL && i < tl->n; i++) {
        const struct sim_interval *it = &tl->items[i];

        strbuf_printf(sb, "%s\n    {\"article\": %d, \"outcome\": \"%s\", \"from\": ",
            i > 0 ? "," : "", it->article, rule_outcome_name((enum rule_outcome)it->outcome));
        json_date(sb, it->from);
        strbuf_puts(sb, ", \"to\": ");
        json_date(sb, it->to);
        if (it->note != NULL) {
            strbuf_puts(sb, ", \"note\": ");
            json_str(sb, it->note);
        }
        strbuf_putc(sb, '}');
    }
    strbuf_puts(sb, "\n  ],\n  \"days\": [");
    for (di = 0; di < p->days; di++) {
        const struct sim_day *d = &r->days[di];

        strbuf_printf(sb, "%s\n    {\"date\": ", di > 0 ? "," : "");
        json_date(sb, d->date);
        strbuf_printf(sb, ", \"arrivals\": %" PRId64 ", \"new_people\": %" PRId64
            ", \"enrolments\": %" PRId64 ", \"stored\": %" PRId64 ", \"purged\": %" PRId64
            ", \"refusals\": %" PRId64 ", \"served_by_alternative\": %" PRId64
            ", \"turned_away\": %" PRId64 ", \"false_non_matches\": %" PRId64
            ", \"false_matches\": %" PRId64 ", \"minors\": %" PRId64
            ", \"minors_without_guardian_consent\": %" PRId64 "}", d->arrivals, d->new_people,
            d->enrolments, d->stored, d->purged, d->refusals, d->refusals_served,
            d->refusals_unserved, d->false_non_matches, d->false_matches, d->minors,
            d->minors_no_consent);
    }
    strbuf_puts(sb, "\n  ]");
    if (fr != NULL) {
        strbuf_puts(sb, ",\n  \"footage\": ");
        video_footage_json(sb, fr);
    }
    strbuf_puts(sb, "\n}\n");
}

/* Write the formatted output to -o FILE atomically, or to stdout; an exit code. */
static int
write_output(struct cli_ctx *ctx, const char *out, const struct strbuf *sb)
{
    char *cause = NULL;
    int rc;

    if (out == NULL) {
        fwrite(strbuf_str(sb), 1, sb->len, ctx->out);
        return FA_EXIT_OK;
    }
    if (fs_write_atomic(out, strbuf_str(sb), sb->len, 0644, &cause) == 0)
        return FA_EXIT_OK;
    rc = cli_error(ctx, "%s", cause);
    free(cause);
    return rc;
}

static void
format_replay_text(struct strbuf *sb, const struct replay_stats *st, float threshold)
{
    strbuf_printf(sb, "recorded events: %" PRId64 " (%zu images through the engine), %" PRId64
        " refused FR, %" PRId64 " processed, %" PRId64 " without a usable face\n", st->events,
        st->images, st->refused, st->processed, st->no_face);
    strbuf_printf(sb, "recognition at threshold %.2f (Euclidean):\n", (double)threshold);
    if (st->genuine > 0)
        strbuf_printf(sb, "  genuine searches %" PRId64 ": %" PRId64 " false non-matches (FNMR "
            "%.1f%%), rank-1 correct %" PRId64 "\n", st->genuine, st->false_non_matches,
            100.0 * (double)st->false_non_matches / (double)st->genuine, st->rank1_correct);
    else
        strbuf_puts(sb, "  genuine searches: none with a known subject (FNMR not measured)\n");
    if (st->impostor > 0)
        strbuf_printf(sb, "  searches by people not enrolled %" PRId64 ": %" PRId64
            " false matches (FPIR %.1f%%)\n", st->impostor, st->false_matches,
            100.0 * (double)st->false_matches / (double)st->impostor);
    else
        strbuf_puts(sb, "  searches by people not enrolled: none with a known subject (FPIR not "
            "measured)\n");
    strbuf_printf(sb, "minors: %" PRId64 " processed, %" PRId64 " without guardian consent, %"
        PRId64 " templates of minors stored\n\n", st->minors, st->minors_no_consent,
        st->enrolled_minors);
}

/*
 * Every parameter assumed and where it came from (a fact path, a default, an
 * option) as text, JSON or (csv) a second CSV table after one empty line.
 */
static void
format_sources(struct strbuf *sb, const struct app_sim_result *r, const char *format)
{
    struct app_sim_source *src;
    size_t i, n = app_sim_sources(r->sc, &r->res->params, &src);
    bool json = strcmp(format, "json") == 0;

    if (strcmp(format, "csv") == 0) {
        strbuf_puts(sb, "\nparameter,value,source\n");
        for (i = 0; i < n; i++) {
            char *from = xasprintf("%s%s", src[i].fact ? "deployment." : "", src[i].source);

            strbuf_printf(sb, "%s,", src[i].param);
            csv_escape(sb, src[i].value);
            strbuf_putc(sb, ',');
            csv_escape(sb, from);
            strbuf_putc(sb, '\n');
            free(from);
        }
    } else if (json) {
        strbuf_puts(sb, "{");
        for (i = 0; i < n; i++) {
            strbuf_printf(sb, "%s\"%s\": {\"value\": ", i > 0 ? ", " : "", src[i].param);
            json_str(sb, src[i].value);
            strbuf_puts(sb, ", \"source\": ");
            if (src[i].fact) {
                char *f = xasprintf("deployment.%s", src[i].source);

                json_str(sb, f);
                free(f);
            } else
                json_str(sb, src[i].source);
            strbuf_puts(sb, "}");
        }
        strbuf_puts(sb, "}");
    } else {
        strbuf_puts(sb, "parameters assumed (value: where it came from):\n");
        for (i = 0; i < n; i++)
            strbuf_printf(sb, "  %-17s %-12s %s%s\n", src[i].param, src[i].value,
                src[i].fact ? "deployment." : "", src[i].source);
    }
    app_sim_sources_free(src, n);
}

/* Reopen the JSON document in sb for one more last member, name: false if it is not one. */
static bool
json_reopen(struct strbuf *sb, const char *name)
{
    if (sb->len < 2 || strcmp(sb->buf + sb->len - 2, "}\n") != 0)
        return false;
    sb->len -= 2;
    sb->buf[sb->len] = '\0';
    strbuf_printf(sb, ",\n  \"%s\": ", name);
    return true;
}

/* The result in the chosen format, to stdout or -o FILE; an exit code. */
static int
print_sim(struct cli_ctx *ctx, const struct app_sim_result *r, const char *format,
    const char *file, const char *out, const char *errors_run, bool replay)
{
    const struct sim_timeline *tl = r->have_tl ? &r->tl : NULL;
    struct strbuf sb;
    int rc;

    strbuf_init(&sb);
    if (replay && (strcmp(format, "html") == 0 || strcmp(format, "markdown") == 0)) {
        /* the footage's declared against observed (report_footage.c) */
        char *doc;

        if (!r->have_footage) {
            strbuf_done(&sb);
            return cli_error(ctx, "--format %s: %s has no footage.csv (the document is the "
                "footage's declared against observed)", format, file);
        }
        doc = report_footage_render(&r->footage, file, format[0] == 'h');
        strbuf_puts(&sb, doc);
        free(doc);
    } else if (strcmp(format, "text") == 0) {
        if (r->errnote != NULL && errors_run != NULL)
            strbuf_printf(&sb, "error rates from evaluation run %s: %s\n", errors_run,
                r->errnote);
        else if (r->errnote != NULL)
            strbuf_printf(&sb, "recognition errors: %s\n", r->errnote);
        if (replay && (r->stats.events > 0 || !r->have_footage))
            format_replay_text(&sb, &r->stats, r->threshold);
        if (r->have_footage)
            video_footage_text(&sb, &r->footage);
        format_text(&sb, file, r->res, tl, replay);
        if (!replay)
            format_sources(&sb, r, "text");
        if (tl != NULL && r->pack != NULL)
            format_readings(&sb, r->pack, false);
    } else if (strcmp(format, "csv") == 0) {
        format_csv(&sb, r->res, tl);
        if (!replay)
            format_sources(&sb, r, "csv");
    } else {
        format_json(&sb, file, r->res, tl, r->pack, r->have_footage ? &r->footage : NULL);
        if (!replay && json_reopen(&sb, "param_sources")) {
            format_sources(&sb, r, "json");
            strbuf_puts(&sb, "\n}\n");
        }
        if (replay && r->thumbs_asked && json_reopen(&sb, "thumbnails")) {
            /* what --keep-thumbnails kept, as the stderr notice says it */
            strbuf_printf(&sb, "{\"kept\": %zu, \"run\": %" PRId64 ", \"expires\": ",
                r->thumbs_kept, r->run_id);
            json_date(&sb, r->thumbs_expire);
            strbuf_puts(&sb, "}\n}\n");
        }
    }
    rc = write_output(ctx, out, &sb);
    strbuf_done(&sb);
    if (rc == FA_EXIT_OK && r->run_id != -1 && ctx->progress)
        fprintf(ctx->err, "faceaudit: %s: stored as %s run %lld\n", ctx->cmd,
            replay ? "replay" : "simulation", (long long)r->run_id);
    return rc;
}

/* A number option of simulate into the params; NULL or the usage error (allocated). */
static char *
sim_number(int c, const char *arg, struct app_simulate_params *p)
{
    char *end;
    long v;

    switch (c) {
    case 'd':
        v = strtol(arg, &end, 10);
        if (*arg == '\0' || *end != '\0' || v < 1 || v > SIM_MAX_DAYS)
            return xasprintf("--days: '%s' is not 1-%d", arg, SIM_MAX_DAYS);
        p->days = (int)v;
        return NULL;
    case 'S':
        p->seed = strtoull(arg, &end, 10);
        p->seed_set = true;
        return *arg == '\0' || *end != '\0' ? xasprintf("--seed: '%s' is not a number", arg) :
            NULL;
    case 'n':
        p->fnmr = strtod(arg, &end);
        return *arg == '\0' || *end != '\0' ? xasprintf("--fnmr: '%s' is not a rate", arg) :
            NULL;
    case 'p':
        p->fpir = strtod(arg, &end);
        return *arg == '\0' || *end != '\0' ? xasprintf("--fpir: '%s' is not a rate", arg) :
            NULL;
    default: /* 'H' */
        p->threshold = strtod(arg, &end);
        return *arg == '\0' || *end != '\0' || !(p->threshold > 0) ?
            xasprintf("--threshold: '%s' is not a distance", arg) : NULL;
    }
}

/* What goes with what; NULL or the usage error. */
static const char *
sim_combination(const struct app_simulate_params *p)
{
    bool rates = !isnan(p->fnmr) || !isnan(p->fpir);

    if (p->errors_run != NULL && rates)
        return "--errors and --fnmr/--fpir exclude each other";
    if (p->images != NULL && (p->errors_run != NULL || rates))
        return "--images excludes --errors, --fnmr and --fpir";
    if (!isnan(p->threshold) && p->errors_run == NULL && p->images == NULL)
        return "--threshold goes with --errors or --images";
    if (p->cropped && p->images == NULL)
        return "--cropped goes with --images";
    return NULL;
}

/* argv -> params; 0, or an exit code after the usage error. */
static int
sim_args(struct cli_ctx *ctx, int argc, char **argv, struct app_simulate_params *p,
    const char **format, const char **out)
{
    static const struct option longopts[] = {
        { "days", required_argument, NULL, 'd' },
        { "start", required_argument, NULL, 's' },
        { "seed", required_argument, NULL, 'S' },
        { "fnmr", required_argument, NULL, 'n' },
        { "fpir", required_argument, NULL, 'p' },
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { "no-timeline", no_argument, NULL, 'T' },
        { "errors", required_argument, NULL, 'E' },
        { "images", required_argument, NULL, 'I' },
        { "cropped", no_argument, NULL, 'C' },
        { "threshold", required_argument, NULL, 'H' },
        { "save", required_argument, NULL, 'N' },
        { "no-save", no_argument, NULL, 'X' },
        { "reading", required_argument, NULL, 'R' },
        { NULL, 0, NULL, 0 }
    };
    static const char *readings[32];
    const char *bad;
    char *msg, *cause = NULL;
    int c;

    while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': case 'S': case 'n': case 'p': case 'H':
            if ((msg = sim_number(c, optarg, p)) != NULL) {
                c = cli_usage_error(ctx, "%s", msg);
                free(msg);
                return c;
            }
            break;
        case 's':
            if (date_parse(optarg, &p->start, &cause) == -1) {
                c = cli_usage_error(ctx, "--start: %s", cause);
                free(cause);
                return c;
            }
            break;
        case 'f': *format = optarg; break;
        case 'o': *out = optarg; break;
        case 'T': p->timeline = false; break;
        case 'N': p->name = optarg; break;
        case 'X': p->save = false; break;
        case 'E': p->errors_run = optarg; break;
        case 'I': p->images = optarg; break;
        case 'C': p->cropped = true; break;
        case 'R':
            if (p->nreadings == FA_NITEMS(readings))
                return cli_usage_error(ctx, "too many --reading options");
            readings[p->nreadings++] = optarg;
            p->readings = readings;
            break;
        default: return cli_usage_error(ctx, "bad option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error(ctx, optind == argc ? "missing SCENARIO" : "too many arguments");
    if ((bad = sim_combination(p)) != NULL)
        return cli_usage_error(ctx, "%s", bad);
    if (strcmp(*format, "text") != 0 && strcmp(*format, "json") != 0 &&
        strcmp(*format, "csv") != 0)
        return cli_usage_error(ctx, "--format: '%s' is not text, json or csv", *format);
    p->scenario_path = argv[optind];
    return 0;
}

/* app_simulate or app_replay failed: Ctrl-C (exit 130) or the error. */
static int
sim_failed(struct cli_ctx *ctx, char *cause)
{
    int rc;

    if (cli_interrupted() && strcmp(cause, APP_CANCELLED) == 0) {
        cli_error(ctx, "interrupted: no run was stored and no output written");
        rc = FA_EXIT_INTERRUPTED;
    } else
        rc = cli_error(ctx, "%s", cause);
    free(cause);
    return rc;
}

static int
cmd_simulate_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    struct app_simulate_params p;
    struct app_sim_result *r;
    struct app_progress pr;
    const char *format = "text", *out = NULL;
    char *cause = NULL;
    int rc;

    app_simulate_params_default(&p);
    if ((rc = sim_args(ctx, argc, argv, &p, &format, &out)) != 0)
        return rc;
    if (p.images != NULL && ctx->progress)
        fprintf(ctx->err, "faceaudit: simulate: running the engine on %s ...\n", p.images);
    memset(&pr, 0, sizeof pr);
    cli_cancel_init(&pr);
    p.pr = &pr;
    if ((r = app_simulate(ctx->app, &p, &cause)) == NULL)
        return sim_failed(ctx, cause);
    rc = print_sim(ctx, r, format, p.scenario_path, out, p.errors_run, false);
    app_sim_result_free(r);
    return rc;
}

const struct cmd_entry cmd_simulate_entry = {
    "simulate", NULL,
    "SCENARIO [--days N] [--start DATE] [--seed S] [--fnmr R] [--fpir R] "
    "[--errors RUN | --images DATASET [--cropped]] [--threshold T] [--format text|json|csv] "
    "[-o FILE] [--no-timeline] [--reading NAME=ALT]... "
    "[--save NAME|--no-save]",
    "run a deployment day by day and turn it into a compliance timeline",
    "Simulates the scenario's deployment from its `simulation:` facts\n"
    "(faceaudit-scenario(5)): arrivals per device, returning visitors, under-14s,\n"
    "refusals, enrolment, retention purges and recognition errors. Each day's\n"
    "stored-person count, the day it reached 100,000 and the filing status are\n"
    "written into the scenario and the 20 articles are audited as of that day;\n"
    "the output is the daily series and, per article, the intervals in which it\n"
    "passes, fails or needs evidence.\n"
    "\n"
    "options:\n"
    "  --days N          days to simulate (default simulation.days, else 365)\n"
    "  --start DATE      first day (default simulation.start, else as_of)\n"
    "  --seed S          random seed (same seed, same result)\n"
    "  --fnmr R, --fpir R  recognition error rates (default simulation.fnmr/fpir)\n"
    "  --errors RUN      take FNMR and FPIR from a stored evaluation run (name or\n"
    "                    #ID) at its frozen threshold, or at --threshold T\n"
    "  --images DATASET  image mode: run the real engine on a labelled dataset's\n"
    "                    images (--cropped for face crops); simulated person p is\n"
    "                    subject p mod S, and each recognition attempt compares\n"
    "                    real descriptors at the threshold (default 0.6)\n"
    "  --format F        text (default), json, or csv (one row per day with the\n"
    "                    article statuses)\n"
    "  -o FILE           write the output to FILE atomically\n"
    "  --no-timeline     skip the daily audits (the series and Art. 15 dates only)\n"
    "  --reading NAME=ALT  audit the timeline under alternative ALT of a contested\n"
    "                    reading (as for audit); text and JSON list the readings\n"
    "  --save NAME       name the stored run (every run is stored in the database\n"
    "                    with its daily series, in one transaction)\n"
    "  --no-save         do not store the run\n",
    cmd_simulate_exec
};

/* What a replay says on standard error before its output: device-days decoded again, a
 * resume, the thumbnails kept. */
static void
replay_notices(struct cli_ctx *ctx, const struct app_replay_params *p,
    const struct app_sim_result *r)
{
    for (size_t i = 0; r->have_footage && i < r->footage.nchanged; i++)
        fprintf(ctx->err, "faceaudit: replay: %s: the device-day is decoded again\n",
            r->footage.changed[i]);
    if (r->have_footage && r->footage.resumed > 0 && log_get_level() < LOG_LEVEL_QUIET)
        fprintf(ctx->err, "faceaudit: replay: resumed: %zu of %zu recordings taken from the "
            "checkpoints of an unfinished run\n", r->footage.resumed, r->footage.files);
    if (p->keep_thumbnails > 0 && log_get_level() < LOG_LEVEL_QUIET) {
        char until[11];

        date_format(r->thumbs_expire, until);
        fprintf(ctx->err, "faceaudit: replay: %zu face thumbnail%s kept (sealed) with run %"
            PRId64 " until %s: `faceaudit thumbnails list --run %" PRId64 "`\n",
            r->thumbs_kept, r->thumbs_kept == 1 ? "" : "s", r->run_id, until, r->run_id);
    }
}

static int
cmd_replay_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "threshold", required_argument, NULL, 't' },
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { "save", required_argument, NULL, 'N' },
        { "no-save", no_argument, NULL, 'X' },
        { "detector", required_argument, NULL, 'd' },
        { "no-resume", no_argument, NULL, 'R' },
        { "keep-thumbnails", required_argument, NULL, 'K' },
        FOOTAGE_LONGOPTS,
        { NULL, 0, NULL, 0 }
    };
    const char *format = "text", *out = NULL;
    struct app_replay_params p;
    enum detector_kind dk;
    struct app_sim_result *r;
    struct cli_progress bar;
    struct app_progress pr;
    char *cause = NULL, *end;
    int c, rc;

    app_replay_params_default(&p);
    while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
        switch (c) {
        case 't':
            p.threshold = strtof(optarg, &end);
            if (*optarg == '\0' || *end != '\0' || !(p.threshold > 0 && p.threshold < 4))
                return cli_usage_error(ctx, "--threshold: '%s' is not a distance in (0, 4)",
                    optarg);
            break;
        case 'f': format = optarg; break;
        case 'o': out = optarg; break;
        case 'N': p.name = optarg; break;
        case 'X': p.save = false; break;
        case 'R': p.resume = false; break;
        case 'K': {
            long days = strtol(optarg, &end, 10);

            if (*optarg == '\0' || *end != '\0' || days < 1 || days > APP_THUMB_MAX_DAYS)
                return cli_usage_error(ctx, "--keep-thumbnails: '%s' is not a number of days "
                    "(1-%d)", optarg, APP_THUMB_MAX_DAYS);
            p.keep_thumbnails = (int)days;
            break;
        }
        case 'd':
            if (detector_kind_parse(optarg, &dk) == -1)
                return cli_usage_error(ctx, "--detector is tiny, ssd or tiled, not '%s'", optarg);
            p.detector = (int)dk;
            p.footage_models.detector = dk;
            break;
        case '?': return cli_usage_error(ctx, "bad option");
        default:
            if ((rc = video_args(ctx, c, optarg, &p.footage_models, &p.footage, NULL)) != 0)
                return rc == -1 ? cli_usage_error(ctx, "bad option") : rc;
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error(ctx, optind == argc ? "missing DIR" : "too many arguments");
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0 &&
        strcmp(format, "csv") != 0 && strcmp(format, "html") != 0 &&
        strcmp(format, "markdown") != 0)
        return cli_usage_error(ctx, "--format: '%s' is not text, json, csv, html or markdown",
            format);
    p.dir = argv[optind];
    /* the footage: a bar on a terminal, a plain line every few seconds otherwise, none
     * with -q; Ctrl-C stops between frames, the finished device-days kept for a rerun */
    cli_progress_init_batch(ctx, &bar, &pr, "replay");
    cli_cancel_init(&pr);
    p.pr = &pr;
    if ((r = app_replay(ctx->app, &p, &cause)) == NULL) {
        if (cli_interrupted() && strcmp(cause, APP_CANCELLED) == 0) {
            fprintf(ctx->err, "faceaudit: replay: interrupted: no run was stored and no output "
                "written; the recordings finished so far are kept: run the same replay again "
                "to resume\n");
            rc = FA_EXIT_INTERRUPTED;
        } else
            rc = cli_error(ctx, "%s", cause);
        free(cause);
        return rc;
    }
    replay_notices(ctx, &p, r);
    rc = print_sim(ctx, r, format, p.dir, out, NULL, true);
    for (size_t i = 0; r->have_footage && i < r->footage.n; i++) {
        if (r->footage.days[i].damage != NULL)
            fprintf(ctx->err, "faceaudit: replay: warning: %s\n", r->footage.days[i].damage);
    }
    app_sim_result_free(r);
    return rc;
}

const struct cmd_entry cmd_replay_entry = {
    "replay", NULL,
    "DIR [--threshold T] [--detector tiny|ssd|tiled] [--format text|json|csv|html|markdown]\n"
    "       [-o FILE] [--save NAME|--no-save] [--no-resume] [--keep-thumbnails DAYS]\n"
    "       [--fps N] [--decode-threads N]\n"
    "       [--no-rotate] [--min-face PX] [--max-gap S] [--iou-min X] [--min-hits N]\n"
    "       [--merge-threshold D]",
    "replay a recorded deployment through the real engine and the rules",
    "DIR holds one scenario (*.fa.yaml), events.csv and the images it names\n"
    "(columns: time, device, image, face, subject, age_band, consent; see\n"
    "datasets/recorded/README.md). Every image goes through detection, landmarks\n"
    "and the 128-d descriptor; each event is searched 1:N in the gallery the\n"
    "deployment has built so far, and the enrolment policy decides who is stored.\n"
    "Prints the recognition figures where subjects are known (FNMR, FPIR, rank-1),\n"
    "minors processed and stored, then the daily series and the compliance\n"
    "timeline as `faceaudit simulate` does. The run is stored in the database.\n"
    "\n"
    "Footage: with footage.csv (columns: file, device, start) the videos it lists\n"
    "go through `faceaudit video`'s pipeline (events.csv is then optional); per\n"
    "device and day: tracks, distinct people, faces captured outside the device's\n"
    "collection_area polygon (count, share, first times), the most faces in view\n"
    "at once and the tracks seen with another face (bystanders); these figures are\n"
    "also facts the rules read (device.observed.*), and the findings on them are\n"
    "listed per day with both sides. Each recording is entered in the audit log\n"
    "with its SHA-256. No frame, face image or descriptor is stored, unless\n"
    "--keep-thumbnails DAYS asks: then each track's best shot is kept as a small\n"
    "face crop (at most 112 pixels on its long side) sealed with the template key,\n"
    "in the same transaction as the run, until today + DAYS; `faceaudit\n"
    "thumbnails list|export` reads them and `faceaudit purge` deletes them once\n"
    "expired (a replay with it decodes every recording: checkpoints hold no face).\n"
    "\n"
    "Each device-day's figures are checkpointed in the database as its recordings\n"
    "finish: a replay killed or interrupted (Ctrl-C stops between frames, exit\n"
    "130) resumes when run again on the same files with the same options, taking\n"
    "the finished device-days from the checkpoints; the output is the same as an\n"
    "uninterrupted run's. Progress goes to standard error: a bar on a terminal,\n"
    "else a line every few seconds; none with -q.\n"
    "\n"
    "options:\n"
    "  --threshold T   Euclidean match threshold (default 0.6, face-api's)\n"
    "  --detector D    tiny (TinyFaceDetector, default), ssd (SSD MobileNetV1) or\n"
    "                  tiled (small and off-centre faces; doc/ACCURACY.md)\n"
    "  --format F      text (default), json or csv; with footage also html or\n"
    "                  markdown: the footage's declared against observed (each\n"
    "                  finding on an observed fact with both sides and the\n"
    "                  recordings), the contradictions and the daily figures\n"
    "  -o FILE         write the output to FILE atomically\n"
    "  --save NAME, --no-save   as for simulate\n"
    "  --no-resume     ignore the checkpoints of an unfinished replay: start over\n"
    "  --keep-thumbnails DAYS  keep each footage track's best shot, sealed, for\n"
    "                  DAYS days (1-3650); not with --no-save\n"
    "footage options (as for `faceaudit video`):\n"
    FOOTAGE_HELP,
    cmd_replay_exec
};
