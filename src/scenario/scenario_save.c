/* SPDX-License-Identifier: MIT */
/*
 * scenario_save.c - write a scenario back as YAML: the facts are put into
 * libcyaml's cells along the schema tree and emitted in schema order, with
 * evidence paths rebased to the new file's folder; the file is replaced
 * atomically.
 */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/scenario.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "scenario_int.h"
#include "scenario_yaml_int.h"

/* --- saving ----------------------------------------------------------------------------- */

static void free_cells(const struct node *map, struct cell *cells);

static void
free_cell(const struct node *c, struct cell *cell)
{
    size_t j;

    switch (c->type) {
    case N_SCALAR:
        free(cell->ptr);
        break;
    case N_SET:
        for (j = 0; j < cell->count; j++)
            free(((char **)cell->ptr)[j]);
        free(cell->ptr);
        break;
    case N_MAP:
        if (cell->ptr != NULL)
            free_cells(c, cell->ptr);
        break;
    case N_LIST:
        for (j = 0; j < cell->count; j++)
            free_cells(c->entry, (struct cell *)cell->ptr + j * c->entry->n);
        free(cell->ptr);
        break;
    }
}

/* Free the contents of a cell array (and the array, unless it is a list entry). */
static void
free_cells_inner(const struct node *map, struct cell *cells)
{
    size_t i;

    for (i = 0; i < map->n; i++)
        free_cell(map->children[i], &cells[i]);
}

static void
free_cells(const struct node *map, struct cell *cells)
{
    free_cells_inner(map, cells);
    if (map->kind < 0)
        free(cells);
}

/*
 * Relative path from folder `from` to file `to`, both absolute and
 * normalised (realpath); caller frees.
 */
static char *
relative_path(const char *from, const char *to)
{
    size_t i = 0, common = 0;
    struct strbuf sb;
    const char *p;

    /* the longest common prefix that ends at a folder boundary */
    while (from[i] != '\0' && from[i] == to[i]) {
        i++;
        if (from[i] == '\0' && to[i] == '/')
            common = i;
        else if (from[i] == '/' && to[i] == '/')
            common = i;
    }
    if (strcmp(from, "/") == 0)
        common = 0;
    strbuf_init(&sb);
    for (p = from + common; *p != '\0'; p++) {
        if (*p == '/')
            strbuf_puts(&sb, "../");
    }
    strbuf_puts(&sb, to + common + 1);
    return strbuf_detach(&sb);
}

/*
 * An evidence path as it must be written into a file saved in new_dir:
 * unchanged when the folder is the same or the path is absolute, else made
 * relative to new_dir (absolute when the file cannot be resolved). Caller frees.
 */
static char *
rebase_evidence(const struct scenario *sc, const char *new_dir, const char *file)
{
    char *old_real, *new_real, *joined, *target, *out;

    if (file[0] == '/')
        return xstrdup(file);
    old_real = realpath(sc->dir, NULL);
    new_real = realpath(new_dir, NULL);
    if (old_real == NULL || new_real == NULL || strcmp(old_real, new_real) == 0) {
        free(old_real);
        free(new_real);
        return xstrdup(file);
    }
    joined = path_join(old_real, file);
    target = realpath(joined, NULL);
    out = target != NULL ? relative_path(new_real, target) : xstrdup(joined);
    free(joined);
    free(target);
    free(old_real);
    free(new_real);
    return out;
}

/* Where the file being saved lives, for rebasing evidence paths. */
struct save_ctx {
    const struct scenario *sc;
    const char *new_dir;
    const char *version;       /* "1" or "2" */
    struct vec hist_tokens;    /* owned: placeholder written for each history */
    struct vec hist_texts;     /* owned: its flow-style text, same index */
    uint32_t nonce;            /* in every placeholder: 0, then random after a collision */
};

/* A value as written in a history entry: plain where YAML allows, else quoted. */
static void
put_hist_value(struct strbuf *sb, const struct fact_def *def, const struct fact_slot *v)
{
    const char *p;
    char *t;
    size_t j;
    bool first = true;

    if (v->state != FACT_KNOWN) {
        strbuf_puts(sb, "unknown");
        return;
    }
    switch (def->type) {
    case FACT_SET:
        strbuf_putc(sb, '[');
        for (j = 0; def->values[j] != NULL; j++) {
            if (v->v.set & (UINT64_C(1) << j)) {
                strbuf_printf(sb, "%s%s", first ? "" : ", ", def->values[j]);
                first = false;
            }
        }
        strbuf_putc(sb, ']');
        return;
    case FACT_STRING:
        /* YAML double-quoted scalar: escape backslash, quote and control bytes */
        strbuf_putc(sb, '"');
        for (p = v->v.s; *p != '\0'; p++) {
            if (*p == '"' || *p == '\\')
                strbuf_printf(sb, "\\%c", *p);
            else if ((unsigned char)*p < 0x20)
                strbuf_printf(sb, "\\x%02x", (unsigned char)*p);
            else
                strbuf_putc(sb, *p);
        }
        strbuf_putc(sb, '"');
        return;
    default:
        t = scenario_slot_format(def, v);
        strbuf_puts(sb, t);
        free(t);
        return;
    }
}

