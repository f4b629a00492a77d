#!/bin/sh
# SPDX-License-Identifier: MIT
# tui-flows.sh - the TUI's screens end to end. Headless (--keys/--dump, so
# the same flows run under the sanitizers in distcheck): the board of a
# scenario, an article in detail, a what-if edit that turns Art. 13 red,
# undo and redo, saving as a new file, the trainer demo with quiz mode, an
# evaluation on a small synthetic dataset with its curve and slider, the
# simulation timeline, audits stored from the TUI, comparing two stored
# runs, help, NO_COLOR and a small terminal. Then the main flow again for real inside tmux (send-keys,
# capture-pane) where tmux is installed.
. "${top_srcdir:-.}/tests/regress/lib.sh"

S="$top_srcdir/datasets/scenarios/hotel-front-desk.fa.yaml"
RETAIL="$top_srcdir/datasets/scenarios/retail-chain-250k.fa.yaml"

# chars TEXT: the characters of TEXT as --keys names ("a b c").
chars() { printf '%s' "$1" | sed 's/./& /g'; }
# rows FILE: the number of lines of a dump.
nrows() { wc -l < "$1" | tr -d ' '; }

# A small dataset (12 subjects x 4 images) and its descriptors: the eval
# runs in a moment. Subject s sits at 1 + s/8 on axis s%8 with +-0.05 noise:
# genuine distances stay far below 0.6, impostors are >= 1.4 apart except
# the four pairs sN and sN+8 on the same axis (distance 1.0), so any awk
# gives FNMR 0 and FMR 0 at 0.6, and FMR 64/1056 at 1.1.
d="$tmp/ds"
mkdir -p "$d"
echo "path,subject,sex" > "$d/faces.csv"
s=0
while [ $s -lt 12 ]; do
    mkdir -p "$d/s$s"
    for i in 1 2 3 4; do
        echo "synthetic image $s $i" > "$d/s$s/$i.pgm"
        echo "s$s/$i.pgm,s$s,F" >> "$d/faces.csv"
    done
    s=$((s + 1))
done
awk -F, 'NR > 1 {
    s = substr($2, 2) + 0; srand(NR); line = $1
    for (k = 0; k < 8; k++) {
        c = (k == s % 8) ? 1 + int(s / 8) : 0
        line = line "," sprintf("%.6f", c + (rand() - 0.5) * 0.1)
    }
    print line
}' "$d/faces.csv" > "$d/desc.csv"

# --- the board -----------------------------------------------------------------
fa tui "$S" --keys "g" --dump "$tmp/board24.txt"
expect_rc 0 "tui SCENARIO opens the board"
expect_grep "$tmp/board24.txt" '^ 20 –  n/a' "all 20 articles at 80x24"
checks=$((checks + 1))
[ "$(nrows "$tmp/board24.txt")" -eq 24 ] && pass "80x24 by default" || fail "dump is not 24 rows"
fa tui "$S" --keys "g" --dump "$tmp/board.txt" --size 80x30
expect_grep "$tmp/board.txt" '^ faceaudit [0-9.]+  Board' "board title"
expect_grep "$tmp/board.txt" 'Lakeside Hotel front desk check-in' "scenario name"
expect_grep "$tmp/board.txt" 'as of 2025-09-01   score 98\.1  grade A' "as-of date, score, grade"
expect_grep "$tmp/board.txt" 'mode verification · consent separate' "key facts"
expect_grep "$tmp/board.txt" '^ 13 ✓  pass      公共场所与私密空间   Public places' "Art. 13 passes, with symbol and both titles"
expect_grep "$tmp/board.txt" '^ 14 \?  evidence\? 安全保护措施 .* 1 unknown$' "Art. 14 needs evidence, count shown"

