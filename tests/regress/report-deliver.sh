#!/bin/sh
# SPDX-License-Identifier: MIT
# report-deliver.sh - the grouped findings and the auditor's deliverable on
# generated engagements of 1,000 and 10 devices (bench/gen-engagement.sh):
# text and JSON group devices ("141 of 1,000"), the grouped counts equal the
# per-device ones rule by rule, SARIF keeps one result per instance; the
# HTML and Markdown deliverables have every section and write outcomes in
# words; headless Chromium prints them to PDF within 15 and 8 A4 pages;
# --format pdf without Chromium says how to get it.
. "${top_srcdir:-.}/tests/regress/lib.sh"

src=$(cd "$top_srcdir" && pwd)
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"
sh "$src/bench/gen-engagement.sh" 1000 "$tmp/e1000" || skip "the generator failed"
sh "$src/bench/gen-engagement.sh" 10 "$tmp/e10" || skip "the generator failed"
big="$tmp/e1000/engagement.fa.yaml"
small="$tmp/e10/engagement.fa.yaml"

# --- grouped text and JSON ---------------------------------------------------------
fa audit --no-save "$big"
expect_rc 1 "the 1,000-device engagement fails"
expect_grep "$tmp/out" '^FAIL +FRT-A13-2  critical  Art\. 13\.2  10 of 1,000: cam-0000097, cam-0000194, ' "the ban: one finding, 10 of 1,000 devices"
expect_grep "$tmp/out" '^FAIL +FRT-A13-4  high  Art\. 13\.1  141 of 1,000: cam-0000007, .* and 129 more$' "long device lists shortened"
checks=$((checks + 1))
n=$(grep -c '^FAIL \|^EVIDENCE ' "$tmp/out")
if [ "$n" -eq 3 ]; then pass "three grouped findings need attention"; else fail "$n grouped findings, expected 3"; fi

# 1,000 devices are grouped after the audit; from 5,000 the audit folds them as it goes
sh "$src/bench/gen-engagement.sh" 6000 "$tmp/e6000" || skip "the generator failed"
for e in "$big" "$tmp/e6000/engagement.fa.yaml"; do
fa audit --no-save --format json -o "$tmp/g.json" "$e"
fa audit --no-save --per-device --format json -o "$tmp/p.json" "$e"
fa audit --no-save --format sarif -o "$tmp/g.sarif" "$e"
checks=$((checks + 1))
if python3 - "$tmp/g.json" "$tmp/p.json" "$tmp/g.sarif" >"$tmp/py" 2>&1 <<'PY'
import collections, json, sys
g = json.load(open(sys.argv[1]))
p = json.load(open(sys.argv[2]))
sarif = json.load(open(sys.argv[3]))
assert "groups" not in p, "per-device JSON has groups"
assert len(g["groups"]) == len(g["findings"]), "one group per finding"
grouped = collections.Counter()
for f, gr in zip(g["findings"], g["groups"]):
    assert (f["rule"], f["outcome"]) == (gr["rule"], gr["outcome"]), f
    assert gr["count"] == max(1, len(gr["entities"])), gr["rule"]
    grouped[(gr["rule"], gr["outcome"])] += gr["count"]
