/* SPDX-License-Identifier: MIT */
/*
 * video_decode.c - video files through FFmpeg's libraries (the only file
 * that includes libav*): any container and codec the installed build
 * decodes, frame times from the stream's timestamps, sampling to a frame
 * rate, a time range (a seek, then frames before the start dropped), the
 * rotation of the display matrix applied, decoder threads. A damaged
 * stream keeps decoding where it can; the first problem (corrupt packet,
 * read error, a stream ending before its declared duration) is kept with
 * its time, frame and byte offset for video_damage(). FFmpeg reads through
 * an I/O context of ours (a descriptor or a memory buffer), so what the
 * caller checked is what is decoded, and may open no other file or URL.
 */
#include "config.h"

#include "faceaudit/video.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>

#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"

/* Where the bytes come from: a descriptor or a buffer. */
struct src {
    int fd;                 /* -1: the buffer */
    const uint8_t *data;
    int64_t len, pos;
};

struct video {
    char *path;
    struct src src;
    int own_fd;             /* video_open's descriptor, closed with the video (-1: none) */
    AVIOContext *io;
    struct video_opts opts;
    struct video_info info;
    AVFormatContext *fmt;
    AVCodecContext *dec;
    AVPacket *pkt;
    AVFrame *frame;
    struct SwsContext *sws;
    int sws_w, sws_h, sws_fmt;
    int stream;
    double tb;              /* stream time base in seconds */
    int64_t t0;             /* stream start time in time-base units */
    struct image *rgb;      /* decoded, before rotation */
    struct image *out;      /* rotated (or rgb itself) */
    struct image *spare;    /* a buffer given back (video_frame_give) for the next frame */
    bool fresh;             /* out holds the frame video_next last returned, not yet taken */
    int64_t decoded;
    double last_time;
    double next_sample;
    bool draining, done, checked_end;
    char *damage;
    int64_t damaged;
    int64_t last_pos;       /* byte offset of the last packet read */
};

static char *
averr(int e)
{
    char buf[AV_ERROR_MAX_STRING_SIZE];

    av_strerror(e, buf, sizeof buf);
    return xstrdup(buf);
}

/* Keep the first problem; count all. */
static void
note_damage(struct video *v, const char *what, int e)
{
    char *why = e != 0 ? averr(e) : NULL;

    v->damaged++;
    if (v->damage == NULL)
        v->damage = xasprintf("%s at %.3f s (byte %lld, after frame %lld)%s%s", what,
            v->last_time, (long long)v->last_pos, (long long)v->decoded,
            why != NULL ? ": " : "", why != NULL ? why : "");
    free(why);
}

const char *
video_lib_versions(void)
{
    static char buf[160];

    if (buf[0] == '\0') {
        unsigned f = avformat_version(), c = avcodec_version(), s = swscale_version();

        snprintf(buf, sizeof buf, "libavformat %u.%u.%u, libavcodec %u.%u.%u, libswscale %u.%u.%u",
            f >> 16, (f >> 8) & 0xff, f & 0xff, c >> 16, (c >> 8) & 0xff, c & 0xff, s >> 16,
            (s >> 8) & 0xff, s & 0xff);
    }
    return buf;
}

/* Clockwise rotation in {0, 90, 180, 270} from the stream's display matrix. */
static int
stream_rotation(const AVStream *st)
{
    const uint8_t *m = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, NULL);
    double a;
    int r;

    if (m == NULL)
        return 0;
    a = -av_display_rotation_get((const int32_t *)(const void *)m); /* counter-clockwise -> cw */
    if (isnan(a))
        return 0;
    r = (int)lround(a / 90.0) * 90;
    r %= 360;
    if (r < 0)
        r += 360;
    return r;
}

static int
check_size(const struct video *v, int w, int h, char **cause)
{
    int64_t max = v->opts.max_pixels > 0 ? v->opts.max_pixels : VIDEO_MAX_PIXELS;

    if (w <= 0 || h <= 0)
        return cause_set(cause, "%s: video frames of %dx%d pixels", v->path, w, h);
    if (w > VIDEO_MAX_SIDE || h > VIDEO_MAX_SIDE || (int64_t)w * h > max)
        return cause_set(cause, "%s: video frames of %dx%d pixels exceed the limit of %lld "
            "pixels (%d per side)", v->path, w, h, (long long)max, VIDEO_MAX_SIDE);
    return 0;
}

