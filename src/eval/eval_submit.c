/* SPDX-License-Identifier: MIT */
/*
 * eval_submit.c - `faceaudit eval --submit slurm`: an evaluation sharded over
 * a Slurm array with an afterok merge job, as doc/CLUSTER.md describes and
 * contrib/slurm/ does by hand. The submit options are taken out of the
 * command line; what is left (the dataset and the eval options) is handed to
 * every task unchanged, so a task evaluates exactly what the user asked for,
 * with `--shard auto --save shard` added. Two scripts are written to the
 * shared output folder (eval.sbatch, merge.sbatch: kept, to read or to
 * resubmit by hand) and submitted with sbatch --parsable; --submit-dry-run
 * prints them and the sbatch commands instead. Each task works in a
 * database on node-local disk and copies it out when done; the merge job
 * opens the copies read-only (the same scripts as contrib/slurm/, with the
 * program, folder, dataset and options written in).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "faceaudit/eval.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

/* `--name VALUE` or `--name=VALUE` at argv[*i]: the value (advancing *i), else NULL. */
static const char *
opt_value(int argc, char **argv, int *i, const char *name, bool *bad)
{
    size_t n = strlen(name);

    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *bad = true;
        return NULL;
    }
    return argv[++*i];
}

int
eval_submit_parse(int argc, char **argv, struct eval_submit *s, char **cause)
{
    bool any = false, bad = false;
    const char *v;
    char *end;
    int i;

    memset(s, 0, sizeof *s);
    for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--submit-dry-run") == 0 || strncmp(argv[i], "--submit", 8) == 0)
            any = true;
    if (!any)
        return 0;
    s->args = xcalloc((size_t)argc + 1, sizeof *s->args);
    s->save = "merged";
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--submit-dry-run") == 0) {
            s->dry_run = true;
        } else if ((v = opt_value(argc, argv, &i, "--submit", &bad)) != NULL) {
            if (strcmp(v, "slurm") != 0)
                return cause_set(cause, "--submit: '%s' (slurm is the scheduler supported; "
                    "contrib/slurm/ and doc/CLUSTER.md show the others' commands)", v);
            s->scheduler = v;
        } else if ((v = opt_value(argc, argv, &i, "--submit-dir", &bad)) != NULL) {
            s->dir = v;
        } else if ((v = opt_value(argc, argv, &i, "--sbatch", &bad)) != NULL) {
            s->sbatch = xreallocarray(s->sbatch, s->nsbatch + 1, sizeof *s->sbatch);
            s->sbatch[s->nsbatch++] = v;
        } else if ((v = opt_value(argc, argv, &i, "--shards", &bad)) != NULL) {
            unsigned long u;

            errno = 0;
            u = strtoul(v, &end, 10);
            if (*v < '0' || *v > '9' || *end != '\0' || errno != 0 || u < 1 || u > 100000)
                return cause_set(cause, "--shards: '%s' (1 to 100000)", v);
            s->shards = (unsigned)u;
        } else if ((v = opt_value(argc, argv, &i, "--save", &bad)) != NULL) {
            s->save = v;
        } else if (strncmp(argv[i], "--shard", 7) == 0 || strncmp(argv[i], "--resume", 8) == 0) {
            return cause_set(cause, "%s: with --submit each task is one shard of the array "
                "(--shard auto) and saves it itself; give --shards N", argv[i]);
        } else if (bad) {
            break;
        } else {
            s->args[s->nargs++] = argv[i];
        }
        if (bad)
            break;
    }
    if (bad)
        return cause_set(cause, "%s needs a value", argv[argc - 1]);
    if (s->scheduler == NULL)
        s->scheduler = "slurm";
    if (s->shards == 0)
        return cause_set(cause, "--submit: give the number of tasks with --shards N");
    if (s->dir == NULL)
        return cause_set(cause, "--submit: give the shared output folder with --submit-dir DIR "
            "(every node must see it)");
    return 1;
}

void
eval_submit_done(struct eval_submit *s)
{
    free(s->args);
    free(s->sbatch);
    memset(s, 0, sizeof *s);
}

/* A shell word in single quotes. */
static void
quote(struct strbuf *sb, const char *s)
{
    strbuf_putc(sb, '\'');
    for (; *s != '\0'; s++) {
        if (*s == '\'')
            strbuf_puts(sb, "'\\''");
        else
            strbuf_putc(sb, *s);
    }
    strbuf_putc(sb, '\'');
}

