#!/bin/sh
# SPDX-License-Identifier: MIT
# eval-images.sh - every image a user has, every failure named (issue 17
# items 1-3), on real photos of the shared bbt set: a WebP saved as ".jpg"
# (made here with Debian's cwebp) is read by content and gives the PNG's
# descriptor; a GIF is named as unsupported; a group photo fails with
# --one-face; --min-face; a missing file stops eval (exit 2, all listed)
# unless --allow-missing; --detector ssd and --input-size are recorded in
# the stored run and its JSON; a labelled pairs list (a,b,same and a
# file_x/file_y/Decision file read with --pair-columns), the two populations
# and an EER set by failures (items 4, 5); progress lines in a batch log (item 7).
# Skips visibly without datasets, models or cwebp.
. "${top_srcdir:-.}/tests/regress/lib.sh"

[ -n "${FACEAUDIT_DATA:-}" ] && [ -d "$FACEAUDIT_DATA/faces/bbt" ] ||
    skip "shared face datasets absent (set FACEAUDIT_DATA)"
fa models verify
[ "$rc" -eq 0 ] || skip "model files absent (faceaudit models fetch)"
command -v cwebp >/dev/null 2>&1 || skip "cwebp absent (Debian package webp)"

b=$FACEAUDIT_DATA/faces/bbt
d=$tmp/ds
mkdir -p "$d"
cwebp -quiet -lossless -exact "$b/amy/amy1.png" -o "$d/amy-webp.jpg" || exit 99
cp "$b/bbt1.jpg" "$d/group.jpg"
printf 'GIF89a\001\000\001\000\000\000\000;' > "$d/anim.png"
{
    echo "path,subject"
    for s in amy penny raj; do
        for i in 2 3 4; do echo "$b/$s/$s$i.png,$s"; done
    done
    echo "amy-webp.jpg,amy"
    echo "anim.png,penny"
} > "$d/m.csv"

# 1. by content, never by extension
fa eval "$d/m.csv" --cropped --format json
expect_rc 0 "a WebP named .jpg and a GIF named .png in a manifest"
expect_grep "$tmp/out" '"path":"anim.png","reason":"unreadable"' "the GIF is a failure: unreadable"
checks=$((checks + 1))
if grep -q '"path":"amy-webp.jpg"' "$tmp/out"; then
    fail "the WebP was not acquired"
else
    pass "the WebP is acquired"
fi
fa eval "$d/m.csv" --cropped
expect_grep "$tmp/out" '^  anim.png: unreadable: .*GIF image: unsupported' "the text report names the format"
fa embed --cropped --csv "$d/amy-webp.jpg"
sed 's/^[^,]*,//' "$tmp/out" > "$tmp/webp.desc"
fa embed --cropped --csv "$b/amy/amy1.png"
sed 's/^[^,]*,//' "$tmp/out" > "$tmp/png.desc"
checks=$((checks + 1))
if [ -s "$tmp/png.desc" ] && cmp -s "$tmp/webp.desc" "$tmp/png.desc"; then
    pass "lossless WebP gives the PNG's descriptor bit for bit"
else
    fail "the WebP's descriptor differs from the PNG's"
fi

# 2. every failure named
echo "gone/amy9.png,amy" >> "$d/m.csv"
echo "gone/raj9.png,raj" >> "$d/m.csv"
fa eval "$d/m.csv" --cropped
expect_rc 2 "missing files are a dataset error"
expect_grep "$tmp/err" 'm.csv: gone/amy9.png: missing$' "each missing file is listed"
expect_grep "$tmp/err" 'm.csv: gone/raj9.png: missing$' "all of them"
checks=$((checks + 1))
if [ -s "$tmp/out" ]; then fail "figures printed despite the dataset error"; else pass "no figures"; fi
for i in 0 1 2 3 4 5 6 7 8 9; do echo "gone/x$i.png,raj" >> "$d/m.csv"; done
fa eval "$d/m.csv" --cropped --allow-missing --min-face 151
expect_rc 0 "--allow-missing"
expect_grep "$tmp/out" '^  gone/raj9.png: missing' "missing, with its reason"
expect_grep "$tmp/out" '^  amy-webp.jpg: too small: crop 150x150, narrower than 151 px' "too small"
expect_grep "$tmp/out" '^  \.\.\. and 3 more \(23 in all\)$' "the first 20 and a count"
expect_grep "$tmp/out" '^  failures as errors   [0-9.]+ \([0-9]+/[0-9]+\)' "accuracy with failures counted as errors, labelled"
expect_grep "$tmp/out" '^  acquired only        ' "and on acquired comparisons only, labelled"
expect_grep "$tmp/out" "^on acquired comparisons: d' " "d' and AUC say which population"
printf 'path,subject\ngroup.jpg,x\n%s,x\n' "$b/bbt2.jpg" > "$d/g.csv"
fa eval "$d/g.csv" --one-face --format json
expect_grep "$tmp/out" '"path":"group.jpg","reason":"more than one face"' "more than one face where one is required"

