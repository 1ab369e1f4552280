/* src/groups_det.c: exact mean and variance of every basis-rotation group in
 * a Slater determinant (e.g. Hartree-Fock), without a CI vector, so any N.
 *
 * After group g's rotation U the measured occupations of one spin form a
 * determinantal point process with the projection kernel K = A A^T, A = U^T C
 * (C: occupied orbitals).  Joint cumulants of such occupations follow from
 * log E[exp(lambda.n)] = tr log(1 + K (e^Lambda - 1)): for slots carrying
 * indices, a sum over set partitions of the slots into blocks of equal index,
 * (-1)^(b-1) (b-1)! times the K-cycle through the b blocks, e.g.
 *   k2(i,j)   = d_ij K_ii - K_ij^2,
 *   k3(i,j,k) = d_ijk K_ii - d_ij K_ik^2 - d_ik K_ij^2 - d_jk K_ij^2 + 2 K_ij K_jk K_ki.
 * The spins are independent, so the cumulants of X = n_alpha + n_beta add.
 * With Q = X^T W X (group g: D_g = Q / 2),
 *   E Q   = tr(W C) + mu^T W mu,
 *   Var Q = sum W_ij W_kl k4_ijkl + 4 sum W_ij (W mu)_k k3_ijk + 2 tr(WCWC) + 4 mu^T W C W mu,
 * mu, C the mean and covariance of X.  Every term is a trace of products of
 * N x N matrices (O(N^3)) except the exchange-like part of k4,
 * sum W_ij W_kl K_ik K_kj K_jl K_li, done as sum over member pairs of
 * tr((F_m K F_m' K)^2) (W = sum_m f_m f_m^T) or directly in O(N^4),
 * whichever is cheaper. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "core/internal.h"
#include "qclr/groups.h"

typedef struct {
  double *A, *K[2], *P, *PK, *KPK, *WC, *Z, *Y, *mu, *v, *Cv;
} buffers;

static void buffers_free(buffers *b) {
  free(b->A), free(b->K[0]), free(b->K[1]), free(b->P), free(b->PK), free(b->KPK), free(b->WC), free(b->Z);
  free(b->Y), free(b->mu), free(b->v), free(b->Cv);
}

static int buffers_init(buffers *b, int64_t n) {
  size_t nn = (size_t)(n * n);
  memset(b, 0, sizeof *b);
  double **mats[] = {&b->A, &b->K[0], &b->K[1], &b->P, &b->PK, &b->KPK, &b->WC, &b->Z, &b->Y};
  for (size_t i = 0; i < sizeof mats / sizeof *mats; i++)
    if (!(*mats[i] = qclr__malloc(nn, sizeof(double), "determinant moments"))) goto fail;
  double **vecs[] = {&b->mu, &b->v, &b->Cv};
  for (size_t i = 0; i < sizeof vecs / sizeof *vecs; i++)
    if (!(*vecs[i] = qclr__malloc((size_t)n, sizeof(double), "determinant moments"))) goto fail;
  return 0;
fail:
  buffers_free(b);
  return QCLR_ENOMEM;
}

static void gemm(int64_t n, int ta, int tb, const double *a, const double *b, double *c) {
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)n, (int)n,
              (int)n, 1.0, a, (int)n, b, (int)n, 0.0, c, (int)n);
}

/* tr(X Y) for N x N row-major X, Y */
static double trace_prod(int64_t n, const double *x, const double *y) {
  double s = 0;
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < n; j++) s += x[i * n + j] * y[j * n + i];
  return s;
}

/* K = (U^T C)(U^T C)^T for nel occupied orbitals C (N x nel; NULL = the first nel orbitals) */
static void kernel(int64_t n, const double *U, const double *C, int nel, double *A, double *K) {
  if (nel == 0) {
    memset(K, 0, sizeof(double) * (size_t)(n * n));
    return;
  }
  if (!C)
    for (int64_t k = 0; k < n; k++)
      for (int j = 0; j < nel; j++) A[k * nel + j] = U[j * n + k];
  else
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)n, nel, (int)n, 1.0, U, (int)n, C, nel, 0.0, A, nel);
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)n, nel, 1.0, A, nel, A, nel, 0.0, K, (int)n);
}

/* sum_ijkl W_ij W_kl K_ik K_kj K_jl K_li */
static double exchange4(const qclr_groups *gs, int64_t g, const double *K, buffers *b) {
  int64_t n = qclr_groups_norb(gs), nm = qclr_groups_nmerged(gs, g);
  const double *W = qclr_groups_coefficients(gs, g);
  double x = 0;
  if (nm * (nm + 1) / 2 <= n) {
    for (int64_t m = 0; m < nm; m++)
      for (int64_t m2 = m; m2 < nm; m2++) {
        const double *f = qclr_groups_eigenvalues(gs, g, m), *f2 = qclr_groups_eigenvalues(gs, g, m2);
        for (int64_t i = 0; i < n; i++)
          for (int64_t j = 0; j < n; j++) b->Z[i * n + j] = f[i] * K[i * n + j] * f2[j];
        gemm(n, 0, 0, b->Z, K, b->Y);
        x += (m == m2 ? 1.0 : 2.0) * trace_prod(n, b->Y, b->Y);
      }
    return x;
  }
  for (int64_t k = 0; k < n; k++) {
    for (int64_t i = 0; i < n; i++)
      for (int64_t l = 0; l < n; l++) b->Z[i * n + l] = K[i * n + k] * K[i * n + l];
    gemm(n, 0, 0, W, b->Z, b->Y);
    for (int64_t l = 0; l < n; l++) {
      if (W[k * n + l] == 0) continue;
      double s = 0;
      for (int64_t i = 0; i < n; i++) s += b->Z[i * n + l] * b->Y[i * n + l];
      x += W[k * n + l] * s;
    }
  }
  return x;
}

