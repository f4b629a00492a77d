/* SPDX-License-Identifier: MIT */
/*
 * rule_waivers.c - the waivers file: organisational risk acceptances, each
 * for one rule and optionally a scope of entity ids, with a justification,
 * an author, an approver who is someone else, a start date and an expiry
 * date. Loaded with libcyaml against a schema (unknown keys and missing
 * fields are errors), then validated against the rule pack: an unknown
 * rule id (with a hint), a waiver on a non-waivable rule, approver equal
 * to author, bad or inverted dates are errors naming file:line. The line
 * of an entry is the line of its `rule:` key (libcyaml keeps no positions,
 * so the file is scanned for them). The only rule file that includes cyaml.
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

#include <cyaml/cyaml.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule/rule_int.h"

#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

#define WAIVERS_MAX_FILE (1024 * 1024)

struct raw_waiver {
    char *rule;
    char **scope;
    unsigned scope_count;
    char *justification;
    char *author;
    char *approver;
    char *start;
    char *expiry;
};

struct raw_file {
    struct raw_waiver *waivers;
    unsigned waivers_count;
};

static const cyaml_schema_value_t string_entry = {
    CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 1, 256),
};

static const cyaml_schema_field_t waiver_fields[] = {
    CYAML_FIELD_STRING_PTR("rule", CYAML_FLAG_POINTER, struct raw_waiver, rule, 1, 64),
    CYAML_FIELD_SEQUENCE("scope", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, struct raw_waiver,
        scope, &string_entry, 0, 100000),
    CYAML_FIELD_STRING_PTR("justification", CYAML_FLAG_POINTER, struct raw_waiver,
        justification, 1, 4096),
    CYAML_FIELD_STRING_PTR("author", CYAML_FLAG_POINTER, struct raw_waiver, author, 1, 256),
    CYAML_FIELD_STRING_PTR("approver", CYAML_FLAG_POINTER, struct raw_waiver, approver, 1, 256),
    CYAML_FIELD_STRING_PTR("start", CYAML_FLAG_POINTER, struct raw_waiver, start, 1, 32),
    CYAML_FIELD_STRING_PTR("expiry", CYAML_FLAG_POINTER, struct raw_waiver, expiry, 1, 32),
    CYAML_FIELD_END
};

static const cyaml_schema_value_t waiver_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct raw_waiver, waiver_fields),
};

static const cyaml_schema_field_t file_fields[] = {
    CYAML_FIELD_SEQUENCE("waivers", CYAML_FLAG_POINTER, struct raw_file, waivers, &waiver_entry,
        0, 10000),
    CYAML_FIELD_END
};

static const cyaml_schema_value_t file_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct raw_file, file_fields),
};

static void
log_to_buf(cyaml_log_t level, void *ctx, const char *fmt, va_list args)
{
    struct strbuf *sb = ctx;

    if (level < CYAML_LOG_ERROR)
        return;
    strbuf_vprintf(sb, fmt, args);
}

/* Line of the n-th (0-based) `rule:` key in the text, or 0. */
static int
entry_line(const char *text, unsigned n)
{
    const char *p = text;
    int line = 1;
    unsigned seen = 0;

    while (*p != '\0') {
        const char *s = p;

        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '-') {
            s++;
            while (*s == ' ')
                s++;
        }
        if (strncmp(s, "rule:", 5) == 0 && seen++ == n)
            return line;
        while (*p != '\0' && *p != '\n')
            p++;
        if (*p == '\n') {
            p++;
            line++;
        }
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
    struct raw_file *raw = NULL;
    struct waivers *w;
    struct strbuf log;
    cyaml_config_t cfg;
    cyaml_err_t err;
    size_t len, i, j;
    char *text;

    if ((text = fs_read_file(path, WAIVERS_MAX_FILE, &len, cause)) == NULL)
        return NULL;
    strbuf_init(&log);
    memset(&cfg, 0, sizeof cfg);
    cfg.log_fn = log_to_buf;
    cfg.log_ctx = &log;
    cfg.mem_fn = cyaml_mem;
    cfg.log_level = CYAML_LOG_ERROR;
    cfg.flags = CYAML_CFG_DEFAULT;
    err = cyaml_load_data((const uint8_t *)text, len, &cfg, &file_schema, (cyaml_data_t **)&raw,
        NULL);
    if (err != CYAML_OK) {
        /* libcyaml logs "Load: <what>" then a backtrace with 0-based positions */
        char *msg = strbuf_detach(&log), *nl = strchr(msg, '\n'), *what = msg, *pos;
        unsigned line = 0, col = 0;

        if ((pos = strstr(msg, "(line: ")) != NULL &&
            sscanf(pos, "(line: %u, column: %u)", &line, &col) == 2)
            line++;
        if (nl != NULL)
            *nl = '\0';
        if (str_has_prefix(what, "Load: "))
            what += 6;
        if (line > 0)
            cause_set(cause, "%s:%u: not a valid waivers file: %s", path, line,
                *what != '\0' ? what : cyaml_strerror(err));
        else
            cause_set(cause, "%s: not a valid waivers file: %s", path,
                *what != '\0' ? what : cyaml_strerror(err));
        free(msg);
        free(text);
        return NULL;
    }
    strbuf_done(&log);
    if (raw == NULL) {
        /* an empty document (or only `---` / `~`) loads as no data at all */
        cause_set(cause, "%s:1: empty waivers file: expected a 'waivers:' list", path);
        free(text);
        return NULL;
    }
    w = xcalloc(1, sizeof *w);
    w->file = xstrdup(path);
    w->items = xcalloc(raw->waivers_count + 1, sizeof *w->items);
    for (i = 0; i < raw->waivers_count; i++) {
        const struct raw_waiver *r = &raw->waivers[i];
        struct waiver *wv = &w->items[i];
        const struct rule *rule;

        w->n++;
        wv->where = xasprintf("%s:%d", path, entry_line(text, (unsigned)i));
        wv->rule = xstrdup(r->rule);
        wv->justification = xstrdup(r->justification);
        wv->author = xstrdup(r->author);
        wv->approver = xstrdup(r->approver);
        wv->nscope = r->scope_count;
        wv->scope = xcalloc(r->scope_count + 1, sizeof *wv->scope);
        for (j = 0; j < r->scope_count; j++)
            wv->scope[j] = xstrdup(r->scope[j]);
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
        if (parse_waiver_date(wv->where, "start", r->start, &wv->start, cause) != 0 ||
            parse_waiver_date(wv->where, "expiry", r->expiry, &wv->expiry, cause) != 0)
            goto fail;
        if (wv->expiry < wv->start) {
            cause_set(cause, "%s: expiry %s is before start %s", wv->where, r->expiry,
                r->start);
            goto fail;
        }
    }
    cyaml_free(&cfg, &file_schema, raw, 0);
    free(text);
    return w;
fail:
    cyaml_free(&cfg, &file_schema, raw, 0);
    free(text);
    waivers_free(w);
    return NULL;
}
