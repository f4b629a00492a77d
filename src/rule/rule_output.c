/* SPDX-License-Identifier: MIT */
/*
 * rule_output.c - an audit result as text (80 columns: article board, then
 * findings with their explanation) and as JSON (a versioned, documented
 * schema: doc/faceaudit-rules.5, JSON RESULTS). Both are built in memory
 * and returned as one string so the caller can write them atomically.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule/rule_int.h"

#include "faceaudit/xmalloc.h"

#define WIDTH 80

static const char *const board_tag[] = {
    [RULE_PASS] = "PASS", [RULE_FAIL] = "FAIL", [RULE_NA] = "n/a",
    [RULE_NEEDS_EVIDENCE] = "EVIDENCE", [RULE_ADVISORY] = "ADVISORY", [RULE_WAIVED] = "WAIVED",
};

/* ANSI colour of an outcome tag (the tag is still readable without colour). */
static const char *const tag_color[] = {
    [RULE_PASS] = "\033[32m", [RULE_FAIL] = "\033[1;31m", [RULE_NA] = "\033[2m",
    [RULE_NEEDS_EVIDENCE] = "\033[33m", [RULE_ADVISORY] = "\033[36m",
    [RULE_WAIVED] = "\033[35m",
};

/* Append an outcome tag padded to width, coloured when asked. */
static void
put_tag(struct strbuf *sb, enum rule_outcome o, const char *tag, int width, bool color)
{
    if (color)
        strbuf_printf(sb, "%s%-*s\033[0m", tag_color[o], width, tag);
    else
        strbuf_printf(sb, "%-*s", width, tag);
}

/* Append text wrapped at WIDTH, continuation lines indented by indent. */
static void
wrap(struct strbuf *sb, const char *text, size_t first, size_t indent)
{
    size_t col = first;
    const char *p = text;

    while (*p != '\0') {
        const char *w = p;
        size_t len;

        while (*p != '\0' && *p != ' ')
            p++;
        len = (size_t)(p - w);
        if (col > indent && col + 1 + len > WIDTH) {
            strbuf_printf(sb, "\n%*s", (int)indent, "");
            col = indent;
        } else if (col > first || (col > indent && w != text)) {
            strbuf_putc(sb, ' ');
            col++;
        }
        strbuf_add(sb, w, len);
        col += len;
        while (*p == ' ')
            p++;
    }
    strbuf_putc(sb, '\n');
}

static void
short_hash(char out[13], const char *h)
{
    snprintf(out, 13, "%.12s", h != NULL ? h : "-");
}

static void
finding_text(struct strbuf *sb, const struct audit_finding *fd, const struct rule_pack *pack,
    bool color)
{
    const char *clause = rule_pack_clause_text(pack, fd->clause);
    size_t i;

    put_tag(sb, fd->outcome, board_tag[fd->outcome], 8, color);
    strbuf_printf(sb, " %s  %s  Art. %s%s%s\n", fd->rule_id, rule_severity_name(fd->severity),
        fd->clause, fd->entity != NULL ? "  " : "", fd->entity != NULL ? fd->entity : "");
    strbuf_puts(sb, "  ");
    wrap(sb, fd->message != NULL ? fd->message : fd->rule->title, 2, 2);
    if (fd->reason != NULL || fd->decided_by != NULL) {
        char *why = fd->reason != NULL ? xstrdup(fd->reason) :
            str_has_prefix(fd->decided_by, "fail when ") ?
            xasprintf("compliant: %s is false", fd->decided_by + strlen("fail when ")) :
            xasprintf("compliant: %s holds", fd->decided_by + strlen("pass when "));

        strbuf_puts(sb, "  why:    ");
        wrap(sb, why, 10, 10);
        free(why);
    }
    for (i = 0; i < fd->nfacts; i++) {
        const struct audit_fact *af = &fd->facts[i];
        char path[256], from[256] = "";
        char *f;

        audit_fact_path(af, path, sizeof path);
        if (af->from != NULL)
            snprintf(from, sizeof from, " (from %s %s)",
                scenario_kind_name(scenario_entity_kind(af->from)), scenario_entity_id(af->from));
        f = af->file != NULL ? xasprintf("%s = %s%s (%s:%u:%u)", path, af->value, from,
            af->file, af->line, af->col) : xasprintf("%s = %s%s", path, af->value, from);

        strbuf_puts(sb, i == 0 ? "  facts:  " : "          ");
        wrap(sb, f, 10, 12);
        free(f);
    }
    if (fd->waiver != NULL) {
        strbuf_puts(sb, "  waiver: ");
        wrap(sb, fd->waiver, 10, 10);
    }
    if (fd->approx)
        strbuf_puts(sb, "  note:   working days counted in a year without calendar data "
            "(weekends only)\n");
    if (clause != NULL) {
        char *c = rule_basis(fd->rule) != NULL ? xasprintf("%s: %s (basis: %s)", fd->clause,
            clause, rule_basis(fd->rule)) : xasprintf("%s: %s", fd->clause, clause);

        strbuf_puts(sb, "  clause: ");
        wrap(sb, c, 10, 10);
        free(c);
    }
    if (fd->outcome != RULE_PASS && fd->outcome != RULE_NA) {
        strbuf_puts(sb, fd->collect != NULL ? "  collect: " : "  remedy: ");
        wrap(sb, audit_finding_advice(fd), fd->collect != NULL ? 11 : 10,
            fd->collect != NULL ? 11 : 10);
    }
    strbuf_putc(sb, '\n');
}

