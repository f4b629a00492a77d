#!/bin/sh
# SPDX-License-Identifier: MIT
# size-selftest.sh - the size lint must pass a clean tree and fail, naming
# file and line, on a src/cli function over 100 lines, a file over 800
# lines without "Why this file is long:" in its top comment, and a
# LONG_ALLOW entry that is no longer needed.

lint="${top_srcdir:-.}/tests/lint/size.sh"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src/cli" "$tmp/src/rule" "$tmp/src/recog" "$tmp/include/faceaudit"

# body LINES: a function named f with LINES lines from { to }
body() {
    printf 'static int\nf(void)\n{\n'
    i=2
    while [ $i -lt "$1" ]; do echo '    x++;'; i=$((i + 1)); done
    printf '}\n'
}
lines() {
    i=0
    while [ $i -lt "$1" ]; do echo 'int x;'; i=$((i + 1)); done
}
body 100 > "$tmp/src/cli/cmd_ok.c"
{ printf '/* SPDX */\n/*\n * long.c - x.\n *\n * Why this file is long: one table.\n */\n'; lines 900; } > "$tmp/src/rule/long.c"
mkdir -p "$tmp/src/app"
lines 900 > "$tmp/src/cli/cmd_eval.c"    # in LONG_ALLOW
lines 900 > "$tmp/src/rule/rule_audit.c"

out=$(sh "$lint" "$tmp") || { echo "FAIL: clean tree rejected: $out"; exit 1; }

body 101 > "$tmp/src/cli/cmd_long.c"
{ printf '/*\n * big.c - no reason given.\n */\n'; lines 801; } > "$tmp/src/rule/big.c"
lines 10 > "$tmp/src/rule/rule_audit.c"   # split: its entry is stale
if out=$(sh "$lint" "$tmp"); then
    echo "FAIL: planted violations not detected"
    exit 1
fi
echo "$out"
check() {
    echo "$out" | grep -q -- "$1" || { echo "FAIL: $2 not reported"; exit 1; }
}
check 'src/cli/cmd_long.c:2: function f is 101 lines' "a 101-line function in src/cli"
check 'src/rule/big.c:1: 804 lines (over 800) without' "a long file without a reason"
check 'LONG_ALLOW src/rule/rule_audit.c is no longer needed' "a stale LONG_ALLOW entry"
echo "$out" | grep -q 'cmd_ok.c' && { echo "FAIL: a 100-line function was refused"; exit 1; }
echo "$out" | grep -q 'src/rule/long.c' && { echo "FAIL: a long file with its reason was refused"; exit 1; }
echo "size-selftest: ok"
