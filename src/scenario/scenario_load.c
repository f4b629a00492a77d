/* SPDX-License-Identifier: MIT */
/*
 * scenario_load.c - load *.fa.yaml scenarios.
 *
 * Loading reads the YAML once, in two steps:
 *  1. the walk over the document's events (scenario_prescan.c) checks its
 *     shape against the schema tree (scenario_schema.c) and records every
 *     value with its mark;
 *  2. conversion walks those values, parses each by its fact type and
 *     builds the entities, naming FILE:LINE:COL from the recorded marks.
 * (Before, libcyaml loaded the text a second time for the values: the one
 * pass halves the load of a large scenario.)
 * Errors of all steps are collected, sorted by position and returned
 * together (at most SCENARIO_MAX_ERRORS).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/scenario.h"
#include "faceaudit/sha256.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "scenario_int.h"
#include "scenario_yaml_int.h"

/* --- errors ------------------------------------------------------------------------- */

void
scenario_error(struct strbuf *errors, size_t *nerrors, const char *fmt, ...)
{
    va_list ap;

    if (*nerrors < SCENARIO_MAX_ERRORS) {
        if (errors->len > 0)
            strbuf_putc(errors, '\n');
        va_start(ap, fmt);
        strbuf_vprintf(errors, fmt, ap);
        va_end(ap);
    } else if (*nerrors == SCENARIO_MAX_ERRORS) {
        strbuf_puts(errors, "\n(more errors not shown)");
    }
    (*nerrors)++;
}

/* --- step 2: conversion ----------------------------------------------------------------- */

struct conv {
    struct scenario *sc;
    const char *file;
    struct strbuf *errors;
    size_t *nerrors;
};

static struct scenario_loc
cv_loc(struct conv *cv, const struct mark *m)
{
    struct scenario_loc loc = { cv->file, 0, 0 };

    if (m != NULL) {
        loc.line = m->line;
        loc.col = m->col;
    }
    return loc;
}

static void
cv_scalar(struct conv *cv, const struct node *c, const char *text, struct scenario_entity *e,
    const struct mark *m)
{
    struct fact_slot *s = scenario_slot_w(e, c->def);
    char *cause = NULL;
    bool unknown_ok = !(c->def->type == FACT_STRING && m->quoted);

    s->loc = scenario_loc_rel(e, cv_loc(cv, m));
    if (c->def->flags & FACT_F_META && strcmp(c->def->path, "faceaudit") == 0 &&
        strcmp(text, "1") != 0 && strcmp(text, "2") != 0) {
        scenario_error(cv->errors, cv->nerrors, "%s:%u:%u: unsupported scenario format version "
            "'%s' (this faceaudit reads versions 1 and 2)", cv->file, m->line, m->col, text);
        return;
    }
    if (scenario_parse_value(c->def, text, unknown_ok, s, &cause) < 0) {
        if (e->kind != SCENARIO_DEPLOYMENT && e->id.state == FACT_KNOWN)
            scenario_error(cv->errors, cv->nerrors, "%s:%u:%u: %s '%s': %s: %s", cv->file,
                m->line, m->col, scenario_kind_name(e->kind), e->id.v.s, c->def->path,
                cause);
        else
            scenario_error(cv->errors, cv->nerrors, "%s:%u:%u: %s: %s", cv->file, m->line,
                m->col, c->def->path, cause);
        free(cause);
        s->state = FACT_ABSENT;
    }
}

static void
cv_set(struct conv *cv, const struct node *c, struct scenario_entity *e, const struct mslot *ms)
{
    struct fact_slot *s = scenario_slot_w(e, c->def);
    char **items = ms->set_text;
    size_t i;
    uint64_t set = 0;
    bool ok = true;

    s->loc = scenario_loc_rel(e, cv_loc(cv, &ms->mark));
    if (ms->mark.unknown) {
        s->state = FACT_UNKNOWN;
        return;
    }
    for (i = 0; i < ms->nitems; i++) {
        const struct mark *im = &ms->set[i];
        struct fact_slot one;
        char *cause = NULL;

        if (items[i] == NULL) {
            ok = false; /* rejected by the walk, which said why */
            continue;
        }
        memset(&one, 0, sizeof one);
        if (scenario_parse_value(c->def, items[i], false, &one, &cause) < 0 ||
            (set & one.v.set) != 0) {
            if (cause == NULL)
                cause = xasprintf("'%s' is listed twice", items[i]);
            scenario_error(cv->errors, cv->nerrors, "%s:%u:%u: %s: %s", cv->file, im->line,
                im->col, c->def->path, cause);
            free(cause);
            ok = false;
            continue;
        }
        set |= one.v.set;
    }
    if (ok) {
        s->state = FACT_KNOWN;
        s->v.set = set;
    }
}

