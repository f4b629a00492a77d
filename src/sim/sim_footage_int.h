/* SPDX-License-Identifier: MIT */
#ifndef FA_SIM_FOOTAGE_INT_H
#define FA_SIM_FOOTAGE_INT_H
/*
 * sim_footage_int.h - private to src/sim/: a device-day of footage as a
 * checkpoint (sim_footage_ckpt.c), for replay --resume.
 */

#include "faceaudit/sim.h"

/* The day as one JSON object (caller frees); doubles round-trip exactly. */
char *footage_day_encode(const struct footage_day *d);
/* Read a day back into *d (its strings allocated); 0, or -1 when the text is not one. */
int footage_day_decode(const char *text, struct footage_day *d);

#endif /* FA_SIM_FOOTAGE_INT_H */
