/* SPDX-License-Identifier: MIT */
/*
 * scr_sim.c - F6: a simulated year of the open deployment (the app's
 * timeline, app_whatif.h: rerun on every parameter change). The
 * parameters come from the scenario's facts (devices that identify people,
 * go-live date, retention, alternatives, people already stored, filing
 * date) and can be changed here; the stored-person curve is drawn in braille
 * with the 100,000 line and the Art. 15 filing deadline. A day cursor shows
 * that day's counts and the article statuses of an audit as of that day
 * with the simulated stored count and 100,000 date written into the
 * scenario (restored when the screen closes).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/app.h"
#include "faceaudit/app_whatif.h"
#include "faceaudit/str.h"
#include "faceaudit/vec.h"
#include "faceaudit/xmalloc.h"
#include "tui_curses.h"
#include "tui_int.h"
#include "tui_model.h"
#include "tui_plot.h"
#include "tui_text.h"

static const struct tui_key_help sim_keys[] = {
    { "Left Right h l", "move the day cursor one day" },
    { "H L", "thirty days" },
    { "Home End g G", "first / last day" },
    { "t", "jump to the day the count reaches 100,000" },
    { "D", "jump to the filing deadline" },
    { "d", "devices" },
    { "w", "arrivals per device per weekday" },
    { "n", "number of days" },
    { "f", "filing date (- : not filed)" },
    { "p", "every parameter assumed and where it came from (a fact, a default)" },
    { NULL, NULL }
};

struct sim_state {
    struct app_whatif *m;     /* NULL: no scenario, defaults only */
    struct sim_params p;
    struct app_timeline *tl; /* the run and its daily outcomes, or NULL */
    struct app_timeline_summary sum;
    int cursor;
    char *error;
    int field;               /* parameter being edited: d, w, n or f */
    unsigned gen;            /* the model generation simulated (+1; 0: none) */
};

/* Show a run (NULL: the run failed, cause says why; taken). */
static void
sim_take(struct sim_state *s, struct app_timeline *tl, char *cause)
{
    app_timeline_free(s->tl);
    free(s->error);
    s->error = NULL;
    if ((s->tl = tl) == NULL)
        s->error = cause;
    else {
        app_timeline_summary(s->tl, &s->sum);
        if (app_timeline_error(s->tl) != NULL)
            s->error = xstrdup(app_timeline_error(s->tl));
    }
    if (s->cursor >= s->p.days)
        s->cursor = s->p.days - 1;
}

/* Run the simulation for s->p (with the timeline over the open scenario). */
static void
sim_rerun(struct sim_state *s)
{
    char *cause = NULL;
    struct app_timeline *tl = app_timeline_run(s->m, &s->p, &cause);

    sim_take(s, tl, cause);
}

/* Parameters from the open scenario (defaults without one), run, cursor on the threshold day. */
static void
sim_setup(struct tui *t, struct sim_state *s)
{
    struct app_whatif *m = tui_model(t, NULL);
    char *cause = NULL;

    s->m = app_whatif_is_open(m) ? m : NULL;
    if (s->m != NULL)
        s->gen = app_whatif_generation(m) + 1;
    if (app_timeline_params(s->m, &s->p, &cause) != 0) {
        tui_status(t, "simulation parameters: %s (defaults used)", cause);
        free(cause);
    }
    s->cursor = 0;
    sim_rerun(s);
    if (s->tl != NULL && s->sum.threshold_reached != FA_DATE_NONE)
        s->cursor = (int)(s->sum.threshold_reached - s->p.start);
}

static void *
sim_init(struct tui *t, void *arg)
{
    struct sim_state *s = xcalloc(1, sizeof *s);

    (void)arg;
    sim_setup(t, s);
    return s;
}

/* Shown again: another scenario opened meanwhile is simulated afresh. */
static void
sim_show(struct tui *t, void *state)
{
    struct sim_state *s = state;
    struct app_whatif *m = tui_model(t, NULL);

    if (m != NULL && app_whatif_is_open(m) && s->gen != app_whatif_generation(m) + 1)
        sim_setup(t, s);
}

