#!/bin/sh
# SPDX-License-Identifier: MIT
# eval.sh - `faceaudit eval`, `merge`, `runs` and `dataset check` end to end
# on a synthetic dataset made here (12 subjects x 4 images, descriptors from
# awk): a gate that fails at a deliberately mis-set threshold and passes at
# the right one; a baseline comparison; --shard K/N + merge giving stored
# figures byte-identical to the single run (verify with failures to
# acquire, and identify); detection against imglab boxes; bad inputs.
. "${top_srcdir:-.}/tests/regress/lib.sh"

d="$tmp/ds"
mkdir -p "$d"
# faces.csv: subject sNN, 4 images each; sex alternates to exercise groups
echo "path,subject,sex" > "$d/faces.csv"
s=0
while [ $s -lt 12 ]; do
    mkdir -p "$d/s$s"
    for i in 1 2 3 4; do
        echo "synthetic image $s $i" > "$d/s$s/$i.pgm"
        if [ $((s % 2)) -eq 0 ]; then sx=F; else sx=M; fi
        echo "s$s/$i.pgm,s$s,$sx" >> "$d/faces.csv"
    done
    s=$((s + 1))
done

# descriptors: subject s sits at (1 + s/8) on axis s%8; noise +-$2 per axis
make_desc() {
    awk -F, -v seed="$1" -v noise="$2" -v skip="$3" 'NR > 1 {
        s = substr($2, 2) + 0; srand(seed * 1000 + NR)
        if (skip != "" && NR % skip == 0) next
        line = $1
        for (k = 0; k < 8; k++) {
            c = (k == s % 8) ? 1 + int(s / 8) : 0
            line = line "," sprintf("%.6f", c + (rand() - 0.5) * 2 * noise)
        }
        print line
    }' "$d/faces.csv"
}
make_desc 1 0.05 "" > "$tmp/good.csv"
make_desc 2 0.4 "" > "$tmp/noisy.csv"
make_desc 3 0.05 7 > "$tmp/gappy.csv"   # every 7th image has no descriptor: FTA

cat > "$tmp/gate.yaml" <<'YAML'
# FMR budget at the frozen threshold, on the upper 95% bound
fmr_upper_max: 0.01
fta_max: 0.0
YAML

# --- gate: mis-set threshold fails, the right one passes -------------------
fa eval "$d/faces.csv" --descriptors "$tmp/good.csv" --threshold 1.5 --gate "$tmp/gate.yaml"
expect_rc 1 "gate fails at a mis-set threshold (1.5)"
expect_grep "$tmp/out" '^FAIL FMR at threshold 1.5: [0-9]+/1056' "the failed check is listed with its counts"
expect_grep "$tmp/out" '^gate .*gate.yaml: FAILED' "the gate verdict is printed"
expect_grep "$tmp/err" 'gate .* failed: 1 check' "stderr says how many checks failed"
fa eval "$d/faces.csv" --descriptors "$tmp/good.csv" --threshold 0.6 --gate "$tmp/gate.yaml"
expect_rc 0 "gate passes at the right threshold (0.6)"
expect_grep "$tmp/out" '^PASS FMR at threshold 0.6: 0/1056 = 0, upper 95% bound 0.003[0-9]* <= budget 0.01' "FMR bound within budget"
expect_grep "$tmp/out" '^PASS FTA 0/48' "FTA check passes"
expect_grep "$tmp/out" '^  FNMR 0 \(0/72\)' "no false non-match among the 72 genuine pairs"
expect_grep "$tmp/out" '^  1e-02 ' "FNMR at FMR=1e-2 is reported"
expect_grep "$tmp/out" '^  1e-03 +not supported: 1056 impostor comparisons, 1000 needed|^  1e-04 +not supported: 1056 impostor comparisons, 10000 needed' "unsupported targets say so"
expect_grep "$tmp/out" '^  sex  F ' "per-group figures at the global threshold"
fa eval "$d/faces.csv" --descriptors "$tmp/gappy.csv" --gate "$tmp/gate.yaml"
expect_rc 1 "gate fails when images fail to acquire"
expect_grep "$tmp/out" '^FAIL FTA 7/48' "FTA counts the failures (every 7th of lines 2-49)"