static int
src_read(void *opaque, uint8_t *buf, int size)
{
    struct src *s = opaque;
    ssize_t n;

    if (s->fd < 0) {
        int64_t left = s->len - s->pos;

        if (left <= 0)
            return AVERROR_EOF;
        n = left < size ? (ssize_t)left : size;
        memcpy(buf, s->data + s->pos, (size_t)n);
        s->pos += n;
        return (int)n;
    }
    do
        n = read(s->fd, buf, (size_t)size);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return AVERROR(errno);
    return n == 0 ? AVERROR_EOF : (int)n;
}

static int64_t
src_seek(void *opaque, int64_t off, int whence)
{
    struct src *s = opaque;

    whence &= ~AVSEEK_FORCE;
    if (s->fd >= 0) {
        struct stat st;

        if (whence == AVSEEK_SIZE)
            return fstat(s->fd, &st) == 0 ? (int64_t)st.st_size : AVERROR(errno);
        off = (int64_t)lseek(s->fd, (off_t)off, whence);
        return off >= 0 ? off : AVERROR(errno);
    }
    if (whence == AVSEEK_SIZE)
        return s->len;
    if (whence == SEEK_CUR && off <= INT64_MAX - s->pos)
        off += s->pos;
    else if (whence == SEEK_END && off <= INT64_MAX - s->len)
        off += s->len;
    else if (whence != SEEK_SET)
        return AVERROR(EINVAL);
    if (off < 0)
        return AVERROR(EINVAL);
    s->pos = off;
    return off;
}

/* FFmpeg may open nothing but the one input (a playlist's segments, an external file). */
static int
refuse_open(struct AVFormatContext *s, AVIOContext **pb, const char *url, int flags,
    AVDictionary **options)
{
    (void)s;
    (void)pb;
    (void)url;
    (void)flags;
    (void)options;
    return AVERROR(EPERM);
}

/* The container, its best video stream and the decoder over v->src; 0 or -1. */
static int
open_stream(struct video *v, char **cause)
{
    const char *path = v->path;
    const AVCodec *codec = NULL;
    unsigned char *buf;
    AVStream *st;
    int64_t max_frames = v->opts.max_frames > 0 ? v->opts.max_frames : VIDEO_MAX_FRAMES;
    double max_secs = v->opts.max_seconds > 0 ? v->opts.max_seconds : VIDEO_MAX_SECONDS;
    int e;

    if (!(v->opts.fps >= 0) || !isfinite(v->opts.fps) || !(v->opts.start >= 0) ||
        !isfinite(v->opts.start) || isnan(v->opts.end))
        return cause_set(cause, "%s: bad sampling rate or time range", path);
    av_log_set_level(AV_LOG_QUIET);
    buf = av_malloc(65536);
    v->io = buf != NULL ? avio_alloc_context(buf, 65536, 0, &v->src, src_read, NULL, src_seek) :
        NULL;
    v->fmt = avformat_alloc_context();
    if (v->io == NULL || v->fmt == NULL) {
        if (v->io == NULL)
            av_free(buf);
        fatalx("out of memory");
    }
    v->fmt->pb = v->io;
    v->fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
    v->fmt->io_open = refuse_open;
    if ((e = avformat_open_input(&v->fmt, path, NULL, NULL)) < 0) {
        char *why = averr(e);

        cause_set(cause, "%s: %s", path, why);
        free(why);
        return -1;
    }
    if ((e = avformat_find_stream_info(v->fmt, NULL)) < 0) {
        char *why = averr(e);

        cause_set(cause, "%s: no stream information: %s", path, why);
        free(why);
        return -1;
    }
    if ((v->stream = av_find_best_stream(v->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0)) < 0)
        return cause_set(cause, "%s: %s", path, v->stream == AVERROR_DECODER_NOT_FOUND ?
            "no decoder for its video stream in this FFmpeg build" : "no video stream");
    st = v->fmt->streams[v->stream];
    if (check_size(v, st->codecpar->width, st->codecpar->height, cause) == -1)
        return -1;
    v->tb = av_q2d(st->time_base);
    if (st->duration > 0 && st->duration != AV_NOPTS_VALUE)
        v->info.duration = (double)st->duration * v->tb;
    else if (v->fmt->duration > 0)
        v->info.duration = (double)v->fmt->duration / AV_TIME_BASE;
    if (st->avg_frame_rate.den > 0 && st->avg_frame_rate.num > 0)
        v->info.frame_rate = av_q2d(st->avg_frame_rate);
    if (!(v->info.duration <= max_secs))
        return cause_set(cause, "%s: a declared duration of %.0f s exceeds the limit of %.0f s",
            path, v->info.duration, max_secs);
    if (st->nb_frames > max_frames)
        return cause_set(cause, "%s: %lld frames declared exceed the limit of %lld frames",
            path, (long long)st->nb_frames, (long long)max_frames);
    v->dec = avcodec_alloc_context3(codec);
    if (v->dec == NULL || avcodec_parameters_to_context(v->dec, st->codecpar) < 0)
        return cause_set(cause, "%s: bad codec parameters", path);
    v->dec->max_pixels = v->opts.max_pixels > 0 ? v->opts.max_pixels : VIDEO_MAX_PIXELS;
    v->dec->thread_count = v->opts.threads > 0 ? v->opts.threads : 0;
    v->dec->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
    if ((e = avcodec_open2(v->dec, codec, NULL)) < 0) {
        char *why = averr(e);

        cause_set(cause, "%s: cannot open the %s decoder: %s", path, codec->name, why);
        free(why);
        return -1;
    }
    v->t0 = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
    v->info.width = st->codecpar->width;
    v->info.height = st->codecpar->height;
    v->info.rotation = v->opts.no_rotate ? 0 : stream_rotation(st);
    v->info.codec = codec->name;
    v->info.container = v->fmt->iformat->name;
    v->pkt = av_packet_alloc();
    v->frame = av_frame_alloc();
    v->last_time = 0.0;
    v->next_sample = v->opts.start;
    if (v->opts.start > 0) {
        int64_t ts = v->t0 + (int64_t)(v->opts.start / v->tb);

        /* to the key frame at or before the start; frames before it are dropped */
        if (av_seek_frame(v->fmt, v->stream, ts, AVSEEK_FLAG_BACKWARD) >= 0)
            avcodec_flush_buffers(v->dec);
    }
    return 0;
}

