/* SPDX-License-Identifier: MIT */
/*
 * csvw.c - the CSV writer (csvw.h says why it is ours and not libcsv's
 * csv_write): minimal RFC 4180 quoting, the number formats the outputs use.
 */
#include "config.h"

#include "faceaudit/csvw.h"

#include <math.h>
#include <string.h>

void
csvw_init(struct csvw *w, struct strbuf *sb, const char *eol)
{
    w->sb = sb;
    w->eol = eol;
    w->midrow = false;
}

static void
sep(struct csvw *w)
{
    if (w->midrow)
        strbuf_putc(w->sb, ',');
    w->midrow = true;
}

void
csv_escape(struct strbuf *sb, const char *s)
{
    if (s == NULL)
        return;
    if (strpbrk(s, ",\"\r\n") == NULL) {
        strbuf_puts(sb, s);
        return;
    }
    strbuf_putc(sb, '"');
    for (; *s != '\0'; s++) {
        if (*s == '"')
            strbuf_putc(sb, '"');
        strbuf_putc(sb, *s);
    }
    strbuf_putc(sb, '"');
}

void
csvw_str(struct csvw *w, const char *s)
{
    sep(w);
    csv_escape(w->sb, s);
}

void
csvw_raw(struct csvw *w, const char *s)
{
    sep(w);
    strbuf_puts(w->sb, s);
}

void
csvw_int(struct csvw *w, long long v)
{
    sep(w);
    strbuf_printf(w->sb, "%lld", v);
}

void
csvw_uint(struct csvw *w, unsigned long long v)
{
    sep(w);
    strbuf_printf(w->sb, "%llu", v);
}

static bool
nonfinite(struct csvw *w, double v)
{
    if (isnan(v))
        return true;
    if (isinf(v)) {
        strbuf_puts(w->sb, v > 0 ? "inf" : "-inf");
        return true;
    }
    return false;
}

void
csvw_double(struct csvw *w, double v, int digits)
{
    sep(w);
    if (!nonfinite(w, v))
        strbuf_printf(w->sb, "%.*g", digits, v);
}

void
csvw_fixed(struct csvw *w, double v, int decimals)
{
    sep(w);
    if (!nonfinite(w, v))
        strbuf_printf(w->sb, "%.*f", decimals, v);
}

void
csvw_header(struct csvw *w, const char *const *names)
{
    size_t i;

    for (i = 0; names[i] != NULL; i++)
        csvw_str(w, names[i]);
    csvw_end_row(w);
}

void
csvw_end_row(struct csvw *w)
{
    strbuf_puts(w->sb, w->eol);
    w->midrow = false;
}
