/* SPDX-License-Identifier: MIT */
/*
 * check_app.c - the application layer: the defaults both front ends show,
 * an evaluation cancelled through the progress interface (and the stored
 * run marked failed), an uncancelled one stored complete, and audits
 * stored whether they come from a file or from an edited model (the TUI),
 * the calendar's answers and `rules show`'s fields.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/app.h"
#include "faceaudit/date.h"
#include "faceaudit/scenario.h"
#include "testutil.h"

static char *tmp;

static void
setup(void)
{
    tmp = test_tmpdir();
}

static void
teardown(void)
{
    test_rmdir(tmp);
}

START_TEST(test_defaults)
{
    struct app_eval_params e;
    struct app_audit_params a;
    struct app_dataset_check_params d;

    app_eval_params_default(&e);
    ck_assert_int_eq(e.eval.protocol, EVAL_VERIFY);
    ck_assert_double_eq_tol(e.eval.threshold, 0.6, 1e-12);
    ck_assert_uint_eq(e.eval.seed, 1);
    ck_assert_uint_eq(e.eval.max_impostors, 1000000);
    ck_assert_uint_eq(e.eval.bootstrap, 1000);
    ck_assert_uint_eq(e.eval.shard_k, 1);
    ck_assert_uint_eq(e.eval.shard_n, 1);
    ck_assert_uint_eq(e.eval.jobs, 1);
    ck_assert(!e.eval.cropped);
    ck_assert_ptr_null(e.save);
    app_audit_params_default(&a);
    ck_assert(a.save);
    ck_assert_int_eq(a.as_of, FA_DATE_NONE);
    app_dataset_check_params_default(&d);
    ck_assert(d.decode);
    ck_assert_uint_eq(d.max_file_bytes, 64u << 20);
}
END_TEST

START_TEST(test_params_check)
{
    struct app_eval_params p;
    char *cause = NULL;

    app_eval_params_default(&p);
    p.dataset = "x.csv";
    ck_assert_int_eq(app_eval_params_check(&p, &cause), 0);
    p.eval.shard_n = 2;
    ck_assert_int_eq(app_eval_params_check(&p, &cause), -1);
    ck_assert_str_eq(cause, "--shard needs --save NAME or --resume NAME (`faceaudit merge` "
        "reads the stored shards)");
    free(cause);
    cause = NULL;
    p.eval.shard_n = 1;
    p.save = "a";
    p.resume = "a";
    ck_assert_int_eq(app_eval_params_check(&p, &cause), -1);
    free(cause);
}
END_TEST

/* 12 subjects x 4 images with descriptors (subject s at 1 + s/8 on axis s%8). */
static void
make_dataset(char **manifest, char **descs)
{
    FILE *m, *d;
    int s, i, k;

    *manifest = xasprintf("%s/faces.csv", tmp);
    *descs = xasprintf("%s/desc.csv", tmp);
    ck_assert_ptr_nonnull(m = fopen(*manifest, "w"));
    ck_assert_ptr_nonnull(d = fopen(*descs, "w"));
    fputs("path,subject\n", m);
    for (s = 0; s < 12; s++) {
        for (i = 0; i < 4; i++) {
            char *img = xasprintf("%s/s%d_%d.pgm", tmp, s, i);
            FILE *f = fopen(img, "w");

            ck_assert_ptr_nonnull(f);
            fprintf(f, "synthetic %d %d\n", s, i);
            fclose(f);
            free(img);
            fprintf(m, "s%d_%d.pgm,s%d\n", s, i, s);
            fprintf(d, "s%d_%d.pgm", s, i);
            for (k = 0; k < 8; k++)
                fprintf(d, ",%.3f", (k == s % 8 ? 1.0 + s / 8 : 0.0) + 0.01 * i);
            fputc('\n', d);
        }
    }
    fclose(m);
    fclose(d);
}

struct counter {
    size_t ticks, cancel_after;
};

static void
count_progress(void *user, const char *what, size_t done, size_t total)
{
    struct counter *c = user;

    ck_assert_ptr_nonnull(what);
    ck_assert_uint_le(done, total);
    c->ticks++;
}

static bool
cancel_after(void *user)
{
    struct counter *c = user;

    return c->ticks >= c->cancel_after;
}