# --- article detail -------------------------------------------------------------
down12="j j j j j j j j j j j j"
fa tui "$S" --keys "$down12 Enter" --dump "$tmp/art.txt" --size 80x60
expect_grep "$tmp/art.txt" '^ Art\. 13 ✓ pass' "Enter opens Art. 13"
expect_grep "$tmp/art.txt" '^ 中文    公共场所与私密空间' "Chinese title"
expect_grep "$tmp/art.txt" '^ English Public places and private spaces' "English title aligned under it"
expect_grep "$tmp/art.txt" '✓ pass FRT-A13-2 critical Art\. 13\.2 desk-tablet-1' "each rule instance with outcome"
fa tui "$S" --keys "$down12 Enter Right Right Right Right Right Right Right Right Right Right Right Right" --dump "$tmp/art5.txt"
expect_grep "$tmp/art5.txt" '^ Art\. 5 ' "Right walks through the articles (13 → 20 → 5)"
expect_grep "$tmp/art5.txt" '⚠ wording unverified' "unverified wording is marked"

# --- what-if: a device moved into a hotel room --------------------------------------
find="/ $(chars desk-tablet-1.location) Enter"
flip="F3 $find e C-u $(chars hotel_room) Enter"
fa tui "$S" --keys "$flip" --dump "$tmp/facts.txt" --size 140x30
expect_grep "$tmp/facts.txt" 'Facts \(what-if\)' "F3 opens the fact editor"
expect_grep "$tmp/facts.txt" 'score 98\.1 → 91\.8 \(A → D\)  ▲ newly failing: Art\. 13  · device:desk-tablet-1\.location = hotel_room' "the change and its effect"
expect_grep "$tmp/facts.txt" 'score 91\.8  grade D \(critical failure\)' "re-evaluated at once"
fa tui "$S" --keys "$flip F2" --dump "$tmp/red.txt"
expect_grep "$tmp/red.txt" '^ 13 ✗▲ FAIL      公共场所与私密空间 .* 1 fail$' "the board: Art. 13 newly failing"
expect_grep "$tmp/red.txt" '^ score 98\.1 → 91\.8 \(A → D\)  ▲ newly failing: Art\. 13' "the board says what changed"
fa tui "$S" --keys "$flip F2 u" --dump "$tmp/undo.txt"
expect_grep "$tmp/undo.txt" '^ 13 ✓▼ pass ' "undo: Art. 13 passes again, marked fixed"
expect_grep "$tmp/undo.txt" 'score 91\.8 → 98\.1 \(D → A\)  ▼ fixed: Art\. 13' "undo restores the score"
fa tui "$S" --keys "$flip F2 u" --dump "$tmp/undo-wide.txt" --size 140x30
expect_grep "$tmp/undo-wide.txt" '· undone: device:desk-tablet-1\.location = \(inherited\)' "the board names what was undone"
fa tui "$S" --keys "$flip F2 u r" --dump "$tmp/redo.txt"
expect_grep "$tmp/redo.txt" '^ 13 ✗▲ FAIL' "redo"
fa tui "$S" --keys "F3 $find U F2" --dump "$tmp/unknown.txt" --size 140x30
expect_grep "$tmp/unknown.txt" '· device:desk-tablet-1\.location = unknown' "unknown is a value the editor sets"
expect_grep "$tmp/unknown.txt" '^ 13 \?~ evidence\? .*1 unknown$' "unknown is not false: Art. 13 needs evidence"
expect_grep "$tmp/unknown.txt" '~ changed: Art\. 13' "the change is named"
fa tui "$S" --keys "F3 $find e C-u $(chars hotel_rom) Enter" --dump "$tmp/bad.txt"
expect_grep "$tmp/bad.txt" "hotel_rom.*hotel_room" "a bad value is refused with a hint"
expect_grep "$tmp/bad.txt" 'grade A' "and nothing changed"

