#!/bin/sh
# SPDX-License-Identifier: MIT
# report-render.sh - read the HTML report the way a reader does: headless
# Chromium renders a bundled scenario's report to an A4-sized PNG, which
# must exist, be larger than a blank page and not be one colour; the HTML
# must hold no script and no http(s) URL. The PNG stays in the temporary
# folder. Then a report with a real eval run (the bbt crops) is rendered the
# same way and its figures are checked as a reader relies on them
# (svg_check.py): per-class histogram scales, the operating threshold marked
# where its FMR and FNMR put it, legends clear of every curve. Skips
# visibly without chromium or python3 (the eval part without the datasets).
. "${top_srcdir:-.}/tests/regress/lib.sh"

src=$(cd "$top_srcdir" && pwd)
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || skip "chromium is not installed (Debian package chromium; ./bootstrap installs it)"
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"

fa audit --no-save --format html -o "$tmp/report.html" "$src/datasets/scenarios/hotel-room-camera.fa.yaml"
expect_rc 1 "the HTML report of a failing deployment"
checks=$((checks + 1))
if grep -Eiq '<script|https?://' "$tmp/report.html"; then
    fail "the HTML holds a script or a URL"
    grep -Eio '<script|https?://[^" ]*' "$tmp/report.html" | head -5
else
    pass "no script, no URL"
fi

# render FILE.html NAME: Chromium renders the page to $tmp/NAME.png, which must not be blank
render() {
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --user-data-dir="$tmp/chromium" \
        --screenshot="$tmp/$2.png" --window-size=1240,1754 "file://$1" \
        >"$tmp/chromium.log" 2>&1
    checks=$((checks + 1))
    if [ ! -s "$tmp/$2.png" ]; then
        fail "chromium wrote no PNG for $2"
        tail -5 "$tmp/chromium.log"
        return
    fi
    pass "chromium rendered $2"
    checks=$((checks + 1))
    if python3 "$src/tests/regress/png_check.py" "$tmp/$2.png" >"$tmp/png" 2>&1; then
        pass "$2 is not blank: $(cat "$tmp/png")"
    else
        fail "$2: the rendered page looks blank or broken"
        cat "$tmp/png"
    fi
}

render "$tmp/report.html" report

# --- a report with a real eval run's figures --------------------------------------------
if [ -z "${FACEAUDIT_DATA:-}" ] || [ ! -d "$FACEAUDIT_DATA/faces/bbt" ]; then
    echo "SKIP: shared face datasets absent (set FACEAUDIT_DATA): eval figures not rendered"
    finish
fi
fa eval bbt --cropped --bootstrap 0 --save bbt
expect_rc 0 "eval bbt --cropped stored"
fa audit --no-save --eval bbt --format html -o "$tmp/eval.html" \
    "$src/datasets/scenarios/hotel-front-desk.fa.yaml"
expect_rc 0 "the HTML report with the eval run"
checks=$((checks + 1))
if python3 "$src/tests/regress/svg_check.py" "$tmp/eval.html" >"$tmp/svg" 2>&1; then
    pass "eval figures: $(tr '\n' ';' <"$tmp/svg")"
else
    fail "eval figures"
    sed 's/^/  | /' "$tmp/svg"
fi
render "$tmp/eval.html" eval
finish
