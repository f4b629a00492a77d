/* SPDX-License-Identifier: MIT */
/*
 * check_tui.c - the TUI without a terminal: display widths with Chinese
 * text, fitting and truncation, word wrap; the rows the board, article and
 * fact screens paint from the what-if session (app_whatif.h, whose own
 * behaviour check_whatif.c tests); the trainer lessons (parser errors, and every step of every
 * shipped lesson against the audit); braille plots and the progress bar;
 * the runs comparison.
 */
#include "config.h"

#include <check.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/app.h"
#include "faceaudit/str.h"
#include "faceaudit/vec.h"
#include "faceaudit/xmalloc.h"
#include "testutil.h"
#include "tui/tui_int.h"
#include "tui/tui_lesson.h"
#include "tui/tui_model.h"
#include "tui/tui_plot.h"
#include "tui/tui_session.h"
#include "tui/tui_text.h"

Suite *tui_suite(void);
char *scr_runs_format(const struct app_run_row *r, const char *scenario, const char *as_of,
    size_t width);
char *scr_runs_result(const struct app_run_row *r);
int scr_runs_json_pairs(const char *json, struct vec *keys, struct vec *vals);
char *scr_runs_diff_row(const char *key, const char *a, const char *b, size_t width);

#define HOTEL "datasets/scenarios/hotel-front-desk.fa.yaml"

static void
utf8_locale(void)
{
    setlocale(LC_ALL, "C.UTF-8");
}

START_TEST(test_width)
{
    ck_assert_uint_eq(tui_text_width("Art. 13"), 7);
    /* 人脸识别: four CJK characters, two columns each. */
    ck_assert_uint_eq(tui_text_width("人脸识别"), 8);
    ck_assert_uint_eq(tui_text_width("第13条 公共场所"), 15);
    ck_assert_uint_eq(tui_text_width("✓ pass"), 6);
    ck_assert_uint_eq(tui_text_width(""), 0);
    ck_assert_uint_eq(tui_text_width("\xff"), 1); /* invalid byte: one column */
    /* combining marks take no column, emoji two, in any locale (wcwidth knew
     * nothing of them in the C locale) */
    ck_assert_uint_eq(tui_text_width("Cafe\xcc\x81"), 4);
    ck_assert_uint_eq(tui_text_width("\xf0\x9f\x98\x80 ok"), 5);
    setlocale(LC_ALL, "C");
    ck_assert_uint_eq(tui_text_width("Cafe\xcc\x81"), 4);
    ck_assert_uint_eq(tui_text_width("\xf0\x9f\x98\x80 ok"), 5);
    ck_assert_uint_eq(tui_text_width("人脸识别"), 8);
    setlocale(LC_ALL, "C.UTF-8");
}
END_TEST

static char *
fit(const char *s, size_t w)
{
    struct strbuf sb;

    strbuf_init(&sb);
    tui_text_fit(&sb, s, w);
    return strbuf_detach(&sb);
}

START_TEST(test_fit)
{
    char *s;

    s = fit("abc", 6);
    ck_assert_str_eq(s, "abc   ");
    free(s);
    s = fit("abcdefgh", 5);
    ck_assert_str_eq(s, "abcd…");
    ck_assert_uint_eq(tui_text_width(s), 5);
    free(s);
    /* A wide character never straddles the edge: 人脸识别 into 6 columns. */
    s = fit("人脸识别", 6);
    ck_assert_str_eq(s, "人脸… ");
    ck_assert_uint_eq(tui_text_width(s), 6);
    free(s);
    s = fit("人脸识别", 8);
    ck_assert_str_eq(s, "人脸识别");
    free(s);
    s = fit("人脸识别", 7);
    ck_assert_str_eq(s, "人脸识…");
    ck_assert_uint_eq(tui_text_width(s), 7);
    free(s);
    s = fit("x", 0);
    ck_assert_str_eq(s, "");
    free(s);
    /* Cut at a blank, not inside a word, when that keeps half the room. */
    s = fit("Scope; research and algorithm training", 25);
    ck_assert_str_eq(s, "Scope; research and…     ");
    free(s);
    s = fit("Publicplacesandprivatespaces", 10);
    ck_assert_str_eq(s, "Publicpla…");
    free(s);
}
END_TEST

