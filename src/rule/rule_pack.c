/* SPDX-License-Identifier: MIT */
/*
 * rule_pack.c - the rule pack as a whole: loading a folder, a file or a
 * string (lex, parse, check), its hash, freeing it, and the selection of
 * contested readings. The top of src/rule/'s load path: it calls the lexer,
 * parser and checker, none of which calls back into it (the AST and its
 * accessors are rule_ast.c's).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rule/rule_int.h"

#include "faceaudit/calendar.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/log.h"
#include "faceaudit/sha256.h"
#include "faceaudit/xmalloc.h"

static void
free_rule_item(void *p)
{
    rule_free(p);
}

static void
free_clause(void *p)
{
    struct rule_clause *c = p;

    free(c->id);
    free(c->text);
    free(c);
}

static struct rule_pack *
pack_new(void)
{
    struct rule_pack *pack = xcalloc(1, sizeof *pack);

    vec_init(&pack->files, free);
    vec_init(&pack->rules, free_rule_item);
    vec_init(&pack->clauses, free_clause);
    vec_init(&pack->strings, free);
    vec_init(&pack->readings, rule_reading_free);
    hash_init(&pack->used, NULL);
    return pack;
}

/* Free a pack (NULL is a no-op). */
void
rule_pack_free(struct rule_pack *pack)
{
    if (pack == NULL)
        return;
    vec_done(&pack->rules);
    vec_done(&pack->clauses);
    vec_done(&pack->strings);
    vec_done(&pack->files);
    hash_done(&pack->used);
    vec_done(&pack->readings);
    for (size_t i = 0; i < pack->nscopes; i++) {
        rule_expr_free(pack->scopes[i].e);
        free(pack->scopes[i].label);
    }
    free(pack->scopes);
    free(pack->hash);
    free(pack->files_hash);
    free(pack);
}

static int
add_text(struct rule_pack *pack, struct sha256 *h, const char *name, const char *text,
    size_t len, char **cause)
{
    char *file = xstrdup(name);
    struct token *toks;
    size_t ntok;
    int rc;

    vec_push(&pack->files, file);
    sha256_update(h, name, strlen(name) + 1);
    sha256_update(h, text, len);
    if ((toks = rule_lex(file, text, len, &ntok, cause)) == NULL)
        return -1;
    rc = rule_parse(pack, file, toks, ntok, cause);
    rule_tokens_free(toks, ntok);
    return rc;
}

static int
finish(struct rule_pack *pack, struct sha256 *h, char **cause)
{
    unsigned char d[SHA256_DIGEST_LEN];

    pack->hash = xmalloc(SHA256_HEX_LEN + 1);
    sha256_final(h, d);
    sha256_to_hex(d, pack->hash);
    return rule_check(pack, cause);
}

/* Load one pack from a string (tests); name stands for the file name. */
struct rule_pack *
rule_pack_load_string(const char *name, const char *text, char **cause)
{
    struct rule_pack *pack = pack_new();
    struct sha256 h;

    sha256_init(&h);
    if (add_text(pack, &h, name, text, strlen(text), cause) != 0 ||
        finish(pack, &h, cause) != 0) {
        rule_pack_free(pack);
        return NULL;
    }
    return pack;
}

static int
load_file(struct rule_pack *pack, struct sha256 *h, const char *path, char **cause)
{
    size_t len;
    char *text = fs_read_file(path, RULE_MAX_FILE_SIZE, &len, cause);
    int rc;

    if (text == NULL)
        return -1;
    if (memchr(text, '\0', len) != NULL) {
        free(text);
        return cause_set(cause, "%s: binary data (NUL byte) in a rule file", path);
    }
    rc = add_text(pack, h, path, text, len, cause);
    free(text);
    return rc;
}