/* Var Q contributions of one spin: the k4 sum and 4 x the k3 sum */
static double spin_terms(const qclr_groups *gs, int64_t g, const double *K, const double *v, buffers *b) {
  int64_t n = qclr_groups_norb(gs);
  const double *W = qclr_groups_coefficients(gs, g);
  for (int64_t i = 0; i < n * n; i++) b->P[i] = W[i] * K[i];
  gemm(n, 0, 0, b->P, K, b->PK);
  gemm(n, 0, 0, K, b->PK, b->KPK);
  double a4 = 0, b4 = 0, c4 = 0, k3 = 0;
  for (int64_t i = 0; i < n; i++) {
    double wi = W[i * n + i], di = K[i * n + i];
    a4 += wi * wi * di;
    c4 += 4 * wi * b->KPK[i * n + i];
    k3 += wi * v[i] * di;
    for (int64_t l = 0; l < n; l++) {
      double k2 = K[i * n + l] * K[i * n + l], wil = W[i * n + l];
      b4 -= 4 * wi * wil * k2 + wi * W[l * n + l] * k2 + 2 * wil * wil * k2;
      k3 -= wi * k2 * v[l] + 2 * wil * v[i] * k2;
      k3 += 2 * b->PK[i * n + l] * v[l] * K[l * n + i];
    }
  }
  c4 += 8 * trace_prod(n, b->PK, b->P);
  double d4 = -4 * trace_prod(n, b->PK, b->PK) - 2 * exchange4(gs, g, K, b);
  return a4 + b4 + c4 + d4 + 4 * k3;
}

static int check_orbitals(int64_t n, int nel, const double *C, const char *which) {
  if (!C) return 0;
  double err = 0;
  for (int a = 0; a < nel; a++)
    for (int c = 0; c <= a; c++) {
      double s = 0;
      for (int64_t p = 0; p < n; p++) s += C[p * nel + a] * C[p * nel + c];
      double e = fabs(s - (a == c));
      if (!(e <= err)) err = e != e ? INFINITY : e;
    }
  if (!(err <= 1e-8))
    return qclr__error(QCLR_EINVAL, "determinant moments: %s orbitals are not orthonormal (max |C^T C - I| = %.3g)",
                       which, err);
  return 0;
}

int qclr_groups_moments_det(const qclr_groups *gs, int nalpha, int nbeta, const double *ca, const double *cb,
                            double *mean, double *var) {
  qclr__clear();
  if (!gs) return qclr__error(QCLR_EINVAL, "determinant moments: NULL groups");
  int64_t n = qclr_groups_norb(gs), G = qclr_groups_count(gs);
  if (nalpha < 0 || nbeta < 0 || nalpha > n || nbeta > n || !mean || !var)
    return qclr__error(QCLR_EINVAL, "determinant moments: electrons (%d, %d) do not fit %lld orbitals", nalpha,
                       nbeta, (long long)n);
  int rc = check_orbitals(n, nalpha, ca, "alpha");
  if (!rc) rc = check_orbitals(n, nbeta, cb, "beta");
  if (rc) return rc;
  buffers b;
  if ((rc = buffers_init(&b, n))) return rc;
  for (int64_t g = 0; g < G; g++) {
    const double *U = qclr_groups_rotation(gs, g), *W = qclr_groups_coefficients(gs, g);
    kernel(n, U, ca, nalpha, b.A, b.K[0]);
    kernel(n, U, cb, nbeta, b.A, b.K[1]);
    double m = 0, vq = 0;
    if (g == 0) { /* D = t . X: mean t . mu, variance t^T C t */
      for (int s = 0; s < 2; s++) {
        const double *K = b.K[s];
        for (int64_t k = 0; k < n; k++) {
          m += W[k] * K[k * n + k];
          vq += W[k] * W[k] * K[k * n + k];
          for (int64_t l = 0; l < n; l++) vq -= W[k] * W[l] * K[k * n + l] * K[k * n + l];
        }
      }
      mean[g] = m;
      var[g] = fmax(vq, 0.0);
      continue;
    }
    /* C (in Y) = sum over spins of diag(d) - K o K; mu = diagonals */
    for (int64_t k = 0; k < n; k++) b.mu[k] = b.K[0][k * n + k] + b.K[1][k * n + k];
    for (int64_t i = 0; i < n * n; i++) b.Y[i] = -(b.K[0][i] * b.K[0][i] + b.K[1][i] * b.K[1][i]);
    for (int64_t k = 0; k < n; k++) b.Y[k * n + k] += b.mu[k];
    double eq = 0;
    for (int64_t i = 0; i < n; i++) {
      double s = 0;
      for (int64_t j = 0; j < n; j++) {
        eq += W[i * n + j] * b.Y[i * n + j];
        s += W[i * n + j] * b.mu[j];
      }
      b.v[i] = s;
      eq += b.mu[i] * s;
    }
    gemm(n, 0, 0, W, b.Y, b.WC);
    vq = 2 * trace_prod(n, b.WC, b.WC);
    for (int64_t i = 0; i < n; i++) {
      double s = 0;
      for (int64_t j = 0; j < n; j++) s += b.Y[i * n + j] * b.v[j];
      vq += 4 * b.v[i] * s;
    }
    for (int s = 0; s < 2; s++)
      if (s ? nbeta : nalpha) vq += spin_terms(gs, g, b.K[s], b.v, &b);
    mean[g] = 0.5 * eq;
    var[g] = fmax(0.25 * vq, 0.0);
  }
  buffers_free(&b);
  return 0;
}
