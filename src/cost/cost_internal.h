/* src/cost/cost_internal.h: QROM cost helpers of the resource estimates
 * (src/cost/cost.c); internal, not installed. */
#ifndef QCLR_COST_INTERNAL_H
#define QCLR_COST_INTERNAL_H

#include <stdint.h>

/* Advanced QROM (Low, Kliuchnikov, Schaeffer; Berry et al. 2019 App. A) that
 * reads `items` entries of `width` bits with k = 2^kexp-way parallelism:
 * Toffolis ceil(items/k) + width (k - 1), the integer kexp nearest below or
 * above log2(items/width)/2 that costs less.  QCLR_EINVAL (message built from
 * `what`, naming the input to change) if items < width. */
int qclr__cost_qrom(int64_t items, int64_t width, const char *what, int *kexp, int64_t *toffolis);
/* Its uncomputation by measurement: ceil(items/k) + k, kexp near log2(items)/2. */
void qclr__cost_qrom_inverse(int64_t items, int *kexp, int64_t *toffolis);
/* QROM over a two-index range items1 x items2, parallelism 2^k1 x 2^k2 with
 * k1, k2 in 1..16 (the published search range): cost
 * ceil(items1/2^k1) ceil(items2/2^k2) + width (2^(k1+k2) - 1), first minimum
 * in (k1, k2) order. */
void qclr__cost_qrom2(int64_t items1, int64_t items2, int64_t width, int64_t *k1, int64_t *k2,
                      int64_t *toffolis);
/* Smallest integer b in 1..20 minimizing steps (1/P_b - 1) + 4 b, the cost of
 * an equal superposition over `count` states in a register of 2^bits states
 * prepared by one round of amplitude amplification with a b-bit rotation
 * (real part of the published complex-continued expression). */
int qclr__cost_rotation_bits(double steps, double count, int bits);

#endif
