/* SPDX-License-Identifier: MIT */
/*
 * scr_eval.c - F5: evaluation. A form (dataset, optional descriptor file,
 * threshold, run name) over app_eval()'s params with their defaults, then
 * the verification run on a background thread (tui_job_start: app_eval()
 * loads, embeds, compares and stores like `faceaudit eval --save`, never
 * touching curses; a pipe wakes the loop for the progress bar; x cancels
 * it through the app's cancellation callback). Then the ROC or DET curve in
 * braille, a threshold slider that recomputes FMR and FNMR live from the
 * kept scores, and the stored eval runs: Enter on one loads it to compare
 * at the same threshold.
 */
#include "config.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "faceaudit/app.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/str.h"
#include "faceaudit/vec.h"
#include "faceaudit/xmalloc.h"
#include "faceaudit/tui.h"
#include "tui_curses.h"
#include "tui_int.h"
#include "tui_plot.h"
#include "tui_text.h"

static const struct tui_key_help eval_keys[] = {
    { "Up Down j k", "select a field, or a stored run" },
    { "Enter", "edit the field (Crops: toggle) / start / load a stored run to compare" },
    { "g", "start the evaluation" },
    { "x", "cancel the running evaluation (the stored run is marked failed)" },
    { "Left Right h l", "move the threshold (shift: H L ten steps)" },
    { "c", "switch between the ROC and the DET curve" },
    { "Tab", "move between the form and the stored runs" },
    { "R", "reload the stored runs" },
    { NULL, NULL }
};

enum { F_DATASET, F_DESCRIPTORS, F_THRESHOLD, F_CROPPED, F_NAME, F_START, F_COUNT };
static const char *const field_label[F_COUNT] = {
    "Dataset", "Descriptors", "Threshold", "Crops", "Save as", "Start"
};

/* Scores of one run, for the slider and the curves. */
struct eval_curve {
    char *label;
    struct eval_scores gen, imp;
    bool have;
};

struct eval_state {
    struct tui *t;
    char *field[F_COUNT];
    int sel;                   /* form field */
    bool on_runs;              /* focus on the stored runs list */
    struct tui_list runs;
    struct vec run_ids, run_rows; /* char * */
    /* the job: inputs copied before start, outputs read after finish */
    bool running;
    _Atomic size_t done, total; /* written by the job's thread, read by draw */
    atomic_bool cancel;        /* set by x, polled by the job's thread */
    struct app_eval_result *res;
    char *job_error;
    char *dataset_path, *descriptors, *save;
    struct app_eval_params params;
    /* results */
    struct eval_curve cur, cmp;
    double threshold, step;
    bool det;
    char summary[160];
    int rows_shown;
    int runs_top;              /* area row of the first stored run */
};

static void
curve_done(struct eval_curve *c)
{
    if (c->have) {
        eval_scores_done(&c->gen);
        eval_scores_done(&c->imp);
    }
    free(c->label);
    memset(c, 0, sizeof *c);
}

/* Keep a result's genuine and impostor scores (verification records g and i). */
static void
curve_from(struct eval_curve *c, const struct eval_result *res, const char *label)
{
    double *g = xcalloc(res->nrecs + 1, sizeof *g), *i = xcalloc(res->nrecs + 1, sizeof *i);
    size_t ng = 0, ni = 0, k;

    curve_done(c);
    for (k = 0; k < res->nrecs; k++) {
        if (res->recs[k].kind == 'g')
            g[ng++] = res->recs[k].score;
        else if (res->recs[k].kind == 'i')
            i[ni++] = res->recs[k].score;
    }
    eval_scores_init(&c->gen, g, ng);
    eval_scores_init(&c->imp, i, ni);
    free(g);
    free(i);
    c->label = xstrdup(label);
    c->have = true;
}

static void
eval_load_runs(struct tui *t, struct eval_state *s)
{
    struct app_runs *rs;
    char *cause = NULL;
    size_t i;

    vec_clear(&s->run_ids);
    vec_clear(&s->run_rows);
    if ((rs = app_runs_list(tui_app(t), "eval", &cause)) == NULL) {
        tui_status(t, "%s", cause);
        free(cause);
    }
    for (i = 0; rs != NULL && i < rs->n; i++) {
        const struct app_run_row *r = &rs->rows[i];

        vec_push(&s->run_ids, xasprintf("#%lld", (long long)r->id));
        vec_push(&s->run_rows, xasprintf("#%-4lld %-20s %-20s %s", (long long)r->id,
            *r->name != '\0' ? r->name : "(unnamed)", r->created_at, r->status));
    }
    app_runs_free(rs);
    s->runs.count = (int)s->run_ids.len;
    if (s->runs.sel >= s->runs.count)
        s->runs.sel = 0;
}

