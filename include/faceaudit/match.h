/* SPDX-License-Identifier: MIT */
#ifndef FA_MATCH_H
#define FA_MATCH_H
/*
 * match.h - comparing face descriptors: 1:1 verification with a threshold
 * and 1:N search of a batch of probes against a gallery.
 *
 * The 1:N search is a blocked GEMM (the networks' packed GEMM of cnn.h, each
 * gallery block packed once per search) with a fused top-k: the gallery
 * is cut into shards (one per worker thread), each shard is multiplied by a
 * block of probes into a score block of at most MATCH_PROBE_BLOCK x
 * MATCH_GALLERY_BLOCK floats, and every score is offered to the probe's
 * k-best heap before the next block overwrites it. A probes x gallery score
 * matrix is never materialised: 1,000 probes over a 1,000,000 x 128 gallery
 * need a few MB besides the gallery itself.
 *
 * Metrics (a distance: lower is closer):
 *  - MATCH_EUCLIDEAN  |p - g|, face-api's (FaceMatcher threshold 0.6);
 *  - MATCH_COSINE     1 - cos(p, g) (1 when either vector is zero);
 *  - MATCH_DOT        1 - p.g, the cosine distance of vectors already of
 *                     unit length (what FAISS IndexFlatIP ranks by).
 * Candidates are ranked in the GEMM's float32 arithmetic; the k returned
 * distances are then recomputed exactly (double accumulation) from the
 * vectors and the hits sorted by (distance, gallery index): equal distances
 * come out in gallery order.
 *
 * The int8 screen: a batch of at least 32 probes (MATCH_SCREEN_MIN_PROBES)
 * on a float32 gallery, where the AVX-512 kernels run on a CPU with
 * AVX512-VNNI, replaces the GEMM by int8 products with a proven upper bound
 * on every probe-row score (match_screen.c) and scores exactly only the rows
 * whose bound reaches the probe's current k-th best; those are ranked by
 * their exact distance, so the hits are brute force's, ties in gallery order
 * (the float32 GEMM's ranking can differ from it by its rounding on
 * near-ties). 2.5 times faster on 1,000 x 1,000,000 (doc/PERFORMANCE.md).
 * The first such search on a gallery quantises it (dim + 20 bytes a row,
 * 148 for 128-d), kept until match_gallery_free; opts->no_screen turns the
 * screen off.
 *
 * Threads: match_search() with threads > 1 runs its own workers, each calling
 * the BLAS on its shard; set the BLAS to one thread (gemm_set_threads(1)) so
 * the two do not oversubscribe the cores. A gallery is read-only after
 * creation (but for the screen's rows, built once under a mutex) and may be
 * searched by several threads at once.
 */

#include <stdbool.h>
#include <stddef.h>

/* Score block sizes of the search (rows of probes x rows of gallery). */
#define MATCH_PROBE_BLOCK 256
#define MATCH_GALLERY_BLOCK 2048

enum match_metric { MATCH_EUCLIDEAN, MATCH_COSINE, MATCH_DOT };

/* Parse "euclidean" / "cosine" / "dot"; returns -1 on anything else. */
int match_metric_parse(const char *s, enum match_metric *m);
/* Name of a metric, static string. */
const char *match_metric_name(enum match_metric m);
/* The distance of two dim-vectors under a metric (accumulated in double). */
float match_distance(enum match_metric m, const float *a, const float *b, size_t dim);

/* The result of a 1:1 comparison. */
struct match_verdict {
    float distance;
    bool same;      /* distance < threshold */
};

/* Compare two descriptors: same person when the distance is below threshold. */
struct match_verdict match_verify(enum match_metric m, const float *a, const float *b,
    size_t dim, float threshold);

/* One search result: a gallery row and its distance to the probe. */
struct match_hit {
    size_t index;
    float distance;
};

struct match_gallery;

/*
 * A gallery of n rows of dim floats (row-major). With borrow the gallery
 * keeps a pointer to vecs, which must outlive it (for large galleries);
 * otherwise it copies them. Per-row norms are computed once here. n may be
 * 0 (every search then returns no hits). Returns a new gallery (never NULL).
 */
struct match_gallery *match_gallery_new(const float *vecs, size_t n, size_t dim, bool borrow);
void match_gallery_free(struct match_gallery *g);

/*
 * A compressed gallery (an option, never the default): the rows packed once
 * here as float16 (MATCH_F16) or as int8 with a per-row scale (MATCH_I8,
 * symmetric: scale = max|x| / 127, x ~ scale * q). The search then ranks by
 * the packed rows (kernels chosen at run time like the networks', cnn_isa())
 * and is APPROXIMATE: the top candidates may differ from the exact search,
 * and the distances returned are those of the decoded rows. With rerank > 0
 * the best max(k, rerank) candidates of each probe are re-scored in float32
 * from vecs (kept, borrowed or copied as for match_gallery_new) and the best
 * k of them returned with exact distances; with rerank 0 vecs is not kept:
 * the packed rows replace the float copy. MATCH_F32 is match_gallery_new.
 */
enum match_precision { MATCH_F32, MATCH_F16, MATCH_I8 };

/* Parse "f32" / "f16" / "i8"; -1 on anything else. */
int match_precision_parse(const char *s, enum match_precision *p);
const char *match_precision_name(enum match_precision p);

struct match_gallery_opts {
    enum match_precision precision;
    size_t rerank;   /* candidates re-scored in float32 per probe (0: none) */
};

struct match_gallery *match_gallery_new_opts(const float *vecs, size_t n, size_t dim,
    bool borrow, const struct match_gallery_opts *o);
/* Whether searches of g are approximate (f16/i8 rows, with or without rerank). */
bool match_gallery_approximate(const struct match_gallery *g);
/* Bytes g holds per row: packed rows, scales, norms and any float copy or borrow. */
size_t match_gallery_row_bytes(const struct match_gallery *g);

struct match_opts {
    enum match_metric metric;
    size_t k;        /* hits wanted per probe (0 is taken as 1) */
    int threads;     /* worker threads (0 or 1: the calling thread only) */
    bool no_screen;  /* rank every row by the float32 GEMM, without the int8 screen (the
                        same hits; for benchmarks and tests) */
};

/*
 * Search np probes (np x dim floats, row-major) in the gallery. hits must
 * hold np * k entries; probe p's results are hits[p*k .. p*k + r - 1],
 * closest first, where r = min(k, gallery size) is the return value. Slots
 * past r are set to index SIZE_MAX, distance +inf.
 */
size_t match_search(const struct match_gallery *g, const float *probes, size_t np,
    const struct match_opts *opts, struct match_hit *hits);

#endif /* FA_MATCH_H */
