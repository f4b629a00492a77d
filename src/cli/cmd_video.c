/* SPDX-License-Identifier: MIT */
/*
 * cmd_video.c - `faceaudit video FILE...`: recordings through the face
 * pipeline (app_video): what decoded and where a stream broke, the tracks
 * with their best shots, the distinct people, the most faces in view at
 * once, the estimated share of people under 14 with its interval, and with
 * --area the collection area's counts. Text or JSON; never a frame, a face
 * image, a descriptor or a person's age estimate.
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_video.h"
#include "faceaudit/app.h"
#include "faceaudit/cli.h"
#include "faceaudit/compat.h"
#include "faceaudit/fsutil.h"
#include "faceaudit/jsonw.h"
#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

int
video_parse_time(const char *s, double *out)
{
    double parts[3] = { 0, 0, 0 }, v;
    int n = 0;
    const char *p = s;
    char *end;

    if (*s == '\0')
        return -1;
    for (;;) {
        if (n == 3 || *p == '-' || *p == '+' || *p == ' ')
            return -1;
        v = strtod(p, &end);
        if (end == p || !isfinite(v) || v < 0)
            return -1;
        parts[n++] = v;
        if (*end == '\0')
            break;
        if (*end != ':')
            return -1;
        /* only the last part may have a fraction; minutes and seconds below 60 */
        if (v > floor(v))
            return -1;
        p = end + 1;
    }
    if (n >= 2 && parts[n - 1] >= 60)
        return -1;
    if (n == 3 && parts[1] >= 60)
        return -1;
    *out = n == 1 ? parts[0] : n == 2 ? parts[0] * 60 + parts[1] :
        parts[0] * 3600 + parts[1] * 60 + parts[2];
    return 0;
}

int
video_args(struct cli_ctx *ctx, int opt, const char *arg, struct face_models_opts *m,
    struct video_faces_opts *f, const char **models_dir)
{
    char *end;
    long l;
    double d;

    switch (opt) {
    case VOPT_FPS:
        d = strtod(arg, &end);
        if (*arg == '\0' || *end != '\0' || !(d > 0 && d <= 1000))
            return cli_usage_error(ctx, "--fps: '%s' is not a rate in (0, 1000]", arg);
        f->video.fps = d;
        return 0;
    case VOPT_START:
    case VOPT_END:
        if (video_parse_time(arg, &d) == -1)
            return cli_usage_error(ctx, "%s: '%s' is not a time (seconds, MM:SS or "
                "HH:MM:SS[.fff])", opt == VOPT_START ? "--start" : "--end", arg);
        if (opt == VOPT_START)
            f->video.start = d;
        else
            f->video.end = d;
        return 0;
    case VOPT_DECODE_THREADS:
        l = strtol(arg, &end, 10);
        if (*arg == '\0' || *end != '\0' || l < 0 || l > 64)
            return cli_usage_error(ctx, "--decode-threads: '%s' is not 0-64", arg);
        f->video.threads = (int)l;
        return 0;
    case VOPT_NO_ROTATE:
        f->video.no_rotate = true;
        return 0;
    case VOPT_DETECTOR:
        if (detector_kind_parse(arg, &m->detector) == -1)
            return cli_usage_error(ctx, "--detector: '%s' is not tiny, ssd or tiled", arg);
        return 0;
    case VOPT_INPUT_SIZE:
        l = strtol(arg, &end, 10);
        if (*arg == '\0' || *end != '\0' || l < 32 || l > 4096 || l % 32 != 0)
            return cli_usage_error(ctx, "--input-size: '%s' is not a multiple of 32 in 32-4096",
                arg);
        m->input_size = (int)l;
        return 0;
    case VOPT_MIN_SCORE:
        d = strtod(arg, &end);
        if (*arg == '\0' || *end != '\0' || !(d > 0 && d < 1))
            return cli_usage_error(ctx, "--min-score: '%s' is not in (0, 1)", arg);
        m->min_score = (float)d;
        return 0;
    case VOPT_MIN_FACE:
        d = strtod(arg, &end);
        if (*arg == '\0' || *end != '\0' || !(d >= 0 && d < 100000))
            return cli_usage_error(ctx, "--min-face: '%s' is not a size in pixels", arg);
        f->min_face = (float)d;
        return 0;
    case VOPT_MERGE:
        d = strtod(arg, &end);
        if (*arg == '\0' || *end != '\0' || !(d > 0 && d < 4))
            return cli_usage_error(ctx, "--merge-threshold: '%s' is not a distance in (0, 4)",
                arg);
        f->merge_threshold = (float)d;
        return 0;
    case VOPT_MAX_GAP:
        d = strtod(arg, &end);
        if (*arg == '\0' || *end != '\0' || !(d > 0 && d <= 60))
            return cli_usage_error(ctx, "--max-gap: '%s' is not a time in (0, 60] seconds", arg);
        f->track.max_gap = d;
        return 0;
    case VOPT_IOU_MIN:
        d = strtod(arg, &end);
        if (*arg == '\0' || *end != '\0' || !(d > 0 && d < 1))
            return cli_usage_error(ctx, "--iou-min: '%s' is not in (0, 1)", arg);
        f->track.iou_min = (float)d;
        return 0;
    case VOPT_MIN_HITS:
        l = strtol(arg, &end, 10);
        if (*arg == '\0' || *end != '\0' || l < 1 || l > 10000)
            return cli_usage_error(ctx, "--min-hits: '%s' is not 1-10000", arg);
        f->track.min_hits = (int)l;
        return 0;
    case VOPT_MODELS:
        if (models_dir == NULL)
            return -1;
        *models_dir = arg;
        return 0;
    default:
        return -1;
    }
}

