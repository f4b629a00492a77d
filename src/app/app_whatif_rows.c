/* SPDX-License-Identifier: MIT */
/*
 * app_whatif_rows.c - the what-if session's verdict and fact tree as plain
 * rows (app_whatif.h): the board header, one row per article, the article
 * detail as paragraphs, the fact tree with values, inheritance and help.
 * Nothing is fitted to a width here: the front end fits and wraps.
 */
#include "config.h"

#include "app_whatif_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

bool
app_whatif_verdict(const struct app_whatif *w, struct app_whatif_verdict *v)
{
    const struct audit_result *r = w != NULL ? w->res : NULL;

    memset(v, 0, sizeof *v);
    if (r == NULL)
        return false;
    v->score = r->score;
    v->grade = r->grade;
    v->no_score = r->no_score;
    v->critical_failure = r->critical_failure;
    memcpy(v->counts, r->counts, sizeof v->counts);
    return true;
}

enum rule_outcome
app_whatif_outcome(const struct app_whatif *w, int article)
{
    if (w == NULL || w->res == NULL || article < 1 || article > RULE_NARTICLES)
        return RULE_NA;
    return w->res->articles[article - 1].outcome;
}

const char *
app_whatif_outcome_name(const struct app_whatif *w, int article)
{
    if (w == NULL || w->res == NULL || article < 1 || article > RULE_NARTICLES)
        return "";
    return rule_outcome_name(w->res->articles[article - 1].outcome);
}

const char *
app_whatif_grade_name(const struct app_whatif *w)
{
    static const char *const names[] = { "A", "B", "C", "D", "E", "F" };

    if (w == NULL || w->res == NULL)
        return "";
    if (w->res->no_score != NULL)
        return "none";
    if (w->res->grade < 'A' || w->res->grade > 'F')
        return "?";
    return names[w->res->grade - 'A'];
}

int
app_whatif_article_change(const struct app_whatif *w, int number)
{
    enum rule_outcome a, b;

    if (w->prev == NULL || w->res == NULL || number < 1 || number > RULE_NARTICLES)
        return 0;
    a = w->prev->articles[number - 1].outcome;
    b = w->res->articles[number - 1].outcome;
    if (a == b)
        return 0;
    if (b == RULE_FAIL)
        return 1;
    if (a == RULE_FAIL || b == RULE_PASS)
        return -1;
    return 2;
}

bool
app_whatif_changed(const struct app_whatif *w)
{
    return w->prev != NULL;
}

const char *
app_whatif_last_change(const struct app_whatif *w)
{
    return w->last_change;
}

/* Append " LABEL Art. a, b" for the articles whose change is `kind`; returns how many. */
static int
change_list(const struct app_whatif *w, struct strbuf *sb, int kind, const char *label)
{
    int i, n = 0;

    for (i = 1; i <= RULE_NARTICLES; i++) {
        int c = app_whatif_article_change(w, i);

        if (c != kind && !(kind < 0 && c < 0))
            continue;
        if (n++ == 0)
            strbuf_printf(sb, "  %s Art. %d", label, i);
        else
            strbuf_printf(sb, ", %d", i);
    }
    return n;
}

