/* SPDX-License-Identifier: MIT */
/*
 * check_scenario.c - the scenario model: the fact schema, loading every
 * bundled scenario, typed lookups (unknown is not false), inheritance,
 * source locations, collections, the CSV inventory, writes and the
 * save/reload round trip, shared rows of facts (copy on write),
 * cross-checks, and a table of bad inputs with their exact messages.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/scenario.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "testutil.h"

Suite *scenario_suite(void);

#define HOTEL "datasets/scenarios/hotel-front-desk.fa.yaml"

static struct scenario *
load_src(const char *rel)
{
    char *path = test_srcpath(rel), *cause = NULL;
    struct scenario *sc = scenario_load(path, 0, &cause);

    if (sc == NULL)
        ck_abort_msg("%s: %s", rel, cause);
    free(path);
    return sc;
}

static struct fact_value
get(const struct scenario_entity *e, const char *path)
{
    struct fact_value v;
    char *cause = NULL;

    if (scenario_get(e, path, &v, &cause) < 0)
        ck_abort_msg("%s: %s", path, cause);
    return v;
}

/* --- schema ------------------------------------------------------------------------ */

START_TEST(test_schema_consistent)
{
    size_t i, j, n = scenario_fact_count();
    int k;

    ck_assert_uint_gt(n, 100);
    for (i = 0; i < n; i++) {
        const struct fact_def *d = scenario_fact_at(i);

        ck_assert_ptr_nonnull(d->summary);
        ck_assert_ptr_eq(scenario_fact_find(d->kind, d->path, NULL), d);
        if (d->type == FACT_ENUM || d->type == FACT_SET) {
            ck_assert_ptr_nonnull(d->values);
            for (j = 0; d->values[j] != NULL; j++)
                ;
            ck_assert_uint_ge(j, 2);
            ck_assert_uint_le(j, FACT_MAX_VALUES);
        } else {
            ck_assert_ptr_null(d->values);
        }
        if (d->type == FACT_INT)
            ck_assert(d->min <= d->max);
        for (j = i + 1; j < n; j++) {
            const struct fact_def *o = scenario_fact_at(j);

            ck_assert_msg(o->kind != d->kind || strcmp(o->path, d->path) != 0, "%s twice",
                d->path);
        }
    }
    /* every kind has exactly one id and it is the first fact of the kind */
    for (k = 0; k < SCENARIO_KIND_COUNT; k++) {
        const struct fact_def *id = scenario_fact_find((enum scenario_kind)k, "id", NULL);

        ck_assert_ptr_nonnull(id);
        ck_assert(id->flags & FACT_F_ID);
        ck_assert(id == scenario_fact_at(0) || (id - 1)->kind != id->kind);
        ck_assert_int_eq(scenario_kind_from_name(scenario_kind_name((enum scenario_kind)k)), k);
    }
    ck_assert_int_eq(scenario_kind_from_name("camera"), -1);
}
END_TEST

START_TEST(test_schema_find)
{
    const struct fact_def *d;
    const char *hint;

    d = scenario_fact_find(SCENARIO_DEPLOYMENT, "consent.type", NULL);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->type, FACT_ENUM);
    ck_assert_int_eq(scenario_fact_value_index(d, "separate"), 2);
    ck_assert_int_eq(scenario_fact_value_index(d, "bundled"), -1);
    /* ancestors from a device */
    d = scenario_fact_find(SCENARIO_DEVICE, "zone.name", NULL);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->kind, SCENARIO_ZONE);
    d = scenario_fact_find(SCENARIO_DEVICE, "site.place", NULL);
    ck_assert_int_eq(d->kind, SCENARIO_SITE);
    d = scenario_fact_find(SCENARIO_DEVICE, "deployment.storage.stored_persons", NULL);
    ck_assert_int_eq(d->kind, SCENARIO_DEPLOYMENT);
    ck_assert_int_eq(d->type, FACT_INT);
    ck_assert_str_eq(d->unit, "people");
    /* a device's own location inherits; a site has no zone */
    d = scenario_fact_find(SCENARIO_DEVICE, "location", NULL);
    ck_assert(d->flags & FACT_F_INHERIT);
    ck_assert_ptr_null(scenario_fact_find(SCENARIO_SITE, "zone.name", NULL));
    /* hints */
    ck_assert_ptr_null(scenario_fact_find(SCENARIO_DEPLOYMENT, "consent.typ", &hint));
    ck_assert_str_eq(hint, "consent.type");
    ck_assert_ptr_null(scenario_fact_find(SCENARIO_DEVICE, "identifies_peple", &hint));
    ck_assert_str_eq(hint, "identifies_people");
    ck_assert_ptr_null(scenario_fact_find(SCENARIO_DEVICE, "zzzzzzzz", &hint));
    ck_assert_ptr_null(hint);
}
END_TEST

/* --- the bundled scenarios ----------------------------------------------------------- */

START_TEST(test_load_all_bundled)
{
    char *dir = test_srcpath("datasets/scenarios");
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t loaded = 0;

    ck_assert_ptr_nonnull(d);
    while ((de = readdir(d)) != NULL) {
        struct scenario_problem *probs = NULL;
        struct scenario *sc;
        char *path, *cause = NULL;
        size_t np = 0, i;

        if (!str_has_suffix(de->d_name, ".fa.yaml"))
            continue;
        path = path_join(dir, de->d_name);
        sc = scenario_load(path, 0, &cause);
        ck_assert_msg(sc != NULL, "%s: %s", de->d_name, cause);
        ck_assert_uint_eq(scenario_validate(sc, &probs, &np), 0);
        for (i = 0; i < np; i++)
            ck_assert_msg(probs[i].level == SCENARIO_WARNING, "%s", probs[i].message);
        ck_assert_uint_eq(scenario_count(sc, SCENARIO_DEPLOYMENT), 1);
        ck_assert_uint_ge(scenario_count(sc, SCENARIO_DEVICE), 1);
        ck_assert_uint_eq(strlen(scenario_hash(sc)), 64);
        scenario_problems_free(probs, np);
        scenario_free(sc);
        free(path);
        loaded++;
    }
    closedir(d);
    free(dir);
    ck_assert_uint_ge(loaded, 12);
}
END_TEST

START_TEST(test_typed_lookups)
{
    struct scenario *sc = load_src(HOTEL);
    const struct scenario_entity *dep = scenario_deployment(sc);
    struct fact_value v;
    char *text;

    ck_assert_str_eq(scenario_entity_id(dep), "hotel-front-desk");
    v = get(dep, "consent.type");
    ck_assert_int_eq(v.state, FACT_KNOWN);
    ck_assert_str_eq(v.def->values[v.v.e], "separate");
    v = get(dep, "storage.retention_days");
    ck_assert_int_eq(v.state, FACT_KNOWN);
    ck_assert_int_eq(v.v.i, 0); /* zero, and known */
    v = get(dep, "processing_start");
    ck_assert_int_eq(v.v.date, date_from_ymd(2025, 6, 15));
    v = get(dep, "notice.items");
    ck_assert_int_eq(v.state, FACT_KNOWN);
    ck_assert(v.v.set & (UINT64_C(1) << scenario_fact_value_index(v.def, "retention")));
    ck_assert(!(v.v.set & (UINT64_C(1) << scenario_fact_value_index(v.def, "other_legal"))));
    text = scenario_value_format(&v);
    ck_assert_str_eq(text, "[handler_identity, contact, purpose, method, retention, necessity, "
        "impact, rights]");
    free(text);
    v = get(scenario_find(sc, SCENARIO_DEVICE, "desk-tablet-1"), "capture_distance_m");
    ck_assert_double_eq_tol(v.v.num, 0.8, 1e-12);
    ck_assert_int_eq(scenario_get(dep, "consent.kind", &v, NULL), -1);
    scenario_free(sc);
}
END_TEST

START_TEST(test_unknown_is_not_false)
{
    struct scenario *sc = load_src(HOTEL);
    const struct scenario_entity *dep = scenario_deployment(sc);
    struct fact_value v;
    char *text;

    v = get(dep, "notice.changed"); /* written false */
    ck_assert_int_eq(v.state, FACT_KNOWN);
    ck_assert(!v.v.b);
    v = get(dep, "security.intrusion_prevention"); /* written `unknown` */
    ck_assert_int_eq(v.state, FACT_UNKNOWN);
    ck_assert_uint_eq(v.loc.line, 97);
    ck_assert_uint_eq(v.loc.col, 25);
    text = scenario_value_format(&v);
    ck_assert_str_eq(text, "unknown");
    free(text);
    v = get(dep, "minors.guardian_consent"); /* not written */
    ck_assert_int_eq(v.state, FACT_ABSENT);
    ck_assert(!scenario_known(dep, v.def));
    v = get(dep, "filing.date");
    ck_assert_int_eq(v.state, FACT_ABSENT);
    scenario_free(sc);
}
END_TEST

