#!/bin/sh
# SPDX-License-Identifier: MIT
# replay.sh - `faceaudit replay` of the sample recorded deployments through
# the real engine: the facts that come out (enrolments, refusals, stored
# people, recognition figures with labelled subjects) and bad events files.
. "${top_srcdir:-.}/tests/regress/lib.sh"

fa models verify
[ "$rc" -eq 0 ] || skip "models not installed (run faceaudit models fetch)"

fa replay "$top_srcdir/datasets/recorded/demo-gate"
expect_rc 0 "replay the demo club door"
expect_grep "$tmp/out" '^recorded events: 20 \(6 images through the engine\), 2 refused FR, 18 processed, 0 without a usable face$' "every demo face found"
expect_grep "$tmp/out" '^totals: 20 arrivals, 14 new people, 14 enrolments, 0 purged$' "returning guests recognised, the rest enrolled"
expect_grep "$tmp/out" '^stored people: 14 at the end, peak 14$' "stored people"
expect_grep "$tmp/out" '^  Art. 8 +pass +2025-11-05 \.\. 2025-11-07$' "timeline from the replayed facts"
fa db info
expect_grep "$tmp/out" '^runs: 1$' "the replay is stored"
# the detector is the caller's choice, as for detect and eval
fa replay --no-save --detector ssd "$top_srcdir/datasets/recorded/demo-gate"
expect_rc 0 "replay with --detector ssd"
expect_grep "$tmp/out" '^recorded events: 20 \(6 images through the engine\), 2 refused FR, 18 processed, 1 without a usable face$' "SSD finds no usable face in one demo image (TinyFaceDetector: 0)"
fa replay --no-save --detector tild "$top_srcdir/datasets/recorded/demo-gate"
expect_rc 2 "a bad --detector"
expect_grep "$tmp/err" "replay: --detector is tiny, ssd or tiled, not 'tild'" "--detector named in the error"

if [ -n "${FACEAUDIT_DATA:-}" ] && [ -d "$FACEAUDIT_DATA/faces/bbt" ]; then
    fa replay --no-save --format json -o "$tmp/bbt.json" "$top_srcdir/datasets/recorded/bbt-office"
    fa replay --no-save "$top_srcdir/datasets/recorded/bbt-office"
    expect_rc 0 "replay the labelled office"
    expect_grep "$tmp/out" '^  genuine searches 28: 0 false non-matches \(FNMR 0.0%\), rank-1 correct 28$' "FNMR and rank-1 from labelled subjects"
    expect_grep "$tmp/out" '^  searches by people not enrolled 7: 0 false matches \(FPIR 0.0%\)$' "FPIR from labelled subjects"
    expect_grep "$tmp/out" '^totals: 40 arrivals, 7 new people, 7 enrolments, 0 purged$' "the refusing person is never enrolled"
    expect_grep "$tmp/out" '5 refusals, 0 false non-matches: 5 served by the alternative' "refusals served"
else
    echo "SKIP (part): FACEAUDIT_DATA not set: the labelled bbt replay did not run"
fi

# Bad events files: file:line and the column.
mkdir -p "$tmp/bad"
cp "$top_srcdir/datasets/recorded/demo-gate/scenario.fa.yaml" "$tmp/bad/"
printf 'time,device,image,consent\n2025-11-05,door-1,$FACEAUDIT_MODELS/demo/sample2.jpg,refsued\n' > "$tmp/bad/events.csv"
fa replay --no-save "$tmp/bad"
expect_rc 2 "bad consent value"
expect_grep "$tmp/err" "bad/events.csv:2: column 'consent': 'refsued' is not given, guardian, refused or none \(did you mean 'refused'\?\)" "consent hint"
printf 'time,device,image,consent\n2025-11-05,door-9,x.jpg,given\n' > "$tmp/bad/events.csv"
fa replay --no-save "$tmp/bad"
expect_grep "$tmp/err" "bad/events.csv:2: column 'device': no device 'door-9' in " "unknown device"
printf 'time,device,image,consent\n2025-11-06,door-1,x.jpg,given\n2025-11-05,door-1,x.jpg,given\n' > "$tmp/bad/events.csv"
fa replay --no-save "$tmp/bad"
expect_grep "$tmp/err" "bad/events.csv:3: column 'time': 2025-11-05 is earlier than the event before" "events out of order"
printf 'time,device,image\n2025-11-05,door-1,x.jpg\n' > "$tmp/bad/events.csv"
fa replay --no-save "$tmp/bad"
expect_grep "$tmp/err" "bad/events.csv:1: the header needs the columns time, device, image and consent" "missing column"
printf 'time,device,image,consent\n2025-11-05,door-1,missing.jpg,given\n' > "$tmp/bad/events.csv"
fa replay --no-save "$tmp/bad"
expect_rc 2 "missing image"
expect_grep "$tmp/err" "bad/events.csv:2: .*missing.jpg" "missing image named with the event line"
fa replay --no-save "$tmp/nowhere"
expect_rc 2 "missing folder"

finish
