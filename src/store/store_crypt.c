/* SPDX-License-Identifier: MIT */
/*
 * store_crypt.c - the template key file, XChaCha20-Poly1305 sealing of
 * records bound to their row, and keyed BLAKE2b MACs for the audit log.
 */
#include "config.h"

#include "faceaudit/store_crypt.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

#define SEAL_MAGIC "FAS1"    /* associated data "<table>:<row id>" */
#define SEAL_MAGIC_AD "FAS2" /* associated data given by the caller (store_seal_ad) */
#define KEY_LEN crypto_aead_xchacha20poly1305_ietf_KEYBYTES

struct store_key {
    unsigned char key[KEY_LEN];
    unsigned char mac_key[crypto_generichash_KEYBYTES];
    unsigned char id[STORE_KEY_ID_LEN];
    char id_hex[2 * STORE_KEY_ID_LEN + 1];
    char *path; /* the key file (its anchor file sits beside it) */
};

static int
crypt_init(char **cause)
{
    if (sodium_init() < 0)
        return cause_set(cause, "libsodium failed to initialise");
    return 0;
}

char *
store_key_default_path(void)
{
    const char *env = getenv("FACEAUDIT_KEY_FILE");
    char *home, *path;

    if (env != NULL && *env != '\0')
        return xstrdup(env);
    home = path_data_home();
    path = path_join(home, "template.key");
    free(home);
    return path;
}

static void
key_derive(struct store_key *k)
{
    static const unsigned char id_ctx[] = "faceaudit key id v1";

    /* Subkeys so the encryption key itself is never used for anything else. */
    crypto_kdf_derive_from_key(k->mac_key, sizeof k->mac_key, 1, "FAlogmac", k->key);
    crypto_generichash(k->id, sizeof k->id, id_ctx, sizeof id_ctx - 1, k->key, sizeof k->key);
    sodium_bin2hex(k->id_hex, sizeof k->id_hex, k->id, sizeof k->id);
}

static int
key_create(const char *path, char **cause)
{
    unsigned char key[KEY_LEN];
    char *dir = xstrdup(path), *slash;
    int fd, rc = 0;

    if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
        *slash = '\0';
        if (!fs_is_dir(dir) && fs_mkdir_p(dir, 0700, cause) == -1) {
            free(dir);
            return -1;
        }
    }
    free(dir);
    randombytes_buf(key, sizeof key);
    /* O_EXCL: never overwrite a key someone else just created. */
    if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1) {
        sodium_memzero(key, sizeof key);
        return errno == EEXIST ? 0 : cause_set(cause, "key file %s: %s", path, strerror(errno));
    }
    if (write(fd, key, sizeof key) != (ssize_t)sizeof key || fsync(fd) == -1)
        rc = cause_set(cause, "key file %s: %s", path, strerror(errno));
    close(fd);
    sodium_memzero(key, sizeof key);
    if (rc == -1)
        unlink(path);
    return rc;
}

/*
 * The key file must be the user's (or root's) and its folder writable by
 * nobody else: whoever can replace the file or the folder's entries can make
 * faceaudit seal new templates under a key they know.
 */
static int
key_check_owner(const char *path, const struct stat *st, char **cause)
{
    struct stat dst;
    char *dir = xstrdup(path), *slash;
    int rc = 0;

    if (st->st_uid != geteuid() && st->st_uid != 0)
        rc = cause_set(cause, "key file %s is owned by uid %u, not by you (uid %u) or root: "
            "refusing a key someone else controls", path, (unsigned)st->st_uid,
            (unsigned)geteuid());
    slash = strrchr(dir, '/');
    if (rc == 0 && slash != NULL) {
        if (slash == dir)
            slash[1] = '\0';
        else
            *slash = '\0';
    }
    if (rc == 0 && stat(slash != NULL ? dir : ".", &dst) == 0 &&
        (dst.st_mode & (S_IWGRP | S_IWOTH)) != 0)
        rc = cause_set(cause, "key file %s is in a folder writable by others (mode %03o): "
            "move it to a folder only you can write (chmod 700 %s)", path,
            (unsigned)(dst.st_mode & 0777), slash != NULL ? dir : ".");
    free(dir);
    return rc;
}

