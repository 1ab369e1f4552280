/* tests/test_groups.c: basis-rotation groups.
 *  - a reference double factorization computed here (eigen-decomposition of
 *    the N^2 x N^2 ERI matrix, then of each factor), independent of the factor
 *    module;
 *  - the groups rebuild h and (pq|rs) to 1e-10 and their expectations in the
 *    FCI state sum to the Psi4 FCI energy of inputs/reference.json to 1e-9
 *    (H2, LiH, H2O STO-3G), also through the factor module (Cholesky and
 *    eigen with tau = tau_2 = 0, qclr_groups_from_df);
 *  - Slater-determinant moments (Wick) against the CI-vector moments of the
 *    same determinant (Hartree-Fock and a rotated one);
 *  - group means/variances against dense fermionic operator matrices (N = 3);
 *  - merging of factors sharing a rotation (permuted, sign-flipped columns;
 *    rank-1 factors whose null spaces came in arbitrary bases); Hubbard (site
 *    basis and a rotated one) gives one two-body group, dual-basis jellium two
 *    groups in all;
 *  - QWC sorted insertion against a plain re-implementation (H2: 5 groups);
 *  - Pauli term counts (H2 15, H2O 1086) and the QWC means summing to E_FCI;
 *  - simulated experiments within 4 sigma of the exact value over seeds; with
 *    readout noise and postselection within 4 sigma of the exact noisy,
 *    postselected expectation computed here by enumeration. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>

#include "qclr/error.h"
#include "qclr/factor.h"
#include "qclr/fci.h"
#include "qclr/fcidump.h"
#include "qclr/groups.h"
#include "qclr/model.h"
#include "qclr/pauli.h"
#include "qclr/strings.h"
#include "qclr/threads.h"
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

/* Slater-determinant moments (Wick) against the CI-vector moments of the same
 * determinant: the reference one (c = e_0) and one rotated by a random M
 * (occupied orbitals = M's first columns) */
static void check_det_moments(const qclr_groups *gs, int na, int nb, const char *name) {
  int64_t n = qclr_groups_norb(gs), G = qclr_groups_count(gs);
  uint64_t *sa, *sb;
  int64_t ca, cb;
  qclr_ci_strings((int)n, na, &sa, &ca);
  qclr_ci_strings((int)n, nb, &sb, &cb);
  double *c = calloc(ca * cb, sizeof(double)), *m = malloc(sizeof(double) * n * n);
  double *Ca = malloc(sizeof(double) * (n * na + 1)), *Cb = malloc(sizeof(double) * (n * nb + 1));
  double *m1 = malloc(sizeof(double) * G), *v1 = malloc(sizeof(double) * G), *m2 = malloc(sizeof(double) * G),
         *v2 = malloc(sizeof(double) * G);
  unsigned long long seed = 99 + n;
  double err = 0, scale = 1;
  for (int rot = 0; rot < 2; rot++) {
    memset(c, 0, sizeof(double) * ca * cb);
    c[0] = 1;
    const double *pa = NULL, *pb = NULL;
    if (rot) {
      test_random_orthogonal(n, m, &seed);
      qclr_givens *net;
      CHECK_RC(qclr_givens_decompose(n, m, &net), 0);
      CHECK_RC(qclr_givens_rotate_civec(net, na, nb, c), 0);
      qclr_givens_free(net);
      for (int64_t p = 0; p < n; p++) {
        for (int j = 0; j < na; j++) Ca[p * na + j] = m[p * n + j];
        for (int j = 0; j < nb; j++) Cb[p * nb + j] = m[p * n + j];
      }
      pa = Ca, pb = Cb;
    }
    CHECK_RC(qclr_groups_moments(gs, na, nb, c, m1, v1), 0);
    CHECK_RC(qclr_groups_moments_det(gs, na, nb, pa, pb, m2, v2), 0);
    for (int64_t g = 0; g < G; g++) {
      scale = fmax(scale, fabs(m1[g]) + v1[g]);
      err = fmax(err, fabs(m1[g] - m2[g]) + fabs(v1[g] - v2[g]));
    }
  }
  CHECK(err <= 1e-11 * scale, "%s: determinant moments vs CI vector: %.3g (scale %.3g)", name, err, scale);
  /* bad orbitals */
  if (na > 0) {
    for (int j = 0; j < na; j++) Ca[j] += 0.1;
    CHECK_RC(qclr_groups_moments_det(gs, na, nb, Ca, NULL, m2, v2), QCLR_EINVAL);
  }
  CHECK_RC(qclr_groups_moments_det(gs, (int)n + 1, nb, NULL, NULL, m2, v2), QCLR_EINVAL);
  free(c), free(m), free(Ca), free(Cb), free(m1), free(v1), free(m2), free(v2), free(sa), free(sb);
}

