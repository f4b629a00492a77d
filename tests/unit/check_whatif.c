/* SPDX-License-Identifier: MIT */
/*
 * check_whatif.c - the what-if session of the application layer
 * (app_whatif.h) on the bundled hotel: one change and its marks, undo and
 * redo, unknown as a value, bad values and paths refused with nothing
 * changed; many facts as ONE change (one undo step, refused whole when it
 * adds a contradiction, the bad change named, base changes outside the
 * history); save and reload; the verdict and fact rows; cycling, remedies;
 * and the simulation timeline over the session's scenario (day rows, daily
 * outcomes, the scenario's own facts put back, bad parameters refused).
 */
#include "config.h"

#include <check.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/app_whatif.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/vec.h"
#include "faceaudit/xmalloc.h"
#include "testutil.h"

Suite *whatif_suite(void);

#define HOTEL "datasets/scenarios/hotel-front-desk.fa.yaml"
#define DESK "device:desk-tablet-1.location"

static struct app_whatif *w;

static void
setup(void)
{
    char *rules = test_srcpath("rules"), *hotel = test_srcpath(HOTEL), *cause = NULL;

    setlocale(LC_ALL, "C.UTF-8");
    w = app_whatif_new(rules, &cause);
    ck_assert_msg(w != NULL, "%s", cause);
    ck_assert(!app_whatif_is_open(w));
    ck_assert_msg(app_whatif_open(w, hotel, false, &cause) == 0, "%s", cause);
    free(rules);
    free(hotel);
}

static void
teardown(void)
{
    app_whatif_free(w);
    w = NULL;
}

static double
score(void)
{
    struct app_whatif_verdict v;

    ck_assert(app_whatif_verdict(w, &v));
    return v.score;
}

START_TEST(test_undo_redo)
{
    char *cause = NULL, *sum;

    ck_assert(!app_whatif_changed(w));
    ck_assert_ptr_null(app_whatif_change_summary(w));
    ck_assert_str_eq(app_whatif_grade_name(w), "A");
    /* A device moved into a hotel room: Art. 13 newly fails, critical: grade D. */
    ck_assert_int_eq(app_whatif_set(w, DESK, "hotel_room", &cause), 0);
    ck_assert_int_eq(app_whatif_outcome(w, 13), RULE_FAIL);
    ck_assert_str_eq(app_whatif_outcome_name(w, 13), "fail");
    ck_assert_int_eq(app_whatif_article_change(w, 13), 1);
    ck_assert_int_eq(app_whatif_article_change(w, 6), 0);
    ck_assert_str_eq(app_whatif_grade_name(w), "D");
    sum = app_whatif_change_summary(w);
    ck_assert_str_eq(sum, "score 98.1 → 91.8 (A → D)  ▲ newly failing: Art. 13");
    free(sum);
    ck_assert_str_eq(app_whatif_last_change(w), "device:desk-tablet-1.location = hotel_room");
    ck_assert(app_whatif_edited(w, DESK));
    ck_assert(!app_whatif_edited(w, "deployment.mode"));
    /* Undo: the location inherits from the zone again and Art. 13 is fixed. */
    ck_assert_int_eq(app_whatif_undo(w, &cause), 1);
    ck_assert_int_eq(app_whatif_outcome(w, 13), RULE_PASS);
    ck_assert_int_eq(app_whatif_article_change(w, 13), -1);
    ck_assert_str_eq(app_whatif_last_change(w),
        "undone: device:desk-tablet-1.location = (inherited)");
    ck_assert(!app_whatif_edited(w, DESK));
    ck_assert_int_eq(app_whatif_undo(w, &cause), 0); /* nothing left */
    ck_assert_int_eq(app_whatif_redo(w, &cause), 1);
    ck_assert_int_eq(app_whatif_outcome(w, 13), RULE_FAIL);
    ck_assert_int_eq(app_whatif_redo(w, &cause), 0);
    /* Unknown is a value: consent unknown needs evidence, it does not fail. */
    ck_assert_int_eq(app_whatif_set(w, "deployment.consent.type", "unknown", &cause), 0);
    ck_assert_int_eq(app_whatif_outcome(w, 6), RULE_NEEDS_EVIDENCE);
    ck_assert_int_eq(app_whatif_article_change(w, 6), 2); /* pass -> needs_evidence */
    sum = app_whatif_change_summary(w);
    ck_assert_ptr_nonnull(strstr(sum, "(D → D)  ~ changed: Art. 6"));
    free(sum);
    /* A bad value is refused with the loader's message; nothing changes. */
    ck_assert_int_eq(app_whatif_set(w, DESK, "hotel_rom", &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "hotel_room"));
    free(cause);
    cause = NULL;
    ck_assert_int_eq(app_whatif_set(w, "device:desk-tablet-1.no_such_fact", "x", &cause), -1);
    free(cause);
    cause = NULL;
    /* the two good changes are the history: two undo steps, then none */
    ck_assert_int_eq(app_whatif_undo(w, &cause), 1);
    ck_assert_int_eq(app_whatif_undo(w, &cause), 1);
    ck_assert_int_eq(app_whatif_undo(w, &cause), 0);
    ck_assert_double_eq_tol(score(), 98.1, 0.05);
}
END_TEST

