/* src/cost/thc.c: THC by interpolative decomposition of a double
 * factorization (include/qclr/thc.h).
 *
 * Candidates: the Lxi DF eigenvectors u (unit vectors).  Pair-space product
 * matrix B (npair x Lxi, column-major), B[pq, c] = w_pq u_p u_q with w = 1 on
 * the diagonal and sqrt(2) off it, so that ||B Z B^T - W V W||_F over pairs is
 * the error over all N^4 elements.  Selection (GKS / CPQR / uniform) picks M
 * columns S; Z = B_S^+ (W V W) B_S^+T by two SVD least-squares solves
 * (dgelsd); the rebuilt ERIs are (u_p u_q) Z (u_r u_s). */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/eigen_internal.h"
#include "core/internal.h"
#include "qclr/thc.h"

struct qclr_thc {
  int64_t n, m;
  double *chi, *z, lambda, max_abs, frob;
  int64_t *sel;
  double *vthc; /* npair x npair rebuilt ERIs (row-major, symmetric) */
};

void qclr_thc_options_default(qclr_thc_options *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->size = sizeof *o;
  o->select = QCLR_THC_SELECT_GKS;
  o->seed = 1;
}

void qclr_thc_free(qclr_thc *t) {
  if (!t) return;
  free(t->chi);
  free(t->z);
  free(t->sel);
  free(t->vthc);
  free(t);
}
int64_t qclr_thc_rank(const qclr_thc *t) { return t ? t->m : 0; }
int64_t qclr_thc_norb(const qclr_thc *t) { return t ? t->n : 0; }
const double *qclr_thc_points(const qclr_thc *t) { return t ? t->chi : NULL; }
const double *qclr_thc_z(const qclr_thc *t) { return t ? t->z : NULL; }
const int64_t *qclr_thc_selected(const qclr_thc *t) { return t ? t->sel : NULL; }
double qclr_thc_lambda(const qclr_thc *t) { return t ? t->lambda : NAN; }
double qclr_thc_max_abs_error(const qclr_thc *t) { return t ? t->max_abs : NAN; }
double qclr_thc_frobenius_error(const qclr_thc *t) { return t ? t->frob : NAN; }

