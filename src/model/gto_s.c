/* src/gto_s.c: integrals over contracted s-type Gaussians (STO-3G hydrogen).
 *
 * For s primitives exp(-a|r-A|^2) all integrals are closed form with the
 * Gaussian product P = (aA + bB)/p, p = a + b, K = exp(-ab/p |A-B|^2) and the
 * Boys function F0(t) = 1/2 sqrt(pi/t) erf(sqrt t).  Szabo & Ostlund, App. A. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sf_erf.h>

#include "core/internal.h"
#include "qclr/model.h"

#define NPRIM 3
/* STO-3G hydrogen (zeta = 1.24), exponents and coefficients of Hehre,
 * Stewart & Pople (1969) as in the EMSL/Psi4 basis file. */
static const double sto3g_exp[NPRIM] = {3.42525091, 0.62391373, 0.16885540};
static const double sto3g_coef[NPRIM] = {0.15432897, 0.53532814, 0.44463454};

/* Screening: a pair product whose Schwarz bound sqrt((ij|ij)(kl|kl)) is
 * below this is taken as zero (far below the 1e-12 Psi4 drops). */
#define SCREEN 1e-15

static double boys0(double t) {
  if (t < 1e-6) return 1.0 - t / 3.0 + t * t / 10.0 - t * t * t / 42.0;
  if (t > 40.0) return 0.5 * sqrt(M_PI / t); /* erfc(sqrt 40) < 1e-18 */
  double x = sqrt(t);
  return 0.5 * sqrt(M_PI) / x * gsl_sf_erf(x);
}

/* Coefficients including the primitive normalization (2a/pi)^(3/4), scaled so
 * the contracted function has unit norm. */
static void contraction(double *d) {
  for (int a = 0; a < NPRIM; a++) d[a] = sto3g_coef[a] * pow(2.0 * sto3g_exp[a] / M_PI, 0.75);
  double s = 0;
  for (int a = 0; a < NPRIM; a++)
    for (int b = 0; b < NPRIM; b++)
      s += d[a] * d[b] * pow(M_PI / (sto3g_exp[a] + sto3g_exp[b]), 1.5);
  for (int a = 0; a < NPRIM; a++) d[a] /= sqrt(s);
}

static double dist2(const double *A, const double *B) {
  double x = A[0] - B[0], y = A[1] - B[1], z = A[2] - B[2];
  return x * x + y * y + z * z;
}

int qclr_sto3g_one_electron(int64_t n, const double *xyz, double *S, double *T, double *V) {
  qclr__clear();
  if (n < 1 || !xyz) return qclr__error(QCLR_EINVAL, "sto3g: need at least one atom");
  double d[NPRIM];
  contraction(d);
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j <= i; j++) {
      const double *A = xyz + 3 * i, *B = xyz + 3 * j;
      double ab2 = dist2(A, B), s = 0, t = 0, v = 0;
      for (int a = 0; a < NPRIM; a++)
        for (int b = 0; b < NPRIM; b++) {
          double ea = sto3g_exp[a], eb = sto3g_exp[b], p = ea + eb, mu = ea * eb / p;
          double k = d[a] * d[b] * exp(-mu * ab2);
          double sab = k * pow(M_PI / p, 1.5);
          s += sab;
          t += mu * (3.0 - 2.0 * mu * ab2) * sab;
          if (V) {
            double P[3];
            for (int x = 0; x < 3; x++) P[x] = (ea * A[x] + eb * B[x]) / p;
            for (int64_t c = 0; c < n; c++)
              v -= 2.0 * M_PI / p * k * boys0(p * dist2(P, xyz + 3 * c));
          }
        }
      if (S) S[i * n + j] = S[j * n + i] = s;
      if (T) T[i * n + j] = T[j * n + i] = t;
      if (V) V[i * n + j] = V[j * n + i] = v;
    }
  return 0;
}

/* Per AO pair ij: NPRIM^2 primitive pairs (p, P, K) with K including the
 * contraction coefficients, and the Schwarz factor sqrt((ij|ij)). */
struct qclr_sto3g_eri {
  int64_t n, npair;
  double *p;      /* npair * 9 */
  double *P;      /* npair * 9 * 3 */
  double *K;      /* npair * 9 */
  double *schwarz;
};

void qclr_sto3g_eri_free(qclr_sto3g_eri *e) {
  if (!e) return;
  free(e->p);
  free(e->P);
  free(e->K);
  free(e->schwarz);
  free(e);
}

