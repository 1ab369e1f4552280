/* tests/test_fci.c: FCI strings, sigma, Davidson, RDMs, <S^2>, MP2 on random
 * in-memory Hamiltonians.  Reference: a dense Hamiltonian built here in the
 * spin-orbital determinant basis by applying a+ a+ a a to bit strings (Jordan-
 * Wigner signs, spin-orbital P = p for alpha, N + p for beta, so the
 * determinant order and sign are those of CONVENTIONS §2), diagonalized with
 * LAPACKE dsyev.  Tolerances: sigma 1e-12 (relative to max |H_IJ| |c|),
 * eigenvalues 1e-9 Ha, RDM identities 1e-10, <S^2> 1e-9, threads 1e-12. */
#include <lapacke.h>
#include <stdint.h>
#include <stdlib.h>

#include "qclr.h"
#include "testutil.h"
#undef I /* complex.h (pulled in by OpenBLAS headers) defines I */

/* internal (src/fci_internal.h): the Slater-Condon block used for Davidson's start */
int qclr__fci_hblock(const qclr_hamiltonian *H, int64_t nsel, const int64_t *sel, double *Hout, int nthreads);

static void random_ints(int N, double *h, double *eri, unsigned long long seed, double diag_shift) {
  for (int p = 0; p < N; p++)
    for (int q = 0; q <= p; q++) h[p * N + q] = h[q * N + p] = 0.3 * test_rand(&seed) + (p == q ? diag_shift * p : 0);
  for (int p = 0; p < N; p++)
    for (int q = 0; q <= p; q++)
      for (int r = 0; r < N; r++)
        for (int s = 0; s <= r; s++) {
          if (r * (r + 1) / 2 + s > p * (p + 1) / 2 + q) continue;
          double v = 0.1 * test_rand(&seed);
          if (p == q && r == s) v += 0.5;
          int idx[8][4] = {{p, q, r, s}, {q, p, r, s}, {p, q, s, r}, {q, p, s, r},
                           {r, s, p, q}, {s, r, p, q}, {r, s, q, p}, {s, r, q, p}};
          for (int k = 0; k < 8; k++) eri[((idx[k][0] * N + idx[k][1]) * N + idx[k][2]) * N + idx[k][3]] = v;
        }
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
  qclr_fci_strings(N, na, &sa, &nsa);
  qclr_fci_strings(N, nb, &sb, &nsb);
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

static void check_case(int N, int na, int nb, unsigned long long seed) {
  char what[160];
  int nelec = na + nb, ms2 = na - nb;
  size_t n4 = (size_t)N * N * N * N;
  double *h = malloc(sizeof(double) * N * N), *eri = calloc(n4, sizeof(double));
  random_ints(N, h, eri, seed, 0.4);
  qclr_hamiltonian *H = NULL;
  CHECK_RC(qclr_hamiltonian_from_full(&H, N, nelec, ms2, 1.25, h, eri), 0);
  dspace S;
  dspace_build(&S, N, na, nb);
  int n = S.ndet;
  double *Hm = dense_h(&S, h, eri, 1.25);
  /* Slater-Condon block of the library (Davidson's start) vs dense */
  {
    int64_t *sel = malloc(sizeof(int64_t) * n);
    for (int i = 0; i < n; i++) sel[i] = i;
    double *Hs = malloc(sizeof(double) * (size_t)n * n), e = 0;
    CHECK_RC(qclr__fci_hblock(H, n, sel, Hs, 1), 0);
    for (size_t i = 0; i < (size_t)n * n; i++) e = fmax(e, fabs(Hs[i] - Hm[i]));
    CHECK(e < 1e-12, "N=%d na=%d nb=%d: Slater-Condon block vs dense: %.3g", N, na, nb, e);
    free(sel);
    free(Hs);
  }
  /* sigma vs dense */
  double *c = malloc(sizeof(double) * n), *sg = malloc(sizeof(double) * n), *sg2 = malloc(sizeof(double) * n);
  for (int i = 0; i < n; i++) c[i] = test_rand(&seed);
  CHECK_RC(qclr_fci_sigma(H, c, sg, 1), 0);
  CHECK_RC(qclr_fci_sigma(H, c, sg2, 2), 0);
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
  /* eigenvalues */
  double *w = malloc(sizeof(double) * n), *A = malloc(sizeof(double) * (size_t)n * n);
  memcpy(A, Hm, sizeof(double) * (size_t)n * n);
  CHECK(LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', n, A, n, w) == 0, "dsyev");
  int nroots = n >= 3 ? 3 : n;
  qclr_fci_options o;
  qclr_fci_options_default(&o);
  o.nroots = nroots;
  o.tol = 1e-12;
  o.nthreads = 1;
  qclr_fci *f = NULL;
  CHECK_RC(qclr_fci_solve(H, &o, &f), 0);
  if (f) {
    CHECK(qclr_fci_ndet(f) == n, "ndet");
    for (int k = 0; k < nroots; k++) {
      snprintf(what, sizeof what, "N=%d na=%d nb=%d root %d energy vs dsyev", N, na, nb, k);
      CHECK_CLOSE(qclr_fci_energy(f, k), w[k], 1e-9, what);
    }
    const double *x = qclr_fci_civec(f, 0);
    /* overlap with the dense eigenvector (nondegenerate ground state) */
    double ov = 0;
    for (int i = 0; i < n; i++) ov += x[i] * A[(size_t)i * n + 0];
    if (n > 1 && w[1] - w[0] > 1e-3) CHECK_CLOSE(fabs(ov), 1.0, 1e-8, "ground-state overlap with dsyev vector");
    /* S^2 */
    double s2;
    CHECK_RC(qclr_fci_spin_square(H, x, &s2, 2), 0);
    snprintf(what, sizeof what, "N=%d na=%d nb=%d <S^2> vs dense", N, na, nb);
    CHECK_CLOSE(s2, dense_s2(&S, x, na, nb), 1e-10, what);
    double Sq = 0.5 * (-1 + sqrt(1 + 4 * s2));
    CHECK(fabs(Sq * 2 - floor(Sq * 2 + 0.5)) < 1e-6, "<S^2> = %.12f is S(S+1) for half-integer S", s2);
    /* RDMs */
    double *r1 = malloc(sizeof(double) * N * N), *r2 = malloc(sizeof(double) * n4);
    double *r1b = malloc(sizeof(double) * N * N), *r2b = malloc(sizeof(double) * n4);
    CHECK_RC(qclr_fci_rdm12(H, x, r1, r2, 1), 0);
    CHECK_RC(qclr_fci_rdm12(H, x, r1b, r2b, 2), 0);
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

static void test_strings(void) {
  uint64_t *s;
  int64_t n;
  CHECK_RC(qclr_fci_strings(6, 3, &s, &n), 0);
  CHECK(n == 20, "C(6,3) = 20, got %lld", (long long)n);
  int ok = 1;
  for (int64_t i = 0; i < n; i++) {
    ok &= __builtin_popcountll(s[i]) == 3 && qclr_fci_string_index(s[i]) == i;
    if (i) ok &= s[i] > s[i - 1];
  }
  CHECK(ok, "strings ascending with 3 bits, index = position");
  /* brute force: every 3-bit pattern below 2^6 appears */
  int cnt = 0;
  for (uint64_t x = 0; x < 64; x++) cnt += __builtin_popcountll(x) == 3;
  CHECK(cnt == n, "count by brute force");
  free(s);
  CHECK_RC(qclr_fci_strings(65, 3, &s, &n), QCLR_EINVAL);
  CHECK_RC(qclr_fci_strings(4, 5, &s, &n), QCLR_EINVAL);
  CHECK_RC(qclr_fci_strings(64, 32, &s, &n), QCLR_ETOOLARGE);
  CHECK_RC(qclr_fci_strings(5, 0, &s, &n), 0);
  CHECK(n == 1 && s[0] == 0, "empty string");
  free(s);
}

static void test_errors_and_mp2(void) {
  int N = 6;
  size_t n4 = (size_t)N * N * N * N;
  double *h = malloc(sizeof(double) * N * N), *eri = calloc(n4, sizeof(double));
  random_ints(N, h, eri, 99, 1.0);
  qclr_hamiltonian *H = NULL;
  CHECK_RC(qclr_hamiltonian_from_full(&H, N, 6, 0, 0.0, h, eri), 0);
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
  o.nroots = 401;
  CHECK_RC(qclr_fci_solve(H, &o, &f), QCLR_EINVAL);
  CHECK_RC(qclr_fci_sigma(H, NULL, NULL, 1), QCLR_EINVAL);
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
  CHECK_RC(qclr_hamiltonian_from_full(&H2, N, 6, 0, 0.0, h2, eri2), 0);
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

int main(void) {
  test_strings();
  check_case(2, 1, 1, 1);
  check_case(4, 2, 2, 2);
  check_case(5, 3, 2, 3);
  check_case(5, 2, 0, 4);
  check_case(5, 4, 1, 5);
  check_case(6, 3, 3, 6);
  check_case(6, 4, 2, 7);
  check_case(6, 2, 1, 8);
  check_case(6, 6, 0, 9);
  test_errors_and_mp2();
  return test_done("test_fci");
}
