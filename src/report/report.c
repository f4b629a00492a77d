/* SPDX-License-Identifier: MIT */
/*
 * report.c - the writer registry and the driver that walks a result in
 * article order, plus what every writer shares: escaping for JSON, XML,
 * Markdown and CSV, the location of the fact that decided a finding, and
 * the waiver that bears on it. The text and json writers live here: they
 * hand the whole result to the rule engine's own formatters.
 */
#include "config.h"

#include "faceaudit/report.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"

#include "faceaudit/compat.h"
#include "faceaudit/csvw.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/jsonw.h"
#include "faceaudit/log.h"
#include "faceaudit/scenario.h"
#include "faceaudit/xmalloc.h"

const struct report_writer *const report_writers[] = {
    &report_text_writer, &report_json_writer, &report_csv_writer, &report_md_writer,
    &report_sarif_writer, &report_junit_writer, &report_html_writer, NULL
};

/* --- escaping ------------------------------------------------------------------- */

/* JSON and CSV escaping are core's (jsonw.h, csvw.h): one escaper each. */
void
report_json_str(struct strbuf *sb, const char *s)
{
    json_escape(sb, s);
}

void
report_xml_str(struct strbuf *sb, const char *s)
{
    if (s == NULL)
        return;
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        switch (c) {
        case '&': strbuf_puts(sb, "&amp;"); break;
        case '<': strbuf_puts(sb, "&lt;"); break;
        case '>': strbuf_puts(sb, "&gt;"); break;
        case '"': strbuf_puts(sb, "&quot;"); break;
        case '\'': strbuf_puts(sb, "&#39;"); break;
        default:
            /* XML 1.0 forbids most control characters, even as references */
            if (c < 0x20 && c != '\n' && c != '\t')
                strbuf_putc(sb, ' ');
            else
                strbuf_putc(sb, (char)c);
        }
    }
}

void
report_md_str(struct strbuf *sb, const char *s)
{
    if (s == NULL)
        return;
    for (; *s != '\0'; s++) {
        if (strchr("\\`*_{}[]<>#|!~", *s) != NULL)
            strbuf_putc(sb, '\\');
        if (*s == '\n')
            strbuf_puts(sb, "<br>");
        else
            strbuf_putc(sb, *s);
    }
}

void
report_csv_str(struct strbuf *sb, const char *s)
{
    csv_escape(sb, s);
}

/* --- locations, waivers, labels ---------------------------------------------------- */

bool
report_loc_parse(const char *where, struct report_loc *loc)
{
    const char *c2, *c1;
    size_t flen;

    memset(loc, 0, sizeof *loc);
    if (where == NULL || (c2 = strrchr(where, ':')) == NULL || c2 == where)
        return false;
    for (c1 = c2 - 1; c1 > where && *c1 != ':'; c1--)
        ;
    if (*c1 != ':')
        return false;
    flen = (size_t)(c1 - where);
    if (flen == 0 || flen >= sizeof loc->file)
        return false;
    memcpy(loc->file, where, flen);
    loc->file[flen] = '\0';
    loc->line = (unsigned)strtoul(c1 + 1, NULL, 10);
    loc->col = (unsigned)strtoul(c2 + 1, NULL, 10);
    return loc->line > 0;
}

void
report_fact_view(const struct audit_fact *f, struct report_fact *v)
{
    audit_fact_path(f, v->path, sizeof v->path);
    if (f->file != NULL && f->line > 0)
        snprintf(v->where, sizeof v->where, "%s:%u:%u", f->file, f->line, f->col);
    else
        v->where[0] = '\0';
}

/* Copy path without "[...]" selectors: "device[cam-3].location" -> "device.location". */
static void
plain_path(const char *path, char *out, size_t size)
{
    size_t k = 0;
    int depth = 0;

    for (; *path != '\0' && k + 1 < size; path++) {
        if (*path == '[')
            depth++;
        else if (*path == ']' && depth > 0)
            depth--;
        else if (depth == 0)
            out[k++] = *path;
    }
    out[k] = '\0';
}