char *
app_whatif_change_summary(const struct app_whatif *w)
{
    struct strbuf sb;
    int n;

    if (w->prev == NULL || w->res == NULL)
        return NULL;
    strbuf_init(&sb);
    strbuf_printf(&sb, "score %.1f → %.1f (%c → %c)", w->prev->score, w->res->score,
        w->prev->grade, w->res->grade);
    n = change_list(w, &sb, 1, "▲ newly failing:");
    n += change_list(w, &sb, -1, "▼ fixed:");
    n += change_list(w, &sb, 2, "~ changed:");
    if (n == 0)
        strbuf_puts(&sb, "  no article changed");
    return strbuf_detach(&sb);
}

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
app_whatif_header(const struct app_whatif *w, int line)
{
    const struct scenario_entity *d;
    const struct audit_result *r = w->res;
    struct strbuf sb;
    char a[64], b[64], c[64], date[11];

    if (w->sc == NULL || r == NULL)
        return xstrdup("");
    d = scenario_deployment(w->sc);
    strbuf_init(&sb);
    switch (line) {
    case 0: {
        struct fact_value fv;

        scenario_get(d, "name", &fv, NULL);
        strbuf_printf(&sb, "%s  (%s)", fv.state == FACT_KNOWN ? fv.v.s : scenario_entity_id(d),
            w->path != NULL ? w->path : "");
        break;
    }
    case 1:
        date_format(w->as_of, date);
        if (r->no_score != NULL) {  /* no score and no grade: say why */
            strbuf_printf(&sb, "as of %s%s   no score: %s", date, w->as_of_override ?
                " (set)" : "", r->no_score);
            break;
        }
        strbuf_printf(&sb, "as of %s%s   score %.1f  grade %c%s   ✗ %zu fail  ? %zu evidence  "
            "✓ %zu pass", date, w->as_of_override ? " (set)" : "", r->score, r->grade,
            r->critical_failure ? " (critical failure)" : "", r->counts[RULE_FAIL],
            r->counts[RULE_NEEDS_EVIDENCE], r->counts[RULE_PASS]);
        {
            char *rd = app_whatif_readings(w, false);

            if (rd != NULL)
                strbuf_printf(&sb, "  · reading %s", rd);
            free(rd);
        }
        break;
    default:
        if (w->last_change != NULL && w->prev != NULL) {
            char *sum = app_whatif_change_summary(w);

            strbuf_printf(&sb, "%s  · %s", sum, w->last_change);
            free(sum);
            break;
        }
        strbuf_printf(&sb, "mode %s · consent %s · %zu sites, %zu devices · stored %s · filed %s",
            fact_text(d, "mode", a, sizeof a), fact_text(d, "consent.type", b, sizeof b),
            scenario_count(w->sc, SCENARIO_SITE), scenario_count(w->sc, SCENARIO_DEVICE),
            fact_text(d, "storage.stored_persons", c, sizeof c),
            fact_text(d, "filing.filed", date, sizeof date));
        break;
    }
    return strbuf_detach(&sb);
}

void
app_whatif_article(const struct app_whatif *w, int number, struct app_whatif_article *a)
{
    const struct rule_article_info *ai = rule_pack_article(w->pack, number);

    memset(a, 0, sizeof *a);
    a->number = number;
    a->outcome = app_whatif_outcome(w, number);
    a->change = app_whatif_article_change(w, number);
    if (w->res != NULL && number >= 1 && number <= RULE_NARTICLES) {
        a->fail = w->res->articles[number - 1].counts[RULE_FAIL];
        a->unknown = w->res->articles[number - 1].counts[RULE_NEEDS_EVIDENCE];
    }
    a->title_zh = ai != NULL ? ai->title_zh : NULL;
    a->title_en = ai != NULL ? ai->title_en : NULL;
}

char *
app_whatif_remedy(const struct app_whatif *w, const char *rule_id)
{
    char *needle = xasprintf("rule %s ", rule_id);
    const char *p = strstr(w->remedies, needle), *end;
    struct strbuf sb;

    free(needle);
    if (p == NULL || (end = strstr(p, "\n}\n")) == NULL)
        return NULL;
    if ((p = strstr(p, "\n    remedy \"")) == NULL || p > end)
        return NULL;
    p += strlen("\n    remedy \"");
    strbuf_init(&sb);
    for (; *p != '\0' && *p != '"'; p++) {
        if (*p == '\\' && p[1] != '\0') {
            p++;
            strbuf_putc(&sb, *p == 'n' ? '\n' : *p);
        } else
            strbuf_putc(&sb, *p);
    }
    return strbuf_detach(&sb);
}

void
app_whatif_line_free(void *p)
{
    struct app_whatif_line *l = p;

    if (l == NULL)
        return;
    free(l->text);
    free(l);
}

/* Append a paragraph (text copied). */
static void
add(struct vec *out, enum app_whatif_style style, enum rule_outcome o, const char *first,
    const char *rest, const char *text)
{
    struct app_whatif_line *l = xmalloc(sizeof *l);

    l->style = style;
    l->outcome = o;
    l->first = first;
    l->rest = rest;
    l->text = xstrdup(text);
    vec_push(out, l);
}

/* Append a paragraph, taking text. */
static void
add_take(struct vec *out, enum app_whatif_style style, enum rule_outcome o, const char *first,
    const char *rest, char *text)
{
    add(out, style, o, first, rest, text);
    free(text);
}

