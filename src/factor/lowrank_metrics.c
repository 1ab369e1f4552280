/* src/factor/lowrank_metrics.c: quality of a factorization: the exact
 * max|Delta V| and ||Delta V||_F (row blocks of V minus one dgemm each, never
 * a second npair^2 array) and the reference-determinant energy error. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "factor/factor_internal.h"
#include "core/eigen_internal.h"
#include "core/internal.h"

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
    if (rank > 0) { /* sequential BLAS: bitwise the same for every thread count */
      qclr__serial_state serial = qclr__lapack_serial_begin();
      cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)nb, (int)np, (int)rank, -1.0, vec + i0,
                  (int)np, vec, (int)np, 1.0, B, (int)np);
      qclr__lapack_serial_end(serial);
    }
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

int qclr_lowrank_metrics(const qclr_hamiltonian *H, const qclr_lowrank *lr, qclr_factor_metrics *m) {
  qclr__clear();
  if (!H || !lr || !m) return qclr__error(QCLR_EINVAL, "qclr_lowrank_metrics: NULL argument");
  int64_t np = qclr_hamiltonian_npair(H);
  if (lr->dim != np)
    return qclr__error(QCLR_EINVAL, "low-rank dimension %lld does not match npair %lld",
                       (long long)lr->dim, (long long)np);
  int rc = qclr__pairvec_metrics(H, lr->vec, lr->rank, m);
  if (!rc) rc = qclr_factor_lambda(H, lr, NULL, &m->lambda, NULL);
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
  if (!rc) rc = qclr_factor_lambda(H, NULL, df, NULL, &m->lambda);
  return rc;
}