# 3. the detector is chosen and recorded
fa eval "$d/g.csv" --detector ssd --min-score 0.4 --save ssd-run
expect_rc 0 "eval --detector ssd"
expect_grep "$tmp/out" '^engine faceapi-1\.7\.15:ssd@0\.4\+landmark68\+recognition' "the run names SSD and its minimum score"
fa runs show ssd-run --format json
expect_grep "$tmp/out" '"engine":"faceapi-1\.7\.15:ssd@0\.4\+landmark68\+recognition"' "the stored run records it"
fa eval "$d/g.csv" --input-size 608 --format json
expect_grep "$tmp/out" '"engine":"faceapi-1\.7\.15:tiny608\+landmark68\+recognition"' "--input-size is recorded"
fa eval "$d/g.csv" --detector ssd --input-size 608
expect_rc 2 "--input-size is for the tiny detector"

# 4. a labelled pairs list in any class balance (80 genuine, 140 impostor pairs)
fa eval "$top_srcdir/datasets/faces/bbt-pairs.csv" --cropped --format json
expect_rc 0 "a pairs CSV (a,b,same) is recognised by its header"
cp "$tmp/out" "$tmp/pairs.json"
fa eval "$top_srcdir/datasets/faces/bbt-pairs.csv" --cropped
expect_grep "$tmp/out" '^comparisons: 80 genuine, 140 impostor$' "only the listed pairs, unbalanced"
expect_grep "$tmp/out" '^  failures as errors   0\.9864 \(217/220\) \[0\.9607, 0\.9954\]$' "accuracy at the threshold with its interval (doc/ACCURACY.md)"
expect_grep "$tmp/out" '^EER 0\.02143 ' "EER 0.02143 (doc/ACCURACY.md)"
# the same list as public sets ship it: other column names, Same/Different, read with a mapping
{
    echo "id,file_x,file_y,Decision"
    tail -n +2 "$top_srcdir/datasets/faces/bbt-pairs.csv" |
        awk -F, '{ print NR "," $1 "," $2 "," ($3 == 1 ? "Same" : "Different") }'
} > "$d/mapped.csv"
fa eval "$d/mapped.csv" --cropped --format json --pair-columns file_x,file_y,Decision
expect_rc 0 "--pair-columns reads file_x,file_y,Decision"
checks=$((checks + 1))
cmp -s "$tmp/out" "$tmp/pairs.json" && pass "the mapped file gives the same figures, byte for byte" ||
    fail "the mapped file's figures differ"
fa eval "$d/mapped.csv" --cropped
expect_rc 2 "without the mapping the file is a manifest"
printf 'a,b,same\nx.png,y.png,perhaps\n' > "$d/bad.csv"
fa eval "$d/bad.csv" --cropped
expect_rc 2 "a bad label"
expect_grep "$tmp/err" "bad.csv:2: column 3 \(same\): 'perhaps' is not a label" "named with file:line and the column"
printf 'a,b,same\nx.png,y.png,1\ny.png,z.png,1\nx.png,z.png,0\n' > "$d/contra.csv"
fa eval "$d/contra.csv" --cropped
expect_rc 2 "contradictory labels"
expect_grep "$tmp/err" "contra.csv:4: column 3 \(same\): 'x.png' and 'z.png' are labelled different, but genuine pairs make them the same person" "named with the line"
fa eval "$d/mapped.csv" --cropped --pair-columns file_x,file_y
expect_rc 2 "a mapping of two columns"
expect_grep "$tmp/err" "is not three column names" "is refused"

# 5. failures that set the EER: TinyFaceDetector at 160 on 150 px crops misses some faces
fa eval "$top_srcdir/datasets/faces/bbt-pairs.csv" --input-size 160
expect_grep "$tmp/out" '^  set by failures to acquire: FNMR cannot fall below 0\.2375 \(19 failed genuine comparisons\)' "the EER set by failures is flagged"
expect_grep "$tmp/out" '^  on acquired comparisons: EER 0 ' "with the EER on acquired comparisons beside it"

# 7. progress in a batch log: plain lines (done, rate, time left), none with -q
fa eval "$d/g.csv"
expect_grep "$tmp/err" '^eval: 2/2 images embedded \(100%\), [0-9.]+/s, [0-9]+:[0-9]{2} elapsed, 0:00 left$' "not a terminal: a plain closing line"
env FACEAUDIT_PROGRESS_SECONDS=0 FACEAUDIT_DATA="$FACEAUDIT_DATA" HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" \
    "$FACEAUDIT" --db "$tmp/p.db" eval "$d/m.csv" --cropped --allow-missing >"$tmp/out" 2>"$tmp/err"
checks=$((checks + 1))
n=$(grep -c '^eval: [0-9]*/[0-9]* images embedded' "$tmp/err")
[ "$n" -ge 3 ] && pass "a plain line per interval ($n lines)" || fail "$n progress lines"
checks=$((checks + 1))
grep -q "$(printf '\r')" "$tmp/err" && fail "a carriage return in a log" || pass "no bar redraws in a log"
fa -q eval "$d/g.csv"
checks=$((checks + 1))
[ ! -s "$tmp/err" ] && pass "-q silences the progress" || fail "-q: $(head -2 "$tmp/err")"

finish
