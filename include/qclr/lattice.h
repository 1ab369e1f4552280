/* qclr/lattice.h: lattice model Hamiltonians built in memory.
 *
 *  - Hubbard (1D/2D, open or periodic) in the site basis;
 *  - jellium in a cubic cell, dual (position) plane-wave basis or real plane waves.
 *
 * Sources: src/model/.  Lengths bohr, energies Hartree.
 */
#ifndef QCLR_LATTICE_H
#define QCLR_LATTICE_H

#include <stdint.h>

#include "qclr/hamiltonian.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Hubbard (src/model/hubbard.c) --------------------------------------------- */
/* nx x ny sites (ny = 1 for 1D), site index x*ny + y; h_ij = -t for nearest
 * neighbours (periodic wraps when the side has >= 3 sites; a side of 2 has one
 * bond), (ii|ii) = U.  nelec electrons, ms2 = nelec % 2.  O(N^4) memory. */
int qclr_hubbard(int64_t nx, int64_t ny, double t, double u, int periodic, int nelec,
                 qclr_hamiltonian **out);

/* ---- jellium (src/model/jellium.c) --------------------------------------------- */
/* Cubic cell of side `length` (bohr), grid of n x n x n points (n odd), plane
 * waves k = 2 pi m / length with m in [-(n-1)/2, (n-1)/2]^3, N = n^3 orbitals.
 * Dual (position) basis: T_pq = (1/N) sum_k k^2/2 cos(k.(r_p - r_q)),
 * V_pq = (1/Omega) sum_{k != 0} 4 pi/k^2 cos(k.(r_p - r_q)), both by FFTW;
 * h = T, (pp|qq) = V_pq (p != q) and the on-site (pp|pp) = V_pp, all other
 * ERIs zero (the diagonal two-body form V_pq n_p n_q), e_core = 0 (no Madelung
 * term; the G = 0 component is dropped).  nelec electrons, ms2 = nelec % 2.
 * out may be NULL (only the matrices wanted); kinetic / potential (N x N, may
 * be NULL) receive T and V.  FFTW's planner runs inside: do not call this from
 * several threads at once.  O(N^2 + N log N) time, O(N^4) memory for *out. */
int qclr_jellium_dual(int n, double length, int nelec, qclr_hamiltonian **out, double *kinetic,
                      double *potential);
/* Plane-wave form: the dual Hamiltonian rotated to real plane waves,
 * orbital k = column k of rotation (N x N, may be NULL; rotation[p*N + k] is
 * its value on grid point p): the constant 1/sqrt(N), then cos and sin
 * sqrt(2/N) (cos|sin)(k.r_p) for every m with first nonzero component > 0,
 * ordered by |m|^2 (stable over the lexicographic order of m), cos before sin.
 * h = diag(k^2/2); the ERIs are those of the Coulomb kernel 4 pi/(Omega k^2)
 * with momentum conserved modulo the grid (the exact image of the dual form),
 * so e_ref (lowest |k| occupied) is the Hartree-Fock energy of closed shells.
 * O(N^5) time (one AO->MO transform), O(N^4) memory: n <= 5 in practice. */
int qclr_jellium_plane_wave(int n, double length, int nelec, qclr_hamiltonian **out, double *rotation);
/* Same T and V by direct O(N^2 n^3) sums (reference for tests). */
int qclr_jellium_dual_direct(int n, double length, double *kinetic, double *potential);
/* Side length of the cell for nelec electrons at Wigner-Seitz radius rs (bohr):
 * (4/3 pi rs^3 nelec)^(1/3). */
double qclr_jellium_length(double rs, int nelec);

#ifdef __cplusplus
}
#endif
#endif