/* Load and check one rule file. */
struct rule_pack *
rule_pack_load_file(const char *path, char **cause)
{
    struct rule_pack *pack = pack_new();
    struct sha256 h;

    sha256_init(&h);
    if (load_file(pack, &h, path, cause) != 0 || finish(pack, &h, cause) != 0) {
        rule_pack_free(pack);
        return NULL;
    }
    return pack;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
rule_pack_load_with_calendar(const char *dir, struct rule_pack **pack, struct calendar **cal,
    char **cause)
{
    return rule_pack_load_with_readings(dir, NULL, 0, pack, cal, cause);
}

/* The same, then every "NAME=ALT" of readings selected (see rule.h). */
int
rule_pack_load_with_readings(const char *dir, const char *const *readings, size_t nreadings,
    struct rule_pack **pack, struct calendar **cal, char **cause)
{
    char *rdir = dir != NULL ? xstrdup(dir) : path_rules_dir();
    char *cdir = path_join(rdir, "calendar");
    size_t i;
    int rc = 0;

    *cal = NULL;
    if ((*pack = rule_pack_load(rdir, cause)) == NULL)
        rc = -1;
    for (i = 0; rc == 0 && i < nreadings; i++)
        rc = rule_pack_select_reading(*pack, readings[i], cause);
    if (rc == 0 && (*cal = calendar_load(cdir, cause)) == NULL)
        rc = -1;
    if (rc != 0) {
        rule_pack_free(*pack);
        *pack = NULL;
    }
    free(cdir);
    free(rdir);
    return rc;
}

/* Load and check every aNN-*.rule file of dir, in name order. */
struct rule_pack *
rule_pack_load(const char *dir, char **cause)
{
    struct rule_pack *pack;
    struct vec names;
    struct dirent *de;
    struct sha256 h;
    DIR *d = opendir(dir);
    size_t i;

    if (d == NULL) {
        cause_set(cause, "%s: cannot open the rules folder: %s", dir, strerror(errno));
        return NULL;
    }
    vec_init(&names, free);
    while ((de = readdir(d)) != NULL) {
        const char *n = de->d_name;

        if (n[0] == 'a' && n[1] >= '0' && n[1] <= '9' && n[2] >= '0' && n[2] <= '9' &&
            n[3] == '-' && str_has_suffix(n, ".rule"))
            vec_push(&names, xstrdup(n));
    }
    closedir(d);
    if (names.len == 0) {
        vec_done(&names);
        cause_set(cause, "%s: no aNN-*.rule files (is this the rules folder?)", dir);
        return NULL;
    }
    vec_sort(&names, cmp_str);
    pack = pack_new();
    sha256_init(&h);
    for (i = 0; i < names.len; i++) {
        const char *n = vec_get(&names, i);
        char *path = path_join(dir, n);
        int want = atoi(n + 1), rc;

        rc = load_file(pack, &h, path, cause);
        if (rc == 0 && (want < 1 || want > RULE_NARTICLES ||
            !pack->articles[want].present ||
            strcmp(pack->articles[want].info.file, path) != 0))
            rc = cause_set(cause, "%s: the file name says article %d but the file defines "
                "another", path, want);
        free(path);
        if (rc != 0) {
            vec_done(&names);
            rule_pack_free(pack);
            return NULL;
        }
    }
    vec_done(&names);
    if (finish(pack, &h, cause) != 0) {
        rule_pack_free(pack);
        return NULL;
    }
    return pack;
}

/* Hex SHA-256 over file names and contents (borrowed). */
const char *
rule_pack_hash(const struct rule_pack *pack)
{
    return pack->hash;
}

/*
 * The pack hash identifies what an audit applied: the files, then every
 * reading whose alternative is not the literal one ("NAME=ALT\n").
 */
static void
rehash(struct rule_pack *pack)
{
    unsigned char d[SHA256_DIGEST_LEN];
    struct sha256 h;
    size_t i, n = 0;

    if (pack->files_hash == NULL)
        pack->files_hash = xstrdup(pack->hash);
    for (i = 0; i < pack->readings.len; i++)
        n += ((const struct rule_reading_def *)vec_get(&pack->readings, i))->selected != 0;
    if (n == 0) {  /* every reading literal: the files alone */
        memcpy(pack->hash, pack->files_hash, SHA256_HEX_LEN + 1);
        return;
    }
    sha256_init(&h);
    sha256_update(&h, pack->files_hash, strlen(pack->files_hash));
    for (i = 0; i < pack->readings.len; i++) {
        const struct rule_reading_def *rd = vec_get(&pack->readings, i);

        if (rd->selected == 0)
            continue;
        sha256_update(&h, "\n", 1);
        sha256_update(&h, rd->name, strlen(rd->name));
        sha256_update(&h, "=", 1);
        sha256_update(&h, rd->alts[rd->selected], strlen(rd->alts[rd->selected]));
    }
    sha256_final(&h, d);
    sha256_to_hex(d, pack->hash);
}

/* Select an alternative: spec is "NAME=ALT" (see rule.h). */
int
rule_pack_select_reading(struct rule_pack *pack, const char *spec, char **cause)
{
    const char *eq = strchr(spec, '=');
    struct rule_reading_def *rd;
    char *name;
    size_t i;
    int k;

    if (eq == NULL || eq == spec || eq[1] == '\0')
        return cause_set(cause, "--reading %s: expected NAME=ALTERNATIVE", spec);
    name = xstrndup(spec, (size_t)(eq - spec));
    rd = NULL;
    if (rule_pack_reading_find(pack, name, &i) != NULL)
        rd = vec_get(&pack->readings, i);
    if (rd == NULL) {
        const char **names = xcalloc(pack->readings.len + 1, sizeof *names);
        const char *hint;
        int rc;

        for (i = 0; i < pack->readings.len; i++)
            names[i] = ((struct rule_reading_def *)vec_get(&pack->readings, i))->name;
        hint = str_suggest(name, names);
        if (hint != NULL)
            rc = cause_set(cause, "--reading %s: no reading '%s' (did you mean '%s'?)", spec,
                name, hint);
        else
            rc = cause_set(cause, "--reading %s: no reading '%s' (the pack has %zu: "
                "faceaudit-rules(5), READINGS)", spec, name, pack->readings.len);
        free(names);
        free(name);
        return rc;
    }
    free(name);
    if ((k = schema_symbol_index((const char *const *)rd->alts, eq + 1)) < 0) {
        struct strbuf sb;
        size_t j;
        int rc;

        strbuf_init(&sb);
        for (j = 0; j < rd->nalts; j++)
            strbuf_printf(&sb, "%s%s", j > 0 ? ", " : "", rd->alts[j]);
        rc = cause_set(cause, "--reading %s: reading '%s' has no alternative '%s' (it has %s)",
            spec, rd->name, eq + 1, strbuf_str(&sb));
        strbuf_done(&sb);
        return rc;
    }
    rd->selected = k;
    rehash(pack);
    return 0;
}
