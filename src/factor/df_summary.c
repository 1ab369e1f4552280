/* src/factor/df_summary.c: double-factorization figures (L, L xi, lambda_SF,
 * lambda_DF) straight from pair vectors, for Hamiltonians too large to hold
 * as N^4 integrals (the factor module's qclr_df_compute needs a
 * qclr_hamiltonian).  The tau_2 keep rule, the rule over factors and the
 * lambda pieces are the factor module's (factor_internal.h); only T' differs:
 * it is built from the pair vectors, not from ERIs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "core/eigen_internal.h"
#include "core/internal.h"
#include "factor/factor_internal.h"
#include "qclr/factor.h"

static void unpack(int64_t n, const double *v, double *M) {
  for (int64_t p = 0; p < n; p++)
    for (int64_t q = 0; q <= p; q++) M[p * n + q] = M[q * n + p] = v[qclr__pair(p, q)];
}

static int by_abs_desc(const void *a, const void *b) {
  double x = fabs(*(const double *)a), y = fabs(*(const double *)b);
  return x > y ? -1 : x < y;
}


int qclr_df_summary_compute(int64_t n, const double *h, int64_t rank, const double *vec,
                            const qclr_df_options *opt, qclr_df_summary *s) {
  qclr__clear();
  QCLR__CHECK_OPTIONS(opt, "qclr_df_options_default");
  if (!s || !h || (rank > 0 && !vec) || n < 1 || rank < 0)
    return qclr__error(QCLR_EINVAL, "qclr_df_summary_compute: bad arguments");
  qclr_df_options o;
  if (opt) o = *opt;
  else qclr_df_options_default(&o);
  int rc = qclr__df_options_check(&o, "DF summary");
  if (rc || (rc = qclr__check_lapack_int(n * n, "DF summary matrix"))) return rc;
  memset(s, 0, sizeof *s);
  int64_t np = n * (n + 1) / 2;
  size_t nn = (size_t)(n * n);
  double *Tp = qclr__calloc(nn, sizeof(double), "T'");
  double *kept_abs = qclr__malloc((size_t)(rank ? rank : 1), sizeof(double), "DF factor sums");
  int64_t *kept = qclr__malloc((size_t)(rank ? rank : 1), sizeof(int64_t), "DF factor sizes");
  double *a1s = qclr__malloc((size_t)(rank ? rank : 1), sizeof(double), "factor 1-norms");
  if (!Tp || !kept_abs || !kept || !a1s) {
    free(a1s);
    free(Tp);
    free(kept_abs);
    free(kept);
    return QCLR_ENOMEM;
  }
  int failed = 0;
  int nt = qclr__nthreads();
  (void)nt;
  /* Deterministic: the factors go in blocks of DF_BLOCK (fixed, independent
   * of the thread count); each block's share of T' is summed in factor order
   * and the blocks are added to T' in block order (ordered), and every
   * per-factor figure is stored, then summed in order after the region
   * (docs/conventions.md §2, "Determinism"). */
  enum { DF_BLOCK = 8 };
  const int64_t nblock = (rank + DF_BLOCK - 1) / DF_BLOCK;
#pragma omp parallel num_threads(nt) reduction(| : failed)
  {
    qclr__omp_blas_serial();
    /* per thread: L (n x n), w (n), one block's sum_l (-1/2 L L + tr(L) L) */
    double *L = malloc(sizeof(double) * (2 * nn + (size_t)n));
    double *Tl = L ? L + nn : NULL, *w = L ? Tl + nn : NULL;
    if (!L) failed = 1;
#pragma omp for schedule(dynamic, 1) ordered
    for (int64_t b = 0; b < nblock; b++) {
      if (L) {
        memset(Tl, 0, sizeof(double) * nn);
        const int64_t l1 = (b + 1) * DF_BLOCK < rank ? (b + 1) * DF_BLOCK : rank;
        for (int64_t l = b * DF_BLOCK; l < l1; l++) {
          const double *v = vec + l * np;
          double tr = 0;
          a1s[l] = qclr__pairvec_abs_sum(n, v);
          for (int64_t p = 0; p < n; p++) tr += v[qclr__pair(p, p)];
          unpack(n, v, L);
          for (size_t x = 0; x < nn; x++) Tl[x] += tr * L[x];
          cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, (int)n, (int)n, -0.5, L, (int)n, 1.0, Tl, (int)n);
          if (qclr__eigh_sym('N', n, L, n, w, "DF summary")) {
            failed = 1;
            continue;
          }
          /* |f| only: ties do not change the kept prefix or its sum */
          qsort(w, (size_t)n, sizeof(double), by_abs_desc);
          kept[l] = qclr__df_keep(n, w, o.tol, &kept_abs[l]);
        }
        /* the dsyrk part filled the lower triangle only: symmetrize */
        for (int64_t p = 0; p < n; p++)
          for (int64_t q = 0; q < p; q++) Tl[q * n + p] = Tl[p * n + q];
      }
#pragma omp ordered
      if (L)
        for (size_t x = 0; x < nn; x++) Tp[x] += Tl[x];
    }
    free(L);
  }
  double lsf_two = 0;
  for (int64_t l = 0; !failed && l < rank; l++) lsf_two += 0.25 * a1s[l] * a1s[l];
  free(a1s);
  if (failed) {
    free(Tp);
    free(kept_abs);
    free(kept);
    return qclr__error(QCLR_ENUMERIC, "DF summary: eigenvalues failed or out of memory");
  }
  for (size_t x = 0; x < nn; x++) Tp[x] += h[x];
  double t_el = 0, t_sp = 0;
  double *w = qclr__malloc((size_t)n, sizeof(double), "eigenvalues of T'");
  rc = w ? qclr__tprime_norms(n, Tp, w, &t_el, &t_sp) : QCLR_ENOMEM;
  if (rc) {
    free(w);
    free(Tp);
    free(kept_abs);
    free(kept);
    return rc;
  }
  double ldf_two = 0;
  int64_t limit = qclr__df_rule_limit(kept, rank, o.rule);
  for (int64_t l = 0; l < limit; l++) {
    if (kept[l] == 0) continue;
    s->nfactors++;
    s->nterms += kept[l];
    ldf_two += 0.25 * kept_abs[l] * kept_abs[l];
  }
  s->lambda_sf = t_el + lsf_two;
  s->lambda_df = t_sp + ldf_two;
  free(w);
  free(Tp);
  free(kept_abs);
  free(kept);
  return 0;
}
