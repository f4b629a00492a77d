#!/bin/sh
# SPDX-License-Identifier: MIT
# thumbnails.sh - `faceaudit replay --keep-thumbnails DAYS` on the
# recorded-video example (datasets/recorded/gate-video, its videos built by
# make-videos.sh): one sealed thumbnail per track, listed (text, JSON) and
# exported as PNG files (0600, in a 0700 folder, at most 112 pixels) that
# decode; no plain pixels in the database; a tampered seal named; the export
# logged; past the expiry date `faceaudit purge` removes them and logs it; a
# run's thumbnails go with the run; the log verifies; bad DAYS, --no-save,
# a symbolic link as the folder refused; without the flag nothing is kept.
. "${top_srcdir:-.}/tests/regress/lib.sh"

command -v ffmpeg >/dev/null 2>&1 || skip "ffmpeg not installed: the test videos cannot be built"
[ -n "${FACEAUDIT_DATA:-}" ] && [ -d "$FACEAUDIT_DATA/faces/bbt" ] ||
    skip "FACEAUDIT_DATA not set: no face images to build the test videos from"
fa models verify
[ "$rc" -eq 0 ] || skip "models not installed (run faceaudit models fetch)"
command -v sqlite3 >/dev/null 2>&1 || skip "sqlite3 not installed"
g=$tmp/gate-video
cp -R "$top_srcdir/datasets/recorded/gate-video" "$g"
chmod -R u+w "$g"
sh "$top_srcdir/tests/regress/make-videos.sh" "$g/videos" || { fail "building the videos"; finish; }

# bad DAYS and --no-save: usage errors before any work
for d in 0 3651 -1 x 10x ''; do
    fa replay --keep-thumbnails "$d" "$g"
    expect_rc 2 "--keep-thumbnails '$d' refused"
done
expect_grep "$tmp/err" "keep-thumbnails: '' is not a number of days \(1-3650\)" "the error says what a good value is"
fa replay --keep-thumbnails 5 --no-save "$g"
expect_rc 2 "--keep-thumbnails with --no-save refused"
expect_grep "$tmp/err" 'not with --no-save' "said why"

# without the flag nothing is kept
fa replay "$g"
expect_rc 0 "a replay without the flag"
fa thumbnails list
expect_grep "$tmp/out" '^0 face thumbnails$' "no thumbnail kept without --keep-thumbnails"

# with it: one per track (gate-1 6 tracks, gate-2 2 + 1), expiring today + DAYS
export FACEAUDIT_TODAY=2026-01-10
fa replay --keep-thumbnails 30 --save kept "$g"
expect_rc 0 "replay --keep-thumbnails 30"
expect_grep "$tmp/err" '^faceaudit: replay: 9 face thumbnails kept \(sealed\) with run 2 until 2026-02-09' "the kept count and expiry on stderr"
fa thumbnails list --run 2
expect_rc 0 "thumbnails list --run"
expect_grep "$tmp/out" '^9 face thumbnails$' "exactly the tracks' count"
expect_grep "$tmp/out" '^ +2  gate-1 +2025-11-05 +6 +[0-9.]+ +[0-9]+x[0-9]+  2026-02-09$' "run, device, date, track, time, size, expiry"
[ "$(grep -c ' gate-2 ' "$tmp/out")" -eq 3 ] && pass "gate-2: 3 tracks" || fail "gate-2 rows: $(grep -c ' gate-2 ' "$tmp/out")"
fa thumbnails list --run 1
expect_grep "$tmp/out" '^0 face thumbnails$' "the first run kept none"
fa thumbnails list --format json
expect_rc 0 "--format json"
python3 - "$tmp/out" <<'PY' && pass "the JSON: count and rows agree" || fail "the JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["count"] == 9 == len(d["thumbnails"]), d["count"]
t = d["thumbnails"][0]
assert set(t) == {"run", "device", "date", "track", "file", "time", "width", "height", "expires"}, t
assert t["run"] == 2 and t["expires"] == "2026-02-09" and max(t["width"], t["height"]) <= 112
PY