# A what-if edit that contradicts another fact is refused as `scenario check` refuses it.
fa tui "$S" --keys "F3 / $(chars fr_only_way) Enter Enter" --dump "$tmp/contra.txt" --size 200x30
expect_grep "$tmp/contra.txt" 'refused: .*hotel-front-desk\.fa\.yaml:[0-9]+:[0-9]+: alternatives\.offered_on_refusal is true but alternatives\.fr_only_way' "a contradictory what-if is refused, both facts named"
expect_grep "$tmp/contra.txt" 'alternatives\.fr_only_way +false' "the fact keeps its value"
fa tui "$S" --keys "F3 / $(chars fr_only_way) Enter Enter" --dump "$tmp/contra80.txt"
expect_grep "$tmp/contra80.txt" 'Message \(any key closes\)' "at 80 columns the message opens in a popup"

# A contested reading chosen in the TUI (as --reading), named on the board.
fa tui "$RETAIL" --keys "R $(chars a13_scope=surveillance_only) Enter" --dump "$tmp/reading.txt" --size 200x30
expect_grep "$tmp/reading.txt" '· reading a13_scope=surveillance_only' "R chooses a reading; the board names it"
expect_grep "$tmp/reading.txt" '^ 13 ✗  FAIL .* 3 fail$' "the verdict follows the reading (12 failing instances → 3)"
fa tui "$RETAIL" --keys "R $(chars a13_scope=x) Enter" --dump "$tmp/reading-bad.txt" --size 200x30
expect_grep "$tmp/reading-bad.txt" "has no alternative 'x'" "an unknown alternative is refused with the choices"

# --- save as a new file ------------------------------------------------------------
out="$tmp/whatif.fa.yaml"
fa tui "$S" --keys "$flip s C-u $(chars "$out") Enter" --dump "$tmp/save.txt"
expect_grep "$tmp/save.txt" "saved $out" "saved"
fa scenario get "$out" device:desk-tablet-1.location
expect_grep "$tmp/out" 'hotel_room' "the saved file has the change"
fa audit "$out" --no-save
expect_rc 1 "the saved scenario fails its audit"
fa tui "$S" --keys "$flip s C-u $(chars "$S") Enter" --dump "$tmp/nosave.txt"
expect_grep "$tmp/nosave.txt" 'save as a new file' "never over the opened scenario"

# --- trainer demo ------------------------------------------------------------------
fa demo --keys "g" --dump "$tmp/lessons.txt"
expect_grep "$tmp/lessons.txt" 'Trainer demo' "faceaudit demo opens the trainer screen"
expect_grep "$tmp/lessons.txt" ' 1  Tell people first: the notice before capture' "the lesson library"
checks=$((checks + 1))
[ "$(grep -Ec '^   [0-9] ' "$tmp/lessons.txt")" -ge 5 ] && pass "at least five lessons" || fail "fewer than five lessons"
fa demo --keys "Enter Right" --dump "$tmp/step2.txt"
expect_grep "$tmp/step2.txt" 'step 2 of 5' "step forward"
expect_grep "$tmp/step2.txt" ' 5 ✗▲' "the step's change shows on the compact board"
expect_grep "$tmp/step2.txt" '✓ the class should see Art\. 5 fail \(it is fail\)' "what the class should see"
fa demo --keys "Enter Right Left" --dump "$tmp/step1.txt"
expect_grep "$tmp/step1.txt" 'step 1 of 5' "step back"
expect_grep "$tmp/step1.txt" ' 5 ✓ ' "back to the compliant state"
fa demo --keys "Enter z Right" --dump "$tmp/quiz.txt"
expect_grep "$tmp/quiz.txt" 'The verdict is hidden until the question is answered' "quiz mode hides the verdict"
checks=$((checks + 1))
grep -q ' 5 ✗' "$tmp/quiz.txt" && fail "quiz mode shows the board" || pass "no board in quiz mode"
fa demo --keys "Enter z Right a 5 Enter" --dump "$tmp/answer.txt"
expect_grep "$tmp/answer.txt" "✓ right: you answered '5'" "the answer is checked"
expect_grep "$tmp/answer.txt" ' 5 ✗▲' "then the verdict is shown"
fa demo --keys "Enter z Right a 6 Enter" --dump "$tmp/wrong.txt"
expect_grep "$tmp/wrong.txt" "✗ not quite: you answered '6'\. Try once more" "a wrong answer gets a second try"

