/* src/tt_ops.c: reconstruction, inner products, scaling, addition and
 * diagonal-operator expectation values of tensor trains. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tt/tt_internal.h"

int qclr_tt_full(const qclr_tt *tt, double *out) {
  qclr__clear();
  if (!tt || !out) return qclr__error(QCLR_EINVAL, "qclr_tt_full: NULL argument");
  /* left-to-right contraction: T (P x r_k) -> (P n_k) x r_{k+1} */
  size_t maxw = 1, P = 1;
  for (int k = 0; k < tt->d; k++) {
    if (qclr__mul_size(P, (size_t)tt->dims[k], &P)) return QCLR_ETOOLARGE;
    size_t w;
    if (qclr__mul_size(P, (size_t)tt->ranks[k + 1], &w)) return QCLR_ETOOLARGE;
    if (w > maxw) maxw = w;
  }
  double *a = qclr__malloc(maxw, sizeof(double), "TT reconstruction workspace");
  double *b = qclr__malloc(maxw, sizeof(double), "TT reconstruction workspace");
  if (!a || !b) {
    free(a);
    free(b);
    return QCLR_ENOMEM;
  }
  a[0] = tt->scale;
  P = 1;
  for (int k = 0; k < tt->d; k++) {
    int64_t r0 = tt->ranks[k], n = tt->dims[k], r1 = tt->ranks[k + 1];
    double *dst = (k == tt->d - 1) ? out : b, *tmp;
    const double *G = qclr__tt_dense_core(tt, k, &tmp);
    if (!G) {
      free(a);
      free(b);
      return QCLR_ENOMEM;
    }
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)P, (int)(n * r1), (int)r0, 1.0, a,
                (int)r0, G, (int)(n * r1), 0.0, dst, (int)(n * r1));
    free(tmp);
    P *= (size_t)n;
    double *t = a;
    a = b;
    b = t;
  }
  free(a);
  free(b);
  return 0;
}

int qclr_tt_dot(const qclr_tt *A, const qclr_tt *B, double *out) {
  qclr__clear();
  if (!A || !B || !out) return qclr__error(QCLR_EINVAL, "qclr_tt_dot: NULL argument");
  if (A->d != B->d) return qclr__error(QCLR_EINVAL, "qclr_tt_dot: ndim %d vs %d", A->d, B->d);
  for (int k = 0; k < A->d; k++)
    if (A->dims[k] != B->dims[k])
      return qclr__error(QCLR_EINVAL, "qclr_tt_dot: dims[%d] %lld vs %lld", k,
                         (long long)A->dims[k], (long long)B->dims[k]);
  int64_t ra = qclr_tt_max_rank(A), rb = qclr_tt_max_rank(B);
  double *M = qclr__malloc((size_t)(ra * rb), sizeof(double), "TT dot");
  double *M2 = qclr__malloc((size_t)(ra * rb), sizeof(double), "TT dot");
  double *T = qclr__malloc((size_t)(ra * rb), sizeof(double), "TT dot");
  if (!M || !M2 || !T) {
    free(M);
    free(M2);
    free(T);
    return QCLR_ENOMEM;
  }
  M[0] = 1.0;
  for (int k = 0; k < A->d; k++) {
    int64_t a0 = A->ranks[k], a1 = A->ranks[k + 1], b0 = B->ranks[k], b1 = B->ranks[k + 1];
    int64_t n = A->dims[k];
    double *ta, *tb;
    const double *GA = qclr__tt_dense_core(A, k, &ta), *GB = qclr__tt_dense_core(B, k, &tb);
    if (!GA || !GB) {
      free(ta);
      free(tb);
      free(M);
      free(M2);
      free(T);
      return QCLR_ENOMEM;
    }
    memset(M2, 0, (size_t)(a1 * b1) * sizeof(double));
    for (int64_t i = 0; i < n; i++) {
      /* T = M (a0 x b0) * B_i (b0 x b1); M2 += A_i^T (a1 x a0) T */
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)a0, (int)b1, (int)b0, 1.0, M,
                  (int)b0, GB + i * b1, (int)(n * b1), 0.0, T, (int)b1);
      cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)a1, (int)b1, (int)a0, 1.0,
                  GA + i * a1, (int)(n * a1), T, (int)b1, 1.0, M2, (int)b1);
    }
    free(ta);
    free(tb);
    double *t = M;
    M = M2;
    M2 = t;
  }
  *out = M[0] * A->scale * B->scale;
  free(M);
  free(M2);
  free(T);
  return 0;
}

int qclr_tt_norm(const qclr_tt *tt, double *out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_tt_norm: out is NULL");
  double d;
  int rc = qclr_tt_dot(tt, tt, &d);
  if (rc) return rc;
  *out = sqrt(d > 0 ? d : 0);
  return 0;
}

void qclr_tt_scale_by(qclr_tt *tt, double alpha) {
  if (!tt || !isfinite(alpha) || !isfinite(tt->scale * alpha)) {
    qclr__error(QCLR_EINVAL, "qclr_tt_scale_by: %s (ignored)", tt ? "non-finite factor or product" : "NULL tensor train");
    return;
  }
  tt->scale *= alpha;
}

