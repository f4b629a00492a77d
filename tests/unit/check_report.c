/* SPDX-License-Identifier: MIT */
/*
 * check_report.c - the report module's pieces that need no scenario: RFC
 * 4180 quoting, location parsing, the writer registry, diff classification
 * and order, baseline-free snapshots, SVG charts on log axes, and the
 * three-year retention date of the impact-assessment record.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"

#include "faceaudit/calendar.h"
#include "faceaudit/eval.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/rng.h"
#include "faceaudit/rule.h"
#include "faceaudit/scenario.h"
#include "faceaudit/sim.h"
#include "faceaudit/store.h"
#include "faceaudit/store_report.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "testutil.h"

START_TEST(csv_quoting)
{
    struct strbuf sb;

    strbuf_init(&sb);
    report_csv_str(&sb, "plain");
    strbuf_putc(&sb, '|');
    report_csv_str(&sb, "a,\"b\"");
    strbuf_putc(&sb, '|');
    report_csv_str(&sb, "line\nbreak");
    ck_assert_str_eq(strbuf_str(&sb), "plain|\"a,\"\"b\"\"\"|\"line\nbreak\"");
    strbuf_done(&sb);
}
END_TEST

START_TEST(xml_and_json_escapes)
{
    struct strbuf sb;

    strbuf_init(&sb);
    report_xml_str(&sb, "<a href=\"x\">&'\x01");
    ck_assert_str_eq(strbuf_str(&sb), "&lt;a href=&quot;x&quot;&gt;&amp;&#39; ");
    strbuf_reset(&sb);
    report_json_str(&sb, "q\"\\\n\x02");
    ck_assert_str_eq(strbuf_str(&sb), "\"q\\\"\\\\\\n\\u0002\"");
    strbuf_done(&sb);
}
END_TEST

START_TEST(locations)
{
    struct report_loc loc;

    ck_assert(report_loc_parse("datasets/scenarios/x.fa.yaml:12:7", &loc));
    ck_assert_str_eq(loc.file, "datasets/scenarios/x.fa.yaml");
    ck_assert_uint_eq(loc.line, 12);
    ck_assert_uint_eq(loc.col, 7);
    ck_assert(report_loc_parse("c:/odd:path.yaml:3:1", &loc));
    ck_assert_str_eq(loc.file, "c:/odd:path.yaml");
    ck_assert(!report_loc_parse("x.yaml:0:0", &loc));
    ck_assert(!report_loc_parse("nowhere", &loc));
    ck_assert(!report_loc_parse(NULL, &loc));
}
END_TEST

START_TEST(registry)
{
    static const char *const names[] = { "text", "json", "csv", "markdown", "sarif", "junit",
        "html" };
    char *cause = NULL;
    size_t i;

    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        ck_assert_ptr_nonnull(report_writer_find(names[i]));
        ck_assert_str_eq(report_writer_find(names[i])->name, names[i]);
    }
    ck_assert_ptr_null(report_writer_find("pdf"));
    ck_assert_ptr_null(report_render("sarf", &(struct report_input){ 0 }, &cause));
    ck_assert_ptr_nonnull(strstr(cause, "did you mean 'sarif'?"));
    free(cause);
}
END_TEST

START_TEST(diff_order)
{
    struct report_snapshot *a = report_snapshot_new("A", "dep"), *b = report_snapshot_new("B",
        "dep");
    struct report_diff *d;
    char *text;

    report_snapshot_add(a, "FRT-A13-2", "cam-1", 13, "13.2", "critical", "pass", NULL);
    report_snapshot_add(a, "FRT-A05-1", NULL, 5, "5.1", "high", "fail", "no notice");
    report_snapshot_add(a, "FRT-A08-4", NULL, 8, "8.2", "medium", "pass", NULL);
    report_snapshot_add(a, "FRT-A14-5", NULL, 14, "14.1", "medium", "needs_evidence", NULL);
    report_snapshot_add(a, "FRT-A13-2", "cam-9", 13, "13.2", "critical", "fail", NULL);
    report_snapshot_add(b, "FRT-A14-5", NULL, 14, "14.1", "medium", "pass", NULL);
    report_snapshot_add(b, "FRT-A13-2", "cam-1", 13, "13.2", "critical", "fail", "in a room");
    report_snapshot_add(b, "FRT-A08-4", NULL, 8, "8.2", "medium", "pass", NULL);
    report_snapshot_add(b, "FRT-A05-1", NULL, 5, "5.1", "high", "pass", NULL);
    report_snapshot_add(b, "FRT-A07-1", NULL, 7, "7.1", "high", "fail", NULL);
    d = report_diff_new(a, b);
    ck_assert_uint_eq(d->n, 6);
    /* new failures by article, then fixed (incl. a removed failing instance), changed, unchanged */
    ck_assert_int_eq(d->e[0].change, REPORT_NEW_FAILURE);
    ck_assert_str_eq(d->e[0].b->rule, "FRT-A07-1");
    ck_assert_ptr_null(d->e[0].a);
    ck_assert_int_eq(d->e[1].change, REPORT_NEW_FAILURE);
    ck_assert_str_eq(d->e[1].b->entity, "cam-1");
    ck_assert_int_eq(d->e[2].change, REPORT_FIXED);
    ck_assert_str_eq(d->e[2].a->rule, "FRT-A05-1");
    ck_assert_int_eq(d->e[3].change, REPORT_FIXED);
    ck_assert_str_eq(d->e[3].a->entity, "cam-9");
    ck_assert_ptr_null(d->e[3].b);
    ck_assert_int_eq(d->e[4].change, REPORT_CHANGED);
    ck_assert_str_eq(d->e[4].b->rule, "FRT-A14-5");
    ck_assert_int_eq(d->e[5].change, REPORT_UNCHANGED);
    ck_assert_uint_eq(d->count[REPORT_NEW_FAILURE], 2);
    ck_assert_uint_eq(d->count[REPORT_FIXED], 2);
    text = report_diff_text(d, false);
    ck_assert_ptr_nonnull(strstr(text, "2 new failures, 2 fixed, 1 changed, 1 unchanged"));
    ck_assert(strstr(text, "NEW FAILURES") < strstr(text, "FIXED"));
    free(text);
    report_diff_free(d);
    report_snapshot_free(a);
    report_snapshot_free(b);
}
END_TEST