# --- baseline and regression gate ------------------------------------------
fa eval "$d/faces.csv" --descriptors "$tmp/good.csv" --save base
expect_rc 0 "store a baseline run"
expect_grep "$tmp/out" "^stored as run 'base'" "run stored"
fa runs list --kind eval --format json
expect_rc 0 "runs list --format json"
checks=$((checks + 1))
if python3 - "$tmp/out" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))
base = [r for r in runs if r["name"] == "base"]
assert len(base) == 1 and base[0]["kind"] == "eval" and base[0]["status"] == "complete", runs
assert isinstance(base[0]["id"], int) and base[0]["created_at"] and base[0]["finished_at"], runs
PY
then pass "runs list --format json: an array with the stored run"; else fail "runs list --format json"; cat "$tmp/out"; fi
fa runs list --format csv
expect_rc 2 "runs list --format csv refused"
cat > "$tmp/regress.yaml" <<'YAML'
fnmr_at_fmr:
  fmr: 0.01
  max_worsening: 0.02
YAML
fa eval "$d/faces.csv" --descriptors "$tmp/good.csv" --baseline base --gate "$tmp/regress.yaml"
expect_rc 0 "same engine against its baseline passes"
fa eval "$d/faces.csv" --descriptors "$tmp/noisy.csv" --baseline base --gate "$tmp/regress.yaml"
expect_rc 1 "a worse engine fails the regression gate"
expect_grep "$tmp/out" '^FAIL FNMR@FMR=0.01: .* intervals do not overlap' "the regression is explained"
fa eval "$d/faces.csv" --descriptors "$tmp/noisy.csv" --gate "$tmp/regress.yaml"
expect_rc 1 "a baseline check without --baseline fails, never passes silently"
expect_grep "$tmp/out" 'needs a baseline run' "and says why"
cat > "$tmp/deep.yaml" <<'YAML'
fnmr_at_fmr:
  fmr: 0.0001
  max_worsening: 0.02
YAML
fa eval "$d/faces.csv" --descriptors "$tmp/good.csv" --baseline base --gate "$tmp/deep.yaml"
expect_rc 1 "a gate at FMR=1e-4 on 1056 impostor comparisons cannot pass"
expect_grep "$tmp/out" '^FAIL FNMR@FMR=0.0001: cannot be decided: this run has 1056 impostor comparisons, 10000 needed' "and says why"
printf 'fmr_upper_max: 2\n' > "$tmp/bad.yaml"
fa eval "$d/faces.csv" --descriptors "$tmp/good.csv" --gate "$tmp/bad.yaml"
expect_rc 2 "an out-of-range gate value is an input error"
expect_grep "$tmp/err" 'bad.yaml:1:16: fmr_upper_max: 2 is out of range' "the field is named at line:col"
printf 'fmr_uper_max: 0.1\n' > "$tmp/bad2.yaml"
fa eval "$d/faces.csv" --descriptors "$tmp/good.csv" --gate "$tmp/bad2.yaml"
expect_rc 2 "an unknown gate key is an input error"
expect_grep "$tmp/err" "bad2.yaml:1:1: unknown key 'fmr_uper_max' in a gate file \\(did you mean 'fmr_upper_max'\\?\\)" "the unknown key is named with a hint"

# --- shard/merge gives byte-identical stored figures -------------------------
for proto in verify identify; do
    fa eval "$d/faces.csv" --descriptors "$tmp/gappy.csv" --protocol $proto --save "one-$proto" --bootstrap 300
    expect_rc 0 "$proto: single run"
    for k in 1 2 3; do
        fa eval "$d/faces.csv" --descriptors "$tmp/gappy.csv" --protocol $proto --save "$proto-$k" --shard $k/3 --bootstrap 300
        expect_rc 0 "$proto: shard $k/3"
    done
    fa merge --save "merged-$proto" "$proto-3" "$proto-1" "$proto-2"
    expect_rc 0 "$proto: merge the shards (any order)"
    fa runs show "one-$proto" --format json
    cp "$tmp/out" "$tmp/one.json"
    fa runs show "merged-$proto" --format json
    checks=$((checks + 1))
    if cmp -s "$tmp/one.json" "$tmp/out" && [ -s "$tmp/out" ]; then
        pass "$proto: merged figures are byte-identical to the single run"
    else
        fail "$proto: merged figures differ from the single run"
        diff "$tmp/one.json" "$tmp/out" | head -5
    fi
