/* src/tt_tsvd.c: truncated SVD of one unfolding (LAPACKE dgesdd, dgesvd as
 * the fallback when gesdd's divide and conquer fails to converge).
 *
 * A wide row-major m x n matrix A (m <= n) is handed to LAPACK as the
 * column-major n x m matrix A^T = Vt^T S U^T: LAPACK's left vectors are then
 * our Vt (row-major k x n) and its right vectors our U (row-major m x k), so
 * no transposed copies are made (LAPACKE's row-major path would add two
 * copies of A, which for the first unfolding is the whole input).  LAPACK
 * sees a tall matrix there, which it reduces by QR.  A tall A (m > n) would
 * reach LAPACK as a wide one, reduced by LQ, about 6x slower in OpenBLAS's
 * LAPACK (row-oriented reflectors); it is transposed into a column-major
 * copy instead, whose memory then holds U. */
#include <lapacke.h>
#include <stdlib.h>
#include <string.h>

#include "core/eigen_internal.h"
#include "tt/tt_internal.h"

/* out (cols x rows) = in (rows x cols)^T, both row-major, in cache tiles */
static void transpose(const double *in, int64_t rows, int64_t cols, double *out) {
  const int64_t T = 32;
  for (int64_t i0 = 0; i0 < rows; i0 += T)
    for (int64_t j0 = 0; j0 < cols; j0 += T) {
      int64_t i1 = i0 + T < rows ? i0 + T : rows, j1 = j0 + T < cols ? j0 + T : cols;
      for (int64_t i = i0; i < i1; i++)
        for (int64_t j = j0; j < j1; j++) out[j * rows + i] = in[i * cols + j];
    }
}

/* tall case: SVD of the column-major copy of A (A is left intact) */
static int tsvd_tall(const double *A, int64_t m, int64_t n, int method, double **U, double *sv, double **Vt) {
  int64_t k = n;
  double *At = qclr__malloc((size_t)m * (size_t)n, sizeof(double), "SVD copy");
  double *Uc = qclr__malloc((size_t)m * (size_t)k, sizeof(double), "SVD left vectors");
  double *Vc = qclr__malloc((size_t)k * (size_t)n, sizeof(double), "SVD right vectors");
  double *sup = qclr__malloc((size_t)k, sizeof(double), "gesvd workspace");
  int rc = 0;
  if (!At || !Uc || !Vc || !sup) {
    rc = QCLR_ENOMEM;
    goto done;
  }
  /* column-major m x n = row-major n x m: the transpose of A */
  transpose(A, m, n, At);
  lapack_int info = 1;
  if (method != QCLR_TT_GESVD) {
    qclr__serial_state saved = qclr__lapack_serial_begin(); /* sequential: independent of the thread count */
    info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, 'S', (lapack_int)m, (lapack_int)n, At, (lapack_int)m, sv, Uc,
                          (lapack_int)m, Vc, (lapack_int)k);
    qclr__lapack_serial_end(saved);
    if (info > 0) transpose(A, m, n, At); /* gesdd failed to converge: retry with gesvd */
    else if (info < 0) {
      rc = info == LAPACK_WORK_MEMORY_ERROR
               ? qclr__error(QCLR_ENOMEM, "dgesdd: no memory for the workspace of a %lld x %lld SVD",
                             (long long)m, (long long)n)
               : qclr__error(QCLR_ENUMERIC, "dgesdd: argument %d invalid", (int)-info);
      goto done;
    }
  }
  if (info != 0) {
    qclr__serial_state saved = qclr__lapack_serial_begin();
    info = LAPACKE_dgesvd(LAPACK_COL_MAJOR, 'S', 'S', (lapack_int)m, (lapack_int)n, At, (lapack_int)m, sv, Uc,
                          (lapack_int)m, Vc, (lapack_int)k, sup);
    qclr__lapack_serial_end(saved);
    if (info != 0) {
      rc = qclr__error(info == LAPACK_WORK_MEMORY_ERROR ? QCLR_ENOMEM : QCLR_ENUMERIC,
                       "dgesvd failed (info %d) on a %lld x %lld unfolding", (int)info, (long long)m,
                       (long long)n);
      goto done;
    }
  }
  /* column-major U (m x k) is row-major k x m: transposed into At's memory;
   * column-major Vt (k x n) is row-major n x k: transposed into Uc's */
  transpose(Uc, k, m, At);
  transpose(Vc, n, k, Uc);
  *U = At;
  *Vt = Uc;
  At = Uc = NULL;
