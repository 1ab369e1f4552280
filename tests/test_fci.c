/* tests/test_fci.c: FCI strings, sigma, Davidson, RDMs, <S^2>, MP2 on random
 * in-memory Hamiltonians (N <= 6, every n_alpha/n_beta split including
 * MS2 < 0, empty and full strings; some with a hidden Z2 x Z2 point-group
 * symmetry, i.e. many exact zeros).  References built here:
 *  - a dense Hamiltonian from the Slater-Condon rules in spin orbitals
 *    (P = p for alpha, N + p for beta: the determinant order and sign of
 *    docs/conventions.md §2), cross-checked against a second dense Hamiltonian made
 *    by applying a+ a+ a a to bit strings (Jordan-Wigner signs);
 *  - their eigenpairs by LAPACKE dsyev, and S^2 from S- S+ on bit strings.
 * Tolerances: the two dense builds 1e-13, sigma 1e-13 relative to
 * max |H_IJ| |c| n, eigenvalues 1e-9 Ha, RDM identities 1e-10, <S^2> 1e-10,
 * 1 vs 2 threads 1e-12 (sigma, RDMs, Davidson energies and vectors). */
#include <lapacke.h>
#include <stdint.h>
#include <stdlib.h>

#include "qclr.h"
#include "testutil.h"
#undef I /* complex.h (pulled in by OpenBLAS headers) defines I */

/* internal (src/fci_internal.h): the Slater-Condon block used for Davidson's start */
int qclr__fci_hblock(const qclr_hamiltonian *H, int64_t nsel, const int64_t *sel, double *Hout);

/* Random symmetric integrals; with sym, orbital p carries the Z2 x Z2 irrep
 * p % 4 and every integral that is not totally symmetric is exactly 0. */
static void random_ints_sym(int N, double *h, double *eri, unsigned long long seed, double diag_shift, int sym) {
  for (int p = 0; p < N; p++)
    for (int q = 0; q <= p; q++) {
      double v = 0.3 * test_rand(&seed) + (p == q ? diag_shift * p : 0);
      h[p * N + q] = h[q * N + p] = sym && (p % 4) != (q % 4) ? 0.0 : v;
    }
  for (int p = 0; p < N; p++)
    for (int q = 0; q <= p; q++)
      for (int r = 0; r < N; r++)
        for (int s = 0; s <= r; s++) {
          if (r * (r + 1) / 2 + s > p * (p + 1) / 2 + q) continue;
          double v = 0.1 * test_rand(&seed);
          if (p == q && r == s) v += 0.5;
          if (sym && ((p % 4) ^ (q % 4) ^ (r % 4) ^ (s % 4))) v = 0.0;
          int idx[8][4] = {{p, q, r, s}, {q, p, r, s}, {p, q, s, r}, {q, p, s, r},
                           {r, s, p, q}, {s, r, p, q}, {r, s, q, p}, {s, r, q, p}};
          for (int k = 0; k < 8; k++) eri[((idx[k][0] * N + idx[k][1]) * N + idx[k][2]) * N + idx[k][3]] = v;
        }
}

static void random_ints(int N, double *h, double *eri, unsigned long long seed, double diag_shift) {
  random_ints_sym(N, h, eri, seed, diag_shift, 0);
}

/* a_P or a+_P on a spin-orbital bit string; returns 0 if it annihilates. */
static int apply(uint64_t *d, int P, int create) {
  uint64_t bit = 1ull << P;
  if (create == !!(*d & bit)) return 0;
  int s = __builtin_popcountll(*d & (bit - 1)) & 1 ? -1 : 1;
  *d ^= bit;
  return s;
}

typedef struct {
  int N, nso, ndet;
  uint64_t *det; /* spin-orbital bit strings in CI order */
} dspace;

static int det_index(const dspace *S, uint64_t d) {
  for (int i = 0; i < S->ndet; i++)
    if (S->det[i] == d) return i;
  return -1;
}

