/* qclr/tt.h: tensor trains (matrix product states) of many-body states.
 *
 * A tensor train x of order d with local dimensions n_1..n_d is stored as d
 * cores G_k of shape (r_{k-1}, n_k, r_k), C order, r_0 = r_d = 1, and a scalar
 * `scale` carried separately:
 *   x[i_1,...,i_d] = scale * G_1[:, i_1, :] G_2[:, i_2, :] ... G_d[:, i_d, :].
 * Site 1 is the slowest index of the dense tensor (C order), so a dense
 * vector of length prod(n_k) maps one to one onto the TT.
 *
 * Truncations use a relative tolerance eps with the Oseledets rule: every
 * unfolding is truncated with delta = eps / sqrt(d-1) * ||x||, so
 * ||x - x_TT|| <= eps ||x||; a max rank, if given, is applied after.  The
 * exact error sqrt(sum of discarded sigma^2) is reported.
 */
#ifndef QCLR_TT_H
#define QCLR_TT_H

#include <stddef.h>
#include <stdint.h>

#include "qclr/hamiltonian.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qclr_tt qclr_tt;

/* ---- the object (src/tt.c) ---- */

/* New TT with zero cores.  dims[0..ndim-1] >= 1; ranks[0..ndim] with
 * ranks[0] = ranks[ndim] = 1 and all >= 1; scale set to 1.  *out owned by the
 * caller (qclr_tt_free).  QCLR_EINVAL on bad shapes, QCLR_ENOMEM. */
int qclr_tt_new(int ndim, const int64_t *dims, const int64_t *ranks, qclr_tt **out);
/* Deep copy. */
int qclr_tt_copy(const qclr_tt *tt, qclr_tt **out);
void qclr_tt_free(qclr_tt *tt);

int qclr_tt_ndim(const qclr_tt *tt);
const int64_t *qclr_tt_dims(const qclr_tt *tt);  /* ndim entries */
const int64_t *qclr_tt_ranks(const qclr_tt *tt); /* ndim+1 entries, r_0 = r_d = 1 */
int64_t qclr_tt_max_rank(const qclr_tt *tt);
/* Number of stored core entries: sum r_{k-1} n_k r_k for dense cores, the
 * sum of the block sizes for a block-sparse TT. */
int64_t qclr_tt_size(const qclr_tt *tt);
/* sum r_{k-1} n_k r_k (the entries of the cores written out densely). */
int64_t qclr_tt_dense_size(const qclr_tt *tt);
/* 1 if the cores are stored block-sparse (a TT from qclr_tt_svd_ci: each
 * core is a set of dense blocks between particle-number sectors of its
 * bonds, zero elsewhere), else 0.  Every operation accepts both forms. */
int qclr_tt_is_block_sparse(const qclr_tt *tt);
/* View of core k (0-based, 0 <= k < ndim), shape (r_k, n_k, r_{k+1}) in the
 * 0-based numbering; valid until the TT is freed or modified.  NULL for a
 * block-sparse TT (use qclr_tt_core_copy, or qclr_tt_densify first). */
const double *qclr_tt_core(const qclr_tt *tt, int k);
/* Core k written densely into out (r_k n_k r_{k+1} doubles, caller-allocated). */
int qclr_tt_core_copy(const qclr_tt *tt, int k, double *out);
/* Writable core k; a block-sparse TT is converted to dense cores first (NULL
 * if that allocation fails).  Stored Schmidt values and structure are
 * forgotten, as the caller may change the tensor. */
double *qclr_tt_core_mut(qclr_tt *tt, int k);
/* Convert block-sparse cores to dense ones in place (no-op for dense). */
int qclr_tt_densify(qclr_tt *tt);
double qclr_tt_scale(const qclr_tt *tt);
void qclr_tt_set_scale(qclr_tt *tt, double s);
/* Schmidt values of bond k (between sites k and k+1, 0 <= k < ndim-1) kept by
 * the last TT-SVD or rounding that produced this TT, normalized so that their
 * squares sum to 1; *n receives their number (0 if not available). */