static void *
eval_init(struct tui *t, void *arg)
{
    struct eval_state *s = xcalloc(1, sizeof *s);
    const struct tui_options *o = tui_opts(t);
    const char *ds = o->dataset, *de = o->descriptors;
    struct app_eval_params def;

    (void)arg;
    app_eval_params_default(&def); /* the CLI's defaults */
    s->t = t;
    s->field[F_DATASET] = xstrdup(ds != NULL && *ds != '\0' ? ds : "orl");
    s->field[F_DESCRIPTORS] = xstrdup(de != NULL ? de : "");
    s->field[F_THRESHOLD] = xasprintf("%g", def.eval.threshold);
    /*
     * The one value that differs from the CLI's default: the form starts on
     * the shipped face set orl, whose images are crops (doc/ACCURACY.md);
     * the CLI has no default dataset.
     */
    s->field[F_CROPPED] = xstrdup("yes");
    s->field[F_NAME] = xstrdup("");
    s->field[F_START] = xstrdup("");
    s->sel = F_START;
    s->threshold = def.eval.threshold;
    s->step = 0.01;
    vec_init(&s->run_ids, free);
    vec_init(&s->run_rows, free);
    eval_load_runs(t, s);
    return s;
}

static void
eval_free(void *state)
{
    struct eval_state *s = state;
    int i;

    for (i = 0; i < F_COUNT; i++)
        free(s->field[i]);
    vec_done(&s->run_ids);
    vec_done(&s->run_rows);
    app_eval_result_free(s->res);
    free(s->job_error);
    free(s->dataset_path);
    free(s->descriptors);
    free(s->save);
    curve_done(&s->cur);
    curve_done(&s->cmp);
    free(s);
}

/* --- the job (background thread: no curses; app_eval() stores the run) ----------- */

static void
eval_progress(void *arg, const char *what, size_t done, size_t total)
{
    struct eval_state *s = arg;

    (void)what;
    atomic_store(&s->done, done);
    atomic_store(&s->total, total);
    tui_job_wake(s->t);
}

static bool
eval_cancel_requested(void *arg)
{
    struct eval_state *s = arg;

    return atomic_load(&s->cancel);
}

static void
eval_work(void *arg)
{
    struct eval_state *s = arg;
    struct app_progress pr = { eval_progress, eval_cancel_requested, s };
    char *cause = NULL;

    if ((s->res = app_eval(tui_app(s->t), &s->params, &pr, &cause)) == NULL)
        s->job_error = cause;
}

/* On the main thread: keep the run's scores for the slider and curves. */
static void
eval_finish(struct tui *t, void *arg)
{
    struct eval_state *s = arg;
    const struct eval_figures *f;

    s->running = false;
    if (s->res == NULL) {
        if (s->job_error != NULL && strcmp(s->job_error, APP_CANCELLED) == 0)
            tui_status(t, "evaluation cancelled");
        else
            tui_status(t, "evaluation failed: %s", s->job_error != NULL ? s->job_error : "?");
        free(s->job_error);
        s->job_error = NULL;
        eval_load_runs(t, s);
        return;
    }
    f = &s->res->fig;
    snprintf(s->summary, sizeof s->summary, "%zu images, FTA %.3f, EER %.4f, AUC %.4f, d' %.2f",
        f->images, f->fta.value, f->eer.defined ? f->eer.eer : NAN, f->auc, f->dprime);
    tui_status(t, "evaluation done, stored as '%s'", s->res->saved_as);
    curve_from(&s->cur, s->res->res, s->field[F_NAME]);
    s->threshold = s->params.eval.threshold;
    app_eval_result_free(s->res);
    s->res = NULL;
    eval_load_runs(t, s);
}

static char *
resolve_dataset(const char *name)
{
    char *rel, *p;

    if (strchr(name, '/') != NULL || fs_exists(name))
        return xstrdup(name);
    rel = xasprintf("datasets/faces/%s.csv", name);
    p = tui_data_path(rel);
    free(rel);
    if (fs_exists(p))
        return p;
    free(p);
    return xstrdup(name);
}

