/* src/lowrank_metrics.c: quality and cost of a factorization: T and T',
 * lambda_SF / lambda_DF (Lee et al., PRX Quantum 2, 030305), the exact
 * max|Delta V| and ||Delta V||_F (row blocks of V minus one dgemm each, never
 * a second npair^2 array) and the reference-determinant energy error. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "factor/factor_internal.h"
#include "core/internal.h"

/* X_pq = sum_r (pr|rq) (exchange-like) and J_pq = sum_r (pq|rr) (Coulomb-like).
 * Row p of X gathers from the rows pair(p, r) of V; OpenMP over p. */
static void one_body_terms(const qclr_hamiltonian *H, double *X, double *J) {
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
  one_body_terms(H, X, Tprime ? J : NULL);
  for (int64_t i = 0; i < N * N; i++) {
    double t = h[i] - 0.5 * X[i];
    if (T) T[i] = t;
    if (Tprime) Tprime[i] = t + J[i];
  }
  free(X);
  return 0;
}

/* sum_pq |T'_pq| and/or sum_k |eig_k(T')|; T (if not NULL, e.g. the DF's)
 * saves the exchange-like pass. */
static int tprime_norms(const qclr_hamiltonian *H, const double *T, double *elementwise, double *spectral) {
  int64_t N = qclr_hamiltonian_norb(H);
  double *Tp = qclr__malloc((size_t)(N > 0 ? 2 * N * N : 1), sizeof(double), "T'");
  double *w = qclr__malloc((size_t)(N ? N : 1), sizeof(double), "eigenvalues of T'");
  int rc = (Tp && w) ? 0 : QCLR_ENOMEM;
  if (!rc && T) {
    double *J = Tp + N * N;
    one_body_terms(H, NULL, J);
    for (int64_t i = 0; i < N * N; i++) Tp[i] = T[i] + J[i];
  } else if (!rc) {
    rc = qclr_factor_one_body(H, NULL, Tp);
  }
  if (!rc && elementwise) {
    double s = 0.0;
    for (int64_t i = 0; i < N * N; i++) s += fabs(Tp[i]);
    *elementwise = s;
  }
  if (!rc && spectral) {
    double s = 0.0;
    if (N > 0) {
      lapack_int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'N', 'U', (lapack_int)N, Tp, (lapack_int)N, w);
      if (info) rc = qclr__error(QCLR_ENUMERIC, "eigenvalues of T': dsyevd info %d", (int)info);
    }
    for (int64_t k = 0; !rc && k < N; k++) s += fabs(w[k]);
    *spectral = s;
  }
  free(Tp);
  free(w);
  return rc;
}

int qclr__pairvec_metrics(const qclr_hamiltonian *H, const double *vec, int64_t rank,
                          qclr_factor_metrics *m) {
  int64_t N = qclr_hamiltonian_norb(H), np = qclr_hamiltonian_npair(H);
  const double *V = qclr_hamiltonian_vpair(H);
  int rc;
  if ((rc = qclr__check_lapack_int(np, "npair")) || (rc = qclr__check_lapack_int(rank, "rank"))) return rc;
  int64_t bs = np < 128 ? (np ? np : 1) : 128;
  double *B = qclr__malloc((size_t)bs * (size_t)(np ? np : 1), sizeof(double), "error block");
  double *rowmax = qclr__malloc((size_t)(np ? np : 1), sizeof(double), "row maxima");
  double *rowss = qclr__malloc((size_t)(np ? np : 1), sizeof(double), "row sums");
  double *wt = qclr__malloc((size_t)(np ? np : 1), sizeof(double), "pair weights");
  if (!B || !rowmax || !rowss || !wt) {
    free(B);
    free(rowmax);
    free(rowss);
    free(wt);
    return QCLR_ENOMEM;
  }
  for (int64_t p = 0; p < N; p++)
    for (int64_t q = 0; q <= p; q++) wt[qclr__pair(p, q)] = p == q ? 1.0 : 2.0;
  int nth = qclr__nthreads();
  (void)nth;
  for (int64_t i0 = 0; i0 < np; i0 += bs) {
    int64_t nb = np - i0 < bs ? np - i0 : bs;
    memcpy(B, V + i0 * np, (size_t)(nb * np) * sizeof(double));
    if (rank > 0)
      cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)nb, (int)np, (int)rank, -1.0, vec + i0,
                  (int)np, vec, (int)np, 1.0, B, (int)np);