const struct audit_fact *
report_decisive_fact(const struct audit_finding *fd)
{
    struct report_fact v;
    char plain[256];
    size_t i, j;

    if (fd->decided_by != NULL) {
        for (i = 0; i < fd->nfacts; i++) {
            report_fact_view(&fd->facts[i], &v);
            plain_path(v.path, plain, sizeof plain);
            if (plain[0] != '\0' && v.where[0] != '\0' && strstr(fd->decided_by, plain) != NULL)
                return &fd->facts[i];
        }
    }
    for (j = 0; j < fd->nunknown; j++)
        for (i = 0; i < fd->nfacts; i++) {
            report_fact_view(&fd->facts[i], &v);
            if (strcmp(v.path, fd->unknown[j]) == 0 && v.where[0] != '\0')
                return &fd->facts[i];
        }
    for (i = 0; i < fd->nfacts; i++)
        if (fd->facts[i].file != NULL && fd->facts[i].line > 0)
            return &fd->facts[i];
    return NULL;
}

const struct waiver *
report_waiver_for(const struct waivers *w, const struct audit_finding *fd, fa_date as_of,
    enum report_waiver_state *state)
{
    size_t i, k;

    *state = REPORT_WAIVER_NONE;
    if (w == NULL)
        return NULL;
    for (i = 0; i < w->n; i++) {
        const struct waiver *wv = &w->items[i];
        bool in_scope = wv->nscope == 0;

        if (strcmp(wv->rule, fd->rule_id) != 0)
            continue;
        for (k = 0; k < wv->nscope && !in_scope; k++)
            in_scope = fd->entity != NULL && strcmp(wv->scope[k], fd->entity) == 0;
        if (!in_scope)
            continue;
        if (fd->outcome == RULE_WAIVED)
            *state = REPORT_WAIVER_ACTIVE;
        else if (as_of > wv->expiry)
            *state = REPORT_WAIVER_EXPIRED;
        else if (as_of < wv->start)
            *state = REPORT_WAIVER_PENDING;
        else
            /* in force but the rule did not fail: nothing to waive */
            *state = REPORT_WAIVER_NONE;
        return wv;
    }
    return NULL;
}

enum report_waiver_state
report_finding_waiver(const struct report_out *o, const struct audit_finding *fd,
    const struct waiver **wv)
{
    enum report_waiver_state st;
    const struct report_group *g = report_group_of(o->in->groups, fd);
    const struct waiver *w;

    /* a group's waiver is its first instance's (groups share the waiver note) */
    if (g != NULL)
        fd = &o->in->groups->res->findings[g->first];
    w = report_waiver_for(o->in->waivers, fd, o->in->res->as_of, &st);

    if (wv != NULL)
        *wv = w;
    /* a failure may also carry the rule engine's own expiry note */
    if (st == REPORT_WAIVER_NONE && fd->outcome == RULE_FAIL && fd->waiver != NULL &&
        strstr(fd->waiver, "expired") != NULL)
        st = REPORT_WAIVER_EXPIRED;
    return st;
}

const char *
report_outcome_label(const struct report_out *o, const struct audit_finding *fd)
{
    if (fd->outcome == RULE_FAIL && report_finding_waiver(o, fd, NULL) == REPORT_WAIVER_EXPIRED)
        return "fail (waiver expired)";
    return rule_outcome_name(fd->outcome);
}

enum report_bl
report_finding_bl(const struct report_out *o, size_t i)
{
    const struct report_baseline *bl = o->in->baseline;

    return bl != NULL && i < bl->n ? bl->state[i] : REPORT_BL_NONE;
}

char *
report_facts_line(const struct audit_finding *fd)
{
    struct strbuf sb;
    size_t i;

    strbuf_init(&sb);
    for (i = 0; i < fd->nfacts; i++) {
        struct report_fact v;

        report_fact_view(&fd->facts[i], &v);
        strbuf_printf(&sb, "%s%s = %s", i > 0 ? "; " : "", v.path, fd->facts[i].value);
        if (v.where[0] != '\0')
            strbuf_printf(&sb, " (%s)", v.where);
    }
    return strbuf_detach(&sb);
}

