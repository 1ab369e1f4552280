/* src/cholesky_block.c: blocked pivoted Cholesky, all BLAS-3.
 *
 * Each block takes the 2b largest residual diagonals as candidates and forms
 * their residual block G = V[c, c] - X^T X (X: the previous vectors at the
 * candidates; one dsyrk).  The pivots are
 * chosen by a greedy pivoted Cholesky of G: a candidate is accepted while its
 * residual is > tol and, after the first, >= half the largest diagonal
 * outside the candidates (so the pivots stay close to the greedy ones), at
 * most b per block.  Only the accepted columns are then fetched; one dgemm
 * removes the previous vectors (the bulk of the flops) and one triangular
 * solve (dtrsm) with the small factor turns them into the new vectors.  The
 * global residual diagonal is updated after every block and the loop stops
 * exactly when its maximum is <= tol: the same element bound as the greedy
 * variant.  Flops: npair rank^2 (dgemm) + npair rank b (dtrsm) + 4 b^2 rank
 * (the candidate blocks); memory npair (rank + 2b). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "factor/factor_internal.h"
#include "core/internal.h"

static int before(const double *d, int64_t i, int64_t j) { /* d desc, index asc */
  return d[i] > d[j] || (d[i] == d[j] && i < j);
}

/* Heap of candidates whose root is the one that comes LAST in the order. */
static void sift_down(int64_t *h, int64_t len, int64_t i, const double *d) {
  for (;;) {
    int64_t l = 2 * i + 1, r = l + 1, w = i;
    if (l < len && before(d, h[w], h[l])) w = l;
    if (r < len && before(d, h[w], h[r])) w = r;
    if (w == i) return;
    int64_t t = h[i];
    h[i] = h[w];
    h[w] = t;
    i = w;
  }
}

/* Keep in idx[0..m) the m first of idx[0..cnt) in the (d desc, index asc)
 * order, sorted by index; return the first one left out (-1 if none).
 * O(cnt log m). */
static int64_t select_top(int64_t *idx, int64_t cnt, int64_t m, const double *d) {
  if (m >= cnt) m = cnt;
  for (int64_t i = m / 2 - 1; i >= 0; i--) sift_down(idx, m, i, d);
  int64_t next = -1;
  for (int64_t t = m; t < cnt; t++) {
    int64_t x = idx[t];
    if (m > 0 && before(d, x, idx[0])) { /* x enters, the root leaves */
      int64_t out = idx[0];
      idx[0] = x;
      sift_down(idx, m, 0, d);
      x = out;
    }
    if (next < 0 || before(d, x, next)) next = x;
  }
  for (int64_t k = 1; k < m; k++) { /* insertion sort by index (m is small) */
    int64_t x = idx[k], j = k;
    while (j > 0 && idx[j - 1] > x) {
      idx[j] = idx[j - 1];
      j--;
    }
    idx[j] = x;
  }
  return next;
}

typedef struct {
  double *d, *C, *G, *W, *X, *g;
  int64_t *idx, *piv, *cols;
  unsigned char *used;
} block_work;

static void work_free(block_work *w) {
  free(w->d);
  free(w->C);
  free(w->G);
  free(w->W);
  free(w->X);
  free(w->g);
  free(w->idx);
  free(w->piv);
  free(w->cols);
  free(w->used);
}

/* Greedy pivoted Cholesky of the m x m candidate residual G (row t = candidate
 * t); W (m x m) gets W[t][j] = component of new vector j at candidate t,
 * piv[j] the candidate of vector j.  Returns the number of vectors accepted
 * (at most maxj). */
