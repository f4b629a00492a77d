#!/bin/sh
# SPDX-License-Identifier: MIT
# layering.sh - the layering of doc/HACKING.md ("Layers"), checked on every
# #include of src/ and include/:
#  1. each external library is included by one module only (LIBRARIES);
#  2. module -> module arrows point down the declared order (RANKS), and the
#     front ends (cli, tui) reach below app/ only for report/ and core/
#     (FRONT_ENDS; the CLI also starts the TUI); known exceptions are listed
#     in ALLOW with their reason.
# Usage: layering.sh [ROOT]; ROOT defaults to $top_srcdir or the current
# folder. Prints every violation as file:line and exits 1.

root=${1:-${top_srcdir:-.}}
cd "$root" || exit 2

# --- 1. external libraries ------------------------------------------------------
# library@header regex (inside #include <...> or "...")@its module@files within it
# (regex; empty: any file of the module)
LIBRARIES='
curses@(n?curses(w)?\.h|ncursesw?/|panel\.h|menu\.h|form\.h)@tui@
sqlite@sqlite3\.h@store@
libjpeg@(jpeglib|turbojpeg)\.h@recog@^src/recog/image_jpeg\.c$
libpng@png\.h@recog@^src/recog/image_png\.c$
cblas@cblas\.h@recog@^src/recog/gemm[a-z_]*\.c$
libyaml@yaml\.h@core@^src/core/ydoc\.c$
libcyaml@cyaml/@scenario@
libcsv@csv\.h@core@^src/core/csvr\.c$
libsodium@sodium\.h@store@^src/store/store_crypt\.c$
expat@expat\.h@dataset@^src/dataset/ds_imglab\.c$
utf8proc@utf8proc\.h@core@^src/core/uwidth\.c$
libwebp@webp/@recog@^src/recog/image_webp\.c$
ffmpeg@lib(avformat|avcodec|avutil|swscale|avfilter|avdevice|swresample)/@video@^src/video/video_decode\.c$
'
# Files outside a library's module that still include it, each with its
# reason (doc/HACKING.md, Layers): library@file regex@reason
LIBRARY_ALLOW='
libsodium@^src/core/sha256\.c$@SHA-256 for every module from libsodium; sealing stays in store
'

# --- 2. modules -----------------------------------------------------------------------
# module rank: an arrow may only point to a lower rank (same rank: no arrow)
RANKS='
core 0
recog 1
dataset 1
store 1
scenario 1
rule 2
video 2
eval 3
sim 3
report 4
app 5
tui 6
cli 7
'
# what a front end may include below app/ (besides its own module and app);
# tui is the CLI's only: `faceaudit tui` and `demo` start it (src/cli/cmd_tui.c)
FRONT_ENDS='cli tui'
FRONT_END_REACH='core report tui'
# headers of include/faceaudit/ whose module is not their name (NAME.h or
# MODULE_*.h is MODULE's when src/MODULE/ exists)
HEADERS='
core compat xmalloc log str vec hash fsutil sha256 date calendar json rng jsonw csvw csvr ydoc uwidth
recog agegender cnn detect embed gemm image landmark match models
dataset ds_table
app lesson
'
# Known arrows the rules above refuse: file regex@target module@reason. Each
# line is work left (doc/HACKING.md); the list only shrinks.
ALLOW='
'

