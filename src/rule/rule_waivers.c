/* SPDX-License-Identifier: MIT */
/*
 * rule_waivers.c - the waivers file: organisational risk acceptances, each
 * for one rule and optionally a scope of entity ids, with a justification,
 * an author, an approver who is someone else, a start date and an expiry
 * date. Read with core's YAML helper (ydoc.h: a tree with positions) and
 * checked field by field (unknown keys with a hint, missing fields, wrong
 * types and lengths are errors naming file:line:col), then validated against
 * the rule pack: an unknown rule id (with a hint), a waiver on a
 * non-waivable rule, approver equal to author, bad or inverted dates are
 * errors naming file:line, the line where the entry starts.
 *
 *     waivers:
 *       - rule: FRT-A14-5
 *         scope: [lobby-cam-1]          # optional; absent: every instance
 *         justification: IDS procurement approved, installation in Q1
 *         author: li.wei
 *         approver: zhang.min
 *         start: 2025-09-01
 *         expiry: 2026-03-31
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule/rule_int.h"

#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/ydoc.h"
#include "faceaudit/xmalloc.h"

#define WAIVERS_MAX_FILE (1024 * 1024)

static const char *const file_keys[] = { "waivers", NULL };
static const char *const waiver_keys[] = { "rule", "scope", "justification", "author",
    "approver", "start", "expiry", NULL };

/* A required string field of a waiver entry. */
static int
field(const struct ydoc *e, const char *file, const char *key, size_t maxlen,
    const char **out, char **cause)
{
    const struct ydoc *v = ydoc_get(e, key);

    if (v == NULL)
        return ydoc_error(cause, file, e, "a waiver without '%s'", key);
    return ydoc_string(v, file, key, 1, maxlen, out, cause);
}

/* One entry of the list into wv (its rule, scope and text fields). */
static int
read_entry(const struct ydoc *e, const char *file, struct waiver *wv, const char **start,
    const char **expiry, char **cause)
{
    const struct ydoc *scope;
    const char *rule, *just, *author, *approver;
    size_t j;

    if (ydoc_check_map(e, file, "a waiver", waiver_keys, cause) != 0 ||
        field(e, file, "rule", 64, &rule, cause) != 0 ||
        field(e, file, "justification", 4096, &just, cause) != 0 ||
        field(e, file, "author", 256, &author, cause) != 0 ||
        field(e, file, "approver", 256, &approver, cause) != 0 ||
        field(e, file, "start", 32, start, cause) != 0 ||
        field(e, file, "expiry", 32, expiry, cause) != 0)
        return -1;
    if ((scope = ydoc_get(e, "scope")) != NULL && !ydoc_is_null(scope)) {
        if (scope->kind != YDOC_SEQ)
            return ydoc_error(cause, file, scope, "scope: expected a list of entity ids");
        for (j = 0; j < scope->n; j++) {
            const char *id;

            if (ydoc_string(scope->items[j], file, "scope", 1, 256, &id, cause) != 0)
                return -1;
        }
    }
    wv->rule = xstrdup(rule);
    wv->justification = xstrdup(just);
    wv->author = xstrdup(author);
    wv->approver = xstrdup(approver);
    if (scope != NULL && scope->kind == YDOC_SEQ) {
        wv->nscope = (unsigned)scope->n;
        wv->scope = xcalloc(scope->n + 1, sizeof *wv->scope);
        for (j = 0; j < scope->n; j++)
            wv->scope[j] = xstrdup(scope->items[j]->str);
    } else {
        wv->scope = xcalloc(1, sizeof *wv->scope);
    }
    return 0;
}

/* Free a waivers set (NULL is a no-op). */
void
waivers_free(struct waivers *w)
{
    size_t i, j;

    if (w == NULL)
        return;
    for (i = 0; i < w->n; i++) {
        struct waiver *wv = &w->items[i];

        free(wv->rule);
        for (j = 0; j < wv->nscope; j++)
            free(wv->scope[j]);
        free(wv->scope);
        free(wv->justification);
        free(wv->author);
        free(wv->approver);
        free(wv->where);
    }
    free(w->items);
    free(w->file);
    free(w);
}