struct store_key *
store_key_load(const char *path, bool create, char **cause)
{
    struct store_key *k;
    struct stat st;
    ssize_t n;
    int fd;

    if (crypt_init(cause) == -1)
        return NULL;
    if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
        if (errno != ENOENT || !create) {
            cause_set(cause, "key file %s: %s%s", path, strerror(errno),
                errno == ENOENT ? " (templates cannot be read without the key that sealed "
                "them; set FACEAUDIT_KEY_FILE)" : "");
            return NULL;
        }
        if (key_create(path, cause) == -1)
            return NULL;
        if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
            cause_set(cause, "key file %s: %s", path, strerror(errno));
            return NULL;
        }
    }
    /* checks on the open file, not the path: nothing can swap it in between */
    if (fstat(fd, &st) == -1) {
        cause_set(cause, "key file %s: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        cause_set(cause, "key file %s is not a regular file", path);
        close(fd);
        return NULL;
    }
    if ((st.st_mode & 077) != 0) {
        cause_set(cause, "key file %s has mode %03o: readable by others; run chmod 600 %s",
            path, (unsigned)(st.st_mode & 0777), path);
        close(fd);
        return NULL;
    }
    if (key_check_owner(path, &st, cause) == -1) {
        close(fd);
        return NULL;
    }
    if (st.st_size != KEY_LEN) {
        cause_set(cause, "key file %s is %jd bytes, expected %d", path, (intmax_t)st.st_size,
            KEY_LEN);
        close(fd);
        return NULL;
    }
    k = sodium_malloc(sizeof *k);
    if (k == NULL)
        fatalx("sodium_malloc: out of memory");
    n = read(fd, k->key, sizeof k->key);
    close(fd);
    k->path = NULL;
    if (n != (ssize_t)sizeof k->key) {
        store_key_free(k);
        cause_set(cause, "key file %s: short read", path);
        return NULL;
    }
    key_derive(k);
    k->path = xstrdup(path);
    return k;
}

void
store_key_free(struct store_key *key)
{
    if (key != NULL) {
        free(key->path);
        sodium_free(key); /* zeroes the guarded allocation */
    }
}

const char *
store_key_path(const struct store_key *key)
{
    return key->path;
}

const char *
store_key_id(const struct store_key *key)
{
    return key->id_hex;
}

static char *
seal_ad(const char *table, int64_t id, size_t *len)
{
    char *ad = xasprintf("%s:%lld", table, (long long)id);

    *len = strlen(ad);
    return ad;
}

int
store_seal(const struct store_key *key, const char *table, int64_t id, const void *plain,
    size_t len, unsigned char **out, size_t *outlen, char **cause)
{
    unsigned char *buf, *nonce;
    unsigned long long clen;
    size_t adlen;
    char *ad;

    if (len > ((size_t)1 << 30))
        return cause_set(cause, "%s:%lld: record of %zu bytes is too large to seal", table,
            (long long)id, len);
    buf = xmalloc(len + STORE_SEAL_OVERHEAD);
    memcpy(buf, SEAL_MAGIC, 4);
    memcpy(buf + 4, key->id, STORE_KEY_ID_LEN);
    nonce = buf + 4 + STORE_KEY_ID_LEN;
    randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    ad = seal_ad(table, id, &adlen);
    crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + 24, &clen, plain, len,
        (const unsigned char *)ad, adlen, NULL, nonce, key->key);
    free(ad);
    *out = buf;
    *outlen = 4 + STORE_KEY_ID_LEN + 24 + (size_t)clen;
    return 0;
}

int
store_unseal(const struct store_key *key, const char *table, int64_t id,
    const unsigned char *sealed, size_t len, unsigned char **out, size_t *outlen, char **cause)
{
    unsigned long long plen;
    unsigned char *buf;
    size_t adlen;
    char *ad, other[2 * STORE_KEY_ID_LEN + 1];
    int rc;

    if (len < STORE_SEAL_OVERHEAD || memcmp(sealed, SEAL_MAGIC, 4) != 0)
        return cause_set(cause, "%s row %lld: not an encrypted record (was it written by "
            "another program?)", table, (long long)id);
    if (memcmp(sealed + 4, key->id, STORE_KEY_ID_LEN) != 0) {
        sodium_bin2hex(other, sizeof other, sealed + 4, STORE_KEY_ID_LEN);
        return cause_set(cause, "%s row %lld was sealed with key %s but the key file holds key "
            "%s: wrong key file (FACEAUDIT_KEY_FILE)", table, (long long)id, other, key->id_hex);
    }
    buf = xmalloc(len - STORE_SEAL_OVERHEAD + 1);
    ad = seal_ad(table, id, &adlen);
    rc = crypto_aead_xchacha20poly1305_ietf_decrypt(buf, &plen, NULL,
        sealed + 4 + STORE_KEY_ID_LEN + 24, len - 4 - STORE_KEY_ID_LEN - 24,
        (const unsigned char *)ad, adlen, sealed + 4 + STORE_KEY_ID_LEN, key->key);
    free(ad);
    if (rc != 0) {
        free(buf);
        return cause_set(cause, "%s row %lld failed authentication: the record was modified "
            "or moved from another row", table, (long long)id);
    }
    *out = buf;
    *outlen = (size_t)plen;
    return 0;
}

