/* SPDX-License-Identifier: MIT */
/*
 * store_schema.c - the schema as an ordered list of migrations keyed on
 * PRAGMA user_version. Never edit a migration that has shipped: add a new
 * one. Reserved numbers so parallel work does not collide: 2 audit runs and
 * findings, 3 galleries and templates, 4 evaluation runs, 5 simulations,
 * 6 audit log.
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
      "CREATE INDEX run_kind_created ON run(kind, created_at);" },
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
      "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;" },
    { 3, "audit runs, findings and article outcomes",
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
      ") STRICT;" },
};

const unsigned store_nmigrations = FA_NITEMS(store_migrations);
