/* SPDX-License-Identifier: MIT */
/*
 * cnn_gemm.c - a GEMM for the networks' fixed right-hand matrices (conv
 * filters), packed once when a network is created instead of on every
 * call as a BLAS must: C = A * B (+ bias), B packed in 16-column panels.
 *
 * The micro-kernel keeps a 6 x 16 block of C in twelve 8-float vector
 * registers and streams A's rows straight from the caller's (im2col or
 * activation) matrix; the bias is the accumulators' starting value. For
 * large M, rows are taken in blocks sized for the L2 cache so each block of
 * A is read from memory once while all panels of B pass over it. This
 * removes the per-call packing and beta passes that dominated the small and
 * medium layers with OpenBLAS, and it is what the networks use for every
 * convolution with a packed filter; gemm.h (OpenBLAS) stays for the rest.
 *
 * The driver exists three times, each compiled for one instruction set and
 * chosen once at run time (cnn_isa): the portable one (x86-64 baseline, or
 * whatever the target has), AVX2 + FMA (x86-64-v3) and AVX-512 (x86-64-v4,
 * a 12 x 16 micro-kernel with one 16-float register per row of C, so 12
 * independent accumulators in the 32 registers and the A element broadcast
 * straight from memory). $FACEAUDIT_ISA=portable|avx2|avx512 forces one (the
 * tests run every path the CPU has; a name this CPU cannot run is warned
 * about and the best set used); all three sum each output in the same k
 * order, so they differ only by FMA contraction.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/cnn.h"
#include "faceaudit/gemm.h"
#include "faceaudit/log.h"
#include "faceaudit/xmalloc.h"
#include "recog/recog_int.h"

#define NR 16               /* columns per packed panel */
#define MR 6                /* rows per micro-kernel call (AVX2, portable) */
#define MR16 12             /* rows per micro-kernel call (AVX-512) */
#define MC_BYTES (96 * 1024) /* rows of A per block: about this many bytes */

#if defined(__GNUC__) && defined(__x86_64__) && !defined(FA_NO_MULTIVERSION)
#define FA_ISA_X86 1
#define FA_TARGET_AVX2 __attribute__((target("arch=x86-64-v3"), optimize("O3")))
#define FA_TARGET_AVX512 __attribute__((target("arch=x86-64-v4"), optimize("O3")))
#endif

/* ---- instruction-set dispatch ------------------------------------------------- */

static const char *const isa_names[CNN_ISA_COUNT] = { "portable", "avx2", "avx512" };
static int isa_current = -1;
static pthread_once_t isa_once = PTHREAD_ONCE_INIT;

const char *
cnn_isa_name(enum cnn_isa isa)
{
    return (int)isa >= 0 && isa < CNN_ISA_COUNT ? isa_names[isa] : "?";
}

/* Whether this CPU (and this build) can run the kernels of isa. */
bool
cnn_isa_supported(enum cnn_isa isa)
{
    switch (isa) {
    case CNN_ISA_PORTABLE:
        return true;
#ifdef FA_ISA_X86
    case CNN_ISA_AVX2:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case CNN_ISA_AVX512:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
            __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
            __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
            __builtin_cpu_supports("avx512cd");
#endif
    default:
        return false;
    }
}

/* The best supported set, or the one $FACEAUDIT_ISA names (warned about if it cannot run). */
static void
isa_init(void)
{
    const char *env = getenv("FACEAUDIT_ISA");
    int i, best = CNN_ISA_PORTABLE;

    for (i = 0; i < CNN_ISA_COUNT; i++)
        if (cnn_isa_supported((enum cnn_isa)i))
            best = i;
    if (env != NULL && *env != '\0') {
        for (i = 0; i < CNN_ISA_COUNT; i++)
            if (strcmp(env, isa_names[i]) == 0)
                break;
        /* a warning, not an exit: this runs lazily, possibly under the TUI */
        if (i == CNN_ISA_COUNT)
            log_warn("FACEAUDIT_ISA=%s: expected portable, avx2 or avx512; using %s", env,
                isa_names[best]);
        else if (!cnn_isa_supported((enum cnn_isa)i))
            log_warn("FACEAUDIT_ISA=%s: this CPU or build cannot run it; using %s", env,
                isa_names[best]);
        else
            best = i;
    }
    __atomic_store_n(&isa_current, best, __ATOMIC_RELAXED);
}

