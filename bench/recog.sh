#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/recog.sh - build and run bench/recog once: our engine, ONNX Runtime
# and the reference harness (onnxruntime-node and face-api on tfjs-wasm,
# installed with npm ci in bench/peers if missing), and FAISS, in one run.
# The networks are exported for ONNX Runtime into bench/onnx first
# (bench/export-onnx.py; needs Debian's python3-onnx). Arguments go to
# bench/recog (--reps N, --threads N, --gallery N, --probes N, --onnx DIR,
# --no-peer, --no-faceapi, --no-search).
#   bench/recog.sh | tee bench-recog.txt      (from the build folder)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if { [ ! -d "$top/bench/peers/node_modules/@vladmandic/face-api" ] ||
     [ ! -d "$top/bench/peers/node_modules/onnxruntime-node" ]; } && command -v npm >/dev/null; then
    (cd "$top/bench/peers" && npm ci --no-audit --no-fund >&2)
fi
make bench >&2
if [ ! -f bench/onnx/face_recognition.onnx ]; then
    if /usr/bin/python3 -c 'import onnx' 2>/dev/null; then
        "$top/bench/export-onnx.py" bench/onnx >&2
    else
        echo "bench/recog.sh: no python3-onnx (apt-get install python3-onnx): ONNX Runtime skipped" >&2
    fi
fi
exec ./bench/recog "$@"
