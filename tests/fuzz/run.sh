#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh - build the libFuzzer targets with clang (ASan + UBSan) from the
# distribution tarball in _build/fuzz and run each for a time budget.
#   tests/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     (default 30 s, all)
# New crashing inputs are copied to tests/fuzz/crashes/; turn each into a
# regression by adding it to tests/fuzz/corpus/TARGET/ once fixed.
# Prints one line per target: executions, seconds, edges covered (libFuzzer's
# "cov:"), crashes. tests/fuzz/TARGET.dict, if present, is passed as -dict.
# `make fuzz-long` runs every target for 10 minutes.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
budget=${1:-30}
[ $# -gt 0 ] && shift
cd "$top"
command -v clang >/dev/null || { echo "fuzz: clang not found (apt-get install clang libclang-rt-14-dev)"; exit 2; }
[ -f Makefile ] || { echo "fuzz: run ./bootstrap first"; exit 2; }
make -s dist >/dev/null
tarball=$(ls -t faceaudit-*.tar.gz | head -1)
rm -rf _build/fuzz && mkdir -p _build/fuzz
tar -xzf "$tarball" -C _build/fuzz
src=$(ls -d _build/fuzz/faceaudit-*)
(cd "$src" && CC=clang ./configure -q --enable-fuzzing >/dev/null && make -s -j"$(nproc)" >/dev/null 2>&1 ||
    { echo "fuzz: build failed; see $src/config.log"; exit 2; })
targets=${*:-$(cd "$src/tests/fuzz" && ls fuzz_* 2>/dev/null | grep -v '\.' | sed 's/^fuzz_//')}
mkdir -p tests/fuzz/crashes
status=0
for t in $targets; do
    work="_build/fuzz/work-$t"
    rm -rf "$work" && mkdir -p "$work/corpus"
    cp tests/fuzz/corpus/"$t"/* "$work/corpus/" 2>/dev/null || true
    log="$work/log"
    start=$(date +%s)
    dict=
    [ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
    set +e
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "$src/tests/fuzz/fuzz_$t" -max_total_time="$budget" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 $dict -artifact_prefix="$work/" "$work/corpus" >"$log" 2>&1
    rc=$?
    set -e
    secs=$(( $(date +%s) - start ))
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    [ -n "$execs" ] || execs=$(grep -oE '#[0-9]+' "$log" | tail -1 | tr -d '#')
    edges=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || true)
    crashes=$(ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* 2>/dev/null | wc -l)
    if [ "$crashes" -gt 0 ] || [ "$rc" -ne 0 ]; then
        cp "$work"/crash-* "$work"/leak-* "$work"/timeout-* tests/fuzz/crashes/ 2>/dev/null || true
        status=1
        echo "fuzz: $t: FAILED after ${execs:-?} executions in ${secs}s ($crashes crash files, exit $rc); log: $log"
        tail -30 "$log"
    else
        echo "fuzz: $t: ${execs:-?} executions in ${secs}s, ${edges:-?} edges, no crash"
    fi
done
exit $status
