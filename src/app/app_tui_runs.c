/* SPDX-License-Identifier: MIT */
/*
 * app_tui_runs.c - what the TUI's runs screen shows about a stored audit
 * beyond the common run table: the scenario it audited and the as-of day
 * (for automatic names and for warning before two deployments are diffed).
 */
#include "config.h"

#include "faceaudit/app.h"

#include <stdio.h>
#include <stdlib.h>

#include "faceaudit/store_report.h"
#include "faceaudit/xmalloc.h"

int
app_audit_run_scenario(struct app *a, int64_t id, char **scenario_id, char **as_of,
    char **cause)
{
    struct store *st = app_store(a, cause);
    struct store_audit_loaded *l;
    char ref[32];

    *scenario_id = *as_of = NULL;
    if (st == NULL)
        return -1;
    snprintf(ref, sizeof ref, "%lld", (long long)id);
    if ((l = store_audit_load(st, ref, cause)) == NULL)
        return -1;
    *scenario_id = xstrdup(l->scenario_id != NULL ? l->scenario_id : "");
    *as_of = xstrdup(l->as_of != NULL ? l->as_of : "");
    store_audit_loaded_free(l);
    return 0;
}
