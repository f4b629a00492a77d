/* SPDX-License-Identifier: MIT */
/*
 * app_models.c - the pretrained networks: every file checked against the
 * committed sums (for `models verify|list` and the TUI's home screen), and
 * fetching them with npm.
 */
#include "config.h"

#include "faceaudit/app.h"

#include <stdlib.h>
#include <sys/stat.h>

#include "faceaudit/xmalloc.h"

struct app_models *
app_models_check(const char *dir)
{
    struct app_models *m = xcalloc(1, sizeof *m);
    size_t i;

    m->dir = dir != NULL ? xstrdup(dir) : models_dir();
    m->n = models_nfiles;
    m->rows = xcalloc(m->n + 1, sizeof *m->rows);
    for (i = 0; i < m->n; i++) {
        struct app_model_row *r = &m->rows[i];
        struct stat sb;

        r->file = &models_files[i];
        r->path = models_path(m->dir, r->file->name);
        r->status = models_check(m->dir, r->file, &r->detail);
        r->bytes = stat(r->path, &sb) == 0 ? (int64_t)sb.st_size : -1;
        if (r->status == MODEL_OK)
            m->ok++;
        else if (r->status == MODEL_MISSING)
            m->missing++;
        else
            m->bad++;
    }
    return m;
}

void
app_models_free(struct app_models *m)
{
    size_t i;

    if (m == NULL)
        return;
    for (i = 0; i < m->n; i++) {
        free(m->rows[i].path);
        free(m->rows[i].detail);
    }
    free(m->rows);
    free(m->dir);
    free(m);
}

int
app_models_fetch(const char *dir, const char *npm, char **cause)
{
    char *d = dir != NULL ? xstrdup(dir) : models_dir();
    int n = models_fetch(d, npm, cause);

    free(d);
    return n;
}
