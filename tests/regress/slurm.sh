#!/bin/sh
# SPDX-License-Identifier: MIT
# slurm.sh - a sharded evaluation on a real Slurm (issue 17 item 8): starts
# munged, slurmctld and slurmd on this machine from a generated
# configuration (private socket, state folders and ports under the test's
# temporary folder), then:
#  1. `eval --submit slurm --shards 4`: a 4-task array (`eval --shard auto`,
#     one node-local database per task) and the afterok merge job it
#     submits, waited for: the merged figures are byte-identical to a single
#     run's;
#  2. the same with task 2 cancelled mid-run (after it recorded a few
#     descriptors) and requeued: it resumes and computes none of the
#     descriptors it had recorded again; the merge is still byte-identical;
#  3. the same four shards under GNU parallel (PARALLEL_SEQ, --shards 4).
# Part 1 submits with `faceaudit eval --submit slurm`, part 2 with the
# scripts of contrib/slurm/. Uses 20 ORL subjects (200 crops). Skips with a visible message where the
# Debian packages (slurm-wlm, munge, parallel) are not installed or the test
# is not root (slurmd must be), or without the datasets or models.
. "${top_srcdir:-.}/tests/regress/lib.sh"

[ -n "${FACEAUDIT_DATA:-}" ] && [ -d "$FACEAUDIT_DATA/faces/orl" ] ||
    skip "shared face datasets absent (set FACEAUDIT_DATA)"
fa models verify
[ "$rc" -eq 0 ] || skip "model files absent (faceaudit models fetch)"
for c in munged slurmctld slurmd sbatch squeue scancel scontrol sinfo sqlite3; do
    command -v "$c" >/dev/null 2>&1 ||
        skip "$c absent: install the Debian packages slurm-wlm, munge and sqlite3 (./bootstrap does)"
done
[ "$(id -u)" -eq 0 ] || skip "slurmd must run as root to start jobs (run make check as root, as CI does)"

contrib=$(cd "$top_srcdir/contrib/slurm" && pwd)
fa_bin=$(cd "$(dirname "$FACEAUDIT")" && pwd)/$(basename "$FACEAUDIT")
sl=$tmp/slurm
mkdir -p "$sl/munge" "$sl/state" "$sl/spool" "$sl/log" "$tmp/node"
chmod 0700 "$sl/munge"

cleanup() {
    for p in "$sl/slurmd.pid" "$sl/slurmctld.pid" "$sl/munge/pid"; do
        [ -s "$p" ] && kill "$(cat "$p")" 2>/dev/null
    done
    sleep 1
    for p in "$sl/slurmd.pid" "$sl/slurmctld.pid" "$sl/munge/pid"; do
        [ -s "$p" ] && kill -9 "$(cat "$p")" 2>/dev/null
    done
    rm -rf "$tmp"
}
trap cleanup EXIT

# --- a one-node cluster ---------------------------------------------------------------
dd if=/dev/urandom of="$sl/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 0600 "$sl/munge/munge.key"
munged -f --socket="$sl/munge/sock" --key-file="$sl/munge/munge.key" \
    --log-file="$sl/munge/log" --pid-file="$sl/munge/pid" --seed-file="$sl/munge/seed" ||
    skip "munged does not start here: $(tail -1 "$sl/munge/log" 2>/dev/null)"
host=$(hostname)
port=$((20000 + $$ % 20000))
cat > "$sl/slurm.conf" <<CONF
ClusterName=fatest
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$sl/munge/sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$sl/state
SlurmdSpoolDir=$sl/spool
SlurmctldPidFile=$sl/slurmctld.pid
SlurmdPidFile=$sl/slurmd.pid
SlurmctldLogFile=$sl/log/slurmctld.log
SlurmdLogFile=$sl/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
InactiveLimit=0
MinJobAge=600
KillWait=2
Waittime=0
SchedulerParameters=kill_invalid_depend
NodeName=$host CPUs=2 RealMemory=1000 State=UNKNOWN
PartitionName=fa Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
SLURM_CONF=$sl/slurm.conf
export SLURM_CONF
slurmctld -c >"$sl/log/ctld.start" 2>&1 || skip "slurmctld does not start here: $(tail -1 "$sl/log/ctld.start")"
slurmd >"$sl/log/d.start" 2>&1 || skip "slurmd does not start here: $(tail -1 "$sl/log/d.start")"
i=0
until sinfo -h -o %t 2>/dev/null | grep -q idle; do
    i=$((i + 1))
    [ $i -lt 60 ] || { tail -5 "$sl/log/slurmctld.log" "$sl/log/slurmd.log"; fail "the node never became idle"; finish; }
    sleep 0.5