files=$(find src include -type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | sort)
[ -n "$files" ] || { echo "layering: no sources under $root"; exit 2; }
modules=$(ls -d src/*/ 2>/dev/null | sed 's|src/||; s|/$||' | tr '\n' ' ')

# Every include as "file:line:target", target the text between the delimiters.
# shellcheck disable=SC2086
grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' $files /dev/null |
    sed -E 's/^([^:]*):([0-9]+):[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^>"]*)[>"].*/\1:\2:\3/' |
    awk -F: -v libs="$LIBRARIES" -v liballow="$LIBRARY_ALLOW" -v ranks="$RANKS" \
        -v fronts="$FRONT_ENDS" -v reach="$FRONT_END_REACH" -v headers="$HEADERS" \
        -v allow="$ALLOW" -v modules="$modules" -v files="$files" '
function module_of_file(f,   a) {
    if (f ~ /^src\/[^\/]+\//) { split(f, a, "/"); return a[2] }
    if (f ~ /^include\/faceaudit\//) { sub(/^include\/faceaudit\//, "", f); return module_of_header(f) }
    return ""
}
function module_of_header(h,   n, p) {
    n = h; sub(/\.h$/, "", n)
    if (n in hdr) return hdr[n]
    if (n in ismod) return n
    p = n; sub(/_.*/, "", p)
    if (p in ismod) return p
    return "?"
}
function allowed(f, to,   i) {
    for (i = 1; i <= nallow; i++)
        if (to == allow_to[i] && f ~ allow_re[i]) { used[i] = 1; return 1 }
    return 0
}
BEGIN {
    n = split(modules, m, " "); for (i = 1; i <= n; i++) ismod[m[i]] = 1
    n = split(ranks, l, "\n")
    for (i = 1; i <= n; i++) if (split(l[i], w, " ") == 2) rank[w[1]] = w[2]
    n = split(headers, l, "\n")
    for (i = 1; i <= n; i++) { k = split(l[i], w, " "); for (j = 2; j <= k; j++) hdr[w[j]] = w[1] }
    n = split(fronts, w, " "); for (i = 1; i <= n; i++) front[w[i]] = 1
    n = split(reach, w, " "); for (i = 1; i <= n; i++) reachable[w[i]] = 1
    nlib = 0; n = split(libs, l, "\n")
    for (i = 1; i <= n; i++) if (split(l[i], w, "@") >= 3) {
        nlib++; lib_name[nlib] = w[1]; lib_re[nlib] = "^(" w[2] ")"; lib_mod[nlib] = w[3]
        lib_files[nlib] = w[4]
    }
    nla = 0; n = split(liballow, l, "\n")
    for (i = 1; i <= n; i++) if (split(l[i], w, "@") >= 2) { nla++; la_lib[nla] = w[1]; la_re[nla] = w[2] }
    nallow = 0; n = split(allow, l, "\n")
    for (i = 1; i <= n; i++) if (split(l[i], w, "@") >= 2) { nallow++; allow_re[nallow] = w[1]; allow_to[nallow] = w[2] }
    bad = 0
}
{
    file = $1; line = $2; inc = $3
    for (x = 4; x <= NF; x++) inc = inc ":" $x
    from = module_of_file(file)
    # 1. external libraries
    for (i = 1; i <= nlib; i++) {
        if (inc !~ lib_re[i]) continue
        ok = lib_files[i] != "" ? file ~ lib_files[i] : file ~ ("^src/" lib_mod[i] "/")
        for (k = 1; k <= nla && !ok; k++) if (la_lib[k] == lib_name[i] && file ~ la_re[k]) ok = 1
        if (!ok) {
            printf "layering: %s:%s: includes <%s> (%s) outside its module %s\n", file, line, inc, lib_name[i], lib_mod[i]
            bad++
        }
    }
    # 2. module -> module
    if (from == "" || !(from in rank)) next
    to = ""
    if (inc ~ /^faceaudit\//) { h = inc; sub(/^faceaudit\//, "", h); to = module_of_header(h) }
    else if (inc ~ /\//) { split(inc, w, "/"); if (w[1] in ismod) to = w[1] }
    if (to == "" || to == from) next
    if (to == "?") {
        printf "layering: %s:%s: includes %s, a header of no known module (add it to HEADERS in tests/lint/layering.sh)\n", file, line, inc
        bad++; next
    }
    if (!(to in rank)) {
        printf "layering: %s:%s: includes %s of module %s, which has no rank (add it to RANKS)\n", file, line, inc, to
        bad++; next
    }
    if (allowed(file, to)) next
    if (rank[to] >= rank[from]) {
        printf "layering: %s:%s: %s -> %s (%s): the arrow points %s\n", file, line, from, to, inc, rank[to] == rank[from] ? "sideways" : "up"
        bad++
    } else if ((from in front) && to != "app" && !(to in reachable)) {
        printf "layering: %s:%s: %s -> %s (%s): a front end reaches below app/ (only %s allowed)\n", file, line, from, to, inc, reach
        bad++
    }
}
END {
    nf = split(files, fl, /[ \n]+/)
    for (i = 1; i <= nallow; i++) if (!(i in used)) {
        for (k = 1; k <= nf && fl[k] !~ allow_re[i]; k++) ;
        if (k > nf) continue  # no such file here (a partial tree, e.g. the self-test)
        printf "layering: ALLOW %s -> %s is no longer needed: remove it from tests/lint/layering.sh\n", allow_re[i], allow_to[i]
        bad++
    }
    exit bad > 0 ? 1 : 0
}'
status=$?
[ $status -eq 0 ] && echo "layering: $(echo "$files" | wc -l) files clean"
exit $status
