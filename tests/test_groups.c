/* tests/test_groups.c: basis-rotation groups.
 *  - a reference double factorization computed here (eigen-decomposition of
 *    the N^2 x N^2 ERI matrix, then of each factor), independent of the factor
 *    module;
 *  - the groups rebuild h and (pq|rs) to 1e-10 and their expectations in the
 *    FCI state sum to the FCI energy to 1e-9 (H2, LiH, H2O STO-3G);
 *  - group means/variances against dense fermionic operator matrices (N = 3);
 *  - merging of factors sharing a rotation (permuted, sign-flipped columns);
 *  - Pauli term counts (H2 15, H2O 1086) and the QWC means summing to E_FCI;
 *  - simulated experiments within 4 sigma over several seeds; readout noise. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>

#include "qclr/error.h"
#include "qclr/fci.h"
#include "qclr/fcidump.h"
#include "qclr/groups.h"
#include "qclr/pauli.h"
#include "testutil.h"

typedef struct {
  int64_t n, L;
  double *T, **U, **f;
  int64_t *size;
} refdf;

static void refdf_free(refdf *d) {
  for (int64_t l = 0; l < d->L; l++) free(d->U[l]), free(d->f[l]);
  free(d->U), free(d->f), free(d->size), free(d->T);
}

/* eigen-decompose a symmetric N x N matrix a (row-major) into U, f */
static void eig(int64_t n, const double *a, double *U, double *f) {
  memcpy(U, a, sizeof(double) * n * n);
  LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (int)n, U, (int)n, f);
}

static void make_refdf(const double *h, const double *eri, int64_t n, refdf *d) {
  int64_t m = n * n;
  double *V = malloc(sizeof(double) * m * m), *w = malloc(sizeof(double) * m);
  memcpy(V, eri, sizeof(double) * m * m);
  LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (int)m, V, (int)m, w);
  d->n = n;
  d->L = 0;
  d->U = malloc(sizeof(double *) * m);
  d->f = malloc(sizeof(double *) * m);
  d->size = malloc(sizeof(int64_t) * m);
  double *Lm = malloc(sizeof(double) * m);
  for (int64_t e = 0; e < m; e++) {
    if (w[e] <= 1e-13) continue;
    for (int64_t pq = 0; pq < m; pq++) Lm[pq] = sqrt(w[e]) * V[pq * m + e];
    for (int64_t p = 0; p < n; p++) /* symmetrize the rounding */
      for (int64_t q = 0; q < p; q++) Lm[p * n + q] = Lm[q * n + p] = 0.5 * (Lm[p * n + q] + Lm[q * n + p]);
    d->U[d->L] = malloc(sizeof(double) * m);
    d->f[d->L] = malloc(sizeof(double) * n);
    eig(n, Lm, d->U[d->L], d->f[d->L]);
    d->size[d->L++] = n;
  }
  d->T = malloc(sizeof(double) * m);
  for (int64_t p = 0; p < n; p++)
    for (int64_t q = 0; q < n; q++) {
      double s = 0;
      for (int64_t r = 0; r < n; r++) s += eri[((p * n + r) * n + r) * n + q];
      d->T[p * n + q] = h[p * n + q] - 0.5 * s;
    }
  free(V), free(w), free(Lm);
}

static qclr_groups *build(refdf *d, double ecore) {
  qclr_groups *gs = NULL;
  CHECK_RC(qclr_groups_from_factors(d->n, ecore, d->T, d->L, d->size, (const double *const *)d->U,
                                    (const double *const *)d->f, NULL, &gs),
           0);
  return gs;
}

/* rebuild h and the ERIs from the groups */
static void check_rebuild(const qclr_groups *gs, const double *h, const double *eri, const char *name) {
  int64_t n = qclr_groups_norb(gs), G = qclr_groups_count(gs);
  double *e = calloc(n * n * n * n, sizeof(double)), err = 0, herr = 0;
  for (int64_t g = 1; g < G; g++) {
    const double *U = qclr_groups_rotation(gs, g), *W = qclr_groups_coefficients(gs, g);
    for (int64_t k = 0; k < n; k++)
      for (int64_t l = 0; l < n; l++) {
        if (W[k * n + l] == 0) continue;
        for (int64_t p = 0; p < n; p++)
          for (int64_t q = 0; q < n; q++) {
            double a = W[k * n + l] * U[p * n + k] * U[q * n + k];
            for (int64_t r = 0; r < n; r++)
              for (int64_t s = 0; s < n; s++) e[((p * n + q) * n + r) * n + s] += a * U[r * n + l] * U[s * n + l];
          }
      }
  }
  for (int64_t i = 0; i < n * n * n * n; i++) err = fmax(err, fabs(e[i] - eri[i]));
  const double *U0 = qclr_groups_rotation(gs, 0), *t = qclr_groups_coefficients(gs, 0);
  for (int64_t p = 0; p < n; p++)
    for (int64_t q = 0; q < n; q++) {
      double v = 0;
      for (int64_t k = 0; k < n; k++) v += U0[p * n + k] * t[k] * U0[q * n + k];
      for (int64_t r = 0; r < n; r++) v += 0.5 * e[((p * n + r) * n + r) * n + q];
      herr = fmax(herr, fabs(v - h[p * n + q]));
    }
  CHECK(err <= 1e-10 && herr <= 1e-10, "%s: rebuilt ERI error %.3g, h error %.3g", name, err, herr);
  free(e);
}

