#!/bin/sh
# SPDX-License-Identifier: MIT
# tui-reading.sh - every screen at 80x24 and at 200x60 (headless dumps):
# nothing is cut in the middle of a word where a wrap was possible. A line
# cut at the edge ends in "…"; the word before it must be a whole word (it
# appears whole in the same screen at 200x60), not "algorith…". Paths,
# numbers and Chinese text may be cut anywhere. At 200x60 nothing is cut
# except in the fact editor's values and the lesson's compact board. Also:
# enum values all listed (changing_room reachable), prompts start empty,
# a long message opens in a popup.
. "${top_srcdir:-.}/tests/regress/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 not installed"

S="$top_srcdir/datasets/scenarios/hotel-front-desk.fa.yaml"
R="$top_srcdir/datasets/scenarios/retail-chain-250k.fa.yaml"
down12="j j j j j j j j j j j j"
fa audit "$S"
fa audit "$top_srcdir/datasets/scenarios/gym-changing-room.fa.yaml"

shot() { # shot NAME ARGS...: dump a screen at both sizes
    name=$1
    shift
    for size in 80x24 200x60; do
        fa "$@" --dump "$tmp/$name-$size.txt" --size $size
        checks=$((checks + 1))
        if [ "$rc" -eq 0 ] && [ -s "$tmp/$name-$size.txt" ]; then
            pass "$name at $size"
        else
            fail "$name at $size: exit $rc"
            head -5 "$tmp/err"
        fi
    done
}
shot home tui --keys "g"
shot board tui "$S" --keys "g"
shot article tui "$S" --keys "$down12 Enter"
shot facts tui "$S" --keys "F3 / l o c a t i o n Enter n n"
shot demo demo --keys "g"
shot lesson demo --keys "Enter Right"
shot quiz demo --keys "Enter z Right a 6 Enter a 7 Enter"
shot eval tui --screen eval --keys "g"
shot sim tui "$R" --keys "F6 D L L"
shot runs tui --keys "F7"
shot diff tui --keys "F7 m j m d y Enter"
shot help tui "$S" --keys "F3 ?"
shot panel demo --keys "Enter Right F2 $down12 Enter"

checks=$((checks + 1))
if python3 - "$tmp" <<'EOF'
import re, sys, glob, os
tmp = sys.argv[1]
bad = 0
word = re.compile(r'([A-Za-z]+)…(?= |$)')
for narrow in sorted(glob.glob(os.path.join(tmp, '*-80x24.txt'))):
    name = os.path.basename(narrow)[:-len('-80x24.txt')]
    wide = open(narrow.replace('-80x24', '-200x60'), encoding='utf-8').read()
    lines = open(narrow, encoding='utf-8').read().split('\n')
    popup = any('Message (any key closes)' in l for l in lines)
    for i, line in enumerate(lines):
        if popup and i == len(lines) - 3:
            continue  # the status line: the popup shows the message whole
        for m in word.finditer(line):
            w = m.group(1)
            # a path or a file name may be cut anywhere
            before = line[:m.start()]
            if re.search(r'[/.][^ ]*$', before):
                continue
            if not re.search(r'(?<![A-Za-z])' + w + r'(?![A-Za-z])', wide):
                print('%s at 80x24, line %d: cut inside a word: %r' % (name, i + 1, line))
                bad += 1
for wide in sorted(glob.glob(os.path.join(tmp, '*-200x60.txt'))):
    name = os.path.basename(wide)[:-len('-200x60.txt')]
    for i, line in enumerate(open(wide, encoding='utf-8').read().split('\n')):
        if name in ('lesson', 'quiz', 'panel') and re.search(r'^ +[0-9]+ ', line):
            continue  # the compact board's tiles
        cut = re.search(r'…( |$)', line)
        if cut and not re.search(r'[/.][^ ]*…', line) and '(… →' not in line:
            print('%s at 200x60, line %d: cut: %r' % (name, i + 1, line))
            bad += 1
sys.exit(1 if bad else 0)
EOF
then pass "no line cut inside a word at 80x24; nothing cut at 200x60"; else fail "lines cut"; fi

# Every value of an enum is listed (changing_room among them), at 80 columns.
fa tui "$S" --keys "F3 / d e s k - t a b l e t - 1 . l o c a t i o n Enter" --dump "$tmp/enum.txt"
expect_grep "$tmp/enum.txt" 'changing_room' "the location's values include changing_room at 80x24"
expect_grep "$tmp/enum.txt" 'other_private_space.* unknown$|unknown$' "... down to unknown"
# Prompts start empty; Enter takes the value offered, Up edits it.
fa tui "$S" --keys "F3 / l o c a t i o n Enter /" --dump "$tmp/prompt.txt"
expect_grep "$tmp/prompt.txt" '^find fact \[Enter: location, Up: edit it\]: _?$' "the find prompt starts empty"
fa tui "$S" --keys "F3 / d e s k - t a b l e t - 1 . l o c a t i o n Enter e Up BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace c h a n g i n g _ r o o m Enter" --dump "$tmp/edit.txt" --size 140x30
expect_grep "$tmp/edit.txt" 'location = changing_room' "Up puts the value in for editing"
# A message too long for the status line opens in a popup.
fa tui "$S" --keys "F3 / d e s k - t a b l e t - 1 . l o c a t i o n Enter e c h a n g i n g _ r o o m m m m m m m m m m m m m m m m m m m m m m m m m m m m m m m m m Enter" --dump "$tmp/popup.txt"
expect_grep "$tmp/popup.txt" 'Message \(any key closes\)' "a long message opens in a popup"

finish
