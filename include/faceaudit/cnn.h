/* SPDX-License-Identifier: MIT */
#ifndef FA_CNN_H
#define FA_CNN_H
/*
 * cnn.h - a small CNN inference core (NHWC float32, batch 1) and the six
 * face-api networks built on it (five of reference §3-§6, and AgeGenderNet).
 *
 * Layers: conv2d by im2col + GEMM (the HWIO filter is the right-hand
 * matrix; the networks pack it once into panels for their own GEMM, see
 * cnn_gemm_pack, other callers go through OpenBLAS), direct loops for the
 * 3-channel first layers given an unpacked filter, Winograd F(2x2, 3x3) or
 * F(4x4, 3x3) for 3x3 stride-1 layers that carry a packed transformed
 * filter, depthwise 3x3 by direct loops,
 * pointwise = GEMM, separable blocks (one bias after the pointwise conv),
 * max/avg pooling with TensorFlow 'same'/'valid' padding, ReLU / ReLU6 /
 * leaky ReLU (computed in face-api's three steps), fully connected. Bias,
 * per-channel affine (folded batch norm, dlib scale layers) and activation
 * are fused into one pass over each layer's output, and the networks run
 * conv + pool and depthwise + pointwise band by band so intermediate maps
 * stay in cache.
 *
 * Weights come from the tfjs manifest format (reference §1): uint8
 * quantised tensors are dequantised as (float)((double)q * scale + min),
 * float32 tensors are read little-endian with memcpy.
 *
 * Ownership and threads:
 *  - struct cnn_weights is immutable after loading (apart from its cache of
 *    packed filters, built once under a lock) and refcounted
 *    (cnn_weights_ref/unref, atomic): share one copy between any number of
 *    network instances and threads.
 *  - struct cnn_net is one network instance: it takes its own reference on
 *    the weights, uses the filters packed once per weights and one scratch arena
 *    reused by every forward pass (after the first pass at a given input
 *    size, forward passes do not allocate). An instance must be used by one
 *    thread at a time; make one per thread.
 *  - Output pointers returned by a forward pass stay valid until the next
 *    forward pass on the same instance or cnn_net_free.
 */

#include <stdbool.h>
#include <stddef.h>

/* An NHWC activation tensor, batch 1: data[(y*w + x)*c + ch]. Borrowed memory. */
struct cnn_tensor {
    int h;
    int w;
    int c;
    float *data;
};

/* ---- weights ------------------------------------------------------------ */

/* One named tensor of a weight file, dequantised to float32. */
struct cnn_param {
    char *name;
    int ndim;          /* 0 (scalar) to 4 */
    int shape[4];
    size_t count;      /* product of shape (1 for a scalar) */
    size_t file_bytes; /* bytes it takes in the .bin stream */
    bool quantized;    /* stored as uint8 with scale/min */
    float *data;       /* count floats */
};

struct cnn_weights;

/*
 * Load <dir>/<stem>-weights_manifest.json and its shards after checking
 * them with models_require() (a missing or corrupt file gives the fix).
 * stem is e.g. "tiny_face_detector_model". Returns a new reference.
 */
struct cnn_weights *cnn_weights_load_model(const char *dir, const char *stem, char **cause);
/*
 * Load a manifest (and the shards it names, relative to its folder) without
 * checksum verification: for tests and custom models. Manifest errors say
 * file:line:col; shard sizes are checked against the tensors. New reference.
 */
struct cnn_weights *cnn_weights_load_manifest(const char *path, char **cause);
/* Take another reference; returns w. */
struct cnn_weights *cnn_weights_ref(struct cnn_weights *w);
/* Drop a reference; the last one frees (NULL is a no-op). */
void cnn_weights_unref(struct cnn_weights *w);
/* Number of tensors, in file order. */
size_t cnn_weights_count(const struct cnn_weights *w);
/* The i-th tensor in file order (borrowed). */
const struct cnn_param *cnn_weights_at(const struct cnn_weights *w, size_t i);
/* The tensor of that name, or NULL (borrowed). */
const struct cnn_param *cnn_weights_find(const struct cnn_weights *w, const char *name);
/* Derived forms of a filter tensor. */
enum cnn_derive {
    CNN_DERIVE_GEMM,    /* cnn_gemm_pack(src, k = kh*kw*cin, n = cout) */
    CNN_DERIVE_WINOGRAD, /* cnn_winograd_pack(src, k = cin, n = cout) */
    CNN_DERIVE_WINOGRAD4 /* cnn_winograd4_pack(src, k = cin, n = cout) */
};
/*
 * The derived (packed) form of the tensor data src of w, built on the first
 * request and shared by every network instance on w: packing happens once
 * per weights, not per instance or per call. Thread-safe; the returned
 * array is immutable and lives as long as w.
 */
