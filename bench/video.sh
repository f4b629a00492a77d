#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/video.sh - `faceaudit video` on generated H.264 footage at 1080p and
# 720p (25 fps, a face crossing the frame on a textured background, built
# with the ffmpeg program from a shared face crop; nothing kept), detection
# on every frame: wall and CPU time, frames per second (per wall second and
# per CPU second), the factor against real time and peak RSS, with the load average (timings on a shared machine
# are noisy). The target (DESIGN.md section 11): 1080p at least 2x real time
# on 2 cores, under 300 MB.
#
#   bench/video.sh [SECONDS]        (default 10; FACEAUDIT_DATA for the face)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
fa=${FACEAUDIT:-$here/faceaudit}
secs=${1:-10}
face=${FACEAUDIT_DATA:-$here/../shared/datasets}/faces/bbt/sheldon/sheldon1.png
[ -x /usr/bin/time ] || { echo "bench/video.sh: needs /usr/bin/time (Debian package time)" >&2; exit 2; }
[ -f "$face" ] || { echo "bench/video.sh: no face image at $face (set FACEAUDIT_DATA)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
printf '%-6s %-16s %7s %8s %8s %7s %7s %8s %7s\n' size options frames wall_s cpu_s fps x_real cpu_fps rss_MB
for size in 1920x1080 1280x720; do
    w=${size%x*}
    fs=$((w / 6))
    ffmpeg -nostdin -loglevel error -y -f lavfi -i "testsrc2=size=$size:rate=25:duration=$secs" \
        -loop 1 -i "$face" -filter_complex \
        "[1]scale=$fs:$fs[f];[0][f]overlay=x='(W-w)*t/$secs':y=(H-h)/2:shortest=1:eval=frame" \
        -t "$secs" -c:v libx264 -preset veryfast -pix_fmt yuv420p "$tmp/v.mp4"
    for opts in "--decode-threads 1" "--decode-threads 2"; do
        # shellcheck disable=SC2086
        /usr/bin/time -f '%e %U %S %M' -o "$tmp/t" "$fa" video $opts "$tmp/v.mp4" >"$tmp/out"
        read -r wall usr sys rss <"$tmp/t"
        frames=$(sed -n 's/^  frames: \([0-9]*\) decoded.*/\1/p' "$tmp/out")
        awk -v s="$size" -v o="$opts" -v n="$frames" -v w="$wall" -v u="$usr" -v y="$sys" \
            -v r="$rss" -v d="$secs" 'BEGIN {
                printf "%-6s %-16s %7d %8.2f %8.2f %7.1f %7.2f %8.1f %7d\n", substr(s, index(s, "x") + 1) "p",
                    o, n, w, u + y, n / w, d / w, n / (u + y), r / 1024 }'
    done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
