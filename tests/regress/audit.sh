#!/bin/sh
# SPDX-License-Identifier: MIT
# audit.sh - `faceaudit audit`: verdicts, exit codes, --as-of, JSON, -o,
# the database record, and waivers (valid, expired, refused with messages).
. "${top_srcdir:-.}/tests/regress/lib.sh"
base="$top_srcdir/rules/tests/compliant.fa.yaml"
d="$top_srcdir/tests/data/rules"

fa audit "$base"
expect_rc 0 "a compliant deployment exits 0"
expect_grep "$tmp/out" '^SCORE 100\.0/100  grade A' "compliant: score 100, grade A"

# A camera in a changing room: critical, non-waivable failure, grade capped.
sed 's/^        location: gate$/        location: changing_room/' "$base" >"$tmp/changing.fa.yaml"
fa audit "$tmp/changing.fa.yaml"
expect_rc 1 "a failing rule exits 1"
expect_grep "$tmp/out" '^FAIL +FRT-A13-2  critical  Art\. 13\.2  gate-1$' "the ban is reported per device"
expect_grep "$tmp/out" 'gate-1 is installed inside a changing_room' "message names device and place"
expect_grep "$tmp/out" 'device\[gate-1\]\.location = changing_room \(from zone gates\)' \
    "facts show the value and where it was inherited from"
expect_grep "$tmp/out" 'grade D \(capped: critical failure\)' "critical failure caps the grade"
expect_grep "$tmp/out" '^  remedy: Remove the device\. The ban admits no exception or consent\.$' "remedy shown"

fa audit --as-of 2025-05-31 "$tmp/changing.fa.yaml"
expect_rc 0 "before 2025-06-01 the Measures are not in force"

fa audit --format json -o "$tmp/out.json" "$tmp/changing.fa.yaml"
expect_rc 1 "json to a file"
expect_grep "$tmp/out.json" '^  "schema": "faceaudit-audit",$' "json schema name"
expect_grep "$tmp/out.json" '^  "version": 1,$' "json schema version"
expect_grep "$tmp/out.json" '"rule": "FRT-A13-2".*"entity": "gate-1", "outcome": "fail"' "json finding"
if command -v python3 >/dev/null 2>&1; then
    checks=$((checks + 1))
    if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/out.json"; then
        pass "json parses"
    else
        fail "json does not parse"
    fi
fi

if command -v sqlite3 >/dev/null 2>&1; then
    checks=$((checks + 1))
    n=$(sqlite3 "$tmp/fa.db" "SELECT count(*) FROM audit_run JOIN run ON run.id = run_id WHERE status = 'complete'")
    f=$(sqlite3 "$tmp/fa.db" "SELECT count(*) FROM audit_finding WHERE rule = 'FRT-A13-2' AND outcome = 'fail'")
    if [ "$n" = 4 ] && [ "$f" = 4 ]; then pass "runs and findings saved"; else fail "db: $n runs, $f findings"; fi
fi

fa audit --no-save --as-of 2025-13-01 "$base"
expect_rc 2 "bad --as-of"
expect_grep "$tmp/err" "^faceaudit: audit: --as-of: " "bad --as-of message"

fa audit --no-save "$tmp/missing.fa.yaml"
expect_rc 2 "missing scenario"

# Waivers: FRT-A14-2 (security audit) fails in this variant.
sed 's/^  security_audit: true$/  security_audit: false/' "$base" >"$tmp/noaudit.fa.yaml"
fa audit --no-save "$tmp/noaudit.fa.yaml"
expect_rc 1 "no security audit fails"
fa audit --no-save --waivers "$d/waivers-ok.yaml" "$tmp/noaudit.fa.yaml"
expect_rc 0 "a valid waiver turns the failure into waived"
expect_grep "$tmp/out" '^WAIVED +FRT-A14-2' "finding shown as waived"
expect_grep "$tmp/out" 'without waivers [0-9.]+ \([A-F]\)' "score with and without waivers"
fa audit --no-save --as-of 2026-04-01 --waivers "$d/waivers-ok.yaml" "$tmp/noaudit.fa.yaml"
expect_rc 1 "an expired waiver counts as a failure"
expect_grep "$tmp/out" 'expired on 2026-03-31: counts as a failure' "expiry explained"

wbad() {
    fa audit --no-save --waivers "$d/$1" "$base"
    expect_rc 2 "waivers $1 refused"
    checks=$((checks + 1))
    want="faceaudit: audit: $d/$1:$2"
    if [ "$(cat "$tmp/err")" = "$want" ]; then pass "message for $1"; else
        fail "message for $1"; echo "  want: $want"; echo "  got:  $(cat "$tmp/err")"; fi
}
wbad waivers-ban.yaml "8: rule FRT-A13-2 is not waivable (no FR device inside a private space): a waiver cannot set it aside"
wbad waivers-self-approved.yaml "2: the approver of a waiver must differ from its author (li.wei)"
wbad waivers-bad-date.yaml "2: bad expiry date: '2026-02-30': 2026-02 has 28 days"
wbad waivers-inverted.yaml "2: expiry 2025-09-01 is before start 2026-03-31"
wbad waivers-unknown-rule.yaml "2: unknown rule 'FRT-A14-22' (did you mean 'FRT-A14-2'?)"
wbad waivers-unknown-key.yaml "6: not a valid waivers file: Unexpected key: aprover"
wbad waivers-empty.yaml "1: empty waivers file: expected a 'waivers:' list"

finish