START_TEST(test_quiz_match)
{
    const char *q = "Which article does the tablet now break?";
    const char *q2 = "Is Art. 13 still violated (pass or fail)?";
    const char *q3 = "What does Art. 7 show now?";

    ck_assert(tui_quiz_match("13", "13", q));
    ck_assert(tui_quiz_match("Art. 13", "13", q));
    ck_assert(tui_quiz_match(" article 13 ", "13", q));
    ck_assert(!tui_quiz_match("3", "13", q));
    ck_assert(!tui_quiz_match("", "13", q));
    ck_assert(tui_quiz_match("needs evidence", "needs_evidence", q3));
    ck_assert(tui_quiz_match("Needs-Evidence", "needs_evidence", q3));
    ck_assert(tui_quiz_match("?", "needs_evidence", q3));
    ck_assert(tui_quiz_match("unknown", "needs_evidence", q3));
    ck_assert(tui_quiz_match("n/a", "not_applicable", q3));
    ck_assert(tui_quiz_match("not applicable", "not_applicable", q3));
    ck_assert(tui_quiz_match("violated", "fail", q3));
    ck_assert(tui_quiz_match("✗", "fail", q3));
    ck_assert(tui_quiz_match("compliant", "pass", q3));
    ck_assert(tui_quiz_match("yes", "pass", q3));
    ck_assert(!tui_quiz_match("fail", "pass", q3));
    /* yes and no answer the question asked */
    ck_assert(tui_quiz_match("no", "pass", q2));
    ck_assert(tui_quiz_match("Yes", "fail", q2));
    ck_assert(!tui_quiz_match("yes", "pass", q2));
}
END_TEST


static void
collect(const char *line, void *arg)
{
    struct strbuf *sb = arg;

    strbuf_printf(sb, "[%s]", line);
}

START_TEST(test_wrap)
{
    struct strbuf sb;

    strbuf_init(&sb);
    ck_assert_uint_eq(tui_text_wrap("Remove the device. The ban admits no exception.", 20,
        collect, &sb), 3);
    ck_assert_str_eq(strbuf_str(&sb), "[Remove the device.][The ban admits no][exception.]");
    strbuf_reset(&sb);
    ck_assert_uint_eq(tui_text_wrap("one\ntwo", 20, collect, &sb), 2);
    ck_assert_str_eq(strbuf_str(&sb), "[one][two]");
    strbuf_reset(&sb);
    ck_assert_uint_eq(tui_text_wrap("supercalifragilistic", 8, collect, &sb), 1);
    ck_assert_str_eq(strbuf_str(&sb), "[superca…]");
    strbuf_done(&sb);
}
END_TEST

START_TEST(test_runs_row)
{
    struct app_run_row r = { 12, "audit", "第三季度 hotel", "complete", "2026-11-26T10:00:00Z",
        "", "{}" };
    char *row = scr_runs_format(&r, NULL, NULL, 80);

    /* id 5, kind 7, name, result 10, date 10 (below 100 columns: no scenario column) */
    ck_assert(str_has_prefix(row, "   12 audit   第三季度 hotel    "));
    ck_assert_ptr_nonnull(strstr(row, " –          2026-11-26"));
    ck_assert_uint_eq(tui_text_width(row), 80);
    free(row);
    /* an unnamed audit is named by its scenario and as-of day */
    r.name = "";
    r.summary = "{\"pass\": 36, \"score\": 97.9, \"grade\": \"A\"}";
    row = scr_runs_format(&r, "hotel-front-desk", "2025-09-01", 100);
    ck_assert_ptr_nonnull(strstr(row, "hotel-front-desk 2025-09-01 "));
    ck_assert_ptr_nonnull(strstr(row, " 97.9 A "));
    ck_assert_uint_eq(tui_text_width(row), 100);
    free(row);
    r.status = "running";
    row = scr_runs_result(&r);
    ck_assert_str_eq(row, "… running");
    free(row);
    r.status = "complete";
    r.kind = "eval";
    r.summary = "{\"protocol\": \"verify\", \"eer\": 0.0066}";
    row = scr_runs_result(&r);
    ck_assert_str_eq(row, "EER 0.0066");
    free(row);
}
END_TEST

