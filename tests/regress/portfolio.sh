#!/bin/sh
# SPDX-License-Identifier: MIT
# portfolio.sh - `faceaudit audit DIR|FILE...`: the bundled scenarios as a
# regulator's portfolio on two threads (the same summary as on one), every
# scenario's report beside the summary JSON, a scenario that does not load
# named while the others are audited, `faceaudit diff` of two portfolio
# runs with the handler that newly fails listed first (summary files and
# the runs stored in the database, by id), and Ctrl-C.
. "${top_srcdir:-.}/tests/regress/lib.sh"

src=$(cd "$top_srcdir" && pwd)
p="$tmp/pf"
mkdir -p "$p"
cp "$src"/datasets/scenarios/*.fa.yaml "$src"/datasets/scenarios/*.csv "$p/"
cp -R "$src/datasets/scenarios/evidence" "$p/"
nsc=$(ls "$p"/*.fa.yaml | wc -l)

fa audit --jobs 2 -o "$tmp/run1" "$p"
expect_rc 1 "a portfolio with failing handlers exits 1"
cp "$tmp/out" "$tmp/summary2"
expect_grep "$tmp/out" '^DeepVision Technology Co\., Ltd +- +- .*$' "no score out of scope: a dash, not 0.0"
expect_grep "$tmp/out" '^  no score: out of scope' "and why"
expect_grep "$tmp/out" '^HANDLER +SCORE GR CRIT HIGH  MED  LOW EVID  FILING +DEADLINE +AUDITED' "the summary table's columns"
expect_grep "$tmp/out" "^$nsc scenarios, [0-9]+ failing, 0 not audited$" "every scenario audited"
expect_grep "$tmp/out" '^City Metro Group Co., Ltd\. +91\.8 +A +0 +7 +0 +0 +8  filed 2025-07-10 \(Art\. 15: pass\) +2023-08-29 2025-09-30' "a row: score, grade, fails by severity, filing status and deadline, last audited"
checks=$((checks + 1))
n=$(ls "$tmp/run1"/*.html 2>/dev/null | wc -l)
if [ "$n" -eq "$nsc" ]; then pass "one HTML report per scenario"; else fail "$n reports for $nsc scenarios"; fi
expect_grep "$tmp/run1/metro-gate.html" 'Executive summary' "each report is the deliverable"
expect_grep "$tmp/run1/portfolio.json" '"schema": "faceaudit-portfolio"' "the summary JSON"

fa audit --jobs 1 "$p"
checks=$((checks + 1))
if cmp -s "$tmp/out" "$tmp/summary2"; then pass "--jobs 1 and --jobs 2 give the same summary"
else fail "the summary depends on --jobs"; diff "$tmp/summary2" "$tmp/out" | head -5; fi
fa audit "$p/metro-gate.fa.yaml" "$p/bank-branch.fa.yaml"
expect_grep "$tmp/out" '^2 scenarios, ' "a list of files is a portfolio too"
fa audit --jobs 0 "$p"
expect_rc 2 "--jobs 0 is a usage error"

# one handler stops giving notice: newly failing, listed first
sed 's/^  given: true/  given: false/' "$src/datasets/scenarios/hotel-front-desk.fa.yaml" >"$p/hotel-front-desk.fa.yaml"
fa audit --jobs 2 --format markdown -o "$tmp/run2" "$p"
expect_rc 1 "the second run"
checks=$((checks + 1))
if [ -s "$tmp/run2/hotel-front-desk.md" ]; then pass "reports in the format asked for"; else fail "no markdown report"; fi
fa diff "$tmp/run1/portfolio.json" "$tmp/run2/portfolio.json"
expect_rc 1 "diff exits 1 when a handler newly fails"
expect_grep "$tmp/out" "^1 newly failing, 0 fixed, 0 changed, 0 added, 0 removed, $((nsc - 1)) unchanged$" "diff counts"
checks=$((checks + 1))
if sed -n 2p "$tmp/out" | grep -Eq '^  newly failing  Lakeside Hotel Management Co\., +9[0-9]\.[0-9] A -> +[0-9]+\.[0-9] [A-F]$'
then pass "the newly failing handler comes first"; else fail "diff order"; cat "$tmp/out"; fi
fa diff --format json "$tmp/run2/portfolio.json" "$tmp/run1/portfolio.json"
expect_rc 0 "the way back: fixed, nothing newly failing"
expect_grep "$tmp/out" '"newly_failing": 0, "fixed": 1' "JSON diff counts"

# the same runs as stored in the database (one row per handler), by run id
fa diff "$tmp/run1/portfolio.json" "$tmp/run2/portfolio.json"
cp "$tmp/out" "$tmp/filediff"
fa runs list --kind portfolio
expect_grep "$tmp/out" '^[0-9]+ +portfolio +- +complete +[0-9T:Z-]+ \{"scenarios": [0-9]+, "failing": [0-9]+, "not_audited": 0\}$' "runs list shows the portfolio runs"
ids=$(awk '$2 == "portfolio" { print $1 }' "$tmp/out")
checks=$((checks + 1))
if [ "$(echo "$ids" | wc -l)" -eq 4 ]; then pass "four portfolio runs stored (--jobs 0 is not one)"
else fail "stored portfolio runs: $ids"; fi
new=$(echo "$ids" | head -1)
old=$(echo "$ids" | tail -1)
fa diff "$old" "$new"
expect_rc 1 "diff of two stored portfolio runs exits 1 when a handler newly fails"
checks=$((checks + 1))
if cmp -s "$tmp/out" "$tmp/filediff"; then pass "stored runs diff as their summary files do"
else fail "stored runs diff differently"; diff "$tmp/filediff" "$tmp/out" | head -5; fi
fa diff "$tmp/run1/portfolio.json" "$new"
expect_rc 1 "a summary file against a stored run"
fa diff --format json "$new" "$old"
expect_grep "$tmp/out" '"newly_failing": 0, "fixed": 1' "stored runs: JSON diff the way back"
fa diff 999 "$old"
expect_rc 2 "an unknown portfolio run"
expect_grep "$tmp/err" "no complete portfolio run '999'" "named"
fa audit --no-save "$p/metro-gate.fa.yaml" "$p/bank-branch.fa.yaml"
fa runs list --kind portfolio
checks=$((checks + 1))
if [ "$(grep -c ' portfolio ' "$tmp/out")" -eq 4 ]; then pass "--no-save stores no portfolio run"
else fail "--no-save stored a portfolio run"; fi

# a scenario that does not load: named, the others still audited
printf 'faceaudit: 1\nid: broken\nconsnt: {}\n' >"$p/zz-broken.fa.yaml"
fa audit "$p"
expect_rc 2 "a portfolio with an unloadable scenario exits 2"
expect_grep "$tmp/out" "^$((nsc + 1)) scenarios, [0-9]+ failing, 1 not audited$" "the others are audited"
expect_grep "$tmp/err" "zz-broken\.fa\.yaml:3:1: unknown key 'consnt'" "the broken scenario is named with file:line:col"
# Ctrl-C: a large portfolio sent SIGINT once reports appear stops between
# scenarios, keeps the reports it wrote whole, writes no summary, exits 130
big="$tmp/big"
mkdir -p "$big"
cp -R "$src/datasets/scenarios/evidence" "$big/"
i=0
while [ $i -lt 1000 ]; do cp "$src/datasets/scenarios/hotel-front-desk.fa.yaml" "$big/s$i.fa.yaml"; i=$((i + 1)); done
env -i PATH="$PATH" HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" FACEAUDIT_DB="$tmp/fa.db" \
    FACEAUDIT_RULES="$src/rules" LC_ALL=C.UTF-8 TZ=UTC \
    "$FACEAUDIT" audit --jobs 2 -o "$tmp/bigout" "$big" >"$tmp/out" 2>"$tmp/err" </dev/null &
pid=$!
i=0
while [ $i -lt 400 ] && [ "$(ls "$tmp/bigout" 2>/dev/null | wc -l)" -lt 5 ] && kill -0 $pid 2>/dev/null; do
    sleep 0.05
    i=$((i + 1))
done
kill -INT $pid 2>/dev/null
wait $pid
rc=$?
if [ $rc -eq 1 ]; then
    echo "SKIP (part): the portfolio finished before the signal arrived"
else
    expect_rc 130 "an interrupted portfolio exits 130"
    expect_grep "$tmp/err" "^faceaudit: audit: interrupted: [0-9]+ of 1000 scenarios audited, their reports in .*/bigout complete; no summary was written: run the command again for the whole portfolio$" \
        "says how far it got and what to do"
    checks=$((checks + 1))
    [ ! -e "$tmp/bigout/portfolio.json" ] && pass "no partial summary" || fail "a partial portfolio.json was written"
    n=$(ls "$tmp/bigout"/*.html | wc -l)
    whole=$(grep -l '</html>' "$tmp/bigout"/*.html | wc -l)
    left=$(ls "$tmp/bigout" | grep -vc '\.html$')
    checks=$((checks + 1))
    [ "$n" -ge 5 ] && [ "$n" -lt 1000 ] && [ "$whole" -eq "$n" ] && [ "$left" -eq 0 ] &&
        pass "stopped early ($n of 1000), every report written whole, no temporary file left" ||
        fail "$n reports, $whole whole, $left other files"
fi
finish
