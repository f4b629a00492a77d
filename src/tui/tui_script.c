/* SPDX-License-Identifier: MIT */
/*
 * tui_script.c - the scripted mode's pieces: key names of --keys ("Down",
 * "F2", "C-u", "x") and the text dump of the screen (--dump).
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "faceaudit/compat.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/str.h"
#include "tui_frame.h"

/* Translate a scripted key name ("Down", "Enter", "F2", "x") to a key code. */
int
tui_key_from_name(const char *name)
{
    static const struct {
        const char *name;
        int key;
    } names[] = {
        { "Up", KEY_UP }, { "Down", KEY_DOWN }, { "Left", KEY_LEFT }, { "Right", KEY_RIGHT },
        { "Enter", '\n' }, { "Esc", TUI_KEY_ESC }, { "Tab", '\t' }, { "Space", ' ' },
        { "PageUp", KEY_PPAGE }, { "PageDown", KEY_NPAGE }, { "Home", KEY_HOME },
        { "End", KEY_END }, { "BSpace", KEY_BACKSPACE },
    };
    size_t i;

    for (i = 0; i < FA_NITEMS(names); i++) {
        if (strcmp(names[i].name, name) == 0)
            return names[i].key;
    }
    if (name[0] == 'F' && name[1] >= '1' && name[1] <= '9' &&
        (name[2] == '\0' || (name[2] >= '0' && name[2] <= '2' && name[3] == '\0')))
        return KEY_F(atoi(name + 1));
    if (name[0] == 'C' && name[1] == '-' && name[2] >= 'a' && name[2] <= 'z' && name[3] == '\0')
        return name[2] & 0x1f; /* C-u: control-U */
    if (name[0] != '\0' && name[1] == '\0')
        return (unsigned char)name[0];
    return -1;
}

int
tui_dump(const char *path, char **cause)
{
    struct strbuf sb;
    int y, x, rc;

    strbuf_init(&sb);
    for (y = 0; y < LINES; y++) {
        size_t end;

        for (x = 0; x < COLS; x++) {
            cchar_t cc;
            wchar_t wch[CCHARW_MAX + 1];
            attr_t attrs;
            short pair;
            char mb[MB_LEN_MAX * (CCHARW_MAX + 1)];
            size_t n;

            if (mvin_wch(y, x, &cc) == ERR)
                continue;
            if (getcchar(&cc, wch, &attrs, &pair, NULL) == ERR)
                continue;
            n = wcstombs(mb, wch, sizeof mb);
            if (n != (size_t)-1)
                strbuf_add(&sb, mb, n);
            if (wch[0] != L'\0' && wcwidth(wch[0]) == 2)
                x++; /* the next cell is the second half */
        }
        end = sb.len;
        while (end > 0 && sb.buf[end - 1] == ' ')
            end--;
        sb.len = end;
        strbuf_putc(&sb, '\n');
    }
    rc = fs_write_atomic(path, sb.buf, sb.len, 0644, cause);
    strbuf_done(&sb);
    return rc;
}
