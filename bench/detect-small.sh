#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/detect-small.sh - the small-face detectors on the shared dlib-train
# photos (issue 17 item 10): CPU time per image of `faceaudit detect` with
# --detector tiny, ssd and tiled, decode included, one BLAS thread; each
# run detects the 4 photos ROUNDS x 10 times, the three detectors
# interleaved so that a change of machine load hits them alike; a run on one
# photo is subtracted (process start, model loading), leaving 4 x 10 - 1
# images. Prints each round, the medians, tiled / SSD, and each detector's
# precision and recall at IoU 0.5 from `faceaudit eval --protocol detect`.
#   FACEAUDIT_DATA=../shared/datasets bench/detect-small.sh [ROUNDS]  (from the build folder)
set -eu
rounds=${1:-3}
fa=${FACEAUDIT:-./faceaudit}
: "${FACEAUDIT_DATA:?set FACEAUDIT_DATA to the shared datasets folder}"
dir=$FACEAUDIT_DATA/faces/dlib-train
[ -d "$dir" ] || { echo "bench/detect-small.sh: $dir is missing" >&2; exit 2; }
OPENBLAS_NUM_THREADS=1
export OPENBLAS_NUM_THREADS
# the 4 photos of the dlib-train definition (the folder holds others)
top=$(cd "$(dirname "$0")/.." && pwd)
imgs=$(sed -n "s|.*image file='\$FACEAUDIT_DATA/faces/dlib-train/\([^']*\)'.*|$dir/\1|p" \
    "$top/datasets/faces/dlib-train.xml")
[ "$(echo "$imgs" | wc -l)" -eq 4 ] || { echo "bench/detect-small.sh: expected 4 photos in dlib-train.xml" >&2; exit 2; }
one=$(echo "$imgs" | head -1)
all=
i=0
while [ $i -lt 10 ]; do all="$all $imgs"; i=$((i + 1)); done

# cpu_ms ARGS...: user + system CPU milliseconds of one faceaudit run
cpu_ms() {
    /usr/bin/time -f '%U %S' "$fa" "$@" 2>&1 >/dev/null | tail -1 | awk '{ printf "%.0f", ($1 + $2) * 1000 }'
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %10s %10s %10s\n' round tiny ssd tiled
r=1
: >"${TMPDIR:-/tmp}/detect-small.$$"
while [ "$r" -le "$rounds" ]; do
    line=$r
    for d in tiny ssd tiled; do
        # shellcheck disable=SC2086
        many=$(cpu_ms detect --detector "$d" $all)
        base=$(cpu_ms detect --detector "$d" "$one")
        ms=$(awk -v a="$many" -v b="$base" 'BEGIN { printf "%.1f", (a - b) / 39 }')
        line="$line $ms"
    done
    echo "$line" >>"${TMPDIR:-/tmp}/detect-small.$$"
    echo "$line" | awk '{ printf "%-6s %10s %10s %10s\n", $1, $2, $3, $4 }'
    r=$((r + 1))
done
m=$(((rounds + 1) / 2))
med() { cut -d' ' -f"$1" "${TMPDIR:-/tmp}/detect-small.$$" | sort -n | sed -n "${m}p"; }
mt=$(med 2)
ms=$(med 3)
ml=$(med 4)
printf '%-6s %10s %10s %10s   ms per image (CPU, median)\n' median "$mt" "$ms" "$ml"
awk -v l="$ml" -v s="$ms" 'BEGIN { printf "tiled / SSD: %.2fx (issue 17: under 0.5x)\n", l / s }'
rm -f "${TMPDIR:-/tmp}/detect-small.$$"
for d in tiny ssd tiled; do
    "$fa" -q eval dlib-train --protocol detect --detector "$d" --format csv |
        awk -F, -v d="$d" '$2 == "precision" || $2 == "recall" { printf "%s %s %s/%s  ", d, $2, $5, $6 } END { print "" }'
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
