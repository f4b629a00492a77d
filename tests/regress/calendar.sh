#!/bin/sh
# SPDX-License-Identifier: MIT
# calendar.sh - `faceaudit calendar`: deadlines an auditor checks by hand.
. "${top_srcdir:-.}/tests/regress/lib.sh"

fa calendar add 2025-06-01 30
expect_rc 0 "calendar add"
expect_grep "$tmp/out" '^2025-07-14 \(Mon\): working day 30 after 2025-06-01$' "Art. 15 transitional deadline"

fa calendar add 2025-09-15 30
expect_grep "$tmp/out" '^2025-10-31 \(Fri\): working day 30 after 2025-09-15$' "deadline across National Day 2025"

fa calendar between 2025-09-26 2025-10-12
expect_grep "$tmp/out" '^6 working days after 2025-09-26 up to and including 2025-10-12$' "between across the holiday"

fa calendar show 2025-10-11
expect_grep "$tmp/out" '^2025-10-11 \(Sat\): working day \(National Day adjusted working day\)$' "adjusted Saturday"

fa calendar add 2026-12-30 3
expect_rc 0 "a year without data still answers"
expect_grep "$tmp/out" '^approximate: a year without calendar data was counted with weekends only \(data: 2025,2026\)$' "approximation is said"

fa calendar add 2025-02-30 3
expect_rc 2 "bad date"
expect_grep "$tmp/err" "DATE: '2025-02-30': 2025-02 has 28 days" "bad date explained"

fa calendar add 2025-06-01 many
expect_rc 2 "bad N"

FACEAUDIT_RULES="$tmp/none" fa calendar show 2025-01-01
expect_rc 2 "missing calendar data"
expect_grep "$tmp/err" "calendar folder $tmp/none/calendar cannot be opened" "missing folder named"

finish
