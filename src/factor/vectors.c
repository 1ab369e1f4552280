/* src/factor/vectors.c: low-rank factorizations handed over as 3-index
 * vectors (density-fitting or Cholesky tensors B[P, pq] of a host code), the
 * pivoted-Cholesky recompression of such vectors, and the double
 * factorization without a Hamiltonian: nothing here forms an npair^2 or N^4
 * array (memory O(npair * rank)). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "core/internal.h"
#include "factor/factor_internal.h"

int qclr_lowrank_from_vectors(int64_t norb, int64_t rank, const double *vec, int layout, qclr_lowrank **out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_lowrank_from_vectors: out is NULL");
  *out = NULL;
  if (norb < 1 || rank < 0 || (rank > 0 && !vec))
    return qclr__error(QCLR_EINVAL, "qclr_lowrank_from_vectors: need norb >= 1, rank >= 0 and vectors (norb %lld, rank %lld)",
                       (long long)norb, (long long)rank);
  if (layout != QCLR_VECTORS_PACKED && layout != QCLR_VECTORS_SQUARE)
    return qclr__error(QCLR_EINVAL, "qclr_lowrank_from_vectors: unknown layout %d", layout);
  int64_t np = norb * (norb + 1) / 2, nn = norb * norb;
  int rc = qclr__check_lapack_int(np, "pair dimension");
  if (rc) return rc;
  /* validate before allocating: finite, and (square layout) symmetric */
  for (int64_t l = 0; l < rank; l++) {
    const double *v = vec + l * (layout == QCLR_VECTORS_PACKED ? np : nn);
    int64_t len = layout == QCLR_VECTORS_PACKED ? np : nn;
    double mx = 0;
    for (int64_t i = 0; i < len; i++) {
      if (!isfinite(v[i]))
        return qclr__error(QCLR_EINVAL, "qclr_lowrank_from_vectors: vector %lld, element %lld is not finite",
                           (long long)l, (long long)i);
      if (fabs(v[i]) > mx) mx = fabs(v[i]);
    }
    if (layout == QCLR_VECTORS_SQUARE)
      for (int64_t p = 0; p < norb; p++)
        for (int64_t q = 0; q < p; q++)
          if (fabs(v[p * norb + q] - v[q * norb + p]) > 1e-12 * (mx > 1 ? mx : 1))
            return qclr__error(QCLR_EINVAL,
                               "qclr_lowrank_from_vectors: vector %lld is not symmetric: [%lld,%lld] = %.17g, [%lld,%lld] = %.17g",
                               (long long)l, (long long)p, (long long)q, v[p * norb + q], (long long)q, (long long)p,
                               v[q * norb + p]);
  }
  qclr_lowrank *lr;
  if ((rc = qclr__lowrank_new(np, rank, 0, &lr))) return rc;
  for (int64_t l = 0; l < rank; l++) {
    if (layout == QCLR_VECTORS_PACKED) {
      memcpy(lr->vec + l * np, vec + l * np, (size_t)np * sizeof(double));
    } else {
      const double *v = vec + l * nn;
      for (int64_t p = 0; p < norb; p++)
        for (int64_t q = 0; q <= p; q++) lr->vec[l * np + qclr__pair(p, q)] = v[p * norb + q];
    }
  }
  lr->rank = rank;
  lr->converged = 1;
  lr->max_residual = 0.0;
  *out = lr;
  return 0;
}

/* The operator V = B^T B of given pair vectors B (rank x n), for the Cholesky. */
typedef struct {
  const qclr_lowrank *B;
  double *g; /* ncol x rank gather buffer */
  int64_t gcap;
} vec_op;

static int vec_diag(void *ctx, double *d) {
  const qclr_lowrank *B = ((vec_op *)ctx)->B;
  int64_t n = B->dim;
  memset(d, 0, (size_t)n * sizeof(double));
  for (int64_t l = 0; l < B->rank; l++)
    for (int64_t i = 0; i < n; i++) d[i] += B->vec[l * n + i] * B->vec[l * n + i];
  return 0;
}