/* --- the workbench model ------------------------------------------------------ */

static struct app_whatif *model;

static void
model_setup(void)
{
    char *rules = test_srcpath("rules"), *hotel = test_srcpath(HOTEL), *cause = NULL;

    setlocale(LC_ALL, "C.UTF-8");
    model = app_whatif_new(rules, &cause);
    ck_assert_msg(model != NULL, "%s", cause);
    ck_assert_msg(app_whatif_open(model, hotel, false, &cause) == 0, "%s", cause);
    free(rules);
    free(hotel);
}

static void
model_teardown(void)
{
    app_whatif_free(model);
    model = NULL;
}

START_TEST(test_board_rows)
{
    char *row, *h;

    /* The bundled hotel: Art. 13 passes, Art. 14 waits for evidence. */
    row = tui_board_row(model, 13, 80);
    /* 7 + 10 + 20 (the Chinese title by display width) + 1 + 42: no counts, the title has them */
    ck_assert_str_eq(row, " 13 ✓  pass      公共场所与私密空间   Public places and private spaces"
        "          ");
    ck_assert_uint_eq(tui_text_width(row), 80);
    free(row);
    row = tui_board_row(model, 14, 80);
    ck_assert_uint_eq(tui_text_width(row), 80);
    ck_assert_ptr_nonnull(strstr(row, " 14 ?  evidence? 安全保护措施 "));
    ck_assert_ptr_nonnull(strstr(row, "1 unknown"));
    free(row);
    /* Narrow: still exactly the width, the Chinese title never split. */
    row = tui_board_row(model, 13, 40);
    ck_assert_uint_eq(tui_text_width(row), 40);
    free(row);
    h = tui_board_header(model, 0, 80);
    ck_assert_ptr_nonnull(strstr(h, "Lakeside Hotel front desk check-in"));
    free(h);
    h = tui_board_header(model, 1, 80);
    ck_assert_ptr_nonnull(strstr(h, "as of 2025-09-01   score 98.1  grade A"));
    free(h);
    h = tui_board_header(model, 2, 100);
    ck_assert_ptr_nonnull(strstr(h, "mode verification · consent separate · 1 sites, 2 devices"));
    free(h);
}
END_TEST

static bool
lines_have(const struct vec *v, const char *needle, int role)
{
    size_t i;

    for (i = 0; i < v->len; i++) {
        const struct tui_line *l = v->items[i];

        if (strstr(l->text, needle) != NULL && (role < 0 || l->role == role))
            return true;
    }
    return false;
}

START_TEST(test_article_lines)
{
    struct vec v;
    char *cause = NULL;
    size_t i;

    vec_init(&v, tui_line_free);
    ck_assert_int_eq(app_whatif_set(model, "device:desk-tablet-1.location", "hotel_room",
        &cause), 0);
    tui_article_lines(model, 13, 78, &v);
    /* Titles aligned: both labels are 8 columns wide. */
    ck_assert(lines_have(&v, "中文    公共场所与私密空间", -1));
    ck_assert(lines_have(&v, "English Public places and private spaces", -1));
    ck_assert(lines_have(&v, "✗ FAIL FRT-A13-2 critical Art. 13.2 desk-tablet-1", -1));
    ck_assert(lines_have(&v, "desk-tablet-1 is installed inside a hotel_room", -1));
    ck_assert(lines_have(&v, "          device[desk-tablet-1].location = hotel_room", -1));
    ck_assert(lines_have(&v, "  remedy: Remove the device.", -1));
    ck_assert(lines_have(&v, "  clause: 13.2 No FR device inside hotel rooms", -1));
    for (i = 0; i < v.len; i++)
        ck_assert_uint_le(tui_text_width(((struct tui_line *)v.items[i])->text), 78);
    vec_clear(&v);
    /* Art. 5's wording is marked unverified. */
    tui_article_lines(model, 5, 78, &v);
    ck_assert(lines_have(&v, "⚠ wording unverified: Only the opening words", -1));
    vec_done(&v);
}
END_TEST

