/* qclr/hydrogen.h: STO-3G hydrogen clusters built in memory.
 *
 * Geometry (chain, ring, square lattice, xyz file), our own s-type Gaussian
 * integrals, closed-shell RHF, the AO -> MO transformation, and the
 * integral-direct pair-space Cholesky of the AO ERIs (N^4 never formed).
 * Sources: src/model/.  Lengths are bohr unless a function says otherwise;
 * energies Hartree.  Orbital and atom counts are int64_t, electron counts int.
 */
#ifndef QCLR_HYDROGEN_H
#define QCLR_HYDROGEN_H

#include <stddef.h>
#include <stdint.h>

#include "qclr/factor.h"
#include "qclr/hamiltonian.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bohr per Angstrom: 1/0.52917721067 (CODATA 2014, the value Psi4 1.3 uses). */
#define QCLR_BOHR_PER_ANGSTROM (1.0 / 0.52917721067)

/* ---- geometry (src/model/geometry.c) ----------------------------------------- */
/* Each returns a malloc'd array xyz[3*natom] (bohr) in *xyz; caller frees.
 * Chain: atoms on the z axis, centred at the origin, nearest-neighbour distance
 * `spacing`.  Ring: regular polygon in the xy plane with edge `spacing`.
 * Lattice: nx x ny square grid in the xy plane, centred.  O(natom). */
int qclr_geometry_chain(int64_t natom, double spacing, double **xyz);
int qclr_geometry_ring(int64_t natom, double spacing, double **xyz);
int qclr_geometry_lattice(int64_t nx, int64_t ny, double spacing, double **xyz);
/* Read an xyz file of hydrogen atoms (line 1: count, line 2: comment, then
 * "H x y z").  Coordinates are Angstrom unless bohr != 0.  Parse errors are
 * QCLR_EPARSE with "file:line: expected ...".  *xyz malloc'd, *natom set. */
int qclr_geometry_read_xyz(const char *path, int bohr, double **xyz, int64_t *natom);
/* Nuclear repulsion of unit charges at xyz (bohr). */
double qclr_geometry_nuclear_repulsion(int64_t natom, const double *xyz);

/* ---- STO-3G hydrogen integrals (src/model/gto_s.c) ---------------------------- */
/* One contracted 1s STO-3G function (zeta = 1.24) per atom; the contraction is
 * normalized exactly, as Psi4 does.  S, T, V: N x N row-major (caller-owned,
 * any may be NULL); V is the nuclear attraction of all atoms (charge 1).  O(N^3). */
int qclr_sto3g_one_electron(int64_t natom, const double *xyz, double *S, double *T, double *V);

/* Pair-space AO ERI evaluator (precomputed primitive-pair data + screening). */
typedef struct qclr_sto3g_eri qclr_sto3g_eri;
int qclr_sto3g_eri_new(int64_t natom, const double *xyz, qclr_sto3g_eri **out);
void qclr_sto3g_eri_free(qclr_sto3g_eri *e);
/* Number of AO functions (atoms) of e. */
int64_t qclr_sto3g_eri_norb(const qclr_sto3g_eri *e);
/* d[ij] = (ij|ij) for all npair = N(N+1)/2 pairs. */
int qclr_sto3g_eri_diag(const qclr_sto3g_eri *e, double *d);
/* Columns of the pair-space ERI matrix: out[k*npair + ij] = (ij|cols[k]).
 * Pair products below 1e-15 in Schwarz bound are returned as 0.  O(ncol*npair*81),
 * less with screening.  OpenMP over the entries (qclr_set_threads). */
int qclr_sto3g_eri_columns(const qclr_sto3g_eri *e, int64_t ncol, const int64_t *cols, double *out);

/* ---- RHF (src/model/rhf.c) ---------------------------------------------------- */
typedef struct {
  size_t size;       /* sizeof(qclr_rhf_options), set by qclr_rhf_options_default */
  double e_tol;      /* energy change (default 1e-10 Ha) */
  double d_tol;      /* RMS density change (default 1e-8) */
  int max_iter;      /* default 200 */
  int diis_size;     /* default 8 */
} qclr_rhf_options;
void qclr_rhf_options_default(qclr_rhf_options *o);

/* Closed-shell RHF in an AO basis of size n with nocc doubly occupied orbitals.
 * Two-electron integrals are given either as the full pair-space matrix
 * vpair (npair x npair) or as rank Cholesky vectors chol (rank x npair) with
 * (ij|kl) = sum_l chol[l,ij] chol[l,kl]; exactly one is non-NULL.
 * Outputs: C (n x n row-major, column k = MO k, canonical, ascending energies),
 * eps (n orbital energies), *e_hf (electronic + e_nuc).  Any output may be NULL.
 * QCLR_WNOTCONVERGED if max_iter is reached (outputs hold the last iterate).
 * o NULL = defaults (qclr_rhf_options_default). */
int qclr_rhf_solve(int64_t n, int nocc, const double *S, const double *hcore, double e_nuc,
                   const double *vpair, int64_t rank, const double *chol,
                   const qclr_rhf_options *o, double *C, double *eps, double *e_hf,
                   int *iterations);

/* ---- MO transformation (src/ao2mo.c) ------------------------------------ */
/* h_mo = C^T h C; V_mo[pq,rs] = sum C_ip C_jq C_kr C_ls (ij|kl) in pair space.
 * vpair_ao: npair x npair.  Result: a new Hamiltonian with nelec, ms2 = 0 and
 * e_core.  Quarter transforms with BLAS-3, O(N^5) time, O(N^4) memory. */
int qclr_ao2mo(int64_t n, const double *C, const double *hcore, const double *vpair_ao,
               double e_core, int nelec, qclr_hamiltonian **out);
