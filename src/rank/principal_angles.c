/* src/rank/principal_angles.c: principal angles between two column spaces.
 *
 * Bjorck & Golub (Math. Comp. 27, 579, 1973): with orthonormal bases QA, QB
 * (Householder QR), the cosines are the singular values of QA^T QB.  Cosines
 * lose small angles (cos theta = 1 - theta^2/2), so, as Knyazev & Argentati
 * (SISC 23, 2008) do, the sines come from the singular values of
 * QB - QA (QA^T QB), the part of QB outside span(QA), and an angle below pi/4
 * is taken from its sine, one above from its cosine. */
#include <cblas.h>
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "qclr/rank.h"

/* Q (m x k, row-major) of the Householder QR of X; QCLR_EINVAL if the columns
 * are dependent (|R_jj| <= m eps max|R_ii|). */
static int orth(const char *name, int64_t m, int64_t k, const double *X, double **Q) {
  double *q = qclr__malloc((size_t)m * (size_t)k, sizeof(double), "principal angles basis");
  double *tau = qclr__malloc((size_t)k, sizeof(double), "principal angles tau");
  if (!q || !tau) {
    free(q);
    free(tau);
    return QCLR_ENOMEM;
  }
  memcpy(q, X, (size_t)m * (size_t)k * sizeof(double));
  lapack_int info = LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, (lapack_int)m, (lapack_int)k, q, (lapack_int)k, tau);
  int rc = 0;
  if (info) rc = qclr__error(QCLR_ENUMERIC, "qclr_principal_angles: dgeqrf info %d", (int)info);
  double rmax = 0;
  for (int64_t j = 0; !rc && j < k; j++) rmax = fmax(rmax, fabs(q[j * k + j]));
  for (int64_t j = 0; !rc && j < k; j++)
    if (!(fabs(q[j * k + j]) > (double)m * DBL_EPSILON * rmax))
      rc = qclr__error(QCLR_EINVAL, "qclr_principal_angles: the columns of %s are linearly dependent (column %lld)",
                       name, (long long)j);
  if (!rc && (info = LAPACKE_dorgqr(LAPACK_ROW_MAJOR, (lapack_int)m, (lapack_int)k, (lapack_int)k, q,
                                    (lapack_int)k, tau)))
    rc = qclr__error(QCLR_ENUMERIC, "qclr_principal_angles: dorgqr info %d", (int)info);
  free(tau);
  if (rc) {
    free(q);
    return rc;
  }
  *Q = q;
  return 0;
}

/* singular values (descending) of a row-major r x c matrix, destroyed */
static int svals(int64_t r, int64_t c, double *M, double *s) {
  int64_t mn = r < c ? r : c;
  double *sup = qclr__malloc((size_t)(mn > 1 ? mn : 1), sizeof(double), "principal angles work");
  if (!sup) return QCLR_ENOMEM;
  lapack_int info = LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'N', 'N', (lapack_int)r, (lapack_int)c, M, (lapack_int)c, s,
                                   NULL, 1, NULL, 1, sup);
  free(sup);
  if (info) return qclr__error(QCLR_ENUMERIC, "qclr_principal_angles: dgesvd info %d", (int)info);
  return 0;
}

int qclr_principal_angles(int64_t m, int64_t ka, const double *A, int64_t kb, const double *B, double *angles) {
  qclr__clear();
  if (!A || !B || !angles) return qclr__error(QCLR_EINVAL, "qclr_principal_angles: NULL argument");
  if (ka < 1 || kb < 1 || ka > m || kb > m)
    return qclr__error(QCLR_EINVAL, "qclr_principal_angles: need 1 <= ka, kb <= m (got m %lld, ka %lld, kb %lld)",
                       (long long)m, (long long)ka, (long long)kb);
  int rc;
  if ((rc = qclr__check_lapack_int(m * (ka > kb ? ka : kb), "qclr_principal_angles: matrix size"))) return rc;
  if ((rc = qclr__check_finite("qclr_principal_angles", "A", A, m * ka)) ||
      (rc = qclr__check_finite("qclr_principal_angles", "B", B, m * kb)))
    return rc;
  /* angles are symmetric in A and B: let A be the wider one (ka >= kb) */
  if (ka < kb) {
    const double *t = A;
    A = B;
    B = t;
    int64_t tk = ka;
    ka = kb;
    kb = tk;
  }
  double *QA = NULL, *QB = NULL, *C = NULL, *R = NULL, *cs = NULL, *sn = NULL;
  if ((rc = orth("A", m, ka, A, &QA)) || (rc = orth("B", m, kb, B, &QB))) goto out;
  C = qclr__malloc((size_t)ka * (size_t)kb, sizeof(double), "principal angles C");
  R = qclr__malloc((size_t)m * (size_t)kb, sizeof(double), "principal angles residual");
  cs = qclr__malloc((size_t)kb, sizeof(double), "principal angles cosines");
  sn = qclr__malloc((size_t)kb, sizeof(double), "principal angles sines");
  if (!C || !R || !cs || !sn) {
    rc = QCLR_ENOMEM;
    goto out;
  }
  /* C = QA^T QB (ka x kb); R = QB - QA C (m x kb) */
  cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)ka, (int)kb, (int)m, 1.0, QA, (int)ka, QB, (int)kb, 0.0,
              C, (int)kb);
  memcpy(R, QB, (size_t)m * (size_t)kb * sizeof(double));
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)kb, (int)ka, -1.0, QA, (int)ka, C, (int)kb, 1.0,
              R, (int)kb);
  if ((rc = svals(ka, kb, C, cs)) || (rc = svals(m, kb, R, sn))) goto out;
  /* cs descending = angles ascending; sn descending = angles descending */
  for (int64_t i = 0; i < kb; i++) {
    double c = fmin(cs[i], 1.0), s = fmin(sn[kb - 1 - i], 1.0);
    angles[i] = s * s < 0.5 ? asin(s) : acos(c);
  }
  /* ascending even where the two formulas meet */
  for (int64_t i = 1; i < kb; i++)
    if (angles[i] < angles[i - 1]) angles[i] = angles[i - 1];
out:
  free(QA);
  free(QB);
  free(C);
  free(R);
  free(cs);
  free(sn);
  return rc;
}
