/* src/lowrank.c: the qclr_lowrank result object, its accessors, and the
 * Hamiltonian rebuilt from a set of pair vectors. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include <stdio.h>

#include "factor/factor_internal.h"
#include "core/internal.h"

int qclr__lowrank_new(int64_t dim, int64_t cap, int with_pivots, qclr_lowrank **out) {
  *out = NULL;
  if (dim < 0 || cap < 0) return qclr__error(QCLR_EINVAL, "low-rank: negative size");
  qclr_lowrank *lr = qclr__calloc(1, sizeof *lr, "low-rank result");
  if (!lr) return QCLR_ENOMEM;
  lr->dim = dim;
  lr->max_residual = 0.0;
  if (cap > 0) {
    size_t n;
    if (qclr__mul_size((size_t)cap, (size_t)(dim > 0 ? dim : 1), &n)) {
      free(lr);
      return QCLR_ETOOLARGE;
    }
    int mrc = n <= SIZE_MAX / sizeof(double) ? qclr__memory_check(n * sizeof(double), "the Cholesky vectors")
                                             : QCLR_ETOOLARGE;
    if (mrc) {
      free(lr);
      return mrc;
    }
    lr->vec = qclr__malloc(n, sizeof(double), "Cholesky vectors");
    if (!lr->vec) {
      free(lr);
      return QCLR_ENOMEM;
    }
    lr->cap = cap;
  }
  if (with_pivots) {
    lr->pivots = qclr__malloc((size_t)(cap > 0 ? cap : 1), sizeof(int64_t), "pivot list");
    if (!lr->pivots) {
      qclr_lowrank_free(lr);
      return QCLR_ENOMEM;
    }
  }
  *out = lr;
  return 0;
}

int qclr__lowrank_reserve(qclr_lowrank *lr, int64_t need) {
  if (need <= lr->cap) return 0;
  int64_t cap = lr->cap < 16 ? 16 : lr->cap;
  while (cap < need) cap *= 2;
  size_t n;
  if (qclr__mul_size((size_t)cap, (size_t)(lr->dim > 0 ? lr->dim : 1), &n) ||
      qclr__mul_size(n, sizeof(double), &n))
    return QCLR_ETOOLARGE;
  char what[96];
  snprintf(what, sizeof what, "growing the Cholesky vectors to %lld x %lld", (long long)cap, (long long)lr->dim);
  int mrc = qclr__memory_check(n - (size_t)lr->cap * (size_t)(lr->dim > 0 ? lr->dim : 1) * sizeof(double), what);
  if (mrc) return mrc;
  double *v = realloc(lr->vec, n);
  if (!v)
    return qclr__error(QCLR_ENOMEM, "cannot grow the Cholesky vectors to %lld x %lld (%zu bytes)",
                       (long long)cap, (long long)lr->dim, n);
  lr->vec = v;
  if (lr->pivots) {
    int64_t *p = realloc(lr->pivots, (size_t)cap * sizeof(int64_t));
    if (!p) return qclr__error(QCLR_ENOMEM, "cannot grow the pivot list to %lld", (long long)cap);
    lr->pivots = p;
  }
  lr->cap = cap;
  return 0;
}

/* eps = 64 u: residual diagonals of an exactly rank-deficient PSD matrix are
 * rounding noise of a few u * n * max diag, and FCIDUMP integrals are cut at
 * ~1e-12 (N2/cc-pVDZ: lowest eigenvalue -4.6e-12); neither is "not PSD". */
double qclr__psd_floor(int64_t n, double scale) {
  return 64.0 * DBL_EPSILON * (double)(n > 1 ? n : 1) * (scale > 0 ? scale : 0.0);
}

int64_t qclr_lowrank_rank(const qclr_lowrank *lr) { return lr ? lr->rank : 0; }
int64_t qclr_lowrank_dim(const qclr_lowrank *lr) { return lr ? lr->dim : 0; }
const double *qclr_lowrank_vectors(const qclr_lowrank *lr) { return lr ? lr->vec : NULL; }
int qclr_lowrank_converged(const qclr_lowrank *lr) { return lr ? lr->converged : 0; }
double qclr_lowrank_max_residual(const qclr_lowrank *lr) { return lr ? lr->max_residual : NAN; }
const int64_t *qclr_lowrank_pivots(const qclr_lowrank *lr) { return lr ? lr->pivots : NULL; }

void qclr_lowrank_free(qclr_lowrank *lr) {
  if (!lr) return;
  free(lr->vec);
  free(lr->pivots);
  free(lr);
}

int qclr__pairvec_hamiltonian(const qclr_hamiltonian *H, const double *vec, int64_t rank,
                              qclr_hamiltonian **out) {
  *out = NULL;
  int64_t N = qclr_hamiltonian_norb(H), np = qclr_hamiltonian_npair(H);
  int rc;
  if ((rc = qclr__check_lapack_int(np, "npair")) || (rc = qclr__check_lapack_int(rank, "rank")))
    return rc;
  qclr_hamiltonian *R;
  rc = qclr_hamiltonian_new(N, qclr_hamiltonian_nelec(H), qclr_hamiltonian_ms2(H), &R);
  if (rc) return rc;
  qclr_hamiltonian_set_e_core(R, qclr_hamiltonian_e_core(H));
  qclr_hamiltonian_set_isym(R, qclr_hamiltonian_isym(H));
  memcpy(qclr_hamiltonian_h_mut(R), qclr_hamiltonian_h(H), (size_t)(N * N) * sizeof(double));
  memcpy(qclr_hamiltonian_orbsym_mut(R), qclr_hamiltonian_orbsym(H), (size_t)N * sizeof(int));
  double *V = qclr_hamiltonian_vpair_mut(R);
  if (rank > 0)
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)np, (int)rank, 1.0, vec, (int)np, 0.0,
                V, (int)np);
  else
    memset(V, 0, (size_t)(np * np) * sizeof(double));
  for (int64_t i = 0; i < np; i++)
    for (int64_t j = 0; j < i; j++) V[i * np + j] = V[j * np + i];
  *out = R;
  return 0;
}

int qclr_lowrank_hamiltonian(const qclr_hamiltonian *H, const qclr_lowrank *lr, qclr_hamiltonian **out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_lowrank_hamiltonian: out is NULL");
  *out = NULL;
  if (!H || !lr) return qclr__error(QCLR_EINVAL, "qclr_lowrank_hamiltonian: NULL argument");
  if (lr->dim != qclr_hamiltonian_npair(H))
    return qclr__error(QCLR_EINVAL, "low-rank dimension %lld does not match npair %lld",
                       (long long)lr->dim, (long long)qclr_hamiltonian_npair(H));
  return qclr__pairvec_hamiltonian(H, lr->vec, lr->rank, out);
}
