/* SPDX-License-Identifier: MIT */
#ifndef FA_RECOG_INT_H
#define FA_RECOG_INT_H
/*
 * recog_int.h - helpers private to src/recog/: the strict JSON reader used
 * for tfjs weight manifests, and the network builders' common pieces.
 */

#include <stdbool.h>
#include <stddef.h>

#include "faceaudit/cnn.h"

/*
 * FA_HOT marks the inner loops of the inference core (depthwise convs,
 * im2col, epilogues, pooling, resizing): GCC compiles them with the
 * vectoriser on (optimize O3) and twice, for the x86-64 baseline and for
 * x86-64-v3 (AVX2 + FMA), choosing at load time by the CPU (function
 * multi-versioning through an ifunc). Elsewhere it is a no-op. No
 * -ffast-math semantics are involved: results stay IEEE, FMA contraction
 * only changes the last bits (the reference itself sums in another order).
 */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(FA_NO_MULTIVERSION)
#define FA_HOT __attribute__((target_clones("arch=x86-64-v3", "default"), optimize("O3")))
#else
#define FA_HOT
#endif

/* ---- strict JSON (RFC 8259; no comments, no trailing commas) ---------------- */

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
    enum json_type type;
    int line; /* where the value starts, 1-based */
    int col;
    bool b;
    double num;
    char *str;           /* JSON_STRING: UTF-8, NUL-terminated (may contain no NUL) */
    size_t n;            /* array/object: number of items */
    struct json **items; /* array/object items */
    char **keys;         /* object keys, parallel to items */
};

/*
 * Parse a whole document; errors read "file:line:col: message". Returns a
 * new tree (json_free) or NULL with *cause.
 */
struct json *json_parse(const char *text, size_t len, const char *file, char **cause);
void json_free(struct json *j);
/* Member of an object by key, or NULL (borrowed). */
const struct json *json_get(const struct json *obj, const char *key);
/* Name of a type ("object", ...). */
const char *json_type_name(enum json_type t);

/* ---- network internals ----------------------------------------------------------- */

/* Look up a tensor by name and check its shape (ndim values, -1 = any); NULL with *cause. */
const float *net_param(const struct cnn_weights *w, const char *name, int ndim, const int *shape,
    char **cause);

#endif /* FA_RECOG_INT_H */