static int
eval_start(struct tui *t, struct eval_state *s)
{
    char *cause = NULL, *end;
    double th = strtod(s->field[F_THRESHOLD], &end);

    if (s->running)
        return TUI_NONE;
    if (end == s->field[F_THRESHOLD] || *end != '\0' || !(th >= 0.0) || th > 1e6) {
        tui_status(t, "threshold: '%s' is not a non-negative distance", s->field[F_THRESHOLD]);
        return TUI_REDRAW;
    }
    app_eval_params_default(&s->params);
    s->params.eval.threshold = th;
    s->params.eval.cropped = strcmp(s->field[F_CROPPED], "yes") == 0;
    free(s->dataset_path);
    free(s->descriptors);
    free(s->save);
    s->dataset_path = resolve_dataset(s->field[F_DATASET]);
    s->descriptors = *s->field[F_DESCRIPTORS] != '\0' ? xstrdup(s->field[F_DESCRIPTORS]) : NULL;
    if (*s->field[F_NAME] != '\0') {
        s->save = xstrdup(s->field[F_NAME]);
    } else {
        time_t now = time(NULL);
        struct tm tm;
        char name[64];

        gmtime_r(&now, &tm);
        strftime(name, sizeof name, "tui-%Y%m%dT%H%M%SZ", &tm);
        s->save = xstrdup(name);
        s->params.save_unique = true; /* two runs in the same second get -2, -3, ... */
    }
    s->params.dataset = s->dataset_path;
    s->params.descriptors = s->descriptors;
    s->params.save = s->save;
    atomic_store(&s->cancel, false);
    atomic_store(&s->done, 0);
    atomic_store(&s->total, 0);
    s->running = true;
    s->summary[0] = '\0';
    if (tui_job_start(t, s, eval_work, eval_finish, s, &cause) != 0) {
        s->running = false;
        tui_status(t, "%s", cause);
        free(cause);
    }
    return TUI_REDRAW;
}

/* --- drawing ------------------------------------------------------------------ */

static double
axis_log(double v, double lo)
{
    if (!(v > lo))
        v = lo;
    return (log10(v) - log10(lo)) / -log10(lo);
}

/* Plot x,y in [0,1] (y up) on the canvas. */
static void
plot_point(struct tui_canvas *c, double x, double y, int *px, int *py)
{
    /* NaN (an empty class) and rounding spill stay on the axes. */
    x = x >= 0.0 ? (x <= 1.0 ? x : 1.0) : 0.0;
    y = y >= 0.0 ? (y <= 1.0 ? y : 1.0) : 0.0;
    *px = (int)lround(x * (2 * c->cw - 1));
    *py = (int)lround((1.0 - y) * (4 * c->ch - 1));
}

static void
draw_curve(struct tui_canvas *c, const struct eval_curve *cv, bool det, double t, bool mark)
{
    struct eval_point *pts = NULL;
    size_t n = eval_det(&cv->gen, &cv->imp, 400, &pts), k;
    double lo = 1e-4;
    int px = 0, py = 0, ox = 0, oy = 0;
    struct eval_rate fmr, fnmr;

    for (k = 0; k < n; k++) {
        double x = axis_log(pts[k].fmr, lo);
        double y = det ? axis_log(pts[k].fnmr, lo) : 1.0 - pts[k].fnmr;

        plot_point(c, x, y, &px, &py);
        if (k > 0)
            tui_canvas_line(c, ox, oy, px, py);
        ox = px;
        oy = py;
    }
    free(pts);
    if (mark) {
        eval_fmr(&cv->imp, t, &fmr);
        eval_fnmr(&cv->gen, t, &fnmr);
        plot_point(c, axis_log(fmr.value, lo), det ? axis_log(fnmr.value, lo) : 1.0 - fnmr.value,
            &px, &py);
        tui_canvas_mark(c, px, py, "●");
    }
}

/* The rates of one run at threshold t, as two lines. */
static void
rates_lines(char *fmr_line, char *fnmr_line, size_t len, const struct eval_curve *cv, double t)
{
    struct eval_rate fmr, fnmr;

    eval_fmr(&cv->imp, t, &fmr);
    eval_fnmr(&cv->gen, t, &fnmr);
    snprintf(fmr_line, len, " FMR  %.5f (%llu/%llu)", fmr.value, (unsigned long long)fmr.k,
        (unsigned long long)fmr.n);
    snprintf(fnmr_line, len, " FNMR %.5f (%llu/%llu)", fnmr.value, (unsigned long long)fnmr.k,
        (unsigned long long)fnmr.n);
}