const float *cnn_weights_derive(struct cnn_weights *w, const float *src, enum cnn_derive kind,
    int k, int n);
/* The same of src with each column j multiplied by scale[j] first (an affine layer folded in). */
const float *cnn_weights_derive_scaled(struct cnn_weights *w, const float *src,
    enum cnn_derive kind, int k, int n, const float *scale);
/*
 * A filter with an affine layer after it folded in, cached like the packed
 * forms: rows x n floats out[r][j] = src[r][j] * scale[j] (+ shift[j] when
 * shift is given). For an HWIO filter rows = kh*kw*cin; for its bias
 * rows = 1 with the shift (src NULL counts as zeros), so that
 * (acc + bias) * scale + shift = acc' + bias' with acc' on the folded filter.
 * cnn_fold_affine is the uncached computation (caller frees).
 */
const float *cnn_weights_fold(struct cnn_weights *w, const float *src, size_t rows, int n,
    const float *scale, const float *shift);
float *cnn_fold_affine(const float *src, size_t rows, int n, const float *scale,
    const float *shift);
/* Floats held by the derived forms so far. */
size_t cnn_weights_derived_floats(struct cnn_weights *w);
/* Total bytes of all shards, and total elements of all tensors. */
size_t cnn_weights_file_bytes(const struct cnn_weights *w);
size_t cnn_weights_nparams(const struct cnn_weights *w);

/* ---- scratch arena -------------------------------------------------------- */

/*
 * A network instance's scratch memory: a fixed set of grow-only float
 * buffers ("slots", 64-byte aligned). A layer asks for slot k with at least
 * n floats; the slot is reallocated only when it is too small, so after the
 * first pass at a given input size no pass allocates. Slot 0 is the im2col
 * scratch of cnn_conv2d; the networks use the others for activations.
 */
#define CNN_ARENA_SLOTS 12
#define CNN_SLOT_IM2COL 0  /* im2col patches, Winograd input transform */
#define CNN_SLOT_WINO 11   /* Winograd products, cnn_conv2d_many's stacked products */

struct cnn_arena {
    float *slot[CNN_ARENA_SLOTS];
    void *raw[CNN_ARENA_SLOTS];
    size_t cap[CNN_ARENA_SLOTS];
    size_t nalloc; /* number of (re)allocations so far (tests check the steady state) */
    size_t bytes;  /* bytes held */
};

void cnn_arena_init(struct cnn_arena *a);
void cnn_arena_done(struct cnn_arena *a);
/* Slot k with room for n floats (contents undefined after a growth); borrowed. */
float *cnn_arena_slot(struct cnn_arena *a, int k, size_t n);

/* ---- layer operations ----------------------------------------------------- */

enum cnn_act { CNN_ACT_NONE, CNN_ACT_RELU, CNN_ACT_RELU6, CNN_ACT_LEAKY };
enum cnn_padding { CNN_PAD_VALID, CNN_PAD_SAME };

/* TF padding of one axis: output size and the padding before it (after = total - before). */
int cnn_out_size(int in, int k, int stride, enum cnn_padding pad, int *pad_before,
    int *pad_total);

/* Apply an activation in place to n values. */
void cnn_activate(float *x, size_t n, enum cnn_act act);

/*
 * A convolution with fused epilogue. Output channel j gets
 * ((acc + bias[j]) * scale[j] + shift[j]) then act; bias, scale, shift may
 * each be NULL (scale and shift come together). The filter is HWIO
 * [kh][kw][cin][cout] (borrowed; kh = kw = 1 is a pointwise conv).
 */
