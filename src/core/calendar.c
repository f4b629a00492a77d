/* SPDX-License-Identifier: MIT */
/*
 * calendar.c - the PRC working-day calendar loaded from rules/calendar/.
 * Days are kept in a hash keyed by the ISO date; years with data in a
 * small sorted array.
 */
#include "config.h"

#include "faceaudit/calendar.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/fsutil.h"
#include "faceaudit/hash.h"
#include "faceaudit/log.h"
#include "faceaudit/sha256.h"
#include "faceaudit/str.h"
#include "faceaudit/vec.h"
#include "faceaudit/xmalloc.h"

#define CALENDAR_MAX_FILE (256 * 1024)
#define CALENDAR_MAX_YEARS 200

struct calendar_day {
    bool working; /* true: adjusted working day; false: holiday */
    char *name;
};

struct calendar {
    struct hash days; /* "YYYY-MM-DD" -> struct calendar_day */
    int years[CALENDAR_MAX_YEARS];
    unsigned nyears;
    char version[SHA256_HEX_LEN + 1];
};

static void
calendar_day_free(void *p)
{
    struct calendar_day *day = p;

    free(day->name);
    free(day);
}

/* A tiny line tokenizer: words and "quoted strings", with 1-based columns. */
struct cal_tok {
    char text[256];
    unsigned col;
    bool quoted;
};

static int
cal_tokenize(const char *line, struct cal_tok *toks, unsigned max, unsigned *ntoks,
    unsigned *errcol)
{
    const char *p = line;
    unsigned n = 0;

    for (;;) {
        size_t len = 0;

        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '#')
            break;
        if (n == max) {
            *errcol = (unsigned)(p - line) + 1;
            return -1;
        }
        toks[n].col = (unsigned)(p - line) + 1;
        toks[n].quoted = *p == '"';
        if (toks[n].quoted) {
            p++;
            while (*p != '"' && *p != '\0' && len < sizeof toks[n].text - 1)
                toks[n].text[len++] = *p++;
            if (*p != '"') {
                *errcol = toks[n].col;
                return -1;
            }
            p++;
        } else {
            while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '#' &&
                len < sizeof toks[n].text - 1)
                toks[n].text[len++] = *p++;
        }
        toks[n].text[len] = '\0';
        n++;
    }
    *ntoks = n;
    return 0;
}

static int
cal_add_day(struct calendar *cal, fa_date d, bool working, const char *name, int year,
    const char *file, unsigned line, unsigned col, char **cause)
{
    char key[11];
    struct calendar_day *day;
    int y, m, dd;

    date_to_ymd(d, &y, &m, &dd);
    date_format(d, key);
    if (y != year)
        return cause_set(cause, "%s:%u:%u: %s is not in %d", file, line, col, key, year);
    if (working && date_weekday(d) < 6)
        return cause_set(cause, "%s:%u:%u: %s is a weekday; an adjusted working day is a "
            "Saturday or Sunday", file, line, col, key);
    if (hash_contains(&cal->days, key))
        return cause_set(cause, "%s:%u:%u: %s is listed twice", file, line, col, key);
    day = xmalloc(sizeof *day);
    day->working = working;
    day->name = xstrdup(name);
    hash_put(&cal->days, key, day);
    return 0;
}

