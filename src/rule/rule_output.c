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

#include "faceaudit/jsonw.h"
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
void
audit_out_step(struct audit_out *o)
{
    if (o->flush != NULL && o->sb->len >= AUDIT_OUT_CHUNK)
        o->flush(o->user, o->sb);
}

void
audit_write_text(struct audit_out *o, const struct audit_result *res,
    const struct rule_pack *pack, const struct audit_meta *meta, bool verbose)
{
    char d[11], h1[13], h2[13], h3[13];
    size_t i, shown = 0;

    date_format(res->as_of, d);
    short_hash(h1, meta->scenario_hash);
    short_hash(h2, rule_pack_hash(pack));
    short_hash(h3, meta->calendar_version);
    strbuf_printf(o->sb, "faceaudit audit of %s\n", meta->scenario_name != NULL ?
        meta->scenario_name : meta->scenario_id);
    strbuf_printf(o->sb, "  scenario  %s, sha256 %s\n", meta->scenario_id, h1);
    strbuf_puts(o->sb, "  file      ");
    wrap(o->sb, meta->scenario_path, 12, 12);
    strbuf_printf(o->sb, "  as of     %s   rules %zu (pack %s)\n", d, rule_pack_nrules(pack),
        h2);
    strbuf_printf(o->sb, "  calendar  %s (%s)%s%s\n", meta->calendar_years, h3,
        meta->waivers_file != NULL ? "   waivers " : "",
        meta->waivers_file != NULL ? meta->waivers_file : "");
    if (res->scope_note != NULL) {
        strbuf_puts(o->sb, "  scope     ");
        wrap(o->sb, res->scope_note, 12, 12);
    }
    if (res->no_score != NULL) {
        strbuf_puts(o->sb, "\nNO SCORE: ");
        wrap(o->sb, res->no_score, 10, 2);
    } else {
        strbuf_printf(o->sb, "\nSCORE %.1f/100  grade %c%s   without waivers %.1f (%c)\n",
            res->score, res->grade, res->critical_failure ? " (capped: critical failure)" : "",
            res->score_no_waivers, res->grade_no_waivers);
    }
    strbuf_printf(o->sb, "  %zu pass, %zu fail, %zu needs evidence, %zu waived, %zu advisory, "
        "%zu not applicable\n", res->counts[RULE_PASS], res->counts[RULE_FAIL],
        res->counts[RULE_NEEDS_EVIDENCE], res->counts[RULE_WAIVED], res->counts[RULE_ADVISORY],
        res->counts[RULE_NA]);
    if (res->approx)
        strbuf_puts(o->sb, "  approximate: a deadline crossed a year without calendar data\n");
    if (res->nreadings > 0) {
        strbuf_puts(o->sb, "\nREADINGS (contested; --reading NAME=ALT selects another)\n");
        for (i = 0; i < res->nreadings; i++) {
            const struct rule_reading *rd = &res->readings[i];
            char *line = xasprintf("%s=%s%s: %s", rd->name, rd->alt,
                rd->literal ? " (default)" : "", rd->text);

            strbuf_puts(o->sb, "  ");
            wrap(o->sb, line, 2, 6);
            free(line);
        }
    }
    strbuf_puts(o->sb, "\nARTICLES\n");
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
            strbuf_printf(o->sb, "  %2d ", a->number);
            put_tag(o->sb, a->outcome, tag, 9, meta->color && tag != board_tag[RULE_NA] &&
                strcmp(tag, "info") != 0);
            strbuf_printf(o->sb, "%s\n", line);
            free(line);
        }
    }
    strbuf_puts(o->sb, "  (* wording reconstructed from secondary sources, not verified)\n");
    strbuf_puts(o->sb, "\nFINDINGS\n");
    for (i = 0; i < res->nfindings; i++) {
        const struct audit_finding *fd = &res->findings[i];

        if (!verbose && (fd->outcome == RULE_PASS || fd->outcome == RULE_NA))
            continue;
        finding_text(o->sb, fd, pack, meta->color);
        shown++;
        audit_out_step(o);
    }
    if (shown == 0)
        strbuf_puts(o->sb, "  none: every rule passed or does not apply\n");
}

/* --- JSON ---------------------------------------------------------------------- */

static void
counts_json(struct jw *w, const size_t *counts)
{
    int i;

    jw_object(w, JW_INLINE);
    for (i = 0; i < RULE_NOUTCOMES; i++)
        jw_kuint(w, rule_outcome_name((enum rule_outcome)i), counts[i]);
    jw_object_end(w);
}