static const char *
run_status(struct app *a, const char *name)
{
    static char status[32];
    struct app_runs *rs = app_runs_list(a, "eval", NULL);
    size_t i;

    status[0] = '\0';
    ck_assert_ptr_nonnull(rs);
    for (i = 0; i < rs->n; i++) {
        if (strcmp(rs->rows[i].name, name) == 0)
            snprintf(status, sizeof status, "%s", rs->rows[i].status);
    }
    app_runs_free(rs);
    return status;
}

START_TEST(test_eval_cancel)
{
    struct app_eval_params p;
    struct app_eval_result *r;
    struct counter c = { 0, 5 };
    struct app_progress pr = { count_progress, cancel_after, &c };
    char *db = xasprintf("%s/fa.db", tmp), *manifest, *descs, *cause = NULL;
    struct app *a = app_new(db);
    unsigned jobs;

    make_dataset(&manifest, &descs);
    for (jobs = 1; jobs <= 2; jobs++) {
        char name[16];

        snprintf(name, sizeof name, "cut%u", jobs);
        app_eval_params_default(&p);
        p.dataset = manifest;
        p.descriptors = descs;
        p.save = name;
        p.eval.jobs = jobs;
        c.ticks = 0;
        r = app_eval(a, &p, &pr, &cause);
        ck_assert_ptr_null(r);
        ck_assert_str_eq(cause, APP_CANCELLED);
        /* stopped within a few images of the request, not at the end */
        ck_assert_uint_ge(c.ticks, 5);
        ck_assert_uint_lt(c.ticks, 48);
        ck_assert_str_eq(run_status(a, name), "failed");
        free(cause);
        cause = NULL;
    }
    /* not cancelled: the whole run, stored complete */
    c.ticks = 0;
    c.cancel_after = (size_t)-1;
    p.save = "whole";
    p.eval.jobs = 1;
    r = app_eval(a, &p, &pr, &cause);
    ck_assert_msg(r != NULL, "%s", cause);
    ck_assert_uint_eq(c.ticks, 48);
    ck_assert_uint_eq(r->fig.images, 48);
    ck_assert_str_eq(r->saved_as, "whole");
    ck_assert_str_eq(run_status(a, "whole"), "complete");
    app_eval_result_free(r);
    /* a taken name is numbered only when asked (the TUI's automatic names) */
    r = app_eval(a, &p, NULL, &cause);
    ck_assert_ptr_null(r);
    free(cause);
    cause = NULL;
    p.save_unique = true;
    r = app_eval(a, &p, NULL, &cause);
    ck_assert_msg(r != NULL, "%s", cause);
    ck_assert_str_eq(r->saved_as, "whole-2");
    app_eval_result_free(r);
    app_free(a);
    free(manifest);
    free(descs);
    free(db);
}
END_TEST

static size_t
count_runs(struct app *a, const char *kind)
{
    struct app_runs *rs = app_runs_list(a, kind, NULL);
    size_t n;

    ck_assert_ptr_nonnull(rs);
    n = rs->n;
    app_runs_free(rs);
    return n;
}

START_TEST(test_audit_stored)
{
    char *db = xasprintf("%s/fa.db", tmp), *cause = NULL;
    char *rules = test_srcpath("rules");
    char *path = test_srcpath("datasets/scenarios/hotel-front-desk.fa.yaml");
    struct app *a = app_new(db);
    struct app_audit_params p;
    struct app_audit_result *r, *r2;
    struct scenario *sc;

    app_audit_params_default(&p);
    p.rules_dir = rules;
    p.scenario_path = path;
    r = app_audit(a, &p, &cause);
    ck_assert_msg(r != NULL, "%s", cause);
    ck_assert_int_gt(r->run_id, 0);
    ck_assert_uint_eq(count_runs(a, "audit"), 1);
    /* the TUI's way: its loaded pack, calendar and edited model */
    ck_assert_ptr_nonnull(sc = scenario_load(path, 0, &cause));
    p.pack = r->pack;
    p.cal = r->cal;
    p.scenario = sc;
    r2 = app_audit(a, &p, &cause);
    ck_assert_msg(r2 != NULL, "%s", cause);
    ck_assert_int_gt(r2->run_id, r->run_id);
    ck_assert_double_eq_tol(r2->res->score, r->res->score, 1e-9);
    ck_assert_uint_eq(count_runs(a, "audit"), 2);
    app_audit_result_free(r2);
    /* not saved when asked not to */
    p.save = false;
    r2 = app_audit(a, &p, &cause);
    ck_assert_int_eq(r2->run_id, -1);
    ck_assert_uint_eq(count_runs(a, "audit"), 2);
    app_audit_result_free(r2);
    app_audit_result_free(r);
    scenario_free(sc);
    app_free(a);
    free(path);
    free(rules);
    free(db);
}
END_TEST

