#!/bin/sh
# SPDX-License-Identifier: MIT
# report.sh - every report format for every bundled scenario (JSON and
# SARIF validated against their schemas, CSV, JUnit and HTML checked against
# the JSON result), waivers (active and expired, scores with and without),
# `audit --baseline`, `faceaudit diff` after a fact change (exactly the
# changed findings), and `faceaudit pia` (stored, listed, hash-checked,
# three-year retention).
. "${top_srcdir:-.}/tests/regress/lib.sh"

src=$(cd "$top_srcdir" && pwd)
sarif_schema=${FACEAUDIT_SARIF_SCHEMA:-$HOME/.local/share/faceaudit/schemas/sarif-2.1.0-rtm.5.json}
json_schema=$src/doc/faceaudit-audit.schema.json
have_py=1
command -v python3 >/dev/null 2>&1 || { have_py=0; echo "SKIP-PART: no python3: format checks skipped"; }
[ -f "$sarif_schema" ] || echo "SKIP-PART: no SARIF schema at $sarif_schema (./bootstrap fetches it): SARIF validation skipped"

for s in "$src"/datasets/scenarios/*.fa.yaml; do
    n=$(basename "$s" .fa.yaml)
    for f in json text csv markdown sarif junit html; do
        fa audit --no-save --per-device --format "$f" -o "$tmp/$n.$f" "$s"
        checks=$((checks + 1))
        if [ "$rc" -gt 1 ] || [ ! -s "$tmp/$n.$f" ]; then
            fail "$n: --format $f (exit $rc)"
            head -5 "$tmp/err"
        fi
    done
    echo "json $tmp/$n.json $tmp/$n.json $json_schema" >>"$tmp/checks"
    [ -f "$sarif_schema" ] && echo "sarif $tmp/$n.sarif $tmp/$n.json $sarif_schema" >>"$tmp/checks"
    for k in csv junit html; do
        echo "$k $tmp/$n.$k $tmp/$n.json" >>"$tmp/checks"
    done
done
# one Python start for all the structural checks
if [ "$have_py" = 1 ]; then
    python3 "$src/tests/regress/report_check.py" "$tmp/checks" >"$tmp/check.out" 2>&1
    cat "$tmp/check.out"
    checks=$((checks + $(grep -c '^ok: \|^FAIL: ' "$tmp/check.out")))
    failures=$((failures + $(grep -c '^FAIL: ' "$tmp/check.out")))
    checks=$((checks + 1))
    if grep -q '^Traceback' "$tmp/check.out"; then fail "the checker crashed"; fi
fi

# evidence behind the facts a finding read, with its hash and status
expect_grep "$tmp/bank-branch.html" '<p><b>Evidence:</b> notice: <code>evidence/bank-branch-notice.txt</code> SHA-256 <code>47d8dae5faaf178f2ff11aea0f7f100f927478a68525c9f97393fa9f2054ac73</code> \(mismatch\)</p>' "html: evidence file, SHA-256 and mismatch"
expect_grep "$tmp/bank-branch.markdown" '^ *- \*\*Evidence notice:\*\* `evidence/bank-branch-notice.txt` SHA-256 `47d8dae5' "markdown: evidence"

# the simulation hook of the HTML report, from the scenario's simulation: facts
fa audit --no-save --simulate --format html -o "$tmp/sim.html" \
    "$src/datasets/scenarios/retail-chain-250k.fa.yaml"
expect_rc 1 "html with --simulate"
expect_grep "$tmp/sim.html" '<title>Simulated stored people</title>' "the stored-person chart"
expect_grep "$tmp/sim.html" '>100,000 \(Art\. 15\)<' "the 100,000 line"
expect_grep "$tmp/sim.html" '<th>Filing deadline \(30 working days\)</th><td>2025-[0-9-]+' "the deadline"
checks=$((checks + 1))
if grep -Eiq '<script|https?://' "$tmp/sim.html"; then fail "script or URL in the html"; else pass "still self-contained"; fi

# --- eval runs: diff with intervals, and the HTML report's eval section ----------
# a synthetic dataset (12 subjects x 4 images) with descriptors from awk, as in eval.sh
d="$tmp/ds"
mkdir -p "$d"
echo "path,subject" > "$d/faces.csv"
s=0
while [ $s -lt 12 ]; do
    mkdir -p "$d/s$s"
    for i in 1 2 3 4; do
        echo "synthetic image $s $i" > "$d/s$s/$i.pgm"
        echo "s$s/$i.pgm,s$s" >> "$d/faces.csv"
    done
    s=$((s + 1))
done
make_desc() {
    awk -F, -v seed="$1" -v noise="$2" 'NR > 1 {
        s = substr($2, 2) + 0; srand(seed * 1000 + NR)
        line = $1
        for (k = 0; k < 8; k++) {
            c = (k == s % 8) ? 1 + int(s / 8) : 0
            line = line "," sprintf("%.6f", c + (rand() - 0.5) * 2 * noise)
        }
        print line
    }' "$d/faces.csv"
}
make_desc 1 0.05 > "$tmp/good.csv"
make_desc 2 0.45 > "$tmp/noisy.csv"
FA_DB="$tmp/eval.db"   # its own database: the audit runs below are numbered from 1
fa eval "$d/faces.csv" --descriptors "$tmp/good.csv" --threshold 0.6 --save good --bootstrap 0
expect_rc 0 "eval run 'good' stored"
fa eval "$d/faces.csv" --descriptors "$tmp/noisy.csv" --threshold 0.6 --save noisy --bootstrap 0
expect_rc 0 "eval run 'noisy' stored"
fa diff --eval good noisy
expect_rc 1 "diff --eval: a figure is significantly worse"
expect_grep "$tmp/out" '^  FNMR at threshold +0\.00000 \[0\.00000, 0\.0[0-9]+\] +0\.[0-9]+ \[[0-9.]+, [0-9.]+\] +\+0\.[0-9]+  worse$' "FNMR at the threshold got worse, intervals disjoint"
fa diff --eval good good --format json
expect_rc 0 "diff --eval of a run with itself"
expect_grep "$tmp/out" '"worse": 0' "nothing worse"
fa audit --no-save --eval good --format html -o "$tmp/eval.html" "$src/datasets/scenarios/hotel-front-desk.fa.yaml"
expect_rc 0 "html with a stored eval run"
expect_grep "$tmp/eval.html" '<title>DET: FNMR against FMR</title>' "DET chart"
expect_grep "$tmp/eval.html" 'Recognition accuracy: eval run good \(verify, threshold 0\.6\)' "eval section"
fa audit --no-save --eval nosuch --format html "$src/datasets/scenarios/hotel-front-desk.fa.yaml"
expect_rc 2 "--eval of a missing run"
unset FA_DB

fa audit --format docx "$src/datasets/scenarios/bank-branch.fa.yaml"
expect_rc 2 "an unknown format is a usage error"
expect_grep "$tmp/err" "one of text, json, csv, markdown, sarif, junit, html" "the formats are listed"

# --- a fact change: diff and baseline list exactly the changed findings --------
base="$src/datasets/scenarios/hotel-front-desk.fa.yaml"
fa audit --format json -o "$tmp/before.json" "$base"
expect_rc 0 "audit before the change (saved as run 1)"
fa scenario set "$base" deployment.security.intrusion_detection=false \
    deployment.storage.retention_days=9999 -o "$tmp/changed.fa.yaml"
expect_rc 0 "two facts changed"
fa audit --baseline latest --format sarif -o "$tmp/changed.sarif" "$tmp/changed.fa.yaml"
expect_rc 1 "the changed deployment fails"
if [ "$have_py" = 1 ]; then
    checks=$((checks + 1))
    python3 - "$tmp/changed.sarif" >"$tmp/bl" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["runs"][0]["results"]
for r in res:
    if r["baselineState"] != "unchanged":
        print(r["ruleId"], r["baselineState"], r["properties"]["outcome"])
PY
    printf 'FRT-A08-4 updated fail\nFRT-A14-5 updated fail\n' >"$tmp/bl.want"
    if diff -u "$tmp/bl.want" "$tmp/bl"; then pass "baselineState: two updated, the rest unchanged"
    else fail "baselineState"; fi
fi
fa diff 1 latest
expect_rc 1 "diff exits 1 on new failures"
golden report-diff.out
fa diff --format json "$tmp/before.json" latest
expect_rc 1 "diff of a JSON file against a stored run"
expect_grep "$tmp/out" '"new_failure": 2, "fixed": 0, "changed": 0' "JSON diff counts"
fa diff latest latest
expect_rc 0 "a run against itself: nothing new"
expect_grep "$tmp/out" '0 new failures, 0 fixed, 0 changed' "nothing changed"
fa diff latest~5 latest
expect_rc 2 "a missing run is an input error"

# --- waivers: active, expired, scores with and without ---------------------------
cat > "$tmp/waivers.yaml" <<'YAML'
waivers:
  - rule: FRT-A14-5
    justification: IDS procurement approved, installation in Q1
    author: li.wei
    approver: zhang.min
    start: 2025-08-01
    expiry: 2026-03-31
  - rule: FRT-A08-4
    justification: retention review pending with the vendor
    author: li.wei
    approver: zhang.min
    start: 2025-06-01
    expiry: 2025-08-15
YAML
for f in text csv markdown sarif junit html; do
    fa audit --no-save --waivers "$tmp/waivers.yaml" --format "$f" -o "$tmp/w.$f" \
        "$tmp/changed.fa.yaml"
    expect_rc 1 "$f: the expired waiver leaves a failure"
    expect_grep "$tmp/w.$f" '[Ee]xpired' "$f: the expired waiver is shown"
    expect_grep "$tmp/w.$f" '[Ww]ithout[ _][Ww]aivers|without_waivers' "$f: score without waivers"
done
expect_grep "$tmp/w.csv" '^hotel-front-desk,2025-09-01,98.11,96.23,A,A,,[^,]*,FRT-A08-4,8,8.2,,medium,,fail,expired,zhang.min,2025-08-15,' "csv: expired waiver row"
expect_grep "$tmp/w.csv" ',FRT-A14-5,14,14.1,,medium,,waived,active,zhang.min,2026-03-31,' "csv: active waiver row"
expect_grep "$tmp/w.sarif" '"status": "accepted"' "sarif: accepted suppression"
expect_grep "$tmp/w.sarif" '"status": "rejected"' "sarif: expired waiver is a rejected suppression"
expect_grep "$tmp/w.junit" 'type="fail, waiver expired"' "junit: expired waiver is a failure"

# --- the impact-assessment record -----------------------------------------------------
fa pia "$tmp/changed.fa.yaml" --audit latest --prepared 2025-09-01 -o "$tmp/pia-preview.md"
expect_rc 0 "pia preview"
expect_grep "$tmp/err" 'preview, not stored \(--save keeps the record' "without --save nothing is stored"
fa pia "$tmp/changed.fa.yaml" --audit latest --prepared 2025-09-01 --save -o "$tmp/pia.md"
expect_rc 0 "pia with the latest audit"
expect_grep "$tmp/err" 'saved record 1 \(retain until 2028-09-01, review by 2026-09-01\)' "stored with retention"
expect_grep "$tmp/pia.md" '^\| FRT-A14-5 \| - \| fail \| Deploy intrusion detection' "action plan from the audit"
expect_grep "$tmp/pia.md" '^## 4\. Risks before and after the measures' "risk register"
fa pia show 1
expect_rc 0 "pia show"
checks=$((checks + 1))
if cmp -s "$tmp/out" "$tmp/pia.md"; then pass "stored record equals the written one"; else fail "stored record differs"; fi
fa pia "$tmp/changed.fa.yaml" --audit latest --prepared 2025-09-01 --reading a13_scope=surveillance_only
expect_rc 0 "pia --reading redoes the audit under the reading"
expect_grep "$tmp/out" '^\| Readings applied \(--reading NAME=ALT\) \| a08\\_device=literal, a10\\_state\\_exception=literal, a13\\_scope=surveillance\\_only, a14\\_encryption=literal \|$' "the record lists the readings applied"
fa pia "$tmp/changed.fa.yaml" --reading a13_scope=surveillance_only
expect_rc 2 "--reading without --audit"
expect_grep "$tmp/err" "--reading applies to the audit redone from --audit RUN" "why it is refused"
fa pia "$base" --audit latest
expect_rc 2 "--audit of another scenario version is refused"
fa pia "$base" --save --prepared 2025-09-01 --retain-until 2027-09-01
expect_rc 2 "retention under three years is refused"
fa pia "$base" --format html --no-save -o "$tmp/pia.html"
expect_rc 0 "pia as HTML"
expect_grep "$tmp/pia.html" '^<!DOCTYPE html>' "an HTML document"
expect_grep "$tmp/pia.html" '^<table><tr><th>Item</th><th>Value</th></tr>$' "pia: tables through the shared document model (report_doc.c)"
expect_grep "$tmp/pia.html" '^<tr><td>Prepared</td><td>[0-9-]+</td></tr>$' "pia: a row on one line"
env -i PATH="$PATH" HOME="$tmp/home" FACEAUDIT_DB="$tmp/fa.db" FACEAUDIT_TODAY=2026-09-02 \
    "$FACEAUDIT" pia list >"$tmp/out" 2>&1
rc=$?
expect_rc 0 "pia list"
expect_grep "$tmp/out" '^1 +review due +hotel-front-desk' "a record past its review date is listed"
env -i PATH="$PATH" HOME="$tmp/home" FACEAUDIT_DB="$tmp/fa.db" FACEAUDIT_TODAY=2025-09-02 \
    "$FACEAUDIT" pia list >"$tmp/out" 2>&1
rc=$?
expect_grep "$tmp/out" 'none due for review or past retention' "nothing due the next day"

finish