size_t
report_finding_evidence(const struct audit_finding *fd, const struct scenario_entity **out,
    size_t max)
{
    size_t i, k, n = 0;

    for (i = 0; i < fd->nfacts && n < max; i++) {
        const struct audit_fact *f = &fd->facts[i];
        const struct scenario_entity *ev;
        struct fact_value fv;
        char path[256];
        const char *dot;

        if (f->entity == NULL || f->def == NULL || (dot = strrchr(f->def->path, '.')) == NULL ||
            (size_t)(dot - f->def->path) + sizeof ".evidence" > sizeof path)
            continue;
        snprintf(path, sizeof path, "%.*s.evidence", (int)(dot - f->def->path), f->def->path);
        if (scenario_get(f->entity, path, &fv, NULL) != 0 || fv.state != FACT_KNOWN ||
            (ev = scenario_evidence_ref(f->entity, fv.def)) == NULL)
            continue;
        for (k = 0; k < n && out[k] != ev; k++)
            ;
        if (k == n)
            out[n++] = ev;
    }
    return n;
}

/* --- registry and driver -------------------------------------------------------------- */

const struct report_writer *
report_writer_find(const char *name)
{
    size_t i;

    for (i = 0; report_writers[i] != NULL; i++)
        if (strcmp(report_writers[i]->name, name) == 0)
            return report_writers[i];
    return NULL;
}

const char *
report_writer_names(void)
{
    return "text, json, csv, markdown, sarif, junit, html";
}

/* The writer of a format, or NULL with *cause naming the formats. */
static const struct report_writer *
writer_for(const char *format, char **cause)
{
    const struct report_writer *w = report_writer_find(format);
    const char *names[16];
    const char *hint;
    size_t i;

    if (w != NULL)
        return w;
    for (i = 0; report_writers[i] != NULL && i + 1 < FA_NITEMS(names); i++)
        names[i] = report_writers[i]->name;
    names[i] = NULL;
    hint = str_suggest(format, names);
    cause_set(cause, "unknown format '%s'%s%s%s (formats: %s)", format,
        hint != NULL ? "; did you mean '" : "", hint != NULL ? hint : "",
        hint != NULL ? "'?" : "", report_writer_names());
    return NULL;
}

/*
 * Drive writer w over in into o (o->ao set up by the caller): begin, each
 * article and its findings, end, stepping the output after each piece.
 */
static void
drive(const struct report_writer *w, const struct report_input *in, struct report_out *o)
{
    const struct audit_result *res = in->res;
    struct report_input grouped;
    size_t a, i;

    if (in->groups != NULL) {
        /* grouped: the writers see the view; SARIF keeps one result per location */
        grouped = *in;
        if (w == &report_sarif_writer) {
            grouped.groups = NULL;
        } else {
            grouped.res = &in->groups->view;
            grouped.baseline = NULL;
            if (w == &report_html_writer)
                w = &report_deliver_html_writer;
            else if (w == &report_md_writer)
                w = &report_deliver_md_writer;
        }
        in = &grouped;
        res = in->res;
    }
    o->in = in;
    o->first = true;
    if (w->begin != NULL)
        w->begin(o);
    audit_out_step(&o->ao);
    for (a = 0; a < RULE_NARTICLES; a++) {
        const struct audit_article *art = &res->articles[a];

        o->cur_article = art->number;
        if (w->article != NULL)
            w->article(o, art);
        audit_out_step(&o->ao);
        if (w->finding == NULL)
            continue;
        for (i = 0; i < res->nfindings; i++) {
            if (res->findings[i].article == art->number) {
                w->finding(o, &res->findings[i], i);
                audit_out_step(&o->ao);
            }
        }
    }
    if (w->end != NULL)
        w->end(o);
}

char *
report_render(const char *format, const struct report_input *in, char **cause)
{
    const struct report_writer *w = writer_for(format, cause);
    struct report_out o;

    if (w == NULL)
        return NULL;
    memset(&o, 0, sizeof o);
    strbuf_init(&o.sb);
    o.ao.sb = &o.sb; /* no flush: the whole text */
    drive(w, in, &o);
    return strbuf_detach(&o.sb);
}

struct stream {
    FILE *f;
    struct fs_atomic *a;
};