# the database holds sealed blobs only: no PNG signature, no raw pixels
sqlite3 "$tmp/fa.db" "SELECT count(*) FROM thumbnail WHERE substr(sealed, 1, 4) = CAST('FAS2' AS BLOB) AND length(sealed) = width * height * 3 + 52" >"$tmp/sealed"
[ "$(cat "$tmp/sealed")" = 9 ] && pass "9 sealed blobs (FAS2, pixels + overhead)" || fail "sealed: $(cat "$tmp/sealed")"
if grep -q -a "$(printf '\211PNG')" "$tmp/fa.db"; then fail "a PNG signature in the database"; else pass "no PNG in the database"; fi

# export: valid PNGs of the listed size, 0600 in a 0700 folder, logged
fa thumbnails export --run 2 -o "$tmp/exp/run2"
expect_rc 0 "thumbnails export"
expect_grep "$tmp/out" '^9 face thumbnails of run 2 written to .*/exp/run2 \(logged\)$' "said so"
[ "$(stat -c %a "$tmp/exp/run2")" = 700 ] && pass "the folder made 0700" || fail "folder mode $(stat -c %a "$tmp/exp/run2")"
[ "$(stat -c %a "$tmp/exp/run2"/*.png | sort -u)" = 600 ] && pass "files 0600" || fail "file modes"
[ "$(ls "$tmp/exp/run2" | wc -l)" -eq 9 ] && pass "9 files" || fail "files: $(ls "$tmp/exp/run2")"
sqlite3 -separator ' ' "$tmp/fa.db" "SELECT device, date, track, width, height FROM thumbnail WHERE run_id = 2" >"$tmp/sizes"
python3 - "$tmp/exp/run2" "$tmp/sizes" <<'PY' && pass "every PNG decodes to the stored size, RGB8" || fail "the PNGs"
import os, struct, sys, zlib
for line in open(sys.argv[2]):
    dev, date, track, w, h = line.split()
    p = os.path.join(sys.argv[1], "run2-%s-%s-track%03d.png" % (dev, date, int(track)))
    data = open(p, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", p
    pos, idat = 8, b""
    while pos < len(data):
        n, t = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        assert zlib.crc32(data[pos + 4:pos + 8 + n]) == struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0]
        if t == b"IHDR":
            pw, ph, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif t == b"IDAT":
            idat += body
        pos += 12 + n
    assert (pw, ph) == (int(w), int(h)) and max(pw, ph) <= 112, (p, pw, ph)
    assert depth == 8 and ctype == 2, (depth, ctype)
    raw = zlib.decompress(idat)
    assert len(raw) == ph * (pw * 3 + 1), len(raw)
    assert len(set(raw)) > 16, "a flat image"
PY
fa log list
expect_grep "$tmp/out" 'thumbnails +export +run:2 +9 face thumbnails exported as PNG into .*/exp/run2$' "the export logged"
expect_grep "$tmp/out" 'replay +keep-thumbnails +run:2 +9 face thumbnails kept \(sealed\) until 2026-02-09$' "keeping them logged"
[ "$(grep -c 'replay  *process  *footage:' "$tmp/out")" -eq 10 ] && pass "every recording processed logged (two replays)" ||
    fail "process entries: $(grep -c 'replay  *process' "$tmp/out")"
ln -s "$tmp/exp/run2" "$tmp/exp/link"
fa thumbnails export --run 2 -o "$tmp/exp/link"
expect_rc 2 "a symbolic link as the folder refused"
expect_grep "$tmp/err" 'exp/link: is a symbolic link' "said so"
fa thumbnails export --run 1 -o "$tmp/exp/none"
expect_rc 2 "a run without thumbnails"
fa thumbnails export --run 2
expect_rc 2 "export without -o"
fa log verify
expect_rc 0 "the log verifies with the thumbnails"
expect_grep "$tmp/out" '9 face thumbnail' "and their seals were opened"

