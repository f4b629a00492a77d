#!/bin/sh
# SPDX-License-Identifier: MIT
# templates.sh - templates at rest and their audit trail (doc/SECURITY.md): enrolled
# templates are sealed (no plaintext descriptor in the database), a wrong key
# file or a modified blob fails cleanly, every access is in the audit log,
# editing a log row by hand makes `log verify` fail naming the row, and
# `purge` enforces retention.
. "${top_srcdir:-.}/tests/regress/lib.sh"

fa models verify
[ "$rc" -eq 0 ] || skip "models not installed (run faceaudit models fetch)"
command -v sqlite3 >/dev/null 2>&1 || skip "sqlite3 (the command) is not installed"
demo="$FACEAUDIT_MODELS/demo"
export FACEAUDIT_KEY_FILE="$tmp/keys/template.key"

fa enroll --gallery club --subject guest-a --retention-days 30 "$demo/sample2.jpg"
expect_rc 0 "enrol a guest"
checks=$((checks + 1))
[ "$(stat -c %a "$FACEAUDIT_KEY_FILE")" = 600 ] && pass "key file created 0600" || fail "key file mode"
fa enroll --gallery club --subject guest-b "$demo/sample1.jpg"
expect_rc 0 "enrol a second guest"

blob=$(sqlite3 "$tmp/fa.db" "SELECT hex(substr(descriptor, 1, 4)) FROM template ORDER BY id LIMIT 1")
checks=$((checks + 1))
[ "$blob" = 46415332 ] && pass "templates are sealed records (FAS2: bound to gallery, subject, image, time)" || fail "template blob starts $blob"
len=$(sqlite3 "$tmp/fa.db" "SELECT length(descriptor) FROM template ORDER BY id LIMIT 1")
checks=$((checks + 1))
[ "$len" = $((512 + 52)) ] && pass "sealed blob is 512 + 52 bytes" || fail "blob of $len bytes"

fa identify --gallery club "$demo/sample2.jpg"
expect_rc 0 "identify with the right key"
expect_grep "$tmp/out" 'guest-a' "the enrolled guest is found"

# Another key file: a clear error, never garbage.
FA_DB="$tmp/other.db" FACEAUDIT_KEY_FILE="$tmp/keys/other.key" fa enroll --gallery x "$demo/sample2.jpg"
FACEAUDIT_KEY_FILE="$tmp/keys/other.key" fa identify --gallery club "$demo/sample2.jpg"
expect_rc 2 "identify with the wrong key fails"
expect_grep "$tmp/err" "holds key [0-9a-f]{16}, but this database's templates and audit log were made with key [0-9a-f]{16}: wrong key file" "wrong key named"

# A modified blob: authentication fails.
sqlite3 "$tmp/fa.db" "UPDATE template SET descriptor = CAST(substr(descriptor, 1, 100) || X'00' || substr(descriptor, 102) AS BLOB) WHERE id = (SELECT min(id) FROM template)"
fa identify --gallery club "$demo/sample2.jpg"
expect_rc 2 "a tampered template fails"
expect_grep "$tmp/err" "template [0-9]+ \(gallery club, subject guest-a\) failed authentication: the record or the data bound to it was modified, or it was moved from another row" "tampering reported"
sqlite3 "$tmp/fa.db" "DELETE FROM template WHERE id = (SELECT min(id) FROM template)"

# The audit log: every access recorded, verify catches a hand edit.
fa log list
expect_grep "$tmp/out" 'enroll +enrol +gallery:club' "enrolment logged"
expect_grep "$tmp/out" 'identify +identify +gallery:club' "identification logged"
fa log verify
expect_rc 0 "log verifies"
fa log list --format json
checks=$((checks + 1))
python3 -c 'import json, sys; e = json.load(open(sys.argv[1]))["entries"]; assert any(x["command"] == "enroll" and x["action"] == "enrol" and x["object"] == "gallery:club" for x in e) and [x["id"] for x in e] == sorted(x["id"] for x in e)' "$tmp/out" &&
    pass "log list as JSON: the enrolment, oldest first" || fail "log list JSON"
fa log verify --format json
expect_rc 0 "log verify as JSON"
checks=$((checks + 1))
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["intact"] is True and d["entries"] >= 2 and len(d["head"]) == 64' "$tmp/out" &&
    pass "log verify JSON: intact, entries, head" || fail "log verify JSON"
sqlite3 "$tmp/fa.db" "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET user = 'mallory' WHERE id = 2"
fa log verify
expect_rc 1 "an edited log row fails verification"
expect_grep "$tmp/err" "audit log entry 2 \(.* by mallory\) does not match its MAC" "the edited row is named"
fa log verify --format json
expect_rc 1 "an edited log row fails verification (JSON)"
checks=$((checks + 1))
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["intact"] is False and d["bad_entry"] == 2 and "mallory" in d["problem"]' "$tmp/out" &&
    pass "log verify JSON names the bad entry" || fail "log verify JSON when broken"

# Retention: backdate one template; purge by the gallery's 30 days.
fa enroll --gallery club --subject guest-c "$demo/sample4.jpg"
sqlite3 "$tmp/fa.db" "UPDATE template SET created_at = '2020-01-01T00:00:00Z' WHERE subject = 'guest-c'"
fa purge --dry-run
expect_rc 0 "dry run"
expect_grep "$tmp/out" '^club: 1 template older than 30 days would be removed$' "dry run counts"
fa purge --dry-run --format json
checks=$((checks + 1))
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["dry_run"] is True and d["templates"] == 1 and d["galleries"] == [{"gallery": "club", "older_than_days": 30, "removed": 1}]' "$tmp/out" &&
    pass "purge --dry-run as JSON: the gallery and its count" || fail "purge JSON: $(cat "$tmp/out")"
n=$(sqlite3 "$tmp/fa.db" "SELECT count(*) FROM template WHERE subject = 'guest-c'")
checks=$((checks + 1))
[ "$n" = 1 ] && pass "dry run changes nothing" || fail "dry run deleted"
fa purge
expect_rc 0 "purge by retention"
expect_grep "$tmp/out" '^club: 1 template older than 30 days removed$' "purge removes the old template"
n=$(sqlite3 "$tmp/fa.db" "SELECT count(*) FROM template WHERE subject = 'guest-c'")
checks=$((checks + 1))
[ "$n" = 0 ] && pass "template gone" || fail "template still there"
fa purge --older-than 0 --gallery club
expect_rc 0 "purge everything in a gallery"
fa purge --gallery nosuch
expect_rc 2 "unknown gallery"
expect_grep "$tmp/err" "no gallery named 'nosuch'" "gallery named"

finish