# --- evaluation ------------------------------------------------------------------------
fa tui --screen eval --dataset "$d/faces.csv" --descriptors "$d/desc.csv" --keys "g" --dump "$tmp/eval.txt"
expect_rc 0 "eval screen runs an evaluation"
expect_grep "$tmp/eval.txt" '48 images, FTA 0\.000, EER ' "figures of the run"
expect_grep "$tmp/eval.txt" '(⠉|⣀|⠤|⠒)' "the curve in braille"
expect_grep "$tmp/eval.txt" 'ROC: x FMR' "ROC axes"
expect_grep "$tmp/eval.txt" 'threshold 0\.600' "the threshold"
expect_grep "$tmp/eval.txt" 'FMR  0\.00000 \(0/1056\)' "FMR at 0.6"
expect_grep "$tmp/eval.txt" 'FNMR 0\.00000 \(0/72\)' "FNMR at 0.6"
expect_grep "$tmp/eval.txt" 'Stored eval runs \(1\)' "the run is stored"
fa tui --screen eval --dataset "$d/faces.csv" --descriptors "$d/desc.csv" --keys "g L L L L L c" --dump "$tmp/eval2.txt"
expect_grep "$tmp/eval2.txt" 'threshold 1\.100' "the slider moves the threshold"
expect_grep "$tmp/eval2.txt" 'FMR  0\.06061 \(64/1056\)' "FMR follows the slider"
expect_grep "$tmp/eval2.txt" 'FNMR 0\.00000 \(0/72\)' "FNMR at 1.1"
expect_grep "$tmp/eval2.txt" 'DET: x FMR' "c switches to DET"
fa runs list
expect_grep "$tmp/out" 'eval +tui-' "the CLI lists the TUI's runs"
fa tui --screen eval --dataset "$d/faces.csv" --descriptors "$d/desc.csv" --keys "Tab Enter" --dump "$tmp/eval3.txt"
expect_grep "$tmp/eval3.txt" 'loaded stored run #' "a stored run loads"
fa tui --screen eval --dataset "$tmp/nothing.csv" --keys "g" --dump "$tmp/evalbad.txt"
expect_grep "$tmp/evalbad.txt" 'evaluation failed: .*nothing\.csv' "a missing dataset is reported"

# --- simulation --------------------------------------------------------------------
fa tui "$RETAIL" --keys "F6" --dump "$tmp/sim.txt"
expect_grep "$tmp/sim.txt" '100,000 stored on 2025-09-12 → file by 2025-10-30' "threshold and deadline"
expect_grep "$tmp/sim.txt" '^ +100000 +[│ ]*┄' "the 100,000 line"
expect_grep "$tmp/sim.txt" '┆' "the deadline marked"
expect_grep "$tmp/sim.txt" '│ 2025-09-12: stored 100453' "the day cursor starts on the threshold day"
fa tui "$RETAIL" --keys "F6 p" --dump "$tmp/simp.txt"
expect_grep "$tmp/simp.txt" 'arrivals_weekday 72 \(deployment\.simulation\.arrivals_weekday\)' "p: each parameter and the fact it came from"
expect_grep "$tmp/simp.txt" 'guardian_consent 0 \(default\)' "p: a default named as such"
fa tui "$RETAIL" --keys "F6 D L L" --dump "$tmp/sim2.txt"
expect_grep "$tmp/sim2.txt" '│ 2025-12-29: ' "D jumps to the deadline, L moves 30 days"
expect_grep "$tmp/sim2.txt" 'Art\. 15 ✗ FAIL' "that day's Art. 15 status"
fa tui "$S" --keys "F6 F2" --dump "$tmp/simback.txt"
expect_grep "$tmp/simback.txt" 'score 98\.1  grade A' "the simulation leaves the scenario as it was"