# a tampered seal: named, nothing written, log verify says so
id=$(sqlite3 "$tmp/fa.db" "SELECT id FROM thumbnail WHERE run_id = 2 ORDER BY id LIMIT 1 OFFSET 3")
python3 - "$tmp/fa.db" "$id" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
b = bytearray(c.execute("SELECT sealed FROM thumbnail WHERE id = ?", (int(sys.argv[2]),)).fetchone()[0])
b[60] ^= 1  # one bit of the ciphertext
c.execute("UPDATE thumbnail SET sealed = ? WHERE id = ?", (bytes(b), int(sys.argv[2])))
c.commit()
PY
fa thumbnails export --run 2 -o "$tmp/exp/tampered"
expect_rc 2 "a tampered thumbnail fails the export"
expect_grep "$tmp/err" "thumbnail $id \(run 2, gate-[12] 2025-11-0[567] track [0-9]+\).*(authentication|tampered)" "the error names it"
[ ! -e "$tmp/exp/tampered" ] || [ -z "$(ls "$tmp/exp/tampered")" ] && pass "nothing written" || fail "files written"
fa log verify
expect_rc 1 "log verify: the tampered seal"
expect_grep "$tmp/err" "thumbnail $id " "named"
# a blob moved to another row does not open either (bound to its place)
sqlite3 "$tmp/fa.db" "UPDATE thumbnail SET sealed = (SELECT sealed FROM thumbnail WHERE id = $id + 1) WHERE id = $id"
fa thumbnails export --run 2 -o "$tmp/exp/moved"
expect_rc 2 "a moved seal fails"

# expiry: not yet on the day before, gone on the day, logged; the log verifies
FACEAUDIT_TODAY=2026-02-08 fa purge --dry-run
expect_grep "$tmp/out" 'nothing to purge|template' "the day before the expiry: nothing"
export FACEAUDIT_TODAY=2026-02-08
fa purge
if grep -q 'face thumbnail' "$tmp/out"; then fail "purged before the expiry"; else pass "kept until the expiry date"; fi
export FACEAUDIT_TODAY=2026-02-09
fa purge --dry-run
expect_grep "$tmp/out" '^replay kept: 9 face thumbnails past their expiry date would be removed$' "--dry-run counts them"
fa purge --format json
expect_rc 0 "purge on the expiry date"
expect_grep "$tmp/out" '"expired_thumbnails": \[' "in the JSON"
expect_grep "$tmp/out" '\{"run": "replay kept", "removed": 9\}' "9 removed"
fa thumbnails list
expect_grep "$tmp/out" '^0 face thumbnails$' "none left"
fa log list
expect_grep "$tmp/out" 'purge +purge +run:2 +9 face thumbnails of replay kept expired on or before 2026-02-09$' "the purge logged"
fa log verify
expect_rc 0 "the log verifies after the purge"
fa db check
expect_rc 0 "db check"

# a run's thumbnails go with the run; replay's JSON says what was kept
fa replay --keep-thumbnails 1 --save again --format json "$g"
expect_rc 0 "another replay with thumbnails"
python3 - "$tmp/out" "$FACEAUDIT_TODAY" <<'PY' && pass "replay's JSON: the thumbnails kept, their run and expiry" || fail "replay's JSON thumbnails member"
import datetime, json, sys
d = json.load(open(sys.argv[1]))
t = d["thumbnails"]
want = (datetime.date.fromisoformat(sys.argv[2]) + datetime.timedelta(days=1)).isoformat()
assert t == {"kept": 9, "run": 3, "expires": want}, t
assert "footage" in d and "param_sources" not in d
PY
fa runs delete again
expect_rc 0 "the run deleted"
n=$(sqlite3 "$tmp/fa.db" "SELECT count(*) FROM thumbnail")
[ "$n" = 0 ] && pass "its thumbnails went with it" || fail "thumbnails left: $n"
fa log list
expect_grep "$tmp/out" 'runs +delete +run:3 +9 face thumbnails deleted with run again$' "and that was logged"
fa log verify
expect_rc 0 "the log verifies at the end"
finish