static void molecule(const char *file, int pauli_count) {
  qclr_hamiltonian *H = NULL;
  CHECK_RC(qclr_fcidump_read(test_input(file), NULL, &H, NULL), 0);
  if (!H) return;
  int64_t n = qclr_hamiltonian_norb(H);
  double *eri = malloc(sizeof(double) * n * n * n * n);
  qclr_hamiltonian_eri_full(H, eri);
  refdf d;
  make_refdf(qclr_hamiltonian_h(H), eri, n, &d);
  qclr_groups *gs = build(&d, qclr_hamiltonian_e_core(H));
  check_rebuild(gs, qclr_hamiltonian_h(H), eri, file);
  qclr_fci *f;
  CHECK_RC(qclr_fci_solve(H, NULL, &f), 0);
  int na = qclr_hamiltonian_nalpha(H), nb = qclr_hamiltonian_nbeta(H);
  int64_t G = qclr_groups_count(gs);
  double *mean = malloc(sizeof(double) * G), *var = malloc(sizeof(double) * G);
  CHECK_RC(qclr_groups_moments(gs, na, nb, qclr_fci_civec(f, 0), mean, var, 0), 0);
  double e = qclr_groups_constant(gs);
  for (int64_t g = 0; g < G; g++) e += mean[g];
  CHECK_CLOSE(e, qclr_fci_energy(f, 0), 1e-9, "sum of group expectations = E_FCI");
  /* thread independence */
  double *m1 = malloc(sizeof(double) * G), *v1 = malloc(sizeof(double) * G), dm = 0;
  CHECK_RC(qclr_groups_moments(gs, na, nb, qclr_fci_civec(f, 0), m1, v1, 1), 0);
  for (int64_t g = 0; g < G; g++) dm = fmax(dm, fabs(m1[g] - mean[g]) + fabs(v1[g] - var[g]));
  CHECK(dm <= 1e-12, "moments depend on threads: %.3g", dm);
  if (pauli_count) {
    qclr_pauli_sum *ps;
    CHECK_RC(qclr_pauli_from_hamiltonian(H, 1e-12, &ps), 0);
    CHECK(qclr_pauli_count(ps) == pauli_count, "%s: %lld Pauli terms, want %d", file,
          (long long)qclr_pauli_count(ps), pauli_count);
    int64_t nt = qclr_pauli_count(ps), ng, *grp = malloc(sizeof(int64_t) * nt);
    qclr_pauli_qwc_groups(ps, grp, &ng);
    double *pm = malloc(sizeof(double) * ng), *pv = malloc(sizeof(double) * ng), ep;
    CHECK_RC(qclr_pauli_group_moments(ps, grp, ng, na, nb, qclr_fci_civec(f, 0), pm, pv), 0);
    qclr_pauli_term(ps, 0, NULL, NULL, &ep);
    for (int64_t g = 0; g < ng; g++) ep += pm[g];
    CHECK_CLOSE(ep, qclr_fci_energy(f, 0), 1e-9, "sum of QWC group means = E_FCI");
    free(grp), free(pm), free(pv);
    qclr_pauli_free(ps);
  }
  if (n == 6) { /* simulated experiments, LiH */
    int64_t *shots = malloc(sizeof(int64_t) * G), tot;
    CHECK_RC(qclr_groups_shots(G, var, 1e-2, shots, &tot), 0);
    qclr_groups_estimate *est = malloc(sizeof *est * G);
    int within = 0;
    for (int seed = 1; seed <= 5; seed++) {
      CHECK_RC(qclr_groups_simulate(gs, na, nb, qclr_fci_civec(f, 0), shots, 0.0, seed, est, 0), 0);
      double s = qclr_groups_constant(gs), se = 0;
      for (int64_t g = 0; g < G; g++) s += est[g].mean, se += est[g].stderr_ * est[g].stderr_;
      se = sqrt(se);
      within += fabs(s - qclr_fci_energy(f, 0)) <= 4 * se;
      CHECK(se < 2e-2 && se > 2e-3, "seed %d: standard error %.3g vs target 1e-2", seed, se);
    }
    CHECK(within == 5, "%d of 5 simulated estimates within 4 sigma", within);
    CHECK_RC(qclr_groups_simulate(gs, na, nb, qclr_fci_civec(f, 0), shots, 0.02, 9, est, 0), 0);
    CHECK(est[1].discarded > 0 && est[1].kept + est[1].discarded == shots[1], "noise discards %lld of %lld",
          (long long)est[1].discarded, (long long)shots[1]);
    CHECK_RC(qclr_groups_simulate(gs, na, nb, qclr_fci_civec(f, 0), shots, 0.7, 9, est, 0), QCLR_EINVAL);
    free(shots), free(est);
  }
  free(mean), free(var), free(m1), free(v1), free(eri);
  qclr_fci_free(f);
  qclr_groups_free(gs);
  refdf_free(&d);
  qclr_hamiltonian_free(H);
}

