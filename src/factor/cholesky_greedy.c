/* src/cholesky_greedy.c: greedy pivoted Cholesky: the pivot is the largest
 * residual diagonal (first index on ties); stop when it is <= tol. */
#include <stdlib.h>

#include "factor/factor_internal.h"
#include "core/internal.h"

int qclr__cholesky_greedy(const qclr_pair_operator *op, const qclr_cholesky_options *o, qclr_lowrank *lr) {
  int64_t n = op->n;
  double floor;
  double *d = qclr__malloc((size_t)(n > 0 ? n : 1), sizeof(double), "residual diagonal");
  if (!d) return QCLR_ENOMEM;
  int rc = qclr__cholesky_diag(op, d, &floor);
  while (!rc) {
    int64_t piv = -1;
    double dmax = 0.0;
    for (int64_t i = 0; i < n; i++)
      if (piv < 0 || d[i] > dmax) {
        dmax = d[i];
        piv = i;
      }
    lr->max_residual = n > 0 ? dmax : 0.0;
    if (n == 0 || dmax <= o->tol) {
      lr->converged = 1;
      break;
    }
    if (o->max_rank > 0 && lr->rank >= o->max_rank) break;
    if ((rc = qclr__lowrank_reserve(lr, lr->rank + 1))) break;
    rc = qclr__cholesky_step(op, lr, d, piv, floor);
  }
  free(d);
  return rc;
}
