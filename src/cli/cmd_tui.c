/* SPDX-License-Identifier: MIT */
/*
 * cmd_tui.c - `faceaudit tui [SCENARIO]` and `faceaudit demo`: the command
 * entries that start the TUI (tui.h; demo opens the trainer screen) on the
 * command's session. The TUI itself knows nothing of the command layer.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/cli.h"
#include "faceaudit/tui.h"

static int
tui_exec(struct cli_ctx *ctx, int argc, char **argv, const char *screen)
{
    static const struct option longopts[] = {
        { "screen", required_argument, NULL, 's' },
        { "keys", required_argument, NULL, 'k' },
        { "dump", required_argument, NULL, 'd' },
        { "size", required_argument, NULL, 'z' },
        { "dataset", required_argument, NULL, 'D' },
        { "descriptors", required_argument, NULL, 'E' },
        { "record", required_argument, NULL, 'R' },
        { NULL, 0, NULL, 0 }
    };
    struct tui_options opts;
    char *cause = NULL;
    int c;

    memset(&opts, 0, sizeof opts);
    opts.screen = screen;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (!tui_screen_known(optarg))
                return cli_usage_error(ctx, "--screen: unknown screen '%s' (home, board, "
                    "facts, demo, eval, sim or runs)", optarg);
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
        case 'D':
            opts.dataset = optarg;
            break;
        case 'E':
            opts.descriptors = optarg;
            break;
        case 'R':
            opts.record = optarg;
            break;
        default:
            return cli_usage_error(ctx, "bad option");
        }
    }
    if (optind + 1 < argc)
        return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind + 1]);
    if (optind < argc)
        opts.scenario = argv[optind];
    if (opts.dump != NULL && opts.keys == NULL)
        return cli_usage_error(ctx, "--dump needs --keys");
    if (tui_run(ctx->app, &opts, &cause) == -1) {
        cli_error(ctx, "%s", cause);
        free(cause);
        return FA_EXIT_USAGE;
    }
    return FA_EXIT_OK;
}

static int
cmd_tui_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    return tui_exec(ctx, argc, argv, NULL);
}

static int
cmd_demo_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    return tui_exec(ctx, argc, argv, "demo");
}

#define TUI_OPTIONS_HELP \
    "options:\n" \
    "  --screen NAME       start on a screen: home, board, facts, demo, eval, sim,\n" \
    "                      runs\n" \
    "  --dataset D         eval screen: the dataset offered (a manifest path or a\n" \
    "                      shipped name such as orl; default orl)\n" \
    "  --descriptors FILE  eval screen: descriptors from FILE instead of the engine\n" \
    "  --record FILE       trainer session log: every answer (right or wrong, which\n" \
    "                      try), goals reached and each lesson's score, written to\n" \
    "                      FILE as they happen\n" \
    "  --keys KEYS         run headless: feed these keys (names separated by spaces:\n" \
    "                      Up Down Left Right Enter Esc Tab Space PageUp PageDown\n" \
    "                      Home End BSpace F1..F12, C-u for control-U, or one\n" \
    "                      character) and exit; a running evaluation ends before\n" \
    "                      the next key\n" \
    "  --dump FILE         with --keys: write the final screen as text to FILE\n" \
    "  --size CxR          with --keys: the terminal size (default 80x24)\n" \
    "\n" \
    "NO_COLOR turns colours off; every status also has a symbol.\n"

const struct cmd_entry cmd_tui_entry = {
    "tui", NULL, "[SCENARIO] [--screen NAME] [--dataset D] [--descriptors FILE] "
    "[--record FILE] [--keys KEYS [--dump FILE] [--size COLSxROWS]]",
    "the interactive workbench (ncurses)",
    "Without SCENARIO, opens the home screen, which lists every screen with its\n"
    "key; with one, opens its article board. F2 board, F3 fact editor (what-if),\n"
    "F4 trainer demo, F5 evaluation, F6 simulation, F7 stored runs, F9 home;\n"
    "F1 or ? shows the keys of the current screen; F10 quits.\n"
    "\n"
    TUI_OPTIONS_HELP,
    cmd_tui_exec
};

const struct cmd_entry cmd_demo_entry = {
    "demo", NULL, "[--record FILE] [--keys KEYS [--dump FILE] [--size COLSxROWS]]",
    "trainer mode: step through lessons of violation scenarios",
    "Opens the TUI on the trainer screen: the lessons in\n"
    "datasets/scenarios/training/ (a scenario and a script each). Step forward and\n"
    "back with the arrows; z turns quiz mode on (the verdict stays hidden until the\n"
    "trainee answers with a; a wrong answer gets a second try, then the\n"
    "explanation; the score shows at the end). The lesson stays with the trainee on\n"
    "every screen (F8 docks its step panel); Esc leaves it and Enter resumes it.\n"
    "\n"
    TUI_OPTIONS_HELP,
    cmd_demo_exec
};
