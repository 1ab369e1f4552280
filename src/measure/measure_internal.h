/* src/measure/measure_internal.h: kernels shared by the measure module; not installed. */
#ifndef QCLR_MEASURE_INTERNAL_H
#define QCLR_MEASURE_INTERNAL_H

#include "qclr/givens.h"

/* qclr_givens_rotate_civec with an explicit thread count (no argument
 * checks beyond the public ones): callers already inside a parallel region
 * pass 1, so no nested team is opened whatever the caller's setting. */
int qclr__givens_rotate_civec(const qclr_givens *g, int nalpha, int nbeta, double *c, int nthreads);

#endif
