# SPDX-License-Identifier: MIT
# lib.sh - sourced by every tests/regress/*.sh. Runs faceaudit under env -i
# with a temporary HOME, database and data folder, and compares outputs with
# golden files in tests/regress/golden/. Set REGRESS_UPDATE=1 to rewrite the
# golden files from the current output (then review the diff).

set -u
: "${FACEAUDIT:?FACEAUDIT must name the faceaudit binary (run through make check)}"
: "${top_srcdir:=.}"
regress_name=$(basename "$0" .sh)
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home" "$tmp/data"
failures=0
checks=0

# fa ARGS...: faceaudit in a clean environment; stdout -> $tmp/out,
# stderr -> $tmp/err, exit status -> $rc.
fa() {
    env -i PATH="$PATH" HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" \
        FACEAUDIT_DB="${FA_DB:-$tmp/fa.db}" FACEAUDIT_MODELS="${FA_MODELS:-$FACEAUDIT_MODELS}" \
        FACEAUDIT_DATA="${FACEAUDIT_DATA:-}" FACEAUDIT_RULES="${FACEAUDIT_RULES:-$top_srcdir/rules}" \
        ${FACEAUDIT_CRASH_AT:+FACEAUDIT_CRASH_AT=$FACEAUDIT_CRASH_AT} \
        ${FACEAUDIT_TODAY:+FACEAUDIT_TODAY=$FACEAUDIT_TODAY} \
        FACEAUDIT_KEY_FILE="${FACEAUDIT_KEY_FILE:-$tmp/data/faceaudit/template.key}" \
        LC_ALL=C.UTF-8 TZ=UTC \
        "$FACEAUDIT" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    rc=$?
}

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

pass() {
    echo "ok: $*"
}

# expect_rc N DESCRIPTION: the last fa call exited with N.
expect_rc() {
    checks=$((checks + 1))
    if [ "$rc" -ne "$1" ]; then
        fail "$2: exit $rc, expected $1"
        sed 's/^/  stderr: /' "$tmp/err" | head -20
    else
        pass "$2"
    fi
}

# expect_grep FILE PATTERN DESCRIPTION: FILE ($tmp/out or $tmp/err) matches.
expect_grep() {
    checks=$((checks + 1))
    if grep -Eq -- "$2" "$1"; then
        pass "$3"
    else
        fail "$3: no line matches /$2/ in $(basename "$1")"
        sed 's/^/  | /' "$1" | head -20
    fi
}

# golden NAME [FILE]: FILE (default $tmp/out) equals tests/regress/golden/NAME.
golden() {
    g="$top_srcdir/tests/regress/golden/$1"
    f="${2:-$tmp/out}"
    checks=$((checks + 1))
    if [ "${REGRESS_UPDATE:-0}" = 1 ]; then
        cp "$f" "$g"
        pass "golden $1 (rewritten)"
    elif diff -u "$g" "$f" >"$tmp/diff" 2>&1; then
        pass "golden $1"
    else
        fail "golden $1 differs"
        head -40 "$tmp/diff"
    fi
}

# expect_under14 FILE MIN DESCRIPTION: every "under14_estimate" object of the
# JSON in FILE has at least MIN people aged (and at least one object has
# one), share, lo and hi in [0, 1] with lo <= share <= hi, and the error.
expect_under14() {
    checks=$((checks + 1))
    grep -o '"under14_estimate": {[^}]*}' "$1" >"$tmp/u14"
    if [ ! -s "$tmp/u14" ]; then
        fail "$3: no under14_estimate in $(basename "$1")"
        return
    fi
    if awk -v min="$2" '
        { n = 0; s = lo = hi = -1
          if (match($0, /"aged": [0-9]+/)) n = substr($0, RSTART + 8, RLENGTH - 8) + 0
          if (match($0, /"share": [0-9.]+/)) s = substr($0, RSTART + 9, RLENGTH - 9) + 0
          if (match($0, /"lo": [0-9.]+/)) lo = substr($0, RSTART + 6, RLENGTH - 6) + 0
          if (match($0, /"hi": [0-9.]+/)) hi = substr($0, RSTART + 6, RLENGTH - 6) + 0
          if (n < min || $0 !~ /"age_error_years": 4\.82/) bad = 1
          if (n > 0 && !(lo >= 0 && lo <= s && s <= hi && hi <= 1)) bad = 1
          if (n == 0 && $0 !~ /"share": null, "lo": null, "hi": null/) bad = 1 }
        END { exit bad }' "$tmp/u14"; then
        pass "$3"
    else
        fail "$3: $(head -3 "$tmp/u14")"
    fi
}

skip() {
    echo "SKIP: $regress_name: $*"
    exit 77
}

# finish: summary line and exit status for automake's test driver.
finish() {
    echo "$regress_name: $((checks - failures)) passed, $failures failed"
    [ "$failures" -eq 0 ]
    exit $?
}