START_TEST(snapshot_json)
{
    static const char good[] = "{\"schema\": \"faceaudit-audit\", \"version\": 1, \"scenario\": "
        "{\"id\": \"s\"}, \"as_of\": \"2025-09-01\", \"score\": {\"with_waivers\": 80.5, "
        "\"without_waivers\": 70, \"grade\": \"B\", \"grade_without_waivers\": \"C\"}, "
        "\"findings\": [{\"rule\": \"FRT-A05-1\", \"article\": 5, \"clause\": \"5.1\", "
        "\"severity\": \"high\", \"entity\": null, \"outcome\": \"fail\", \"message\": \"m\"}]}";
    static const char bad[] = "{\"schema\": \"faceaudit-audit\", \"version\": 1, "
        "\"scenario\": {}, \"score\": {},\n \"findings\": [{\"rule\": \"X\"}]}";
    struct report_snapshot *s;
    char *cause = NULL;

    s = report_snapshot_from_json(good, strlen(good), "good.json", &cause);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(s->n, 1);
    ck_assert_double_eq_tol(s->score, 80.5, 1e-9);
    ck_assert_int_eq(s->grade_no_waivers, 'C');
    ck_assert_ptr_null(s->items[0].entity);
    report_snapshot_free(s);
    ck_assert_ptr_null(report_snapshot_from_json(bad, strlen(bad), "bad.json", &cause));
    ck_assert_str_eq(cause, "bad.json:2:15: not a faceaudit audit result: a finding lacks "
        "\"rule\", \"article\" or \"outcome\"");
    free(cause);
    cause = NULL;
    ck_assert_ptr_null(report_snapshot_from_json("[]", 2, "x.json", &cause));
    ck_assert_ptr_nonnull(strstr(cause, "\"schema\" is not \"faceaudit-audit\""));
    free(cause);
    /* an article beyond int (libFuzzer, 2026-12-04: 9.9e81 was cast to int), negative or
     * fractional: refused with its place, never cast */
    {
        static const char *const arts[] = { "9911111111111111111111111111111111111111", "-1",
            "5.5", "1e300" };
        size_t i;

        for (i = 0; i < FA_NITEMS(arts); i++) {
            char *j = xasprintf("{\"schema\": \"faceaudit-audit\", \"version\": 1, "
                "\"scenario\": {\"id\": \"x\"}, \"score\": {\"grade\": \"\"},\n"
                "\"findings\": [{\"rule\": \"R\", \"article\": %s, \"outcome\": \"fail\"}]}",
                arts[i]);

            cause = NULL;
            ck_assert_ptr_null(report_snapshot_from_json(j, strlen(j), "a.json", &cause));
            ck_assert_str_eq(cause, "a.json:2:39: not a faceaudit audit result: a finding's "
                "\"article\" is not an article number (a whole number from 0 to 1000)");
            free(cause);
            free(j);
        }
    }
}
END_TEST