int
store_seal_ad(const struct store_key *key, const void *ad, size_t adlen, const void *plain,
    size_t len, unsigned char **out, size_t *outlen, char **cause)
{
    unsigned char *buf, *nonce;
    unsigned long long clen;

    if (len > ((size_t)1 << 30))
        return cause_set(cause, "record of %zu bytes is too large to seal", len);
    buf = xmalloc(len + STORE_SEAL_OVERHEAD);
    memcpy(buf, SEAL_MAGIC_AD, 4);
    memcpy(buf + 4, key->id, STORE_KEY_ID_LEN);
    nonce = buf + 4 + STORE_KEY_ID_LEN;
    randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + 24, &clen, plain, len, ad, adlen, NULL,
        nonce, key->key);
    *out = buf;
    *outlen = 4 + STORE_KEY_ID_LEN + 24 + (size_t)clen;
    return 0;
}

int
store_unseal_ad(const struct store_key *key, const char *what, const void *ad, size_t adlen,
    const unsigned char *sealed, size_t len, unsigned char **out, size_t *outlen, char **cause)
{
    unsigned long long plen;
    unsigned char *buf;
    char other[2 * STORE_KEY_ID_LEN + 1];

    if (len >= STORE_SEAL_OVERHEAD && memcmp(sealed, SEAL_MAGIC, 4) == 0)
        return cause_set(cause, "%s is sealed in the old format (bound to its row only) in a "
            "database whose records were all re-sealed: it was copied in from elsewhere", what);
    if (len < STORE_SEAL_OVERHEAD || memcmp(sealed, SEAL_MAGIC_AD, 4) != 0)
        return cause_set(cause, "%s: not an encrypted record (was it written by another "
            "program?)", what);
    if (memcmp(sealed + 4, key->id, STORE_KEY_ID_LEN) != 0) {
        sodium_bin2hex(other, sizeof other, sealed + 4, STORE_KEY_ID_LEN);
        return cause_set(cause, "%s was sealed with key %s but the key file holds key %s: "
            "wrong key file (FACEAUDIT_KEY_FILE)", what, other, key->id_hex);
    }
    buf = xmalloc(len - STORE_SEAL_OVERHEAD + 1);
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(buf, &plen, NULL,
            sealed + 4 + STORE_KEY_ID_LEN + 24, len - 4 - STORE_KEY_ID_LEN - 24, ad, adlen,
            sealed + 4 + STORE_KEY_ID_LEN, key->key) != 0) {
        free(buf);
        return cause_set(cause, "%s failed authentication: the record or the data bound to it "
            "was modified, or it was moved from another row", what);
    }
    *out = buf;
    *outlen = (size_t)plen;
    return 0;
}

int
store_sealed_key_id(const unsigned char *sealed, size_t len, char out[2 * STORE_KEY_ID_LEN + 1])
{
    if (len < STORE_SEAL_OVERHEAD || (memcmp(sealed, SEAL_MAGIC, 4) != 0 &&
            memcmp(sealed, SEAL_MAGIC_AD, 4) != 0))
        return -1;
    sodium_bin2hex(out, 2 * STORE_KEY_ID_LEN + 1, sealed + 4, STORE_KEY_ID_LEN);
    return 0;
}

void
store_random_hex(char *out, size_t nbytes)
{
    unsigned char b[32];

    if (nbytes > sizeof b)
        nbytes = sizeof b;
    if (sodium_init() < 0)
        fatalx("libsodium failed to initialise");
    randombytes_buf(b, nbytes);
    sodium_bin2hex(out, 2 * nbytes + 1, b, nbytes);
}

void
store_mac(const struct store_key *key, const void *data, size_t len,
    unsigned char out[STORE_MAC_LEN])
{
    crypto_generichash(out, STORE_MAC_LEN, data, len, key->mac_key, sizeof key->mac_key);
}
