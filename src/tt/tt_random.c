/* src/tt_random.c: randomized TT-SVD (Halko-Martinsson-Tropp range finder at
 * each unfolding).  A Gaussian sketch Y = A Omega (m x l, l = r + oversample)
 * from a seeded GSL generator gives an orthonormal basis Q of the dominant
 * column space; the small matrix B = Q^T A (l x n) is decomposed exactly.
 * Because the kept basis U = Q Ub is orthonormal, the error of the step,
 * ||A - U U^T A||^2 = ||A||^2 - sum kept sigma(B)^2, is computed, not
 * estimated; in eps mode the sketch grows until that error meets delta. */
#include <cblas.h>
#include <gsl/gsl_rng.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/eigen_internal.h"
#include "tt/tt_internal.h"

void qclr_tt_random_options_default(qclr_tt_random_options *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->size = sizeof *o;
  o->ranks = NULL;
  o->eps = 1e-6;
  o->max_rank = 0;
  o->oversample = 10;
  o->block = 16;
  o->seed = 1;
}

/* Standard normal deviates by Box-Muller from GSL's uniform generator
 * (gsl_randist.h would drag in GSL's own CBLAS declarations). */
static void gaussians(gsl_rng *rng, double *out, int64_t n) {
  for (int64_t i = 0; i < n; i += 2) {
    double u = gsl_rng_uniform_pos(rng), v = gsl_rng_uniform(rng);
    double rad = sqrt(-2.0 * log(u));
    out[i] = rad * cos(2 * M_PI * v);
    if (i + 1 < n) out[i + 1] = rad * sin(2 * M_PI * v);
  }
}

/* Q (m x l) orthonormal basis of A Omega; returns 0 or an error */
static int range_basis(const double *A, int64_t m, int64_t n, int64_t l, gsl_rng *rng, double *Q) {
  double *Om = qclr__malloc((size_t)n * (size_t)l, sizeof(double), "Gaussian sketch");
  double *tau = qclr__malloc((size_t)l, sizeof(double), "QR tau");
  if (!Om || !tau) {
    free(Om);
    free(tau);
    return QCLR_ENOMEM;
  }
  gaussians(rng, Om, n * l);
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)l, (int)n, 1.0, A, (int)n, Om,
              (int)l, 0.0, Q, (int)l);
  free(Om);
  lapack_int info = LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, (lapack_int)m, (lapack_int)l, Q, (lapack_int)l, tau);
  if (!info)
    info = LAPACKE_dorgqr(LAPACK_ROW_MAJOR, (lapack_int)m, (lapack_int)l, (lapack_int)l, Q,
                          (lapack_int)l, tau);
  free(tau);
  if (info) return qclr__error(QCLR_ENUMERIC, "QR of the sketch failed (info %d)", (int)info);
  return 0;
}