/* Many facts as one change: one undo step, refused whole, the bad change named. */
START_TEST(test_set_many)
{
    static const struct app_whatif_change late[] = {
        { "deployment.impact_assessment.before_processing", "false" },
        { "deployment.impact_assessment.date", "2025-07-01" },
    };
    struct app_whatif_change bad[] = {
        { DESK, "hotel_room" },
        { "deployment.mode", "sideways" },
    };
    char *cause = NULL, *t;

    /* Alone, the first fact contradicts the assessment date: refused, nothing changed. */
    ck_assert_int_eq(app_whatif_set_many(w, late, 1, 0, &cause), -1);
    ck_assert_msg(strncmp(cause, "refused: ", 9) == 0, "%s", cause);
    free(cause);
    cause = NULL;
    t = app_whatif_fact_text(w, late[0].ref);
    ck_assert_str_eq(t, "true");
    free(t);
    ck_assert(!app_whatif_changed(w));
    /* Together they agree: one change, one undo step, both named. */
    ck_assert_msg(app_whatif_set_many(w, late, 2, 0, &cause) == 0, "%s", cause);
    ck_assert_str_eq(app_whatif_last_change(w), "deployment.impact_assessment.before_processing "
        "= false, deployment.impact_assessment.date = 2025-07-01");
    ck_assert(app_whatif_edited(w, late[0].ref));
    ck_assert(app_whatif_edited(w, late[1].ref));
    ck_assert_int_eq(app_whatif_undo(w, &cause), 1);
    t = app_whatif_fact_text(w, late[1].ref);
    ck_assert_str_eq(t, "2025-05-20");
    free(t);
    t = app_whatif_fact_text(w, late[0].ref);
    ck_assert_str_eq(t, "true");
    free(t);
    ck_assert_int_eq(app_whatif_undo(w, &cause), 0);
    ck_assert_int_eq(app_whatif_redo(w, &cause), 1);
    t = app_whatif_fact_text(w, late[1].ref);
    ck_assert_str_eq(t, "2025-07-01");
    free(t);
    ck_assert_int_eq(app_whatif_undo(w, &cause), 1);
    /* A bad second change: named by its index, and the first does not stay. */
    ck_assert_int_eq(app_whatif_set_many(w, bad, 2, 0, &cause), -1);
    ck_assert_msg(strncmp(cause, "change 2: ", 10) == 0, "%s", cause);
    free(cause);
    cause = NULL;
    ck_assert_int_eq(app_whatif_outcome(w, 13), RULE_PASS);
    t = app_whatif_fact_text(w, DESK);
    ck_assert_str_eq(t, "front_desk");
    free(t);
    /* Base changes: part of the scenario, audited once, outside the history. */
    ck_assert_int_eq(app_whatif_set_many(w, bad, 1, APP_WHATIF_BASE, &cause), 0);
    ck_assert_int_eq(app_whatif_outcome(w, 13), RULE_FAIL);
    ck_assert(!app_whatif_edited(w, DESK));
    ck_assert_int_eq(app_whatif_undo(w, &cause), 0);
    ck_assert_int_eq(app_whatif_outcome(w, 13), RULE_FAIL);
    /* No scenario: refused. */
    app_whatif_free(w);
    t = test_srcpath("rules");
    w = app_whatif_new(t, &cause);
    free(t);
    ck_assert_int_eq(app_whatif_set(w, DESK, "hotel_room", &cause), -1);
    ck_assert_str_eq(cause, "no scenario is open");
    free(cause);
}
END_TEST