static void
sim_free(void *state)
{
    struct sim_state *s = state;

    app_timeline_free(s->tl);
    free(s->error);
    free(s);
}

static void
line_push(const char *line, void *arg)
{
    vec_push(arg, xstrdup(line));
}

/* Text wrapped to the width, at most max rows from row; returns the rows used. */
static int
put_wrapped(struct tui *t, int row, int role, const char *text, int cols, int max)
{
    struct vec lines;
    int i;

    vec_init(&lines, free);
    tui_text_wrap(text, cols > 3 ? (size_t)cols - 2 : 1, line_push, &lines);
    for (i = 0; i < (int)lines.len && i < max; i++)
        tui_put(t, row + i, 1, role, vec_get(&lines, (size_t)i), cols - 2);
    vec_done(&lines);
    return i;
}

/* The rows text takes wrapped to the width (at most max). */
static int
wrapped_rows(const char *text, int cols, int max)
{
    struct vec lines;
    int n;

    vec_init(&lines, free);
    tui_text_wrap(text, cols > 3 ? (size_t)cols - 2 : 1, line_push, &lines);
    n = (int)lines.len < max ? (int)lines.len : max;
    vec_done(&lines);
    return n;
}

static void
sim_draw(struct tui *t, void *state, int top, int rows, int cols)
{
    struct sim_state *s = state;
    const struct sim_day *day;
    const unsigned char *o;
    char buf[512], dayline[512], d1[11], d2[11], d3[11];
    int row = top, plot_h, i, pw, nday;
    int64_t ymax;

    date_format(s->p.start, d1);
    snprintf(buf, sizeof buf, "%d devices · %.0f/%.0f arrivals a weekday/weekend day · %d days "
        "from %s · enrol %s · retention %d d · alternative %s", s->p.devices, s->p.weekday_mean,
        s->p.weekend_mean, s->p.days, d1, app_timeline_enrol_name(&s->p), s->p.retention_days,
        s->p.alternative ? "yes" : "no");
    snprintf(buf + strlen(buf), sizeof buf - strlen(buf), " · p: where each came from");
    row += put_wrapped(t, row, TUI_HEADER, buf, cols, 2);
    if (s->error != NULL)
        row += put_wrapped(t, row, TUI_ERROR, s->error, cols, 2);
    if (s->tl == NULL)
        return;
    if (s->sum.threshold_reached != FA_DATE_NONE) {
        date_format(s->sum.threshold_reached, d2);
        date_format(s->sum.filing_deadline, d3);
        snprintf(buf, sizeof buf, "100,000 stored on %s → file by %s (Art. 15, 30 working "
            "days)%s", d2, d3, s->p.filed != FA_DATE_NONE ? "" : " · not filed");
        if (s->sum.art15_failing_from != FA_DATE_NONE) {
            char d4[11];

            date_format(s->sum.art15_failing_from, d4);
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), " · Art. 15 fails from %s",
                d4);
        }
    } else
        snprintf(buf, sizeof buf, "peak %lld stored: the 100,000 filing threshold is not "
            "reached", (long long)s->sum.peak_stored);
    row += put_wrapped(t, row, s->sum.art15_failing_from != FA_DATE_NONE ? TUI_FAIL :
        TUI_NORMAL, buf, cols, 2);
    day = app_timeline_day(s->tl, s->cursor);
    date_format(day->date, d1);
    snprintf(dayline, sizeof dayline, "│ %s: stored %lld · arrivals %lld · new %lld · enrolled "
        "%lld · purged %lld · refusals %lld (unserved %lld) · minors w/o consent %lld", d1,
        (long long)day->stored, (long long)day->arrivals, (long long)day->new_people,
        (long long)day->enrolments, (long long)day->purged, (long long)day->refusals,
        (long long)day->refusals_unserved, (long long)day->minors_no_consent);
    nday = wrapped_rows(dayline, cols, 2);
    plot_h = rows - (row - top) - nday - 3;
    pw = cols - 10;
    if (plot_h >= 3 && pw > 10) {
        struct tui_canvas *c = tui_canvas_new(pw, plot_h);
        int W = 2 * c->cw - 1, Hd = 4 * c->ch - 1, ox = 0, oy = 0, x, y;

        ymax = s->sum.peak_stored > SIM_FILING_THRESHOLD ? s->sum.peak_stored :
            SIM_FILING_THRESHOLD;
        ymax = ymax + ymax / 10;
        for (i = 0; i < s->p.days; i++) {
            x = s->p.days > 1 ? (int)((long long)i * W / (s->p.days - 1)) : 0;
            y = Hd - (int)((double)app_timeline_day(s->tl, i)->stored / (double)ymax * Hd);
            if (i > 0)
                tui_canvas_line(c, ox, oy, x, y);
            ox = x;
            oy = y;
        }
        y = Hd - (int)((double)SIM_FILING_THRESHOLD / (double)ymax * Hd);
        for (x = 0; x <= W; x += 2)
            if (c->dots[(y / 4) * c->cw + x / 2] == 0)
                tui_canvas_mark(c, x, y, "┄");
        if (s->sum.filing_deadline != FA_DATE_NONE) {
            int dd = (int)(s->sum.filing_deadline - s->p.start);

            if (dd >= 0 && dd < s->p.days) {
                x = s->p.days > 1 ? (int)((long long)dd * W / (s->p.days - 1)) : 0;
                for (y = 0; y <= Hd; y += 4)
                    tui_canvas_mark(c, x, y, "┆");
            }
        }
        x = s->p.days > 1 ? (int)((long long)s->cursor * W / (s->p.days - 1)) : 0;
        for (y = 0; y <= Hd; y += 4)
            tui_canvas_mark(c, x, y, "│");
        snprintf(buf, sizeof buf, "%7lld", (long long)ymax);
        tui_put(t, row, 0, TUI_DIM, buf, 8);
        snprintf(buf, sizeof buf, "%7d", SIM_FILING_THRESHOLD);
        tui_put(t, row + (Hd - (int)((double)SIM_FILING_THRESHOLD / (double)ymax * Hd)) / 4, 0,
            TUI_EVIDENCE, buf, 8);
        for (i = 0; i < c->ch; i++) {
            char *r = tui_canvas_row(c, i);

            tui_put(t, row + i, 9, TUI_PASS, r, pw);
            free(r);
        }
        tui_canvas_free(c);
        row += plot_h;
    }
    row += put_wrapped(t, row, TUI_HEADER, dayline, cols, nday);
    if ((o = app_timeline_outcomes(s->tl, s->cursor)) != NULL) {
        struct strbuf sb;
        int half;

        strbuf_init(&sb);
        strbuf_printf(&sb, "audit as of %s, simulated facts: Art. 15 %s %s", d1,
            tui_outcome_symbol((enum rule_outcome)o[14]),
            tui_outcome_label((enum rule_outcome)o[14]));
        tui_put(t, row++, 1, o[14] == RULE_FAIL ? TUI_FAIL : TUI_NORMAL, strbuf_str(&sb),
            cols - 2);
        for (half = 0; half < 2; half++) {
            strbuf_reset(&sb);
            for (i = half * 10; i < half * 10 + 10; i++)
                strbuf_printf(&sb, " %2d %s  ", i + 1, tui_outcome_symbol((enum rule_outcome)o[i]));
            tui_put(t, row++, 1, TUI_NORMAL, strbuf_str(&sb), cols - 2);
        }
        strbuf_done(&sb);
    } else
        tui_put(t, row++, 1, TUI_DIM, "Open a scenario (F2) to audit each day.", cols - 2);
}