#pragma omp parallel for num_threads(nth) schedule(static) if (nb * np > 100000)
    for (int64_t i = 0; i < nb; i++) {
      double mx = 0.0, ss = 0.0;
      const double *b = B + i * np;
      for (int64_t j = 0; j < np; j++) {
        double a = fabs(b[j]);
        if (a > mx) mx = a;
        ss += wt[j] * b[j] * b[j];
      }
      rowmax[i0 + i] = mx;
      rowss[i0 + i] = wt[i0 + i] * ss;
    }
  }
  double mx = 0.0, ss = 0.0;
  for (int64_t i = 0; i < np; i++) {
    if (rowmax[i] > mx) mx = rowmax[i];
    ss += rowss[i];
  }
  m->max_abs_error = mx;
  m->frobenius_error = sqrt(ss);
  /* E_ref error: E2 = 1/2 sum_ij [(ii|jj) n_i n_j - (ij|ji)(na_i na_j + nb_i nb_j)] */
  int na = qclr_hamiltonian_nalpha(H), nbeta = qclr_hamiltonian_nbeta(H);
  double e = 0.0;
  for (int64_t i = 0; i < N; i++)
    for (int64_t j = 0; j < N; j++) {
      double ni = (i < na) + (i < nbeta), nj = (j < na) + (j < nbeta);
      double same = (double)((i < na) && (j < na)) + (double)((i < nbeta) && (j < nbeta));
      if (ni == 0 || nj == 0) continue;
      int64_t ii = qclr__pair(i, i), jj = qclr__pair(j, j), ij = qclr__pair(i, j);
      double cj = 0.0, kx = 0.0;
      for (int64_t l = 0; l < rank; l++) {
        cj += vec[l * np + ii] * vec[l * np + jj];
        kx += vec[l * np + ij] * vec[l * np + ij];
      }
      double dj = cj - V[ii * np + jj], dk = kx - V[ij * np + ij];
      e += 0.5 * (dj * ni * nj - dk * same);
    }
  m->e_ref_error = e;
  free(B);
  free(rowmax);
  free(rowss);
  free(wt);
  return 0;
}

/* two-body parts: 1/4 sum_l (sum_pq |L^l_pq|)^2 and 1/4 sum_l (sum_k |f^l_k|)^2 */
static double two_body_sf(int64_t N, const qclr_lowrank *lr) {
  int64_t np = lr->dim;
  double two = 0.0;
  for (int64_t l = 0; l < lr->rank; l++) {
    double s = 0.0;
    const double *v = lr->vec + l * np;
    for (int64_t p = 0; p < N; p++) {
      const double *row = v + p * (p + 1) / 2;
      for (int64_t q = 0; q < p; q++) s += 2.0 * fabs(row[q]);
      s += fabs(row[p]);
    }
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
  int rc = tprime_norms(H, df ? df->T : NULL, want_sf ? &e : NULL, want_df ? &sp : NULL);
  if (rc) return rc;
  if (want_sf) *lsf = e + two_body_sf(qclr_hamiltonian_norb(H), lr);
  if (want_df) *ldf = sp + two_body_df(df);
  return 0;
}

int qclr_lowrank_metrics(const qclr_hamiltonian *H, const qclr_lowrank *lr, qclr_factor_metrics *m) {
  qclr__clear();
  if (!H || !lr || !m) return qclr__error(QCLR_EINVAL, "qclr_lowrank_metrics: NULL argument");
  int64_t N = qclr_hamiltonian_norb(H), np = qclr_hamiltonian_npair(H);
  if (lr->dim != np)
    return qclr__error(QCLR_EINVAL, "low-rank dimension %lld does not match npair %lld",
                       (long long)lr->dim, (long long)np);
  int rc = qclr__pairvec_metrics(H, lr->vec, lr->rank, m);
  double e = 0.0;
  if (!rc) rc = tprime_norms(H, NULL, &e, NULL);
  if (!rc) m->lambda = e + two_body_sf(N, lr);
  return rc;
}

int qclr_df_metrics(const qclr_hamiltonian *H, const qclr_df *df, qclr_factor_metrics *m) {
  qclr__clear();
  if (!H || !df || !m) return qclr__error(QCLR_EINVAL, "qclr_df_metrics: NULL argument");
  if (df->norb != qclr_hamiltonian_norb(H))
    return qclr__error(QCLR_EINVAL, "qclr_df_metrics: norb %lld does not match H (%lld)",
                       (long long)df->norb, (long long)qclr_hamiltonian_norb(H));
  double *v;
  int rc = qclr__df_pair_vectors(df, &v);
  if (!rc) rc = qclr__pairvec_metrics(H, v, df->nfactors, m);
  free(v);
  double sp = 0.0;
  if (!rc) rc = tprime_norms(H, df->T, NULL, &sp);
  if (!rc) m->lambda = sp + two_body_df(df);
  return rc;
}
