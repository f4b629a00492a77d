/* SPDX-License-Identifier: MIT */
/*
 * eval_engine_recog.c - the built-in engine: decode, detect (unless the
 * images are crops), align and embed with the recog/ networks. Until the
 * recognition engine is merged from branch recog-core there is none, and
 * this says so instead of pretending.
 */
#include "config.h"

#include "faceaudit/eval.h"

#include "faceaudit/log.h"

struct eval_engine *
eval_engine_default(bool cropped, char **cause)
{
    cause_set(cause, "the built-in recognition engine is not in this build yet; evaluate "
        "another system's output with --descriptors FILE (verify, identify) or --detections "
        "FILE (detect)");
    return NULL;
}
