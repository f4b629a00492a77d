/* SPDX-License-Identifier: MIT */
/*
 * scenario_value.c - fact values as text: parsing a YAML scalar or CSV cell
 * by the fact's type (booleans, whole numbers with `_` separators, numbers,
 * dates, enums and sets with "did you mean" hints) and formatting a value
 * back ("true", "2025-06-01", "[rnd, attendance]"). YAML, CSV and the
 * what-if writes share them.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/log.h"
#include "faceaudit/scenario.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "scenario_int.h"

static int
parse_bool(const char *t, bool *out)
{
    if (strcmp(t, "true") == 0 || strcmp(t, "yes") == 0) {
        *out = true;
        return 0;
    }
    if (strcmp(t, "false") == 0 || strcmp(t, "no") == 0) {
        *out = false;
        return 0;
    }
    return -1;
}

/* Decimal integer with optional sign and `_` digit separators. */
static int
parse_int(const char *t, int64_t *out)
{
    char buf[32];
    size_t n = 0;
    const char *p = t;
    char *end;
    long long v;

    if (*p == '+' || *p == '-')
        buf[n++] = *p++;
    if (*p < '0' || *p > '9')
        return -1;
    for (; *p != '\0'; p++) {
        if (*p == '_' && p[1] >= '0' && p[1] <= '9' && p[-1] >= '0' && p[-1] <= '9')
            continue;
        if (*p < '0' || *p > '9' || n >= sizeof buf - 1)
            return -1;
        buf[n++] = *p;
    }
    buf[n] = '\0';
    errno = 0;
    v = strtoll(buf, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

char *
scenario_hint(const char *word, const char *const *cands)
{
    const char *hint = str_suggest(word, cands), *first = NULL, *second = NULL;
    size_t i, len = strlen(word), nprefix = 0;

    if (hint != NULL)
        return xasprintf(" (did you mean '%s'?)", hint);
    /* candidates the word abbreviates ("marketing" for marketing_analytics) */
    for (i = 0; len >= 3 && cands[i] != NULL; i++) {
        if (strncmp(cands[i], word, len) != 0)
            continue;
        if (nprefix == 0)
            first = cands[i];
        else if (nprefix == 1)
            second = cands[i];
        nprefix++;
    }
    if (nprefix == 1)
        return xasprintf(" (did you mean '%s'?)", first);
    if (nprefix == 2)
        return xasprintf(" (did you mean '%s' or '%s'?)", first, second);
    return xstrdup("");
}

static void
add_hint(struct strbuf *sb, const struct fact_def *def, const char *word)
{
    char *hint = scenario_hint(word, def->values);
    size_t i;

    if (*hint != '\0') {
        strbuf_puts(sb, hint);
        free(hint);
        return;
    }
    free(hint);
    strbuf_puts(sb, "; expected one of: ");
    for (i = 0; def->values[i] != NULL; i++)
        strbuf_printf(sb, "%s%s", i > 0 ? ", " : "", def->values[i]);
}

static int
parse_set(const struct fact_def *def, const char *text, uint64_t *out, char **cause)
{
    char *copy, *p, *item, *save = NULL;
    uint64_t set = 0;
    struct strbuf sb;
    int idx;

    copy = xstrdup(text);
    p = str_trim(copy);
    if (*p == '[') {
        size_t len = strlen(p);

        if (len < 2 || p[len - 1] != ']') {
            free(copy);
            return cause_set(cause, "a list must end with ']'");
        }
        p[len - 1] = '\0';
        p++;
    }
    for (item = strtok_r(p, ",;", &save); item != NULL; item = strtok_r(NULL, ",;", &save)) {
        item = str_trim(item);
        if (*item == '\0')
            continue;
        if ((idx = scenario_fact_value_index(def, item)) < 0) {
            strbuf_init(&sb);
            strbuf_printf(&sb, "unknown value '%s'", item);
            add_hint(&sb, def, item);
            cause_set(cause, "%s", strbuf_str(&sb));
            strbuf_done(&sb);
            free(copy);
            return -1;
        }
        if (set & (UINT64_C(1) << idx)) {
            cause_set(cause, "'%s' is listed twice", item);
            free(copy);
            return -1;
        }
        set |= UINT64_C(1) << idx;
    }
    free(copy);
    *out = set;
    return 0;
}

/* Parse text as a value of def (see scenario_int.h); YAML, CSV and writes share it. */
int
scenario_parse_value(const struct fact_def *def, const char *text, bool unknown_ok,
    struct fact_slot *s, char **cause)
{
    struct strbuf sb;
    char *dcause = NULL;
    int idx;

    if (unknown_ok && strcmp(text, "unknown") == 0) {
        s->state = FACT_UNKNOWN;
        return 0;
    }
    switch (def->type) {
    case FACT_BOOL:
        if (parse_bool(text, &s->v.b) < 0)
            return cause_set(cause, "'%s' is not a boolean: expected true or false (or unknown)",
                text);
        break;
    case FACT_INT:
        if (parse_int(text, &s->v.i) < 0)
            return cause_set(cause, "'%s' is not a whole number", text);
        if (s->v.i < def->min || s->v.i > def->max)
            return cause_set(cause, "%s is out of range (%" PRId64 " to %" PRId64 ")", text,
                def->min, def->max);
        break;
    case FACT_NUMBER: {
        char *end;

        errno = 0;
        s->v.num = strtod(text, &end);
        if (*text == '\0' || *end != '\0' || errno != 0 || !isfinite(s->v.num))
            return cause_set(cause, "'%s' is not a number", text);
        break;
    }
    case FACT_STRING:
        if (strlen(text) > SCENARIO_MAX_SCALAR)
            return cause_set(cause, "value longer than %u bytes", SCENARIO_MAX_SCALAR);
        s->v.s = xstrdup(text);
        break;
    case FACT_DATE:
        if (date_parse(text, &s->v.date, &dcause) < 0) {
            cause_set(cause, "bad date %s", dcause);
            free(dcause);
            return -1;
        }
        break;
    case FACT_ENUM:
        if ((idx = scenario_fact_value_index(def, text)) < 0) {
            strbuf_init(&sb);
            strbuf_printf(&sb, "unknown value '%s'", text);
            add_hint(&sb, def, text);
            cause_set(cause, "%s", strbuf_str(&sb));
            strbuf_done(&sb);
            return -1;
        }
        s->v.e = idx;
        break;
    case FACT_SET:
        if (parse_set(def, text, &s->v.set, cause) < 0)
            return -1;
        break;
    }
    s->state = FACT_KNOWN;
    return 0;
}

char *
scenario_slot_format(const struct fact_def *def, const struct fact_slot *s)
{
    struct strbuf sb;
    char d[11];
    int i, n = 0;

    if (s->state != FACT_KNOWN)
        return xstrdup("unknown");
    switch (def->type) {
    case FACT_BOOL:
        return xstrdup(s->v.b ? "true" : "false");
    case FACT_INT:
        return xasprintf("%" PRId64, s->v.i);
    case FACT_NUMBER: {
        /* the shortest of %.15g and %.17g that reads back exactly */
        char *t = xasprintf("%.15g", s->v.num);
        double back = strtod(t, NULL);

        if (memcmp(&back, &s->v.num, sizeof back) == 0) /* exact round trip, bit for bit */
            return t;
        free(t);
        return xasprintf("%.17g", s->v.num);
    }
    case FACT_STRING:
        return xstrdup(s->v.s);
    case FACT_DATE:
        date_format(s->v.date, d);
        return xstrdup(d);
    case FACT_ENUM:
        return xstrdup(def->values[s->v.e]);
    case FACT_SET:
        strbuf_init(&sb);
        strbuf_putc(&sb, '[');
        for (i = 0; def->values[i] != NULL; i++) {
            if (s->v.set & (UINT64_C(1) << i))
                strbuf_printf(&sb, "%s%s", n++ > 0 ? ", " : "", def->values[i]);
        }
        strbuf_putc(&sb, ']');
        return strbuf_detach(&sb);
    }
    return xstrdup("?");
}

char *
scenario_value_format(const struct fact_value *v)
{
    struct fact_slot s;

    if (v->state == FACT_KNOWN && v->def->type == FACT_STRING)
        return xstrdup(v->v.s);
    memset(&s, 0, sizeof s);
    s.state = v->state;
    switch (v->def->type) {
    case FACT_BOOL:
        s.v.b = v->v.b;
        break;
    case FACT_INT:
        s.v.i = v->v.i;
        break;
    case FACT_NUMBER:
        s.v.num = v->v.num;
        break;
    case FACT_STRING:
        break;
    case FACT_DATE:
        s.v.date = v->v.date;
        break;
    case FACT_ENUM:
        s.v.e = v->v.e;
        break;
    case FACT_SET:
        s.v.set = v->v.set;
        break;
    }
    return scenario_slot_format(v->def, &s);
}
