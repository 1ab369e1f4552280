/* tests/test_pauli.c: Jordan-Wigner Pauli sums against a brute-force fermionic
 * matrix (ladder operators on occupation bitstrings with explicit JW signs),
 * QWC grouping validity, per-group moments against dense linear algebra, and
 * the published term counts (H2/STO-3G 15, H2O/STO-3G 1086). */
#include <complex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qclr/error.h"
#include "qclr/givens.h"
#include "qclr/hamiltonian.h"
#include "qclr/pauli.h"
#include "qclr/strings.h"
#include "testutil.h"

#define N 3
#define NQ (2 * N)
#define DIM (1 << NQ)

/* a_j or a+_j on basis state b: returns new state or -1, sign in *s */
static long ladder(long b, int j, int dag, double *s) {
  if (((b >> j) & 1) == dag) return -1;
  if (__builtin_popcountl(b & ((1l << j) - 1)) & 1) *s = -*s;
  return b ^ (1l << j);
}

static double eri[N][N][N][N];

static void fermion_matrix(const double *h, double ecore, double *M) {
  memset(M, 0, sizeof(double) * DIM * DIM);
  for (long b = 0; b < DIM; b++) {
    M[b * DIM + b] += ecore;
    for (int P = 0; P < NQ; P++)
      for (int Q = 0; Q < NQ; Q++) {
        if ((P < N) != (Q < N)) continue;
        double s = 1;
        long c = ladder(b, Q, 0, &s);
        if (c >= 0) c = ladder(c, P, 1, &s);
        if (c >= 0) M[c * DIM + b] += s * h[(P % N) * N + Q % N];
        for (int R = 0; R < NQ; R++)
          for (int S = 0; S < NQ; S++) {
            if ((R < N) != (S < N)) continue;
            double t = 1;
            long d = ladder(b, Q, 0, &t);
            if (d >= 0) d = ladder(d, S, 0, &t);
            if (d >= 0) d = ladder(d, R, 1, &t);
            if (d >= 0) d = ladder(d, P, 1, &t);
            if (d >= 0) M[d * DIM + b] += 0.5 * t * eri[P % N][Q % N][R % N][S % N];
          }
      }
  }
}

/* <c|P|b> for a Pauli string (x, z masks): P|b> = phase |b^x> */
static double complex pauli_apply(uint64_t x, uint64_t z, long b, long *out) {
  double complex ph = 1;
  for (int q = 0; q < NQ; q++) {
    int bit = (b >> q) & 1, xq = (x >> q) & 1, zq = (z >> q) & 1;
    if (xq && zq) ph *= bit ? -I : I; /* Y|0> = i|1>, Y|1> = -i|0> */
    else if (zq && bit) ph = -ph;
  }
  *out = b ^ (long)x;
  return ph;
}

