#!/bin/sh
# SPDX-License-Identifier: MIT
# layering-selftest.sh - the layering lint must pass a clean tree and fail
# on each planted violation, naming the file and line: an external header in
# the wrong module (sqlite3.h in rule, curses in rule), a second module
# including libcyaml, a TUI screen including the store, an arrow pointing up
# (store -> rule, video -> sim, tui -> cli) and one pointing sideways (eval -> sim), a
# header of no known module, FFmpeg outside src/video/video_decode.c, and
# libyaml or libcsv in the scenario module (both are core's alone).

lint="${top_srcdir:-.}/tests/lint/layering.sh"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
for m in core rule store tui sim eval scenario app report cli video recog; do mkdir -p "$tmp/src/$m"; done
mkdir -p "$tmp/include/faceaudit"
printf '#include "config.h"\n#include <stdio.h>\n#include "faceaudit/scenario.h"\n' > "$tmp/src/rule/rule_eval.c"
printf '#include <sqlite3.h>\n#include "faceaudit/log.h"\n' > "$tmp/src/store/store.c"
printf '#include <ncurses.h>\n' > "$tmp/src/tui/tui_curses.h"
printf '#include "faceaudit/cli.h"\n#include "faceaudit/tui.h"\n' > "$tmp/src/cli/cmd_tui.c"
printf '#include "faceaudit/app.h"\n#include "faceaudit/report.h"\n#include "faceaudit/str.h"\n' > "$tmp/src/tui/scr_board.c"
printf '#include <cyaml/cyaml.h>\n#include "faceaudit/ydoc.h"\n' > "$tmp/src/scenario/scenario_prescan.c"
printf '#include "faceaudit/rule.h"\n#include "faceaudit/store_sim.h"\n' > "$tmp/src/sim/sim.c"
printf '#include <libavformat/avformat.h>\n#include <libswscale/swscale.h>\n#include "faceaudit/embed.h"\n' > "$tmp/src/video/video_decode.c"

out=$(sh "$lint" "$tmp") || { echo "FAIL: clean tree rejected: $out"; exit 1; }

printf '#include "config.h"\n\n#include <sqlite3.h>\n' > "$tmp/src/rule/rule_eval.c"
printf '#  include <curses.h>\n' > "$tmp/src/rule/rule_lex.c"
printf '#include "faceaudit/app.h"\n#include "faceaudit/store.h"\n' > "$tmp/src/tui/scr_board.c"
printf '#include "config.h"\n#include <cyaml/cyaml.h>\n' > "$tmp/src/sim/sim_yaml.c"
printf '#include "faceaudit/rule.h"\n' > "$tmp/src/store/store_audit.c"
printf '\n#include "faceaudit/sim.h"\n' > "$tmp/src/eval/metrics.c"
printf '#include "faceaudit/nowhere.h"\n' > "$tmp/src/core/str.c"
printf '#include "config.h"\n#include <libavcodec/avcodec.h>\n' > "$tmp/src/recog/image.c"
printf '#include <libavutil/display.h>\n' > "$tmp/src/video/video_track.c"
printf '#include "faceaudit/sim.h"\n' > "$tmp/src/video/video_faces.c"
printf '#include <cyaml/cyaml.h>\n#include <yaml.h>\n#include <csv.h>\n' > "$tmp/src/scenario/scenario_load.c"
printf '#include "faceaudit/app.h"\n#include "faceaudit/cli.h"\n' > "$tmp/src/tui/scr_home.c"
if out=$(sh "$lint" "$tmp"); then
    echo "FAIL: planted violations not detected"
    exit 1
fi
echo "$out"
check() {
    echo "$out" | grep -q -- "$1" || { echo "FAIL: $2 not named with file:line"; exit 1; }
}
check 'src/rule/rule_eval.c:3: includes <sqlite3.h>' "sqlite3.h in rule"
check 'src/rule/rule_lex.c:1: includes <curses.h>' "curses.h in rule"
check 'src/tui/scr_board.c:2: tui -> store' "the TUI including the store"
check 'src/sim/sim_yaml.c:2: includes <cyaml/cyaml.h> (libcyaml) outside its module scenario' \
    "a second module including libcyaml"
check 'src/scenario/scenario_load.c:2: includes <yaml.h> (libyaml)' "libyaml in the scenario loader"
check 'src/scenario/scenario_load.c:3: includes <csv.h> (libcsv)' "libcsv in the scenario module"
check 'src/store/store_audit.c:1: store -> rule .*points up' "an arrow pointing up"
check 'src/eval/metrics.c:2: eval -> sim .*points sideways' "an arrow pointing sideways"
check 'src/core/str.c:1: includes faceaudit/nowhere.h, a header of no known module' \
    "a header of no module"
check 'src/recog/image.c:2: includes <libavcodec/avcodec.h> (ffmpeg) outside its module video' \
    "FFmpeg outside the video module"
check 'src/video/video_track.c:1: includes <libavutil/display.h> (ffmpeg)' \
    "FFmpeg in a video file other than video_decode.c"
check 'src/video/video_faces.c:1: video -> sim .*points up' "video reaching up to sim"
check 'src/tui/scr_home.c:2: tui -> cli .*points up' "the TUI reaching up to the CLI"
echo "PASS: planted violations detected"
