/* src/factor/factor_internal.h: structures shared by the factorization sources. */
#ifndef QCLR_FACTOR_INTERNAL_H
#define QCLR_FACTOR_INTERNAL_H

#include <stdint.h>

#include "qclr/factor.h"

struct qclr_lowrank {
  int64_t dim, rank, cap; /* cap: rows allocated in vec */
  double *vec;            /* rank x dim */
  int64_t *pivots;        /* rank entries, NULL for eigen */
  int converged;
  double max_residual;
};

struct qclr_df {
  int64_t norb, nfactors, nterms;
  int64_t *size;   /* nfactors */
  int64_t *source; /* nfactors */
  double *f;       /* nfactors x norb, kept first, then dropped ones, |f| descending */
  double *U;       /* nfactors x norb x norb */
  double *T;       /* norb x norb */
};

/* New empty low-rank result able to hold cap vectors of length dim. */
int qclr__lowrank_new(int64_t dim, int64_t cap, int with_pivots, qclr_lowrank **out);
/* Make room for at least need vectors (geometric growth). */
int qclr__lowrank_reserve(qclr_lowrank *lr, int64_t need);

/* Noise floor for diagonals and eigenvalues: eps * n * scale. */
double qclr__psd_floor(int64_t n, double scale);

/* Eigendecomposition of a small symmetric matrix (symeig.c): a is n x n
 * row-major, destroyed; w gets the eigenvalues (unordered), row k of z
 * (n x n) the unit eigenvector of w[k]; work holds 3n doubles.  Returns 0,
 * or -1 if an eigenvalue needed more than 64 QL iterations. */
int qclr__symeig(int64_t n, double *a, double *w, double *z, double *work);

/* Cholesky variants on a validated operator and options; lr preallocated empty. */
int qclr__cholesky_greedy(const qclr_pair_operator *op, const qclr_cholesky_options *o, qclr_lowrank *lr);
int qclr__cholesky_random(const qclr_pair_operator *op, const qclr_cholesky_options *o, qclr_lowrank *lr);
int qclr__cholesky_block(const qclr_pair_operator *op, const qclr_cholesky_options *o, qclr_lowrank *lr);

/* Error metrics of a set of pair vectors (rank x npair) against H (m->lambda untouched). */
int qclr__pairvec_metrics(const qclr_hamiltonian *H, const double *vec, int64_t rank,
                          qclr_factor_metrics *m);

/* qclr_df_compute on validated arguments: N orbitals, the one-body T from H
 * (qclr_factor_one_body) or, when H is NULL, copied from T (N x N); o NULL = defaults. */
int qclr__df_compute(int64_t N, const qclr_hamiltonian *H, const double *T, const qclr_lowrank *lr,
                     const qclr_df_options *o, qclr_df **out);

/* Truncated DF factors as pair vectors: out[l*npair + pq] = (U^l f^l U^lT)_pq, kept f only. */
int qclr__df_pair_vectors(const qclr_df *df, double **out);

/* The double-factorization options valid? (tau_2 finite >= 0, a known rule);
 * who names the caller in the message. */
int qclr__df_options_check(const qclr_df_options *o, const char *who);
/* The tau_2 keep rule (docs/conventions.md §2) on one factor's eigenvalues f
 * (n, sorted by |f| descending): the length of the kept prefix, |f_k| sum_j |f_j|
 * > tol (tol = 0 keeps all); *abs_kept (if not NULL) = sum of the kept |f_k|. */
int64_t qclr__df_keep(int64_t n, const double *f, double tol, double *abs_kept);
/* How many leading stage-1 factors the rule uses, given each one's kept count:
 * all R by default; OpenFermion stops at the first factor with none kept. */
int64_t qclr__df_rule_limit(const int64_t *kept, int64_t R, int rule);

/* X_pq = sum_r (pr|rq) and J_pq = sum_r (pq|rr) of H (one_body.c); either may be NULL. */
void qclr__one_body_terms(const qclr_hamiltonian *H, double *X, double *J);
/* The one-body parts of lambda (lambda.c): sum_pq |T'_pq| and sum_k |eig_k(T')|
 * of the N x N matrix Tp (destroyed when spectral is wanted; w: N doubles);
 * either output may be NULL. */
int qclr__tprime_norms(int64_t N, double *Tp, double *w, double *elementwise, double *spectral);
/* sum_pq |L_pq| of the symmetric matrix behind the pair vector v (lambda.c). */
double qclr__pairvec_abs_sum(int64_t N, const double *v);

/* Hamiltonian with the ERIs sum_l v_l v_l^T of the given pair vectors. */
int qclr__pairvec_hamiltonian(const qclr_hamiltonian *H, const double *vec, int64_t rank,
                              qclr_hamiltonian **out);



/* One left-looking Cholesky step (cholesky_kernels.c): fetch column piv into
 * row lr->rank, subtract the previous vectors (dgemv), scale by the residual
 * pivot, update the residual diagonal d and check it against -floor.  The
 * caller has reserved room for the new row.  QCLR_ENOTPSD when the residual
 * pivot is not positive or a diagonal falls below -floor. */
int qclr__cholesky_step(const qclr_pair_operator *op, qclr_lowrank *lr, double *d, int64_t piv,
                        double floor);
/* Read the diagonal through the callback and check it (d_i >= -floor);
 * *floor is set from the largest diagonal. */
int qclr__cholesky_diag(const qclr_pair_operator *op, double *d, double *floor);
/* Check the residual diagonal after an update. */
int qclr__cholesky_check_diag(const double *d, int64_t n, double floor, int64_t rank);
#endif
