#!/bin/sh
# SPDX-License-Identifier: MIT
# lesson.sh - `faceaudit lesson check`: every shipped lesson's claims hold
# against the audit; a false claim names the step line, article, expected and
# actual outcome (exit 1); malformed lessons give exact FILE:LINE messages
# (exit 2); one bad file does not stop the others.
. "${top_srcdir:-.}/tests/regress/lib.sh"

T="$top_srcdir/datasets/scenarios/training"

fa lesson check "$T"/*.lesson
expect_rc 0 "every shipped lesson's claims hold"
checks=$((checks + 1))
n=$(grep -c ': ok (' "$tmp/out")
[ "$n" -ge 14 ] && pass "$n lessons checked" || fail "only $n lessons checked"
expect_grep "$tmp/out" '10-filing-across-holiday\.lesson: ok \(4 steps, 4 claims\)$' "the holiday deadline lesson"

# A false claim, and a true one after it.
H="$T/11-private-spaces.fa.yaml"
cat >"$tmp/false.lesson" <<EOT
title: t
scenario: $H
step: compliant
expect: 13 pass
step: moved into a room
set: device:desk-tablet-1.location = hotel_room
expect: 13 pass
expect: grade A
EOT
fa lesson check "$tmp/false.lesson"
expect_rc 1 "a false claim exits 1"
expect_grep "$tmp/out" "^$tmp/false\.lesson:5: step 2: Art\. 13: expected pass, the audit says fail\$" "the false claim named"
expect_grep "$tmp/out" "^$tmp/false\.lesson:5: step 2: grade: expected A, the audit says D\$" "the false grade named"
expect_grep "$tmp/out" "^$tmp/false\.lesson: 2 of 3 claims false\$" "the count"

# Malformed lessons: exact messages, exit 2.
bad() { # NAME TEXT MESSAGE
    printf '%s' "$2" >"$tmp/$1.lesson"
    fa lesson check "$tmp/$1.lesson"
    expect_rc 2 "$1: exit 2"
    checks=$((checks + 1))
    if [ "$(cat "$tmp/err")" = "faceaudit: lesson: $tmp/$1.lesson$3" ]; then
        pass "$1: message"
    else
        fail "$1: got '$(cat "$tmp/err")'"
    fi
}
bad nokey "title: t
scenario: $H
step: s
expekt: 13 pass
" ":4: unknown key 'expekt' (did you mean 'expect'?)"
bad article "title: t
scenario: $H
step: s
expect: 21 pass
" ":4: expect: 'ARTICLE OUTCOME' (1-20; pass, fail, not_applicable, needs_evidence, advisory, waived) or 'grade A-F|none'"
bad hidden "title: t
scenario: $H
step: one [[two
" ":3: step: '[[' and ']]' do not pair up"
bad await "title: t
scenario: $H
step: s
await: open-screen kitchen
" ":4: await: open-screen takes home, board, article, facts, demo, eval, sim, runs or help"
bad answer "title: t
scenario: $H
step: s
expect: 13 pass
quiz: which?
answer: 8
" ":3: answer '8' is not checked: no 'expect:' of this step has Art. 8"
bad uncovered "title: t
articles: 5, 13
scenario: $H
step: s
expect: 13 pass
" ": articles: Art. 5 is listed but no 'expect:' checks it"
bad fact "title: t
scenario: $H
step: s
set: device:desk-tablet-9.location = hotel_room
expect: 13 pass
" ":4: set: no device 'desk-tablet-9' in $H"
bad value "title: t
scenario: $H
step: s
set: device:desk-tablet-1.location = hotel_rom
" ":4: set: location: unknown value 'hotel_rom' (did you mean 'hotel_room'?)"
bad awaitfact "title: t
scenario: $H
step: s
await: set-fact device:desk-tablet-1.colour
" ":4: await: no fact 'colour' on a device"
bad reading "title: t
scenario: $H
step: s
reading: a13_scope=everything
expect: 13 pass
" ":3: reading: --reading a13_scope=everything: reading 'a13_scope' has no alternative 'everything' (it has literal, surveillance_only)"
bad noscenario "title: t
scenario: nowhere.fa.yaml
step: s
" ":2: scenario: $tmp/nowhere.fa.yaml: No such file or directory"

# Every file is checked: a bad one is named, the good one still reported.
fa lesson check "$tmp/nokey.lesson" "$T/01-notice.lesson"
expect_rc 2 "an error wins over ok"
expect_grep "$tmp/out" '01-notice\.lesson: ok \(5 steps, 5 claims\)$' "the good lesson is still checked"

fa lesson
expect_rc 2 "no subcommand"
fa lesson check
expect_rc 2 "no file"
fa lesson frobnicate x
expect_rc 2 "unknown subcommand"

finish
