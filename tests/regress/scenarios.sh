#!/bin/sh
# SPDX-License-Identifier: MIT
# scenarios.sh - every datasets/scenarios/*.fa.yaml with an .expected file
# audits to exactly the expected outcomes (faceaudit audit --expect).
. "${top_srcdir:-.}/tests/regress/lib.sh"

n=0
for s in "$top_srcdir"/datasets/scenarios/*.fa.yaml; do
    [ -f "$s" ] || continue
    e="${s%.fa.yaml}.expected"
    name=$(basename "$s" .fa.yaml)
    checks=$((checks + 1))
    if [ ! -f "$e" ]; then
        fail "$name has no expected-outcomes file"
        continue
    fi
    n=$((n + 1))
    fa audit --no-save --expect "$e" "$s"
    if [ "$rc" -eq 0 ]; then pass "$name matches its expected outcomes"; else
        fail "$name differs from $e"; sed 's/^/  /' "$tmp/err" | head -20; fi
done
[ "$n" -gt 0 ] || skip "no example scenarios in datasets/scenarios"
finish