/*
 * scenario_set_at keeps the location it is given (the declared stored count a
 * simulation moves aside still cites its line); a location in another file,
 * or none, gives line 0.
 */
START_TEST(test_set_at_keeps_location)
{
    struct scenario *sc = load_src(HOTEL);
    struct scenario_entity *dep = scenario_deployment(sc);
    struct fact_value from = get(dep, "consent.type"), v;
    struct scenario_loc elsewhere = { "other.fa.yaml", 3, 4 };
    char *cause = NULL;

    ck_assert_uint_gt(from.loc.line, 0);
    ck_assert_int_eq(scenario_set_at(dep, "storage.declared_stored_persons", "3", &from.loc,
                         &cause), 0);
    v = get(dep, "storage.declared_stored_persons");
    ck_assert_int_eq(v.v.i, 3);
    ck_assert_uint_eq(v.loc.line, from.loc.line);
    ck_assert_uint_eq(v.loc.col, from.loc.col);
    ck_assert_str_eq(v.loc.file, from.loc.file);
    ck_assert_int_eq(scenario_set_at(dep, "storage.declared_stored_persons", "4", &elsewhere,
                         &cause), 0);
    v = get(dep, "storage.declared_stored_persons");
    ck_assert_int_eq(v.v.i, 4);
    ck_assert_uint_eq(v.loc.line, 0);
    ck_assert_int_eq(scenario_set_at(dep, "storage.declared_stored_persons", "x", &from.loc,
                         &cause), -1);
    free(cause);
    scenario_free(sc);
}
END_TEST

START_TEST(test_locations_and_inheritance)
{
    struct scenario *sc = load_src(HOTEL);
    const struct scenario_entity *dep = scenario_deployment(sc);
    const struct scenario_entity *dev = scenario_find(sc, SCENARIO_DEVICE, "desk-tablet-2");
    const struct scenario_entity *zone = scenario_find(sc, SCENARIO_ZONE, "front-desk");
    struct fact_value v;

    v = get(dep, "consent.type");
    ck_assert_uint_eq(v.loc.line, 37);
    ck_assert_uint_eq(v.loc.col, 9);
    ck_assert(str_has_suffix(v.loc.file, HOTEL));
    ck_assert_ptr_eq(v.from, dep);
    /* the device's location comes from its zone, with the zone's position */
    v = get(dev, "location");
    ck_assert_int_eq(v.state, FACT_KNOWN);
    ck_assert_str_eq(v.def->values[v.v.e], "front_desk");
    ck_assert_ptr_eq(v.from, zone);
    ck_assert_uint_eq(v.loc.line, 121);
    ck_assert_uint_eq(v.loc.col, 19);
    /* place is on the site, two levels up */
    v = get(dev, "place");
    ck_assert_str_eq(v.def->values[v.v.e], "public_place");
    ck_assert_int_eq(scenario_entity_kind(v.from), SCENARIO_SITE);
    /* a scoped fact no site, zone or device gives: the deployment's, with its position */
    v = get(dev, "consent.type");
    ck_assert_int_eq(v.def->kind, SCENARIO_DEVICE);
    ck_assert_str_eq(v.def->values[v.v.e], "separate");
    ck_assert_ptr_eq(v.from, dep);
    ck_assert_uint_eq(v.loc.line, 37);
    /* ancestor paths */
    v = get(dev, "zone.name");
    ck_assert_str_eq(v.v.s, "Check-in counter");
    v = get(dev, "deployment.as_of");
    ck_assert_int_eq(v.v.date, date_from_ymd(2025, 9, 1));
    ck_assert_ptr_eq(scenario_entity_parent(dev, SCENARIO_SITE),
        scenario_find(sc, SCENARIO_SITE, "lakeside-hangzhou"));
    ck_assert_ptr_eq(scenario_entity_parent(dev, SCENARIO_DEPLOYMENT), dep);
    ck_assert_ptr_null(scenario_entity_parent(zone, SCENARIO_DEVICE));
    /* evidence references resolve and verify */
    v = get(dev, "signage.evidence");
    ck_assert_str_eq(v.v.s, "desk-sign");
    ck_assert_ptr_eq(scenario_evidence_ref(dev, v.def),
        scenario_find(sc, SCENARIO_EVIDENCE, "desk-sign"));
    v = get(scenario_find(sc, SCENARIO_EVIDENCE, "desk-sign"), "status");
    ck_assert_str_eq(v.def->values[v.v.e], "ok");
    scenario_free(sc);
}
END_TEST

/*
 * The YAML is read once (issue 16): keys in any order, entities listed
 * before or after their ids, every value at its own line and column; an
 * error of a value's kind stops the conversion (its consequences are not
 * reported) while an unknown key does not (the value errors come with it).
 */
START_TEST(test_one_pass)
{
    static const char yaml[] =
        "id: x\n"
        "faceaudit: 1\n"
        "sites:\n"
        "  - zones:\n"
        "      - devices:\n"
        "          - location: lobby\n"
        "            id: d1\n"
        "          - id: d2\n"
        "            purposes: [attendance, access_control]\n"
        "        id: z\n"
        "    id: s\n";
    static const char shape[] = "faceaudit: 1\nid: x\nsubjects: 3\nconsent:\n  type: bogus\n";
    static const char both[] = "faceaudit: 1\nid: x\nconsnt: 3\nconsent:\n  type: bogus\n";
    struct scenario *sc;
    const struct scenario_entity *d1, *d2;
    struct fact_value v;
    char *cause = NULL;

    sc = scenario_load_data("one.fa.yaml", yaml, strlen(yaml), SCENARIO_LOAD_NO_EVIDENCE, &cause);
    ck_assert_msg(sc != NULL, "%s", cause);
    d1 = scenario_find(sc, SCENARIO_DEVICE, "d1");
    d2 = scenario_find(sc, SCENARIO_DEVICE, "d2");
    ck_assert_ptr_nonnull(d1);
    ck_assert_ptr_nonnull(d2);
    ck_assert_ptr_eq(scenario_entity_parent(d1, SCENARIO_ZONE), scenario_find(sc, SCENARIO_ZONE,
        "z"));
    v = get(d1, "location");
    ck_assert_str_eq(v.def->values[v.v.e], "lobby");
    ck_assert_uint_eq(v.loc.line, 6);
    ck_assert_uint_eq(v.loc.col, 23);
    v = get(d2, "purposes");
    ck_assert_int_eq(v.state, FACT_KNOWN);
    ck_assert_uint_eq(v.loc.line, 9);
    ck_assert_uint_eq(v.loc.col, 23);
    v = get(d2, "id");
    ck_assert_uint_eq(v.loc.line, 8);
    ck_assert_uint_eq(v.loc.col, 17);
    scenario_free(sc);

    ck_assert_ptr_null(scenario_load_data("s.fa.yaml", shape, strlen(shape), 0, &cause));
    ck_assert_str_eq(cause, "s.fa.yaml:3:11: subjects: expected a mapping of keys (e.g. "
        "min_age: ...), found a single value");
    free(cause);
    cause = NULL;
    ck_assert_ptr_null(scenario_load_data("b.fa.yaml", both, strlen(both), 0, &cause));
    ck_assert(str_has_prefix(cause, "b.fa.yaml:3:1: unknown key 'consnt' in the scenario"));
    ck_assert_ptr_nonnull(strstr(cause, "\nb.fa.yaml:5:9: consent.type: "));
    free(cause);
}
END_TEST

START_TEST(test_collections)
{
    struct scenario *sc = load_src("datasets/scenarios/metro-gate.fa.yaml");
    const struct scenario_entity *dep = scenario_deployment(sc);
    const struct scenario_entity *central = scenario_find(sc, SCENARIO_SITE, "line2-central");
    const struct scenario_entity *b = scenario_find(sc, SCENARIO_ZONE, "central-gates-b");
    size_t i;

    ck_assert_uint_eq(scenario_count(sc, SCENARIO_SITE), 2);
    ck_assert_uint_eq(scenario_count(sc, SCENARIO_ZONE), 3);
    ck_assert_uint_eq(scenario_count(sc, SCENARIO_DEVICE), 7);
    ck_assert_uint_eq(scenario_child_count(dep, SCENARIO_DEVICE), 7);
    ck_assert_uint_eq(scenario_child_count(central, SCENARIO_ZONE), 2);
    ck_assert_uint_eq(scenario_child_count(central, SCENARIO_DEVICE), 5);
    ck_assert_uint_eq(scenario_child_count(b, SCENARIO_DEVICE), 2);
    ck_assert_str_eq(scenario_entity_id(scenario_child_at(b, SCENARIO_DEVICE, 0)), "gate-b1");
    ck_assert_ptr_null(scenario_child_at(b, SCENARIO_DEVICE, 2));
    for (i = 0; i < scenario_count(sc, SCENARIO_DEVICE); i++)
        ck_assert_uint_eq(scenario_entity_index(scenario_entity_at(sc, SCENARIO_DEVICE, i)), i);
    ck_assert_str_eq(scenario_entity_id(scenario_entity_at(sc, SCENARIO_DEVICE, 6)), "gate-t2");
    scenario_free(sc);
}
END_TEST

