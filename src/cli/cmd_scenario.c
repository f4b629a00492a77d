/* SPDX-License-Identifier: MIT */
/*
 * cmd_scenario.c - `faceaudit scenario check|facts|get|set|upgrade`: lint scenario
 * files (load errors with positions, cross-checks, evidence hashes, how
 * many facts are still unknown), list the fact schema, read one fact with
 * where it was written, and change facts from the command line (what-if).
 */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/calendar.h"
#include "faceaudit/cli.h"
#include "faceaudit/rule.h"
#include "faceaudit/scenario.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

/* "1 site", "2 sites" */
static const char *
plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

struct fact_counts {
    size_t known, unknown, absent;
};

static void
count_facts(const struct scenario *sc, struct fact_counts *fc)
{
    size_t i, j, nf = scenario_fact_count();
    int k;

    memset(fc, 0, sizeof *fc);
    for (k = 0; k < SCENARIO_KIND_COUNT; k++) {
        for (i = 0; i < scenario_count(sc, (enum scenario_kind)k); i++) {
            const struct scenario_entity *e = scenario_entity_at(sc, (enum scenario_kind)k, i);

            for (j = 0; j < nf; j++) {
                const struct fact_def *d = scenario_fact_at(j);
                struct fact_value v;

                if ((int)d->kind != k || (d->flags & (FACT_F_META | FACT_F_COMPUTED | FACT_F_ID)))
                    continue;
                scenario_get_fact(e, d, &v);
                if (v.state == FACT_KNOWN)
                    fc->known++;
                else if (v.state == FACT_UNKNOWN)
                    fc->unknown++;
                else
                    fc->absent++;
            }
        }
    }
}

/* The rule pack and calendar for --unknown, loaded once per command. */
struct unknown_ctx {
    struct rule_pack *pack;
    struct calendar *cal;
};

/*
 * The unknown facts that can change a verdict (audit_unknowns(): those the
 * audit's needs_evidence findings list), most severe rule first, each with
 * the rules it would decide and, for devices, on how many it is unknown.
 */
static void
print_unknown(struct cli_ctx *ctx, const struct scenario *sc, const struct unknown_ctx *uc)
{
    struct audit_opts opts;
    struct audit_result *res;
    struct audit_unknown *u;
    struct fact_value asof;
    char *cause = NULL;
    size_t n, i, j;

    memset(&opts, 0, sizeof opts);
    opts.cal = uc->cal;
    scenario_get(scenario_deployment(sc), "as_of", &asof, NULL);
    opts.as_of = asof.state == FACT_KNOWN ? asof.v.date : date_today();
    if ((res = audit_run(uc->pack, sc, &opts, &cause)) == NULL) {
        fprintf(ctx->err, "%s\n", cause);
        free(cause);
        return;
    }
    u = audit_unknowns(res, &n);
    for (i = 0; i < n; i++) {
        size_t total = scenario_count(sc, SCENARIO_DEVICE);

        fprintf(ctx->out, "  unknown: %s", u[i].fact);
        if (u[i].entities > 0 && strncmp(u[i].fact, "device.", 7) == 0)
            fprintf(ctx->out, " on %zu of %zu %s", u[i].entities, total,
                plural(total, "device", "devices"));
        fprintf(ctx->out, " decides %s:", rule_severity_name(u[i].severity));
        for (j = 0; j < u[i].nrules; j++)
            fprintf(ctx->out, "%s %s", j > 0 ? "," : "", rule_id(u[i].rules[j]));
        fputc('\n', ctx->out);
    }
    if (n == 0)
        fprintf(ctx->out, "  unknown: no unknown fact can change a verdict\n");
    audit_unknowns_free(u, n);
    audit_result_free(res);
}