done
pass "munged, slurmctld and slurmd up (port $port)"

# jobs run with a clean environment, as fa() does
run_env() {
    env -i PATH="$PATH" HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" SLURM_CONF="$SLURM_CONF" \
        FACEAUDIT="$fa_bin" FACEAUDIT_MODELS="${FACEAUDIT_MODELS:-}" \
        FACEAUDIT_DATA="$FACEAUDIT_DATA" FA_LOCAL_DIR="$tmp/node" LC_ALL=C.UTF-8 TZ=UTC "$@"
}

# 20 ORL subjects, 10 crops each
ds=$tmp/orl20.csv
{
    head -1 "$top_srcdir/datasets/faces/orl.csv"
    grep -E '/orl/s([1-9]|1[0-9]|20)/' "$top_srcdir/datasets/faces/orl.csv"
} > "$ds"
opts="--cropped --bootstrap 100"
# shellcheck disable=SC2086
fa eval "$ds" $opts --format json
expect_rc 0 "the single run"
cp "$tmp/out" "$tmp/single.json"
expect_grep "$tmp/single.json" '"images":200,' "200 images"

# --- 1. eval --submit slurm: the array and the afterok merge job ---------------------------
out1=$tmp/out1
# shellcheck disable=SC2086
(cd "$tmp" && run_env "$fa_bin" eval "$ds" $opts --submit slurm --shards 4 --submit-dir out1 \
    --save all >"$tmp/submit.out" 2>"$tmp/err")
rc=$?
expect_rc 0 "eval --submit slurm"
expect_grep "$tmp/submit.out" '^submitted: array job [0-9]+ \(4 tasks\), merge job [0-9]+ \(runs when every task has succeeded\)$' "prints the two job ids"
expect_grep "$tmp/submit.out" "^follow: squeue -j [0-9]+,[0-9]+; task logs $out1/slurm-[0-9]+_K.out$" "says how to follow them"
job=$(sed -n 's/^submitted: array job \([0-9]*\) .*/\1/p' "$tmp/submit.out")
merge=$(sed -n 's/.*merge job \([0-9]*\) .*/\1/p' "$tmp/submit.out")
[ -n "$job" ] && [ -n "$merge" ] || { fail "no job ids: $(cat "$tmp/submit.out" "$tmp/err")"; finish; }
scontrol show job "$merge" >"$tmp/merge.job" 2>&1
if grep -q 'JobState=PENDING' "$tmp/merge.job"; then
    expect_grep "$tmp/merge.job" "Dependency=afterok:${job}" "the merge job waits for the array (afterok)"
fi
i=0
while [ -n "$(squeue -h -j "$merge" -o %i 2>/dev/null)" ]; do
    i=$((i + 1)); [ $i -lt 600 ] || break; sleep 0.5
done
checks=$((checks + 1))
state=$(scontrol show job "$merge" 2>/dev/null | sed -n 's/.*JobState=\([A-Z]*\).*/\1/p')
[ "$state" = COMPLETED ] && pass "the afterok merge job ran and succeeded" || {
    fail "the merge job ended $state"
    tail -5 "$out1"/slurm-*.out 2>/dev/null
}
expect_grep "$out1/merged.txt" "^stored figures verified" "the merged run 'all' is stored in merged.db"
for k in 1 2 3 4; do
    expect_grep "$out1/task-$k.txt" "^shard $k/4: partial figures" "task $k did shard $k/4"
done
checks=$((checks + 1))
if [ -s "$out1/merged.json" ] && cmp -s "$out1/merged.json" "$tmp/single.json"; then
    pass "Slurm: merged figures are byte-identical to the single run"
else
    fail "Slurm: merged figures differ from the single run"
    cat "$tmp"/slurm-*.out 2>/dev/null | tail -20
fi
checks=$((checks + 1))
[ -z "$(ls "$tmp/node")" ] && pass "the node-local databases were copied out and removed" ||
    fail "left on the node: $(ls "$tmp/node")"

