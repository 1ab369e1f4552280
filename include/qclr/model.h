/* qclr/model.h: model Hamiltonians from a one-line description.
 *
 * "chain:atoms=10", "hubbard:nx=4,ny=4,u=8", "jellium:grid=3,rs=2,nelec=4",
 * ... parsed into a qclr_model_params and built with the hydrogen
 * (qclr/hydrogen.h) or lattice (qclr/lattice.h) constructors.
 * Lengths are Angstrom unless bohr is set; energies Hartree.
 */
#ifndef QCLR_MODEL_H
#define QCLR_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "qclr/hamiltonian.h"
#include "qclr/hydrogen.h"
#include "qclr/lattice.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- model descriptions (src/model/model_spec.c) ------------------------------ */
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
  const char *xyz_path; /* xyz file (default NULL); caller-owned, not copied: must stay
                           valid while p is used.  qclr_model_parse points it into spec */
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
 * "chain:atoms=10,spacing=1.0", "chain:atoms=120,cholesky=1e-8",
 * "hubbard:nx=4,ny=4,u=8,periodic=1" or "xyz:bohr=1,file=h4.xyz".  `file=`
 * comes last: the path is the rest of spec (it may contain commas) and
 * p->xyz_path points into spec, which must outlive p's use.  A leading
 * "model:" is skipped.  p is filled from qclr_model_params_default first.
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
 * not converge; an unconverged lattice-model RHF only leaves e_hf = NaN.
 * p must come from qclr_model_params_default or qclr_model_parse (not NULL). */
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
