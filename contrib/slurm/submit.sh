#!/bin/sh
# SPDX-License-Identifier: MIT
# submit.sh - submit a sharded evaluation to Slurm: an N-task array of
# faceaudit-eval.sbatch and a faceaudit-merge.sbatch job that runs when
# every task has succeeded (afterok). Prints the two job ids.
#
#   contrib/slurm/submit.sh N OUTDIR DATASET [eval options]
#
# Extra sbatch options go in $FA_SBATCH (e.g. "--partition=cpu --time=2:00:00").
set -eu

[ $# -ge 3 ] || { echo "usage: $0 N OUTDIR DATASET [eval options]" >&2; exit 2; }
n=$1
out=$2
shift 2
case $n in ''|*[!0-9]*|0) echo "$0: N must be a positive number" >&2; exit 2 ;; esac
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
# shellcheck disable=SC2086
array=$(sbatch --parsable ${FA_SBATCH:-} --array=1-"$n" -o "$out/slurm-%A_%a.out" \
    "$here/faceaudit-eval.sbatch" "$out" "$@")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${FA_SBATCH:-} --dependency=afterok:"$array" \
    -o "$out/slurm-%j-merge.out" "$here/faceaudit-merge.sbatch" "$out" "$n")
echo "array job $array ($n tasks), merge job ${merge%%;*}"
