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
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "faceaudit/cnn.h"
#include "faceaudit/gemm.h"
#include "faceaudit/xmalloc.h"
#include "recog/recog_int.h"

#define NR 16               /* columns per packed panel */
#define MR 6                /* rows per micro-kernel call */
#define MC_BYTES (96 * 1024) /* rows of A per block: about this many bytes */

#if defined(__GNUC__)
typedef float gv8 __attribute__((vector_size(32)));
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

FA_HOT static void
gemm_packed_kernel(int m, int n, int k, const float *a, int lda, const float *bp,
    const float *bias, float *c, int ldc)
{
    int np = (n + NR - 1) / NR, mc, i0, p, i;

    mc = (int)(MC_BYTES / ((size_t)k * sizeof(float)));
    mc = mc < MR ? MR : mc / MR * MR;
    for (i0 = 0; i0 < m; i0 += mc) {
        int i1 = i0 + mc < m ? i0 + mc : m;

        for (p = 0; p < np; p++) {
            const float *panel = bp + (size_t)p * (size_t)k * NR;
            const float *bb = bias != NULL ? bias + p * NR : NULL;
            int ncols = n - p * NR < NR ? n - p * NR : NR;

            for (i = i0; i < i1; i += MR) {
                const float *ar = a + (size_t)i * (size_t)lda;
                float *cr = c + (size_t)i * (size_t)ldc + (size_t)(p * NR);

                switch (i1 - i < MR ? i1 - i : MR) {
                case 1:
                    ukernel(k, ar, (size_t)lda, panel, bb, cr, (size_t)ldc, ncols, 1);
                    break;
                case 2:
                    ukernel(k, ar, (size_t)lda, panel, bb, cr, (size_t)ldc, ncols, 2);
                    break;
                case 3:
                    ukernel(k, ar, (size_t)lda, panel, bb, cr, (size_t)ldc, ncols, 3);
                    break;
                case 4:
                    ukernel(k, ar, (size_t)lda, panel, bb, cr, (size_t)ldc, ncols, 4);
                    break;
                case 5:
                    ukernel(k, ar, (size_t)lda, panel, bb, cr, (size_t)ldc, ncols, 5);
                    break;
                default:
                    ukernel(k, ar, (size_t)lda, panel, bb, cr, (size_t)ldc, ncols, 6);
                    break;
                }
            }
        }
    }
}
#endif

/* C[m][n] = A[m][k] * B (+ bias), B packed by cnn_gemm_pack. */
void
cnn_gemm_packed(int m, int n, int k, const float *a, int lda, const float *bp,
    const float *bias, float *c, int ldc)
{
#ifdef FA_HAVE_GEMM_KERNEL
    gemm_packed_kernel(m, n, k, a, lda, bp, bias, c, ldc);
#else
    /* no vector extensions: unpack panel by panel through the BLAS */
    int np = (n + NR - 1) / NR, p, i, j;

    for (p = 0; p < np; p++) {
        int ncols = n - p * NR < NR ? n - p * NR : NR;

        gemm_sgemm(false, false, m, ncols, k, 1.0f, a, lda, bp + (size_t)p * (size_t)k * NR,
            NR, 0.0f, c + p * NR, ldc);
        if (bias != NULL)
            for (i = 0; i < m; i++)
                for (j = 0; j < ncols; j++)
                    c[(size_t)i * (size_t)ldc + (size_t)(p * NR + j)] += bias[p * NR + j];
    }
#endif
}