int qclr_tt_add(double alpha, const qclr_tt *A, double beta, const qclr_tt *B, qclr_tt **out) {
  qclr__clear();
  if (!A || !B || !out) return qclr__error(QCLR_EINVAL, "qclr_tt_add: NULL argument");
  *out = NULL;
  if (!isfinite(alpha) || !isfinite(beta))
    return qclr__error(QCLR_EINVAL, "qclr_tt_add: coefficients %g, %g must be finite", alpha, beta);
  if (A->d != B->d) return qclr__error(QCLR_EINVAL, "qclr_tt_add: ndim %d vs %d", A->d, B->d);
  int d = A->d;
  for (int k = 0; k < d; k++)
    if (A->dims[k] != B->dims[k])
      return qclr__error(QCLR_EINVAL, "qclr_tt_add: dims[%d] %lld vs %lld", k,
                         (long long)A->dims[k], (long long)B->dims[k]);
  int64_t *rk = qclr__malloc((size_t)d + 1, sizeof(int64_t), "TT ranks");
  if (!rk) return QCLR_ENOMEM;
  rk[0] = rk[d] = 1;
  for (int k = 1; k < d; k++) rk[k] = A->ranks[k] + B->ranks[k];
  qclr_tt *C;
  int rc = qclr_tt_new(d, A->dims, rk, &C);
  free(rk);
  if (rc) return rc;
  double ca = alpha * A->scale, cb = beta * B->scale;
  for (int k = 0; k < d; k++) {
    int64_t a0 = A->ranks[k], a1 = A->ranks[k + 1], b0 = B->ranks[k], b1 = B->ranks[k + 1];
    int64_t c0 = C->ranks[k], c1 = C->ranks[k + 1], n = A->dims[k];
    /* block diagonal; the first core is a row [A B], the last a column [A; B] */
    int64_t offa0 = 0, offb0 = (k == 0) ? 0 : a0;
    int64_t offa1 = 0, offb1 = (k == d - 1) ? 0 : a1;
    double fa = (k == 0) ? ca : 1.0, fb = (k == 0) ? cb : 1.0;
    double *ta, *tb;
    const double *GA = qclr__tt_dense_core(A, k, &ta), *GB = qclr__tt_dense_core(B, k, &tb);
    if (!GA || !GB) {
      free(ta);
      free(tb);
      qclr_tt_free(C);
      return QCLR_ENOMEM;
    }
    double *G = C->cores[k];
    if (d == 1) {
      for (int64_t i = 0; i < n; i++) G[i] = ca * GA[i] + cb * GB[i];
    } else {
      for (int64_t p = 0; p < a0; p++)
        for (int64_t i = 0; i < n; i++)
          for (int64_t q = 0; q < a1; q++)
            G[((p + offa0) * n + i) * c1 + q + offa1] += fa * GA[(p * n + i) * a1 + q];
      for (int64_t p = 0; p < b0; p++)
        for (int64_t i = 0; i < n; i++)
          for (int64_t q = 0; q < b1; q++)
            G[((p + offb0) * n + i) * c1 + q + offb1] += fb * GB[(p * n + i) * b1 + q];
    }
    free(ta);
    free(tb);
    (void)c0;
  }
  *out = C;
  return 0;
}

int qclr_tt_expect_diag(const qclr_tt *tt, int nterms, const double *f, double *out) {
  qclr__clear();
  if (!tt || !f || !out || nterms < 0)
    return qclr__error(QCLR_EINVAL, "qclr_tt_expect_diag: bad argument");
  int64_t nmax = 1, rmax = qclr_tt_max_rank(tt);
  for (int k = 0; k < tt->d; k++)
    if (tt->dims[k] > nmax) nmax = tt->dims[k];
  double *M = qclr__malloc((size_t)(rmax * rmax), sizeof(double), "TT expectation");
  double *M2 = qclr__malloc((size_t)(rmax * rmax), sizeof(double), "TT expectation");
  double *T = qclr__malloc((size_t)(rmax * rmax), sizeof(double), "TT expectation");
  if (!M || !M2 || !T) {
    free(M);
    free(M2);
    free(T);
    return QCLR_ENOMEM;
  }
  double total = 0;
  for (int t = 0; t < nterms; t++) {
    M[0] = 1.0;
    for (int k = 0; k < tt->d; k++) {
      int64_t r0 = tt->ranks[k], r1 = tt->ranks[k + 1], n = tt->dims[k];
      const double *w = f + ((size_t)t * tt->d + k) * nmax;
      double *tmp;
      const double *G = qclr__tt_dense_core(tt, k, &tmp);
      if (!G) {
        free(M);
        free(M2);
        free(T);
        return QCLR_ENOMEM;
      }
      memset(M2, 0, (size_t)(r1 * r1) * sizeof(double));
      for (int64_t i = 0; i < n; i++) {
        if (w[i] == 0) continue;
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)r0, (int)r1, (int)r0, 1.0, M,
                    (int)r0, G + i * r1, (int)(n * r1), 0.0, T, (int)r1);
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)r1, (int)r1, (int)r0, w[i],
                    G + i * r1, (int)(n * r1), T, (int)r1, 1.0, M2, (int)r1);
      }
      free(tmp);
      double *s = M;
      M = M2;
      M2 = s;
    }
    total += M[0];
  }
  *out = total * tt->scale * tt->scale;
  free(M);
  free(M2);
  free(T);
  return 0;
}
