/* SPDX-License-Identifier: MIT */
/*
 * cmd_audit.c - `faceaudit audit SCENARIO`: options to app_audit() params
 * (which loads, evaluates and stores the run), then the verdict in the
 * chosen report format to stdout or atomically to -o FILE. Exit 1 when any
 * rule fails, 2 on bad input.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/app.h"
#include "faceaudit/cli.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/report.h"

static void
warn(void *user, const char *msg)
{
    struct cli_ctx *ctx = user;

    fprintf(ctx->err, "faceaudit: audit: warning: %s\n", msg);
}

/* argv -> params; 0, or an exit code after the usage error. */
static int
parse_args(struct cli_ctx *ctx, int argc, char **argv, struct app_audit_params *p,
    const char **format, const char **outpath, bool *verbose)
{
    static const struct option longopts[] = {
        { "as-of", required_argument, NULL, 'a' },
        { "waivers", required_argument, NULL, 'w' },
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { "verbose", no_argument, NULL, 'v' },
        { "no-save", no_argument, NULL, 'n' },
        { "simulate", no_argument, NULL, 'S' },
        { "eval", required_argument, NULL, 'E' },
        { "baseline", required_argument, NULL, 'b' },
        { "expect", required_argument, NULL, 'e' },
        { NULL, 0, NULL, 0 }
    };
    char *cause = NULL;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "a:w:f:o:v", longopts, NULL)) != -1) {
        switch (c) {
        case 'a':
            if (date_parse(optarg, &p->as_of, &cause) != 0) {
                cli_usage_error(ctx, "--as-of: %s", cause);
                free(cause);
                return FA_EXIT_USAGE;
            }
            break;
        case 'w': p->waivers_path = optarg; break;
        case 'f':
            *format = optarg;
            if (report_writer_find(optarg) == NULL)
                return cli_usage_error(ctx, "--format must be one of %s, not '%s'",
                    report_writer_names(), optarg);
            break;
        case 'o': *outpath = optarg; break;
        case 'v': *verbose = true; break;
        case 'S': p->simulate = true; break;
        case 'E': p->eval_ref = optarg; break;
        case 'n': p->save = false; break;
        case 'b': p->baseline = optarg; break;
        case 'e': p->expect_path = optarg; break;
        default:
            return cli_usage_error(ctx, "bad option");
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(ctx, argc - optind == 0 ? "missing SCENARIO" :
            "one SCENARIO at a time");
    p->scenario_path = argv[optind];
    return 0;
}

/* The verdict in the chosen format, to stdout or atomically to a file; 0 or -1. */
static int
print_result(struct cli_ctx *ctx, struct app_audit_result *r, const char *format,
    const char *outpath, bool verbose)
{
    char *text, *cause = NULL;
    int rc = 0;

    r->meta.color = ctx->color && outpath == NULL;
    r->rin.verbose = verbose;
    if ((text = report_render(format, &r->rin, &cause)) == NULL)
        rc = -1;
    else if (outpath != NULL)
        rc = fs_write_atomic(outpath, text, strlen(text), 0644, &cause);
    else
        fputs(text, ctx->out);
    if (rc != 0) {
        cli_error(ctx, "%s", cause);
        free(cause);
    }
    free(text);
    return rc;
}

static int
cmd_audit_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    struct app_audit_params p;
    struct app_audit_result *r;
    const char *format = "text", *outpath = NULL;
    bool verbose = false;
    char *cause = NULL;
    int rc;

    app_audit_params_default(&p);
    p.warn = warn;
    p.warn_user = ctx;
    if ((rc = parse_args(ctx, argc, argv, &p, &format, &outpath, &verbose)) != 0)
        return rc;
    if ((r = app_audit(ctx->app, &p, &cause)) == NULL) {
        rc = cli_error(ctx, "%s", cause);
        free(cause);
        return rc;
    }
    if (print_result(ctx, r, format, outpath, verbose) != 0)
        rc = FA_EXIT_USAGE;
    else if (r->expect_bad >= 0) {
        fputs(r->expect_log, ctx->err);
        if (r->expect_bad > 0)
            cli_error(ctx, "%d outcome%s differ from %s", r->expect_bad,
                r->expect_bad == 1 ? "" : "s", p.expect_path);
        rc = r->expect_bad == 0 ? FA_EXIT_OK : FA_EXIT_FINDINGS;
    } else
        rc = audit_failed(r->res) ? FA_EXIT_FINDINGS : FA_EXIT_OK;
    app_audit_result_free(r);
    return rc;
}

const struct cmd_entry cmd_audit_entry = {
    "audit", NULL,
    "SCENARIO [--as-of DATE] [--waivers FILE] [--format FORMAT] [--baseline RUN] [-o FILE] [-v]\n"
    "       [--no-save] [--expect FILE] [--simulate]\n"
    "       [--eval RUN]",
    "audit a deployment against the 20 articles of the Measures",
    "  SCENARIO            a scenario file (*.fa.yaml, see faceaudit-scenario(5))\n"
    "  --as-of DATE        evaluate as of DATE (default: the scenario's as_of, else\n"
    "                      today); articles not yet in force are not_applicable\n"
    "  --waivers FILE      apply the waivers in FILE (YAML; faceaudit-rules(5))\n"
    "  --format FORMAT     text (default), json (faceaudit-json(5)), csv, markdown,\n"
    "                      sarif (2.1.0), junit or html (self-contained, A4)\n"
    "  --baseline RUN      mark each finding new, unchanged, updated or absent against\n"
    "                      a stored run (id, name, latest, latest~N) or a JSON result\n"
    "  -o, --output FILE   write the result to FILE atomically instead of stdout\n"
    "  -v, --verbose       list passing and not-applicable findings too\n"
    "  --no-save           do not record the run in the database\n"
    "  --eval RUN          html: add a stored eval run's DET, ROC, histograms and\n"
    "                      threshold table (name or #ID)\n"
    "  --simulate          html: add the simulated stored-person curve from the\n"
    "                      scenario's simulation: facts (Art. 15 threshold, deadline)\n"
    "  --expect FILE       compare with expected outcomes (lines `expect RULE[@ID]\n"
    "                      OUTCOME`, `article N OUTCOME`, `grade G`); the exit\n"
    "                      status is then 0 when all match, 1 when any differs\n"
    "\n"
    "Each rule instance is pass, fail, not_applicable, needs_evidence (a fact it\n"
    "needs is unknown), advisory or waived, with the facts it read and the clause\n"
    "it cites. The run is saved in the database (scenario, rule-pack and calendar\n"
    "hashes, as-of date, every finding). Exit status 1 when any rule fails.\n",
    cmd_audit_exec
};
