#!/bin/sh
# SPDX-License-Identifier: MIT
# rules.sh - `faceaudit rules list|show|lint|test`: the pack is lint-clean,
# every golden case passes with 100% clause coverage, and bad rule files are
# refused with the exact file:line:col message.
. "${top_srcdir:-.}/tests/regress/lib.sh"
d="$top_srcdir/tests/data/rules"

fa rules lint
expect_rc 0 "the rule pack is lint-clean"
expect_grep "$tmp/out" '^[0-9]+ rules checked, 0 problems$' "lint reports no problems"

fa rules test
expect_rc 0 "golden rule tests pass"
expect_grep "$tmp/out" 'clause coverage ([0-9]+)/\1 \(100%\)$' "clause coverage is 100%"
if grep -q '^FAIL\|^UNCOVERED' "$tmp/out"; then
    fail "rules test lists failures"; grep '^FAIL\|^UNCOVERED' "$tmp/out" | head
fi

fa rules list
expect_rc 0 "rules list"
expect_grep "$tmp/out" '^FRT-A13-2 +13\.2 +critical no +no FR device inside a private space$' \
    "list shows the private-space ban as critical and not waivable"
expect_grep "$tmp/out" '^Art\. 17 .*\[unverified\]' "list marks unverified articles"

fa rules show 15
expect_rc 0 "rules show 15"
expect_grep "$tmp/out" '^rule FRT-A15-1 "filing within 30 working days of reaching 100,000" cites 15\.1 \{$' \
    "show prints the rule in canonical form"
expect_grep "$tmp/out" '^    let deadline = add_working_days\(storage\.reached_100k_date, 30\)$' \
    "show prints the deadline computation"

fa rules show FRT-A13-2
expect_rc 0 "rules show RULE-ID"
expect_grep "$tmp/out" '^# clause 13\.2: No FR device inside hotel rooms' "show a rule with its clause"
expect_grep "$tmp/out" '^    waivable no$' "the ban is not waivable"
if grep -q '^rule FRT-A13-1 ' "$tmp/out"; then fail "show RULE-ID prints only that rule"; fi

fa rules show FRT-A13-99
expect_rc 2 "unknown rule id"
expect_grep "$tmp/err" "no rule 'FRT-A13-99'" "unknown rule id named"

fa rules show 21
expect_rc 2 "article 21 does not exist"

fa rules frobnicate
expect_rc 2 "unknown subcommand"

# Lint of a pack with problems: duplicates, always-true sets, contradictions,
# missing articles, unread facts.
lp="$d/lint-pack"
fa_lint() {
    env -i PATH="$PATH" HOME="$tmp/home" FACEAUDIT_DB="$tmp/fa.db" FACEAUDIT_RULES="$lp" \
        LC_ALL=C.UTF-8 "$FACEAUDIT" rules lint >"$tmp/out" 2>"$tmp/err"
    rc=$?
}
fa_lint
expect_rc 1 "lint finds problems"
expect_grep "$tmp/out" "^$lp/a13-lint.rule:14:96: FRT-A13-1: 'public_place' is listed twice$" "duplicate set value"
expect_grep "$tmp/out" "^$lp/a13-lint.rule:14:60: FRT-A13-1: the set lists every value, so 'in' is always true whenever the fact is known$" "always-true set"
expect_grep "$tmp/out" "^$lp/a13-lint.rule:22:39: FRT-A13-3: 'device.location' cannot equal both gate and lobby: the condition is never true$" "contradiction"
expect_grep "$tmp/out" "^article 1: no rule file$" "missing articles"
expect_grep "$tmp/out" "^fact deployment.consent.type \(enum\): no rule reads it$" "unread facts"
expect_grep "$tmp/out" "^fact device.consent.type \(enum\): no rule reads it$" "unread scoped facts, once for the devices"
expect_grep "$tmp/out" "^2 rules checked, [0-9]+ problems$" "problem count"

