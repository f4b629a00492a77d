/* SPDX-License-Identifier: MIT */
/*
 * tui_model_rows.c - the plain-text rows the board, article detail and fact
 * editor paint (no curses), formatted from the workbench model (tui_model.h)
 * to an exact display width, so check_tui.c tests them without a terminal.
 * Split from tui_model.c, whose layering exception it shares.
 */
#include "config.h"

#include "tui_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "tui_int.h"
#include "tui_text.h"

static const char *
fact_text(const struct scenario_entity *e, const char *path, char *buf, size_t len)
{
    struct fact_value fv;
    char *s;

    if (scenario_get(e, path, &fv, NULL) != 0)
        return "?";
    s = scenario_value_format(&fv);
    snprintf(buf, len, "%s", s);
    free(s);
    return buf;
}

char *
tui_board_header(const struct tui_model *m, int line, size_t width)
{
    struct strbuf sb, out;
    const struct scenario_entity *d = scenario_deployment(m->sc);
    const struct audit_result *r = m->res;
    char a[64], b[64], c[64], date[11];

    strbuf_init(&sb);
    switch (line) {
    case 0: {
        struct fact_value fv;

        scenario_get(d, "name", &fv, NULL);
        strbuf_printf(&sb, "%s  (%s)", fv.state == FACT_KNOWN ? fv.v.s : scenario_entity_id(d),
            m->path != NULL ? m->path : "");
        break;
    }
    case 1:
        date_format(m->as_of, date);
        if (r->no_score != NULL) {  /* no score and no grade: say why */
            strbuf_printf(&sb, "as of %s%s   no score: %s", date, m->as_of_override ?
                " (set)" : "", r->no_score);
            break;
        }
        strbuf_printf(&sb, "as of %s%s   score %.1f  grade %c%s   ✗ %zu fail  ? %zu evidence  "
            "✓ %zu pass", date, m->as_of_override ? " (set)" : "", r->score, r->grade,
            r->critical_failure ? " (critical failure)" : "", r->counts[RULE_FAIL],
            r->counts[RULE_NEEDS_EVIDENCE], r->counts[RULE_PASS]);
        {
            char *rd = tui_model_readings(m, false);

            if (rd != NULL)
                strbuf_printf(&sb, "  · reading %s", rd);
            free(rd);
        }
        break;
    default:
        if (m->last_change != NULL && m->prev != NULL) {
            char *sum = tui_model_change_summary(m);

            strbuf_printf(&sb, "%s  · %s", sum, m->last_change);
            free(sum);
            break;
        }
        strbuf_printf(&sb, "mode %s · consent %s · %zu sites, %zu devices · stored %s · filed %s",
            fact_text(d, "mode", a, sizeof a), fact_text(d, "consent.type", b, sizeof b),
            scenario_count(m->sc, SCENARIO_SITE), scenario_count(m->sc, SCENARIO_DEVICE),
            fact_text(d, "storage.stored_persons", c, sizeof c),
            fact_text(d, "filing.filed", date, sizeof date));
        break;
    }
    strbuf_init(&out);
    tui_text_fit(&out, strbuf_str(&sb), width);
    strbuf_done(&sb);
    return strbuf_detach(&out);
}

char *
tui_board_row(const struct tui_model *m, int number, size_t width)
{
    const struct rule_article_info *ai = rule_pack_article(m->pack, number);
    const struct audit_article *art = &m->res->articles[number - 1];
    struct strbuf sb;
    char head[32], counts[48];
    int change = tui_model_article_change(m, number);
    size_t fixed, rest, zh;

    strbuf_init(&sb);
    /* the change mark sits right of the status symbol: ▲ newly failing, ▼ fixed, ~ other */
    snprintf(head, sizeof head, "%3d %s%s ", number, tui_outcome_symbol(art->outcome),
        change == 1 ? "▲" : change < 0 ? "▼" : change == 2 ? "~" : " ");
    strbuf_puts(&sb, head);
    tui_text_fit(&sb, tui_outcome_label(art->outcome), 10);
    if (art->counts[RULE_FAIL] > 0)
        snprintf(counts, sizeof counts, "%zu fail", art->counts[RULE_FAIL]);
    else if (art->counts[RULE_NEEDS_EVIDENCE] > 0)
        snprintf(counts, sizeof counts, "%zu unknown", art->counts[RULE_NEEDS_EVIDENCE]);
    else
        counts[0] = '\0';
    /*
     * number, symbol, mark 7; label 10; Chinese title 20 (24, the longest, from 100
     * columns) + 1; English title; counts 13, or nothing when there are none: the
     * English title takes the room.
     */
    zh = width >= 100 ? 24 : 20;
    fixed = 7 + 10 + zh + 1 + (counts[0] != '\0' ? 13 : 0);
    rest = width > fixed ? width - fixed : 0;
    tui_text_fit(&sb, ai != NULL ? ai->title_zh : "", zh);
    strbuf_putc(&sb, ' ');
    tui_text_fit(&sb, ai != NULL ? ai->title_en : "(not in the rule pack)", rest);
    if (counts[0] != '\0')
        tui_text_fit_right(&sb, counts, 13);
    {
        struct strbuf out;

        strbuf_init(&out);
        tui_text_fit(&out, strbuf_str(&sb), width);
        strbuf_done(&sb);
        return strbuf_detach(&out);
    }
}