static void
eval_draw(struct tui *t, void *state, int top, int rows, int cols)
{
    struct eval_state *s = state;
    char buf[512];
    int i, row = top, plot_h, runs_h;

    /* The form: one line. */
    {
        struct strbuf sb;

        strbuf_init(&sb);
        for (i = 0; i < F_COUNT; i++) {
            bool sel = !s->on_runs && s->sel == i;

            if (i == F_START)
                strbuf_printf(&sb, "%s[%s]%s", sel ? "▶" : " ", s->running ? "running…" :
                    "Start", sel ? "◀" : " ");
            else
                strbuf_printf(&sb, "%s%s: %s%s ", sel ? "▶" : "", field_label[i],
                    *s->field[i] != '\0' ? s->field[i] : "-", sel ? "◀" : "");
        }
        tui_put(t, row++, 1, TUI_HEADER, strbuf_str(&sb), cols - 2);
        strbuf_done(&sb);
    }
    if (s->running) {
        char *bar = tui_progress_bar(atomic_load(&s->done), atomic_load(&s->total), cols - 20);

        tui_put(t, row, 1, TUI_NORMAL, "embedding", 10);
        tui_put(t, row++, 11, TUI_PASS, bar, cols - 12);
        free(bar);
    } else
        tui_put(t, row++, 1, TUI_DIM, s->summary[0] != '\0' ? s->summary : s->cur.have ? "" :
            "Enter on a field edits it; g or Start runs a verification evaluation and stores it.",
            cols - 2);
    runs_h = rows >= 18 ? 5 : 2;
    plot_h = rows - 2 - runs_h - 1;
    if (s->cur.have && plot_h >= 4) {
        int pw = cols >= 70 ? cols - 36 : cols - 2;
        struct tui_canvas *c = tui_canvas_new(pw - 2, cols >= 70 ? plot_h - 1 : plot_h - 2);
        int ch = c->ch;

        if (s->cmp.have)
            draw_curve(c, &s->cmp, s->det, s->threshold, false);
        draw_curve(c, &s->cur, s->det, s->threshold, true);
        for (i = 0; i < c->ch; i++) {
            char *r = tui_canvas_row(c, i);

            tui_put(t, row + i, 1, TUI_DIM, "│", 1);
            tui_put(t, row + i, 2, TUI_PASS, r, pw - 2);
            free(r);
        }
        snprintf(buf, sizeof buf, "└ %s: x FMR 1e-4…1 (log), y %s", s->det ? "DET" : "ROC",
            s->det ? "FNMR 1e-4…1 (log)" : "TAR 0…1");
        tui_put(t, row + c->ch, 1, TUI_DIM, buf, pw);
        tui_canvas_free(c);
        if (cols >= 70) {
            int x = pw + 1, r = row, w = cols - x - 1;
            char l1[128], l2[128];

            snprintf(buf, sizeof buf, "threshold %.3f  ◀ h l ▶", s->threshold);
            tui_put(t, r++, x, TUI_HEADER, buf, w);
            tui_put(t, r++, x, TUI_NORMAL, "this run (●)", w);
            rates_lines(l1, l2, sizeof l1, &s->cur, s->threshold);
            tui_put(t, r++, x, TUI_NORMAL, l1, w);
            tui_put(t, r++, x, TUI_NORMAL, l2, w);
            if (s->cmp.have) {
                tui_put(t, r++, x, TUI_ADVISORY, s->cmp.label, w);
                rates_lines(l1, l2, sizeof l1, &s->cmp, s->threshold);
                tui_put(t, r++, x, TUI_ADVISORY, l1, w);
                tui_put(t, r++, x, TUI_ADVISORY, l2, w);
            }
        } else {
            char l1[128], l2[128];

            rates_lines(l1, l2, sizeof l1, &s->cur, s->threshold);
            snprintf(buf, sizeof buf, "t %.3f%s%s", s->threshold, l1, l2);
            tui_put(t, row + ch + 1, 1, TUI_HEADER, buf, cols - 2);
        }
    } else if (s->cmp.have) {
        char l1[128], l2[128];

        rates_lines(l1, l2, sizeof l1, &s->cmp, s->threshold);
        snprintf(buf, sizeof buf, "%s at %.3f:%s%s", s->cmp.label, s->threshold, l1, l2);
        tui_put(t, row, 1, TUI_ADVISORY, buf, cols - 2);
    }
    row = top + rows - runs_h;
    snprintf(buf, sizeof buf, "Stored eval runs (%zu)%s", s->run_rows.len,
        s->on_runs ? " — Enter loads one to compare" : " — Tab to choose");
    tui_put(t, row++, 1, TUI_HEADER, buf, cols - 2);
    s->rows_shown = runs_h - 1;
    s->runs_top = rows - runs_h + 1;
    tui_list_scroll(&s->runs, s->rows_shown);
    for (i = 0; i < s->rows_shown && s->runs.first + i < s->runs.count; i++) {
        int idx = s->runs.first + i;

        tui_put(t, row + i, 2, s->on_runs && idx == s->runs.sel ? TUI_SELECTED : TUI_NORMAL,
            vec_get(&s->run_rows, (size_t)idx), cols - 3);
    }
}