struct cnn_conv {
    int kh, kw, cin, cout, stride;
    enum cnn_padding pad;
    const float *filter;   /* HWIO; NULL when packed is set and the conv is not a direct one */
    const float *bias;
    const float *scale;
    const float *shift;
    enum cnn_act act;
    const float *winograd; /* cnn_winograd_pack(filter) for 3x3 stride-1 'same', or NULL */
    const float *packed;   /* cnn_gemm_pack(filter, kh*kw*cin, cout), or NULL (BLAS path) */
    int winograd_m;        /* 4: winograd holds cnn_winograd4_pack(filter); 0 or 2: F(2x2) */
};

/*
 * The instruction sets the networks' own kernels are built for, chosen once
 * at run time: the best this CPU has, unless $FACEAUDIT_ISA names one
 * (portable, avx2, avx512; a bad name, or a set this CPU cannot run, is
 * warned about and the best set used).
 * cnn_isa_set() forces one in-process (tests); -1 if unsupported here.
 */
enum cnn_isa { CNN_ISA_PORTABLE, CNN_ISA_AVX2, CNN_ISA_AVX512, CNN_ISA_COUNT };
enum cnn_isa cnn_isa(void);
const char *cnn_isa_name(enum cnn_isa isa);
bool cnn_isa_supported(enum cnn_isa isa);
int cnn_isa_set(enum cnn_isa isa);

/*
 * What the GEMM does to each output tile while it is in cache, in this
 * order: start from bias[j]; after the products, o * scale[j] + shift[j]
 * (scale and shift together), + res[i * ldres + j] (a residual shaped like
 * C), then the activation. Any pointer may be NULL.
 */
struct cnn_epilogue {
    const float *bias;
    const float *scale;
    const float *shift;
    const float *res;
    int ldres;
    enum cnn_act act;
};

/*
 * The networks' own GEMM for packed right-hand matrices: pack a row-major
 * K x N matrix once (caller frees), then C[m][n] = A[m][k] * B (+ bias, may
 * be NULL) with row-major A and C; _ex applies a whole epilogue (ep may be
 * NULL). Reentrant.
 */
size_t cnn_gemm_packed_size(int k, int n);
float *cnn_gemm_pack(const float *b, int k, int n);
void cnn_gemm_packed(int m, int n, int k, const float *a, int lda, const float *bp,
    const float *bias, float *c, int ldc);
void cnn_gemm_packed_ex(int m, int n, int k, const float *a, int lda, const float *bp,
    const struct cnn_epilogue *ep, float *c, int ldc);
/*
 * count independent products C_b = A_b * B_b (no bias, no epilogue) with
 * A_b = a + b * sa (m x k, row stride k), B_b = bp + b * sb (packed k x n),
 * C_b = c + b * sc (m x n, row stride n), dispatched once.
 */
void cnn_gemm_packed_batch(int count, int m, int n, int k, const float *a, size_t sa,
    const float *bp, size_t sb, float *c, size_t sc);
/*
 * Pack B given as its transpose (N rows of K floats, row stride ldbt: e.g. a
 * block of gallery rows for scores = P * G^T) into out, which holds
 * cnn_gemm_packed_size(k, n) floats.
 */
void cnn_gemm_pack_t(const float *bt, int k, int n, int ldbt, float *out);

/* Output shape of a conv on an h x w input. */
void cnn_conv_shape(const struct cnn_conv *cv, int h, int w, int *oh, int *ow);
/* out (preallocated, shape from cnn_conv_shape) = conv(in); im2col scratch in arena slot 0. */
void cnn_conv2d(const struct cnn_tensor *in, const struct cnn_conv *cv, struct cnn_tensor *out,
    struct cnn_arena *a);
/*
 * The same with a residual: out = act(epilogue(conv(in)) + res), res shaped
 * like out (NULL: none; never out->data), added while each output tile is
 * in cache (the residual blocks of the recognition net). act replaces
 * cv->act, which must be CNN_ACT_NONE when res is given.
 */