int main(void) {
  unsigned long long seed = 5;
  double h[N * N], *full = malloc(sizeof(double) * N * N * N * N);
  for (int p = 0; p < N; p++)
    for (int q = 0; q <= p; q++) h[p * N + q] = h[q * N + p] = test_rand(&seed);
  for (int p = 0; p < N; p++)
    for (int q = 0; q <= p; q++)
      for (int r = 0; r < N; r++)
        for (int s = 0; s <= r; s++) {
          if (r * N + s > p * N + q) continue;
          double v = test_rand(&seed);
          int idx[8][4] = {{p, q, r, s}, {q, p, r, s}, {p, q, s, r}, {q, p, s, r},
                           {r, s, p, q}, {s, r, p, q}, {r, s, q, p}, {s, r, q, p}};
          for (int k = 0; k < 8; k++) eri[idx[k][0]][idx[k][1]][idx[k][2]][idx[k][3]] = v;
        }
  memcpy(full, eri, sizeof eri);
  qclr_hamiltonian *H;
  CHECK_RC(qclr_hamiltonian_from_full(N, 3, 1, 0.7, h, full, &H), 0);
  qclr_pauli_sum *ps;
  CHECK_RC(qclr_pauli_from_hamiltonian(H, 1e-12, &ps), 0);
  double *F = malloc(sizeof(double) * DIM * DIM), *Pm = calloc(DIM * DIM, sizeof(double));
  fermion_matrix(h, 0.7, F);
  double complex *Pc = calloc(DIM * DIM, sizeof(double complex));
  for (int64_t k = 0; k < qclr_pauli_count(ps); k++) {
    uint64_t x, z;
    double c;
    qclr_pauli_term(ps, k, &x, &z, &c);
    for (long b = 0; b < DIM; b++) {
      long o;
      double complex ph = pauli_apply(x, z, b, &o);
      Pc[o * DIM + b] += c * ph;
    }
  }
  double err = 0;
  for (long k = 0; k < DIM * DIM; k++) {
    err = fmax(err, cabs(Pc[k] - F[k]));
    Pm[k] = creal(Pc[k]);
  }
  CHECK(err <= 1e-12, "Pauli sum vs fermionic matrix: %.3g", err);
  char lab[NQ + 1];
  qclr_pauli_label(ps, 0, lab);
  CHECK(!strcmp(lab, "IIIIII"), "identity first: %s", lab);

  /* QWC groups: every pair inside a group commutes qubit-wise */
  int64_t nt = qclr_pauli_count(ps), ng, *grp = malloc(sizeof(int64_t) * nt);
  CHECK_RC(qclr_pauli_qwc_groups(ps, grp, &ng), 0);
  int bad = 0;
  for (int64_t a = 0; a < nt; a++)
    for (int64_t b = a + 1; b < nt; b++) {
      if (grp[a] != grp[b] || grp[a] < 0) continue;
      uint64_t xa, za, xb, zb;
      qclr_pauli_term(ps, a, &xa, &za, NULL);
      qclr_pauli_term(ps, b, &xb, &zb, NULL);
      uint64_t both = (xa | za) & (xb | zb);
      if (((xa ^ xb) & both) || ((za ^ zb) & both)) bad++;
    }
  CHECK(bad == 0 && grp[0] == -1 && ng > 0 && ng < nt, "QWC groups: %d violations, %lld groups", bad,
        (long long)ng);

  /* moments in a random CI vector of (2 alpha, 1 beta) */
  uint64_t *sa, *sb;
  int64_t na, nb;
  qclr_ci_strings(N, 2, &sa, &na);
  qclr_ci_strings(N, 1, &sb, &nb);
  double *c = malloc(sizeof(double) * na * nb), nrm = 0, *psi = calloc(DIM, sizeof(double));
  for (int64_t k = 0; k < na * nb; k++) c[k] = test_rand(&seed), nrm += c[k] * c[k];
  for (int64_t a = 0; a < na; a++)
    for (int64_t b = 0; b < nb; b++) psi[sa[a] | (sb[b] << N)] = c[a * nb + b] /= sqrt(nrm);
  double *mean = malloc(sizeof(double) * ng), *var = malloc(sizeof(double) * ng);
  CHECK_RC(qclr_pauli_group_moments(ps, grp, ng, 2, 1, c, mean, var), 0);
  double etot = 0, eref = 0;
  qclr_pauli_term(ps, 0, NULL, NULL, &etot);
  for (long b = 0; b < DIM; b++)
    for (long d = 0; d < DIM; d++) eref += psi[b] * F[b * DIM + d] * psi[d];
  double *A = malloc(sizeof(double) * DIM * DIM), *Ap = malloc(sizeof(double) * DIM);
  double verr = 0;
  for (int64_t g = 0; g < ng; g++) {
    memset(A, 0, sizeof(double) * DIM * DIM);
    for (int64_t k = 0; k < nt; k++) {
      if (grp[k] != g) continue;
      uint64_t x, z;
      double cf;
      qclr_pauli_term(ps, k, &x, &z, &cf);
      for (long b = 0; b < DIM; b++) {
        long o;
        double complex ph = pauli_apply(x, z, b, &o);
        A[o * DIM + b] += cf * creal(ph);
      }
    }
    double m = 0, m2 = 0;
    for (long b = 0; b < DIM; b++) {
      Ap[b] = 0;
      for (long d = 0; d < DIM; d++) Ap[b] += A[b * DIM + d] * psi[d];
      m += psi[b] * Ap[b];
      m2 += Ap[b] * Ap[b];
    }
    verr = fmax(verr, fabs(mean[g] - m) + fabs(var[g] - (m2 - m * m)));
    etot += mean[g];
  }
  CHECK(verr <= 1e-12, "QWC group mean/variance vs dense: %.3g", verr);
  CHECK_CLOSE(etot, eref, 1e-12, "sum of QWC group means = <H>");
  free(A), free(Ap), free(mean), free(var), free(c), free(psi), free(sa), free(sb), free(grp);
  free(F), free(Pm), free(Pc), free(full);
  qclr_pauli_free(ps);
  qclr_hamiltonian_free(H);

  /* errors */
  CHECK_RC(qclr_hamiltonian_new(33, 2, 0, &H), 0);
  CHECK_RC(qclr_pauli_from_hamiltonian(H, 1e-12, &ps), QCLR_ETOOLARGE);
  CHECK(ps == NULL, "no output on error");
  qclr_hamiltonian_free(H);
  qclr_pauli_free(NULL);
  return test_done("test_pauli");
}
