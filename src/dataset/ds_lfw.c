/* SPDX-License-Identifier: MIT */
/*
 * ds_lfw.c - LFW-style pairs.txt. The first line is "FOLDS N" (or just "N"
 * for one fold, as pairsDevTrain.txt); then each fold has N matched lines
 * "name i j" followed by N mismatched lines "name1 i name2 j" (tab or space
 * separated). Image k of name is ROOT/name/name_%04d.jpg, where ROOT is the
 * folder of pairs.txt, or its lfw/ subfolder when there is one. Items are
 * the distinct images in order of first mention; pairs keep their fold.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/dataset.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/hash.h"
#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "dataset_int.h"

struct lfw_state {
    struct ds_item *items;
    size_t nitems, next;
    struct ds_pair *pairs;
    size_t npairs;
    unsigned nfolds;
};

static void
lfw_free(struct lfw_state *st)
{
    size_t i;

    for (i = st->next; i < st->nitems; i++)
        ds_item_done(&st->items[i]);
    free(st->items);
    free(st->pairs);
    free(st);
}

static bool
lfw_probe(const char *path)
{
    return str_has_suffix(path, ".txt");
}

/* Parse a positive decimal of at most max; -1 when it is not one. */
static long
parse_count(const char *s, long max)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno != 0 || v < 1 || v > max)
        return -1;
    return v;
}

/* Index of image (name, num), adding it on first mention. */
static size_t
lfw_image(struct lfw_state *st, struct hash *index, const char *root, const char *name, long num,
    unsigned line, size_t max, char **cause)
{
    char *rel = xasprintf("%s/%s_%04ld.jpg", name, name, num);
    size_t *idx = hash_get(index, rel);

    if (idx != NULL) {
        free(rel);
        return *idx;
    }
    if (st->nitems == max) {
        free(rel);
        cause_set(cause, "more than %zu images (the limit; raise it with --max-images)", max);
        return (size_t)-1;
    }
    st->items = xreallocarray(st->items, st->nitems + 1, sizeof *st->items);
    memset(&st->items[st->nitems], 0, sizeof st->items[st->nitems]);
    st->items[st->nitems].rel = rel;
    st->items[st->nitems].path = path_join(root, rel);
    st->items[st->nitems].subject = xstrdup(name);
    st->items[st->nitems].age_band = xstrdup("");
    st->items[st->nitems].sex = xstrdup("");
    st->items[st->nitems].capture = xstrdup("");
    st->items[st->nitems].line = line;
    idx = xmalloc(sizeof *idx);
    *idx = st->nitems;
    hash_put(index, rel, idx);
    return st->nitems++;
}

static bool
bad_name(const char *s)
{
    return *s == '\0' || strchr(s, '/') != NULL || strcmp(s, "..") == 0 || strcmp(s, ".") == 0;
}