/* DIR/NAME as one shell word. */
static void
quote_path(struct strbuf *sb, const char *dir, const char *name)
{
    char *p = xasprintf("%s/%s", dir, name);

    quote(sb, p);
    free(p);
}

char *
eval_submit_script(const struct eval_submit *s, bool merge, const char *program,
    const char *cwd)
{
    struct strbuf sb;
    size_t i;

    strbuf_init(&sb);
    strbuf_printf(&sb, "#!/bin/sh\n# %s, written by faceaudit %s `eval --submit slurm` "
        "(doc/CLUSTER.md)\n", merge ? "the merge job of a sharded evaluation" :
        "one task of a sharded evaluation", PACKAGE_VERSION);
    strbuf_printf(&sb, "#SBATCH --job-name=faceaudit-%s\n#SBATCH --cpus-per-task=1\n",
        merge ? "merge" : "eval");
    if (!merge)
        strbuf_puts(&sb, "#SBATCH --requeue\n");
    strbuf_puts(&sb, "set -eu\n# the folder eval --submit ran in: relative paths as given\ncd ");
    quote(&sb, cwd);
    strbuf_puts(&sb, "\nfa=${FACEAUDIT:-");
    quote(&sb, program);
    strbuf_puts(&sb, "}\nout=");
    quote(&sb, s->dir);
    strbuf_puts(&sb, "\n# node-local disk: never a shared file system (SQLite's WAL)\n"
        "local_dir=${FA_LOCAL_DIR:-${SLURM_TMPDIR:-${TMPDIR:-/tmp}}}\nmkdir -p \"$local_dir\"\n");
    if (merge) {
        strbuf_printf(&sb, "n=%u\nname=", s->shards);
        quote(&sb, s->save);
        strbuf_puts(&sb, "\n"
            "db=$local_dir/faceaudit-merge-${SLURM_JOB_ID:-$$}.db\n"
            "set --\nk=1\n"
            "while [ \"$k\" -le \"$n\" ]; do\n"
            "    [ -f \"$out/task-$k.db\" ] || { echo \"faceaudit-merge: $out/task-$k.db is missing\" >&2; exit 2; }\n"
            "    set -- \"$@\" \"$out/task-$k.db:shard\"\n"
            "    k=$((k + 1))\n"
            "done\n"
            "rm -f \"$db\"\n"
            "# the shard databases are opened read-only\n"
            "\"$fa\" --db \"$db\" merge --save \"$name\" --format json \"$@\" >\"$out/.merged.json.tmp\"\n"
            "\"$fa\" --db \"$db\" runs show \"$name\" >\"$out/.merged.txt.tmp\"\n"
            "cp \"$db\" \"$out/.merged.db.tmp\"\n"
            "mv \"$out/.merged.db.tmp\" \"$out/merged.db\"\n"
            "mv \"$out/.merged.json.tmp\" \"$out/merged.json\"\n"
            "mv \"$out/.merged.txt.tmp\" \"$out/merged.txt\"\n"
            "rm -f \"$db\" \"$db-wal\" \"$db-shm\"\n");
        return strbuf_detach(&sb);
    }
    strbuf_puts(&sb, "# the dataset and the eval options, as given to `faceaudit eval`\nset --");
    for (i = 0; i < s->nargs; i++) {
        strbuf_putc(&sb, ' ');
        quote(&sb, s->args[i]);
    }
    strbuf_puts(&sb, "\n"
        ": \"${SLURM_ARRAY_TASK_ID:?submit as an array: sbatch --array=1-N}\"\n"
        "k=$((SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN + 1))\n"
        "db=$local_dir/faceaudit-$SLURM_ARRAY_JOB_ID-$k.db\n"
        "# the key sealing the descriptors recorded on the way stays with them\n"
        "FACEAUDIT_KEY_FILE=${FACEAUDIT_KEY_FILE:-$local_dir/faceaudit-$SLURM_ARRAY_JOB_ID-$k.key}\n"
        "export FACEAUDIT_KEY_FILE\n"
        "state=\n"
        "if [ -f \"$db\" ]; then\n"
        "    state=$(\"$fa\" --db \"$db\" runs list --kind eval | awk '$3 == \"shard\" { print $4 }')\n"
        "fi\n"
        "case $state in\n"
        "complete) ;; # finished before the copy was made\n"
        "running) # requeued onto this node: nothing recorded is computed again\n"
        "    \"$fa\" --db \"$db\" eval \"$@\" --shard auto --resume shard >\"$out/task-$k.txt\" ;;\n"
        "*)\n"
        "    rm -f \"$db\" \"$db-wal\" \"$db-shm\"\n"
        "    \"$fa\" --db \"$db\" eval \"$@\" --shard auto --save shard >\"$out/task-$k.txt\" ;;\n"
        "esac\n"
        "cp \"$db\" \"$out/.task-$k.db.tmp\"\n"
        "mv \"$out/.task-$k.db.tmp\" \"$out/task-$k.db\"\n"
        "rm -f \"$db\" \"$db-wal\" \"$db-shm\" \"$FACEAUDIT_KEY_FILE\"\n");
    return strbuf_detach(&sb);
}

