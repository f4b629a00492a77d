/* SPDX-License-Identifier: MIT */
#ifndef FA_SHA256_H
#define FA_SHA256_H
/*
 * sha256.h - SHA-256 (FIPS 180-4) for model verification, evidence
 * references, scenario and rule-pack hashes. The digest is libsodium's
 * crypto_hash_sha256 (core/sha256.c); this header does not include sodium.h,
 * so struct sha256 is opaque storage large enough for its state (checked at
 * compile time in sha256.c).
 */

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN 64

struct sha256 {
    union {
        uint64_t align;
        unsigned char bytes[128];
    } opaque;
};

void sha256_init(struct sha256 *ctx);
void sha256_update(struct sha256 *ctx, const void *data, size_t len);
void sha256_final(struct sha256 *ctx, unsigned char out[SHA256_DIGEST_LEN]);
/* Digest of a buffer as 64 lowercase hex digits plus NUL. */
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);
/* Digest of a file; returns 0, or -1 with *cause set. */
int sha256_file_hex(const char *path, char out[SHA256_HEX_LEN + 1], char **cause);
void sha256_to_hex(const unsigned char digest[SHA256_DIGEST_LEN], char out[SHA256_HEX_LEN + 1]);

#endif /* FA_SHA256_H */
