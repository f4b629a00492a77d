/* SPDX-License-Identifier: MIT */
/*
 * scenario_csv.c - import a device inventory from CSV (libcsv) into the
 * zones of a loaded scenario. Auditors receive spreadsheets; the YAML file
 * names one with `inventory: devices.csv`.
 *
 * The first row names the columns: `id` and `zone` are required, `site` is
 * optional (checked against the zone's site), every other column is a
 * device fact path (`identifies_people`, `location`, `signage.present`, ...).
 * An empty cell leaves the fact absent (inherited from the zone where the
 * fact inherits), `unknown` makes it explicitly unknown; list values are
 * separated by ';'. Errors read "FILE:LINE: column 'C': message"; values
 * keep FILE, LINE and the column number as their location.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/scenario.h"
#include "faceaudit/sha256.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "scenario_int.h"

#define COL_ID (-1)
#define COL_ZONE (-2)
#define COL_SITE (-3)

struct csvimp {
    struct scenario *sc;
    const char *file;            /* interned, for locations */
    const char *shown;           /* for messages */
    struct strbuf *errors;
    size_t *nerrors;
    unsigned line;               /* physical line being fed */
    unsigned row_line;           /* line where the current row started */
    bool row_started;
    bool header_done;
    bool header_bad;             /* rows are not checked after a bad header */
    struct vec fields;           /* current row (owned strings) */
    const struct fact_def **cols; /* per column: the fact, or NULL for id/zone/site */
    int *colkind;                /* per column: COL_* or 0 */
    size_t ncols;
    size_t ndevices;
};

static void
imp_error(struct csvimp *ci, const char *col, const char *fmt, ...) FA_PRINTF(3, 4);

static void
imp_error(struct csvimp *ci, const char *col, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    if (col != NULL)
        scenario_error(ci->errors, ci->nerrors, "%s:%u: column '%s': %s", ci->shown,
            ci->row_line, col, msg);
    else
        scenario_error(ci->errors, ci->nerrors, "%s:%u: %s", ci->shown, ci->row_line, msg);
    free(msg);
}

static void
on_field(void *data, size_t len, void *ctx)
{
    struct csvimp *ci = ctx;

    if (!ci->row_started) {
        ci->row_started = true;
        ci->row_line = ci->line;
    }
    vec_push(&ci->fields, xstrndup(data != NULL ? data : "", len));
}

static void
header(struct csvimp *ci)
{
    const char **cands;
    size_t i, j, first, n, before = *ci->nerrors;
    bool have_id = false, have_zone = false;

    ci->ncols = ci->fields.len;
    ci->cols = xcalloc(ci->ncols, sizeof *ci->cols);
    ci->colkind = xcalloc(ci->ncols, sizeof *ci->colkind);
    scenario_kind_facts(SCENARIO_DEVICE, &first, &n);
    cands = xcalloc(n + 3, sizeof *cands);
    cands[0] = "zone";
    cands[1] = "site";
    for (i = 0; i < n; i++)
        cands[i + 2] = scenario_fact_at(first + i)->path;
    for (i = 0; i < ci->ncols; i++) {
        char *name = str_trim(ci->fields.items[i]);
        const struct fact_def *def;

        for (j = 0; j < i; j++) {
            if (strcmp(ci->fields.items[j], name) == 0)
                imp_error(ci, name, "appears twice in the header");
        }
        if (strcmp(name, "id") == 0) {
            ci->colkind[i] = COL_ID;
            have_id = true;
        } else if (strcmp(name, "zone") == 0) {
            ci->colkind[i] = COL_ZONE;
            have_zone = true;
        } else if (strcmp(name, "site") == 0) {
            ci->colkind[i] = COL_SITE;
        } else if ((def = scenario_fact_lookup(SCENARIO_DEVICE, name)) != NULL &&
            (def->flags & FACT_F_COMPUTED) == 0) {
            ci->cols[i] = def;
        } else {
            char *hint = scenario_hint(name, cands);

            imp_error(ci, name, "not a device fact%s", *hint != '\0' ? hint :
                " (see faceaudit-scenario(5), INVENTORY)");
            free(hint);
        }
    }
    if (!have_id)
        imp_error(ci, NULL, "the header has no 'id' column (required)");
    if (!have_zone)
        imp_error(ci, NULL, "the header has no 'zone' column (required)");
    ci->header_bad = *ci->nerrors > before;
    free(cands);
}

