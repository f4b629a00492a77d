/* SPDX-License-Identifier: MIT */
/*
 * check_lesson.c - trainer lessons (src/app/app_lesson*.c): the answer
 * matcher in words, symbols and article spellings; format 2 (goal,
 * articles, await, [[hidden]], explain, reading, grade); format 1 still
 * loading; parse errors with file:line; a false claim named by
 * app_lesson_check(); the shipped curriculum (size, order, steps, goals) and
 * its coverage of every article, read from the rule pack, and no quiz text
 * that gives its answer away.
 */
#include "config.h"

#include <check.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/app.h"
#include "faceaudit/calendar.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/lesson.h"
#include "faceaudit/rule.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "testutil.h"

START_TEST(test_answer_matches)
{
    static const struct {
        const char *given, *answer;
        bool same;
    } cases[] = {
        { "pass", "pass", true }, { "Yes", "pass", true }, { "compliant", "pass", true },
        { "✓", "pass", true }, { " PASSES. ", "pass", true }, { "ok", "pass", true },
        { "合规", "pass", true }, { "fail", "pass", false }, { "no", "pass", false },
        { "no", "fail", true }, { "Violated!", "fail", true }, { "✗", "fail", true },
        { "non-compliant", "fail", true }, { "not compliant", "fail", true },
        { "x", "fail", true }, { "违规", "fail", true },
        { "needs evidence", "needs_evidence", true }, { "Needs_Evidence", "needs evidence",
            true }, { "unknown?", "needs_evidence", true }, { "?", "needs_evidence", true },
        { "evidence?", "needs_evidence", true }, { "NEEDS  EVIDENCE", "needs_evidence", true },
        { "needs evidence", "fail", false }, { "unknown", "not_applicable", false },
        { "n/a", "not_applicable", true }, { "N.A.", "not_applicable", true },
        { "not applicable", "n/a", true }, { "–", "not_applicable", true },
        { "doesn't apply", "not_applicable", true }, { "不适用", "n/a", true },
        { "advisory", "!", true }, { "waived", "~", true },
        { "13", "13", true }, { "Art. 13", "13", true }, { "art13", "13", true },
        { "Article 13", "13", true }, { "ARTICLE 13.2", "13", true }, { "13(2)", "13", true },
        { "第十三条", "13", true }, { "第13条", "13", true }, { "十三", "13", true },
        { "第二十条", "20", true }, { "第十条", "10", true }, { "A7", "7", true },
        { "Art. 7?", "7", true }, { "14", "13", false }, { "第十四条", "13", false },
        { "21", "21", true }, { "130", "13", false }, { "Art.", "13", false },
        { "", "13", false }, { "", "pass", false }, { "13", "pass", false },
        { "separate consent", "Separate consent.", true }, { "consent", "separate consent",
            false },
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(lesson_answer_matches(cases[i].given, cases[i].answer) == cases[i].same,
            "'%s' vs '%s'", cases[i].given, cases[i].answer);
    ck_assert(!lesson_answer_matches(NULL, "13"));
}
END_TEST

START_TEST(test_answer_canon)
{
    char buf[16];

    ck_assert_str_eq(lesson_answer_canon("Needs evidence", buf, sizeof buf), "needs_evidence");
    ck_assert_str_eq(lesson_answer_canon("第七条", buf, sizeof buf), "7");
    ck_assert_str_eq(lesson_answer_canon("yes", buf, sizeof buf), "pass");
    ck_assert_ptr_null(lesson_answer_canon("maybe", buf, sizeof buf));
    ck_assert_ptr_null(lesson_answer_canon("Art. 21", buf, sizeof buf));
    ck_assert_ptr_null(lesson_answer_canon("第二十一条", buf, sizeof buf));
}
END_TEST

START_TEST(test_parse_v2)
{
    static const char text[] =
        "title: T\n"
        "goal: Tell 13.1 from 13.2.\n"
        "articles: 13, 6 7\n"
        "scenario: s.fa.yaml\n"
        "step: One. [[Art. 13 fails.]] Two \\\n"
        "  three.\n"
        "set: device:d1.location = hotel_room\n"
        "await: open-article 13\n"
        "expect: 13 ✗\n"
        "expect: 6 pass\n"
        "expect: 7 needs evidence\n"
        "quiz: Which article?\n"
        "answer: Art. 13\n"
        "explain: FRT-A13-2 (13.2).\n"
        "step: [[Hidden.]]\n"
        "await: set-fact deployment.consent.type = general\n"
        "reading: a13_scope=identification_only\n"
        "expect: grade D\n"
        "step: S\n"
        "await: open-screen sim\n"
        "expect: grade none\n"
        "step: V\n"
        "await: see-verdict 6\n"
        "expect: 6 fail\n"
        "quiz: Q\n"
        "answer: no\n";
    char *cause = NULL, *d;
    struct lesson *l = lesson_parse("dir/l.lesson", text, &cause);
    const struct lesson_step *s;

    ck_assert_msg(l != NULL, "%s", cause);
    ck_assert_int_eq(l->format, 2);
    ck_assert_str_eq(l->goal, "Tell 13.1 from 13.2.");
    ck_assert_uint_eq(l->narticles, 3);
    ck_assert_int_eq(l->articles[0], 13);
    ck_assert_int_eq(l->articles[2], 7);
    ck_assert_uint_eq(l->nsteps, 4);
    s = &l->steps[0];
    ck_assert_str_eq(s->text, "One. Art. 13 fails. Two three.");
    ck_assert_str_eq(s->quiz_text, "One. Two three.");
    ck_assert(s->hides);
    ck_assert_int_eq(s->await.kind, LESSON_AWAIT_OPEN_ARTICLE);
    ck_assert_int_eq(s->await.article, 13);
    ck_assert_str_eq(s->expects[0].outcome, "fail");
    ck_assert_str_eq(s->expects[2].outcome, "needs_evidence");
    ck_assert_uint_eq(s->expects[2].line, 11);
    ck_assert_str_eq(s->explain, "FRT-A13-2 (13.2).");
    ck_assert(!s->sets[0].by_trainee);
    d = lesson_await_describe(&s->await);
    ck_assert_str_eq(d, "Open Art. 13");
    free(d);
    s = &l->steps[1];
    ck_assert_str_eq(s->quiz_text, "");
    ck_assert_int_eq(s->await.kind, LESSON_AWAIT_SET_FACT);
    ck_assert_str_eq(s->await.path, "deployment.consent.type");
    ck_assert_str_eq(s->await.value, "general");
    ck_assert_uint_eq(s->nsets, 1);
    ck_assert(s->sets[0].by_trainee);
    ck_assert_str_eq(s->readings[0], "a13_scope=identification_only");
    ck_assert_int_eq(s->expects[0].article, 0);
    ck_assert_str_eq(s->expects[0].outcome, "D");
    ck_assert_str_eq(lesson_await_name(l->steps[2].await.kind), "open-screen");
    ck_assert_str_eq(l->steps[2].await.screen, "sim");
    ck_assert_str_eq(l->steps[2].expects[0].outcome, "none");
    ck_assert_int_eq(l->steps[3].await.kind, LESSON_AWAIT_SEE_VERDICT);
    lesson_free(l);

    /* a quiz without an await waits for the answer; format 1 stays 1 */
    l = lesson_parse("l.lesson", "title: T\nscenario: s\nstep: a\nexpect: 7 fail\n"
        "quiz: q\nanswer: 7\n", &cause);
    ck_assert_msg(l != NULL, "%s", cause);
    ck_assert_int_eq(l->format, 1);
    ck_assert_int_eq(l->steps[0].await.kind, LESSON_AWAIT_ANSWER);
    ck_assert_str_eq(l->steps[0].quiz_text, "a");
    lesson_free(l);
}
END_TEST

START_TEST(test_parse_errors)
{
    static const struct {
        const char *text, *error;
    } bad[] = {
        { "title: x\nscenario: s\nstep: a [[b\n", "l.lesson:3: step: '[[' and ']]' do not "
            "pair up" },
        { "title: x\nscenario: s\nstep: a ]] b\n", "l.lesson:3: step: '[[' and ']]' do not "
            "pair up" },
        { "title: x\nscenario: s\nstep: [[a [[b]] c]]\n", "l.lesson:3: step: '[[' and ']]' "
            "do not pair up" },
        { "title: x\narticles: 0\n", "l.lesson:2: articles: expected article numbers 1-20" },
        { "title: x\narticles: 6, 6\n", "l.lesson:2: articles: Art. 6 listed twice" },
        { "title: x\narticles: 6x\n", "l.lesson:2: articles: expected" },
        { "title: x\narticles:\n", "l.lesson:2: articles: expected" },
        { "title: x\nscenario: s\nstep: a\ngoal: g\n", "l.lesson:4: 'goal' after the first "
            "'step:'" },
        { "title: x\ngoal:\n", "l.lesson:2: goal: empty" },
        { "title: x\nscenario: s\nstep: a\nawait: open-article 21\n", "l.lesson:4: await: "
            "open-article takes an article number (1-20)" },
        { "title: x\nscenario: s\nstep: a\nawait: open-screen kitchen\n", "l.lesson:4: await: "
            "open-screen takes home, board" },
        { "title: x\nscenario: s\nstep: a\nawait: set-fact\n", "l.lesson:4: await: set-fact "
            "takes a fact path" },
        { "title: x\nscenario: s\nstep: a\nawait: dance\n", "l.lesson:4: await: expected "
            "open-article N" },
        { "title: x\nscenario: s\nstep: a\nawait: see-verdict 3\nawait: see-verdict 4\n",
            "l.lesson:5: await: one per step" },
        { "title: x\nscenario: s\nstep: a\nawait: answer\n", "l.lesson:3: 'await: answer' "
            "without a quiz" },
        { "title: x\nscenario: s\nstep: a\nexpect: grade E\n", "l.lesson:4: expect: grade "
            "takes A, B, C, D, F or none" },
        { "title: x\nscenario: s\nstep: a\nexpect: 13 13\n", "l.lesson:4: expect: 'ARTICLE "
            "OUTCOME'" },
        { "title: x\nscenario: s\nstep: a\nreading: a13_scope\n", "l.lesson:4: reading: "
            "expected 'NAME=ALT'" },
        { "title: x\nscenario: s\nstep: a\nreading: a=b\nreading: a=c\n", "l.lesson:5: "
            "reading: a chosen twice in one step" },
        { "title: x\nscenario: s\nstep: a\nexpect: 7 fail\nquiz: q\nanswer: maybe\n",
            "l.lesson:6: answer: 'maybe' is neither an outcome" },
        { "title: x\nscenario: s\nstep: a\nexpect: 7 fail\nquiz: q\nanswer: 8\n",
            "l.lesson:3: answer '8' is not checked: no 'expect:' of this step has Art. 8" },
        { "title: x\nscenario: s\nstep: a\nexpect: 7 fail\nquiz: q\nanswer: yes\n",
            "l.lesson:3: answer 'yes' is not checked: no 'expect:' of this step has the "
            "outcome pass" },
        { "title: x\nscenario: s\nstep: a\nexplain: e\n", "l.lesson:3: 'explain' explains a "
            "quiz answer: this step has no quiz" },
        { "title: x\nscenario: s\nstep: a\nexpect: 7 fail\nquiz: q\nquiz: r\n", "l.lesson:6: "
            "a second 'quiz' in one step" },
        { "title: x\narticles: 6, 7\nscenario: s\nstep: a\nexpect: 7 fail\n", "l.lesson: "
            "articles: Art. 6 is listed but no 'expect:' checks it" },
        { "title: x\nscenario: s\nstep: a\nexplian: e\n", "l.lesson:4: unknown key 'explian' "
            "(did you mean 'explain'?)" },
        { "title: x\nawait: see-verdict 3\n", "l.lesson:2: 'await' before the first 'step:'" },
        { "title: x\nscenario:\n", "l.lesson:2: scenario: empty" },
    };
    char *cause = NULL;
    size_t i;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_ptr_null(lesson_parse("l.lesson", bad[i].text, &cause));
        ck_assert_msg(cause != NULL && strncmp(cause, bad[i].error, strlen(bad[i].error)) == 0,
            "case %zu: %s", i, cause);
        free(cause);
        cause = NULL;
    }
}
END_TEST

