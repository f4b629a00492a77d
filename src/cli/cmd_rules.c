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

static int
rules_show(struct cli_ctx *ctx, const char *what)
{
    char *cause = NULL, *text;
    bool usage;
    int rc;

    if ((text = app_rules_show(NULL, what, &usage, &cause)) == NULL) {
        rc = usage ? cli_usage_error(ctx, "%s", cause) : cli_error(ctx, "%s", cause);
        free(cause);
        return rc;
    }
    fputs(text, ctx->out);
    free(text);
    return FA_EXIT_OK;
}

static int
rules_lint(struct cli_ctx *ctx, const char *file)
{
    struct app_rules_lint_result r;
    char *cause = NULL;
    int rc;

    if (app_rules_lint(NULL, file, &r, &cause) != 0) {
        cli_error(ctx, "%s", cause);
        free(cause);
        return FA_EXIT_FINDINGS;
    }
    fputs(r.log, ctx->out);
    fprintf(ctx->out, "%zu rules checked, %zu problem%s\n", r.nrules, r.problems,
        r.problems == 1 ? "" : "s");
    rc = r.problems == 0 ? FA_EXIT_OK : FA_EXIT_FINDINGS;
    app_rules_lint_result_done(&r);
    return rc;
}

static int
rules_test(struct cli_ctx *ctx)
{
    struct rule_test_report rep;
    char *cause = NULL;
    int rc;

    if (app_rules_test(NULL, &rep, &cause) != 0) {
        cli_error(ctx, "%s", cause);
        free(cause);
        return FA_EXIT_USAGE;
    }
    fputs(rep.log, ctx->out);
    fprintf(ctx->out, "%zu of %zu cases passed; clause coverage %zu/%zu (%.0f%%)\n",
        rep.npassed, rep.ncases, rep.ncovered, rep.nclauses,
        rep.nclauses > 0 ? 100.0 * (double)rep.ncovered / (double)rep.nclauses : 100.0);
    rc = rep.npassed == rep.ncases && rep.ncovered == rep.nclauses ? FA_EXIT_OK :
        FA_EXIT_FINDINGS;
    rule_test_report_done(&rep);
    return rc;
}

static int
cmd_rules_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *sub;
    bool json = false;
    int rc;

    if (argc < 2)
        return cli_usage_error(ctx, "missing subcommand (list, show, lint or test)");
    sub = argv[1];
    if (strcmp(sub, "list") == 0 && argc == 4 && strcmp(argv[2], "--format") == 0) {
        if ((rc = cli_format_json(ctx, argv[3], &json)) != 0)
            return rc;
        argc = 2;
    }
    if (strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0 && strcmp(sub, "lint") != 0 &&
        strcmp(sub, "test") != 0)
        return cli_usage_error(ctx, "unknown subcommand '%s' (list, show, lint or test)", sub);
    if (strcmp(sub, "show") == 0 ? argc != 3 : (strcmp(sub, "lint") == 0 ? argc > 3 :
        argc != 2))
        return cli_usage_error(ctx, "wrong number of arguments for '%s'", sub);
    if (strcmp(sub, "list") == 0)
        return rules_list(ctx, json);
    if (strcmp(sub, "show") == 0)
        return rules_show(ctx, argv[2]);
    if (strcmp(sub, "lint") == 0)
        return rules_lint(ctx, argc == 3 ? argv[2] : NULL);
    return rules_test(ctx);
}

const struct cmd_entry cmd_rules_entry = {
    "rules", NULL, "list [--format text|json] | show ARTICLE|RULE-ID | lint [FILE] | test",
    "list, show, lint and test the rule pack (rules/)",
    "  list                the rules of every article: id, clause, severity, waivable\n"
    "                      (--format json: the same as JSON)\n"
    "  show ARTICLE        an article's metadata and rules in canonical form\n"
    "  lint [FILE]         parse and type errors (exit 1), and for the whole pack:\n"
    "                      articles without rules, facts no rule reads, conditions\n"
    "                      that never depend on a fact, clauses no rule cites\n"
    "  test                run the golden cases in rules/tests/ and report clause\n"
    "                      coverage; exit 1 unless all pass and coverage is 100%\n"
    "\n"
    "The pack is $FACEAUDIT_RULES, else ./rules beside the program, else the\n"
    "installed copy. The language is described in faceaudit-rules(5).\n",
    cmd_rules_exec
};
