/* SPDX-License-Identifier: MIT */
/*
 * cmd_rules.c - `faceaudit rules list|show ARTICLE|lint|test`: the rule
 * pack as a table, one article in canonical form with its metadata, the
 * lint (parse/type errors, articles without rules, facts no rule reads,
 * constant conditions, uncited clauses) and the golden tests of
 * rules/tests/ with clause coverage (exit 1 unless every case passes and
 * every clause is covered).
 */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/app.h"
#include "faceaudit/cli.h"

static void
rules_list_json(struct cli_ctx *ctx, const struct app_rules_list *l)
{
    struct cli_json j;
    size_t i, k;

    cli_json_begin(&j);
    jw_kstr(&j.w, "pack", l->hash);
    jw_kuint(&j.w, "rules", l->nrules);
    jw_key(&j.w, "articles");
    jw_array(&j.w, JW_LINES);
    for (i = 0; i < l->narticles; i++) {
        const struct app_article_row *ar = &l->articles[i];

        jw_object(&j.w, JW_INLINE);
        jw_kint(&j.w, "article", ar->info->number);
        jw_kstr(&j.w, "title_en", ar->info->title_en);
        jw_kstr(&j.w, "title_zh", ar->info->title_zh);
        jw_kbool(&j.w, "unverified", ar->info->unverified != NULL);
        jw_kbool(&j.w, "informational", ar->info->informational != NULL);
        jw_key(&j.w, "rules");
        jw_array(&j.w, JW_INLINE);
        for (k = 0; k < ar->nrules; k++) {
            const struct app_rule_row *r = &ar->rules[k];

            jw_object(&j.w, JW_INLINE);
            jw_kstr(&j.w, "id", r->id);
            jw_kstr(&j.w, "clause", r->clause);
            jw_kstr(&j.w, "severity", r->severity);
            jw_kbool(&j.w, "waivable", r->waivable);
            jw_kbool(&j.w, "advisory", r->advisory);
            jw_kstr(&j.w, "title", r->title);
            jw_object_end(&j.w);
        }
        jw_array_end(&j.w);
        jw_object_end(&j.w);
    }
    jw_array_end(&j.w);
    cli_json_end(ctx, &j);
}

static int
rules_list(struct cli_ctx *ctx, bool json)
{
    struct app_rules_list *l;
    char *cause = NULL;
    size_t i, j;

    if ((l = app_rules_list(NULL, &cause)) == NULL) {
        cli_error(ctx, "%s", cause);
        free(cause);
        return FA_EXIT_USAGE;
    }
    if (json) {
        rules_list_json(ctx, l);
        app_rules_list_free(l);
        return FA_EXIT_OK;
    }
    fprintf(ctx->out, "%-11s %-7s %-8s %-3s %s\n", "RULE", "CLAUSE", "SEVERITY", "WVR",
        "TITLE");
    for (i = 0; i < l->narticles; i++) {
        const struct app_article_row *ar = &l->articles[i];

        fprintf(ctx->out, "Art. %d  %s  %s%s%s\n", ar->info->number, ar->info->title_en,
            ar->info->title_zh, ar->info->unverified != NULL ? "  [unverified]" : "",
            ar->info->informational != NULL ? "  [informational]" : "");
        for (j = 0; j < ar->nrules; j++) {
            const struct app_rule_row *r = &ar->rules[j];

            fprintf(ctx->out, "%-11s %-7s %-8s %-3s %s%s\n", r->id, r->clause, r->severity,
                r->waivable ? "yes" : "no", r->title, r->advisory ? " (advisory)" : "");
        }
    }
    fprintf(ctx->out, "%zu rules, pack %.12s\n", l->nrules, l->hash);
    app_rules_list_free(l);
    return FA_EXIT_OK;
}