static struct video *
video_new(const char *name, const struct video_opts *opts)
{
    struct video *v = xcalloc(1, sizeof *v);

    v->path = xstrdup(name);
    v->own_fd = -1;
    v->src.fd = -1;
    if (opts != NULL)
        v->opts = *opts;
    return v;
}

/* What kind of file st is, for a refusal. */
static const char *
file_kind(const struct stat *st)
{
    if (S_ISDIR(st->st_mode))
        return "a folder";
    if (S_ISFIFO(st->st_mode))
        return "a FIFO";
    if (S_ISSOCK(st->st_mode))
        return "a socket";
    if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
        return "a device";
    return "not a regular file";
}

struct video *
video_open_fd(int fd, const char *name, const struct video_opts *opts, char **cause)
{
    struct video *v = video_new(name, opts);
    int64_t max = v->opts.max_bytes > 0 ? v->opts.max_bytes : VIDEO_MAX_BYTES;
    struct stat st;

    if (fstat(fd, &st) == -1) {
        cause_set(cause, "%s: %s", name, strerror(errno));
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        cause_set(cause, "%s: %s, not a regular file", name, file_kind(&st));
        goto fail;
    }
    if ((int64_t)st.st_size > max) {
        cause_set(cause, "%s: %lld bytes exceed the limit of %lld bytes", name,
            (long long)st.st_size, (long long)max);
        goto fail;
    }
    if (lseek(fd, 0, SEEK_SET) == -1) {
        cause_set(cause, "%s: %s", name, strerror(errno));
        goto fail;
    }
    v->src.fd = fd;
    if (open_stream(v, cause) == -1)
        goto fail;
    return v;
fail:
    video_close(v);
    return NULL;
}

struct video *
video_open_mem(const void *data, size_t len, const char *name, const struct video_opts *opts,
    char **cause)
{
    struct video *v = video_new(name, opts);
    int64_t max = v->opts.max_bytes > 0 ? v->opts.max_bytes : VIDEO_MAX_BYTES;

    if (len > (uint64_t)max) {
        cause_set(cause, "%s: %zu bytes exceed the limit of %lld bytes", name, len,
            (long long)max);
        video_close(v);
        return NULL;
    }
    v->src.data = data;
    v->src.len = (int64_t)len;
    if (open_stream(v, cause) == -1) {
        video_close(v);
        return NULL;
    }
    return v;
}