/* exact mean (returned) and variance (*var) of D_g over the postselected
 * shots under readout bit flips (probability p per qubit), by enumerating true
 * and read bitstrings */
static double noisy_expectation(const qclr_groups *gs, int64_t g, int na, int nb, const double *civec, double p,
                                double *var) {
  int64_t n = qclr_groups_norb(gs);
  uint64_t *sa, *sb;
  int64_t ca, cb;
  qclr_ci_strings((int)n, na, &sa, &ca);
  qclr_ci_strings((int)n, nb, &sb, &cb);
  double *x = malloc(sizeof(double) * ca * cb);
  memcpy(x, civec, sizeof(double) * ca * cb);
  qclr_givens_rotate_civec(qclr_groups_givens(gs, g), na, nb, x);
  double num = 0, num2 = 0, den = 0;
  unsigned char occ[128];
  for (int64_t i = 0; i < ca * cb; i++) { /* read bitstring (valid only: postselection) */
    uint64_t ra = sa[i / cb], rb = sb[i % cb];
    double pr = 0;
    for (int64_t j = 0; j < ca * cb; j++) {
      int d = __builtin_popcountll(ra ^ sa[j / cb]) + __builtin_popcountll(rb ^ sb[j % cb]);
      pr += x[j] * x[j] * pow(p, d) * pow(1 - p, (double)(2 * n - d));
    }
    for (int64_t k = 0; k < n; k++) occ[k] = (ra >> k) & 1, occ[n + k] = (rb >> k) & 1;
    double v = qclr_groups_value(gs, g, occ);
    num += pr * v;
    num2 += pr * v * v;
    den += pr;
  }
  free(x), free(sa), free(sb);
  *var = num2 / den - (num / den) * (num / den);
  return num / den;
}

static void check_simulation(const qclr_groups *gs, int na, int nb, const double *civec, const double *var,
                             double exact, const char *name) {
  int64_t G = qclr_groups_count(gs);
  int64_t *shots = malloc(sizeof(int64_t) * G), tot;
  CHECK_RC(qclr_groups_shots(G, var, 1e-2, shots, &tot), 0);
  qclr_groups_estimate *est = malloc(sizeof *est * G);
  int within = 0;
  for (int seed = 1; seed <= 5; seed++) {
    CHECK_RC(qclr_groups_simulate(gs, na, nb, civec, shots, 0.0, seed, est), 0);
    double s = qclr_groups_constant(gs), se = 0;
    for (int64_t g = 0; g < G; g++) s += est[g].mean, se += est[g].stderr_ * est[g].stderr_;
    se = sqrt(se);
    within += fabs(s - exact) <= 4 * se;
    CHECK(se < 2e-2 && se > 2e-3, "%s seed %d: standard error %.3g vs target 1e-2", name, seed, se);
  }
  CHECK(within == 5, "%s: %d of 5 simulated estimates within 4 sigma", name, within);
  /* readout noise: postselected estimates against the exact noisy expectation,
   * judged with the exact standard error (a group of a few shots can miss the
   * rare flips that carry its noisy mean, so its sample error is no guide) */
  double p = 0.02, want = qclr_groups_constant(gs), bias = 0, *nvar = malloc(sizeof(double) * G);
  for (int64_t g = 0; g < G; g++) want += noisy_expectation(gs, g, na, nb, civec, p, &nvar[g]);
  within = 0;
  int64_t disc = 0;
  for (int64_t g = 0; g < G; g++) shots[g] = shots[g] < 100 ? 100 : shots[g]; /* none fully discarded */
  for (int seed = 11; seed <= 15; seed++) {
    CHECK_RC(qclr_groups_simulate(gs, na, nb, civec, shots, p, seed, est), 0);
    double s = qclr_groups_constant(gs), se = 0;
    for (int64_t g = 0; g < G; g++) {
      s += est[g].mean, se += est[g].stderr_ * est[g].stderr_;
      disc += est[g].discarded;
      CHECK(est[g].kept + est[g].discarded == shots[g], "kept + discarded = shots");
    }
    double sx = 0; /* exact standard error for the shots kept */
    for (int64_t g = 0; g < G; g++) sx += est[g].kept > 0 ? nvar[g] / (double)est[g].kept : 0;
    sx = sqrt(sx);
    se = sqrt(se);
    within += fabs(s - want) <= 4 * sx;
    CHECK(se > 0.7 * sx && se < 1.3 * sx, "%s seed %d: reported standard error %.3g, exact %.3g", name, seed, se, sx);
    bias = want - exact;
  }
  CHECK(within == 5, "%s: %d of 5 noisy estimates within 4 sigma of the noisy expectation", name, within);
  CHECK(disc > 0, "%s: noise p = %g discarded no shot", name, p);
  printf("%s: readout noise %g shifts the postselected expectation by %.3g Ha\n", name, p, bias);
  CHECK_RC(qclr_groups_simulate(gs, na, nb, civec, shots, 0.7, 9, est), QCLR_EINVAL);
  free(shots), free(est), free(nvar);
}

