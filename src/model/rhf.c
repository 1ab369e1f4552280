/* src/rhf.c: closed-shell restricted Hartree-Fock with Pulay DIIS.
 *
 * Symmetric orthogonalization X = S^(-1/2), core-Hamiltonian guess, Fock
 * matrices from either the full pair-space AO ERI matrix or Cholesky vectors
 * (J = sum_l L^l (L^l . D), K = sum_l (L^l C_occ)(L^l C_occ)^T), so the
 * Cholesky route never needs N^4 storage. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "core/eigen_internal.h"
#include "core/internal.h"
#include "qclr/model.h"

void qclr_rhf_options_default(qclr_rhf_options *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->size = sizeof *o;
  o->e_tol = 1e-10;
  o->d_tol = 1e-8;
  o->max_iter = 200;
  o->diis_size = 8;
}

typedef struct {
  int64_t n, npair, rank;
  const double *vpair, *chol;
  double *L, *dp;  /* work: N x N, npair */
  double *Y, *w;   /* Cholesky route: N x (batch nocc), rank */
  int64_t batch;   /* vectors per dsyrk */
} jk_ctx;

static void unpack(int64_t n, const double *v, double *M) {
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j <= i; j++) M[i * n + j] = M[j * n + i] = v[qclr__pair(i, j)];
}

/* Vectors per batch so that one dsyrk has about 512 columns. */
static int64_t jk_batch(int64_t rank, int nocc) {
  int64_t b = nocc > 0 ? 512 / nocc : 1;
  if (b < 1) b = 1;
  if (b > rank) b = rank > 0 ? rank : 1;
  return b;
}

/* Batch for the guess (n occupied columns). */
static int64_t jk_guess_batch(int64_t n) { return n < 512 ? 512 / n : 1; }

/* G = 2J - K for the density D = Cocc Cocc^T (Cocc: n x nocc, row-major).
 * Cholesky route: J from two dgemv over all vectors; K = sum_l (L^l Cocc)(L^l Cocc)^T
 * with the products of a batch of vectors side by side in Y, one dsyrk per batch. */
static void build_g(jk_ctx *c, int nocc, const double *Cocc, const double *D, double *G) {
  int64_t n = c->n, npair = c->npair;
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j <= i; j++) c->dp[qclr__pair(i, j)] = (i == j ? 1.0 : 2.0) * D[i * n + j];
  memset(G, 0, sizeof(double) * (size_t)(n * n));
  if (c->vpair) {
    const double *V = c->vpair;
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j <= i; j++) {
        int64_t ij = qclr__pair(i, j);
        double jv = 0;
        for (int64_t kl = 0; kl < npair; kl++) jv += V[ij * npair + kl] * c->dp[kl];
        G[i * n + j] += 2.0 * jv;
        if (j != i) G[j * n + i] += 2.0 * jv;
      }
    /* K_ik = sum_jl (ij|kl) D_jl */
    for (int64_t i = 0; i < n; i++)
      for (int64_t k = 0; k <= i; k++) {
        double kv = 0;
        for (int64_t j = 0; j < n; j++) {
          const double *row = V + qclr__pair(i, j) * npair;
          for (int64_t l = 0; l < n; l++) kv += row[qclr__pair(k, l)] * D[j * n + l];
        }
        G[i * n + k] -= kv;
        if (k != i) G[k * n + i] -= kv;
      }
    return;
  }
  if (c->rank > 0) {
    /* J_pair = chol^T (chol dp) */
    cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)c->rank, (int)npair, 1.0, c->chol, (int)npair, c->dp, 1,
                0.0, c->w, 1);
    cblas_dgemv(CblasRowMajor, CblasTrans, (int)c->rank, (int)npair, 1.0, c->chol, (int)npair, c->w, 1,
                0.0, c->dp, 1);
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j <= i; j++) G[i * n + j] = G[j * n + i] = 2.0 * c->dp[qclr__pair(i, j)];
  }
  int64_t ld = c->batch * nocc;
  for (int64_t l0 = 0; l0 < c->rank; l0 += c->batch) {
    int64_t nb = c->rank - l0 < c->batch ? c->rank - l0 : c->batch;
    for (int64_t b = 0; b < nb; b++) {
      unpack(n, c->chol + (l0 + b) * npair, c->L);
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, nocc, (int)n, 1.0, c->L, (int)n,
                  Cocc, nocc, 0.0, c->Y + b * nocc, (int)ld);
    }
    cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, (int)n, (int)(nb * nocc), -1.0, c->Y, (int)ld,
                1.0, G, (int)n);
  }
  /* dsyrk updated the lower triangle only */
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < i; j++) G[j * n + i] = G[i * n + j];
}

