/* SPDX-License-Identifier: MIT */
/*
 * main.c - faceaudit's entry point; everything else lives in libfaceaudit.
 */
#include "config.h"

#include "faceaudit/cli.h"

int
main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