enum cnn_isa
cnn_isa(void)
{
    pthread_once(&isa_once, isa_init);
    return (enum cnn_isa)__atomic_load_n(&isa_current, __ATOMIC_RELAXED);
}

/* Force the kernels of isa (tests); -1 if this CPU cannot run them. */
int
cnn_isa_set(enum cnn_isa isa)
{
    pthread_once(&isa_once, isa_init);
    if ((int)isa < 0 || isa >= CNN_ISA_COUNT || !cnn_isa_supported(isa))
        return -1;
    __atomic_store_n(&isa_current, (int)isa, __ATOMIC_RELAXED);
    return 0;
}

#if defined(__GNUC__)
typedef float gv8 __attribute__((vector_size(32)));
typedef float gv16 __attribute__((vector_size(64)));
#define G16_LOAD(v, p) memcpy(&(v), (p), sizeof(gv16))
#define G16_STORE(p, v) memcpy((p), &(v), sizeof(gv16))
#define G8_LOAD(v, p) memcpy(&(v), (p), sizeof(gv8))
#define G8_STORE(p, v) memcpy((p), &(v), sizeof(gv8))
#define FA_HAVE_GEMM_KERNEL 1
#endif

/* Floats of the packed form of a K x N matrix. */
size_t
cnn_gemm_packed_size(int k, int n)
{
    return (size_t)k * (size_t)((n + NR - 1) / NR * NR);
}

/* Pack row-major B (K x N) into panels [N/16][K][16], zero-padded; caller frees. */
float *
cnn_gemm_pack(const float *b, int k, int n)
{
    int np = (n + NR - 1) / NR, p, kk, j;
    float *out = xcalloc(cnn_gemm_packed_size(k, n), sizeof(float));

    for (p = 0; p < np; p++)
        for (kk = 0; kk < k; kk++)
            for (j = 0; j < NR && p * NR + j < n; j++)
                out[((size_t)p * (size_t)k + (size_t)kk) * NR + (size_t)j] =
                    b[(size_t)kk * (size_t)n + (size_t)(p * NR + j)];
    return out;
}

/* face-api's leaky ReLU in its three steps (bit-exact with tfjs). */
static inline float
leaky(float x)
{
    float m = 0.1f * x;
    float d = x - m;

    return (d > 0.0f ? d : 0.0f) + m;
}

/*
 * The epilogue of an mr x ncols tile of C just stored (still in L1): scale
 * and shift, residual add, activation, in the order the networks define
 * (((acc + bias) * scale + shift) + res, then act; the bias was the
 * accumulators' starting value). Inlined into each driver, so it is
 * vectorised for that driver's instruction set.
 */
static inline __attribute__((always_inline)) void
tile_epilogue(float *c, size_t ldc, int mr, int ncols, const struct cnn_epilogue *e, int i,
    int col0)
{
    int r, j;

    if (e == NULL || (e->scale == NULL && e->res == NULL && e->act == CNN_ACT_NONE))
        return;
    for (r = 0; r < mr; r++) {
        float *o = c + (size_t)r * ldc;

        if (e->scale != NULL) {
            const float *sc = e->scale + col0, *sh = e->shift + col0;

            for (j = 0; j < ncols; j++)
                o[j] = o[j] * sc[j] + sh[j];
        }
        if (e->res != NULL) {
            const float *rs = e->res + (size_t)(i + r) * (size_t)e->ldres + (size_t)col0;

            for (j = 0; j < ncols; j++)
                o[j] += rs[j];
        }
        switch (e->act) {
        case CNN_ACT_NONE:
            break;
        case CNN_ACT_RELU:
            for (j = 0; j < ncols; j++)
                o[j] = o[j] > 0.0f ? o[j] : 0.0f;
            break;
        case CNN_ACT_RELU6:
            for (j = 0; j < ncols; j++)
                o[j] = o[j] < 0.0f ? 0.0f : o[j] > 6.0f ? 6.0f : o[j];
            break;
        case CNN_ACT_LEAKY:
            for (j = 0; j < ncols; j++)
                o[j] = leaky(o[j]);
            break;
        }
    }
}

