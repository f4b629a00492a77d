#!/bin/sh
# SPDX-License-Identifier: MIT
# layering.sh - each external library may be included by one module only
# (DESIGN.md §2). Usage: layering.sh [ROOT]; ROOT defaults to $top_srcdir or
# the current folder. Prints every violation as file:line and exits 1.

root=${1:-${top_srcdir:-.}}
cd "$root" || exit 2

# header regex (extended, matched inside #include <...> or "...") @ allowed path regex
rules='
(n?curses(w)?\.h|ncursesw?/|panel\.h|menu\.h|form\.h)@^src/tui/
sqlite3\.h@^src/store/
(jpeglib|turbojpeg)\.h@^src/recog/image_jpeg\.c$
png\.h@^src/recog/image_png\.c$
webp/@^src/recog/image_webp\.c$
csv\.h@^src/dataset/|^src/scenario/scenario_csv\.c$
cblas\.h@^src/recog/gemm[a-z_]*\.c$
yaml\.h@^src/scenario/
cyaml/@^src/scenario/|^src/rule/rule_waivers\.c$|^src/eval/eval_gate\.c$
sodium\.h@^src/store/store_crypt\.c$
expat\.h@^src/dataset/ds_imglab\.c$
'

files=$(find src include -type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | sort)
[ -n "$files" ] || { echo "layering: no sources under $root"; exit 2; }

status=0
echo "$rules" | while IFS='@' read -r header allow; do
    [ -n "$header" ] || continue
    for f in $files; do
        if echo "$f" | grep -Eq "$allow"; then
            continue
        fi
        grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($header)" "$f" |
        while IFS=: read -r line text; do
            inc=$(echo "$text" | sed 's/.*include[[:space:]]*//')
            echo "layering: $f:$line: includes $inc outside its module (allowed: $allow)"
        done
    done
done > layering.out.$$ 2>&1
if [ -s layering.out.$$ ]; then
    cat layering.out.$$
    status=1
fi
rm -f layering.out.$$
[ $status -eq 0 ] && echo "layering: $(echo "$files" | wc -l) files clean"
exit $status
