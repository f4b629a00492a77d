/* SPDX-License-Identifier: MIT */
/*
 * app_sim.h - where the simulation meets the evaluation (faceaudit(1):
 * simulate --errors and --images): the error rates of a stored evaluation
 * and the image mode's oracle from real descriptors. In app because sim and
 * eval sit side by side in the layers (doc/HACKING.md, Layers); app_sim.c
 * hands the figures to sim as plain numbers and a sim_oracle.
 */
#ifndef FACEAUDIT_APP_SIM_H
#define FACEAUDIT_APP_SIM_H

#include <stdbool.h>

#include "faceaudit/sim.h"

/* --- error rates from a stored evaluation (app_sim_errors.c) -------------------- */

struct eval_result;

/*
 * The recognition error rates of a stored evaluation at threshold t (a
 * distance; accepted when <= t). From an identification run: FNMR is the
 * share of mated searches whose mate is not ranked first within t, FPIR the
 * share of non-mated searches with a candidate within t. From a verification
 * run: FNMR over genuine pairs, and FPIR taken as the FMR of one comparison
 * (*note says so). Failed acquisitions count as errors. Returns 0, or -1 with
 * *cause when the run has no records to measure from. *note is allocated.
 */
int app_sim_rates_from_eval(const struct eval_result *r, double t, double *fnmr, double *fpir,
    char **note, char **cause);

/* --- image mode (app_sim_images.c) --------------------------------------------------- */

struct app_sim_images;

/*
 * Image mode: every image of a labelled dataset (dataset_load) goes through
 * the real engine once (detection or the --cropped path, landmarks,
 * descriptor); simulated person p is assigned subject p mod S. A returning
 * enrolled person is recognised when a random other image of their subject
 * lies within the threshold of their enrolment image; a person not enrolled
 * is falsely matched when a random image of theirs lies within the threshold
 * of any of up to 64 enrolment images of other subjects (as many as are
 * stored). Subjects need two usable images. NULL with *cause.
 */
struct app_sim_images *app_sim_images_load(const char *dataset, bool cropped, float threshold,
    char **cause);
/*
 * app_sim_images_load() polling cancelled(arg) (may be NULL) before each image:
 * NULL with *cause "cancelled" when it asked to stop.
 */
struct app_sim_images *app_sim_images_load_until(const char *dataset, bool cropped, float threshold,
    bool (*cancelled)(void *arg), void *arg, char **cause);
void app_sim_images_free(struct app_sim_images *im);
const struct sim_oracle *app_sim_images_oracle(struct app_sim_images *im);
/* A line describing the images used ("bbt.csv: 8 subjects, 40 images, ..."); borrowed. */
const char *app_sim_images_describe(const struct app_sim_images *im);

#endif /* FACEAUDIT_APP_SIM_H */
