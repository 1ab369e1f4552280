/* src/factor/lambda.c: the 1-norms lambda_SF and lambda_DF of a factorized
 * Hamiltonian (Lee et al., PRX Quantum 2, 030305; docs/conventions.md §2), and
 * the pieces model_df.c reuses when it has pair vectors but no ERIs. */
#include <math.h>
#include <stdlib.h>

#include <lapacke.h>

#include "factor/factor_internal.h"
#include "core/eigen_internal.h"
#include "core/internal.h"

int qclr__tprime_norms(int64_t N, double *Tp, double *w, double *elementwise, double *spectral) {
  int rc = 0;
  if (elementwise) {
    double s = 0.0;
    for (int64_t i = 0; i < N * N; i++) s += fabs(Tp[i]);
    *elementwise = s;
  }
  if (spectral) {
    double s = 0.0;
    if (N > 0) {
      rc = qclr__eigh_sym('N', N, Tp, N, w, "eigenvalues of T'");
    }
    for (int64_t k = 0; !rc && k < N; k++) s += fabs(w[k]);
    *spectral = s;
  }
  return rc;
}

double qclr__pairvec_abs_sum(int64_t N, const double *v) {
  double s = 0.0;
  for (int64_t p = 0; p < N; p++) {
    const double *row = v + p * (p + 1) / 2;
    for (int64_t q = 0; q < p; q++) s += 2.0 * fabs(row[q]);
    s += fabs(row[p]);
  }
  return s;
}

/* sum_pq |T'_pq| and/or sum_k |eig_k(T')|; T (if not NULL, e.g. the DF's)
 * saves the exchange-like pass. */
static int tprime_norms_of(const qclr_hamiltonian *H, const double *T, double *elementwise, double *spectral) {
  int64_t N = qclr_hamiltonian_norb(H);
  double *Tp = qclr__malloc((size_t)(N > 0 ? 2 * N * N : 1), sizeof(double), "T'");
  double *w = qclr__malloc((size_t)(N ? N : 1), sizeof(double), "eigenvalues of T'");
  int rc = (Tp && w) ? 0 : QCLR_ENOMEM;
  if (!rc && T) {
    double *J = Tp + N * N;
    qclr__one_body_terms(H, NULL, J);
    for (int64_t i = 0; i < N * N; i++) Tp[i] = T[i] + J[i];
  } else if (!rc) {
    rc = qclr_factor_one_body(H, NULL, Tp);
  }
  if (!rc) rc = qclr__tprime_norms(N, Tp, w, elementwise, spectral);
  free(Tp);
  free(w);
  return rc;
}

/* two-body parts: 1/4 sum_l (sum_pq |L^l_pq|)^2 and 1/4 sum_l (sum_k |f^l_k|)^2 */
static double two_body_sf(int64_t N, const qclr_lowrank *lr) {
  int64_t np = lr->dim;
  double two = 0.0;
  for (int64_t l = 0; l < lr->rank; l++) {
    double s = qclr__pairvec_abs_sum(N, lr->vec + l * np);
    two += 0.25 * s * s;
  }
  return two;
}

static double two_body_df(const qclr_df *df) {
  double two = 0.0;
  for (int64_t l = 0; l < df->nfactors; l++) {
    double s = 0.0;
    for (int64_t k = 0; k < df->size[l]; k++) s += fabs(df->f[l * df->norb + k]);
    two += 0.25 * s * s;
  }
  return two;
}

int qclr_factor_lambda(const qclr_hamiltonian *H, const qclr_lowrank *lr, const qclr_df *df,
                       double *lsf, double *ldf) {
  qclr__clear();
  if (!H) return qclr__error(QCLR_EINVAL, "qclr_factor_lambda: H is NULL");
  int want_sf = lr && lsf, want_df = df && ldf;
  if (want_sf && lr->dim != qclr_hamiltonian_npair(H))
    return qclr__error(QCLR_EINVAL, "qclr_factor_lambda: vector length does not match npair");
  if (want_df && df->norb != qclr_hamiltonian_norb(H))
    return qclr__error(QCLR_EINVAL, "qclr_factor_lambda: norb does not match");
  if (!want_sf && !want_df) return 0;
  double e = 0.0, sp = 0.0;
  int rc = tprime_norms_of(H, df ? df->T : NULL, want_sf ? &e : NULL, want_df ? &sp : NULL);
  if (rc) return rc;
  if (want_sf) *lsf = e + two_body_sf(qclr_hamiltonian_norb(H), lr);
  if (want_df) *ldf = sp + two_body_df(df);
  return 0;
}
