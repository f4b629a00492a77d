/* SPDX-License-Identifier: MIT */
#ifndef FA_CLI_H
#define FA_CLI_H
/*
 * cli.h - the command layer (after tmux's cmd.c / cmd_entry).
 *
 * Every command is a const struct cmd_entry named cmd_<name>_entry, exported
 * by one src/cli/cmd_*.c file and registered by adding <name> to CLI_COMMANDS
 * in its module's local.mk (cli.c builds cmd_table[] from that list). cli_main() parses the global
 * options, finds the entry and calls its exec with argv[0] = the command
 * name, so each command parses its own options with getopt_long(), fills the
 * params of an app/ function (app.h), calls it and prints its result. The
 * TUI calls the same app/ functions.
 *
 * exec returns an exit code from enum fa_exit (compat.h): 0 ok, 1 findings
 * or a failed gate, 2 usage or input error. Commands print results to
 * ctx->out and errors through cli_error(), never with bare fprintf(stderr).
 */

#include <stdbool.h>
#include <stdio.h>

#include "faceaudit/compat.h"
#include "faceaudit/jsonw.h"
#include "faceaudit/str.h"

struct app;
struct store;

struct cli_ctx {
    FILE *out;          /* results */
    FILE *err;          /* diagnostics */
    bool color;         /* out is a TTY and NO_COLOR is unset */
    bool progress;      /* err is a TTY: progress bars allowed */
    const char *cmd;    /* name of the running command, for messages */
    struct app *app;    /* the session (--db); owned */
};

struct cmd_entry {
    const char *name;
    const char *alias;   /* NULL if none */
    const char *usage;   /* arguments after the name, e.g. "fetch|verify|list" */
    const char *summary; /* one line for `faceaudit --help` */
    const char *help;    /* full text for `faceaudit help NAME`, lines end in \n */
    int (*exec)(struct cli_ctx *ctx, int argc, char **argv);
};

/* The command table, NULL-terminated. */
extern const struct cmd_entry *const cmd_table[];

int cli_main(int argc, char **argv);
const struct cmd_entry *cli_find(const char *name);
/* Print "faceaudit: CMD: message" to ctx->err; returns FA_EXIT_USAGE. */
int cli_error(struct cli_ctx *ctx, const char *fmt, ...) FA_PRINTF(2, 3);
/* Print the message and the command's usage line; returns FA_EXIT_USAGE. */
int cli_usage_error(struct cli_ctx *ctx, const char *fmt, ...) FA_PRINTF(2, 3);
/*
 * The value of --format for a command that prints text or JSON: 0 with
 * *json set, or FA_EXIT_USAGE after the usage error.
 */
int cli_format_json(struct cli_ctx *ctx, const char *arg, bool *json);
/*
 * A command's JSON document: cli_json_begin() opens an object with one
 * member per line (write it with j.w, jsonw.h); cli_json_end() closes it,
 * prints it to ctx->out with a final newline and frees it.
 */
struct cli_json {
    struct strbuf sb;
    struct jw w;
};
void cli_json_begin(struct cli_json *j);
void cli_json_end(struct cli_ctx *ctx, struct cli_json *j);
/* Member key: the lines of text (a log, one entry per line) as an array of strings. */
void cli_json_lines(struct jw *w, const char *key, const char *text);
/* Print one command's usage line ("usage: faceaudit NAME USAGE"). */
void cli_print_usage(FILE *f, const struct cmd_entry *e);
/* The database, opened (and migrated) on first use; NULL after cli_error(). */
struct store *cli_store(struct cli_ctx *ctx);
/*
 * Progress on ctx->err when it is a TTY (a bar with rate and time left),
 * through the app layer's callback; cli_progress_init() fills *pr for ctx.
 */
struct cli_progress {
    FILE *f;
    double start, last;
    bool drawn;
    bool plain;         /* not a terminal: a plain line every interval seconds */
    const char *label;  /* the plain line's prefix (the command) */
    double interval;
};
struct app_progress;
void cli_progress_init(struct cli_ctx *ctx, struct cli_progress *p, struct app_progress *pr);
/* The same, and off a terminal a plain progress line every few seconds (eval). */
void cli_progress_init_batch(struct cli_ctx *ctx, struct cli_progress *p,
    struct app_progress *pr, const char *label);
/*
 * Ctrl-C cancels: from here on the first SIGINT only sets a flag (async-
 * signal-safe) that pr->cancel_requested reports, so the operation stops
 * cleanly at its next unit of work; a second SIGINT terminates at once.
 * cli_interrupted() says whether it came.
 */
void cli_cancel_init(struct app_progress *pr);
bool cli_interrupted(void);


#endif /* FA_CLI_H */
