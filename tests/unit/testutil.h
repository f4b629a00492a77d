/* SPDX-License-Identifier: MIT */
#ifndef FA_TESTUTIL_H
#define FA_TESTUTIL_H
/*
 * testutil.h - helpers shared by the Check suites: temporary folders and the
 * locations of test data. FA_TEST_SRCDIR / FA_TEST_BUILDDIR come from the
 * Makefile.
 */

#include <stdlib.h>
#include <string.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/xmalloc.h"

/* A fresh temporary folder (caller removes it with fs_remove_tree and frees). */
static inline char *
test_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *t = xasprintf("%s/fa-test.XXXXXX", base != NULL && *base != '\0' ? base : "/tmp");

    if (mkdtemp(t) == NULL)
        abort();
    return t;
}

static inline void
test_rmdir(char *dir)
{
    fs_remove_tree(dir, NULL);
    free(dir);
}

/* Path of a file in the source tree (caller frees). */
static inline char *
test_srcpath(const char *rel)
{
    return path_join(FA_TEST_SRCDIR, rel);
}

/*
 * Folder of the shared face datasets ($FACEAUDIT_DATA or ../shared/datasets),
 * or NULL when absent: tests then skip with a visible message.
 */
static inline char *
test_datadir(void)
{
    const char *env = getenv("FACEAUDIT_DATA");
    char *p;

    if (env != NULL && *env != '\0')
        return fs_is_dir(env) ? xstrdup(env) : NULL;
    p = path_join(FA_TEST_SRCDIR, "../shared/datasets");
    if (fs_is_dir(p))
        return p;
    free(p);
    return NULL;
}

#endif /* FA_TESTUTIL_H */
