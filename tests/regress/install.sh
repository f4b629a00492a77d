#!/bin/sh
# SPDX-License-Identifier: MIT
# install.sh - an installed copy is complete: `make install` into a DESTDIR
# (prefix under the temporary folder) puts the rules, the example scenarios,
# the lessons and the recorded deployments under $(pkgdatadir), and the
# installed program, run with a fresh HOME from a folder with no source tree
# and no FACEAUDIT_RULES, audits an installed scenario and runs `demo`
# headless; the bash completion offers every command of the command table and
# a command's options.
. "${top_srcdir:-.}/tests/regress/lib.sh"

: "${top_builddir:?top_builddir must name the build folder (run through make check)}"
command -v "${MAKE:-make}" >/dev/null 2>&1 || skip "no make"

prefix="$tmp/prefix"
dest="$tmp/dest"
env MAKEFLAGS= "${MAKE:-make}" -C "$top_builddir" install DESTDIR="$dest" prefix="$prefix" \
    >"$tmp/install.log" 2>&1
rc=$?
expect_rc 0 "make install into a DESTDIR"
[ $rc -eq 0 ] || { tail -20 "$tmp/install.log"; finish; }
root="$dest$prefix"
share="$root/share/faceaudit"
bin="$root/bin/faceaudit"

# every file of the data folders is installed, and nothing else is there
for d in datasets/scenarios datasets/recorded; do
    checks=$((checks + 1))
    (cd "$top_srcdir" && find "$d" -type f | LC_ALL=C sort) >"$tmp/want"
    (cd "$share" 2>/dev/null && find "$d" -type f | LC_ALL=C sort) >"$tmp/got"
    if [ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/got"; then
        pass "$d installed file for file ($(wc -l <"$tmp/want") files)"
    else
        fail "$d not installed completely"
        diff "$tmp/want" "$tmp/got" | head -10
    fi
done
checks=$((checks + 1))
if ls "$share"/rules/a13-*.rule >/dev/null 2>&1 && [ -f "$share/rules/calendar/2025.cal" ]; then
    pass "the rule pack is installed"
else
    fail "no rule pack under $share/rules"
fi

# the installed program on its own: fresh HOME, no source tree, no FACEAUDIT_RULES
mkdir -p "$tmp/fresh" "$tmp/elsewhere"
run() {
    (cd "$tmp/elsewhere" && env -i PATH="$root/bin:/usr/bin:/bin" HOME="$tmp/fresh" \
        LC_ALL=C.UTF-8 TZ=UTC TERM=xterm "$bin" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null)
    rc=$?
}
run rules list
expect_rc 0 "installed: rules list finds the installed rule pack"
run audit --no-save "$share/datasets/scenarios/hotel-room-camera.fa.yaml"
expect_rc 1 "installed: an installed example scenario audits (a critical failure)"
expect_grep "$tmp/out" 'FRT-A13' "installed: Art. 13 is decided"
run demo --keys "g" --dump "$tmp/lessons.txt"
expect_rc 0 "installed: demo runs headless"
expect_grep "$tmp/lessons.txt" 'Trainer demo' "installed: the trainer screen opens"
expect_grep "$tmp/lessons.txt" ' 1  Tell people first: the notice before capture' "installed: the lessons are found"
run demo --keys "Enter Right" --dump "$tmp/step2.txt"
expect_grep "$tmp/step2.txt" 'step 2 of 5' "installed: a lesson steps forward"
run tui --keys "g" --dump "$tmp/home.txt"
expect_rc 0 "installed: tui runs headless"
checks=$((checks + 1))
[ ! -e "$tmp/elsewhere/rules" ] && [ -z "$(ls "$tmp/elsewhere")" ] &&
    pass "nothing written to the working folder" || fail "files appeared in the working folder"

# bash completion: every command of the command table, a command's options
comp="$root/share/bash-completion/completions/faceaudit"
checks=$((checks + 1))
[ -f "$comp" ] && pass "bash completion installed" || fail "no $comp"
if command -v bash >/dev/null 2>&1 && [ -f "$comp" ]; then
    complete_words() {
        env -i PATH="$root/bin:/usr/bin:/bin" HOME="$tmp/fresh" bash -c '
            . "$1"; shift
            COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
            _faceaudit; printf "%s\n" "${COMPREPLY[@]}"' sh "$comp" "$@" | LC_ALL=C sort
    }
    sed -n 's/^FA_COMMAND(\(.*\))$/\1/p' "$top_builddir/src/cli/cmd_table.inc" | LC_ALL=C sort \
        >"$tmp/commands"
    complete_words faceaudit "" >"$tmp/completed"
    checks=$((checks + 1))
    if [ -s "$tmp/commands" ] && cmp -s "$tmp/commands" "$tmp/completed"; then
        pass "completion offers every command ($(wc -l <"$tmp/commands"))"
    else
        fail "completed commands differ from the command table"
        diff "$tmp/commands" "$tmp/completed" | head
    fi
    complete_words faceaudit audit --for >"$tmp/c"
    expect_grep "$tmp/c" '^--format$' "completion: audit --for -> --format"
    complete_words faceaudit models "" >"$tmp/c"
    checks=$((checks + 1))
    [ "$(tr '\n' ' ' <"$tmp/c")" = "fetch list verify " ] && pass "completion: models subcommands" ||
        fail "completion: models subcommands: $(tr '\n' ' ' <"$tmp/c")"
    complete_words faceaudit --db x.db r >"$tmp/c"
    checks=$((checks + 1))
    [ "$(tr '\n' ' ' <"$tmp/c")" = "replay rules runs " ] && pass "completion: after --db FILE" ||
        fail "completion: after --db FILE: $(tr '\n' ' ' <"$tmp/c")"
fi

# uninstall leaves no file behind
env MAKEFLAGS= "${MAKE:-make}" -C "$top_builddir" uninstall DESTDIR="$dest" prefix="$prefix" \
    >"$tmp/uninstall.log" 2>&1
checks=$((checks + 1))
left=$(find "$dest" -type f | head -5)
[ -z "$left" ] && pass "make uninstall removes every file" || fail "left after uninstall: $left"
finish