/* "device 'd': " for messages about e's facts ("" for the deployment); caller frees. */
static char *
cv_who(const struct scenario_entity *e)
{
    if (e->kind != SCENARIO_DEPLOYMENT && e->id.state == FACT_KNOWN)
        return xasprintf("%s '%s': ", scenario_kind_name(e->kind), e->id.v.s);
    return xstrdup("");
}

/* Parse a history date; FA_DATE_NONE (and an error) when it is bad. */
static fa_date
cv_hdate(struct conv *cv, const char *who, const struct fact_def *def, const char *text,
    const struct mark *m, const char *key)
{
    fa_date d;
    char *cause = NULL;

    if (date_parse(text, &d, &cause) == 0)
        return d;
    scenario_error(cv->errors, cv->nerrors, "%s:%u:%u: %s%s: history %s: %s", cv->file, m->line,
        m->col, who, def->path, key, cause);
    free(cause);
    return FA_DATE_NONE;
}

/*
 * A dated history: parse each entry's dates and value, check the order
 * (sorted, no overlap, until not before from) and attach it to e.
 */
static void
cv_history(struct conv *cv, const struct node *c, struct scenario_entity *e,
    const struct mslot *ms)
{
    const struct fact_def *def = c->def;
    struct fact_hist_entry *en = xcalloc(ms->nhist, sizeof *en);
    char *who = cv_who(e), d1[11], d2[11], d3[11];
    size_t i, j, bad = *cv->nerrors;

    for (i = 0; i < ms->nhist; i++) {
        const struct hmark *h = &ms->hist[i];
        struct fact_slot *v = &en[i].val;
        char *cause = NULL;

        en[i].loc = scenario_loc_rel(e, cv_loc(cv, &h->from));
        en[i].from = en[i].until = FA_DATE_NONE;
        if (h->from_text == NULL || (h->value_text == NULL && h->nitems == 0 &&
            !(def->type == FACT_SET && h->value.ok)))
            continue; /* reported by the pre-scan */
        en[i].from = cv_hdate(cv, who, def, h->from_text, &h->from, "from");
        if (h->until_text != NULL)
            en[i].until = cv_hdate(cv, who, def, h->until_text, &h->until, "until");
        v->loc = scenario_loc_rel(e, cv_loc(cv, &h->value));
        if (def->type == FACT_SET && h->value_text == NULL) {
            v->state = FACT_KNOWN;
            for (j = 0; j < h->nitems; j++) {
                struct fact_slot one;

                memset(&one, 0, sizeof one);
                if (scenario_parse_value(def, h->items[j], false, &one, &cause) < 0 ||
                    (v->v.set & one.v.set) != 0) {
                    if (cause == NULL)
                        cause = xasprintf("'%s' is listed twice", h->items[j]);
                    scenario_error(cv->errors, cv->nerrors, "%s:%u:%u: %s%s: %s", cv->file,
                        h->item_marks[j].line, h->item_marks[j].col, who, def->path, cause);
                    free(cause);
                    cause = NULL;
                    continue;
                }
                v->v.set |= one.v.set;
            }
        } else if (scenario_parse_value(def, h->value_text, !(def->type == FACT_STRING &&
            h->value.quoted), v, &cause) < 0) {
            scenario_error(cv->errors, cv->nerrors, "%s:%u:%u: %s%s: %s", cv->file,
                h->value.line, h->value.col, who, def->path, cause);
            free(cause);
            v->state = FACT_ABSENT;
        }
        if (en[i].from == FA_DATE_NONE)
            continue;
        if (en[i].until != FA_DATE_NONE && en[i].until < en[i].from) {
            date_format(en[i].until, d1);
            date_format(en[i].from, d2);
            scenario_error(cv->errors, cv->nerrors, "%s:%u:%u: %s%s: history entry until %s is "
                "before its from %s", cv->file, h->until.line, h->until.col, who, def->path, d1,
                d2);
        }
        if (i == 0 || en[i - 1].from == FA_DATE_NONE)
            continue;
        date_format(en[i].from, d1);
        date_format(en[i - 1].from, d2);
        if (en[i].from < en[i - 1].from)
            scenario_error(cv->errors, cv->nerrors, "%s:%u:%u: %s%s: history not in date order: "
                "%s is listed after %s (list the oldest first)", cv->file, h->from.line,
                h->from.col, who, def->path, d1, d2);
        else if (en[i].from == en[i - 1].from)
            scenario_error(cv->errors, cv->nerrors, "%s:%u:%u: %s%s: two history entries from "
                "%s (entries must not overlap)", cv->file, h->from.line, h->from.col, who,
                def->path, d1);
        else if (en[i - 1].until != FA_DATE_NONE && en[i].from <= en[i - 1].until) {
            date_format(en[i - 1].until, d3);
            scenario_error(cv->errors, cv->nerrors, "%s:%u:%u: %s%s: history entry from %s "
                "overlaps the previous entry (%s until %s)", cv->file, h->from.line,
                h->from.col, who, def->path, d1, d2, d3);
        }
    }
    free(who);
    if (*cv->nerrors != bad || ms->nhist == 0) {
        for (i = 0; i < ms->nhist; i++) {
            if (en[i].val.state == FACT_KNOWN && def->type == FACT_STRING)
                free(en[i].val.v.s);
        }
        free(en);
        return;
    }
    scenario_hist_attach(e, def, en, ms->nhist);
}