static int
cal_parse_file(struct calendar *cal, const char *path, const char *text, char **cause)
{
    char *copy = xstrdup(text), *line, *next;
    unsigned lineno = 0, ntoks, errcol;
    int year = 0, rc = -1;
    struct cal_tok toks[4];
    char *why = NULL;

    for (line = copy; line != NULL; line = next) {
        fa_date d0, d1, d;

        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        lineno++;
        if (cal_tokenize(line, toks, FA_NITEMS(toks), &ntoks, &errcol) == -1) {
            cause_set(cause, "%s:%u:%u: unterminated string or too many fields", path, lineno,
                errcol);
            goto out;
        }
        if (ntoks == 0)
            continue;
        if (year == 0 && strcmp(toks[0].text, "year") != 0) {
            cause_set(cause, "%s:%u:%u: the first line must be 'year YYYY'", path, lineno,
                toks[0].col);
            goto out;
        }
        if (strcmp(toks[0].text, "year") == 0) {
            char *end;
            long y;

            if (year != 0) {
                cause_set(cause, "%s:%u:%u: 'year' given twice", path, lineno, toks[0].col);
                goto out;
            }
            y = ntoks == 2 ? strtol(toks[1].text, &end, 10) : 0;
            if (ntoks != 2 || *end != '\0' || y < FA_DATE_MIN_YEAR || y > FA_DATE_MAX_YEAR) {
                cause_set(cause, "%s:%u:%u: expected 'year YYYY'", path, lineno,
                    ntoks > 1 ? toks[1].col : toks[0].col);
                goto out;
            }
            year = (int)y;
            if (calendar_has_year(cal, year)) {
                cause_set(cause, "%s:%u:%u: year %d already loaded from another file", path,
                    lineno, toks[1].col, year);
                goto out;
            }
            if (cal->nyears == CALENDAR_MAX_YEARS) {
                cause_set(cause, "%s: more than %d calendar years", path, CALENDAR_MAX_YEARS);
                goto out;
            }
            cal->years[cal->nyears++] = year;
        } else if (strcmp(toks[0].text, "source") == 0) {
            if (ntoks != 2 || !toks[1].quoted) {
                cause_set(cause, "%s:%u:%u: expected 'source \"text\"'", path, lineno,
                    toks[0].col);
                goto out;
            }
        } else if (strcmp(toks[0].text, "holiday") == 0 || strcmp(toks[0].text, "workday") == 0) {
            bool working = toks[0].text[0] == 'w';
            char *dots;

            if (ntoks != 3 || toks[1].quoted || !toks[2].quoted) {
                cause_set(cause, "%s:%u:%u: expected '%s YYYY-MM-DD%s \"name\"'", path, lineno,
                    toks[0].col, toks[0].text, working ? "" : "[..YYYY-MM-DD]");
                goto out;
            }
            dots = strstr(toks[1].text, "..");
            if (dots != NULL && working) {
                cause_set(cause, "%s:%u:%u: a workday is a single date", path, lineno,
                    toks[1].col);
                goto out;
            }
            if (dots != NULL)
                *dots = '\0';
            if (date_parse(toks[1].text, &d0, &why) == -1) {
                cause_set(cause, "%s:%u:%u: %s", path, lineno, toks[1].col, why);
                goto out;
            }
            d1 = d0;
            if (dots != NULL && date_parse(dots + 2, &d1, &why) == -1) {
                cause_set(cause, "%s:%u:%u: %s", path, lineno,
                    toks[1].col + (unsigned)(dots + 2 - toks[1].text), why);
                goto out;
            }
            if (d1 < d0 || d1 - d0 > 31) {
                cause_set(cause, "%s:%u:%u: holiday range must run forward and last at most "
                    "32 days", path, lineno, toks[1].col);
                goto out;
            }
            for (d = d0; d <= d1; d++) {
                if (cal_add_day(cal, d, working, toks[2].text, year, path, lineno, toks[1].col,
                        cause) == -1)
                    goto out;
            }
        } else {
            const char *const words[] = { "year", "source", "holiday", "workday", NULL };
            const char *hint = str_suggest(toks[0].text, words);

            cause_set(cause, "%s:%u:%u: unknown keyword '%s'%s%s%s", path, lineno, toks[0].col,
                toks[0].text, hint != NULL ? " (did you mean '" : "", hint != NULL ? hint : "",
                hint != NULL ? "'?)" : "");
            goto out;
        }
    }
    if (year == 0) {
        cause_set(cause, "%s: empty calendar file (expected 'year YYYY')", path);
        goto out;
    }
    rc = 0;
out:
    free(why);
    free(copy);
    return rc;
}

static int
cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;

    return (x > y) - (x < y);
}