/*
 * The estimated share of people under 14 (video_age_share), printed as an
 * estimate with its interval and the estimator's error: never an age of a
 * person, never per track.
 */
static void
under14_text(struct strbuf *sb, const char *indent, int aged, double share, double lo, double hi)
{
    if (aged == 0) {
        strbuf_printf(sb, "%sunder 14 (estimate): no person with an age estimate\n", indent);
        return;
    }
    strbuf_printf(sb, "%sunder 14 (estimate): %.1f%% of %d people with an age estimate, "
        "interval %.1f%% .. %.1f%% (95%% Wilson, widened by the estimator's error of "
        "+/- %.2f years)\n", indent, 100.0 * share, aged, 100.0 * lo, 100.0 * hi,
        (double)AGE_KNOWN_ERROR);
}

static void
under14_json(struct jw *w, int aged, double share, double lo, double hi)
{
    jw_key(w, "under14_estimate");
    jw_object(w, JW_INLINE);
    jw_kint(w, "aged", aged);
    jw_kfixed(w, "share", share, 4);
    jw_kfixed(w, "lo", lo, 4);
    jw_kfixed(w, "hi", hi, 4);
    jw_kfixed(w, "age_error_years", (double)AGE_KNOWN_ERROR, 2);
    jw_object_end(w);
}

/* Area counts of a file: tracks wholly inside, partly, wholly outside. */
static void
area_counts(const struct video_faces *r, int64_t c[3], int64_t *det_out, int64_t *det_all)
{
    size_t i;

    c[0] = c[1] = c[2] = 0;
    *det_out = *det_all = 0;
    for (i = 0; i < r->ntracks; i++) {
        const struct video_track *t = &r->tracks[i];

        c[t->outside == 0 ? 0 : t->inside == 0 ? 2 : 1]++;
        *det_out += t->outside;
        *det_all += t->inside + t->outside;
    }
}