done
# one database per task (Slurm arrays, GNU parallel), merged into the main one;
# --shard auto takes K from PARALLEL_SEQ (GNU parallel) with --shards N
for k in 1 2; do
    env PARALLEL_SEQ=$k "$FACEAUDIT" --db "$tmp/task-$k.db" eval "$d/faces.csv" \
        --descriptors "$tmp/gappy.csv" --save "t$k" --shard auto --shards 2 --bootstrap 300 \
        >"$tmp/out" 2>"$tmp/err" </dev/null
    rc=$?
    expect_rc 0 "task $k/2 (PARALLEL_SEQ=$k) in its own database"
    expect_grep "$tmp/out" "^shard $k/2: partial figures" "--shard auto gives shard $k/2"
done
env SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=5 \
    SLURM_ARRAY_TASK_COUNT=3 SLURM_ARRAY_TASK_STEP=2 "$FACEAUDIT" --db "$tmp/task-x.db" \
    eval "$d/faces.csv" --descriptors "$tmp/gappy.csv" --save tx --shard auto \
    >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
expect_rc 2 "a stepped Slurm array is refused"
expect_grep "$tmp/err" 'has step 2' "and says why"
# a shard killed and requeued resumes its stored run (--shard with --resume)
fa --db "$tmp/task-1.db" eval "$d/faces.csv" --descriptors "$tmp/gappy.csv" --shard 1/2 --resume t1
expect_rc 2 "a complete shard run is not resumed"
expect_grep "$tmp/err" "t1" "the run is named, --shard with --resume is accepted"
checks=$((checks + 1))
grep -q 'needs --save' "$tmp/err" && fail "--shard refused with --resume" || pass "--shard goes with --resume"
# merge reads shard databases read-only (immutable: nothing written beside them)
mkdir "$tmp/ro"
cp "$tmp/task-1.db" "$tmp/task-2.db" "$tmp/ro/"
( cd "$tmp/ro" && sha256sum task-1.db task-2.db > ../ro.sums )
chmod 0444 "$tmp/ro/task-1.db" "$tmp/ro/task-2.db"
chmod 0555 "$tmp/ro"
fa merge --save merged-tasks "$tmp/ro/task-2.db:t2" "$tmp/ro/task-1.db:t1" --format json
expect_rc 0 "merge shards from two read-only database files"
checks=$((checks + 1))
if [ "$(ls "$tmp/ro" | tr '\n' ' ')" = "task-1.db task-2.db " ] &&
    ( cd "$tmp/ro" && sha256sum -c --quiet ../ro.sums ); then
    pass "merge wrote nothing beside the shard databases and changed none"
else
    fail "merge touched the read-only folder: $(ls "$tmp/ro" | tr '\n' ' ')"
fi
chmod 0755 "$tmp/ro"
fa runs show one-verify --format json
cp "$tmp/out" "$tmp/one.json"
fa runs show merged-tasks --format json
checks=$((checks + 1))
if cmp -s "$tmp/one.json" "$tmp/out"; then
    pass "per-task databases merge to the single-run figures"
else
    fail "per-task databases: merged figures differ"
fi
fa merge "$tmp/task-1.db:nope" t2
expect_rc 2 "a missing run in a shard database"
expect_grep "$tmp/err" "task-1.db: no eval run named 'nope'" "names the database and the run"
# a verify shard acquires only the images of its blocks (48 images, 3 shards:
# blocks of 24; shard 1 compares block 0 with itself: 24 + its 8 others)
fa runs show verify-1 --format json
expect_grep "$tmp/out" '"images":48,"attempted":32,' "shard 1/3 acquired 32 of 48 images"
fa runs show merged-verify
expect_rc 0 "runs show recomputes and verifies the stored figures"
expect_grep "$tmp/out" '^stored figures verified' "verification reported"
fa merge verify-1 verify-2
expect_rc 2 "a missing shard is refused"
expect_grep "$tmp/err" 'K/3, but 2 run' "and explained"
fa merge verify-1 verify-1 verify-2
expect_rc 2 "a shard given twice is refused"
fa merge verify-1 identify-2 identify-3
expect_rc 2 "shards of different jobs are refused"
fa eval "$d/faces.csv" --descriptors "$tmp/good.csv" --shard 2/3
expect_rc 2 "--shard without --save is a usage error"
fa eval "$d/faces.csv" --descriptors "$tmp/good.csv" --save base
expect_rc 2 "a run name is not reused"
expect_grep "$tmp/err" "runs delete base" "the fix is named"

