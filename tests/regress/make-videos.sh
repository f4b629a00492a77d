#!/bin/sh
# SPDX-License-Identifier: MIT
# make-videos.sh OUTDIR - build the test footage with the ffmpeg program from
# the shared face crops ($FACEAUDIT_DATA/faces/bbt, 150x150 PNGs scaled to
# 160 px) on a grey 640x360 background, so what each video shows is known
# exactly. Nothing built here is committed.
#
#   walk.mp4     H.264/MP4: sheldon crosses the frame left to right, 0-3 s
#                (1 track, 1 person)
#   zone.mkv     VP9/Matroska, 3 s: howard stands in the left half (the area
#                "0,0 320,0 320,360 0,360") all along; bernadette enters on the
#                right at 0.5 s and walks into the area by 2.5 s; stuart stands
#                on the far right from 1 to 2 s (3 tracks, 3 people, 3 in view
#                at once; inside 1, partly outside 1, outside 1)
#   revisit.avi  MJPEG/AVI, 4 s: leonard 0-1 s, stuart 1.5-2.2 s, leonard
#                again 2.8-3.8 s (3 tracks, 2 people, never 2 in view)
#   rotated.mp4  HEVC/MP4, portrait 360x640 stored turned a quarter clockwise
#                with the rotate=90 flag: howard upright only when the flag is
#                honoured (1 track, 1 person; none with --no-rotate)
#   cut.mp4      walk.mp4 with its last 40% of bytes cut off (moov first)
set -eu
out=${1:?usage: make-videos.sh OUTDIR}
faces=${FACES:-${FACEAUDIT_DATA:?set FACEAUDIT_DATA or FACES}/faces/bbt}
mkdir -p "$out"
# every output stops with its background: -t on each (looped stills are endless)
ff() { ffmpeg -nostdin -loglevel error -y "$@"; }
bg() { echo "color=c=0x808080:size=${2:-640x360}:rate=25:duration=$1"; }
face() { echo "$faces/$1/${1}1.png"; }

ff -f lavfi -i "$(bg 3)" -loop 1 -i "$(face sheldon)" -filter_complex \
    "[1]scale=160:160,format=rgb24[a];[0][a]overlay=x='20+140*t':y=100:shortest=1:eval=frame" \
    -t 3 -c:v libx264 -g 25 -pix_fmt yuv420p -movflags +faststart "$out/walk.mp4"

ff -f lavfi -i "$(bg 3)" -loop 1 -i "$(face howard)" -loop 1 -i "$(face bernadette)" \
    -loop 1 -i "$(face stuart)" -filter_complex \
    "[1]scale=160:160,format=rgb24[h];[2]scale=160:160,format=rgb24[b];[3]scale=160:160,format=rgb24[s];\
[0][h]overlay=x=40:y=20:shortest=1[v1];\
[v1][b]overlay=x='340-150*(t-0.5)':y=190:eval=frame:enable='between(t,0.5,2.5)'[v2];\
[v2][s]overlay=x=470:y=10:enable='between(t,1,2)'" \
    -t 3 -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -b:v 1M "$out/zone.mkv"

ff -f lavfi -i "$(bg 4)" -loop 1 -i "$(face leonard)" -loop 1 -i "$(face stuart)" \
    -filter_complex \
    "[1]scale=160:160,format=rgb24,split[l1][l2];[2]scale=160:160,format=rgb24[s];\
[0][l1]overlay=x=60:y=100:shortest=1:enable='between(t,0,1)'[v1];\
[v1][s]overlay=x=200:y=100:enable='between(t,1.5,2.2)'[v2];\
[v2][l2]overlay=x=420:y=100:enable='between(t,2.8,3.8)'" \
    -t 4 -c:v mjpeg -q:v 3 "$out/revisit.avi"

ff -f lavfi -i "$(bg 2 360x640)" -loop 1 -i "$(face howard)" -filter_complex \
    "[1]scale=160:160,format=rgb24[h];[0][h]overlay=x=100:y='200+50*t':shortest=1:eval=frame,transpose=clock" \
    -t 2 -c:v libx265 -x265-params log-level=none -tag:v hvc1 -pix_fmt yuv420p "$out/rotated-plain.mp4"
ff -i "$out/rotated-plain.mp4" -c copy -metadata:s:v:0 rotate=90 "$out/rotated.mp4"
rm -f "$out/rotated-plain.mp4"

cp "$out/walk.mp4" "$out/cut.mp4"
size=$(wc -c <"$out/cut.mp4")
truncate -s $((size * 6 / 10)) "$out/cut.mp4"