static void
format_text(struct strbuf *sb, const char *path, const struct video_faces *r, bool area)
{
    const struct video_info *in = &r->info;
    size_t i;

    strbuf_printf(sb, "%s: %s in %s, %dx%d, %.3f fps, %.3f s, rotation %d\n", path, in->codec,
        in->container, in->width, in->height, in->frame_rate, in->duration, in->rotation);
    strbuf_printf(sb, "  frames: %" PRId64 " decoded, %" PRId64 " sampled", r->frames_decoded,
        r->frames_sampled);
    if (r->frames_sampled > 0)
        strbuf_printf(sb, " (%.3f .. %.3f s)", r->first_time, r->last_time);
    strbuf_puts(sb, "\n");
    if (r->damage != NULL)
        strbuf_printf(sb, "  damaged: %s (%" PRId64 " damaged packets)\n", r->damage,
            r->packets_damaged);
    strbuf_printf(sb, "  detections %" PRId64 ", tracks %zu, people %d\n", r->detections,
        r->ntracks, r->people);
    strbuf_printf(sb, "  most faces in view: %d", r->max_in_view);
    if (r->max_in_view > 0)
        strbuf_printf(sb, " (first at %.3f s)", r->max_in_view_time);
    strbuf_printf(sb, "; frames with 2 or more faces: %" PRId64 " (%.3f s)\n", r->frames_multi,
        r->seconds_multi);
    under14_text(sb, "  ", r->aged, r->under14_share, r->under14_lo, r->under14_hi);
    if (area) {
        int64_t c[3], dout, dall;

        area_counts(r, c, &dout, &dall);
        strbuf_printf(sb, "  collection area: tracks inside %" PRId64 ", partly outside %" PRId64
            ", outside %" PRId64 "; detections outside %" PRId64 " of %" PRId64 " (%.1f%%)\n",
            c[0], c[1], c[2], dout, dall, dall > 0 ? 100.0 * (double)dout / (double)dall : 0.0);
    }
    for (i = 0; i < r->ntracks; i++) {
        const struct video_track *t = &r->tracks[i];

        strbuf_printf(sb, "  track %zu: %.3f .. %.3f s, %d detections, person %d, best shot at "
            "%.3f s (%.0fx%.0f px, quality %.2f)", i + 1, t->first, t->last, t->hits,
            t->person + 1, t->best_time, (double)t->best_box.w, (double)t->best_box.h,
            (double)t->quality);
        if (area)
            strbuf_printf(sb, ", %d inside, %d outside", t->inside, t->outside);
        strbuf_puts(sb, "\n");
    }
}

static void
format_json(struct jw *w, const char *path, const struct video_faces *r, bool area)
{
    const struct video_info *in = &r->info;
    size_t i;

    jw_object(w, JW_LINES);
    jw_kstr(w, "file", path);
    jw_kstr(w, "codec", in->codec);
    jw_kstr(w, "container", in->container);
    jw_kint(w, "width", in->width);
    jw_kint(w, "height", in->height);
    jw_kint(w, "rotation", in->rotation);
    jw_kfixed(w, "frame_rate", in->frame_rate, 3);
    jw_kfixed(w, "duration", in->duration, 3);
    jw_kint(w, "frames_decoded", r->frames_decoded);
    jw_kint(w, "frames_sampled", r->frames_sampled);
    jw_kstr(w, "damage", r->damage);
    jw_kint(w, "packets_damaged", r->packets_damaged);
    jw_kint(w, "detections", r->detections);
    jw_kint(w, "tracks", (long long)r->ntracks);
    jw_kint(w, "people", r->people);
    jw_kint(w, "max_in_view", r->max_in_view);
    jw_kfixed(w, "max_in_view_time", r->max_in_view_time, 3);
    jw_kint(w, "frames_multi", r->frames_multi);
    jw_kfixed(w, "seconds_multi", r->seconds_multi, 3);
    under14_json(w, r->aged, r->under14_share, r->under14_lo, r->under14_hi);
    if (area) {
        int64_t c[3], dout, dall;

        area_counts(r, c, &dout, &dall);
        jw_key(w, "area");
        jw_object(w, JW_INLINE);
        jw_kint(w, "tracks_inside", c[0]);
        jw_kint(w, "tracks_partly_outside", c[1]);
        jw_kint(w, "tracks_outside", c[2]);
        jw_kint(w, "detections_outside", dout);
        jw_kint(w, "detections", dall);
        jw_object_end(w);
    }
    jw_key(w, "track_list");
    jw_array(w, JW_LINES);
    for (i = 0; i < r->ntracks; i++) {
        const struct video_track *t = &r->tracks[i];

        jw_object(w, JW_INLINE);
        jw_kint(w, "person", t->person + 1);
        jw_kfixed(w, "first", t->first, 3);
        jw_kfixed(w, "last", t->last, 3);
        jw_kint(w, "detections", t->hits);
        jw_kfixed(w, "best_time", t->best_time, 3);
        jw_kfixed(w, "quality", t->quality, 3);
        if (area) {
            jw_kint(w, "inside", t->inside);
            jw_kint(w, "outside", t->outside);
        }
        jw_object_end(w);
    }
    jw_array_end(w);
    jw_object_end(w);
}

