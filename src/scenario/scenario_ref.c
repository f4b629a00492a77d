/* SPDX-License-Identifier: MIT */
/*
 * scenario_ref.c - the one way to name a fact of one entity, in every
 * interface (scenario get/set, the TUI's find, lesson scripts, messages):
 * KIND[:ID].PATH, e.g. "deployment.consent.type" or
 * "device:gate-1.signage.present". Older spellings still resolve, with a
 * hint naming the new one.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/log.h"
#include "faceaudit/scenario.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "scenario_int.h"

char *
scenario_ref_format(const struct scenario_entity *e, const struct fact_def *def)
{
    const struct scenario_entity *holder = scenario_entity_parent(e, def->kind);

    if (holder == NULL)
        holder = e;
    if (holder->kind == SCENARIO_DEPLOYMENT)
        return xasprintf("deployment.%s", def->path);
    return xasprintf("%s:%s.%s", scenario_kind_name(holder->kind), scenario_entity_id(holder),
        def->path);
}

/* The fact `path` of e, or -1 with *cause (with a did-you-mean hint). */
static int
ref_fact(struct scenario_entity *e, const char *path, struct scenario_ref *out, char **cause)
{
    const char *hint;
    const struct fact_def *def = scenario_fact_find(e->kind, path, &hint);

    if (def == NULL)
        return cause_set(cause, "no fact '%s' on a %s%s%s%s", path, scenario_kind_name(e->kind),
            hint != NULL ? " (did you mean '" : "", hint != NULL ? hint : "",
            hint != NULL ? "'?)" : "");
    out->entity = e;
    out->def = def;
    return 0;
}

/*
 * "KIND:ID.PATH" with rest = "ID.PATH": ids may contain dots, so try each
 * dot from the left until an entity of that id exists.
 */
static int
ref_with_id(const struct scenario *sc, enum scenario_kind kind, const char *text,
    const char *rest, struct scenario_ref *out, char **cause)
{
    const char *dot;
    char *id;
    struct scenario_entity *e;

    for (dot = strchr(rest, '.'); dot != NULL; dot = strchr(dot + 1, '.')) {
        id = xstrndup(rest, (size_t)(dot - rest));
        e = scenario_find(sc, kind, id);
        free(id);
        if (e != NULL)
            return ref_fact(e, dot + 1, out, cause);
    }
    dot = strchr(rest, '.');
    if (dot == NULL)
        return cause_set(cause, "'%s': no fact named after the %s (write %s:ID.PATH, e.g. "
            "device:gate-1.location)", text, scenario_kind_name(kind), scenario_kind_name(kind));
    id = xstrndup(rest, (size_t)(dot - rest));
    cause_set(cause, "no %s '%s' in %s", scenario_kind_name(kind), id, scenario_path(sc));
    free(id);
    return -1;
}

/* The kind named by t[0 .. end), or -1. */
static int
kind_prefix(const char *t, const char *end)
{
    char *name = xstrndup(t, (size_t)(end - t));
    int k = scenario_kind_from_name(name);

    free(name);
    return k;
}

int
scenario_ref_parse(const struct scenario *sc, const char *text, struct scenario_ref *out,
    char **hint, char **cause)
{
    char *norm = NULL;
    const char *t = text, *colon, *dot, *p, *close;
    bool old = false;
    int k, rc;

    if (hint != NULL)
        *hint = NULL;
    memset(out, 0, sizeof *out);
    /* old forms: "device[gate-1].location" (explanations), "device:gate-1 location" */
    p = strchr(text, '[');
    close = p != NULL ? strchr(p, ']') : NULL;
    if (close != NULL && close[1] == '.' && (strchr(text, '.') == NULL ||
        strchr(text, '.') > p)) {
        norm = xasprintf("%.*s:%.*s%s", (int)(p - text), text, (int)(close - p - 1), p + 1,
            close + 1);
    } else if ((p = strchr(text, ' ')) != NULL && strchr(p + 1, ' ') == NULL && p[1] != '\0') {
        norm = xasprintf("%.*s.%s", (int)(p - text), text, p + 1);
    }
    if (norm != NULL) {
        t = norm;
        old = true;
    }
    colon = strchr(t, ':');
    dot = strchr(t, '.');
    if (colon != NULL && (dot == NULL || colon < dot)) {
        k = kind_prefix(t, colon);
        if (k < 0 || k == SCENARIO_DEPLOYMENT)
            rc = cause_set(cause, "'%s': no entity kind '%.*s' (write deployment.PATH or "
                "KIND:ID.PATH with KIND site, zone, device, evidence or filing_change)", text,
                (int)(colon - t), t);
        else
            rc = ref_with_id(sc, (enum scenario_kind)k, text, colon + 1, out, cause);
    } else if (dot != NULL && (k = kind_prefix(t, dot)) >= 0) {
        if (k == SCENARIO_DEPLOYMENT)
            rc = ref_fact(scenario_deployment(sc), dot + 1, out, cause);
        else
            rc = cause_set(cause, "'%s': which %s? write %s:ID.%s", text,
                scenario_kind_name((enum scenario_kind)k), scenario_kind_name((enum scenario_kind)k),
                dot + 1);
    } else if (scenario_fact_find(SCENARIO_DEPLOYMENT, t, NULL) != NULL) {
        /* a bare deployment path: the old form of scenario get's PATH */
        rc = ref_fact(scenario_deployment(sc), t, out, cause);
        old = true;
    } else {
        rc = cause_set(cause, "'%s': not a fact path (write deployment.PATH or KIND:ID.PATH, "
            "e.g. deployment.consent.type, device:gate-1.signage.present)", text);
    }
    if (rc == 0 && old && hint != NULL) {
        char *canon = scenario_ref_format(out->entity, out->def);

        *hint = xasprintf("'%s' is the old form of '%s'", text, canon);
        free(canon);
    }
    free(norm);
    return rc;
}
