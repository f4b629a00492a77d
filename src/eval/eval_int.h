/* SPDX-License-Identifier: MIT */
#ifndef FA_EVAL_INT_H
#define FA_EVAL_INT_H
/*
 * eval_int.h - private to src/eval/: helpers shared by the result, figure
 * and run code.
 */

#include "faceaudit/eval.h"

/* Rebuild res->subjects (sorted distinct names) and every item's subj index. */
void eval_result_index_subjects(struct eval_result *res);

#endif /* FA_EVAL_INT_H */