# --- 2. a task cancelled mid-run, requeued, resumed ------------------------------------------
out2=$tmp/out2
# shellcheck disable=SC2086
job=$(run_env sbatch --parsable --array=1-4 -o "$tmp/slurm-%A_%a.out" \
    "$contrib/faceaudit-eval.sbatch" "$out2" "$ds" $opts)
db=$tmp/node/faceaudit-$job-2.db
i=0
n=0
while [ $i -lt 600 ]; do
    # -readonly: never create the file the task is about to create
    [ -f "$db" ] && n=$(sqlite3 -readonly "$db" "SELECT count(*) FROM eval_desc" 2>/dev/null)
    [ "${n:-0}" -ge 3 ] && break
    i=$((i + 1))
    sleep 0.05
done
scancel "${job}_2"
i=0
while squeue -h -j "${job}_2" -o %T 2>/dev/null | grep -Eq 'RUNNING|COMPLETING'; do
    i=$((i + 1)); [ $i -lt 100 ] || break; sleep 0.2
done
recorded=0
status=
if [ -f "$db" ]; then
    recorded=$(sqlite3 -readonly "$db" "SELECT count(*) FROM eval_desc" 2>/dev/null)
    status=$(sqlite3 -readonly "$db" "SELECT status FROM run WHERE name = 'shard'" 2>/dev/null)
fi
checks=$((checks + 1))
if [ "$status" = running ] && [ "${recorded:-0}" -ge 3 ]; then
    pass "task 2 cancelled mid-run with $recorded descriptors recorded"
else
    fail "task 2 was not caught mid-run (status '$status', $recorded descriptors; raise the subset)"
fi
scontrol requeue "${job}_2" 2>"$tmp/err"
scontrol update JobId="${job}_2" StartTime=now 2>>"$tmp/err" # skip Slurm's requeue delay
# Slurm keeps the cancellation against the array: afterok can no longer be
# satisfied, so the merge is submitted once every task is done (CLUSTER.md)
i=0
while [ -n "$(squeue -h -j "$job" -o %i 2>/dev/null)" ]; do
    i=$((i + 1)); [ $i -lt 600 ] || break; sleep 0.5
done
checks=$((checks + 1))
[ "$(scontrol show job "${job}_2" 2>/dev/null | sed -n 's/.*JobState=\([A-Z]*\).*/\1/p')" = COMPLETED ] &&
    pass "the requeued task completed" || {
    fail "the requeued task did not complete"
    scontrol show job "${job}_2" | grep -E 'JobState|Reason'
    sed 's/^/  | /' "$tmp/slurm-${job}_2.out" "$tmp/err" | tail -20
}
run_env timeout 300 sbatch --wait -o "$tmp/slurm-merge2.out" \
    "$contrib/faceaudit-merge.sbatch" "$out2" 4 >"$tmp/out" 2>>"$tmp/err"
rc=$?
expect_rc 0 "the merge ran after the requeued task succeeded"
expect_grep "$out2/task-2.txt" "^resumed: $recorded descriptors taken from the killed run$" \
    "the requeued task reused all $recorded recorded descriptors (recomputed none of them)"
checks=$((checks + 1))
if [ -s "$out2/merged.json" ] && cmp -s "$out2/merged.json" "$tmp/single.json"; then
    pass "Slurm with a requeued task: merged figures are byte-identical to the single run"
else
    fail "Slurm with a requeued task: merged figures differ"
fi

# --- 3. GNU parallel --------------------------------------------------------------------------
if command -v parallel >/dev/null 2>&1; then
    mkdir -p "$tmp/par"
    # shellcheck disable=SC2086
    run_env parallel --will-cite -j 2 "$fa_bin" --db "$tmp/par/task-{}.db" eval "$ds" \
        --shard auto --shards 4 --save shard $opts ::: 1 2 3 4 >"$tmp/par.out" 2>"$tmp/err"
    rc=$?
    expect_rc 0 "four shards under GNU parallel (PARALLEL_SEQ)"
    fa merge --format json "$tmp/par/task-1.db:shard" "$tmp/par/task-2.db:shard" \
        "$tmp/par/task-3.db:shard" "$tmp/par/task-4.db:shard"
    expect_rc 0 "merge the parallel shards"
    checks=$((checks + 1))
    cmp -s "$tmp/out" "$tmp/single.json" && pass "GNU parallel: merged figures are byte-identical" ||
        fail "GNU parallel: merged figures differ"
else
    echo "SKIP: GNU parallel absent (Debian package parallel): that part not run"
fi

finish
