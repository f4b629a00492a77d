#!/bin/sh
# SPDX-License-Identifier: MIT
# interrupt-cli.sh - Ctrl-C (SIGINT) through app_progress on the commands
# that loop over many files: dataset check, the recognition commands
# (embed, enroll). SIGINT is raised at a known file (FACEAUDIT_CRASH_AT=
# NAME:N:INT, as interrupt.sh does for eval); each stops at its next unit
# of work with exit 130 and a message, prints no partial result and stores
# nothing (an interrupted enroll leaves no gallery).
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