static void
stream_flush(void *user, struct strbuf *sb)
{
    struct stream *st = user;

    if (st->a != NULL)
        fs_atomic_write(st->a, sb->buf, sb->len);
    else
        fwrite(sb->buf, 1, sb->len, st->f);
    strbuf_reset(sb);
}

static int
write_to(const char *format, const struct report_input *in, struct stream *st, char **cause)
{
    const struct report_writer *w = writer_for(format, cause);
    struct report_out o;

    if (w == NULL)
        return -1;
    memset(&o, 0, sizeof o);
    strbuf_init(&o.sb);
    o.ao.sb = &o.sb;
    o.ao.flush = stream_flush;
    o.ao.user = st;
    drive(w, in, &o);
    stream_flush(st, &o.sb);
    strbuf_done(&o.sb);
    return 0;
}

int
report_write(const char *format, const struct report_input *in, FILE *out, char **cause)
{
    struct stream st = { out, NULL };

    if (write_to(format, in, &st, cause) != 0)
        return -1;
    if (fflush(out) != 0 || ferror(out))
        return cause_set(cause, "writing the report: %s", strerror(errno));
    return 0;
}

int
report_write_file(const char *format, const struct report_input *in, const char *path,
    char **cause)
{
    struct fs_atomic a;
    struct stream st = { NULL, &a };

    if (report_writer_find(format) == NULL)
        return write_to(format, in, &st, cause); /* the error, before any file */
    if (fs_atomic_open(&a, path, 0644, cause) != 0)
        return -1;
    write_to(format, in, &st, cause);
    return fs_atomic_commit(&a, cause);
}

/* --- text and json: the rule engine's formatters ------------------------------------ */

static void
text_end(struct report_out *o)
{
    const struct report_baseline *bl = o->in->baseline;
    size_t i, cnt[5] = { 0 };

    audit_write_text(&o->ao, o->in->res, o->in->pack, o->in->meta, o->in->verbose);
    if (bl == NULL)
        return;
    for (i = 0; i < bl->n; i++)
        cnt[bl->state[i]]++;
    strbuf_printf(&o->sb, "\nBASELINE %s: %zu new, %zu updated, %zu unchanged, %zu absent\n",
        bl->base->label, cnt[REPORT_BL_NEW], cnt[REPORT_BL_UPDATED], cnt[REPORT_BL_UNCHANGED],
        bl->nabsent);
    for (i = 0; i < bl->n; i++) {
        const struct audit_finding *fd = &o->in->res->findings[i];

        if (bl->state[i] == REPORT_BL_NEW || bl->state[i] == REPORT_BL_UPDATED)
            strbuf_printf(&o->sb, "  %-9s %s%s%s  %s%s%s\n", report_bl_name(bl->state[i]),
                fd->rule_id, fd->entity != NULL ? " " : "", fd->entity != NULL ? fd->entity : "",
                bl->before[i] != NULL ? bl->before[i] : "", bl->before[i] != NULL ? " -> " : "",
                report_outcome_label(o, fd));
    }
    for (i = 0; i < bl->nabsent; i++)
        strbuf_printf(&o->sb, "  %-9s %s%s%s  was %s\n", "absent", bl->absent[i]->rule,
            bl->absent[i]->entity != NULL ? " " : "",
            bl->absent[i]->entity != NULL ? bl->absent[i]->entity : "", bl->absent[i]->outcome);
}

/* The "groups" member of a grouped result, one group at a time. */
static void
json_groups(struct jw *w, struct audit_out *ao, void *user)
{
    jw_key(w, "groups");
    report_groups_write_json(w, ao, user);
}

static void
json_end(struct report_out *o)
{
    /* grouped: every device of each finding in a "groups" member at the end */
    audit_write_json(&o->ao, o->in->res, o->in->pack, o->in->meta,
        o->in->groups != NULL ? json_groups : NULL, (void *)(uintptr_t)o->in->groups);
}

const struct report_writer report_text_writer = {
    "text", "for a terminal: article board and findings with explanations", "txt",
    NULL, NULL, NULL, text_end
};

const struct report_writer report_json_writer = {
    "json", "the versioned JSON result (faceaudit-json(5))", "json",
    NULL, NULL, NULL, json_end
};
