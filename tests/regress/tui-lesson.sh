#!/bin/sh
# SPDX-License-Identifier: MIT
# tui-lesson.sh - a whole lesson walked in quiz mode for real, inside tmux
# (send-keys, capture-pane, mouse events as the terminal sends them): the
# lesson's step panel follows the trainee to the board and an article, the
# step's await (open Art. 13) is marked done there, a wrong answer gets a
# second try, the right one is scored, Esc goes back one screen at a time,
# the lesson left and started again resumes where it was, and the score and
# the session log (--record) come out at the end. Then the mouse: a click
# selects, a second click opens, the wheel scrolls. The lesson is written
# here, so the curriculum can change without this walk.
. "${top_srcdir:-.}/tests/regress/lib.sh"

command -v tmux >/dev/null 2>&1 || skip "tmux not installed"

# A data tree whose training folder holds only this lesson (the TUI finds
# datasets/ beside the rules folder).
tree="$tmp/tree"
mkdir -p "$tree/datasets/scenarios/training"
rules=$(cd "${FACEAUDIT_RULES:-$top_srcdir/rules}" && pwd)
ln -s "$rules" "$tree/rules"
cp "$top_srcdir/datasets/scenarios/training/11-private-spaces.fa.yaml" \
    "$tree/datasets/scenarios/training/01-walk.fa.yaml"
cat > "$tree/datasets/scenarios/training/01-walk.lesson" <<'EOF'
title: Walk: a tablet in a guest room
goal: Tell the private-space ban (13.2) from the public-place test (13.1).
articles: 13
scenario: 01-walk.fa.yaml
step: The hotel checks guests 1:1 at the front desk with separate consent.
expect: 13 pass
step: The hotel mounts the same tablet inside a guest room. \
  [[Art. 13 now fails: the ban admits no exception.]] Ask the class.
set: device:desk-tablet-1.location = hotel_room
await: open-article 13
expect: 13 fail
quiz: Which article does the tablet now break?
answer: Art. 13
explain: FRT-A13-2 (13.2): no FR device inside a private space.
step: The hotel turns off recognition: the device only detects faces.
set: device:desk-tablet-1.identifies_people = false
expect: 13 pass
quiz: Is Art. 13 still violated?
answer: pass
EOF

sock="$tmp/tmux.sock"
tm() { tmux -S "$sock" "$@"; }
start() { # start COLSxROWS ARGS...: the TUI in a fresh tmux server
    size=$1
    shift
    tm kill-server 2>/dev/null
    sock="$tmp/tmux-$size-$$-$(date +%s%N).sock"
    tm -f /dev/null new-session -d -x "${size%x*}" -y "${size#*x}" "env -i PATH='$PATH' HOME='$tmp/home' XDG_DATA_HOME='$tmp/data' FACEAUDIT_KEY_FILE='$tmp/data/faceaudit/template.key' TERM=xterm-256color LC_ALL=C.UTF-8 FACEAUDIT_DB='$tmp/fa.db' FACEAUDIT_RULES='$tree/rules' '$FACEAUDIT' $*; echo TUI-EXITED \$?; sleep 30"
}
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
    if wait_for "$1"; then pass "$2"; else fail "$2"; sed 's/^/  | /' "$tmp/pane"; fi
}
absent() { # absent PATTERN DESCRIPTION: the last capture does not match
    checks=$((checks + 1))
    if grep -Eq -- "$1" "$tmp/pane"; then fail "$2"; sed 's/^/  | /' "$tmp/pane"; else pass "$2"; fi
}
# click X Y: a left click at column X, row Y (1-based) as xterm's SGR mouse
# protocol sends it (press, release); wheel_down X Y likewise.
click() { tm send-keys -H 1b 5b 3c $(printf '0;%d;%dM' "$1" "$2" | od -An -tx1) \
    1b 5b 3c $(printf '0;%d;%dm' "$1" "$2" | od -An -tx1); }
wheel_down() { tm send-keys -H 1b 5b 3c $(printf '65;%d;%dM' "$1" "$2" | od -An -tx1); }

