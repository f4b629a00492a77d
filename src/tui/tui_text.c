/* SPDX-License-Identifier: MIT */
/*
 * tui_text.c - display widths and fitting of UTF-8 text (no curses here).
 */
#include "config.h"

#include "tui_text.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "faceaudit/uwidth.h"
#include "faceaudit/xmalloc.h"

/* Decode one UTF-8 sequence; returns its length (1 for an invalid byte). */
static size_t
utf8_next(const char *s, wchar_t *wc)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n, i;
    wchar_t c;

    if (p[0] < 0x80) {
        *wc = p[0];
        return 1;
    }
    if ((p[0] & 0xe0) == 0xc0) {
        n = 2;
        c = p[0] & 0x1f;
    } else if ((p[0] & 0xf0) == 0xe0) {
        n = 3;
        c = p[0] & 0x0f;
    } else if ((p[0] & 0xf8) == 0xf0) {
        n = 4;
        c = p[0] & 0x07;
    } else {
        *wc = 0xfffd;
        return 1;
    }
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            *wc = 0xfffd;
            return 1;
        }
        c = (c << 6) | (p[i] & 0x3f);
    }
    *wc = c;
    return n;
}

/* Display width from core's Unicode data (utf8proc), not the locale's wcwidth. */
static size_t
char_width(wchar_t wc)
{
    return uwidth_char((uint32_t)wc);
}

size_t
tui_text_width(const char *s)
{
    size_t w = 0;
    wchar_t wc;

    while (*s != '\0') {
        s += utf8_next(s, &wc);
        w += char_width(wc);
    }
    return w;
}

void
tui_text_fit(struct strbuf *sb, const char *s, size_t width)
{
    size_t total = tui_text_width(s), used = 0, n, cw;
    bool cut = total > width;
    size_t room = cut ? (width > 0 ? width - 1 : 0) : width; /* leave a column for "…" */
    size_t start = sb->len, sp_len = 0, sp_used = 0;
    wchar_t wc;

    while (*s != '\0') {
        n = utf8_next(s, &wc);
        cw = char_width(wc);
        if (used + cw > room)
            break;
        if (wc == ' ' && used > 0) {
            sp_len = sb->len;  /* the text before this blank */
            sp_used = used;
        }
        strbuf_add(sb, s, n);
        used += cw;
        s += n;
    }
    /*
     * Cut at the last blank rather than in the middle of a word ("Scope;
     * research and …", not "Scope; research and algorith…") when that keeps
     * at least half the room; Chinese text has no blanks and is cut anywhere.
     */
    if (cut && *s != ' ' && sp_len > start && sp_used * 2 >= room && wc < 0x2e80 &&
        sb->len > 0 && sb->buf[sb->len - 1] != ' ') {
        sb->len = sp_len;
        sb->buf[sb->len] = '\0';
        used = sp_used;
    }
    if (cut && width > 0) {
        /* "…" right after the text (a Chinese cut may leave a column: it goes after) */
        strbuf_puts(sb, "\xe2\x80\xa6"); /* … */
        used++;
    }
    while (used < width) {
        strbuf_putc(sb, ' ');
        used++;
    }
}

void
tui_text_fit_right(struct strbuf *sb, const char *s, size_t width)
{
    size_t w = tui_text_width(s);

    if (w >= width) {
        tui_text_fit(sb, s, width);
        return;
    }
    for (; w < width; w++)
        strbuf_putc(sb, ' ');
    strbuf_puts(sb, s);
}

size_t
tui_text_wrap(const char *s, size_t width, void (*fn)(const char *line, void *arg), void *arg)
{
    struct strbuf line, word;
    size_t lines = 0, lw = 0, ww;

    if (width == 0)
        width = 1;
    strbuf_init(&line);
    strbuf_init(&word);
    for (;;) {
        const char *start;

        while (*s == ' ')
            s++;
        if (*s == '\0' || *s == '\n') {
            if (line.len > 0 || *s == '\n') {
                fn(strbuf_str(&line), arg);
                lines++;
                strbuf_reset(&line);
                lw = 0;
            }
            if (*s == '\0')
                break;
            s++;
            continue;
        }
        start = s;
        while (*s != '\0' && *s != ' ' && *s != '\n')
            s++;
        strbuf_reset(&word);
        strbuf_add(&word, start, (size_t)(s - start));
        ww = tui_text_width(strbuf_str(&word));
        if (lw > 0 && lw + 1 + ww > width) {
            fn(strbuf_str(&line), arg);
            lines++;
            strbuf_reset(&line);
            lw = 0;
        }
        if (ww > width) {
            /* A word longer than the line: cut it. */
            struct strbuf cut;

            strbuf_init(&cut);
            tui_text_fit(&cut, strbuf_str(&word), width);
            fn(strbuf_str(&cut), arg);
            strbuf_done(&cut);
            lines++;
            continue;
        }
        if (lw > 0) {
            strbuf_putc(&line, ' ');
            lw++;
        }
        strbuf_puts(&line, strbuf_str(&word));
        lw += ww;
    }
    strbuf_done(&line);
    strbuf_done(&word);
    return lines;
}
