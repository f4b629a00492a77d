/* SPDX-License-Identifier: MIT */
#ifndef FA_LOG_H
#define FA_LOG_H
/*
 * log.h - logging, fatal errors and cause strings.
 *
 * Two error tiers (doc/styleguide.md, Errors):
 *  - fatal()/fatalx() for impossible states: run the fatal hooks (the TUI
 *    restores the terminal), print "faceaudit: fatal: ..." and exit(70).
 *    fatal() appends strerror(errno).
 *  - recoverable errors: functions return -1 (or NULL) and fill an allocated
 *    `char **cause` that the caller frees. cause_set() does that in one call
 *    and tolerates a NULL cause pointer.
 *
 * Library code never prints except through log_*(), which writes to stderr
 * only at or above the configured level (default: warnings).
 */

#include <stdarg.h>

#include "faceaudit/compat.h"

enum log_level { LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARN, LOG_LEVEL_QUIET };

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
void log_debug(const char *fmt, ...) FA_PRINTF(1, 2);
void log_info(const char *fmt, ...) FA_PRINTF(1, 2);
void log_warn(const char *fmt, ...) FA_PRINTF(1, 2);

/* Register a function run once before a fatal error prints (at most 4). */
void log_add_fatal_hook(void (*hook)(void));
void fatal(const char *fmt, ...) FA_PRINTF(1, 2) FA_NORETURN;
void fatalx(const char *fmt, ...) FA_PRINTF(1, 2) FA_NORETURN;

/* Set *cause to a newly allocated message (if cause is not NULL); returns -1. */
int cause_set(char **cause, const char *fmt, ...) FA_PRINTF(2, 3);
/* Prefix an existing *cause with "prefix: " (the old string is freed). */
void cause_prefix(char **cause, const char *fmt, ...) FA_PRINTF(2, 3);

#endif /* FA_LOG_H */
