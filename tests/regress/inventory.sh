#!/bin/sh
# SPDX-License-Identifier: MIT
# inventory.sh - device inventories as auditors receive them: UTF-8 with a
# byte-order mark, CRLF line ends, columns in another order and optional
# ones left out all load to the same audit as the bundled inventory; 15
# malformed inventories give their exact messages (file:line:column), every
# bad row of a file at once; the device limit counts each device once.
. "${top_srcdir:-.}/tests/regress/lib.sh"

src=$(cd "$top_srcdir" && pwd)
d="$tmp/inv"
mkdir -p "$d"
sed 's/^inventory: .*/inventory: inv.csv/' "$src/datasets/scenarios/office-attendance.fa.yaml" \
    >"$d/s.fa.yaml"
cp -R "$src/datasets/scenarios/evidence" "$d/" 2>/dev/null
orig="$src/datasets/scenarios/office-attendance.devices.csv"

# --- the same inventory written four ways -------------------------------------------
fa audit --no-save --per-device "$src/datasets/scenarios/office-attendance.fa.yaml"
grep -E '^(SCORE|  [0-9]+ pass|FAIL|EVIDENCE|ADVISORY|WAIVED)' "$tmp/out" >"$tmp/want"
# columns reversed (awk keeps the quoting-free cells of this file)
awk -F, -v OFS=, '{ s = $NF; for (i = NF - 1; i >= 1; i--) s = s OFS $i; print s }' "$orig" \
    >"$tmp/reversed.csv"
for v in plain bom crlf bom-crlf-reversed; do
    case $v in
    plain) cp "$orig" "$d/inv.csv" ;;
    bom) { printf '\357\273\277'; cat "$orig"; } >"$d/inv.csv" ;;
    crlf) sed 's/$/\r/' "$orig" >"$d/inv.csv" ;;
    bom-crlf-reversed) { printf '\357\273\277'; sed 's/$/\r/' "$tmp/reversed.csv"; } >"$d/inv.csv" ;;
    esac
    fa audit --no-save --per-device "$d/s.fa.yaml"
    expect_rc 1 "$v inventory loads and audits"
    grep -E '^(SCORE|  [0-9]+ pass|FAIL|EVIDENCE|ADVISORY|WAIVED)' "$tmp/out" >"$tmp/got"
    checks=$((checks + 1))
    if cmp -s "$tmp/want" "$tmp/got"; then pass "$v: the same verdicts as the bundled inventory"
    else fail "$v: verdicts differ"; diff "$tmp/want" "$tmp/got" | head -5; fi
done
fa scenario get "$d/s.fa.yaml" device:att-1f-2 name
expect_grep "$tmp/out" '^Turnstile 2 ' "a value read from the reordered CRLF columns (no stray CR)"
# optional columns: only id and zone
printf 'zone,id\r\nlobby-turnstiles,t-1\r\nfloor5,t-2\r\n' >"$d/inv.csv"
fa scenario check "$d/s.fa.yaml"
expect_rc 0 "an inventory of only id and zone"