# --- audits run in the TUI are stored -----------------------------------------------------
naudits() { fa runs list --kind audit; grep -c '^[0-9]' "$tmp/out"; }
n0=$(naudits)
fa tui "$S" --keys "q" --dump "$tmp/stored.txt"
n1=$(naudits)
checks=$((checks + 1))
if [ "$n1" -eq $((n0 + 1)) ]; then pass "opening a scenario stores its audit"; else fail "audits stored: $n0 -> $n1"; fi
fa tui "$S" --keys "S" --dump "$tmp/stored2.txt"
expect_grep "$tmp/stored2.txt" 'stored as an audit run' "S stores the verdict"
n2=$(naudits)
checks=$((checks + 1))
if [ "$n2" -eq $((n1 + 2)) ]; then pass "S stored one more run"; else fail "audits stored: $n1 -> $n2"; fi
fa runs list --kind audit --format json
expect_grep "$tmp/out" '"summary": \{"pass": [0-9]+' "a stored audit's summary in the JSON listing"

# --- runs: compare two ------------------------------------------------------------------
fa audit "$S"
fa audit "$top_srcdir/datasets/scenarios/gym-changing-room.fa.yaml"
fa tui --keys "F7" --dump "$tmp/runs.txt" --size 120x30
expect_grep "$tmp/runs.txt" '^ +[0-9]+ audit +gym-changing-room 2025-[0-9-]+ +gym-changing-room +[0-9]+\.[0-9] D +20[0-9-]+ [0-9:]+$' "an unnamed audit is named by its scenario and as-of day; scenario, score and grade, date"
fa tui --keys "F7 m j m d" --dump "$tmp/ask.txt" --size 100x30
expect_grep "$tmp/ask.txt" 'two deployments: gym-changing-room vs hotel-front-desk\. Compare\? y/n' "diffing two deployments asks first"
fa tui --keys "F7 m j m d n Enter" --dump "$tmp/no.txt" --size 100x30
expect_grep "$tmp/no.txt" 'not compared' "n: not compared"
fa tui --keys "F7 m j m d y Enter" --dump "$tmp/diff.txt" --size 100x140
expect_grep "$tmp/diff.txt" 'Comparison of the marked runs' "d compares two marked runs"
expect_grep "$tmp/diff.txt" '^ diff run [0-9]+ -> run [0-9]+' "two audits: the report module's diff"
expect_grep "$tmp/diff.txt" '^ +[0-9]+ new failures, [0-9]+ fixed' "new failures and fixed findings counted"
# Audits opened in the TUI are stored too: find the first two eval runs in
# the list (newest first, as on the runs screen) from the JSON listing.
fa runs list --format json
expect_rc 0 "runs list --format json"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/out" ||
    fail "runs list --format json is not JSON"
first=$(grep -n '"kind": "eval"' "$tmp/out" | head -1 | cut -d: -f1)
keys="F7"
i=2
while [ "$i" -lt "${first:-2}" ]; do keys="$keys j"; i=$((i + 1)); done
fa tui --keys "$keys m j m d" --dump "$tmp/ediff.txt" --size 100x40
expect_grep "$tmp/ediff.txt" '' "(evaluations compared without a question)"
expect_grep "$tmp/ediff.txt" '^ eval diff #[0-9]+ -> #[0-9]+ \(verify' "two evaluations: the figures compared"
expect_grep "$tmp/ediff.txt" '^   FNMR at threshold ' "FNMR of both runs with intervals"
expect_grep "$tmp/diff.txt" '^ fail +[1-9][0-9]* +0  -[1-9][0-9]*$' "the failing counts side by side"
expect_grep "$tmp/diff.txt" '^ grade +D +A  changed' "grades compared"