void
video_footage_text(struct strbuf *sb, const struct footage_result *fr)
{
    size_t i;
    int k;

    strbuf_printf(sb, "recorded footage: %zu recordings (%s)\n", fr->files, fr->method);
    for (i = 0; i < fr->n; i++) {
        const struct footage_day *d = &fr->days[i];
        char b[11];

        date_format(d->date, b);
        strbuf_printf(sb, "  %s %s: recordings %d (%.1f s, %" PRId64 " frames), tracks %" PRId64
            ", people %" PRId64 "\n    in view at once: at most %d, %.1f s with 2 or more, "
            "tracks seen with another face %" PRId64 "\n", d->device, b, d->recordings,
            d->seconds, d->frames, d->tracks, d->people, d->max_in_view, d->seconds_multi,
            d->tracks_with_others);
        under14_text(sb, "    ", d->aged, d->under14_share, d->under14_lo, d->under14_hi);
        if (d->has_area) {
            strbuf_printf(sb, "    outside the collection area: %" PRId64 " of %" PRId64
                " tracks (%.0f%%), %" PRId64 " wholly", d->tracks_outside, d->tracks,
                d->tracks > 0 ? 100.0 * (double)d->tracks_outside / (double)d->tracks : 0.0,
                d->tracks_wholly_outside);
            for (k = 0; k < d->nexamples; k++)
                strbuf_printf(sb, "%s%s", k == 0 ? "; e.g. at " : ", ", d->examples[k]);
            strbuf_puts(sb, "\n");
        } else
            strbuf_puts(sb, "    outside the collection area: not measured (the device has no "
                "collection_area)\n");
        if (d->damage != NULL)
            strbuf_printf(sb, "    damaged: %s\n", d->damage);
    }
    if (fr->ncontra > 0)
        strbuf_printf(sb, "declared against observed: %zu contradictions\n", fr->ncontra);
    for (i = 0; i < fr->ncontra; i++) {
        const struct footage_contradiction *c = &fr->contra[i];
        char b[11];

        date_format(c->date, b);
        strbuf_printf(sb, "  %s %s: %s\n    declared: %s\n    observed: %s\n    from: %s\n",
            c->device, b, c->fact, c->declared, c->observed, c->provenance);
    }
    if (fr->nfindings > 0)
        strbuf_printf(sb, "findings on observed facts: %zu (the rule pack, each day's audit)\n",
            fr->nfindings);
    for (i = 0; i < fr->nfindings; i++) {
        const struct footage_finding *f = &fr->findings[i];
        char b[11];

        date_format(f->date, b);
        strbuf_printf(sb, "  %s %s %s: %s\n", b, f->rule_id, f->device,
            rule_outcome_name((enum rule_outcome)f->outcome));
        if (f->message != NULL)
            strbuf_printf(sb, "    %s\n", f->message);
        strbuf_printf(sb, "    declared: %s\n    observed: %s\n    from: %s\n", f->declared,
            f->observed, f->provenance);
    }
    strbuf_puts(sb, "\n");
}