/* The result as text for an 80-column terminal (caller frees). */
char *
audit_format_text(const struct audit_result *res, const struct rule_pack *pack,
    const struct audit_meta *meta, bool verbose)
{
    struct strbuf sb;
    char d[11], h1[13], h2[13], h3[13];
    size_t i, shown = 0;

    strbuf_init(&sb);
    date_format(res->as_of, d);
    short_hash(h1, meta->scenario_hash);
    short_hash(h2, rule_pack_hash(pack));
    short_hash(h3, meta->calendar_version);
    strbuf_printf(&sb, "faceaudit audit of %s\n", meta->scenario_name != NULL ?
        meta->scenario_name : meta->scenario_id);
    strbuf_printf(&sb, "  scenario  %s, sha256 %s\n", meta->scenario_id, h1);
    strbuf_puts(&sb, "  file      ");
    wrap(&sb, meta->scenario_path, 12, 12);
    strbuf_printf(&sb, "  as of     %s   rules %zu (pack %s)\n", d, rule_pack_nrules(pack),
        h2);
    strbuf_printf(&sb, "  calendar  %s (%s)%s%s\n", meta->calendar_years, h3,
        meta->waivers_file != NULL ? "   waivers " : "",
        meta->waivers_file != NULL ? meta->waivers_file : "");
    if (res->scope_note != NULL) {
        strbuf_puts(&sb, "  scope     ");
        wrap(&sb, res->scope_note, 12, 12);
    }
    if (res->no_score != NULL) {
        strbuf_puts(&sb, "\nNO SCORE: ");
        wrap(&sb, res->no_score, 10, 2);
    } else {
        strbuf_printf(&sb, "\nSCORE %.1f/100  grade %c%s   without waivers %.1f (%c)\n",
            res->score, res->grade, res->critical_failure ? " (capped: critical failure)" : "",
            res->score_no_waivers, res->grade_no_waivers);
    }
    strbuf_printf(&sb, "  %zu pass, %zu fail, %zu needs evidence, %zu waived, %zu advisory, "
        "%zu not applicable\n", res->counts[RULE_PASS], res->counts[RULE_FAIL],
        res->counts[RULE_NEEDS_EVIDENCE], res->counts[RULE_WAIVED], res->counts[RULE_ADVISORY],
        res->counts[RULE_NA]);
    if (res->approx)
        strbuf_puts(&sb, "  approximate: a deadline crossed a year without calendar data\n");
    if (res->nreadings > 0) {
        strbuf_puts(&sb, "\nREADINGS (contested; --reading NAME=ALT selects another)\n");
        for (i = 0; i < res->nreadings; i++) {
            const struct rule_reading *rd = &res->readings[i];
            char *line = xasprintf("%s=%s%s: %s", rd->name, rd->alt,
                rd->literal ? " (default)" : "", rd->text);

            strbuf_puts(&sb, "  ");
            wrap(&sb, line, 2, 6);
            free(line);
        }
    }
    strbuf_puts(&sb, "\nARTICLES\n");
    for (i = 0; i < RULE_NARTICLES; i++) {
        const struct audit_article *a = &res->articles[i];
        const struct rule_article_info *ai = rule_pack_article(pack, a->number);
        const char *tag = board_tag[a->outcome];
        char counts[40] = "";

        if (ai != NULL && ai->informational != NULL)
            tag = "info";
        if (a->counts[RULE_FAIL] + a->counts[RULE_NEEDS_EVIDENCE] > 0)
            snprintf(counts, sizeof counts, "%zu fail, %zu evidence", a->counts[RULE_FAIL],
                a->counts[RULE_NEEDS_EVIDENCE]);
        {
            char *line = xasprintf(" %-44.44s%s %s", ai != NULL ? ai->title_en :
                "(no rule file)", ai != NULL && ai->unverified != NULL ? "*" : " ", counts);
            size_t n = strlen(line);

            while (n > 0 && line[n - 1] == ' ')
                line[--n] = '\0';  /* no trailing blanks */
            strbuf_printf(&sb, "  %2d ", a->number);
            put_tag(&sb, a->outcome, tag, 9, meta->color && tag != board_tag[RULE_NA] &&
                strcmp(tag, "info") != 0);
            strbuf_printf(&sb, "%s\n", line);
            free(line);
        }
    }
    strbuf_puts(&sb, "  (* wording reconstructed from secondary sources, not verified)\n");
    strbuf_puts(&sb, "\nFINDINGS\n");
    for (i = 0; i < res->nfindings; i++) {
        const struct audit_finding *fd = &res->findings[i];

        if (!verbose && (fd->outcome == RULE_PASS || fd->outcome == RULE_NA))
            continue;
        finding_text(&sb, fd, pack, meta->color);
        shown++;
    }
    if (shown == 0)
        strbuf_puts(&sb, "  none: every rule passed or does not apply\n");
    return strbuf_detach(&sb);
}