static uint64_t mix(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static double unif(uint64_t *s) { return ((double)(mix(s) >> 11) + 0.5) / 9007199254740992.0; }
static double gauss(uint64_t *s) {
  double a = unif(s), b = unif(s);
  return sqrt(-2.0 * log(a)) * cos(6.283185307179586 * b);
}

/* column-pivoted QR of the m x n column-major a (destroyed); first k pivots (0-based) */
static int cpqr_pivots(int64_t m, int64_t n, double *a, int64_t k, int64_t *piv) {
  lapack_int *jp = calloc((size_t)n, sizeof *jp);
  double *tau = malloc((size_t)(m < n ? m : n) * sizeof *tau + sizeof(double));
  if (!jp || !tau) {
    free(jp);
    free(tau);
    return qclr__error(QCLR_ENOMEM, "thc: out of memory (pivoted QR)");
  }
  lapack_int info = LAPACKE_dgeqp3(LAPACK_COL_MAJOR, (lapack_int)m, (lapack_int)n, a, (lapack_int)m, jp, tau);
  if (info == 0)
    for (int64_t i = 0; i < k; i++) piv[i] = jp[i] - 1;
  free(jp);
  free(tau);
  return info ? qclr__error(QCLR_ENUMERIC, "thc: dgeqp3 failed (info %d)", (int)info) : 0;
}

/* x = A^+ b for the m x k column-major A (copied), b m x nrhs column-major in
 * a buffer of max(m,k) rows; result in the first k rows. */
static int lstsq(int64_t m, int64_t k, const double *A, int64_t nrhs, double *b, int64_t ldb) {
  double *a = malloc((size_t)(m * k) * sizeof *a);
  double *s = malloc((size_t)(m < k ? m : k) * sizeof *s + sizeof(double));
  if (!a || !s) {
    free(a);
    free(s);
    return qclr__error(QCLR_ENOMEM, "thc: out of memory (least squares)");
  }
  memcpy(a, A, (size_t)(m * k) * sizeof *a);
  lapack_int rank;
  lapack_int info = LAPACKE_dgelsd(LAPACK_COL_MAJOR, (lapack_int)m, (lapack_int)k, (lapack_int)nrhs, a,
                                   (lapack_int)m, b, (lapack_int)ldb, s, 1e-12, &rank);
  free(a);
  free(s);
  return info ? qclr__error(QCLR_ENUMERIC, "thc: dgelsd failed (info %d)", (int)info) : 0;
}

static int thc_build(const qclr_hamiltonian *H, const qclr_df *df, int64_t M, const qclr_thc_options *opts,
                     qclr_thc **out);

/* BLAS/LAPACK on the calling thread (docs/conventions.md §2, "Determinism"):
 * the threaded dgemm/dgelsd/dgeqp3 of the OpenMP OpenBLAS moved lambda_THC by
 * an ulp between 1 and 2 threads (tests/threads_apps.py). */
int qclr_thc_from_df(const qclr_hamiltonian *H, const qclr_df *df, int64_t M, const qclr_thc_options *opts,
                     qclr_thc **out) {
  qclr__clear();
  qclr__serial_state st = qclr__lapack_serial_begin();
  int rc = thc_build(H, df, M, opts, out);
  qclr__lapack_serial_end(st);
  return rc;
}

static int thc_build(const qclr_hamiltonian *H, const qclr_df *df, int64_t M, const qclr_thc_options *opts,
                     qclr_thc **out) {
  QCLR__CHECK_OPTIONS(opts, "qclr_thc_options_default");
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_thc_from_df: out is NULL");
  *out = NULL;
  if (!H || !df) return qclr__error(QCLR_EINVAL, "qclr_thc_from_df: H and df are required");
  qclr_thc_options d;
  qclr_thc_options_default(&d);
  const qclr_thc_options *o = opts ? opts : &d;
  const int64_t n = qclr_hamiltonian_norb(H), np_ = qclr_hamiltonian_npair(H);
  if (qclr_df_norb(df) != n) return qclr__error(QCLR_EINVAL, "thc: df has %lld orbitals, H %lld",
                                                (long long)qclr_df_norb(df), (long long)n);
  const int64_t nc = qclr_df_nterms(df);
  if (M < 1 || M > nc)
    return qclr__error(QCLR_EINVAL, "thc: the THC rank M = %lld must be 1..Lxi = %lld (lower M or tau_2)",
                       (long long)M, (long long)nc);
  if (M > np_)
    return qclr__error(QCLR_EINVAL,
                       "thc: the THC rank M = %lld exceeds the pair dimension N(N+1)/2 = %lld (the fit is exact "
                       "there and the selection not unique): lower M",
                       (long long)M, (long long)np_);
  if (o->select < 0 || o->select > 2) return qclr__error(QCLR_EINVAL, "thc: unknown selection %d", o->select);
  int rc = qclr__check_lapack_int(np_ * (nc > np_ ? nc : np_), "thc: npair x candidates");
  if (rc) return rc;
  const double r2 = sqrt(2.0);
  /* candidates (N x nc, column c = eigenvector) */
  double *U = qclr__malloc((size_t)(n * nc), sizeof *U, "thc candidates");
  double *B = qclr__malloc((size_t)(np_ * nc), sizeof *B, "thc products");
  qclr_thc *t = calloc(1, sizeof *t);
  int64_t *sel = qclr__malloc((size_t)(M + 10 > nc ? nc : M + 10) + 1, sizeof *sel, "thc selection");
  double *work = NULL, *BS = NULL, *X = NULL, *Z2 = NULL, *BU = NULL, *tmp = NULL;
  if (!U || !B || !t || !sel) {
    rc = t ? QCLR_ENOMEM : qclr__error(QCLR_ENOMEM, "thc: out of memory");
    goto fail;
  }
  t->n = n;
  t->m = M;
  int64_t c = 0;
  for (int64_t l = 0; l < qclr_df_nfactors(df); l++) {
    const double *R = qclr_df_rotation(df, l);
    for (int64_t k = 0; k < qclr_df_factor_size(df, l); k++, c++)
      for (int64_t p = 0; p < n; p++) U[c * n + p] = R[p * n + k];
  }
  for (c = 0; c < nc; c++) {
    const double *u = U + c * n;
    for (int64_t p = 0; p < n; p++)
      for (int64_t q = 0; q <= p; q++) B[c * np_ + qclr__pair(p, q)] = (p == q ? 1.0 : r2) * u[p] * u[q];
  }
  /* selection */
  if (o->select == QCLR_THC_SELECT_CPQR) {
    work = qclr__malloc((size_t)(np_ * nc), sizeof *work, "thc QR");
    if (!work) goto nomem;
    memcpy(work, B, (size_t)(np_ * nc) * sizeof *work);
    if ((rc = cpqr_pivots(np_, nc, work, M, sel))) goto fail;
  } else if (o->select == QCLR_THC_SELECT_GKS) {
    const int64_t k = M + 10 > nc ? nc : M + 10;
    uint64_t s = o->seed;
    double *Om = qclr__malloc((size_t)(k * np_), sizeof *Om, "thc sketch");
    work = qclr__malloc((size_t)(k * nc), sizeof *work, "thc sketch");
    double *tau = qclr__malloc((size_t)k + 1, sizeof *tau, "thc sketch");
    if (!Om || !work || !tau) {
      free(Om);
      free(tau);
      goto nomem;
    }
    for (int64_t i = 0; i < k * np_; i++) Om[i] = gauss(&s);
    /* Y^T = B^T Om^T: nc x k column-major (Om is k x np_ column-major) */
    cblas_dgemm(CblasColMajor, CblasTrans, CblasTrans, (int)nc, (int)k, (int)np_, 1.0, B, (int)np_, Om, (int)k, 0.0,
                work, (int)nc);
    free(Om);
    /* orthonormal basis Q (nc x k) of the sketched right singular subspace */
    lapack_int info = LAPACKE_dgeqrf(LAPACK_COL_MAJOR, (lapack_int)nc, (lapack_int)k, work, (lapack_int)nc, tau);
    if (!info) info = LAPACKE_dorgqr(LAPACK_COL_MAJOR, (lapack_int)nc, (lapack_int)k, (lapack_int)k, work,
                                     (lapack_int)nc, tau);
    free(tau);
    if (info) {
      rc = qclr__error(QCLR_ENUMERIC, "thc: sketch QR failed (info %d)", (int)info);
      goto fail;
    }
    /* CPQR of Q^T (k x nc) */
    double *QT = qclr__malloc((size_t)(k * nc), sizeof *QT, "thc sketch");
    if (!QT) goto nomem;
    for (int64_t i = 0; i < nc; i++)
      for (int64_t j = 0; j < k; j++) QT[i * k + j] = work[j * nc + i];
    rc = cpqr_pivots(k, nc, QT, M, sel);
    free(QT);
    if (rc) goto fail;
  } else {
    uint64_t s = o->seed;
    int64_t *perm = qclr__malloc((size_t)nc, sizeof *perm, "thc selection");
    if (!perm) goto nomem;
    for (int64_t i = 0; i < nc; i++) perm[i] = i;
    for (int64_t i = 0; i < M; i++) {
      int64_t j = i + (int64_t)(mix(&s) % (uint64_t)(nc - i));
      int64_t x = perm[i];
      perm[i] = perm[j];
      perm[j] = x;
    }
    for (int64_t i = 0; i < M; i++) sel[i] = perm[i];
    free(perm);
  }
  /* keep the selection in candidate order (deterministic output layout) */
  for (int64_t i = 1; i < M; i++)
    for (int64_t j = i; j > 0 && sel[j - 1] > sel[j]; j--) {
      int64_t x = sel[j];
      sel[j] = sel[j - 1];
      sel[j - 1] = x;
    }
  /* Z = B_S^+ (W V W) B_S^+T */
  const int64_t ld = np_ > M ? np_ : M;
  BS = qclr__malloc((size_t)(np_ * M), sizeof *BS, "thc B_S");
  X = qclr__malloc((size_t)(ld * np_), sizeof *X, "thc least squares");
  Z2 = qclr__malloc((size_t)(ld * M), sizeof *Z2, "thc least squares");
  if (!BS || !X || !Z2) goto nomem;
  for (int64_t i = 0; i < M; i++) memcpy(BS + i * np_, B + sel[i] * np_, (size_t)np_ * sizeof *BS);
  const double *V = qclr_hamiltonian_vpair(H);
  for (int64_t pq = 0; pq < np_; pq++) {
    int64_t p, q;
    qclr__unpair(pq, &p, &q);
    double wpq = p == q ? 1.0 : r2;
    for (int64_t rs = 0; rs < np_; rs++) {
      int64_t r, s2;
      qclr__unpair(rs, &r, &s2);
      X[rs * ld + pq] = wpq * (r == s2 ? 1.0 : r2) * V[pq * np_ + rs]; /* column rs */
    }
  }
  if ((rc = lstsq(np_, M, BS, np_, X, ld))) goto fail; /* X[0:M, :] = B_S^+ WVW (M x np_) */
  for (int64_t i = 0; i < M; i++)
    for (int64_t pq = 0; pq < np_; pq++) Z2[i * ld + pq] = X[pq * ld + i]; /* (B_S^+ WVW)^T, np_ x M */
  if ((rc = lstsq(np_, M, BS, M, Z2, ld))) goto fail;
  t->z = qclr__malloc((size_t)(M * M), sizeof *t->z, "thc Z");
  t->chi = qclr__malloc((size_t)(M * n), sizeof *t->chi, "thc points");
  t->sel = sel;
  sel = NULL;
  if (!t->z || !t->chi) goto nomem;
  for (int64_t i = 0; i < M; i++)
    for (int64_t j = 0; j < M; j++) t->z[i * M + j] = 0.5 * (Z2[j * ld + i] + Z2[i * ld + j]);
  for (int64_t i = 0; i < M; i++) memcpy(t->chi + i * n, U + t->sel[i] * n, (size_t)n * sizeof *t->chi);
  /* rebuilt ERIs: BU Z BU^T, BU[pq, mu] = chi_p chi_q (unweighted), row-major np_ x M */
  BU = qclr__malloc((size_t)(np_ * M), sizeof *BU, "thc rebuild");
  tmp = qclr__malloc((size_t)(np_ * M), sizeof *tmp, "thc rebuild");
  t->vthc = qclr__malloc((size_t)(np_ * np_), sizeof *t->vthc, "thc ERIs");
  if (!BU || !tmp || !t->vthc) goto nomem;
  for (int64_t p = 0; p < n; p++)
    for (int64_t q = 0; q <= p; q++)
      for (int64_t i = 0; i < M; i++) BU[qclr__pair(p, q) * M + i] = t->chi[i * n + p] * t->chi[i * n + q];
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)np_, (int)M, (int)M, 1.0, BU, (int)M, t->z, (int)M, 0.0,
              tmp, (int)M);
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)np_, (int)np_, (int)M, 1.0, tmp, (int)M, BU, (int)M, 0.0,
              t->vthc, (int)np_);
  double mx = 0, fr = 0;
  for (int64_t pq = 0; pq < np_; pq++) {
    int64_t p, q;
    qclr__unpair(pq, &p, &q);
    for (int64_t rs = 0; rs < np_; rs++) {
      int64_t r, s2;
      qclr__unpair(rs, &r, &s2);
      double e = t->vthc[pq * np_ + rs] - V[pq * np_ + rs];
      if (fabs(e) > mx) mx = fabs(e);
      fr += (p == q ? 1.0 : 2.0) * (r == s2 ? 1.0 : 2.0) * e * e;
    }
  }
  t->max_abs = mx;
  t->frob = sqrt(fr);
  /* lambda_THC: T' = h - 1/2 sum_r (pr|rq) + sum_r (pq|rr)_THC; Z' = Z n_mu^2 n_nu^2 */
  double *T = qclr__malloc((size_t)(n * n), sizeof *T, "thc T'");
  double *ev = qclr__malloc((size_t)n, sizeof *ev, "thc T'");
  if (!T || !ev) {
    free(T);
    free(ev);
    goto nomem;
  }
  const double *h = qclr_hamiltonian_h(H);
  for (int64_t p = 0; p < n; p++)
    for (int64_t q = 0; q < n; q++) {
      double v = h[p * n + q];
      for (int64_t r = 0; r < n; r++)
        v += -0.5 * V[qclr__pair(p, r) * np_ + qclr__pair(r, q)] + t->vthc[qclr__pair(p, q) * np_ + qclr__pair(r, r)];
      T[p * n + q] = v;
    }
  for (int64_t p = 0; p < n; p++)
    for (int64_t q = 0; q < p; q++) T[p * n + q] = T[q * n + p] = 0.5 * (T[p * n + q] + T[q * n + p]);
  lapack_int info = LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'N', 'U', (lapack_int)n, T, (lapack_int)n, ev);
  double lt = 0, lz = 0;
  for (int64_t p = 0; p < n; p++) lt += fabs(ev[p]);
  free(T);
  free(ev);
  if (info) {
    rc = qclr__error(QCLR_ENUMERIC, "thc: dsyev of T' failed (info %d)", (int)info);
    goto fail;
  }
  for (int64_t i = 0; i < M; i++) {
    double ni = 0;
    for (int64_t p = 0; p < n; p++) ni += t->chi[i * n + p] * t->chi[i * n + p];
    for (int64_t j = 0; j < M; j++) {
      double nj = 0;
      for (int64_t p = 0; p < n; p++) nj += t->chi[j * n + p] * t->chi[j * n + p];
      lz += fabs(t->z[i * M + j]) * ni * nj;
    }
  }
  t->lambda = lt + 0.5 * lz;
  if (!isfinite(t->lambda) || !isfinite(t->max_abs) || !isfinite(t->frob)) {
    rc = qclr__error(QCLR_ENUMERIC, "thc: a non-finite lambda or error (M = %lld)", (long long)M);
    goto fail;
  }
  free(U);
  free(B);
  free(work);
  free(BS);
  free(X);
  free(Z2);
  free(BU);
  free(tmp);
  *out = t;
  return 0;
nomem:
  rc = QCLR_ENOMEM;
fail:
  free(U);
  free(B);
  free(sel);
  free(work);
  free(BS);
  free(X);
  free(Z2);
  free(BU);
  free(tmp);
  qclr_thc_free(t);
  return rc;
}

int qclr_thc_hamiltonian(const qclr_hamiltonian *H, const qclr_thc *t, qclr_hamiltonian **out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_thc_hamiltonian: out is NULL");
  *out = NULL;
  if (!H || !t || !t->vthc || qclr_hamiltonian_norb(H) != t->n)
    return qclr__error(QCLR_EINVAL, "qclr_thc_hamiltonian: H and a THC of the same orbitals are required");
  return qclr_hamiltonian_from_packed(t->n, qclr_hamiltonian_nelec(H), qclr_hamiltonian_ms2(H),
                                      qclr_hamiltonian_e_core(H), qclr_hamiltonian_h(H), t->vthc, out);
}