/* Transform rank pair-space vectors (rank x npair) in place: each vector is
 * unpacked to a symmetric N x N matrix L, replaced by C^T L C and repacked.
 * O(rank N^3). */
int qclr_ao2mo_vectors(int64_t n, const double *C, int64_t rank, double *vectors);

/* ---- hydrogen model driver (src/model/hydrogen.c) ------------------------------ */
typedef struct {
  double e_nuc, e_hf;
  int rhf_iterations;
  int rhf_converged;
  double integral_seconds, rhf_seconds, transform_seconds;
} qclr_hydrogen_info;

/* STO-3G H_n at xyz (bohr) with nelec electrons (even, closed shell): AO
 * integrals, RHF, MO transformation.  *out: MO-basis Hamiltonian with
 * e_core = nuclear repulsion; info may be NULL.  rhf may be NULL (defaults).
 * OpenMP over the AO integrals (qclr_set_threads).
 * Forms the N^4 AO and MO ERIs: use the Cholesky route for large N.
 * RHF non-convergence is returned as QCLR_WNOTCONVERGED with *out set. */
int qclr_hydrogen_build(int64_t natom, const double *xyz, int nelec, const qclr_rhf_options *rhf,
                        qclr_hamiltonian **out, qclr_hydrogen_info *info);

/* ---- integral-direct Cholesky of hydrogen clusters (src/model/hydrogen_cholesky.c) ----
 *
 * Pair-space pivoted Cholesky of the AO ERI matrix (ij|kl) through the
 * factor module's callback interface (qclr_cholesky_direct): the diagonal and
 * the requested columns are computed on demand from the Gaussian integrals,
 * so the N^4 AO or MO ERIs are never formed.  RHF then builds J and K from the
 * AO vectors, and the vectors are transformed to the canonical MO basis.
 * Memory O(N^2 L) (L = rank), time O(L N^2) integrals + O(L N^3) transforms. */

/* AO Cholesky alone: e from qclr_sto3g_eri_new, o as for qclr_cholesky_direct
 * (NULL = defaults: tol 1e-6, greedy).  *out: AO pair vectors (npair each),
 * owned by the caller (qclr_lowrank_free).  Same status codes as
 * qclr_cholesky_direct.  Identical to qclr_cholesky_compute on the in-memory
 * AO ERI matrix (same pivots, same vectors up to rounding). */
int qclr_sto3g_cholesky(const qclr_sto3g_eri *e, const qclr_cholesky_options *o, qclr_lowrank **out);

typedef struct {
  size_t size;                /* set by qclr_hydrogen_cholesky_options_default */
  qclr_cholesky_options chol; /* AO Cholesky: default tol 1e-6, QCLR_PIVOT_BLOCK */
  qclr_rhf_options rhf;       /* defaults of qclr_rhf_options_default */
} qclr_hydrogen_cholesky_options;
void qclr_hydrogen_cholesky_options_default(qclr_hydrogen_cholesky_options *o);

typedef struct {
  double e_nuc;            /* nuclear repulsion = e_core */
  double e_hf;             /* RHF energy with the Cholesky ERIs */
  int rhf_iterations, rhf_converged;
  int64_t rank;            /* Cholesky vectors L */
  int cholesky_converged;  /* 0 when a rank cap stopped it */
  double max_residual;     /* largest AO residual diagonal at stop (<= tol) */
  double integral_seconds; /* one-electron integrals, ERI evaluator setup */
  double cholesky_seconds, rhf_seconds, transform_seconds;
} qclr_hydrogen_factors_info;

/* Result of qclr_hydrogen_cholesky: MO-basis Cholesky vectors of H_n. */
typedef struct qclr_hydrogen_factors qclr_hydrogen_factors;

/* STO-3G H_n at xyz (bohr), nelec electrons (even): AO Cholesky to o->chol.tol,
 * RHF from the vectors, MO transformation.  *out owned by the caller.
 * Returns 0, QCLR_WNOTCONVERGED (RHF or rank cap; *out is set and the info
 * says which), or an error (then *out is NULL).  o NULL = defaults. */
int qclr_hydrogen_cholesky(int64_t natom, const double *xyz, int nelec,
                           const qclr_hydrogen_cholesky_options *o, qclr_hydrogen_factors **out);
void qclr_hydrogen_factors_free(qclr_hydrogen_factors *f);
int64_t qclr_hydrogen_factors_norb(const qclr_hydrogen_factors *f);
int qclr_hydrogen_factors_nelec(const qclr_hydrogen_factors *f);
int64_t qclr_hydrogen_factors_rank(const qclr_hydrogen_factors *f);
/* MO vectors, rank x npair row-major: (pq|rs) ~= sum_l v[l,pq] v[l,rs]. */
const double *qclr_hydrogen_factors_vectors(const qclr_hydrogen_factors *f);
/* MO one-electron integrals h (N x N) and MO coefficients C (N x N, column k
 * = MO k, ascending orbital energies). */
const double *qclr_hydrogen_factors_h(const qclr_hydrogen_factors *f);
const double *qclr_hydrogen_factors_mo(const qclr_hydrogen_factors *f);
double qclr_hydrogen_factors_e_core(const qclr_hydrogen_factors *f);
const qclr_hydrogen_factors_info *qclr_hydrogen_factors_info_get(const qclr_hydrogen_factors *f);
/* MO Hamiltonian with ERIs sum_l v_l v_l^T (one dsyrk; N^4 memory: moderate N). */
int qclr_hydrogen_factors_hamiltonian(const qclr_hydrogen_factors *f, qclr_hamiltonian **out);

#ifdef __cplusplus
}
#endif
#endif