struct calendar *
calendar_load(const char *dir, char **cause)
{
    struct calendar *cal;
    struct vec names;
    struct sha256 ctx;
    unsigned char digest[SHA256_DIGEST_LEN];
    struct dirent *de;
    DIR *d;
    size_t i;

    if ((d = opendir(dir)) == NULL) {
        cause_set(cause, "calendar folder %s cannot be opened", dir);
        return NULL;
    }
    vec_init(&names, free);
    while ((de = readdir(d)) != NULL) {
        if (str_has_suffix(de->d_name, ".cal") && de->d_name[0] != '.')
            vec_push(&names, xstrdup(de->d_name));
    }
    closedir(d);
    vec_sort(&names, cmp_name);

    cal = xcalloc(1, sizeof *cal);
    hash_init(&cal->days, calendar_day_free);
    sha256_init(&ctx);
    for (i = 0; i < names.len; i++) {
        char *path = path_join(dir, vec_get(&names, i));
        size_t len;
        char *text = fs_read_file(path, CALENDAR_MAX_FILE, &len, cause);

        if (text == NULL || cal_parse_file(cal, path, text, cause) == -1) {
            free(text);
            free(path);
            vec_done(&names);
            calendar_free(cal);
            return NULL;
        }
        sha256_update(&ctx, vec_get(&names, i), strlen(vec_get(&names, i)) + 1);
        sha256_update(&ctx, text, len);
        free(text);
        free(path);
    }
    vec_done(&names);
    sha256_final(&ctx, digest);
    sha256_to_hex(digest, cal->version);
    qsort(cal->years, cal->nyears, sizeof cal->years[0], cmp_int);
    return cal;
}

struct calendar *
calendar_parse(const char *name, const char *text, size_t len, char **cause)
{
    struct calendar *cal = xcalloc(1, sizeof *cal);
    char *copy;

    hash_init(&cal->days, calendar_day_free);
    if (len > CALENDAR_MAX_FILE) {
        cause_set(cause, "%s: calendar file over %d bytes", name, CALENDAR_MAX_FILE);
        calendar_free(cal);
        return NULL;
    }
    copy = xstrndup(text, len);
    if (cal_parse_file(cal, name, copy, cause) == -1) {
        free(copy);
        calendar_free(cal);
        return NULL;
    }
    sha256_hex(copy, strlen(copy), cal->version);
    free(copy);
    return cal;
}

void
calendar_free(struct calendar *cal)
{
    if (cal == NULL)
        return;
    hash_done(&cal->days);
    free(cal);
}

const char *
calendar_version(const struct calendar *cal)
{
    return cal->version;
}

char *
calendar_years(const struct calendar *cal)
{
    struct strbuf sb;
    unsigned i;

    strbuf_init(&sb);
    for (i = 0; i < cal->nyears; i++)
        strbuf_printf(&sb, "%s%d", i > 0 ? "," : "", cal->years[i]);
    return strbuf_detach(&sb);
}

bool
calendar_has_year(const struct calendar *cal, int year)
{
    unsigned i;

    for (i = 0; i < cal->nyears; i++) {
        if (cal->years[i] == year)
            return true;
    }
    return false;
}

static const struct calendar_day *
calendar_lookup(const struct calendar *cal, fa_date d)
{
    char key[11];

    date_format(d, key);
    return hash_get(&cal->days, key);
}

const char *
calendar_day_name(const struct calendar *cal, fa_date d)
{
    const struct calendar_day *day = calendar_lookup(cal, d);

    return day != NULL ? day->name : NULL;
}

bool
calendar_is_working_day(const struct calendar *cal, fa_date d, bool *approx)
{
    const struct calendar_day *day;
    int y, m, dd;

    date_to_ymd(d, &y, &m, &dd);
    if (!calendar_has_year(cal, y)) {
        if (approx != NULL)
            *approx = true;
        return date_weekday(d) < 6;
    }
    if ((day = calendar_lookup(cal, d)) != NULL)
        return day->working;
    return date_weekday(d) < 6;
}

fa_date
calendar_add_working_days(const struct calendar *cal, fa_date d, int n, bool *approx)
{
    while (n > 0) {
        d++;
        if (calendar_is_working_day(cal, d, approx))
            n--;
    }
    return d;
}

int
calendar_working_days_between(const struct calendar *cal, fa_date from, fa_date to,
    bool *approx)
{
    fa_date d;
    int n = 0;

    if (to < from)
        return -calendar_working_days_between(cal, to, from, approx);
    for (d = from + 1; d <= to; d++) {
        if (calendar_is_working_day(cal, d, approx))
            n++;
    }
    return n;
}
