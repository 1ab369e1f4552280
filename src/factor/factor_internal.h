/* src/factor_internal.h: structures shared by the factorization sources. */
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

/* Metrics of a set of pair vectors (rank x npair) against H; lambda_sf computed
 * from the vectors (pass lambda NULL to skip). */
int qclr__pairvec_metrics(const qclr_hamiltonian *H, const double *vec, int64_t rank,
                          qclr_factor_metrics *m);

/* Truncated DF factors as pair vectors: out[l*npair + pq] = (U^l f^l U^lT)_pq, kept f only. */
int qclr__df_pair_vectors(const qclr_df *df, double **out);

/* Hamiltonian with the ERIs sum_l v_l v_l^T of the given pair vectors. */
int qclr__pairvec_hamiltonian(const qclr_hamiltonian *H, const double *vec, int64_t rank,
                              qclr_hamiltonian **out);



/* One left-looking Cholesky step (cholesky_direct.c): fetch column piv into
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
