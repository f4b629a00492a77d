#!/bin/sh
# SPDX-License-Identifier: MIT
# audit-store.sh - an audit run as stored (migration 10): one row per rule,
# outcome, waiver and message with its entities as index ranges into the
# scenario's entity order, stored once as runs of numbered ids. Read back,
# a stored run of a generated 1,000-device engagement gives `faceaudit diff`
# byte for byte what the per-device JSON result gives (both directions,
# every unchanged instance listed, each device's own message), a 10,000-
# device run (aggregated as it is audited) reads back as every instance; the
# rows do not grow with the devices and the stored bytes barely do when the
# devices share their facts; the impact assessment redoes a grouped run.
. "${top_srcdir:-.}/tests/regress/lib.sh"

src=$(cd "$top_srcdir" && pwd)
command -v python3 >/dev/null 2>&1 || skip "python3 is needed to read the database"
sh "$src/bench/gen-engagement.sh" 1000 "$tmp/e1000" || skip "the generator failed"
e=$tmp/e1000/engagement.fa.yaml

# the same engagement with one device newly failing and one fixed
mkdir -p "$tmp/mod"
cp "$e" "$tmp/mod/"
sed -e 's/^cam-0000005,\(.*\),,,$/cam-0000005,\1,,false,/' \
    -e 's/^cam-0000007,\(.*\),,false,$/cam-0000007,\1,,,/' \
    "$tmp/e1000/engagement.devices.csv" >"$tmp/mod/engagement.devices.csv"
fa audit --no-save --format json -o "$tmp/mod.json" "$tmp/mod/engagement.fa.yaml"
expect_rc 1 "the changed engagement audited"

FA_DB=$tmp/a.db fa audit --per-device --format json -o "$tmp/pd.json" "$e"
expect_rc 1 "the 1,000-device engagement audited and stored"

# diff read from the stored run = diff read from the per-device result (the
# first line names the run; the score is stored in full, JSON has 2 decimals)
same_diff() { # what A B A2 B2
    FA_DB=$tmp/a.db fa diff -v "$2" "$3"
    sed -e 1d -e '/^  score /d' -e '/^  without waivers /d' "$tmp/out" >"$tmp/d1"
    FA_DB=$tmp/a.db fa diff -v "$4" "$5"
    sed -e 1d -e '/^  score /d' -e '/^  without waivers /d' "$tmp/out" >"$tmp/d2"
    checks=$((checks + 1))
    if cmp -s "$tmp/d1" "$tmp/d2" && [ "$(wc -l <"$tmp/d1")" -gt 9000 ]; then
        pass "$1: the stored run reads back as the per-device result ($(wc -l <"$tmp/d1") lines)"
    else
        fail "$1: the stored run reads back differently"
        diff "$tmp/d1" "$tmp/d2" | head -10
    fi
}
same_diff "stored -> changed" latest "$tmp/mod.json" "$tmp/pd.json" "$tmp/mod.json"
same_diff "changed -> stored" "$tmp/mod.json" latest "$tmp/mod.json" "$tmp/pd.json"
FA_DB=$tmp/a.db fa diff "$tmp/mod.json" latest
expect_grep "$tmp/out" '^               cam-0000007: signage present false, prominent true$' "a device's own message comes back from its group"
FA_DB=$tmp/a.db fa diff latest "$tmp/pd.json"
expect_grep "$tmp/out" '^  0 new failures, 0 fixed, 0 changed, [0-9]+ unchanged$' "the stored run against its own result: nothing changed"

# the impact assessment redoes a grouped run
FA_DB=$tmp/a.db fa pia --audit latest "$e"
expect_rc 0 "pia --audit reads the grouped run"

# stored size: devices sharing their facts (the exceptions only among the first 50)
rows() { # N -> "rows bytes" of its stored run
    sh "$src/bench/gen-engagement.sh" "$1" "$tmp/s$1" >/dev/null || skip "the generator failed"
    awk -F, -v OFS=, 'NR > 1 && substr($1, 5) + 0 > 50 { $7 = ""; $8 = ""; $9 = "" } { print }' \
        "$tmp/s$1/engagement.devices.csv" >"$tmp/s$1/d.csv" && mv "$tmp/s$1/d.csv" "$tmp/s$1/engagement.devices.csv"
    FA_DB=$tmp/s$1.db fa audit --format json -o "$tmp/s$1.json" "$tmp/s$1/engagement.fa.yaml"
    python3 - "$tmp/s$1.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
n, b = c.execute("SELECT count(*), sum(length(coalesce(entity, '')) + length(coalesce(entities, '')) "
                 "+ length(coalesce(message, '')) + length(explanation)) FROM audit_finding").fetchone()
e = c.execute("SELECT length(entities) FROM audit_run").fetchone()[0]
print(n, b + e)
PY
}
set -- $(rows 1000) $(rows 2000) $(rows 10000)
checks=$((checks + 1))
if [ "$1" -eq "$3" ] && [ "$1" -eq "$5" ] && [ "$1" -lt 100 ]; then
    pass "rows bounded by rules x outcomes: $1 for 1,000, 2,000 and 10,000 devices"
else
    fail "rows grow with the devices: $1, $3, $5 for 1,000, 2,000, 10,000"
fi
checks=$((checks + 1))
if [ "$6" -lt $(($2 + $2 / 10)) ]; then
    pass "stored bytes grow sublinearly: $2 for 1,000 devices, $4 for 2,000, $6 for 10,000"
else
    fail "stored bytes grow with the devices: $2, $4, $6 for 1,000, 2,000, 10,000"
fi

# a 10,000-device run, aggregated as it is audited, reads back as every instance
FA_DB=$tmp/s10000.db fa audit --no-save --per-device --format json -o "$tmp/pd10000.json" "$tmp/s10000/engagement.fa.yaml"
FA_DB=$tmp/s10000.db fa diff latest "$tmp/pd10000.json"
expect_grep "$tmp/out" '^  0 new failures, 0 fixed, 0 changed, [0-9]{5,} unchanged$' "the aggregated 10,000-device run against its per-device result: nothing changed"

finish