START_TEST(svg_log_axes)
{
    static const double fmr[] = { 0, 1e-5, 1e-3, 1e-1, 1 }, fnmr[] = { 0.9, 0.5, 0.1, 0.01,
        NAN };
    struct report_series s = { "DET", fmr, fnmr, 5, false, false };
    struct report_marker m = { true, 1e-4, "target <1e-4>" };
    struct report_chart c = { "DET & friends", "FMR", "FNMR", true, true, &s, 1, &m, 1, NULL,
        NULL, 0 };
    char *svg = report_svg_chart(&c, 400, 300);
    const char *p = strstr(svg, "<path");

    ck_assert_ptr_nonnull(p);
    /* the zero FMR and the NaN are skipped: one move and two lines */
    {
        const char *d = strstr(p, "d=\"") + 3, *e = strchr(d, '"');
        int moves = 0, lines = 0;

        for (; d < e; d++) {
            moves += *d == 'M';
            lines += *d == 'L';
        }
        ck_assert_int_eq(moves, 1);
        ck_assert_int_eq(lines, 2);
    }
    ck_assert_ptr_nonnull(strstr(svg, ">1e-5<"));
    ck_assert_ptr_nonnull(strstr(svg, "DET &amp; friends"));
    ck_assert_ptr_nonnull(strstr(svg, "target &lt;1e-4&gt;"));
    ck_assert_ptr_null(strstr(svg, "<script"));
    ck_assert_ptr_null(strstr(svg, "http"));
    free(svg);
}
END_TEST

/* The y of the tallest <rect class="barS"> (its top edge). */
static double
tallest_bar_top(const char *svg, int series)
{
    char key[32];
    const char *p = svg;
    double top = INFINITY, y;

    snprintf(key, sizeof key, "<rect class=\"bar%d\"", series);
    while ((p = strstr(p, key)) != NULL) {
        ck_assert_int_eq(sscanf(strstr(p, " y=\"") + 4, "%lf", &y), 1);
        top = fmin(top, y);
        p++;
    }
    return top;
}

/* Genuine and impostor counts on their own axes: both tallest bars reach the plot's top. */
START_TEST(svg_two_axes_legend_point)
{
    static const double bx[] = { 0.1, 0.3, 0.5, 0.7, 0.9 }, gen[] = { 3, 17, 30, 2, 0 },
        imp[] = { 0, 40, 900, 3000, 1200 }, fmr[] = { 1e-4, 1e-3, 1e-2, 1e-1, 1 },
        fnmr[] = { 1, 0.5, 0.1, 1e-2, 1e-3 };
    struct report_series h[2] = { { "genuine", bx, gen, 5, true, false },
        { "impostor", bx, imp, 5, true, true } };
    struct report_series det = { "DET", fmr, fnmr, 5, false, false };
    struct report_point pt = { 1e-2, 1e-1, "t = 0.6: FMR 0.01, FNMR 0.1" };
    struct report_chart c;
    char *svg;
    const char *g;
    double lx, ly, lw, lh;

    memset(&c, 0, sizeof c);
    c.title = "hist";
    c.series = h;
    c.nseries = 2;
    c.y2label = "impostor comparisons";
    svg = report_svg_chart(&c, 400, 300);
    /* the plot area starts at y = 44 (title and legend above it) */
    ck_assert_ptr_nonnull(strstr(svg, "<rect class=\"plot\" x=\"64\" y=\"44\""));
    ck_assert(fabs(tallest_bar_top(svg, 0) - 44.0) < 0.05);
    ck_assert(fabs(tallest_bar_top(svg, 1) - 44.0) < 0.05);
    ck_assert_ptr_nonnull(strstr(svg, ">impostor comparisons</text>"));
    /* the legend lies above the plot area */
    g = strstr(svg, "<g class=\"legend\"><rect");
    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(sscanf(g, "<g class=\"legend\"><rect x=\"%lf\" y=\"%lf\" width=\"%lf\" "
        "height=\"%lf\"", &lx, &ly, &lw, &lh), 4);
    ck_assert(ly + lh <= 44.0 && ly >= 0 && lx >= 64 && lx + lw <= 400);
    free(svg);
    /* DET on decades 1e-4..1 by 1e-3..1, 320 x 212 px: the point at (1e-2, 1e-1) */
    memset(&c, 0, sizeof c);
    c.title = "DET";
    c.xlog = c.ylog = true;
    c.series = &det;
    c.nseries = 1;
    c.points = &pt;
    c.npoints = 1;
    svg = report_svg_chart(&c, 400, 300);
    ck_assert_msg(strstr(svg, "<circle cx=\"224.0\" cy=\"114.7\"") != NULL, "%s", svg);
    ck_assert_ptr_nonnull(strstr(svg, ">t = 0.6: FMR 0.01, FNMR 0.1</text>"));
    free(svg);
}
END_TEST

