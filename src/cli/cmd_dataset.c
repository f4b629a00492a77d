/* SPDX-License-Identifier: MIT */
/*
 * cmd_dataset.c - `faceaudit dataset check`: a labelled dataset loaded and
 * every file read (and decoded) through app_dataset_check(): the counts, and
 * the files that are missing, unreadable or duplicates, as text or JSON.
 * Ctrl-C stops the check at its next file (exit 130, nothing printed but the
 * message: the check writes nothing).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/app.h"
#include "faceaudit/cli.h"

/* The text lists stop after this many entries ("... and N more"); JSON has them all. */
#define LIST_SHOWN 50

static int
parse_u64(const char *s, uint64_t *v)
{
    char *end;
    unsigned long long x;

    if (*s == '-' || *s == '\0')
        return -1;
    errno = 0;
    x = strtoull(s, &end, 10);
    if (*end != '\0' || errno != 0)
        return -1;
    *v = x;
    return 0;
}

static void
print_list(FILE *o, const char *what, char **list, size_t n)
{
    size_t i;

    fprintf(o, "%s: %zu\n", what, n);
    for (i = 0; i < n && i < LIST_SHOWN; i++)
        fprintf(o, "  %s\n", list[i]);
    if (n > LIST_SHOWN)
        fprintf(o, "  ... and %zu more\n", n - LIST_SHOWN);
}

/* The check's counts and lists. */
static void
print_check(FILE *o, const struct dataset *ds, const struct ds_check *chk)
{
    fprintf(o, "dataset: %s (format %s, manifest sha256 %s)\n", ds->source, ds->format,
        ds->manifest_sha256);
    fprintf(o, "images: %zu, subjects: %zu", chk->images, chk->subjects);
    if (chk->subjects > 0)
        fprintf(o, " (%zu to %zu images each)", chk->per_subject_min, chk->per_subject_max);
    fprintf(o, "\nface boxes: %zu\n", chk->boxes);
    if (chk->pairs > 0)
        fprintf(o, "listed pairs: %zu (%zu genuine, %zu impostor) in %u fold(s)\n",
            chk->pairs, chk->genuine, chk->impostor, ds->nfolds);
    if (ds->unlabelled > 0)
        fprintf(o, "images without an identity folder (skipped): %zu\n", ds->unlabelled);
    fprintf(o, "under-14 images: %zu\nbytes read: %" PRIu64 "\n", chk->minors, chk->bytes);
    print_list(o, "missing", chk->missing, chk->nmissing);
    print_list(o, "unreadable", chk->unreadable, chk->nunreadable);
    print_list(o, "duplicates (same content)", chk->duplicates, chk->nduplicates);
}

static void
json_list(struct jw *w, const char *key, char **list, size_t n)
{
    size_t i;

    jw_key(w, key);
    jw_array(w, JW_LINES);
    for (i = 0; i < n; i++)
        jw_str(w, list[i]);
    jw_array_end(w);
}

/* The same as a JSON document (every entry of the lists). */
static void
check_json(struct cli_ctx *ctx, const struct dataset *ds, const struct ds_check *chk)
{
    struct cli_json j;

    cli_json_begin(&j);
    jw_kstr(&j.w, "dataset", ds->source);
    jw_kstr(&j.w, "format", ds->format);
    jw_kstr(&j.w, "manifest_sha256", ds->manifest_sha256);
    jw_kbool(&j.w, "ok", chk->nmissing + chk->nunreadable + chk->nduplicates == 0);
    jw_kuint(&j.w, "images", chk->images);
    jw_kuint(&j.w, "subjects", chk->subjects);
    jw_kuint(&j.w, "per_subject_min", chk->per_subject_min);
    jw_kuint(&j.w, "per_subject_max", chk->per_subject_max);
    jw_kuint(&j.w, "boxes", chk->boxes);
    jw_key(&j.w, "pairs");
    jw_object(&j.w, JW_INLINE);
    jw_kuint(&j.w, "listed", chk->pairs);
    jw_kuint(&j.w, "genuine", chk->genuine);
    jw_kuint(&j.w, "impostor", chk->impostor);
    jw_kuint(&j.w, "folds", ds->nfolds);
    jw_object_end(&j.w);
    jw_kuint(&j.w, "unlabelled", ds->unlabelled);
    jw_kuint(&j.w, "under14", chk->minors);
    jw_kuint(&j.w, "bytes", chk->bytes);
    json_list(&j.w, "missing", chk->missing, chk->nmissing);
    json_list(&j.w, "unreadable", chk->unreadable, chk->nunreadable);
    json_list(&j.w, "duplicates", chk->duplicates, chk->nduplicates);
    cli_json_end(ctx, &j);
}

