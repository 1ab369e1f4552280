/* src/factor/one_body.c: the one-body operators of the squared form,
 * T = h - 1/2 sum_r (pr|rq) and T' = T + sum_r (pq|rr) (docs/conventions.md §2). */
#include <stdlib.h>

#include "factor/factor_internal.h"
#include "core/internal.h"

/* X_pq = sum_r (pr|rq) (exchange-like) and J_pq = sum_r (pq|rr) (Coulomb-like).
 * Row p of X gathers from the rows pair(p, r) of V; OpenMP over p. */
void qclr__one_body_terms(const qclr_hamiltonian *H, double *X, double *J) {
  int64_t N = qclr_hamiltonian_norb(H), np = qclr_hamiltonian_npair(H);
  const double *V = qclr_hamiltonian_vpair(H);
  int nth = qclr__nthreads();
  int par = nth > 1 && N * N * N > 100000; /* small: a thread team costs more than it saves */
  (void)nth, (void)par;
#pragma omp parallel for num_threads(nth) schedule(dynamic, 1) if (par)
  for (int64_t p = 0; p < N; p++) {
    if (X) {
      double *x = X + p * N;
      for (int64_t q = 0; q < N; q++) x[q] = 0.0;
      for (int64_t r = 0; r < N; r++) {
        const double *row = V + qclr__pair(p, r) * np;
        for (int64_t q = 0; q < N; q++) x[q] += row[qclr__pair(r, q)];
      }
    }
    if (J)
      for (int64_t q = 0; q < N; q++) {
        const double *row = V + qclr__pair(p, q) * np;
        double c = 0.0;
        for (int64_t r = 0; r < N; r++) c += row[r * (r + 1) / 2 + r];
        J[p * N + q] = c;
      }
  }
}

int qclr_factor_one_body(const qclr_hamiltonian *H, double *T, double *Tprime) {
  qclr__clear();
  if (!H) return qclr__error(QCLR_EINVAL, "qclr_factor_one_body: H is NULL");
  int64_t N = qclr_hamiltonian_norb(H);
  const double *h = qclr_hamiltonian_h(H);
  double *X = qclr__malloc((size_t)(N > 0 ? 2 * N * N : 1), sizeof(double), "one-body terms");
  if (!X) return QCLR_ENOMEM;
  double *J = X + N * N;
  qclr__one_body_terms(H, X, Tprime ? J : NULL);
  for (int64_t i = 0; i < N * N; i++) {
    double t = h[i] - 0.5 * X[i];
    if (T) T[i] = t;
    if (Tprime) Tprime[i] = t + J[i];
  }
  free(X);
  return 0;
}
