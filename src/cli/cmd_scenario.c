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

#include "faceaudit/app.h"
#include "faceaudit/cli.h"
#include "faceaudit/xmalloc.h"

/* "1 site", "2 sites" */
static const char *
plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* The unknown facts that can change a verdict, most severe rule first. */
static void
print_unknown(struct cli_ctx *ctx, const struct app_scenario_check_result *r)
{
    size_t i, j;

    if (r->unknown_error != NULL) {
        fprintf(ctx->err, "%s\n", r->unknown_error);
        return;
    }
    for (i = 0; i < r->nunknown; i++) {
        const struct app_scenario_unknown *u = &r->unknown[i];

        fprintf(ctx->out, "  unknown: %s", u->fact);
        if (u->entities > 0 && strncmp(u->fact, "device.", 7) == 0)
            fprintf(ctx->out, " on %zu of %zu %s", u->entities, r->devices,
                plural(r->devices, "device", "devices"));
        fprintf(ctx->out, " decides %s:", u->severity);
        for (j = 0; j < u->nrules; j++)
            fprintf(ctx->out, "%s %s", j > 0 ? "," : "", u->rules[j]);
        fputc('\n', ctx->out);
    }
    if (r->nunknown == 0)
        fprintf(ctx->out, "  unknown: no unknown fact can change a verdict\n");
}

static void
print_summary(struct cli_ctx *ctx, const struct app_scenario_check_result *r)
{
    static const char *const st_names[] = { "ok", "mismatch", "missing", "unchecked" };
    const size_t *ev = r->evidence_status;

    fprintf(ctx->out, "%s: deployment %s%s%s%s\n", r->path, r->id,
        r->name != NULL ? " \"" : "", r->name != NULL ? r->name : "",
        r->name != NULL ? "\"" : "");
    fprintf(ctx->out, "  entities: %zu %s, %zu %s, %zu %s (%zu from the inventory), "
        "%zu evidence, %zu filing %s\n",
        r->sites, plural(r->sites, "site", "sites"), r->zones, plural(r->zones, "zone", "zones"),
        r->devices, plural(r->devices, "device", "devices"), r->from_inventory, r->evidence,
        r->filing_changes, plural(r->filing_changes, "change", "changes"));
    fprintf(ctx->out, "  facts: %zu known, %zu unknown (%zu written as unknown, %zu not "
        "given)\n", r->facts_known, r->facts_unknown + r->facts_absent, r->facts_unknown,
        r->facts_absent);
    fprintf(ctx->out, "  evidence: %zu %s, %zu %s, %zu %s, %zu %s\n", ev[0], st_names[0],
        ev[1], st_names[1], ev[2], st_names[2], ev[3], st_names[3]);
    fprintf(ctx->out, "  sha256: %s\n", r->sha256);
}

/* Print one file's check; false when it failed. */
static bool
print_check(struct cli_ctx *ctx, const struct app_scenario_check_result *r, bool quiet)
{
    size_t i;

    if (!r->loaded) {
        for (i = 0; i < r->nproblems; i++)
            fprintf(ctx->err, "%s\n", r->problems[i].message);
        fprintf(ctx->out, "%s: FAILED to load (%zu %s)\n", r->path, r->nproblems,
            plural(r->nproblems, "error", "errors"));
        return false;
    }
    if (!quiet)
        print_summary(ctx, r);
    if (r->have_unknown)
        print_unknown(ctx, r);
    for (i = 0; i < r->nproblems; i++)
        fprintf(ctx->err, "%s%s\n", r->problems[i].message,
            r->problems[i].warning ? " (warning)" : "");
    fprintf(ctx->out, "%s: %s (%zu %s, %zu %s)\n", r->path, r->failed ? "FAILED" : "ok",
        r->errors, plural(r->errors, "error", "errors"), r->warnings,
        plural(r->warnings, "warning", "warnings"));
    return !r->failed;
}