void
video_footage_json(struct strbuf *sb, const struct footage_result *fr)
{
    struct jw w;
    size_t i;
    int k;

    jw_init(&w, sb, JW_SPACED);
    jw_object(&w, JW_LINES);
    jw_kint(&w, "recordings", (long long)fr->files);
    jw_kstr(&w, "method", fr->method);
    jw_key(&w, "days");
    jw_array(&w, JW_LINES);
    for (i = 0; i < fr->n; i++) {
        const struct footage_day *d = &fr->days[i];
        char b[11];

        date_format(d->date, b);
        jw_object(&w, JW_INLINE);
        jw_kstr(&w, "device", d->device);
        jw_kstr(&w, "date", b);
        jw_kint(&w, "recordings", d->recordings);
        jw_kfixed(&w, "seconds", d->seconds, 3);
        jw_kint(&w, "frames", d->frames);
        jw_kint(&w, "tracks", d->tracks);
        jw_kint(&w, "people", d->people);
        jw_kint(&w, "max_in_view", d->max_in_view);
        jw_kfixed(&w, "seconds_multi", d->seconds_multi, 3);
        jw_kint(&w, "tracks_with_others", d->tracks_with_others);
        under14_json(&w, d->aged, d->under14_share, d->under14_lo, d->under14_hi);
        if (d->has_area) {
            jw_kint(&w, "tracks_outside", d->tracks_outside);
            jw_kint(&w, "tracks_wholly_outside", d->tracks_wholly_outside);
            jw_key(&w, "outside_examples");
            jw_array(&w, JW_INLINE);
            for (k = 0; k < d->nexamples; k++)
                jw_str(&w, d->examples[k]);
            jw_array_end(&w);
        }
        jw_kstr(&w, "damage", d->damage);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    jw_key(&w, "contradictions");
    jw_array(&w, JW_LINES);
    for (i = 0; i < fr->ncontra; i++) {
        const struct footage_contradiction *c = &fr->contra[i];
        char b[11];

        date_format(c->date, b);
        jw_object(&w, JW_INLINE);
        jw_kstr(&w, "device", c->device);
        jw_kstr(&w, "date", b);
        jw_kstr(&w, "fact", c->fact);
        jw_kstr(&w, "declared", c->declared);
        jw_kstr(&w, "observed", c->observed);
        jw_kstr(&w, "provenance", c->provenance);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    jw_key(&w, "findings");
    jw_array(&w, JW_LINES);
    for (i = 0; i < fr->nfindings; i++) {
        const struct footage_finding *f = &fr->findings[i];
        char b[11];

        date_format(f->date, b);
        jw_object(&w, JW_INLINE);
        jw_kstr(&w, "date", b);
        jw_kstr(&w, "rule", f->rule_id);
        jw_kint(&w, "article", f->article);
        jw_kstr(&w, "device", f->device);
        jw_kstr(&w, "outcome", rule_outcome_name((enum rule_outcome)f->outcome));
        jw_kstr(&w, "message", f->message);
        jw_kstr(&w, "declared", f->declared);
        jw_kstr(&w, "observed", f->observed);
        jw_kstr(&w, "provenance", f->provenance);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    jw_object_end(&w);
}

static int
cmd_video_exec(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        VIDEO_LONGOPTS,
        { "area", required_argument, NULL, 'a' },
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 }
    };
    struct app_video_params p;
    struct app_video_result *r;
    struct cli_progress cp;
    struct app_progress pr;
    const char *format = "text", *out = NULL;
    struct strbuf sb;
    char *cause = NULL;
    int c, rc = FA_EXIT_OK;
    size_t i;

    app_video_params_default(&p);
    while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
        switch (c) {
        case 'a': p.area = optarg; break;
        case 'f': format = optarg; break;
        case 'o': out = optarg; break;
        case '?': return cli_usage_error(ctx, "bad option");
        default:
            if ((rc = video_args(ctx, c, optarg, &p.models, &p.faces, &p.models_dir)) != 0)
                return rc == -1 ? cli_usage_error(ctx, "bad option") : rc;
        }
    }
    if (optind == argc)
        return cli_usage_error(ctx, "missing FILE");
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
        return cli_usage_error(ctx, "--format: '%s' is not text or json", format);
    if (p.faces.video.end > 0 && p.faces.video.end <= p.faces.video.start)
        return cli_usage_error(ctx, "--end must be after --start");
    cli_progress_init(ctx, &cp, &pr);
    r = app_video(ctx->app, &p, argv + optind, (size_t)(argc - optind), &pr, &cause);
    if (r == NULL) {
        rc = cli_error(ctx, "%s", cause);
        free(cause);
        return rc;
    }
    strbuf_init(&sb);
    if (strcmp(format, "json") == 0) {
        struct jw w;

        jw_init(&w, &sb, JW_SPACED);
        jw_object(&w, JW_LINES);
        jw_kstr(&w, "format", "faceaudit-video/1");
        jw_kstr(&w, "libraries", video_lib_versions());
        jw_key(&w, "files");
        jw_array(&w, JW_LINES);
        for (i = 0; i < r->n; i++)
            format_json(&w, argv[optind + (int)i], r->files[i], p.area != NULL);
        jw_array_end(&w);
        jw_object_end(&w);
        strbuf_puts(&sb, "\n");
    } else {
        for (i = 0; i < r->n; i++)
            format_text(&sb, argv[optind + (int)i], r->files[i], p.area != NULL);
    }
    if (out == NULL)
        fwrite(strbuf_str(&sb), 1, sb.len, ctx->out);
    else if (fs_write_atomic(out, strbuf_str(&sb), sb.len, 0644, &cause) == -1) {
        rc = cli_error(ctx, "%s", cause);
        free(cause);
    }
    strbuf_done(&sb);
    /* a damaged stream: its results are printed, and it is an input error */
    for (i = 0; i < r->n && rc == FA_EXIT_OK; i++) {
        if (r->files[i]->damage != NULL)
            rc = cli_error(ctx, "%s: %s", argv[optind + (int)i], r->files[i]->damage);
    }
    for (; i < r->n; i++) {
        if (r->files[i]->damage != NULL)
            fprintf(ctx->err, "faceaudit: %s: %s: %s\n", ctx->cmd, argv[optind + (int)i],
                r->files[i]->damage);
    }
    app_video_result_free(r);
    return rc;
}