void
tui_line_free(void *p)
{
    struct tui_line *l = p;

    if (l == NULL)
        return;
    free(l->text);
    free(l);
}

struct wrap_ctx {
    struct vec *out;
    int role;
    const char *first, *rest; /* prefixes */
    size_t n;
};

static void
wrap_line(const char *line, void *arg)
{
    struct wrap_ctx *w = arg;
    struct tui_line *l = xmalloc(sizeof *l);

    l->role = w->role;
    l->text = xasprintf("%s%s", w->n++ == 0 ? w->first : w->rest, line);
    vec_push(w->out, l);
}

static void
add(struct vec *out, int role, size_t width, const char *first, const char *rest,
    const char *text)
{
    struct wrap_ctx w = { out, role, first, rest, 0 };
    size_t pw = FA_MAX(tui_text_width(first), tui_text_width(rest));

    tui_text_wrap(text, width > pw + 10 ? width - pw : 10, wrap_line, &w);
}

static int
outcome_role(enum rule_outcome o)
{
    static const int roles[RULE_NOUTCOMES] = {
        TUI_PASS, TUI_FAIL, TUI_NA, TUI_EVIDENCE, TUI_ADVISORY, TUI_WAIVED
    };

    return (unsigned)o < RULE_NOUTCOMES ? roles[o] : TUI_NORMAL;
}

void
tui_article_lines(const struct tui_model *m, int number, size_t width, struct vec *out)
{
    const struct rule_article_info *ai = rule_pack_article(m->pack, number);
    const struct audit_article *art = &m->res->articles[number - 1];
    char *s;
    size_t i, j;

    s = xasprintf("Art. %d  %s %s", number, tui_outcome_symbol(art->outcome),
        tui_outcome_label(art->outcome));
    add(out, outcome_role(art->outcome), width, "", "", s);
    free(s);
    if (ai == NULL) {
        add(out, TUI_DIM, width, "", "", "The rule pack has no such article.");
        return;
    }
    /* The two titles in one column: labels padded by display width. */
    add(out, TUI_HEADER, width, "中文    ", "        ", ai->title_zh);
    add(out, TUI_HEADER, width, "English ", "        ", ai->title_en);
    if (ai->unverified != NULL)
        add(out, TUI_EVIDENCE, width, "⚠ wording unverified: ", "  ", ai->unverified);
    if (ai->informational != NULL)
        add(out, TUI_DIM, width, "informational: ", "  ", ai->informational);
    add(out, TUI_NORMAL, width, "", "", "");
    add(out, TUI_NORMAL, width, "", "", ai->summary);
    if (ai->source != NULL) {
        s = xasprintf("%s (confidence %s)", ai->source, ai->confidence != NULL ?
            ai->confidence : "?");
        add(out, TUI_DIM, width, "source: ", "        ", s);
        free(s);
    }
    for (i = 0; i < m->res->nfindings; i++) {
        const struct audit_finding *fd = &m->res->findings[i];
        const char *clause;
        char *remedy;

        if (fd->article != number)
            continue;
        add(out, TUI_NORMAL, width, "", "", "");
        s = xasprintf("%s %-9s %s  %s  Art. %s%s%s", tui_outcome_symbol(fd->outcome),
            tui_outcome_label(fd->outcome), fd->rule_id, rule_severity_name(fd->severity),
            fd->clause, fd->entity != NULL ? "  " : "", fd->entity != NULL ? fd->entity : "");
        add(out, outcome_role(fd->outcome), width, "", "  ", s);
        free(s);
        add(out, TUI_NORMAL, width, "  ", "  ", fd->message != NULL ? fd->message :
            rule_title(fd->rule));
        if (fd->reason != NULL || fd->decided_by != NULL) {
            /* as `faceaudit audit` says it: a pass names the condition found compliant */
            s = fd->reason != NULL ? xstrdup(fd->reason) :
                str_has_prefix(fd->decided_by, "fail when ") ?
                xasprintf("compliant: %s is false", fd->decided_by + strlen("fail when ")) :
                str_has_prefix(fd->decided_by, "pass when ") ?
                xasprintf("compliant: %s holds", fd->decided_by + strlen("pass when ")) :
                xstrdup(fd->decided_by);
            add(out, TUI_NORMAL, width, "  why:    ", "          ", s);
            free(s);
        }
        for (j = 0; j < fd->nfacts; j++) {
            const struct audit_fact *af = &fd->facts[j];
            char path[256], from[256] = "";

            audit_fact_path(af, path, sizeof path);
            if (af->from != NULL)
                snprintf(from, sizeof from, " (from %s %s)",
                    scenario_kind_name(scenario_entity_kind(af->from)),
                    scenario_entity_id(af->from));
            s = af->file != NULL ? xasprintf("%s = %s%s (%s:%u:%u)", path, af->value, from,
                af->file, af->line, af->col) : xasprintf("%s = %s%s", path, af->value, from);
            add(out, TUI_DIM, width, j == 0 ? "  facts:  " : "          ", "            ", s);
            free(s);
        }
        if (fd->waiver != NULL)
            add(out, TUI_WAIVED, width, "  waiver: ", "          ", fd->waiver);
        if ((clause = rule_pack_clause_text(m->pack, fd->clause)) != NULL) {
            s = xasprintf("%s %s", fd->clause, clause);
            add(out, TUI_NORMAL, width, "  clause: ", "          ", s);
            free(s);
        }
        if (fd->outcome != RULE_PASS && fd->outcome != RULE_NA &&
            (remedy = tui_model_remedy(m, fd->rule_id)) != NULL) {
            add(out, TUI_PASS, width, "  remedy: ", "          ", remedy);
            free(remedy);
        }
    }
}

