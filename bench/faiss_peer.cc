// SPDX-License-Identifier: MIT
//
// faiss_peer.cc - the 1:N search peer of bench/recog: FAISS IndexFlatIP
// (Debian libfaiss-dev ships the C++ library only, without its C API), behind
// one C function. Built only for the benchmark, never linked into faceaudit.

#include <faiss/IndexFlat.h>
#include <omp.h>

#include <chrono>
#include <cstddef>
#include <ctime>

extern "C" double faiss_peer_search(const float *gallery, size_t n, const float *probes,
    size_t np, int dim, int k, int threads, long *labels, float *scores, double *cpu_ms);

static double
process_cpu_ms()
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

// Add the gallery to an IndexFlatIP, then time one search of every probe with
// `threads` OpenMP threads. Returns the search's wall time in milliseconds
// (*cpu_ms: its CPU time over all threads); labels and scores get np x k
// results, best first.
extern "C" double
faiss_peer_search(const float *gallery, size_t n, const float *probes, size_t np, int dim,
    int k, int threads, long *labels, float *scores, double *cpu_ms)
{
    faiss::IndexFlatIP index(dim);
    faiss::Index::idx_t *lab = new faiss::Index::idx_t[np * (size_t)k];

    omp_set_num_threads(threads);
    index.add((faiss::Index::idx_t)n, gallery);
    double c0 = process_cpu_ms();
    auto t0 = std::chrono::steady_clock::now();
    index.search((faiss::Index::idx_t)np, probes, k, scores, lab);
    auto t1 = std::chrono::steady_clock::now();
    *cpu_ms = process_cpu_ms() - c0;
    for (size_t i = 0; i < np * (size_t)k; i++)
        labels[i] = (long)lab[i];
    delete[] lab;
    return std::chrono::duration<double, std::milli>(t1 - t0).count();
}