/* Check one file; returns the number of errors (warnings count with strict). */
static size_t
check_one(struct cli_ctx *ctx, const char *path, bool strict, bool quiet,
    const struct unknown_ctx *unknown)
{
    static const char *const st_names[] = { "ok", "mismatch", "missing", "unchecked" };
    const struct fact_def *st = scenario_fact_find(SCENARIO_EVIDENCE, "status", NULL);
    struct scenario_problem *probs = NULL;
    struct fact_counts fc;
    struct scenario *sc;
    struct fact_value name;
    size_t nprob = 0, nerr, nwarn, i, inv = 0, evst[4] = { 0 };
    char *cause = NULL, *line, *save = NULL;

    if ((sc = scenario_load(path, SCENARIO_LOAD_NO_CROSSCHECK, &cause)) == NULL) {
        size_t n = 0;

        for (line = strtok_r(cause, "\n", &save); line != NULL;
            line = strtok_r(NULL, "\n", &save), n++)
            fprintf(ctx->err, "%s\n", line);
        free(cause);
        fprintf(ctx->out, "%s: FAILED to load (%zu %s)\n", path, n, plural(n, "error",
            "errors"));
        return n > 0 ? n : 1;
    }
    nerr = scenario_validate(sc, &probs, &nprob);
    nwarn = nprob - nerr + scenario_warning_count(sc);
    for (i = 0; i < scenario_count(sc, SCENARIO_DEVICE); i++)
        inv += scenario_entity_from_inventory(scenario_entity_at(sc, SCENARIO_DEVICE, i));
    for (i = 0; i < scenario_count(sc, SCENARIO_EVIDENCE); i++) {
        struct fact_value v;

        scenario_get_fact(scenario_entity_at(sc, SCENARIO_EVIDENCE, i), st, &v);
        if (v.state == FACT_KNOWN && v.v.e >= 0 && v.v.e < 4)
            evst[v.v.e]++;
    }
    count_facts(sc, &fc);
    scenario_get(scenario_deployment(sc), "name", &name, NULL);
    if (!quiet) {
        fprintf(ctx->out, "%s: deployment %s%s%s%s\n", path,
            scenario_entity_id(scenario_deployment(sc)), name.state == FACT_KNOWN ? " \"" : "",
            name.state == FACT_KNOWN ? name.v.s : "", name.state == FACT_KNOWN ? "\"" : "");
#define N(k) scenario_count(sc, k)
        fprintf(ctx->out, "  entities: %zu %s, %zu %s, %zu %s (%zu from the inventory), "
            "%zu evidence, %zu filing %s\n",
            N(SCENARIO_SITE), plural(N(SCENARIO_SITE), "site", "sites"),
            N(SCENARIO_ZONE), plural(N(SCENARIO_ZONE), "zone", "zones"),
            N(SCENARIO_DEVICE), plural(N(SCENARIO_DEVICE), "device", "devices"), inv,
            N(SCENARIO_EVIDENCE), N(SCENARIO_FILING_CHANGE),
            plural(N(SCENARIO_FILING_CHANGE), "change", "changes"));
#undef N
        fprintf(ctx->out, "  facts: %zu known, %zu unknown (%zu written as unknown, %zu not "
            "given)\n", fc.known, fc.unknown + fc.absent, fc.unknown, fc.absent);
        fprintf(ctx->out, "  evidence: %zu %s, %zu %s, %zu %s, %zu %s\n", evst[0], st_names[0],
            evst[1], st_names[1], evst[2], st_names[2], evst[3], st_names[3]);
        fprintf(ctx->out, "  sha256: %s\n", scenario_hash(sc));
    }
    if (unknown != NULL && nerr == 0)
        print_unknown(ctx, sc, unknown);
    for (i = 0; i < scenario_warning_count(sc); i++)
        fprintf(ctx->err, "%s (warning)\n", scenario_warning(sc, i));
    for (i = 0; i < nprob; i++)
        fprintf(ctx->err, "%s%s\n", probs[i].message,
            probs[i].level == SCENARIO_ERROR ? "" : " (warning)");
    fprintf(ctx->out, "%s: %s (%zu %s, %zu %s)\n", path,
        nerr > 0 || (strict && nwarn > 0) ? "FAILED" : "ok", nerr, plural(nerr, "error",
        "errors"), nwarn, plural(nwarn, "warning", "warnings"));
    scenario_problems_free(probs, nprob);
    scenario_free(sc);
    return nerr + (strict ? nwarn : 0);
}

static int
do_check(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "strict", no_argument, NULL, 's' },
        { "quiet", no_argument, NULL, 'q' },
        { "unknown", no_argument, NULL, 'u' },
        { NULL, 0, NULL, 0 }
    };
    bool strict = false, quiet = false, unknown = false;
    struct unknown_ctx uc;
    char *cause = NULL;
    size_t bad = 0;
    int c, i;

    optind = 1;
    while ((c = getopt_long(argc, argv, "squ", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            strict = true;
            break;
        case 'u':
            unknown = true;
            break;
        case 'q':
            quiet = true;
            break;
        default:
            return cli_usage_error(ctx, "bad option");
        }
    }
    if (optind >= argc)
        return cli_usage_error(ctx, "missing scenario file");
    memset(&uc, 0, sizeof uc);
    if (unknown && rule_pack_load_with_calendar(NULL, &uc.pack, &uc.cal, &cause) != 0) {
        c = cli_error(ctx, "%s", cause);
        free(cause);
        return c;
    }
    for (i = optind; i < argc; i++)
        bad += check_one(ctx, argv[i], strict, quiet, unknown ? &uc : NULL) > 0;
    rule_pack_free(uc.pack);
    calendar_free(uc.cal);
    return bad > 0 ? FA_EXIT_USAGE : FA_EXIT_OK;
}

