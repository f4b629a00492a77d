/* SPDX-License-Identifier: MIT */
/*
 * store_schema.c - the schema as an ordered list of migrations keyed on
 * PRAGMA user_version. Never edit a migration that has shipped: add a new
 * one with the next number. Today: 1 run table, 2 audit log, 3 simulation
 * series, 4 galleries and templates, 5 audit runs and findings, 6 evaluation
 * runs, 7 impact-assessment records, 8 descriptors of running evaluations,
 * 9 why an image failed, 10 audit findings with their entities as ranges,
 * 11 portfolio runs (the run table rebuilt to admit the kind).
 */
#include "config.h"

#include "faceaudit/store.h"

#include "faceaudit/compat.h"

const struct store_migration store_migrations[] = {
    { 1, "metadata and the common run table",
      "CREATE TABLE meta ("
      "  key   TEXT PRIMARY KEY,"
      "  value TEXT NOT NULL"
      ") STRICT;"
      /* Every stored run (audit, eval, simulation, replay) has one row here;
       * status stays 'running' until the run's last row is committed, so a
       * killed run is never mistaken for a complete one. */
      "CREATE TABLE run ("
      "  id          INTEGER PRIMARY KEY,"
      "  kind        TEXT NOT NULL CHECK (kind IN ('audit','eval','simulation','replay')),"
      "  name        TEXT,"
      "  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
      "  finished_at TEXT,"
      "  status      TEXT NOT NULL DEFAULT 'running'"
      "              CHECK (status IN ('running','complete','failed')),"
      "  software    TEXT NOT NULL,"
      "  params      TEXT NOT NULL DEFAULT '{}',"
      "  summary     TEXT NOT NULL DEFAULT '{}'"
      ") STRICT;"
      "CREATE UNIQUE INDEX run_name ON run(kind, name) WHERE name IS NOT NULL;"
      "CREATE INDEX run_kind_created ON run(kind, created_at);", false },
    { 2, "the append-only audit log",
      /* See store_log.h: ids without gaps, a keyed MAC chain, and triggers
       * that refuse changes through SQL. */
      "CREATE TABLE audit_log ("
      "  id      INTEGER PRIMARY KEY,"
      "  at      TEXT NOT NULL,"
      "  user    TEXT NOT NULL,"
      "  command TEXT NOT NULL,"
      "  action  TEXT NOT NULL,"
      "  object  TEXT NOT NULL,"
      "  detail  TEXT NOT NULL,"
      "  mac     TEXT NOT NULL"
      ") STRICT;"
      "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
      "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
      "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
      "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;", false },
    { 3, "simulation runs: the daily series",
      "CREATE TABLE sim_day ("
      "  run               INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,"
      "  day               INTEGER NOT NULL,"
      "  date              TEXT NOT NULL,"
      "  arrivals          INTEGER NOT NULL,"
      "  new_people        INTEGER NOT NULL,"
      "  enrolments        INTEGER NOT NULL,"
      "  stored            INTEGER NOT NULL,"
      "  purged            INTEGER NOT NULL,"
      "  refusals          INTEGER NOT NULL,"
      "  served            INTEGER NOT NULL,"
      "  turned_away       INTEGER NOT NULL,"
      "  false_non_matches INTEGER NOT NULL,"
      "  false_matches     INTEGER NOT NULL,"
      "  minors            INTEGER NOT NULL,"
      "  minors_no_consent INTEGER NOT NULL,"
      "  articles          TEXT,"
      "  PRIMARY KEY (run, day)"
      ") STRICT;", false },
    { 4, "galleries of face templates",
      /* See store_gallery.h. Descriptor blobs are read and written only by
       * store_gallery.c (their encoding changes when templates are sealed). */
      "CREATE TABLE gallery ("
      "  id             INTEGER PRIMARY KEY,"
      "  name           TEXT NOT NULL UNIQUE CHECK (name <> ''),"
      "  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
      "  retention_days INTEGER CHECK (retention_days IS NULL OR retention_days > 0),"
      "  dim            INTEGER NOT NULL CHECK (dim > 0)"
      ") STRICT;"
      "CREATE TABLE template ("
      "  id           INTEGER PRIMARY KEY,"
      "  gallery_id   INTEGER NOT NULL REFERENCES gallery(id) ON DELETE CASCADE,"
      "  subject      TEXT NOT NULL CHECK (subject <> ''),"
      "  descriptor   BLOB NOT NULL,"
      "  image_sha256 TEXT NOT NULL CHECK (length(image_sha256) = 64),"
      "  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
      ") STRICT;"
      "CREATE INDEX template_gallery ON template(gallery_id, subject);", false },
    { 5, "audit runs, findings and article outcomes",
      /* One row per audit run, keyed on its run row; what was audited
       * (scenario hash), with which rules and calendar, as of when. */
      "CREATE TABLE audit_run ("
      "  run_id           INTEGER PRIMARY KEY REFERENCES run(id) ON DELETE CASCADE,"
      "  scenario_id      TEXT,"
      "  scenario_path    TEXT,"
      "  scenario_hash    TEXT NOT NULL,"
      "  rule_pack_hash   TEXT NOT NULL,"
      "  calendar_version TEXT NOT NULL,"
      "  waivers_hash     TEXT,"
      "  as_of            TEXT NOT NULL,"
      "  score            REAL NOT NULL CHECK (score BETWEEN 0 AND 100),"
      "  score_no_waivers REAL NOT NULL CHECK (score_no_waivers BETWEEN 0 AND 100),"
      "  grade            TEXT NOT NULL CHECK (grade IN ('A','B','C','D','F')),"
      "  grade_no_waivers TEXT NOT NULL CHECK (grade_no_waivers IN ('A','B','C','D','F'))"
      ") STRICT;"
      "CREATE INDEX audit_run_scenario ON audit_run(scenario_hash);"
      /* One row per rule instance; explanation is JSON (facts read, unknowns, waiver). */
      "CREATE TABLE audit_finding ("
      "  run_id      INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,"
      "  seq         INTEGER NOT NULL,"
      "  rule        TEXT NOT NULL,"
      "  article     INTEGER NOT NULL CHECK (article BETWEEN 1 AND 20),"
      "  clause      TEXT NOT NULL,"
      "  severity    TEXT NOT NULL CHECK (severity IN ('low','medium','high','critical')),"
      "  entity      TEXT,"
      "  outcome     TEXT NOT NULL CHECK (outcome IN ('pass','fail','not_applicable',"
      "              'needs_evidence','advisory','waived')),"
      "  message     TEXT,"
      "  reason      TEXT,"
      "  explanation TEXT NOT NULL DEFAULT '{}',"
      "  PRIMARY KEY (run_id, seq)"
      ") STRICT;"
      "CREATE INDEX audit_finding_rule ON audit_finding(rule, outcome);"
      "CREATE TABLE audit_article ("
      "  run_id  INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,"
      "  article INTEGER NOT NULL CHECK (article BETWEEN 1 AND 20),"
      "  outcome TEXT NOT NULL,"
      "  PRIMARY KEY (run_id, article)"
      ") STRICT;", false },
    { 6, "evaluation runs: parameters, figures, images, scores",
      /* One row per eval run (store_eval.c): what was measured and how. */
      "CREATE TABLE eval_run ("
      "  run_id          INTEGER PRIMARY KEY REFERENCES run(id) ON DELETE CASCADE,"
      "  protocol        TEXT NOT NULL CHECK (protocol IN ('verify','identify','detect')),"
      "  dataset         TEXT NOT NULL,"
      "  manifest_sha256 TEXT NOT NULL,"
      "  engine          TEXT NOT NULL,"
      "  model_sha256    TEXT NOT NULL,"
      "  seed            INTEGER NOT NULL,"
      "  threshold       REAL NOT NULL,"
      "  max_impostors   INTEGER NOT NULL,"
      "  gallery_images  INTEGER NOT NULL,"
      "  unknown_share   REAL NOT NULL,"
      "  bootstrap       INTEGER NOT NULL,"
      "  cropped         INTEGER NOT NULL,"
      "  shard_k         INTEGER NOT NULL,"
      "  shard_n         INTEGER NOT NULL,"
      "  figures         TEXT NOT NULL DEFAULT '{}'"
      ") STRICT;"
      /* Each image: its outcome (0 skipped by this shard, 1 ok, 2 failure to
       * acquire), identification role and ground-truth box count. */
      "CREATE TABLE eval_item ("
      "  run_id   INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,"
      "  idx      INTEGER NOT NULL,"
      "  path     TEXT NOT NULL,"
      "  subject  TEXT NOT NULL,"
      "  age_band TEXT NOT NULL,"
      "  sex      TEXT NOT NULL,"
      "  status   INTEGER NOT NULL CHECK (status IN (0, 1, 2)),"
      "  role     INTEGER NOT NULL,"
      "  ngt      INTEGER NOT NULL,"
      "  PRIMARY KEY (run_id, idx)"
      ") STRICT, WITHOUT ROWID;"
      /* Every comparison (g/i), search (m/n) or detection (d); score NULL
       * when the comparison failed. */
      "CREATE TABLE eval_score ("
      "  run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,"
      "  idx    INTEGER NOT NULL,"
      "  kind   TEXT NOT NULL CHECK (kind IN ('g','i','m','n','d')),"
      "  a      INTEGER NOT NULL,"
      "  b      INTEGER NOT NULL,"
      "  score  REAL,"
      "  extra  REAL,"
      "  PRIMARY KEY (run_id, idx)"
      ") STRICT, WITHOUT ROWID;", false },
    { 7, "impact-assessment records (Art. 9)",
      /* One row per generated record; immutable once saved, kept at least
       * three years (retain_until) and not deletable before then. */
      "CREATE TABLE pia_record ("
      "  id             INTEGER PRIMARY KEY,"
      "  scenario_id    TEXT NOT NULL,"
      "  scenario_path  TEXT,"
      "  scenario_hash  TEXT NOT NULL,"
      "  audit_run_id   INTEGER REFERENCES run(id) ON DELETE SET NULL,"
      "  prepared       TEXT NOT NULL CHECK (date(prepared) = prepared),"
      "  review_due     TEXT NOT NULL CHECK (date(review_due) = review_due),"
      "  retain_until   TEXT NOT NULL CHECK (retain_until >= date(prepared, '+3 years')),"
      "  format         TEXT NOT NULL CHECK (format IN ('markdown','html')),"
      "  content_sha256 TEXT NOT NULL,"
      "  content        TEXT NOT NULL,"
      "  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
      ") STRICT;"
      "CREATE INDEX pia_record_scenario ON pia_record(scenario_id);"
      "CREATE TRIGGER pia_record_immutable BEFORE UPDATE OF content, content_sha256, prepared, "
      "retain_until ON pia_record "
      "BEGIN SELECT RAISE(ABORT, 'an assessment record cannot be changed: save a new one'); END;"
      "CREATE TRIGGER pia_record_retained BEFORE DELETE ON pia_record "
      "WHEN old.retain_until > date('now') "
      "BEGIN SELECT RAISE(ABORT, 'an assessment record is kept until its retain_until date'); "
      "END;", false },
    { 8, "sealed descriptors of running evaluations (eval --resume)",
      "CREATE TABLE eval_desc ("
      "  run        INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,"
      "  sha256     TEXT NOT NULL,"
      "  status     INTEGER NOT NULL,"
      "  descriptor BLOB,"
      "  PRIMARY KEY (run, sha256)"
      ") STRICT;", false },
    { 9, "why an image failed to acquire (eval_status: 2 no face, 3 unreadable, ...)",
      "ALTER TABLE eval_item ADD COLUMN reason INTEGER NOT NULL DEFAULT 0 "
      "CHECK (reason BETWEEN 0 AND 63);", false },
    { 10, "audit findings stored per group with their entities as index ranges",
      /* store_audit.h: audit_run.entities is the scenario's entity order
       * (sites, zones, devices) as JSON runs of numbered ids; a finding row
       * with entities set stands for every entity of those index ranges
       * ("0-411,415,420-999"), its entity column NULL; count is how many. */
      "ALTER TABLE audit_run ADD COLUMN entities TEXT;"
      "ALTER TABLE audit_finding ADD COLUMN entities TEXT;"
      "ALTER TABLE audit_finding ADD COLUMN count INTEGER NOT NULL DEFAULT 1 "
      "CHECK (count >= 1);", false },
    { 11, "portfolio runs: one row per handler",
      /* The run table rebuilt to admit kind 'portfolio' (foreign keys off,
       * SQLite's 12-step procedure: the columns as migration 1 made them). */
      "CREATE TABLE run_new ("
      "  id          INTEGER PRIMARY KEY,"
      "  kind        TEXT NOT NULL"
      "              CHECK (kind IN ('audit','eval','simulation','replay','portfolio')),"
      "  name        TEXT,"
      "  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
      "  finished_at TEXT,"
      "  status      TEXT NOT NULL DEFAULT 'running'"
      "              CHECK (status IN ('running','complete','failed')),"
      "  software    TEXT NOT NULL,"
      "  params      TEXT NOT NULL DEFAULT '{}',"
      "  summary     TEXT NOT NULL DEFAULT '{}'"
      ") STRICT;"
      "INSERT INTO run_new(id, kind, name, created_at, finished_at, status, software, params, "
      "summary) SELECT id, kind, name, created_at, finished_at, status, software, params, "
      "summary FROM run;"
      "DROP TABLE run;"
      "ALTER TABLE run_new RENAME TO run;"
      "CREATE UNIQUE INDEX run_name ON run(kind, name) WHERE name IS NOT NULL;"
      "CREATE INDEX run_kind_created ON run(kind, created_at);"
      /* One row per scenario of the portfolio, in path order (seq). */
      "CREATE TABLE portfolio_row ("
      "  run_id     INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,"
      "  seq        INTEGER NOT NULL,"
      "  path       TEXT NOT NULL,"
      "  scenario   TEXT,"
      "  handler    TEXT NOT NULL,"
      "  score      REAL,"
      "  grade      TEXT,"
      "  fails_low  INTEGER NOT NULL DEFAULT 0,"
      "  fails_medium INTEGER NOT NULL DEFAULT 0,"
      "  fails_high INTEGER NOT NULL DEFAULT 0,"
      "  fails_critical INTEGER NOT NULL DEFAULT 0,"
      "  evidence   INTEGER NOT NULL DEFAULT 0,"
      "  filing     TEXT,"
      "  deadline   TEXT CHECK (deadline IS NULL OR date(deadline) = deadline),"
      "  as_of      TEXT CHECK (as_of IS NULL OR date(as_of) = as_of),"
      "  error      TEXT,"
      "  no_score   TEXT,"
      "  PRIMARY KEY (run_id, seq)"
      ") STRICT;", true },
    { 12, "face thumbnails a replay kept on request (replay --keep-thumbnails), sealed",
      /* store_thumb.h: one row per track's best shot, the RGB8 pixels sealed
       * ("FAS2", bound to run, device, date, track and size); purged on or
       * after `expires`, and with their run. */
      "CREATE TABLE thumbnail ("
      "  id       INTEGER PRIMARY KEY,"
      "  run_id   INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,"
      "  device   TEXT NOT NULL,"
      "  date     TEXT NOT NULL CHECK (date(date) = date),"
      "  track    INTEGER NOT NULL CHECK (track >= 1),"
      "  file     TEXT NOT NULL,"
      "  time     REAL NOT NULL,"
      "  width    INTEGER NOT NULL CHECK (width BETWEEN 1 AND 112),"
      "  height   INTEGER NOT NULL CHECK (height BETWEEN 1 AND 112),"
      "  expires  TEXT NOT NULL CHECK (date(expires) = expires),"
      "  sealed   BLOB NOT NULL,"
      "  UNIQUE (run_id, device, date, track)"
      ") STRICT;"
      "CREATE INDEX thumbnail_expires ON thumbnail(expires);", false },
};

const unsigned store_nmigrations = FA_NITEMS(store_migrations);