# --- LFW pairs with folds ----------------------------------------------------
mkdir -p "$tmp/lfw"
printf '2\t2\nAnn\t1\t2\nBob\t1\t2\nAnn\t1\tBob\t1\nAnn\t2\tCy\t1\nCy\t1\t2\nDee\t1\t2\nCy\t2\tDee\t1\nBob\t2\tDee\t2\n' > "$tmp/lfw/pairs.txt"
for n in Ann Bob Cy Dee; do
    mkdir -p "$tmp/lfw/$n"
    for i in 1 2; do echo "$n $i" > "$tmp/lfw/$n/${n}_000$i.jpg"; done
done
# Ann, Bob, Cy, Dee on four axes; image 2 of Dee drifts far (a genuine error)
cat > "$tmp/lfw-desc.csv" <<'CSV'
Ann/Ann_0001.jpg,1,0,0,0
Ann/Ann_0002.jpg,1.1,0,0,0
Bob/Bob_0001.jpg,0,1,0,0
Bob/Bob_0002.jpg,0,1.1,0,0
Cy/Cy_0001.jpg,0,0,1,0
Cy/Cy_0002.jpg,0,0,1.1,0
Dee/Dee_0001.jpg,0,0,0,1
Dee/Dee_0002.jpg,0,0,0,3
CSV
fa eval "$tmp/lfw/pairs.txt" --descriptors "$tmp/lfw-desc.csv" --save lfw-one --bootstrap 0
expect_rc 0 "LFW pairs"
expect_grep "$tmp/out" '^comparisons: 4 genuine, 4 impostor' "the listed pairs only"
expect_grep "$tmp/out" '^2-fold accuracy \(threshold chosen on the other folds\): mean 0.8750, sd 0.1768' "10-fold style accuracy per fold"
for k in 1 2; do
    fa eval "$tmp/lfw/pairs.txt" --descriptors "$tmp/lfw-desc.csv" --save "lfw-$k" --shard $k/2 --bootstrap 0
    expect_rc 0 "LFW shard $k/2"
done
fa merge lfw-2 lfw-1 --format json
cp "$tmp/out" "$tmp/m.json"
fa runs show lfw-one --format json
checks=$((checks + 1))
if cmp -s "$tmp/m.json" "$tmp/out"; then pass "LFW: merge is byte-identical"; else fail "LFW: merge differs"; fi

# --- a run killed inside its final transaction is never complete -----------
if command -v sqlite3 >/dev/null 2>&1; then
    for point in eval_score:1 eval_score:500 eval_commit:1; do
        FACEAUDIT_CRASH_AT=$point fa eval "$d/faces.csv" --descriptors "$tmp/good.csv" \
            --save "crash-$point"
        FACEAUDIT_CRASH_AT=
        checks=$((checks + 1))
        [ "$rc" -gt 128 ] && pass "killed at $point" || fail "not killed at $point (exit $rc)"
        fa db check
        expect_rc 0 "database intact after a kill at $point"
        st=$(sqlite3 "$tmp/fa.db" "SELECT status || ':' || (SELECT count(*) FROM eval_score s
            WHERE s.run_id = r.id) FROM run r WHERE r.name = 'crash-$point'")
        checks=$((checks + 1))
        [ "$st" = "running:0" ] && pass "run left 'running' with no scores ($point)" ||
            fail "after a kill at $point the run is '$st'"
        fa runs show "crash-$point"
        expect_rc 2 "a killed run cannot be shown as a result ($point)"
        expect_grep "$tmp/err" "is running, not complete" "and says why"
    done