/*
 * libcyaml's schema has one value per fact, so a history is written as a
 * placeholder and replaced by its flow-style list after libcyaml is done.
 */
static char *
hist_placeholder(struct save_ctx *sv, const struct fact_def *def, const struct fact_hist *h)
{
    struct strbuf sb;
    char d[11];
    size_t i;
    char *token = xasprintf("fa-history-placeholder-%08" PRIx32 "-%zu", sv->nonce,
        sv->hist_tokens.len);

    strbuf_init(&sb);
    strbuf_putc(&sb, '[');
    for (i = 0; i < h->n; i++) {
        date_format(h->e[i].from, d);
        strbuf_printf(&sb, "%s{from: %s, ", i > 0 ? ", " : "", d);
        if (h->e[i].until != FA_DATE_NONE) {
            date_format(h->e[i].until, d);
            strbuf_printf(&sb, "until: %s, ", d);
        }
        strbuf_puts(&sb, "value: ");
        put_hist_value(&sb, def, &h->e[i].val);
        strbuf_putc(&sb, '}');
    }
    strbuf_putc(&sb, ']');
    vec_push(&sv->hist_tokens, token);
    vec_push(&sv->hist_texts, strbuf_detach(&sb));
    return xstrdup(token);
}

/* Replace each placeholder in out (exactly once) by its history; -1 if one is not found once. */
static int
hist_substitute(const struct save_ctx *sv, struct strbuf *out)
{
    size_t i;

    for (i = 0; i < sv->hist_tokens.len; i++) {
        const char *tok = vec_get(&sv->hist_tokens, i), *text = vec_get(&sv->hist_texts, i);
        char *at = strstr(out->buf, tok), *start, *end;
        size_t off, n;
        struct strbuf nb;

        if (at == NULL || strstr(at + 1, tok) != NULL)
            return -1;
        start = at;
        end = at + strlen(tok);
        /* a set's placeholder is the one item of a flow list: replace the list */
        if (start > out->buf && start[-1] == '[' && *end == ']') {
            start--;
            end++;
        }
        off = (size_t)(start - out->buf);
        n = (size_t)(end - start);
        strbuf_init(&nb);
        strbuf_add(&nb, out->buf, off);
        strbuf_puts(&nb, text);
        strbuf_add(&nb, out->buf + off + n, out->len - off - n);
        strbuf_done(out);
        *out = nb;
    }
    return 0;
}

/* Fill cells for map from entity e; returns true if anything was written. */
static bool
fill_map(struct save_ctx *sv, const struct node *map, struct cell *cells,
    const struct scenario_entity *e)
{
    size_t i, j, k;
    bool any = false;

    for (i = 0; i < map->n; i++) {
        const struct node *c = map->children[i];
        const struct fact_slot *s;

        switch (c->type) {
        case N_SCALAR:
            if (c->def->flags & FACT_F_META) {
                if (strcmp(c->def->path, "faceaudit") == 0) {
                    cells[i].ptr = xstrdup(sv->version);
                    any = true;
                    break;
                }
                if (strcmp(c->def->path, "inventory") == 0)
                    break; /* inventory devices are written inline */
            }
            s = scenario_slot(e, c->def);
            if (s->hist != 0)
                cells[i].ptr = hist_placeholder(sv, c->def, scenario_slot_hist(sv->sc, s));
            else if (s->state == FACT_UNKNOWN)
                cells[i].ptr = xstrdup("unknown");
            else if (s->state == FACT_KNOWN && e->kind == SCENARIO_EVIDENCE &&
                strcmp(c->def->path, "file") == 0)
                cells[i].ptr = rebase_evidence(sv->sc, sv->new_dir, s->v.s);
            else if (s->state == FACT_KNOWN)
                cells[i].ptr = scenario_slot_format(c->def, s);
            any |= cells[i].ptr != NULL;
            break;
        case N_SET:
            s = scenario_slot(e, c->def);
            if (s->hist != 0) {
                cells[i].ptr = xcalloc(1, sizeof(char *));
                ((char **)cells[i].ptr)[0] = hist_placeholder(sv, c->def,
                    scenario_slot_hist(sv->sc, s));
                cells[i].count = 1;
                any = true;
                break;
            }
            if (s->state != FACT_KNOWN)
                break;
            cells[i].ptr = xcalloc(FACT_MAX_VALUES, sizeof(char *));
            for (j = 0, k = 0; c->def->values[j] != NULL; j++) {
                if (s->v.set & (UINT64_C(1) << j))
                    ((char **)cells[i].ptr)[k++] = xstrdup(c->def->values[j]);
            }
            cells[i].count = k;
            any = true;
            break;
        case N_MAP:
            cells[i].ptr = xcalloc(c->n, sizeof(struct cell));
            if (!fill_map(sv, c, cells[i].ptr, e)) {
                free_cells(c, cells[i].ptr);
                cells[i].ptr = NULL;
            } else {
                any = true;
            }
            break;
        case N_LIST: {
            size_t n = scenario_child_count(e, (enum scenario_kind)c->kind);
            struct cell *arr;

            if (n == 0)
                break;
            arr = xcalloc(n * c->entry->n, sizeof(struct cell));
            for (j = 0; j < n; j++)
                fill_map(sv, c->entry, arr + j * c->entry->n,
                    scenario_child_at(e, (enum scenario_kind)c->kind, j));
            cells[i].ptr = arr;
            cells[i].count = n;
            any = true;
            break;
        }
        }
    }
    return any;
}

