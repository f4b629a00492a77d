#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/recog.sh - build and run bench/recog once: our engine, the reference
# harness (face-api on tfjs-wasm, installed with npm ci in bench/peers if
# missing) and FAISS, in one run. Arguments go to bench/recog (--reps N,
# --threads N, --gallery N, --probes N, --no-peer, --no-search).
#   bench/recog.sh | tee bench-recog.txt      (from the build folder)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -d "$top/bench/peers/node_modules/@vladmandic/face-api" ] && command -v npm >/dev/null; then
    (cd "$top/bench/peers" && npm ci --no-audit --no-fund >&2)
fi
make bench >&2
exec ./bench/recog "$@"
