/* src/core/mp2.c: closed-shell MP2 correlation energy in semicanonical orbitals.
 * The occupied-occupied and virtual-virtual blocks of the Fock matrix are
 * diagonalized, (ia|jb) is transformed to those orbitals, and
 * E2 = sum_ijab (ia|jb) [2 (ia|jb) - (ib|ja)] / (e_i + e_j - e_a - e_b). */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/eigen_internal.h"
#include "core/internal.h"
#include "qclr/hamiltonian.h"
#undef I /* complex.h (pulled in by OpenBLAS headers) defines I */

/* Eigenvectors of the n x n block of F starting at orbital o (columns of U, N x n rows = orbitals). */
static int block_eig(const double *F, int N, int o, int n, double *U, double *e) {
  if (n == 0) return 0;
  double *a = qclr__malloc((size_t)n * n, sizeof(double), "Fock block");
  if (!a) return QCLR_ENOMEM;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) a[i * n + j] = 0.5 * (F[(o + i) * N + o + j] + F[(o + j) * N + o + i]);
  int info = qclr__eigh_sym('V', n, a, n, e, "Fock block");
  if (info) {
    free(a);
    return info;
  }
  memcpy(U, a, (size_t)n * n * sizeof(double));
  free(a);
  return 0;
}

int qclr_mp2_energy(const qclr_hamiltonian *H, double *e_corr) {
  qclr__clear();
  if (!H || !e_corr) return qclr__error(QCLR_EINVAL, "qclr_mp2_energy: NULL argument");
  if (qclr_hamiltonian_ms2(H) != 0)
    return qclr__error(QCLR_EUNSUPPORTED, "MP2 is implemented for closed shells only (MS2 = %d)",
                       qclr_hamiltonian_ms2(H));
  const int N = (int)qclr_hamiltonian_norb(H), no = qclr_hamiltonian_nalpha(H), nv = N - no;
  *e_corr = 0.0;
  if (no == 0 || nv == 0) return 0;
  int rc = 0;
  double *F = qclr__malloc((size_t)N * N, sizeof(double), "Fock matrix");
  double *Uo = qclr__malloc((size_t)no * no, sizeof(double), "occupied rotation");
  double *Uv = qclr__malloc((size_t)nv * nv, sizeof(double), "virtual rotation");
  double *eo = qclr__malloc((size_t)no, sizeof(double), "occupied energies");
  double *evv = qclr__malloc((size_t)nv, sizeof(double), "virtual energies");
  /* (ia|jb) in stages: A[i][q][r][s] -> B[i][a][r][s] -> ... kept as ovov */
  size_t n3 = (size_t)N * N * N;
  double *A = qclr__malloc((size_t)no * n3, sizeof(double), "MP2 quarter transform");
  double *B = qclr__malloc((size_t)no * nv * N * N, sizeof(double), "MP2 half transform");
  double *C = qclr__malloc((size_t)no * nv * no * N, sizeof(double), "MP2 three-quarter transform");
  double *G = qclr__malloc((size_t)no * nv * no * nv, sizeof(double), "MP2 (ia|jb)");
  if (!F || !Uo || !Uv || !eo || !evv || !A || !B || !C || !G) {
    rc = QCLR_ENOMEM;
    goto done;
  }
  if ((rc = qclr_hamiltonian_fock(H, F, NULL))) goto done;
  if ((rc = block_eig(F, N, 0, no, Uo, eo)) || (rc = block_eig(F, N, no, nv, Uv, evv))) goto done;
  /* A[i,q,r,s] = sum_p Uo[p,i] (pq|rs), p over occupied */
  for (int i = 0; i < no; i++)
    for (int q = 0; q < N; q++)
      for (int r = 0; r < N; r++)
        for (int s = 0; s < N; s++) {
          double x = 0.0;
          for (int p = 0; p < no; p++) x += Uo[p * no + i] * qclr_hamiltonian_eri(H, p, q, r, s);
          A[((size_t)(i * N + q) * N + r) * N + s] = x;
        }
  for (int i = 0; i < no; i++)
    for (int a = 0; a < nv; a++)
      for (int r = 0; r < N; r++)
        for (int s = 0; s < N; s++) {
          double x = 0.0;
          for (int q = 0; q < nv; q++) x += Uv[q * nv + a] * A[((size_t)(i * N + no + q) * N + r) * N + s];
          B[((size_t)(i * nv + a) * N + r) * N + s] = x;
        }
  for (size_t ia = 0; ia < (size_t)no * nv; ia++)
    for (int j = 0; j < no; j++)
      for (int s = 0; s < N; s++) {
        double x = 0.0;
        for (int r = 0; r < no; r++) x += Uo[r * no + j] * B[(ia * N + r) * N + s];
        C[(ia * no + j) * N + s] = x;
      }
  for (size_t iaj = 0; iaj < (size_t)no * nv * no; iaj++)
    for (int b = 0; b < nv; b++) {
      double x = 0.0;
      for (int s = 0; s < nv; s++) x += Uv[s * nv + b] * C[iaj * N + no + s];
      G[iaj * nv + b] = x;
    }
  double e = 0.0;
  for (int i = 0; i < no; i++)
    for (int a = 0; a < nv; a++)
      for (int j = 0; j < no; j++)
        for (int b = 0; b < nv; b++) {
          double iajb = G[((size_t)(i * nv + a) * no + j) * nv + b];
          double ibja = G[((size_t)(i * nv + b) * no + j) * nv + a];
          double den = eo[i] + eo[j] - evv[a] - evv[b];
          if (!(fabs(den) > 1e-12)) {
            rc = qclr__error(QCLR_ENUMERIC, "MP2 denominator e_i + e_j - e_a - e_b = %g is zero", den);
            goto done;
          }
          e += iajb * (2.0 * iajb - ibja) / den;
        }
  *e_corr = e;
done:
  free(F); free(Uo); free(Uv); free(eo); free(evv); free(A); free(B); free(C); free(G);
  return rc;
}
