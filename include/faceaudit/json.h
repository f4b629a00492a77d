/* SPDX-License-Identifier: MIT */
#ifndef FA_JSON_H
#define FA_JSON_H
/*
 * json.h - a small strict JSON reader (RFC 8259: no comments, no trailing
 * commas) with line and column for every value, for the tfjs weight
 * manifests and for reading faceaudit's own JSON results back (diff).
 * json_parse() returns a tree the caller frees with json_free(); strings
 * and children are owned by the tree. Nothing here prints.
 */

#include <stdbool.h>
#include <stddef.h>

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

#endif /* FA_JSON_H */
