#!/bin/sh
# SPDX-License-Identifier: MIT
# formats.sh - `--format text|json` on the commands that print results
# (scenario get and facts, rules show, lint and test, calendar, models, pia
# list, dataset check, lesson check): each JSON document parses (python3's json module) and carries what
# the text output of the same command shows, value for value; a bad --format
# is a usage error (exit 2).
. "${top_srcdir:-.}/tests/regress/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is needed to read the JSON back"
sc="$top_srcdir/datasets/scenarios"

# json_ok DESCRIPTION EXPR: $tmp/out parses as JSON and EXPR (Python, the
# document is d, the text output saved in $tmp/text is t, its lines tl) holds.
json_ok() {
    checks=$((checks + 1))
    if python3 - "$tmp/out" "$tmp/text" "$2" >"$tmp/py" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
try:
    t = open(sys.argv[2], encoding="utf-8").read()
except OSError:
    t = ""
tl = t.splitlines()
if not eval(sys.argv[3]):
    sys.exit("does not hold: " + sys.argv[3])
EOF
    then
        pass "$1"
    else
        fail "$1"
        sed 's/^/  | /' "$tmp/py" | tail -5
    fi
}

# text: keep the text output of the last fa call for the JSON call that follows.
text() { cp "$tmp/out" "$tmp/text"; }

# --- scenario get / facts ---
fa scenario get "$sc/bank-branch.fa.yaml" deployment.consent.type
expect_rc 0 "scenario get"
text
fa scenario get "$sc/bank-branch.fa.yaml" deployment.consent.type --format json
expect_rc 0 "scenario get --format json"
json_ok "scenario get: value and position as in the text" \
    'd["fact"] == "deployment.consent.type" and d["known"] and not d["absent"] and t == "%s at %s:%d:%d\n" % (d["value"], d["at"]["file"], d["at"]["line"], d["at"]["col"])'

fa scenario get --format json "$sc/bank-branch.fa.yaml" device:counter-pad-1.signage.present
expect_rc 0 "scenario get --format json before the operands"
fa scenario get "$sc/bank-branch.fa.yaml" device:counter-pad-1.signage.present
text
fa scenario get "$sc/bank-branch.fa.yaml" device:counter-pad-1.signage.present --format json
json_ok "scenario get: an inherited or unknown fact says so as the text does" \
    '(d["from"] is None) == (" (from " not in t) and d["absent"] == (" (not given)" in t) and t.startswith(d["value"])'

fa scenario facts
expect_rc 0 "scenario facts"
text
fa scenario facts --format json
expect_rc 0 "scenario facts --format json"
json_ok "scenario facts: every fact of the text, in order, with type and flags" \
    'len(d["facts"]) == len(tl) > 50 and all(l.split("\t")[0] == f["kind"] + "." + f["path"] and l.split("\t")[1].split(" ")[0] == f["type"] and ("[inherited]" in l) == f["inherited"] and ("[computed]" in l) == f["computed"] for l, f in zip(tl, d["facts"]))'
json_ok "scenario facts: enum values and articles as in the text" \
    'all((f["values"] is None or "{" + ",".join(f["values"]) + "}" in l) and (not f["articles"] or "Art" in l and all(str(a) in l.rsplit("(Art", 1)[1] for a in f["articles"])) for l, f in zip(tl, d["facts"]))'
fa scenario facts device --format json
json_ok "scenario facts KIND --format json: that kind only" \
    'len(d["facts"]) > 10 and all(f["kind"] == "device" for f in d["facts"])'
fa scenario facts --format yaml
expect_rc 2 "scenario facts --format yaml is a usage error"
expect_grep "$tmp/err" "--format: 'yaml' \(text or json\)" "the usage error names the formats"

# --- rules show / lint / test ---
fa rules show FRT-A13-2
expect_rc 0 "rules show RULE-ID"
text
fa rules show FRT-A13-2 --format json
expect_rc 0 "rules show RULE-ID --format json"
json_ok "rules show RULE-ID: the header's fields and the canonical form of the text" \
    'd["rule"] == "FRT-A13-2" and d["article"] == 13 and d["clause"] == "13.2" and tl[0] == "# %s, article 13 (%s, %s)" % (d["where"], d["title_en"], d["title_zh"]) and tl[1] == "# clause 13.2: " + d["clause_text"] and t.endswith(d["text"])'
fa rules show 15
text
fa rules --format json show 15
expect_rc 0 "rules show ARTICLE --format json"
json_ok "rules show ARTICLE: file, confidence, source and the article text" \
    'd["rule"] is None and d["article"] == 15 and tl[0] == "# %s (%s)" % (d["where"], d["title_zh"]) and tl[1] == "# confidence %s; source: %s" % (d["confidence"], d["source"]) and t.endswith(d["text"]) and "rule FRT-A15-1 " in d["text"]'
