/* src/eigen_factor.c: eigen (single) factorization of the pair-space ERI
 * matrix.  W^1/2 V W^1/2 with W = 2 for off-diagonal pairs is similar to the
 * full N^2 x N^2 matrix restricted to its symmetric subspace, so its
 * eigenvalues are the nonzero ones of the full matrix (the antisymmetric
 * null space is removed).  Dropping eigenvalues <= tol bounds every element
 * error by tol (the kept-out part is PSD with diagonal <= tol). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>

#include "factor_internal.h"
#include "internal.h"

int qclr_eigen_factor(const qclr_hamiltonian *H, double tol, int64_t max_rank, int nthreads,
                      qclr_lowrank **out) {
  (void)nthreads;
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_eigen_factor: out is NULL");
  *out = NULL;
  if (!H) return qclr__error(QCLR_EINVAL, "qclr_eigen_factor: H is NULL");
  if (!(tol >= 0.0) || !isfinite(tol))
    return qclr__error(QCLR_EINVAL, "eigen factorization: tolerance must be finite and >= 0 (got %g)", tol);
  if (max_rank < 0) return qclr__error(QCLR_EINVAL, "eigen factorization: max_rank must be >= 0");
  int64_t N = qclr_hamiltonian_norb(H), np = qclr_hamiltonian_npair(H);
  int rc = qclr__check_lapack_int(np, "npair");
  if (rc) return rc;
  size_t nn;
  if ((rc = qclr__mul_size((size_t)np, (size_t)np, &nn))) return rc;
  double *A = qclr__malloc(nn ? nn : 1, sizeof(double), "eigen factorization matrix");
  double *w = qclr__malloc((size_t)(np ? np : 1), sizeof(double), "eigenvalues");
  double *sw = qclr__malloc((size_t)(np ? np : 1), sizeof(double), "pair weights");
  if (!A || !w || !sw) {
    free(A);
    free(w);
    free(sw);
    return QCLR_ENOMEM;
  }
  for (int64_t p = 0; p < N; p++)
    for (int64_t q = 0; q <= p; q++) sw[qclr__pair(p, q)] = p == q ? 1.0 : sqrt(2.0);
  const double *V = qclr_hamiltonian_vpair(H);
  double vmax = 0.0;
  for (int64_t i = 0; i < np; i++)
    for (int64_t j = 0; j < np; j++) {
      double v = V[i * np + j];
      if (fabs(v) > vmax) vmax = fabs(v);
      A[i * np + j] = sw[i] * v * sw[j];
    }
  if (np > 0) {
    lapack_int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)np, A, (lapack_int)np, w);
    if (info != 0) rc = qclr__error(QCLR_ENUMERIC, "eigen factorization: dsyevd failed (info %d)", (int)info);
  }
  double floor = qclr__psd_floor(np, vmax);
  if (!rc && np > 0 && w[0] < -floor)
    rc = qclr__error(QCLR_ENOTPSD,
                     "eigen factorization: lowest eigenvalue %.6g below the noise floor -%.3g: ERIs not PSD",
                     w[0], floor);
  int64_t keep = 0;
  for (int64_t i = np - 1; i >= 0 && w[i] > tol; i--) keep++;
  int64_t rank = keep;
  if (max_rank > 0 && rank > max_rank) rank = max_rank;
  qclr_lowrank *lr = NULL;
  if (!rc) rc = qclr__lowrank_new(np, rank, 0, &lr);
  if (!rc) {
    for (int64_t k = 0; k < rank; k++) {
      int64_t col = np - 1 - k; /* dsyevd: ascending */
      double s = sqrt(w[col]);
      double *v = lr->vec + k * np;
      int64_t arg = 0;
      for (int64_t i = 0; i < np; i++) {
        v[i] = A[i * np + col] / sw[i];
        if (fabs(A[i * np + col]) > fabs(A[arg * np + col]) + 1e-12) arg = i;
      }
      /* deterministic sign: largest component positive */
      if (A[arg * np + col] < 0) s = -s;
      for (int64_t i = 0; i < np; i++) v[i] *= s;
    }
    lr->rank = rank;
    lr->converged = rank == keep;
    /* largest dropped eigenvalue (0 if none is positive) */
    lr->max_residual = rank < np && w[np - 1 - rank] > 0 ? w[np - 1 - rank] : 0.0;
    if (!lr->converged)
      rc = qclr__error(QCLR_WRANKCAP,
                       "eigen factorization: rank cap %lld drops eigenvalues up to %.6g > tol %.3g",
                       (long long)max_rank, w[np - 1 - rank], tol);
  }
  free(A);
  free(w);
  free(sw);
  if (rc < 0) {
    qclr_lowrank_free(lr);
    return rc;
  }
  *out = lr;
  return rc;
}
