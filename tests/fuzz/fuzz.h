/* SPDX-License-Identifier: MIT */
#ifndef FA_FUZZ_H
#define FA_FUZZ_H
/*
 * fuzz.h - every fuzz target defines LLVMFuzzerTestOneInput. Built with
 * --enable-fuzzing (clang) it links libFuzzer; otherwise fuzz_main.c turns
 * it into a replay program that `make check` runs over the target's seed
 * corpus and its crash regressions (tests/fuzz/corpus/<target>/).
 */

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* FA_FUZZ_H */