/* One file's check as a member of the "files" array. */
static void
check_json(struct jw *w, const struct app_scenario_check_result *r)
{
    static const char *const st_names[] = { "ok", "mismatch", "missing", "unchecked" };
    size_t i, j;

    jw_object(w, JW_INLINE);
    jw_kstr(w, "path", r->path);
    jw_kbool(w, "loaded", r->loaded);
    jw_kbool(w, "ok", !r->failed);
    jw_kuint(w, "errors", r->errors);
    jw_kuint(w, "warnings", r->warnings);
    if (r->loaded) {
        jw_kstr(w, "deployment", r->id);
        jw_kstr(w, "name", r->name);
        jw_kstr(w, "sha256", r->sha256);
        jw_key(w, "entities");
        jw_object(w, JW_INLINE);
        jw_kuint(w, "sites", r->sites);
        jw_kuint(w, "zones", r->zones);
        jw_kuint(w, "devices", r->devices);
        jw_kuint(w, "from_inventory", r->from_inventory);
        jw_kuint(w, "evidence", r->evidence);
        jw_kuint(w, "filing_changes", r->filing_changes);
        jw_object_end(w);
        jw_key(w, "facts");
        jw_object(w, JW_INLINE);
        jw_kuint(w, "known", r->facts_known);
        jw_kuint(w, "written_unknown", r->facts_unknown);
        jw_kuint(w, "not_given", r->facts_absent);
        jw_object_end(w);
        jw_key(w, "evidence_status");
        jw_object(w, JW_INLINE);
        for (i = 0; i < 4; i++)
            jw_kuint(w, st_names[i], r->evidence_status[i]);
        jw_object_end(w);
    }
    jw_key(w, "problems");
    jw_array(w, JW_INLINE);
    for (i = 0; i < r->nproblems; i++) {
        jw_object(w, JW_INLINE);
        jw_kstr(w, "level", r->problems[i].warning ? "warning" : "error");
        jw_kstr(w, "message", r->problems[i].message);
        jw_object_end(w);
    }
    jw_array_end(w);
    if (r->have_unknown) {
        jw_kstr(w, "unknown_error", r->unknown_error);
        jw_key(w, "unknown");
        jw_array(w, JW_INLINE);
        for (i = 0; i < r->nunknown; i++) {
            jw_object(w, JW_INLINE);
            jw_kstr(w, "fact", r->unknown[i].fact);
            jw_kstr(w, "severity", r->unknown[i].severity);
            jw_kuint(w, "entities", r->unknown[i].entities);
            jw_key(w, "rules");
            jw_array(w, JW_INLINE);
            for (j = 0; j < r->unknown[i].nrules; j++)
                jw_str(w, r->unknown[i].rules[j]);
            jw_array_end(w);
            jw_object_end(w);
        }
        jw_array_end(w);
    }
    jw_object_end(w);
}

static int
do_check(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "strict", no_argument, NULL, 's' },
        { "quiet", no_argument, NULL, 'q' },
        { "unknown", no_argument, NULL, 'u' },
        { "format", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 }
    };
    struct app_scenario_check_params p;
    struct cli_json j;
    bool quiet = false, json = false;
    char *cause = NULL;
    size_t bad = 0;
    int c, i;

    app_scenario_check_params_default(&p);
    optind = 1;
    while ((c = getopt_long(argc, argv, "squf:", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            p.strict = true;
            break;
        case 'u':
            p.unknown = true;
            break;
        case 'q':
            quiet = true;
            break;
        case 'f':
            if ((c = cli_format_json(ctx, optarg, &json)) != 0)
                return c;
            break;
        default:
            return cli_usage_error(ctx, "bad option");
        }
    }
    if (optind >= argc)
        return cli_usage_error(ctx, "missing scenario file");
    if (p.unknown && app_scenario_check_load_pack(&p, &cause) != 0) {
        c = cli_error(ctx, "%s", cause);
        free(cause);
        return c;
    }
    cli_json_begin(&j);
    jw_key(&j.w, "files");
    jw_array(&j.w, JW_LINES);
    for (i = optind; i < argc; i++) {
        struct app_scenario_check_result *r = app_scenario_check(argv[i], &p, &cause);

        if (json) {
            check_json(&j.w, r);
            bad += r->failed;
        } else {
            bad += !print_check(ctx, r, quiet);
        }
        app_scenario_check_result_free(r);
    }
    jw_array_end(&j.w);
    if (json)
        cli_json_end(ctx, &j);
    else
        strbuf_done(&j.sb);
    app_scenario_check_params_free(&p);
    return bad > 0 ? FA_EXIT_USAGE : FA_EXIT_OK;
}

/* One fact of the schema as text: KIND.PATH, type {values} (unit), summary [flags] (Arts.). */
static void
fact_text(FILE *o, const struct app_fact_schema *f)
{
    size_t j;

    fprintf(o, "%s.%s\t%s", f->kind, f->path, f->type);
    if (f->values != NULL) {
        fputs(" {", o);
        for (j = 0; f->values[j] != NULL; j++)
            fprintf(o, "%s%s", j > 0 ? "," : "", f->values[j]);
        fputc('}', o);
    }
    if (f->unit != NULL)
        fprintf(o, " (%s)", f->unit);
    fprintf(o, "\t%s%s%s", f->summary, f->inherited ? " [inherited]" : "",
        f->computed ? " [computed]" : "");
    if (f->articles != NULL) {
        const char *a;

        fputs(strchr(f->articles, ',') != NULL ? " (Arts. " : " (Art. ", o);
        for (a = f->articles; *a != '\0'; a++)
            fputs(*a == ',' ? ", " : (char[2]){ *a, '\0' }, o);
        fputc(')', o);
    }
    fputc('\n', o);
}

