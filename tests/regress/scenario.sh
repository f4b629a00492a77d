#!/bin/sh
# SPDX-License-Identifier: MIT
# scenario.sh - `faceaudit scenario`: lint the bundled scenarios, report bad
# files with positions and hints, read and change facts, and keep the man
# page's fact list complete.
. "${top_srcdir:-.}/tests/regress/lib.sh"

src=$(cd "$top_srcdir" && pwd)
cd "$src/datasets/scenarios" || exit 99

fa scenario check --quiet *.fa.yaml
expect_rc 0 "every bundled scenario is valid"
golden scenario-check-bundled.out
golden scenario-check-bundled.err "$tmp/err"

fa scenario check --strict --quiet bank-branch.fa.yaml
expect_rc 2 "--strict fails on the evidence mismatch"

fa scenario check retail-chain-250k.fa.yaml
expect_grep "$tmp/out" '^  entities: 3 sites, 4 zones, 9 devices \(9 from the inventory\), 1 evidence, 1 filing change$' "inventory devices counted"
expect_grep "$tmp/out" '^  evidence: 1 ok, 0 mismatch, 0 missing, 0 unchecked$' "evidence verified"

# --unknown: only the unknown facts that can change a verdict, most severe
# rule first, each with the rules it decides
fa scenario check --unknown hotel-front-desk.fa.yaml
expect_grep "$tmp/out" '^  unknown: security.intrusion_prevention decides medium: FRT-A14-5$' "--unknown lists a deciding fact with its rule"
if grep -q 'unknown: device\.' "$tmp/out"; then fail "inherited device facts listed as unknown"; else pass "inherited device facts are known"; fi
checks=$((checks + 1))
fa scenario check --unknown office-attendance.fa.yaml
if grep -q 'unknown: device.signage.prominent' "$tmp/out"; then fail "a fact that decides nothing is listed"; else pass "signage.prominent (unknown on 4 devices) decides no verdict: not listed"; fi
checks=$((checks + 1))
fa scenario set hotel-front-desk.fa.yaml device:desk-tablet-1.location=unknown \
    deployment.consent.withdrawal_channel=unknown -o "$tmp/unknowns.fa.yaml"
fa scenario check --unknown --quiet "$tmp/unknowns.fa.yaml"
sed -n 's/^  unknown: //p' "$tmp/out" > "$tmp/unknowns.txt"
printf '%s\n' 'device.location on 1 of 2 devices decides critical: FRT-A13-2' \
    'consent.withdrawal_channel decides high: FRT-A06-2' \
    'security.intrusion_prevention decides medium: FRT-A14-5' > "$tmp/unknowns.want"
checks=$((checks + 1))
if cmp -s "$tmp/unknowns.txt" "$tmp/unknowns.want"; then pass "--unknown orders by severity"; else fail "--unknown order"; diff "$tmp/unknowns.want" "$tmp/unknowns.txt"; fi
# the scoped, withdrawal and age facts: a deployment default no device gives is
# the deployment's fact; a device's own unknown is counted per device
fa scenario set hotel-front-desk.fa.yaml device:desk-tablet-1.captures=unknown \
    deployment.consent.withdrawal_deletes_template=unknown \
    deployment.consent.withdrawal_as_easy=unknown deployment.subjects.age_check=unknown \
    -o "$tmp/unknowns2.fa.yaml"
fa scenario check --unknown --quiet "$tmp/unknowns2.fa.yaml"
sed -n 's/^  unknown: //p' "$tmp/out" > "$tmp/unknowns.txt"
printf '%s\n' 'consent.who decides high: FRT-A06-5' \
    'consent.withdrawal_deletes_template decides high: FRT-A06-7' \
    'device.captures on 1 of 2 devices decides high: FRT-A06-5' \
    'consent.withdrawal_as_easy decides medium: FRT-A06-6' \
    'security.intrusion_prevention decides medium: FRT-A14-5' \
    'subjects.age_check decides medium: FRT-A07-3' > "$tmp/unknowns.want"
checks=$((checks + 1))
if cmp -s "$tmp/unknowns.txt" "$tmp/unknowns.want"; then pass "--unknown lists the new facts by severity"; else fail "--unknown with the new facts"; diff "$tmp/unknowns.want" "$tmp/unknowns.txt"; fi
FACEAUDIT_RULES="$tmp/no-rules" fa scenario check --unknown hotel-front-desk.fa.yaml
expect_rc 2 "--unknown needs the rule pack"

# a file with several mistakes: every one is reported with its position
cat > "$tmp/bad.fa.yaml" <<'YAML'
faceaudit: 1
id: bad
as_of: 2025-13-01
consnt:
  type: separate
consent:
  type: seperate
storage: {stored_persons: many}
sites:
  - id: s
    zones:
      - id: z
        devices:
          - {id: d1, location: hotelroom, identifies_people: yes}
          - {id: d1}
