/* SPDX-License-Identifier: MIT */
#ifndef FA_GEMM_H
#define FA_GEMM_H
/*
 * gemm.h - the one matrix-multiply entry point of faceaudit, a thin wrapper
 * over cblas_sgemm (src/recog/gemm_blas.c is the only file that includes
 * cblas.h). Used by the CNN layers (im2col convolutions, pointwise convs,
 * fully connected layers) and by the matcher (1:N search as one SGEMM).
 *
 * All matrices are row-major. The functions are reentrant: several threads
 * may multiply at once. Whether OpenBLAS itself spawns threads is set with
 * gemm_set_threads(); faceaudit's own parallelism (one network instance per
 * thread) wants 1.
 */

#include <stdbool.h>

/*
 * C[m][n] = alpha * op(A)[m][k] * op(B)[k][n] + beta * C, row-major, where
 * op(X) is X or its transpose (trans_a / trans_b); lda/ldb/ldc are the row
 * strides of the matrices as stored.
 */
void gemm_sgemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float *a,
    int lda, const float *b, int ldb, float beta, float *c, int ldc);
/* y[m] = alpha * op(A) x + beta * y, row-major A[m][n] (op as above). */
void gemm_sgemv(bool trans_a, int m, int n, float alpha, const float *a, int lda,
    const float *x, float beta, float *y);
/* Set the number of threads the BLAS may use inside one call (>= 1). */
void gemm_set_threads(int n);
/* The BLAS build and the kernel it selected (openblas_get_config), static string. */
const char *gemm_backend(void);
/* The CPU kernel the BLAS selected (openblas_get_corename, e.g. "Haswell"), static. */
const char *gemm_kernel(void);

#endif /* FA_GEMM_H */