/* `rules show` as text: the comment header, then the canonical form. */
static void
show_text(FILE *o, const struct app_rules_show *s)
{
    if (s->rule != NULL)
        fprintf(o, "# %s, article %d (%s, %s)\n# clause %s: %s\n", s->where, s->article,
            s->title_en, s->title_zh, s->clause, s->clause_text != NULL ? s->clause_text :
            "(not declared by the pack)");
    else
        fprintf(o, "# %s (%s)\n# confidence %s; source: %s\n", s->where, s->title_zh,
            s->confidence, s->source);
    if (s->unverified != NULL)
        fprintf(o, "# UNVERIFIED: %s\n", s->unverified);
    fputs(s->text, o);
}

static void
show_json(struct cli_ctx *ctx, const struct app_rules_show *s)
{
    struct cli_json j;

    cli_json_begin(&j);
    jw_kint(&j.w, "article", s->article);
    jw_kstr(&j.w, "rule", s->rule);
    jw_kstr(&j.w, "where", s->where);
    jw_kstr(&j.w, "title_en", s->title_en);
    jw_kstr(&j.w, "title_zh", s->title_zh);
    jw_kstr(&j.w, "confidence", s->confidence);
    jw_kstr(&j.w, "source", s->source);
    jw_kstr(&j.w, "clause", s->clause);
    jw_kstr(&j.w, "clause_text", s->clause_text);
    jw_kstr(&j.w, "unverified", s->unverified);
    jw_kstr(&j.w, "text", s->text);
    cli_json_end(ctx, &j);
}

static int
rules_show(struct cli_ctx *ctx, const char *what, bool json)
{
    struct app_rules_show s;
    char *cause = NULL;
    bool usage;
    int rc;

    if (app_rules_show(NULL, what, &s, &usage, &cause) != 0) {
        rc = usage ? cli_usage_error(ctx, "%s", cause) : cli_error(ctx, "%s", cause);
        free(cause);
        return rc;
    }
    if (json)
        show_json(ctx, &s);
    else
        show_text(ctx->out, &s);
    app_rules_show_done(&s);
    return FA_EXIT_OK;
}

static int
rules_lint(struct cli_ctx *ctx, const char *file, bool json)
{
    struct app_rules_lint_result r;
    struct cli_json j;
    char *cause = NULL;
    int rc;

    if (app_rules_lint(NULL, file, &r, &cause) != 0) {
        if (json) {
            /* the load error is the lint's one problem, in the document too */
            cli_json_begin(&j);
            jw_kstr(&j.w, "file", file);
            jw_kbool(&j.w, "ok", false);
            jw_kstr(&j.w, "error", cause);
            cli_json_end(ctx, &j);
        }
        cli_error(ctx, "%s", cause);
        free(cause);
        return FA_EXIT_FINDINGS;
    }
    if (json) {
        cli_json_begin(&j);
        jw_kstr(&j.w, "file", file);
        jw_kbool(&j.w, "ok", r.problems == 0);
        jw_kuint(&j.w, "rules", r.nrules);
        jw_kuint(&j.w, "problems", r.problems);
        cli_json_lines(&j.w, "messages", r.log);
        cli_json_end(ctx, &j);
    } else {
        fputs(r.log, ctx->out);
        fprintf(ctx->out, "%zu rules checked, %zu problem%s\n", r.nrules, r.problems,
            r.problems == 1 ? "" : "s");
    }
    rc = r.problems == 0 ? FA_EXIT_OK : FA_EXIT_FINDINGS;
    app_rules_lint_result_done(&r);
    return rc;
}