const double *qclr_tt_singular_values(const qclr_tt *tt, int bond, int64_t *n);

/* ---- dense TT-SVD (src/tt_svd.c) ---- */

enum {
  QCLR_TT_AUTO = 0,   /* Gram + dsyevd on wide unfoldings when eps >= QCLR_TT_GRAM_MIN_EPS, else gesdd */
  QCLR_TT_GESDD = 1,  /* LAPACKE dgesdd (dgesvd if gesdd fails) */
  QCLR_TT_GRAM = 2,   /* Gram matrix (dsyrk) + dsyevd; accurate only for eps >= ~1e-6 */
  QCLR_TT_GESVD = 3   /* LAPACKE dgesvd (QR iteration; slowest, most robust) */
};
#define QCLR_TT_GRAM_MIN_EPS 1e-6

typedef struct {
  size_t size;         /* sizeof(qclr_tt_options), set by qclr_tt_options_default */
  double eps;          /* relative tolerance (default 1e-10); 0 keeps all nonzero sigma */
  int64_t max_rank;    /* 0 = no cap; a cap that cuts more than eps asks: QCLR_WRANKCAP */
  int method;          /* QCLR_TT_* (default QCLR_TT_AUTO) */
  int overwrite;       /* 1: qclr_tt_svd may use the input array as workspace (destroyed) */
} qclr_tt_options;
void qclr_tt_options_default(qclr_tt_options *o);

typedef struct {
  double norm;         /* ||x|| of the input */
  double error;        /* exact ||x - x_TT|| = sqrt(sum of discarded sigma^2) */
  double rel_error;    /* error / norm (0 for a zero input) */
  int rank_capped;     /* 1 if max_rank cut singular values above the eps threshold */
} qclr_tt_info;

/* TT-SVD of the dense tensor x (prod dims doubles, C order).  Cores are
 * left-orthonormal except the last, which has unit Frobenius norm; the norm is
 * in the scale.  x is read only unless o->overwrite.  Memory: without
 * overwrite at most ~3x the input, with it ~2x.  Cost O(r prod(dims)) per
 * site for Gram, more for gesdd.  Returns 0, QCLR_WRANKCAP (result usable),
 * or an error (NaN/Inf in x: QCLR_EINVAL naming the index).  o NULL =
 * defaults; info may be NULL.  *out owned by the caller (qclr_tt_free). */
int qclr_tt_svd(double *x, int ndim, const int64_t *dims, const qclr_tt_options *o,
                qclr_tt **out, qclr_tt_info *info);

/* ---- operations (src/tt_ops.c) ---- */

/* Dense tensor (prod dims doubles, C order) into out (caller-allocated).
 * QCLR_ETOOLARGE if prod(dims) overflows. */
int qclr_tt_full(const qclr_tt *tt, double *out);
/* Inner product <a|b> (same dims); O(d n r^3). */
int qclr_tt_dot(const qclr_tt *a, const qclr_tt *b, double *out);
/* Frobenius norm (via qclr_tt_dot; accurate to ~1e-8 relative below 1e-8). */
int qclr_tt_norm(const qclr_tt *tt, double *out);
/* tt *= alpha (changes the scale only). */
void qclr_tt_scale_by(qclr_tt *tt, double alpha);
/* out = alpha a + beta b, exact (ranks add; round afterwards). */
int qclr_tt_add(double alpha, const qclr_tt *a, double beta, const qclr_tt *b, qclr_tt **out);
/* <x|D|x> for a diagonal operator given as a sum of nterms products of
 * per-site diagonals: D = sum_t prod_k diag(f[t][k][0..n_k-1]); f is laid out
 * as f[(t*ndim + k)*nmax + i] with nmax = max n_k.  E.g. the particle number
 * of a spatial-orbital TT is the sum of d terms, each the identity except
 * (0,1,1,2) on one site.  Returns <x|D|x> (not divided by <x|x>). */