static void
row(struct csvimp *ci)
{
    struct scenario_entity *zone = NULL, *dev;
    const char *id = NULL, *site = NULL, *zname = NULL;
    struct scenario_loc loc;
    char *cause = NULL;
    size_t i;

    if (ci->fields.len == 1 && *(char *)ci->fields.items[0] == '\0')
        return; /* blank line */
    if (ci->fields.len != ci->ncols) {
        imp_error(ci, NULL, "%zu fields, the header has %zu", ci->fields.len, ci->ncols);
        return;
    }
    if (++ci->ndevices + ci->sc->nents[SCENARIO_DEVICE] > SCENARIO_MAX_DEVICES) {
        imp_error(ci, NULL, "more than %u devices (limit)", SCENARIO_MAX_DEVICES);
        return;
    }
    for (i = 0; i < ci->ncols; i++) {
        const char *v = ci->fields.items[i];

        if (ci->colkind[i] == COL_ID)
            id = v;
        else if (ci->colkind[i] == COL_ZONE)
            zname = v;
        else if (ci->colkind[i] == COL_SITE)
            site = v;
    }
    if (id == NULL || *id == '\0') {
        imp_error(ci, "id", "empty (every device needs a unique id)");
        return;
    }
    if (zname == NULL || *zname == '\0') {
        imp_error(ci, "zone", "empty (every device belongs to a zone of the scenario)");
        return;
    }
    if ((zone = scenario_find(ci->sc, SCENARIO_ZONE, zname)) == NULL) {
        const char **ids = xcalloc(ci->sc->nents[SCENARIO_ZONE] + 1, sizeof *ids);
        char *hint;

        for (i = 0; i < ci->sc->nents[SCENARIO_ZONE]; i++)
            ids[i] = scenario_entity_id(ci->sc->ents[SCENARIO_ZONE][i]);
        hint = scenario_hint(zname, ids);
        imp_error(ci, "zone", "no zone '%s' in the scenario%s", zname, hint);
        free(hint);
        free(ids);
        return;
    }
    if (site != NULL && *site != '\0' &&
        strcmp(site, scenario_entity_id(zone->parent)) != 0) {
        imp_error(ci, "site", "zone '%s' belongs to site '%s', not '%s'", zname,
            scenario_entity_id(zone->parent), site);
        return;
    }
    loc.file = ci->file;
    loc.line = ci->row_line;
    loc.col = 1;
    dev = scenario_entity_new(ci->sc, SCENARIO_DEVICE, zone, loc);
    dev->from_inventory = true;
    for (i = 0; i < ci->ncols; i++) {
        const char *v = ci->fields.items[i];
        const struct fact_def *def = ci->colkind[i] == COL_ID ?
            scenario_fact_lookup(SCENARIO_DEVICE, "id") : ci->cols[i];
        struct fact_slot *s;
        char *tv;

        if (def == NULL || *v == '\0')
            continue;
        s = scenario_slot(dev, def);
        s->loc = loc;
        s->loc.col = (unsigned)i + 1;
        tv = xstrdup(v);
        if (scenario_parse_value(def, str_trim(tv), strcmp(def->path, "id") != 0, s,
            &cause) < 0) {
            imp_error(ci, def->path, "%s", cause);
            free(cause);
            cause = NULL;
            s->state = FACT_ABSENT;
        }
        free(tv);
    }
    if (scenario_register_id(dev, &cause) < 0) {
        imp_error(ci, "id", "%s", cause);
        free(cause);
    }
}

static void
on_row(int c, void *ctx)
{
    struct csvimp *ci = ctx;

    (void)c;
    if (!ci->row_started)
        ci->row_line = ci->line;
    if (!ci->header_done) {
        header(ci);
        ci->header_done = true;
    } else if (!ci->header_bad) {
        row(ci);
    }
    vec_clear(&ci->fields);
    ci->row_started = false;
}

int
scenario_csv_import(struct scenario *sc, const char *csv_path, const char *shown_path,
    struct sha256 *hash, struct strbuf *errors, size_t *nerrors)
{
    struct csv_parser p;
    struct csvimp ci;
    char *text, *rcause = NULL;
    const char *line, *end;
    size_t len, before = *nerrors;

    if ((text = fs_read_file(csv_path, SCENARIO_MAX_FILE_BYTES, &len, &rcause)) == NULL) {
        scenario_error(errors, nerrors, "inventory: %s", rcause);
        free(rcause);
        return -1;
    }
    if (hash != NULL)
        sha256_update(hash, text, len);
    memset(&ci, 0, sizeof ci);
    ci.sc = sc;
    ci.file = scenario_intern_file(sc, shown_path);
    ci.shown = ci.file;
    ci.errors = errors;
    ci.nerrors = nerrors;
    vec_init(&ci.fields, free);
    if (csv_init(&p, CSV_STRICT | CSV_APPEND_NULL | CSV_STRICT_FINI) != 0)
        fatalx("csv_init failed");
    /* Feed one physical line at a time so callbacks know the line number. */
    for (line = text, ci.line = 1; line < text + len; line = end, ci.line++) {
        end = memchr(line, '\n', (size_t)(text + len - line));
        end = end == NULL ? text + len : end + 1;
        if (csv_parse(&p, line, (size_t)(end - line), on_field, on_row, &ci) !=
            (size_t)(end - line)) {
            ci.row_line = ci.line;
            imp_error(&ci, NULL, "malformed CSV: %s", csv_strerror(csv_error(&p)));
            break;
        }
    }
    if (*nerrors == before && csv_fini(&p, on_field, on_row, &ci) != 0) {
        ci.row_line = ci.line - 1;
        imp_error(&ci, NULL, "malformed CSV: %s", csv_strerror(csv_error(&p)));
    }
    if (!ci.header_done && *nerrors == before)
        scenario_error(errors, nerrors, "%s: empty inventory (expected a header row with id, "
            "zone, ...)", shown_path);
    csv_free(&p);
    vec_done(&ci.fields);
    free(ci.cols);
    free(ci.colkind);
    free(text);
    return *nerrors == before ? 0 : -1;
}