void cnn_conv2d_res(const struct cnn_tensor *in, const struct cnn_conv *cv, const float *res,
    enum cnn_act act, struct cnn_tensor *out, struct cnn_arena *a);
/*
 * cnn_conv2d_res on n inputs of one shape, their im2col rows stacked into
 * one GEMM per band of inputs so the filter is read once per band (res:
 * NULL or n residuals). Arena slots 0 and CNN_SLOT_WINO.
 */
void cnn_conv2d_many(const struct cnn_tensor *ins, size_t n, const struct cnn_conv *cv,
    const float *const *res, enum cnn_act act, struct cnn_tensor *outs, struct cnn_arena *a);

/*
 * Winograd F(2x2, 3x3): the 16 transformed filter matrices U[16][cin][cout]
 * (U = G g G^T, computed in double) of a 3x3 HWIO filter; caller frees. A
 * conv whose `winograd` field points at them (3x3, stride 1, 'same',
 * channels multiples of 8) runs as 16 SGEMMs on transformed 4x4 input tiles:
 * 2.25x fewer multiplications, the same result to float rounding.
 * cnn_winograd4_pack gives F(4x4, 3x3)'s 36 matrices (winograd_m = 4: 6x6
 * input tiles, 4x fewer multiplications, a few times the rounding error).
 */
float *cnn_winograd_pack(const float *filter, int cin, int cout);
float *cnn_winograd4_pack(const float *filter, int cin, int cout);
/* Whether a conv qualifies for the Winograd path. */
bool cnn_winograd_ok(const struct cnn_conv *cv);
/*
 * Whether cnn_conv2d_res and cnn_conv2d_many run cv by Winograd on an h x w
 * x c input: it carries a transformed filter, qualifies, and the map has at
 * least 16 2x2 tiles.
 */
bool cnn_winograd_use(const struct cnn_conv *cv, int h, int w, int c);

/*
 * Output rows [oy0, oy1) only, written to dst with row oy0 first (for fused,
 * cache-sized bands of work); same epilogue.
 */
void cnn_conv2d_rows(const struct cnn_tensor *in, const struct cnn_conv *cv, int oy0, int oy1,
    float *dst, struct cnn_arena *a);

/*
 * Depthwise 3x3 (channel multiplier 1), filter [3][3][C], with optional
 * per-channel scale/shift (folded BN) and activation; out preallocated.
 */
void cnn_depthwise3x3(const struct cnn_tensor *in, const float *filter, int stride,
    enum cnn_padding pad, const float *scale, const float *shift, enum cnn_act act,
    struct cnn_tensor *out);

/* Output rows [oy0, oy1) of the depthwise conv into dst (row oy0 first). */
void cnn_depthwise3x3_rows(const struct cnn_tensor *in, const float *filter, int stride,
    enum cnn_padding pad, const float *scale, const float *shift, enum cnn_act act, int oy0,
    int oy1, float *dst);

/* Max and average pooling, k x k window, TF padding (max ignores padded cells). */
void cnn_maxpool(const struct cnn_tensor *in, int k, int stride, enum cnn_padding pad,
    struct cnn_tensor *out);
void cnn_avgpool(const struct cnn_tensor *in, int k, int stride, enum cnn_padding pad,
    struct cnn_tensor *out);
/* Pool output shape. */
void cnn_pool_shape(int h, int w, int k, int stride, enum cnn_padding pad, int *oh, int *ow);
/* out[c] = mean over H, W of in. */
void cnn_global_mean(const struct cnn_tensor *in, float *out);
/* y[out] = x[in] * W[in][out] + bias (bias may be NULL). */
void cnn_dense(const float *x, int nin, const float *w, const float *bias, int nout, float *y);

/* ---- the networks ----------------------------------------------------------- */

enum cnn_model {
    CNN_TINY_FACE_DETECTOR,
    CNN_SSD_MOBILENETV1,
    CNN_FACE_LANDMARK68,
    CNN_FACE_LANDMARK68_TINY,
    CNN_FACE_RECOGNITION,
    CNN_AGE_GENDER,
    CNN_MODEL_COUNT
};