START_TEST(test_fact_rows)
{
    struct app_whatif_fact_row *rows;
    size_t n = app_whatif_fact_rows(model, &rows), i;
    bool found = false;

    ck_assert_uint_gt(n, 100);
    ck_assert_ptr_null(rows[0].def); /* the deployment header */
    for (i = 0; i < n; i++) {
        char *s, *ref = app_whatif_row_ref(&rows[i]);
        bool loc = strcmp(ref, "device:desk-tablet-1.location") == 0;

        free(ref);
        if (!loc)
            continue;
        s = tui_fact_row_format(&rows[i], 80);
        /* a device's fact: depth 4 (8 columns), the path in 38, the inherited value's source */
        ck_assert_str_eq(s, "        location                               front_desk  "
            "← zone:front-desk    ");
        ck_assert_uint_eq(tui_text_width(s), 80);
        free(s);
        found = true;
        break;
    }
    ck_assert(found);
    free(rows);
}
END_TEST

/* --- trainer lessons ------------------------------------------------------------ */

START_TEST(test_lesson_parse)
{
    static const struct {
        const char *text, *error;
    } bad[] = {
        { "title: x\nscenario: s.fa.yaml\n", "l.lesson: no 'step:'" },
        { "scenario: s.fa.yaml\nstep: a\n", "l.lesson: no 'title:'" },
        { "title: x\nset: deployment mode = both\n", "l.lesson:2: 'set' before the first "
            "'step:'" },
        { "title: x\nscenario: s\nstep: a\nexpect: 21 fail\n", "l.lesson:4: expect: "
            "'ARTICLE OUTCOME'" },
        { "title: x\nscenario: s\nstep: a\nexpect: 13 broken\n", "l.lesson:4: expect:" },
        { "title: x\nscenario: s\nstep: a\nquiz: why?\n", "l.lesson:3: a quiz needs an "
            "answer" },
        { "title: x\nscenario: s\nstep: a\nsett: deployment mode = x\n", "l.lesson:4: "
            "unknown key 'sett' (did you mean 'set'?)" },
        { "title: x\nscenario: s\nstep: a\nset: deployment mode\n", "l.lesson:4: set: "
            "expected" },
        { "title x\n", "l.lesson:1: expected 'key: value'" },
    };
    struct lesson *l;
    char *cause = NULL;
    size_t i;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_ptr_null(lesson_parse("l.lesson", bad[i].text, &cause));
        ck_assert_msg(strncmp(cause, bad[i].error, strlen(bad[i].error)) == 0,
            "case %zu: %s", i, cause);
        free(cause);
        cause = NULL;
    }
    l = lesson_parse("dir/l.lesson", "# c\ntitle: T\nscenario: s.fa.yaml\nstep: one \\\n"
        "  two\nset: device:d1 location = hotel_room\nexpect: 13 fail\nquiz: Q?\nanswer: 13\n",
        &cause);
    ck_assert_msg(l != NULL, "%s", cause);
    ck_assert_str_eq(l->title, "T");
    ck_assert_str_eq(l->scenario, "dir/s.fa.yaml");
    ck_assert_uint_eq(l->nsteps, 1);
    ck_assert_str_eq(l->steps[0].text, "one two");
    ck_assert_uint_eq(l->steps[0].line, 4);
    ck_assert_str_eq(l->steps[0].sets[0].entity, "device:d1");
    ck_assert_str_eq(l->steps[0].sets[0].path, "location");
    ck_assert_str_eq(l->steps[0].sets[0].value, "hotel_room");
    ck_assert_int_eq(l->steps[0].expects[0].article, 13);
    ck_assert_str_eq(l->steps[0].answer, "13");
    lesson_free(l);
}
END_TEST