/* --- JSON ---------------------------------------------------------------------- */

static void
jstr(struct strbuf *sb, const char *s)
{
    if (s == NULL) {
        strbuf_puts(sb, "null");
        return;
    }
    strbuf_putc(sb, '"');
    while (*s != '\0') {
        const char *run = s;
        unsigned char c;

        while (*s != '\0' && *s != '"' && *s != '\\' && (unsigned char)*s >= 0x20)
            s++;
        if (s > run)
            strbuf_add(sb, run, (size_t)(s - run));
        if (*s == '\0')
            break;
        c = (unsigned char)*s++;
        if (c == '"' || c == '\\')
            strbuf_printf(sb, "\\%c", c);
        else if (c == '\n')
            strbuf_puts(sb, "\\n");
        else
            strbuf_printf(sb, "\\u%04x", c);
    }
    strbuf_putc(sb, '"');
}

static void
counts_json(struct strbuf *sb, const size_t *counts)
{
    int i;

    strbuf_putc(sb, '{');
    for (i = 0; i < RULE_NOUTCOMES; i++)
        strbuf_printf(sb, "%s\"%s\": %zu", i > 0 ? ", " : "",
            rule_outcome_name((enum rule_outcome)i), counts[i]);
    strbuf_putc(sb, '}');
}

static void
explanation_json(struct strbuf *sb, const struct audit_finding *fd)
{
    size_t i;

    strbuf_puts(sb, "\"facts\": [");
    for (i = 0; i < fd->nfacts; i++) {
        char path[256];

        audit_fact_path(&fd->facts[i], path, sizeof path);
        strbuf_puts(sb, i > 0 ? ", {\"path\": " : "{\"path\": ");
        jstr(sb, path);
        strbuf_puts(sb, ", \"value\": ");
        jstr(sb, fd->facts[i].value);
        if (fd->facts[i].from != NULL) {
            char from[256];

            snprintf(from, sizeof from, "%s:%s",
                scenario_kind_name(scenario_entity_kind(fd->facts[i].from)),
                scenario_entity_id(fd->facts[i].from));
            strbuf_puts(sb, ", \"from\": ");
            jstr(sb, from);
        }
        if (fd->facts[i].file != NULL) {
            char n[48];

            strbuf_puts(sb, ", \"where\": ");
            jstr(sb, fd->facts[i].file);
            sb->len--;  /* reopen the string to append :line:col */
            snprintf(n, sizeof n, ":%u:%u\"}", fd->facts[i].line, fd->facts[i].col);
            strbuf_puts(sb, n);
        } else {
            strbuf_puts(sb, ", \"where\": null}");
        }
    }
    strbuf_puts(sb, "], \"unknown\": [");
    for (i = 0; i < fd->nunknown; i++) {
        if (i > 0)
            strbuf_puts(sb, ", ");
        jstr(sb, fd->unknown[i]);
    }
    strbuf_puts(sb, "], \"waiver\": ");
    jstr(sb, fd->waiver);
    strbuf_printf(sb, ", \"approximate\": %s", fd->approx ? "true" : "false");
}

