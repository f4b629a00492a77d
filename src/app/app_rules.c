/* SPDX-License-Identifier: MIT */
/*
 * app_rules.c - the rule pack as the user inspects it: the rules of every
 * article (`rules list`), one article or rule in canonical form (`rules
 * show`), the lint with clause coverage (`rules lint`) and the golden cases
 * (`rules test`).
 */
#include "config.h"

#include "faceaudit/app.h"

#include <stdlib.h>
#include <string.h>

#include "faceaudit/calendar.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/rule.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

static struct rule_pack *
load_pack(const char *rules_dir, char **cause)
{
    char *dir = rules_dir != NULL ? xstrdup(rules_dir) : path_rules_dir();
    struct rule_pack *pack = rule_pack_load(dir, cause);

    free(dir);
    return pack;
}

struct app_rules_list *
app_rules_list(const char *rules_dir, char **cause)
{
    struct rule_pack *pack = load_pack(rules_dir, cause);
    struct app_rules_list *l;
    size_t i, nr;
    int a;

    if (pack == NULL)
        return NULL;
    l = xcalloc(1, sizeof *l);
    l->pack = pack;
    l->hash = rule_pack_hash(pack);
    nr = rule_pack_nrules(pack);
    l->rules = xcalloc(nr + 1, sizeof *l->rules);
    l->articles = xcalloc(RULE_NARTICLES + 1, sizeof *l->articles);
    for (a = 1; a <= RULE_NARTICLES; a++) {
        struct app_article_row *ar;

        if (rule_pack_article(pack, a) == NULL)
            continue;
        ar = &l->articles[l->narticles++];
        ar->info = rule_pack_article(pack, a);
        ar->rules = &l->rules[l->nrules];
        for (i = 0; i < nr; i++) {
            const struct rule *r = rule_pack_rule(pack, i);
            struct app_rule_row *o;

            if (rule_article(r) != a)
                continue;
            o = &l->rules[l->nrules++];
            o->article = a;
            o->id = rule_id(r);
            o->clause = rule_clause(r);
            o->severity = rule_severity_name(rule_severity(r));
            o->title = rule_title(r);
            o->waivable = rule_waivable(r);
            o->advisory = rule_is_advisory(r);
            ar->nrules++;
        }
    }
    return l;
}

void
app_rules_list_free(struct app_rules_list *l)
{
    if (l == NULL)
        return;
    rule_pack_free(l->pack);
    free(l->rules);
    free(l->articles);
    free(l);
}

/* The rule's fields and canonical form into out; -1 with *cause. */
static int
show_rule(const struct rule_pack *pack, const char *id, struct app_rules_show *out,
    char **cause)
{
    const struct rule *r = rule_pack_find(pack, id);
    const struct rule_article_info *ai;

    if (r == NULL) {
        *cause = xasprintf("no rule '%s' (see `faceaudit rules list`)", id);
        return -1;
    }
    ai = rule_pack_article(pack, rule_article(r));
    out->article = rule_article(r);
    out->rule = xstrdup(rule_id(r));
    out->where = xstrdup(rule_where(r));
    out->title_en = xstrdup(ai->title_en);
    out->title_zh = xstrdup(ai->title_zh);
    out->clause = xstrdup(rule_clause(r));
    out->clause_text = rule_pack_clause_text(pack, rule_clause(r)) != NULL ?
        xstrdup(rule_pack_clause_text(pack, rule_clause(r))) : NULL;
    out->unverified = ai->unverified != NULL ? xstrdup(ai->unverified) : NULL;
    out->text = rule_format(r);
    return 0;
}

/* The article's fields and canonical form into out. */
static void
show_article(const struct rule_pack *pack, const struct rule_article_info *ai,
    struct app_rules_show *out)
{
    out->article = ai->number;
    out->where = xstrdup(ai->file);
    out->title_en = xstrdup(ai->title_en);
    out->title_zh = xstrdup(ai->title_zh);
    out->confidence = xstrdup(ai->confidence);
    out->source = xstrdup(ai->source);
    out->unverified = ai->unverified != NULL ? xstrdup(ai->unverified) : NULL;
    out->text = rule_pack_format_article(pack, ai->number);
}

