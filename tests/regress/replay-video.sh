#!/bin/sh
# SPDX-License-Identifier: MIT
# replay-video.sh - `faceaudit replay` of the recorded-video example
# (datasets/recorded/gate-video: a scenario and footage.csv, no events.csv),
# its videos built by make-videos.sh into a copy: per device and day the
# tracks, distinct people (tracks merged across a day's recordings), faces
# outside the collection area with their first times, people in view at once
# and bystanders, a damaged recording named; declared facts the footage
# contradicts (collection area defined, 1:1 mode) with both sides and their
# provenance; the rules' findings on the observed facts (device.observed.*)
# per day, text and JSON; one audit-log entry per recording with its hash;
# a replay killed (SIGKILL) or interrupted (SIGINT) after a device-day resumes
# with the same output;
# nothing of a face written; bad footage lists and polygons named with
# file:line.
. "${top_srcdir:-.}/tests/regress/lib.sh"

command -v ffmpeg >/dev/null 2>&1 || skip "ffmpeg not installed: the test videos cannot be built"
[ -n "${FACEAUDIT_DATA:-}" ] && [ -d "$FACEAUDIT_DATA/faces/bbt" ] ||
    skip "FACEAUDIT_DATA not set: no face images to build the test videos from"
fa models verify
[ "$rc" -eq 0 ] || skip "models not installed (run faceaudit models fetch)"
g=$tmp/gate-video
cp -R "$top_srcdir/datasets/recorded/gate-video" "$g"
chmod -R u+w "$g"
sh "$top_srcdir/tests/regress/make-videos.sh" "$g/videos" || { fail "building the videos"; finish; }
find "$tmp" -type f | sort >"$tmp/files.before"