const struct cmd_entry cmd_video_entry = {
    "video", NULL,
    "FILE... [--fps N] [--start T] [--end T] [--decode-threads N] [--no-rotate] "
    "[--detector tiny|ssd|tiled] [--input-size N] [--min-score S] [--min-face PX] "
    "[--max-gap S] [--iou-min X] [--min-hits N] [--merge-threshold D] [--area POLYGON] "
    "[--format text|json] [-o FILE]",
    "track faces through recorded footage: tracks, people, faces in view",
    "Decodes each video with FFmpeg's libraries (any container and codec the\n"
    "installed FFmpeg decodes; the rotation flag is honoured), runs face\n"
    "detection and the 68 landmarks on every sampled frame, links the\n"
    "detections into tracks, keeps each track's best shot (size x frontal pose\n"
    "x sharpness) in memory only, computes one descriptor per track and merges\n"
    "the tracks of one person (nearest earlier track under the threshold, never\n"
    "two tracks in view at once). Prints what decoded, the tracks, the distinct\n"
    "people, the most faces in view at once and the time with two or more faces,\n"
    "and the ESTIMATED share of people under 14 with its interval (AgeGenderNet\n"
    "on each person's best shot; an estimate with a known error of about 4.8\n"
    "years, never an age of a person: no age is printed or stored).\n"
    "No frame, face image or descriptor is written. A damaged stream is\n"
    "processed as far as it decodes; where it broke is printed and the exit\n"
    "status is 2.\n"
    "\n"
    "options:\n"
    FOOTAGE_HELP
    "  --start T, --end T    a time range: seconds, MM:SS or HH:MM:SS[.fff]\n"
    "  --detector D          tiny (default), ssd or tiled; --input-size N (tiny),\n"
    "                        --min-score S; --models DIR\n"
    "  --area POLYGON        the collection area \"x,y x,y x,y ...\" in image pixels:\n"
    "                        each detection's box centre is counted inside or outside\n"
    "  --format F            text (default) or json\n"
    "  -o FILE               write the output to FILE atomically\n",
    cmd_video_exec
};
