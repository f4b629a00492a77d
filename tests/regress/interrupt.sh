#!/bin/sh
# SPDX-License-Identifier: MIT
# interrupt.sh - Ctrl-C cancels long operations through the app layer: the
# first SIGINT sets a flag, the operation stops at its next unit of work,
# what it stored stays intact, the message says how to go on, exit 130.
# An evaluation interrupted at a known descriptor (FACEAUDIT_CRASH_AT=...:INT)
# and one sent SIGINT from outside while it runs are both resumed with
# `eval --resume` to exactly the figures of an uninterrupted run.
. "${top_srcdir:-.}/tests/regress/lib.sh"

fa models verify
[ "$rc" -eq 0 ] || skip "models not installed (run faceaudit models fetch)"
[ -n "${FACEAUDIT_DATA:-}" ] && [ -d "$FACEAUDIT_DATA/faces/bbt" ] || skip "FACEAUDIT_DATA with faces/bbt is needed"
command -v sqlite3 >/dev/null 2>&1 || skip "sqlite3 (the command) is not installed"
bbt="$top_srcdir/datasets/faces/bbt.csv"

fa eval "$bbt" --cropped --save whole
expect_rc 0 "an uninterrupted run"

# resume_same NAME N: NAME was interrupted with N descriptors recorded ("" any);
# --resume completes it with the uninterrupted run's figures.
resume_same() {
    st=$(sqlite3 "$tmp/fa.db" "SELECT status FROM run WHERE name = '$1'")
    checks=$((checks + 1))
    [ "$st" = running ] && pass "run $1 is kept to resume" || fail "run $1 is $st, not running"
    fa db check
    expect_rc 0 "integrity after interrupting $1"
    fa eval "$bbt" --cropped --resume "$1"
    expect_rc 0 "resume $1"
    expect_grep "$tmp/out" "^resumed: ${2:-[0-9]+} descriptors taken from the killed run$" \
        "the descriptors recorded before the interrupt are reused"
    same=$(sqlite3 "$tmp/fa.db" "SELECT count(DISTINCT e.figures) FROM eval_run e JOIN run r ON r.id = e.run_id WHERE r.name IN ('whole', '$1')")
    checks=$((checks + 1))
    [ "$same" = 1 ] && pass "$1 has exactly the figures of the uninterrupted run" || fail "$1 figures differ"
}

# SIGINT raised at the 7th recorded descriptor
FACEAUDIT_CRASH_AT=eval_desc:7:INT fa eval "$bbt" --cropped --save at7
expect_rc 130 "an interrupted eval exits 130"
expect_grep "$tmp/err" "^faceaudit: eval: interrupted: run 'at7' keeps the descriptors recorded so far; continue it with \`faceaudit eval .*bbt\.csv --resume at7\` and the same options$" \
    "says what was kept and how to resume"
n=$(sqlite3 "$tmp/fa.db" "SELECT count(*) FROM eval_desc d JOIN run r ON r.id = d.run WHERE r.name = 'at7'")
checks=$((checks + 1))
[ "$n" -ge 7 ] && [ "$n" -lt 40 ] && pass "stopped soon after the interrupt ($n of 40 recorded)" ||
    fail "$n descriptors recorded"
resume_same at7 "$n"

# without --save nothing is stored, and the message says so (a run of a few
# seconds sent SIGINT after one)
env -i PATH="$PATH" HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" FACEAUDIT_DB="$tmp/fa.db" \
    FACEAUDIT_MODELS="$FACEAUDIT_MODELS" FACEAUDIT_DATA="$FACEAUDIT_DATA" \
    FACEAUDIT_KEY_FILE="$tmp/data/faceaudit/template.key" LC_ALL=C.UTF-8 TZ=UTC \
    timeout -s INT --preserve-status 1 "$FACEAUDIT" eval "$bbt" --cropped >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
if [ $rc -eq 0 ]; then
    echo "SKIP (part): the unsaved run finished within a second"
else
    expect_rc 130 "an interrupted unsaved eval exits 130"
    expect_grep "$tmp/err" "interrupted: nothing was stored \(a run saved with --save NAME can be continued with --resume NAME\)" \
        "says nothing was stored"
fi
fa eval "$bbt" --cropped --resume at7
expect_rc 2 "a completed run cannot be resumed again"

# SIGINT from outside (what Ctrl-C sends), once descriptors are being recorded
env -i PATH="$PATH" HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" FACEAUDIT_DB="$tmp/fa.db" \
    FACEAUDIT_MODELS="$FACEAUDIT_MODELS" FACEAUDIT_DATA="$FACEAUDIT_DATA" \
    FACEAUDIT_KEY_FILE="$tmp/data/faceaudit/template.key" LC_ALL=C.UTF-8 TZ=UTC \
    "$FACEAUDIT" eval "$bbt" --cropped --save ext >"$tmp/out" 2>"$tmp/err" </dev/null &
pid=$!
i=0
while [ $i -lt 200 ]; do
    n=$(sqlite3 "$tmp/fa.db" "SELECT count(*) FROM eval_desc d JOIN run r ON r.id = d.run WHERE r.name = 'ext'" 2>/dev/null)
    [ "${n:-0}" -ge 2 ] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.05
    i=$((i + 1))
done
kill -INT $pid 2>/dev/null
wait $pid
rc=$?
if [ $rc -eq 0 ]; then
    echo "SKIP (part): the run finished before the signal arrived"
else
    expect_rc 130 "SIGINT from outside: exit 130"
    expect_grep "$tmp/err" "interrupted: run 'ext' keeps the descriptors recorded so far" "the message"
    resume_same ext ""
fi
left=$(sqlite3 "$tmp/fa.db" "SELECT count(*) FROM eval_desc")
checks=$((checks + 1))
[ "$left" = 0 ] && pass "no recorded descriptors left once the runs are stored" || fail "$left descriptors left"

finish