/* sum of group means in the state c, + constant */
static double group_energy(const qclr_groups *gs, int na, int nb, const double *c, double *var) {
  int64_t G = qclr_groups_count(gs);
  double *mean = malloc(sizeof(double) * G), e = qclr_groups_constant(gs);
  CHECK_RC(qclr_groups_moments(gs, na, nb, c, mean, var), 0);
  for (int64_t g = 0; g < G; g++) e += mean[g];
  free(mean);
  return e;
}

/* QWC sorted insertion, re-done on Pauli labels: terms (already by |c|
 * descending after the identity) each into the first group whose every
 * member agrees with it on every qubit where both act */
static void check_qwc(const qclr_pauli_sum *ps, const int64_t *grp, int64_t ng, const char *name) {
  int64_t nt = qclr_pauli_count(ps);
  int nq = qclr_pauli_nqubits(ps);
  char (*lab)[65] = malloc(sizeof *lab * nt);
  int64_t *mine = malloc(sizeof(int64_t) * nt), nmine = 0, bad = 0;
  double prev = INFINITY;
  for (int64_t k = 0; k < nt; k++) {
    double c;
    qclr_pauli_label(ps, k, lab[k]);
    qclr_pauli_term(ps, k, NULL, NULL, &c);
    if (k > 1 && fabs(c) > prev) bad++;
    if (k) prev = fabs(c);
  }
  for (int64_t k = 0; k < nt; k++) {
    int ident = 1;
    for (int q = 0; q < nq; q++) ident &= lab[k][q] == 'I';
    if (ident) {
      mine[k] = -1;
      continue;
    }
    int64_t g = 0;
    for (; g < nmine; g++) {
      int ok = 1;
      for (int64_t j = 0; j < k && ok; j++) {
        if (mine[j] != g) continue;
        for (int q = 0; q < nq && ok; q++)
          if (lab[j][q] != 'I' && lab[k][q] != 'I' && lab[j][q] != lab[k][q]) ok = 0;
      }
      if (ok) break;
    }
    if (g == nmine) nmine++;
    mine[k] = g;
  }
  for (int64_t k = 0; k < nt; k++) bad += mine[k] != grp[k];
  CHECK(bad == 0 && nmine == ng, "%s: QWC sorted insertion differs from the re-implementation (%lld terms, %lld vs %lld groups)",
        name, (long long)bad, (long long)ng, (long long)nmine);
  free(lab), free(mine);
}