static void dspace_build(dspace *S, int N, int na, int nb) {
  uint64_t *sa, *sb;
  int64_t nsa, nsb;
  qclr_ci_strings(N, na, &sa, &nsa);
  qclr_ci_strings(N, nb, &sb, &nsb);
  S->N = N;
  S->nso = 2 * N;
  S->ndet = (int)(nsa * nsb);
  S->det = malloc(sizeof(uint64_t) * S->ndet);
  for (int64_t i = 0; i < nsa; i++)
    for (int64_t j = 0; j < nsb; j++) S->det[i * nsb + j] = sa[i] | (sb[j] << N);
  free(sa);
  free(sb);
}

/* Dense H[I][J] = <I|H|J>. */
static double *dense_h(const dspace *S, const double *h, const double *eri, double ecore) {
  int N = S->N, n = S->ndet, M = S->nso;
  double *Hm = calloc((size_t)n * n, sizeof(double));
  for (int J = 0; J < n; J++) {
    Hm[(size_t)J * n + J] += ecore;
    for (int P = 0; P < M; P++)
      for (int Q = 0; Q < M; Q++) {
        if (P / N != Q / N) continue;
        uint64_t d = S->det[J];
        int s = apply(&d, Q, 0);
        if (s) s *= apply(&d, P, 1);
        if (!s) continue;
        Hm[(size_t)det_index(S, d) * n + J] += s * h[(P % N) * N + Q % N];
      }
    /* 1/2 sum (PQ|RS) a+_P a+_R a_S a_Q */
    for (int P = 0; P < M; P++)
      for (int Q = 0; Q < M; Q++) {
        if (P / N != Q / N) continue;
        for (int R = 0; R < M; R++)
          for (int T = 0; T < M; T++) {
            if (R / N != T / N) continue;
            uint64_t d = S->det[J];
            int s = apply(&d, Q, 0);
            if (s) s *= apply(&d, T, 0);
            if (s) s *= apply(&d, R, 1);
            if (s) s *= apply(&d, P, 1);
            if (!s) continue;
            double v = eri[(((P % N) * N + Q % N) * N + R % N) * N + T % N];
            Hm[(size_t)det_index(S, d) * n + J] += 0.5 * s * v;
          }
      }
  }
  return Hm;
}

/* Phase of a+_P a_Q on the spin-orbital string d (Q occupied, P empty). */
static int sc_phase(uint64_t d, int P, int Q) {
  uint64_t e = d & ~(1ull << Q);
  return (__builtin_popcountll(d & ((1ull << Q) - 1)) + __builtin_popcountll(e & ((1ull << P) - 1))) & 1 ? -1 : 1;
}

/* Dense H[I][J] = <I|H|J> from the Slater-Condon rules with spin-orbital
 * integrals h_PQ = h_pq d(s_P, s_Q), (PQ|RS) = (pq|rs) d(s_P, s_Q) d(s_R, s_S). */
