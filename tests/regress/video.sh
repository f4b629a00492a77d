#!/bin/sh
# SPDX-License-Identifier: MIT
# video.sh - `faceaudit video` on footage built here by make-videos.sh from
# the shared face crops: the tracks, distinct people, faces in view at once
# and the collection-area counts each video was built to show, for H.264,
# VP9, MJPEG and HEVC in MP4, Matroska and AVI; sampling and a time range;
# the rotation flag; a truncated tail decoded as far as it goes; bad input.
. "${top_srcdir:-.}/tests/regress/lib.sh"

command -v ffmpeg >/dev/null 2>&1 || skip "ffmpeg not installed: the test videos cannot be built"
[ -n "${FACEAUDIT_DATA:-}" ] && [ -d "$FACEAUDIT_DATA/faces/bbt" ] ||
    skip "FACEAUDIT_DATA not set: no face images to build the test videos from"
fa models verify
[ "$rc" -eq 0 ] || skip "models not installed (run faceaudit models fetch)"
v=$tmp/videos
sh "$top_srcdir/tests/regress/make-videos.sh" "$v" || { fail "building the test videos"; finish; }

fa video "$v/walk.mp4"
expect_rc 0 "one face walking across (H.264 in MP4)"
expect_grep "$tmp/out" '/walk.mp4: h264 in mov,mp4,m4a,3gp,3g2,mj2, 640x360, 25.000 fps, 3.000 s, rotation 0$' "codec, container, size"
expect_grep "$tmp/out" '^  frames: 75 decoded, 75 sampled \(0.000 .. 2.960 s\)$' "every frame with its time"
expect_grep "$tmp/out" '^  detections [0-9]+, tracks 1, people 1$' "one track, one person"
expect_grep "$tmp/out" '^  under 14 \(estimate\): [0-9.]+% of 1 people with an age estimate, interval [0-9.]+% \.\. [0-9.]+% \(95% Wilson, widened by the estimator.s error of \+/- 4\.82 years\)$' "the under-14 estimate with its interval"

fa video --area "0,0 320,0 320,360 0,360" --format json "$v/zone.mkv"
expect_rc 0 "three people and a collection area (VP9 in Matroska)"
expect_grep "$tmp/out" '"tracks": 3,' "three tracks"
expect_grep "$tmp/out" '"people": 3,' "three people"
expect_grep "$tmp/out" '"max_in_view": 3,' "three in view at once"
expect_grep "$tmp/out" '"area": \{"tracks_inside": 1, "tracks_partly_outside": 1, "tracks_outside": 1,' "inside, entering, outside"
expect_grep "$tmp/out" '"format": "faceaudit-video/1"' "JSON format named"
if grep -q '"descriptor' "$tmp/out"; then fail "no descriptor in the output"; else pass "no descriptor in the output"; fi
expect_under14 "$tmp/out" 3 "the three people's under-14 estimate: in [0, 1], lo <= share <= hi"
if grep -q '"age"' "$tmp/out"; then fail "no person's age in the output"; else pass "no person's age in the output"; fi

fa video "$v/revisit.avi"
expect_rc 0 "a repeated visitor (MJPEG in AVI)"
expect_grep "$tmp/out" '^  detections [0-9]+, tracks 3, people 2$' "three tracks, two people"
expect_grep "$tmp/out" '^  track 3: 2.8[0-9]+ .. 3.[0-9]+ s, [0-9]+ detections, person 1,' "the third track is the first person again"
expect_grep "$tmp/out" '^  most faces in view: 1 .*frames with 2 or more faces: 0 ' "never two at once"

fa video --fps 5 --start 2.5 --end 3.5 "$v/revisit.avi"
expect_rc 0 "sampling and a time range"
# frames every 0.04 s: the first at or after 2.5 s is 2.52, then one per 0.2 s
expect_grep "$tmp/out" '^  frames: [0-9]+ decoded, 5 sampled \(2.520 .. 3.320 s\)$' "5 frames a second from 2.5 to 3.5 s"
expect_grep "$tmp/out" '^  detections [0-9]+, tracks 1, people 1$' "only the return visit"

fa video "$v/rotated.mp4"
expect_rc 0 "a rotation flag (HEVC in MP4)"
expect_grep "$tmp/out" 'hevc in mov.*rotation 270$' "the flag read"
expect_grep "$tmp/out" '^  detections 50, tracks 1, people 1$' "upright: found in every frame"
fa video --no-rotate "$v/rotated.mp4"
expect_grep "$tmp/out" '^  detections 0, tracks 0, people 0$' "--no-rotate: a face on its side is not found"

fa video "$v/cut.mp4"
expect_rc 2 "a truncated file is an input error"
expect_grep "$tmp/out" '^  frames: 2[0-9] decoded' "what decoded is kept"
expect_grep "$tmp/out" '^  detections [0-9]+, tracks 1, people 1$' "and tracked"
expect_grep "$tmp/err" 'cut.mp4: .*at 0\.[0-9]+ s \(byte [0-9]+, after frame [0-9]+\).*decoded up to 0\.[0-9]+ s of 3\.000 s' "where it broke"

printf 'not a video\n' > "$tmp/junk.mp4"
fa video "$tmp/junk.mp4"
expect_rc 2 "not a video"
expect_grep "$tmp/err" 'junk.mp4: Invalid data found when processing input' "named with the file"
fa video --fps 0 "$v/walk.mp4"
expect_rc 2 "--fps 0"
fa video --start 1:75 "$v/walk.mp4"
expect_grep "$tmp/err" "--start: '1:75' is not a time" "bad time"
fa video --area "0,0 1,1" "$v/walk.mp4"
expect_grep "$tmp/err" '--area: a polygon needs at least 3 points' "bad polygon"

finish