/* One finding: header, message, why, facts, waiver, clause, remedy. */
static void
finding_lines(const struct app_whatif *w, const struct audit_finding *fd, struct vec *out)
{
    const char *clause;
    char *remedy, *s;
    size_t j;

    add(out, APP_WS_NORMAL, RULE_PASS, "", "", "");
    add_take(out, APP_WS_OUTCOME, fd->outcome, "", "  ", xasprintf("%s  %s  Art. %s%s%s",
        fd->rule_id, rule_severity_name(fd->severity),
        fd->clause, fd->entity != NULL ? "  " : "", fd->entity != NULL ? fd->entity : ""));
    add(out, APP_WS_NORMAL, RULE_PASS, "  ", "  ", fd->message != NULL ? fd->message :
        rule_title(fd->rule));
    if (fd->reason != NULL || fd->decided_by != NULL) {
        /* as `faceaudit audit` says it: a pass names the condition found compliant */
        s = fd->reason != NULL ? xstrdup(fd->reason) :
            str_has_prefix(fd->decided_by, "fail when ") ?
            xasprintf("compliant: %s is false", fd->decided_by + strlen("fail when ")) :
            str_has_prefix(fd->decided_by, "pass when ") ?
            xasprintf("compliant: %s holds", fd->decided_by + strlen("pass when ")) :
            xstrdup(fd->decided_by);
        add_take(out, APP_WS_NORMAL, RULE_PASS, "  why:    ", "          ", s);
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
        add_take(out, APP_WS_DIM, RULE_PASS, j == 0 ? "  facts:  " : "          ",
            "            ", s);
    }
    if (fd->waiver != NULL)
        add(out, APP_WS_WAIVED, RULE_PASS, "  waiver: ", "          ", fd->waiver);
    if ((clause = rule_pack_clause_text(w->pack, fd->clause)) != NULL)
        add_take(out, APP_WS_NORMAL, RULE_PASS, "  clause: ", "          ",
            xasprintf("%s %s", fd->clause, clause));
    if (fd->outcome != RULE_PASS && fd->outcome != RULE_NA &&
        (remedy = app_whatif_remedy(w, fd->rule_id)) != NULL)
        add_take(out, APP_WS_REMEDY, RULE_PASS, "  remedy: ", "          ", remedy);
}

void
app_whatif_article_lines(const struct app_whatif *w, int number, struct vec *out)
{
    const struct rule_article_info *ai = rule_pack_article(w->pack, number);
    size_t i;

    if (w->res == NULL || number < 1 || number > RULE_NARTICLES)
        return;
    if (ai == NULL) {
        add(out, APP_WS_DIM, RULE_PASS, "", "", "The rule pack has no such article.");
        return;
    }
    /* The two titles in one column: labels padded by display width. */
    add(out, APP_WS_HEADER, RULE_PASS, "中文    ", "        ", ai->title_zh);
    add(out, APP_WS_HEADER, RULE_PASS, "English ", "        ", ai->title_en);
    if (ai->unverified != NULL)
        add(out, APP_WS_WARN, RULE_PASS, "⚠ wording unverified: ", "  ", ai->unverified);
    if (ai->informational != NULL)
        add(out, APP_WS_DIM, RULE_PASS, "informational: ", "  ", ai->informational);
    add(out, APP_WS_NORMAL, RULE_PASS, "", "", "");
    add(out, APP_WS_NORMAL, RULE_PASS, "", "", ai->summary);
    if (ai->source != NULL)
        add_take(out, APP_WS_DIM, RULE_PASS, "source: ", "        ", xasprintf("%s "
            "(confidence %s)", ai->source, ai->confidence != NULL ? ai->confidence : "?"));
    for (i = 0; i < w->res->nfindings; i++) {
        if (w->res->findings[i].article == number)
            finding_lines(w, &w->res->findings[i], out);
    }
}

/* --- the fact tree ---------------------------------------------------------------- */

/* Facts an editor shows: not ids, computed or file bookkeeping. */
static bool
editable(const struct fact_def *d)
{
    return (d->flags & (FACT_F_ID | FACT_F_COMPUTED | FACT_F_META)) == 0;
}