# --- malformed inventories: exact messages --------------------------------------------
n=0
cd "$d" || exit 99   # messages name the inventory as the scenario does: relative
bad() { # bad DESCRIPTION EXPECTED-STDERR  (the inventory is on stdin)
    n=$((n + 1))
    cat >"$d/inv.csv"
    fa scenario check s.fa.yaml
    expect_rc 2 "bad $n: $1"
    checks=$((checks + 1))
    printf '%s\n' "$2" >"$tmp/want"
    if cmp -s "$tmp/want" "$tmp/err"; then pass "bad $n: exact message"
    else fail "bad $n: message"; diff "$tmp/want" "$tmp/err" | head -8; fi
}
bad "unknown column with a hint" "inv.csv:1:3: column 'identifes_people': not a device fact (did you mean 'identifies_people'?)" <<'CSV'
id,zone,identifes_people
a1,lobby-turnstiles,true
CSV
bad "a column twice" "inv.csv:1:3: column 'zone': appears twice in the header (column 2)" <<'CSV'
id,zone,zone
a1,lobby-turnstiles,floor5
CSV
bad "no id column" "inv.csv:1: the header has no 'id' column (required)" <<'CSV'
zone,name
lobby-turnstiles,x
CSV
bad "a bad boolean" "inv.csv:3:2: column 'identifies_people': 'perhaps' is not a boolean: expected true or false (or unknown)" <<'CSV'
id,identifies_people,zone
a1,true,lobby-turnstiles
a2,perhaps,lobby-turnstiles
CSV
bad "an unknown zone with a hint" "inv.csv:2:2: column 'zone': no zone 'floor55' in the scenario (did you mean 'floor5'?)" <<'CSV'
id,zone
a1,floor55
CSV
bad "a site that does not hold the zone" "inv.csv:2:2: column 'site': zone 'wh-dock' belongs to site 'warehouse', not 'hq'" <<'CSV'
id,site,zone
a1,hq,wh-dock
CSV
bad "too many fields" "inv.csv:2: 3 fields, the header has 2" <<'CSV'
id,zone
a1,floor5,extra
CSV
bad "an unterminated quote" "inv.csv:3: malformed CSV: error parsing data while strict checking enabled (an unterminated quote?)" <<'CSV'
id,zone,name
a1,floor5,ok
a2,floor5,"broken
CSV
printf 'id,zone,name\na1,floor5,caf\351\n' >"$tmp/latin1.csv"
bad "Latin-1, not UTF-8" "inv.csv:2:3: not UTF-8 text (save the inventory as CSV UTF-8)" <"$tmp/latin1.csv"
printf '\377\376i\000d\000\n\000' >"$tmp/utf16.csv"
bad "UTF-16" "inv.csv:1: UTF-16 text: save the inventory as CSV UTF-8" <"$tmp/utf16.csv"
printf 'id,zone,name\na1,floor5,ca\000fe\n' >"$tmp/nul.csv"
bad "a NUL byte" "inv.csv:2: NUL byte: not a text file" <"$tmp/nul.csv"
{ printf 'id,zone,name\na1,floor5,'; head -c 5000 /dev/zero | tr '\0' x; printf '\n'; } >"$tmp/long.csv"
bad "a value longer than a YAML value may be" "inv.csv:2:3: column 'name': value longer than 4096 bytes" <"$tmp/long.csv"
bad "an empty id" "inv.csv:2:1: column 'id': empty (every device needs a unique id)" <<'CSV'
id,zone
,floor5
CSV
bad "a date that is not one" "inv.csv:2:3: column 'installed': bad date '2025-13-01': month 13 does not exist" <<'CSV'
id,zone,installed
a1,floor5,2025-13-01
CSV
# all errors of a file at once, the good rows between them still loaded
bad "three bad rows and an unknown column" "inv.csv:1:4: column 'colour': not a device fact (see faceaudit-scenario(5), INVENTORY)
inv.csv:3:3: column 'identifies_people': 'maybe' is not a boolean: expected true or false (or unknown)
inv.csv:5:2: column 'zone': no zone 'roof' in the scenario
inv.csv:6: 2 fields, the header has 4" <<'CSV'
id,zone,identifies_people,colour
a1,floor5,true,red
a2,floor5,maybe,red
a3,floor6,false,blue
a4,roof,true,red
a5,floor5
CSV

# --- the device limit counts each device once -------------------------------------------
printf 'id,zone\na1,floor5\na2,floor5\na3,floor5\n' >"$d/inv.csv"
lim() {
    env -i PATH="$PATH" HOME="$tmp/home" FACEAUDIT_RULES="$top_srcdir/rules" LC_ALL=C.UTF-8 \
        FACEAUDIT_MAX_DEVICES="$1" "$FACEAUDIT" scenario check "$d/s.fa.yaml" >"$tmp/out" 2>"$tmp/err"
    rc=$?
}
lim 3
expect_rc 0 "3 devices within a limit of 3 (each counted once; it used to count twice)"
lim 2
expect_rc 2 "3 devices over a limit of 2"
expect_grep "$tmp/err" "/inv\.csv:4: more than 2 devices \(the limit; set FACEAUDIT_MAX_DEVICES to change it\)$" "the limit is named with how to change it"
cd "$src" || exit 99
finish