static int
rules_test(struct cli_ctx *ctx, bool json)
{
    struct rule_test_report rep;
    struct cli_json j;
    char *cause = NULL;
    double pct;
    int rc;

    if (app_rules_test(NULL, &rep, &cause) != 0) {
        cli_error(ctx, "%s", cause);
        free(cause);
        return FA_EXIT_USAGE;
    }
    pct = rep.nclauses > 0 ? 100.0 * (double)rep.ncovered / (double)rep.nclauses : 100.0;
    rc = rep.npassed == rep.ncases && rep.ncovered == rep.nclauses ? FA_EXIT_OK :
        FA_EXIT_FINDINGS;
    if (json) {
        cli_json_begin(&j);
        jw_kbool(&j.w, "ok", rc == FA_EXIT_OK);
        jw_kuint(&j.w, "cases", rep.ncases);
        jw_kuint(&j.w, "passed", rep.npassed);
        jw_kuint(&j.w, "clauses", rep.nclauses);
        jw_kuint(&j.w, "covered", rep.ncovered);
        jw_kfixed(&j.w, "coverage_percent", pct, 0);
        cli_json_lines(&j.w, "log", rep.log);
        cli_json_end(ctx, &j);
    } else {
        fputs(rep.log, ctx->out);
        fprintf(ctx->out, "%zu of %zu cases passed; clause coverage %zu/%zu (%.0f%%)\n",
            rep.npassed, rep.ncases, rep.ncovered, rep.nclauses, pct);
    }
    rule_test_report_done(&rep);
    return rc;
}

static int
cmd_rules_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 }
    };
    const char *sub;
    bool json = false;
    int c, n;

    optind = 1;
    while ((c = getopt_long(argc, argv, "f:", longopts, NULL)) != -1) {
        if (c != 'f')
            return cli_usage_error(ctx, "bad option");
        if ((c = cli_format_json(ctx, optarg, &json)) != 0)
            return c;
    }
    if (optind >= argc)
        return cli_usage_error(ctx, "missing subcommand (list, show, lint or test)");
    sub = argv[optind++];
    if (strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0 && strcmp(sub, "lint") != 0 &&
        strcmp(sub, "test") != 0)
        return cli_usage_error(ctx, "unknown subcommand '%s' (list, show, lint or test)", sub);
    n = argc - optind;
    if (strcmp(sub, "show") == 0 ? n != 1 : (strcmp(sub, "lint") == 0 ? n > 1 : n != 0))
        return cli_usage_error(ctx, "wrong number of arguments for '%s'", sub);
    if (strcmp(sub, "list") == 0)
        return rules_list(ctx, json);
    if (strcmp(sub, "show") == 0)
        return rules_show(ctx, argv[optind], json);
    if (strcmp(sub, "lint") == 0)
        return rules_lint(ctx, n == 1 ? argv[optind] : NULL, json);
    return rules_test(ctx, json);
}

const struct cmd_entry cmd_rules_entry = {
    "rules", NULL, "list | show ARTICLE|RULE-ID | lint [FILE] | test [--format text|json]",
    "list, show, lint and test the rule pack (rules/)",
    "  list                the rules of every article: id, clause, severity, waivable\n"
    "  show ARTICLE        an article's metadata and rules in canonical form\n"
    "  show RULE-ID        one rule with its article and clause text\n"
    "  lint [FILE]         parse and type errors (exit 1), and for the whole pack:\n"
    "                      articles without rules, facts no rule reads, conditions\n"
    "                      that never depend on a fact, clauses no rule cites\n"
    "  test                run the golden cases in rules/tests/ and report clause\n"
    "                      coverage; exit 1 unless all pass and coverage is 100%\n"
    "\n"
    "  --format json       the same as a JSON document on stdout: list {pack,\n"
    "                      rules, articles}; show {article, rule, where, titles,\n"
    "                      confidence, source, clause, clause_text, unverified,\n"
    "                      text}; lint {file, ok, rules, problems, messages} (a\n"
    "                      file that does not load: {file, ok, error}); test {ok,\n"
    "                      cases, passed, clauses, covered, coverage_percent, log}\n"
    "\n"
    "The pack is $FACEAUDIT_RULES, else ./rules beside the program, else the\n"
    "installed copy. The language is described in faceaudit-rules(5).\n",
    cmd_rules_exec
};
