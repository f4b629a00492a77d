/* SPDX-License-Identifier: MIT */
#ifndef FA_FSUTIL_H
#define FA_FSUTIL_H
/*
 * fsutil.h - file-system helpers: whole-file reads with a size limit,
 * atomic writes (temporary file in the same folder, fsync, rename), mkdir -p,
 * path joins and the XDG data folder.
 *
 * Functions returning int give 0 on success and -1 with *cause set (allocated,
 * caller frees) on failure. Returned char * belong to the caller.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Read a whole file into a NUL-terminated buffer (the NUL is not counted in
 * *len). Files over max_size bytes are refused with a clear cause.
 */
char *fs_read_file(const char *path, size_t max_size, size_t *len, char **cause);
/*
 * Write data to path atomically with the given mode: readers see either the
 * old file or the complete new one, never a half-written file.
 */
int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode, char **cause);
/*
 * The same written in pieces, for output too large to hold whole (a
 * report streamed as it is produced): fs_atomic_open() creates the
 * temporary file beside path (a device or a FIFO, such as /dev/null, is
 * written in place, never replaced), fs_atomic_write() appends (a failure is kept
 * and reported by commit), fs_atomic_commit() syncs it and renames it over
 * path, fs_atomic_abort() removes it. Commit and abort end the write.
 */
struct fs_atomic {
    char *path;
    char *tmp;
    int fd;
    int err;    /* errno of the first failed write, or 0 */
};
int fs_atomic_open(struct fs_atomic *a, const char *path, mode_t mode, char **cause);
void fs_atomic_write(struct fs_atomic *a, const void *data, size_t len);
int fs_atomic_commit(struct fs_atomic *a, char **cause);
void fs_atomic_abort(struct fs_atomic *a);
/* Create a folder and its parents (mode applies to the ones created). */
int fs_mkdir_p(const char *path, mode_t mode, char **cause);
/* Remove a folder tree (no symlink following); missing is not an error. */
int fs_remove_tree(const char *path, char **cause);
/* Copy a file atomically (the destination gets mode). */
int fs_copy_file(const char *from, const char *to, mode_t mode, char **cause);
bool fs_exists(const char *path);
bool fs_is_dir(const char *path);
/* Join two path parts with exactly one '/'. */
char *path_join(const char *a, const char *b);
/* $XDG_DATA_HOME/faceaudit, or ~/.local/share/faceaudit. */
char *path_data_home(void);
/*
 * The rule pack folder: $FACEAUDIT_RULES, else rules/ beside the running
 * program when present (a build in the source tree), else the rules of an
 * installed copy found from the program's folder (PREFIX/bin/faceaudit ->
 * PREFIX/share/faceaudit/rules, also under DESTDIR), else the configured
 * $(pkgdatadir)/rules. The lessons, example scenarios and recorded
 * deployments sit beside it (datasets/). Caller frees.
 */
char *path_rules_dir(void);

#endif /* FA_FSUTIL_H */