static int
do_facts(struct cli_ctx *ctx, int argc, char **argv)
{
    size_t i, j, nf = scenario_fact_count();
    int kind = -1;

    if (argc > 2)
        return cli_usage_error(ctx, "unexpected argument '%s'", argv[2]);
    if (argc == 2 && (kind = scenario_kind_from_name(argv[1])) < 0)
        return cli_usage_error(ctx, "no entity kind '%s' (deployment, site, zone, device, "
            "evidence, filing_change)", argv[1]);
    for (i = 0; i < nf; i++) {
        const struct fact_def *d = scenario_fact_at(i);

        if (kind >= 0 && (int)d->kind != kind)
            continue;
        fprintf(ctx->out, "%s.%s\t%s", scenario_kind_name(d->kind), d->path,
            scenario_fact_type_name(d->type));
        if (d->values != NULL) {
            fputs(" {", ctx->out);
            for (j = 0; d->values[j] != NULL; j++)
                fprintf(ctx->out, "%s%s", j > 0 ? "," : "", d->values[j]);
            fputc('}', ctx->out);
        }
        if (d->unit != NULL)
            fprintf(ctx->out, " (%s)", d->unit);
        fprintf(ctx->out, "\t%s%s%s", d->summary,
            (d->flags & FACT_F_INHERIT) ? " [inherited]" : "",
            (d->flags & FACT_F_COMPUTED) ? " [computed]" : "");
        if (d->articles != NULL && *d->articles != '\0') {
            const char *a;

            fputs(strchr(d->articles, ',') != NULL ? " (Arts. " : " (Art. ", ctx->out);
            for (a = d->articles; *a != '\0'; a++)
                fputs(*a == ',' ? ", " : (char[2]){ *a, '\0' }, ctx->out);
            fputc(')', ctx->out);
        }
        fputc('\n', ctx->out);
    }
    return FA_EXIT_OK;
}

static struct scenario *
load_or_error(struct cli_ctx *ctx, const char *path)
{
    char *cause = NULL;
    struct scenario *sc = scenario_load(path, SCENARIO_LOAD_NO_EVIDENCE, &cause);

    if (sc == NULL) {
        fprintf(ctx->err, "%s\n", cause);
        free(cause);
    }
    return sc;
}

/* Resolve a fact path (KIND[:ID].PATH); an old spelling gets a hint on stderr. */
static int
resolve_ref(struct cli_ctx *ctx, const struct scenario *sc, const char *text,
    struct scenario_ref *ref)
{
    char *cause = NULL, *hint = NULL;

    if (scenario_ref_parse(sc, text, ref, &hint, &cause) < 0) {
        cli_error(ctx, "%s", cause);
        free(cause);
        return -1;
    }
    if (hint != NULL) {
        fprintf(ctx->err, "faceaudit: hint: %s\n", hint);
        free(hint);
    }
    return 0;
}

static int
do_get(struct cli_ctx *ctx, int argc, char **argv)
{
    struct scenario *sc;
    struct scenario_ref ref;
    struct fact_value v;
    char *text, *path;
    int rc = FA_EXIT_OK;

    if (argc != 3 && argc != 4)
        return cli_usage_error(ctx, "usage: scenario get FILE KIND[:ID].PATH");
    if ((sc = load_or_error(ctx, argv[1])) == NULL)
        return FA_EXIT_USAGE;
    /* the old form gave the entity and the path apart */
    path = argc == 4 ? xasprintf("%s %s", argv[2], argv[3]) : xstrdup(argv[2]);
    if (resolve_ref(ctx, sc, path, &ref) < 0) {
        rc = FA_EXIT_USAGE;
    } else {
        scenario_get_fact(ref.entity, ref.def, &v);
        text = scenario_value_format(&v);
        fprintf(ctx->out, "%s", text);
        if (v.state == FACT_ABSENT)
            fputs(" (not given)", ctx->out);
        if (v.from != NULL && v.from != ref.entity)
            fprintf(ctx->out, " (from %s %s)", scenario_kind_name(scenario_entity_kind(v.from)),
                scenario_entity_id(v.from));
        if (scenario_value_written(&v))
            fprintf(ctx->out, " at %s:%u:%u", v.loc.file, v.loc.line, v.loc.col);
        fputc('\n', ctx->out);
        free(text);
    }
    free(path);
    scenario_free(sc);
    return rc;
}

