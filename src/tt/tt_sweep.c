/* src/tt/tt_sweep.c: what every TT-SVD driver (qclr_tt_svd, qclr_tt_svd_random,
 * qclr_tt_svd_ci) shares: option checks, the TT shell, the input norm without
 * overflow or underflow, the truncation rule of docs/conventions.md §2 and the
 * report.
 *
 * Scaling.  A sweep works with squares (Gram matrices, sigma^2 against
 * delta^2), which leave the double range long before the entries do: x = 1e-170
 * squares to 0 and 1e160 to inf.  So when ||x||^2 is outside [2^-600, 2^600]
 * the drivers sweep over x 2^-e (exact: a power of two), with 2^e about max|x_i|,
 * and put 2^e back into the scale and the reported norm and error at the end.
 * Inside that range nothing is scaled and the plain sum of squares is used. */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "tt/tt_internal.h"

/* Sequential on purpose: OpenMP threads spinning next to OpenBLAS's own
 * pthreads slow both down (measured 5-10x on 2 cores); the bandwidth-bound
 * sum is cheap next to the decompositions.  Four partial sums keep the
 * rounding error at ~sqrt(n/4) u instead of a single long chain. */
double qclr__tt_sumsq(const double *x, size_t n) {
  double s[4] = {0, 0, 0, 0};
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s[0] += x[i] * x[i];
    s[1] += x[i + 1] * x[i + 1];
    s[2] += x[i + 2] * x[i + 2];
    s[3] += x[i + 3] * x[i + 3];
  }
  for (; i < n; i++) s[0] += x[i] * x[i];
  return (s[0] + s[1]) + (s[2] + s[3]);
}

int qclr__tt_check_options(const char *who, double eps, int64_t max_rank, int method) {
  if (!(eps >= 0) || !isfinite(eps)) return qclr__error(QCLR_EINVAL, "%s: eps = %g, must be finite and >= 0", who, eps);
  if (max_rank < 0)
    return qclr__error(QCLR_EINVAL, "%s: max_rank = %lld, must be >= 0", who, (long long)max_rank);
  if (method < QCLR_TT_AUTO || method > QCLR_TT_GESVD) return qclr__error(QCLR_EINVAL, "%s: unknown method %d", who, method);
  return 0;
}

int qclr__tt_begin(int ndim, const int64_t *dims, qclr_tt **tt, size_t *total) {
  int rc = qclr__tt_alloc(ndim, dims, tt);
  if (rc) return rc;
  *total = 1;
  for (int k = 0; k < ndim; k++)
    if (qclr__mul_size(*total, (size_t)dims[k], total)) {
      qclr_tt_free(*tt);
      *tt = NULL;
      return QCLR_ETOOLARGE;
    }
  return 0;
}

#define TT_SAFE_LO 0x1p-600
#define TT_SAFE_HI 0x1p600

int qclr__tt_input_norm(const char *who, const double *x, size_t n, int *pexp, double *norm2) {
  double ss = qclr__tt_sumsq(x, n);
  *pexp = 0;
  *norm2 = ss;
  if (ss >= TT_SAFE_LO && ss <= TT_SAFE_HI) return 0;
  double amax = 0;
  for (size_t i = 0; i < n; i++) {
    double a = fabs(x[i]);
    if (!(a <= DBL_MAX)) return qclr__error(QCLR_EINVAL, "%s: the tensor has non-finite entries", who);
    if (a > amax) amax = a;
  }
  if (amax == 0) return 0; /* the zero tensor */
  int e = ilogb(amax);
  double s[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < n; i++) {
    double v = ldexp(x[i], -e);
    s[i & 3] += v * v;
  }
  *pexp = e;
  *norm2 = (s[0] + s[1]) + (s[2] + s[3]);
  return 0;
}

void qclr__tt_unscale(double *dst, const double *src, size_t n, int pexp) {
  for (size_t i = 0; i < n; i++) dst[i] = ldexp(src[i], -pexp);
}

int qclr__tt_store_step(qclr_tt *tt, int k, double *U, double *s, double *Vt, int64_t r, int64_t n, double *W) {
  for (int64_t i = 0; i < r; i++)
    for (int64_t j = 0; j < n; j++) W[i * n + j] = s[i] * Vt[i * n + j];
  free(Vt);
  qclr__tt_set_core(tt, k, U, r);
  int rc = qclr__tt_set_sv(tt, k, s, r);
  free(s);
  return rc;
}

double qclr__tt_delta2(double eps, int d, double norm2) { return d > 1 ? eps * eps / (d - 1) * norm2 : 0.0; }

int qclr__tt_finish(qclr_tt *tt, int pexp, double norm2, double err2, int capped, int64_t max_rank,
                    qclr_tt_info *info) {
  tt->scale = ldexp(tt->scale, pexp);
  tt->left_orth = 1;
  if (info) {
    info->norm = ldexp(sqrt(norm2), pexp);
    info->error = ldexp(sqrt(err2), pexp);
    info->rel_error = norm2 > 0 ? sqrt(err2 / norm2) : 0.0;
    info->rank_capped = capped;
  }
  if (capped)
    return qclr__error(QCLR_WRANKCAP, "max rank %lld cut singular values above the tolerance", (long long)max_rank);
  return 0;
}
