/* SPDX-License-Identifier: MIT */
/*
 * cmd_eval_submit.c - `faceaudit eval --submit slurm`: the submit options
 * taken out of the command line (eval/eval_submit.c), the rest checked as
 * the options of `faceaudit eval` (every array task runs the evaluation with
 * them), then the task and merge scripts written and submitted with sbatch,
 * or shown (--submit-dry-run). doc/CLUSTER.md is the user's guide.
 */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_eval.h"
#include "faceaudit/app.h"
#include "faceaudit/cli.h"
#include "faceaudit/xmalloc.h"

/* `eval --submit slurm`: the rest checked as eval options, then the scripts submitted or shown. */
static int
eval_submit(struct cli_ctx *ctx, int argc, char **argv, struct eval_submit *s)
{
    struct app_eval_params p;
    enum out_format fmt = OUT_TEXT;
    char **rest = xcalloc(s->nargs + 2, sizeof *rest), prog[4096], cwd[4096], *dir, *a = NULL,
        *m = NULL, *cause = NULL;
    ssize_t n = readlink("/proc/self/exe", prog, sizeof prog - 1);
    int rc;

    rest[0] = argv[0];
    memcpy(rest + 1, s->args, s->nargs * sizeof *rest);
    app_eval_params_default(&p);
    optind = 0;
    if ((rc = eval_args(ctx, (int)s->nargs + 1, rest, &p, &fmt)) != 0 || n <= 0 ||
        getcwd(cwd, sizeof cwd) == NULL) {
        free(rest);
        return rc != 0 ? rc : cli_error(ctx, "--submit: cannot find this program or folder");
    }
    prog[n] = '\0';
    dir = s->dir[0] == '/' ? xstrdup(s->dir) : xasprintf("%s/%s", cwd, s->dir);
    s->dir = dir;
    if (s->dry_run) {
        a = eval_submit_script(s, false, prog, cwd);
        m = eval_submit_script(s, true, prog, cwd);
        fprintf(ctx->out, "# %s/eval.sbatch\n%s\n# %s/merge.sbatch\n%s\n# submitted with:\n", dir,
            a, dir, m);
        free(a);
        free(m);
        a = eval_submit_command(s, false, NULL);
        m = eval_submit_command(s, true, "ARRAY_JOB_ID");
        fprintf(ctx->out, "%s\n%s\n", a, m);
    } else if (eval_submit_slurm(s, prog, cwd, &a, &m, &cause) == -1) {
        rc = cli_error(ctx, "%s", cause);
        free(cause);
    } else {
        fprintf(ctx->out, "submitted: array job %s (%u tasks), merge job %s (runs when every "
            "task has succeeded)\nfollow: squeue -j %s,%s; task logs %s/slurm-%s_K.out\n"
            "results: %s/merged.txt, merged.json and merged.db (faceaudit --db %s/merged.db "
            "runs show %s)\na failed task: scontrol requeue %s_K resumes it; then scancel %s "
            "and sbatch %s/merge.sbatch (doc/CLUSTER.md)\n", a, s->shards, m, a, m, dir, a,
            dir, dir, s->save, a, m, dir);
    }
    free(a);
    free(m);
    free(dir);
    free(rest);
    return rc;
}

bool
eval_submit_maybe(struct cli_ctx *ctx, int argc, char **argv, int *rc)
{
    struct eval_submit s;
    char *cause = NULL;

    if ((*rc = eval_submit_parse(argc, argv, &s, &cause)) == 0)
        return false;
    *rc = *rc == -1 ? cli_usage_error(ctx, "%s", cause) : eval_submit(ctx, argc, argv, &s);
    free(cause);
    eval_submit_done(&s);
    return true;
}