static int vec_columns(void *ctx, int64_t ncol, const int64_t *cols, double *out) {
  vec_op *op = ctx;
  const qclr_lowrank *B = op->B;
  int64_t n = B->dim, R = B->rank;
  if (ncol * R > op->gcap) {
    double *g = realloc(op->g, (size_t)(ncol * R > 0 ? ncol * R : 1) * sizeof(double));
    if (!g) return qclr_error_set(QCLR_ENOMEM, "Cholesky of vectors: out of memory") != 0;
    op->g = g;
    op->gcap = ncol * R;
  }
  for (int64_t k = 0; k < ncol; k++)
    for (int64_t l = 0; l < R; l++) op->g[k * R + l] = B->vec[l * n + cols[k]];
  if (R == 0) {
    memset(out, 0, (size_t)(ncol * n) * sizeof(double));
    return 0;
  }
  /* out (ncol x n) = G (ncol x R) B (R x n) */
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)ncol, (int)n, (int)R, 1.0, op->g, (int)R, B->vec,
              (int)n, 0.0, out, (int)n);
  return 0;
}

int qclr_lowrank_recompress(const qclr_lowrank *in, const qclr_cholesky_options *o, qclr_lowrank **out,
                            double *max_abs_error) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_lowrank_recompress: out is NULL");
  *out = NULL;
  QCLR__CHECK_OPTIONS(o, "qclr_cholesky_options_default");
  if (!in) return qclr__error(QCLR_EINVAL, "qclr_lowrank_recompress: input is NULL");
  vec_op ctx = {in, NULL, 0};
  qclr_pair_operator op = {in->dim, vec_diag, vec_columns, &ctx, NULL};
  int rc = qclr_cholesky_direct(&op, o, out);
  free(ctx.g);
  if (rc < 0 || !max_abs_error) return rc;
  /* The residual V - C^T C of a pivoted Cholesky is PSD (a Schur complement),
   * so its largest element in absolute value is its largest diagonal element:
   * max_i (sum_l B_li^2 - sum_m C_mi^2), computed exactly here. */
  int64_t n = in->dim;
  double mx = 0;
  for (int64_t i = 0; i < n; i++) {
    double a = 0, c = 0;
    for (int64_t l = 0; l < in->rank; l++) a += in->vec[l * n + i] * in->vec[l * n + i];
    for (int64_t m = 0; m < (*out)->rank; m++) c += (*out)->vec[m * n + i] * (*out)->vec[m * n + i];
    if (fabs(a - c) > mx) mx = fabs(a - c);
  }
  *max_abs_error = mx;
  return rc;
}

int qclr_df_compute_vectors(int64_t norb, const double *h, const qclr_lowrank *lr, const qclr_df_options *o,
                            qclr_df **out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_df_compute_vectors: out is NULL");
  *out = NULL;
  QCLR__CHECK_OPTIONS(o, "qclr_df_options_default");
  if (!h || !lr || norb < 1) return qclr__error(QCLR_EINVAL, "qclr_df_compute_vectors: NULL argument or norb < 1");
  int64_t N = norb, np = N * (N + 1) / 2;
  if (lr->dim != np)
    return qclr__error(QCLR_EINVAL, "qclr_df_compute_vectors: vectors of length %lld, npair is %lld",
                       (long long)lr->dim, (long long)np);
  int rc = qclr__check_lapack_int(N * N, "norb^2");
  if (rc) return rc;
  for (int64_t i = 0; i < N * N; i++)
    if (!isfinite(h[i])) return qclr__error(QCLR_EINVAL, "qclr_df_compute_vectors: h[%lld] is not finite", (long long)i);
  size_t NN = (size_t)(N * N);
  double *T = qclr__malloc(2 * NN, sizeof(double), "one-body T");
  if (!T) return QCLR_ENOMEM;
  double *L = T + NN;
  /* T = h - 1/2 sum_r (pr|rq) = h - 1/2 sum_l L^l L^l (lower triangle by dsyrk, then mirrored) */
  for (size_t x = 0; x < NN; x++) T[x] = h[x];
  for (int64_t l = 0; l < lr->rank; l++) {
    const double *v = lr->vec + l * np;
    for (int64_t p = 0; p < N; p++)
      for (int64_t q = 0; q <= p; q++) L[p * N + q] = L[q * N + p] = v[qclr__pair(p, q)];
    cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, (int)N, (int)N, -0.5, L, (int)N, 1.0, T, (int)N);
  }
  for (int64_t p = 0; p < N; p++)
    for (int64_t q = 0; q < p; q++) T[q * N + p] = T[p * N + q];
  rc = qclr__df_compute(N, NULL, T, lr, o, out);
  free(T);
  return rc;
}