int
scenario_save(const struct scenario *sc, const char *path, char **cause)
{
    return scenario_save_version(sc, path, sc->nhists > 0 ? 2 : 1, cause);
}

/*
 * One attempt at writing the file with the placeholders of nonce: *collided
 * (nothing written, no cause) when a value of the scenario holds one of them.
 */
static int
save_once(const struct scenario *sc, const char *path, int version, uint32_t nonce,
    bool *collided, char **cause)
{
    const struct node *top;
    struct cell *cells;
    struct strbuf cylog;
    cyaml_config_t cfg;
    cyaml_err_t err;
    char *out = NULL;
    size_t len = 0;
    int rc;

    struct save_ctx sv;
    const char *slash = strrchr(path, '/');
    char *new_dir = slash == NULL ? xstrdup(".") : slash == path ? xstrdup("/") :
        xstrndup(path, (size_t)(slash - path));

    scenario_schema_init();
    sv.sc = sc;
    sv.new_dir = new_dir;
    sv.version = version >= 2 ? "2" : "1";
    sv.nonce = nonce;
    vec_init(&sv.hist_tokens, free);
    vec_init(&sv.hist_texts, free);
    top = scenario_kind_roots[SCENARIO_DEPLOYMENT];
    cells = xcalloc(top->n, sizeof *cells);
    fill_map(&sv, top, cells, scenario_deployment(sc));
    free(new_dir);
    strbuf_init(&cylog);
    scenario_cy_config(&cfg, &cylog);
    err = cyaml_save_data(&out, &len, &cfg, &scenario_root_schema, cells, 0);
    free_cells_inner(top, cells);
    free(cells);
    if (err != CYAML_OK) {
        rc = cause_set(cause, "%s: cannot write YAML: %s %s", path, cyaml_strerror(err),
            strbuf_str(&cylog));
        strbuf_done(&cylog);
        vec_done(&sv.hist_tokens);
        vec_done(&sv.hist_texts);
        free(out);
        return rc;
    }
    strbuf_done(&cylog);
    {
        static const char head[] = "# faceaudit scenario (see faceaudit-scenario(5)); written "
            "by faceaudit:\n# comments of the original file are not kept.\n";
        struct strbuf file;

        strbuf_init(&file);
        strbuf_puts(&file, head);
        strbuf_add(&file, out, len);
        if (hist_substitute(&sv, &file) < 0) {
            *collided = true;
            rc = -1;
        } else
            rc = fs_write_atomic(path, file.buf, file.len, 0644, cause);
        strbuf_done(&file);
    }
    vec_done(&sv.hist_tokens);
    vec_done(&sv.hist_texts);
    free(out);
    return rc;
}

int
scenario_save_version(const struct scenario *sc, const char *path, int version, char **cause)
{
    int attempt, rc;

    /*
     * A value may hold a placeholder's text (a hostile or fuzzed file did:
     * an id containing "fa-history-placeholder-0"): then again with a random
     * nonce in every placeholder, which no file can foresee.
     */
    for (attempt = 0; attempt < 4; attempt++) {
        bool collided = false;
        uint32_t nonce = 0;

        if (attempt > 0 && getrandom(&nonce, sizeof nonce, 0) != (ssize_t)sizeof nonce)
            nonce = (uint32_t)time(NULL) * 2654435761u + (uint32_t)attempt;
        rc = save_once(sc, path, version, nonce, &collided, cause);
        if (!collided)
            return rc;
    }
    return cause_set(cause, "%s: cannot write a dated history (its values hold the "
        "placeholder text of four attempts)", path);
}
