/* src/cholesky_random.c: randomly pivoted Cholesky (Chen, Epperly, Tropp,
 * Webber 2022): the pivot is sampled with probability proportional to its
 * residual diagonal.  Entries already <= tol are excluded from the draw (they
 * need no further work).  GSL's mt19937 seeded with o->seed: reproducible. */
#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "factor/factor_internal.h"
#include "core/internal.h"

int qclr__cholesky_random(const qclr_pair_operator *op, const qclr_cholesky_options *o, qclr_lowrank *lr) {
  int64_t n = op->n;
  double floor;
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!rng) return qclr__error(QCLR_ENOMEM, "cannot allocate the random number generator");
  gsl_rng_set(rng, (unsigned long)o->seed);
  double *d = qclr__malloc((size_t)(n > 0 ? n : 1), sizeof(double), "residual diagonal");
  if (!d) {
    gsl_rng_free(rng);
    return QCLR_ENOMEM;
  }
  int rc = qclr__cholesky_diag(op, d, &floor);
  while (!rc) {
    double dmax = 0.0, total = 0.0;
    int64_t last = -1;
    for (int64_t i = 0; i < n; i++) {
      if (d[i] > dmax) dmax = d[i];
      if (d[i] > o->tol) {
        total += d[i];
        last = i;
      }
    }
    lr->max_residual = dmax;
    if (n == 0 || dmax <= o->tol) {
      lr->converged = 1;
      break;
    }
    if (o->max_rank > 0 && lr->rank >= o->max_rank) break;
    double u = gsl_rng_uniform(rng) * total, acc = 0.0;
    int64_t piv = last;
    for (int64_t i = 0; i < n; i++)
      if (d[i] > o->tol) {
        acc += d[i];
        if (u < acc) {
          piv = i;
          break;
        }
      }
    if ((rc = qclr__lowrank_reserve(lr, lr->rank + 1))) break;
    rc = qclr__cholesky_step(op, lr, d, piv, floor);
  }
  free(d);
  gsl_rng_free(rng);
  return rc;
}
