/* SPDX-License-Identifier: MIT */
/*
 * sha256.c - SHA-256 (FIPS 180-4) from libsodium's crypto_hash_sha256, behind
 * faceaudit's streaming API, plus hex and whole-file helpers.
 *
 * libsodium is the library; we keep no hash code of our own. This file and
 * store/store_crypt.c are the two sodium.h includers (tests/lint/layering.sh):
 * the store's sealing and MACs stay in store_crypt.c, which is being reworked
 * (doc/SECURITY.md); the intent is that further libsodium calls go through
 * core wrappers here so that sodium.h ends up in core only.
 */
#include "config.h"

#include "faceaudit/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "faceaudit/log.h"

_Static_assert(sizeof(crypto_hash_sha256_state) <= sizeof(((struct sha256 *)0)->opaque),
    "struct sha256 is too small for libsodium's state");
_Static_assert(_Alignof(crypto_hash_sha256_state) <= _Alignof(uint64_t),
    "struct sha256 is not aligned enough for libsodium's state");

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;

static void
sodium_start(void)
{
    if (sodium_init() < 0)
        fatalx("libsodium failed to initialise");
}

static crypto_hash_sha256_state *
state(struct sha256 *ctx)
{
    return (crypto_hash_sha256_state *)(void *)ctx->opaque.bytes;
}

void
sha256_init(struct sha256 *ctx)
{
    pthread_once(&sodium_once, sodium_start);
    crypto_hash_sha256_init(state(ctx));
}

void
sha256_update(struct sha256 *ctx, const void *data, size_t len)
{
    crypto_hash_sha256_update(state(ctx), data, len);
}

void
sha256_final(struct sha256 *ctx, unsigned char out[SHA256_DIGEST_LEN])
{
    crypto_hash_sha256_final(state(ctx), out);
}

void
sha256_to_hex(const unsigned char digest[SHA256_DIGEST_LEN], char out[SHA256_HEX_LEN + 1])
{
    sodium_bin2hex(out, SHA256_HEX_LEN + 1, digest, SHA256_DIGEST_LEN);
}

void
sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1])
{
    unsigned char digest[SHA256_DIGEST_LEN];

    pthread_once(&sodium_once, sodium_start);
    crypto_hash_sha256(digest, data, len);
    sha256_to_hex(digest, out);
}

int
sha256_file_hex(const char *path, char out[SHA256_HEX_LEN + 1], char **cause)
{
    struct sha256 ctx;
    unsigned char buf[65536], digest[SHA256_DIGEST_LEN];
    ssize_t n;
    int fd;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
        return cause_set(cause, "%s: %s", path, strerror(errno));
    sha256_init(&ctx);
    while ((n = read(fd, buf, sizeof buf)) != 0) {
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1) {
            int saved = errno;

            close(fd);
            return cause_set(cause, "%s: read: %s", path, strerror(saved));
        }
        sha256_update(&ctx, buf, (size_t)n);
    }
    close(fd);
    sha256_final(&ctx, digest);
    sha256_to_hex(digest, out);
    return 0;
}
