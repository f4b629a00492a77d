/* SPDX-License-Identifier: MIT */
#ifndef FA_CLI_CMD_EVAL_H
#define FA_CLI_CMD_EVAL_H
/*
 * cmd_eval.h - the evaluation commands' output formats and their printer
 * (cmd_eval_print.c), the eval options (cmd_eval.c) and `eval --submit`
 * (cmd_eval_submit.c); private to src/cli/.
 */

#include "faceaudit/app.h"
#include "faceaudit/cli.h"

enum out_format { OUT_TEXT, OUT_JSON, OUT_CSV };

/*
 * An evaluation's figures in fmt (json: the document as stored), with the
 * baseline's for comparison (text; may be NULL) and the run's name (may be
 * NULL).
 */
void eval_print_figures(struct cli_ctx *ctx, enum out_format fmt, const struct eval_result *res,
    const struct eval_figures *f, const char *json, const struct eval_figures *base,
    const char *name);

/*
 * `faceaudit eval`'s options (argv[0] the command) into p and fmt (both
 * defaulted by the caller): 0, or an exit code after the usage error.
 */
int eval_args(struct cli_ctx *ctx, int argc, char **argv, struct app_eval_params *p,
    enum out_format *fmt);

/*
 * `eval --submit slurm ...`: false when argv asks for no submission;
 * otherwise true with the submission done (or shown) and its exit code in *rc.
 */
bool eval_submit_maybe(struct cli_ctx *ctx, int argc, char **argv, int *rc);

#endif /* FA_CLI_CMD_EVAL_H */