static int
sim_field_done(struct tui *t, void *arg, const char *text)
{
    struct sim_state *s = arg;
    struct sim_params p = s->p;
    struct app_timeline *tl;
    char *cause = NULL, *end = NULL;
    double v = 0;

    if (s->field != 'f') {
        v = strtod(text, &end);
        if (end == text || *end != '\0') {
            tui_status(t, "'%s' is not a number", text);
            return TUI_REDRAW;
        }
    }
    switch (s->field) {
    case 'd':
        p.devices = (int)v;
        break;
    case 'w':
        p.weekday_mean = v;
        break;
    case 'n':
        p.days = (int)v;
        break;
    case 'f':
        if (*text == '\0' || strcmp(text, "-") == 0)
            p.filed = FA_DATE_NONE;
        else if (date_parse(text, &p.filed, &cause) != 0) {
            tui_status(t, "%s", cause);
            free(cause);
            return TUI_REDRAW;
        }
        break;
    default:
        break;
    }
    /* a refused parameter leaves the run shown as it was */
    if ((tl = app_timeline_run(s->m, &p, &cause)) == NULL) {
        tui_status(t, "%s", cause);
        free(cause);
        return TUI_REDRAW;
    }
    s->p = p;
    sim_take(s, tl, NULL);
    return TUI_REDRAW;
}