int qclr_tt_expect_diag(const qclr_tt *tt, int nterms, const double *f, double *out);

/* ---- rounding (src/tt_round.c) ---- */

/* Recompress in place: right-to-left QR sweep, then left-to-right truncated
 * SVD sweep with delta = eps/sqrt(d-1) ||x|| and max_rank (o->method and
 * o->overwrite ignored).  info (may be NULL) gets the exact error of this
 * rounding.  o NULL = defaults. */
int qclr_tt_round(qclr_tt *tt, const qclr_tt_options *o, qclr_tt_info *info);

/* ---- randomized TT-SVD (src/tt_random.c) ---- */

typedef struct {
  size_t size;          /* sizeof(qclr_tt_random_options), set by qclr_tt_random_options_default */
  const int64_t *ranks; /* target ranks per bond (ndim-1 entries), or NULL to use eps adaptively */
  double eps;           /* relative tolerance when ranks == NULL (default 1e-6) */
  int64_t max_rank;     /* 0 = no cap */
  int64_t oversample;   /* extra sketch columns (default 10) */
  int64_t block;        /* adaptive rank growth step (default 16) */
  uint64_t seed;        /* GSL RNG seed (default 1) */
} qclr_tt_random_options;
void qclr_tt_random_options_default(qclr_tt_random_options *o);

/* Randomized TT-SVD of the dense x (read only): at each unfolding A
 * (m x n) a Gaussian sketch Y = A Omega (n x (r+p)) gives an orthonormal
 * basis Q, the core, and B = Q^T A for the next step.  info->error is the
 * exact error of the result (sqrt of the sum of the projection residuals
 * ||A - QQ^T A||^2, computed, not estimated).  o NULL = defaults; NaN/Inf
 * in x refused (QCLR_EINVAL). */
int qclr_tt_svd_random(const double *x, int ndim, const int64_t *dims,
                       const qclr_tt_random_options *o, qclr_tt **out, qclr_tt_info *info);

/* ---- fermionic states (src/tt_fermion.c) ---- */

enum {
  QCLR_TT_SPATIAL = 0, /* d = norb sites, local basis {0, a, b, ab} */
  QCLR_TT_SPIN = 1     /* d = 2 norb sites (p alpha, p beta, ...), local basis {0, 1} */
};

/* Dense index of determinant (alpha bits, beta bits): base-4 digits, site 0
 * slowest; the digit of orbital p is n_pa + 2 n_pb for spatial sites (basis
 * {0, a, b, ab}) and 2 n_pa + n_pb for spin sites (p alpha slower than
 * p beta), so both layouts list the same sites in the same operator order. */
int64_t qclr_tt_det_index(int64_t norb, uint64_t alpha, uint64_t beta, int site_kind);
/* Occupation-number tensor of a CI vector: c is [n_alpha strings][n_beta
 * strings] (strings ascending as integers, docs/conventions.md §2); dense has
 * 4^norb entries (caller-allocated, zeroed by this call).  The amplitude of
 * determinant (alpha, beta) is stored times qclr_tt_fermion_sign, the sign
 * that reorders (prod a+_{p alpha})(prod a+_{q beta}) into the site order
 * (0 alpha, 0 beta, 1 alpha, ...).  norb <= 26. */
int qclr_tt_ci_to_dense(int64_t norb, int nalpha, int nbeta, const double *c, int site_kind,
                        double *dense);
/* The inverse: gather the (nalpha, nbeta) sector of dense into c. */
int qclr_tt_dense_to_ci(int64_t norb, int nalpha, int nbeta, const double *dense, int site_kind,
                        double *c);
