/* SPDX-License-Identifier: MIT */
/*
 * cli.c - global options, the command table and dispatch (after tmux's
 * cmd.c). `faceaudit [global options] COMMAND [ARGS]`.
 */
#include "config.h"

#include "faceaudit/cli.h"

#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "faceaudit/log.h"
#include "faceaudit/app.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

/* CLI_COMMANDS of the modules' local.mk fragments, in order (generated). */
#define FA_COMMAND(name) extern const struct cmd_entry cmd_##name##_entry;
#include "cli/cmd_table.inc"
#undef FA_COMMAND

const struct cmd_entry *const cmd_table[] = {
#define FA_COMMAND(name) &cmd_##name##_entry,
#include "cli/cmd_table.inc"
#undef FA_COMMAND
    NULL
};

static const char global_usage[] =
    "usage: faceaudit [-v|-q] [--db PATH] COMMAND [ARGS...]\n"
    "       faceaudit --help | --version | help COMMAND\n";

const struct cmd_entry *
cli_find(const char *name)
{
    const struct cmd_entry *const *e;

    for (e = cmd_table; *e != NULL; e++) {
        if (strcmp((*e)->name, name) == 0 ||
            ((*e)->alias != NULL && strcmp((*e)->alias, name) == 0))
            return *e;
    }
    return NULL;
}

static void
cli_print_help(FILE *f)
{
    const struct cmd_entry *const *e;

    fputs("faceaudit - audit and simulate facial-recognition deployments against the\n"
          "Measures for the Security Management of the Application of Facial Recognition\n"
          "Technology (in force 2025-06-01).\n\n", f);
    fputs(global_usage, f);
    fputs("\nglobal options:\n"
          "  -v, --verbose   more diagnostics (repeat for debug output)\n"
          "  -q, --quiet     errors only\n"
          "  --db PATH       database file (default $FACEAUDIT_DB or\n"
          "                  $XDG_DATA_HOME/faceaudit/faceaudit.db)\n"
          "  -h, --help      this text\n"
          "  -V, --version   version and build information\n"
          "\ncommands:\n", f);
    for (e = cmd_table; *e != NULL; e++)
        fprintf(f, "  %-12s %s\n", (*e)->name, (*e)->summary);
    fputs("\nexit status: 0 ok, 1 findings or a failed gate, 2 usage or input error.\n"
          "`faceaudit help COMMAND` shows a command's options.\n", f);
}

static void
cli_print_version(FILE *f)
{
    fprintf(f, "faceaudit %s\n", PACKAGE_VERSION);
    fprintf(f, "models: @vladmandic/face-api@%s\n", FA_FACEAPI_VERSION);
}

void
cli_print_usage(FILE *f, const struct cmd_entry *e)
{
    fprintf(f, "usage: faceaudit %s%s%s\n", e->name, *e->usage != '\0' ? " " : "", e->usage);
}

static void
cli_print_command_help(FILE *f, const struct cmd_entry *e)
{
    cli_print_usage(f, e);
    fprintf(f, "\n%s\n", e->summary);
    if (e->help != NULL && *e->help != '\0')
        fprintf(f, "\n%s", e->help);
}

int
cli_error(struct cli_ctx *ctx, const char *fmt, ...)
{
    va_list ap;

    fflush(ctx->out);
    fprintf(ctx->err, "faceaudit: %s%s", ctx->cmd != NULL ? ctx->cmd : "",
        ctx->cmd != NULL ? ": " : "");
    va_start(ap, fmt);
    vfprintf(ctx->err, fmt, ap);
    va_end(ap);
    fputc('\n', ctx->err);
    return FA_EXIT_USAGE;
}

int
cli_usage_error(struct cli_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    const struct cmd_entry *e = ctx->cmd != NULL ? cli_find(ctx->cmd) : NULL;

    fflush(ctx->out);
    fprintf(ctx->err, "faceaudit: %s%s", ctx->cmd != NULL ? ctx->cmd : "",
        ctx->cmd != NULL ? ": " : "");
    va_start(ap, fmt);
    vfprintf(ctx->err, fmt, ap);
    va_end(ap);
    fputc('\n', ctx->err);
    if (e != NULL)
        cli_print_usage(ctx->err, e);
    else
        fputs(global_usage, ctx->err);
    return FA_EXIT_USAGE;
}

struct store *
cli_store(struct cli_ctx *ctx)
{
    char *cause = NULL;
    struct store *st = app_store(ctx->app, &cause);

    if (st == NULL) {
        cli_error(ctx, "%s", cause);
        free(cause);
    }
    return st;
}

