#!/bin/sh
# SPDX-License-Identifier: MIT
# tui-captures.sh [FACEAUDIT] - regenerate the screen captures in doc/TUI.md:
# each is the real TUI at 80x24 inside tmux, driven with send-keys and read
# with capture-pane, never drawn by hand. A capture sits between
# "<!-- capture NAME: ARGS | KEYS -->" and "<!-- /capture -->" in TUI.md;
# the marker says how it was made: faceaudit ARGS, then KEYS sent one at a
# time (tmux key names; "text:abc" sends abc literally). Run from the build
# tree after `make`: sh doc/tui-captures.sh ./faceaudit
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
fa=$(cd "$(dirname "${1:-./faceaudit}")" && pwd)/$(basename "${1:-./faceaudit}")
command -v tmux >/dev/null 2>&1 || { echo "tui-captures: tmux is needed" >&2; exit 2; }
tmp=$(mktemp -d)
n=0
sock="$tmp/sock0"
trap 'tmux -S "$sock" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home" "$tmp/data"

# The small synthetic dataset of tests/regress/tui-flows.sh (an evaluation in a moment).
d="$tmp/ds"
mkdir -p "$d"
echo "path,subject,sex" > "$d/faces.csv"
s=0
while [ $s -lt 12 ]; do
    for i in 1 2 3 4; do echo "s$s/$i.pgm,s$s,F" >> "$d/faces.csv"; done
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

run() { # run ARGS: faceaudit in the capture environment (stored runs for the runs screen)
    env -i PATH="$PATH" HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" FACEAUDIT_DB="$tmp/fa.db" \
        FACEAUDIT_RULES="$top/rules" FACEAUDIT_KEY_FILE="$tmp/data/template.key" LC_ALL=C.UTF-8 \
        TZ=UTC "$fa" "$@" >/dev/null 2>&1 || true
}
run audit "$top/datasets/scenarios/hotel-front-desk.fa.yaml"
run audit "$top/datasets/scenarios/gym-changing-room.fa.yaml"

capture() { # capture ARGS | KEYS: print the screen
    args=${1%%|*}
    keys=${1#*|}
    [ "$keys" != "$1" ] || keys=""
    tmux -S "$sock" kill-server 2>/dev/null || true
    n=$((n + 1))
    sock="$tmp/sock$n" # a new server: the last one may still be exiting
    # shellcheck disable=SC2086
    tmux -S "$sock" -f /dev/null new-session -d -x 80 -y 24 "cd '$top' && env -i PATH='$PATH' HOME='$tmp/home' XDG_DATA_HOME='$tmp/data' FACEAUDIT_DB='$tmp/fa.db' FACEAUDIT_RULES=rules FACEAUDIT_KEY_FILE='$tmp/data/template.key' TERM=xterm-256color LC_ALL=C.UTF-8 TZ=UTC '$fa' $(echo "$args" | sed "s|@DS@|$d|g"); sleep 60"
    sleep 1.5
    for k in $keys; do
        case $k in
            text:*) tmux -S "$sock" send-keys -l "${k#text:}" ;;
            *) tmux -S "$sock" send-keys "$k" ;;
        esac
        sleep 0.3
    done
    sleep 1.5
    # no machine paths in the document: the temporary folder reads as a home
    tmux -S "$sock" capture-pane -p | sed -e 's/[[:space:]]*$//' -e "s|$tmp/data|~/.local/share|g" \
        -e "s|$tmp|~|g"
}

doc="$top/doc/TUI.md"
out="$tmp/TUI.md"
: > "$out"
inside=0
while IFS= read -r line; do
    case $line in
        "<!-- capture "*)
            printf '%s\n' "$line" >> "$out"
            spec=${line#<!-- capture }
            spec=${spec%% -->}
            spec=${spec#*: }
            printf '```\n' >> "$out"
            capture "$spec" >> "$out"
            printf '```\n' >> "$out"
            inside=1
            ;;
        "<!-- /capture -->")
            printf '%s\n' "$line" >> "$out"
            inside=0
            ;;
        *)
            [ $inside = 1 ] || printf '%s\n' "$line" >> "$out"
            ;;
    esac
done < "$doc"
cp "$out" "$doc"
echo "tui-captures: $(grep -c '^<!-- capture ' "$doc") captures rewritten in doc/TUI.md"
