/* src/eigen_factor.c: eigen (single) factorization of the pair-space ERI
 * matrix.  W^1/2 V W^1/2 with W = 2 for off-diagonal pairs is similar to the
 * full N^2 x N^2 matrix restricted to its symmetric subspace, so its
 * eigenvalues are the nonzero ones of the full matrix (the antisymmetric
 * null space is removed).  Dropping eigenvalues <= tol bounds every element
 * error by tol (the kept-out part is PSD with diagonal <= tol).  Clusters of
 * (near-)degenerate eigenvalues get a canonical basis, so the factors do not
 * depend on how LAPACK's threads rounded (see canonical_cluster). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>

#include "factor/factor_internal.h"
#include "core/eigen_internal.h"
#include "core/internal.h"

/* Eigenvalues closer than this times the largest one form a cluster. */
#define QCLR__EIGEN_CLUSTER 1e-9

/* Degenerate eigenvalues (symmetry: pi pairs of linear molecules, ...) leave
 * the eigenvectors free up to a rotation that LAPACK picks from rounding, so
 * the factors and lambda_SF would change with the BLAS thread count.  Within
 * a cluster of k near-equal eigenvalues (rows of Y, k x np; lam_asc[k-1-c] is
 * the eigenvalue of row c) the basis is made canonical by a QR with column
 * pivoting of Y: the first vector is the projection of the pair with the
 * largest weight in the cluster (ties within a relative 1e-6 go to the lowest
 * pair index), the next ones likewise in what is left.  This is a function of
 * the cluster's invariant subspace alone, and it aligns the vectors with
 * single pairs (degenerate pi factors come out as x and y, not mixed).  The
 * rows then become R^T Q^T Y with C = Q^T Lambda Q = R R^T, so their outer
 * products still sum to Y^T Lambda Y exactly.  Cost O(np k^2). */
static int canonical_cluster(int64_t np, int64_t k, double *Y, const double *lam_asc) {
  if (k == 1) {
    double s = sqrt(lam_asc[0]);
    for (int64_t i = 0; i < np; i++) Y[i] *= s;
    return 0;
  }
  double *Q = qclr__malloc((size_t)(2 * k * k + k), sizeof(double), "eigen cluster");
  double *R = Q ? Q + k * k : NULL, *a = R ? R + k * k : NULL;
  double *QY = qclr__malloc((size_t)(k * np), sizeof(double), "eigen cluster vectors");
  unsigned char *taken = qclr__calloc((size_t)np, 1, "eigen cluster pivots");
  if (!Q || !QY || !taken) {
    free(Q);
    free(QY);
    free(taken);
    return QCLR_ENOMEM;
  }
  /* column j of Q (k-vector q_j, stored as row j) from the pivot column of Y,
   * orthogonalized against q_0..q_{j-1} (twice, for orthogonality to ulps) */
  for (int64_t j = 0; j < k; j++) {
    double best = -1.0;
    int64_t piv = -1;
    for (int64_t i = 0; i < np; i++) {
      if (taken[i]) continue;
      double r = 0.0;
      for (int64_t c = 0; c < k; c++) r += Y[c * np + i] * Y[c * np + i];
      for (int64_t t = 0; t < j; t++) {
        double x = 0.0;
        for (int64_t c = 0; c < k; c++) x += Q[t * k + c] * Y[c * np + i];
        r -= x * x;
      }
      if (r > best * (1.0 + 1e-6)) {
        best = r;
        piv = i;
      }
    }
    taken[piv] = 1;
    for (int64_t c = 0; c < k; c++) a[c] = Y[c * np + piv];
    for (int pass = 0; pass < 2; pass++)
      for (int64_t t = 0; t < j; t++) {
        double x = 0.0;
        for (int64_t c = 0; c < k; c++) x += Q[t * k + c] * a[c];
        for (int64_t c = 0; c < k; c++) a[c] -= x * Q[t * k + c];
      }
    double nrm = 0.0;
    for (int64_t c = 0; c < k; c++) nrm += a[c] * a[c];
    nrm = sqrt(nrm);
    for (int64_t c = 0; c < k; c++) Q[j * k + c] = nrm > 0 ? a[c] / nrm : 0.0;
  }
  /* C = Q^T Lambda Q (rows q_j), then C = R R^T with R lower */
  for (int64_t p = 0; p < k; p++)
    for (int64_t q = 0; q <= p; q++) {
      double x = 0.0;
      for (int64_t c = 0; c < k; c++) x += Q[p * k + c] * lam_asc[k - 1 - c] * Q[q * k + c];
      R[p * k + q] = x;
    }
  for (int64_t p = 0; p < k; p++)
    for (int64_t q = 0; q <= p; q++) {
      double x = R[p * k + q];
      for (int64_t c = 0; c < q; c++) x -= R[p * k + c] * R[q * k + c];
      if (p == q) R[p * k + p] = x > 0.0 ? sqrt(x) : 0.0;
      else R[p * k + q] = R[q * k + q] > 0.0 ? x / R[q * k + q] : 0.0;
    }
  for (int64_t p = 0; p < k; p++)
    for (int64_t i = 0; i < np; i++) {
      double x = 0.0;
      for (int64_t c = 0; c < k; c++) x += Q[p * k + c] * Y[c * np + i];
      QY[p * np + i] = x;
    }
  for (int64_t q = 0; q < k; q++) /* factor q = sum_{p >= q} R[p][q] (Q^T Y)_p */
    for (int64_t i = 0; i < np; i++) {
      double x = 0.0;
      for (int64_t p = q; p < k; p++) x += R[p * k + q] * QY[p * np + i];
      Y[q * np + i] = x;
    }
  free(Q);
  free(QY);
  free(taken);
  return 0;
}

