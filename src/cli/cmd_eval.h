/* SPDX-License-Identifier: MIT */
#ifndef FA_CLI_CMD_EVAL_H
#define FA_CLI_CMD_EVAL_H
/*
 * cmd_eval.h - the evaluation commands' output formats and their printer
 * (cmd_eval_print.c), private to src/cli/.
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

#endif /* FA_CLI_CMD_EVAL_H */