START_TEST(test_csv_inventory)
{
    struct scenario *sc = load_src("datasets/scenarios/office-attendance.fa.yaml");
    const struct scenario_entity *d, *floor6 = scenario_find(sc, SCENARIO_ZONE, "floor6");
    const struct scenario_entity *hq = scenario_find(sc, SCENARIO_SITE, "hq");
    struct fact_value v;
    size_t i;

    ck_assert_uint_eq(scenario_count(sc, SCENARIO_DEVICE), 11);
    ck_assert_uint_eq(scenario_child_count(floor6, SCENARIO_DEVICE), 2);
    ck_assert_uint_eq(scenario_child_count(hq, SCENARIO_DEVICE), 9);
    /* devices are grouped by zone whatever the CSV order */
    for (i = 0; i < scenario_count(sc, SCENARIO_DEVICE); i++) {
        d = scenario_entity_at(sc, SCENARIO_DEVICE, i);
        ck_assert(scenario_entity_from_inventory(d));
        if (i > 0)
            ck_assert_uint_le(scenario_entity_index(scenario_entity_parent(scenario_entity_at(sc,
                SCENARIO_DEVICE, i - 1), SCENARIO_ZONE)),
                scenario_entity_index(scenario_entity_parent(d, SCENARIO_ZONE)));
    }
    d = scenario_find(sc, SCENARIO_DEVICE, "att-6f-2");
    v = get(d, "signage.prominent");
    ck_assert_int_eq(v.state, FACT_KNOWN);
    ck_assert(!v.v.b);
    ck_assert(str_has_suffix(v.loc.file, "office-attendance.devices.csv"));
    ck_assert_uint_eq(v.loc.line, 8);
    ck_assert_uint_eq(v.loc.col, 11);
    /* empty cells inherit from the zone, `unknown` cells are unknown */
    v = get(d, "location");
    ck_assert_str_eq(v.def->values[v.v.e], "office");
    ck_assert_ptr_eq(v.from, floor6);
    v = get(scenario_find(sc, SCENARIO_DEVICE, "att-wh-2"), "installed");
    ck_assert_int_eq(v.state, FACT_UNKNOWN);
    v = get(scenario_find(sc, SCENARIO_DEVICE, "cnt-canteen"), "identifies_people");
    ck_assert_int_eq(v.state, FACT_KNOWN);
    ck_assert(!v.v.b);
    scenario_free(sc);
}
END_TEST

/* Compare every fact of every entity of two scenarios. */
static void
assert_same_facts(const struct scenario *a, const struct scenario *b)
{
    size_t i, j, nf = scenario_fact_count();
    int k;

    for (k = 0; k < SCENARIO_KIND_COUNT; k++) {
        ck_assert_uint_eq(scenario_count(a, (enum scenario_kind)k),
            scenario_count(b, (enum scenario_kind)k));
        for (i = 0; i < scenario_count(a, (enum scenario_kind)k); i++) {
            const struct scenario_entity *ea = scenario_entity_at(a, (enum scenario_kind)k, i);
            const struct scenario_entity *eb = scenario_entity_at(b, (enum scenario_kind)k, i);

            ck_assert_str_eq(scenario_entity_id(ea), scenario_entity_id(eb));
            for (j = 0; j < nf; j++) {
                const struct fact_def *d = scenario_fact_at(j);
                struct fact_value va, vb;
                char *ta, *tb;

                if ((int)d->kind != k || (d->flags & FACT_F_COMPUTED))
                    continue;
                /* the version may go up; the inventory is written inline */
                if ((d->flags & FACT_F_META) && (strcmp(d->path, "faceaudit") == 0 ||
                    strcmp(d->path, "inventory") == 0))
                    continue;
                /* evidence paths are rebased to the saved file's folder */
                if (k == SCENARIO_EVIDENCE && strcmp(d->path, "file") == 0)
                    continue;
                scenario_get_fact(ea, d, &va);
                scenario_get_fact(eb, d, &vb);
                ta = scenario_value_format(&va);
                tb = scenario_value_format(&vb);
                ck_assert_msg(strcmp(ta, tb) == 0, "%s %s.%s: %s vs %s", scenario_kind_name(
                    (enum scenario_kind)k), scenario_entity_id(ea), d->path, ta, tb);
                /* sets saved unknown come back absent: both are unknown */
                if (d->type != FACT_SET)
                    ck_assert_msg(va.state == vb.state, "%s: state %d vs %d", d->path,
                        va.state, vb.state);
                free(ta);
                free(tb);
            }
        }
    }
}

START_TEST(test_set_save_reload)
{
    char *tmp = test_tmpdir(), *out = path_join(tmp, "what-if.fa.yaml"), *cause = NULL;
    struct scenario *sc = load_src("datasets/scenarios/office-attendance.fa.yaml"), *re;
    struct scenario_entity *dep = scenario_deployment(sc);
    struct scenario_entity *dev = scenario_find(sc, SCENARIO_DEVICE, "att-5f-1");
    struct fact_value v;

    ck_assert_int_eq(scenario_set(dev, "location", "changing_room", &cause), 0);
    ck_assert_int_eq(scenario_set(dep, "consent.type", "separate", &cause), 0);
    ck_assert_int_eq(scenario_set(dep, "storage.stored_persons", "120_000", &cause), 0);
    ck_assert_int_eq(scenario_set(dep, "purposes", "[attendance, payment]", &cause), 0);
    ck_assert_int_eq(scenario_set_unknown(dep, "notice.prominent", &cause), 0);
    ck_assert_int_eq(scenario_set(dev, "zone.signage.present", "true", &cause), 0);
    ck_assert_int_eq(scenario_set(dep, "description", "unknown", &cause), 0);
    v = get(dep, "description");
    ck_assert_int_eq(v.state, FACT_UNKNOWN);
    ck_assert_int_eq(scenario_unset(dep, "description", &cause), 0);
    v = get(dev, "location");
    ck_assert_ptr_eq(v.from, dev);
    ck_assert_uint_eq(v.loc.line, 0);
    /* typed write */
    v = get(dep, "storage.retention_days");
    v.state = FACT_KNOWN;
    v.v.i = 45;
    ck_assert_int_eq(scenario_set_value(dep, &v, &cause), 0);
    v.v.i = -1;
    ck_assert_int_eq(scenario_set_value(dep, &v, &cause), -1);
    ck_assert_str_eq(cause, "storage.retention_days: -1 is out of range (0 to 36500)");
    free(cause);
    cause = NULL;

    ck_assert_int_eq(scenario_save(sc, out, &cause), 0);
    re = scenario_load(out, SCENARIO_LOAD_NO_EVIDENCE, &cause);
    ck_assert_msg(re != NULL, "%s", cause);
    assert_same_facts(sc, re);
    /* the saved file is self-contained: inventory devices are inline now */
    ck_assert(!scenario_entity_from_inventory(scenario_entity_at(re, SCENARIO_DEVICE, 0)));
    v = get(scenario_find(re, SCENARIO_DEVICE, "att-5f-1"), "location");
    ck_assert_str_eq(v.def->values[v.v.e], "changing_room");
    v = get(scenario_deployment(re), "notice.prominent");
    ck_assert_int_eq(v.state, FACT_UNKNOWN);
    ck_assert_uint_gt(v.loc.line, 0);
    v = get(scenario_deployment(re), "storage.stored_persons");
    ck_assert_int_eq(v.v.i, 120000);
    scenario_free(re);
    scenario_free(sc);
    free(out);
    test_rmdir(tmp);
}
END_TEST

START_TEST(test_roundtrip_all_bundled)
{
    static const char *const names[] = { "hotel-front-desk", "metro-gate", "retail-chain-250k",
        "public-toilet-dispenser", "school-canteen" };
    char *tmp = test_tmpdir(), *cause = NULL;
    size_t i;

    for (i = 0; i < FA_NITEMS(names); i++) {
        char *rel = xasprintf("datasets/scenarios/%s.fa.yaml", names[i]);
        char *out = path_join(tmp, "copy.fa.yaml");
        struct scenario *sc = load_src(rel), *re;

        ck_assert_int_eq(scenario_save(sc, out, &cause), 0);
        re = scenario_load(out, SCENARIO_LOAD_NO_EVIDENCE, &cause);
        ck_assert_msg(re != NULL, "%s: %s", names[i], cause);
        assert_same_facts(sc, re);
        scenario_free(re);
        scenario_free(sc);
        free(out);
        free(rel);
    }
    test_rmdir(tmp);
}
END_TEST