# Bad rule files: exact messages (file:line:col, token, hint).
bad() {
    fa rules lint "$d/$1"
    expect_rc 1 "lint $1 fails"
    checks=$((checks + 1))
    want="faceaudit: rules: $d/$1:$2"
    if [ "$(cat "$tmp/err")" = "$want" ]; then
        pass "message for $1"
    else
        fail "message for $1"; echo "  want: $want"; echo "  got:  $(cat "$tmp/err")"
    fi
}
bad syntax-missing-when.rule "13:10: expected 'when', found 'device'"
bad unknown-fact.rule "14:22: unknown fact 'locaton' of a device (did you mean 'location'?)"
bad bad-enum.rule "14:35: 'hotel_rooms' is not a value of this enum (did you mean 'hotel_room'?)"
bad type-error.rule "13:38: cannot compare an int with a date"
bad unknown-builtin.rule "13:25: unknown function 'add_workdays' (did you mean 'add_working_days'?)"
bad arity.rule "13:25: add_working_days() takes 2 arguments, 1 given"
bad undeclared-clause.rule "10:1: rule FRT-A13-9 cites clause 13.7, which article 13 does not declare"
bad unterminated-string.rule "10:16: unterminated string"
bad bad-date.rule "2:14: bad date '2025-02-30': 2025-02 has 28 days"
bad wrong-id.rule "10:6: rule id 'FRT-A12-1' must start with 'FRT-A13-' in article 13's file"
bad missing-remedy.rule "10:1: rule FRT-A13-9 lacks 'remedy'"
bad assign-not-compare.rule "13:28: expected '==' (comparison) instead of '=', found '='"
bad non-bool-condition.rule "13:38: 'fail when' needs a bool condition, not an int"
bad bad-char.rule "13:15: unexpected character '!' (use \`not\` or \`!=\`)"
bad incomplete-path.rule "13:34: operand of 'and' must be a bool, not an incomplete fact path"
bad bad-severity.rule "11:14: expected a severity (critical, high, medium or low), found 'severe'"
bad unknown-name.rule "11:19: unknown name 'devics' (did you mean 'devices'?)"
bad unknown-name-compared.rule "14:33: unknown name 'typo'"
bad bad-template.rule "15:13: unknown fact 'nme' of a device (did you mean 'name'?)"
bad too-deep.rule "12:79: expression nested deeper than 64 levels"
bad reading-no-alt.rule "10:1: reading 'a13_scope' needs at least one 'alt'"
bad reading-not-named.rule "17:18: rule FRT-A13-9 tests reading 'a13_scope' but does not name it (add 'reading a13_scope')"
bad reading-undeclared.rule "10:1: rule FRT-A13-9 names reading 'a13_scop', which no rule file declares"
bad reading-bad-alt.rule "18:40: 'narrw' is not a value of this enum (did you mean 'narrow'?)"

# Bases and readings in canonical form.
fa rules show 9
expect_rc 0 "rules show 9"
expect_grep "$tmp/out" '^    basis "PIPL Art\. 56"$' "show prints a rule's basis"
fa rules show 13
expect_grep "$tmp/out" '^reading a13_scope "' "show prints a reading's declaration"
expect_grep "$tmp/out" '^    alt surveillance_only "' "show prints the alternatives"
expect_grep "$tmp/out" '^    reading a13_scope$' "show prints the reading a rule names"
expect_grep "$tmp/out" '^    applies when reading\(a13_scope\) == literal or ' "show prints reading()"

fa rules list
n=$(grep -Ec '^FRT-' "$tmp/out")
fa rules list --format json
expect_rc 0 "rules list as JSON"
checks=$((checks + 1))
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); r = [x for a in d["articles"] for x in a["rules"]]; assert len(r) == d["rules"] == int(sys.argv[2]) and len(d["pack"]) == 64 and any(x["id"] == "FRT-A13-2" and x["severity"] == "critical" and not x["waivable"] for x in r)' "$tmp/out" "$n" &&
    pass "rules list JSON: the same $n rules, FRT-A13-2 critical and not waivable" || fail "rules list JSON"

finish