/* Pack B given as its transpose (N rows of K, row stride ldbt) into out (cnn_gemm_packed_size). */
FA_HOT void
cnn_gemm_pack_t(const float *bt, int k, int n, int ldbt, float *out)
{
    int np = (n + NR - 1) / NR, p, kk, j;

    for (p = 0; p < np; p++) {
        float *panel = out + (size_t)p * (size_t)k * NR;
        int ncols = n - p * NR < NR ? n - p * NR : NR;

        for (j = 0; j < ncols; j++) {
            const float *row = bt + (size_t)(p * NR + j) * (size_t)ldbt;

            for (kk = 0; kk < k; kk++)
                panel[(size_t)kk * NR + (size_t)j] = row[kk];
        }
        for (; j < NR; j++)
            for (kk = 0; kk < k; kk++)
                panel[(size_t)kk * NR + (size_t)j] = 0.0f;
    }
}

#ifdef FA_HAVE_GEMM_KERNEL
/* One mr x 16 block of C (mr <= 6, ncols <= 16 of them stored); inlined per constant mr. */
static inline __attribute__((always_inline)) void
ukernel(int k, const float *a, size_t lda, const float *bp, const float *bias, float *c,
    size_t ldc, int ncols, const int mr)
{
    gv8 c0[MR], c1[MR], b0, b1, i0 = { 0 }, i1 = { 0 };
    float tmp[NR];
    int r, kk;

    if (bias != NULL) {
        if (ncols == NR) {
            G8_LOAD(i0, bias);
            G8_LOAD(i1, bias + 8);
        } else {
            memset(tmp, 0, sizeof tmp);
            memcpy(tmp, bias, (size_t)ncols * sizeof(float));
            G8_LOAD(i0, tmp);
            G8_LOAD(i1, tmp + 8);
        }
    }
    for (r = 0; r < mr; r++) {
        c0[r] = i0;
        c1[r] = i1;
    }
    for (kk = 0; kk < k; kk++) {
        G8_LOAD(b0, bp + (size_t)kk * NR);
        G8_LOAD(b1, bp + (size_t)kk * NR + 8);
        for (r = 0; r < mr; r++) {
            float av = a[(size_t)r * lda + (size_t)kk];

            c0[r] += av * b0;
            c1[r] += av * b1;
        }
    }
    for (r = 0; r < mr; r++) {
        float *cr = c + (size_t)r * ldc;

        if (ncols == NR) {
            G8_STORE(cr, c0[r]);
            G8_STORE(cr + 8, c1[r]);
        } else {
            G8_STORE(tmp, c0[r]);
            G8_STORE(tmp + 8, c1[r]);
            memcpy(cr, tmp, (size_t)ncols * sizeof(float));
        }
    }
}

/* The same with one 16-float vector per row, mr <= 12 (AVX-512: one zmm register each). */
static inline __attribute__((always_inline)) void
ukernel16(int k, const float *a, size_t lda, const float *bp, const float *bias, float *c,
    size_t ldc, int ncols, const int mr)
{
    gv16 acc[MR16], b, init = { 0 };
    float tmp[NR];
    int r, kk;

    if (bias != NULL) {
        if (ncols == NR) {
            G16_LOAD(init, bias);
        } else {
            memset(tmp, 0, sizeof tmp);
            memcpy(tmp, bias, (size_t)ncols * sizeof(float));
            G16_LOAD(init, tmp);
        }
    }
    for (r = 0; r < mr; r++)
        acc[r] = init;
    for (kk = 0; kk < k; kk++) {
        G16_LOAD(b, bp + (size_t)kk * NR);
        for (r = 0; r < mr; r++)
            acc[r] += a[(size_t)r * lda + (size_t)kk] * b;
    }
    for (r = 0; r < mr; r++) {
        float *cr = c + (size_t)r * ldc;

        if (ncols == NR) {
            G16_STORE(cr, acc[r]);
        } else {
            G16_STORE(tmp, acc[r]);
            memcpy(cr, tmp, (size_t)ncols * sizeof(float));
        }
    }
}

