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

#include "faceaudit/calendar.h"
#include "faceaudit/cli.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/rule.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

static int
rules_list(struct cli_ctx *ctx, const struct rule_pack *pack)
{
    size_t i;
    int a;

    fprintf(ctx->out, "%-11s %-7s %-8s %-3s %s\n", "RULE", "CLAUSE", "SEVERITY", "WVR",
        "TITLE");
    for (a = 1; a <= RULE_NARTICLES; a++) {
        const struct rule_article_info *ai = rule_pack_article(pack, a);

        if (ai == NULL)
            continue;
        fprintf(ctx->out, "Art. %d  %s  %s%s%s\n", a, ai->title_en, ai->title_zh,
            ai->unverified != NULL ? "  [unverified]" : "",
            ai->informational != NULL ? "  [informational]" : "");
        for (i = 0; i < rule_pack_nrules(pack); i++) {
            const struct rule *r = rule_pack_rule(pack, i);

            if (rule_article(r) != a)
                continue;
            fprintf(ctx->out, "%-11s %-7s %-8s %-3s %s%s\n", rule_id(r), rule_clause(r),
                rule_severity_name(rule_severity(r)), rule_waivable(r) ? "yes" : "no",
                rule_title(r), rule_is_advisory(r) ? " (advisory)" : "");
        }
    }
    fprintf(ctx->out, "%zu rules, pack %.12s\n", rule_pack_nrules(pack), rule_pack_hash(pack));
    return FA_EXIT_OK;
}

static int
rules_show(struct cli_ctx *ctx, const struct rule_pack *pack, const char *arg)
{
    const struct rule_article_info *ai;
    char *end, *text;
    long n;

    if (str_has_prefix(arg, "FRT-")) {
        const struct rule *r = rule_pack_find(pack, arg);

        if (r == NULL)
            return cli_error(ctx, "no rule '%s' (see `faceaudit rules list`)", arg);
        ai = rule_pack_article(pack, rule_article(r));
        fprintf(ctx->out, "# %s, article %d (%s, %s)\n# clause %s: %s\n", rule_where(r),
            rule_article(r), ai->title_en, ai->title_zh, rule_clause(r),
            rule_pack_clause_text(pack, rule_clause(r)));
        if (ai->unverified != NULL)
            fprintf(ctx->out, "# UNVERIFIED: %s\n", ai->unverified);
        text = rule_format(r);
        fputs(text, ctx->out);
        free(text);
        return FA_EXIT_OK;
    } else {
        n = strtol(arg, &end, 10);
        if (end == arg || *end != '\0' || n < 1 || n > RULE_NARTICLES)
            return cli_usage_error(ctx, "ARTICLE must be 1..%d or a rule id, not '%s'",
                RULE_NARTICLES, arg);
    }
    if ((ai = rule_pack_article(pack, (int)n)) == NULL)
        return cli_error(ctx, "the rule pack has no article %ld", n);
    fprintf(ctx->out, "# %s (%s)\n# confidence %s; source: %s\n", ai->file, ai->title_zh,
        ai->confidence, ai->source);
    if (ai->unverified != NULL)
        fprintf(ctx->out, "# UNVERIFIED: %s\n", ai->unverified);
    text = rule_pack_format_article(pack, (int)n);
    fputs(text, ctx->out);
    free(text);
    return FA_EXIT_OK;
}