START_TEST(test_save_elsewhere_keeps_evidence)
{
    char *tmp = test_tmpdir(), *sub = path_join(tmp, "a/b"), *out = path_join(sub, "h.fa.yaml");
    char *cause = NULL;
    struct scenario *sc = load_src(HOTEL), *re;
    struct fact_value v;
    size_t i;

    ck_assert_int_eq(fs_mkdir_p(sub, 0755, NULL), 0);
    ck_assert_int_eq(scenario_save(sc, out, &cause), 0);
    re = scenario_load(out, 0, &cause);
    ck_assert_msg(re != NULL, "%s", cause);
    ck_assert_uint_eq(scenario_count(re, SCENARIO_EVIDENCE), 2);
    for (i = 0; i < 2; i++) {
        v = get(scenario_entity_at(re, SCENARIO_EVIDENCE, i), "status");
        ck_assert_str_eq(v.def->values[v.v.e], "ok");
        v = get(scenario_entity_at(re, SCENARIO_EVIDENCE, i), "file");
        ck_assert(str_has_prefix(v.v.s, "../"));
    }
    ck_assert_uint_eq(scenario_warning_count(re), 0);
    scenario_free(re);
    scenario_free(sc);
    free(out);
    free(sub);
    test_rmdir(tmp);
}
END_TEST

START_TEST(test_write_errors)
{
    struct scenario *sc = load_src(HOTEL);
    struct scenario_entity *dep = scenario_deployment(sc);
    struct scenario_entity *dev = scenario_find(sc, SCENARIO_DEVICE, "desk-tablet-1");
    struct scenario_entity *ev = scenario_find(sc, SCENARIO_EVIDENCE, "desk-sign");
    char *cause = NULL;

    ck_assert_int_eq(scenario_set(dep, "consent.type", "seperate", &cause), -1);
    ck_assert_str_eq(cause, "consent.type: unknown value 'seperate' (did you mean 'separate'?)");
    free(cause);
    ck_assert_int_eq(scenario_set(dev, "id", "x", &cause), -1);
    ck_assert_str_eq(cause, "device.id cannot be changed (it is the entity's id)");
    free(cause);
    ck_assert_int_eq(scenario_set(ev, "status", "ok", &cause), -1);
    ck_assert_str_eq(cause, "evidence.status cannot be changed (it is computed on load)");
    free(cause);
    ck_assert_int_eq(scenario_set(dev, "locaton", "lobby", &cause), -1);
    ck_assert_str_eq(cause, "no fact 'locaton' on a device (did you mean 'location'?)");
    free(cause);
    ck_assert_int_eq(scenario_set(dep, "as_of", "2025-13-01", &cause), -1);
    ck_assert(str_has_prefix(cause, "as_of: bad date"));
    free(cause);
    scenario_free(sc);
}
END_TEST

/* --- bad inputs: exact messages ------------------------------------------------------- */

struct bad_case {
    const char *yaml;
    const char *csv;    /* written as inv.csv when not NULL */
    const char *cause;
};

#define HEAD "faceaudit: 1\nid: x\n"
#define SITE "sites:\n  - id: s\n    zones:\n      - id: z\n"