/* ---- dense fermionic check, N = 3 ---- */
#define N 3
#define DIM 64
static long ladder(long b, int j, int dag, double *s) {
  if (((b >> j) & 1) == dag) return -1;
  if (__builtin_popcountl(b & ((1l << j) - 1)) & 1) *s = -*s;
  return b ^ (1l << j);
}
/* matrix of sum_pq A_pq E_pq on the 2^6 qubit space */
static void one_body(const double *A, double *M) {
  memset(M, 0, sizeof(double) * DIM * DIM);
  for (long b = 0; b < DIM; b++)
    for (int s = 0; s < 2; s++)
      for (int p = 0; p < N; p++)
        for (int q = 0; q < N; q++) {
          double sg = 1;
          long c = ladder(b, q + s * N, 0, &sg);
          if (c >= 0) c = ladder(c, p + s * N, 1, &sg);
          if (c >= 0) M[c * DIM + b] += sg * A[p * N + q];
        }
}
static double expect(const double *M, const double *x, const double *y) {
  double v = 0;
  for (long b = 0; b < DIM; b++)
    for (long c = 0; c < DIM; c++) v += x[b] * M[b * DIM + c] * y[c];
  return v;
}

static void dense_check(void) {
  unsigned long long seed = 21;
  refdf d = {N, 3, NULL, NULL, NULL, NULL};
  d.T = malloc(sizeof(double) * N * N);
  d.U = malloc(sizeof(double *) * 4);
  d.f = malloc(sizeof(double *) * 4);
  d.size = malloc(sizeof(int64_t) * 4);
  double A[N * N], Ls[4][N * N];
  for (int l = 0; l <= d.L; l++) {
    for (int p = 0; p < N; p++)
      for (int q = 0; q <= p; q++) A[p * N + q] = A[q * N + p] = test_rand(&seed);
    if (l == 0) {
      memcpy(d.T, A, sizeof A);
      continue;
    }
    memcpy(Ls[l - 1], A, sizeof A);
    d.U[l - 1] = malloc(sizeof A);
    d.f[l - 1] = malloc(sizeof(double) * N);
    eig(N, A, d.U[l - 1], d.f[l - 1]);
    d.size[l - 1] = N;
  }
  /* a fourth factor with the rotation of factor 0: columns permuted, one sign
   * flipped, one eigenvalue dropped -- must merge into group 1 */
  d.U[3] = malloc(sizeof A);
  d.f[3] = malloc(sizeof(double) * N);
  int perm[N] = {2, 0, 1};
  double fv[N] = {0.3, -0.8, 0.5};
  for (int p = 0; p < N; p++)
    for (int k = 0; k < N; k++) d.U[3][p * N + k] = (k == 1 ? -1 : 1) * d.U[0][p * N + perm[k]];
  memcpy(d.f[3], fv, sizeof fv);
  d.size[3] = 2; /* f = (0.3, -0.8, 0) */
  for (int p = 0; p < N; p++)
    for (int q = 0; q < N; q++) {
      double s = 0;
      for (int k = 0; k < 2; k++) s += d.U[3][p * N + k] * fv[k] * d.U[3][q * N + k];
      Ls[3][p * N + q] = s;
    }
  d.L = 4;
  qclr_groups *gs = build(&d, 0.0);
  if (!gs) return;
  CHECK(qclr_groups_count(gs) == 4 && qclr_groups_nmerged(gs, 1) == 2, "merging: %lld groups, %lld merged",
        (long long)qclr_groups_count(gs), (long long)qclr_groups_nmerged(gs, 1));
  /* random state, 2 alpha 1 beta */
  uint64_t *sa, *sb;
  int64_t na, nb;
  qclr_givens_strings(N, 2, &sa, &na);
  qclr_givens_strings(N, 1, &sb, &nb);
  double c[9], psi[DIM] = {0}, nrm = 0;
  for (int k = 0; k < 9; k++) c[k] = test_rand(&seed), nrm += c[k] * c[k];
  for (int a = 0; a < na; a++)
    for (int b = 0; b < nb; b++) psi[sa[a] | (sb[b] << N)] = c[a * nb + b] /= sqrt(nrm);
  double mean[4], var[4];
  CHECK_RC(qclr_groups_moments(gs, 2, 1, c, mean, var, 0), 0);
  double *M = malloc(sizeof(double) * DIM * DIM), *D = malloc(sizeof(double) * DIM * DIM),
         *D2 = malloc(sizeof(double) * DIM * DIM), Dp[DIM];
  double err = 0;
  for (int g = 0; g < 4; g++) {
    memset(D, 0, sizeof(double) * DIM * DIM);
    if (g == 0) one_body(d.T, D);
    for (int l = 0; l < 4 && g > 0; l++) {
      int grp = l == 3 ? 1 : l + 1;
      if (grp != g) continue;
      one_body(Ls[l], M); /* D += 1/2 M M */
      for (long i = 0; i < DIM; i++)
        for (long j = 0; j < DIM; j++) {
          double s = 0;
          for (long k = 0; k < DIM; k++) s += M[i * DIM + k] * M[k * DIM + j];
          D[i * DIM + j] += 0.5 * s;
        }
    }
    for (long i = 0; i < DIM; i++) {
      Dp[i] = 0;
      for (long j = 0; j < DIM; j++) Dp[i] += D[i * DIM + j] * psi[j];
    }
    double m = expect(D, psi, psi), m2 = 0;
    for (long i = 0; i < DIM; i++) m2 += Dp[i] * Dp[i];
    err = fmax(err, fabs(m - mean[g]) + fabs(m2 - m * m - var[g]));
    /* qubit form: D_g on every basis state of the right particle numbers */
    double a[2 * N], bq[4 * N * N];
    qclr_groups_qubit_terms(gs, g, a, bq);
    for (long s = 0; s < DIM; s++) {
      unsigned char occ[2 * N];
      double v = 0;
      for (int q = 0; q < 2 * N; q++) occ[q] = (s >> q) & 1;
      for (int i = 0; i < 2 * N; i++) {
        v += a[i] * occ[i];
        for (int j = i + 1; j < 2 * N; j++) v += bq[i * 2 * N + j] * occ[i] * occ[j];
      }
      err = fmax(err, fabs(v - qclr_groups_value(gs, g, occ)));
    }
  }
  CHECK(err <= 1e-12, "group moments / qubit form vs dense fermion matrices: %.3g", err);
  (void)D2;
  free(M), free(D), free(D2), free(sa), free(sb);
  qclr_groups_free(gs);
  refdf_free(&d);
}