/* Facts an editor shows: not ids, computed or file bookkeeping. */
static bool
editable(const struct fact_def *d)
{
    return (d->flags & (FACT_F_ID | FACT_F_COMPUTED | FACT_F_META)) == 0;
}

static void
add_entity(struct tui_fact_row **rows, size_t *n, size_t *cap, struct scenario_entity *e,
    int depth)
{
    size_t i;
    enum scenario_kind k = scenario_entity_kind(e);

    if (*n + scenario_fact_count() + 1 > *cap) {
        *cap = (*n + scenario_fact_count() + 1) * 2;
        *rows = xreallocarray(*rows, *cap, sizeof **rows);
    }
    (*rows)[(*n)++] = (struct tui_fact_row){ e, NULL, depth };
    for (i = 0; i < scenario_fact_count(); i++) {
        const struct fact_def *d = scenario_fact_at(i);

        if (d->kind == k && editable(d))
            (*rows)[(*n)++] = (struct tui_fact_row){ e, d, depth + 1 };
    }
}

size_t
tui_fact_rows(const struct tui_model *m, struct tui_fact_row **rows)
{
    struct scenario_entity *dep = scenario_deployment(m->sc);
    size_t n = 0, cap = 0, s, z, d;

    *rows = NULL;
    add_entity(rows, &n, &cap, dep, 0);
    for (s = 0; s < scenario_child_count(dep, SCENARIO_SITE); s++) {
        struct scenario_entity *site = scenario_child_at(dep, SCENARIO_SITE, s);

        add_entity(rows, &n, &cap, site, 1);
        for (z = 0; z < scenario_child_count(site, SCENARIO_ZONE); z++) {
            struct scenario_entity *zone = scenario_child_at(site, SCENARIO_ZONE, z);

            add_entity(rows, &n, &cap, zone, 2);
            for (d = 0; d < scenario_child_count(zone, SCENARIO_DEVICE); d++)
                add_entity(rows, &n, &cap, scenario_child_at(zone, SCENARIO_DEVICE, d), 3);
        }
    }
    return n;
}

char *
tui_fact_row_format(const struct tui_fact_row *r, size_t width)
{
    struct strbuf sb, out;
    size_t indent = (size_t)r->depth * 2;

    strbuf_init(&sb);
    strbuf_printf(&sb, "%*s", (int)indent, "");
    if (r->def == NULL) {
        strbuf_printf(&sb, "▸ %s %s", scenario_kind_name(scenario_entity_kind(r->e)),
            scenario_entity_id(r->e));
    } else {
        struct fact_value fv;
        char *v;
        /* the path column fits the longest path at 100 columns (44), all but a few at 80 (38) */
        size_t col = width >= 100 ? 44 : 38;
        size_t pw = indent + col < width ? col : (width > indent ? width - indent : 0);

        scenario_get_fact(r->e, r->def, &fv);
        v = scenario_value_format(&fv);
        tui_text_fit(&sb, r->def->path, pw);
        strbuf_putc(&sb, ' ');
        strbuf_puts(&sb, v);
        if (fv.state != FACT_KNOWN && fv.state == FACT_ABSENT)
            strbuf_puts(&sb, " (not given)");
        else if (fv.from != NULL && fv.from != r->e)
            strbuf_printf(&sb, "  ← %s:%s", scenario_kind_name(scenario_entity_kind(fv.from)),
                scenario_entity_id(fv.from));
        else if (fv.loc.line == 0)
            strbuf_puts(&sb, "  ✎ changed here"); /* set in this session, not read from the file */
        free(v);
    }
    strbuf_init(&out);
    tui_text_fit(&out, strbuf_str(&sb), width);
    strbuf_done(&sb);
    return strbuf_detach(&out);
}