static const struct bad_case bad_cases[] = {
    /* 0 malformed YAML */
    { HEAD "notice:\n  given: true\n given: false\n", NULL,
      "bad.fa.yaml:5:2: YAML syntax error: did not find expected key while parsing a block "
      "mapping" },
    /* 1 unknown key with a hint */
    { HEAD "consnt:\n  type: separate\n", NULL,
      "bad.fa.yaml:3:1: unknown key 'consnt' in the scenario (did you mean 'consent'?)" },
    /* 2 unknown nested key */
    { HEAD "storage:\n  retention: 30\n", NULL,
      "bad.fa.yaml:4:3: unknown key 'retention' in storage (did you mean 'retention_days' or "
      "'retention_needed_days'?)" },
    /* 3 bad enum value with a hint */
    { HEAD "consent:\n  type: seperate\n", NULL,
      "bad.fa.yaml:4:9: consent.type: unknown value 'seperate' (did you mean 'separate'?)" },
    /* 4 wrong type: bool */
    { HEAD "notice:\n  given: maybe\n", NULL,
      "bad.fa.yaml:4:10: notice.given: 'maybe' is not a boolean: expected true or false (or "
      "unknown)" },
    /* 5 wrong type: int */
    { HEAD "storage:\n  stored_persons: lots\n", NULL,
      "bad.fa.yaml:4:19: storage.stored_persons: 'lots' is not a whole number" },
    /* 6 bad date */
    { HEAD "as_of: 2025-02-30\n", NULL,
      "bad.fa.yaml:3:8: as_of: bad date '2025-02-30': 2025-02 has 28 days" },
    /* 7 mapping where a value is expected */
    { HEAD "name: {first: a}\n", NULL,
      "bad.fa.yaml:3:7: name: expected a single value, found a mapping" },
    /* 8 list where a mapping is expected */
    { HEAD "consent: [a, b]\n", NULL,
      "bad.fa.yaml:3:10: consent: expected a mapping of keys (e.g. type: ...), found a list" },
    /* 9 bad set member with a prefix hint */
    { HEAD "purposes: [rnd, marketing]\n", NULL,
      "bad.fa.yaml:3:17: purposes: unknown value 'marketing' (did you mean "
      "'marketing_analytics'?)" },
    /* 10 duplicate ids, with the device's own bad value */
    { HEAD SITE "        devices:\n          - {id: d, location: hotelroom}\n          - {id: d}\n",
      NULL,
      "bad.fa.yaml:8:31: device 'd': location: unknown value 'hotelroom' (did you mean "
      "'hotel_room'?)\nbad.fa.yaml:9:18: duplicate device id 'd' (first defined at "
      "bad.fa.yaml:8:13)" },
    /* 11 empty value */
    { HEAD "name:\n", NULL,
      "bad.fa.yaml:3:6: name: no value (write `unknown` if it is not known)" },
    /* 12 version */
    { "faceaudit: 3\nid: x\n", NULL,
      "bad.fa.yaml:1:12: unsupported scenario format version '3' (this faceaudit reads "
      "versions 1 and 2)" },
    /* 13 missing version */
    { "id: x\n", NULL,
      "bad.fa.yaml:1:1: missing `faceaudit: 1` (the scenario format version) at the top of the "
      "file" },
    /* 14 out of range */
    { HEAD "storage:\n  retention_days: -3\n", NULL,
      "bad.fa.yaml:4:19: storage.retention_days: -3 is out of range (0 to 36500)" },
    /* 15 aliases */
    { HEAD "notice: &n {given: true}\n", NULL,
      "bad.fa.yaml:3:9: notice: anchors and aliases are not supported in scenarios" },
    /* 16 duplicate key */
    { HEAD "name: a\nname: b\n", NULL, "bad.fa.yaml:4:1: duplicate key 'name' in the scenario" },
    /* 17 not a mapping */
    { "- a\n", NULL,
      "bad.fa.yaml:1:1: a scenario must be a mapping (faceaudit: 1, id: ..., ...), found a "
      "list" },
    /* 18 CSV: unknown column with a hint */
    { HEAD "inventory: inv.csv\n" SITE, "id,zone,locaton\nd1,z,lobby\n",
      "inv.csv:1:3: column 'locaton': not a device fact (did you mean 'location'?)" },
    /* 19 CSV: bad value */
    { HEAD "inventory: inv.csv\n" SITE, "id,zone,identifies_people\nd1,z,true\nd2,z,perhaps\n",
      "inv.csv:3:3: column 'identifies_people': 'perhaps' is not a boolean: expected true or false "
      "(or unknown)" },
    /* 20 CSV: unknown zone with a hint */
    { HEAD "inventory: inv.csv\n" SITE, "id,zone\nd1,zz\n",
      "inv.csv:2:2: column 'zone': no zone 'zz' in the scenario (did you mean 'z'?)" },
    /* 21 CSV: wrong number of fields */
    { HEAD "inventory: inv.csv\n" SITE, "id,zone\nd1,z,extra\n",
      "inv.csv:2: 3 fields, the header has 2" },
    /* 22 CSV: unterminated quote */
    { HEAD "inventory: inv.csv\n" SITE, "id,zone,name\nd1,z,\"broken\n",
      "inv.csv:2: malformed CSV: error parsing data while strict checking enabled (an "
      "unterminated quote?)" },
    /* 23 CSV: missing id column */
    { HEAD "inventory: inv.csv\n" SITE, "zone,name\nz,a\n",
      "inv.csv:1: the header has no 'id' column (required)" },
    /* 24 CSV: site that does not own the zone */
    { HEAD "inventory: inv.csv\n" SITE, "id,site,zone\nd1,t,z\n",
      "inv.csv:2:2: column 'site': zone 'z' belongs to site 's', not 't'" },
    /* 25 a syntax error inside a list after another error (found by fuzzing: looped) */
    { HEAD "purposes: [rnd, {a: b}\n", NULL,
      "bad.fa.yaml:3:17: purposes: list items must be single values, found a mapping\n"
      "bad.fa.yaml:4:1: YAML syntax error: did not find expected ',' or ']' while parsing a "
      "flow sequence" },
    /* 26 an id that is not a stable ASCII name */
    { HEAD SITE "        devices: [{id: front desk 1}]\n", NULL,
      "bad.fa.yaml:7:24: device id 'front desk 1': use letters, digits, '.', '_' and '-' "
      "(starting with a letter or digit, at most 64 characters); put other text in name" },
    /* 27 CSV file missing */
    { HEAD "inventory: nothere.csv\n" SITE, NULL, NULL },
    /* 30 a history out of date order */
    { HEAD "consent:\n  type:\n  - {from: 2025-06-01, value: general}\n"
      "  - {from: 2025-03-01, value: separate}\n", NULL,
      "bad.fa.yaml:6:12: consent.type: history not in date order: 2025-03-01 is listed after "
      "2025-06-01 (list the oldest first)" },
    /* 31 overlapping ranges */
    { HEAD "notice:\n  given: [{from: 2025-01-01, until: 2025-06-30, value: false}, "
      "{from: 2025-06-01, value: true}]\n", NULL,
      "bad.fa.yaml:4:71: notice.given: history entry from 2025-06-01 overlaps the previous "
      "entry (2025-01-01 until 2025-06-30)" },
    /* 32 two entries from the same day */
    { HEAD "purposes: [{from: 2025-01-01, value: [rnd]}, {from: 2025-01-01, value: []}]\n", NULL,
      "bad.fa.yaml:3:53: purposes: two history entries from 2025-01-01 (entries must not "
      "overlap)" },
    /* 33 until before from */
    { HEAD "notice:\n  given: [{from: 2025-02-01, until: 2025-01-01, value: true}]\n", NULL,
      "bad.fa.yaml:4:37: notice.given: history entry until 2025-01-01 is before its from "
      "2025-02-01" },
    /* 34 a history before the deployment existed */
    { HEAD "processing_start: 2025-03-01\nconsent:\n  type: [{from: 2025-01-01, value: general}]\n",
      NULL,
      "bad.fa.yaml:5:17: consent.type: history starts 2025-01-01, before the deployment started "
      "(processing_start) on 2025-03-01" },
    /* 35 a device history before the device was installed */
    { HEAD SITE "        devices:\n          - id: d\n            installed: 2025-05-01\n"
      "            signage: {present: [{from: 2025-04-01, value: true}]}\n", NULL,
      "bad.fa.yaml:10:40: device 'd': signage.present: history starts 2025-04-01, before the "
      "device was installed on 2025-05-01" },
    /* 36 dates are events, not histories; entries need from and value */
    { HEAD "filing:\n  date: [{from: 2025-01-01, value: 2025-01-01}]\n"
      "notice:\n  given: [{value: true}, {from: 2025-01-01, vale: true}]\n", NULL,
      "bad.fa.yaml:4:9: filing.date: cannot have a dated history (it is a date: it is the date "
      "of an event itself)\n"
      "bad.fa.yaml:6:11: notice.given: history entry without from: DATE\n"
      "bad.fa.yaml:6:26: notice.given: history entry without value: ...\n"
      "bad.fa.yaml:6:45: notice.given: unknown key 'vale' in a history entry (keys: from, "
      "until, value) (did you mean 'value'?)" },
    /* 28 an alias under a key the schema does not know (libcyaml would expand it) */
    { HEAD "extra:\n  a: &a [x, x]\n  b: [*a, *a]\n", NULL,
      "bad.fa.yaml:3:1: unknown key 'extra' in the scenario\n"
      "bad.fa.yaml:4:6: anchors and aliases are not supported in scenarios" },
    /* 29 an alias as a value of a known key */
    { HEAD "name: a\ndescription: *x\n", NULL,
      "bad.fa.yaml:4:14: description: anchors and aliases are not supported in scenarios" },
    /* 37 scoped and subject facts: a negative age, a bad enum, a bad enum on a zone */
    { HEAD "subjects:\n  min_age: -1\n  age_check: passport\n" SITE
      "        consent: {who: members}\n", NULL,
      "bad.fa.yaml:4:12: subjects.min_age: -1 is out of range (0 to 150)\n"
      "bad.fa.yaml:5:14: subjects.age_check: unknown value 'passport'; expected one of: none, "
      "self_declared, id_document, guardian, records\n"
      "bad.fa.yaml:10:24: zone 'z': consent.who: unknown value 'members'; expected one of: "
      "enrolled_members, everyone_captured" },
    /* 38 no under-14s, yet the youngest subject is 10 and a share is under 14 */
    { HEAD "minors:\n  processes_under_14: false\nsubjects:\n  min_age: 10\n"
      "  share_under_14: 0.2\n", NULL,
      "bad.fa.yaml:6:12: subjects.min_age is 10, under 14, but minors.processes_under_14 is "
      "false (minors.processes_under_14 at bad.fa.yaml:4:23)\n"
      "bad.fa.yaml:7:19: subjects.share_under_14 is 0.2, but minors.processes_under_14 is "
      "false (minors.processes_under_14 at bad.fa.yaml:4:23)" },
    /* 39 a device serves a purpose the deployment does not declare */
    { HEAD "purposes: [access_control]\n" SITE "        devices:\n"
      "          - {id: d, purposes: [access_control, marketing_analytics]}\n", NULL,
      "bad.fa.yaml:9:31: device 'd': purposes lists marketing_analytics, which the "
      "deployment's purposes do not (purposes at bad.fa.yaml:3:11)" },
    /* 40 a share is between 0 and 1 */
    { HEAD "subjects:\n  share_under_14: 1.5\n", NULL,
      "bad.fa.yaml:4:19: subjects.share_under_14: 1.5 is not a share between 0 and 1" },
};

START_TEST(test_bad_inputs)
{
    const struct bad_case *bc = &bad_cases[_i];
    char *tmp = test_tmpdir(), *cause = NULL, *old = getcwd(NULL, 0);
    struct scenario *sc;

    ck_assert_int_eq(chdir(tmp), 0);
    ck_assert_int_eq(fs_write_atomic("bad.fa.yaml", bc->yaml, strlen(bc->yaml), 0644, NULL), 0);
    if (bc->csv != NULL)
        ck_assert_int_eq(fs_write_atomic("inv.csv", bc->csv, strlen(bc->csv), 0644, NULL), 0);
    sc = scenario_load("bad.fa.yaml", 0, &cause);
    ck_assert_msg(sc == NULL, "case %d loaded", _i);
    if (bc->cause != NULL)
        ck_assert_str_eq(cause, bc->cause);
    else
        ck_assert(str_has_prefix(cause, "inventory: "));
    free(cause);
    ck_assert_int_eq(chdir(old), 0);
    free(old);
    test_rmdir(tmp);
}
END_TEST

START_TEST(test_limits)
{
    struct strbuf sb;
    char *cause = NULL, *big;
    size_t i;

    /* entity count */
    strbuf_init(&sb);
    strbuf_puts(&sb, HEAD "filing:\n  changes:\n");
    for (i = 0; i <= SCENARIO_MAX_CHANGES; i++)
        strbuf_printf(&sb, "    - {id: c%zu}\n", i);
    ck_assert_ptr_null(scenario_load_data("big.fa.yaml", sb.buf, sb.len, 0, &cause));
    ck_assert_str_eq(cause, "big.fa.yaml:1005:7: more than 1000 filing_changes (limit)");
    free(cause);
    strbuf_done(&sb);
    /* value length */
    big = xmalloc(SCENARIO_MAX_SCALAR + 64);
    i = (size_t)snprintf(big, 64, HEAD "name: ");
    memset(big + i, 'a', SCENARIO_MAX_SCALAR + 1);
    big[i + SCENARIO_MAX_SCALAR + 1] = '\n';
    ck_assert_ptr_null(scenario_load_data("long.fa.yaml", big, i + SCENARIO_MAX_SCALAR + 2, 0,
        &cause));
    ck_assert_str_eq(cause, "long.fa.yaml:3:7: name: value longer than 4096 bytes");
    free(cause);
    /* file size: refused before anything is read */
    ck_assert_ptr_null(scenario_load_data("huge.fa.yaml", big, (size_t)SCENARIO_MAX_FILE_BYTES + 1,
        0, &cause));
    ck_assert_str_eq(cause, "huge.fa.yaml: larger than 67108864 bytes (limit)");
    free(cause);
    /* NUL bytes */
    ck_assert_ptr_null(scenario_load_data("nul.fa.yaml", "faceaudit: 1\0", 13, 0, &cause));
    ck_assert_str_eq(cause, "nul.fa.yaml: not a text file (contains NUL bytes)");
    free(cause);
    free(big);
}
END_TEST

