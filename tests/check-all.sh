#!/bin/sh
# SPDX-License-Identifier: MIT
# check-all.sh - everything CI checks, run by `make check-all` after
# ./bootstrap:
#   1. make check in the configured tree (unit suites, regression scripts,
#      layering lint);
#   2. make distcheck with ASan + UBSan (leak detection on) and -Werror: the
#      tarball is built, unpacked, configured out of tree with the
#      sanitizers, built and checked there, so a file missing from the
#      tarball and a memory error both fail the run;
#   3. every libFuzzer target for $FA_FUZZ_SECONDS seconds (default 20) with
#      clang, ASan and UBSan (tests/fuzz/run.sh).
# Each step prints a banner; the first failure stops the run.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)
banner() { printf '\n==== check-all: %s ====\n' "$*"; }
start=$(date +%s)

banner "make check"
make -j"$jobs" check

banner "make distcheck with --enable-sanitizers --enable-werror"
ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    make -j"$jobs" distcheck \
    DISTCHECK_CONFIGURE_FLAGS="--enable-sanitizers --enable-werror"

banner "fuzzing, ${FA_FUZZ_SECONDS:-20} s per target"
sh tests/fuzz/run.sh "${FA_FUZZ_SECONDS:-20}"

banner "all passed in $(( $(date +%s) - start )) s"
