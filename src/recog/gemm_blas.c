/* SPDX-License-Identifier: MIT */
/*
 * gemm_blas.c - gemm.h on CBLAS/OpenBLAS, the only file that includes
 * cblas.h. Everything is row-major; the wrappers only translate flags.
 */
#include "config.h"

#include <cblas.h>

#include "faceaudit/gemm.h"

/* C = alpha op(A) op(B) + beta C, row-major. */
void
gemm_sgemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float *a,
    int lda, const float *b, int ldb, float beta, float *c, int ldc)
{
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
        trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/* y = alpha op(A) x + beta y, row-major. */
void
gemm_sgemv(bool trans_a, int m, int n, float alpha, const float *a, int lda, const float *x,
    float beta, float *y)
{
    cblas_sgemv(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, m, n, alpha, a, lda, x, 1,
        beta, y, 1);
}

/* Threads OpenBLAS may use inside one call. */
void
gemm_set_threads(int n)
{
#ifdef HAVE_OPENBLAS_SET_NUM_THREADS
    openblas_set_num_threads(n < 1 ? 1 : n);
#else
    (void)n;
#endif
}

/* The BLAS configuration string (static). */
const char *
gemm_backend(void)
{
#ifdef HAVE_OPENBLAS_GET_CONFIG
    const char *cfg = openblas_get_config();

    return cfg != NULL ? cfg : "OpenBLAS";
#else
    return "CBLAS";
#endif
}

/* The kernel OpenBLAS selected for this CPU ("Haswell", ...), static. */
const char *
gemm_kernel(void)
{
#ifdef HAVE_OPENBLAS_GET_CONFIG
    /* openblas_get_corename comes with openblas_get_config in every OpenBLAS */
    const char *core = openblas_get_corename();

    return core != NULL ? core : "unknown";
#else
    return "unknown";
#endif
}