fa replay "$g"
expect_rc 0 "replay footage without events.csv"
expect_grep "$tmp/out" '^recorded footage: 5 recordings \(faceaudit video pipeline: tiny 416 detector' "the method"
expect_grep "$tmp/out" '^  gate-1 2025-11-05: recordings 2 \([0-9.]+ s, [0-9]+ frames\), tracks 6, people 4$' "two recordings of a day: 6 tracks, 4 people (stuart and leonard seen twice)"
expect_grep "$tmp/out" '^    in view at once: at most 3, 2\.0 s with 2 or more, tracks seen with another face 3$' "bystanders"
expect_grep "$tmp/out" '^    under 14 \(estimate\): [0-9.]+% of 4 people with an age estimate, interval [0-9.]+% \.\. [0-9.]+% ' "the day's under-14 estimate: one per person"
expect_grep "$tmp/out" '^    outside the collection area: 3 of 6 tracks \(50%\), 2 wholly; e\.g\. at 09:00:00\.5, 09:00:01\.0, 09:30:02\.8$' "outside the area with times"
expect_grep "$tmp/out" '^  gate-2 2025-11-06: recordings 2 .*, tracks 2, people 1$' "a walk and its truncated copy: one person"
expect_grep "$tmp/out" '^    outside the collection area: not measured \(the device has no collection_area\)$' "no polygon, not measured"
expect_grep "$tmp/out" '^    damaged: videos/cut.mp4: .*decoded up to 0\.[0-9]+ s of 3\.000 s' "the damaged recording named"
expect_grep "$tmp/err" '^faceaudit: replay: warning: videos/cut.mp4: ' "and warned about"
expect_grep "$tmp/out" '^  gate-2 2025-11-07: recordings 1 .*, tracks 1, people 1$' "the rotated recording"
expect_grep "$tmp/out" '^declared against observed: 2 contradictions$' "two declared facts contradicted"
expect_grep "$tmp/out" '^  gate-1 2025-11-05: collection_area_defined$' "the area, on the day it happened"
expect_grep "$tmp/out" '^    declared: true \(.*gate-video/scenario.fa.yaml:[0-9]+:[0-9]+\)$' "the declared side with where it is written"
expect_grep "$tmp/out" '^    observed: 3 of 6 face tracks \(50%\) captured outside the collection area, 2 wholly; first at 09:00:00\.5$' "the observed side"
expect_grep "$tmp/out" '^    from: videos/zone.mkv from 09:00:00 for 3\.0 s, videos/revisit.avi from 09:30:00 for 4\.0 s$' "the provenance"
expect_grep "$tmp/out" '^  gate-1 2025-11-05: mode$' "1:1 declared"
expect_grep "$tmp/out" '^    observed: up to 3 faces in view at once, 2\.0 s with two or more, 3 face tracks seen with another \(bystanders captured during 1:1 checks\)$' "bystanders observed"
# The observed figures are facts the rules read (device.observed.*): the
# contradictions are findings of the rule pack with both sides and the recordings.
expect_grep "$tmp/out" '^findings on observed facts: 4 \(the rule pack, each day.s audit\)$' "findings on observed facts"
expect_grep "$tmp/out" '^  2025-11-05 FRT-A13-6 gate-1: fail$' "the area contradicted: a finding of Art. 13"
expect_grep "$tmp/out" '^    gate-1: declared: collection area defined; observed: 50% of the face tracks captured outside it \(footage: videos/zone.mkv from 09:00:00 for 3\.0 s, videos/revisit.avi from 09:30:00 for 4\.0 s\)$' "its message: declared, observed, footage"
expect_grep "$tmp/out" '^    declared: .*device\[gate-1\]\.collection_area_defined = true \(.*gate-video/scenario.fa.yaml:[0-9]+:[0-9]+\)$' "the declared side with where it is written"
expect_grep "$tmp/out" '^    observed: device\[gate-1\]\.observed\.outside_percent = 50$' "the observed side"
expect_grep "$tmp/out" '^  2025-11-05 FRT-A06-8 gate-1: fail$' "bystanders in a 1:1 check: a finding of Art. 6"
expect_grep "$tmp/out" '^  2025-11-06 FRT-A06-8 gate-2: pass$' "one face at a time: passes on the day observed"
if grep -q 'FRT-A13-6 gate-2' "$tmp/out"; then fail "no area, no finding on it"; else pass "gate-2 has no collection_area: FRT-A13-6 not applicable, not listed"; fi
expect_grep "$tmp/out" '^  Art\. 6   fail +2025-11-05 \.\. 2025-11-05$' "Art. 6 fails on the footage's day only"
expect_grep "$tmp/out" '^replay of .*gate-video: 2025-11-05 \.\. 2025-11-07 \(3 days\)$' "the series spans the footage"
expect_grep "$tmp/out" '^  Art\. 13 ' "audited"
fa db info
expect_grep "$tmp/out" '^runs: 1$' "the replay is stored"
# The audit log names every recording processed, by whom, with its hash.
fa log list
zone_sha=$(sha256sum "$g/videos/zone.mkv" | cut -d' ' -f1)
expect_grep "$tmp/out" "replay +process +footage:.*gate-video/videos/zone.mkv +device gate-1, start 2025-11-05T09:00:00, sha256 $zone_sha\$" "the audit log: file, device, start, hash"
[ "$(grep -c 'replay  *process  *footage:' "$tmp/out")" -eq 5 ] && pass "one log entry per recording" ||
    fail "log entries: $(grep -c 'replay  *process' "$tmp/out")"
fa log verify
expect_rc 0 "the log's chain holds"
# only the database and the key (in the data folder) are new
find "$tmp" -type f | grep -v -e '/fa\.db' -e 'files\.' -e '/data/faceaudit/' | sort >"$tmp/files.after"
grep -v -e '/fa\.db' -e 'files\.' -e '/data/faceaudit/' "$tmp/files.before" | sort >"$tmp/files.b"
if diff "$tmp/files.b" "$tmp/files.after" >/dev/null; then pass "no frame or face image written"
else fail "files appeared: $(diff "$tmp/files.b" "$tmp/files.after" | head -5)"; fi