static void
add_entity(struct app_whatif_fact_row **rows, size_t *n, size_t *cap,
    struct scenario_entity *e, int depth)
{
    size_t i;
    enum scenario_kind k = scenario_entity_kind(e);

    if (*n + scenario_fact_count() + 1 > *cap) {
        *cap = (*n + scenario_fact_count() + 1) * 2;
        *rows = xreallocarray(*rows, *cap, sizeof **rows);
    }
    (*rows)[(*n)++] = (struct app_whatif_fact_row){ e, NULL, depth };
    for (i = 0; i < scenario_fact_count(); i++) {
        const struct fact_def *d = scenario_fact_at(i);

        if (d->kind == k && editable(d))
            (*rows)[(*n)++] = (struct app_whatif_fact_row){ e, d, depth + 1 };
    }
}

size_t
app_whatif_fact_rows(const struct app_whatif *w, struct app_whatif_fact_row **rows)
{
    struct scenario_entity *dep;
    size_t n = 0, cap = 0, s, z, d;

    *rows = NULL;
    if (w->sc == NULL)
        return 0;
    dep = scenario_deployment(w->sc);
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

void
app_whatif_row_text(const struct app_whatif_fact_row *r, char **label, char **value,
    char **note)
{
    struct fact_value fv;

    if (r->def == NULL) {
        *label = xasprintf("%s %s", scenario_kind_name(scenario_entity_kind(r->e)),
            scenario_entity_id(r->e));
        *value = NULL;
        *note = xstrdup("");
        return;
    }
    scenario_get_fact(r->e, r->def, &fv);
    *label = xstrdup(r->def->path);
    *value = scenario_value_format(&fv);
    if (fv.state == FACT_ABSENT)
        *note = xstrdup(" (not given)");
    else if (fv.from != NULL && fv.from != r->e)
        *note = xasprintf("  ← %s:%s", scenario_kind_name(scenario_entity_kind(fv.from)),
            scenario_entity_id(fv.from));
    else if (fv.loc.line == 0)
        *note = xstrdup("  ✎ changed here"); /* set in this session, not read from the file */
    else
        *note = xstrdup("");
}

char *
app_whatif_row_ref(const struct app_whatif_fact_row *r)
{
    if (r->def != NULL)
        return scenario_ref_format(r->e, r->def);
    return xasprintf("%s:%s", scenario_kind_name(scenario_entity_kind(r->e)),
        scenario_entity_id(r->e));
}

bool
app_whatif_row_help(const struct app_whatif_fact_row *r, char **about, char **values)
{
    const struct fact_def *d = r->def;
    struct strbuf sb;
    size_t k;

    if (d == NULL)
        return false;
    *about = xasprintf("%s (%s%s%s) — Art. %s", d->summary, scenario_fact_type_name(d->type),
        d->unit != NULL ? ", " : "", d->unit != NULL ? d->unit : "",
        d->articles != NULL && *d->articles != '\0' ? d->articles : "–");
    strbuf_init(&sb);
    if (d->values != NULL) {
        strbuf_puts(&sb, "values:");
        for (k = 0; d->values[k] != NULL; k++)
            strbuf_printf(&sb, " %s", d->values[k]);
        strbuf_puts(&sb, " unknown");
    } else
        strbuf_puts(&sb, d->type == FACT_BOOL ? "values: true false unknown" :
            "e to edit; the text is checked as in a scenario file");
    *values = strbuf_detach(&sb);
    return true;
}

char *
app_whatif_row_cycle(const struct app_whatif_fact_row *r)
{
    const struct fact_def *d = r->def;
    struct fact_value v;
    int n;

    if (d == NULL)
        return NULL;
    scenario_get_fact(r->e, d, &v);
    if (d->type == FACT_BOOL) {
        if (v.state != FACT_KNOWN)
            return xstrdup("false");
        return xstrdup(v.v.b ? "unknown" : "true");
    }
    if (d->type == FACT_ENUM) {
        for (n = 0; d->values[n] != NULL; n++)
            ;
        if (v.state != FACT_KNOWN)
            return xstrdup(d->values[0]);
        if (v.v.e + 1 >= n)
            return xstrdup("unknown");
        return xstrdup(d->values[v.v.e + 1]);
    }
    return NULL;
}
