#!/bin/sh
# SPDX-License-Identifier: MIT
# crash.sh - crash safety: runs killed with SIGKILL at many points (inside
# their database transaction, through FACEAUDIT_CRASH_AT fault injection,
# and at random times) leave a database that passes PRAGMA integrity_check
# and shows no half-written run as complete; the next run then succeeds.
. "${top_srcdir:-.}/tests/regress/lib.sh"

sc="$top_srcdir/datasets/scenarios/retail-chain-250k.fa.yaml"
survived=0

# check_db: integrity ok, and every complete simulation has all its days.
check_db() {
    checks=$((checks + 1))
    fa db check
    if [ "$rc" -ne 0 ]; then
        fail "$1: integrity check failed"
        return
    fi
    bad=$(sqlite3 "$tmp/fa.db" "SELECT count(*) FROM run r WHERE r.kind = 'simulation' AND
        (r.status <> 'complete' OR (SELECT count(*) FROM sim_day d WHERE d.run = r.id) <> 365)")
    if [ "$bad" != 0 ]; then
        fail "$1: $bad half-written simulation runs visible"
    else
        pass "$1: database intact, no half-written run"
        survived=$((survived + 1))
    fi
}

command -v sqlite3 >/dev/null 2>&1 || skip "sqlite3 (the command) is not installed"

for point in sim_day:1 sim_day:2 sim_day:100 sim_day:364 sim_day:365 sim_commit:1; do
    FACEAUDIT_CRASH_AT=$point fa simulate --no-timeline "$sc"
    checks=$((checks + 1))
    [ "$rc" -eq 137 ] || [ "$rc" -gt 128 ] && pass "killed at $point" || fail "not killed at $point (exit $rc)"
    check_db "after a kill at $point"
done

# Random times: the run is killed wherever it happens to be.
for delay in 0.05 0.1 0.2 0.3 0.45; do
    (env -i PATH="$PATH" HOME="$tmp/home" FACEAUDIT_DB="$tmp/fa.db" \
        FACEAUDIT_RULES="$top_srcdir/rules" LC_ALL=C.UTF-8 \
        timeout -s KILL "$delay" "$FACEAUDIT" simulate "$sc" >/dev/null 2>&1) 2>/dev/null
    check_db "after a kill at ${delay}s"
done

fa simulate --no-timeline --save after-crashes "$sc"
expect_rc 0 "a run after the crashes succeeds"
check_db "after a complete run"
n=$(sqlite3 "$tmp/fa.db" "SELECT count(*) FROM run WHERE name = 'after-crashes' AND status = 'complete'")
checks=$((checks + 1))
[ "$n" = 1 ] && pass "the complete run is stored" || fail "the complete run is missing"
echo "kill points survived: $survived"

finish