/*
 * The blocked driver around a micro-kernel UK of at most MRV rows: rows of A
 * in L2-sized blocks, every panel of B over each block, the epilogue on
 * each tile right after it is stored.
 */
#define UK_CASE(UK, N)                                                                   \
    case N:                                                                              \
        UK(k, ar, (size_t)lda, panel, bb, cr, (size_t)ldc, ncols, N);                    \
        tile_epilogue(cr, (size_t)ldc, N, ncols, ep, i, p * NR);                         \
        break
#define GEMM_DRIVER(NAME, ATTR, MRV, CASES)                                              \
    ATTR static void NAME(int m, int n, int k, const float *a, int lda, const float *bp, \
        const struct cnn_epilogue *ep, float *c, int ldc)                                \
    {                                                                                    \
        int np = (n + NR - 1) / NR, mc, i0, p, i;                                        \
        const float *bias = ep != NULL ? ep->bias : NULL;                                \
                                                                                         \
        mc = (int)(MC_BYTES / ((size_t)k * sizeof(float)));                              \
        mc = mc < (MRV) ? (MRV) : mc / (MRV) * (MRV);                                    \
        for (i0 = 0; i0 < m; i0 += mc) {                                                 \
            int i1 = i0 + mc < m ? i0 + mc : m;                                          \
                                                                                         \
            for (p = 0; p < np; p++) {                                                   \
                const float *panel = bp + (size_t)p * (size_t)k * NR;                    \
                const float *bb = bias != NULL ? bias + p * NR : NULL;                   \
                int ncols = n - p * NR < NR ? n - p * NR : NR;                           \
                                                                                         \
                for (i = i0; i < i1; i += (MRV)) {                                       \
                    const float *ar = a + (size_t)i * (size_t)lda;                       \
                    float *cr = c + (size_t)i * (size_t)ldc + (size_t)(p * NR);          \
                                                                                         \
                    switch (i1 - i < (MRV) ? i1 - i : (MRV)) {                           \
                        CASES                                                            \
                    }                                                                    \
                }                                                                        \
            }                                                                            \
        }                                                                                \
    }

#define CASES6(UK) UK_CASE(UK, 1); UK_CASE(UK, 2); UK_CASE(UK, 3); UK_CASE(UK, 4);      \
    UK_CASE(UK, 5); default: UK_CASE(UK, 6);
#define CASES12(UK) UK_CASE(UK, 1); UK_CASE(UK, 2); UK_CASE(UK, 3); UK_CASE(UK, 4);     \
    UK_CASE(UK, 5); UK_CASE(UK, 6); UK_CASE(UK, 7); UK_CASE(UK, 8); UK_CASE(UK, 9);     \
    UK_CASE(UK, 10); UK_CASE(UK, 11); default: UK_CASE(UK, 12);

/* count independent products C_b = A_b * B_b (no epilogue), one driver call each. */
#define GEMM_BATCH(NAME, DRIVER, ATTR)                                                   \
    ATTR static void NAME(int count, int m, int n, int k, const float *a, size_t sa,     \
        const float *bp, size_t sb, float *c, size_t sc)                                 \
    {                                                                                    \
        int b;                                                                           \
                                                                                         \
        for (b = 0; b < count; b++)                                                      \
            DRIVER(m, n, k, a + (size_t)b * sa, k, bp + (size_t)b * sb, NULL,            \
                c + (size_t)b * sc, n);                                                  \
    }