# --- everywhere: help, NO_COLOR, a small terminal, every screen at 80x24 ----------------------
fa tui "$S" --keys "F3 ?" --dump "$tmp/help.txt"
expect_grep "$tmp/help.txt" 'Keys of the Facts \(what-if\) screen' "help for the current screen"
expect_grep "$tmp/help.txt" '^   U +make the fact unknown' "its keys"
expect_grep "$tmp/help.txt" '^F1Help F2Board F3Facts F4Demo F5Eval F6Sim F7Runs F8Lesson F9Home F10Quit' "the function-key bar"
env -i PATH="$PATH" HOME="$tmp/home" FACEAUDIT_DB="$tmp/fa.db" FACEAUDIT_RULES="$FACEAUDIT_RULES" \
    LC_ALL=C.UTF-8 NO_COLOR=1 "$FACEAUDIT" tui "$S" --keys "$flip F2" --dump "$tmp/mono.txt" \
    --size 60x20 </dev/null
expect_grep "$tmp/mono.txt" '^ 13 ✗▲ FAIL' "symbols carry the status at 60x20"
checks=$((checks + 1))
[ "$(nrows "$tmp/mono.txt")" -eq 20 ] && pass "60x20" || fail "dump is not 20 rows"
for scr in home board facts demo eval sim runs; do
    fa tui "$S" --screen $scr --keys "?" --dump "$tmp/s-$scr.txt"
    expect_rc 0 "--screen $scr"
    expect_grep "$tmp/s-$scr.txt" '^ Keys of the ' "$scr: ? lists its keys"
done
fa tui --screen bogus
expect_rc 2 "unknown screen"

