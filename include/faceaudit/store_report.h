/* SPDX-License-Identifier: MIT */
#ifndef FA_STORE_REPORT_H
#define FA_STORE_REPORT_H
/*
 * store_report.h - what reports keep and read back: impact-assessment
 * records (the pia_record table, this module's migration) and stored audit
 * runs loaded for diffs and baselines (the audit tables of the rule
 * engine's migration, read only).
 *
 * A PIA record is immutable once saved (a trigger refuses updates of its
 * content and hash) and cannot be deleted before its retain-until date,
 * which must be at least three years after the date it was prepared.
 *
 * Run references: a run id ("12"), a run name, "latest" or "latest~N" (the
 * Nth complete audit before the latest). Returned objects belong to the
 * caller; -1 or NULL with *cause on error.
 */

#include <stddef.h>
#include <stdint.h>

struct store;

struct store_pia {
    int64_t id;
    char *scenario_id;
    char *scenario_path;
    char *scenario_hash;
    int64_t audit_run;     /* 0: no audit */
    char *prepared;        /* YYYY-MM-DD */
    char *review_due;      /* YYYY-MM-DD */
    char *retain_until;    /* YYYY-MM-DD */
    char *format;          /* markdown, html */
    char *sha256;          /* of content */
    char *created_at;
};

/*
 * Save a record (all fields but id and created_at read from p) with its
 * content, in one transaction; returns the new id or -1 with *cause.
 */
int64_t store_pia_save(struct store *st, const struct store_pia *p, const char *content,
    char **cause);
/* Every record, oldest first; *out (caller frees with store_pia_list_free). */
int store_pia_list(struct store *st, struct store_pia **out, size_t *n, char **cause);
void store_pia_list_free(struct store_pia *p, size_t n);
/* The stored content of record id (caller frees), its hash checked; NULL with *cause. */
char *store_pia_content(struct store *st, int64_t id, char **cause);

struct store_audit_row {
    char *rule, *entity, *clause, *severity, *outcome, *message;
    int article;
    /* a grouped row (migration 10): the entities it stands for, indexes into
     * store_audit_loaded.entities; entity is NULL and message may hold
     * STORE_AUDIT_ID_MARK (store_audit_row_message) */
    uint32_t *ents;
    size_t nents;
};

struct store_audit_loaded {
    int64_t run_id;
    char *name;            /* NULL when unnamed */
    char *created_at;
    char *scenario_id;
    char *scenario_path;
    char *scenario_hash;
    char *rule_pack_hash;
    char *as_of;
    double score, score_no_waivers;
    char grade, grade_no_waivers;
    struct store_audit_row *rows;
    size_t nrows;
    char **entities;       /* the scenario's entity order (grouped rows), or NULL */
    size_t nentities;
    size_t ninstances;     /* rule instances the rows stand for (a grouped row counts each) */
};

/* Resolve ref to a complete audit run id; -1 with *cause (with the choices). */
int64_t store_audit_resolve(struct store *st, const char *ref, char **cause);
/* Load a complete audit run and its findings in stored order. */
struct store_audit_loaded *store_audit_load(struct store *st, const char *ref, char **cause);
void store_audit_loaded_free(struct store_audit_loaded *a);
/* Row r's message for its entity (the marks replaced by it); allocated, or NULL. */
char *store_audit_row_message(const struct store_audit_row *r, const char *entity);

#endif /* FA_STORE_REPORT_H */