static struct rule_pack *pack;
static struct calendar *cal;

static void
setup(void)
{
    char *rules = test_srcpath("rules"), *cause = NULL;

    ck_assert_msg(rule_pack_load_with_calendar(rules, &pack, &cal, &cause) == 0, "%s", cause);
    free(rules);
}

static void
teardown(void)
{
    rule_pack_free(pack);
    calendar_free(cal);
}

/* A false claim names file, step line, article, expected and actual. */
START_TEST(test_check_false_claim)
{
    char *hotel = test_srcpath("datasets/scenarios/training/11-private-spaces.fa.yaml");
    char *text = xasprintf("title: t\nscenario: %s\nstep: s\nexpect: 13 pass\nexpect: grade A\n"
        "step: moved\nset: device:desk-tablet-1.location = hotel_room\nexpect: 13 pass\n"
        "expect: 6 pass\nexpect: grade C\n", hotel), *cause = NULL;
    struct lesson *l = lesson_parse("x.lesson", text, &cause);
    struct strbuf log;

    ck_assert_msg(l != NULL, "%s", cause);
    strbuf_init(&log);
    ck_assert_msg(app_lesson_check(NULL, l, pack, cal, &log, &cause) == 2, "%s", cause);
    ck_assert_str_eq(strbuf_str(&log),
        "x.lesson:6: step 2: Art. 13: expected pass, the audit says fail\n"
        "x.lesson:6: step 2: grade: expected C, the audit says D\n");
    strbuf_done(&log);
    lesson_free(l);
    free(text);

    /* a fact the scenario does not have: an error naming the set line */
    text = xasprintf("title: t\nscenario: %s\nstep: s\nset: device:nope.location = hotel_room\n",
        hotel);
    l = lesson_parse("y.lesson", text, &cause);
    ck_assert_msg(l != NULL, "%s", cause);
    strbuf_init(&log);
    ck_assert_int_eq(app_lesson_check(NULL, l, pack, cal, &log, &cause), -1);
    ck_assert_msg(strncmp(cause, "y.lesson:4: set: ", 17) == 0, "%s", cause);
    free(cause);
    strbuf_done(&log);
    lesson_free(l);
    free(text);
    free(hotel);
}
END_TEST