# A killed replay resumes: each device-day is checkpointed as its recordings
# finish; killed (SIGKILL) after the first device-day (zone.mkv and
# revisit.avi), the rerun takes that day from the checkpoint, decodes the
# other three recordings and prints exactly what an uninterrupted run does.
fa replay --no-save "$g"
expect_rc 0 "an uninterrupted run"
cp "$tmp/out" "$tmp/full.out"
if grep -q 'resumed' "$tmp/err"; then fail "nothing to resume after a finished run"; else pass "a finished run leaves no checkpoint"; fi
FACEAUDIT_CRASH_AT=footage-day:1 fa replay --no-save "$g"
expect_rc 137 "killed after the first device-day"
fa replay --no-save --fps 5 "$g"
expect_rc 0 "other options"
if grep -q 'resumed' "$tmp/err"; then fail "checkpoints of other options taken"; else pass "other options: the checkpoints are not taken"; fi
fa replay --no-save "$g"
expect_rc 0 "resumed after the kill"
expect_grep "$tmp/err" '^faceaudit: replay: resumed: 2 of 5 recordings taken from the checkpoints of an unfinished run$' "the first day's two recordings not decoded again"
if cmp -s "$tmp/out" "$tmp/full.out"; then pass "resumed output equals the uninterrupted run's"
else fail "resumed output differs: $(diff "$tmp/full.out" "$tmp/out" | head -5)"; fi
fa replay --no-save "$g"
if grep -q 'resumed' "$tmp/err"; then fail "checkpoints left after the resumed run"; else pass "the resumed run dropped its checkpoints"; fi
# Ctrl-C (SIGINT after the first device-day): stops between frames, exit 130,
# the finished day kept; --no-resume starts over.
FACEAUDIT_CRASH_AT=footage-day:1:INT fa replay --no-save "$g"
expect_rc 130 "interrupted"
expect_grep "$tmp/err" 'interrupted: no run was stored and no output written; the recordings finished so far are kept' "said so"
fa replay --no-save --no-resume "$g"
expect_rc 0 "--no-resume"
if grep -q 'resumed' "$tmp/err"; then fail "--no-resume resumed"; else pass "--no-resume decodes everything"; fi
if cmp -s "$tmp/out" "$tmp/full.out"; then pass "--no-resume output equals the uninterrupted run's"
else fail "--no-resume output differs"; fi
FACEAUDIT_CRASH_AT=footage-day:2:INT fa replay --no-save "$g"
expect_rc 130 "interrupted after the second device-day"
fa replay --no-save "$g"
expect_grep "$tmp/err" '^faceaudit: replay: resumed: 4 of 5 recordings' "two device-days taken after Ctrl-C"
if cmp -s "$tmp/out" "$tmp/full.out"; then pass "resumed after Ctrl-C: the same output"
else fail "resumed after Ctrl-C differs: $(diff "$tmp/full.out" "$tmp/out" | head -5)"; fi

# The footage as a document: declared against observed, with the provenance.
fa replay --no-save --format html -o "$tmp/footage.html" "$g"
expect_rc 0 "--format html"
expect_grep "$tmp/footage.html" '<h2>Declared against observed</h2>' "the HTML's section"
expect_grep "$tmp/footage.html" '<tr><td>2025-11-05</td><td>gate-1</td><td>FRT-A13-6 <span class="small">\(Art\. 13\)</span>.*<span class="fail">fail</span>.*<li>device\[gate-1\]\.collection_area_defined = true \(.*scenario.fa.yaml:[0-9]+:[0-9]+\)</li></ul></td><td><ul><li>device\[gate-1\]\.observed\.outside_percent = 50</li></ul></td><td>videos/zone.mkv from 09:00:00 for 3\.0 s' "declared, observed and footage side by side"
python3 -c 'import html.parser, sys; p = html.parser.HTMLParser(); p.feed(open(sys.argv[1]).read()); p.close()' "$tmp/footage.html" &&
    pass "the HTML parses" || fail "the HTML does not parse"