static double *dense_sc(const dspace *S, const double *h, const double *eri, double ecore) {
  const int N = S->N, n = S->ndet;
#define SOH(P, Q) ((P) / N == (Q) / N ? h[((P) % N) * N + (Q) % N] : 0.0)
#define SOV(P, Q, R, T)                                                                                          \
  ((P) / N == (Q) / N && (R) / N == (T) / N ? eri[((((P) % N) * N + (Q) % N) * N + (R) % N) * N + (T) % N] : 0.0)
  double *Hm = calloc((size_t)n * n, sizeof(double));
  for (int I = 0; I < n; I++)
    for (int J = 0; J < n; J++) {
      uint64_t a = S->det[I], b = S->det[J], d = a ^ b;
      int ne = __builtin_popcountll(d) / 2;
      double v = 0.0;
      if (ne == 0) {
        v = ecore;
        for (int P = 0; P < 2 * N; P++) {
          if (!(a >> P & 1)) continue;
          v += SOH(P, P);
          for (int Q = 0; Q < 2 * N; Q++)
            if (a >> Q & 1) v += 0.5 * (SOV(P, P, Q, Q) - SOV(P, Q, Q, P));
        }
      } else if (ne == 1) { /* |I> = +-a+_P a_Q |J> */
        int P = __builtin_ctzll(d & a), Q = __builtin_ctzll(d & b);
        v = SOH(P, Q);
        for (int R = 0; R < 2 * N; R++)
          if ((b >> R & 1) && R != Q) v += SOV(P, Q, R, R) - SOV(P, R, R, Q);
        v *= sc_phase(b, P, Q);
      } else if (ne == 2) { /* |I> = +-a+_P1 a+_P2 a_Q2 a_Q1 |J> = E_P1Q1 E_P2Q2 |J> */
        uint64_t pa = d & a, ho = d & b;
        int P1 = __builtin_ctzll(pa), P2 = 63 - __builtin_clzll(pa);
        int Q1 = __builtin_ctzll(ho), Q2 = 63 - __builtin_clzll(ho);
        int s2 = sc_phase(b, P2, Q2);
        uint64_t b2 = (b & ~(1ull << Q2)) | (1ull << P2);
        v = s2 * sc_phase(b2, P1, Q1) * (SOV(P1, Q1, P2, Q2) - SOV(P1, Q2, P2, Q1));
      }
      Hm[(size_t)I * n + J] = v;
    }
#undef SOH
#undef SOV
  return Hm;
}

/* Dense S^2 = S- S+ + Sz + Sz^2 expectation of c. */
static double dense_s2(const dspace *S, const double *c, int na, int nb) {
  int N = S->N;
  double sz = 0.5 * (na - nb), acc = 0.0;
  /* |S+ c|^2 via a map from target bit strings */
  int cap = 4096, cnt = 0;
  uint64_t *key = malloc(sizeof(uint64_t) * cap);
  double *val = malloc(sizeof(double) * cap);
  for (int J = 0; J < S->ndet; J++)
    for (int p = 0; p < N; p++) {
      uint64_t d = S->det[J];
      int s = apply(&d, N + p, 0);
      if (s) s *= apply(&d, p, 1);
      if (!s) continue;
      int k;
      for (k = 0; k < cnt; k++)
        if (key[k] == d) break;
      if (k == cnt) key[cnt] = d, val[cnt++] = 0.0;
      val[k] += s * c[J];
    }
  for (int k = 0; k < cnt; k++) acc += val[k] * val[k];
  free(key);
  free(val);
  return acc + sz + sz * sz;
}

static double maxabs(int64_t n, const double *x) {
  double m = 0;
  for (int64_t i = 0; i < n; i++) m = fabs(x[i]) > m ? fabs(x[i]) : m;
  return m;
}

