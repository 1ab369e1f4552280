/* src/tt_svd.c: dense TT-SVD (Oseledets 2011) with a Gram/eigen kernel for
 * wide unfoldings and LAPACK SVD otherwise.
 *
 * The working tensor is updated in place: after truncating the unfolding A
 * (m x n, row-major) to A ~ U (U^T A), the r x n matrix U^T A is written over
 * the first r rows of A, one column block at a time (each block is read before
 * it is overwritten).  Its reshape ((r n_{k+1}) x n/n_{k+1}) is the next
 * unfolding, so the whole sweep needs one working copy of the input (none when
 * the caller allows overwriting) plus the small Gram matrices. */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tt_internal.h"

#define TT_COLBLOCK 2048

void qclr_tt_options_default(qclr_tt_options *o) {
  o->eps = 1e-10;
  o->max_rank = 0;
  o->method = QCLR_TT_AUTO;
  o->overwrite = 0;
  o->nthreads = 0;
}

static double sumsq(const double *x, size_t n, int nthreads) {
  /* fixed-size chunks summed in order: independent of the thread count */
  const size_t chunk = 1 << 16;
  size_t nc = (n + chunk - 1) / chunk;
  double *part = malloc((nc ? nc : 1) * sizeof(double));
  if (!part) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += x[i] * x[i];
    return s;
  }
#pragma omp parallel for num_threads(nthreads) schedule(static)
  for (long long c = 0; c < (long long)nc; c++) {
    size_t lo = (size_t)c * chunk, hi = lo + chunk < n ? lo + chunk : n;
    double s = 0;
    for (size_t i = lo; i < hi; i++) s += x[i] * x[i];
    part[c] = s;
  }
  double s = 0;
  for (size_t c = 0; c < nc; c++) s += part[c];
  free(part);
  return s;
}

/* A[0:r, :] = Ut (r x m) * A (m x n), in place by column blocks. */
static int project_in_place(const double *Ut, int64_t r, double *A, int64_t m, int64_t n,
                            int nthreads) {
  int64_t nb = (n + TT_COLBLOCK - 1) / TT_COLBLOCK;
  int bad = 0;
#pragma omp parallel num_threads(nthreads)
  {
    double *tmp = malloc((size_t)r * TT_COLBLOCK * sizeof(double));
    if (!tmp) {
#pragma omp atomic write
      bad = 1;
    }
#pragma omp for schedule(static)
    for (int64_t b = 0; b < nb; b++) {
      if (!tmp) continue;
      int64_t c0 = b * TT_COLBLOCK, w = n - c0 < TT_COLBLOCK ? n - c0 : TT_COLBLOCK;
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)r, (int)w, (int)m, 1.0, Ut,
                  (int)m, A + c0, (int)n, 0.0, tmp, (int)w);
      for (int64_t i = 0; i < r; i++) memcpy(A + i * n + c0, tmp + i * w, (size_t)w * sizeof(double));
    }
    free(tmp);
  }
  if (bad) return qclr__error(QCLR_ENOMEM, "cannot allocate projection workspace");
  return 0;
}

/* Gram kernel: eigenvectors of A A^T.  Returns Ut (r x m) and sigma (r). */
static int gram_step(double *A, int64_t m, int64_t n, double delta2, int64_t max_rank,
                     double **Ut_out, double **s_out, int64_t *r_out, double *disc, int *capped) {
  double *G = qclr__malloc((size_t)(m * m), sizeof(double), "Gram matrix");
  double *w = qclr__malloc((size_t)m, sizeof(double), "Gram eigenvalues");
  if (!G || !w) {
    free(G);
    free(w);
    return QCLR_ENOMEM;
  }
  cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)m, (int)n, 1.0, A, (int)n, 0.0, G,
              (int)m);
  lapack_int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)m, G, (lapack_int)m, w);
  if (info != 0) {
    free(G);
    free(w);
    return qclr__error(QCLR_ENUMERIC, "dsyevd failed (info %d) on a %lld x %lld Gram matrix",
                       (int)info, (long long)m, (long long)m);
  }
  /* descending order; rounding can make tiny eigenvalues negative */
  double *s2 = qclr__malloc((size_t)m, sizeof(double), "Gram spectrum");
  if (!s2) {
    free(G);
    free(w);
    return QCLR_ENOMEM;
  }
  for (int64_t i = 0; i < m; i++) s2[i] = w[m - 1 - i] > 0 ? w[m - 1 - i] : 0.0;
  int64_t r = qclr__tt_trunc_rank(s2, m, delta2, max_rank, disc, capped);
  double *Ut = qclr__malloc((size_t)(r * m), sizeof(double), "TT core");
  if (!Ut) {
    free(G);
    free(w);
    free(s2);
    return QCLR_ENOMEM;
  }
  for (int64_t j = 0; j < r; j++) {
    int64_t col = m - 1 - j;
    for (int64_t i = 0; i < m; i++) Ut[j * m + i] = G[i * m + col];
  }
  for (int64_t j = 0; j < r; j++) s2[j] = sqrt(s2[j]);
  free(G);
  free(w);
  *Ut_out = Ut;
  *s_out = s2;
  *r_out = r;
  return 0;
}

