/* SPDX-License-Identifier: MIT */
#ifndef FA_STORE_AUDIT_H
#define FA_STORE_AUDIT_H
/*
 * store_audit.h - audit runs and their findings in the database (schema
 * migration 5). An audit run is one row of the common `run` table (kind
 * 'audit') plus one `audit_run` row (scenario hash, rule-pack hash, as-of
 * date, calendar version, scores) and one `audit_finding` row per rule
 * instance and one `audit_article` row per article. store_audit_save()
 * writes all of it in one transaction: a run is either complete or absent.
 *
 * The store sits below the rule engine, so these structs carry plain
 * strings; the caller (the audit command) fills them from its result. All
 * pointers are borrowed for the duration of the call.
 */

#include <stddef.h>
#include <stdint.h>

struct store;

struct store_audit_run {
    const char *software;         /* "faceaudit 0.1.0" */
    const char *scenario_id;
    const char *scenario_path;
    const char *scenario_hash;    /* SHA-256 hex */
    const char *rule_pack_hash;   /* SHA-256 hex */
    const char *calendar_version; /* SHA-256 hex of the calendar data */
    const char *waivers_hash;     /* SHA-256 hex of the waivers file, or NULL */
    const char *as_of;            /* YYYY-MM-DD */
    double score, score_no_waivers;
    char grade, grade_no_waivers;
    const char *summary;          /* JSON object with the outcome counts */
};

struct store_audit_finding {
    const char *rule;
    int article;
    const char *clause;
    const char *severity;
    const char *entity;           /* NULL for a deployment-wide rule */
    const char *outcome;          /* pass, fail, not_applicable, needs_evidence, advisory, waived */
    const char *message;          /* may be NULL */
    const char *reason;           /* may be NULL */
    const char *explanation;      /* JSON: facts read, unknowns, waiver note */
};

struct store_audit_article {
    int article;
    const char *outcome;
};

/*
 * Save one audit run in one transaction; returns the new run id, or -1 with
 * *cause set (nothing is written then).
 */
int64_t store_audit_save(struct store *st, const struct store_audit_run *run,
    const struct store_audit_finding *findings, size_t nfindings,
    const struct store_audit_article *articles, size_t narticles, char **cause);

#endif /* FA_STORE_AUDIT_H */