static void check_case(int N, int na, int nb, unsigned long long seed, int sym) {
  char what[160];
  int nelec = na + nb, ms2 = na - nb;
  size_t n4 = (size_t)N * N * N * N;
  double *h = malloc(sizeof(double) * N * N), *eri = calloc(n4, sizeof(double));
  random_ints_sym(N, h, eri, seed, 0.4, sym);
  qclr_hamiltonian *H = NULL;
  CHECK_RC(qclr_hamiltonian_from_full(N, nelec, ms2, 1.25, h, eri, &H), 0);
  dspace S;
  dspace_build(&S, N, na, nb);
  int n = S.ndet;
  double *Hm = dense_sc(&S, h, eri, 1.25);
  {
    double *Ho = dense_h(&S, h, eri, 1.25), e = 0;
    for (size_t i = 0; i < (size_t)n * n; i++) e = fmax(e, fabs(Ho[i] - Hm[i]));
    CHECK(e < 1e-13, "N=%d na=%d nb=%d: Slater-Condon vs operator dense H: %.3g", N, na, nb, e);
    free(Ho);
  }
  /* Slater-Condon block of the library (Davidson's start) vs dense */
  {
    int64_t *sel = malloc(sizeof(int64_t) * n);
    for (int i = 0; i < n; i++) sel[i] = i;
    double *Hs = malloc(sizeof(double) * (size_t)n * n), e = 0;
    CHECK_RC(qclr__fci_hblock(H, n, sel, Hs), 0);
    for (size_t i = 0; i < (size_t)n * n; i++) e = fmax(e, fabs(Hs[i] - Hm[i]));
    CHECK(e < 1e-12, "N=%d na=%d nb=%d: Slater-Condon block vs dense: %.3g", N, na, nb, e);
    free(sel);
    free(Hs);
  }
  /* sigma vs dense */
  double *c = malloc(sizeof(double) * n), *sg = malloc(sizeof(double) * n), *sg2 = malloc(sizeof(double) * n);
  for (int i = 0; i < n; i++) c[i] = test_rand(&seed);
  CHECK_RC(qclr_set_threads(1), 0);
  CHECK_RC(qclr_fci_sigma(H, c, sg), 0);
  CHECK_RC(qclr_set_threads(2), 0);
  CHECK_RC(qclr_fci_sigma(H, c, sg2), 0);
  double err = 0, scale = maxabs((int64_t)n * n, Hm) * maxabs(n, c) * n, terr = 0;
  for (int I = 0; I < n; I++) {
    double ref = 0;
    for (int J = 0; J < n; J++) ref += Hm[(size_t)I * n + J] * c[J];
    err = fmax(err, fabs(ref - sg[I]));
    terr = fmax(terr, fabs(sg2[I] - sg[I]));
  }
  snprintf(what, sizeof what, "N=%d na=%d nb=%d: sigma vs dense (scale %.3g)", N, na, nb, scale);
  CHECK(err <= 1e-13 * scale + 1e-12, "%s: max diff %.3g", what, err);
  CHECK(terr <= 1e-12, "N=%d na=%d nb=%d: sigma 1 vs 2 threads differ by %.3g", N, na, nb, terr);
  {
    qclr_fci_op *op = NULL;
    CHECK_RC(qclr_fci_op_new(H, &op), 0); /* built with 2 threads */
    CHECK_RC(qclr_set_threads(0), 0);
    CHECK(qclr_fci_op_ndet(op) == n, "operator ndet");
    for (int rep = 0; rep < 2 && op; rep++) { /* reusable */
      CHECK_RC(qclr_fci_op_apply(op, c, sg2), 0);
      CHECK(!memcmp(sg, sg2, sizeof(double) * n), "qclr_fci_op_apply = qclr_fci_sigma bitwise");
    }
    qclr_fci_op_free(op);
  }
  /* eigenvalues */
  double *w = malloc(sizeof(double) * n), *A = malloc(sizeof(double) * (size_t)n * n);
  memcpy(A, Hm, sizeof(double) * (size_t)n * n);
  CHECK(LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', n, A, n, w) == 0, "dsyev");
  int nroots = n >= 3 ? 3 : n;
  qclr_fci_options o;
  qclr_fci_options_default(&o);
  o.nroots = nroots;
  o.tol = 1e-12;
  qclr_set_threads(1);
  qclr_fci *f = NULL;
  CHECK_RC(qclr_fci_solve(H, &o, &f), 0);
  if (f) {
    CHECK(qclr_fci_ndet(f) == n, "ndet");
    for (int k = 0; k < nroots; k++) {
      snprintf(what, sizeof what, "N=%d na=%d nb=%d root %d energy vs dsyev", N, na, nb, k);
      CHECK_CLOSE(qclr_fci_energy(f, k), w[k], 1e-9, what);
    }
    const double *x = qclr_fci_civec(f, 0);
    /* spin-flip symmetry of a nondegenerate ms = 0 ground state: exact */
    if (na == nb && n > 1 && w[1] - w[0] > 1e-3) {
      int64_t ns = (int64_t)sqrt((double)n + 0.5);
      int sym_ok = 1, anti_ok = 1;
      for (int64_t i = 0; i < ns; i++)
        for (int64_t j = 0; j < ns; j++) {
          sym_ok &= x[i * ns + j] == x[j * ns + i];
          anti_ok &= x[i * ns + j] == -x[j * ns + i];
        }
      CHECK(sym_ok || anti_ok, "N=%d na=nb=%d: ground state exactly (anti)symmetric under alpha <-> beta", N, na);
    }
    /* Davidson from the lowest diagonal determinants only (no H0 block
     * solving the space), with 1 and 2 threads: same roots, same vectors */
    if (!sym && n > 3) {
      qclr_fci_options o1 = o;
      qclr_fci *f1 = NULL, *f2 = NULL;
      o1.guess_size = 1;
      CHECK_RC(qclr_fci_solve(H, &o1, &f1), 0);
      qclr_set_threads(2);
      CHECK_RC(qclr_fci_solve(H, &o1, &f2), 0);
      qclr_set_threads(1);
      if (f1 && f2) {
        CHECK(qclr_fci_iterations(f1) > 1, "Davidson iterated (%d)", qclr_fci_iterations(f1));
        double de = 0, dc = 0;
        for (int k = 0; k < nroots; k++) {
          snprintf(what, sizeof what, "N=%d na=%d nb=%d root %d (unit-vector start) vs dsyev", N, na, nb, k);
          CHECK_CLOSE(qclr_fci_energy(f1, k), w[k], 1e-9, what);
          de = fmax(de, fabs(qclr_fci_energy(f1, k) - qclr_fci_energy(f2, k)));
          for (int i = 0; i < n; i++) dc = fmax(dc, fabs(qclr_fci_civec(f1, k)[i] - qclr_fci_civec(f2, k)[i]));
        }
        CHECK(de <= 1e-12 && dc <= 1e-12, "N=%d na=%d nb=%d: Davidson 1 vs 2 threads: energies %.3g, vectors %.3g", N,
              na, nb, de, dc);
      }
      qclr_fci_free(f1);
      qclr_fci_free(f2);
    }
    /* overlap with the dense eigenvector (nondegenerate ground state) */
    double ov = 0;
    for (int i = 0; i < n; i++) ov += x[i] * A[(size_t)i * n + 0];
    if (n > 1 && w[1] - w[0] > 1e-3) CHECK_CLOSE(fabs(ov), 1.0, 1e-8, "ground-state overlap with dsyev vector");
    /* S^2 */
    double s2;
    CHECK_RC(qclr_fci_spin_square(H, x, &s2), 0);
    snprintf(what, sizeof what, "N=%d na=%d nb=%d <S^2> vs dense", N, na, nb);
    CHECK_CLOSE(s2, dense_s2(&S, x, na, nb), 1e-10, what);
    double Sq = 0.5 * (-1 + sqrt(1 + 4 * s2));
    CHECK(fabs(Sq * 2 - floor(Sq * 2 + 0.5)) < 1e-6, "<S^2> = %.12f is S(S+1) for half-integer S", s2);
    /* RDMs */
    double *r1 = malloc(sizeof(double) * N * N), *r2 = malloc(sizeof(double) * n4);
    double *r1b = malloc(sizeof(double) * N * N), *r2b = malloc(sizeof(double) * n4);
    CHECK_RC(qclr_set_threads(1), 0);
    CHECK_RC(qclr_fci_rdm12(H, x, r1, r2), 0);
    CHECK_RC(qclr_set_threads(2), 0);
    CHECK_RC(qclr_fci_rdm12(H, x, r1b, r2b), 0);
    CHECK_RC(qclr_set_threads(0), 0);
    double tr = 0, e = 1.25, rerr = 0, terr2 = 0;
    for (int p = 0; p < N; p++) tr += r1[p * N + p];
    snprintf(what, sizeof what, "N=%d na=%d nb=%d trace rdm1", N, na, nb);
    CHECK_CLOSE(tr, nelec, 1e-10, what);
    for (int p = 0; p < N; p++)
      for (int q = 0; q < N; q++) {
        double pt = 0;
        for (int r = 0; r < N; r++) pt += r2[((size_t)(p * N + q) * N + r) * N + r];
        rerr = fmax(rerr, fabs(pt - (nelec - 1) * r1[p * N + q]));
        e += h[p * N + q] * r1[p * N + q];
      }
    for (size_t i = 0; i < n4; i++) {
      e += 0.5 * eri[i] * r2[i];
      terr2 = fmax(terr2, fabs(r2[i] - r2b[i]));
    }
    CHECK(rerr < 1e-10, "partial trace of rdm2 = (n-1) rdm1: err %.3g", rerr);
    CHECK(terr2 < 1e-12, "rdm2 with 1 vs 2 threads: %.3g", terr2);
    snprintf(what, sizeof what, "N=%d na=%d nb=%d energy from RDMs", N, na, nb);
    CHECK_CLOSE(e, qclr_fci_energy(f, 0), 1e-10, what);
    /* rdm1 vs dense: <E_pq> = c^T E_pq c from bit strings */
    double r1err = 0;
    for (int p = 0; p < N; p++)
      for (int q = 0; q < N; q++) {
        double ref = 0;
        for (int sp = 0; sp < 2; sp++)
          for (int J = 0; J < n; J++) {
            uint64_t d = S.det[J];
            int s = apply(&d, q + sp * N, 0);
            if (s) s *= apply(&d, p + sp * N, 1);
            if (s) ref += s * x[det_index(&S, d)] * x[J];
          }
        r1err = fmax(r1err, fabs(ref - r1[p * N + q]));
      }
    CHECK(r1err < 1e-12, "rdm1 vs dense: %.3g", r1err);
    double occ[64];
    CHECK_RC(qclr_fci_natural_occupations(N, r1, occ), 0);
    double so = 0;
    for (int p = 0; p < N; p++) so += occ[p];
    CHECK_CLOSE(so, nelec, 1e-10, "sum of natural occupations");
    CHECK(occ[0] >= occ[N - 1] && occ[0] <= 2 + 1e-10 && occ[N - 1] >= -1e-10, "occupations in [0,2], descending");
    free(r1); free(r2); free(r1b); free(r2b);
  }
  qclr_fci_free(f);
  free(w); free(A); free(c); free(sg); free(sg2); free(Hm); free(S.det); free(h); free(eri);
  qclr_hamiltonian_free(H);
}

static void test_errors_and_mp2(void) {
  int N = 6;
  size_t n4 = (size_t)N * N * N * N;
  double *h = malloc(sizeof(double) * N * N), *eri = calloc(n4, sizeof(double));
  random_ints(N, h, eri, 99, 1.0);
  qclr_hamiltonian *H = NULL;
  CHECK_RC(qclr_hamiltonian_from_full(N, 6, 0, 0.0, h, eri, &H), 0);
  qclr_fci_options o;
  qclr_fci *f = (qclr_fci *)1;
  qclr_fci_options_default(&o);
  o.nroots = 0;
  CHECK_RC(qclr_fci_solve(H, &o, &f), QCLR_EINVAL);
  CHECK(f == NULL, "out cleared on error");
  qclr_fci_options_default(&o);
  o.max_bytes = 1000;
  CHECK_RC(qclr_fci_solve(H, &o, &f), QCLR_ETOOLARGE);
  CHECK(strstr(qclr_last_error(), "bytes") != NULL, "message gives bytes: %s", qclr_last_error());
  qclr_fci_options_default(&o);
  o.max_iter = 1;
  o.guess_size = 1; /* else the H0 block is the whole 400-determinant space */
  CHECK_RC(qclr_fci_solve(H, &o, &f), QCLR_WNOTCONVERGED);
  CHECK(f && !qclr_fci_converged(f), "not converged flagged");
  qclr_fci_free(f);
  o.max_iter = 200;
  o.guess_size = 0;
  o.residual_tol = -1;
  CHECK_RC(qclr_fci_solve(H, &o, &f), QCLR_EINVAL);
  o.residual_tol = 1e-11; /* tighter residual than the default sqrt(tol) */
  o.guess_size = 1;
  CHECK_RC(qclr_fci_solve(H, &o, &f), 0);
  if (f) CHECK(qclr_fci_residual(f, 0) <= 1e-11, "residual_tol honoured: %.3g", qclr_fci_residual(f, 0));
  qclr_fci_free(f);
  o.residual_tol = 0;
  o.guess_size = -1;
  CHECK_RC(qclr_fci_solve(H, &o, &f), QCLR_EINVAL);
  o.guess_size = 0;
  o.nroots = 401;
  CHECK_RC(qclr_fci_solve(H, &o, &f), QCLR_EINVAL);
  CHECK_RC(qclr_fci_sigma(H, NULL, NULL), QCLR_EINVAL);
  CHECK_RC(qclr_fci_op_new(NULL, NULL), QCLR_EINVAL);
  CHECK_RC(qclr_fci_op_apply(NULL, NULL, NULL), QCLR_EINVAL);
  qclr_fci_op_free(NULL);
  qclr_fci_free(NULL);

  /* MP2 invariance under occupied-occupied / virtual-virtual rotations */
  double e1, e2;
  CHECK_RC(qclr_mp2_energy(H, &e1), 0);
  double U[36] = {0};
  unsigned long long seed = 5;
  /* Givens rotations inside the blocks {0,1,2} and {3,4,5} */
  for (int p = 0; p < N; p++) U[p * N + p] = 1;
  int pairs[4][2] = {{0, 1}, {1, 2}, {3, 5}, {4, 5}};
  for (int k = 0; k < 4; k++) {
    double t = test_rand(&seed), cs = cos(t), sn = sin(t);
    int a = pairs[k][0], b = pairs[k][1];
    for (int r = 0; r < N; r++) {
      double x = U[r * N + a], y = U[r * N + b];
      U[r * N + a] = cs * x - sn * y;
      U[r * N + b] = sn * x + cs * y;
    }
  }
  double *h2 = calloc(N * N, sizeof(double)), *eri2 = calloc(n4, sizeof(double)), *tmp = calloc(n4, sizeof(double));
  for (int p = 0; p < N; p++)
    for (int q = 0; q < N; q++)
      for (int a = 0; a < N; a++)
        for (int b = 0; b < N; b++) h2[p * N + q] += U[a * N + p] * U[b * N + q] * h[a * N + b];
  /* four quarter transforms, cycling the index to the end each time */
  memcpy(tmp, eri, sizeof(double) * n4);
  for (int t = 0; t < 4; t++) {
    memset(eri2, 0, sizeof(double) * n4);
    for (int a = 0; a < N; a++)
      for (int j = 0; j < N * N * N; j++)
        for (int p = 0; p < N; p++) eri2[(size_t)j * N + p] += U[a * N + p] * tmp[(size_t)a * N * N * N + j];
    memcpy(tmp, eri2, sizeof(double) * n4);
  }
  qclr_hamiltonian *H2 = NULL;
  CHECK_RC(qclr_hamiltonian_from_full(N, 6, 0, 0.0, h2, eri2, &H2), 0);
  CHECK_RC(qclr_mp2_energy(H2, &e2), 0);
  CHECK_CLOSE(e1, e2, 1e-11, "MP2 invariant under occ-occ and vir-vir rotations");
  CHECK(e1 < 0, "MP2 correlation energy negative: %g", e1);
  /* FCI energy invariant under the same rotation too */
  qclr_fci_options_default(&o);
  qclr_fci *f1 = NULL, *f2 = NULL;
  CHECK_RC(qclr_fci_solve(H, &o, &f1), 0);
  CHECK_RC(qclr_fci_solve(H2, &o, &f2), 0);
  if (f1 && f2) CHECK_CLOSE(qclr_fci_energy(f1, 0), qclr_fci_energy(f2, 0), 1e-9, "FCI energy rotation invariant");
  qclr_fci_free(f1);
  qclr_fci_free(f2);
  CHECK_RC(qclr_hamiltonian_set_electrons(H2, 5, 1), 0);
  CHECK_RC(qclr_mp2_energy(H2, &e2), QCLR_EUNSUPPORTED);
  qclr_hamiltonian_free(H);
  qclr_hamiltonian_free(H2);
  free(h); free(eri); free(h2); free(eri2); free(tmp);
}

/* Open-shell sectors: the lowest state with MS2 = 2 is the lowest state of
 * the MS2 = 0 space with S >= 1 (dense eigenvectors and dense S^2). */
static void test_spin_sectors(int N, int npair, unsigned long long seed) {
  size_t n4 = (size_t)N * N * N * N;
  double *h = malloc(sizeof(double) * N * N), *eri = calloc(n4, sizeof(double));
  random_ints(N, h, eri, seed, 0.4);
  dspace S;
  dspace_build(&S, N, npair, npair);
  int n = S.ndet;
  double *A = dense_sc(&S, h, eri, -0.5), *w = malloc(sizeof(double) * n), *col = malloc(sizeof(double) * n);
  CHECK(LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', n, A, n, w) == 0, "dsyev");
  double elow = INFINITY;
  for (int k = 0; k < n && isinf(elow); k++) {
    for (int i = 0; i < n; i++) col[i] = A[(size_t)i * n + k];
    if (dense_s2(&S, col, npair, npair) > 1.0) elow = w[k];
  }
  qclr_hamiltonian *H = NULL;
  CHECK_RC(qclr_hamiltonian_from_full(N, 2 * npair, 2, -0.5, h, eri, &H), 0);
  qclr_fci *f = NULL;
  qclr_fci_options o;
  qclr_fci_options_default(&o);
  o.tol = 1e-12;
  CHECK_RC(qclr_fci_solve(H, &o, &f), 0);
  if (f) {
    CHECK_CLOSE(qclr_fci_energy(f, 0), elow, 1e-9, "lowest MS2 = 2 state = lowest S >= 1 state of MS2 = 0");
    double s2;
    CHECK_RC(qclr_fci_spin_square(H, qclr_fci_civec(f, 0), &s2), 0);
    CHECK(s2 > 1.999999, "MS2 = 2 state has S >= 1: <S^2> = %.12f", s2);
  }
  qclr_fci_free(f);
  qclr_hamiltonian_free(H);
  free(h); free(eri); free(A); free(w); free(col); free(S.det);
}

int main(void) {
  check_case(2, 1, 1, 1, 0);
  check_case(4, 2, 2, 2, 0);
  check_case(5, 3, 2, 3, 0);
  check_case(5, 2, 0, 4, 0);
  check_case(5, 4, 1, 5, 0);
  check_case(5, 1, 3, 10, 0); /* MS2 < 0 */
  check_case(5, 0, 2, 11, 0); /* no alpha electrons */
  check_case(4, 4, 1, 12, 0); /* full alpha string */
  check_case(6, 3, 3, 6, 0);
  check_case(6, 4, 2, 7, 0);
  check_case(6, 2, 1, 8, 0);
  check_case(6, 6, 0, 9, 0);
  check_case(6, 3, 3, 13, 1); /* hidden point-group symmetry: V block diagonal over pair irreps */
  check_case(6, 2, 4, 14, 1);
  check_case(5, 3, 2, 15, 1);
  test_spin_sectors(5, 2, 16);
  test_spin_sectors(6, 3, 17);
  test_errors_and_mp2();
  return test_done("test_fci");
}
