#!/bin/sh
# SPDX-License-Identifier: MIT
# db.sh - the database is created 0600 in a fresh folder, migrated, and
# reported by `faceaudit db info|check`; --db overrides the default.
. "${top_srcdir:-.}/tests/regress/lib.sh"

fa db info
expect_rc 0 "db info creates the database"
expect_grep "$tmp/out" "^database: $tmp/fa.db$" "db info names the path"
expect_grep "$tmp/out" '^schema version: [1-9][0-9]*$' "schema is migrated"
mode=$(stat -c %a "$tmp/fa.db")
checks=$((checks + 1))
[ "$mode" = 600 ] && pass "database file is 0600" || fail "database mode is $mode, not 600"

fa db check
expect_rc 0 "db check on a healthy database"
expect_grep "$tmp/out" 'integrity ok' "integrity reported"

fa --db "$tmp/other/x.db" db info
expect_rc 0 "--db creates its folder"
expect_grep "$tmp/out" "^database: $tmp/other/x.db$" "--db is honoured"

printf 'this is not a database at all, just some text that is long enough......' > "$tmp/junk.db"
dd if=/dev/zero bs=1024 count=8 >> "$tmp/junk.db" 2>/dev/null
fa --db "$tmp/junk.db" db info
expect_rc 2 "a non-database file is an error"
expect_grep "$tmp/err" "junk.db" "the error names the file"

fa db frob
expect_rc 2 "db with a bad subcommand"

# --format json
fa db info --format json
expect_rc 0 "db info as JSON"
checks=$((checks + 1))
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["database"].endswith("fa.db") and d["schema_version"] > 0 and d["runs"] >= 0' "$tmp/out" &&
    pass "db info JSON: database, schema_version, runs" || fail "db info JSON"
fa db check --format json
expect_rc 0 "db check as JSON"
checks=$((checks + 1))
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["integrity"] == "ok" and "template_seals" in d' "$tmp/out" &&
    pass "db check JSON: integrity, template_seals" || fail "db check JSON"
fa db info --format xml
expect_rc 2 "an unknown format"
expect_grep "$tmp/err" "--format: 'xml' \(text or json\)" "names the formats"

finish