# --- the walk, at 80x24 --------------------------------------------------------------
start 80x24 demo --record "$tmp/session.log"
step 'Walk: a tablet in a guest room' "the lesson list"
tm send-keys Enter
step 'step 1 of 3' "the lesson starts at step 1"
tm send-keys z Right
step 'step 2 of 3 \[quiz mode\]' "quiz mode, step 2"
step 'The verdict is hidden until the question is answered' "the verdict is hidden"
step 'Ask the class' "the step's text is shown"
absent 'ban admits no exception' "the sentence that gives the answer away is hidden"
step '→ Goal: Open Art\. 13' "the step says what to do"
# The step sends the trainee to the board: the panel goes along.
tm send-keys F2
step '^ faceaudit [0-9.]+  Board' "F2 opens the board"
step 'Lesson: Walk: a tablet in a guest room — step 2 of 3' "the step panel is docked on the board"
step 'Goal: Open Art\. 13' "with the goal"
for k in j j j j j j j j j j j j; do tm send-keys $k; done
tm send-keys Enter
step '^ Art\. 13 ' "Art. 13 opened"
step '✓ Goal: Open Art\. 13.*reached' "the goal is marked reached"
step 'Lesson: Walk' "the panel is on the article screen too"
# Answer from the article screen: wrong, then right.
tm send-keys a
step 'your answer' "a asks for the answer on any screen"
tm send-keys -l 6
tm send-keys Enter
step "✗ not quite: you answered '6'\\. Try once more" "a wrong answer gets a second try"
tm send-keys a
tm send-keys -l 'art. 13'
tm send-keys Enter
step "✓ right: you answered 'art\\. 13' on the second try" "the second try is right"
tm send-keys F8
step 'lesson panel hidden' "F8 hides the panel"
absent 'Lesson: Walk' "no panel"
tm send-keys F8
step 'Lesson: Walk' "F8 shows it again"
# Esc goes back one screen at a time: article, board, the lesson.
tm send-keys Escape
step '^ faceaudit [0-9.]+  Board' "Esc: back to the board (not home)"
tm send-keys Escape
step '^ faceaudit [0-9.]+  Trainer demo' "Esc: back to the lesson"
step 'step 2 of 3' "the lesson is where the trainee left it"
step "✓ right: you answered 'art\\. 13' on the second try" "with the answer given"
# Leave the lesson and come back: it resumes.
tm send-keys Escape
step 'under way: Enter resumes' "leaving keeps the lesson's place"
tm send-keys Enter
step 'step 2 of 3' "Enter resumes at step 2"
tm send-keys Right
step 'step 3 of 3' "the last step"
tm send-keys a
tm send-keys -l no
tm send-keys Enter
step "✓ right: you answered 'no'" "'still violated?' 'no' is pass"
step 'Lesson complete: score 2 of 2 \(1 on the second try\)' "the score at the end"
tm send-keys F10
step 'TUI-EXITED 0' "F10 quits"
checks=$((checks + 1))
if grep -q 'lesson 01-walk.lesson started' "$tmp/session.log" &&
    grep -q "step 2: Q: Which article .*A: 6  wrong (try 1)" "$tmp/session.log" &&
    grep -q "A: art. 13  right (try 2)" "$tmp/session.log" &&
    grep -q 'step 2: done: open-article' "$tmp/session.log" &&
    grep -q 'finished: score 2 of 2 (1 on the second try)' "$tmp/session.log"; then
    pass "--record: answers, tries, the goal and the score logged"
else
    fail "--record: the session log"
    sed 's/^/  | /' "$tmp/session.log"
fi

# --- the mouse ------------------------------------------------------------------------
start 80x24 tui "'$top_srcdir/datasets/scenarios/hotel-front-desk.fa.yaml'"
step 'score 98\.1' "the board"
click 5 15
tm capture-pane -p > "$tmp/pane"
absent '^ Art\. 13 ' "the first click only selects"
click 5 15
step '^ Art\. 13 ' "a second click opens the article"
wheel_down 10 10
wheel_down 10 10
wheel_down 10 10
tm capture-pane -p > "$tmp/pane"
absent '^ Art\. 13 ' "the wheel scrolls the article"
click 25 24
step '^ faceaudit [0-9.]+  Trainer demo' "a click on F4 in the key bar"
tm send-keys Escape
step '^ faceaudit [0-9.]+  Article' "Esc returns to the article"
step 'source: CAC/MPS Order No\. 19, Art\. 13' "scrolled as it was left"
tm send-keys F10
step 'TUI-EXITED 0' "F10 quits"
tm kill-server 2>/dev/null

finish
