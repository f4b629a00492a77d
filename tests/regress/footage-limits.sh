#!/bin/sh
# SPDX-License-Identifier: MIT
# footage-limits.sh - issue 19: `faceaudit replay` on hostile footage. Every
# refusal exits 2 with the file named (footage.csv with line and field, the
# scenario with line and column) and stores nothing (no run, no audit-log
# entry): footage.csv over its size, rows, fields or field length; a video
# named by an absolute path, `..` or a symbolic link leading out of the
# folder; a FIFO (without blocking), a folder, a socket; a video over the
# size (a sparse file), duration or frame-size limits; collection areas
# with too few or many points, a non-finite or far-away point. Then resume:
# a replay killed after its first device-day (FACEAUDIT_CRASH_AT) decodes
# that day again when one of its recordings changed (modification time;
# bytes with size and time kept) and says so, and takes no checkpoint made
# under other options.
. "${top_srcdir:-.}/tests/regress/lib.sh"

command -v ffmpeg >/dev/null 2>&1 || skip "ffmpeg not installed: the test videos cannot be built"
b=$tmp/site
mkdir -p "$b"
cp "$top_srcdir/datasets/recorded/gate-video/scenario.fa.yaml" "$b/"
chmod u+w "$b/scenario.fa.yaml"
ff() { ffmpeg -nostdin -loglevel error -y "$@"; }
# tiny synthetic clips (no faces): one second at 10 frames/s
ff -f lavfi -i testsrc=size=160x120:rate=10:duration=1 -pix_fmt yuv420p -c:v libx264 "$b/a.mp4" ||
    { fail "building a clip"; finish; }
ff -f lavfi -i testsrc=size=160x120:rate=10:duration=1 -pix_fmt yuv420p -c:v mjpeg "$b/b.avi"
cp "$b/a.mp4" "$tmp/outside.mp4"

# fa_t ARGS...: fa, killed after 60 s (a FIFO must not block the replay)
fa_t() {
    env -i PATH="$PATH" HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" FACEAUDIT_DB="$tmp/fa.db" \
        FACEAUDIT_MODELS="${FACEAUDIT_MODELS:-}" FACEAUDIT_RULES="$top_srcdir/rules" \
        FACEAUDIT_KEY_FILE="$tmp/data/faceaudit/template.key" LC_ALL=C.UTF-8 TZ=UTC \
        timeout 60 "$FACEAUDIT" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    rc=$?
}
# refuse NAME CSV-TEXT MESSAGE-PATTERN: replay refused with exit 2 and the message
refuse() {
    printf '%b' "$2" >"$b/footage.csv"
    fa_t replay "$b"
    expect_rc 2 "$1: exit 2"
    expect_grep "$tmp/err" "$3" "$1: the message"
}
hdr='file,device,start\n'
day=',gate-2,2025-11-06T08:00\n'

# footage.csv
long=$(head -c 1100 /dev/zero | tr '\0' x)
refuse "a field over 1024 bytes" "$hdr$long$day" \
    "^faceaudit: replay: .*/site/footage.csv:2:1: field 1 \(column 'file'\) is longer than 1024 bytes$"
refuse "more fields than the header" "${hdr}a.mp4,gate-2,2025-11-06T08:00,x\n" \
    "^faceaudit: replay: .*/site/footage.csv:2:4: 4 fields, the header has 3$"
refuse "more than 16 fields" "${hdr}a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q\n" \
    "^faceaudit: replay: .*/site/footage.csv:2: more than 16 fields$"
awk 'BEGIN { print "file,device,start"; for (i = 0; i < 10001; i++) print "a.mp4,gate-2,2025-11-06T08:00" }' >"$tmp/rows.csv"
refuse "more than 10000 rows" "$(cat "$tmp/rows.csv")\n" \
    "^faceaudit: replay: .*/site/footage.csv:10002: more than 10000 recordings$"