/* Solve B c = r for the DIIS coefficients, m vectors; returns 0 on success. */
static int diis_coeffs(int m, const double *errs, int64_t len, double *coef) {
  int d = m + 1;
  double B[(16 + 1) * (16 + 1)], r[16 + 1];
  lapack_int ipiv[16 + 1];
  for (int a = 0; a < m; a++)
    for (int b = 0; b <= a; b++)
      B[a * d + b] = B[b * d + a] = cblas_ddot((int)len, errs + a * len, 1, errs + b * len, 1);
  double scale = 0;
  for (int a = 0; a < m; a++) scale = fmax(scale, B[a * d + a]);
  if (!(scale > 0)) return -1;
  for (int a = 0; a < m; a++)
    for (int b = 0; b < m; b++) B[a * d + b] /= scale;
  for (int a = 0; a < m; a++) {
    B[a * d + m] = B[m * d + a] = -1.0;
    r[a] = 0;
  }
  B[m * d + m] = 0;
  r[m] = -1.0;
  if (LAPACKE_dgesv(LAPACK_ROW_MAJOR, d, 1, B, d, ipiv, r, 1) != 0) return -1;
  for (int a = 0; a < m; a++) {
    if (!isfinite(r[a])) return -1;
    coef[a] = r[a];
  }
  return 0;
}