YAML
cd "$tmp" && fa scenario check bad.fa.yaml
cd "$src/datasets/scenarios" || exit 99
expect_rc 2 "a bad scenario fails"
golden scenario-check-bad.err "$tmp/err"

# a "billion laughs": 500 bytes whose nine nested aliases libcyaml would
# expand past 12 GB; refused at the first anchor within 1 GB of address space
# (sanitizer builds reserve terabytes of it, so they run without the limit)
bomb="$src/tests/fuzz/corpus/scenario/alias-bomb.fa.yaml"
limit=1000000
(ulimit -v "$limit" && "$FACEAUDIT" --version) >/dev/null 2>&1 || limit=unlimited
(ulimit -v "$limit"; fa scenario check "$bomb"; echo "$rc" > "$tmp/rc")
rc=$(cat "$tmp/rc")
expect_rc 2 "an alias bomb is refused"
expect_grep "$tmp/err" 'alias-bomb.fa.yaml:5:6: anchors and aliases are not supported in scenarios$' "the first anchor is named"
fa audit "$bomb"
expect_rc 2 "audit refuses it too"

# read and change facts
fa scenario get hotel-front-desk.fa.yaml device:desk-tablet-1.location
expect_grep "$tmp/out" '^front_desk \(from zone front-desk\) at hotel-front-desk.fa.yaml:121:19$' "inherited value and its position"
fa scenario get hotel-front-desk.fa.yaml deployment.security.intrusion_prevention
expect_grep "$tmp/out" '^unknown at hotel-front-desk.fa.yaml:97:25$' "explicit unknown"
fa scenario get hotel-front-desk.fa.yaml deployment.minors.guardian_consent
expect_grep "$tmp/out" '^unknown \(not given\)$' "missing fact: not given, no position"
fa scenario get hotel-front-desk.fa.yaml device:desk-tablet-1.locaton
expect_rc 2 "misspelt path"
expect_grep "$tmp/err" "no fact 'locaton' on a device \(did you mean 'location'\?\)" "path hint"
# one fact-path syntax; the old forms still work, with a hint
fa scenario get hotel-front-desk.fa.yaml device:desk-tablet-1 location
expect_grep "$tmp/out" '^front_desk \(from zone front-desk\)' "old form: entity and path apart"
expect_grep "$tmp/err" "^faceaudit: hint: 'device:desk-tablet-1 location' is the old form of 'device:desk-tablet-1.location'$" "old form hint"
fa scenario get hotel-front-desk.fa.yaml 'device[desk-tablet-1].zone.location'
expect_grep "$tmp/err" "is the old form of 'zone:front-desk.location'$" "explanation form names the holder"
fa scenario get hotel-front-desk.fa.yaml consent.type
expect_grep "$tmp/err" "'consent.type' is the old form of 'deployment.consent.type'$" "bare deployment path"
fa scenario get hotel-front-desk.fa.yaml device.location
expect_rc 2 "a device without its id"
expect_grep "$tmp/err" "'device.location': which device\? write device:ID.location$" "which device"
fa scenario get hotel-front-desk.fa.yaml device:nope.location
expect_grep "$tmp/err" "no device 'nope' in hotel-front-desk.fa.yaml$" "unknown device"

fa scenario set hotel-front-desk.fa.yaml device:desk-tablet-1.location=hotel_room \
    deployment.consent.type=unknown -o "$tmp/what-if.fa.yaml"
expect_rc 0 "set writes a new file"
fa scenario get "$tmp/what-if.fa.yaml" device:desk-tablet-1 location
expect_grep "$tmp/out" '^hotel_room at ' "the change is saved"
fa scenario get "$tmp/what-if.fa.yaml" device:desk-tablet-2 location
expect_grep "$tmp/out" '^front_desk \(from zone front-desk\)' "other devices still inherit"
fa scenario get "$tmp/what-if.fa.yaml" deployment consent.type
expect_grep "$tmp/out" '^unknown at ' "unknown is saved as unknown"
fa scenario set hotel-front-desk.fa.yaml deployment.consent.type=seperate -o "$tmp/x.fa.yaml"
expect_rc 2 "bad value refused"
expect_grep "$tmp/err" "consent.type: unknown value 'seperate' \(did you mean 'separate'\?\)" "value hint"

# contradictions are refused everywhere, not only by scenario check
cat > "$tmp/contra.fa.yaml" <<'YAML'
faceaudit: 1
id: contra
as_of: 2025-09-01
processing_start: 2025-07-01
impact_assessment: {done: true, date: 2025-08-01, before_processing: true}
alternatives: {fr_only_way: true, offered_on_refusal: true}
YAML
for cmd in "audit" "simulate --days 3 --no-save" "pia" "tui --keys q --dump $tmp/d.txt"; do
    # shellcheck disable=SC2086
    fa $cmd "$tmp/contra.fa.yaml"
    expect_rc 2 "$cmd refuses contradictory facts"
    expect_grep "$tmp/err" 'contra.fa.yaml:5:70: impact_assessment.before_processing is true but the assessment date 2025-08-01 is after processing_start 2025-07-01 \(impact_assessment.date at .*contra.fa.yaml:5:39\) \(processing_start at .*contra.fa.yaml:4:19\)' "$cmd names both facts"
    expect_grep "$tmp/err" 'contra.fa.yaml:6:55: alternatives.offered_on_refusal is true but alternatives.fr_only_way says face recognition is the only way \(alternatives.fr_only_way at .*contra.fa.yaml:6:29\)' "$cmd: FR the only way with an alternative"