fa rules show 21 --format json
expect_rc 2 "rules show 21 --format json: still a usage error"

fa rules lint
text
fa rules lint --format json
expect_rc 0 "rules lint --format json"
json_ok "rules lint: the counts of the text's last line, no messages" \
    'd["ok"] and d["problems"] == 0 and d["messages"] == [] and tl[-1] == "%d rules checked, 0 problems" % d["rules"]'
lp="$top_srcdir/tests/data/rules/lint-pack"
FACEAUDIT_RULES="$lp" fa rules lint
text
FACEAUDIT_RULES="$lp" fa rules lint --format json
expect_rc 1 "rules lint --format json of a pack with problems: exit 1"
json_ok "rules lint: every problem line of the text, and the count" \
    'not d["ok"] and d["problems"] >= 5 and d["messages"] == tl[:-1] and tl[-1].startswith("%d rules checked, %d problems" % (d["rules"], d["problems"]))'
fa rules lint "$top_srcdir/tests/data/rules/no-such.rule" --format json
expect_rc 1 "rules lint of a file that does not load: exit 1"
json_ok "rules lint: the load error in the document" \
    'not d["ok"] and "no-such.rule" in d["error"]'

fa rules test
text
fa rules test --format json
expect_rc 0 "rules test --format json"
json_ok "rules test: cases, coverage and every log line of the text" \
    'd["ok"] and d["passed"] == d["cases"] > 100 and d["covered"] == d["clauses"] and d["coverage_percent"] == 100 and d["log"] == tl[:-1] and tl[-1] == "%d of %d cases passed; clause coverage %d/%d (100%%)" % (d["passed"], d["cases"], d["covered"], d["clauses"])'

fa rules list --format xml
expect_rc 2 "rules list --format xml is a usage error"

# --- calendar ---
fa calendar add 2025-06-01 30
text
fa calendar add 2025-06-01 30 --format json
expect_rc 0 "calendar add --format json"
json_ok "calendar add: the Art. 15 transitional deadline as in the text" \
    'd["op"] == "add" and d["result"] == "2025-07-14" and d["result_weekday"] == "Mon" and d["working_days"] == 30 and not d["approximate"] and tl[0] == "2025-07-14 (Mon): working day 30 after 2025-06-01" and tl[1] == "calendar: %s (years %s)" % (d["calendar"]["version"][:12], ",".join(map(str, d["calendar"]["years"])))'
fa calendar --format json between 2025-09-26 2025-10-12
expect_rc 0 "calendar between --format json (option first)"
json_ok "calendar between: 6 working days across National Day" \
    'd["op"] == "between" and d["date"] == "2025-09-26" and d["to"] == "2025-10-12" and d["working_days"] == 6'
fa calendar show 2025-10-11 --format json
json_ok "calendar show: an adjusted working Saturday with its name" \
    'd["op"] == "show" and d["date_weekday"] == "Sat" and d["working_day"] is True and d["holiday"] == "National Day adjusted working day"'
fa calendar show 2025-10-01 --format json
json_ok "calendar show: a holiday is not a working day" \
    'd["working_day"] is False and d["holiday"] is not None'
fa calendar add 2026-12-30 3
text
fa calendar add 2026-12-30 3 --format json
json_ok "calendar: a year without data is approximate in both" \
    'd["approximate"] is True and any(l.startswith("approximate:") for l in tl)'
fa calendar add 2025-02-30 3 --format json
expect_rc 2 "calendar --format json with a bad date: exit 2"
expect_grep "$tmp/err" "DATE: '2025-02-30': 2025-02 has 28 days" "the date error is unchanged"
checks=$((checks + 1))
[ -s "$tmp/out" ] && fail "nothing on stdout after a usage error" || pass "nothing on stdout after a usage error"
fa calendar show 2025-10-01 --format csv
expect_rc 2 "calendar --format csv is a usage error"

# --- models ---
fa models list --dir "$tmp/no-models"
text
fa models list --dir "$tmp/no-models" --format json
expect_rc 2 "models list --format json of an empty folder: exit 2 as the text"
json_ok "models list: every file of the text with its status and network" \
    'not d["ok"] and d["missing"] == d["files"] == len(d["models"]) == len(tl) - 2 and all(l.split()[0] == m["file"] and l.split()[1] == m["status"] and m["bytes"] is None and l.endswith(m["network"]) for l, m in zip(tl[2:], d["models"]))'
