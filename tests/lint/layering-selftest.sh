#!/bin/sh
# SPDX-License-Identifier: MIT
# layering-selftest.sh - the layering lint must fail on a planted violation
# (sqlite3.h included from the rule module) and name the file and line, and
# must pass the same tree once the include is where it belongs.

lint="${top_srcdir:-.}/tests/lint/layering.sh"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src/rule" "$tmp/src/store" "$tmp/src/tui" "$tmp/include"
printf '#include "config.h"\n#include <stdio.h>\n' > "$tmp/src/rule/rule_eval.c"
printf '#include <sqlite3.h>\n' > "$tmp/src/store/store.c"
printf '#include <ncurses.h>\n' > "$tmp/src/tui/tui_curses.h"

out=$(sh "$lint" "$tmp") || { echo "FAIL: clean tree rejected: $out"; exit 1; }

printf '#include "config.h"\n\n#include <sqlite3.h>\n' > "$tmp/src/rule/rule_eval.c"
printf '#  include <curses.h>\n' > "$tmp/src/rule/rule_lex.c"
if out=$(sh "$lint" "$tmp"); then
    echo "FAIL: planted violations not detected"
    exit 1
fi
echo "$out"
echo "$out" | grep -q 'src/rule/rule_eval.c:3: includes <sqlite3.h>' ||
    { echo "FAIL: sqlite3.h violation not named with file:line"; exit 1; }
echo "$out" | grep -q 'src/rule/rule_lex.c:1: includes <curses.h>' ||
    { echo "FAIL: curses.h violation not named with file:line"; exit 1; }
echo "PASS: planted violations detected"
