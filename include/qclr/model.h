/* qclr/model.h: model Hamiltonians built in memory.
 *
 *  - STO-3G hydrogen clusters (chain, ring, square lattice, xyz file) with our
 *    own s-type Gaussian integrals, closed-shell RHF and the MO transformation;
 *  - integral-direct pair-space Cholesky of the AO ERIs (N^4 never formed);
 *  - Hubbard (1D/2D, open or periodic) in the site basis;
 *  - jellium in a cubic cell, dual (position) plane-wave basis.
 *
 * Lengths are bohr unless a function says otherwise; energies Hartree.
 */
#ifndef QCLR_MODEL_H
#define QCLR_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "qclr/factor.h"
#include "qclr/hamiltonian.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bohr per Angstrom: 1/0.52917721067 (CODATA 2014, the value Psi4 1.3 uses). */
#define QCLR_BOHR_PER_ANGSTROM (1.0 / 0.52917721067)

/* ---- geometry (src/geometry.c) ----------------------------------------- */
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

/* ---- STO-3G hydrogen integrals (src/gto_s.c) ---------------------------- */
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

/* ---- RHF (src/rhf.c) ---------------------------------------------------- */
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
 * QCLR_WNOTCONVERGED if max_iter is reached (outputs hold the last iterate). */
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

/* ---- hydrogen model driver (src/hydrogen.c) ------------------------------ */
typedef struct {
  double e_nuc, e_hf;
  int rhf_iterations;
  int rhf_converged;
  double integral_seconds, rhf_seconds, transform_seconds;
} qclr_hydrogen_info;

/* STO-3G H_n at xyz (bohr) with nelec electrons (even, closed shell): AO
 * integrals, RHF, MO transformation.  *out: MO-basis Hamiltonian with
 * e_core = nuclear repulsion; info may be NULL.  rhf may be NULL (defaults).
 * Forms the N^4 AO and MO ERIs: use the Cholesky route for large N.
 * RHF non-convergence is returned as QCLR_WNOTCONVERGED with *out set. */
int qclr_hydrogen_build(int64_t natom, const double *xyz, int nelec, const qclr_rhf_options *rhf,
                        qclr_hamiltonian **out, qclr_hydrogen_info *info);

/* ---- integral-direct Cholesky of hydrogen clusters (src/hydrogen_cholesky.c) ----
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
 * says which), or an error (then *out is NULL). */
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

/* ---- double-factorization figures without a Hamiltonian (src/model_df.c) --
 * For pair vectors vec (rank x npair) of an N-orbital Hamiltonian with
 * one-electron integrals h, whose ERIs are taken as sum_l v_l v_l^T:
 * T' = h - 1/2 sum_l L^l L^l + sum_l tr(L^l) L^l, the eigenvalues of every L^l
 * (|f| descending, the tau_2 rule and the rule of qclr_df_options, docs/conventions.md
 * §2), L, L xi, lambda_SF and lambda_DF as qclr_df_compute and
 * qclr_factor_lambda would give on that Hamiltonian.  Eigenvalues only: memory
 * O(N^2) per thread, time O(rank N^3). */
typedef struct {
  int64_t nfactors;   /* L: factors with at least one eigenvalue kept */
  int64_t nterms;     /* L xi: eigenvalues kept in all */
  double lambda_sf, lambda_df;
} qclr_df_summary;
int qclr_model_df_summary(int64_t n, const double *h, int64_t rank, const double *vec,
                          const qclr_df_options *o, qclr_df_summary *s);

/* ---- Hubbard (src/hubbard.c) --------------------------------------------- */
/* nx x ny sites (ny = 1 for 1D), site index x*ny + y; h_ij = -t for nearest
 * neighbours (periodic wraps when the side has >= 3 sites; a side of 2 has one
 * bond), (ii|ii) = U.  nelec electrons, ms2 = nelec % 2.  O(N^4) memory. */
int qclr_hubbard(int64_t nx, int64_t ny, double t, double u, int periodic, int nelec,
                 qclr_hamiltonian **out);