static int
do_set(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 }
    };
    const char *out = NULL;
    struct scenario *sc;
    char *cause = NULL;
    int c, i, rc = FA_EXIT_OK;

    optind = 1;
    while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
        if (c != 'o')
            return cli_usage_error(ctx, "bad option");
        out = optarg;
    }
    if (out == NULL)
        return cli_usage_error(ctx, "-o FILE is required (the input is never overwritten "
            "implicitly)");
    if (argc - optind < 2)
        return cli_usage_error(ctx, "usage: scenario set FILE KIND[:ID].PATH=VALUE... -o OUT");
    if ((sc = load_or_error(ctx, argv[optind])) == NULL)
        return FA_EXIT_USAGE;
    for (i = optind + 1; i < argc && rc == FA_EXIT_OK; i++) {
        char *eq = strchr(argv[i], '='), *spec;
        struct scenario_ref ref;

        if (eq == NULL) {
            rc = cli_usage_error(ctx, "'%s': expected KIND[:ID].PATH=VALUE", argv[i]);
            break;
        }
        spec = xstrndup(argv[i], (size_t)(eq - argv[i]));
        if (resolve_ref(ctx, sc, spec, &ref) < 0) {
            rc = FA_EXIT_USAGE;
        } else if (scenario_set(ref.entity, ref.def->path, eq + 1, &cause) < 0) {
            rc = cli_error(ctx, "%s", cause);
            free(cause);
        }
        free(spec);
    }
    if (rc == FA_EXIT_OK && scenario_save(sc, out, &cause) < 0) {
        rc = cli_error(ctx, "%s", cause);
        free(cause);
    }
    scenario_free(sc);
    return rc;
}

/* `scenario upgrade FILE [-o OUT]`: rewrite in the current format (version 2), atomically. */
static int
do_upgrade(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 }
    };
    const char *out = NULL;
    struct scenario *sc;
    char *cause = NULL;
    int c, rc = FA_EXIT_OK;

    optind = 1;
    while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
        if (c != 'o')
            return cli_usage_error(ctx, "bad option");
        out = optarg;
    }
    if (argc - optind != 1)
        return cli_usage_error(ctx, "usage: scenario upgrade FILE [-o OUT]");
    if ((sc = load_or_error(ctx, argv[optind])) == NULL)
        return FA_EXIT_USAGE;
    if (scenario_save_version(sc, out != NULL ? out : argv[optind], 2, &cause) < 0) {
        rc = cli_error(ctx, "%s", cause);
        free(cause);
    }
    scenario_free(sc);
    return rc;
}

static int
cmd_scenario_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *sub;

    if (argc < 2)
        return cli_usage_error(ctx, "missing subcommand (check, facts, get, set or upgrade)");
    sub = argv[1];
    if (strcmp(sub, "check") == 0)
        return do_check(ctx, argc - 1, argv + 1);
    if (strcmp(sub, "facts") == 0)
        return do_facts(ctx, argc - 1, argv + 1);
    if (strcmp(sub, "get") == 0)
        return do_get(ctx, argc - 1, argv + 1);
    if (strcmp(sub, "set") == 0)
        return do_set(ctx, argc - 1, argv + 1);
    if (strcmp(sub, "upgrade") == 0)
        return do_upgrade(ctx, argc - 1, argv + 1);
    return cli_usage_error(ctx, "unknown subcommand '%s' (check, facts, get, set or upgrade)",
        sub);
}

const struct cmd_entry cmd_scenario_entry = {
    "scenario", NULL, "check [--strict] [--quiet] [--unknown] FILE... | facts [KIND] | "
    "get FILE KIND[:ID].PATH"
    " | set FILE KIND[:ID].PATH=VALUE... -o OUT | upgrade FILE [-o OUT]",
    "lint scenario files, list the fact schema, read and change facts",
    "Scenarios (*.fa.yaml) describe a deployment's facts; see faceaudit-scenario(5).\n"
    "\n"
    "  check FILE...   load each file (syntax, unknown keys, types, enum values, dates,\n"
    "                  the CSV inventory), verify evidence hashes, cross-check the\n"
    "                  facts, and summarise: entities, unknown facts, evidence status\n"
    "  facts [KIND]    every fact: KIND.PATH, type (enum values, unit), meaning\n"
    "  get FILE ENTITY PATH\n"
    "                  one fact's value and where it was written; ENTITY is\n"
    "                  deployment or KIND:ID (device:gate-1)\n"
    "  set FILE ENTITY.PATH=VALUE... -o OUT\n"
    "                  change facts (VALUE `unknown` makes one unknown) and write\n"
    "                  the result to OUT (self-contained YAML, written atomically)\n"
    "\n"
    "options (check):\n"
    "  --strict   warnings (evidence mismatches, gaps) fail the check too\n"
    "  --quiet    print only the verdict line per file\n"
    "  --unknown  list the facts the articles read that are still unknown (what\n"
    "             to collect next), with how many devices lack them\n"
    "\n"
    "exit status: 0 every file is valid; 2 a file failed to load, has errors\n"
    "(or warnings with --strict), or bad usage.\n",
    cmd_scenario_exec
};
