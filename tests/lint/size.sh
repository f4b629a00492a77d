#!/bin/sh
# SPDX-License-Identifier: MIT
# size.sh - size limits of doc/HACKING.md ("Layers"):
#  1. no function in src/cli/ is longer than MAX_FUNC lines (its body, from
#     the opening brace in column 0 to the closing one): a command is
#     argv -> params -> app -> print, and a longer one is doing app/'s work;
#  2. no file of src/ or include/ is longer than MAX_FILE lines unless its
#     top comment (before the first line that is not a comment or blank)
#     says "Why this file is long:" and why, or it is in LONG_ALLOW.
# Usage: size.sh [ROOT]; ROOT defaults to $top_srcdir or the current folder.
# Prints every violation as file:line and exits 1.

root=${1:-${top_srcdir:-.}}
cd "$root" || exit 2
MAX_FUNC=100
MAX_FILE=800
# Files over MAX_FILE that their owners are splitting: file@reason. A file
# that no longer needs its entry fails the lint, so the list only shrinks.
LONG_ALLOW='
'

bad=0
files=$(find src include -type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | sort)
[ -n "$files" ] || { echo "size: no sources under $root"; exit 2; }

# 1. functions in src/cli
for f in $(echo "$files" | grep '^src/cli/.*\.c$'); do
    out=$(awk -v max="$MAX_FUNC" '
        /^[A-Za-z_][A-Za-z0-9_]*\(/ { name = $0; sub(/\(.*/, "", name); at = FNR }
        /^\{/ { open = FNR }
        /^\}/ && open > 0 {
            if (FNR - open + 1 > max)
                printf "size: %s:%d: function %s is %d lines (at most %d in src/cli: move the work to app/ or split it)\n",
                    FILENAME, at, name, FNR - open + 1, max
            open = 0
        }' "$f")
    [ -n "$out" ] && { echo "$out"; bad=$((bad + 1)); }
done

# 2. long files
for f in $files; do
    n=$(wc -l <"$f")
    allowed=$(echo "$LONG_ALLOW" | grep -c "^$f@")
    if [ "$n" -le "$MAX_FILE" ]; then
        if [ "$allowed" -gt 0 ]; then
            echo "size: LONG_ALLOW $f is no longer needed ($n lines): remove it from tests/lint/size.sh"
            bad=$((bad + 1))
        fi
        continue
    fi
    [ "$allowed" -gt 0 ] && continue
    # the top comment: leading comment and blank lines (SPDX line included)
    if awk '/^[[:space:]]*(\/\*|\*|\/\/|$)/ { if ($0 ~ /Why this file is long:/) found = 1; next } { exit }
        END { exit !found }' "$f"; then
        continue
    fi
    echo "size: $f:1: $n lines (over $MAX_FILE) without \"Why this file is long:\" in its top comment"
    bad=$((bad + 1))
done
# entries whose file is gone (split into others) are stale too
for f in $(echo "$LONG_ALLOW" | sed -n 's/@.*//p'); do
    [ -f "$f" ] && continue
    echo "size: LONG_ALLOW $f is no longer needed (no such file): remove it from tests/lint/size.sh"
    bad=$((bad + 1))
done
[ $bad -eq 0 ] && echo "size: $(echo "$files" | wc -l) files within limits"
[ $bad -eq 0 ]