static void molecule(const char *file, int pauli_count, int qwc_count) {
  qclr_hamiltonian *H = NULL;
  CHECK_RC(qclr_fcidump_read(test_input(file), NULL, &H, NULL), 0);
  if (!H) return;
  double e_psi4 = test_reference_value(file, "e_fci");
  CHECK(!isnan(e_psi4), "%s: e_fci in reference.json", file);
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
  const double *c0 = qclr_fci_civec(f, 0);
  double *mean = malloc(sizeof(double) * G), *var = malloc(sizeof(double) * G);
  CHECK_RC(qclr_groups_moments(gs, na, nb, c0, mean, var), 0);
  double e = qclr_groups_constant(gs);
  for (int64_t g = 0; g < G; g++) e += mean[g];
  CHECK_CLOSE(e, e_psi4, 1e-9, "sum of group expectations = E_FCI (Psi4)");
  /* thread independence */
  double *m1 = malloc(sizeof(double) * G), *v1 = malloc(sizeof(double) * G), dm = 0;
  CHECK_RC(qclr_set_threads(1), 0);
  CHECK_RC(qclr_groups_moments(gs, na, nb, c0, m1, v1), 0);
  CHECK_RC(qclr_set_threads(0), 0);
  for (int64_t g = 0; g < G; g++) dm = fmax(dm, fabs(m1[g] - mean[g]) + fabs(v1[g] - var[g]));
  CHECK(dm <= 1e-12, "moments depend on threads: %.3g", dm);
  check_det_moments(gs, na, nb, file);
  /* the same through the factor module with tau = tau_2 = 0: Cholesky and eigen */
  for (int method = 0; method < 2; method++) {
    qclr_lowrank *lr = NULL;
    qclr_df *df = NULL;
    qclr_groups *g2 = NULL;
    qclr_cholesky_options co;
    qclr_cholesky_options_default(&co);
    co.tol = 0;
    int rc = method ? qclr_eigen_factor(H, 0.0, 0, &lr) : qclr_cholesky_compute(H, &co, &lr);
    CHECK(rc == 0, "%s: stage 1 (%s) with tol 0: %s", file, method ? "eigen" : "cholesky", qclr_last_error());
    if (!rc) CHECK_RC(qclr_df_compute(H, lr, NULL, &df), 0);
    if (df) CHECK_RC(qclr_groups_from_df(H, df, NULL, &g2), 0);
    if (g2) {
      char what[128];
      snprintf(what, sizeof what, "%s via %s", file, method ? "eigen" : "cholesky");
      check_rebuild(g2, qclr_hamiltonian_h(H), eri, what);
      double *v2 = malloc(sizeof(double) * qclr_groups_count(g2));
      CHECK_CLOSE(group_energy(g2, na, nb, c0, v2), e_psi4, 1e-9, what);
      free(v2);
    }
    qclr_groups_free(g2);
    qclr_df_free(df);
    qclr_lowrank_free(lr);
  }
  if (pauli_count) {
    qclr_pauli_sum *ps;
    CHECK_RC(qclr_pauli_from_hamiltonian(H, 1e-12, &ps), 0);
    CHECK(qclr_pauli_count(ps) == pauli_count, "%s: %lld Pauli terms, want %d", file,
          (long long)qclr_pauli_count(ps), pauli_count);
    int64_t nt = qclr_pauli_count(ps), ng, *grp = malloc(sizeof(int64_t) * nt);
    qclr_pauli_qwc_groups(ps, grp, &ng);
    check_qwc(ps, grp, ng, file);
    if (qwc_count) CHECK(ng == qwc_count, "%s: %lld QWC groups, want %d", file, (long long)ng, qwc_count);
    double *pm = malloc(sizeof(double) * ng), *pv = malloc(sizeof(double) * ng), ep;
    CHECK_RC(qclr_pauli_group_moments(ps, grp, ng, na, nb, c0, pm, pv), 0);
    qclr_pauli_term(ps, 0, NULL, NULL, &ep);
    for (int64_t g = 0; g < ng; g++) ep += pm[g];
    CHECK_CLOSE(ep, e_psi4, 1e-9, "sum of QWC group means = E_FCI (Psi4)");
    /* Hartree-Fock as one bitstring = as a CI vector */
    uint64_t hf = ((1ull << na) - 1) | (((1ull << nb) - 1) << n);
    double one = 1, *pm2 = malloc(sizeof(double) * ng), *pv2 = malloc(sizeof(double) * ng), dd = 0, ehf;
    double *chf = calloc(qclr_fci_ndet(f), sizeof(double));
    chf[0] = 1;
    CHECK_RC(qclr_pauli_group_moments_sparse(ps, grp, ng, 1, &hf, &one, pm2, pv2), 0);
    CHECK_RC(qclr_pauli_group_moments(ps, grp, ng, na, nb, chf, pm, pv), 0);
    qclr_pauli_term(ps, 0, NULL, NULL, &ep);
    for (int64_t g = 0; g < ng; g++) dd = fmax(dd, fabs(pm[g] - pm2[g]) + fabs(pv[g] - pv2[g])), ep += pm2[g];
    CHECK(dd <= 1e-12, "%s: HF Pauli moments, bitstring vs CI vector: %.3g", file, dd);
    qclr_hamiltonian_e_ref(H, &ehf);
    CHECK_CLOSE(ep, ehf, 1e-10, "QWC means in the HF bitstring = E_HF");
    uint64_t wide = 1ull << 63;
    CHECK_RC(qclr_pauli_group_moments_sparse(ps, grp, ng, 1, &wide, &one, pm2, pv2), QCLR_EINVAL);
    free(grp), free(pm), free(pv), free(pm2), free(pv2), free(chf);
    qclr_pauli_free(ps);
  }
  if (n == 6) check_simulation(gs, na, nb, c0, var, qclr_fci_energy(f, 0), file);
  free(mean), free(var), free(m1), free(v1), free(eri);
  qclr_fci_free(f);
  qclr_groups_free(gs);
  refdf_free(&d);
  qclr_hamiltonian_free(H);
}