int qclr_eigen_factor(const qclr_hamiltonian *H, double tol, int64_t max_rank, qclr_lowrank **out) {
  qclr__clear();
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
  /* the pair matrix and, at full rank, as many eigenvector entries */
  if (nn > SIZE_MAX / (2 * sizeof(double))) return qclr__error(QCLR_ETOOLARGE, "eigen factorization: npair too large");
  if ((rc = qclr__memory_check(2 * nn * sizeof(double), "the eigen factorization (pair matrix and eigenvectors)")))
    return rc;
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
    /* sequential LAPACK: the threaded dsyevd reorders its sums with the BLAS
     * thread count, so eigenvalues near tol (and lambda_SF) would depend on it */
    rc = qclr__eigh_sym('V', np, A, np, w, "eigen factorization");
  }
  double floor = qclr__psd_floor(np, vmax);
  if (!rc && np > 0 && w[0] < -floor)
    rc = qclr__error(QCLR_ENOTPSD,
                     "eigen factorization: lowest eigenvalue %.6g below the noise floor -%.3g: ERIs not PSD",
                     w[0], floor);
  /* tol = 0 keeps the eigenvalues above the noise floor eps*npair*max|V|
   * (qclr__psd_floor), not round-off ones, whose count would depend on the
   * LAPACK build and thread count (docs/conventions.md §2) */
  const double cut = tol > floor ? tol : floor;
  int64_t keep = 0;
  for (int64_t i = np - 1; i >= 0 && w[i] > cut; i--) keep++;
  int64_t rank = keep;
  if (max_rank > 0 && rank > max_rank) rank = max_rank;
  qclr_lowrank *lr = NULL;
  if (!rc) rc = qclr__lowrank_new(np, rank, 0, &lr);
  if (!rc) {
    /* row k of vec: y_k (eigenvector of eigenvalue k, descending), then the
     * clusters are made canonical and the rows become the factors */
    for (int64_t k = 0; k < rank; k++) {
      int64_t col = np - 1 - k; /* dsyevd: ascending */
      for (int64_t i = 0; i < np; i++) lr->vec[k * np + i] = A[i * np + col];
    }
    double delta = QCLR__EIGEN_CLUSTER * (np > 0 && w[np - 1] > 0 ? w[np - 1] : 0.0);
    for (int64_t k0 = 0; !rc && k0 < rank;) {
      int64_t k1 = k0 + 1;
      while (k1 < rank && w[np - k1] - w[np - 1 - k1] <= delta) k1++;
      rc = canonical_cluster(np, k1 - k0, lr->vec + k0 * np, w + (np - k1));
      k0 = k1;
    }
  }
  if (!rc) {
    for (int64_t k = 0; k < rank; k++) {
      double *v = lr->vec + k * np;
      int64_t arg = 0;
      for (int64_t i = 0; i < np; i++)
        if (fabs(v[i]) > fabs(v[arg]) + 1e-12) arg = i;
      double s = v[arg] < 0 ? -1.0 : 1.0; /* deterministic sign: largest component positive */
      for (int64_t i = 0; i < np; i++) v[i] *= s / sw[i];
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