done
fa scenario check "$tmp/contra.fa.yaml"
expect_rc 2 "scenario check rejects them too"

# dated facts: a device moved into a changing room on 2025-10-01 fails Art. 13
# only from that day; upgrade rewrites a version 1 file as version 2
cat > "$tmp/dated.fa.yaml" <<'YAML'
faceaudit: 1
id: dated
as_of: 2025-12-01
processing_start: 2025-03-01
sites:
  - id: s
    place: private_premises
    zones:
      - id: z
        location: lobby
        devices:
          - id: cam-1
            identifies_people: true
            installed: 2025-03-01
            location:
              - {from: 2025-03-01, value: lobby}
              - {from: 2025-10-01, value: changing_room}
          - id: cam-2
            identifies_people: true
            installed: 2025-11-15
            location: public_bath
YAML
fa audit --per-device --as-of 2025-09-30 --format json "$tmp/dated.fa.yaml"
if grep -q '"rule": "FRT-A13-2", [^}]*"outcome": "fail"' "$tmp/out"; then fail "Art. 13.2 fails before the move"; else pass "Art. 13.2 holds before the move"; fi
checks=$((checks + 1))
fa audit --per-device --as-of 2025-10-01 --format json "$tmp/dated.fa.yaml"
expect_grep "$tmp/out" '"rule": "FRT-A13-2", [^}]*"entity": "cam-1", "outcome": "fail"' "Art. 13.2 fails from the day of the move"
if grep -q '"entity": "cam-2"' "$tmp/out"; then fail "a device not installed yet is audited"; else pass "a device not installed yet is not audited"; fi
checks=$((checks + 1))
fa audit --per-device --as-of 2025-11-15 --format json "$tmp/dated.fa.yaml"
expect_grep "$tmp/out" '"rule": "FRT-A13-2", [^}]*"entity": "cam-2", "outcome": "fail"' "a device counts from its installation day"
fa scenario upgrade "$tmp/dated.fa.yaml" -o "$tmp/dated2.fa.yaml"
expect_rc 0 "upgrade"
expect_grep "$tmp/dated2.fa.yaml" '^faceaudit: 2$' "upgrade writes version 2"
expect_grep "$tmp/dated2.fa.yaml" '^ *location: \[\{from: 2025-03-01, value: lobby\}, \{from: 2025-10-01, value: changing_room\}\]$' "the history is kept"
fa audit --as-of 2025-10-01 "$tmp/dated2.fa.yaml"
expect_rc 1 "the upgraded file audits the same"
fa scenario upgrade "$tmp/nothere.fa.yaml"
expect_rc 2 "upgrade of a missing file"

fa scenario
expect_rc 2 "missing subcommand"
fa scenario check
expect_rc 2 "missing file"
fa scenario check nothere.fa.yaml
expect_rc 2 "missing file reported"

# the man page lists every fact
fa scenario facts
expect_rc 0 "facts"
missing=0
cut -f1 "$tmp/out" | sed 's/^[a-z_]*\.//' | sort -u > "$tmp/paths"
while read -r p; do
    pat=$(printf '%s' "$p" | sed 's/-/\\\\-/g')
    grep -qx ".B $pat" "$src/doc/faceaudit-scenario.5" || { echo "  not in the man page: $p"; missing=$((missing + 1)); }
done < "$tmp/paths"
checks=$((checks + 1))
if [ "$missing" -eq 0 ]; then pass "faceaudit-scenario(5) lists every fact"; else fail "$missing facts missing from faceaudit-scenario(5)"; fi

# --format json: one document, problems in it, nothing on stderr
fa scenario check --unknown --format json "$src/datasets/scenarios/hotel-front-desk.fa.yaml" "$tmp/nosuch.fa.yaml"
expect_rc 2 "a missing file fails the check (JSON)"
checks=$((checks + 1))
python3 -c 'import json, sys; f = json.load(open(sys.argv[1]))["files"]; assert len(f) == 2 and f[0]["ok"] and f[0]["deployment"] == "hotel-front-desk" and f[0]["entities"]["devices"] == 2 and isinstance(f[0]["unknown"], list) and not f[1]["loaded"] and f[1]["problems"][0]["level"] == "error"' "$tmp/out" &&
    pass "scenario check JSON: a good file and one that does not load" || fail "scenario check JSON"
checks=$((checks + 1))
[ ! -s "$tmp/err" ] && pass "nothing on stderr with --format json" || fail "stderr: $(head -1 "$tmp/err")"

finish