/* Every step of every shipped lesson shows the class what its script says. */
START_TEST(test_lessons_shipped)
{
    char *dir = test_srcpath("datasets/scenarios/training"), *cause = NULL;
    struct vec files;
    struct strbuf log;
    size_t i, k, nlessons = 0, nsteps = 0, nexpects = 0;

    vec_init(&files, free);
    tui_list_scenarios(dir, &files);
    strbuf_init(&log);
    for (i = 0; i < files.len; i++) {
        const char *y = files.items[i];
        char *path = xasprintf("%.*s.lesson", (int)(strlen(y) - 8), y);
        struct lesson *l = lesson_load(path, &cause);

        ck_assert_msg(l != NULL, "%s", cause);
        for (k = 0; k < l->nsteps; k++) {
            ck_assert_msg(tui_lesson_goto(model, l, k, &cause) == 0, "%s", cause);
            ck_assert_msg(tui_lesson_apply_trainee(model, l, k, &cause) == 0, "%s", cause);
            tui_lesson_check_step(model, l, k, &log);
            nexpects += l->steps[k].nexpects;
            /* a step that changes something shows what changed */
            if (l->steps[k].nsets > 0)
                ck_assert_ptr_nonnull(app_whatif_last_change(model));
        }
        nsteps += l->nsteps;
        nlessons++;
        lesson_free(l);
        free(path);
    }
    ck_assert_msg(log.len == 0, "%s", strbuf_str(&log));
    ck_assert_uint_ge(nlessons, 5);
    ck_assert_uint_ge(nexpects, nsteps);
    strbuf_done(&log);
    vec_done(&files);
    free(dir);
}
END_TEST

/* A step awaiting the trainee's change: not reached until the fact has the value. */
START_TEST(test_lesson_await_fact)
{
    char *path = test_srcpath("datasets/scenarios/training/01-notice.lesson"), *cause = NULL;
    struct lesson *l = lesson_load(path, &cause);

    ck_assert_msg(l != NULL, "%s", cause);
    ck_assert_uint_eq(l->nsteps, 5);
    ck_assert_int_eq(tui_lesson_goto(model, l, 4, &cause), 0);
    ck_assert_int_eq(tui_lesson_await_fact(model, l, 4), 0);
    ck_assert_uint_eq(tui_lesson_check_step(model, l, 4, NULL), 1);
    ck_assert_int_eq(tui_lesson_apply_trainee(model, l, 4, &cause), 0);
    ck_assert_int_eq(tui_lesson_await_fact(model, l, 4), 1);
    ck_assert_uint_eq(tui_lesson_check_step(model, l, 4, NULL), 0);
    ck_assert_int_eq(tui_lesson_await_fact(model, l, 0), -1);
    lesson_free(l);
    free(path);
}
END_TEST

/*
 * A step's sets are ONE change (issue 12): lesson 06's second step sets two
 * facts that agree only together; the board marks the step's whole effect,
 * one undo takes both back, and a third undo finds nothing (each set was
 * its own undo step, and its own contradiction check, before).
 */
START_TEST(test_lesson_step_one_change)
{
    char *path = test_srcpath("datasets/scenarios/training/06-impact-assessment.lesson");
    char *cause = NULL, *t;
    struct lesson *l = lesson_load(path, &cause);

    ck_assert_msg(l != NULL, "%s", cause);
    ck_assert_uint_eq(l->steps[1].nsets, 2);
    ck_assert_msg(tui_lesson_goto(model, l, 1, &cause) == 0, "%s", cause);
    ck_assert_str_eq(app_whatif_outcome_name(model, 9), "fail");
    ck_assert_int_eq(app_whatif_article_change(model, 9), 1);
    ck_assert_str_eq(app_whatif_last_change(model), "deployment.impact_assessment."
        "before_processing = false, deployment.impact_assessment.date = 2025-07-01");
    ck_assert_int_eq(app_whatif_undo(model, &cause), 1);
    t = app_whatif_fact_text(model, "deployment.impact_assessment.before_processing");
    ck_assert_str_eq(t, "true");
    free(t);
    t = app_whatif_fact_text(model, "deployment.impact_assessment.date");
    ck_assert_str_eq(t, "2025-05-20");
    free(t);
    ck_assert_str_eq(app_whatif_outcome_name(model, 9), "pass");
    ck_assert_int_eq(app_whatif_undo(model, &cause), 0);
    /* step 3 stands on step 2's sets (no history), then makes its own five as one change */
    ck_assert_msg(tui_lesson_goto(model, l, 2, &cause) == 0, "%s", cause);
    ck_assert_str_eq(app_whatif_outcome_name(model, 9), "fail");
    ck_assert_int_eq(app_whatif_undo(model, &cause), 1);
    ck_assert_int_eq(app_whatif_undo(model, &cause), 0);
    ck_assert_str_eq(app_whatif_outcome_name(model, 9), "fail"); /* step 2's dates stay */
    lesson_free(l);
    free(path);
}
END_TEST

