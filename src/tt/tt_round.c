/* src/tt_round.c: TT rounding (Oseledets 2011, Alg. 2): right-to-left LQ
 * sweep making cores 2..d right-orthonormal, then a left-to-right truncated
 * SVD sweep.  Because the part right of each bond is orthonormal, the
 * singular values at each step are the Schmidt values of the current tensor,
 * and the discarded sums add up to the exact squared error. */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/eigen_internal.h"
#include "tt/tt_internal.h"

/* core k (r0 x n r1) = L (r0 x q) Q (q x n r1), Q overwrites the core, and
 * core k-1 (P x r0) becomes core k-1 * L. */
static int lq_step(qclr_tt *tt, int k) {
  int64_t r0 = tt->ranks[k], n = tt->dims[k], r1 = tt->ranks[k + 1];
  int64_t cols = n * r1, q = r0 < cols ? r0 : cols;
  int rc;
  if ((rc = qclr__check_lapack_int(cols, "TT core columns"))) return rc;
  double *C = tt->cores[k];
  double *tau = qclr__malloc((size_t)q, sizeof(double), "LQ tau");
  double *L = qclr__calloc((size_t)(r0 * q), sizeof(double), "LQ factor");
  int64_t p0 = tt->ranks[k - 1] * tt->dims[k - 1];
  double *prev = qclr__malloc((size_t)(p0 * q), sizeof(double), "TT core");
  if (!tau || !L || !prev) {
    rc = QCLR_ENOMEM;
    goto done;
  }
  lapack_int info = LAPACKE_dgelqf(LAPACK_ROW_MAJOR, (lapack_int)r0, (lapack_int)cols, C,
                                   (lapack_int)cols, tau);
  if (info) {
    rc = qclr__error(QCLR_ENUMERIC, "dgelqf failed (info %d)", (int)info);
    goto done;
  }
  for (int64_t i = 0; i < r0; i++)
    for (int64_t j = 0; j <= i && j < q; j++) L[i * q + j] = C[i * cols + j];
  info = LAPACKE_dorglq(LAPACK_ROW_MAJOR, (lapack_int)q, (lapack_int)cols, (lapack_int)q, C,
                        (lapack_int)cols, tau);
  if (info) {
    rc = qclr__error(QCLR_ENUMERIC, "dorglq failed (info %d)", (int)info);
    goto done;
  }
  /* the first q rows of C now hold Q; shrink the allocation's logical size */
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)p0, (int)q, (int)r0, 1.0,
              tt->cores[k - 1], (int)r0, L, (int)q, 0.0, prev, (int)q);
  qclr__tt_set_core(tt, k - 1, prev, q);
  prev = NULL;
  rc = 0;
done:
  free(tau);
  free(L);
  free(prev);
  return rc;
}

static int tt_tt_round_impl(qclr_tt *tt, const qclr_tt_options *opt, qclr_tt_info *info) {
  qclr__clear();
  if (!tt) return qclr__error(QCLR_EINVAL, "qclr_tt_round: tt is NULL");
  QCLR__CHECK_OPTIONS(opt, "qclr_tt_options_default");
  qclr_tt_options o;
  if (opt) o = *opt;
  else qclr_tt_options_default(&o);
  int d = tt->d, rc = qclr__tt_check_options("qclr_tt_round", o.eps, o.max_rank, o.method);
  if (rc) return rc;
  if ((rc = qclr__tt_densify(tt))) return rc;
  /* an SVD basis may mix sectors of equal singular values */
  qclr__tt_drop_labels(tt);
  tt->left_orth = 0;
  for (int k = d - 1; k >= 1; k--)
    if ((rc = lq_step(tt, k))) return rc;
  double *C0 = tt->cores[0];
  int64_t n0 = tt->dims[0] * tt->ranks[1];
  double nrm2 = 0;
  for (int64_t i = 0; i < n0; i++) nrm2 += C0[i] * C0[i];
  double delta2 = qclr__tt_delta2(o.eps, d, nrm2);
  double err2 = 0;
  int capped_any = 0;
  for (int k = 0; k + 1 < d; k++) {
    int64_t r0 = tt->ranks[k], n = tt->dims[k], r1 = tt->ranks[k + 1];
    int64_t m = r0 * n;
    double *U, *s, *Vt, disc;
    int64_t r;
    int capped;
    if ((rc = qclr__tt_tsvd(tt->cores[k], m, r1, QCLR_TT_GESDD, delta2, o.max_rank, &U, &s, &Vt,
                            &r, &disc, &capped, NULL, NULL)))
      return rc;
    /* next core (r1 x n' r2) <- diag(s) Vt (r x r1) * next */
    int64_t n2 = tt->dims[k + 1] * tt->ranks[k + 2];
    double *next = qclr__malloc((size_t)(r * n2), sizeof(double), "TT core");
    if (!next) {
      free(U);
      free(s);
      free(Vt);
      return QCLR_ENOMEM;
    }
    for (int64_t i = 0; i < r; i++)
      for (int64_t j = 0; j < r1; j++) Vt[i * r1 + j] *= s[i];
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)r, (int)n2, (int)r1, 1.0, Vt,
                (int)r1, tt->cores[k + 1], (int)n2, 0.0, next, (int)n2);
    free(Vt);
    qclr__tt_set_core(tt, k, U, r);
    free(tt->cores[k + 1]);
    tt->cores[k + 1] = next;
    rc = qclr__tt_set_sv(tt, k, s, r);
    free(s);
    if (rc) return rc;
    err2 += disc;
    capped_any |= capped;
  }
  double *Cl = tt->cores[d - 1];
  int64_t nl = tt->ranks[d - 1] * tt->dims[d - 1];
  double s2 = 0;
  for (int64_t i = 0; i < nl; i++) s2 += Cl[i] * Cl[i];
  double nrm = sqrt(s2);
  if (nrm > 0)
    for (int64_t i = 0; i < nl; i++) Cl[i] /= nrm;
  double oldscale = tt->scale;
  tt->scale *= nrm;
  tt->left_orth = 1;
  if (info) {
    info->norm = sqrt(nrm2) * fabs(oldscale);
    info->error = sqrt(err2) * fabs(oldscale);
    info->rel_error = nrm2 > 0 ? sqrt(err2 / nrm2) : 0.0;
    info->rank_capped = capped_any;
  }
  if (capped_any)
    return qclr__error(QCLR_WRANKCAP, "max rank %lld cut singular values above the tolerance",
                       (long long)o.max_rank);
  return 0;
}

/* BLAS/LAPACK on the calling thread: the OpenMP OpenBLAS reorders sums with its
 * thread count, and the cores must not depend on it (docs/conventions.md §2) */
int qclr_tt_round(qclr_tt *tt, const qclr_tt_options *opt, qclr_tt_info *info) {
  qclr__serial_state saved = qclr__lapack_serial_begin();
  int rc = tt_tt_round_impl(tt, opt, info);
  qclr__lapack_serial_end(saved);
  return rc;
}