static int tt_tt_svd_random_impl(const double *x, int ndim, const int64_t *dims,
                       const qclr_tt_random_options *opt, qclr_tt **out, qclr_tt_info *info) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_tt_svd_random: out is NULL");
  *out = NULL;
  QCLR__CHECK_OPTIONS(opt, "qclr_tt_random_options_default");
  if (!x) return qclr__error(QCLR_EINVAL, "qclr_tt_svd_random: x is NULL");
  qclr_tt_random_options o;
  if (opt) o = *opt;
  else qclr_tt_random_options_default(&o);
  int rc = o.ranks ? 0 : qclr__tt_check_options("qclr_tt_svd_random", o.eps, o.max_rank, QCLR_TT_AUTO), pexp;
  if (rc) return rc;
  if (o.max_rank < 0 || o.oversample < 0 || o.block < 1)
    return qclr__error(QCLR_EINVAL, "qclr_tt_svd_random: max_rank %lld, oversample %lld, block %lld",
                       (long long)o.max_rank, (long long)o.oversample, (long long)o.block);
  if (o.ranks)
    for (int k = 0; k + 1 < ndim; k++)
      if (o.ranks[k] < 1)
        return qclr__error(QCLR_EINVAL, "qclr_tt_svd_random: target rank %d is %lld", k,
                           (long long)o.ranks[k]);
  qclr_tt *tt;
  size_t total;
  double norm2;
  if ((rc = qclr__tt_begin(ndim, dims, &tt, &total))) return rc;
  if ((rc = qclr__check_finite("qclr_tt_svd_random", "x", x, (int64_t)total))) {
    qclr_tt_free(tt);
    return rc;
  }
  if ((rc = qclr__tt_input_norm("qclr_tt_svd_random", x, total, &pexp, &norm2))) {
    qclr_tt_free(tt);
    return rc;
  }
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  double *W = qclr__malloc(total, sizeof(double), "randomized TT-SVD working copy");
  double *Q = NULL, *Bm = NULL;
  if (!rng || !W) {
    rc = QCLR_ENOMEM;
    goto fail;
  }
  gsl_rng_set(rng, (unsigned long)o.seed);
  if (pexp) qclr__tt_unscale(W, x, total, pexp); /* out of the range of squares */
  else memcpy(W, x, total * sizeof(double));
  double delta2 = qclr__tt_delta2(o.eps, ndim, norm2);
  double err2 = 0;
  int capped_any = 0;
  int64_t r = 1;
  size_t rest = total;
  for (int k = 0; k + 1 < ndim; k++) {
    int64_t m = r * dims[k];
    rest /= (size_t)dims[k];
    int64_t n = (int64_t)rest, mn = m < n ? m : n;
    if ((rc = qclr__check_lapack_int(m, "TT unfolding rows")) ||
        (rc = qclr__check_lapack_int(n, "TT unfolding columns")))
      goto fail;
    double a2 = 0;
    for (int64_t i = 0; i < m * n; i++) a2 += W[i] * W[i];
    int64_t target = o.ranks ? o.ranks[k] : 0;
    if (o.max_rank > 0 && target > o.max_rank) target = o.max_rank;
    int64_t l = (o.ranks ? target : o.block) + o.oversample;
    double disc = 0;
    int64_t rnew = 0;
    double *core = NULL, *s = NULL, *Ub = NULL, *Vt = NULL;
    for (;;) {
      if (l >= mn) { /* the sketch would not be smaller: decompose exactly */
        double *U;
        double *A = qclr__malloc((size_t)(m * n), sizeof(double), "unfolding copy");
        if (!A) {
          rc = QCLR_ENOMEM;
          goto fail;
        }
        memcpy(A, W, (size_t)(m * n) * sizeof(double));
        int capped;
        int64_t cap = o.ranks ? target : o.max_rank;
        rc = qclr__tt_tsvd(A, m, n, QCLR_TT_GESDD, o.ranks ? 0.0 : delta2, cap, &U, &s, &Vt, &rnew, &disc,
                           &capped, NULL, NULL);
        free(A);
        if (rc) goto fail;
        /* disc is the exact discarded tail in both modes; a target rank is
         * not a cap, so it raises no warning */
        capped_any |= capped && !o.ranks;
        core = U;
        break;
      }
      Q = qclr__malloc((size_t)(m * l), sizeof(double), "sketch basis");
      Bm = qclr__malloc((size_t)l * (size_t)n, sizeof(double), "projected unfolding");
      if (!Q || !Bm) {
        rc = QCLR_ENOMEM;
        goto fail;
      }
      if ((rc = range_basis(W, m, n, l, rng, Q))) goto fail;
      cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)l, (int)n, (int)m, 1.0, Q, (int)l, W, (int)n,
                  0.0, Bm, (int)n);
      int capped;
      rc = qclr__tt_tsvd(Bm, l, n, QCLR_TT_GESDD, 0.0, 0, &Ub, &s, &Vt, &rnew, &disc, &capped, NULL, NULL);
      free(Bm);
      Bm = NULL;
      if (rc) goto fail;
      /* choose the rank: target, or the smallest meeting delta with the true residual */
      int64_t kb = rnew;
      double kept = 0;
      int64_t want = kb;
      if (o.ranks) {
        want = target < kb ? target : kb;
      } else {
        want = kb;
        double acc = 0;
        for (int64_t i = 0; i < kb; i++) {
          acc += s[i] * s[i];
          if (a2 - acc <= delta2) {
            want = i + 1;
            break;
          }
        }
        if (a2 - acc > delta2 && want == kb && l < mn) { /* sketch too small: grow it */
          free(Q);
          free(Ub);
          free(s);
          free(Vt);
          Q = NULL;
          Ub = s = Vt = NULL;
          l = 2 * l > mn ? mn : 2 * l;
          continue;
        }
        if (o.max_rank > 0 && want > o.max_rank) {
          want = o.max_rank;
          capped_any = 1;
        }
      }
      for (int64_t i = 0; i < want; i++) kept += s[i] * s[i];
      disc = a2 - kept > 0 ? a2 - kept : 0;
      rnew = want;
      /* U = Q Ub[:, :want] (m x want); Ub is l x kb */
      core = qclr__malloc((size_t)(m * want), sizeof(double), "TT core");
      if (!core) {
        rc = QCLR_ENOMEM;
        goto fail;
      }
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)want, (int)l, 1.0, Q, (int)l, Ub,
                  (int)kb, 0.0, core, (int)want);
      free(Q);
      free(Ub);
      Q = NULL;
      break;
    }
    if ((rc = qclr__tt_store_step(tt, k, core, s, Vt, rnew, n, W))) goto fail;
    err2 += disc;
    r = rnew;
  }
  {
    size_t nl = (size_t)r * (size_t)dims[ndim - 1];
    double *core = qclr__malloc(nl, sizeof(double), "TT core");
    if (!core) {
      rc = QCLR_ENOMEM;
      goto fail;
    }
    double s2 = 0;
    for (size_t i = 0; i < nl; i++) s2 += W[i] * W[i];
    double nrm = sqrt(s2);
    for (size_t i = 0; i < nl; i++) core[i] = nrm > 0 ? W[i] / nrm : (i == 0);
    qclr__tt_set_core(tt, ndim - 1, core, 1);
    tt->scale = nrm;
  }
  free(W);
  gsl_rng_free(rng);
  *out = tt;
  return qclr__tt_finish(tt, pexp, norm2, err2, capped_any, o.max_rank, info);
fail:
  free(W);
  free(Q);
  free(Bm);
  if (rng) gsl_rng_free(rng);
  qclr_tt_free(tt);
  return rc;
}

/* BLAS/LAPACK on the calling thread: the OpenMP OpenBLAS reorders sums with its
 * thread count, and the cores must not depend on it (docs/conventions.md §2) */
int qclr_tt_svd_random(const double *x, int ndim, const int64_t *dims,
                       const qclr_tt_random_options *opt, qclr_tt **out, qclr_tt_info *info) {
  qclr__serial_state saved = qclr__lapack_serial_begin();
  int rc = tt_tt_svd_random_impl(x, ndim, dims, opt, out, info);
  qclr__lapack_serial_end(saved);
  return rc;
}