static int
parse_waiver_date(const char *where, const char *what, const char *s, fa_date *out,
    char **cause)
{
    char *c2 = NULL;

    if (date_parse(s, out, &c2) != 0) {
        cause_set(cause, "%s: bad %s date: %s", where, what, c2);
        free(c2);
        return -1;
    }
    return 0;
}

/* Load and validate a waivers file (see the file comment). */
struct waivers *
waivers_load(const char *path, const struct rule_pack *pack, char **cause)
{
    const struct ydoc_limits lim = { 8, 200000, 4096 };
    struct ydoc *doc;
    const struct ydoc *list;
    struct waivers *w;
    size_t len, i;
    char *text;

    if ((text = fs_read_file(path, WAIVERS_MAX_FILE, &len, cause)) == NULL)
        return NULL;
    doc = ydoc_parse(text, len, path, &lim, cause);
    free(text);
    if (doc == NULL)
        return NULL;
    if (ydoc_check_map(doc, path, "a waivers file", file_keys, cause) != 0)
        goto fail_doc;
    if ((list = ydoc_get(doc, "waivers")) == NULL) {
        ydoc_error(cause, path, doc, "a waivers file without 'waivers'");
        goto fail_doc;
    }
    if (ydoc_is_null(list))
        list = NULL;
    else if (list->kind != YDOC_SEQ) {
        ydoc_error(cause, path, list, "waivers: expected a list of waivers");
        goto fail_doc;
    } else if (list->n > 10000) {
        ydoc_error(cause, path, list, "waivers: more than 10000 entries");
        goto fail_doc;
    }
    w = xcalloc(1, sizeof *w);
    w->file = xstrdup(path);
    w->items = xcalloc((list != NULL ? list->n : 0) + 1, sizeof *w->items);
    for (i = 0; list != NULL && i < list->n; i++) {
        const struct ydoc *e = list->items[i];
        struct waiver *wv = &w->items[i];
        const struct rule *rule;
        const char *start, *expiry;

        w->n++;
        wv->where = xasprintf("%s:%u", path, e->line);
        if (read_entry(e, path, wv, &start, &expiry, cause) != 0)
            goto fail;
        if ((rule = rule_pack_find(pack, wv->rule)) == NULL) {
            const char *ids[512];
            size_t n = 0, k;
            const char *hint;

            for (k = 0; k < rule_pack_nrules(pack) && n < FA_NITEMS(ids) - 1; k++)
                ids[n++] = rule_id(rule_pack_rule(pack, k));
            ids[n] = NULL;
            hint = str_suggest(wv->rule, ids);
            if (hint != NULL)
                cause_set(cause, "%s: unknown rule '%s' (did you mean '%s'?)", wv->where,
                    wv->rule, hint);
            else
                cause_set(cause, "%s: unknown rule '%s'", wv->where, wv->rule);
            goto fail;
        }
        if (!rule_waivable(rule)) {
            cause_set(cause, "%s: rule %s is not waivable (%s): a waiver cannot set it aside",
                wv->where, wv->rule, rule_title(rule));
            goto fail;
        }
        if (strcmp(wv->author, wv->approver) == 0) {
            cause_set(cause, "%s: the approver of a waiver must differ from its author (%s)",
                wv->where, wv->author);
            goto fail;
        }
        if (parse_waiver_date(wv->where, "start", start, &wv->start, cause) != 0 ||
            parse_waiver_date(wv->where, "expiry", expiry, &wv->expiry, cause) != 0)
            goto fail;
        if (wv->expiry < wv->start) {
            cause_set(cause, "%s: expiry %s is before start %s", wv->where, expiry, start);
            goto fail;
        }
    }
    ydoc_free(doc);
    return w;
fail:
    waivers_free(w);
fail_doc:
    ydoc_free(doc);
    return NULL;
}