static int
cmd_rules_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    char *dir, *cause = NULL, *log = NULL;
    struct rule_pack *pack;
    const char *sub;
    int rc;

    if (argc < 2)
        return cli_usage_error(ctx, "missing subcommand (list, show, lint or test)");
    sub = argv[1];
    if (strcmp(sub, "show") == 0 ? argc != 3 : (strcmp(sub, "lint") == 0 ? argc > 3 :
        argc != 2)) {
        if (strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0 &&
            strcmp(sub, "lint") != 0 && strcmp(sub, "test") != 0)
            return cli_usage_error(ctx, "unknown subcommand '%s' (list, show, lint or test)",
                sub);
        return cli_usage_error(ctx, "wrong number of arguments for '%s'", sub);
    }
    if (strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0 && strcmp(sub, "lint") != 0 &&
        strcmp(sub, "test") != 0)
        return cli_usage_error(ctx, "unknown subcommand '%s' (list, show, lint or test)", sub);
    dir = path_rules_dir();
    if (strcmp(sub, "lint") == 0 && argc == 3)
        pack = rule_pack_load_file(argv[2], &cause);
    else
        pack = rule_pack_load(dir, &cause);
    if (pack == NULL) {
        cli_error(ctx, "%s", cause);
        free(cause);
        free(dir);
        return strcmp(sub, "lint") == 0 ? FA_EXIT_FINDINGS : FA_EXIT_USAGE;
    }
    if (strcmp(sub, "list") == 0) {
        rc = rules_list(ctx, pack);
    } else if (strcmp(sub, "show") == 0) {
        rc = rules_show(ctx, pack, argv[2]);
    } else if (strcmp(sub, "lint") == 0) {
        size_t n = argc == 3 ? 0 : rule_pack_lint(pack, &log);

        if (log != NULL)
            fputs(log, ctx->out);
        if (argc == 2) {
            /* clauses without tests: the golden cases' coverage */
            char *tdir = path_join(dir, "tests"), *cdir = path_join(dir, "calendar");
            struct calendar *cal = calendar_load(cdir, &cause);
            struct rule_test_report rep;

            if (cal != NULL && rule_tests_run(pack, tdir, cal, &rep, &cause) == 0) {
                const char *p = rep.log;

                while (p != NULL && *p != '\0') {
                    const char *nl = strchr(p, '\n');
                    size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

                    if (strncmp(p, "UNCOVERED", 9) == 0) {
                        fprintf(ctx->out, "%.*s\n", (int)len, p);
                        n++;
                    }
                    p = nl != NULL ? nl + 1 : NULL;
                }
                rule_test_report_done(&rep);
            } else {
                fprintf(ctx->out, "clause coverage not checked: %s\n", cause);
                n++;
            }
            calendar_free(cal);
            free(tdir);
            free(cdir);
        }
        fprintf(ctx->out, "%zu rules checked, %zu problem%s\n", rule_pack_nrules(pack), n,
            n == 1 ? "" : "s");
        rc = n == 0 ? FA_EXIT_OK : FA_EXIT_FINDINGS;
    } else {
        char *tdir = path_join(dir, "tests"), *cdir = path_join(dir, "calendar");
        struct calendar *cal = calendar_load(cdir, &cause);
        struct rule_test_report rep;

        rc = FA_EXIT_USAGE;
        if (cal == NULL || rule_tests_run(pack, tdir, cal, &rep, &cause) != 0) {
            cli_error(ctx, "%s", cause);
        } else {
            fputs(rep.log, ctx->out);
            fprintf(ctx->out, "%zu of %zu cases passed; clause coverage %zu/%zu (%.0f%%)\n",
                rep.npassed, rep.ncases, rep.ncovered, rep.nclauses,
                rep.nclauses > 0 ? 100.0 * (double)rep.ncovered / (double)rep.nclauses : 100.0);
            rc = rep.npassed == rep.ncases && rep.ncovered == rep.nclauses ? FA_EXIT_OK :
                FA_EXIT_FINDINGS;
            rule_test_report_done(&rep);
        }
        calendar_free(cal);
        free(tdir);
        free(cdir);
    }
    free(log);
    free(cause);
    free(dir);
    rule_pack_free(pack);
    return rc;
}

const struct cmd_entry cmd_rules_entry = {
    "rules", NULL, "list | show ARTICLE|RULE-ID | lint [FILE] | test",
    "list, show, lint and test the rule pack (rules/)",
    "  list                the rules of every article: id, clause, severity, waivable\n"
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
