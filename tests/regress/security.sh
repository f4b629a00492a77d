#!/bin/sh
# SPDX-License-Identifier: MIT
# security.sh - the breaks of issue 14, each reproduced through the CLI with
# someone holding the database file but not the key: a template moved to
# another gallery or relabelled, a purge whose log entry cannot be written,
# a missing or different key, a symlinked or foreign database, a truncated
# or deleted log, forged-looking log lines from file names, concurrent first
# use of a new database, and purge --older-than 0 in the same second.
. "${top_srcdir:-.}/tests/regress/lib.sh"

fa models verify
[ "$rc" -eq 0 ] || skip "models not installed (run faceaudit models fetch)"
command -v sqlite3 >/dev/null 2>&1 || skip "sqlite3 (the command) is not installed"
demo="$FACEAUDIT_MODELS/demo"
mkdir -p "$tmp/keys"
chmod 700 "$tmp/keys"
export FACEAUDIT_KEY_FILE="$tmp/keys/template.key"
db="$tmp/fa.db"
q() { sqlite3 "$db" "$1"; }

fa enroll --gallery staff --subject alice "$demo/sample2.jpg"
expect_rc 0 "enrol alice in staff"
fa enroll --gallery watch --subject suspect "$demo/sample1.jpg"
expect_rc 0 "enrol a suspect in the watch list"

# --- item 3: a template moved to another gallery or relabelled fails --------------
alice=$(q "SELECT id FROM template WHERE subject = 'alice'")
watch=$(q "SELECT id FROM gallery WHERE name = 'watch'")
staff=$(q "SELECT id FROM gallery WHERE name = 'staff'")
orig=$(q "SELECT created_at FROM template WHERE id = $alice")
q "UPDATE template SET gallery_id = $watch WHERE id = $alice"
fa identify --gallery watch "$demo/sample2.jpg"
expect_rc 2 "a template moved to the watch list does not match there"
expect_grep "$tmp/err" "template $alice \(gallery watch, subject alice\) failed authentication" "the moved template is named"
fa log verify
expect_rc 1 "log verify notices the moved template"
fa db check
expect_rc 1 "db check notices the moved template"
expect_grep "$tmp/err" "template $alice \(gallery watch, subject alice\) failed authentication" "db check names it"
q "UPDATE template SET gallery_id = $staff, subject = 'bob' WHERE id = $alice"
fa identify --gallery staff "$demo/sample2.jpg"
expect_rc 2 "a relabelled template fails"
expect_grep "$tmp/err" "subject bob\) failed authentication" "the relabelled template is named"
q "UPDATE template SET subject = 'alice', created_at = '2099-01-01T00:00:00Z' WHERE id = $alice"
fa identify --gallery staff "$demo/sample2.jpg"
expect_rc 2 "a template with another creation time fails (retention cannot be dodged)"
fa log verify
expect_rc 1 "log verify reports it"
# put it back as it was: the seal opens again
q "UPDATE template SET created_at = '$orig' WHERE id = $alice"
fa identify --gallery staff "$demo/sample2.jpg"
expect_rc 0 "restored, the template opens again"
fa log verify
expect_rc 0 "and the log verifies"
expect_grep "$tmp/out" "^anchor: matches; 2 template\(s\) sealed and enrolled in the log$" "anchor and templates checked"

# --- item 4: the purge and its log entry commit together -------------------------------
q "CREATE TRIGGER full BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
fa purge --older-than 0
expect_rc 2 "purge fails when its log entry cannot be written"
n=$(q "SELECT count(*) FROM template")
checks=$((checks + 1))
[ "$n" = 2 ] && pass "nothing was deleted without its log entry" || fail "$n templates left, expected 2"
q "DROP TRIGGER full"
FACEAUDIT_CRASH_AT=purge_logged:1 fa purge --older-than 0
n=$(q "SELECT count(*) FROM template")
checks=$((checks + 1))
[ "$rc" -ne 0 ] && [ "$n" = 2 ] && pass "killed after logging, before commit: nothing deleted" || fail "rc $rc, $n templates"
fa log verify
expect_rc 0 "the log still verifies after the kill"

