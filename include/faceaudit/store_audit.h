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
 *
 * Grouped storage (migration 10): the run carries the scenario's entity
 * order (every site, zone and device id in scenario order), stored once as
 * runs of numbered ids ("cam-0001".."cam-1000" is one run); a finding that
 * stands for several entities lists their indexes in that order (stored as
 * ranges, "0-411,415,420-999") instead of one row per entity. Its message
 * may hold STORE_AUDIT_ID_MARK where each entity's own id goes. An
 * engagement whose devices share their facts is thus stored in a number of
 * rows bounded by rules x outcomes and a size that grows with the number of
 * distinct rows of facts, not with the devices.
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
    const char *const *entities;  /* the scenario's entity order (grouped findings), or NULL */
    size_t nentities;
};

/* In a grouped finding's message: where each entity's own id goes. */
#define STORE_AUDIT_ID_MARK "\x1f"

struct store_audit_finding {
    const char *rule;
    int article;
    const char *clause;
    const char *severity;
    const char *entity;           /* NULL for a deployment-wide rule */
    const char *outcome;          /* pass, fail, not_applicable, needs_evidence, advisory, waived */
    const char *message;          /* may be NULL */
    const char *reason;           /* may be NULL */
    const char *explanation;      /* JSON: facts read, unknowns, waiver note (a group's: its
                                   * first entity's) */
    /* nents > 0: the entities it stands for, as nranges ascending, disjoint
     * pairs (first, last) of indexes into run->entities (entity is then not
     * stored) */
    const uint32_t *ranges;
    size_t nranges;
    size_t nents;
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

/*
 * The encodings of migration 10 (exposed for the tests and store_report.c):
 * an entity order as JSON runs of numbered ids, and ascending indexes as
 * ranges ("0-411,415,420-999"). Encoders return allocated text; decoders
 * return 0, or -1 with *cause naming what is wrong (a damaged row), and
 * allocate *ids (each id and the array: store_audit_entities_free) or *idx
 * (every index the ranges cover). Ranges are encoded from (first, last) pairs.
 */
char *store_audit_entities_encode(const char *const *ids, size_t n);
int store_audit_entities_decode(const char *text, char ***ids, size_t *n, char **cause);
void store_audit_entities_free(char **ids, size_t n);
char *store_audit_ranges_encode(const uint32_t *pairs, size_t npairs);
int store_audit_ranges_decode(const char *text, size_t nentities, uint32_t **idx, size_t *n,
    char **cause);

#endif /* FA_STORE_AUDIT_H */