int qclr_tt_svd(double *x, int ndim, const int64_t *dims, const qclr_tt_options *opt,
                qclr_tt **out, qclr_tt_info *info) {
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_tt_svd: out is NULL");
  *out = NULL;
  if (!x) return qclr__error(QCLR_EINVAL, "qclr_tt_svd: x is NULL");
  qclr_tt_options o;
  if (opt) o = *opt;
  else qclr_tt_options_default(&o);
  if (!(o.eps >= 0) || !isfinite(o.eps))
    return qclr__error(QCLR_EINVAL, "qclr_tt_svd: eps = %g, must be >= 0", o.eps);
  if (o.max_rank < 0)
    return qclr__error(QCLR_EINVAL, "qclr_tt_svd: max_rank = %lld, must be >= 0",
                       (long long)o.max_rank);
  if (o.method < QCLR_TT_AUTO || o.method > QCLR_TT_GESVD)
    return qclr__error(QCLR_EINVAL, "qclr_tt_svd: unknown method %d", o.method);
  qclr_tt *tt;
  int rc = qclr__tt_alloc(ndim, dims, &tt);
  if (rc) return rc;
  size_t total = 1;
  for (int k = 0; k < ndim; k++)
    if (qclr__mul_size(total, (size_t)dims[k], &total)) {
      qclr_tt_free(tt);
      return QCLR_ETOOLARGE;
    }
  int nth = qclr__nthreads(o.nthreads);
  double norm2 = sumsq(x, total, nth);
  double delta2 = ndim > 1 ? o.eps * o.eps / (ndim - 1) * norm2 : 0.0;
  int use_gram = o.method == QCLR_TT_GRAM || (o.method == QCLR_TT_AUTO && o.eps >= QCLR_TT_GRAM_MIN_EPS);

  double *W = x;
  if (!o.overwrite && ndim > 1) {
    W = qclr__malloc(total, sizeof(double), "TT-SVD working copy");
    if (!W) {
      qclr_tt_free(tt);
      return QCLR_ENOMEM;
    }
    memcpy(W, x, total * sizeof(double));
  }
  double err2 = 0;
  int capped_any = 0;
  int64_t r = 1;
  size_t rest = total;
  for (int k = 0; k + 1 < ndim; k++) {
    int64_t m = r * dims[k];
    rest /= (size_t)dims[k];
    int64_t n = (int64_t)rest;
    if ((rc = qclr__check_lapack_int(m, "TT unfolding rows")) ||
        (rc = qclr__check_lapack_int(n, "TT unfolding columns")))
      goto fail;
    double disc = 0;
    int capped = 0;
    int64_t rnew;
    double *core, *s;
    if (use_gram && m <= n) {
      double *Ut = NULL;
      if ((rc = gram_step(W, m, n, delta2, o.max_rank, &Ut, &s, &rnew, &disc, &capped)))
        goto fail;
      if ((rc = project_in_place(Ut, rnew, W, m, n, nth))) {
        free(Ut);
        free(s);
        goto fail;
      }
      core = qclr__malloc((size_t)(m * rnew), sizeof(double), "TT core");
      if (!core) {
        free(Ut);
        free(s);
        rc = QCLR_ENOMEM;
        goto fail;
      }
      for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < rnew; j++) core[i * rnew + j] = Ut[j * m + i];
      free(Ut);
    } else {
      double *U, *Vt;
      int meth = o.method == QCLR_TT_GESVD ? QCLR_TT_GESVD : QCLR_TT_GESDD;
      if ((rc = qclr__tt_tsvd(W, m, n, meth, delta2, o.max_rank, &U, &s, &Vt, &rnew, &disc,
                              &capped, NULL, NULL)))
        goto fail;
      for (int64_t i = 0; i < rnew; i++)
        for (int64_t j = 0; j < n; j++) W[i * n + j] = s[i] * Vt[i * n + j];
      free(Vt);
      core = U;
    }
    qclr__tt_set_core(tt, k, core, rnew);
    rc = qclr__tt_set_sv(tt, k, s, rnew);
    free(s);
    if (rc) goto fail;
    err2 += disc;
    capped_any |= capped;
    r = rnew;
  }
  {
    /* last core: r x n_d, normalized; the norm goes to the scale */
    size_t nl = (size_t)r * (size_t)dims[ndim - 1];
    double *core = qclr__malloc(nl, sizeof(double), "TT core");
    if (!core) {
      rc = QCLR_ENOMEM;
      goto fail;
    }
    double s2 = 0;
    for (size_t i = 0; i < nl; i++) s2 += W[i] * W[i];
    double nrm = sqrt(s2), inv = nrm > 0 ? 1.0 / nrm : 0.0;
    for (size_t i = 0; i < nl; i++) core[i] = W[i] * inv;
    if (nrm == 0) core[0] = 1.0; /* zero tensor: any unit core, scale 0 */
    qclr__tt_set_core(tt, ndim - 1, core, 1);
    tt->scale = nrm;
  }
  if (W != x) free(W);
  if (info) {
    info->norm = sqrt(norm2);
    info->error = sqrt(err2);
    info->rel_error = norm2 > 0 ? sqrt(err2 / norm2) : 0.0;
    info->rank_capped = capped_any;
  }
  *out = tt;
  if (capped_any)
    return qclr__error(QCLR_WRANKCAP, "max rank %lld cut singular values above the tolerance",
                       (long long)o.max_rank);
  return 0;
fail:
  if (W != x) free(W);
  qclr_tt_free(tt);
  return rc;
}