/* --- dated facts ------------------------------------------------------------------------ */

static const char dated_yaml[] =
    "faceaudit: 1\nid: dated\nas_of: 2025-12-01\nprocessing_start: 2025-03-01\n"
    "consent:\n"
    "  type:\n"
    "    - {from: 2025-03-01, value: general}\n"
    "    - {from: 2025-07-01, value: separate}\n"
    "  collected_from: 2025-04-01\n"
    "purposes:\n"
    "  - {from: 2025-03-01, until: 2025-05-31, value: [attendance]}\n"
    "  - {from: 2025-08-01, value: [attendance, rnd]}\n"
    "name: [{from: 2025-03-01, value: \"a \\\"b\\\"\"}]\n"
    "filing: {filed: true, date: 2025-10-01}\n"
    SITE "        location: lobby\n"
    "        devices:\n"
    "          - id: d\n"
    "            installed: 2025-03-01\n"
    "            removed: 2025-11-01\n"
    "            location: [{from: 2025-06-01, value: changing_room}]\n";

static void
check_dated(struct scenario *sc)
{
    struct scenario_entity *dep = scenario_deployment(sc), *dev;
    struct fact_value v;
    fa_date d;

    /* the newest entry without a date; the entry in force on a day */
    ck_assert_int_eq(scenario_get(dep, "consent.type", &v, NULL), 0);
    ck_assert_str_eq(v.def->values[v.v.e], "separate");
    date_parse("2025-06-30", &d, NULL);
    scenario_get_on(dep, "consent.type", d, &v, NULL);
    ck_assert_str_eq(v.def->values[v.v.e], "general");
    ck_assert(scenario_value_written(&v));
    /* before consent was collected it reads none (an event) */
    date_parse("2025-03-15", &d, NULL);
    scenario_get_on(dep, "consent.type", d, &v, NULL);
    ck_assert_int_eq(v.state, FACT_KNOWN);
    ck_assert_str_eq(v.def->values[v.v.e], "none");
    /* a gap in the history: not given */
    date_parse("2025-06-15", &d, NULL);
    scenario_get_on(dep, "purposes", d, &v, NULL);
    ck_assert_int_eq(v.state, FACT_ABSENT);
    date_parse("2025-09-01", &d, NULL);
    scenario_get_on(dep, "purposes", d, &v, NULL);
    ck_assert_uint_eq(v.v.set, 0x110u); /* attendance, rnd */
    /* a filing dated after the day has not happened */
    scenario_get_on(dep, "filing.filed", d, &v, NULL);
    ck_assert_int_eq(v.state, FACT_KNOWN);
    ck_assert(!v.v.b);
    scenario_get_on(dep, "filing.date", d, &v, NULL);
    ck_assert_int_eq(v.state, FACT_ABSENT);
    date_parse("2025-10-01", &d, NULL);
    scenario_get_on(dep, "filing.filed", d, &v, NULL);
    ck_assert(v.v.b);
    /* live on 2025-06-01: the count that day is not known */
    scenario_get_on(dep, "storage.count_on_2025_06_01", d, &v, NULL);
    ck_assert_int_eq(v.state, FACT_ABSENT);
    /* a device history: before its first entry the zone's value is inherited */
    dev = scenario_find(sc, SCENARIO_DEVICE, "d");
    date_parse("2025-04-01", &d, NULL);
    scenario_get_on(dev, "location", d, &v, NULL);
    ck_assert_str_eq(v.def->values[v.v.e], "lobby");
    ck_assert(scenario_entity_exists_on(dev, d));
    date_parse("2025-07-01", &d, NULL);
    scenario_get_on(dev, "location", d, &v, NULL);
    ck_assert_str_eq(v.def->values[v.v.e], "changing_room");
    date_parse("2025-02-28", &d, NULL);
    ck_assert(!scenario_entity_exists_on(dev, d));
    date_parse("2025-11-01", &d, NULL);
    ck_assert(!scenario_entity_exists_on(dev, d));
    ck_assert(scenario_entity_exists_on(dev, FA_DATE_NONE));
    ck_assert_uint_eq(scenario_history_count(dep, scenario_fact_find(SCENARIO_DEPLOYMENT,
        "purposes", NULL)), 2);
    scenario_get(dep, "name", &v, NULL);
    ck_assert_str_eq(v.v.s, "a \"b\"");
}

/*
 * A value holding the save's placeholder text (the libFuzzer find of
 * 2026-12-04: an id containing "fa-history-placeholder-0" made the save of a
 * loaded scenario fail): the scenario still saves, and reloads with that id
 * and its histories.
 */
START_TEST(test_save_value_holds_placeholder)
{
    static const char id[] = "dafa-history-placeholder-0ted";
    static const char name[] = "fa-history-placeholder-00000000-0 "
        "fa-history-placeholder-00000000-1";
    char *cause = NULL, *tmp = test_tmpdir(), *out = xasprintf("%s/ph.fa.yaml", tmp);
    char *yaml = xasprintf("faceaudit: 2\nid: %s\nname: \"%s\"\nas_of: 2025-12-01\n"
        "processing_start: 2025-03-01\nconsent:\n  type:\n"
        "    - {from: 2025-03-01, value: general}\n"
        "    - {from: 2025-07-01, value: separate}\n"
        "purposes: [{from: 2025-03-01, value: [attendance]}]\n", id, name);
    struct scenario *sc = scenario_load_data("ph.fa.yaml", yaml, strlen(yaml), 0, &cause);
    struct fact_value v;
    fa_date d;

    ck_assert_msg(sc != NULL, "%s", cause);
    ck_assert_msg(scenario_save(sc, out, &cause) == 0, "%s", cause);
    scenario_free(sc);
    sc = scenario_load(out, 0, &cause);
    ck_assert_msg(sc != NULL, "%s", cause);
    ck_assert_str_eq(get(scenario_deployment(sc), "id").v.s, id);
    ck_assert_str_eq(get(scenario_deployment(sc), "name").v.s, name);
    date_parse("2025-08-01", &d, NULL);
    scenario_get_on(scenario_deployment(sc), "consent.type", d, &v, NULL);
    ck_assert_int_eq(v.state, FACT_KNOWN);
    ck_assert_str_eq(v.def->values[v.v.e], "separate");
    scenario_free(sc);
    free(yaml);
    free(out);
    test_rmdir(tmp);
}
END_TEST

START_TEST(test_dated_facts)
{
    char *cause = NULL, *tmp = test_tmpdir(), *out = xasprintf("%s/saved.fa.yaml", tmp), *text;
    struct scenario *sc = scenario_load_data("dated.fa.yaml", dated_yaml, strlen(dated_yaml), 0,
        &cause);
    size_t len;

    ck_assert_msg(sc != NULL, "%s", cause);
    check_dated(sc);
    {
        struct fact_value v;
        fa_date d;

        /* an entry's position is its value's */
        date_parse("2025-06-30", &d, NULL);
        scenario_get_on(scenario_deployment(sc), "consent.type", d, &v, NULL);
        ck_assert_uint_eq(v.loc.line, 7);
        ck_assert_uint_eq(v.loc.col, 33);
        scenario_get(scenario_deployment(sc), "legal_basis", &v, NULL);
        ck_assert(!scenario_value_written(&v));
    }
    /* saved with its histories as version 2, and the same on reload */
    ck_assert_int_eq(scenario_save(sc, out, &cause), 0);
    scenario_free(sc);
    text = fs_read_file(out, 1 << 20, &len, NULL);
    ck_assert_ptr_nonnull(strstr(text, "faceaudit: 2\n"));
    ck_assert_ptr_nonnull(strstr(text, "type: [{from: 2025-03-01, value: general}, "
        "{from: 2025-07-01, value: separate}]"));
    ck_assert_ptr_nonnull(strstr(text, "purposes: [{from: 2025-03-01, until: 2025-05-31, "
        "value: [attendance]}, {from: 2025-08-01, value: [attendance, rnd]}]"));
    free(text);
    sc = scenario_load(out, 0, &cause);
    ck_assert_msg(sc != NULL, "%s", cause);
    check_dated(sc);
    /* go-live after 2025-06-01: nobody was stored on that day */
    {
        struct fact_value v;
        fa_date d;

        ck_assert_int_eq(scenario_set(scenario_deployment(sc), "processing_start", "2025-07-01",
            NULL), 0);
        date_parse("2025-09-01", &d, NULL);
        scenario_get_on(scenario_deployment(sc), "storage.count_on_2025_06_01", d, &v, NULL);
        ck_assert_int_eq(v.state, FACT_KNOWN);
        ck_assert_int_eq(v.v.i, 0);
        scenario_get(scenario_deployment(sc), "storage.count_on_2025_06_01", &v, NULL);
        ck_assert_int_eq(v.state, FACT_ABSENT);
    }
    scenario_free(sc);
    free(out);
    test_rmdir(tmp);
}
END_TEST

