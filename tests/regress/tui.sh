#!/bin/sh
# SPDX-License-Identifier: MIT
# tui.sh - the TUI, headless (--keys/--dump, also under the sanitizers) and
# for real inside tmux (send-keys, capture-pane) where tmux is installed.
. "${top_srcdir:-.}/tests/regress/lib.sh"

fa tui --keys "q" --dump "$tmp/home.txt"
expect_rc 0 "scripted session quits"
expect_grep "$tmp/home.txt" '^ faceaudit [0-9.]+  Home' "title bar"
expect_grep "$tmp/home.txt" '^   Runs +F7 +stored audits' "home lists the runs screen"
expect_grep "$tmp/home.txt" "database: $tmp/fa.db" "home names the database"
expect_grep "$tmp/home.txt" '^F1Help F2Board F3Facts F4Demo F5Eval F6Sim F7Runs F8Lesson F9Home F10Quit' "function-key bar"
for scr in Board Facts Demo Eval Sim Runs Help; do
    expect_grep "$tmp/home.txt" "^   $scr +F" "home lists the $scr screen with its key"
done

fa tui --keys "j j j j j Enter" --dump "$tmp/runs.txt"
expect_grep "$tmp/runs.txt" 'No stored runs yet' "runs screen on an empty database"

fa tui --keys "F7 ?" --dump "$tmp/help.txt"
expect_grep "$tmp/help.txt" 'Keys of the Runs screen' "help names the screen below"
expect_grep "$tmp/help.txt" '^   r +reload from the database' "help lists that screen's keys"
expect_grep "$tmp/help.txt" '^   F10 +quit' "help lists the keys everywhere"

fa tui --keys "F7 Esc Down Down Up" --dump "$tmp/back.txt" --size 100x30
expect_grep "$tmp/back.txt" '^ faceaudit [0-9.]+  Home' "Esc returns home"
checks=$((checks + 1))
[ "$(wc -l < "$tmp/back.txt")" -eq 30 ] && pass "--size sets the rows" || fail "dump is not 30 rows"

fa tui --keys "Bogus"
expect_rc 2 "unknown scripted key"
expect_grep "$tmp/err" "unknown key 'Bogus'" "bad key named"

fa tui </dev/null
expect_rc 2 "no terminal"
expect_grep "$tmp/err" 'needs a terminal' "explains why"

# For real, in tmux: open, navigate, resize, quit; the shell gets its screen back.
if command -v tmux >/dev/null 2>&1; then
    sock="$tmp/tmux.sock"
    tm() { tmux -S "$sock" "$@"; }
    tm -f /dev/null new-session -d -x 80 -y 24 "env -i PATH='$PATH' HOME='$tmp/home' TERM=xterm-256color LC_ALL=C.UTF-8 FACEAUDIT_DB='$tmp/fa.db' FACEAUDIT_MODELS='$FACEAUDIT_MODELS' '$FACEAUDIT' tui; echo TUI-EXITED \$?; sleep 30"
    wait_for() {
        i=0
        while [ $i -lt 50 ]; do
            tm capture-pane -p > "$tmp/pane" 2>/dev/null
            grep -Eq -- "$1" "$tmp/pane" && return 0
            sleep 0.1
            i=$((i + 1))
        done
        return 1
    }
    checks=$((checks + 1))
    wait_for 'Screens' && pass "tmux: home screen drawn" || fail "tmux: home screen not drawn"
    tm send-keys F7
    checks=$((checks + 1))
    wait_for 'No stored runs yet' && pass "tmux: F7 opens runs" || fail "tmux: runs not shown"
    tm resize-window -x 60 -y 20 2>/dev/null
    tm send-keys '?'
    checks=$((checks + 1))
    wait_for 'Keys of the Runs screen' && pass "tmux: help after resize" || fail "tmux: no help"
    tm send-keys F10
    checks=$((checks + 1))
    wait_for 'TUI-EXITED 0' && pass "tmux: F10 quits with status 0" || fail "tmux: did not quit"
    checks=$((checks + 1))
    if grep -q 'Screens' "$tmp/pane"; then fail "tmux: screen not restored"; else pass "tmux: terminal restored"; fi
    tm kill-server 2>/dev/null
else
    echo "SKIP (part): tmux not installed; the interactive TUI test did not run"
fi

finish