/* One fact of the schema as a member of the "facts" array. */
static void
fact_json(struct jw *w, const struct app_fact_schema *f)
{
    const char *a;
    size_t j;

    jw_object(w, JW_INLINE);
    jw_kstr(w, "kind", f->kind);
    jw_kstr(w, "path", f->path);
    jw_kstr(w, "type", f->type);
    jw_key(w, "values");
    if (f->values != NULL) {
        jw_array(w, JW_INLINE);
        for (j = 0; f->values[j] != NULL; j++)
            jw_str(w, f->values[j]);
        jw_array_end(w);
    } else
        jw_null(w);
    jw_kstr(w, "unit", f->unit);
    jw_kstr(w, "summary", f->summary);
    jw_kbool(w, "inherited", f->inherited);
    jw_kbool(w, "computed", f->computed);
    jw_key(w, "articles");
    jw_array(w, JW_INLINE);
    for (a = f->articles; a != NULL && *a != '\0'; a += strcspn(a, ","), a += *a == ',')
        jw_int(w, strtol(a, NULL, 10));
    jw_array_end(w);
    jw_object_end(w);
}

static int
do_facts(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 }
    };
    struct app_fact_schema *f;
    struct cli_json j;
    char *cause = NULL;
    bool json = false;
    size_t i, n;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "f:", longopts, NULL)) != -1) {
        if (c != 'f')
            return cli_usage_error(ctx, "bad option");
        if ((c = cli_format_json(ctx, optarg, &json)) != 0)
            return c;
    }
    if (argc - optind > 1)
        return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind + 1]);
    if ((f = app_scenario_facts(optind < argc ? argv[optind] : NULL, &n, &cause)) == NULL) {
        cli_usage_error(ctx, "%s", cause);
        free(cause);
        return FA_EXIT_USAGE;
    }
    if (json) {
        cli_json_begin(&j);
        jw_key(&j.w, "facts");
        jw_array(&j.w, JW_LINES);
        for (i = 0; i < n; i++)
            fact_json(&j.w, &f[i]);
        jw_array_end(&j.w);
        cli_json_end(ctx, &j);
    } else {
        for (i = 0; i < n; i++)
            fact_text(ctx->out, &f[i]);
    }
    free(f);
    return FA_EXIT_OK;
}

static struct scenario *
load_or_error(struct cli_ctx *ctx, const char *path)
{
    char *cause = NULL;
    struct scenario *sc = app_scenario_open(path, &cause);

    if (sc == NULL) {
        fprintf(ctx->err, "%s\n", cause);
        free(cause);
    }
    return sc;
}

/* An old spelling of a fact path: a hint on stderr. */
static void
print_hint(struct cli_ctx *ctx, char *hint)
{
    if (hint != NULL)
        fprintf(ctx->err, "faceaudit: hint: %s\n", hint);
    free(hint);
}

/* One fact as text: VALUE [(not given)] [(from KIND ID)] [at FILE:LINE:COL]. */
static void
get_text(FILE *o, const struct app_fact *f)
{
    fprintf(o, "%s", f->value);
    if (f->absent)
        fputs(" (not given)", o);
    if (f->from_kind != NULL)
        fprintf(o, " (from %s %s)", f->from_kind, f->from_id);
    if (f->file != NULL)
        fprintf(o, " at %s:%u:%u", f->file, f->line, f->col);
    fputc('\n', o);
}

/* One fact as a JSON document: the same fields, null where the text omits one. */
static void
get_json(struct cli_ctx *ctx, const char *ref, const struct app_fact *f)
{
    struct cli_json j;

    cli_json_begin(&j);
    jw_kstr(&j.w, "fact", ref);
    jw_kstr(&j.w, "value", f->value);
    jw_kbool(&j.w, "known", f->known);
    jw_kbool(&j.w, "absent", f->absent);
    jw_key(&j.w, "from");
    if (f->from_kind != NULL) {
        jw_object(&j.w, JW_INLINE);
        jw_kstr(&j.w, "kind", f->from_kind);
        jw_kstr(&j.w, "id", f->from_id);
        jw_object_end(&j.w);
    } else
        jw_null(&j.w);
    jw_key(&j.w, "at");
    if (f->file != NULL) {
        jw_object(&j.w, JW_INLINE);
        jw_kstr(&j.w, "file", f->file);
        jw_kuint(&j.w, "line", f->line);
        jw_kuint(&j.w, "col", f->col);
        jw_object_end(&j.w);
    } else
        jw_null(&j.w);
    cli_json_end(ctx, &j);
}

