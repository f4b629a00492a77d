/* SPDX-License-Identifier: MIT */
/*
 * scenario_csv.c - import a device inventory from CSV (core/csvr.c) into the
 * zones of a loaded scenario. Auditors receive spreadsheets; the YAML file
 * names one with `inventory: devices.csv`.
 *
 * The first row names the columns: `id` and `zone` are required, `site` is
 * optional (checked against the zone's site), every other column is a
 * device fact path (`identifies_people`, `location`, `signage.present`, ...).
 * An empty cell leaves the fact absent (inherited from the zone where the
 * fact inherits), `unknown` makes it explicitly unknown; list values are
 * separated by ';'. The file is UTF-8, with or without a byte-order mark,
 * with LF or CRLF line ends; columns come in any order. It is streamed row by
 * row, never whole. Errors read "FILE:LINE:COL: column 'C': message" (COL
 * the column's position, 1 for the first) or "FILE:LINE: message" for a
 * whole row; every row is checked, up to SCENARIO_MAX_ERRORS errors, even
 * after an unknown column. Values keep FILE, LINE and COL as their location.
 * Devices count once each against the device limit ($FACEAUDIT_MAX_DEVICES,
 * default SCENARIO_MAX_DEVICES).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/csvr.h"
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
#define COL_IGNORED (-4) /* unknown or repeated: reported once in the header */
/* Most columns of an inventory (more is an error of the reader). */
#define CSV_MAX_COLUMNS 1024

struct csvimp {
    struct scenario *sc;
    const char *file;            /* interned, for locations */
    const char *shown;           /* for messages */
    struct strbuf *errors;
    size_t *nerrors;
    unsigned row_line;           /* line where the current row started */
    bool header_done;
    bool header_bad;             /* rows are not checked after a bad header */
    char **fields;               /* the current row (the reader's strings) */
    size_t nfields;
    const struct fact_def **cols; /* per column: the fact, or NULL for id/zone/site */
    int *colkind;                /* per column: COL_* or 0 */
    size_t ncols;
    size_t max_devices;
};

static void
imp_error(struct csvimp *ci, const char *col, const char *fmt, ...) FA_PRINTF(3, 4);

/* The position (1-based) of the column named col, or 0. */
static size_t
col_pos(const struct csvimp *ci, const char *col)
{
    size_t i;

    for (i = 0; i < ci->ncols; i++) {
        const struct fact_def *def = ci->cols[i];
        const char *name = ci->colkind[i] == COL_ID ? "id" : ci->colkind[i] == COL_ZONE ?
            "zone" : ci->colkind[i] == COL_SITE ? "site" : def != NULL ? def->path : NULL;

        if (name != NULL && strcmp(name, col) == 0)
            return i + 1;
    }
    return 0;
}

static void
imp_error(struct csvimp *ci, const char *col, const char *fmt, ...)
{
    va_list ap;
    char *msg;
    size_t pos = col != NULL && ci->header_done ? col_pos(ci, col) : 0;

    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    if (col != NULL && pos > 0)
        scenario_error(ci->errors, ci->nerrors, "%s:%u:%zu: column '%s': %s", ci->shown,
            ci->row_line, pos, col, msg);
    else if (col != NULL)
        scenario_error(ci->errors, ci->nerrors, "%s:%u: column '%s': %s", ci->shown,
            ci->row_line, col, msg);
    else
        scenario_error(ci->errors, ci->nerrors, "%s:%u: %s", ci->shown, ci->row_line, msg);
    free(msg);
}

