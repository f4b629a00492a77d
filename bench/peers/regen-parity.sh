#!/bin/sh
# SPDX-License-Identifier: MIT
# regen-parity.sh - regenerate the parity golden files in tests/data/parity/
# by running the reference harness (dump-reference.mjs) on the fixed inputs:
# the six face-api demo photos from the model folder and a few images of the
# shared face datasets. Needs node, `npm ci` in bench/peers, djpeg (Debian
# libjpeg-turbo-progs), the models (`faceaudit models fetch`) and the datasets.
#
#   bench/peers/regen-parity.sh      (from anywhere; review `git diff` after)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
models=${FACEAUDIT_MODELS:-${XDG_DATA_HOME:-$HOME/.local/share}/faceaudit/models}
data=${FACEAUDIT_DATA:-$top/../shared/datasets}
out=$top/tests/data/parity

[ -d "$here/node_modules/@vladmandic/face-api" ] || { echo "run: (cd $here && npm ci)" >&2; exit 2; }
[ -f "$models/demo/sample1.jpg" ] || { echo "no demo photos in $models: faceaudit models fetch" >&2; exit 2; }
[ -d "$data/faces/bbt" ] || { echo "no datasets in $data (set FACEAUDIT_DATA)" >&2; exit 2; }

# The inputs; the C tests read the same list from the .ref files themselves.
set -- \
    "$models/demo/sample1.jpg" "$models/demo/sample2.jpg" "$models/demo/sample3.jpg" \
    "$models/demo/sample4.jpg" "$models/demo/sample5.jpg" "$models/demo/sample6.jpg" \
    "$data/faces/bbt/bbt1.jpg" "$data/faces/bbt/amy/amy1.png" \
    "$data/faces/bbt/sheldon/sheldon1.png" "$data/faces/bbt/leonard/leonard2.png" \
    "$data/faces/orl/s1/1.pgm"

rm -f "$out"/*.ref
node "$here/dump-reference.mjs" --check-api --jpeg djpeg --models "$models" \
    --label-root "$models" --label-root "$data" --out-dir "$out" "$@"
ls -l "$out"