head -c 17000000 /dev/zero | tr '\0' '\n' >"$b/footage.csv"
fa_t replay "$b"
expect_rc 2 "footage.csv over 16 MiB"
expect_grep "$tmp/err" "site/footage.csv: 17000000 bytes exceed the limit of 16777216 bytes$" "its size named"

# confinement
refuse "an absolute path" "$hdr$tmp/outside.mp4$day" \
    "site/footage.csv:2: column 'file': '.*/outside.mp4' is an absolute path: a recording must be inside the replay folder$"
refuse "a .. escape" "$hdr../outside.mp4$day" \
    "site/footage.csv:2: column 'file': '../outside.mp4' leads outside the replay folder$"
ln -s "$tmp/outside.mp4" "$b/link.mp4"
refuse "a symbolic link out" "${hdr}link.mp4$day" \
    "site/footage.csv:2: column 'file': 'link.mp4' is a symbolic link leading outside the replay folder \(to .*/outside.mp4\)$"
ln -s /dev/zero "$b/zero.mp4"
refuse "a link to a device" "${hdr}zero.mp4$day" "'zero.mp4' is a symbolic link leading outside the replay folder \(to /dev/zero\)$"
mkfifo "$b/fifo.mp4"
refuse "a FIFO, without blocking" "${hdr}fifo.mp4$day" "site/footage.csv:2: column 'file': 'fifo.mp4' is a FIFO, not a regular file$"
mkdir "$b/dir.mp4"
refuse "a folder" "${hdr}dir.mp4$day" "'dir.mp4' is a folder, not a regular file$"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$b/sock.mp4" 2>/dev/null &&
    refuse "a socket" "${hdr}sock.mp4$day" "'sock.mp4' is a socket, not a regular file$"
if mknod "$b/null.mp4" c 1 3 2>/dev/null; then
    refuse "a device inside the folder" "${hdr}null.mp4$day" "'null.mp4' is a device, not a regular file$"
fi
mkdir -p "$b/sub"
refuse ".. inside the folder is fine until the file is missing" "${hdr}sub/../missing.mp4$day" \
    "site/footage.csv:2: column 'file': .*site/sub/../missing.mp4: No such file or directory$"

# video limits
truncate -s 65G "$b/big.mp4"
refuse "a file over 64 GiB (sparse)" "${hdr}big.mp4$day" \
    "site/footage.csv:2: column 'file': big.mp4: 69793218560 bytes exceed the limit of 68719476736 bytes$"
ff -f lavfi -i testsrc=size=64x48:rate=1:duration=2 -vf 'setpts=N*100000/TB' -fps_mode passthrough \
    -c:v mjpeg "$b/long.mkv"
refuse "a declared duration over one day" "${hdr}long.mkv$day" \
    "site/footage.csv:2: column 'file': long.mkv: a declared duration of [0-9]+ s exceeds the limit of 86400 s$"
ff -f lavfi -i color=size=8200x4400:rate=1:duration=1 -c:v mjpeg -q:v 31 "$b/huge.avi"
refuse "frames over 8K" "${hdr}huge.avi$day" \
    "site/footage.csv:2: column 'file': huge.avi: video frames of 8200x4400 pixels exceed the limit of 35389440 pixels"

# collection areas: file:line:col of the scenario
area() {
    sed "s/collection_area: \"0,0 320,0 320,360 0,360\"/collection_area: \"$2\"/" \
        "$top_srcdir/datasets/recorded/gate-video/scenario.fa.yaml" >"$b/scenario.fa.yaml"
    refuse "$1" "${hdr}a.mp4,gate-1,2025-11-06T08:00\n" "^faceaudit: .*site/scenario.fa.yaml:[0-9]+:[0-9]+: device 'gate-1': collection_area: $3"
}
area "two points" "0,0 10,0" "a polygon needs at least 3 points"
area "65 points" "$(awk 'BEGIN { for (i = 0; i < 65; i++) printf "%d,0 ", i }')" "more than 64 points"
area "a point beyond the frame" "0,0 99999,0 0,10" "point 2 .99999,0. lies beyond 16384 pixels of the frame"
area "a non-finite point" "0,0 inf,0 0,10" "point 2: expected x,y \\(pixels\\) at .inf,0 0,10."
cp "$top_srcdir/datasets/recorded/gate-video/scenario.fa.yaml" "$b/scenario.fa.yaml"