START_TEST(pia_retention)
{
    char d[11];

    date_format(report_pia_min_retention(date_from_ymd(2025, 9, 1)), d);
    ck_assert_str_eq(d, "2028-09-01");
    date_format(report_pia_min_retention(date_from_ymd(2024, 2, 29)), d);
    ck_assert_str_eq(d, "2027-03-01");
    date_format(report_pia_min_retention(date_from_ymd(2025, 12, 31)), d);
    ck_assert_str_eq(d, "2028-12-31");
}
END_TEST

/* Records: saved with their hash, immutable, kept at least three years. */
START_TEST(pia_store)
{
    char *dir = test_tmpdir(), *db = path_join(dir, "fa.db"), *cause = NULL, *text;
    struct store *st = store_open(db, &cause);
    struct store_pia rec, *list;
    size_t n;
    int64_t id;

    ck_assert_msg(st != NULL, "%s", cause);
    memset(&rec, 0, sizeof rec);
    rec.scenario_id = (char *)(uintptr_t)"dep";
    rec.scenario_hash = (char *)(uintptr_t)"00";
    rec.prepared = (char *)(uintptr_t)"2025-09-01";
    rec.review_due = (char *)(uintptr_t)"2026-09-01";
    rec.retain_until = (char *)(uintptr_t)"2028-08-31";
    rec.format = (char *)(uintptr_t)"markdown";
    /* one day short of three years: refused by the schema */
    ck_assert_int_eq(store_pia_save(st, &rec, "# record\n", &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "CHECK constraint failed"));
    free(cause);
    cause = NULL;
    rec.retain_until = (char *)(uintptr_t)"2028-09-01";
    id = store_pia_save(st, &rec, "# record\n", &cause);
    ck_assert_int_eq(id, 1);
    ck_assert_int_eq(store_pia_list(st, &list, &n, &cause), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(list[0].sha256,
        "df3ddefbd56eac9d65d395773a65c772ed4c66cca2067a5db80bf77b086b4ff0");
    store_pia_list_free(list, n);
    text = store_pia_content(st, id, &cause);
    ck_assert_str_eq(text, "# record\n");
    free(text);
    /* immutable, and not deletable before its retention ends */
    ck_assert_int_eq(store_exec(st, "UPDATE pia_record SET content = 'x'", &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "cannot be changed"));
    free(cause);
    cause = NULL;
    ck_assert_int_eq(store_exec(st, "DELETE FROM pia_record", &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "kept until"));
    free(cause);
    cause = NULL;
    /* a tampered hash is noticed when the record is read */
    ck_assert_int_eq(store_exec(st, "DROP TRIGGER pia_record_immutable; UPDATE pia_record SET "
        "content = '# edited'", &cause), 0);
    ck_assert_ptr_null(store_pia_content(st, id, &cause));
    ck_assert_ptr_nonnull(strstr(cause, "does not match its SHA-256"));
    free(cause);
    store_close(st);
    free(db);
    test_rmdir(dir);
}
END_TEST

/* The record of a bundled scenario: every section, risks before and after. */
START_TEST(pia_render)
{
    char *path = test_srcpath("datasets/scenarios/hotel-front-desk.fa.yaml"), *cause = NULL;
    struct scenario *sc = scenario_load(path, 0, &cause);
    struct report_pia_opts o;
    char *md, *html;

    ck_assert_msg(sc != NULL, "%s", cause);
    memset(&o, 0, sizeof o);
    o.sc = sc;
    o.prepared = date_from_ymd(2025, 9, 1);
    o.retain_until = report_pia_min_retention(o.prepared);
    o.review_due = date_from_ymd(2026, 9, 1);
    md = report_pia_render(&o);
    ck_assert_ptr_nonnull(strstr(md, "| Retain until (at least 3 years, Art. 9) | 2028-09-01 |"));
    ck_assert_ptr_nonnull(strstr(md, "## 3. Necessity and proportionality"));
    ck_assert_ptr_nonnull(strstr(md, "| Handler | Lakeside Hotel Management Co., Ltd. |"));
    /* on-device storage: leaks are remote; all five measures but one known in place */
    ck_assert_ptr_nonnull(strstr(md, "| Face information leaked or illegally obtained, sold or "
        "used | remote x significant = low |"));
    ck_assert_ptr_nonnull(strstr(md, "to assess (no audit given)"));
    ck_assert_ptr_nonnull(strstr(md, "## 6. Sign-off"));
    o.html = true;
    html = report_pia_render(&o);
    ck_assert_ptr_nonnull(strstr(html, "<td>Retain until (at least 3 years, Art. 9)</td>"
        "<td>2028-09-01</td>"));
    ck_assert_ptr_null(strstr(html, "<script"));
    free(md);
    free(html);
    scenario_free(sc);
    free(path);
}
END_TEST

/* The HTML report of a real audit with eval figures from the eval module. */
START_TEST(html_eval_hook)
{
    char *rules = test_srcpath("rules"), *cdir = path_join(rules, "calendar");
    char *path = test_srcpath("datasets/scenarios/hotel-front-desk.fa.yaml"), *cause = NULL;
    struct rule_pack *pack = rule_pack_load(rules, &cause);
    struct calendar *cal = pack != NULL ? calendar_load(cdir, &cause) : NULL;
    struct scenario *sc = cal != NULL ? scenario_load(path, 0, &cause) : NULL;
    struct audit_opts opts = { date_from_ymd(2025, 9, 1), NULL, NULL, NULL };
    struct audit_meta meta;
    struct audit_result *res;
    struct report_input in;
    struct report_eval *ev;
    double gen[200], imp[2000];
    char *html;
    size_t i;

    ck_assert_msg(sc != NULL, "%s", cause);
    opts.cal = cal;
    res = audit_run(pack, sc, &opts, &cause);
    ck_assert_msg(res != NULL, "%s", cause);
    /* genuine distances 0.20..0.60, impostor 0.45..1.25: they overlap */
    for (i = 0; i < 200; i++)
        gen[i] = 0.2 + 0.4 * (double)i / 199;
    for (i = 0; i < 2000; i++)
        imp[i] = 0.45 + 0.8 * (double)i / 1999;
    ev = report_eval_from_scores("synthetic, verification", gen, 200, imp, 2000, 0.6);
    ck_assert_ptr_nonnull(ev);
    ck_assert_uint_gt(ev->npoints, 10);
    ck_assert_uint_eq(ev->nops, 4);
    /* FMR 1e-1: 200 of 2000 impostors accepted at most, the threshold in the overlap */
    ck_assert(ev->op_fmr[0] <= 0.1 + 1e-12);
    ck_assert(ev->op_threshold[0] > 0.45 && ev->op_threshold[0] < 0.6);
    memset(&meta, 0, sizeof meta);
    meta.software = "faceaudit test";
    meta.scenario_id = "hotel-front-desk";
    meta.scenario_path = path;
    meta.scenario_hash = scenario_hash(sc);
    meta.calendar_version = calendar_version(cal);
    meta.calendar_years = "2025,2026";
    memset(&in, 0, sizeof in);
    in.res = res;
    in.pack = pack;
    in.meta = &meta;
    in.sc = sc;
    in.eval = ev;
    html = report_render("html", &in, &cause);
    ck_assert_ptr_nonnull(html);
    ck_assert_ptr_nonnull(strstr(html, "<title>DET: FNMR against FMR</title>"));
    ck_assert_ptr_nonnull(strstr(html, "<title>Score histograms</title>"));
    ck_assert_ptr_nonnull(strstr(html, "Recognition accuracy: synthetic, verification"));
    ck_assert_ptr_nonnull(strstr(html, "<tr><td class=\"num\">0.01</td>"));
    ck_assert_ptr_nonnull(strstr(html, "SHA-256"));
    ck_assert_ptr_null(strstr(html, "<script"));
    ck_assert_ptr_null(strstr(html, "http://"));
    ck_assert_ptr_null(strstr(html, "https://"));
    free(html);
    report_eval_free(ev);
    audit_result_free(res);
    scenario_free(sc);
    calendar_free(cal);
    rule_pack_free(pack);
    free(path);
    free(rules);
    free(cdir);
}
END_TEST

/* A file's whole text (test helper). */
static char *
slurp(const char *path)
{
    size_t len;
    char *cause = NULL, *t = fs_read_file(path, 1u << 28, &len, &cause);

    ck_assert_msg(t != NULL, "%s", cause);
    return t;
}

/*
 * Reports written as they are produced (report_write, report_write_file)
 * are the reports report_render() gives, in every format, grouped and per
 * device, over many 64 KB pieces; a write error and an unwritable folder
 * are errors that leave nothing behind.
 */
START_TEST(stream_equals_render)
{
    static const char *const formats[] = { "text", "json", "csv", "markdown", "sarif", "junit",
        "html" };
    char *rules = test_srcpath("rules"), *cdir = path_join(rules, "calendar");
    char *base = test_srcpath("rules/tests/compliant.fa.yaml"), *dir = test_tmpdir();
    char *yaml = path_join(dir, "e.fa.yaml"), *csv = path_join(dir, "e.devices.csv");
    char *out = path_join(dir, "out"), *cause = NULL, *text, *cut;
    struct rule_pack *pack = rule_pack_load(rules, &cause);
    struct calendar *cal = pack != NULL ? calendar_load(cdir, &cause) : NULL;
    struct audit_opts opts = { date_from_ymd(2025, 12, 1), NULL, NULL, NULL };
    struct audit_meta meta;
    struct report_input in;
    struct report_groups *gs;
    struct audit_result *res;
    struct scenario *sc;
    struct strbuf sb;
    size_t len, f;
    int n, grouped;
    FILE *fp;

    ck_assert_msg(cal != NULL, "%s", cause);
    text = fs_read_file(base, 1 << 20, &len, &cause);
    cut = strstr(text, "\nsites:");
    *cut = '\0';
    strbuf_init(&sb);
    strbuf_printf(&sb, "%s\nsites:\n  - id: s\n    place: public_place\n"
        "    public_safety_need: true\n    zones:\n      - id: z\n        location: gate\n"
        "        collection_area_defined: true\n        signage: {present: true, prominent: true}\n"
        "inventory: e.devices.csv\n", text);
    ck_assert_int_eq(fs_write_atomic(yaml, sb.buf, sb.len, 0644, NULL), 0);
    strbuf_reset(&sb);
    strbuf_puts(&sb, "id,zone,identifies_people,signage.present\n");
    for (n = 1; n <= 300; n++)
        strbuf_printf(&sb, "cam-%d,z,true,%s\n", n, n % 7 == 0 ? "false" : "");
    ck_assert_int_eq(fs_write_atomic(csv, sb.buf, sb.len, 0644, NULL), 0);
    strbuf_done(&sb);
    sc = scenario_load(yaml, SCENARIO_LOAD_NO_EVIDENCE, &cause);
    ck_assert_msg(sc != NULL, "%s", cause);
    opts.cal = cal;
    res = audit_run(pack, sc, &opts, &cause);
    ck_assert_ptr_nonnull(res);
    memset(&meta, 0, sizeof meta);
    meta.software = "faceaudit test";
    meta.scenario_id = "e";
    meta.scenario_path = yaml;
    meta.scenario_hash = scenario_hash(sc);
    meta.calendar_version = calendar_version(cal);
    meta.calendar_years = "2025";
    gs = report_groups_new(res, REPORT_MAX_RUNS);
    for (grouped = 0; grouped < 2; grouped++) {
        memset(&in, 0, sizeof in);
        in.res = res;
        in.pack = pack;
        in.meta = &meta;
        in.sc = sc;
        in.groups = grouped ? gs : NULL;
        for (f = 0; f < FA_NITEMS(formats); f++) {
            char *want = report_render(formats[f], &in, &cause), *got;

            ck_assert_ptr_nonnull(want);
            ck_assert_int_eq(report_write_file(formats[f], &in, out, &cause), 0);
            got = slurp(out);
            ck_assert_msg(strcmp(want, got) == 0, "%s, grouped %d: streamed differs",
                formats[f], grouped);
            if (!grouped && strcmp(formats[f], "json") == 0)
                ck_assert_uint_gt(strlen(want), 4 * AUDIT_OUT_CHUNK);
            free(got);
            fp = fopen(out, "w");
            ck_assert_int_eq(report_write(formats[f], &in, fp, &cause), 0);
            fclose(fp);
            got = slurp(out);
            ck_assert_str_eq(want, got);
            free(got);
            free(want);
        }
    }
    /* errors: an unknown format, a stream that cannot be written, no folder */
    ck_assert_int_eq(report_write_file("jsn", &in, out, &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "did you mean 'json'"));
    free(cause);
    cause = NULL;
    fp = fopen(out, "r");
    ck_assert_int_eq(report_write("json", &in, fp, &cause), -1);
    ck_assert_msg(strncmp(cause, "writing the report: ", 20) == 0, "%s", cause);
    fclose(fp);
    free(cause);
    cause = NULL;
    free(out);
    out = path_join(dir, "no/such/folder/r.json");
    ck_assert_int_eq(report_write_file("json", &in, out, &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "cannot create temporary file"));
    free(cause);
    report_groups_free(gs);
    audit_result_free(res);
    scenario_free(sc);
    calendar_free(cal);
    rule_pack_free(pack);
    test_rmdir(dir);
    free(text);
    free(base);
    free(yaml);
    free(csv);
    free(out);
    free(rules);
    free(cdir);
}
END_TEST

/* Eval runs compared: overlapping intervals are noise, disjoint ones a change. */
START_TEST(eval_diff)
{
    struct eval_figures a, b;
    size_t worse;
    char *t, *j;

    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.protocol = b.protocol = EVAL_VERIFY;
    a.threshold = b.threshold = 0.6;
    a.auc = 0.99;
    b.auc = 0.98;
    a.dprime = b.dprime = NAN;
    a.fmr = (struct eval_rate){ 10, 10000, 0.001, 0.0005, 0.0018 };
    b.fmr = (struct eval_rate){ 12, 10000, 0.0012, 0.0007, 0.0021 };  /* overlaps */
    a.fnmr = (struct eval_rate){ 20, 1000, 0.02, 0.013, 0.031 };
    b.fnmr = (struct eval_rate){ 80, 1000, 0.08, 0.065, 0.098 };      /* disjoint, worse */
    t = report_eval_diff(&a, "base", &b, "new", false, &worse);
    ck_assert_uint_eq(worse, 1);
    ck_assert_ptr_nonnull(strstr(t, "FMR at threshold"));
    ck_assert_ptr_nonnull(strstr(t, "within noise"));
    ck_assert_ptr_nonnull(strstr(t, "+0.06000  worse"));
    ck_assert_ptr_null(strstr(t, "d'"));
    j = report_eval_diff(&a, "base", &b, "new", true, &worse);
    ck_assert_ptr_nonnull(strstr(j, "{\"figure\": \"FNMR at threshold\", \"a\": 0.02, "
        "\"b\": 0.08, \"a_interval\": [0.013, 0.031], \"b_interval\": [0.065, 0.098], "
        "\"delta\": 0.06, \"verdict\": \"worse\"}"));
    ck_assert_ptr_nonnull(strstr(j, "\"worse\": 1"));
    free(t);
    free(j);
    b.protocol = EVAL_DETECT;
    t = report_eval_diff(&a, "base", &b, "new", false, &worse);
    ck_assert_ptr_nonnull(strstr(t, "different protocols"));
    ck_assert_uint_eq(worse, 0);
    free(t);
}
END_TEST

/* Device ids compacted into numbered runs, shortened with a count of the rest. */
START_TEST(ids_compact)
{
    static const char *const ids[] = { "cam-001", "cam-002", "cam-003", "cam-005", "cam-006",
        "door", "cam-8", "cam-9", "cam-10", "cam-11", "gate-09", "gate-10" };
    char buf[32], *s;
    size_t runs;

    s = report_ids_compact(ids, 12, 0, &runs);
    ck_assert_str_eq(s, "cam-001..cam-003, cam-005, cam-006, door, cam-8..cam-11, gate-09, "
        "gate-10");
    ck_assert_uint_eq(runs, 5);
    free(s);
    s = report_ids_compact(ids, 12, 2, &runs);
    ck_assert_str_eq(s, "cam-001..cam-003, cam-005, cam-006 and 7 more");
    ck_assert_uint_eq(runs, 5);
    free(s);
    s = report_ids_compact(ids, 0, 3, NULL);
    ck_assert_str_eq(s, "");
    free(s);
    report_count_str(1000000, buf, sizeof buf);
    ck_assert_str_eq(buf, "1,000,000");
    report_count_str(999, buf, sizeof buf);
    ck_assert_str_eq(buf, "999");
}
END_TEST

/*
 * Groups list their devices in natural order whatever order the audit gave
 * them: shuffled numbered ids (radix path, "cam-0007" and "cam-7" apart),
 * and mixed ids (comparison path).
 */
START_TEST(groups_natural_order)
{
    static const char rule_a = 'a', rule_b = 'b';
    struct audit_result res;
    struct report_groups *gs;
    char **ids = xcalloc(3002, sizeof *ids);
    size_t n = 0, i;
    struct rng rng;

    memset(&res, 0, sizeof res);
    res.findings = xcalloc(3010, sizeof *res.findings);
    for (i = 1; i <= 3000; i++)
        ids[n++] = xasprintf("cam-%04zu", i);
    ids[n++] = xstrdup("cam-7");
    rng_seed(&rng, 7);
    rng_shuffle(&rng, ids, n, sizeof *ids);
    for (i = 0; i < n; i++) {
        res.findings[i].rule = (const struct rule *)(const void *)&rule_a;
        res.findings[i].rule_id = "A";
        res.findings[i].outcome = RULE_FAIL;
        res.findings[i].entity = ids[i];
    }
    {
        static const char *const mixed[] = { "gate-2", "door", "cam-10", "cam-9", "gate-1" };

        for (i = 0; i < FA_NITEMS(mixed); i++) {
            res.findings[n + i].rule = (const struct rule *)(const void *)&rule_b;
            res.findings[n + i].rule_id = "B";
            res.findings[n + i].outcome = RULE_PASS;
            res.findings[n + i].entity = (char *)(uintptr_t)mixed[i];
        }
        res.nfindings = n + FA_NITEMS(mixed);
    }
    gs = report_groups_new(&res, 3);
    ck_assert_uint_eq(gs->n, 2);
    ck_assert_msg(strcmp(gs->g[0].ids, "cam-0001..cam-0007, cam-7, cam-0008..cam-3000") == 0,
        "%.100s", gs->g[0].ids);
    ck_assert_str_eq(gs->g[0].idv[7], "cam-7");
    ck_assert_str_eq(gs->g[1].ids, "cam-9, cam-10, door, gate-1, gate-2");
    report_groups_free(gs);
    for (i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
    free(res.findings);
}
END_TEST

Suite *report_suite(void);

/*
 * The footage document: a finding on an observed fact shows its declared
 * facts with where they are written, the observed value and the recordings,
 * escaped for HTML and Markdown; a day without an area or ages reads "not
 * measured", never zero.
 */
START_TEST(footage_declared_observed)
{
    struct footage_result fr;
    struct footage_finding *f;
    char *h, *m;

    memset(&fr, 0, sizeof fr);
    fr.files = 1;
    fr.method = xstrdup("tiny 416 <detector>");
    fr.n = 1;
    fr.days = xcalloc(1, sizeof *fr.days);
    fr.days[0].device = xstrdup("gate-1");
    fr.days[0].files = xstrdup("a.mp4 from 09:00:00 for 3.0 s");
    fr.days[0].date = date_from_ymd(2025, 11, 5);
    fr.days[0].recordings = 1;
    fr.days[0].tracks = 4;
    fr.days[0].under14_share = fr.days[0].under14_lo = fr.days[0].under14_hi = NAN;
    fr.nfindings = 1;
    fr.findings = f = xcalloc(1, sizeof *fr.findings);
    f->rule_id = xstrdup("FRT-A13-6");
    f->article = 13;
    f->outcome = RULE_FAIL;
    f->device = xstrdup("gate-1");
    f->date = date_from_ymd(2025, 11, 5);
    f->message = xstrdup("gate-1: declared: collection area defined; observed: 50%");
    f->declared = xstrdup("device[gate-1].collection_area_defined = true (s.fa.yaml:78:30); "
        "device[gate-1].place = public_place (s.fa.yaml:76:12)");
    f->observed = xstrdup("device[gate-1].observed.outside_percent = 50");
    f->provenance = xstrdup("a.mp4 from 09:00:00 for 3.0 s");
    h = report_footage_render(&fr, "gate <video>", true);
    m = report_footage_render(&fr, "gate <video>", false);
    ck_assert_ptr_nonnull(strstr(h, "<title>faceaudit replay: gate &lt;video&gt;</title>"));
    ck_assert_ptr_nonnull(strstr(h, "<span class=\"fail\">fail</span></td><td><ul><li>"
        "device[gate-1].collection_area_defined = true (s.fa.yaml:78:30)</li><li>"
        "device[gate-1].place = public_place (s.fa.yaml:76:12)</li></ul></td><td><ul><li>"
        "device[gate-1].observed.outside_percent = 50</li></ul></td><td>a.mp4 from 09:00:00"));
    ck_assert_ptr_nonnull(strstr(h, "tiny 416 &lt;detector&gt;"));
    ck_assert_ptr_nonnull(strstr(h, "<td>not measured</td><td>0</td><td>0</td><td>not measured"));
    ck_assert_ptr_nonnull(strstr(m, "| **fail** | device\\[gate-1\\].collection\\_area\\_defined"
        " = true (s.fa.yaml:78:30)<br>device\\[gate-1\\].place"));
    ck_assert_ptr_nonnull(strstr(m, "| device\\[gate-1\\].observed.outside\\_percent = 50 |"));
    free(h);
    free(m);
    footage_result_done(&fr);
}
END_TEST

Suite *
report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, csv_quoting);
    tcase_add_test(tc, xml_and_json_escapes);
    tcase_add_test(tc, locations);
    tcase_add_test(tc, registry);
    tcase_add_test(tc, diff_order);
    tcase_add_test(tc, snapshot_json);
    tcase_add_test(tc, svg_log_axes);
    tcase_add_test(tc, svg_two_axes_legend_point);
    tcase_add_test(tc, pia_retention);
    tcase_add_test(tc, eval_diff);
    tcase_add_test(tc, ids_compact);
    tcase_add_test(tc, groups_natural_order);
    tcase_add_test(tc, footage_declared_observed);
    suite_add_tcase(s, tc);
    tc = tcase_create("records");
    tcase_add_test(tc, pia_store);
    tcase_add_test(tc, pia_render);
    tcase_add_test(tc, html_eval_hook);
    tcase_add_test(tc, stream_equals_render);
    tcase_set_timeout(tc, 60); /* every format twice over 300 devices: slow under sanitizers */
    suite_add_tcase(s, tc);
    return s;
}