/* argv -> params; 0, or an exit code after the usage error. */
static int
dataset_args(struct cli_ctx *ctx, int argc, char **argv, struct app_dataset_check_params *p,
    bool *json)
{
    static const struct option longopts[] = {
        { "dataset-format", required_argument, NULL, 'F' },
        { "max-images", required_argument, NULL, 'M' },
        { "max-file-bytes", required_argument, NULL, 'X' },
        { "no-decode", no_argument, NULL, 'N' },
        { "format", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 }
    };
    uint64_t u;
    int c;

    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'F':
            p->ds.format = optarg;
            break;
        case 'M':
            if (parse_u64(optarg, &u) == -1 || u < 1)
                return cli_usage_error(ctx, "--max-images: '%s'", optarg);
            p->ds.max_items = (size_t)u;
            break;
        case 'X':
            if (parse_u64(optarg, &p->max_file_bytes) == -1 || p->max_file_bytes < 1)
                return cli_usage_error(ctx, "--max-file-bytes: '%s'", optarg);
            break;
        case 'N':
            p->decode = false;
            break;
        case 'f':
            if ((c = cli_format_json(ctx, optarg, json)) != 0)
                return c;
            break;
        default:
            return cli_usage_error(ctx, "bad option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error(ctx, "check needs one DIR or FILE");
    p->dataset = argv[optind];
    return 0;
}

static int
cmd_dataset_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    struct app_dataset_check_params p;
    struct app_dataset_check_result *r;
    struct app_progress pr;
    struct cli_progress bar;
    char *cause = NULL;
    bool json = false;
    int rc;

    app_dataset_check_params_default(&p);
    if (argc < 2)
        return cli_usage_error(ctx, "missing subcommand (check)");
    if (strcmp(argv[1], "check") != 0)
        return cli_usage_error(ctx, "unknown subcommand '%s' (check)", argv[1]);
    if ((rc = dataset_args(ctx, argc - 1, argv + 1, &p, &json)) != 0)
        return rc;
    cli_progress_init(ctx, &bar, &pr);
    cli_cancel_init(&pr);
    if ((r = app_dataset_check(&p, &pr, &cause)) == NULL) {
        if (cli_interrupted() && strcmp(cause, APP_CANCELLED) == 0) {
            cli_error(ctx, "interrupted: the check stopped before its last file; nothing "
                "was reported (it writes nothing)");
            rc = FA_EXIT_INTERRUPTED;
        } else
            rc = cli_error(ctx, "%s", cause);
        free(cause);
        return rc;
    }
    if (json)
        check_json(ctx, r->ds, &r->chk);
    else
        print_check(ctx->out, r->ds, &r->chk);
    rc = r->chk.nmissing + r->chk.nunreadable + r->chk.nduplicates > 0 ? FA_EXIT_FINDINGS :
        FA_EXIT_OK;
    app_dataset_check_result_free(r);
    return rc;
}

const struct cmd_entry cmd_dataset_entry = {
    "dataset", NULL, "check DIR|FILE [--dataset-format F] [--max-images N] "
    "[--max-file-bytes N] [--no-decode] [--format text|json]",
    "check a labelled dataset: counts, missing, unreadable and duplicate files",
    "Loads the dataset (CSV manifest, folder per identity, LFW pairs.txt or\n"
    "imglab XML; datasets/README.md documents them), reads and decodes every\n"
    "image, and reports the counts, files that are missing, unreadable, empty,\n"
    "over --max-file-bytes (default 64 MiB) or not decodable (--no-decode\n"
    "skips decoding), and files with identical content.\n"
    "\n"
    "  --format json   {dataset, format, manifest_sha256, ok, images, subjects,\n"
    "                  per_subject_min, per_subject_max, boxes, pairs {listed,\n"
    "                  genuine, impostor, folds}, unlabelled, under14, bytes,\n"
    "                  missing, unreadable, duplicates} (the lists complete; the\n"
    "                  text shows the first 50 of each)\n"
    "\n"
    "Ctrl-C stops the check at its next file.\n"
    "\n"
    "exit status: 0 clean; 1 problems found; 2 the dataset cannot be loaded\n"
    "(the message says file:line and the column); 130 interrupted.\n",
    cmd_dataset_exec
};