/* A step whose sets together contradict the scenario is refused at the step's line. */
START_TEST(test_lesson_step_refused)
{
    char *hotel = test_srcpath(HOTEL), *cause = NULL;
    char *text = xasprintf("title: t\nscenario: %s\nstep: a\nstep: b\n"
        "set: deployment.impact_assessment.before_processing = false\n"
        "set: deployment.mode = sideways\n", hotel);
    char *text2 = xasprintf("title: t\nscenario: %s\nstep: a\nstep: b\n"
        "set: deployment.impact_assessment.before_processing = false\n", hotel);
    struct lesson *l = lesson_parse("x.lesson", text, &cause);

    ck_assert_msg(l != NULL, "%s", cause);
    ck_assert_int_eq(tui_lesson_goto(model, l, 1, &cause), -1);
    ck_assert_msg(strncmp(cause, "x.lesson:6: set: ", 17) == 0, "%s", cause);
    free(cause);
    cause = NULL;
    lesson_free(l);
    l = lesson_parse("x.lesson", text2, &cause);
    ck_assert_msg(l != NULL, "%s", cause);
    ck_assert_int_eq(tui_lesson_goto(model, l, 1, &cause), -1);
    ck_assert_msg(strncmp(cause, "x.lesson:4: refused: ", 21) == 0, "%s", cause);
    free(cause);
    lesson_free(l);
    free(text);
    free(text2);
    free(hotel);
}
END_TEST

/* A lesson whose expectation is wrong is reported with file:line. */
START_TEST(test_lesson_mismatch)
{
    char *hotel = test_srcpath(HOTEL), *cause = NULL;
    char *text = xasprintf("title: t\nscenario: %s\nstep: s\nexpect: 13 fail\n", hotel);
    struct lesson *l = lesson_parse("x.lesson", text, &cause);
    struct strbuf log;

    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(tui_lesson_goto(model, l, 0, &cause), 0);
    strbuf_init(&log);
    ck_assert_uint_eq(tui_lesson_check_step(model, l, 0, &log), 1);
    ck_assert_str_eq(strbuf_str(&log), "x.lesson:3: step 1 expects Art. 13 fail, the audit "
        "says pass\n");
    strbuf_done(&log);
    lesson_free(l);
    free(text);
    free(hotel);
}
END_TEST

/* --- plots, progress, runs comparison ---------------------------------------------- */

START_TEST(test_canvas)
{
    struct tui_canvas *c = tui_canvas_new(3, 2);
    char *r;

    tui_canvas_dot(c, 0, 0);      /* top-left dot of cell 0: U+2801 */
    tui_canvas_dot(c, 1, 3);      /* bottom-right of cell 0: U+2880 */
    tui_canvas_dot(c, 100, 100);  /* outside: ignored */
    r = tui_canvas_row(c, 0);
    ck_assert_str_eq(r, "⢁  ");
    free(r);
    tui_canvas_line(c, 0, 7, 5, 7); /* bottom row of dots across the canvas */
    r = tui_canvas_row(c, 1);
    ck_assert_str_eq(r, "⣀⣀⣀");
    ck_assert_uint_eq(tui_text_width(r), 3);
    free(r);
    /* A line from far outside terminates and stays on the canvas. */
    tui_canvas_line(c, -1000000, 2000000, 5, 0);
    tui_canvas_mark(c, 4, 0, "●");
    r = tui_canvas_row(c, 0);
    ck_assert_str_eq(r + strlen(r) - strlen("●"), "●");
    free(r);
    tui_canvas_free(c);
}
END_TEST