static int
do_get(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 }
    };
    struct scenario *sc;
    struct app_fact f;
    char *path, *cause = NULL;
    bool json = false;
    int c, rc = FA_EXIT_OK;

    optind = 1;
    while ((c = getopt_long(argc, argv, "f:", longopts, NULL)) != -1) {
        if (c != 'f')
            return cli_usage_error(ctx, "bad option");
        if ((c = cli_format_json(ctx, optarg, &json)) != 0)
            return c;
    }
    argc -= optind - 1;
    argv += optind - 1;
    if (argc != 3 && argc != 4)
        return cli_usage_error(ctx, "usage: scenario get FILE KIND[:ID].PATH [--format text|json]");
    if ((sc = load_or_error(ctx, argv[1])) == NULL)
        return FA_EXIT_USAGE;
    /* the old form gave the entity and the path apart */
    path = argc == 4 ? xasprintf("%s %s", argv[2], argv[3]) : xstrdup(argv[2]);
    if (app_scenario_get(sc, path, &f, &cause) < 0) {
        rc = cli_error(ctx, "%s", cause);
        free(cause);
    } else {
        print_hint(ctx, f.hint);
        f.hint = NULL;
        if (json)
            get_json(ctx, path, &f);
        else
            get_text(ctx->out, &f);
        app_fact_free(&f);
    }
    free(path);
    app_scenario_close(sc);
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
    char *cause = NULL, *hint;
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
        if (strchr(argv[i], '=') == NULL) {
            rc = cli_usage_error(ctx, "'%s': expected KIND[:ID].PATH=VALUE", argv[i]);
            break;
        }
        if (app_scenario_set(sc, argv[i], &hint, &cause) < 0) {
            print_hint(ctx, hint);
            rc = cli_error(ctx, "%s", cause);
            free(cause);
        } else {
            print_hint(ctx, hint);
        }
    }
    if (rc == FA_EXIT_OK && app_scenario_save(sc, out, 0, &cause) < 0) {
        rc = cli_error(ctx, "%s", cause);
        free(cause);
    }
    app_scenario_close(sc);
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
    if (app_scenario_save(sc, out != NULL ? out : argv[optind], 2, &cause) < 0) {
        rc = cli_error(ctx, "%s", cause);
        free(cause);
    }
    app_scenario_close(sc);
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
    "scenario", NULL, "check [--strict] [--quiet] [--unknown] [--format text|json] FILE... | "
    "facts [KIND] [--format text|json] | "
    "get FILE KIND[:ID].PATH [--format text|json]"
    " | set FILE KIND[:ID].PATH=VALUE... -o OUT | upgrade FILE [-o OUT]",
    "lint scenario files, list the fact schema, read and change facts",
    "Scenarios (*.fa.yaml) describe a deployment's facts; see faceaudit-scenario(5).\n"
    "\n"
    "  check FILE...   load each file (syntax, unknown keys, types, enum values, dates,\n"
    "                  the CSV inventory), verify evidence hashes, cross-check the\n"
    "                  facts, and summarise: entities, unknown facts, evidence status\n"
    "  facts [KIND]    every fact: KIND.PATH, type (enum values, unit), meaning;\n"
    "                  --format json: {\"facts\": [{kind, path, type, values, unit,\n"
    "                  summary, inherited, computed, articles}]}\n"
    "  get FILE KIND[:ID].PATH\n"
    "                  one fact's value and where it was written (deployment.PATH\n"
    "                  or KIND:ID.PATH, e.g. device:gate-1.location); --format\n"
    "                  json: {fact, value, known, absent, from, at}\n"
    "  set FILE ENTITY.PATH=VALUE... -o OUT\n"
    "                  change facts (VALUE `unknown` makes one unknown) and write\n"
    "                  the result to OUT (self-contained YAML, written atomically)\n"
    "\n"
    "options (check):\n"
    "  --strict   warnings (evidence mismatches, gaps) fail the check too\n"
    "  --quiet    print only the verdict line per file\n"
    "  --unknown  list the facts the articles read that are still unknown (what\n"
    "             to collect next), with how many devices lack them\n"
    "  --format json  every file's summary, problems and unknown facts as JSON\n"
    "             on stdout (nothing on stderr)\n"
    "\n"
    "exit status: 0 every file is valid; 2 a file failed to load, has errors\n"
    "(or warnings with --strict), or bad usage.\n",
    cmd_scenario_exec
};