/* ---- jellium (src/jellium.c) --------------------------------------------- */
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

/* ---- model descriptions (src/model_spec.c) ------------------------------ */
enum {
  QCLR_MODEL_CHAIN = 0,
  QCLR_MODEL_RING,
  QCLR_MODEL_LATTICE,
  QCLR_MODEL_XYZ,
  QCLR_MODEL_HUBBARD,
  QCLR_MODEL_JELLIUM
};

typedef struct {
  size_t size;       /* sizeof(qclr_model_params), set by qclr_model_params_default */
  int kind;          /* QCLR_MODEL_* */
  int64_t atoms;     /* chain, ring: number of H atoms (default 10) */
  int64_t nx, ny;    /* lattice and 2-D Hubbard sides; 1-D Hubbard: nx sites, ny = 1 */
  double spacing;    /* nearest-neighbour distance (default 1.0), Angstrom unless bohr */
  int bohr;          /* lengths (spacing, xyz coordinates, length) in bohr (default 0) */
  char xyz_path[4096];
  int nelec;         /* -1 = default: neutral cluster / half filling; required for jellium */
  double t, u;       /* Hubbard (default 1, 4) */
  int periodic;      /* Hubbard (default 0) */
  int grid;          /* jellium points per side, odd (default 3) */
  double rs;         /* jellium Wigner-Seitz radius in bohr (0 = use length) */
  double length;     /* jellium cell side (Angstrom unless bohr) */
  int plane_wave;    /* jellium: 0 = dual (grid) basis (default), 1 = plane-wave form */
  double cholesky;   /* hydrogen: 0 = exact N^4 route (default); > 0 = integral-direct
                        AO Cholesky to this tolerance, ERIs rebuilt from the MO vectors */
  qclr_rhf_options rhf;
} qclr_model_params;

/* Defaults for kind (QCLR_MODEL_*). */
void qclr_model_params_default(qclr_model_params *p, int kind);

/* Parse "KIND[:key=value,key=value...]", KIND one of chain ring lattice xyz
 * hubbard jellium; keys are the field names above plus `sites` (= nx for
 * Hubbard), `file` (xyz path) and `basis=dual|planewave` (jellium), e.g.
 * "chain:atoms=10,spacing=1.0", "chain:atoms=120,cholesky=1e-8" or
 * "hubbard:nx=4,ny=4,u=8,periodic=1".  A leading "model:" is skipped.
 * QCLR_EPARSE names the offending key.  O(length of spec). */
int qclr_model_parse(const char *spec, qclr_model_params *p);

typedef struct {
  double e_nuc;         /* nuclear repulsion = e_core (0 for lattice models) */
  double e_hf;          /* RHF energy; for Hubbard and jellium the closed-shell RHF in
                           the model's orbital basis (S = 1), NaN for an odd electron
                           count or when that RHF does not converge */
  double e_ref;         /* energy of the lowest-index determinant of *out */
  int rhf_iterations;
  int rhf_converged;
  double seconds;
} qclr_model_info;

/* Build the Hamiltonian described by p (orbital basis: RHF MOs for hydrogen,
 * sites for Hubbard, dual grid points or plane waves for jellium).  info may
 * be NULL.  QCLR_WNOTCONVERGED (with *out set) only when a hydrogen RHF does
 * not converge; an unconverged lattice-model RHF only leaves e_hf = NaN. */
int qclr_model_build_params(const qclr_model_params *p, qclr_hamiltonian **out,
                            qclr_model_info *info);
/* Coordinates (bohr, malloc'd, caller frees) and atom count of a hydrogen
 * model (chain, ring, lattice, xyz); QCLR_EINVAL for the lattice models. */
int qclr_model_geometry(const qclr_model_params *p, double **xyz, int64_t *natom);
/* Parse spec, then build. */
int qclr_model_build(const char *spec, qclr_hamiltonian **out);

#ifdef __cplusplus
}
#endif
#endif
