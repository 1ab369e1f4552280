/* qclr/factor.h: low-rank factorization of the two-electron integrals.
 *
 *   (pq|rs) ~= sum_l L^l_pq L^l_rs,   L^l = U^l diag(f^l) U^lT   (double factorization)
 *
 * Stage 1 (a qclr_lowrank) is a pivoted Cholesky (greedy, random or blocked,
 * in memory or integral-direct through callbacks) or an eigendecomposition of
 * the pair-space ERI matrix V (docs/conventions.md §2).  Stage 2 (a qclr_df)
 * eigendecomposes every L^l.  Vectors live in pair space: v[pq] with
 * pq = p(p+1)/2 + q, p >= q, so L^l_pq = L^l_qp = v_l[pq].
 *
 * Truncation: Cholesky stops when the largest residual diagonal is <= tol,
 * the eigen factorization drops eigenvalues <= tol; either way every element
 * of V - sum_l v_l v_l^T is bounded by tol in absolute value.
 *
 * Threads: qclr_set_threads (qclr/threads.h) sets the OpenMP threads of
 * qclr's own loops (the DF's loop over factors, the error pass); BLAS/LAPACK
 * calls use OpenBLAS's threads (OPENBLAS_NUM_THREADS / OMP_NUM_THREADS of the
 * process).  Results do not depend on either beyond rounding (~1e-12).
 */
#ifndef QCLR_FACTOR_H
#define QCLR_FACTOR_H

#include <stddef.h>
#include <stdint.h>

#include "qclr/hamiltonian.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Symmetric PSD operator of dimension n given by callbacks (integral-direct Cholesky).
 * diag: fill d[0..n-1] with the diagonal.  columns: for k < ncol fill
 * out[k*n + i] = V[i, cols[k]] for all i.  block (optional, may be NULL): for
 * t, c < m fill out[t*m + c] = V[idx[t], idx[c]]; the blocked Cholesky then
 * chooses its pivots from this small block and fetches only the columns it
 * keeps (without it, every candidate column is fetched).  Return 0, or
 * nonzero to abort (the Cholesky then returns QCLR_ECALLBACK).  Callbacks are
 * called from one thread at a time; index lists are ascending. */
typedef struct {
  int64_t n;
  int (*diag)(void *ctx, double *d);
  int (*columns)(void *ctx, int64_t ncol, const int64_t *cols, double *out);
  void *ctx;
  int (*block)(void *ctx, int64_t m, const int64_t *idx, double *out);
} qclr_pair_operator;

enum { QCLR_PIVOT_GREEDY = 0, QCLR_PIVOT_RANDOM = 1, QCLR_PIVOT_BLOCK = 2 };

typedef struct {
  size_t size;       /* sizeof(qclr_cholesky_options), set by qclr_cholesky_options_default */
  double tol;        /* stop when the largest residual diagonal <= tol (default 1e-6) */
  int64_t max_rank;  /* 0 = no cap; cap reached first -> return QCLR_WRANKCAP, converged=0 */
  int pivot;         /* QCLR_PIVOT_* */
  uint64_t seed;     /* random pivoting */
  int64_t block;     /* block size b for QCLR_PIVOT_BLOCK (0 = automatic: 32, 64 from npair 2048, 128 from 8192) */
} qclr_cholesky_options;

/* Defaults: tol 1e-6, no rank cap, greedy pivoting, seed 1, automatic block. */
void qclr_cholesky_options_default(qclr_cholesky_options *o);

/* Low-rank result V ~= sum_l v_l v_l^T, vectors of length dim (pair space for a Hamiltonian). */
typedef struct qclr_lowrank qclr_lowrank;

/* Pivoted Cholesky of H's pair-space ERI matrix (npair = N(N+1)/2).
 * Greedy: pivot = largest residual diagonal, first index on ties.
 * Random: pivot sampled with probability proportional to the residual
 * diagonal among entries > tol (Chen, Epperly, Tropp, Webber 2022), GSL
 * mt19937 seeded with o->seed, reproducible.  Block: up to b pivots at a
 * time, chosen by a greedy Cholesky of the 2b x 2b block of the largest
 * residual diagonals, the new vectors by one dgemm + dtrsm (BLAS-3; see
 * src/cholesky_block.c); same stopping rule, so the same error bound.
 * Returns 0, QCLR_WRANKCAP (rank cap hit first; *out is valid, converged 0),
 * QCLR_ENOTPSD (a residual diagonal below -64 eps npair max diag: never
 * clipped), QCLR_EINVAL, QCLR_ENOMEM.  Memory O(npair * rank); time
 * O(npair * rank^2).  *out is owned by the caller (qclr_lowrank_free).
 * o NULL = defaults; a struct not from qclr_cholesky_options_default: QCLR_EINVAL. */
int qclr_cholesky_compute(const qclr_hamiltonian *H, const qclr_cholesky_options *o, qclr_lowrank **out);