fa replay --no-save --format json --fps 5 "$g"
expect_rc 0 "JSON, 5 frames a second"
expect_grep "$tmp/out" '"device": "gate-1", "date": "2025-11-05", "recordings": 2, .*"tracks": 6, "people": 4, "max_in_view": 3,' "the day in JSON"
expect_grep "$tmp/out" '"fact": "collection_area_defined", "declared": "true \(' "the contradiction in JSON"
expect_grep "$tmp/out" '"tracks_outside": 3, "tracks_wholly_outside": 2, "outside_examples": \["09:00:00\.6", "09:00:01\.0", "09:30:02\.8"\]' "sampled: first times on the 0.2 s grid"
expect_under14 "$tmp/out" 1 "every day's under-14 estimate: in [0, 1], lo <= share <= hi"
if grep -q '"age"' "$tmp/out"; then fail "no person's age in the output"; else pass "no person's age in the output"; fi
expect_grep "$tmp/out" '"rule": "FRT-A13-6", "article": 13, "device": "gate-1", "outcome": "fail", .*"observed": "device\[gate-1\]\.observed\.outside_percent = 50", "provenance": "videos/zone.mkv' "the finding in JSON"
if grep -q '"descriptor' "$tmp/out"; then fail "no descriptor in the output"; else pass "no descriptor in the output"; fi

# Bad footage lists and areas: file:line and the column.
b=$tmp/bad
mkdir -p "$b"
cp "$g/scenario.fa.yaml" "$b/"
printf 'file,device\nx.mp4,gate-1\n' >"$b/footage.csv"
fa replay --no-save "$b"
expect_rc 2 "missing column"
expect_grep "$tmp/err" 'bad/footage.csv:1: the header needs the columns file, device and start' "header named"
printf 'file,device,start\nx.mp4,gate-1,2025-11-05 09:00\n' >"$b/footage.csv"
fa replay --no-save "$b"
expect_grep "$tmp/err" "bad/footage.csv:2: column 'start': '2025-11-05 09:00' is not YYYY-MM-DDTHH:MM\[:SS\]" "bad start"
printf 'file,device,start\nx.mp4,gate-9,2025-11-05T09:00\n' >"$b/footage.csv"
fa replay --no-save "$b"
expect_grep "$tmp/err" "bad/footage.csv:2: column 'device': no device 'gate-9' in " "unknown device"
printf 'file,device,start\nmissing.mp4,gate-1,2025-11-05T09:00\n' >"$b/footage.csv"
fa replay --no-save "$b"
expect_rc 2 "missing video"
expect_grep "$tmp/err" 'bad/footage.csv:2: .*missing.mp4: No such file or directory' "missing video named with its line"
printf 'not a video\n' >"$b/junk.mp4"
printf 'file,device,start\njunk.mp4,gate-2,2025-11-05T09:00\n' >"$b/footage.csv"
fa replay --no-save "$b"
expect_grep "$tmp/err" 'bad/footage.csv:2: .*junk.mp4: Invalid data found when processing input' "not a video"
sed 's/collection_area: "0,0 320,0 320,360 0,360"/collection_area: "0,0 320,0"/' "$g/scenario.fa.yaml" >"$b/scenario.fa.yaml"
cp "$g/videos/walk.mp4" "$b/walk.mp4"
printf 'file,device,start\nwalk.mp4,gate-1,2025-11-05T09:00\n' >"$b/footage.csv"
fa replay --no-save "$b"
expect_rc 2 "a bad polygon"
expect_grep "$tmp/err" "bad/scenario.fa.yaml:[0-9]+:[0-9]+: device 'gate-1': collection_area: a polygon needs at least 3 points" "the polygon named with file:line:col"
rm -f "$b/footage.csv"
fa replay --no-save "$b"
expect_rc 2 "neither events nor footage"
expect_grep "$tmp/err" 'bad/events.csv' "events.csv still needed without footage.csv"

finish
