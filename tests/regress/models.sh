#!/bin/sh
# SPDX-License-Identifier: MIT
# models.sh - `faceaudit models verify|list` on the installed models, then on
# a copy with one flipped byte and one missing file: clear messages naming
# the file and the fix, exit 2. Skips when the models were never fetched.
. "${top_srcdir:-.}/tests/regress/lib.sh"

fa models verify
if [ "$rc" -ne 0 ]; then
    skip "models not installed in $FACEAUDIT_MODELS (run ./bootstrap or faceaudit models fetch)"
fi
expect_grep "$tmp/out" '^20 model files verified in ' "all 20 files verify"

fa models list
expect_rc 0 "models list"
expect_grep "$tmp/out" '^face_recognition_model.bin +ok +6444032  FaceRecognitionNet' "list shows size and network"

# A copy with one flipped byte in the middle of the recognition weights.
mkdir -p "$tmp/models/demo"
cp "$FACEAUDIT_MODELS"/*.json "$FACEAUDIT_MODELS"/*.bin "$tmp/models/"
cp "$FACEAUDIT_MODELS"/demo/*.jpg "$tmp/models/demo/"
f="$tmp/models/face_recognition_model.bin"
byte=$(dd if="$f" bs=1 skip=3000000 count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
printf "$(printf '\\%03o' $((byte ^ 1)))" | dd of="$f" bs=1 seek=3000000 conv=notrunc 2>/dev/null

FA_MODELS="$tmp/models" fa models verify
expect_rc 2 "a flipped byte fails verification"
expect_grep "$tmp/err" "face_recognition_model.bin: CORRUPT: SHA-256 is [0-9a-f]{64}, expected b413e420" "corrupt file named with both digests"
expect_grep "$tmp/err" "run .faceaudit models fetch." "the fix is named"

rm "$tmp/models/tiny_face_detector_model.bin"
fa models verify --dir "$tmp/models"
expect_rc 2 "a missing file fails verification"
expect_grep "$tmp/err" "tiny_face_detector_model.bin: missing" "missing file named"

FA_MODELS="$tmp/nowhere" fa models verify
expect_rc 2 "an empty model folder fails"
expect_grep "$tmp/err" "20 of 20 file\(s\) missing in $tmp/nowhere: run .faceaudit models fetch." "missing folder explained"

finish
