#!/bin/sh
# SPDX-License-Identifier: MIT
# eval-datasets.sh - the built-in engine on the shared datasets prints the
# figures of doc/ACCURACY.md (bbt verification and identification, dlib-train
# detection; ORL takes minutes and is measured by hand, see the doc), the
# shipped definitions are found by name, and `dataset check` passes on them.
# Skips with a visible message when the datasets or the models are absent.
. "${top_srcdir:-.}/tests/regress/lib.sh"

[ -n "${FACEAUDIT_DATA:-}" ] && [ -d "$FACEAUDIT_DATA/faces/bbt" ] ||
    skip "shared face datasets absent (set FACEAUDIT_DATA)"
fa models verify
[ "$rc" -eq 0 ] || skip "model files absent (faceaudit models fetch)"
cd "$top_srcdir" || exit 99

for name in orl bbt dlib-train; do
    fa dataset check "datasets/faces/$name.$( [ $name = dlib-train ] && echo xml || echo csv)"
    expect_rc 0 "dataset check $name: no missing, unreadable or duplicate files"
done
expect_grep "$tmp/out" '^face boxes: 18$' "dlib-train has 18 boxes"

fa eval bbt --cropped --format csv
expect_rc 0 "bbt verification by definition name"
expect_grep "$tmp/out" '^at_threshold,fmr,0.6,0.002857142857,2,700,' "FMR at 0.6 = 2/700 (doc/ACCURACY.md)"
expect_grep "$tmp/out" '^at_threshold,fnmr,0.6,0.0375,3,80,' "FNMR at 0.6 = 3/80"
expect_grep "$tmp/out" '^threshold_table,fnmr_at_fmr_1e-02,0.634[0-9]*,0.025,2,80,' "FNMR@FMR=1e-2 = 2/80 at t 0.634"
expect_grep "$tmp/out" '^threshold_table,fnmr_at_fmr_1e-03,,,,,,' "FNMR@FMR=1e-3 not supported by 700 impostors"
expect_grep "$tmp/out" '^eer,eer,0.647[0-9]*,0.01285714286,' "EER 0.01286"

fa eval bbt --cropped --protocol identify
expect_rc 0 "bbt identification"
expect_grep "$tmp/out" '^gallery N = 6 identities \(random, 1 image per subject\); 24 mated and 10 non-mated searches' "seeded open-set split"
expect_grep "$tmp/out" '^  rank-1  identification rate 1 \(24/24\) \[0\.862, 1\]$' "closed set rank-1 = 24/24 with its interval"
expect_grep "$tmp/out" '^open set \(threshold 0\.6; 10 non-mated searches' "the open set is labelled"
expect_grep "$tmp/out" '^  FPIR\(N, 0.6\) +0 \(0/10\)' "FPIR over the 10 non-mated searches"
# the gallery choice is a named policy: first and all-but-one are deterministic
fa eval bbt --cropped --protocol identify --gallery-pick all-but-one --format json
cp "$tmp/out" "$tmp/abo1.json"
expect_grep "$tmp/out" '"gallery_pick":"all-but-one","mated_searches":6,' "all-but-one: one search per enrolled subject"
fa eval bbt --cropped --protocol identify --gallery-pick all-but-one --format json --seed 1
checks=$((checks + 1))
cmp -s "$tmp/out" "$tmp/abo1.json" && pass "the same policy and seed, the same bytes" || fail "all-but-one is not deterministic"
fa eval bbt --cropped --protocol identify --gallery-pick first --save first-pick
expect_grep "$tmp/out" '^gallery N = 6 identities \(first, 1 image per subject\); 24 mated' "first: the first image of each subject enrols"
fa runs show first-pick
expect_rc 0 "the stored run recomputes to its stored figures (the policy is stored)"
fa eval bbt --cropped --protocol identify --gallery-pick best
expect_rc 2 "an unknown policy is refused"

fa eval bbt --cropped --protocol identify --format json
cp "$tmp/out" "$tmp/j1.json"
fa eval bbt --cropped --protocol identify --format json --jobs 2
checks=$((checks + 1))
if cmp -s "$tmp/j1.json" "$tmp/out" && [ -s "$tmp/out" ]; then
    pass "--jobs 2 gives the same figures as one thread"
else
    fail "--jobs 2 changed the figures"
fi

fa eval dlib-train --protocol detect
expect_rc 0 "dlib-train detection"
expect_grep "$tmp/out" '^precision 0.5833 \(7/12\)' "precision 7/12"
expect_grep "$tmp/out" '^recall +0.3889 \(7/18\)' "recall 7/18"
expect_grep "$tmp/out" '^average precision \(all-point\) 0.3472$' "AP 0.3472"

# the tiled detector (issue 17 item 10): small and off-centre faces of dlib-train
fa eval dlib-train --protocol detect --detector tiled --format csv
expect_rc 0 "dlib-train detection, tiled"
expect_grep "$tmp/out" '^detection,precision,,1,17,17,' "tiled: precision 17/17 (doc/ACCURACY.md)"
expect_grep "$tmp/out" '^detection,recall,,0.9444444444,17,18,' "tiled: recall 17/18 (TinyFaceDetector 416 alone: 7/18)"
fa detect --detector tiled "$FACEAUDIT_DATA/faces/dlib-train/2007_007763.jpg"
n_tiled=$(grep -vc '^#' "$tmp/out")
fa detect "$FACEAUDIT_DATA/faces/dlib-train/2007_007763.jpg"
n_tiny=$(grep -vc '^#' "$tmp/out")
checks=$((checks + 1))
[ "$n_tiled" -gt "$n_tiny" ] && pass "detect --detector tiled finds more faces ($n_tiled) than tiny ($n_tiny)" ||
    fail "tiled found $n_tiled faces, tiny $n_tiny"
finish