/* --- keys ---------------------------------------------------------------------- */

static int
eval_field_done(struct tui *t, void *arg, const char *text)
{
    struct eval_state *s = arg;

    (void)t;
    free(s->field[s->sel]);
    s->field[s->sel] = xstrdup(text);
    if (s->sel == F_THRESHOLD) {
        char *end;
        double v = strtod(text, &end);

        if (end != text && *end == '\0' && v >= 0)
            s->threshold = v;
    }
    return TUI_REDRAW;
}

static int
eval_load_cmp(struct tui *t, struct eval_state *s)
{
    struct app_eval_result *r;
    char *cause = NULL, *stored = NULL;
    const char *id;

    if (s->runs.count == 0 || s->running)
        return TUI_NONE;
    id = vec_get(&s->run_ids, (size_t)s->runs.sel);
    if ((r = app_eval_show(tui_app(t), id, &stored, &cause)) == NULL) {
        tui_status(t, "%s", cause);
        free(cause);
        return TUI_REDRAW;
    }
    if (!s->cur.have) {
        curve_from(&s->cur, r->res, id);
        s->threshold = r->res->params.threshold;
    } else
        curve_from(&s->cmp, r->res, id);
    tui_status(t, "loaded stored run %s", id);
    free(stored);
    app_eval_result_free(r);
    return TUI_REDRAW;
}

static int
eval_key(struct tui *t, void *state, int key)
{
    struct eval_state *s = state;
    bool enter = key == '\n' || key == '\r' || key == KEY_ENTER;

    switch (key) {
    case 'g':
        return eval_start(t, s);
    case 'x':
        if (!s->running)
            return TUI_NONE;
        atomic_store(&s->cancel, true);
        tui_status(t, "cancelling the evaluation…");
        return TUI_REDRAW;
    case 'c':
        s->det = !s->det;
        return TUI_REDRAW;
    case '\t':
        s->on_runs = !s->on_runs && s->runs.count > 0;
        return TUI_REDRAW;
    case 'R':
        if (s->running)
            return TUI_NONE; /* the job writes the database */
        eval_load_runs(t, s);
        return TUI_REDRAW;
    case KEY_LEFT:
    case 'h':
    case 'H':
        s->threshold -= s->step * (key == 'H' ? 10 : 1);
        if (s->threshold < 0)
            s->threshold = 0;
        return TUI_REDRAW;
    case KEY_RIGHT:
    case 'l':
    case 'L':
        s->threshold += s->step * (key == 'L' ? 10 : 1);
        return TUI_REDRAW;
    default:
        break;
    }
    if (s->on_runs) {
        if (enter)
            return eval_load_cmp(t, s);
        return tui_list_key(&s->runs, key, s->rows_shown);
    }
    if (enter) {
        if (s->sel == F_START)
            return eval_start(t, s);
        if (s->sel == F_CROPPED) {
            bool yes = strcmp(s->field[F_CROPPED], "yes") == 0;

            free(s->field[F_CROPPED]);
            s->field[F_CROPPED] = xstrdup(yes ? "no" : "yes");
            return TUI_REDRAW;
        }
        tui_prompt(t, field_label[s->sel], s->field[s->sel], eval_field_done, s);
        return TUI_REDRAW;
    }
    if (key == KEY_UP || key == 'k') {
        s->sel = (s->sel + F_COUNT - 1) % F_COUNT;
        return TUI_REDRAW;
    }
    if (key == KEY_DOWN || key == 'j') {
        s->sel = (s->sel + 1) % F_COUNT;
        return TUI_REDRAW;
    }
    return TUI_NONE;
}

static int
eval_click(struct tui *t, void *state, int row, int col)
{
    struct eval_state *s = state;
    int idx = s->runs.first + row - s->runs_top;

    (void)t;
    (void)col;
    if (row == 0) {
        s->on_runs = false;
        return TUI_REDRAW;
    }
    if (row < s->runs_top || idx >= s->runs.count)
        return TUI_NONE;
    s->on_runs = true;
    s->runs.sel = idx;
    return TUI_REDRAW;
}

const struct tui_screen_ops scr_eval_ops = {
    "eval", "Evaluation", eval_init, eval_free, eval_draw, eval_key, eval_click, eval_keys,
    NULL
};