# nothing stored by any refusal
fa db info
expect_grep "$tmp/out" '^runs: 0$' "no run stored"
fa log list
if grep -q 'replay' "$tmp/out"; then fail "audit-log entries written: $(grep -c replay "$tmp/out")"
else pass "no audit-log entry for a refused footage"; fi

# Resume (needs the models): gate-2 on 2025-11-06 (a.mp4), then gate-2 on 2025-11-07 (b.avi).
fa models verify
if [ "$rc" -ne 0 ]; then
    echo "skip: models not installed: resume checks not run"
    finish
fi
printf '%ba.mp4,gate-2,2025-11-06T08:00\nb.avi,gate-2,2025-11-07T08:00\n' "$hdr" >"$b/footage.csv"
fa replay --no-save "$b"
expect_rc 0 "the clips replay"
cp "$tmp/out" "$tmp/full.out"
# a modification time changed since the checkpoint
FACEAUDIT_CRASH_AT=footage-day:1 fa replay --no-save "$b"
expect_rc 137 "killed after the first device-day"
touch -m -d '2024-01-01 00:00:00' "$b/a.mp4"
fa replay --no-save "$b"
expect_rc 0 "rerun after a.mp4 was touched"
expect_grep "$tmp/err" '^faceaudit: replay: gate-2 2025-11-06: a\.mp4 changed since its checkpoint \(modification time\): the device-day is decoded again$' "the touched recording's day redone, and said"
if grep -q 'resumed' "$tmp/err"; then fail "a changed day taken from its checkpoint"; else pass "nothing resumed"; fi
if cmp -s "$tmp/out" "$tmp/full.out"; then pass "the same output"; else fail "output differs"; fi
# bytes changed with the size and the time kept
FACEAUDIT_CRASH_AT=footage-day:1 fa replay --no-save "$b"
expect_rc 137 "killed again"
cp -p "$b/a.mp4" "$tmp/ref.mp4"
size=$(wc -c <"$b/a.mp4")
printf 'Z' | dd of="$b/a.mp4" bs=1 seek=$((size - 8)) conv=notrunc 2>/dev/null
touch -r "$tmp/ref.mp4" "$b/a.mp4"
fa replay --no-save "$b"
expect_grep "$tmp/err" '^faceaudit: replay: gate-2 2025-11-06: a\.mp4 changed since its checkpoint \(SHA-256\): the device-day is decoded again$' "changed bytes found by the hash"
cp -p "$tmp/ref.mp4" "$b/a.mp4"
# an unchanged day is taken
FACEAUDIT_CRASH_AT=footage-day:1 fa replay --no-save "$b"
fa replay --no-save "$b"
expect_grep "$tmp/err" '^faceaudit: replay: resumed: 1 of 2 recordings taken from the checkpoints of an unfinished run$' "an unchanged day resumed"
if grep -q 'changed since' "$tmp/err"; then fail "an unchanged day called changed"; else pass "not called changed"; fi
# other options: no checkpoint taken
FACEAUDIT_CRASH_AT=footage-day:1 fa replay --no-save "$b"
for opt in "--fps 5" "--min-face 20" "--merge-threshold 0.5" "--max-gap 2" "--iou-min 0.4" \
    "--min-hits 2" "--no-rotate" "--detector tiled"; do
    # shellcheck disable=SC2086
    fa replay --no-save $opt "$b"
    expect_rc 0 "$opt"
    if grep -q 'resumed' "$tmp/err"; then fail "$opt took the checkpoint of other options"
    else pass "$opt: the checkpoint of other options not taken"; fi
done
fa replay --no-save "$b"
expect_grep "$tmp/err" '^faceaudit: replay: resumed: 1 of 2 recordings' "the same options take it"

finish
