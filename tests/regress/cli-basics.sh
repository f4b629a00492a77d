#!/bin/sh
# SPDX-License-Identifier: MIT
# cli-basics.sh - help, version, usage errors and exit codes.
. "${top_srcdir:-.}/tests/regress/lib.sh"

fa --help
expect_rc 0 "--help exits 0"
expect_grep "$tmp/out" '^  models +fetch, verify and list' "--help lists the models command"
expect_grep "$tmp/out" 'exit status: 0 ok, 1 findings' "--help documents exit codes"

fa --version
expect_rc 0 "--version exits 0"
expect_grep "$tmp/out" '^faceaudit [0-9]+\.[0-9]+\.[0-9]+$' "--version prints the version"

fa help models
expect_rc 0 "help models"
golden help-models.txt

fa models --help
expect_rc 0 "models --help"
golden help-models.txt

fa
expect_rc 2 "no command is a usage error"
expect_grep "$tmp/err" '^usage: faceaudit' "no command prints usage"

fa modles list
expect_rc 2 "unknown command"
expect_grep "$tmp/err" "unknown command 'modles' \(did you mean 'models'\?\)" "misspelt command gets a hint"

fa --bogus help
expect_rc 2 "unknown global option"
expect_grep "$tmp/err" "unknown option '--bogus'" "unknown option is named"

fa models
expect_rc 2 "models without subcommand"
expect_grep "$tmp/err" '^usage: faceaudit models fetch\|verify\|list' "models usage line"

fa models frobnicate
expect_rc 2 "unknown models subcommand"
expect_grep "$tmp/err" "unknown subcommand 'frobnicate'" "bad subcommand is named"

fa models list --bogus
expect_rc 2 "unknown option to models"

fa help nosuch
expect_rc 2 "help for an unknown command"

finish
