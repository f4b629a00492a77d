/* SPDX-License-Identifier: MIT */
/*
 * log.c - leveled logging to stderr, fatal exits with hooks, and cause
 * strings for recoverable errors (after tmux's log.c).
 */
#include "config.h"

#include "faceaudit/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/xmalloc.h"

static enum log_level log_level = LOG_LEVEL_WARN;
static void (*fatal_hooks[4])(void);
static unsigned fatal_nhooks;

void
log_set_level(enum log_level level)
{
    log_level = level;
}

enum log_level
log_get_level(void)
{
    return log_level;
}

static void
log_vwrite(enum log_level level, const char *tag, const char *fmt, va_list ap)
{
    if (level < log_level)
        return;
    fprintf(stderr, "faceaudit: %s", tag);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void
log_debug(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vwrite(LOG_LEVEL_DEBUG, "debug: ", fmt, ap);
    va_end(ap);
}

void
log_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vwrite(LOG_LEVEL_INFO, "", fmt, ap);
    va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vwrite(LOG_LEVEL_WARN, "warning: ", fmt, ap);
    va_end(ap);
}

void
log_add_fatal_hook(void (*hook)(void))
{
    if (fatal_nhooks < FA_NITEMS(fatal_hooks))
        fatal_hooks[fatal_nhooks++] = hook;
}

static void
run_fatal_hooks(void)
{
    unsigned n = fatal_nhooks;

    fatal_nhooks = 0; /* a hook that fails must not recurse */
    while (n > 0)
        fatal_hooks[--n]();
}

void
fatal(const char *fmt, ...)
{
    int saved = errno;
    va_list ap;

    run_fatal_hooks();
    fputs("faceaudit: fatal: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, ": %s\n", strerror(saved));
    exit(70);
}

void
fatalx(const char *fmt, ...)
{
    va_list ap;

    run_fatal_hooks();
    fputs("faceaudit: fatal: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(70);
}

int
cause_set(char **cause, const char *fmt, ...)
{
    va_list ap;

    if (cause == NULL)
        return -1;
    va_start(ap, fmt);
    *cause = xvasprintf(fmt, ap);
    va_end(ap);
    return -1;
}

void
cause_prefix(char **cause, const char *fmt, ...)
{
    va_list ap;
    char *prefix, *joined;

    if (cause == NULL || *cause == NULL)
        return;
    va_start(ap, fmt);
    prefix = xvasprintf(fmt, ap);
    va_end(ap);
    joined = xasprintf("%s: %s", prefix, *cause);
    free(prefix);
    free(*cause);
    *cause = joined;
}
