/* SPDX-License-Identifier: MIT */
#ifndef FA_COMPAT_H
#define FA_COMPAT_H
/*
 * compat.h - compiler attribute wrappers and tiny macros shared by every
 * module. Attributes are wrapped so that -Wformat=2 checks every printf-like
 * function and the code still compiles where an attribute is missing.
 */

#if defined(__GNUC__) || defined(__clang__)
#define FA_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define FA_NORETURN __attribute__((noreturn))
#define FA_NONNULL __attribute__((nonnull))
#define FA_MALLOC __attribute__((malloc))
#define FA_UNUSED __attribute__((unused))
#define FA_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define FA_PRINTF(fmt, args)
#define FA_NORETURN
#define FA_NONNULL
#define FA_MALLOC
#define FA_UNUSED
#define FA_WARN_UNUSED
#endif

/* Number of elements of a true array (not a pointer). */
#define FA_NITEMS(a) (sizeof(a) / sizeof((a)[0]))

#define FA_MIN(a, b) ((a) < (b) ? (a) : (b))
#define FA_MAX(a, b) ((a) > (b) ? (a) : (b))

/* Process exit codes shared by every command (faceaudit(1), EXIT STATUS). */
enum fa_exit {
    FA_EXIT_OK = 0,       /* success, nothing failed */
    FA_EXIT_FINDINGS = 1, /* rules failed or a gate failed */
    FA_EXIT_USAGE = 2,    /* bad usage, bad input, or an error that stopped the work */
    FA_EXIT_INTERRUPTED = 130 /* stopped by SIGINT (128 + 2, as a shell reports it) */
};

#endif /* FA_COMPAT_H */
