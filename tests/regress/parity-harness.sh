#!/bin/sh
# SPDX-License-Identifier: MIT
# parity-harness.sh - the committed parity golden files are what the
# reference harness (bench/peers/dump-reference.mjs: face-api on tfjs-wasm)
# prints today: rerun it on two inputs and compare byte for byte. Skips
# unless node, the harness packages (cd bench/peers && npm ci), djpeg and
# the models are there; `make check` does not need any of them otherwise.
. "${top_srcdir:-.}/tests/regress/lib.sh"

peers="$top_srcdir/bench/peers"
command -v node >/dev/null 2>&1 || skip "node not installed"
[ -d "$peers/node_modules/@vladmandic/face-api" ] || skip "harness packages not installed (cd bench/peers && npm ci)"
command -v djpeg >/dev/null 2>&1 || skip "djpeg not installed (Debian libjpeg-turbo-progs)"
[ -f "$FACEAUDIT_MODELS/demo/sample2.jpg" ] || skip "models not installed in $FACEAUDIT_MODELS"

node "$peers/dump-reference.mjs" --check-api --models "$FACEAUDIT_MODELS" \
    --label-root "$FACEAUDIT_MODELS" --out-dir "$tmp/ref" "$FACEAUDIT_MODELS/demo/sample2.jpg" \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 0 "the harness runs"
expect_grep "$tmp/err" 'demo/sample2.jpg: composed API identical \(1 faces\)' "stage by stage equals the composed face-api call"
golden_ref() {
    checks=$((checks + 1))
    if cmp -s "$top_srcdir/tests/data/parity/$1" "$tmp/ref/$1"; then
        pass "tests/data/parity/$1 is current"
    else
        fail "tests/data/parity/$1 differs from the harness output (bench/peers/regen-parity.sh)"
        diff "$top_srcdir/tests/data/parity/$1" "$tmp/ref/$1" | head -5
    fi
}
golden_ref demo_sample2.ref
finish