/* File stem of a model ("tiny_face_detector_model"), static string. */
const char *cnn_model_stem(enum cnn_model m);
/* Human name ("TinyFaceDetector"), static string. */
const char *cnn_model_name(enum cnn_model m);

struct cnn_net;

/*
 * A network instance on shared weights (takes its own reference).
 * input_size 0 means the default; only TinyFaceDetector accepts another
 * (a multiple of 32, 32..2048). Checks every tensor's presence and shape.
 * Returns NULL with *cause on a mismatch.
 */
struct cnn_net *cnn_net_new(enum cnn_model m, struct cnn_weights *w, int input_size,
    char **cause);
void cnn_net_free(struct cnn_net *net);
enum cnn_model cnn_net_model(const struct cnn_net *net);
int cnn_net_input_size(const struct cnn_net *net);
/* The instance's arena (tests check that steady-state passes do not allocate). */
const struct cnn_arena *cnn_net_arena(const struct cnn_net *net);

/*
 * Raw outputs of a forward pass, in the reference's layout:
 *  - TinyFaceDetector: t[0] = G x G x 25 (anchor*5 + {tx,ty,tw,th,to});
 *  - SSD: t[0] = 1 x 5118 x 4 box encodings (ty,tx,th,tw), t[1] = 1 x 5118 x 3
 *    class logits (background, face, unused), anchors F0..F5 in (y,x,anchor) order;
 *  - landmark nets: t[0] = 1 x 1 x 136 (x0,y0,x1,y1,... in [0,1] of the input square);
 *  - recognition net: t[0] = 1 x 1 x 128 (the descriptor, not normalised);
 *  - AgeGenderNet: t[0] = 1 x 1 x 3 (age in years, then the gender logits male,
 *    female: face-api's softmax gives P(male) as the first), t[1] = 1 x 1 x 512
 *    (the pooled features of the Xception-like extractor).
 */
struct cnn_outputs {
    int n;
    struct cnn_tensor t[2];
};

/*
 * Forward pass on an already normalised input tensor (size x size x 3,
 * size = cnn_net_input_size). Returns 0; outputs valid until the next pass.
 */
int cnn_net_forward(struct cnn_net *net, const float *input, struct cnn_outputs *out);
/*
 * Forward passes of n normalised inputs; outs (caller's) receives, for each
 * input in order, the values of its first output tensor (for the
 * recognition net n x 128). The recognition net runs them layer by layer
 * across the inputs, so each layer's filters come from memory once per
 * batch (faster per face when an image has several); results equal n single
 * passes. Other networks simply loop. Returns 0.
 */
int cnn_net_forward_many(struct cnn_net *net, const float *const *inputs, size_t n,
    float *outs);
/*
 * The network's whole reference preprocessing on float RGB pixels 0..255
 * (w x h x 3, interleaved): pad to square (bottom/right for detectors,
 * centred for the face nets), bilinear resize to the input size, normalise,
 * then forward. This is the hook for parity tests: same pixels in, raw
 * outputs out.
 */
int cnn_net_run_rgb(struct cnn_net *net, const float *rgb, int w, int h,
    struct cnn_outputs *out);
/* Normalise a size x size x 3 tensor in place as the network's reference does. */
void cnn_net_normalize(enum cnn_model m, float *x, size_t npixels);
/*
 * The Winograd output tile FaceRecognitionNet uses for its 3x3 stride-1
 * convs of cin -> cout channels on size x size maps: 4 (F(4x4, 3x3)),
 * 2 (F(2x2, 3x3)) or 0 (im2col + GEMM); for bench/recog_layers.
 */
int cnn_net_rec_winograd_m(int size, int cin, int cout);
/*
 * Profile FaceRecognitionNet's stages: each later forward pass of net adds
 * the thread CPU ms of every stage to ms[CNN_REC_STAGES] (borrowed, the
 * caller zeroes it; NULL stops): [0] the 7x7 conv, [1] its max pool,
 * [2..15] the 14 residual blocks, [16] the mean and the fully connected
 * layer. Returns -1 for other networks. For bench/recog_layers.
 */
#define CNN_REC_STAGES 17
int cnn_net_rec_profile(struct cnn_net *net, double *ms);

#endif /* FA_CNN_H */