static double
now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
progress_draw(void *user, const char *what, size_t done, size_t total)
{
    struct cli_progress *p = user;
    double now = now_seconds(), secs, rate, left;
    int width = 30, fill;

    if (done < total && p->drawn && now - p->last < (p->plain ? p->interval : 0.1))
        return;
    if (p->plain && !p->drawn && done < total && now - p->start < p->interval)
        return;
    p->last = now;
    p->drawn = true;
    secs = now - p->start;
    rate = secs > 0 ? (double)done / secs : 0;
    left = rate > 0 ? (double)(total - done) / rate : 0;
    if (p->plain) {
        /* not a terminal (a batch log): one plain line every few seconds */
        fprintf(p->f, "%s: %zu/%zu %s (%.0f%%), %.1f/s, %d:%02d elapsed, %d:%02d left\n",
            p->label, done, total, what, total > 0 ? 100.0 * (double)done / (double)total : 100.0, rate,
            (int)secs / 60, (int)secs % 60, (int)left / 60, (int)left % 60);
        fflush(p->f);
        return;
    }
    fill = total > 0 ? (int)((double)width * (double)done / (double)total) : width;
    fprintf(p->f, "\r[%.*s%*s] %zu/%zu %s  %.1f/s  %d:%02d left ", fill,
        "##############################", width - fill, "", done, total, what, rate,
        (int)left / 60, (int)left % 60);
    if (done >= total)
        fputc('\n', p->f);
    fflush(p->f);
}

void
cli_progress_init(struct cli_ctx *ctx, struct cli_progress *p, struct app_progress *pr)
{
    memset(p, 0, sizeof *p);
    memset(pr, 0, sizeof *pr);
    p->f = ctx->err;
    p->start = now_seconds();
    pr->progress = ctx->progress ? progress_draw : NULL;
    pr->user = p;
}

void
cli_progress_init_batch(struct cli_ctx *ctx, struct cli_progress *p, struct app_progress *pr,
    const char *label)
{
    const char *iv;

    cli_progress_init(ctx, p, pr);
    p->label = label;
    /* a bar on a terminal; otherwise (a batch log) a plain line every
     * $FACEAUDIT_PROGRESS_SECONDS (default 5) and one at the end; -q silences both */
    p->plain = !ctx->progress;
    p->interval = 5;
    if ((iv = getenv("FACEAUDIT_PROGRESS_SECONDS")) != NULL) {
        char *end;
        double v = strtod(iv, &end);

        if (end != iv && *end == '\0' && v >= 0 && v <= 86400)
            p->interval = v;
    }
    pr->progress = log_get_level() < LOG_LEVEL_QUIET ? progress_draw : NULL;
    pr->user = p;
}

void
cli_json_begin(struct cli_json *j)
{
    strbuf_init(&j->sb);
    jw_init(&j->w, &j->sb, JW_SPACED);
    jw_object(&j->w, JW_LINES);
}

void
cli_json_end(struct cli_ctx *ctx, struct cli_json *j)
{
    jw_object_end(&j->w);
    fprintf(ctx->out, "%s\n", strbuf_str(&j->sb));
    strbuf_done(&j->sb);
}

void
cli_json_lines(struct jw *w, const char *key, const char *text)
{
    const char *p, *nl;

    jw_key(w, key);
    jw_array(w, JW_LINES);
    for (p = text; p != NULL && *p != '\0'; p = nl != NULL ? nl + 1 : NULL) {
        char *line;

        nl = strchr(p, '\n');
        line = nl != NULL ? xstrndup(p, (size_t)(nl - p)) : xstrdup(p);
        jw_str(w, line);
        free(line);
    }
    jw_array_end(w);
}

int
cli_format_json(struct cli_ctx *ctx, const char *arg, bool *json)
{
    if (strcmp(arg, "text") == 0 || strcmp(arg, "json") == 0) {
        *json = arg[0] == 'j';
        return 0;
    }
    return cli_usage_error(ctx, "--format: '%s' (text or json)", arg);
}

/* --- Ctrl-C ------------------------------------------------------------------------- */

static volatile sig_atomic_t interrupted;

static void
on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

static bool
cancel_requested(void *user)
{
    (void)user;
    return interrupted != 0;
}

void
cli_cancel_init(struct app_progress *pr)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    /* the second Ctrl-C gets the default action: the user insists */
    sa.sa_flags = SA_RESTART | SA_RESETHAND;
    sigaction(SIGINT, &sa, NULL);
    pr->cancel_requested = cancel_requested;
}