per = collections.Counter((f["rule"], f["outcome"]) for f in p["findings"])
assert grouped == per, "grouped counts differ: %s" % (set(grouped.items()) ^ set(per.items()))
assert g["counts"] == p["counts"] and g["score"] == p["score"], "counts or score differ"
ents = sorted(e for gr in g["groups"] for e in gr["entities"])
assert ents == sorted(f["entity"] for f in p["findings"] if f["entity"]), "entities differ"
assert len(g["findings"]) < len(p["findings"]) / 10, "grouping did not shrink the findings"
assert len(sarif["runs"][0]["results"]) == len(p["findings"]), "SARIF is not per instance"
print(len(g["findings"]), "groups for", len(p["findings"]), "instances")
PY
then pass "grouped counts equal per-device counts ($(cat "$tmp/py"))"
else fail "grouped vs per-device"; cat "$tmp/py"; fi
done
# a saved aggregated run: one row per group, its devices as index ranges (migration 10)
fa audit --format text "$tmp/e6000/engagement.fa.yaml"
expect_rc 1 "6,000 devices audited and saved"
expect_grep "$tmp/out" '^FAIL +FRT-A13-4  high  Art\. 13\.1  849 of 6,000: cam-0000007, ' "grouped as produced: the same shape"
if command -v sqlite3 >/dev/null 2>&1; then
    checks=$((checks + 1))
    rows=$(sqlite3 "$tmp/fa.db" "SELECT count(*) FROM audit_finding")
    ent=$(sqlite3 "$tmp/fa.db" "SELECT count, entity IS NULL, entities FROM audit_finding WHERE rule = 'FRT-A13-2' AND outcome = 'fail'")
    if [ "$rows" -lt 100 ] && echo "$ent" | grep -Eq '^61\|1\|[0-9]+(,[0-9]+){60}$'
    then pass "the run is stored as $rows aggregated rows, a group's 61 devices as indexes"
    else fail "stored rows: $rows, FRT-A13-2 '$ent'"; fi
fi

