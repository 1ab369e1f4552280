/* src/factor/cholesky_kernels.c: the steps every pivoted-Cholesky variant
 * (greedy, random, block) shares: reading and checking the diagonal, one
 * left-looking column step, and the PSD check of the residual diagonal. */
#include <math.h>

#include <cblas.h>

#include "factor/factor_internal.h"
#include "core/internal.h"

int qclr__cholesky_diag(const qclr_pair_operator *op, double *d, double *floor) {
  if (op->diag(op->ctx, d)) return qclr__error(QCLR_ECALLBACK, "Cholesky: the diagonal callback failed");
  double dmax = 0.0;
  for (int64_t i = 0; i < op->n; i++) {
    if (!isfinite(d[i]))
      return qclr__error(QCLR_EINVAL, "Cholesky: diagonal element %lld is not finite", (long long)i);
    if (d[i] > dmax) dmax = d[i];
  }
  *floor = qclr__psd_floor(op->n, dmax);
  for (int64_t i = 0; i < op->n; i++)
    if (d[i] < -*floor)
      return qclr__error(QCLR_ENOTPSD, "Cholesky: diagonal element %lld is %.6g < 0: matrix not PSD",
                         (long long)i, d[i]);
  return 0;
}

int qclr__cholesky_check_diag(const double *d, int64_t n, double floor, int64_t rank) {
  for (int64_t i = 0; i < n; i++)
    if (d[i] < -floor)
      return qclr__error(QCLR_ENOTPSD,
                         "Cholesky: residual diagonal %lld is %.6g after %lld vectors (noise floor %.3g): "
                         "matrix not PSD", (long long)i, d[i], (long long)rank, floor);
  return 0;
}

int qclr__cholesky_step(const qclr_pair_operator *op, qclr_lowrank *lr, double *d, int64_t piv,
                        double floor) {
  int64_t n = op->n, k = lr->rank;
  double *col = lr->vec + k * n;
  if (op->columns(op->ctx, 1, &piv, col))
    return qclr__error(QCLR_ECALLBACK, "Cholesky: the column callback failed (column %lld)", (long long)piv);
  if (k > 0)
    cblas_dgemv(CblasRowMajor, CblasTrans, (int)k, (int)n, -1.0, lr->vec, (int)n, lr->vec + piv,
                (int)n, 1.0, col, 1);
  double p = col[piv];
  if (!(p > 0.0))
    return qclr__error(QCLR_ENOTPSD, "Cholesky: residual pivot %lld is %.6g (diagonal said %.6g): matrix not PSD",
                       (long long)piv, p, d[piv]);
  double s = 1.0 / sqrt(p);
  for (int64_t i = 0; i < n; i++) {
    col[i] *= s;
    d[i] -= col[i] * col[i];
  }
  d[piv] = 0.0;
  if (lr->pivots) lr->pivots[k] = piv;
  lr->rank = k + 1;
  return qclr__cholesky_check_diag(d, n, floor, lr->rank);
}