/* The explanation's members (facts, unknown, waiver, approximate) in an open object. */
static void
explanation_json(struct jw *w, const struct audit_finding *fd)
{
    size_t i;

    jw_key(w, "facts");
    jw_array(w, JW_INLINE);
    for (i = 0; i < fd->nfacts; i++) {
        char path[256];

        audit_fact_path(&fd->facts[i], path, sizeof path);
        jw_object(w, JW_INLINE);
        jw_kstr(w, "path", path);
        jw_kstr(w, "value", fd->facts[i].value);
        if (fd->facts[i].from != NULL) {
            char from[256];

            snprintf(from, sizeof from, "%s:%s",
                scenario_kind_name(scenario_entity_kind(fd->facts[i].from)),
                scenario_entity_id(fd->facts[i].from));
            jw_kstr(w, "from", from);
        }
        if (fd->facts[i].file != NULL) {
            char *where = xasprintf("%s:%u:%u", fd->facts[i].file, fd->facts[i].line,
                fd->facts[i].col);

            jw_kstr(w, "where", where);
            free(where);
        } else {
            jw_kstr(w, "where", NULL);
        }
        jw_object_end(w);
    }
    jw_array_end(w);
    jw_key(w, "unknown");
    jw_array(w, JW_INLINE);
    for (i = 0; i < fd->nunknown; i++)
        jw_str(w, fd->unknown[i]);
    jw_array_end(w);
    jw_kstr(w, "waiver", fd->waiver);
    jw_kbool(w, "approximate", fd->approx);
}

/* One finding's explanation as a JSON object (caller frees). */
char *
audit_finding_json(const struct audit_finding *fd)
{
    struct strbuf sb;
    struct jw w;

    strbuf_init(&sb);
    jw_init(&w, &sb, JW_SPACED);
    jw_object(&w, JW_INLINE);
    jw_kstr(&w, "decided_by", fd->decided_by);
    explanation_json(&w, fd);
    jw_object_end(&w);
    return strbuf_detach(&sb);
}