GEMM_DRIVER(gemm_portable, __attribute__((optimize("O3"))), MR, CASES6(ukernel))
GEMM_BATCH(gemm_batch_portable, gemm_portable, __attribute__((optimize("O3"))))
#ifdef FA_ISA_X86
GEMM_DRIVER(gemm_avx2, FA_TARGET_AVX2, MR, CASES6(ukernel))
GEMM_DRIVER(gemm_avx512, FA_TARGET_AVX512, MR16, CASES12(ukernel16))
GEMM_BATCH(gemm_batch_avx2, gemm_avx2, FA_TARGET_AVX2)
GEMM_BATCH(gemm_batch_avx512, gemm_avx512, FA_TARGET_AVX512)
#endif
#endif

/* C[m][n] = A[m][k] * B with the epilogue ep (may be NULL), B packed by cnn_gemm_pack. */
void
cnn_gemm_packed_ex(int m, int n, int k, const float *a, int lda, const float *bp,
    const struct cnn_epilogue *ep, float *c, int ldc)
{
#ifdef FA_HAVE_GEMM_KERNEL
    switch (cnn_isa()) {
#ifdef FA_ISA_X86
    case CNN_ISA_AVX512:
        gemm_avx512(m, n, k, a, lda, bp, ep, c, ldc);
        return;
    case CNN_ISA_AVX2:
        gemm_avx2(m, n, k, a, lda, bp, ep, c, ldc);
        return;
#endif
    default:
        gemm_portable(m, n, k, a, lda, bp, ep, c, ldc);
        return;
    }
#else
    /* no vector extensions: unpack panel by panel through the BLAS */
    int np = (n + NR - 1) / NR, p, i, j;

    for (p = 0; p < np; p++) {
        int ncols = n - p * NR < NR ? n - p * NR : NR;

        gemm_sgemm(false, false, m, ncols, k, 1.0f, a, lda, bp + (size_t)p * (size_t)k * NR,
            NR, 0.0f, c + p * NR, ldc);
        if (ep != NULL && ep->bias != NULL)
            for (i = 0; i < m; i++)
                for (j = 0; j < ncols; j++)
                    c[(size_t)i * (size_t)ldc + (size_t)(p * NR + j)] += ep->bias[p * NR + j];
        for (i = 0; i < m; i++)
            tile_epilogue(c + (size_t)i * (size_t)ldc + (size_t)(p * NR), (size_t)ldc, 1,
                ncols, ep, i, p * NR);
    }
#endif
}

/*
 * count products C_b[m][n] = A_b[m][k] * B_b, A_b = a + b * sa (row stride
 * k), B_b = bp + b * sb (packed), C_b = c + b * sc (row stride n): the tile
 * elements of a Winograd block, dispatched once.
 */
void
cnn_gemm_packed_batch(int count, int m, int n, int k, const float *a, size_t sa,
    const float *bp, size_t sb, float *c, size_t sc)
{
#ifdef FA_HAVE_GEMM_KERNEL
    switch (cnn_isa()) {
#ifdef FA_ISA_X86
    case CNN_ISA_AVX512:
        gemm_batch_avx512(count, m, n, k, a, sa, bp, sb, c, sc);
        return;
    case CNN_ISA_AVX2:
        gemm_batch_avx2(count, m, n, k, a, sa, bp, sb, c, sc);
        return;
#endif
    default:
        gemm_batch_portable(count, m, n, k, a, sa, bp, sb, c, sc);
        return;
    }
#else
    int b;

    for (b = 0; b < count; b++)
        cnn_gemm_packed_ex(m, n, k, a + (size_t)b * sa, k, bp + (size_t)b * sb, NULL,
            c + (size_t)b * sc, n);
#endif
}

/* C[m][n] = A[m][k] * B (+ bias), B packed by cnn_gemm_pack. */
void
cnn_gemm_packed(int m, int n, int k, const float *a, int lda, const float *bp,
    const float *bias, float *c, int ldc)
{
    struct cnn_epilogue e = { bias, NULL, NULL, NULL, 0, CNN_ACT_NONE };

    cnn_gemm_packed_ex(m, n, k, a, lda, bp, &e, c, ldc);
}