expect_grep "$tmp/err" "file\(s\) missing in .*no-models: run \`faceaudit models fetch\`" "the problem still goes to stderr"
fa models verify
if [ "$rc" -eq 0 ]; then
    text
    fa models verify --format json
    expect_rc 0 "models verify --format json"
    json_ok "models verify: every file verified, as the text says" \
        'd["ok"] and d["verified"] == d["files"] and all(m["status"] == "ok" and m["bytes"] > 0 for m in d["models"]) and t == "%d model files verified in %s\n" % (d["files"], d["dir"])'
else
    echo "SKIP (part): models not installed"
fi

# --- dataset check ---
if [ -n "${FACEAUDIT_DATA:-}" ] && [ -d "$FACEAUDIT_DATA/faces/bbt" ]; then
    fa dataset check "$top_srcdir/datasets/faces/bbt.csv"
    text
    fa dataset check "$top_srcdir/datasets/faces/bbt.csv" --format json
    expect_rc 0 "dataset check --format json"
    json_ok "dataset check: the counts and hash of the text" \
        'd["ok"] and tl[0] == "dataset: %s (format %s, manifest sha256 %s)" % (d["dataset"], d["format"], d["manifest_sha256"]) and tl[1] == "images: %d, subjects: %d (%d to %d images each)" % (d["images"], d["subjects"], d["per_subject_min"], d["per_subject_max"]) and "bytes read: %d" % d["bytes"] in tl and "missing: 0" in tl and d["missing"] == d["unreadable"] == d["duplicates"] == []'
else
    echo "SKIP (part): dataset check needs FACEAUDIT_DATA with faces/bbt"
fi
mkdir -p "$tmp/ds/ann" "$tmp/ds/bob"
printf 'P5\n2 2\n255\n\001\002\003\004' >"$tmp/ds/ann/a.pgm"
cp "$tmp/ds/ann/a.pgm" "$tmp/ds/bob/b.pgm"
printf 'not an image' >"$tmp/ds/bob/c.pgm"
fa dataset check "$tmp/ds"
text
fa dataset check "$tmp/ds" --format json
expect_rc 1 "dataset check --format json with problems: exit 1 as the text"
json_ok "dataset check: every unreadable file and duplicate of the text" \
    'not d["ok"] and d["images"] == 3 and d["subjects"] == 2 and len(d["unreadable"]) == 1 and "  " + d["unreadable"][0] in tl and len(d["duplicates"]) == 1 and "  " + d["duplicates"][0] in tl'

# --- pia list ---
fa pia "$sc/bank-branch.fa.yaml" --save -o "$tmp/pia.md" --prepared "$(date -u -d '2 years ago' +%Y-%m-%d)"
expect_rc 0 "a record prepared two years ago (review due, still retained)"
fa pia "$sc/hotel-front-desk.fa.yaml" --save -o "$tmp/pia2.md"
expect_rc 0 "a current record"
fa pia list --all
text
fa pia list --all --format json
expect_rc 0 "pia list --all --format json"
json_ok "pia list --all: both records with the text's status and dates" \
    'd["total"] == 2 == len(d["records"]) == len(tl) and d["due"] == 1 and all(l.split()[0] == str(r["id"]) and r["status"] in l and r["scenario"] in l and "prepared %s review %s retain %s %s" % (r["prepared"], r["review_due"], r["retain_until"], r["format"]) in l for l, r in zip(tl, d["records"]))'
fa pia list --format json
json_ok "pia list: only the record due, as without --format" \
    'len(d["records"]) == 1 and d["records"][0]["status"] == "review due" and d["records"][0]["scenario"] == "bank-branch" and d["records"][0]["audit_run"] is None'
fa pia list --format json extra
expect_rc 2 "pia list with an operand is a usage error"

# --- lesson check ---
les="$top_srcdir/datasets/scenarios/training/01-notice.lesson"
fa lesson check "$les"
text
fa lesson check --format json "$les"
expect_rc 0 "lesson check --format json"
json_ok "lesson check: the lesson's steps and claims as in the text" \
    'd["files"] == 1 and d["errors"] == 0 and d["false_claims"] == 0 and d["lessons"][0]["status"] == "ok" and tl[0] == "%s: ok (%d steps, %d claims)" % (d["lessons"][0]["path"], d["lessons"][0]["steps"], d["lessons"][0]["claims"])'
fa lesson check "$les" "$tmp/missing.lesson" --format=json
expect_rc 2 "lesson check with an unreadable lesson: exit 2 in JSON too"
json_ok "lesson check: the unreadable lesson is an error naming it, the other still checked" \
    'd["errors"] == 1 and d["lessons"][0]["status"] == "ok" and d["lessons"][1]["status"] == "error" and "missing.lesson" in d["lessons"][1]["error"]'
fa lesson check --format yaml "$les"
expect_rc 2 "lesson check --format yaml is a usage error"

finish