static void *
lfw_open(const char *path, const struct ds_options *opt, char **cause)
{
    struct lfw_state *st;
    struct hash index;
    char *buf, *line, *save = NULL, *dir, *root, *lfwdir;
    char *f[6];
    size_t len, nf, max = opt->max_items != 0 ? opt->max_items : DS_MAX_ITEMS_DEFAULT;
    long folds = 0, per = 0, v;
    unsigned lineno = 0, fold = 0;
    long in_fold = 0;
    char *err = NULL;

    if ((buf = ds_read_manifest(path, &len, cause)) == NULL)
        return NULL;
    if (memchr(buf, '\0', len) != NULL) {
        free(buf);
        cause_set(cause, "%s: NUL byte: not a pairs.txt text file", path);
        return NULL;
    }
    dir = ds_dirname(path);
    lfwdir = path_join(dir, "lfw");
    if (fs_is_dir(lfwdir)) {
        root = lfwdir;
        free(dir);
    } else {
        root = dir;
        free(lfwdir);
    }
    st = xcalloc(1, sizeof *st);
    hash_init(&index, free);

    /* Split by '\n' by hand: strtok would merge empty lines and lose numbers. */
    line = buf;
    while (line != NULL && err == NULL) {
        char *nl = strchr(line, '\n'), *tok;

        if (nl != NULL)
            *nl = '\0';
        lineno++;
        nf = 0;
        for (tok = strtok_r(line, " \t\r", &save); tok != NULL && nf < FA_NITEMS(f);
             tok = strtok_r(NULL, " \t\r", &save))
            f[nf++] = tok;
        if (tok != NULL)
            nf = FA_NITEMS(f);
        line = nl != NULL ? nl + 1 : NULL;
        if (nf == 0)
            continue;
        if (folds == 0) {
            if (nf == 1) {
                folds = 1;
                per = parse_count(f[0], 10000000);
            } else if (nf == 2) {
                folds = parse_count(f[0], 1000);
                per = parse_count(f[1], 10000000);
            }
            if (nf > 2 || folds < 1 || per < 1)
                err = xasprintf("%s:%u: the first line must be \"FOLDS PAIRS_PER_FOLD\" or "
                    "\"PAIRS\" (positive numbers)", path, lineno);
            continue;
        }
        if (fold == (unsigned)folds) {
            err = xasprintf("%s:%u: more lines than the header's %ld fold(s) of %ld matched "
                "and %ld mismatched pairs", path, lineno, folds, per, per);
            break;
        }
        {
            bool genuine = in_fold < per;
            struct ds_pair p;
            long n1, n2;
            size_t a, b;

            if (genuine && nf != 3) {
                err = xasprintf("%s:%u: fold %u, matched pair %ld: expected \"name n1 n2\", got "
                    "%zu field(s)", path, lineno, fold + 1, in_fold + 1, nf);
                break;
            }
            if (!genuine && nf != 4) {
                err = xasprintf("%s:%u: fold %u, mismatched pair %ld: expected \"name1 n1 "
                    "name2 n2\", got %zu field(s)", path, lineno, fold + 1, in_fold - per + 1, nf);
                break;
            }
            if (bad_name(f[0]) || (!genuine && bad_name(f[2]))) {
                err = xasprintf("%s:%u: field 1: bad name", path, lineno);
                break;
            }
            n1 = parse_count(f[1], 9999);
            n2 = parse_count(genuine ? f[2] : f[3], 9999);
            if (n1 < 0 || n2 < 0) {
                err = xasprintf("%s:%u: field %d: image number must be 1..9999, got '%s'", path,
                    lineno, n1 < 0 ? 2 : genuine ? 3 : 4, n1 < 0 ? f[1] : genuine ? f[2] : f[3]);
                break;
            }
            if (genuine && n1 == n2) {
                err = xasprintf("%s:%u: matched pair compares image %ld with itself", path,
                    lineno, n1);
                break;
            }
            if (!genuine && strcmp(f[0], f[2]) == 0) {
                err = xasprintf("%s:%u: mismatched pair names the same person '%s' twice", path,
                    lineno, f[0]);
                break;
            }
            if ((a = lfw_image(st, &index, root, f[0], n1, lineno, max, &err)) == (size_t)-1 ||
                (b = lfw_image(st, &index, root, genuine ? f[0] : f[2], n2, lineno, max,
                    &err)) == (size_t)-1) {
                cause_prefix(&err, "%s:%u", path, lineno);
                break;
            }
            p.a = a;
            p.b = b;
            p.genuine = genuine;
            p.fold = fold + 1;
            st->pairs = xreallocarray(st->pairs, st->npairs + 1, sizeof *st->pairs);
            st->pairs[st->npairs++] = p;
            if (++in_fold == 2 * per) {
                in_fold = 0;
                fold++;
            }
        }
    }
    if (err == NULL && folds == 0)
        err = xasprintf("%s:1: empty pairs file (the first line is \"FOLDS PAIRS_PER_FOLD\")",
            path);
    else if (err == NULL && fold != (unsigned)folds) {
        v = (long)fold * 2 * per + in_fold;
        err = xasprintf("%s:%u: file ends after %ld pair(s); the header promises %ld fold(s) of "
            "%ld matched + %ld mismatched = %ld", path, lineno, v, folds, per, per,
            folds * 2 * per);
    }
    hash_done(&index);
    free(buf);
    free(root);
    if (err != NULL) {
        cause_set(cause, "%s", err);
        free(err);
        lfw_free(st);
        return NULL;
    }
    st->nfolds = (unsigned)folds;
    return st;
}

static int
lfw_next(void *state, struct ds_item *item, char **cause)
{
    struct lfw_state *st = state;

    if (st->next == st->nitems)
        return 0;
    *item = st->items[st->next++];
    return 1;
}

static int
lfw_pairs(void *state, struct ds_pair **pairs, size_t *npairs, unsigned *nfolds, char **cause)
{
    struct lfw_state *st = state;

    *pairs = st->pairs;
    *npairs = st->npairs;
    *nfolds = st->nfolds;
    st->pairs = NULL;
    st->npairs = 0;
    return 0;
}

static void
lfw_close(void *state)
{
    lfw_free(state);
}

const struct ds_format ds_format_lfw = {
    "lfw", "LFW pairs.txt: FOLDS N, then per fold N matched and N mismatched lines",
    lfw_probe, lfw_open, lfw_next, lfw_pairs, NULL, lfw_close
};
