/* SPDX-License-Identifier: MIT */
/*
 * app_db.c - the database as the user looks after it: where it is and what
 * it holds (`db info`), its integrity and the template seals (`db check`),
 * the append-only audit log (`log list|verify`) and retention (`purge`).
 */
#include "config.h"

#include "faceaudit/app.h"

#include <stdlib.h>
#include <string.h>

#include "faceaudit/log.h"
#include "faceaudit/store.h"
#include "faceaudit/store_crypt.h"
#include "faceaudit/store_evalcache.h"
#include "faceaudit/xmalloc.h"

int
app_db_info(struct app *a, struct app_db_info *out, char **cause)
{
    struct store *st = app_store(a, cause);

    if (st == NULL)
        return -1;
    out->path = store_path(st);
    out->schema_version = store_user_version(st);
    return (out->runs = store_count_rows(st, "run", cause)) == -1 ? -1 : 0;
}

int
app_db_check(struct app *a, int64_t *templates, char **why_not, char **cause)
{
    struct store *st = app_store(a, cause);
    int rc;

    *why_not = NULL;
    if (st == NULL)
        return -1;
    if ((rc = store_check(st, templates, why_not, cause)) != 0)
        cause_prefix(cause, "%s", store_path(st));
    return rc;
}

int
app_log_list(struct app *a, int64_t limit, void (*fn)(const struct store_log_entry *e,
    void *arg), void *arg, char **cause)
{
    struct store *st = app_store(a, cause);

    if (st == NULL)
        return -1;
    return store_log_each(st, limit, fn, arg, cause) == -1 ? -1 : 0;
}

int
app_log_verify(struct app *a, const char *want_head, struct store_log_report *rep,
    char **cause)
{
    struct store *st = app_store(a, cause);
    struct store_key *key;

    memset(rep, 0, sizeof *rep);
    if (st == NULL || (key = store_template_key(st, false, cause)) == NULL)
        return -1;
    return store_log_verify(st, key, want_head, rep, cause);
}

void
app_purge_params_default(struct app_purge_params *p)
{
    memset(p, 0, sizeof *p);
    p->older_than = -1;
}

struct app_purge_result *
app_purge(struct app *a, const struct app_purge_params *p, char **cause)
{
    struct store *st = app_store(a, cause);
    struct app_purge_result *r;

    if (st == NULL)
        return NULL;
    r = xcalloc(1, sizeof *r);
    /* the deletions and their audit-log entries commit together (store_gallery_purge) */
    if ((r->total = store_gallery_purge(st, p->gallery, p->older_than, 0, p->dry_run,
            &r->galleries, &r->ngalleries, cause)) == -1) {
        app_purge_result_free(r);
        return NULL;
    }
    /* descriptors a killed evaluation sealed for --resume: templates too */
    if (p->gallery == NULL && store_evalcache_purge(st, p->older_than >= 0 ? p->older_than :
            STORE_EVALCACHE_RETENTION_DAYS, 0, p->dry_run, &r->runs, &r->nruns,
            &r->error) == -1) {
        store_purge_free_array(r->runs, r->nruns);
        r->runs = NULL;
        r->nruns = 0;
    }
    /* face thumbnails a replay kept, past their expiry date (today: $FACEAUDIT_TODAY) */
    if (p->gallery == NULL && r->error == NULL && store_thumbs_purge(st, date_today(),
            p->dry_run, &r->thumbs, &r->nthumbs, &r->error) == -1) {
        r->thumbs = NULL;
        r->nthumbs = 0;
    }
    return r;
}

void
app_purge_result_free(struct app_purge_result *r)
{
    if (r == NULL)
        return;
    store_purge_free_array(r->galleries, r->ngalleries);
    store_purge_free_array(r->runs, r->nruns);
    store_purge_free_array(r->thumbs, r->nthumbs);
    free(r->error);
    free(r);
}
