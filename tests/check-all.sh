#!/bin/sh
# SPDX-License-Identifier: MIT
# check-all.sh - everything CI checks, run by `make check-all` after
# ./bootstrap:
#   1. make check in the configured tree (unit suites, regression scripts,
#      layering lint);
#   2. a sanitizer build (ASan + UBSan, leak detection on, -Werror) in
#      _build/sanitize, and its make check;
#   3. make distcheck with -Werror (builds the tarball, builds it out of
#      tree and runs make check there).
# Each step prints a banner; the first failure stops the run.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)
banner() { printf '\n==== check-all: %s ====\n' "$*"; }
start=$(date +%s)

banner "make check"
make -j"$jobs" check

banner "sanitizer build (ASan + UBSan, -Werror) and make check"
mkdir -p _build/sanitize
(
    cd _build/sanitize
    [ -f Makefile ] || "$top/configure" -q --enable-sanitizers --enable-werror
    make -j"$jobs"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        make -j"$jobs" check
)

banner "make distcheck (-Werror)"
make -j"$jobs" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror

banner "all passed in $(( $(date +%s) - start )) s"
