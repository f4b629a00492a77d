/* SPDX-License-Identifier: MIT */
/*
 * uwidth.c - display widths from utf8proc (uwidth.h): the library's
 * East Asian Width and general-category data, not a table of our own and not
 * the locale's wcwidth, so combining marks, emoji and CJK align the same way
 * in every locale.
 */
#include "config.h"

#include "faceaudit/uwidth.h"

#include <utf8proc.h>

unsigned
uwidth_char(uint32_t cp)
{
    int w;

    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
        return 0;
    if (!utf8proc_codepoint_valid((utf8proc_int32_t)cp))
        return 1;
    w = utf8proc_charwidth((utf8proc_int32_t)cp);
    return w < 0 ? 0 : (unsigned)w;
}

size_t
uwidth_decode(const char *s, uint32_t *cp)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t n;

    n = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &c);
    if (n <= 0) {
        *cp = 0xfffd;
        return 1;
    }
    *cp = (uint32_t)c;
    return (size_t)n;
}

size_t
uwidth_str(const char *s)
{
    size_t w = 0;
    uint32_t cp;

    while (*s != '\0') {
        s += uwidth_decode(s, &cp);
        w += uwidth_char(cp);
    }
    return w;
}