# --- item 5: keys ---------------------------------------------------------------------
mv "$FACEAUDIT_KEY_FILE" "$tmp/keys/saved.key"
fa enroll --gallery staff --subject carol "$demo/sample4.jpg"
expect_rc 2 "enrol without the key file fails"
expect_grep "$tmp/err" "key file .*template.key does not exist, but this database holds 2 sealed template\(s\), 0 sealed evaluation descriptor\(s\) and [0-9]+ audit-log entries made with key [0-9a-f]{16}: restore that key file" "the missing key is named with its id"
checks=$((checks + 1))
[ ! -e "$FACEAUDIT_KEY_FILE" ] && pass "no new key was created" || fail "a new key was created"
FA_DB="$tmp/scratch.db" FACEAUDIT_KEY_FILE="$tmp/keys/other.key" fa enroll --gallery x "$demo/sample4.jpg"
expect_rc 0 "another database with another key"
FACEAUDIT_KEY_FILE="$tmp/keys/other.key" fa log verify
expect_rc 2 "log verify with another key fails"
expect_grep "$tmp/err" "holds key [0-9a-f]{16}, but this database's templates and audit log were made with key [0-9a-f]{16}: wrong key file" "wrong key, with both ids"
if grep -q modified "$tmp/err"; then fail "a wrong key reported as a modification"; else pass "not reported as modified"; fi
checks=$((checks + 1))
mv "$tmp/keys/saved.key" "$FACEAUDIT_KEY_FILE"
chmod 777 "$tmp/keys"
fa identify --gallery staff "$demo/sample2.jpg"
expect_rc 2 "a key in a folder others can write is refused"
expect_grep "$tmp/err" "in a folder writable by others \(mode 777\)" "the folder is named"
chmod 700 "$tmp/keys"
if [ "$(id -u)" = 0 ]; then
    chown 4242 "$FACEAUDIT_KEY_FILE"
    fa identify --gallery staff "$demo/sample2.jpg"
    expect_rc 2 "a key owned by someone else is refused"
    expect_grep "$tmp/err" "is owned by uid 4242, not by you" "the owner is named"
    chown 0 "$FACEAUDIT_KEY_FILE"
fi

# --- item 9: the log's anchor and the templates' enrolments ---------------------------------
fa log verify
expect_rc 0 "intact"
dbid=$(q "SELECT value FROM meta WHERE key = 'db_id'")
q "UPDATE meta SET value = 'f00' WHERE key = 'db_id'"
fa log verify
expect_rc 1 "a changed database id does not hide the anchor"
expect_grep "$tmp/err" "this database's id \(meta db_id\) was changed or removed" "the changed id is named"
q "UPDATE meta SET value = '$dbid' WHERE key = 'db_id'"
total=$(q "SELECT count(*) FROM audit_log")
q "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id > $((total - 2))"
fa log verify
expect_rc 1 "two entries cut from the end are detected"
expect_grep "$tmp/err" "the audit log has $((total - 2)) entries but its anchor records $total" "truncation named"
fa log verify --head 0000
expect_rc 1 "a wrong --head fails"
if grep -q ' ok' "$tmp/out"; then fail "verify --head printed ok before failing"; else pass "no ok before failing"; fi
checks=$((checks + 1))
q "DELETE FROM audit_log"
rm -f "$FACEAUDIT_KEY_FILE.loghead"
fa log verify
expect_rc 1 "a deleted log does not verify while templates exist"
expect_grep "$tmp/err" "template [0-9]+ \(gallery [a-z]+, subject [a-z]+\) has no enrolment entry in the audit log" "the unlogged template is named"