/* --- fact paths ------------------------------------------------------------------------ */

START_TEST(test_fact_paths)
{
    static const struct {
        const char *text, *canon; /* canon NULL: an error starting with hint_or_error */
        const char *hint_or_error;
    } cases[] = {
        { "deployment.consent.type", "deployment.consent.type", NULL },
        { "device:desk-tablet-1.signage.present", "device:desk-tablet-1.signage.present", NULL },
        { "device:desk-tablet-1.zone.location", "zone:front-desk.location", NULL },
        { "zone:front-desk.location", "zone:front-desk.location", NULL },
        { "device:desk-tablet-1 location", "device:desk-tablet-1.location",
          "'device:desk-tablet-1 location' is the old form of 'device:desk-tablet-1.location'" },
        { "device[desk-tablet-1].location", "device:desk-tablet-1.location",
          "'device[desk-tablet-1].location' is the old form of 'device:desk-tablet-1.location'" },
        { "consent.type", "deployment.consent.type",
          "'consent.type' is the old form of 'deployment.consent.type'" },
        { "deployment security.mlps_level", "deployment.security.mlps_level",
          "'deployment security.mlps_level' is the old form of "
          "'deployment.security.mlps_level'" },
        { "device.location", NULL, "'device.location': which device? write device:ID.location" },
        { "device:nope.location", NULL, "no device 'nope' in " },
        { "device:desk-tablet-1.locaton", NULL,
          "no fact 'locaton' on a device (did you mean 'location'?)" },
        { "gizmo:x.location", NULL, "'gizmo:x.location': no entity kind 'gizmo'" },
        { "nonsense", NULL, "'nonsense': not a fact path" },
    };
    char *path = test_srcpath(HOTEL), *cause = NULL;
    struct scenario *sc = scenario_load(path, SCENARIO_LOAD_NO_EVIDENCE, &cause);
    size_t i;

    ck_assert_msg(sc != NULL, "%s", cause);
    for (i = 0; i < FA_NITEMS(cases); i++) {
        struct scenario_ref ref;
        char *hint = NULL, *canon;
        int rc = scenario_ref_parse(sc, cases[i].text, &ref, &hint, &cause);

        if (cases[i].canon == NULL) {
            ck_assert_msg(rc == -1, "case %zu parsed", i);
            ck_assert_msg(str_has_prefix(cause, cases[i].hint_or_error), "case %zu: %s", i, cause);
            free(cause);
            continue;
        }
        ck_assert_msg(rc == 0, "case %zu: %s", i, rc == 0 ? "" : cause);
        canon = scenario_ref_format(ref.entity, ref.def);
        ck_assert_str_eq(canon, cases[i].canon);
        free(canon);
        if (cases[i].hint_or_error == NULL)
            ck_assert_ptr_null(hint);
        else
            ck_assert_str_eq(hint, cases[i].hint_or_error);
        free(hint);
    }
    scenario_free(sc);
    free(path);
}
END_TEST

/* --- cross-checks ---------------------------------------------------------------------- */

START_TEST(test_validate_contradictions)
{
    static const char yaml[] = HEAD
        "as_of: 2025-09-01\n"
        "notice: {evidence: nope, changed: false, change_date: 2025-08-01}\n"
        "filing: {filed: false, date: 2025-08-01}\n"
        "impact_assessment: {done: true, date: 2025-10-01}\n"
        "storage: {stored_persons: 150000, count_on_2025_06_01: 120000, "
        "reached_100k_date: 2025-07-01}\n"
        "alternatives: {fr_only_way: true, offered_on_refusal: true}\n"
        SITE "        devices: [{id: d}]\n"
        "evidence:\n  - {id: e1, file: a.txt, sha256: xyz}\n";
    /* in file order: what scenario_load() refuses the file with */
    static const char *const expect[] = {
        "bad.fa.yaml:4:20: notice.evidence: no evidence with id 'nope' (list it under evidence:)",
        "bad.fa.yaml:4:55: notice.change_date is given but notice.changed is false "
        "(notice.changed at bad.fa.yaml:4:35)",
        "bad.fa.yaml:5:30: filing.date is given but filing.filed is false "
        "(filing.filed at bad.fa.yaml:5:17)",
        "bad.fa.yaml:6:39: impact_assessment.date 2025-10-01 is after as_of 2025-09-01 (facts "
        "describe the deployment on the as-of date)",
        "bad.fa.yaml:7:83: storage.reached_100k_date 2025-07-01 is after 2025-06-01, yet "
        "storage.count_on_2025_06_01 is 120000 (already at least 100,000) "
        "(storage.count_on_2025_06_01 at bad.fa.yaml:7:56)",
        "bad.fa.yaml:8:55: alternatives.offered_on_refusal is true but alternatives.fr_only_way "
        "says face recognition is the only way (alternatives.fr_only_way at bad.fa.yaml:8:29)",
        "bad.fa.yaml:15:35: evidence 'e1': sha256 must be 64 hex digits",
    };
    char *tmp = test_tmpdir(), *cause = NULL, *old = getcwd(NULL, 0);
    struct scenario_problem *p = NULL;
    struct scenario *sc;
    struct strbuf all;
    size_t n = 0, nerr, i, j, found;

    ck_assert_int_eq(chdir(tmp), 0);
    ck_assert_int_eq(fs_write_atomic("bad.fa.yaml", yaml, strlen(yaml), 0644, NULL), 0);
    /* a linter may load it to list every problem ... */
    sc = scenario_load("bad.fa.yaml", SCENARIO_LOAD_NO_CROSSCHECK, &cause);
    ck_assert_msg(sc != NULL, "%s", cause);
    nerr = scenario_validate(sc, &p, &n);
    ck_assert_uint_eq(nerr, FA_NITEMS(expect));
    for (i = 0; i < FA_NITEMS(expect); i++) {
        for (j = 0, found = 0; j < n; j++)
            found += strcmp(p[j].message, expect[i]) == 0 && p[j].level == SCENARIO_ERROR;
        ck_assert_msg(found == 1, "missing: %s", expect[i]);
    }
    scenario_problems_free(p, n);
    scenario_free(sc);
    /* ... but every other caller gets the contradictions as load errors */
    ck_assert_ptr_null(scenario_load("bad.fa.yaml", 0, &cause));
    strbuf_init(&all);
    for (i = 0; i < FA_NITEMS(expect); i++)
        strbuf_printf(&all, "%s%s", i > 0 ? "\n" : "", expect[i]);
    ck_assert_str_eq(cause, strbuf_str(&all));
    strbuf_done(&all);
    free(cause);
    ck_assert_int_eq(chdir(old), 0);
    free(old);
    test_rmdir(tmp);
}
END_TEST

/* Item 9 of issue 13: each contradiction names both facts with their positions. */
START_TEST(test_contradictions_both_named)
{
    static const char yaml[] = HEAD
        "processing_start: 2025-07-01\n"
        "impact_assessment: {done: true, date: 2025-08-01, before_processing: true}\n"
        "storage: {count_on_2025_06_01: 5}\n"
        "alternatives: {fr_only_way: true, methods: [id_card]}\n";
    char *cause = NULL;

    ck_assert_ptr_null(scenario_load_data("c.fa.yaml", yaml, strlen(yaml), 0, &cause));
    ck_assert_str_eq(cause,
        "c.fa.yaml:4:70: impact_assessment.before_processing is true but the assessment date "
        "2025-08-01 is after processing_start 2025-07-01 (impact_assessment.date at "
        "c.fa.yaml:4:39) (processing_start at c.fa.yaml:3:19)\n"
        "c.fa.yaml:6:44: alternatives.methods lists methods but alternatives.fr_only_way is "
        "true (alternatives.fr_only_way at c.fa.yaml:6:29)");
    free(cause);
}
END_TEST

START_TEST(test_evidence_mismatch_not_fatal)
{
    struct scenario *sc = load_src("datasets/scenarios/bank-branch.fa.yaml");
    struct fact_value v;

    v = get(scenario_find(sc, SCENARIO_EVIDENCE, "notice"), "status");
    ck_assert_str_eq(v.def->values[v.v.e], "mismatch");
    v = get(scenario_find(sc, SCENARIO_EVIDENCE, "pia"), "status");
    ck_assert_str_eq(v.def->values[v.v.e], "ok");
    ck_assert_uint_eq(scenario_warning_count(sc), 1);
    ck_assert_ptr_nonnull(strstr(scenario_warning(sc, 0), "evidence 'notice': SHA-256 of "
        "evidence/bank-branch-notice.txt is "));
    scenario_free(sc);
}
END_TEST