START_TEST(test_progress)
{
    char *p = tui_progress_bar(0, 400, 40);

    /* 40 columns: "[" + 27 bar cells + "]" + "   0% 0/400" */
    ck_assert_str_eq(p, "[                           ]   0% 0/400");
    ck_assert_uint_eq(tui_text_width(p), 40);
    free(p);
    /* 25 cells at 50%: 12 full blocks and a half block (eighths). */
    p = tui_progress_bar(200, 400, 40);
    ck_assert_str_eq(p, "[████████████▌            ]  50% 200/400");
    ck_assert_uint_eq(tui_text_width(p), 40);
    free(p);
    p = tui_progress_bar(401, 400, 30);
    ck_assert_str_eq(p, "[███████████████] 100% 400/400");
    free(p);
}
END_TEST

START_TEST(test_runs_diff)
{
    struct vec k, v;
    char *row;

    vec_init(&k, free);
    vec_init(&v, free);
    ck_assert_int_eq(scr_runs_json_pairs("{\"pass\": 31, \"grade\": \"D\", \"n\": {\"a\": [1, "
        "\"}\"]}, \"s\": \"a\\\"b\" }", &k, &v), 4);
    ck_assert_str_eq(k.items[0], "pass");
    ck_assert_str_eq(v.items[0], "31");
    ck_assert_str_eq(v.items[1], "D");
    ck_assert_str_eq(v.items[2], "{\"a\": [1, \"}\"]}");
    ck_assert_str_eq(v.items[3], "a\"b");
    ck_assert_int_eq(scr_runs_json_pairs("[1]", &k, &v), -1);
    /* the strict reader: a broken summary is refused, \u escapes are decoded */
    ck_assert_int_eq(scr_runs_json_pairs("{\"a\": 1,}", &k, &v), -1);
    vec_clear(&k);
    vec_clear(&v);
    ck_assert_int_eq(scr_runs_json_pairs("{\"name\": \"\\u4eba\\u8138\", \"ok\": true}", &k, &v),
        2);
    ck_assert_str_eq(v.items[0], "人脸");
    ck_assert_str_eq(v.items[1], "true");
    row = scr_runs_diff_row("score", "67.09", "94.59", 60);
    ck_assert_str_eq(row, " score                       67.09          94.59  +27.5    ");
    ck_assert_uint_eq(tui_text_width(row), 60);
    free(row);
    row = scr_runs_diff_row("grade", "D", "D", 60);
    ck_assert_ptr_nonnull(strstr(row, "D  ="));
    free(row);
    row = scr_runs_diff_row("fmr", NULL, "0.01", 60);
    ck_assert_ptr_nonnull(strstr(row, "—"));
    free(row);
    vec_done(&k);
    vec_done(&v);
}
END_TEST

Suite *
tui_suite(void)
{
    Suite *s = suite_create("tui");
    TCase *tc = tcase_create("text");

    tcase_add_checked_fixture(tc, utf8_locale, NULL);
    tcase_add_test(tc, test_width);
    tcase_add_test(tc, test_fit);
    tcase_add_test(tc, test_wrap);
    tcase_add_test(tc, test_quiz_match);
    tcase_add_test(tc, test_runs_row);
    tcase_add_test(tc, test_canvas);
    tcase_add_test(tc, test_progress);
    tcase_add_test(tc, test_runs_diff);
    suite_add_tcase(s, tc);
    tc = tcase_create("model");
    tcase_add_checked_fixture(tc, model_setup, model_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_board_rows);
    tcase_add_test(tc, test_article_lines);
    tcase_add_test(tc, test_fact_rows);
    tcase_add_test(tc, test_lesson_mismatch);
    tcase_add_test(tc, test_lesson_await_fact);
    tcase_add_test(tc, test_lesson_step_one_change);
    tcase_add_test(tc, test_lesson_step_refused);
    tcase_add_test(tc, test_lessons_shipped);
    suite_add_tcase(s, tc);
    tc = tcase_create("lessons");
    tcase_add_test(tc, test_lesson_parse);
    suite_add_tcase(s, tc);
    return s;
}