/* ---- merging: Hamiltonians whose two-body part is diagonal in one basis ---- */

/* groups of H via the factor module (method 0 Cholesky, 1 eigen; tol 1e-12) */
static qclr_groups *model_groups(const qclr_hamiltonian *H, int method) {
  qclr_lowrank *lr = NULL;
  qclr_df *df = NULL;
  qclr_groups *gs = NULL;
  qclr_cholesky_options co;
  qclr_cholesky_options_default(&co);
  co.tol = 1e-12;
  int rc = method ? qclr_eigen_factor(H, 1e-12, 0, &lr) : qclr_cholesky_compute(H, &co, &lr);
  CHECK(rc == 0, "stage 1: %s", qclr_last_error());
  if (!rc) CHECK_RC(qclr_df_compute(H, lr, NULL, &df), 0);
  if (df) CHECK_RC(qclr_groups_from_df(H, df, NULL, &gs), 0);
  qclr_df_free(df);
  qclr_lowrank_free(lr);
  return gs;
}

/* H with orbitals rotated by Q: h' = Q^T h Q, (pq|rs)' likewise */
static qclr_hamiltonian *rotated(const qclr_hamiltonian *H, const double *Q) {
  int64_t n = qclr_hamiltonian_norb(H), n2 = n * n, n3 = n2 * n;
  double *e = malloc(sizeof(double) * n2 * n2), *t = malloc(sizeof(double) * n2 * n2), *h = calloc(n2, sizeof(double));
  qclr_hamiltonian_eri_full(H, e);
  const double *h0 = qclr_hamiltonian_h(H);
  for (int64_t p = 0; p < n; p++)
    for (int64_t q = 0; q < n; q++)
      for (int64_t a = 0; a < n; a++)
        for (int64_t b = 0; b < n; b++) h[p * n + q] += Q[a * n + p] * h0[a * n + b] * Q[b * n + q];
  for (int pass = 0; pass < 4; pass++) { /* rotate the first index, then cycle the indices */
    memset(t, 0, sizeof(double) * n2 * n2);
    for (int64_t p = 0; p < n; p++)
      for (int64_t a = 0; a < n; a++)
        for (int64_t rest = 0; rest < n3; rest++) t[rest * n + p] += Q[a * n + p] * e[a * n3 + rest];
    memcpy(e, t, sizeof(double) * n2 * n2);
  }
  qclr_hamiltonian *R = NULL;
  CHECK_RC(qclr_hamiltonian_from_full(n, qclr_hamiltonian_nelec(H), qclr_hamiltonian_ms2(H), 0.0, h, e, &R), 0);
  free(e), free(t), free(h);
  return R;
}