/* Same driven by callbacks (integral-direct): V is never formed, memory
 * O(n * rank) (plus n * 4b for the block variant without op->block).  A
 * callback failure gives QCLR_ECALLBACK.  With the in-memory operator this
 * is exactly qclr_cholesky_compute (bit for bit).  o NULL = defaults. */
int qclr_cholesky_direct(const qclr_pair_operator *op, const qclr_cholesky_options *o, qclr_lowrank **out);

/* Eigen (single) factorization of H's V: eigendecomposition of W^1/2 V W^1/2
 * (W = 2 for off-diagonal pairs, 1 for diagonal ones) so the eigenvalues equal
 * those of the full N^2 x N^2 matrix; eigenvalues <= tol are dropped, vectors
 * ordered by eigenvalue descending, v_k = sqrt(lambda_k) W^-1/2 y_k.
 * Within a cluster of eigenvalues equal to 1e-9 of the largest (symmetry
 * degeneracies) the basis is made canonical (pivoted QR of the cluster, the
 * factors rescaled to reproduce it exactly), so the factors, and lambda_SF,
 * do not depend on the basis LAPACK happened to return.
 * QCLR_ENOTPSD when the lowest eigenvalue < -64 eps npair max|V|.
 * max_rank (0 = none) keeps only the largest ones (QCLR_WRANKCAP if that
 * drops eigenvalues > tol).  Time O(npair^3) (LAPACK dsyevd), memory
 * 2 npair^2 doubles.  Sequential LAPACK inside (results do not depend on
 * any thread count). */
int qclr_eigen_factor(const qclr_hamiltonian *H, double tol, int64_t max_rank, qclr_lowrank **out);

int64_t qclr_lowrank_rank(const qclr_lowrank *lr);
int64_t qclr_lowrank_dim(const qclr_lowrank *lr);
const double *qclr_lowrank_vectors(const qclr_lowrank *lr);  /* rank x dim, row-major, vector l at l*dim */
int qclr_lowrank_converged(const qclr_lowrank *lr);
double qclr_lowrank_max_residual(const qclr_lowrank *lr);    /* largest residual diagonal at stop */
/* Pivots chosen by the Cholesky (rank entries, pair indices), NULL for the eigen factorization. */
const int64_t *qclr_lowrank_pivots(const qclr_lowrank *lr);
void qclr_lowrank_free(qclr_lowrank *lr);

/* Second-stage truncation rules (docs/conventions.md §2). */
enum {
  QCLR_DF_RULE_DEFAULT = 0,     /* drop a factor with no eigenpair left, go on */
  QCLR_DF_RULE_OPENFERMION = 1  /* stop at the first factor with no eigenpair left */
};

typedef struct {
  size_t size;   /* sizeof(qclr_df_options), set by qclr_df_options_default */
  double tol;    /* tau_2: keep f_k with |f_k| * sum_j |f_j| > tol (0 keeps all; default 0) */
  int rule;      /* QCLR_DF_RULE_* (default QCLR_DF_RULE_DEFAULT) */
} qclr_df_options;

void qclr_df_options_default(qclr_df_options *o);

/* Double factorization: L^l (N x N symmetric, from pair vector l) = U^l diag(f^l) U^lT. */
typedef struct qclr_df qclr_df;

/* Eigendecompose every L^l of lr (OpenMP over l, qclr_set_threads; a small
 * dense solver of qclr's own, src/symeig.c), sort eigenpairs by |f|
 * descending (ties: ascending f), apply the tau_2 rule and o->rule.  H gives
 * N and the one-body T; lr->dim must be npair of H.  Time O(rank N^3),
 * memory rank N^2 doubles.  *out owned by the caller.  o NULL = defaults. */
int qclr_df_compute(const qclr_hamiltonian *H, const qclr_lowrank *lr, const qclr_df_options *o, qclr_df **out);
int64_t qclr_df_norb(const qclr_df *df);
int64_t qclr_df_nfactors(const qclr_df *df);                 /* factors kept (L) */
int64_t qclr_df_nterms(const qclr_df *df);                   /* eigenpairs kept (L xi) */
int64_t qclr_df_factor_size(const qclr_df *df, int64_t l);   /* eigenpairs kept in factor l */
const double *qclr_df_eigenvalues(const qclr_df *df, int64_t l); /* f^l, kept ones, |f| descending */
const double *qclr_df_rotation(const qclr_df *df, int64_t l);    /* N x N row-major; column k = eigenvector of f_k */
const double *qclr_df_one_body(const qclr_df *df);           /* T = h - 1/2 sum_r (pr|rq), N x N */
/* Index of factor l among the stage-1 vectors (differs from l when factors were dropped). */
int64_t qclr_df_source(const qclr_df *df, int64_t l);
void qclr_df_free(qclr_df *df);

/* Hamiltonians rebuilt from a truncated factorization (same h, e_core, nelec, ms2; ERIs
 * replaced by sum_l L^l_pq L^l_rs), e.g. for FCI energy errors and --write-fcidump.
 * Time O(npair^2 rank) (one dsyrk), memory one npair^2 matrix (the new H). */
