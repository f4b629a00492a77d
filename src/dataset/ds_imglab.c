/* SPDX-License-Identifier: MIT */
/*
 * ds_imglab.c - dlib/imglab XML face boxes (expat; the only file that
 * includes expat.h):
 *   <dataset><images><image file='a.jpg'>
 *     <box top='90' left='194' width='37' height='37' [ignore='1']>
 *       <part name='00' x='..' y='..'/>...</box></image></images></dataset>
 * Image paths are relative to the XML file's folder. Identities are not
 * part of the format: items get an empty subject (detection protocol).
 * Errors say file:line:col.
 */
#include "config.h"

#include <errno.h>
#include <expat.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/dataset.h"
#include "faceaudit/log.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"
#include "dataset_int.h"

struct imglab_state {
    const char *file;
    char *dir;
    XML_Parser parser;
    size_t max;
    int depth;
    bool in_image;
    char *error;
    struct ds_item *items;
    size_t nitems, next;
};

static void
xml_error(struct imglab_state *st, const char *fmt, ...) FA_PRINTF(2, 3);

static void
xml_error(struct imglab_state *st, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (st->error != NULL)
        return;
    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    st->error = xasprintf("%s:%lu:%lu: %s", st->file,
        (unsigned long)XML_GetCurrentLineNumber(st->parser),
        (unsigned long)XML_GetCurrentColumnNumber(st->parser) + 1, msg);
    free(msg);
    XML_StopParser(st->parser, XML_FALSE);
}

static const char *
attr(const XML_Char **atts, const char *name)
{
    for (; atts[0] != NULL; atts += 2) {
        if (strcmp(atts[0], name) == 0)
            return atts[1];
    }
    return NULL;
}

static int
num_attr(struct imglab_state *st, const XML_Char **atts, const char *name, double *out)
{
    const char *v = attr(atts, name);
    char *end;

    if (v == NULL) {
        xml_error(st, "<box> without the '%s' attribute", name);
        return -1;
    }
    errno = 0;
    *out = strtod(v, &end);
    if (end == v || *end != '\0' || errno != 0 || !isfinite(*out)) {
        xml_error(st, "<box> attribute %s='%s' is not a number", name, v);
        return -1;
    }
    return 0;
}

static void XMLCALL
on_start(void *data, const XML_Char *name, const XML_Char **atts)
{
    struct imglab_state *st = data;

    st->depth++;
    if (st->error != NULL)
        return;
    if (strcmp(name, "image") == 0) {
        const char *file = attr(atts, "file");
        struct ds_item *it;
        char *cause = NULL;

        if (st->in_image) {
            xml_error(st, "<image> inside <image>");
            return;
        }
        if (file == NULL || *file == '\0') {
            xml_error(st, "<image> without a 'file' attribute");
            return;
        }
        if (st->nitems == st->max) {
            xml_error(st, "more than %zu images (the limit; raise it with --max-images)",
                st->max);
            return;
        }
        st->items = xreallocarray(st->items, st->nitems + 1, sizeof *st->items);
        it = &st->items[st->nitems];
        if (ds_item_init(it, st->dir, file, "", (unsigned)XML_GetCurrentLineNumber(st->parser),
            &cause) < 0) {
            xml_error(st, "%s", cause);
            free(cause);
            return;
        }
        it->has_boxes = true;
        st->nitems++;
        st->in_image = true;
    } else if (strcmp(name, "box") == 0) {
        struct ds_item *it;
        struct ds_box b;
        const char *ign;

        if (!st->in_image) {
            xml_error(st, "<box> outside an <image>");
            return;
        }
        it = &st->items[st->nitems - 1];
        if (num_attr(st, atts, "top", &b.y) == -1 || num_attr(st, atts, "left", &b.x) == -1 ||
            num_attr(st, atts, "width", &b.w) == -1 || num_attr(st, atts, "height", &b.h) == -1)
            return;
        if (b.w <= 0 || b.h <= 0) {
            xml_error(st, "<box> width and height must be positive");
            return;
        }
        if (it->nboxes == DS_MAX_BOXES) {
            xml_error(st, "more than %u boxes in one image", DS_MAX_BOXES);
            return;
        }
        ign = attr(atts, "ignore");
        b.ignore = ign != NULL && strcmp(ign, "0") != 0;
        it->boxes = xreallocarray(it->boxes, it->nboxes + 1, sizeof *it->boxes);
        it->boxes[it->nboxes++] = b;
    }
}

static void XMLCALL
on_end(void *data, const XML_Char *name)
{
    struct imglab_state *st = data;

    st->depth--;
    if (strcmp(name, "image") == 0)
        st->in_image = false;
}

static bool
imglab_probe(const char *path)
{
    return str_has_suffix(path, ".xml") || str_has_suffix(path, ".XML");
}

static void
imglab_free(struct imglab_state *st)
{
    size_t i;

    for (i = st->next; i < st->nitems; i++)
        ds_item_done(&st->items[i]);
    free(st->items);
    free(st->dir);
    free(st->error);
    free(st);
}

static void *
imglab_open(const char *path, const struct ds_options *opt, char **cause)
{
    struct imglab_state *st;
    char *buf;
    size_t len;

    if ((buf = ds_read_manifest(path, &len, cause)) == NULL)
        return NULL;
    if (len > (size_t)INT32_MAX) {
        free(buf);
        cause_set(cause, "%s: too large", path);
        return NULL;
    }
    st = xcalloc(1, sizeof *st);
    st->file = path;
    st->dir = ds_dirname(path);
    st->max = opt->max_items != 0 ? opt->max_items : DS_MAX_ITEMS_DEFAULT;
    if ((st->parser = XML_ParserCreate(NULL)) == NULL)
        fatalx("XML_ParserCreate failed");
    XML_SetUserData(st->parser, st);
    XML_SetElementHandler(st->parser, on_start, on_end);
    if (XML_Parse(st->parser, buf, (int)len, XML_TRUE) == XML_STATUS_ERROR && st->error == NULL)
        st->error = xasprintf("%s:%lu:%lu: %s", path,
            (unsigned long)XML_GetCurrentLineNumber(st->parser),
            (unsigned long)XML_GetCurrentColumnNumber(st->parser) + 1,
            XML_ErrorString(XML_GetErrorCode(st->parser)));
    XML_ParserFree(st->parser);
    st->parser = NULL;
    free(buf);
    if (st->error != NULL) {
        cause_set(cause, "%s", st->error);
        imglab_free(st);
        return NULL;
    }
    return st;
}

static int
imglab_next(void *state, struct ds_item *item, char **cause)
{
    struct imglab_state *st = state;

    if (st->next == st->nitems)
        return 0;
    *item = st->items[st->next++];
    return 1;
}

static void
imglab_close(void *state)
{
    imglab_free(state);
}

const struct ds_format ds_format_imglab = {
    "imglab", "dlib/imglab XML: <image file=...><box top left width height/>",
    imglab_probe, imglab_open, imglab_next, NULL, NULL, imglab_close
};