/* scenario check, get, set and save through app/ (the CLI's and the TUI's calls) */
START_TEST(test_scenario_ops)
{
    char *path = test_srcpath("datasets/scenarios/hotel-front-desk.fa.yaml");
    char *rules = test_srcpath("rules");
    char *out = xasprintf("%s/edited.fa.yaml", tmp), *cause = NULL, *hint = NULL;
    struct app_scenario_check_params cp;
    struct app_scenario_check_result *r;
    struct app_fact_schema *fs;
    struct scenario *sc;
    struct app_fact f;
    size_t n;

    app_scenario_check_params_default(&cp);
    cp.unknown = true;
    cp.rules_dir = rules;
    ck_assert_int_eq(app_scenario_check_load_pack(&cp, &cause), 0);
    r = app_scenario_check(path, &cp, &cause);
    ck_assert_msg(r != NULL, "%s", cause);
    ck_assert(r->loaded && !r->failed && r->have_unknown);
    ck_assert_str_eq(r->id, "hotel-front-desk");
    ck_assert_uint_eq(r->devices, 2);
    ck_assert_uint_eq(r->sites, 1);
    ck_assert_uint_eq(strlen(r->sha256), 64);
    app_scenario_check_result_free(r);
    r = app_scenario_check("/nonexistent.fa.yaml", &cp, &cause);
    ck_assert(!r->loaded && r->failed && r->nproblems >= 1);
    app_scenario_check_result_free(r);
    app_scenario_check_params_free(&cp);
    ck_assert_ptr_null(cp.pack);

    ck_assert_ptr_nonnull(fs = app_scenario_facts("device", &n, &cause));
    ck_assert_uint_gt(n, 5);
    ck_assert_str_eq(fs[0].kind, "device");
    free(fs);
    ck_assert_ptr_null(app_scenario_facts("gadget", &n, &cause));
    ck_assert_ptr_nonnull(strstr(cause, "gadget"));
    free(cause);
    cause = NULL;

    ck_assert_ptr_nonnull(sc = app_scenario_open(path, &cause));
    ck_assert_int_eq(app_scenario_get(sc, "device:desk-tablet-1.zone.location", &f, &cause), 0);
    ck_assert_str_eq(f.value, "front_desk");
    ck_assert_ptr_nonnull(f.file);
    app_fact_free(&f);
    ck_assert_int_eq(app_scenario_set(sc, "zone:front-desk.location=hotel_room", &hint,
        &cause), 0);
    ck_assert_int_eq(app_scenario_get(sc, "zone:front-desk.location", &f, &cause), 0);
    ck_assert_str_eq(f.value, "hotel_room");
    ck_assert_ptr_null(f.file);     /* set by a program: written nowhere */
    app_fact_free(&f);
    ck_assert_int_eq(app_scenario_set(sc, "zone:front-desk.location", &hint, &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "expected KIND[:ID].PATH=VALUE"));
    free(cause);
    cause = NULL;
    ck_assert_int_eq(app_scenario_set(sc, "zone:front-desk.location=moon", &hint, &cause), -1);
    free(cause);
    cause = NULL;
    ck_assert_int_eq(app_scenario_save(sc, out, 0, &cause), 0);
    app_scenario_close(sc);
    ck_assert_ptr_nonnull(sc = app_scenario_open(out, &cause));
    ck_assert_int_eq(app_scenario_get(sc, "zone:front-desk.location", &f, &cause), 0);
    ck_assert_str_eq(f.value, "hotel_room");
    app_fact_free(&f);
    app_scenario_close(sc);
    free(out);
    free(rules);
    free(path);
}
END_TEST