static int64_t small_cholesky(int64_t m, const double *G, double *g, double *W, int64_t *piv,
                              unsigned char *used, double tol, double keep, int64_t maxj) {
  for (int64_t t = 0; t < m; t++) {
    g[t] = G[t * m + t];
    used[t] = 0;
  }
  int64_t j = 0;
  for (; j < m && j < maxj; j++) {
    int64_t c = -1;
    for (int64_t t = 0; t < m; t++)
      if (!used[t] && (c < 0 || g[t] > g[c])) c = t;
    if (c < 0 || !(g[c] > (j == 0 ? tol : keep))) break;
    used[c] = 1;
    piv[j] = c;
    double s = 1.0 / sqrt(g[c]);
    const double *wc = W + c * m;
    for (int64_t t = 0; t < m; t++) {
      if (used[t] && t != c) {
        W[t * m + j] = 0.0;
        continue;
      }
      const double *wt = W + t * m;
      double x = 0.0;
#pragma omp simd reduction(+ : x)
      for (int64_t i = 0; i < j; i++) x += wt[i] * wc[i];
      W[t * m + j] = (G[t * m + c] - x) * s;
      if (t != c) g[t] -= W[t * m + j] * W[t * m + j];
    }
    g[c] = 0.0;
  }
  return j;
}

