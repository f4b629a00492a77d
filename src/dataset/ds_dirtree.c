/* SPDX-License-Identifier: MIT */
/*
 * ds_dirtree.c - a folder per identity: DIR/<subject>/<image>. Subjects and
 * images are taken in byte order of their names so the listing (and the
 * manifest hash) does not depend on the file system. Image files directly in
 * DIR have no identity: they are counted as unlabelled and skipped; other
 * files (README, MANIFEST, SHA256SUMS) are ignored. Symbolic links to
 * folders are not followed.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "faceaudit/dataset.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/vec.h"
#include "faceaudit/xmalloc.h"
#include "dataset_int.h"

struct dir_state {
    char *root;
    struct vec rels;     /* "subject/file", sorted */
    size_t next;
    size_t unlabelled;
};

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of a folder's entries (skipping dot files, never NULL unless
 * the folder cannot be read: then NULL with *cause). */
static char **
list_dir(const char *path, size_t *n, char **cause)
{
    DIR *d = opendir(path);
    struct dirent *de;
    char **names = NULL;

    *n = 0;
    if (d == NULL) {
        cause_set(cause, "%s: %s", path, strerror(errno));
        return NULL;
    }
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        names = xreallocarray(names, *n + 1, sizeof *names);
        names[(*n)++] = xstrdup(de->d_name);
    }
    closedir(d);
    if (names == NULL)
        names = xcalloc(1, sizeof *names);
    if (*n > 0)
        qsort(names, *n, sizeof *names, cmp_str);
    return names;
}

static void
free_names(char **names, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static bool
dir_probe(const char *path)
{
    return fs_is_dir(path);
}

static void *
dir_open(const char *path, const struct ds_options *opt, char **cause)
{
    struct dir_state *st;
    char **subs, **files;
    size_t nsubs, nfiles, i, j;
    size_t max = opt->max_items != 0 ? opt->max_items : DS_MAX_ITEMS_DEFAULT;
    struct stat sb;

    if ((subs = list_dir(path, &nsubs, cause)) == NULL)
        return NULL;
    st = xcalloc(1, sizeof *st);
    st->root = xstrdup(path);
    vec_init(&st->rels, free);
    for (i = 0; i < nsubs; i++) {
        char *sub = path_join(path, subs[i]);

        if (lstat(sub, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
            if (ds_is_image_name(subs[i]))
                st->unlabelled++;
            free(sub);
            continue;
        }
        if ((files = list_dir(sub, &nfiles, cause)) == NULL) {
            free(sub);
            free_names(subs, nsubs);
            vec_done(&st->rels);
            free(st->root);
            free(st);
            return NULL;
        }
        for (j = 0; j < nfiles; j++) {
            if (!ds_is_image_name(files[j]))
                continue;
            if (st->rels.len == max) {
                cause_set(cause, "%s: more than %zu images (the limit; raise it with "
                    "--max-images)", path, max);
                free_names(files, nfiles);
                free(sub);
                free_names(subs, nsubs);
                vec_done(&st->rels);
                free(st->root);
                free(st);
                return NULL;
            }
            vec_push(&st->rels, xasprintf("%s/%s", subs[i], files[j]));
        }
        free_names(files, nfiles);
        free(sub);
    }
    free_names(subs, nsubs);
    return st;
}

static int
dir_next(void *state, struct ds_item *item, char **cause)
{
    struct dir_state *st = state;
    const char *rel, *slash;

    if (st->next == st->rels.len)
        return 0;
    rel = vec_get(&st->rels, st->next++);
    slash = strchr(rel, '/');
    item->rel = xstrdup(rel);
    item->path = path_join(st->root, rel);
    item->subject = xstrndup(rel, (size_t)(slash - rel));
    item->age_band = xstrdup("");
    item->sex = xstrdup("");
    item->capture = xstrdup("");
    return 1;
}

static size_t
dir_skipped(void *state)
{
    return ((struct dir_state *)state)->unlabelled;
}

static void
dir_close(void *state)
{
    struct dir_state *st = state;

    vec_done(&st->rels);
    free(st->root);
    free(st);
}

const struct ds_format ds_format_dir = {
    "dir", "a folder per identity: DIR/SUBJECT/IMAGE",
    dir_probe, dir_open, dir_next, NULL, dir_skipped, dir_close
};
