/* SPDX-License-Identifier: MIT */
#ifndef FA_STORE_CRYPT_H
#define FA_STORE_CRYPT_H
/*
 * store_crypt.h - encryption of face templates at rest and keyed MACs for
 * the audit log (libsodium; src/store/store_crypt.c is the only file that
 * includes sodium.h).
 *
 * The key is 32 random bytes in a key file created 0600 on first use
 * ($FACEAUDIT_KEY_FILE, else <data home>/template.key), never in the
 * database. A key file readable by group or others is refused.
 *
 * Sealed record format (all in one BLOB):
 *     "FAS1" | key id (8 bytes) | nonce (24 bytes) | ciphertext | tag (16 bytes)
 * XChaCha20-Poly1305 (IETF) with a fresh random nonce per record. The
 * associated data binds the record to its place: "<table>:<record id>", so a
 * blob copied to another row or table does not open. The key id (BLAKE2b of
 * the key, keyed with a fixed context) lets unseal tell "wrong key file" from
 * "tampered record".
 *
 * Templates use the second format, "FAS2" (store_seal_ad): the same layout
 * with associated data chosen by the caller, which binds the template to its
 * gallery, subject, image hash and creation time (store_gallery.c), so
 * relabelling or moving a template in the database fails authentication.
 * "FAS1" records of older databases are re-sealed as "FAS2" the first time
 * the key is used on them (store_template_key).
 *
 * The key file must be a regular file of the user (or root), mode 0600, in a
 * folder nobody else can write. Once a database holds sealed records or log
 * entries, store_template_key() refuses a missing or different key (naming
 * both key ids) instead of creating a new one.
 *
 * Functions returning int give 0 or -1 with *cause set (caller frees).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_KEY_ID_LEN 8
#define STORE_MAC_LEN 32
#define STORE_SEAL_OVERHEAD (4 + STORE_KEY_ID_LEN + 24 + 16)

struct store_key;

/* $FACEAUDIT_KEY_FILE, else <data home>/template.key (caller frees). */
char *store_key_default_path(void);
/*
 * Load the key file at path; when it does not exist and create is true,
 * make a new random key there (mode 0600, parent folder 0700). Returns the
 * key (store_key_free) or NULL with *cause naming the file.
 */
struct store_key *store_key_load(const char *path, bool create, char **cause);
/* Wipe and free (NULL is a no-op). */
void store_key_free(struct store_key *key);
/* The key file's path (borrowed). */
const char *store_key_path(const struct store_key *key);
/* The key id as 16 hex digits (borrowed). */
const char *store_key_id(const struct store_key *key);

/*
 * Seal plain (len bytes) for row `id` of `table`. Returns a new buffer of
 * len + STORE_SEAL_OVERHEAD bytes in *out (caller frees).
 */
int store_seal(const struct store_key *key, const char *table, int64_t id, const void *plain,
    size_t len, unsigned char **out, size_t *outlen, char **cause);
/*
 * Open a sealed blob of row `id` of `table`. Distinguishes a blob that is not
 * a sealed record, one sealed with another key (names both key ids), and one
 * that fails authentication (tampered, or moved from another row).
 */
int store_unseal(const struct store_key *key, const char *table, int64_t id,
    const unsigned char *sealed, size_t len, unsigned char **out, size_t *outlen, char **cause);
/*
 * Seal plain with the caller's associated data (format "FAS2"). Returns a new
 * buffer of len + STORE_SEAL_OVERHEAD bytes in *out (caller frees).
 */
int store_seal_ad(const struct store_key *key, const void *ad, size_t adlen, const void *plain,
    size_t len, unsigned char **out, size_t *outlen, char **cause);
/*
 * Open a "FAS2" record with the same associated data; `what` names the record
 * in errors ("template 12"). An old "FAS1" record is refused here.
 */
int store_unseal_ad(const struct store_key *key, const char *what, const void *ad, size_t adlen,
    const unsigned char *sealed, size_t len, unsigned char **out, size_t *outlen, char **cause);
/* Key id (16 hex digits) a sealed record names; -1 if it is no sealed record. */
int store_sealed_key_id(const unsigned char *sealed, size_t len,
    char out[2 * STORE_KEY_ID_LEN + 1]);
/* nbytes (<= 32) random bytes as 2 * nbytes hex digits and a NUL into out. */
void store_random_hex(char *out, size_t nbytes);

struct store;
/*
 * The template key of this database (borrowed; freed with the store), loaded
 * once from store_key_default_path(). A missing key file is created only when
 * create is true and the database holds no sealed record, no audit-log entry
 * and no recorded key id; a key whose id differs from the one the database
 * recorded is refused with both ids. On first use it re-seals old "FAS1"
 * templates with their binding (logged). NULL with *cause.
 */
struct store_key *store_template_key(struct store *st, bool create, char **cause);

/* Keyed MAC (BLAKE2b-256 with a subkey derived for the audit log). */
void store_mac(const struct store_key *key, const void *data, size_t len,
    unsigned char out[STORE_MAC_LEN]);

#endif /* FA_STORE_CRYPT_H */