int qclr__cholesky_block(const qclr_pair_operator *op, const qclr_cholesky_options *o, qclr_lowrank *lr) {
  int64_t n = op->n, n1 = n > 0 ? n : 1;
  int64_t b = o->block > 0 ? o->block : (n >= 8192 ? 128 : n >= 2048 ? 64 : 32);
  if (b > n1) b = n1;
  int64_t mc = 2 * b < n1 ? 2 * b : n1; /* candidates per block */
  block_work w = {0};
  size_t nb;
  if (qclr__mul_size((size_t)(op->block ? b : mc), (size_t)n1, &nb)) return QCLR_ETOOLARGE;
  w.d = qclr__malloc((size_t)n1, sizeof(double), "residual diagonal");
  w.idx = qclr__malloc((size_t)n1, sizeof(int64_t), "candidate list");
  w.C = qclr__malloc(nb, sizeof(double), "candidate columns");
  w.G = qclr__malloc((size_t)(mc * mc), sizeof(double), "candidate residual block");
  w.W = qclr__malloc((size_t)(mc * mc), sizeof(double), "candidate factor");
  w.g = qclr__malloc((size_t)mc, sizeof(double), "candidate residuals");
  w.piv = qclr__malloc((size_t)mc, sizeof(int64_t), "block pivots");
  w.cols = qclr__malloc((size_t)mc, sizeof(int64_t), "block columns");
  w.used = qclr__malloc((size_t)mc, 1, "candidate flags");
  int rc = (w.d && w.idx && w.C && w.G && w.W && w.g && w.piv && w.cols && w.used) ? 0 : QCLR_ENOMEM;
  double floor = 0.0;
  if (!rc) rc = qclr__cholesky_diag(op, w.d, &floor);
  double *d = w.d;
  int64_t xcap = 0;
  while (!rc) {
    int64_t cnt = 0;
    double dmax = 0.0;
    for (int64_t i = 0; i < n; i++) {
      if (d[i] > dmax) dmax = d[i];
      if (d[i] > o->tol) w.idx[cnt++] = i;
    }
    lr->max_residual = dmax;
    if (n == 0 || dmax <= o->tol) {
      lr->converged = 1;
      break;
    }
    int64_t room = o->max_rank > 0 ? o->max_rank - lr->rank : b;
    if (room <= 0) break;
    if (room > b) room = b;
    int64_t m = mc < cnt ? mc : cnt;
    int64_t next = select_top(w.idx, cnt, m, d);
    double outside = next >= 0 ? d[next] : o->tol;
    int64_t k0 = lr->rank;
    if (k0 > 0 && (m + b) * k0 > xcap) { /* X (k0 x m), then the selected columns Xs (k0 x <= b) */
      free(w.X);
      xcap = (m + b) * (k0 + 2 * b);
      w.X = qclr__malloc((size_t)xcap, sizeof(double), "pivot rows");
      if (!w.X) {
        rc = QCLR_ENOMEM;
        break;
      }
    }
    /* G = V[idx, idx] - X^T X, X[l][c] = vec[l][idx[c]] (k0 x m; idx ascending, so
     * the gather walks each vector forwards) */
    if (op->block) {
      if (op->block(op->ctx, m, w.idx, w.G)) {
        rc = qclr__error(QCLR_ECALLBACK, "Cholesky: the block callback failed (%lld x %lld)", (long long)m,
                         (long long)m);
        break;
      }
    } else {
      if (op->columns(op->ctx, m, w.idx, w.C)) {
        rc = qclr__error(QCLR_ECALLBACK, "Cholesky: the column callback failed (%lld columns)", (long long)m);
        break;
      }
      for (int64_t t = 0; t < m; t++)
        for (int64_t c = 0; c < m; c++) w.G[t * m + c] = w.C[t * n + w.idx[c]];
    }
    if (k0 > 0) {
      for (int64_t l = 0; l < k0; l++) {
        const double *v = lr->vec + l * n;
        double *x = w.X + l * m;
        for (int64_t c = 0; c < m; c++) x[c] = v[w.idx[c]];
      }
      cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, (int)m, (int)k0, -1.0, w.X, (int)m, 1.0, w.G, (int)m);
      for (int64_t t = 0; t < m; t++)
        for (int64_t c = t + 1; c < m; c++) w.G[t * m + c] = w.G[c * m + t];
    }
    double keep = 0.5 * outside > o->tol ? 0.5 * outside : o->tol;
    int64_t j = small_cholesky(m, w.G, w.g, w.W, w.piv, w.used, o->tol, keep, room);
    /* every candidate's exact residual replaces the tracked one */
    for (int64_t t = 0; t < m; t++) d[w.idx[t]] = w.G[t * m + t];
    if (j > 0) {
      if ((rc = qclr__lowrank_reserve(lr, k0 + j))) break;
      double *V = lr->vec + k0 * n;
      if (op->block) {
        for (int64_t i = 0; i < j; i++) w.cols[i] = w.idx[w.piv[i]];
        if (op->columns(op->ctx, j, w.cols, V)) {
          rc = qclr__error(QCLR_ECALLBACK, "Cholesky: the column callback failed (%lld columns)", (long long)j);
          break;
        }
      } else {
        for (int64_t i = 0; i < j; i++) memcpy(V + i * n, w.C + w.piv[i] * n, (size_t)n * sizeof(double));
      }
      /* new rows of vec: T^-1 (C_sel - X_sel vec) with T[i][i'] = W[piv[i]][i'] (j x j lower) */
      if (k0 > 0) {
        double *Xs = w.X + m * k0;
        for (int64_t l = 0; l < k0; l++)
          for (int64_t i = 0; i < j; i++) Xs[l * j + i] = w.X[l * m + w.piv[i]];
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)j, (int)n, (int)k0, -1.0, Xs, (int)j,
                    lr->vec, (int)n, 1.0, V, (int)n);
      }
      for (int64_t i = 0; i < j; i++)
        for (int64_t i2 = 0; i2 <= i; i2++) w.G[i * j + i2] = w.W[w.piv[i] * m + i2];
      cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, (int)j, (int)n, 1.0, w.G,
                  (int)j, V, (int)n);
      for (int64_t i = 0; i < j; i++) {
        const double *v = V + i * n;
        for (int64_t q = 0; q < n; q++) d[q] -= v[q] * v[q];
      }
      for (int64_t i = 0; i < j; i++) {
        d[w.idx[w.piv[i]]] = 0.0;
        lr->pivots[k0 + i] = w.idx[w.piv[i]];
      }
      lr->rank = k0 + j;
    }
    rc = qclr__cholesky_check_diag(d, n, floor, lr->rank);
  }
  work_free(&w);
  return rc;
}