int qclr_lowrank_hamiltonian(const qclr_hamiltonian *H, const qclr_lowrank *lr, qclr_hamiltonian **out);
int qclr_df_hamiltonian(const qclr_hamiltonian *H, const qclr_df *df, qclr_hamiltonian **out);

/* One-body matrices (N x N, row-major, caller-allocated; either may be NULL):
 * T = h - 1/2 sum_r (pr|rq),  T' = T + sum_r (pq|rr). */
int qclr_factor_one_body(const qclr_hamiltonian *H, double *T, double *Tprime);

/* Quality of a factorization against H's exact ERIs. */
typedef struct {
  double max_abs_error;    /* max |(pq|rs) - (pq|rs)~| over all elements */
  double frobenius_error;  /* ||Delta||_F over the full N^4 array (each element counted once) */
  double lambda;           /* lambda_SF (lowrank) or lambda_DF (df), Lee et al. PRX Quantum 2, 030305 */
  double e_ref_error;      /* E_ref(factorized ERIs) - E_ref(exact), Hartree */
} qclr_factor_metrics;

/* Metrics of the stage-1 factorization: lambda = lambda_SF =
 * sum_pq |T'_pq| + 1/4 sum_l (sum_pq |L^l_pq|)^2.  Errors computed exactly in
 * row blocks (dgemm, no second npair^2 array): time O(npair^2 rank). */
int qclr_lowrank_metrics(const qclr_hamiltonian *H, const qclr_lowrank *lr, qclr_factor_metrics *m);

/* Metrics of the (truncated) double factorization: the ERIs are
 * sum_l (U^l f^l U^lT)_pq (U^l f^l U^lT)_rs with the kept f only, and
 * lambda = lambda_DF = sum_k |eig_k(T')| + 1/4 sum_l (sum_k |f^l_k|)^2. */
int qclr_df_metrics(const qclr_hamiltonian *H, const qclr_df *df, qclr_factor_metrics *m);

/* Only the 1-norms (no error pass): lambda_SF of lr and lambda_DF of df; either
 * may be NULL (its output is then left alone).  Time O(rank N^2 + N^3). */
int qclr_factor_lambda(const qclr_hamiltonian *H, const qclr_lowrank *lr, const qclr_df *df,
                       double *lambda_sf, double *lambda_df);

/* Double-factorization figures without a Hamiltonian (src/factor/df_summary.c).
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
/* n orbitals (>= 1), h (n x n), rank >= 0 vectors vec (rank x npair; NULL if
 * rank = 0); o NULL = defaults; *s receives the figures (caller-owned). */
int qclr_df_summary_compute(int64_t n, const double *h, int64_t rank, const double *vec,
                            const qclr_df_options *o, qclr_df_summary *s);

/* ---- 3-index vectors from a host code (src/factor/vectors.c) ----
 * Density-fitting or Cholesky tensors B[P, pq] with (pq|rs) = sum_P B[P,pq] B[P,rs],
 * used without ever forming the N^4 ERIs (memory O(N^2 rank)). */
enum {
  QCLR_VECTORS_PACKED = 0, /* vec[l*npair + pq], pq = p(p+1)/2 + q, p >= q */
  QCLR_VECTORS_SQUARE = 1  /* vec[(l*norb + p)*norb + q], symmetric in p, q (to 1e-12 relative) */
};
/* A qclr_lowrank holding a copy of rank given vectors (converged = 1,
 * max_residual = 0, no pivots).  QCLR_EINVAL on norb < 1, rank < 0, NaN/Inf
 * or an asymmetric square vector (the message names it).  O(rank N^2). */
int qclr_lowrank_from_vectors(int64_t norb, int64_t rank, const double *vec, int layout, qclr_lowrank **out);
/* Recompress: pivoted Cholesky (o: tol, max_rank, pivot as qclr_cholesky_direct)
 * of V = sum_l v_l v_l^T of in, through columns computed from the vectors
 * (never forming V).  *max_abs_error (may be NULL) receives the exact
 * max |V - V'| over all elements (the residual is PSD, so it is its largest
 * diagonal element, computed from both sets of vectors).  Returns as
 * qclr_cholesky_direct.  Memory O(npair (rank_in + rank_out)). */
int qclr_lowrank_recompress(const qclr_lowrank *in, const qclr_cholesky_options *o, qclr_lowrank **out,
                            double *max_abs_error);
/* Double factorization of pair vectors without a Hamiltonian: norb orbitals,
 * one-electron integrals h (N x N), T = h - 1/2 sum_l L^l L^l; otherwise
 * exactly qclr_df_compute (same factors, order and rules).  Pair with
 * qclr_df_summary_compute for lambda_SF / lambda_DF and
 * qclr_groups_from_factors for measurement groups.  Memory O(rank N^2). */
int qclr_df_compute_vectors(int64_t norb, const double *h, const qclr_lowrank *lr, const qclr_df_options *o,
                            qclr_df **out);

#ifdef __cplusplus
}
#endif
#endif