fi

# --- runs list / delete ----------------------------------------------------
fa runs list
expect_rc 0 "runs list"
expect_grep "$tmp/out" ' eval +merged-identify +complete ' "merged run listed as complete"
if command -v sqlite3 >/dev/null 2>&1; then
    sqlite3 "$tmp/fa.db" "INSERT INTO run(kind, name, software, status) VALUES ('audit', 'base', 'test', 'complete')"
    fa runs delete base
    expect_rc 2 "a name used by two kinds of run is not guessed"
    expect_grep "$tmp/err" "choose one with --kind" "the fix is named"
    fa runs delete base --kind eval
    expect_rc 0 "runs delete --kind"
    fa runs list --kind audit
    expect_grep "$tmp/out" ' audit +base ' "the other kind's run is kept"
fi
fa runs delete one-verify
expect_rc 0 "runs delete"
fa runs show one-verify
expect_rc 2 "a deleted run is gone"
expect_grep "$tmp/err" "no eval run named 'one-verify'" "named in the error"

# --- detection against imglab boxes ----------------------------------------
cat > "$d/boxes.xml" <<'XML'
<dataset><images>
  <image file='s0/1.pgm'><box top='10' left='10' width='20' height='20'/><box top='50' left='50' width='20' height='20'/></image>
  <image file='s1/1.pgm'><box top='0' left='0' width='10' height='10'/></image>
</images></dataset>
XML
cat > "$tmp/dets.csv" <<'CSV'
s0/1.pgm,11,10,20,20,0.9
s0/1.pgm,200,200,20,20,0.8
s1/1.pgm,0,1,10,10,0.7
CSV
fa eval "$d/boxes.xml" --protocol detect --detections "$tmp/dets.csv" --format csv
expect_rc 0 "detect protocol"
expect_grep "$tmp/out" '^detection,precision,,0.6666666667,2,3,' "precision 2/3"
expect_grep "$tmp/out" '^detection,recall,,0.6666666667,2,3,' "recall 2/3"
expect_grep "$tmp/out" '^detection,average_precision,,0.5555555556,' "average precision 1/3 x 1 + 1/3 x 2/3"

# --- dataset check and bad inputs --------------------------------------------
cp "$d/s0/1.pgm" "$d/s1/5.pgm"
echo "s1/5.pgm,s1,M" >> "$d/faces.csv"
echo "s1/6.pgm,s1,M" >> "$d/faces.csv"
fa dataset check "$d/faces.csv" --no-decode
expect_rc 1 "dataset check finds problems"
expect_grep "$tmp/out" '^images: 50, subjects: 12 \(4 to 6 images each\)' "counts"
expect_grep "$tmp/out" '^missing: 1$' "missing file counted"
expect_grep "$tmp/out" '^  s1/6.pgm$' "and named"
expect_grep "$tmp/out" '^  s1/5.pgm = s0/1.pgm$' "duplicate content found"
fa dataset check "$d/faces.csv"
expect_rc 1 "dataset check decodes the images"
expect_grep "$tmp/out" '^unreadable: 49$' "the synthetic files are not images"
expect_grep "$tmp/out" '^  s0/1.pgm: .*s0/1.pgm' "each names the file and the decoder's reason"
fa dataset check "$d" --no-decode
expect_rc 1 "a folder per identity is a dataset too"
expect_grep "$tmp/out" 'format dir' "format recognised"
printf 'path,subject,box\na.pgm,x,1 2 3\n' > "$tmp/bad.csv"
fa eval "$tmp/bad.csv" --descriptors "$tmp/good.csv"
expect_rc 2 "a malformed manifest stops eval"
expect_grep "$tmp/err" 'bad.csv:2: column 3 \(box\): box 1: expected 4 numbers' "with file:line and the column"
printf '1 1\nAnn 1\n' > "$tmp/pairs.txt"
fa dataset check "$tmp/pairs.txt"
expect_rc 2 "a malformed pairs file"
expect_grep "$tmp/err" 'pairs.txt:2: fold 1, matched pair 1: expected' "with file:line"
fa eval "$d/faces.csv" --protocol verifiy
expect_rc 2 "unknown protocol"
fa eval "$d/faces.csv" --descriptors "$tmp/nope.csv"
expect_rc 2 "missing descriptor file"
expect_grep "$tmp/err" 'nope.csv' "named"
# a file that cannot be opened is a dataset error, every one listed, unless --allow-missing
echo "s2/7.pgm,s2,F" >> "$d/faces.csv"
fa eval "$d/faces.csv" --descriptors "$tmp/good.csv"
expect_rc 2 "missing files stop eval before any work"
expect_grep "$tmp/err" 'faces.csv: s1/6.pgm: missing$' "the first is named"
expect_grep "$tmp/err" 'faces.csv: s2/7.pgm: missing$' "and the second"
expect_grep "$tmp/err" '2 image file\(s\) cannot be opened.*--allow-missing' "with the count and the way out"
fa eval "$d/faces.csv" --descriptors "$tmp/good.csv" --allow-missing --format json
expect_rc 0 "--allow-missing runs"
expect_grep "$tmp/out" '"path":"s1/6.pgm","reason":"missing"' "a missing file is a failure with its reason"
expect_grep "$tmp/out" '"by_reason":\{[^}]*"missing":2' "counted by reason"
fa eval "$d/faces.csv" --descriptors "$tmp/good.csv" --allow-missing
expect_grep "$tmp/out" '^failed to acquire' "the text report lists failures"
expect_grep "$tmp/out" '^  s2/7.pgm: missing' "with the reason"