static void merge_models(void) {
  qclr_hamiltonian *hub = NULL, *jel = NULL;
  CHECK_RC(qclr_hubbard(2, 3, 1.0, 4.0, 0, 6, &hub), 0);
  CHECK_RC(qclr_jellium_dual(3, 6.0, 2, &jel, NULL, NULL), 0);
  if (!hub || !jel) return;
  unsigned long long seed = 4242;
  double Q[36];
  test_random_orthogonal(6, Q, &seed);
  qclr_hamiltonian *rhub = rotated(hub, Q);
  const char *name[3] = {"Hubbard 2x3 (sites)", "Hubbard 2x3 (rotated orbitals)", "jellium 3^3 dual basis"};
  qclr_hamiltonian *Hs[3] = {hub, rhub, jel};
  for (int k = 0; k < 3; k++)
    for (int method = 0; method < 2; method++) {
      qclr_hamiltonian *H = Hs[k];
      if (!H) continue;
      qclr_groups *gs = model_groups(H, method);
      if (!gs) continue;
      int64_t n = qclr_hamiltonian_norb(H), G = qclr_groups_count(gs);
      CHECK(G == 2, "%s (%s): %lld groups, want 2 (one-body + one two-body)", name[k],
            method ? "eigen" : "cholesky", (long long)G);
      /* the merged group still rebuilds the ERIs, and sums to E_FCI */
      double *eri = malloc(sizeof(double) * n * n * n * n);
      qclr_hamiltonian_eri_full(H, eri);
      check_rebuild(gs, qclr_hamiltonian_h(H), eri, name[k]);
      qclr_fci *f = NULL;
      CHECK_RC(qclr_fci_solve(H, NULL, &f), 0);
      if (f) {
        double *var = malloc(sizeof(double) * G);
        CHECK_CLOSE(group_energy(gs, qclr_hamiltonian_nalpha(H), qclr_hamiltonian_nbeta(H), qclr_fci_civec(f, 0), var),
                    qclr_fci_energy(f, 0), 1e-9, name[k]);
        free(var);
      }
      if (n <= 8) check_det_moments(gs, qclr_hamiltonian_nalpha(H), qclr_hamiltonian_nbeta(H), name[k]);
      qclr_fci_free(f);
      free(eri);
      qclr_groups_free(gs);
    }
  qclr_hamiltonian_free(hub), qclr_hamiltonian_free(rhub), qclr_hamiltonian_free(jel);

  /* rank-1 factors u_p u_p^T of a random basis, each with the arbitrary null
   * space basis LAPACK returns: one group (merged via the degenerate blocks);
   * with merging off, one group per factor */
  enum { NR = 5 };
  double B[NR * NR], Lf[NR * NR], T[NR * NR] = {0};
  test_random_orthogonal(NR, B, &seed);
  refdf d = {NR, NR, T, malloc(sizeof(double *) * NR), malloc(sizeof(double *) * NR), malloc(sizeof(int64_t) * NR)};
  double *eri = calloc(NR * NR * NR * NR, sizeof(double)), h[NR * NR];
  for (int l = 0; l < NR; l++) {
    double w = 0.5 + l;
    for (int p = 0; p < NR; p++)
      for (int q = 0; q < NR; q++) Lf[p * NR + q] = w * B[p * NR + l] * B[q * NR + l];
    d.U[l] = malloc(sizeof Lf);
    d.f[l] = malloc(sizeof(double) * NR);
    eig(NR, Lf, d.U[l], d.f[l]);
    d.size[l] = NR;
    for (int i = 0; i < NR * NR; i++)
      for (int j = 0; j < NR * NR; j++) eri[i * NR * NR + j] += Lf[i] * Lf[j];
  }
  for (int p = 0; p < NR; p++)
    for (int q = 0; q <= p; q++) T[p * NR + q] = T[q * NR + p] = test_rand(&seed);
  for (int p = 0; p < NR; p++)
    for (int q = 0; q < NR; q++) {
      double s = 0;
      for (int r = 0; r < NR; r++) s += eri[((p * NR + r) * NR + r) * NR + q];
      h[p * NR + q] = T[p * NR + q] + 0.5 * s;
    }
  qclr_groups *gs = build(&d, 0.0);
  if (gs) {
    CHECK(qclr_groups_count(gs) == 2 && qclr_groups_nmerged(gs, 1) == NR,
          "rank-1 factors of one basis: %lld groups (want 2), %lld merged (want %d)", (long long)qclr_groups_count(gs),
          (long long)qclr_groups_nmerged(gs, 1), NR);
    check_rebuild(gs, h, eri, "rank-1 factors, merged");
    check_det_moments(gs, 2, 3, "rank-1 factors, merged");
    qclr_groups_free(gs);
  }
  qclr_groups_options o;
  qclr_groups_options_default(&o);
  o.merge = 0;
  CHECK_RC(qclr_groups_from_factors(NR, 0.0, T, NR, d.size, (const double *const *)d.U, (const double *const *)d.f,
                                    &o, &gs),
           0);
  if (gs) {
    CHECK(qclr_groups_count(gs) == NR + 1, "merge off: %lld groups", (long long)qclr_groups_count(gs));
    check_rebuild(gs, h, eri, "rank-1 factors, not merged");
    qclr_groups_free(gs);
  }
  o.merge_tol = -1;
  CHECK_RC(qclr_groups_from_factors(NR, 0.0, T, NR, d.size, (const double *const *)d.U, (const double *const *)d.f,
                                    &o, &gs),
           QCLR_EINVAL);
  d.T = NULL;
  for (int l = 0; l < NR; l++) free(d.U[l]), free(d.f[l]);
  free(d.U), free(d.f), free(d.size), free(eri);
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
  qclr_ci_strings(N, 2, &sa, &na);
  qclr_ci_strings(N, 1, &sb, &nb);
  double c[9], psi[DIM] = {0}, nrm = 0;
  for (int k = 0; k < 9; k++) c[k] = test_rand(&seed), nrm += c[k] * c[k];
  for (int a = 0; a < na; a++)
    for (int b = 0; b < nb; b++) psi[sa[a] | (sb[b] << N)] = c[a * nb + b] /= sqrt(nrm);
  double mean[4], var[4];
  CHECK_RC(qclr_groups_moments(gs, 2, 1, c, mean, var), 0);
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

/* Brute-force reference of qclr_groups_split_shots: among all splits of
 * total into n non-negative integers, the one closest to x_g = total sigma_g /
 * sum sigma in sum of squares (what largest-remainder rounding attains). */
static double split_best(int n, int total, const double *x, int *cur, int k, int left, int *best, double bd) {
  if (k == n - 1) {
    cur[k] = left;
    double d = 0;
    for (int g = 0; g < n; g++) d += (cur[g] - x[g]) * (cur[g] - x[g]);
    if (d < bd) {
      memcpy(best, cur, sizeof(int) * (size_t)n);
      bd = d;
    }
    return bd;
  }
  for (int v = 0; v <= left; v++) {
    cur[k] = v;
    bd = split_best(n, total, x, cur, k + 1, left - v, best, bd);
  }
  return bd;
}

static void split_shots_check(void) {
  unsigned long long seed = 7;
  int bad = 0, cases = 0;
  for (int n = 1; n <= 4; n++)
    for (int total = 0; total <= 13; total++)
      for (int rep = 0; rep < 3; rep++) {
        double var[4], x[4], ss = 0;
        for (int g = 0; g < n; g++) {
          double a = test_rand(&seed);
          var[g] = a * a * 3.0;
          ss += sqrt(var[g]);
        }
        for (int g = 0; g < n; g++) x[g] = total * sqrt(var[g]) / ss;
        int cur[4], best[4];
        split_best(n, total, x, cur, 0, total, best, INFINITY);
        int64_t sh[4];
        CHECK_RC(qclr_groups_split_shots(n, var, total, sh), 0);
        int64_t sum = 0;
        for (int g = 0; g < n; g++) {
          sum += sh[g];
          bad += sh[g] != best[g];
        }
        bad += sum != total;
        cases++;
      }
  CHECK(bad == 0, "split shots vs brute force: %d mismatches in %d cases", bad, cases);
  /* by hand: sigma = 2, 1, 0 of 10 shots -> 6.67, 3.33, 0 -> 7, 3, 0 */
  double v1[3] = {4, 1, 0}, v0[3] = {0, 0, 0}, vn[2] = {1, NAN};
  int64_t sh[3];
  CHECK_RC(qclr_groups_split_shots(3, v1, 10, sh), 0);
  CHECK(sh[0] == 7 && sh[1] == 3 && sh[2] == 0, "split 10: %lld %lld %lld", (long long)sh[0], (long long)sh[1],
        (long long)sh[2]);
  /* all variances 0: equal split, the remainder to the lowest indices */
  CHECK_RC(qclr_groups_split_shots(3, v0, 5, sh), 0);
  CHECK(sh[0] == 2 && sh[1] == 2 && sh[2] == 1, "equal split 5: %lld %lld %lld", (long long)sh[0], (long long)sh[1],
        (long long)sh[2]);
  CHECK_RC(qclr_groups_split_shots(0, v0, 5, sh), QCLR_EINVAL);
  CHECK_RC(qclr_groups_split_shots(3, v0, -1, sh), QCLR_EINVAL);
  CHECK_RC(qclr_groups_split_shots(2, vn, 5, sh), QCLR_EINVAL);
}

int main(void) {
  split_shots_check();
  dense_check();
  merge_models();
  molecule("h2_sto-3g.fcidump", 15, 5);
  molecule("lih_sto-3g.fcidump", 0, 0);
  molecule("h2o_sto-3g.fcidump", 1086, 0);
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