START_TEST(test_save_reload)
{
    char *dir = test_tmpdir(), *out = path_join(dir, "whatif.fa.yaml"), *cause = NULL;
    char *rules = test_srcpath("rules");
    struct app_whatif *w2;

    ck_assert_int_eq(app_whatif_set(w, DESK, "hotel_room", &cause), 0);
    ck_assert_int_eq(app_whatif_set(w, "deployment.storage.retention_days", "30", &cause), 0);
    /* Never over the opened file. */
    ck_assert_int_eq(app_whatif_save(w, app_whatif_path(w), &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "save as a new file"));
    free(cause);
    cause = NULL;
    ck_assert_msg(app_whatif_save(w, out, &cause) == 0, "%s", cause);
    w2 = app_whatif_new(rules, &cause);
    ck_assert_ptr_nonnull(w2);
    ck_assert_msg(app_whatif_open(w2, out, false, &cause) == 0, "%s", cause);
    ck_assert_int_eq(app_whatif_outcome(w2, 13), RULE_FAIL);
    ck_assert_uint_eq(app_whatif_generation(w2), 1);
    ck_assert_str_eq(app_whatif_path(w2), out);
    {
        struct app_whatif_verdict a, b;

        ck_assert(app_whatif_verdict(w, &a));
        ck_assert(app_whatif_verdict(w2, &b));
        ck_assert_double_eq_tol(a.score, b.score, 1e-9);
        ck_assert_int_eq(a.grade, b.grade);
    }
    app_whatif_free(w2);
    free(rules);
    free(out);
    test_rmdir(dir);
}
END_TEST

/* The fact row of a path (borrowed from rows), failing the test when there is none. */
static const struct app_whatif_fact_row *
row_of(const struct app_whatif_fact_row *rows, size_t n, const char *ref)
{
    size_t i;

    for (i = 0; i < n; i++) {
        char *r = app_whatif_row_ref(&rows[i]);
        bool hit = strcmp(r, ref) == 0;

        free(r);
        if (hit)
            return &rows[i];
    }
    ck_abort_msg("no row %s", ref);
    return NULL;
}

START_TEST(test_rows_cycle_remedy)
{
    struct app_whatif_fact_row *rows;
    const struct app_whatif_fact_row *r;
    size_t n = app_whatif_fact_rows(w, &rows);
    char *label, *value, *note, *v, *about, *values, *cause = NULL;
    struct app_whatif_article a;
    struct vec lines;

    ck_assert_uint_gt(n, 100);
    ck_assert_ptr_null(rows[0].def);
    v = app_whatif_row_ref(&rows[0]);
    ck_assert_str_eq(v, "deployment:hotel-front-desk");
    free(v);
    r = row_of(rows, n, DESK);
    app_whatif_row_text(r, &label, &value, &note);
    ck_assert_str_eq(label, "location");
    ck_assert_str_eq(value, "front_desk");
    ck_assert_str_eq(note, "  ← zone:front-desk");
    free(label);
    free(value);
    free(note);
    ck_assert(app_whatif_row_help(r, &about, &values));
    ck_assert_ptr_nonnull(strstr(about, "(enum) — Art. 13"));
    ck_assert_ptr_nonnull(strstr(values, " hotel_room "));
    free(about);
    free(values);
    ck_assert(!app_whatif_row_help(&rows[0], &about, &values));
    /* cycling: true -> unknown, an enum to its next value, text not at all */
    v = app_whatif_row_cycle(row_of(rows, n, "device:desk-tablet-1.identifies_people"));
    ck_assert_str_eq(v, "unknown");
    free(v);
    v = app_whatif_row_cycle(row_of(rows, n, "deployment.mode"));
    ck_assert_str_eq(v, "identification");
    free(v);
    ck_assert_ptr_null(app_whatif_row_cycle(row_of(rows, n, "deployment.name")));
    /* a value set here is marked so */
    ck_assert_int_eq(app_whatif_set(w, DESK, "hotel_room", &cause), 0);
    app_whatif_row_text(r, &label, &value, &note);
    ck_assert_str_eq(value, "hotel_room");
    ck_assert_str_eq(note, "  ✎ changed here");
    free(label);
    free(value);
    free(note);
    free(rows);
    /* the article row and detail */
    app_whatif_article(w, 13, &a);
    ck_assert_int_eq(a.outcome, RULE_FAIL);
    ck_assert_int_eq(a.change, 1);
    ck_assert_uint_eq(a.fail, 1);
    ck_assert_str_eq(a.title_en, "Public places and private spaces");
    vec_init(&lines, app_whatif_line_free);
    app_whatif_article_lines(w, 13, &lines);
    ck_assert_uint_gt(lines.len, 5);
    {
        size_t i;
        bool head = false, remedy = false;

        for (i = 0; i < lines.len; i++) {
            const struct app_whatif_line *l = lines.items[i];

            if (l->style == APP_WS_OUTCOME && l->outcome == RULE_FAIL &&
                strcmp(l->text, "FRT-A13-2  critical  Art. 13.2  desk-tablet-1") == 0)
                head = true;
            if (l->style == APP_WS_REMEDY && strncmp(l->text, "Remove the device.", 18) == 0)
                remedy = true;
        }
        ck_assert(head);
        ck_assert(remedy);
    }
    vec_done(&lines);
    v = app_whatif_remedy(w, "FRT-A13-2");
    ck_assert_str_eq(v, "Remove the device. The ban admits no exception or consent.");
    free(v);
    ck_assert_ptr_null(app_whatif_remedy(w, "FRT-A99-1"));
    v = app_whatif_header(w, 2);
    ck_assert_ptr_nonnull(strstr(v, "▲ newly failing: Art. 13  · device:desk-tablet-1"));
    free(v);
}
END_TEST