void
audit_write_json(struct audit_out *o, const struct audit_result *res,
    const struct rule_pack *pack, const struct audit_meta *meta,
    void (*extra)(struct jw *w, struct audit_out *o, void *user), void *user)
{
    struct jw w;
    char d[11], grade[2] = "";
    size_t i, j;

    jw_init(&w, o->sb, JW_SPACED);
    date_format(res->as_of, d);
    jw_object(&w, JW_LINES);
    jw_kstr(&w, "schema", "faceaudit-audit");
    jw_kint(&w, "version", AUDIT_JSON_SCHEMA_VERSION);
    jw_kstr(&w, "software", meta->software);
    jw_key(&w, "scenario");
    jw_object(&w, JW_INLINE);
    jw_kstr(&w, "id", meta->scenario_id);
    jw_kstr(&w, "name", meta->scenario_name);
    jw_kstr(&w, "path", meta->scenario_path);
    jw_kstr(&w, "sha256", meta->scenario_hash);
    jw_object_end(&w);
    jw_kstr(&w, "as_of", d);
    jw_key(&w, "rule_pack");
    jw_object(&w, JW_INLINE);
    jw_kstr(&w, "sha256", rule_pack_hash(pack));
    jw_kuint(&w, "rules", rule_pack_nrules(pack));
    jw_object_end(&w);
    jw_key(&w, "calendar");
    jw_object(&w, JW_INLINE);
    jw_kstr(&w, "version", meta->calendar_version);
    jw_kstr(&w, "years", meta->calendar_years);
    jw_object_end(&w);
    jw_kstr(&w, "waivers", meta->waivers_file);
    jw_key(&w, "score");
    jw_object(&w, JW_INLINE);
    if (res->no_score != NULL) {  /* out of scope or not in force: nulls and the reason */
        jw_kstr(&w, "with_waivers", NULL);
        jw_kstr(&w, "without_waivers", NULL);
        jw_kstr(&w, "grade", NULL);
        jw_kstr(&w, "grade_without_waivers", NULL);
        jw_kbool(&w, "critical_failure", false);
    } else {
        jw_kfixed(&w, "with_waivers", res->score, 2);
        jw_kfixed(&w, "without_waivers", res->score_no_waivers, 2);
        grade[0] = res->grade;
        jw_kstr(&w, "grade", grade);
        grade[0] = res->grade_no_waivers;
        jw_kstr(&w, "grade_without_waivers", grade);
        jw_kbool(&w, "critical_failure", res->critical_failure);
    }
    jw_kstr(&w, "no_score", res->no_score);
    jw_object_end(&w);
    jw_key(&w, "readings");
    jw_array(&w, JW_INLINE);
    for (i = 0; i < res->nreadings; i++) {
        jw_object(&w, JW_INLINE);
        jw_kstr(&w, "name", res->readings[i].name);
        jw_kint(&w, "article", res->readings[i].article);
        jw_kstr(&w, "title", res->readings[i].title);
        jw_kstr(&w, "alternative", res->readings[i].alt);
        jw_kbool(&w, "literal", res->readings[i].literal);
        jw_kstr(&w, "text", res->readings[i].text);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    jw_key(&w, "counts");
    counts_json(&w, res->counts);
    jw_kstr(&w, "scope_note", res->scope_note);
    jw_kbool(&w, "approximate", res->approx);
    jw_key(&w, "articles");
    jw_array(&w, JW_LINES);
    for (i = 0; i < RULE_NARTICLES; i++) {
        const struct audit_article *a = &res->articles[i];
        const struct rule_article_info *ai = rule_pack_article(pack, a->number);

        jw_object(&w, JW_INLINE);
        jw_kint(&w, "number", a->number);
        jw_kstr(&w, "outcome", rule_outcome_name(a->outcome));
        jw_kstr(&w, "title_zh", ai != NULL ? ai->title_zh : NULL);
        jw_kstr(&w, "title_en", ai != NULL ? ai->title_en : NULL);
        jw_kstr(&w, "confidence", ai != NULL ? ai->confidence : NULL);
        jw_kstr(&w, "unverified", ai != NULL ? ai->unverified : NULL);
        jw_kstr(&w, "informational", ai != NULL ? ai->informational : NULL);
        jw_key(&w, "counts");
        counts_json(&w, a->counts);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    jw_key(&w, "rules");
    jw_array(&w, JW_LINES);
    for (i = 0; i < rule_pack_nrules(pack); i++) {
        const struct rule *r = rule_pack_rule(pack, i);

        jw_object(&w, JW_INLINE);
        jw_kstr(&w, "id", rule_id(r));
        jw_kstr(&w, "title", rule_title(r));
        jw_kint(&w, "article", rule_article(r));
        jw_kstr(&w, "clause", rule_clause(r));
        jw_kstr(&w, "clause_text", rule_pack_clause_text(pack, rule_clause(r)));
        jw_kstr(&w, "basis", rule_basis(r));
        jw_key(&w, "readings");
        jw_array(&w, JW_INLINE);
        for (j = 0; j < rule_nreadings(r); j++)
            jw_str(&w, rule_reading_name(r, j));
        jw_array_end(&w);
        jw_kstr(&w, "severity", rule_severity_name(rule_severity(r)));
        jw_kbool(&w, "waivable", rule_waivable(r));
        jw_kbool(&w, "advisory", rule_is_advisory(r));
        jw_kstr(&w, "remedy", r->remedy);
        jw_key(&w, "conditions");
        jw_array(&w, JW_INLINE);
        for (j = 0; j < r->nconds; j++) {
            static const char *const kw[] = { "applies when ", "except ", "fail when ",
                "pass when " };
            struct strbuf c;

            strbuf_init(&c);
            strbuf_puts(&c, kw[r->conds[j].kind]);
            if (r->conds[j].kind == CL_EXCEPT)
                strbuf_printf(&c, "\"%s\" when ", r->conds[j].label);
            rule_expr_print(&c, r->conds[j].e);
            jw_str(&w, strbuf_str(&c));
            strbuf_done(&c);
        }
        jw_array_end(&w);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    jw_key(&w, "findings");
    jw_array(&w, JW_LINES);
    for (i = 0; i < res->nfindings; i++) {
        const struct audit_finding *fd = &res->findings[i];

        jw_object(&w, JW_INLINE);
        jw_kstr(&w, "rule", fd->rule_id);
        jw_kint(&w, "article", fd->article);
        jw_kstr(&w, "severity", rule_severity_name(fd->severity));
        jw_kstr(&w, "entity", fd->entity);
        jw_kstr(&w, "outcome", rule_outcome_name(fd->outcome));
        jw_kstr(&w, "message", fd->message);
        jw_kstr(&w, "reason", fd->reason);
        jw_kstr(&w, "collect", fd->collect);
        jw_key(&w, "decided_by");
        if (fd->decided_index >= 0)
            jw_int(&w, fd->decided_index);
        else
            jw_null(&w);
        explanation_json(&w, fd);
        jw_object_end(&w);
        audit_out_step(o);
    }
    jw_array_end(&w);
    if (extra != NULL)
        extra(&w, o, user);
    jw_object_end(&w);
    strbuf_putc(o->sb, '\n');
}