/*
 * In quiz mode a step's visible text must not give its answer away (issue
 * 18: "Art. 7 now needs evidence" above the question): neither "Art. N" of
 * an article answer nor the words of an outcome answer.
 */
static void
check_no_giveaway(const char *path, const struct lesson_step *st)
{
    static const struct {
        const char *outcome, *words[4];
    } giveaway[] = {
        { "pass", { "passes", "passed", "compliant", NULL } },
        { "fail", { "fails", "failed", "violat", NULL } },
        { "needs_evidence", { "needs evidence", "need evidence", NULL } },
        { "not_applicable", { "not applicable", "does not apply", "no duty", NULL } },
    };
    char buf[16], *lower = xstrdup(st->quiz_text), *p;
    const char *a = lesson_answer_canon(st->answer, buf, sizeof buf);
    size_t i, j;

    for (p = lower; *p != '\0'; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    if (a[0] >= '0' && a[0] <= '9') {
        char *art = xasprintf("art. %s", a), *hit = strstr(lower, art);

        ck_assert_msg(hit == NULL || (hit[strlen(art)] >= '0' && hit[strlen(art)] <= '9'),
            "%s:%u: the quiz text names the answer: %s", path, st->line, st->quiz_text);
        free(art);
    }
    for (i = 0; i < sizeof giveaway / sizeof giveaway[0]; i++) {
        if (strcmp(a, giveaway[i].outcome) != 0)
            continue;
        for (j = 0; giveaway[i].words[j] != NULL; j++)
            ck_assert_msg(strstr(lower, giveaway[i].words[j]) == NULL,
                "%s:%u: the quiz text gives '%s' away: %s", path, st->line,
                giveaway[i].words[j], st->quiz_text);
    }
    free(lower);
}

/*
 * The shipped curriculum: at least 14 lessons of 3-8 steps, each with a goal
 * and its articles; all 20 articles between them, every scored article (one
 * with a rule that is not advisory) in a lesson; every claim true.
 */
START_TEST(test_curriculum)
{
    char *dir = test_srcpath("datasets/scenarios/training"), *cause = NULL;
    char *pattern = path_join(dir, "*.lesson");
    glob_t files;
    bool covered[RULE_NARTICLES + 1] = { false };
    size_t i, k, nlessons = 0;
    struct strbuf log;

    ck_assert_int_eq(glob(pattern, 0, NULL, &files), 0);
    strbuf_init(&log);
    for (i = 0; i < files.gl_pathc; i++) {
        const char *path = files.gl_pathv[i];
        struct lesson *l = lesson_load(path, &cause);

        ck_assert_msg(l != NULL, "%s", cause);
        ck_assert_msg(l->goal != NULL, "%s: no goal", path);
        ck_assert_msg(l->narticles > 0, "%s: no articles", path);
        ck_assert_msg(l->nsteps >= 3 && l->nsteps <= 8, "%s: %zu steps", path, l->nsteps);
        for (k = 0; k < l->narticles; k++)
            covered[l->articles[k]] = true;
        for (k = 0; k < l->nsteps; k++) {
            if (l->steps[k].quiz == NULL)
                continue;
            check_no_giveaway(path, &l->steps[k]);
            ck_assert_msg(l->steps[k].explain != NULL, "%s:%u: a quiz without 'explain:'", path,
                l->steps[k].line);
        }
        ck_assert_int_ge(app_lesson_check(NULL, l, pack, cal, &log, &cause), 0);
        nlessons++;
        lesson_free(l);
    }
    ck_assert_msg(log.len == 0, "%s", strbuf_str(&log));
    ck_assert_uint_ge(nlessons, 14);
    for (k = 1; k <= RULE_NARTICLES; k++)
        ck_assert_msg(covered[k], "no lesson covers Art. %zu", k);
    for (i = 0; i < rule_pack_nrules(pack); i++) {
        const struct rule *r = rule_pack_rule(pack, i);

        if (!rule_is_advisory(r))
            ck_assert_msg(covered[rule_article(r)], "%s is scored but no lesson covers Art. %d",
                rule_id(r), rule_article(r));
    }
    strbuf_done(&log);
    globfree(&files);
    free(pattern);
    free(dir);
}
END_TEST

Suite *lesson_suite(void);

Suite *
lesson_suite(void)
{
    Suite *s = suite_create("lesson");
    TCase *tc = tcase_create("parse");

    tcase_add_test(tc, test_answer_matches);
    tcase_add_test(tc, test_answer_canon);
    tcase_add_test(tc, test_parse_v2);
    tcase_add_test(tc, test_parse_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("check");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_check_false_claim);
    tcase_add_test(tc, test_curriculum);
    suite_add_tcase(s, tc);
    return s;
}