/* Mark every fact below map as explicitly unknown (for `section: unknown`). */
static void
cv_all_unknown(const struct node *map, struct scenario_entity *e, struct scenario_loc loc)
{
    size_t i;

    for (i = 0; i < map->n; i++) {
        const struct node *c = map->children[i];
        struct fact_slot *s;

        if (c->type == N_MAP) {
            cv_all_unknown(c, e, loc);
        } else if (c->type == N_SCALAR || c->type == N_SET) {
            s = scenario_slot_w(e, c->def);
            s->state = FACT_UNKNOWN;
            s->loc = scenario_loc_rel(e, loc);
        }
    }
}

static void cv_map(struct conv *cv, const struct node *map, struct scenario_entity *e,
    const struct mnode *mn);

static void
cv_list(struct conv *cv, const struct node *c, struct scenario_entity *parent,
    const struct mslot *ms)
{
    size_t i;

    for (i = 0; i < ms->nitems; i++) {
        struct scenario_entity *e;
        char *cause = NULL;

        e = scenario_entity_new(cv->sc, (enum scenario_kind)c->kind, parent,
            cv_loc(cv, &ms->items[i].mark));
        cv_map(cv, c->entry, e, &ms->items[i]);
        if (scenario_register_id(e, &cause) < 0) {
            struct scenario_loc at = scenario_loc_abs(e, e->id.loc);

            scenario_error(cv->errors, cv->nerrors, "%s:%u:%u: %s", cv->file, at.line, at.col,
                cause);
            free(cause);
        }
        /* devices that repeat a configuration share one row of facts */
        if (e->kind == SCENARIO_DEVICE)
            scenario_entity_seal(e);
    }
}

static void
cv_map(struct conv *cv, const struct node *map, struct scenario_entity *e,
    const struct mnode *mn)
{
    size_t i;

    for (i = 0; i < mn->n; i++) {
        const struct mslot *ms = &mn->slots[i];
        const struct node *c = map->children[ms->child];

        if (!ms->mark.ok)
            continue; /* key absent, or its value was rejected by the walk */
        if ((c->type == N_SCALAR || c->type == N_SET) && ms->hist != NULL) {
            cv_history(cv, c, e, ms);
            continue;
        }
        switch (c->type) {
        case N_SCALAR:
            if (ms->text != NULL)
                cv_scalar(cv, c, ms->text, e, &ms->mark);
            break;
        case N_SET:
            cv_set(cv, c, e, ms);
            break;
        case N_MAP:
            if (ms->mark.unknown)
                cv_all_unknown(c, e, cv_loc(cv, &ms->mark));
            else if (ms->map != NULL)
                cv_map(cv, c, e, ms->map);
            break;
        case N_LIST:
            cv_list(cv, c, e, ms);
            break;
        }
    }
}