# --- for real, in tmux ------------------------------------------------------------------
if command -v tmux >/dev/null 2>&1; then
    sock="$tmp/tmux.sock"
    tm() { tmux -S "$sock" "$@"; }
    tm -f /dev/null new-session -d -x 80 -y 24 "env -i PATH='$PATH' HOME='$tmp/home' XDG_DATA_HOME='$tmp/data' FACEAUDIT_KEY_FILE='$tmp/data/faceaudit/template.key' TERM=xterm-256color LC_ALL=C.UTF-8 FACEAUDIT_DB='$tmp/fa.db' FACEAUDIT_RULES='$FACEAUDIT_RULES' FACEAUDIT_MODELS='$FACEAUDIT_MODELS' '$FACEAUDIT' tui '$S' --dataset '$d/faces.csv' --descriptors '$d/desc.csv'; echo TUI-EXITED \$?; sleep 30"
    wait_for() {
        i=0
        while [ $i -lt 100 ]; do
            tm capture-pane -p > "$tmp/pane" 2>/dev/null
            grep -Eq -- "$1" "$tmp/pane" && return 0
            sleep 0.1
            i=$((i + 1))
        done
        return 1
    }
    step() {
        checks=$((checks + 1))
        if wait_for "$1"; then pass "tmux: $2"; else fail "tmux: $2"; sed 's/^/  | /' "$tmp/pane"; fi
    }
    step 'as of 2025-09-01   score 98\.1' "the board"
    for k in $down12; do tm send-keys "$k"; done
    tm send-keys Enter
    step '^ 中文    公共场所与私密空间' "an article opened"
    tm send-keys Escape F3 /
    tm send-keys -l desk-tablet-1.location
    tm send-keys Enter e C-u
    tm send-keys -l hotel_room
    tm send-keys Enter
    step '▲ newly failing: Art\. 13' "a fact flipped"
    tm send-keys F2
    step '^ 13 ✗▲ FAIL' "Art. 13 red on the board"
    tm send-keys u
    step '^ 13 ✓▼ pass' "undone"
    tm send-keys r s C-u
    tm send-keys -l "$tmp/tmux-whatif.fa.yaml"
    tm send-keys Enter
    step "saved $tmp/tmux-whatif.fa.yaml" "saved"
    tm send-keys F5
    step 'Stored eval runs' "the eval screen"
    tm send-keys g
    step '48 images, FTA' "an evaluation ran (progress, then the curve)"
    tm resize-window -x 100 -y 30 2>/dev/null
    tm send-keys l
    step 'threshold 0\.610' "the slider after a resize"
    # Colour on the board, none with NO_COLOR (SGR colour codes in the capture).
    tm send-keys F2
    step '^ 13 ✗(▲|▼|~| ) FAIL' "back on the board"
    checks=$((checks + 1))
    tm capture-pane -e -p > "$tmp/pane-e"
    if grep -Eq "$(printf '\033')\\[[0-9;]*(3[0-7]|38;5;[0-9]+)[;m]" "$tmp/pane-e"; then pass "tmux: colours"; else fail "tmux: no colour codes"; fi
    tm send-keys F10
    step 'TUI-EXITED 0' "F10 quits with status 0"
    checks=$((checks + 1))
    if grep -q 'Stored eval runs' "$tmp/pane"; then fail "tmux: screen not restored"; else pass "tmux: terminal restored"; fi
    tm kill-server 2>/dev/null
    sock="$tmp/tmux-nocolor.sock" # a new server: the old one may still be exiting
    tm -f /dev/null new-session -d -x 80 -y 24 "env -i PATH='$PATH' HOME='$tmp/home' XDG_DATA_HOME='$tmp/data' FACEAUDIT_KEY_FILE='$tmp/data/faceaudit/template.key' TERM=xterm-256color LC_ALL=C.UTF-8 NO_COLOR=1 FACEAUDIT_DB='$tmp/fa.db' FACEAUDIT_RULES='$FACEAUDIT_RULES' '$FACEAUDIT' tui '$tmp/tmux-whatif.fa.yaml'; echo TUI-EXITED \$?; sleep 30"
    step '^ 13 ✗  FAIL' "NO_COLOR: the saved scenario on the board"
    checks=$((checks + 1))
    tm capture-pane -e -p > "$tmp/pane-e"
    if grep -Eq "$(printf '\033')\\[[0-9;]*(3[0-7]|38;5;[0-9]+)[;m]" "$tmp/pane-e"; then fail "tmux: colour codes despite NO_COLOR"; else pass "tmux: NO_COLOR honoured"; fi
    tm send-keys q q
    step 'TUI-EXITED 0' "q closes the board, q on home quits"
    tm kill-server 2>/dev/null
    fa scenario get "$tmp/tmux-whatif.fa.yaml" device:desk-tablet-1.location
    expect_grep "$tmp/out" 'hotel_room' "tmux: the saved file has the change (redo before save)"
    # x cancels a running evaluation: the built-in engine on the shared orl
    # faces (400 images, seconds of work), cancelled once the bar shows.
    if [ -n "${FACEAUDIT_DATA:-}" ] && [ -d "$FACEAUDIT_DATA/faces/orl" ] &&
        [ -f "$FACEAUDIT_MODELS/face_recognition_model-weights_manifest.json" ]; then
        sock="$tmp/tmux-cancel.sock"
        tm -f /dev/null new-session -d -x 100 -y 30 "env -i PATH='$PATH' HOME='$tmp/home' XDG_DATA_HOME='$tmp/data' FACEAUDIT_KEY_FILE='$tmp/data/faceaudit/template.key' TERM=xterm-256color LC_ALL=C.UTF-8 FACEAUDIT_DB='$tmp/fa.db' FACEAUDIT_RULES='$FACEAUDIT_RULES' FACEAUDIT_MODELS='$FACEAUDIT_MODELS' FACEAUDIT_DATA='$FACEAUDIT_DATA' '$FACEAUDIT' tui --screen eval --dataset '$top_srcdir/datasets/faces/orl.csv'; echo TUI-EXITED \$?; sleep 30"
        step 'Stored eval runs' "the eval screen on orl"
        tm send-keys -l "g"
        step '^ embedding' "the evaluation runs (progress bar)"
        tm send-keys -l "x"
        step 'evaluation cancelled' "x cancels the running evaluation"
        tm send-keys F10
        step 'TUI-EXITED 0' "quit after cancelling"
        tm kill-server 2>/dev/null
        fa runs list --kind eval
        expect_grep "$tmp/out" ' failed ' "the cancelled run is stored as failed"
    else
        echo "SKIP (part): no models or shared orl faces; cancelling a real evaluation not tried"
    fi
else
    echo "SKIP (part): tmux not installed; the interactive flows did not run"
fi

finish