/* --- shared rows ------------------------------------------------------------------ */

/*
 * Devices that repeat a configuration share one row of facts (inline on
 * different lines, from an inventory, with equal histories), each keeps its
 * own id and positions, and a write gives a device a row of its own.
 */
START_TEST(test_shared_rows)
{
    char *tmp = test_tmpdir(), *yaml = xasprintf("%s/shared.fa.yaml", tmp);
    char *csv = xasprintf("%s/shared.devices.csv", tmp), *cause = NULL;
    struct strbuf sb;
    struct scenario *sc;
    struct scenario_entity *a, *b, *c;
    struct fact_value v;
    const void *keys[8];
    size_t nkeys = 0, i, k;
    fa_date from, until, day;
    int n;

    strbuf_init(&sb);
    strbuf_puts(&sb, "faceaudit: 1\nid: shared\nas_of: 2025-12-01\n"
        "processing_start: 2025-01-01\n"
        "sites:\n  - id: s\n    zones:\n      - id: z\n        location: lobby\n"
        "        devices:\n"
        "          - id: y1\n            identifies_people: true\n"
        "          - id: y2\n            identifies_people: true\n"
        "          - id: h1\n            installed: 2025-01-15\n"
        "            signage:\n              present:\n"
        "                - {from: 2025-01-15, value: false}\n"
        "                - {from: 2025-06-01, value: true}\n"
        "          - id: h2\n            installed: 2025-01-15\n"
        "            signage:\n              present:\n"
        "                - {from: 2025-01-15, value: false}\n"
        "                - {from: 2025-06-01, value: true}\n"
        "      - id: z2\n        location: gate\n"
        "inventory: shared.devices.csv\n");
    ck_assert_int_eq(fs_write_atomic(yaml, sb.buf, sb.len, 0644, NULL), 0);
    strbuf_reset(&sb);
    strbuf_puts(&sb, "id,zone,identifies_people,signage.present\n");
    /* 300 devices in two zones, three configurations, every other one unknown */
    for (n = 1; n <= 300; n++)
        strbuf_printf(&sb, "c%d,%s,%s,%s\n", n, n % 2 ? "z" : "z2", n % 3 == 0 ? "false" : "true",
            n % 5 == 0 ? "unknown" : "");
    ck_assert_int_eq(fs_write_atomic(csv, sb.buf, sb.len, 0644, NULL), 0);
    strbuf_done(&sb);
    sc = scenario_load(yaml, SCENARIO_LOAD_NO_EVIDENCE, &cause);
    ck_assert_msg(sc != NULL, "%s", cause);
    ck_assert_uint_eq(scenario_count(sc, SCENARIO_DEVICE), 304);

    /* inline devices on different lines share a row, each at its own position */
    a = scenario_find(sc, SCENARIO_DEVICE, "y1");
    b = scenario_find(sc, SCENARIO_DEVICE, "y2");
    ck_assert_ptr_eq(scenario_entity_facts_key(a), scenario_entity_facts_key(b));
    ck_assert_uint_eq(get(a, "identifies_people").loc.line, 12);
    ck_assert_uint_eq(get(b, "identifies_people").loc.line, 14);
    ck_assert_uint_eq(get(b, "identifies_people").loc.col, 32);
    ck_assert_str_eq(scenario_entity_id(b), "y2");

    /* equal histories share a row; each entry keeps its device's position */
    a = scenario_find(sc, SCENARIO_DEVICE, "h1");
    b = scenario_find(sc, SCENARIO_DEVICE, "h2");
    ck_assert_ptr_eq(scenario_entity_facts_key(a), scenario_entity_facts_key(b));
    date_parse("2025-03-01", &day, NULL);
    scenario_get_on(b, "signage.present", day, &v, NULL);
    ck_assert_int_eq(v.state, FACT_KNOWN);
    ck_assert(!v.v.b);
    ck_assert_uint_eq(v.loc.line, 25);
    scenario_history_at(a, v.def, 1, &from, &until, &v);
    ck_assert_uint_eq(v.loc.line, 20);
    scenario_history_at(b, v.def, 1, &from, &until, &v);
    ck_assert_uint_eq(v.loc.line, 26);

    /* the inventory: six configurations (3 x known/unknown), not 300 rows */
    for (i = 0; i < scenario_count(sc, SCENARIO_DEVICE); i++) {
        const struct scenario_entity *d = scenario_entity_at(sc, SCENARIO_DEVICE, i);

        if (!scenario_entity_from_inventory(d))
            continue;
        for (k = 0; k < nkeys && keys[k] != scenario_entity_facts_key(d); k++)
            ;
        if (k == nkeys) {
            ck_assert_uint_lt(nkeys, FA_NITEMS(keys));
            keys[nkeys++] = scenario_entity_facts_key(d);
        }
    }
    ck_assert_uint_eq(nkeys, 4); /* true/false x present unknown or not given */
    a = scenario_find(sc, SCENARIO_DEVICE, "c1");
    b = scenario_find(sc, SCENARIO_DEVICE, "c7");
    c = scenario_find(sc, SCENARIO_DEVICE, "c2");
    ck_assert_ptr_eq(scenario_entity_facts_key(a), scenario_entity_facts_key(b));
    ck_assert_ptr_eq(scenario_entity_facts_key(a), scenario_entity_facts_key(c));
    v = get(b, "identifies_people");
    ck_assert_uint_eq(v.loc.line, 8);
    ck_assert_uint_eq(v.loc.col, 3);
    ck_assert(str_has_suffix(v.loc.file, "shared.devices.csv"));
    /* the zone still differs: c2 inherits z2's location */
    ck_assert_str_eq(get(c, "location").def->values[get(c, "location").v.e], "gate");
    ck_assert_str_eq(get(a, "location").def->values[get(a, "location").v.e], "lobby");

    /* copy on write: c7 changes alone */
    ck_assert_int_eq(scenario_set(b, "identifies_people", "false", &cause), 0);
    ck_assert_ptr_ne(scenario_entity_facts_key(a), scenario_entity_facts_key(b));
    ck_assert(!get(b, "identifies_people").v.b);
    ck_assert(get(a, "identifies_people").v.b);
    ck_assert(get(c, "identifies_people").v.b);
    ck_assert_uint_eq(get(b, "signage.present").state, FACT_ABSENT);
    ck_assert_uint_eq(get(a, "identifies_people").loc.line, 2);
    /* a history copied with its row stays the device's own */
    a = scenario_find(sc, SCENARIO_DEVICE, "h1");
    ck_assert_int_eq(scenario_set(a, "installed", "2025-01-10", &cause), 0);
    ck_assert_uint_eq(scenario_history_count(a, get(a, "signage.present").def), 2);
    ck_assert_int_eq(scenario_set(a, "signage.present", "false", &cause), 0);
    ck_assert_uint_eq(scenario_history_count(a, get(a, "signage.present").def), 0);
    b = scenario_find(sc, SCENARIO_DEVICE, "h2");
    ck_assert_uint_eq(scenario_history_count(b, get(b, "signage.present").def), 2);
    scenario_free(sc);
    test_rmdir(tmp);
    free(yaml);
    free(csv);
}
END_TEST

Suite *
scenario_suite(void)
{
    Suite *s = suite_create("scenario");
    TCase *tc = tcase_create("schema");

    tcase_add_test(tc, test_schema_consistent);
    tcase_add_test(tc, test_schema_find);
    suite_add_tcase(s, tc);

    tc = tcase_create("load");
    tcase_add_test(tc, test_load_all_bundled);
    tcase_add_test(tc, test_typed_lookups);
    tcase_add_test(tc, test_unknown_is_not_false);
    tcase_add_test(tc, test_locations_and_inheritance);
    tcase_add_test(tc, test_set_at_keeps_location);
    tcase_add_test(tc, test_collections);
    tcase_add_test(tc, test_one_pass);
    tcase_add_test(tc, test_csv_inventory);
    tcase_add_test(tc, test_evidence_mismatch_not_fatal);
    tcase_add_test(tc, test_dated_facts);
    tcase_add_test(tc, test_fact_paths);
    tcase_add_test(tc, test_shared_rows);
    suite_add_tcase(s, tc);

    tc = tcase_create("write");
    tcase_add_test(tc, test_set_save_reload);
    tcase_add_test(tc, test_roundtrip_all_bundled);
    tcase_add_test(tc, test_save_elsewhere_keeps_evidence);
    tcase_add_test(tc, test_save_value_holds_placeholder);
    tcase_add_test(tc, test_write_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_loop_test(tc, test_bad_inputs, 0, (int)FA_NITEMS(bad_cases));
    tcase_add_test(tc, test_validate_contradictions);
    tcase_add_test(tc, test_contradictions_both_named);
    tcase_add_test(tc, test_limits);
    suite_add_tcase(s, tc);
    return s;
}
