/* src/cholesky_block.c: blocked pivoted Cholesky.  Each block takes the b
 * largest residual diagonals as candidates, fetches their columns at once and
 * removes the previous vectors with one dgemm (the BLAS-3 bulk of the work);
 * a greedy Cholesky among the candidates then turns them into vectors while
 * a candidate's residual stays >= half the largest diagonal outside the block
 * (so the pivots stay close to the greedy ones) and > tol.  The global
 * residual diagonal is checked after every block: the loop stops exactly when
 * its maximum is <= tol, so the element bound is the same as greedy. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "factor_internal.h"
#include "internal.h"

static int by_diag_desc(const void *a, const void *b, void *ctx) {
  const double *d = ctx;
  int64_t i = *(const int64_t *)a, j = *(const int64_t *)b;
  if (d[i] != d[j]) return d[i] > d[j] ? -1 : 1;
  return i < j ? -1 : (i > j);
}

/* Partial selection of the m largest (d desc, index asc) among idx[0..cnt). */
static void select_top(int64_t *idx, int64_t cnt, int64_t m, const double *d) {
  for (int64_t k = 0; k < m && k < cnt; k++) {
    int64_t best = k;
    for (int64_t t = k + 1; t < cnt; t++)
      if (by_diag_desc(&idx[t], &idx[best], (void *)d) < 0) best = t;
    int64_t tmp = idx[k];
    idx[k] = idx[best];
    idx[best] = tmp;
  }
}

int qclr__cholesky_block(const qclr_pair_operator *op, const qclr_cholesky_options *o, qclr_lowrank *lr) {
  int64_t n = op->n;
  int64_t b = o->block > 0 ? o->block : (n >= 4096 ? 128 : n >= 512 ? 64 : 32);
  if (b > n) b = n > 0 ? n : 1;
  double floor;
  size_t nb;
  if (qclr__mul_size((size_t)b, (size_t)(n > 0 ? n : 1), &nb)) return QCLR_ETOOLARGE;
  double *d = qclr__malloc((size_t)(n > 0 ? n : 1), sizeof(double), "residual diagonal");
  int64_t *idx = qclr__malloc((size_t)(n > 0 ? n : 1), sizeof(int64_t), "candidate list");
  double *C = qclr__malloc(nb, sizeof(double), "candidate columns");
  double *G = qclr__malloc((size_t)b, sizeof(double), "candidate residuals");
  unsigned char *used = qclr__malloc((size_t)b, 1, "candidate flags");
  int rc = (d && idx && C && G && used) ? 0 : QCLR_ENOMEM;
  if (!rc) rc = qclr__cholesky_diag(op, d, &floor);
  while (!rc) {
    int64_t cnt = 0;
    double dmax = 0.0;
    for (int64_t i = 0; i < n; i++) {
      if (d[i] > dmax) dmax = d[i];
      if (d[i] > o->tol) idx[cnt++] = i;
    }
    lr->max_residual = dmax;
    if (n == 0 || dmax <= o->tol) {
      lr->converged = 1;
      break;
    }
    int64_t room = o->max_rank > 0 ? o->max_rank - lr->rank : b;
    if (room <= 0) break;
    int64_t m = b < room ? b : room;
    if (m > cnt) m = cnt;
    select_top(idx, cnt, m + (cnt > m), d);
    double outside = cnt > m ? d[idx[m]] : o->tol;
    if ((rc = qclr__lowrank_reserve(lr, lr->rank + m))) break;
    if (op->columns(op->ctx, m, idx, C)) {
      rc = qclr__error(QCLR_ECALLBACK, "Cholesky: the column callback failed (%lld columns)", (long long)m);
      break;
    }
    int64_t k0 = lr->rank;
    if (k0 > 0) {
      /* C (m x n) -= X (m x k0) * vec (k0 x n), X[c][l] = vec[l][idx[c]] */
      double *X = qclr__malloc((size_t)(m * k0), sizeof(double), "pivot rows");
      if (!X) {
        rc = QCLR_ENOMEM;
        break;
      }
      for (int64_t c = 0; c < m; c++)
        for (int64_t l = 0; l < k0; l++) X[c * k0 + l] = lr->vec[l * n + idx[c]];
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)n, (int)k0, -1.0, X,
                  (int)k0, lr->vec, (int)n, 1.0, C, (int)n);
      free(X);
    }
    for (int64_t c = 0; c < m; c++) {
      G[c] = C[c * n + idx[c]];
      d[idx[c]] = G[c];
      used[c] = 0;
    }
    double keep = 0.5 * outside > o->tol ? 0.5 * outside : o->tol;
    for (int64_t j = 0; j < m; j++) {
      int64_t c = -1;
      for (int64_t t = 0; t < m; t++)
        if (!used[t] && (c < 0 || G[t] > G[c])) c = t;
      if (c < 0 || G[c] <= (j == 0 ? o->tol : keep)) break;
      used[c] = 1;
      int64_t k = lr->rank;
      double *v = lr->vec + k * n;
      memcpy(v, C + c * n, (size_t)n * sizeof(double));
      if (k > k0)
        cblas_dgemv(CblasRowMajor, CblasTrans, (int)(k - k0), (int)n, -1.0, lr->vec + k0 * n, (int)n,
                    lr->vec + k0 * n + idx[c], (int)n, 1.0, v, 1);
      double p = v[idx[c]];
      if (!(p > 0.0)) {
        rc = qclr__error(QCLR_ENOTPSD, "Cholesky: residual pivot %lld is %.6g: matrix not PSD",
                         (long long)idx[c], p);
        break;
      }
      double s = 1.0 / sqrt(p);
      for (int64_t i = 0; i < n; i++) {
        v[i] *= s;
        d[i] -= v[i] * v[i];
      }
      d[idx[c]] = 0.0;
      for (int64_t t = 0; t < m; t++)
        if (!used[t]) G[t] -= v[idx[t]] * v[idx[t]];
      lr->pivots[k] = idx[c];
      lr->rank = k + 1;
    }
    if (!rc) rc = qclr__cholesky_check_diag(d, n, floor, lr->rank);
  }
  free(d);
  free(idx);
  free(C);
  free(G);
  free(used);
  return rc;
}