int main(void) {
  dense_check();
  molecule("h2_sto-3g.fcidump", 15);
  molecule("lih_sto-3g.fcidump", 0);
  molecule("h2o_sto-3g.fcidump", 1086);
  /* shots */
  double var[3] = {4, 1, 0};
  int64_t shots[3], tot;
  CHECK_RC(qclr_groups_shots(3, var, 0.1, shots, &tot), 0);
  CHECK(shots[0] == 600 && shots[1] == 300 && shots[2] == 0 && tot == 900, "shots %lld %lld %lld",
        (long long)shots[0], (long long)shots[1], (long long)shots[2]);
  CHECK_RC(qclr_groups_shots(3, var, 0, shots, &tot), QCLR_EINVAL);
  qclr_groups *gs = NULL;
  double T[1] = {1};
  CHECK_RC(qclr_groups_from_factors(0, 0, T, 0, NULL, NULL, NULL, NULL, &gs), QCLR_EINVAL);
  double bad[4] = {1, 1, 0, 1}, T2[4] = {1, 0, 0, 1}, fb[2] = {1, 2};
  const double *rot[1] = {bad}, *ev[1] = {fb};
  int64_t sz[1] = {2};
  CHECK_RC(qclr_groups_from_factors(2, 0, T2, 1, sz, rot, ev, NULL, &gs), QCLR_EINVAL);
  CHECK(gs == NULL, "no output on error");
  qclr_groups_free(NULL);
  return test_done("test_groups");
}