/* --- error order ------------------------------------------------------------------ */

struct errline {
    char *text;
    size_t file;   /* order of first appearance of the file name */
    unsigned line, col;
    size_t seq;
};

static int
errline_cmp(const void *a, const void *b)
{
    const struct errline *x = a, *y = b;

    if (x->file != y->file)
        return x->file < y->file ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sort "FILE:LINE[:COL]: ..." lines by file (first seen first), line, column. */
static void
sort_errors(struct strbuf *errors)
{
    struct errline *ls = NULL;
    char **files = NULL;
    size_t n = 0, nfiles = 0, i;
    char *copy, *line, *save = NULL, *tail = NULL;

    if (errors->len == 0)
        return;
    copy = xstrdup(strbuf_str(errors));
    for (line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        struct errline *e;
        char *p, *fname;

        if (line[0] == '(') { /* "(more errors not shown)" stays last */
            tail = line;
            continue;
        }
        ls = xreallocarray(ls, n + 1, sizeof *ls);
        e = &ls[n];
        e->text = line;
        e->seq = n;
        e->line = e->col = UINT32_MAX;
        fname = NULL;
        for (p = strchr(line, ':'); p != NULL; p = strchr(p + 1, ':')) {
            unsigned l, c;
            int used = 0;

            if (sscanf(p, ":%u:%u:%n", &l, &c, &used) == 2 && used > 0) {
                e->line = l;
                e->col = c;
            } else if (sscanf(p, ":%u:%n", &l, &used) == 1 && used > 0) {
                e->line = l;
                e->col = 0;
            } else {
                continue;
            }
            fname = xstrndup(line, (size_t)(p - line));
            break;
        }
        if (fname == NULL)
            fname = xstrdup("");
        for (i = 0; i < nfiles && strcmp(files[i], fname) != 0; i++)
            ;
        if (i == nfiles) {
            files = xreallocarray(files, nfiles + 1, sizeof *files);
            files[nfiles++] = fname;
        } else {
            free(fname);
        }
        e->file = i;
        n++;
    }
    qsort(ls, n, sizeof *ls, errline_cmp);
    strbuf_reset(errors);
    for (i = 0; i < n; i++) {
        if (i > 0)
            strbuf_putc(errors, '\n');
        strbuf_puts(errors, ls[i].text);
    }
    if (tail != NULL) {
        strbuf_putc(errors, '\n');
        strbuf_puts(errors, tail);
    }
    for (i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    free(ls);
    free(copy);
}

/* --- loading -------------------------------------------------------------------------- */

static int
load_inventory(struct scenario *sc, struct sha256 *hctx, struct strbuf *errors, size_t *nerrors)
{
    struct scenario_entity *dep = scenario_deployment(sc);
    const struct fact_def *def = scenario_fact_lookup(SCENARIO_DEPLOYMENT, "inventory");
    const struct fact_slot *s = scenario_slot(dep, def);
    char *full, *shown;
    int rc;

    if (s->state != FACT_KNOWN)
        return 0;
    full = s->v.s[0] == '/' ? xstrdup(s->v.s) : path_join(sc->dir, s->v.s);
    shown = strcmp(sc->dir, ".") == 0 ? xstrdup(s->v.s) : xstrdup(full);
    rc = scenario_csv_import(sc, full, shown, hctx, errors, nerrors);
    free(full);
    free(shown);
    return rc;
}

struct scenario *
scenario_load(const char *path, unsigned flags, char **cause)
{
    struct scenario *sc;
    char *text, *rcause = NULL;
    size_t len;

    if ((text = fs_read_file(path, SCENARIO_MAX_FILE_BYTES, &len, &rcause)) == NULL) {
        cause_set(cause, "%s", rcause);
        free(rcause);
        return NULL;
    }
    sc = scenario_load_data(path, text, len, flags, cause);
    free(text);
    return sc;
}

struct scenario *
scenario_load_data(const char *path, const char *data, size_t len, unsigned flags, char **cause)
{
    struct scenario *sc;
    struct prescan ps;
    struct conv cv;
    struct strbuf errors;
    struct mnode marks;
    struct sha256 hctx;
    unsigned char digest[SHA256_DIGEST_LEN];
    char *text;
    size_t nerrors = 0, i;
    const struct fact_def *ver = scenario_fact_lookup(SCENARIO_DEPLOYMENT, "faceaudit");

    scenario_schema_init();
    if (len > SCENARIO_MAX_FILE_BYTES) {
        cause_set(cause, "%s: larger than %u bytes (limit)", path, SCENARIO_MAX_FILE_BYTES);
        return NULL;
    }
    text = xmalloc(len + 1);
    memcpy(text, data, len);
    text[len] = '\0';
    sc = scenario_new(path);
    strbuf_init(&errors);
    sha256_init(&hctx);
    sha256_update(&hctx, text, len);

    /* 1. the walk over the YAML */
    memset(&ps, 0, sizeof ps);
    ps.file = scenario_intern_file(sc, path);
    ps.errors = &errors;
    ps.nerrors = &nerrors;
    memset(&marks, 0, sizeof marks);
    if (memchr(text, '\0', len) != NULL)
        scenario_error(&errors, &nerrors, "%s: not a text file (contains NUL bytes)", path);
    else
        scenario_prescan_run(&ps, text, len, &marks);
    /*
     * After a syntax error nothing more can be read, and after a value of the
     * wrong kind the conversion would only report consequences. Other errors
     * (unknown keys, empty values, bad history entries) still let the rest be
     * converted, so that value errors are reported in the same run.
     */
    if (ps.fatal || ps.shape_bad || nerrors >= SCENARIO_MAX_ERRORS || !marks.mark.ok)
        goto fail;

    /* 2. conversion */
    memset(&cv, 0, sizeof cv);
    cv.sc = sc;
    cv.file = ps.file;
    cv.errors = &errors;
    cv.nerrors = &nerrors;
    {
        struct scenario_loc top = { ps.file, 1, 1 };
        struct scenario_entity *dep = scenario_entity_new(sc, SCENARIO_DEPLOYMENT, NULL, top);
        char *icause = NULL;

        cv_map(&cv, scenario_kind_roots[SCENARIO_DEPLOYMENT], dep, &marks);
        if (scenario_slot(dep, ver)->state != FACT_KNOWN && nerrors == 0)
            scenario_error(&errors, &nerrors, "%s:1:1: missing `faceaudit: 1` (the scenario "
                "format version) at the top of the file", path);
        if (scenario_register_id(dep, &icause) < 0) {
            scenario_error(&errors, &nerrors, "%s:1:1: %s", path, icause);
            free(icause);
        }
    }
    /* the values are converted: the text of a million devices need not wait for the checks */
    scenario_mnode_done(scenario_kind_roots[SCENARIO_DEPLOYMENT], &marks);
    memset(&marks, 0, sizeof marks);
    if (nerrors == 0)
        load_inventory(sc, &hctx, &errors, &nerrors);
    if (nerrors == 0)
        scenario_check_history_starts(sc, &errors, &nerrors);
    if (nerrors > 0)
        goto fail;

    scenario_finish(sc);
    sha256_final(&hctx, digest);
    sha256_to_hex(digest, sc->hash);
    scenario_check_evidence(sc, (flags & SCENARIO_LOAD_NO_EVIDENCE) == 0);
    /* contradictions are refused by every caller, not only `scenario check` */
    if (!(flags & SCENARIO_LOAD_NO_CROSSCHECK)) {
        struct scenario_problem *probs = NULL;
        size_t nprobs = 0;

        if (scenario_validate(sc, &probs, &nprobs) > 0) {
            for (i = 0; i < nprobs; i++) {
                if (probs[i].level == SCENARIO_ERROR)
                    scenario_error(&errors, &nerrors, "%s", probs[i].message);
            }
        }
        scenario_problems_free(probs, nprobs);
        if (nerrors > 0)
            goto fail;
    }
    strbuf_done(&errors);
    free(text);
    return sc;

fail:
    sort_errors(&errors);
    cause_set(cause, "%s", strbuf_str(&errors));
    scenario_mnode_done(scenario_kind_roots[SCENARIO_DEPLOYMENT], &marks);
    strbuf_done(&errors);
    free(text);
    scenario_free(sc);
    return NULL;
}
