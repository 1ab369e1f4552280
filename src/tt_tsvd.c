/* src/tt_tsvd.c: truncated SVD of one unfolding (LAPACKE dgesdd, dgesvd as
 * the fallback when gesdd's divide and conquer fails to converge).
 *
 * The row-major m x n matrix A is handed to LAPACK as the column-major
 * n x m matrix A^T = Vt^T S U^T: LAPACK's left vectors are then our Vt
 * (row-major k x n) and its right vectors our U (row-major m x k), so no
 * transposed copies are made (LAPACKE's row-major path would add two
 * copies of A, which for the first unfolding is the whole input). */
#include <lapacke.h>
#include <stdlib.h>
#include <string.h>

#include "tt_internal.h"

int qclr__tt_tsvd(double *A, int64_t m, int64_t n, int method, double delta2, int64_t max_rank,
                  double **U, double **s, double **Vt, int64_t *r, double *disc, int *capped,
                  double **sall, int64_t *nall) {
  *U = *s = *Vt = NULL;
  int rc;
  if ((rc = qclr__check_lapack_int(m, "unfolding rows")) ||
      (rc = qclr__check_lapack_int(n, "unfolding columns")))
    return rc;
  int64_t k = m < n ? m : n;
  double *u = qclr__malloc((size_t)m * (size_t)k, sizeof(double), "SVD left vectors");
  double *vt = qclr__malloc((size_t)k * (size_t)n, sizeof(double), "SVD right vectors");
  double *sv = qclr__malloc((size_t)k, sizeof(double), "singular values");
  double *sup = qclr__malloc((size_t)k, sizeof(double), "gesvd workspace");
  double *copy = NULL;
  if (!u || !vt || !sv || !sup) {
    rc = QCLR_ENOMEM;
    goto fail;
  }
  lapack_int info = 1;
  if (method != QCLR_TT_GESVD) {
    /* gesdd overwrites A even when it fails: keep a copy only if small, else
     * we cannot retry and report the failure. */
    if ((size_t)m * (size_t)n <= ((size_t)1 << 22)) {
      copy = malloc((size_t)m * (size_t)n * sizeof(double));
      if (copy) memcpy(copy, A, (size_t)m * (size_t)n * sizeof(double));
    }
    info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, 'S', (lapack_int)n, (lapack_int)m, A, (lapack_int)n, sv,
                          vt, (lapack_int)n, u, (lapack_int)k);
    if (info > 0 && copy) memcpy(A, copy, (size_t)m * (size_t)n * sizeof(double));
    else if (info > 0) {
      rc = qclr__error(QCLR_ENUMERIC, "dgesdd failed to converge on a %lld x %lld unfolding",
                       (long long)m, (long long)n);
      goto fail;
    } else if (info < 0) {
      rc = info == LAPACK_WORK_MEMORY_ERROR
               ? qclr__error(QCLR_ENOMEM, "dgesdd: no memory for the workspace of a %lld x %lld SVD",
                             (long long)m, (long long)n)
               : qclr__error(QCLR_ENUMERIC, "dgesdd: argument %d invalid", (int)-info);
      goto fail;
    }
  }
  if (info != 0) {
    info = LAPACKE_dgesvd(LAPACK_COL_MAJOR, 'S', 'S', (lapack_int)n, (lapack_int)m, A,
                          (lapack_int)n, sv, vt, (lapack_int)n, u, (lapack_int)k, sup);
    if (info != 0) {
      rc = qclr__error(info == LAPACK_WORK_MEMORY_ERROR ? QCLR_ENOMEM : QCLR_ENUMERIC,
                       "dgesvd failed (info %d) on a %lld x %lld unfolding", (int)info, (long long)m,
                       (long long)n);
      goto fail;
    }
  }
  free(copy);
  copy = NULL;
  for (int64_t i = 0; i < k; i++) sup[i] = sv[i] * sv[i];
  int64_t rr = qclr__tt_trunc_rank(sup, k, delta2, max_rank, disc, capped);
  /* compact U to m x rr in place */
  if (rr < k)
    for (int64_t i = 0; i < m; i++) memmove(u + i * rr, u + i * k, (size_t)rr * sizeof(double));
  *U = u;
  *Vt = vt; /* first rr rows are the kept ones */
  *s = sv;
  *r = rr;
  if (sall) {
    *sall = sup; /* squares of all singular values */
    *nall = k;
  } else
    free(sup);
  return 0;
fail:
  free(copy);
  free(u);
  free(vt);
  free(sv);
  free(sup);
  return rc;
}