START_TEST(test_timeline)
{
    struct sim_params p;
    struct app_timeline *tl;
    struct app_timeline_summary s;
    char *cause = NULL, *before = app_whatif_fact_text(w, "deployment.storage.stored_persons");
    int i, fails = 0;

    ck_assert_int_eq(app_timeline_params(w, &p, &cause), 0);
    /* a large deployment that crosses 100,000 and never files: Art. 15 fails */
    p.devices = 50;
    p.weekday_mean = p.weekend_mean = 400;
    p.population = 5000000;
    p.returning_rate = 0.1;
    p.enrol = SIM_ENROL_ALL;
    p.retention_days = -1;
    p.filed = FA_DATE_NONE;
    p.days = 90;
    tl = app_timeline_run(w, &p, &cause);
    ck_assert_msg(tl != NULL, "%s", cause);
    ck_assert_ptr_null(app_timeline_error(tl));
    ck_assert_int_eq(app_timeline_days(tl), 90);
    ck_assert_ptr_null(app_timeline_day(tl, 90));
    ck_assert_int_eq(app_timeline_day(tl, 0)->date, p.start);
    app_timeline_summary(tl, &s);
    ck_assert_int_ne(s.threshold_reached, FA_DATE_NONE);
    ck_assert_int_ge(s.peak_stored, 100000);
    for (i = 0; i < app_timeline_days(tl); i++) {
        const unsigned char *o = app_timeline_outcomes(tl, i);

        ck_assert_ptr_nonnull(o);
        fails += o[14] == RULE_FAIL;
    }
    ck_assert_int_gt(fails, 0);
    ck_assert_int_ne(app_timeline_outcomes(tl, 0)[14], RULE_FAIL);
    ck_assert_ptr_null(app_timeline_outcomes(tl, -1));
    app_timeline_free(tl);
    /* the scenario's own facts are as they were */
    {
        char *after = app_whatif_fact_text(w, "deployment.storage.stored_persons");

        ck_assert_str_eq(after, before);
        free(after);
    }
    ck_assert_int_eq(app_whatif_outcome(w, 15), RULE_NA); /* as opened: far below 100,000 */
    /* bad parameters: refused, naming the field */
    p.days = 0;
    ck_assert_ptr_null(app_timeline_run(w, &p, &cause));
    ck_assert_ptr_nonnull(strstr(cause, "days"));
    free(cause);
    cause = NULL;
    /* without a scenario: the days, no timeline */
    ck_assert_int_eq(app_timeline_params(NULL, &p, &cause), 0);
    p.days = 10;
    tl = app_timeline_run(NULL, &p, &cause);
    ck_assert_ptr_nonnull(tl);
    ck_assert_int_eq(app_timeline_days(tl), 10);
    ck_assert_ptr_null(app_timeline_outcomes(tl, 0));
    app_timeline_free(tl);
    free(before);
}
END_TEST

Suite *
whatif_suite(void)
{
    Suite *s = suite_create("whatif");
    TCase *tc = tcase_create("session");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_undo_redo);
    tcase_add_test(tc, test_set_many);
    tcase_add_test(tc, test_save_reload);
    tcase_add_test(tc, test_rows_cycle_remedy);
    tcase_add_test(tc, test_timeline);
    suite_add_tcase(s, tc);
    return s;
}