/* One finding's explanation as a JSON object (caller frees). */
char *
audit_finding_json(const struct audit_finding *fd)
{
    struct strbuf sb;

    strbuf_init(&sb);
    strbuf_puts(&sb, "{\"decided_by\": ");
    jstr(&sb, fd->decided_by);
    strbuf_puts(&sb, ", ");
    explanation_json(&sb, fd);
    strbuf_putc(&sb, '}');
    return strbuf_detach(&sb);
}

/* The result as JSON (caller frees). */
char *
audit_format_json(const struct audit_result *res, const struct rule_pack *pack,
    const struct audit_meta *meta)
{
    struct strbuf sb;
    char d[11];
    size_t i, j;

    strbuf_init(&sb);
    date_format(res->as_of, d);
    strbuf_printf(&sb, "{\n  \"schema\": \"faceaudit-audit\",\n  \"version\": %d,\n",
        AUDIT_JSON_SCHEMA_VERSION);
    strbuf_puts(&sb, "  \"software\": ");
    jstr(&sb, meta->software);
    strbuf_puts(&sb, ",\n  \"scenario\": {\"id\": ");
    jstr(&sb, meta->scenario_id);
    strbuf_puts(&sb, ", \"name\": ");
    jstr(&sb, meta->scenario_name);
    strbuf_puts(&sb, ", \"path\": ");
    jstr(&sb, meta->scenario_path);
    strbuf_puts(&sb, ", \"sha256\": ");
    jstr(&sb, meta->scenario_hash);
    strbuf_printf(&sb, "},\n  \"as_of\": \"%s\",\n  \"rule_pack\": {\"sha256\": ", d);
    jstr(&sb, rule_pack_hash(pack));
    strbuf_printf(&sb, ", \"rules\": %zu},\n  \"calendar\": {\"version\": ",
        rule_pack_nrules(pack));
    jstr(&sb, meta->calendar_version);
    strbuf_puts(&sb, ", \"years\": ");
    jstr(&sb, meta->calendar_years);
    strbuf_puts(&sb, "},\n  \"waivers\": ");
    jstr(&sb, meta->waivers_file);
    if (res->no_score != NULL) {
        strbuf_puts(&sb, ",\n  \"score\": {\"with_waivers\": null, \"without_waivers\": null, "
            "\"grade\": null, \"grade_without_waivers\": null, \"critical_failure\": false, "
            "\"no_score\": ");
        jstr(&sb, res->no_score);
        strbuf_puts(&sb, "},\n");
    } else {
        strbuf_printf(&sb, ",\n  \"score\": {\"with_waivers\": %.2f, \"without_waivers\": "
            "%.2f, \"grade\": \"%c\", \"grade_without_waivers\": \"%c\", \"critical_failure\": "
            "%s, \"no_score\": null},\n", res->score, res->score_no_waivers, res->grade,
            res->grade_no_waivers, res->critical_failure ? "true" : "false");
    }
    strbuf_puts(&sb, "  \"readings\": [");
    for (i = 0; i < res->nreadings; i++) {
        strbuf_puts(&sb, i > 0 ? ", {\"name\": " : "{\"name\": ");
        jstr(&sb, res->readings[i].name);
        strbuf_printf(&sb, ", \"article\": %d, \"title\": ", res->readings[i].article);
        jstr(&sb, res->readings[i].title);
        strbuf_puts(&sb, ", \"alternative\": ");
        jstr(&sb, res->readings[i].alt);
        strbuf_printf(&sb, ", \"literal\": %s, \"text\": ",
            res->readings[i].literal ? "true" : "false");
        jstr(&sb, res->readings[i].text);
        strbuf_putc(&sb, '}');
    }
    strbuf_puts(&sb, "],\n");
    strbuf_puts(&sb, "  \"counts\": ");
    counts_json(&sb, res->counts);
    strbuf_puts(&sb, ",\n  \"scope_note\": ");
    jstr(&sb, res->scope_note);
    strbuf_printf(&sb, ",\n  \"approximate\": %s,\n  \"articles\": [\n",
        res->approx ? "true" : "false");
    for (i = 0; i < RULE_NARTICLES; i++) {
        const struct audit_article *a = &res->articles[i];
        const struct rule_article_info *ai = rule_pack_article(pack, a->number);

        strbuf_printf(&sb, "    {\"number\": %d, \"outcome\": \"%s\", \"title_zh\": ",
            a->number, rule_outcome_name(a->outcome));
        jstr(&sb, ai != NULL ? ai->title_zh : NULL);
        strbuf_puts(&sb, ", \"title_en\": ");
        jstr(&sb, ai != NULL ? ai->title_en : NULL);
        strbuf_puts(&sb, ", \"confidence\": ");
        jstr(&sb, ai != NULL ? ai->confidence : NULL);
        strbuf_puts(&sb, ", \"unverified\": ");
        jstr(&sb, ai != NULL ? ai->unverified : NULL);
        strbuf_puts(&sb, ", \"informational\": ");
        jstr(&sb, ai != NULL ? ai->informational : NULL);
        strbuf_puts(&sb, ", \"counts\": ");
        counts_json(&sb, a->counts);
        strbuf_printf(&sb, "}%s\n", i + 1 < RULE_NARTICLES ? "," : "");
    }
    strbuf_puts(&sb, "  ],\n  \"rules\": [\n");
    for (i = 0; i < rule_pack_nrules(pack); i++) {
        const struct rule *r = rule_pack_rule(pack, i);

        strbuf_puts(&sb, "    {\"id\": ");
        jstr(&sb, rule_id(r));
        strbuf_puts(&sb, ", \"title\": ");
        jstr(&sb, rule_title(r));
        strbuf_printf(&sb, ", \"article\": %d, \"clause\": ", rule_article(r));
        jstr(&sb, rule_clause(r));
        strbuf_puts(&sb, ", \"clause_text\": ");
        jstr(&sb, rule_pack_clause_text(pack, rule_clause(r)));
        strbuf_puts(&sb, ", \"basis\": ");
        jstr(&sb, rule_basis(r));
        strbuf_puts(&sb, ", \"readings\": [");
        for (j = 0; j < rule_nreadings(r); j++) {
            if (j > 0)
                strbuf_puts(&sb, ", ");
            jstr(&sb, rule_reading_name(r, j));
        }
        strbuf_putc(&sb, ']');
        strbuf_printf(&sb, ", \"severity\": \"%s\", \"waivable\": %s, \"advisory\": %s, "
            "\"remedy\": ", rule_severity_name(rule_severity(r)),
            rule_waivable(r) ? "true" : "false", rule_is_advisory(r) ? "true" : "false");
        jstr(&sb, r->remedy);
        strbuf_puts(&sb, ", \"conditions\": [");
        for (j = 0; j < r->nconds; j++) {
            static const char *const kw[] = { "applies when ", "except ", "fail when ",
                "pass when " };
            struct strbuf c;

            strbuf_init(&c);
            strbuf_puts(&c, kw[r->conds[j].kind]);
            if (r->conds[j].kind == CL_EXCEPT)
                strbuf_printf(&c, "\"%s\" when ", r->conds[j].label);
            rule_expr_print(&c, r->conds[j].e);
            if (j > 0)
                strbuf_puts(&sb, ", ");
            jstr(&sb, strbuf_str(&c));
            strbuf_done(&c);
        }
        strbuf_printf(&sb, "]}%s\n", i + 1 < rule_pack_nrules(pack) ? "," : "");
    }
    strbuf_puts(&sb, "  ],\n  \"findings\": [\n");
    for (i = 0; i < res->nfindings; i++) {
        const struct audit_finding *fd = &res->findings[i];

        strbuf_puts(&sb, "    {\"rule\": ");
        jstr(&sb, fd->rule_id);
        strbuf_printf(&sb, ", \"article\": %d, \"severity\": \"%s\", \"entity\": ",
            fd->article, rule_severity_name(fd->severity));
        jstr(&sb, fd->entity);
        strbuf_printf(&sb, ", \"outcome\": \"%s\", \"message\": ",
            rule_outcome_name(fd->outcome));
        jstr(&sb, fd->message);
        strbuf_puts(&sb, ", \"reason\": ");
        jstr(&sb, fd->reason);
        strbuf_puts(&sb, ", \"collect\": ");
        jstr(&sb, fd->collect);
        if (fd->decided_index >= 0)
            strbuf_printf(&sb, ", \"decided_by\": %d, ", fd->decided_index);
        else
            strbuf_puts(&sb, ", \"decided_by\": null, ");
        explanation_json(&sb, fd);
        strbuf_printf(&sb, "}%s\n", i + 1 < res->nfindings ? "," : "");
    }
    strbuf_puts(&sb, "  ]\n}\n");
    return strbuf_detach(&sb);
}
