/* SPDX-License-Identifier: MIT */
#ifndef FA_STORE_LOG_H
#define FA_STORE_LOG_H
/*
 * store_log.h - the append-only audit log (Art. 9, 14: who touched which
 * face templates, when, with which command).
 *
 * Every enrolment, identification, export and purge appends one entry:
 * time (UTC), user, command, action, object, detail. Entry n carries
 * mac_n = BLAKE2b-256_k(mac_{n-1} || fields of n), keyed with a subkey of the
 * template key (store_crypt.h), so someone holding the database but not the
 * key cannot rewrite an entry, delete one from the middle, or re-chain the
 * rest. Ids run 1, 2, 3 ... without gaps. SQLite triggers refuse UPDATE and
 * DELETE on the table; store_log_verify() catches edits made around them.
 * Every field is stored with control characters escaped (store_log_escape).
 *
 * The anchor: after each commit that appended entries, the count and head
 * MAC are written (MACed, atomically) to "<key file>.loghead", one line per
 * database (meta db_id), beside the key and away from the database, so
 * cutting entries from the end is detected by store_log_verify() as long as
 * that file is kept. A head recorded elsewhere can be checked too (--head).
 * Verification also opens every stored template's seal and checks that its
 * enrolment is in the log: deleting the whole log does not verify; and it
 * opens every kept face thumbnail's seal (store_thumb.h).
 */

#include <stdbool.h>
#include <stdint.h>

#include "faceaudit/store.h"
#include "faceaudit/store_crypt.h"

struct store_log_entry {
    int64_t id;
    const char *at;      /* YYYY-MM-DDTHH:MM:SSZ */
    const char *user;
    const char *command; /* e.g. "enroll" */
    const char *action;  /* enrol, identify, export, purge, ... */
    const char *object;  /* e.g. "gallery:staff" */
    const char *detail;  /* free text, may be "" */
};

struct store_log_report {
    int64_t entries;
    int64_t templates;           /* templates checked (seal and enrolment entry) */
    int64_t thumbnails;          /* kept face thumbnails whose seal opened */
    bool anchored;               /* an anchor line was found for this database */
    int64_t anchor_count;        /* entries it records */
    int64_t bad_id;              /* first entry that fails, 0 if none */
    char head[2 * STORE_MAC_LEN + 1]; /* MAC of the newest entry, hex ("" if empty) */
};

/*
 * Append an entry (inside the caller's transaction if one is open, else in
 * its own). The user is $FACEAUDIT_USER, else the login name.
 */
int store_log_append(struct store *st, const struct store_key *key, const char *command,
    const char *action, const char *object, const char *detail, char **cause);
/*
 * Walk the whole log, then check the anchor, the head the caller recorded
 * (want_head, NULL for none: the log must end in it exactly) and every
 * stored template. Returns 0 when everything checks, 1 when something does
 * not (*cause names the entry or template and what is wrong; report->bad_id
 * is set for entries), -1 on errors, including a key other than the one the
 * database recorded ("wrong key", both ids).
 */
int store_log_verify(struct store *st, const struct store_key *key, const char *want_head,
    struct store_log_report *report, char **cause);
/* s with control characters as \n \r \t \xNN and backslashes doubled (caller frees). */
char *store_log_escape(const char *s);
/*
 * Call fn for the newest `limit` entries (all if limit <= 0), oldest first;
 * control characters in the fields are shown escaped.
 */
int store_log_each(struct store *st, int64_t limit,
    void (*fn)(const struct store_log_entry *e, void *arg), void *arg, char **cause);

#endif /* FA_STORE_LOG_H */
