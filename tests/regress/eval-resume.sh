#!/bin/sh
# SPDX-License-Identifier: MIT
# eval-resume.sh - an evaluation killed with SIGKILL at several points (after
# 1, 15 and 39 of its 40 descriptors, by FACEAUDIT_CRASH_AT fault injection,
# and at a random time) leaves an intact database with the run 'running',
# and `eval --resume` completes it with exactly the figures of an
# uninterrupted run; the descriptors recorded on the way are sealed and
# removed once the run is stored.
. "${top_srcdir:-.}/tests/regress/lib.sh"

fa models verify
[ "$rc" -eq 0 ] || skip "models not installed (run faceaudit models fetch)"
[ -n "${FACEAUDIT_DATA:-}" ] && [ -d "$FACEAUDIT_DATA/faces/bbt" ] || skip "FACEAUDIT_DATA with faces/bbt is needed"
command -v sqlite3 >/dev/null 2>&1 || skip "sqlite3 (the command) is not installed"
bbt="$top_srcdir/datasets/faces/bbt.csv"

fa eval "$bbt" --cropped --save whole
expect_rc 0 "an uninterrupted run"

for n in 1 15 39; do
    FACEAUDIT_CRASH_AT=eval_desc:$n fa eval "$bbt" --cropped --save "k$n"
    checks=$((checks + 1))
    [ "$rc" -gt 128 ] && pass "killed after $n descriptors" || fail "not killed at $n (exit $rc)"
    fa db check
    expect_rc 0 "integrity after the kill at $n"
    st=$(sqlite3 "$tmp/fa.db" "SELECT status FROM run WHERE name = 'k$n'")
    cached=$(sqlite3 "$tmp/fa.db" "SELECT count(*) FROM eval_desc d JOIN run r ON r.id = d.run WHERE r.name = 'k$n'")
    checks=$((checks + 1))
    [ "$st" = running ] && [ "$cached" = "$n" ] && pass "run k$n is 'running' with $n sealed descriptors" ||
        fail "after the kill at $n: status $st, $cached descriptors"
    blob=$(sqlite3 "$tmp/fa.db" "SELECT hex(substr(descriptor, 1, 4)) FROM eval_desc WHERE status = 0 LIMIT 1")
    checks=$((checks + 1))
    [ "$blob" = 46415331 ] && pass "recorded descriptors are sealed" || fail "descriptor blob starts $blob"
    fa eval "$bbt" --cropped --resume "k$n"
    expect_rc 0 "resume k$n"
    expect_grep "$tmp/out" "^resumed: $n descriptors taken from the killed run$" "the $n recorded descriptors are reused"
    same=$(sqlite3 "$tmp/fa.db" "SELECT count(DISTINCT e.figures) FROM eval_run e JOIN run r ON r.id = e.run_id WHERE r.name IN ('whole', 'k$n')")
    checks=$((checks + 1))
    [ "$same" = 1 ] && pass "k$n has exactly the figures of the uninterrupted run" || fail "k$n figures differ"
done

# A kill at a random time, wherever the run is.
(env -i PATH="$PATH" HOME="$tmp/home" FACEAUDIT_DB="$tmp/fa.db" FACEAUDIT_DATA="$FACEAUDIT_DATA" \
    FACEAUDIT_MODELS="$FACEAUDIT_MODELS" FACEAUDIT_KEY_FILE="$tmp/data/faceaudit/template.key" \
    LC_ALL=C.UTF-8 timeout -s KILL 1.5 "$FACEAUDIT" eval "$bbt" --cropped --save rnd >/dev/null 2>&1) 2>/dev/null
fa db check
expect_rc 0 "integrity after a kill at a random time"
st=$(sqlite3 "$tmp/fa.db" "SELECT status FROM run WHERE name = 'rnd'")
if [ "$st" = running ]; then
    fa eval "$bbt" --cropped --resume rnd
    expect_rc 0 "resume after the random kill"
fi
left=$(sqlite3 "$tmp/fa.db" "SELECT count(*) FROM eval_desc")
checks=$((checks + 1))
[ "$left" = 0 ] && pass "no recorded descriptors left once the runs are stored" || fail "$left descriptors left"

fa eval "$bbt" --cropped --resume whole
expect_rc 2 "a complete run cannot be resumed"
expect_grep "$tmp/err" "eval run 'whole' is complete, not a killed run" "says why"
fa eval "$bbt" --cropped --resume nosuch
expect_rc 2 "unknown run"

finish