/* Sign (+1/-1) of determinant (alpha bits, beta bits) in the site order. */
int qclr_tt_fermion_sign(uint64_t alpha, uint64_t beta);
/* CI vector from a TT over spatial (d = norb, n = 4) or spin (d = 2 norb,
 * n = 2) sites: c (caller-allocated, n_alpha*n_beta) receives the amplitudes
 * of the (nalpha, nbeta) determinants, with the fermionic signs (the
 * projection of the TT onto that sector).  Left and right partial products
 * per particle-number sector meet at the middle bond: O(ndet r) for the last
 * step plus O(4^(d/2) r^2) for the partial products (per sector blocks for a
 * block-sparse TT). */
int qclr_tt_to_ci(const qclr_tt *tt, int64_t norb, int nalpha, int nbeta, double *c);
/* Permute the orbitals of a CI vector: new orbital i is old orbital perm[i].
 * cout (caller-allocated, same size) receives the vector in the new order,
 * with the signs of reordering the creation operators. */
int qclr_tt_ci_permute(int64_t norb, int nalpha, int nbeta, const int *perm, const double *c,
                       double *cout);

/* ---- symmetry-blocked TT-SVD of a CI vector (src/tt_symm.c) ---- */

/* TT over spatial (site_kind QCLR_TT_SPATIAL) or spin sites of the CI vector
 * c without forming the 4^norb tensor: every unfolding is block diagonal in
 * the (N_alpha, N_beta) of the left sites, so each block is decomposed on its
 * own, and the truncation pools all blocks' singular values with the dense
 * rule.  The result equals (up to the gauge within blocks) qclr_tt_svd of
 * qclr_tt_ci_to_dense(c): same ranks, same errors.  It is stored
 * block-sparse (qclr_tt_is_block_sparse), with the bond indices of each
 * sector contiguous; qclr_tt_to_ci and qclr_tt_bond_entropies then work
 * block by block.  Memory O(ndet + TT size): about 3 ndet doubles besides c
 * plus the blocks.  o->method selects the block kernel as in qclr_tt_svd.
 * o NULL = defaults; NaN/Inf in c refused (QCLR_EINVAL). */
int qclr_tt_svd_ci(int64_t norb, int nalpha, int nbeta, const double *c, int site_kind,
                   const qclr_tt_options *o, qclr_tt **out, qclr_tt_info *info);

/* ---- entanglement (src/tt_entropy.c) ---- */

/* Von Neumann entropy (nats) of each bond, S_k = -sum s^2 ln s^2 over the
 * normalized Schmidt values of the TT; S has ndim-1 entries.  Exact: for a
 * TT with left-orthonormal cores (the result of any TT-SVD or rounding) one
 * right-to-left SVD sweep, block by block for a block-sparse TT; otherwise an
 * untruncated rounding of a copy first.  O(d n r^3) dense. */
int qclr_tt_bond_entropies(const qclr_tt *tt, double *S);
/* Single-orbital entropies s1[norb] and mutual information I[norb*norb]
 * (I_ij = 1/2 (S_i + S_j - S_ij), 0 on the diagonal) of a normalized CI
 * vector, from its one- and two-orbital reduced density matrices (which are
 * diagonal in the occupation basis except for the number-conserving blocks).
 * Cost O(norb^2 ndet). */
int qclr_tt_orbital_entropies(int64_t norb, int nalpha, int nbeta, const double *c, double *s1,
                              double *mutual);
/* Fiedler ordering of a symmetric nonnegative weight matrix W (n x n): orbitals
 * sorted by the eigenvector of the second-smallest eigenvalue of the graph
 * Laplacian L = D - W (sign fixed so that the first entry is <= the last).
 * perm[i] = old index of new position i. */
int qclr_tt_fiedler_order(int64_t n, const double *W, int *perm);
/* K_ij = |(ij|ji)| exchange weights of H (norb x norb, diagonal 0). */
int qclr_tt_exchange_matrix(const qclr_hamiltonian *H, double *K);

#ifdef __cplusplus
}
#endif
#endif