# control characters in logged fields: a file stem with a newline
FA_DB="$tmp/esc.db"
export FA_DB
mkdir -p "$tmp/img"
evil="$tmp/img/$(printf 'x\n     9  2026-01-01T00:00:00Z  admin      purge      purge     gallery:all')"
cp "$demo/sample2.jpg" "$evil.jpg"
fa enroll --gallery g "$evil.jpg"
expect_rc 0 "enrol a file whose name has a newline"
fa log list
expect_rc 0 "log list"
lines=$(wc -l <"$tmp/out")
checks=$((checks + 1))
[ "$lines" = 1 ] && pass "one entry, one line" || fail "$lines lines for one entry"
expect_grep "$tmp/out" 'subject x\\n     9  2026' "the newline is shown escaped"
unset FA_DB

# --- item 11: --older-than 0 takes templates of this very second ---------------------------
FA_DB="$tmp/now.db" fa enroll --gallery now --subject a "$demo/sample2.jpg"
FA_DB="$tmp/now.db" fa purge --older-than 0
expect_rc 0 "purge --older-than 0"
expect_grep "$tmp/out" '^now: 1 template older than 0 days removed$' "a template enrolled this second is purged"

# --- item 11: sealed descriptors of a killed evaluation go with the run's retention -------------
FA_DB="$tmp/now.db" fa db info
sqlite3 "$tmp/now.db" "INSERT INTO run(id, kind, name, software, created_at) VALUES (77, 'eval', 'killed', 't', '2020-01-01T00:00:00Z'); INSERT INTO run(id, kind, name, software) VALUES (78, 'eval', 'fresh', 't'); INSERT INTO eval_desc VALUES (77, 'aa', 0, x'00'), (77, 'bb', 0, x'00'), (78, 'cc', 0, x'00')"
FA_DB="$tmp/now.db" fa purge
expect_rc 0 "purge by retention"
expect_grep "$tmp/out" '^eval run killed: 2 sealed descriptors of an unfinished run older than 7 days removed$' "the killed run's descriptors are purged"
n=$(sqlite3 "$tmp/now.db" "SELECT group_concat(sha256) FROM eval_desc")
checks=$((checks + 1))
[ "$n" = cc ] && pass "a run started today keeps its descriptors for --resume" || fail "left: $n"
FA_DB="$tmp/now.db" fa log list
expect_grep "$tmp/out" 'purge +purge +eval:killed +2 sealed descriptors' "and the purge is logged"

# --- item 8: the database path -----------------------------------------------------------
ln -s "$tmp/fa.db" "$tmp/link.db"
FA_DB="$tmp/link.db" fa db info
expect_rc 2 "a symlinked database path is refused"
expect_grep "$tmp/err" "link.db is a symbolic link: refusing to follow it" "the link is named"
: >"$tmp/open.db"
chmod 666 "$tmp/open.db"
FA_DB="$tmp/open.db" fa db info
expect_rc 2 "a world-writable database is refused"
expect_grep "$tmp/err" "open.db has mode 666: writable by others; run chmod 600" "the mode is named"
if [ "$(id -u)" = 0 ]; then
    : >"$tmp/theirs.db"
    chmod 600 "$tmp/theirs.db"
    chown 4242 "$tmp/theirs.db"
    FA_DB="$tmp/theirs.db" fa db info
    expect_rc 2 "a database owned by someone else is refused"
    expect_grep "$tmp/err" "theirs.db is owned by uid 4242, not by you" "the owner is named"
fi

# --- item 6: concurrent first use of a new database ----------------------------------------
i=0
while [ $i -lt 40 ]; do
    env -i PATH="$PATH" HOME="$tmp/home" FACEAUDIT_DB="$tmp/race.db" \
        "$FACEAUDIT" db info >"$tmp/race.$i.out" 2>"$tmp/race.$i.err" &
    i=$((i + 1))
done
wait
bad=$(cat "$tmp"/race.*.err | grep -c . || true)
checks=$((checks + 1))
[ "$bad" = 0 ] && pass "40 processes open a new database at once" || { fail "$bad of 40 failed"; sort "$tmp"/race.*.err | uniq -c | head -5; }

finish