static int
sim_key(struct tui *t, void *state, int key)
{
    struct sim_state *s = state;

    char buf[32];

    if (s->tl == NULL && key != 'd' && key != 'w' && key != 'n' && key != 'f' && key != 'p')
        return TUI_NONE;
    switch (key) {
    case KEY_LEFT:
    case 'h':
        s->cursor--;
        break;
    case KEY_RIGHT:
    case 'l':
        s->cursor++;
        break;
    case 'H':
        s->cursor -= 30;
        break;
    case 'L':
        s->cursor += 30;
        break;
    case KEY_HOME:
    case 'g':
        s->cursor = 0;
        break;
    case KEY_END:
    case 'G':
        s->cursor = s->p.days - 1;
        break;
    case 't':
        if (s->sum.threshold_reached == FA_DATE_NONE) {
            tui_status(t, "the count never reaches 100,000");
            return TUI_REDRAW;
        }
        s->cursor = (int)(s->sum.threshold_reached - s->p.start);
        break;
    case 'D':
        if (s->sum.filing_deadline == FA_DATE_NONE) {
            tui_status(t, "no filing deadline: the count never reaches 100,000");
            return TUI_REDRAW;
        }
        s->cursor = (int)(s->sum.filing_deadline - s->p.start);
        break;
    case 'p': {
        struct app_sim_source *src;
        size_t i, n = app_timeline_sources(s->m, &s->p, &src);
        struct strbuf sb;

        strbuf_init(&sb);
        strbuf_puts(&sb, "Parameters assumed:\n");
        for (i = 0; i < n; i++)
            strbuf_printf(&sb, "%s %s (%s%s)\n", src[i].param, src[i].value,
                src[i].fact ? "deployment." : "", src[i].source);
        app_sim_sources_free(src, n);
        tui_status(t, "%s", strbuf_str(&sb));
        strbuf_done(&sb);
        return TUI_REDRAW;
    }
    case 'd':
    case 'w':
    case 'n':
    case 'f':
        s->field = key;
        if (key == 'd')
            snprintf(buf, sizeof buf, "%d", s->p.devices);
        else if (key == 'w')
            snprintf(buf, sizeof buf, "%g", s->p.weekday_mean);
        else if (key == 'n')
            snprintf(buf, sizeof buf, "%d", s->p.days);
        else if (s->p.filed != FA_DATE_NONE)
            date_format(s->p.filed, buf);
        else
            buf[0] = '\0';
        tui_prompt(t, key == 'd' ? "devices" : key == 'w' ? "arrivals per device per weekday" :
            key == 'n' ? "days" : "filing date (YYYY-MM-DD, - not filed)", buf,
            sim_field_done, s);
        return TUI_REDRAW;
    default:
        return TUI_NONE;
    }
    if (s->cursor < 0)
        s->cursor = 0;
    if (s->cursor >= s->p.days)
        s->cursor = s->p.days - 1;

    return TUI_REDRAW;
}

const struct tui_screen_ops scr_sim_ops = {
    "sim", "Simulation", sim_init, sim_free, sim_draw, sim_key, NULL, sim_keys, sim_show
};