int qclr_rhf_solve(int64_t n, int nocc, const double *S, const double *hcore, double e_nuc,
                   const double *vpair, int64_t rank, const double *chol,
                   const qclr_rhf_options *opt, double *Cout, double *eps_out, double *e_out,
                   int *iterations) {
  qclr__clear();
  QCLR__CHECK_OPTIONS(opt, "qclr_rhf_options_default");
  qclr_rhf_options o;
  if (opt) o = *opt;
  else qclr_rhf_options_default(&o);
  if (n < 1 || nocc < 0 || nocc > n)
    return qclr__error(QCLR_EINVAL, "rhf: need 0 <= nocc <= n, got nocc %d, n %lld", nocc, (long long)n);
  if (!vpair == !chol) return qclr__error(QCLR_EINVAL, "rhf: give exactly one of vpair and chol");
  if (chol && rank < 0) return qclr__error(QCLR_EINVAL, "rhf: negative Cholesky rank %lld", (long long)rank);
  if (o.diis_size < 1) o.diis_size = 1;
  if (o.diis_size > 16) o.diis_size = 16;
  int rc = qclr__check_lapack_int(n * n, "rhf matrix");
  if (rc) return rc;
  int64_t npair = n * (n + 1) / 2, nn = n * n;
  int m = o.diis_size;
  size_t nd = (size_t)nn;
  double *work = qclr__malloc(nd * (12 + 2 * (size_t)m) + (size_t)npair + (size_t)(n * (nocc + 1)) + (size_t)n,
                              sizeof(double), "RHF work arrays");
  if (!work) return QCLR_ENOMEM;
  double *X = work, *F = X + nd, *Fp = F + nd, *C = Fp + nd, *D = C + nd, *Dold = D + nd,
         *G = Dold + nd, *T1 = G + nd, *T2 = T1 + nd, *Lw = T2 + nd, *Fbest = Lw + nd,
         *Err = Fbest + nd, *Fhist = Err + nd, *Ehist = Fhist + nd * m, *dp = Ehist + nd * m,
         *Cocc = dp + npair, *eps = Cocc + n * (nocc + 1);
  jk_ctx jk = {n, npair, chol ? rank : 0, vpair, chol, Lw, dp, NULL, NULL, jk_batch(rank, nocc)};
  if (chol) {
    int64_t ycols = jk.batch * (nocc > 0 ? nocc : 1), gcols = jk_guess_batch(n) * n;
    if (gcols > ycols) ycols = gcols;
    jk.Y = qclr__malloc((size_t)(n * ycols + (rank > 0 ? rank : 1)), sizeof(double), "RHF exchange work");
    if (!jk.Y) {
      free(work);
      return QCLR_ENOMEM;
    }
    jk.w = jk.Y + n * ycols;
  }

  /* X = S^(-1/2) */
  memcpy(T1, S, sizeof(double) * nd);
  if (qclr__eigh_sym('V', n, T1, n, eps, "rhf overlap") != 0) {
    free(work);
    free(jk.Y);
    return qclr__error(QCLR_ENUMERIC, "rhf: diagonalization of the overlap matrix failed");
  }
  if (!(eps[0] > 1e-10)) {
    double e0 = eps[0];
    free(work);
    free(jk.Y);
    return qclr__error(QCLR_ENUMERIC, "rhf: overlap matrix is (nearly) singular (smallest eigenvalue %g): atoms too close", e0);
  }
  for (int64_t i = 0; i < n; i++)
    for (int64_t k = 0; k < n; k++) T2[i * n + k] = T1[i * n + k] / sqrt(eps[k]);
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)n, (int)n, 1.0, T2, (int)n,
              T1, (int)n, 0.0, X, (int)n);

  /* Guess: the Fock matrix of the superposed atomic density, nocc/n electron
   * pairs on every AO (for H_n, one electron per atom), D0 = (nocc/n) 1.
   * Far better than the core Hamiltonian for long chains, where DIIS started
   * from the core guess wanders among near-degenerate occupations. */
  memset(D, 0, sizeof(double) * nd);
  memset(Cocc, 0, sizeof(double) * (size_t)(n * (nocc + 1)));
  if (nocc > 0) {
    double occ = (double)nocc / (double)n;
    for (int64_t i = 0; i < n; i++) D[i * n + i] = occ;
    /* D0 = Cg Cg^T with Cg = sqrt(occ) 1 (n columns): G from the same code path */
    memcpy(Dold, D, sizeof(double) * nd);
    for (int64_t i = 0; i < n; i++) Dold[i * n + i] = sqrt(occ);
    int64_t keep = jk.batch;
    jk.batch = jk_guess_batch(n);
    build_g(&jk, (int)n, Dold, D, G);
    jk.batch = keep;
    for (int64_t x = 0; x < nn; x++) F[x] = hcore[x] + G[x];
    memset(D, 0, sizeof(double) * nd);
  } else {
    memcpy(F, hcore, sizeof(double) * nd);
  }
  double e_old = 0, e = 0;
  int it, nhist = 0, converged = 0;
  for (it = 1; it <= o.max_iter; it++) {
    /* diagonalize X F X (F possibly extrapolated) */
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, F, (int)n, X, (int)n, 0.0, T1, (int)n);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, X, (int)n, T1, (int)n, 0.0, Fp, (int)n);
    if (qclr__eigh_sym('V', n, Fp, n, eps, "rhf Fock matrix") != 0) {
      free(work);
    free(jk.Y);
      return qclr__error(QCLR_ENUMERIC, "rhf: Fock diagonalization failed at iteration %d", it);
    }
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, X, (int)n, Fp, (int)n, 0.0, C, (int)n);
    for (int64_t i = 0; i < n; i++)
      for (int k = 0; k < nocc; k++) Cocc[i * nocc + k] = C[i * n + k];
    memcpy(Dold, D, sizeof(double) * nd);
    if (nocc > 0)
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)n, nocc, 1.0, Cocc, nocc, Cocc, nocc, 0.0, D, (int)n);
    else
      memset(D, 0, sizeof(double) * nd);
    double drms = 0;
    for (int64_t x = 0; x < nn; x++) drms += (D[x] - Dold[x]) * (D[x] - Dold[x]);
    drms = sqrt(drms / (double)nn);
    if (nocc > 0) build_g(&jk, nocc, Cocc, D, G);
    else memset(G, 0, sizeof(double) * nd);
    e = e_nuc;
    for (int64_t x = 0; x < nn; x++) {
      F[x] = hcore[x] + G[x];
      e += D[x] * (2.0 * hcore[x] + G[x]);
    }
    if (it > 1 && fabs(e - e_old) < o.e_tol && drms < o.d_tol) {
      converged = 1;
      break;
    }
    e_old = e;
    /* DIIS error X (F D S - S D F) X */
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, D, (int)n, S, (int)n, 0.0, T1, (int)n);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, F, (int)n, T1, (int)n, 0.0, T2, (int)n);
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j < n; j++) T1[i * n + j] = T2[i * n + j] - T2[j * n + i];
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, T1, (int)n, X, (int)n, 0.0, T2, (int)n);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, X, (int)n, T2, (int)n, 0.0, Err, (int)n);
    if (nhist == m) {
      memmove(Fhist, Fhist + nd, sizeof(double) * nd * (size_t)(m - 1));
      memmove(Ehist, Ehist + nd, sizeof(double) * nd * (size_t)(m - 1));
      nhist--;
    }
    memcpy(Fhist + nd * (size_t)nhist, F, sizeof(double) * nd);
    memcpy(Ehist + nd * (size_t)nhist, Err, sizeof(double) * nd);
    nhist++;
    double coef[16];
    int start = 0;
    while (nhist - start >= 2 && diis_coeffs(nhist - start, Ehist + nd * (size_t)start, nn, coef)) start++;
    if (nhist - start >= 2) {
      memset(Fbest, 0, sizeof(double) * nd);
      for (int a = 0; a < nhist - start; a++)
        cblas_daxpy((int)nn, coef[a], Fhist + nd * (size_t)(start + a), 1, Fbest, 1);
      memcpy(F, Fbest, sizeof(double) * nd);
    }
  }
  if (!converged) it = o.max_iter;
  /* canonical orbitals of the final (non-extrapolated) Fock matrix */
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, F, (int)n, X, (int)n, 0.0, T1, (int)n);
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, X, (int)n, T1, (int)n, 0.0, Fp, (int)n);
  if (qclr__eigh_sym('V', n, Fp, n, eps, "rhf Fock matrix") != 0) {
    free(work);
    free(jk.Y);
    return qclr__error(QCLR_ENUMERIC, "rhf: final Fock diagonalization failed");
  }
  if (Cout)
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, X, (int)n, Fp, (int)n, 0.0, Cout, (int)n);
  if (eps_out) memcpy(eps_out, eps, sizeof(double) * (size_t)n);
  if (e_out) *e_out = e;
  if (iterations) *iterations = it;
  free(work);
    free(jk.Y);
  if (!converged) {
    qclr__error(QCLR_WNOTCONVERGED, "rhf: not converged in %d iterations", o.max_iter);
    return QCLR_WNOTCONVERGED;
  }
  return 0;
}