int
app_rules_show(const char *rules_dir, const char *what, struct app_rules_show *out,
    bool *usage, char **cause)
{
    const struct rule_article_info *ai;
    struct rule_pack *pack;
    char *end;
    long n = 0;
    int rc = 0;

    memset(out, 0, sizeof *out);
    *usage = false;
    if (!str_has_prefix(what, "FRT-")) {
        n = strtol(what, &end, 10);
        if (end == what || *end != '\0' || n < 1 || n > RULE_NARTICLES) {
            *usage = true;
            *cause = xasprintf("ARTICLE must be 1..%d or a rule id, not '%s'", RULE_NARTICLES,
                what);
            return -1;
        }
    }
    if ((pack = load_pack(rules_dir, cause)) == NULL)
        return -1;
    if (n == 0) {
        rc = show_rule(pack, what, out, cause);
    } else if ((ai = rule_pack_article(pack, (int)n)) == NULL) {
        *cause = xasprintf("the rule pack has no article %ld", n);
        rc = -1;
    } else
        show_article(pack, ai, out);
    rule_pack_free(pack);
    if (rc == -1)
        app_rules_show_done(out);
    return rc;
}

void
app_rules_show_done(struct app_rules_show *s)
{
    free(s->rule);
    free(s->where);
    free(s->title_en);
    free(s->title_zh);
    free(s->confidence);
    free(s->source);
    free(s->clause);
    free(s->clause_text);
    free(s->unverified);
    free(s->text);
    memset(s, 0, sizeof *s);
}

/* The pack's golden cases; -1 with *cause. */
static int
run_tests(const struct rule_pack *pack, const char *dir, struct rule_test_report *rep,
    char **cause)
{
    char *tdir = path_join(dir, "tests"), *cdir = path_join(dir, "calendar");
    struct calendar *cal = calendar_load(cdir, cause);
    int rc = cal != NULL ? rule_tests_run(pack, tdir, cal, rep, cause) : -1;

    calendar_free(cal);
    free(tdir);
    free(cdir);
    return rc;
}

/* Clauses without tests: the UNCOVERED lines of the golden cases' log. */
static void
lint_coverage(const struct rule_pack *pack, const char *dir, struct strbuf *sb, size_t *n)
{
    struct rule_test_report rep;
    char *cause = NULL;
    const char *p;

    if (run_tests(pack, dir, &rep, &cause) != 0) {
        strbuf_printf(sb, "clause coverage not checked: %s\n", cause);
        free(cause);
        (*n)++;
        return;
    }
    for (p = rep.log; p != NULL && *p != '\0';) {
        const char *nl = strchr(p, '\n');
        size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

        if (strncmp(p, "UNCOVERED", 9) == 0) {
            strbuf_printf(sb, "%.*s\n", (int)len, p);
            (*n)++;
        }
        p = nl != NULL ? nl + 1 : NULL;
    }
    rule_test_report_done(&rep);
}

int
app_rules_lint(const char *rules_dir, const char *file, struct app_rules_lint_result *out,
    char **cause)
{
    char *dir = rules_dir != NULL ? xstrdup(rules_dir) : path_rules_dir(), *log = NULL;
    struct rule_pack *pack;
    struct strbuf sb;

    memset(out, 0, sizeof *out);
    pack = file != NULL ? rule_pack_load_file(file, cause) : rule_pack_load(dir, cause);
    if (pack == NULL) {
        free(dir);
        return -1;
    }
    strbuf_init(&sb);
    if (file == NULL) {
        out->problems = rule_pack_lint(pack, &log);
        if (log != NULL)
            strbuf_puts(&sb, log);
        free(log);
        lint_coverage(pack, dir, &sb, &out->problems);
    }
    out->nrules = rule_pack_nrules(pack);
    out->log = strbuf_detach(&sb);
    rule_pack_free(pack);
    free(dir);
    return 0;
}

void
app_rules_lint_result_done(struct app_rules_lint_result *r)
{
    free(r->log);
    memset(r, 0, sizeof *r);
}

int
app_rules_test(const char *rules_dir, struct rule_test_report *rep, char **cause)
{
    char *dir = rules_dir != NULL ? xstrdup(rules_dir) : path_rules_dir();
    struct rule_pack *pack = rule_pack_load(dir, cause);
    int rc = pack != NULL ? run_tests(pack, dir, rep, cause) : -1;

    rule_pack_free(pack);
    free(dir);
    return rc;
}