struct video *
video_open(const char *path, const struct video_opts *opts, char **cause)
{
    /* not blocking on a FIFO or a device: refused by video_open_fd's fstat */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    struct video *v;
    int fl;

    if (fd == -1) {
        cause_set(cause, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if ((fl = fcntl(fd, F_GETFL)) != -1)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    if ((v = video_open_fd(fd, path, opts, cause)) == NULL) {
        close(fd);
        return NULL;
    }
    v->own_fd = fd;
    return v;
}

void
video_close(struct video *v)
{
    if (v == NULL)
        return;
    if (v->out != v->rgb)
        image_free(v->out);
    image_free(v->rgb);
    image_free(v->spare);
    sws_freeContext(v->sws);
    av_frame_free(&v->frame);
    av_packet_free(&v->pkt);
    avcodec_free_context(&v->dec);
    avformat_close_input(&v->fmt);
    if (v->io != NULL) {
        av_freep(&v->io->buffer);
        avio_context_free(&v->io);
    }
    if (v->own_fd >= 0)
        close(v->own_fd);
    free(v->damage);
    free(v->path);
    free(v);
}

const struct video_info *
video_get_info(const struct video *v)
{
    return &v->info;
}

const char *
video_damage(const struct video *v, int64_t *packets_damaged)
{
    if (packets_damaged != NULL)
        *packets_damaged = v->damaged;
    return v->damage;
}

int64_t
video_frames_decoded(const struct video *v, double *last_time)
{
    if (last_time != NULL)
        *last_time = v->last_time;
    return v->decoded;
}

/* Rotate src clockwise by r degrees into a new (or reused) image. */
static struct image *
rotate(const struct image *src, int r, struct image *dst)
{
    int w = src->width, h = src->height, x, y, ow = r == 180 ? w : h, oh = r == 180 ? h : w;

    if (dst == NULL || dst->width != ow || dst->height != oh) {
        image_free(dst);
        dst = image_new(ow, oh, 3, IMAGE_U8);
    }
    for (y = 0; y < h; y++) {
        const uint8_t *s = src->u8 + (size_t)y * (size_t)w * 3;

        for (x = 0; x < w; x++, s += 3) {
            int dx, dy;

            if (r == 90) {
                dx = h - 1 - y;
                dy = x;
            } else if (r == 180) {
                dx = w - 1 - x;
                dy = h - 1 - y;
            } else {
                dx = y;
                dy = w - 1 - x;
            }
            memcpy(dst->u8 + ((size_t)dy * (size_t)ow + (size_t)dx) * 3, s, 3);
        }
    }
    return dst;
}

/* The spare buffer when it is w x h RGB (it is then the caller's), else NULL (and it is freed). */
static struct image *
spare(struct video *v, int w, int h)
{
    struct image *img = v->spare;

    v->spare = NULL;
    if (img != NULL && img->width == w && img->height == h && img->channels == 3 &&
        img->sample == IMAGE_U8 && img->u8 != NULL)
        return img;
    image_free(img);
    return NULL;
}

struct image *
video_frame_take(struct video *v)
{
    struct image *img = v->out;

    if (!v->fresh || img == NULL)
        return NULL;
    v->fresh = false;
    if (v->rgb == img)
        v->rgb = NULL;
    v->out = NULL;
    return img;
}

void
video_frame_give(struct video *v, struct image *img)
{
    image_free(v->spare);
    v->spare = img;
}

/* The decoded frame as RGB (v->out); 0 or -1. */
static int
convert(struct video *v, char **cause)
{
    AVFrame *f = v->frame;
    uint8_t *dst[4];
    int lines[4];

    if (check_size(v, f->width, f->height, cause) == -1)
        return -1;
    if (v->sws == NULL || v->sws_w != f->width || v->sws_h != f->height || v->sws_fmt != f->format) {
        sws_freeContext(v->sws);
        v->sws = sws_getContext(f->width, f->height, (enum AVPixelFormat)f->format, f->width,
            f->height, AV_PIX_FMT_RGB24, SWS_BILINEAR, NULL, NULL, NULL);
        if (v->sws == NULL)
            return cause_set(cause, "%s: cannot convert %s frames to RGB", v->path,
                av_get_pix_fmt_name((enum AVPixelFormat)f->format));
        v->sws_w = f->width;
        v->sws_h = f->height;
        v->sws_fmt = f->format;
    }
    if (v->rgb == NULL || v->rgb->width != f->width || v->rgb->height != f->height) {
        if (v->out == v->rgb)
            v->out = NULL;
        image_free(v->rgb);
        v->rgb = NULL;
        if (v->info.rotation == 0)
            v->rgb = spare(v, f->width, f->height);
        if (v->rgb == NULL)
            v->rgb = image_new(f->width, f->height, 3, IMAGE_U8);
    }
    memset(dst, 0, sizeof dst);
    memset(lines, 0, sizeof lines);
    dst[0] = v->rgb->u8;
    lines[0] = f->width * 3;
    sws_scale(v->sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, dst, lines);
    if (v->info.rotation == 0) {
        if (v->out != v->rgb)
            image_free(v->out);
        v->out = v->rgb;
    } else {
        if (v->out == v->rgb)
            v->out = NULL;
        if (v->out == NULL)
            v->out = v->info.rotation == 180 ? spare(v, f->width, f->height) :
                spare(v, f->height, f->width);
        v->out = rotate(v->rgb, v->info.rotation, v->out);
    }
    return 0;
}

/* Feed the decoder one packet (or the end); 0, or 1 at the end of the input. */
static int
feed(struct video *v)
{
    int e;

    for (;;) {
        if (v->draining)
            return 1;
        e = av_read_frame(v->fmt, v->pkt);
        if (e < 0) {
            if (e != AVERROR_EOF && !avio_feof(v->fmt->pb))
                note_damage(v, "read error", e);
            else if (v->fmt->pb != NULL && v->fmt->pb->error < 0)
                note_damage(v, "read error", v->fmt->pb->error);
            v->draining = true;
            avcodec_send_packet(v->dec, NULL);
            return 1;
        }
        if (v->pkt->stream_index != v->stream) {
            av_packet_unref(v->pkt);
            continue;
        }
        if (v->pkt->pos >= 0)
            v->last_pos = v->pkt->pos;
        if (v->pkt->flags & AV_PKT_FLAG_CORRUPT)
            note_damage(v, "corrupt packet", 0);
        e = avcodec_send_packet(v->dec, v->pkt);
        av_packet_unref(v->pkt);
        if (e < 0 && e != AVERROR(EAGAIN))
            note_damage(v, "undecodable data", e);
        return 0;
    }
}

int
video_next(struct video *v, struct video_frame *out, char **cause)
{
    int e;

    v->fresh = false;
    while (!v->done) {
        double t;
        int64_t ts;

        e = avcodec_receive_frame(v->dec, v->frame);
        if (e == AVERROR(EAGAIN)) {
            feed(v);
            continue;
        }
        if (e == AVERROR_EOF) {
            v->done = true;
            break;
        }
        if (e < 0) {
            note_damage(v, "undecodable frame", e);
            if (v->draining) {
                v->done = true;
                break;
            }
            feed(v);
            continue;
        }
        if (v->decoded >= (v->opts.max_frames > 0 ? v->opts.max_frames : VIDEO_MAX_FRAMES)) {
            av_frame_unref(v->frame);
            v->done = true;
            return cause_set(cause, "%s: more than %lld frames", v->path,
                (long long)(v->opts.max_frames > 0 ? v->opts.max_frames : VIDEO_MAX_FRAMES));
        }
        ts = v->frame->best_effort_timestamp;
        t = ts == AV_NOPTS_VALUE ? v->last_time : (double)(ts - v->t0) * v->tb;
        v->decoded++;
        v->last_time = t;
        if (v->frame->decode_error_flags != 0 || (v->frame->flags & AV_FRAME_FLAG_CORRUPT))
            note_damage(v, "corrupt frame", 0);
        if (t + 1e-6 < v->opts.start) {
            av_frame_unref(v->frame);
            continue;
        }
        if (v->opts.end > 0 && t > v->opts.end + 1e-6) {
            av_frame_unref(v->frame);
            v->done = true;
            return 0; /* the range ended: what follows is not looked at */
        }
        if (v->opts.fps > 0) {
            if (t + 1e-6 < v->next_sample) {
                av_frame_unref(v->frame);
                continue;
            }
            /* the next sample point after this frame, on the grid start + k/fps */
            v->next_sample = v->opts.start +
                (floor((t - v->opts.start) * v->opts.fps + 1e-6) + 1.0) / v->opts.fps;
        }
        e = convert(v, cause);
        av_frame_unref(v->frame);
        if (e == -1)
            return -1;
        out->img = v->out;
        v->fresh = true;
        out->time = t;
        out->index = v->decoded - 1;
        return 1;
    }
    /* A stream that stops well before its declared duration was cut short. */
    if (!v->checked_end && v->info.duration > 0 && v->opts.end <= 0) {
        double step = v->info.frame_rate > 0 ? 1.0 / v->info.frame_rate : 0.04;

        v->checked_end = true;
        if (v->last_time + 2 * step < v->info.duration - 1e-3) {
            char *was = v->damage;

            if (was != NULL)
                v->damage = xasprintf("%s; decoded up to %.3f s of %.3f s (%lld frames)", was,
                    v->last_time, v->info.duration, (long long)v->decoded);
            else {
                v->damaged++;
                v->damage = xasprintf("truncated after byte %lld: decoded up to %.3f s of "
                    "%.3f s (%lld frames)", (long long)v->last_pos, v->last_time,
                    v->info.duration, (long long)v->decoded);
            }
            free(was);
        }
    }
    return 0;
}
