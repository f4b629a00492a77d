#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/audit.sh - `faceaudit audit` end to end on generated engagements
# (bench/gen-engagement.sh: devices in a CSV inventory), text and JSON, as a
# user runs it: wall and CPU time and peak RSS from /usr/bin/time, against
# the targets of DESIGN.md section 11 (10,000 devices < 100 ms; 1,000,000
# devices < 10 s and < 400 MB). Run on demand; prints the load average,
# since timings on a shared machine are noisy.
#
#   bench/audit.sh [DEVICES...]        (default: 10000 100000)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
fa=${FACEAUDIT:-$here/faceaudit}
[ -x /usr/bin/time ] || { echo "bench/audit.sh: needs /usr/bin/time (Debian package time)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ $# -gt 0 ] || set -- 10000 100000
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %-5s %9s %9s %9s  %s\n' devices fmt wall_ms cpu_ms rss_MB target
for n in "$@"; do
    sh "$here/bench/gen-engagement.sh" "$n" "$tmp/e$n" $(( n / 1000 > 1 ? (n / 1000 > 1000 ? 1000 : n / 1000) : 1 ))
    for f in scenario-check text json; do
        if [ "$f" = scenario-check ]; then
            set -- scenario check "$tmp/e$n/engagement.fa.yaml"
        else
            set -- audit --no-save --format "$f" -o "$tmp/out.$f" "$tmp/e$n/engagement.fa.yaml"
        fi
        FACEAUDIT_RULES="$here/rules" /usr/bin/time -f '%e %U %S %M' -o "$tmp/t" "$fa" "$@" \
            >/dev/null 2>"$tmp/err" || [ $? -eq 1 ]
        tail -n 1 "$tmp/t" >"$tmp/t1"   # after "Command exited with non-zero status 1"
        read -r wall usr sys rss <"$tmp/t1"
        ms=$(awk -v w="$wall" 'BEGIN { printf "%d", w * 1000 }')
        cpu=$(awk -v u="$usr" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }')
        mb=$(awk -v r="$rss" 'BEGIN { printf "%d", r / 1024 }')
        target=""
        if [ "$f" != scenario-check ]; then
            if [ "$n" -le 10000 ]; then
                target=$([ "$ms" -lt 100 ] && echo "< 100 ms: met" || echo "< 100 ms: MISSED")
            elif [ "$n" -ge 1000000 ]; then
                target=$([ "$ms" -lt 10000 ] && [ "$mb" -lt 400 ] && echo "< 10 s, < 400 MB: met" ||
                    echo "< 10 s, < 400 MB: MISSED")
            fi
        fi
        printf '%-10s %-5s %9s %9s %9s  %s\n' "$n" "${f%%-*}" "$ms" "$cpu" "$mb" "$target"
    done
done
