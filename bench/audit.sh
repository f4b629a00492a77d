#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/audit.sh - `faceaudit audit` end to end on generated engagements
# (bench/gen-engagement.sh: devices in a CSV inventory), text and JSON, as a
# user runs it: wall and CPU time and peak RSS from /usr/bin/time, against
# the targets of DESIGN.md section 11 (10,000 devices < 100 ms; 1,000,000
# devices < 10 s and < 400 MB). Each case runs REPS times (default 3); the
# table shows the median wall time, the best and the median CPU time and
# the largest peak RSS, and judges the targets on the median CPU time: on
# a shared machine wall time mostly measures the other users. Run on
# demand; prints the load average before and after.
#
#   bench/audit.sh [--reps N] [DEVICES...]        (default: 10000 100000)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
fa=${FACEAUDIT:-$here/faceaudit}
reps=3
if [ "${1:-}" = --reps ]; then
    reps=${2:?usage: bench/audit.sh [--reps N] [DEVICES...]}
    shift 2
fi
[ -x /usr/bin/time ] || { echo "bench/audit.sh: needs /usr/bin/time (Debian package time)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ $# -gt 0 ] || set -- 10000 100000
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $reps runs each"
printf '%-10s %-8s %9s %11s %11s %7s  %s\n' devices run wall_ms cpu_ms_best cpu_ms_med rss_MB \
    "target (median CPU)"
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for n in "$@"; do
    sh "$here/bench/gen-engagement.sh" "$n" "$tmp/e$n" $(( n / 1000 > 1 ? (n / 1000 > 1000 ? 1000 : n / 1000) : 1 ))
    for f in scenario-check text json; do
        : >"$tmp/runs"
        r=0
        while [ "$r" -lt "$reps" ]; do
            if [ "$f" = scenario-check ]; then
                set -- scenario check "$tmp/e$n/engagement.fa.yaml"
            else
                set -- audit --no-save --format "$f" -o "$tmp/out.$f" "$tmp/e$n/engagement.fa.yaml"
            fi
            FACEAUDIT_RULES="$here/rules" /usr/bin/time -f '%e %U %S %M' -o "$tmp/t" "$fa" "$@" \
                >/dev/null 2>"$tmp/err" || [ $? -eq 1 ]
            tail -n 1 "$tmp/t" >>"$tmp/runs"   # after "Command exited with non-zero status 1"
            r=$((r + 1))
        done
        wall=$(awk '{ print int($1 * 1000) }' "$tmp/runs" | median)
        best=$(awk '{ print int(($2 + $3) * 1000) }' "$tmp/runs" | sort -n | head -n 1)
        cpu=$(awk '{ print int(($2 + $3) * 1000) }' "$tmp/runs" | median)
        mb=$(awk '{ if ($4 > m) m = $4 } END { print int(m / 1024) }' "$tmp/runs")
        target=""
        if [ "$f" != scenario-check ]; then
            if [ "$n" -le 10000 ]; then
                target=$([ "$cpu" -lt 100 ] && echo "< 100 ms: met" || echo "< 100 ms: MISSED")
            elif [ "$n" -ge 1000000 ]; then
                target=$([ "$cpu" -lt 10000 ] && [ "$mb" -lt 400 ] && echo "< 10 s, < 400 MB: met" ||
                    echo "< 10 s, < 400 MB: MISSED")
            fi
        fi
        printf '%-10s %-8s %9s %11s %11s %7s  %s\n' "$n" "${f%%-*}" "$wall" "$best" "$cpu" "$mb" \
            "$target"
    done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