/* calendar and rules show through app/: the answers the CLI prints as text or JSON */
START_TEST(test_calendar_rules_show)
{
    char *rules = test_srcpath("rules"), *cause = NULL, buf[11];
    struct app_calendar_params cp;
    struct app_calendar_result *r;
    struct app_rules_show sh;
    bool usage;

    app_calendar_params_default(&cp);
    cp.rules_dir = rules;
    cp.op = APP_CALENDAR_ADD;
    ck_assert_int_eq(date_parse("2025-06-01", &cp.date, &cause), 0);
    cp.n = 30;
    ck_assert_ptr_nonnull(r = app_calendar(&cp, &cause));
    date_format(r->date2, buf);
    ck_assert_str_eq(buf, "2025-07-14");   /* the Art. 15 transitional deadline */
    ck_assert(!r->approximate);
    ck_assert_uint_eq(strlen(r->version), 64);
    ck_assert_ptr_nonnull(strstr(r->years, "2025"));
    app_calendar_result_free(r);
    cp.op = APP_CALENDAR_BETWEEN;
    ck_assert_int_eq(date_parse("2025-09-26", &cp.date, &cause), 0);
    ck_assert_int_eq(date_parse("2025-10-12", &cp.date2, &cause), 0);
    ck_assert_ptr_nonnull(r = app_calendar(&cp, &cause));
    ck_assert_int_eq(r->days, 6);
    app_calendar_result_free(r);
    cp.op = APP_CALENDAR_SHOW;
    ck_assert_int_eq(date_parse("2025-10-11", &cp.date, &cause), 0);
    ck_assert_ptr_nonnull(r = app_calendar(&cp, &cause));
    ck_assert(r->working);
    ck_assert_ptr_nonnull(r->holiday);
    app_calendar_result_free(r);
    cp.op = APP_CALENDAR_ADD;
    cp.n = APP_CALENDAR_MAX_DAYS + 1;
    ck_assert_ptr_null(app_calendar(&cp, &cause));
    ck_assert_ptr_nonnull(strstr(cause, "number of working days"));
    free(cause);
    cause = NULL;
    cp.n = 1;
    cp.rules_dir = "/nonexistent";
    ck_assert_ptr_null(app_calendar(&cp, &cause));
    ck_assert_ptr_nonnull(strstr(cause, "/nonexistent/calendar"));
    free(cause);
    cause = NULL;

    ck_assert_int_eq(app_rules_show(rules, "FRT-A13-2", &sh, &usage, &cause), 0);
    ck_assert_int_eq(sh.article, 13);
    ck_assert_str_eq(sh.rule, "FRT-A13-2");
    ck_assert_str_eq(sh.clause, "13.2");
    ck_assert_ptr_nonnull(sh.clause_text);
    ck_assert_ptr_null(sh.confidence);
    ck_assert_ptr_nonnull(strstr(sh.text, "rule FRT-A13-2 "));
    app_rules_show_done(&sh);
    ck_assert_int_eq(app_rules_show(rules, "15", &sh, &usage, &cause), 0);
    ck_assert_ptr_null(sh.rule);
    ck_assert_ptr_nonnull(sh.confidence);
    ck_assert_ptr_nonnull(strstr(sh.text, "rule FRT-A15-1 "));
    app_rules_show_done(&sh);
    ck_assert_int_eq(app_rules_show(rules, "21", &sh, &usage, &cause), -1);
    ck_assert(usage);
    free(cause);
    cause = NULL;
    ck_assert_int_eq(app_rules_show(rules, "FRT-A13-99", &sh, &usage, &cause), -1);
    ck_assert(!usage);
    ck_assert_ptr_null(sh.text);
    free(cause);
    free(rules);
}
END_TEST

Suite *app_suite(void);

Suite *
app_suite(void)
{
    Suite *s = suite_create("app");
    TCase *tc = tcase_create("params");

    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_params_check);
    suite_add_tcase(s, tc);
    tc = tcase_create("operations");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_eval_cancel);
    tcase_add_test(tc, test_audit_stored);
    tcase_add_test(tc, test_scenario_ops);
    tcase_add_test(tc, test_calendar_rules_show);
    suite_add_tcase(s, tc);
    return s;
}