done:
  free(At);
  free(Uc);
  free(Vc);
  free(sup);
  return rc;
}

/* The rank by qclr__tt_trunc_rank on sq = sv^2 (k values), U (m x k) compacted
 * to m x rank in place; sq handed to *sall (squares of all singular values)
 * or freed. */
static int64_t truncate(double *u, int64_t m, int64_t k, const double *sv, double *sq, double delta2,
                        int64_t max_rank, double *disc, int *capped, double **sall, int64_t *nall) {
  for (int64_t i = 0; i < k; i++) sq[i] = sv[i] * sv[i];
  int64_t rr = qclr__tt_trunc_rank(sq, k, delta2, max_rank, disc, capped);
  if (rr < k)
    for (int64_t i = 0; i < m; i++) memmove(u + i * rr, u + i * k, (size_t)rr * sizeof(double));
  if (sall) {
    *sall = sq;
    *nall = k;
  } else
    free(sq);
  return rr;
}

int qclr__tt_tsvd(double *A, int64_t m, int64_t n, int method, double delta2, int64_t max_rank,
                  double **U, double **s, double **Vt, int64_t *r, double *disc, int *capped,
                  double **sall, int64_t *nall) {
  *U = *s = *Vt = NULL;
  int rc;
  if ((rc = qclr__check_lapack_int(m, "unfolding rows")) ||
      (rc = qclr__check_lapack_int(n, "unfolding columns")))
    return rc;
  int64_t k = m < n ? m : n;
  if (m > n && (size_t)m * (size_t)n > 4096) {
    double *sv = qclr__malloc((size_t)k, sizeof(double), "singular values");
    double *sq = qclr__malloc((size_t)k, sizeof(double), "singular values");
    double *u = NULL, *vt = NULL;
    if (!sv || !sq || (rc = tsvd_tall(A, m, n, method, &u, sv, &vt))) {
      free(sv);
      free(sq);
      return rc ? rc : QCLR_ENOMEM;
    }
    *r = truncate(u, m, k, sv, sq, delta2, max_rank, disc, capped, sall, nall);
    *U = u;
    *Vt = vt;
    *s = sv;
    return 0;
  }
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
    qclr__serial_state saved = qclr__lapack_serial_begin(); /* sequential: independent of the thread count */
    info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, 'S', (lapack_int)n, (lapack_int)m, A, (lapack_int)n, sv,
                          vt, (lapack_int)n, u, (lapack_int)k);
    qclr__lapack_serial_end(saved);
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
    qclr__serial_state saved = qclr__lapack_serial_begin();
    info = LAPACKE_dgesvd(LAPACK_COL_MAJOR, 'S', 'S', (lapack_int)n, (lapack_int)m, A,
                          (lapack_int)n, sv, vt, (lapack_int)n, u, (lapack_int)k, sup);
    qclr__lapack_serial_end(saved);
    if (info != 0) {
      rc = qclr__error(info == LAPACK_WORK_MEMORY_ERROR ? QCLR_ENOMEM : QCLR_ENUMERIC,
                       "dgesvd failed (info %d) on a %lld x %lld unfolding", (int)info, (long long)m,
                       (long long)n);
      goto fail;
    }
  }
  free(copy);
  copy = NULL;
  *r = truncate(u, m, k, sv, sup, delta2, max_rank, disc, capped, sall, nall);
  *U = u;
  *Vt = vt; /* first *r rows are the kept ones */
  *s = sv;
  return 0;
fail:
  free(copy);
  free(u);
  free(vt);
  free(sv);
  free(sup);
  return rc;
}