static double eri_pair(const qclr_sto3g_eri *e, int64_t ij, int64_t kl) {
  const int np = NPRIM * NPRIM;
  const double *p1 = e->p + ij * np, *P1 = e->P + ij * np * 3, *K1 = e->K + ij * np;
  const double *p2 = e->p + kl * np, *P2 = e->P + kl * np * 3, *K2 = e->K + kl * np;
  double s = 0;
  for (int a = 0; a < np; a++) {
    if (K1[a] == 0.0) continue;
    for (int b = 0; b < np; b++) {
      if (K2[b] == 0.0) continue;
      double p = p1[a], q = p2[b], pq = p + q;
      double t = p * q / pq * dist2(P1 + 3 * a, P2 + 3 * b);
      s += K1[a] * K2[b] / (p * q * sqrt(pq)) * boys0(t);
    }
  }
  return 2.0 * pow(M_PI, 2.5) * s;
}

int qclr_sto3g_eri_new(int64_t n, const double *xyz, qclr_sto3g_eri **out) {
  qclr__clear();
  if (!out) return qclr__error(QCLR_EINVAL, "qclr_sto3g_eri_new: out is NULL");
  *out = NULL;
  if (n < 1 || !xyz) return qclr__error(QCLR_EINVAL, "sto3g: need at least one atom");
  const int np = NPRIM * NPRIM;
  int64_t npair = n * (n + 1) / 2;
  qclr_sto3g_eri *e = qclr__calloc(1, sizeof *e, "ERI evaluator");
  if (!e) return QCLR_ENOMEM;
  e->n = n;
  e->npair = npair;
  e->p = qclr__malloc((size_t)npair * np, sizeof(double), "primitive pair exponents");
  e->P = qclr__malloc((size_t)npair * np * 3, sizeof(double), "primitive pair centres");
  e->K = qclr__malloc((size_t)npair * np, sizeof(double), "primitive pair prefactors");
  e->schwarz = qclr__malloc((size_t)npair, sizeof(double), "Schwarz factors");
  if (!e->p || !e->P || !e->K || !e->schwarz) {
    qclr_sto3g_eri_free(e);
    return QCLR_ENOMEM;
  }
  double d[NPRIM];
  contraction(d);
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j <= i; j++) {
      int64_t ij = qclr__pair(i, j);
      const double *A = xyz + 3 * i, *B = xyz + 3 * j;
      double ab2 = dist2(A, B);
      for (int a = 0; a < NPRIM; a++)
        for (int b = 0; b < NPRIM; b++) {
          int x = a * NPRIM + b;
          double ea = sto3g_exp[a], eb = sto3g_exp[b], p = ea + eb;
          double k = d[a] * d[b] * exp(-ea * eb / p * ab2);
          e->p[ij * np + x] = p;
          for (int c = 0; c < 3; c++) e->P[(ij * np + x) * 3 + c] = (ea * A[c] + eb * B[c]) / p;
          /* exp underflow: such a product contributes nothing to any integral */
          e->K[ij * np + x] = k < 1e-300 ? 0.0 : k;
        }
    }
  for (int64_t ij = 0; ij < npair; ij++) e->schwarz[ij] = sqrt(fmax(eri_pair(e, ij, ij), 0.0));
  *out = e;
  return 0;
}

int64_t qclr_sto3g_eri_norb(const qclr_sto3g_eri *e) { return e ? e->n : 0; }

int qclr_sto3g_eri_diag(const qclr_sto3g_eri *e, double *d) {
  qclr__clear();
  if (!e || !d) return qclr__error(QCLR_EINVAL, "qclr_sto3g_eri_diag: NULL argument");
  for (int64_t ij = 0; ij < e->npair; ij++) d[ij] = e->schwarz[ij] * e->schwarz[ij];
  return 0;
}

int qclr_sto3g_eri_columns(const qclr_sto3g_eri *e, int64_t ncol, const int64_t *cols,
                           double *out) {
  qclr__clear();
  if (!e || ncol < 0 || (ncol > 0 && (!cols || !out)))
    return qclr__error(QCLR_EINVAL, "qclr_sto3g_eri_columns: NULL argument or ncol = %lld", (long long)ncol);
  int64_t npair = e->npair;
  for (int64_t k = 0; k < ncol; k++)
    if (cols[k] < 0 || cols[k] >= npair)
      return qclr__error(QCLR_EINVAL, "sto3g: column %lld out of range [0, %lld)",
                         (long long)cols[k], (long long)npair);
  int64_t total = ncol * npair;
  int nt = qclr__nthreads();
  (void)nt;
#pragma omp parallel for schedule(dynamic, 256) num_threads(nt)
  for (int64_t x = 0; x < total; x++) {
    int64_t k = x / npair, ij = x % npair, kl = cols[k];
    out[x] = e->schwarz[ij] * e->schwarz[kl] < SCREEN ? 0.0 : eri_pair(e, ij, kl);
  }
  return 0;
}