/* True when s is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF). */
static bool
utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p != '\0') {
        unsigned c = *p, n, cp, k;

        if (c < 0x80) {
            p++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            n = 1, cp = c & 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
            n = 2, cp = c & 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
            n = 3, cp = c & 0x07;
        else
            return false;
        for (k = 1; k <= n; k++) {
            if ((p[k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[k] & 0x3fu);
        }
        if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
            return false;
        p += n + 1;
    }
    return true;
}

static void
hdr_error(struct csvimp *ci, size_t i, const char *name, const char *fmt, ...) FA_PRINTF(4, 5);

/* An error about header column i (0-based). */
static void
hdr_error(struct csvimp *ci, size_t i, const char *name, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    scenario_error(ci->errors, ci->nerrors, "%s:%u:%zu: column '%s': %s", ci->shown,
        ci->row_line, i + 1, name, msg);
    free(msg);
}

static void
header(struct csvimp *ci)
{
    const char **cands;
    size_t i, j, first, n, before = *ci->nerrors;
    bool have_id = false, have_zone = false;

    ci->ncols = ci->nfields;
    ci->cols = xcalloc(ci->ncols, sizeof *ci->cols);
    ci->colkind = xcalloc(ci->ncols, sizeof *ci->colkind);
    scenario_kind_facts(SCENARIO_DEVICE, &first, &n);
    cands = xcalloc(n + 3, sizeof *cands);
    cands[0] = "zone";
    cands[1] = "site";
    for (i = 0; i < n; i++)
        cands[i + 2] = scenario_fact_at(first + i)->path;
    for (i = 0; i < ci->ncols; i++) {
        char *name = str_trim(ci->fields[i]);
        const struct fact_def *def;

        for (j = 0; j < i; j++) {
            if (strcmp(ci->fields[j], name) == 0)
                break;
        }
        if (j < i) {
            hdr_error(ci, i, name, "appears twice in the header (column %zu)", j + 1);
            ci->colkind[i] = COL_IGNORED;
        } else if (strcmp(name, "id") == 0) {
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

            /* the rows are still checked, without this column */
            hdr_error(ci, i, name, "not a device fact%s", *hint != '\0' ? hint :
                " (see faceaudit-scenario(5), INVENTORY)");
            ci->colkind[i] = COL_IGNORED;
            free(hint);
        }
    }
    if (!have_id)
        imp_error(ci, NULL, "the header has no 'id' column (required)");
    if (!have_zone)
        imp_error(ci, NULL, "the header has no 'zone' column (required)");
    ci->header_bad = !have_id || !have_zone;
    (void)before;
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

    if (ci->nfields == 1 && *ci->fields[0] == '\0')
        return; /* blank line */
    if (ci->nfields != ci->ncols) {
        imp_error(ci, NULL, "%zu fields, the header has %zu", ci->nfields, ci->ncols);
        return;
    }
    /* nents already holds the devices imported so far: each is counted once */
    if (ci->sc->nents[SCENARIO_DEVICE] >= ci->max_devices) {
        imp_error(ci, NULL, "more than %zu devices (the limit; set FACEAUDIT_MAX_DEVICES to "
            "change it)", ci->max_devices);
        return;
    }
    for (i = 0; i < ci->ncols; i++) {
        const char *v = ci->fields[i];

        if (!utf8_valid(v)) {
            scenario_error(ci->errors, ci->nerrors, "%s:%u:%zu: not UTF-8 text (save the "
                "inventory as CSV UTF-8)", ci->shown, ci->row_line, i + 1);
            return;
        }
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
        const char *v = ci->fields[i];
        const struct fact_def *def = ci->colkind[i] == COL_ID ?
            scenario_fact_lookup(SCENARIO_DEVICE, "id") : ci->cols[i];
        struct fact_slot *s;
        char *tv;

        if (def == NULL || *v == '\0')
            continue;
        s = scenario_slot_w(dev, def);
        s->loc.dline = 0; /* the row's line: relative to the device (struct slot_loc) */
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
    scenario_entity_seal(dev); /* rows that repeat a configuration share their facts */
}

/* One row from the reader: the header first, then devices. */
static void
on_row(struct csvimp *ci, const struct csvr_row *r)
{
    ci->row_line = r->line;
    ci->fields = r->fields;
    ci->nfields = r->n;
    if (r->too_long > 0 && ci->header_done && !ci->header_bad && r->n == ci->ncols) {
        const struct fact_def *def = ci->cols[r->too_long - 1];
        const char *name = ci->colkind[r->too_long - 1] == COL_ID ? "id" :
            ci->colkind[r->too_long - 1] == COL_ZONE ? "zone" :
            ci->colkind[r->too_long - 1] == COL_SITE ? "site" : def != NULL ? def->path : NULL;

        if (name != NULL)
            imp_error(ci, name, "value longer than %u bytes", SCENARIO_MAX_SCALAR);
        else
            scenario_error(ci->errors, ci->nerrors, "%s:%u:%zu: value longer than %u bytes",
                ci->shown, ci->row_line, r->too_long, SCENARIO_MAX_SCALAR);
    } else if (r->too_long > 0) {
        scenario_error(ci->errors, ci->nerrors, "%s:%u:%zu: value longer than %u bytes",
            ci->shown, ci->row_line, r->too_long, SCENARIO_MAX_SCALAR);
        if (!ci->header_done) {
            ci->header_done = true;
            ci->header_bad = true;
        }
    } else if (!ci->header_done) {
        header(ci);
        ci->header_done = true;
    } else if (!ci->header_bad) {
        row(ci);
    }
    ci->fields = NULL;
    ci->nfields = 0;
}

/* The device limit: $FACEAUDIT_MAX_DEVICES when set to 1..100,000,000, else the default. */
static size_t
max_devices(void)
{
    const char *env = getenv("FACEAUDIT_MAX_DEVICES");
    char *end;
    unsigned long long v;

    if (env == NULL || *env == '\0')
        return SCENARIO_MAX_DEVICES;
    errno = 0;
    v = strtoull(env, &end, 10);
    if (errno != 0 || *end != '\0' || v < 1 || v > 100000000ull)
        return SCENARIO_MAX_DEVICES;
    return (size_t)v;
}

int
scenario_csv_import(struct scenario *sc, const char *csv_path, const char *shown_path,
    struct sha256 *hash, struct strbuf *errors, size_t *nerrors)
{
    struct csvr_opts o = { CSV_MAX_COLUMNS, SCENARIO_MAX_SCALAR, NULL, "the inventory", hash };
    struct csvimp ci;
    struct csvr *r;
    struct csvr_row row;
    char *cause = NULL;
    size_t before = *nerrors;
    int rc;

    memset(&ci, 0, sizeof ci);
    ci.sc = sc;
    ci.file = scenario_intern_file(sc, shown_path);
    ci.shown = ci.file;
    ci.errors = errors;
    ci.nerrors = nerrors;
    ci.max_devices = max_devices();
    o.name = ci.shown;
    if ((r = csvr_open(csv_path, &o, &cause)) == NULL) {
        scenario_error(errors, nerrors, "inventory: %s", cause);
        free(cause);
        return -1;
    }
    /* every row is checked, up to the error limit (a load with errors has no hash) */
    while ((rc = csvr_next(r, &row, &cause)) == 1 && *nerrors < SCENARIO_MAX_ERRORS)
        on_row(&ci, &row);
    if (rc < 0) {
        scenario_error(errors, nerrors, "%s", cause);
        free(cause);
    }
    csvr_free(r);
    if (!ci.header_done && *nerrors == before)
        scenario_error(errors, nerrors, "%s: empty inventory (expected a header row with id, "
            "zone, ...)", shown_path);
    free(ci.cols);
    free(ci.colkind);
    return *nerrors == before ? 0 : -1;
}
