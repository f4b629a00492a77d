/* SPDX-License-Identifier: MIT */
/*
 * tui_cmd.c - `faceaudit tui`: the command entry that starts the TUI.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/cli.h"
#include "faceaudit/tui.h"

static int
cmd_tui_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "screen", required_argument, NULL, 's' },
        { "keys", required_argument, NULL, 'k' },
        { "dump", required_argument, NULL, 'd' },
        { "size", required_argument, NULL, 'z' },
        { NULL, 0, NULL, 0 }
    };
    struct tui_options opts;
    char *cause = NULL;
    int c;

    memset(&opts, 0, sizeof opts);
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (strcmp(optarg, "home") != 0 && strcmp(optarg, "runs") != 0)
                return cli_usage_error(ctx, "--screen: unknown screen '%s' (home or runs)",
                    optarg);
            opts.screen = optarg;
            break;
        case 'k':
            opts.keys = optarg;
            break;
        case 'd':
            opts.dump = optarg;
            break;
        case 'z':
            if (sscanf(optarg, "%dx%d", &opts.cols, &opts.rows) != 2 || opts.cols < 20 ||
                opts.rows < 5 || opts.cols > 1000 || opts.rows > 1000)
                return cli_usage_error(ctx, "--size: '%s' is not COLSxROWS (e.g. 80x24)",
                    optarg);
            break;
        default:
            return cli_usage_error(ctx, "bad option");
        }
    }
    if (optind != argc)
        return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
    if (opts.dump != NULL && opts.keys == NULL)
        return cli_usage_error(ctx, "--dump needs --keys");
    if (tui_run(ctx, &opts, &cause) == -1) {
        cli_error(ctx, "%s", cause);
        free(cause);
        return FA_EXIT_USAGE;
    }
    return FA_EXIT_OK;
}

const struct cmd_entry cmd_tui_entry = {
    "tui", NULL, "[--screen NAME] [--keys KEYS [--dump FILE] [--size COLSxROWS]]",
    "the interactive workbench (ncurses)",
    "Opens the home screen, which lists every screen with its key. F1 or ? shows\n"
    "the keys of the current screen; F10 quits.\n"
    "\n"
    "options:\n"
    "  --screen NAME   start on a screen (home, runs)\n"
    "  --keys KEYS     run headless: feed these keys (names separated by spaces:\n"
    "                  Up Down Left Right Enter Esc Tab Space PageUp PageDown\n"
    "                  Home End BSpace F1..F12, or one character) and exit\n"
    "  --dump FILE     with --keys: write the final screen as text to FILE\n"
    "  --size CxR      with --keys: the terminal size (default 80x24)\n"
    "\n"
    "NO_COLOR turns colours off; every status also has a symbol.\n",
    cmd_tui_exec
};