# --- eval --submit slurm: the scripts it would submit (tests/regress/slurm.sh submits them) ---
fa eval "$d/faces.csv" --threshold 0.55 --submit slurm --submit-dry-run --shards 3 \
    --submit-dir "$tmp/sub" --sbatch=--partition=cpu --save all
expect_rc 0 "eval --submit slurm --submit-dry-run"
expect_grep "$tmp/out" "^set -- '$d/faces.csv' '--threshold' '0.55'$" "every task gets the dataset and the options as given"
expect_grep "$tmp/out" '"\$fa" --db "\$db" eval "\$@" --shard auto --save shard' "each task is one shard of the array, in its own database"
expect_grep "$tmp/out" "^sbatch --parsable --array=1-3 -o '$tmp/sub/slurm-%A_%a.out' '--partition=cpu' '$tmp/sub/eval.sbatch'$" "the array of 3 tasks"
expect_grep "$tmp/out" "^sbatch --parsable --dependency=afterok:ARRAY_JOB_ID .* '$tmp/sub/merge.sbatch'$" "the merge job after every task (afterok)"
expect_grep "$tmp/out" "^name='all'$" "--save names the merged run"
checks=$((checks + 1))
[ ! -e "$tmp/sub" ] && pass "a dry run writes nothing" || fail "the dry run wrote $tmp/sub"
fa eval "$d/faces.csv" --submit slurm --submit-dir "$tmp/sub"
expect_rc 2 "--submit without --shards"
expect_grep "$tmp/err" 'eval: --submit: give the number of tasks with --shards N' "says what is missing"
fa eval "$d/faces.csv" --submit slurm --shards 2 --submit-dir "$tmp/sub" --shard 1/2
expect_rc 2 "--submit with --shard"
fa eval "$d/faces.csv" --submit pbs --shards 2 --submit-dir "$tmp/sub"
expect_grep "$tmp/err" "eval: --submit: 'pbs' \(slurm is the scheduler supported" "an unknown scheduler is named"
fa eval "$d/faces.csv" --submit slurm --shards 2 --submit-dir "$tmp/sub" --seed x
expect_rc 2 "the tasks' options are checked before anything is submitted"
checks=$((checks + 1))
[ ! -e "$tmp/sub" ] && pass "nothing written on a usage error" || fail "wrote $tmp/sub"
mkdir -p "$tmp/bin"
ln -s "$(command -v env)" "$tmp/bin/env"
PATH=$tmp/bin fa eval "$d/faces.csv" --submit slurm --shards 2 --submit-dir "$tmp/sub2"
expect_rc 2 "no sbatch on this host"
expect_grep "$tmp/err" 'sbatch not found \(is this a Slurm submit host\?\)' "says sbatch is missing"

finish