# every bundled scenario in every grouped format; grouped JSON against its schema
for s in "$src"/datasets/scenarios/*.fa.yaml; do
    n=$(basename "$s" .fa.yaml)
    for f in text json csv markdown junit html; do
        fa audit --no-save --format "$f" -o "$tmp/$n.$f" "$s"
        checks=$((checks + 1))
        if [ "$rc" -gt 1 ] || [ ! -s "$tmp/$n.$f" ]; then fail "$n: grouped --format $f (exit $rc)"
        fi
    done
    echo "json $tmp/$n.json $tmp/$n.json $src/doc/faceaudit-audit.schema.json" >>"$tmp/checks"
done
python3 "$src/tests/regress/report_check.py" "$tmp/checks" >"$tmp/check.out" 2>&1
checks=$((checks + 1))
if grep -q '^FAIL\|^Traceback' "$tmp/check.out"; then fail "grouped JSON schema"; head -5 "$tmp/check.out"
else pass "grouped JSON of every bundled scenario ($(grep -c '^ok' "$tmp/check.out") files)"; fi

# a grouped JSON file as a diff side reads back per device
fa audit --format json -o "$tmp/g2.json" "$small"
fa diff "$tmp/g2.json" latest
expect_rc 0 "diff of a grouped JSON file against the stored run of the same audit"
expect_grep "$tmp/out" '0 new failures, 0 fixed, 0 changed' "nothing changed, device by device"

# --- the deliverable -----------------------------------------------------------------
for f in html markdown; do
    fa audit --no-save --engagement ENG-2026-014 --auditor 'Chen Jing' --report-date 2026-01-15 \
        --format $f -o "$tmp/big.$f" "$big"
    expect_rc 1 "$f deliverable"
    for s in 'Engagement.*ENG-2026-014' 'Auditor.*Chen Jing' 'Report date.*2026-01-15' \
        'Facts as of.*2025-12-01' 'Scope.*10 sites, 10 zones, 1,000 devices' 'Readings applied' \
        'Executive summary' 'Top risks' 'Action plan' 'Findings by article' 'Evidence index' \
        'Sign-off' 'FRT-A13-4 needs evidence'; do
        expect_grep "$tmp/big.$f" "$s" "$f: $s"
    done
    checks=$((checks + 1))
    if grep -Eq 'not_applicable|needs_evidence|"pass"|>pass<' "$tmp/big.$f"; then
        fail "$f: an outcome written as an identifier"
        grep -Eo '.{30}(not_applicable|needs_evidence).{10}' "$tmp/big.$f" | head -3
    else
        pass "$f: outcomes in words"
    fi
done
expect_grep "$tmp/big.html" '<td>1</td><td>Remove the device\. The ban admits no exception or consent\.</td><td>FRT-A13-2 \(fail\)</td><td>critical</td><td>10 instances</td>' "action plan: the critical remedy first, across devices"
expect_grep "$tmp/big.html" 'Appendix: every device of each finding' "full device lists in the appendix"
expect_grep "$tmp/big.html" 'Rule instances passed: [0-9]+; not applicable: [0-9]+\.' "passes folded into a count"
fa audit --no-save --all --format html -o "$tmp/all.html" "$big"
expect_grep "$tmp/all.html" 'FRT-A13-4 passes' "--all lists the passes"
checks=$((checks + 1))
if grep -Eiq '<script|https?://' "$tmp/big.html"; then fail "script or URL in the deliverable"
else pass "the deliverable is self-contained"; fi

# --- the simulation: every parameter assumed, in the HTML report -------------------------
fa audit --no-save --simulate --format html -o "$tmp/sim.html" "$src/datasets/scenarios/retail-chain-250k.fa.yaml"
expect_grep "$tmp/sim.html" '<th>Parameter assumed</th><th>Value</th><th>Source</th>' "audit --simulate lists every parameter assumed"
for p in start days seed devices arrivals_weekday arrivals_weekend population returning_rate share_under14 share_refuse guardian_consent enrolment purge retention_days initial_stored alternative fnmr fpir filed; do
    expect_grep "$tmp/sim.html" "^<tr><td>$p</td><td>[^<]+</td><td>(deployment\.[a-z_0-9.]+|default[^<]*|option)</td></tr>\$" "audit --simulate: $p with its source"
done
expect_grep "$tmp/sim.html" '^<tr><td>initial_stored</td><td>41000</td><td>deployment\.simulation\.initial_stored</td></tr>$' "audit --simulate: the stored count from the scenario"

# --- PDF through headless Chromium: page budgets ---------------------------------------
pages() {
    python3 -c 'import re,sys; print(len(re.findall(rb"/Type\s*/Page(?![s\w])", open(sys.argv[1],"rb").read())))' "$1"
}
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    for spec in "$big:15:1,000" "$small:8:10"; do
        f=${spec%%:*}; rest=${spec#*:}; max=${rest%%:*}; what=${rest#*:}
        fa audit --no-save --engagement ENG-1 --auditor 'Chen Jing' --format pdf -o "$tmp/r.pdf" "$f"
        expect_rc 1 "pdf of the $what-device engagement"
        checks=$((checks + 1))
        n=$(pages "$tmp/r.pdf")
        if [ "$n" -ge 2 ] && [ "$n" -le "$max" ]; then pass "$what devices: $n A4 pages (at most $max)"
        else fail "$what devices: $n pages, budget $max"; fi
    done
    checks=$((checks + 1))
    if python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); sys.exit(0 if b"/MediaBox [0 0 594.95996 841.91998]" in d or b"/MediaBox [0 0 595" in d else 1)' "$tmp/r.pdf"
    then pass "A4 pages"; else fail "pages are not A4"; fi
else
    echo "SKIP-PART: chromium is not installed: PDF page counts skipped"
fi

# without Chromium: a clear error, exit 2, nothing written
env -i PATH=/nonexistent HOME="$tmp/home" FACEAUDIT_DB="$tmp/fa.db" \
    FACEAUDIT_RULES="$top_srcdir/rules" LC_ALL=C.UTF-8 TZ=UTC \
    "$FACEAUDIT" audit --no-save --format pdf -o "$tmp/none.pdf" "$small" >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 2 "pdf without Chromium"
expect_grep "$tmp/err" 'headless Chromium, which was not found \(install the Debian package chromium' "says how to get Chromium"
checks=$((checks + 1))
if [ -e "$tmp/none.pdf" ]; then fail "a PDF was written anyway"; else pass "nothing written"; fi
fa audit --no-save --format pdf "$small"
expect_rc 2 "pdf needs -o"

finish