char *
eval_submit_command(const struct eval_submit *s, bool merge, const char *array_id)
{
    struct strbuf sb;
    size_t i;

    strbuf_init(&sb);
    strbuf_puts(&sb, "sbatch --parsable");
    if (merge)
        strbuf_printf(&sb, " --dependency=afterok:%s", array_id);
    else
        strbuf_printf(&sb, " --array=1-%u", s->shards);
    strbuf_puts(&sb, " -o ");
    quote_path(&sb, s->dir, merge ? "slurm-%j-merge.out" : "slurm-%A_%a.out");
    for (i = 0; i < s->nsbatch; i++) {
        strbuf_putc(&sb, ' ');
        quote(&sb, s->sbatch[i]);
    }
    strbuf_putc(&sb, ' ');
    quote_path(&sb, s->dir, merge ? "merge.sbatch" : "eval.sbatch");
    return strbuf_detach(&sb);
}

/* Run a command through the shell; its first output line (sbatch --parsable: JOBID[;CLUSTER]). */
static char *
run_id(const char *cmd, char **cause)
{
    char line[256] = "", *semi;
    FILE *f;
    int st;

    fflush(NULL);
    if ((f = popen(cmd, "r")) == NULL)
        return cause_set(cause, "cannot run sbatch: %s", strerror(errno)), NULL;
    if (fgets(line, sizeof line, f) == NULL)
        line[0] = '\0';
    while (fgetc(f) != EOF)
        ;
    st = pclose(f);
    line[strcspn(line, "\r\n")] = '\0';
    if ((semi = strchr(line, ';')) != NULL)
        *semi = '\0';
    if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 || line[0] == '\0' ||
        strspn(line, "0123456789") != strlen(line))
        return cause_set(cause, "%s: %s", cmd, WIFEXITED(st) && WEXITSTATUS(st) == 127 ?
            "sbatch not found (is this a Slurm submit host?)" : "failed (its message is "
            "above)"), NULL;
    return xstrdup(line);
}

int
eval_submit_slurm(const struct eval_submit *s, const char *program, const char *cwd,
    char **array_id, char **merge_id, char **cause)
{
    static const char *const stale[] = { "task-1.db", "merged.json", "eval.sbatch" };
    char *path, *script, *cmd;
    size_t i;
    int rc;

    *array_id = *merge_id = NULL;
    if (fs_mkdir_p(s->dir, 0755, cause) == -1)
        return cause_prefix(cause, "--submit-dir"), -1;
    for (i = 0; i < FA_NITEMS(stale); i++) {
        struct stat stt;

        path = xasprintf("%s/%s", s->dir, stale[i]);
        rc = stat(path, &stt);
        free(path);
        if (rc == 0)
            return cause_set(cause, "--submit-dir %s already holds %s from an earlier "
                "submission: give a new folder", s->dir, stale[i]);
    }
    for (i = 0; i < 2; i++) {
        script = eval_submit_script(s, i == 1, program, cwd);
        path = xasprintf("%s/%s", s->dir, i == 1 ? "merge.sbatch" : "eval.sbatch");
        rc = fs_write_atomic(path, script, strlen(script), 0755, cause);
        free(script);
        free(path);
        if (rc == -1)
            return -1;
    }
    cmd = eval_submit_command(s, false, NULL);
    *array_id = run_id(cmd, cause);
    free(cmd);
    if (*array_id == NULL)
        return -1;
    cmd = eval_submit_command(s, true, *array_id);
    *merge_id = run_id(cmd, cause);
    free(cmd);
    if (*merge_id == NULL) {
        cause_prefix(cause, "array job %s submitted, the merge job not (submit %s/merge.sbatch "
            "once the tasks are done)", *array_id, s->dir);
        return -1;
    }
    return 0;
}
