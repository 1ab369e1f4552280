/* src/fci_internal.h: string tables and sigma work space shared by the FCI sources. */
#ifndef QCLR_FCI_INTERNAL_H
#define QCLR_FCI_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "qclr/fci.h"
#include "qclr/hamiltonian.h"

/* One single replacement: E_pq |I> = sign |J>, p = q allowed (then J = I). */
typedef struct {
  int32_t J;
  uint8_t p, q;
  int8_t sign;
  uint8_t pad;
} qclr__fci_link;

/* Strings of one spin and their replacement lists (nlink entries per string,
 * ordered: diagonal p = q first, then the others). */
typedef struct {
  int norb, nel;
  int64_t nstr;
  int nlink;
  uint64_t *str;
  qclr__fci_link *link; /* nstr * nlink */
} qclr__fci_strings;

/* Same-spin Hamiltonian in string space, compressed rows (exact zeros, e.g.
 * from point-group symmetry, dropped); the diagonal also kept apart. */
typedef struct {
  int64_t nstr;
  int64_t *row; /* nstr + 1 offsets into col/val */
  int32_t *col;
  double *val;
  double *diag; /* nstr */
} qclr__fci_spinmat;

typedef struct {
  int norb, na, nb;
  int64_t npair, ndet;
  double e_core;
  qclr__fci_strings a, b;
  qclr__fci_spinmat ha, hb;
  const double *v;        /* npair x npair (owned by the Hamiltonian) */
  /* V is block diagonal over the connected components of the graph of its
   * nonzeros (the pair irreps when the orbitals carry point-group symmetry):
   * pairs renumbered so that each component is contiguous. */
  int ncomp;
  int32_t *pcomp;         /* npair: component of pair pq (original numbering) */
  int32_t *pperm;         /* npair: new position of pair pq */
  int32_t *cstart;        /* ncomp + 1: first new position of each component */
  double *vp;             /* npair x npair, V in the new numbering */
  double *vocc_a;         /* nstr_a x npair: sum_{p in Ia} V[pp, :], new numbering */
  /* beta replacements in scatter form, E_pq |J> = sign |bto>, bpq = pair pq
   * (new numbering); per J (b.nlink entries): the diagonal ones (bto = J),
   * then bnpos[J] with sign +1, the rest with sign -1 */
  int32_t *bto, *bpq;
  uint16_t *bnpos;
  int nthreads;
  int blk;                /* beta strings per alpha-beta dgemm */
  int pa, pb;             /* panel widths (multiples of 8) of the alpha-alpha and beta-beta products */
  size_t work_per;        /* doubles of work space per thread */
  double *work;           /* nthreads * work_per */
  size_t iwork_per;       /* row pointers and component counts per thread */
  void *iwork;
} qclr__fci_space;

int qclr__fci_strings_build(int norb, int nel, qclr__fci_strings *s);
void qclr__fci_strings_free(qclr__fci_strings *s);
/* Number of strings C(norb, nel), or -1 beyond 2^31. */
int64_t qclr__fci_nstrings(int norb, int nel);
/* Bytes qclr__fci_space_build allocates (an upper bound) for nthreads threads. */
double qclr__fci_space_bytes_est(int norb, int na, int nb, int nthreads);

int qclr__fci_space_build(const qclr_hamiltonian *H, qclr__fci_space *sp);
void qclr__fci_space_free(qclr__fci_space *sp);
/* sigma = H c (c, sigma: ndet). */
int qclr__fci_space_sigma(const qclr__fci_space *sp, const double *c, double *sigma);
/* Diagonal of H (ndet), includes e_core. */
void qclr__fci_space_diag(const qclr__fci_space *sp, const qclr_hamiltonian *H, double *d);
/* Davidson start: the nr lowest eigenvectors of H on the L (or a few more,
 * see fci_guess.c) determinants of lowest diagonal, into V (nr x ndet);
 * e0 (may be NULL) gets their eigenvalues. */
int qclr__fci_guess(const qclr__fci_space *sp, const qclr_hamiltonian *H, const double *diag, int nr,
                    int64_t L, double *V, double *e0);
/* Slater-Condon block H[r][s] = <sel_r|H|sel_s> (determinant indices sel), for tests. */
int qclr__fci_hblock(const qclr_hamiltonian *H, int64_t nsel, const int64_t *sel, double *Hout);
/* Deterministic dot product (fixed chunking, independent of thread count). */
double qclr__fci_dot(int64_t n, const double *x, const double *y, int nthreads);

#endif