bool
cli_interrupted(void)
{
    return interrupted != 0;
}

static int
cmd_help_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    const struct cmd_entry *e;

    if (argc < 2) {
        cli_print_help(ctx->out);
        return FA_EXIT_OK;
    }
    if (argc > 2)
        return cli_usage_error(ctx, "too many arguments");
    if ((e = cli_find(argv[1])) == NULL) {
        const char *names[64];
        const char *hint;
        unsigned i;

        for (i = 0; cmd_table[i] != NULL && i < FA_NITEMS(names) - 1; i++)
            names[i] = cmd_table[i]->name;
        names[i] = NULL;
        hint = str_suggest(argv[1], names);
        return cli_error(ctx, "unknown command '%s'%s%s%s", argv[1],
            hint != NULL ? " (did you mean '" : "", hint != NULL ? hint : "",
            hint != NULL ? "'?)" : "");
    }
    cli_print_command_help(ctx->out, e);
    return FA_EXIT_OK;
}

const struct cmd_entry cmd_help_entry = {
    "help", NULL, "[COMMAND]",
    "show the commands, or one command's usage and options",
    "With no argument, lists every command. With a command name, shows its\n"
    "usage, options and exit status.\n",
    cmd_help_exec
};

static void
cli_ctx_done(struct cli_ctx *ctx)
{
    app_free(ctx->app);
}

int
cli_main(int argc, char **argv)
{
    struct cli_ctx ctx;
    const struct cmd_entry *e;
    const char *no_color = getenv("NO_COLOR");
    int i, rc, verbose = 0;

    memset(&ctx, 0, sizeof ctx);
    ctx.out = stdout;
    ctx.err = stderr;
    ctx.color = isatty(STDOUT_FILENO) && (no_color == NULL || *no_color == '\0');
    ctx.progress = isatty(STDERR_FILENO);
    ctx.app = app_new(NULL);

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];

        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            cli_print_help(stdout);
            cli_ctx_done(&ctx);
            return FA_EXIT_OK;
        }
        if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
            cli_print_version(stdout);
            cli_ctx_done(&ctx);
            return FA_EXIT_OK;
        }
        if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0)
            verbose++;
        else if (strcmp(a, "-vv") == 0)
            verbose += 2;
        else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)
            verbose = -1;
        else if (strcmp(a, "--db") == 0 || str_has_prefix(a, "--db=")) {
            const char *v = a[4] == '=' ? a + 5 : (i + 1 < argc ? argv[++i] : NULL);

            if (v == NULL || *v == '\0') {
                cli_error(&ctx, "--db needs a path");
                fputs(global_usage, stderr);
                cli_ctx_done(&ctx);
                return FA_EXIT_USAGE;
            }
            app_free(ctx.app);
            ctx.app = app_new(v);
        } else {
            cli_error(&ctx, "unknown option '%s'", a);
            fputs(global_usage, stderr);
            cli_ctx_done(&ctx);
            return FA_EXIT_USAGE;
        }
    }
    log_set_level(verbose < 0 ? LOG_LEVEL_QUIET : verbose == 0 ? LOG_LEVEL_WARN :
        verbose == 1 ? LOG_LEVEL_INFO : LOG_LEVEL_DEBUG);
    if (i >= argc) {
        fputs(global_usage, stderr);
        fputs("`faceaudit --help` lists the commands.\n", stderr);
        cli_ctx_done(&ctx);
        return FA_EXIT_USAGE;
    }
    if ((e = cli_find(argv[i])) == NULL) {
        char help[] = "help";
        char *args[] = { help, argv[i], NULL };

        rc = cmd_help_exec(&ctx, 2, args);
        cli_ctx_done(&ctx);
        return rc == FA_EXIT_OK ? FA_EXIT_USAGE : rc;
    }
    ctx.cmd = e->name;
    if (i + 1 < argc && (strcmp(argv[i + 1], "--help") == 0 || strcmp(argv[i + 1], "-h") == 0)) {
        cli_print_command_help(stdout, e);
        cli_ctx_done(&ctx);
        return FA_EXIT_OK;
    }
    optind = 0; /* reset getopt for the command (glibc: full reinit) */
    rc = e->exec(&ctx, argc - i, argv + i);
    if (fflush(ctx.out) == EOF && rc == FA_EXIT_OK)
        rc = cli_error(&ctx, "writing output failed");
    cli_ctx_done(&ctx);
    return rc;
}
