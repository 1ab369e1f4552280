/* src/tt_internal.h: the qclr_tt structure, shared by the src/tt_*.c files. */
#ifndef QCLR_TT_INTERNAL_H
#define QCLR_TT_INTERNAL_H

#include "internal.h"
#include "qclr/tt.h"

struct qclr_tt {
  int d;
  int64_t *dims;   /* d */
  int64_t *ranks;  /* d+1 */
  double **cores;  /* d, each r_k n_k r_{k+1} */
  double scale;
  double **sv;     /* d-1 Schmidt spectra (may be NULL) */
  int64_t *nsv;    /* d-1 */
};

/* Replace core k by a malloc'd array of shape (r_k, n_k, rnew) and set
 * ranks[k+1] = rnew (the caller keeps the next core consistent). */
void qclr__tt_set_core(qclr_tt *tt, int k, double *core, int64_t rnew);
/* Replace the Schmidt values of bond k by a copy of s[0..n-1] normalized. */
int qclr__tt_set_sv(qclr_tt *tt, int k, const double *s, int64_t n);
/* Allocate an empty TT (cores NULL) with given dims; ranks set to 1. */
int qclr__tt_alloc(int d, const int64_t *dims, qclr_tt **out);

/* Truncation rank: smallest r with sum_{i>=r} s_i^2 <= delta2, then capped to
 * max_rank (0 = none) and at least 1.  *disc = the discarded sum of squares,
 * *capped = 1 if the cap cut more than delta2 allowed. */
int64_t qclr__tt_trunc_rank(const double *s2, int64_t n, double delta2, int64_t max_rank,
                            double *disc, int *capped);

/* Truncated SVD of the m x n row-major matrix A (destroyed): returns U (m x r),
 * s (r) and Vt (r x n) malloc'd, with rank chosen by qclr__tt_trunc_rank on
 * sigma^2.  method: QCLR_TT_GESDD (gesvd fallback) or QCLR_TT_GESVD. */
int qclr__tt_tsvd(double *A, int64_t m, int64_t n, int method, double delta2, int64_t max_rank,
                  double **U, double **s, double **Vt, int64_t *r, double *disc, int *capped,
                  double **sall, int64_t *nall);

#endif
