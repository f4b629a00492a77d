#!/bin/sh
# SPDX-License-Identifier: MIT
# interrupt-cli.sh - Ctrl-C (SIGINT) through app_progress on the commands
# that loop over many files: dataset check, simulate --images, replay, the
# recognition commands (embed, enroll). SIGINT is raised at a known point
# (FACEAUDIT_CRASH_AT=NAME:N:INT, as interrupt.sh does for eval); each stops
# at its next unit of work with exit 130 and a message, prints or writes no
# partial result and stores nothing (no run, no gallery).
. "${top_srcdir:-.}/tests/regress/lib.sh"

[ -n "${FACEAUDIT_DATA:-}" ] && [ -d "$FACEAUDIT_DATA/faces/bbt" ] || skip "FACEAUDIT_DATA with faces/bbt is needed"
bbt="$top_srcdir/datasets/faces/bbt.csv"

# no_stdout DESCRIPTION: the last fa call printed nothing on stdout.
no_stdout() {
    checks=$((checks + 1))
    [ -s "$tmp/out" ] && fail "$1: $(wc -c <"$tmp/out") bytes on stdout" || pass "$1"
}

# --- dataset check ---
fa dataset check "$bbt"
expect_rc 0 "dataset check runs to the end uninterrupted"
FACEAUDIT_CRASH_AT=dataset_check:5:INT fa dataset check "$bbt"
expect_rc 130 "dataset check interrupted at its 5th file: exit 130"
expect_grep "$tmp/err" "^faceaudit: dataset: interrupted: the check stopped before its last file; nothing was reported \(it writes nothing\)$" \
    "dataset check: the message"
no_stdout "dataset check: no partial counts"
FACEAUDIT_CRASH_AT=dataset_check:5:INT fa dataset check "$bbt" --format json
expect_rc 130 "dataset check --format json interrupted: exit 130"
no_stdout "dataset check --format json: no partial document"

# --- recognition commands over many images ---
fa models verify
if [ "$rc" -ne 0 ]; then
    echo "SKIP (part): models not installed (run faceaudit models fetch)"
    finish
fi

# no_runs DESCRIPTION: the database holds no stored run.
no_runs() {
    fa runs list
    checks=$((checks + 1))
    [ "$rc" -eq 0 ] && [ "$(wc -l <"$tmp/out")" -eq 1 ] && pass "$1" ||
        { fail "$1"; head -5 "$tmp/out"; }
}

# simulate --images: Ctrl-C at the 3rd image through the engine
sc="$top_srcdir/datasets/scenarios/bank-branch.fa.yaml"
FACEAUDIT_CRASH_AT=sim_cancel:3:INT fa simulate "$sc" --days 30 --images "$bbt" --cropped -o "$tmp/sim.txt"
expect_rc 130 "simulate --images interrupted at its 3rd image: exit 130"
expect_grep "$tmp/err" "^faceaudit: simulate: interrupted: no run was stored and no output written$" \
    "simulate: the message"
checks=$((checks + 1))
[ -e "$tmp/sim.txt" ] && fail "simulate -o FILE written after the interrupt" || pass "simulate: no -o file"
no_runs "simulate: no run stored"

# replay: Ctrl-C once the events have gone through the engine (the 2nd poll)
FACEAUDIT_CRASH_AT=sim_cancel:2:INT fa replay "$top_srcdir/datasets/recorded/bbt-office" -o "$tmp/replay.txt"
expect_rc 130 "replay interrupted after its events: exit 130"
expect_grep "$tmp/err" "^faceaudit: replay: interrupted: no run was stored and no output written; " \
    "replay: the message"
checks=$((checks + 1))
[ -e "$tmp/replay.txt" ] && fail "replay -o FILE written after the interrupt" || pass "replay: no -o file"
no_runs "replay: no run stored"
fa replay "$top_srcdir/datasets/recorded/bbt-office" -o "$tmp/replay.txt"
expect_rc 0 "the same replay uninterrupted"
fa runs list --kind replay
expect_grep "$tmp/out" "^[0-9]+ +replay " "the uninterrupted replay is stored"

set -- "$FACEAUDIT_DATA"/faces/bbt/*/*.png
[ $# -ge 10 ] || skip "faces/bbt has fewer than 10 images"

FACEAUDIT_CRASH_AT=recog_image:4:INT fa embed --cropped "$@"
expect_rc 130 "embed interrupted at its 4th image: exit 130"
expect_grep "$tmp/err" "^faceaudit: embed: interrupted: stopped before the last image; no result was printed or stored$" \
    "embed: the message"
no_stdout "embed: no descriptors of the images done before the interrupt"

FACEAUDIT_CRASH_AT=recog_image:4:INT fa enroll --gallery staff --cropped "$@"
expect_rc 130 "enroll interrupted at its 4th image: exit 130"
expect_grep "$tmp/err" "^faceaudit: enroll: interrupted: stopped before the last image; no result was printed or stored$" \
    "enroll: the message"
fa gallery list --format json
expect_rc 0 "gallery list after the interrupted enroll"
expect_grep "$tmp/out" '"galleries": \[$' "the gallery list is read"
checks=$((checks + 1))
grep -q '"staff"' "$tmp/out" && fail "an interrupted enroll created gallery staff" ||
    pass "an interrupted enroll enrols nothing (no gallery)"
fa db check
expect_rc 0 "the database is intact after the interrupt"
fa enroll --gallery staff --cropped "$@"
expect_rc 0 "the same enroll uninterrupted"
expect_grep "$tmp/out" "^created gallery staff: $# template\(s\) added, $# in total$" "every image enrolled once"

finish
